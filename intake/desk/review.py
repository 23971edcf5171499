"""The redaction review of one case, kept in the encrypted case state.

What staff decided is stored on the case (`Case.redaction`):

    {"terms":        [{"kind", "role", "spellings"}],  added to the register seeded from the answers
     "aliases":      [{"entry", "spelling"}],           extra spellings of register entries
     "decisions":    {profile: {proposal id: "accept" | "reject"}},
     "updates_read": {profile: [follow-up case ids]}}   the follow-ups staff have read

What is reviewed and exported is the case document: the report, the facts staff added
(facts.py) as `staff_facts`, plus, for the profiles whose exports carry free text (un-sp), the
text of the follow-ups as `updates` (each with its month and attachment count). A follow-up goes out only once staff have read it and said so by its id
(`intake redact CASE --read ID`): no detector can vouch for a text nobody looked at, and naming
it means a follow-up imported in the meantime is never marked read unseen. A follow-up arriving
after the review also brings new proposals. The report's own keep their ids, because `updates`
is walked last (redaction/paths.py); an update's proposals are named by the follow-up's case id,
not its position, so a decision stays with the follow-up it was made on.

Proposals are recomputed from the document and these additions whenever needed (they are a pure
function of them), so only decisions are stored. Whether the victim's name may stay is decided by
the consent recorded in the first report, per profile (redaction.profiles.names_allowed): a
follow-up is the same reporter adding to it, under the same consents. A full report that quotes
an earlier receipt is not a follow-up: it has its own consents and is exported on its own.
"""

from .redaction import PROFILES, Register, apply, leaks, names_allowed, normalize, propose, seed_register, unreviewed
from .redaction.engine import named_entries
from .facts import with_staff_facts
from .state import Case, VaultState

PROFILES_WITH_UPDATES = frozenset({"un-sp"})  # the others export codes and short answers only


def follow_ups_of(state: VaultState, case: Case) -> list[Case]:
    """Every follow-up that adds to `case`, also through a follow-up's own receipt; oldest first
    (times are to the second, so within one second a follow-up of a follow-up comes after it)."""
    depth: dict[str, int] = {}
    level, waiting = 1, list(case.follow_ups)
    while waiting:
        later = []
        for case_id in waiting:
            found = state.cases.get(case_id)
            if found is None or case_id in depth or case_id == case.id or found.report.get("kind") != "follow-up":
                continue
            depth[case_id] = level
            later += found.follow_ups
        level, waiting = level + 1, later
    return sorted((state.cases[i] for i in depth), key=lambda c: (c.received, depth[c.id], c.id))


def updates_for(state: VaultState, case: Case, profile: str) -> list[Case]:
    """The follow-ups whose text the `profile` export of `case` carries."""
    return follow_ups_of(state, case) if profile in PROFILES_WITH_UPDATES else []


def unread_updates(state: VaultState, case: Case, profile: str) -> list[Case]:
    read = set(case.redaction.get("updates_read", {}).get(profile, []))
    return [f for f in updates_for(state, case, profile) if f.id not in read]


def first_report(state: VaultState, follow_up: Case) -> Case | None:
    """The report a follow-up adds to, through follow-ups of follow-ups; None if not imported (yet)."""
    case, seen = follow_up, set()
    while case.report.get("kind") == "follow-up" and case.follow_up_of in state.cases and case.id not in seen:
        seen.add(case.id)
        case = state.cases[case.follow_up_of]
    return case if case.report.get("kind") != "follow-up" else None


def follow_up_refusal(state: VaultState, follow_up: Case, action: str) -> str:
    """Why a follow-up is not reviewed or exported on its own, and which case to use instead."""
    first = first_report(state, follow_up)
    where = first.id if first else "not linked: its first report is not in the vault"
    return f"{follow_up.id} is a follow-up; {action} the case it adds to ({where})"


def _document(state: VaultState, case: Case, profile: str, leave_out: frozenset) -> tuple[dict, dict]:
    """The case document: the report with the follow-ups `profile` exports as `updates` (any
    `updates` of its own replaced), and the path_keys naming each update by its follow-up's id."""
    follow_ups = [f for f in updates_for(state, case, profile) if f.id not in leave_out]
    # The month only: when a follow-up arrived says something about the reporter, not the events.
    updates = [{"received": f.received[:7], "message": f.report.get("message", ""),
                "attachment_count": len(f.report.get("attachments") or [])} for f in follow_ups]
    keys = {f"updates[{n}]": f"updates[{f.id}]" for n, f in enumerate(follow_ups)}
    return {**with_staff_facts(case), "updates": updates}, keys


def document_for(state: VaultState, case: Case, profile: str) -> dict:
    """The case document `profile` reviews and exports (before redaction)."""
    return _document(state, case, profile, frozenset())[0]


def register_for(case: Case) -> Register:
    register = seed_register(case.report)
    for term in case.redaction.get("terms", []):
        register.add(term["kind"], term["role"], *term["spellings"])
    for alias in case.redaction.get("aliases", []):
        register.alias(alias["entry"], alias["spelling"])
    return register


