"""The export formats (intake.desk.exports) on realistic cases, redacted by the real engine.

Four made-up cases, written after patterns in public reporting (no real person):

- a rights lawyer detained in Chengdu after writing to a Special Rapporteur, sleep-deprived and
  denied medication (WGAD, SR-TORTURE, ASG-REPRISALS; urgent);
- an environmental activist stopped at Guangzhou airport on her way to a Human Rights Council
  session, passport taken (SR-HRD, ASG-REPRISALS; consent to be named);
- a Uyghur student abroad whose brother was detained after his testimony to a treaty body
  (consent to the SG report anonymised only);
- a petitioner followed and threatened after a UPR submission (no consent to the SG report).

Each report goes through seed_register/propose/apply with every proposal accepted, as a reviewer
would, and the case view comes from the real triage rules.
"""

import copy
import datetime
import json
import re

import pytest

from intake.desk.exports import (STATS_COLUMNS, events_document, reprisals_entry, stats_row,
                                        submission_draft)
from intake.desk.exports import vocab
from intake.desk.redaction import apply, propose, seed_register
from intake.desk.redaction.provinces import PROVINCES
from intake.desk.rules import MANDATES, evaluate, load_rules
from intake.desk.state import STATUSES

NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.timezone.utc)


# --- Reports ------------------------------------------------------------------------------------

def incident(violations, start, province, place, narrative, **more) -> dict:
    return {"violations": list(violations), "start": {"date": start, "approximate": False},
            "end": {"date": more.pop("end", None), "ongoing": more.pop("ongoing", True)},
            "province": province, "place": place, "narrative": narrative,
            "perpetrator": {"type": more.pop("perpetrator", "state_security"), "details": more.pop("details", "")},
            "legal_basis": "", "warrant": "", "lawyer_and_family": "", "ill_treatment": "", "family_affected": "",
            **more}


def report(victim: dict, un: dict, incidents: list, consent: dict, reporter: dict | None = None,
           remedies: dict | None = None) -> dict:
    """A complete report.json of kind "report" (docs/report-schema.md)."""
    return {
        "schema": "intake.report/1", "kind": "report", "received": "2026-02-27T10:00:00Z",
        "receipt": "KPSSQ-VCNRZ-Y688G-CBGZT", "form_language": "en", "follow_up_of": None, "attachments": [],
        "reporter": {"anonymous": True, "relation": "self", "how_known": "direct", "name": "", "organisation": "",
                     "contact_channel": "", "contact_details": "", **(reporter or {})},
        "victim": {"kind": "individual", "group_size": None, "name": "", "name_other_spellings": "", "sex": "",
                   "age": "", "nationality": "", "ethnicity": "", "religion": "", "occupation": "",
                   "human_rights_work": "", "is_defender": "yes", "id_document": "", "residence": "",
                   "status": "free", "detention_place": "", "holding_authority": "", "health": "", **victim},
        "un_cooperation": {"date": "", "link_evidence": "", "already_raised": "", **un},
        "incidents": incidents,
        "remedies": {"domestic": "", "others_informed": "", **(remedies or {})},
        "consent": {"store": True, "given_by": "victim", "still_in_china": "yes", "never_disclose": "", **consent},
    }


def lawyer() -> dict:
    return report(
        victim={"name": "周明辉", "name_other_spellings": "Zhou Minghui", "sex": "male", "age": "47",
                "nationality": "Chinese", "occupation": "human rights lawyer",
                "human_rights_work": "Defends petitioners and house-church members.", "residence": "成都市武侯区",
                "status": "detained", "detention_place": "成都市看守所", "holding_authority": "成都市公安局",
                "health": "High blood pressure; his medication has been withheld since January."},
        reporter={"anonymous": False, "relation": "family", "how_known": "told_by_victim", "name": "周小燕",
                  "contact_channel": "signal", "contact_details": "Signal +86 139 1234 5678"},
        un={"body": "special_procedures", "kind": "submission", "date": "2025-12-02",
            "link_evidence": "Officers asked him who helped him write to the Special Rapporteur."},
        incidents=[incident(
            ["ARBITRARY_DETENTION", "TORTURE_ILL_TREATMENT", "DENIAL_OF_MEDICAL_CARE"], "2026-01-20",
            "Chengdu, Sichuan", "成都市看守所",
            "On 20 January 2026 state security officers took 周明辉 from his home. Zhou Minghui is held at "
            "成都市看守所 and interrogated at night.",
            details="成都市国保支队", legal_basis="Inciting subversion of state power (Criminal Law art. 105)",
            lawyer_and_family="The family was not notified; his lawyer was refused a visit on 5 February.",
            ill_treatment="Sleep deprivation during interrogation.")],
        consent={"share_with_un": "yes", "name_public": "anonymised", "sg_report": "anonymised", "given_by": "family"})


