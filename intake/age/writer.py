"""Encryption: header for the recipients, header MAC, then the STREAM payload.

Only public keys are needed here; the web intake imports this and never decrypt.py.
"""

from .armor import ArmoredWriter
from .errors import RecipientMixError
from .format import header_with_mac, header_without_mac
from .primitives import header_mac, new_file_key
from .recipients import Recipient, ScryptRecipient
from .stream import PayloadWriter


def check_recipients(recipients: list[Recipient]) -> None:
    """Refuse combinations that would weaken the file.

    Mixing post-quantum and classic recipients would let a future quantum adversary read the
    file through the classic stanza; a passphrase must be alone by the spec.
    """
    if not recipients:
        raise ValueError("no recipients")
    if any(isinstance(r, ScryptRecipient) for r in recipients):
        if len(recipients) != 1:
            raise RecipientMixError("a passphrase cannot be combined with other recipients")
        return
    if len({r.post_quantum for r in recipients}) > 1:
        raise RecipientMixError(
            "refusing to mix post-quantum (age1pq1…) and classic (age1…) recipients: "
            "the classic ones would make the file breakable by a quantum computer"
        )


class AgeWriter:
    """A write-only file object producing an age file. close() finishes it.

    Used as a context manager, an exception inside the block leaves the output unfinished
    (no final chunk), so a failed write can never pass for a complete, shorter file.
    """

    def __init__(self, recipients: list[Recipient], dst, *, armor: bool = False, _file_key=None, _nonce=None):
        check_recipients(recipients)
        file_key = _file_key if _file_key is not None else new_file_key()
        self._armor = ArmoredWriter(dst) if armor else None
        out = self._armor or dst
        stanzas = [s for r in recipients for s in r.wrap(file_key)]
        mac_input = header_without_mac(stanzas)
        out.write(header_with_mac(mac_input, header_mac(file_key, mac_input)))
        self._payload = PayloadWriter(out, file_key, _nonce=_nonce)
        self.write = self._payload.write  # no extra call layer on the hot path
        self.closed = False

    def write(self, data) -> int:  # replaced per instance in __init__
        return self._payload.write(data)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if not self.closed:
            self._payload.close()
            if self._armor:
                self._armor.close()
            self.closed = True

    def __enter__(self) -> "AgeWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()


def encrypt(recipients: list[Recipient], dst, *, armor: bool = False) -> AgeWriter:
    """Start an age file for `recipients` on the binary file object `dst`."""
    return AgeWriter(list(recipients), dst, armor=armor)


def encrypt_bytes(recipients: list[Recipient], plaintext: bytes, *, armor: bool = False) -> bytes:
    import io

    out = io.BytesIO()
    with encrypt(recipients, out, armor=armor) as writer:
        writer.write(plaintext)
    return out.getvalue()
