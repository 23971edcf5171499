"""Receipt codes: what a reporter keeps to link a later report to this one.

100 random bits in Crockford base32 (no I, L, O or U; case and separators do not matter when
typed back) and one check symbol: 21 symbols shown as three groups of seven, easy to copy, to
write down and to read aloud. The check symbol (Luhn mod 32) catches every single mistyped
symbol and every swap of two neighbours but 0 and Z, so a typo is refused on the form instead
of linking a follow-up to nothing. Codes issued before the check symbol (20 symbols, four groups of five)
are still read, without a check.
The server keeps no record of them; the code is stored only inside the encrypted report.
"""

import re
import secrets
import unicodedata

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_TYPO_MAP = str.maketrans({"I": "1", "L": "1", "O": "0"})
# What a phone keyboard or an input method puts between groups: dashes NFKC leaves alone
# (hyphen, figure, en and em dash, horizontal bar, minus), and any space.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
MAX_TYPED = 100  # characters: far more than a code with spaces, so NFKC never meets a long text
RANDOM = 20  # 20 × 5 bits = 100 bits
LENGTH = RANDOM + 1  # and the check symbol
# A code as written: the current form, or the form of codes issued before the check symbol.
PATTERN = r"[0-9A-Z]{7}(?:-[0-9A-Z]{7}){2}|[0-9A-Z]{5}(?:-[0-9A-Z]{5}){3}"
WRITTEN = re.compile(PATTERN)


def new_receipt() -> str:
    code = "".join(secrets.choice(_ALPHABET) for _ in range(RANDOM))
    return format_receipt(code + check_symbol(code))


def check_symbol(code: str) -> str:
    """The Luhn mod 32 check symbol of `code` (symbols of the alphabet)."""
    total = 0
    for position, symbol in enumerate(reversed(code)):
        value = _VALUE[symbol] * (2 if position % 2 == 0 else 1)
        total += value // 32 + value % 32
    return _ALPHABET[-total % 32]


def format_receipt(code: str) -> str:
    size = 7 if len(code) == LENGTH else 5
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def _cleaned(text: str) -> str:
    """The symbols of a typed code: full-width letters and digits (an input method, a phone)
    read as their ASCII forms, separators dropped, I L O read as 1 1 0."""
    if len(text) > MAX_TYPED:
        return ""
    text = unicodedata.normalize("NFKC", text).upper()
    return "".join(c for c in text if not (c.isspace() or c in _DASHES)).translate(_TYPO_MAP)


def normalize_receipt(text: str) -> str | None:
    """The canonical form of a typed receipt, or None when it cannot be one (or has a typo)."""
    cleaned = _cleaned(text)
    if len(cleaned) not in (RANDOM, LENGTH) or any(c not in _VALUE for c in cleaned):
        return None
    if len(cleaned) == LENGTH and check_symbol(cleaned[:-1]) != cleaned[-1]:
        return None
    return format_receipt(cleaned)


def has_typo(text: str) -> bool:
    """A code of the current length whose check symbol does not match: a typo, not a non-code."""
    cleaned = _cleaned(text)
    return len(cleaned) == LENGTH and all(c in _VALUE for c in cleaned) and normalize_receipt(text) is None
