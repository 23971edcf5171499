"""The staff desk end to end: import → list → show → triage, as staff run it on the command line."""

import json
import os
import shutil
import threading

import pytest

from cli_runner import clean_env
from cli_runner import intake as run_intake
from cli_runner import intake_process
from intake import age
from intake_client import IntakeClient


def intake(*args, env_extra=None, input=b"", process=False):
    """`intake ARGS` in-process, or as its own process where the test is about processes."""
    run = intake_process if process else run_intake
    return run(*args, input=input, env=clean_env(**(env_extra or {})))


@pytest.fixture(scope="module")
def keys(staff_key):
    return staff_key


@pytest.fixture(scope="module")
def usb(tmp_path_factory, keys):
    """A USB stick's worth of submissions from the real intake, with a follow-up."""
    identity, _ = keys
    client = IntakeClient(tmp_path_factory.mktemp("server"), [identity.recipient()])
    first = client.report(files=[("notice.pdf", b"%PDF-1.4 detention notice", "application/pdf")])
    client.report({"status": "free", "incidents-0-violations": ["PASSPORT_DENIAL"], "incidents-0-ongoing": None,
                   "incidents-0-start_date": "2023-02", "incidents-0-narrative": "Passport taken at the border."})
    client.follow_up(first, "He was moved to another prison.")
    stick = tmp_path_factory.mktemp("usb")
    for path in client.submissions():
        shutil.copy(path, stick / path.name)
    return stick, first


@pytest.fixture
def vault(tmp_path, keys, usb):
    _, key = keys
    stick, _ = usb
    folder = tmp_path / "vault"
    result = intake("import", "--vault", folder, "-i", key, stick)
    assert result.returncode == 0, result.stderr
    return folder


