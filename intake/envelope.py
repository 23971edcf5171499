"""The submission envelope: a ZIP archive streamed straight into an age encryptor.

One envelope per request. Attachment parts are written into it as they arrive from the
network (before the form is validated: multipart puts them wherever the browser likes), so no
plaintext is ever buffered on disk. After validation, report.json and a padding entry are
added and the file is sealed; or the whole envelope is discarded.

Plaintext layout (see docs/submission-format.md):
    attachments/NN-<safe name>   each upload, byte for byte (stored, streamed, ZIP64-ready)
    report.json                  the answers and the attachment list with sizes and SHA-256
    padding                      zeros that bring the archive to its Padmé size
"""

import hashlib
import json
import os
import secrets
import unicodedata
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from . import age
from .atomic import sync_file
from .padding import padme
from .submission.layout import PADDING_ENTRY, REPORT_ENTRY, attachment_entry
from .submission.report import Answers

_ZIP_END_RECORD = 22
_ZIP64_END_RECORDS = 56 + 20
_ZIP_LOCAL_HEADER = 30
_ZIP_CENTRAL_HEADER = 46
_DATA_DESCRIPTOR = 16
_ZEROS = bytes(1 << 16)
MAX_NAME_BYTES = 120
_RESERVED = set(':*?"<>|')


class TooManyAttachments(Exception):
    """More attachments than the configured limit."""


def safe_entry_name(index: int, original: str) -> str:
    """A harmless archive name that keeps the readable part of the original name.

    Only the last path component survives; control, format and Windows-reserved characters go;
    the name may not start with a dot; it is cut to MAX_NAME_BYTES of UTF-8 (file systems
    count bytes), keeping the extension. No path traversal or hidden files when staff unzip it.
    """
    name = unicodedata.normalize("NFC", original).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if (unicodedata.category(c)[0] not in "CZ" or c == " ") and c not in _RESERVED)
    name = name.strip(" .").replace(" ", "_") or "file"
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode()) > 16:
        stem, dot, extension = name, "", ""
    budget = MAX_NAME_BYTES - len(dot + extension)
    stem = stem.encode()[:budget].decode("utf-8", "ignore")
    return attachment_entry(index, f"{stem}{dot}{extension}")


def clean_original_name(name: str) -> str:
    """The uploaded name as staff will see it: no folders, no control characters, bounded length."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))[:255]


def clean_declared_type(value: str) -> str:
    """The browser's Content-Type for a file, as recorded: no control or format characters, 100 at most."""
    return "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cf"))[:100]


@dataclass
class AttachmentRecord:
    entry: str
    original_name: str
    declared_type: str
    size: int
    sha256: str


class _CountingWriter:
    """Gives zipfile a tell() over the unseekable age writer, counting plaintext bytes."""

    def __init__(self, sink):
        self._sink = sink
        self.position = 0
        self.discarding = False  # set when the envelope is dropped: later writes go nowhere

    def write(self, data) -> int:
        if not self.discarding:
            self._sink.write(data)
        n = len(data)
        self.position += n
        return n

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass


class AttachmentSink:
    """A write-only file object for one uploaded file; Werkzeug's parser writes into it.

    The ZIP entry is opened on the first byte: an empty file field (no file chosen) leaves
    no trace in the archive.
    """

    def __init__(self, envelope: "Envelope", original_name: str, declared_type: str):
        self._envelope = envelope
        self.original_name = original_name
        self.declared_type = declared_type
        self._entry = None
        self._name = None
        self._hash = hashlib.sha256()
        self.size = 0
        self.closed = False

    def write(self, data) -> int:
        if not data:
            return 0
        if self._entry is None:
            self._name, self._entry = self._envelope._open_entry(self.original_name)
        self._entry.write(data)
        self._hash.update(data)
        self.size += len(data)
        return len(data)

    # The multipart parser rewinds the container after writing; there is nothing to rewind.
    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def tell(self) -> int:
        return self.size

    def read(self, size: int = -1) -> bytes:
        return b""  # the plaintext is gone into the ciphertext; there is nothing to read back

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._entry is not None:
            self._entry.close()
            self._envelope.attachments.append(
                AttachmentRecord(self._name, self.original_name, self.declared_type, self.size, self._hash.hexdigest())
            )


