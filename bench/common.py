"""Helpers shared by the benchmarks: paths, logging to stderr, /proc readings.

Importing this module puts the repository root on sys.path (after bench/), so a benchmark can
import `intake` from the checkout and `tests.live_server` for the answers the tests use.
"""

import json
import platform
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
if str(REPO) not in sys.path:
    sys.path.insert(1 if sys.path and Path(sys.path[0] or ".").resolve() == BENCH_DIR else 0, str(REPO))

MIB = 1 << 20


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def proc_status_kib(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def filesystem_of(path: Path) -> str:
    best, fstype = "", "?"
    with open("/proc/mounts") as f:
        for line in f:
            _dev, mount, kind, *_ = line.split()
            if str(path).startswith(mount.rstrip("/") + "/") or str(path) == mount:
                if len(mount) > len(best):
                    best, fstype = mount, kind
    return f"{fstype} on {best}"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def log_checks(result: dict) -> None:
    """The PASS/FAIL lines, the result and the total time, as every benchmark ends."""
    log()
    log("Checks:")
    for name, c in result["checks"].items():
        log(f"  {'PASS' if c['pass'] else 'FAIL'}  {name}: {c['value']} (target {c['target']})")
    missed = [n for n, c in result["checks"].items() if not c["pass"]]
    log(f"Result: {result['result']}" + (f" (missed: {', '.join(missed)})" if missed else ""))
    log(f"Total time: {result['total_seconds']:.0f} s")


def finish(result: dict, args) -> int:
    """Print the JSON if asked, and the exit status (1 only with --strict and a missed target)."""
    if args.json:
        print(json.dumps(result, indent=1))
    return 1 if args.strict and result["result"] != "PASS" else 0


def run_main(main) -> None:
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
