"""Staff decisions on a case. The rules only suggest; what is recorded here is what staff decided.

Every change is written to the audit log with the time, the old and new values, and a reason.
"""

from .case_ids import resolve
from .errors import DeskError
from .facts import set_facts
from .review import follow_up_refusal, withheld_name
from .state import STATUSES, VaultState, timestamp


KEEP = object()  # urgent=KEEP leaves the urgency decision as it is; None hands it back to the rules


def apply_triage(state: VaultState, case_id: str, *, known_mandates, status=None, mandate_changes=(), urgent=KEEP,
                 note=None, link=None, facts=(), reason: str = "") -> dict:
    """Apply the given decisions to one case; returns {field: [old, new]}. Raises DeskError.
    `facts`: KEY=VALUE items for the case's staff facts (facts.py), audited on their own."""
    case = state.cases[case_id]
    if facts and case.report.get("kind") == "follow-up":  # its facts are its report's
        raise DeskError(follow_up_refusal(state, case, "add the facts to"))
    fact_changes = set_facts(state, case, list(facts), lambda text: withheld_name(case, text), reason) if facts else {}
    changes: dict = {}
    if status is not None and status != case.status:
        if status not in STATUSES:
            raise DeskError(f"unknown status {status}", hint="one of: " + ", ".join(STATUSES))
        changes["status"] = [case.status, status]
        case.status = status
    mandates = list(case.mandates)
    for change in mandate_changes:
        sign, code = change[:1], change[1:].upper()
        if sign not in "+-" or not sign or code not in known_mandates:
            raise DeskError(f"invalid mandate change {change!r}", hint="use +CODE or -CODE with a code from 'intake mandates'")
        if sign == "+" and code not in mandates:
            mandates.append(code)
        elif sign == "-" and code in mandates:
            mandates.remove(code)
    if mandates != case.mandates:
        changes["mandates"] = [case.mandates, mandates]
        case.mandates = mandates
    if urgent is not KEEP and urgent != case.urgent:
        changes["urgent"] = [case.urgent, urgent]
        case.urgent = urgent
    if note:
        case.notes.append({"time": timestamp(), "text": note})
        changes["note"] = [None, note]
    if link:
        other = resolve(link, state.known_ids())
        if other == case_id:
            raise DeskError("a case cannot be linked to itself")
        if other not in case.links:
            case.links.append(other)
            state.cases[other].links.append(case_id)
            changes["link"] = [None, other]
    if not (changes or fact_changes):
        raise DeskError("nothing to change", hint="give --status, --mandate, --urgent, --note, --link or --fact")
    if changes:
        state.record(case_id, "triage", changes, reason or note or "")
    return changes | fact_changes
