"""Schema 3 of report.json, and schemas 2 and 1 still read: import, show, redact and export.

tests/fixtures/submission-report-1.zip is the plaintext archive of a real submission made by the
web form of main at 88a85bd (schema intake.report/1, every answer filled, one photo), decrypted
once. Here it is sealed again to a key the test makes, as the server would have stored it.
"""

import copy
import json
import zipfile
from pathlib import Path

import pytest

from fuzz_seeds import report as seed_report
from intake import age
from intake.submission import SubmissionError
from intake.submission.schema import NOT_ASKED_IN_2, validate_report
from staff_vault import files_in, intake, new_vault, ok

FIXTURE = Path(__file__).parent / "fixtures" / "submission-report-1.zip"



def test_the_fixture_is_a_schema_1_archive_with_its_photo():
    archive = zipfile.ZipFile(FIXTURE)
    report = json.loads(archive.read("report.json"))
    assert report["schema"] == "intake.report/1" and "related_persons" not in report and "by" not in report["un_cooperation"]
    assert [a["entry"] for a in report["attachments"]] == ["attachments/01-photo.png"]


def test_a_schema_1_submission_imports_shows_redacts_and_exports(tmp_path):
    identity, env = new_vault(tmp_path)
    (tmp_path / "in").mkdir()
    with open(tmp_path / "in" / "oldform.age", "wb") as out, age.encrypt([identity.recipient()], out) as writer:
        writer.write(FIXTURE.read_bytes())
    ok(intake("import", tmp_path / "in", env=env))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    case = row["id"]
    shown = json.loads(ok(intake("show", case, "--format", "json", env=env)))
    report = shown["report"]
    assert report["schema"] == "intake.report/1"  # what the reporter's form was
    assert report["related_persons"] == [] and report["imminent"]["kind"] == "" and report["un_cooperation"]["by"] == ""
    assert "walnut" in report["reporter"]["organisation"]  # the old answers, unchanged
    text = ok(intake("show", case, env=env)).decode()
    assert "not asked" in text  # staff see the questions the old form did not ask
    for profile in ("un-sp", "reprisals-report", "stats"):
        ok(intake("redact", case, "--profile", profile, "--accept-all", env=env))
        ok(intake("export", case, "--profile", profile, "--out", tmp_path / profile, env=env))
        assert files_in(tmp_path / profile)
    drafts = "\n".join(v.decode() for k, v in files_in(tmp_path / "un-sp").items() if k.endswith(".md"))
    narrative = json.loads(zipfile.ZipFile(FIXTURE).read("report.json"))["incidents"][0]["narrative"]
    assert narrative.split()[-1] in drafts  # an old answer reached the drafts


def test_a_schema_1_report_is_given_the_new_questions_unanswered_and_reads_again():
    old = seed_report(incidents=2, schema=1) | {"attachments": []}
    upgraded = validate_report(copy.deepcopy(old))
    assert upgraded["schema"] == "intake.report/1"
    assert upgraded["related_persons"] == [] and upgraded["un_cooperation"]["by"] == ""
    assert upgraded["imminent"] == {"kind": "", "date": None, "date_unsure": False, "details": ""}
    assert validate_report(copy.deepcopy(upgraded)) == upgraded  # the case cache stores the upgraded one
    assert {k: v for k, v in upgraded.items() if k not in ("related_persons", "imminent", "un_cooperation", "victim", "remedies")} == \
        {k: v for k, v in old.items() if k not in ("un_cooperation", "victim", "remedies")}
    assert unanswered_3(upgraded)


def unanswered_3(report: dict) -> bool:
    """Every question schema 3 added, with its "no answer" value."""
    return all(report[section][key] == value for section, key, value in
               ((*path.split("."), value) for path, value in NOT_ASKED_IN_2.items()))


def test_a_schema_2_report_is_given_the_questions_of_schema_3_unanswered_and_reads_again():
    old = seed_report(related=2, schema=2) | {"attachments": []}
    upgraded = validate_report(copy.deepcopy(old))
    assert upgraded["schema"] == "intake.report/2" and unanswered_3(upgraded)
    assert upgraded["victim"]["charges"] == [] and upgraded["victim"]["arrest_date"] is None
    assert validate_report(copy.deepcopy(upgraded)) == upgraded  # the case cache stores the upgraded one
    for section in ("victim", "un_cooperation", "remedies"):
        assert {k: v for k, v in upgraded[section].items() if f"{section}.{k}" not in NOT_ASKED_IN_2} == old[section]
    assert {k: v for k, v in upgraded.items() if k not in ("victim", "un_cooperation", "remedies")} == \
        {k: v for k, v in old.items() if k not in ("victim", "un_cooperation", "remedies")}


