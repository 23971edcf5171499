"""Passphrases: from a file (for scripts) or typed at the terminal, never from the command line.

A passphrase on the command line would sit in the shell history and in `ps` output.
"""

import getpass
import os
from pathlib import Path

from .errors import CLIError

ENV_PASSPHRASE_FILE = "INTAKE_PASSPHRASE_FILE"


def _read_file(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CLIError(f"cannot read passphrase file {path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CLIError(f"passphrase file {path} is not UTF-8 text") from None
    # The first line is the passphrase; a trailing newline is an editor's, not the user's.
    passphrase = text.split("\n", 1)[0].removesuffix("\r")
    if not passphrase:
        raise CLIError(f"passphrase file {path} is empty")
    return passphrase


def _have_terminal() -> bool:
    try:
        with open("/dev/tty"):
            return True
    except OSError:
        return False


def get_passphrase(passphrase_file: str | None, prompt: str, *, confirm: bool = False) -> str:
    """The passphrase from --passphrase-file, $INTAKE_PASSPHRASE_FILE, or the terminal."""
    path = passphrase_file or os.environ.get(ENV_PASSPHRASE_FILE)
    if path:
        return _read_file(path)
    if not _have_terminal():
        raise CLIError(
            "a passphrase is needed and there is no terminal to ask for it",
            hint=f"use --passphrase-file FILE (or set {ENV_PASSPHRASE_FILE})",
        )
    passphrase = getpass.getpass(prompt)
    if not passphrase:
        raise CLIError("empty passphrase")
    if confirm and getpass.getpass("Repeat the passphrase: ") != passphrase:
        raise CLIError("the passphrases do not match")
    return passphrase


# An identity file is attacked offline: whoever takes the machine or a backup tries passphrases
# against its scrypt stanza for as long as they like. We assume a well-equipped attacker (a
# state's): a million guesses a second. 10^16 guesses is then about 300 years; six random words
# are far above it (about 10^33), four random words above, a 12-character password or three
# common words far below.
STRONG_ENOUGH_GUESSES = 1e16
ATTACKER_GUESSES_PER_SECOND = 1e6
_ESTIMATED_LENGTH = 72  # what the estimator reads; a longer passphrase is judged by its start


def weak_passphrase_reason(passphrase: str) -> str | None:
    """Why `passphrase` is too easy to guess offline, or None. Estimated offline (zxcvbn:
    dictionaries, names, keyboard patterns, repeats, dates, common substitutions). The reason
    says how long a guesser would need, never anything of the passphrase itself."""
    from zxcvbn import zxcvbn

    guesses = float(zxcvbn(passphrase[:_ESTIMATED_LENGTH])["guesses"])
    if guesses >= STRONG_ENOUGH_GUESSES:
        return None
    return f"someone who takes the key file could find it {_duration(guesses / ATTACKER_GUESSES_PER_SECOND)}"


def _duration(seconds: float) -> str:
    for unit, length in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= length:
            count = int(seconds // length)
            return f"within about {count} {unit}{'s' if count > 1 else ''}"
    return "at once"
