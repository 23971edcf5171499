"""Generalisation of quasi-identifiers: dates to the month, ages to a band (redaction.md §2.3.6).

Exact dates of detention, travel or a UN session single a person out ("small-n"); the month keeps
what a report needs. A date keeps its own style: "2024-03-05" -> "2024-03", "2024年3月5日" ->
"2024年3月", "5 March 2024" and "March 5, 2024" -> "March 2024". A day-first or month-first
numeric date ("5/3/2024") cannot be told apart, so it keeps only its year.
"""

import re
from collections.abc import Iterator

from .finding import Finding

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MONTH = "|".join([m for m in _MONTHS] + [m[:3] + r"\.?" for m in _MONTHS] + ["Sept\\.?"])
_YEAR = r"(?:19|20)[0-9]{2}"
_TIME = r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
ISO = re.compile(rf"(?<![0-9])({_YEAR})([-/.])([01]?[0-9])\2([0-3]?[0-9]){_TIME}(?![0-9])")
CHINESE = re.compile(rf"(?<![0-9])((?:{_YEAR})\s*年\s*)?([01]?[0-9])\s*月\s*([0-3]?[0-9])\s*[日号號]")
DAY_MONTH = re.compile(rf"(?<![A-Za-z0-9])[0-3]?[0-9](?:st|nd|rd|th)?\s+({_MONTH})(,?\s+{_YEAR})?(?![A-Za-z0-9])")
MONTH_DAY = re.compile(rf"(?<![A-Za-z0-9])({_MONTH})\s+[0-3]?[0-9](?:st|nd|rd|th)?(,?\s+{_YEAR})?(?![A-Za-z0-9])")
NUMERIC = re.compile(rf"(?<![0-9])[0-3]?[0-9]([/.])[01]?[0-9]\1({_YEAR})(?![0-9])")


def _month_name(text: str) -> str:
    return next(m for m in _MONTHS if m.lower().startswith(text.rstrip(".").lower()[:3]))


def dates(text: str) -> Iterator[Finding]:
    for m in ISO.finditer(text):
        if 1 <= int(m.group(3)) <= 12 and 1 <= int(m.group(4)) <= 31:
            month = f"{m.group(1)}{m.group(2)}{m.group(3)}"
            yield Finding(m.start(), m.end(), "date", month, "date_iso", month)
    for m in CHINESE.finditer(text):
        if 1 <= int(m.group(2)) <= 12:
            month = f"{m.group(1) or ''}{m.group(2)}月"
            yield Finding(m.start(), m.end(), "date", month, "date_zh", month)
    for pattern in (DAY_MONTH, MONTH_DAY):
        for m in pattern.finditer(text):
            month = _month_name(m.group(1)) + (" " + m.group(2).strip(", \t") if m.group(2) else "")
            yield Finding(m.start(), m.end(), "date", month, "date_en", month)
    for m in NUMERIC.finditer(text):
        yield Finding(m.start(), m.end(), "date", m.group(2), "date_numeric", m.group(2))


def age_band(text: str) -> str | None:
    """"45" -> "40–49"; a year of birth "1979" -> "born in the 1970s"; anything else -> None."""
    m = re.fullmatch(r"\s*([0-9]{1,4})\s*(?:岁|歲|years?( old)?|y/?o)?\s*", text, re.IGNORECASE)
    if not m:
        return None
    number = int(m.group(1))
    if number <= 120:
        low = number // 10 * 10
        return f"{low}–{low + 9}"
    if 1900 <= number <= 2100:
        return f"born in the {number // 10 * 10}s"
    return None
