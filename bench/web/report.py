"""The checks against the targets, and the text report (stderr)."""

import statistics

from common import log_checks, log

# Targets from the issue.
TARGET_SUBMISSIONS_PER_S = 200  # "hundreds per second on 2 cores", at every concurrency level
TARGET_WORKER_PEAK_MIB = 100  # gunicorn worker VmHWM during the biggest upload, less than
TARGET_WORKER_GROWTH_MIB = 16  # peak at the big upload minus peak at the small one, less than
TARGET_CYCLE_RATIO = 0.5  # a reporter's GET+POST cycles per second, ours / baseline, at least
TARGET_PAGE_CPU_MS = 5.0  # server CPU per GET of the blank form page, less than


def _zero_lost(run: dict) -> dict:
    v = run["verify"]
    answered = run["ok_200"] + run["warmup_ok_200"]  # every 200 the clients saw, warm-up included
    lost = (v["stored_files"] != answered or v["decrypted_with_report"] != v["stored_files"]
            or v["shown_not_stored"] or v["stored_not_shown"] or run["missing_receipts"]
            or v["receipts_shown_unique"] != answered or v["pending_left"])
    return {"value": f"{v['stored_files']} files, {answered} x 200, {v['decrypted_with_report']} decrypted, "
                     f"receipts {v['receipts_stored_unique']} stored / {v['receipts_shown_unique']} shown",
            "target": "files = 200s = decrypted = receipts", "pass": not lost}


def _all_ok(run: dict) -> dict:
    failed = run["responses"] - run["ok_200"] + sum(run["connection_errors"].values()) + len(run["setup_errors"])
    return {"value": failed, "target": "0 non-200 or failed requests", "pass": failed == 0}


def server_cpu_ms_each(run: dict) -> float:
    """Server CPU ms per answered step (a submission, a page load, a cycle)."""
    return 1000 * run["server_cpu_seconds"] / run["ok_200"] if run["ok_200"] else float("nan")


def _evaluate_cycles(result: dict, args, checks: dict) -> None:
    runs = {}  # server -> its runs, every repeat
    for c in result["cycles"]:
        runs.setdefault(c["server"], []).append(c)
    for kind, each in runs.items():
        n = each[0]["concurrency"]
        for step in ("cycles", "page_loads"):
            checks[f"all_ok_{step}_{kind}_c{n}"] = _all_ok_runs([c[step] for c in each])
        lost = [_zero_lost(c["cycles"]) for c in each]
        checks[f"zero_lost_cycles_{kind}_c{n}"] = {"value": "; ".join(str(x["value"]) for x in lost),
                                                   "target": lost[0]["target"], "pass": all(x["pass"] for x in lost)}
    summary = {kind: {step: {"per_second": statistics.median(c[step]["per_second"] for c in each),
                             "server_cpu_ms": statistics.median(server_cpu_ms_each(c[step]) for c in each)}
                      for step in ("cycles", "page_loads")}
               for kind, each in runs.items()}
    result["cycle_summary"] = summary
    if "ours" in summary:
        n = runs["ours"][0]["concurrency"]
        page_ms = summary["ours"]["page_loads"]["server_cpu_ms"]
        checks[f"page_load_cpu_ms_c{n}"] = {"value": round(page_ms, 2), "target": f"< {TARGET_PAGE_CPU_MS:g}",
                                            "pass": page_ms < TARGET_PAGE_CPU_MS}
    if {"ours", "baseline"} <= set(summary):
        ours, base = summary["ours"], summary["baseline"]
        ratios = {step: ours[step]["per_second"] / base[step]["per_second"] if base[step]["per_second"] else 0.0
                  for step in ("cycles", "page_loads")}
        ratios["cycle_server_cpu"] = base["cycles"]["server_cpu_ms"] / ours["cycles"]["server_cpu_ms"]
        result["cycle_ratios"] = ratios
        checks[f"cycle_ratio_c{n}"] = {
            "value": round(ratios["cycles"], 3), "target": f">= {args.target_cycle_ratio:g}",
            "pass": ratios["cycles"] >= args.target_cycle_ratio}


