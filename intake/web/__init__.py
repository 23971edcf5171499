"""The web intake: a Flask app that encrypts every submission on arrival.

This package encrypts with public recipients only: it never holds, parses or loads an identity
of the organisation, and a test checks that serving the forms never loads decryption. The one
exception is the messages page, which opens a source's replies with the key their receipt code
derives, in memory, for that request (intake/replies/reading.py).
"""

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import RequestEntityTooLarge

from ..store import Store
from . import errors, forms, i18n, logs, security, views
from .config import ConfigError, load_config
from .errors import NotSaved
from .limits import FolderQuota, Limited, LookupsLimited, SharedTokenBucket, minutes_to_wait
from .pagecache import PageCache
from .recipients import load_server_recipients
from .sessions import OpaqueSessionInterface, SessionRecords, records_capacity
from .uploads import StreamingRequest, check_file_parts, discard_pending

MESSAGES_MAX_BODY = 16 * 1024  # bytes of a messages-page POST
CSRF_TIME_LIMIT = 24 * 3600  # a long form over a slow Tor circuit must not expire

csrf = CSRFProtect()
babel = Babel()


@dataclass
class IntakeState:
    recipients: list
    store: Store
    bucket: SharedTokenBucket  # made here, before gunicorn forks its workers: shared by all
    sessions: SessionRecords  # the same
    quota: FolderQuota | None
    pages: PageCache  # per worker process: each fills its own after the fork
    lookups: SharedTokenBucket  # message lookups, for the whole server (limits.py)
    # One key derivation at a time per worker process: 64 MiB and a core each (intake/replies).
    derivation: threading.Semaphore


class IntakeFlask(Flask):
    request_class = StreamingRequest

    def log_exception(self, exc_info) -> None:
        # Flask's default prints the exception message and request path: neither may be logged.
        self.logger.error("unhandled error: %s", logs.describe_exception(exc_info[1]))


