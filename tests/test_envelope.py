"""The submission envelope: streamed ZIP inside age, safe names, exact Padmé padding."""

import io
import zipfile
from unittest import mock

import pytest

from intake import age
from intake.envelope import Envelope, safe_entry_name
from intake.padding import padme


@pytest.fixture(scope="module")
def identity():
    return age.HybridIdentity.generate()


def sealed_plaintext(identity, tmp_path, sizes, report=None) -> bytes:
    envelope = Envelope([identity.recipient()], tmp_path)
    for n, size in enumerate(sizes):
        envelope.attachment_sink(f"file{n}.bin", "application/octet-stream").write(b"\7" * size)
    path = envelope.seal(report or {"schema": "test"})
    with open(path, "rb") as f:
        return age.decrypt([identity], f).read()


@pytest.mark.parametrize("sizes", [[], [1], [0, 5], [65536, 3], [1_000_003], [10, 20, 30, 40]])
def test_plaintext_is_exactly_a_padme_size_and_a_valid_zip(identity, tmp_path, sizes):
    plaintext = sealed_plaintext(identity, tmp_path, sizes)
    assert len(plaintext) == padme(len(plaintext))
    archive = zipfile.ZipFile(io.BytesIO(plaintext))
    assert archive.testzip() is None
    assert [archive.read(n) for n in archive.namelist() if n.startswith("attachments/")] == [b"\7" * s for s in sizes if s]


def test_padding_stays_exact_when_zip64_records_appear(identity, tmp_path):
    """Past zipfile's ZIP64 limit the central directory grows; simulated with a low limit."""
    with mock.patch.object(zipfile, "ZIP64_LIMIT", 40_000):
        plaintext = sealed_plaintext(identity, tmp_path, [50_000, 100])
    assert len(plaintext) == padme(len(plaintext))
    assert zipfile.ZipFile(io.BytesIO(plaintext)).read("attachments/02-file1.bin") == b"\7" * 100


def test_padme_overhead_is_bounded():
    for length in [2, 3, 100, 1000, 65536, 10**6, 123_456_789, 10**9]:
        assert length <= padme(length) <= length * 1.12 + 1
    assert [padme(n) for n in range(0, 9)] == [0, 1, 2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize(
    "original, expected",
    [
        ("../../etc/passwd", "attachments/01-passwd"),
        ("C:\\Users\\me\\photo.jpg", "attachments/01-photo.jpg"),
        (".bashrc", "attachments/01-bashrc"),
        ("a\x00b\u202ec.txt", "attachments/01-abc.txt"),
        ('what?<>:"|*.pdf', "attachments/01-what.pdf"),
        ("", "attachments/01-file"),
        ("通知 书.pdf", "attachments/01-通知_书.pdf"),
    ],
)
def test_safe_entry_names(original, expected):
    assert safe_entry_name(1, original) == expected


def test_long_names_are_cut_in_bytes_keeping_the_extension():
    name = safe_entry_name(3, "😀" * 200 + ".jpeg")
    assert len(name.removeprefix("attachments/03-").encode()) <= 120
    assert name.endswith(".jpeg") and "\ufffd" not in name


def test_discard_removes_the_pending_ciphertext(identity, tmp_path):
    envelope = Envelope([identity.recipient()], tmp_path)
    envelope.attachment_sink("a.txt", "text/plain").write(b"secret" * 1000)
    envelope.discard()
    envelope.discard()  # idempotent
    assert list(tmp_path.iterdir()) == []


def test_too_many_attachments(identity, tmp_path):
    from intake.envelope import TooManyAttachments

    envelope = Envelope([identity.recipient()], tmp_path, max_attachments=2)
    for n in range(2):
        envelope.attachment_sink(f"{n}", "").write(b"x")
    with pytest.raises(TooManyAttachments):
        envelope.attachment_sink("3", "").write(b"x")
    envelope.discard()


def test_pending_file_is_ciphertext_from_the_first_byte(identity, tmp_path):
    envelope = Envelope([identity.recipient()], tmp_path)
    envelope.attachment_sink("a.txt", "text/plain").write(b"PLAINTEXT-MARKER" * 10_000)
    envelope._file.flush()
    (pending,) = tmp_path.iterdir()
    data = pending.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n") and b"PLAINTEXT-MARKER" not in data
    envelope.discard()


def test_a_sealed_envelope_that_was_never_published_is_removed(identity, tmp_path):
    """A publish that fails after sealing (e.g. the rename) must not leave ciphertext in tmp/."""
    envelope = Envelope([identity.recipient()], tmp_path)
    envelope.seal({"schema": "test"})
    assert list(tmp_path.iterdir())
    envelope.discard()
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_starting_the_envelope_leaves_nothing(tmp_path):
    with pytest.raises(ValueError):
        Envelope([], tmp_path)  # no recipients: age refuses before any byte is written
    assert list(tmp_path.iterdir()) == []
