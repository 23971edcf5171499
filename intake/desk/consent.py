"""The consent record: how staff confirmed the informed consent of the person concerned.

OHCHR's reprisals guidance makes informed consent a prerequisite, stated explicitly: the person
understood the risks and agrees to inclusion (field-notes.md). The form's consent answers are
what the reporter ticked; the record is what staff confirmed with the person, and once it
exists it bounds every export of the case (`scope_refusal`). It lives in the case, in the
encrypted vault, and each change is in the audit log. Who gave consent is a role, never a name:
the record is quoted in the communication.
"""

import datetime
from typing import TYPE_CHECKING

from .errors import DeskError

if TYPE_CHECKING:  # state.py checks stored records with check_record: no import at run time
    from .state import Case, VaultState

GIVEN_BY = ("victim", "family", "representative", "reporter")
CHANNELS = ("in-person", "phone", "video", "secure-message", "letter")
SCOPES = ("un-sp", "reprisals-named", "reprisals-anonymised", "none")


def _date(value: str, what: str, today: datetime.date) -> str:
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DeskError(f"{what} must be a date as YYYY-MM-DD") from None
    if day > today:
        raise DeskError(f"{what} is in the future")
    return day.isoformat()


def parse_scope(text: str) -> list[str]:
    scopes = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in scopes if s not in SCOPES]
    if not scopes or unknown:
        raise DeskError("--scope takes a comma-separated list", hint="of: " + ", ".join(SCOPES))
    if "none" in scopes and len(scopes) > 1:
        raise DeskError("--scope none cannot be combined with another scope")
    if {"reprisals-named", "reprisals-anonymised"} <= set(scopes):
        raise DeskError("--scope takes reprisals-named or reprisals-anonymised, not both")
    return sorted(scopes, key=SCOPES.index)


def check_record(record) -> None:
    """A stored record has the shape record_consent gives it, or ValueError (the case is then
    shown as damaged, never half-used by show, the letter or the scope check)."""
    if not record:
        return
    keys = {"given_by", "date", "channel", "risks_explained", "scope"}
    if not isinstance(record, dict) or not keys <= set(record) <= keys | {"reconfirmed"}:
        raise ValueError("the case's consent record has unexpected or missing fields")
    dates = [record["date"]] + ([record["reconfirmed"]] if "reconfirmed" in record else [])
    scope = record["scope"]
    if (record["given_by"] not in GIVEN_BY or record["channel"] not in CHANNELS
            or not isinstance(record["risks_explained"], bool) or not isinstance(scope, list) or not scope
            or any(s not in SCOPES for s in scope) or not all(isinstance(d, str) and _is_date(d) for d in dates)):
        raise ValueError("the case's consent record is damaged")


def _is_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def record_consent(state: "VaultState", case: "Case", *, given_by: str, date: str, channel: str, risks_explained: bool,
                   scope: list[str], reconfirmed: str | None, now: datetime.datetime) -> dict:
    """Store the record on `case` (replacing an earlier one) and audit the change."""
    if given_by not in GIVEN_BY:
        raise DeskError(f"unknown --given-by {given_by!r}", hint="one of: " + ", ".join(GIVEN_BY))
    if channel not in CHANNELS:
        raise DeskError(f"unknown --channel {channel!r}", hint="one of: " + ", ".join(CHANNELS))
    today = now.date()
    given_on = _date(date, "--date", today)
    record: dict = {"given_by": given_by, "date": given_on, "channel": channel, "risks_explained": risks_explained,
                    "scope": scope}
    if reconfirmed:
        record["reconfirmed"] = _date(reconfirmed, "--reconfirmed", today)
        if record["reconfirmed"] < given_on:
            raise DeskError("--reconfirmed is before --date")
    if scope != ["none"] and not risks_explained:
        raise DeskError("consent without the risks explained is not informed consent",
                        hint="explain the risks first, or record --scope none")
    old = case.consent_record or None
    if old != record:
        case.consent_record = record
        state.record(case.id, "consent", {"consent_record": [old, record]})
    return record


def scope_refusal(case: "Case", profile: str) -> str | None:
    """Why `profile` goes beyond the recorded consent of `case`, or None. Without a record the
    form's answers govern (and the communication says the record is missing)."""
    record = case.consent_record
    if not record:
        return None
    scope = set(record["scope"])
    if profile == "un-sp" and "un-sp" not in scope:
        return f"{case.id}: the consent record does not cover the special procedures (scope {','.join(record['scope'])})"
    if profile == "reprisals-report":
        sg = (case.report.get("consent") or {}).get("sg_report")
        if not scope & {"reprisals-named", "reprisals-anonymised"}:
            return f"{case.id}: the consent record does not cover the Secretary-General's reprisals report"
        if sg == "named" and "reprisals-named" not in scope:
            return (f"{case.id}: the form asks for the name in the reprisals report, but the consent record covers "
                    "it anonymised only")
    return None


def statement(record: dict) -> list[str]:
    """The consent as the communication states it (the guidance asks for it explicitly)."""
    if not record:
        return ["- MISSING: a consent record confirmed with the person concerned ('intake consent CASE ...'); "
                "the guidance asks that informed consent be stated explicitly"]
    by = {"victim": "the person concerned", "family": "a family member of the person concerned",
          "representative": "the legal representative of the person concerned",
          "reporter": "the reporter, on behalf of the person concerned"}[record["given_by"]]
    lines = [f"- Informed consent was given by {by} on {record['date']} ({record['channel']})"
             + (f", and reconfirmed on {record['reconfirmed']}" if record.get("reconfirmed") else "") + ".",
             "- The risks of submitting this case were explained and understood."]
    if "un-sp" in record["scope"]:
        lines.append("- They agree to this case being submitted to the special procedures addressed.")
    if "reprisals-named" in record["scope"]:
        lines.append("- They agree to its inclusion, with the name, in the Secretary-General's report on reprisals.")
    elif "reprisals-anonymised" in record["scope"]:
        lines.append("- They agree to its inclusion, without the name, in the Secretary-General's report on reprisals.")
    return lines
