"""A real intake server for tests: gunicorn on a free loopback port, as production runs it.

Each LiveServer has its own data dir, recipients file (keys generated here, never committed)
and captured log, so tests can look at everything the server wrote.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from intake import age

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, root: Path, *, identity=None, env: dict | None = None, preexec_fn=None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.identity = identity or age.HybridIdentity.generate()
        self.data_dir = self.root / "data"
        self.recipients = self.root / "recipients.txt"
        if not self.recipients.exists():
            self.recipients.write_text(f"# test key\n{self.identity.recipient()}\n")
        self.log_path = self.root / "server.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")},
            "INTAKE_DATA_DIR": str(self.data_dir),
            "INTAKE_RECIPIENTS": str(self.recipients),
            "INTAKE_SECRET_KEY": "t" * 64,
            "INTAKE_BIND": f"127.0.0.1:{self.port}",
            "INTAKE_WORKERS": "1",
            "INTAKE_MIN_FREE": "1MiB",
            **(env or {}),
        }
        self._preexec_fn = preexec_fn
        self.process = None

    def start(self) -> "LiveServer":
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:intake.web.gunicorn_conf", "intake.web.wsgi:app"],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT, preexec_fn=self._preexec_fn,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.close()
                raise RuntimeError(f"server exited: {self.log()}")
            try:
                if requests.get(self.url + "/robots.txt", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def submissions(self) -> list[Path]:
        return sorted((self.data_dir / "submissions").glob("*.age"))

    def pending(self) -> list[Path]:
        return sorted(p for p in (self.data_dir / "tmp").rglob("*") if p.is_file())

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]


def raw_http(server: LiveServer, request: bytes, timeout: float = 10) -> tuple[int, str]:
    """Send bytes as they are over a fresh connection: (status, body) of the answer."""
    answer = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as connection:
        connection.sendall(request)
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(None, 2)[1]), body.decode("utf-8", "replace")


def fresh_token(server: LiveServer, session: requests.Session, path: str = "/") -> str:
    """The CSRF token of a form loaded now by this browser session (a token serves one submission)."""
    page = session.get(server.url + path, timeout=10)
    page.raise_for_status()
    return CSRF.search(page.text).group(1)


NO_FILE = ("attachments", ("", b"", "application/octet-stream"))  # what a browser sends for an empty file input


def with_files(files) -> list:
    """Multipart parts as a browser sends them: the file input is always there, maybe empty."""
    return list(files) or [NO_FILE]


def new_session(server: LiveServer, path: str = "/") -> tuple[requests.Session, str]:
    """A browser-like session that has loaded the form: (session, csrf token)."""
    session = requests.Session()
    page = session.get(server.url + path, timeout=10)
    page.raise_for_status()
    return session, CSRF.search(page.text).group(1)


def valid_answers(marker: str = "") -> dict:
    """A complete, valid report. `marker` is added to every free-text answer."""
    m = marker
    answers = {
        "relation": "family",
        "how_known": "told_by_victim",
        "reporter_name": f"Reporter Name {m}",
        "reporter_organisation": f"Org {m}",
        "contact_channel": "signal",
        "contact_details": f"+41 00 000 {m}",
        "victim_kind": "individual",
        "victim_name": f"王某某 Wang Mou {m}",
        "victim_name_other": f"Wang Moumou {m}",
        "victim_age": f"45 {m}",
        "victim_occupation": f"lawyer {m}",
        "victim_hr_work": f"defends petitioners {m}",
        "victim_is_defender": "yes",
        "status": "detained",
        "detention_place": f"Chengdu detention centre {m}",
        "holding_authority": f"Public Security Bureau {m}",
        "health": f"needs medication {m}",
        "un_body": "upr",
        "cooperation_kind": "submission",
        "cooperation_date": f"2024-01 {m}",
        "link_evidence": f"questioned about the UPR submission {m}",
        "incidents-0-violations": ["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE"],
        "incidents-0-start_date": "2024-03-05",
        "incidents-0-ongoing": "y",
        "incidents-0-province": f"Sichuan {m}",
        "incidents-0-place": f"Chengdu {m}",
        "incidents-0-narrative": f"Taken from home at night by state security. {m}",
        "incidents-0-perpetrator": "state_security",
        "incidents-0-perpetrator_details": f"guobao unit {m}",
        "remedies": f"petitioned the procuratorate {m}",
        "consent_store": "y",
        "consent_share_un": "yes",
        "consent_name_public": "anonymised",
        "consent_sg_report": "anonymised",
        "consent_given_by": "family",
        "never_disclose": f"the daughter's school {m}",
    }
    return {k: v.strip() if isinstance(v, str) else v for k, v in answers.items()}
