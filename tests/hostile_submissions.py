"""The regression corpus of hostile submissions: every attack the strict reader must refuse.

Anyone with the organisation's public key can craft a submission, so each entry below is a
plaintext ZIP an attacker could encrypt and place among real ones. They are built from a real
submission of the web intake (its report and attachment) by a raw ZIP writer that can say
anything a ZIP can: wrong CRCs and sizes, methods, flags, modes, overlapping entries. Each
attack has the words its refusal must contain.
"""

import json
import struct
import zlib
from dataclasses import dataclass, field


@dataclass
class Entry:
    name: str
    data: bytes
    method: int = 0
    flags: int = 0x800  # UTF-8 names
    crc: int | None = None  # None: the real CRC-32
    size: int | None = None  # the uncompressed size claimed; None: len(data)
    mode: int = 0o100600
    offset: int | None = None  # central directory's offset for this entry; None: where it is written
    central_only: bool = False  # no local header written (it points into another entry)
    extra_central: dict = field(default_factory=dict)


def raw_zip(entries: list[Entry], comment: bytes = b"", *, count: int | None = None) -> bytes:
    """A ZIP archive exactly as described, right or wrong (no ZIP64; sizes under 4 GiB)."""
    out, central, offsets = bytearray(), bytearray(), []
    for e in entries:
        name = e.name.encode("utf-8", "surrogatepass")
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        size = len(e.data) if e.size is None else e.size
        offsets.append(len(out) if e.offset is None else e.offset)
        if not e.central_only:
            out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, e.flags, e.method, 0, 0x21, crc, len(e.data), size,
                               len(name), 0) + name + e.data
    cd_offset = len(out)
    for e, offset in zip(entries, offsets):
        name = e.name.encode("utf-8", "surrogatepass")
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        size = len(e.data) if e.size is None else e.size
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 0x0314, 20, e.flags, e.method, 0, 0x21, crc,
                               len(e.data), size, len(name), 0, 0, 0, 0, e.mode << 16, offset) + name
    n = len(entries) if count is None else count
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(central), cd_offset, len(comment)) + comment
    return bytes(out + central + end)


def archive(report: dict, attachments: dict[str, bytes], *, report_bytes: bytes | None = None, **changes) -> bytes:
    """A well-formed archive for `report` (its attachments listed in it), with optional changes."""
    data = report_bytes if report_bytes is not None else json.dumps(report, ensure_ascii=False, indent=1).encode()
    entries = [Entry(name, content) for name, content in attachments.items()] + [Entry("report.json", data),
                                                                                   Entry("padding", bytes(64))]
    return raw_zip(entries, **changes)


def _with(report: dict, path: str, value) -> dict:
    """A deep copy of `report` with the value at a dotted path (list indexes as numbers) replaced."""
    copy = json.loads(json.dumps(report))
    *parents, last = path.split(".")
    node = copy
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return copy


def _entries(report, attachments, **entry_changes):
    entries = [Entry(name, content) for name, content in attachments.items()]
    entries.append(Entry("report.json", json.dumps(report, ensure_ascii=False).encode(), **entry_changes))
    return entries


def _deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _overlapping(report, attachments) -> bytes:
    # A second directory record points into the first attachment's data, where a complete
    # local header for it hides: the classic way to make a small file claim many large ones.
    (name, content), = attachments.items()
    hidden = raw_zip([Entry(name.replace("01-", "02-"), content)])
    hidden_local = hidden[: hidden.index(b"PK\x01\x02")]
    entries = [Entry(name, hidden_local), Entry("report.json", json.dumps(report).encode())]
    listed = _with(report, "attachments.0.size", len(hidden_local))
    entries[1] = Entry("report.json", json.dumps(listed).encode())
    inner = Entry(name.replace("01-", "02-"), content, central_only=True, offset=30 + len(name.encode()))
    return raw_zip(entries + [inner])


