"""Dates in a submission: the one parser for the web form, the strict reader and the desk.

Reporters type "2024-5", "2024/05/03", "2024.5.3" or "2024年5月3日", often with full-width
digits from a Chinese keyboard ("２０２４年５月"). report.json stores a date as ASCII `YYYY`,
`YYYY-MM` or `YYYY-MM-DD`, between 1900 and 2100, a real day (docs/report-schema.md, Dates):

- `normalize_date(typed)` is what the form stores for what the reporter typed (None: not a date);
- `parse_date(stored)` is what the strict reader accepts (a `ReportDate`, or None);
- `find_date(text)` reads the first date in free text (the rules read `un_cooperation.date`,
  which is stored as typed, this way);
- `received_stamp(now)` and `parse_received(stamp)` are the report's UTC time of receipt.
"""

import calendar
import dataclasses
import datetime
import re

FIRST_YEAR, LAST_YEAR = 1900, 2100
# \d is any decimal digit (full-width ones included), and int() reads them all; the separators
# are as typed (full-width ones too), with an optional last one ("2024年5月", "2024-05-").
_TYPED = re.compile(r"(\d{4})(?:\s*[-/.－／．年]\s*(\d{1,2})(?:\s*[-/.－／．月]\s*(\d{1,2}))?)?\s*[-/.－／．年月日]?")
_IN_TEXT = re.compile(r"(?<!\d)" + _TYPED.pattern)
_STORED = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
_RECEIVED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)
_RECEIVED_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclasses.dataclass(frozen=True)
class ReportDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> datetime.date:
        if self.day:
            return self.first_day()
        month = self.month or 12
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return "-".join([f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p])


def _date(year: str, month: str | None, day: str | None) -> ReportDate | None:
    """The date of these digits, or None outside the accepted years or the calendar."""
    y, m, d = int(year), int(month) if month else None, int(day) if day else None
    if not FIRST_YEAR <= y <= LAST_YEAR or (m is not None and not 1 <= m <= 12):
        return None
    if d is not None:
        try:
            datetime.date(y, m or 0, d)
        except ValueError:  # 2024-02-31, or a day 0
            return None
    return ReportDate(y, m, d)


def parse_date(value) -> ReportDate | None:
    """The date of a stored `YYYY[-MM[-DD]]` value, or None if it is not exactly one."""
    match = _STORED.fullmatch(value) if isinstance(value, str) else None
    return _date(*match.groups()) if match else None


def normalize_date(typed: str) -> str | None:
    """'2024-5', '2024/05', '２０２４年５月３日' → '2024-05' / '2024-05-03'; None if not a date."""
    match = _TYPED.fullmatch(typed.strip())
    found = _date(*match.groups()) if match else None
    return str(found) if found else None


def find_date(text) -> ReportDate | None:
    """The first date written in free text ("met them on 2024年5月"), or None.

    Lenient where the stored form is strict: a day the month does not have counts as the
    month's last day, and a number that cannot be a day leaves the date precise to the month.
    Four digits outside the accepted years are not a date.
    """
    for match in _IN_TEXT.finditer(text) if isinstance(text, str) else ():
        year, month, day = match.groups()
        found = _date(year, month, None)  # a phone number's first four digits are no year: read on
        if found is None:
            continue
        if not day or not 1 <= int(day) <= 31:
            return found
        return ReportDate(found.year, found.month, min(int(day), found.last_day().day))
    return None


def received_stamp(now: datetime.datetime) -> str:
    """The report's time of receipt: UTC, to the second."""
    return now.astimezone(datetime.timezone.utc).strftime(_RECEIVED_FORMAT)


def parse_received(value) -> datetime.datetime | None:
    """The UTC time of a stored receipt stamp, or None if it is not one."""
    if not isinstance(value, str) or not _RECEIVED.fullmatch(value):
        return None
    try:
        return datetime.datetime.strptime(value, _RECEIVED_FORMAT).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
