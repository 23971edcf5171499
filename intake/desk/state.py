"""The vault's case state: what staff decided about each case, and the audit log.

Kept as one JSON document, encrypted as a whole (vault.py). Each case also caches its decrypted
report.json, so listing and showing cases never needs to reopen the submission files; those are
opened only to read attachments.

Reports are attacker-controlled, so each cached report is checked against the schema again when
the state is read, unless this version of the strict reader already passed it: a case that fails (imported by an older desk, or damaged) is kept aside,
byte for byte, in `damaged`, listed with its reason and removable (`intake remove`), and never
handed to the rest of the desk. The state's other optional key, `quarantine`, records the files
that import set aside (quarantine.py).
"""

import datetime
from dataclasses import dataclass, field, fields

from ..submission import SubmissionError
from ..submission.schema import READER_VERSION, validate_report

SCHEMA = "intake.vault-state/1"
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
    # The rules' suggestions as of one day and one version of the rules (views.suggestions):
    # {"key": "<rules digest>:<YYYY-MM-DD>", "result": Triage.to_json()}. A cache only.
    triage_cache: dict = field(default_factory=dict)
    # Which strict reader last passed the cached report (schema.READER_VERSION): a report is
    # checked again only when the reader has changed since, so reading a large state stays fast.
    checked: str = ""

    @property
    def received(self) -> str:
        return self.report.get("received", "")

    @property
    def receipt(self) -> str:
        return self.report.get("receipt", "")


_CASE_FIELDS = {"id": str, "sha256": str, "imported": str, "report": dict, "status": str, "mandates": list,
                "urgent": (bool, type(None)), "notes": list, "links": list, "follow_up_of": (str, type(None)),
                "follow_ups": list, "redaction": dict, "triage_cache": dict, "checked": str}


def case_from_json(data) -> Case:
    """A stored case, its fields' types and its report checked; SubmissionError or ValueError if not."""
    if not isinstance(data, dict) or set(data) - _CASE_FIELDS.keys() or not {"id", "sha256", "imported", "report"} <= set(data):
        raise ValueError("the case record has unexpected or missing fields")
    for name, kind in _CASE_FIELDS.items():
        if name in data and not isinstance(data[name], kind):
            raise ValueError(f"the case record's {name} has the wrong type")
    if data.get("checked") != READER_VERSION:
        validate_report(data["report"])
    return Case(**dict(data, checked=READER_VERSION))


@dataclass
class Damaged:
    """A stored case that does not pass the checks: kept verbatim, shown by id and reason only."""

    id: str
    reason: str
    data: object  # the stored record, written back unchanged


@dataclass
class VaultState:
    cases: dict[str, Case] = field(default_factory=dict)
    audit: list[dict] = field(default_factory=list)
    quarantine: dict[str, dict] = field(default_factory=dict)  # quarantine id -> record (quarantine.py)
    damaged: dict[str, Damaged] = field(default_factory=dict)

    def record(self, case_id: str, action: str, changes: dict, reason: str = "", moment=None) -> None:
        """Append to the audit log: when, which case, what changed (old → new), and why."""
        self.audit.append({"time": timestamp(moment), "case": case_id, "action": action, "changes": changes, "reason": reason})

    def history(self, case_id: str) -> list[dict]:
        return [entry for entry in self.audit if entry["case"] == case_id]

    def to_json(self) -> dict:
        # Shallow: dataclasses.asdict would deep-copy every cached report on each save.
        cases = [{f.name: getattr(c, f.name) for f in fields(c)} for c in self.cases.values()]
        data = {"schema": SCHEMA, "cases": cases + [d.data for d in self.damaged.values()], "audit": self.audit}
        if self.quarantine:
            data["quarantine"] = self.quarantine
        return data

    @classmethod
    def from_json(cls, data: dict) -> "VaultState":
        if data.get("schema") != SCHEMA:
            raise ValueError(f"unsupported vault state schema {data.get('schema')!r}")
        state = cls(audit=list(data["audit"]), quarantine=dict(data.get("quarantine", {})))
        for number, stored in enumerate(data["cases"]):
            try:
                case = case_from_json(stored)
                state.cases[case.id] = case
            except (SubmissionError, ValueError, TypeError) as exc:
                case_id = stored.get("id") if isinstance(stored, dict) and isinstance(stored.get("id"), str) else ""
                case_id = case_id if case_id.isalnum() and len(case_id) <= 64 else f"damaged-{number}"
                # Our own messages name the rule; a TypeError's could quote a stored key.
                reason = str(exc) if isinstance(exc, ValueError) else f"the stored case is damaged ({exc.__class__.__name__})"
                state.damaged[case_id] = Damaged(case_id, reason, stored)
        return state

    def known_ids(self) -> list[str]:
        """Every case id, damaged ones included (for commands that must reach those too)."""
        return [*self.cases, *self.damaged]
