"""Text normalisation for matching, with a map back to the original text.

Detectors never see the raw answer. They see its NFKC form (full-width digits, letters and brackets
fold to ASCII), with format characters removed (zero-width space and joiners, BOM, bidi controls,
soft hyphen) and every other decimal digit (Arabic-Indic, Tibetan…) written as ASCII. A span
found there is mapped back with `Normalized.span`: the redacted report keeps the reporter's own
characters everywhere outside the replaced spans, so replacements must cut the original text.

`fold` goes one step further for the register: lower case, accents dropped, and separators
(spaces, hyphens, apostrophes, the middle dots of minority names) removed, so that "Wang
Quan-zhang", "WANG Quanzhang" and "Wáng Quánzhāng" give the same key, and so do 伊力哈木·土赫提
and 伊力哈木・土赫提.
"""

import unicodedata
from dataclasses import dataclass

# The middle dots seen in Chinese transliterations of minority names (un-procedures.md (e)).
# NFKC leaves these as they are; U+0387 and U+FF65 fold into U+00B7 and U+30FB.
MIDDLE_DOTS = "\u00b7\u30fb\u2022\u2027\u2219\u22c5\u0387\uff65"
_SEPARATORS = frozenset(MIDDLE_DOTS + "-\u2010\u2011\u2012\u2013\u2014_'\u2019\u02bc`")
# Letters whose accent-stripped form would lose a sound that other spellings write out.
_SPECIAL = {"ş": "sh", "ç": "ch", "ğ": "gh", "ı": "i", "ø": "o", "æ": "ae", "đ": "d", "ł": "l", "ß": "ss"}


def is_cjk(ch: str) -> bool:
    """Han, kana or hangul: scripts written without spaces, where no word boundary exists."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFF66 <= o <= 0xFF9F or 0x20000 <= o <= 0x3FFFF)


def is_word_char(ch: str) -> bool:
    """A letter or digit of a spaced script: a match must not start or end next to one."""
    return ch.isalnum() and not is_cjk(ch)


def _invisible(ch: str) -> bool:
    o = ord(ch)
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF


@dataclass(frozen=True)
class Normalized:
    """`text` is the normalised form of `original`; text[i] came from original[starts[i]:ends[i]]."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced text[start:end] (end > start)."""
        return self.starts[start], self.ends[end - 1]


def normalize(text: str) -> Normalized:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1  # a letter and its accents form one unit: NFKC may compose them into one character
        unit = "".join(c for c in text[i:j] if not _invisible(c))
        for ch in unicodedata.normalize("NFKC", unit):
            if unicodedata.category(ch) == "Nd":
                ch = str(unicodedata.digit(ch))
            chars.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    return Normalized(text, "".join(chars), tuple(starts), tuple(ends))


@dataclass(frozen=True)
class Folded:
    """`key` is the folded form of a normalised text; key[k] came from text[index[k]]."""

    key: str
    index: tuple[int, ...]


def _fold_char(ch: str) -> str:
    low = ch.lower()
    if low in _SPECIAL:
        return _SPECIAL[low]
    return "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))


def fold(text: str) -> Folded:
    """Fold a normalised text (see the module docstring); a "." counts as a dot between Hanzi."""
    key: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _SEPARATORS or ch.isspace():
            continue
        if ch == "." and 0 < i < len(text) - 1 and is_cjk(text[i - 1]) and is_cjk(text[i + 1]):
            continue
        for k in _fold_char(ch):
            key.append(k)
            index.append(i)
    return Folded("".join(key), tuple(index))


def match_key(text: str) -> str:
    """The key a spelling is matched under: normalise, then fold."""
    return fold(normalize(text).text).key
