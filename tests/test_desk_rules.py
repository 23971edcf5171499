"""The desk's triage rules (intake/desk/rules/*.toml) and the engine that evaluates them.

The cases follow patterns from public reporting on reprisals against Chinese defenders who
cooperated with the UN (un-procedures.md §4, [S29][S30][S50][S51]): detention after UPR input,
airport exit bans before Human Rights Council sessions, passports taken, relatives of Uyghur
activists abroad detained, lawyers disbarred, RSDL. Names are placeholders (某某), not real people.
"""

import copy
import datetime
import importlib.resources
import json
import subprocess
import sys

import pytest
import tomllib

from intake.desk.rules import MANDATES, evaluate, load_rules, matches, parse_rules

NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.timezone.utc)


# --- A complete, valid report.json (docs/report-schema.md), and overrides ---------------------

def incident(violations, start, *, ongoing=False, end=None, **fields) -> dict:
    base = {
        "violations": list(violations),
        "start": {"date": start, "approximate": False},
        "end": {"date": end, "ongoing": ongoing},
        "province": "Beijing",
        "place": "Chaoyang district",
        "narrative": "Officers came to the home and took the person away.",
        "perpetrator": {"type": "state_security", "details": "Chaoyang guobao unit"},
        "legal_basis": "",
        "warrant": "",
        "lawyer_and_family": "",
        "ill_treatment": "",
        "family_affected": "",
    }
    return deep_update(base, fields)


def deep_update(base: dict, changes: dict) -> dict:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_update(base[key], value)
        else:
            base[key] = value
    return base


BASE = {
    "schema": "intake.report/1",
    "kind": "report",
    "received": "2026-02-27T10:00:00Z",
    "receipt": "KPSSQ-VCNRZ-Y688G-CBGZT",
    "form_language": "en",
    "follow_up_of": None,
    "attachments": [],
    "reporter": {
        "anonymous": False, "relation": "family", "how_known": "told_by_victim", "name": "Reporter 某某",
        "organisation": "", "contact_channel": "signal", "contact_details": "+41 00 000 00 00",
    },
    "victim": {
        "kind": "individual", "group_size": None, "name": "王某某", "name_other_spellings": "Wang Moumou",
        "sex": "female", "age": "45", "nationality": "Chinese", "ethnicity": "", "religion": "",
        "occupation": "activist", "human_rights_work": "helps petitioners file complaints",
        "is_defender": "yes", "id_document": "", "residence": "Beijing", "status": "free",
        "detention_place": "", "holding_authority": "", "health": "",
    },
    "un_cooperation": {
        "body": "upr", "kind": "submission", "date": "2025-10",
        "link_evidence": "Officers asked who helped her write to the UN.", "already_raised": "",
    },
    "incidents": [incident(["THREATS"], "2025-11-03")],
    "remedies": {"domestic": "", "others_informed": ""},
    "consent": {
        "store": True, "share_with_un": "yes", "name_public": "anonymised", "sg_report": "anonymised",
        "given_by": "family", "still_in_china": "yes", "never_disclose": "",
    },
}


def report(*incidents, **changes) -> dict:
    """BASE with these incidents (if any) and nested overrides: report(victim={"status": ...})."""
    out = copy.deepcopy(BASE)
    if incidents:
        out["incidents"] = list(incidents)
    return deep_update(out, changes)


def ids(reasons) -> list[str]:
    return sorted({r.split(":")[0] for r in reasons})


# --- The six cases of the brief ---------------------------------------------------------------

def test_detained_lawyer_denied_medical_care_after_upr_submission():
    # Pattern: a rights lawyer taken after contributing to China's UPR, medication withheld.
    r = report(
        incident(["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE"], "2026-02-10", ongoing=True,
                 narrative="Taken from home at night by state security and held at the city detention centre.",
                 legal_basis="suspected of 'subversion of state power' (颠覆国家政权罪)",
                 warrant="A detention notice was shown to the family a week later.",
                 lawyer_and_family="The family lawyer was refused a meeting.",
                 ill_treatment="Guards keep her blood-pressure tablets; 不给药."),
        victim={"status": "detained", "occupation": "lawyer", "human_rights_work": "represents petitioners",
                "detention_place": "Chengdu No. 1 detention centre", "holding_authority": "Chengdu PSB",
                "health": "high blood pressure, needs daily medication"},
    )
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["WGAD", "SR-TORTURE", "SR-HEALTH", "SR-HRD", "ASG-REPRISALS"]
    assert result.mandate_reasons["WGAD"] == ["ARBITRARY_DETENTION: primary", "DENIAL_OF_MEDICAL_CARE: secondary"]
    assert result.mandate_reasons["SR-HRD"] == ["ARBITRARY_DETENTION: secondary", "victim is a human rights defender"]
    assert result.urgent
    assert ids(result.urgency_reasons) == ["U1", "U7"]
    assert ("U1: detained and denied medical care (victim.status detained, incidents[0].violations DENIAL_OF_MEDICAL_CARE)"
            in result.urgency_reasons)
    assert result.stale == []


