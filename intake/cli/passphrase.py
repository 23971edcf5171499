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
