"""The organisation profile: read from TOML, never invented, hostile files refused in one line."""

import tomllib
from pathlib import Path

import pytest

from intake.desk.errors import DeskError
from intake.desk.organisation import ENV, Organisation, load_profile, parse_profile

GOOD = b"""name = "Example Rights Network"
address = "PO Box 1\\n1211 Geneva"
email = "desk@example.org"
[signatory]
name = "A. Staff"
role = "Programme director"
"""


def test_a_full_profile_is_read():
    org = parse_profile(GOOD)
    assert org == Organisation("Example Rights Network", "PO Box 1\n1211 Geneva", "desk@example.org", "A. Staff",
                               "Programme director")
    assert org.missing() == []


def test_no_profile_means_every_field_missing(tmp_path):
    assert load_profile(None, environ={}).missing() == [
        "the submitting organisation's name", "the organisation's postal address", "the organisation's contact e-mail",
        "the signatory's name", "the signatory's role"]
    partial = tmp_path / "org.toml"
    partial.write_bytes(b'name = "Example Rights Network"\n')
    assert load_profile(None, environ={ENV: str(partial)}).missing()[0] == "the organisation's postal address"


@pytest.mark.parametrize("data", [
    b"name = ", b"\xff\xfe", b"name = 3", b'name = "x"\npassword = "hunter2"', b"signatory = \"me\"",
    b'[signatory]\nname = "a"\nphone = "1"', b'name = "' + b"x" * 201 + b'"', b'name = "a\\u202eb"',
    b'name = "a\\u001b]52;c;b"', b'email = "not an address"', b'name = "a\\nb"', b"x" * 20000])
def test_a_hostile_profile_is_refused_in_one_line_without_its_content(data):
    with pytest.raises(DeskError) as caught:
        parse_profile(data)
    message = str(caught.value)
    assert "\n" not in message and "hunter2" not in message and "\x1b" not in message


def test_an_unreadable_profile_is_a_clear_error(tmp_path):
    with pytest.raises(DeskError, match="cannot be read"):
        load_profile(tmp_path / "absent.toml")


def test_addresses_come_with_their_source():
    rules = tomllib.loads((Path(__file__).parents[1] / "intake/desk/rules/addresses.toml").read_text())
    assert rules["urgent"]["address"] == "urgent-action@ohchr.org"
    assert rules["reprisals"]["address"] == "reprisals@ohchr.org"
    assert all("un-procedures.md" in entry["source"] for entry in rules.values())


def test_an_urgent_cover_message_goes_to_the_urgent_address_with_the_reprisals_copy():
    from intake.desk.exports.cover_message import cover_message

    view = {"id": "CASE-001", "urgent": True, "mandates": ["WGAD", "SR-TORTURE", "ASG-REPRISALS"]}
    text = cover_message(view, {"sg_report": "anonymised"}, parse_profile(GOOD))
    head = text.splitlines()[:4]
    assert head == ["To: urgent-action@ohchr.org", "Cc: reprisals@ohchr.org",
                    "Subject: URGENT: Joint communication for WGAD, SR-TORTURE", "Attachment: communication.md"]
    assert "Example Rights Network" in text and "MISSING" not in text


def test_a_cover_message_without_urgency_consent_or_profile():
    from intake.desk.exports.cover_message import cover_message

    text = cover_message({"id": "CASE-002", "urgent": False, "mandates": ["SR-HRD"]}, {"sg_report": "no"},
                         load_profile(None, environ={}))
    assert "Cc:" not in text and "URGENT" not in text
    assert text.startswith("To: urgent-action@ohchr.org\nSubject: Joint communication for SR-HRD\n")
    assert "MISSING: the signatory's name" in text and "MISSING: the submitting organisation name" in text
