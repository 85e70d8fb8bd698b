"""Publication dates as sources write them, turned into ISO 8601 where possible."""

from __future__ import annotations

import re
from datetime import date

_MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?"
_MONTH = r"(?P<month>[a-z]+)\.?"
# A time of day after the date, as in RFC 2822 ("Tue, 26 Apr 2011 10:00:00 GMT")
# and database exports ("April 26, 2011 10:00 AM"); it is dropped.
_TIME = r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:[+-]\d{4}|[a-z]{1,5}))?)?"

_ISO = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[t ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:z|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
)
_YEAR_FIRST_SLASHES = re.compile(r"(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})")
_DAY_FIRST_DOTS = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})")
# Weekdays may come first ("Tuesday, 26 April 2011") or last, as in LexisNexis
# exports ("April 26, 2011 Tuesday").
_DAY_MONTH_YEAR = re.compile(
    rf"(?:{_WEEKDAY},?\s+)?(?P<day>\d{{1,2}})\.?\s+{_MONTH},?\s+(?P<year>\d{{4}})"
    rf"(?:,?\s+{_WEEKDAY})?{_TIME}"
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
    rf"(?:,?\s+{_WEEKDAY})?{_TIME}"
)
_MONTH_YEAR = re.compile(rf"{_MONTH},?\s+(?P<year>\d{{4}})")


def parse_publication_date(value: str) -> str | None:
    """Return *value* as an ISO 8601 date, or stripped but otherwise as given when not recognised.

    None for an empty or blank value. What is recognised: see :func:`to_iso_date`.
    """
    text = value.strip()
    if not text:
        return None
    iso = to_iso_date(text)
    return iso if iso is not None else text


def to_iso_date(value: str) -> str | None:
    """Return the ISO 8601 form of the date *value* names, or None when it names none.

    Recognised (month names in English, any case, full or abbreviated):

    - ``2011-04-26``, ``2011-04``, ``2011`` (ISO 8601 calendar dates, kept);
    - ISO 8601 date-times (``2011-04-26T14:05:00+02:00``): the date part, as
      written, without converting time zones (the date the outlet printed);
    - ``2011/04/26`` and ``26.04.2011`` (day first, as written in Europe);
    - ``26 April 2011``, ``26 Apr. 2011``, ``April 26, 2011``, ``Apr 26 2011``,
      with an optional weekday before or after and an optional time of day
      after, as in RFC 2822 (``Tue, 26 Apr 2011 10:00:00 GMT``);
    - ``April 2011`` -> ``2011-04``.

    ``04/26/2011`` and ``26/04/2011`` are ambiguous between American and
    European order and are not recognised, nor is anything naming a day that
    does not exist (``2011-02-30``). Surrounding whitespace does not matter.
    """
    key = " ".join(value.split()).lower()
    for pattern in (_ISO, _YEAR_FIRST_SLASHES, _DAY_FIRST_DOTS):
        match = pattern.fullmatch(key)
        if match:
            return _iso(match["year"], match["month"], match["day"])
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _MONTH_YEAR):
        match = pattern.fullmatch(key)
        if match and match["month"] in _MONTHS:
            day = match["day"] if "day" in pattern.groupindex else None
            return _iso(match["year"], str(_MONTHS[match["month"]]), day)
    return None


def _iso(year: str, month: str | None, day: str | None) -> str | None:
    """Return year[-month[-day]] as ISO 8601, or None when no such date exists."""
    number_year = int(year)
    if month is None:
        return f"{number_year:04d}" if number_year >= 1 else None
    number_month = int(month)
    if day is None:
        if not 1 <= number_month <= 12 or number_year < 1:
            return None
        return f"{number_year:04d}-{number_month:02d}"
    try:
        return date(number_year, number_month, int(day)).isoformat()
    except ValueError:
        return None
