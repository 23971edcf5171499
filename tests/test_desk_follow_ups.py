"""Follow-ups reach the case they add to: reviewed with it, exported with it, never on their own.

A reporter sends a report, then, with the receipt code, what happened next (and a photo). Staff
have already reviewed the report; the follow-up brings new text, so the export waits until that
text is reviewed too, without undoing the decisions on the report. The export then carries the
update, redacted with the same register (the same "Person A (victim)"), and the photo cleaned.
"""

import io
import json
import time

import pytest
from PIL import Image

from intake_client import IntakeClient
from staff_vault import files_in, intake, new_vault

VICTIM = "王全璋"
VICTIM_LATIN = "Wang Quanzhang"
LAWYER_PHONE = "13912345678"
DOCTOR_PHONE = "13698765432"
UPDATE = f"{VICTIM}昨天被转到临沂监狱。律师的电话{LAWYER_PHONE}一直被监听。"
SECOND_UPDATE = "The family was told to stop talking to foreigners."
QUOTING = "About my report {receipt}: "  # reporters quote their code; it must not leave


def jpeg_with_camera() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraOfTheFamily"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def redact(case, env, *extra, profile="un-sp"):
    result = intake("redact", case, "--profile", profile, "--format", "json", *extra, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["proposals"] if not extra else None


def read_updates(case, env) -> list[str]:
    """What staff do after reading every follow-up in the preview: record each by its id."""
    preview = json.loads(intake("redact", case, "--format", "json", env=env).stdout)
    ids = [u["case"] for u in preview["updates"] if not u["read"]]
    result = intake("redact", case, *[a for i in ids for a in ("--read", i)], env=env)
    assert result.returncode == 0, result.stderr
    return ids


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A reviewed report, then two follow-ups (one sent with the first follow-up's receipt)."""
    root = tmp_path_factory.mktemp("follow-ups")
    identity, env = new_vault(root)
    client = IntakeClient(root / "server", [identity.recipient()])

    receipt = client.report({"victim_name": VICTIM, "victim_name_other": VICTIM_LATIN,
                             "incidents-0-narrative": f"{VICTIM} was taken by state security in Beijing.",
                             "health": f"needs insulin; his doctor is on {DOCTOR_PHONE}"},
                            files=[("notice.pdf", b"%PDF-1.4 detention notice", "application/pdf")])
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    (case,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    assert intake("redact", case["id"], "--profile", "un-sp", "--accept-all", env=env).returncode == 0
    before = {p["id"]: p for p in redact(case["id"], env)}
    assert intake("export", case["id"], "--profile", "un-sp", "--per-mandate", "--out", root / "before", env=env).returncode == 0

    # A follow-up gives no code of its own: the reporter quotes the first report's code again.
    client.follow_up(receipt, UPDATE, files=[("prison.jpg", jpeg_with_camera(), "image/jpeg")])
    time.sleep(1.05)  # updates are ordered by their time of receipt, to the second
    client.follow_up(receipt, QUOTING.format(receipt=receipt) + SECOND_UPDATE)
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    return root, env, case["id"], before, receipt


def test_a_new_follow_up_waits_for_review_and_keeps_the_decisions_on_the_report(desk):
    root, env, case, before, _ = desk
    blocked = intake("export", case, "--profile", "un-sp", "--out", root / "blocked", env=env)
    assert blocked.returncode == 1 and "follow-ups not yet read for un-sp" in blocked.stderr.decode()
    assert not (root / "blocked").exists()

    proposals = redact(case, env)
    on_report = {p["id"]: p for p in proposals if not p["path"].startswith("updates")}
    on_updates = [p for p in proposals if p["path"].startswith("updates")]
    assert on_report.keys() == before.keys(), "a follow-up changed the report's proposals (and undid decisions)"
    assert all(p["decision"] == "accept" for p in on_report.values())
    assert {p["path"] for p in on_updates} == {"updates[0].message", "updates[1].message"}
    assert all(p["decision"] == "unreviewed" for p in on_updates)
    assert any(p["original"] == LAWYER_PHONE and p["kind"] == "phone" for p in on_updates)
    assert any(p["path"] == "updates[1].message" and p["kind"] == "receipt" for p in on_updates)
    # Consent to share with the UN lets the un-sp profile keep the victim's name, in the update too.
    assert not any(p["original"] == VICTIM for p in on_updates)


def test_where_the_name_is_withheld_an_update_gets_the_reports_pseudonym():
    from intake.desk.redaction import RedactionError, propose, seed_register

    report = {"kind": "report", "victim": {"name": VICTIM, "name_other_spellings": VICTIM_LATIN},
              "incidents": [{"narrative": f"{VICTIM_LATIN} was taken."}], "consent": {"share_with_un": "no"}}
    document = {**report, "updates": [{"received": "2026-11", "message": UPDATE}]}
    with pytest.raises(RedactionError, match="stable name"):  # ids by position could move decisions
        propose(document, seed_register(report), "un-sp")
    proposals = propose(document, seed_register(report), "un-sp", path_keys={"updates[0]": "updates[f1]"})
    label = {p.path: p.replacement for p in proposals if p.original in (VICTIM, VICTIM_LATIN)}
    assert label["victim.name"] == label["incidents[0].narrative"] == label["updates[0].message"] == "Person A (victim)"


def test_the_export_carries_the_updates_redacted_and_their_attachments_cleaned(desk):
    root, env, case, _, receipt = desk
    redact(case, env, "--accept-all")
    assert len(read_updates(case, env)) == 2
    out = root / "after"
    result = intake("export", case, "--profile", "un-sp", "--per-mandate", "--out", out, env=env)
    assert result.returncode == 0, result.stderr
    files = files_in(out)
    blob = b"\n".join(files.values())
    for secret in (LAWYER_PHONE, DOCTOR_PHONE, "CameraOfTheFamily", receipt):
        assert secret.encode() not in blob, f"{secret!r} leaked into the export"

    draft = files["CASE-001/WGAD.md"].decode()
    later = draft[draft.index("Later information from the source"):draft.index("## Checklist")]
    assert f"{VICTIM}昨天被转到临沂监狱" in later and SECOND_UPDATE in later  # the name: consent to share with the UN
    assert QUOTING.format(receipt="[receipt code withheld]") + SECOND_UPDATE in later
    assert "Phone 2" in later and "Phone 1" in draft[:draft.index("Later information")]  # the report's come first
    assert later.index("Update 1") < later.index("临沂监狱") < later.index("Update 2") < later.index(SECOND_UPDATE)
    assert "- Evidence: 2 attachment(s) with the report and its updates" in files["CASE-001/SR-TORTURE.md"].decode()

    document = json.loads(files["CASE-001/case.json"])
    updates = document["updates"]
    assert [u["id"] for u in updates] == ["U1", "U2"]
    assert [u["received_month"] for u in updates] == follow_up_months(env)
    assert [u["attachments"] for u in updates] == [1, 0]
    assert "临沂监狱" in updates[0]["description"] and updates[1]["description"].endswith(SECOND_UPDATE)
    assert all(u["confidentiality"] == "confidential" for u in updates)

    records = json.loads(files["manifest.json"])["cases"][0]["attachments"]
    assert [(r["number"], r["from"]) for r in records] == [(1, "report"), (2, "update 1")]
    photo = files[records[1]["file"]]
    assert not Image.open(io.BytesIO(photo)).getexif()


def test_the_report_part_of_the_export_is_unchanged_by_follow_ups(desk):
    root, _, _, _, _ = desk
    before, after = files_in(root / "before"), files_in(root / "after")
    old, new = before["CASE-001/WGAD.md"].decode(), after["CASE-001/WGAD.md"].decode()
    assert "Later information" not in old
    assert new[:new.index("## 7. Later information")] + new[new.index("## Checklist"):] == old
    assert json.loads(before["CASE-001/case.json"])["updates"] == []
    (first,) = json.loads(before["manifest.json"])["cases"][0]["attachments"]
    assert json.loads(after["manifest.json"])["cases"][0]["attachments"][0] == first


def test_a_follow_up_is_never_exported_on_its_own(desk):
    root, env, case, _, _ = desk
    listed = json.loads(intake("list", "--format", "json", env=env).stdout)
    follow_ups = [row["id"] for row in listed if row["follow_up_of"]]
    assert len(follow_ups) == 2
    result = intake("export", follow_ups[0], "--profile", "un-sp", "--out", root / "alone", env=env)
    assert result.returncode == 1 and "is a follow-up; export the case it adds to" in result.stderr.decode()
    assert not (root / "alone").exists()


def follow_up_months(env) -> list[str]:
    """The month each follow-up arrived, as the desk lists it, oldest first."""
    listed = json.loads(intake("list", "--format", "json", env=env).stdout)
    return sorted(row["received"][:7] for row in listed if row["follow_up_of"])


# --- Each on its own vault ---------------------------------------------------------------------

def reported(tmp_path):
    """A vault, and a web intake that has taken one report: (client, env, receipt)."""
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    return client, env, client.report()


def first_case(env) -> str:
    return next(row["id"] for row in json.loads(intake("list", "--format", "json", env=env).stdout) if not row["follow_up_of"])


def test_a_follow_up_nobody_has_read_does_not_leave_even_without_proposals(tmp_path):
    client, env, receipt = reported(tmp_path)
    unseen = "我是他妻子，附上他在看守所的照片。"  # names nobody registered: no detector fires
    client.follow_up(receipt, unseen, files=[("p.jpg", jpeg_with_camera(), "image/jpeg")])
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    case = first_case(env)
    preview = json.loads(intake("redact", case, "--format", "json", env=env).stdout)
    assert not [p for p in preview["proposals"] if p["path"].startswith("updates")]
    (update,) = preview["updates"]
    assert update["read"] is False
    # Decisions on every proposal are not enough: the follow-up itself must be read.
    proposal_ids = [p["id"] for p in preview["proposals"]]
    assert intake("redact", case, *[a for pid in proposal_ids for a in ("--accept", pid)], env=env).returncode == 0
    blocked = intake("export", case, "--profile", "un-sp", "--out", tmp_path / "blocked", env=env)
    assert blocked.returncode == 1 and "follow-ups not yet read for un-sp" in blocked.stderr.decode()
    assert not (tmp_path / "blocked").exists()
    # --force withholds more, never less: the unread follow-up and its photo stay behind.
    forced = intake("export", case, "--profile", "un-sp", "--force", "--out", tmp_path / "forced", env=env)
    assert forced.returncode == 0 and "left out: not yet read" in forced.stderr.decode()
    files = files_in(tmp_path / "forced")
    assert unseen.encode() not in b"\n".join(files.values())
    assert [a["from"] for a in json.loads(files["manifest.json"])["cases"][0]["attachments"]] == []
    # The preview shows the whole text; --accept-all decides proposals but reads nothing.
    shown = intake("redact", case, env=env).stdout.decode()
    assert unseen in shown and f"NOT READ: when you have read it, --read {update['case']}" in shown
    assert intake("redact", case, "--accept-all", env=env).returncode == 0
    assert intake("export", case, "--profile", "un-sp", "--out", tmp_path / "still", env=env).returncode == 1
    # A follow-up is reviewed with its case, not on its own.
    alone = intake("redact", update["case"], "--read", update["case"], env=env)
    assert alone.returncode == 1 and f"review it with the case it adds to ({case})" in alone.stderr.decode()
    # Once read, it goes out, and the audit log of the follow-up says where.
    assert read_updates(case, env) == [update["case"]]
    assert intake("export", case, "--profile", "un-sp", "--out", tmp_path / "read", env=env).returncode == 0
    assert unseen.encode() in b"\n".join(files_in(tmp_path / "read").values())
    shown = json.loads(intake("show", update["case"], "--format", "json", env=env).stdout)
    assert any(h["action"] == "export" and "un-sp CASE-001 update 1" in json.dumps(h, ensure_ascii=False)
               for h in shown["history"])


def test_a_full_report_quoting_an_earlier_receipt_keeps_its_own_consent(tmp_path):
    client, env, receipt = reported(tmp_path)
    client.report({"follow_up_of": receipt, "consent_share_un": "no", "incidents-0-narrative": "Do not send this to the UN."},
                  files=[("brother.jpg", jpeg_with_camera(), "image/jpeg")])
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    case = first_case(env)
    assert json.loads(intake("redact", case, "--format", "json", env=env).stdout)["updates"] == []
    assert intake("redact", case, "--accept-all", env=env).returncode == 0
    assert intake("export", case, "--profile", "un-sp", "--out", tmp_path / "out", env=env).returncode == 0
    files = files_in(tmp_path / "out")
    assert b"Do not send this" not in b"\n".join(files.values())
    assert json.loads(files["manifest.json"])["cases"][0]["attachments"] == []  # the photo was the other report's


def test_a_late_follow_up_never_inherits_a_decision_made_on_other_words(tmp_path):
    """An earlier follow-up imported later renumbers the updates; a "keep it" decision on one
    phone number must not pass to another number that now sits at the same place."""
    identity, env = new_vault(tmp_path)
    first_stick = IntakeClient(tmp_path / "server-a", [identity.recipient()])
    later_stick = IntakeClient(tmp_path / "server-b", [identity.recipient()])
    receipt = first_stick.report()
    private, office = "13698765432", "13812345678"
    later_stick.follow_up(receipt, f"Call {private} (mine, private).")
    time.sleep(1.1)  # received a second later, but imported first
    first_stick.follow_up(receipt, f"Call {office} (police station).")
    assert intake("import", first_stick.data_dir / "submissions", env=env).returncode == 0
    case = first_case(env)
    (public,) = [p for p in redact(case, env) if p["original"] == office]
    assert public["path"] == "updates[0].message"
    assert intake("redact", case, "--reject", public["id"], env=env).returncode == 0
    assert intake("redact", case, "--accept-all", env=env).returncode == 0
    read_updates(case, env)

    assert intake("import", later_stick.data_dir / "submissions", env=env).returncode == 0
    proposals = [p for p in redact(case, env) if p["path"].startswith("updates")]
    # The office number moved to updates[1] and is "Phone 2" now: a new proposal, to decide again.
    # The private number, now where the office number was, inherits nothing.
    assert {p["original"]: (p["path"], p["decision"]) for p in proposals} == {
        private: ("updates[0].message", "unreviewed"), office: ("updates[1].message", "unreviewed")}
    (public,) = [p for p in proposals if p["original"] == office]
    assert intake("redact", case, "--reject", public["id"], "--accept-all", env=env).returncode == 0
    assert intake("export", case, "--profile", "un-sp", "--out", tmp_path / "blocked", env=env).returncode == 1
    read_updates(case, env)
    assert intake("export", case, "--profile", "un-sp", "--out", tmp_path / "out", env=env).returncode == 0
    exported = b"\n".join(files_in(tmp_path / "out").values())
    assert private.encode() not in exported and office.encode() in exported


def test_exports_without_free_text_do_not_wait_for_follow_ups(tmp_path):
    client, env, receipt = reported(tmp_path)
    for profile in ("stats", "reprisals-report"):
        assert intake("redact", first_case_after_import(client, env), "--profile", profile, "--accept-all", env=env).returncode == 0
    client.follow_up(receipt, f"His phone {LAWYER_PHONE} is tapped.")
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    case = first_case(env)
    for profile in ("stats", "reprisals-report"):
        preview = json.loads(intake("redact", case, "--profile", profile, "--format", "json", env=env).stdout)
        assert preview["updates"] == [] and not [p for p in preview["proposals"] if p["path"].startswith("updates")]
        result = intake("export", case, "--profile", profile, "--out", tmp_path / profile, env=env)
        assert result.returncode == 0, result.stderr
        assert LAWYER_PHONE.encode() not in b"\n".join(files_in(tmp_path / profile).values())


def first_case_after_import(client, env) -> str:
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    return first_case(env)


def test_a_follow_up_imported_after_the_preview_is_never_marked_read_unseen(tmp_path):
    client, env, receipt = reported(tmp_path)
    client.follow_up(receipt, "He was moved.")
    case = first_case_after_import(client, env)
    (seen,) = json.loads(intake("redact", case, "--format", "json", env=env).stdout)["updates"]
    client.follow_up(receipt, "Written while staff read the first one.")  # imported before staff confirm
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    assert intake("redact", case, "--accept-all", "--read", seen["case"], env=env).returncode == 0
    result = intake("export", case, "--profile", "un-sp", "--out", tmp_path / "out", env=env)
    assert result.returncode == 1 and "follow-ups not yet read" in result.stderr.decode()
    assert seen["case"] not in result.stderr.decode()  # only the new one is waiting
    pending = json.loads(intake("redact", case, "--format", "json", env=env).stdout)["updates"]
    (new,) = [u["case"] for u in pending if not u["read"]]
    for wrong in (case, new[:6]):  # the case itself; a prefix, which could name what nobody saw
        refused = intake("redact", case, "--read", wrong, env=env)
        assert refused.returncode == 1 and "not the id of a follow-up" in refused.stderr.decode()


def test_text_that_could_hide_itself_on_a_terminal_is_shown_escaped(tmp_path):
    client, env, receipt = reported(tmp_path)
    client.follow_up(receipt, "before \u009b8mHIDDEN\u009b0m \u202eesrever after")
    case = first_case_after_import(client, env)
    for args in (["redact", case], ["redact", case, "--format", "json"], ["list"], ["list", "--format", "json"]):
        shown = intake(*args, env=env).stdout.decode()
        assert "\u009b" not in shown and "\u202e" not in shown
        assert "\\u009b8mHIDDEN" in shown or "HIDDEN" not in shown, args
    preview = json.loads(intake("redact", case, "--format", "json", env=env).stdout)
    assert preview["updates"][0]["message"] == "before \u009b8mHIDDEN\u009b0m \u202eesrever after"  # JSON keeps the text


def test_many_follow_ups_are_linked_in_several_commits_with_none_lost(tmp_path, monkeypatch):
    """After a large batch the links are committed a few at a time (memory stays flat): each
    follow-up still reaches its report, once."""
    from intake.desk import importer
    from intake.desk.sources import Candidate
    from intake.desk.vault import Vault

    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    receipts = [client.report(marker=f"report {n}") for n in range(3)]
    for n, receipt in enumerate(receipts):
        client.follow_up(receipt, f"update {n}")
    monkeypatch.setattr(importer, "LINKS_PER_COMMIT", 1)
    vault = Vault(tmp_path / "vault")
    vault.create([identity.recipient()])
    files = sorted((client.data_dir / "submissions").glob("*.age"))
    outcomes = importer.import_files(vault, [identity], [Candidate(f, f.name) for f in files])
    assert [o.result for o in outcomes] == ["imported"] * 6
    rows = json.loads(intake("list", "--format", "json", env=env).stdout)
    reports = [r for r in rows if not r["follow_up_of"]]
    assert len(reports) == 3 and all(len(r["follow_ups"]) == 1 for r in reports)
    assert sorted(r["follow_up_of"] for r in rows if r["follow_up_of"]) == sorted(r["id"] for r in reports)
    audit = [e for e in vault.store([identity]).audit() if e["action"] == "link"]
    assert len(audit) == 3
