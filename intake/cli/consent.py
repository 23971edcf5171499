"""`intake consent`: record how the informed consent of the person concerned was confirmed."""

import json

import click

from .desk import usable_case, vault_options


@click.command()
@vault_options
@click.option("--given-by", required=True, help="Who consented: victim, family, representative or reporter (a role, never a name).")
@click.option("--date", "given_on", required=True, metavar="YYYY-MM-DD", help="When consent was given.")
@click.option("--channel", required=True, help="How: in-person, phone, video, secure-message or letter.")
@click.option("--risks-explained", type=click.Choice(("yes", "no")), required=True, help="Were the risks explained and understood?")
@click.option("--scope", required=True, metavar="LIST", help="What it covers: un-sp, reprisals-named | reprisals-anonymised, or none.")
@click.option("--reconfirmed", metavar="YYYY-MM-DD", help="When consent was last confirmed again.")
@click.argument("case_id", metavar="CASE")
def consent(session, given_by, given_on, channel, risks_explained, scope, reconfirmed, case_id):
    """Record the consent of CASE's person concerned; exports never go beyond its scope."""
    from ..desk.consent import parse_scope, record_consent
    from ..desk.state import now_utc

    scopes = parse_scope(scope)
    with session.vault.require().changing_state(session.identities) as state:
        case = usable_case(state, case_id)
        record = record_consent(state, case, given_by=given_by, date=given_on, channel=channel,
                                risks_explained=risks_explained == "yes", scope=scopes, reconfirmed=reconfirmed,
                                now=now_utc())
    click.echo(json.dumps({"case": case.id, "consent_record": record}))
