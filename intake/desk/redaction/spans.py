"""Choosing non-overlapping spans among many candidates, in O(n log n).

Every detector and matcher resolves overlaps the same way: candidates are taken in a ranking
order (longest first, then a tie-break) and one is kept only if it overlaps none kept before.
Comparing each candidate with every kept span is quadratic, which a 1 MB narrative with tens
of thousands of candidates turns into minutes; the kept spans are disjoint, so a candidate only
has to be compared with its neighbours in start order.
"""

from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def take_disjoint(ranked: Iterable[T], span: Callable[[T], tuple[int, int]]) -> list[T]:
    """The items of `ranked` (already in order of preference) that overlap no item kept before,
    in the order they were kept."""
    starts: list[int] = []  # of the kept spans, sorted; they are disjoint, so their ends are sorted too
    ends: list[int] = []
    kept: list[T] = []
    for item in ranked:
        start, end = span(item)
        at = bisect_right(starts, start)
        # The kept span starting at or before `start` must end by it; the next one must start at or after `end`.
        if at > 0 and ends[at - 1] > start:
            continue
        if at < len(starts) and starts[at] < end:
            continue
        starts.insert(at, start)
        ends.insert(at, end)
        kept.append(item)
    return kept


__all__ = ["take_disjoint"]
