"""The pieces the mandate drafts are built from: a Markdown writer, the case, shared elements.

Every answer comes from the redacted report. An empty required answer becomes a "- MISSING: …"
line, an empty optional one is left out. Long answers are quoted line by line, as redacted.
"""

from dataclasses import dataclass, field

from . import vocab
from .common import (attachment_count, code_list, earlier_sg_report, labels, relevant_incidents, staff_fact, text, updates,
                     victim_label, violation_codes, with_staff)


@dataclass
class Draft:
    """Markdown lines; sections are numbered in the order they are opened."""
    lines: list = field(default_factory=list)
    sections: int = 0

    def section(self, title: str) -> None:
        self.sections += 1
        self.blank()
        self.lines += [f"## {self.sections}. {title}", ""]

    def blank(self) -> None:
        """One empty line, however many the last element left."""
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        self.lines.append("")

    def field(self, label: str, value: str, missing: str | None = None) -> None:
        """A one-line answer; if empty, a MISSING line (or nothing, for an optional answer)."""
        if value:
            self.lines.append(f"- {label}: {' '.join(value.split())}")
        elif missing:
            self.missing(missing)

    def quote(self, label: str, value: str, missing: str | None = None) -> None:
        """A long answer as a quotation, its lines kept (the reporter's words, as redacted)."""
        if value:
            self.lines += [f"- {label}:", ""] + [f"  > {line}".rstrip() for line in value.split("\n")] + [""]
        elif missing:
            self.missing(missing)

    def missing(self, what: str) -> None:
        self.lines.append(f"- MISSING: {what}")


@dataclass
class Case:
    report: dict
    view: dict
    mandate: str
    names: list  # the victim's real name fields, only when consent allowed them to stay
    in_letter: bool = False  # an annex of the joint letter, which names the submitter once for all

    def __post_init__(self):
        self.incidents = relevant_incidents(self.report, self.mandate)

    def tag(self, n: int) -> str:
        return f" (incident {n})" if len(self.incidents) > 1 else ""

    def victim(self, key: str) -> str:
        return text(self.report, "victim", key)


def name(d: Draft, c: Case, missing: str = "the person's full name") -> None:
    """The victim's name as redaction left it: the real one (consent checked), a pseudonym, or MISSING."""
    group = c.victim("kind") == "group"
    if group:
        size = (c.report.get("victim") or {}).get("group_size")
        d.field("Victims", f"a group of {size} people" if isinstance(size, int) else "a group (size not given)")
    if c.names:
        d.field("Name", c.names[0])
        d.field("Other spellings", "; ".join(c.names[1:]))
    elif victim_label(c.report):
        d.field("Name", f"{victim_label(c.report)} (pseudonym: the name is withheld in this export)")
    elif not group:  # a group is described by its size (GEN-3)
        d.missing(missing)


def victim_field(d: Draft, c: Case, key: str, label: str, missing: str | None = None, table=None) -> None:
    """A victim answer; a coded one (`table`) shown by its label; with the staff fact of the same
    name (facts.py), attributed, where there is one."""
    value, fact = c.victim(key), staff_fact(c.report, key)
    d.field(label, with_staff(vocab.answered(table, value), vocab.answered(table, fact)) if table else with_staff(value, fact),
            missing)


def start(inc: dict) -> str:
    date = text(inc, "start", "date")
    return date + (" (approximate)" if date and (inc.get("start") or {}).get("approximate") is True else "")


def period(inc: dict) -> str:
    begun, end = start(inc), text(inc, "end", "date")
    ongoing = (inc.get("end") or {}).get("ongoing") is True
    if not (begun or end or ongoing):
        return ""
    if ongoing:  # an end date given as well is shown, not dropped: staff ask which is right
        return f"from {begun or 'an unknown date'}, ongoing" + (f" (an end date was also given: {end})" if end else "")
    return f"from {begun or 'an unknown date'}" + (f" to {end}" if end else "")


def place(inc: dict) -> str:
    where, province = text(inc, "place"), text(inc, "province")
    return f"{where} (province or country: {province})" if where and province else where or province


def perpetrator(inc: dict) -> str:
    kind, details = text(inc, "perpetrator", "type"), text(inc, "perpetrator", "details")
    if kind in ("", "unknown") and not details:
        return ""
    side = vocab.PERPETRATOR_SIDE.get(kind, "unknown")
    return (vocab.label(vocab.PERPETRATORS, kind) + (f": {details}" if details else "")
            + (f" ({side} actor)" if side != "unknown" else ""))


def violations(inc: dict) -> str:
    return "; ".join(vocab.label(vocab.VIOLATIONS, code) for code in violation_codes(inc))


