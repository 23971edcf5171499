"""The staff desk commands: import, list, show, attachment, triage.

Common options: --vault DIR (or INTAKE_VAULT), -i IDENTITY_FILE (or INTAKE_IDENTITY), and
--passphrase-file FILE (or INTAKE_PASSPHRASE_FILE). The identity is unlocked once per command.
Data for scripts goes to stdout (--format json); progress and warnings go to stderr.
"""

import contextlib
import functools
import json
import os

import click

from ..desk.errors import DeskError
from ..desk.state import STATUSES, now_utc
from ..desk.terminal import one_line, visible

ENV_IDENTITY = "INTAKE_IDENTITY"


def vault_options(func):
    @click.option("--vault", "vault_dir", envvar="INTAKE_VAULT", metavar="DIR", help="The case vault [INTAKE_VAULT].")
    @click.option("-i", "--identity", "identity_files", multiple=True, metavar="IDENTITY_FILE",
                  help=f"Identity file (repeatable) [{ENV_IDENTITY}].")
    @click.option("--passphrase-file", metavar="FILE", help="Passphrase for the identity file [INTAKE_PASSPHRASE_FILE].")
    @functools.wraps(func)
    def wrapper(vault_dir, identity_files, passphrase_file, **kwargs):
        return func(_session(vault_dir, identity_files, passphrase_file), **kwargs)

    return wrapper


class _Session:
    """The vault and the unlocked identities of one command."""

    def __init__(self, vault, identity_files, passphrase_file):
        self.vault = vault
        self._identity_files = identity_files
        self._passphrase_file = passphrase_file
        self._identities = None

    @property
    def identities(self):
        if self._identities is None:
            from .sources import load_identity_file

            self._identities = [i for path in self._identity_files for i in load_identity_file(path, self._passphrase_file)]
        return self._identities


def _session(vault_dir, identity_files, passphrase_file) -> _Session:
    from ..desk.vault import Vault

    if not vault_dir:
        raise DeskError("no vault given", hint="use --vault DIR or set INTAKE_VAULT")
    if not identity_files:
        identity_files = tuple(p for p in os.environ.get(ENV_IDENTITY, "").split(os.pathsep) if p)
    if not identity_files:
        raise DeskError("no identity given", hint=f"use -i IDENTITY_FILE or set {ENV_IDENTITY}")
    return _Session(Vault(vault_dir), identity_files, passphrase_file)


@click.command("import")
@vault_options
@click.option("--recipients", "recipients_file", metavar="FILE", help="For a new vault: encrypt its state to these recipients (default: the identity's own).")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.argument("sources", nargs=-1, required=True, metavar="SRC...")
def import_(session, recipients_file, output_format, sources):
    """Import submissions from folders (e.g. a USB stick), files, or a tar from `intake collect -`."""
    from ..desk.importer import import_files
    from ..desk.sources import gather

    identities = session.identities
    vault = session.vault
    # A first import makes the vault; one that imports nothing (no files, or every file refused:
    # often the wrong key) takes it away again, so no vault is left encrypted to the wrong key.
    created = not vault.exists()
    folder_before = _create_vault(vault, identities, recipients_file) if created else None
    with gather(sources, vault.root) as candidates:
        outcomes = import_files(vault, identities, candidates)
    imported = sum(o.result == "imported" for o in outcomes)
    kept = not created or imported or not _discard_new_vault(vault, identities, folder_before)
    if not kept:
        for o in outcomes:  # the quarantine went with the vault: the files stay where they are
            if o.result == "quarantined":
                o.result, o.case = "refused", None
    if output_format == "json":
        click.echo(json.dumps([o.__dict__ for o in outcomes], indent=1))
    else:
        for o in outcomes:
            click.echo(one_line(f"{o.result:<11} {o.case or '-':<12}  {o.source}" + (f": {o.reason}" if o.reason else "")))
    if created and kept:
        click.echo(f"intake: created a new vault at {vault.root}", err=True)
    counts = {kind: sum(o.result == kind for o in outcomes) for kind in ("imported", "duplicate", "quarantined", "refused", "unreadable")}
    if not kept:
        click.echo(f"intake: nothing imported, {counts['refused']} refused"
                   + (f", {counts['unreadable']} unreadable" if counts["unreadable"] else "")
                   + f"; no vault was created at {vault.root}", err=True)
        if counts["refused"] or counts["unreadable"]:
            raise DeskError(f"{counts['refused'] + counts['unreadable']} file(s) were not imported",
                            hint="see the reasons above; the files are still where they were (check -i: is it the key they were encrypted to?)")
        if not candidates:
            raise DeskError(f"no submission files (*.age) found in {', '.join(sources)}",
                            hint="check the path (is the USB stick mounted?)")
        return
    click.echo(f"intake: {counts['imported']} imported, {counts['duplicate']} already in the vault, "
               f"{counts['quarantined']} quarantined" + (f", {counts['unreadable']} unreadable" if counts["unreadable"] else ""),
               err=True)
    if counts["quarantined"] or counts["unreadable"]:
        raise DeskError(f"{counts['quarantined'] + counts['unreadable']} file(s) were not imported",
                        hint="see the lines marked 'quarantined' and 'intake quarantine list'")


def _create_vault(vault, identities, recipients_file) -> set[str] | None:
    """Create the vault; returns what its folder held before (None: there was no folder)."""
    from .. import age
    from .sources import load_recipients

    if recipients_file:
        recipients = load_recipients((), (recipients_file,))
    else:
        recipients = [i.recipient() for i in identities if hasattr(i, "recipient")]
    before = set(os.listdir(vault.root)) if vault.root.is_dir() else None
    try:
        vault.create(recipients)
    except age.RecipientMixError as exc:
        raise DeskError(str(exc)) from None
    return before


def _discard_new_vault(vault, identities, before: set[str] | None) -> bool:
    """Take away the vault this import created, now that nothing went into it: only what the
    vault added to its folder (and the folder, if the import made it). False if another
    import put cases into it meanwhile."""
    import shutil

    with vault.locked(exclusive=True):
        if vault.open_store(identities).case_ids():
            return False
        for name in sorted(set(os.listdir(vault.root)) - (before or set())):
            path = vault.root / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    if before is None:
        with contextlib.suppress(OSError):
            vault.root.rmdir()
    return True


@click.command("list")
@vault_options
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--urgent", is_flag=True, help="Only cases flagged urgent (by the rules or by staff).")
@click.option("--mandate", metavar="CODE", help="Only cases suggested or confirmed for this mandate (e.g. WGAD; the codes: 'intake mandates').")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_(session, status, urgent, mandate, output_format):
    """One row per case: urgent first, then oldest first."""
    from ..desk.listing import list_rows
    from ..desk.views import json_lines, select_rows, table_lines

    rows = list_rows(session.vault.require(), session.identities, "out" if output_format == "json" else "cells", now_utc())
    selected = select_rows(rows, status=status, urgent=urgent, mandate=mandate.upper() if mandate else None)
    damaged = sum(row["damaged"] is not None for row in rows.values())
    if damaged:
        click.echo(f"intake: warning: {damaged} case(s) are damaged and cannot be used: see the rows marked "
                   "'damaged'; 'intake remove CASE' sets one aside", err=True)
    if output_format == "json":
        for chunk in json_lines(selected):  # rows were escaped for the terminal when made
            click.echo(chunk, nl=False)
    else:
        for chunk in table_lines(selected):
            click.echo(chunk, nl=False)


def _attachments(session, case) -> list[dict]:
    from ..desk.submission import Submission

    path = session.vault.submission_path(case.id)
    try:
        with Submission(path, session.identities) as submission:
            return submission.attachment_info()
    except FileNotFoundError:
        raise DeskError(f"the submission file of case {case.id} is missing from the vault") from None


def usable_case(state, prefix: str):
    """The case a prefix names; a damaged one is refused with its reason and the way out."""
    from ..desk.case_ids import resolve

    case_id = resolve(prefix, state.known_ids())
    reason = state.damaged_reason(case_id)
    if reason is not None:
        raise DeskError(f"case {case_id} is damaged and cannot be used: {reason}",
                        hint=f"'intake remove {case_id}' sets it aside in the quarantine (its ciphertext is kept)")
    return state.cases[case_id]