def test_detained_lawyer_held_for_months_is_urgent_by_u1_alone():
    r = report(incident(["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE"], "2025-06-12", ongoing=True),
               victim={"status": "detained", "health": "diabetes; insulin refused"})
    assert ids(evaluate(r, NOW).urgency_reasons) == ["U1"]


def test_exit_ban_at_the_airport_before_a_human_rights_council_session():
    # Pattern: Cao Shunli and Chen Jianfang, barred from flights to Geneva (OHCHR, Oct 2013 [S51]).
    r = report(
        incident(["EXIT_BAN"], "2026-02-26", ongoing=True, place="Beijing Capital International Airport",
                 perpetrator={"type": "police", "details": "border police"},
                 narrative="Border police stopped her at the gate of her flight to Geneva, where she was to "
                           "speak at a side event of the Human Rights Council session (人权理事会) opening in "
                           "early April. They said her travel 'endangers state security'."),
        un_cooperation={"body": "hrc_session", "kind": "travel", "date": "2026-03-30"},
        consent={"sg_report": "named"},
    )
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["SR-HRD", "SR-FOAA", "SR-FOE", "ASG-REPRISALS"]
    assert result.mandate_reasons["SR-HRD"] == ["EXIT_BAN: primary", "victim is a human rights defender"]
    assert ids(result.urgency_reasons) == ["U6"]


def test_exit_ban_named_in_chinese_only_is_urgent_too():
    r = report(incident(["EXIT_BAN"], "2026-02-20", ongoing=True,
                        narrative="在机场被边检拦下，不让登机前往日内瓦参加人权理事会会议。"),
               un_cooperation={"body": "hrc_session", "kind": "planned", "date": ""})
    assert ids(evaluate(r, NOW).urgency_reasons) == ["U6"]


@pytest.mark.parametrize("date, urgent", [("2026-04", True), ("2026-04-20", True), ("2026-06", False), ("2026", False)])
def test_exit_ban_and_a_un_event_date_within_60_days(date, urgent):
    r = report(incident(["EXIT_BAN"], "2025-06", ongoing=True, narrative="Not allowed to leave for Geneva since June."),
               un_cooperation={"kind": "testimony", "date": date})
    assert ("U6" in ids(evaluate(r, NOW).urgency_reasons)) is urgent


def test_exit_ban_with_detention_at_the_airport_adds_wgad():
    r = report(incident(["EXIT_BAN"], "2026-02-20", narrative="Stopped at the airport and detained for ten hours."))
    assert evaluate(r, NOW).mandate_reasons["WGAD"] == ["EXIT_BAN: secondary (detained at the border or airport)"]


def test_passport_confiscated_is_routed_but_not_urgent():
    # Pattern: passports taken "for safekeeping" from activists who sent UPR input [S30][S50].
    r = report(
        incident(["PASSPORT_DENIAL"], "2025-09", ongoing=True, perpetrator={"type": "police", "details": "exit-entry office"},
                 narrative="The exit-entry office kept her passport 'for safekeeping' after she sent information "
                           "for China's UPR, and said she would not get it back.",
                 legal_basis="Exit-Entry Administration Law, article 12"),
        remedies={"domestic": "Asked the exit-entry office in writing; no answer."},
        consent={"sg_report": "no"},
    )
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["SR-HRD", "SR-FOE"]
    assert not result.urgent and result.urgency_reasons == []
    assert result.ready_for == ["SR-HRD", "SR-FOE"]  # everything both checklists can compute is there


