"""The report's shape as types: what report.json holds once the strict reader has passed it.

schema.py is the rule (it checks every key, type, size and code); these types say the same
shape to the type checker, so that the web writer (intake/web/report.py) and the desk's
readers are checked against one description. A test holds them to the schema's keys.
Codes are plain strings here: their lists are in schema.py.
"""

from typing import TypedDict


class Attachment(TypedDict):
    entry: str          # layout.attachment_entry: attachments/NN-<safe name>
    original_name: str  # as the browser sent it, control characters removed
    declared_type: str
    size: int
    sha256: str


class Reporter(TypedDict):
    anonymous: bool
    relation: str
    how_known: str
    name: str
    organisation: str
    contact_channel: str
    contact_details: str


class Victim(TypedDict):
    kind: str
    group_size: int | None
    name: str
    name_other_spellings: str
    sex: str
    age: str
    nationality: str
    ethnicity: str
    religion: str
    occupation: str
    human_rights_work: str
    is_defender: str
    id_document: str
    residence: str
    status: str
    detention_place: str
    holding_authority: str
    health: str
    detention_kind: str         # schema 3: the kind of place ("" not answered, "unsure" not sure)
    arrest_date: str | None     # when they were arrested or the detention began: at least a month
    arrest_place: str
    charges: list[str]          # codes; "none_known" alone
    charges_wording: str        # the charge as written or read out


class Cooperation(TypedDict):
    body: str
    kind: str
    by: str  # who cooperated: the victim, a related person, the reporter, an organisation ("" not sure)
    date: str  # free text, stored as typed (dates.find_date reads it)
    link_evidence: str
    already_raised: str
    government_replied: str              # schema 3: to an earlier UN letter ("" not sure, "no_letter")
    earlier_sg_report: str               # in an earlier SG reprisals report: yes, no, "" not sure
    earlier_sg_report_year: str | None   # YYYY, only when earlier_sg_report is "yes"


class Start(TypedDict):
    date: str | None  # dates.parse_date reads it
    approximate: bool


class End(TypedDict):
    date: str | None
    ongoing: bool


class Perpetrator(TypedDict):
    type: str
    details: str


class Incident(TypedDict):
    violations: list[str]
    start: Start
    end: End
    province: str
    place: str
    narrative: str
    perpetrator: Perpetrator
    legal_basis: str
    warrant: str
    lawyer_and_family: str
    ill_treatment: str
    family_affected: str


class RelatedPerson(TypedDict):
    """Someone affected besides the victim: family, lawyer, colleague (collective punishment)."""

    relation: str
    name: str
    name_other_spellings: str
    minor: str          # yes, no, "" not sure
    lives: str          # china, abroad, "" not sure
    violations: list[str]
    what_happened: str
    consent_named: str  # yes, no, "" not sure: only "yes" lets their name leave the desk


class Imminent(TypedDict):
    """Something about to happen (a trial, a deportation, a UN session); kind "" when nothing is."""

    kind: str
    date: str | None  # at least a year and month (dates.parse_date reads it)
    date_unsure: bool
    details: str


class Remedies(TypedDict):
    domestic: str
    others_informed: str
    response: str  # schema 3: what the authorities answered to the steps taken


class Consent(TypedDict):
    store: bool
    share_with_un: str
    name_public: str
    sg_report: str
    given_by: str
    still_in_china: str
    never_disclose: str


class StoreConsent(TypedDict):
    store: bool


class ReportAnswers(TypedDict):
    """kind "report": a full report, as the web form's answers make it (web/report.py)."""

    schema: str
    kind: str
    received: str  # dates.received_stamp
    receipt: str
    form_language: str
    follow_up_of: str | None
    reporter: Reporter
    victim: Victim
    un_cooperation: Cooperation
    incidents: list[Incident]
    remedies: Remedies
    consent: Consent
    related_persons: list[RelatedPerson]
    imminent: Imminent


class Report(ReportAnswers):
    """A full report as stored: its answers and the files that came with it (envelope.py adds them)."""

    attachments: list[Attachment]


class FollowUpAnswers(TypedDict):
    """kind "follow-up": more words (and files) about an earlier report, by its receipt."""

    schema: str
    kind: str
    received: str
    receipt: str
    form_language: str
    follow_up_of: str
    message: str
    consent: StoreConsent


class FollowUp(FollowUpAnswers):
    attachments: list[Attachment]


Answers = ReportAnswers | FollowUpAnswers
Submitted = Report | FollowUp
