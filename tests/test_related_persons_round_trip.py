"""Two relatives of the victim, one a minor, from the real form to every export.

Their names are typed only in the people-affected slots (and the narrative repeats them, as
reporters do): the register learns them from the structured answers, so redaction replaces every
mention with the same pseudonym, "Person C (spouse)", "Person D (child, a minor)". Neither agreed
to be named, although the victim did: no spelling of their names may reach any exported file.
"""

import csv
import io
import json

import pytest

from staff_vault import case_from_form, files_in, intake, ok

SPOUSE = ("陈波", "Chen Bo")
CHILD = ("陈小雨", "Chen Xiaoyu")
ANSWERS = {
    "victim_name": "王某某", "victim_name_other": "Wang Moumou",
    "consent_share_un": "yes", "consent_name_public": "yes", "consent_sg_report": "named",
    "incidents-0-narrative": "国保每天跟踪陈波。Chen Bo was questioned twice; 陈小雨 was refused a place at school. "
                             "小雨的老师也被约谈。",  # her given name alone, as family and teachers write it
    "related-0-relation": "spouse", "related-0-name": SPOUSE[0], "related-0-name_other": SPOUSE[1],
    "related-0-lives": "china", "related-0-violations": ["SURVEILLANCE", "THREATS"],
    "related-0-what_happened": "Followed to work every day and questioned twice.", "related-0-consent_named": "no",
    "related-1-relation": "child", "related-1-name": CHILD[0], "related-1-name_other": CHILD[1],
    "related-1-minor": "yes", "related-1-lives": "china", "related-1-violations": ["OTHER"],
    "related-1-what_happened": "Refused a place at the local school.",  # consent_named left "not sure"
}



@pytest.fixture(scope="module")
def case(tmp_path_factory):
    root = tmp_path_factory.mktemp("related-persons")
    case_id, env = case_from_form(root, ANSWERS)
    out = {}
    for profile in ("un-sp", "reprisals-report", "stats"):
        ok(intake("redact", case_id, "--profile", profile, "--accept-all", env=env))
        ok(intake("export", case_id, "--profile", profile, "--out", root / profile, env=env))
        out[profile] = {name: data.decode() for name, data in files_in(root / profile).items()}
    return {"id": case_id, "env": env, "out": out,
            "show": ok(intake("show", case_id, env=env)).decode(),
            "json": json.loads(ok(intake("show", case_id, "--format", "json", env=env)))}


def test_show_lists_the_people_affected(case):
    assert "person affected 1: spouse or partner, lives in China, not to be named" in case["show"]
    assert "person affected 2: child, a minor, lives in China, not to be named" in case["show"]
    people = case["json"]["report"]["related_persons"]
    assert [(p["relation"], p["name"], p["minor"], p["consent_named"]) for p in people] == [
        ("spouse", SPOUSE[0], "", "no"), ("child", CHILD[0], "yes", "")]


def test_no_spelling_of_their_names_reaches_any_export(case):
    leaks = [(profile, name, spelling) for profile, files in case["out"].items() for name, text in files.items()
             for spelling in SPOUSE + CHILD + ("Xiaoyu", "小雨") if spelling in text]
    assert leaks == []


def test_every_draft_carries_the_facts_under_consistent_pseudonyms(case):
    drafts = {name: text for name, text in case["out"]["un-sp"].items() if name.endswith(".md")}
    assert drafts
    for name, text in drafts.items():
        section = text[text.index("Other persons affected"):]
        assert "- Person affected 1: Person C (spouse)\n" in section, name
        assert "- Person affected 2: Person D (child, a minor); child; a minor" in section, name
        assert "Followed to work every day and questioned twice." in section, name
        assert "Surveillance (physical or digital" in section and "Refused a place at the local school." in section
        assert section.count("Agrees to be named: no\n") == 1 and "Agrees to be named: not sure\n" in section
    # The narrative names them too: the same pseudonyms stand there, in every draft that quotes it.
    quoting = [text for text in drafts.values() if "questioned twice; " in text]
    assert quoting and all("国保每天跟踪Person C (spouse)。Person C (spouse) was questioned twice; "
                           "Person D (child, a minor) was refused" in text for text in quoting)
    assert "王某某" in next(iter(drafts.values()))  # the victim agreed: their name stays


