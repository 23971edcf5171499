"""cover_message: the e-mail that carries communication.md to OHCHR.

An urgent case goes to the urgent-action address with URGENT and the confirmed mandates in the
subject; any other to the submissions address. The reprisals address is copied when the
report's consent covers the Secretary-General's reprisals report (un-procedures.md §4.1). The
addresses live in rules/addresses.toml with their sources. The message names the organisation
(its profile) and the attachment, nothing from the report: no name can leak through it.
"""

import tomllib
from functools import cache
from importlib import resources

from ..organisation import Organisation
from ..rules import MANDATES
from .common import confirmed

ATTACHMENT = "communication.md"


@cache
def addresses() -> dict:
    return tomllib.loads(resources.files("intake.desk").joinpath("rules/addresses.toml").read_text("utf-8"))


def _or_missing(value: str, what: str) -> str:
    return value or f"MISSING: {what}"


def cover_message(case_view: dict, consent: dict, org: Organisation) -> str:
    """The cover e-mail as text: To, Cc, Subject, then the body."""
    book, mandates = addresses(), [m for m in confirmed(case_view) if m in MANDATES and m != "ASG-REPRISALS"]
    urgent = case_view.get("urgent") is True
    to = book["urgent" if urgent else "submissions"]["address"]
    copy = book["reprisals"]["address"] if consent.get("sg_report") in ("named", "anonymised") else ""
    named = ", ".join(mandates) or "MISSING: the confirmed mandates (confirm them in triage)"
    subject = (f"{book['urgent']['subject']}: " if urgent else "") + f"Joint communication for {named}"
    lines = [f"To: {to}"] + ([f"Cc: {copy}"] if copy else []) + [f"Subject: {subject}",
             f"Attachment: {ATTACHMENT}", "",
             "Dear colleagues,", "",
             f"{_or_missing(org.name, 'the submitting organisation name')} submits the attached communication "
             f"({ATTACHMENT}) for the attention of: " + "; ".join(f"{MANDATES[m]} ({m})" for m in mandates) + "."
             if mandates else "MISSING: the confirmed mandates (confirm them in triage)"]
    if urgent:
        lines += ["", "The case is urgent: we ask that it be considered for an urgent appeal."]
    if copy:
        lines += ["", f"We copy {copy}: consent was given for the case to be considered for the "
                  "Secretary-General's report on reprisals" + (", with the name." if consent.get("sg_report") == "named"
                                                                 else ", without the name.")]
    lines += ["", "The identity of our sources must remain confidential.", "", "Yours sincerely,", "",
              _or_missing(org.signatory_name, "the signatory's name"),
              _or_missing(org.signatory_role, "the signatory's role"),
              _or_missing(org.name, "the submitting organisation name"),
              _or_missing(org.address, "the organisation's postal address"),
              _or_missing(org.email, "the organisation's contact e-mail")]
    return "\n".join(lines) + "\n"
