"""The report flow through real HTTP: form, upload, receipt, and what ends up encrypted."""

import hashlib
import io
import json
import os
import re
import stat
import zipfile

import pytest

from intake.receipt import PATTERN
from intake import age
from intake.padding import padme
from live_server import LiveServer, new_session, valid_answers, with_files
from tooling import require, typage, typage_available

RECEIPT = re.compile(rf"<code>({PATTERN})</code>")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("server")) as live:
        yield live


def submit(server, answers, files=(), path="/"):
    session, token = new_session(server, path)
    return session.post(server.url + path, data={**answers, "csrf_token": token}, files=with_files(files), timeout=60)


def open_submission(server, path) -> zipfile.ZipFile:
    with open(path, "rb") as f:
        plaintext = age.decrypt([server.identity], f).read()
    assert len(plaintext) == padme(len(plaintext))  # padded to a Padmé size
    return zipfile.ZipFile(io.BytesIO(plaintext))


def new_submission(server, before: set):
    (path,) = set(server.submissions()) - before
    return path


def test_full_report_with_several_attachments(server):
    big = os.urandom(1_300_000)
    small = "会议通知 notice".encode()
    before = set(server.submissions())
    response = submit(server, valid_answers(), files=[
        ("attachments", ("photo 1.jpg", big, "image/jpeg")),
        ("attachments", ("通知.txt", small, "text/plain")),
        ("attachments", ("", b"", "application/octet-stream")),  # an empty file input
    ])
    assert response.status_code == 200
    receipt = RECEIPT.search(response.text).group(1)
    path = new_submission(server, before)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_mtime % 86400 == 0  # the day only
    assert path.parent.stat().st_mtime % 86400 == 0  # and the folder does not tell the time either
    archive = open_submission(server, path)
    report = json.loads(archive.read("report.json"))
    assert report["schema"] == "intake.report/3" and report["receipt"] == receipt
    expected = valid_answers()
    assert report["reporter"]["name"] == expected["reporter_name"]
    assert report["victim"]["name"] == expected["victim_name"]
    assert report["victim"]["status"] == "detained"
    assert report["un_cooperation"] == {
        "body": "upr", "kind": "submission", "by": "", "date": expected["cooperation_date"],
        "link_evidence": expected["link_evidence"], "already_raised": "",
        "government_replied": "", "earlier_sg_report": "", "earlier_sg_report_year": None,
    }
    assert (report["victim"]["detention_kind"], report["victim"]["arrest_date"], report["victim"]["charges"]) == ("", None, [])
    assert report["remedies"]["response"] == ""
    assert report["related_persons"] == [] and report["imminent"]["kind"] == ""
    (incident,) = report["incidents"]
    assert incident["violations"] == ["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE"]
    assert incident["start"] == {"date": "2024-03-05", "approximate": False}
    assert incident["end"] == {"date": None, "ongoing": True}
    assert incident["narrative"] == expected["incidents-0-narrative"]
    assert report["consent"]["share_with_un"] == "yes" and report["consent"]["sg_report"] == "anonymised"
    files = {a["original_name"]: a for a in report["attachments"]}
    assert set(files) == {"photo 1.jpg", "通知.txt"}
    for name, data in (("photo 1.jpg", big), ("通知.txt", small)):
        entry = files[name]
        assert archive.read(entry["entry"]) == data
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert files["photo 1.jpg"]["entry"] == "attachments/01-photo_1.jpg"


def test_stored_submission_opens_with_typage(server):
    require(typage_available(), "node and tests/interop/node_modules (npm ci --prefix tests/interop) are needed")
    before = set(server.submissions())
    assert submit(server, valid_answers(), files=[("attachments", ("a.bin", b"x" * 70000, "application/octet-stream"))]).status_code == 200
    ciphertext = new_submission(server, before).read_bytes()
    plaintext = typage("decrypt", "-i", server.identity.to_secret_string(), input=ciphertext)
    assert zipfile.ZipFile(io.BytesIO(plaintext)).read("attachments/01-a.bin") == b"x" * 70000


def test_anonymous_report_keeps_nothing_about_the_reporter(server):
    before = set(server.submissions())
    answers = {**valid_answers(), "anonymous": "y"}
    assert submit(server, answers).status_code == 200
    reporter = json.loads(open_submission(server, new_submission(server, before)).read("report.json"))["reporter"]
    assert reporter["anonymous"] is True
    assert reporter["name"] == reporter["organisation"] == reporter["contact_details"] == reporter["contact_channel"] == ""
    assert reporter["relation"] == "family"  # not identifying, and needed for triage


def test_follow_up_is_linked_by_receipt(server):
    first = RECEIPT.search(submit(server, valid_answers()).text).group(1)
    before = set(server.submissions())
    typed = first.lower().replace("-", " ")  # typed back casually
    response = submit(server, {"receipt": typed, "message": "He was moved to another prison.", "consent_store": "y"},
                      files=[("attachments", ("letter.pdf", b"%PDF-1.4", "application/pdf"))], path="/follow-up")
    assert response.status_code == 200
    archive = open_submission(server, new_submission(server, before))
    report = json.loads(archive.read("report.json"))
    assert report["kind"] == "follow-up" and report["follow_up_of"] == first
    assert report["message"] == "He was moved to another prison."
    # No second code to confuse with the first: the page says to keep the first one.
    assert RECEIPT.search(response.text) is None and "Keep the receipt code of your first report" in response.text
    assert report["receipt"] != first  # stored with a code of its own, never shown


