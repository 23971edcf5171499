"""The free-text answers of a case document, each with its proposals marked in place.

What staff must read to see what the detectors missed: every answer the profile's export
carries as free text (profiles.Profile.free_text), in full, with each proposal written where it
falls, ⟦original → replacement · id⟧. Fields replaced whole (fields.py) are left out, and so
are codes and single words with nothing proposed in them ("detained", "2024-03"): they are not
prose, and the proposal list shows every field anyway. Where proposals overlap, the one `apply`
would use (the longest) is marked and the others are listed under the answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .engine import Proposal
from .paths import pattern, walk_strings
from .profiles import carries_free_text, get_profile
from .spans import take_disjoint


@dataclass(frozen=True)
class Answer:
    path: str
    text: str
    proposals: tuple[Proposal, ...]  # in text order; every proposal made in this field
    marked: tuple[Proposal, ...]  # the non-overlapping ones marked in place

    def render(self, short_id: int = 8) -> str:
        out, at = [], 0
        for p in self.marked:
            out.append(self.text[at:p.start])
            out.append(f"⟦{p.original} → {p.replacement} · {p.id[:short_id]}⟧")
            at = p.end
        out.append(self.text[at:])
        return "".join(out)


def is_prose(text: str) -> bool:
    """Words, not a code or a single Latin word ("detained", "2024-03")."""
    return not text.isascii() or any(c.isspace() for c in text.strip())


def free_text_answers(document: dict, proposals: Iterable[Proposal], profile: str) -> list[Answer]:
    prof = get_profile(profile)
    by_path: dict[str, list[Proposal]] = {}
    for p in proposals:
        by_path.setdefault(p.path, []).append(p)
    answers = []
    for path, text in walk_strings(document):
        here = sorted(by_path.get(path, []), key=lambda p: (p.start, p.end))
        if not text.strip() or not carries_free_text(prof, pattern(path)):
            continue
        if any(p.detector == "field" for p in here) or not (here or is_prose(text)):
            continue
        marked = take_disjoint(sorted(here, key=lambda p: (-(p.end - p.start), p.start, p.id)), lambda p: (p.start, p.end))
        answers.append(Answer(path, text, tuple(here), tuple(sorted(marked, key=lambda p: p.start))))
    return answers
