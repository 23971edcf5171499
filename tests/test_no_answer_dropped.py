"""No answer a reporter gives is silently dropped between the form and the exports.

Every field of the real report form is filled, each free-text answer with its own marker word,
and submitted through the real web app; staff then import, review (--accept-all) and export the
case with every profile, as in tests/test_desk_export.py. intake/desk/exports/coverage.py says,
for every path of report.json, which outputs carry the answer or why it is withheld. The tests
fail when a path of the real report.json is not in that table, when a marker is missing from an
output the table names for it (or found in one it does not name), or when a withheld answer
reaches any output.

Marker words are ordinary lowercase English words: no detector treats them as a name, number or
place, and no register entry is made of them alone (a test checks that redaction proposes none of
the exported ones), so finding one in an export proves that the answer travelled there.
"""

import io
import json
import re
import zipfile

import pytest
from PIL import Image

from intake.desk.exports.coverage import (CONSENTED, COVERAGE, DERIVED, DRAFT, EVENTS, FOLLOW_UP, MANIFEST, OUTPUTS,
                                          REPRISALS, STATS, UWAZI, exported, withheld)
from intake.desk.rules import MANDATES
from intake.receipt import new_receipt
from intake.web.forms import ReportForm
from intake_client import IntakeClient
from staff_vault import files_in, intake, new_vault, ok

WORDS = iter("""
    apricot walnut juniper saffron thimble cedar pelican lavender teapot violin hazelnut dolphin orchard tulip
    acorn biscuit lemonade kettle harmonica pumpkin cobbler gazebo seashell meringue pinecone tangerine parsnip
    trombone sparrow quilt lighthouse velvet wheelbarrow buttercup croissant dandelion eggplant flamingo gingham
    hammock jellybean kumquat macaroon nutmeg oatmeal paprika quince radish spatula toffee umbrella vanilla
    waffle zucchini sunflower raspberry blueberry mushroom porridge marigold cinnamon pistachio rhubarb
    chestnut clementine gooseberry honeydew lentil mandarin nectarine olive peppermint quokka rosemary
    sesame tarragon turnip vermicelli walrus yarrow zeppelin anchovy barley chickpea damson fennel
    garlic mackerel pomegranate sorbet
""".split())
MARKERS: dict[str, str] = {}  # form field (or "follow-up") -> its marker word


def marked(field: str, text: str) -> str:
    """The answer `text` with a marker word of its own, remembered for `field`."""
    MARKERS[field] = next(WORDS)
    return f"{text} {MARKERS[field]}"


def incident(n: int, violations: list[str], perpetrator: str) -> dict:
    p = f"incidents-{n}-"
    return {
        f"{p}violations": violations,
        f"{p}start_date": f"2024-0{n + 3}-1{n}",
        f"{p}start_approximate": "y",
        f"{p}end_date": f"2024-1{n}-2{n}",
        f"{p}ongoing": "y",
        f"{p}province": marked(f"{p}province", "Sichuan"),
        f"{p}place": marked(f"{p}place", "Chengdu"),
        f"{p}narrative": marked(f"{p}narrative", "Taken from home at night, questioned about the UN."),
        f"{p}perpetrator": perpetrator,
        f"{p}perpetrator_details": marked(f"{p}perpetrator_details", "guobao") + " unit",  # a unit, not a person
        f"{p}legal_basis": marked(f"{p}legal_basis", "picking quarrels and provoking trouble"),
        f"{p}warrant": marked(f"{p}warrant", "no written decision was shown"),
        f"{p}lawyer_and_family": marked(f"{p}lawyer_and_family", "the family was not told; no lawyer"),
        f"{p}ill_treatment": marked(f"{p}ill_treatment", "kept awake for three nights"),
        f"{p}family_affected": marked(f"{p}family_affected", "her brother was questioned for a day"),
    }


