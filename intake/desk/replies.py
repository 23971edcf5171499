"""Replies to the source of a case, and the status the source may see (intake/replies).

A case's replies live in its state (`Case.replies`, encrypted in the vault like every decision):

    {"mailbox": "<mailbox id>",                 # derived from the code, kept to match collect's listing
     "status": {"value": "needs-info", "set": "<time>"},       # the public status, if staff set one
     "messages": [{"id": "R1", "written": "<time>", "text": "…",
                   "delivered": "<day>" | null,  # in a batch made that day (sent again until read)
                   "read": "<day>" | null,       # the source deleted the mailbox (collect saw it gone)
                   "expired": "<day>" | null}],  # removed by the server's retention, unread
     "answered": "<time>" | null}                # the latest follow-up received after a message

All of a source's cases share one mailbox: a report's code is its receipt, a follow-up's the
receipt it quotes. Replies and the status are kept on the case staff name; the batch gathers
them per mailbox.
"""

import datetime
from dataclasses import dataclass

from .. import age
from ..replies import content
from ..replies.batch import Entry
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
        "not_delivered": sum(1 for m in messages if not m.get("delivered") and not m.get("read")),
        "delivered_unread": sum(1 for m in messages if m.get("delivered") and not m.get("read") and not m.get("expired")),
        "read": sum(1 for m in messages if m.get("read")),
        "expired": sum(1 for m in messages if m.get("expired")),
        # A question staff asked that no follow-up has come in for since.
        "awaiting_answer": bool(messages) and (replies.get("answered") or "") < latest,
    }


def record_answer(case: Case, received: str) -> None:
    """A follow-up linked to this case answers the replies written before it arrived."""
    if case.replies.get("messages") and received > (case.replies.get("answered") or ""):
        case.replies["answered"] = received


@dataclass
class Batch:
    entries: list[Entry]
    mailboxes: int
    messages: int
    cases: list[str]


def _seal(mailbox_code_text: str, plaintext: bytes) -> tuple[str, bytes]:
    mailbox = derive(mailbox_code_text)
    assert mailbox is not None  # the cases gathered have a valid code
    return mailbox.id, age.encrypt_bytes([mailbox.recipient], plaintext)


def build_batch(state: VaultState, cases: list[Case], now: datetime.datetime) -> Batch:
    """The mailbox files for `cases` (those with replies or a public status): each holds the
    latest public status and every reply not yet read. Marks what it holds as delivered today."""
    day = now.astimezone(datetime.timezone.utc).date().isoformat()
    by_mailbox: dict[str, list[Case]] = {}
    for case in cases:
        if summary(case) is not None:
            by_mailbox.setdefault(_mailbox_id(case), []).append(case)
    entries, total, included = [], 0, []
    for mailbox_id, sharing in sorted(by_mailbox.items()):
        unread = sorted(((m["written"], case.id, m) for case in sharing for m in case.replies.get("messages", [])
                         if not m.get("read") and not m.get("expired")), key=lambda t: (t[0], t[1]))
        statuses = sorted((case.replies["status"]["set"], case.replies["status"]["value"]) for case in sharing
                          if case.replies.get("status"))
        status = statuses[-1][1] if statuses else None
        if not unread and status is None:
            continue
        # The oldest unread wait for the next batch if several cases together hold more than
        # one mailbox takes (each case alone is capped by add_reply).
        unread = unread[-content.MAX_MESSAGES:]
        plaintext = content.encode(content.MailboxContent(status, tuple(
            content.Message(written[:10], m["text"]) for written, _, m in unread)))
        sealed_id, data = _seal(mailbox_code(sharing[0]) or "", plaintext)
        if sealed_id != mailbox_id:
            raise DeskError(f"case {sharing[0].id}: its stored mailbox does not match its receipt code")
        entries.append(Entry(mailbox_id, data))
        for _, _, m in unread:
            m["delivered"] = day
        for case in sharing:
            included.append(case.id)
            state.record(case.id, "replies export", {"delivered": [None, day]},
                         f"{sum(1 for _, cid, _ in unread if cid == case.id)} reply(ies), status {status}")
        total += len(unread)
    return Batch(entries, len(entries), total, included)


def note_listing(state: VaultState, cases: list[Case], listing: dict, now: datetime.datetime) -> dict:
    """What a collect listing (replies/listing.py, already parsed) says about the replies
    delivered: a mailbox that is gone was deleted by its source (read), or, once older than the
    server's retention, may have expired unread. Returns the counts."""
    present = {row["id"]: row["day"] for row in listing["mailboxes"]}
    listed_day, days = listing["day"], listing["retention_days"]
    counts = {"read": 0, "expired": 0}
    for case in cases:
        mailbox_id = case.replies.get("mailbox")
        for m in case.replies.get("messages", []):
            delivered = m.get("delivered")
            if not delivered or m.get("read") or m.get("expired") or delivered > listed_day or mailbox_id in present:
                continue
            expires = (datetime.date.fromisoformat(delivered) + datetime.timedelta(days=days)).isoformat()
            kind = "expired" if listed_day >= expires else "read"
            m[kind] = listed_day
            counts[kind] += 1
            state.record(case.id, "reply " + kind, {m["id"]: [None, kind]},
                         f"mailbox gone from the server's listing of {listed_day}")
    return counts