def family(d: Draft, c: Case, n: int, inc: dict) -> None:
    """What the incident did to the family (collective punishment, relatives detained or
    questioned): part of the facts wherever the account is, in the reporter's words as redacted."""
    d.quote(f"Family members affected{c.tag(n)}", text(inc, "family_affected"))


def accounts(d: Draft, c: Case, missing: str = "an account of what happened") -> None:
    """Each incident's account, and the family members it affected."""
    for n, inc in c.incidents:
        d.quote(f"Account{c.tag(n)}", text(inc, "narrative"), missing)
        family(d, c, n, inc)


def date_place_description(d: Draft, c: Case) -> None:
    for n, inc in c.incidents:
        d.field(f"Violation{c.tag(n)}", violations(inc), "the violation")
        d.field(f"Date{c.tag(n)}", period(inc), "date (at least month and year) or 'ongoing'")
        d.field(f"Place{c.tag(n)}", place(inc), "place (at least the province)")
        d.quote(f"Account{c.tag(n)}", text(inc, "narrative"), "an account of what happened")
        family(d, c, n, inc)


def authority_acts(d: Draft, c: Case, legal_label: str = "Reason given or law cited", legal_missing: str | None = None) -> None:
    """What the authorities gave as reason or law, and any warrant or written decision shown, for every
    incident (WGAD reads these for its detention incidents only)."""
    for n, inc in c.incidents:
        d.quote(f"{legal_label}{c.tag(n)}", text(inc, "legal_basis"), legal_missing)
        d.quote(f"Warrant or written decision shown, and by whom{c.tag(n)}", text(inc, "warrant"))


def perpetrators(d: Draft, c: Case, missing: str = "the alleged perpetrators (State or non-State, unit)") -> None:
    for n, inc in c.incidents:
        d.field(f"Alleged perpetrators{c.tag(n)}", perpetrator(inc), missing)


def attachments(report: dict) -> str:
    count = attachment_count(report)
    later = " and its updates" if count > len(report.get("attachments") or []) else ""
    return f"{count} attachment(s) with the report{later}" if count else ""


def source_standing(report: dict) -> str:
    """Who the information came from, by role only, and how they know (never who they are)."""
    reporter = report.get("reporter") or {}
    relation = vocab.label(vocab.RELATIONS, reporter.get("relation"))
    return f"{relation}; how known: {vocab.label(vocab.HOW_KNOWN, reporter.get('how_known'))}"


def submitter(d: Draft, c: Case, title: str = "Submitter") -> None:
    """The source's standing only (relation, how known); the submitting organisation is staff's to add.
    Nothing in an annex: the joint letter says both once, in its From."""
    if c.in_letter:
        return
    d.section(title)
    d.field("Information received from", source_standing(c.report))
    d.missing("the submitting organisation's name and address, the date and a signature (staff; the "
              "source is never named in this draft)")


def cooperation(d: Draft, c: Case) -> None:
    coop = c.report.get("un_cooperation") or {}
    d.field("UN body or process", vocab.answered(vocab.UN_BODIES, coop.get("body")), "which UN body or process")
    d.field("Kind of cooperation", vocab.answered(vocab.COOPERATION_KINDS, coop.get("kind")),
            "what kind of cooperation")
    if "by" in coop:  # schema 1 did not ask
        d.field("Who cooperated", vocab.answered(vocab.COOPERATED_BY, coop.get("by")),
                "who cooperated with the UN (the victim, a relative, the source, an organisation)")
    d.field("Date of cooperation", text(coop, "date"), "when the cooperation took place (date or period)")


def arrest(d: Draft, c: Case, date_missing: str | None = None, place_missing: str | None = None) -> None:
    """When and where the person was arrested (or the detention began), as the form asked it
    (schema 3), with what staff added."""
    victim_field(d, c, "arrest_date", "Date of arrest, or when the detention began", date_missing)
    victim_field(d, c, "arrest_place", "Place of arrest", place_missing)


def arrest_known(c: Case, key: str) -> bool:
    return bool(c.victim(key) or staff_fact(c.report, key))


def detention_kind(d: Draft, c: Case, missing: str | None = None) -> None:
    victim_field(d, c, "detention_kind", "Kind of place of detention", missing, vocab.DETENTION_KINDS)


def charges(d: Draft, c: Case, missing: str | None = None) -> None:
    """The charges ticked (PRC Criminal Law, Hong Kong NSL, pretext charges) and their exact wording."""
    ticked = labels(vocab.CHARGES, code_list(c.report.get("victim") or {}, "charges"))
    added = labels(vocab.CHARGES, [v for v in staff_fact(c.report, "charges").split(";") if v])
    d.field("Charges", with_staff(ticked, added), missing)
    victim_field(d, c, "charges_wording", "Charge as written or read out")