def _all_ok_runs(runs: list[dict]) -> dict:
    failed = [_all_ok(r)["value"] for r in runs]
    return {"value": sum(failed), "target": "0 non-200 or failed requests", "pass": not any(failed)}


def _evaluate_page_cpu(result: dict, checks: dict) -> None:
    cpu = result.get("page_cpu")
    if cpu:
        worst = max(cpu["cached"].values())
        checks["form_page_get_cpu_ms"] = {"value": round(worst, 2), "target": f"< {TARGET_PAGE_CPU_MS:g} (every language)",
                                          "pass": worst < TARGET_PAGE_CPU_MS}


GUNICORN_SETTINGS = ("worker_class", "workers", "threads", "timeout", "keepalive")  # the same for every server


def _settings_check(result: dict) -> dict:
    problems = list(result["settings_problems"])
    seen = {tuple(s.get(k) for k in GUNICORN_SETTINGS) for s in result["servers"]}
    if len(seen) > 1:
        problems.append(f"the servers ran different gunicorn settings: {sorted(seen, key=str)}")
    return {"value": "; ".join(problems) or f"{len(result['servers'])} servers as asked, all alike",
            "target": "what each server reports = what the bench asked, workers counted", "pass": not problems}


def evaluate(result: dict, args) -> None:
    checks = {"server_settings_as_asked": _settings_check(result)}
    for run in result["submissions"]:
        c = run["concurrency"]
        checks[f"submissions_per_s_c{c}"] = {"value": round(run["per_second"], 1), "target": f">= {args.target_rps:g}",
                                             "pass": run["per_second"] >= args.target_rps}
        checks[f"zero_lost_c{c}"] = _zero_lost(run)
        checks[f"all_ok_c{c}"] = _all_ok(run)
    _evaluate_cycles(result, args, checks)
    _evaluate_page_cpu(result, checks)
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
    log(f"Web intake benchmark: Python {env['python']}, gunicorn {env['gunicorn']} ({s.get('worker_class')}, "
        f"{s.get('workers')} workers x {s.get('threads')} threads, as the servers reported), Flask {env['flask']}, "
        f"Werkzeug {env['werkzeug']}")
    log(f"{env['cpus']} CPUs ({env['cpu']}), shared by the server and the load generator; data on {env['data_fs']}")
    log("Settings the first server logged at start: " + " ".join(f"{k}={v}" for k, v in s.items()))
    if result["submissions"]:
        log()
        first = result["submissions"][0]
        log(f"Small reports: {first['body_parts']}-part multipart bodies of {first['body_bytes']} bytes "
            f"({'answered fields only' if args.minimal_form else 'every control of the form page, as a browser sends it'}, "
            f"no file chosen);")
        log("each client thread has its own keep-alive connection; every submission has its own session (cookie, CSRF")
        log("token), loaded before the start, since a token serves one submission:")
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
            per = server_cpu_ms_each(r)
            log(f"{r['concurrency']:>7} {r['ok_200'] + r['warmup_ok_200']:>6} {v['stored_files']:>6} "
                f"{v['decrypted_with_report']:>9} "
                f"{v['receipts_stored_unique']:>10}/{v['receipts_shown_unique']:<10} {v['pending_left']:>7}  {per:>13.2f}  "
                f"{r['form_page_cpu_ms']:>9.2f}  {r['worker_cpu_seconds']}, {r['worker_peak_mib']}")
            if r["time_capped"]:
                log(f"         time cap of {args.time_cap:g} s reached after {r['attempted']} submissions")
            if r["connection_errors"] or r["setup_errors"] or r["hung_threads"]:
                log(f"         errors: {r['connection_errors']} setup: {r['setup_errors'][:3]} hung threads: {r['hung_threads']}")
            if r["ran_out_of_sessions"]:
                log(f"         {r['ran_out_of_sessions']} client(s) stopped early: their process used up its sessions")
            if v["undecryptable"]:
                log(f"         undecryptable: {v['undecryptable']}")
    _report_cycles(result, args)
    _report_page_cpu(result)
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
    problems += [(f"cycles {c['server']} run {c['repeat'] + 1}", c["cycles"].get("server_log_problems", []))
                 for c in result["cycles"]]
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


