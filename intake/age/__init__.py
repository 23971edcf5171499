"""The age v1 file format (c2sp.org/age) on the `cryptography` package.

Supported: `mlkem768x25519` post-quantum hybrid recipients (age1pq1…, the default for new
keys), `X25519` recipients (age1…), `scrypt` passphrases, ASCII armor, the STREAM payload
sequentially and with random access. Nothing here imports Flask or the rest of `intake`.

Encrypting::

    from intake.age import encrypt, parse_recipients_file
    with encrypt(recipients, out_file) as w:
        w.write(data)

Decrypting::

    from intake.age import decrypt, parse_identities_file
    plaintext = decrypt(identities, open(path, "rb")).read()

Exports are loaded lazily, so a process that only encrypts (the web intake) never loads the
identity and decryption modules.
"""

import importlib

from .errors import (
    AgeError,
    ArmorError,
    HeaderError,
    HMACError,
    KeyFormatError,
    NoIdentityMatchError,
    PayloadError,
    RecipientMixError,
    UnsupportedRecipientError,
)

_LAZY = {
    "encrypt": ".writer",
    "encrypt_bytes": ".writer",
    "check_recipients": ".writer",
    "AgeWriter": ".writer",
    "X25519Recipient": ".recipients",
    "HybridRecipient": ".recipients",
    "ScryptRecipient": ".recipients",
    "parse_recipient": ".recipients",
    "parse_recipients_file": ".recipients",
    "ArmoredWriter": ".armor",
    "ArmoredReader": ".armor",
    "is_armored": ".armor",
    "decrypt": ".reader",
    "open_random_access": ".reader",
    "AgeReader": ".reader",
    "RandomAccessReader": ".reader",
    "X25519Identity": ".identities",
    "HybridIdentity": ".identities",
    "ScryptIdentity": ".identities",
    "generate_identity": ".identities",
    "parse_identity": ".identities",
    "parse_identities_file": ".identities",
    "load_identities": ".keyfile",
    "protect": ".keyfile",
    "identity_file_text": ".keyfile",
}

__all__ = [
    "AgeError",
    "ArmorError",
    "HeaderError",
    "HMACError",
    "KeyFormatError",
    "NoIdentityMatchError",
    "PayloadError",
    "RecipientMixError",
    "UnsupportedRecipientError",
    *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
