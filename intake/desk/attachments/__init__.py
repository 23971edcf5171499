"""Cleaning attachments for an export, one module per kind: images.py, pdf.py (with jpeg.py).

What cleaning may cost is capped in caps.py, checked before the work it bounds: image_caps.py for
images, pdf_caps.py for PDFs (with pdf_syntax.py, which counts a PDF's syntax before qpdf parses
it, and pdf_streams.py, which measures what its streams decode to).

The entry point is `clean.clean_attachment`, which tells the kinds apart
by content; the types both sides share live here.
"""

from dataclasses import dataclass, field

from ..errors import DeskError


class UnsupportedAttachment(DeskError):
    """This attachment cannot be cleaned, so it must not be exported (`reason` says why).

    Reasons never quote the file's name or content: they may end up in an export manifest.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanResult:
    data: bytes  # the cleaned file
    extension: str  # ".jpg", ".png", ".pdf", or the original's for an included other file
    kind: str  # "image", "pdf" or "other"
    removed: list[str] = field(default_factory=list)  # what was found and stripped, for the manifest
    warnings: list[str] = field(default_factory=list)  # what a person still has to check