def test_relatives_detained_to_pressure_an_overseas_uyghur_activist():
    # Pattern: relatives in Xinjiang detained to silence diaspora activists who spoke at the UN.
    r = report(
        incident(["HARASSMENT_OF_FAMILY", "TRANSNATIONAL_REPRESSION"], "2026-01", ongoing=True, province="Xinjiang",
                 place="Kashgar", perpetrator={"type": "police", "details": ""},
                 narrative="After she spoke to UN experts, police called her from her brother's phone.",
                 family_affected="Her father and brother were taken away in January; the family does not know where "
                                 "they are held. Officers say they will be released if she stops speaking to the UN."),
        victim={"status": "abroad", "ethnicity": "Uyghur", "residence": "Istanbul"},
        un_cooperation={"body": "special_procedures", "kind": "online"},
    )
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["SR-HRD", "WGAD", "WGEID", "SR-MIGRANTS", "SR-PRIV", "SR-FOE", "ASG-REPRISALS"]
    assert result.mandate_reasons["WGAD"] == ["HARASSMENT_OF_FAMILY: secondary (relatives detained)"]
    assert result.mandate_reasons["WGEID"] == ["HARASSMENT_OF_FAMILY: secondary (relatives detained, whereabouts not disclosed)"]
    assert ids(result.urgency_reasons) == ["U8"]


def test_relatives_held_at_a_known_place_go_to_wgad_not_wgeid():
    r = report(incident(["HARASSMENT_OF_FAMILY"], "2026-02-01", ongoing=True,
                        family_affected="Her husband is detained at the Urumqi detention centre."))
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["SR-HRD", "WGAD", "ASG-REPRISALS"]
    assert ids(result.urgency_reasons) == ["U8"]


def test_family_schooling_adds_sr_education():
    r = report(incident(["HARASSMENT_OF_FAMILY"], "2025-05", family_affected="孩子被学校劝退。"))
    assert "SR-EDU" in evaluate(r, NOW).suggested_mandates


def test_lawyer_disbarred_after_meeting_a_special_rapporteur():
    # Pattern: licences revoked by justice bureaus after lawyers met UN experts [S50].
    r = report(
        incident(["LAWYER_DISBARMENT"], "2025-11", perpetrator={"type": "justice_bureau", "details": "Beijing Justice Bureau"},
                 narrative="Two months after he met the Special Rapporteur, the justice bureau revoked his licence "
                           "(吊销律师执业证) and his law firm was told to let him go."),
        victim={"occupation": "lawyer", "human_rights_work": "defended Falun Gong practitioners and petitioners"},
        un_cooperation={"body": "special_procedures", "kind": "meeting"},
        consent={"sg_report": "named"},
    )
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["SR-IJL", "SR-HRD", "ASG-REPRISALS"]
    assert not result.urgent
    assert not [m for m in result.readiness["SR-IJL"] if m.startswith("IJL-")]


def test_disbarred_lawyer_then_detained_adds_wgad_and_is_urgent():
    r = report(
        incident(["LAWYER_DISBARMENT"], "2025-11"),
        incident(["ARBITRARY_DETENTION"], "2026-02-20", ongoing=True, legal_basis="寻衅滋事 (picking quarrels)"),
        victim={"status": "detained"},
    )
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["SR-IJL", "WGAD", "SR-HRD", "ASG-REPRISALS", "SR-FOE"]
    assert result.mandate_reasons["WGAD"] == ["ARBITRARY_DETENTION: primary", "LAWYER_DISBARMENT: secondary (detained)"]
    assert result.mandate_reasons["SR-FOE"] == ["WGAD Category II: detained for expression (right exercised)"]
    assert ids(result.urgency_reasons) == ["U7"]


def test_disappearance_in_rsdl_three_weeks_ago():
    # Pattern: defenders held in "residential surveillance at a designated location", family not told.
    r = report(
        incident(["RSDL_INCOMMUNICADO", "ENFORCED_DISAPPEARANCE"], "2026-02-08", ongoing=True,
                 narrative="Taken by state security; a notice of 指定居所监视居住 came a week later, without the place.",
                 lawyer_and_family="Lawyers hired by the family are refused: 'state security case'."),
        victim={"status": "whereabouts_unknown"},
        consent={"sg_report": "no"},
    )
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["WGEID", "WGAD", "SR-TORTURE", "SR-HRD"]
    assert ids(result.urgency_reasons) == ["U2", "U7"]


# --- Global rules and consent levels (§4.3, (b)) ------------------------------------------------

