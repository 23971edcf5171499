"""The caps of caps.py for an image, checked from its headers after Pillow has opened it and
before anything is decoded: pixels (or a smaller JPEG scale), frames, JPEG scans and
coefficient memory. Pillow reads only headers on open; these checks read no more."""

import struct

from PIL import Image

from . import UnsupportedAttachment
from .caps import (MAX_IMAGE_FRAMES, MAX_JPEG_COEFFICIENT_BYTES, MAX_JPEG_PIXELS, MAX_JPEG_SCANS, MAX_PIXELS,
                   MAX_WEBP_PIXELS)
from .jpeg import jpeg_layout


def fit(im: Image.Image, data: bytes, warnings: list[str]) -> int:
    """Refuse `im` past a cap, or set a JPEG to decode at a smaller scale; returns its frames."""
    frames = count_frames(im, data)
    if frames > MAX_IMAGE_FRAMES:
        raise UnsupportedAttachment(f"image with more than {MAX_IMAGE_FRAMES} frames or pages: not cleaned here")
    if im.format in ("JPEG", "MPO"):
        _check_jpeg(data)
    cap = MAX_WEBP_PIXELS if im.format == "WEBP" else MAX_PIXELS
    pixels = im.width * im.height
    if pixels <= cap:
        return frames
    if im.format in ("JPEG", "MPO") and pixels <= MAX_JPEG_PIXELS:
        scale = next(s for s in (2, 4, 8) if pixels / (s * s) <= MAX_PIXELS)
        original = im.size
        im.draft(im.mode, (im.width // scale, im.height // scale))  # libjpeg's DCT scaling
        warnings.append(f"image of {original[0]}x{original[1]} pixels exported at 1/{scale} scale "
                        f"({im.width}x{im.height}); extract the original with 'intake attachment'")
        return frames
    raise UnsupportedAttachment(f"image too large ({im.width}x{im.height} pixels; at most {cap // 1_000_000} "
                                "megapixels are cleaned here)")


def _check_jpeg(data: bytes) -> None:
    try:
        layout = jpeg_layout(data, max_scans=MAX_JPEG_SCANS)
    except (IndexError, ValueError):
        return  # libjpeg decodes what it can of a damaged file; its header has been read already
    if layout is None:
        return
    if layout.scans > MAX_JPEG_SCANS:
        raise UnsupportedAttachment(f"JPEG with more than {MAX_JPEG_SCANS} scans: not cleaned here")
    if (layout.progressive or layout.scans > 1) and layout.coefficient_bytes > MAX_JPEG_COEFFICIENT_BYTES:
        raise UnsupportedAttachment(f"progressive JPEG too large ({layout.width}x{layout.height} pixels): decoding "
                                    f"it would hold more than {MAX_JPEG_COEFFICIENT_BYTES >> 20} MiB of coefficients")


def count_frames(im: Image.Image, data: bytes) -> int:
    """Frames or pages, up to MAX_IMAGE_FRAMES + 1. GIF and TIFF are walked here, header by header:
    Pillow would load each frame on the way (GIF) or walk every page in Python (TIFF)."""
    if im.format == "GIF":
        return _gif_frames(data, MAX_IMAGE_FRAMES + 1)
    if im.format == "TIFF":
        return _tiff_pages(data, MAX_IMAGE_FRAMES + 1)
    return int(getattr(im, "n_frames", 1) or 1)  # WebP, APNG and MPO declare theirs in a header


def _gif_frames(data: bytes, limit: int) -> int:
    """Image descriptors, skipping extensions and image data by their sub-block lengths."""
    frames, pos = 0, 13
    if len(data) < 13:
        return 0
    if data[10] & 0x80:
        pos += 3 << ((data[10] & 7) + 1)  # global colour table
    while pos < len(data) and frames < limit:
        kind = data[pos]
        if kind == 0x2C:  # image descriptor, optional local colour table, LZW code size, data
            if pos + 10 > len(data):
                break
            frames += 1
            flags = data[pos + 9]
            pos += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
        elif kind == 0x21:  # extension: label, then sub-blocks
            pos += 2
        else:  # trailer, or damage: Pillow stops there too
            break
        while pos < len(data) and data[pos]:
            pos += 1 + data[pos]
        pos += 1
    return frames


def _tiff_pages(data: bytes, limit: int) -> int:
    """Image file directories, following each one's link to the next (classic and BigTIFF)."""
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None or len(data) < 16:
        return 0
    big = struct.unpack_from(order + "H", data, 2)[0] == 43
    offset_format, count_format, entry_size = ("Q", "Q", 20) if big else ("I", "H", 12)
    offset = struct.unpack_from(order + offset_format, data, 8 if big else 4)[0]
    pages, seen = 0, set()
    while offset and offset not in seen and pages < limit:
        seen.add(offset)
        try:
            count = struct.unpack_from(order + count_format, data, offset)[0]
            after = offset + struct.calcsize(count_format) + count * entry_size
            offset = struct.unpack_from(order + offset_format, data, after)[0]
        except struct.error:  # a link past the end: Pillow stops at the page before
            pages += 1
            break
        pages += 1
    return pages
