"""Export formats for a case leaving the organisation: pure functions, no files, no output.

Each takes the case as the desk shows it (`case_view`, with the pseudonymous export id the caller
assigned, never the vault case id) and the report as redaction.apply returned it:

    submission_draft(case_view, redacted, "WGAD")  -> str   Markdown draft (drafts.py)
    events_document(case_view, redacted)           -> dict  HURIDOCS Events-style JSON (events.py)
    reprisals_entry(case_view, redacted)           -> dict | None, for the OHCHR reprisals focal point
    stats_row(case_view, report)                   -> dict with exactly STATS_COLUMNS, codes only

Whatever consent does not allow raises ValueError rather than being exported: a real victim name
left in the redacted report is refused unless its consent allows it for that recipient.
"""

from .drafts import submission_draft
from .events import events_document
from .reprisals import reprisals_entry
from .stats import STATS_COLUMNS, stats_row

__all__ = ["STATS_COLUMNS", "events_document", "reprisals_entry", "stats_row", "submission_draft"]