def exit_ban() -> dict:
    return report(
        victim={"name": "林春燕", "name_other_spellings": "Lin Chunyan", "sex": "female", "age": "38",
                "occupation": "environmental activist", "residence": "广州市",
                "human_rights_work": "Documents river pollution and helps villagers petition."},
        reporter={"anonymous": False, "name": "林春燕", "contact_channel": "signal", "contact_details": "Signal only"},
        un={"body": "hrc_session", "kind": "travel", "date": "2026-03",
            "link_evidence": "The border officer said she could not leave because she planned to speak in Geneva.",
            "already_raised": "A joint communication in 2025 (reference not known)"},
        incidents=[incident(
            ["EXIT_BAN", "PASSPORT_DENIAL"], "2026-02-10", "Guangdong", "广州白云国际机场",
            "On 10 February 2026 林春燕 was stopped at the airport on her way to the Human Rights Council; "
            "officers took her passport.", perpetrator="police", details="机场边检站")],
        remedies={"domestic": "She asked the exit-entry bureau to return her passport; no reply."},
        consent={"share_with_un": "yes", "name_public": "yes", "sg_report": "named"})


def diaspora() -> dict:
    return report(
        victim={"name": "Abdurehim Tursun", "name_other_spellings": "阿不都热依木·吐尔逊", "sex": "male", "age": "35",
                "ethnicity": "Uyghur", "occupation": "student", "residence": "Istanbul", "status": "abroad"},
        un={"body": "treaty_body", "kind": "testimony", "date": "2025-11",
            "link_evidence": "Police told his mother that his testimony to the committee shamed the country."},
        incidents=[incident(
            ["HARASSMENT_OF_FAMILY", "TRANSNATIONAL_REPRESSION"], "2025-12", "喀什", "喀什",
            "After Abdurehim Tursun spoke to the committee, police in Kashgar detained his brother and told his "
            "mother to make him stop.", perpetrator="police",
            family_affected="Brother detained since December 2025; mother questioned every week.")],
        consent={"share_with_un": "yes", "name_public": "no", "sg_report": "anonymised"})


def no_consent() -> dict:
    return report(
        victim={"name": "陈建国", "sex": "male", "age": "61", "occupation": "petitioner", "residence": "北京市"},
        un={"body": "upr", "kind": "submission", "date": "2024-11"},
        incidents=[incident(["SURVEILLANCE", "THREATS"], "2025-01-15", "Beijing", "丰台区",
                            "Since his UPR submission 陈建国 is followed and was told his grandson would lose his "
                            "school place.", ongoing=True, perpetrator="police")],
        consent={"share_with_un": "ask_later", "name_public": "no", "sg_report": "no"})


def redact(raw: dict, profile: str, keep_names: bool = False) -> dict:
    """Every proposal accepted, as after a review."""
    proposals = propose(raw, seed_register(raw), profile, keep_names=keep_names)
    return apply(raw, proposals, {p.id: "accept" for p in proposals})


def view(raw: dict, confirmed: list, **over) -> dict:
    """The case as the desk shows it, from the real triage; the export id is ours."""
    triage = evaluate(raw, NOW)
    return {"id": "CASE-001", "status": "ready", "mandates": confirmed,
            "suggested_mandates": triage.suggested_mandates, "urgent": triage.urgent,
            "urgency_reasons": triage.urgency_reasons, "missing": triage.readiness, **over}


def headings(markdown: str) -> list[str]:
    return [m[1] for m in re.finditer(r"^## \d+\. (.+)$", markdown, re.MULTILINE)]


