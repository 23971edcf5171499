#!/usr/bin/env python3
"""Benchmark of the staff desk: import, list and show on a vault of 10,000 cases.

Run from the repository root (see bench/README.md for how to read the output):

    .venv/bin/python bench/bench_desk.py                 # 10,000 submissions (10-12 minutes while list is slow)
    .venv/bin/python bench/bench_desk.py --quick         # 1,000 submissions, one run each (40-60 s)
    .venv/bin/python bench/bench_desk.py --json > desk.json

  1. Generates `--count` submission files with the real web code (form validation,
     build_report, Envelope, Store.publish; see desk/generate.py), encrypted to a freshly
     generated, unprotected post-quantum identity: reports in English and Chinese with one to
     three incidents, some with attachments, some follow-ups quoting earlier receipts. The
     first tenth go into one folder, the rest into another (two USB sticks).
  2. Imports the first folder into a new vault with the real command line, in a fresh process
     (`python -m intake import --vault V -i KEY SRC`), then times `intake list --format json`,
     `intake list` (table) and a baseline (decrypt state.age and json.loads it, nothing more),
     `--repeat` times each, interleaved.
  3. Imports the second folder, and times the same at the full size, plus `intake show` of one
     case with attachments and a follow-up.
  4. Breaks list's time down (desk/stages.py), and profiles it with cProfile when it misses
     its target (or with --profile).

Every command is its own process; wall time and peak RSS (os.wait4's ru_maxrss, i.e. the
child's VmHWM) are per process. The lists are checked: every case once, and every follow-up
linked to the report whose receipt it quotes. Temporary data (keys included) is removed at the
end, also on errors, Ctrl-C and SIGTERM. Exit status is 0 whatever the result, unless --strict
is given and a target is missed.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import finish, run_main, MIB, cpu_model, filesystem_of, log  # first: puts the repository on sys.path
from desk import generate, measure
from desk.report import TARGET_LIST_SECONDS, evaluate, report
from intake import age
from intake.desk.case_ids import case_id_for, file_digest

IMPORT_SUMMARY = re.compile(r"intake: (\d+) imported, (\d+) already in the vault, (\d+) quarantined")


def summarise(runs: list[dict]) -> dict:
    return {"count": len(runs), "median_s": statistics.median(r["seconds"] for r in runs),
            "seconds_each": [round(r["seconds"], 3) for r in runs], "peak_mib": max(r["peak_mib"] for r in runs),
            "cpu_s": statistics.median(r["cpu_user_s"] + r["cpu_system_s"] for r in runs),
            "stdout_mib": max(r["stdout_bytes"] for r in runs) / MIB, "failed": sum(r["returncode"] != 0 for r in runs),
            "wrapper_floor_mib": max(r["wrapper_floor_mib"] for r in runs),
            "stderr_tail": next((r["stderr_tail"] for r in runs if r["returncode"] != 0), [])}


def run_import(work: Path, key: Path, vault: Path, source: Path, batch: int, files: int, cases_before: int) -> dict:
    r = measure.run(measure.intake("import", "--vault", vault, "-i", key, source), work / f"import-{batch}.out")
    match = IMPORT_SUMMARY.search("\n".join(r["stderr_tail"]))
    imported, duplicate, quarantined = (int(x) for x in match.groups()) if match else (0, 0, -1)
    return {"batch": batch, "files": files, "cases_before": cases_before, "seconds": r["seconds"],
            "per_second": files / r["seconds"], "peak_mib": r["peak_mib"], "cpu_s": r["cpu_user_s"] + r["cpu_system_s"],
            "returncode": r["returncode"], "imported": imported, "duplicate": duplicate, "quarantined": quarantined,
            "stderr_tail": r["stderr_tail"]}


def measure_size(work: Path, key: Path, vault: Path, items, case_ids, repeat: int, budget: float, show: tuple | None) -> dict:
    """Time list (json, table), the baseline, `intake --help` and maybe show, interleaved; check the lists.

    Up to `repeat` rounds, but no new round once `budget` seconds have gone (a list that takes
    minutes is measured once).
    """
    present = {case_ids[i] for i in range(len(items)) if (vault / "submissions" / f"{case_ids[i]}.age").exists()}
    commands = {"startup": measure.intake("--help"), "baseline": measure.baseline(key, vault),
                "list_json": measure.intake("list", "--vault", vault, "-i", key, "--format", "json"),
                "list_table": measure.intake("list", "--vault", vault, "-i", key)}
    show_case, show_attachments = show or (None, False)
    if show_case:
        commands["show"] = measure.intake("show", "--vault", vault, "-i", key, show_case)
    runs = {name: [] for name in commands}
    parts, rows, failed, shown_ok = [], None, 0, 0
    started = time.monotonic()
    rounds = 0
    for n in range(repeat):
        if n and time.monotonic() - started > budget:
            break
        rounds += 1
        for name, argv in commands.items():
            out = work / f"{name}-{len(present)}-{n}.out"
            r = measure.run(argv, out)
            runs[name].append(r)
            failed += r["returncode"] != 0
            if r["returncode"] == 0 and name == "baseline":
                parts.append(json.loads(out.read_text()))
            elif r["returncode"] == 0 and name == "list_json":
                rows = json.loads(out.read_text())
            elif r["returncode"] == 0 and name == "show":
                text = out.read_text()
                shown_ok += f"Case {show_case}" in text and ("attachments/" in text or not show_attachments)
            out.unlink()
    summary = {name: summarise(r) for name, r in runs.items()}
    if "show" in summary:
        summary["show"]["ok_runs"] = shown_ok
    by_id = {row["id"]: row for row in rows or []}
    expected_links = {case_ids[i]: case_ids[item.quotes_index] for i, item in enumerate(items)
                      if item.kind == "follow-up" and item.quotes_index is not None
                      and case_ids[i] in present and case_ids[item.quotes_index] in present}
    verify = {"rows": len(rows or []), "expected_rows": len(present), "missing_ids": len(present - by_id.keys()),
              "unknown_ids": len(by_id.keys() - present), "links_expected": len(expected_links),
              "links_found": sum(by_id.get(f, {}).get("follow_up_of") == o for f, o in expected_links.items()),
              "links_wrong": sum(1 for f, row in by_id.items() if row.get("follow_up_of") and expected_links.get(f) != row["follow_up_of"]),
              "commands_failed": failed}
    b = {k: statistics.median(p[k] for p in parts) for k in ("identity_s", "decrypt_s", "parse_s")} if parts else \
        {"identity_s": float("nan"), "decrypt_s": float("nan"), "parse_s": float("nan")}
    b["vmhwm_in_child_mib"] = max(p["vmhwm_kib"] for p in parts) / 1024 if parts else float("nan")
    plaintext = parts[-1]["plaintext_bytes"] if parts else 0
    state = {"state_age_mib": (vault / "state.age").stat().st_size / MIB, "plaintext_mib": plaintext / MIB,
             "plaintext_kib_per_case": plaintext / 1024 / max(len(present), 1),
             "audit_entries": parts[-1]["audit_entries"] if parts else 0}
    base = summary["baseline"]["median_s"]
    ratios = {f"{name}_vs_baseline": summary[name]["median_s"] / base for name in ("list_json", "list_table")}
    return {"cases": len(present), "rounds": rounds, "runs": summary, "baseline_parts": b, "state": state, "ratios": ratios, "verify": verify}


def run_stages(work: Path, key: Path, vault: Path) -> dict | None:
    out = work / "stages.out"
    r = measure.run(measure.stages(key, vault), out)
    if r["returncode"]:
        log(f"    stages failed: {r['stderr_tail']}")
        return None
    return json.loads(out.read_text())


def run_profile(work: Path, key: Path, vault: Path, cases: int) -> dict | None:
    prof = work / "list.prof"
    measure.run(measure.profile(key, vault, prof), work / "profile.out")
    if not prof.exists():
        return None
    analysis = measure.analyse_profile(prof)
    prof.unlink()
    return {"cases": cases, **analysis}


def pick_show_case(items, case_ids) -> tuple[str, bool]:
    """A report with attachments that a follow-up quotes, if there is one; and whether it has attachments."""
    quoted = {item.quotes_index for item in items if item.quotes_index is not None}
    best = min(range(len(items)), key=lambda i: (not items[i].attachments, i not in quoted, items[i].kind != "report"))
    return case_ids[best], bool(items[best].attachments)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, help="submissions to generate and import (default 10000; --quick 1000)")
    parser.add_argument("--quick", action="store_true",
                        help="1,000 submissions, one run of each command, list's steps timed at 100 cases")
    parser.add_argument("--small", type=int, help="size of the first batch, where list is measured too (default count/10)")
    parser.add_argument("--repeat", type=int, help="runs of each list/show/baseline, medians reported (default 3; --quick 1)")
    parser.add_argument("--budget", type=float, default=120,
                        help="seconds per vault size after which no new round of runs starts (default 120)")
    parser.add_argument("--processes", type=int, default=generate.default_processes(),
                        help="processes that generate the submissions (default: one per CPU)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated answers (default 1)")
    parser.add_argument("--tmpdir", help="where the temporary folders go (default: the system temp dir)")
    parser.add_argument("--profile", action="store_true", help="profile list with cProfile even when it meets its target")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout (the text goes to stderr)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    args.count = args.count or (1000 if args.quick else 10_000)
    if args.count < 2:
        parser.error("--count must be at least 2")
    args.small = min(args.count, args.small or max(1, args.count // 10))
    args.repeat = max(1, args.repeat or (1 if args.quick else 3))

    def _interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    started = time.monotonic()
    base = Path(args.tmpdir) if args.tmpdir else Path(tempfile.gettempdir())
    need = args.count * 100 * 1024 + 256 * MIB  # source + vault copy + states, with room to spare
    if shutil.disk_usage(base).free < need:
        raise SystemExit(f"{base} has {shutil.disk_usage(base).free / MIB:.0f} MiB free; this run needs about {need / MIB:.0f} MiB")
    root = Path(tempfile.mkdtemp(prefix="bench-desk-", dir=base))
    result = {"env": {"python": platform.python_version(), "cpus": os.cpu_count(), "cpu": cpu_model(),
                      "data_fs": filesystem_of(root.resolve()), "command": f"{Path(sys.executable).name} -m intake ..."},
              "settings": {k: getattr(args, k) for k in ("count", "small", "repeat", "processes", "seed", "quick")}}
    try:
        log(f"bench_desk: temporary data in {root} ({result['env']['data_fs']}), {args.count} submissions")
        identity = age.HybridIdentity.generate()
        key = root / "staff-key.txt"
        key.touch(mode=0o600)
        key.write_text(age.identity_file_text([identity]))
        recipients = root / "recipients.txt"
        recipients.write_text(f"{identity.recipient()}\n")
        vault, work = root / "vault", root / "work"
        work.mkdir()
        sources = [root / "usb-1", root / "usb-2"]

        log(f"  generating {args.count} submissions with {args.processes} processes ...")
        t = time.perf_counter()
        items = generate.plan(args.count, args.small, args.seed)
        paths = generate.generate(items, sources, recipients, root / "web-data", args.processes)
        seconds = time.perf_counter() - t
        case_ids = [case_id_for(file_digest(p)) for p in paths]
        follow_ups = [i for i in items if i.kind == "follow-up"]
        result["generate"] = {
            "files": len(paths), "seconds": seconds, "per_second": len(paths) / seconds,
            "reports": len(items) - len(follow_ups), "follow_ups": len(follow_ups),
            "follow_ups_known": sum(i.quotes_index is not None for i in follow_ups),
            "with_attachments": sum(bool(i.attachments) for i in items), "attachments": sum(len(i.attachments) for i in items),
            "source_mib": sum(p.stat().st_size for p in paths) / MIB}
        show = pick_show_case(items, case_ids)

        result["imports"], result["sizes"] = [], []
        batches = [(n, source, sum(i.batch == n - 1 for i in items)) for n, source in enumerate(sources, 1)]
        batches = [b for b in batches if b[2]]  # --small equal to --count leaves the second folder empty
        for n, source, files in batches:
            last = n == batches[-1][0]
            log(f"  importing {files} files ({source.name}) ...")
            imp = run_import(work, key, vault, source, n, files, sum(i.batch < n - 1 for i in items))
            result["imports"].append(imp)
            log(f"    {imp['seconds']:.1f} s, {imp['imported']} imported, {imp['quarantined']} quarantined")
            log(f"  intake --help, baseline, list --format json, list{', show' if last else ''}: up to {args.repeat} runs each ...")
            size = measure_size(work, key, vault, items, case_ids, args.repeat, args.budget, show if last else None)
            result["sizes"].append(size)
            log(f"    {size['cases']} cases: list json {size['runs']['list_json']['median_s']:.2f} s, "
                f"table {size['runs']['list_table']['median_s']:.2f} s, baseline {size['runs']['baseline']['median_s']:.2f} s")
            # Profile where it is cheap: at the first size, if list there already predicts a miss
            # at the full count (its cost grows with the cases); at the full size with --profile.
            projected = size["runs"]["list_json"]["median_s"] * args.count / max(size["cases"], 1)
            if (args.profile and last) or (not args.profile and n == 1 and projected > TARGET_LIST_SECONDS):
                log(f"  profiling list at {size['cases']} cases with cProfile ...")
                result["profile"] = run_profile(work, key, vault, size["cases"])
            if "stages" not in result and (last or (args.quick and n == 1)):  # --quick: at the first size
                log(f"  timing list's steps in one process at {size['cases']} cases (desk/stages.py) ...")
                result["stages"] = run_stages(work, key, vault)
        small, big = result["sizes"][0], result["sizes"][-1]
        grown = max(big["cases"] - small["cases"], 1) / 1000
        result["memory"] = {
            "small_cases": small["cases"], "big_cases": big["cases"],
            "small_peak_mib": small["runs"]["list_json"]["peak_mib"], "big_peak_mib": big["runs"]["list_json"]["peak_mib"],
            "mib_per_1000_cases": (big["runs"]["list_json"]["peak_mib"] - small["runs"]["list_json"]["peak_mib"]) / grown,
            "plaintext_mib_per_1000_cases": (big["state"]["plaintext_mib"] - small["state"]["plaintext_mib"]) / grown}

        evaluate(result)
    except KeyboardInterrupt:
        log("interrupted: removing temporary data")
        raise
    finally:
        shutil.rmtree(root, ignore_errors=True)
    result["total_seconds"] = time.monotonic() - started
    report(result)
    return finish(result, args)


if __name__ == "__main__":
    run_main(main)
