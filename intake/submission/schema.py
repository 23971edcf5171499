"""report.json, schemas `intake.report/3`, `/2` and `/1` (docs/report-schema.md), checked in full.

`validate_report(data)` returns the report when every key the schema names is present with the
right type, size and code, and nothing else is; otherwise it raises SubmissionError naming the
first path that breaks a rule. A report that passes is exactly what our form can produce, so
the rest of the desk may index it without checking types again.

A `/1` report (the form before related persons, the imminent event and who cooperated) is
checked by its own rules, then given the `/2` shape: each question the old form did not ask gets
its "no answer" value, and `schema` keeps saying `/1` so staff can see it was never asked. The
upgraded report passes this reader again (the case cache stores it), and only with those values.
A `/2` report (the form before the arrest, the kind of place of detention, the charges, the
response to remedies and earlier UN action) is given the `/3` shape the same way; a `/1` report
is given both.

The codes are ours (the web form's choices.py carries the same codes with the reporter's
labels; a test keeps the two lists equal). A new code or key means a new schema version.
"""

import re

from ..receipt import normalize_receipt
from . import caps
from .dates import parse_date, parse_received
from .errors import SubmissionError
from .layout import ATTACHMENT_ENTRY, REPORT_SCHEMA, REPORT_SCHEMA_1, REPORT_SCHEMA_2
from .report import Submitted

# Raise it whenever this reader refuses something it used to accept: the desk then checks every
# stored report again (state.py records which version checked each one).
READER_VERSION = f"{REPORT_SCHEMA} strict/1"
KINDS = ("report", "follow-up")
SCHEMAS = frozenset({REPORT_SCHEMA, REPORT_SCHEMA_2, REPORT_SCHEMA_1})

LANGUAGES = frozenset({"en", "zh_Hans", "zh_Hant", "ug", "bo"})
RELATIONS = frozenset({"self", "family", "lawyer", "colleague", "ngo", "witness", "other"})
HOW_KNOWN = frozenset({"direct", "told_by_victim", "public_sources", "other"})
CONTACT_CHANNELS = frozenset({"", "signal", "email", "other"})
VICTIM_KINDS = frozenset({"individual", "group"})
SEXES = frozenset({"", "female", "male", "other"})
YES_NO_UNSURE = frozenset({"", "yes", "no"})
STATUSES = frozenset({"free", "detained", "whereabouts_unknown", "house_arrest", "abroad", "deceased", "unsure"})
UN_BODIES = frozenset({"hrc_session", "upr", "special_procedures", "treaty_body", "ohchr", "un_agency", "other", "unsure"})
COOPERATION_KINDS = frozenset({"submission", "testimony", "meeting", "training", "travel", "online", "planned", "other",
                               "unsure"})
COOPERATED_BY = frozenset({"", "victim", "related_person", "reporter", "organisation"})
VIOLATIONS = frozenset({
    "ARBITRARY_DETENTION", "RSDL_INCOMMUNICADO", "ENFORCED_DISAPPEARANCE", "HOUSE_ARREST", "TORTURE_ILL_TREATMENT",
    "DENIAL_OF_MEDICAL_CARE", "DEATH_IN_CUSTODY", "EXIT_BAN", "PASSPORT_DENIAL", "FORCED_RETURN", "SURVEILLANCE",
    "THREATS", "HARASSMENT_OF_FAMILY", "DISMISSAL_FROM_JOB", "LAWYER_DISBARMENT", "DENIAL_OF_LAWYER_OF_CHOICE",
    "UNFAIR_TRIAL", "CENSORSHIP", "INTERNET_SHUTDOWN", "NGO_CLOSURE", "SMEAR_CAMPAIGN", "RELIGIOUS_PERSECUTION",
    "MINORITY_TARGETING", "STATE_SECURITY_CHARGE", "FORCED_PSYCHIATRIC_DETENTION", "PROPERTY_SEIZURE",
    "SEXUAL_GENDER_BASED", "TRANSNATIONAL_REPRESSION", "OTHER",
})
PERPETRATORS = frozenset({"police", "state_security", "hk_national_security", "procuratorate", "court", "justice_bureau",
                          "local_officials", "employer", "landlord", "foreign_authorities", "other", "unknown"})