def test_a_receipt_with_one_typo_is_refused_and_an_old_code_is_accepted(server):
    first = RECEIPT.search(submit(server, valid_answers()).text).group(1)
    assert len(first) == 23 and first.count("-") == 2  # three groups of seven: 20 random symbols and a check
    symbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    wrong = symbols[(symbols.index(first[9]) + 1) % 32]
    for typo in (first[:9] + wrong + first[10:], first[:3] + first[4] + first[3] + first[5:]):
        if typo == first:
            continue
        response = submit(server, {"receipt": typo, "message": "news", "consent_store": "y"}, path="/follow-up")
        assert response.status_code == 400 and "This receipt code has a mistake in it" in response.text
    before = set(server.submissions())
    old = "ABCDE-12345-FGHJK-MNPQ0"  # four groups of five, as codes were issued before the check symbol
    assert submit(server, {"receipt": old.lower(), "message": "news", "consent_store": "y"}, path="/follow-up").status_code == 200
    report = json.loads(open_submission(server, new_submission(server, before)).read("report.json"))
    assert report["follow_up_of"] == old
    response = submit(server, {"receipt": "not a code", "message": "news", "consent_store": "y"}, path="/follow-up")
    assert response.status_code == 400 and "This does not look like a receipt code" in response.text


def test_update_field_in_the_main_form_links_too(server):
    first = RECEIPT.search(submit(server, valid_answers()).text).group(1)
    before = set(server.submissions())
    assert submit(server, {**valid_answers(), "follow_up_of": first}).status_code == 200
    report = json.loads(open_submission(server, new_submission(server, before)).read("report.json"))
    assert report["follow_up_of"] == first


@pytest.mark.parametrize("missing", ["relation", "status", "un_body", "incidents-0-narrative", "consent_store", "consent_sg_report"])
def test_missing_required_answer_shows_the_form_again_and_stores_nothing(server, missing):
    before = set(server.submissions())
    answers = {k: v for k, v in valid_answers().items() if k != missing}
    response = submit(server, answers, files=[("attachments", ("a.txt", b"evidence", "text/plain"))])
    assert response.status_code == 400
    assert "Please check the marked questions." in response.text and "Nothing has been stored yet." in response.text
    assert "Please choose them again." in response.text  # the chosen file is not kept
    assert answers["incidents-0-province"] in response.text or missing == "incidents-0-province"  # entered text kept
    assert set(server.submissions()) == before
    assert server.pending() == []


def test_incident_dates_need_month_unless_ongoing(server):
    answers = {**valid_answers(), "incidents-0-start_date": "2024"}
    answers.pop("incidents-0-ongoing")
    response = submit(server, answers)
    assert response.status_code == 400 and "at least the year and month" in response.text
    before = set(server.submissions())
    answers["incidents-0-start_date"] = "2024年5月"
    assert submit(server, answers).status_code == 200
    report = json.loads(open_submission(server, new_submission(server, before)).read("report.json"))
    assert report["incidents"][0]["start"]["date"] == "2024-05"


def test_a_second_incident_is_kept_only_when_used(server):
    before = set(server.submissions())
    answers = {**valid_answers(), "incidents-1-violations": ["EXIT_BAN"], "incidents-1-start_date": "2023-09",
               "incidents-1-province": "Beijing", "incidents-1-narrative": "Stopped at the airport.",
               "incidents-1-perpetrator": "police"}
    assert submit(server, answers).status_code == 200
    report = json.loads(open_submission(server, new_submission(server, before)).read("report.json"))
    assert [i["violations"] for i in report["incidents"]] == [["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE"], ["EXIT_BAN"]]


def test_every_recipient_can_read_the_submission(tmp_path):
    main, backup = age.HybridIdentity.generate(), age.HybridIdentity.generate()
    (tmp_path / "recipients.txt").write_text(f"# main\n{main.recipient()}\n# backup\n{backup.recipient()}\n")
    with LiveServer(tmp_path, identity=main) as live:
        assert submit(live, valid_answers()).status_code == 200
        (path,) = live.submissions()
    for identity in (main, backup):
        with open(path, "rb") as f:
            assert zipfile.ZipFile(io.BytesIO(age.decrypt([identity], f).read())).read("report.json")