@pytest.mark.parametrize("change", [
    lambda r: r["victim"].update(detention_kind="prison"),
    lambda r: r["victim"].update(arrest_date="2026-09"),
    lambda r: r["victim"].update(charges=["cult"]),
    lambda r: r["remedies"].update(response="no answer"),
    lambda r: r["un_cooperation"].update(government_replied="no"),
    lambda r: r["un_cooperation"].update(earlier_sg_report="yes", earlier_sg_report_year="2024"),
    lambda r: r["un_cooperation"].pop("earlier_sg_report"),  # half the new questions
])
@pytest.mark.parametrize("schema", [1, 2])
def test_an_older_report_cannot_answer_what_schema_3_added(change, schema):
    upgraded = validate_report(seed_report(schema=schema) | {"attachments": []})
    change(upgraded)
    with pytest.raises(SubmissionError, match="did not ask"):
        validate_report(upgraded)


def test_the_old_shapes_with_a_key_of_schema_3_are_refused():
    for schema in (1, 2):
        old = seed_report(schema=schema) | {"attachments": []}
        old["victim"]["charges"] = ["cult"]
        with pytest.raises(SubmissionError, match="did not ask"):
            validate_report(old)


def test_schema_3_reports_with_the_arrest_the_charges_and_earlier_un_action_pass():
    report = seed_report(related=1) | {"attachments": []}
    assert report["victim"]["charges"] == ["subversion"] and report["un_cooperation"]["earlier_sg_report_year"] == "2025"
    assert validate_report(copy.deepcopy(report)) == report


@pytest.mark.parametrize("change, path", [
    (lambda r: r["victim"].update(detention_kind="hotel"), "victim.detention_kind"),
    (lambda r: r["victim"].update(arrest_date="2026"), "victim.arrest_date"),
    (lambda r: r["victim"].update(arrest_date="2026-02-30"), "victim.arrest_date"),
    (lambda r: r["victim"].update(charges=["none_known", "cult"]), "victim.charges"),
    (lambda r: r["victim"].update(charges=["cult", "cult"]), "victim.charges"),
    (lambda r: r["victim"].update(charges=["treason"]), r"victim.charges\[0\]"),
    (lambda r: r["victim"].update(charges_wording="x" * 301), "victim.charges_wording"),
    (lambda r: r["remedies"].update(response=7), "remedies.response"),
    (lambda r: r["un_cooperation"].update(government_replied="unsure"), "un_cooperation.government_replied"),
    (lambda r: r["un_cooperation"].update(earlier_sg_report_year="2025-01"), "un_cooperation.earlier_sg_report_year"),
    (lambda r: r["un_cooperation"].update(earlier_sg_report_year=2025), "un_cooperation.earlier_sg_report_year"),
    (lambda r: r["un_cooperation"].update(earlier_sg_report="no"), "un_cooperation.earlier_sg_report_year"),
])
def test_a_schema_3_answer_the_form_cannot_produce_is_refused(change, path):
    report = seed_report(related=1) | {"attachments": []}
    change(report)
    with pytest.raises(SubmissionError, match=path.replace(".", r"\.")):
        validate_report(report)


@pytest.mark.parametrize("change, rule", [
    (lambda r: r["related_persons"].append(seed_report(related=1)["related_persons"][0]), "did not ask"),
    (lambda r: r["imminent"].update(kind="trial"), "did not ask"),
    (lambda r: r["un_cooperation"].update(by="victim"), "did not ask"),
    (lambda r: r["victim"].update(status="unsure"), "did not have"),
    (lambda r: r["incidents"][0]["perpetrator"].update(type="hk_national_security"), "did not have"),
])
def test_a_schema_1_report_cannot_answer_what_schema_1_did_not_ask(change, rule):
    upgraded = validate_report(seed_report(schema=1) | {"attachments": []})
    change(upgraded)
    with pytest.raises(SubmissionError, match=rule):
        validate_report(upgraded)