def test_case_json_links_each_relative_to_the_victim(case):
    events = json.loads(next(t for n, t in case["out"]["un-sp"].items() if n.endswith("case.json")))
    related = [p for p in events["persons"] if p["role"] == "related_person"]
    assert [(p["label"], p["relationship_to"], p["relationship"], p["minor"], p["confidentiality"]) for p in related] == [
        ("Person C (spouse)", "P1", "spouse", "", "confidential"),
        ("Person D (child, a minor)", "P1", "child", "yes", "confidential")]
    assert "name" not in related[0] and "name" not in related[1]
    acts = {(a["victim_id"], a["violation_code"]) for a in events["acts"]}
    assert {(related[0]["id"], "SURVEILLANCE"), (related[0]["id"], "THREATS"), (related[1]["id"], "OTHER")} <= acts


def test_the_reprisals_entry_and_stats_count_them(case):
    (entry,) = json.loads(case["out"]["reprisals-report"]["reprisals-report.json"])
    people = entry["persons_affected"]
    assert [(p["relation"], p["minor"]) for p in people] == [("spouse", ""), ("child", "yes")]
    (row,) = csv.DictReader(io.StringIO(case["out"]["stats"]["stats.csv"]))
    assert (row["persons_affected"], row["family_members_affected"], row["minors_affected"]) == ("2", "2", "1")
    assert row["relations_affected"] == "child;spouse"


# --- Consent is each person's own (review findings) -----------------------------------------

def _redacted(report: dict, profile: str = "un-sp") -> dict:
    from intake.desk.redaction import apply, propose, seed_register
    proposals = propose(report, seed_register(report), profile, keep_names=True)
    return apply(report, proposals, {p.id: "accept" for p in proposals})


def _report(*people: dict, narrative: str) -> dict:
    from fuzz_seeds import report, related_person
    raw = report() | {"attachments": []}
    raw["victim"].update(name="王力", name_other_spellings="Wang Li")
    raw["consent"].update(share_with_un="yes")
    raw["incidents"][0]["narrative"] = narrative
    raw["related_persons"] = [related_person(0) | person for person in people]
    return raw


def test_a_relative_who_refused_is_withheld_even_when_spelled_like_the_consenting_victim():
    # 王丽 and the victim 王力 are both "Wang Li" in pinyin: one register entry would have kept both.
    raw = _report({"relation": "sibling", "name": "王丽", "name_other_spellings": "Wang Li", "consent_named": "no",
                   "what_happened": "王丽 was questioned."}, narrative="Police took 王丽 and Wang Li to the station.")
    text = json.dumps(_redacted(raw), ensure_ascii=False)
    assert "王丽" not in text and "Wang Li" not in text  # the shared spelling is withheld for both


def test_a_minor_is_never_named_whatever_the_consent_answer():
    raw = _report({"relation": "child", "name": "陈小雨", "minor": "yes", "consent_named": "yes",
                   "what_happened": "陈小雨 was refused school."}, narrative="陈小雨 was refused a place at school.")
    redacted = _redacted(raw)
    assert "陈小雨" not in json.dumps(redacted, ensure_ascii=False)
    assert redacted["related_persons"][0]["name"] == "Person C (child, a minor)"


def test_an_adult_relative_who_agreed_keeps_their_name():
    raw = _report({"relation": "spouse", "name": "陈波", "consent_named": "yes", "what_happened": "陈波 was followed."},
                  narrative="陈波 was followed to work.")
    redacted = _redacted(raw)
    assert redacted["related_persons"][0]["name"] == "陈波" and "陈波 was followed to work." in json.dumps(redacted, ensure_ascii=False)


def test_a_name_too_short_for_the_register_is_still_withheld_where_the_text_repeats_it():
    # 波 / "Bo": one Hanzi, two letters; the register refuses them (they would match everywhere).
    raw = _report({"relation": "child", "name": "波", "name_other_spellings": "Bo", "consent_named": "no",
                   "what_happened": "波 was taken to the police station."},
                  narrative="他的儿子波被国保带走审问。Bo was questioned. They left by boat.")
    redacted = _redacted(raw)
    assert redacted["incidents"][0]["narrative"] == \
        "他的儿子[name withheld]被国保带走审问。[name withheld] was questioned. They left by boat."
    assert redacted["related_persons"][0]["what_happened"] == "[name withheld] was taken to the police station."
    assert redacted["related_persons"][0]["name"] == "[name withheld]"
    # With their consent (and the report's), the short name stays like any other.
    kept = _redacted(_report({"relation": "spouse", "name": "波", "consent_named": "yes"}, narrative="波 was followed."))
    assert kept["incidents"][0]["narrative"] == "波 was followed."
