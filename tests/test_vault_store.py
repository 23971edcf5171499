"""Per-case storage (casestore.py): migration from earlier formats, crash repair, folders and shards.

The migration test starts from a first-format vault holding triage decisions, redaction
decisions, follow-ups, a quarantined file, a removed case and the audit log of all of it, and
checks that every field and every audit entry comes through; the crash tests stop a change after
its case files and after its index, and check that the next command finishes it exactly once.
"""

import json

import pytest

from intake import age
from intake.desk import casestore
from intake.desk.casestore import CaseStore
from intake.desk.state import VaultState
from intake.desk.vault import Vault
from intake_client import IntakeClient
from staff_vault import files_in, intake, new_vault
from vault_format_1 import downgrade


def ok(result):
    assert result.returncode == 0, result.stderr.decode()
    return result


def listing(env) -> list[dict]:
    return json.loads(ok(intake("list", "--format", "json", env=env)).stdout)


def shown(env, case_id) -> dict:
    return json.loads(ok(intake("show", case_id, "--format", "json", env=env)).stdout)


@pytest.fixture
def worked_vault(tmp_path):
    """A vault staff have worked in: every kind of record the desk keeps."""
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    receipt = client.report(marker="first report")
    client.report(marker="second report")
    client.report(marker="to be removed")
    client.follow_up(receipt, "They came back on Tuesday and took his passport.")
    (client.data_dir / "submissions" / "junk.age").write_bytes(b"not an age file at all")
    imported = intake("import", client.data_dir / "submissions", env=env)
    assert imported.returncode == 1  # the junk file is quarantined, the rest imported
    rows = listing(env)
    first = next(r for r in rows if r["follow_ups"])
    follow_up = first["follow_ups"][0]
    second, removed = [r["id"] for r in rows if r["id"] not in (first["id"], follow_up)][:2]
    ok(intake("triage", first["id"], "--status", "reviewing", "--mandate", "+WGAD", "--urgent", "yes",
              "--note", "spoke to the lawyer", "--link", second, "--reason", "same family", env=env))
    ok(intake("redact", first["id"], "--accept-all", "--read", follow_up, env=env))
    ok(intake("redact", second, "--profile", "stats", "--accept-all", env=env))
    ok(intake("triage", removed, "--status", "needs-info", "--note", "asked the source to confirm", env=env))
    ok(intake("remove", removed, "--reason", "duplicate sent by mistake", "--yes", env=env))
    return identity, env, tmp_path / "vault"


def test_a_first_format_vault_migrates_with_nothing_lost(worked_vault):
    identity, env, root = worked_vault
    before_list = listing(env)
    before_show = {r["id"]: shown(env, r["id"]) for r in before_list}
    store = Vault(root).store([identity])
    before_records = {i: store.get(i) for i in store.case_ids()}
    before_audit = list(store.audit())
    quarantine_before = json.loads(ok(intake("quarantine", "list", "--format", "json", env=env)).stdout)
    quarantine_history = {q["id"]: json.loads(ok(intake("quarantine", "show", q["id"], "--format", "json", env=env)).stdout)["history"]
                          for q in quarantine_before}
    old = downgrade(root, identity)
    assert len(old["cases"]) == 3 and len(old["quarantine"]) == 2 and old["audit"] == before_audit

    refused = intake("list", env=env)
    assert refused.returncode == 1 and b"intake vault migrate" in refused.stderr and b"Traceback" not in refused.stderr
    migrated = ok(intake("vault", "migrate", env=env))
    assert json.loads(migrated.stdout) == {"cases": 3, "damaged": 0, "audit_entries": len(before_audit), "quarantined": 2,
                                           "old_state": "state-1.age"}
    assert (root / "state-1.age").exists() and not (root / "state.age").exists()

    assert listing(env) == before_list
    assert {r["id"]: shown(env, r["id"]) for r in before_list} == before_show  # every answer, decision, note, history
    store = Vault(root).store([identity])
    for case_id, record in before_records.items():
        # A first-format case had no replies, consent record, translations or facts: the migrated one stores none (the empty default).
        expected = {k: v for k, v in record.items() if not (k in ("replies", "consent_record", "translations", "facts") and v == {})}
        assert store.get(case_id) == dict(expected, checked=store.get(case_id)["checked"])
    assert list(store.audit()) == before_audit
    assert json.loads(ok(intake("quarantine", "list", "--format", "json", env=env)).stdout) == quarantine_before
    for quarantine_id, history in quarantine_history.items():
        doc = json.loads(ok(intake("quarantine", "show", quarantine_id, "--format", "json", env=env)).stdout)
        assert doc["history"] == history
    # A case removed before the migration comes back on release with what staff had recorded.
    removed = next(q["id"] for q in quarantine_before if q["reason"].startswith("removed by staff"))
    ok(intake("quarantine", "release", removed, env=env))
    back = shown(env, removed)
    assert back["case"]["status"] == "needs-info" and [n["text"] for n in back["case"]["notes"]] == ["asked the source to confirm"]
    assert [e["action"] for e in back["history"]][:3] == ["import", "triage", "quarantine"]
    # And the migrated vault works: a change, then the same listing otherwise.
    ok(intake("triage", before_list[-1]["id"], "--status", "closed", env=env))
    assert {r["id"]: r["status"] for r in listing(env)}[before_list[-1]["id"]] == "closed"
    again = intake("vault", "migrate", env=env)
    assert again.returncode == 1 and b"already in the current format" in again.stderr


