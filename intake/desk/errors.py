"""Errors of the staff desk that the command line turns into one clear line."""

from ..errors import UserError


class DeskError(UserError):
    """A failure the user can act on; `hint` is an optional next step."""
