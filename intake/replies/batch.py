"""A delivery batch: the mailbox files the desk made, carried to the server on a stick.

    BATCH/manifest.json   {"schema": "intake.replies-batch/1",
                           "mailboxes": [{"id": "<mailbox id>", "size": N, "sha256": "<hex>"}, …]}
    BATCH/<mailbox id>.age   one per mailbox: age, to the mailbox's own recipient only

or the same entries as a tar stream (`intake replies export --out -`). Only ciphertext: the
manifest names mailbox ids, never a case. The server checks everything (read_batch) before it
places anything: a batch with one bad entry is refused whole, with one line saying which.
"""

import hashlib
import io
import json
import os
import re
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path

from ..age.errors import AgeError
from ..age.format import parse_header
from ..atomic import AtomicFile, fsync_dir
from ..errors import UserError
from .mailbox import is_mailbox_id

SCHEMA = "intake.replies-batch/1"
MANIFEST = "manifest.json"
SUFFIX = ".age"
MAX_FILE = 1 << 20  # bytes of one mailbox file: content.MAX_PLAINTEXT padded, plus the age overhead
MAX_MAILBOXES = 20_000
MAX_MANIFEST = MAX_MAILBOXES * 160
_HEX = re.compile(r"[0-9a-f]{64}")


class BadBatch(UserError):
    """A batch that is refused whole (nothing of it is delivered)."""


@dataclass(frozen=True)
class Entry:
    id: str
    data: bytes  # the mailbox file, verified against the manifest

    @property
    def name(self) -> str:
        return self.id + SUFFIX


def manifest_bytes(entries: list[Entry]) -> bytes:
    doc = {"schema": SCHEMA, "mailboxes": [{"id": e.id, "size": len(e.data), "sha256": hashlib.sha256(e.data).hexdigest()}
                                           for e in entries]}
    return json.dumps(doc, indent=1).encode() + b"\n"


def write_batch_dir(folder: Path, entries: list[Entry]) -> None:
    """Write a batch into an empty (or new) folder; the manifest last, so a batch interrupted
    while being written has none and is refused by deliver."""
    folder.mkdir(mode=0o700, exist_ok=True)
    if any(folder.iterdir()):
        raise UserError(f"{folder} is not empty", hint="give a new or empty folder for the batch")
    for entry in entries:
        with AtomicFile(folder / entry.name, sync_dir=False) as f:
            f.write(entry.data)
    with AtomicFile(folder / MANIFEST, sync_dir=False) as f:
        f.write(manifest_bytes(entries))
    fsync_dir(folder)


def write_batch_tar(stream, entries: list[Entry]) -> None:
    with tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for name, data in [(e.name, e.data) for e in entries] + [(MANIFEST, manifest_bytes(entries))]:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))


def _manifest(data: bytes) -> list[dict]:
    if len(data) > MAX_MANIFEST:
        raise BadBatch("the batch manifest is too large")
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadBatch("the batch manifest is not JSON") from None
    if type(doc) is not dict or set(doc) != {"schema", "mailboxes"} or doc["schema"] != SCHEMA:
        raise BadBatch(f"the batch manifest is not an {SCHEMA} manifest")
    rows = doc["mailboxes"]
    if type(rows) is not list or len(rows) > MAX_MAILBOXES:
        raise BadBatch(f"the batch manifest must list at most {MAX_MAILBOXES} mailboxes")
    seen = set()
    for n, row in enumerate(rows, 1):
        if type(row) is not dict or set(row) != {"id", "size", "sha256"}:
            raise BadBatch(f"manifest entry {n} has unexpected fields")
        if type(row["id"]) is not str or not is_mailbox_id(row["id"]):
            raise BadBatch(f"manifest entry {n} does not name a mailbox")
        if row["id"] in seen:
            raise BadBatch(f"manifest entry {n}: mailbox {row['id']} is listed twice")
        if type(row["size"]) is not int or not 0 < row["size"] <= MAX_FILE:
            raise BadBatch(f"manifest entry {n}: the size is not between 1 and {MAX_FILE} bytes")
        if type(row["sha256"]) is not str or not _HEX.fullmatch(row["sha256"]):
            raise BadBatch(f"manifest entry {n}: the SHA-256 is not 64 hex digits")
        seen.add(row["id"])
    return rows


