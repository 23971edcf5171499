"""How large a PDF stream is once decoded, found out in bounded memory and time.

Nothing here keeps decoded data, except `decode_bounded` for object streams (whose text must be
tokenized, and which the syntax budget keeps small). Each filter stage works on chunks of at most
CHUNK bytes, and counting stops as soon as a cap is passed: a stream that inflates to a terabyte
costs what it takes to inflate the cap, once. Image codecs (DCT, JPX, JBIG2, CCITT) are never
decoded: their size is what the image dictionary (or, for a JPEG, its own frame header) declares,
which is what a reader will allocate.
"""

import base64
import binascii
import re
import zlib
from collections.abc import Iterator

import pikepdf

from . import UnsupportedAttachment
from .caps import MAX_PDF_INFLATED_TOTAL, MAX_PDF_LZW_BYTES, MAX_PDF_STREAM_DECODED, MAX_PDF_STREAM_FILTERS
from .jpeg import jpeg_layout

CHUNK = 1 << 20
# What a filter stage reads: slices of the raw stream buffer (no copy) first, then what the
# stage before it gave. Every stage gives bytes.
Chunk = bytes | memoryview
_ABBREVIATIONS = {"/AHx": "/ASCIIHexDecode", "/A85": "/ASCII85Decode", "/LZW": "/LZWDecode", "/Fl": "/FlateDecode",
                  "/RL": "/RunLengthDecode", "/CCF": "/CCITTFaxDecode", "/DCT": "/DCTDecode"}
