"""The STREAM payload: ChaCha20-Poly1305 over 64 KiB chunks with a counter-and-last-flag nonce.

Three views of the same construction:
- PayloadWriter encrypts a byte stream of any length in constant memory;
- PayloadReader decrypts sequentially, releasing each chunk only after it authenticated;
- RandomAccessPayload decrypts any chunk on its own, given the ciphertext's total length.

PayloadWriter.read_from and PayloadReader.write_to copy a whole stream at once, on several
threads (see pipeline.py): that is what `intake encrypt` and `intake decrypt` use.
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from .errors import PayloadError
from .iotypes import AgeSource, Buffer, BufferLike, ReadableInto, SeekableSource, Writable
from .pipeline import default_workers, run_in_order
from .primitives import hkdf

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
NONCE_SIZE = 16
_MAX_COUNTER = (1 << 88) - 1
# Chunks per batch in read_from (sealing) and write_to (opening), measured on 1 GiB with two
# workers (2-core AMD EPYC, tmpfs). Sealing: two keep a worker's input and output buffers
# (~256 KiB) in its core's L2 cache; from four on, the read() copy into them gets ~3x dearer and
# the whole run slower. Opening: the turns between workers cost more than the cache misses, and
# eight chunks (~1 MiB of buffers per worker) were ~20 % faster than two.
SEAL_BATCH_CHUNKS = 2
OPEN_BATCH_CHUNKS = 8

_AUTH_FAILED = "payload chunk failed to authenticate (corrupted or truncated)"
_TRUNCATED = "payload is truncated (no final chunk)"
_TRAILING = "trailing data after the end of the payload"


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    return hkdf(file_key, nonce, b"payload")


def chunk_nonce(counter: int, last: bool) -> bytes:
    if counter > _MAX_COUNTER:
        raise PayloadError("payload is too large")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _read_full(src: ReadableInto, view: memoryview) -> int:
    """Fill `view` from `src` unless the stream ends first (a pipe returns short reads)."""
    n = 0
    while n < len(view):
        got = src.readinto(view[n:])
        if not got:
            break
        n += got
    return n


def _write_all(dst: Writable, view: memoryview) -> None:
    # Buffered files write everything; a raw file or a pipe may take less than asked.
    while view:
        n = dst.write(view)
        if n is None or n >= len(view):
            return
        view = view[n:]


def _open_chunk(aead: ChaCha20Poly1305, counter: int, data: memoryview, out: memoryview) -> tuple[int, bool]:
    """Authenticate and decrypt one chunk into `out`; return (plaintext length, is the final chunk).

    A short chunk can only be the final one; a full one is normally not, but may be. On failure
    `out` is wiped: the AEAD may have left unauthenticated plaintext there.
    """
    n = len(data)
    if n == 0:
        raise PayloadError(_TRUNCATED)
    last = n < ENC_CHUNK_SIZE
    if last and n == TAG_SIZE and counter:
        raise PayloadError("payload ends with an empty final chunk")
    if n < TAG_SIZE:
        raise PayloadError(_AUTH_FAILED)
    plain = out[: n - TAG_SIZE]
    try:
        aead.decrypt_into(chunk_nonce(counter, last), data, None, plain)
    except InvalidTag:
        if last:
            plain[:] = bytes(len(plain))
            raise PayloadError(_AUTH_FAILED) from None
        try:  # a full-length chunk may still be the final one
            aead.decrypt_into(chunk_nonce(counter, True), data, None, plain)
            last = True
        except InvalidTag:
            plain[:] = bytes(len(plain))
            raise PayloadError(_AUTH_FAILED) from None
    return len(plain), last


class _Slot:
    """One worker's batch in read_from/write_to: its input, its output, and where it is."""

    def __init__(self, in_size: int, out_size: int):
        self.src = memoryview(bytearray(in_size))
        self.out = memoryview(bytearray(out_size))
        self.size = 0  # bytes of input in `src`
        self.counter = 0  # the first chunk's number
        self.chunks = 0  # chunks to process
        self.more = False  # whether more input came after this batch
        self.trailing = False  # after the last batch: whether there was more after the end
        self.out_size = 0  # bytes of output in `out`
        self.error: PayloadError | None = None  # to raise once the output before it is written


