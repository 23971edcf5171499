"""gunicorn settings for the intake, used by the Procfile and by `intake serve`.

    gunicorn -c python:intake.web.gunicorn_conf intake.web.wsgi:app

Threads, not sync workers: a report with photos can take many minutes to upload over Tor, and
a sync worker would be blocked by one slow client. Each thread holds one request's envelope
(one part buffer at a time), so memory stays flat in the upload size.
"""

import os
import sys

import gunicorn.glogging
import gunicorn.http.errors
import gunicorn.http.wsgi

from .logs import logging_config

# No "Server: gunicorn" banner: it helps fingerprint the service and says nothing useful.
gunicorn.http.wsgi.SERVER = "intake"


class IntakeLogger(gunicorn.glogging.Logger):
    """gunicorn's logger, without the request bytes gunicorn puts into its messages.

    Refusing a malformed request, gunicorn logs "Invalid request from ip=…: Invalid HTTP request
    line: '…'" with the offending line, method, version or header quoted: whatever a client sent,
    which may be a reporter's URL or anything a prober wants written into our logs. A failing
    request is logged with its method and path. The message is rebuilt from the exception's
    type (which says what was wrong) and the bytes are dropped; the text is matched because
    gunicorn formats it before the logger sees it. The access log is off whatever the settings.
    """

    def warning(self, msg, *args, **kwargs):
        if isinstance(msg, str) and msg.startswith("Invalid request from"):
            # handle_error() runs in the worker's `except` block: the exception is the current one
            error = sys.exc_info()[1]
            kind = type(error).__name__ if isinstance(error, (gunicorn.http.errors.ParseException, OSError)) else "unknown"
            msg, args = "refused a malformed request (%s)", (kind,)
        super().warning(msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs):
        if isinstance(msg, str) and msg.startswith("Error handling request"):
            msg, args = "Error handling request", ()  # the exception's type and place are added (logs.py)
        super().exception(msg, *args, **kwargs)

    def debug(self, msg, *args, **kwargs):
        # Off at our INFO level; if turned on, "No more data after: %r" would quote request bytes.
        super().debug(msg, **kwargs)

    def access(self, resp, req, environ, request_time):
        pass

bind = os.environ.get("INTAKE_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
worker_class = "gthread"
workers = int(os.environ.get("INTAKE_WORKERS", "2"))
# 16 threads: enough slow uploads at once per worker, and measurably less lock contention
# under fast load than 32 (bench/bench_web.py); raise it for many simultaneous slow uploads.
threads = int(os.environ.get("INTAKE_THREADS", "16"))
timeout = 120  # heartbeat of a worker process, not a request deadline: slow uploads are fine
graceful_timeout = 300  # let uploads in progress finish on restart
keepalive = 5
preload_app = True  # parse the recipients and clean stale temp files once, in the master
accesslog = None
errorlog = "-"
logconfig_dict = logging_config()
logger_class = IntakeLogger
proc_name = "intake"
control_socket_disable = True  # no runtime control interface on a server that holds reports
forwarded_allow_ips = os.environ.get("INTAKE_FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
limit_request_fields = 50


def _store():
    from ..store import Store

    return Store(os.environ.get("INTAKE_DATA_DIR", "data"))


def child_exit(server, worker) -> None:
    """A worker died (crash, kill, timeout): remove the ciphertext of its unfinished uploads."""
    for path in _store().tmp.glob(f"{worker.pid}-*.part"):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


# The app settings the startup line reports: limits only, never secrets, paths or addresses.
REPORTED_APP_SETTINGS = ("MAX_CONTENT_LENGTH", "MAX_FORM_MEMORY_SIZE", "MAX_FORM_PARTS", "INTAKE_MAX_ATTACHMENTS",
                         "INTAKE_MIN_FREE", "INTAKE_DATA_QUOTA", "INTAKE_RATE", "INTAKE_BURST", "INTAKE_SESSION_LIMIT",
                         "INTAKE_LOOKUP_RATE", "INTAKE_LOOKUP_BURST", "INTAKE_REPLY_RETENTION_DAYS")


def effective_settings(server) -> str:
    """What this server really runs with, as `name=value` pairs: gunicorn's resolved settings
    and the preloaded app's limits (the operator, and bench/bench_web.py, read them back)."""
    cfg = server.cfg
    pairs = {"worker_class": cfg.worker_class_str, "workers": server.num_workers, "threads": cfg.threads,
             "timeout": cfg.timeout, "keepalive": cfg.keepalive}
    app_config = getattr(server.app.callable, "config", {}) if cfg.preload_app else {}
    pairs.update((name, app_config[name]) for name in REPORTED_APP_SETTINGS if name in app_config)
    return " ".join(f"{name}={value}" for name, value in pairs.items())


RETENTION_INTERVAL = 3600  # seconds between retention runs


def when_ready(server) -> None:
    """In the master: say what the server runs with; apply INTAKE_RETENTION_DAYS (if set) and
    INTAKE_REPLY_RETENTION_DAYS (30 days unless set) now and every hour."""
    import threading
    import time

    from ..replies.store import expire as expire_replies, reply_retention_days
    from ..retention import expire, retention_days
    from .logs import describe_exception

    server.log.info("effective settings: %s", effective_settings(server))
    days, reply_days = retention_days(), reply_retention_days()

    def run() -> None:
        while True:
            try:
                deleted = expire(_store(), days) if days is not None else 0
                replies = expire_replies(_store(), reply_days)
            except Exception as exc:  # keep running; log without the message (it names files)
                server.log.error("retention failed: %s", describe_exception(exc))
            else:
                if deleted:
                    server.log.info("retention: deleted %d uncollected submission(s) older than %d days", deleted, days)
                if replies:
                    server.log.info("retention: deleted %d reply mailbox(es) older than %d days", replies, reply_days)
            time.sleep(RETENTION_INTERVAL)

    threading.Thread(target=run, name="retention", daemon=True).start()
