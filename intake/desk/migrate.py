"""Vault maintenance: converting a vault of an earlier format, and rebuilding the index.

`migrate` turns a vault of the first format (intake.vault/1: every case, the audit log and the
quarantine records in one state.age) into per-case storage (casestore.py). The new files are
written next to the old state; they are read back and compared with it field by field; only
then does vault.json switch to the new format (one atomic rename: the commit point). The old
state is kept as state-1.age until staff delete it. An interrupted migration leaves the vault in
the old format, and running it again starts afresh.

A vault of the second format (intake.vault/2: every case file directly in cases/, the index in
shards by id prefix) has its case files moved, unchanged, into folders (each a rename inside
the vault, so a rerun after a crash moves the rest), and its index rebuilt from them; its audit
log and quarantine records are already in the current form.
"""

import json
import os
import shutil

from .. import age
from ..atomic import fsync_dir, sync_files
from .casestore import CaseStore
from .errors import DeskError
from .index import damaged_row, refresh, row_for
from .state import Case, load_case, now_utc
from .vault import FORMAT, FORMAT_2

OLD_STATE = "state.age"
OLD_STATE_SCHEMA = "intake.vault-state/1"
KEPT_STATE = "state-1.age"


def read_state_1(vault, identities) -> dict:
    """The first format's state, decrypted and parsed (checked only for its outline)."""
    path = vault.root / OLD_STATE
    try:
        with open(path, "rb") as f:
            data = json.loads(age.decrypt(identities, f).read())
    except FileNotFoundError:
        raise DeskError(f"the vault state {path} is missing", hint="restore it from a backup") from None
    except age.NoIdentityMatchError:
        raise DeskError("this vault is not encrypted to your identity", hint="check -i / INTAKE_IDENTITY") from None
    except (age.AgeError, ValueError) as exc:
        raise DeskError(f"the vault state is damaged ({exc.__class__.__name__}); nothing was changed",
                        hint="restore state.age from a backup (state.prev.age is the one before it)") from None
    if not isinstance(data, dict) or data.get("schema") != OLD_STATE_SCHEMA or not isinstance(data.get("cases"), list) \
            or not isinstance(data.get("audit"), list) or not isinstance(data.get("quarantine", {}), dict):
        raise DeskError(f"{path} is not an {OLD_STATE_SCHEMA} state; nothing was changed")
    return data


def _old_id(number: int, stored) -> str:
    stored_id = stored.get("id") if isinstance(stored, dict) else None
    case_id = stored_id if isinstance(stored_id, str) else ""
    return case_id if case_id.isalnum() and len(case_id) <= 64 else f"damaged-{number}"


def _converted(number: int, stored, history: dict) -> tuple[str, object]:
    """The new record of an old one: the same fields, its history added, the old per-day rules
    cache dropped (the index holds rule results now). A damaged record is kept verbatim."""
    case_id = _old_id(number, stored)
    if isinstance(stored, dict):
        candidate = {k: v for k, v in stored.items() if k != "triage_cache"} | {"history": history.get(case_id, [])}
        if isinstance(load_case(case_id, candidate), Case):
            return case_id, candidate
    return case_id, stored


def migrate(vault, identities, progress=None) -> dict:
    """Convert the vault (exclusive lock taken here). Returns counts for the caller to show."""
    with vault.locked(exclusive=True):
        meta = vault.meta()
        if meta["format"] == FORMAT:
            raise DeskError(f"the vault at {vault.root} is already in the current format")
        recipients = [age.parse_recipient(r) for r in meta["recipients"]]
        store = CaseStore(vault.root, recipients, identities)
        if meta["format"] == FORMAT_2:
            return _migrate_2(vault, meta, store, progress)
        old = read_state_1(vault, identities)
        for leftover in (store.cases_dir, store.index_dir, store.audit_dir):  # of an interrupted run
            shutil.rmtree(leftover, ignore_errors=True)
        for leftover in (store.quarantine_path, store.journal_path):
            leftover.unlink(missing_ok=True)
        store.create()

        audit, quarantine = old["audit"], dict(old.get("quarantine", {}))
        history: dict[str | None, list] = {}  # case or quarantine id -> its entries (None: no id)
        for entry in audit:
            case = entry.get("case") if isinstance(entry, dict) else None
            history.setdefault(case if isinstance(case, str) else None, []).append(entry)
        now, records, rows = now_utc(), {}, {}
        if progress is not None:
            progress.total = len(old["cases"])
        converted, written = [_converted(number, stored, history) for number, stored in enumerate(old["cases"])], []
        places = store.place(case_id for case_id, _ in converted)  # in the old order: that of import
        for case_id, record in converted:
            records[case_id] = record
            found = load_case(case_id, record)
            rows[case_id] = row_for(found, now) if isinstance(found, Case) else damaged_row(found.reason, case_id)
            written.append(store.write_case(case_id, record, places[case_id], sync=False))
            if progress is not None:
                progress.advance()
        _sync_folders(store, written)
        for quarantine_id, record in quarantine.items():
            if quarantine_id not in records and isinstance(record, dict):
                record = record | {"history": history.get(quarantine_id, [])}
                if isinstance(record.get("removed_case"), dict):  # the same conversion as a case's
                    record["removed_case"] = _converted(0, record["removed_case"], {})[1]
                quarantine[quarantine_id] = record
        store.put({}, rows, list(audit), quarantine)
        _verify(CaseStore(vault.root, recipients, identities), old, records)
        vault.write_meta(meta | {"format": FORMAT, "migrated": now.isoformat(timespec="seconds")})
        os.replace(vault.root / OLD_STATE, vault.root / KEPT_STATE)
        (vault.root / "state.prev.age").unlink(missing_ok=True)  # older still: state-1.age supersedes it
        return {"cases": len(records), "damaged": sum(r["damaged"] is not None for r in rows.values()),
                "audit_entries": len(audit), "quarantined": len(quarantine), "old_state": KEPT_STATE}


