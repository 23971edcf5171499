"""Invariant 1, end to end: no plaintext of a submission ever reaches the server's disk.

A unique canary goes into every free-text answer, into a multi-MB attachment (at several
offsets, one across a 64 KiB boundary) and into an attachment's file name, through real HTTP
to the real server (gunicorn) with its own TMPDIR. A follow-up carries it too, and so does an
invalid report, whose attachments must be discarded. Then the server is stopped and every file
it could have written is searched: its data dir, key file and captured log, its TMPDIR, and
(for files changed during the test) /tmp, /var/tmp, /dev/shm and the working directory.

The test process never writes the canary anywhere: the attachments live in memory, and no
assertion message shows a value that could contain it (pytest's tmp_path is under /tmp and is
searched too).
"""

import hashlib
import html
import http.client
import io
import json
import os
import re
import secrets
import stat
import time
import zipfile
from pathlib import Path

import pytest
import requests
from urllib3 import encode_multipart_formdata

from intake.receipt import PATTERN
from intake import age
from live_server import CSRF, LiveServer

RECEIPT = re.compile(rf'<p class="receipt" id="receipt"><code>({PATTERN})</code>')
FIELD_TAG = re.compile(r"<(input|textarea)\b[^>]*>")
ATTRIBUTE = re.compile(r'\b(name|type)="([^"]*)"')
NOT_FREE_TEXT = re.compile(r"^incidents-\d+-(start_date|end_date)$|^follow_up_of$|^(imminent|arrest)_date$|^earlier_sg_report_year$")  # validated formats
SHARED_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
_PACKAGE = Path(__import__("intake").__file__).resolve().parent
PROGRAM_FILES = (f"{_PACKAGE}/", f"{_PACKAGE.parent}/templates/")  # the package (catalogues, static files), templates
CHUNK = 1 << 20
BIG_SIZE = 5 * 2**20 + 12345


def ensure(condition: bool, message: str) -> None:
    """assert without pytest's introspection: a failure must never print the canary."""
    if not condition:
        raise AssertionError(message)


