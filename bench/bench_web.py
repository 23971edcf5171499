#!/usr/bin/env python3
"""End-to-end benchmark of the web intake under gunicorn, on loopback (127.0.0.1 only).

Run from the repository root (see bench/README.md for how to read the output):

    .venv/bin/python bench/bench_web.py                # default run, about 2 minutes on 2 cores
    .venv/bin/python bench/bench_web.py --quick        # about 20 seconds
    .venv/bin/python bench/bench_web.py --json > web.json

Every measurement runs against a fresh gunicorn, started the way production starts it
(-c python:intake.web.gunicorn_conf, gthread, INTAKE_WORKERS x INTAKE_THREADS) with a freshly
generated post-quantum identity, a data dir in a temporary folder and its own free port. The
settings printed are those each server logs at start (gunicorn's resolved workers, threads,
timeouts and the app's limits), checked against what the bench asked for and against the
worker processes counted in /proc.

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
  2. A reporter's cycle: `--cycle-clients` (16) clients, each step loading the form page in a
     new session, then posting the browser-like body with that page's token and cookie, until
     `--cycles` steps or `--time-cap`; just before, the same clients only load the page, 4 x
     `--cycles` times (a flood of page loads). The same against the baseline (a trivial page
     with a token, and a POST storing the same answers as a plain file, fsynced), sent the
     body built from our page. The runs repeat `--cycle-repeat` times, interleaved ours /
     baseline, each on a fresh server. Reported: cycles/s and page loads/s, server CPU per
     step, and the ratio ours / baseline of the medians; every stored file is checked against
     the receipts shown, as in 1. Then the CPU of one GET of the blank form in-process (Flask
     test client), from the page cache and rendered every time (as before it), per language.
  3. Large uploads: one report with one attachment of `--small-upload-mib` and of
     `--upload-mib` MiB, INTAKE_MAX_UPLOAD=2GB. The client streams the body from a generator
     (one 1 MiB block repeated, Content-Length set), so it never holds the upload. Reported:
     MiB/s and the peak RSS (VmHWM) of the gunicorn worker that handled it. The stored file
     is decrypted and the attachment's SHA-256 and size are checked.
  4. Baseline: the same uploads, same body, same gunicorn settings, into
     bench/web_baseline_app.py, which writes each file part to a plain file (no encryption,
     no ZIP, no form validation). Reported: MiB/s and the ratio ours / baseline.

Uploads run `--upload-repeat` times, interleaved; medians are reported. Temporary data and
every server are removed at the end, also on errors, Ctrl-C and SIGTERM.

Exit status is 0 whatever the result, unless --strict is given and a target is missed.
Needs only the project venv (and tests/live_server.py for the form answers).
"""

import argparse
import os
import platform
import shutil
import signal
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from common import finish, run_main, MIB, cpu_model, filesystem_of, log, proc_status_kib  # first: puts the repository on sys.path
from intake import age
from web.cycle import form_page, run_cycles, run_page_loads, verify_cycles
from web.load import run_submissions, verify_submissions
from web.pagecpu import measure_page_cpu
from web.report import TARGET_CYCLE_RATIO, TARGET_SUBMISSIONS_PER_S, evaluate, report
from web.server import Server, server_env, settings_mismatches
from web.upload import expected_digest, run_upload, verify_upload


def choose_tmpdir(args, need_bytes: int) -> Path:
    base = Path(args.tmpdir) if args.tmpdir else Path(tempfile.gettempdir())
    free = shutil.disk_usage(base).free
    if free < need_bytes:
        raise SystemExit(f"{base} has {free / MIB:.0f} MiB free; this run needs about {need_bytes / MIB:.0f} MiB (use --tmpdir)")
    return base


PAGE_LOADS_PER_CYCLE = 4  # page loads are cheap: more of them, for a measurable level


