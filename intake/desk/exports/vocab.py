"""Labels for the report's codes, and the HURIDOCS codes the exports put beside them.

Our codes are those of docs/report-schema.md (intake/web/choices.py holds the reporter's labels;
the desk never loads the web side, so the English labels for staff and the UN are kept here, and
a test checks that both list the same codes).

HURIDOCS codes are the 12-digit `huri_code`s of the micro-thesauri (mt) as shipped in OpenEvSys
(github.com/huridocs/OpenEvSys, commit 2f734af, schema/mysql-dbpopulate-mt.sql; un-procedures.md
§6.3 [S40]). Act codes are keyed as routing.toml writes them (trailing zeros dropped for the short
ones). A code is None where the thesaurus has no equivalent: we never guess one.
"""

VIOLATIONS = {
    "ARBITRARY_DETENTION": "Arbitrary detention (criminal or administrative)",
    "RSDL_INCOMMUNICADO": "Incommunicado detention or residential surveillance at a designated location (RSDL)",
    "ENFORCED_DISAPPEARANCE": "Enforced disappearance (whereabouts not disclosed)",
    "HOUSE_ARREST": "House arrest, or guarded at home",
    "TORTURE_ILL_TREATMENT": "Torture or ill-treatment",
    "DENIAL_OF_MEDICAL_CARE": "Denial of medical care in custody",
    "DEATH_IN_CUSTODY": "Death in custody, or threatened with death",
    "EXIT_BAN": "Exit ban or travel restriction",
    "PASSPORT_DENIAL": "Passport refused or confiscated",
    "FORCED_RETURN": "Forced return to China, or risk of it",
    "SURVEILLANCE": "Surveillance (physical or digital, device searches, spyware)",
    "THREATS": "Threats or intimidation",
    "HARASSMENT_OF_FAMILY": "Family members harassed, punished or used as pressure",
    "DISMISSAL_FROM_JOB": "Loss of employment or housing under pressure",
    "LAWYER_DISBARMENT": "Lawyer's licence revoked, or law firm closed",
    "DENIAL_OF_LAWYER_OF_CHOICE": "Denied a lawyer of their choice",
    "UNFAIR_TRIAL": "Unfair or secret trial",
    "CENSORSHIP": "Censorship, accounts deleted, or punished for posts",
    "INTERNET_SHUTDOWN": "Internet cut off or blocked",
    "NGO_CLOSURE": "Organisation closed, or meeting banned",
    "SMEAR_CAMPAIGN": "Smear campaign in state media",
    "RELIGIOUS_PERSECUTION": "Persecution for religion or belief",
    "MINORITY_TARGETING": "Targeted as a member of a minority",
    "STATE_SECURITY_CHARGE": "Charged with terrorism, extremism or a state security crime",
    "FORCED_PSYCHIATRIC_DETENTION": "Forced psychiatric detention",
    "PROPERTY_SEIZURE": "Home raided, property seized or demolished",
    "SEXUAL_GENDER_BASED": "Sexual or gender-based violence",
    "TRANSNATIONAL_REPRESSION": "Threatened or pressured while abroad (transnational repression)",
    "OTHER": "Other violation (see the account)",
}

