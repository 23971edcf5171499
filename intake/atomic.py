"""Atomic file creation: a file appears whole under its final name, or not at all.

Data goes to a temporary file in the same directory (same filesystem, so the final step is
a rename), is fsynced, then moved into place; the directory is fsynced so the new name
survives a crash. On any failure the temporary file is removed. A batch of files can leave the
syncing to one sync_files call after the last of them.

This module is the one owner of that protocol: AtomicFile for a file written here, sync_file
and publish_new for one written elsewhere (the web's envelope, published under a random name),
rename_dir for a folder built whole beside its final name (an export, a rebuilt index).
"""

import io
import os
import secrets
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


SYNC_ALL_FROM = 32  # from this many files on, one sync() of the system beats an fsync each


def sync_files(paths, directories) -> None:
    """Make files written without `sync` (and the directories holding their names) durable:
    an fsync each for a few, one os.sync() for a batch (a batch import's hundreds of files)."""
    paths = list(paths)
    if len(paths) >= SYNC_ALL_FROM:
        os.sync()  # waits until written (Linux, and POSIX systems since)
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for directory in directories:
        fsync_dir(directory)


def sync_file(f) -> None:
    """Flush an open file and make its bytes durable (before it is published)."""
    f.flush()
    os.fsync(f.fileno())


def rename_dir(source: Path, target: Path) -> None:
    """Move a fully written folder to its final name (which must not exist), durably."""
    os.rename(source, target)
    fsync_dir(Path(target).parent)


def publish_new(temp: Path, final: Path) -> None:
    """Give a complete, synced file its final name, refusing (FileExistsError) to replace one.

    The caller makes the new name durable (fsync_dir), once for all it publishes."""
    _publish(Path(temp), Path(final), overwrite=False)


def _publish(temp: Path, final: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp, final)
        return
    try:
        # link() refuses an existing target atomically, unlike rename().
        os.link(temp, final)
    except FileExistsError:
        raise
    except OSError:
        # Filesystems without hard links (FAT on a USB stick): check, then rename.
        if final.exists():
            raise FileExistsError(17, "File exists", str(final)) from None
        os.rename(temp, final)
        return
    os.unlink(temp)


class AtomicFile:
    """`with AtomicFile(path) as f: f.write(...)`: publish on success, remove on failure."""

    def __init__(self, path, *, mode: int = 0o600, overwrite: bool = False, sync: bool = True, sync_dir: bool = True):
        self.path = Path(path)
        self._mode = mode
        self._overwrite = overwrite
        # False: the caller makes the file (sync) or its directory entry (sync_dir) durable
        # later, with many others at once (sync_files).
        self._sync = sync
        self._sync_dir = sync and sync_dir
        self.temp_path = self.path.with_name(f".{self.path.name}.{secrets.token_hex(8)}.tmp")
        self._file: io.BufferedWriter | None = None

    def __enter__(self) -> io.BufferedWriter:
        if not self._overwrite and self.path.exists():
            raise FileExistsError(17, "File exists", str(self.path))
        fd = os.open(self.temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, self._mode)
        self._file = file = os.fdopen(fd, "wb")
        return file

    def __exit__(self, exc_type, exc, tb) -> None:
        file = self._file
        if file is None:  # __enter__ failed: nothing was created
            return
        try:
            if exc_type is None:
                file.flush()
                if self._sync:
                    os.fsync(file.fileno())
                file.close()
                _publish(self.temp_path, self.path, self._overwrite)
                if self._sync_dir:
                    fsync_dir(self.path.parent)
                return
        except BaseException:
            self._discard(file)
            raise
        self._discard(file)

    def _discard(self, file: io.BufferedWriter) -> None:
        if not file.closed:
            file.close()
        self.temp_path.unlink(missing_ok=True)


def write_new_file(path, data: bytes, *, mode: int = 0o600) -> None:
    """Create `path` with `data`, atomically, refusing to replace an existing file."""
    with AtomicFile(path, mode=mode) as f:
        f.write(data)
