"""Where submissions come from: folders and files (a USB stick), or a tar stream from collect.

A tar written by `intake collect -` holds submissions/<id>.age and a MANIFEST.sha256. Its
members are copied out (ciphertext only) into a scratch folder inside the vault, checked against
the manifest on import, and the scratch folder is removed afterwards.
"""

import contextlib
import secrets
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..collect import MANIFEST
from .errors import DeskError

# One line per submission: 64 hex digits, two spaces, a 30-character name. A million lines fit.
MAX_MANIFEST_BYTES = 100 << 20


@dataclass
class Candidate:
    path: Path
    label: str  # what the user sees: the path, or "batch.tar:submissions/x.age"
    expected_sha256: str | None = None  # from a collect manifest


def _from_tar(tar_path: Path, scratch: Path) -> list[Candidate]:
    candidates: list[Candidate] = []
    manifest: dict[str, str] = {}
    try:
        with tarfile.open(tar_path, mode="r:*") as tar:
            for member in tar:
                name = Path(member.name).name
                if not member.isfile() or name.startswith("."):
                    continue  # no links, devices or folders: only plain files are read
                if name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:  # the tar comes from the server: untrusted
                        raise DeskError(f"{tar_path}: its {MANIFEST} is larger than a manifest can be")
                    for line in _member_file(tar, member, tar_path).read().decode().splitlines():
                        digest, _, listed = line.partition("  ")
                        manifest[listed] = digest
                elif name.endswith(".age"):
                    target = scratch / f"{len(candidates):06d}-{name}"
                    with _member_file(tar, member, tar_path) as src, open(target, "xb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
                    candidates.append(Candidate(target, f"{tar_path}:{member.name}"))
    except (tarfile.TarError, OSError, UnicodeDecodeError) as exc:
        raise DeskError(f"cannot read {tar_path} as a tar archive ({exc.__class__.__name__})") from None
    for candidate in candidates:
        candidate.expected_sha256 = manifest.get(candidate.label.rsplit("/", 1)[-1], "missing" if manifest else None)
    return candidates


def _member_file(tar: tarfile.TarFile, member: tarfile.TarInfo, tar_path: Path) -> IO[bytes]:
    """The content of a regular file member (only those are read)."""
    f = tar.extractfile(member)
    if f is None:  # tarfile gives None only for what is not a regular file or a link
        raise DeskError(f"cannot read {tar_path} as a tar archive (a member is not a file)")
    return f


@contextlib.contextmanager
def gather(paths, scratch_parent: Path):
    """Yield the candidates named by `paths`; scratch copies from tars are removed afterwards."""
    scratch = scratch_parent / f".incoming-{secrets.token_hex(4)}"
    candidates = []
    try:
        for text in paths:
            path = Path(text)
            if path.is_dir():
                candidates += [Candidate(p, str(p)) for p in sorted(path.rglob("*.age")) if p.is_file() and not p.name.startswith(".")]
            elif path.is_file() and tarfile.is_tarfile(path):
                scratch.mkdir(mode=0o700, exist_ok=True)
                candidates += _from_tar(path, scratch)
            elif path.is_file():
                candidates.append(Candidate(path, str(path)))
            else:
                raise DeskError(f"cannot read {path}: no such file or folder")
        yield candidates
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
