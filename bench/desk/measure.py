"""Running the desk commands as staff run them, one fresh process each, and timing them.

Each command runs under a small wrapper (WRAPPER_CODE, `python -S`: about 8 MiB) that forks,
execs the command, reaps it with os.wait4 and writes the command's wall time, CPU time and
ru_maxrss. Reaping in the benchmark itself would not do: on Linux a child's ru_maxrss also
counts the memory of the process it was forked from (the kernel records the old address
space's high-water mark at exec), so every command would have shown the benchmark's own peak.
Under the wrapper that floor is the wrapper's 8 MiB, far below any desk command; the report
gives it (`wrapper_floor_mib`). stdout goes to a file, not a pipe: `list --format json` prints
megabytes.
"""

import json
import os
import pstats
import signal
import subprocess
import sys
from pathlib import Path

from common import BENCH_DIR, REPO

# The baseline: only what every desk command must do before any work, in a fresh process:
# load the identity, decrypt state.age (intake.age.decrypt) and json.loads it.
BASELINE_CODE = """
import json, sys, time
t0 = time.perf_counter()
from intake import age
identities = age.load_identities(open(sys.argv[1], "rb").read())
t1 = time.perf_counter()
with open(sys.argv[2], "rb") as f:
    data = age.decrypt(identities, f).read()
t2 = time.perf_counter()
state = json.loads(data)
t3 = time.perf_counter()
with open("/proc/self/status") as f:  # a cross-check of the wrapper's figure for this process
    hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
print(json.dumps({"identity_s": t1 - t0, "decrypt_s": t2 - t1, "parse_s": t3 - t2, "vmhwm_kib": hwm,
                  "plaintext_bytes": len(data), "cases": len(state["cases"]), "audit_entries": len(state["audit"])}))
"""


WRAPPER_CODE = """
import os, sys, time
result_path, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_pid, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open("/proc/self/status") as f:
    floor = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
with open(result_path, "w") as f:
    f.write('{"seconds": %r, "maxrss_kib": %d, "utime": %r, "stime": %r, "exit": %d, "floor_kib": %d}' % (
        seconds, usage.ru_maxrss, usage.ru_utime, usage.ru_stime, os.waitstatus_to_exitcode(status), floor))
"""


def child_env() -> dict:
    """The caller's environment without INTAKE_* (no stray vault or identity)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}


def run(argv: list, out_path: Path) -> dict:
    """Run one command to completion: wall seconds, peak RSS, CPU, exit status, stderr tail."""
    err_path, result_path = out_path.with_suffix(".err"), out_path.with_suffix(".rusage")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-S", "-c", WRAPPER_CODE, str(result_path), *map(str, argv)],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=REPO, env=child_env(),
                                start_new_session=True)
        try:
            proc.wait()
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)  # the wrapper and the command: their own session
            proc.wait()
            raise
    stderr = err_path.read_text(errors="replace")
    if proc.returncode or not result_path.exists():
        raise RuntimeError(f"the measuring wrapper failed ({proc.returncode}): {stderr[-500:]}")
    usage = json.loads(result_path.read_text())
    result_path.unlink()
    return {"seconds": usage["seconds"], "peak_mib": usage["maxrss_kib"] / 1024, "cpu_user_s": usage["utime"],
            "cpu_system_s": usage["stime"], "returncode": usage["exit"], "stdout_bytes": out_path.stat().st_size,
            "wrapper_floor_mib": usage["floor_kib"] / 1024, "stderr_tail": stderr.strip().splitlines()[-3:]}


def intake(*args) -> list:
    return [sys.executable, "-m", "intake", *args]


def baseline(identity: Path, vault: Path) -> list:
    return [sys.executable, "-c", BASELINE_CODE, identity, vault / "state.age"]


def stages(identity: Path, vault: Path) -> list:
    return [sys.executable, BENCH_DIR / "desk" / "stages.py", identity, vault]


def profile(identity: Path, vault: Path, output: Path) -> list:
    """`intake list --format json` under cProfile (it catches the CLI's SystemExit and still saves)."""
    return [sys.executable, "-m", "cProfile", "-o", output, "-m", "intake", "list", "--vault", vault, "-i", identity,
            "--format", "json"]


# Where the time of `list` goes, by the cumulative time of these functions in the profile
# (file suffix, function name). Nested ones are listed under their parent.
PROFILE_PARTS = [
    ("intake/desk/vault.py", "read_state", "read the state: decrypt + json.loads + VaultState.from_json"),
    ("json/__init__.py", "loads", "  json.loads (all calls)"),
    ("intake/desk/state.py", "from_json", "  VaultState.from_json"),
    ("intake/desk/views.py", "select_rows", "rows: select_rows"),
    ("intake/desk/rules.py", "evaluate", "  rules.evaluate (all cases)"),
    ("intake/desk/rules.py", "_holds", "    rules._holds (conditions)"),
    ("intake/desk/rules.py", "_fold", "    rules._fold (text normalisation for text_any)"),
    ("intake/desk/rules.py", "values", "    rules.values (path lookups)"),
    ("intake/desk/rules.py", "load_rules", "  rules.load_rules (TOML + compile, once)"),
    ("intake/desk/views.py", "summary", "  views.summary"),
    ("json/__init__.py", "dumps", "output: json.dumps (all calls)"),
    ("click/utils.py", "echo", "output: click.echo"),
    ("intake/cli/sources.py", "load_identity_file", "identity file"),
]


def analyse_profile(path: Path, top: int = 15) -> dict:
    stats = pstats.Stats(str(path))
    total = stats.total_tt
    parts = []
    for suffix, name, label in PROFILE_PARTS:
        matched = [(key, value) for key, value in stats.stats.items() if key[0].endswith(suffix) and key[2] == name]
        if matched:
            calls = sum(v[1] for _k, v in matched)
            # Cumulative time of a recursive function counts each outermost call once in pstats.
            cumulative = sum(v[3] for _k, v in matched)
            parts.append({"part": label, "calls": calls, "seconds": cumulative, "share": cumulative / total if total else 0})
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    functions = [{"function": f"{Path(k[0]).name}:{k[1]}({k[2]})" if k[0] != "~" else k[2], "calls": v[1],
                  "tottime": v[2], "cumtime": v[3]} for k, v in rows]
    return {"profiled_seconds": total, "parts": parts, "top_by_own_time": functions}
