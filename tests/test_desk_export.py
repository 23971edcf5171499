"""Redaction review and export end to end: real submissions in, anonymised files out."""

import hashlib
import io
import json
import re
import tarfile

import pikepdf
import pytest
from PIL import Image
from stdnum.cn import ric

from intake import age
from intake_client import IntakeClient
from staff_vault import files_in, intake, new_vault

VICTIM = "伊力哈木·土赫提"
VICTIM_LATIN = "Ilham Tohti"
WIFE = "古再丽努尔"
PHONE = "13812345678"


def resident_id() -> str:
    body = "11010519491231002"
    return body + ric.calc_check_digit(body)


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (39.0, 54.0, 0.0), "E", (116.0, 23.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def pdf_with_author() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Secret Author Name"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    identity, env = new_vault(root)
    client = IntakeClient(root / "server", [identity.recipient()])
    narrative = (f"2024年3月，{VICTIM}（{VICTIM_LATIN}）在乌鲁木齐被国保带走。他的妻子{WIFE}的手机{PHONE}被监控，"
                 f"身份证号{resident_id()}被登记。")
    photo, paper = jpeg_with_gps(), pdf_with_author()
    client.report({"victim_name": VICTIM, "victim_name_other": VICTIM_LATIN, "incidents-0-narrative": narrative,
                   "incidents-0-province": "Xinjiang", "incidents-0-place": "乌鲁木齐", "consent_sg_report": "anonymised"},
                  files=[("gps.jpg", photo, "image/jpeg"), ("letter.pdf", paper, "application/pdf")])
    client.report({"consent_sg_report": "no", "incidents-0-narrative": "Passport taken at the airport."})
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    cases = json.loads(intake("list", "--format", "json", env=env).stdout)
    uyghur = next(c["id"] for c in cases if "Xinjiang" in c["summary"])
    other = next(c["id"] for c in cases if c["id"] != uyghur)
    return root, env, uyghur, other, photo, paper


def test_unreviewed_proposals_block_the_export(desk):
    root, env, uyghur, _, _, _ = desk
    result = intake("export", uyghur, "--profile", "reprisals-report", "--out", root / "blocked", env=env)
    assert result.returncode == 1 and "have no decision yet" in result.stderr.decode()
    assert not (root / "blocked").exists()


def test_reviewed_export_leaks_no_name_or_number_and_keeps_the_structure(desk):
    root, env, uyghur, other, _, _ = desk
    add = intake("redact", uyghur, "--profile", "reprisals-report", "--add", f"person:victim's wife:{WIFE}", env=env)
    assert add.returncode == 0, add.stderr
    preview = intake("redact", uyghur, "--profile", "reprisals-report", "--format", "json", env=env)
    proposals = json.loads(preview.stdout)["proposals"]
    assert {p["kind"] for p in proposals} >= {"person", "phone", "resident_id"}
    for case in (uyghur, other):
        assert intake("redact", case, "--profile", "reprisals-report", "--accept-all", env=env).returncode == 0
    out = root / "reprisals"
    result = intake("export", uyghur, other, "--profile", "reprisals-report", "--out", out, env=env)
    assert result.returncode == 0, result.stderr
    files = files_in(out)
    blob = b"\n".join(files.values()).decode()
    for secret in (VICTIM, "伊力哈木", "土赫提", VICTIM_LATIN, "Ilham Toxti", WIFE, PHONE, resident_id()):
        assert secret not in blob, f"{secret!r} leaked into the export"
    (entry,) = json.loads(files["reprisals-report.json"])  # consent "no": the other case is left out
    assert entry["consent_level"] == "anonymised"
    assert re.search(r"left out CASE-00[12]: consent to the Secretary-General's report is 'no'", result.stderr.decode())
    text = json.dumps(entry, ensure_ascii=False)
    assert "ARBITRARY_DETENTION" in text and "Xinjiang" in text and "2024-03" in text


def test_un_sp_export_cleans_attachments_and_leaves_originals(desk):
    root, env, uyghur, _, photo, paper = desk
    assert intake("redact", uyghur, "--profile", "un-sp", "--accept-all", env=env).returncode == 0
    out = root / "un-sp"
    result = intake("export", uyghur, "--profile", "un-sp", "--out", out, env=env)
    assert result.returncode == 0, result.stderr
    files = files_in(out)
    assert "CASE-001/communication.md" in files and "CASE-001/case.json" in files
    assert not [n for n in files if n.endswith(".md") and n != "CASE-001/communication.md"]  # drafts only when asked
    image_name = next(n for n in files if n.startswith("CASE-001/attachments/01"))
    cleaned = Image.open(io.BytesIO(files[image_name]))
    assert not cleaned.getexif() and b"SecretCameraMaker" not in files[image_name] and b"GPS" not in files[image_name]
    pdf_name = next(n for n in files if n.startswith("CASE-001/attachments/02"))
    assert b"Secret Author Name" not in files[pdf_name]
    with pikepdf.open(io.BytesIO(files[pdf_name])) as pdf:
        assert "/Author" not in pdf.docinfo
    manifest = json.loads(files["manifest.json"])
    originals = [a["original_sha256"] for a in manifest["cases"][0]["attachments"]]
    assert originals == [hashlib.sha256(photo).hexdigest(), hashlib.sha256(paper).hexdigest()]
    extracted = root / "original.jpg"
    assert intake("attachment", uyghur, "1", "-o", extracted, env=env).returncode == 0
    assert extracted.read_bytes() == photo  # the evidence in the vault is untouched


def test_exports_are_deterministic(desk):
    root, env, uyghur, other, _, _ = desk
    for case in (uyghur, other):
        intake("redact", case, "--profile", "stats", "--accept-all", env=env)
    runs = []
    for name in ("stats-a", "stats-b"):
        assert intake("export", uyghur, other, "--profile", "stats", "--out", root / name, env=env).returncode == 0
        runs.append(files_in(root / name))
    assert runs[0] == runs[1]
    rows = runs[0]["stats.csv"].decode().splitlines()
    assert len(rows) == 3 and "Passport taken" not in runs[0]["stats.csv"].decode()


def test_export_refuses_to_overwrite_and_can_encrypt_to_a_partner(desk):
    root, env, uyghur, _, _, _ = desk
    partner = age.HybridIdentity.generate()
    out = root / "for-partner"
    result = intake("export", uyghur, "--profile", "stats", "--to", partner.recipient(), "--out", out, env=env)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.iterdir()] == ["export.tar.age"]
    with open(out / "export.tar.age", "rb") as f:
        plaintext = age.decrypt([partner], f).read()
    with tarfile.open(fileobj=io.BytesIO(plaintext)) as tar:
        assert sorted(tar.getnames()) == ["export/manifest.json", "export/stats.csv"]
    again = intake("export", uyghur, "--profile", "stats", "--out", out, env=env)
    assert again.returncode == 1 and "refusing to overwrite" in again.stderr.decode()


