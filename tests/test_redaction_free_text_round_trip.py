"""Relatives named only in characters and a lawyer only in pinyin, from the real form to the exports.

None of them is in a name field: the reporter wrote them into the account, as reporters do.
The free-text detectors must find them, the session register must carry every other spelling,
and after `intake redact --accept-all` no variant of any of their names (characters, simplified
or traditional; pinyin with or without tone marks, in either order, spaced, hyphenated, in any
case) may be left in any file that `intake export` writes, for un-sp or reprisals-report.
"""

import json
import re
import unicodedata

import pytest

from staff_vault import case_from_form, files_in, intake, ok

# (characters, traditional, surname pinyin, given-name syllables): realistic names, in no answer's name field.
HUSBAND = ("刘建国", "劉建國", "liu", ("jian", "guo"))
DAUGHTER = ("刘晓雯", "劉曉雯", "liu", ("xiao", "wen"))
MOTHER_IN_LAW = ("赵秀英", "趙秀英", "zhao", ("xiu", "ying"))
LAWYER = (None, None, "sun", ("lei",))
PEOPLE = {"husband": HUSBAND, "daughter": DAUGHTER, "mother-in-law": MOTHER_IN_LAW, "lawyer": LAWYER}

ANSWERS = {
    "incidents-0-narrative": (
        "国保每天跟踪王某某的丈夫刘建国，还到学校找她的女儿刘晓雯谈话。她的婆婆赵秀英也被警告，"
        "不许再和记者联系。Since March her lawyer Sun Lei has been summoned twice and told to drop the case."),
    "remedies": "Lawyer SUN Lei filed a complaint with the procuratorate; Sūn Lěi was then told his licence was at risk.",
    "link_evidence": "刘建国被问到联合国的材料，赵秀英的电话被监听。",
    "un_already_raised": "Lawyer Sun Lei asked the Working Group; no reference yet.",
    "cooperation_date": "2024-01, with 刘晓雯 present",
}
PROFILES = ("un-sp", "reprisals-report")



def folded(text: str) -> str:
    """Lower case, tone marks dropped, every separator gone: how a leaked spelling is searched for."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", plain)


def variants(person: tuple) -> tuple[list[str], list[str]]:
    """(exact spellings in characters, folded Latin spellings) of a person's name."""
    simplified, traditional, surname, given = person
    hanzi = [s for s in (simplified, traditional) if s]
    hanzi += [s[1:] for s in hanzi]  # the given name alone
    given_name = "".join(given)
    latin = [surname + given_name, given_name + surname]
    if len(given_name) > 3:
        latin.append(given_name)
    return hanzi, latin


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    root = tmp_path_factory.mktemp("free-text-names")
    case_id, env = case_from_form(root, ANSWERS)
    out, review = {}, {}
    for profile in PROFILES:
        review[profile] = json.loads(ok(intake("redact", case_id, "--profile", profile, "--format", "json", env=env)))
        ok(intake("redact", case_id, "--profile", profile, "--accept-all", env=env))
        ok(intake("export", case_id, "--profile", profile, "--out", root / profile, env=env))
        out[profile] = {name: data.decode() for name, data in files_in(root / profile).items()}
    return {"id": case_id, "out": out, "review": review, "env": env}


def test_the_names_are_found_in_the_free_text_only(case):
    rows = case["review"]["un-sp"]["proposals"]
    people = [r for r in rows if r["kind"] == "person" and r["detector"] != "field"]
    assert {"刘建国", "刘晓雯", "赵秀英", "Sun Lei", "SUN Lei", "Sūn Lěi"} <= {r["original"] for r in people}
    names = {"刘建国", "刘晓雯", "赵秀英", "sunlei"}
    paths = {r["path"] for r in people if r["original"] in names or folded(r["original"]) in names}
    assert paths == {"incidents[0].narrative", "remedies.domestic", "un_cooperation.link_evidence",
                     "un_cooperation.already_raised", "un_cooperation.date"}


@pytest.mark.parametrize("profile", PROFILES)
def test_no_variant_of_any_name_reaches_any_exported_file(case, profile):
    files = case["out"][profile]
    assert files
    leaks = []
    for name, text in files.items():
        flat = folded(text)
        for who, person in PEOPLE.items():
            hanzi, latin = variants(person)
            leaks += [(name, who, s) for s in hanzi if s in text]
            leaks += [(name, who, s) for s in latin if s in flat]
    assert leaks == []


