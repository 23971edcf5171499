"""One builder per mandate: its required elements, in the order of un-procedures.md.

WGAD §2.1 (model questionnaire I-VI), WGEID §2.2 (the six elements), SR torture §2.3, SR HRD §2.4,
SR FoE §2.5, the ASG §4.2; any other mandate: the common minimum of §1.3, then its §2.6 facts.
"""

from . import vocab
from .common import DETENTION_CODES, all_codes, precision, staff_fact, text, violation_codes, with_staff
from .draft_parts import (Case, Draft, accounts, arrest, arrest_known, attachments, authority_acts, charges, charges_known, cooperation,
                          date_place_description, detention_kind, earlier_un_action, family, name, perpetrator,
                          perpetrators, period, place, response, start, steps, submitter, victim_field, violations)

# §2.6: facts each other mandate needs beyond §1.3: (label, where the report has it: ("victim" | "incident",
# key), or ("code", a violation code that answers it); None: no field).
MANDATE_FACTS: dict[str, list[tuple[str, tuple[str, str] | None]]] = {
    "SR-FOAA": [("Registration status of the organisation, and any deregistration decision", None),
                ("The event or assembly banned or dispersed", None)],
    "SR-IJL": [("Licence number or law firm", None),
               ("Bar association or justice-bureau decisions (annual inspection refused, licence revoked)", None),
               ("Cases the lawyer was handling", None),
               ("Obstruction of access to clients", ("incident", "lawyer_and_family"))],
    "SR-FORB": [("Religion or belief", ("victim", "religion")), ("Place of worship", None),
                ("Nature of the restriction", None)],
    "SR-MIN": [("Ethnic, religious or linguistic identity", ("victim", "ethnicity")),
               ("Whether the measure targets the group", ("code", "MINORITY_TARGETING"))],
    "SR-PRIV": [("Type of surveillance (device seizure, spyware, monitoring of family, data collection)", None),
                ("Legal basis cited", ("incident", "legal_basis"))],
    "SR-HEALTH": [("Medical condition; medical care requested or denied", ("victim", "health"))],
    "SR-EXEC": [("Death in custody, or threats to life", ("incident", "ill_treatment"))],
    "SR-CT": [("'Extremism', 'separatism' or state-security charges, and the counter-terrorism laws used",
               ("incident", "legal_basis"))],
    "SR-VAWG": [("Gender-specific harm, sexual violence, or targeting as a woman defender", None)],
    "WG-DAWG": [("Gender-specific harm, sexual violence, or targeting as a woman defender", None)],
}


