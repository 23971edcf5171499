"""The desk benchmark's checks against the targets, and its text report (stderr)."""

from common import log_checks, log

TARGET_LIST_SECONDS = 5.0  # "list 10,000 cases in a few seconds": wall time of the whole command
TARGET_LIST_PEAK_MIB = 500  # peak RSS of `list` at the largest size, less than


def evaluate(result: dict) -> None:
    checks = {}
    gen = result["generate"]
    for imp in result["imports"]:
        ok = imp["returncode"] == 0 and imp["imported"] == imp["files"] and imp["quarantined"] == 0
        checks[f"import_batch{imp['batch']}"] = {
            "value": f"{imp['imported']}/{imp['files']} imported, {imp['quarantined']} quarantined, exit {imp['returncode']}",
            "target": "every file imported, none quarantined", "pass": ok}
    for size in result["sizes"]:
        v = size["verify"]
        ok = (v["rows"] == v["expected_rows"] and v["unknown_ids"] == 0 and v["missing_ids"] == 0
              and v["links_wrong"] == 0 and v["links_found"] == v["links_expected"] and v["commands_failed"] == 0)
        checks[f"list_complete_{size['cases']}"] = {
            "value": f"{v['rows']}/{v['expected_rows']} rows, {v['missing_ids']} missing, {v['unknown_ids']} unknown, "
                     f"follow-ups linked {v['links_found']}/{v['links_expected']} ({v['links_wrong']} wrong), "
                     f"{v['commands_failed']} failed runs",
            "target": "every case once, every follow-up linked to the report it quotes", "pass": ok}
    big = result["sizes"][-1]
    for name in ("list_json", "list_table"):
        seconds = big["runs"][name]["median_s"]
        checks[f"{name}_seconds"] = {"value": round(seconds, 2), "target": f"<= {TARGET_LIST_SECONDS:g} at {big['cases']} cases",
                                     "pass": seconds <= TARGET_LIST_SECONDS}
    peak = max(big["runs"][name]["peak_mib"] for name in ("list_json", "list_table"))
    checks["list_peak_mib"] = {"value": round(peak, 1), "target": f"< {TARGET_LIST_PEAK_MIB} at {big['cases']} cases",
                               "pass": peak < TARGET_LIST_PEAK_MIB}
    if "show" in big["runs"]:
        show = big["runs"]["show"]
        checks["show_ok"] = {"value": f"{show['ok_runs']}/{show['count']} runs", "target": "exit 0, the case and its attachments shown",
                             "pass": show["ok_runs"] == show["count"]}
    checks["generated"] = {"value": f"{gen['files']} files", "target": f"{result['settings']['count']}",
                           "pass": gen["files"] == result["settings"]["count"]}
    result["checks"] = checks
    result["result"] = "PASS" if all(c["pass"] for c in checks.values()) else "FAIL"


def _run_line(name: str, r: dict) -> str:
    each = ", ".join(f"{s:.2f}" for s in r["seconds_each"])
    return (f"  {name:<11} {r['median_s']:>7.2f} s  ({each})  peak {r['peak_mib']:>6.1f} MiB  "
            f"CPU {r['cpu_s']:.2f} s  out {r['stdout_mib']:.1f} MiB")


