"""What cleaning one attachment may cost: every hostile file is parsed in the desk's process.

A file past a cap is refused (UnsupportedAttachment naming the cap, never the file), so memory
stays well under 512 MiB and time under a few seconds whatever arrives; staff can still extract
the original with `intake attachment`. Documented in docs/exports.md ("Attachments").
"""

# The largest attachment cleaned in memory. Cleaning needs the whole file (a PDF's cross-reference
# table is at its end); a larger one leaves only as an explicitly included other file, streamed.
MAX_CLEAN_BYTES = 100 << 20

# Pixels decoded at once. 40 megapixels is 160 MB as RGBA, and cleaning holds two copies; most
# phone photos are 12 MP. Larger JPEGs are decoded at 1/2, 1/4 or 1/8 scale (libjpeg does that
# without decoding the full size) up to MAX_JPEG_PIXELS; other formats that large are refused.
MAX_PIXELS = 40_000_000
MAX_JPEG_PIXELS = 64 * MAX_PIXELS  # 1/8 scale brings it back under MAX_PIXELS

# PDFs: long court documents have a few thousand objects and pages; 50,000 objects bound the
# walks over the object graph, 5,000 pages what a person could ever review.
MAX_PDF_OBJECTS = 50_000
MAX_PDF_PAGES = 5_000
