"""The shapes of file object intake.age reads and writes, as Protocols for the type checker.

Any binary file object fits: open(…, "rb"/"wb"), io.BytesIO, sys.stdin.buffer. Each Protocol
names only the methods a function actually calls, so a minimal sink or source also fits.
"""

from typing import Protocol

# The bytes-like objects `cryptography` accepts (its own Buffer alias).
Buffer = bytes | bytearray | memoryview


class BufferLike(Protocol):
    """Any object with the buffer protocol: what io's readinto() accepts.

    The same Protocol as typeshed's Buffer (collections.abc.Buffer from Python 3.12), which an
    override of RawIOBase.readinto must accept.
    """

    def __buffer__(self, flags: int, /) -> memoryview: ...


class Writable(Protocol):
    """Takes every byte handed to write() before it returns (so the buffer may be reused)."""

    def write(self, data: Buffer, /) -> int | None: ...


class ReadableInto(Protocol):
    """Fills a caller's buffer; 0 (or None) means the end of the stream."""

    def readinto(self, buf: memoryview, /) -> int | None: ...


class LineReadable(Protocol):
    """What the header parser and the armor reader call: read(n) and readline(limit)."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


class AgeSource(LineReadable, ReadableInto, Protocol):
    """A binary age file being decrypted sequentially."""


class SeekableSource(LineReadable, Protocol):
    """A seekable binary age file, for random access."""

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def tell(self) -> int: ...
