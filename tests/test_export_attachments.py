"""Attachments cleaned for export: what a phone photo, a screenshot or a PDF carries must not leave.

Every fixture is built here with the same libraries a reporter's device would leave traces with:
EXIF with GPS and a thumbnail, XMP, ICC profiles, PNG text, bytes after the image end; a PDF with
document info, XMP, an embedded file, JavaScript, an annotation signed by its author, a photo with
EXIF inside and an earlier revision. The checks read the output back and grep its bytes.
"""

import hashlib
import io
import os
import struct
import time
import warnings
import zipfile
import zlib

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from PIL import Image, ImageChops, ImageCms, ImageStat
from PIL.PngImagePlugin import PngInfo

from intake.desk.attachments.pdf import verify_pdf
from intake.desk.attachments.clean import CleanResult, UnsupportedAttachment, clean_attachment

SECRET = b"Secret Author"
XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""'
       b' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Secret Author</dc:creator>'
       b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
RED, BLUE = (220, 20, 20), (20, 20, 220)
METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop"}


# --- fixtures -------------------------------------------------------------------------------

def red_left_blue_right(size=(64, 32), mode="RGB") -> Image.Image:
    im = Image.new(mode, size, RED)
    im.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return im


def jpeg(im: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95, **options)
    return out.getvalue()


def with_segment(jpeg_data: bytes, marker: int, payload: bytes) -> bytes:
    """A JPEG with one more segment right after its start (how cameras place APPn)."""
    return jpeg_data[:2] + bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload + jpeg_data[2:]


def exif_with_gps_and_thumbnail(thumbnail: bytes) -> bytes:
    """Raw EXIF as a phone writes it: IFD0 (make, orientation 6, artist) → GPS IFD, IFD1 → thumbnail."""
    ascii, short, long, rational, undefined = 2, 3, 4, 5, 7

    def ifd(entries, start, next_ifd):
        data_at, head, tail = start + 2 + 12 * len(entries) + 4, [struct.pack("<H", len(entries))], b""
        for tag, kind, count, payload in entries:
            if len(payload) <= 4:
                head.append(struct.pack("<HHI", tag, kind, count) + payload.ljust(4, b"\0"))
            else:
                head.append(struct.pack("<HHII", tag, kind, count, data_at + len(tail)))
                tail += payload + b"\0" * (len(payload) % 2)
        return b"".join(head) + struct.pack("<I", next_ifd) + tail

    gps = [(1, ascii, 2, b"N\0"), (2, rational, 3, struct.pack("<6I", 32, 1, 54, 1, 684, 100)),
           (3, ascii, 2, b"E\0"), (4, rational, 3, struct.pack("<6I", 101, 1, 42, 1, 2268, 100)),
           (0x1B, undefined, 16, b"ASCII\0\0\0GPS-FIX1")]

    def ifd0(gps_at, ifd1_at):
        return ifd([(0x010F, ascii, 6, b"Apple\0"), (0x0112, short, 1, struct.pack("<H", 6)),
                    (0x013B, ascii, 12, b"Tashi Dorje\0"), (0x8825, long, 1, struct.pack("<I", gps_at))], 8, ifd1_at)

    gps_at = 8 + len(ifd0(0, 0))
    ifd1_at = gps_at + len(ifd(gps, gps_at, 0))
    thumb_at = ifd1_at + len(ifd([(0x0201, long, 1, b""), (0x0202, long, 1, b"")], ifd1_at, 0))
    ifd1 = ifd([(0x0201, long, 1, struct.pack("<I", thumb_at)), (0x0202, long, 1, struct.pack("<I", len(thumbnail)))],
               ifd1_at, 0)
    return b"Exif\0\0II*\0" + struct.pack("<I", 8) + ifd0(gps_at, ifd1_at) + ifd(gps, gps_at, 0) + ifd1 + thumbnail


THUMBNAIL = with_segment(jpeg(Image.new("RGB", (16, 8), (0, 255, 0))), 0xFE, b"THUMBNAIL-OF-THE-UNCROPPED-PHOTO")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_photo() -> bytes:
    """64x32 stored sideways (orientation 6) with EXIF+GPS+thumbnail, XMP, ICC, a comment, trailing bytes."""
    data = jpeg(red_left_blue_right(), exif=exif_with_gps_and_thumbnail(THUMBNAIL), icc_profile=SRGB)
    data = with_segment(data, 0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP)
    data = with_segment(data, 0xFE, b"Secret Author's phone")
    return data + b"TRAILING-CROPPED-OUT"


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Secret Author")
    info.add_text("Comment", "Secret Author again", zip=True)
    info.add_itxt("Description", "扎西多吉", lang="zh")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    red_left_blue_right().save(out, "PNG", pnginfo=info, exif=exif_with_gps_and_thumbnail(THUMBNAIL)[6:])
    return out.getvalue() + b"TRAILING-CROPPED-OUT"


