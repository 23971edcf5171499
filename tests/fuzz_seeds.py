"""Seeds for the fuzz tests (tests/test_fuzz_submissions.py): real archives of the server's writer.

Every seed is sealed by intake/envelope.py to a throwaway age recipient (X25519 and hybrid) and
decrypted again with intake.age, so its plaintext ZIP is byte for byte what the server stores.
The reports are shaped as intake/web/report.py builds them (every key, stripped texts, codes).

`server_zip` writes the same ZIP layout without age (for reports the form could never build),
and `fields` maps every numeric header field of an archive, so mutations can aim at them.
"""

import bisect
import copy
import io
import json
import struct
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from intake import age
from intake.envelope import Envelope, _info

RECEIPT = "2QHQF-8H6G1-X53XF-XFBBH"
EARLIER = "ABCDE-12345-FGHJK-MNPQ0"


def incident(n: int = 0) -> dict:
    return {
        "violations": [["ARBITRARY_DETENTION", "RSDL_INCOMMUNICADO"], ["EXIT_BAN"],
                       ["THREATS", "HARASSMENT_OF_FAMILY"]][n % 3],
        "start": {"date": ["2026-09", "2026-10-03", None][n % 3], "approximate": n == 1},
        "end": {"date": [None, "2026-10", None][n % 3], "ongoing": n != 1},
        "province": ["Beijing", "新疆维吾尔自治区", "Abroad: Geneva"][n % 3],
        "place": ["", "Urumqi airport", "宾馆"][n % 3],
        "narrative": ["Detained at home after returning from the\r\nHuman Rights Council in Geneva.",
                      "Stopped at the border; passport taken.",
                      "Family visited by guobao, told to call him home."][n % 3],
        "perpetrator": {"type": ["state_security", "police", "unknown"][n % 3],
                        "details": ["", "Guobao officers", ""][n % 3]},
        "legal_basis": ["Inciting subversion of state power", "", ""][n % 3],
        "warrant": "",
        "lawyer_and_family": ["Lawyer refused access twice.", "", ""][n % 3],
        "ill_treatment": "",
        "family_affected": ["", "", "His mother lost her job."][n % 3],
    }


def related_person(n: int = 0) -> dict:
    return {
        "relation": ["spouse", "child", "lawyer"][n % 3], "name": ["李文", "", "Sun Lei"][n % 3],
        "name_other_spellings": ["Li Wen", "", ""][n % 3], "minor": ["no", "yes", ""][n % 3],
        "lives": ["china", "china", "abroad"][n % 3], "violations": [["SURVEILLANCE"], ["OTHER"], []][n % 3],
        "what_happened": ["Followed to work every day.", "Refused a place at school.", ""][n % 3],
        "consent_named": ["yes", "", "no"][n % 3],
    }


