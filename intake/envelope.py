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
from .padding import padme

REPORT_ENTRY = "report.json"
PADDING_ENTRY = "padding"
_ZIP_END_RECORD = 22
_ZIP64_END_RECORDS = 56 + 20
_ZIP_LOCAL_HEADER = 30
_ZIP_CENTRAL_HEADER = 46
_DATA_DESCRIPTOR = 16
_ZEROS = bytes(1 << 16)
MAX_NAME_LENGTH = 80


class TooManyAttachments(Exception):
    """More attachments than the configured limit."""


def safe_entry_name(index: int, original: str) -> str:
    """A harmless archive name that keeps the readable part of the original name.

    Only the last path component survives, control and format characters go, and the name
    may not start with a dot: no path traversal or hidden files when staff unzip it.
    """
    name = unicodedata.normalize("NFC", original).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ").strip(" .")
    name = name.replace(" ", "_")[-MAX_NAME_LENGTH:] or "file"
    return f"attachments/{index:02d}-{name}"


def clean_original_name(name: str) -> str:
    """The uploaded name as staff will see it: no folders, no control characters, bounded length."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))[:255]


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

    def write(self, data) -> int:
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
            self._envelope._record(
                AttachmentRecord(self._name, self.original_name, self.declared_type, self.size, self._hash.hexdigest())
            )


class Envelope:
    """A pending submission: ciphertext in `temp_path` until sealed or discarded."""

    def __init__(self, recipients, temp_dir: Path, *, max_attachments: int = 20):
        # The pid lets the server remove a crashed worker's leftovers (gunicorn_conf.child_exit).
        self.temp_path = Path(temp_dir) / f"{os.getpid()}-{secrets.token_hex(16)}.part"
        fd = os.open(self.temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb", buffering=1 << 20)
        self._age = age.encrypt(recipients, self._file)
        self._out = _CountingWriter(self._age)
        self._zip = zipfile.ZipFile(self._out, "w", compression=zipfile.ZIP_STORED)
        self._sinks: list[AttachmentSink] = []
        self.attachments: list[AttachmentRecord] = []
        self._max_attachments = max_attachments
        self.sealed = False

    def attachment_sink(self, original_name: str, declared_type: str) -> AttachmentSink:
        self._close_sinks()  # parts arrive one after another; the previous one is complete
        sink = AttachmentSink(self, clean_original_name(original_name or ""), (declared_type or "")[:100])
        self._sinks.append(sink)
        return sink

    def _open_entry(self, original_name: str):
        index = len(self.attachments) + 1
        if index > self._max_attachments:
            raise TooManyAttachments()
        name = safe_entry_name(index, original_name)
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        return name, self._zip.open(info, "w", force_zip64=True)

    def _record(self, record: AttachmentRecord) -> None:
        self.attachments.append(record)

    def _close_sinks(self) -> None:
        for sink in self._sinks:
            sink.close()
        self._sinks.clear()

    def seal(self, report: dict) -> Path:
        """Add report.json and padding, finish the age file and fsync it. Returns the temp path."""
        self._close_sinks()
        report = dict(report, attachments=[asdict(a) for a in self.attachments])
        self._zip.writestr(_info(REPORT_ENTRY), json.dumps(report, ensure_ascii=False, indent=1).encode())
        self._write_padding()
        self._zip.close()
        self._age.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.sealed = True
        return self.temp_path

    def _write_padding(self) -> None:
        # Everything still to come is computable: the padding entry's local header and data
        # descriptor, then the central directory (one record per entry) and the end record.
        entries = [*self._zip.filelist, _info(PADDING_ENTRY)]
        central = sum(_ZIP_CENTRAL_HEADER + len(e.filename.encode()) + len(e.extra) + len(e.comment) for e in entries)
        overhead = _ZIP_LOCAL_HEADER + len(PADDING_ENTRY) + _DATA_DESCRIPTOR + central + _ZIP_END_RECORD
        if self._out.position + overhead > zipfile.ZIP64_LIMIT:
            overhead += _ZIP64_END_RECORDS
        unpadded = self._out.position + overhead
        remaining = padme(unpadded) - unpadded
        info = _info(PADDING_ENTRY)
        info.file_size = remaining
        with self._zip.open(info, "w") as pad:
            while remaining:
                step = min(remaining, len(_ZEROS))
                pad.write(_ZEROS[:step])
                remaining -= step

    def discard(self) -> None:
        """Remove the pending ciphertext. Safe to call at any point, and more than once."""
        if self.sealed:
            return
        try:
            self._file.close()
        except (OSError, ValueError):
            pass
        try:
            os.unlink(self.temp_path)
        except FileNotFoundError:
            pass
        self.sealed = True  # nothing left to seal


def _info(name: str) -> zipfile.ZipInfo:
    # A fixed timestamp: the exact receive time is in report.json, inside the ciphertext only.
    return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))