def withheld_name(case: Case, text: str) -> str | None:
    """Who `text` names among the people whose names the case's un-sp redaction withholds (the
    profile that carries staff's free text), by their role; None if nobody. The same register and
    the same consent decision as the redaction and the exports' name check."""
    register = register_for(case)
    kept = named_entries(register, case.report, keep_names(case, "un-sp"))
    for hit in register.matcher().find(normalize(text).text):
        entry = register.entry(hit.owner)
        if entry.kind == "person" and entry.id not in kept:
            return f"a person of the case ({entry.role})"
    return None


def withheld_text(state: VaultState, case: Case, text: str) -> str | None:
    """What of the case's un-sp redaction `text` holds (a withheld identifier or contact detail,
    never-disclose text, a name in any spelling: redaction.leaks, the check translations get), said
    without it; None if nothing."""
    found = leaks({"text": text}, register_for(case), proposals_for(state, case, "un-sp"), decisions_for(case, "un-sp"))
    return found[0].withheld() if found else None


def keep_names(case: Case, profile: str) -> bool:
    return names_allowed(case.report, PROFILES[profile])


def proposals_for(state: VaultState, case: Case, profile: str):
    return _proposals(case, profile, *_document(state, case, profile, frozenset()))


def _proposals(case: Case, profile: str, document: dict, keys: dict):
    return propose(document, register_for(case), profile, keep_names=keep_names(case, profile), path_keys=keys)


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
    decisions = decisions_for(case, profile)
    chosen = {}
    if accept_all:
        chosen.update({p.id: "accept" for p in unreviewed(proposals, decisions)})
    chosen.update({_proposal_id(pid, by_id): "accept" for pid in accept})
    chosen.update({_proposal_id(pid, by_id): "reject" for pid in reject})
    decisions.update(chosen)
    case.redaction.setdefault("decisions", {})[profile] = decisions
    counts = {kind: sum(1 for d in chosen.values() if d == kind) for kind in ("accept", "reject")}
    if chosen:
        state.record(case.id, "redact", {"decisions": [None, f"{profile}: {counts['accept']} accepted, {counts['reject']} rejected"]},
                     "accept all" if accept_all else "review")
    return counts


def mark_read(state: VaultState, case: Case, profile: str, follow_up_ids) -> list[str]:
    """Record that staff read these follow-ups (full ids, as the preview shows them) for `profile`."""
    from .errors import DeskError

    if not follow_up_ids:
        return []
    updates = {f.id for f in updates_for(state, case, profile)}
    if not updates:
        hint = "only un-sp exports carry follow-ups" if profile not in PROFILES_WITH_UPDATES else None
        raise DeskError(f"{case.id} has no follow-ups that a {profile} export carries", hint=hint)
    # The whole id, never a prefix: a prefix could name a follow-up that arrived after the preview.
    unknown = [f for f in follow_up_ids if f.lower() not in updates]
    if unknown:
        raise DeskError(f"{len(unknown)} --read value(s) are not the id of a follow-up of {case.id}",
                        hint="give each follow-up's whole id, as 'intake redact CASE' shows it")
    read = case.redaction.setdefault("updates_read", {}).setdefault(profile, [])
    marked = []
    for follow_up_id in dict.fromkeys(f.lower() for f in follow_up_ids):
        if follow_up_id not in read:
            read.append(follow_up_id)
            marked.append(follow_up_id)
            state.record(case.id, "redact", {"updates_read": [None, f"{profile}: {follow_up_id}"]}, "follow-up read")
            state.record(follow_up_id, "redact", {"read": [None, f"{profile} (with {case.id})"]}, "follow-up read")
    return marked


def _proposal_id(prefix: str, by_id) -> str:
    matches = [key for key in by_id if key.startswith(prefix.lower())]
    if len(matches) != 1:
        from .errors import DeskError

        raise DeskError(f"{'no' if not matches else 'more than one'} proposal matches {prefix!r}", hint="see 'intake redact CASE'")
    return matches[0]


def unread_refusal(state: VaultState, case: Case, profile: str) -> str | None:
    """Why `case` cannot leave as `profile` while follow-ups nobody has read wait, or None."""
    ids = [f.id for f in unread_updates(state, case, profile)]
    if not ids:
        return None
    return (f"{case.id} has follow-ups not yet read for {profile}: {', '.join(ids)}; read them in "
            f"'intake redact {case.id} --profile {profile}', then add --read ID for each")


def reviewed(state: VaultState, case: Case, profile: str) -> tuple[dict, list]:
    """The case document redacted for `profile` with every follow-up, and the proposals it was
    made with; raises on unreviewed proposals."""
    document, keys = _document(state, case, profile, frozenset())
    proposals = _proposals(case, profile, document, keys)
    return apply(document, proposals, decisions_for(case, profile)), proposals


def redacted_report(state: VaultState, case: Case, profile: str, *, force: bool = False,
                    leave_out: frozenset = frozenset()) -> dict:
    """The case document as it may leave the organisation under `profile`, without the follow-ups
    in `leave_out`; raises on unreviewed proposals."""
    document, keys = _document(state, case, profile, leave_out)
    return apply(document, _proposals(case, profile, document, keys), decisions_for(case, profile), force=force)