RELATED_NAMES = ["陈波 Chen Bo", "孙磊 Sun Lei", "李小明 Li Xiaoming", "王芳 Wang Fang"]
RELATIONS = ["spouse", "child", "lawyer", "parent"]
NAMED = [True, False, True, False]  # each related person's own consent to be named


def related(n: int) -> dict:
    p = f"related-{n}-"
    return {
        f"{p}relation": RELATIONS[n],
        f"{p}name": marked(f"{p}name", RELATED_NAMES[n]),
        f"{p}name_other": marked(f"{p}name_other", RELATED_NAMES[n].split()[-1] + "-" + "xyz"[n % 3]),
        f"{p}minor": "yes" if n == 1 else "no",
        f"{p}lives": "abroad" if n == 3 else "china",
        f"{p}violations": [["SURVEILLANCE", "THREATS"], ["OTHER"], ["LAWYER_DISBARMENT"], ["PASSPORT_DENIAL"]][n],
        f"{p}what_happened": marked(f"{p}what_happened", "questioned by police about the UN"),
        f"{p}consent_named": "yes" if NAMED[n] else "no",
    }


def full_answers() -> dict:
    """Every field of the form answered (all three incidents), as a reporter who is not anonymous
    would: ticking "anonymous" empties the reporter's fields on purpose (web/report.py)."""
    return {
        "anonymous": "",
        "relation": "family",
        "how_known": "told_by_victim",
        "reporter_name": marked("reporter_name", "Reporter Name"),
        "reporter_organisation": marked("reporter_organisation", "Org"),
        "contact_channel": "signal",
        "contact_details": marked("contact_details", "Signal +41 00 000"),
        "victim_kind": "group",
        "group_size": "3",
        "victim_name": marked("victim_name", "王某某 Wang Mou"),
        "victim_name_other": marked("victim_name_other", "Wang Moumou"),
        "victim_sex": "female",
        "victim_age": marked("victim_age", "45"),
        "victim_nationality": marked("victim_nationality", "Chinese"),
        "victim_ethnicity": marked("victim_ethnicity", "Han"),
        "victim_religion": marked("victim_religion", "Buddhist"),
        "victim_occupation": marked("victim_occupation", "lawyer"),
        "victim_hr_work": marked("victim_hr_work", "defends petitioners"),
        "victim_is_defender": "yes",
        "victim_id_document": marked("victim_id_document", "identity card"),
        "victim_residence": marked("victim_residence", "Chengdu"),
        "status": "detained",
        "detention_place": marked("detention_place", "Chengdu detention centre"),
        "holding_authority": marked("holding_authority", "Public Security Bureau"),
        "health": marked("health", "needs medication"),
        "detention_kind": "rsdl",
        "arrest_date": "2024-04-13",
        "arrest_place": marked("arrest_place", "at home"),
        "charges": ["subversion", "pretext"],
        "charges_wording": marked("charges_wording", "inciting subversion of state power"),
        "un_body": "upr",
        "cooperation_kind": "submission",
        "cooperated_by": "related_person",
        "cooperation_date": marked("cooperation_date", "2024-01"),
        "link_evidence": marked("link_evidence", "questioned about the UPR submission"),
        "un_already_raised": marked("un_already_raised", "a joint communication"),
        "government_replied": "no",
        "earlier_sg_report": "yes",
        "earlier_sg_report_year": "2023",
        **incident(0, ["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE"], "state_security"),
        **incident(1, ["HARASSMENT_OF_FAMILY", "ENFORCED_DISAPPEARANCE"], "police"),
        **incident(2, ["EXIT_BAN", "THREATS"], "unknown"),
        **{k: v for n in range(4) for k, v in related(n).items()},
        "imminent_kind": "trial",
        "imminent_date": "2027-01-15",
        "imminent_date_unsure": "y",
        "imminent_details": marked("imminent_details", "at the intermediate court"),
        "remedies": marked("remedies", "petitioned the procuratorate"),
        "remedies_response": marked("remedies_response", "the procuratorate never answered"),
        "others_informed": marked("others_informed", "told a rights group abroad"),
        "consent_store": "y",
        "consent_share_un": "yes",
        "consent_name_public": "yes",
        "consent_sg_report": "named",
        "consent_given_by": "family",
        "still_in_china": "yes",
        "never_disclose": marked("never_disclose", "the daughter's school"),
        "follow_up_of": new_receipt(),
    }


