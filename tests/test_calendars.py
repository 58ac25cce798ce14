"""Julian/Gregorian conversion at the edges the edition cares about."""

import pytest

from edition.model.calendars import (
    PartialDate,
    gregorian_to_julian,
    julian_to_gregorian,
    russian_style,
)

D = PartialDate.parse


@pytest.mark.parametrize("julian, gregorian", [
    ("1900-02-28", "1900-03-12"),  # the last day 12 days behind
    ("1900-02-29", "1900-03-13"),  # a Julian leap day; 13 days from here on
    ("1917-10-25", "1917-11-07"),  # the October insurrection
    ("1917-03-12", "1917-03-25"),  # Stalin's return to Petrograd
    ("1918-01-31", "1918-02-13"),  # the last Julian day of Russia's civil calendar
    ("1912-05-05", "1912-05-18"),
])
def test_julian_to_gregorian(julian, gregorian):
    assert julian_to_gregorian(D(julian)) == D(gregorian)
    assert gregorian_to_julian(D(gregorian)) == D(julian)


def test_partial_dates_keep_their_precision():
    assert julian_to_gregorian(D("1917-10")) == D("1917-10")
    assert D("1917").precision == "year" and D("1917-10").precision == "month"


def test_russian_switch():
    assert russian_style(D("1918-02-13")) == "julian"
    assert russian_style(D("1918-02-14")) == "gregorian"


@pytest.mark.parametrize("bad", ["1917-13", "17-10-25", "1917-10-25T00", "October"])
def test_bad_iso_values_are_refused(bad):
    with pytest.raises(ValueError):
        D(bad)


def test_impossible_julian_day():
    with pytest.raises(ValueError):
        julian_to_gregorian(D("1917-02-30"))