def _report_cycles(result: dict, args) -> None:
    if not result["cycles"]:
        return
    first = result["cycles"][0]
    cycles = first["cycles"]
    log()
    log(f"A reporter's cycle, {first['concurrency']} clients: each step loads the form page in a new session, then "
        f"posts the answers ({cycles['body_parts']} parts, about {cycles['body_bytes']} bytes plus the token) with "
        "that page's token and cookie;")
    log("the baseline serves a trivial page with a token, and stores the same answers as a plain file (fsynced).")
    log("Page loads: the same GET alone, again and again, on the same server just before. A fresh server per run:")
    log(f"{'run':>3} {'server':<9} {'step':<10} {'sent':>6} {'200':>6} {'other':>5} {'errs':>4} {'sec':>6} {'per s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'server CPU ms':>13} {'server':>7} {'clients':>7} {'other':>6} "
        f"{'idle':>5}")
    for c in result["cycles"]:
        for step in ("page_loads", "cycles"):
            _log_cycle_row(c, step)
        v = c["cycles"]["verify"]
        log(f"{'':>3} {'':<9} stored {v['stored_files']} files, {v['decrypted_with_report']} "
            f"{'decrypted' if c['server'] == 'ours' else 'readable'}, receipts {v['receipts_stored_unique']} stored / "
            f"{v['receipts_shown_unique']} shown, {v['pending_left']} pending")
    log("  (server CPU ms = per answered step; the CPU columns as in the small reports' table)")
    for kind, steps in result.get("cycle_summary", {}).items():
        log(f"  {kind} medians: " + ", ".join(f"{step.replace('_', ' ')} {m['per_second']:.0f}/s at "
                                              f"{m['server_cpu_ms']:.2f} ms server CPU" for step, m in steps.items()))
    ratios = result.get("cycle_ratios")
    if ratios:
        log(f"  ratio ours / baseline (medians): cycles per second {ratios['cycles']:.2f} "
            f"(target >= {args.target_cycle_ratio:g}), page loads per second {ratios['page_loads']:.2f}; "
            f"server CPU per cycle, baseline / ours {ratios['cycle_server_cpu']:.2f}")


def _log_cycle_row(c: dict, step: str) -> None:
    r = c[step]
    cores = r["machine_busy_seconds"] + r["machine_idle_seconds"] or 1.0
    other = max(0.0, r["machine_busy_seconds"] - r["server_cpu_seconds"] - r["client_cpu_seconds"])
    log(f"{c['repeat'] + 1:>3} {c['server']:<9} {step.replace('_', ' '):<10} {r['responses']:>6} {r['ok_200']:>6} "
        f"{r['responses'] - r['ok_200']:>5} {sum(r['connection_errors'].values()):>4} {r['seconds']:>6.1f} "
        f"{r['per_second']:>7.0f} {r['latency_ms']['p50']:>7.1f} {r['latency_ms']['p95']:>7.1f} "
        f"{r['latency_ms']['p99']:>7.1f} {server_cpu_ms_each(r):>13.2f} "
        f"{100 * r['server_cpu_seconds'] / cores:>6.0f}% {100 * r['client_cpu_seconds'] / cores:>6.0f}% "
        f"{100 * other / cores:>5.0f}% {100 * r['machine_idle_seconds'] / cores:>4.0f}%")
    if r["connection_errors"] or r["setup_errors"] or r["hung_threads"]:
        log(f"{'':>3} {'':<9} errors: {r['connection_errors']} setup: {r['setup_errors'][:3]} "
            f"hung threads: {r['hung_threads']}")


def _report_page_cpu(result: dict) -> None:
    cpu = result.get("page_cpu")
    if not cpu:
        return
    codes = list(cpu["cached"])
    log()
    log(f"One GET of the blank report form in-process (Flask test client, a new session each), CPU ms: "
        f"served from the page cache ({cpu['gets']} GETs), rendered every time as before it ({cpu['renders']} GETs):")
    log(f"{'':<10}" + "".join(f"{code:>9}" for code in codes))
    for kind in ("cached", "rendered"):
        log(f"{kind:<10}" + "".join(f"{cpu[kind][code]:>9.2f}" for code in codes))
