"""A progress bar on stderr for long staff operations (stdout stays clean for data)."""

import sys
import time


class Progress:
    """`with Progress(total, "importing") as bar: bar.advance()`; drawn only on a terminal."""

    def __init__(self, total: int, label: str, stream=None, *, force: bool = False):
        self.total = total
        self.label = label
        self.done = 0
        self._stream = stream or sys.stderr
        self._draw = force or self._stream.isatty()
        self._last = 0.0

    def __enter__(self) -> "Progress":
        return self

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self._draw and self.total > 1 and (now - self._last > 0.1 or self.done == self.total):
            self._last = now
            width = 30
            filled = width * self.done // max(self.total, 1)
            self._stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            self._stream.flush()

    def __exit__(self, *exc) -> None:
        if self._draw and self.done:
            self._stream.write("\n")
            self._stream.flush()
