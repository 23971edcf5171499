"""report.json: the answers of a validated form, in the documented schema (docs/report-schema.md)."""

import datetime

from ..receipt import normalize_receipt
from ..submission.dates import normalize_date, received_stamp
from ..submission.layout import REPORT_SCHEMA
from ..submission.report import FollowUpAnswers, Imminent, Incident, RelatedPerson, ReportAnswers, Reporter
from .forms import FollowUpForm, IncidentForm, RelatedPersonForm, ReportForm


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) else ""


def _incident(form: IncidentForm) -> Incident:
    return {
        "violations": list(form.violations.data or []),
        "start": {
            "date": normalize_date(form.start_date.data or "") if form.start_date.data else None,
            "approximate": bool(form.start_approximate.data),
        },
        "end": {
            "date": normalize_date(form.end_date.data or "") if form.end_date.data else None,
            "ongoing": bool(form.ongoing.data),
        },
        "province": _text(form.province.data),
        "place": _text(form.place.data),
        "narrative": _text(form.narrative.data),
        "perpetrator": {"type": form.perpetrator.data or "unknown", "details": _text(form.perpetrator_details.data)},
        "legal_basis": _text(form.legal_basis.data),
        "warrant": _text(form.warrant.data),
        "lawyer_and_family": _text(form.lawyer_and_family.data),
        "ill_treatment": _text(form.ill_treatment.data),
        "family_affected": _text(form.family_affected.data),
    }


def _related_person(form: RelatedPersonForm) -> RelatedPerson:
    return {
        "relation": form.relation.data,
        "name": _text(form.name.data),
        "name_other_spellings": _text(form.name_other.data),
        "minor": form.minor.data or "",
        "lives": form.lives.data or "",
        "violations": list(form.violations.data or []),
        "what_happened": _text(form.what_happened.data),
        "consent_named": form.consent_named.data or "",
    }


def _imminent(form: ReportForm) -> Imminent:
    if not form.imminent_kind.data:  # the form refuses a date or details without a kind
        return {"kind": "", "date": None, "date_unsure": False, "details": ""}
    return {
        "kind": form.imminent_kind.data,
        "date": normalize_date(form.imminent_date.data) if form.imminent_date.data else None,
        "date_unsure": bool(form.imminent_date_unsure.data),
        "details": _text(form.imminent_details.data),
    }


def build_report(form: ReportForm, *, receipt: str, language: str, now=None) -> ReportAnswers:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    follow_up = normalize_receipt(form.follow_up_of.data) if form.follow_up_of.data else None
    anonymous = bool(form.anonymous.data)
    reporter: Reporter = {
        "anonymous": anonymous,
        "relation": form.relation.data,
        "how_known": form.how_known.data,
        "name": _text(form.reporter_name.data),
        "organisation": _text(form.reporter_organisation.data),
        "contact_channel": form.contact_channel.data or "",
        "contact_details": _text(form.contact_details.data),
    }
    if anonymous:  # whatever the browser sent in the hidden fields is dropped, not stored
        reporter.update({"name": "", "organisation": "", "contact_channel": "", "contact_details": ""})
    return {
        "schema": REPORT_SCHEMA, "kind": "report", "received": received_stamp(now), "receipt": receipt,
        "form_language": language, "follow_up_of": follow_up,
        "reporter": reporter,
        "victim": {
            "kind": form.victim_kind.data,
            "group_size": form.group_size.data,
            "name": _text(form.victim_name.data),
            "name_other_spellings": _text(form.victim_name_other.data),
            "sex": form.victim_sex.data or "",
            "age": _text(form.victim_age.data),
            "nationality": _text(form.victim_nationality.data),
            "ethnicity": _text(form.victim_ethnicity.data),
            "religion": _text(form.victim_religion.data),
            "occupation": _text(form.victim_occupation.data),
            "human_rights_work": _text(form.victim_hr_work.data),
            "is_defender": form.victim_is_defender.data or "",
            "id_document": _text(form.victim_id_document.data),
            "residence": _text(form.victim_residence.data),
            "status": form.status.data,
            "detention_place": _text(form.detention_place.data),
            "holding_authority": _text(form.holding_authority.data),
            "health": _text(form.health.data),
            "detention_kind": form.detention_kind.data or "",
            "arrest_date": normalize_date(form.arrest_date.data) if _text(form.arrest_date.data) else None,
            "arrest_place": _text(form.arrest_place.data),
            "charges": list(form.charges.data or []),
            "charges_wording": _text(form.charges_wording.data),
        },
        "un_cooperation": {
            "body": form.un_body.data,
            "kind": form.cooperation_kind.data,
            "by": form.cooperated_by.data or "",
            "date": _text(form.cooperation_date.data),
            "link_evidence": _text(form.link_evidence.data),
            "already_raised": _text(form.un_already_raised.data),
            "government_replied": form.government_replied.data or "",
            "earlier_sg_report": form.earlier_sg_report.data or "",
            "earlier_sg_report_year": (normalize_date(form.earlier_sg_report_year.data)
                                       if _text(form.earlier_sg_report_year.data) else None),
        },
        "incidents": [_incident(e.form) for i, e in enumerate(form.incidents.entries) if i == 0 or e.form.is_used()],
        "remedies": {"domestic": _text(form.remedies.data), "others_informed": _text(form.others_informed.data),
                     "response": _text(form.remedies_response.data)},
        "consent": {
            "store": True,
            "share_with_un": form.consent_share_un.data,
            "name_public": form.consent_name_public.data,
            "sg_report": form.consent_sg_report.data,
            "given_by": form.consent_given_by.data or "",
            "still_in_china": form.still_in_china.data or "",
            "never_disclose": _text(form.never_disclose.data),
        },
        "related_persons": [_related_person(e.form) for e in form.related.entries if e.form.is_used()],
        "imminent": _imminent(form),
    }


def _quoted_receipt(form: FollowUpForm) -> str:
    receipt = normalize_receipt(form.receipt.data)
    if receipt is None:  # the form's validator refused it already
        raise ValueError("a follow-up without a valid receipt")
    return receipt


def build_follow_up(form: FollowUpForm, *, receipt: str, language: str, now=None) -> FollowUpAnswers:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return {
        "schema": REPORT_SCHEMA, "kind": "follow-up", "received": received_stamp(now), "receipt": receipt,
        "form_language": language, "follow_up_of": _quoted_receipt(form),
        "message": _text(form.message.data),
        "consent": {"store": True},
    }