def run_reporter_cycles(args, new_server, result) -> None:
    """Page loads, then reporter cycles, at --cycle-clients, on a fresh server: ours, then the
    baseline (sent the body built from our form page), --cycle-repeat times. Each server is
    stopped and its files checked after."""
    page = None
    for repeat in range(args.cycle_repeat):
        for kind in ("ours", "baseline"):
            server = new_server(kind, server_env(args))
            page = page or form_page(server)  # ours, first: the body both servers are sent
            n = args.cycle_clients
            log(f"  cycles {repeat + 1}/{args.cycle_repeat}, {kind}: {n} clients loading the form page "
                f"{PAGE_LOADS_PER_CYCLE * args.cycles} times, then {args.cycles} reporters' cycles, "
                f"{args.time_cap:.0f} s at most each ...")
            loads = run_page_loads(server, n, PAGE_LOADS_PER_CYCLE * args.cycles, args.time_cap, args.client_procs)
            cycles = run_cycles(server, page, n, args.cycles, args.time_cap, args.client_procs, minimal=args.minimal_form)
            loads.pop("receipts")
            receipts = cycles.pop("receipts")
            server.stop()
            loads["server_log_problems"] = cycles["server_log_problems"] = server.log_problems()
            cycles["verify"] = verify_cycles(server, receipts)
            result["cycles"].append({"server": kind, "repeat": repeat, "concurrency": n, "page_loads": loads,
                                     "cycles": cycles})
            log(f"    page loads {loads['per_second']:.0f}/s, cycles {cycles['per_second']:.0f}/s, "
                f"{cycles['verify']['stored_files']} stored")
            shutil.rmtree(server.root, ignore_errors=True)


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
    parser.add_argument("--cycle-clients", type=int, default=16,
                        help="clients of the reporter-cycle and page-load levels (default 16)")
    parser.add_argument("--cycles", type=int,
                        help="cycles per server, and 4 x as many page loads (default 2000; --quick 300)")
    parser.add_argument("--cycle-repeat", type=int,
                        help="runs on each server, interleaved, medians reported (default 3; --quick 1)")
    parser.add_argument("--page-gets", type=int, help="in-process GETs per language (default 200; --quick 50)")
    parser.add_argument("--target-cycle-ratio", type=float, default=TARGET_CYCLE_RATIO,
                        help="cycles/s ours / baseline target (default 0.5)")
    parser.add_argument("--workers", type=int, help="INTAKE_WORKERS for every server (default: gunicorn_conf's)")
    parser.add_argument("--threads", type=int, help="INTAKE_THREADS for every server (default: gunicorn_conf's)")
    parser.add_argument("--tmpdir", help="where data dirs go (default: the system temp dir; /dev/shm makes fsync free)")
    parser.add_argument("--target-rps", type=float, default=TARGET_SUBMISSIONS_PER_S, help="submissions/s target (default 200)")
    parser.add_argument("--minimal-form", action="store_true",
                        help="send only the answered fields (as the tests do), not every control of the form page")
    parser.add_argument("--skip-submissions", action="store_true")
    parser.add_argument("--skip-cycles", action="store_true", help="no reporter cycles, page loads or in-process GETs")
    parser.add_argument("--skip-uploads", action="store_true")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout (the text goes to stderr)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    args.submissions = args.submissions or (300 if args.quick else 2000)
    args.time_cap = args.time_cap or (15.0 if args.quick else 60.0)
    args.cycles = args.cycles or (300 if args.quick else 2000)
    args.page_gets = args.page_gets or (50 if args.quick else 200)
    args.cycle_repeat = max(1, args.cycle_repeat or (1 if args.quick else 3))
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
    result = {
        "env": {
            "python": platform.python_version(),
            "gunicorn": version("gunicorn"), "flask": version("flask"), "werkzeug": version("werkzeug"),
            "cryptography": version("cryptography"),
            "cpus": os.cpu_count(), "cpu": cpu_model(), "data_fs": filesystem_of(base.resolve()),
            "server_settings": {},  # as the first server reported them (below)
        },
        "settings": {k: getattr(args, k) for k in ("quick", "concurrency", "submissions", "time_cap", "client_procs",
                                                   "upload_mib", "small_upload_mib", "upload_repeat", "minimal_form",
                                                   "target_rps", "cycle_clients", "cycles", "cycle_repeat", "page_gets",
                                                   "target_cycle_ratio", "workers", "threads")},
        "servers": [], "settings_problems": [], "submissions": [], "cycles": [], "uploads": [],
    }
    servers: list[Server] = []

    def new_server(kind, env):
        server = Server(kind, root / f"{len(servers):02d}-{kind}", env, identity if kind == "ours" else None)
        servers.append(server)
        server.start()
        # What it really runs with, read back from its log: compared with what was asked.
        result["servers"].append({"server": kind, **server.settings})
        result["settings_problems"] += settings_mismatches(server)
        if not result["env"]["server_settings"]:
            result["env"]["server_settings"] = server.settings
            log("  the server reports: " + " ".join(f"{k}={v}" for k, v in server.settings.items()))
        return server

    root = Path(tempfile.mkdtemp(prefix="bench-web-", dir=base))
    try:
        log(f"bench_web: data in {root} ({result['env']['data_fs']}), {os.cpu_count()} CPUs")
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
        if not args.skip_cycles:
            run_reporter_cycles(args, new_server, result)
            log(f"  in-process GETs of the form page: {args.page_gets} per language from the cache, "
                f"{max(5, args.page_gets // 10)} rendered ...")
            result["page_cpu"] = measure_page_cpu(identity, args.page_gets, max(5, args.page_gets // 10))
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
    return finish(result, args)


if __name__ == "__main__":
    run_main(main)
