"""The data directory of the web intake: sealed submissions and pending ciphertext.

    DATA_DIR/tmp/NODE/      envelopes being written by this host (ciphertext, unfinished);
                            emptied when this host's server starts (NODE: INTAKE_NODE or the host name)
    DATA_DIR/submissions/   <id>.age, complete submissions only, mode 0600

A submission appears in submissions/ by an atomic rename of a fsynced file from tmp/ (same
filesystem), so a crash or a full disk never leaves a partial file there.
"""

import base64
import datetime
import os
import re
import secrets
import shutil
import socket
from pathlib import Path

from .atomic import fsync_dir

SUBMISSION_SUFFIX = ".age"


def new_submission_id() -> str:
    """128 random bits, lower-case base32: safe in any file system and URL."""
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()


def _day_start(now: datetime.datetime | None = None) -> float:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return datetime.datetime(now.year, now.month, now.day, tzinfo=datetime.timezone.utc).timestamp()


def node_name(env=os.environ) -> str:
    """This host's folder under tmp/, so hosts sharing a data folder never clean each other's uploads."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", env.get("INTAKE_NODE") or socket.gethostname())[:64].strip("._")
    return name or "node"


class Store:
    def __init__(self, data_dir, node: str | None = None):
        self.root = Path(data_dir)
        self.tmp = self.root / "tmp" / (node or node_name())
        self.submissions = self.root / "submissions"

    def prepare(self) -> int:
        """Create the folders (mode 0700) and remove stale pending files. Returns how many."""
        for folder in (self.root, self.tmp.parent, self.tmp, self.submissions):
            folder.mkdir(mode=0o700, exist_ok=True)
        stale = 0
        for path in self.tmp.iterdir():
            if path.is_file():
                path.unlink()
                stale += 1
        return stale

    def free_bytes(self) -> int:
        return shutil.disk_usage(self.root).free

    def publish(self, temp_path: Path) -> str:
        """Move a sealed, fsynced envelope into submissions/ under a fresh random id."""
        os.chmod(temp_path, 0o600)
        # File times say no more than the day (the exact time is inside the ciphertext).
        day = _day_start()
        os.utime(temp_path, (day, day))
        while True:
            submission_id = new_submission_id()
            final = self.submissions / (submission_id + SUBMISSION_SUFFIX)
            try:
                os.link(temp_path, final)  # never replaces an existing submission
            except FileExistsError:
                continue
            break
        os.unlink(temp_path)
        # The folders' modification times would otherwise give the exact time of the last
        # submission. (The inode change time cannot be set: docs/deploy.md says what it shows.)
        for folder in (self.submissions, self.tmp):
            os.utime(folder, (day, day))
        fsync_dir(self.submissions)  # the new name is durable; the temp name's removal need not be
        return submission_id

    def submission_paths(self) -> list[Path]:
        return sorted(self.submissions.glob("*" + SUBMISSION_SUFFIX))
