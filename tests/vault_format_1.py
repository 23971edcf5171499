"""A vault of the first format (intake.vault/1), as the desk wrote it before per-case storage.

    VAULT/vault.json   {"format": "intake.vault/1", "vault_id", "created", "recipients"}
    VAULT/state.age    {"schema": "intake.vault-state/1", "cases": [...], "audit": [...], "quarantine": {...}}

Each case record has the fields the first format's Case had (no history; a per-day rules cache
in `triage_cache`). `downgrade` writes one from a current vault's contents, so a migration test
can start from a first-format vault whose every field it knows.
"""

import json
import shutil
from pathlib import Path

from intake import age
from intake.desk.casestore import CaseStore

FIRST_CASE_FIELDS = ("id", "sha256", "imported", "report", "status", "mandates", "urgent", "notes", "links",
                     "follow_up_of", "follow_ups", "redaction", "triage_cache", "checked")


def first_format_case(record: dict) -> dict:
    out = {k: v for k, v in record.items() if k not in ("history", "replies", "consent_record", "translations", "facts")}  # the first format had none of these
    out.setdefault("triage_cache", {"key": "0123456789abcdef:2026-01-01", "result": {}})
    out["checked"] = ""  # the first format's reader mark is not this reader's
    assert set(out) == set(FIRST_CASE_FIELDS)
    return out


def downgrade(root: Path, identity) -> dict:
    """Rewrite the vault at `root` in the first format; returns the state it wrote."""
    meta = json.loads((root / "vault.json").read_text())
    recipients = [age.parse_recipient(r) for r in meta["recipients"]]
    store = CaseStore(root, recipients, [identity])
    quarantine = {}
    for quarantine_id, record in store.quarantine().items():
        record = {k: v for k, v in record.items() if k != "history"}
        if isinstance(record.get("removed_case"), dict) and "sha256" in record["removed_case"]:
            record["removed_case"] = first_format_case(record["removed_case"])
        quarantine[quarantine_id] = record
    state = {"schema": "intake.vault-state/1",
             "cases": [first_format_case(store.get(case_id)) for case_id in sorted(store.case_ids())],
             "audit": list(store.audit())}
    if quarantine:
        state["quarantine"] = quarantine
    (root / "state.age").write_bytes(age.encrypt_bytes(recipients, json.dumps(state, ensure_ascii=False).encode()))
    for folder in (store.cases_dir, store.index_dir, store.audit_dir):
        shutil.rmtree(folder)
    store.quarantine_path.unlink(missing_ok=True)
    (root / "vault.json").write_text(json.dumps(meta | {"format": "intake.vault/1"}, indent=1) + "\n")
    return state
