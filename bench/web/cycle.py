"""A reporter's cycle (load the form page, then post), and page loads alone; ours and the baseline.

Each step of a Reporter is what a new reporter's browser does: GET the form page (no cookie: a
new session), then POST the answers with that page's CSRF token and session cookie. The body is
the one a browser builds from *our* form page (every control, valid answers, no file chosen),
prebuilt around the token, for both servers: the baseline (web_baseline_app.py) answers the GET
with a trivial page holding a token of the same length, and stores the same answers as a plain
file. A PageLoader only loads the page, again and again: the flood of page loads that must not
starve the uploads.
"""

import json
import re
import secrets
from functools import partial

from web.client import (CSRF_BYTES, RECEIPT, RawConnection, body_around_token, get_form, get_page, post_request,
                        session_cookie)
from web.load import Client, run_clients, verify_submissions
from web.server import Server

BASELINE_RECEIPT = re.compile(rb"stored ([0-9a-f]{20}):")  # web_baseline_app.py's reply


def form_page(server: Server) -> str:
    """Our form page, as a browser first loads it (the body of every cycle is built from it)."""
    conn = RawConnection(server.port)
    try:
        return get_form(server.port, conn)[2]
    finally:
        conn.close()


class PageLoader(Client):
    """Loads the form page in a new session, again and again."""

    def step(self, conn: RawConnection) -> tuple[int, bytes]:
        status, _headers, page = get_page(self.port, conn)
        if status == 200 and not CSRF_BYTES.search(page):
            raise RuntimeError("a form page without a token")
        return status, page


class Reporter(Client):
    """Each step: load the form page in a new session, then post the answers with its token."""

    stores = True

    def __init__(self, port: int, index: int, page: str, receipt: re.Pattern, minimal: bool = False):
        super().__init__(port, index)
        self.page, self.minimal = page, minimal
        self.receipt = receipt  # what a 200 reply names: our receipt, or the baseline's file
        self.boundary = "----bench" + secrets.token_hex(12)
        self.before = self.after = b""

    def setup(self, conn: RawConnection) -> dict:
        self.before, self.after, parts = body_around_token(self.page, f"c{self.index}", self.minimal, self.boundary)
        return {"parts": parts, "bytes": len(self.before) + len(self.after), "page_loads": 0}  # plus the token

    def step(self, conn: RawConnection) -> tuple[int, bytes]:
        status, headers, page = get_page(self.port, conn)
        token = CSRF_BYTES.search(page)
        if status != 200 or not token:
            return status, page  # counted as a failed step
        body = self.before + token.group(1) + self.after
        status, _headers, reply = conn.roundtrip(post_request(self.port, session_cookie(headers), self.boundary, body))
        return status, reply


def run_page_loads(server: Server, concurrency: int, total: int, time_cap: float, client_procs: int) -> dict:
    return run_clients(server, partial(PageLoader, server.port), concurrency, total, time_cap, client_procs)


def run_cycles(server: Server, page: str, concurrency: int, total: int, time_cap: float, client_procs: int,
               minimal: bool = False) -> dict:
    receipt = RECEIPT if server.kind == "ours" else BASELINE_RECEIPT
    make = partial(Reporter, server.port, page=page, receipt=receipt, minimal=minimal)
    return run_clients(server, make, concurrency, total, time_cap, client_procs)


def verify_cycles(server: Server, receipts: list[str]) -> dict:
    """Ours: decrypt every stored file. The baseline: read every stored answers file. Both
    compared with the receipts (or file ids) the clients were shown."""
    if server.kind == "ours":
        return verify_submissions(server, receipts)
    paths = sorted((server.root / "baseline" / "stored").glob("*.form"))
    readable = 0
    for path in paths:
        try:
            readable += bool(json.loads(path.read_bytes()).get("csrf_token"))
        except ValueError:
            pass
    shown, stored = set(receipts), {p.stem for p in paths}
    return {
        "stored_files": len(paths),
        "decrypted_with_report": readable,  # the baseline's files are plain: readable JSON
        "undecryptable": [],
        "receipts_shown": len(receipts),
        "receipts_shown_unique": len(shown),
        "receipts_stored_unique": len(stored),
        "shown_not_stored": len(shown - stored),
        "stored_not_shown": len(stored - shown),
        "pending_left": len(list((server.root / "baseline" / "tmp").glob("*"))),
    }
