"""The vault's case state: what staff decided about each case, and the audit log.

Kept as one JSON document, encrypted as a whole (vault.py). Each case also caches its decrypted
report.json, so listing and showing cases never needs to reopen the submission files; those are
opened only to read attachments.
"""

import datetime
from dataclasses import dataclass, field, fields

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

    @property
    def received(self) -> str:
        return self.report.get("received", "")

    @property
    def receipt(self) -> str:
        return self.report.get("receipt", "")


@dataclass
class VaultState:
    cases: dict[str, Case] = field(default_factory=dict)
    audit: list[dict] = field(default_factory=list)

    def record(self, case_id: str, action: str, changes: dict, reason: str = "", moment=None) -> None:
        """Append to the audit log: when, which case, what changed (old → new), and why."""
        self.audit.append({"time": timestamp(moment), "case": case_id, "action": action, "changes": changes, "reason": reason})

    def history(self, case_id: str) -> list[dict]:
        return [entry for entry in self.audit if entry["case"] == case_id]

    def to_json(self) -> dict:
        # Shallow: dataclasses.asdict would deep-copy every cached report on each save.
        return {"schema": SCHEMA, "cases": [{f.name: getattr(c, f.name) for f in fields(c)} for c in self.cases.values()],
                "audit": self.audit}

    @classmethod
    def from_json(cls, data: dict) -> "VaultState":
        if data.get("schema") != SCHEMA:
            raise ValueError(f"unsupported vault state schema {data.get('schema')!r}")
        cases = {c["id"]: Case(**c) for c in data["cases"]}
        return cls(cases=cases, audit=list(data["audit"]))