ANSWERS = full_answers()
FOLLOW_UP_MESSAGE = marked("follow-up", "She was moved to another place.")
# The same report, but no consent that lets the name leave: its own name markers.
UNNAMED = {**ANSWERS, "victim_name": marked("unnamed victim_name", "李某 Li Mou"),
           "victim_name_other": marked("unnamed victim_name_other", "Li Moumou"),
           "consent_share_un": "ask_later", "consent_name_public": "no", "consent_sg_report": "anonymised"}
EXPORTED_BY_PROFILE = {"un-sp": {DRAFT, EVENTS, MANIFEST}, "reprisals-report": {REPRISALS}, "stats": {STATS}}  # uwazi: un-sp's redaction


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 0)).save(out, "PNG")
    return out.getvalue()


def leaves(value, path: str = ""):
    """(path with list indices, value) of every answer: lists of codes are one answer."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        for i, item in enumerate(value):
            yield from leaves(item, f"{path}[{i}]")
    else:
        yield path, value


def pattern(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)



def export(case: str, profile: str, out, env, *options: str) -> dict[str, bytes]:
    ok(intake("redact", case, "--profile", profile, "--accept-all", env=env))
    ok(intake("export", case, "--profile", profile, *options, "--out", out, env=env))
    return files_in(out)


def uwazi_csv(case: str, out, env) -> str:
    """import.csv of the case's Uwazi export (redacted as un-sp, so no redaction of its own)."""
    ok(intake("export", case, "--profile", "uwazi", "--out", out, env=env))
    with zipfile.ZipFile(out / "uwazi.zip") as z:
        return z.read("import.csv").decode()


def outputs(un_sp: dict, reprisals: dict, stats: dict, uwazi: str) -> dict[str, str]:
    """Each output's text, as the table names them: the un-sp drafts are the joint letter alone
    (per-mandate drafts are written only when asked)."""
    return {UWAZI: uwazi, DRAFT: un_sp["CASE-001/communication.md"].decode(),
            EVENTS: un_sp["CASE-001/case.json"].decode(), MANIFEST: un_sp["manifest.json"].decode(),
            REPRISALS: reprisals["reprisals-report.json"].decode(), STATS: stats["stats.csv"].decode()}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    root = tmp_path_factory.mktemp("no-answer-dropped")
    identity, env = new_vault(root)
    client = IntakeClient(root / "server", [identity.recipient()])
    receipt = client.report(ANSWERS, files=[("photo.png", png(), "image/png")])
    client.follow_up(receipt, FOLLOW_UP_MESSAGE, files=[("later.png", png(), "image/png")])
    client.report(UNNAMED)
    ok(intake("import", client.data_dir / "submissions", env=env))
    shown = {}
    for row in json.loads(ok(intake("list", "--format", "json", env=env))):
        shown[row["id"]] = json.loads(ok(intake("show", row["id"], "--format", "json", env=env)))["report"]
    named = next(c for c, r in shown.items() if MARKERS["victim_name"] in (r.get("victim") or {}).get("name", ""))
    unnamed = next(c for c, r in shown.items() if r["kind"] == "report" and c != named)
    follow_up = next(c for c, r in shown.items() if r["kind"] == "follow-up")
    # Every mandate confirmed, so that every draft is written (ASG-REPRISALS is the reprisals export).
    ok(intake("triage", named, *[a for m in MANDATES if m != "ASG-REPRISALS" for a in ("--mandate", f"+{m}")], env=env))
    ok(intake("redact", named, "--profile", "un-sp", "--read", follow_up, env=env))
    proposals = {profile: json.loads(ok(intake("redact", named, "--profile", profile, "--format", "json", env=env)))["proposals"]
                 for profile in EXPORTED_BY_PROFILE}
    out = {case: outputs(*(export(case, p, root / f"{case}-{p}", env) for p in ("un-sp", "reprisals-report", "stats")),
                         uwazi_csv(case, root / f"{case}-uwazi", env))
           for case in (named, unnamed)}
    un_sp = export(named, "un-sp", root / f"{named}-per-mandate", env, "--per-mandate")
    return {"report": shown[named], "follow_up": shown[follow_up], "out": out[named], "unnamed": out[unnamed],
            "proposals": proposals, "drafts": {k: v.decode() for k, v in un_sp.items() if k.endswith(".md")},
            "app": client.app}