def png_bomb(width: int, height: int) -> bytes:
    """A small PNG that claims a huge size: zeros compress about 1000:1, so it would decode to gigabytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = zlib.compress(b"\0" * (1 + 3 * width) * 64)  # only the first rows: enough for the header check
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def pdf_image(pdf: pikepdf.Pdf, data: bytes, size) -> pikepdf.Stream:
    return pikepdf.Stream(pdf, data, Type=Name.XObject, Subtype=Name.Image, Width=size[0], Height=size[1],
                          ColorSpace=Name.DeviceRGB, BitsPerComponent=8, Filter=Name.DCTDecode)


def leaky_pdf(photo: bytes) -> bytes:
    """One page of visible text and a photo, with every hidden leak we strip, and an earlier revision."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    image = pdf_image(pdf, photo, (64, 32))
    image.Metadata = pdf.make_stream(XMP, Type=Name.Metadata, Subtype=Name.XML)
    page.Resources = Dictionary(Font=Dictionary(F1=font), XObject=Dictionary(Im1=image))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 20 150 Td (Visible text) Tj ET q 64 0 0 32 20 20 cm /Im1 Do Q")
    pdf.docinfo["/Author"] = "Secret Author"
    pdf.docinfo["/Creator"] = "Microsoft Word - Secret Author case.docx"
    pdf.docinfo["/Title"] = "Draft naming Secret Source"  # only in the first revision
    pdf.Root.Metadata = pdf.make_stream(XMP, Type=Name.Metadata, Subtype=Name.XML)
    pdf.attachments["witnesses.txt"] = pikepdf.AttachedFileSpec(pdf, b"names of the witnesses", mime_type="text/plain")
    script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('Secret Author')")))
    pdf.Root.OpenAction = script
    pdf.Root.Outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Count=0))
    appearance = pdf.make_stream(b"0 0 1 rg 0 0 20 20 re f", Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 20, 20])
    note = Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=[150, 150, 170, 170], T=pikepdf.String("Secret Author"),
                      Contents=pikepdf.String("call him back"), AP=Dictionary(N=appearance), F=4)
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[20, 140, 120, 165],  # no appearance: not flattened
                      A=Dictionary(S=Name.URI, URI=pikepdf.String("https://example.org/profile/Secret Author")))
    page.Annots = Array([pdf.make_indirect(note), pdf.make_indirect(link)])
    page.obj.PieceInfo = Dictionary(Word=Dictionary(Private=pikepdf.String("Secret Author"), LastModified="D:20240101"))
    page.obj.Metadata = pdf.make_stream(XMP, Type=Name.Metadata, Subtype=Name.XML)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable, static_id=True)
    return append_revision(out.getvalue())


def append_revision(data: bytes) -> bytes:
    """An incremental update replacing the document info, as editors save: the old one stays in the file."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        size, root, file_id = int(pdf.trailer.Size), pdf.Root.objgen[0], pdf.trailer.ID.unparse().decode()
    prev = int(data.rsplit(b"startxref", 1)[1].split()[0])
    obj_at = len(data)
    update = f"{size} 0 obj\n<< /Title (Revised) /Author (Secret Author) >>\nendobj\n".encode()
    xref_at = obj_at + len(update)
    update += (f"xref\n{size} 1\n{obj_at:010d} 00000 n \ntrailer\n<< /Size {size + 1} /Root {root} 0 R "
               f"/Info {size} 0 R /ID {file_id} /Prev {prev} >>\nstartxref\n{xref_at}\n%%EOF\n").encode()
    return data + update


def plain(pdf_data: bytes) -> bytes:
    """The PDF with its streams uncompressed and no object streams, to grep (JPEG data stays JPEG)."""
    with pikepdf.open(io.BytesIO(pdf_data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, qdf=True, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
        return out.getvalue()


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)


# --- images ---------------------------------------------------------------------------------

def test_phone_photo_loses_exif_gps_thumbnail_xmp_icc_comment_and_trailing_bytes():
    original = phone_photo()
    source = Image.open(io.BytesIO(original))
    assert source.getexif().get_ifd(0x8825) and source.getexif()[0x0112] == 6  # the fixture carries them
    assert {"exif", "xmp", "icc_profile", "comment"} <= set(source.info)

    leaks = (b"Exif", b"GPS", b"Tashi", b"Apple", b"http://ns.adobe.com/xap", b"xmpmeta", b"ICC_PROFILE", SECRET,
             b"TRAILING", b"THUMBNAIL-OF")
    assert all(leak in original for leak in leaks)

    result = clean_attachment(original, "image/jpeg", "IMG_0001.JPG")

    assert isinstance(result, CleanResult) and (result.kind, result.extension) == ("image", ".jpg")
    assert set(result.removed) == {"EXIF (incl. GPS)", "XMP", "ICC profile", "comment"}
    out = Image.open(io.BytesIO(result.data))
    assert out.format == "JPEG"
    assert not METADATA_KEYS & set(out.info)
    assert not out.getexif() and not out.getexif().get_ifd(0x8825)
    for leak in leaks:
        assert leak not in result.data, leak
    assert result.data.count(b"\xff\xd8") == 1  # one image: no embedded thumbnail
    assert result.data.startswith(b"\xff\xd8\xff\xe0") and result.data.endswith(b"\xff\xd9")
    # Orientation 6 applied: the 64x32 picture now stands 32x64, its left (red) half on top. Two JPEG
    # generations differ by a few levels at the edge; a wrong turn would differ by about 100.
    assert out.size == (32, 64)
    assert mean_difference(out, red_left_blue_right().transpose(Image.Transpose.ROTATE_270)) < 10
    assert out.getpixel((16, 8))[0] > 180 and out.getpixel((16, 56))[2] > 180


def test_png_loses_text_chunks_exif_and_trailing_bytes_and_keeps_its_pixels_exactly():
    original = png_with_text()
    leaks = (b"tEXt", b"zTXt", b"iTXt", b"eXIf", SECRET, "扎西多吉".encode(), b"xmpmeta", b"TRAILING")
    assert all(leak in original for leak in leaks)

    result = clean_attachment(original, "image/png", "screenshot.png")

    assert (result.kind, result.extension) == ("image", ".png")
    assert "PNG text chunks (4)" in result.removed and "EXIF (incl. GPS)" in result.removed
    out = Image.open(io.BytesIO(result.data))
    assert out.format == "PNG" and out.text == {} and not METADATA_KEYS & set(out.info) and not out.getexif()
    for leak in leaks:
        assert leak not in result.data, leak
    assert out.tobytes() == red_left_blue_right().transpose(Image.Transpose.ROTATE_270).tobytes()  # EXIF orientation 6


def test_transparency_is_kept_in_a_png_and_animations_keep_their_first_frame():
    im = red_left_blue_right(mode="RGBA")
    im.putpixel((0, 0), (0, 0, 0, 0))
    webp = io.BytesIO()
    im.save(webp, "WEBP", lossless=True, exif=exif_with_gps_and_thumbnail(THUMBNAIL)[6:])
    result = clean_attachment(webp.getvalue(), "image/webp", "sticker.webp")
    out = Image.open(io.BytesIO(result.data))
    assert (out.format, out.mode, result.extension) == ("PNG", "RGBA", ".png")
    assert out.tobytes() == im.transpose(Image.Transpose.ROTATE_270).tobytes() and b"Exif" not in result.data

    gif = io.BytesIO()
    frames = [Image.new("RGB", (8, 8), RED), Image.new("RGB", (8, 8), BLUE)]
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], comment=b"Secret Author")
    result = clean_attachment(gif.getvalue(), "image/gif", "a.gif")
    assert result.extension == ".png" and Image.open(io.BytesIO(result.data)).size == (8, 8)
    assert result.warnings == ["animation or multi-page image: only the first frame is exported"]
    assert SECRET not in result.data and "comment" in result.removed


def test_sixteen_bit_grey_is_scaled_not_clipped():
    out = io.BytesIO()
    Image.new("I;16", (4, 4), 40000).save(out, "PNG")
    result = clean_attachment(out.getvalue(), "image/png", "scan.png")
    assert Image.open(io.BytesIO(result.data)).getpixel((0, 0)) == (156, 156, 156)  # 40000 / 256


def test_same_input_gives_the_same_bytes_and_the_original_is_not_touched():
    for original, declared in ((phone_photo(), "image/jpeg"), (png_with_text(), "image/png"),
                               (leaky_pdf(jpeg(red_left_blue_right())), "application/pdf")):
        before = hashlib.sha256(original).hexdigest()
        first = clean_attachment(original, declared, "x")
        second = clean_attachment(bytes(original), declared, "x")
        assert first.data == second.data
        assert hashlib.sha256(original).hexdigest() == before

    mutable = bytearray(phone_photo())
    before = hashlib.sha256(mutable).hexdigest()
    clean_attachment(mutable, "image/jpeg", "x.jpg")
    assert hashlib.sha256(mutable).hexdigest() == before


def test_the_type_comes_from_the_content_not_the_declared_type_or_name():
    result = clean_attachment(phone_photo(), "application/pdf", "report.pdf")
    assert (result.kind, result.extension) == ("image", ".jpg")
    result = clean_attachment(leaky_pdf(jpeg(red_left_blue_right())), "application/octet-stream", "photo.jpg")
    assert (result.kind, result.extension) == ("pdf", ".pdf")


@pytest.mark.parametrize("data", [os.urandom(4096), b"\xff\xd8\xff\xe0" + os.urandom(4096),
                                  phone_photo()[:300], b"\x89PNG\r\n\x1a\n" + os.urandom(100)],
                         ids=["random", "jpeg-magic-then-noise", "truncated-jpeg", "png-magic-then-noise"])
def test_a_claimed_image_that_cannot_be_decoded_is_refused_even_when_others_are_included(data):
    with pytest.raises(UnsupportedAttachment):
        clean_attachment(data, "image/jpeg", "photo.jpg", include_other=True)


def test_heic_is_refused_rather_than_passed_through_with_its_exif():
    heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + os.urandom(200)
    with pytest.raises(UnsupportedAttachment, match="convert it to JPEG"):
        clean_attachment(heic, "application/octet-stream", "IMG_0002", include_other=True)


def test_decompression_bombs_are_refused_before_decoding():
    with pytest.raises(UnsupportedAttachment, match="too large"):
        clean_attachment(png_bomb(100_000, 100_000), "image/png", "bomb.png")  # Pillow's own error
    with warnings.catch_warnings():  # just over our bound: Pillow only warns, we refuse
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(UnsupportedAttachment, match="too large"):
            clean_attachment(png_bomb(11_000, 10_000), "image/png", "big.png")


# --- PDFs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", [{}, {"progressive": True}, {"restart_marker_blocks": 1}],
                         ids=["baseline", "progressive", "restart-markers"])
def test_pdf_is_rebuilt_without_metadata_scripts_files_annotations_or_old_revisions(encoding):
    photo = jpeg(red_left_blue_right(), exif=exif_with_gps_and_thumbnail(THUMBNAIL), icc_profile=SRGB, **encoding)
    photo = with_segment(photo, 0xFE, b"Secret Author's phone") + b"TRAILING-CROPPED-OUT"
    original = leaky_pdf(photo)
    leaks = (SECRET, b"Secret Source", b"xmpmeta", b"witnesses", b"JavaScript", b"app.alert", b"call him back",
             b"example.org", b"Exif", b"GPS", b"Tashi", b"ICC_PROFILE", b"TRAILING", b"THUMBNAIL-OF")
    assert all(leak in original + plain(original) for leak in leaks) and original.count(b"%%EOF") == 2
    with pikepdf.open(io.BytesIO(original)) as pdf:
        original_id = bytes(pdf.trailer.ID[0])
        assert pdf.attachments and pdf.docinfo.Author == "Secret Author"

    result = clean_attachment(original, "application/pdf", "case.pdf")

    assert (result.kind, result.extension) == ("pdf", ".pdf")
    assert set(result.removed) >= {"PDF document info (Author, Creator, Producer, dates…)", "PDF XMP metadata",
                                   "PDF JavaScript", "PDF embedded files", "PDF open action", "PDF bookmarks",
                                   "EXIF/XMP/ICC of JPEG images in the PDF"}
    assert any(r.startswith("PDF annotations") for r in result.removed)
    assert any("NOT redacted" in w for w in result.warnings)
    assert result.data.count(b"%%EOF") == 1
    text = plain(result.data)
    for leak in leaks:
        assert leak not in result.data and leak not in text, leak
    assert b"Visible text" in text  # the page itself is untouched

    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        assert "/Info" not in pdf.trailer and bytes(pdf.trailer.ID[0]) != original_id
        assert set(pdf.Root.keys()) == {"/Type", "/Pages"}
        assert len(pdf.attachments) == 0
        page = pdf.pages[0]
        assert not {"/Annots", "/PieceInfo", "/Metadata"} & set(page.obj.keys())
        # The note's appearance is now part of the page; the photo decodes to the very same pixels.
        assert len(page.Resources.XObject) == 2
        assert "/Metadata" not in page.Resources.XObject.Im1
        image = pikepdf.PdfImage(page.Resources.XObject.Im1).as_pil_image()
        assert image.tobytes() == Image.open(io.BytesIO(photo)).convert("RGB").tobytes()


def test_form_values_stay_visible_and_layers_are_flagged():
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    helvetica = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    field = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=pikepdf.String("name"),
                                         V=pikepdf.String("Filled-in value"), Rect=[20, 20, 180, 40], F=4,
                                         DA=pikepdf.String("/Helv 12 Tf 0 g"), P=page.obj))
    page.Annots = Array([field])
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]), NeedAppearances=True, DA=pikepdf.String("/Helv 0 Tf 0 g"),
                                   DR=Dictionary(Font=Dictionary(Helv=helvetica)))
    layer = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=pikepdf.String("draft")))
    pdf.Root.OCProperties = Dictionary(OCGs=Array([layer]), D=Dictionary(OFF=Array([layer])))
    out = io.BytesIO()
    pdf.save(out)

    result = clean_attachment(out.getvalue(), "application/pdf", "form.pdf")

    assert "PDF form fields (flattened)" in result.removed
    assert any("hidden layers" in w for w in result.warnings)
    assert b"(Filled-in value) Tj" in plain(result.data)
    with pikepdf.open(io.BytesIO(result.data)) as cleaned:
        assert set(cleaned.Root.keys()) == {"/Type", "/Pages", "/OCProperties"}


def test_the_same_pdf_gives_the_same_bytes_a_second_later():
    original = leaky_pdf(jpeg(red_left_blue_right()))
    first = clean_attachment(original, "application/pdf", "x.pdf").data
    time.sleep(1.1)  # qpdf's default /ID comes from the clock
    assert clean_attachment(original, "application/pdf", "x.pdf").data == first


def test_the_read_back_check_refuses_what_should_have_gone(monkeypatch):
    original = leaky_pdf(jpeg(red_left_blue_right()))
    verify_pdf(clean_attachment(original, "application/pdf", "x.pdf").data)
    with pytest.raises(UnsupportedAttachment, match="document info.*more than one revision"):
        verify_pdf(original)
    # Were the stripping to miss everything, the read-back would still stop the export.
    monkeypatch.setattr("intake.desk.attachments.pdf._strip", lambda pdf: ([], []))
    with pytest.raises(UnsupportedAttachment, match="still holds"):
        clean_attachment(original, "application/pdf", "x.pdf")


def test_unreadable_and_encrypted_pdfs_are_refused():
    with pytest.raises(UnsupportedAttachment, match="PDF"):
        clean_attachment(b"%PDF-1.7\n" + os.urandom(2000), "application/pdf", "x.pdf", include_other=True)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(UnsupportedAttachment, match="encrypted"):
        clean_attachment(out.getvalue(), "application/pdf", "x.pdf")


def test_a_pdf_with_only_an_owner_password_comes_out_unencrypted():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user=""))
    with pikepdf.open(io.BytesIO(clean_attachment(out.getvalue(), "application/pdf", "x.pdf").data)) as cleaned:
        assert not cleaned.is_encrypted and len(cleaned.pages) == 1


# --- other types ----------------------------------------------------------------------------

def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/core.xml", "<dc:creator>Secret Author</dc:creator>")
    return out.getvalue()


def test_other_types_are_left_out_unless_included_and_then_pass_unchanged_with_a_warning():
    data = b"\x00\x00\x00\x18ftypmp42" + bytes(100)  # a video: nothing we can clean, nothing active
    declared = "video/mp4"
    with pytest.raises(UnsupportedAttachment, match="neither an image nor a PDF"):
        clean_attachment(data, declared, "statement.mp4")
    result = clean_attachment(data, declared, "C:\\Users\\me\\Statement.MP4", include_other=True)
    assert (result.data, result.kind, result.extension) == (data, "other", ".mp4")
    assert result.removed == [] and result.warnings == ["included as is: metadata NOT removed"]
    assert type(clean_attachment(bytearray(data), declared, "s.mp4", include_other=True).data) is bytes


def test_an_office_document_never_leaves_as_is_even_when_included():
    # A .docx is a ZIP whose docProps/core.xml names its author: an archive is never passed through.
    declared = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    with pytest.raises(UnsupportedAttachment, match="content is an archive"):
        clean_attachment(docx(), declared, "statement.docx", include_other=True)


@pytest.mark.parametrize("name, extension", [("video.mp4", ".mp4"), ("Voice.M4A", ".m4a"), ("archive.tar.gz", ".bin"),
                                             ("page.html", ".bin"), ("run.bat", ".bin"), ("link.lnk", ".bin"),
                                             ("no-extension", ".bin"), ("odd.$$$", ".bin"), (".hidden", ".bin"), ("", ".bin")])
def test_an_included_file_keeps_only_a_plain_extension(name, extension):
    assert clean_attachment(b"plain bytes", "", name, include_other=True).extension == extension
