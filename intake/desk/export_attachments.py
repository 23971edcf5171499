"""Attachments cleaned for an export: metadata removed, the originals untouched.

`clean_attachment(data, declared_type, original_name)` returns a cleaned copy of one attachment
(redaction.md §3). Nothing is written anywhere; the caller keeps the original in the vault as
evidence and records its SHA-256 in the export manifest.

- Images are decoded and a new image is built from the pixels alone, so EXIF (GPS, serial
  numbers, the embedded thumbnail), XMP, IPTC, ICC profiles, comments, PNG text chunks and bytes
  after the image end (aCropalypse) stay behind (attachments/images.py).
- PDFs are rewritten whole (never an incremental update, so earlier revisions go) keeping only
  what draws the pages: no document info, XMP, file identifier, JavaScript or other actions,
  embedded files, annotations or form fields (their visible appearance is flattened into the
  page), bookmarks, structure tree (alt text), page thumbnails or private application data.
  JPEG images inside lose their EXIF/XMP/ICC segments, losslessly (attachments/pdf.py).
- Anything else is refused unless the caller includes it explicitly, as is, with a warning.

The type comes from the content, never from the declared type or the name, and a file that
claims to be an image or a PDF but cannot be read is refused, never passed through.

NOT done here: redacting what is visible. Faces, signs and screens in a photo, and the text,
images and annotation appearances of a PDF page (white or tiny text, hidden layers, text under a
black box) are all kept; a person reviews every exported attachment (§4.4, §5.3.10).

Hostile files are parsed in this process (§5.3.8): Pillow may open only a few common formats
(never EPS, which runs Ghostscript) and refuses images over images.MAX_PIXELS; PDFs are qpdf's.
"""

import re

from .attachments import CleanResult, UnsupportedAttachment
from .attachments.images import clean_image
from .attachments.pdf import clean_pdf

__all__ = ["CleanResult", "UnsupportedAttachment", "clean_attachment", "INCLUDED_AS_IS"]

INCLUDED_AS_IS = "included as is: metadata NOT removed"

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
_CLAIMED_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp",
                       ".heic", ".heif", ".avif", ".pdf"}


def clean_attachment(data: bytes, declared_type: str, original_name: str, *,
                     include_other: bool = False) -> CleanResult:
    """A cleaned copy of one attachment; raises UnsupportedAttachment if it may not be exported."""
    data = bytes(data)  # our own immutable copy: a bytearray could change while we read it
    kind = _content_kind(data)
    if kind == "pdf":
        return clean_pdf(data)
    if kind == "image":
        return clean_image(data)
    if kind == "heif":
        raise UnsupportedAttachment("a HEIC/AVIF image cannot be cleaned here: convert it to JPEG or PNG first")
    if _claims_image_or_pdf(declared_type, original_name):
        raise UnsupportedAttachment("declared or named as an image or PDF, but the content is not one we can clean")
    if not include_other:
        raise UnsupportedAttachment("neither an image nor a PDF: left out unless included explicitly "
                                    "(as is, metadata NOT removed)")
    return CleanResult(data, _other_extension(original_name), "other", [], [INCLUDED_AS_IS])


def _content_kind(data: bytes) -> str | None:
    if (data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
            or (data[:2] == b"BM" and data[6:10] == b"\0\0\0\0")):
        return "image"  # first: a PDF hidden behind an image header goes with the re-encoding
    # Readers accept "%PDF-" anywhere in the first KiB, so junk before it must not hide a PDF.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:  # passed through, it would keep its EXIF
        return "heif"
    return None


def _claims_image_or_pdf(declared_type: str, original_name: str) -> bool:
    mime = (declared_type or "").split(";")[0].strip().lower()
    return mime.startswith("image/") or "pdf" in mime or _suffix(original_name) in _CLAIMED_EXTENSIONS


def _suffix(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]  # browsers may send a Windows path
    return "." + base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def _other_extension(name: str) -> str:
    # The extension ends up in an export file name: only a short plain one is carried over.
    suffix = _suffix(name)
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ".bin"
