"""Fuzzing the strict submission reader with hypothesis: hostile bytes never crash the desk.

Two properties, from real archives of the web intake (tests/hostile_submissions.py is the
hand-written corpus of known attacks beside it):

1. bytes: any mutation of a real archive (flipped bytes, overwritten header fields, truncation,
   insertion, splices) is read into an Archive, or refused with SubmissionError; nothing else
   is ever raised, and the attachments of an accepted one read or refuse the same way;
2. structure: any value at any place of a real report (wrong types, huge or hostile text,
   extra and missing keys) is refused with SubmissionError, or accepted, and then every view
   of the desk (list row, case view, the rules) works on it without an exception.

Hypothesis picks the inputs at random: each CI run explores new ones within a fixed budget.
Run longer locally with INTAKE_FUZZ_EXAMPLES (examples per property; default 300):

    INTAKE_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/test_fuzz_submissions.py

Why hypothesis, not atheris: it installs from a wheel on any Python, it shrinks a failure to a
minimal input, and the properties need structured inputs (JSON paths) as much as bytes.
"""

import datetime
import io
import json
import os
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake import age
from intake.desk import rules, views
from intake.desk.state import Case, VaultState
from intake.submission import SubmissionError
from intake.submission.archive import parse_report, read_archive
from intake_client import IntakeClient

EXAMPLES = int(os.environ.get("INTAKE_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)


def _real_submissions():
    import tempfile
    from pathlib import Path

    identity = age.X25519Identity.generate()
    client = IntakeClient(Path(tempfile.mkdtemp()), [identity.recipient()])
    client.report(files=[("one.txt", b"first evidence file\n" * 20, "text/plain"), ("two.bin", bytes(range(256)), "")])
    client.follow_up(client.report(marker="b"), "He was moved on 20 November.")
    archives = []
    for path in client.submissions():
        with open(path, "rb") as f:
            archives.append(age.decrypt([identity], f).read())
    return archives


SEEDS = _real_submissions()
REPORTS = [json.loads(zipfile.ZipFile(io.BytesIO(a)).read("report.json")) for a in SEEDS]


def _read_everything(data: bytes) -> None:
    try:
        result = read_archive(io.BytesIO(data))
        for entry in result.attachments:
            result.copy_attachment(entry, io.BytesIO())
    except SubmissionError:
        pass


FIELD_VALUES = st.sampled_from([0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 2**63 - 1, 2**64 - 1])


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    # Header fields live near the signatures: aim half of the mutations there.
    anchors = [i for sig in (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06") for i in _find_all(data, sig)]
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "field", "truncate", "insert", "splice", "delete"]))
        if not data:
            break
        if draw(st.booleans()) and anchors:
            at = min(len(data) - 1, draw(st.sampled_from(anchors)) + draw(st.integers(0, 45)))
        else:
            at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "field":
            width = draw(st.sampled_from([2, 4, 8]))
            value = draw(FIELD_VALUES) & ((1 << (8 * width)) - 1)
            data[at:at + width] = value.to_bytes(width, "little")
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        else:
            other = draw(st.sampled_from(SEEDS))
            data = data[:at] + other[draw(st.integers(0, len(other) - 1)):]
    return bytes(data)


def _find_all(data: bytes, needle: bytes) -> list[int]:
    found, start = [], 0
    while (i := data.find(needle, start)) >= 0:
        found.append(i)
        start = i + 1
    return found


@FUZZ
@given(mutated())
def test_any_mutation_of_a_real_archive_is_read_or_refused(data):
    _read_everything(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_any_bytes_are_read_or_refused(data):
    _read_everything(data)
    _read_everything(data + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, 46, 0, 0))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
    | st.sampled_from(["", " x", "\x1b]52;c;x\x07", "\u202e", "\ud800", "x" * 20_001, "2024-02-30", "2024-13",
                       "ABCDE-12345-FGHJK-MNPQ0", "report", "follow-up", "intake.report/1", "attachments/01-x"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _paths(item, prefix + (n,))


@st.composite
def altered_report(draw):
    report = json.loads(json.dumps(draw(st.sampled_from(REPORTS))))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(report))))
        if not path:
            continue
        parent = report
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(JSON)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(JSON)
        else:
            parent.append(draw(JSON))
    return report


def _use_everywhere(report: dict) -> None:
    """What the desk does with an accepted report: none of it may raise."""
    case = Case(id="a" * 12, sha256="0" * 64, imported="2026-12-01T00:00:00Z", report=report)
    state = VaultState(cases={case.id: case})
    views.list_row(case, NOW)
    views.format_case(views.case_document(case, state, [dict(a, present=True) for a in report["attachments"]], NOW))
    rules.evaluate(report, NOW)
    views.format_table(views.select_rows(state, NOW))


@FUZZ
@given(altered_report(), st.booleans())
def test_any_altered_report_is_refused_or_usable_by_the_desk(report, ascii_only):
    try:
        data = json.dumps(report, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    except ValueError:
        return  # a float json cannot write (inf): nothing a file could hold
    try:
        accepted = parse_report(data)
    except SubmissionError:
        return
    _use_everywhere(accepted)


@pytest.mark.parametrize("report", REPORTS, ids=["report", "report-b", "follow-up"])
def test_the_seeds_themselves_are_accepted_and_usable(report):
    _use_everywhere(parse_report(json.dumps(report).encode()))


def test_a_report_that_passes_yields_every_attachment_through_the_archive():
    for data in SEEDS:
        result = read_archive(io.BytesIO(data))
        assert [result.copy_attachment(e, io.BytesIO()) for e in result.attachments] == \
               [a["sha256"] for a in result.report["attachments"]]
