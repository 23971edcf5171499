"""Replies to anonymous sources (intake/replies, intake/desk/replies.py).

On the staff machine: `intake reply`, `intake status`, `intake replies export|list|seen`.
On the server: `intake deliver` places a batch of mailbox files. A reply's text is shown to
nobody but staff and the source: it is never printed by these commands.
"""

import json
import sys
from pathlib import Path

import click

from ..errors import UserError
from .desk import usable_case, vault_options

MAX_REPLY_FILE = 64 * 1024


def _reply_target(state, case):
    """Replies to a linked follow-up go on the case it adds to: one thread per source."""
    if case.follow_up_of and state.cases.get(case.follow_up_of) is not None:
        return state.cases[case.follow_up_of]
    return case


def _read_text(text, file) -> str:
    if (text is None) == (file is None):
        raise click.UsageError("give the reply as --text TEXT or --file FILE (one of them)")
    if text is not None:
        return text
    try:
        with (sys.stdin.buffer if file == "-" else open(file, "rb")) as f:
            data = f.read(MAX_REPLY_FILE + 1)
    except OSError as exc:
        raise UserError(f"cannot read {file}: {exc.strerror}") from None
    if len(data) > MAX_REPLY_FILE:
        raise UserError(f"{file} is larger than a reply can be ({MAX_REPLY_FILE // 1024} KiB)")
    try:
        return data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise UserError(f"{file} is not UTF-8 text") from None


@click.command()
@vault_options
@click.option("--text", metavar="TEXT", help="The reply, as the source will read it.")
@click.option("--file", "file", metavar="FILE", help="Read the reply from a UTF-8 text file ('-': stdin).")
@click.argument("case_id", metavar="CASE")
def reply(session, text, file, case_id):
    """Write a reply to the source of CASE; it leaves with the next `intake replies export`."""
    from ..desk.replies import add_reply
    from ..desk.state import now_utc

    message = _read_text(text, file)
    with session.vault.require().changing_state(session.identities) as state:
        case = _reply_target(state, usable_case(state, case_id))
        reply_id = add_reply(state, case, message, now_utc())
    click.echo(json.dumps({"case": case.id, "reply": reply_id}))
    click.echo(f"intake: reply {reply_id} kept for case {case.id}; deliver it with 'intake replies export' and "
               "'intake deliver' on the server", err=True)


@click.command()
@vault_options
@click.option("--public", "public_status", required=True,
              type=click.Choice(["received", "under-review", "needs-info", "sent-to-un", "closed"]),
              help="The status the source sees on the messages page.")
@click.argument("case_id", metavar="CASE")
def status(session, public_status, case_id):
    """Set the status of CASE that its source may see (with the receipt code)."""
    from ..desk.replies import set_public_status
    from ..desk.state import now_utc

    with session.vault.require().changing_state(session.identities) as state:
        case = _reply_target(state, usable_case(state, case_id))
        change = set_public_status(state, case, public_status, now_utc())
    click.echo(json.dumps({"case": case.id, "public_status": public_status, "changed": bool(change)}))


@click.group("replies")
def replies_group():
    """Deliver replies and statuses to sources, and see which were read."""


def _cases_with_replies(state):
    ids = [case_id for case_id, row in state.store.index(cells=False) if row.get("replies")]
    return [state.cases[i] for i in ids if state.cases.get(i) is not None]


@replies_group.command("export")
@vault_options
@click.option("--out", required=True, metavar="DIR|-", help="A new or empty folder for the batch, or '-' for a tar stream on stdout.")
def replies_export(session, out):
    """Write every unread reply and public status as a delivery batch for the server (ciphertext only)."""
    from ..desk.replies import build_batch
    from ..desk.state import now_utc
    from ..replies.batch import write_batch_dir, write_batch_tar

    if out == "-" and sys.stdout.isatty():
        raise UserError("refusing to write a tar stream to the terminal", hint="redirect it: --out - > replies.tar")
    with session.vault.require().changing_state(session.identities) as state:
        batch = build_batch(state, _cases_with_replies(state), now_utc())
        if not batch.entries:
            raise UserError("no replies or statuses to deliver", hint="write one with 'intake reply CASE' or 'intake status CASE'")
        # Written inside the change: if the batch cannot be written, nothing is marked exported.
        if out == "-":
            write_batch_tar(sys.stdout.buffer, batch.id, batch.entries)
            sys.stdout.flush()
        else:
            write_batch_dir(Path(out), batch.id, batch.entries)
    summary = {"mailboxes": batch.mailboxes, "replies": batch.messages, "cases": batch.cases}
    if out != "-":
        click.echo(json.dumps(summary))
    click.echo(f"intake: batch of {batch.mailboxes} mailbox(es), {batch.messages} reply(ies); on the server: "
               "intake deliver BATCH --data-dir DIR", err=True)


