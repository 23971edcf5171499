"""Facts staff add where the form could not know (`intake triage CASE --fact KEY=VALUE`): checked
by the schema's rules, stored encrypted on the case and audited, shown beside the form's answers,
refused when they name someone the redaction withholds, redacted and attributed in every export,
and counted by the readiness rules."""

import json

import pytest

from staff_vault import case_from_form, files_in, intake, ok

VICTIM = "周明辉 Zhou Minghui"


@pytest.fixture()
def desk(tmp_path):
    # No charges, no arrest date, no detention place on the form; consent lets the name go to the UN.
    case_id, env = case_from_form(tmp_path, {"victim_name": VICTIM, "detention_place": "", "consent_sg_report": "named"})
    return tmp_path, env, case_id


def _facts(env, case_id, *facts, reason=None):
    args = [a for f in facts for a in ("--fact", f)] + (["--reason", reason] if reason else [])
    return intake("triage", case_id, *args, env=env)


def _show(env, case_id) -> dict:
    return json.loads(ok(intake("show", case_id, "--format", "json", env=env)))


def test_facts_are_set_shown_beside_the_form_audited_and_cleared(desk):
    _, env, case_id = desk
    out = ok(_facts(env, case_id, "arrest_date=２０２４年３月", "charges=picking_quarrels,pretext",
                    "un_reference=CHN 4/2023", "detention_kind=rsdl", reason="the lawyer read the notice")).decode()
    assert "fact arrest_date: null -> \"2024-03\"" in out
    doc = _show(env, case_id)
    assert doc["case"]["staff_facts"] == {"arrest_date": "2024-03", "charges": ["picking_quarrels", "pretext"],
                                          "un_reference": "CHN 4/2023", "detention_kind": "rsdl"}
    assert doc["report"]["victim"]["arrest_date"] is None  # the form's answers stay the source's own
    (entry,) = [h for h in doc["history"] if h["action"] == "fact"]
    assert entry["changes"]["fact charges"] == [None, ["picking_quarrels", "pretext"]]
    assert entry["reason"] == "the lawyer read the notice" and entry["time"]
    text = ok(intake("show", case_id, env=env)).decode()
    assert "Added by staff, not from the form" in text
    assert "un reference: CHN 4/2023   (the form: not answered)" in text
    ok(_facts(env, case_id, "affiliation=China Human Rights Lawyers Group"))
    assert "affiliation: China Human Rights Lawyers Group   (the form does not ask)" in ok(intake("show", case_id, env=env)).decode()
    ok(_facts(env, case_id, "affiliation="))
    ok(_facts(env, case_id, "un_reference=", "arrest_date=2024-03-07"))
    doc = _show(env, case_id)
    assert "un_reference" not in doc["case"]["staff_facts"] and doc["case"]["staff_facts"]["arrest_date"] == "2024-03-07"
    entry = [h for h in doc["history"] if h["action"] == "fact"][-1]
    assert entry["changes"] == {"fact arrest_date": ["2024-03", "2024-03-07"], "fact un_reference": ["CHN 4/2023", None]}
    result = _facts(env, case_id, "arrest_date=2024-03-07")
    assert result.returncode == 1 and "nothing to change" in result.stderr.decode()


@pytest.mark.parametrize("fact, message", [
    ("arrested=2024-03", "unknown fact 'arrested'"),
    ("arrest_date", "--fact takes KEY=VALUE"),
    ("arrest_date=2024", "needs at least a year and month"),
    ("arrest_date=2024-02-30", "is not a real date"),
    ("detention_kind=hotel", "is not one of the schema's codes"),
    ("charges=none_known,cult", "says no charge is known and names a charge"),
    ("charges=treason", "is not one of the schema's codes"),
    ("government_replied=maybe", "is not one of the schema's codes"),
    ("earlier_sg_report_year=23", "is not a year"),
    ("arrest_place=" + "x" * 301, "is longer than 300 characters"),
    ("charges_wording=a\x07b", "contains control characters"),
    ("family_contact=maybe", "is not one of the schema's codes"),
    ("affiliation=" + "x" * 301, "is longer than 300 characters"),
])
def test_a_bad_fact_is_refused_with_one_line_and_nothing_changes(desk, fact, message):
    _, env, case_id = desk
    result = _facts(env, case_id, "un_reference=CHN 4/2023", fact)  # the good one is not kept either
    err = result.stderr.decode()
    assert result.returncode == 1 and message in err and "Traceback" not in err
    assert "the keys are: arrest_date, arrest_place" in err or "takes" in err
    doc = _show(env, case_id)
    assert doc["case"]["staff_facts"] is None and not [h for h in doc["history"] if h["action"] == "fact"]


