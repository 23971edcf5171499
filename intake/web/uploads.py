"""Streaming uploads: every file part goes straight into this request's encrypted envelope.

Werkzeug's default spools parts over 500 KB to a plaintext temporary file; this request class
replaces that hook, so uploaded bytes exist only in memory (one part buffer at a time) and as
ciphertext in DATA_DIR/tmp/.

File names with a line break are refused (BadFileName), never cleaned up: in the part's
Content-Disposition a raw CR or LF ends the header, so Werkzeug loses the name and turns the
file into a text field that nothing reads, and the report would be stored without the file.
A name encoded as `filename*=` arrives decoded, line breaks included: refused the same way,
so both spellings get the same clear page.
"""

from flask import Request, abort, current_app, g, request

from ..envelope import Envelope

FILE_FIELD = "attachments"  # the name of the forms' file inputs (templates/_fields.html)


class BadFileName(Exception):
    """A file name with a line break: the reporter must rename the file and send it again."""


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


def check_file_parts() -> None:
    """before_request, after the CSRF check has parsed the body.

    Browsers always send a file input as a file part (with `filename=""` when no file was
    chosen); arriving as a text part, its file name was cut by a line break and the file lost.
    """
    if request.method == "POST" and FILE_FIELD in request.form:
        raise BadFileName()


class StreamingRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        if filename and ("\r" in filename or "\n" in filename):
            raise BadFileName()  # not a ValueError: Werkzeug's parser would silently swallow that
        if self.endpoint == "intake.messages":
            abort(400)  # the messages page takes no file: nothing of one is encrypted or kept
        return pending_envelope().attachment_sink(filename or "", content_type or "")