def report(*, incidents: int = 1, anonymous: bool = False, follow_up_of: str | None = None,
           language: str = "en", group: bool = False, related: int = 0, schema: int = 3) -> dict:
    """A report as intake/web/report.py builds it for a valid form (attachments added on seal);
    `schema=2`: as the form before the arrest, the charges and earlier UN action built it;
    `schema=1`: as the form before related persons and the imminent event built it."""
    answers = {
        "schema": "intake.report/3",
        "kind": "report",
        "received": "2026-11-26T14:34:55Z",
        "receipt": RECEIPT,
        "form_language": language,
        "follow_up_of": follow_up_of,
        "reporter": {
            "anonymous": anonymous, "relation": "family", "how_known": "told_by_victim",
            "name": "" if anonymous else "李明", "organisation": "",
            "contact_channel": "" if anonymous else "signal",
            "contact_details": "" if anonymous else "+41 79 000 00 00",
        },
        "victim": {
            "kind": "group" if group else "individual", "group_size": 12 if group else None,
            "name": "Wang Wei", "name_other_spellings": "王伟", "sex": "male", "age": "45", "nationality": "Chinese",
            "ethnicity": "Uyghur" if group else "", "religion": "", "occupation": "lawyer",
            "human_rights_work": "Defends petitioners; sent a submission to the UPR.", "is_defender": "yes",
            "id_document": "", "residence": "Beijing", "status": "detained", "detention_place": "RSDL, Beijing",
            "holding_authority": "Beijing State Security Bureau", "health": "Needs heart medication.",
            "detention_kind": "rsdl", "arrest_date": "2026-09-14", "arrest_place": "At home, Chaoyang district",
            "charges": ["subversion"], "charges_wording": "煽动颠覆国家政权罪",
        },
        "un_cooperation": {
            "body": "upr", "kind": "submission", "by": "victim", "date": "2026年7月",
            "link_evidence": "Detained two weeks after.", "already_raised": "",
            "government_replied": "no", "earlier_sg_report": "yes" if related else "",
            "earlier_sg_report_year": "2025" if related else None,
        },
        "incidents": [incident(n) for n in range(incidents)],
        "remedies": {"domestic": "", "others_informed": "Amnesty International",
                     "response": "The procuratorate did not answer."},
        "consent": {
            "store": True, "share_with_un": "yes", "name_public": "anonymised", "sg_report": "anonymised",
            "given_by": "family", "still_in_china": "yes", "never_disclose": "Do not name his daughter.",
        },
        "related_persons": [related_person(n) for n in range(related)],
        "imminent": ({"kind": "trial", "date": "2027-01", "date_unsure": True, "details": "Intermediate court"} if related
                     else {"kind": "", "date": None, "date_unsure": False, "details": ""}),
    }
    if schema <= 2:
        for section, key in (("victim", "detention_kind"), ("victim", "arrest_date"), ("victim", "arrest_place"),
                             ("victim", "charges"), ("victim", "charges_wording"), ("remedies", "response"),
                             ("un_cooperation", "government_replied"), ("un_cooperation", "earlier_sg_report"),
                             ("un_cooperation", "earlier_sg_report_year")):
            del answers[section][key]
        answers["schema"] = "intake.report/2"
    if schema == 1:
        del answers["related_persons"], answers["imminent"], answers["un_cooperation"]["by"]
        answers["schema"] = "intake.report/1"
    return answers


def follow_up(message: str = "He was moved to another detention centre on 20 November.") -> dict:
    return {
        "schema": "intake.report/3", "kind": "follow-up", "received": "2026-11-27T08:00:01Z",
        "receipt": "KPSSQ-VCNRZ-Y688G-CBGZT",
        "form_language": "zh_Hans", "follow_up_of": EARLIER, "message": message, "consent": {"store": True},
    }


# (original name, declared type, content): content without "PK", so signatures stay findable.
FILES = [
    ("evidence.txt", "text/plain", b"first evidence file\n" * 20),
    ("../../.证据 photo 照片.jpg", "image/jpeg", bytes(range(0x50)) + bytes(range(0x51, 0x100))),
    ("", "", b"\x00"),
    ("notice 🚨\u202e.pdf", "application/pdf; x=\u00e9", b"%PDF-1.4\n" + b"x" * 1500),
]


@dataclass(frozen=True)
class Seed:
    name: str
    plaintext: bytes  # the ZIP archive, as decrypted from the sealed age file
    report: dict  # report.json as sealed (attachments listed)
    attachments: tuple  # ((entry name, content), ...) in archive order


def seal(recipient, identity, report_dict: dict, files, temp_dir: Path) -> bytes:
    """The plaintext of a submission sealed by the server's Envelope (each file in 1-3 parts)."""
    envelope = Envelope([recipient], temp_dir)
    for original, declared, content in files:
        sink = envelope.attachment_sink(original, declared)
        for start in range(0, len(content), 700):  # as the multipart parser streams it
            sink.write(content[start:start + 700])
    path = envelope.seal(report_dict)
    try:
        with open(path, "rb") as f:
            return age.decrypt([identity], f).read()
    finally:
        path.unlink()


_KEYS = {}


def _identities():
    """Throwaway identities, one of each kind, made once per test session."""
    if not _KEYS:
        _KEYS.update(x25519=age.X25519Identity.generate(), hybrid=age.HybridIdentity.generate())
    return _KEYS["x25519"], _KEYS["hybrid"]


def make_seeds() -> list[Seed]:
    """Reports and follow-ups with 0 to 3 attachments, sealed and decrypted again."""
    x25519, hybrid = _identities()
    plans = [
        ("report, no file", x25519, report(), []),
        ("report, 1 file", hybrid, report(incidents=2, anonymous=True, related=1), FILES[:1]),
        ("report, 2 files", x25519, report(incidents=3, follow_up_of=EARLIER, language="ug", group=True, related=3),
         FILES[1:3]),
        ("report of schema 1, 1 file", x25519, report(incidents=2, schema=1), FILES[3:]),
        ("report, 3 files", hybrid, report(language="zh_Hant"), [FILES[0], FILES[3], FILES[2]]),
        ("follow-up, no file", x25519, follow_up(), []),
        ("follow-up, 2 files", hybrid, follow_up("补充：\r\n他的律师被拒绝会见。"), FILES[2:4]),
    ]
    with tempfile.TemporaryDirectory(prefix="intake-fuzz-") as temp_dir:
        return [_seed(name, seal(identity.recipient(), identity, report_dict, files, Path(temp_dir)))
                for name, identity, report_dict, files in plans]


LOW_ZIP64_LIMIT = 1000


def low_zip64_limit():
    """zipfile's ZIP64 limit (2 GiB - 1) lowered, as tests/test_envelope.py does: small archives
    then take the form the server gives archives whose central directory starts past 2 GiB."""
    return mock.patch.object(zipfile, "ZIP64_LIMIT", LOW_ZIP64_LIMIT)


def zip64_seed() -> Seed:
    """The server's large-archive layout in miniature: ZIP64 extras in the central directory
    (offsets past the limit) and ZIP64 end records before the end record, whose own fields
    still hold the real values (they fit in 32 bits: zipfile saturates them only past 4 GiB)."""
    _, hybrid = _identities()
    with tempfile.TemporaryDirectory(prefix="intake-fuzz-") as temp_dir, low_zip64_limit():
        plaintext = seal(hybrid.recipient(), hybrid, report(incidents=2), [FILES[3], FILES[1]], Path(temp_dir))
    return _seed("report, 2 files, ZIP64 end records", plaintext)


def _seed(name: str, plaintext: bytes) -> Seed:
    archive = zipfile.ZipFile(io.BytesIO(plaintext))
    report_dict = json.loads(archive.read("report.json"))
    attachments = tuple((i.filename, archive.read(i)) for i in archive.infolist()
                        if i.filename.startswith("attachments/"))
    return Seed(name, plaintext, report_dict, attachments)


class _Unseekable:
    """What Envelope gives zipfile: a writer with tell() and no seek (hence data descriptors)."""

    def __init__(self):
        self.buffer = io.BytesIO()

    def write(self, data) -> int:
        return self.buffer.write(data)

    def tell(self) -> int:
        return self.buffer.tell()

    def flush(self) -> None:
        pass


_ZERO_CHUNK = bytes(1 << 20)


def server_zip(attachments, report_bytes: bytes, padding: int = 64, out=None) -> bytes | None:
    """The archive Envelope writes for these (entry name, content) pairs and report.json bytes,
    with `padding` zero bytes of padding (Envelope computes its Padmé amount; nothing checks it).
    A content may be an int: that many zero bytes, written in 1 MiB chunks into `out` (a
    SparseFile), for archives too large for memory. Returns the bytes when `out` is None."""
    sink = out if out is not None else _Unseekable()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED)
    for name, content in attachments:
        with archive.open(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), "w", force_zip64=True) as entry:
            if isinstance(content, int):
                for start in range(0, content, len(_ZERO_CHUNK)):
                    entry.write(_ZERO_CHUNK[:min(len(_ZERO_CHUNK), content - start)])
            else:
                entry.write(content)
    archive.writestr(_info("report.json"), report_bytes)
    info = _info("padding")
    info.file_size = padding
    with archive.open(info, "w") as entry:
        entry.write(bytes(padding))
    archive.close()
    return sink.buffer.getvalue() if out is None else None


