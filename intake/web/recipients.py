"""The server's recipients file: parsed once at start, refused when it is unsafe."""

from pathlib import Path

from .. import age
from .config import ConfigError


def load_server_recipients(path: Path) -> list:
    """Public recipients, or ConfigError when the file is missing, empty, mixed or holds a secret."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"recipients file {path} does not exist (see keys/README.md)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read recipients file {path}: {exc.__class__.__name__}") from None
    if "AGE-SECRET-KEY-" in text.upper():
        # Even in a comment: a secret key must never be on the server at all.
        raise ConfigError(
            f"recipients file {path} contains a secret key (AGE-SECRET-KEY-…); remove it from the server "
            "and treat that key as compromised"
        )
    try:
        recipients = age.parse_recipients_file(text)
        age.check_recipients(recipients)
    except age.RecipientMixError:
        raise ConfigError(f"recipients file {path} mixes post-quantum and classic recipients; use age1pq1… only") from None
    except age.KeyFormatError as exc:
        raise ConfigError(f"recipients file {path}: {exc}") from None
    return list(dict.fromkeys(recipients))
