"""`intake import`: bring submission files into the vault, verified, once each.

Each file is authenticated in full with the vault identity (header, MAC and every payload
chunk) and must hold an intake report; then it is copied in atomically and its case created.
A tampered or foreign file is reported and skipped, the others are imported. The state is saved
every few hundred files and at the end; a rerun after an interruption finishes the job (files
already copied are recognised by their hash).
"""

import hmac
from pathlib import Path
from dataclasses import dataclass

from .. import age
from .case_ids import case_id_for, file_digest
from .errors import DeskError
from .progress import Progress
from .sources import Candidate
from .state import Case, VaultState, timestamp
from .submission import Submission, verify_whole_file

SAVE_EVERY = 500
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
    result: str  # imported | duplicate | rejected
    case: str | None = None
    reason: str = ""


def _rejection(exc: Exception) -> str:
    for cls in type(exc).__mro__:
        if cls in REJECTIONS:
            return REJECTIONS[cls]
    return exc.__class__.__name__  # never an unexpected message: it could quote the file


def _check(path: Path, identities) -> dict:
    """The report of a fully authenticated submission file."""
    verify_whole_file(path, identities)
    with Submission(path, identities) as submission:
        return submission.report()


def import_files(vault, identities, candidates: list[Candidate], progress_stream=None) -> list[ImportOutcome]:
    outcomes = []
    with vault.changing_state(identities) as state, Progress(len(candidates), "importing", progress_stream) as bar:
        for count, candidate in enumerate(candidates, 1):
            outcomes.append(_import_one(vault, state, identities, candidate))
            bar.advance()
            if count % SAVE_EVERY == 0:
                vault.write_state(state)
        link_follow_ups(state)
    return outcomes


def _import_one(vault, state: VaultState, identities, candidate: Candidate) -> ImportOutcome:
    path, label = candidate.path, candidate.label
    try:
        digest = file_digest(path)
    except OSError as exc:
        return ImportOutcome(label, "rejected", reason=f"cannot read it ({exc.strerror})")
    if candidate.expected_sha256 is not None and not hmac.compare_digest(candidate.expected_sha256, digest.hex()):
        return ImportOutcome(label, "rejected", reason="does not match the collect manifest (damaged in transit?)")
    case_id = case_id_for(digest)
    if case_id in state.cases:
        return ImportOutcome(label, "duplicate", case_id)
    try:
        report = _check(path, identities)
    except age.AgeError as exc:
        return ImportOutcome(label, "rejected", reason=_rejection(exc))
    except DeskError as exc:
        return ImportOutcome(label, "rejected", reason=str(exc))
    vault.store_submission(path, case_id, digest)
    state.cases[case_id] = Case(id=case_id, sha256=digest.hex(), imported=timestamp(), report=report)
    state.record(case_id, "import", {"status": [None, "new"]})
    return ImportOutcome(label, "imported", case_id)


def link_follow_ups(state: VaultState) -> None:
    """Link each follow-up to the case whose receipt it quotes (constant-time comparison)."""
    receipts = [(case.receipt.encode(), case.id) for case in state.cases.values() if case.receipt]
    for case in state.cases.values():
        wanted = case.report.get("follow_up_of")
        if not wanted or case.follow_up_of:
            continue
        for receipt, other_id in receipts:
            if other_id != case.id and hmac.compare_digest(receipt, wanted.encode()):
                case.follow_up_of = other_id
                state.cases[other_id].follow_ups.append(case.id)
                state.record(case.id, "link", {"follow_up_of": [None, other_id]}, "receipt match")
                break
