"""Find known terms (register spellings, place names) in a normalised text.

Terms are compared as folded keys (normalize.fold), so spacing, hyphens, case, tone marks and
middle dots do not matter. CJK has no word boundaries, so a Hanzi term matches anywhere (plain
substring search, never \\b). A term that starts or ends with a Latin letter or digit must not
touch another one there: "Li Na" must not match inside "Carolina".
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .normalize import fold, is_cjk, is_word_char


@dataclass(frozen=True)
class Hit:
    start: int  # span in the normalised text
    end: int
    owner: str
    key: str


def usable_key(key: str) -> bool:
    """Too short a key would match everywhere: at least 2 Hanzi, or 3 other characters."""
    return len(key) >= (2 if any(is_cjk(c) for c in key) else 3)


class TermMatcher:
    """Longest-first, non-overlapping matching of many terms; each key belongs to one owner."""

    def __init__(self, terms: Iterable[tuple[str, str]]):
        owners: dict[str, str] = {}
        for key, owner in terms:
            if usable_key(key):
                owners.setdefault(key, owner)  # the first owner wins: callers pass terms in a fixed order
        # Longest first, then alphabetical: the order never depends on hashing.
        self._keys = sorted(owners, key=lambda k: (-len(k), k))
        self._owners = owners

    def owner(self, key: str) -> str | None:
        """The owner of a folded key, if it is one of the terms."""
        return self._owners.get(key)

    def find(self, text: str) -> list[Hit]:
        folded = fold(text)
        candidates: list[Hit] = []
        for key in self._keys:
            at = folded.key.find(key)
            while at >= 0:
                start = folded.index[at]
                end = folded.index[at + len(key) - 1] + 1
                if self._bounded(text, start, end):
                    candidates.append(Hit(start, end, self._owners[key], key))
                at = folded.key.find(key, at + 1)
        return _longest_first(candidates)

    @staticmethod
    def _bounded(text: str, start: int, end: int) -> bool:
        if is_word_char(text[start]) and start > 0 and is_word_char(text[start - 1]):
            return False
        return not (is_word_char(text[end - 1]) and end < len(text) and is_word_char(text[end]))


def _longest_first(hits: list[Hit]) -> list[Hit]:
    taken: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start, h.key)):
        if all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)
    return sorted(taken, key=lambda h: h.start)