def test_a_fact_naming_someone_the_redaction_withholds_is_refused(tmp_path):
    # No consent to share the name with the UN: the victim's name is withheld, and the reporter's always is.
    case_id, env = case_from_form(tmp_path, {"victim_name": VICTIM, "consent_share_un": "ask_later",
                                             "reporter_name": "李小红"})
    for fact in ("arrest_place=outside Zhou Minghui's flat", "charges_wording=周明辉 charged with subversion",
                 "un_reference=letter about 李小红"):
        result = _facts(env, case_id, fact)
        err = result.stderr.decode()
        assert result.returncode == 1 and "whom this case's redaction withholds" in err, fact
        assert "周明辉" not in err and "Zhou" not in err and "李小红" not in err  # the name is not repeated
    assert _show(env, case_id)["case"]["staff_facts"] is None
    ok(_facts(env, case_id, "arrest_place=outside the flat"))  # without the name it is taken


def test_the_name_may_be_in_a_fact_when_consent_lets_it_go_to_the_un(desk):
    _, env, case_id = desk
    ok(_facts(env, case_id, "charges_wording=周明辉 charged with picking quarrels"))


def _export(root, env, case_id, profile) -> dict[str, str]:
    ok(intake("redact", case_id, "--profile", profile, "--accept-all", env=env))
    drafts = ("--per-mandate",) if profile == "un-sp" else ()  # the tests read the WGAD draft too
    ok(intake("export", case_id, "--profile", profile, *drafts, "--out", root / profile, env=env))
    return {k: v.decode() for k, v in files_in(root / profile).items()}


def test_exports_use_the_facts_attributed_and_give_both_when_the_form_answered_too(desk):
    root, env, case_id = desk
    ok(intake("triage", case_id, "--mandate", "+WGAD", "--mandate", "+SR-HRD", env=env))
    ok(_facts(env, case_id, "arrest_date=2024-03-04", "arrest_place=Chaoyang police station",
              "detention_place=Chengdu No. 1 detention centre", "detention_kind=detention_centre",
              "charges=picking_quarrels", "charges_wording=寻衅滋事罪", "government_replied=no",
              "earlier_sg_report_year=2023", "un_reference=CHN 4/2023"))
    un_sp = _export(root, env, case_id, "un-sp")
    wgad = next(v for k, v in un_sp.items() if k.endswith("/WGAD.md"))
    said = "according to the submitting organisation"
    for line in (f"- Date of arrest, or when the detention began: 2024-03-04 ({said})",
                 f"- Place of arrest: Chaoyang police station ({said})",
                 f"- Place(s) of detention: Chengdu No. 1 detention centre ({said})",
                 f"- Kind of place of detention: detention centre (kanshousuo, 看守所) ({said})",
                 f"- Charges: picking quarrels and provoking trouble (PRC Criminal Law, art. 293) ({said})",
                 f"- Charge as written or read out: 寻衅滋事罪 ({said})"):
        assert line in wgad, line
    assert "- Start of the incident: 2024-03-05" in wgad  # the form's incident date, beside the arrest date
    letter = next(v for k, v in un_sp.items() if k.endswith("/communication.md"))
    for line in (f"- Government reply to an earlier UN communication: no ({said})",
                 f"- In an earlier Secretary-General's report on reprisals: yes, the 2023 report ({said})",
                 f"- Reference of an earlier UN communication: CHN 4/2023 ({said})",
                 f"- Charges: picking quarrels and provoking trouble (PRC Criminal Law, art. 293) ({said})"):
        assert line in letter, line
    event = json.loads(next(v for k, v in un_sp.items() if k.endswith("/case.json")))["events"][0]
    assert event["submitting_organisation_facts"]["attribution"] == said
    assert event["submitting_organisation_facts"]["un_reference"] == "CHN 4/2023"
    assert event["arrest"]["date"] is None  # the source's answers and the organisation's stay apart
    (entry,) = json.loads(_export(root, env, case_id, "reprisals-report")["reprisals-report.json"])
    facts = entry["submitting_organisation_facts"]
    assert facts == {"attribution": said, "detention_kind": "detention_centre", "charges": ["picking_quarrels"],
                     "government_replied": "no", "earlier_sg_report_year": "2023", "un_reference": "CHN 4/2023"}
    assert "Chaoyang" not in json.dumps(entry, ensure_ascii=False)  # free-text facts stay out of the entry
    stats = _export(root, env, case_id, "stats")["stats.csv"].splitlines()
    row = dict(zip(stats[0].split(","), stats[1].split(",")))
    assert (row["charges"], row["detention_kind"], row["earlier_sg_report"]) == ("picking_quarrels", "detention_centre", "yes")


