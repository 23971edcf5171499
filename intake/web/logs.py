"""Log hygiene for the web process, applied to every logger including gunicorn's.

Format without time stamps; a filter that removes IP addresses from any message (gunicorn
puts the client address into its "Invalid request" warning) and replaces exception text with
the exception's type and code location.
"""

import logging
import re

from .security import LOG_FORMAT, describe_exception

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