def _template_folder() -> str:
    installed = Path(__file__).parent.parent / "templates"  # where the wheel puts them
    if installed.is_dir():
        return str(installed)
    return str(Path(__file__).parents[2] / "templates")  # a source checkout


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment (INTAKE_*), or from `config` in tests."""
    settings = load_config(os.environ) if config is None else {**load_config({}, demo=True), **config}
    app = IntakeFlask(__name__, template_folder=_template_folder(), static_folder="static")
    app.config.update(settings)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        WTF_CSRF_TIME_LIMIT=CSRF_TIME_LIMIT,
        # Flask-WTF's HTTPS check wants a Referer, which Referrer-Policy: no-referrer (rightly)
        # suppresses; the per-session token and the SameSite=Strict cookie carry the protection.
        WTF_CSRF_SSL_STRICT=False,
        # Our validators carry their own messages; Flask-WTF would reload WTForms' catalogue
        # for its built-in ones on every request (measurable at hundreds of requests a second).
        WTF_I18N_ENABLED=False,
        # Bytes of one text field held in memory (also bounds the parser's buffer, so it must
        # stay well above its 64 KiB reads); Werkzeug answers 413 above it.
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        # The report form sends 106 fields and up to 212 ticked boxes, plus the token and the files
        # (tests/test_web_limits.py posts the largest form the page allows).
        MAX_FORM_PARTS=400,
        TEMPLATES_AUTO_RELOAD=False,
        # Compiled catalogues ship in the package; Flask-Babel loads each once per process.
        BABEL_TRANSLATION_DIRECTORIES=str(i18n.TRANSLATIONS),
    )
    if not app.config.get("SECRET_KEY"):
        if not app.config.get("INTAKE_DEMO"):
            raise ConfigError("INTAKE_SECRET_KEY is not set")
        app.config["SECRET_KEY"] = os.urandom(32).hex()  # demo: sessions end with the process
    logs.configure_logging(app)

    recipients = load_server_recipients(app.config["INTAKE_RECIPIENTS"])
    store = Store(app.config["INTAKE_DATA_DIR"])
    prepared = store.prepare()
    for folder in prepared.tightened:
        app.logger.warning("data folder %s was open to other users: its mode is now 0700", folder)
    if prepared.stale:
        app.logger.info("removed %d unfinished submission file(s) left by an earlier run", prepared.stale)
    if not any(r.post_quantum for r in recipients):
        app.logger.warning("the recipients are classic X25519 keys: use post-quantum (age1pq1…) keys, see docs/keys.md")
    quota = FolderQuota(store.root, app.config["INTAKE_DATA_QUOTA"]) if app.config["INTAKE_DATA_QUOTA"] else None
    bucket = SharedTokenBucket(app.config["INTAKE_RATE"], app.config["INTAKE_BURST"])
    sessions = SessionRecords(records_capacity(app.config["INTAKE_RATE"], app.config["INTAKE_BURST"], CSRF_TIME_LIMIT), CSRF_TIME_LIMIT)
    lookups = SharedTokenBucket(app.config["INTAKE_LOOKUP_RATE"], app.config["INTAKE_LOOKUP_BURST"])
    app.extensions["intake"] = IntakeState(recipients, store, bucket, sessions, quota, PageCache(), lookups,
                                           threading.Semaphore(1))
    app.session_interface = OpaqueSessionInterface(sessions)  # the cookie is a random id only

    # Registered before CSRFProtect: its check parses the body, which starts storing uploads.
    app.before_request(_check_post)
    csrf.init_app(app)
    app.before_request(check_file_parts)  # after the parse
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.context_processor(i18n.template_context)
    app.after_request(security.add_security_headers)
    app.teardown_request(discard_pending)
    app.teardown_request(_settle)
    app.jinja_env.globals.pop("config", None)  # templates never see configuration (secrets)
    app.jinja_env.globals["demo_mode"] = bool(app.config.get("INTAKE_DEMO"))
    app.jinja_env.globals["problems"] = forms.problems  # the error summary's list
    app.jinja_env.globals["required_questions"] = forms.REQUIRED_QUESTIONS
    app.register_blueprint(views.bp)
    errors.init_app(app)
    return app


def _check_post() -> None:
    """Refuse, before anything is parsed, what the forms never send or could not be stored.

    The forms always post multipart/form-data (parsed as a stream, with part and size limits);
    a url-encoded body would be read whole into memory, so it is refused.
    """
    if request.method != "POST":
        return
    from flask import current_app

    # Larger than any request we accept: 413 now (the free-space check below would say 503).
    if request.content_length is not None and request.content_length > (current_app.config["MAX_CONTENT_LENGTH"] or float("inf")):
        raise RequestEntityTooLarge()
    if request.mimetype != "multipart/form-data":
        abort(400)

    state = current_app.extensions["intake"]
    if request.endpoint == "intake.messages":
        # A code and a button: never more than a few KiB, never stored; its own limit.
        if request.content_length is None or request.content_length > MESSAGES_MAX_BODY:
            raise RequestEntityTooLarge()
        wait = state.lookups.take()
        if wait:
            raise LookupsLimited(minutes_to_wait(wait))
        return
    needed = (request.content_length or current_app.config["MAX_CONTENT_LENGTH"] or 0) + current_app.config["INTAKE_MIN_FREE"]
    try:
        free = state.store.free_bytes()
    except OSError:
        raise NotSaved() from None
    if free < needed:
        raise NotSaved()
    _check_limits(state, request.content_length or 0)


def _check_limits(state: IntakeState, incoming: int) -> None:
    """The flood limits, cheapest first. The session's count and the shared token are taken
    here (atomically: parallel requests cannot both slip under a limit), and given back in the
    teardown when the submission was not stored (only accepted submissions count)."""
    from flask import current_app, g, session

    wait = state.sessions.take(session.sid, current_app.config["INTAKE_SESSION_LIMIT"], time.time())
    if wait:
        raise Limited(minutes_to_wait(wait))
    g.session_taken = session.sid
    if state.quota is not None and state.quota.exceeded(incoming):
        raise Limited(60)
    wait = state.bucket.take()
    if wait:
        raise Limited(minutes_to_wait(wait))
    g.token_taken = True


def _settle(_exc=None) -> None:
    """Teardown: give back what _check_limits and views._spend_csrf_token took, unless stored."""
    from flask import current_app, g

    state = current_app.extensions["intake"]
    if g.pop("stored", False):
        return
    now = time.time()
    if g.pop("token_taken", False):
        state.bucket.give_back()
    if (sid := g.pop("session_taken", None)) is not None:
        state.sessions.give_back(sid, now)
    if (spent := g.pop("csrf_spent", None)) is not None:
        state.sessions.unspend(*spent, now)
