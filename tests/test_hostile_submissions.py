"""Hostile submissions: the strict reader refuses every attack in the corpus, and a batch of
them never stops the good files, breaks the vault or costs unbounded memory."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hostile_submissions import archive, attacks
from intake import age
from intake.desk.vault import Vault
from intake.submission import SubmissionError
from intake.submission.archive import read_archive
from intake_client import IntakeClient
from staff_vault import intake, new_vault

TESTS = Path(__file__).parent
EVIDENCE = b"%% evidence notes, not an image %%\n" * 40


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """A real submission of the web intake with one attachment: (report, {entry: bytes})."""
    root = tmp_path_factory.mktemp("real")
    identity = age.X25519Identity.generate()
    client = IntakeClient(root, [identity.recipient()])
    client.report(files=[("notes.txt", EVIDENCE, "text/plain")])
    with open(client.submissions()[0], "rb") as f:
        plain = age.decrypt([identity], f).read()
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        report = json.loads(z.read("report.json"))
        files = {a["entry"]: z.read(a["entry"]) for a in report["attachments"]}
    return report, files, plain


def _read_all(data: bytes):
    result = read_archive(io.BytesIO(data))
    for entry in result.attachments:
        result.copy_attachment(entry, io.BytesIO())
    return result


def test_the_real_submission_and_its_rebuilt_copy_pass(real):
    report, files, plain = real
    assert _read_all(plain).report == report
    assert _read_all(archive(report, files)).report == report  # so each attack differs by the attack only




def pytest_generate_tests(metafunc):
    if "attack" in metafunc.fixturenames:
        metafunc.parametrize("attack", _ATTACKS)


_ATTACKS = [
    "not a ZIP", "an empty ZIP", "a bad CRC in report.json", "a bad CRC in an attachment", "an unsupported compression method",
    "report.json deflated to 1.2 GB (a zip bomb)", "an attachment deflated to 1.5 GB", "the encryption flag",
    "deeply nested JSON", "a receipt that is a number", "60,000 entries", "the end record claims 60,000 entries",
    "incidents an object", "victim a list", "consent null", "attachments a string", "an attachment size that is text",
    "an attachment with no hash", "a 5 MB report.json", "an answer over 20,000 characters",
    "a control character in an answer", "a lone surrogate", "a duplicated JSON key", "NaN in JSON", "a byte order mark",
    "invalid UTF-8", "an unknown key", "true as a group size", "another schema", "a duplicate entry", "an unlisted entry",
    "a listed attachment missing", "a size unlike the listed one", "a SHA-256 unlike the file's", "a traversal entry name",
    "an absolute entry name", "a listed traversal name", "a symlink entry", "a directory entry", "overlapping entries",
    "an archive comment", "a stored size unequal to the size",
]


def test_the_corpus_is_the_list_tested(real):
    report, files, _ = real
    assert sorted(attacks(report, files)) == sorted(_ATTACKS)


def test_each_attack_is_refused_with_its_reason(real, attack):
    report, files, _ = real
    data, words = attacks(report, files)[attack]
    with pytest.raises(SubmissionError) as refusal:
        _read_all(data)
    assert words in str(refusal.value)
    # A refusal names rules, never content: nothing of the report's text is echoed.
    assert report["incidents"][0]["narrative"][:20] not in str(refusal.value)


def _peak_rss(tmp_path, env, *args) -> tuple[subprocess.CompletedProcess, int]:
    out = tmp_path / f"rss-{os.urandom(4).hex()}"
    result = subprocess.run([sys.executable, str(TESTS / "peak_rss.py"), str(out), *map(str, args)], capture_output=True,
                            env=env, input=b"", timeout=300)
    return result, int(out.read_text().split()[-1]) // 1024


@pytest.mark.slow
def test_a_batch_of_two_good_and_every_hostile_file_imports_the_good_ones(tmp_path, real):
    report, files, _ = real
    identity, env = new_vault(tmp_path)
    recipient = identity.recipient()
    stick = tmp_path / "stick"
    stick.mkdir()
    client = IntakeClient(tmp_path / "server", [recipient])
    client.report(files=[("photo-notes.txt", EVIDENCE, "text/plain")])
    client.report(marker="second")
    for number, path in enumerate(client.submissions()):
        path.rename(stick / f"good-{number}.age")
    hostile = attacks(report, files)
    for number, (_name, (data, _)) in enumerate(sorted(hostile.items())):
        (stick / f"hostile-{number:02d}.age").write_bytes(age.encrypt_bytes([recipient], data))

    result, rss = _peak_rss(tmp_path, env, "import", "--format", "json", stick)
    stderr = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in stderr, stderr
    outcomes = {Path(o["source"]).name: o for o in json.loads(result.stdout)}
    assert {n for n, o in outcomes.items() if o["result"] == "imported"} == {"good-0.age", "good-1.age"}
    quarantined = [o for o in outcomes.values() if o["result"] == "quarantined"]
    assert len(quarantined) == len(hostile) and all(o["reason"] and o["case"] for o in quarantined)
    assert f"2 imported, 0 already in the vault, {len(hostile)} quarantined" in stderr
    assert rss < 512, f"import peaked at {rss} MiB"

    peaks = {"import": rss}
    for command in (("list",), ("list", "--format", "json"), ("show", outcomes["good-0.age"]["case"]),
                    ("quarantine", "list", "--format", "json")):
        result, peaks[" ".join(command[:2])] = _peak_rss(tmp_path, env, *command)
        assert result.returncode == 0, result.stderr.decode()
    print(f"peak RSS (MiB) with {len(hostile)} hostile files: {peaks}")  # shown by pytest -s
    assert max(peaks.values()) < 512, peaks
    listed = json.loads(subprocess.run([sys.executable, "-m", "intake", "quarantine", "list", "--format", "json"],
                                       capture_output=True, env=env, check=True).stdout)
    assert len(listed) == len(hostile)
    vault = tmp_path / "vault"
    assert sorted(p.name for p in (vault / "quarantine").iterdir()) == sorted(f"{o['case']}.age" for o in quarantined)
    assert len(list((vault / "submissions").iterdir())) == 2

    # A second import of the same stick changes nothing: the good are duplicates, the bad stay one entry each.
    again = intake("import", "--format", "json", stick, env=env)
    assert sum(o["result"] == "duplicate" for o in json.loads(again.stdout)) == 2
    assert len(list((vault / "quarantine").iterdir())) == len(hostile)


def test_a_quarantined_foreign_file_is_released_with_the_right_identity(tmp_path):
    identity, env = new_vault(tmp_path)
    other = age.HybridIdentity.generate()
    (tmp_path / "other.txt").write_text(age.identity_file_text([other]))
    own, foreign = IntakeClient(tmp_path / "own", [identity.recipient()]), IntakeClient(tmp_path / "foreign", [other.recipient()])
    own.report()
    foreign.report()
    stick = tmp_path / "stick"
    stick.mkdir()
    own.submissions()[0].rename(stick / "own.age")
    foreign.submissions()[0].rename(stick / "foreign.age")
    result = intake("import", "--format", "json", stick, env=env)
    (entry,) = [o for o in json.loads(result.stdout) if o["result"] == "quarantined"]
    assert "not encrypted to this vault" in entry["reason"]

    still = intake("quarantine", "release", entry["case"], env=env)
    assert still.returncode == 1 and b"still does not pass" in still.stderr
    assert (tmp_path / "vault" / "quarantine" / f"{entry['case']}.age").exists()

    released = intake("quarantine", "release", entry["case"], "-i", tmp_path / "staff.txt", "-i", tmp_path / "other.txt", env=env)
    assert released.returncode == 0, released.stderr
    assert not (tmp_path / "vault" / "quarantine" / f"{entry['case']}.age").exists()
    listed = json.loads(intake("list", "--format", "json", env=env).stdout)
    assert len(listed) == 2
    history = json.loads(intake("quarantine", "list", "--format", "json", env=env).stdout)
    assert history == []


def test_deleting_a_quarantined_file_needs_confirmation_and_is_audited(tmp_path):
    identity, env = new_vault(tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "junk.age").write_bytes(b"junk that is not age")
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report()
    client.submissions()[0].rename(stick / "good.age")
    (entry,) = [o for o in json.loads(intake("import", "--format", "json", stick, env=env).stdout) if o["result"] == "quarantined"]
    refused = intake("quarantine", "delete", entry["case"], "--reason", "junk", env=env)
    assert refused.returncode == 1 and b"without confirmation" in refused.stderr
    path = tmp_path / "vault" / "quarantine" / f"{entry['case']}.age"
    assert path.exists()
    assert intake("quarantine", "delete", entry["case"], "--reason", "junk", "--yes", env=env).returncode == 0
    assert not path.exists()
    assert json.loads(intake("quarantine", "list", "--format", "json", env=env).stdout) == []


def _vault_with_a_damaged_case(tmp_path):
    """A vault as an older desk could have left it: one case whose cached report has wrong types."""
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report(marker="first")
    client.report(marker="second")
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    vault = Vault(tmp_path / "vault")
    with vault.changing_state([identity]) as state:
        damaged_id = sorted(state.cases)[0]
        case = state.cases[damaged_id]
        case.report = dict(case.report, incidents={"0": "x"}, victim=["a list"], consent=None)
        case.checked = ""  # as an older desk stored it: never passed by this reader
    good_id = sorted(state.cases)[1]
    return identity, env, damaged_id, good_id


def test_one_damaged_case_never_breaks_the_vault_and_can_be_removed(tmp_path):
    identity, env, damaged_id, good_id = _vault_with_a_damaged_case(tmp_path)
    listed = intake("list", "--format", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert rows[damaged_id]["status"] == "damaged" and "report.victim is not an object" in rows[damaged_id]["damaged"]
    assert rows[good_id]["damaged"] is None
    assert b"1 case(s) are damaged" in listed.stderr
    table = intake("list", env=env)
    assert table.returncode == 0 and damaged_id.encode() in table.stdout
    assert intake("show", good_id, env=env).returncode == 0
    for command in (("show", damaged_id), ("triage", damaged_id, "--status", "reviewing"),
                    ("export", damaged_id, "--profile", "stats", "--out", tmp_path / "out"), ("attachment", damaged_id, "1", "-o", tmp_path / "a")):
        refused = intake(*command, env=env)
        assert refused.returncode == 1 and b"is damaged and cannot be used" in refused.stderr and b"Traceback" not in refused.stderr
    # Another command's write keeps the damaged case as it was: nothing is lost by accident.
    assert intake("triage", good_id, "--status", "reviewing", env=env).returncode == 0
    assert damaged_id.encode() in intake("list", env=env).stdout

    assert intake("remove", damaged_id, "--reason", "damaged by an old import", env=env).returncode == 1  # no --yes, no terminal
    removed = intake("remove", damaged_id, "--reason", "damaged by an old import", "--yes", env=env)
    assert removed.returncode == 0, removed.stderr
    assert [r["id"] for r in json.loads(intake("list", "--format", "json", env=env).stdout)] == [good_id]
    assert not (tmp_path / "vault" / "submissions" / f"{damaged_id}.age").exists()
    (entry,) = json.loads(intake("quarantine", "list", "--format", "json", env=env).stdout)
    assert entry["reason"] == "removed by staff: damaged by an old import"
    with Vault(tmp_path / "vault").reading_state([identity]) as state:
        assert [e["action"] for e in state.history(damaged_id)][-1] == "remove"


def test_removing_an_unreadable_case_keeps_its_case_file_in_the_quarantine(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report()
    client.report()
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    broken_id, good_id = sorted(r["id"] for r in json.loads(intake("list", "--format", "json", env=env).stdout))
    (case_file,) = (tmp_path / "vault" / "cases").glob(f"*/{broken_id}.age")
    damaged = bytearray(case_file.read_bytes())
    damaged[-5] ^= 1  # its last chunk no longer authenticates
    case_file.write_bytes(bytes(damaged))
    shown = intake("show", broken_id, env=env)
    assert shown.returncode == 1 and b"is damaged" in shown.stderr and b"Traceback" not in shown.stderr
    assert intake("vault", "rebuild-index", env=env).returncode == 0  # the index learns it too
    rows = {r["id"]: r for r in json.loads(intake("list", "--format", "json", env=env).stdout)}
    assert rows[broken_id]["status"] == "damaged" and rows[good_id]["damaged"] is None

    removed = intake("remove", broken_id, "--reason", "case file damaged on disk", "--yes", env=env)
    assert removed.returncode == 0, removed.stderr
    assert not case_file.exists()
    (entry,) = json.loads(intake("quarantine", "list", "--format", "json", env=env).stdout)
    kept = tmp_path / "vault" / "quarantine" / entry["case_file"]
    assert kept.read_bytes() == bytes(damaged)  # the ciphertext as it was, for a later recovery
    assert intake("quarantine", "delete", entry["id"], "--reason", "no backup holds it", "--yes", env=env).returncode == 0
    assert not kept.exists() and not (tmp_path / "vault" / "quarantine" / f"{entry['id']}.age").exists()


def test_a_removed_case_stays_removed_on_reimport_and_comes_back_with_its_decisions_on_release(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report()
    stick = client.data_dir / "submissions"
    assert intake("import", stick, env=env).returncode == 0
    (case,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    assert intake("triage", case["id"], "--status", "reviewing", "--note", "called the lawyer", env=env).returncode == 0
    assert intake("remove", case["id"], "--reason", "imported twice by mistake", "--yes", env=env).returncode == 0

    again = json.loads(intake("import", "--format", "json", stick, env=env).stdout)
    assert [o["result"] for o in again] == ["duplicate"] and "removed by staff" in again[0]["reason"]
    assert json.loads(intake("list", "--format", "json", env=env).stdout) == []

    assert intake("quarantine", "release", case["id"], env=env).returncode == 0
    shown = json.loads(intake("show", case["id"], "--format", "json", env=env).stdout)
    assert shown["case"]["status"] == "reviewing" and shown["case"]["notes"][0]["text"] == "called the lawyer"
    assert not (tmp_path / "vault" / "quarantine" / f"{case['id']}.age").exists()