VICTIM_STATUSES = {
    "free": "Free", "detained": "Detained", "whereabouts_unknown": "Whereabouts unknown",
    "house_arrest": "Under house arrest or guarded at home", "abroad": "Abroad", "deceased": "Deceased",
    "unsure": "Not known to the source",
}
UN_BODIES = {
    "hrc_session": "Human Rights Council session", "upr": "Universal Periodic Review (UPR)",
    "special_procedures": "Special procedures (a Special Rapporteur or Working Group)", "treaty_body": "Treaty body",
    "ohchr": "UN Human Rights Office (OHCHR)", "un_agency": "Another UN agency", "other": "Other UN body or process",
    "unsure": "UN body not known to the source",
}
COOPERATION_KINDS = {
    "submission": "Sent information or a submission", "testimony": "Gave testimony",
    "meeting": "Met UN officials or experts", "training": "Took part in a UN training",
    "travel": "Travelled, or tried to travel, to a UN meeting", "online": "Online contact with the UN",
    "planned": "Planned to cooperate, and was stopped", "other": "Other cooperation",
    "unsure": "Kind of cooperation not known to the source",
}
COOPERATED_BY = {
    "victim": "the alleged victim", "related_person": "a relative, lawyer or colleague of the alleged victim",
    "reporter": "the source", "organisation": "an organisation", "": "not known to the source",
}
PERPETRATORS = {
    "police": "Police", "state_security": "State security (guobao, guoan)",
    "hk_national_security": "Hong Kong Police Force, National Security Department", "procuratorate": "Procuratorate",
    "court": "Court", "justice_bureau": "Justice bureau",
    "local_officials": "Local officials or neighbourhood committee",
    "employer": "Employer", "landlord": "Landlord", "foreign_authorities": "Authorities of another country",
    "other": "Other", "unknown": "Unknown",
}
RELATIONS = {
    "self": "the person concerned", "family": "a family member", "lawyer": "their lawyer",
    "colleague": "a colleague or friend", "ngo": "an organisation working with them", "witness": "a witness",
    "other": "other",
}
HOW_KNOWN = {
    "direct": "direct knowledge (experienced or saw it)",
    "told_by_victim": "told by the person concerned or their family",
    "public_sources": "public sources (news, social media)", "other": "other",
}
SEXES = {"female": "female", "male": "male", "other": "other", "": "not stated"}
YES_NO_UNSURE = {"yes": "yes", "no": "no", "": "not sure"}
SHARE_WITH_UN = {"yes": "yes", "no": "no", "ask_later": "ask again later"}
NAME_PUBLIC = {"yes": "yes", "anonymised": "only without the name", "no": "nothing public"}
SG_REPORT = {"named": "named", "anonymised": "anonymised (without the name)", "no": "no"}
CONSENT_GIVEN_BY = {"victim": "the person concerned", "family": "a family member",
                    "reporter": "the reporter, on their behalf", "": "not recorded"}
RELATED_RELATIONS = {
    "spouse": "spouse or partner", "child": "child", "parent": "parent", "sibling": "sibling",
    "other_relative": "relative", "lawyer": "lawyer", "colleague": "colleague or friend", "other": "associate",
}
LIVES = {"china": "in China", "abroad": "outside China", "": "not known"}
IMMINENT_KINDS = {
    "trial": "trial or court hearing", "sentencing": "sentencing or verdict",
    "deportation": "deportation or forced return to China", "transfer": "transfer to another place of detention",
    "release": "release date", "un_session": "a UN session or meeting someone is to attend", "other": "other event",
    "": "none known",
}
DETENTION_KINDS = {
    "police_station": "police station", "detention_centre": "detention centre (kanshousuo, 看守所)",
    "rsdl": "residential surveillance at a designated location (RSDL, 指定居所监视居住)", "prison": "prison",
    "administrative_detention": "administrative detention", "psychiatric_hospital": "psychiatric hospital",
    "camp": "internment or 'vocational training' camp",
    "unofficial": "unofficial place of detention (black jail, hotel, guesthouse)", "house_arrest": "house arrest",
    "other": "other place", "unsure": "not known to the source", "": "not given",
}
CHARGES = {
    "subversion": "subversion of state power, or inciting it (PRC Criminal Law, art. 105)",
    "separatism": "splitting the State, or inciting it (PRC Criminal Law, art. 103)",
    "state_secrets_abroad": "stealing, spying, buying or unlawfully supplying state secrets or intelligence for "
                            "entities outside China (PRC Criminal Law, art. 111)",
    "picking_quarrels": "picking quarrels and provoking trouble (PRC Criminal Law, art. 293)",
    "gathering_crowd": "gathering a crowd to disturb public order (PRC Criminal Law, art. 290)",
    "cult": "organising or using a cult to undermine the implementation of the law (PRC Criminal Law, art. 300)",
    "terrorism_extremism": "terrorism or extremism offences (PRC Criminal Law, art. 120 and following)",
    "hk_nsl_secession": "secession (Hong Kong National Security Law)",
    "hk_nsl_subversion": "subversion (Hong Kong National Security Law)",
    "hk_nsl_collusion": "collusion with a foreign country or external elements (Hong Kong National Security Law)",
    "hk_sedition": "sedition (Hong Kong)",
    "pretext": "a pretext charge (such as fraud or illegal business operations)",
    "other": "another charge",
    "none_known": "no charge known to the source",
}
GOVERNMENT_REPLIED = {"yes": "yes", "no": "no", "no_letter": "no earlier UN letter known to the source",
                      "": "not known to the source"}

# Perpetrator type -> the §6.4 "alleged perpetrator" (State / non-State) and mt 24 (Types of Perpetrators).
# Procuratorates and courts are PRC judicial organs (mt 24 Judiciary); justice bureaus are executive.
PERPETRATOR_SIDE = {
    "police": "State", "state_security": "State", "hk_national_security": "State", "procuratorate": "State", "court": "State",
    "justice_bureau": "State", "local_officials": "State", "foreign_authorities": "State",
    "employer": "non-State", "landlord": "non-State", "other": "unknown", "unknown": "unknown",
}
MT24_PERPETRATOR = {
    "police": ("010104000000", "Police"),
    "state_security": ("010106000000", "Intelligence agency; secret service"),
    "hk_national_security": ("010104000000", "Police"),
    "procuratorate": ("010300000000", "Judiciary"),
    "court": ("010300000000", "Judiciary"),
    "justice_bureau": ("010100000000", "Executive"),
    "local_officials": ("010102000000", "Local government officials"),
    "foreign_authorities": ("010000000000", "Governmental entities"),
    "employer": ("110301000000", "Employers"),
    "landlord": ("110200000000", "Private individuals/groups in a position of relative power in the community"),
    "other": ("900000000000", "Others"),
    "unknown": ("990000000000", "Unknown"),
}

# Type of Act (mt 4): every code routing.toml uses, with its OpenEvSys label.
ACT_LABELS = {
    "030101": "Arrest",
    "030102": "Detention, imprisonment",
    "030103": "Disappearance",
    "030105": "House arrest",
    "020111110000": "Torture",
    "360102040000": "Denial of the right to adequate medical services",
    "010106010000": "Death in detention or police custody",
    "020103020000": "Death threats",
    "050106": "Restriction on travel",
    "050107": "Denial of right of return",
    "330100": "Direct actions which violate the rights of aliens",
    "020103030000": "Surveillance",
    "120104": "Surveillance",
    "040101": "Illegal search / raid",
    "020103010100": "Threats against the victim",
    "020103010200": "Threats against the victim's family",
    "020121": "Collective punishments other than mass roundup or curfew",
    "300102100000": "Dismissal without advance notice",
    "050103": "Eviction",
    "300102030000": "Restriction on or revocation of work license",
    "350109": "Denial of the right to legal assistance",
    "350113": "Denial of the right to communication with defence",
    "350114": "Denial of the right to fair trial",
    "350115": "Denial of the right to public trial",
    "100101": "Censorship",
    "100104": "Prohibition on speech",
    "100102": "Publication restrictions",
    "090101": "Withholding of information",
    "120101": "Closure of an office",
    "120103": "Banning of a group",
    "120106": "Banning of a meeting/mass action",
    "140101": "Defamation",
    "110101": "Restriction on the practice of religion",
    "370100": "Direct actions which violate the rights of minorities",
    "530100": "Direct actions which violate the right to health",
    "130100": "Direct actions which violate the right to own/retain property",
    "020102": "Sexual violations",
    "020111010000": "Rape",
}

MT39_SEX = {"male": ("010000000000", "Male"), "female": ("020000000000", "Female"), "": ("990000000000", "Unknown")}
MT7_COUNTING_UNIT = {"individual": ("010000000000", "Individual"),
                     "group": ("030000000000", "Group, organisation or institution")}
