"""The strict reader of a submission's plaintext: a ZIP archive exactly as our server writes it.

`read_archive(f)` takes any seekable binary file (the desk passes age's random-access reader,
the tests plain bytes) and returns an `Archive` whose `report` has passed the schema, or raises
SubmissionError. Before zipfile parses anything, the end records are read by hand, so a file
that claims 60,000 entries or a huge central directory costs a few bytes of reading. Then every
entry must be what envelope.py writes: stored (never compressed, so no entry expands), not
encrypted, a regular file, named report.json, padding or attachments/NN-<safe name>, once each,
not overlapping another, and every attachment listed in the report with its size (and, when
read, its SHA-256). Docs: docs/submission-format.md ("What the desk accepts").
"""

import hashlib
import hmac
import json
import re
import stat
import struct
import zipfile
from dataclasses import dataclass

from . import caps
from .errors import SubmissionError
from .schema import entry_name, validate_report

REPORT_ENTRY = "report.json"
PADDING_ENTRY = "padding"

_END = struct.Struct("<4sHHHHIIH")  # end of central directory record, 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sIQI")  # 20 bytes
_ZIP64_END = struct.Struct("<4sQHHIIQQQQ")  # 56 bytes
_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # local file header, 30 bytes
_FLAG_ENCRYPTED, _FLAG_DESCRIPTOR, _FLAG_STRONG, _FLAG_MASKED = 0x1, 0x8, 0x40, 0x2000
# What can go wrong inside zipfile and json on hostile bytes (age errors pass through: they
# mean a damaged ciphertext, which the importer reports as such).
_PARSE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error, NotImplementedError,
                 OverflowError, KeyError, IndexError, RecursionError)


def _refuse(reason: str):
    raise SubmissionError(reason)


@dataclass(frozen=True)
class _Directory:
    entries: int
    size: int
    offset: int
    end: int  # where the end records start: the central directory must end there


def _read_at(f, offset: int, size: int) -> bytes:
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        _refuse("the ZIP archive is truncated")
    return data


def _directory(f, length: int) -> _Directory:
    """The central directory's place and size, from the end records, checked against the caps."""
    if length < _END.size:
        _refuse("not a ZIP archive (too short)")
    signature, disk, cd_disk, here, entries, size, offset, comment = _END.unpack(_read_at(f, length - _END.size, _END.size))
    # Our writer adds no archive comment, so the end record is the archive's last 22 bytes.
    if signature != b"PK\x05\x06" or comment:
        _refuse("not a ZIP archive written by the intake server (no end record at the end)")
    end = length - _END.size
    if 0xFFFF in (disk, cd_disk, here, entries) or 0xFFFFFFFF in (size, offset):
        if end < _ZIP64_LOCATOR.size:
            _refuse("the ZIP64 end records are missing")
        sig, _, zip64_offset, disks = _ZIP64_LOCATOR.unpack(_read_at(f, end - _ZIP64_LOCATOR.size, _ZIP64_LOCATOR.size))
        if sig != b"PK\x06\x07" or disks > 1 or zip64_offset != end - _ZIP64_LOCATOR.size - _ZIP64_END.size:
            _refuse("the ZIP64 end records are damaged")
        sig, _, _, _, disk, cd_disk, here, entries, size, offset = _ZIP64_END.unpack(
            _read_at(f, zip64_offset, _ZIP64_END.size))
        if sig != b"PK\x06\x06":
            _refuse("the ZIP64 end records are damaged")
        end = zip64_offset
    if disk or cd_disk or here != entries:
        _refuse("a multi-part ZIP archive")
    if not 1 <= entries <= caps.MAX_ENTRIES:
        _refuse(f"the archive has {entries} entries (at most {caps.MAX_ENTRIES} are accepted)")
    if size > caps.MAX_CENTRAL_DIRECTORY_BYTES:
        _refuse(f"the central directory is {size} bytes (at most {caps.MAX_CENTRAL_DIRECTORY_BYTES} are accepted)")
    if offset + size != end:
        _refuse("the central directory is not where the end record says")
    return _Directory(entries, size, offset, end)


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if info.orig_filename != name:  # zipfile cuts a name at a NUL byte: "report.json\0.exe"
        _refuse("an entry has an unsafe or unexpected name")
    if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG | _FLAG_MASKED):
        _refuse(f"entry {_quoted(name)} is encrypted")
    if info.compress_type != zipfile.ZIP_STORED:
        _refuse(f"entry {_quoted(name)} is compressed (the server stores every entry uncompressed)")
    if info.compress_size != info.file_size:
        _refuse(f"entry {_quoted(name)} has a stored size unequal to its size")
    mode = info.external_attr >> 16
    if info.is_dir() or (stat.S_IFMT(mode) and not stat.S_ISREG(mode)):
        _refuse(f"entry {_quoted(name)} is not a regular file (a directory, link or device)")
    if name not in (REPORT_ENTRY, PADDING_ENTRY):
        try:
            entry_name(name, "entry")
        except SubmissionError:
            _refuse("an entry has an unsafe or unexpected name")


