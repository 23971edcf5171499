"""What each answer becomes: every path of report.json, and the exports that carry it, or why none does.

"No answer a reporter gives is silently dropped between the form and the exports." This table is
that rule written down: each answer path (as redaction names them, list indices as "[]") maps to
either the set of outputs that carry it, or a reason string saying why it is deliberately
withheld. tests/test_no_answer_dropped.py fills every field of the real form, submits it, runs
import, redact and export, and fails when a path is in neither form, when an exported free-text
answer is missing from an output listed here (or present in one that is not), or when a withheld
answer reaches any output.

Outputs:
    DRAFT       "un-sp draft": at least one mandate's Markdown draft quotes it (draft_mandates.py
                says which mandates ask for what; the header and the submitter section are in all).
    EVENTS      "case.json" (events.py). It carries every answer any draft carries, whichever
                mandates the drafts are for: an answer no confirmed mandate asks for still leaves.
    REPRISALS   "reprisals-report" (reprisals.py): codes, months, provinces, two short answers.
    STATS       "stats" (stats.py): codes only.
    MANIFEST    "manifest.json" of an un-sp export (bundle.py).
    UWAZI       "uwazi import.csv" (uwazi.py): title, violations, period, status, account, redacted as un-sp.

Every output carries the answer as the profile's redaction left it: names only where consent
allows (CONSENTED), pseudonyms for everyone else, places and dates generalised by the
reprisals-report and stats profiles. Where an output carries something made from the answer rather
than its words (a band, a month, a province looked up), DERIVED says so. A free-text answer staff
translated (translations.py) is in the drafts in translation, its words in their annex of
originals, and in case.json as written: it reaches the same outputs.
"""

DRAFT = "un-sp draft"
EVENTS = "case.json"
REPRISALS = "reprisals-report"
STATS = "stats"
MANIFEST = "manifest.json"
UWAZI = "uwazi import.csv"
OUTPUTS = frozenset({DRAFT, EVENTS, REPRISALS, STATS, MANIFEST, UWAZI})


def _to(*outputs: str) -> frozenset[str]:
    return frozenset(outputs)


# Reasons, one per kind of withholding.
SOURCE = ("identifies the source: the exports say only the source's relation to the person and how they know "
          "(un-procedures.md §1.3: the UN keeps the source confidential, and so do we); staff see it in 'intake show'")
RECEIPT = ("a receipt code: whoever holds it can tie reports and follow-ups to the source; redaction always "
           "withholds it, and the desk uses it only to link a follow-up to its case")

