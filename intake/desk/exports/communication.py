"""joint_communication: ONE letter to every confirmed mandate, in the order of an OHCHR communication.

Sections: alleged victim(s) and related persons; UN cooperation and the reprisal link; facts by
incident; legal basis as the report gives it; domestic remedies and government response; what
is requested; then an annex for each confirmed mandate with what only it asks (the mandate's own
builder, draft_mandates.py). Suggested mandates staff have not confirmed are listed for staff in
the note at the top, never addressed. Built from the redacted report only, like the drafts.
"""

from ..consent import statement
from ..organisation import Organisation
from ..rules import MANDATES
from . import vocab
from .common import check_names, check_report, confirmed, export_id, names_consented, text
from .draft_mandates import BUILDERS, general
from .draft_parts import (Case, Draft, arrest, authority_acts, charges, charges_known, cooperation, date_place_description,
                          detention_kind, earlier_un_action, imminent, later_information, name, perpetrators,
                          related_persons, steps, victim_field)


def consent_statement(consent: dict, record: dict) -> list[str]:
    """The consent paragraph: the staff record (consent.py) as the guidance asks it stated, then
    the form's answers it bounds."""
    share = consent.get("share_with_un")
    by = vocab.label(vocab.CONSENT_GIVEN_BY, consent.get("given_by", ""))
    lines = statement(record)
    if share != "yes":
        return lines + ["- MISSING: consent to share this case with the UN special procedures: do not send without it"]
    return lines + [f"- On the form: the person concerned ({by}) agreed to this case being shared with the special procedures.",
                    f"- Name in public UN documents: {vocab.label(vocab.NAME_PUBLIC, consent.get('name_public'))}",
                    f"- Secretary-General's reprisals report: {vocab.label(vocab.SG_REPORT, consent.get('sg_report'))}"]


def free_text(value: str) -> str:
    """The reporter's words as the communication gives them: today the redacted original."""
    return value


def joint_communication(case_view: dict, redacted: dict, org: Organisation, consent_record: dict | None = None) -> str:
    check_report(redacted)
    allowed = names_consented(redacted, "un-sp")
    names = check_names(redacted, allowed, "a communication to the special procedures")
    mandates = [m for m in confirmed(case_view) if m in MANDATES and m != "ASG-REPRISALS"]
    suggested = [m for m in case_view.get("suggested_mandates") or []
                 if isinstance(m, str) and m in MANDATES and m not in mandates and m != "ASG-REPRISALS"]
    c = Case(redacted, case_view, "GENERAL", names)
    c.incidents = [(n, i) for n, i in enumerate(redacted.get("incidents") or [], 1) if isinstance(i, dict)]
    d = Draft()
    d.lines += [f"# Joint communication: {export_id(case_view)}", ""]
    if suggested:
        d.lines += [f"> STAFF NOTE: suggested but not confirmed: {', '.join(suggested)}. Confirm in triage "
                    "('intake triage CASE --mandate +CODE') to address them; they are not addressed here.", ""]
    d.lines.append("To:")
    d.lines += [f"- {MANDATES[m]} ({m})" for m in mandates] or ["- MISSING: no mandate confirmed in triage yet"]
    d.lines += ["", "From:"]
    d.field("Organisation", org.name, "the submitting organisation's name")
    d.field("Address", org.address, "the organisation's postal address")
    d.field("Contact", org.email, "the organisation's contact e-mail")
    d.section("Alleged victim(s) and related persons")
    name(d, c)
    for key, label, table in (("sex", "Sex", vocab.SEXES), ("age", "Age", None), ("nationality", "Nationality", None),
                              ("ethnicity", "Ethnicity", None), ("religion", "Religion", None),
                              ("occupation", "Occupation", None), ("residence", "Residence", None),
                              ("detention_place", "Place of detention", None),
                              ("holding_authority", "Authority holding the person", None),
                              ("health", "Health", None)):
        victim_field(d, c, key, label, None, table)
    d.quote("Human rights work", free_text(c.victim("human_rights_work")))
    arrest(d, c)
    detention_kind(d, c)
    related_persons(d, c)
    d.section("UN cooperation and the reprisal link")
    cooperation(d, c)
    d.quote("Evidence of the link", free_text(text(redacted, "un_cooperation", "link_evidence")),
            "what links the acts to the cooperation with the UN")
    d.quote("Already raised with the UN", free_text(text(redacted, "un_cooperation", "already_raised")))
    earlier_un_action(d, c)
    d.section("Facts by incident")
    date_place_description(d, c)
    for n, inc in c.incidents:
        d.quote(f"Ill-treatment{c.tag(n)}", free_text(text(inc, "ill_treatment")))
        d.quote(f"Access to lawyer and family{c.tag(n)}", free_text(text(inc, "lawyer_and_family")))
    perpetrators(d, c)
    imminent(d, c)
    later_information(d, c)
    d.section("Legal basis invoked by the authorities")
    authority_acts(d, c, "Charges or law invoked",
                   None if charges_known(redacted) else "the charges or the law the authorities invoked")
    charges(d, c)
    d.section("Domestic remedies and government response")
    steps(d, c, "domestic remedies sought and any government response")
    d.section("Consent")
    d.lines += consent_statement(redacted.get("consent") or {}, consent_record or {})
    d.section("What is requested")
    d.lines.append("- That the mandate holders addressed raise this case with the Government"
                   + (" as an urgent appeal." if case_view.get("urgent") is True else "."))
    for m in mandates:
        annex = Draft()
        BUILDERS.get(m, general)(annex, Case(redacted, case_view, m, names))
        d.blank()
        d.lines += [f"## Annex: {m}", ""] + [line.replace("## ", "### ", 1) for line in annex.lines]
    return "\n".join(d.lines).strip("\n") + "\n"
