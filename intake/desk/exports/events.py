"""events_document: the case as HURIDOCS Events Standard Formats records (un-procedures.md §6.5).

One event per case (the reprisal the report is about), one act per violation code ticked in each
incident, the victim and the perpetrators as persons with pseudonymous ids (P1, P2…), one
information record for the source (relation and how known only). HURIDOCS codes go in `*_code`
fields with their labels beside them (vocab.py says where they come from); our own codes stay in
`violation_code` and the event's `local_index`.

case.json carries every answer the un-sp export carries, whichever mandates the drafts are for
(exports/coverage.py): the drafts quote what each mandate asks for, so an answer no confirmed
mandate asks for would otherwise be in no file. Besides the ESF records: each act has its
incident's warrant, access to lawyer and family, and ill-treatment (ESF's arrest and torture
details; per incident, like the stated reason); the event has the family members each incident
affected and the consent answers, who cooperated, any imminent event, the arrest (date and
place), the charges and earlier UN action (schema 3); each related person
(a relative, lawyer or colleague) is a person record linked to the victim by the relationship,
with an act for each violation done to them; `biographic_details` (ESF's linked record of a person) has the
victim's background, residence, health and place of detention (and its kind); `interventions`
the steps at home, the other bodies already informed and the authorities' response.

Confidentiality per record: "confidential", except the victim's person record and the event and
acts, which are "public-ok" only when consent.name_public is "yes". The source's information and
person records are always confidential (§1.3), and so are the victim's biographic details and what
happened to the family (the relatives gave no consent). The case's follow-ups are `updates`: the
month each came, its text as redacted, how many attachments it brought; confidential too, like the
source's information.
"""

from ..facts import ATTRIBUTION, FACTS
from ..rules import load_rules
from . import vocab
from .common import (age_band_of, check_names, check_report, code_list, date_type, export_id, incidents, is_pseudonym,
                     names_consented, precision, staff_fact_value, text, updates, victim_label, violation_codes)

SCHEMA = "intake.events/1"
# The event's consent record: the answers as codes (their labels: docs/report-schema.md).
CONSENT_KEYS = ("share_with_un", "name_public", "sg_report", "given_by", "still_in_china")
# biographic_details key -> the victim answer (ESF person and biographic fields, un-procedures.md §6.2).
BIOGRAPHY = (("citizenship", "nationality"), ("ethnic_background", "ethnicity"), ("religion", "religion"),
             ("occupation", "occupation"), ("human_rights_work", "human_rights_work"),
             ("identification_documents", "id_document"), ("residence", "residence"), ("health", "health"),
             ("detention_place", "detention_place"), ("holding_authority", "holding_authority"))
# (type, label, remedies answer): one intervention record for each one answered.
INTERVENTIONS = (
    ("domestic_remedies", "Domestic remedies sought (complaints, petitions, court action), as reported", "domestic"),
    ("others_informed", "Other organisations or bodies already informed, as reported", "others_informed"),
    ("authorities_response", "Response of the authorities to the steps taken, as reported", "response"),
)


