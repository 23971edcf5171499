"""The export formats of a case: see intake/desk/exports/ (one module per format)."""

from .exports import STATS_COLUMNS, events_document, reprisals_entry, stats_row, submission_draft

__all__ = ["STATS_COLUMNS", "events_document", "reprisals_entry", "stats_row", "submission_draft"]
