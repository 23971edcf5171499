"""A staff key and case vault for desk tests, and the `intake` command run as staff run it."""

from pathlib import Path

from cli_runner import clean_env
from cli_runner import intake as run_intake
from intake import age


def new_vault(root: Path):
    """A fresh post-quantum staff identity in root/staff.txt; returns it and the environment that
    points `intake` at it and at root/vault (nothing inherited from INTAKE_* of the caller)."""
    identity = age.HybridIdentity.generate()
    (root / "staff.txt").write_text(age.identity_file_text([identity]))
    return identity, clean_env(INTAKE_VAULT=root / "vault", INTAKE_IDENTITY=root / "staff.txt")


def intake(*args, env):
    """`intake ARGS` with this environment, in-process (cli_runner)."""
    return run_intake(*args, env=env)


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