def _quoted(name: str) -> str:
    # Names we accept are harmless to print; any other is described, never echoed.
    if name in (REPORT_ENTRY, PADDING_ENTRY):
        return repr(name)
    try:
        return repr(entry_name(name, "entry"))
    except SubmissionError:
        return "with an unexpected name"


def _check_layout(f, infos: list[zipfile.ZipInfo], directory: _Directory) -> None:
    """Entries one after another, each local header matching its directory record, no overlap.

    Overlapping entries are how a small file claims many large ones; a local header that names
    another file is how two ZIP readers come to disagree about the content.
    """
    position = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset < position:
            _refuse("two entries overlap")
        header = _LOCAL.unpack(_read_at(f, info.header_offset, _LOCAL.size))
        signature, _, flags, method, _, _, _, _, _, name_length, extra_length = header
        if signature != b"PK\x03\x04":
            _refuse("an entry's local header is missing")
        if method != info.compress_type or flags & _FLAG_ENCRYPTED:
            _refuse("an entry's local header disagrees with the central directory")
        raw_name = _read_at(f, info.header_offset + _LOCAL.size, name_length)
        if raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace") != info.orig_filename:
            _refuse("an entry's local header names another file")
        position = info.header_offset + _LOCAL.size + name_length + extra_length + info.compress_size
        if flags & _FLAG_DESCRIPTOR:
            position += 12  # the shortest data descriptor: CRC and two 4-byte sizes
    if position > directory.offset:
        _refuse("an entry runs into the central directory")


def _json_depth(data: bytes) -> int:
    """The deepest nesting of [ and { outside strings; counted before json parses anything."""
    structure = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in structure:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        _refuse("report.json repeats a key (two readers could see two different reports)")
    return dict(pairs)


def _no_float(text: str):
    _refuse("report.json holds a number the schema never uses")


def parse_report(data: bytes) -> dict:
    """report.json's bytes → the validated report (SubmissionError otherwise)."""
    if len(data) > caps.MAX_REPORT_BYTES:
        _refuse(f"report.json is larger than {caps.MAX_REPORT_BYTES} bytes")
    if _json_depth(data) > caps.MAX_JSON_DEPTH:
        _refuse(f"report.json is nested deeper than {caps.MAX_JSON_DEPTH} levels")
    try:
        text = data.decode("utf-8")
        if text.startswith("\ufeff"):
            _refuse("report.json starts with a byte order mark")
        report = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_float=_no_float, parse_constant=_no_float)
    except SubmissionError:
        raise
    except (ValueError, RecursionError):
        _refuse("report.json is not valid UTF-8 JSON")
    return validate_report(report)