@pytest.mark.parametrize("level, asg", [("named", True), ("anonymised", True), ("no", False)])
def test_asg_needs_consent_to_the_sg_report(level, asg):
    result = evaluate(report(consent={"sg_report": level}), NOW)
    assert ("ASG-REPRISALS" in result.suggested_mandates) is asg


def test_asg_when_the_un_body_is_unsure():
    assert "ASG-REPRISALS" in evaluate(report(un_cooperation={"body": "unsure"}), NOW).suggested_mandates


def test_no_consent_to_share_still_suggests_but_gen2_is_missing():
    result = evaluate(report(consent={"share_with_un": "no", "sg_report": "no"}), NOW)
    assert result.suggested_mandates == ["SR-HRD", "SR-FOE"]
    assert all(any(m.startswith("GEN-2:") for m in missing) for missing in result.readiness.values())
    assert result.ready_for == []


def test_sr_hrd_from_the_human_rights_work_alone():
    r = report(incident(["SURVEILLANCE"], "2025-12"), victim={"is_defender": ""}, consent={"sg_report": "no"})
    assert evaluate(r, NOW).suggested_mandates == ["SR-PRIV", "SR-HRD", "SR-FOE"]
    r = report(incident(["SURVEILLANCE"], "2025-12"), victim={"is_defender": "", "human_rights_work": ""},
               consent={"sg_report": "no"})
    assert evaluate(r, NOW).mandate_reasons["SR-HRD"] == ["SURVEILLANCE: secondary"]


def test_right_exercised_is_added_beside_wgad_with_its_reason():
    r = report(incident(["ARBITRARY_DETENTION", "RELIGIOUS_PERSECUTION"], "2025-12", ongoing=True),
               victim={"status": "detained"})
    result = evaluate(r, NOW)
    assert result.mandate_reasons["SR-FORB"] == ["RELIGIOUS_PERSECUTION: primary",
                                                 "WGAD Category II: detained for religion or belief (right exercised)"]
    no_wgad = evaluate(report(incident(["CENSORSHIP"], "2025-12", legal_basis="寻衅滋事")), NOW)
    assert not [r for r in no_wgad.mandate_reasons["SR-FOE"] if "Category II" in r]


def test_order_is_primaries_then_secondaries_then_global_additions():
    # SR-HRD is secondary for SURVEILLANCE but primary for THREATS (a later incident): primaries win.
    r = report(incident(["SURVEILLANCE"], "2025-12"), incident(["THREATS"], "2026-01"), consent={"sg_report": "no"})
    assert evaluate(r, NOW).suggested_mandates == ["SR-PRIV", "SR-HRD", "SR-FOE"]


# --- Urgency details ----------------------------------------------------------------------------

def test_death_threat_in_chinese_is_u5_and_a_bare_threat_is_not():
    death = report(incident(["THREATS"], "2026-02", narrative="国保说再去联合国就弄死你。"))
    assert ids(evaluate(death, NOW).urgency_reasons) == ["U5"]
    bare = report(incident(["THREATS"], "2026-02", narrative="国保威胁她不要再联系联合国。"))
    assert evaluate(bare, NOW).urgency_reasons == []


def test_imminent_deportation_and_forced_return():
    r = report(incident(["FORCED_RETURN"], "2026-02", ongoing=True, province="abroad: Thailand",
                        narrative="Held in an immigration centre in Bangkok; China has asked for him."))
    result = evaluate(r, NOW)
    assert result.suggested_mandates[:2] == ["SR-TORTURE", "SR-MIGRANTS"]
    assert ids(result.urgency_reasons) == ["U4"]
    trial = report(incident(["UNFAIR_TRIAL"], "2025-10", narrative="The court set the trial for next week; 即将开庭。"))
    assert ids(evaluate(trial, NOW).urgency_reasons) == ["U4"]


def test_interrogation_of_a_detainee_is_u3():
    r = report(incident(["ARBITRARY_DETENTION"], "2025-06", ongoing=True,
                        narrative="Lawyers say he is interrogated at night and pressed to confess (逼供)."),
               victim={"status": "detained"})
    assert ids(evaluate(r, NOW).urgency_reasons) == ["U3"]


def test_a_victims_own_detention_in_the_narrative_is_not_u8():
    r = report(incident(["ARBITRARY_DETENTION"], "2026-02-15", end="2026-02-25", narrative="She was detained for ten days."))
    assert "U8" not in ids(evaluate(r, NOW).urgency_reasons)
    r["incidents"][0]["family_affected"] = "Her son was questioned at school and told to persuade her."
    assert "U8" in ids(evaluate(r, NOW).urgency_reasons)