def test_an_interrupted_migration_leaves_the_first_format_and_can_be_run_again(worked_vault):
    identity, env, root = worked_vault
    before = listing(env)
    downgrade(root, identity)
    (root / "cases").mkdir()
    (root / "cases" / "leftover.age").write_bytes(b"half a file from a run that died")
    assert intake("list", env=env).returncode == 1  # still the first format
    ok(intake("vault", "migrate", env=env))
    assert listing(env) == before


@pytest.mark.parametrize("crash_after", ["cases", "index"])
def test_a_change_cut_short_is_finished_by_the_next_command(worked_vault, crash_after):
    identity, env, root = worked_vault
    case_id = listing(env)[-1]["id"]
    vault = Vault(root)
    audit_before = len(list(vault.store([identity]).audit()))
    with vault.locked():
        state = VaultState(vault.open_store([identity]))
        state.cases[case_id].status = "needs-info"
        state.record(case_id, "triage", {"status": ["new", "needs-info"]}, "crash test")
        with pytest.raises(casestore._InjectedCrash):
            state.commit(crash_after=crash_after)
    assert (root / "journal.age").exists()
    if crash_after == "cases":  # the case file is new, its index row still old
        assert vault.store([identity]).get(case_id)["status"] == "needs-info"
        assert dict(vault.store([identity]).index())[case_id]["status"] != "needs-info"
    rows = {r["id"]: r for r in listing(env)}  # a reading command repairs first
    assert rows[case_id]["status"] == "needs-info"
    assert not (root / "journal.age").exists()
    audit = list(vault.store([identity]).audit())
    assert len(audit) == audit_before + 1 and audit[-1]["reason"] == "crash test"
    assert [e["reason"] for e in shown(env, case_id)["history"]].count("crash test") == 1


def test_a_damaged_index_is_rebuilt_from_the_case_files(worked_vault):
    identity, env, root = worked_vault
    before = listing(env)
    for shard in (root / "index").iterdir():
        shard.write_bytes(b"garbage")
    broken = intake("list", env=env)
    assert broken.returncode == 1 and b"intake vault rebuild-index" in broken.stderr
    ok(intake("vault", "rebuild-index", env=env))
    assert listing(env) == before


def _row(n: int) -> dict:
    return {"n": n}


