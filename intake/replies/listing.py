"""The listing `collect` takes from the server: which mailboxes are still there, and which
batches were placed.

    DEST/replies-present.json  {"schema": "intake.replies-present/2", "day": "2026-12-07",
                                "retention_days": 30,
                                "mailboxes": [{"id": "…", "day": "…"}, …],
                                "delivered": [{"batch": "<batch id>", "day": "…"}, …]}

The server records no "read": a source who has read their messages deletes them, and the
mailbox is gone. The desk (`intake replies seen`) takes a mailbox missing from a listing for
read only when the same listing holds the delivery note of a batch that carried it (the batch
reached the server before the listing was made); gone after the retention period counted from
that delivery day means perhaps expired unread. Only mailbox ids, batch ids and days: nothing
here names a case. A listing of the first schema (no notes) confirms nothing.
"""

import datetime
import json

from .batch import is_batch_id
from .mailbox import is_mailbox_id

SCHEMA = "intake.replies-present/2"
_FIRST_SCHEMA = "intake.replies-present/1"
NAME = "replies-present.json"
MAX_SIZE = 8 << 20


def listing_bytes(mailboxes: list[dict], delivered: list[dict], retention_days: int,
                  today: datetime.date | None = None) -> bytes:
    day = (today or datetime.datetime.now(datetime.timezone.utc).date()).isoformat()
    return json.dumps({"schema": SCHEMA, "day": day, "retention_days": retention_days, "mailboxes": mailboxes,
                       "delivered": delivered}, indent=1).encode() + b"\n"


def _is_day(value) -> bool:
    try:
        return type(value) is str and len(value) == 10 and datetime.date.fromisoformat(value) is not None
    except ValueError:
        return False


def parse_listing(data: bytes) -> dict:
    """A listing as collect writes it; ValueError (one line) for anything else."""
    if len(data) > MAX_SIZE:
        raise ValueError("the listing is too large")
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError("the listing is not JSON") from None
    if type(doc) is dict and doc.get("schema") == _FIRST_SCHEMA and "delivered" not in doc:
        doc = doc | {"schema": SCHEMA, "delivered": []}
    if not (type(doc) is dict and set(doc) == {"schema", "day", "retention_days", "mailboxes", "delivered"}
            and doc["schema"] == SCHEMA and _is_day(doc["day"]) and type(doc["retention_days"]) is int
            and doc["retention_days"] >= 1 and type(doc["mailboxes"]) is list and type(doc["delivered"]) is list):
        raise ValueError(f"not an {SCHEMA} listing as collect writes it")
    for row in doc["mailboxes"]:
        if not (type(row) is dict and set(row) == {"id", "day"} and type(row["id"]) is str and is_mailbox_id(row["id"])
                and _is_day(row["day"])):
            raise ValueError("the listing has an entry that is not a mailbox id and a day")
    for row in doc["delivered"]:
        if not (type(row) is dict and set(row) == {"batch", "day"} and is_batch_id(row["batch"]) and _is_day(row["day"])):
            raise ValueError("the listing has a delivery note that is not a batch id and a day")
    return doc
