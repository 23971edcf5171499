"""The servers under test: gunicorn with the intake, or with the unencrypted baseline.

Each runs on 127.0.0.1:<free port> in its own process group with its own folder, started the
way production starts it (-c python:intake.web.gunicorn_conf). Also the /proc readings the
benchmark takes of them: worker pids, CPU seconds, and the machine's busy and idle time.
"""

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from common import BENCH_DIR
from tests.live_server import free_port

GUNICORN_CONF = "python:intake.web.gunicorn_conf"
START_TIMEOUT = 30
STOP_TIMEOUT = 20


# --- /proc helpers ----------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid ...
    except OSError:
        return None


def child_pids(pid: int) -> list[int]:
    """Direct children of `pid` (the gunicorn workers of a master), from /proc."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields and int(fields[1]) == pid:
                children.append(int(entry))
    return sorted(children)


def cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    if not fields:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def system_cpu_seconds() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine so far, from /proc/stat (all CPUs added)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / tick, (idle + iowait) / tick


# --- the servers ------------------------------------------------------------------------------


class Server:
    """One gunicorn on 127.0.0.1:<free port>, in its own process group, with its own folder."""

    def __init__(self, kind: str, root: Path, env: dict, identity=None, workers: int = 2):
        self.kind = kind  # "ours" or "baseline"
        self.expected_workers = workers
        self.root = root
        root.mkdir(mode=0o700)
        self.identity = identity
        self.port = free_port()
        self.data_dir = root / "data"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "BENCH_"))}
        self.env = {
            **base,
            "INTAKE_BIND": f"127.0.0.1:{self.port}",
            "INTAKE_DATA_DIR": str(self.data_dir),
            "INTAKE_SECRET_KEY": secrets.token_hex(32),
            **env,
        }
        if kind == "ours":
            recipients = root / "recipients.txt"
            recipients.write_text(f"# bench key\n{identity.recipient()}\n")
            self.env["INTAKE_RECIPIENTS"] = str(recipients)
            self.argv = [sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONF, "intake.web.wsgi:app"]
        else:
            self.env["BENCH_BASELINE_DIR"] = str(root / "baseline")
            self.env["PYTHONDONTWRITEBYTECODE"] = "1"  # no bench/__pycache__ from the fixture
            self.argv = [sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONF,
                         "--pythonpath", str(BENCH_DIR), "web_baseline_app:app"]
        self.log_path = root / "server.log"
        self.process = None

    def start(self) -> "Server":
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=self.root, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited at start:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/robots.txt")
                if conn.getresponse().status == 200:
                    conn.close()
                    if len(self.worker_pids()) >= self.expected_workers:  # all booted
                        return self
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} server did not start in {START_TIMEOUT} s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid) if self.process else []

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(p) for p in [self.process.pid, *self.worker_pids()])

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                # Our own process group (start_new_session): the master and its workers only.
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait()
            try:  # a worker that outlived its master (should not happen): same process group
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._log.close()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_problems(self) -> list[str]:
        """Lines of the server log above INFO (errors, warnings, tracebacks)."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return [line for line in lines if line.strip() and not line.startswith("INFO ")]

    def submissions(self) -> list[Path]:
        return sorted((self.data_dir / "submissions").glob("*.age"))

    def pending(self) -> list[Path]:
        """Unfinished envelopes: files anywhere under tmp/ (the server writes in tmp/<host>/)."""
        return sorted(p for p in (self.data_dir / "tmp").rglob("*") if p.is_file())


# The flood limits (intake/web/limits.py: 60 at once, then 30 a minute, 10 per session) would
# refuse the load after 60 submissions. They are set far above it: still checked on every
# request (their cost is measured), never refusing one.
FLOOD_LIMITS_RAISED = {"INTAKE_RATE": "1000000000", "INTAKE_BURST": "1000000000", "INTAKE_SESSION_LIMIT": "1000000000"}


def server_env(args, max_upload: str | None = None) -> dict:
    env = dict(FLOOD_LIMITS_RAISED)
    if args.workers is not None:
        env["INTAKE_WORKERS"] = str(args.workers)
    if args.threads is not None:
        env["INTAKE_THREADS"] = str(args.threads)
    if max_upload:
        env["INTAKE_MAX_UPLOAD"] = max_upload
    return env


def effective_settings(args) -> dict:
    return {"INTAKE_WORKERS": args.workers if args.workers is not None else 2,  # gunicorn_conf defaults
            "INTAKE_THREADS": args.threads if args.threads is not None else 32}
