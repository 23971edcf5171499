"""The case vault: a folder on the staff machine holding ciphertext only.

    VAULT/vault.json          public metadata: format, vault id, the recipients state is encrypted to
    VAULT/submissions/ID.age  imported submission files, byte for byte as the server wrote them
    VAULT/state.age           the case state (state.py), age-encrypted to the recipients
    VAULT/state.prev.age      the state before the last change (a one-step undo for accidents)
    VAULT/lock                held (flock) while a command reads or changes the state

Writing the state needs only the public recipients; reading it needs the identity. Every change
is read-modify-write under an exclusive lock, and the new state replaces the old by an atomic
rename, so concurrent commands never lose each other's updates and a crash leaves the old state.
"""

import contextlib
import fcntl
import json
import os
import secrets
import shutil
from pathlib import Path

from .. import age
from ..atomic import AtomicFile, fsync_dir
from .errors import DeskError
from .state import VaultState, timestamp

FORMAT = "intake.vault/1"
ENV_VAULT = "INTAKE_VAULT"


class Vault:
    def __init__(self, root):
        self.root = Path(root)
        self.meta_path = self.root / "vault.json"
        self.submissions = self.root / "submissions"
        self.state_path = self.root / "state.age"
        self.previous_state_path = self.root / "state.prev.age"

    def exists(self) -> bool:
        return self.meta_path.is_file()

    def create(self, recipients: list) -> None:
        """A new, empty vault encrypted to `recipients` (public keys only)."""
        age.check_recipients(recipients)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.submissions.mkdir(mode=0o700, exist_ok=True)
        meta = {"format": FORMAT, "vault_id": secrets.token_hex(8), "created": timestamp()[:10],
                "recipients": [str(r) for r in recipients]}
        with AtomicFile(self.meta_path, mode=0o600) as f:
            f.write(json.dumps(meta, indent=1).encode() + b"\n")
        with self.locked():
            self.write_state(VaultState())

    def require(self) -> "Vault":
        if not self.exists():
            raise DeskError(f"no vault at {self.root}", hint=f"import submissions first (intake import), or set --vault / {ENV_VAULT}")
        return self

    def recipients(self) -> list:
        try:
            meta = json.loads(self.meta_path.read_text())
            if meta.get("format") != FORMAT:
                raise ValueError("format")
            return [age.parse_recipient(r) for r in meta["recipients"]]
        except (OSError, ValueError, KeyError, age.KeyFormatError):
            raise DeskError(f"{self.meta_path} is damaged or not an intake vault") from None

    @contextlib.contextmanager
    def locked(self, exclusive: bool = True):
        """Hold the vault lock: exclusive to change the state, shared to read it."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)

    def _stamp(self) -> tuple:
        info = os.stat(self.state_path)
        return info.st_ino, info.st_mtime_ns, info.st_size

    def read_state(self, identities) -> VaultState:
        """Decrypt and parse the state. Call with the lock held."""
        try:
            with open(self.state_path, "rb") as f:
                info = os.fstat(f.fileno())
                self.read_stamp = info.st_ino, info.st_mtime_ns, info.st_size  # for save_if_unchanged
                data = age.decrypt(identities, f).read()
        except FileNotFoundError:
            raise DeskError(f"the vault state {self.state_path} is missing", hint="restore it from a backup") from None
        except age.NoIdentityMatchError:
            raise DeskError(
                "this vault is not encrypted to your identity (another organisation's vault, or the wrong key)",
                hint="check -i / INTAKE_IDENTITY",
            ) from None
        except age.AgeError as exc:
            raise DeskError(f"the vault state is damaged ({exc}); nothing was changed",
                            hint=f"restore state.age from a backup (the previous state is {self.previous_state_path.name})") from None
        try:
            return VaultState.from_json(json.loads(data))
        except (ValueError, KeyError, TypeError) as exc:
            raise DeskError(f"the vault state is damaged ({exc.__class__.__name__}); nothing was changed") from None

    def write_state(self, state: VaultState) -> None:
        """Encrypt and atomically replace the state, keeping the previous one. Lock held."""
        plaintext = json.dumps(state.to_json(), ensure_ascii=False, separators=(",", ":")).encode()
        if self.state_path.exists():
            with AtomicFile(self.previous_state_path, overwrite=True) as f, open(self.state_path, "rb") as old:
                shutil.copyfileobj(old, f)
        with AtomicFile(self.state_path, overwrite=True) as f:
            writer = age.encrypt(self.recipients() if self.meta_path.exists() else [], f)
            writer.write(plaintext)
            writer.close()

    @contextlib.contextmanager
    def changing_state(self, identities):
        """`with vault.changing_state(ids) as state:` read, let the caller change, write back."""
        with self.locked(exclusive=True):
            state = self.read_state(identities)
            yield state
            self.write_state(state)

    def reading_state(self, identities) -> VaultState:
        with self.locked(exclusive=False):
            return self.read_state(identities)

    def save_if_unchanged(self, state: VaultState) -> bool:
        """Write back a state read earlier, unless another command changed it since (then the
        caller's changes are dropped: use this only for caches). Returns whether it was written."""
        with self.locked(exclusive=True):
            if self._stamp() != getattr(self, "read_stamp", None):
                return False
            self.write_state(state)
            return True

    def submission_path(self, case_id: str) -> Path:
        return self.submissions / f"{case_id}.age"

    def stage(self, source: Path) -> tuple[Path, bytes]:
        """Copy `source` into the vault under a temporary name, hashing it as it is copied.

        Import checks this copy, never the source again, so what is verified is what is kept
        (a USB stick could change, or read differently, between two reads). The caller
        publishes it with store_submission or removes it.
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
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        return staged, digest.digest()

    def store_submission(self, source: Path, case_id: str, digest: bytes) -> None:
        """Copy a verified submission in, atomically; an identical earlier copy is kept."""
        target = self.submission_path(case_id)
        if target.exists():
            from .case_ids import file_digest

            if file_digest(target) == digest:
                return  # an interrupted earlier import got this far
            raise DeskError(f"{target} exists with different content; the vault needs checking")
        try:
            os.link(source, target)  # a staged copy (same folder): no second copy of the bytes
        except OSError:
            with AtomicFile(target, mode=0o600) as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
        fsync_dir(self.submissions)

    def remove_staged(self) -> None:
        """Staged copies an interrupted import left behind (never published, never a case)."""
        for leftover in self.submissions.glob(".staged-*.tmp"):
            leftover.unlink(missing_ok=True)

