"""The check after apply: search the redacted report for what should be gone (redaction.md §4.4).

It searches with the same normalisation as the detectors, so a name hidden by a zero-width space
or written in full-width letters is still found. What it looks for:

- every spelling and variant of each register entry whose text an accepted proposal replaced, and
  of each name the detectors found in free text that an accepted proposal replaced (derived the
  way the register derives an entry's, so the pinyin of a Hanzi name is searched for too);
- the original text of every accepted proposal;
- any identifier (phone, ID, card, e-mail…) that the detectors still find.

An empty list does not prove the report clean (names nobody registered are not searched for);
it proves the accepted decisions took effect. Rejected proposals show up here on purpose.

`translation_leaks` checks text someone wrote from the redacted answers (a translation) more
strictly: besides `leaks`, any person the name detectors find in it that is neither in its
original nor a name consent lets stay, and any pseudonym of its original it leaves out.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .detectors import detect
from .engine import Proposal
from .errors import RedactionError
from .match import TermMatcher
from .names import reading
from .normalize import fold, match_key, normalize
from .paths import walk_strings
from .people import find_people
from .profiles import PROFILES
from .pseudonyms import PREFIXES
from .register import KINDS, Register
from .short_names import REPLACEMENT as SHORT_NAME

IDENTIFIERS = frozenset({"phone", "resident_id", "hk_id", "macau_id", "taiwan_id", "passport", "qq", "wechat", "email",
                         "handle", "bank_card", "iban", "plate", "case_number", "url", "ip", "imei"})


@dataclass(frozen=True)
class Leak:
    path: str
    start: int  # span in the redacted field's text
    end: int
    text: str
    # "register:person-1", "proposal:<id>", "found:<id>" (a name the detectors found, withheld by
    # proposal <id>), "person:<detector>" (translation_leaks) or the identifier detector's name
    reason: str

    def withheld(self) -> str:
        """What was found, said without its text (which is what must not be shown)."""
        kind, _, name = self.reason.partition(":")
        if kind == "register":
            return f"register entry {name}"
        if kind == "proposal":
            return f"proposal {name[:8]}"
        if kind in ("found", "person"):
            return "a name the detectors found"
        return f"an identifier found by {self.reason}"


def leaks(redacted: dict, register: Register, proposals: Sequence[Proposal],
          decisions: Mapping[str, str] | None = None) -> list[Leak]:
    """What is still in `redacted` that the accepted proposals were meant to remove."""
    accepted = [p for p in proposals if (decisions or {}).get(p.id, "accept") == "accept"]
    matcher = TermMatcher(_withheld_terms(register, accepted))
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
    return _unique(found)


def _withheld_terms(register: Register, accepted: list[Proposal]) -> list[tuple[str, str]]:
    """(key, reason) for every spelling the accepted proposals withhold: the entries whose text a
    proposal replaced, by a register hit or a whole field, with all their variants; a name the
    detectors found (no register entry) as an entry of its own, with the variants the register
    would give it; and the original text of every proposal."""
    register_matcher = register.matcher()
    found = Register()
    owners: set[str] = set()
    first: dict[str, str] = {}  # entry of `found` -> the first proposal that withheld it
    for p in accepted:
        if p.kind not in KINDS:
            continue
        hits = register_matcher.find(normalize(p.original).text)
        owners |= {hit.owner for hit in hits}
        if not hits and p.kind == "person":
            try:
                first.setdefault(found.add("person", "", p.original, source=p.detector), p.id)
            except RedactionError:  # too short to search for in its variants: its original below
                pass
    terms = [(key, f"register:{entry.id}") for entry in register.entries if entry.id in owners for key in sorted(entry.keys)]
    terms += [(key, f"found:{first[entry.id]}") for entry in found.entries for key in sorted(entry.keys)]
    return terms + [(match_key(p.original), f"proposal:{p.id}") for p in accepted]


def translation_leaks(translations: Mapping[str, str], originals: Mapping[str, str], register: Register,
                      proposals: Sequence[Proposal], decisions: Mapping[str, str] | None = None,
                      kept: frozenset[str] = frozenset()) -> tuple[list[Leak], list[tuple[str, str]]]:
    """What translations {answer id: text} of the redacted answers `originals` (same ids) give
    away: the leaks `leaks` finds, then every person the name detectors find that is not a
    pseudonym, not a register entry in `kept` (consent lets the name stay) and not a name its
    original still holds (in any spelling: the original is in the letter's annex); and the
    pseudonyms of its original each leaves out, as (answer id, pseudonym)."""
    found = leaks(dict(translations), register, proposals, decisions)
    accepted = [p for p in proposals if (decisions or {}).get(p.id, "accept") == "accept"]
    labels = sorted({p.replacement for p in accepted if _pseudonym(p.replacement)}, key=len, reverse=True)
    allowed = {key for entry in register.entries if entry.id in kept for key in entry.keys}
    dropped: list[tuple[str, str]] = []
    for answer_id, text in translations.items():
        original = originals.get(answer_id, "")
        dropped += [(answer_id, label) for label in labels if label in original and label not in text]
        here = allowed | _names_in(original)
        norm = normalize(_blank(text, labels))
        romanised = fold("".join(reading(original))).key  # "Falun Gong" is 法轮功 read aloud, no new name
        for f in find_people(norm.text):
            key = match_key(norm.text[f.start:f.end])
            if key and key not in here and key not in romanised:
                start, end = norm.span(f.start, f.end)
                found.append(Leak(answer_id, start, end, text[start:end], f"person:{f.detector}"))
    return _unique(found), dropped


def _pseudonym(replacement: str) -> bool:
    """A pseudonym ("Person D (lawyer)", "Phone 2", "[name withheld]"), not a generalisation ("2023")."""
    return replacement == SHORT_NAME or any(re.fullmatch(re.escape(prefix) + r" [A-Z0-9]+(?: \(.*\))?", replacement)
                                            for prefix in PREFIXES.values())


def _names_in(text: str) -> set[str]:
    """The keys of every spelling the register would give each name the detectors find in `text`."""
    names = Register()
    norm = normalize(text)
    for f in find_people(norm.text):
        try:
            names.add("person", "", norm.text[f.start:f.end], merge=False)
        except RedactionError:
            continue
    return {key for entry in names.entries for key in entry.keys}


def _unique(found: list[Leak]) -> list[Leak]:
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
