"""Errors the command line turns into one `intake: error: …` line (plus an optional hint)."""


class CLIError(Exception):
    """A failure the user can act on. `hint` is an optional second line."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint
