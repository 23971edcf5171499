"""The age v1 header: stanzas and the MAC line, parsed strictly and written canonically.

No cryptography here. Parsing accepts exactly what the writer produces: the header MAC covers
the bytes as read, so any leniency (an extra space, a non-canonical base64 character) would let
two different byte strings carry the same meaning.
"""

import base64
import binascii
import re
from dataclasses import dataclass, field

from .errors import HeaderError
from .iotypes import LineReadable

VERSION_LINE = b"age-encryption.org/v1\n"
MAC_PREFIX = b"---"
STANZA_PREFIX = b"-> "
COLUMNS = 64
MAX_HEADER_SIZE = 1 << 20  # far above any real header (a PQ stanza is ~1.6 KB)
MAX_STANZAS = 1024

_ARG = re.compile(rb"[\x21-\x7e]+")


def b64encode(data: bytes) -> bytes:
    """Unpadded standard base64, as every base64 string in the header is written."""
    return base64.b64encode(data).rstrip(b"=")


def b64decode(text: bytes) -> bytes:
    """Strict unpadded base64: no padding, no stray characters, canonical trailing bits."""
    if b"=" in text or len(text) % 4 == 1:
        raise HeaderError("malformed base64 in header")
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise HeaderError("malformed base64 in header") from None
    if b64encode(data) != text:  # Python ignores non-zero trailing bits; age does not.
        raise HeaderError("non-canonical base64 in header")
    return data


@dataclass
class Stanza:
    """One recipient stanza: a type, its arguments and an opaque body."""

    type: str
    args: list[str] = field(default_factory=list)
    body: bytes = b""

    def to_bytes(self) -> bytes:
        line = b" ".join([STANZA_PREFIX.rstrip(b" "), self.type.encode(), *(a.encode() for a in self.args)])
        encoded = b64encode(self.body)
        lines = [encoded[i : i + COLUMNS] for i in range(0, len(encoded), COLUMNS)]
        if len(encoded) % COLUMNS == 0:
            lines.append(b"")  # the final body line is always shorter than 64 columns
        return line + b"\n" + b"".join(chunk + b"\n" for chunk in lines)


@dataclass
class Header:
    """A parsed header. `mac_input` is the exact byte range the header MAC covers."""

    stanzas: list[Stanza]
    mac: bytes
    mac_input: bytes


def header_without_mac(stanzas: list[Stanza]) -> bytes:
    """The bytes the MAC covers: version line, stanzas and the three dashes."""
    return VERSION_LINE + b"".join(s.to_bytes() for s in stanzas) + MAC_PREFIX


def header_with_mac(mac_input: bytes, mac: bytes) -> bytes:
    return mac_input + b" " + b64encode(mac) + b"\n"


def _read_line(src: LineReadable, consumed: int) -> bytes:
    line = src.readline(MAX_HEADER_SIZE - consumed + 1)
    if not line.endswith(b"\n"):
        if consumed + len(line) > MAX_HEADER_SIZE:
            raise HeaderError("header is too large")
        raise HeaderError("header is truncated")
    return line


def parse_header(src: LineReadable) -> Header:
    """Read a header from a binary stream, leaving the stream at the payload nonce.

    `src` must offer readline(limit); io.BufferedReader and io.BytesIO do.
    """
    first = src.readline(len(VERSION_LINE))
    if first != VERSION_LINE:
        if first.startswith(b"age-encryption.org/"):
            raise HeaderError("unsupported age format version")
        raise HeaderError("not an age file (missing version line)")
    raw = bytearray(first)
    stanzas: list[Stanza] = []
    line = _read_line(src, len(raw))
    while True:
        if line.startswith(MAC_PREFIX):
            return _parse_mac_line(bytes(raw), line, stanzas)
        if not line.startswith(STANZA_PREFIX):
            raise HeaderError("malformed header line")
        if len(stanzas) >= MAX_STANZAS:
            raise HeaderError("too many recipient stanzas")
        raw += line
        args = line[len(STANZA_PREFIX) : -1].split(b" ")
        if not args or not all(_ARG.fullmatch(a) for a in args):
            raise HeaderError("malformed stanza arguments")
        body = bytearray()
        while True:
            line = _read_line(src, len(raw))
            raw += line
            content = line[:-1]
            if len(content) > COLUMNS:
                raise HeaderError("stanza body line is too long")
            body += b64decode(content)
            if len(content) < COLUMNS:
                break
        stanzas.append(Stanza(args[0].decode(), [a.decode() for a in args[1:]], bytes(body)))
        line = _read_line(src, len(raw))


def _parse_mac_line(raw: bytes, line: bytes, stanzas: list[Stanza]) -> Header:
    if not line.startswith(MAC_PREFIX + b" "):
        raise HeaderError("malformed MAC line")
    mac_text = line[len(MAC_PREFIX) + 1 : -1]
    mac = b64decode(mac_text)
    if len(mac) != 32:
        raise HeaderError("malformed MAC line")
    return Header(stanzas, mac, raw + MAC_PREFIX)
