"""Replies to the source of a case, and the status the source may see (intake/replies).

A case's replies live in its state (`Case.replies`, encrypted in the vault like every decision):

    {"mailbox": "<mailbox id>",            # derived from the code, kept to match collect's listing
     "status": {"value": "needs-info", "set": "<time>", …},   # the public status, if staff set one
     "messages": [{"id": "R1", "written": "<time>", "text": "…", …}],
     "sent": [{"batch": "<batch id>", "exported": "<day>", "delivered": "<server day>" | null}, …],
     "answered": "<time>" | null}          # the latest follow-up received after a message

The status and each message go through the same steps, kept on them as `"batches"` (the
batches that carried it), `"exported"` (the day of the latest), `"delivered"` (the server's day
a batch that carried it was placed, from its delivery note), `"read"` (the source deleted the
mailbox after that) and `"expired"` (the server's retention removed it, perhaps unread). Only a
collect listing that holds the delivery note of a batch tells the desk anything about it
(note_listing): a listing made before the batch was placed, or a batch left half-placed, says
nothing. A mailbox is sent again only while something in it is unread: what the source deleted
stays deleted until staff write again or change the status.

All of a source's cases share one mailbox: a report's code is its receipt, a follow-up's the
receipt it quotes. Replies and the status are kept on the case staff name; the batch gathers
them per mailbox.
"""

import datetime
from dataclasses import dataclass

from .. import age
from ..replies import content
from ..replies.batch import Entry, new_batch_id
from ..replies.mailbox import code_symbols, derive, is_mailbox_id
from .errors import DeskError
from .state import Case, VaultState, timestamp

_EMPTY: dict = {}


def mailbox_code(case: Case) -> str | None:
    """The receipt code whose mailbox reaches this case's source."""
    code = case.report.get("follow_up_of") if case.report.get("kind") == "follow-up" else case.receipt
    return code if code and code_symbols(code) else None


def _mailbox_id(case: Case) -> str:
    stored = case.replies.get("mailbox")
    if isinstance(stored, str) and is_mailbox_id(stored):
        return stored
    code = mailbox_code(case)
    mailbox = derive(code) if code else None
    if mailbox is None:
        raise DeskError(f"case {case.id} has no receipt code to reply to")
    case.replies["mailbox"] = mailbox.id
    return mailbox.id


def _messages(case: Case) -> list[dict]:
    return case.replies.setdefault("messages", [])


def add_reply(state: VaultState, case: Case, text: str, now: datetime.datetime) -> str:
    """Keep a reply for the next batch; returns its id (R1, R2, … per case)."""
    try:
        content.check_text(text)
    except content.MailboxFormatError as exc:
        raise DeskError(f"the reply cannot be sent: {exc}") from None
    _mailbox_id(case)
    waiting = [m for m in _messages(case) if not (m.get("read") or m.get("expired"))]
    if len(waiting) >= content.MAX_MESSAGES:
        raise DeskError(f"case {case.id} has {len(waiting)} replies its source has not read yet; that is the most one mailbox holds",
                        hint="wait until the source has read them (collect reports it)")
    reply_id = f"R{len(_messages(case)) + 1}"
    _messages(case).append({"id": reply_id, "written": timestamp(now), "text": text, "delivered": None, "read": None,
                            "expired": None})
    state.record(case.id, "reply", {"reply": [None, reply_id]})
    return reply_id


def set_public_status(state: VaultState, case: Case, status: str, now: datetime.datetime) -> list:
    if status not in content.PUBLIC_STATUSES:
        raise DeskError(f"unknown public status {status!r}", hint="one of: " + ", ".join(content.PUBLIC_STATUSES))
    _mailbox_id(case)
    old = (case.replies.get("status") or {}).get("value")
    if old == status:
        return []
    case.replies["status"] = {"value": status, "set": timestamp(now)}
    state.record(case.id, "public status", {"public_status": [old, status]})
    return [old, status]


def _done(item: dict) -> bool:
    return bool(item.get("read") or item.get("expired"))


def _delivered(item: dict) -> str | None:
    """The server's day the item was confirmed placed. A record kept before the desk learnt of
    delivery notes has none: its "delivered" was the day of the export."""
    return item.get("delivered") if "batches" in item else None


def summary(case: Case) -> dict | None:
    """What `list` and `replies list` show: the public status and where the replies stand."""
    replies = case.replies or _EMPTY
    messages = replies.get("messages", [])
    if not messages and not replies.get("status"):
        return None
    latest = max((m["written"] for m in messages), default="")
    return {
        "public_status": (replies.get("status") or {}).get("value"),
        "replies": len(messages),
        "not_delivered": sum(1 for m in messages if not _delivered(m) and not _done(m)),
        "delivered_unread": sum(1 for m in messages if _delivered(m) and not _done(m)),
        "read": sum(1 for m in messages if m.get("read")),
        "expired": sum(1 for m in messages if m.get("expired")),
        # A question staff asked that no follow-up has come in for since.
        "awaiting_answer": bool(messages) and (replies.get("answered") or "") < latest,
    }


def record_answer(case: Case, received: str) -> None:
    """A follow-up linked to this case answers the replies written before it arrived."""
    if case.replies.get("messages") and received > (case.replies.get("answered") or ""):
        case.replies["answered"] = received


_KEEP_BATCHES = 20  # the batches remembered per case and per item: enough for any late stick


@dataclass
class Batch:
    id: str
    entries: list[Entry]
    mailboxes: int
    messages: int
    cases: list[str]


