"""Facts staff add to a case where the form could not know (`intake triage CASE --fact KEY=VALUE`).

The source often cannot say the exact charge, the reference of an earlier UN letter, or the year
a case was in the Secretary-General's report; the organisation learns them from the lawyer, the
family or the UN. These facts are the organisation's, never the reporter's: they are kept beside
the form's answers (Case.facts), never written into the report, and every export that uses one
says so ("according to the submitting organisation"), giving both when the form answered too.

One vocabulary of keys, here. A value is checked by the report schema's own rule for the answer
it stands beside (a date of at least a month, a code, a year, short text), so a fact can hold
nothing the form could not. Each change is audited (who: the desk's operator; when; old and new
value). A text fact that names a person the case's redaction withholds, or holds anything else
its un-sp redaction withholds (an identifier, a contact detail, never-disclose text: the leak
check translations get, review.withheld_text), is refused on entry, and every text fact is
redacted with the report before it leaves (review.py adds them to the case document as
`staff_facts`).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..submission import SubmissionError
from ..submission import schema
from ..submission.dates import normalize_date
from .errors import DeskError

if TYPE_CHECKING:  # state.py checks stored facts with check_facts: no import at run time
    from .state import Case, VaultState

ATTRIBUTION = "according to the submitting organisation"


@dataclass(frozen=True)
class Fact:
    answers: str  # the report answer this fact stands beside ("victim.arrest_date"), or "" if none
    rule: Callable  # the schema's check of that answer: (value, path) -> value, or SubmissionError
    allowed: str  # what the value may be, for the error line
    free_text: bool = False  # typed by staff: checked for withheld names, redacted before export
    date: bool = False  # typed as on the form ("2024年5月"), stored as YYYY[-MM[-DD]]


def _codes_without_empty(codes: frozenset) -> Callable:
    return schema.code(codes - {""})


def _charges(value, path):
    if type(value) is not list or not value:
        raise SubmissionError(f"report.json: {path} is not a list of charge codes")
    return schema.charges(value, path)


FACTS: dict[str, Fact] = {
    "arrest_date": Fact("victim.arrest_date", schema.month, "a date of at least a year and month, like 2024-05",
                        date=True),
    "arrest_place": Fact("victim.arrest_place", schema.SHORT, "text of at most 300 characters", free_text=True),
    "detention_place": Fact("victim.detention_place", schema.SHORT, "text of at most 300 characters", free_text=True),
    "detention_kind": Fact("victim.detention_kind", _codes_without_empty(schema.DETENTION_KINDS),
                           "one of " + ", ".join(sorted(schema.DETENTION_KINDS - {""}))),
    "charges": Fact("victim.charges", _charges,
                    "charge codes separated by commas, of " + ", ".join(sorted(schema.CHARGES))),
    "charges_wording": Fact("victim.charges_wording", schema.SHORT, "text of at most 300 characters", free_text=True),
    "government_replied": Fact("un_cooperation.government_replied", _codes_without_empty(schema.GOVERNMENT_REPLIED),
                               "one of " + ", ".join(sorted(schema.GOVERNMENT_REPLIED - {""}))),
    "earlier_sg_report_year": Fact("un_cooperation.earlier_sg_report_year", schema.year, "a year, like 2023",
                                   date=True),
    # The reference of an earlier UN communication about the person ("CHN 4/2023", "AL CHN 7/2024").
    "un_reference": Fact("un_cooperation.already_raised", schema.SHORT, "text of at most 300 characters",
                         free_text=True),
    # What the form does not ask and a mandate needs (un-procedures.md §2.1, §2.2, §2.4): the
    # organisation's own knowledge.
    "ordering_authority": Fact("", schema.SHORT, "text of at most 300 characters", free_text=True),
    "affiliation": Fact("", schema.SHORT, "text of at most 300 characters", free_text=True),
    "family_contact": Fact("", schema.code(frozenset({"yes", "no"})), "yes or no"),
}
KEYS = ", ".join(FACTS)


def with_staff_facts(case: "Case") -> dict:
    """The case's report with its staff facts as `staff_facts`: what the rules read
    (readiness.toml names them beside the answers they stand for), what redaction reviews
    (review.py) and what the code counts (stats) read."""
    return {**case.report, "staff_facts": dict(case.facts)} if case.facts else case.report


def parse_fact(text: str) -> tuple[str, object]:
    """KEY=VALUE as typed after --fact: (key, the value as stored), or (key, None) to clear it."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or key not in FACTS:
        raise DeskError(f"unknown fact {key!r}" if sep else f"--fact takes KEY=VALUE, got {text!r}",
                        hint=f"the keys are: {KEYS} (KEY= clears one)")
    fact, value = FACTS[key], value.strip()
    if not value:
        return key, None
    if key == "charges":
        stored: object = [c.strip() for c in value.split(",") if c.strip()]
    elif fact.date:
        stored = normalize_date(value) or value  # a value that is no date is refused by the rule below
    else:
        stored = value
    try:
        fact.rule(stored, key)
    except SubmissionError as exc:
        # The rule names the key and what broke; the value itself is not repeated.
        raise DeskError(f"--fact {str(exc).removeprefix('report.json: ')}", hint=f"{key} takes {fact.allowed}") from None
    return key, stored


def check_facts(facts) -> None:
    """Stored facts have the shape set_facts gives them, or ValueError (the case is then shown as
    damaged, never half-used by show or an export)."""
    if not facts:
        return
    if not isinstance(facts, dict) or set(facts) - FACTS.keys():
        raise ValueError("the case's staff facts have unknown keys")
    for key, value in facts.items():
        try:
            FACTS[key].rule(value, key)
        except SubmissionError:
            raise ValueError(f"the case's staff fact {key} is damaged") from None


def set_facts(state: "VaultState", case: "Case", typed: list[str], withheld: Callable[[str], str | None],
              reason: str = "") -> dict:
    """Apply each KEY=VALUE to the case's facts (later ones win) and audit the changes; returns
    {fact key: [old, new]}. Nothing is changed if any of them is refused. `withheld(text)` says
    which withheld name a text holds, if any (review.withheld_name)."""
    from .review import withheld_text  # review.py reads the facts: imported here, not at the top

    facts = dict(case.facts)
    for item in typed:
        key, value = parse_fact(item)
        if isinstance(value, str) and FACTS[key].free_text:  # a text fact: typed, so checked like an answer
            if found := withheld(value):
                raise DeskError(f"--fact {key} names {found}, whom this case's redaction withholds: write the fact "
                                "without the name")
            if found := withheld_text(state, case, value):
                raise DeskError(f"--fact {key} holds what this case's redaction withholds ({found}): write the "
                                "fact without it")
        if value is None:
            facts.pop(key, None)
        else:
            facts[key] = value
    changes = {f"fact {key}": [case.facts.get(key), facts.get(key)] for key in FACTS
               if case.facts.get(key) != facts.get(key)}
    if changes:
        case.facts = facts
        state.record(case.id, "fact", changes, reason)
    return changes