def marker_paths(report: dict, markers: dict[str, str]) -> dict[str, str]:
    """report path -> the marker found in its answer, for every marked field."""
    found = {}
    for path, value in leaves(report):
        for word in markers.values():
            if isinstance(value, str) and re.search(rf"\b{word}\b", value):
                found[path] = word
    return found


def test_markers_are_distinct_words():
    words = list(MARKERS.values())
    assert len(set(words)) == len(words)
    assert not [(a, b) for a in words for b in words if a != b and a in b]


def test_every_field_of_the_real_form_has_an_answer(desk):
    with desk["app"].test_request_context():
        form = ReportForm(meta={"csrf": False})
        names = [sub.name for field in form if field.type == "FieldList" for entry in field.entries for sub in entry.form]
        names += [field.name for field in form if field.type != "FieldList"]
    names = [n for n in names if n != "csrf_token"]
    assert set(ANSWERS) == set(names), "the form and this test disagree: give every new field an answer here"
    assert [n for n in names if not ANSWERS[n]] == ["anonymous"]  # ticked, it empties the reporter's answers


def test_every_text_answer_reaches_report_json(desk):
    found = set(marker_paths(desk["report"], MARKERS).values())
    typed = {f: w for f, w in MARKERS.items() if f in ANSWERS and w in ANSWERS[f].split()}
    assert sorted(f for f, w in typed.items() if w not in found) == []


def test_every_path_of_report_json_is_in_the_table(desk):
    for table, report in ((COVERAGE, desk["report"]), (FOLLOW_UP, desk["follow_up"])):
        paths = {pattern(p) for p, _ in leaves(report)}
        assert sorted(paths - set(table)) == [], "answers neither exported nor withheld with a reason"
        assert sorted(set(table) - paths) == [], "the table names answers the form does not give"


def test_the_table_is_well_formed():
    for table in (COVERAGE, FOLLOW_UP):
        for path, where in table.items():
            if isinstance(where, str):
                assert len(where) > 30, f"{path}: say why it is withheld"
            else:
                assert where and where <= OUTPUTS, path
    assert {p for p, _ in DERIVED} <= set(COVERAGE) and all(o in exported(COVERAGE, p) or o in exported(FOLLOW_UP, p)
                                                            for p, o in DERIVED)
    assert set(CONSENTED) <= set(COVERAGE)
    # case.json carries what any draft carries: a mandate nobody confirmed never drops an answer.
    assert [p for p in COVERAGE if DRAFT in exported(COVERAGE, p) and EVENTS not in exported(COVERAGE, p)] == []


def refused_names(found: dict[str, str]) -> dict[str, str]:
    """The marked name fields of related persons who did not agree to be named."""
    return {path: word for path, word in found.items()
            if (m := re.fullmatch(r"related_persons\[(\d)\]\.name(?:_other_spellings)?", path)) and not NAMED[int(m.group(1))]}


