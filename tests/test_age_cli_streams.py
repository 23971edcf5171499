"""The whole-stream copies behind `intake encrypt`/`intake decrypt`: AgeWriter.read_from and
AgeReader.write_to, which read, seal or open, and write batches on several threads.

They must produce exactly what the one-chunk-at-a-time paths produce, fail with the same errors
at the same place, and write nothing of a chunk that did not authenticate.
"""

import io
import os
import random
import shutil
import subprocess
import sys
import threading

import pytest

from intake import age
from intake.age.stream import (
    CHUNK_SIZE,
    ENC_CHUNK_SIZE,
    NONCE_SIZE,
    OPEN_BATCH_CHUNKS,
    SEAL_BATCH_CHUNKS,
    PayloadReader,
    PayloadWriter,
)
from tooling import require

# Plaintext bytes per batch: read_from seals batches of SEAL, write_to opens batches of OPEN.
SEAL, OPEN = SEAL_BATCH_CHUNKS * CHUNK_SIZE, OPEN_BATCH_CHUNKS * CHUNK_SIZE
BATCH = max(SEAL, OPEN)
SIZES = sorted({0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, *(n + d for n in (SEAL, 2 * SEAL, OPEN, 2 * OPEN) for d in (-1, 0, 1)),
                3 * OPEN + CHUNK_SIZE, 3 * BATCH + 12345})
WORKERS = [1, 2, 3]
FILE_KEY = bytes(range(16))
NONCE = bytes(range(100, 100 + NONCE_SIZE))


class Trickle(io.RawIOBase):
    """A source that hands out a few random bytes at a time, like a slow pipe."""

    def __init__(self, data: bytes, seed: int = 1):
        self._data = memoryview(data)
        self._random = random.Random(seed)

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        n = min(len(buf), len(self._data), self._random.choice([1, 7, 4096, 70000]))
        buf[:n] = self._data[:n]
        self._data = self._data[n:]
        return n


class Pausing(io.RawIOBase):
    """A source that reports an end once at `pause_at`, then goes on, as a terminal does."""

    def __init__(self, data: bytes, pause_at: int):
        self._data = io.BytesIO(data)
        self._pause_at = pause_at

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        pos = self._data.tell()
        if pos == self._pause_at:
            self._pause_at = -1
            return 0
        if pos < self._pause_at:
            buf = memoryview(buf)[: self._pause_at - pos]
        return self._data.readinto(buf)


class ShortWrites:
    """A sink that takes at most 1000 bytes per write() and says so, like a raw pipe."""

    def __init__(self):
        self.data = bytearray()

    def write(self, data) -> int:
        n = min(len(data), 1000)
        self.data += memoryview(data)[:n]
        return n


class FailingSink:
    def __init__(self, after: int):
        self.left = after

    def write(self, data) -> int:
        if self.left < len(data):
            raise OSError(28, "No space left on device")
        self.left -= len(data)
        return len(data)


class FailingSource(io.RawIOBase):
    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        n = self._data.readinto(buf)
        if not n:
            raise OSError(5, "Input/output error")
        return n


def payload_by_writes(data: bytes, pieces=(CHUNK_SIZE,)) -> bytes:
    out = io.BytesIO()
    writer = PayloadWriter(out, FILE_KEY, _nonce=NONCE)
    view = memoryview(data)
    size = pieces[0]
    while view:
        writer.write(bytes(view[:size]))
        view = view[size:]
    writer.close()
    return out.getvalue()


def payload_by_read_from(src, workers: int, before: bytes = b"", after: bytes = b"") -> bytes:
    out = io.BytesIO()
    writer = PayloadWriter(out, FILE_KEY, _nonce=NONCE)
    writer.write(before)
    writer.read_from(src, workers=workers)
    writer.write(after)
    writer.close()
    return out.getvalue()


