"""Schema /2 answers in the rules: the imminent event (U4, U6), the people affected (U8 and the
HARASSMENT_OF_FAMILY routing row), family pressure only for family, and the evidence each
urgency reason carries. Names are placeholders, not real people."""

import copy
import datetime

import pytest

from intake.desk.rules import evaluate, matches
from test_desk_rules import NOW, incident, report

NO_EVENT = {"kind": "", "date": None, "date_unsure": False, "details": ""}


def report2(*incidents, related=(), imminent=None, **changes) -> dict:
    """A schema /2 report: report() with the people affected, the imminent event and who cooperated."""
    r = report(*incidents, **changes)
    r["schema"] = "intake.report/2"
    r["related_persons"] = [person(**p) for p in related]
    r["imminent"] = {**NO_EVENT, **(imminent or {})}
    r["un_cooperation"].setdefault("by", "")
    return r


def person(**fields) -> dict:
    return {"relation": "spouse", "name": "", "name_other_spellings": "", "minor": "", "lives": "china",
            "violations": [], "what_happened": "", "consent_named": "", **fields}


def reasons(r, now=NOW) -> list:
    return evaluate(r, now).urgency_reasons


def ids(found) -> list:
    return sorted({x.split(":")[0] for x in found})


def day(offset: int) -> str:
    return (NOW.date() + datetime.timedelta(days=offset)).isoformat()


QUIET = incident(["SURVEILLANCE"], "2025-05", end="2025-06-01")  # nothing urgent by itself


# --- Imminent event (U4, U6) --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["trial", "sentencing", "deportation", "transfer"])
def test_an_imminent_event_within_30_days_is_u4_with_the_answer_named(kind):
    found = reasons(report2(QUIET, imminent={"kind": kind, "date": day(20)}))
    assert found == [f"U4: trial, sentencing, deportation or transfer due within 30 days "
                     f"(imminent.kind {kind}, imminent.date {day(20)})"]


def test_a_trial_45_days_ahead_is_not_urgent_on_that_ground():
    assert reasons(report2(QUIET, imminent={"kind": "trial", "date": day(45)})) == []
    assert ids(reasons(report2(QUIET, imminent={"kind": "trial", "date": day(30)}))) == ["U4"]  # the 30th day counts


def test_a_month_date_counts_from_its_first_day_and_a_past_date_not_at_all():
    # NOW is 1 March 2026: April could be 31 days ahead at the earliest, March is now.
    assert reasons(report2(QUIET, imminent={"kind": "trial", "date": "2026-04"})) == []
    assert ids(reasons(report2(QUIET, imminent={"kind": "trial", "date": "2026-04"}),
                       NOW + datetime.timedelta(days=1))) == ["U4"]
    assert ids(reasons(report2(QUIET, imminent={"kind": "sentencing", "date": "2026-03"}))) == ["U4"]
    assert reasons(report2(QUIET, imminent={"kind": "trial", "date": day(-3)})) == []


def test_an_undated_imminent_event_is_flagged_for_staff_to_ask():
    found = reasons(report2(QUIET, imminent={"kind": "deportation", "date": None, "date_unsure": True}))
    assert found == ["U4: trial, sentencing, deportation or transfer said to be coming, date not known "
                     "(imminent.kind deportation, imminent.date empty)"]


def test_a_date_marked_unsure_is_widened_for_staff_to_ask():
    assert ids(reasons(report2(QUIET, imminent={"kind": "trial", "date": day(10), "date_unsure": True}))) == ["U4"]
    # Not sure: 30 days back to 60 ahead is "near" (the trial may be sooner, or may have slipped).
    for days in (55, -20):
        found = reasons(report2(QUIET, imminent={"kind": "trial", "date": day(days), "date_unsure": True}))
        assert found and "near a date the source is not sure of" in found[0] and "imminent.date_unsure true" in found[0]
    for days in (90, -45):
        assert reasons(report2(QUIET, imminent={"kind": "trial", "date": day(days), "date_unsure": True})) == []
    assert reasons(report2(QUIET, imminent={"kind": "trial", "date": day(55)})) == []  # a date given as sure