def test_the_largest_report_the_page_allows_is_accepted(server):
    """Every box of the page ticked, every slot used, every field filled, the most files: the
    server's part limit (MAX_FORM_PARTS) must not refuse what the form itself invites."""
    from intake.web.choices import CHARGES, VIOLATIONS
    codes = [c.value for c in VIOLATIONS]
    charges = [c.value for c in CHARGES if c.value != "none_known"]  # "no charge known" stands alone
    answers = {**valid_answers(), "victim_name_other": "Wang", "cooperated_by": "victim", "imminent_kind": "trial",
               "imminent_date": "2027-01", "imminent_date_unsure": "y", "anonymous": "", "incidents-0-violations": codes,
               "incidents-0-start_approximate": "y", "charges": charges}
    for n in (1, 2):
        answers.update({f"incidents-{n}-{k}": v for k, v in {
            "violations": codes, "start_date": "2024-05", "start_approximate": "y", "ongoing": "y", "end_date": "2024-06",
            "province": "Sichuan", "narrative": "again", "perpetrator": "police"}.items()})
    for n in range(4):
        answers.update({f"related-{n}-relation": "sibling", f"related-{n}-name": f"Person {n}", f"related-{n}-violations": codes})
    # As a browser sends it: every text field and list, filled or not, and every box ticked.
    page = new_session(server, "/")[0].get(server.url + "/", timeout=30).text
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
        name, kind = re.search(r'name="([^"]+)"', tag), re.search(r'type="([a-z]+)"', tag)
        kind = kind.group(1) if kind else ""
        if name and kind != "file" and name.group(1) != "csrf_token":
            answers.setdefault(name.group(1), "y" if kind in ("checkbox", "radio") else "")
    files = [("attachments", (f"f{n}.txt", b"x", "text/plain")) for n in range(20)]
    parts = sum(len(v) if isinstance(v, list) else 1 for v in answers.values()) + 1 + len(files)
    assert parts > 300, parts
    before = set(server.submissions())
    response = submit(server, answers, files=files)
    assert response.status_code == 200, re.findall(r'id="([^"]+)-errors"', response.text) or response.status_code
    report = json.loads(open_submission(server, new_submission(server, before)).read("report.json"))
    assert len(report["related_persons"]) == 4 and all(p["violations"] == codes for p in report["related_persons"])
    assert len(report["attachments"]) == 20 and all(i["violations"] == codes for i in report["incidents"])
    assert report["victim"]["charges"] == charges


def test_the_arrest_the_charges_and_earlier_un_action_reach_report_json(server):
    answers = {**valid_answers(), "detention_kind": "rsdl", "arrest_date": "２０２４年３月５日", "arrest_place": "at home",
               "charges": ["subversion", "pretext"], "charges_wording": "煽动颠覆国家政权罪",
               "remedies_response": "no answer from the procuratorate", "government_replied": "no",
               "earlier_sg_report": "yes", "earlier_sg_report_year": "2023"}
    before = set(server.submissions())
    assert submit(server, answers).status_code == 200
    report = json.loads(open_submission(server, new_submission(server, before)).read("report.json"))
    victim, coop = report["victim"], report["un_cooperation"]
    assert (victim["detention_kind"], victim["arrest_date"], victim["arrest_place"]) == ("rsdl", "2024-03-05", "at home")
    assert victim["charges"] == ["subversion", "pretext"] and victim["charges_wording"] == "煽动颠覆国家政权罪"
    assert report["remedies"]["response"] == "no answer from the procuratorate"
    assert (coop["government_replied"], coop["earlier_sg_report"], coop["earlier_sg_report_year"]) == ("no", "yes", "2023")


@pytest.mark.parametrize("changes, field", [
    ({"arrest_date": "2024"}, "arrest_date"),  # a month at least, as for every event
    ({"arrest_date": "2024-02-30"}, "arrest_date"),
    ({"charges": ["none_known", "cult"]}, "charges"),
    ({"charges": ["treason"]}, "charges"),
    ({"detention_kind": "hotel"}, "detention_kind"),
    ({"government_replied": "maybe"}, "government_replied"),
    ({"earlier_sg_report": "yes", "earlier_sg_report_year": "23"}, "earlier_sg_report_year"),
    ({"earlier_sg_report": "yes", "earlier_sg_report_year": "2023-05"}, "earlier_sg_report_year"),
    ({"earlier_sg_report": "", "earlier_sg_report_year": "2023"}, "earlier_sg_report_year"),
])
def test_a_new_answer_the_schema_would_refuse_is_refused_by_the_form(server, changes, field):
    before = set(server.submissions())
    response = submit(server, {**valid_answers(), **changes})
    assert response.status_code == 400 and f'id="{field}-errors"' in response.text
    assert set(server.submissions()) == before


def test_a_form_shown_again_with_errors_says_so_in_its_title(server):
    answers = {k: v for k, v in valid_answers().items() if k != "status"}
    response = submit(server, {**answers, "step": "answers"})
    assert response.status_code == 400 and "<title>Error: Report a reprisal</title>" in response.text
    assert "<title>Report a reprisal</title>" in new_session(server, "/")[0].get(server.url + "/", timeout=30).text


def test_the_files_page_carries_the_forms_answers_and_nothing_else(server):
    answers = {**valid_answers(), "step": "answers", "not_a_question": "x" * 50}
    page = submit(server, answers).text
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.split("<form", 2)[1]))
    assert "not_a_question" not in carried and "step" not in carried
    assert carried["incidents-0-province"] == answers["incidents-0-province"] and "csrf_token" in carried
