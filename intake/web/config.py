"""Configuration from the environment, parsed by a pure function so it is easy to test."""

import os
import re
from pathlib import Path

DEFAULT_MAX_UPLOAD = 500 * 1000 * 1000  # bytes in one request, attachments included
DEFAULT_MIN_FREE = 512 * 1024 * 1024  # refuse uploads that would leave less free space
_SIZE = re.compile(r"(\d+)\s*([KMG]i?B?|B)?", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2,
          "g": 1000**3, "gb": 1000**3, "gib": 1024**3}


# An age identity (AGE-SECRET-KEY-1…, AGE-SECRET-KEY-PQ-1…, AGE-PLUGIN-NAME-1…), in any letter
# case, anywhere in the value: pasted as INTAKE_SECRET_KEY by mistake, it would put a decryption
# key on the server (in its environment, its unit file, its backups).
_AGE_IDENTITY = re.compile(r"AGE-SECRET-KEY-|AGE-PLUGIN-", re.IGNORECASE)


class ConfigError(Exception):
    """The configuration is incomplete or unsafe; the message says what to fix."""


def parse_size(text: str) -> int:
    match = _SIZE.fullmatch(text.strip())
    if not match or (match.group(2) or "").lower() not in _UNITS:
        raise ConfigError(f"not a size: {text!r} (examples: 500000000, 500MB, 2GiB)")
    return int(match.group(1)) * _UNITS[(match.group(2) or "").lower()]


def _count(text: str, name: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def load_config(env=os.environ, *, demo: bool = False) -> dict:
    """Flask config from INTAKE_* variables. Raises ConfigError with a fix-it message."""
    demo = demo or env.get("INTAKE_DEMO") == "1"
    secret = env.get("INTAKE_SECRET_KEY", "")
    if not secret:
        if not demo:
            raise ConfigError("INTAKE_SECRET_KEY is not set (generate one with: python3 -c 'import secrets; print(secrets.token_hex(32))')")
    elif _AGE_IDENTITY.search(secret):
        # Never quote the value: this message goes to the terminal and to the journal.
        raise ConfigError(
            "INTAKE_SECRET_KEY holds an age secret key (AGE-SECRET-KEY-… or AGE-PLUGIN-…): identities never go "
            "on the server. Remove it from the server's configuration, treat that key as compromised (docs/keys.md), "
            "and set INTAKE_SECRET_KEY to random characters (python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    elif len(secret) < 32:
        raise ConfigError("INTAKE_SECRET_KEY is too short (use at least 32 random characters)")
    https = env.get("INTAKE_HTTPS", "").lower() in ("1", "true", "yes")
    return {
        "SECRET_KEY": secret or None,
        "INTAKE_DATA_DIR": Path(env.get("INTAKE_DATA_DIR", "data")),
        "INTAKE_RECIPIENTS": Path(env.get("INTAKE_RECIPIENTS", "keys/recipients.txt")),
        "MAX_CONTENT_LENGTH": parse_size(env.get("INTAKE_MAX_UPLOAD", str(DEFAULT_MAX_UPLOAD))),
        "INTAKE_MIN_FREE": parse_size(env.get("INTAKE_MIN_FREE", str(DEFAULT_MIN_FREE))),
        "INTAKE_MAX_ATTACHMENTS": _count(env.get("INTAKE_MAX_ATTACHMENTS", "20"), "INTAKE_MAX_ATTACHMENTS"),
        # Flood limits (limits.py, docs/operations.md): no addresses, only counts.
        "INTAKE_RATE": _count(env.get("INTAKE_RATE", "30"), "INTAKE_RATE"),
        "INTAKE_BURST": _count(env.get("INTAKE_BURST", "60"), "INTAKE_BURST"),
        "INTAKE_SESSION_LIMIT": _count(env.get("INTAKE_SESSION_LIMIT", "10"), "INTAKE_SESSION_LIMIT"),
        # Message lookups, each a memory-hard key derivation (limits.py, intake/replies).
        "INTAKE_LOOKUP_RATE": _count(env.get("INTAKE_LOOKUP_RATE", "30"), "INTAKE_LOOKUP_RATE"),
        "INTAKE_LOOKUP_BURST": _count(env.get("INTAKE_LOOKUP_BURST", "10"), "INTAKE_LOOKUP_BURST"),
        "INTAKE_REPLY_RETENTION_DAYS": _count(env.get("INTAKE_REPLY_RETENTION_DAYS", "30"), "INTAKE_REPLY_RETENTION_DAYS"),
        "INTAKE_DATA_QUOTA": parse_size(env["INTAKE_DATA_QUOTA"]) if env.get("INTAKE_DATA_QUOTA") else None,
        "INTAKE_DEMO": demo,
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_NAME": "__Host-intake" if https else "intake",
    }
