"""Test helpers for tools that may be missing on a developer machine but never in CI."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

INTEROP = Path(__file__).parent / "interop"


def require(available: bool, reason: str) -> None:
    """Skip when a tool is missing; under CI=true (where .ci/run installs it) fail instead."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must have it: see .ci/run)")
    pytest.skip(reason)


def typage_available() -> bool:
    return shutil.which("node") is not None and (INTEROP / "node_modules" / "age-encryption").is_dir()


def typage(*args: str, input: bytes) -> bytes:
    """Run the typage helper CLI; returns stdout, raises on failure."""
    result = subprocess.run(["node", str(INTEROP / "typage.mjs"), *args], input=input, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout
