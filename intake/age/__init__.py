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
from typing import TYPE_CHECKING

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
    "HybridIdentity": ".hybrid",
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


if TYPE_CHECKING:  # the type checker sees the lazy exports as plain imports
    from .armor import ArmoredReader as ArmoredReader, ArmoredWriter as ArmoredWriter, is_armored as is_armored
    from .identities import (
        HybridIdentity as HybridIdentity,
        ScryptIdentity as ScryptIdentity,
        X25519Identity as X25519Identity,
        generate_identity as generate_identity,
        parse_identities_file as parse_identities_file,
        parse_identity as parse_identity,
    )
    from .keyfile import identity_file_text as identity_file_text, load_identities as load_identities, protect as protect
    from .reader import (
        AgeReader as AgeReader,
        RandomAccessReader as RandomAccessReader,
        decrypt as decrypt,
        open_random_access as open_random_access,
    )
    from .recipients import (
        HybridRecipient as HybridRecipient,
        ScryptRecipient as ScryptRecipient,
        X25519Recipient as X25519Recipient,
        parse_recipient as parse_recipient,
        parse_recipients_file as parse_recipients_file,
    )
    from .writer import AgeWriter as AgeWriter, check_recipients as check_recipients, encrypt as encrypt, encrypt_bytes as encrypt_bytes


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
