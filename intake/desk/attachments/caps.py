"""What cleaning one attachment may cost: every hostile file is parsed in the desk's process.

A file past a cap is refused (UnsupportedAttachment naming the cap, never the file), so memory
stays well under 512 MiB and time under a few seconds whatever arrives; staff can still extract
the original with `intake attachment`. Documented in docs/exports.md ("Attachments"), and
measured by tests/test_attachment_caps.py (peak RSS of the worst cases, in a fresh process).
"""

# The largest attachment cleaned in memory. Cleaning needs the whole file (a PDF's cross-reference
# table is at its end); a larger one leaves only as an explicitly included other file, streamed.
MAX_CLEAN_BYTES = 100 << 20

# --- images --------------------------------------------------------------------------------------

# Pixels decoded at once, read from the header before anything is decoded. Pillow holds 4 bytes a
# pixel (RGB too), and turning a photo upright or into RGB needs a second copy: 40 megapixels is
# 2 x 160 MB. Most phone photos are 12 MP; larger JPEGs are decoded at 1/2, 1/4 or 1/8 scale
# (libjpeg does that without decoding the full size) up to MAX_JPEG_PIXELS; other formats that
# large are refused.
MAX_PIXELS = 40_000_000
MAX_JPEG_PIXELS = 64 * MAX_PIXELS  # 1/8 scale brings it back under MAX_PIXELS
# WebP goes through libwebp's animation decoder (two canvases) and a bytes copy before Pillow's
# image: 16 bytes a pixel while decoding (measured), so it gets half the pixels for the same memory.
MAX_WEBP_PIXELS = MAX_PIXELS // 2
# A progressive JPEG keeps every DCT coefficient of the full-size image while decoding (2 bytes for
# each of 64 per 8x8 block and component), whatever the scale: DCT scaling does not help it.
# 128 MiB is a colour (4:2:0) photo of about 44 MP, a 4:4:4 one of 22 MP.
MAX_JPEG_COEFFICIENT_BYTES = 128 << 20
# Each progressive scan walks every coefficient again; encoders write about 10 (mozjpeg up to 20).
# Thousands of tiny scans are a known way to make libjpeg spin for minutes on a small file.
MAX_JPEG_SCANS = 100
# Only the first frame of an animation or multi-page image leaves. 1,000 frames is a 40-second
# animation; more is a video or a multi-page scan sent as a picture (send those as a video or a
# PDF). Frames are counted from their headers, at most this many + 1, never decoded.
MAX_IMAGE_FRAMES = 1_000

# --- PDFs ----------------------------------------------------------------------------------------

# Long court documents have a few thousand objects (real ones: about 12 a page) and pages; 50,000
# objects bound the walks over the object graph, 5,000 pages what a person could ever review.
MAX_PDF_OBJECTS = 50_000
MAX_PDF_PAGES = 5_000
# qpdf keeps every number, name and bracket it parses, at about 140 bytes each (measured): one
# million is 140 MB. Real documents have about 20 per object, so this allows the 50,000 objects.
MAX_PDF_SYNTAX_ITEMS = 1_000_000
# Object syntax outside the streams (dictionaries, arrays, strings), raw or decoded from object
# streams: qpdf holds all of it. Real documents have a few MiB; 32 MiB is far past them.
MAX_PDF_SYNTAX_BYTES = 32 << 20
# One object stream, decoded: qpdf parses all its objects at once (the one holding the catalog as
# it opens the file, before anything here can look). 2 MiB is at most a million items; real ones
# hold 100 to 200 objects, tens of KiB. qpdf is held to it for every stream it decodes itself.
MAX_PDF_PACKED_BYTES = 2 << 20
# Cross-reference entries of all revisions: qpdf keeps each one. Every object once per revision,
# for a few revisions.
MAX_PDF_XREF_ENTRIES = 4 * MAX_PDF_OBJECTS
# Arrays and dictionaries inside one another. Real files stay under 10; qpdf's own limit (499) is
# there against stack overflows, and every reader recurses too.
MAX_PDF_NESTING = 32
# The decoded size of one stream, as a reader will decode it to show the page: an A3 page scanned
# at 600 dpi in colour is 210 MB. A "PDF zip bomb" stream that inflates to gigabytes is refused.
MAX_PDF_STREAM_DECODED = 256 << 20
# Everything inflated to measure the streams (we decode nothing else: qpdf copies streams as they
# are): about 2.5 s of zlib (measured: 430 MB/s). 40 lossless colour A4 pages at 300 dpi; scans
# are mostly JPEG, JBIG2 or CCITT, which are never inflated (their size is read from headers).
MAX_PDF_INFLATED_TOTAL = 1 << 30
# LZW (obsolete since PDF 1.2, 1996) is measured in Python: about half a second per MiB of coded
# data, so 2 MiB a stream (and the inflate total bounds the decoded side as for every filter).
MAX_PDF_LZW_BYTES = 2 << 20
# Real producers chain at most two filters (ASCII85 + Flate, Flate + DCT); every stage of a longer
# chain multiplies what a reader has to do.
MAX_PDF_STREAM_FILTERS = 4
# A damaged file can make qpdf warn for every object it repairs, and it keeps every warning.
MAX_PDF_WARNINGS = 1_000