def attacks(report: dict, attachments: dict[str, bytes]) -> dict[str, tuple[bytes, str]]:
    """name -> (plaintext archive, words its refusal contains). `attachments` holds exactly one."""
    (entry, content), = attachments.items()
    body = json.dumps(report, ensure_ascii=False).encode()
    text_at = body.index(b'"narrative": "') + 15
    bad_crc = bytearray(archive(report, attachments))
    bad_crc[bad_crc.index(body[text_at:text_at + 12]) + 3] ^= 0x01  # inside a string: the JSON stays valid
    bad_attachment = bytearray(archive(report, attachments))
    bad_attachment[30 + len(entry.encode()) + 5] ^= 0x01
    return {
        "not a ZIP": (b"this is not a zip archive at all " * 40, "not a ZIP archive"),
        "an empty ZIP": (raw_zip([]), "0 entries"),
        "a bad CRC in report.json": (bytes(bad_crc), "not a readable ZIP archive"),
        "a bad CRC in an attachment": (bytes(bad_attachment), "damaged"),
        "an unsupported compression method": (raw_zip(_entries(report, attachments, method=99)), "compressed"),
        # Claims are enough: a compressed entry is refused before a byte is inflated.
        "report.json deflated to 1.2 GB (a zip bomb)": (raw_zip([Entry("report.json", _deflated(bytes(16 << 20)), method=8,
                                                                       size=1_200_000_000)]), "compressed"),
        "an attachment deflated to 1.5 GB": (raw_zip([Entry(entry, _deflated(bytes(16 << 20)), method=8, size=1_500_000_000)]
                                                     + _entries(_with(report, "attachments.0.size", 1_500_000_000), {})),
                                             "compressed"),
        "the encryption flag": (raw_zip(_entries(report, attachments, flags=0x801)), "encrypted"),
        "deeply nested JSON": (archive(report, {}, report_bytes=b"[" * 200_000 + b"]" * 200_000), "nested deeper"),
        "a receipt that is a number": (archive(_with(report, "receipt", 12345), attachments), "report.receipt"),
        "60,000 entries": (raw_zip([Entry(f"attachments/{n:05d}-x", b"") for n in range(60_000)]), "60000 entries"),
        "the end record claims 60,000 entries": (raw_zip(_entries(report, attachments), count=60_000), "60000 entries"),
        "incidents an object": (archive(_with(report, "incidents", {"0": report["incidents"][0]}), attachments),
                                "report.incidents is not a list"),
        "victim a list": (archive(_with(report, "victim", [report["victim"]]), attachments), "report.victim is not an object"),
        "consent null": (archive(_with(report, "consent", None), attachments), "report.consent is not an object"),
        "attachments a string": (archive(_with(report, "attachments", entry), {}), "report.attachments is not a list"),
        "an attachment size that is text": (archive(_with(report, "attachments.0.size", "12"), attachments), "size"),
        "an attachment with no hash": (archive(_with(report, "attachments.0", {k: v for k, v in report["attachments"][0].items()
                                                                             if k != "sha256"}), attachments), "missing"),
        "a 5 MB report.json": (archive(_with(report, "incidents.0.narrative", "x" * (5 << 20)), attachments), "larger than"),
        "an answer over 20,000 characters": (archive(_with(report, "incidents.0.narrative", "x" * 20_001), attachments),
                                             "longer than 20000"),
        "a control character in an answer": (archive(_with(report, "victim.name", "a\x1b]52;c;aGk=\x07"), attachments),
                                             "control characters"),
        "a lone surrogate": (archive(report, attachments, report_bytes=body.replace(b'"narrative": "', b'"narrative": "\\ud800')),
                             "control characters"),
        "a duplicated JSON key": (archive(report, attachments, report_bytes=body.replace(b'"kind": "report"', b'"kind": "report", "kind": "follow-up"')),
                                  "repeats a key"),
        "NaN in JSON": (archive(report, attachments, report_bytes=body.replace(b'"group_size": null', b'"group_size": NaN')),
                        "number"),
        "a byte order mark": (archive(report, attachments, report_bytes=b"\xef\xbb\xbf" + body), "byte order mark"),
        "invalid UTF-8": (archive(report, attachments, report_bytes=body.replace(b'"schema"', b'"\xff\xfe"', 1)), "UTF-8"),
        "an unknown key": (archive(_with(report, "victim.password", "x"), attachments), "unknown"),
        "true as a group size": (archive(_with(report, "victim.group_size", True), attachments), "group_size"),
        "another schema": (archive(_with(report, "schema", "intake.report/9"), attachments), "unsupported schema"),
        "a duplicate entry": (raw_zip(_entries(report, attachments) + [Entry("report.json", body)]), "appears twice"),
        "an unlisted entry": (raw_zip(_entries(report, attachments) + [Entry("attachments/02-extra.txt", b"hidden")]),
                              "not in the report"),
        "a listed attachment missing": (archive(report, {}), "missing"),
        "a size unlike the listed one": (archive(_with(report, "attachments.0.size", len(content) + 1), attachments),
                                         "size differs"),
        "a SHA-256 unlike the file's": (archive(_with(report, "attachments.0.sha256", "0" * 64), attachments),
                                        "does not match the size and SHA-256"),
        "a traversal entry name": (raw_zip([Entry("../../.bashrc", b"evil")] + _entries(report, {})), "unsafe"),
        "an absolute entry name": (raw_zip([Entry("/etc/passwd", b"evil")] + _entries(report, {})), "unsafe"),
        "a listed traversal name": (archive(_with(report, "attachments.0.entry", "attachments/01-../../x"),
                                            {"attachments/01-../../x": content}), "entry"),
        "a symlink entry": (raw_zip([Entry(entry, b"/etc/shadow", mode=0o120777)] + _entries(report, {})), "not a regular file"),
        "a directory entry": (raw_zip([Entry("attachments/", b"", mode=0o040700)] + _entries(report, attachments)),
                              "not a regular file"),
        "overlapping entries": (_overlapping(report, attachments), "overlap"),
        "an archive comment": (archive(report, attachments, comment=b"hidden words"), "no end record at the end"),
        "a stored size unequal to the size": (raw_zip(_entries(report, attachments, size=len(body) * 1000)), "unequal"),
    }
