"""The quarantine: files import set aside, and cases staff removed, kept as ciphertext.

    VAULT/quarantine/<id>.age        the file byte for byte as it arrived (it may not even be age)
    VAULT/quarantine/<id>.case.age   the case file of a removed case that could not be read, as it
                                     was (a key restored later may read it)

Nothing is thrown away without a person deciding it: a file that fails import (foreign,
tampered, truncated, or a submission the strict reader refuses) stays here with its reason, and
`intake quarantine release` tries it again (with a newer desk or another identity), `delete`
overwrites and removes it. The records (source, reason, dates) live in the encrypted state, so
the folder itself holds ciphertext only, under ids derived from each file's hash: the same bad
file quarantined twice is one entry.
"""

import os
import shutil
from pathlib import Path

from ..atomic import AtomicFile, fsync_dir
from ..retention import overwrite_and_unlink
from .case_ids import case_id_for, file_digest
from .errors import DeskError
from .state import Damaged, VaultState, case_record, timestamp

FOLDER = "quarantine"


def folder(vault) -> Path:
    return vault.root / FOLDER


def path_of(vault, quarantine_id: str) -> Path:
    return folder(vault) / f"{quarantine_id}.age"


def put(vault, state: VaultState, source: Path, label: str, reason: str, digest: bytes | None = None) -> str:
    """Copy `source` into the quarantine (atomically) and record why. Returns its id."""
    digest = digest if digest is not None else file_digest(source)
    quarantine_id = case_id_for(digest)
    target = path_of(vault, quarantine_id)
    folder(vault).mkdir(mode=0o700, exist_ok=True)
    if not target.exists():
        with AtomicFile(target, mode=0o600) as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        fsync_dir(folder(vault))
    previous = state.quarantine.get(quarantine_id)
    state.quarantine[quarantine_id] = {
        "source": label, "reason": reason, "sha256": digest.hex(), "size": os.stat(target).st_size,
        "quarantined": previous["quarantined"] if previous else timestamp(),
        "history": previous.get("history", []) if previous else [],
    } | ({"removed_case": previous["removed_case"]} if previous and "removed_case" in previous else {})
    state.record(quarantine_id, "quarantine", {"reason": [previous["reason"] if previous else None, reason]}, label)
    return quarantine_id


def resolve(prefix: str, state: VaultState) -> str:
    from .case_ids import resolve as resolve_id

    try:
        return resolve_id(prefix, state.quarantine)
    except DeskError as exc:
        raise DeskError(str(exc).replace("case id", "quarantine id"), hint="see 'intake quarantine list'") from None


def rows(state: VaultState) -> list[dict]:
    """One row per entry (without a removed case's stored record: `show --format json` has it)."""
    return [{"id": qid, **{k: v for k, v in record.items() if k not in ("removed_case", "history")}}
            for qid, record in sorted(state.quarantine.items(), key=lambda kv: kv[1]["quarantined"])]


def delete(vault, state: VaultState, quarantine_id: str, reason: str) -> None:
    """Forget one quarantined file: recorded in the audit log, its bytes overwritten, then unlinked."""
    record = state.quarantine.pop(quarantine_id)
    state.record(quarantine_id, "quarantine-delete", {"reason": [record["reason"], None]}, reason)


def case_file_of(vault, quarantine_id: str) -> Path:
    return folder(vault) / f"{quarantine_id}.case.age"


def unlink(vault, quarantine_id: str) -> None:
    """Called after the state that forgets the file is saved."""
    for path in (path_of(vault, quarantine_id), case_file_of(vault, quarantine_id)):
        try:
            overwrite_and_unlink(path)
        except FileNotFoundError:
            pass


def _keep_case_file(vault, state: VaultState, case_id: str, quarantine_id: str) -> str | None:
    """Copy an unreadable case file into the quarantine before the vault lets it go."""
    try:
        source = state.store.case_path(case_id)
    except KeyError:
        return None
    target = case_file_of(vault, quarantine_id)
    folder(vault).mkdir(mode=0o700, exist_ok=True)
    with AtomicFile(target, mode=0o600, overwrite=True) as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
    return target.name


def remove_case(vault, state: VaultState, case_id: str, reason: str) -> str:
    """Take a case out of the vault: its ciphertext into the quarantine, every link to it cut.

    The audit entries stay. The caller saves the state, then unlinks the submission file.
    """
    submission = vault.submission_path(case_id)
    row = _index_row(state, case_id)
    found = state.remove(case_id)
    # Everything staff recorded on the case (status, notes, decisions, history) stays with its
    # quarantine record, and so does the cached report: nothing of it is lost, even without a file.
    damaged = found if isinstance(found, Damaged) else None
    if damaged:
        stored = damaged.data if damaged.data is not None else {"id": case_id, "unreadable": damaged.reason}
    else:
        stored = case_record(found)
    if submission.exists():
        quarantine_id = put(vault, state, submission, f"case {case_id}", f"removed by staff: {reason}")
    else:
        quarantine_id = case_id
        state.quarantine[case_id] = {"source": f"case {case_id}", "reason": f"removed by staff: {reason} (it had no file)",
                                     "sha256": "", "size": 0, "quarantined": timestamp(), "history": []}
    state.quarantine[quarantine_id]["removed_case"] = stored
    if damaged and damaged.data is None:  # staff's record of it is in a file no one can read now
        kept = _keep_case_file(vault, state, case_id, quarantine_id)
        if kept:
            state.quarantine[quarantine_id]["case_file"] = kept
    # The cases that point at it, from its own record and its index row (a damaged case has only the row).
    related = set(row.get("follow_ups", []) + row.get("links", []) + [row.get("follow_up_of")]) if row else set()
    if not damaged:
        related |= set(found.follow_ups + found.links + [found.follow_up_of])
    for other_id in sorted(i for i in related if i and i != case_id):
        other = state.cases.get(other_id)
        if other is None:
            continue
        if other.follow_up_of == case_id:
            other.follow_up_of = None
            state.record(other.id, "link", {"follow_up_of": [case_id, None]}, f"case {case_id} removed")
        if case_id in other.follow_ups:
            other.follow_ups.remove(case_id)
        if case_id in other.links:
            other.links.remove(case_id)
    state.record(quarantine_id, "remove", {"status": [found.status if not damaged else "damaged", None],
                                           "quarantine": [None, quarantine_id]}, reason)
    return quarantine_id


def _index_row(state: VaultState, case_id: str) -> dict | None:
    from .casestore import StoreDamaged

    try:
        return state.store.row(case_id)
    except StoreDamaged:
        return None
