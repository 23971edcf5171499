"""The `intake` command run as a user runs it: in-process by default, as a real process on request.

`intake(...)` calls intake.cli.main with its own stdin, stdout, stderr and environment, and
returns what `subprocess.run` would (returncode, stdout and stderr bytes): the same entry
point, error handling and exit codes as the installed command, without paying for a new
Python and its imports on every call. `intake_process(...)` starts `python -m intake` for the
few tests that are about the process itself (the entry point, signals, a terminal, memory).
"""

import contextlib
import io
import os
import subprocess
import sys

from intake.cli import main


def clean_env(**overrides) -> dict:
    """The caller's environment without any INTAKE_* setting, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def intake(*args, input: bytes = b"", env: dict | None = None, cwd=None, stdout=None) -> subprocess.CompletedProcess:
    """Run `intake ARGS` in this process; `env` replaces the environment for the call.

    Output is captured unless `stdout` (a binary file) is given to receive it.
    """
    argv = [str(a) for a in args]
    captured, stderr = io.BytesIO(), io.BytesIO()
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        code = main(argv, stdin=io.BufferedReader(io.BytesIO(input)), stdout=captured if stdout is None else stdout, stderr=stderr,
                    env=os.environ if env is None else env)
    return subprocess.CompletedProcess(["intake", *argv], code, captured.getvalue(), stderr.getvalue())


def intake_process(*args, input: bytes = b"", env: dict | None = None, cwd=None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m intake ARGS` as a separate process."""
    return subprocess.run([sys.executable, "-m", "intake", *map(str, args)], input=input, capture_output=True,
                          env=env, cwd=cwd, timeout=timeout)
