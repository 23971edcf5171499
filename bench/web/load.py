"""Concurrent clients, and the zero-loss check of what the server stored.

The client threads are split over processes (fork), so the load generator is not one GIL. Each
thread sets up (loads form pages, builds its requests), takes one untimed warm-up step, then
repeats its step on a common start signal until the level's count or time cap is reached.
A step is what the client class says: a Submitter POSTs one prebuilt submission; the classes
of cycle.py load the page, or load the page and then post.
"""

import io
import json
import math
import multiprocessing
import os
import secrets
import threading
import time
import zipfile
from functools import partial

from common import proc_status_kib
from intake import age
from web.client import RECEIPT, SOCKET_TIMEOUT, RawConnection, body_around_token, get_form, post_request
from web.server import Server, cpu_seconds, system_cpu_seconds

SETUP_TIMEOUT = 120  # every client loading its form pages, or sending its warm-up submission
# Sessions the Submitters load, as a multiple of the level's submissions: a process whose
# threads were faster takes more than its share. One that runs out stops (ran_out_of_sessions).
SESSION_SLACK = 1.5


def _wait(barrier) -> None:
    try:
        barrier.wait(SETUP_TIMEOUT)
    except threading.BrokenBarrierError:
        pass  # a thread failed or hung: the level goes on with the others, and reports it


NO_SETUP = {"parts": 0, "bytes": 0, "page_loads": 0}


class NoMoreSteps(Exception):
    """The client has used up what it prepared (a Submitter's sessions): it stops."""


class Client:
    """What one client thread does: set up (untimed), then take steps."""

    stores = False  # whether a 200 reply names what was stored (found by `receipt`)
    receipt = RECEIPT

    def __init__(self, port: int, index: int):
        self.port, self.index = port, index

    def setup(self, conn: RawConnection) -> dict:
        """What the requests look like: body parts and bytes, and the form pages loaded."""
        return dict(NO_SETUP)

    def step(self, conn: RawConnection) -> tuple[int, bytes]:
        """(status, reply) of one step; NoMoreSteps when there is none left."""
        raise NotImplementedError


class Submitter(Client):
    """POSTs one submission per step, each with a session and token of its own, from form pages
    loaded during setup: a token serves one submission (intake/web/sessions.py).

    The prebuilt requests go into `pool`, shared by the Submitters of one process (so a fast
    thread is not stopped while a slow one still holds requests)."""

    stores = True

    def __init__(self, port: int, index: int, sessions: int, pool: list, minimal: bool = False):
        super().__init__(port, index)
        self.sessions, self.pool, self.minimal = sessions, pool, minimal

    def setup(self, conn: RawConnection) -> dict:
        cookie, token, page = get_form(self.port, conn)
        boundary = "----bench" + secrets.token_hex(12)
        # The body is built once, from the first page; each session only brings its token.
        before, after, parts = body_around_token(page, f"c{self.index}", self.minimal, boundary)
        size = len(before) + len(token) + len(after)
        for n in range(self.sessions):
            if n:
                cookie, token, _page = get_form(self.port, conn)
            self.pool.append(post_request(self.port, cookie, boundary, before + token.encode() + after))
        return {"parts": parts, "bytes": size, "page_loads": self.sessions}

    def step(self, conn: RawConnection) -> tuple[int, bytes]:
        try:
            request = self.pool.pop()  # atomic: threads share the pool
        except IndexError:
            raise NoMoreSteps() from None
        status, _headers, reply = conn.roundtrip(request)
        return status, reply


def _new_result() -> dict:
    return {"latencies": [], "statuses": {}, "errors": {}, "receipts": [], "missing_receipts": 0, "setup_error": None,
            "warmup_ok": 0, "ran_out": False, "setup": dict(NO_SETUP)}


def _warm_up(client: Client, conn: RawConnection, out: dict, record_receipt) -> bool:
    """One untimed step (thread pools, caches). What it stores counts in the zero-lost check."""
    try:
        status, reply = client.step(conn)
        if status != 200:
            raise RuntimeError(f"status {status}")
        out["warmup_ok"] += 1
        if client.stores:
            record_receipt(reply)
        return True
    except Exception as exc:
        out["setup_error"] = f"warm-up: {type(exc).__name__}: {exc}"
        return False


