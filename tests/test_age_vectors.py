"""The C2SP CCTV age vectors: every file gives its expected outcome and plaintext hash.

The vector files are copied unmodified from C2SP/CCTV (tests/vectors/age/SOURCE.txt records the
commit). `payload` is the hash of all plaintext released, also when decryption later fails.
"""

import hashlib
import io
import zlib
from pathlib import Path

import pytest

from intake import age

VECTORS = Path(__file__).parent / "vectors" / "age"
NOT_VECTORS = {"LICENSE", "README.md", "SOURCE.txt"}
EXPECTED_ERROR = {
    "no match": age.NoIdentityMatchError,
    "HMAC failure": age.HMACError,
    "header failure": age.HeaderError,
    "payload failure": age.PayloadError,
    "armor failure": age.ArmorError,
}


def load_vector(path: Path) -> tuple[dict[str, list[str]], bytes]:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n\n")
    fields: dict[str, list[str]] = {}
    for line in head.decode().splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    if fields.get("compressed") == ["zlib"]:
        body = zlib.decompress(body)
    return fields, body


def vector_identities(fields: dict) -> list:
    return [age.parse_identity(s) for s in fields.get("identity", [])] + [
        age.ScryptIdentity(p) for p in fields.get("passphrase", [])
    ]


def vector_paths() -> list[Path]:
    return sorted(p for p in VECTORS.iterdir() if p.name not in NOT_VECTORS)


def test_all_143_vectors_are_present():
    assert len(vector_paths()) == 143


@pytest.mark.parametrize("path", vector_paths(), ids=lambda p: p.name)
def test_vector(path: Path):
    fields, body = load_vector(path)
    identities = vector_identities(fields)
    expect = fields["expect"][0]
    released = bytearray()
    error = None
    try:
        reader = age.decrypt(identities, io.BytesIO(body), armored=fields.get("armored") == ["yes"])
        while chunk := reader.read(4096):
            released += chunk
    except age.AgeError as exc:
        error = exc
    if expect == "success":
        assert error is None, f"unexpected {type(error).__name__}: {error}"
    else:
        assert isinstance(error, EXPECTED_ERROR[expect]), f"expected {expect}, got {error!r}"
    if "payload" in fields:
        assert hashlib.sha256(released).hexdigest() == fields["payload"][0]


def binary_vector_paths() -> list[Path]:
    return [p for p in vector_paths() if load_vector(p)[0].get("armored") != ["yes"]]


@pytest.mark.parametrize("path", binary_vector_paths(), ids=lambda p: p.name)
def test_vector_random_access(path: Path):
    """The random-access reader agrees with the sequential one on every binary vector."""
    fields, body = load_vector(path)
    identities = vector_identities(fields)
    expect = fields["expect"][0]
    try:
        plaintext = age.open_random_access(identities, io.BytesIO(body)).read()
    except age.AgeError as exc:
        assert expect != "success", f"unexpected {exc!r}"
        assert isinstance(exc, EXPECTED_ERROR[expect])
        return
    assert expect == "success"
    assert hashlib.sha256(plaintext).hexdigest() == fields["payload"][0]