def test_the_old_shape_with_a_new_code_is_refused():
    old = seed_report(schema=1) | {"attachments": []}
    old["victim"]["status"] = "unsure"
    with pytest.raises(SubmissionError, match="victim.status"):
        validate_report(old)


def test_schema_2_reports_with_related_persons_and_an_imminent_event_pass():
    report = seed_report(related=3) | {"attachments": []}
    assert validate_report(copy.deepcopy(report)) == report


@pytest.mark.parametrize("imminent, path", [
    ({"kind": "", "date": "2027-01", "date_unsure": False, "details": ""}, "imminent.kind"),
    ({"kind": "", "date": None, "date_unsure": False, "details": "the trial"}, "imminent.kind"),
    ({"kind": "trial", "date": "2027", "date_unsure": False, "details": ""}, "imminent.date"),
    ({"kind": "trial", "date": "2027-02-30", "date_unsure": False, "details": ""}, "imminent.date"),
    ({"kind": "verdict", "date": None, "date_unsure": False, "details": ""}, "imminent.kind"),
])
def test_an_imminent_event_the_form_cannot_produce_is_refused(imminent, path):
    report = seed_report() | {"attachments": [], "imminent": imminent}
    with pytest.raises(SubmissionError, match=path.replace(".", r"\.")):
        validate_report(report)


@pytest.mark.parametrize("change, path", [
    (lambda p: p.update(relation="neighbour"), "relation"),
    (lambda p: p.update(minor=True), "minor"),
    (lambda p: p.update(violations=["SURVEILLANCE", "SURVEILLANCE"]), "violations"),
    (lambda p: p.update(name="x" * 301), "name"),
    (lambda p: p.pop("consent_named"), "related_persons"),
])
def test_a_related_person_the_form_cannot_produce_is_refused(change, path):
    report = seed_report(related=1) | {"attachments": []}
    change(report["related_persons"][0])
    with pytest.raises(SubmissionError, match=path):
        validate_report(report)


def test_at_most_four_related_persons():
    report = seed_report(related=5) | {"attachments": []}
    with pytest.raises(SubmissionError, match="has 5 items"):
        validate_report(report)


def test_a_case_cached_by_an_older_desk_is_given_the_new_shape():
    """A vault written before schema 2 holds /1 reports checked by the old reader: reading the
    case checks it again and stores the upgraded report, never the old shape."""
    from intake.desk.state import case_from_json
    old = seed_report(schema=1) | {"attachments": []}
    record = {"id": "abcdefghijkl", "sha256": "0" * 64, "imported": "2026-11-30", "report": copy.deepcopy(old),
              "checked": "intake.report/1 strict/1"}
    case = case_from_json(record)
    assert case.report["schema"] == "intake.report/1" and case.report["related_persons"] == []
    assert case.report["imminent"]["kind"] == "" and case.report["un_cooperation"]["by"] == ""


def test_a_schema_2_submission_imports_shows_what_was_not_asked_and_exports(tmp_path):
    """A /2 submission sealed by the server's own writer, as a vault holds them from before schema 3."""
    from fuzz_seeds import seal
    identity, env = new_vault(tmp_path)
    (tmp_path / "in").mkdir()
    plaintext = seal(identity.recipient(), identity, seed_report(related=1, schema=2), [], tmp_path)
    with open(tmp_path / "in" / "form2.age", "wb") as out, age.encrypt([identity.recipient()], out) as writer:
        writer.write(plaintext)
    ok(intake("import", tmp_path / "in", env=env))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    report = json.loads(ok(intake("show", row["id"], "--format", "json", env=env)))["report"]
    assert report["schema"] == "intake.report/2" and unanswered_3(report)
    text = ok(intake("show", row["id"], env=env)).decode()
    assert "form intake.report/2: the arrest, the kind of place held, the charges" in text and "were not asked" in text
    ok(intake("triage", row["id"], "--mandate", "+WGAD", env=env))
    ok(intake("redact", row["id"], "--profile", "un-sp", "--accept-all", env=env))
    ok(intake("export", row["id"], "--profile", "un-sp", "--per-mandate", "--out", tmp_path / "out", env=env))
    drafts = {k: v.decode() for k, v in files_in(tmp_path / "out").items() if k.endswith(".md")}
    wgad = next(v for k, v in drafts.items() if k.endswith("/WGAD.md"))
    assert "- Date of arrest: 2026-09" in wgad and "Kind of place of detention" not in wgad  # the incidents' date stands in