def _check_file(name: str, data: bytes, row: dict) -> Entry:
    if len(data) != row["size"] or hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise BadBatch(f"{name} does not match the manifest (size or SHA-256): damaged or changed")
    try:
        header = parse_header(io.BytesIO(data))
    except AgeError as exc:
        raise BadBatch(f"{name} is not an age file ({exc})") from None
    # A mailbox file is sealed to its mailbox's recipient alone (intake/replies/export.py).
    if [s.type for s in header.stanzas] != ["mlkem768x25519"]:
        raise BadBatch(f"{name} is not sealed to one post-quantum mailbox recipient")
    return Entry(row["id"], data)


def _entry_name(name: str) -> str | None:
    """The mailbox id of a batch entry's file name, or None for a name a batch never holds."""
    if name == MANIFEST:
        return None
    if not name.endswith(SUFFIX) or not is_mailbox_id(name[: -len(SUFFIX)]):
        raise BadBatch(f"unexpected entry {name[:80]!r} in the batch (only {MANIFEST} and <mailbox id>{SUFFIX})")
    return name[: -len(SUFFIX)]


def _verified(files: dict[str, bytes]) -> list[Entry]:
    if MANIFEST not in files:
        raise BadBatch(f"the batch has no {MANIFEST} (was it written completely?)")
    rows = _manifest(files[MANIFEST])
    listed = {row["id"] + SUFFIX: row for row in rows}
    extra = sorted(set(files) - set(listed) - {MANIFEST})
    if extra:
        raise BadBatch(f"{extra[0]} is in the batch but not in its manifest")
    missing = sorted(set(listed) - set(files))
    if missing:
        raise BadBatch(f"{missing[0]} is listed in the manifest but missing from the batch")
    return [_check_file(name, files[name], row) for name, row in listed.items()]


def read_batch_dir(folder: Path) -> list[Entry]:
    """The verified entries of a batch folder; BadBatch (nothing placed) if anything is wrong."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise BadBatch(f"cannot read the batch folder {folder} ({exc.strerror})") from None
    if len(names) > MAX_MAILBOXES + 1:
        raise BadBatch(f"the batch holds more than {MAX_MAILBOXES} mailboxes")
    files = {}
    for name in names:
        _entry_name(name)
        path = folder / name
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise BadBatch(f"{name} in the batch is not a regular file")
        limit = MAX_MANIFEST if name == MANIFEST else MAX_FILE
        if info.st_size > limit:
            raise BadBatch(f"{name} in the batch is larger than {limit} bytes")
        with open(path, "rb") as f:
            files[name] = f.read(limit + 1)
    return _verified(files)


def read_batch_tar(stream) -> list[Entry]:
    """The verified entries of a batch tar stream; BadBatch if anything is wrong."""
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                _entry_name(member.name)
                if not member.isreg():
                    raise BadBatch(f"{member.name[:80]!r} in the batch is not a regular file")
                if member.name in files:
                    raise BadBatch(f"{member.name} is in the batch twice")
                if len(files) > MAX_MAILBOXES:
                    raise BadBatch(f"the batch holds more than {MAX_MAILBOXES} mailboxes")
                limit = MAX_MANIFEST if member.name == MANIFEST else MAX_FILE
                if member.size > limit:
                    raise BadBatch(f"{member.name} in the batch is larger than {limit} bytes")
                extracted = tar.extractfile(member)
                files[member.name] = extracted.read() if extracted else b""
    except tarfile.TarError as exc:
        raise BadBatch(f"the batch is not a readable tar stream ({exc.__class__.__name__})") from None
    return _verified(files)
