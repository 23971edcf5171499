"""PDFs rewritten with only what draws their pages (redaction.md §3.4, the checks of §4.4).

The document catalog, the trailer and every page keep an allow-list of keys, so whatever a
producer adds that we never heard of goes too. Annotations and form fields are flattened first:
what they show stays on the page, their authors, comments, actions and attached files do not.
qpdf then writes the objects still reachable, as one revision; the output is read back and
refused if anything that was to go is still there.
"""

import io

import pikepdf

from . import CleanResult, UnsupportedAttachment
from .jpeg import strip_jpeg_metadata
from .pdf_caps import check_opened, check_streams, limited_qpdf, scan

NOT_REDACTED = ("visible content is NOT redacted (page text, images, annotations' appearance, "
                "hidden or white text): a person must review every page")

# /OCProperties stays so that hidden layers stay hidden rather than show up differently per viewer.
_ROOT_KEEP = {"/Type", "/Pages", "/Version", "/OCProperties"}
_PAGE_KEEP = {"/Type", "/Parent", "/Resources", "/Contents", "/MediaBox", "/CropBox", "/BleedBox",
              "/TrimBox", "/ArtBox", "/Rotate", "/UserUnit", "/Group"}
# Anywhere in the file: XMP streams, private application data and its dates, associated (embedded)
# files, alternate images (maybe the unredacted original) and OPI links to external files.
_DROP_ANYWHERE = {"/Metadata", "/PieceInfo", "/LastModified", "/AF", "/Alternates", "/OPI"}
# What the read-back check refuses to find anywhere: scripts, actions, attached files, annotations.
_ACTIVE_OR_ATTACHED = {"/JS", "/EF", "/Annots", "/AcroForm", "/Names", "/OpenAction", "/AA"}
_ROOT_REMOVED = {"/Metadata": "PDF XMP metadata", "/OpenAction": "PDF open action", "/AA": "PDF actions",
                 "/AcroForm": "PDF form fields (flattened)", "/Outlines": "PDF bookmarks",
                 "/StructTreeRoot": "PDF structure tree (tags, alt text)"}


def clean_pdf(data: bytes) -> CleanResult:
    """Rebuilt, or refused past a cap of caps.py (checked before each step that could exceed it:
    pdf_caps.py)."""
    budget = scan(data)  # before qpdf parses anything
    try:
        with limited_qpdf(), pikepdf.open(io.BytesIO(data)) as pdf:
            check_opened(pdf, budget)
            removed, warnings = _strip(pdf)
            check_streams(pdf, (obj for obj in _reachable(pdf.trailer) if isinstance(obj, pikepdf.Stream)))
            out = io.BytesIO()
            # A full rewrite (no incremental update, no linearization); the /ID is a hash of the
            # output rather than of the time, so the same input always gives the same bytes.
            # Streams are copied as they are, never decoded: what that costs is their size only.
            pdf.save(out, linearize=False, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                     stream_decode_level=pikepdf.StreamDecodeLevel.none,
                     fix_metadata_version=False, preserve_pdfa=False, encryption=False, deterministic_id=True)
        with limited_qpdf():  # qpdf's objects of the input are gone by now
            verify_pdf(out.getvalue())
    except pikepdf.PasswordError as exc:
        raise UnsupportedAttachment("encrypted PDF: it cannot be opened without its password") from exc
    except UnsupportedAttachment:
        raise
    except Exception as exc:  # any failure on a possibly hostile file: refuse it
        raise UnsupportedAttachment(f"unreadable PDF ({type(exc).__name__})") from exc
    return CleanResult(out.getvalue(), ".pdf", "pdf", removed, warnings + [NOT_REDACTED])


def _strip(pdf: pikepdf.Pdf) -> tuple[list[str], list[str]]:
    root, removed, warnings = pdf.Root, [], []
    if "/Info" in pdf.trailer:
        removed.append("PDF document info (Author, Creator, Producer, dates…)")
    removed += _scripts_and_files(pdf)
    removed += [text for key, text in _ROOT_REMOVED.items() if key in root]
    if "/OCProperties" in root:
        warnings.append("the PDF has layers: content in hidden layers is kept, show every layer when reviewing")
    if pdf.get_warnings():
        warnings.append("the PDF was damaged and has been repaired: check that every page is complete")

    if any("/Annots" in page.obj for page in pdf.pages):
        removed.append("PDF annotations (comments, links, fields; their appearance is kept on the page)")
        if "/AcroForm" in root:
            pdf.generate_appearance_streams()  # so that filled-in values are drawn, and kept
        pdf.flatten_annotations("all")  # appearances into the page content; /Annots keeps the rest

    # /Info, and /ID: qpdf would keep the original's first half. qpdf writes /Size from the value here.
    for key in set(pdf.trailer.keys()) - {"/Root", "/Size"}:
        del pdf.trailer[key]
    for key in set(root.keys()) - _ROOT_KEEP:
        del root[key]
    for page in pdf.pages:
        for key in set(page.obj.keys()) - _PAGE_KEEP:  # /Annots, /AA, /Thumb, /B, /StructParents…
            del page.obj[key]
    stripped_jpeg = False
    for obj in _reachable(pdf.trailer):
        for key in _DROP_ANYWHERE & set(obj.keys()):
            del obj[key]
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
            stripped_jpeg |= _strip_jpeg_stream(obj)
            if "/JPXDecode" in str(obj.get("/Filter")):
                warnings.append("JPEG 2000 images may carry their own metadata, which is kept")
    if stripped_jpeg:
        removed.append("EXIF/XMP/ICC of JPEG images in the PDF")
    return removed, list(dict.fromkeys(warnings))


def _scripts_and_files(pdf: pikepdf.Pdf) -> list[str]:
    found = set()
    for obj in _reachable(pdf.trailer):
        if "/JS" in obj or obj.get("/S") == "/JavaScript":
            found.add("PDF JavaScript")
        if "/EF" in obj or obj.get("/Type") == "/EmbeddedFile":
            found.add("PDF embedded files")
    return sorted(found)


def _reachable(start):
    """Every dictionary and stream reachable from `start`, each once. The caller may delete keys of
    the one it was just given; what they pointed to is then not visited."""
    seen, stack = set(), [start]
    while stack:
        obj = stack.pop()
        if not isinstance(obj, pikepdf.Object):
            continue  # integers, booleans and reals come back as Python values
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            yield obj
            stack.extend(obj.get(key) for key in obj.keys())
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


def _strip_jpeg_stream(stream: pikepdf.Stream) -> bool:
    filters = stream.get("/Filter")
    if (list(filters) if isinstance(filters, pikepdf.Array) else [filters]) != [pikepdf.Name.DCTDecode]:
        return False
    if not isinstance(filters, (pikepdf.Name, pikepdf.Array)):  # equal to [/DCTDecode]: the name or an array of it
        raise UnsupportedAttachment("a JPEG image in the PDF has a malformed /Filter")
    raw = stream.read_raw_bytes()
    try:
        clean = strip_jpeg_metadata(raw)
    except (IndexError, ValueError) as exc:
        raise UnsupportedAttachment("a JPEG image in the PDF cannot be read to remove its metadata") from exc
    if clean == raw:
        return False
    parms = stream.get("/DecodeParms")
    if parms is not None and not isinstance(parms, (pikepdf.Dictionary, pikepdf.Array)):
        # What pikepdf's write() refuses (TypeError), which clean_pdf reported as an unreadable PDF.
        raise UnsupportedAttachment("a JPEG image in the PDF has malformed /DecodeParms")
    stream.write(clean, filter=filters, decode_parms=parms)
    return True


def verify_pdf(data: bytes) -> None:
    """Read the output back and refuse it if anything that was to go is still there (§4.4)."""
    problems = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if set(pdf.trailer.keys()) & {"/Info", "/Encrypt"}:
            problems.add("document info or encryption")
        for obj in _reachable(pdf.trailer):
            keys = set(obj.keys())
            if keys & _ACTIVE_OR_ATTACHED or obj.get("/S") == "/JavaScript":
                problems.add("actions, scripts, embedded files or annotations")
            if keys & _DROP_ANYWHERE:
                problems.add("metadata")
    if data.count(b"%%EOF") != 1:
        problems.add("more than one revision")
    if problems:
        raise UnsupportedAttachment(f"the cleaned PDF still holds {', '.join(sorted(problems))}; not exported")
