"""The reader's caps: the largest submission our own server can write, with room to spare.

Each number bounds the memory or time one hostile file can cost the staff desk. They are
documented, with the reasoning, in docs/submission-format.md ("What the desk accepts"); the
attachment cleaning caps (image pixels, PDF objects and streams) are in intake/desk/attachments.
"""

# Text answers, in characters, as the form enforces them (intake/web/forms.py SHORT, LONG).
SHORT_TEXT = 300
LONG_TEXT = 20_000
ORIGINAL_NAME = 255  # envelope.clean_original_name
DECLARED_TYPE = 100  # envelope.Envelope.attachment_sink
GROUP_SIZE = 1_000_000

# The server's INTAKE_MAX_ATTACHMENTS defaults to 20; a reader that accepts 100 reads the files
# of any sensible configuration while bounding the entries (and central directory) it parses.
MAX_ATTACHMENTS = 100
MAX_ENTRIES = MAX_ATTACHMENTS + 2  # report.json and padding
MAX_INCIDENTS = 3  # the form's fixed slots
MAX_RELATED_PERSONS = 4  # likewise

# The largest report.json the form can produce is about 28 long answers × 20,000 characters ×
# 4 bytes of UTF-8 (under 2.3 MB); 4 MiB leaves room for JSON escapes. Entries are stored, never
# compressed, so this many bytes of plaintext need this many bytes of file.
MAX_REPORT_BYTES = 4 << 20
MAX_JSON_DEPTH = 6  # report → incidents → [] → start → {}: 4 levels are used

# One central directory record is 46 bytes plus a name (≤ 255 + 16 bytes) and extras (a ZIP64
# field is 28); 1 KiB each is generous.
MAX_CENTRAL_DIRECTORY_BYTES = MAX_ENTRIES * 1024
MAX_ENTRY_NAME_BYTES = 300  # "attachments/NN-" + envelope.MAX_NAME_BYTES (120), with room

# A whole submission: ten times the server's default upload limit (500 MB). Import reads every
# byte once to authenticate it, so this bounds its time, never its memory.
MAX_ARCHIVE_BYTES = 8 << 30
