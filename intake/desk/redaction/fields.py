"""Structured answers that identify someone by themselves, and are replaced whole.

Free text is searched span by span; these fields are not: a reporter's contact details or a
residence are withheld entirely, whatever is in them, so nothing in them depends on a detector.
The replacement is the same pseudonym as the register entry seeded from the field, so
"Person A (victim)" in victim.name is "Person A (victim)" in the narrative too.
"""

import re

from .errors import RedactionError
from .generalise import age_band
from .normalize import match_key, normalize
from .paths import pattern
from .profiles import HIDDEN_ROLES, Profile, consented_names
from .provinces import is_province_name, province_of
from .pseudonyms import Labeller
from .register import Register

ALWAYS = {
    "reporter.name": ("person", "[reporter's name withheld]"),
    "reporter.organisation": ("organisation", "[reporter's organisation withheld]"),
    "reporter.contact_details": ("contact", "[contact details withheld]"),
    "victim.id_document": ("id_document", "[identity document withheld]"),
    "consent.never_disclose": ("other", "[withheld]"),
    "receipt": ("receipt", "[receipt code withheld]"),
    "follow_up_of": ("receipt", "[receipt code withheld]"),
    "attachments[].sha256": ("file_hash", "[file hash withheld]"),
}
PLACES = ("victim.residence", "victim.detention_place", "victim.arrest_place", "incidents[].place")


def structured(path: str, text: str, report: dict, register: Register, profile: Profile, keep_names: bool,
               labeller: Labeller) -> tuple[str, str] | None:
    """(kind, replacement) for a field replaced whole, or None if the field is searched like any text."""
    field = pattern(path)
    norm = normalize(text).text
    if field in ALWAYS:
        return ALWAYS[field]
    if field in ("victim.name", "victim.name_other_spellings"):
        if keep_names:
            return None
        victims = register.entries_from("victim.name")
        return "person", labeller.entry(victims[0]) if victims else "[name withheld]"
    if field in ("related_persons[].name", "related_persons[].name_other_spellings"):
        source = path.rsplit(".", 1)[0] + ".name"
        people = [e for e in register.entries_from(source) if e.kind == "person"]
        if keep_names and source in consented_names(report):
            return None
        return "person", labeller.entry(people[0]) if people else "[name withheld]"
    if field in ("attachments[].original_name", "attachments[].entry"):
        return "file_name", _file_name(path, report, field.endswith(".entry"))
    if field in PLACES and profile.places != "keep":
        entries = [e for e in register.entries_from(path) if e.kind == "place"]
        if entries:
            return "place", labeller.entry(entries[0], text)
        return "place", labeller.place(labeller.value("place", match_key(text)), province_of(norm), text)
    if field == "victim.holding_authority":
        entries = [e for e in register.entries_from(path) if e.kind == "organisation"]
        if profile.organisations != "keep" or any(e.role in HIDDEN_ROLES for e in entries):
            return "organisation", labeller.entry(entries[0]) if entries else labeller.value("organisation", match_key(text))
    if field == "victim.age" and profile.ages == "band":
        band = age_band(norm)
        return ("age", band) if band else None
    if field == "incidents[].province" and profile.places != "keep":
        province = province_of(norm)
        if province and not is_province_name(norm):  # "Chengdu, Sichuan" -> "Sichuan"
            return "place", province.name_like(text)
    return None


def _file_name(path: str, report: dict, entry: bool) -> str:
    """attachment-1.jpg: the position in the list, and the extension if it is a plain one."""
    position = re.search(r"attachments\[(\d+)\]", path)
    if position is None:  # structured() passes only paths whose pattern is attachments[].…
        raise RedactionError(f"{path} is not a field of an attachment")
    index = int(position.group(1))
    item = (report.get("attachments") or [])[index]
    original = str(item.get("original_name") or item.get("entry") or "")
    ext = re.search(r"\.[A-Za-z0-9]{1,5}$", original)
    name = f"attachment-{index + 1}{ext.group().lower() if ext else ''}"
    return f"attachments/{name}" if entry else name
