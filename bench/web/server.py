"""The servers under test: gunicorn with the intake, or with the unencrypted baseline.

Each runs on 127.0.0.1:<free port> in its own process group with its own folder, started the
way production starts it (-c python:intake.web.gunicorn_conf). What a server runs with is
read back from the settings line it logs at start (workers, threads, limits), never assumed
from what the bench asked for. Also the /proc readings the benchmark takes of them: worker
pids, CPU seconds, and the machine's busy and idle time.
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
from intake.web.config import parse_size
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

    def __init__(self, kind: str, root: Path, env: dict, identity=None):
        self.kind = kind  # "ours" or "baseline"
        self.settings: dict = {}  # what the running server reports (effective_settings), after start()
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
                    self.settings = reported_settings(self.log_path.read_text(errors="replace"))
                    if len(self.worker_pids()) >= self.settings.get("workers", float("inf")):  # all booted
                        return self
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} server did not start in {START_TIMEOUT} s (or logged no "
                           f"'{SETTINGS_LINE.strip()}' line):\n{self.log_tail()}")

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


SETTINGS_LINE = "effective settings: "  # logged by intake/web/gunicorn_conf.py when_ready()
# The bench's environment variables, and the names under which the server reports their effect.
ASKED_AS = {"INTAKE_WORKERS": "workers", "INTAKE_THREADS": "threads", "INTAKE_MAX_UPLOAD": "MAX_CONTENT_LENGTH",
            "INTAKE_RATE": "INTAKE_RATE", "INTAKE_BURST": "INTAKE_BURST", "INTAKE_SESSION_LIMIT": "INTAKE_SESSION_LIMIT"}
NOT_IN_BASELINE = {"INTAKE_RATE", "INTAKE_BURST", "INTAKE_SESSION_LIMIT"}  # it has no flood limits


def reported_settings(log_text: str) -> dict:
    """The settings line the server logged at start, as {name: int, str or None}; {} if none yet."""
    lines = [line for line in log_text.splitlines() if SETTINGS_LINE in line]
    if not lines:
        return {}
    pairs = (pair.partition("=") for pair in lines[-1].split(SETTINGS_LINE, 1)[1].split())
    return {name: int(value) if value.isdigit() else None if value == "None" else value for name, _, value in pairs}


def settings_mismatches(server: Server) -> list[str]:
    """Where the running server differs from what the bench asked for, and from its own report."""
    s = server.settings
    if not s:
        return [f"{server.kind}: no '{SETTINGS_LINE.strip()}' line in the server log"]
    problems = []
    for variable, name in ASKED_AS.items():
        if variable not in server.env or (server.kind == "baseline" and variable in NOT_IN_BASELINE):
            continue
        value = server.env[variable]
        asked = parse_size(value) if variable == "INTAKE_MAX_UPLOAD" else int(value)
        if s.get(name) != asked:
            problems.append(f"{server.kind}: asked {variable}={value}, runs {name}={s.get(name)}")
    if s.get("worker_class") != "gthread":
        problems.append(f"{server.kind}: worker_class={s.get('worker_class')}, not gthread")
    if len(server.worker_pids()) != s.get("workers"):
        problems.append(f"{server.kind}: reports workers={s.get('workers')}, has {len(server.worker_pids())} worker processes")
    return problems