def big_attachment(canary: bytes) -> bytes:
    """Random bytes with the canary at the start, across a 64 KiB (age chunk) boundary,
    around Werkzeug's 500 KB spooling threshold, deep inside and at the very end."""
    data = bytearray(os.urandom(BIG_SIZE))
    offsets = [0, 65536 - len(canary) // 2, 3 * 65536 - 1, 500 * 1024 - 3, 2**20 + 7, 4 * 2**20 + 65535, BIG_SIZE - len(canary)]
    for offset in offsets:
        data[offset : offset + len(canary)] = canary
    return bytes(data)


def free_text_fields(form_html: str) -> list[str]:
    """Names of the form's text inputs and text areas, except those with a validated format."""
    names = []
    for tag in FIELD_TAG.finditer(form_html):
        attributes = dict(ATTRIBUTE.findall(tag.group(0)))
        if (tag.group(1) == "textarea" or attributes.get("type") == "text") and not NOT_FREE_TEXT.match(attributes["name"]):
            names.append(attributes["name"])
    return names


def canary_report(form_html: str, canary: str) -> tuple[dict, list[str]]:
    """A valid report with the canary in every free-text field, all three incident slots used."""
    text_fields = free_text_fields(form_html)
    answers = {
        "relation": "family",
        "how_known": "told_by_victim",
        "contact_channel": "signal",
        "victim_kind": "group",
        "group_size": "12",
        "victim_sex": "female",
        "victim_is_defender": "yes",
        "status": "detained",
        "un_body": "upr",
        "cooperation_kind": "submission",
        "consent_store": "y",
        "consent_share_un": "yes",
        "consent_name_public": "anonymised",
        "consent_sg_report": "anonymised",
        "consent_given_by": "family",
        "still_in_china": "yes",
    }
    answers["imminent_kind"] = "trial"
    for slot in range(4):  # every related-person slot used: each needs its relation
        answers[f"related-{slot}-relation"] = "spouse"
    for slot in range(3):
        answers[f"incidents-{slot}-violations"] = ["ARBITRARY_DETENTION", "THREATS"]
        answers[f"incidents-{slot}-start_date"] = f"2024-0{slot + 3}-05"
        answers[f"incidents-{slot}-perpetrator"] = "state_security"
    for name in text_fields:
        answers[name] = f"{name} says {canary} here"
    return answers, text_fields


class Client:
    """A requests session that looks like one browser: distinctive User-Agent and Referer."""

    def __init__(self, server: LiveServer, headers: dict):
        self.server = server
        self.session = requests.Session()
        self.session.headers.update(headers)

    def get(self, path: str) -> requests.Response:
        response = self.session.get(self.server.url + path, timeout=30)
        ensure(response.status_code == 200, f"GET {path} answered {response.status_code}")
        return response

    def post(self, path: str, data: dict, files: list) -> requests.Response:
        token = CSRF.search(self.get(path).text).group(1)
        files = files or [("attachments", ("", b"", "application/octet-stream"))]  # an empty file input
        return self.session.post(self.server.url + path, data={**data, "csrf_token": token}, files=files, timeout=120)

    def post_paused(self, path: str, data: dict, files: list, pause_after: bytes, inspect) -> tuple[int, str]:
        """POST like post(), but stop sending right after `pause_after` (a unique piece of the
        body), call inspect() while the server holds the half-received request, then finish."""
        token = CSRF.search(self.get(path).text).group(1)
        fields = [(k, item) for k, v in {**data, "csrf_token": token}.items() for item in (v if isinstance(v, list) else [v])]
        body, content_type = encode_multipart_formdata(fields + [(name, part) for name, part in files])
        cut = body.index(pause_after) + len(pause_after)
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
        try:
            connection.putrequest("POST", path, skip_accept_encoding=True)
            for name, value in {
                **self.session.headers,
                "Content-Type": content_type,
                "Content-Length": str(len(body)),
                "Cookie": "; ".join(f"{c.name}={c.value}" for c in self.session.cookies),
            }.items():
                connection.putheader(name, value)
            connection.endheaders()
            connection.send(body[:cut])
            inspect()
            connection.send(body[cut:])
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    def close(self) -> None:
        self.session.close()


def open_files(pids: list[int]) -> list[str]:
    """The files (not sockets or pipes) the given processes hold open, as /proc shows them."""
    paths = []
    for pid in pids:
        folder = Path(f"/proc/{pid}/fd")
        for fd in os.listdir(folder):
            try:
                target = os.readlink(folder / fd)
            except OSError:
                continue  # closed meanwhile
            if target.startswith("/"):
                paths.append(target)
    return paths


def unexpected_open_files(server: LiveServer, server_tmp: Path) -> tuple[list[str], bool]:
    """Open files of the server other than its log, its pending ciphertext, devices and gunicorn's
    heartbeat file; and whether a pending ciphertext file (.part in DATA_DIR/tmp) is open."""
    allowed_dev = ("/dev/null", "/dev/urandom", "/dev/random", "/dev/pts/", "/dev/tty")
    pending = str(server.data_dir / "tmp") + "/"
    odd, part_open = [], False
    for path in open_files([server.process.pid, *server.worker_pids()]):
        if path.startswith(pending) and path.endswith(".part"):
            part_open = True
        elif path == str(server.log_path) or path.startswith(allowed_dev):
            pass
        elif path.startswith(f"{server_tmp}/wgunicorn-") and path.endswith(" (deleted)"):
            pass  # gunicorn's worker heartbeat: an empty file, unlinked at once
        elif path.startswith(str(server.data_dir) + "/") and os.path.isdir(path):
            pass  # a folder of the data dir being listed (the retention thread): names, no content
        elif path.startswith(PROGRAM_FILES) and not path.endswith(" (deleted)"):
            pass  # the program's own files, read on first use (a language's message catalogue, a template)
        else:
            odd.append(path)
    return odd, part_open


def search_files(roots: list[tuple[Path, float | None]], needles: dict[str, bytes]) -> tuple[dict, int]:
    """Regular files under each root (no symlinks followed) holding a needle in their content or
    path. `since`: only files modified or changed at/after it (None: all). Returns the hits as
    {path with needles masked: [needle labels]} and how many files were read."""
    hits: dict[str, set] = {}
    seen: set = set()
    scanned = 0
    longest = max(len(n) for n in needles.values())

    def masked(path: str) -> str:
        for label, needle in needles.items():
            path = path.replace(needle.decode(), f"<{label}>")
        return path

    for root, since in roots:
        if not os.path.isdir(root):
            continue
        for folder, _dirs, names in os.walk(root, followlinks=False):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) in seen:
                    continue  # sockets, fifos, devices, symlinks; hard links counted once
                if since is not None and max(st.st_mtime, st.st_ctime) < since:
                    continue
                seen.add((st.st_dev, st.st_ino))
                found = {label for label, needle in needles.items() if needle in os.fsencode(path)}
                try:
                    with open(path, "rb", buffering=0) as f:
                        tail = b""
                        while chunk := f.read(CHUNK):
                            window = tail + chunk
                            found |= {label for label, needle in needles.items() if needle in window}
                            tail = window[-(longest - 1) :]
                except OSError:
                    continue  # unreadable, or gone while we looked
                scanned += 1
                if found:
                    hits[masked(path)] = found
    return {path: sorted(labels) for path, labels in hits.items()}, scanned