def test_cases_fill_folders_in_import_order_and_a_change_rewrites_one_shard(tmp_path):
    identity = age.HybridIdentity.generate()
    store = CaseStore(tmp_path, [identity.recipient()], [identity])
    store.create()
    size = casestore.CASES_PER_FOLDER
    ids = [f"{n:04d}case{n:04d}"[::-1] for n in range(size * 2 + 10)]  # no order in the ids themselves
    store.put({i: {"n": n} for n, i in enumerate(ids[:size + 5])}, {i: _row(n) for n, i in enumerate(ids[:size + 5])}, [])
    store.put({i: {"n": n} for n, i in enumerate(ids[size + 5:], size + 5)},
              {i: _row(n) for n, i in enumerate(ids[size + 5:], size + 5)}, [])
    fresh = CaseStore(tmp_path, [identity.recipient()], [identity])
    assert {i: fresh.case_path(i).parent.name for i in ids} == {i: f"{n // size:04d}" for n, i in enumerate(ids)}
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == ["0000.age", "0001.age", "0002.age", "receipts.age"]
    assert dict(fresh.index()) == {i: _row(n) for n, i in enumerate(ids)}
    # A change touches one case file and one shard: the bytes it writes do not grow with the vault
    # (nor the receipts file: no receipt, quoted receipt or link changed).
    written = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.age")}
    fresh.put({ids[3]: {"n": -1}}, {ids[3]: _row(-1)}, [])
    changed = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.age") if written.get(p) != p.stat().st_mtime_ns)
    assert changed == [f"cases/0000/{ids[3]}.age", "index/0000.age"]
    # Removing a case removes its file and its row; the next new case goes to the newest folder.
    fresh.put({ids[4]: None}, {ids[4]: None}, [])
    fresh.put({"newcase": {"n": 0}}, {"newcase": _row(0)}, [])
    again = CaseStore(tmp_path, [identity.recipient()], [identity])
    assert ids[4] not in dict(again.index()) and again.case_path("newcase").parent.name == "0002"


def test_a_case_without_its_index_row_is_found_as_the_index_is_read(tmp_path):
    identity = age.HybridIdentity.generate()
    store = CaseStore(tmp_path, [identity.recipient()], [identity])
    store.create()
    store.put({"aaaa": {"n": 1}, "bbbb": {"n": 2}}, {"aaaa": _row(1), "bbbb": _row(2)}, [])
    store.write_case("cccc", {"n": 3}, "0000")  # as if copied in by hand, or its row lost
    with pytest.raises(casestore.StoreDamaged, match="does not match the cases") as raised:
        dict(CaseStore(tmp_path, [identity.recipient()], [identity]).index())
    assert "rebuild-index" in raised.value.hint


def to_second_format(root, identity, pending_status: tuple | None = None) -> None:
    """Rewrite the vault at `root` as the second format's desk left it: every case file directly
    in cases/, the index in shards named by id prefix ("-.age" for one shard), and, if asked, an
    unfinished change (its journal: a case's new status) for the migration to finish first."""
    store = Vault(root).store([identity])
    recipients = [age.parse_recipient(r) for r in json.loads((root / "vault.json").read_text())["recipients"]]
    for case_id in store.case_ids():
        store.case_path(case_id).rename(root / "cases" / f"{case_id}.age")
    for folder in [p for p in (root / "cases").iterdir() if p.is_dir()]:
        folder.rmdir()
    for shard in (root / "index").glob("0*.age"):
        shard.unlink()
    (root / "index" / "-.age").write_bytes(age.encrypt_bytes(recipients, b'{"schema": "intake.index-shard/2", "prefix": "", "rows": 0}'))
    if pending_status:
        case_id, status = pending_status
        with open(root / "cases" / f"{case_id}.age", "rb") as f:
            record = json.loads(age.decrypt([identity], f).read())["case"]
        journal = {"schema": "intake.journal/1", "segment": None, "cases": {case_id: record | {"status": status}},
                   "rows": {}, "audit": [], "quarantine": None}
        (root / "journal.age").write_bytes(age.encrypt_bytes(recipients, json.dumps(journal).encode()))
    meta = json.loads((root / "vault.json").read_text())
    (root / "vault.json").write_text(json.dumps(meta | {"format": "intake.vault/2"}, indent=1) + "\n")


def test_a_second_format_vault_migrates_with_its_unfinished_change(worked_vault):
    identity, env, root = worked_vault
    before = listing(env)
    before_show = {r["id"]: shown(env, r["id"]) for r in before}
    audit = list(Vault(root).store([identity]).audit())
    changed = before[0]["id"]
    to_second_format(root, identity, (changed, "closed"))
    refused = intake("list", env=env)
    assert refused.returncode == 1 and b"intake vault migrate" in refused.stderr and b"Traceback" not in refused.stderr
    migrated = json.loads(ok(intake("vault", "migrate", env=env)).stdout)
    assert migrated == {"cases": len(before), "damaged": 0, "audit_entries": len(audit), "quarantined": 2, "old_state": None}
    after = listing(env)
    assert [r["id"] for r in after] == [r["id"] for r in before]
    assert [r for r in after if r["id"] != changed] == [r for r in before if r["id"] != changed]
    assert next(r for r in after if r["id"] == changed)["status"] == "closed"
    for case_id, doc in before_show.items():
        if case_id != changed:
            assert shown(env, case_id) == doc
    assert not (root / "journal.age").exists() and not list((root / "index").glob("-*.age"))
    assert list(Vault(root).store([identity]).audit()) == audit