def _wgad(d: Draft, c: Case) -> None:
    """§2.1 model questionnaire: I identity, II arrest, III detention, IV why arbitrary, V remedies, VI submitter."""
    d.section("Identity (I)")
    name(d, c)
    victim_field(d, c, "sex", "Sex", "sex", vocab.SEXES)
    victim_field(d, c, "age", "Age", "age or date of birth")
    victim_field(d, c, "nationality", "Nationality", "nationality")
    victim_field(d, c, "id_document", "Identity document",
                 "identity document (type, issuer, date, number), if the person wants it used")
    victim_field(d, c, "occupation", "Profession or activity", "profession or activity, if relevant to the arrest")
    victim_field(d, c, "residence", "Usual address", "usual address (at least city and province)")
    held = [(n, i) for n, i in c.incidents if set(violation_codes(i)) & set(DETENTION_CODES)] or c.incidents
    d.section("Arrest (II)")
    # The form's own answers (schema 3) come first; the incidents' dates and places stand in for them.
    arrested, where = arrest_known(c, "arrest_date"), arrest_known(c, "arrest_place")
    arrest(d, c)
    charged = charges_known(c.report)
    for n, inc in held:
        t = c.tag(n)
        d.field(f"{'Start of the incident' if arrested else 'Date of arrest'}{t}", start(inc),
                None if arrested else "date of arrest")
        d.field(f"{'Place of the incident' if where else 'Place of arrest'}{t}", place(inc),
                None if where else "place of arrest")
        d.field(f"Forces that carried out the arrest{t}", perpetrator(inc),
                "forces that carried out, or are believed to have carried out, the arrest")
        d.quote(f"Warrant or other decision shown{t}", text(inc, "warrant"),
                "whether a warrant or other official decision was shown, and the issuing authority")
        d.quote(f"Reasons given and legal basis{t}", text(inc, "legal_basis"),
                None if charged else "reasons the authorities gave, and the legal basis and legislation applied")
    charges(d, c)
    d.section("Detention (III)")
    for n, inc in held:
        d.field(f"Detention{c.tag(n)}", period(inc), "date the detention began, and its duration so far")
    victim_field(d, c, "detention_place", "Place(s) of detention", "place(s) of detention, and any transfers")
    detention_kind(d, c)
    victim_field(d, c, "holding_authority", "Forces holding the person", "forces or authority holding the person")
    d.field("Authority that ordered the detention", with_staff("", staff_fact(c.report, "ordering_authority")),
            "the authority that ordered the detention")
    for n, inc in held:
        d.quote(f"Access to lawyer and family{c.tag(n)}", text(inc, "lawyer_and_family"),
                "access to a lawyer and to the family")
    d.quote("Health", c.victim("health"))
    d.section("Circumstances, and why the detention is arbitrary (IV)")
    accounts(d, c)
    for n, inc in c.incidents:
        d.quote(f"Ill-treatment{c.tag(n)}", text(inc, "ill_treatment"))
    d.missing("the argument why the detention is arbitrary, under at least one of Categories I-V, with "
              "reasons (staff)")
    _wgad_categories(d, c)
    d.section("Domestic remedies (V)")
    d.quote("Steps taken", text(c.report, "remedies", "domestic"),
            "internal steps and domestic remedies taken, and their results, or why none were possible")
    response(d, c)
    submitter(d, c, "Submitter (VI)")


# The Working Group's five categories (un-procedures.md §2.1), each with the coded answers that
# point to it. Which answers support which category is staff's to argue: these are the leads.
_CATEGORIES = (
    ("I", "no legal basis for the deprivation of liberty",
     {"RSDL_INCOMMUNICADO", "ENFORCED_DISAPPEARANCE", "HOUSE_ARREST", "FORCED_PSYCHIATRIC_DETENTION"}),
    ("II", "detained for exercising rights (UDHR arts 7, 13, 14, 18-21; ICCPR arts 12, 18, 19, 21, 22, 25-27)",
     {"STATE_SECURITY_CHARGE", "CENSORSHIP", "RELIGIOUS_PERSECUTION", "NGO_CLOSURE", "LAWYER_DISBARMENT"}),
    ("III", "fair-trial violations serious enough to make the detention arbitrary",
     {"UNFAIR_TRIAL", "DENIAL_OF_LAWYER_OF_CHOICE", "RSDL_INCOMMUNICADO", "TORTURE_ILL_TREATMENT"}),
    ("IV", "prolonged administrative custody of an asylum-seeker or migrant without review", {"FORCED_RETURN"}),
    ("V", "discrimination (national, ethnic or social origin, language, religion, political opinion, gender...)",
     {"MINORITY_TARGETING", "RELIGIOUS_PERSECUTION", "SEXUAL_GENDER_BASED"}),
)


def _leads(c: Case, category: str, codes: set) -> list[str]:
    """The answers of this report that point to `category`, named by their labels."""
    found = set(all_codes(c.report))
    leads = [vocab.VIOLATIONS[code] for code in sorted(found & codes) if code in vocab.VIOLATIONS]
    incidents = [inc for _, inc in c.incidents]
    if category == "I":
        if any(text(inc, "warrant") for inc in incidents):
            leads.append("the answer on the warrant or written decision shown")
        if not any(text(inc, "legal_basis") for inc in incidents):
            leads.append("no reason or law given by the authorities, as far as the report knows")
    elif category == "II":
        if c.victim("is_defender") == "yes" or c.victim("human_rights_work"):
            leads.append("the person's human rights work")
        if text(c.report, "un_cooperation", "body"):
            leads.append("the cooperation with the UN before the detention (the reprisal link)")
    elif category == "III" and any(text(inc, "lawyer_and_family") for inc in incidents):
        leads.append("the answer on access to a lawyer and the family")
    return leads