SHARE_WITH_UN = frozenset({"yes", "no", "ask_later"})
NAME_PUBLIC = frozenset({"yes", "anonymised", "no"})
SG_REPORT = frozenset({"named", "anonymised", "no"})
CONSENT_GIVEN_BY = frozenset({"", "victim", "family", "reporter"})
RELATED_RELATIONS = frozenset({"spouse", "child", "parent", "sibling", "other_relative", "lawyer", "colleague", "other"})
LIVES = frozenset({"", "china", "abroad"})
IMMINENT_KINDS = frozenset({"", "trial", "sentencing", "deportation", "transfer", "release", "un_session", "other"})
# Schema 3: the kind of place of detention ("" not answered), the charges used against defenders
# (PRC Criminal Law articles, Hong Kong's national security law and sedition, pretext charges),
# and whether the government replied to an earlier UN letter ("" not sure).
DETENTION_KINDS = frozenset({"", "police_station", "detention_centre", "rsdl", "prison", "administrative_detention",
                             "psychiatric_hospital", "camp", "unofficial", "house_arrest", "other", "unsure"})
CHARGES = frozenset({"subversion", "separatism", "state_secrets_abroad", "picking_quarrels", "gathering_crowd", "cult",
                     "terrorism_extremism", "hk_nsl_secession", "hk_nsl_subversion", "hk_nsl_collusion", "hk_sedition",
                     "pretext", "other", "none_known"})
NO_CHARGE = "none_known"
GOVERNMENT_REPLIED = frozenset({"", "yes", "no", "no_letter"})

# Schema 1 had neither the new codes nor the new questions.
STATUSES_1 = STATUSES - {"unsure"}
COOPERATION_KINDS_1 = COOPERATION_KINDS - {"unsure"}
PERPETRATORS_1 = PERPETRATORS - {"hk_national_security"}

# The form refuses C0 controls other than tab, CR and LF; JSON escapes could still smuggle them
# in, and lone surrogates (valid in JSON, not in UTF-8) would break every later encode().
_FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Bidirectional and zero-width format characters and controls have no place in a file name.
_BAD_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _fail(path: str, rule: str):
    raise SubmissionError(f"report.json: {path} {rule}")


# Each check takes (value, path) and returns the value, or raises.

def text(limit: int, required: bool = False):
    def check(value, path):
        if type(value) is not str:
            _fail(path, "is not text")
        if len(value) > limit:
            _fail(path, f"is longer than {limit} characters")
        if _FORBIDDEN_TEXT.search(value):
            _fail(path, "contains control characters")
        if value != value.strip():
            _fail(path, "has white space the form strips")
        if required and not value:
            _fail(path, "is empty but required")
        return value
    return check


SHORT, LONG = text(caps.SHORT_TEXT), text(caps.LONG_TEXT)


def recorded(limit: int):
    """Text the server records as the browser sent it (a file's name and declared type): not
    stripped, but with its control characters removed (envelope.py)."""
    def check(value, path):
        if type(value) is not str or len(value) > limit or _BAD_NAME.search(value) or _FORBIDDEN_TEXT.search(value):
            _fail(path, f"is not text of at most {limit} characters without control characters")
        return value
    return check


def code(options: frozenset):
    def check(value, path):
        if type(value) is not str or value not in options:
            _fail(path, "is not one of the schema's codes")
        return value
    return check


def boolean(value, path):
    if type(value) is not bool:
        _fail(path, "is not true or false")
    return value


def true(value, path):
    if value is not True:
        _fail(path, "is not true")
    return value


def receipt(value, path):
    if type(value) is not str or normalize_receipt(value) != value:
        _fail(path, "is not a receipt code")
    return value


def optional(check):
    return lambda value, path: None if value is None else check(value, path)


def received(value, path):
    if type(value) is not str or parse_received(value) is None:
        _fail(path, "is not a real UTC time to the second")
    return value


def date(value, path):
    """YYYY, YYYY-MM or YYYY-MM-DD, a real day within the form's years (docs/report-schema.md, Dates)."""
    if type(value) is not str or parse_date(value) is None:
        _fail(path, "is not a real date (YYYY, YYYY-MM or YYYY-MM-DD, 1900 to 2100)")
    return value


def month(value, path):
    """A date of at least a year and month, as every date of an event on the form."""
    date(value, path)
    if len(value) < 7:
        _fail(path, "needs at least a year and month")
    return value


def year(value, path):
    """A year alone (YYYY), within the form's years."""
    if type(value) is not str or len(value) != 4 or parse_date(value) is None:
        _fail(path, "is not a year (YYYY, 1900 to 2100)")
    return value


