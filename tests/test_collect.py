"""Collecting ciphertext from the server and importing it on the staff machine; retention."""

import io
import json
import os
import tarfile
import time

import pytest

from cli_runner import clean_env
from cli_runner import intake as run_intake
from intake.collect import collect_to_directory
from intake.errors import UserError
from intake.retention import expire, overwrite_and_unlink
from intake.store import Store
from intake_client import IntakeClient


def intake(*args, env_extra=None, stdout=None):
    """`intake ARGS` in-process (cli_runner); `stdout` a file to receive the output."""
    return run_intake(*args, env=clean_env(**(env_extra or {})), stdout=stdout)


@pytest.fixture
def server(tmp_path, staff_key):
    identity, key = staff_key
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    first = client.report(files=[("photo.jpg", os.urandom(200_000), "image/jpeg")])
    for n in range(3):
        client.report({"incidents-0-narrative": f"Report number {n}."})
    client.follow_up(first, "An update.")
    return client, key


def listed(vault, key) -> list[dict]:
    result = intake("list", "--vault", vault, "-i", key, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_collect_to_a_folder_then_import(tmp_path, server):
    client, key = server
    originals = {p.name: p.read_bytes() for p in client.submissions()}
    stick = tmp_path / "usb"
    stick.mkdir()
    result = intake("collect", stick, "--data-dir", client.data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().strip() == f"intake: moved 5 submission(s) to {stick}"
    assert client.submissions() == []
    assert {p.name: p.read_bytes() for p in stick.glob("*.age")} == originals
    assert intake("import", "--vault", tmp_path / "vault", "-i", key, stick).returncode == 0
    cases = listed(tmp_path / "vault", key)
    assert len(cases) == 5 and sum(1 for c in cases if c["follow_up_of"]) == 1


def test_a_full_stick_midway_loses_nothing_and_a_rerun_finishes(tmp_path, server, monkeypatch):
    client, key = server
    originals = {p.name: p.read_bytes() for p in client.submissions()}
    stick = tmp_path / "usb"
    stick.mkdir()
    import intake.collect as collect_module

    real_copy, copies = collect_module._copy, []

    def copy_until_full(source, target):
        if len(copies) == 2:
            raise OSError(28, "No space left on device")
        copies.append(source.name)
        return real_copy(source, target)

    monkeypatch.setattr(collect_module, "_copy", copy_until_full)
    with pytest.raises(UserError) as caught:
        collect_to_directory(Store(client.data_dir), stick)
    assert "after 2 submission(s)" in str(caught.value)
    on_stick = {p.name for p in stick.iterdir()}
    on_server = {p.name for p in client.submissions()}
    assert on_stick == set(copies) and not on_stick & on_server  # moved ones only, each in one place
    assert on_stick | on_server == set(originals)
    assert not [p for p in stick.iterdir() if p.name.startswith(".")]  # no partial file
    monkeypatch.setattr(collect_module, "_copy", real_copy)
    # As if the previous run died after copying but before deleting one file:
    leftover = sorted(on_server)[0]
    (stick / leftover).write_bytes(originals[leftover])
    result = collect_to_directory(Store(client.data_dir), stick)
    assert (result.moved, result.already_there) == (2, 1)
    assert client.submissions() == []
    assert {p.name: p.read_bytes() for p in stick.glob("*.age")} == originals
    assert intake("import", "--vault", tmp_path / "vault", "-i", key, stick).returncode == 0
    assert len(listed(tmp_path / "vault", key)) == 5


def test_destination_problems_delete_nothing(tmp_path, server):
    client, _ = server
    before = client.submissions()
    missing = intake("collect", tmp_path / "not-mounted", "--data-dir", client.data_dir)
    # Missing, and its parent on the server's own disk (an unmounted stick's folder): refused.
    assert missing.returncode == 1 and "(is the USB stick mounted?)" in missing.stderr.decode()
    assert not (tmp_path / "not-mounted").exists()
    assert client.submissions() == before


def test_collect_never_touches_uploads_in_progress(tmp_path, server):
    client, _ = server
    pending = client.data_dir / "tmp" / "123-abc.part"
    pending.write_bytes(b"age-encryption.org/v1\n...")
    stick = tmp_path / "usb"
    stick.mkdir()
    assert intake("collect", stick, "--data-dir", client.data_dir).returncode == 0
    assert pending.exists() and not (stick / pending.name).exists()


def test_keep_copies_without_deleting(tmp_path, server):
    client, _ = server
    stick = tmp_path / "usb"
    stick.mkdir()
    assert intake("collect", stick, "--keep", "--data-dir", client.data_dir).returncode == 0
    assert len(client.submissions()) == 5 and len(list(stick.glob("*.age"))) == 5
    again = intake("collect", stick, "--keep", "--data-dir", client.data_dir)
    assert "(5 were already there)" in again.stderr.decode()


def test_tar_stream_round_trip_then_delete_listed(tmp_path, server):
    client, key = server
    batch = tmp_path / "batch.tar"
    with open(batch, "wb") as out:
        result = intake("collect", "-", "--data-dir", client.data_dir, stdout=out)
    assert result.returncode == 0 and "nothing deleted" in result.stderr.decode()
    assert len(client.submissions()) == 5
    imported = intake("import", "--vault", tmp_path / "vault", "-i", key, batch)
    assert imported.returncode == 0, imported.stderr
    assert len(listed(tmp_path / "vault", key)) == 5
    assert not [p for p in (tmp_path / "vault").iterdir() if p.name.startswith(".incoming")]
    with tarfile.open(batch) as tar:
        manifest = tar.extractfile("MANIFEST.sha256").read()
    (tmp_path / "MANIFEST.sha256").write_bytes(manifest)
    deleted = intake("collect", "--delete-listed", tmp_path / "MANIFEST.sha256", "--data-dir", client.data_dir)
    assert deleted.returncode == 0 and "deleted 5" in deleted.stderr.decode()
    assert client.submissions() == []


def test_a_tar_member_that_does_not_match_its_manifest_is_rejected(tmp_path, server):
    client, key = server
    buffer = io.BytesIO()
    from intake.collect import collect_to_tar

    collect_to_tar(Store(client.data_dir), buffer)
    with tarfile.open(fileobj=io.BytesIO(buffer.getvalue())) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as tar:
        for number, (member, data) in enumerate(members):
            if number == 0:  # damage the first submission in transit
                data = data[:-1] + bytes([data[-1] ^ 1])
            tar.addfile(member, io.BytesIO(data))
    result = intake("import", "--vault", tmp_path / "vault", "-i", key, "--format", "json", bad)
    assert result.returncode == 1
    outcomes = json.loads(result.stdout)
    assert [o["reason"] for o in outcomes if o["result"] == "quarantined"] == ["does not match the collect manifest (damaged in transit?)"]
    assert sum(o["result"] == "imported" for o in outcomes) == 4


def test_retention_deletes_only_old_uncollected_submissions(tmp_path, server):
    client, _ = server
    store = Store(client.data_dir)
    old, recent = client.submissions()[:2], client.submissions()[2:]
    day = 86400
    now = time.time()
    for path in old:
        os.utime(path, (now - 40 * day, now - 40 * day))
    pending = client.data_dir / "tmp" / "9-old.part"
    pending.write_bytes(b"x")
    os.utime(pending, (now - 400 * day, now - 400 * day))
    assert expire(store, 30, now=now) == 2
    assert client.submissions() == recent
    assert pending.exists()  # an upload in progress is not a stored submission
    assert expire(store, 30, now=now) == 0


def test_overwrite_before_unlink_zeroes_the_blocks_it_can(tmp_path):
    path = tmp_path / "x.age"
    path.write_bytes(b"ciphertext" * 10_000)
    with open(path, "rb") as f:
        size = len(f.read())
    reopened = os.open(path, os.O_RDONLY)  # keep the inode alive to look at it after unlink
    try:
        overwrite_and_unlink(path)
        assert not path.exists()
        assert os.read(reopened, size) == bytes(size)
    finally:
        os.close(reopened)
