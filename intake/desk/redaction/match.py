"""Find known terms (register spellings, place names) in a normalised text.

Terms are compared as folded keys (normalize.fold), so spacing, hyphens, case, tone marks and
middle dots do not matter. CJK has no word boundaries, so a Hanzi term matches anywhere (plain
substring search, never \\b). A term that starts or ends with a Latin letter or digit must not
touch another one there: "Li Na" must not match inside "Carolina".
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .spans import take_disjoint
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
    """Longest-first, non-overlapping matching of many terms; each key belongs to one owner.

    The keys are held in a trie, and a regular expression built from it finds, in one pass in C,
    every position where some key starts; only there is the trie walked to list every key that
    starts at that position (all of them, not only the longest: a shorter one may be the one that
    fits between other hits, or the one whose ends are on word boundaries).
    """

    def __init__(self, terms: Iterable[tuple[str, str]]):
        owners: dict[str, str] = {}
        for key, owner in terms:
            if usable_key(key):
                owners.setdefault(key, owner)  # the first owner wins: callers pass terms in a fixed order
        self._owners = owners
        self._trie: dict = {}
        for key in sorted(owners):  # the order never depends on hashing
            node = self._trie
            for ch in key:
                node = node.setdefault(ch, {})
            node[_END] = key
        self._starts = re.compile(f"(?=(?:{_pattern(self._trie)}))") if owners else None

    def owner(self, key: str) -> str | None:
        """The owner of a folded key, if it is one of the terms."""
        return self._owners.get(key)

    def find(self, text: str) -> list[Hit]:
        if self._starts is None:
            return []
        folded = fold(text)
        candidates: list[Hit] = []
        for m in self._starts.finditer(folded.key):
            at = m.start()
            for key in self._keys_at(folded.key, at):
                start = folded.position(at)
                end = folded.position(at + len(key) - 1) + 1
                if self._bounded(text, start, end):
                    candidates.append(Hit(start, end, self._owners[key], key))
        return _longest_first(candidates)

    def _keys_at(self, key: str, at: int) -> list[str]:
        found, node = [], self._trie
        for i in range(at, len(key)):
            child = node.get(key[i])
            if child is None:
                break
            node = child
            if _END in node:
                found.append(node[_END])
        return found

    @staticmethod
    def _bounded(text: str, start: int, end: int) -> bool:
        if is_word_char(text[start]) and start > 0 and is_word_char(text[start - 1]):
            return False
        return not (is_word_char(text[end - 1]) and end < len(text) and is_word_char(text[end]))


_END = ""  # the trie's mark of a key ending at a node (no key character is empty)
_PREFIX = 8  # the expression looks this far into a key; the trie walk checks the rest


def _pattern(node: dict, depth: int = 1) -> str:
    """A regular expression matching the first characters of any key of the trie under `node`:
    it only has to find where keys may start, so a branch ends at the shortest key on it, or after
    _PREFIX characters (which also bounds the expression's size and nesting)."""
    branches = []
    for ch in sorted(c for c in node if c != _END):
        child = node[ch]
        stop = _END in child or depth >= _PREFIX
        branches.append(re.escape(ch) if stop else re.escape(ch) + f"(?:{_pattern(child, depth + 1)})")
    return "|".join(branches)


def _longest_first(hits: list[Hit]) -> list[Hit]:
    taken = take_disjoint(sorted(hits, key=lambda h: (-(h.end - h.start), h.start, h.key)), lambda h: (h.start, h.end))
    return sorted(taken, key=lambda h: h.start)
