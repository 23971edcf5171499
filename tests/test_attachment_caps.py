"""What one hostile attachment may cost when cleaned: the caps of intake/desk/attachments/caps.py,
and the kinds of file that never leave as is."""

import io
import resource
import subprocess
import sys
import time
import zlib

import pikepdf
import pytest
from PIL import Image

from intake.desk.attachments.caps import MAX_PDF_OBJECTS, MAX_PIXELS
from intake.desk.export_attachments import UnsupportedAttachment, as_is_refusal, clean_attachment


def png(size, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")  # all zeros: a few KiB that decode to the full size
    return out.getvalue()


def test_a_100_megapixel_png_is_refused_from_its_header_without_decoding():
    data = png((10_000, 10_000))
    assert len(data) < 100_000
    started = time.monotonic()
    with pytest.raises(UnsupportedAttachment, match="image too large .*at most 40 megapixels"):
        clean_attachment(data, "image/png", "bomb.png")
    assert time.monotonic() - started < 2  # decoding it would take seconds and 1.9 GB


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
        "from intake.desk.export_attachments import clean_attachment\n"
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


def test_a_pdf_stream_that_inflates_to_gigabytes_is_copied_never_decoded():
    bomb = zlib.compress(bytes(256 << 20), 9)  # 256 MiB of zeros in about 250 KiB
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, bomb)
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    out = io.BytesIO()
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    started = time.monotonic()
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = clean_attachment(out.getvalue(), "application/pdf", "bomb.pdf")
    assert bomb in result.data  # the very bytes: nothing was inflated and compressed again
    assert time.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - usage < 200 * 1024


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
}


@pytest.mark.parametrize("kind", sorted(NEVER_AS_IS))
def test_active_content_and_archives_never_leave_as_is(kind):
    data, words = NEVER_AS_IS[kind]
    assert words in (as_is_refusal(data[:65536]) or "")
    with pytest.raises(UnsupportedAttachment) as refusal:
        clean_attachment(data, "application/octet-stream", "innocent.mp4", include_other=True)
    assert "innocent" not in str(refusal.value)


@pytest.mark.parametrize("data", [b"\x00\x00\x00\x18ftypmp42" + bytes(64), b"ID3\x04" + bytes(64), b"Plain notes.\n",
                                  "中文证词\n".encode()])
def test_plain_media_and_text_still_leave_when_included(data):
    assert as_is_refusal(data) is None
    assert clean_attachment(data, "", "file.bin", include_other=True).data == data


def test_counting_the_objects_of_a_pdf_of_digits_takes_linear_time():
    # The object count is a regex over the raw bytes: it must not backtrack over a run of digits.
    started = time.monotonic()
    with pytest.raises(UnsupportedAttachment):
        clean_attachment(b"%PDF-1.4\n" + b"1" * 5_000_000, "application/pdf", "digits.pdf")
    assert time.monotonic() - started < 5