def test_a_fact_beside_a_different_answer_shows_both(tmp_path):
    case_id, env = case_from_form(tmp_path, {"arrest_date": "2024-03", "charges": ["subversion"]})
    ok(_facts(env, case_id, "arrest_date=2024-02-28", "charges=subversion"))
    text = ok(intake("show", case_id, env=env)).decode()
    assert "  arrest: arrested 2024-03\n" in text and "  charges: subversion of state power" in text  # the form's
    assert "arrest date: 2024-02-28   (the form: 2024-03)" in text  # and staff's, beside it
    wgad = next(v for k, v in _export(tmp_path, env, case_id, "un-sp").items() if k.endswith("/WGAD.md"))
    assert ("- Date of arrest, or when the detention began: 2024-03 (according to the source); 2024-02-28 "
            "(according to the submitting organisation)") in wgad
    assert "- Charges: subversion of state power, or inciting it (PRC Criminal Law, art. 105)\n" in wgad  # the same: once


def test_a_place_fact_is_redacted_like_the_answers(tmp_path):
    case_id, env = case_from_form(tmp_path, {"consent_share_un": "ask_later"})
    ok(_facts(env, case_id, "arrest_place=成都市第一看守所"))
    proposals = json.loads(ok(intake("redact", case_id, "--profile", "reprisals-report", "--format", "json", env=env)))
    assert [p for p in proposals["proposals"] if p["path"] == "staff_facts.arrest_place"]


def test_facts_satisfy_the_readiness_items_they_answer(desk):
    _, env, case_id = desk
    missing = _show(env, case_id)["case"]["missing"]["WGAD"]
    assert [m for m in missing if m.startswith("WGAD-4")] and [m for m in missing if m.startswith("WGAD-5")]
    ok(_facts(env, case_id, "charges=none_known", "detention_place=Chengdu No. 1 detention centre"))
    missing = _show(env, case_id)["case"]["missing"]["WGAD"]
    assert not [m for m in missing if m.startswith(("WGAD-4", "WGAD-5"))]


@pytest.mark.parametrize("stored", [{"arrested": "2024-03"}, {"arrest_date": "2024"}, {"charges": "cult"},
                                    {"charges": []}, {"detention_kind": ""}, ["arrest_date"]])
def test_damaged_stored_facts_make_the_case_damaged_not_a_crash(stored):
    from intake.desk.state import Damaged, load_case

    record = {"id": "c1", "sha256": "0" * 64, "imported": "2026-11-01T00:00:00Z", "report": {}, "facts": stored}
    loaded = load_case("c1", record)
    assert isinstance(loaded, Damaged) and "fact" in loaded.reason


def test_facts_go_on_the_report_not_on_a_follow_up(tmp_path):
    from intake_client import IntakeClient
    from staff_vault import new_vault

    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.follow_up(client.report(), "He was charged on 4 March.")
    ok(intake("import", client.data_dir / "submissions", env=env))
    rows = json.loads(ok(intake("list", "--format", "json", env=env)))
    (report, follow_up), = [(r["id"], r["follow_ups"][0]) for r in rows if r["follow_ups"]]
    result = _facts(env, follow_up, "charges=subversion")
    assert result.returncode == 1 and f"add the facts to the case it adds to ({report})" in result.stderr.decode()
    ok(_facts(env, report, "charges=subversion"))


def test_a_report_cannot_carry_facts_as_if_from_the_organisation():
    """Only the desk adds `staff_facts` (to the case document): a report.json holding them is refused."""
    from fuzz_seeds import report
    from intake.submission import SubmissionError
    from intake.submission.schema import validate_report

    with pytest.raises(SubmissionError, match="1 unknown"):
        validate_report(report() | {"attachments": [], "staff_facts": {"charges": ["cult"]}})


def test_a_fact_holding_a_withheld_contact_or_never_disclose_text_is_refused(tmp_path):
    # The reporter's contact and the answer they asked never to disclose are withheld from every export.
    case_id, env = case_from_form(tmp_path, {"contact_channel": "signal", "contact_details": "Signal +852 6123 4567",
                                             "never_disclose": "弟弟的工作单位"})
    for fact in ("ordering_authority=Signal +852 6123 4567", "ordering_authority=call +852-6123-4567",
                 "affiliation=弟弟的工作单位", "arrest_place=near 弟弟的工作单位", "un_reference=phone 13812345678"):
        result = _facts(env, case_id, fact)
        err = result.stderr.decode()
        assert result.returncode == 1 and "holds what this case's redaction withholds" in err, fact
        assert len(err.strip().splitlines()) == 1 and "6123" not in err and "工作单位" not in err and "1381" not in err
    assert _show(env, case_id)["case"]["staff_facts"] is None
    ok(_facts(env, case_id, "ordering_authority=the county public security bureau", "affiliation=a rights group"))
