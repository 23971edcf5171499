"""Follow-ups reach the case they add to: reviewed with it, exported with it, never on their own.

A reporter sends a report, then, with the receipt code, what happened next (and a photo). Staff
have already reviewed the report; the follow-up brings new text, so the export waits until that
text is reviewed too, without undoing the decisions on the report. The export then carries the
update, redacted with the same register (the same "Person A (victim)"), and the photo cleaned.
"""

import io
import json
import os
import subprocess
import sys

import pytest
from PIL import Image

from intake import age
from intake_client import IntakeClient

VICTIM = "王全璋"
VICTIM_LATIN = "Wang Quanzhang"
LAWYER_PHONE = "13912345678"
DOCTOR_PHONE = "13698765432"
UPDATE = f"{VICTIM}昨天被转到临沂监狱。律师的电话{LAWYER_PHONE}一直被监听。"
SECOND_UPDATE = "The family was told to stop talking to foreigners."
QUOTING = "About my report {receipt}: "  # reporters quote their code; it must not leave


def intake(*args, env):
    return subprocess.run([sys.executable, "-m", "intake", *map(str, args)], capture_output=True, env=env, input=b"", timeout=120)


def jpeg_with_camera() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraOfTheFamily"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def files_in(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def redact(case, env, *extra, profile="un-sp"):
    result = intake("redact", case, "--profile", profile, "--format", "json", *extra, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["proposals"] if not extra else None


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A reviewed report, then two follow-ups (one sent with the first follow-up's receipt)."""
    root = tmp_path_factory.mktemp("follow-ups")
    identity = age.HybridIdentity.generate()
    (root / "staff.txt").write_text(age.identity_file_text([identity]))
    client = IntakeClient(root / "server", [identity.recipient()])
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(INTAKE_VAULT=str(root / "vault"), INTAKE_IDENTITY=str(root / "staff.txt"))

    receipt = client.report({"victim_name": VICTIM, "victim_name_other": VICTIM_LATIN,
                             "incidents-0-narrative": f"{VICTIM} was taken by state security in Beijing.",
                             "health": f"needs insulin; his doctor is on {DOCTOR_PHONE}"},
                            files=[("notice.pdf", b"%PDF-1.4 detention notice", "application/pdf")])
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    (case,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    assert intake("redact", case["id"], "--profile", "un-sp", "--accept-all", env=env).returncode == 0
    before = {p["id"]: p for p in redact(case["id"], env)}
    assert intake("export", case["id"], "--profile", "un-sp", "--out", root / "before", env=env).returncode == 0

    second_receipt = client.follow_up(receipt, UPDATE, files=[("prison.jpg", jpeg_with_camera(), "image/jpeg")])
    client.follow_up(second_receipt, QUOTING.format(receipt=receipt) + SECOND_UPDATE)
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    return root, env, case["id"], before, receipt


def test_a_new_follow_up_waits_for_review_and_keeps_the_decisions_on_the_report(desk):
    root, env, case, before, _ = desk
    blocked = intake("export", case, "--profile", "un-sp", "--out", root / "blocked", env=env)
    assert blocked.returncode == 1 and "have no decision yet" in blocked.stderr.decode()
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
    # Consent to share with the UN lets the un-sp profile keep the victim's name, in the update too;
    # where a profile withholds it, the update gets the report's pseudonym.
    assert not any(p["original"] == VICTIM for p in on_updates)
    withheld = redact(case, env, profile="reprisals-report")
    victim_label = next(p["replacement"] for p in withheld if p["path"] == "victim.name")
    assert victim_label == "Person A (victim)"
    assert any(p["path"] == "updates[0].message" and p["original"] == VICTIM and p["replacement"] == victim_label
               for p in withheld)


def test_the_export_carries_the_updates_redacted_and_their_attachments_cleaned(desk):
    root, env, case, _, receipt = desk
    redact(case, env, "--accept-all")
    out = root / "after"
    result = intake("export", case, "--profile", "un-sp", "--out", out, env=env)
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
