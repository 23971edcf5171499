"""The vault's case state: what staff decided about each case, and the audit log.

Each case is stored on its own (casestore.py) with its decrypted report.json cached, so listing
and showing cases never needs to reopen the submission files; those are opened only to read
attachments. A command works on a VaultState: the cases it reads are loaded one by one, and what
it changed is written back as one change (commit), with the index rows and audit entries.

Reports are attacker-controlled, so each cached report is checked against the schema again when
a case is loaded, unless this version of the strict reader already passed it: a case that fails
(imported by an older desk, or damaged) is kept aside, byte for byte, listed with its reason and
removable (`intake remove`), and never handed to the rest of the desk.
"""

import datetime
import json
from dataclasses import dataclass, field, fields

from ..submission import SubmissionError
from ..submission.schema import READER_VERSION, validate_report
from .consent import check_record
from .translations import check_translations
from .facts import check_facts

STATUSES = ("new", "reviewing", "needs-info", "ready", "forwarded", "closed")
EXPORT_PROFILES = ("un-sp", "reprisals-report", "stats")  # as in redaction/profiles.py


def now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def timestamp(moment: datetime.datetime | None = None) -> str:
    return (moment or now_utc()).astimezone(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Case:
    id: str
    sha256: str
    imported: str
    report: dict
    status: str = "new"
    mandates: list[str] = field(default_factory=list)  # confirmed by staff
    urgent: bool | None = None  # staff decision; None: follow the rules
    notes: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    follow_up_of: str | None = None  # the case this one adds to (receipt match)
    follow_ups: list[str] = field(default_factory=list)
    # Redaction review (review.py): staff-added register terms and aliases, manual replacements,
    # and the decisions on proposals per export profile.
    redaction: dict = field(default_factory=dict)
    # Replies to the source and the status the source may see (replies.py).
    replies: dict = field(default_factory=dict)
    # How staff confirmed the informed consent of the person concerned (consent.py); {} if not yet.
    consent_record: dict = field(default_factory=dict)
    # Translations of the redacted free-text answers, and the letter's language (translations.py).
    translations: dict = field(default_factory=dict)
    # What staff know better than the form (facts.py): fact key -> value; {} if none.
    facts: dict = field(default_factory=dict)
    # Which strict reader last passed the cached report (schema.READER_VERSION): a report is
    # checked again only when the reader has changed since, so loading a case stays fast.
    checked: str = ""
    # The audit entries about this case, oldest first (the vault's audit log has them all).
    history: list[dict] = field(default_factory=list)

    @property
    def received(self) -> str:
        return self.report.get("received", "")

    @property
    def receipt(self) -> str:
        return self.report.get("receipt", "")


_CASE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str, "sha256": str, "imported": str, "report": dict, "status": str, "mandates": list,
    "urgent": (bool, type(None)), "notes": list, "links": list, "follow_up_of": (str, type(None)),
    "follow_ups": list, "redaction": dict, "replies": dict, "consent_record": dict, "translations": dict,
    "facts": dict, "checked": str, "history": list}


def case_from_json(data) -> Case:
    """A stored case, its fields' types and its report checked; SubmissionError or ValueError if not."""
    if not isinstance(data, dict) or set(data) - _CASE_FIELDS.keys() or not {"id", "sha256", "imported", "report"} <= set(data):
        raise ValueError("the case record has unexpected or missing fields")
    for name, kind in _CASE_FIELDS.items():
        if name in data and not isinstance(data[name], kind):
            raise ValueError(f"the case record's {name} has the wrong type")
    check_record(data.get("consent_record"))
    check_translations(data.get("translations"))
    check_facts(data.get("facts"))
    if data.get("checked") != READER_VERSION:
        # Checked again by the current reader, and given its shape (a schema-1 report cached by
        # an older desk gets the new questions, unanswered).
        data = dict(data, report=validate_report(data["report"]))
    return Case(**dict(data, checked=READER_VERSION))


def case_record(case: Case) -> dict:
    # Shallow: dataclasses.asdict would deep-copy the cached report.
    return {f.name: getattr(case, f.name) for f in fields(case)}


@dataclass
class Damaged:
    """A stored case that does not pass the checks: kept verbatim, shown by id and reason only."""

    id: str
    reason: str
    data: object  # the stored record, written back unchanged


def _damaged(case_id: str, stored, exc: Exception) -> Damaged:
    # Our own messages name the rule; a TypeError's could quote a stored key.
    reason = str(exc) if isinstance(exc, ValueError) else f"the stored case is damaged ({exc.__class__.__name__})"
    return Damaged(case_id, reason, stored)


def load_case(case_id: str, stored) -> "Case | Damaged":
    try:
        case = case_from_json(stored)
    except (SubmissionError, ValueError, TypeError) as exc:
        return _damaged(case_id, stored, exc)
    if case.id != case_id:
        return Damaged(case_id, "the stored case names another id", stored)
    return case


class _Cases:
    """The usable cases of the vault, loaded from their files when first asked for."""

    def __init__(self, state: "VaultState"):
        self._state = state

    def get(self, case_id, default=None):
        found = self._state._load(case_id)
        return found if isinstance(found, Case) else default

    def __getitem__(self, case_id) -> Case:
        found = self.get(case_id)
        if found is None:
            raise KeyError(case_id)
        return found

    def __contains__(self, case_id) -> bool:
        return self.get(case_id) is not None

    def __setitem__(self, case_id, case: Case) -> None:
        self._state._loaded[case_id] = case
        self._state._ids.add(case_id)

    def pop(self, case_id, default=None):
        found = self.get(case_id)
        if found is None:
            return default
        self._state._loaded[case_id] = None
        return found

    def __iter__(self):
        return iter([i for i in sorted(self._state._ids) if i in self])

    def values(self):
        return [self[i] for i in self]


