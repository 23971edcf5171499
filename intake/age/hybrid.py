"""The post-quantum hybrid identity (mlkem768x25519): a 32-byte seed that opens a file's stanza.

Kept apart from identities.py (which parses identity strings and files) so that a process may
open files with a key it derived itself, as the web intake's messages page does with the key a
receipt code derives (intake/replies), without being able to load any identity it is given.
"""

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from . import bech32
from .errors import HeaderError, KeyFormatError
from .format import Stanza, b64decode
from .primitives import FILE_KEY_SIZE
from .recipients import HYBRID_ENC_SIZE, HYBRID_LABEL, HYBRID_SUITE, HybridRecipient

WRAPPED_SIZE = FILE_KEY_SIZE + 16


def single_arg(stanza: Stanza, what: str) -> bytes:
    if len(stanza.args) != 1:
        raise HeaderError(f"invalid {what} stanza (wrong number of arguments)")
    if len(stanza.body) != WRAPPED_SIZE:
        raise HeaderError(f"invalid {what} stanza (wrong body length)")
    return b64decode(stanza.args[0].encode())



class HybridIdentity:
    """A post-quantum `AGE-SECRET-KEY-PQ-1…` identity: a 32-byte seed.

    The seed expands with SHAKE-256 into the ML-KEM-768 seed (64 bytes) and the X25519 key
    (32 bytes), as X-Wing specifies; HPKE's own DeriveKeyPair must not be applied on top.
    """

    def __init__(self, seed: bytes):
        if len(seed) != 32:
            raise KeyFormatError("invalid post-quantum identity length")
        self._seed = bytes(seed)
        expanded = hashlib.shake_256(self._seed).digest(96)
        mlkem = MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
        self._x25519 = X25519PrivateKey.from_private_bytes(expanded[64:])
        self._key = hpke.MLKEM768X25519PrivateKey(mlkem, self._x25519)
        self._public = mlkem.public_key().public_bytes_raw() + self._x25519.public_key().public_bytes_raw()

    @classmethod
    def generate(cls) -> "HybridIdentity":
        return cls(os.urandom(32))

    def to_secret_string(self) -> str:
        """The identity as age writes it. This is the secret: never log or print it."""
        return bech32.encode("age-secret-key-pq-", self._seed).upper()

    def recipient(self) -> HybridRecipient:
        return HybridRecipient(self._public)

    def __repr__(self) -> str:  # never the secret
        return f"<HybridIdentity for {str(self.recipient())[:20]}…>"

    def unwrap(self, stanzas: list[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != "mlkem768x25519":
                continue
            enc = single_arg(stanza, "mlkem768x25519")
            if len(enc) != HYBRID_ENC_SIZE:
                raise HeaderError("invalid mlkem768x25519 stanza (wrong encapsulation length)")
            # HPKE reports every failure as InvalidTag; a low-order X25519 share is a malformed
            # header, not "someone else's file", so it is checked separately first.
            try:
                self._x25519.exchange(X25519PublicKey.from_public_bytes(enc[-32:]))
            except ValueError:
                raise HeaderError("invalid mlkem768x25519 stanza (low-order share)") from None
            try:
                return HYBRID_SUITE.decrypt(enc + stanza.body, self._key, info=HYBRID_LABEL)
            except InvalidTag:
                continue
        return None
