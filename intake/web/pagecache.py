"""Pages rendered once per language and reused with this request's own value in them: the blank
forms with a fresh CSRF token, the thank-you page with a fresh receipt code.

Rendering the blank report form (about 200 WTForms fields) costs some 35 ms of CPU, so a flood
of page loads would starve the threads that store submissions. But a blank page (a GET) is the
same for every reporter except for its CSRF token: it depends only on the key below and on what
is fixed for the life of the app (templates, form classes, catalogues, demo_mode; templates
never see the configuration). So the first GET of a key is rendered as before and split where
its token is; later GETs get the two halves with their own token, from Flask-WTF's
generate_csrf() (bound to their session, as the form's hidden field would have it).

The thank-you page after a stored submission is the same: it differs between reporters only by
the receipt code (thanks.html has no form, no token, no switch of language), so it is kept the
same way, split where the first render put its receipt, and filled with each new receipt. The
halves never hold a receipt: the page is kept only when the code was found exactly once.

A form shown again after a POST (the reporter's answers, the errors) is always rendered anew
and never stored here. tests/test_web_page_cache.py compares every cached page with a fresh
render.
"""

import threading
from dataclasses import dataclass
from functools import partial
from typing import Callable

from flask import current_app, render_template, request
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from . import i18n

# (3 forms + 2 thank-you pages) x 5 languages under one script root: the rest is room, never
# growth without bound.
MAX_PAGES = 48


@dataclass(frozen=True)
class _SplitPage:
    head: str
    tail: str

    def with_value(self, value: str) -> str:
        # Escaped as Jinja and WTForms escape a value; str(), because str + Markup would escape the page.
        return self.head + str(escape(value)) + self.tail


class PageCache:
    """Split pages by key; safe for gthread's threads (one lock for the dict, one for renders)."""

    def __init__(self, capacity: int = MAX_PAGES):  # 0: keep nothing, render every time (bench, tests)
        self._capacity = capacity
        self._pages: dict[tuple, _SplitPage] = {}
        self._lock = threading.Lock()
        # One render at a time: a burst of first loads renders a page once, not once per thread
        # (under the GIL parallel renders would not finish sooner anyway).
        self._rendering = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def _get(self, key: tuple) -> _SplitPage | None:
        with self._lock:
            return self._pages.get(key)

    def _put(self, key: tuple, page: _SplitPage) -> None:
        if not self._capacity:
            return
        with self._lock:
            if key not in self._pages and len(self._pages) >= self._capacity:
                del self._pages[next(iter(self._pages))]  # the oldest
            self._pages[key] = page

    def page(self, key: tuple, render: Callable[[], str], value: Callable[[], str] = generate_csrf) -> str:
        """The page for `key` with this request's `value()`; `render()` on the first request only.

        `render()` must put `value()` into the page, escaped, exactly once (the request's CSRF
        token by default: generate_csrf() returns the same one for the whole request).
        """
        page = self._get(key)
        if page is None:
            with self._rendering:
                page = self._get(key)
                if page is None:
                    return self._render_and_keep(key, render, value)
        return page.with_value(value())

    def _render_and_keep(self, key: tuple, render: Callable[[], str], value: Callable[[], str]) -> str:
        html = render()
        parts = html.split(str(escape(value())))  # this request's value, where the render put it
        if len(parts) == 2:  # anything else: a template this module does not understand
            self._put(key, _SplitPage(*parts))
        return html


def _cached(key: tuple, render: Callable[[], str], value: Callable[[], str] = generate_csrf) -> str:
    if current_app.jinja_env.auto_reload:  # templates re-read from disk (development)
        return render()
    key = (*key, i18n.current().code, request.script_root)
    return current_app.extensions["intake"].pages.page(key, render, value)


def blank_form_page(template: str, form_class) -> str:
    """A GET of a form page: the cached blank page, with this request's CSRF token."""
    return _cached((request.endpoint,), partial(render_blank_form, template, form_class))


def render_blank_form(template: str, form_class) -> str:
    """The dynamic render of a blank form, as every GET did before the cache."""
    return render_template(template, form=form_class(), uploads_lost=False)


def thanks_page(receipt: str, follow_up: bool) -> str:
    """The thank-you page after a stored submission: the cached page, with this receipt. A
    follow-up's page shows no code: it is rendered each time (a small page, and only after a
    stored submission, which the flood limits count)."""
    if follow_up:
        return render_thanks("", True)
    render = partial(render_thanks, receipt, follow_up)
    return _cached((request.endpoint, "thanks.html", follow_up), render, lambda: receipt)


def render_thanks(receipt: str, follow_up: bool) -> str:
    """The dynamic render of the thank-you page, as every stored submission did before the cache."""
    return render_template("thanks.html", receipt=receipt, follow_up=follow_up)
