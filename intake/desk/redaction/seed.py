"""Seed a case's register from the structured answers of its report.json (docs/report-schema.md).

A name field often holds several spellings ("王全璋 (Wang Quanzhang)", "Wang Quanzhang / 王全章"):
it is split at separators and, for names, into runs of Hanzi and of other letters. A place that is
only a province is not registered: provinces are the level every profile keeps. Related persons
(relatives, lawyers, colleagues) are registered with their relation as the role. What reporters
write only in the narrative (other relatives, officers) is for staff to add (Register.add).
"""

import re

from .match import usable_key
from .normalize import is_cjk, match_key, normalize
from .provinces import is_province_name
from .register import Register
from .surnames import surname_at

_SEPARATORS = re.compile(r"[,，;；/|、()（）\[\]【】<>《》\r\n]+|\s+(?:or|aka|a\.k\.a\.|also known as|alias)\s+|又名|别名|別名|或")
_ORG_END = re.compile(r"(?:局|所|队|隊|院|委|会|會|处|處|厅|廳|部|办|辦|站|庭|(?i:bureau|psb|police|department|"
                      r"unit|brigade|station|office|court|procuratorate|committee|team|guobao|guoan))\s*$")


def _parts(text: str) -> list[str]:
    return [p.strip(" .:-'\"") for p in _SEPARATORS.split(text) if p and p.strip(" .:-'\"")]


def _script_runs(text: str) -> list[str]:
    """"王某某 Wang Mou" -> ["王某某", "Wang Mou"]: a name written in two scripts is two spellings."""
    runs = re.findall(r"[\u2e80-\u9fff\uf900-\ufaff·・•‧]+|[^\u2e80-\u9fff\uf900-\ufaff·・•‧]+", text)
    return [r.strip() for r in runs if r.strip()]


def _usable(spellings: list[str]) -> list[str]:
    return [s for s in dict.fromkeys(spellings) if usable_key(match_key(s))]


def name_spellings(*texts: str) -> list[str]:
    out: list[str] = []
    for text in filter(None, texts):
        out.append(text)
        for part in _parts(text):
            out.append(part)
            runs = _script_runs(part)
            if len(runs) > 1 and any(is_cjk(c) for c in part):
                out += runs
    return _usable([t.strip() for t in out if t.strip()])


def given_names(spellings: list[str]) -> list[str]:
    """The given name of each Hanzi full name (陈小雨 -> 小雨): relatives and friends write it
    alone. Only two Hanzi or more after a known surname, so a bare 1-Hanzi name is never added."""
    found = []
    for spelling in spellings:
        if 3 <= len(spelling) <= 5 and all(is_cjk(c) for c in spelling):
            surname = surname_at(spelling, 0)
            rest = spelling[len(surname.simplified):] if surname else ""
            if len(rest) >= 2 and rest.strip("某XＸ×*＊"):  # 王某某 is "Wang so-and-so": no given name
                found.append(rest)
    return _usable(found)


def place_spellings(text: str) -> list[str]:
    spellings = [text] + _parts(text)
    return _usable([s for s in spellings if s and not is_province_name(normalize(s).text)])


def _text(report: dict, *keys: str) -> str:
    value: object = report
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value.strip() if isinstance(value, str) else ""


# A related person's role in their pseudonym: "Person C (spouse)", "Person D (child, a minor)".
RELATED_ROLES = {"spouse": "spouse", "child": "child", "parent": "parent", "sibling": "sibling",
                 "other_relative": "relative", "lawyer": "lawyer", "colleague": "colleague", "other": "associate"}


def related_role(person: dict) -> str:
    role = RELATED_ROLES.get(person.get("relation", ""), "associate")
    return f"{role}, a minor" if person.get("minor") == "yes" else role


def seed_register(report: dict, register: Register | None = None) -> Register:
    """A register holding the people, places and organisations named in the structured answers."""
    register = register or Register()

    def add(kind: str, role: str, spellings: list[str], source: str, merge: bool = True) -> None:
        if spellings:
            register.add(kind, role, *spellings, source=source, merge=merge)

    def person_spellings(*texts: str) -> list[str]:
        spellings = name_spellings(*texts)
        return spellings + [g for g in given_names(spellings) if g not in spellings]

    victim = report.get("victim") or {}
    add("person", "victim", person_spellings(_text(victim, "name"), _text(victim, "name_other_spellings")), "victim.name")
    add("person", "reporter", name_spellings(_text(report, "reporter", "name")), "reporter.name")
    for i, person in enumerate(report.get("related_persons") or []):
        add("person", related_role(person), person_spellings(_text(person, "name"), _text(person, "name_other_spellings")),
            f"related_persons[{i}].name", merge=False)
    add("organisation", "reporter's organisation", place_spellings(_text(report, "reporter", "organisation")),
        "reporter.organisation")
    add("place", "place of detention", place_spellings(_text(victim, "detention_place")), "victim.detention_place")
    add("place", "place of arrest", place_spellings(_text(victim, "arrest_place")), "victim.arrest_place")
    add("organisation", "holding authority", place_spellings(_text(victim, "holding_authority")), "victim.holding_authority")
    add("place", "residence", place_spellings(_text(victim, "residence")), "victim.residence")
    for i, incident in enumerate(report.get("incidents") or []):
        add("place", "place of incident", place_spellings(_text(incident, "place")), f"incidents[{i}].place")
        details = _text(incident, "perpetrator", "details")
        if details:
            parts = _parts(details)
            units = [p for p in parts if _ORG_END.search(p)]
            people = [p for p in parts if p not in units] + ([] if units else [details])
            for unit in _usable(units):
                add("organisation", "perpetrator's unit", [unit], f"incidents[{i}].perpetrator.details")
            add("person", "perpetrator", _usable(people), f"incidents[{i}].perpetrator.details")
    never = _text(report, "consent", "never_disclose")
    if never:
        add("other", "never disclose", _usable([p for p in _parts(never) if len(p) <= 40]), "consent.never_disclose")
    return register
