"""The review model: propose redactions, let staff decide, apply the accepted ones.

    register = seed_register(report)                  # then staff add relatives, aliases…
    proposals = propose(report, register, "reprisals-report")
    decisions = {p.id: "accept" for p in proposals}   # what the review screen collects
    redacted = apply(report, proposals, decisions, manual=[{"path": "*", "text": "…", "replacement": "…"}])

Pure functions over the decrypted report: no files, no network, no printing. Every string in the
report is searched (free text, names, codes, attachment names). A proposal's id is a hash of its
path, span and replacement, so the same report, register and profile give the same ids, and a
decision stays attached to the proposal it was made on. Where list items may change places (the
follow-ups the desk adds as `updates`), `path_keys` names each item for the id ("updates[0]" ->
"updates[<its case id>]"), so a decision stays with its item, not with a position.
"""

import copy
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .contacts import PHONE_REGIONS
from .detectors import detect
from .discovery import session_register
from .errors import RedactionError, UnreviewedProposals
from .fields import structured
from .finding import Finding
from .match import TermMatcher, usable_key
from .short_names import REPLACEMENT as SHORT_NAME
from .short_names import find as short_name_spans
from .short_names import short_names
from .normalize import match_key, normalize
from .paths import get_path, pattern, set_path, walk_strings
from .profiles import HIDDEN_ROLES, Profile, carries_free_text, check_keep_names, consented_names, get_profile
from .provinces import province_of
from .pseudonyms import Labeller
from .register import Entry, Register
from .spans import take_disjoint

CONTEXT = 30  # characters on each side of a span, for the review screen
DECISIONS = ("accept", "reject")


@dataclass(frozen=True)
class Proposal:
    id: str
    path: str  # "incidents[0].narrative"
    start: int  # span in the original text of the field
    end: int
    original: str
    replacement: str
    kind: str  # person, place, organisation, phone, resident_id, date…
    context: str  # the original text around the span
    detector: str  # "register:person-1", "phonenumbers:CN", "field", "name:zh"…
    evidence: str = ""  # why a detector fired ("surname 陈 (4.6 %); relation word 丈夫 before")

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def _proposal(path: str, text: str, start: int, end: int, replacement: str, kind: str, detector: str,
              path_keys: Mapping[str, str], evidence: str = "") -> Proposal:
    digest = hashlib.sha256("\x1f".join((_stable(path, path_keys), str(start), str(end), replacement)).encode()).hexdigest()[:16]
    context = text[max(0, start - CONTEXT):end + CONTEXT]
    return Proposal(digest, path, start, end, text[start:end], replacement, kind, context, detector, evidence)


def propose(report: dict, register: Register, profile: str | Profile = "reprisals-report", *,
            keep_names: bool = False, phone_regions: tuple[str, ...] = PHONE_REGIONS,
            path_keys: Mapping[str, str] | None = None) -> list[Proposal]:
    """Every redaction the profile calls for, in report order. Spans may overlap (apply resolves)."""
    prof = get_profile(profile)
    check_keep_names(report, prof, keep_names)
    updates = report.get("updates") or []
    if any(f"updates[{i}]" not in (path_keys or {}) for i in range(len(updates))):
        # Their order can change as follow-ups arrive: ids by position could carry a decision to other words.
        raise RedactionError("every item of 'updates' needs a stable name in path_keys")
    texts = [(path, text, normalize(text)) for path, text in walk_strings(report) if text.strip()]
    # People named only in free text join the register for this run (discovery.py).
    session, found_people = session_register(register, ((path, norm) for path, _, norm in texts))
    labeller = Labeller(session, prof)
    matcher = session.matcher()
    known = register.matcher()  # the case register alone (see below)
    kept = named_entries(session, report, keep_names)
    too_short = short_names(report, keep_names)
    proposals: list[Proposal] = []
    for path, text, norm in texts:
        # (start, end) -> (replacement, kind, detector, evidence); on the same span the earlier source wins.
        found: dict[tuple[int, int], tuple[str, str, str, str]] = {}
        whole = structured(path, text, report, register, prof, keep_names, labeller)
        if whole:
            found[(0, len(text))] = (whole[1], whole[0], "field", "")
        free_text = carries_free_text(prof, pattern(path))
        for hit in matcher.find(norm.text):
            entry = session.entry(hit.owner)
            why = found_people.get(entry.id)
            if why and not free_text:
                # The profile's export does not carry this text: the found name asks no decision.
                # A name of the case register inside it ("After Abdurehim Tursun") still goes.
                for inner in known.find(norm.text[hit.start:hit.end]):
                    named = session.entry(inner.owner)
                    span = norm.span(hit.start + inner.start, hit.start + inner.end)
                    label = _entry_label(named, prof, kept, labeller, text[span[0]:span[1]])
                    if label:
                        found.setdefault(span, (label, named.kind, f"register:{named.id}", ""))
                continue
            span = norm.span(hit.start, hit.end)
            label = _entry_label(entry, prof, kept, labeller, text[span[0]:span[1]])
            if label:
                detector, evidence = (why.detector, why.evidence) if why else (f"register:{entry.id}", "")
                found.setdefault(span, (label, entry.kind, detector, evidence))
        if not whole:
            for span in short_name_spans(text, too_short):
                found.setdefault(span, (SHORT_NAME, "person", "short_name", "a name field too short for the register"))
        for f in detect(norm.text, prof, phone_regions):
            span = norm.span(f.start, f.end)
            matched = text[span[0]:span[1]]
            owner = matcher.owner(match_key(matched)) if f.kind in ("place", "organisation") else None
            label = _entry_label(session.entry(owner), prof, kept, labeller, matched) if owner else None
            found.setdefault(span, (label or _finding_label(f, labeller, matched), f.kind, f.detector, ""))
        for (start, end), (replacement, kind, detector, evidence) in sorted(found.items()):
            if replacement != text[start:end]:
                proposals.append(_proposal(path, text, start, end, replacement, kind, detector, path_keys or {}, evidence))
    return proposals


def _stable(path: str, path_keys: Mapping[str, str]) -> str:
    """The path with a list item's position replaced by its stable name, if `path_keys` has one."""
    for prefix, key in path_keys.items():
        if path.startswith(prefix) and path[len(prefix):len(prefix) + 1] in ("", ".", "["):
            return key + path[len(prefix):]
    return path


def named_entries(register: Register, report: dict, keep_names: bool) -> frozenset[str]:
    """The person entries whose names stay: with keep_names, the victim and the related persons
    who agreed to be named; without it, none."""
    if not keep_names:
        return frozenset()
    consented = consented_names(report)
    people = [e for e in register.entries if e.kind == "person"]
    # Kept: the victim's entry (the reporter's name folded into it is the victim's own, when
    # they report for themselves), and each consenting related person's, when every source of
    # the entry may be named. An entry sharing a spelling with anyone who may not be named is
    # never kept: the same letters cannot be both a consenting name and a withheld one.
    kept = [e for e in people
            if (e.role == "victim" and set(e.sources) <= {"victim.name", "reporter.name", "staff"})
            or (set(e.sources) & consented and set(e.sources) <= consented | {"staff"})]
    withheld_keys = frozenset(k for e in people if e not in kept for k in e.keys)
    return frozenset(e.id for e in kept if not e.keys & withheld_keys)


def _entry_label(entry: Entry, profile: Profile, kept: frozenset[str], labeller: Labeller, matched: str) -> str | None:
    hidden = entry.role in HIDDEN_ROLES
    if entry.id in kept and not hidden:
        return None
    if entry.kind == "place" and profile.places == "keep" and not hidden:
        return None
    if entry.kind == "organisation" and profile.organisations == "keep" and not hidden:
        return None
    return labeller.entry(entry, matched)


def _finding_label(f: Finding, labeller: Labeller, matched: str) -> str:
    if f.replacement is not None:
        return f.replacement
    label = labeller.value(f.kind, f.value)
    if f.kind == "place":
        return labeller.place(label, province_of(normalize(matched).text), matched)
    return label


def unreviewed(proposals: Iterable[Proposal], decisions: Mapping[str, str]) -> list[Proposal]:
    """The proposals that have no decision yet."""
    return [p for p in proposals if p.id not in decisions]


def apply(report: dict, proposals: Sequence[Proposal], decisions: Mapping[str, str],
          manual: Iterable[Mapping[str, str]] = (), *, force: bool = False) -> dict:
    """A redacted deep copy of `report`.

    `decisions` maps proposal ids to "accept" or "reject" (ids of other proposals are ignored).
    `manual` holds staff's own replacements: {"path": field path or "*" for every field,
    "text": what to replace (matched like register spellings), "replacement": …}.
    Unless `force`, a proposal without a decision raises UnreviewedProposals; with `force` it is
    accepted, so that forcing an export can only withhold more, never less. Where accepted spans
    overlap, the longest wins; replacements go right to left, so offsets stay valid.
    """
    bad = sorted({v for v in decisions.values() if v not in DECISIONS})
    if bad:
        raise RedactionError(f"unknown decision(s): {', '.join(map(repr, bad))}", hint="use 'accept' or 'reject'")
    missing = unreviewed(proposals, decisions)
    if missing and not force:
        raise UnreviewedProposals(missing)
    edits: dict[str, list[tuple[int, int, int, str, str]]] = {}  # path -> (start, end, rank, id, text)
    for p in proposals:
        if decisions.get(p.id, "accept") != "accept":
            continue
        current = get_path(report, p.path)
        if not isinstance(current, str) or current[p.start:p.end] != p.original:
            raise RedactionError(f"proposal {p.id} does not match {p.path} any more",
                                 hint="the report or register changed: propose again")
        edits.setdefault(p.path, []).append((p.start, p.end, 1, p.id, p.replacement))
    for n, item in enumerate(manual):
        for path, start, end in _manual_spans(report, item):
            edits.setdefault(path, []).append((start, end, 0, f"manual-{n}", item["replacement"]))
    redacted = copy.deepcopy(report)
    for path, spans in sorted(edits.items()):
        text = get_path(report, path)
        for start, end, _, _, replacement in sorted(_resolve(spans), reverse=True):
            text = text[:start] + replacement + text[end:]
        set_path(redacted, path, text)
    return redacted


def _resolve(spans: list[tuple[int, int, int, str, str]]) -> list[tuple[int, int, int, str, str]]:
    """Non-overlapping spans: the longest first, then staff's own, then the earliest, then by id."""
    return take_disjoint(sorted(spans, key=lambda s: (-(s[1] - s[0]), s[2], s[0], s[3])), lambda s: (s[0], s[1]))


def _manual_spans(report: dict, item: Mapping[str, str]) -> list[tuple[str, int, int]]:
    path, term = item.get("path", item.get("field", "")), item.get("text", "")
    if not term or "replacement" not in item:
        raise RedactionError("a manual replacement needs 'path', 'text' and 'replacement'")
    key = match_key(term)
    matcher = TermMatcher([(key, "manual")]) if usable_key(key) else None
    spans: list[tuple[str, int, int]] = []
    for field, text in walk_strings(report):
        if path not in ("*", field):
            continue
        if matcher:
            norm = normalize(text)
            spans += [(field, *norm.span(h.start, h.end)) for h in matcher.find(norm.text)]
        else:  # too short to match loosely: the exact text only
            at = text.find(term)
            while at >= 0:
                spans.append((field, at, at + len(term)))
                at = text.find(term, at + 1)
    if not spans:
        raise RedactionError(f"manual replacement: the text was not found in {path}", hint="check the field path and the text")
    return spans
