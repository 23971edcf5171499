"""The consent record: stored encrypted and audited, shown beside the form's answers, stated in
the communication, and no export goes beyond its scope (refused, nothing written)."""

import json

import pytest

from intake_client import IntakeClient
from staff_vault import files_in, intake, new_vault, ok

VICTIM = "周明辉"


@pytest.fixture()
def desk(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report({"victim_name": VICTIM, "incidents-0-narrative": "Detained after meeting the Special Rapporteur.",
                   "consent_share_with_un": "yes", "consent_sg_report": "named"})
    ok(intake("import", client.data_dir / "submissions", env=env))
    (case,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    for profile in ("un-sp", "reprisals-report", "stats"):
        ok(intake("redact", case["id"], "--profile", profile, "--accept-all", env=env))
    return tmp_path, env, case["id"]


def _consent(env, case_id, *extra, scope="un-sp,reprisals-named", risks="yes", date="2026-11-02"):
    return intake("consent", case_id, "--given-by", "family", "--date", date, "--channel", "secure-message",
                  "--risks-explained", risks, "--scope", scope, *extra, env=env)


def _show(env, case_id) -> dict:
    return json.loads(ok(intake("show", case_id, "--format", "json", env=env)))


def test_the_record_is_shown_beside_the_form_answers_and_audited(desk):
    _, env, case_id = desk
    assert "consent record: none yet" in ok(intake("show", case_id, env=env)).decode()
    out = json.loads(ok(_consent(env, case_id, "--reconfirmed", "2026-12-01")))
    assert out["consent_record"]["scope"] == ["un-sp", "reprisals-named"]
    doc = _show(env, case_id)
    assert doc["case"]["consent_record"] == out["consent_record"]
    assert doc["case"]["consent_on_form"]["share_with_un"] == "yes"
    (entry,) = [h for h in doc["history"] if h["action"] == "consent"]
    assert entry["changes"]["consent_record"] == [None, out["consent_record"]] and entry["time"]
    text = ok(intake("show", case_id, env=env)).decode()
    assert "consent record: given by family on 2026-11-02 (secure-message)" in text and "reconfirmed 2026-12-01" in text


@pytest.mark.parametrize("args, message", [
    (dict(date="2999-01-01"), "in the future"), (dict(date="2 Nov"), "YYYY-MM-DD"),
    (dict(scope="un-sp,everything"), "comma-separated"), (dict(scope="none,un-sp"), "cannot be combined"),
    (dict(scope="reprisals-named,reprisals-anonymised"), "not both"), (dict(risks="no"), "not informed consent"),
    (dict(date="2026-11-02", extra=("--reconfirmed", "2026-10-01")), "before --date")])
def test_a_bad_record_is_refused_and_nothing_changes(desk, args, message):
    _, env, case_id = desk
    extra = args.pop("extra", ())
    result = _consent(env, case_id, *extra, **args)
    assert result.returncode == 1 and message in result.stderr.decode()
    assert _show(env, case_id)["case"]["consent_record"] is None


def test_an_export_beyond_the_recorded_scope_is_refused_and_nothing_is_written(desk):
    root, env, case_id = desk
    ok(_consent(env, case_id, scope="reprisals-anonymised"))
    refused = intake("export", case_id, "--profile", "un-sp", "--out", root / "un-sp", env=env)
    assert refused.returncode == 1 and "does not cover the special procedures" in refused.stderr.decode()
    named = intake("export", case_id, "--profile", "reprisals-report", "--out", root / "sg", env=env)
    assert named.returncode == 1 and "covers it anonymised only" in named.stderr.decode()
    assert not (root / "un-sp").exists() and not (root / "sg").exists()
    assert not [p for p in root.iterdir() if ".partial-" in p.name]
    ok(_consent(env, case_id, scope="none", risks="no"))
    assert intake("export", case_id, "--profile", "reprisals-report", "--out", root / "sg", env=env).returncode == 1
    ok(intake("export", case_id, "--profile", "stats", "--out", root / "stats", env=env))  # codes only: no consent needed


def test_the_communication_states_the_recorded_consent(desk):
    root, env, case_id = desk
    before = ok(intake("export", case_id, "--profile", "un-sp", "--out", root / "before", env=env))
    assert before
    letter = files_in(root / "before")["CASE-001/communication.md"].decode()
    assert "MISSING: a consent record confirmed with the person concerned" in letter
    ok(_consent(env, case_id))
    ok(intake("export", case_id, "--profile", "un-sp", "--out", root / "after", env=env))
    letter = files_in(root / "after")["CASE-001/communication.md"].decode()
    consent = letter.split("Consent\n", 1)[1].split("\n## ", 1)[0]
    assert "Informed consent was given by a family member of the person concerned on 2026-11-02" in consent
    assert "The risks of submitting this case were explained and understood." in consent
    assert "with the name, in the Secretary-General's report on reprisals" in consent
    assert "MISSING: a consent record" not in letter


@pytest.mark.parametrize("stored", [
    {"given_by": "victim"}, {"given_by": "Zhou", "date": "2026-11-02", "channel": "phone", "risks_explained": True,
                             "scope": ["un-sp"]},
    {"given_by": "victim", "date": "yesterday", "channel": "phone", "risks_explained": True, "scope": ["un-sp"]},
    {"given_by": "victim", "date": "2026-11-02", "channel": "phone", "risks_explained": "yes", "scope": "un-sp"},
    "un-sp"])
def test_a_damaged_stored_record_makes_the_case_damaged_not_a_crash(stored):
    from intake.desk.state import Damaged, load_case

    good = {"given_by": "victim", "date": "2026-11-02", "channel": "phone", "risks_explained": True, "scope": ["un-sp"]}
    record = {"id": "c1", "sha256": "0" * 64, "imported": "2026-11-01T00:00:00Z", "report": {}, "consent_record": stored}
    loaded = load_case("c1", record)
    assert isinstance(loaded, Damaged) and ("consent record" in loaded.reason or stored == "un-sp")
    from intake.desk.consent import check_record
    check_record(good)  # the shape record_consent writes passes
