"""A JPEG's structure read without decoding it: its segments, for the JPEG images inside PDFs
(metadata cut out losslessly) and for the caps checked before Pillow decodes a JPEG.

A PDF made from phone photos often embeds them byte for byte, EXIF and GPS included. Re-encoding
would lose quality and change colours; dropping the segments leaves the coded image as it was.
"""

from collections.abc import Iterator
from dataclasses import dataclass

_START_OF_FRAME = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_PROGRESSIVE = {0xC2, 0xC6, 0xCA, 0xCE}


@dataclass(frozen=True)
class JpegLayout:
    width: int
    height: int
    components: int
    progressive: bool
    scans: int
    coefficient_bytes: int  # what libjpeg holds for a multi-scan image: 2 bytes per DCT coefficient


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The JPEG without APP1–APP13 and APP15 (EXIF, XMP, ICC, IPTC, MPF…), comments or bytes after
    its end. APP0 (JFIF) and APP14 (Adobe: how to read the colours) stay. Raises ValueError or
    IndexError on a malformed stream."""
    out = [b"\xff\xd8"]
    for marker, start, end in _segments(data):
        if not (0xE1 <= marker <= 0xEF and marker != 0xEE or marker == 0xFE):
            out.append(data[start:end])
    return b"".join(out)


def jpeg_layout(data: bytes, *, max_scans: int | None = None) -> JpegLayout | None:
    """Size, components and scans of the first image of a JPEG, from its markers alone; None
    without a frame header. Stops counting past `max_scans`. Raises ValueError or IndexError on
    a malformed stream."""
    frame, scans = None, 0
    for marker, start, end in _segments(data):
        if marker in _START_OF_FRAME and frame is None:
            frame = marker, data[start + 4:end]
        elif marker == 0xDA:
            scans += 1
            if max_scans is not None and scans > max_scans:
                break
    if frame is None or len(frame[1]) < 6:
        return None
    marker, body = frame
    height, width, count = int.from_bytes(body[1:3], "big"), int.from_bytes(body[3:5], "big"), body[5]
    sampling = [(body[6 + 3 * i + 1] >> 4, body[6 + 3 * i + 1] & 15) for i in range(count) if 8 + 3 * i < len(body)]
    h_max, v_max = max((h for h, _ in sampling), default=1) or 1, max((v for _, v in sampling), default=1) or 1
    blocks = sum(-(-width * h // (8 * h_max)) * -(-height * v // (8 * v_max)) for h, v in sampling)
    return JpegLayout(width, height, count, marker in _PROGRESSIVE, scans, blocks * 64 * 2)


def _segments(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(marker, start, end) of each segment after the start of image, a scan with its coded data,
    up to and including the end of image; raises ValueError or IndexError on a malformed stream."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("no JPEG start marker")
    i = 2
    while i < len(data):
        while data[i + 1] == 0xFF:  # fill bytes before a marker
            i += 1
        marker = data[i + 1]
        if data[i] != 0xFF or marker == 0xD8:
            raise ValueError("marker expected")
        if marker == 0xD9:  # end of image: anything after it is not part of it
            yield marker, i, i + 2
            return
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            end = i + 2
        else:
            end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        # A scan's coded data runs to the next marker that is neither a stuffed 0xFF nor a restart.
        while marker == 0xDA and end < len(data):
            end = data.find(b"\xff", end)
            if end < 0 or data[end + 1] not in (0x00, *range(0xD0, 0xD8)):
                end = len(data) if end < 0 else end
                break
            end += 2
        if end > len(data):
            raise ValueError("truncated segment")
        yield marker, i, end
        i = end