@replies_group.command("list")
@vault_options
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def replies_list(session, output_format):
    """Cases with replies or a public status: delivered, read, and questions awaiting an answer."""
    from ..desk.replies import summary
    from ..desk.terminal import one_line

    with session.vault.require().reading_state(session.identities) as state:
        rows = [{"case": c.id} | (summary(c) or {}) for c in _cases_with_replies(state)]
    rows.sort(key=lambda r: (not r["awaiting_answer"], r["case"]))
    if output_format == "json":
        click.echo(json.dumps(rows, indent=1))
        return
    click.echo(f"{'case':<12}  {'status':<13} replies  undelivered  unread  read  expired  awaiting answer")
    for r in rows:
        click.echo(one_line(f"{r['case']:<12}  {r['public_status'] or '-':<13} {r['replies']:>7}  {r['not_delivered']:>11}  "
                            f"{r['delivered_unread']:>6}  {r['read']:>4}  {r['expired']:>7}  {'yes' if r['awaiting_answer'] else ''}"))


def _listing_bytes(src: str) -> bytes:
    import tarfile

    from ..replies.listing import MAX_SIZE, NAME

    path = Path(src)
    try:
        if path.is_dir():
            path = path / NAME
        if path.is_file() and tarfile.is_tarfile(path):
            with tarfile.open(path, mode="r:*") as tar:
                for member in tar:
                    if member.name == NAME and member.isreg() and member.size <= MAX_SIZE:
                        f = tar.extractfile(member)
                        return f.read() if f else b""
            raise UserError(f"{src} holds no {NAME}", hint="it is written by 'intake collect' on the server")
        with open(path, "rb") as f:
            return f.read(MAX_SIZE + 1)
    except FileNotFoundError:
        raise UserError(f"no {NAME} in {src}", hint="it is written by 'intake collect' on the server (version with replies)") from None
    except (OSError, tarfile.TarError) as exc:
        raise UserError(f"cannot read {src} ({getattr(exc, 'strerror', None) or exc.__class__.__name__})") from None


@replies_group.command("seen")
@vault_options
@click.argument("src", metavar="SRC")
def replies_seen(session, src):
    """Read collect's listing of the server's mailboxes (SRC: the collect folder, tar, or the file):
    mark the replies of the batches it shows placed as delivered, and those whose mailbox is gone
    since as read (or expired, past the server's retention)."""
    from ..desk.replies import note_listing
    from ..desk.state import now_utc
    from ..replies.listing import parse_listing

    try:
        listing = parse_listing(_listing_bytes(src))
    except ValueError as exc:
        raise UserError(f"{src}: {exc}") from None
    with session.vault.require().changing_state(session.identities) as state:
        counts = note_listing(state, _cases_with_replies(state), listing, now_utc())
    click.echo(json.dumps(counts))


@click.command()
@click.argument("batch", metavar="BATCH")
@click.option("--data-dir", metavar="DIR", help="The server's data folder [INTAKE_DATA_DIR, default ./data].")
def deliver(batch, data_dir):
    """On the server: place a batch of replies (a folder, a tar file, or '-' for a tar on stdin).

    Everything is checked first (manifest, names, sizes, hashes, age headers); a batch with one
    bad entry is refused whole and nothing of it is delivered."""
    import os

    from ..replies.store import deliver_dir, deliver_tar
    from ..store import Store

    store = Store(data_dir or os.environ.get("INTAKE_DATA_DIR", "data"))
    if not store.submissions.is_dir():
        raise UserError(f"no submissions folder in {store.root}: is this the server's data folder?",
                        hint="give --data-dir (or INTAKE_DATA_DIR)")
    store.check_owner()
    path = Path(batch)
    if batch == "-":
        placed = deliver_tar(store, sys.stdin.buffer)
    elif path.is_dir():
        placed = deliver_dir(store, path)
    elif path.is_file():
        with open(path, "rb") as f:
            placed = deliver_tar(store, f)
    else:
        raise UserError(f"cannot read {batch}: no such file or folder")
    click.echo(json.dumps({"delivered": placed}))
    click.echo(f"intake: delivered {placed} mailbox(es); their sources read them with their receipt codes", err=True)


COMMANDS = (reply, status, replies_group, deliver)