_IMAGE_CODECS = {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"}
_COMPONENTS = {"/DeviceGray": 1, "/CalGray": 1, "/G": 1, "/DeviceRGB": 3, "/CalRGB": 3, "/Lab": 3, "/RGB": 3,
               "/DeviceCMYK": 4, "/CMYK": 4, "/Indexed": 1, "/I": 1, "/Separation": 1}


class InflateBudget:
    """What measuring the streams of one PDF may inflate, all stages of all streams together."""

    def __init__(self):
        self.inflated = 0

    def spend(self, size: int) -> None:
        self.inflated += size
        if self.inflated > MAX_PDF_INFLATED_TOTAL:
            raise UnsupportedAttachment(f"PDF whose streams decode to more than {MAX_PDF_INFLATED_TOTAL >> 30} GiB "
                                        "in total: not cleaned here")


def check_stream(stream: pikepdf.Stream, budget: InflateBudget) -> None:
    """Refuse a stream that decodes past MAX_PDF_STREAM_DECODED, or a chain of filters past its cap."""
    filters = _filters(stream)
    codec = filters.pop() if filters and filters[-1] in _IMAGE_CODECS else None
    if any(f in _IMAGE_CODECS for f in filters):
        raise UnsupportedAttachment("PDF stream with an image codec before another filter: not cleaned here")
    if codec is None and not filters:
        return  # stored as is: its decoded size is its size, already within MAX_CLEAN_BYTES
    raw = stream.get_raw_stream_buffer()  # qpdf's own reading (decrypted), as a buffer: no copy
    size = _count(_decode(memoryview(raw), filters, _parameters(stream, len(filters)), budget))
    if codec is not None:  # what the filters before it gave is the coded image; a reader decodes it
        size = max(size, _declared_image_size(stream, codec, None if filters else raw))
    if size > MAX_PDF_STREAM_DECODED:
        raise UnsupportedAttachment(f"PDF stream that decodes to more than {MAX_PDF_STREAM_DECODED >> 20} MiB: "
                                    "not cleaned here")


def decode_bounded(stream: pikepdf.Stream, limit: int, budget: InflateBudget) -> bytes | None:
    """The decoded data of a stream without image codecs, or None past `limit` bytes."""
    filters = _filters(stream)
    if any(f in _IMAGE_CODECS for f in filters):
        return None
    chunks, size = [], 0
    for chunk in _decode(memoryview(stream.get_raw_stream_buffer()), filters, _parameters(stream, len(filters)),
                         budget):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(bytes(chunk))
    return b"".join(chunks)


def packed_size(raw: memoryview, filters: list[str], limit: int) -> int:
    """The decoded size of raw stream data (filters without parameters: enough for a size), at
    most `limit` + 1. Unknown filters and image codecs count as stored."""
    filters = [_ABBREVIATIONS.get(f, f) for f in filters[:MAX_PDF_STREAM_FILTERS]]
    known = filters[:next((i for i, f in enumerate(filters) if f not in _STAGES), len(filters))]
    size = 0
    for chunk in _decode(raw, known, [None] * len(known), InflateBudget()):
        size += len(chunk)
        if size > limit:
            break
    return size


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    names = list(value) if isinstance(value, pikepdf.Array) else [] if value is None else [value]
    if len(names) > MAX_PDF_STREAM_FILTERS:
        raise UnsupportedAttachment(f"PDF stream with more than {MAX_PDF_STREAM_FILTERS} filters: not cleaned here")
    return [_ABBREVIATIONS.get(str(name), str(name)) for name in names]


def _parameters(stream: pikepdf.Stream, count: int) -> list:
    value = stream.get("/DecodeParms")
    items = list(value) if isinstance(value, pikepdf.Array) else [value] * count
    return [item if isinstance(item, pikepdf.Dictionary) else None for item in (items + [None] * count)[:count]]


def _count(chunks: Iterator[Chunk]) -> int:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_PDF_STREAM_DECODED:
            break  # enough to refuse it; the rest is never decoded
    return size


def _decode(data: memoryview, filters: list[str], parameters: list, budget: InflateBudget) -> Iterator[Chunk]:
    if filters[:1] == ["/LZWDecode"] and len(data) > MAX_PDF_LZW_BYTES:
        _refuse_lzw()  # known before decoding anything
    chunks: Iterator[Chunk] = (data[i:i + CHUNK] for i in range(0, len(data), CHUNK))
    for name, parms in zip(filters, parameters):
        stage = _STAGES.get(name)
        if stage is None:
            if name == "/Crypt":
                continue  # qpdf has decrypted already; /Identity is all that is left
            raise UnsupportedAttachment("PDF stream with an unknown filter: not cleaned here")
        chunks = _spending(stage(chunks, parms), budget)
    return chunks


def _spending(chunks: Iterator[bytes], budget: InflateBudget) -> Iterator[bytes]:
    for chunk in chunks:
        budget.spend(len(chunk))
        yield chunk


def _flate(chunks: Iterator[Chunk], parms) -> Iterator[bytes]:
    # Predictors only take a byte a row away: the size before them is a bound. A damaged stream
    # ends where zlib stops, as it does for qpdf and for readers.
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            out = inflater.decompress(chunk, CHUNK)
            while True:
                if out:
                    yield out
                if inflater.eof:
                    return
                if not inflater.unconsumed_tail and len(out) < CHUNK:
                    break  # this chunk is used up, and zlib holds nothing more back
                out = inflater.decompress(inflater.unconsumed_tail, CHUNK)
    except zlib.error:
        return


def _ascii_hex(chunks: Iterator[Chunk], parms) -> Iterator[bytes]:
    carry = b""
    for chunk in chunks:
        text = bytes(chunk)
        end = text.find(b">")
        digits = carry + (text if end < 0 else text[:end]).translate(None, _WHITESPACE)
        bad = _NOT_HEX.search(digits)
        usable = (bad.start() if bad else len(digits)) // 2 * 2
        yield binascii.unhexlify(digits[:usable])
        carry = digits[usable:]
        if end >= 0 or bad:
            break  # the end marker, or a character qpdf stops at
    if carry and not _NOT_HEX.match(carry):
        yield binascii.unhexlify(carry[:1] + b"0")  # an odd last digit is followed by a 0


def _ascii85(chunks: Iterator[Chunk], parms) -> Iterator[bytes]:
    carry = b""
    for chunk in chunks:
        text = bytes(chunk)
        end = text.find(b"~")
        text = carry + (text if end < 0 else text[:end]).translate(None, _WHITESPACE)
        groups = _A85_GROUPS.match(text)  # "z" or five digits at a time, in C
        if groups is None:  # cannot be: the expression matches the empty string
            raise UnsupportedAttachment("PDF stream with ASCII85 data that cannot be measured: not cleaned here")
        whole = groups.end()
        yield base64.a85decode(text[:whole])
        carry = text[whole:]
        if end >= 0 or len(carry) >= 5 or _NOT_A85.search(carry):
            break  # the end marker, or a character qpdf stops at
    partial = _A85_PARTIAL.match(carry)
    if partial and len(partial[0]) > 1:
        yield bytes(len(partial[0]) - 1)  # a last group of n digits gives n - 1 bytes


_WHITESPACE = b"\x00\t\n\x0c\r "
_NOT_HEX = re.compile(rb"[^0-9A-Fa-f]")
_A85_GROUPS = re.compile(rb"(?:z|[!-u]{5})*+")
_A85_PARTIAL = re.compile(rb"[!-u]{1,4}")
_NOT_A85 = re.compile(rb"[^!-u]")


def _run_length(chunks: Iterator[Chunk], parms) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        data, out, i = pending + bytes(chunk), bytearray(), 0
        while i < len(data):
            length = data[i]
            if length == 128:
                yield bytes(out)
                return
            if length < 128:
                if i + 1 + length + 1 > len(data):
                    break
                out += data[i + 1:i + 2 + length]
                i += 2 + length
            else:
                if i + 1 >= len(data):
                    break
                out += data[i + 1:i + 2] * (257 - length)
                i += 2
            if len(out) >= CHUNK:
                yield bytes(out)
                out = bytearray()
        pending = data[i:]
        yield bytes(out)


def _lzw(chunks: Iterator[Chunk], parms) -> Iterator[bytes]:
    # Decoded in Python, a code at a time: slow, hence its own cap on the coded size. The table
    # stops at 4,096 entries (12-bit codes), as in every reader, so it stays under 8 MiB.
    early = 1 if parms is None or parms.get("/EarlyChange", 1) != 0 else 0
    table, previous, out = _lzw_table(), None, bytearray()
    bits = value = 0
    width = 9
    coded = 0
    for chunk in chunks:
        coded += len(chunk)
        if coded > MAX_PDF_LZW_BYTES:
            _refuse_lzw()
        for byte in bytes(chunk):
            value, bits = (value << 8) | byte, bits + 8
            while bits >= width:
                bits -= width
                code = (value >> bits) & ((1 << width) - 1)
                if code == 256:
                    table, previous, width = _lzw_table(), None, 9
                    continue
                if code == 257:
                    yield bytes(out)
                    return
                if code < len(table):
                    entry = table[code]
                    if previous is not None and len(table) < 4096:
                        table.append(previous + entry[:1])
                elif previous is not None and code == len(table) < 4096:
                    entry = previous + previous[:1]
                    table.append(entry)
                else:
                    yield bytes(out)
                    return  # a bad code: qpdf and readers stop here
                out += entry
                previous = entry
                if len(table) + early >= (1 << width) and width < 12:
                    width += 1
                if len(out) >= CHUNK:
                    yield bytes(out)
                    out = bytearray()
            value &= (1 << bits) - 1
    yield bytes(out)


def _refuse_lzw():
    raise UnsupportedAttachment(f"PDF stream with more than {MAX_PDF_LZW_BYTES >> 20} MiB of LZW data "
                                "(an obsolete compression): not cleaned here")


def _lzw_table() -> list[bytes]:
    return [bytes([i]) for i in range(256)] + [b"", b""]


_STAGES = {"/FlateDecode": _flate, "/ASCIIHexDecode": _ascii_hex, "/ASCII85Decode": _ascii85,
           "/RunLengthDecode": _run_length, "/LZWDecode": _lzw}


def _declared_image_size(stream: pikepdf.Stream, codec: str, raw) -> int:
    """Bytes a reader allocates for this image: its dictionary's size, or a JPEG's own."""
    width, height = stream.get("/Width", 0), stream.get("/Height", 0)
    width, height = (int(v) if isinstance(v, (int, pikepdf.Integer)) else 0 for v in (width, height))
    components = _components(stream.get("/ColorSpace"))
    bits = 1 if codec in ("/JBIG2Decode", "/CCITTFaxDecode") or stream.get("/ImageMask") is True else 8
    size = max(width, 0) * max(height, 0) * components * bits // 8
    if codec == "/DCTDecode" and raw is not None:
        try:
            layout = jpeg_layout(bytes(memoryview(raw)[:1 << 20]))  # the frame header is near the start
        except (IndexError, ValueError):
            layout = None
        if layout:
            size = max(size, layout.width * layout.height * max(layout.components, 1))
    return size


def _components(colour_space) -> int:
    if isinstance(colour_space, pikepdf.Array) and len(colour_space):
        family = str(colour_space[0])
        if family == "/ICCBased":
            n = colour_space[1].get("/N", 4) if len(colour_space) > 1 else 4
            return int(n) if isinstance(n, int) and 1 <= n <= 32 else 4
        if family == "/DeviceN" and len(colour_space) > 1 and isinstance(colour_space[1], pikepdf.Array):
            return max(1, min(len(colour_space[1]), 32))
        return _COMPONENTS.get(family, 4)
    return _COMPONENTS.get(str(colour_space), 4)  # unknown or missing: as many as CMYK
