#!/usr/bin/env python3
"""Benchmark of the staff desk at scale: import, list, show and triage at 1,000 / 10,000 / 50,000 cases.

Run from the repository root (see bench/README.md for how to read the output):

    .venv/bin/python bench/bench_desk.py                      # 1,000, 10,000 and 50,000 cases (about 7 minutes with --repeat 2)
    .venv/bin/python bench/bench_desk.py --sizes 1000,10000   # other sizes (about 3 minutes)
    .venv/bin/python bench/bench_desk.py --quick              # 300 and 1,500 cases, one run each (about 1 minute)
    .venv/bin/python bench/bench_desk.py --json > desk.json

  1. Generates the largest size's submission files with the real web code (desk/generate.py),
     encrypted to a freshly generated post-quantum identity, and splits them into one folder per
     step up to each size, the last PROBE files of each step in a folder of their own.
  2. For each size: imports the step's folder, then its probe folder, each in a fresh process
     (the probe gives the cost of one file at that vault size, so flat import shows as equal
     figures); then times, each in a fresh process, `list --format json` with the vault's pages
     evicted from the OS cache (cold) and again (warm), `list` (table), `list` as run the next day
     (rules whose day has come are applied again and stored), `show` of a case with attachments
     and a follow-up, and `triage --note` (with the bytes it wrote).
  3. Prints a scale table, the ratios of the largest size to the smallest, and the checks
     against the targets (checked at 50,000 cases; at other sizes they are shown, not judged).

Every time and peak RSS is that of one child process (desk/measure.py). The lists are checked:
every case once, every follow-up linked to the report whose receipt it quotes. Temporary data,
keys included, is removed at the end, also on errors, Ctrl-C and SIGTERM.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import tempfile
import time
from pathlib import Path

from common import MIB, cpu_model, filesystem_of, finish, log, log_checks, run_main  # first: puts the repository on sys.path
from desk import generate, measure
from intake import age
from intake.desk.case_ids import case_id_for, file_digest

PROBE = 200
TARGET_SIZE = 50_000
TARGETS = {"list_warm_s": 1.5, "list_cold_s": 1.5, "list_table_s": 1.5, "show_s": 0.3, "triage_s": 0.3,
           "import_ms_per_file": 5.0, "peak_mib": 200}


def evict(folder: Path) -> None:
    """Drop the folder's files from the OS page cache, so the next command reads from disk."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def files_state(folder: Path) -> dict:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file() and p.name != "lock"}


def written_bytes(before: dict, after: dict) -> int:
    """Bytes of the files a command created or replaced (a replaced file counts whole)."""
    return sum(size for path, (size, mtime) in after.items() if before.get(path) != (size, mtime))


def timed(work: Path, argv: list, repeat: int, before=None) -> dict:
    runs = []
    for n in range(repeat):
        if before:
            before()
        r = measure.run(argv, work / f"run-{n}.out")
        r["stdout"] = (work / f"run-{n}.out").read_bytes()
        (work / f"run-{n}.out").unlink()
        runs.append(r)
    ok = [r for r in runs if r["returncode"] == 0]
    return {"median_s": statistics.median(r["seconds"] for r in ok) if ok else float("nan"),
            "seconds_each": [round(r["seconds"], 3) for r in runs], "peak_mib": max(r["peak_mib"] for r in runs),
            "cpu_s": statistics.median(r["cpu_user_s"] + r["cpu_system_s"] for r in runs), "failed": len(runs) - len(ok),
            "stderr_tail": next((r["stderr_tail"] for r in runs if r["returncode"]), []), "last_stdout": runs[-1]["stdout"]}


def import_folder(work: Path, key: Path, vault: Path, folder: Path) -> dict:
    files = len(list(folder.rglob("*.age")))
    r = measure.run(measure.intake("import", "--vault", vault, "-i", key, folder), work / "import.out")
    return {"files": files, "seconds": r["seconds"], "ms_per_file": r["seconds"] * 1000 / max(files, 1),
            "peak_mib": r["peak_mib"], "returncode": r["returncode"], "stderr_tail": r["stderr_tail"]}