def check_markers(table: dict, found: dict[str, str], out: dict[str, str]) -> list[str]:
    """Each marked answer: in every output the table names, in no other (derived forms aside)."""
    problems = []
    for path, word in sorted(found.items()):
        where = exported(table, pattern(path))
        for output, content in out.items():
            if (pattern(path), output) in DERIVED:
                continue
            present = re.search(rf"\b{word}\b", content) is not None
            if output in where and not present:
                problems.append(f"{path} ({word!r}) is not in {output}, as the table says")
            elif output not in where and present:
                problems.append(f"{path} ({word!r}) is in {output}, which the table does not say")
    return problems


def test_exported_answers_are_where_the_table_says_and_withheld_ones_nowhere(desk):
    found = marker_paths(desk["report"], MARKERS)
    typed_and_withheld = {"reporter.name", "reporter.organisation", "reporter.contact_details", "victim.id_document",
                          "consent.never_disclose"}
    assert typed_and_withheld <= {pattern(p) for p in found} and typed_and_withheld <= set(withheld(COVERAGE))
    refused = refused_names(found)
    assert len(refused) == 4  # two people, two name fields each
    problems = check_markers(COVERAGE, {p: w for p, w in found.items() if p not in refused}, desk["out"])
    assert problems == [], "\n".join(problems)
    assert [(p, o) for p, w in refused.items() for o, text in desk["out"].items() if re.search(rf"\b{w}\b", text)] == []


def test_the_follow_up_travels_with_its_case(desk):
    found = marker_paths(desk["follow_up"], {"follow-up": MARKERS["follow-up"]})
    assert list(found) == ["message"]
    problems = check_markers(FOLLOW_UP, found, desk["out"])
    assert problems == [], "\n".join(problems)


def test_family_affected_is_in_every_draft_that_has_the_account(desk):
    for name, draft in desk["drafts"].items():
        for n in range(3):
            account = MARKERS[f"incidents-{n}-narrative"] in draft
            family = MARKERS[f"incidents-{n}-family_affected"] in draft
            assert account == family, f"{name}: incident {n + 1}'s account without the family members affected"
    letters = [name for name in desk["drafts"] if name.endswith("/communication.md")]
    assert len(letters) == 1 and len(desk["drafts"]) - 1 == len(MANDATES) - 1  # the joint letter, a draft per mandate


def test_the_joint_letter_carries_every_answer_a_per_mandate_draft_carries(desk):
    """Per-mandate drafts are an option: without them nothing a confirmed mandate's draft would
    have carried is lost, as the letter has an annex for each confirmed mandate."""
    letter = desk["drafts"]["CASE-001/communication.md"]
    assert letter == desk["out"][DRAFT]  # the same letter with or without --per-mandate
    in_drafts = {w for name, text in desk["drafts"].items() for w in MARKERS.values() if re.search(rf"\b{w}\b", text)}
    assert in_drafts and sorted(w for w in in_drafts if not re.search(rf"\b{w}\b", letter)) == []


def test_redaction_does_not_take_the_markers_for_names(desk):
    """The markers of exported answers are ordinary words: no proposal replaces one, so an
    absent marker means a dropped answer, not a redacted one."""
    for profile, carried in EXPORTED_BY_PROFILE.items():
        found = marker_paths(desk["report"], MARKERS)
        words = {w for p, w in found.items() if p not in refused_names(found)
                 and {o for o in exported(COVERAGE, pattern(p)) & carried if (pattern(p), o) not in DERIVED}}
        touched = {w for proposal in desk["proposals"][profile] for w in words if w in proposal["original"]}
        assert touched == set(), profile


