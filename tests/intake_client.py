"""Submissions made by the real web intake code, in-process, for the staff-side tests.

The Flask test client drives the real app (forms, CSRF, streaming envelope, store): the files
it produces are exactly what the server would write.
"""

import io
import re
from pathlib import Path

from intake.receipt import PATTERN
from intake.web import create_app
from live_server import CSRF, valid_answers

RECEIPT = re.compile(rf"<code>({PATTERN})</code>")


class IntakeClient:
    def __init__(self, root: Path, recipients: list):
        root.mkdir(parents=True, exist_ok=True)
        (root / "recipients.txt").write_text("".join(f"{r}\n" for r in recipients))
        self.data_dir = root / "data"
        self.app = create_app({"INTAKE_DATA_DIR": self.data_dir, "INTAKE_RECIPIENTS": root / "recipients.txt",
                               "SECRET_KEY": "c" * 40, "INTAKE_MIN_FREE": 0,
                               # a generator of test data, not a flood: no limits
                               "INTAKE_SESSION_LIMIT": 10**9, "INTAKE_RATE": 10**9, "INTAKE_BURST": 10**9})
        self.client = self.app.test_client()

    def _post(self, path: str, answers: dict, files) -> str:
        # One POST with answers and files, as the page's second step sends them.
        """Post like a browser: CSRF token from the page, the file input always present."""
        token = CSRF.search(self.client.get(path).text).group(1)
        uploads = [(io.BytesIO(content), name, content_type) for name, content, content_type in files]
        data = {**answers, "csrf_token": token, "attachments": uploads or [(io.BytesIO(b""), "", "application/octet-stream")]}
        response = self.client.post(path, data=data, content_type="multipart/form-data")
        assert response.status_code == 200, response.text[:500]
        found = RECEIPT.search(response.text)  # a follow-up's page shows no code
        return found.group(1) if found else ""

    def report(self, overrides: dict | None = None, files=(), marker: str = "", language: str = "") -> str:
        """Submit a report (valid_answers with overrides; None removes a key). Returns the receipt.

        `files` are (name, bytes, content type) triples; `language` is the form's (`?lang=`).
        """
        answers = valid_answers(marker)
        for key, value in (overrides or {}).items():
            if value is None:
                answers.pop(key, None)
            else:
                answers[key] = value
        return self._post(f"/?lang={language}" if language else "/", answers, files)

    def submit(self, answers: dict, lang: str = "en", files=()) -> str:
        """Submit exactly `answers` from the form in language `lang`. Returns the receipt."""
        return self._post(f"/?lang={lang}", answers, files)

    def follow_up(self, receipt: str, message: str, files=(), language: str = "") -> str:
        return self._post(f"/follow-up?lang={language}" if language else "/follow-up",
                          {"receipt": receipt, "message": message, "consent_store": "y"}, files)

    def submissions(self) -> list[Path]:
        return sorted((self.data_dir / "submissions").glob("*.age"))
