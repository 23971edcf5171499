"""Long staff operations show progress on a terminal, on stderr; stdout stays clean for scripts."""

import json
import os
import pty
import select
import subprocess
import sys

from intake_client import IntakeClient
from staff_vault import intake, new_vault


def run_with_terminal_stderr(args, env) -> tuple[bytes, bytes, int]:
    """Run `intake …` with stderr on a pseudo-terminal and stdout on a pipe: (stdout, terminal, exit code)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "intake", *map(str, args)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=terminal, env=env)
    os.close(terminal)
    shown = b""
    try:
        while True:
            if select.select([controller], [], [], 60)[0]:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # the child exited and the terminal closed
                    break
                if not chunk:
                    break
                shown += chunk
            elif process.poll() is not None:
                break
        stdout = process.stdout.read()
        return stdout, shown, process.wait(timeout=60)
    finally:
        os.close(controller)
        process.stdout.close()


def test_import_list_and_export_draw_progress_on_the_terminal_only(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    for n in range(3):
        client.report(marker=f"m{n}")

    stdout, shown, code = run_with_terminal_stderr(["import", client.data_dir / "submissions"], env)
    assert code == 0, shown
    assert b"importing [" in shown and b"3/3" in shown
    assert b"importing" not in stdout

    stdout, shown, code = run_with_terminal_stderr(["list", "--format", "json"], env)
    assert code == 0 and b"applying the rules" not in shown  # applied at import: nothing to apply
    cases = [row["id"] for row in json.loads(stdout)]
    stdout, shown, code = run_with_terminal_stderr(["vault", "rebuild-index"], env)
    assert code == 0 and b"indexing [" in shown and b"3/3" in shown
    assert json.loads(stdout) == {"cases": 3, "damaged": 0}
    stdout, shown, code = run_with_terminal_stderr(["export", *cases, "--profile", "stats", "--force", "--out",
                                                    tmp_path / "stats"], env)
    assert code == 0, shown
    assert b"exporting [" in shown and b"3/3" in shown
    assert b"exporting" not in stdout and (tmp_path / "stats" / "stats.csv").exists()

    # Without a terminal (a script reading stderr through a pipe), no bar is drawn.
    piped = intake("export", *cases, "--profile", "stats", "--force", "--out", tmp_path / "again", env=env)
    assert piped.returncode == 0 and b"exporting [" not in piped.stderr
