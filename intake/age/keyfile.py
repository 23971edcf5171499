"""Identity files at rest: plain (as age-keygen writes them) or passphrase-encrypted (as `age -p`).

A protected identity file is an ordinary age file, armored, with one scrypt stanza; its
plaintext is a plain identity file. Any age tool can unlock it: `age -d key.age > key.txt`.
"""

import io
from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from .armor import is_armored
from .reader import decrypt
from .writer import encrypt
from .errors import KeyFormatError
from .format import VERSION_LINE
from .identities import HybridIdentity, ScryptIdentity, X25519Identity, parse_identities_file
from .recipients import DEFAULT_SCRYPT_WORK_FACTOR, ScryptRecipient


def is_encrypted(data: bytes) -> bool:
    return data.startswith(VERSION_LINE) or is_armored(data[:2048])


def identity_file_text(identities: Iterable[X25519Identity | HybridIdentity], *, comment: str = "") -> str:
    """A plain identity file in age-keygen's layout: created date, public key, secret key."""
    created = datetime.now(timezone.utc).strftime("%Y-%m-%d")  # the day only, as policy for metadata
    lines = []
    for identity in identities:
        lines += [f"# created: {created}", f"# public key: {identity.recipient()}"]
        if comment:
            lines.append(f"# {comment}")
        lines.append(identity.to_secret_string())
    return "\n".join(lines) + "\n"


def protect(plain_text: str, passphrase: str | bytes, work_factor: int = DEFAULT_SCRYPT_WORK_FACTOR) -> bytes:
    """Encrypt an identity file's text under a passphrase, armored."""
    out = io.BytesIO()
    with encrypt([ScryptRecipient(passphrase, work_factor)], out, armor=True) as writer:
        writer.write(plain_text.encode())
    return out.getvalue()


def load_identities(data: bytes, get_passphrase: Callable[[], str | bytes] | None = None) -> list[X25519Identity | HybridIdentity]:
    """Parse an identity file's bytes, unlocking it with get_passphrase() when encrypted.

    Raises NoIdentityMatchError for a wrong passphrase, KeyFormatError for a bad file.
    """
    if is_encrypted(data):
        if get_passphrase is None:
            raise KeyFormatError("the identity file is passphrase-protected and no passphrase was given")
        reader = decrypt([ScryptIdentity(get_passphrase())], io.BytesIO(data.lstrip() if not data.startswith(VERSION_LINE) else data),
                         armored=not data.startswith(VERSION_LINE))
        data = reader.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyFormatError("the identity file is not text") from None
    return parse_identities_file(text)