def test_every_vault_file_is_an_ordinary_age_file_of_json(worked_vault):
    """Readable without this software: another age implementation (typage, post-quantum like
    the vault) decrypts each case, index shard, audit segment and the quarantine records."""
    import subprocess
    from pathlib import Path

    identity, env, root = worked_vault
    interop = Path(__file__).parent / "interop"
    secret = next(line for line in age.identity_file_text([identity]).splitlines() if line.startswith("AGE-SECRET-KEY"))
    names = [n for n in files_in(root) if n.endswith(".age") and not n.startswith(("submissions/", "quarantine/"))]
    assert any(n.startswith("cases/") for n in names) and any(n.startswith("index/") for n in names)
    assert any(n.startswith("audit/") for n in names) and "quarantine.age" in names
    for name in names:
        out = subprocess.run(["node", interop / "typage.mjs", "decrypt", "-i", secret], input=(root / name).read_bytes(),
                             capture_output=True, check=True, timeout=60).stdout
        text = out.decode("utf-8")  # JSON, or (index/) a JSON line, then tab-separated lines
        lines = name.startswith("index/")  # a shard or the receipts: a JSON header line, then lines
        assert isinstance(json.loads(text.split("\n")[0] if lines else text), dict)


def test_a_case_an_older_desk_found_damaged_is_read_again_by_this_one(worked_vault):
    from intake.desk.index import damaged_row

    identity, env, root = worked_vault
    before = listing(env)
    case_id = before[0]["id"]
    vault = Vault(root)
    with vault.locked():
        store = vault.open_store([identity])
        store.put({}, {case_id: damaged_row("refused by an older reader", case_id) | {"checked": "intake.report/1 strict/0"}}, [])
    assert listing(env) == before  # this reader accepts it: the row is made again, and stored
    assert vault.store([identity]).row(case_id)["damaged"] is None


def test_list_on_the_day_a_result_expires_makes_those_rows_again_and_stores_them(worked_vault, monkeypatch, capsys):
    """The rules' results stored with each row stand until their valid_until; on that day list
    evaluates those cases again (in commits of REFRESH_PER_COMMIT) and stores the new rows."""
    import datetime

    from intake.cli import main
    from intake.cli import desk as desk_commands
    from intake.desk import listing

    identity, env, root = worked_vault
    store = Vault(root).store([identity])
    rows = dict(store.index())
    until = min(r["until"] for r in rows.values() if r["until"])
    expiring = sorted(i for i, r in rows.items() if r["until"] == until)
    day = datetime.datetime.fromisoformat(until).replace(hour=12, tzinfo=datetime.timezone.utc)
    monkeypatch.setattr(desk_commands, "now_utc", lambda: day)
    monkeypatch.setattr(listing, "REFRESH_PER_COMMIT", 1)
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    assert main(["list", "--format", "json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(listed) == set(rows)
    after = dict(Vault(root).store([identity]).index())
    for case_id in expiring:  # made again on that day: valid until a later one
        assert after[case_id]["until"] is None or after[case_id]["until"] > until
    assert {i: r for i, r in after.items() if i not in expiring} == {i: r for i, r in rows.items() if i not in expiring}
    assert not (root / "journal.age").exists()


def test_a_case_filed_twice_by_hand_is_named(tmp_path):
    identity = age.HybridIdentity.generate()
    store = CaseStore(tmp_path, [identity.recipient()], [identity])
    store.create()
    store.put({"aaaa": {"n": 1}}, {"aaaa": _row(1)}, [])
    (tmp_path / "cases" / "0001").mkdir()
    (tmp_path / "cases" / "0001" / "aaaa.age").write_bytes((tmp_path / "cases" / "0000" / "aaaa.age").read_bytes())
    with pytest.raises(casestore.StoreDamaged, match="case aaaa is in two folders"):
        CaseStore(tmp_path, [identity.recipient()], [identity]).case_ids()
