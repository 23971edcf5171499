"""The answer options of the report form: stable codes (stored in report.json) and labels.

Codes follow docs/report-schema.md and the routing table of the staff desk; labels are what a
reporter reads, marked for translation.
"""

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice


def _options(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]

RELATIONS = _options(
    ("self", _l("I am the person this happened to")),
    ("family", _l("A family member")),
    ("lawyer", _l("Their lawyer")),
    ("colleague", _l("A colleague or friend")),
    ("ngo", _l("An organisation working with them")),
    ("witness", _l("A witness")),
    ("other", _l("Other")),
)

HOW_KNOWN = _options(
    ("direct", _l("I experienced or saw it myself")),
    ("told_by_victim", _l("The person concerned or their family told me")),
    ("public_sources", _l("From public sources (news, social media)")),
    ("other", _l("Other")),
)

CONTACT_CHANNELS = _options(
    ("", _l("No contact, please")),
    ("signal", _l("Signal")),
    ("email", _l("Email")),
    ("other", _l("Other")),
)

VICTIM_KINDS = _options(("individual", _l("One person")), ("group", _l("A group of people")))

SEXES = _options(("", _l("Prefer not to say")), ("female", _l("Female")), ("male", _l("Male")), ("other", _l("Other")))

YES_NO_UNSURE = _options(("", _l("Not sure")), ("yes", _l("Yes")), ("no", _l("No")))

STATUSES = _options(
    ("free", _l("Free")),
    ("detained", _l("Detained")),
    ("whereabouts_unknown", _l("Whereabouts unknown")),
    ("house_arrest", _l("Under house arrest or guarded at home")),
    ("abroad", _l("Abroad")),
    ("deceased", _l("Deceased")),
    ("unsure", _l("Not sure")),
)

UN_BODIES = _options(
    ("hrc_session", _l("A Human Rights Council session")),
    ("upr", _l("The Universal Periodic Review (UPR)")),
    ("special_procedures", _l("A Special Rapporteur or Working Group")),
    ("treaty_body", _l("A treaty body (for example the Committee against Torture)")),
    ("ohchr", _l("The UN Human Rights Office (OHCHR)")),
    ("un_agency", _l("Another UN agency")),
    ("other", _l("Other")),
    ("unsure", _l("Not sure")),
)

COOPERATION_KINDS = _options(
    ("submission", _l("Sent information or a submission")),
    ("testimony", _l("Gave testimony")),
    ("meeting", _l("Met UN officials or experts")),
    ("training", _l("Took part in a UN training")),
    ("travel", _l("Travelled, or tried to travel, to a UN meeting")),
    ("online", _l("Contact online")),
    ("planned", _l("Planned to cooperate, and was stopped")),
    ("other", _l("Other")),
    ("unsure", _l("Not sure")),
)

# Reprisals often hit the relative of the person who spoke to the UN, or the victim for what
# the reporter or an organisation did.
COOPERATED_BY = _options(
    ("", _l("Not sure")),
    ("victim", _l("The person this happened to")),
    ("related_person", _l("A family member, lawyer or colleague of theirs")),
    ("reporter", _l("Me, the person filling in this form")),
    ("organisation", _l("An organisation")),
)

# Violation types: the intake codes of the routing table (docs/report-schema.md).
VIOLATIONS = _options(
    ("ARBITRARY_DETENTION", _l("Detention (criminal or administrative)")),
    ("RSDL_INCOMMUNICADO", _l("Held incommunicado or in 'residential surveillance at a designated location' (RSDL)")),
    ("ENFORCED_DISAPPEARANCE", _l("Disappeared: the authorities will not say where they are")),
    ("HOUSE_ARREST", _l("House arrest, or guarded at home")),
    ("TORTURE_ILL_TREATMENT", _l("Torture or ill-treatment")),
    ("DENIAL_OF_MEDICAL_CARE", _l("Denied medical care in custody")),
    ("DEATH_IN_CUSTODY", _l("Death in custody, or threatened with death")),
    ("EXIT_BAN", _l("Stopped from leaving the country, or from travelling")),
    ("PASSPORT_DENIAL", _l("Passport refused or taken away")),
    ("FORCED_RETURN", _l("Forced return to China from another country, or at risk of it")),
    ("SURVEILLANCE", _l("Surveillance (followed, phone or computer searched, spyware)")),
    ("THREATS", _l("Threats or intimidation (for example 'invited to tea')")),
    ("HARASSMENT_OF_FAMILY", _l("Family members harassed, punished or used as pressure")),
    ("DISMISSAL_FROM_JOB", _l("Lost their job or home because of pressure")),
    ("LAWYER_DISBARMENT", _l("Lawyer's licence taken away, or law firm closed")),
    ("DENIAL_OF_LAWYER_OF_CHOICE", _l("Not allowed a lawyer of their choice")),
    ("UNFAIR_TRIAL", _l("Unfair or secret trial")),
    ("CENSORSHIP", _l("Censorship, accounts deleted, or punished for posts")),
    ("INTERNET_SHUTDOWN", _l("Internet cut off or blocked")),
    ("NGO_CLOSURE", _l("Organisation closed, or meeting banned")),
    ("SMEAR_CAMPAIGN", _l("Smeared in state media")),
    ("RELIGIOUS_PERSECUTION", _l("Persecuted for their religion or belief")),
    ("MINORITY_TARGETING", _l("Targeted as a Uyghur, Tibetan, Mongolian or other minority")),
    ("STATE_SECURITY_CHARGE", _l("Charged with terrorism, extremism or a state security crime")),
    ("FORCED_PSYCHIATRIC_DETENTION", _l("Forced into a psychiatric hospital")),
    ("PROPERTY_SEIZURE", _l("Home raided, property seized or demolished")),
    ("SEXUAL_GENDER_BASED", _l("Sexual or gender-based violence")),
    ("TRANSNATIONAL_REPRESSION", _l("Threatened or pressured while abroad")),
    ("OTHER", _l("Something else")),
)

PERPETRATORS = _options(
    ("police", _l("Police")),
    ("state_security", _l("State security (guobao, guoan)")),
    ("hk_national_security", _l("Hong Kong police, National Security Department")),
    ("procuratorate", _l("Procuratorate")),
    ("court", _l("Court")),
    ("justice_bureau", _l("Justice bureau")),
    ("local_officials", _l("Local officials or neighbourhood committee")),
    ("employer", _l("Employer")),
    ("landlord", _l("Landlord")),
    ("foreign_authorities", _l("Authorities of another country")),
    ("other", _l("Other")),
    ("unknown", _l("Unknown")),
)

SHARE_WITH_UN = _options(
    ("yes", _l("Yes, share it confidentially with the UN experts")),
    ("no", _l("No, do not share it")),
    ("ask_later", _l("Ask me again later")),
)

NAME_PUBLIC = _options(
    ("yes", _l("Yes, the name may be public")),
    ("anonymised", _l("Only without the name")),
    ("no", _l("No, nothing public")),
)

SG_REPORT = _options(
    ("named", _l("Yes, with the name")),
    ("anonymised", _l("Yes, but only without the name")),
    ("no", _l("No")),
)

CONSENT_GIVEN_BY = _options(
    ("", _l("Not sure")),
    ("victim", _l("The person concerned")),
    ("family", _l("A family member")),
    ("reporter", _l("Me, on their behalf")),
)

# People affected besides the victim (collective punishment, pressure through relatives).
RELATED_RELATIONS = _options(
    ("spouse", _l("Husband, wife or partner")),
    ("child", _l("Son or daughter")),
    ("parent", _l("Father or mother")),
    ("sibling", _l("Brother or sister")),
    ("other_relative", _l("Another relative")),
    ("lawyer", _l("Their lawyer")),
    ("colleague", _l("A colleague or friend")),
    ("other", _l("Someone else")),
)

LIVES = _options(("", _l("Not sure")), ("china", _l("In China")), ("abroad", _l("Outside China")))

IMMINENT_KINDS = _options(
    ("", _l("Nothing that I know of")),
    ("trial", _l("A trial or court hearing")),
    ("sentencing", _l("A sentence or verdict")),
    ("deportation", _l("Deportation or forced return to China")),
    ("transfer", _l("A transfer to another place of detention")),
    ("release", _l("A release date")),
    ("un_session", _l("A UN session or meeting that they or a relative will attend")),
    ("other", _l("Something else")),
)

# The kind of place where the person is held: the places of the Chinese context.
DETENTION_KINDS = _options(
    ("", "—"),
    ("police_station", _l("Police station")),
    ("detention_centre", _l("Detention centre (kanshousuo, 看守所)")),
    ("rsdl", _l("'Residential surveillance at a designated location' (RSDL, 指定居所监视居住)")),
    ("prison", _l("Prison")),
    ("administrative_detention", _l("Administrative detention")),
    ("psychiatric_hospital", _l("Psychiatric hospital")),
    ("camp", _l("Internment or 'vocational training' camp")),
    ("unofficial", _l("Unofficial place (black jail, hotel, guesthouse)")),
    ("house_arrest", _l("House arrest")),
    ("other", _l("Other")),
    ("unsure", _l("Not sure")),
)

# The charges used against defenders: PRC Criminal Law articles, Hong Kong's national security
# law and sedition, and the ordinary crimes used as a pretext.
CHARGES = _options(
    ("subversion", _l("Subversion, or inciting subversion of state power (Criminal Law, article 105)")),
    ("separatism", _l("Separatism, or inciting separatism (article 103)")),
    ("state_secrets_abroad", _l("Giving state secrets or intelligence to people abroad (article 111)")),
    ("picking_quarrels", _l("Picking quarrels and provoking trouble (article 293)")),
    ("gathering_crowd", _l("Gathering a crowd to disturb public order (article 290)")),
    ("cult", _l("Using a cult to undermine the law (article 300)")),
    ("terrorism_extremism", _l("Terrorism or extremism (article 120)")),
    ("hk_nsl_secession", _l("Hong Kong national security law: secession")),
    ("hk_nsl_subversion", _l("Hong Kong national security law: subversion")),
    ("hk_nsl_collusion", _l("Hong Kong national security law: collusion with foreign forces")),
    ("hk_sedition", _l("Hong Kong: sedition")),
    ("pretext", _l("A pretext charge, such as fraud or illegal business")),
    ("other", _l("Other")),
    ("none_known", _l("No charge known")),
)

GOVERNMENT_REPLIED = _options(
    ("", _l("Not sure")),
    ("yes", _l("Yes")),
    ("no", _l("No")),
    ("no_letter", _l("No UN letter that I know of")),
)
