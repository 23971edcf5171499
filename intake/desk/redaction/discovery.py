"""The session register: the case register plus the people the detectors found in free text.

A name found once (people.find_people) becomes a register entry for this run of `propose`, so
every other mention of it, in any spelling the register derives (pinyin for a Hanzi name, word
order, Wade-Giles, romanisation alternations), is proposed too and gets the same pseudonym. Its
role is the first relation a cue gave it ("Person C (husband)"). Nothing is stored: the entries
are derived from the text again on every run, so the same report gives the same proposals. A
name the register already has (the victim, someone staff added) joins nothing new.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import RedactionError
from .finding import NameFinding
from .match import usable_key
from .normalize import Normalized, match_key
from .people import find_people
from .register import Register


@dataclass(frozen=True)
class Found:
    """Why a session entry exists: the detector, its evidence, and the field it first fired in."""

    detector: str
    evidence: str
    path: str


def session_register(register: Register, texts: Iterable[tuple[str, Normalized]]) -> tuple[Register, dict[str, Found]]:
    """A copy of `register` with the people found in `texts` ((path, normalised text) pairs), and
    for each entry that was added, why."""
    session = register.copy()
    known = register.matcher()
    first: dict[str, tuple[str, NameFinding, str]] = {}  # key -> (spelling, finding, path), in text order
    roles: dict[str, str] = {}
    keys: dict[str, str] = {}  # spelling -> key ("" if unusable): a name is mentioned many times, folded once
    for path, norm in texts:
        for finding in find_people(norm.text):
            spelling = norm.text[finding.start:finding.end].strip()
            key = keys.get(spelling)
            if key is None:
                key = match_key(spelling)
                key = keys[spelling] = key if usable_key(key) else ""
            if not key or known.owner(key):
                continue
            first.setdefault(key, (spelling, finding, path))
            if finding.role and key not in roles:
                roles[key] = finding.role
    found: dict[str, Found] = {}
    before = {e.id for e in session.entries}
    for key, (spelling, finding, path) in first.items():
        try:
            entry_id = session.add("person", roles.get(key, ""), spelling, source=finding.detector)
        except RedactionError:  # a spelling too short to search for: it stays a single proposal's matter
            continue
        if entry_id not in before and entry_id not in found:
            found[entry_id] = Found(finding.detector, finding.evidence, path)
    return session, found