def check_rows(rows: list[dict], present: set, expected_links: dict) -> dict:
    by_id = {row["id"]: row for row in rows}
    links = {f: o for f, o in expected_links.items() if f in present and o in present}
    return {"rows": len(rows), "expected": len(present), "missing": len(present - by_id.keys()),
            "unknown": len(by_id.keys() - present), "links_expected": len(links),
            "links_found": sum(by_id.get(f, {}).get("follow_up_of") == o for f, o in links.items()),
            "links_wrong": sum(1 for f, row in by_id.items() if row.get("follow_up_of") and links.get(f) != row["follow_up_of"])}


def measure_size(work, key, vault, size, present, expected_links, show_case, triage_case, repeat) -> dict:
    common = ("--vault", vault, "-i", key)
    out = {"cases": size}
    out["list_cold"] = timed(work, measure.intake("list", *common, "--format", "json"), repeat, lambda: evict(vault))
    out["list_warm"] = timed(work, measure.intake("list", *common, "--format", "json"), repeat)
    out["list_table"] = timed(work, measure.intake("list", *common), repeat)
    out["list_next_day"] = timed(work, measure.intake_on_another_day(1, "list", *common, "--format", "json"), 1)
    out["show"] = timed(work, measure.intake("show", *common, show_case), repeat)
    triage_bytes = []

    def before_triage():
        triage_bytes.append(files_state(vault))

    out["triage"] = timed(work, measure.intake("triage", *common, triage_case, "--note", "bench note"), repeat, before_triage)
    triage_bytes.append(files_state(vault))
    out["triage"]["bytes_written"] = statistics.median(written_bytes(a, b) for a, b in zip(triage_bytes, triage_bytes[1:]))
    rows = json.loads(out["list_warm"]["last_stdout"] or b"[]")
    out["verify"] = check_rows(rows, present, expected_links)
    out["show"]["ok"] = f"Case {show_case}".encode() in out["show"]["last_stdout"]
    for name in ("list_cold", "list_warm", "list_table", "list_next_day", "show", "triage"):
        out[name].pop("last_stdout")
    out["vault_mib"] = sum(p.stat().st_size for p in vault.rglob("*") if p.is_file()) / MIB
    out["index_shards"] = len(list((vault / "index").iterdir()))
    return out


def evaluate(result: dict) -> None:
    sizes = result["sizes"]
    big, small = sizes[-1], sizes[0]
    judged = big["cases"] >= TARGET_SIZE
    checks = {}

    def check(name, value, target, passed):
        checks[name] = {"value": value, "target": target, "pass": bool(passed) or not judged}

    for key, name in (("list_warm", "list_warm_s"), ("list_cold", "list_cold_s"), ("list_table", "list_table_s"),
                      ("show", "show_s"), ("triage", "triage_s")):
        check(f"{name}_{big['cases']}", round(big[key]["median_s"], 3), f"<= {TARGETS[name]}", big[key]["median_s"] <= TARGETS[name])
    probes = [s["import_probe"]["ms_per_file"] for s in sizes]
    check(f"import_ms_per_file_{big['cases']}", round(probes[-1], 2), "<= 5.0", probes[-1] <= TARGETS["import_ms_per_file"])
    check("import_flat", round(probes[-1] / probes[0], 2), "<= 1.5 x the smallest vault's", probes[-1] <= 1.5 * probes[0])
    peak = max(max(s[k]["peak_mib"] for k in ("list_cold", "list_warm", "list_table", "list_next_day", "show", "triage"))
               for s in sizes)
    peak = max(peak, max(max(s["import_bulk"]["peak_mib"], s["import_probe"]["peak_mib"]) for s in sizes))
    check("peak_mib_every_command", round(peak, 1), "<= 200", peak <= TARGETS["peak_mib"])
    ratio = big["triage"]["bytes_written"] / max(small["triage"]["bytes_written"], 1)
    check("triage_bytes_ratio", round(ratio, 2), "<= 2 (bounded: one case, one index shard, one audit segment)", ratio <= 2)
    for s in sizes:
        v = s["verify"]
        checks[f"list_complete_{s['cases']}"] = {"value": v, "target": "every case once, every follow-up linked",
                                                 "pass": v["rows"] == v["expected"] and not v["missing"] and not v["unknown"]
                                                 and v["links_found"] == v["links_expected"] and not v["links_wrong"]}
        failed = sum(s[k]["failed"] for k in ("list_cold", "list_warm", "list_table", "list_next_day", "show", "triage"))
        failed += s["import_bulk"]["returncode"] != 0 or s["import_probe"]["returncode"] != 0
        checks[f"commands_ok_{s['cases']}"] = {"value": failed, "target": "0 failed", "pass": failed == 0 and s["show"]["ok"]}
    result["checks"] = checks
    result["judged"] = judged
    result["result"] = "PASS" if all(c["pass"] for c in checks.values()) else "FAIL"


