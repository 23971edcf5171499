"""Errors of the staff desk that the command line turns into one clear line."""


class DeskError(Exception):
    """A failure the user can act on; `hint` is an optional next step."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint
