"""Fuzzing the strict submission reader with hypothesis: hostile bytes never crash the desk.

Anyone with the organisation's public key can write a submission, so the desk's reader
(intake/submission/) must answer every file with an Archive or a SubmissionError. The seeds are
real: archives sealed by the server's own Envelope (intake/envelope.py) to throwaway X25519 and
hybrid recipients and decrypted again with intake.age (tests/fuzz_seeds.py). Properties:

1. bytes: any mutation of a real archive (bit flips anywhere and in the headers, the central
   directory and the end records; 2/4/8-byte fields set to 0, 1, 0xFFFF, 0xFFFFFFFF, huge;
   truncation, insertion, deletion, duplicated records, splices of two archives; the end
   record repaired afterwards or not) and any bytes at all are read into an Archive or refused
   with SubmissionError, within a bounded time, memory and number of bytes read; every
   attachment of an accepted one copies or is refused the same way. Whatever the Envelope
   writes for any 0-3 attachments is accepted, with the SHA-256s it recorded.
2. structure: any JSON value (None, booleans, huge integers, floats, NaN, text with controls,
   lone surrogates or 20,001 characters, lists, objects, nesting) at any path of a real report,
   keys deleted or added, duplicate keys, ensure_ascii on or off, is refused by
   archive.parse_report with SubmissionError or accepted; and an accepted report works in every
   view of the desk (list row, case document, case text, table, the rules) and survives the
   vault state's JSON round trip. The same reports are also sealed in a server-style archive.
3. the regression corpus: the bugs found with this harness, as explicit tests (the end).

Hypothesis picks new inputs on every run (no example database, not derandomized) within a
fixed budget. INTAKE_FUZZ_EXAMPLES sets the budget N (default 200): N examples of mutated
archives, 0.6 N altered reports, 0.5 N arbitrary byte strings, 0.25 N for each of the two
properties that seal or build an archive per example. CI (.ci/run) sets N = 3000: the whole
file then takes about 40 s on 2 cores. To hunt for bugs locally, run it longer, e.g.

    INTAKE_FUZZ_EXAMPLES=30000 .venv/bin/python -m pytest tests/test_fuzz_submissions.py -q

A failure prints the shrunk input; a real bug goes into the corpus at the end of this file as an
explicit test, with a comment saying what it shows.
"""

import datetime
import hashlib
import io
import json
import os
import struct
import time
import tomllib
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_seeds
from intake import age
from intake.desk import index, rules, views
from intake.desk.state import Case, case_record, load_case
from intake.submission.schema import READER_VERSION
from intake.desk.terminal import visible
from intake.submission import SubmissionError, caps, schema
from intake.submission.archive import parse_report, read_archive

EXAMPLES = int(os.environ.get("INTAKE_FUZZ_EXAMPLES", "200"))


def fuzz(scale: float = 1.0):
    return settings(max_examples=max(20, int(EXAMPLES * scale)), deadline=None, database=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])


NOW = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.timezone.utc)
SEEDS = fuzz_seeds.make_seeds()
# The server's own archive once its central directory starts past 2 GiB, in miniature (the
# reader of e2af241 refused it: test_the_servers_zip64_archive_is_accepted). Mutations of it
# reach the reader's ZIP64 code, which the small seeds never do.
ZIP64_SEED = fuzz_seeds.zip64_seed()
ARCHIVES = [s.plaintext for s in SEEDS] + [ZIP64_SEED.plaintext]
FIELDS = {data: fuzz_seeds.fields(data) for data in ARCHIVES}
MARKS = {data: fuzz_seeds.structures(data) for data in ARCHIVES}
REPORTS = [s.report for s in SEEDS]

# Per input, far above what any example needs (a few KiB, milliseconds), far below a hang.
TIME_LIMIT = 5.0  # seconds
MEMORY_LIMIT = 32 << 20  # bytes traced by tracemalloc, beyond the input itself


# --- 1. Bytes -------------------------------------------------------------------------------

class CountingFile(io.BytesIO):
    """The archive as a seekable file that counts what the reader reads."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def _measured(data: bytes):
    """read_archive, then copy_attachment for each attachment: (archive or None, {entry: sha256}),
    with the time taken, the most memory allocated meanwhile and the bytes read."""
    f = CountingFile(data)
    already_tracing = tracemalloc.is_tracing()  # python -X tracemalloc: leave it on afterwards
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        started = time.process_time()
        try:
            archive = read_archive(f)
        except SubmissionError:
            archive = None
        copied = {}
        if archive is not None:
            for entry in archive.attachments:
                try:
                    copied[entry] = archive.copy_attachment(entry, io.BytesIO(), buffer=4096)
                except SubmissionError:
                    pass
        elapsed = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        if not already_tracing:
            tracemalloc.stop()
    return archive, copied, elapsed, peak, f.bytes_read


def read_or_refuse(data: bytes):
    """The property: an Archive or SubmissionError, for the attachments too (anything else
    propagates and fails the test), in bounded time and memory, reading each byte a few times."""
    archive, copied, elapsed, peak, bytes_read = _measured(data)
    if elapsed > TIME_LIMIT or peak > MEMORY_LIMIT + 4 * len(data):
        # Measured again before failing: a busy CI machine, a garbage collection or hypothesis's
        # own tracing (when it explains a failure) can add to one run, never to all three.
        elapsed, peak = (min(m) for m in zip(*[_measured(data)[2:4] for _ in range(3)]))
    assert elapsed < TIME_LIMIT, f"{elapsed:.1f} s for {len(data)} bytes"
    assert peak < MEMORY_LIMIT + 4 * len(data), f"{peak} bytes of memory for {len(data)} bytes"
    # Each byte is read a few times at most (end records, directory, headers, data): never a loop.
    assert bytes_read <= 8 * len(data) + (64 << 10), f"{bytes_read} bytes read from {len(data)}"
    if archive is not None:
        assert schema.validate_report(archive.report) is archive.report
        for entry, sha256 in copied.items():
            assert sha256 == archive.attachments[entry]["sha256"]
    return archive


BOUNDARIES = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
              0xFFFFFFFE, 0xFFFFFFFF, 1 << 32, 2**63 - 1, 2**63, 2**64 - 1]
OPERATIONS = ["flip", "flip", "byte", "field", "field", "field", "bits", "flags", "flags", "truncate", "insert",
              "delete", "duplicate", "splice", "splice"]


def _position(draw, data, marks) -> int:
    """Anywhere, or at or just after the start of a header (where the fields are)."""
    if marks and draw(st.booleans()):
        return min(len(data) - 1, draw(st.sampled_from(marks)) + draw(st.integers(0, 60)))
    return draw(st.integers(0, len(data) - 1))


def _field_value(draw, data, offset: int, width: int, marks) -> int:
    current = int.from_bytes(data[offset:offset + width], "little")
    value = draw(st.one_of(
        st.sampled_from(BOUNDARIES),
        st.sampled_from([current + 1, current - 1, current + 22, current - 22, current << 1, len(data), len(data) - 22,
                         *marks]),
        st.integers(0, 2 ** (8 * width) - 1),
    ))
    return value % (1 << (8 * width))


@st.composite
def mutated_archive(draw, base: bytes | None = None):
    original = base if base is not None else draw(st.sampled_from(ARCHIVES))
    data = bytearray(original)
    fields = FIELDS.get(original) or fuzz_seeds.fields(original)
    marks = MARKS.get(original) or fuzz_seeds.structures(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        operation = draw(st.sampled_from(OPERATIONS))
        if operation == "flip":
            data[_position(draw, data, marks)] ^= 1 << draw(st.integers(0, 7))
        elif operation == "byte":
            data[_position(draw, data, marks)] = draw(st.integers(0, 255))
        elif operation in ("field", "bits", "flags"):
            if operation == "flags":  # the general purpose flags: encryption, descriptor, patch data, UTF-8...
                offset, width, _ = draw(st.sampled_from([f for f in fields if f[2] == "flags"]))
            else:
                offset, width, _ = draw(st.sampled_from(fields))
            if offset + width > len(data):
                continue
            if operation == "field":
                value = _field_value(draw, data, offset, width, marks)
            else:  # one flag, method or attribute bit: flags 0x20, 0x40, 0x800, the high bit of a size
                bit = draw(st.integers(0, 8 * width - 1))
                value = int.from_bytes(data[offset:offset + width], "little") ^ (1 << bit)
            data[offset:offset + width] = value.to_bytes(width, "little")
        elif operation == "truncate":
            del data[draw(st.sampled_from(marks)) if draw(st.booleans()) else _position(draw, data, marks):]
        elif operation == "insert":
            at = draw(st.sampled_from(marks)) if draw(st.booleans()) else _position(draw, data, marks)
            data[at:at] = draw(st.binary(min_size=1, max_size=64) | st.sampled_from(
                [b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06" + bytes(18), b"PK\x07\x08", bytes(22)]))
        elif operation == "delete":
            at = _position(draw, data, marks)
            del data[at:at + draw(st.integers(1, 64))]
        elif operation == "duplicate":  # a header or record repeated elsewhere: same names, overlaps
            start = draw(st.sampled_from(marks))
            piece = data[start:start + draw(st.integers(4, 120))]
            at = draw(st.sampled_from(marks))
            data[at:at] = piece
        else:  # splice: this archive's beginning, another's end
            other = draw(st.sampled_from(ARCHIVES))
            cut = draw(st.sampled_from(marks)) if draw(st.booleans()) else _position(draw, data, marks)
            other_cut = draw(st.sampled_from(MARKS[other])) if draw(st.booleans()) else draw(st.integers(0, len(other)))
            data = data[:cut] + other[other_cut:]
        marks = [m for m in marks if m < len(data)] or [0]
    if draw(st.booleans()):
        data = repair_end_records(data)  # so that the mutation gets past the first check
    return bytes(data)


def repair_end_records(data: bytearray) -> bytearray:
    """Point the end records (ZIP64 ones too) at the first central directory record again."""
    end = data.rfind(b"PK\x05\x06")
    start = data.find(b"PK\x01\x02")
    if end < 0 or start < 0 or start > end:
        return data
    zip64 = data.rfind(b"PK\x06\x06", start, end)
    directory_end = zip64 if zip64 >= 0 else end
    count = data.count(b"PK\x01\x02", start, directory_end)
    size = directory_end - start
    data = data[:end]
    if zip64 >= 0 and zip64 + 56 <= len(data):
        struct.pack_into("<QQQQ", data, zip64 + 24, count, count, size, start)
        locator = data.find(b"PK\x06\x07", zip64)
        if 0 <= locator <= len(data) - 20:
            struct.pack_into("<Q", data, locator + 8, zip64)
        count, size, start = min(count, 0xFFFF), 0xFFFFFFFF, 0xFFFFFFFF
    return data + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                              min(size, 0xFFFFFFFF), min(start, 0xFFFFFFFF), 0)


@fuzz()
@given(mutated_archive())
def test_any_mutation_of_a_real_archive_is_read_or_refused(data):
    read_or_refuse(data)


@fuzz(0.5)
@given(st.binary(max_size=2048), st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFFFF), st.integers(0, 0xFFFFFFFF))
def test_any_bytes_are_read_or_refused(data, entries, size, offset):
    read_or_refuse(data)
    # With an end record at the end, the bytes reach zipfile's own parser.
    for count, directory_size, directory_offset in ((1, len(data), 0), (entries, size, offset)):
        end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, directory_size % (1 << 32), directory_offset, 0)
        read_or_refuse(data + end)


IDENTITY = age.X25519Identity.generate()
FILE_NAMES = st.text(st.characters(exclude_categories=["Cs"]), max_size=40) | st.sampled_from(
    ["", ".", "..", "../../etc/passwd", "C:\\evil\\.hidden.jpg", " .x", "a" * 300 + ".jpeg", "🚨" * 80,
     "\u202eexe.jpg", "file\u0000.txt", "名前 with spaces.docx", "x." + "e" * 17, "...", "\ufffd.bin"])


@fuzz(0.25)
@given(st.lists(st.tuples(FILE_NAMES, st.text(max_size=120), st.binary(min_size=0, max_size=3000)), max_size=3),
       st.sampled_from(REPORTS), st.data())
def test_what_the_envelope_writes_is_accepted_and_its_mutations_read_or_refused(tmp_path_factory, files, report, data):
    """Any 0-3 uploads the server accepts (names, types, contents) seal into an archive the
    desk reads, with exactly the recorded SHA-256s, and shows; mutations of it are read or refused."""
    report = {k: v for k, v in report.items() if k != "attachments"}
    plaintext = fuzz_seeds.seal(IDENTITY.recipient(), IDENTITY, report, files, tmp_path_factory.getbasetemp())
    archive = read_archive(io.BytesIO(plaintext))
    stored = [content for _, _, content in files if content]
    assert [archive.copy_attachment(e, io.BytesIO()) for e in archive.attachments] == \
           [hashlib.sha256(content).hexdigest() for content in stored]
    use_everywhere(archive.report)  # the names and types the server recorded, in every view
    read_or_refuse(data.draw(mutated_archive(plaintext)))


# --- 2. Structure ---------------------------------------------------------------------------

class Raw(str):
    """JSON text written as it is: what json.dumps cannot write (huge numbers, bad tokens)."""


class Pairs:
    """A JSON object as (key, value) pairs, written in order: a key may come twice."""

    def __init__(self, pairs):
        self.pairs = list(pairs)


def render(value, ascii_only: bool) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, (Pairs, dict)):
        items = value.pairs if isinstance(value, Pairs) else value.items()
        return "{" + ", ".join(f"{render(k, ascii_only)}: {render(v, ascii_only)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render(v, ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


def _rule_words() -> list[str]:
    """The keywords and codes the triage rules look for: texts that make the rules fire."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text_any", "in", "has_any"):
                    found.update(v.strip() for v in value if isinstance(v, str))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((Path(rules.__file__).parent / "rules").glob("*.toml")):
        walk(tomllib.loads(path.read_text(encoding="utf-8")))
    return sorted(found)


