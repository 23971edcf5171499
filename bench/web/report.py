"""The checks against the targets, and the text report (stderr)."""

import statistics

from common import log_checks, log

# Targets from the issue.
TARGET_SUBMISSIONS_PER_S = 200  # "hundreds per second on 2 cores", at every concurrency level
TARGET_WORKER_PEAK_MIB = 100  # gunicorn worker VmHWM during the biggest upload, less than
TARGET_WORKER_GROWTH_MIB = 16  # peak at the big upload minus peak at the small one, less than


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
    log_checks(result)
