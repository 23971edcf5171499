"""The check after apply: search the redacted report for what should be gone (redaction.md §4.4).

It searches with the same normalisation as the detectors, so a name hidden by a zero-width space
or written in full-width letters is still found. What it looks for:

- every spelling and variant of each register entry whose text an accepted proposal replaced;
- the original text of every accepted proposal;
- any identifier (phone, ID, card, e-mail…) that the detectors still find.

An empty list does not prove the report clean (names nobody registered are not searched for);
it proves the accepted decisions took effect. Rejected proposals show up here on purpose.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .detectors import detect
from .engine import Proposal
from .match import TermMatcher
from .normalize import match_key, normalize
from .paths import walk_strings
from .profiles import PROFILES
from .register import KINDS, Register

IDENTIFIERS = frozenset({"phone", "resident_id", "hk_id", "macau_id", "taiwan_id", "passport", "qq", "wechat", "email",
                         "handle", "bank_card", "iban", "plate", "case_number", "url", "ip", "imei"})


@dataclass(frozen=True)
class Leak:
    path: str
    start: int  # span in the redacted field's text
    end: int
    text: str
    reason: str  # "register:person-1", "proposal:<id>" or the detector's name


def leaks(redacted: dict, register: Register, proposals: Sequence[Proposal],
          decisions: Mapping[str, str] | None = None) -> list[Leak]:
    """What is still in `redacted` that the accepted proposals were meant to remove."""
    accepted = [p for p in proposals if (decisions or {}).get(p.id, "accept") == "accept"]
    # The entries whose text an accepted proposal replaced, by a register hit or a whole field.
    register_matcher = register.matcher()
    owners = {hit.owner for p in accepted if p.kind in KINDS for hit in register_matcher.find(normalize(p.original).text)}
    terms = [(key, f"register:{entry.id}") for entry in register.entries if entry.id in owners for key in sorted(entry.keys)]
    terms += [(match_key(p.original), f"proposal:{p.id}") for p in accepted]
    matcher = TermMatcher(terms)
    labels = sorted({p.replacement for p in accepted}, key=len, reverse=True)
    found: list[Leak] = []
    for path, text in walk_strings(redacted):
        norm = normalize(_blank(text, labels))
        for hit in matcher.find(norm.text):
            start, end = norm.span(hit.start, hit.end)
            found.append(Leak(path, start, end, text[start:end], hit.owner))
        for f in detect(norm.text, PROFILES["un-sp"]):  # identifiers only: un-sp keeps dates and places
            if f.kind in IDENTIFIERS:
                start, end = norm.span(f.start, f.end)
                found.append(Leak(path, start, end, text[start:end], f.detector))
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for leak in found:  # one per span, with the first reason found
        if (leak.path, leak.start, leak.end) not in seen:
            seen.add((leak.path, leak.start, leak.end))
            unique.append(leak)
    return unique


def _blank(text: str, labels: list[str]) -> str:
    """Blank out the replacements themselves: "微信号：WeChat ID 1" must not read as a WeChat ID."""
    for label in labels:
        text = text.replace(label, " " * len(label))
    return text
