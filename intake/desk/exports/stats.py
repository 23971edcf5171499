"""stats_row: one counting row per case. Only closed vocabularies: never free text.

Every value is a code checked against its list (or "" when not answered, "unrecognised" when the
value is not a known code), a province name from redaction/provinces.py, a YYYY-MM month,
yes/no or a count. Nothing the reporter typed reaches a row: a typed province is only used to look up the
province it names. Works on the raw or the redacted report alike, since it reads codes only.
"""

import re

from ..rules import MANDATES, load_rules
from ..state import STATUSES
from . import vocab
from .common import check_report, export_id, incidents, month_of, province, staff_fact, text, violation_codes

STATS_COLUMNS = (
    "export_id", "violations", "mandates", "mandates_basis", "province", "first_incident_month", "status",
    "urgent", "consent_share_with_un", "consent_sg_report", "victim_status", "un_body", "cooperation_kind",
    "cooperated_by", "persons_affected", "family_members_affected", "minors_affected", "relations_affected",
    "imminent_event", "detention_kind", "charges", "government_replied_to_un", "earlier_sg_report", "form_language",
)
FAMILY = frozenset({"spouse", "child", "parent", "sibling", "other_relative"})
UNRECOGNISED = "unrecognised"
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")


def _code(value, known) -> str:
    if value in ("", None):
        return ""
    return value if isinstance(value, str) and value in known else UNRECOGNISED


def _codes(values, known) -> str:
    """Known codes, sorted and joined with ";"; any unknown one counts once as "unrecognised"."""
    found = {v if isinstance(v, str) and v in known else UNRECOGNISED for v in values if v not in ("", None)}
    return ";".join(sorted(found))


def stats_row(case_view: dict, report: dict) -> dict:
    check_report(report)
    consent, coop = report.get("consent") or {}, report.get("un_cooperation") or {}
    mandates = [m for m in case_view.get("mandates") or []]
    basis = "confirmed" if mandates else "suggested"
    if not mandates:
        mandates = list(case_view.get("suggested_mandates") or [])
    provinces = set()
    for _, inc in incidents(report):
        found = province(text(inc, "province"))
        provinces.add(found.en if found else UNRECOGNISED if text(inc, "province") else "")
    months = [m for m in (month_of(text(i, "start", "date")) for _, i in incidents(report)) if m]
    language = report.get("form_language")
    people = [p for p in report.get("related_persons") or [] if isinstance(p, dict)]
    victim = report["victim"] if isinstance(report.get("victim"), dict) else {}
    row = {
        "export_id": export_id(case_view),
        "violations": _codes([c for _, i in incidents(report) for c in violation_codes(i)], load_rules().violations),
        "mandates": _codes(mandates, MANDATES),
        "mandates_basis": basis if mandates else "",
        "province": ";".join(sorted(p for p in provinces if p)),
        "first_incident_month": min(months) if months else "",
        "status": _code(case_view.get("status"), STATUSES),
        "urgent": "yes" if case_view.get("urgent") is True else "no",
        "consent_share_with_un": _code(consent.get("share_with_un"), vocab.SHARE_WITH_UN),
        "consent_sg_report": _code(consent.get("sg_report"), vocab.SG_REPORT),
        "victim_status": _code(victim.get("status"), vocab.VICTIM_STATUSES),
        "un_body": _code(coop.get("body"), vocab.UN_BODIES),
        "cooperation_kind": _code(coop.get("kind"), vocab.COOPERATION_KINDS),
        "cooperated_by": _code(coop.get("by"), vocab.COOPERATED_BY),
        "persons_affected": str(len(people)),
        "family_members_affected": str(sum(p.get("relation") in FAMILY for p in people)),
        "minors_affected": str(sum(p.get("minor") == "yes" for p in people)),
        "relations_affected": _codes([p.get("relation") for p in people], vocab.RELATED_RELATIONS),
        "imminent_event": _code((report.get("imminent") or {}).get("kind"), vocab.IMMINENT_KINDS),
        # The form's answer, else what staff added (desk/facts.py): one count per case either way.
        "detention_kind": _code(victim.get("detention_kind") or staff_fact(report, "detention_kind"), vocab.DETENTION_KINDS),
        "charges": _codes(charges if isinstance(charges := victim.get("charges") or staff_fact(report, "charges").split(";"),
                                                list) else [UNRECOGNISED], vocab.CHARGES),
        "government_replied_to_un": _code(coop.get("government_replied") or staff_fact(report, "government_replied"),
                                          vocab.GOVERNMENT_REPLIED),
        "earlier_sg_report": _code(coop.get("earlier_sg_report") or ("yes" if staff_fact(report, "earlier_sg_report_year")
                                                                     else ""), vocab.YES_NO_UNSURE),
        "form_language": language if isinstance(language, str) and LANGUAGE.fullmatch(language) else
        (UNRECOGNISED if language else ""),
    }
    return row  # keys in STATS_COLUMNS order (a test checks it)
