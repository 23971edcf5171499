"""A delivery batch: the mailbox files the desk made, carried to the server on a stick.

    BATCH/manifest.json   {"schema": "intake.replies-batch/2", "batch": "<32 hex digits, random>",
                           "mailboxes": [{"id": "<mailbox id>", "size": N, "sha256": "<hex>"}, …]}
    BATCH/<mailbox id>.age   one per mailbox: age, to the mailbox's own recipient only

or the same entries as a tar stream (`intake replies export --out -`). Only ciphertext: the
manifest names mailbox ids, never a case. The batch id is random: the server keeps it, with the
day, as the note that tells the desk the batch was placed (store.py), and nothing else of it.

The server checks everything before it places anything: receive_dir and receive_tar hand each
checked file to the caller's staging one at a time (so a batch never sits whole in memory) and
end by matching what they handed over against the manifest. A batch with one bad entry is
refused whole, with one line saying which, and its staging thrown away.
"""

import hashlib
import io
import json
import os
import re
import secrets
import stat
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..age.errors import AgeError
from ..age.format import parse_header
from ..atomic import AtomicFile, fsync_dir
from ..errors import UserError
from .mailbox import is_mailbox_id

SCHEMA = "intake.replies-batch/2"
MANIFEST = "manifest.json"
SUFFIX = ".age"
MAX_FILE = 1 << 20  # bytes of one mailbox file: content.MAX_PLAINTEXT padded, plus the age overhead
MAX_MAILBOXES = 20_000
MAX_MANIFEST = MAX_MAILBOXES * 160
MAX_TOTAL = 256 << 20  # bytes of all the mailbox files of one batch
_HEX = re.compile(r"[0-9a-f]{64}")
_BATCH_ID = re.compile(r"[0-9a-f]{32}")


class BadBatch(UserError):
    """A batch that is refused whole (nothing of it is delivered)."""


@dataclass(frozen=True)
class Entry:
    id: str
    data: bytes  # the mailbox file

    @property
    def name(self) -> str:
        return self.id + SUFFIX


Stage = Callable[[Entry], None]


def new_batch_id() -> str:
    return secrets.token_hex(16)


def is_batch_id(text) -> bool:
    return type(text) is str and _BATCH_ID.fullmatch(text) is not None


def manifest_bytes(batch_id: str, entries: list[Entry]) -> bytes:
    doc = {"schema": SCHEMA, "batch": batch_id,
           "mailboxes": [{"id": e.id, "size": len(e.data), "sha256": hashlib.sha256(e.data).hexdigest()} for e in entries]}
    return json.dumps(doc, indent=1).encode() + b"\n"


def write_batch_dir(folder: Path, batch_id: str, entries: list[Entry]) -> None:
    """Write a batch into an empty (or new) folder; the manifest last, so a batch interrupted
    while being written has none and is refused by deliver."""
    folder.mkdir(mode=0o700, exist_ok=True)
    if any(folder.iterdir()):
        raise UserError(f"{folder} is not empty", hint="give a new or empty folder for the batch")
    for entry in entries:
        with AtomicFile(folder / entry.name, sync_dir=False) as f:
            f.write(entry.data)
    with AtomicFile(folder / MANIFEST, sync_dir=False) as f:
        f.write(manifest_bytes(batch_id, entries))
    fsync_dir(folder)


def write_batch_tar(stream, batch_id: str, entries: list[Entry]) -> None:
    with tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for name, data in [(e.name, e.data) for e in entries] + [(MANIFEST, manifest_bytes(batch_id, entries))]:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))


def _manifest(data: bytes) -> tuple[str, dict[str, dict]]:
    """The batch id and the rows of a manifest, by file name."""
    if len(data) > MAX_MANIFEST:
        raise BadBatch("the batch manifest is too large")
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadBatch("the batch manifest is not JSON") from None
    if type(doc) is not dict or set(doc) != {"schema", "batch", "mailboxes"} or doc["schema"] != SCHEMA:
        raise BadBatch(f"the batch manifest is not an {SCHEMA} manifest (made by another version of intake?)")
    if not is_batch_id(doc["batch"]):
        raise BadBatch("the batch manifest has no batch id of 32 hex digits")
    rows = doc["mailboxes"]
    if type(rows) is not list or len(rows) > MAX_MAILBOXES:
        raise BadBatch(f"the batch manifest must list at most {MAX_MAILBOXES} mailboxes")
    listed: dict[str, dict] = {}
    for n, row in enumerate(rows, 1):
        if type(row) is not dict or set(row) != {"id", "size", "sha256"}:
            raise BadBatch(f"manifest entry {n} has unexpected fields")
        if type(row["id"]) is not str or not is_mailbox_id(row["id"]):
            raise BadBatch(f"manifest entry {n} does not name a mailbox")
        if row["id"] + SUFFIX in listed:
            raise BadBatch(f"manifest entry {n}: mailbox {row['id']} is listed twice")
        if type(row["size"]) is not int or not 0 < row["size"] <= MAX_FILE:
            raise BadBatch(f"manifest entry {n}: the size is not between 1 and {MAX_FILE} bytes")
        if type(row["sha256"]) is not str or not _HEX.fullmatch(row["sha256"]):
            raise BadBatch(f"manifest entry {n}: the SHA-256 is not 64 hex digits")
        listed[row["id"] + SUFFIX] = row
    if sum(row["size"] for row in listed.values()) > MAX_TOTAL:
        raise BadBatch(f"the batch manifest lists more than {_mib(MAX_TOTAL)} of mailbox files")
    return doc["batch"], listed


