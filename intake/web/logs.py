"""Log hygiene for the web process, applied to every logger including gunicorn's.

Format without time stamps; a filter that removes IP addresses from any message (gunicorn
puts the client address into its "Invalid request" warning) and replaces exception text with
the exception's type and code location (describe_exception, used wherever an error is logged).
"""

import logging
import re
import sys
import traceback

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"  # no time, no address, no request line

_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])")
_IP_FIELD = re.compile(r"\bip=\S*")


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not leak its arguments either
            message = str(record.msg)
        message = _IP_FIELD.sub("ip=(withheld)", message)
        message = _IPV6.sub("(address withheld)", _IPV4.sub("(address withheld)", message))
        if record.exc_info and record.exc_info[1] is not None:
            message += " | " + describe_exception(record.exc_info[1])
        record.msg, record.args = message, None
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def logging_config(level: str = "INFO") -> dict:
    """A dictConfig for gunicorn's `logconfig_dict`: no access log, redacted error log."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactingFilter}},
        "formatters": {"plain": {"format": LOG_FORMAT}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"], "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
            "intake.web": {"level": level, "handlers": ["stderr"], "propagate": False},
        },
        "root": {"level": "WARNING", "handlers": ["stderr"]},
    }


def configure_logging(app) -> None:
    """App and Werkzeug logs without times, addresses, user agents or request lines."""
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