def test_an_imminent_release_is_not_urgent_by_itself():
    assert reasons(report2(QUIET, imminent={"kind": "release", "date": day(5)})) == []
    assert reasons(report2(QUIET, imminent={"kind": "release", "date": None})) == []


def test_other_imminent_event_counts_when_its_details_name_a_u4_event():
    execution = report2(QUIET, imminent={"kind": "other", "date": day(12), "details": "execution feared"})
    assert ids(reasons(execution)) == ["U4"]
    assert "imminent.details “execution”" in reasons(execution)[0]
    assert reasons(report2(QUIET, imminent={"kind": "other", "date": day(12), "details": "a family visit"})) == []


def test_a_un_session_with_a_current_travel_ban_is_u6_and_without_a_ban_is_not_urgent():
    ban = incident(["EXIT_BAN"], "2026-02-20", ongoing=True, narrative="Stopped at the border.")
    quiet_cooperation = {"body": "hrc_session", "kind": "submission", "date": "", "link_evidence": ""}
    found = reasons(report2(ban, imminent={"kind": "un_session", "date": day(40)}, un_cooperation=quiet_cooperation))
    assert found == ["U6: travel or exit ban before a UN session or meeting the person is to attend "
                     f"(incidents[0].violations EXIT_BAN, incidents[0].end.ongoing true, imminent.kind un_session, "
                     f"imminent.date {day(40)})"]
    assert reasons(report2(ban, imminent={"kind": "un_session", "date": day(75)}, un_cooperation=quiet_cooperation)) == []
    assert reasons(report2(QUIET, imminent={"kind": "un_session", "date": day(10)}, un_cooperation=quiet_cooperation)) == []


# --- The people affected (U8) ---------------------------------------------------------------------

def test_a_minor_among_the_people_affected_makes_the_case_urgent_with_that_reason():
    child = {"relation": "child", "minor": "yes", "violations": ["HARASSMENT_OF_FAMILY"]}
    assert reasons(report2(QUIET, related=[{"relation": "parent"}, child])) == [
        "U8: a child among the people affected was targeted "
        "(related_persons[1].minor yes, related_persons[1].violations given)"]
    told = {"relation": "other_relative", "minor": "yes", "what_happened": "Refused a place at school."}
    assert reasons(report2(QUIET, related=[told])) == [
        "U8: a child among the people affected was targeted "
        "(related_persons[0].minor yes, related_persons[0].what_happened given)"]


@pytest.mark.parametrize("minor", ["no", ""])
def test_a_related_person_not_known_to_be_a_minor_is_not_u8_by_age(minor):
    assert reasons(report2(QUIET, related=[{"relation": "child", "minor": minor, "violations": ["SURVEILLANCE"]}])) == []


def test_a_minor_with_nothing_done_to_them_is_not_urgent():
    assert reasons(report2(QUIET, related=[{"relation": "child", "minor": "yes"}])) == []


def test_a_relative_detained_while_an_incident_is_current_is_u8():
    current = incident(["THREATS"], "2026-02-10")
    spouse = {"relation": "spouse", "violations": ["ARBITRARY_DETENTION"]}
    found = reasons(report2(current, related=[spouse]))
    assert found == ["U8: family members detained or coerced as leverage "
                     "(incidents[0].start.date 2026-02-10, related_persons[0].relation spouse, "
                     "related_persons[0].violations ARBITRARY_DETENTION)"]
    words = {"relation": "sibling", "what_happened": "Questioned for a day about her brother's interviews."}
    assert "related_persons[0].what_happened “questioned”" in reasons(report2(current, related=[words]))[0]
    # Nothing current in the report: a relative in custody is still flagged, for staff to date it.
    assert reasons(report2(QUIET, related=[spouse])) == [
        "U8: a relative reported detained or disappeared (date not given: staff check) "
        "(related_persons[0].relation spouse, related_persons[0].violations ARBITRARY_DETENTION)"]
    assert reasons(report2(QUIET, related=[{"relation": "spouse", "violations": ["THREATS"]}])) == []
    colleague = {"relation": "colleague", "violations": ["ARBITRARY_DETENTION"]}
    assert reasons(report2(current, related=[colleague])) == []  # not family
    assert reasons(report2(QUIET, related=[colleague])) == []


