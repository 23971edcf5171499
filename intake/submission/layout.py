"""What a submission's plaintext holds: its entry names and the report's schema id.

The web side writes these (intake/envelope.py, intake/web/report.py) and the strict reader
accepts nothing else (archive.py, schema.py); docs/submission-format.md describes them.
"""

import re

REPORT_SCHEMA = "intake.report/3"    # what the form writes
REPORT_SCHEMA_2 = "intake.report/2"  # before the arrest, the charges and earlier UN action; still read
REPORT_SCHEMA_1 = "intake.report/1"  # before related persons and the imminent event; still read
REPORT_ENTRY = "report.json"  # the answers (schema above) and the attachment list
PADDING_ENTRY = "padding"     # zeros that bring the archive to its Padmé size
ATTACHMENTS = "attachments/"  # each upload, byte for byte, as attachments/NN-<safe name>
ATTACHMENT_ENTRY = re.compile(r"attachments/(\d{2,})-([^/\\]+)", re.ASCII)


def attachment_entry(number: int, safe_name: str) -> str:
    """The entry of the `number`th upload (from 1, in arrival order) under an already safe name."""
    return f"{ATTACHMENTS}{number:02d}-{safe_name}"
