"""Every bad input gets a clear page, never a 500, and leaves nothing stored or pending."""

import io
import json
import resource
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from intake import age
from live_server import NO_FILE, LiveServer, fresh_token, new_session, raw_http, valid_answers, with_files


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("bad"), env={"INTAKE_MAX_UPLOAD": "3MB", "INTAKE_MAX_ATTACHMENTS": "5"}) as live:
        yield live


@pytest.fixture
def nothing_stored(server):
    """Asserts after the test that no submission appeared and no pending file was left behind."""
    before = set(server.submissions())
    yield
    assert set(server.submissions()) == before
    deadline = time.monotonic() + 5
    while server.pending() and time.monotonic() < deadline:  # a dropped connection is noticed late
        time.sleep(0.05)
    assert server.pending() == []


def post(server, data, files=(), token=True, **kwargs):
    session, csrf = new_session(server)
    if token:
        data = {**data, "csrf_token": csrf}
    return session.post(server.url + "/", data=data, files=with_files(files), timeout=30, **kwargs)


def h1(response) -> str:
    return response.text.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_missing_csrf_token(server, nothing_stored):
    response = post(server, valid_answers(), files=[("attachments", ("a.txt", b"x" * 100_000, "text/plain"))], token=False)
    assert response.status_code == 400 and h1(response) == "This page expired"
    assert "Nothing was stored." in response.text


def test_wrong_csrf_token(server, nothing_stored):
    response = post(server, {**valid_answers(), "csrf_token": "forged"}, token=False)
    assert response.status_code == 400 and h1(response) == "This page expired"


def test_csrf_token_from_another_session(server, nothing_stored):
    _, other_token = new_session(server)
    session, _ = new_session(server)
    response = session.post(server.url + "/", data={**valid_answers(), "csrf_token": other_token}, files=[NO_FILE], timeout=30)
    assert response.status_code == 400


def test_a_form_token_serves_one_submission(server):
    """Sent again (a replayed request, the receipt page reloaded), it gets the expired page."""
    session, token = new_session(server)
    before = set(server.submissions())
    data = {**valid_answers(), "csrf_token": token}
    assert session.post(server.url + "/", data=data, files=with_files(()), timeout=30).status_code == 200
    for files in (with_files(()), [("attachments", ("a.txt", b"x" * 100_000, "text/plain"))]):
        again = session.post(server.url + "/", data=data, files=files, timeout=30)
        assert again.status_code == 400 and h1(again) == "This page expired" and "Nothing was stored." in again.text
    assert len(set(server.submissions()) - before) == 1 and server.pending() == []
    # A form loaded after the submission has a new token, which works.
    fresh = session.post(server.url + "/", data={**valid_answers(), "csrf_token": fresh_token(server, session)}, files=with_files(()), timeout=30)
    assert fresh.status_code == 200 and len(set(server.submissions()) - before) == 2


def test_one_token_sent_many_times_at_once_stores_once(server):
    session, token = new_session(server)
    before = set(server.submissions())

    def send(_):
        return requests.post(server.url + "/", data={**valid_answers(), "csrf_token": token}, files=with_files(()),
                             cookies=session.cookies.get_dict(), timeout=30).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(send, range(6)))
    assert statuses == [200, 400, 400, 400, 400, 400]
    assert len(set(server.submissions()) - before) == 1


