#!/usr/bin/env python3
"""End-to-end benchmark of the web intake under gunicorn, on loopback (127.0.0.1 only).

Run from the repository root (see bench/README.md for how to read the output):

    .venv/bin/python bench/bench_web.py                # default run, about 2 minutes on 2 cores
    .venv/bin/python bench/bench_web.py --quick        # about 20 seconds
    .venv/bin/python bench/bench_web.py --json > web.json

Every measurement runs against a fresh gunicorn, started the way production starts it
(-c python:intake.web.gunicorn_conf, gthread, INTAKE_WORKERS x INTAKE_THREADS) with a freshly
generated post-quantum identity, a data dir in a temporary folder and its own free port.

  1. Small reports: `--concurrency` client threads per level (16 and 64), split over
     `--client-procs` processes. Each thread has its own keep-alive connection, loads the
     form page (session cookie, CSRF token), builds the multipart body a browser would send
     from that page (every control, valid answers, no file chosen), sends one untimed
     warm-up submission, then POSTs the prebuilt request until `--submissions` have been
     sent or `--time-cap` seconds have passed. Reported: submissions/s, latency percentiles,
     and how the CPUs were shared (server, load generator, anything else, idle).
     Then the server is stopped and every file in submissions/ is decrypted with the
     identity: each must be a ZIP holding report.json, their number must equal the 200
     responses, their receipts must be exactly the receipts the clients were shown, and
     tmp/ must be empty.
  2. Large uploads: one report with one attachment of `--small-upload-mib` and of
     `--upload-mib` MiB, INTAKE_MAX_UPLOAD=2GB. The client streams the body from a generator
     (one 1 MiB block repeated, Content-Length set), so it never holds the upload. Reported:
     MiB/s and the peak RSS (VmHWM) of the gunicorn worker that handled it. The stored file
     is decrypted and the attachment's SHA-256 and size are checked.
  3. Baseline: the same uploads, same body, same gunicorn settings, into
     bench/web_baseline_app.py, which writes each file part to a plain file (no encryption,
     no ZIP, no form validation). Reported: MiB/s and the ratio ours / baseline.

Uploads run `--upload-repeat` times, interleaved; medians are reported. Temporary data and
every server are removed at the end, also on errors, Ctrl-C and SIGTERM.

Exit status is 0 whatever the result, unless --strict is given and a target is missed.
Needs only the project venv (and tests/live_server.py for the form answers).
"""

import argparse
import hashlib
import http.client
import io
import json
import multiprocessing
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))  # for tests.live_server: the form answers the tests use

from intake import age  # noqa: E402
from tests.live_server import CSRF, free_port, valid_answers  # noqa: E402

MIB = 1 << 20
RECEIPT = re.compile(rb'id="receipt"><code>([0-9A-Z-]+)</code>')
CSRF_BYTES = re.compile(CSRF.pattern.encode())
GUNICORN_CONF = "python:intake.web.gunicorn_conf"
START_TIMEOUT = 30
STOP_TIMEOUT = 20
SOCKET_TIMEOUT = 60
SETUP_TIMEOUT = 120  # every client loading the form page, or sending its warm-up submission

# Targets from the issue.
TARGET_SUBMISSIONS_PER_S = 200  # "hundreds per second on 2 cores", at every concurrency level
TARGET_WORKER_PEAK_MIB = 100  # gunicorn worker VmHWM during the biggest upload, less than
TARGET_WORKER_GROWTH_MIB = 16  # peak at the big upload minus peak at the small one, less than


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


# --- /proc helpers ----------------------------------------------------------------------------


def proc_status_kib(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


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


def filesystem_of(path: Path) -> str:
    best, fstype = "", "?"
    with open("/proc/mounts") as f:
        for line in f:
            _dev, mount, kind, *_ = line.split()
            if str(path).startswith(mount.rstrip("/") + "/") or str(path) == mount:
                if len(mount) > len(best):
                    best, fstype = mount, kind
    return f"{fstype} on {best}"


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
        return sorted((self.data_dir / "tmp").glob("*"))


# --- a lean HTTP/1.1 client for the small submissions -----------------------------------------


class RawConnection:
    """Keep-alive HTTP/1.1 over a plain socket: send prebuilt request bytes, read one response.

    It handles exactly what gunicorn answers here (a Content-Length body). Anything else is an
    error, so the benchmark never miscounts a response.
    """

    def __init__(self, port: int):
        self.port = port
        self.sock = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buffer = b""

    def roundtrip(self, request: bytes) -> tuple[int, dict, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=SOCKET_TIMEOUT)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(request)
        data = self.buffer
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed before the response headers")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if b"content-length" not in headers:
            raise ValueError("response without Content-Length")
        length = int(headers[b"content-length"])
        while len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed in the response body")
            body += chunk
        self.buffer = body[length:]
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, headers, body[:length]


FILE = object()  # marks a file input in a field list


class _FormControls(HTMLParser):
    """The controls of the report form, in document order, as a browser sees them."""

    def __init__(self):
        super().__init__()
        self.controls = []  # dicts: tag, type, name, value, checked, options [(value, selected)]
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "textarea", "select") and a.get("name"):
            control = {"tag": tag, "type": (a.get("type") or "text").lower(), "name": a["name"],
                       "value": a.get("value") or "", "checked": "checked" in a, "options": []}
            self.controls.append(control)
            self._select = control if tag == "select" else None
        elif tag == "option" and self._select is not None:
            self._select["options"].append((a.get("value") or "", "selected" in a))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def browser_fields(page: str, answers: dict) -> list[tuple[str, object]]:
    """What a browser submits after the user typed `answers` into the form page `page`.

    Every text field, text area and select is sent (empty or at its default when not
    answered; the fresh form's text areas are empty); checkboxes and radio buttons only when
    ticked; every file input as a part of its own (FILE). Raises if an answer has no control:
    the form and the answers disagree.
    """
    parser = _FormControls()
    parser.feed(page)
    fields, used = [], set()
    for c in parser.controls:
        name, kind = c["name"], c["type"]
        answer = answers.get(name)
        if kind == "file":
            fields.append((name, FILE))
        elif kind in ("checkbox", "radio"):
            chosen = answer if isinstance(answer, list) else [answer] if answer is not None else []
            if c["value"] in chosen or (answer is None and c["checked"]):
                fields.append((name, c["value"]))
                used.add(name)
        elif c["tag"] == "select":
            default = next((v for v, sel in c["options"] if sel), c["options"][0][0] if c["options"] else "")
            fields.append((name, answer if answer is not None else default))
            used.add(name)
        elif kind not in ("submit", "button", "reset", "image"):
            fields.append((name, answer if answer is not None else c["value"]))
            used.add(name)
    missing = set(answers) - used
    if missing:
        raise RuntimeError(f"the form page has no control for {sorted(missing)}")
    return fields