def _client_thread(make_client, index, counter, total, events, barriers, results):
    warm, go, deadline = events
    forms_loaded, ready = barriers
    client = make_client(index)
    conn = RawConnection(client.port)
    out = _new_result()
    results.append(out)

    def record_receipt(reply):
        match = client.receipt.search(reply)
        if match:
            out["receipts"].append(match.group(1).decode())
        else:
            out["missing_receipts"] += 1

    ok = False
    try:
        out["setup"] = client.setup(conn)
        ok = True
    except Exception as exc:  # reported, never silently dropped
        out["setup_error"] = f"setup: {type(exc).__name__}: {exc}"
    _wait(forms_loaded)
    ok = ok and warm.wait(SETUP_TIMEOUT) and _warm_up(client, conn, out, record_receipt)
    _wait(ready)
    if not ok or not go.wait(SETUP_TIMEOUT):
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
            status, reply = client.step(conn)
        except NoMoreSteps:
            with counter.get_lock():
                counter.value -= 1
            out["ran_out"] = True
            break
        except (OSError, ValueError, RuntimeError) as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            conn.close()  # no retry: a POST may have been stored; the counts will show it
            continue
        end = time.monotonic()
        latencies.append((start, end))
        statuses[status] = statuses.get(status, 0) + 1
        if status == 200 and client.stores:
            record_receipt(reply)
    conn.close()


def client_process(make_client, threads, first_index, counter, total, events, ready_queue, result_queue):
    """One load-generating process: `threads` threads, each with its own connection and client.

    Steps, in lock-step with the parent: every thread sets up, e.g. loads its form pages
    ("forms" on the queue); on `warm`, every thread takes one warm-up step ("ready"); on `go`,
    the timed run. The parent reads the server's CPU time between the steps.
    """
    warm, go, deadline = events
    results = []
    barriers = (threading.Barrier(threads + 1), threading.Barrier(threads + 1))
    pool = [threading.Thread(target=_client_thread, daemon=True,
                             args=(make_client, first_index + i, counter, total, events, barriers, results))
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
    result_queue.put(_merge(results, pool, cpu_end.user - cpu_start.user + cpu_end.system - cpu_start.system))


def _merge(results: list[dict], pool: list, cpu: float) -> dict:
    """The results of one process's threads, added up."""
    merged = {"latencies": [], "statuses": {}, "errors": {}, "receipts": [], "missing_receipts": 0, "setup_errors": [],
              "warmup_ok": sum(r["warmup_ok"] for r in results), "ran_out": sum(r["ran_out"] for r in results),
              "parts": max((r["setup"]["parts"] for r in results), default=0),
              "bytes": max((r["setup"]["bytes"] for r in results), default=0),
              "page_loads": sum(r["setup"]["page_loads"] for r in results)}
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
    merged["cpu_seconds"] = cpu
    return merged


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def run_submissions(server: Server, concurrency: int, total: int, time_cap: float, client_procs: int,
                    on_start=None, minimal: bool = False) -> dict:
    """One level of small reports: each client posts prebuilt submissions, a session for each."""
    sessions = 1 + math.ceil(SESSION_SLACK * total / concurrency)  # 1: the warm-up
    # One pool list for all: each forked client process gets its own copy, shared by its threads.
    make = partial(Submitter, server.port, sessions=sessions, pool=[], minimal=minimal)
    return run_clients(server, make, concurrency, total, time_cap, client_procs, on_start)


def run_clients(server: Server, make_client, concurrency: int, total: int, time_cap: float, client_procs: int,
                on_start=None) -> dict:
    """One level: `concurrency` clients `make_client(index)` taking `total` steps at most.

    `on_start()`, if given, runs once every client is set up, just before the start."""
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
                            args=(make_client, n, first, counter, total, (warm, go, deadline), ready_queue, result_queue),
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
        "body_parts": max(r["parts"] for r in results),
        "body_bytes": max(r["bytes"] for r in results),
        "attempted": counter.value,
        "responses": len(spans),
        "ok_200": ok,
        "warmup_ok_200": sum(r["warmup_ok"] for r in results),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "connection_errors": errors,
        "setup_errors": [e for r in results for e in r["setup_errors"]],
        "hung_threads": sum(r["hung_threads"] for r in results),
        "ran_out_of_sessions": sum(r["ran_out"] for r in results),
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
        "setup_page_loads": sum(r["page_loads"] for r in results),
        "form_page_cpu_ms": 1000 * forms_cpu / max(1, sum(r["page_loads"] for r in results)),
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