class SparseFile:
    """A file of any size in little memory: written runs of zero bytes are kept as lengths.

    Written like Envelope's writer (write and tell, no seek: zipfile then streams with data
    descriptors, as the server does), then read through `reader()` (seek, tell, read).
    """

    def __init__(self):
        self._starts, self._parts = [], []  # where each part starts; bytes, or a length of zeros
        self.length = 0

    def write(self, data) -> int:
        data = bytes(data)
        self._starts.append(self.length)
        self._parts.append(len(data) if len(data) >= 4096 and data == _ZERO_CHUNK[:len(data)] else data)
        self.length += len(data)
        return len(data)

    def tell(self) -> int:
        return self.length

    def flush(self) -> None:
        pass

    def reader(self) -> "_SparseReader":
        return _SparseReader(self)


class _SparseReader:
    def __init__(self, sparse: SparseFile):
        self._sparse, self._position = sparse, 0

    def seek(self, offset: int, whence: int = 0) -> int:
        position = {0: 0, 1: self._position, 2: self._sparse.length}[whence] + offset
        if position < 0:
            raise ValueError("negative seek position")
        self._position = position
        return position

    def tell(self) -> int:
        return self._position

    def seekable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        sparse = self._sparse
        end = sparse.length if size is None or size < 0 else min(sparse.length, self._position + size)
        out = bytearray()
        n = max(0, bisect.bisect_right(sparse._starts, self._position) - 1)
        while self._position < end and n < len(sparse._parts):
            start, part = sparse._starts[n], sparse._parts[n]
            take = min(end, start + (part if isinstance(part, int) else len(part))) - self._position
            if take > 0:
                offset = self._position - start
                out += bytes(take) if isinstance(part, int) else part[offset:offset + take]
                self._position += take
            n += 1
        return bytes(out)


def with_central_flags(data: bytes, entry: str, bits: int) -> bytes:
    """The archive with `bits` set in the general purpose flags of `entry`'s directory record."""
    out = bytearray(data)
    at = zipfile.ZipFile(io.BytesIO(data)).start_dir
    while out[at:at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", out, at + 28)
        if out[at + 46:at + 46 + name_length] == entry.encode():
            struct.pack_into("<H", out, at + 8, struct.unpack_from("<H", out, at + 8)[0] | bits)
            return bytes(out)
        at += 46 + name_length + extra_length + comment_length
    raise KeyError(entry)


def with_local_name(data: bytes, entry: str, raw_name: bytes) -> bytes:
    """The archive with `entry`'s local header naming `raw_name` instead (the central directory
    unchanged, every later offset moved). For small archives (32-bit offsets) only."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(entry)
    at, old = info.header_offset, entry.encode()
    assert data[at + 30:at + 30 + len(old)] == old
    delta = len(raw_name) - len(old)
    out = bytearray(data[:at + 26] + struct.pack("<H", len(raw_name)) + data[at + 28:at + 30] + raw_name
                    + data[at + 30 + len(old):])
    end = len(out) - 22
    start = struct.unpack_from("<I", out, end + 16)[0] + delta
    struct.pack_into("<I", out, end + 16, start)
    position = start
    while out[position:position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", out, position + 28)
        offset = struct.unpack_from("<I", out, position + 42)[0]
        if offset > at:
            struct.pack_into("<I", out, position + 42, offset + delta)
        position += 46 + name_length + extra_length + comment_length
    return bytes(out)


def padding_size(plaintext: bytes) -> int:
    return zipfile.ZipFile(io.BytesIO(plaintext)).getinfo("padding").file_size


# --- Where the numeric fields of an archive are -------------------------------------------

# (offset, width, what) of each field after a signature; "what" lets mutations aim (flags, sizes...).
_LOCAL_FIELDS = [(4, 2, "version"), (6, 2, "flags"), (8, 2, "method"), (10, 2, "time"), (12, 2, "date"), (14, 4, "crc"),
                 (18, 4, "size"), (22, 4, "size"), (26, 2, "length"), (28, 2, "length")]
_CENTRAL_FIELDS = [(4, 2, "version"), (6, 2, "version"), (8, 2, "flags"), (10, 2, "method"), (12, 2, "time"),
                   (14, 2, "date"), (16, 4, "crc"), (20, 4, "size"), (24, 4, "size"), (28, 2, "length"),
                   (30, 2, "length"), (32, 2, "length"), (34, 2, "disk"), (36, 2, "attributes"), (38, 4, "attributes"),
                   (42, 4, "offset")]
_END_FIELDS = [(4, 2, "disk"), (6, 2, "disk"), (8, 2, "count"), (10, 2, "count"), (12, 4, "size"), (16, 4, "offset"),
               (20, 2, "length")]
_ZIP64_END_FIELDS = [(4, 8, "size"), (12, 2, "version"), (14, 2, "version"), (16, 4, "disk"), (20, 4, "disk"),
                     (24, 8, "count"), (32, 8, "count"), (40, 8, "size"), (48, 8, "offset")]
_ZIP64_LOCATOR_FIELDS = [(4, 4, "disk"), (8, 8, "offset"), (16, 4, "disk")]


def _at(base: int, layout) -> list:
    return [(base + offset, width, what) for offset, width, what in layout]


def _extra_fields(start: int, extra: bytes) -> list:
    found, at = [], 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        found += [(start + at, 2, "extra"), (start + at + 2, 2, "length")]
        if kind == 1:  # ZIP64: sizes, then the header offset
            found += [(start + at + 4 + n, 8, "size") for n in range(0, size - size % 8, 8)]
        at += 4 + size
    return found


def fields(data: bytes) -> list[tuple[int, int, str]]:
    """(offset, width, what) of every numeric field of a well-formed archive: local headers and
    their ZIP64 extras, data descriptors, central directory records, end records."""
    with low_zip64_limit():  # reads the miniature ZIP64 seed as well (the limit only matters for writing)
        archive = zipfile.ZipFile(io.BytesIO(data))
    found = []
    for info in archive.infolist():
        at = info.header_offset
        name_length, extra_length = struct.unpack_from("<HH", data, at + 26)
        found += _at(at, _LOCAL_FIELDS)
        extra_at = at + 30 + name_length
        found += _extra_fields(extra_at, data[extra_at:extra_at + extra_length])
        descriptor = extra_at + extra_length + info.compress_size
        if data[descriptor:descriptor + 4] == b"PK\x07\x08":
            wide = struct.unpack_from("<I", data, at + 18)[0] == 0xFFFFFFFF
            found += _at(descriptor, [(4, 4, "crc")] + ([(8, 8, "size"), (16, 8, "size")] if wide else
                                                         [(8, 4, "size"), (12, 4, "size")]))
    at = archive.start_dir
    while data[at:at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        found += _at(at, _CENTRAL_FIELDS)
        extra_at = at + 46 + name_length
        found += _extra_fields(extra_at, data[extra_at:extra_at + extra_length])
        at = extra_at + extra_length + comment_length
    if data[at:at + 4] == b"PK\x06\x06":
        found += _at(at, _ZIP64_END_FIELDS)
        at += 56
    if data[at:at + 4] == b"PK\x06\x07":
        found += _at(at, _ZIP64_LOCATOR_FIELDS)
        at += 20
    assert data[at:at + 4] == b"PK\x05\x06" and at == len(data) - 22, "not an archive of our writer"
    return found + _at(at, _END_FIELDS)


def structures(data: bytes) -> list[int]:
    """Where each header, descriptor and end record of an archive starts (for splicing)."""
    signatures = (b"PK\x03\x04", b"PK\x07\x08", b"PK\x01\x02", b"PK\x06\x06", b"PK\x06\x07", b"PK\x05\x06")
    return sorted(i for signature in signatures for i in _find_all(data, signature))


def _find_all(data: bytes, needle: bytes) -> list[int]:
    found, start = [], 0
    while (i := data.find(needle, start)) >= 0:
        found.append(i)
        start = i + 1
    return found


def deep_copy(value):
    return copy.deepcopy(value)