# --- Family pressure only for family (U8, same_sentence) ----------------------------------------

def family_incident(narrative: str) -> dict:
    return incident(["HARASSMENT_OF_FAMILY"], "2026-02-01", ongoing=True, narrative=narrative)


@pytest.mark.parametrize("narrative", [
    "Police questioned a neighbour about his work.",
    "邻居被约谈。",
    "The police came to his house. His wife was at work. They questioned the neighbours.",
    "他妻子在家。派出所约谈了邻居。",
])
def test_pressure_on_a_neighbour_is_not_family_pressure(narrative):
    assert "U8" not in ids(reasons(report(family_incident(narrative))))


@pytest.mark.parametrize("narrative, keywords", [
    ("Police questioned his wife about his work.", "“wife” + “questioned”"),
    ("他妻子被约谈。", "“妻子” + “约谈”"),
    ("The police came.\nHis son was taken away; the neighbours saw it.", "“son” + “taken away”"),
])
def test_pressure_on_a_relative_in_the_narrative_is_u8_with_both_words(narrative, keywords):
    found = reasons(report(family_incident(narrative)))
    assert found == [f"U8: family members detained or coerced as leverage (incidents[0].end.ongoing true, "
                     f"incidents[0].violations HARASSMENT_OF_FAMILY, incidents[0].narrative {keywords})"]


def test_the_narrative_counts_only_for_a_family_harassment_incident():
    r = report(incident(["THREATS"], "2026-02-01", ongoing=True, narrative="Police questioned his wife."))
    assert "U8" not in ids(reasons(r))


def test_same_sentence_predicate():
    cond = {"path": "t", "same_sentence": [["wife", "son"], ["questioned"]]}
    assert matches(cond, {"t": "They questioned his wife"}, NOW)
    assert matches(cond, {"t": ["nothing", "a son! Questioned; no"]}, NOW) is False
    assert matches(cond, {"t": "a son, questioned"}, NOW)
    for text in ("his wife. questioned", "wife; questioned", "妻子。questioned", "wife\nquestioned", "wife ؟ questioned",
                 "wife། questioned"):
        assert not matches(cond, {"t": text}, NOW), text
    assert matches({"path": "t", "same_sentence": [{"words": "relatives_words"}, {"words": "family_pressure"}]},
                   {"t": "ساقچىلار ئۇنىڭ ئايالىنى سوراق قىلدى."}, NOW)


# --- Routing from the people affected (§5.2 HARASSMENT_OF_FAMILY) ---------------------------------

def test_family_routing_from_related_persons_alone():
    r = report2(QUIET, related=[
        {"relation": "parent", "violations": ["ENFORCED_DISAPPEARANCE"]},
        {"relation": "child", "minor": "yes", "what_happened": "Expelled from school after her mother spoke at the UN."},
        {"relation": "sibling", "violations": ["TORTURE_ILL_TREATMENT"]},
    ])
    result = evaluate(r, NOW)
    assert "HARASSMENT_OF_FAMILY: primary (a relative among the people affected was targeted)" in \
        result.mandate_reasons["SR-HRD"]
    assert result.mandate_reasons["WGAD"] == ["HARASSMENT_OF_FAMILY: secondary (relatives detained)"]
    assert result.mandate_reasons["WGEID"] == ["HARASSMENT_OF_FAMILY: secondary (relatives detained, whereabouts not disclosed)"]
    assert result.mandate_reasons["SR-EDU"] == ["HARASSMENT_OF_FAMILY: secondary (children's schooling affected)"]
    assert result.mandate_reasons["SR-TORTURE"] == ["HARASSMENT_OF_FAMILY: secondary (coercion of relatives)"]


def test_family_routing_from_related_persons_words_in_other_languages():
    r = report2(QUIET, related=[{"relation": "spouse", "what_happened": "ئۇ قولغا ئېلىندى، دېرىكى يوق."}])
    assert {"WGAD", "WGEID"} <= set(evaluate(r, NOW).suggested_mandates)
    r = report2(QUIET, related=[{"relation": "child", "what_happened": "孩子被學校勸退。"}])
    assert "SR-EDU" in evaluate(r, NOW).suggested_mandates