def test_elderly_detainee_by_year_of_birth():
    r = report(incident(["ARBITRARY_DETENTION"], "2025-06", ongoing=True), victim={"status": "detained", "age": "born 1950"})
    assert evaluate(r, NOW).urgency_reasons == ["U1: detained and elderly, a child, pregnant or disabled "
                                                 "(victim.status detained, victim.age 76 years)"]


def test_recent_death_in_custody_is_u9_an_old_one_is_not():
    recent = report(incident(["DEATH_IN_CUSTODY"], "2025-12-20"), victim={"status": "deceased"})
    assert ids(evaluate(recent, NOW).urgency_reasons) == ["U9"]
    old = report(incident(["DEATH_IN_CUSTODY"], "2014-03-14"), victim={"status": "deceased"})
    assert evaluate(old, NOW).urgency_reasons == []


# --- Partial dates --------------------------------------------------------------------------------

@pytest.mark.parametrize("start, urgent", [
    ("2025-12", True),       # latest day 2025-12-31: 60 days before NOW, within 90
    ("2025-12-01", True),    # 90 days
    ("2025-11", False),      # latest day 2025-11-30: 91 days
    ("2025", True),          # a year alone (allowed when ongoing): could be December
    ("2024", False),
    (None, False),           # ongoing with no start date: cannot be placed
])
def test_u2_three_months_uses_the_latest_day_of_a_partial_date(start, urgent):
    r = report(incident(["ENFORCED_DISAPPEARANCE"], start, ongoing=True), victim={"status": "free"})
    assert ("U2" in ids(evaluate(r, NOW).urgency_reasons)) is urgent


def test_a_day_past_the_end_of_the_month_reads_as_its_last_day():
    assert matches({"path": "d", "within_days": 1}, {"d": "2026-02-31"}, NOW)  # 2026-02-28
    assert not matches({"path": "d", "within_days": 0}, {"d": "2026-02-31"}, NOW)


def test_dates_in_chinese_and_timestamps():
    assert matches({"path": "d", "within_days": 10}, {"d": "2026年2月25日"}, NOW)
    assert matches({"path": "d", "older_than_days": 100}, {"d": "2025-01-01T23:59:59Z"}, NOW)
    assert not matches({"path": "d", "within_days": 10000}, {"d": "not a date"}, NOW)


def test_due_within_days_for_a_future_partial_date():
    assert matches({"path": "d", "due_within_days": 60}, {"d": "2026-04"}, NOW)   # could be 2026-04-01
    assert not matches({"path": "d", "due_within_days": 60}, {"d": "2026-06"}, NOW)
    assert not matches({"path": "d", "due_within_days": 60}, {"d": "2026-01"}, NOW)


# --- Stale ----------------------------------------------------------------------------------------

def torture(start, **kw):
    return incident(["TORTURE_ILL_TREATMENT"], start, ill_treatment="Tiger chair for three days.", **kw)


@pytest.mark.parametrize("start, stale", [
    ("2023-05-10", True),
    ("2023", True),          # latest day 2023-12-31: 791 days
    ("2024", False),         # latest day 2024-12-31: 425 days; could be recent enough, so not stale
    ("2024-03", False),      # latest day 2024-03-31: 700 days
    ("2024-02", True),       # latest day 2024-02-29: 731 days
])
def test_stale_torture_allegation(start, stale):
    result = evaluate(report(torture(start, end="2024-01-15" if start == "2023-05-10" else None)), NOW)
    assert ("STALE-SRT" in ids(result.stale)) is stale


def test_torture_ongoing_or_with_a_recent_incident_is_not_stale():
    assert evaluate(report(torture("2020-01", ongoing=True)), NOW).stale == []
    assert evaluate(report(torture("2020-01"), torture("2025-10")), NOW).stale == []
    assert evaluate(report(torture("2020-01", end="2025-01")), NOW).stale == []


def test_stale_consent_after_six_months_from_receipt():
    assert ids(evaluate(report(received="2025-08-01T10:00:00Z"), NOW).stale) == ["STALE-CONSENT"]
    assert evaluate(report(received="2025-09-15T10:00:00Z"), NOW).stale == []


# --- Readiness ------------------------------------------------------------------------------------

