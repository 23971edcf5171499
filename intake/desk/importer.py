"""`intake import`: bring submission files into the vault, verified, once each.

Each file is authenticated in full with the vault identity (header, MAC and every payload
chunk), then read by the strict submission reader (intake.submission: ZIP structure, caps,
schema, every attachment's size and SHA-256); only then is it copied in and its case created. Any file that fails, for whatever
reason, is quarantined (quarantine.py: ciphertext kept, reason recorded) and the batch goes on:
one hostile file never stops the others. The new cases are committed every few hundred files
and when the batch ends, however it ends; a rerun after an interruption finishes the job (files
already copied are recognised by their hash). Each commit writes only the new cases, their index
rows and audit entries, so the cost of a file does not grow with the vault.
"""

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from .. import age
from ..submission import caps
from ..submission.report import Submitted
from ..submission.schema import READER_VERSION
from . import index, quarantine
from .case_ids import case_id_for, file_digest
from .errors import DeskError
from .progress import Progress
from .sources import Candidate
from ..submission import SubmissionError
from .replies import record_answer
from .state import Case, VaultState, case_from_json, timestamp
from .submission import Submission, Discard

SAVE_EVERY = 500
LINKS_PER_COMMIT = 250  # each link loads two cases
_DISCARD = Discard()
# An age file adds a header and 16 bytes per 64 KiB chunk to the archive it holds.
MAX_FILE_BYTES = caps.MAX_ARCHIVE_BYTES + caps.MAX_ARCHIVE_BYTES // 4096 + (1 << 20)
REJECTIONS = {
    age.NoIdentityMatchError: "not encrypted to this vault's identity (another organisation's file, or the wrong key)",
    age.HMACError: "its header was modified after encryption (tampered)",
    age.HeaderError: "not a valid age file",
    age.PayloadError: "corrupted or truncated",
    age.ArmorError: "not a valid age file",
}


@dataclass
class ImportOutcome:
    source: str
    result: str  # imported | duplicate | quarantined | unreadable (left in place)
    case: str | None = None  # the case id, or the quarantine id
    reason: str = ""


def _rejection(exc: Exception) -> str:
    for cls in type(exc).__mro__:
        if cls in REJECTIONS:
            return REJECTIONS[cls]
    if isinstance(exc, DeskError):
        return str(exc)  # the strict reader's reasons name rules, never content
    # Never an unexpected exception's message: it could quote the file.
    return f"the desk could not read it ({exc.__class__.__name__}); please report this as a bug"


def _check(path: Path, identities) -> Submitted:
    """The validated report of a fully authenticated submission file."""
    if os.stat(path).st_size > MAX_FILE_BYTES:
        raise DeskError(f"larger than the {caps.MAX_ARCHIVE_BYTES >> 30} GiB a submission may be")
    with Submission(path, identities, whole=True) as submission:
        for entry in submission.report()["attachments"]:  # each one's size and SHA-256 as listed
            submission.copy_attachment(entry["entry"], _DISCARD)
        return submission.report()


def import_files(vault, identities, candidates: list[Candidate], progress_stream=None) -> list[ImportOutcome]:
    outcomes: list[ImportOutcome] = []
    released: list[str] = []  # quarantine ids whose copies go once the state is saved
    stored: list[Path] = []  # submission files stored since the last sync_submissions
    with vault.locked(exclusive=True), Progress(len(candidates), "importing", progress_stream) as bar:
        state = VaultState(vault.open_store(identities))
        vault.remove_staged()
        try:
            for count, candidate in enumerate(candidates, 1):
                outcomes.append(_import_one(vault, state, identities, candidate, released, stored))
                bar.advance()
                if count % SAVE_EVERY == 0:
                    vault.sync_submissions(stored)
                    state.commit(forget=True)
        finally:
            # Also on Ctrl-C or a full disk: what was imported so far is recorded, linked.
            vault.sync_submissions(stored)
            link_follow_ups(state)
            state.commit(forget=True)
        forget_copies(vault, released)
    return outcomes


def forget_copies(vault, released: list[str]) -> None:
    """Remove the quarantined copies of files now imported, once the state that says so is saved
    (a crash before then leaves an extra copy, never a case without its file)."""
    for quarantine_id in released:
        quarantine.unlink(vault, quarantine_id)


