"""Images re-encoded from their pixels: nothing but the picture leaves (redaction.md §3.3)."""

import io
import warnings as python_warnings

from PIL import Image, ImageCms

from . import CleanResult, UnsupportedAttachment
from .caps import MAX_JPEG_PIXELS
from .image_caps import fit

# Pillow checks this on open, from the header, before decoding: past it, nothing is decoded.
Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS
# Common formats only: fewer parsers exposed to hostile files, and never EPS (runs Ghostscript).
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP")  # JPEG includes MPO
# EXIF orientation -> the turn that makes the picture upright (as ImageOps.exif_transpose does).
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}


def clean_image(data: bytes) -> CleanResult:
    """Every step makes at most one new copy of the pixels and lets the one before go, so that
    cleaning holds at most two (caps.MAX_PIXELS is sized for that)."""
    warnings: list[str] = []
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
        with im:
            if fit(im, data, warnings) > 1:  # only the first frame is ever decoded
                warnings.append("animation or multi-page image: only the first frame is exported")
            lossless = im.format in ("PNG", "GIF")
            mode = "RGBA" if im.has_transparency_data else "RGB"
            im.load()
            removed = _metadata(im)  # after loading: PNG text after the pixels is read by then
            orientation = im.getexif().get(0x0112)
            icc, turn = im.info.get("icc_profile"), None if orientation is None else _UPRIGHT.get(orientation)
            pixels = im.transpose(turn) if turn is not None else im  # before the Orientation tag goes
            if pixels is not im:
                im.close()  # the decoded original: one copy at a time
            pixels = _to_srgb(_eight_bit(pixels), icc, mode, warnings)
            # A new image around the same pixels, with nothing else: no info, EXIF, XMP, ICC or
            # thumbnail can follow. Image()._new only wraps (no copy); `pixels` is RGB(A) by now, so
            # there is no palette to lose.
            clean = Image.Image()._new(pixels.im)
            del pixels
    except UnsupportedAttachment:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnsupportedAttachment("image too large (decompression bomb?)") from exc
    except Exception as exc:  # any failure to decode a possibly hostile file: refuse it
        raise UnsupportedAttachment(f"unreadable image ({type(exc).__name__})") from exc
    assert not clean.info and clean.mode == mode
    out = io.BytesIO()
    if mode == "RGBA" or lossless:
        clean.save(out, "PNG")  # no pnginfo=, exif=, icc_profile=; a fixed zlib level: same bytes each time
        return CleanResult(out.getvalue(), ".png", "image", removed, warnings)
    clean.save(out, "JPEG", quality=90)  # no exif=, icc_profile=, comment=: libjpeg is deterministic
    return CleanResult(out.getvalue(), ".jpg", "image", removed, warnings)


def _eight_bit(im: Image.Image) -> Image.Image:
    """16-bit grey scaled to 8 bits (convert() would clip it to white): the high byte of each
    sample, so 3 bytes a pixel at most on the way instead of two 4-byte copies."""
    if im.mode == "I;16":
        return Image.frombytes("L", im.size, im.tobytes("raw", "I;16B")[::2])
    if im.mode.startswith("I;16"):
        return im.convert("I").point(lambda v: v * (1 / 256))
    return im


def _metadata(im: Image.Image) -> list[str]:
    """What the source carried besides pixels, for the manifest."""
    info, removed = im.info, []
    exif = im.getexif()
    if exif:
        removed.append("EXIF (incl. GPS)" if exif.get_ifd(0x8825) else "EXIF")
    if "xmp" in info or "XML:com.adobe.xmp" in info:
        removed.append("XMP")
    if "photoshop" in info or "iptc" in info:
        removed.append("IPTC/Photoshop data")
    if "icc_profile" in info:
        removed.append("ICC profile")
    if "comment" in info:
        removed.append("comment")
    text = getattr(im, "text", None)  # PngImageFile only
    if text:  # PNG tEXt/zTXt/iTXt; their keys may be names, so not listed
        removed.append(f"PNG text chunks ({len(text)})")
    return removed


def _to_srgb(im: Image.Image, icc: bytes | None, mode: str, warnings: list[str]) -> Image.Image:
    """The pixels in `mode`, turned into sRGB when a profile says they are not (iPhones shoot
    Display P3): without its profile the picture would otherwise change colour. In place when the
    mode stays the same: no second copy."""
    if icc and (im.mode, mode) in {("RGB", "RGB"), ("L", "RGB"), ("CMYK", "RGB"), ("RGBA", "RGBA")}:
        try:
            source, srgb = ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB")
            if im.mode == mode:
                ImageCms.profileToProfile(im, source, srgb, outputMode=mode, inPlace=True)
                return im
            converted = ImageCms.profileToProfile(im, source, srgb, outputMode=mode)
            if converted is None:  # None only comes back from a conversion in place
                raise UnsupportedAttachment("the colour profile conversion gave no image")
            return converted
        except UnsupportedAttachment:
            raise
        except Exception:  # a broken profile: keep the raw values rather than refuse the picture
            pass
    if icc:
        warnings.append("the colour profile could not be applied: colours may look slightly different")
    return im if im.mode == mode else im.convert(mode)
