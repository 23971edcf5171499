"""The case vault: a folder on the staff machine holding ciphertext only.

    VAULT/vault.json          public metadata: format, vault id, the recipients everything is encrypted to
    VAULT/submissions/ID.age  imported submission files, byte for byte as the server wrote them
    VAULT/cases, index, audit, quarantine.age, journal.age
                              the cases, one age file each, their index and the audit log (casestore.py)
    VAULT/quarantine/ID.age   files set aside (quarantine.py)
    VAULT/lock                held (flock) while a command reads or changes the vault

Writing needs only the public recipients; reading needs the identity. Every change is made under
an exclusive lock as one journalled unit (casestore.put), so concurrent commands never lose each
other's updates and a crash leaves either the old vault or, after repair, the new one. A vault of
an earlier format is converted by `intake vault migrate` (migrate.py).
"""

import contextlib
import fcntl
import json
import os
import secrets
import shutil
from pathlib import Path

from .. import age
from ..atomic import AtomicFile, sync_files
from .casestore import CaseStore
from .errors import DeskError
from .state import VaultState, timestamp

FORMAT = "intake.vault/3"
FORMAT_1 = "intake.vault/1"  # one state.age (migrate.py)
FORMAT_2 = "intake.vault/2"  # every case file in cases/, the index in shards by id prefix (migrate.py)
OLD_FORMATS = {FORMAT_1: "the first format (every case in one state.age)",
               FORMAT_2: "the second format (cases not yet filed in folders)"}
ENV_VAULT = "INTAKE_VAULT"


class Vault:
    def __init__(self, root):
        self.root = Path(root)
        self.meta_path = self.root / "vault.json"
        self.submissions = self.root / "submissions"

    def exists(self) -> bool:
        return self.meta_path.is_file()

    def create(self, recipients: list) -> None:
        """A new, empty vault encrypted to `recipients` (public keys only)."""
        age.check_recipients(recipients)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.submissions.mkdir(mode=0o700, exist_ok=True)
        with self.locked():
            if self.exists():  # another import created it while this one waited for the lock
                return
            CaseStore(self.root, recipients).create()
            self.write_meta({"format": FORMAT, "vault_id": secrets.token_hex(8), "created": timestamp()[:10],
                             "recipients": [str(r) for r in recipients]})

    def write_meta(self, meta: dict) -> None:
        with AtomicFile(self.meta_path, mode=0o600, overwrite=True) as f:
            f.write(json.dumps(meta, indent=1).encode() + b"\n")

    def require(self) -> "Vault":
        if not self.exists():
            raise DeskError(f"no vault at {self.root}", hint=f"import submissions first (intake import), or set --vault / {ENV_VAULT}")
        return self

    def meta(self) -> dict:
        try:
            meta = json.loads(self.meta_path.read_text())
            if not isinstance(meta, dict) or meta.get("format") not in (FORMAT, *OLD_FORMATS):
                raise ValueError("format")
            [age.parse_recipient(r) for r in meta["recipients"]]
            return meta
        except (OSError, ValueError, KeyError, TypeError, age.KeyFormatError):
            raise DeskError(f"{self.meta_path} is damaged or not an intake vault") from None

    def recipients(self) -> list:
        meta = self.meta()
        if meta["format"] in OLD_FORMATS:
            raise DeskError(f"the vault at {self.root} is in {OLD_FORMATS[meta['format']]}",
                            hint="convert it with 'intake vault migrate'; nothing old is removed until the new one is verified")
        return [age.parse_recipient(r) for r in meta["recipients"]]

    @contextlib.contextmanager
    def locked(self, exclusive: bool = True):
        """Hold the vault lock: exclusive to change the vault, shared to read it."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)

    def store(self, identities) -> CaseStore:
        return CaseStore(self.root, self.recipients(), identities)

    def open_store(self, identities) -> CaseStore:
        """The store, with an interrupted change finished first. Exclusive lock held."""
        store = self.store(identities)
        store.repair()
        return store

    @contextlib.contextmanager
    def changing_state(self, identities):
        """`with vault.changing_state(ids) as state:` read, let the caller change, commit."""
        with self.locked(exclusive=True):
            state = VaultState(self.open_store(identities))
            yield state
            state.commit()

    @contextlib.contextmanager
    def reading_state(self, identities):
        """`with vault.reading_state(ids) as state:` read under the shared lock; nothing is written
        (except to finish a change a crash interrupted, which needs the exclusive lock first)."""
        store = self.store(identities)
        if store.pending():
            with self.locked(exclusive=True):
                store.repair()
        with self.locked(exclusive=False):
            if store.pending():  # another crash in between: read nothing half-applied
                raise DeskError("the vault has an unfinished change", hint="run the command again")
            store.forget_layout()  # the shards may have split since repair looked
            yield VaultState(store)

    def submission_path(self, case_id: str) -> Path:
        return self.submissions / f"{case_id}.age"

    def stage(self, source: Path) -> tuple[Path, bytes]:
        """Copy `source` into the vault under a temporary name, hashing it as it is copied.

        Import checks this copy, never the source again, so what is verified is what is kept
        (a USB stick could change, or read differently, between two reads). The caller
        publishes it with store_submission or removes it. It is not yet durable: see
        sync_submissions.
        """
        import hashlib

        self.submissions.mkdir(mode=0o700, parents=True, exist_ok=True)
        staged = self.submissions / f".staged-{secrets.token_hex(8)}.tmp"
        digest = hashlib.sha256()
        try:
            with open(source, "rb") as src, open(staged, "xb") as out:
                os.fchmod(out.fileno(), 0o600)
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        return staged, digest.digest()

    def store_submission(self, source: Path, case_id: str, digest: bytes) -> Path:
        """Copy a verified submission in, atomically; an identical earlier copy is kept. It is
        made durable by sync_submissions, which the caller runs before committing its case."""
        target = self.submission_path(case_id)
        if target.exists():
            from .case_ids import file_digest

            if file_digest(target) == digest:
                return target  # an interrupted earlier import got this far
            raise DeskError(f"{target} exists with different content; the vault needs checking")
        try:
            os.link(source, target)  # a staged copy (same folder): no second copy of the bytes
        except OSError:
            with AtomicFile(target, mode=0o600, sync=False) as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
        return target

    def sync_submissions(self, stored: list) -> None:
        """Make the submissions stored since the last call durable, with their names (the list
        is emptied): before the change that makes their cases is committed."""
        if stored:
            sync_files(stored, [self.submissions])
            stored.clear()

    def remove_staged(self) -> None:
        """Staged copies an interrupted import left behind (never published, never a case)."""
        for leftover in self.submissions.glob(".staged-*.tmp"):
            leftover.unlink(missing_ok=True)

