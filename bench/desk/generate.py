"""Submission files made by the real web code, fast enough for 10,000 of them.

Each report's answers (answers.py) go through the real ReportForm / FollowUpForm (validation
included, CSRF off) and build_report / build_follow_up, inside a request context of the real
app; the file is written by the real Envelope (attachments streamed in first, as Werkzeug does)
and published by the real Store. What is skipped is only HTTP: the form page, CSRF, multipart
parsing and the thank-you page (tests/intake_client.py does all of it, at about 50 ms a
submission: 8 minutes for 10,000, too slow for a benchmark's set-up).

The plan (which files are follow-ups, which receipt they quote, which carry attachments, when
each was received) is drawn in the parent from one seed; the files are written by one process
per CPU (fork). The receipts are real random receipts (intake.receipt.new_receipt).
"""

import datetime
import multiprocessing
import os
import random
import secrets
import signal
from dataclasses import dataclass, field
from pathlib import Path

from desk.answers import follow_up_answers, report_answers
from intake.receipt import new_receipt
from intake.store import Store

FOLLOW_UP_RATE = 0.06  # share of submissions that are follow-ups
UNKNOWN_RECEIPT_RATE = 0.1  # share of follow-ups quoting a receipt the vault never saw (typo, other org)
ATTACHMENT_RATE = 0.04  # share of submissions with 1-3 attachments
SPREAD_DAYS = 730  # submissions received over the last two years, oldest first
LANGUAGES = [("en", 40), ("zh_Hans", 35), ("zh_Hant", 10), ("ug", 10), ("bo", 5)]  # the form's ?lang=
ATTACHMENT_NAMES = [("detention_notice.pdf", "application/pdf"), ("拘留通知书.jpg", "image/jpeg"),
                    ("IMG_2041.HEIC", "image/heic"), ("court decision (scan).pdf", "application/pdf"),
                    ("recording.m4a", "audio/mp4"), ("letter to the procuratorate.docx",
                                                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]


@dataclass
class Item:
    index: int
    batch: int  # 0: the first (small) batch, 1: the rest
    kind: str  # "report" or "follow-up"
    receipt: str
    received: datetime.datetime
    seed: int
    language: str = "en"
    quotes: str | None = None  # the receipt a follow-up quotes
    quotes_index: int | None = None  # the submission it belongs to; None: a receipt nobody has
    attachments: list = field(default_factory=list)  # (name, size, content type)
    submission_id: str = ""


def plan(count: int, small: int, seed: int) -> list[Item]:
    rng = random.Random(seed)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    first = now - datetime.timedelta(days=SPREAD_DAYS)
    step = datetime.timedelta(days=SPREAD_DAYS) / max(count, 1)
    items, reports = [], []
    for i in range(count):
        received = first + step * i + datetime.timedelta(seconds=rng.randint(0, max(0, int(step.total_seconds()) - 1)))
        item = Item(i, 0 if i < small else 1, "report", new_receipt(), received, rng.getrandbits(48),
                    rng.choices([code for code, _ in LANGUAGES], [weight for _, weight in LANGUAGES])[0])
        if reports and rng.random() < FOLLOW_UP_RATE:
            item.kind = "follow-up"
            if rng.random() < UNKNOWN_RECEIPT_RATE:
                item.quotes = new_receipt()
            else:
                item.quotes_index = rng.choice(reports)
                item.quotes = items[item.quotes_index].receipt
        else:
            reports.append(i)
        if rng.random() < ATTACHMENT_RATE:
            for _ in range(rng.choice([1, 1, 2, 3])):
                name, ctype = rng.choice(ATTACHMENT_NAMES)
                size = int(min(4 << 20, rng.lognormvariate(11.5, 1.2)))  # median about 100 KB
                item.attachments.append((name, size, ctype))
        items.append(item)
    return items


_JOB: dict = {}  # set by the parent before forking: the workers inherit it


def _write(indices: list[int]) -> list[tuple[int, str]]:
    from werkzeug.datastructures import MultiDict

    from intake.envelope import Envelope
    from intake.web import i18n
    from intake.web.forms import FollowUpForm, ReportForm
    from intake.web.report import build_follow_up, build_report

    app, items, stores, recipients = _JOB["app"], _JOB["items"], _JOB["stores"], _JOB["recipients"]
    written = []
    for i in indices:
        item = items[i]
        rng = random.Random(item.seed)
        store = stores[item.batch]
        # The form in the reporter's language, as the view sees it (?lang= on every form action).
        with app.test_request_context(f"/?lang={item.language}", method="POST"):
            envelope = Envelope(recipients, store.tmp, max_attachments=app.config["INTAKE_MAX_ATTACHMENTS"])
            try:
                for name, size, ctype in item.attachments:
                    sink = envelope.attachment_sink(name, ctype)
                    data = rng.randbytes(size)
                    for start in range(0, size, 1 << 16):  # as Werkzeug's parser writes: 64 KiB at a time
                        sink.write(data[start:start + (1 << 16)])
                if item.kind == "report":
                    answers = report_answers(rng, item.received)
                    form_class, build = ReportForm, build_report
                else:
                    answers = follow_up_answers(rng, item.quotes)
                    form_class, build = FollowUpForm, build_follow_up
                formdata = MultiDict([(k, x) for k, v in answers.items() for x in (v if isinstance(v, list) else [v])])
                form = form_class(formdata=formdata, meta={"csrf": False})
                if not form.validate():
                    raise RuntimeError(f"generated answers for submission {i} do not validate: {form.errors}")
                report = build(form, receipt=item.receipt, language=i18n.current().code, now=item.received)
                temp_path = envelope.seal(report)
            except BaseException:
                envelope.discard()
                raise
        written.append((i, store.publish(temp_path)))
    return written


def _worker_signals() -> None:
    # The benchmark turns SIGTERM into KeyboardInterrupt for its clean-up; a worker just stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which terminates the pool


def generate(items: list[Item], roots: list[Path], recipients_file: Path, scratch: Path, processes: int) -> list[Path]:
    """Write every planned submission; returns the file of each item, in plan order."""
    from intake.web import create_app

    stores = [Store(root) for root in roots]
    for store in stores:
        store.prepare()
    app = create_app({"INTAKE_DATA_DIR": scratch, "INTAKE_RECIPIENTS": recipients_file, "SECRET_KEY": secrets.token_hex(32),
                      "INTAKE_MIN_FREE": 0})
    _JOB.update(app=app, items=items, stores=stores, recipients=app.extensions["intake"].recipients)
    indices = list(range(len(items)))
    chunks = [indices[k::processes * 8] for k in range(processes * 8)]
    try:
        if processes > 1:
            pool = multiprocessing.get_context("fork").Pool(processes, initializer=_worker_signals)
            try:
                results = pool.map(_write, chunks, chunksize=1)
                pool.close()
            except BaseException:
                pool.terminate()
                raise
            finally:
                pool.join()
        else:
            results = [_write(chunk) for chunk in chunks]
    finally:
        _JOB.clear()
    for written in results:
        for i, submission_id in written:
            items[i].submission_id = submission_id
    leftovers = [p for store in stores for p in store.tmp.iterdir()]
    if leftovers:
        raise RuntimeError(f"{len(leftovers)} unfinished envelope(s) left in tmp/")
    return [stores[item.batch].submissions / f"{item.submission_id}.age" for item in items]


def default_processes() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
