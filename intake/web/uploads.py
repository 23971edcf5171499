"""Streaming uploads: every file part goes straight into this request's encrypted envelope.

Werkzeug's default spools parts over 500 KB to a plaintext temporary file; this request class
replaces that hook, so uploaded bytes exist only in memory (one part buffer at a time) and as
ciphertext in DATA_DIR/tmp/.
"""

from flask import Request, current_app, g

from ..envelope import Envelope


def pending_envelope() -> Envelope:
    """This request's envelope, created on first use."""
    envelope = g.get("envelope")
    if envelope is None:
        state = current_app.extensions["intake"]
        envelope = Envelope(state.recipients, state.store.tmp, max_attachments=current_app.config["INTAKE_MAX_ATTACHMENTS"])
        g.envelope = envelope
    return envelope


def discard_pending(_exc=None) -> None:
    """Teardown: whatever failed (CSRF, validation, disconnect, disk), drop unsealed ciphertext."""
    envelope = g.pop("envelope", None)
    if envelope is not None:
        envelope.discard()


class StreamingRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return pending_envelope().attachment_sink(filename or "", content_type or "")