def files_of(folder) -> dict:
    """Every file of a vault (but its lock) and its bytes: to see that a command wrote nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "lock"}


def desk(vault, key, *args):
    return intake(*args, env_extra={"INTAKE_VAULT": str(vault), "INTAKE_IDENTITY": str(key)})


def rows(vault, key, *args) -> list[dict]:
    result = desk(vault, key, "list", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_import_list_show_triage_round_trip(vault, keys, usb):
    _, key = keys
    _, first_receipt = usb
    listed = rows(vault, key)
    assert len(listed) == 3
    for row in listed:
        assert {"id", "received", "status", "urgent", "urgency_reasons", "suggested_mandates", "mandates",
                "ready_for", "missing", "follow_up_of"} <= set(row)
        assert row["status"] == "new" and row["mandates"] == []
    detained = next(r for r in listed if "WGAD" in r["suggested_mandates"])
    follow_up = next(r for r in listed if r["follow_up_of"])
    assert follow_up["follow_up_of"] == detained["id"]
    assert detained["urgent"] is True  # detained and denied medical care
    assert listed[0]["urgent"]  # urgent cases come first

    shown = desk(vault, key, "show", detained["id"][:6])
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout.decode()
    assert "Taken from home at night by state security." in text
    assert "attachments/01-notice.pdf" in text and "sha256" in text
    assert f"follow-ups: {follow_up['id']}" in text

    triaged = desk(vault, key, "triage", detained["id"], "--status", "reviewing", "--mandate", "+WGAD", "--mandate", "+SR-HEALTH",
                   "--note", "Called the family.", "--reason", "first review")
    assert triaged.returncode == 0, triaged.stderr
    after = {r["id"]: r for r in rows(vault, key)}[detained["id"]]
    assert after["status"] == "reviewing" and after["mandates"] == ["WGAD", "SR-HEALTH"]
    doc = json.loads(desk(vault, key, "show", detained["id"], "--format", "json").stdout)
    assert doc["report"]["receipt"] == first_receipt
    actions = [(h["action"], h["reason"]) for h in doc["history"]]
    assert actions[0] == ("import", "") and ("triage", "first review") in actions
    assert doc["case"]["notes"][0]["text"] == "Called the family."
    assert doc["attachments"][0]["present"] is True


def test_list_filters(vault, keys):
    _, key = keys
    assert len(rows(vault, key, "--urgent")) >= 1
    assert all("WGAD" in r["suggested_mandates"] + r["mandates"] for r in rows(vault, key, "--mandate", "wgad"))
    assert rows(vault, key, "--status", "closed") == []
    table = desk(vault, key, "list").stdout.decode()
    assert table.splitlines()[0].split()[:3] == ["ID", "RECEIVED", "STATUS"]


def test_importing_again_skips_duplicates(vault, keys, usb):
    _, key = keys
    stick, _ = usb
    result = desk(vault, key, "import", stick)
    assert result.returncode == 0
    assert result.stdout.decode().count("duplicate") == 3
    assert len(rows(vault, key)) == 3


def test_tampered_and_foreign_files_are_quarantined_and_the_rest_imported(tmp_path, keys, usb):
    identity, key = keys
    stick, _ = usb
    mixed = tmp_path / "mixed"
    shutil.copytree(stick, mixed)
    victim = sorted(mixed.iterdir())[0]
    data = bytearray(victim.read_bytes())
    data[-40] ^= 1
    victim.write_bytes(bytes(data))
    other = IntakeClient(tmp_path / "other-org", [age.HybridIdentity.generate().recipient()])
    other.report()
    shutil.copy(other.submissions()[0], mixed / "foreign.age")
    (mixed / "notes.age").write_bytes(b"not an age file at all")
    result = intake("import", "--vault", tmp_path / "vault", "-i", key, "--format", "json", mixed)
    assert result.returncode == 1
    outcomes = {os.path.basename(o["source"]): o for o in json.loads(result.stdout)}
    assert outcomes[victim.name]["result"] == "quarantined" and "corrupted" in outcomes[victim.name]["reason"]
    assert outcomes["foreign.age"]["result"] == "quarantined" and "not encrypted to this vault" in outcomes["foreign.age"]["reason"]
    assert outcomes["notes.age"]["result"] == "quarantined"
    assert sum(o["result"] == "imported" for o in outcomes.values()) == 2
    assert "1 file(s) were not imported" not in result.stderr.decode()  # three were
    assert "3 file(s) were not imported" in result.stderr.decode()


def test_an_interrupted_import_is_finished_by_a_rerun(tmp_path, keys, usb):
    _, key = keys
    stick, _ = usb
    folder = tmp_path / "vault"
    first = sorted(stick.iterdir())[0]
    assert intake("import", "--vault", folder, "-i", key, first).returncode == 0
    # As if the next import died after copying a file but before saving the state.
    second = sorted(stick.iterdir())[1]
    from intake.desk.case_ids import case_id_for, file_digest

    shutil.copy(second, folder / "submissions" / f"{case_id_for(file_digest(second))}.age")
    result = intake("import", "--vault", folder, "-i", key, stick)
    assert result.returncode == 0, result.stderr
    assert len(rows(folder, key)) == 3
    assert len(list((folder / "submissions").iterdir())) == 3


@pytest.mark.parametrize("problem", ["missing vault", "no identity", "unknown case", "wrong identity", "damaged state"])
def test_bad_input_gets_one_line_and_changes_nothing(tmp_path, vault, keys, problem):
    _, key = keys
    first_case = rows(vault, key)[0]["id"]
    shard = vault / "index" / "0000.age"
    before = files_of(vault)
    other_key = tmp_path / "other.txt"
    other_key.write_text(age.identity_file_text([age.HybridIdentity.generate()]))
    if problem == "missing vault":
        result = intake("list", "--vault", tmp_path / "nowhere", "-i", key)
        expected = "intake: error: no vault at"
    elif problem == "no identity":
        result = intake("list", "--vault", vault)
        expected = "intake: error: no identity given"
    elif problem == "unknown case":
        result = desk(vault, key, "triage", "zzzzzz", "--status", "closed")
        expected = "intake: error: unknown case id zzzzzz"
    elif problem == "wrong identity":
        result = desk(vault, other_key, "triage", first_case, "--status", "closed")
        expected = "intake: error: this vault is not encrypted to your identity"
    else:
        damaged = bytearray(shard.read_bytes())
        damaged[-10] ^= 1
        shard.write_bytes(bytes(damaged))
        before = files_of(vault)
        result = desk(vault, key, "list")
        expected = "intake: error: the vault index (index/0000.age) is damaged"
        assert "intake vault rebuild-index" in result.stderr.decode()
    assert result.returncode == 1
    assert result.stderr.decode().startswith(expected), result.stderr
    assert files_of(vault) == before


def test_wrong_passphrase_for_a_protected_identity(tmp_path, vault, keys):
    identity, _ = keys
    protected = tmp_path / "staff.age"
    protected.write_bytes(age.protect(age.identity_file_text([identity]), "right passphrase", work_factor=10))
    (tmp_path / "wrong").write_text("wrong passphrase\n")
    (tmp_path / "right").write_text("right passphrase\n")
    bad = intake("list", "--vault", vault, "-i", protected, "--passphrase-file", tmp_path / "wrong")
    assert bad.returncode == 1 and bad.stderr.decode().startswith("intake: error: wrong passphrase for identity file")
    good = intake("list", "--vault", vault, "-i", protected, "--passphrase-file", tmp_path / "right", "--format", "json")
    assert good.returncode == 0 and len(json.loads(good.stdout)) == 3


def test_attachment_extraction_is_explicit_and_verified(tmp_path, vault, keys):
    _, key = keys
    case = next(r for r in rows(vault, key) if "WGAD" in r["suggested_mandates"])
    out = tmp_path / "notice.pdf"
    result = desk(vault, key, "attachment", case["id"], "1", "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == b"%PDF-1.4 detention notice"
    assert "now holds an original attachment in plaintext" in result.stderr.decode()
    again = desk(vault, key, "attachment", case["id"], "notice.pdf", "-o", out)
    assert again.returncode == 1 and "refusing to overwrite" in again.stderr.decode()


def test_concurrent_triage_loses_no_update(vault, keys):
    _, key = keys
    case = rows(vault, key)[0]["id"]
    results = []

    def add_notes(who):
        for n in range(4):
            # Separate processes, as two staff members' commands are: the vault lock is per process.
            results.append(intake("triage", case, "--note", f"{who} {n}", process=True,
                                  env_extra={"INTAKE_VAULT": str(vault), "INTAKE_IDENTITY": str(key)}))

    threads = [threading.Thread(target=add_notes, args=(who,)) for who in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    notes = [n["text"] for n in json.loads(desk(vault, key, "show", case, "--format", "json").stdout)["case"]["notes"]]
    assert sorted(notes) == sorted(f"{who} {n}" for who in ("alice", "bob") for n in range(4))


def test_no_plaintext_reaches_disk_during_staff_work(tmp_path, keys):
    """Canary: every staff command except explicit extraction leaves only ciphertext behind."""
    identity, key = keys
    canary = os.urandom(12).hex()
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report(marker=canary, files=[("evidence.txt", f"attachment {canary}".encode() * 5000, "text/plain")])
    folder, scratch = tmp_path / "vault", tmp_path / "tmpdir"
    scratch.mkdir()
    env = {"INTAKE_VAULT": str(folder), "INTAKE_IDENTITY": str(key), "TMPDIR": str(scratch)}
    # Real processes: Python reads TMPDIR once per process.
    assert intake("import", client.data_dir / "submissions", env_extra=env, process=True).returncode == 0
    case = json.loads(intake("list", "--format", "json", env_extra=env, process=True).stdout)[0]["id"]
    assert canary in intake("show", case, env_extra=env, process=True).stdout.decode()  # it is there, in memory
    assert intake("triage", case, "--status", "reviewing", "--note", "checked", env_extra=env, process=True).returncode == 0
    for root in (folder, scratch):
        for path in root.rglob("*"):
            if path.is_file():
                assert canary.encode() not in path.read_bytes(), f"plaintext found in {path.relative_to(tmp_path)}"


def test_list_reads_the_rules_results_stored_at_import(vault, keys):
    _, key = keys
    imported = files_of(vault)
    first = rows(vault, key)
    assert rows(vault, key) == first
    assert files_of(vault) == imported  # the rules ran at import: listing wrote nothing