def minimal_fields(csrf_token: str, answers: dict) -> list[tuple[str, object]]:
    """Only the answered fields and one file part, as tests send them (--minimal-form)."""
    fields = [("csrf_token", csrf_token)]
    for name, value in answers.items():
        fields += [(name, v) for v in (value if isinstance(value, list) else [value])]
    return fields + [("attachments", FILE)]


def multipart_parts(fields, boundary: str, upload_name: str = "", upload_type: str = "application/octet-stream"):
    """(prefix, suffix) of a multipart/form-data body. The first file part gets `upload_name`
    and its content goes between prefix and suffix; other file parts are empty, as a browser
    sends a file input with no file chosen."""
    out, prefix, first = io.BytesIO(), None, True
    for name, value in fields:
        if value is FILE:
            filename, ctype = (upload_name, upload_type) if first else ("", "application/octet-stream")
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                      f"Content-Type: {ctype}\r\n\r\n".encode())
            if first:
                prefix, out, first = out.getvalue(), io.BytesIO(), False
            out.write(b"\r\n")
        else:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(str(value).encode() + b"\r\n")
    if prefix is None:
        raise RuntimeError("the form has no file input")
    return prefix, out.getvalue() + f"--{boundary}--\r\n".encode()  # the suffix starts with the file's CRLF