def test_names_leave_only_with_consent(desk):
    assert set(CONSENTED) == {"victim.name", "victim.name_other_spellings", "related_persons[].name",
                              "related_persons[].name_other_spellings"}
    for n in (0, 2):  # they agreed, and so did the report: in the un-sp outputs, not the reprisals entry
        for field in (f"related-{n}-name", f"related-{n}-name_other"):
            assert all(MARKERS[field] in desk["out"][o] for o in (DRAFT, EVENTS))
            assert MARKERS[field] not in desk["out"][REPRISALS]
    for n in range(4):  # without the report's consent nobody is named, whatever they agreed
        for field in (f"related-{n}-name", f"related-{n}-name_other"):
            assert [o for o, text in desk["unnamed"].items() if MARKERS[field] in text] == []
    assert "Person C (spouse)" in desk["unnamed"][DRAFT] and "Person D (child, a minor)" in desk["unnamed"][DRAFT]
    for field in ("victim_name", "victim_name_other"):  # consent: share with the UN, SG report named
        assert all(MARKERS[field] in desk["out"][o] for o in (DRAFT, EVENTS, REPRISALS))
    for field in ("unnamed victim_name", "unnamed victim_name_other"):  # no such consent: the pseudonym only
        assert [o for o, text in desk["unnamed"].items() if MARKERS[field] in text] == []
    assert "Person A (victim)" in desk["unnamed"][DRAFT] and "Person A (victim)" in desk["unnamed"][EVENTS]


def test_the_coded_answers_of_schema_3_are_where_the_table_says(desk):
    """Codes, dates and a year carry no marker word: each is looked for by what the output makes of it."""
    from intake.desk.exports import vocab
    out = desk["out"]
    (reprisals,), events = json.loads(out[REPRISALS]), json.loads(out[EVENTS])
    stats = out[STATS].splitlines()
    row = dict(zip(stats[0].split(","), stats[1].split(",")))
    found = {
        "victim.detention_kind": {DRAFT: vocab.DETENTION_KINDS["rsdl"] in out[DRAFT],
                                  EVENTS: events["biographic_details"][0]["detention_kind"] == "rsdl",
                                  REPRISALS: reprisals["detention_kind"] == "rsdl", STATS: row["detention_kind"] == "rsdl",
                                  UWAZI: vocab.DETENTION_KINDS["rsdl"] in out[UWAZI]},
        "victim.arrest_date": {DRAFT: "- Date of arrest, or when the detention began: 2024-04-13" in out[DRAFT],
                               EVENTS: events["events"][0]["arrest"]["date"] == "2024-04-13", UWAZI: "2024-04-13" in out[UWAZI]},
        "victim.charges": {DRAFT: vocab.CHARGES["pretext"] in out[DRAFT],
                           EVENTS: [c["code"] for c in events["events"][0]["charges"]] == ["subversion", "pretext"],
                           REPRISALS: reprisals["charges"] == ["subversion", "pretext"],
                           STATS: row["charges"] == "pretext;subversion", UWAZI: vocab.CHARGES["pretext"] in out[UWAZI]},
        "un_cooperation.government_replied": {
            DRAFT: "- Government reply to an earlier UN communication: no" in out[DRAFT],
            EVENTS: events["events"][0]["government_replied_to_un"]["code"] == "no",
            REPRISALS: reprisals["government_replied_to_un"] == "no", STATS: row["government_replied_to_un"] == "no"},
        "un_cooperation.earlier_sg_report": {
            DRAFT: "- In an earlier Secretary-General's report on reprisals: yes, the 2023 report" in out[DRAFT],
            EVENTS: events["events"][0]["earlier_sg_report"]["code"] == "yes",
            REPRISALS: reprisals["in_earlier_sg_report"] == "yes", STATS: row["earlier_sg_report"] == "yes"},
        "un_cooperation.earlier_sg_report_year": {
            DRAFT: "the 2023 report" in out[DRAFT], EVENTS: events["events"][0]["earlier_sg_report"]["year"] == "2023",
            REPRISALS: reprisals["earlier_sg_report_year"] == "2023"},
    }
    for path, where in found.items():
        assert set(where) == exported(COVERAGE, path), path
        assert [o for o, present in where.items() if not present] == [], path
