"""The caps of caps.py applied around qpdf, in the order the work happens (pdf.py calls these):

1. `scan` before qpdf opens the file: objects, syntax items and bytes, nesting, cross-reference
   entries and the decoded size of each object stream, from the raw bytes (pdf_syntax.py);
2. `limited_qpdf` while qpdf works: qpdf's own limits. Mostly a second line behind ours, but the
   first for the one object stream qpdf reads while opening the file (the catalog's, if packed):
   it may decode no more than MAX_PDF_PACKED_BYTES;
3. `check_opened` once it is open, before any object is read: pages, and the decoded text of
   every object stream tokenized against the same budget as the raw syntax;
4. `check_streams` before writing: what every stream that leaves decodes to, as a reader would
   decode it (pdf_streams.py). qpdf itself copies streams as they are, never decoding them.
"""

from contextlib import contextmanager

import pikepdf
from pikepdf import settings

from . import UnsupportedAttachment
from .caps import (MAX_PDF_NESTING, MAX_PDF_OBJECTS, MAX_PDF_PACKED_BYTES, MAX_PDF_PAGES, MAX_PDF_STREAM_FILTERS,
                   MAX_PDF_SYNTAX_ITEMS, MAX_PDF_WARNINGS)
from .pdf_streams import InflateBudget, check_stream, decode_bounded
from .pdf_syntax import SyntaxBudget, scan_file, tokenize_packed

scan = scan_file


@contextmanager
def limited_qpdf():
    """qpdf's global limits set to ours for the time of one file, then put back (the desk is
    single-threaded; they are process-wide). Past a parser limit qpdf only warns, counts the hit
    and goes on with a null: a hit refuses the file here. Past a decoding limit the decode fails:
    the file is unreadable, or that stream is left as it was."""
    previous = settings.set_qpdf_limits(
        parser_max_nesting=MAX_PDF_NESTING, parser_max_container_size=MAX_PDF_SYNTAX_ITEMS,
        max_stream_filters=MAX_PDF_STREAM_FILTERS,
        doc_max_warnings=MAX_PDF_WARNINGS,
        # What qpdf decodes for itself: object and cross-reference streams, and the appearance
        # streams of form fields it regenerates; never page content or images.
        flate_max_memory=MAX_PDF_PACKED_BYTES, png_max_memory=MAX_PDF_PACKED_BYTES,
        tiff_max_memory=MAX_PDF_PACKED_BYTES, run_length_max_memory=MAX_PDF_PACKED_BYTES,
        dct_max_memory=MAX_PDF_PACKED_BYTES)
    hits = settings.qpdf_limit_errors()
    try:
        yield
        if settings.qpdf_limit_errors() != hits:
            raise UnsupportedAttachment("PDF past qpdf's parsing limits (nesting, container size or warnings): "
                                        "not cleaned here")
    finally:
        settings.set_qpdf_limits(**previous)


def check_opened(pdf: pikepdf.Pdf, budget: SyntaxBudget) -> None:
    size = pdf.trailer.get("/Size")
    if isinstance(size, int) and size > MAX_PDF_OBJECTS + 1:
        raise UnsupportedAttachment(f"PDF with more than {MAX_PDF_OBJECTS} objects: not cleaned here")
    _tokenize_object_streams(pdf, budget)  # before pages: finding them reads objects
    if len(pdf.pages) > MAX_PDF_PAGES:
        raise UnsupportedAttachment(f"PDF with more than {MAX_PDF_PAGES} pages: not cleaned here")


def _tokenize_object_streams(pdf: pikepdf.Pdf, budget: SyntaxBudget) -> None:
    """qpdf parses all the objects of an object stream as soon as one of them is read: each one is
    decoded (bounded) and tokenized first, from the stream numbers the cross-reference names."""
    containers: set[int] = set()
    for entry in pdf.get_xref_table().values():
        if entry.type == 2:  # compressed: pikepdf gives the number of its object stream
            if entry.obj_stream_number is None:
                raise UnsupportedAttachment("PDF with a packed object that names no object stream: not cleaned here")
            containers.add(entry.obj_stream_number)
    inflated = InflateBudget()
    for number in sorted(containers):
        stream = pdf.get_object(number, 0)  # its dictionary was counted in the raw bytes
        if not isinstance(stream, pikepdf.Stream):
            continue  # qpdf finds no objects there either
        count, first = stream.get("/N"), stream.get("/First")
        if not (isinstance(count, int) and isinstance(first, int)):
            continue
        text = decode_bounded(stream, MAX_PDF_PACKED_BYTES, inflated)
        if text is None:
            raise UnsupportedAttachment(f"PDF object stream that decodes to more than {MAX_PDF_PACKED_BYTES >> 20} MiB: "
                                        "not cleaned here")
        tokenize_packed(text, count, first, budget)  # refuses past MAX_PDF_SYNTAX_BYTES in all


def check_streams(pdf: pikepdf.Pdf, streams) -> None:
    """Every stream that will be written decodes to at most MAX_PDF_STREAM_DECODED, and all of
    them together inflate at most MAX_PDF_INFLATED_TOTAL while being measured."""
    inflated = InflateBudget()
    for stream in streams:
        check_stream(stream, inflated)
