"""The CPU cost of one GET of the blank form page, in-process (Flask test client), per language.

Every GET comes from a new test client, as from a new reporter's browser: a new session, its
cookie and a token. Measured twice: as served (the page cache of intake/web/pagecache.py,
filled by one untimed GET) and rendered every time (PageCache(0): what every GET cost before
the cache). time.process_time() over the GETs; nothing else runs in this process meanwhile.
"""

import secrets
import shutil
import tempfile
import time
from pathlib import Path

from intake.web import create_app
from intake.web.i18n import LANGUAGES
from intake.web.pagecache import PageCache


def _cpu_ms_per_get(app, url: str, gets: int) -> float:
    app.test_client().get(url)  # untimed: fills the cache (when there is one), warms the templates
    start = time.process_time()
    for _ in range(gets):
        response = app.test_client().get(url)
        if response.status_code != 200 or "csrf_token" not in response.text:
            raise RuntimeError(f"GET {url}: status {response.status_code}")
    return 1000 * (time.process_time() - start) / gets


def measure_page_cpu(identity, gets: int, renders: int) -> dict:
    """{"cached": {code: ms}, "rendered": {code: ms}}: CPU ms per GET of / in each language."""
    root = Path(tempfile.mkdtemp(prefix="bench-page-"))
    try:
        (root / "recipients.txt").write_text(f"{identity.recipient()}\n")
        app = create_app({"INTAKE_DATA_DIR": root / "data", "INTAKE_RECIPIENTS": root / "recipients.txt",
                          "SECRET_KEY": secrets.token_hex(32), "INTAKE_DEMO": False})  # as production
        state = app.extensions["intake"]
        result = {"gets": gets, "renders": renders, "cached": {}, "rendered": {}}
        for language in LANGUAGES:
            url = f"/?lang={language.code}"
            state.pages = PageCache()
            result["cached"][language.code] = _cpu_ms_per_get(app, url, gets)
            state.pages = PageCache(capacity=0)
            result["rendered"][language.code] = _cpu_ms_per_get(app, url, renders)
        return result
    finally:
        shutil.rmtree(root, ignore_errors=True)
