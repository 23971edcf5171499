"""`intake remove` and `intake quarantine`: setting cases and files aside, and deciding on them.

Nothing here destroys a file without a person confirming it, and every step is in the audit
log: `remove` moves a case's ciphertext into the quarantine, `quarantine release` tries a file
again through every import check, `quarantine delete` overwrites and removes one.
"""

import json
import sys

import click

from .desk import vault_options
from ..desk.errors import DeskError
from ..desk.terminal import one_line, visible


def irreversible_options(command):
    """--reason (for the audit log) and --yes (skip the typed confirmation): a change not undone."""
    command = click.option("--yes", is_flag=True, help="Do not ask for confirmation.")(command)
    return click.option("--reason", required=True, metavar="TEXT", help="Why (recorded in the audit log).")(command)


def _confirm(what: str, expected: str, yes: bool) -> None:
    """Go on with --yes, or when the person at the terminal types the id back."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise DeskError(f"refusing to {what} without confirmation", hint="add --yes, or run it at a terminal")
    typed = click.prompt(f"To {what}, type its id ({expected})", default="", show_default=False, err=True)
    if typed.strip().lower() != expected:
        raise DeskError("not confirmed; nothing was changed")


@click.command()
@vault_options
@irreversible_options
@click.argument("case_id", metavar="CASE")
def remove(session, reason, yes, case_id):
    """Set a case aside: its ciphertext kept in the quarantine, the case and its links removed."""
    from ..desk import quarantine
    from ..desk.case_ids import resolve

    vault = session.vault.require()
    with vault.changing_state(session.identities) as state:
        resolved = resolve(case_id, state.known_ids())
        _confirm(f"remove case {resolved}", resolved, yes)
        quarantine_id = quarantine.remove_case(vault, state, resolved, reason)
    vault.submission_path(resolved).unlink(missing_ok=True)  # once the state is saved: a copy is in the quarantine
    click.echo(f"{resolved}: removed" + (f"; its ciphertext is quarantine entry {quarantine_id}" if quarantine_id else
                                         "; it had no submission file"))


@click.group("quarantine")
def quarantine_group():
    """Files that import set aside (and cases removed by staff), kept as ciphertext."""


@quarantine_group.command("list")
@vault_options
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def quarantine_list(session, output_format):
    """One line per quarantined file: id, date, size, where it came from, why."""
    from ..desk import quarantine

    with session.vault.require().reading_state(session.identities) as state:
        rows = quarantine.rows(state)
    if output_format == "json":
        click.echo(visible(json.dumps(rows, ensure_ascii=False, indent=1)))
        return
    for row in rows:
        click.echo(one_line(f"{row['id']}  {row['quarantined'][:10]}  {row['size']:>12} bytes  {row['source']}: {row['reason']}"))
    if not rows:
        click.echo("intake: the quarantine is empty", err=True)


@quarantine_group.command("show")
@vault_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.argument("quarantine_id", metavar="ID")
def quarantine_show(session, output_format, quarantine_id):
    """One quarantined file: its record, its history and where its ciphertext is."""
    from ..desk import quarantine

    vault = session.vault.require()
    with vault.reading_state(session.identities) as state:
        resolved = quarantine.resolve(quarantine_id, state)
        doc = {"id": resolved, **{k: v for k, v in state.quarantine[resolved].items() if k != "history"},
               "file": str(quarantine.path_of(vault, resolved)), "history": state.history(resolved)}
    if output_format == "json":
        click.echo(visible(json.dumps(doc, ensure_ascii=False, indent=1)))
        return
    lines = [f"Quarantined {resolved}  since {doc['quarantined']}", f"  from: {one_line(doc['source'])}",
             f"  reason: {one_line(doc['reason'])}",
             f"  size: {doc['size']} bytes   sha256: {doc['sha256']}", f"  ciphertext: {doc['file']}", "", "History:"]
    lines += [f"  {e['time']}  {e['action']}  {e['reason']}" for e in doc["history"]]
    click.echo(visible("\n".join(lines)))


@quarantine_group.command("release")
@vault_options
@click.argument("quarantine_id", metavar="ID")
def quarantine_release(session, quarantine_id):
    """Import a quarantined file again, through every check (after a desk upgrade, or with another -i)."""
    from ..desk import quarantine
    from ..desk.importer import forget_copies, release

    vault, released = session.vault.require(), []
    with vault.changing_state(session.identities) as state:
        resolved = quarantine.resolve(quarantine_id, state)
        outcome = release(vault, state, session.identities, resolved, released)
    forget_copies(vault, released)
    if outcome.result not in ("imported", "duplicate"):
        raise DeskError(f"{resolved} still does not pass the import checks: {outcome.reason}", hint="it stays in the quarantine")
    click.echo(f"{resolved}: {outcome.result} as case {outcome.case}")


@quarantine_group.command("delete")
@vault_options
@irreversible_options
@click.argument("quarantine_id", metavar="ID")
def quarantine_delete(session, reason, yes, quarantine_id):
    """Overwrite and remove a quarantined file for good (the audit log keeps its record)."""
    from ..desk import quarantine

    vault = session.vault.require()
    with vault.changing_state(session.identities) as state:
        resolved = quarantine.resolve(quarantine_id, state)
        _confirm(f"delete quarantined file {resolved} for good", resolved, yes)
        quarantine.delete(vault, state, resolved, reason)
    quarantine.unlink(vault, resolved)  # once the state that forgets it is saved
    click.echo(f"{resolved}: deleted")


COMMANDS = (remove, quarantine_group)
