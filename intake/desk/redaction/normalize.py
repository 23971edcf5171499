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

import functools
import re
import unicodedata
from bisect import bisect_right
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


def _safe(ch: str) -> bool:
    """A character that normalises to itself, alone, whatever follows it (unless a combining mark)."""
    return (unicodedata.normalize("NFKC", ch) == ch and not _invisible(ch) and not unicodedata.combining(ch)
            and (unicodedata.category(ch) != "Nd" or ch.isascii()) and unicodedata.category(ch)[0] != "C" or ch in "\t\n\r")


def _ranges(codes: list[int]) -> str:
    out, at = [], 0
    while at < len(codes):
        end = at
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        out.append(re.escape(chr(codes[at])) + ("-" + re.escape(chr(codes[end])) if end > at else ""))
        at = end + 1
    return "".join(out)


@functools.cache
def _unsafe() -> re.Pattern[str]:
    """Runs of characters that need the full treatment: everything outside the common blocks
    (ASCII, Latin, Greek, Cyrillic, punctuation, CJK ideographs) that are stable under NFKC."""
    blocks = ((0x09, 0x0D), (0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x52F), (0x2000, 0x206F), (0x3001, 0x303F),
              (0x3400, 0x4DBF), (0x4E00, 0x9FFF))
    safe = [o for lo, hi in blocks for o in range(lo, hi + 1) if _safe(chr(o))]
    return re.compile(f"[^{_ranges(safe)}]+")


def normalize(text: str) -> Normalized:
    """The normalised text and its map back. Runs of characters that are their own normal form
    are copied as they are; only the rest goes through NFKC one unit at a time."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for m in _unsafe().finditer(text):
        # A combining mark belongs to the letter before it: that letter is normalised with it.
        begin = m.start() - 1 if m.start() > done and unicodedata.combining(text[m.start()]) else m.start()
        chars.append(text[done:begin])
        starts.extend(range(done, begin))
        ends.extend(range(done + 1, begin + 1))
        _normalize_units(text, begin, m.end(), chars, starts, ends)
        done = m.end()
    chars.append(text[done:])
    starts.extend(range(done, len(text)))
    ends.extend(range(done + 1, len(text) + 1))
    return Normalized(text, "".join(chars), tuple(starts), tuple(ends))


def _normalize_units(text: str, i: int, stop: int, chars: list[str], starts: list[int], ends: list[int]) -> None:
    while i < stop:
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1  # a letter and its accents form one unit: NFKC may compose them into one character
        unit = "".join(c for c in text[i:j] if not _invisible(c))
        out = unicodedata.normalize("NFKC", unit)
        for ch in out:
            if unicodedata.category(ch) == "Nd":
                ch = str(unicodedata.digit(ch))
            chars.append(ch)
            starts.append(i)
            ends.append(j)
        i = j


@dataclass(frozen=True)
class Folded:
    """`key` is the folded form of a normalised text; key[k] came from text[position(k)].

    The map is kept as segments (a run of characters that fold one to one, or one character that
    folds to several), so folding a long text costs a few passes in C, not a loop per character.
    """

    key: str
    _key_starts: tuple[int, ...]
    _text_starts: tuple[int, ...]
    _strides: tuple[int, ...]  # 1: a one-to-one run; 0: every key character came from one text character

    def position(self, k: int) -> int:
        at = bisect_right(self._key_starts, k) - 1
        return self._text_starts[at] + (k - self._key_starts[at]) * self._strides[at]

    @property
    def index(self) -> tuple[int, ...]:
        return tuple(self.position(k) for k in range(len(self.key)))


def _fold_char(ch: str) -> str:
    low = ch.lower()
    if low in _SPECIAL:
        return _SPECIAL[low]
    return "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))


class _FoldTable(dict):
    """ord(character) -> its folded form ("" for a separator), filled in as characters are seen."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = "" if ch in _SEPARATORS or ch.isspace() else _fold_char(ch)
        self[code] = value
        return value


class _ClassTable(dict):
    """ord(character) -> "0" (dropped), "1" (folds to one character) or "2" (to several)."""

    def __missing__(self, code: int) -> str:
        value = str(min(len(_FOLD[code]), 2))
        self[code] = value
        return value


_FOLD = _FoldTable()
_CLASS = _ClassTable()
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff"  # as is_cjk
_CJK_DOT = re.compile(f"(?<=[{_CJK}])\\.(?=[{_CJK}])")
_PIECES = re.compile("1+|2")


def fold(text: str) -> Folded:
    """Fold a normalised text (see the module docstring); a "." counts as a dot between Hanzi."""
    if "." in text:
        text = _CJK_DOT.sub("\u00b7", text)  # same length: the positions do not move
    key = text.translate(_FOLD)
    classes = text.translate(_CLASS)
    key_starts: list[int] = []
    text_starts: list[int] = []
    strides: list[int] = []
    k = 0
    for m in _PIECES.finditer(classes):
        key_starts.append(k)
        text_starts.append(m.start())
        if m.group() == "2":
            strides.append(0)
            k += len(_FOLD[ord(text[m.start()])])
        else:
            strides.append(1)
            k += m.end() - m.start()
    return Folded(key, tuple(key_starts), tuple(text_starts), tuple(strides))


def match_key(text: str) -> str:
    """The key a spelling is matched under: normalise, then fold."""
    return fold(normalize(text).text).key
