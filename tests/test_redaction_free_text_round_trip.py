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

from intake_client import IntakeClient
from staff_vault import files_in, intake, new_vault

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


def ok(result) -> bytes:
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


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
    identity, env = new_vault(root)
    client = IntakeClient(root / "server", [identity.recipient()])
    client.report(ANSWERS)
    ok(intake("import", client.data_dir / "submissions", env=env))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    out, review = {}, {}
    for profile in PROFILES:
        review[profile] = json.loads(ok(intake("redact", row["id"], "--profile", profile, "--format", "json", env=env)))
        ok(intake("redact", row["id"], "--profile", profile, "--accept-all", env=env))
        ok(intake("export", row["id"], "--profile", profile, "--out", root / profile, env=env))
        out[profile] = {name: data.decode() for name, data in files_in(root / profile).items()}
    return {"id": row["id"], "out": out, "review": review}


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
