"""Reading a redacted report for the export formats, and the checks every format shares.

The report is the output of redaction.apply (docs/report-schema.md shape, pseudonyms such as
"Person A (victim)" and "Place 1 (Sichuan)" in place of names). Nothing here writes or prints.
"""

import re

from ...receipt import PATTERN as RECEIPT_PATTERN

from ..redaction import PROFILES, names_allowed, normalize
from ..redaction.profiles import consented_names
from ..redaction.generalise import age_band
from ..redaction.provinces import Province, province_of
from ..rules import MANDATES, load_rules
from ...submission.dates import parse_date
from ..facts import ATTRIBUTION
from . import vocab

# What redaction puts in a name field: "Person A (victim)", "Person AB", "[name withheld]".
PSEUDONYM = re.compile(r"Person [A-Z]{1,3}(?: \([^()\n]*\))?")
WITHHELD = re.compile(r"\[[^\[\]\n]*withheld\]")
NAME_FIELDS = ("name", "name_other_spellings")

# An export id is ours ("CASE-001"); never a vault case id (12 base32 characters) or a receipt code.
EXPORT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
VAULT_ID = re.compile(r"[a-z2-7]{12}", re.IGNORECASE)
RECEIPT = re.compile(RECEIPT_PATTERN, re.IGNORECASE)

# Detention-type codes: the WGAD arrest/detention elements read these incidents first.
DETENTION_CODES = ("ARBITRARY_DETENTION", "RSDL_INCOMMUNICADO", "ENFORCED_DISAPPEARANCE", "HOUSE_ARREST",
                   "FORCED_PSYCHIATRIC_DETENTION")


def text(data, *keys) -> str:
    """The stripped string at data[k1][k2]…, "" when missing or not a string. CRLF read as LF."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data.strip().replace("\r\n", "\n").replace("\r", "\n") if isinstance(data, str) else ""


def check_report(report: dict) -> None:
    if not isinstance(report, dict) or report.get("kind") != "report":
        raise ValueError("exports are made from a report of kind 'report' (a follow-up is read with its case)")


def export_id(case_view: dict) -> str:
    """The pseudonymous export id the lead assigned; refuses anything shaped like a vault id or receipt."""
    value = case_view.get("id") if isinstance(case_view, dict) else None
    if not isinstance(value, str) or not EXPORT_ID.fullmatch(value):
        raise ValueError(f"case_view['id'] must be an export id such as 'CASE-001', got {value!r}")
    if VAULT_ID.fullmatch(value) or RECEIPT.fullmatch(value):
        raise ValueError("case_view['id'] looks like a vault case id or a receipt code: use the export id")
    return value


def incidents(report: dict) -> list[tuple[int, dict]]:
    """(number from 1, incident) for each incident of the report."""
    return [(n, i) for n, i in enumerate(report.get("incidents") or [], 1) if isinstance(i, dict)]


def updates(report: dict) -> list[tuple[int, dict]]:
    """(number from 1, update) for each follow-up the desk added to the report (review.case_document)."""
    return [(n, u) for n, u in enumerate(report.get("updates") or [], 1) if isinstance(u, dict)]


def attachment_count(report: dict) -> int:
    """The report's attachments and those sent with its follow-ups."""
    later = sum(u.get("attachment_count") or 0 for _, u in updates(report) if isinstance(u.get("attachment_count"), int))
    return len(report.get("attachments") or []) + later


def violation_codes(incident: dict) -> list[str]:
    return [c for c in dict.fromkeys(incident.get("violations") or []) if isinstance(c, str)]


def all_codes(report: dict) -> list[str]:
    """Every violation code of the report, in the order ticked, once."""
    return list(dict.fromkeys(c for _, i in incidents(report) for c in violation_codes(i)))


def code_list(data: dict, key: str) -> list[str]:
    """The list of codes at data[key] (charges), in the order ticked, once."""
    found = data.get(key) if isinstance(data, dict) else None
    return [c for c in dict.fromkeys(found if isinstance(found, list) else []) if isinstance(c, str)]


def labels(table: dict, values: list[str]) -> str:
    return "; ".join(vocab.label(table, v) for v in values)


def earlier_sg_report(coop: dict) -> str:
    """Whether the case was in an earlier SG reprisals report, with its year: "" if not known."""
    answer, year = text(coop, "earlier_sg_report"), text(coop, "earlier_sg_report_year")
    if answer == "yes":
        return f"yes, the {year} report" if year else "yes (year not given)"
    return "no" if answer == "no" else ""


# --- Facts staff added (desk/facts.py), redacted with the report as `staff_facts` -------------

def staff_fact(report: dict, key: str) -> str:
    """A staff fact as text ("" if none); charges as their codes joined by ";"."""
    if key == "charges":
        return ";".join(code_list(report.get("staff_facts") or {}, "charges"))
    return text(report, "staff_facts", key)