def section(markdown: str, title: str) -> str:
    """The text of one numbered section."""
    return re.search(rf"^## \d+\. {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)[1]


LAWYER_NAMES = ("周明辉", "Zhou Minghui", "周小燕", "139 1234 5678")
DIASPORA_NAMES = ("Abdurehim", "Tursun", "阿不都热依木", "吐尔逊")


# --- Triage sanity: the cases route as the brief says ------------------------------------------

def test_the_cases_route_as_intended():
    lawyer_triage = evaluate(lawyer(), NOW)
    assert {"WGAD", "SR-TORTURE", "ASG-REPRISALS"} <= set(lawyer_triage.suggested_mandates)
    assert lawyer_triage.urgent
    assert {"SR-HRD", "ASG-REPRISALS"} <= set(evaluate(exit_ban(), NOW).suggested_mandates)
    assert "ASG-REPRISALS" not in evaluate(no_consent(), NOW).suggested_mandates


# --- submission_draft ---------------------------------------------------------------------------

EXPECTED_ORDER = {
    "WGAD": ["Identity (I)", "Arrest (II)", "Detention (III)", "Circumstances, and why the detention is arbitrary (IV)",
             "Domestic remedies (V)", "Submitter (VI)"],
    "WGEID": ["Identity of the disappeared person (element 1)", "Date of disappearance (element 2)",
              "Place of arrest, abduction or last sighting (element 3)", "Forces believed responsible (element 4)",
              "Action taken to locate the person (element 5)", "Submitter (element 6)",
              "Circumstances, and relatives affected"],
    "SR-TORTURE": ["Victim", "Arrest and detention: date, time and place",
                   "The torture or ill-treatment, or why it is feared", "Alleged perpetrators",
                   "Visits by family, lawyer and doctor", "Medical evidence", "Authorisation to pass on the allegation",
                   "Submitter"],
    "SR-HRD": ["Victim", "Affiliation", "Nature of the human rights work",
               "The violation: date, place, description and nature", "Link to human rights work or to UN cooperation",
               "Alleged perpetrators", "Action by the authorities, and steps taken", "Submitter"],
    "SR-FOE": ["Person(s) concerned", "Incident: date, location and circumstances",
               "Views, affiliations and activities related to the violation",  # "Medium affected" only for a medium
               "Alleged perpetrators and their State affiliation",
               "State action: authority, legal provision, domestic remedies", "Submitter"],
    "SR-HEALTH": ["Alleged victim(s)", "Alleged perpetrator(s)", "Date, place and description",
                  "Steps taken at home and internationally", "Facts specific to this mandate",
                  "Submitter"],
    "ASG-REPRISALS": ["Cooperation with the UN", "Evidence of the link between the acts and the cooperation",
                      "Informed consent", "Prior UN action", "The acts: what, by whom, when and where",
                      "Current status and government response", "Submitter"],
}


@pytest.mark.parametrize("mandate", sorted(EXPECTED_ORDER))
def test_draft_has_the_mandates_elements_in_order(mandate):
    raw = lawyer()
    draft = submission_draft(view(raw, ["WGAD", "SR-TORTURE", "ASG-REPRISALS"]), redact(raw, "un-sp"), mandate)
    assert headings(draft) == EXPECTED_ORDER[mandate]
    assert draft.startswith(f"# DRAFT submission to {mandate}: {MANDATES[mandate]}\n")
    assert "CONFIDENTIAL DRAFT" in draft
    assert draft.rstrip().splitlines()[-1].startswith("- ")  # ends with the checklist


def test_the_medium_affected_is_asked_only_where_a_medium_is_concerned():
    raw = lawyer()
    raw["incidents"][0]["violations"] = raw["incidents"][0]["violations"] + ["CENSORSHIP"]
    draft = submission_draft(view(raw, ["SR-FOE"]), redact(raw, "un-sp"), "SR-FOE")
    assert "Medium affected" in headings(draft) and "- MISSING: the nature and reach of any outlet" in draft


def test_wgad_draft_for_the_detained_lawyer():
    raw = lawyer()
    case = view(raw, ["WGAD", "SR-TORTURE", "ASG-REPRISALS"])
    draft = submission_draft(case, redact(raw, "un-sp"), "WGAD")
    # Header: draft, urgent appeal candidate with its reasons, confirmed mandates, export id only.
    assert "- Communication: Urgent appeal candidate (U1: detained and denied medical care" in draft
    assert "- Confirmed mandates: WGAD, SR-TORTURE, ASG-REPRISALS" in draft
    assert "- Export id: CASE-001" in draft and "NOTE:" not in draft
    # Filled from the report (un-sp keeps dates and places for the UN) ...
    arrest = section(draft, "Arrest (II)")
    assert "- Date of arrest: 2026-01-20" in arrest
    assert "Inciting subversion of state power" in arrest
    assert "- Forces that carried out the arrest: State security (guobao, guoan): 成都市国保支队 (State actor)" in arrest
    assert "- Place(s) of detention: 成都市看守所" in section(draft, "Detention (III)")
    # ... and a MISSING line where it has nothing.
    assert "- MISSING: whether a warrant or other official decision was shown" in arrest
    assert "- MISSING: internal steps and domestic remedies" in section(draft, "Domestic remedies (V)")
    assert "- MISSING: the argument why the detention is arbitrary" in draft
    categories = section(draft, "Circumstances, and why the detention is arbitrary (IV)")
    assert "- Category II, detained for exercising rights" in categories and "the person's human rights work" in categories
    assert "  - Category IV, prolonged administrative custody of an asylum-seeker or migrant without review: no answer points to it" in categories
    assert "- MISSING: the submitting organisation's name and address" in section(draft, "Submitter (VI)")
    # Names pseudonymised, the source only by relation.
    assert "- Name: Person A (victim) (pseudonym" in draft
    assert not [n for n in LAWYER_NAMES if n in draft]
    assert ("- Information received from: a family member; how known: told by the person concerned or their "
            "family") in draft
    # The readiness items from triage close the draft.
    for item in case["missing"]["WGAD"]:
        assert f"- [ ] {item}" in draft


def test_letter_of_allegation_and_unconfirmed_mandate_are_stated():
    raw = diaspora()
    draft = submission_draft(view(raw, [], urgent=False, urgency_reasons=[]), redact(raw, "reprisals-report"),
                             "SR-HRD")
    assert "- Communication: Letter of allegation" in draft
    assert "- Confirmed mandates: none confirmed yet" in draft
    assert "- NOTE: SR-HRD is not among the confirmed mandates" in draft
    assert "- MISSING: affiliation with a human rights organisation" in draft
    assert not [n for n in DIASPORA_NAMES if n in draft]


def test_wgeid_asks_for_the_month_and_the_family():
    raw = lawyer()
    raw["incidents"][0].update(violations=["ENFORCED_DISAPPEARANCE"], start={"date": "2026", "approximate": True})
    raw["consent"]["given_by"] = "reporter"
    draft = submission_draft(view(raw, ["WGEID"]), redact(raw, "un-sp"), "WGEID")
    assert "- Date: 2026 (approximate)" in draft
    assert "- MISSING: the month of disappearance (only the year is given)" in draft
    assert "- MISSING: the family's consent to this submission" in draft
    assert "- MISSING: inquiries, complaints, habeas corpus" in draft


def test_asg_draft_for_the_exit_ban():
    raw = exit_ban()
    draft = submission_draft(view(raw, ["SR-HRD", "ASG-REPRISALS"]), redact(raw, "reprisals-report", keep_names=True),
                             "ASG-REPRISALS")
    assert "- UN body or process: Human Rights Council session" in draft
    assert "- Kind of cooperation: Travelled, or tried to travel, to a UN meeting" in draft
    assert "- Date of cooperation: 2026-03" in draft
    assert "- Consent level: named" in draft
    assert "- MISSING: confirmation that the person (or family) was informed of and understood the security" in draft
    assert "A joint communication in 2025" in section(draft, "Prior UN action")
    assert "- By whom: Police: " in draft and "(State actor)" in draft
    assert "- Current status of the person: Free" in draft
    assert "- MISSING: any government investigation or response" in draft
    assert "- Name: 林春燕" not in draft  # the ASG draft has no identity block: the acts carry the name
    assert "林春燕" in draft  # consent to be named: redaction kept it in the account


def test_draft_states_missing_consent():
    raw = no_consent()
    draft = submission_draft(view(raw, ["SR-PRIV"]), redact(raw, "un-sp"), "SR-PRIV")
    assert "- MISSING: consent to share with the UN special procedures (GEN-2): do not send without it" in draft
    asg = submission_draft(view(raw, []), redact(raw, "reprisals-report"), "ASG-REPRISALS")
    assert "- MISSING: consent to inclusion in the SG reprisals report" in asg


def test_draft_refuses_a_name_that_consent_does_not_allow():
    raw = lawyer()
    named = redact(raw, "un-sp", keep_names=True)  # allowed: share_with_un is "yes"
    assert "- Name: 周明辉" in submission_draft(view(raw, ["WGAD"]), named, "WGAD")
    with pytest.raises(ValueError, match="victim's name"):  # the SG report consent is only "anonymised"
        submission_draft(view(raw, ["ASG-REPRISALS"]), named, "ASG-REPRISALS")
    named["consent"]["share_with_un"] = "ask_later"
    with pytest.raises(ValueError, match="victim's name"):
        submission_draft(view(raw, ["WGAD"]), named, "WGAD")


def test_draft_refuses_unknown_mandates_follow_ups_and_vault_ids():
    raw = lawyer()
    redacted = redact(raw, "un-sp")
    with pytest.raises(ValueError, match="unknown mandate"):
        submission_draft(view(raw, []), redacted, "SR-NOPE")
    with pytest.raises(ValueError, match="kind 'report'"):
        submission_draft(view(raw, []), {"kind": "follow-up", "message": "x"}, "WGAD")
    for bad in ("kpssqvcnrzy6", "KPSSQ-VCNRZ-Y688G-CBGZT", "CASE 1", ""):
        with pytest.raises(ValueError, match="export id|vault case id"):
            submission_draft(view(raw, [], id=bad), redacted, "WGAD")


# --- events_document ----------------------------------------------------------------------------

ARRAYS = ("events", "acts", "persons", "involvements", "informations", "interventions", "chain_of_events")


def test_events_document_shape_and_act_codes():
    raw = lawyer()
    doc = events_document(view(raw, ["WGAD"]), redact(raw, "reprisals-report"))
    assert all(isinstance(doc[key], list) for key in ARRAYS)
    assert doc["chain_of_events"] == [] and doc["interventions"] == []
    rules = load_rules()
    assert [a["violation_code"] for a in doc["acts"]] == ["ARBITRARY_DETENTION", "TORTURE_ILL_TREATMENT",
                                                          "DENIAL_OF_MEDICAL_CARE"]
    for act in doc["acts"]:
        codes = rules.violations[act["violation_code"]]["huridocs_acts"]
        assert act["act_codes"] == codes and act["act_code"] == codes[0]
        assert act["act_label"] == vocab.ACT_LABELS[codes[0]]
        assert act["start_date"] == "2026-01" and act["start_date_type_label"] == "Unknown day"  # as redacted
    assert doc["acts"][0]["act_label"] == "Arrest"
    # Pseudonymous ids only, links that resolve, no names.
    ids = {p["id"] for p in doc["persons"]}
    assert all(re.fullmatch(r"P\d+", i) for i in ids)
    assert [p["role"] for p in doc["persons"]] == ["victim", "perpetrator", "source"]
    victim = doc["persons"][0]
    assert victim["label"] == "Person A (victim)" and "name" not in victim
    assert victim["age_band"] == "40–49" and victim["sex_label"] == "Male" and victim["status_code"] == "020200000000"
    assert {v["perpetrator_id"] for v in doc["involvements"]} <= ids
    assert {v["act_id"] for v in doc["involvements"]} == {a["id"] for a in doc["acts"]}
    info = doc["informations"][0]
    assert info["source_id"] in ids and info["relation"] == "family" and info["confidentiality"] == "confidential"
    assert info["source_connection_label"] == "Relative of victim"
    # Confidential everywhere: the name may not be public.
    assert {r["confidentiality"] for key in ARRAYS[:5] for r in doc[key]} == {"confidential"}
    dumped = json.dumps(doc, ensure_ascii=False)
    assert not [n for n in LAWYER_NAMES if n in dumped]


def test_events_reprisal_fields_on_the_event():
    raw = lawyer()
    event = events_document(view(raw, []), redact(raw, "reprisals-report"))["events"][0]
    assert event["un_body"] == "special_procedures" and event["engagement_type"] == "submission"
    assert event["engagement_date"] == "2025-12"  # generalised to the month by the profile
    assert event["type_of_record"] == "unnamed"
    assert event["types_of_reprisal"] == ["detention", "torture_cidt"]
    assert event["alleged_perpetrator"] == ["State"]
    assert event["government_response"] is None
    assert event["local_index"][0] == "REPRISAL_UN"
    assert event["initial_date"] == "2026-01" and event["final_date"] is None and event["ongoing"]


def test_events_named_with_consent_and_public_ok():
    raw = exit_ban()
    doc = events_document(view(raw, []), redact(raw, "reprisals-report", keep_names=True))
    victim = doc["persons"][0]
    assert victim["name"] == "林春燕" and victim["other_names"] == ["Lin Chunyan"]
    assert victim["confidentiality"] == "public-ok"
    assert doc["events"][0]["type_of_record"] == "named"
    # The reporter is the victim: the information's source is P1, and it stays confidential.
    assert doc["informations"][0]["source_id"] == "P1" and doc["informations"][0]["confidentiality"] == "confidential"
    assert [p["role"] for p in doc["persons"]] == ["victim", "perpetrator"]
    assert doc["interventions"][0]["description"].startswith("She asked the exit-entry bureau")
    assert {a["act_code"] for a in doc["acts"]} == {"050106"}


def test_events_refuse_a_name_without_consent():
    raw = diaspora()
    redacted = redact(raw, "reprisals-report")
    redacted["consent"].update(share_with_un="no", sg_report="anonymised")
    events_document(view(raw, []), redacted)  # pseudonyms: fine
    redacted["victim"]["name_other_spellings"] = "阿不都热依木·吐尔逊"
    with pytest.raises(ValueError, match="victim's name"):
        events_document(view(raw, []), redacted)


# --- reprisals_entry ----------------------------------------------------------------------------

def test_reprisals_entry_is_none_without_consent():
    raw = no_consent()
    assert reprisals_entry(view(raw, []), redact(raw, "reprisals-report")) is None


def test_reprisals_entry_anonymised_has_no_name_and_province_only():
    raw = diaspora()
    entry = reprisals_entry(view(raw, ["ASG-REPRISALS"]), redact(raw, "reprisals-report"))
    assert entry["consent_level"] == "anonymised" and "name" not in entry["victim"]
    assert entry["un_body"] == "treaty_body" and entry["cooperation_kind"] == "testimony"
    assert entry["cooperation_date"] == "2025-11"
    assert [(a["violation_code"], a["province"], a["month"], a["perpetrator"]) for a in entry["acts"]] == [
        ("HARASSMENT_OF_FAMILY", "Xinjiang", "2025-12", "State"),
        ("TRANSNATIONAL_REPRESSION", "Xinjiang", "2025-12", "State")]
    assert entry["current_status"] == "abroad" and entry["prior_un_action"] is None
    assert any("already referred" in m for m in entry["missing"])
    dumped = json.dumps(entry, ensure_ascii=False)
    assert not [n for n in DIASPORA_NAMES + ("喀什", "Kashgar", "Istanbul", "brother") if n in dumped]


@pytest.mark.parametrize("field", ["name", "name_other_spellings"])
def test_reprisals_entry_refuses_a_real_name_when_anonymised(field):
    raw = diaspora()
    redacted = redact(raw, "reprisals-report")
    redacted["victim"][field] = "Abdurehim Tursun"  # slipped through review
    with pytest.raises(ValueError, match="victim's name"):
        reprisals_entry(view(raw, []), redacted)


def test_reprisals_entry_refuses_a_report_redacted_for_the_special_procedures():
    # un-sp may keep the name (share_with_un = yes): not good enough for an anonymised SG entry.
    raw = lawyer()
    with pytest.raises(ValueError, match="victim's name"):
        reprisals_entry(view(raw, []), redact(raw, "un-sp", keep_names=True))


def test_reprisals_entry_named():
    raw = exit_ban()
    entry = reprisals_entry(view(raw, ["ASG-REPRISALS"]), redact(raw, "reprisals-report", keep_names=True))
    assert entry["consent_level"] == "named" and entry["victim"]["name"] == "林春燕"
    assert entry["acts"][0]["province"] == "Guangdong" and entry["acts"][0]["month"] == "2026-02"
    assert entry["prior_un_action"].startswith("A joint communication")
    # Named consent, but the reviewer pseudonymised anyway: no name, and staff are told.
    unnamed = reprisals_entry(view(raw, []), redact(raw, "reprisals-report"))
    assert "name" not in unnamed["victim"] and any("consent allows naming" in m for m in unnamed["missing"])


def test_reprisals_entry_province_from_a_city():
    raw = lawyer()  # "Chengdu, Sichuan", un-sp keeps it as typed
    redacted = redact(raw, "un-sp")
    entry = reprisals_entry(view(raw, []), redacted)
    assert {a["province"] for a in entry["acts"]} == {"Sichuan"}
    redacted["incidents"][0]["province"] = "a small town"
    entry = reprisals_entry(view(raw, []), redacted)
    assert entry["acts"][0]["province"] is None and "small town" not in json.dumps(entry)
    assert any("province not recognised" in m for m in entry["missing"])


# --- stats_row ----------------------------------------------------------------------------------

CANARIES = ("CANARY-NARRATIVE", "周明辉", "Zhou Minghui", "周小燕", "Xiaojiahe", "成都市看守所", "国保",
            "subversion", "Officers asked", "Istanbul", "47", "High blood pressure")


def test_stats_row_has_the_columns_and_only_codes():
    raw = lawyer()
    raw["incidents"][0]["narrative"] += " CANARY-NARRATIVE in Xiaojiahe village."
    raw["incidents"].append(incident(["THREATS"], "2025-12-20", "Xiaojiahe village, Sichuan", "Xiaojiahe",
                                     "CANARY-NARRATIVE threats by 周小燕's neighbour."))
    case = view(raw, ["WGAD", "SR-TORTURE", "ASG-REPRISALS"])
    row = stats_row(case, raw)  # even the raw report: only codes are read
    assert tuple(row) == STATS_COLUMNS
    assert row == {
        "export_id": "CASE-001",
        "violations": "ARBITRARY_DETENTION;DENIAL_OF_MEDICAL_CARE;THREATS;TORTURE_ILL_TREATMENT",
        "mandates": "ASG-REPRISALS;SR-TORTURE;WGAD", "mandates_basis": "confirmed", "province": "Sichuan",
        "first_incident_month": "2025-12", "status": "ready", "urgent": "yes", "consent_share_with_un": "yes",
        "consent_sg_report": "anonymised", "victim_status": "detained", "un_body": "special_procedures",
        "cooperation_kind": "submission", "cooperated_by": "", "persons_affected": "0",
        "family_members_affected": "0", "minors_affected": "0", "relations_affected": "", "imminent_event": "",
        "detention_kind": "", "charges": "", "government_replied_to_un": "", "earlier_sg_report": "",
        "form_language": "en"}
    values = " ".join(row.values())
    assert not [c for c in CANARIES if c in values]


def test_stats_row_counts_the_codes_of_schema_3_and_nothing_typed():
    raw = lawyer()
    raw["victim"].update(detention_kind="rsdl", charges=["subversion", "hk_sedition"], charges_wording="CANARY-CHARGE")
    raw["un_cooperation"].update(government_replied="no_letter", earlier_sg_report="yes", earlier_sg_report_year="2024")
    row = stats_row(view(raw, []), raw)
    assert (row["detention_kind"], row["charges"]) == ("rsdl", "hk_sedition;subversion")
    assert (row["government_replied_to_un"], row["earlier_sg_report"]) == ("no_letter", "yes")
    assert "CANARY-CHARGE" not in " ".join(row.values()) and "2024" not in " ".join(row.values())
    raw["victim"].update(detention_kind="a hotel in town", charges="subversion")
    raw["un_cooperation"]["government_replied"] = "maybe"
    row = stats_row(view(raw, []), raw)
    assert row["detention_kind"] == row["charges"] == row["government_replied_to_un"] == "unrecognised"


def test_stats_row_values_come_from_closed_lists():
    raw = diaspora()
    raw["un_cooperation"].update(body="my friend at the UN in Geneva", kind="")
    raw["incidents"][0]["province"] = "somewhere near the border"
    raw["form_language"] = "en; DROP TABLE"
    row = stats_row(view(raw, []), raw)
    assert row["un_body"] == "unrecognised" and row["cooperation_kind"] == ""
    assert row["province"] == "unrecognised" and row["form_language"] == "unrecognised"
    assert row["mandates_basis"] == "suggested" and "ASG-REPRISALS" in row["mandates"].split(";")
    allowed = {
        "violations": set(load_rules().violations), "mandates": set(MANDATES),
        "province": {p.en for p in PROVINCES} | {"unrecognised"}, "status": set(STATUSES),
        "victim_status": set(vocab.VICTIM_STATUSES), "un_body": set(vocab.UN_BODIES) | {"unrecognised"},
    }
    for column, known in allowed.items():
        assert set(filter(None, row[column].split(";"))) <= known, column


def test_stats_row_urgent_no_and_month_from_a_partial_date():
    raw = no_consent()
    raw["incidents"][0]["start"]["date"] = "2025"  # a year only gives no month
    row = stats_row(view(raw, [], urgent=False), redact(raw, "stats"))
    assert row["urgent"] == "no" and row["first_incident_month"] == "" and row["consent_sg_report"] == "no"
    assert row["consent_share_with_un"] == "ask_later" and row["province"] == "Beijing"


# --- Determinism and vocabularies ---------------------------------------------------------------

@pytest.mark.parametrize("make, profile, keep", [(lawyer, "un-sp", False), (exit_ban, "reprisals-report", True),
                                                 (diaspora, "reprisals-report", False)])
def test_same_input_same_output(make, profile, keep):
    raw = make()
    case, redacted = view(raw, ["SR-HRD", "ASG-REPRISALS"]), redact(raw, profile, keep_names=keep)
    before = copy.deepcopy(redacted)
    first = [submission_draft(case, redacted, m) for m in ("SR-HRD", "WGAD", "ASG-REPRISALS")]
    outputs = (events_document(case, redacted), reprisals_entry(case, redacted), stats_row(case, redacted))
    again = copy.deepcopy(redacted)
    assert first == [submission_draft(copy.deepcopy(case), again, m) for m in ("SR-HRD", "WGAD", "ASG-REPRISALS")]
    assert json.dumps(outputs, sort_keys=True) == json.dumps(
        (events_document(case, again), reprisals_entry(case, again), stats_row(case, again)), sort_keys=True)
    assert redacted == before  # inputs are not changed


def test_vocabularies_cover_every_code():
    from intake.web import choices  # the reporter's labels: same codes as ours
    for ours, theirs in [(vocab.VIOLATIONS, choices.VIOLATIONS), (vocab.VICTIM_STATUSES, choices.STATUSES),
                         (vocab.UN_BODIES, choices.UN_BODIES), (vocab.COOPERATION_KINDS, choices.COOPERATION_KINDS),
                         (vocab.PERPETRATORS, choices.PERPETRATORS), (vocab.RELATIONS, choices.RELATIONS),
                         (vocab.HOW_KNOWN, choices.HOW_KNOWN), (vocab.SEXES, choices.SEXES),
                         (vocab.SHARE_WITH_UN, choices.SHARE_WITH_UN), (vocab.NAME_PUBLIC, choices.NAME_PUBLIC),
                         (vocab.SG_REPORT, choices.SG_REPORT), (vocab.CONSENT_GIVEN_BY, choices.CONSENT_GIVEN_BY),
                         (vocab.DETENTION_KINDS, choices.DETENTION_KINDS), (vocab.CHARGES, choices.CHARGES),
                         (vocab.GOVERNMENT_REPLIED, choices.GOVERNMENT_REPLIED)]:
        assert set(ours) == {c.value for c in theirs}
    rules = load_rules()
    assert set(rules.violations) == set(vocab.VIOLATIONS) == set(vocab.VIOLATION_REPRISAL_TYPES)
    assert {c for row in rules.violations.values() for c in row["huridocs_acts"]} == set(vocab.ACT_LABELS)
    assert {t for ts in vocab.VIOLATION_REPRISAL_TYPES.values() for t in ts} <= set(vocab.REPRISAL_TYPES)
    assert set(vocab.PERPETRATORS) == set(vocab.PERPETRATOR_SIDE) == set(vocab.MT24_PERPETRATOR)


def test_group_victims_and_several_incidents():
    raw = diaspora()
    raw["victim"].update(kind="group", group_size=7, name="", name_other_spellings="")
    raw["incidents"].append(incident(["THREATS"], "2026-01", "Xinjiang", "", "Calls to the family every night.",
                                     perpetrator="unknown"))
    draft = submission_draft(view(raw, []), redact(raw, "reprisals-report"), "SR-HRD")
    assert "- Victims: a group of 7 people" in draft and "MISSING: the person's full name" not in draft
    assert "- Date (incident 1): from 2025-12, ongoing" in draft and "- Date (incident 2): from 2026-01, ongoing" in draft
    assert "- MISSING: the alleged perpetrators" in draft  # incident 2: perpetrator unknown
    doc = events_document(view(raw, []), redact(raw, "reprisals-report"))
    assert doc["persons"][0]["counting_unit_label"] == "Group, organisation or institution"
    assert doc["persons"][0]["group_size"] == 7 and doc["persons"][0]["label"] == "Victims (group)"
    assert [a["incident"] for a in doc["acts"]] == [1, 1, 2]
    assert doc["events"][0]["alleged_perpetrator"] == ["State", "unknown"]


@pytest.mark.parametrize("typed, country", [("Istanbul, Turkey", "Turkey"), ("土耳其伊斯坦布尔", "Turkey"),
                                            ("Almaty", "Kazakhstan"), ("荷蘭", "Netherlands"), ("Geneva", "Switzerland")])
def test_a_country_abroad_is_recognised_where_a_province_is_asked(typed, country):
    """Transnational repression: an incident abroad is counted by its country, not "unrecognised",
    and the reprisals entry asks staff for nothing more."""
    raw = diaspora()
    raw["incidents"][0]["province"] = typed
    assert stats_row(view(raw, []), raw)["province"] == country
    entry = reprisals_entry(view(raw, []), redact(raw, "reprisals-report"))
    assert [a["province"] for a in entry["acts"]] == [country, country]
    assert not [m for m in entry["missing"] if "province not recognised" in m]
    assert "Inner Mongolia" not in stats_row(view(raw, []), raw)["province"]


def test_inner_mongolia_is_not_mongolia():
    raw = diaspora()
    for typed, found in (("Inner Mongolia", "Inner Mongolia"), ("内蒙古", "Inner Mongolia"), ("Mongolia", "Mongolia"),
                         ("蒙古国", "Mongolia"), ("印度尼西亚", "Indonesia"), ("印度", "India")):
        raw["incidents"][0]["province"] = typed
        assert stats_row(view(raw, []), raw)["province"] == found, typed
