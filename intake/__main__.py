"""`python -m intake` is the `intake` command."""

from .cli import run

run()
