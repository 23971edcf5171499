"""What one hostile attachment may cost when cleaned: the caps of intake/desk/attachments/caps.py,
and the kinds of file that never leave as is.

Every file is built here, most as raw bytes (qpdf would tidy a hostile PDF if it wrote it). Each
refusal is checked to name its cap and not the file, and to come within seconds; the worst
cases allowed are cleaned in a fresh process whose peak RSS is measured."""

import io
import re
import resource
import secrets
import subprocess
import sys
import time
import zlib

import pikepdf
import pytest
from PIL import Image

from intake.desk.attachments.caps import MAX_PDF_OBJECTS, MAX_PDF_STREAM_DECODED, MAX_PIXELS
from intake.desk.attachments.clean import UnsupportedAttachment, as_is_refusal, as_is_tail_refusal, clean_attachment


def png(size, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")  # all zeros: a few KiB that decode to the full size
    return out.getvalue()


def test_a_100_megapixel_png_is_refused_from_its_header_without_decoding():
    data = png((10_000, 10_000))
    assert len(data) < 100_000
    started = time.process_time()  # CPU time: the bound holds while other tests run beside this one
    with pytest.raises(UnsupportedAttachment, match="image too large .*at most 40 megapixels"):
        clean_attachment(data, "image/png", "bomb.png")
    assert time.process_time() - started < 2  # decoding it would take seconds and 1.9 GB


def test_a_large_jpeg_leaves_at_a_smaller_scale_with_a_warning():
    out = io.BytesIO()
    Image.new("L", (9_000, 5_000), 128).save(out, "JPEG", quality=50)
    result = clean_attachment(out.getvalue(), "image/jpeg", "big.jpg")
    with Image.open(io.BytesIO(result.data)) as im:
        assert im.size == (4_500, 2_500) and im.width * im.height <= MAX_PIXELS
    assert any("at 1/2 scale" in w for w in result.warnings)


def test_cleaning_an_image_just_under_the_cap_stays_within_the_memory_budget(tmp_path):
    # In a grandchild of a small process: Linux keeps a process's peak RSS across exec, so a
    # child of this (large) test process would report the test process's size.
    inner = (
        "import io, resource, sys\n"
        "from PIL import Image\n"
        "from intake.desk.attachments.clean import clean_attachment\n"
        "out = io.BytesIO(); Image.new('RGBA', (7_000, 5_700), (9, 9, 9, 128)).save(out, 'PNG')\n"
        "clean_attachment(out.getvalue(), 'image/png', 'x.png')\n"
    )
    outer = (f"import resource, subprocess, sys\nsubprocess.run([sys.executable, '-c', {inner!r}], check=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n")
    peak = int(subprocess.run([sys.executable, "-c", outer], capture_output=True, check=True, text=True).stdout)
    assert peak < 400, f"cleaning a 40-megapixel RGBA PNG peaked at {peak} MiB"  # 334 MiB measured: two copies


def test_a_pdf_with_more_objects_than_the_cap_is_refused():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Extra = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(N=n)) for n in range(MAX_PDF_OBJECTS + 10)])
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)  # packed: no "N 0 obj" per object
    with pytest.raises(UnsupportedAttachment, match=f"more than {MAX_PDF_OBJECTS} objects"):
        clean_attachment(out.getvalue(), "application/pdf", "many.pdf")
    plain = b"%PDF-1.7\n" + b"".join(b"%d 0 obj\n<<>>\nendobj\n" % n for n in range(1, MAX_PDF_OBJECTS + 10))
    with pytest.raises(UnsupportedAttachment, match="objects"):
        clean_attachment(plain, "application/pdf", "many.pdf")


def deflated(size: int, pattern: bytes = b"\0") -> bytes:
    """`size` bytes of `pattern` through zlib, a few MiB at a time: a bomb without holding it."""
    deflate, chunk = zlib.compressobj(9), pattern * ((4 << 20) // len(pattern))
    parts = [deflate.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + deflate.compress(chunk[:size % len(chunk)]) + deflate.flush()


def test_a_pdf_stream_that_inflates_past_the_cap_is_refused_and_one_under_it_is_copied_never_decoded():
    over = deflated(MAX_PDF_STREAM_DECODED + 1)  # 256 MiB of zeros and one more: 250 KiB
    started = time.process_time()
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(UnsupportedAttachment, match="decodes to more than 256 MiB"):
        clean_attachment(pdf_with_streams([over]), "application/pdf", "bomb.pdf")
    under = deflated(64 << 20)
    result = clean_attachment(pdf_with_streams([under]), "application/pdf", "big.pdf")
    assert under in result.data  # the very bytes: nothing was inflated and compressed again
    assert time.process_time() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - usage < 100 * 1024  # measured in chunks


def _zip() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    return out.getvalue()


NEVER_AS_IS = {
    "PDF after junk": (b"\x00" * 3000 + b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj", "a PDF"),
    "PDF header in lower case": (b"garbage %pdf-1.7 more", "a PDF"),
    "HTML": (b"\n\n<!DOCTYPE html><html><body><script>alert(1)</script>", "markup"),
    "SVG": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', "markup"),
    "SVG without a prolog": (b"<svg><script>x</script></svg>", "markup"),
    "UTF-16 HTML": ("<html><script>x</script>".encode("utf-16"), "markup"),
    "an event handler": (b"<img src=x onerror=alert(1)>", "markup"),
    "ELF": (b"\x7fELF\x02\x01\x01" + bytes(100), "an executable"),
    "PE": (b"MZ\x90\x00" + bytes(100), "an executable"),
    "Mach-O": (b"\xcf\xfa\xed\xfe" + bytes(100), "an executable"),
    "WebAssembly": (b"\x00asm\x01\x00\x00\x00", "an executable"),
    "a shell script": (b"#!/bin/sh\nrm -rf ~\n", "a script"),
    "a Windows shortcut": (b"L\x00\x00\x00\x01\x14\x02\x00" + bytes(100), "shortcut"),
    "ZIP (Office, EPUB, APK, JAR)": (_zip(), "an archive"),
    "RAR": (b"Rar!\x1a\x07\x01\x00" + bytes(50), "an archive"),
    "7z": (b"7z\xbc\xaf\x27\x1c" + bytes(50), "an archive"),
    "gzip": (b"\x1f\x8b\x08\x00" + bytes(50), "an archive"),
    "bzip2": (b"BZh91AY&SY" + bytes(50), "an archive"),
    "xz": (b"\xfd7zXZ\x00" + bytes(50), "an archive"),
    "zstd": (b"\x28\xb5\x2f\xfd" + bytes(50), "an archive"),
    "tar": (bytes(257) + b"ustar\x0000" + bytes(300), "an archive"),
    "CAB": (b"MSCF" + bytes(50), "an archive"),
    "OLE2 (old Office)": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50), "a container"),
    "ISO 9660": (bytes(0x8001) + b"CD001" + bytes(100), "a disk image"),
    "RTF": (b"{\\rtf1\\ansi hello}", "rich text"),
    "markup after 4 KiB of text": (b"Notes " * 800 + b"<script>x()</script>", "markup"),
    "SVG after a long comment": (b"<!-- " + b"x" * 5000 + b" --><svg onload=x()>", "markup"),
    "a ZIP after junk": (b"hello\n" + _zip(), "holds an archive"),
    "a photo too large to clean": (b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00" + bytes(64), "an image"),
    "PostScript": (b"%!PS-Adobe-3.0\n/x { x } def x\n", "PostScript"),
    "EPS with a preview": (b"\xc5\xd0\xd3\xc6" + bytes(40), "PostScript"),
    "Flash": (b"CWS\x0a" + bytes(40), "Flash"),
    "compiled help": (b"ITSF\x03\x00\x00\x00" + bytes(40), "compiled help"),
    "Android bytecode": (b"dex\n035\x00" + bytes(40), "an executable"),
    "a Debian package": (b"!<arch>\ndebian-binary   " + bytes(40), "an archive"),
    "RPM": (b"\xed\xab\xee\xdb\x03\x00" + bytes(40), "an archive"),
    "lzip": (b"LZIP\x01" + bytes(40), "an archive"),
    "LZ4": (b"\x04\x22\x4d\x18" + bytes(40), "an archive"),
    "xar (macOS installer)": (b"xar!\x00\x1c" + bytes(40), "an archive"),
    "cpio": (b"070701" + b"0" * 100, "an archive"),
    "SquashFS": (b"hsqs" + bytes(40), "a disk image"),
    "a Chrome extension": (b"Cr24\x03\x00\x00\x00" + bytes(40), "an archive"),
    "a Windows web shortcut": (b"\r\n[InternetShortcut]\r\nURL=file:///c:/windows/system32/calc.exe\r\n", "shortcut"),
    "a Linux launcher": (b"[Desktop Entry]\nType=Application\nExec=sh -c 'curl x | sh'\n", "shortcut"),
    "a registry file in UTF-16": ("Windows Registry Editor Version 5.00\r\n".encode("utf-16"), "registry"),
    "a redirecting page": (b"<meta http-equiv=refresh content='0;url=http://x'>", "markup"),
    "a stylesheet": (b"<style>body{background:url(http://x)}</style>", "markup"),
    "XSLT": (b"<xsl:stylesheet version='1.0'/>", "markup"),
}


# A file is opened by what its end holds, too: ZIP readers (and so Office) look for the end of the
# central directory, PDF readers for startxref; neither needs anything at the start.
NEVER_AS_IS_BY_THEIR_END = {
    "a ZIP after 64 KiB of text": (b"Notes.\n" * 10_000 + _zip(), "an archive (at its end)"),
    "a PDF without its header": (b"Notes.\n" * 10_000 + b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                                 b"trailer << /Root 1 0 R >>\nstartxref\n0\n%%EOF\n", "a PDF (without its header)"),
}


@pytest.mark.parametrize("kind", sorted(NEVER_AS_IS))
def test_active_content_and_archives_never_leave_as_is(kind):
    data, words = NEVER_AS_IS[kind]
    assert words in (as_is_refusal(data[:65536]) or "")
    with pytest.raises(UnsupportedAttachment) as refusal:
        clean_attachment(data, "application/octet-stream", "innocent.mp4", include_other=True)
    assert "innocent" not in str(refusal.value)


@pytest.mark.parametrize("kind", sorted(NEVER_AS_IS_BY_THEIR_END))
def test_archives_and_pdfs_found_at_the_end_never_leave_as_is(kind):
    data, words = NEVER_AS_IS_BY_THEIR_END[kind]
    assert as_is_refusal(data[:65536]) is None  # nothing at the start gives them away
    assert words in (as_is_tail_refusal(data[-65536:]) or "")
    with pytest.raises(UnsupportedAttachment, match=re.escape(words)):
        clean_attachment(data, "text/plain", "notes.txt", include_other=True)


@pytest.mark.parametrize("data", [b"\x00\x00\x00\x18ftypmp42" + bytes(64), b"ID3\x04" + bytes(64), b"Plain notes.\n",
                                  "中文证词\n".encode()])
def test_plain_media_and_text_still_leave_when_included(data):
    assert as_is_refusal(data) is None
    assert clean_attachment(data, "", "file.bin", include_other=True).data == data


# --- every cap of caps.py, each refused with the cap named and never the file's name -------------

def pdf_with_streams(streams: list[bytes], filters=("/FlateDecode",), **image) -> bytes:
    """One page drawing each of `streams` (already encoded with `filters`) as a form or an image."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page, objects = pdf.pages[0], {}
    for i, data in enumerate(streams):
        stream = pikepdf.Stream(pdf, data)
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name("/Image" if image else "/Form")
        if image:
            for key, value in image.items():
                stream[f"/{key}"] = value
        else:
            stream.BBox = [0, 0, 10, 10]
        if filters:  # one filter as a name: qpdf would recompress a one-item array
            names = [pikepdf.Name(f) for f in filters]
            stream.Filter = names[0] if len(names) == 1 else pikepdf.Array(names)
        objects[f"/X{i}"] = pdf.make_indirect(stream)
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(objects))
    page.Contents = pdf.make_stream(b" ".join(b"/X%d Do" % i for i in range(len(streams))))
    out = io.BytesIO()
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def raw_pdf(objects: list[bytes], *, table: bool = True) -> bytes:
    """Objects 1, 2… as written (1 is the catalog), with a cross-reference table unless told not."""
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if table:
        at = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, at)
    return bytes(out)


def packed_pdf(objects: list[bytes], packed: bytes | None = None) -> bytes:
    """Objects 1, 2… all in one object stream (its Flate data `packed` if given), found through a
    cross-reference stream: how PDF 1.5 and later files are written."""
    header, text = [], b""
    for number, body in enumerate(objects, 1):
        header.append(b"%d %d" % (number, len(text)))
        text += body + b"\n"
    header = b" ".join(header) + b"\n"
    data = zlib.compress(header + text) if packed is None else packed
    n = len(objects)
    out = bytearray(b"%PDF-1.7\n")
    stream_at = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
            % (n + 1, n, len(header), len(data)) + data + b"\nendstream\nendobj\n")
    xref_at = len(out)
    rows = b"\x00" + bytes(4) + b"\xff" + b"".join(b"\x02" + (n + 1).to_bytes(4, "big") + bytes([i]) for i in range(n))
    rows += b"\x01" + stream_at.to_bytes(4, "big") + b"\x00" + b"\x01" + xref_at.to_bytes(4, "big") + b"\x00"
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 1] /Root 1 0 R /Length %d >>\nstream\n" % (n + 2, n + 3, len(rows))
            + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(out)


CATALOG = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Resources << /X 4 0 R >> >>"]


def refused(data: bytes, words: str, name: str = "Tashi_Dorje_statement.pdf") -> str:
    """The reason `data` is refused; it names the cap (`words`), never the file."""
    started = time.process_time()
    with pytest.raises(UnsupportedAttachment, match=words) as refusal:
        clean_attachment(data, "application/pdf", name)
    assert time.process_time() - started < 5
    assert "Tashi" not in refusal.value.reason and "statement" not in refusal.value.reason
    return refusal.value.reason


def test_a_file_past_the_cleaning_size_is_refused_before_it_is_parsed():
    from intake.desk.attachments.clean import MAX_CLEAN_BYTES

    refused(b"%PDF-1.7\n" + bytes(MAX_CLEAN_BYTES), "larger than the 100 MiB")
    refused(png((64, 64)) + bytes(MAX_CLEAN_BYTES), "larger than the 100 MiB", "photo.png")


def test_pdf_syntax_that_qpdf_would_hold_in_gigabytes_is_refused_before_qpdf_parses_it():
    # 4 million numbers in 8 MB: qpdf would keep about 140 bytes each (560 MB); so would a file
    # without a cross-reference table, which qpdf reads whole to rebuild one.
    bomb = CATALOG + [b"[" + b"0 " * 4_000_000 + b"]"]
    refused(raw_pdf(bomb), "more than 1,000,000 syntax items")
    refused(raw_pdf(bomb, table=False), "more than 1,000,000 syntax items")
    # Hidden in a string, where a crafted table could still send qpdf: counted all the same.
    refused(raw_pdf(CATALOG + [b"(" + b"5 0 obj [" + b"0 " * 1_100_000 + b"] endobj)"]), "syntax items")


def test_pdf_object_syntax_past_its_size_is_refused():
    strings = b"[" + (b"(" + b"x" * (1 << 20) + b") ") * 40 + b"]"  # 40 MiB of strings in 42 items
    refused(raw_pdf(CATALOG + [strings]), "more than 32 MiB of object syntax")


def test_pdf_nesting_past_the_cap_is_refused():
    refused(raw_pdf(CATALOG + [b"[" * 40 + b"]" * 40]), "nested deeper than 32 levels")
    # In a dictionary, not a key: qpdf parses it as a value all the same.
    refused(raw_pdf(CATALOG + [b"<< " * 40 + b">> " * 40]), "nested deeper than 32 levels")


def test_a_long_run_of_digits_is_counted_in_linear_time():
    # A backtracking "\d+\s+\d+\s+obj" takes minutes on this (quadratic in the run).
    data = raw_pdf(CATALOG + [b"<< >>"]) + b"1" * 200_000 + b"\n"
    started = time.process_time()
    clean_attachment(data, "application/pdf", "x.pdf")
    assert time.process_time() - started < 2


def test_cross_reference_entries_past_the_cap_are_refused():
    table = raw_pdf(CATALOG + [b"<< >>"]).replace(b"xref\n0 5\n", b"xref\n0 300000\n")
    refused(table, "more than 200,000 cross-reference entries")
    stream = packed_pdf(CATALOG + [b"<< >>"]).replace(b"/Type /XRef /Size 7", b"/Type /XRef /Index [0 7 9 250000] /Size 7")
    refused(stream, "cross-reference entries")


def test_an_object_stream_that_inflates_past_its_cap_is_refused_before_qpdf_opens_the_file():
    # qpdf parses the object stream holding the catalog while it opens the file: 128 MiB of "0 0 0…".
    assert len(clean_attachment(packed_pdf(CATALOG + [b"<< >>"]), "application/pdf", "x.pdf").data) > 0
    objects = CATALOG + [b"[0]"]
    header = b" ".join(b"%d %d" % (i + 1, sum(len(o) + 1 for o in objects[:i])) for i in range(len(objects))) + b"\n"
    deflate = zlib.compressobj(9)
    packed = deflate.compress(header + b"\n".join(objects[:3]) + b"\n[")
    packed += b"".join(deflate.compress(b"0 " * (1 << 20)) for _ in range(64)) + deflate.flush()  # 128 MiB
    refused(packed_pdf(objects, packed), "object stream that decodes to more than 2 MiB")


def test_packed_syntax_counts_against_the_same_budget():
    refused(packed_pdf(CATALOG + [b"[" + b"0 " * 1_000_050 + b"]"]), "more than 1,000,000 syntax items")


def test_pdf_pages_past_the_cap_are_refused():
    pdf = pikepdf.new()
    for _ in range(5_001):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    refused(out.getvalue(), "more than 5000 pages")


@pytest.mark.slow
def test_pdf_streams_that_inflate_past_the_total_are_refused():
    each = deflated(200 << 20)  # 200 MiB each, under the cap for one; 6 of them: 1.2 GiB
    refused(pdf_with_streams([each] * 6), "decode to more than 1 GiB in total")


def test_a_pdf_image_declaring_more_than_the_cap_is_refused_without_decoding_it():
    photo = io.BytesIO()
    Image.new("RGB", (16, 16)).save(photo, "JPEG")
    declared = dict(Width=100_000, Height=100_000, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
    refused(pdf_with_streams([photo.getvalue()], ("/DCTDecode",), **declared), "decodes to more than 256 MiB")
    # The JPEG's own frame header is what readers use: 60,000 x 60,000 in a 16x16 dictionary.
    huge = photo.getvalue().replace(b"\xff\xc0\x00\x11\x08\x00\x10\x00\x10", b"\xff\xc0\x00\x11\x08\xea\x60\xea\x60")
    small = dict(Width=16, Height=16, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
    refused(pdf_with_streams([huge], ("/DCTDecode",), **small), "decodes to more than 256 MiB")


@pytest.mark.parametrize("filters, data, words", [
    (b"/ASCIIHexDecode " * 5, b"00>", "more than 4 filters"),
    (b"/LZWDecode", bytes(3 << 20), "more than 2 MiB of LZW"),
    (b"/FlateDecode /LZWDecode", None, "more than 2 MiB of LZW"),
    (b"/RunLengthDecode", b"\x81\x00" * (3 << 20) + b"\x80", "decodes to more than 256 MiB"),
    (b"/ASCII85Decode /FlateDecode", None, "decodes to more than 256 MiB"),
    (b"/NoSuchFilter", b"x", "unknown filter"),
], ids=["five-filters", "lzw", "lzw-after-flate", "run-length-bomb", "ascii85-then-flate-bomb", "unknown-filter"])
def test_every_filter_is_measured_in_bounded_memory(filters, data, words):
    import base64

    if data is None and b"ASCII85" in filters:  # the bomb, armoured
        data = base64.a85encode(deflated(MAX_PDF_STREAM_DECODED + 1)) + b"~>"
    elif data is None:  # the LZW data inflates out of a small stream
        data = deflated(3 << 20)
    stream = b"<< /Filter [%s] /Length %d >>\nstream\n%s\nendstream" % (filters, len(data), data)
    refused(raw_pdf(CATALOG + [stream]), words)


def test_qpdf_limits_are_put_back_after_each_file():
    from pikepdf import settings

    before = settings.get_qpdf_limits()
    refused(raw_pdf(CATALOG + [b"[" * 40 + b"]" * 40]), "nested")
    clean_attachment(pdf_with_streams([zlib.compress(b"0 0 m 10 10 l S")]), "application/pdf", "x.pdf")
    assert settings.get_qpdf_limits() == before


def jpeg_bytes(im: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", **options)
    return out.getvalue()


def test_a_progressive_jpeg_past_the_coefficient_cap_is_refused_even_at_a_smaller_scale():
    # 5,200 x 5,200 at 4:4:4: 27 MP, under the pixel cap, but libjpeg would hold 162 MB of coefficients.
    data = jpeg_bytes(Image.new("RGB", (5_200, 5_200), (200, 10, 10)), progressive=True, subsampling=0, quality=20)
    refused(data, "more than 128 MiB of coefficients", "photo.jpg")
    # The same picture as a baseline JPEG is decoded a few rows at a time: it leaves.
    clean_attachment(jpeg_bytes(Image.new("RGB", (2_000, 2_000)), subsampling=0), "image/jpeg", "photo.jpg")


def test_a_jpeg_with_more_scans_than_the_cap_is_refused():
    data = jpeg_bytes(Image.new("L", (64, 64), 99), progressive=True)
    last_scan = data.rindex(b"\xff\xda")
    data = data[:last_scan] + data[last_scan:-2] * 120 + b"\xff\xd9"  # the last scan again and again
    refused(data, "more than 100 scans", "photo.jpg")


def frames(kind: str, count: int) -> bytes:
    # Each frame different (encoders merge equal ones), kept exactly (lossless WebP).
    pictures = [Image.frombytes("RGB", (4, 4), secrets.token_bytes(48)) for _ in range(count)]
    options = {"TIFF": {}, "WEBP": {"duration": 40, "lossless": True}}.get(kind, {"duration": 40})
    out = io.BytesIO()
    pictures[0].save(out, kind, save_all=True, append_images=pictures[1:], **options)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["GIF", "PNG", "WEBP", "TIFF"])
def test_frames_past_the_cap_are_refused_from_their_headers(kind):
    refused(frames(kind, 1_001), "more than 1000 frames or pages", f"animation.{kind.lower()}")
    result = clean_attachment(frames(kind, 1_000), "", "x")
    assert result.warnings == ["animation or multi-page image: only the first frame is exported"]


def test_a_webp_has_its_own_pixel_cap():
    out = io.BytesIO()
    Image.new("RGB", (5_000, 4_200)).save(out, "WEBP", lossless=True)  # 21 MP: libwebp needs 16 bytes a pixel
    refused(out.getvalue(), "at most 20 megapixels", "sticker.webp")


# --- memory: the worst cases allowed, each in a fresh process ------------------------------------

def _rotated_png_with_profile() -> bytes:
    from PIL import ImageCms

    exif = Image.Exif()
    exif[0x0112] = 6
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (8_000, 4_999), (10, 200, 30)).save(out, "PNG", exif=exif, icc_profile=icc)
    return out.getvalue()


def _webp(size) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (1, 2, 3, 4)).save(out, "WEBP", lossless=True)
    return out.getvalue()


WORST_CASES = {  # name: (what builds the file, budget in MiB for the process that cleans it)
    "a 100-megapixel PNG bomb, refused from its header": (lambda: png((10_000, 10_000)), 100),
    "a 40-megapixel PNG turned upright, with a colour profile": (_rotated_png_with_profile, 400),
    "a 20-megapixel WebP": (lambda: _webp((5_000, 3_999)), 400),
    "a PDF just under the syntax cap": (lambda: raw_pdf(CATALOG + [b"[" + b"<</A 1>> " * 240_000 + b"]"]), 400),
    "a PDF whose syntax would take qpdf 7 GB": (lambda: raw_pdf(CATALOG + [b"[" + b"0 " * 50_000_000 + b"]"]), 400),
    "a 95 MiB PDF image that Flate cannot shrink": (
        lambda: pdf_with_streams([zlib.compress(secrets.token_bytes(5_600 * 5_900 * 3), 1)], Width=5_600,
                                 Height=5_900, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8), 400),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(WORST_CASES))
def test_the_worst_cases_stay_well_under_512_mib(case, tmp_path):
    build, budget = WORST_CASES[case]
    path = tmp_path / "attachment"
    path.write_bytes(build())
    # Cleaned in a grandchild of a small process: Linux keeps a process's peak RSS across exec, so
    # a child of this (large) test process would report the test process's size.
    inner = ("import sys\nfrom intake.desk.attachments.clean import UnsupportedAttachment, clean_attachment\n"
             f"data = open({str(path)!r}, 'rb').read()\n"
             "try:\n    clean_attachment(data, '', 'x')\nexcept UnsupportedAttachment:\n    pass\n")
    outer = (f"import resource, subprocess, sys\nsubprocess.run([sys.executable, '-c', {inner!r}], check=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n")
    peak = int(subprocess.run([sys.executable, "-c", outer], capture_output=True, check=True, text=True).stdout)
    assert peak < budget, f"cleaning {case} peaked at {peak} MiB"