def sequential_plaintext(payload: bytes) -> tuple[bytes, str | None]:
    """What readinto() hands out before it fails, and its error message."""
    reader = PayloadReader(io.BytesIO(payload[NONCE_SIZE:]), FILE_KEY, NONCE)
    got = bytearray()
    buf = bytearray(CHUNK_SIZE)
    try:
        while n := reader.readinto(buf):
            got += buf[:n]
    except age.PayloadError as exc:
        return bytes(got), str(exc)
    return bytes(got), None


def parallel_plaintext(payload: bytes, workers: int, sink=None) -> tuple[bytes, str | None]:
    reader = PayloadReader(io.BytesIO(payload[NONCE_SIZE:]), FILE_KEY, NONCE)
    sink = sink if sink is not None else io.BytesIO()
    try:
        written = reader.write_to(sink, workers=workers)
    except age.PayloadError as exc:
        return _sink_bytes(sink), str(exc)
    assert written == len(_sink_bytes(sink))
    return _sink_bytes(sink), None


def _sink_bytes(sink) -> bytes:
    return bytes(sink.data) if isinstance(sink, ShortWrites) else sink.getvalue()


@pytest.mark.parametrize("workers", WORKERS)
@pytest.mark.parametrize("size", SIZES)
def test_read_from_writes_the_same_payload_as_write(size, workers):
    data = os.urandom(size)
    assert payload_by_read_from(io.BytesIO(data), workers) == payload_by_writes(data)


@pytest.mark.parametrize("workers", WORKERS)
def test_read_from_after_and_before_writes_and_from_a_trickling_source(workers):
    data = os.urandom(3 * BATCH + 5000)
    expected = payload_by_writes(data)
    for cut in (0, 1, 100, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 3):
        assert payload_by_read_from(io.BytesIO(data[cut:-10]), workers, data[:cut], data[-10:]) == expected, cut
    assert payload_by_read_from(Trickle(data), workers) == expected


@pytest.mark.parametrize("workers", WORKERS)
@pytest.mark.parametrize("size", SIZES)
def test_write_to_gives_the_same_plaintext_as_reading(size, workers):
    data = os.urandom(size)
    payload = payload_by_writes(data)
    assert parallel_plaintext(payload, workers) == (data, None)
    assert parallel_plaintext(payload, workers, ShortWrites()) == (data, None)


