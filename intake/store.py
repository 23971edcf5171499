"""The data directory of the web intake: sealed submissions and pending ciphertext.

    DATA_DIR/tmp/NODE/      envelopes being written by this host (ciphertext, unfinished);
                            emptied when this host's server starts (NODE: INTAKE_NODE or the host name)
    DATA_DIR/submissions/   <id>.age, complete submissions only, mode 0600
    DATA_DIR/replies/       <mailbox id>.age, the organisation's replies (intake/replies/store.py)

A submission appears in submissions/ by an atomic rename of a fsynced file from tmp/ (same
filesystem), so a crash or a full disk never leaves a partial file there.

Every folder is ours alone (0700). One found looser (made by hand, or by a restore) is tightened
at start; one that belongs to another user is refused, because its owner could open it again at
any time (and, owning the folder, rename or delete what is in it).
"""

import base64
import datetime
import os
import re
import secrets
import shutil
import socket
from pathlib import Path
from typing import NamedTuple

from .atomic import fsync_dir, publish_new
from .errors import UserError

SUBMISSION_SUFFIX = ".age"


def new_submission_id() -> str:
    """128 random bits, lower-case base32: safe in any file system and URL."""
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()


def day_start(now: datetime.datetime | None = None) -> float:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return datetime.datetime(now.year, now.month, now.day, tzinfo=datetime.timezone.utc).timestamp()


def node_name(env=os.environ) -> str:
    """This host's folder under tmp/, so hosts sharing a data folder never clean each other's uploads."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", env.get("INTAKE_NODE") or socket.gethostname())[:64].strip("._")
    return name or "node"


class UnsafeFolder(UserError):
    """A data folder that another user owns, or whose mode cannot be made 0700."""


def _check_owner(folder: Path, info: os.stat_result) -> None:
    if info.st_uid != os.geteuid():
        raise UnsafeFolder(
            f"data folder {folder} belongs to another user (uid {info.st_uid}); it must belong to the user "
            "that runs the intake, with mode 0700 (see docs/deploy.md)"
        )


def make_private(folder: Path) -> bool:
    """Give an existing folder mode 0700. True if it was open to others; UnsafeFolder if not ours."""
    info = os.stat(folder)
    _check_owner(folder, info)
    if not info.st_mode & 0o077:
        return False
    try:
        os.chmod(folder, 0o700)
    except OSError as exc:
        raise UnsafeFolder(f"data folder {folder} is open to other users and its mode cannot be made 0700 ({exc.strerror})") from None
    return True


class Prepared(NamedTuple):
    stale: int  # unfinished pending files removed
    tightened: list[Path]  # folders that were open to other users, now 0700


class Store:
    def __init__(self, data_dir, node: str | None = None):
        self.root = Path(data_dir)
        self.tmp = self.root / "tmp" / (node or node_name())
        self.submissions = self.root / "submissions"
        self.replies = self.root / "replies"

    def folders(self) -> tuple[Path, ...]:
        return (self.root, self.tmp.parent, self.tmp, self.submissions, self.replies)

    def check_owner(self) -> None:
        """UnsafeFolder if an existing folder belongs to another user (changes nothing)."""
        for folder in self.folders():
            try:
                _check_owner(folder, os.stat(folder))
            except FileNotFoundError:
                pass

    def prepare(self) -> Prepared:
        """Create the folders (mode 0700), make existing ones private, remove stale pending files."""
        tightened = []
        for folder in self.folders():
            folder.mkdir(mode=0o700, exist_ok=True)
            if make_private(folder):
                tightened.append(folder)
        stale = 0
        for path in self.tmp.iterdir():
            if path.is_file():
                path.unlink()
                stale += 1
        from .replies.store import finish_deliveries  # (replies.store builds on this module)
        finish_deliveries(self)  # a batch committed before a crash reaches its sources now
        return Prepared(stale, tightened)

    def free_bytes(self) -> int:
        return shutil.disk_usage(self.root).free

    def publish(self, temp_path: Path) -> str:
        """Move a sealed, fsynced envelope into submissions/ under a fresh random id."""
        os.chmod(temp_path, 0o600)
        # File times say no more than the day (the exact time is inside the ciphertext).
        day = day_start()
        os.utime(temp_path, (day, day))
        while True:
            submission_id = new_submission_id()
            final = self.submissions / (submission_id + SUBMISSION_SUFFIX)
            try:
                publish_new(temp_path, final)  # never replaces an existing submission
            except FileExistsError:
                continue
            break
        # The folders' modification times would otherwise give the exact time of the last
        # submission. (The inode change time cannot be set: docs/deploy.md says what it shows.)
        for folder in (self.submissions, self.tmp):
            os.utime(folder, (day, day))
        fsync_dir(self.submissions)  # the new name is durable; the temp name's removal need not be
        return submission_id

    def submission_paths(self) -> list[Path]:
        return sorted(self.submissions.glob("*" + SUBMISSION_SUFFIX))