class PayloadWriter:
    """Encrypt a byte stream into `dst` (a binary file object) as STREAM chunks.

    The final chunk is only known at close(), so up to one full chunk is held back: a chunk is
    written as non-final only once at least one more byte has arrived.
    """

    def __init__(self, dst: Writable, file_key: bytes, *, _nonce: bytes | None = None):
        nonce = _nonce if _nonce is not None else os.urandom(NONCE_SIZE)
        self._dst = dst
        self._aead = ChaCha20Poly1305(payload_key(file_key, nonce))
        self._buf = bytearray(CHUNK_SIZE)
        self._filled = 0
        self._counter = 0
        self._closed = False
        dst.write(nonce)

    def write(self, data: Buffer) -> int:
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

    def _seal(self, chunk: Buffer, last: bool) -> None:
        self._dst.write(self._aead.encrypt(chunk_nonce(self._counter, last), chunk, None))
        self._counter += 1

    def read_from(self, src: ReadableInto, *, workers: int | None = None) -> int:
        """Encrypt everything `src` holds, up to its end; return the number of bytes read.

        The same as write()-ing what src.readinto() returns until it returns 0, only faster:
        `workers` threads (default: one per CPU, up to 4) read, seal and write batches in turn,
        each chunk sealed straight from one reused buffer into another. As with write(), the
        last chunk stays held back for close() or for more writes. `dst` must take the data
        before its write() returns (a file object does): the buffers are reused. If this raises,
        the writer is left unfinished: close() adds no final chunk.
        """
        if self._closed:
            raise ValueError("write to a closed age writer")
        batch = SEAL_BATCH_CHUNKS * CHUNK_SIZE
        carry = bytes(self._buf[: self._filled])  # what write() held back goes first
        counter = self._counter
        total = 0

        def read(slot: _Slot) -> bool:
            # Read one byte past the batch: only a byte more tells that its last chunk is not
            # the final one. That byte starts the next batch.
            nonlocal carry, counter, total
            c = len(carry)
            slot.src[:c] = carry
            got = _read_full(src, slot.src[c:])
            total += got
            n = c + got
            slot.counter = counter
            if n > batch:
                slot.size, slot.chunks = batch, SEAL_BATCH_CHUNKS
                carry = bytes(slot.src[batch:n])
            else:  # the end: hold the last chunk (maybe empty) back, as write() would
                slot.size, slot.chunks = n, max(n - 1, 0) // CHUNK_SIZE
                held = n - slot.chunks * CHUNK_SIZE
                self._buf[:held] = slot.src[n - held : n]
                self._filled = held
            counter += slot.chunks
            return n > batch

        def seal(slot: _Slot) -> None:
            for i in range(slot.chunks):
                chunk = slot.src[i * CHUNK_SIZE : (i + 1) * CHUNK_SIZE]
                out = slot.out[i * ENC_CHUNK_SIZE : (i + 1) * ENC_CHUNK_SIZE]
                self._aead.encrypt_into(chunk_nonce(slot.counter + i, False), chunk, None, out)
            slot.out_size = slot.chunks * ENC_CHUNK_SIZE

        def write(slot: _Slot) -> None:
            _write_all(self._dst, slot.out[: slot.out_size])

        try:
            run_in_order(workers or default_workers(), lambda: _Slot(batch + 1, SEAL_BATCH_CHUNKS * ENC_CHUNK_SIZE),
                         read, seal, write)
        except BaseException:
            # Part of the input is missing from `dst`: never let close() finish it as valid.
            self._closed = True
            raise
        self._counter = counter
        return total

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

    def __init__(self, src: AgeSource, file_key: bytes, nonce: bytes):
        self._src = src
        self._aead = ChaCha20Poly1305(payload_key(file_key, nonce))
        self._counter = 0
        self._in = memoryview(bytearray(ENC_CHUNK_SIZE))
        self._plain = memoryview(bytearray(CHUNK_SIZE))  # reused: each chunk is copied out of it
        self._out = self._plain[:0]
        self._done = False
        self._error: PayloadError | None = None

    def _next_chunk(self) -> None:
        n = _read_full(self._src, self._in)
        size, last = _open_chunk(self._aead, self._counter, self._in[:n], self._plain)
        self._counter += 1
        self._out = self._plain[:size]
        if last:
            self._done = True
            if self._src.read(1):
                # Hand out this chunk first (it did authenticate), then fail.
                self._error = PayloadError(_TRAILING)

    def readinto(self, buf: BufferLike) -> int:
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

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            parts: list[bytes] = []
            while True:
                part = self.read(CHUNK_SIZE)
                if not part:
                    return b"".join(parts)
                parts.append(part)
        buf = bytearray(size)
        n = self.readinto(buf)
        del buf[n:]
        return bytes(buf)

    def write_to(self, dst: Writable, *, workers: int | None = None) -> int:
        """Write the rest of the plaintext into `dst`; return the number of bytes written.

        The same as write()-ing what readinto() returns until the end, only faster: `workers`
        threads (default: one per CPU, up to 4) read, open and write batches in turn. Every chunk
        is written only after it authenticated; on a damaged file the chunks before the damage
        are written, then the same PayloadError as readinto() would raise is raised. `dst` must
        take the data before its write() returns (a file object does): the buffers are reused.
        """
        written = len(self._out)
        _write_all(dst, self._out)
        self._out = self._plain[:0]
        if self._error:
            raise self._error
        if self._done:
            return written
        batch = OPEN_BATCH_CHUNKS * ENC_CHUNK_SIZE
        carry = b""
        counter = self._counter

        def read(slot: _Slot) -> bool:
            nonlocal carry, counter
            c = len(carry)
            slot.src[:c] = carry
            n = c + _read_full(self._src, slot.src[c:])
            slot.counter = counter
            slot.size = min(n, batch)
            slot.more = n > batch
            # The byte past the batch starts the next one. At the end, look once past it, as
            # readinto() does after the final chunk: anything there is trailing data.
            carry = bytes(slot.src[batch:n]) if slot.more else b""
            slot.trailing = not slot.more and bool(self._src.read(1))
            slot.chunks = max(1, -(-slot.size // ENC_CHUNK_SIZE))  # an empty payload: one missing chunk
            counter += slot.chunks
            return slot.more

        def open_batch(slot: _Slot) -> None:
            slot.error = None
            slot.out_size = 0
            for i in range(slot.chunks):
                start = i * ENC_CHUNK_SIZE
                end = min(start + ENC_CHUNK_SIZE, slot.size)
                try:
                    size, last = _open_chunk(self._aead, slot.counter + i, slot.src[start:end], slot.out[slot.out_size :])
                except PayloadError as exc:
                    slot.error = exc
                    return
                slot.out_size += size
                # Where readinto() would fail after handing out this chunk (it authenticated):
                # a final chunk with more after it, or the end of the input after a non-final one.
                at_end = end == slot.size and not slot.more
                if last and not (at_end and not slot.trailing):
                    slot.error = PayloadError(_TRAILING)
                    return
                if not last and at_end:
                    slot.error = PayloadError(_TRUNCATED)
                    return

        def write(slot: _Slot) -> None:
            nonlocal written
            _write_all(dst, slot.out[: slot.out_size])
            written += slot.out_size
            if slot.error:
                raise slot.error

        try:
            run_in_order(workers or default_workers(), lambda: _Slot(batch + 1, OPEN_BATCH_CHUNKS * CHUNK_SIZE),
                         read, open_batch, write)
        except PayloadError as exc:
            self._error = exc  # a broken stream stays broken
            raise
        self._counter = counter
        self._done = True
        return written


class RandomAccessPayload:
    """Decrypt any plaintext range of a seekable payload, touching only the chunks it covers.

    `src` is seekable and `start` is the offset of the first chunk (just after the nonce).
    The final chunk is authenticated at construction, which also authenticates the length:
    a truncated or extended file fails here instead of on some later read.
    """

    def __init__(self, src: SeekableSource, file_key: bytes, nonce: bytes, start: int):
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
        parts: list[bytes] = []
        while offset < end:
            index, within = divmod(offset, CHUNK_SIZE)
            chunk = self._chunk(index)
            take = min(len(chunk) - within, end - offset)
            parts.append(chunk[within : within + take])
            offset += take
        return b"".join(parts)