def get_form(port: int, conn: RawConnection) -> tuple[str, str, str]:
    """(session cookie "name=value", CSRF token, page), as a browser gets them by loading the form."""
    host = f"127.0.0.1:{port}"
    status, headers, body = conn.roundtrip(f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    match = CSRF_BYTES.search(body)
    if status != 200 or not match or b"set-cookie" not in headers:
        raise RuntimeError(f"form page: status {status}, no token or cookie")
    cookie = headers[b"set-cookie"].split(b";", 1)[0].decode()
    return cookie, match.group(1).decode(), body.decode()


def report_fields(token: str, page: str, marker: str, minimal: bool) -> list[tuple[str, object]]:
    answers = valid_answers(marker)
    return minimal_fields(token, answers) if minimal else browser_fields(page, answers)


def _wait(barrier) -> None:
    try:
        barrier.wait(SETUP_TIMEOUT)
    except threading.BrokenBarrierError:
        pass  # a thread failed or hung: the level goes on with the others, and reports it


def _client_thread(port, index, counter, total, events, barriers, results, minimal):
    warm, go, deadline = events
    forms_loaded, ready = barriers
    request = None
    conn = RawConnection(port)
    out = {"latencies": [], "statuses": {}, "errors": {}, "receipts": [], "missing_receipts": 0, "setup_error": None,
           "warmup_ok": 0}
    results.append(out)

    def record_receipt(reply):
        match = RECEIPT.search(reply)
        if match:
            out["receipts"].append(match.group(1).decode())
        else:
            out["missing_receipts"] += 1

    try:
        cookie, token, page = get_form(port, conn)
        boundary = "----bench" + secrets.token_hex(12)
        fields = report_fields(token, page, f"c{index}", minimal)
        prefix, suffix = multipart_parts(fields, boundary)
        body = prefix + suffix  # no file chosen: empty file parts
        out["body"] = (len(fields), len(body))
        request = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    except Exception as exc:  # reported, never silently dropped
        out["setup_error"] = f"form page: {type(exc).__name__}: {exc}"
    _wait(forms_loaded)
    if request is not None and warm.wait(SETUP_TIMEOUT):
        # One untimed warm-up submission per client (thread pools, template caches). It is
        # stored like the others, so the zero-lost check counts it.
        try:
            status, _headers, reply = conn.roundtrip(request)
            if status != 200:
                raise RuntimeError(f"status {status}")
            out["warmup_ok"] += 1
            record_receipt(reply)
        except Exception as exc:
            out["setup_error"] = f"warm-up: {type(exc).__name__}: {exc}"
            request = None
    _wait(ready)
    if request is None or not go.wait(SETUP_TIMEOUT):
        conn.close()
        return
    latencies, statuses, errors = out["latencies"], out["statuses"], out["errors"]
    while True:
        with counter.get_lock():
            if counter.value >= total:
                break
            counter.value += 1
        if time.monotonic() >= deadline.value:
            with counter.get_lock():
                counter.value -= 1
            break
        start = time.monotonic()
        try:
            status, _headers, reply = conn.roundtrip(request)
        except (OSError, ValueError) as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            conn.close()  # no retry: a POST may have been stored; the counts will show it
            continue
        end = time.monotonic()
        latencies.append((start, end))
        statuses[status] = statuses.get(status, 0) + 1
        if status == 200:
            record_receipt(reply)
    conn.close()


def client_process(port, threads, first_index, counter, total, events, ready_queue, result_queue, minimal):
    """One load-generating process: `threads` threads, each with its own session.

    Steps, in lock-step with the parent: every thread loads the form page ("forms" on the
    queue); on `warm`, every thread sends one warm-up submission ("ready"); on `go`, the timed
    run. The parent reads the server's CPU time between the steps.
    """
    warm, go, deadline = events
    results = []
    barriers = (threading.Barrier(threads + 1), threading.Barrier(threads + 1))
    pool = [threading.Thread(target=_client_thread, daemon=True,
                             args=(port, first_index + i, counter, total, events, barriers, results, minimal))
            for i in range(threads)]
    for t in pool:
        t.start()
    _wait(barriers[0])
    ready_queue.put("forms")
    _wait(barriers[1])
    ready_queue.put("ready")
    go.wait(SETUP_TIMEOUT)
    cpu_start = os.times()
    limit = deadline.value + SOCKET_TIMEOUT + 10  # the last request may start just before the deadline
    for t in pool:
        t.join(max(0.0, limit - time.monotonic()))
    cpu_end = os.times()
    merged = {"latencies": [], "statuses": {}, "errors": {}, "receipts": [], "missing_receipts": 0, "setup_errors": [],
              "warmup_ok": sum(r["warmup_ok"] for r in results),
              "body": max((r.get("body", (0, 0)) for r in results), default=(0, 0))}
    for r in results:
        merged["latencies"] += r["latencies"]
        merged["receipts"] += r["receipts"]
        merged["missing_receipts"] += r["missing_receipts"]
        if r["setup_error"]:
            merged["setup_errors"].append(r["setup_error"])
        for key in ("statuses", "errors"):
            for k, v in r[key].items():
                merged[key][k] = merged[key].get(k, 0) + v
    merged["hung_threads"] = sum(t.is_alive() for t in pool)
    merged["cpu_seconds"] = (cpu_end.user - cpu_start.user) + (cpu_end.system - cpu_start.system)
    result_queue.put(merged)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def run_submissions(server: Server, concurrency: int, total: int, time_cap: float, client_procs: int,
                    on_start=None, minimal: bool = False) -> dict:
    """One level. `on_start()`, if given, runs once every session is set up, just before the start."""
    ctx = multiprocessing.get_context("fork")
    procs = max(1, min(client_procs, concurrency))
    counter = ctx.Value("q", 0)
    deadline = ctx.Value("d", float("inf"))
    warm, go = ctx.Event(), ctx.Event()
    ready_queue, result_queue = ctx.Queue(), ctx.Queue()
    split = [concurrency // procs + (1 if i < concurrency % procs else 0) for i in range(procs)]
    workers, results = [], []
    setup_cpu_before = server.cpu_seconds()
    try:
        first = 0
        for n in split:
            p = ctx.Process(target=client_process,
                            args=(server.port, n, first, counter, total, (warm, go, deadline), ready_queue, result_queue,
                                  minimal),
                            daemon=True)
            p.start()
            workers.append(p)
            first += n
        for _ in workers:
            ready_queue.get(timeout=SETUP_TIMEOUT + 30)  # every session has its cookie and token
        forms_cpu = server.cpu_seconds() - setup_cpu_before
        warm.set()
        for _ in workers:
            ready_queue.get(timeout=SETUP_TIMEOUT + 30)  # every client has sent its warm-up submission
        if on_start is not None:
            on_start()
        cpu_before = server.cpu_seconds()
        worker_cpu_before = {pid: cpu_seconds(pid) for pid in server.worker_pids()}
        machine_before = system_cpu_seconds()
        start = time.monotonic()
        deadline.value = start + time_cap
        go.set()
        for _ in workers:
            results.append(result_queue.get(timeout=time_cap + 2 * SOCKET_TIMEOUT + 120))
        server_cpu = server.cpu_seconds() - cpu_before
        worker_cpu = [round(cpu_seconds(pid) - before, 2) for pid, before in worker_cpu_before.items()]
        worker_peak = [round((proc_status_kib(pid, "VmHWM") or 0) / 1024, 1) for pid in worker_cpu_before]
        machine_after = system_cpu_seconds()
        for p in workers:
            p.join(10)
    finally:
        for p in workers:
            if p.is_alive():
                p.terminate()
                p.join(5)
    spans = [span for r in results for span in r["latencies"]]
    statuses, errors = {}, {}
    for r in results:
        for k, v in r["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    end = max((e for _s, e in spans), default=start)
    wall = end - start
    latencies = sorted(e - s for s, e in spans)
    ok = statuses.get(200, 0)
    return {
        "concurrency": concurrency,
        "client_processes": procs,
        "body_parts": max(r["body"][0] for r in results),
        "body_bytes": max(r["body"][1] for r in results),
        "attempted": counter.value,
        "responses": len(spans),
        "ok_200": ok,
        "warmup_ok_200": sum(r["warmup_ok"] for r in results),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "connection_errors": errors,
        "setup_errors": [e for r in results for e in r["setup_errors"]],
        "hung_threads": sum(r["hung_threads"] for r in results),
        "missing_receipts": sum(r["missing_receipts"] for r in results),
        "receipts": [x for r in results for x in r["receipts"]],
        "seconds": wall,
        "time_capped": counter.value < total,
        "per_second": ok / wall if wall > 0 else 0.0,
        "latency_ms": {name: 1000 * percentile(latencies, q) for name, q in
                       (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))},
        "server_cpu_seconds": server_cpu,
        "client_cpu_seconds": sum(r["cpu_seconds"] for r in results),
        "worker_cpu_seconds": worker_cpu,
        "worker_peak_mib": worker_peak,
        "form_page_cpu_ms": 1000 * forms_cpu / concurrency,
        "machine_busy_seconds": machine_after[0] - machine_before[0],
        "machine_idle_seconds": machine_after[1] - machine_before[1],
    }


def verify_submissions(server: Server, receipts: list[str]) -> dict:
    """Decrypt every stored file with the server identity; compare with what clients were told."""
    paths = server.submissions()
    decrypted, bad, stored_receipts = 0, [], []
    for path in paths:
        try:
            with open(path, "rb") as f:
                plaintext = age.decrypt([server.identity], f).read()
            with zipfile.ZipFile(io.BytesIO(plaintext)) as archive:
                report = json.loads(archive.read("report.json"))
            stored_receipts.append(report["receipt"])
            decrypted += 1
        except Exception as exc:
            bad.append(f"{path.name}: {type(exc).__name__}")
    shown = set(receipts)
    stored = set(stored_receipts)
    return {
        "stored_files": len(paths),
        "decrypted_with_report": decrypted,
        "undecryptable": bad[:10],
        "receipts_shown": len(receipts),
        "receipts_shown_unique": len(shown),
        "receipts_stored_unique": len(stored),
        "shown_not_stored": len(shown - stored),
        "stored_not_shown": len(stored - shown),
        "pending_left": len(server.pending()),
    }


# --- large uploads ----------------------------------------------------------------------------


def upload_body(prefix: bytes, block: bytes, blocks: int, suffix: bytes):
    """The request body, generated as it is sent: only the 1 MiB block stays in memory."""
    yield prefix
    view = memoryview(block)
    for _ in range(blocks):
        yield view
    yield suffix


def expected_digest(block: bytes, blocks: int) -> str:
    h = hashlib.sha256()
    for _ in range(blocks):
        h.update(block)
    return h.hexdigest()


def run_upload(server: Server, block: bytes, blocks: int, page: str | None, minimal: bool = False) -> tuple[dict, str]:
    """One report with one `blocks` MiB attachment. Returns (result, the form page used).

    The baseline has no form page: pass the page the intake served, so the body is the same.
    """
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=SOCKET_TIMEOUT)
    token, cookie = "unused-by-the-baseline", None
    if server.kind == "ours":
        raw = RawConnection(server.port)
        try:
            cookie, token, page = get_form(server.port, raw)
        finally:
            raw.close()
    boundary = "----bench" + secrets.token_hex(16)
    assert boundary.encode() not in block + block[: len(boundary) + 8]
    prefix, suffix = multipart_parts(report_fields(token, page, "upload", minimal), boundary, "upload.bin")
    size = blocks * len(block)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
               "Content-Length": str(len(prefix) + size + len(suffix))}
    if cookie:
        headers["Cookie"] = cookie
    workers = server.worker_pids()
    hwm_before = {pid: proc_status_kib(pid, "VmHWM") for pid in workers}
    cpu_before = {pid: cpu_seconds(pid) for pid in workers}
    start = time.monotonic()
    try:
        conn.request("POST", "/", body=upload_body(prefix, block, blocks, suffix), headers=headers)
        response = conn.getresponse()
        reply = response.read()
        status = response.status
    except OSError as exc:
        status, reply = None, f"{type(exc).__name__}: {exc}".encode()
    finally:
        conn.close()
    seconds = time.monotonic() - start
    cpu_used = {pid: cpu_seconds(pid) - cpu_before[pid] for pid in workers}
    busiest = max(workers, key=lambda pid: cpu_used[pid])  # the worker that handled the upload
    hwm_after = {pid: proc_status_kib(pid, "VmHWM") for pid in workers}
    return {
        "server": server.kind,
        "size_mib": size / MIB,
        "body_overhead_bytes": len(prefix) + len(suffix),
        "status": status,
        "seconds": seconds,
        "mib_s": size / MIB / seconds,
        "worker_pid": busiest,
        "worker_peak_mib": (hwm_after[busiest] or 0) / 1024,  # 0: the worker is gone (see the log problems)
        "worker_peak_before_mib": (hwm_before[busiest] or 0) / 1024,
        "worker_cpu_seconds": cpu_used[busiest],
        "all_workers_peak_mib": max(v or 0 for v in hwm_after.values()) / 1024,
        "receipt": (RECEIPT.search(reply).group(1).decode() if status == 200 and RECEIPT.search(reply) else None),
        "reply_head": reply[:200].decode(errors="replace") if status != 200 else None,
    }, page