def test_anonymous_reporter_misses_gen1_everywhere():
    r = report(reporter={"anonymous": True, "name": "", "organisation": "", "contact_channel": "", "contact_details": ""})
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["SR-HRD", "SR-FOE", "ASG-REPRISALS"]
    for mandate in result.suggested_mandates:
        assert "GEN-1: source not identifiable or not reachable (anonymous, or no contact details)" in result.readiness[mandate]


def test_readiness_lists_gen_and_mandate_items():
    r = report(incident(["ENFORCED_DISAPPEARANCE"], "2026", ongoing=True, place="",
                        perpetrator={"type": "unknown", "details": ""}),
               reporter={"how_known": "public_sources"}, victim={"kind": "group", "name": "", "group_size": 3},
               consent={"given_by": ""})
    missing = evaluate(r, NOW).readiness["WGEID"]
    assert ids(missing) == ["GEN-6", "WGEID-1", "WGEID-2", "WGEID-3", "WGEID-4", "WGEID-5", "WGEID-7", "WGEID-8"]
    with_photo = copy.deepcopy(r)
    with_photo["attachments"] = [{"entry": "attachments/01-photo.jpg", "original_name": "photo.jpg",
                                  "declared_type": "image/jpeg", "size": 10, "sha256": "0" * 64}]
    assert "GEN-6" not in ids(evaluate(with_photo, NOW).readiness["WGEID"])


def test_a_fully_documented_detention_is_ready_for_wgad():
    r = report(
        incident(["ARBITRARY_DETENTION"], "2025-07-02", ongoing=True, warrant="Criminal detention notice, Haidian PSB.",
                 legal_basis="inciting subversion of state power (煽动颠覆国家政权)"),
        victim={"status": "detained", "detention_place": "Haidian detention centre", "holding_authority": "Haidian PSB"},
        remedies={"domestic": "Lawyer asked the procuratorate for review; refused."},
        un_cooperation={"already_raised": "no"},
    )
    result = evaluate(r, NOW)
    assert result.suggested_mandates == ["WGAD", "SR-HRD", "ASG-REPRISALS", "SR-FOE"]  # global rules in (b) order
    assert result.readiness["WGAD"] == []
    assert result.ready_for == ["WGAD", "SR-HRD", "ASG-REPRISALS", "SR-FOE"]
    assert json.loads(json.dumps(result.to_json())) == result.to_json()
    assert set(result.to_json()) == {"suggested_mandates", "mandate_reasons", "urgent", "urgency_reasons", "stale",
                                     "readiness", "ready_for", "valid_until"}


# --- Robustness -----------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    {},
    {"schema": "intake.report/1", "kind": "follow-up", "received": "2026-02-01T00:00:00Z", "message": "moved",
     "consent": {"store": True}, "attachments": []},
    {"incidents": "not a list", "victim": None, "reporter": [1, 2]},
    {"incidents": [{"violations": ["NOT_A_CODE", {"x": 1}], "start": {"date": 2024}}, None, "x"]},
])
def test_odd_reports_give_a_result_not_an_error(data):
    result = evaluate(data, NOW)
    assert result.suggested_mandates == [] and not result.urgent


def test_unknown_paths_are_empty():
    assert not matches({"path": "no.such[].path", "filled": True}, BASE, NOW)
    assert matches({"path": "no.such.path", "filled": False}, BASE, NOW)
    assert not matches({"path": "victim.status.deeper", "in": ["free"]}, BASE, NOW)


def test_text_is_matched_case_and_width_insensitively():
    assert matches({"path": "t", "text_any": ["Hunger Strike"]}, {"t": "on a ＨＵＮＧＥＲ strike"}, NOW)


def test_keywords_with_edge_spaces_match_whole_words_only():
    assert not matches({"path": "t", "text_any": [" upr "]}, {"t": "the Supreme People's Court"}, NOW)
    assert matches({"path": "t", "text_any": [" upr "]}, {"t": "after China's UPR."}, NOW)
    assert matches({"path": "t", "text_any": ["n't know where"]}, {"t": "We don’t know where he is"}, NOW)


@pytest.mark.parametrize("age, elderly, child", [
    ("45", False, False), ("78", True, False), ("born 3 May 1950", True, False), ("1950年生", True, False),
    ("16岁", False, True), ("born 2012", False, True), ("about fifty", False, False), ("", False, False),
])
def test_ages_and_years_of_birth(age, elderly, child):
    assert matches({"path": "a", "age_at_least": 65}, {"a": age}, NOW) is elderly
    assert matches({"path": "a", "age_under": 18}, {"a": age}, NOW) is child