def charges(value, path):
    """The charge codes; "no charge known" stands alone."""
    array(code(CHARGES), 0, len(CHARGES), unique=True)(value, path)
    if NO_CHARGE in value and len(value) > 1:
        _fail(path, "says no charge is known and names a charge")
    return value


def group_size(value, path):
    if value is not None and (type(value) is not int or not 1 <= value <= caps.GROUP_SIZE):
        _fail(path, f"is not a number from 1 to {caps.GROUP_SIZE}")
    return value


def record(spec: dict):
    """An object with exactly the keys of `spec`, each checked by its own rule."""
    keys = frozenset(spec)

    def check(value, path):
        if type(value) is not dict:
            _fail(path, "is not an object")
        if value.keys() != keys:
            extra, missing = sorted(value.keys() - keys), sorted(keys - value.keys())
            # Key names are attacker text too: count them, never echo them.
            _fail(path, f"has {len(extra)} unknown and {len(missing)} missing keys"
                  + (f" (missing: {', '.join(missing)})" if missing else ""))
        for key, rule in spec.items():
            rule(value[key], f"{path}.{key}")
        return value
    return check


def array(rule, low: int, high: int, unique: bool = False):
    def check(value, path):
        if type(value) is not list:
            _fail(path, "is not a list")
        if not low <= len(value) <= high:
            _fail(path, f"has {len(value)} items (allowed: {low} to {high})")
        for n, item in enumerate(value):
            rule(item, f"{path}[{n}]")
        if unique and len(set(value)) != len(value):
            _fail(path, "repeats an item")
        return value
    return check


def incident(perpetrators: frozenset):
    fields = record({
        "violations": array(code(VIOLATIONS), 1, len(VIOLATIONS), unique=True),
        "start": record({"date": optional(date), "approximate": boolean}),
        "end": record({"date": optional(date), "ongoing": boolean}),
        "province": text(caps.SHORT_TEXT, required=True),
        "place": SHORT,
        "narrative": text(caps.LONG_TEXT, required=True),
        "perpetrator": record({"type": code(perpetrators), "details": SHORT}),
        "legal_basis": LONG, "warrant": LONG, "lawyer_and_family": LONG, "ill_treatment": LONG, "family_affected": LONG,
    })

    def check(value, path):
        fields(value, path)
        start = value["start"]["date"]
        # A start date of at least a month is required, except for an ongoing incident (docs, Dates).
        if not value["end"]["ongoing"] and (start is None or len(start) < 7):
            _fail(f"{path}.start.date", "needs at least a year and month unless the incident is ongoing")
        return value
    return check


_RELATED_PERSON = record({
    "relation": code(RELATED_RELATIONS), "name": SHORT, "name_other_spellings": SHORT,
    "minor": code(YES_NO_UNSURE), "lives": code(LIVES),
    "violations": array(code(VIOLATIONS), 0, len(VIOLATIONS), unique=True),
    "what_happened": LONG, "consent_named": code(YES_NO_UNSURE),
})
_IMMINENT_FIELDS = record({"kind": code(IMMINENT_KINDS), "date": optional(date), "date_unsure": boolean, "details": SHORT})
NO_IMMINENT_EVENT = {"kind": "", "date": None, "date_unsure": False, "details": ""}


def imminent(value, path):
    """What is about to happen: nothing (kind "") with nothing else said, or a kind with a date
    of at least a month (or none, when the reporter is not sure of it)."""
    _IMMINENT_FIELDS(value, path)
    if not value["kind"] and value != NO_IMMINENT_EVENT:
        _fail(f"{path}.kind", "is empty but a date or details are given")
    if value["date"] is not None and len(value["date"]) < 7:
        _fail(f"{path}.date", "needs at least a year and month")
    return value


def attachments(value, path):
    array(_ATTACHMENT, 0, caps.MAX_ATTACHMENTS)(value, path)
    for number, item in enumerate(value, 1):
        # The server numbers stored files from 01 in arrival order (docs/submission-format.md).
        if int(ATTACHMENT_ENTRY.fullmatch(item["entry"]).group(1)) != number:
            _fail(f"{path}[{number - 1}].entry", "is not numbered in order")
    return value


def entry_name(value, path):
    match = ATTACHMENT_ENTRY.fullmatch(value) if type(value) is str else None
    if (not match or len(value.encode("utf-8", "replace")) > caps.MAX_ENTRY_NAME_BYTES or _BAD_NAME.search(value)
            or _FORBIDDEN_TEXT.search(value) or match.group(2).startswith(".")):
        _fail(path, "is not a safe attachment entry name")
    return value


