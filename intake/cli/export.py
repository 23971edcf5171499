"""`intake export`: anonymised cases for UN special procedures, the reprisals report, statistics."""

import click

from .desk import usable_case, vault_options

from ..desk.exports.uwazi import PROFILE as UWAZI
from ..desk.state import EXPORT_PROFILES, now_utc


@click.command()
@vault_options
@click.option("--profile", type=click.Choice(EXPORT_PROFILES + (UWAZI,)), required=True, help="What the export is for (docs/exports.md).")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="A new folder for the export (never overwritten).")
@click.option("--to", "recipient_text", metavar="RECIPIENT", help="Encrypt the export to a partner's age recipient instead of writing plaintext.")
@click.option("--force", is_flag=True, help="Export even with unreviewed redaction proposals (they are applied as if accepted); follow-ups not yet read are left out.")
@click.option("--include-other", is_flag=True, help="Include attachments that cannot be cleaned (not images or PDFs), as they are.")
@click.option("--per-mandate", is_flag=True, help="un-sp: also write a draft per mandate beside the joint communication.")
@click.option("--org", "org_path", metavar="FILE", help="The submitting organisation's profile (TOML) that signs communications; default $INTAKE_ORG_PROFILE.")
@click.argument("case_ids", nargs=-1, required=True, metavar="CASE...")
def export(session, profile, out_dir, recipient_text, force, include_other, per_mandate, org_path, case_ids):
    """Export reviewed cases, redacted by the profile, with attachments cleaned of metadata."""
    from .. import age
    from ..desk.errors import DeskError
    from ..desk.exports.bundle import plan_export, write_export
    from ..desk.organisation import load_profile

    recipient = None
    if recipient_text:
        try:
            recipient = age.parse_recipient(recipient_text)
        except age.KeyFormatError as exc:
            raise DeskError(f"invalid --to recipient: {exc}") from None
    org = load_profile(org_path)  # read before the vault: a bad profile stops the export before anything
    now = now_utc()
    with session.vault.require().changing_state(session.identities) as state:
        resolved = [usable_case(state, c).id for c in case_ids]
        plan = plan_export(session.vault, session.identities, state, resolved, profile, now, force=force, include_other=include_other,
                           per_mandate=per_mandate, org=org)
        written = write_export(plan, out_dir, recipient, vault=session.vault, identities=session.identities)
    for path in written:
        click.echo(str(path))
    for line in plan.left_out:
        click.echo(f"intake: left out {line}", err=True)
    for line in plan.warnings:
        click.echo(f"intake: warning: {line}", err=True)
    if recipient is None:
        click.echo(f"intake: warning: {out_dir} holds the export in plaintext; check every file before it leaves, then move it "
                   "to an encrypted medium", err=True)