def _mib(size: int) -> str:
    return f"{size / (1 << 20):g} MiB"


def _entry_name(name: str) -> str | None:
    """The mailbox id of a batch entry's file name, or None for the manifest; BadBatch for a
    name a batch never holds."""
    if name == MANIFEST:
        return None
    if not name.endswith(SUFFIX) or not is_mailbox_id(name[: -len(SUFFIX)]):
        raise BadBatch(f"unexpected entry {name[:80]!r} in the batch (only {MANIFEST} and <mailbox id>{SUFFIX})")
    return name[: -len(SUFFIX)]


def _sealed_entry(mailbox_id: str, data: bytes) -> Entry:
    name = mailbox_id + SUFFIX
    try:
        header = parse_header(io.BytesIO(data))
    except AgeError as exc:
        raise BadBatch(f"{name} is not an age file ({exc})") from None
    # A mailbox file is sealed to its mailbox's recipient alone (intake/desk/replies.py).
    if [s.type for s in header.stanzas] != ["mlkem768x25519"]:
        raise BadBatch(f"{name} is not sealed to one post-quantum mailbox recipient")
    return Entry(mailbox_id, data)


class _Received:
    """What a batch handed over so far, matched against its manifest at the end."""

    def __init__(self, stage: Stage):
        self.stage, self.total = stage, 0
        self.sums: dict[str, tuple[int, str]] = {}

    def size(self, name: str, size: int) -> None:
        """Refuse a file by its size before it is read."""
        limit = MAX_MANIFEST if name == MANIFEST else MAX_FILE
        if size > limit:
            raise BadBatch(f"{name} in the batch is larger than {limit} bytes")
        if name != MANIFEST:
            self.total += size
        if self.total > MAX_TOTAL:
            raise BadBatch(f"the batch holds more than {_mib(MAX_TOTAL)} of mailbox files")

    def file(self, name: str, data: bytes) -> None:
        mailbox_id = _entry_name(name)
        assert mailbox_id is not None, "the manifest is read apart"  # callers hand mailbox files only
        entry = _sealed_entry(mailbox_id, data)
        self.sums[name] = (len(data), hashlib.sha256(data).hexdigest())
        self.stage(entry)

    def check(self, manifest: bytes | None) -> str:
        if manifest is None:
            raise BadBatch(f"the batch has no {MANIFEST} (was it written completely?)")
        batch_id, listed = _manifest(manifest)
        extra = sorted(set(self.sums) - set(listed))
        if extra:
            raise BadBatch(f"{extra[0]} is in the batch but not in its manifest")
        missing = sorted(set(listed) - set(self.sums))
        if missing:
            raise BadBatch(f"{missing[0]} is listed in the manifest but missing from the batch")
        for name, row in sorted(listed.items()):
            if self.sums[name] != (row["size"], row["sha256"]):
                raise BadBatch(f"{name} does not match the manifest (size or SHA-256): damaged or changed")
        return batch_id


def _read_regular(path: Path, name: str, received: _Received) -> bytes:
    """A batch file's bytes, opened without following a link or waiting on a pipe."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise BadBatch(f"{name} in the batch is not a regular file") from None
        raise BadBatch(f"cannot read {name} in the batch ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise BadBatch(f"{name} in the batch is not a regular file")
        received.size(name, info.st_size)
        limit = MAX_MANIFEST if name == MANIFEST else MAX_FILE
        data = f.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise BadBatch(f"{name} in the batch is larger than {limit} bytes")
    return data


def receive_dir(folder: Path, stage: Stage) -> str:
    """Check a batch folder, handing each mailbox file to `stage`; its batch id, or BadBatch."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise BadBatch(f"cannot read the batch folder {folder} ({exc.strerror})") from None
    if len(names) > MAX_MAILBOXES + 1:
        raise BadBatch(f"the batch holds more than {MAX_MAILBOXES} mailboxes")
    for name in names:
        _entry_name(name)
    if MANIFEST not in names:
        raise BadBatch(f"the batch has no {MANIFEST} (was it written completely?)")
    received = _Received(stage)
    manifest = _read_regular(folder / MANIFEST, MANIFEST, received)
    _manifest(manifest)  # a bad manifest (or too large a batch) is refused before any file is read
    for name in names:
        if name != MANIFEST:
            received.file(name, _read_regular(folder / name, name, received))
    return received.check(manifest)


def receive_tar(stream, stage: Stage) -> str:
    """Check a batch tar stream, handing each mailbox file to `stage`; its batch id, or BadBatch."""
    received, manifest = _Received(stage), None
    seen: set[str] = set()
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                _entry_name(member.name)
                if not member.isreg():
                    raise BadBatch(f"{member.name[:80]!r} in the batch is not a regular file")
                if member.name in seen:
                    raise BadBatch(f"{member.name} is in the batch twice")
                if len(seen) > MAX_MAILBOXES:
                    raise BadBatch(f"the batch holds more than {MAX_MAILBOXES} mailboxes")
                seen.add(member.name)
                received.size(member.name, member.size)
                extracted = tar.extractfile(member)
                data = extracted.read() if extracted else b""
                if member.name == MANIFEST:
                    manifest = data
                else:
                    received.file(member.name, data)
    except tarfile.TarError as exc:
        raise BadBatch(f"the batch is not a readable tar stream ({exc.__class__.__name__})") from None
    return received.check(manifest)
