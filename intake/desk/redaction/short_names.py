"""Names in the report's own name fields that are too short for the register (one Hanzi, two
letters: 波, "Bo"): still withheld wherever the text repeats them.

The register refuses such spellings, since matched loosely they would match everywhere. Here
they are matched exactly as typed (Latin letters only as a whole word), and replaced by the
same "[name withheld]" the name field gets: over-redaction at worst, never a leak. Staff see
each proposal in `intake redact` and may reject one that is not the person.
"""

import re

from .match import usable_key
from .normalize import match_key
from .profiles import consented_names
from .seed import name_spellings

REPLACEMENT = "[name withheld]"
_LATIN = re.compile(r"[A-Za-z]")


def short_names(report: dict, keep_names: bool) -> list[str]:
    """The too-short spellings of the victim's and each related person's name that may not stay."""
    people = [("victim.name", report.get("victim") or {})]
    people += [(f"related_persons[{i}].name", p) for i, p in enumerate(report.get("related_persons") or [])
               if isinstance(p, dict)]
    kept = consented_names(report) | {"victim.name"} if keep_names else frozenset()
    found: list[str] = []
    for source, person in people:
        if source in kept:
            continue
        for key in ("name", "name_other_spellings"):
            value = person.get(key)
            if not isinstance(value, str) or not value.strip():
                continue
            spellings = name_spellings(value)
            parts = [p for p in re.split(r"[\s,，;；/|、()（）·]+", value) if p]
            found += [p for p in parts if not usable_key(match_key(p)) and not any(p in s for s in spellings)]
    return sorted(set(found), key=lambda s: (-len(s), s))


def find(text: str, names: list[str]) -> list[tuple[int, int]]:
    """Where each short name stands in `text`, as typed (a Latin one as a whole word)."""
    spans = []
    for name in names:
        if _LATIN.search(name):
            pattern = re.compile(rf"(?<![^\W\d_]){re.escape(name)}(?![^\W\d_])", re.IGNORECASE)
        else:
            pattern = re.compile(re.escape(name))
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    return spans
