"""The index row of a case: what `intake list` shows and filters on, and the rules' result.

A row is derived from the case alone (state.Case) and the rules, so the whole index can be
rebuilt from the case files (`intake vault rebuild-index`). The rules' result is stored with the
rules' digest and the first day it may change (rules.Triage.valid_until): it is computed at
import and whenever the case changes, and again only once that day has come or the rules changed,
never per day for every case.

Receipts are kept as SHA-256 digests only: follow-ups are matched to the report whose receipt
they quote by looking the digest up, which takes the same time whatever the receipt is.
"""

import datetime
import functools
import hashlib
import sys

from ..submission.schema import READER_VERSION
from .casestore import StoreDamaged
from .rules import evaluate, load_rules, rules_digest
from .state import Case, load_case

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


def triage_of(report: dict, now: datetime.datetime) -> dict:
    """The rules' result as an index row keeps it: what is missing by readiness item id only
    (missing_texts gives the words back), the mandates' reasons left to `show`."""
    result = evaluate(report, now)
    return {"rules": rules_digest(), "until": result.valid_until, "urgent": result.urgent,
            "urgency_reasons": result.urgency_reasons, "stale": result.stale,
            "suggested_mandates": result.suggested_mandates, "ready_for": result.ready_for,
            "missing": {m: [item.split(": ", 1)[0] for item in items] for m, items in result.readiness.items()}}


@functools.lru_cache(maxsize=1)
def _readiness_texts() -> dict:
    rules = load_rules()
    return {i["id"]: f"{i['id']}: {i['missing']}" for i in [*rules.general, *(i for c in rules.checklists.values() for i in c)]}


def missing_texts(triage: dict) -> dict:
    """{mandate: ["GEN-3: what is missing", ...]} of a stored result (made by these rules:
    a row of other rules is refreshed before it is shown, see needs_refresh)."""
    texts = _readiness_texts()
    return {m: [texts.get(i, i) for i in ids] for m, ids in triage["missing"].items()}


def current(triage: dict | None, now: datetime.datetime) -> bool:
    """Whether a stored result still holds today (same rules, its valid_until not reached)."""
    if not triage or triage.get("rules") != rules_digest():
        return False
    until = triage.get("until")
    return until is None or now.astimezone(datetime.timezone.utc).date().isoformat() < until


def row_for(case, now: datetime.datetime, triage: dict | None = None) -> dict:
    """The row of a usable case; the stored rules' result is reused while it holds."""
    report = case.report
    return {
        "received": case.received, "imported": case.imported, "status": case.status,
        "urgent_decision": case.urgent, "mandates": case.mandates, "follow_up_of": case.follow_up_of,
        "follow_ups": case.follow_ups, "links": case.links, "kind": report.get("kind", "report"),
        "language": report.get("form_language", ""), "summary": summary(report),
        "receipt": receipt_digest(case.receipt), "wants": receipt_digest(report.get("follow_up_of") or ""),
        "triage": triage if current(triage, now) else triage_of(report, now), "damaged": None,
        "checked": case.checked,
    }


def damaged_row(reason: str) -> dict:
    return {"received": "", "imported": "", "status": "damaged", "urgent_decision": None, "mandates": [],
            "follow_up_of": None, "follow_ups": [], "links": [], "kind": "", "language": "", "summary": reason,
            "receipt": "", "wants": "", "triage": None, "damaged": reason, "checked": ""}


_TEXTS: dict[str, str] = {}


def compact(row: dict) -> dict:
    """The same row with its repeated texts shared (rules' reasons, codes): 50,000 rows hold
    a few hundred distinct reasons, and sharing them keeps `list` small in memory."""
    triage = row.get("triage")
    if triage:
        for key in ("urgency_reasons", "stale", "suggested_mandates", "ready_for"):
            triage[key] = [_TEXTS.setdefault(t, t) for t in triage[key]]
        triage["missing"] = {_TEXTS.setdefault(m, m): [_TEXTS.setdefault(t, t) for t in ids]
                             for m, ids in triage["missing"].items()}
    row["status"] = sys.intern(row["status"])
    row["kind"] = sys.intern(row["kind"])
    row["language"] = sys.intern(row["language"])
    return row


def needs_refresh(row: dict, now: datetime.datetime) -> bool:
    """A usable case's row whose rules' result has expired, or that another reader passed."""
    return row["damaged"] is None and (row.get("checked") != READER_VERSION or not current(row["triage"], now))


def refresh(store, rows: dict, case_ids, now: datetime.datetime, progress=None) -> dict:
    """New rows for `case_ids`, from their case files (a case that no longer loads becomes a
    damaged row). Nothing is written: the caller stores them."""
    fresh = {}
    for case_id in case_ids:
        try:
            found = load_case(case_id, store.get(case_id))
        except StoreDamaged as exc:
            found = None
            fresh[case_id] = damaged_row(str(exc))
        if isinstance(found, Case):
            fresh[case_id] = row_for(found, now, rows.get(case_id, {}).get("triage"))
        elif found is not None:
            fresh[case_id] = damaged_row(found.reason)
        if progress is not None:
            progress.advance()
    return fresh
