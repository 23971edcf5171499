"""The one write-fsync-rename protocol (intake/atomic.py): a file appears whole or not at all,
and a batch written without syncing is made durable by one sync_files call."""

import os

import pytest

from intake import atomic


def _counting(monkeypatch) -> dict:
    calls = {"fsync": 0, "sync": 0}
    real_fsync = os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (calls.__setitem__("fsync", calls["fsync"] + 1), real_fsync(fd))[1])
    monkeypatch.setattr(atomic.os, "sync", lambda: calls.__setitem__("sync", calls["sync"] + 1))
    return calls


def test_a_file_appears_whole_or_not_at_all(tmp_path):
    with atomic.AtomicFile(tmp_path / "a") as f:
        f.write(b"whole")
    assert (tmp_path / "a").read_bytes() == b"whole"
    with pytest.raises(RuntimeError), atomic.AtomicFile(tmp_path / "b") as f:
        f.write(b"half")
        raise RuntimeError("disk full")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]  # no b, no temporary file
    with pytest.raises(FileExistsError):
        atomic.write_new_file(tmp_path / "a", b"again")
    assert (tmp_path / "a").read_bytes() == b"whole"


def test_a_few_files_are_fsynced_each_and_a_batch_by_one_sync(tmp_path, monkeypatch):
    calls = _counting(monkeypatch)
    paths = []
    for n in range(atomic.SYNC_ALL_FROM):
        with atomic.AtomicFile(tmp_path / f"f{n}", sync=False) as f:
            f.write(b"x")
        paths.append(tmp_path / f"f{n}")
    assert calls == {"fsync": 0, "sync": 0}  # nothing synced while the batch is written
    atomic.sync_files(paths[:3], [tmp_path])
    assert calls == {"fsync": 3 + 1, "sync": 0}  # each file, then the folder
    atomic.sync_files(paths, [tmp_path])
    assert calls == {"fsync": 4, "sync": 1}
