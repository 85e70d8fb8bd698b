"""Publication dates as sources write them, to ISO 8601 (ISO 8601-1:2019 calendar dates)."""

from __future__ import annotations

import pytest

from framing_app.formats.dates import parse_publication_date, to_iso_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2011-04-26", "2011-04-26"),
        ("2012-07", "2012-07"),
        ("2011", "2011"),
        ("  2011-04-26 ", "2011-04-26"),
        ("2011-04-26T14:05:00+02:00", "2011-04-26"),
        ("2011-04-26T23:59:59.123Z", "2011-04-26"),
        ("2011-04-26 10:00", "2011-04-26"),
        ("2011/4/6", "2011-04-06"),
        ("26.04.2011", "2011-04-26"),
        ("26 April 2011", "2011-04-26"),
        ("26 Apr. 2011", "2011-04-26"),
        ("6 sept 2012", "2012-09-06"),
        ("April 26, 2011", "2011-04-26"),
        ("Apr 26, 2011", "2011-04-26"),
        ("APRIL 26 2011", "2011-04-26"),
        ("Tuesday, April 26th, 2011", "2011-04-26"),
        ("April 26, 2011 Tuesday", "2011-04-26"),
        ("Tue, 26 Apr 2011 10:00:00 GMT", "2011-04-26"),
        ("Tue, 26 Apr 2011 10:00:00 +0000", "2011-04-26"),
        ("April 26, 2011 10:00 AM", "2011-04-26"),
        ("April 2011", "2011-04"),
        ("Dec. 2009", "2009-12"),
        ("29 February 2012", "2012-02-29"),
    ],
)
def test_recognised_dates_become_iso(value: str, expected: str) -> None:
    assert parse_publication_date(value) == expected
    assert to_iso_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "04/26/2011",  # American or European order: cannot tell
        "26/04/2011",
        "2011-02-30",
        "2011-13",
        "29 February 2011",
        "31 Foo 2011",
        "spring 2011",
        "last Tuesday",
        "2011-04-26 and later",
    ],
)
def test_unrecognised_values_are_kept_as_given(value: str) -> None:
    assert to_iso_date(value) is None
    assert parse_publication_date(f"  {value}\t") == value


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_blank_is_none(value: str) -> None:
    assert parse_publication_date(value) is None
