"""Images re-encoded from their pixels: nothing but the picture leaves (redaction.md §3.3)."""

import io

from PIL import Image, ImageCms, ImageOps

from . import CleanResult, UnsupportedAttachment

# 100 megapixels covers the largest phone cameras; decoded as RGBA it is 400 MB per copy.
MAX_PIXELS = 100_000_000
# Pillow warns above this and raises DecompressionBombError above twice it, checked on open.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Common formats only: fewer parsers exposed to hostile files, and never EPS (runs Ghostscript).
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP")  # JPEG includes MPO


def clean_image(data: bytes) -> CleanResult:
    warnings: list[str] = []
    try:
        with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as im:
            if im.width * im.height > MAX_PIXELS:
                raise UnsupportedAttachment(f"image too large ({im.width}x{im.height} pixels)")
            if getattr(im, "is_animated", False):
                warnings.append("animation or multi-page image: only the first frame is exported")
            lossless = im.format in ("PNG", "GIF")
            mode = "RGBA" if im.has_transparency_data else "RGB"
            upright = ImageOps.exif_transpose(im)  # before the Orientation tag goes with the EXIF
            if upright.mode.startswith("I;16"):  # 16-bit grey: scale to 8 bits, convert() would clip to white
                upright = upright.convert("I").point(lambda v: v * (1 / 256))
            removed = _metadata(im)  # after loading: PNG text after the pixels is read by then
            pixels = _to_srgb(upright, im.info.get("icc_profile"), mode, warnings)
            # A new image from the pixel bytes alone: no info, EXIF, XMP, ICC or thumbnail can follow.
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
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
