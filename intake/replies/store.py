"""The server's replies folder: one ciphertext file per mailbox, placed by `intake deliver`.

    DATA_DIR/replies/<mailbox id>.age       mode 0600; its time is the day it was delivered
    DATA_DIR/replies/<batch id>.delivered   an empty note: that batch was placed (its time: the day)
    DATA_DIR/replies/.staged-<random>/      a batch being placed (removed if found unfinished)
    DATA_DIR/replies/.placing-<random>/     a batch fully staged: finished by the next deliver, collect or start
    DATA_DIR/replies/.lock                  taken by deliver, collect's listing and the retention

A batch is placed whole or not at all: every file is written and fsynced into a staging
folder, which is then renamed (one atomic step) to mark it complete; only then are its files
moved over the mailboxes they replace, and its delivery note last. A crash before that rename
leaves nothing delivered, one after it leaves a folder that the next `deliver` or `collect`, or
the server starting (Store.prepare), finishes.
A newer delivery replaces a mailbox's file (the desk sends whatever its source has not read).
A source's "delete" and the retention period (INTAKE_REPLY_RETENTION_DAYS) overwrite and
remove the file; the retention removes the notes too.

The notes are how the desk learns that a batch reached the server (collect lists them): a
mailbox missing from a listing means "read" only if the listing also has the note of a batch
that held it. A note names a random batch id and a day: no mailbox, no case.
"""

import contextlib
import fcntl
import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable
from pathlib import Path

from ..atomic import AtomicFile, fsync_dir
from ..retention import days_setting, overwrite_and_unlink
from ..store import Store, day_start
from .batch import MAX_FILE, SUFFIX, Entry, Stage, is_batch_id, receive_dir, receive_tar
from .mailbox import is_mailbox_id

ENV_DAYS = "INTAKE_REPLY_RETENTION_DAYS"
DEFAULT_DAYS = 30
NOTE_SUFFIX = ".delivered"
_STAGED, _PLACING, _LOCK = ".staged-", ".placing-", ".lock"


def reply_retention_days(env=os.environ) -> int:
    days = days_setting(env, ENV_DAYS)
    return DEFAULT_DAYS if days is None else days


def mailbox_path(store: Store, mailbox_id: str) -> Path:
    if not is_mailbox_id(mailbox_id):
        raise ValueError("not a mailbox id")
    return store.replies / (mailbox_id + SUFFIX)


def read_file(store: Store, mailbox_id: str) -> bytes | None:
    """A mailbox's ciphertext, or None when there is none (or it is not a plain, small file).
    Never follows a link nor waits on a pipe planted in its place."""
    try:
        fd = os.open(mailbox_path(store, mailbox_id), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return None
        data = f.read(MAX_FILE + 1)
    return data if len(data) <= MAX_FILE else None


def delete(store: Store, mailbox_id: str) -> bool:
    try:
        overwrite_and_unlink(mailbox_path(store, mailbox_id))
    except FileNotFoundError:
        return False
    fsync_dir(store.replies)
    return True


# Lock descriptors open in this process. A flock belongs to the open file, so a process forked
# while one is held (gunicorn forking a worker while the master's retention thread runs) would
# hold the lock as long as it lives and block every deliver: the child closes its copies at once.
_HELD: set[int] = set()


def _close_held_in_child() -> None:
    for fd in list(_HELD):
        os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_held_in_child)


