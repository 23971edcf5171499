"""Flood limits through the real server, the safety page, and retention at start."""

import os
import re
import time

import requests

from live_server import LiveServer, fresh_token, new_session, valid_answers, with_files

LANGUAGE_CODES = ("en", "zh_Hans", "zh_Hant", "ug", "bo")


def submit(server, session=None, token=None):
    if session is None:
        session, token = new_session(server)
    return session.post(server.url + "/", data={**valid_answers(), "csrf_token": token}, files=with_files(()), timeout=30)


def test_a_burst_above_the_limit_gets_the_limit_page_and_stores_nothing(tmp_path):
    env = {"INTAKE_RATE": "6", "INTAKE_BURST": "3", "INTAKE_SESSION_LIMIT": "100"}
    with LiveServer(tmp_path, env=env) as live:
        statuses = [submit(live).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        limited = submit(live)
        assert limited.status_code == 429
        assert "Too many reports right now" in limited.text and "Nothing was stored." in limited.text
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert len(live.submissions()) == 3 and live.pending() == []
        time.sleep(10.5)  # one token every 10 s at 6 a minute
        # An invalid form does not use up the allowance: its token is given back.
        session, token = new_session(live)
        answers = {k: v for k, v in valid_answers().items() if k != "status"}
        assert session.post(live.url + "/", data={**answers, "csrf_token": token}, files=with_files(()), timeout=30).status_code == 400
        assert submit(live).status_code == 200
        assert submit(live).status_code == 429
        assert len(live.submissions()) == 4
    log = live.log()
    assert "127.0.0.1" not in log
    for path in live.root.rglob("*"):
        if path.is_file():
            assert b"127.0.0.1" not in path.read_bytes() or path.name == "recipients.txt"


def test_the_limit_page_speaks_the_reporters_language(tmp_path):
    with LiveServer(tmp_path, env={"INTAKE_BURST": "1", "INTAKE_RATE": "1"}) as live:
        assert submit(live).status_code == 200
        session = requests.Session()
        page = session.get(live.url + "/?lang=zh_Hans", timeout=10)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        limited = session.post(live.url + "/?lang=zh_Hans", data={**valid_answers(), "csrf_token": token}, files=with_files(()), timeout=30)
        assert limited.status_code == 429
        assert 'lang="zh-Hans"' in limited.text and "Too many reports right now" not in limited.text


def test_one_session_cannot_send_more_than_its_limit(tmp_path):
    with LiveServer(tmp_path, env={"INTAKE_SESSION_LIMIT": "2"}) as live:
        session = requests.Session()
        assert [submit(live, session, fresh_token(live, session)).status_code for _ in range(2)] == [200, 200]
        assert submit(live, session, fresh_token(live, session)).status_code == 429
        assert submit(live).status_code == 200  # another browser is not affected
        assert len(live.submissions()) == 3


def test_an_old_cookie_sent_again_does_not_reset_the_session_count(tmp_path):
    """The count is kept by the server, not in the cookie: a browser that sends back the cookie
    it had before its first report is still the same session, with the same count."""
    with LiveServer(tmp_path, env={"INTAKE_SESSION_LIMIT": "2"}) as live:
        session, _ = new_session(live)
        before_any_report = session.cookies.get_dict()
        assert [submit(live, session, fresh_token(live, session)).status_code for _ in range(2)] == [200, 200]
        replayed = requests.Session()
        replayed.cookies.update(before_any_report)
        limited = submit(live, replayed, fresh_token(live, replayed))
        assert limited.status_code == 429 and "Too many reports right now" in limited.text
        assert len(live.submissions()) == 2 and live.pending() == []


def test_the_data_quota(tmp_path):
    with LiveServer(tmp_path, env={"INTAKE_DATA_QUOTA": "30KB"}) as live:
        big = [("attachments", ("a.bin", os.urandom(25_000), "application/octet-stream"))]
        session, token = new_session(live)
        assert session.post(live.url + "/", data={**valid_answers(), "csrf_token": token}, files=big, timeout=30).status_code == 200
        session, token = new_session(live)
        refused = session.post(live.url + "/", data={**valid_answers(), "csrf_token": token}, files=big, timeout=30)
        assert refused.status_code == 429 and len(live.submissions()) == 1


def test_the_safety_page_in_every_language_loads_nothing_from_elsewhere(tmp_path):
    with LiveServer(tmp_path) as live:
        form = requests.get(live.url + "/", timeout=10).text
        assert "/safety?lang=en" in form
        for code in LANGUAGE_CODES:
            page = requests.get(f"{live.url}/safety?lang={code}", timeout=10)
            assert page.status_code == 200
            html = page.text
            assert "<script" not in html and "<img" not in html and "<iframe" not in html
            assert not re.search(r'(src|href)="(https?:)?//', html.replace('href="https://www.wikipedia.org/"', ""))
            assert 'rel="noreferrer noopener"' in html  # the leave-quickly link sends no referrer
            if code != "en":
                assert "Reporting safely" not in html and "What happens to your report" not in html


def test_retention_at_start_deletes_only_old_uncollected_submissions(tmp_path):
    submissions = tmp_path / "data" / "submissions"
    submissions.mkdir(parents=True)
    old, recent = submissions / "old.age", submissions / "recent.age"
    old.write_bytes(b"ciphertext")
    recent.write_bytes(b"ciphertext")
    past = time.time() - 10 * 86400
    os.utime(old, (past, past))
    with LiveServer(tmp_path, env={"INTAKE_RETENTION_DAYS": "7"}) as live:
        deadline = time.monotonic() + 10
        while old.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not old.exists() and recent.exists()
    assert "retention: deleted 1 uncollected submission(s) older than 7 days" in live.log()
    assert "old.age" not in live.log()