def size(value, path):
    if type(value) is not int or not 1 <= value <= caps.MAX_ARCHIVE_BYTES:
        _fail(path, "is not a file size")
    return value


def sha256(value, path):
    if type(value) is not str or not _SHA256.fullmatch(value):
        _fail(path, "is not a SHA-256 in hex")
    return value


_ATTACHMENT = record({
    "entry": entry_name,
    "original_name": recorded(caps.ORIGINAL_NAME),
    "declared_type": recorded(caps.DECLARED_TYPE),
    "size": size,
    "sha256": sha256,
})

_ENVELOPE = {
    "schema": code(SCHEMAS),
    "kind": code(frozenset(KINDS)),
    "received": received,
    "receipt": receipt,
    "form_language": code(LANGUAGES),
    "attachments": attachments,
}

def _report_rules(*, statuses, cooperation: dict, perpetrators, more: dict, victim: dict, remedies: dict):
    return {
        **_ENVELOPE,
        "follow_up_of": optional(receipt),
        "reporter": record({
            "anonymous": boolean, "relation": code(RELATIONS), "how_known": code(HOW_KNOWN), "name": SHORT,
            "organisation": SHORT, "contact_channel": code(CONTACT_CHANNELS), "contact_details": SHORT,
        }),
        "victim": record({
            "kind": code(VICTIM_KINDS), "group_size": group_size, "name": SHORT, "name_other_spellings": SHORT,
            "sex": code(SEXES), "age": SHORT, "nationality": SHORT, "ethnicity": SHORT, "religion": SHORT,
            "occupation": SHORT, "human_rights_work": LONG, "is_defender": code(YES_NO_UNSURE), "id_document": SHORT,
            "residence": SHORT, "status": code(statuses), "detention_place": SHORT, "holding_authority": SHORT,
            "health": LONG, **victim,
        }),
        "un_cooperation": record({
            "date": SHORT, "link_evidence": LONG, "already_raised": SHORT, **cooperation,
        }),
        "incidents": array(incident(perpetrators), 1, caps.MAX_INCIDENTS),
        "remedies": record({"domestic": LONG, "others_informed": LONG, **remedies}),
        "consent": record({
            "store": true, "share_with_un": code(SHARE_WITH_UN), "name_public": code(NAME_PUBLIC),
            "sg_report": code(SG_REPORT), "given_by": code(CONSENT_GIVEN_BY), "still_in_china": code(YES_NO_UNSURE),
            "never_disclose": LONG,
        }),
        **more,
    }


_COOPERATION_2 = {"body": code(UN_BODIES), "kind": code(COOPERATION_KINDS), "by": code(COOPERATED_BY)}
_MORE_2 = {"related_persons": array(_RELATED_PERSON, 0, caps.MAX_RELATED_PERSONS), "imminent": imminent}
_REPORT_3_FIELDS = record(_report_rules(
    statuses=STATUSES, perpetrators=PERPETRATORS, more=_MORE_2,
    victim={"detention_kind": code(DETENTION_KINDS), "arrest_date": optional(month), "arrest_place": SHORT,
            "charges": charges, "charges_wording": SHORT},
    cooperation={**_COOPERATION_2, "government_replied": code(GOVERNMENT_REPLIED),
                 "earlier_sg_report": code(YES_NO_UNSURE), "earlier_sg_report_year": optional(year)},
    remedies={"response": LONG}))
_REPORT_2 = record(_report_rules(statuses=STATUSES, perpetrators=PERPETRATORS, more=_MORE_2, victim={},
                                 cooperation=_COOPERATION_2, remedies={}))
_REPORT_1 = record(_report_rules(
    statuses=STATUSES_1, perpetrators=PERPETRATORS_1,
    cooperation={"body": code(UN_BODIES), "kind": code(COOPERATION_KINDS_1)}, more={}, victim={}, remedies={}))
# What schema 1's form never asked, as "no answer" in schema 2's shape.
NOT_ASKED_IN_1 = {"related_persons": [], "imminent": NO_IMMINENT_EVENT, "un_cooperation.by": ""}
# What schema 2's form never asked, as "no answer" in schema 3's shape (section, key, value).
NOT_ASKED_IN_2: dict[str, object] = {
    "victim.detention_kind": "", "victim.arrest_date": None, "victim.arrest_place": "", "victim.charges": [],
    "victim.charges_wording": "", "un_cooperation.government_replied": "", "un_cooperation.earlier_sg_report": "",
    "un_cooperation.earlier_sg_report_year": None, "remedies.response": "",
}


