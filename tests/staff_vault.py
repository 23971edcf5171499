"""A staff key and case vault for desk tests, and the `intake` command run as staff run it."""

import os
import subprocess
import sys
from pathlib import Path

from intake import age


def new_vault(root: Path):
    """A fresh post-quantum staff identity in root/staff.txt; returns it and the environment that
    points `intake` at it and at root/vault (nothing inherited from INTAKE_* of the caller)."""
    identity = age.HybridIdentity.generate()
    (root / "staff.txt").write_text(age.identity_file_text([identity]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(INTAKE_VAULT=str(root / "vault"), INTAKE_IDENTITY=str(root / "staff.txt"))
    return identity, env


def intake(*args, env):
    return subprocess.run([sys.executable, "-m", "intake", *map(str, args)], capture_output=True, env=env, input=b"", timeout=120)


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