def _wgad_categories(d: Draft, c: Case) -> None:
    d.lines.append("- Categories the facts may support (staff argue at least one, with reasons, and strike the rest):")
    for category, title, codes in _CATEGORIES:
        leads = _leads(c, category, codes)
        d.lines.append(f"  - Category {category}, {title}: " + ("; ".join(leads) if leads else "no answer points to it"))


def _wgeid(d: Draft, c: Case) -> None:
    """§2.2: the six required elements, the family's consent, then the circumstances and the relatives."""
    d.section("Identity of the disappeared person (element 1)")
    name(d, c, "the full name of the disappeared person")
    d.field("Identifying data", c.victim("id_document") or attachments(c.report),
            "identifying data: an ID number or a photo")
    victim_field(d, c, "sex", "Sex", None, vocab.SEXES)
    victim_field(d, c, "age", "Age")
    if c.victim("kind") == "group":
        d.missing("one form per disappeared person: this report is about a group")
    d.section("Date of disappearance (element 2)")
    for n, inc in c.incidents:
        d.field(f"Date{c.tag(n)}", start(inc), "date of disappearance (at least month and year)")
        if precision(text(inc, "start", "date")) == "year":
            d.missing(f"the month of disappearance{c.tag(n)} (only the year is given)")
    d.section("Place of arrest, abduction or last sighting (element 3)")
    arrest(d, c)
    detention_kind(d, c)
    for n, inc in c.incidents:
        d.field(f"Place{c.tag(n)}", text(inc, "place"),
                "place of arrest or abduction, or where last seen (beyond the province)")
        d.field(f"Province or country{c.tag(n)}", text(inc, "province"))
    d.section("Forces believed responsible (element 4)")
    perpetrators(d, c, "the forces (State or State-supported) believed responsible")
    d.section("Action taken to locate the person (element 5)")
    d.quote("Steps taken", text(c.report, "remedies", "domestic"),
            "inquiries, complaints, habeas corpus or other steps to locate the person, or why none were possible")
    response(d, c)
    submitter(d, c, "Submitter (element 6)")
    given_by = text(c.report, "consent", "given_by")
    d.field("Consent given by", vocab.CONSENT_GIVEN_BY[given_by] if given_by in ("victim", "family") else "",
            "the family's consent to this submission (required when an organisation submits)")
    contact = staff_fact(c.report, "family_contact")
    d.field("The organisation keeps in contact with the family and will relay the Government's replies",
            with_staff("", contact) if contact == "yes" else "",
            "confirmation that the organisation can keep in contact with the family and relay the Government's "
            "replies")
    # Beyond the six elements: what happened, whether the family was told (refusal to acknowledge
    # the detention is the definition), and reprisals against relatives (prompt intervention, §2.2).
    d.section("Circumstances, and relatives affected")
    for n, inc in c.incidents:
        d.quote(f"Account{c.tag(n)}", text(inc, "narrative"), "an account of what happened")
        d.quote(f"Family told, access to a lawyer{c.tag(n)}", text(inc, "lawyer_and_family"))
        family(d, c, n, inc)