def test_naive_now_is_accepted():
    assert evaluate(report(), NOW.replace(tzinfo=None)).to_json() == evaluate(report(), NOW).to_json()


# --- The shipped rules, and their validation --------------------------------------------------------

RULES_DIR = importlib.resources.files("intake.desk") / "rules"


def shipped() -> dict:
    return {name: tomllib.loads((RULES_DIR / f"{name}.toml").read_text(encoding="utf-8"))
            for name in ("routing", "urgency", "readiness")}


def test_shipped_rules_load_and_cover_every_form_violation_and_u1_to_u9():
    from intake.web.choices import VIOLATIONS

    rules = load_rules()
    assert set(rules.violations) == {getattr(c, "value", None) or c[0] for c in VIOLATIONS}  # SelectChoice or (code, label)
    assert sorted({r["id"] for r in rules.urgency}, key=lambda i: int(i[1:])) == [f"U{n}" for n in range(1, 10)]
    assert [r["id"] for r in rules.stale] == ["STALE-SRT", "STALE-CONSENT"]
    assert [i["id"] for i in rules.general] == [f"GEN-{n}" for n in range(1, 7)]
    for items in rules.checklists.values():
        assert len({i["id"] for i in items}) == len(items)
    used = {m for v in rules.violations.values() for m in v["primary"] + v["secondary"]}
    assert used <= set(MANDATES) and "ASG-REPRISALS" in MANDATES


