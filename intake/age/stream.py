"""The STREAM payload: ChaCha20-Poly1305 over 64 KiB chunks with a counter-and-last-flag nonce.

Three views of the same construction:
- PayloadWriter encrypts a byte stream of any length in constant memory;
- PayloadReader decrypts sequentially, releasing each chunk only after it authenticated;
- RandomAccessPayload decrypts any chunk on its own, given the ciphertext's total length.
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from .errors import PayloadError
from .primitives import hkdf

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
NONCE_SIZE = 16
_MAX_COUNTER = (1 << 88) - 1


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    return hkdf(file_key, nonce, b"payload")


def chunk_nonce(counter: int, last: bool) -> bytes:
    if counter > _MAX_COUNTER:
        raise PayloadError("payload is too large")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class PayloadWriter:
    """Encrypt a byte stream into `dst` (a binary file object) as STREAM chunks.

    The final chunk is only known at close(), so up to one full chunk is held back: a chunk is
    written as non-final only once at least one more byte has arrived.
    """

    def __init__(self, dst, file_key: bytes, *, _nonce: bytes | None = None):
        nonce = _nonce if _nonce is not None else os.urandom(NONCE_SIZE)
        self._dst = dst
        self._aead = ChaCha20Poly1305(payload_key(file_key, nonce))
        self._buf = bytearray(CHUNK_SIZE)
        self._filled = 0
        self._counter = 0
        self._closed = False
        dst.write(nonce)

    def write(self, data) -> int:
        if self._closed:
            raise ValueError("write to a closed age writer")
        if type(data) is bytes and self._filled + len(data) < CHUNK_SIZE:
            # Fast path for small writes (a ZIP writer, a form parser): just buffer them.
            end = self._filled + len(data)
            self._buf[self._filled : end] = data
            self._filled = end
            return len(data)
        view = memoryview(data).cast("B")
        total = len(view)
        pos = 0
        if self._filled:
            take = min(CHUNK_SIZE - self._filled, total)
            self._buf[self._filled : self._filled + take] = view[:take]
            self._filled += take
            pos = take
            if self._filled < CHUNK_SIZE or pos == total:
                return total
            self._seal(self._buf, last=False)
            self._filled = 0
        # Whole chunks straight from the caller's buffer; keep at least one byte back so the
        # final chunk is always sealed by close().
        while total - pos > CHUNK_SIZE:
            self._seal(view[pos : pos + CHUNK_SIZE], last=False)
            pos += CHUNK_SIZE
        rest = total - pos
        self._buf[:rest] = view[pos:]
        self._filled = rest
        return total

    def _seal(self, chunk, last: bool) -> None:
        self._dst.write(self._aead.encrypt(chunk_nonce(self._counter, last), chunk, None))
        self._counter += 1

    def close(self) -> None:
        """Seal the final chunk. Does not close `dst`."""
        if not self._closed:
            self._seal(memoryview(self._buf)[: self._filled], last=True)
            self._closed = True


class PayloadReader:
    """Decrypt STREAM chunks from `src`, released one authenticated chunk at a time.

    Plaintext of earlier chunks is handed out before later chunks are checked: a caller that
    must not act on a truncated file has to read to the end before trusting what it got.
    """

    def __init__(self, src, file_key: bytes, nonce: bytes):
        self._src = src
        self._aead = ChaCha20Poly1305(payload_key(file_key, nonce))
        self._counter = 0
        self._in = bytearray(ENC_CHUNK_SIZE)
        self._out = memoryview(b"")
        self._done = False
        self._error: PayloadError | None = None

    def _read_full(self, buf: bytearray) -> int:
        view = memoryview(buf)
        n = 0
        while n < len(buf):
            got = self._src.readinto(view[n:])
            if not got:
                break
            n += got
        return n

    def _next_chunk(self) -> None:
        n = self._read_full(self._in)
        last = n < ENC_CHUNK_SIZE
        if n == 0:
            raise PayloadError("payload is truncated (no final chunk)")
        if last and n == TAG_SIZE and self._counter:
            raise PayloadError("payload ends with an empty final chunk")
        data = memoryview(self._in)[:n]
        try:
            plain = self._aead.decrypt(chunk_nonce(self._counter, last), data, None)
        except InvalidTag:
            if last:
                raise PayloadError("payload chunk failed to authenticate (corrupted or truncated)") from None
            try:  # a full-length chunk may still be the final one
                plain = self._aead.decrypt(chunk_nonce(self._counter, True), data, None)
                last = True
            except InvalidTag:
                raise PayloadError("payload chunk failed to authenticate (corrupted or truncated)") from None
        self._counter += 1
        self._out = memoryview(plain)
        if last:
            self._done = True
            if self._src.read(1):
                # Hand out this chunk first (it did authenticate), then fail.
                self._error = PayloadError("trailing data after the end of the payload")

    def readinto(self, buf) -> int:
        dst = memoryview(buf).cast("B")
        while not self._out:
            if self._error:
                raise self._error
            if self._done:
                return 0
            try:
                self._next_chunk()
            except PayloadError as exc:
                self._error = exc  # a broken stream stays broken
                raise
        n = min(len(dst), len(self._out))
        dst[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            parts = []
            while True:
                part = self.read(CHUNK_SIZE)
                if not part:
                    return b"".join(parts)
                parts.append(part)
        buf = bytearray(size)
        n = self.readinto(buf)
        del buf[n:]
        return bytes(buf)


class RandomAccessPayload:
    """Decrypt any plaintext range of a seekable payload, touching only the chunks it covers.

    `src` is seekable and `start` is the offset of the first chunk (just after the nonce).
    The final chunk is authenticated at construction, which also authenticates the length:
    a truncated or extended file fails here instead of on some later read.
    """

    def __init__(self, src, file_key: bytes, nonce: bytes, start: int):
        self._src = src
        self._start = start
        self._aead = ChaCha20Poly1305(payload_key(file_key, nonce))
        enc_size = src.seek(0, os.SEEK_END) - start
        if enc_size < TAG_SIZE:
            raise PayloadError("payload is truncated (no final chunk)")
        chunks, rest = divmod(enc_size, ENC_CHUNK_SIZE)
        if rest:
            if rest <= TAG_SIZE and (chunks or rest < TAG_SIZE):
                raise PayloadError("payload ends with an empty or short final chunk")
            chunks += 1
        self.chunks = chunks
        self.size = enc_size - chunks * TAG_SIZE
        self._cached_index = -1
        self._cached = b""
        self._chunk(chunks - 1)

    def _chunk(self, index: int) -> bytes:
        if index != self._cached_index:
            self._src.seek(self._start + index * ENC_CHUNK_SIZE)
            data = self._src.read(ENC_CHUNK_SIZE)
            last = index == self.chunks - 1
            try:
                self._cached = self._aead.decrypt(chunk_nonce(index, last), data, None)
            except InvalidTag:
                raise PayloadError(f"payload chunk {index} failed to authenticate") from None
            self._cached_index = index
        return self._cached

    def read_at(self, offset: int, size: int) -> bytes:
        """Up to `size` plaintext bytes from `offset` (fewer only at the end)."""
        if offset < 0 or size < 0:
            raise ValueError("negative offset or size")
        end = min(offset + size, self.size)
        parts = []
        while offset < end:
            index, within = divmod(offset, CHUNK_SIZE)
            chunk = self._chunk(index)
            take = min(len(chunk) - within, end - offset)
            parts.append(chunk[within : within + take])
            offset += take
        return b"".join(parts)