RULE_WORDS = _rule_words()
HOSTILE_TEXTS = [
    "", " ", " x", "x ", "\tx", "x\r\n", "x\u3000", "\u00a0x", "x\u2028", "\u0085", "\x00", "\x1b]52;c;eA==\x07",
    "\x1b[2J", "\x7f", "\x9b", "\u202eevil", "\u2066x\u2069", "\u200b", "\ufeffx", "\ud800", "x\udfff", "\ud83d\ude00",
    "\U0001F6A8", "a\r\nb\nc\rd", "\\", '"', "{[", "x" * 300, "x" * 301, "的" * 300, "的" * 301, "x" * 20_000,
    "x" * 20_001, "\U0001F6A8" * 20_000, "2024-02-30", "2024-13", "2024-5", "1899", "2101-01", "0000-00-00",
    "２０２４-０５", "٢٠٢٤-٠٥-٠٣", "2024年5月3日", "2026-11-26T14:34:55Z", "2026-02-29T00:00:00Z",
    "2026-01-01T24:00:00Z", "2026-01-01T00:00:60Z", "２０２６-11-26T14:34:55Z", "abcde-12345-fghjk-mnpq0",
    "ABCDE-12345-FGHJK-MNPQ0", "ABCDE-12345-FGHJK-MNPQO", "ABCDE12345FGHJKMNPQ0", "ABCDE-12345-FGHJK-MNPQU",
    "intake.report/1", "intake.report/2", "intake.report/3", "report", "follow-up", "attachments/01-x", "attachments/1-x",
    "attachments/01-.x", "attachments/01-a/b", "attachments/01-\u202ex", "a" * 64, "0" * 64, "f" * 63,
    "born 1950", "45岁", "1" * 300, "２" * 300,
]
RAW_NUMBERS = [Raw(t) for t in ("1e400", "-1e400", "1.0", "1E2", "-0", "0.0", "NaN", "Infinity", "-Infinity",
                                "9" * 4301, "-" + "9" * 5000, "1" + "0" * 400, "01", "+1", ".5", "0x10", "true ")]
