"""intake/submission as the one home of the format: what the web writes is what the desk reads.

The writer and the reader share the entry names, the schema id, the report's types and the
date parser; these tests hold the two sides to each other, through the real web form.
"""

import io
import json
import typing
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_runner import clean_env, intake
from intake import age
from intake.envelope import safe_entry_name
from intake.submission import layout
from intake.submission.archive import read_archive
from intake.submission.dates import find_date, normalize_date, parse_date, parse_received, received_stamp
from intake.submission.report import FollowUp, Report
from intake_client import IntakeClient


@pytest.fixture(scope="module")
def staff(staff_key):
    return staff_key


def _plaintext(identity, path) -> bytes:
    with open(path, "rb") as f:
        return age.decrypt([identity], f).read()


def _keys_match(value, kind, where: str) -> None:
    """`value` (parsed JSON) has exactly the keys the TypedDict `kind` declares, all the way down."""
    origin = typing.get_origin(kind)
    if typing.is_typeddict(kind):
        hints = typing.get_type_hints(kind)
        assert isinstance(value, dict) and set(value) == set(hints), f"{where}: {sorted(set(value) ^ set(hints))}"
        for key, hint in hints.items():
            _keys_match(value[key], hint, f"{where}.{key}")
    elif origin is list:
        (item,) = typing.get_args(kind)
        for n, element in enumerate(value):
            _keys_match(element, item, f"{where}[{n}]")


def test_the_typed_report_has_exactly_the_keys_the_form_writes_and_the_reader_accepts(tmp_path, staff):
    identity, _ = staff
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    receipt = client.report({"incidents-1-violations": ["EXIT_BAN"], "incidents-1-start_date": "2023-04",
                             "incidents-1-narrative": "Stopped at the airport.", "incidents-1-province": "Beijing",
                             "incidents-1-perpetrator": "police"},
                            files=[("notice.pdf", b"%PDF-1.4 notice", "application/pdf")])
    client.follow_up(receipt, "An update.", files=[("photo.jpg", b"\xff\xd8 photo", "image/jpeg")])
    reports = [read_archive(io.BytesIO(_plaintext(identity, p))).report for p in client.submissions()]
    assert sorted(r["kind"] for r in reports) == ["follow-up", "report"]
    for report in reports:
        assert report["schema"] == layout.REPORT_SCHEMA
        assert all(layout.ATTACHMENT_ENTRY.fullmatch(a["entry"]) for a in report["attachments"])
        _keys_match(report, Report if report["kind"] == "report" else FollowUp, "report")
        assert len(report["attachments"]) == 1
    full = next(r for r in reports if r["kind"] == "report")
    assert len(full["incidents"]) == 2


@pytest.mark.parametrize(("typed", "stored"), [
    ("2024-05", "2024-05"), ("2024-5-3", "2024-05-03"), ("2024/05/03", "2024-05-03"), ("2024.5.3", "2024-05-03"),
    ("2024年5月3日", "2024-05-03"), ("2024年5月", "2024-05"), ("2024年", "2024"), ("2024 年 5 月", "2024-05"),
    # A Chinese keyboard types full-width digits and separators; they are stored as ASCII.
    ("２０２４年５月３日", "2024-05-03"), ("２０２４－０５", "2024-05"), (" 2024-05- ", "2024-05"),
    ("2024-02-29", "2024-02-29"), ("2023-02-29", None), ("2024-13", None), ("2024-00", None), ("1899-05", None),
    ("2101", None), ("May 2024", None), ("2024-5-3x", None), ("", None), ("24-05", None),
])
def test_a_typed_date_is_stored_in_the_one_form_the_reader_accepts(typed, stored):
    assert normalize_date(typed) == stored
    if stored is not None:
        assert str(parse_date(stored)) == stored


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789０１２３４５６７８９-/.－年月日 ", max_size=14))
def test_whatever_the_form_stores_the_reader_accepts(typed):
    stored = normalize_date(typed)
    assert stored is None or (stored.isascii() and str(parse_date(stored)) == stored)


@pytest.mark.parametrize(("text", "found", "precision"), [
    ("met the rapporteur on 2024年5月31日 in Geneva", "2024-05-31", "day"),
    ("call 13812345678; the session was 2023/4", "2023-04", "month"),  # a phone number is no year
    ("2024-02-30", "2024-02-29", "day"),  # free text: the month's last day
    ("2024-5-40", "2024-05", "month"),
    ("in 2022", "2022", "year"),
    ("last spring", None, None),
])
def test_a_date_in_free_text_is_read_leniently(text, found, precision):
    date = find_date(text)
    assert (str(date) if date else None, date.precision if date else None) == (found, precision)


def test_the_time_of_receipt_round_trips_and_nothing_else_passes():
    import datetime

    moment = datetime.datetime(2024, 5, 3, 18, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    stamp = received_stamp(moment)
    assert stamp == "2024-05-03T10:01:02Z" and parse_received(stamp) == moment
    for bad in ("2024-02-30T10:01:02Z", "2024-05-03T10:01:02+00:00", "2024-05-03 10:01:02Z", 20240503, None):
        assert parse_received(bad) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 99), st.text(max_size=200))
def test_every_name_the_writer_gives_an_upload_is_one_the_reader_accepts(number, original):
    entry = safe_entry_name(number, original)
    match = layout.ATTACHMENT_ENTRY.fullmatch(entry)
    assert match and int(match.group(1)) == number and not match.group(2).startswith(".")


def test_dates_typed_in_full_width_digits_reach_the_desk(tmp_path, staff):
    """Before the one parser, the form stored '２０２４-05' and the desk refused the whole report."""
    identity, key = staff
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report({"incidents-0-start_date": "２０２４年３月５日", "incidents-0-end_date": "２０２４年４月"})
    (path,) = client.submissions()
    report = json.loads(zipfile.ZipFile(io.BytesIO(_plaintext(identity, path))).read(layout.REPORT_ENTRY))
    assert (report["incidents"][0]["start"]["date"], report["incidents"][0]["end"]["date"]) == ("2024-03-05", "2024-04")
    env = clean_env(INTAKE_VAULT=tmp_path / "vault", INTAKE_IDENTITY=key)
    imported = intake("import", "--format", "json", client.data_dir / "submissions", env=env)
    assert imported.returncode == 0, imported.stderr
    (row,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    shown = json.loads(intake("show", row["id"], "--format", "json", env=env).stdout)
    assert shown["report"]["incidents"][0]["start"]["date"] == "2024-03-05"
