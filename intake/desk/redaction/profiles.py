"""Export profiles: what each kind of recipient may see.

| What                              | "un-sp" (confidential, to special procedures) | "reprisals-report" (SG report, OHCHR) | "stats" (counting) |
|-----------------------------------|------------------------------|-------------------------------|------------------------|
| Victim's name                     | kept only with keep_names, which needs consent.share_with_un = "yes" | kept only with keep_names, which needs consent.sg_report = "named" | always "Person A (victim)" |
| Related persons (related_persons[]) | kept only with keep_names and their own consent_named = "yes"; else "Person C (spouse)" | same | always "Person C (spouse)" |
| Other people (family, lawyers, perpetrators…) | "Person B (victim's son)" | same | same |
| Reporter: name, organisation, contact | always withheld; the role is never shown ("Person C") | same | same |
| Places (register, cities, 县/寺/看守所… names) | kept as answered | "Place 1 (Sichuan)"; a city alone becomes its province | the province ("Sichuan", "四川") or "a place in China" |
| incidents[].province              | kept | kept (a city in it becomes its province) | same |
| Organisations                     | kept (the reporter's: withheld) | "Organisation 1" | "Organisation 1" |
| Dates                             | kept: the UN needs exact dates | to the month: "2024-03", "2024年3月", "March 2024" | to the month |
| victim.age                        | kept | a ten-year band, or the decade of birth | same |
| Identifiers (phones, IDs, passports, accounts, plates, case numbers, links…) | "Phone 1", "ID number 1"… | same | same |
| Tibetan, Arabic or Mongolian script | withheld (a person must read it) | same | same |
| consent.never_disclose, receipt codes, file names and hashes | withheld | same | same |
| People named only in free text (people.py) | proposed in every field | in the two short answers the entry quotes (date of cooperation, prior UN action) | never asked: no free text |

Everything here is a proposal: staff accept or reject each one (engine.py). Violation codes,
consent levels and other codes are never touched.
"""

from dataclasses import dataclass

from .errors import RedactionError


@dataclass(frozen=True)
class Profile:
    name: str
    names_consent: tuple[str, str] | None  # (consent key, value) that allows keep_names; None: never
    places: str  # "keep", "pseudonym" ("Place 1 (Sichuan)") or "province"
    organisations: str  # "keep" or "pseudonym"
    dates: str  # "keep" or "month"
    ages: str  # "keep" or "band"
    # The free-text answers its export carries (field patterns), None for all of them: names
    # found only in free text are proposed in these fields and nowhere else.
    free_text: tuple[str, ...] | None = None


PROFILES = {
    "un-sp": Profile("un-sp", ("share_with_un", "yes"), places="keep", organisations="keep", dates="keep", ages="keep"),
    "reprisals-report": Profile("reprisals-report", ("sg_report", "named"), places="pseudonym",
                                organisations="pseudonym", dates="month", ages="band",
                                free_text=("un_cooperation.date", "un_cooperation.already_raised")),
    "stats": Profile("stats", None, places="province", organisations="pseudonym", dates="month", ages="band",
                     free_text=()),
}

# Roles that say who talked: never shown in a pseudonym (redaction.md §5.1, attribution).
HIDDEN_ROLES = frozenset({"reporter", "reporter's organisation", "source", "witness", "never disclose"})


def carries_free_text(profile: Profile, field_pattern: str) -> bool:
    return profile.free_text is None or field_pattern in profile.free_text


def get_profile(name: str | Profile) -> Profile:
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise RedactionError(f"unknown redaction profile {name!r}", hint="one of: " + ", ".join(PROFILES)) from None


def names_allowed(report: dict, profile: Profile) -> bool:
    """Whether the report's consent lets this profile keep the victim's name."""
    if profile.names_consent is None:
        return False
    key, value = profile.names_consent
    consent = report.get("consent") or {}
    return consent.get(key) == value


def consented_names(report: dict) -> frozenset[str]:
    """The register sources of related persons who agreed to be named (each decides for
    themselves: the victim's consent never covers a relative's name)."""
    return frozenset(f"related_persons[{i}].name" for i, person in enumerate(report.get("related_persons") or [])
                     if isinstance(person, dict) and person.get("consent_named") == "yes"
                     # A child cannot give this consent: a minor is never named by the desk.
                     and person.get("minor") != "yes")


def check_keep_names(report: dict, profile: Profile, keep_names: bool) -> None:
    if keep_names and not names_allowed(report, profile):
        needed = "never" if profile.names_consent is None else "consent.{} = {!r}".format(*profile.names_consent)
        raise RedactionError(f"the {profile.name} profile may not keep names for this report",
                             hint=f"names may stay only with {needed}; drop keep_names")
