"""Reading one submission file: its report and attachments, straight out of the ciphertext.

The file is opened with age's random-access reader and read as a ZIP archive, so showing a
report or extracting one attachment decrypts only the chunks involved; nothing is written to
disk.
"""

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

from .. import age
from .errors import DeskError

REPORT_SCHEMA = "intake.report/1"


class Submission:
    def __init__(self, path: Path, identities):
        self.path = Path(path)
        self._file = open(self.path, "rb")
        try:
            self._reader = age.open_random_access(identities, self._file)
            self.archive = zipfile.ZipFile(self._reader)
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> "Submission":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def report(self) -> dict:
        try:
            report = json.loads(self.archive.read("report.json"))
        except (KeyError, ValueError) as exc:
            raise DeskError(f"{self.path.name} is not an intake submission ({exc.__class__.__name__})") from None
        if not isinstance(report, dict) or report.get("schema") != REPORT_SCHEMA:
            raise DeskError(f"{self.path.name} has an unsupported report schema")
        return report

    def attachment_info(self, report: dict) -> list[dict]:
        """The report's attachment list, checked against the archive's entries."""
        names = set(self.archive.namelist())
        return [dict(a, present=a.get("entry") in names) for a in report.get("attachments", [])]

    def copy_attachment(self, entry: str, dst) -> str:
        """Copy one attachment's bytes into `dst`; returns their SHA-256 (hex)."""
        digest = hashlib.sha256()
        with self.archive.open(entry) as src:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                dst.write(chunk)
        return digest.hexdigest()


def verify_whole_file(path: Path, identities) -> None:
    """Authenticate every chunk of a submission (random access only checks what it reads).

    Raises age errors: HeaderError, HMACError, NoIdentityMatchError, PayloadError.
    """
    with open(path, "rb") as f:
        reader = age.decrypt(identities, f)
        sink = _Discard()
        shutil.copyfileobj(reader, sink, 1 << 20)


class _Discard:
    def write(self, data) -> int:
        return len(data)