def _import_one(vault, state: VaultState, identities, candidate: Candidate, released: list[str], stored: list[Path],
                releasing: bool = False) -> ImportOutcome:
    """Import one file; `stored` gets the submission file it adds (for sync_submissions)."""
    path, label = candidate.path, candidate.label
    try:
        digest = file_digest(path)
    except OSError as exc:
        return ImportOutcome(label, "unreadable", reason=f"cannot read it ({exc.strerror}); left where it is")
    case_id = case_id_for(digest)
    if state.has(case_id):
        return ImportOutcome(label, "duplicate", case_id)
    if state.quarantine.get(case_id, {}).get("removed_case") is not None and not releasing:
        # Staff removed this case: the same file on an old stick must not bring it back.
        return ImportOutcome(label, "duplicate", case_id, "removed by staff; see 'intake quarantine show'")
    staged = None
    try:
        staged, staged_digest = vault.stage(path)  # from here on only this copy is read
        if not hmac.compare_digest(staged_digest, digest):
            raise DeskError("it changed while it was being read; import it again")
        if candidate.expected_sha256 is not None and not hmac.compare_digest(candidate.expected_sha256, digest.hex()):
            raise DeskError("does not match the collect manifest (damaged in transit?)")
        report = _check(staged, identities)
        stored.append(vault.store_submission(staged, case_id, digest))
    except Exception as exc:  # one file never stops the batch: any failure quarantines it
        reason = _rejection(exc)
        try:
            quarantine_id = quarantine.put(vault, state, staged or path, label, reason, staged_digest if staged else digest)
        except OSError as copy_error:
            reason += f"; and it could not be quarantined ({copy_error.strerror}): it is left where it is"
            quarantine_id = None
        return ImportOutcome(label, "quarantined", quarantine_id, reason)
    finally:
        if staged is not None:
            staged.unlink(missing_ok=True)
    # The case holds its report as the plain JSON object it is stored as (Case.report).
    state.cases[case_id] = Case(id=case_id, sha256=digest.hex(), imported=timestamp(), report=dict(report),
                                checked=READER_VERSION)
    state.record(case_id, "import", {"status": [None, "new"]})
    if case_id in state.quarantine:  # an earlier attempt set it aside; now it passes
        earlier = state.quarantine_history(case_id)  # its quarantine (and removal) entries stay with the case
        state.quarantine.pop(case_id)
        state.cases[case_id].history[:0] = earlier
        state.record(case_id, "quarantine-release", {"case": [None, case_id]}, label)
        released.append(case_id)
    return ImportOutcome(label, "imported", case_id)


def release(vault, state: VaultState, identities, quarantine_id: str, released: list[str]) -> ImportOutcome:
    """Try a quarantined file again with this desk and these identities.

    It goes through every check an import makes; nothing can be released past them. On success
    the case exists and `released` names the quarantined copy to remove once the state is saved
    (forget_copies); on failure the record's reason is updated and the file stays.
    """
    source = quarantine.path_of(vault, quarantine_id)
    label = state.quarantine[quarantine_id]["source"]
    removed = state.quarantine[quarantine_id].get("removed_case")
    stored: list[Path] = []
    outcome = _import_one(vault, state, identities, Candidate(source, label), released, stored, releasing=True)
    vault.sync_submissions(stored)  # before the caller commits the case
    if outcome.result == "imported" and removed is not None:
        if outcome.case is None:  # _import_one names the case it imported
            raise DeskError(f"releasing {quarantine_id}: the import named no case")
        _restore(state, outcome.case, removed)
    if outcome.result == "duplicate":  # already a case (imported from another copy)
        state.quarantine.pop(quarantine_id)
        state.record(quarantine_id, "quarantine-release", {"case": [None, outcome.case]}, "already in the vault")
        released.append(quarantine_id)
    return outcome


def _restore(state: VaultState, case_id: str, removed: dict) -> None:
    """A case staff removed comes back with what they had recorded on it (status, notes…)."""
    try:
        restored = case_from_json(removed)
    except (SubmissionError, ValueError, TypeError):
        return  # it was removed as damaged: the freshly imported case stands
    if restored.id == case_id:
        restored.follow_up_of, restored.follow_ups, restored.links = None, [], []  # cut on removal
        restored.history = state.cases[case_id].history  # from before its removal, to its new import
        state.cases[case_id] = restored
        state.record(case_id, "restore", {"status": [None, restored.status]}, "staff decisions from before its removal")


def link_follow_ups(state: VaultState) -> None:
    """Link each report that quotes a receipt to the case whose receipt it is.

    The index keeps receipts as SHA-256 digests (index.py, casestore.receipts), so the match is
    a lookup of a digest: its time tells nothing about the receipt. Only the reports still
    waiting for their receipt's case are looked at (those of the receipts file, and the cases
    of this change not yet committed), and only the cases linked are loaded.
    """
    receipts, waiting = state.store.receipts()
    # The cases of this change not yet committed are not in the receipts file yet: theirs too.
    pending = state.loaded_cases()
    receipts = {index.receipt_digest(c.receipt): c.id for c in pending if c.receipt} | receipts
    waiting = {d: list(ids) for d, ids in waiting.items()}
    for case in pending:
        wants = index.receipt_digest(case.report.get("follow_up_of") or "")
        if wants and not case.follow_up_of and case.id not in waiting.get(wants, ()):
            waiting.setdefault(wants, []).append(case.id)
    matched = [(receipts[digest], case_ids) for digest, case_ids in sorted(waiting.items()) if digest in receipts]
    linked = 0
    for other_id, case_ids in matched:
        for case_id in case_ids:
            case, other = state.cases.get(case_id), state.cases.get(other_id)
            if other_id == case_id or case is None or other is None or case.follow_up_of:
                continue
            case.follow_up_of = other_id
            other.follow_ups.append(case_id)
            record_answer(other, case.received)  # the source answering staff's replies, if any
            state.record(case_id, "link", {"follow_up_of": [None, other_id]}, "receipt match")
            linked += 1
            if linked % LINKS_PER_COMMIT == 0:  # thousands of links after a big batch: memory stays flat
                state.commit(forget=True)
