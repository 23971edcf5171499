"""One exception class per kind of failure.

Callers branch on the class, never on the message. Messages name what went wrong and where
(a line number, a stanza type), never key material, passphrases or plaintext.
"""


class AgeError(Exception):
    """Base class of every error raised by intake.age."""


class HeaderError(AgeError):
    """The header is malformed, not canonical, or uses an unsupported version."""


class HMACError(AgeError):
    """The header MAC does not verify: the header was changed after encryption."""


class NoIdentityMatchError(AgeError):
    """None of the given identities (or passphrases) opens this file."""

    def __init__(self, message: str, stanza_types: tuple[str, ...] = ()):
        super().__init__(message)
        self.stanza_types = stanza_types


class PayloadError(AgeError):
    """The payload is truncated, corrupted, or has data after its final chunk."""


class ArmorError(AgeError):
    """The ASCII armor is malformed."""


class KeyFormatError(AgeError):
    """A recipient or identity string (or a file of them) cannot be parsed."""


class UnsupportedRecipientError(KeyFormatError):
    """A well-formed key of a type this implementation does not support (e.g. a plugin)."""


class RecipientMixError(AgeError):
    """Encryption to a mix of post-quantum and classic recipients was refused."""