def verify_upload(server: Server, result: dict, digest: str, size: int) -> dict:
    """Check the stored upload: decrypt and hash the attachment (ours), or hash the plain file."""
    start = time.monotonic()
    check = {"stored_files": 0, "ok": False}
    if server.kind == "baseline":
        stored = sorted((server.root / "baseline" / "stored").glob("*.part"))
        check["stored_files"] = len(stored)
        if len(stored) == 1:
            h = hashlib.sha256()
            with open(stored[0], "rb") as f:
                while chunk := f.read(MIB):
                    h.update(chunk)
            check["ok"] = stored[0].stat().st_size == size and h.hexdigest() == digest
        check["pending_left"] = len(list((server.root / "baseline" / "tmp").glob("*")))
    else:
        paths = server.submissions()
        check["stored_files"] = len(paths)
        check["pending_left"] = len(server.pending())
        if len(paths) == 1:
            check["ciphertext_mib"] = paths[0].stat().st_size / MIB
            try:
                with open(paths[0], "rb") as f, zipfile.ZipFile(age.open_random_access([server.identity], f)) as archive:
                    report = json.loads(archive.read("report.json"))
                    record = report["attachments"][0]
                    entry = archive.getinfo(record["entry"])
                    h = hashlib.sha256()
                    with archive.open(entry) as data:  # zipfile also checks the CRC-32 at the end
                        while chunk := data.read(MIB):
                            h.update(chunk)
                    check["ok"] = (len(report["attachments"]) == 1 and record["size"] == size
                                   and record["sha256"] == digest and h.hexdigest() == digest
                                   and report["receipt"] == result["receipt"])
                    check["zip_plaintext_mib"] = sum(i.file_size for i in archive.infolist()) / MIB
                    check["padding_mib"] = archive.getinfo("padding").file_size / MIB
            except Exception as exc:
                check["error"] = f"{type(exc).__name__}: {exc}"
    check["seconds"] = time.monotonic() - start
    return check