COVERAGE: dict[str, frozenset[str] | str] = {
    # --- Envelope (written by the server, not typed by the reporter) -----------------------------
    "schema": "the version of the report.json format, read by the desk; each export has its own schema string",
    "kind": ("'report' or 'follow-up': exports are made from reports; a follow-up's message joins its case as an "
             "update (FOLLOW_UP below)"),
    "received": ("the exact time the report arrived: it says something about the source, not the events (design "
                 "invariant 3); exports carry no time stamps, and it only orders the export ids"),
    "receipt": RECEIPT,
    "form_language": _to(STATS),
    "follow_up_of": RECEIPT,
    "attachments[].entry": "the entry name inside the encrypted submission; exported files are numbered 01, 02…",
    "attachments[].original_name": ("the name the source's device gave the file (often a name, a date, a phone "
                                    "model); redaction withholds it, the cleaned file is named by its number and a "
                                    "plain extension"),
    "attachments[].declared_type": ("what the source's browser declared: used to choose how to clean the file, "
                                    "whose content decides what it is; the cleaned file has its own type"),
    "attachments[].size": "checked against the file before it is cleaned; the cleaned file has its own size",
    "attachments[].sha256": _to(MANIFEST),  # the original's hash: the evidence kept in the vault
    # --- A. Reporter -----------------------------------------------------------------------------
    "reporter.anonymous": ("whether the source told the organisation who they are: a fact about the source, and "
                           "the exports say nothing about the source but their relation and how they know"),
    "reporter.relation": _to(DRAFT, EVENTS),
    "reporter.how_known": _to(DRAFT, EVENTS),
    "reporter.name": SOURCE,
    "reporter.organisation": SOURCE,
    "reporter.contact_channel": SOURCE,
    "reporter.contact_details": SOURCE,
    # --- B. The person or people concerned -------------------------------------------------------
    "victim.kind": _to(DRAFT, EVENTS, REPRISALS),
    "victim.group_size": _to(DRAFT, EVENTS),
    "victim.name": _to(DRAFT, EVENTS, REPRISALS),
    "victim.name_other_spellings": _to(DRAFT, EVENTS, REPRISALS),
    "victim.sex": _to(DRAFT, EVENTS, REPRISALS),
    "victim.age": _to(DRAFT, EVENTS),
    "victim.nationality": _to(DRAFT, EVENTS),
    "victim.ethnicity": _to(DRAFT, EVENTS),
    "victim.religion": _to(DRAFT, EVENTS),
    "victim.occupation": _to(DRAFT, EVENTS),
    "victim.human_rights_work": _to(DRAFT, EVENTS),
    "victim.is_defender": _to(DRAFT, EVENTS, REPRISALS),
    "victim.id_document": ("an identity document number identifies the person by itself: redaction always proposes "
                           "'[identity document withheld]' in its place. Only if staff reject that proposal (the "
                           "reporter wants the UN to use it) does it reach the WGAD and WGEID drafts and case.json"),
    "victim.residence": _to(DRAFT, EVENTS),
    "victim.status": _to(EVENTS, REPRISALS, STATS, UWAZI),
    "victim.detention_place": _to(DRAFT, EVENTS),
    "victim.holding_authority": _to(DRAFT, EVENTS),
    "victim.health": _to(DRAFT, EVENTS),
    # --- B3. The arrest, the place held and the charges (schema 3) --------------------------------
    "victim.detention_kind": _to(DRAFT, EVENTS, REPRISALS, STATS, UWAZI),
    "victim.arrest_date": _to(DRAFT, EVENTS, UWAZI),
    "victim.arrest_place": _to(DRAFT, EVENTS),
    "victim.charges": _to(DRAFT, EVENTS, REPRISALS, STATS, UWAZI),
    "victim.charges_wording": _to(DRAFT, EVENTS),
    # --- C. UN cooperation -----------------------------------------------------------------------
    "un_cooperation.body": _to(DRAFT, EVENTS, REPRISALS, STATS),
    "un_cooperation.kind": _to(DRAFT, EVENTS, REPRISALS, STATS),
    "un_cooperation.by": _to(DRAFT, EVENTS, REPRISALS, STATS),
    "un_cooperation.date": _to(DRAFT, EVENTS, REPRISALS),
    "un_cooperation.link_evidence": _to(DRAFT, EVENTS),
    "un_cooperation.already_raised": _to(DRAFT, EVENTS, REPRISALS),
    "un_cooperation.government_replied": _to(DRAFT, EVENTS, REPRISALS, STATS),  # schema 3
    "un_cooperation.earlier_sg_report": _to(DRAFT, EVENTS, REPRISALS, STATS),
    "un_cooperation.earlier_sg_report_year": _to(DRAFT, EVENTS, REPRISALS),
    # --- B2. Other people affected (schema 2) ----------------------------------------------------
    "related_persons[].relation": _to(DRAFT, EVENTS, REPRISALS, STATS),
    "related_persons[].name": _to(DRAFT, EVENTS),
    "related_persons[].name_other_spellings": _to(DRAFT, EVENTS),
    "related_persons[].minor": _to(DRAFT, EVENTS, REPRISALS, STATS),
    "related_persons[].lives": _to(DRAFT, EVENTS, REPRISALS),
    "related_persons[].violations": _to(DRAFT, EVENTS, REPRISALS),
    "related_persons[].what_happened": _to(DRAFT, EVENTS),
    "related_persons[].consent_named": _to(DRAFT, EVENTS),
    # --- Something about to happen (schema 2) ----------------------------------------------------
    "imminent.kind": _to(DRAFT, EVENTS, STATS),
    "imminent.date": _to(DRAFT, EVENTS),
    "imminent.date_unsure": _to(DRAFT, EVENTS),
    "imminent.details": _to(DRAFT, EVENTS),
    # --- D. Incidents ----------------------------------------------------------------------------
    "incidents[].violations": _to(DRAFT, EVENTS, REPRISALS, STATS, UWAZI),
    "incidents[].start.date": _to(DRAFT, EVENTS, REPRISALS, STATS, UWAZI),
    "incidents[].start.approximate": _to(DRAFT, EVENTS),
    "incidents[].end.date": _to(DRAFT, EVENTS, UWAZI),
    "incidents[].end.ongoing": _to(DRAFT, EVENTS, REPRISALS),
    "incidents[].province": _to(DRAFT, EVENTS, REPRISALS, STATS),
    "incidents[].place": _to(DRAFT, EVENTS),
    "incidents[].narrative": _to(DRAFT, EVENTS, UWAZI),
    "incidents[].perpetrator.type": _to(DRAFT, EVENTS, REPRISALS),
    "incidents[].perpetrator.details": _to(DRAFT, EVENTS),
    "incidents[].legal_basis": _to(DRAFT, EVENTS),
    "incidents[].warrant": _to(DRAFT, EVENTS),
    "incidents[].lawyer_and_family": _to(DRAFT, EVENTS),
    "incidents[].ill_treatment": _to(DRAFT, EVENTS),
    "incidents[].family_affected": _to(DRAFT, EVENTS),
    # --- E. Remedies -----------------------------------------------------------------------------
    "remedies.domestic": _to(DRAFT, EVENTS),
    "remedies.others_informed": _to(DRAFT, EVENTS),
    "remedies.response": _to(DRAFT, EVENTS),  # schema 3
    # --- F. Consent and risk ---------------------------------------------------------------------
    "consent.store": ("always true: the form refuses a report without it; it is the organisation's own permission "
                      "to store and read the report, nothing a recipient acts on"),
    "consent.share_with_un": _to(DRAFT, EVENTS, STATS),
    "consent.name_public": _to(DRAFT, EVENTS),
    "consent.sg_report": _to(DRAFT, EVENTS, REPRISALS, STATS),
    "consent.given_by": _to(DRAFT, EVENTS, REPRISALS),
    "consent.still_in_china": _to(DRAFT, EVENTS),
    "consent.never_disclose": ("an instruction to staff about what must never leave: redaction always withholds it "
                               "and seeds its parts into the register, so they are proposed wherever they appear; "
                               "staff read it in 'intake show' and 'intake redact'"),
}

