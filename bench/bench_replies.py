"""The cost of one message lookup on the server: the key derivation a receipt code needs.

    .venv/bin/python bench/bench_replies.py [--runs 9]

Prints JSON: the CPU seconds of one derivation (median), its wall time, its ratio to the 0.3 s
budget per lookup (docs/operations.md), and, measured in the same run as a baseline, the CPU
of sealing one small report (10 KB) to a post-quantum recipient, with the lookup's cost as a
multiple of it. A lookup also reads and decrypts a mailbox file of a few KB: included.

    .venv/bin/python bench/bench_replies.py --flood [--submissions 200] [--lookups 1000]

Starts the real server (gunicorn, as bench/bench_web.py does; the submissions' flood limits
raised so that they never refuse one, the lookups' limits at their defaults) and, in the same
run, times N report submissions one after another with no lookups running (the baseline), then
submissions one after another for as long as `--lookups` wrong-code lookups, sent at once from
`--lookup-clients` processes, are being answered (how many is printed), and the same with as
many GETs of the messages page instead (the reference: a flood of requests that derive no key).
Prints JSON: median and p90 of each phase, their ratios to the baseline, the lookups' answers
(200: a key was derived; 429: refused first) and the server's CPU seconds in each phase. Every
report must be answered 200 with a receipt, and `stored` (files on the server) equal `sent`.
"""

import argparse
import json
import multiprocessing
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import log  # noqa: E402  (puts the repository on sys.path for web/)

from intake import age  # noqa: E402
from intake.receipt import new_receipt  # noqa: E402
from intake.replies import batch, content, store  # noqa: E402
from intake.replies.mailbox import derive  # noqa: E402
from intake.replies.reading import read_mailbox  # noqa: E402
from intake.store import Store  # noqa: E402

BUDGET = 0.3


def timed(fn, runs: int) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(runs):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


# --- --flood: real submissions while wrong-code lookups pour in ------------------------------------


