"""What the web's messages page does with a code the source typed: read, or delete, its mailbox.

The only decryption the web process ever does, with the one key it may hold: the identity a
code derives, in memory, for this request. It loads no identity file and parses no identity
string (intake.age.identities and keyfile stay unimportable there: intake/web/wsgi.py).
A wrong code, a code without messages and a file that does not open all read as "no messages",
so the page cannot tell a guesser which codes exist.
"""

import io

from ..age.errors import AgeError
from ..age.reader import decrypt
from ..store import Store
from . import store as replies_store
from .content import MailboxContent, MailboxFormatError, decode
from .mailbox import Mailbox, derive


def _content(store: Store, mailbox: Mailbox) -> MailboxContent | None:
    data = replies_store.read_file(store, mailbox.id)
    if data is None:
        return None
    try:
        return decode(decrypt([mailbox.identity], io.BytesIO(data)).read())
    except (AgeError, MailboxFormatError):
        return None


def read_mailbox(store: Store, typed_code: str) -> MailboxContent | None:
    """The status and messages for a typed receipt code, or None."""
    mailbox = derive(typed_code)
    return None if mailbox is None else _content(store, mailbox)


def delete_mailbox(store: Store, typed_code: str) -> bool:
    """Delete the mailbox of a typed code once it opens with that code; whether one was deleted."""
    mailbox = derive(typed_code)
    if mailbox is None or _content(store, mailbox) is None:
        return False
    return replies_store.delete(store, mailbox.id)