def test_un_sp_export_writes_one_joint_communication_and_its_cover_message(desk):
    root, env, uyghur, _, _, _ = desk
    assert intake("redact", uyghur, "--profile", "un-sp", "--accept-all", env=env).returncode == 0
    org = root / "org.toml"
    org.write_text('name = "Example Rights Network"\nemail = "desk@example.org"\n', encoding="utf-8")
    out = root / "un-sp-letter"
    result = intake("export", uyghur, "--profile", "un-sp", "--per-mandate", "--org", org, "--out", out, env=env)
    assert result.returncode == 0, result.stderr
    files = files_in(out)
    letter, cover = files["CASE-001/communication.md"].decode(), files["CASE-001/cover-message.txt"].decode()
    assert letter.startswith("# Joint communication: CASE-001") and "Example Rights Network" in letter
    assert "MISSING: the organisation's postal address" in letter  # never invented
    assert cover.splitlines()[:2] == ["To: urgent-action@ohchr.org", "Cc: reprisals@ohchr.org"]  # SG report consented
    draft = files["CASE-001/WGAD.md"].decode()
    for secret in (VICTIM, VICTIM_LATIN, WIFE, PHONE, resident_id()):  # the letter names no more than the drafts
        assert (secret in letter) <= (secret in draft), f"{secret!r} is in the letter but not the drafts"
        assert secret not in cover, f"{secret!r} leaked into the cover message"
    for secret in (WIFE, PHONE, resident_id()):
        assert secret not in letter, f"{secret!r} leaked into the communication"
    hostile = root / "hostile.toml"
    hostile.write_bytes(b'name = "x"\npassword = "hunter2"\n')
    refused = intake("export", uyghur, "--profile", "un-sp", "--org", hostile, "--out", root / "never", env=env)
    assert refused.returncode == 1 and "unknown key" in refused.stderr.decode() and b"hunter2" not in refused.stderr
    assert not (root / "never").exists()
    drafts = sorted(n for n in files if n.endswith(".md") and n != "CASE-001/communication.md")
    # Asked for, beside the letter: here for the mandates suggested, which the letter lists for staff to confirm.
    assert drafts and all(n.split("/")[1][:-3] in letter[:letter.index("To:")] for n in drafts)
    elsewhere = intake("export", uyghur, "--profile", "stats", "--per-mandate", "--out", root / "never", env=env)
    assert elsewhere.returncode == 1 and "--per-mandate applies to the un-sp profile only" in elsewhere.stderr.decode()
    assert not (root / "never").exists()
