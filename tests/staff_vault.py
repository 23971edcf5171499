"""A staff key and case vault for desk tests, and the `intake` command run as staff run it."""

import json
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


def ok(result) -> bytes:
    """The stdout of an `intake` run that must succeed (its stderr in the failure message)."""
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def case_from_form(root: Path, answers: dict) -> tuple[str, dict]:
    """A report made through the real form (intake_client), imported into a new vault at root:
    its case id and the environment of that vault."""
    from intake_client import IntakeClient

    identity, env = new_vault(root)
    client = IntakeClient(root / "server", [identity.recipient()])
    client.report(answers)
    ok(intake("import", client.data_dir / "submissions", env=env))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    return row["id"], env
