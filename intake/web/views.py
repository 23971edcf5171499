"""The reporter-facing pages: the report form, the follow-up form, the receipt, the messages."""

import time

from flask import Blueprint, abort, current_app, g, render_template, request, session
from flask_wtf.csrf import CSRFError, generate_csrf

from ..receipt import new_receipt, normalize_receipt
from ..submission.report import Answers
from . import i18n
from .forms import FollowUpForm, MessagesForm, ReportForm, field_names
from .limits import LookupsLimited
from .pagecache import blank_form_page, thanks_page
from .report import build_follow_up, build_report
from .uploads import FILE_FIELD, pending_envelope

bp = Blueprint("intake", __name__)
bp.url_defaults(i18n.keep_language)  # every link and form action keeps ?lang=


def _spend_csrf_token() -> None:
    """A form's token is good for one submission (sessions.py): use it up, before storing, so
    that of two requests carrying it only one can store. Given back if storing then fails."""
    state = current_app.extensions["intake"]
    if session.generation is None or not state.sessions.spend(session.sid, session.generation, time.time()):
        raise CSRFError("this form was already sent")  # the "page expired" page
    g.csrf_spent = (session.sid, session.generation)


def _store_submission(report: Answers) -> None:
    """Seal this request's envelope with the report and publish it under a random id."""
    state = current_app.extensions["intake"]
    _spend_csrf_token()
    envelope = pending_envelope()
    temp_path = envelope.seal(report)
    size = temp_path.stat().st_size
    # Deliberately no log line: a log collector would time-stamp it, and the exact time of a
    # submission is itself sensitive.
    state.store.publish(temp_path)
    if state.quota is not None:
        state.quota.add(size)
    g.stored = True  # keeps the session's count, the shared token and the spent CSRF token


def _uploads_lost() -> bool:
    """Whether the reporter had chosen files that are now gone (the form must be shown again)."""
    return any(f.filename for f in request.files.getlist(FILE_FIELD))


# The form's two steps (no JavaScript): the answers alone, checked; then the files, sent with
# the checked answers carried in the page, so that no file is sent before the answers are
# valid and none is lost to a mistake in them. Nothing is stored or held on the server between
# the steps: the second page holds the answers, in the reporter's browser only.
STEP = "step"
ANSWERS_STEP, EDIT_STEP = "answers", "edit"


def _carried_answers(form) -> list[tuple[str, str]]:
    """The answers of this POST to the form's own questions, as the browser sent them, for the
    hidden fields of the files page (anything else posted is not carried)."""
    names = field_names(form) - {"csrf_token"}
    return [(k, v) for k, v in request.form.items(multi=True) if k in names]


def _two_steps(form, template: str):
    """The first step's POST: the form again (with its errors, or as it was to change an
    answer), or the files page with the checked answers; nothing is stored either way."""
    if request.form.get(STEP) == EDIT_STEP:
        return render_template(template, form=form, uploads_lost=False)
    if form.validate_on_submit():
        return render_template("files.html", answers=_carried_answers(form), action=request.endpoint.split(".")[-1],
                               csrf_token=generate_csrf())
    return render_template(template, form=form, uploads_lost=False), 400


@bp.route("/", methods=["GET", "POST"])
def report():
    """The report form; on a valid POST, the encrypted submission and the receipt."""
    if request.method != "POST":  # GET, HEAD: the blank form, cached (pagecache.py)
        return blank_form_page("report.html", ReportForm)
    form = ReportForm()
    if request.form.get(STEP) in (ANSWERS_STEP, EDIT_STEP):
        return _two_steps(form, "report.html")
    # The second step (or one POST with everything, as scripts and older pages send it).
    if form.validate_on_submit():
        receipt = new_receipt()
        _store_submission(build_report(form, receipt=receipt, language=i18n.current().code))
        return thanks_page(receipt, follow_up=False)  # cached per language (pagecache.py)
    return render_template("report.html", form=form, uploads_lost=_uploads_lost()), 400


@bp.route("/follow-up", methods=["GET", "POST"])
def follow_up():
    """Add to an earlier report, identified by its receipt code."""
    if request.method != "POST":
        return blank_form_page("follow_up.html", FollowUpForm)
    form = FollowUpForm()
    if request.form.get(STEP) in (ANSWERS_STEP, EDIT_STEP):
        return _two_steps(form, "follow_up.html")
    if form.validate_on_submit():
        # Stored with a code of its own, as every submission is, but never shown: the reporter
        # keeps the first report's code (docs/report-schema.md, Receipt codes).
        _store_submission(build_follow_up(form, receipt=new_receipt(), language=i18n.current().code))
        return thanks_page("", follow_up=True)
    return render_template("follow_up.html", form=form, uploads_lost=_uploads_lost()), 400


@bp.route("/messages", methods=["GET", "POST"])
def messages():
    """The organisation's replies and the report's status, read with the receipt code.

    Nothing is logged or kept about a lookup. The code derives the mailbox and its key in
    memory (intake/replies); a wrong code and a code without messages give the same page."""
    if request.method != "POST":
        return blank_form_page("messages.html", MessagesForm)
    form = MessagesForm()
    if not form.validate_on_submit():
        return render_template("messages.html", form=form), 400
    state = current_app.extensions["intake"]
    if not state.derivation.acquire(blocking=False):
        raise LookupsLimited(1)  # this worker is deriving a key for another lookup
    try:
        from ..replies.reading import delete_mailbox, read_mailbox  # first lookup: loads the reader

        code = form.receipt.data.strip()
        if request.form.get("action") == "delete":
            deleted = delete_mailbox(state.store, code)
            return render_template("messages.html", form=None, deleted=deleted, content=None)
        content = read_mailbox(state.store, code)
    finally:
        state.derivation.release()
    return render_template("messages.html", form=None, deleted=False, content=content,
                           receipt=normalize_receipt(code), csrf_token=generate_csrf())


@bp.route("/safety")
def safety():
    """How to report safely, what happens to a report, and how to keep the receipt."""
    return render_template("safety.html")


@bp.route("/robots.txt")
def robots():
    return current_app.response_class("User-agent: *\nDisallow: /\n", mimetype="text/plain")


@bp.route("/favicon.ico")
def favicon():
    abort(404)
