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
import signal
import subprocess
import sys
from pathlib import Path

from common import REPO

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
    f.write('{"seconds": %r, "maxrss_kib": %d, "utime": %r, "stime": %r, "exit": %d, "floor_kib": %d, "oublock": %d}' % (
        seconds, usage.ru_maxrss, usage.ru_utime, usage.ru_stime, os.waitstatus_to_exitcode(status), floor, usage.ru_oublock))
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
            "wrapper_floor_mib": usage["floor_kib"] / 1024, "block_output_bytes": usage["oublock"] * 512,
            "stderr_tail": stderr.strip().splitlines()[-3:]}


def intake(*args) -> list:
    return [sys.executable, "-m", "intake", *args]


# A desk command run on another day: `now` moved by argv[1] days, the rest as `python -m intake`.
ON_ANOTHER_DAY_CODE = """
import datetime, sys
import intake.desk.state as state
real_now, days = state.now_utc, int(sys.argv[1])
state.now_utc = lambda: real_now() + datetime.timedelta(days=days)
from intake.cli import run
sys.argv = ["intake", *sys.argv[2:]]
run()
"""


def intake_on_another_day(days: int, *args) -> list:
    return [sys.executable, "-c", ON_ANOTHER_DAY_CODE, str(days), *args]
