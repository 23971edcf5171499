"""The one error type every command turns into `intake: error: …` (plus an optional hint).

It lives here, outside both the command-line package and the staff desk, so that either can
raise it without importing the other.
"""


class UserError(Exception):
    """A failure the user can act on. `hint` is an optional second line."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint
