"""Moving ciphertext off the server: copy, fsync, verify at the destination, then delete.

Run on the server (`intake collect DEST`). Only complete submissions (data/submissions/*.age)
are taken; uploads still being written live in data/tmp/ and are never touched. Nothing is
decrypted: the files are copied byte for byte.

A second run after an interruption finishes the job: a file already at the destination with the
same size and hash is not copied again, just deleted on the server.

Beside the submissions goes the listing of the reply mailboxes still on the server and of the
batches placed (replies/listing.py): the desk learns from it which replies reached the server
and which their sources have read.
"""

import hashlib
import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from .atomic import AtomicFile, fsync_dir
from .errors import UserError
from .replies import listing
from .replies.store import DEFAULT_DAYS
from .replies.store import listing as replies_listing
from .store import Store

MANIFEST = "MANIFEST.sha256"
_COPY_SIZE = 1 << 20


@dataclass
class CollectResult:
    moved: int = 0
    already_there: int = 0
    kept: int = 0


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(_COPY_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy(source: Path, target: Path) -> str:
    """Copy atomically (temp file, fsync, rename); returns the SHA-256 of what was read."""
    digest = hashlib.sha256()
    with AtomicFile(target, mode=0o600) as out, open(source, "rb") as src:
        while chunk := src.read(_COPY_SIZE):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _delete(path: Path) -> None:
    path.unlink()
    fsync_dir(path.parent)


def _file_system(path: Path) -> int:
    return path.stat().st_dev


def destination_to_create(store: Store, dest: Path) -> bool:
    """Whether `dest` is missing and may be created (only its last folder; mode 0700).

    A missing destination is made only where a typo or an unmounted stick cannot hide: its
    parent folder must exist, and must not be on the server's own disk (the file system of the
    data folder). A stick that is not mounted leaves /media/usb an empty folder of the server's
    disk: "moving" the ciphertext there would keep it on the server under another name. Raises
    UserError (nothing done) where it may not be created; False if `dest` exists."""
    if dest.exists() or dest.is_symlink():
        return False
    parent = dest.absolute().parent
    if not parent.is_dir():
        raise UserError(f"destination {dest} does not exist, nor does {parent} (is the USB stick mounted?)",
                        hint="check the path; collect creates only the last folder of DEST")
    if _file_system(parent) == _file_system(store.root):
        raise UserError(f"destination {dest} does not exist and would be on the server's own disk "
                        "(is the USB stick mounted?)",
                        hint=f"mount the stick, or if {dest} is meant to be there, create it first (mkdir -m 700)")
    return True


def create_destination(dest: Path) -> None:
    dest.mkdir(mode=0o700)
    dest.chmod(0o700)  # whatever the umask
    fsync_dir(dest.absolute().parent)


def _listing(store: Store, reply_retention_days: int) -> bytes:
    mailboxes, delivered = replies_listing(store)
    return listing.listing_bytes(mailboxes, delivered, reply_retention_days)


def collect_to_directory(store: Store, dest: Path, *, keep: bool = False, reply_retention_days: int = DEFAULT_DAYS) -> CollectResult:
    """Move every complete submission to `dest`; raise UserError (nothing more deleted) on failure."""
    if not dest.is_dir():
        raise UserError(f"destination {dest} is not a folder (is the USB stick mounted?)")
    if not os.access(dest, os.W_OK):
        raise UserError(f"destination {dest} is not writable")
    result = CollectResult()
    for source in store.submission_paths():
        target = dest / source.name
        if target.exists():
            if _sha256(target) != _sha256(source):
                raise UserError(f"{target} exists with different content; nothing was deleted for it",
                                hint="move it aside and run collect again")
            result.already_there += 1
        else:
            try:
                copied_hash = _copy(source, target)
            except OSError as exc:
                done = result.moved + result.already_there
                raise UserError(f"could not write to {dest} ({exc.strerror}) after {done} submission(s); "
                                "every submission not yet verified there is still on the server",
                                hint="free space or use another stick, then run collect again") from None
            # Read back what landed on the destination: the copy is trusted only once verified.
            if _sha256(target) != (copied_hash, source.stat().st_size):
                raise UserError(f"verification failed for {target}; it stays on the server")
            fsync_dir(dest)
            result.moved += 1
        if keep:
            result.kept += 1
        else:
            _delete(source)
    try:
        with AtomicFile(dest / listing.NAME, overwrite=True) as out:
            out.write(_listing(store, reply_retention_days))
    except OSError as exc:
        raise UserError(f"could not write {listing.NAME} to {dest} ({exc.strerror}); the submissions were collected") from None
    return result


def collect_to_tar(store: Store, stream, *, reply_retention_days: int = DEFAULT_DAYS) -> CollectResult:
    """Write every complete submission, then a manifest of SHA-256 sums, as a tar stream.

    Nothing is deleted: a stream cannot be verified at its far end. Once the tar has arrived
    and `intake import` accepted it, delete what it held with `intake collect --delete-listed`.
    """
    result = CollectResult()
    lines = []
    with tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for source in store.submission_paths():
            digest, size = _sha256(source)
            info = tarfile.TarInfo(f"submissions/{source.name}")
            info.size, info.mode, info.mtime = size, 0o600, int(source.stat().st_mtime)
            with open(source, "rb") as f:
                tar.addfile(info, f)
            lines.append(f"{digest}  {source.name}\n")
            result.kept += 1
        for name, data in ((MANIFEST, "".join(lines).encode()), (listing.NAME, _listing(store, reply_retention_days))):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
    return result


def delete_listed(store: Store, manifest_path: Path) -> int:
    """Delete the server's submissions whose name and SHA-256 appear in a collect manifest."""
    try:
        lines = manifest_path.read_text().splitlines()
    except OSError as exc:
        raise UserError(f"cannot read {manifest_path}: {exc.strerror}") from None
    deleted = 0
    for line in lines:
        digest, _, name = line.partition("  ")
        path = store.submissions / name
        if not name or "/" in name or not path.is_file():
            continue
        if _sha256(path)[0] == digest:  # only the exact file that was collected
            _delete(path)
            deleted += 1
    return deleted
