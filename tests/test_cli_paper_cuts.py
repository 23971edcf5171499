"""Staff paper cuts (issue 14): a busy port, a missing USB folder, a weak passphrase, an import
that imports nothing, the list's follow-ups and reason codes, the mandate codes, the demo tour."""

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_runner import clean_env
from cli_runner import intake as run_intake
from intake import age, collect
from intake.desk import index
from intake.desk.rules import MANDATES
from intake_client import IntakeClient
from staff_vault import intake, new_vault


def lines(result) -> list[str]:
    return result.stderr.decode().splitlines()


# --- demo and serve on a busy port (real processes) ---------------------------------------------

@pytest.fixture
def busy_port():
    """A loopback port something listens on, and the next free one after it."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        suggested = port + 1
        while True:  # what the command should find: the first port after it that is free
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", suggested))
                    break
                except OSError:
                    suggested += 1
        yield port, suggested


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_a_busy_port_is_refused_at_once_with_a_free_one_to_try(tmp_path, busy_port, command):
    port, suggested = busy_port
    started = time.monotonic()
    args = ["--dir", tmp_path / "demo"] if command == "demo" else ["--data-dir", tmp_path / "data"]
    result = subprocess.run([sys.executable, "-m", "intake", command, "--port", str(port), *map(str, args)],
                            capture_output=True, env=clean_env(), cwd=tmp_path, timeout=60)
    assert time.monotonic() - started < 5  # not gunicorn's seconds of retries
    assert result.returncode == 1
    assert lines(result) == [f"intake: error: port {port} is in use; try --port {suggested}"]
    assert result.stdout == b""
    assert not (tmp_path / "demo").exists()  # nothing made, no "Open http://…" banner


# --- collect to a folder that does not exist yet ------------------------------------------------

@pytest.fixture
def server(tmp_path, staff_key):
    identity, key = staff_key
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report()
    client.report()
    return client


def on_another_disk(monkeypatch, stick: Path) -> None:
    """Make `stick` (a folder of the test's disk) look like a mounted USB stick."""
    real = collect._file_system
    monkeypatch.setattr(collect, "_file_system", lambda path: -1 if Path(path) == stick else real(path))


def test_collect_creates_a_missing_destination_on_a_mounted_stick(tmp_path, server, monkeypatch):
    stick = tmp_path / "usb"
    stick.mkdir()
    on_another_disk(monkeypatch, stick)
    dest = stick / "batch-2026-11-26"
    result = run_intake("collect", dest, "--data-dir", server.data_dir, env=clean_env())
    assert result.returncode == 0, result.stderr
    assert lines(result) == [f"intake: {dest} does not exist; creating it (mode 0700)",
                             f"intake: moved 2 submission(s) to {dest}"]
    assert stat.S_IMODE(dest.stat().st_mode) == 0o700
    assert len(list(dest.glob("*.age"))) == 2 and server.submissions() == []


def test_collect_creates_only_the_last_folder(tmp_path, server, monkeypatch):
    stick = tmp_path / "usb"
    stick.mkdir()
    on_another_disk(monkeypatch, stick)
    typo = stick / "batches" / "2026-11-26"  # "batches" does not exist: a typo, or the wrong stick
    result = run_intake("collect", typo, "--data-dir", server.data_dir, env=clean_env())
    assert result.returncode == 1
    assert lines(result) == [
        f"intake: error: destination {typo} does not exist, nor does {stick / 'batches'} (is the USB stick mounted?)",
        "intake: hint: check the path; collect creates only the last folder of DEST"]
    assert not (stick / "batches").exists() and len(server.submissions()) == 2


def test_collect_never_creates_the_destination_on_the_servers_own_disk(tmp_path, server):
    unmounted = tmp_path / "media-usb"  # an unmounted stick's mount point: a folder of the server's disk
    unmounted.mkdir()
    result = run_intake("collect", unmounted / "batch", "--data-dir", server.data_dir, env=clean_env())
    assert result.returncode == 1
    assert "would be on the server's own disk (is the USB stick mounted?)" in lines(result)[0]
    assert "mkdir -m 700" in lines(result)[1]
    assert list(unmounted.iterdir()) == [] and len(server.submissions()) == 2


# --- keygen refuses a weak passphrase ------------------------------------------------------------

def keygen(tmp_path, passphrase: str, *extra):
    (tmp_path / "pass").write_text(passphrase + "\n")
    return run_intake("keygen", "--passphrase-file", tmp_path / "pass", "-o", tmp_path / "key.age", *extra, env=clean_env())


@pytest.mark.parametrize("weak", ["abc", "password1", "Tr0ub4dor&3", "correct horse", "qwertyuiop",
                                  "monkey monkey monkey monkey monkey monkey"])
def test_keygen_refuses_a_weak_passphrase_and_writes_nothing(tmp_path, weak):
    result = keygen(tmp_path, weak)
    assert result.returncode == 1
    error, hint = lines(result)
    assert error.startswith("intake: error: this passphrase is too easy to guess: someone who takes the key file could find it ")
    assert error.endswith("; nothing was written")
    assert hint == "intake: hint: use about 6 random words (docs/keys.md), or --weak-passphrase for a throwaway key"
    assert weak not in result.stderr.decode() and result.stdout == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pass"]


def test_keygen_accepts_random_words_and_a_weak_passphrase_only_when_told(tmp_path):
    strong = keygen(tmp_path, "ankle vivid oyster patrol mango fidget")
    assert strong.returncode == 0, strong.stderr
    assert strong.stdout.decode().startswith("age1pq1")
    (tmp_path / "key.age").unlink()
    weak = keygen(tmp_path, "abc", "--weak-passphrase")
    assert weak.returncode == 0, weak.stderr
    listed = run_intake("recipient", tmp_path / "key.age", "--passphrase-file", tmp_path / "pass", env=clean_env())
    assert listed.returncode == 0 and listed.stdout == weak.stdout


def test_weak_passphrase_makes_no_sense_without_a_passphrase(tmp_path):
    result = run_intake("keygen", "--unprotected", "--weak-passphrase", "-o", tmp_path / "k", env=clean_env())
    assert result.returncode == 2 and not (tmp_path / "k").exists()


# --- an import that imports nothing creates no vault --------------------------------------------

def test_an_import_of_an_empty_folder_creates_no_vault(tmp_path):
    _, env = new_vault(tmp_path)
    (tmp_path / "stick").mkdir()
    result = intake("import", tmp_path / "stick", env=env)
    assert result.returncode == 1
    assert lines(result) == [
        f"intake: nothing imported, 0 refused; no vault was created at {tmp_path / 'vault'}",
        f"intake: error: no submission files (*.age) found in {tmp_path / 'stick'}",
        "intake: hint: check the path (is the USB stick mounted?)"]
    assert not (tmp_path / "vault").exists()


def test_an_import_of_files_for_another_key_creates_no_vault_and_leaves_them(tmp_path):
    _, env = new_vault(tmp_path)
    other = IntakeClient(tmp_path / "server", [age.HybridIdentity.generate().recipient()])
    other.report()
    before = {p: p.read_bytes() for p in other.submissions()}
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "README.txt").write_text("staff notes\n")  # a folder made beforehand keeps its files
    result = intake("import", "--format", "json", other.data_dir / "submissions", env=env)
    assert result.returncode == 1
    (outcome,) = json.loads(result.stdout)
    assert outcome["result"] == "refused" and outcome["case"] is None and "not encrypted to this vault" in outcome["reason"]
    assert lines(result)[0] == f"intake: nothing imported, 1 refused; no vault was created at {tmp_path / 'vault'}"
    assert "the files are still where they were" in lines(result)[-1]
    assert sorted(p.name for p in (tmp_path / "vault").iterdir()) == ["README.txt"]
    assert {p: p.read_bytes() for p in other.submissions()} == before
    assert intake("list", env=env).returncode == 1  # still no vault


