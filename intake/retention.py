"""Retention: submissions never collected are deleted after INTAKE_RETENTION_DAYS (off by default).

The trade-off: a report left on the server is exposed if the server is seized, but one deleted
before staff collected it is lost. Deletion overwrites the file with zeros and fsyncs before
unlinking; on SSDs, copy-on-write and journaling file systems the old blocks may survive anyway
(docs/operations.md says what to do about that).
"""

import errno
import os
import stat
import time
from pathlib import Path

from .store import Store

_ZEROS = bytes(1 << 16)
ENV_DAYS = "INTAKE_RETENTION_DAYS"


def days_setting(env, name: str) -> int | None:
    """A whole number of days (at least 1) from the environment, or None when it is not set."""
    text = env.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number of days, at least 1")
    return int(text)


def retention_days(env=os.environ) -> int | None:
    """The configured retention in days, or None when retention is off."""
    return days_setting(env, ENV_DAYS)


def overwrite_and_unlink(path: Path) -> None:
    """Zero the file's bytes in place, fsync, then remove it. A link or anything but a plain
    file in its place is removed without writing: a planted link never zeroes its target."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENXIO):  # a link; a pipe nobody reads
            raise
        path.unlink()
        return
    with os.fdopen(fd, "r+b", buffering=0) as f:
        info = os.fstat(f.fileno())
        if stat.S_ISREG(info.st_mode):
            remaining = info.st_size
            while remaining:
                remaining -= f.write(_ZEROS[: min(remaining, len(_ZEROS))])
            os.fsync(f.fileno())
    path.unlink()


def expire(store: Store, days: int, now: float | None = None) -> int:
    """Delete submissions that arrived more than `days` days ago. Returns how many (never which).

    A submission's modification time is the start of the day it arrived (store.publish), so
    the age is counted in whole days; tmp/ (uploads in progress) is never touched.
    """
    cutoff = (now if now is not None else time.time()) - days * 86400
    deleted = 0
    for path in store.submission_paths():
        try:
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                overwrite_and_unlink(path)
                deleted += 1
        except FileNotFoundError:
            pass  # collected or expired by another process meanwhile
    return deleted
