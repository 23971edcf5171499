"""The small cryptographic helpers the spec names: HKDF-SHA-256, the header MAC, the file key."""

import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FILE_KEY_SIZE = 16
_ZERO_NONCE = bytes(12)


def hkdf(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(hashes.SHA256(), length, salt or None, info).derive(ikm)


def new_file_key() -> bytes:
    return os.urandom(FILE_KEY_SIZE)


def header_mac(file_key: bytes, mac_input: bytes) -> bytes:
    return hmac.new(hkdf(file_key, b"", b"header"), mac_input, "sha256").digest()


def mac_matches(expected: bytes, actual: bytes) -> bool:
    return hmac.compare_digest(expected, actual)


def aead_wrap(key: bytes, file_key: bytes) -> bytes:
    # A zero nonce is safe: every wrap key is derived afresh and used exactly once.
    return ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)


def aead_unwrap(key: bytes, body: bytes) -> bytes:
    """Raise cryptography's InvalidTag when the key is wrong."""
    return ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, body, None)
