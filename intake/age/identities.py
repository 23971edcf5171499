"""Identities: the secret side. Each tries to unwrap a file key from a header's stanzas.

unwrap() returns the file key, or None when no stanza is for this identity; it raises
HeaderError when a stanza of its own type is malformed (a malformed stanza is an attack or a
bug, never a reason to try the next one quietly).

This module parses identity strings (AGE-SECRET-KEY-…): the web intake can never import it
(intake/web/wsgi.py). The post-quantum identity itself lives in hybrid.py, which the web's
messages page uses with a key derived in memory from a receipt code (intake/replies).
"""

import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from . import bech32
from .errors import HeaderError, KeyFormatError
from .format import Stanza, b64decode
from .primitives import aead_unwrap, hkdf
from .hybrid import WRAPPED_SIZE, HybridIdentity, single_arg
from .recipients import X25519_LABEL, X25519Recipient, parse_key_lines, scrypt_key

__all__ = ["HybridIdentity", "Identity", "ScryptIdentity", "X25519Identity", "generate_identity", "parse_identity",
           "parse_identities_file"]

DEFAULT_MAX_SCRYPT_WORK_FACTOR = 22  # 4 GiB of memory; refuse more (a file could demand any)
_WORK_FACTOR = re.compile(r"[1-9][0-9]{0,2}")


class X25519Identity:
    """A classic `AGE-SECRET-KEY-1…` identity."""

    def __init__(self, secret: bytes):
        if len(secret) != 32:
            raise KeyFormatError("invalid X25519 identity length")
        self._secret = bytes(secret)
        self._key = X25519PrivateKey.from_private_bytes(self._secret)
        self._public = self._key.public_key().public_bytes_raw()

    @classmethod
    def generate(cls) -> "X25519Identity":
        return cls(os.urandom(32))

    def to_secret_string(self) -> str:
        """The identity as age writes it. This is the secret: never log or print it."""
        return bech32.encode("age-secret-key-", self._secret).upper()

    def recipient(self) -> X25519Recipient:
        return X25519Recipient(self._public)

    def __repr__(self) -> str:  # never the secret
        return f"<X25519Identity for {self.recipient()}>"

    def unwrap(self, stanzas: list[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != "X25519":
                continue
            share = single_arg(stanza, "X25519")
            if len(share) != 32:
                raise HeaderError("invalid X25519 stanza (wrong share length)")
            try:
                shared = self._key.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:
                raise HeaderError("invalid X25519 stanza (low-order share)") from None
            key = hkdf(shared, share + self._public, X25519_LABEL)
            try:
                return aead_unwrap(key, stanza.body)
            except InvalidTag:
                continue
        return None


class ScryptIdentity:
    """A passphrase, for files encrypted with `age -p` (and our protected identity files)."""

    def __init__(self, passphrase: str | bytes, max_work_factor: int = DEFAULT_MAX_SCRYPT_WORK_FACTOR):
        self._passphrase = passphrase.encode() if isinstance(passphrase, str) else bytes(passphrase)
        self.max_work_factor = max_work_factor

    def __repr__(self) -> str:
        return "<ScryptIdentity>"

    def unwrap(self, stanzas: list[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != "scrypt":
                continue
            if len(stanza.args) != 2:
                raise HeaderError("invalid scrypt stanza (wrong number of arguments)")
            if len(stanza.body) != WRAPPED_SIZE:
                raise HeaderError("invalid scrypt stanza (wrong body length)")
            salt = b64decode(stanza.args[0].encode())
            if len(salt) != 16:
                raise HeaderError("invalid scrypt stanza (wrong salt length)")
            if not _WORK_FACTOR.fullmatch(stanza.args[1]):
                raise HeaderError("invalid scrypt stanza (malformed work factor)")
            work_factor = int(stanza.args[1])
            if work_factor > self.max_work_factor:
                raise HeaderError(f"scrypt work factor {work_factor} is above the limit of {self.max_work_factor}")
            try:
                return aead_unwrap(scrypt_key(self._passphrase, salt, work_factor), stanza.body)
            except InvalidTag:
                continue
        return None


Identity = X25519Identity | HybridIdentity | ScryptIdentity


def generate_identity(post_quantum: bool = True) -> X25519Identity | HybridIdentity:
    return HybridIdentity.generate() if post_quantum else X25519Identity.generate()


def parse_identity(text: str) -> X25519Identity | HybridIdentity:
    """Parse one `AGE-SECRET-KEY-1…` or `AGE-SECRET-KEY-PQ-1…` string.

    Errors never quote the input: it is, or resembles, a secret.
    """
    text = text.strip()
    if text != text.upper():
        raise KeyFormatError("invalid identity (identities are upper case)")
    hrp, data = bech32.decode(text)
    if hrp == "age-secret-key-":
        return X25519Identity(data)
    if hrp == "age-secret-key-pq-":
        return HybridIdentity(data)
    if hrp.startswith("age-plugin-"):
        raise KeyFormatError("age plugin identities are not supported")
    raise KeyFormatError("unknown identity type")


def parse_identities_file(text: str) -> list[X25519Identity | HybridIdentity]:
    """A plain identity file as age-keygen writes it: `#` comments, blank lines, one key a line."""
    return parse_key_lines(text, parse_identity, "identities")