def charges_known(report: dict) -> bool:
    """Whether the form or staff name the charges (a code or their wording): then a missing
    legal basis in the incidents is no longer missing."""
    return bool(code_list(report.get("victim") or {}, "charges") or text(report, "victim", "charges_wording")
                or staff_fact(report, "charges") or staff_fact(report, "charges_wording"))


def earlier_un_action(d: Draft, c: Case) -> None:
    """Whether the government answered an earlier UN letter, an earlier SG reprisals report, and
    the reference of an earlier UN communication staff know of."""
    coop = c.report.get("un_cooperation") or {}
    d.field("Government reply to an earlier UN communication",
            with_staff(vocab.answered(vocab.GOVERNMENT_REPLIED, coop.get("government_replied")),
                       vocab.answered(vocab.GOVERNMENT_REPLIED, staff_fact(c.report, "government_replied"))))
    year = staff_fact(c.report, "earlier_sg_report_year")
    d.field("In an earlier Secretary-General's report on reprisals",
            with_staff(earlier_sg_report(coop), f"yes, the {year} report" if year else ""))
    d.field("Reference of an earlier UN communication", with_staff("", staff_fact(c.report, "un_reference")))


def response(d: Draft, c: Case, missing: str | None = None) -> None:
    """What the authorities answered to the steps taken at home."""
    d.quote("Response of the authorities", text(c.report, "remedies", "response"), missing)


def steps(d: Draft, c: Case, missing: str) -> None:
    domestic, others = text(c.report, "remedies", "domestic"), text(c.report, "remedies", "others_informed")
    d.quote("Domestic steps", domestic)
    response(d, c)
    d.quote("Others informed", others)
    if not (domestic or others or text(c.report, "remedies", "response")):
        d.missing(missing)


def related_persons(d: Draft, c: Case) -> None:
    """Everyone the reprisal reached besides the victim, each named only as their own consent
    allows (the redacted report holds a pseudonym otherwise)."""
    people = [p for p in c.report.get("related_persons") or [] if isinstance(p, dict)]
    if not people:
        return
    d.section("Other persons affected (relatives, lawyers, colleagues)")
    for n, person in enumerate(people, 1):
        relation = vocab.label(vocab.RELATED_RELATIONS, person.get("relation"))
        named = text(person, "name")
        shown = named if named.endswith(f"({person.get('relation')})") else f"{named or 'name not given'}; {relation}"
        d.lines.append(f"- Person affected {n}: {shown}"
                       + ("; a minor" if person.get("minor") == "yes" else ""))
        if text(person, "name_other_spellings") not in ("", named):  # redaction gives both the one pseudonym
            d.lines.append(f"  - Other spellings: {' '.join(text(person, 'name_other_spellings').split())}")
        d.lines.append(f"  - Lives: {vocab.label(vocab.LIVES, person.get('lives', ''))}")
        d.lines.append(f"  - Under 18: {vocab.label(vocab.YES_NO_UNSURE, person.get('minor', ''))}")
        codes = [code for code in person.get("violations") or [] if isinstance(code, str)]
        if codes:
            d.lines.append(f"  - What was done to them: {'; '.join(vocab.label(vocab.VIOLATIONS, code) for code in codes)}")
        d.lines.append(f"  - Agrees to be named: {vocab.label(vocab.YES_NO_UNSURE, person.get('consent_named', ''))}")
        if text(person, "what_happened"):
            d.lines += ["  - What happened to them:", ""] + [f"    > {line}".rstrip() for line in text(person, "what_happened").split("\n")] + [""]


def imminent(d: Draft, c: Case) -> None:
    """An event the source says is about to happen (it can make the case an urgent appeal)."""
    event = c.report.get("imminent") or {}
    if not event.get("kind"):
        return
    d.section("About to happen")
    when = text(event, "date") or "date not given"
    d.field("Event", f"{vocab.label(vocab.IMMINENT_KINDS, event['kind'])}, {when}"
            + (" (the source is not sure of the date)" if event.get("date_unsure") is True else ""))
    d.field("Details", text(event, "details"))


def later_information(d: Draft, c: Case) -> None:
    """The follow-ups, in the order they came, each in the reporter's words as redacted."""
    found = updates(c.report)
    if not found:
        return
    d.section("Later information from the source")
    for n, update in found:
        d.quote(f"Update {n}, received {text(update, 'received') or 'on an unknown date'}", text(update, "message"),
                f"the text of update {n}")