@contextlib.contextmanager
def _locked(store: Store):
    """One deliver, listing or retention run at a time on this replies folder."""
    fd = os.open(store.replies / _LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    _HELD.add(fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)


def _day(path: Path) -> str | None:
    """The day a file was placed (its time), or None if it is gone or not a plain file."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:  # deleted meanwhile (a source deleting their messages)
        return None
    return time.strftime("%Y-%m-%d", time.gmtime(info.st_mtime)) if stat.S_ISREG(info.st_mode) else None


def _listed(store: Store, suffix: str, valid: Callable[[str], bool]) -> list[tuple[str, str]]:
    out = []
    for path in sorted(store.replies.glob("*" + suffix)):
        name = path.name[: -len(suffix)]
        if valid(name) and (day := _day(path)) is not None:
            out.append((name, day))
    return out


def listing(store: Store) -> tuple[list[dict], list[dict]]:
    """For `collect`: the mailboxes on the server with the day each was delivered, and the
    delivery notes (batch id, day). Finishes a delivery left half-placed first, so a batch is
    in a listing whole (its mailboxes and its note) or not at all."""
    if not store.replies.is_dir():
        return [], []
    with _locked(store):
        _finish(store)
        mailboxes = [{"id": i, "day": d} for i, d in _listed(store, SUFFIX, is_mailbox_id)]
        notes = [{"batch": b, "day": d} for b, d in _listed(store, NOTE_SUFFIX, is_batch_id)]
    return mailboxes, notes


def _expire_file(path: Path, cutoff: float) -> bool:
    """Delete a plain file placed before `cutoff`; never one a link points at."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_mtime >= cutoff:
            return False
        overwrite_and_unlink(path)
    except FileNotFoundError:
        return False
    return True


def expire(store: Store, days: int, now: float | None = None) -> int:
    """Delete mailboxes (and delivery notes) placed more than `days` days ago. Returns how many
    mailboxes (never which)."""
    if not store.replies.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - days * 86400
    with _locked(store):
        deleted = sum(_expire_file(path, cutoff) for path in sorted(store.replies.glob("*" + SUFFIX)))
        notes = sum(_expire_file(path, cutoff) for path in sorted(store.replies.glob("*" + NOTE_SUFFIX)))
    if deleted or notes:
        fsync_dir(store.replies)
    return deleted


def finish_deliveries(store: Store) -> None:
    """Finish what an interrupted delivery left (Store.prepare, when the server starts)."""
    with _locked(store):
        _finish(store)


def _finish(store: Store) -> None:
    """Remove what an interrupted delivery left unfinished; place what it had completed."""
    for leftover in store.replies.glob(_STAGED + "*"):
        shutil.rmtree(leftover)  # never completed: none of it was delivered
    for complete in sorted(store.replies.glob(_PLACING + "*")):
        _place(store, complete)


def _place(store: Store, folder: Path) -> int:
    day = day_start()
    placed = 0
    mailboxes = sorted(folder.glob("*" + SUFFIX))
    for path in mailboxes + sorted(folder.glob("*" + NOTE_SUFFIX)):  # the note last
        os.utime(path, (day, day))  # the folder says no more than the day of a delivery
        os.replace(path, store.replies / path.name)
        placed += path in mailboxes
    fsync_dir(store.replies)
    folder.rmdir()
    fsync_dir(store.replies)
    return placed


def _stage(folder: Path) -> Stage:
    def write(entry: Entry) -> None:
        with AtomicFile(folder / entry.name, sync_dir=False) as f:
            f.write(entry.data)
    return write


def deliver(store: Store, receive: Callable[[Stage], str]) -> int:
    """Place a batch all or none: `receive` checks it, handing each mailbox file to the staging
    as it goes (batch.receive_dir or receive_tar), and returns its batch id. Returns how many
    mailboxes were placed."""
    store.replies.mkdir(mode=0o700, parents=False, exist_ok=True)
    with _locked(store):
        _finish(store)
        staged = store.replies / (_STAGED + secrets.token_hex(8))
        staged.mkdir(mode=0o700)
        try:
            batch_id = receive(_stage(staged))
            with AtomicFile(staged / (batch_id + NOTE_SUFFIX), sync_dir=False):
                pass
            fsync_dir(staged)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        placing = store.replies / (_PLACING + staged.name[len(_STAGED):])
        os.rename(staged, placing)  # the commit: from here on the batch is delivered whole
        fsync_dir(store.replies)
        return _place(store, placing)


def deliver_dir(store: Store, folder: Path) -> int:
    return deliver(store, lambda stage: receive_dir(folder, stage))


def deliver_tar(store: Store, stream) -> int:
    return deliver(store, lambda stage: receive_tar(stream, stage))
