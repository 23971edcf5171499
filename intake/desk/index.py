"""The index row of a case: what `intake list` shows and filters on, and the rules' result.

A row is derived from the case alone (state.Case) and the rules, so the whole index can be
rebuilt from the case files (`intake vault rebuild-index`). It holds what list filters and sorts
on, what linking needs, and the list's own output for the case, made when the row is made (its
JSON line and table cells): `list` of 50,000 cases only reads, filters, sorts and prints. The
rules' result is stored with the rules' digest and the first day it may change
(rules.Triage.valid_until): it is computed at import and whenever the case changes, and again
only once that day has come or the rules changed, never per day for every case.

Receipts are kept as SHA-256 digests only: follow-ups are matched to the report whose receipt
they quote by looking the digest up, which takes the same time whatever the receipt is.
"""

import datetime
import hashlib
import json

from ..submission.schema import READER_VERSION
from .casestore import StoreDamaged
from .facts import with_staff_facts
from .replies import summary as reply_summary
from .rules import evaluate, rules_digest
from .state import Case, load_case
from .terminal import visible
from .translations import readiness_item

SUMMARY_LENGTH = 60


def receipt_digest(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest() if receipt else ""


def summary(report: dict) -> str:
    if report.get("kind") == "follow-up":
        text = "follow-up: " + report.get("message", "")
    else:
        incidents = report.get("incidents") or [{}]
        first = incidents[0]
        text = f"{', '.join(first.get('violations', [])).lower()} | {first.get('province', '')} | {first.get('narrative', '')}"
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def list_columns(case_id: str, case, result) -> dict:
    """What `intake list` shows of a usable case, given the rules' result (rules.Triage), and
    the answers still to translate for the case's letter (a readiness item for every mandate)."""
    untranslated = readiness_item(case)
    readiness = {m: items + [untranslated] for m, items in result.readiness.items()} if untranslated else result.readiness
    return {
        "id": case_id,
        "received": case.received,
        "status": case.status,
        "urgent": result.urgent if case.urgent is None else case.urgent,
        "urgency_reasons": result.urgency_reasons,
        "urgent_decided_by_staff": case.urgent is not None,
        "stale": result.stale,
        "suggested_mandates": result.suggested_mandates,
        "mandates": case.mandates,
        "ready_for": [] if untranslated else result.ready_for,
        "missing": readiness,
        "follow_up_of": case.follow_up_of,
        # A follow-up whose receipt matches no case in the vault (not imported yet, a mistyped
        # code, or its report removed): it cannot be exported until it is linked.
        "not_linked": case.report.get("kind") == "follow-up" and not case.follow_up_of,
        "follow_ups": case.follow_ups,
        "language": case.report.get("form_language", ""),
        "summary": summary(case.report),
        "replies": reply_summary(case),
        "damaged": None,
    }


def damaged_columns(case_id: str, reason: str) -> dict:
    """A case that cannot be used: only its id and why; every other column empty."""
    return {"id": case_id, "received": "", "status": "damaged", "urgent": False, "urgency_reasons": [],
            "urgent_decided_by_staff": False, "stale": [], "suggested_mandates": [], "mandates": [], "ready_for": [],
            "missing": {}, "follow_up_of": None, "not_linked": False, "follow_ups": [], "language": "", "summary": reason,
            "replies": None, "damaged": reason}


def table_cells(columns: dict) -> list[str]:
    codes = dict.fromkeys(x.split(":")[0] for x in columns["urgency_reasons"])  # one rule can match twice: "U1,U8"
    urgent = ("YES " + ",".join(codes)).strip() if columns["urgent"] else ""
    return [columns["id"], columns["received"][:10], columns["status"], urgent, ",".join(columns["suggested_mandates"]),
            ",".join(columns["mandates"]), ",".join(columns["ready_for"]), columns["summary"]]


def _rendered(columns: dict) -> dict:
    # The list's output is made here, once per change, not per `list`: a row's JSON line and
    # table cells, escaped for the terminal (terminal.visible). The list names what is missing
    # by readiness item id ("GEN-3"); `show` and the exports give the words.
    listed = columns | {"missing": {m: [item.split(": ", 1)[0] for item in items] for m, items in columns["missing"].items()}}
    return {"out": visible(json.dumps(listed, ensure_ascii=False, separators=(", ", ": "))),
            "cells": [visible(cell) for cell in table_cells(columns)]}


ROW_FORMAT = "5"  # a change to the columns or their escaping: every row is made again


def _made_by() -> str:
    return f"{ROW_FORMAT}:{rules_digest()}"


def read_follow_ups(case) -> list[str]:
    """The follow-ups staff recorded as read on this case (`intake redact CASE --read ID`, for any
    profile): what `list` needs to say "unread" on the case's row."""
    read = case.redaction.get("updates_read", {})
    return sorted({i for ids in read.values() if isinstance(ids, list) for i in ids if isinstance(i, str)}) \
        if isinstance(read, dict) else []


def row_for(case, now: datetime.datetime) -> dict:
    """The index row of a usable case, the rules applied now."""
    result = evaluate(with_staff_facts(case), now)
    columns = list_columns(case.id, case, result)
    return {
        "received": case.received, "status": case.status, "urgent": columns["urgent"], "mandates": case.mandates,
        "suggested": result.suggested_mandates, "follow_up_of": case.follow_up_of, "follow_ups": case.follow_ups,
        "links": case.links, "kind": case.report.get("kind", "report"), "read": read_follow_ups(case),
        "receipt": receipt_digest(case.receipt), "wants": receipt_digest(case.report.get("follow_up_of") or ""),
        "rules": _made_by(), "until": result.valid_until, "checked": case.checked, "replies": columns["replies"],
        "damaged": None,
    } | _rendered(columns)


def damaged_row(reason: str, case_id: str = "") -> dict:
    return {"received": "", "status": "damaged", "urgent": False, "mandates": [], "suggested": [], "follow_up_of": None,
            "follow_ups": [], "links": [], "kind": "", "read": [], "receipt": "", "wants": "", "rules": "", "until": None,
            "checked": READER_VERSION, "replies": None, "damaged": reason} | _rendered(damaged_columns(case_id, reason))


def needs_refresh(now: datetime.datetime):
    """The test, for `now`, of a row to make again: one another reader made (a damaged case is
    tried again by a new desk: its reader may now accept the report), or a usable case's row
    made by another row format or other rules, or whose rules' result has expired (its
    valid_until has come). Made once per list: it runs on every row."""
    made_by, today = _made_by(), now.astimezone(datetime.timezone.utc).date().isoformat()

    def stale(row: dict) -> bool:
        if row.get("checked") != READER_VERSION:
            return True
        if row["damaged"] is not None:
            return False
        until = row.get("until")
        return row.get("rules") != made_by or (until is not None and until <= today)

    return stale


def refresh(store, case_ids, now: datetime.datetime, progress=None) -> dict:
    """New rows for `case_ids`, from their case files (a case that no longer loads becomes a
    damaged row; one no longer in the vault is left out). Nothing is written: the caller
    stores them."""
    fresh = {}
    for case_id in case_ids:
        try:
            stored = store.get(case_id)
            found = None if stored is None else load_case(case_id, stored)
        except StoreDamaged as exc:
            found = None
            fresh[case_id] = damaged_row(str(exc), case_id)
        if isinstance(found, Case):
            fresh[case_id] = row_for(found, now)
        elif found is not None:
            fresh[case_id] = damaged_row(found.reason, case_id)
        if progress is not None:
            progress.advance()
    return fresh
