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
import stat
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from . import caps
from .errors import SubmissionError
from .layout import PADDING_ENTRY, REPORT_ENTRY
from .report import Submitted
from .schema import entry_name, validate_report

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
    saturated = 0xFFFF in (disk, cd_disk, here, entries) or 0xFFFFFFFF in (size, offset)
    locator = _read_at(f, end - _ZIP64_LOCATOR.size, _ZIP64_LOCATOR.size) if end >= _ZIP64_LOCATOR.size else b""
    # zipfile writes ZIP64 end records once the central directory starts past 2 GiB, but
    # saturates the end record's fields only past 4 GiB: the locator is what says they are there.
    if saturated or locator.startswith(b"PK\x06\x07"):
        if not locator.startswith(b"PK\x06\x07"):
            _refuse("the ZIP64 end records are missing")
        sig, _, zip64_offset, disks = _ZIP64_LOCATOR.unpack(locator)
        if disks > 1 or zip64_offset != end - _ZIP64_LOCATOR.size - _ZIP64_END.size:
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
    # Names are attacker text: only our two fixed names are printed, attachments by number.
    if name in (REPORT_ENTRY, PADDING_ENTRY):
        return repr(name)
    try:
        entry_name(name, "entry")
        return f"attachment {name.split('/', 1)[1].split('-', 1)[0]}"
    except SubmissionError:
        return "with an unexpected name"


def _extra_fields(extra: bytes) -> list[int]:
    """The header ids of an extra field block (SubmissionError if it does not parse)."""
    ids, at = [], 0
    while at < len(extra):
        if at + 4 > len(extra):
            _refuse("an entry's extra field is damaged")
        header_id, size = struct.unpack_from("<HH", extra, at)
        ids.append(header_id)
        at += 4 + size
    if at != len(extra):
        _refuse("an entry's extra field is damaged")
    return ids


_ZIP64_EXTRA = 0x0001  # the only extra field our writer uses


def _check_layout(f, infos: list[zipfile.ZipInfo], directory: _Directory) -> None:
    """Entries back to back from the first byte, each local header (and data descriptor)
    agreeing with its directory record, no extra field but ZIP64's.

    Readers disagree wherever a ZIP says two things: overlapping entries (how a small file
    claims many large ones), bytes between entries that a streaming reader takes for another
    entry, a local header or descriptor with other sizes or CRC, an Info-ZIP Unicode Path field
    that renames an entry for unzip only. So each of them is a refusal.
    """
    position = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset != position:
            _refuse("two entries overlap" if info.header_offset < position else "there are bytes between entries")
        if set(_extra_fields(info.extra)) - {_ZIP64_EXTRA}:
            _refuse(f"entry {_quoted(info.filename)} has an extra field the server never writes")
        header = _LOCAL.unpack(_read_at(f, info.header_offset, _LOCAL.size))
        signature, _, flags, method, _, _, crc, compressed, size, name_length, extra_length = header
        if signature != b"PK\x03\x04":
            _refuse("an entry's local header is missing")
        if method != info.compress_type or flags != info.flag_bits:
            _refuse("an entry's local header disagrees with the central directory")
        raw_name = _read_at(f, info.header_offset + _LOCAL.size, name_length)
        # Strict, as zipfile's open() decodes it: a name "equal" only after replacement is not.
        if raw_name.decode("utf-8" if flags & 0x800 else "cp437") != info.orig_filename:
            _refuse("an entry's local header names another file")
        extra = _read_at(f, info.header_offset + _LOCAL.size + name_length, extra_length)
        local_ids = _extra_fields(extra)
        if set(local_ids) - {_ZIP64_EXTRA}:
            _refuse(f"entry {_quoted(info.filename)} has an extra field the server never writes")
        position = info.header_offset + _LOCAL.size + name_length + extra_length + info.compress_size
        if flags & _FLAG_DESCRIPTOR:
            if crc or compressed not in (0, 0xFFFFFFFF) or size not in (0, 0xFFFFFFFF):
                _refuse("an entry's local header disagrees with its data descriptor")
            position = _check_descriptor(f, info, position, zip64=_ZIP64_EXTRA in local_ids)
        elif (crc, compressed, size) != (info.CRC, info.compress_size, info.file_size) and not (
                _ZIP64_EXTRA in local_ids and (compressed, size) == (0xFFFFFFFF, 0xFFFFFFFF) and crc == info.CRC):
            _refuse("an entry's local header disagrees with the central directory")
    if position != directory.offset:
        _refuse("the last entry does not end where the central directory starts")


def _check_descriptor(f, info: zipfile.ZipInfo, at: int, zip64: bool) -> int:
    """The data descriptor after an entry's data must repeat its CRC and sizes. Returns its end."""
    sizes = "QQ" if zip64 else "II"
    length = 4 + struct.calcsize("<" + sizes)
    head = _read_at(f, at, 4)
    if head == b"PK\x07\x08":
        at += 4
    crc, compressed, size = struct.unpack("<I" + sizes, _read_at(f, at, length))
    if (crc, compressed, size) != (info.CRC, info.compress_size, info.file_size):
        _refuse(f"entry {_quoted(info.filename)} has a data descriptor unlike its directory record")
    return at + length


def _json_depth(data: bytes) -> int:
    """The deepest nesting of [ and { outside strings, counted before json parses anything.

    Linear in the size whatever the bytes (a regex for strings would retry at every quote):
    escaped backslashes, then escaped quotes, are dropped, after which every other quote opens
    or closes a string, so the even pieces between quotes are the structure.
    """
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = b"".join(unescaped.split(b'"')[::2]).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in structure:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        _refuse("report.json repeats a key (two readers could see two different reports)")
    return dict(pairs)


def _no_float(text: str):
    _refuse("report.json holds a number the schema never uses")


def parse_report(data: bytes) -> Submitted:
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

    def __init__(self, zip_file: zipfile.ZipFile, report: Submitted):
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
        record: Mapping = expected or self.attachments[entry]
        try:
            stream = self._zip.open(entry)
        except _PARSE_ERRORS as exc:  # read_archive checked the headers; this is defence in depth
            raise SubmissionError(f"{_quoted(entry)} cannot be read ({exc.__class__.__name__})") from None
        return VerifiedAttachment(stream, entry, record["size"], record["sha256"])

    def attachment_tail(self, entry: str, size: int) -> bytes:
        """The last `size` bytes of an attachment, for recognising its kind (not hash-checked:
        the caller reads it whole through open_attachment before using it)."""
        if entry not in self.attachments:
            raise SubmissionError("no such attachment in this submission")
        try:
            with self._zip.open(entry) as stream:
                stream.seek(max(0, self._zip.getinfo(entry).file_size - size))
                return stream.read(size)
        except _PARSE_ERRORS as exc:
            raise SubmissionError(f"{_quoted(entry)} cannot be read ({exc.__class__.__name__})") from None

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
            raise SubmissionError(f"{_quoted(self._entry)} is damaged (its CRC does not match)") from None
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
        raise SubmissionError(f"{_quoted(self._entry)} does not match the size and SHA-256 in its report")


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
