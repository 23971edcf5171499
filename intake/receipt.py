"""Receipt codes: what a reporter keeps to link a later report to this one.

100 random bits in Crockford base32, shown as four groups of five: easy to copy, to write down
and to read aloud (no I, L, O or U; case and separators do not matter when typed back).
The server keeps no record of them; the code is stored only inside the encrypted report.
"""

import secrets

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TYPO_MAP = str.maketrans({"I": "1", "L": "1", "O": "0"})
LENGTH = 20  # 20 × 5 bits = 100 bits


def new_receipt() -> str:
    code = "".join(secrets.choice(_ALPHABET) for _ in range(LENGTH))
    return format_receipt(code)


def format_receipt(code: str) -> str:
    return "-".join(code[i : i + 5] for i in range(0, LENGTH, 5))


def normalize_receipt(text: str) -> str | None:
    """The canonical form of a typed receipt, or None when it cannot be one."""
    cleaned = "".join(c for c in text.upper() if c not in " -\t").translate(_TYPO_MAP)
    if len(cleaned) != LENGTH or any(c not in _ALPHABET for c in cleaned):
        return None
    return format_receipt(cleaned)
