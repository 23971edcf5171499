"""submission_draft: one mandate's submission as Markdown, its required elements in its own order.

The order and the elements follow un-procedures.md: WGAD §2.1 (model questionnaire I-VI), WGEID
§2.2 (the six elements), SR torture §2.3, SR HRD §2.4, SR FoE §2.5, other mandates §1.3 plus the
§2.6 facts, the ASG §4.2. Every element is filled from the redacted report; where the report has
nothing, a "- MISSING: …" line says what staff must add. Follow-ups come last, as updates. No dates, no randomness: the same input
gives the same text.
"""

from ..rules import MANDATES
from ..translations import Rendering
from . import vocab
from .common import check_mandate, check_names, check_report, confirmed, export_id, names_consented
from .draft_mandates import BUILDERS, general
from .draft_parts import Case, Draft, imminent, later_information, related_persons

NOTE = ("> CONFIDENTIAL DRAFT, for staff to complete and check; not a submission yet. It was built from\n"
        "> the redacted report only: names, places and identifiers may be pseudonyms (\"Person A (victim)\",\n"
        "> \"Place 1 (Sichuan)\"). The source of the information is never named here, and the UN keeps the\n"
        "> source's identity confidential (un-procedures.md §1.3). Before sending, say which parts must stay\n"
        "> confidential and whether the victim's name may be published (consent above).")


def submission_draft(case_view: dict, redacted: dict, mandate: str, translation: Rendering | None = None) -> str:
    """The Markdown draft of a submission to `mandate` (a code of rules.MANDATES); with the
    case's translations, in its target language as the communication is (communication.py)."""
    check_report(redacted)
    check_mandate(mandate)
    # The name may stay only with the consent that lets redaction keep it for this recipient.
    asg = mandate == "ASG-REPRISALS"
    allowed = names_consented(redacted, "reprisals-report" if asg else "un-sp")
    names = check_names(redacted, allowed, f"a submission to {mandate}")
    case = Case(redacted if translation is None else translation.marked, case_view, mandate, names)
    d = Draft()
    _header(d, case)
    if translation is not None and translation.missing:
        d.blank()
        d.lines += translation.missing_lines()
    BUILDERS.get(mandate, general)(d, case)
    related_persons(d, case)
    imminent(d, case)
    later_information(d, case)
    _checklist(d, case)
    if translation is not None and translation.translated:
        d.blank()
        d.lines += translation.annex()
    return "\n".join(d.lines).strip("\n") + "\n"


# --- Header and checklist ---------------------------------------------------------------------

def _header(d: Draft, c: Case) -> None:
    view, consent = c.view, c.report.get("consent") or {}
    reasons = [r for r in view.get("urgency_reasons") or [] if isinstance(r, str)]
    kind = ("Urgent appeal candidate" + (f" ({'; '.join(reasons)})" if reasons else "") if view.get("urgent") is True
            else "Letter of allegation (no urgency rule applies, or staff decided so)")
    mandates = confirmed(view)
    d.lines += [f"# DRAFT submission to {c.mandate}: {MANDATES[c.mandate]}", "",
                f"- Export id: {export_id(view)}",
                f"- Communication: {kind}",
                f"- Confirmed mandates: {', '.join(mandates) or 'none confirmed yet'}"]
    if c.mandate not in mandates:
        suggested = ", ".join(m for m in view.get("suggested_mandates") or [] if isinstance(m, str)) or "none"
        d.lines.append(f"- NOTE: {c.mandate} is not among the confirmed mandates (suggested: {suggested})")
    d.lines += [f"- Case status: {view.get('status') or 'not given'}",
                "- Consent: share with the UN: {}; victim's name in public UN documents: {}; SG reprisals report: {}; "
                "given by: {}".format(vocab.label(vocab.SHARE_WITH_UN, consent.get("share_with_un")),
                                      vocab.label(vocab.NAME_PUBLIC, consent.get("name_public")),
                                      vocab.label(vocab.SG_REPORT, consent.get("sg_report")),
                                      vocab.label(vocab.CONSENT_GIVEN_BY, consent.get("given_by", ""))),
                # A risk to weigh before anything is published or raised with the Government.
                f"- Person concerned or family still in China: "
                f"{vocab.label(vocab.YES_NO_UNSURE, consent.get('still_in_china', ''))}"]
    if c.mandate == "ASG-REPRISALS":
        d.lines.append("- Send to: reprisals@ohchr.org (un-procedures.md §4.1)")
        if consent.get("sg_report") not in ("named", "anonymised"):
            d.missing("consent to inclusion in the SG reprisals report (§4.2): do not send without it")
    elif consent.get("share_with_un") != "yes":
        d.missing("consent to share with the UN special procedures (GEN-2): do not send without it")
    d.lines += ["", NOTE]


def _checklist(d: Draft, c: Case) -> None:
    items = [m for m in (c.view.get("missing") or {}).get(c.mandate) or [] if isinstance(m, str)]
    d.blank()
    d.lines += ["## Checklist: still missing according to the readiness rules", ""]
    d.lines += [f"- [ ] {item}" for item in items] or ["- nothing (staff still read the whole draft)"]