# --- orchestration ----------------------------------------------------------------------------


def server_env(args, max_upload: str | None = None) -> dict:
    env = {}
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


def choose_tmpdir(args, need_bytes: int) -> Path:
    base = Path(args.tmpdir) if args.tmpdir else Path(tempfile.gettempdir())
    free = shutil.disk_usage(base).free
    if free < need_bytes:
        raise SystemExit(f"{base} has {free / MIB:.0f} MiB free; this run needs about {need_bytes / MIB:.0f} MiB (use --tmpdir)")
    return base


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and fewer submissions (under a minute)")
    parser.add_argument("--concurrency", default="16,64", help="client threads per level, comma-separated (default 16,64)")
    parser.add_argument("--submissions", type=int, help="submissions per level (default 2000; --quick 300)")
    parser.add_argument("--time-cap", type=float, help="seconds per level at most (default 60; --quick 15)")
    parser.add_argument("--client-procs", type=int, default=2, help="load-generator processes (default 2)")
    parser.add_argument("--upload-mib", type=int, help="big upload in MiB (default 1024; --quick 128)")
    parser.add_argument("--small-upload-mib", type=int,
                        help="small upload in MiB for the flat-memory check (default 128; --quick 16)")
    parser.add_argument("--upload-repeat", type=int, help="runs of each upload, medians reported (default 3; --quick 1)")
    parser.add_argument("--workers", type=int, help="INTAKE_WORKERS for every server (default: gunicorn_conf's, 2)")
    parser.add_argument("--threads", type=int, help="INTAKE_THREADS for every server (default: gunicorn_conf's, 32)")
    parser.add_argument("--tmpdir", help="where data dirs go (default: the system temp dir; /dev/shm makes fsync free)")
    parser.add_argument("--target-rps", type=float, default=TARGET_SUBMISSIONS_PER_S, help="submissions/s target (default 200)")
    parser.add_argument("--minimal-form", action="store_true",
                        help="send only the answered fields (as the tests do), not every control of the form page")
    parser.add_argument("--skip-submissions", action="store_true")
    parser.add_argument("--skip-uploads", action="store_true")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout (the text goes to stderr)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    args.submissions = args.submissions or (300 if args.quick else 2000)
    args.time_cap = args.time_cap or (15.0 if args.quick else 60.0)
    args.upload_mib = args.upload_mib or (128 if args.quick else 1024)
    args.small_upload_mib = args.small_upload_mib or (16 if args.quick else 128)
    args.upload_repeat = max(1, args.upload_repeat or (1 if args.quick else 3))
    levels = [int(x) for x in args.concurrency.split(",") if x.strip()]

    # SIGTERM/SIGHUP run the same cleanup as Ctrl-C.
    def _interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)

    started = time.monotonic()
    # One upload is on disk at a time (each server's folder is removed after it); the server
    # itself refuses an upload unless its size + INTAKE_MIN_FREE (512 MiB by default) is free.
    need = 0 if args.skip_uploads else (args.upload_mib * 1.1 + 512) * MIB
    base = choose_tmpdir(args, int(need + 256 * MIB))
    identity = age.HybridIdentity.generate()
    settings = effective_settings(args)
    result = {
        "env": {
            "python": platform.python_version(),
            "gunicorn": version("gunicorn"), "flask": version("flask"), "werkzeug": version("werkzeug"),
            "cryptography": version("cryptography"),
            "cpus": os.cpu_count(), "cpu": _cpu_model(), "data_fs": filesystem_of(base.resolve()),
            "server_settings": settings, "worker_class": "gthread",
        },
        "settings": {k: getattr(args, k) for k in ("quick", "concurrency", "submissions", "time_cap", "client_procs",
                                                   "upload_mib", "small_upload_mib", "upload_repeat", "minimal_form",
                                                   "target_rps")},
        "submissions": [], "uploads": [],
    }
    servers: list[Server] = []

    def new_server(kind, env):
        server = Server(kind, root / f"{len(servers):02d}-{kind}", env, identity if kind == "ours" else None,
                        workers=settings["INTAKE_WORKERS"])
        servers.append(server)
        return server.start()

    root = Path(tempfile.mkdtemp(prefix="bench-web-", dir=base))
    try:
        log(f"bench_web: data in {root} ({result['env']['data_fs']}), {os.cpu_count()} CPUs, "
            f"server INTAKE_WORKERS={settings['INTAKE_WORKERS']} INTAKE_THREADS={settings['INTAKE_THREADS']} (gthread)")
        if not args.skip_submissions:
            for level in levels:
                server = new_server("ours", server_env(args))
                log(f"  submissions: {level} clients in {min(args.client_procs, level)} processes, "
                    f"up to {args.submissions} or {args.time_cap:.0f} s ...")
                run = run_submissions(server, level, args.submissions, args.time_cap, args.client_procs,
                                      minimal=args.minimal_form)
                receipts = run.pop("receipts")
                server.stop()
                run["server_log_problems"] = server.log_problems()
                run["verify"] = verify_submissions(server, receipts)
                result["submissions"].append(run)
                log(f"    {run['per_second']:.0f}/s, p50 {run['latency_ms']['p50']:.0f} ms, "
                    f"{run['verify']['decrypted_with_report']}/{run['verify']['stored_files']} files decrypted")
                shutil.rmtree(server.root, ignore_errors=True)
        if not args.skip_uploads:
            block = os.urandom(MIB)
            sizes = (args.small_upload_mib, args.upload_mib)
            digests = {mib: expected_digest(block, mib) for mib in sizes}  # before any timing
            page = None
            for repeat in range(args.upload_repeat):  # interleaved: ours, baseline, ours, baseline, ...
                for mib in sizes:
                    for kind in ("ours", "baseline"):
                        server = new_server(kind, server_env(args, max_upload="2GB"))
                        log(f"  upload {repeat + 1}/{args.upload_repeat}: {mib} MiB into {kind} ...")
                        up, page = run_upload(server, block, mib, page, args.minimal_form)
                        server.stop()
                        up["server_log_problems"] = server.log_problems()
                        up["verify"] = verify_upload(server, up, digests[mib], mib * MIB)
                        up["repeat"] = repeat
                        result["uploads"].append(up)
                        log(f"    {up['mib_s']:.0f} MiB/s, worker peak {up['worker_peak_mib']:.1f} MiB, "
                            f"status {up['status']}, verified {up['verify']['ok']}")
                        shutil.rmtree(server.root, ignore_errors=True)
    except KeyboardInterrupt:
        log("interrupted: stopping servers and removing temporary data")
        raise
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
    result["client_peak_mib"] = (proc_status_kib(os.getpid(), "VmHWM") or 0) / 1024
    result["total_seconds"] = time.monotonic() - started
    evaluate(result, args)
    report(result, args)
    if args.json:
        print(json.dumps(result, indent=1))
    return 1 if args.strict and result["result"] != "PASS" else 0


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def evaluate(result: dict, args) -> None:
    checks = {}
    for run in result["submissions"]:
        c, v = run["concurrency"], run["verify"]
        checks[f"submissions_per_s_c{c}"] = {"value": round(run["per_second"], 1), "target": f">= {args.target_rps:g}",
                                             "pass": run["per_second"] >= args.target_rps}
        answered = run["ok_200"] + run["warmup_ok_200"]  # every 200 the clients saw, warm-up included
        lost = (v["stored_files"] != answered or v["decrypted_with_report"] != v["stored_files"]
                or v["shown_not_stored"] or v["stored_not_shown"] or run["missing_receipts"]
                or v["receipts_shown_unique"] != answered or v["pending_left"])
        checks[f"zero_lost_c{c}"] = {
            "value": f"{v['stored_files']} files, {answered} x 200, {v['decrypted_with_report']} decrypted, "
                     f"receipts {v['receipts_stored_unique']} stored / {v['receipts_shown_unique']} shown",
            "target": "files = 200s = decrypted = receipts", "pass": not lost}
        failed = run["responses"] - run["ok_200"] + sum(run["connection_errors"].values()) + len(run["setup_errors"])
        checks[f"all_ok_c{c}"] = {"value": failed, "target": "0 non-200 or failed requests", "pass": failed == 0}
    summary = {}  # (server, size) -> medians over the repeats, worst memory
    for u in result["uploads"]:
        summary.setdefault((u["server"], u["size_mib"]), []).append(u)
    result["upload_summary"] = []
    for (kind, size), runs in summary.items():
        ok = all(u["status"] == 200 and u["verify"]["ok"] and u["verify"]["stored_files"] == 1
                 and u["verify"].get("pending_left") == 0 for u in runs)
        result["upload_summary"].append({
            "server": kind, "size_mib": size, "runs": len(runs), "mib_s": statistics.median(u["mib_s"] for u in runs),
            "mib_s_each": [round(u["mib_s"], 1) for u in runs], "worker_peak_mib": max(u["worker_peak_mib"] for u in runs),
            "worker_cpu_s_per_gib": statistics.median(u["worker_cpu_seconds"] / (size / 1024) for u in runs),
            "all_stored_and_verified": ok})
        checks[f"upload_stored_{kind}_{size:g}mib"] = {
            "value": f"{sum(u['status'] == 200 and u['verify']['ok'] for u in runs)}/{len(runs)} runs",
            "target": "every run 200, one file, content verified, nothing pending", "pass": ok}
    ours = {s["size_mib"]: s for s in result["upload_summary"] if s["server"] == "ours"}
    base = {s["size_mib"]: s for s in result["upload_summary"] if s["server"] == "baseline"}
    if ours:
        big, small = max(ours), min(ours)
        checks["worker_peak_mib"] = {"value": round(ours[big]["worker_peak_mib"], 1), "target": f"< {TARGET_WORKER_PEAK_MIB}",
                                     "pass": ours[big]["worker_peak_mib"] < TARGET_WORKER_PEAK_MIB}
        growth = ours[big]["worker_peak_mib"] - ours[small]["worker_peak_mib"]
        result["worker_growth_mib"] = growth
        checks["worker_growth_mib"] = {"value": round(growth, 1), "target": f"< {TARGET_WORKER_GROWTH_MIB}",
                                       "pass": growth < TARGET_WORKER_GROWTH_MIB}
    result["ratios"] = {f"ours_vs_baseline_{m:g}mib": ours[m]["mib_s"] / base[m]["mib_s"] for m in ours if m in base}
    result["checks"] = checks
    result["result"] = "PASS" if all(c["pass"] for c in checks.values()) else "FAIL"


