"""`intake redact`: the review step before any export."""

import json

import click

from .desk import usable_case, vault_options

from ..desk.state import EXPORT_PROFILES
from ..desk.terminal import visible


def _split(text: str, usage: str) -> list[str]:
    """'person:victim's son:王小明' → its parts, as many as `usage` has."""
    from ..desk.errors import DeskError

    parts = usage.count(":") + 1
    pieces = [p.strip() for p in text.split(":", parts - 1)]
    if len(pieces) != parts or not all(pieces):
        raise DeskError(f"expected {usage}")  # never echo it: it may be a name
    # Bytes that are not UTF-8 reach argv as lone surrogates: the encrypted state could not store them.
    if any(0xD800 <= ord(c) <= 0xDFFF or ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for piece in pieces for c in piece):
        raise DeskError(f"{usage} has bytes that are not UTF-8 text, or control characters",
                        hint="check the terminal's encoding (UTF-8), and type the spelling again")
    return pieces


def _reviewable(state, case_id: str):
    """The case, unless it is a follow-up: those are reviewed with the case they add to."""
    from ..desk.errors import DeskError
    from ..desk.review import follow_up_refusal

    case = state.cases[case_id]
    if case.report.get("kind") == "follow-up":
        raise DeskError(follow_up_refusal(state, case, "review it with"))
    return case


@click.command()
@vault_options
@click.option("--profile", type=click.Choice(EXPORT_PROFILES), default="un-sp", show_default=True, help="The export the review is for.")
@click.option("--accept", "accept_ids", multiple=True, metavar="ID", help="Accept a proposal (id or unique prefix; repeatable).")
@click.option("--reject", "reject_ids", multiple=True, metavar="ID", help="Reject a proposal (repeatable).")
@click.option("--accept-all", is_flag=True, help="Accept every proposal not yet decided (after reading the preview).")
@click.option("--read", "read_ids", multiple=True, metavar="FOLLOW-UP", help="Record that you read this follow-up (its id, as the preview shows; repeatable).")
@click.option("--add", "terms", multiple=True, metavar="KIND:ROLE:SPELLING", help="Register a name only found in free text, e.g. person:victim's brother:王小明.")
@click.option("--alias", "aliases", multiple=True, metavar="ENTRY:SPELLING", help="Another spelling of a register entry, e.g. person-1:bKra shis.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.argument("case_id", metavar="CASE")
def redact(session, profile, accept_ids, reject_ids, accept_all, read_ids, terms, aliases, output_format, case_id):
    """Show every free-text answer in full with each proposal marked in place
    (⟦original → replacement · id⟧), then every proposed replacement; accept, reject or add a
    name the detectors missed. Decisions are stored in the encrypted case state with an audit
    entry."""
    from ..desk.redaction.answers import free_text_answers
    from ..desk.review import (add_alias, add_term, decide, decisions_for, document_for, mark_read, proposals_for, register_for,
                               unread_updates, updates_for)

    changing = bool(accept_ids or reject_ids or accept_all or read_ids or terms or aliases)
    vault = session.vault.require()
    opened = vault.changing_state(session.identities) if changing else vault.reading_state(session.identities)
    with opened as state:
        case = _reviewable(state, usable_case(state, case_id).id)
        for term in terms:
            add_term(state, case, *_split(term, "KIND:ROLE:SPELLING"))
        for alias in aliases:
            add_alias(state, case, *_split(alias, "ENTRY:SPELLING"))
        proposals = proposals_for(state, case, profile)
        if changing:
            decide(state, case, profile, proposals, accept=accept_ids, reject=reject_ids, accept_all=accept_all)
            mark_read(state, case, profile, read_ids)
        decisions = decisions_for(case, profile)
        answers = free_text_answers(document_for(state, case, profile), proposals, profile)
        unread = {f.id for f in unread_updates(state, case, profile)}
        updates = [{"path": f"updates[{n}]", "case": f.id, "received": f.received[:7], "read": f.id not in unread,
                    "message": f.report.get("message", ""), "attachments": len(f.report.get("attachments") or [])}
                   for n, f in enumerate(updates_for(state, case, profile))]
    rows = [{"id": p.id, "decision": decisions.get(p.id, "unreviewed"), "path": p.path, "start": p.start, "end": p.end,
             "kind": p.kind, "original": p.original, "replacement": p.replacement, "context": p.context,
             "detector": p.detector, "evidence": p.evidence}
            for p in proposals]
    by_id = {row["id"]: row for row in rows}
    if output_format == "json":
        entries = [{"id": e.id, "kind": e.kind, "role": e.role, "spellings": list(e.spellings)} for e in register_for(case).entries]
        texts = [{"path": a.path, "text": a.text, "marked": a.render(), "proposals": [by_id[p.id] for p in a.proposals],
                  "marked_ids": [p.id for p in a.marked]} for a in answers]
        click.echo(visible(json.dumps({"case": case.id, "profile": profile, "answers": texts, "proposals": rows,
                                       "register": entries, "updates": updates}, ensure_ascii=False, indent=1)))
        return
    for answer in answers:  # in full: what no detector marked is there to be read, and added with --add
        click.echo(f"== {answer.path} ({len(answer.proposals)} proposal(s))")
        click.echo(visible("\n".join(f"   | {line}" for line in answer.render().split("\n"))))
        marked = {p.id for p in answer.marked}
        for p in answer.proposals:
            if p.id not in marked:
                click.echo(visible(f"   + overlapping: {p.id[:8]} {p.original!r} -> {p.replacement!r}"))
    if answers:
        click.echo("")
    for row in rows:
        context = " ".join(row["context"].split())
        click.echo(visible(f"[{row['decision']:<10}] {row['id']}  {row['path']}  {row['kind']}: "
                           f"{row['original']!r} -> {row['replacement']!r}\n             …{context}…"))
    for update in updates:  # the whole text: a follow-up goes out only once someone has read it
        mark = "read" if update["read"] else f"NOT READ: when you have read it, --read {update['case']}"
        attached = f", {update['attachments']} attachment(s): see 'intake show {update['case']}'" if update["attachments"] else ""
        click.echo(f"[{update['path']}] follow-up {update['case']}, received {update['received']}{attached} ({mark})")
        click.echo(visible("\n".join(f"             | {line}" for line in update["message"].split("\n"))))
    open_count = sum(r["decision"] == "unreviewed" for r in rows)
    click.echo(f"intake: {len(rows)} proposal(s) for {profile}: "
               f"{sum(r['decision'] == 'accept' for r in rows)} accepted, {sum(r['decision'] == 'reject' for r in rows)} rejected, "
               f"{open_count} not reviewed", err=True)
