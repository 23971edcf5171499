"""Opening one submission file on the desk: age's random-access reader under the strict reader.

The file is decrypted chunk by chunk as the ZIP reader asks for ranges, so showing a case or
extracting one attachment decrypts only what it reads and nothing is written to disk. Import
opens it `whole`: every chunk is authenticated before anything in it is used (a small file by
decrypting it once into memory, a larger one by a first pass over all of it). What the archive
may hold is checked by intake.submission (docs/submission-format.md, "What the desk accepts");
any failure there is a DeskError that names the file and the rule, never content.
"""

import io
import os
import shutil
from pathlib import Path

from .. import age
from ..submission import SubmissionError
from ..submission.archive import read_archive
from ..submission.report import Submitted
from .errors import DeskError


IN_MEMORY_BYTES = 8 << 20  # a `whole` submission up to this size is decrypted once, into memory


class Submission:
    def __init__(self, path: Path, identities, *, whole: bool = False):
        self.path = Path(path)
        self._file = open(self.path, "rb")
        reader: io.BytesIO | age.RandomAccessReader
        try:
            if whole and os.fstat(self._file.fileno()).st_size <= IN_MEMORY_BYTES:
                reader = io.BytesIO(age.decrypt(identities, self._file).read())  # raises where it is damaged
            else:
                if whole:
                    verify_whole_file(self.path, identities)
                reader = age.open_random_access(identities, self._file)
            try:
                self.archive = read_archive(reader)
            except SubmissionError as exc:
                raise DeskError(f"{self.path.name}: {exc}") from None
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> "Submission":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def report(self) -> Submitted:
        """The validated report (intake.submission.schema)."""
        return self.archive.report

    def attachment_info(self) -> list[dict]:
        # read_archive has checked that every listed attachment is in the archive.
        return [dict(a, present=True) for a in self.archive.report["attachments"]]

    def copy_attachment(self, entry: str, dst, expected: dict | None = None) -> str:
        """Copy one attachment into `dst` (which the caller can discard); returns its SHA-256.

        Raises DeskError after the copy when the bytes differ from the size and hash recorded
        in the report (or in `expected`: the case's own record of it).
        """
        try:
            return self.archive.copy_attachment(entry, dst, expected)
        except SubmissionError as exc:
            raise DeskError(f"{self.path.name}: {exc}") from None


def verify_whole_file(path: Path, identities) -> None:
    """Authenticate every chunk of a submission (random access only checks what it reads).

    Raises age errors: HeaderError, HMACError, NoIdentityMatchError, PayloadError.
    """
    with open(path, "rb") as f:
        reader = age.decrypt(identities, f)
        shutil.copyfileobj(reader, Discard(), 1 << 20)


class Discard:
    def write(self, data) -> int:
        return len(data)
