"""Consistent pseudonyms within one case: "Person A (victim)", "Place 1", "Phone 2"…

People get letters: victims first, then the others in register order. Places, organisations and
other register details are numbered in register order; detected values continue the same series
in order of first appearance in the report (paths.walk_strings gives a fixed order). A value is
keyed by its canonical form (E.164 for phones, upper case for IDs), so "+86 138 1234 5678" and
"13812345678" are one "Phone 1". No randomness, no hashes: the same register and report give the
same labels. Labels are per case, so exports of different cases cannot be joined on them.
"""

from .profiles import HIDDEN_ROLES, Profile
from .provinces import province_of
from .register import Entry, Register
from .normalize import normalize

PREFIXES = {
    "person": "Person", "place": "Place", "organisation": "Organisation", "other": "Withheld detail",
    "phone": "Phone", "resident_id": "ID number", "hk_id": "ID number", "macau_id": "ID number",
    "taiwan_id": "ID number", "passport": "Passport", "qq": "QQ account", "wechat": "WeChat ID",
    "email": "Email", "handle": "Social media account", "bank_card": "Bank card", "iban": "Bank account",
    "plate": "Vehicle plate", "case_number": "Case number", "url": "Link", "ip": "IP address",
    "imei": "Device ID", "number": "Number",
}


def letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: enough for any case."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


class Labeller:
    """Hands out labels for one run of `propose`; it starts from the register every time."""

    def __init__(self, register: Register, profile: Profile):
        self._profile = profile
        self._labels: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}
        people = [e for e in register.entries if e.kind == "person"]
        people.sort(key=lambda e: e.role != "victim")  # stable: register order within each group
        for i, entry in enumerate(people):
            role = "" if entry.role in HIDDEN_ROLES or entry.role == entry.kind else f" ({entry.role})"
            self._labels[("entry", entry.id)] = f"Person {letters(i)}{role}"
        for entry in register.entries:
            if entry.kind != "person":
                self._labels[("entry", entry.id)] = self._next(entry.kind)
        self._provinces = {e.id: _province(e) for e in register.entries}

    def _next(self, kind: str) -> str:
        prefix = PREFIXES.get(kind, kind.capitalize())
        self._counts[prefix] = self._counts.get(prefix, 0) + 1
        return f"{prefix} {self._counts[prefix]}"

    def value(self, kind: str, value: str) -> str:
        """The label of a detected value; the first time a value is seen it gets the next number."""
        if (kind, value) not in self._labels:
            self._labels[(kind, value)] = self._next(kind)
        return self._labels[(kind, value)]

    def entry(self, entry: Entry, matched: str = "") -> str:
        """The label of a register entry; a place also shows its province where the profile says so."""
        label = self._labels[("entry", entry.id)]
        if entry.kind == "place":
            return self.place(label, self._provinces.get(entry.id), matched)
        return label

    def place(self, label: str, province, matched: str) -> str:
        if self._profile.places == "province":
            return province.name_like(matched) if province else "a place in China"
        return f"{label} ({province.en})" if province else label


def _province(entry: Entry):
    for spelling in entry.spellings:
        province = province_of(normalize(spelling).text)
        if province:
            return province
    return None
