"""`intake vault`: converting a first-format vault, and rebuilding its index from the cases."""

import json

import click

from .desk import vault_options


@click.group("vault")
def vault_group():
    """Vault maintenance: format migration and index repair."""


@vault_group.command("migrate")
@vault_options
def vault_migrate(session):
    """Convert a vault of an earlier format to the current one (a first-format state is kept)."""
    from ..desk.migrate import migrate
    from ..desk.progress import Progress

    vault = session.vault.require()
    with Progress(0, "migrating") as bar:  # its total is set once the old state is read
        result = migrate(vault, session.identities, bar)
    click.echo(json.dumps(result, indent=1))
    kept = f"; the old state is kept as {result['old_state']}: delete it once you have a backup of the new vault" \
        if result["old_state"] else ""
    click.echo(f"intake: migrated {result['cases']} case(s) and {result['audit_entries']} audit entries{kept}", err=True)


@vault_group.command("rebuild-index")
@vault_options
def vault_rebuild_index(session):
    """Rebuild the index (list columns, rule results) from the case files."""
    from ..desk.migrate import rebuild_index
    from ..desk.progress import Progress

    vault = session.vault.require()
    with Progress(len(vault.store(session.identities).case_ids()), "indexing") as bar:
        result = rebuild_index(vault, session.identities, bar)
    click.echo(json.dumps(result, indent=1))


COMMANDS = (vault_group,)
