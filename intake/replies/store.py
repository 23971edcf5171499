"""The server's replies folder: one ciphertext file per mailbox, placed by `intake deliver`.

    DATA_DIR/replies/<mailbox id>.age     mode 0600; its time is the day it was delivered
    DATA_DIR/replies/.staged-<random>/    a batch being placed (removed if found unfinished)
    DATA_DIR/replies/.placing-<random>/   a batch fully staged: finished by the next deliver

A batch is placed whole or not at all: every file is written and fsynced into a staging
folder, which is then renamed (one atomic step) to mark it complete; only then are its files
moved over the mailboxes they replace. A crash before that rename leaves nothing delivered, one
after it leaves a folder the next `deliver` finishes. A newer delivery replaces a mailbox's
file (the desk always sends everything still unread). A source's "delete" and the retention
period (INTAKE_REPLY_RETENTION_DAYS) overwrite and remove the file.
"""

import os
import secrets
import shutil
import time
from pathlib import Path

from ..atomic import AtomicFile, fsync_dir
from ..retention import days_setting, overwrite_and_unlink
from ..store import Store, day_start
from .batch import MAX_FILE, SUFFIX, Entry
from .mailbox import is_mailbox_id

ENV_DAYS = "INTAKE_REPLY_RETENTION_DAYS"
DEFAULT_DAYS = 30
_STAGED, _PLACING = ".staged-", ".placing-"


def reply_retention_days(env=os.environ) -> int:
    days = days_setting(env, ENV_DAYS)
    return DEFAULT_DAYS if days is None else days


def mailbox_path(store: Store, mailbox_id: str) -> Path:
    if not is_mailbox_id(mailbox_id):
        raise ValueError("not a mailbox id")
    return store.replies / (mailbox_id + SUFFIX)


def read_file(store: Store, mailbox_id: str) -> bytes | None:
    """A mailbox's ciphertext, or None when there is none (or it is not a plain, small file)."""
    try:
        fd = os.open(mailbox_path(store, mailbox_id), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        data = f.read(MAX_FILE + 1)
    return data if len(data) <= MAX_FILE else None


def delete(store: Store, mailbox_id: str) -> bool:
    try:
        overwrite_and_unlink(mailbox_path(store, mailbox_id))
    except FileNotFoundError:
        return False
    fsync_dir(store.replies)
    return True


def present(store: Store) -> list[dict]:
    """The mailboxes on the server and the day each was delivered (for `collect`, which tells
    the desk which delivered mailboxes are gone: read and deleted by their source, or expired)."""
    out = []
    for path in sorted(store.replies.glob("*" + SUFFIX)) if store.replies.is_dir() else []:
        mailbox_id = path.name[: -len(SUFFIX)]
        if is_mailbox_id(mailbox_id):
            out.append({"id": mailbox_id, "day": time.strftime("%Y-%m-%d", time.gmtime(path.stat().st_mtime))})
    return out


def expire(store: Store, days: int, now: float | None = None) -> int:
    """Delete mailboxes delivered more than `days` days ago. Returns how many (never which)."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    deleted = 0
    for path in sorted(store.replies.glob("*" + SUFFIX)) if store.replies.is_dir() else []:
        try:
            if path.stat().st_mtime < cutoff:
                overwrite_and_unlink(path)
                deleted += 1
        except FileNotFoundError:
            pass
    if deleted:
        fsync_dir(store.replies)
    return deleted


def _prepare(store: Store) -> None:
    store.replies.mkdir(mode=0o700, parents=False, exist_ok=True)
    for leftover in store.replies.glob(_STAGED + "*"):
        shutil.rmtree(leftover)  # never completed: none of it was delivered
    for complete in sorted(store.replies.glob(_PLACING + "*")):
        _place(store, complete)


def _place(store: Store, folder: Path) -> int:
    day = day_start()
    placed = 0
    for path in sorted(folder.glob("*" + SUFFIX)):
        os.utime(path, (day, day))  # the folder says no more than the day of a delivery
        os.replace(path, store.replies / path.name)
        placed += 1
    fsync_dir(store.replies)
    folder.rmdir()
    fsync_dir(store.replies)
    return placed


def deliver(store: Store, entries: list[Entry]) -> int:
    """Place verified entries (batch.read_batch_*), all or none; returns how many mailboxes."""
    _prepare(store)
    staged = store.replies / (_STAGED + secrets.token_hex(8))
    staged.mkdir(mode=0o700)
    try:
        for entry in entries:
            with AtomicFile(staged / entry.name, sync_dir=False) as f:
                f.write(entry.data)
        fsync_dir(staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    placing = store.replies / (_PLACING + staged.name[len(_STAGED):])
    os.rename(staged, placing)  # the commit: from here on the batch is delivered whole
    fsync_dir(store.replies)
    return _place(store, placing)