MT19_SOURCE = {
    "self": ("010100000000", "Victim him/herself"), "witness": ("010200000000", "Witness"),
    "family": ("020101000000", "Relative of victim"), "colleague": ("020102000000", "Colleague at work of victim"),
    "lawyer": ("040100000000", "Lawyer"), "ngo": ("040400000000", "Non-governmental organisation"),
}
MT25_STATUS = {  # Status as Victim, for the person's current status
    "detained": ("020200000000", "Arrested and currently held"),
    "whereabouts_unknown": ("010300000000", "Still missing"),
    "house_arrest": ("030100000000", "Restricted in movement"),
    "deceased": ("010100000000", "Dead"),
}
MT48_DATE_TYPE = {"estimate": ("010000000000", "Estimate"), "month": ("020000000000", "Unknown day"),
                  "year": ("030000000000", "Unknown month and day")}

# §6.4 "types of reprisal (multi-select)", modelled on ISHR's EndReprisals list; our own tokens,
# not ISHR codes. Each violation code gives one or more.
REPRISAL_TYPES = {
    "detention": "Detention", "disappearance": "Disappearance or kidnapping", "torture_cidt": "Torture or CIDT",
    "threat_to_life": "Death in custody or threat to life", "travel_restriction": "Travel restriction",
    "forced_return": "Forced return", "surveillance": "Surveillance", "threats": "Threats or intimidation",
    "family_targeted": "Reprisals against family members", "economic": "Loss of employment or housing",
    "legal_judicial_harassment": "Legal or judicial harassment", "censorship": "Censorship",
    "association": "Restrictions on association or assembly", "smear": "Smear campaign",
    "discrimination": "Targeting for religion, belief or minority identity",
    "property": "Property damage, raid or confiscation", "sexual_gender_based": "Sexual or gender-based violence",
    "other": "Other",
}
VIOLATION_REPRISAL_TYPES = {
    "ARBITRARY_DETENTION": ["detention"], "RSDL_INCOMMUNICADO": ["detention", "disappearance"],
    "ENFORCED_DISAPPEARANCE": ["disappearance"], "HOUSE_ARREST": ["detention"],
    "TORTURE_ILL_TREATMENT": ["torture_cidt"], "DENIAL_OF_MEDICAL_CARE": ["torture_cidt"],
    "DEATH_IN_CUSTODY": ["threat_to_life"], "EXIT_BAN": ["travel_restriction"],
    "PASSPORT_DENIAL": ["travel_restriction"],
    "FORCED_RETURN": ["forced_return"], "SURVEILLANCE": ["surveillance"], "THREATS": ["threats"],
    "HARASSMENT_OF_FAMILY": ["family_targeted"], "DISMISSAL_FROM_JOB": ["economic"],
    "LAWYER_DISBARMENT": ["legal_judicial_harassment"], "DENIAL_OF_LAWYER_OF_CHOICE": ["legal_judicial_harassment"],
    "UNFAIR_TRIAL": ["legal_judicial_harassment"], "CENSORSHIP": ["censorship"], "INTERNET_SHUTDOWN": ["censorship"],
    "NGO_CLOSURE": ["association"], "SMEAR_CAMPAIGN": ["smear"], "RELIGIOUS_PERSECUTION": ["discrimination"],
    "MINORITY_TARGETING": ["discrimination"], "STATE_SECURITY_CHARGE": ["legal_judicial_harassment"],
    "FORCED_PSYCHIATRIC_DETENTION": ["detention"], "PROPERTY_SEIZURE": ["property"],
    "SEXUAL_GENDER_BASED": ["sexual_gender_based"], "TRANSNATIONAL_REPRESSION": ["threats"],
    "OTHER": ["other"],
}


def label(table: dict, code) -> str:
    """The label of a code; an unknown code is shown as itself, marked, never silently dropped."""
    if code in ("", None) and "" not in table:
        return "not given"
    return table.get(code, f"unrecognised code {code!r}") if isinstance(code, str) else "not given"


def answered(table: dict, code) -> str:
    """The label of an answered code, "" when unanswered (so a draft shows a MISSING line)."""
    return label(table, code) if code else ""