def _torture(d: Draft, c: Case) -> None:
    """§2.3 minimum information, with the APT checklist's medical evidence and authorisation."""
    d.section("Victim")
    name(d, c)
    victim_field(d, c, "age", "Age", "age")
    victim_field(d, c, "nationality", "Nationality", "nationality")
    victim_field(d, c, "occupation", "Occupation", "occupation")
    d.section("Arrest and detention: date, time and place")
    for n, inc in c.incidents:
        d.field(f"Date{c.tag(n)}", period(inc), "date (and time) of arrest and detention")
        d.field(f"Place{c.tag(n)}", place(inc), "place of arrest")
    arrest(d, c)
    victim_field(d, c, "detention_place", "Place of detention", "place of detention")
    detention_kind(d, c)
    d.section("The torture or ill-treatment, or why it is feared")
    described = False
    for n, inc in c.incidents:
        d.quote(f"Ill-treatment{c.tag(n)}", text(inc, "ill_treatment"))
        described |= bool(text(inc, "ill_treatment"))
    d.quote("Health", c.victim("health"))
    if not (described or c.victim("health")):
        d.missing("a detailed description of the torture or ill-treatment, or of why it is feared")
    accounts(d, c)
    d.section("Alleged perpetrators")
    perpetrators(d, c, "the perpetrators, or their unit")
    victim_field(d, c, "holding_authority", "Authority holding the person")
    d.section("Visits by family, lawyer and doctor")
    for n, inc in c.incidents:
        d.quote(f"Visits{c.tag(n)}", text(inc, "lawyer_and_family"),
                "dates of family, lawyer and doctor visits, or their refusal")
    d.section("Medical evidence")
    d.field("Evidence", attachments(c.report), "medical evidence, if any (reports, photos)")
    d.section("Authorisation to pass on the allegation")
    consent = c.report.get("consent") or {}
    ok = consent.get("share_with_un") == "yes" and consent.get("given_by") in ("victim", "family")
    given_by_code = consent.get("given_by")
    given_by = vocab.CONSENT_GIVEN_BY.get(given_by_code, "") if isinstance(given_by_code, str) else ""
    d.field("Consent to share with the UN", f"yes, given by {given_by}" if ok else "",
            "authorisation by the person or family to pass the allegation on")
    submitter(d, c)


def _hrd(d: Draft, c: Case) -> None:
    """§2.4: the victim, affiliation, the work, the violation, its link to the work, perpetrators, steps."""
    d.section("Victim")
    name(d, c)
    victim_field(d, c, "age", "Age", "age")
    victim_field(d, c, "sex", "Sex", "sex", vocab.SEXES)
    victim_field(d, c, "occupation", "Profession", "profession")
    victim_field(d, c, "residence", "Residence", "residence")
    d.section("Affiliation")
    d.field("Affiliation", with_staff("", staff_fact(c.report, "affiliation")),
            "affiliation with a human rights organisation or group, its name and its head")
    d.section("Nature of the human rights work")
    victim_field(d, c, "is_defender", "Described as a human rights defender", None, vocab.YES_NO_UNSURE)
    d.quote("Human rights work", c.victim("human_rights_work"), "the nature of the person's human rights work")
    d.section("The violation: date, place, description and nature")
    date_place_description(d, c)
    d.section("Link to human rights work or to UN cooperation")
    cooperation(d, c)
    d.quote("Evidence of the link", text(c.report, "un_cooperation", "link_evidence"),
            "how the violation is connected to the person's human rights work or UN cooperation")
    d.section("Alleged perpetrators")
    perpetrators(d, c)
    d.section("Action by the authorities, and steps taken")
    authority_acts(d, c)
    charges(d, c)
    steps(d, c, "action taken by the authorities, and steps taken by the victim or others")
    submitter(d, c)


def _foe(d: Draft, c: Case) -> None:
    """§2.5: the person, the incident, views and activities, the medium, perpetrators, State action."""
    d.section("Person(s) concerned")
    name(d, c)
    victim_field(d, c, "age", "Age", "age")
    victim_field(d, c, "sex", "Gender", "gender", vocab.SEXES)
    victim_field(d, c, "ethnicity", "Ethnicity (if relevant)")
    victim_field(d, c, "occupation", "Profession", "profession")
    d.section("Incident: date, location and circumstances")
    date_place_description(d, c)
    d.section("Views, affiliations and activities related to the violation")
    d.quote("Activities", c.victim("human_rights_work"),
            "the person's views, affiliations and activities related to the violation")
    if {"CENSORSHIP", "INTERNET_SHUTDOWN", "SMEAR_CAMPAIGN"} & set(all_codes(c.report)):  # a medium is concerned
        d.section("Medium affected")
        d.missing("the nature and reach of any outlet or account blocked or punished")
    d.section("Alleged perpetrators and their State affiliation")
    perpetrators(d, c, "the perpetrators, their State affiliation and why they are believed responsible")
    d.section("State action: authority, legal provision, domestic remedies")
    authority_acts(d, c, "Legal provision invoked", "the legal provision invoked")
    charges(d, c)
    d.quote("Domestic remedies", text(c.report, "remedies", "domestic"), "steps taken to seek domestic remedies")
    response(d, c)
    submitter(d, c)


