"""Images re-encoded from their pixels: nothing but the picture leaves (redaction.md §3.3)."""

import io
import warnings as python_warnings

from PIL import Image, ImageCms, ImageOps

from . import CleanResult, UnsupportedAttachment
from .caps import MAX_JPEG_PIXELS, MAX_PIXELS

# Pillow checks this on open, from the header, before decoding: past it, nothing is decoded.
Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS
# Common formats only: fewer parsers exposed to hostile files, and never EPS (runs Ghostscript).
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP")  # JPEG includes MPO


def clean_image(data: bytes) -> CleanResult:
    warnings: list[str] = []
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
        with im:
            _fit(im, warnings)
            if getattr(im, "is_animated", False):  # only the first frame is ever decoded
                warnings.append("animation or multi-page image: only the first frame is exported")
            lossless = im.format in ("PNG", "GIF")
            mode = "RGBA" if im.has_transparency_data else "RGB"
            im.load()
            removed = _metadata(im)  # after loading: PNG text after the pixels is read by then
            icc = im.info.get("icc_profile")
            # In place: a copy of a large picture fewer (before the Orientation tag goes with the EXIF).
            ImageOps.exif_transpose(im, in_place=True)
            upright = im
            if upright.mode.startswith("I;16"):  # 16-bit grey: scale to 8 bits, convert() would clip to white
                upright = upright.convert("I").point(lambda v: v * (1 / 256))
            pixels = _to_srgb(upright, icc, mode, warnings)
            del upright
            im.close()  # frees the decoded pixels now (leaving `with` only closes the file)
        # A new image holding the pixels alone: no info, EXIF, XMP, ICC or thumbnail can follow.
        # (paste, not tobytes/frombytes: two copies of a large picture in memory, not three.)
        clean = Image.new(mode, pixels.size)
        clean.paste(pixels)
        del pixels
    except UnsupportedAttachment:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnsupportedAttachment("image too large (decompression bomb?)") from exc
    except Exception as exc:  # any failure to decode a possibly hostile file: refuse it
        raise UnsupportedAttachment(f"unreadable image ({type(exc).__name__})") from exc
    out = io.BytesIO()
    if mode == "RGBA" or lossless:
        clean.save(out, "PNG")  # no pnginfo=, exif=, icc_profile=; a fixed zlib level: same bytes each time
        return CleanResult(out.getvalue(), ".png", "image", removed, warnings)
    clean.save(out, "JPEG", quality=90)  # no exif=, icc_profile=, comment=: libjpeg is deterministic
    return CleanResult(out.getvalue(), ".jpg", "image", removed, warnings)


def _fit(im: Image.Image, warnings: list[str]) -> None:
    """Refuse, or for a JPEG decode smaller, an image past MAX_PIXELS (read from its header)."""
    pixels = im.width * im.height
    if pixels <= MAX_PIXELS:
        return
    if im.format == "JPEG" and pixels <= MAX_JPEG_PIXELS:
        scale = next(s for s in (2, 4, 8) if pixels / (s * s) <= MAX_PIXELS)
        original = im.size
        im.draft(im.mode, (im.width // scale, im.height // scale))  # libjpeg's DCT scaling
        warnings.append(f"image of {original[0]}x{original[1]} pixels exported at 1/{scale} scale "
                        f"({im.width}x{im.height}); extract the original with 'intake attachment'")
        return
    raise UnsupportedAttachment(f"image too large ({im.width}x{im.height} pixels; at most {MAX_PIXELS // 1_000_000} "
                                "megapixels are cleaned here)")


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
    if getattr(im, "text", None):  # PNG tEXt/zTXt/iTXt; their keys may be names, so not listed
        removed.append(f"PNG text chunks ({len(im.text)})")
    return removed


def _to_srgb(im: Image.Image, icc: bytes | None, mode: str, warnings: list[str]) -> Image.Image:
    """The pixels in `mode`, turned into sRGB when a profile says they are not (iPhones shoot
    Display P3): without its profile the picture would otherwise change colour."""
    if icc and (im.mode, mode) in {("RGB", "RGB"), ("L", "RGB"), ("CMYK", "RGB"), ("RGBA", "RGBA")}:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode=mode)
        except Exception:  # a broken profile: keep the raw values rather than refuse the picture
            pass
    if icc:
        warnings.append("the colour profile could not be applied: colours may look slightly different")
    return im.convert(mode)