def events_document(case_view: dict, redacted: dict) -> dict:
    check_report(redacted)
    eid = export_id(case_view)
    consent = redacted.get("consent") or {}
    # A name may stay only if redaction was allowed to keep it (un-sp or reprisals-report consent).
    names = check_names(redacted, names_consented(redacted, "un-sp", "reprisals-report"), "an events export")
    public = "public-ok" if consent.get("name_public") == "yes" else "confidential"
    rules = load_rules()

    persons = [_victim(redacted, names, public)]
    acts: list[dict] = []
    involvements: list[dict] = []
    perpetrators: dict[tuple[str, str], dict] = {}  # (type, details) -> the person record
    for n, inc in incidents(redacted):
        perpetrator = _perpetrator(inc, perpetrators, persons)
        for code in violation_codes(inc):
            act_codes = list(rules.violations.get(code, {}).get("huridocs_acts", []))
            act = {
                "id": f"A{len(acts) + 1}", "event_id": "E1", "victim_id": "P1", "incident": n,
                "violation_code": code, "violation_label": vocab.label(vocab.VIOLATIONS, code),
                "act_code": act_codes[0] if act_codes else None, "act_codes": act_codes,
                "act_label": vocab.ACT_LABELS.get(act_codes[0]) if act_codes else None,
                **_dates(inc),
                "province": text(inc, "province"), "place": text(inc, "place"),
                "stated_reason": text(inc, "legal_basis"),
                "warrant": text(inc, "warrant"),
                "lawyer_and_family": text(inc, "lawyer_and_family"),
                "ill_treatment": text(inc, "ill_treatment"),
                "confidentiality": public,
            }
            acts.append(act)
            involvements.append({
                "id": f"V{len(involvements) + 1}", "act_id": act["id"], "perpetrator_id": perpetrator["id"],
                "perpetrator_type": perpetrator["perpetrator_type"],
                "perpetrator_type_code": perpetrator["perpetrator_type_code"],
                "perpetrator_type_label": perpetrator["perpetrator_type_label"],
                "state_or_non_state": perpetrator["state_or_non_state"],
                "confidentiality": "confidential",
            })
    for person in _related(redacted, persons, public):
        for code in person.pop("violation_codes"):
            act_codes = list(rules.violations.get(code, {}).get("huridocs_acts", []))
            acts.append({
                "id": f"A{len(acts) + 1}", "event_id": "E1", "victim_id": person["id"], "incident": None,
                "violation_code": code, "violation_label": vocab.label(vocab.VIOLATIONS, code),
                "act_code": act_codes[0] if act_codes else None, "act_codes": act_codes,
                "act_label": vocab.ACT_LABELS.get(act_codes[0]) if act_codes else None,
                "start_date": None, "start_date_type_code": None, "start_date_type_label": None, "end_date": None,
                "ongoing": False, "province": "", "place": "", "stated_reason": "", "warrant": "",
                "lawyer_and_family": "", "ill_treatment": "", "confidentiality": person["confidentiality"],
            })
    source_id = _source(redacted, persons)
    return {
        "schema": SCHEMA,
        "export_id": eid,
        "events": [_event(eid, redacted, acts, perpetrators, names, public)],
        "acts": acts,
        "persons": persons,
        "biographic_details": [_biography(redacted)],
        "involvements": involvements,
        "informations": [_information(redacted, source_id)],
        "interventions": _interventions(redacted),
        "chain_of_events": [],  # links between events: one event per case, so none
        "updates": [_update(n, u) for n, u in updates(redacted)],
    }


def _coded(table: dict, key: str) -> tuple:
    return table.get(key, (None, None))


def _victim(report: dict, names: list, public: str) -> dict:
    victim = report.get("victim") or {}
    kind = text(victim, "kind")
    sex = text(victim, "sex")
    status = text(victim, "status")
    person: dict[str, object] = {"id": "P1", "role": "victim",
                                 "label": victim_label(report) or ("Victims (group)" if kind == "group" else "Victim")}
    if names:  # consent let the name stay (checked above)
        person["name"] = names[0]
        person["other_names"] = names[1:]
    size = victim.get("group_size")
    person.update({
        "counting_unit": kind, "counting_unit_code": _coded(vocab.MT7_COUNTING_UNIT, kind)[0],
        "counting_unit_label": _coded(vocab.MT7_COUNTING_UNIT, kind)[1],
        "group_size": size if isinstance(size, int) and not isinstance(size, bool) else None,
        "sex": sex, "sex_code": _coded(vocab.MT39_SEX, sex)[0], "sex_label": _coded(vocab.MT39_SEX, sex)[1],
        "age_band": age_band_of(text(victim, "age")) or None,
        "human_rights_defender": text(victim, "is_defender"),
        "status": status, "status_code": _coded(vocab.MT25_STATUS, status)[0],
        "status_label": vocab.VICTIM_STATUSES.get(status),
        "confidentiality": public,
    })
    return person


def _related(report: dict, persons: list, public: str) -> list[dict]:
    """A person record for each related person, linked to the victim (P1) by the relationship;
    named only with their own consent (check_names), public only if they may be named and the
    victim's record is public too."""
    added = []
    for n, person in enumerate(report.get("related_persons") or [], 1):
        if not isinstance(person, dict):
            continue
        name = text(person, "name")
        named = bool(name) and not is_pseudonym(name)
        relation = text(person, "relation")
        record: dict[str, object] = {
            "id": f"P{len(persons) + 1}", "role": "related_person",
            "label": name if name and not named else f"Person affected {n}",
        }
        if named:
            record["name"] = name
            record["other_names"] = [v for v in [text(person, "name_other_spellings")] if v]
        record.update({
            "relationship_to": "P1", "relationship": relation,
            "relationship_label": vocab.RELATED_RELATIONS.get(relation),
            "minor": text(person, "minor"), "lives": text(person, "lives"),
            "consent_named": text(person, "consent_named"),
            "what_happened": text(person, "what_happened"),
            "violation_codes": [c for c in dict.fromkeys(person.get("violations") or []) if isinstance(c, str)],
            "confidentiality": public if named and person.get("consent_named") == "yes" else "confidential",
        })
        persons.append(record)
        added.append(record)
    return added


def _perpetrator(inc: dict, seen: dict, persons: list) -> dict:
    """The person record of an incident's perpetrator; the same type and details give one record."""
    kind = text(inc, "perpetrator", "type") or "unknown"
    details = text(inc, "perpetrator", "details")
    key = (kind, details)
    if key not in seen:
        code, label = _coded(vocab.MT24_PERPETRATOR, kind)
        individual = details.startswith("Person ")  # a redacted person: "Person E (perpetrator)"
        unit = "individual" if individual else "group"
        seen[key] = {
            "id": f"P{len(persons) + 1}", "role": "perpetrator",
            "label": details or f"{vocab.label(vocab.PERPETRATORS, kind)} (not identified)",
            "counting_unit": unit, "counting_unit_code": vocab.MT7_COUNTING_UNIT[unit][0],
            "counting_unit_label": vocab.MT7_COUNTING_UNIT[unit][1],
            "perpetrator_type": kind, "perpetrator_type_code": code, "perpetrator_type_label": label,
            "state_or_non_state": vocab.PERPETRATOR_SIDE.get(kind, "unknown"),
            "confidentiality": "confidential",
        }
        persons.append(seen[key])
    return seen[key]


def _source(report: dict, persons: list) -> str:
    """The source's person id: the victim when the reporter is the person concerned, else a bare record."""
    if text(report, "reporter", "relation") == "self":
        return "P1"
    persons.append({"id": f"P{len(persons) + 1}", "role": "source", "label": "Source",
                    "confidentiality": "confidential"})
    return persons[-1]["id"]


def _dates(inc: dict) -> dict:
    kind = date_type(inc)
    code, label = vocab.MT48_DATE_TYPE[kind] if kind else (None, None)
    return {"start_date": text(inc, "start", "date") or None, "start_date_type_code": code,
            "start_date_type_label": label, "end_date": text(inc, "end", "date") or None,
            "ongoing": (inc.get("end") or {}).get("ongoing") is True}


def _event(eid: str, report: dict, acts: list, perpetrators: dict, names: list, public: str) -> dict:
    coop = report.get("un_cooperation") or {}
    starts = sorted((a["start_date"] for a in acts if precision(a["start_date"] or "")), key=lambda d: (d, len(d)))
    ends = sorted(a["end_date"] for a in acts if precision(a["end_date"] or ""))
    ongoing = any(a["ongoing"] for a in acts)
    codes = sorted({a["violation_code"] for a in acts})
    body, kind = text(coop, "body"), text(coop, "kind")
    narratives = [f"Incident {n}: {text(inc, 'narrative')}" for n, inc in incidents(report) if text(inc, "narrative")]
    return {
        "id": "E1", "title": f"{eid}: alleged reprisal for cooperation with the UN",
        "initial_date": starts[0] if starts else None,
        "final_date": None if ongoing or not ends else ends[-1],
        "ongoing": ongoing,
        "provinces": sorted({a["province"] for a in acts if a["province"]}),
        "description": "\n\n".join(narratives),
        "local_index": ["REPRISAL_UN"] + codes,  # mt 61 slot (§6.3)
        # §6.4 reprisal fields
        "un_body": body, "un_body_label": vocab.UN_BODIES.get(body),
        "engagement_type": kind, "engagement_type_label": vocab.COOPERATION_KINDS.get(kind),
        "engagement_date": text(coop, "date") or None,
        "engagement_by": text(coop, "by") if "by" in coop else None,  # None: schema 1 did not ask
        "imminent_event": _imminent(report),
        "trigger": text(coop, "link_evidence") or None,
        "prior_un_action": text(coop, "already_raised") or None,
        "government_replied_to_un": _code_and_label(vocab.GOVERNMENT_REPLIED, text(coop, "government_replied")),
        "earlier_sg_report": _code_and_label(vocab.YES_NO_UNSURE, text(coop, "earlier_sg_report"))
        | {"year": text(coop, "earlier_sg_report_year") or None},
        # The arrest and the charges (schema 3), for the person, not one incident.
        "arrest": {"date": text(report, "victim", "arrest_date") or None,
                   "date_type_label": _precision_label(text(report, "victim", "arrest_date")),
                   "place": text(report, "victim", "arrest_place")},
        "charges": [{"code": code, "label": vocab.label(vocab.CHARGES, code)}
                    for code in code_list(report.get("victim") or {}, "charges")],
        "charges_wording": text(report, "victim", "charges_wording"),
        # What the organisation added where the form could not know (desk/facts.py), as redacted,
        # kept apart from the source's answers and attributed.
        "submitting_organisation_facts": _staff_facts(report),
        "type_of_record": "named" if names else "unnamed",
        "types_of_reprisal": sorted({t for c in codes for t in vocab.VIOLATION_REPRISAL_TYPES.get(c, ["other"])}),
        "alleged_perpetrator": sorted({p["state_or_non_state"] for p in perpetrators.values()}),
        "government_response": None,
        # What the incidents did to the family, in the reporter's words as redacted; the relatives
        # gave no consent to publication, so these stay confidential whatever the victim agreed.
        "family_affected": [{"incident": n, "description": text(inc, "family_affected"), "confidentiality": "confidential"}
                            for n, inc in incidents(report) if text(inc, "family_affected")],
        "consent": {key: text(report, "consent", key) for key in CONSENT_KEYS},
        "confidentiality": public,
    }


