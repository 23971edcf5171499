"""`intake translate`: translations of a case's redacted answers for the letter to the UN."""

import json

import click

from .desk import usable_case, vault_options


@click.command()
@vault_options
@click.option("--language", "target", type=click.Choice(("en", "fr", "es")),
              help="The language the case's letter is written in (default en); audited.")
@click.option("--sheet", "sheet", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write a sheet of the answers to translate to FILE (a new file; redacted text only).")
@click.option("--apply", "applied", metavar="FILE", type=click.Path(dir_okay=False),
              help="Store the translations of a filled-in sheet (refused whole if the case changed since).")
@click.option("--format", "sheet_format", type=click.Choice(("markdown", "json")), default="markdown", show_default=True,
              help="With --sheet: the sheet as Markdown (for translators) or JSON (for tools); --apply reads either.")
@click.option("--by", metavar="NAME", help="With --apply: who translated the sheet (name or initials, for the audit log).")
@click.argument("case_id", metavar="CASE")
def translate(session, target, sheet, applied, sheet_format, by, case_id):
    """Translate CASE's redacted free-text answers: write a sheet, fill it in, apply it. With no
    option, says what is translated and what is missing."""
    from ..desk.errors import DeskError
    from ..desk.state import now_utc
    from ..desk.translating import apply_sheet, case_answers, status, write_sheet
    from ..desk.translations import set_language

    if sheet and applied:
        raise DeskError("give --sheet or --apply, not both")
    if applied and not by:
        raise DeskError("--apply needs --by NAME: who translated the sheet, for the audit log")
    if by and not applied:
        raise DeskError("--by goes with --apply")
    vault = session.vault.require()
    opened = vault.changing_state(session.identities) if (target or applied) else vault.reading_state(session.identities)
    with opened as state:
        case = usable_case(state, case_id)
        if target:
            set_language(state, case, target)
        if applied:
            out = apply_sheet(state, case, applied, by, now_utc())
        elif sheet:
            out = write_sheet(state, case, sheet, as_json=sheet_format == "json")
        elif target:  # the language alone: set whatever the state of the redaction
            out = {"case": case.id, "language": target}
        else:
            out = status(case, case_answers(state, case, "its translations are listed")[0])
    click.echo(json.dumps(out, ensure_ascii=False))
