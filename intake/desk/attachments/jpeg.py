"""Metadata segments cut out of a JPEG without decoding it, for the JPEG images inside PDFs.

A PDF made from phone photos often embeds them byte for byte, EXIF and GPS included. Re-encoding
would lose quality and change colours; dropping the segments leaves the coded image as it was.
"""


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The JPEG without APP1–APP13 and APP15 (EXIF, XMP, ICC, IPTC, MPF…), comments or bytes after
    its end. APP0 (JFIF) and APP14 (Adobe: how to read the colours) stay. Raises ValueError or
    IndexError on a malformed stream."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("no JPEG start marker")
    out, i = [b"\xff\xd8"], 2
    while i < len(data):
        while data[i + 1] == 0xFF:  # fill bytes before a marker
            i += 1
        marker = data[i + 1]
        if data[i] != 0xFF or marker == 0xD8:
            raise ValueError("marker expected")
        if marker == 0xD9:  # end of image: anything after it is dropped
            out.append(b"\xff\xd9")
            break
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
        if not (0xE1 <= marker <= 0xEF and marker != 0xEE or marker == 0xFE):
            out.append(data[i:end])
        i = end
    return b"".join(out)