def _staff_facts(report: dict) -> dict | None:
    facts = report.get("staff_facts")
    if not isinstance(facts, dict) or not facts:
        return None
    return {"attribution": ATTRIBUTION, **{key: staff_fact_value(report, key) for key in FACTS if key in facts}}


def _code_and_label(table: dict, code: str) -> dict:
    return {"code": code, "label": vocab.label(table, code)}


def _precision_label(date: str) -> str | None:
    """mt 48 for a date known to the month or year only; None for a full date or none."""
    kind = precision(date)
    return vocab.MT48_DATE_TYPE[kind][1] if kind in ("month", "year") else None


def _imminent(report: dict) -> dict | None:
    event = report.get("imminent") or {}
    if not event.get("kind"):
        return None
    kind = text(event, "kind")
    return {"kind": kind, "kind_label": vocab.IMMINENT_KINDS.get(kind), "date": text(event, "date") or None,
            "date_unsure": event.get("date_unsure") is True, "details": text(event, "details")}


def _information(report: dict, source_id: str) -> dict:
    reporter = report.get("reporter") or {}
    relation, how = text(reporter, "relation"), text(reporter, "how_known")
    code, label = _coded(vocab.MT19_SOURCE, relation)
    return {"id": "INF1", "event_id": "E1", "source_id": source_id,
            "relation": relation, "relation_label": vocab.RELATIONS.get(relation),
            "source_connection_code": code, "source_connection_label": label,
            "how_known": how, "how_known_label": vocab.HOW_KNOWN.get(how),
            "confidentiality": "confidential"}


def _biography(report: dict) -> dict:
    """The victim's ESF biographic details: who they are beyond the person record, where they live
    and are held, their health. Always confidential."""
    victim = report.get("victim") or {}
    record: dict[str, object] = {"id": "B1", "person_id": "P1"}
    record.update({key: text(victim, answer) or None for key, answer in BIOGRAPHY})
    kind = text(victim, "detention_kind")
    record.update(detention_kind=kind or None, detention_kind_label=vocab.DETENTION_KINDS.get(kind) if kind else None)
    record["confidentiality"] = "confidential"
    return record


def _interventions(report: dict) -> list:
    found: list[dict] = []
    for kind, label, answer in INTERVENTIONS:
        description = text(report, "remedies", answer)
        if description:
            found.append({"id": f"I{len(found) + 1}", "event_id": "E1", "victim_id": "P1", "type": kind,
                          "type_label": label, "description": description, "confidentiality": "confidential"})
    return found


def _update(n: int, update: dict) -> dict:
    count = update.get("attachment_count")
    return {"id": f"U{n}", "event_id": "E1", "information_id": "INF1", "received_month": text(update, "received") or None,
            "description": text(update, "message"), "attachments": count if isinstance(count, int) else 0,
            "confidentiality": "confidential"}