def test_a_content_length_beyond_any_limit_is_too_large_not_a_disk_error(server, nothing_stored):
    session, _ = new_session(server)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    status, body = raw_http(server, (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {10**18}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n").encode())
    assert status == 413 and "<h1>The files are too large</h1>" in body


def post_file_named(server, disposition: bytes, path: str = "/"):
    """POST the form with one file whose Content-Disposition ends with `disposition` (raw bytes)."""
    session, token = new_session(server, path)
    body, content_type = requests.models.RequestEncodingMixin._encode_files(
        [("attachments", ("PLACEHOLDER", b"the evidence", "image/jpeg"))], {**valid_answers(), "csrf_token": token}
    )
    body = body.replace(b'filename="PLACEHOLDER"', disposition)
    return session.post(server.url + path, data=body, headers={"Content-Type": content_type}, timeout=30)


@pytest.mark.parametrize(
    "disposition, path",
    [
        (b'filename="notice\r\nphoto.jpg"', "/"),
        (b'filename="notice\nphoto.jpg"', "/"),
        (b'filename="notice\rphoto.jpg"', "/"),
        (b"filename*=UTF-8''notice%0D%0Aphoto.jpg", "/"),
        (b"filename*=UTF-8''notice%0Aphoto.jpg", "/"),
        (b'filename="notice\nphoto.jpg"', "/follow-up"),
    ],
)
def test_a_file_name_with_a_line_break_is_refused_not_dropped(server, nothing_stored, disposition, path):
    response = post_file_named(server, disposition, path)
    assert response.status_code == 400 and h1(response) == "A file name could not be accepted"
    assert "The name of one of your files contains a line break." in response.text


def test_oversized_body_is_refused_before_reading(server, nothing_stored):
    response = post(server, valid_answers(), files=[("attachments", ("big.bin", b"\0" * 3_500_000, "application/octet-stream"))])
    assert response.status_code == 413 and h1(response) == "The files are too large"
    assert "Your answers are still on the previous page" in response.text


def test_oversized_chunked_body_is_cut_off(server, nothing_stored):
    """Without a Content-Length the limit is hit mid-stream, after encryption has started."""
    session, token = new_session(server)
    body, content_type = requests.models.RequestEncodingMixin._encode_files(
        [("attachments", ("big.bin", b"\1" * 3_500_000, "application/octet-stream"))], {**valid_answers(), "csrf_token": token}
    )
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    response = session.post(server.url + "/", data=chunks, headers={"Content-Type": content_type}, timeout=30)
    assert response.status_code == 413


def test_too_many_files(server, nothing_stored):
    files = [("attachments", (f"f{i}.txt", b"x", "text/plain")) for i in range(6)]
    response = post(server, valid_answers(), files=files)
    assert response.status_code == 413 and h1(response) == "Too many files"
    assert "Your answers are still on the previous page" in response.text  # the files page keeps them


def test_too_many_form_parts(server, nothing_stored):
    response = post(server, {**valid_answers(), **{f"extra{i}": "x" for i in range(400)}})
    assert response.status_code == 413


@pytest.mark.parametrize("field, length", [("reporter_name", 301), ("incidents-0-narrative", 20_001)])
def test_over_long_answers(server, nothing_stored, field, length):
    response = post(server, {**valid_answers(), field: "长" * length})
    assert response.status_code == 400
    limit = 300 if field == "reporter_name" else 20_000
    assert f"This answer is too long: please shorten it to at most {limit} characters." in response.text


def test_a_huge_text_field_is_refused(server, nothing_stored):
    response = post(server, {**valid_answers(), "incidents-0-narrative": "x" * 1_100_000})
    assert response.status_code == 413


def test_nul_bytes_in_answers(server, nothing_stored):
    response = post(server, {**valid_answers(), "victim_name": "Wang\x00Mou"})
    assert response.status_code == 400
    assert "characters that are not allowed" in response.text


def test_unknown_choice_value(server, nothing_stored):
    response = post(server, {**valid_answers(), "status": "on_the_moon"})
    assert response.status_code == 400 and "Please choose one of the options shown." in response.text


def test_garbage_multipart_body(server, nothing_stored):
    session, _ = new_session(server)
    response = session.post(server.url + "/", data=b"--x\r\nnonsense\r\n\r\n\xff\xfe", headers={"Content-Type": "multipart/form-data; boundary=x"}, timeout=30)
    assert 400 <= response.status_code < 500


def test_invalid_utf8_is_handled_safely(server):
    session, token = new_session(server)
    body, content_type = requests.models.RequestEncodingMixin._encode_files([NO_FILE], {**valid_answers(), "csrf_token": token})
    body = body.replace("Taken from home".encode(), b"Taken \xff\xfe from home")
    response = session.post(server.url + "/", data=body, headers={"Content-Type": content_type}, timeout=30)
    assert response.status_code in (200, 400)  # replaced characters are stored or refused, never a crash


def test_path_traversal_file_names_stay_inside_the_archive(server):
    before = set(server.submissions())
    files = [("attachments", ("../../../etc/cron.d/evil", b"a", "text/plain")), ("attachments", ("..\\..\\win.ini", b"b", "text/plain")),
             ("attachments", (".hidden", b"c", "text/plain"))]
    assert post(server, valid_answers(), files=files).status_code == 200
    (path,) = set(server.submissions()) - before
    with open(path, "rb") as f:
        names = zipfile.ZipFile(io.BytesIO(age.decrypt([server.identity], f).read())).namelist()
    assert names[:3] == ["attachments/01-evil", "attachments/02-win.ini", "attachments/03-hidden"]


def test_url_encoded_posts_are_refused(server, nothing_stored):
    session, token = new_session(server)
    response = session.post(server.url + "/", data={**valid_answers(), "csrf_token": token}, timeout=30)
    assert response.status_code == 400 and h1(response) == "The request could not be understood"


def test_other_methods_get_a_page_not_a_crash(server):
    response = requests.put(server.url + "/", data=b"x", timeout=10)
    assert response.status_code == 405 and "<h1>" in response.text


def test_client_that_disconnects_mid_upload(server, nothing_stored):
    session, token = new_session(server)
    body, content_type = requests.models.RequestEncodingMixin._encode_files(
        [("attachments", ("big.bin", b"\2" * 2_500_000, "application/octet-stream"))], {**valid_answers(), "csrf_token": token}
    )
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.sendall(
            f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"Cookie: {cookie}\r\n\r\n".encode() + body[: len(body) // 2]
        )
        deadline = time.monotonic() + 10
        while not server.pending() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.pending(), "the upload should be in progress (as ciphertext) before the disconnect"


def test_no_room_on_disk_gives_a_503_before_anything_is_written(tmp_path):
    with LiveServer(tmp_path, env={"INTAKE_MIN_FREE": "100000GB"}) as live:
        response = post(live, valid_answers(), files=[("attachments", ("a.txt", b"x" * 1000, "text/plain"))])
        assert response.status_code == 503 and h1(response) == "Your report was not saved"
        assert "try again later" in response.text
        assert live.submissions() == [] and live.pending() == []


def _limit_file_size():
    # Writes past 600 kB fail with EFBIG, as they would on a full disk; ignore the signal.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (600_000, 600_000))


def test_disk_full_while_writing_loses_nothing_stored_before(tmp_path):
    with LiveServer(tmp_path, preexec_fn=_limit_file_size) as live:
        assert post(live, valid_answers(), files=[("attachments", ("small.txt", b"s" * 1000, "text/plain"))]).status_code == 200
        (earlier,) = live.submissions()
        earlier_bytes = earlier.read_bytes()
        response = post(live, valid_answers(), files=[("attachments", ("big.bin", b"b" * 1_000_000, "application/octet-stream"))])
        assert response.status_code == 503 and h1(response) == "Your report was not saved"
        assert live.submissions() == [earlier] and earlier.read_bytes() == earlier_bytes
        assert live.pending() == []
    assert "storage failure" in live.log()


def test_real_full_filesystem(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        with LiveServer(mount, env={"INTAKE_MIN_FREE": "0"}) as live:
            assert post(live, valid_answers()).status_code == 200
            (earlier,) = live.submissions()
            response = post(live, valid_answers(), files=[("attachments", ("big.bin", b"z" * 2_500_000, "application/octet-stream"))])
            assert response.status_code == 503
            assert live.submissions() == [earlier] and live.pending() == []
            with open(earlier, "rb") as f:
                assert json.loads(zipfile.ZipFile(io.BytesIO(age.decrypt([live.identity], f).read())).read("report.json"))
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_unwritable_data_dir_gives_503(tmp_path):
    with LiveServer(tmp_path) as live:
        shutil.rmtree(live.data_dir / "tmp")
        (live.data_dir / "tmp").write_text("not a directory")
        response = post(live, valid_answers())
        assert response.status_code == 503 and live.submissions() == []


@pytest.mark.parametrize("field", ["victim_name", "incidents-0-narrative", "related-0-name", "imminent_date"])
def test_a_file_sent_under_a_text_field_is_refused_not_a_crash(server, nothing_stored, field):
    answers = {k: v for k, v in valid_answers().items() if k != field}
    response = post(server, answers, files=[(field, ("x.txt", b"not text", "text/plain"))])
    assert response.status_code == 400 and "This field contains characters that are not allowed." in response.text
