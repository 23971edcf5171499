"""Errors the command line turns into one `intake: error: …` line (plus an optional hint)."""

from ..errors import UserError

CLIError = UserError
