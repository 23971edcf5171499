"""Error pages: every failure gets a calm page that says whether anything was stored."""

from flask import current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..envelope import TooManyAttachments
from .limits import Limited
from .security import describe_exception


class NotSaved(HTTPException):
    """503: the submission could not be stored (disk full, data dir unwritable)."""

    code = 503
    description = "not saved"


def _page(status: int, kind: str, **context):
    return render_template("error.html", status=status, kind=kind, **context), status


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _page(400, "expired")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        return _page(413, "too_large")

    @app.errorhandler(TooManyAttachments)
    def too_many_files(exc):
        return _page(413, "too_many_files")

    @app.errorhandler(Limited)
    def limited(exc):
        body, status = _page(429, "limited", minutes=exc.minutes)
        return body, status, {"Retry-After": str(exc.minutes * 60)}

    @app.errorhandler(OSError)
    def storage_failed(exc):
        current_app.logger.error("storage failure: %s", describe_exception(exc))
        return _page(503, "not_saved")

    @app.errorhandler(NotSaved)
    def not_saved(exc):
        return _page(503, "not_saved")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        status = exc.code or 500
        kind = {404: "not_found", 405: "bad_request", 413: "too_large"}.get(status, "bad_request" if status < 500 else "not_saved")
        return _page(status, kind)

    @app.errorhandler(Exception)
    def unexpected(exc):
        current_app.logger.error("unexpected error: %s", describe_exception(exc))
        return _page(500, "not_saved")