def report(result: dict) -> None:
    env = result["env"]
    log()
    log(f"Desk at scale: Python {env['python']}, {env['cpus']} CPUs ({env['cpu']}), data on {env['data_fs']}")
    g = result["generate"]
    log(f"Generated {g['files']} submissions in {g['seconds']:.0f} s ({g['follow_ups']} follow-ups, {g['with_attachments']} with attachments)")
    log()
    header = ("cases", "import ms/file", "probe ms/file", "list cold s", "list warm s", "list table s", "next day s",
              "show s", "triage s", "triage KiB", "peak MiB", "shards", "vault MiB")
    lines = [header]
    for s in result["sizes"]:
        peak = max(s[k]["peak_mib"] for k in ("list_cold", "list_warm", "list_table", "list_next_day", "show", "triage"))
        lines.append((f"{s['cases']:,}", f"{s['import_bulk']['ms_per_file']:.2f}", f"{s['import_probe']['ms_per_file']:.2f}",
                      f"{s['list_cold']['median_s']:.2f}", f"{s['list_warm']['median_s']:.2f}", f"{s['list_table']['median_s']:.2f}",
                      f"{s['list_next_day']['median_s']:.2f}", f"{s['show']['median_s']:.3f}", f"{s['triage']['median_s']:.3f}",
                      f"{s['triage']['bytes_written'] / 1024:.1f}", f"{peak:.0f}", str(s["index_shards"]), f"{s['vault_mib']:.0f}"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        log("  " + "  ".join(cell.rjust(w) for cell, w in zip(line, widths)))
    small, big = result["sizes"][0], result["sizes"][-1]
    log()
    log(f"Ratios, {big['cases']:,} cases against {small['cases']:,} (the same run): "
        + ", ".join(f"{k} {v:.2f}" for k, v in result["ratios"].items()))
    log("Peak MiB per command at the largest size: " + ", ".join(
        f"{k} {big[k]['peak_mib']:.0f}" for k in ("list_cold", "list_warm", "list_table", "list_next_day", "show", "triage"))
        + f", import {big['import_bulk']['peak_mib']:.0f}")
    if not result["judged"]:
        log(f"(targets are judged at {TARGET_SIZE:,} cases; below that they are shown as PASS)")
    log_checks(result)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", help="vault sizes, comma-separated (default 1000,10000,50000; --quick 300,1500)")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run of each command")
    parser.add_argument("--repeat", type=int, help="runs of each command per size, medians reported (default 3; --quick 1)")
    parser.add_argument("--processes", type=int, default=generate.default_processes(),
                        help="processes that generate the submissions (default: one per CPU)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated answers (default 1)")
    parser.add_argument("--tmpdir", help="where the temporary folders go (default: the system temp dir)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout (the text goes to stderr)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    sizes = sorted({int(n) for n in (args.sizes or ("300,1500" if args.quick else "1000,10000,50000")).split(",")})
    if sizes[0] <= PROBE:
        parser.error(f"every size must be above {PROBE} (the probe batch)")
    repeat = max(1, args.repeat or (1 if args.quick else 3))

    def _interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    started = time.monotonic()
    base = Path(args.tmpdir) if args.tmpdir else Path(tempfile.gettempdir())
    need = sizes[-1] * 220 * 1024 + 256 * MIB  # the files, their copies in the vault, the case files
    if shutil.disk_usage(base).free < need:
        raise SystemExit(f"{base} has {shutil.disk_usage(base).free / MIB:.0f} MiB free; this run needs about {need / MIB:.0f} MiB")
    root = Path(tempfile.mkdtemp(prefix="bench-desk-", dir=base))
    result = {"env": {"python": platform.python_version(), "cpus": os.cpu_count(), "cpu": cpu_model(),
                      "data_fs": filesystem_of(root.resolve())},
              "settings": {"sizes": sizes, "repeat": repeat, "probe": PROBE, "processes": args.processes, "seed": args.seed}}
    try:
        log(f"bench_desk: temporary data in {root} ({result['env']['data_fs']}), sizes {sizes}")
        identity = age.HybridIdentity.generate()
        key = root / "staff-key.txt"
        key.touch(mode=0o600)
        key.write_text(age.identity_file_text([identity]))
        recipients = root / "recipients.txt"
        recipients.write_text(f"{identity.recipient()}\n")
        vault, work = root / "vault", root / "work"
        work.mkdir()

        count = sizes[-1]
        log(f"  generating {count} submissions with {args.processes} processes ...")
        t = time.perf_counter()
        items = generate.plan(count, count, args.seed)
        bounds = [0, *sizes]
        for item in items:  # batch 2k: step k's bulk; 2k + 1: its last PROBE files
            step = next(k for k in range(len(sizes)) if item.index < sizes[k])
            item.batch = 2 * step + (item.index >= sizes[step] - PROBE)
        folders = [root / f"usb-{n}" for n in range(2 * len(sizes))]
        paths = generate.generate(items, folders, recipients, root / "web-data", args.processes)
        case_ids = [case_id_for(file_digest(p)) for p in paths]
        follow_ups = [i for i in items if i.kind == "follow-up"]
        result["generate"] = {"files": len(paths), "seconds": time.perf_counter() - t, "follow_ups": len(follow_ups),
                              "with_attachments": sum(bool(i.attachments) for i in items)}
        expected_links = {case_ids[i.index]: case_ids[i.quotes_index] for i in follow_ups if i.quotes_index is not None}
        result["sizes"] = []
        for step, size in enumerate(sizes):
            in_step = [i for i in items if bounds[step] <= i.index < size]
            # show: a report with attachments that a follow-up quotes; triage: the newest report.
            quoted = {i.quotes_index for i in items if i.quotes_index is not None and i.index < size}
            show = min(in_step, key=lambda i: (not i.attachments, i.index not in quoted, i.kind != "report"))
            triage = max((i for i in in_step if i.kind == "report"), key=lambda i: i.index)
            log(f"  {size} cases: importing {len(in_step) - PROBE} + {PROBE} files ...")
            bulk = import_folder(work, key, vault, folders[2 * step])
            probe = import_folder(work, key, vault, folders[2 * step + 1])
            log(f"    {bulk['ms_per_file']:.2f} ms per file, probe {probe['ms_per_file']:.2f} ms per file; "
                f"timing list, show and triage ...")
            measured = measure_size(work, key, vault, size, set(case_ids[:size]), expected_links,
                                    case_ids[show.index], case_ids[triage.index], repeat)
            measured["import_bulk"], measured["import_probe"] = bulk, probe
            result["sizes"].append(measured)
            log(f"    list warm {measured['list_warm']['median_s']:.2f} s, show {measured['show']['median_s']:.3f} s, "
                f"triage {measured['triage']['median_s']:.3f} s")
        small, big = result["sizes"][0], result["sizes"][-1]
        result["ratios"] = {
            "list_warm": big["list_warm"]["median_s"] / small["list_warm"]["median_s"],
            "show": big["show"]["median_s"] / small["show"]["median_s"],
            "triage": big["triage"]["median_s"] / small["triage"]["median_s"],
            "import_probe": big["import_probe"]["ms_per_file"] / small["import_probe"]["ms_per_file"],
            "triage_bytes": big["triage"]["bytes_written"] / max(small["triage"]["bytes_written"], 1),
            "cases": big["cases"] / small["cases"]}
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