class VaultState:
    """One command's view of the vault: cases loaded on demand, changes written by commit()."""

    def __init__(self, store) -> None:
        self.store = store
        self._ids = set(store.case_ids())
        self._loaded: dict = {}     # id -> Case | Damaged | None (removed in this change)
        self._original: dict = {}   # id -> the record as loaded (JSON text), to see what changed
        self._quarantine: dict | None = None  # the quarantine's records, once read
        self._quarantine_original: str | None = None  # their JSON text as read
        self.audit: list[dict] = []  # entries of this change, not yet written
        self.cases = _Cases(self)

    def _load(self, case_id):
        from .casestore import StoreDamaged

        if case_id not in self._loaded:
            if case_id not in self._ids:
                return None
            try:
                stored = self.store.get(case_id)
            except StoreDamaged as exc:  # unreadable: listed as damaged, its file left as it is
                found = Damaged(case_id, str(exc), None)
            else:
                found = None if stored is None else load_case(case_id, stored)
            self._loaded[case_id] = found
            if isinstance(found, Case):
                self._original[case_id] = _text(case_record(found))
        return self._loaded[case_id]

    def remove(self, case_id: str):
        """Take a case (usable or damaged) out: its file goes at commit. Returns what it was."""
        found = self._load(case_id)
        self._loaded[case_id] = None
        return found

    @property
    def damaged(self) -> dict:
        """The damaged cases loaded so far (the index lists them all: views.select_rows)."""
        return {i: d for i, d in self._loaded.items() if isinstance(d, Damaged)}

    def damaged_reason(self, case_id: str) -> str | None:
        found = self._load(case_id)
        return found.reason if isinstance(found, Damaged) else None

    def loaded_cases(self) -> list:
        """The usable cases loaded (or made) in this change so far."""
        return [found for found in self._loaded.values() if isinstance(found, Case)]

    def has(self, case_id: str) -> bool:
        """Whether a case (usable or damaged) has this id."""
        return case_id in self._ids and self._loaded.get(case_id, True) is not None

    def known_ids(self) -> list[str]:
        """Every case id, damaged ones included (for commands that must reach those too)."""
        return sorted(i for i in self._ids if self._loaded.get(i, True) is not None)

    @property
    def quarantine(self) -> dict:
        if self._quarantine is None:
            self._quarantine = self.store.quarantine()
            self._quarantine_original = _text(self._quarantine)
        return self._quarantine

    def record(self, case_id: str, action: str, changes: dict, reason: str = "", moment=None) -> None:
        """Append to the audit log: when, which case, what changed (old → new), and why. The
        entry also goes to the history of the case (or quarantine entry) it concerns."""
        entry = {"time": timestamp(moment), "case": case_id, "action": action, "changes": changes, "reason": reason}
        self.audit.append(entry)
        case = self.cases.get(case_id)
        if case is not None:
            case.history.append(entry)
        elif case_id in self.quarantine:
            self.quarantine[case_id].setdefault("history", []).append(entry)

    def history(self, case_id: str) -> list[dict]:
        case = self.cases.get(case_id)
        if case is not None:
            return case.history
        return self.quarantine_history(case_id)

    def quarantine_history(self, quarantine_id: str) -> list[dict]:
        """A quarantine entry's history: that of the case it was (if staff removed one), then its own."""
        record = self.quarantine.get(quarantine_id, {})
        removed = record.get("removed_case")
        earlier = removed.get("history", []) if isinstance(removed, dict) and isinstance(removed.get("history"), list) else []
        return earlier + record.get("history", [])

    def commit(self, now=None, *, forget: bool = False, crash_after=None) -> None:
        """Write what changed as one change (casestore.put). `forget` drops the loaded cases
        (a long import keeps memory flat)."""
        from .index import damaged_row, row_for

        now = now or now_utc()
        cases: dict[str, dict | None] = {}  # None: the case file goes
        rows: dict[str, dict | None] = {}  # None: the index row goes
        for case_id, found in self._loaded.items():
            if found is None:
                if self._original.get(case_id, "") is not None:
                    cases[case_id], rows[case_id] = None, None
            elif isinstance(found, Case):
                record = case_record(found)
                if case_id not in self._original or _text(record) != self._original[case_id]:  # new, or changed
                    # A report no reader of this version has passed is checked before its row is made.
                    checked = found if found.checked == READER_VERSION else load_case(case_id, record)
                    rows[case_id] = row_for(found, now) if isinstance(checked, Case) else damaged_row(checked.reason, case_id)
                    cases[case_id] = record
        quarantine = None
        if self._quarantine is not None and _text(self._quarantine) != self._quarantine_original:
            quarantine = self._quarantine
        self.store.put(cases, rows, self.audit, quarantine, crash_after=crash_after)
        self.audit = []
        for case_id in cases:
            if cases[case_id] is None:
                self._ids.discard(case_id)
                self._original[case_id] = None
            elif not forget:  # (forgotten cases are loaded again, from their files, if used again)
                self._original[case_id] = _text(cases[case_id])
        if quarantine is not None:
            self._quarantine_original = _text(quarantine)
        if forget:
            self._loaded = {i: f for i, f in self._loaded.items() if f is None}
            self._original = {i: o for i, o in self._original.items() if o is None}


def _text(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
