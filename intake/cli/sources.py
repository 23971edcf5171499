"""Reading the inputs the key and file commands share: identity files, recipients, streams."""

import sys
from pathlib import Path

from .. import age
from .errors import CLIError
from .passphrase import get_passphrase


def read_input_bytes(path: str, what: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise CLIError(f"cannot read {what} {path}: {exc.strerror}") from None


def load_identity_file(path: str, passphrase_file: str | None):
    """All identities in a plain or passphrase-protected identity file."""
    data = read_input_bytes(path, "identity file")

    def ask() -> str:
        return get_passphrase(passphrase_file, f"Passphrase for {path}: ")

    try:
        return age.load_identities(data, ask)
    except age.NoIdentityMatchError:
        raise CLIError(f"wrong passphrase for identity file {path}") from None
    except age.KeyFormatError as exc:
        raise CLIError(f"invalid identity file {path}: {exc}") from None
    except age.AgeError as exc:
        raise CLIError(f"cannot unlock identity file {path}: {exc}") from None


def load_recipients(recipient_strings, recipient_files):
    """Recipients from -r values and -R files, checked for a post-quantum/classic mix."""
    recipients = []
    for text in recipient_strings:
        try:
            recipients.append(age.parse_recipient(text))
        except age.KeyFormatError as exc:
            raise CLIError(f"invalid recipient given with -r: {exc}") from None
    for path in recipient_files:
        data = read_input_bytes(path, "recipients file")
        try:
            recipients += age.parse_recipients_file(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise CLIError(f"recipients file {path} is not UTF-8 text") from None
        except age.KeyFormatError as exc:
            raise CLIError(f"invalid recipients file {path}: {exc}") from None
    if not recipients:
        raise CLIError("no recipients", hint="give -r RECIPIENT or -R RECIPIENTS_FILE")
    try:
        age.check_recipients(recipients)
    except age.RecipientMixError as exc:
        raise CLIError(str(exc), hint="use only age1pq1… recipients (or only age1… ones)") from None
    return list(dict.fromkeys(recipients))
