"""joint_communication: ONE letter to every confirmed mandate, in the order of an OHCHR communication.

Sections: alleged victim(s) and related persons; UN cooperation and the reprisal link; facts by
incident; legal basis as the report gives it; domestic remedies and government response; what
is requested; then an annex for each confirmed mandate with what only it asks (the mandate's own
builder, draft_mandates.py). Suggested mandates staff have not confirmed are listed for staff in
the note at the top, never addressed. Built from the redacted report only, like the drafts;
given the case's translations (translations.render), the letter gives each answer in the
target language, marked as translated, with the originals in a last annex, and a MISSING line
for each answer still to translate.
"""

import re

from ..consent import statement
from ..organisation import Organisation
from ..rules import MANDATES
from ..translations import Rendering
from . import vocab
from .common import check_names, check_report, confirmed, export_id, names_consented, text
from .draft_mandates import BUILDERS, general
from .draft_parts import (Case, Draft, arrest, authority_acts, charges, charges_known, cooperation, date_place_description,
                          detention_kind, earlier_un_action, imminent, later_information, name, perpetrators,
                          related_persons, source_standing, steps, victim_field)


def consent_statement(consent: dict, record: dict) -> list[str]:
    """The consent paragraph: the staff record (consent.py) as the guidance asks it stated, then
    the form's answers it bounds."""
    share = consent.get("share_with_un")
    by = vocab.label(vocab.CONSENT_GIVEN_BY, consent.get("given_by", ""))
    lines = statement(record)
    if share != "yes":
        return lines + ["- MISSING: consent to share this case with the UN special procedures: do not send without it"]
    who = "the person concerned" if consent.get("given_by") in ("victim", "") else by
    return lines + [f"- On the form: {who} agreed to this case being shared with the special procedures.",
                    f"- Name in public UN documents: {vocab.label(vocab.NAME_PUBLIC, consent.get('name_public'))}",
                    f"- Secretary-General's reprisals report: {vocab.label(vocab.SG_REPORT, consent.get('sg_report'))}"]


def free_text(value: str) -> str:
    """The reporter's words as the communication gives them: the redacted report it is given
    already holds the translations (translations.render)."""
    return value


def joint_communication(case_view: dict, redacted: dict, org: Organisation, consent_record: dict | None = None,
                        translation: Rendering | None = None) -> str:
    check_report(redacted)
    allowed = names_consented(redacted, "un-sp")
    names = check_names(redacted, allowed, "a communication to the special procedures")
    if translation is not None:
        redacted = translation.marked
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
    if translation is not None:
        d.lines += translation.notice() + (translation.missing_lines() + [""] if translation.missing else [])
    d.lines.append("To:")
    d.lines += [f"- {MANDATES[m]} ({m})" for m in mandates] or ["- MISSING: no mandate confirmed in triage yet"]
    d.lines += ["", "From:"]
    d.field("Organisation", org.name, "the submitting organisation's name")
    d.field("Address", org.address, "the organisation's postal address")
    d.field("Contact", org.email, "the organisation's contact e-mail")
    d.field("Information received from", source_standing(redacted))
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
    d.section("Signature")
    d.field("For the organisation", org.name, "the submitting organisation's name")
    d.field("Signed", ", ".join(v for v in (org.signatory_name, org.signatory_role) if v),
            "the signatory's name and role")
    body = set(elements(d.lines))
    for m in mandates:
        annex = Draft()
        BUILDERS.get(m, general)(annex, Case(redacted, case_view, m, names, in_letter=True))
        d.blank()
        d.lines += [f"## Annex: {m}", ""] + [line.replace("## ", "### ", 1) for line in only_new(annex.lines, body)]
    if translation is not None and translation.translated:
        d.blank()
        d.lines += translation.annex()
    return "\n".join(d.lines).strip("\n") + "\n"


def _split(lines: list[str]) -> list[list[str]]:
    """A draft's lines as its parts: a heading, a blank line, or one element (a "- " line with the
    blank, indented and quoted lines under it)."""
    parts: list[list[str]] = []
    for line in lines:
        if parts and parts[-1][0].startswith("- ") and (not line or line.startswith(" ")):
            parts[-1].append(line)
        else:
            parts.append([line])
    return parts


def _quoted(part: list[str]) -> str:
    return " ".join(line.strip()[1:].strip() for line in part if line.strip().startswith(">"))


def _keys(part: list[str]) -> set[str]:
    """What an element of the body says: its line, and the reporter's words it gives (a quotation,
    or a one-line answer), so that the same words quoted under another heading are one answer."""
    return {part[0], " ".join((_quoted(part) or part[0].partition(": ")[2]).split())}


def _said(part: list[str], body: set[str]) -> bool:
    """Whether the body already says this annex element: the same line, or, for a quotation
    (always the reporter's words), the same words. A one-line element is never matched by its
    value alone: two facts can share a wording ("yes (according to …)") and mean different things."""
    quoted = _quoted(part)
    if quoted:
        return " ".join(quoted.split()) in body
    label, sep, value = part[0].partition(": ")
    return part[0] in body or f"{SAME_AS.get(label, label)}{sep}{value}" in body


# A mandate's own name for a line of the letter's body: the same answer, said once.
SAME_AS = {"- Profession": "- Occupation", "- Profession or activity": "- Occupation", "- Usual address": "- Residence",
           "- Gender": "- Sex", "- Place(s) of detention": "- Place of detention",
           "- Forces holding the person": "- Authority holding the person"}


def elements(lines: list[str]) -> set[str]:
    return {key for part in _split(lines) if part[0].startswith("- ") for key in _keys(part)}


def only_new(lines: list[str], body: set[str]) -> list[str]:
    """An annex without what the letter's body already says, and without the sections left empty:
    the annex holds what only its mandate asks."""
    kept = [p for p in _split(lines) if not (p[0].startswith("- ") and not p[0].startswith("- MISSING")
                                             and _said(p, body))]
    d = Draft()
    for n, part in enumerate(kept):
        following = next((q for q in kept[n + 1:] if q[0]), [""])
        if part[0].startswith("#") and following[0].startswith("- "):
            d.blank()  # the builder's numbers would skip the sections left out: the titles alone
            d.lines += [re.sub(r"^(#+) \d+\. ", r"\1 ", part[0]), ""]
        elif part[0].startswith("- "):
            d.lines += part
    return d.lines[1:] if any(line.startswith("- ") for line in d.lines) else [NOTHING_MORE]  # [0]: blank()'s


NOTHING_MORE = "- Everything this mandate asks for is in the letter above."
