"""The submission format: what one `submissions/<id>.age` file holds, and its strict reader.

The web side writes submissions (intake/envelope.py, intake/web/report.py); the staff desk reads
them. Anyone holding the organisation's public key can craft a submission, so the reader trusts
nothing: `archive.read_archive` checks the ZIP structure against what our writer produces and
`schema.validate_report` checks every answer's type, size and code before any other code sees
it. Both raise `SubmissionError` with a reason that names the rule broken, never the content.

This package is pure (no age, no Flask, no click): the web process may import it, and the fuzz
tests drive it with plain bytes. Its caps are in `caps.py` and docs/submission-format.md.
"""

from .errors import SubmissionError

__all__ = ["SubmissionError"]