def staff_fact_value(report: dict, key: str) -> str | list[str]:
    """A staff fact for a JSON export: text, or the list of codes for charges."""
    return code_list(report.get("staff_facts") or {}, key) if key == "charges" else staff_fact(report, key)


def with_staff(answer: str, fact: str) -> str:
    """The form's answer and the organisation's fact on the same question, each attributed:
    the fact alone where the form left it unanswered, both where they differ."""
    if not fact or fact == answer:
        return answer
    if not answer:
        return f"{fact} ({ATTRIBUTION})"
    return f"{answer} (according to the source); {fact} ({ATTRIBUTION})"


def answer_or_fact(answer: str, report: dict, key: str) -> str:
    """For the code lists (stats, Uwazi): the form's answer, else the staff fact."""
    return answer or staff_fact(report, key)


# --- Names ------------------------------------------------------------------------------------

def is_pseudonym(value: str) -> bool:
    return not value or bool(PSEUDONYM.fullmatch(value) or WITHHELD.fullmatch(value))


def victim_names(report: dict) -> list[str]:
    """The victim's name fields that are NOT pseudonyms: a real name redaction kept (or missed)."""
    return [v for v in (text(report, "victim", k) for k in NAME_FIELDS) if not is_pseudonym(v)]


def victim_label(report: dict) -> str:
    """The pseudonym in victim.name ("Person A (victim)"), or "" if there is none."""
    value = text(report, "victim", "name")
    return value if value and is_pseudonym(value) else ""


def names_consented(report: dict, *profiles: str) -> bool:
    """Whether consent lets the victim's name stay, under any of these redaction profiles."""
    return any(names_allowed(report, PROFILES[p]) for p in profiles)


def check_names(report: dict, allowed: bool, purpose: str) -> list[str]:
    """The victim's real name fields, or ValueError if a real name is there without consent:
    the victim's (the report's consent) or a related person's (their own, and the report's)."""
    names = victim_names(report)
    if names and not allowed:
        raise ValueError(f"the redacted report still carries the victim's name, and consent does not allow it "
                         f"in {purpose}: redact again without keep_names")
    consented = consented_names(report)
    for n, person in enumerate(report.get("related_persons") or [], 1):
        if not isinstance(person, dict):
            continue
        named = [v for v in (text(person, k) for k in ("name", "name_other_spellings")) if not is_pseudonym(v)]
        if named and not (allowed and f"related_persons[{n - 1}].name" in consented):
            raise ValueError(f"the redacted report still carries the name of person affected {n}, and their consent "
                             f"does not allow it in {purpose}: redact again and accept the proposal for that name")
    return names


# --- Dates, places, ages ------------------------------------------------------------------------

def precision(date: str) -> str | None:
    """"day", "month" or "year" for a stored YYYY[-MM[-DD]] date; None for anything else."""
    found = parse_date(date)
    return found.precision if found else None


def month_of(date: str) -> str:
    """"YYYY-MM" of a date precise to the month or the day, else ""."""
    return date[:7] if precision(date) in ("month", "day") else ""


def date_type(incident: dict) -> str | None:
    """The mt 48 date type of an incident's start: "estimate", "month", "year", or None (exact)."""
    if (incident.get("start") or {}).get("approximate") is True:
        return "estimate"
    kind = precision(text(incident, "start", "date"))
    return kind if kind in ("month", "year") else None


def province(value: str) -> Province | None:
    """The province a place text names ("Chengdu, Sichuan" -> Sichuan), or None."""
    return province_of(normalize(value).text) if value else None


def age_band_of(value: str) -> str:
    """An age band: the redacted one ("40–49", "born in the 1970s"), or one made from a raw age."""
    if re.fullmatch(r"\d{1,3}–\d{1,3}|born in the \d{4}s", value):
        return value
    return (age_band(value) or "") if value else ""


# --- Mandates -------------------------------------------------------------------------------------

def check_mandate(mandate: str) -> None:
    if mandate not in MANDATES:
        raise ValueError(f"unknown mandate {mandate!r}; known: {', '.join(sorted(MANDATES))}")


def routed_codes(mandate: str) -> set[str]:
    """The violation codes whose routing row names this mandate (primary, secondary or conditional)."""
    out = set()
    for code, row in load_rules().violations.items():
        if mandate in row["primary"] + row["secondary"] + [c["mandate"] for c in row["conditional"]]:
            out.add(code)
    return out


def relevant_incidents(report: dict, mandate: str) -> list[tuple[int, dict]]:
    """The incidents with a code routed to this mandate; all of them if none is (global rules)."""
    codes = routed_codes(mandate)
    found = [(n, i) for n, i in incidents(report) if codes & set(violation_codes(i))]
    return found or incidents(report)


def confirmed(case_view: dict) -> list[str]:
    return [m for m in case_view.get("mandates") or [] if isinstance(m, str)]
