"""Recipients: the public side. Each wraps a file key into one stanza.

This module is all the web intake needs; it holds no secret and cannot decrypt anything.
"""

import os
import re
from collections.abc import Callable
from typing import TypeVar

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from . import bech32
from .errors import KeyFormatError, UnsupportedRecipientError
from .format import Stanza, b64encode
from .primitives import aead_wrap, hkdf

X25519_LABEL = b"age-encryption.org/v1/X25519"
HYBRID_LABEL = b"age-encryption.org/mlkem768x25519"
SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"
HYBRID_SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
HYBRID_ENC_SIZE = hpke.KEM.MLKEM768_X25519.enc_length()  # 1120: ML-KEM ciphertext ‖ X25519 share
MLKEM_PUBLIC_SIZE = 1184
HYBRID_PUBLIC_SIZE = MLKEM_PUBLIC_SIZE + 32
DEFAULT_SCRYPT_WORK_FACTOR = 18


class X25519Recipient:
    """A classic `age1…` recipient."""

    post_quantum = False

    def __init__(self, public_bytes: bytes):
        if len(public_bytes) != 32:
            raise KeyFormatError("invalid X25519 recipient length")
        self.public_bytes = bytes(public_bytes)
        self._key = X25519PublicKey.from_public_bytes(self.public_bytes)

    def __str__(self) -> str:
        return bech32.encode("age", self.public_bytes)

    def __repr__(self) -> str:
        return f"X25519Recipient({self})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, X25519Recipient) and other.public_bytes == self.public_bytes

    def __hash__(self) -> int:
        return hash(self.public_bytes)

    def wrap(self, file_key: bytes) -> list[Stanza]:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        try:
            shared = ephemeral.exchange(self._key)
        except ValueError:  # a low-order public key: age refuses an all-zero shared secret
            raise KeyFormatError("invalid X25519 recipient (low-order point)") from None
        key = hkdf(shared, share + self.public_bytes, X25519_LABEL)
        return [Stanza("X25519", [b64encode(share).decode()], aead_wrap(key, file_key))]


class HybridRecipient:
    """A post-quantum `age1pq1…` recipient: ML-KEM-768 + X25519 (X-Wing) through HPKE."""

    post_quantum = True

    def __init__(self, public_bytes: bytes):
        if len(public_bytes) != HYBRID_PUBLIC_SIZE:
            raise KeyFormatError("invalid post-quantum recipient length")
        self.public_bytes = bytes(public_bytes)
        try:
            mlkem = MLKEM768PublicKey.from_public_bytes(self.public_bytes[:MLKEM_PUBLIC_SIZE])
        except ValueError:
            raise KeyFormatError("invalid ML-KEM-768 public key in recipient") from None
        x25519 = X25519PublicKey.from_public_bytes(self.public_bytes[MLKEM_PUBLIC_SIZE:])
        self._key = hpke.MLKEM768X25519PublicKey(mlkem, x25519)

    def __str__(self) -> str:
        return bech32.encode("age1pq", self.public_bytes)

    def __repr__(self) -> str:
        return f"HybridRecipient({str(self)[:20]}…)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HybridRecipient) and other.public_bytes == self.public_bytes

    def __hash__(self) -> int:
        return hash(self.public_bytes)

    def wrap(self, file_key: bytes) -> list[Stanza]:
        sealed = HYBRID_SUITE.encrypt(file_key, self._key, info=HYBRID_LABEL)
        enc, body = sealed[:HYBRID_ENC_SIZE], sealed[HYBRID_ENC_SIZE:]
        return [Stanza("mlkem768x25519", [b64encode(enc).decode()], body)]


class ScryptRecipient:
    """A passphrase. Must be a file's only recipient (the spec forbids mixing)."""

    post_quantum = None  # neither: a passphrase is as strong as the passphrase

    def __init__(self, passphrase: str | bytes, work_factor: int = DEFAULT_SCRYPT_WORK_FACTOR):
        if isinstance(passphrase, str):
            passphrase = passphrase.encode()
        if not passphrase:
            raise KeyFormatError("empty passphrase")
        if not 1 <= work_factor <= 30:
            raise ValueError("scrypt work factor out of range")
        self._passphrase = passphrase
        self.work_factor = work_factor

    def __repr__(self) -> str:
        return f"ScryptRecipient(work_factor={self.work_factor})"

    def wrap(self, file_key: bytes) -> list[Stanza]:
        salt = os.urandom(16)
        key = scrypt_key(self._passphrase, salt, self.work_factor)
        return [Stanza("scrypt", [b64encode(salt).decode(), str(self.work_factor)], aead_wrap(key, file_key))]


def scrypt_key(passphrase: bytes, salt: bytes, work_factor: int) -> bytes:
    return Scrypt(SCRYPT_LABEL + salt, 32, 1 << work_factor, 8, 1).derive(passphrase)


Recipient = X25519Recipient | HybridRecipient | ScryptRecipient


def parse_recipient(text: str) -> X25519Recipient | HybridRecipient:
    """Parse one `age1…` or `age1pq1…` recipient string."""
    text = text.strip()
    if text.upper().startswith("AGE-SECRET-KEY-"):
        # Never echo it: this is a secret key in a place meant for public keys.
        raise KeyFormatError("found a secret key where a public recipient was expected")
    if text.startswith(("ssh-", "ecdsa-")):
        raise UnsupportedRecipientError("SSH recipients are not supported; use an age1… recipient")
    if not text.lower().startswith("age1"):
        raise KeyFormatError("unknown recipient format (expected age1… or age1pq1…)")
    hrp, data = bech32.decode(text)
    if hrp == "age":
        return X25519Recipient(data)
    if hrp == "age1pq":
        return HybridRecipient(data)
    if re.fullmatch(r"age1[a-z0-9.+-]+", hrp):
        raise UnsupportedRecipientError("age plugin recipients are not supported")
    raise KeyFormatError("unknown recipient type")


def parse_recipients_file(text: str) -> list[X25519Recipient | HybridRecipient]:
    """One recipient per line; `#` comments and blank lines are skipped.

    Errors give the line number only: a line may hold a secret pasted by mistake.
    """
    return parse_key_lines(text, parse_recipient, "recipients")


Key = TypeVar("Key")


def parse_key_lines(text: str, parse_one: Callable[[str], Key], what: str) -> list[Key]:
    """Parse a file of one key a line (`#` comments, blank lines); errors name the line only."""
    keys: list[Key] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            keys.append(parse_one(line))
        except KeyFormatError as exc:
            raise type(exc)(f"line {number}: {exc}") from None
    if not keys:
        raise KeyFormatError(f"no {what} found")
    return keys
