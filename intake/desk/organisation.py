"""The submitting organisation's profile: who signs every communication and cover message.

Special procedures do not consider anonymous communications (field-notes.md, "What OHCHR asks
of a submission"): the organisation names itself. The profile is a small TOML file on the staff
machine (`--org FILE` or INTAKE_ORG_PROFILE):

    name = "Example Rights Network"
    address = "PO Box 1, 1211 Geneva, Switzerland"
    email = "desk@example.org"
    [signatory]
    name = "A. Staff"
    role = "Programme director"

A field not given is a "MISSING: …" line wherever it would appear, never invented. A file that
is not valid TOML, has unknown keys, wrong types, over-long values or control characters is
refused with one line that quotes none of its content.
"""

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import DeskError

ENV = "INTAKE_ORG_PROFILE"
MAX_FILE_BYTES = 16 * 1024
# (key, label for a MISSING line, most characters)
FIELDS = (("name", "the submitting organisation's name", 200),
          ("address", "the organisation's postal address", 500),
          ("email", "the organisation's contact e-mail", 254))
SIGNATORY = (("name", "the signatory's name", 200), ("role", "the signatory's role", 200))
EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+")
# Control characters (a line break only in the address) and bidirectional overrides.
HIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Organisation:
    name: str = ""
    address: str = ""
    email: str = ""
    signatory_name: str = ""
    signatory_role: str = ""

    def missing(self) -> list[str]:
        """What staff must still add, as MISSING lines would say it."""
        found = [label for key, label, _ in FIELDS if not getattr(self, key)]
        found += [label for key, label, _ in SIGNATORY if not getattr(self, f"signatory_{key}")]
        return found


def _value(table: dict, key: str, limit: int, where: str, multiline: bool = False) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise DeskError(f"organisation profile: {where}{key} must be a string")
    value = value.strip()
    if len(value) > limit:
        raise DeskError(f"organisation profile: {where}{key} is longer than {limit} characters")
    if HIDDEN.search(value) or (not multiline and "\n" in value):
        raise DeskError(f"organisation profile: {where}{key} holds control or direction characters")
    return value


def parse_profile(data: bytes) -> Organisation:
    """The profile from the file's bytes, or DeskError (one line, none of the content)."""
    if len(data) > MAX_FILE_BYTES:
        raise DeskError(f"organisation profile is larger than {MAX_FILE_BYTES} bytes")
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        raise DeskError("organisation profile is not valid UTF-8 TOML") from None
    unknown = set(table) - {k for k, _, _ in FIELDS} - {"signatory"}
    if unknown:
        raise DeskError(f"organisation profile: unknown key(s) {', '.join(sorted(unknown)[:5])!r}"[:200])
    signatory = table.get("signatory", {})
    if not isinstance(signatory, dict):
        raise DeskError("organisation profile: signatory must be a table with name and role")
    if set(signatory) - {k for k, _, _ in SIGNATORY}:
        raise DeskError("organisation profile: signatory takes only name and role")
    values = {key: _value(table, key, limit, "", multiline=key == "address") for key, _, limit in FIELDS}
    if values["email"] and not EMAIL.fullmatch(values["email"]):
        raise DeskError("organisation profile: email is not an e-mail address")
    return Organisation(**values, **{f"signatory_{key}": _value(signatory, key, limit, "signatory.")
                                     for key, _, limit in SIGNATORY})


def load_profile(path: str | Path | None, environ=os.environ) -> Organisation:
    """The profile at `path` (else INTAKE_ORG_PROFILE); an empty one, all MISSING, if neither is set."""
    chosen = path or environ.get(ENV)
    if not chosen:
        return Organisation()
    try:
        with open(chosen, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise DeskError(f"organisation profile cannot be read: {exc.strerror or 'error'}") from None
    return parse_profile(data)
