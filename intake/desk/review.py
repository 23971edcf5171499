"""The redaction review of one case, kept in the encrypted case state.

What staff decided is stored on the case (`Case.redaction`):

    {"terms":     [{"kind", "role", "spellings"}],  added to the register seeded from the answers
     "aliases":   [{"entry", "spelling"}],           extra spellings of register entries
     "decisions": {profile: {proposal id: "accept" | "reject"}}}

Proposals are recomputed from the report and these additions whenever needed (they are a pure
function of them), so only decisions are stored. Whether the victim's name may stay is decided by
the consent recorded in the report, per profile (redaction.profiles.names_allowed).
"""

from .redaction import PROFILES, Register, apply, names_allowed, propose, seed_register, unreviewed
from .state import Case, VaultState


def register_for(case: Case) -> Register:
    register = seed_register(case.report)
    for term in case.redaction.get("terms", []):
        register.add(term["kind"], term["role"], *term["spellings"])
    for alias in case.redaction.get("aliases", []):
        register.alias(alias["entry"], alias["spelling"])
    return register


def keep_names(case: Case, profile: str) -> bool:
    return names_allowed(case.report, PROFILES[profile])


def proposals_for(case: Case, profile: str):
    return propose(case.report, register_for(case), profile, keep_names=keep_names(case, profile))


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


def redacted_report(case: Case, profile: str, *, force: bool = False) -> dict:
    """The report as it may leave the organisation under `profile`; raises on unreviewed proposals."""
    proposals = proposals_for(case, profile)
    return apply(case.report, proposals, decisions_for(case, profile), force=force)