def _report_3(value, path):
    _REPORT_3_FIELDS(value, path)
    coop = value["un_cooperation"]
    if coop["earlier_sg_report_year"] is not None and coop["earlier_sg_report"] != "yes":
        _fail(f"{path}.un_cooperation.earlier_sg_report_year", "is given but the case is not said to be in an earlier report")
    return value


_REPORT = _report_3


def _answers_of_3(data: dict) -> list:
    return [data[section][key] for section, key in (p.split(".") for p in NOT_ASKED_IN_2)
            if isinstance(data.get(section), dict) and key in data[section]]


def _upgraded_from_2(data: dict, schema: str) -> dict:
    """A /2 (or /1) report in the /3 shape (schema unchanged): the new questions unanswered.

    The case cache stores the upgraded report: its /3 answers must be exactly "no answer", and
    are taken off before the old rules check the rest."""
    given = _answers_of_3(data)
    if given:  # upgraded already: the rest must pass the old rules, and the report is kept as it is
        if given != list(NOT_ASKED_IN_2.values()):
            _fail("report", f"says {schema} but answers questions that schema did not ask")
        older = {**data, **{section: {k: v for k, v in data[section].items() if f"{section}.{k}" not in NOT_ASKED_IN_2}
                            for section in ("victim", "un_cooperation", "remedies") if isinstance(data.get(section), dict)}}
        _upgraded_from_1(older) if schema == REPORT_SCHEMA_1 else _REPORT_2(older, "report")
        return _REPORT(data, "report")
    data = _upgraded_from_1(data) if schema == REPORT_SCHEMA_1 else _REPORT_2(data, "report")
    added = {section: dict(data[section]) for section in ("victim", "un_cooperation", "remedies")}
    for path, value in NOT_ASKED_IN_2.items():
        section, key = path.split(".")
        added[section][key] = list(value) if isinstance(value, list) else value
    return _REPORT({**data, **added}, "report")


def _upgraded_from_1(data: dict) -> dict:
    """A /1 report in the /2 shape (schema still /1): the new questions unanswered."""
    if "related_persons" not in data:  # not yet upgraded: the old shape, by the old rules
        _REPORT_1(data, "report")
        data = {**data, "related_persons": [], "imminent": dict(NO_IMMINENT_EVENT),
                "un_cooperation": {**data["un_cooperation"], "by": ""}}
    _REPORT_2(data, "report")
    if (data["related_persons"], data["imminent"], data["un_cooperation"]["by"]) != ([], NO_IMMINENT_EVENT, ""):
        _fail("report", f"says {REPORT_SCHEMA_1} but answers questions that schema did not ask")
    for name, item in (("un_cooperation.kind", data["un_cooperation"]["kind"]), ("victim.status", data["victim"]["status"])):
        if item == "unsure":
            _fail(f"report.{name}", f"is a code {REPORT_SCHEMA_1} did not have")
    if any(i["perpetrator"]["type"] not in PERPETRATORS_1 for i in data["incidents"]):
        _fail("report.incidents", f"name a perpetrator code {REPORT_SCHEMA_1} did not have")
    return data


_FOLLOW_UP = record({
    **_ENVELOPE,
    "follow_up_of": receipt,
    "message": text(caps.LONG_TEXT, required=True),
    "consent": record({"store": true}),
})


def validate_report(data) -> Submitted:
    """`data` (parsed report.json) if it is a valid `intake.report/3` report, or a valid `/2` or
    `/1` report in the `/3` shape (a new object); else SubmissionError."""
    if type(data) is not dict:
        _fail("the top level", "is not an object")
    if type(data.get("schema")) is not str or data["schema"] not in SCHEMAS:
        raise SubmissionError(f"report.json: unsupported schema (this desk reads {REPORT_SCHEMA}, {REPORT_SCHEMA_2} "
                              f"and {REPORT_SCHEMA_1})")
    kind = data.get("kind")
    if kind not in KINDS:
        _fail("report.kind", "is not one of the schema's codes")
    if kind == "follow-up":  # the same in both schemas
        _FOLLOW_UP(data, "report")
    elif data["schema"] in (REPORT_SCHEMA_1, REPORT_SCHEMA_2):
        data = _upgraded_from_2(data, data["schema"])
    else:
        _REPORT(data, "report")
    if data["receipt"] == data["follow_up_of"]:
        _fail("report.follow_up_of", "quotes the report's own receipt")
    return data
