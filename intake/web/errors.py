"""Error pages: every failure gets a calm page that says whether anything was stored."""

from flask import current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..envelope import TooManyAttachments
from .limits import Limited, LookupsLimited
from .logs import describe_exception
from .uploads import BadFileName


class NotSaved(HTTPException):
    """503: the submission could not be stored (disk full, data dir unwritable)."""

    code = 503
    description = "not saved"


def _page(status: int, kind: str, **context):
    return render_template("error.html", status=status, kind=kind, **context), status


# Exceptions whose page differs from what their HTTP status alone would give.
_KINDS = {CSRFError: (400, "expired"), TooManyAttachments: (413, "too_many_files"), BadFileName: (400, "bad_file_name")}
_KINDS_BY_STATUS = {404: "not_found", 405: "bad_request", 413: "too_large"}


def init_app(app) -> None:
    def known(exc):
        status, kind = _KINDS[type(exc)]
        return _page(status, kind)

    for exception in _KINDS:
        app.register_error_handler(exception, known)

    @app.errorhandler(Limited)
    def limited(exc):
        body, status = _page(429, "lookups_limited" if isinstance(exc, LookupsLimited) else "limited", minutes=exc.minutes)
        return body, status, {"Retry-After": str(exc.minutes * 60)}

    @app.errorhandler(OSError)
    def storage_failed(exc):
        current_app.logger.error("storage failure: %s", describe_exception(exc))
        return _page(503, "not_saved")

    @app.errorhandler(HTTPException)
    def http_error(exc):  # 413 (too large) and NotSaved (503) included
        status = exc.code or 500
        return _page(status, _KINDS_BY_STATUS.get(status, "bad_request" if status < 500 else "not_saved"))

    @app.errorhandler(Exception)
    def unexpected(exc):
        current_app.logger.error("unexpected error: %s", describe_exception(exc))
        return _page(500, "not_saved")
