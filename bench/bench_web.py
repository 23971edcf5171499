#!/usr/bin/env python3
"""End-to-end benchmark of the web intake under gunicorn, on loopback (127.0.0.1 only).

Run from the repository root (see bench/README.md for how to read the output):

    .venv/bin/python bench/bench_web.py                # default run, about 2-3 minutes on 2 cores
    .venv/bin/python bench/bench_web.py --quick        # under a minute
    .venv/bin/python bench/bench_web.py --json > web.json

Measured, in one run, each against a fresh gunicorn started with the intake's own settings
(python:intake.web.gunicorn_conf, gthread) and freshly generated keys:

  1. Small reports: `--concurrency` client threads (16 and 64 by default), split over
     `--client-procs` processes, each thread with its own keep-alive connection, session
     cookie and CSRF token. They POST prebuilt multipart bodies until `--submissions` have
     been sent or `--time-cap` seconds have passed. Reported: submissions/s, latency
     percentiles, and the CPU the server and the clients used. Then every stored file is
     decrypted with the server identity: it must be a ZIP with report.json, the count must
     equal the number of 200 responses, and the receipts inside must be exactly the receipts
     the clients were shown.
  2. Large uploads: one report with one attachment of `--upload-mib` MiB (and of
     `--small-upload-mib` MiB, to show that memory does not grow with the upload), streamed by
     the client from a generator (a 1 MiB block repeated; never the whole body in memory).
     Reported: MiB/s and the gunicorn worker's peak RSS (VmHWM). The stored file is decrypted
     and the attachment's SHA-256 is checked.
  3. Baseline: the same uploads into bench/web_baseline_app.py, the same gunicorn settings
     and Werkzeug parser writing each file part to a plain file (no encryption, no ZIP).
     Reported: MiB/s and the ratio ours / baseline.

Exit status is 0 whatever the result, unless --strict is given and a target is missed.
Needs only the project venv; py-spy or other profilers are not used.
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
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
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


def form_fields(csrf_token: str, marker: str) -> list[tuple[str, str]]:
    fields = [("csrf_token", csrf_token)]
    for name, value in valid_answers(marker).items():
        for item in value if isinstance(value, list) else [value]:
            fields.append((name, item))
    return fields


def multipart_parts(fields, boundary: str, file_name: str, file_type: str = "application/octet-stream"):
    """(prefix, suffix) of a multipart body whose single file's content goes in between."""
    out = io.BytesIO()
    for name, value in fields:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="{file_name}"\r\n'
              f"Content-Type: {file_type}\r\n\r\n".encode())
    return out.getvalue(), f"\r\n--{boundary}--\r\n".encode()


