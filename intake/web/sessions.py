"""A browser session: a random id in the cookie, and a record in server memory.

Why not Flask's signed cookie: signed is not encrypted. Whoever holds the browser (a seized
phone, a search at a border) could read in it how many reports it sent, and when (the cookie
was re-issued, time-stamped, on every submission); and a browser could send an old copy back
to reset its count. Encrypting the cookie would hide the count but not stop that replay, so
the cookie holds a random id and nothing else, set once when the form is first shown and never
re-issued. What the server needs to know about the session lives in a SharedTable (memory shared
by all workers, never on disk, gone when the server stops):

    window, count   submissions accepted in the current hour (INTAKE_SESSION_LIMIT)
    generation      how many submissions this session has stored (for CSRF, below)

A session that only reads the form costs no memory: the record is made by its first POST.

CSRF: Flask-WTF signs the session's CSRF secret into every form it renders and compares the
two on POST. Here that secret is derived from the id and the generation (HMAC with SECRET_KEY),
and storing a submission moves the generation on. So a token works for one submission: the
same token sent again (a replayed request, a reload of the receipt page) is refused as an
expired page, and so are forms of that session opened before it (another tab).
"""

import hashlib
import hmac
import re
import secrets
import time

from flask.sessions import SessionInterface, SessionMixin

from .shared import SharedTable

CSRF_FIELD = "csrf_token"  # Flask-WTF's WTF_CSRF_FIELD_NAME default
_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
WINDOW = 3600  # the per-session count starts again every hour


class SessionRecords:
    """Per-session counts and CSRF generations, shared by the forked workers."""

    def __init__(self, capacity: int, token_lifetime: float):
        self._table = SharedTable(capacity, fields=3)  # window, count, generation
        # A record lives as long as a token issued before its last submission could: dropped
        # sooner, that token would become valid again.
        self._lifetime = token_lifetime

    def generation(self, sid: str, now: float) -> int:
        record = self._table.get(sid.encode(), now)
        return record[2] if record else 0

    def take(self, sid: str, limit: int, now: float) -> float:
        """Count one submission: 0.0 when allowed, else the seconds until the count starts again."""
        window = int(now // WINDOW)

        def change(record, expires):
            _, count, generation = _current(record, window)
            if count >= limit:
                return None
            return (window, count + 1, generation), max(expires, (window + 1) * WINDOW)

        stored = self._table.update(sid.encode(), now, change)[1]
        return 0.0 if stored else (window + 1) * WINDOW - now

    def give_back(self, sid: str, now: float) -> None:
        """Undo take() for a submission that was then not stored."""
        window = int(now // WINDOW)

        def change(record, expires):
            if record is None or record[0] != window or record[1] < 1:
                return None
            count, generation = record[1] - 1, record[2]
            return (window, count, generation), expires if count or generation else 0.0

        self._table.update(sid.encode(), now, change)

    def spend(self, sid: str, generation: int, now: float) -> bool:
        """Use up the tokens of `generation`: False if another request did first (a replay)."""

        def change(record, expires):
            window, count, current = _current(record, int(now // WINDOW))
            if current != generation:
                return None
            return (window, count, generation + 1), max(expires, now + self._lifetime)

        return self._table.update(sid.encode(), now, change)[1] is not None

    def unspend(self, sid: str, generation: int, now: float) -> None:
        """Undo spend() when the submission could not be stored: the reporter may retry."""

        def change(record, expires):
            if record is None or record[2] != generation + 1:
                return None
            return (record[0], record[1], generation), expires

        self._table.update(sid.encode(), now, change)


def _current(record, window: int) -> tuple[int, int, int]:
    """(window, count in that window, generation) of a record, None meaning a new session."""
    if record is None:
        return window, 0, 0
    return window, record[1] if record[0] == window else 0, record[2]


def records_capacity(rate_per_minute: int, burst: int, token_lifetime: float) -> int:
    """Room for every session that can store a submission while its tokens live, twice over.

    Only accepted submissions keep a record, and the token bucket caps those; the bounds keep
    the (lazily touched) memory between 48 KiB and 6 MiB whatever the rate is set to.
    """
    most = rate_per_minute * token_lifetime / 60 + burst
    return int(min(max(2 * most, 1024), 1 << 17))


class OpaqueSession(SessionMixin):
    """What Flask sees as the session: read-only, holding the derived CSRF secret only."""

    def __init__(self, sid: str, new: bool, secret_key: str | bytes, records: SessionRecords):
        self.sid = sid
        self.new = new
        self.modified = False
        self.accessed = False
        self.generation: int | None = None  # read on first use, kept for spend()
        self._secret_key = secret_key if isinstance(secret_key, bytes) else secret_key.encode()
        self._records = records

    def __getitem__(self, key):
        if key != CSRF_FIELD:
            raise KeyError(key)
        self.accessed = True
        if self.generation is None:
            self.generation = self._records.generation(self.sid, time.time())
        message = b"csrf\0%s\0%d" % (self.sid.encode(), self.generation)
        return hmac.new(self._secret_key, message, hashlib.sha256).hexdigest()

    def __iter__(self):
        yield CSRF_FIELD

    def __len__(self) -> int:
        return 1

    def __setitem__(self, key, value):
        raise TypeError("the session holds no data: see intake/web/sessions.py")

    __delitem__ = __setitem__


class OpaqueSessionInterface(SessionInterface):
    def __init__(self, records: SessionRecords):
        self.records = records

    def open_session(self, app, request) -> OpaqueSession:
        value = request.cookies.get(self.get_cookie_name(app), "")
        new = not _ID.fullmatch(value)
        sid = secrets.token_urlsafe(32) if new else value
        return OpaqueSession(sid, new, app.secret_key, self.records)

    def save_session(self, app, session: OpaqueSession, response) -> None:
        if session.accessed:
            response.vary.add("Cookie")
        if not (session.new and session.accessed):
            return  # the cookie is set once, when a form first needs it, and never re-issued
        response.set_cookie(
            self.get_cookie_name(app),
            session.sid,
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
            partitioned=self.get_cookie_partitioned(app),
        )