def report(result: dict, args) -> None:
    env = result["env"]
    s = env["server_settings"]
    log()
    log(f"Web intake benchmark: Python {env['python']}, gunicorn {env['gunicorn']} (gthread, "
        f"INTAKE_WORKERS={s['INTAKE_WORKERS']}, INTAKE_THREADS={s['INTAKE_THREADS']}), Flask {env['flask']}, "
        f"Werkzeug {env['werkzeug']}")
    log(f"{env['cpus']} CPUs ({env['cpu']}), shared by the server and the load generator; data on {env['data_fs']}")
    if result["submissions"]:
        log()
        first = result["submissions"][0]
        log(f"Small reports: {first['body_parts']}-part multipart bodies of {first['body_bytes']} bytes "
            f"({'answered fields only' if args.minimal_form else 'every control of the form page, as a browser sends it'}, "
            f"no file chosen);")
        log("each client thread has its own keep-alive connection, session cookie and CSRF token:")
        log(f"{'clients':>7} {'procs':>5} {'sent':>6} {'200':>6} {'other':>5} {'errs':>4} {'sec':>6} {'subs/s':>7} "
            f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'server':>7} {'clients':>7} {'other':>6} {'idle':>5}")
        for r in result["submissions"]:
            cores = r["machine_busy_seconds"] + r["machine_idle_seconds"] or 1.0
            other = max(0.0, r["machine_busy_seconds"] - r["server_cpu_seconds"] - r["client_cpu_seconds"])
            log(f"{r['concurrency']:>7} {r['client_processes']:>5} {r['responses']:>6} {r['ok_200']:>6} "
                f"{r['responses'] - r['ok_200']:>5} {sum(r['connection_errors'].values()):>4} {r['seconds']:>6.1f} "
                f"{r['per_second']:>7.0f} {r['latency_ms']['p50']:>7.1f} {r['latency_ms']['p95']:>7.1f} "
                f"{r['latency_ms']['p99']:>7.1f} {r['latency_ms']['max']:>7.1f} "
                f"{100 * r['server_cpu_seconds'] / cores:>6.0f}% {100 * r['client_cpu_seconds'] / cores:>6.0f}% "
                f"{100 * other / cores:>5.0f}% {100 * r['machine_idle_seconds'] / cores:>4.0f}%")
        log("  (CPU columns: share of all CPUs during the level, from /proc: server = gunicorn master + workers,")
        log("   clients = the load-generator processes, other = everything else on the machine, idle = idle + iowait)")
        log("After each level the server is stopped and every file in submissions/ is decrypted with the identity;")
        log("200s include the one untimed warm-up submission per client:")
        log(f"{'clients':>7} {'200s':>6} {'stored':>6} {'decrypted':>9} {'receipts stored/shown':>21} {'pending':>7}  "
            f"{'server CPU ms':>13}  {'form page':>9}  CPU s, peak MiB per worker")
        log(f"{'':>7} {'':>6} {'':>6} {'':>9} {'':>21} {'':>7}  {'per submission':>13}  {'CPU ms':>9}")
        for r in result["submissions"]:
            v = r["verify"]
            per = 1000 * r["server_cpu_seconds"] / r["ok_200"] if r["ok_200"] else float("nan")
            log(f"{r['concurrency']:>7} {r['ok_200'] + r['warmup_ok_200']:>6} {v['stored_files']:>6} "
                f"{v['decrypted_with_report']:>9} "
                f"{v['receipts_stored_unique']:>10}/{v['receipts_shown_unique']:<10} {v['pending_left']:>7}  {per:>13.2f}  "
                f"{r['form_page_cpu_ms']:>9.1f}  {r['worker_cpu_seconds']}, {r['worker_peak_mib']}")
            if r["time_capped"]:
                log(f"         time cap of {args.time_cap:g} s reached after {r['attempted']} submissions")
            if r["connection_errors"] or r["setup_errors"] or r["hung_threads"]:
                log(f"         errors: {r['connection_errors']} setup: {r['setup_errors'][:3]} hung threads: {r['hung_threads']}")
            if v["undecryptable"]:
                log(f"         undecryptable: {v['undecryptable']}")
    if result["uploads"]:
        log()
        log("One report with one attachment, streamed from a generator by http.client (Content-Length body);")
        log("a fresh server for every run; worker = the gunicorn worker that handled the upload (most CPU):")
        log(f"{'run':>3} {'server':<9} {'MiB':>6} {'status':>6} {'sec':>7} {'MiB/s':>7} {'worker peak':>11} {'at start':>8} "
            f"{'worker CPU s':>12} {'stored':>6} {'verified':>8} {'verify s':>8}")
        for u in result["uploads"]:
            log(f"{u['repeat'] + 1:>3} {u['server']:<9} {u['size_mib']:>6g} {u['status']!s:>6} {u['seconds']:>7.2f} "
                f"{u['mib_s']:>7.0f} {u['worker_peak_mib']:>7.1f} MiB {u['worker_peak_before_mib']:>8.1f} "
                f"{u['worker_cpu_seconds']:>12.2f} {u['verify']['stored_files']:>6} {u['verify']['ok']!s:>8} "
                f"{u['verify']['seconds']:>8.1f}")
            if u.get("reply_head"):
                log(f"          reply: {u['reply_head']!r}")
            if u["verify"].get("error"):
                log(f"          verify error: {u['verify']['error']}")
        log()
        log(f"{'server':<9} {'MiB':>6} {'runs':>4} {'median MiB/s':>12} {'worker peak (max)':>17} {'worker CPU s/GiB':>16}")
        for sm in result["upload_summary"]:
            log(f"{sm['server']:<9} {sm['size_mib']:>6g} {sm['runs']:>4} {sm['mib_s']:>12.0f} {sm['worker_peak_mib']:>13.1f} MiB "
                f"{sm['worker_cpu_s_per_gib']:>16.2f}")
        shown = set()
        for u in result["uploads"]:
            if u["server"] == "ours" and "ciphertext_mib" in u["verify"] and u["size_mib"] not in shown:
                shown.add(u["size_mib"])
                log(f"  ours {u['size_mib']:g} MiB: stored {u['verify']['ciphertext_mib']:.1f} MiB of ciphertext, "
                    f"of which {u['verify'].get('padding_mib', 0):.1f} MiB is Padmé padding")
        for name, value in result["ratios"].items():
            log(f"  ratio {name} (medians): {value:.2f}")
        if "worker_growth_mib" in result:
            log(f"  worker peak growth, big upload vs small: {result['worker_growth_mib']:+.1f} MiB")
        log(f"  load generator (this process) peak RSS: {result['client_peak_mib']:.1f} MiB")
    problems = [(f"submissions c{r['concurrency']}", r.get("server_log_problems", [])) for r in result["submissions"]]
    problems += [(f"upload {u['server']} {u['size_mib']:g} MiB run {u['repeat'] + 1}", u.get("server_log_problems", []))
                 for u in result["uploads"]]
    if any(lines for _, lines in problems):
        log()
        log("Server log lines above INFO:")
        for where, lines in problems:
            for line in lines[:5]:
                log(f"  [{where}] {line}")
            if len(lines) > 5:
                log(f"  [{where}] ... {len(lines) - 5} more")
    log()
    log("Checks:")
    for name, c in result["checks"].items():
        log(f"  {'PASS' if c['pass'] else 'FAIL'}  {name}: {c['value']} (target {c['target']})")
    log(f"Result: {result['result']}" + ("" if result["result"] == "PASS" else
        " (missed: " + ", ".join(n for n, c in result["checks"].items() if not c["pass"]) + ")"))
    log(f"Total time: {result['total_seconds']:.0f} s")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
