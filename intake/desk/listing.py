"""What `intake list` shows: every case's row from the index, made again where its day has come.

The index (casestore.py, index.py) holds each case's list line and table cells, made when the
case changed; listing reads them, keeps only what the filters, the order and the output need
(repeated values shared: 50,000 rows stay small), and makes again only the rows whose rules'
result has expired or that another reader or other rules made.
"""

import contextlib
import gc

from .index import needs_refresh, refresh
from .progress import Progress

REFRESH_PER_COMMIT = 500


@contextlib.contextmanager
def paused_gc():
    """No cyclic garbage collection while the index is read: its 50,000 rows hold no cycles, and
    the collector would otherwise walk every row again and again as they are made."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def list_rows(vault, identities, output: str, now) -> dict:
    """{case id: row} for every case, each row holding `output` ("out": its JSON line, "cells":
    its table cells), current on the day of `now`."""
    with vault.reading_state(identities) as state, paused_gc():
        rows, stale = _slim(state.store.index(cells=output == "cells"), output, now)
    if stale:
        # Results whose day has come (a date window opened or closed), or new rules: computed
        # again from those case files only (read afresh under the exclusive lock), and stored a
        # few hundred at a time, so memory stays flat when a day makes thousands expire.
        with vault.locked(exclusive=True), Progress(len(stale), "applying the rules") as bar:
            store = vault.open_store(identities)
            for start in range(0, len(stale), REFRESH_PER_COMMIT):
                fresh = refresh(store, stale[start:start + REFRESH_PER_COMMIT], now, bar)
                store.put({}, fresh, [])
                for case_id in stale[start:start + REFRESH_PER_COMMIT]:
                    rows.pop(case_id, None)  # gone since the first read, or made again just now
                rows.update(_slim(fresh.items(), output, now)[0])
    fold_follow_ups(rows, drop=output == "cells")
    return rows


def fold_follow_ups(rows: dict, *, drop: bool) -> None:
    """Count each report's follow-ups on its row ("follow_up_count", and "unread_follow_ups":
    those not recorded as read with `intake redact CASE --read ID`), through follow-ups of
    follow-ups. drop=True (the table) takes the rows of the follow-ups counted out of `rows`:
    a follow-up is read, reviewed and exported with its report, so it is listed on its row.
    A follow-up that reaches no usable report keeps its own row (marked "not linked" when
    its receipt matches no case)."""
    for row in rows.values():
        row["follow_up_count"], row["unread_follow_ups"] = 0, ()
    folded: dict[str, list[str]] = {}
    for case_id, row in rows.items():
        root = _first_report(rows, case_id, row)
        if root is not None:
            folded.setdefault(root, []).append(case_id)
    for root, follow_ups in folded.items():
        read = set(rows[root]["read"])
        rows[root]["follow_up_count"] = len(follow_ups)
        rows[root]["unread_follow_ups"] = tuple(sorted(i for i in follow_ups if i not in read))
        if drop:
            for case_id in follow_ups:
                del rows[case_id]


def _first_report(rows: dict, case_id: str, row: dict) -> str | None:
    """The usable report a follow-up adds to, or None (not a follow-up, or not linked to one)."""
    current, seen = case_id, {case_id}
    while row["kind"] == "follow-up":
        parent = row["follow_up_of"]
        if parent is None or parent in seen or parent not in rows or rows[parent]["damaged"] is not None:
            return None
        current, row = parent, rows[parent]
        seen.add(parent)
    return None if current == case_id else current


def _slim(index_rows, output: str, now) -> tuple[dict, list]:
    """What list keeps of each index row, and the ids of the rows to make again."""
    rows, stale, expired = {}, [], needs_refresh(now)
    shared: dict[str | tuple[str, ...], str | tuple[str, ...]] = {}  # one copy of each status, kind and list
    for case_id, row in index_rows:
        if expired(row):
            stale.append(case_id)
        mandates, suggested, read = tuple(row["mandates"]), tuple(row["suggested"]), tuple(row.get("read", ()))
        kind = row.get("kind", "")
        rows[case_id] = {"received": row["received"], "status": shared.setdefault(row["status"], row["status"]),
                         "urgent": row["urgent"], "mandates": shared.setdefault(mandates, mandates),
                         "suggested": shared.setdefault(suggested, suggested), "damaged": row["damaged"], output: row[output],
                         "kind": shared.setdefault(kind, kind), "follow_up_of": row.get("follow_up_of"),
                         "read": shared.setdefault(read, read)}
    return rows, stale