def _sync_folders(store: CaseStore, written=()) -> None:
    """The case files written (or moved) and their folders, durable."""
    sync_files(written, [store.cases_dir / folder for folder in sorted(os.listdir(store.cases_dir))] + [store.cases_dir])
    store.forget_layout()


def _migrate_2(vault, meta: dict, store: CaseStore, progress) -> dict:
    """Second format to this one: case files filed in folders, then the index rebuilt from them."""
    _finish_journal_2(store)
    flat = sorted(n[:-4] for n in os.listdir(store.cases_dir) if n.endswith(".age") and not n.startswith("."))
    for case_id, folder in store.place(flat).items():
        (store.cases_dir / folder).mkdir(mode=0o700, exist_ok=True)
        os.rename(store.cases_dir / f"{case_id}.age", store.case_path(case_id, folder))
    _sync_folders(store)
    for leftover in store.index_dir.glob("-*.age"):  # the old shards (receipts.age is rebuilt too)
        leftover.unlink()
    if progress is not None:
        progress.total = len(store.case_ids())
    rows = refresh(store, sorted(store.case_ids()), now_utc(), progress)
    store.rebuild_index(rows)
    vault.write_meta(meta | {"format": FORMAT, "migrated": now_utc().isoformat(timespec="seconds")})
    return {"cases": len(rows), "damaged": sum(r["damaged"] is not None for r in rows.values()),
            "audit_entries": sum(1 for _ in store.audit()), "quarantined": len(store.quarantine()), "old_state": None}


def _finish_journal_2(store: CaseStore) -> None:
    """A change the second format's desk left unfinished: its case files (flat, as that desk
    wrote them), audit segment and quarantine records; its rows are rebuilt with the index."""
    if not store.pending():
        return
    journal = store._read(store.journal_path, "the journal of an interrupted change")
    if not isinstance(journal, dict) or not isinstance(journal.get("cases"), dict):
        raise DeskError("the journal of an interrupted change is damaged; nothing was changed")
    for case_id, record in journal["cases"].items():
        path = store.cases_dir / f"{case_id}.age"
        if record is None:
            path.unlink(missing_ok=True)
        else:
            store._write(path, {"schema": "intake.case/1", "case": record})
    if journal.get("audit"):
        store._write(store._segment_path(journal["segment"]), {"schema": "intake.audit-segment/1", "entries": journal["audit"]})
    if journal.get("quarantine") is not None:
        store._write(store.quarantine_path, {"schema": "intake.quarantine/1", "records": journal["quarantine"]})
    store.journal_path.unlink()
    fsync_dir(store.root)


def _verify(store: CaseStore, old: dict, records: dict) -> None:
    """Read the new vault back and compare it with the old state; DeskError on any difference
    (vault.json still names the old format then, so nothing has changed for staff)."""
    problems = []
    for number, stored in enumerate(old["cases"]):
        case_id = _old_id(number, stored)
        again = store.get(case_id)
        expected = records[case_id]
        if again != expected:
            problems.append(f"case {case_id} reads back differently")
        elif isinstance(stored, dict) and expected is not stored:
            kept = {k: v for k, v in again.items() if k != "history"}
            if kept != {k: v for k, v in stored.items() if k != "triage_cache"}:
                problems.append(f"case {case_id} lost a field")
    rows = dict(store.index())
    if set(rows) != set(records):
        problems.append(f"the index has {len(rows)} rows for {len(records)} cases")
    if list(store.audit()) != old["audit"]:
        problems.append("the audit log reads back differently")
    def outline(record):  # a record without what migration adds (history) or drops (triage_cache)
        if not isinstance(record, dict):
            return record
        kept = {f: v for f, v in record.items() if f != "history"}
        if isinstance(kept.get("removed_case"), dict):
            kept["removed_case"] = {f: v for f, v in kept["removed_case"].items() if f not in ("history", "triage_cache")}
        return kept

    quarantine = {k: outline(r) for k, r in store.quarantine().items()}
    if quarantine != {k: outline(r) for k, r in old.get("quarantine", {}).items()}:
        problems.append("the quarantine records read back differently")
    if problems:
        raise DeskError("the migrated vault does not match the old state: " + "; ".join(problems[:5]),
                        hint="nothing was changed: the vault is still in the first format; please report this")


def rebuild_index(vault, identities, progress=None) -> dict:
    """The whole index again from the case files (exclusive lock taken here)."""
    with vault.locked(exclusive=True):
        store = vault.store(identities)
        store.repair(index=False)  # an interrupted change's case files; its rows are rebuilt below
        rows = refresh(store, sorted(store.case_ids()), now_utc(), progress)
        store.rebuild_index(rows)
        return {"cases": len(rows), "damaged": sum(r["damaged"] is not None for r in rows.values())}
