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
- Anything else is refused unless the caller includes it explicitly, as is, with a warning; and
  even then never a file whose content is a PDF, HTML, SVG or XML, an executable or script, a
  program for a viewer, a shortcut, or an archive or container (as_is_refusal on its first
  64 KiB, as_is_tail_refusal on its last): those carry active content or whole other files.

The type comes from the content, never from the declared type or the name, and a file that
claims to be an image or a PDF but cannot be read is refused, never passed through.

NOT done here: redacting what is visible. Faces, signs and screens in a photo, and the text,
images and annotation appearances of a PDF page (white or tiny text, hidden layers, text under a
black box) are all kept; a person reviews every exported attachment (§4.4, §5.3.10).

Hostile files are parsed in this process (§5.3.8): Pillow may open only a few common formats
(never EPS, which runs Ghostscript); PDFs are qpdf's. What either may cost is capped in
attachments/caps.py, and the caller hands over at most MAX_CLEAN_BYTES.
"""

import re

from . import CleanResult, UnsupportedAttachment
from .caps import MAX_CLEAN_BYTES
from .images import clean_image
from .pdf import clean_pdf

__all__ = ["CleanResult", "UnsupportedAttachment", "clean_attachment", "INCLUDED_AS_IS", "MAX_CLEAN_BYTES",
           "as_is_refusal", "as_is_tail_refusal", "claims_image_or_pdf", "other_extension"]

INCLUDED_AS_IS = "included as is: metadata NOT removed"

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
_CLAIMED_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp",
                       ".heic", ".heif", ".avif", ".pdf"}


def clean_attachment(data: bytes, declared_type: str, original_name: str, *,
                     include_other: bool = False) -> CleanResult:
    """A cleaned copy of one attachment; raises UnsupportedAttachment if it may not be exported."""
    data = bytes(data)  # our own immutable copy: a bytearray could change while we read it
    if len(data) > MAX_CLEAN_BYTES:  # first: the caps of attachments/caps.py assume it
        raise UnsupportedAttachment(f"larger than the {MAX_CLEAN_BYTES >> 20} MiB that are cleaned here")
    kind = _content_kind(data)
    if kind == "pdf":
        return clean_pdf(data)
    if kind == "image":
        return clean_image(data)
    if kind == "heif":
        raise UnsupportedAttachment("a HEIC/AVIF image cannot be cleaned here: convert it to JPEG or PNG first")
    if claims_image_or_pdf(declared_type, original_name):
        raise UnsupportedAttachment("declared or named as an image or PDF, but the content is not one we can clean")
    refusal = as_is_refusal(data[:AS_IS_PREFIX]) or as_is_tail_refusal(data[-AS_IS_PREFIX:])
    if refusal:
        raise UnsupportedAttachment(refusal)
    if not include_other:
        raise UnsupportedAttachment("neither an image nor a PDF: left out unless included explicitly "
                                    "(as is, metadata NOT removed)")
    return CleanResult(data, other_extension(original_name), "other", [], [INCLUDED_AS_IS])


AS_IS_PREFIX = 64 << 10
# Content that must never leave as is, by its first bytes: (magic, offset, kind).
_NEVER_AS_IS = (
    (b"\x7fELF", 0, "an executable"), (b"MZ", 0, "an executable"), (b"\xfe\xed\xfa", 0, "an executable"),
    (b"\xce\xfa\xed\xfe", 0, "an executable"), (b"\xcf\xfa\xed\xfe", 0, "an executable"),
    (b"\xca\xfe\xba\xbe", 0, "an executable"), (b"\x00asm", 0, "an executable"), (b"#!", 0, "a script"),
    (b"L\x00\x00\x00\x01\x14\x02\x00", 0, "a Windows shortcut"),
    (b"PK\x03\x04", 0, "an archive"), (b"PK\x05\x06", 0, "an archive"), (b"PK\x07\x08", 0, "an archive"),
    (b"Rar!\x1a\x07", 0, "an archive"), (b"7z\xbc\xaf\x27\x1c", 0, "an archive"), (b"\x1f\x8b", 0, "an archive"),
    (b"BZh", 0, "an archive"), (b"\xfd7zXZ\x00", 0, "an archive"), (b"\x28\xb5\x2f\xfd", 0, "an archive"),
    (b"MSCF", 0, "an archive"), (b"ustar", 257, "an archive"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "a container"),
    (b"CD001", 0x8001, "a disk image"), (b"CD001", 0x8801, "a disk image"), (b"CD001", 0x9001, "a disk image"),
    (b"{\\rtf", 0, "a rich text document (it can embed objects)"),
    # Programs for a viewer: PostScript (Ghostscript runs it to show it; EPS too), Flash, compiled
    # help (runs scripts), Android bytecode.
    (b"%!", 0, "PostScript (a program)"), (b"\xc5\xd0\xd3\xc6", 0, "PostScript (a program)"),
    (b"ITSF", 0, "compiled help (it runs scripts)"),
    (b"dex\n", 0, "an executable"),
    # More archives and packages: ar (.deb), RPM, lzip, LZ4, xar (.pkg), cpio, SquashFS, Chrome
    # extensions, Windows images.
    (b"!<arch>\n", 0, "an archive"), (b"\xed\xab\xee\xdb", 0, "an archive"), (b"LZIP", 0, "an archive"),
    (b"\x04\x22\x4d\x18", 0, "an archive"), (b"xar!", 0, "an archive"), (b"070701", 0, "an archive"),
    (b"070702", 0, "an archive"), (b"070707", 0, "an archive"), (b"hsqs", 0, "a disk image"), (b"sqsh", 0, "a disk image"),
    (b"Cr24", 0, "an archive"), (b"MSWIM\x00", 0, "a disk image"), (b"vhdxfile", 0, "a disk image"),
)
_FLASH = re.compile(rb"[FCZ]WS[\x01-\x40]")  # signature and version: "FWS" alone starts English text
# Text files that a desktop runs or follows when opened: Windows and Linux shortcuts, registry files.
_LAUNCHERS = re.compile(rb"\s*(?:\[InternetShortcut\]|\[Desktop Entry\]|REGEDIT4|Windows Registry Editor)", re.IGNORECASE)
# Markup that a browser or viewer would run or render with scripts, anywhere near the start.
_MARKUP = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed|\?xml|style|meta|link|base|"
                     rb"form|frameset|frame|applet|math|xsl:[a-z]+)\b|<\s*[a-z]+[^>]*\son[a-z]+\s*=",
                     re.IGNORECASE)
_PDF = re.compile(rb"%\s*PDF-", re.IGNORECASE)


# Archives readers find anywhere (self-extracting files, junk before the signature).
_EMBEDDED_ARCHIVE = re.compile(rb"PK\x03\x04|PK\x05\x06|Rar!\x1a\x07|7z\xbc\xaf\x27\x1c")


def as_is_refusal(prefix: bytes) -> str | None:
    """Why a file whose content starts with `prefix` (its first 64 KiB) must not leave as is, or None."""
    prefix = bytes(prefix[:AS_IS_PREFIX])
    # Readers find "%PDF-" well past the start (Acrobat: the first KiB; others: anywhere).
    if _PDF.search(prefix):
        return "content is a PDF that could not be cleaned: not exported as is"
    if _content_kind(prefix) is not None:  # an image too large to clean keeps its EXIF as is
        return "content is an image that could not be cleaned: not exported as is"
    for magic, offset, kind in _NEVER_AS_IS:
        if prefix[offset:offset + len(magic)] == magic:
            return f"content is {kind}: not exported as is"
    if _FLASH.match(prefix):
        return "content is Flash (a program): not exported as is"
    if _LAUNCHERS.match(prefix.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe")):
        return "content is a shortcut or registry file: not exported as is"
    if _EMBEDDED_ARCHIVE.search(prefix):
        return "content holds an archive: not exported as is"
    text = prefix.replace(b"\x00", b"")  # UTF-16 markup too
    if _MARKUP.search(text):
        return "content is HTML, SVG or XML markup: not exported as is"
    return None


# What readers look for at the end of a file: a ZIP's end of central directory (ZIP readers, and so
# Office, open a file whatever comes before it), a PDF's cross-reference pointer and end marker
# (Poppler, MuPDF and qpdf open a PDF that has no header at all).
_TAIL_MARKERS = re.compile(rb"PK\x05\x06|PK\x06\x07|startxref|%%EOF")


def as_is_tail_refusal(suffix: bytes) -> str | None:
    """Why a file that ends with `suffix` (its last 64 KiB) must not leave as is, or None. A
    caller that streams a file checks its first 64 KiB with as_is_refusal and its last with this."""
    marker = _TAIL_MARKERS.search(bytes(suffix[-AS_IS_PREFIX:]))
    if marker is None:
        return None
    if marker[0].startswith(b"PK"):
        return "content holds an archive (at its end): not exported as is"
    return "content is a PDF (without its header): not exported as is"


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


def claims_image_or_pdf(declared_type: str, original_name: str) -> bool:
    mime = (declared_type or "").split(";")[0].strip().lower()
    return mime.startswith("image/") or "pdf" in mime or _suffix(original_name) in _CLAIMED_EXTENSIONS


def _suffix(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]  # browsers may send a Windows path
    return "." + base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


# Kinds a person may open from an export without running anything; every other file is named
# .bin, so no viewer or shell picks it up by its extension (.html, .bat, .lnk, .tar…).
_PLAIN_EXTENSIONS = {".txt", ".csv", ".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".mp3", ".m4a", ".aac",
                     ".ogg", ".oga", ".opus", ".wav", ".flac", ".amr", ".3gp"}


def other_extension(name: str) -> str:
    suffix = _suffix(name)
    return suffix if suffix in _PLAIN_EXTENSIONS else ".bin"