def _messages_request(port: int, conn) -> bytes:
    """A wrong-code lookup as a browser posts it, with the session and token of a messages page."""
    from urllib3 import encode_multipart_formdata
    from web.client import CSRF_BYTES, session_cookie

    status, headers, body = conn.roundtrip(f"GET /messages HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    match = CSRF_BYTES.search(body)
    if status != 200 or not match:
        raise RuntimeError(f"messages page: status {status}, no token")
    body, content_type = encode_multipart_formdata([("csrf_token", match.group(1).decode()), ("receipt", new_receipt()),
                                                    ("action", "read")])
    return (f"POST /messages HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {session_cookie(headers)}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def _flood_client(port: int, count: int, kind: str, go, ready, results) -> None:
    """One attacker process: `count` requests as fast as they are answered. "lookups": each a
    lookup with a fresh wrong code; "pages": each a GET of the messages page (the reference)."""
    from web.client import RawConnection

    conn = RawConnection(port)
    page = f"GET /messages HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    requests = [_messages_request(port, conn) if kind == "lookups" else page for _ in range(count)]
    ready.put(kind)
    go.wait()
    statuses: dict = {}
    for request in requests:
        try:
            status = conn.roundtrip(request)[0]
        except (OSError, ValueError) as exc:
            status = type(exc).__name__
            conn.close()
        statuses[status] = statuses.get(status, 0) + 1
    results.put((statuses, time.monotonic()))


def _flood_phase(server, conn, requests: list, args, kind: str) -> dict:
    """Reports posted one after another for as long as `args.lookups` requests of `kind` pour in
    from `args.lookup_clients` processes (each prepares its requests before the start)."""
    ctx = multiprocessing.get_context("fork")
    go, ready, results = ctx.Event(), ctx.Queue(), ctx.Queue()
    clients = args.lookup_clients
    shares = [args.lookups // clients + (1 if i < args.lookups % clients else 0) for i in range(clients)]
    procs = [ctx.Process(target=_flood_client, args=(server.port, share, kind, go, ready, results), daemon=True)
             for share in shares]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=120)
    log(f"  {args.lookups} {kind} from {clients} processes, reports meanwhile ...")
    cpu = server.cpu_seconds()
    started = time.monotonic()
    go.set()
    times, finished, ended = [], [], []
    while len(ended) < clients:
        if not requests:
            raise RuntimeError("ran out of prepared reports")
        times.append(_submit_timed(server, conn, requests))
        finished.append(time.monotonic())
        while not results.empty() and len(ended) < clients:
            ended.append(results.get())
    cpu = server.cpu_seconds() - cpu
    for p in procs:
        p.join(10)
    statuses: dict = {}
    for answered, _end in ended:
        for status, count in answered.items():
            statuses[str(status)] = statuses.get(str(status), 0) + count
    flood_end = max(end for _s, end in ended)
    return {"reports": _summary(times), "statuses": statuses, "seconds": round(flood_end - started, 2),
            "server_cpu_s": round(cpu, 2),
            "reports_finished_after_it": sum(t > flood_end for t in finished)}  # the last one, at most


def _submit_timed(server, conn, requests: list) -> float:
    """POST one prebuilt report; its wall time. It must be stored (200 and a receipt)."""
    from web.client import RECEIPT

    start = time.perf_counter()
    status, _headers, body = conn.roundtrip(requests.pop())
    took = time.perf_counter() - start
    if status != 200 or not RECEIPT.search(body):
        raise RuntimeError(f"a report was answered {status}")
    return took


def _summary(times: list[float]) -> dict:
    from web.load import percentile

    ordered = sorted(times)
    return {"count": len(times), "median_ms": round(1000 * statistics.median(ordered), 2),
            "p90_ms": round(1000 * percentile(ordered, 0.90), 2), "max_ms": round(1000 * ordered[-1], 2)}


def flood(args) -> dict:
    from web.client import RawConnection, body_around_token, get_form, post_request
    from web.server import FLOOD_LIMITS_RAISED, Server

    n, warm = args.submissions, 10
    root = Path(tempfile.mkdtemp(prefix="bench-replies-"))
    server = Server("ours", root / "server", dict(FLOOD_LIMITS_RAISED), age.HybridIdentity.generate())
    try:
        server.start()
        conn = RawConnection(server.port)
        # Every session's request is built before any timing (a token serves one report).
        cookie, token, page = get_form(server.port, conn)
        boundary = "----bench" + secrets.token_hex(12)
        before, after, _parts = body_around_token(page, "flood", True, boundary)  # the one-POST path
        requests = []
        for _ in range(warm + n + 1000):
            cookie, token, _page = get_form(server.port, conn)
            requests.append(post_request(server.port, cookie, boundary, before + token.encode() + after))
        for _ in range(warm):
            _submit_timed(server, conn, requests)

        cpu = server.cpu_seconds()
        baseline = [_submit_timed(server, conn, requests) for _ in range(n)]
        baseline_cpu = server.cpu_seconds() - cpu

        lookups = _flood_phase(server, conn, requests, args, "lookups")
        pages = _flood_phase(server, conn, requests, args, "pages")
        conn.close()
        sent = warm + n + lookups["reports"]["count"] + pages["reports"]["count"]
    finally:
        server.stop()
        stored = len(server.submissions())
        shutil.rmtree(root, ignore_errors=True)
    base = _summary(baseline)
    ratio = lambda phase, key: round(phase["reports"][key] / base[key], 2)  # noqa: E731
    return {
        "reports_baseline": base, "baseline_server_cpu_s": round(baseline_cpu, 2),
        "during_lookup_flood": lookups, "during_page_flood": pages,
        "lookup_flood_median_ratio": ratio(lookups, "median_ms"), "lookup_flood_p90_ratio": ratio(lookups, "p90_ms"),
        "page_flood_median_ratio": ratio(pages, "median_ms"), "page_flood_p90_ratio": ratio(pages, "p90_ms"),
        "requests_per_flood": args.lookups, "flood_clients": args.lookup_clients,
        "stored": stored, "sent": sent,
        "server_settings": {k: server.settings.get(k) for k in ("workers", "threads", "INTAKE_LOOKUP_RATE", "INTAKE_LOOKUP_BURST")},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--flood", action="store_true", help="real submissions while wrong-code lookups pour in (a real server)")
    parser.add_argument("--submissions", type=int, default=200, help="--flood: reports timed in each phase (default 200)")
    parser.add_argument("--lookups", type=int, default=1000, help="--flood: wrong-code lookups (default 1000)")
    parser.add_argument("--lookup-clients", type=int, default=8, help="--flood: processes sending them (default 8)")
    args = parser.parse_args()
    if args.flood:
        print(json.dumps(flood(args), indent=1))
        return
    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Store(Path(tmp) / "data")
        data_dir.prepare()
        code = new_receipt()
        mailbox = derive(code)
        plaintext = content.encode(content.MailboxContent("needs-info", (content.Message("2026-12-07", "x" * 2000),)))
        batch.write_batch_dir(Path(tmp) / "batch", batch.new_batch_id(),
                              [batch.Entry(mailbox.id, age.encrypt_bytes([mailbox.recipient], plaintext))])
        store.deliver_dir(data_dir, Path(tmp) / "batch")
        lookup_cpu, lookup_wall = timed(lambda: read_mailbox(data_dir, code), runs)
        wrong_cpu, _ = timed(lambda: read_mailbox(data_dir, new_receipt()), runs)
    recipient = age.HybridIdentity.generate().recipient()
    report = b"r" * 10_000
    seal_cpu, _ = timed(lambda: age.encrypt_bytes([recipient], report), max(runs, 50))
    print(json.dumps({
        "lookup_cpu_s": round(lookup_cpu, 4), "lookup_wall_s": round(lookup_wall, 4), "wrong_code_cpu_s": round(wrong_cpu, 4),
        "lookup_to_budget_ratio": round(lookup_cpu / BUDGET, 3), "budget_s": BUDGET,
        "baseline_seal_10kb_cpu_s": round(seal_cpu, 5), "lookup_to_seal_ratio": round(lookup_cpu / seal_cpu, 1),
        "runs": runs,
    }, indent=1))


if __name__ == "__main__":
    main()
