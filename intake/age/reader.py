"""Decryption: find a stanza an identity opens, verify the header MAC, then read the payload."""

import io
import os
from collections.abc import Iterable
from typing import Protocol

from .armor import ArmoredReader
from .errors import HeaderError, HMACError, NoIdentityMatchError
from .format import Header, Stanza, parse_header
from .iotypes import AgeSource, BufferLike, LineReadable, SeekableSource, Writable
from .primitives import header_mac, mac_matches
from .stream import CHUNK_SIZE, NONCE_SIZE, PayloadReader, RandomAccessPayload


class Identity(Protocol):
    """What decryption needs of an identity (identities.py, hybrid.py): this module imports
    neither, so that opening a file never means being able to parse an identity string."""

    def unwrap(self, stanzas: list[Stanza]) -> bytes | None: ...


def _file_key(identities: list[Identity], header: Header) -> bytes:
    types = tuple(dict.fromkeys(s.type for s in header.stanzas))
    if "scrypt" in types and len(header.stanzas) != 1:
        raise HeaderError("an scrypt (passphrase) stanza must be the file's only stanza")
    for identity in identities:
        file_key = identity.unwrap(header.stanzas)
        if file_key is not None:
            break
    else:
        if types == ("scrypt",):
            raise NoIdentityMatchError("wrong passphrase", types)
        raise NoIdentityMatchError(
            "no identity matched any of the file's recipients (stanza types: " + ", ".join(types) + ")", types
        )
    # Constant-time: the MAC is a secret-keyed value compared against attacker input.
    if not mac_matches(header_mac(file_key, header.mac_input), header.mac):
        raise HMACError("header MAC mismatch: the file header was modified")
    return file_key


def _read_exactly(src: LineReadable, size: int) -> bytes:
    data = b""
    while len(data) < size and (part := src.read(size - len(data))):
        data += part
    return data


def _open(identities: list[Identity], src: LineReadable) -> tuple[Header, bytes, bytes]:
    header = parse_header(src)
    file_key = _file_key(list(identities), header)
    nonce = _read_exactly(src, NONCE_SIZE)
    if len(nonce) != NONCE_SIZE:
        raise HeaderError("file is truncated (missing payload nonce)")
    return header, file_key, nonce


class AgeReader(io.RawIOBase):
    """Sequential plaintext of an age file; raises PayloadError where the file is damaged."""

    def __init__(self, payload: PayloadReader, header: Header):
        self._payload = payload
        self.header = header

    def readable(self) -> bool:
        return True

    def readinto(self, buf: BufferLike) -> int:
        return self._payload.readinto(buf)

    def write_to(self, dst: Writable) -> int:
        """Write the rest of the plaintext into `dst` on a few threads; return the bytes written.

        The fast way to decrypt a whole stream (intake decrypt uses it). Each chunk is written
        only once it authenticated; on a damaged file, what came before the damage is written,
        then PayloadError is raised, as reading to the end would.
        """
        return self._payload.write_to(dst)


def decrypt(identities: Iterable[Identity], src: AgeSource, *, armored: bool = False) -> AgeReader:
    """Open an age file from a binary stream (one that has readline, e.g. open(…, "rb"))."""
    source: AgeSource = ArmoredReader(src) if armored else src
    header, file_key, nonce = _open(list(identities), source)
    return AgeReader(PayloadReader(source, file_key, nonce), header)


class RandomAccessReader(io.RawIOBase):
    """A seekable, read-only view of the plaintext of a seekable binary age file.

    Reading decrypts only the 64 KiB chunks under the requested range, so a ZIP reader can
    list and extract entries of a large file without decrypting the rest.
    """

    def __init__(self, identities: list[Identity], src: SeekableSource):
        self.header, file_key, nonce = _open(identities, src)
        self._payload = RandomAccessPayload(src, file_key, nonce, src.tell())
        self._pos = 0

    @property
    def size(self) -> int:
        return self._payload.size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buf: BufferLike) -> int:
        view = memoryview(buf).cast("B")
        data = self._payload.read_at(self._pos, min(len(view), 16 * CHUNK_SIZE))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)


def open_random_access(identities: Iterable[Identity], src: SeekableSource) -> RandomAccessReader:
    """Open a seekable binary age file (not armored) for random-access reading."""
    return RandomAccessReader(list(identities), src)