# The answers a follow-up adds (kind "follow-up"): its message joins the case as an update.
FOLLOW_UP: dict[str, frozenset[str] | str] = {
    "schema": COVERAGE["schema"],
    "kind": COVERAGE["kind"],
    "received": _to(DRAFT, EVENTS),  # the month only (review._document)
    "receipt": RECEIPT,
    "form_language": ("stats count one row per case, with the report's language; a follow-up's language says how "
                      "its source chose to write, nothing about the case"),
    "follow_up_of": RECEIPT,
    "message": _to(DRAFT, EVENTS),
    "consent.store": COVERAGE["consent.store"],
    "attachments[].entry": COVERAGE["attachments[].entry"],
    "attachments[].original_name": COVERAGE["attachments[].original_name"],
    "attachments[].declared_type": COVERAGE["attachments[].declared_type"],
    "attachments[].size": COVERAGE["attachments[].size"],
    "attachments[].sha256": _to(MANIFEST),
}

# (path, output) where the output carries what is made from the answer, not the reporter's words
# ("received" is a follow-up's: a report's own is withheld).
DERIVED: dict[tuple[str, str], str] = {
    ("victim.age", EVENTS): "an age band",
    ("incidents[].province", REPRISALS): "the province it names, in English",
    ("incidents[].province", STATS): "the province it names, in English",
    ("incidents[].start.date", REPRISALS): "the month",
    ("incidents[].start.date", STATS): "the month of the first incident",
    ("received", DRAFT): "the month",
    ("received", EVENTS): "the month",
}

# Exported only when consent allows; otherwise every output has the pseudonym ("Person A (victim)"),
# and an export that finds the real name without that consent refuses (common.check_names).
CONSENTED: dict[str, str] = {
    "victim.name": "consent.share_with_un 'yes' (un-sp drafts, case.json); consent.sg_report 'named' (reprisals-report)",
    "victim.name_other_spellings": "as victim.name",
    "related_persons[].name": ("as victim.name, and only when that person's own consent_named is 'yes': the "
                               "victim's consent never covers a relative's name"),
    "related_persons[].name_other_spellings": "as related_persons[].name",
}


def exported(table: dict[str, frozenset[str] | str], path: str) -> frozenset[str]:
    """The outputs that carry `path` ("incidents[].place"); empty if withheld or not in the table."""
    found = table.get(path)
    return found if isinstance(found, frozenset) else frozenset()


def withheld(table: dict[str, frozenset[str] | str]) -> dict[str, str]:
    """The paths deliberately not exported, with the reason."""
    return {path: why for path, why in table.items() if isinstance(why, str)}