class Archive:
    """An opened, checked submission archive. `report` is validated; attachments are read on demand."""

    def __init__(self, zip_file: zipfile.ZipFile, report: dict):
        self._zip = zip_file
        self.report = report
        self.attachments = {a["entry"]: a for a in report["attachments"]}

    def open_attachment(self, entry: str, expected: dict | None = None) -> "VerifiedAttachment":
        """A stream of one attachment's bytes that checks them against the report as it goes
        (or against `expected`, a record with "size" and "sha256", such as the desk's copy).

        Reading its last byte raises SubmissionError when size or SHA-256 differ: whatever the
        caller wrote meanwhile must be something it can throw away (an AtomicFile, a buffer).
        """
        if entry not in self.attachments:
            raise SubmissionError("no such attachment in this submission")
        expected = expected or self.attachments[entry]
        return VerifiedAttachment(self._zip.open(entry), entry, expected["size"], expected["sha256"])

    def copy_attachment(self, entry: str, dst, expected: dict | None = None, buffer: int = 1 << 20) -> str:
        """Copy one attachment into `dst`, checked as open_attachment does. Returns its SHA-256."""
        with self.open_attachment(entry, expected) as src:
            while chunk := src.read(buffer):
                dst.write(chunk)
        return src.sha256


class VerifiedAttachment:
    def __init__(self, stream, entry: str, size: int, sha256: str):
        self._stream, self._entry, self._size, self._expected = stream, entry, size, sha256
        self._digest = hashlib.sha256()
        self._read = 0
        self.sha256 = ""  # set once every byte has been read and matched

    def __enter__(self) -> "VerifiedAttachment":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stream.close()

    def read(self, size: int = -1) -> bytes:
        try:
            # Never past the recorded size: a reader asking for more learns of a mismatch instead.
            want = self._size - self._read + 1 if size < 0 else min(size, self._size - self._read + 1)
            data = self._stream.read(want) if want else b""
        except zipfile.BadZipFile:
            raise SubmissionError(f"attachment {self._entry} is damaged (its CRC does not match)") from None
        self._digest.update(data)
        self._read += len(data)
        if self._read > self._size or (not data and self._read < self._size):
            self._mismatch()
        if self._read == self._size and not self.sha256:
            digest = self._digest.hexdigest()
            if not hmac.compare_digest(digest, self._expected):
                self._mismatch()
            self.sha256 = digest
        return data

    def _mismatch(self):
        raise SubmissionError(f"attachment {self._entry} does not match the size and SHA-256 in its report")


def read_archive(f) -> Archive:
    """Check the archive in `f` (seekable, binary) and return it with its validated report."""
    try:
        length = f.seek(0, 2)
        if length > caps.MAX_ARCHIVE_BYTES:
            _refuse(f"the archive is larger than {caps.MAX_ARCHIVE_BYTES} bytes")
        directory = _directory(f, length)
        f.seek(0)
        zip_file = zipfile.ZipFile(f)
        infos = zip_file.infolist()
        if len(infos) != directory.entries:
            _refuse("the central directory holds another number of entries than the end record says")
        for info in infos:
            _check_entry(info)
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            _refuse("an entry name appears twice (readers would disagree on which one counts)")
        if names.count(REPORT_ENTRY) != 1:
            _refuse("report.json is missing")
        _check_layout(f, infos, directory)
        report_info = zip_file.getinfo(REPORT_ENTRY)
        if report_info.file_size > caps.MAX_REPORT_BYTES:
            _refuse(f"report.json is larger than {caps.MAX_REPORT_BYTES} bytes")
        with zip_file.open(report_info) as entry:
            report = parse_report(entry.read(caps.MAX_REPORT_BYTES + 1))
        listed = {a["entry"]: a["size"] for a in report["attachments"]}
        stored = {i.filename: i.file_size for i in infos if i.filename not in (REPORT_ENTRY, PADDING_ENTRY)}
        if listed.keys() != stored.keys():
            _refuse(f"{len(stored.keys() - listed.keys())} entries are not in the report's attachment list and "
                    f"{len(listed.keys() - stored.keys())} listed attachments are missing")
        if listed != stored:
            _refuse("an attachment's size differs from the size in the report")
    except SubmissionError:
        raise
    except _PARSE_ERRORS as exc:
        raise SubmissionError(f"not a readable ZIP archive ({exc.__class__.__name__})") from None
    return Archive(zip_file, report)