def decrypt_zip(server: LiveServer, path: Path) -> zipfile.ZipFile:
    with open(path, "rb") as f:
        return zipfile.ZipFile(io.BytesIO(age.decrypt([server.identity], f).read()))


def test_no_plaintext_of_any_submission_reaches_the_disk(tmp_path):
    if not Path("/proc/self/fd").is_dir():  # the server runs on Linux; /proc shows its open files
        if os.environ.get("CI") == "true":
            pytest.fail("/proc is missing (CI=true, so this test must be able to run)")
        pytest.skip("needs Linux /proc to see the server's open files")
    started = time.time() - 2  # file times can lag the clock a little
    canary = "cnry" + secrets.token_hex(16)
    agent_token, referer_token = secrets.token_hex(12), secrets.token_hex(12)
    forwarded_ip = f"10.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}"
    headers = {
        "User-Agent": f"CanaryAgent/{agent_token}",
        "Referer": f"https://referrer-{referer_token}.example/where-they-came-from",
        "X-Forwarded-For": forwarded_ip,
    }
    needles = {"canary": canary.encode(), "user agent": agent_token.encode(), "referrer": referer_token.encode()}

    server_tmp = tmp_path / "server-tmpdir"
    server_tmp.mkdir()
    server = LiveServer(tmp_path / "server", env={"TMPDIR": str(server_tmp)})
    big = big_attachment(canary.encode())
    named = f"scan of {canary}.jpg"
    named_data = os.urandom(30_000)

    server.start()
    client = Client(server, headers)
    try:
        # The server's processes really use the TMPDIR we gave them.
        for pid in [server.process.pid, *server.worker_pids()]:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert os.fsencode(f"TMPDIR={server_tmp}") in environ

        # 1. A valid report: canary in every free-text answer, in a file's bytes and in a file's name.
        answers, text_fields = canary_report(client.get("/").text, canary)
        assert len(text_fields) >= 40, f"found only {len(text_fields)} free-text fields in the form"
        # Four fifths into the big file, nothing but ciphertext may be open: an unlinked spool
        # file (Werkzeug's default over 500 KB) leaves no trace for the search afterwards.
        seen = {}

        def inspect_mid_upload():
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                odd, part_open = unexpected_open_files(server, server_tmp)
                seen.update(odd=odd, part_open=part_open)
                if odd or (part_open and part_size() >= 2**20):
                    return
                time.sleep(0.02)

        def part_size() -> int:
            return sum(p.stat().st_size for p in server.pending() if p.exists())

        # As a browser does it: the answers alone first, once with a mistake (nothing may stay of
        # them), then corrected; the files page carries them back with the files.
        wrong = {k: v for k, v in answers.items() if k != "incidents-0-narrative"}
        first_try = client.post("/", {**wrong, "step": "answers"}, [])
        ensure(first_try.status_code == 400 and "incidents-0-narrative-errors" in first_try.text, "the mistake was not caught")
        files_page = client.post("/", {**answers, "step": "answers"}, [])
        ensure(files_page.status_code == 200 and 'id="attachments"' in files_page.text, "the answers were not accepted")
        carried = files_page.text.split("<form", 2)[1]  # the sending form, not "change my answers"
        answers = {}
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', carried):
            if name != "csrf_token":
                value = html.unescape(value)
                answers[name] = [*answers[name], value] if isinstance(answers.get(name), list) else (
                    [answers[name], value] if name in answers else value)
        ensure(sum(canary in str(v) for v in answers.values()) >= 40, "the files page did not carry the answers")
        assert server.pending() == [] and server.submissions() == []
        status, page = client.post_paused("/", answers, [
            ("attachments", ("evidence.bin", big, "application/octet-stream")),
            ("attachments", (named, named_data, "image/jpeg")),
        ], pause_after=big[: 4 * 2**20], inspect=inspect_mid_upload)
        ensure(not seen["odd"], "the server held other files open mid-upload: " + "; ".join(p.replace(canary, "<canary>") for p in seen["odd"]))
        assert seen["part_open"], "no pending ciphertext was open mid-upload: the pause did not happen where intended"
        ensure(status == 200, f"the canary report was refused ({status})")
        match = RECEIPT.search(page)
        ensure(match is not None, "no receipt code on the page after the canary report")
        receipt = match.group(1)
        assert len(server.submissions()) == 1 and server.pending() == []

        # 2. A follow-up quoting the receipt, with the canary in its message and in a small file.
        response = client.post("/follow-up", {"receipt": receipt, "message": f"news: {canary}", "consent_store": "y"}, [
            ("attachments", ("note.txt", f"more about {canary}".encode(), "text/plain")),
        ])
        ensure(response.status_code == 200, f"the follow-up was refused ({response.status_code})")
        ensure("Keep the receipt code of your first report" in response.text, "the follow-up's page does not say which code to keep")
        assert len(server.submissions()) == 2 and server.pending() == []

        # 3. An invalid report (no consent to store): the same canary and attachments, all discarded.
        invalid = {k: v for k, v in answers.items() if k != "consent_store"}
        response = client.post("/", invalid, [
            ("attachments", ("evidence.bin", big, "application/octet-stream")),
            ("attachments", (named, named_data, "image/jpeg")),
        ])
        ensure(response.status_code == 400, f"the invalid report got {response.status_code}, not 400")
        ensure("Nothing has been stored yet." in response.text, "the invalid report's page does not say nothing was stored")
        ensure("were not kept" in response.text, "the invalid report's page does not say the files were dropped")
        assert len(server.submissions()) == 2, "the invalid report was stored"
        assert server.pending() == [], "the invalid report left ciphertext in tmp/"
    finally:
        client.close()
        server.stop()

    # Everything the server could have written, now that it has stopped.
    roots = [(server.root, None), (server_tmp, None)] + [(Path(d), started) for d in SHARED_DIRS] + [(Path.cwd(), started)]
    hits, scanned = search_files(roots, needles)
    ensure(not hits, "plaintext found on disk (label per file): " + "; ".join(f"{p}: {', '.join(labels)}" for p, labels in sorted(hits.items())))
    assert scanned >= 4, f"searched only {scanned} files: the search looked in the wrong places"

    log = server.log()
    assert "Booting worker" in log, "the captured log is not the server's log"
    assert "127.0.0.1" not in log, "the server log holds the client's IP address"
    assert forwarded_ip not in log, "the server log holds the forwarded client address"
    for label in ("user agent", "referrer"):
        ensure(needles[label].decode() not in log, f"the server log holds the {label}")
    assert "CanaryAgent" not in log
    data_files = [p for p in server.data_dir.rglob("*") if p.is_file()]
    assert not any(forwarded_ip.encode() in p.read_bytes() for p in data_files)

    # Not vacuous: the canary is there, encrypted, and comes back with the server's identity.
    reports = {}
    for path in server.submissions():
        archive = decrypt_zip(server, path)
        report = json.loads(archive.read("report.json"))
        reports[report["kind"]] = (archive, report)
    assert set(reports) == {"report", "follow-up"}

    archive, report = reports["report"]
    text = archive.read("report.json").decode()
    count = text.count(canary)
    # Every free-text answer, plus the attachment's original name and its archive entry name.
    ensure(count == len(text_fields) + 2, f"report.json holds the canary {count} times, expected {len(text_fields) + 2}")
    ensure(report["receipt"] == receipt and not report["reporter"]["anonymous"], "unexpected report envelope")
    assert len(report["incidents"]) == 3
    files = {a["original_name"]: a for a in report["attachments"]}
    ensure(set(files) == {"evidence.bin", named}, "the stored attachments are not the two sent")
    stored_big = archive.read(files["evidence.bin"]["entry"])
    ensure(hashlib.sha256(stored_big).hexdigest() == hashlib.sha256(big).hexdigest(), "the big attachment changed")
    ensure(stored_big.count(canary.encode()) == 7, "the big attachment lost canaries")
    ensure(canary in files[named]["entry"], "the canary file name is not in the archive entry name")
    ensure(archive.read(files[named]["entry"]) == named_data, "the named attachment changed")

    archive, follow_up = reports["follow-up"]
    ensure(follow_up["follow_up_of"] == receipt, "the follow-up does not point at the first report")
    ensure(follow_up["message"] == f"news: {canary}", "the follow-up message is not the one sent")
    (note,) = follow_up["attachments"]
    ensure(archive.read(note["entry"]) == f"more about {canary}".encode(), "the follow-up's file changed")