def write_rules(tmp_path, **replace) -> str:
    for name in ("routing", "urgency", "readiness"):
        text = replace.get(name, (RULES_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return str(tmp_path)


def test_rules_from_another_directory_are_used(tmp_path):
    always = '[[urgency]]\nid = "U1"\ntext = "always"\nwhen = {path = "kind", in = ["report"]}\n'
    rules = load_rules(write_rules(tmp_path, urgency=always))
    assert evaluate(report(), NOW, rules=rules).urgency_reasons == ["U1: always (kind report)"]


@pytest.mark.parametrize("name, snippet, error", [
    ("urgency", '[[urgency]]\nid = "U1"\ntext = "x"\nwhen = {path = "victim.status", is = ["detained"]}\n',
     r"urgency.toml rule U1: unknown or misplaced keys \['is'\]"),
    ("urgency", '[[urgency]]\nid = "U2"\ntext = "x"\nwhen = {path = "a", within_days = "90"}\n',
     "urgency.toml rule U2: within_days must be a non-negative integer"),
    ("urgency", '[[urgency]]\nid = "U3"\ntext = "x"\nwhen = {ref = "nowhere"}\n', "urgency.toml rule U3: unknown ref 'nowhere'"),
    ("urgency", '[[urgency]]\nid = "U4"\nwhen = {path = "a", filled = true}\n', "urgency.toml rule U4: needs"),
    ("urgency", '[[urgency]]\nid = "U5"\ntext = "x"\nwhen = {all = []}\n', "urgency.toml rule U5: all needs"),
    ("urgency", '[define]\nloop = {not = {ref = "loop"}}\n', "define loop: ref 'loop' refers back to itself"),
    ("urgency", '[[urgency]]\nid = "U6"\ntext = "x"\nwhen = {path = "a", precise_to = "week"}\n', "precise_to must be one of"),
    ("urgency", "[[urgency]\nid = 1\n", "urgency.toml: not valid TOML"),
    ("urgency", '[[urgent]]\nid = "U1"\n', r"urgency.toml: unknown keys \['urgent'\]"),
    ("readiness", '[[mandates.SR-NOPE]]\nid = "X-1"\nmissing = "x"\nwhen = {path = "a", filled = true}\n',
     r"readiness.toml \[mandates\]: unknown mandate code\(s\) \['SR-NOPE'\]"),
])
def test_bad_rules_are_refused_with_the_rule_named(tmp_path, name, snippet, error):
    with pytest.raises(ValueError, match=error):
        load_rules(write_rules(tmp_path, **{name: snippet}))


def test_unknown_mandate_in_routing_is_refused():
    docs = shipped()
    docs["routing"]["violations"]["EXIT_BAN"]["secondary"].append("SR-GENEVA")
    with pytest.raises(ValueError, match=r"routing.toml violation EXIT_BAN: unknown mandate code\(s\) \['SR-GENEVA'\]"):
        parse_rules(docs["routing"], docs["urgency"], docs["readiness"])
    docs = shipped()
    docs["routing"]["global"][0]["mandate"] = "SR-NOPE"
    with pytest.raises(ValueError, match="routing.toml global G1: unknown mandate"):
        parse_rules(docs["routing"], docs["urgency"], docs["readiness"])
    docs = shipped()
    docs["routing"]["violations"]["THREATS"]["tertiary"] = ["SR-HRD"]
    with pytest.raises(ValueError, match=r"routing.toml violation THREATS: unknown keys \['tertiary'\]"):
        parse_rules(docs["routing"], docs["urgency"], docs["readiness"])


def test_the_engine_loads_neither_flask_nor_the_web_side():
    code = ("import sys, datetime\nfrom intake.desk.rules import evaluate\n"
            "evaluate({}, datetime.datetime(2026, 1, 1))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'wtforms', 'flask_babel') "
            "or m.startswith('intake.web')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- A result holds until its valid_until day (stored once, index.py) --------------------------

TIMED_REPORTS = {
    "detained 30 days ago, ongoing": lambda: report(incident(["ARBITRARY_DETENTION"], "2026-01-30", ongoing=True),
                                                    victim={"status": "detained", "age": "born 1960"}),
    "exit ban a month ago, UN session next month": lambda: report(
        incident(["TRAVEL_BAN"], "2026-02", end="2026-02-20"), un_cooperation={"date": "2026-04", "already_raised": "no"}),
    "old incidents only": lambda: report(incident(["HARASSMENT_FAMILY"], "2023", end="2023-06-01"),
                                         incident(["ARBITRARY_DETENTION"], "2024-05-03", end="2024-07-01")),
    "received long ago": lambda: deep_update(report(incident(["ARBITRARY_DETENTION"], "2025-09-09", ongoing=True)),
                                             {"received": "2025-09-10T08:00:00Z"}),
}


@pytest.mark.parametrize("name", TIMED_REPORTS)
def test_a_result_stands_every_day_until_its_valid_until(name):
    """Soundness of the stored result: evaluated on any day, it equals the result of every later
    day before its valid_until (checked day by day over three years, dates moving every way)."""
    r = TIMED_REPORTS[name]()
    day, last, changes = NOW - datetime.timedelta(days=400), NOW + datetime.timedelta(days=700), 0
    while day < last:
        result = evaluate(r, day).to_json()
        until = result.pop("valid_until")
        horizon = datetime.datetime.fromisoformat(until).replace(tzinfo=datetime.timezone.utc) if until else last
        assert horizon > day
        probe = day + datetime.timedelta(days=1)
        while probe < min(horizon, last):
            later = evaluate(r, probe).to_json()
            later.pop("valid_until")
            assert later == result, f"{name}: the result of {day.date()} changed on {probe.date()}, before {until}"
            probe += datetime.timedelta(days=1)
        changes += until is not None
        day = min(horizon, last) if until else last
    assert changes >= 1  # each of these reports has dates that matter


# --- Schema 3: the arrest and the charges answer WGAD's items -----------------------------------

def wgad_missing(r) -> list[str]:
    return ids(evaluate(r, NOW).readiness.get("WGAD", []))


def test_the_charges_answer_wgad_legal_basis_and_the_arrest_date_wgad_date_of_arrest():
    held = incident(["ARBITRARY_DETENTION"], None, ongoing=True)  # ongoing, date not known
    r = report(held, victim={"status": "detained"})
    assert {"WGAD-4", "WGAD-8"} <= set(wgad_missing(r))
    for charges in (["picking_quarrels"], ["none_known"]):  # no charge known says something about the legal basis
        assert "WGAD-4" not in wgad_missing(report(held, victim={"status": "detained", "charges": charges}))
    assert "WGAD-4" not in wgad_missing(report(held, victim={"status": "detained", "charges_wording": "寻衅滋事罪"}))
    assert "WGAD-8" not in wgad_missing(report(held, victim={"status": "detained", "arrest_date": "2026-02"}))
    assert "WGAD-8" in wgad_missing(report(held, victim={"status": "detained", "arrest_date": "2026"}))  # a year is not enough
    dated = incident(["ARBITRARY_DETENTION"], "2026-02-10", ongoing=True)
    assert "WGAD-8" not in wgad_missing(report(dated, victim={"status": "detained"}))
