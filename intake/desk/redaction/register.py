"""The per-case register of people, places, organisations and other details to withhold.

The register, not the detectors, is the source of truth for names (redaction.md §2.3): each entry is
one person, place or organisation with every spelling known for it. `seed.seed_register` fills it
from the structured answers; staff add what the reporter wrote only in free text:

    register = seed_register(report)
    son = register.add("person", "victim's son", "王广微", "Wang Guangwei")
    register.alias(son, "Guangwei")

Each given spelling also brings its generated variants (variants.py). An entry's pseudonym comes
from its kind, role and position in the register (pseudonyms.py), never from the spelling.
"""

from dataclasses import dataclass

from .errors import RedactionError
from .match import TermMatcher, usable_key
from .normalize import match_key
from .variants import spelling_variants

KINDS = ("person", "place", "organisation", "other")


@dataclass(frozen=True)
class Entry:
    id: str  # "person-1", "place-2"…: kind and order of creation
    kind: str
    role: str  # free text shown in the pseudonym ("victim", "victim's son", "place of detention")
    spellings: tuple[str, ...]  # as given by the seed or by staff
    variants: tuple[str, ...]  # the spellings and every generated variant, in a fixed order
    sources: tuple[str, ...]  # report fields the entry was seeded from, or "staff"
    keys: frozenset[str]  # the folded keys it matches under (those long enough to match safely)


def _entry(entry_id: str, kind: str, role: str, spellings: tuple[str, ...], sources: tuple[str, ...]) -> Entry:
    variants = tuple(dict.fromkeys(v for s in spellings for v in spelling_variants(kind, s)))
    keys = frozenset(k for k in (match_key(v) for v in variants) if usable_key(k))
    return Entry(entry_id, kind, role, spellings, variants, sources, keys)


class Register:
    """Entries in order of creation. Adding a spelling that an entry of the same kind already
    matches adds to that entry instead of creating a second one for the same person."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._entries.values())

    def entry(self, entry_id: str) -> Entry:
        try:
            return self._entries[entry_id]
        except KeyError:
            raise RedactionError(f"no register entry {entry_id!r}", hint="one of: " + ", ".join(self._entries)) from None

    def add(self, kind: str, label_role: str, *spellings: str, source: str = "staff", merge: bool = True) -> str:
        """Add a person, place, organisation or "other" detail; returns its entry id.

        `merge=False`: an entry of its own even if a spelling is already known (a person the
        report names in their own answer is never folded into someone else: their consent
        to be named is their own, engine.named_entries).
        """
        if kind not in KINDS:
            raise RedactionError(f"unknown kind {kind!r}", hint="one of: " + ", ".join(KINDS))
        given = tuple(dict.fromkeys(self._checked(s) for s in spellings))
        if not given:
            raise RedactionError("a register entry needs at least one spelling")
        new_keys = {match_key(s) for s in given}
        for entry in self._entries.values() if merge else ():
            if entry.kind == kind and new_keys & entry.keys:
                self._update(entry, given, source)
                return entry.id
        number = 1 + sum(1 for e in self._entries.values() if e.kind == kind)
        entry_id = f"{kind}-{number}"
        self._entries[entry_id] = _entry(entry_id, kind, label_role.strip() or kind, given, (source,))
        return entry_id

    def alias(self, entry_id: str, spelling: str) -> None:
        """Add a spelling (and its variants) to an entry: a nickname, Wylie, Uyghur script, 繁體…"""
        self._update(self.entry(entry_id), (self._checked(spelling),), "staff")

    def _update(self, entry: Entry, spellings: tuple[str, ...], source: str) -> None:
        given = tuple(dict.fromkeys(entry.spellings + spellings))
        sources = tuple(dict.fromkeys(entry.sources + (source,)))
        self._entries[entry.id] = _entry(entry.id, entry.kind, entry.role, given, sources)

    @staticmethod
    def _checked(spelling: str) -> str:
        spelling = spelling.strip()
        if not usable_key(match_key(spelling)):
            raise RedactionError("a spelling is too short to search for safely",
                                 hint="give at least 2 Hanzi or 3 letters, e.g. the full name")
        return spelling

    def copy(self) -> "Register":
        """An independent register with the same entries (entries are immutable)."""
        other = Register()
        other._entries = dict(self._entries)
        return other

    def matcher(self) -> TermMatcher:
        """A matcher over every entry; a key shared by two entries belongs to the older one."""
        return TermMatcher((key, entry.id) for entry in self._entries.values() for key in sorted(entry.keys))

    def entries_from(self, source: str) -> tuple[Entry, ...]:
        """The entries seeded from a report field ("victim.name", "incidents[0].place"…)."""
        return tuple(e for e in self._entries.values() if source in e.sources)