def report(result: dict) -> None:
    env, gen, s = result["env"], result["generate"], result["settings"]
    log()
    log(f"Staff desk benchmark: Python {env['python']}, {env['cpus']} CPUs ({env['cpu']}); temp data on {env['data_fs']}")
    floor = max(r["wrapper_floor_mib"] for size in result["sizes"] for r in size["runs"].values())
    log(f"Identity: a fresh unprotected post-quantum (mlkem768x25519) key; every command is a fresh process "
        f"({env['command']}); peak = its ru_maxrss under a fork+exec wrapper (floor {floor:.1f} MiB)")
    log()
    log(f"Generated {gen['files']} submissions in {gen['seconds']:.1f} s ({gen['per_second']:.0f}/s, {s['processes']} processes): "
        f"{gen['reports']} reports, {gen['follow_ups']} follow-ups ({gen['follow_ups_known']} quoting an earlier receipt, "
        f"{gen['follow_ups'] - gen['follow_ups_known']} an unknown one), {gen['with_attachments']} with "
        f"{gen['attachments']} attachments; {gen['source_mib']:.1f} MiB of ciphertext")
    log("  (real ReportForm/FollowUpForm validation + build_report, Envelope, Store.publish; no HTTP)")
    log()
    log("Import (intake import --vault V -i KEY SRC), one run each:")
    for imp in result["imports"]:
        log(f"  batch {imp['batch']}: {imp['files']} files into a vault of {imp['cases_before']}: {imp['seconds']:.1f} s "
            f"({imp['per_second']:.0f} files/s), peak {imp['peak_mib']:.1f} MiB, CPU {imp['cpu_s']:.1f} s; "
            f"{imp['imported']} imported, {imp['duplicate']} duplicate, {imp['quarantined']} quarantined")
    for size in result["sizes"]:
        log()
        st = size["state"]
        log(f"At {size['cases']} cases: state.age {st['state_age_mib']:.1f} MiB, plaintext {st['plaintext_mib']:.1f} MiB "
            f"({st['plaintext_kib_per_case']:.1f} KiB per case), {st['audit_entries']} audit entries. "
            f"Median of {size['rounds']} run(s), wall time of the whole process:")
        for name in ("startup", "baseline", "list_json", "list_table", "show"):
            if name in size["runs"]:
                log(_run_line(name, size["runs"][name]))
        b = size["baseline_parts"]
        log(f"  baseline = python start-up + `from intake import age` + identity {b['identity_s']:.2f} s "
            f"+ decrypt {b['decrypt_s']:.2f} s + json.loads {b['parse_s']:.2f} s (medians, in the child); "
            f"its VmHWM read in the child: {b['vmhwm_in_child_mib']:.1f} MiB")
        log(f"  ratio list json / baseline: {size['ratios']['list_json_vs_baseline']:.1f}; "
            f"table / baseline: {size['ratios']['list_table_vs_baseline']:.1f}")
    m = result["memory"]
    log()
    log(f"Memory of list (json): {m['small_peak_mib']:.1f} MiB at {m['small_cases']} cases, {m['big_peak_mib']:.1f} MiB at "
        f"{m['big_cases']}: {m['mib_per_1000_cases']:.1f} MiB per 1,000 cases "
        f"(state plaintext: {m['plaintext_mib_per_1000_cases']:.1f} MiB per 1,000 cases)")
    st = result.get("stages")
    if st:
        log()
        log(f"Where list's time goes (bench/desk/stages.py: the same calls, timed one by one, {st['cases']} cases):")
        for key, label in (("import_modules_s", "python imports (intake.desk, cli)"), ("identity_s", "load the identity"),
                           ("decrypt_s", "age-decrypt state.age"), ("json_loads_s", "json.loads"),
                           ("from_json_s", "VaultState.from_json"), ("load_rules_s", "load + compile the rules (once)"),
                           ("select_rows_s", "views.select_rows (what list runs), of which:"),
                           ("evaluate_all_s", "  rules.evaluate, every case"), ("summaries_s", "  views.summary, every case"),
                           ("json_dumps_s", "json.dumps of the rows (--format json)"), ("format_table_s", "format_table")):
            log(f"  {label:<62} {st[key]:>7.3f} s")
        pc = st["evaluate_per_case_ms"]
        log(f"  rules.evaluate per case: mean {pc['mean']:.2f} ms, p50 {pc['p50']:.2f}, p99 {pc['p99']:.2f}, max {pc['max']:.2f}")
        log(f"  rules._fold runs {st['fold_calls_per_case']:.0f} times per case on {st['fold_chars_per_case'] / 1000:.0f}k "
            f"characters; a case has {st['distinct_strings_per_case']:.0f} distinct non-empty strings "
            f"(sample of {st['diagnostic_sample']} cases)")
        log(f"  views.select_rows with _fold memoised (experiment, nothing in intake/ changed): "
            f"{st['select_rows_fold_cached_s']:.3f} s instead of {st['select_rows_s']:.3f} s")
    prof = result.get("profile")
    if prof:
        log()
        log(f"cProfile of `intake list --format json` at {prof['cases']} cases ({prof['profiled_seconds']:.2f} s profiled; "
            f"the profiler slows Python code more than C code):")
        for p in prof["parts"]:
            log(f"  {p['part']:<62} {p['seconds']:>7.2f} s {100 * p['share']:>5.1f}%  {p['calls']:>10} calls")
        log("  top functions by own time:")
        for f in prof["top_by_own_time"]:
            log(f"    {f['tottime']:>7.2f} s own {f['cumtime']:>7.2f} s cum {f['calls']:>10}  {f['function']}")
    log_checks(result)
