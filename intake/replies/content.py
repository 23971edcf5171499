"""The plaintext of a mailbox file: the case's public status and the organisation's messages.

    {"schema": "intake.mailbox/1",
     "status": "needs-info" | … | null,         # PUBLIC_STATUSES, what the source may see
     "messages": [{"date": "2026-12-07", "text": "…"}, …]}   # oldest first, at most MAX_MESSAGES

Nothing else: no case id, no staff name, no time finer than the day. The JSON is padded with
spaces to its Padmé size (intake/padding.py) before it is encrypted, as submissions are, so a
file's size says little about how much was written. The reader (the web's messages page) is
strict: the file comes from the server's disk, which an attacker may have written.
"""

import datetime
import json
from dataclasses import dataclass

from ..padding import padme

SCHEMA = "intake.mailbox/1"
# What a source may be told. The web shows each in the source's language (templates/messages.html).
PUBLIC_STATUSES = ("received", "under-review", "needs-info", "sent-to-un", "closed")
MAX_MESSAGES = 20
MAX_TEXT = 10_000  # characters of one message
MAX_PLAINTEXT = 512 * 1024  # bytes: far above MAX_MESSAGES × MAX_TEXT in UTF-8, padded


class MailboxFormatError(ValueError):
    """A mailbox plaintext that is not what the desk writes."""


@dataclass(frozen=True)
class Message:
    date: str  # YYYY-MM-DD
    text: str


@dataclass(frozen=True)
class MailboxContent:
    status: str | None
    messages: tuple[Message, ...]


def check_text(text: str) -> str:
    """A message as the desk may send it: the reason it may not, as MailboxFormatError."""
    if not text.strip():
        raise MailboxFormatError("the message is empty")
    if len(text) > MAX_TEXT:
        raise MailboxFormatError(f"the message is longer than {MAX_TEXT} characters")
    if any(ord(c) < 32 and c not in "\n\t" or 0xD800 <= ord(c) <= 0xDFFF or ord(c) == 0x7F for c in text):
        raise MailboxFormatError("the message holds control characters")
    return text


def _check_date(value) -> str:
    if type(value) is not str or len(value) != 10:
        raise MailboxFormatError("a message date is not YYYY-MM-DD")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise MailboxFormatError("a message date is not YYYY-MM-DD") from None
    return value


def encode(content: MailboxContent) -> bytes:
    """The padded plaintext of a mailbox file (the desk writes it)."""
    if content.status is not None and content.status not in PUBLIC_STATUSES:
        raise MailboxFormatError(f"unknown public status {content.status!r}")
    if len(content.messages) > MAX_MESSAGES:
        raise MailboxFormatError(f"more than {MAX_MESSAGES} messages in one mailbox")
    data = json.dumps({"schema": SCHEMA, "status": content.status,
                       "messages": [{"date": _check_date(m.date), "text": check_text(m.text)} for m in content.messages]},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(data) > MAX_PLAINTEXT:
        raise MailboxFormatError("the mailbox is too large")
    return data + b" " * (padme(len(data)) - len(data))


def decode(data: bytes) -> MailboxContent:
    """The content of a decrypted mailbox file; MailboxFormatError for anything else."""
    if len(data) > MAX_PLAINTEXT * 2:
        raise MailboxFormatError("the mailbox is too large")
    try:
        doc = json.loads(data.decode("utf-8").rstrip(" "))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MailboxFormatError("the mailbox is not JSON") from None
    if type(doc) is not dict or set(doc) != {"schema", "status", "messages"} or doc["schema"] != SCHEMA:
        raise MailboxFormatError("the mailbox has unexpected fields")
    status, messages = doc["status"], doc["messages"]
    if status is not None and status not in PUBLIC_STATUSES:
        raise MailboxFormatError("the mailbox has an unknown status")
    if type(messages) is not list or len(messages) > MAX_MESSAGES:
        raise MailboxFormatError("the mailbox's messages are not a list of at most %d" % MAX_MESSAGES)
    out = []
    for m in messages:
        if type(m) is not dict or set(m) != {"date", "text"} or type(m["text"]) is not str:
            raise MailboxFormatError("a message has unexpected fields")
        out.append(Message(_check_date(m["date"]), check_text(m["text"])))
    return MailboxContent(status, tuple(out))