def _seal(mailbox_code_text: str, plaintext: bytes) -> tuple[str, bytes]:
    mailbox = derive(mailbox_code_text)
    assert mailbox is not None  # the cases gathered have a valid code
    return mailbox.id, age.encrypt_bytes([mailbox.recipient], plaintext)


def _carried(item: dict, batch_id: str, day: str) -> None:
    if "batches" not in item:  # kept before delivery notes: its "delivered" was the export day
        item["delivered"] = None
    item["batches"] = (item.get("batches", []) + [batch_id])[-_KEEP_BATCHES:]
    item["exported"] = day


def build_batch(state: VaultState, cases: list[Case], now: datetime.datetime) -> Batch:
    """The mailbox files for `cases`: one for each mailbox holding a reply or a status its
    source has not read, with the latest public status and every reply not yet read. Records
    on each what it carried; whether it arrived is known only from the server (note_listing)."""
    day = now.astimezone(datetime.timezone.utc).date().isoformat()
    batch_id = new_batch_id()
    by_mailbox: dict[str, list[Case]] = {}
    for case in cases:
        if summary(case) is not None:
            by_mailbox.setdefault(_mailbox_id(case), []).append(case)
    entries, total, included = [], 0, []
    for mailbox_id, sharing in sorted(by_mailbox.items()):
        unread = sorted(((m["written"], case.id, m) for case in sharing for m in case.replies.get("messages", [])
                         if not _done(m)), key=lambda t: (t[0], t[1]))
        statuses = [case.replies["status"] for case in sharing if case.replies.get("status")]
        new_statuses = [s for s in statuses if not _done(s)]
        if not unread and not new_statuses:
            continue  # all read (the source deleted them) or expired: a deletion stays a deletion
        status = max(statuses, key=lambda s: s["set"])["value"] if statuses else None
        # The oldest unread wait for the next batch if several cases together hold more than
        # one mailbox takes (each case alone is capped by add_reply).
        unread = unread[-content.MAX_MESSAGES:]
        plaintext = content.encode(content.MailboxContent(status, tuple(
            content.Message(written[:10], m["text"]) for written, _, m in unread)))
        sealed_id, data = _seal(mailbox_code(sharing[0]) or "", plaintext)
        if sealed_id != mailbox_id:
            raise DeskError(f"case {sharing[0].id}: its stored mailbox does not match its receipt code")
        entries.append(Entry(mailbox_id, data))
        for item in [m for _, _, m in unread] + new_statuses:
            _carried(item, batch_id, day)
        for case in sharing:
            sent = case.replies.setdefault("sent", [])
            sent[:] = (sent + [{"batch": batch_id, "exported": day, "delivered": None}])[-_KEEP_BATCHES:]
            included.append(case.id)
            state.record(case.id, "replies export", {"exported": [None, day]},
                         f"{sum(1 for _, cid, _ in unread if cid == case.id)} reply(ies), status {status}")
        total += len(unread)
    return Batch(batch_id, entries, len(entries), total, included)


def _latest_placed(sent: list[dict]) -> dict | None:
    """The batch whose mailbox file the server holds (or last held): the one placed last."""
    placed = [(row["delivered"], n, row) for n, row in enumerate(sent) if row.get("delivered")]
    return max(placed, key=lambda t: t[:2])[2] if placed else None


def note_listing(state: VaultState, cases: list[Case], listing: dict, now: datetime.datetime) -> dict:
    """What a collect listing (replies/listing.py, already parsed) says about the replies: the
    batches whose delivery notes it holds were placed; a mailbox missing from it, when the
    latest batch placed for it is among those notes, was deleted by its source (read) or, from
    the server's retention period after that day, perhaps expired unread. A listing made before
    a batch was placed says nothing about it. Returns the counts of replies found delivered, read
and expired."""
    notes = {row["batch"]: row["day"] for row in listing["delivered"]}
    present = {row["id"] for row in listing["mailboxes"]}
    listed_day, days = listing["day"], listing["retention_days"]
    counts = {"delivered": 0, "read": 0, "expired": 0}
    for case in cases:
        sent = case.replies.get("sent", [])
        confirmed = [row for row in sent if row["batch"] in notes and (row.get("delivered") or "") < notes[row["batch"]]]
        for row in confirmed:
            row["delivered"] = notes[row["batch"]]  # placed again later: the later day counts
        status = case.replies.get("status")
        items = [(m["id"], m) for m in case.replies.get("messages", [])] + ([("status", status)] if status else [])
        for label, item in items:
            placed = [notes[b] for b in item.get("batches", []) if b in notes]
            if placed and not _delivered(item) and not _done(item):
                item["delivered"] = min(placed)
                counts["delivered"] += label != "status"
        if confirmed:
            state.record(case.id, "replies delivered", {"delivered": [None, confirmed[-1]["delivered"]]},
                         f"delivery note in the server's listing of {listed_day}")
        latest = _latest_placed(sent)
        if latest is None or case.replies.get("mailbox") in present:
            continue
        expires = (datetime.date.fromisoformat(latest["delivered"]) + datetime.timedelta(days=days)).isoformat()
        if latest["batch"] in notes:
            kind = "expired" if listed_day >= expires else "read"
        elif listed_day >= expires:
            kind = "expired"  # its note went with the mailbox, at the end of the retention period
        else:
            continue  # a listing made before that batch was placed: it says nothing
        for label, item in items:
            if _done(item) or latest["batch"] not in item.get("batches", []):
                continue
            item[kind] = listed_day
            counts[kind] += label != "status"
            state.record(case.id, ("public status " if label == "status" else "reply ") + kind, {label: [None, kind]},
                         f"mailbox gone from the server's listing of {listed_day}")
    return counts
