"""The baseline server for bench_web.py: the same stack, storing uploads as plain files.

    gunicorn -c python:intake.web.gunicorn_conf --pythonpath bench web_baseline_app:app

It runs under the intake's own gunicorn settings (gthread, INTAKE_WORKERS x INTAKE_THREADS)
and parses the request with the same Flask/Werkzeug multipart parser and the same parser
limits. Each file part goes, as it arrives, into a plain file (1 MiB buffer, like the
envelope's) in BENCH_BASELINE_DIR/tmp/. After the parse, the text fields (the answers) go into
one more plain file, as JSON; every file is fsynced, moved into BENCH_BASELINE_DIR/stored/ and
that folder is fsynced: the same durability steps as intake.store, without encryption, ZIP,
padding, CSRF, form validation or templates. The reply names the stored answers' file, as ours
names its receipt, so the bench can check that nothing was lost.

A GET of / is a trivial page with one hidden field holding a random token as long as a
Flask-WTF one: what a reporter's browser loads before posting, minus the form.

This is a benchmark fixture. It is not part of the intake and must never serve real reports:
it stores everything in plaintext.
"""

import json
import os
import secrets
from pathlib import Path

from flask import Flask, Request, g, request

from intake.atomic import fsync_dir
from intake.web.config import DEFAULT_MAX_UPLOAD, parse_size

ROOT = Path(os.environ["BENCH_BASELINE_DIR"])
TMP = ROOT / "tmp"
STORED = ROOT / "stored"


class PlainFileRequest(Request):
    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        path = TMP / f"{os.getpid()}-{secrets.token_hex(16)}.part"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        stream = os.fdopen(fd, "wb", buffering=1 << 20)
        g.setdefault("plain_parts", []).append((path, stream))
        return stream


class BaselineFlask(Flask):
    request_class = PlainFileRequest


app = BaselineFlask(__name__)
app.config.update(
    MAX_CONTENT_LENGTH=parse_size(os.environ.get("INTAKE_MAX_UPLOAD", str(DEFAULT_MAX_UPLOAD))),
    MAX_FORM_MEMORY_SIZE=1024 * 1024,  # the intake's parser limits (intake/web/__init__.py)
    MAX_FORM_PARTS=200,
)
for folder in (ROOT, TMP, STORED):
    folder.mkdir(mode=0o700, exist_ok=True)


# secrets.token_urlsafe(88) is 118 characters, as long as a typical Flask-WTF token of the intake.
PAGE = ('<!doctype html>\n<title>baseline</title>\n<form method="post" enctype="multipart/form-data">\n'
        '<input id="csrf_token" name="csrf_token" type="hidden" value="{token}">\n</form>\n')


@app.route("/", methods=["GET"])
def page():
    return PAGE.format(token=secrets.token_urlsafe(88))


def _write_answers() -> str:
    """The text fields, as JSON, into a plain file in tmp/ (stored with the file parts): its id."""
    name = secrets.token_hex(10)
    path = TMP / f"{name}.form"
    data = json.dumps(request.form.to_dict(flat=False), ensure_ascii=False).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    stream = os.fdopen(fd, "wb")
    stream.write(data)
    g.setdefault("plain_parts", []).append((path, stream))
    return name


@app.route("/", methods=["POST"])
def store():
    request.form  # noqa: B018  (parses the whole body; file parts stream into plain files)
    answers = _write_answers()
    stored = 0
    size = 0
    for path, stream in g.pop("plain_parts", []):
        stream.flush()
        length = os.fstat(stream.fileno()).st_size  # the parser has rewound the stream: not tell()
        if length == 0:  # an empty file field (no file chosen): nothing to keep
            stream.close()
            path.unlink()
            continue
        if path.suffix == ".part":
            size += length
            stored += 1
        os.fsync(stream.fileno())
        stream.close()
        os.rename(path, STORED / path.name)
    fsync_dir(STORED)
    fsync_dir(TMP)
    return f"stored {answers}: {stored} file(s), {size} bytes\n", 200, {"Content-Type": "text/plain"}


@app.route("/robots.txt")
def robots():
    return "User-agent: *\nDisallow: /\n", 200, {"Content-Type": "text/plain"}


@app.teardown_request
def drop_unstored(_exc=None):
    for path, stream in g.pop("plain_parts", []):
        try:
            stream.close()
        except (OSError, ValueError):
            pass
        try:
            path.unlink()
        except FileNotFoundError:
            pass