def get_form(port: int, conn: RawConnection) -> tuple[str, str]:
    """(session cookie "name=value", CSRF token), as a browser gets them by loading the form."""
    host = f"127.0.0.1:{port}"
    status, headers, body = conn.roundtrip(f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    match = CSRF_BYTES.search(body)
    if status != 200 or not match or b"set-cookie" not in headers:
        raise RuntimeError(f"form page: status {status}, no token or cookie")
    cookie = headers[b"set-cookie"].split(b";", 1)[0].decode()
    return cookie, match.group(1).decode()


def _client_thread(port, index, counter, total, go, deadline, ready, results):
    conn = RawConnection(port)
    out = {"latencies": [], "statuses": {}, "errors": {}, "receipts": [], "missing_receipts": 0, "setup_error": None}
    results.append(out)
    try:
        cookie, token = get_form(port, conn)
        boundary = "----bench" + secrets.token_hex(12)
        prefix, suffix = multipart_parts(form_fields(token, f"c{index}"), boundary, "")
        body = prefix + suffix  # an empty file field, as a browser sends when no file is chosen
        request = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    except Exception as exc:  # reported, never silently dropped
        out["setup_error"] = f"{type(exc).__name__}: {exc}"
        ready.wait()
        return
    ready.wait()
    if not go.wait(SOCKET_TIMEOUT):
        return
    latencies, statuses, errors, receipts = out["latencies"], out["statuses"], out["errors"], out["receipts"]
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
            match = RECEIPT.search(reply)
            if match:
                receipts.append(match.group(1).decode())
            else:
                out["missing_receipts"] += 1
    conn.close()


def client_process(port, threads, first_index, counter, total, go, deadline, ready_queue, result_queue):
    """One load-generating process: `threads` threads, each with its own session."""
    results = []
    ready = threading.Barrier(threads + 1)
    pool = [threading.Thread(target=_client_thread, args=(port, first_index + i, counter, total, go, deadline, ready, results),
                             daemon=True) for i in range(threads)]
    for t in pool:
        t.start()
    ready.wait()
    ready_queue.put(os.getpid())
    go.wait(SOCKET_TIMEOUT)
    cpu_start = os.times()
    for t in pool:
        t.join(SOCKET_TIMEOUT + 60)
    cpu_end = os.times()
    merged = {"latencies": [], "statuses": {}, "errors": {}, "receipts": [], "missing_receipts": 0, "setup_errors": []}
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
                    on_start=None) -> dict:
    """One level. `on_start()`, if given, runs once every session is set up, just before the start."""
    ctx = multiprocessing.get_context("fork")
    procs = max(1, min(client_procs, concurrency))
    counter = ctx.Value("q", 0)
    deadline = ctx.Value("d", float("inf"))
    go = ctx.Event()
    ready_queue, result_queue = ctx.Queue(), ctx.Queue()
    split = [concurrency // procs + (1 if i < concurrency % procs else 0) for i in range(procs)]
    workers, results = [], []
    try:
        first = 0
        for n in split:
            p = ctx.Process(target=client_process,
                            args=(server.port, n, first, counter, total, go, deadline, ready_queue, result_queue), daemon=True)
            p.start()
            workers.append(p)
            first += n
        for _ in workers:
            ready_queue.get(timeout=SOCKET_TIMEOUT + 30)  # every session has its cookie and token
        if on_start is not None:
            on_start()
        cpu_before = server.cpu_seconds()
        machine_before = system_cpu_seconds()
        start = time.monotonic()
        deadline.value = start + time_cap
        go.set()
        for _ in workers:
            results.append(result_queue.get(timeout=time_cap + 2 * SOCKET_TIMEOUT + 120))
        server_cpu = server.cpu_seconds() - cpu_before
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
        "attempted": counter.value,
        "responses": len(spans),
        "ok_200": ok,
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


def run_upload(server: Server, block: bytes, blocks: int) -> dict:
    host = "127.0.0.1"
    conn = http.client.HTTPConnection(host, server.port, timeout=SOCKET_TIMEOUT)
    token, cookie = "unused", None
    if server.kind == "ours":
        raw = RawConnection(server.port)
        try:
            cookie, token = get_form(server.port, raw)
        finally:
            raw.close()
    boundary = "----bench" + secrets.token_hex(16)
    assert boundary.encode() not in block + block[: len(boundary) + 8]
    prefix, suffix = multipart_parts(form_fields(token, "upload"), boundary, "upload.bin")
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
        "status": status,
        "seconds": seconds,
        "mib_s": size / MIB / seconds,
        "worker_pid": busiest,
        "worker_peak_mib": hwm_after[busiest] / 1024,
        "worker_peak_before_mib": hwm_before[busiest] / 1024,
        "worker_cpu_seconds": cpu_used[busiest],
        "all_workers_peak_mib": max(hwm_after.values()) / 1024,
        "receipt": (RECEIPT.search(reply).group(1).decode() if status == 200 and RECEIPT.search(reply) else None),
        "reply_head": reply[:200].decode(errors="replace") if status != 200 else None,
    }


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
    parser.add_argument("--small-upload-mib", type=int, help="small upload in MiB for the flat-memory check (default 128; --quick 16)")
    parser.add_argument("--workers", type=int, help="INTAKE_WORKERS for every server (default: gunicorn_conf's, 2)")
    parser.add_argument("--threads", type=int, help="INTAKE_THREADS for every server (default: gunicorn_conf's, 32)")
    parser.add_argument("--tmpdir", help="where data dirs go (default: the system temp dir; /dev/shm makes fsync free)")
    parser.add_argument("--target-rps", type=float, default=TARGET_SUBMISSIONS_PER_S, help="submissions/s target (default 200)")
    parser.add_argument("--skip-submissions", action="store_true")
    parser.add_argument("--skip-uploads", action="store_true")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout (the text goes to stderr)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    args.submissions = args.submissions or (300 if args.quick else 2000)
    args.time_cap = args.time_cap or (15.0 if args.quick else 60.0)
    args.upload_mib = args.upload_mib or (128 if args.quick else 1024)
    args.small_upload_mib = args.small_upload_mib or (16 if args.quick else 128)
    levels = [int(x) for x in args.concurrency.split(",") if x.strip()]

    # SIGTERM/SIGHUP run the same cleanup as Ctrl-C.
    def _interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)

    started = time.monotonic()
    need = 0 if args.skip_uploads else (2 * (args.upload_mib + args.small_upload_mib) * 1.2 + 600) * MIB
    base = choose_tmpdir(args, int(need + 200 * MIB))
    root = Path(tempfile.mkdtemp(prefix="bench-web-", dir=base))
    identity = age.HybridIdentity.generate()
    settings = effective_settings(args)
    result = {
        "env": {
            "python": platform.python_version(),
            "gunicorn": version("gunicorn"), "flask": version("flask"), "werkzeug": version("werkzeug"),
            "cryptography": version("cryptography"),
            "cpus": os.cpu_count(), "cpu": _cpu_model(), "data_fs": filesystem_of(root),
            "server_settings": settings, "worker_class": "gthread",
        },
        "submissions": [], "uploads": [],
    }
    servers: list[Server] = []

    def new_server(kind, env):
        server = Server(kind, root / f"{len(servers):02d}-{kind}", env, identity if kind == "ours" else None,
                        workers=settings["INTAKE_WORKERS"])
        servers.append(server)
        return server.start()

    log(f"bench_web: data in {root} ({result['env']['data_fs']}), {os.cpu_count()} CPUs, "
        f"server INTAKE_WORKERS={settings['INTAKE_WORKERS']} INTAKE_THREADS={settings['INTAKE_THREADS']} (gthread)")
    try:
        if not args.skip_submissions:
            for level in levels:
                server = new_server("ours", server_env(args))
                log(f"  submissions: {level} clients in {min(args.client_procs, level)} processes, "
                    f"up to {args.submissions} or {args.time_cap:.0f} s ...")
                run = run_submissions(server, level, args.submissions, args.time_cap, args.client_procs)
                receipts = run.pop("receipts")
                server.stop()
                run["verify"] = verify_submissions(server, receipts)
                result["submissions"].append(run)
                log(f"    {run['per_second']:.0f}/s, p50 {run['latency_ms']['p50']:.0f} ms, "
                    f"{run['verify']['decrypted_with_report']}/{run['verify']['stored_files']} files decrypted")
                shutil.rmtree(server.root, ignore_errors=True)
        if not args.skip_uploads:
            block = os.urandom(MIB)
            for mib in (args.small_upload_mib, args.upload_mib):
                digest = expected_digest(block, mib)
                for kind in ("ours", "baseline"):
                    server = new_server(kind, server_env(args, max_upload="2GB"))
                    log(f"  upload: {mib} MiB into {kind} ...")
                    up = run_upload(server, block, mib)
                    server.stop()
                    up["verify"] = verify_upload(server, up, digest, mib * MIB)
                    result["uploads"].append(up)
                    log(f"    {up['mib_s']:.0f} MiB/s, worker peak {up['worker_peak_mib']:.1f} MiB, status {up['status']}, "
                        f"verified {up['verify']['ok']}")
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
        lost = (v["stored_files"] != run["ok_200"] or v["decrypted_with_report"] != v["stored_files"]
                or v["shown_not_stored"] or v["stored_not_shown"] or run["missing_receipts"]
                or v["receipts_shown_unique"] != run["ok_200"] or v["pending_left"])
        checks[f"zero_lost_c{c}"] = {
            "value": f"{v['stored_files']} files, {run['ok_200']} x 200, {v['decrypted_with_report']} decrypted, "
                     f"receipts {v['receipts_stored_unique']} stored / {v['receipts_shown_unique']} shown",
            "target": "files = 200s = decrypted = receipts", "pass": not lost}
        failed = run["responses"] - run["ok_200"] + sum(run["connection_errors"].values()) + len(run["setup_errors"])
        checks[f"all_ok_c{c}"] = {"value": failed, "target": "0 non-200 or failed requests", "pass": failed == 0}
    ours = {u["size_mib"]: u for u in result["uploads"] if u["server"] == "ours"}
    base = {u["size_mib"]: u for u in result["uploads"] if u["server"] == "baseline"}
    for u in result["uploads"]:
        checks[f"upload_stored_{u['server']}_{u['size_mib']:g}mib"] = {
            "value": f"status {u['status']}, verified {u['verify']['ok']}", "target": "200 and verified",
            "pass": u["status"] == 200 and u["verify"]["ok"] and u["verify"]["stored_files"] == 1}
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
        log("Small reports (multipart, valid answers, empty file field), each client its own session and CSRF token:")
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
        log(f"{'clients':>7}  {'stored':>6} {'decrypted':>9} {'receipts stored/shown':>21} {'pending':>7}  "
            f"server CPU ms per submission")
        for r in result["submissions"]:
            v = r["verify"]
            per = 1000 * r["server_cpu_seconds"] / r["ok_200"] if r["ok_200"] else float("nan")
            log(f"{r['concurrency']:>7}  {v['stored_files']:>6} {v['decrypted_with_report']:>9} "
                f"{v['receipts_stored_unique']:>10}/{v['receipts_shown_unique']:<10} {v['pending_left']:>7}  {per:.2f}")
            if r["time_capped"]:
                log(f"         time cap of {args.time_cap:g} s reached after {r['attempted']} submissions")
            if r["connection_errors"] or r["setup_errors"] or r["hung_threads"]:
                log(f"         errors: {r['connection_errors']} setup: {r['setup_errors'][:3]} hung threads: {r['hung_threads']}")
            if v["undecryptable"]:
                log(f"         undecryptable: {v['undecryptable']}")
    if result["uploads"]:
        log()
        log("One upload (streamed from a generator by http.client, Content-Length body), fresh server each:")
        log(f"{'server':<9} {'MiB':>6} {'status':>6} {'sec':>7} {'MiB/s':>7} {'worker peak':>11} {'before':>7} "
            f"{'worker CPU s':>12} {'stored':>6} {'verified':>8}")
        for u in result["uploads"]:
            log(f"{u['server']:<9} {u['size_mib']:>6g} {u['status']!s:>6} {u['seconds']:>7.2f} {u['mib_s']:>7.0f} "
                f"{u['worker_peak_mib']:>7.1f} MiB {u['worker_peak_before_mib']:>7.1f} {u['worker_cpu_seconds']:>12.2f} "
                f"{u['verify']['stored_files']:>6} {u['verify']['ok']!s:>8}")
            if u.get("reply_head"):
                log(f"          reply: {u['reply_head']!r}")
            if u["verify"].get("error"):
                log(f"          verify error: {u['verify']['error']}")
        for u in result["uploads"]:
            if u["server"] == "ours" and "ciphertext_mib" in u["verify"]:
                log(f"  ours {u['size_mib']:g} MiB: stored {u['verify']['ciphertext_mib']:.1f} MiB of ciphertext "
                    f"(ZIP with Padmé padding {u['verify'].get('zip_plaintext_mib', 0):.1f} MiB of entries)")
        for name, value in result["ratios"].items():
            log(f"  ratio {name}: {value:.2f}")
        if "worker_growth_mib" in result:
            log(f"  worker peak growth, big upload vs small: {result['worker_growth_mib']:+.1f} MiB")
        log(f"  load generator (this process) peak RSS: {result['client_peak_mib']:.1f} MiB")
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
