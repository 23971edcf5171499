"""gunicorn settings for the intake, used by the Procfile and by `intake serve`.

    gunicorn -c python:intake.web.gunicorn_conf intake.web.wsgi:app

Threads, not sync workers: a report with photos can take many minutes to upload over Tor, and
a sync worker would be blocked by one slow client. Each thread holds one request's envelope
(one part buffer at a time), so memory stays flat in the upload size.
"""

import os
import gunicorn.http.wsgi

from .logs import logging_config

# No "Server: gunicorn" banner: it helps fingerprint the service and says nothing useful.
gunicorn.http.wsgi.SERVER = "intake"

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


RETENTION_INTERVAL = 3600  # seconds between retention runs


def when_ready(server) -> None:
    """In the master: apply INTAKE_RETENTION_DAYS now and every hour (if it is set)."""
    import threading
    import time

    from ..retention import expire, retention_days
    from .security import describe_exception

    days = retention_days()
    if days is None:
        return

    def run() -> None:
        while True:
            try:
                deleted = expire(_store(), days)
            except Exception as exc:  # keep running; log without the message (it names files)
                server.log.error("retention failed: %s", describe_exception(exc))
            else:
                if deleted:
                    server.log.info("retention: deleted %d uncollected submission(s) older than %d days", deleted, days)
            time.sleep(RETENTION_INTERVAL)

    threading.Thread(target=run, name="retention", daemon=True).start()
