"""Encryption: header for the recipients, header MAC, then the STREAM payload.

Only public keys are needed here; the web intake imports this and never decrypt.py.
"""

from collections.abc import Callable, Iterable, Sequence
from types import TracebackType

from .armor import ArmoredWriter
from .errors import RecipientMixError
from .format import header_with_mac, header_without_mac
from .iotypes import Buffer, ReadableInto, Writable
from .primitives import header_mac, new_file_key
from .recipients import Recipient, ScryptRecipient
from .stream import PayloadWriter


def check_recipients(recipients: Sequence[Recipient]) -> None:
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

    # Encrypt `data` (any bytes-like object); returns len(data). An instance attribute bound
    # to the payload writer's method in __init__: no extra call layer on the hot path.
    write: Callable[[Buffer], int]

    def __init__(self, recipients: list[Recipient], dst: Writable, *, armor: bool = False,
                 _file_key: bytes | None = None, _nonce: bytes | None = None):
        check_recipients(recipients)
        file_key = _file_key if _file_key is not None else new_file_key()
        self._armor = ArmoredWriter(dst) if armor else None
        out: Writable = self._armor or dst
        stanzas = [s for r in recipients for s in r.wrap(file_key)]
        mac_input = header_without_mac(stanzas)
        out.write(header_with_mac(mac_input, header_mac(file_key, mac_input)))
        self._payload = PayloadWriter(out, file_key, _nonce=_nonce)
        self.write = self._payload.write
        self.closed = False

    def read_from(self, src: ReadableInto) -> int:
        """Encrypt all of `src` (up to its end) on a few threads; return the bytes read.

        The fast way to encrypt a whole stream (intake encrypt uses it): the same output as
        write()-ing everything src.readinto() returns. close() still has to follow.
        """
        return self._payload.read_from(src)

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

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()


def encrypt(recipients: Iterable[Recipient], dst: Writable, *, armor: bool = False) -> AgeWriter:
    """Start an age file for `recipients` on the binary file object `dst`."""
    return AgeWriter(list(recipients), dst, armor=armor)


def encrypt_bytes(recipients: Iterable[Recipient], plaintext: Buffer, *, armor: bool = False) -> bytes:
    import io

    out = io.BytesIO()
    with encrypt(recipients, out, armor=armor) as writer:
        writer.write(plaintext)
    return out.getvalue()