def test_an_import_into_an_existing_vault_keeps_it_when_nothing_is_new(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report()
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    again = intake("import", client.data_dir / "submissions", env=env)
    assert again.returncode == 0 and lines(again) == ["intake: 0 imported, 1 already in the vault, 0 quarantined"]
    assert (tmp_path / "vault" / "vault.json").exists()


# --- list: reason codes once, follow-ups on their report's row, "not linked" -------------------

def test_a_reason_code_is_listed_once():
    columns = {"id": "a" * 12, "received": "2026-11-26T00:00:00Z", "status": "new", "urgent": True,
               "urgency_reasons": ["U1: detained and denied medical care (incidents[0])",
                                   "U1: detained and denied medical care (incidents[1])", "U8: family members detained"],
               "suggested_mandates": [], "mandates": [], "ready_for": [], "summary": ""}
    assert index.table_cells(columns)[3] == "YES U1,U8"


def table(env, *args) -> list[list[str]]:
    result = intake("list", *args, env=env)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.decode().splitlines()
    starts = [m.start() for m in re.finditer(r"\S+(?: \S+)?", header)]  # "READY FOR": two words
    return [[row[a:b].strip() for a, b in zip(starts, starts[1:] + [None])] for row in [header, *rows]]


def column(rows, name: str) -> list[str]:
    return [row[rows[0].index(name)] for row in rows[1:]]


@pytest.fixture
def follow_ups(tmp_path):
    """A report, a follow-up, and a follow-up of that follow-up (sent with its receipt)."""
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    receipt = client.report()
    second = client.follow_up(receipt, "He was moved to another detention centre.")
    client.follow_up(second or receipt, "The family was told to stop talking to foreigners.")
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    rows = json.loads(intake("list", "--format", "json", env=env).stdout)
    (report,) = [r for r in rows if not r["follow_up_of"]]
    return env, report["id"], sorted(r["id"] for r in rows if r["follow_up_of"])


def test_follow_ups_are_folded_into_their_reports_row_with_what_is_unread(follow_ups):
    env, case, updates = follow_ups
    rows = table(env)
    assert column(rows, "ID") == [case]
    assert column(rows, "FOLLOW-UPS") == ["2 (2 unread)"]
    assert intake("redact", case, "--read", updates[0], env=env).returncode == 0
    assert column(table(env), "FOLLOW-UPS") == ["2 (1 unread)"]
    assert intake("redact", case, "--read", updates[1], env=env).returncode == 0
    assert column(table(env), "FOLLOW-UPS") == ["2"]
    assert column(table(env, "--status", "new"), "ID") == [case]  # no follow-up of its own, "new"


def test_the_json_list_keeps_every_case_and_show_says_what_is_unread(follow_ups):
    env, case, updates = follow_ups
    rows = {r["id"]: r for r in json.loads(intake("list", "--format", "json", env=env).stdout)}
    first = next(i for i in updates if rows[i]["follow_up_of"] == case)  # the other may add to it
    (later,) = set(updates) - {first}
    assert intake("redact", case, "--read", first, env=env).returncode == 0
    rows = {r["id"]: r for r in json.loads(intake("list", "--format", "json", env=env).stdout)}
    assert sorted(rows) == sorted([case, *updates])
    assert rows[case]["follow_up_count"] == 2 and rows[case]["unread_follow_ups"] == [later]
    assert all(rows[i]["follow_up_count"] == 0 and rows[i]["not_linked"] is False for i in updates)
    shown = intake("show", case, env=env).stdout.decode()
    assert f"{first} (unread)" not in shown and f"{later} (unread)" in shown or f"unread follow-ups of its follow-ups: {later}" in shown
    assert json.loads(intake("show", case, "--format", "json", env=env).stdout)["case"]["unread_follow_ups"] == [later]


def test_a_follow_up_whose_receipt_matches_no_case_is_marked_not_linked(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    receipt = client.report()
    (report_file,) = client.submissions()
    moved = tmp_path / "later"
    moved.mkdir()
    report_file.rename(moved / report_file.name)  # the report comes on a later stick
    client.follow_up(receipt, "An update to a report this vault does not have yet.")
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0

    (row,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    assert row["not_linked"] is True and row["follow_up_of"] is None
    rows = table(env)
    assert column(rows, "ID") == [row["id"]] and column(rows, "FOLLOW-UPS") == ["not linked"]
    shown = intake("show", row["id"], env=env)
    assert "  follow-up of: not linked (no case in the vault has the receipt it quotes" in shown.stdout.decode()
    assert json.loads(intake("show", row["id"], "--format", "json", env=env).stdout)["case"]["not_linked"] is True

    assert intake("import", moved, env=env).returncode == 0  # the report arrives: linked, and folded
    rows = table(env)
    assert column(rows, "FOLLOW-UPS") == ["1 (1 unread)"] and row["id"] not in column(rows, "ID")


# --- mandate codes --------------------------------------------------------------------------------

def test_mandates_lists_every_code_with_its_name():
    result = run_intake("mandates", env=clean_env())
    assert result.returncode == 0
    listed = [line.split(None, 1) for line in result.stdout.decode().splitlines()]
    assert [(code, name) for code, name in listed] == list(MANDATES.items())
    as_json = json.loads(run_intake("mandates", "--format", "json", env=clean_env()).stdout)
    assert as_json == [{"code": code, "name": name} for code, name in MANDATES.items()]


def test_a_wrong_mandate_code_in_triage_points_to_intake_mandates(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report()
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    (row,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    result = intake("triage", row["id"], "--mandate", "+WGADD", env=env)
    assert result.returncode == 1
    assert lines(result) == ["intake: error: invalid mandate change '+WGADD'",
                             "intake: hint: use +CODE or -CODE with a code from 'intake mandates'"]


# --- the five-minute tour of docs/staff.md, on what `intake demo` stores ----------------------------

def demo_banner(tmp_path) -> str:
    """Start `intake demo` (a real process), read its banner, stop it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "intake", "demo", "--port", str(port)], cwd=tmp_path,
                               env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    banner = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stderr.readline().decode()
            banner.append(line)
            if line.startswith("Open http://") or not line:
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        process.stderr.close()
    return "".join(banner)


def test_the_tour_runs_the_desk_on_the_demos_submissions(tmp_path):
    banner = demo_banner(tmp_path)
    assert "DEMO MODE" in banner and "Open http://" in banner, banner
    exports = re.search(r"export INTAKE_VAULT=(\S+) INTAKE_IDENTITY=(\S+)", banner)
    assert exports, banner
    vault, identity_file = Path(exports.group(1)), Path(exports.group(2))
    assert identity_file == (tmp_path / "demo" / "DEMO-identity-NOT-FOR-REAL-REPORTS.txt").resolve()
    assert vault == (tmp_path / "demo" / "vault").resolve()

    # What a reporter sends to the demo lands in demo/data/submissions, encrypted to its key.
    recipients = [line for line in (tmp_path / "demo" / "recipients.txt").read_text().splitlines() if line.startswith("age1")]
    client = IntakeClient(tmp_path / "demo", [age.parse_recipient(r) for r in recipients])
    receipt = client.report()
    client.follow_up(receipt, "An update, sent with the receipt code.")

    env = clean_env(INTAKE_VAULT=vault, INTAKE_IDENTITY=identity_file)  # the tour's `export` line
    imported = intake("import", tmp_path / "demo" / "data" / "submissions", env=env)
    assert imported.returncode == 0, imported.stderr
    rows = table(env)
    assert len(rows) == 2 and column(rows, "FOLLOW-UPS") == ["1 (1 unread)"]
    case = column(rows, "ID")[0]
    assert intake("show", case[:4], env=env).returncode == 0
    assert intake("triage", case[:4], "--status", "reviewing", "--mandate", "+WGAD", env=env).returncode == 0
