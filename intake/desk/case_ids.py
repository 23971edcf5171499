"""Case ids: short, typeable, derived from the submission's ciphertext.

A case id is the first 12 characters of the base32 SHA-256 of the submission file: the same file
always gets the same id (so importing it twice is detected), and nothing about the report is
in it. Commands accept any unique prefix of 4 or more characters.
"""

import base64
import hashlib

from .errors import DeskError

LENGTH = 12
MIN_PREFIX = 4


def file_digest(path) -> bytes:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.digest()


def case_id_for(digest: bytes) -> str:
    return base64.b32encode(digest).decode().lower()[:LENGTH]


def resolve(prefix: str, known) -> str:
    """The one known case id starting with `prefix`, or DeskError."""
    prefix = prefix.strip().lower()
    if len(prefix) < MIN_PREFIX:
        raise DeskError(f"case id {prefix!r} is too short", hint=f"give at least {MIN_PREFIX} characters")
    matches = [case_id for case_id in known if case_id.startswith(prefix)]
    if not matches:
        raise DeskError(f"unknown case id {prefix}", hint="see 'intake list'")
    if len(matches) > 1:
        raise DeskError(f"case id {prefix} is ambiguous ({len(matches)} cases)", hint="give more characters")
    return matches[0]