def test_the_drafts_keep_the_account_with_a_pseudonym_and_its_relation(case):
    drafts = {name: text for name, text in case["out"]["un-sp"].items() if name.endswith(".md")}
    assert drafts
    quoting = [text for text in drafts.values() if "国保每天跟踪" in text]
    assert quoting
    for text in quoting:
        assert re.search(r"的丈夫Person [A-Z] \(husband\)，还到学校找她的女儿Person [A-Z] \(daughter\)谈话", text)
        assert re.search(r"her lawyer Person [A-Z] \(lawyer\) has been summoned twice", text)
        assert "不许再和记者联系" in text


def test_every_spelling_of_the_lawyer_gets_one_pseudonym(case):
    rows = [r for r in case["review"]["un-sp"]["proposals"] if folded(r["original"]) == "sunlei"]
    assert len(rows) >= 4 and len({r["replacement"] for r in rows}) == 1
    assert all(r["evidence"] or r["detector"].startswith("register:") for r in rows)


# The review view: what staff read before they accept anything.

def test_the_review_shows_each_free_text_answer_in_full_with_its_proposals_in_place(case):
    review = case["review"]["un-sp"]
    (narrative,) = [a for a in review["answers"] if a["path"] == "incidents[0].narrative"]
    assert narrative["text"] == ANSWERS["incidents-0-narrative"].replace("\r\n", "\n")
    for row in narrative["proposals"]:
        assert narrative["text"][row["start"]:row["end"]] == row["original"]
        assert row["kind"] and row["detector"] and (row["evidence"] or not row["detector"].startswith("name:"))
    by_id = {row["id"]: row for row in narrative["proposals"]}
    husband = next(row for row in narrative["proposals"] if row["original"] == "刘建国")
    assert f"⟦刘建国 → {husband['replacement']} · {husband['id'][:8]}⟧" in narrative["marked"]
    assert "不许再和记者联系" in narrative["marked"]  # the words around the names are all there
    assert set(narrative["marked_ids"]) <= set(by_id)
    codes = {a["path"] for a in review["answers"]} & {"status", "victim.status", "un_cooperation.kind"}
    assert codes == set()  # codes are not prose


def test_the_text_view_prints_the_answers_with_the_marks(case, tmp_path):
    env, case_id = case["env"], case["id"]
    shown = ok(intake("redact", case_id, "--profile", "un-sp", env=env)).decode()
    block = shown[shown.index("== incidents[0].narrative"):]
    assert "   | 国保每天跟踪王某某的丈夫⟦刘建国 → Person" in block
    assert "her lawyer ⟦Sun Lei → Person" in block


def test_a_missed_name_is_added_with_one_command_and_then_marked(case):
    env, case_id = case["env"], case["id"]
    # 记者 is left: pretend staff read the view and saw a name the detectors did not propose.
    before = json.loads(ok(intake("redact", case_id, "--profile", "un-sp", "--format", "json", env=env)))
    assert not any(r["original"] == "记者" for r in before["proposals"])
    ok(intake("redact", case_id, "--profile", "un-sp", "--add", "other:journalist:记者", env=env))
    after = json.loads(ok(intake("redact", case_id, "--profile", "un-sp", "--format", "json", env=env)))
    (narrative,) = [a for a in after["answers"] if a["path"] == "incidents[0].narrative"]
    assert "⟦记者 → " in narrative["marked"]


def test_profiles_without_free_text_ask_no_free_text_decisions(case):
    env, case_id = case["env"], case["id"]
    stats = json.loads(ok(intake("redact", case_id, "--profile", "stats", "--format", "json", env=env)))
    assert stats["answers"] == []
    assert not [r for r in stats["proposals"] if r["detector"].startswith("name:")]
    reprisals = case["review"]["reprisals-report"]
    assert {a["path"] for a in reprisals["answers"]} <= {"un_cooperation.date", "un_cooperation.already_raised"}
    assert {r["path"] for r in reprisals["proposals"] if r["detector"].startswith("name:")} <= {
        "un_cooperation.date", "un_cooperation.already_raised"}