@click.command()
@vault_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.argument("case_id", metavar="CASE")
def show(session, output_format, case_id):
    """The whole case: triage, every answer, attachments, history."""
    from ..desk.views import case_document, format_case

    with session.vault.require().reading_state(session.identities) as state:
        case = usable_case(state, case_id)
        doc = case_document(case, state, _attachments(session, case), now_utc())
    click.echo(visible(json.dumps(doc, ensure_ascii=False, indent=1) if output_format == "json" else format_case(doc)))


@click.command()
@vault_options
@click.option("-o", "--output", required=True, metavar="FILE", help="Where to write the attachment (refuses to overwrite).")
@click.argument("case_id", metavar="CASE")
@click.argument("name", metavar="NAME")
def attachment(session, output, case_id, name):
    """Extract one original attachment (NAME: its number, entry name or original name)."""
    from ..atomic import AtomicFile
    from ..desk.submission import Submission

    with session.vault.require().reading_state(session.identities) as state:
        case = usable_case(state, case_id)
    entries = case.report["attachments"]
    chosen = [a for n, a in enumerate(entries, 1) if name in (str(n), a["entry"], a["entry"].split("/", 1)[-1], a["original_name"])]
    if len(chosen) != 1:
        raise DeskError(f"case {case.id} has {'no' if not chosen else 'more than one'} attachment called {name!r}",
                       hint="see the attachment list in 'intake show'")
    entry = chosen[0]
    try:
        with Submission(session.vault.submission_path(case.id), session.identities) as submission, AtomicFile(output) as out:
            # Checks the size and SHA-256 against the report; on a mismatch nothing is published.
            submission.copy_attachment(entry["entry"], out, entry)
    except FileExistsError:
        raise DeskError(f"{output} already exists; refusing to overwrite it") from None
    click.echo(f"intake: warning: {output} now holds an original attachment in plaintext; keep it on an encrypted disk and delete it when done", err=True)


@click.command()
@vault_options
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--mandate", "mandate_changes", multiple=True, metavar="+CODE|-CODE", help="Confirm (+) or remove (-) a mandate (repeatable; the codes: 'intake mandates').")
@click.option("--urgent", type=click.Choice(["yes", "no", "auto"]), help="Staff decision on urgency (auto: follow the rules).")
@click.option("--note", metavar="TEXT", help="Add a note to the case.")
@click.option("--link", metavar="OTHER_CASE", help="Link another case to this one.")
@click.option("--fact", "facts", multiple=True, metavar="KEY=VALUE",
              help="A fact the organisation knows and the form did not ask or the source could not say "
                   "(repeatable; KEY= clears it; the keys: docs/staff.md).")
@click.option("--reason", metavar="TEXT", help="Why (recorded in the audit log).")
@click.argument("case_id", metavar="CASE")
def triage(session, status, mandate_changes, urgent, note, link, facts, reason, case_id):
    """Record staff decisions on a case; every change goes to the encrypted audit log."""
    from ..desk.rules import MANDATES
    from ..desk.triage import KEEP, apply_triage

    urgent_value = {"yes": True, "no": False, "auto": None}.get(urgent, KEEP)
    with session.vault.require().changing_state(session.identities) as state:
        resolved = usable_case(state, case_id).id
        changes = apply_triage(state, resolved, known_mandates=MANDATES, status=status, mandate_changes=mandate_changes,
                               urgent=urgent_value, note=note, link=link, facts=facts, reason=reason or "")
    for field, (old, new) in changes.items():
        click.echo(f"{resolved}: {field}: {json.dumps(old, ensure_ascii=False)} -> {json.dumps(new, ensure_ascii=False)}")


@click.command()
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def mandates(output_format):
    """The UN mandate codes the rules suggest and `triage --mandate` takes, with their names."""
    from ..desk.rules import MANDATES

    if output_format == "json":
        click.echo(json.dumps([{"code": code, "name": name} for code, name in MANDATES.items()], indent=1))
        return
    width = max(map(len, MANDATES))
    for code, name in MANDATES.items():
        click.echo(f"{code:<{width}}  {name}")


COMMANDS = (import_, list_, show, attachment, triage, mandates)
