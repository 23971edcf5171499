"""`intake collect`: take the ciphertext off the server (see intake/collect.py)."""

import os
import sys
from pathlib import Path

import click

from ..errors import UserError


@click.command()
@click.argument("dest", required=False, metavar="DEST")
@click.option("--data-dir", metavar="DIR", help="The server's data folder [INTAKE_DATA_DIR, default ./data].")
@click.option("--keep", is_flag=True, help="Copy and verify, but leave the submissions on the server.")
@click.option("--delete-listed", "manifest", metavar="MANIFEST", help="Delete the submissions listed (with matching hashes) in a manifest from a tar collect.")
def collect(dest, data_dir, keep, manifest):
    """Move every complete submission to DEST (a folder, e.g. a USB stick), or '-' for a tar on stdout.

    A missing DEST is created (mode 0700, said on stderr) when its parent folder exists and is
    not on the server's own disk (a mounted stick); otherwise collect refuses and says why.

    Each file is copied, fsynced and verified (size and SHA-256) at DEST before it is deleted on
    the server. A tar stream cannot be verified at its far end, so '-' deletes nothing: after the
    import on the staff side, run `intake collect --delete-listed MANIFEST.sha256`.
    """
    from ..collect import collect_to_directory, collect_to_tar, create_destination, delete_listed, destination_to_create
    from ..replies.store import reply_retention_days
    from ..store import Store

    try:
        reply_days = reply_retention_days()
    except ValueError as exc:
        raise UserError(str(exc)) from None

    store = Store(data_dir or os.environ.get("INTAKE_DATA_DIR", "data"))
    if not store.submissions.is_dir():
        raise UserError(f"no submissions folder in {store.root}", hint="give --data-dir (or INTAKE_DATA_DIR)")
    if manifest:
        if dest:
            raise click.UsageError("--delete-listed takes no DEST")
        deleted = delete_listed(store, Path(manifest))
        click.echo(f"intake: deleted {deleted} collected submission(s) from the server", err=True)
        return
    if not dest:
        raise click.UsageError("missing DEST (a folder, or - for a tar stream on stdout)")
    if dest == "-":
        if sys.stdout.isatty():
            raise UserError("refusing to write a tar stream to the terminal", hint="pipe it: intake collect - | ssh … or > batch.tar")
        result = collect_to_tar(store, sys.stdout.buffer, reply_retention_days=reply_days)
        sys.stdout.flush()
        click.echo(f"intake: streamed {result.kept} submission(s); nothing deleted on the server", err=True)
        return
    if destination_to_create(store, Path(dest)):
        click.echo(f"intake: {dest} does not exist; creating it (mode 0700)", err=True)
        create_destination(Path(dest))
    result = collect_to_directory(store, Path(dest), keep=keep, reply_retention_days=reply_days)
    verb = "copied" if keep else "moved"
    click.echo(f"intake: {verb} {result.moved} submission(s) to {dest}"
               + (f" ({result.already_there} were already there)" if result.already_there else ""), err=True)