def damaged_payloads(payload: bytes):
    chunks = (len(payload) - NONCE_SIZE + ENC_CHUNK_SIZE - 1) // ENC_CHUNK_SIZE
    for index in (0, 1, 2, 3, chunks // 2, chunks - 2, chunks - 1):
        flipped = bytearray(payload)
        flipped[NONCE_SIZE + index * ENC_CHUNK_SIZE + 10] ^= 1
        yield f"chunk {index} tampered", bytes(flipped)
    for index in (1, 2, 3, chunks - 1):
        cut = NONCE_SIZE + index * ENC_CHUNK_SIZE
        yield f"cut before chunk {index}", payload[:cut]
        yield f"cut inside chunk {index}", payload[: cut + 100]
    yield "cut inside the tag", payload[:-5]
    yield "trailing data", payload + b"x"
    yield "trailing chunk", payload + payload[-ENC_CHUNK_SIZE:]
    yield "empty", payload[:NONCE_SIZE]


@pytest.mark.parametrize("workers", WORKERS)
@pytest.mark.parametrize("size", [5 * BATCH + 3000, 4 * BATCH])
def test_damage_fails_at_the_same_place_with_the_same_error(size, workers):
    payload = payload_by_writes(os.urandom(size))
    for what, bad in damaged_payloads(payload):
        expected = sequential_plaintext(bad)
        assert expected[1] is not None, what
        assert parallel_plaintext(bad, workers) == expected, what


@pytest.mark.parametrize("workers", WORKERS)
def test_a_full_final_chunk_followed_by_data_fails_as_trailing_data(workers):
    payload = payload_by_writes(os.urandom(2 * BATCH))  # ends with a full-length final chunk
    plain, error = parallel_plaintext(payload + b"more", workers)
    assert (plain, error) == sequential_plaintext(payload + b"more")
    assert error == "trailing data after the end of the payload"


@pytest.mark.parametrize("workers", WORKERS)
def test_a_broken_reader_stays_broken(workers):
    payload = payload_by_writes(os.urandom(3 * BATCH))
    bad = bytearray(payload)
    bad[NONCE_SIZE + 3 * ENC_CHUNK_SIZE + 1] ^= 1
    reader = PayloadReader(io.BytesIO(bytes(bad[NONCE_SIZE:])), FILE_KEY, NONCE)
    with pytest.raises(age.PayloadError):
        reader.write_to(io.BytesIO(), workers=workers)
    with pytest.raises(age.PayloadError):
        reader.readinto(bytearray(10))


@pytest.mark.parametrize("workers", WORKERS)
def test_an_end_reported_early_fails_as_readinto_fails(workers):
    """A terminal may report an end, then give more: readinto() only looks past the final chunk."""
    payload = payload_by_writes(os.urandom(3 * BATCH + 10))[NONCE_SIZE:]
    for pause in (ENC_CHUNK_SIZE, 3 * ENC_CHUNK_SIZE, len(payload) - 5, len(payload)):
        payload_and_more = payload + b"more"
        readers = [PayloadReader(Pausing(payload_and_more, pause), FILE_KEY, NONCE) for _ in range(2)]
        expected = io.BytesIO()
        try:
            while chunk := readers[0].read(CHUNK_SIZE):
                expected.write(chunk)
            expected_error = None
        except age.PayloadError as exc:
            expected_error = str(exc)
        got = io.BytesIO()
        try:
            readers[1].write_to(got, workers=workers)
            error = None
        except age.PayloadError as exc:
            error = str(exc)
        assert (got.getvalue(), error) == (expected.getvalue(), expected_error), pause


def test_write_to_continues_after_readinto():
    data = os.urandom(3 * BATCH + 17)
    reader = PayloadReader(io.BytesIO(payload_by_writes(data)[NONCE_SIZE:]), FILE_KEY, NONCE)
    head = bytearray(100_000)
    n = reader.readinto(head)
    out = io.BytesIO()
    reader.write_to(out, workers=2)
    assert bytes(head[:n]) + out.getvalue() == data
    assert reader.readinto(bytearray(10)) == 0


@pytest.mark.parametrize("workers", WORKERS)
def test_a_failing_sink_raises_and_stops_every_thread(workers):
    before = threading.active_count()
    payload = payload_by_writes(os.urandom(6 * BATCH))
    reader = PayloadReader(io.BytesIO(payload[NONCE_SIZE:]), FILE_KEY, NONCE)
    with pytest.raises(OSError, match="No space"):
        reader.write_to(FailingSink(after=2 * BATCH + 5), workers=workers)
    out = FailingSink(after=3 * BATCH)
    writer = PayloadWriter(out, FILE_KEY, _nonce=NONCE)
    with pytest.raises(OSError, match="No space"):
        writer.read_from(io.BytesIO(os.urandom(6 * BATCH)), workers=workers)
    assert threading.active_count() == before


@pytest.mark.parametrize("workers", WORKERS)
def test_a_failing_source_leaves_the_file_unfinished(workers, x25519_identity):
    out = io.BytesIO()
    writer = age.encrypt([x25519_identity.recipient()], out)
    with pytest.raises(OSError, match="Input/output"):
        writer.read_from(FailingSource(os.urandom(3 * BATCH + 99)))
    writer.close()  # adds no final chunk: the output must not pass for a shorter file
    with pytest.raises(age.PayloadError):
        age.decrypt([x25519_identity], io.BytesIO(out.getvalue())).read()


@pytest.mark.parametrize("armor", [False, True])
def test_age_writer_and_reader_round_trip(x25519_identity, armor):
    data = os.urandom(5 * BATCH + 77)
    out = io.BytesIO()
    writer = age.encrypt([x25519_identity.recipient()], out, armor=armor)
    assert writer.read_from(io.BytesIO(data)) == len(data)
    writer.close()
    plain = io.BytesIO()
    reader = age.decrypt([x25519_identity], io.BytesIO(out.getvalue()), armored=armor)
    assert reader.write_to(plain) == len(data)
    assert plain.getvalue() == data


# --- the command line, stdin to stdout through real files ------------------------------------


def intake(*args, stdin, stdout):
    return subprocess.run([sys.executable, "-m", "intake", *map(str, args)], stdin=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=120)


@pytest.fixture
def key_pair(tmp_path, x25519_identity):
    key = tmp_path / "key.txt"
    key.write_text(x25519_identity.to_secret_string() + "\n")
    return key, str(x25519_identity.recipient())


def test_cli_stdin_to_stdout_round_trip_through_files(tmp_path, key_pair):
    key, recipient = key_pair
    data = os.urandom(9 * BATCH + 4321)
    (tmp_path / "plain").write_bytes(data)
    with open(tmp_path / "plain", "rb") as src, open(tmp_path / "enc", "wb") as dst:
        assert intake("encrypt", "-r", recipient, stdin=src, stdout=dst).returncode == 0
    with open(tmp_path / "enc", "rb") as src, open(tmp_path / "dec", "wb") as dst:
        assert intake("decrypt", "-i", key, stdin=src, stdout=dst).returncode == 0
    assert (tmp_path / "dec").read_bytes() == data


def test_cli_decrypt_to_stdout_writes_only_authenticated_chunks(tmp_path, key_pair):
    key, recipient = key_pair
    data = os.urandom(9 * BATCH)
    encrypted = age.encrypt_bytes([age.parse_recipient(recipient)], data)
    payload_start = len(encrypted) - (len(data) // CHUNK_SIZE) * ENC_CHUNK_SIZE
    bad = bytearray(encrypted)
    broken = 2 * OPEN_BATCH_CHUNKS + 3  # inside the third batch: two whole batches come out first
    bad[payload_start + broken * ENC_CHUNK_SIZE + 3] ^= 1
    (tmp_path / "bad").write_bytes(bad)
    with open(tmp_path / "bad", "rb") as src, open(tmp_path / "dec", "wb") as dst:
        result = intake("decrypt", "-i", key, stdin=src, stdout=dst)
    assert result.returncode == 1
    assert result.stderr.decode().startswith("intake: error: the file is corrupted or truncated: payload chunk failed")
    assert (tmp_path / "dec").read_bytes() == data[: broken * CHUNK_SIZE]


def test_cli_streams_interoperate_with_the_age_cli(tmp_path, key_pair):
    require(bool(shutil.which("age")), "the age CLI is not on PATH")
    key, recipient = key_pair
    data = os.urandom(6 * BATCH + 1)
    (tmp_path / "plain").write_bytes(data)
    with open(tmp_path / "plain", "rb") as src, open(tmp_path / "ours.age", "wb") as dst:
        assert intake("encrypt", "-r", recipient, stdin=src, stdout=dst).returncode == 0
    assert subprocess.run(["age", "-d", "-i", key, tmp_path / "ours.age"], capture_output=True, check=True).stdout == data
    with open(tmp_path / "plain", "rb") as src, open(tmp_path / "theirs.age", "wb") as dst:
        subprocess.run(["age", "-r", recipient], stdin=src, stdout=dst, check=True)
    with open(tmp_path / "theirs.age", "rb") as src, open(tmp_path / "dec", "wb") as dst:
        assert intake("decrypt", "-i", key, stdin=src, stdout=dst).returncode == 0
    assert (tmp_path / "dec").read_bytes() == data