def test_a_relative_held_at_a_known_place_goes_to_wgad_not_wgeid():
    r = report2(QUIET, related=[{"relation": "spouse", "violations": ["ARBITRARY_DETENTION"]}])
    assert "WGAD" in evaluate(r, NOW).suggested_mandates and "WGEID" not in evaluate(r, NOW).suggested_mandates


def test_a_colleague_or_an_untouched_relative_brings_no_family_row():
    for related in ([{"relation": "colleague", "violations": ["ARBITRARY_DETENTION"]}], [{"relation": "spouse"}]):
        result = evaluate(report2(QUIET, related=related, consent={"sg_report": "no"}), NOW)
        assert result.suggested_mandates == ["SR-PRIV", "SR-HRD", "SR-FOE"]


def test_an_incident_that_ticks_the_code_keeps_its_own_reason():
    r = report2(incident(["HARASSMENT_OF_FAMILY"], "2025-05"), related=[{"relation": "spouse", "violations": ["THREATS"]}])
    assert evaluate(r, NOW).mandate_reasons["SR-HRD"][0] == "HARASSMENT_OF_FAMILY: primary"


def test_hk_national_security_counts_as_a_state_perpetrator():
    r = report(incident(["SURVEILLANCE"], "2025-12", perpetrator={"type": "hk_national_security", "details": ""}))
    state = report(incident(["SURVEILLANCE"], "2025-12", perpetrator={"type": "police", "details": ""}))
    assert evaluate(r, NOW).readiness == evaluate(state, NOW).readiness


# --- Schema /1 reports: exactly as before ---------------------------------------------------------

@pytest.mark.parametrize("build", [
    lambda: report(incident(["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE"], "2026-02-10", ongoing=True),
                   victim={"status": "detained"}),
    lambda: report(incident(["HARASSMENT_OF_FAMILY"], "2026-02-01", ongoing=True, family_affected="Her son was detained.")),
    lambda: report(incident(["EXIT_BAN"], "2026-02-20", ongoing=True, narrative="前往日内瓦参加人权理事会。")),
])
def test_a_schema_1_report_upgraded_on_read_gives_the_same_result(build):
    old = build()
    upgraded = copy.deepcopy(old)
    upgraded.update(related_persons=[], imminent=dict(NO_EVENT))
    upgraded["un_cooperation"]["by"] = ""
    assert evaluate(upgraded, NOW) == evaluate(old, NOW)


# --- The reason's evidence ------------------------------------------------------------------------

def test_a_reason_quotes_the_keyword_never_the_text_around_it():
    secret = "Guards at Chengdu No. 1 centre, officer 张某某, 不给药 since May."
    r = report(incident(["ARBITRARY_DETENTION"], "2025-06", ongoing=True, ill_treatment=secret),
               victim={"status": "detained"})
    (reason,) = [x for x in reasons(r) if x.startswith("U1")]
    assert reason == "U1: detained and denied medical care (victim.status detained, incidents[0].ill_treatment “不给药”)"
    assert "张" not in reason and "Chengdu" not in reason


def test_a_reason_quotes_a_date_as_read_not_the_text_it_was_written_in():
    r = report(incident(["EXIT_BAN"], "2026-02-26", ongoing=True, narrative="Stopped at the Human Rights Council gate."),
               un_cooperation={"body": "hrc_session", "kind": "submission", "date": "session of 2026年3月30日, room XX"})
    (reason,) = reasons(r)
    assert "un_cooperation.date 2026-03-30" in reason and "room" not in reason


@pytest.mark.parametrize("narrative", [
    "His wife takes medicine for high blood pressure.",                     # not pressure on her
    "His wife was campaigning for his release.",                           # not a camp
    "His wife withheld nothing.",                                          # not held
])
def test_words_inside_other_words_are_not_family_pressure(narrative):
    assert "U8" not in ids(reasons(report2(family_incident(narrative))))
