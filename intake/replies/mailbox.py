"""From a receipt code to a mailbox: its id on the server and the age identity that opens it.

    master      = Argon2id(code, salt = SALT, t = 2, m = 64 MiB, p = 1)
    mailbox id  = HKDF-SHA256(master, info = "intake.replies/v1 mailbox id")[:16], base32
    identity    = HybridIdentity(HKDF-SHA256(master, info = "intake.replies/v1 mlkem768x25519 seed"))

`code` is the receipt's symbols without separators, upper case (so a code typed in lower case,
with spaces or without dashes derives the same mailbox). The KDF is memory-hard because a
server that is compromised while running sees mailbox ids and could otherwise test guesses
cheaply; the codes carry 100 random bits, so the KDF is a second line, not the only one. The
cost (0.19–0.25 s of one core, bench/bench_replies.py) is what a lookup may take on a 2-core
server: RFC 9106's second option (t = 3, 4 lanes) costs 0.33 s of CPU. One lane, so a lookup
never takes both cores from the reporters sending reports. Each value has its own HKDF label,
so the id (which the server sees) says nothing about the key.

These parameters are part of the format: a code issued today must derive the same mailbox in
years. Change them only with a new label (v2) and a reader for both.
"""

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..age.hybrid import HybridIdentity
from ..age.recipients import HybridRecipient
from ..receipt import normalize_receipt

SALT = b"intake.replies/v1 receipt code"
ARGON2_ITERATIONS, ARGON2_MEMORY_KIB, ARGON2_LANES = 2, 64 * 1024, 1
_ID_LABEL = b"intake.replies/v1 mailbox id"
_IDENTITY_LABEL = b"intake.replies/v1 mlkem768x25519 seed"
MAILBOX_ID_LENGTH = 26  # 16 bytes in base32, no padding


@dataclass(frozen=True)
class Mailbox:
    """The derived mailbox of one receipt code. `identity` is secret: never log or store it."""

    id: str
    identity: HybridIdentity

    @property
    def recipient(self) -> HybridRecipient:
        return self.identity.recipient()

    def __repr__(self) -> str:  # never the identity
        return f"<Mailbox {self.id}>"


def code_symbols(typed: str) -> str | None:
    """The receipt's symbols as the KDF takes them, or None when `typed` is not a receipt code."""
    canonical = normalize_receipt(typed)
    return canonical.replace("-", "") if canonical else None


def _expand(master: bytes, label: bytes, size: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=size, salt=None, info=label).derive(master)


def derive(typed: str) -> Mailbox | None:
    """The mailbox of a typed receipt code; None when it is not a valid code (nothing derived)."""
    symbols = code_symbols(typed)
    if symbols is None:
        return None
    master = Argon2id(salt=SALT, length=32, iterations=ARGON2_ITERATIONS, lanes=ARGON2_LANES,
                      memory_cost=ARGON2_MEMORY_KIB).derive(symbols.encode("ascii"))
    mailbox_id = base64.b32encode(_expand(master, _ID_LABEL, 16)).decode("ascii").rstrip("=").lower()
    return Mailbox(mailbox_id, HybridIdentity(_expand(master, _IDENTITY_LABEL, 32)))


def is_mailbox_id(text: str) -> bool:
    return len(text) == MAILBOX_ID_LENGTH and all(c in "abcdefghijklmnopqrstuvwxyz234567" for c in text)