INTEGERS = st.integers(-(2**70), 2**70) | st.sampled_from(
    [0, 1, -1, 2, 3, 99, 100, 101, caps.GROUP_SIZE, caps.GROUP_SIZE + 1, caps.MAX_ARCHIVE_BYTES,
     caps.MAX_ARCHIVE_BYTES + 1, 2**31, 2**53 + 1, 2**63, 2**64, 10**300, -(10**300)])
TEXTS = (st.text(st.characters(exclude_categories=()), max_size=30) | st.sampled_from(HOSTILE_TEXTS)
         | st.sampled_from(RULE_WORDS))
SCALARS = (st.none() | st.booleans() | INTEGERS | st.floats() | TEXTS | st.sampled_from(RAW_NUMBERS))
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(TEXTS, children, max_size=4)
    | st.lists(st.tuples(TEXTS, children), max_size=4).map(Pairs),
    max_leaves=10,
)


def _codes(*sets):
    return st.sampled_from(sorted(set().union(*sets)))


def _precision(day: datetime.date) -> int:
    """How much of a date to keep: the year, the month or the day (from the date itself)."""
    return (4, 7, 10)[day.toordinal() % 3]


DATES = (st.none()
         | st.sampled_from(["2026", "2026-11", "2026-11-30", "2026-12-01", "2026-12", "2027-01-15", "2025-12", "1900",
                            "2100-12-31", "2024-02-29", "2023-02-29", "２０２６-１１"])
         | st.dates(datetime.date(1899, 1, 1), datetime.date(2101, 12, 31)).map(lambda d: d.isoformat()[:_precision(d)]))

# A file's name and declared type, as the server records them (not stripped; no Cc or Cf).
RECORDED_TEXTS = (st.text(st.characters(exclude_categories=["Cc", "Cf", "Cs"]), max_size=40)
                  | st.sampled_from([" x ", "a" * 100, "a" * 101, "a" * 255, "a" * 256, "\u202eexe.jpg", "\u200b"]))
RECEIPTS = st.sampled_from([fuzz_seeds.RECEIPT, fuzz_seeds.EARLIER, "KPSSQ-VCNRZ-Y688G-CBGZT",
                            "00000-00000-00000-00000"])