class Envelope:
    """A pending submission: ciphertext in `temp_path` until sealed or discarded."""

    def __init__(self, recipients, temp_dir: Path, *, max_attachments: int = 20):
        # The pid lets the server remove a crashed worker's leftovers (gunicorn_conf.child_exit).
        self.temp_path = Path(temp_dir) / f"{os.getpid()}-{secrets.token_hex(16)}.part"
        fd = os.open(self.temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        # A 64 KiB buffer: whole ciphertext chunks (64 KiB + tag) then go to the file uncopied.
        self._file = os.fdopen(fd, "wb", buffering=1 << 16)
        try:
            self._age = age.encrypt(recipients, self._file)
        except BaseException:  # e.g. a full disk while writing the header: leave nothing behind
            self._file.close()
            os.unlink(self.temp_path)
            raise
        self._out = _CountingWriter(self._age)
        self._zip = zipfile.ZipFile(self._out, "w", compression=zipfile.ZIP_STORED)
        self._sink: AttachmentSink | None = None
        self.attachments: list[AttachmentRecord] = []
        self._max_attachments = max_attachments
        self.sealed = False  # the age file is complete (the caller then publishes it)
        self._discarded = False

    def attachment_sink(self, original_name: str, declared_type: str) -> AttachmentSink:
        self._close_sink()  # parts arrive one after another; the previous one is complete
        self._sink = AttachmentSink(self, clean_original_name(original_name or ""), clean_declared_type(declared_type or ""))
        return self._sink

    def _open_entry(self, original_name: str):
        index = len(self.attachments) + 1
        if index > self._max_attachments:
            raise TooManyAttachments()
        name = safe_entry_name(index, original_name)
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        return name, self._zip.open(info, "w", force_zip64=True)

    def _close_sink(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None

    def seal(self, report: Answers) -> Path:
        """Add report.json and padding, finish the age file and fsync it. Returns the temp path."""
        self._close_sink()
        stored = {**report, "attachments": [asdict(a) for a in self.attachments]}
        self._zip.writestr(_info(REPORT_ENTRY), json.dumps(stored, ensure_ascii=False, indent=1).encode())
        self._write_padding()
        self._zip.close()
        self._age.close()
        sync_file(self._file)
        self._file.close()
        self.sealed = True
        return self.temp_path

    def _write_padding(self) -> None:
        position = self._out.position
        remaining = 0
        # ZIP64 fields depend on the padding size itself, so settle it by iteration (once or
        # twice; the loop bound is only a guard).
        for _ in range(8):
            total = position + self._trailer_size(position, remaining)
            if total == padme(total):
                break
            remaining += padme(total) - total
        else:
            raise RuntimeError("padding did not settle")
        info = _info(PADDING_ENTRY)
        info.file_size = remaining
        with self._zip.open(info, "w") as pad:
            while remaining:
                step = min(remaining, len(_ZEROS))
                pad.write(_ZEROS[:step])
                remaining -= step

    def _trailer_size(self, position: int, padding: int) -> int:
        """Bytes from `position` to the end of the archive, padding entry of `padding` bytes included.

        Everything still to come is computable: the padding entry (local header, data, data
        descriptor), the central directory (one record per entry, with ZIP64 fields where
        zipfile adds them) and the end records.
        """
        pad = _info(PADDING_ENTRY)
        pad.file_size = pad.compress_size = padding
        pad.header_offset = position
        local = _ZIP_LOCAL_HEADER + len(PADDING_ENTRY.encode()) + padding + _DATA_DESCRIPTOR
        if padding * 1.05 > zipfile.ZIP64_LIMIT:  # zipfile then writes ZIP64 local fields
            local += 20 + 8
        central = 0
        for entry in [*self._zip.filelist, pad]:
            zip64_fields = 2 * (entry.file_size > zipfile.ZIP64_LIMIT or entry.compress_size > zipfile.ZIP64_LIMIT)
            zip64_fields += entry.header_offset > zipfile.ZIP64_LIMIT
            zip64_extra = 4 + 8 * zip64_fields if zip64_fields else 0
            central += _ZIP_CENTRAL_HEADER + len(entry.filename.encode()) + len(entry.extra) + zip64_extra + len(entry.comment)
        end = _ZIP_END_RECORD
        if position + local > zipfile.ZIP64_LIMIT or central > zipfile.ZIP64_LIMIT:
            end += _ZIP64_END_RECORDS
        return local + central + end

    def discard(self) -> None:
        """Remove the temp file, whatever happened: unfinished, or sealed but never published
        (a failed publish), or already published (the temp name is then gone). Idempotent."""
        if self._discarded:
            return
        self._discarded = True
        if not self.sealed:
            # Let zipfile finish its bookkeeping into nothing, so it never writes again later.
            self._out.discarding = True
            for close in (self._close_sink, self._zip.close, self._file.close):
                try:
                    close()
                except (OSError, ValueError):
                    pass
        try:
            os.unlink(self.temp_path)
        except FileNotFoundError:
            pass


def _info(name: str) -> zipfile.ZipInfo:
    # A fixed timestamp: the exact receive time is in report.json, inside the ciphertext only.
    return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))