def general(d: Draft, c: Case) -> None:
    """§1.3 for any other mandate, then the mandate's own facts from §2.6."""
    d.section("Alleged victim(s)")
    name(d, c)
    victim_field(d, c, "sex", "Sex", None, vocab.SEXES)
    victim_field(d, c, "age", "Age")
    victim_field(d, c, "occupation", "Occupation")
    d.section("Alleged perpetrator(s)")
    perpetrators(d, c)
    d.section("Date, place and description")
    date_place_description(d, c)
    d.section("Steps taken at home and internationally")
    steps(d, c, "steps already taken at home and internationally")
    d.quote("UN bodies already seized", text(c.report, "un_cooperation", "already_raised"))
    earlier_un_action(d, c)
    d.section("Facts specific to this mandate")  # un-procedures.md §2.6
    facts = MANDATE_FACTS.get(c.mandate, [])
    for what, source in facts:
        if source is None:
            d.missing(what)
        elif source[0] == "victim":
            d.quote(what, c.victim(source[1]), what)
        elif source[0] == "code":  # answered by a violation the report codes
            coded = source[1] in all_codes(c.report)
            d.field(what, f"yes: {vocab.VIOLATIONS[source[1]]}" if coded else "", what)
        else:
            for n, inc in c.incidents:
                d.quote(f"{what}{c.tag(n)}", text(inc, source[1]), what)
    if not facts:
        d.lines.append("- none listed for this mandate beyond the common minimum")
    submitter(d, c)


def _asg(d: Draft, c: Case) -> None:
    """§4.2: cooperation, link, consent, prior UN action, the acts, current status and response."""
    d.section("Cooperation with the UN")
    cooperation(d, c)
    d.section("Evidence of the link between the acts and the cooperation")
    d.quote("Evidence", text(c.report, "un_cooperation", "link_evidence"),
            "what links the acts to the cooperation (what the authorities said, timing, questions about UN contact)")
    d.section("Informed consent")
    consent = c.report.get("consent") or {}
    d.field("Consent level", vocab.answered(vocab.SG_REPORT, consent.get("sg_report")),
            "consent to inclusion in the SG report")
    d.field("Consent given by", vocab.answered(vocab.CONSENT_GIVEN_BY, consent.get("given_by")),
            "who gave consent (the person or a family member)")
    d.missing("confirmation that the person (or family) was informed of and understood the security risks, and "
              "agreed to inclusion: date and channel (staff)")
    d.section("Prior UN action")
    d.quote("Already raised", text(c.report, "un_cooperation", "already_raised"),
            None if staff_fact(c.report, "un_reference") else
            "whether any UN document or communication has already referred to the case (or 'none known')")
    earlier_un_action(d, c)
    d.section("The acts: what, by whom, when and where")
    for n, inc in c.incidents:
        d.field(f"What{c.tag(n)}", violations(inc), "the acts")
        d.field(f"By whom{c.tag(n)}", perpetrator(inc), "by whom (State or non-State actors)")
        d.field(f"When{c.tag(n)}", period(inc), "when")
        d.field(f"Where{c.tag(n)}", place(inc), "where")
        d.quote(f"Account{c.tag(n)}", text(inc, "narrative"), "an account of what happened")
        family(d, c, n, inc)
    d.section("Current status and government response")
    victim_field(d, c, "status", "Current status of the person", "current status of the person", vocab.VICTIM_STATUSES)
    detention_kind(d, c)
    charges(d, c)
    response(d, c)
    d.missing("any government investigation or response")
    submitter(d, c)


BUILDERS = {"WGAD": _wgad, "WGEID": _wgeid, "SR-TORTURE": _torture, "SR-HRD": _hrd, "SR-FOE": _foe,
            "ASG-REPRISALS": _asg}