# Values that the schema could accept at a path (so that reports pass and go on to the desk).
PLAUSIBLE = {
    "schema": st.sampled_from(sorted(schema.SCHEMAS)),
    "kind": _codes(schema.KINDS),
    "received": st.datetimes(datetime.datetime(1970, 1, 1), datetime.datetime(2100, 12, 31)).map(
        lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")),
    "receipt": RECEIPTS,
    "follow_up_of": st.none() | RECEIPTS,
    "form_language": _codes(schema.LANGUAGES),
    "reporter.anonymous": st.booleans(),
    "reporter.relation": _codes(schema.RELATIONS),
    "reporter.how_known": _codes(schema.HOW_KNOWN),
    "reporter.contact_channel": _codes(schema.CONTACT_CHANNELS),
    "victim.kind": _codes(schema.VICTIM_KINDS),
    "victim.group_size": st.none() | st.integers(1, caps.GROUP_SIZE),
    "victim.sex": _codes(schema.SEXES),
    "victim.is_defender": _codes(schema.YES_NO_UNSURE),
    "victim.status": _codes(schema.STATUSES),
    "un_cooperation.body": _codes(schema.UN_BODIES),
    "un_cooperation.kind": _codes(schema.COOPERATION_KINDS),
    "un_cooperation.by": _codes(schema.COOPERATED_BY),
    "un_cooperation.government_replied": _codes(schema.GOVERNMENT_REPLIED),
    "un_cooperation.earlier_sg_report": _codes(schema.YES_NO_UNSURE),
    "un_cooperation.earlier_sg_report_year": st.none() | st.sampled_from(["2019", "2025", "1899", "2025-01"]),
    "victim.detention_kind": _codes(schema.DETENTION_KINDS),
    "victim.arrest_date": DATES,
    "victim.charges": st.lists(_codes(schema.CHARGES), max_size=3, unique=True),
    "victim.charges[]": _codes(schema.CHARGES),
    "related_persons[].relation": _codes(schema.RELATED_RELATIONS),
    "related_persons[].minor": _codes(schema.YES_NO_UNSURE),
    "related_persons[].lives": _codes(schema.LIVES),
    "related_persons[].violations": st.lists(_codes(schema.VIOLATIONS), max_size=4, unique=True),
    "related_persons[].violations[]": _codes(schema.VIOLATIONS),
    "related_persons[].consent_named": _codes(schema.YES_NO_UNSURE),
    "imminent.kind": _codes(schema.IMMINENT_KINDS),
    "imminent.date": DATES,
    "imminent.date_unsure": st.booleans(),
    "incidents[].violations": st.lists(_codes(schema.VIOLATIONS), min_size=1, max_size=6, unique=True),
    "incidents[].violations[]": _codes(schema.VIOLATIONS),
    "incidents[].start.date": DATES,
    "incidents[].start.approximate": st.booleans(),
    "incidents[].end.date": DATES,
    "incidents[].end.ongoing": st.booleans(),
    "incidents[].perpetrator.type": _codes(schema.PERPETRATORS),
    "consent.store": st.just(True),
    "attachments[].entry": st.sampled_from(["attachments/01-a.jpg", "attachments/02-file", "attachments/03-名.pdf",
                                            "attachments/100-x", "attachments/01-" + "é" * 140]),
    "attachments[].original_name": RECORDED_TEXTS,
    "attachments[].declared_type": RECORDED_TEXTS,
    "attachments[].size": st.integers(1, 10**6) | st.sampled_from([0, caps.MAX_ARCHIVE_BYTES]),
    "attachments[].sha256": st.binary(min_size=32, max_size=32).map(bytes.hex),
    "consent.share_with_un": _codes(schema.SHARE_WITH_UN),
    "consent.name_public": _codes(schema.NAME_PUBLIC),
    "consent.sg_report": _codes(schema.SG_REPORT),
    "consent.given_by": _codes(schema.CONSENT_GIVEN_BY),
    "consent.still_in_china": _codes(schema.YES_NO_UNSURE),
}
PLAIN_TEXTS = (st.sampled_from(RULE_WORDS) | st.text(max_size=40).map(str.strip)
               | st.sampled_from(["", "王伟", "Geneva\r\nUPR", "born 3 May 1950", "87", "2026年10月", "x" * 300]))


def _generic(path: tuple) -> str:
    return ".".join(k if isinstance(k, str) else "[]" for k in path).replace(".[]", "[]")


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _paths(item, prefix + (n,))


def _plausible(draw, path: tuple, old):
    strategy = PLAUSIBLE.get(_generic(path))
    if strategy is None:
        strategy = PLAIN_TEXTS if isinstance(old, str) else JSON_VALUES
    return draw(strategy)


def _change_list(draw, report: dict) -> None:
    """An incident, a violation or an attachment record added, dropped or moved."""
    lists = [p for p in _paths(report) if isinstance(_at(report, p), list)]
    if not lists:
        return
    path = draw(st.sampled_from(lists))
    items = _at(report, path)
    action = draw(st.sampled_from(["add", "drop", "reverse"]))
    if action == "drop" and items:
        items.pop(draw(st.integers(0, len(items) - 1)))
    elif action == "reverse":
        items.reverse()
    elif path == ("incidents",):
        items.append(fuzz_seeds.incident(draw(st.integers(0, 2))))
    elif path == ("attachments",):
        content = draw(st.binary(min_size=1, max_size=8))
        name = draw(st.sampled_from(["a.jpg", "file", "名.pdf"]))
        items.append({"entry": f"attachments/{len(items) + 1:02d}-{name}",
                      "original_name": "a.jpg", "declared_type": "image/jpeg", "size": len(content),
                      "sha256": hashlib.sha256(content).hexdigest()})
    elif items:
        items.append(fuzz_seeds.deep_copy(draw(st.sampled_from(items))))


@st.composite
def altered_report(draw, reports=REPORTS):
    """A real report with plausible answers changed (which the schema may accept), then perhaps
    hostile changes (any JSON value anywhere, keys deleted and added, items repeated), and now
    and then a key written twice."""
    report = fuzz_seeds.deep_copy(draw(st.sampled_from(reports)))
    leaves = None
    for _ in range(draw(st.integers(0, 10))):
        if draw(st.sampled_from([False] * 5 + [True])):
            _change_list(draw, report)
            leaves = None
            continue
        if leaves is None:
            leaves = [p for p in _paths(report)
                      if p and (not isinstance(_at(report, p), (dict, list)) or _generic(p) in PLAUSIBLE)]
        path = draw(st.sampled_from(leaves))
        old = _at(report, path)
        _at(report, path[:-1])[path[-1]] = new = _plausible(draw, path, old)
        if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
            leaves = None  # the paths below it have changed
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))):
        path = draw(st.sampled_from(list(_paths(report))[1:] or [("schema",)]))
        parent = _at(report, path[:-1])
        action = draw(st.sampled_from(["replace", "replace", "delete", "add", "repeat"]))
        if action == "replace":
            parent[path[-1]] = draw(JSON_VALUES)
        elif action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(TEXTS | st.sampled_from(["schema", "reporter", "message", "incidents"]))] = draw(JSON_VALUES)
        elif isinstance(parent, list):  # repeat: the item again, at the end (a 4th incident, attachment)
            parent.append(fuzz_seeds.deep_copy(parent[path[-1]]))
    if draw(st.sampled_from([False] * 9 + [True])):  # a key twice: the same value or another one
        objects = [p for p in _paths(report) if isinstance(_at(report, p), dict) and _at(report, p)]
        if objects:
            path = draw(st.sampled_from(objects))
            target = _at(report, path)
            key = draw(st.sampled_from(sorted(target)))
            twice = Pairs(target.items())
            twice.pairs.insert(draw(st.integers(0, len(twice.pairs))), (key, draw(st.just(target[key]) | JSON_VALUES)))
            if path:
                _at(report, path[:-1])[path[-1]] = twice
            else:
                report = twice
    return report


