"""The redaction review of one case, kept in the encrypted case state.

What staff decided is stored on the case (`Case.redaction`):

    {"terms":     [{"kind", "role", "spellings"}],  added to the register seeded from the answers
     "aliases":   [{"entry", "spelling"}],           extra spellings of register entries
     "decisions": {profile: {proposal id: "accept" | "reject"}}}

What is reviewed and exported is the case document: the report, plus the text of the follow-ups
linked to it as `updates` (oldest first, each with its month and attachment count). A follow-up
that arrives after the review brings new, unreviewed proposals, so the export waits for them; the
report's own proposals keep their ids, because `updates` is walked last (redaction/paths.py).

Proposals are recomputed from the document and these additions whenever needed (they are a pure
function of them), so only decisions are stored. Whether the victim's name may stay is decided by
the consent recorded in the first report, per profile (redaction.profiles.names_allowed): a
follow-up is the same reporter adding to it, under the same consents.
"""

from .redaction import PROFILES, Register, apply, names_allowed, propose, seed_register, unreviewed
from .state import Case, VaultState


def follow_ups_of(state: VaultState, case: Case) -> list[Case]:
    """Every follow-up that adds to `case`, also through a follow-up's own receipt; oldest first
    (times are to the second, so within one second a follow-up of a follow-up comes after it)."""
    depth: dict[str, int] = {}
    level, waiting = 1, list(case.follow_ups)
    while waiting:
        later = []
        for case_id in waiting:
            if case_id not in depth and case_id != case.id and case_id in state.cases:
                depth[case_id] = level
                later += state.cases[case_id].follow_ups
        level, waiting = level + 1, later
    return sorted((state.cases[i] for i in depth), key=lambda c: (c.received, depth[c.id], c.id))


def case_document(state: VaultState, case: Case) -> dict:
    """The report with its follow-ups as `updates`; the report itself when there are none."""
    follow_ups = follow_ups_of(state, case)
    if not follow_ups:
        return case.report
    # The month only: when a follow-up arrived says something about the reporter, not the events.
    updates = [{"received": f.received[:7], "message": f.report.get("message", ""),
                "attachment_count": len(f.report.get("attachments") or [])} for f in follow_ups]
    return {**case.report, "updates": updates}


def register_for(case: Case) -> Register:
    register = seed_register(case.report)
    for term in case.redaction.get("terms", []):
        register.add(term["kind"], term["role"], *term["spellings"])
    for alias in case.redaction.get("aliases", []):
        register.alias(alias["entry"], alias["spelling"])
    return register


def keep_names(case: Case, profile: str) -> bool:
    return names_allowed(case.report, PROFILES[profile])


def proposals_for(state: VaultState, case: Case, profile: str):
    return propose(case_document(state, case), register_for(case), profile, keep_names=keep_names(case, profile))


def decisions_for(case: Case, profile: str) -> dict:
    return dict(case.redaction.get("decisions", {}).get(profile, {}))


def add_term(state: VaultState, case: Case, kind: str, role: str, spelling: str) -> None:
    register_for(case).add(kind, role, spelling)  # validates before anything is stored
    case.redaction.setdefault("terms", []).append({"kind": kind, "role": role, "spellings": [spelling]})
    state.record(case.id, "redact", {"register": [None, f"{kind}: {role}"]}, "term added")


def add_alias(state: VaultState, case: Case, entry: str, spelling: str) -> None:
    register_for(case).alias(entry, spelling)
    case.redaction.setdefault("aliases", []).append({"entry": entry, "spelling": spelling})
    state.record(case.id, "redact", {"alias": [None, entry]}, "spelling added")


def decide(state: VaultState, case: Case, profile: str, proposals, *, accept=(), reject=(), accept_all=False) -> dict:
    """Record decisions (ids may be unique prefixes); returns {"accept": n, "reject": n}."""
    by_id = {p.id: p for p in proposals}

    def resolve(prefix: str) -> str:
        matches = [pid for pid in by_id if pid.startswith(prefix.lower())]
        if len(matches) != 1:
            from .errors import DeskError

            raise DeskError(f"{'no' if not matches else 'more than one'} proposal matches {prefix!r}", hint="see 'intake redact CASE'")
        return matches[0]

    decisions = decisions_for(case, profile)
    chosen = {}
    if accept_all:
        chosen.update({p.id: "accept" for p in unreviewed(proposals, decisions)})
    chosen.update({resolve(pid): "accept" for pid in accept})
    chosen.update({resolve(pid): "reject" for pid in reject})
    decisions.update(chosen)
    case.redaction.setdefault("decisions", {})[profile] = decisions
    counts = {kind: sum(1 for d in chosen.values() if d == kind) for kind in ("accept", "reject")}
    if chosen:
        state.record(case.id, "redact", {"decisions": [None, f"{profile}: {counts['accept']} accepted, {counts['reject']} rejected"]},
                     "accept all" if accept_all else "review")
    return counts


def redacted_report(state: VaultState, case: Case, profile: str, *, force: bool = False) -> dict:
    """The case document as it may leave the organisation under `profile`; raises on unreviewed proposals."""
    proposals = proposals_for(state, case, profile)
    return apply(case_document(state, case), proposals, decisions_for(case, profile), force=force)
