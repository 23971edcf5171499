"""Response headers, cookie policy and logging that reveals nothing about reporters."""

import logging
import sys
import traceback

CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
}
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"  # no time, no address, no request line


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers[name] = value
    if response.headers.get("Content-Type", "").startswith("text/css"):
        response.headers["Cache-Control"] = "public, max-age=3600"  # not personal; saves Tor round trips
        response.headers.pop("Pragma", None)
    response.headers.pop("Server", None)
    return response


def configure_logging(app) -> None:
    """App and Werkzeug logs without times, addresses, user agents or request lines."""
    from .logs import RedactingFilter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    app.logger.handlers[:] = [handler]
    app.logger.propagate = False
    app.logger.setLevel(logging.INFO)
    # Werkzeug's request log line carries the client address: silence it entirely.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("werkzeug").handlers[:] = [handler]
    logging.getLogger("werkzeug").propagate = False


def describe_exception(exc: BaseException) -> str:
    """Type and code locations of an exception, never its message or local values.

    Messages can carry user input (a decoding error quotes bytes, a ValueError the value).
    """
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames[-6:]))
    return f"{type(exc).__module__}.{type(exc).__qualname__} at {where}"
