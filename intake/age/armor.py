"""ASCII armor: the strict PEM-like text form of an age file.

The reader follows the spec's strictness: canonical padded base64, 64 columns per line except
the last, no headers, no whitespace inside. Only CRLF line ends and whitespace around the whole
block are tolerated, as the reference implementation does.
"""

import base64
import binascii

from .errors import ArmorError
from .iotypes import Buffer, BufferLike, LineReadable, Writable

BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
END = b"-----END AGE ENCRYPTED FILE-----"
COLUMNS = 64
_BYTES_PER_LINE = COLUMNS // 4 * 3
_MAX_OUTER_WHITESPACE = 1024
_WHITESPACE = b" \t\r\n"


def is_armored(prefix: bytes) -> bool:
    """Whether a file starting with `prefix` (a few hundred bytes are enough) is armored."""
    stripped = prefix[:_MAX_OUTER_WHITESPACE].lstrip(_WHITESPACE)
    return stripped.startswith(BEGIN[: len(stripped)]) if stripped else False


class ArmoredWriter:
    """Wrap a binary file object; bytes written become armored lines. close() writes the footer."""

    def __init__(self, dst: Writable) -> None:
        self._dst = dst
        self._pending = bytearray()
        self._closed = False
        dst.write(BEGIN + b"\n")

    def write(self, data: Buffer) -> int:
        self._pending += data
        whole = len(self._pending) - len(self._pending) % _BYTES_PER_LINE
        if whole:
            encoded = base64.b64encode(memoryview(self._pending)[:whole])
            self._dst.write(b"".join(encoded[i : i + COLUMNS] + b"\n" for i in range(0, len(encoded), COLUMNS)))
            del self._pending[:whole]
        return len(data)

    def close(self) -> None:
        """Write the final line and the footer. Does not close the underlying file."""
        if self._closed:
            return
        self._closed = True
        if self._pending:
            self._dst.write(base64.b64encode(self._pending) + b"\n")
        self._dst.write(END + b"\n")


class ArmoredReader:
    """Read the binary age file out of an armored one, line by line, in constant memory."""

    def __init__(self, src: LineReadable) -> None:
        self._src = src
        self._out = b""
        self._started = False
        self._finished = False

    def _line(self) -> bytes:
        line = self._src.readline(COLUMNS + 3)
        if not line.endswith(b"\n"):
            if len(line) > COLUMNS:
                raise ArmorError("armored line is too long")
            return line  # the last line may lack an end of line
        line = line[:-1]
        return line[:-1] if line.endswith(b"\r") else line

    def _start(self) -> None:
        skipped = 0
        while True:
            byte = self._src.read(1)
            if not byte:
                raise ArmorError("armored file has no begin line")
            if byte in _WHITESPACE and skipped < _MAX_OUTER_WHITESPACE:
                skipped += 1
                continue
            line = self._line()
            if byte + line != BEGIN:
                raise ArmorError("invalid armor begin line")
            self._started = True
            return

    def _finish(self) -> None:
        rest = self._src.read(_MAX_OUTER_WHITESPACE)
        if rest.strip(_WHITESPACE):
            raise ArmorError("data after the armor end line")
        if len(rest) == _MAX_OUTER_WHITESPACE:
            raise ArmorError("too much whitespace after the armor end line")
        self._finished = True

    def _decode(self, line: bytes) -> bytes:
        try:
            data = base64.b64decode(line, validate=True)
        except binascii.Error:
            raise ArmorError("invalid base64 in armored data") from None
        if base64.b64encode(data) != line:
            raise ArmorError("non-canonical base64 in armored data")
        return data

    def _fill(self) -> None:
        if not self._started:
            self._start()
        line = self._line()
        if line == END:
            self._finish()
            return
        if not line:
            raise ArmorError("empty or missing line in armored data")
        if len(line) > COLUMNS:
            raise ArmorError("armored line is too long")
        self._out = self._decode(line)
        if len(line) < COLUMNS:
            closing = self._line()
            if closing != END:
                raise ArmorError("short armored line before the end of the data")
            self._finish()

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            parts = []
            while part := self.read(1 << 16):
                parts.append(part)
            return b"".join(parts)
        out = bytearray()
        while len(out) < size:
            if not self._out:
                if self._finished:
                    break
                self._fill()
            take = size - len(out)
            out += self._out[:take]
            self._out = self._out[take:]
        return bytes(out)

    def readinto(self, buf: BufferLike) -> int:
        view = memoryview(buf).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def readline(self, limit: int = -1) -> bytes:
        # Only the header parser calls this, with a limit; byte-wise is fine for a few KB.
        out = bytearray()
        while limit < 0 or len(out) < limit:
            byte = self.read(1)
            if not byte:
                break
            out += byte
            if byte == b"\n":
                break
        return bytes(out)