def _at(value, path):
    for key in path:
        value = value[key]
    return value


@st.composite
def report_bytes(draw, reports=REPORTS):
    """An altered report as report.json bytes: UTF-8 (or not), ASCII-escaped or not, indented or not."""
    report = draw(altered_report(reports))
    text = render(report, draw(st.booleans()))
    if draw(st.booleans()):
        text = json.dumps(json.loads(text), ensure_ascii=False, indent=1) if _reparsable(text) else text
    data = text.encode("utf-8", "surrogatepass")
    edit = draw(st.sampled_from(["none"] * 12 + ["bom", "trailing", "utf-16", "quote"]))
    if edit == "bom":
        data = b"\xef\xbb\xbf" + data
    elif edit == "trailing":
        data = data + draw(st.sampled_from([b"\n", b" ", b"\x00", b"{}", b",", b"\xff"]))
    elif edit == "utf-16":
        data = text.encode("utf-16", "surrogatepass")
    elif edit == "quote":
        data = data.replace(b'"', b"'", 1)
    return data


def _reparsable(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def use_everywhere(report: dict, now=NOW) -> None:
    """What the desk does with an accepted report: none of it may raise."""
    case = Case(id="a" * 12, sha256="0" * 64, imported="2026-01-01T00:00:00Z", report=report, checked=READER_VERSION)
    state = _MemoryState(case)
    row = index.row_for(case, now)
    views.case_row(case, now)
    rules.evaluate(report, now)
    for attachments in ([], [dict(a, present=True) for a in report["attachments"]]):
        doc = views.case_document(case, state, attachments, now)
        visible(views.format_case(doc)).encode("utf-8")  # intake show
        visible(json.dumps(doc, ensure_ascii=False, indent=1)).encode("utf-8")  # intake show --format json
    listed = views.select_rows({case.id: json.loads(json.dumps(row))})
    "".join(views.table_lines(listed)).encode("utf-8")  # intake list
    columns = json.loads(json.dumps(views.case_row(case, now)))
    columns["missing"] = {m: [item.split(": ", 1)[0] for item in items] for m, items in columns["missing"].items()}
    assert json.loads(b"\n".join(views.json_lines(listed))) == [columns]  # list names missing items by id
    # The vault stores the case as JSON (casestore.py): it must come back as a case, not damaged.
    stored = json.loads(json.dumps(case_record(case), ensure_ascii=False, separators=(",", ":")))
    again = load_case(case.id, dict(stored, checked=""))  # as if another reader had passed it
    assert isinstance(again, Case) and again.report == report


class _MemoryState:
    """What the views ask of a VaultState, for one case held in memory."""

    def __init__(self, case):
        self.cases = {case.id: case}

    def history(self, case_id):
        return self.cases[case_id].history


NOWS = st.sampled_from([NOW, datetime.datetime(2026, 11, 26, 14, 34, 55)]) | st.datetimes(
    datetime.datetime(1990, 1, 1), datetime.datetime(2100, 1, 1), timezones=st.just(datetime.timezone.utc))


@fuzz(0.6)
@given(report_bytes(), NOWS)
def test_any_altered_report_is_refused_or_usable_by_the_desk(data, now):
    try:
        report = parse_report(data)
    except SubmissionError:
        return
    use_everywhere(report, now)


@fuzz(0.25)
@given(st.sampled_from(SEEDS), st.data())
def test_any_altered_report_in_a_server_archive_is_read_or_refused(seed, data):
    """The same reports inside the server's archive layout, with the seed's attachments: the
    attachment list is checked against the entries, and the bytes against the list."""
    raw = data.draw(report_bytes([seed.report]))
    archive = read_or_refuse(fuzz_seeds.server_zip(seed.attachments, raw))
    if archive is not None:
        use_everywhere(archive.report)


# --- The seeds and helpers themselves -------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_the_seeds_are_accepted_and_usable(seed):
    archive = read_or_refuse(seed.plaintext)
    assert archive is not None and [archive.copy_attachment(e, io.BytesIO()) for e in archive.attachments] == \
        [a["sha256"] for a in seed.report["attachments"]] and len(seed.attachments) == len(seed.report["attachments"])
    use_everywhere(archive.report)
    assert {s.report["kind"] for s in SEEDS} == {"report", "follow-up"}
    assert {len(s.attachments) for s in SEEDS} == {0, 1, 2, 3}


@pytest.mark.parametrize("seed", SEEDS + [ZIP64_SEED], ids=[s.name for s in SEEDS + [ZIP64_SEED]])
def test_server_zip_writes_what_the_envelope_writes(seed):
    raw = zipfile.ZipFile(io.BytesIO(seed.plaintext)).read("report.json")
    padding = fuzz_seeds.padding_size(seed.plaintext)
    if seed is ZIP64_SEED:
        with fuzz_seeds.low_zip64_limit():
            assert fuzz_seeds.server_zip(seed.attachments, raw, padding) == seed.plaintext
    else:
        assert fuzz_seeds.server_zip(seed.attachments, raw, padding) == seed.plaintext


def test_the_mutations_reach_past_the_first_checks():
    """A guard on the harness: mutated archives must not all die at the end record."""
    reasons = {}

    @settings(max_examples=300, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(mutated_archive())
    def collect(data):
        try:
            read_archive(io.BytesIO(data))
            reasons["accepted"] = reasons.get("accepted", 0) + 1
        except SubmissionError as exc:
            reasons[str(exc).split(" (")[0][:40]] = reasons.get(str(exc).split(" (")[0][:40], 0) + 1

    collect()
    assert len(reasons) >= 8, reasons
    assert reasons.get("accepted", 0) >= 5, reasons


# --- Regressions ----------------------------------------------------------------------------
# Inputs the properties above must hold for and did not, when this harness was written against
# e2af241 (the reader before 6a1bcbb). Each comment says what broke; 6a1bcbb fixed the first
# five, dd62909 the last. None is skipped or marked as expected to fail.

def refused_or_read(data) -> str:
    """'refused' (SubmissionError), or 'read' once every attachment copied; anything else raises."""
    try:
        archive = read_archive(data if hasattr(data, "read") else io.BytesIO(data))
        for entry in archive.attachments:
            archive.copy_attachment(entry, io.BytesIO())
    except SubmissionError:
        return "refused"
    return "read"


def test_an_attachment_flagged_as_compressed_patched_data_is_refused():
    # Flag bit 5 (0x20, "compressed patched data") in an attachment's directory record: the
    # reader refused flags 1, 6 and 13 but not 5, so read_archive accepted the archive, and
    # copy_attachment then raised NotImplementedError from zipfile.ZipFile.open (before
    # VerifiedAttachment exists, so nothing turned it into a SubmissionError); import would
    # quarantine it as "the desk could not read it (NotImplementedError)". One bit flip of a
    # real archive: test_any_mutation_of_a_real_archive_is_read_or_refused finds it on e2af241.
    seed = SEEDS[1]
    (entry, _), = seed.attachments
    assert refused_or_read(fuzz_seeds.with_central_flags(seed.plaintext, entry, 0x20)) == "refused"


def test_an_attachment_whose_local_name_is_not_utf8_is_refused():
    # The local header names b"attachments/01-\xff" with the UTF-8 flag; the directory record
    # names "attachments/01-\ufffd". _check_layout decoded the local name with errors="replace"
    # and found the two equal, so read_archive accepted; copy_attachment then raised
    # UnicodeDecodeError from zipfile.ZipFile.open, which decodes the local name strictly.
    name, content = "attachments/01-\ufffd", b"evidence"
    report = fuzz_seeds.deep_copy(SEEDS[1].report)
    report["attachments"][0].update(entry=name, original_name="\ufffd", size=len(content),
                                    sha256=hashlib.sha256(content).hexdigest())
    data = fuzz_seeds.server_zip([(name, content)], json.dumps(report).encode())
    assert refused_or_read(data) == "read"  # as written, the archive is fine
    assert refused_or_read(fuzz_seeds.with_local_name(data, name, b"attachments/01-\xff")) == "refused"


def test_report_json_of_escaped_quotes_is_refused_in_linear_time():
    # archive._json_depth stripped strings with re.sub(rb'"(?:[^"\\]|\\.)*"'): on '"' followed
    # by many '\"' and no closing quote, every escaped quote starts a match attempt that scans to
    # the end and fails, so the time grew with the square of the size: 16 KB took 1 s, 64 KB
    # 17 s, a 4 MiB report.json (MAX_REPORT_BYTES) about 19 hours, in parse_report and so in
    # read_archive, at every import of such a file. A linear scan takes milliseconds here.
    data = b'"' + b'\\"' * 8_000  # 16 KB
    started = time.process_time()
    with pytest.raises(SubmissionError):
        parse_report(data)
    assert time.process_time() - started < 0.2


def test_the_servers_zip64_archive_is_accepted():
    # zipfile writes ZIP64 end records once the central directory starts past 2 GiB - 1 byte
    # (docs/submission-format.md, "Large archives"), but saturates the end record's own fields
    # only past 4 GiB: in between they hold the real values. The reader read the ZIP64 records
    # only when a field was saturated, so it looked for the central directory's end 76 bytes
    # too far and refused the server's own file: "the central directory is not where the end
    # record says". Here in miniature (zipfile's limit lowered while sealing, as
    # tests/test_envelope.py does); test_a_server_archive_of_2_gib_is_accepted at full size.
    assert read_or_refuse(ZIP64_SEED.plaintext) is not None


def test_a_server_archive_of_2_gib_is_accepted():
    # The same at full size: one 2 GiB attachment (zeros, kept sparse in memory), as a server
    # with INTAKE_MAX_UPLOAD above 2 GiB writes it (the caps accept archives up to 8 GiB). Only
    # the headers are read: the attachment's bytes and SHA-256 are never checked here.
    size = (1 << 31) + (1 << 20)
    report = fuzz_seeds.deep_copy(SEEDS[1].report)
    entry = report["attachments"][0]["entry"]
    report["attachments"][0].update(size=size, sha256="0" * 64)
    sparse = fuzz_seeds.SparseFile()
    fuzz_seeds.server_zip([(entry, size)], json.dumps(report, ensure_ascii=False, indent=1).encode(), out=sparse)
    assert sparse.length > zipfile.ZIP64_LIMIT
    archive = read_archive(sparse.reader())
    assert archive.attachments[entry]["size"] == size


def test_refusals_of_an_attachment_name_it_by_number():
    # Reasons are stored in quarantine records and printed at the desk; since 6a1bcbb
    # ("refusals name attachments by number") the reader says "attachment 01", never the
    # file's name (a name such as "王伟_passport.jpg" identifies someone). VerifiedAttachment
    # still put the entry name in its two messages, "attachment attachments/01-evidence.txt is
    # damaged (its CRC does not match)" and "... does not match the size and SHA-256 in its
    # report", which reach the quarantine record through importer._check. Found by counting
    # the refusal reasons of mutated archives (a flipped byte in an attachment's data).
    seed = SEEDS[1]
    (entry, content), = seed.attachments
    damaged = bytearray(seed.plaintext)
    damaged[seed.plaintext.index(content) + 3] ^= 1  # inside the data: the CRC no longer matches
    report = fuzz_seeds.deep_copy(seed.report)
    report["attachments"][0]["sha256"] = "0" * 64
    unlisted = fuzz_seeds.server_zip(seed.attachments, json.dumps(report).encode())
    for data in (bytes(damaged), unlisted):
        archive = read_archive(io.BytesIO(data))
        with pytest.raises(SubmissionError) as refusal:
            archive.copy_attachment(entry, io.BytesIO())
        assert "evidence" not in str(refusal.value) and "attachment 01" in str(refusal.value), str(refusal.value)
