"""reprisals_entry: the record the OHCHR reprisals focal point needs (un-procedures.md §4.2, §4.3).

Structured only: codes with labels, the province, months. The reporter's free text is left out
(the narrative goes in the ASG-REPRISALS draft, which staff review); the two short answers the
focal point asks for by name, the date of cooperation and the prior UN action, are kept as
redacted. Dates are given to the month, the level the SG report works at (§6.5 small-n).

Consent (§4.3): "no" gives None; "anonymised" gives an entry without the name, and refuses a
report whose victim name fields are not pseudonyms; "named" gives the name and its other spellings
if the redacted report kept them (redaction keeps them only with that consent).
"""

from . import vocab
from ..facts import ATTRIBUTION
from .common import (check_names, check_report, code_list, export_id, incidents, month_of, province, staff_fact, staff_fact_value, text,
                     violation_codes)

SCHEMA = "intake.reprisals-entry/1"
# The staff facts the entry carries: codes, a year, the reference of earlier UN action; never the
# free text the reprisals profile does not review (places, wording).
REPRISAL_FACTS = ("detention_kind", "charges", "government_replied", "earlier_sg_report_year", "un_reference")


def reprisals_entry(case_view: dict, redacted: dict) -> dict | None:
    check_report(redacted)
    consent = redacted.get("consent") or {}
    level = consent.get("sg_report")
    if level == "no":
        return None
    if level not in ("named", "anonymised"):
        raise ValueError(f"consent.sg_report must be 'named', 'anonymised' or 'no', got {level!r}")
    eid = export_id(case_view)
    # Anonymised: any real name in the victim's name fields stops the export (fail closed).
    names = check_names(redacted, level == "named", "an anonymised entry for the SG reprisals report")
    coop = redacted.get("un_cooperation") or {}
    victim = redacted.get("victim") or {}
    missing = []

    acts = []
    for n, inc in incidents(redacted):
        found = province(text(inc, "province"))
        if not found:
            missing.append(f"incident {n}: province not recognised (staff: give the province, or the country "
                           "if abroad)")
        kind = text(inc, "perpetrator", "type") or "unknown"
        for code in violation_codes(inc):
            acts.append({
                "incident": n, "violation_code": code, "violation_label": vocab.label(vocab.VIOLATIONS, code),
                "month": month_of(text(inc, "start", "date")) or None,
                "ongoing": (inc.get("end") or {}).get("ongoing") is True,
                "province": found.en if found else None,
                "perpetrator": vocab.PERPETRATOR_SIDE.get(kind, "unknown"),
                "perpetrator_type": kind, "perpetrator_type_label": vocab.label(vocab.PERPETRATORS, kind),
            })

    body, kind, status = text(coop, "body"), text(coop, "kind"), text(victim, "status")
    entry = {
        "schema": SCHEMA,
        "export_id": eid,
        "consent_level": level,
        "consent_given_by": text(consent, "given_by") or None,
        "victim": {"kind": text(victim, "kind"), "sex": text(victim, "sex"),
                   "human_rights_defender": text(victim, "is_defender")},
        "un_body": body, "un_body_label": vocab.UN_BODIES.get(body),
        "cooperation_kind": kind, "cooperation_kind_label": vocab.COOPERATION_KINDS.get(kind),
        "cooperation_date": text(coop, "date") or None,
        "acts": acts,
        # Reprisals against relatives, as codes (who they are, a minor or not, what was done).
        "persons_affected": [
            {"relation": text(p, "relation"), "relation_label": vocab.RELATED_RELATIONS.get(text(p, "relation")),
             "minor": text(p, "minor"), "lives": text(p, "lives"),
             "violation_codes": [c for c in p.get("violations") or [] if isinstance(c, str)]}
            for p in redacted.get("related_persons") or [] if isinstance(p, dict)],
        "cooperated_by": text(coop, "by") or None,
        "current_status": status, "current_status_label": vocab.VICTIM_STATUSES.get(status),
        "prior_un_action": text(coop, "already_raised") or None,
        # Schema 3, as codes: the charges, the kind of place held, earlier UN action on the case.
        "charges": code_list(victim, "charges"),
        "charge_labels": [vocab.label(vocab.CHARGES, c) for c in code_list(victim, "charges")],
        "detention_kind": text(victim, "detention_kind") or None,
        "detention_kind_label": vocab.DETENTION_KINDS.get(text(victim, "detention_kind")) if text(victim, "detention_kind") else None,
        "government_replied_to_un": text(coop, "government_replied") or None,
        "in_earlier_sg_report": text(coop, "earlier_sg_report") or None,
        "earlier_sg_report_year": text(coop, "earlier_sg_report_year") or None,
        # What the organisation added (desk/facts.py): codes, a year and a UN reference, attributed.
        "submitting_organisation_facts": {
            "attribution": ATTRIBUTION, **{k: staff_fact_value(redacted, k) for k in REPRISAL_FACTS if staff_fact(redacted, k)}}
        if any(staff_fact(redacted, k) for k in REPRISAL_FACTS) else None,
        "government_response": None,
        "urgent": case_view.get("urgent") is True,
    }
    if level == "named":
        if names:
            entry["victim"]["name"] = names[0]
            entry["victim"]["other_names"] = names[1:]  # Chinese characters, pinyin: how the UN finds the person
        else:
            missing.append("victim's name: consent allows naming, but the redacted report has none")
    if not entry["cooperation_date"]:
        missing.append("date or period of the cooperation with the UN")
    if not (entry["prior_un_action"] or staff_fact(redacted, "un_reference")):
        missing.append("whether any UN document or communication already referred to the case")
    missing.append("two-part informed consent (risks understood, agreement to inclusion): staff confirm and date it")
    entry["missing"] = missing
    return entry
