"""Julian (Old Style) and Gregorian (New Style) dates, with the Russian switch of 1918.

In: ISO date strings of any precision (`1917`, `1917-10`, `1917-10-25`).  Out: the same day in the
other calendar, and the display forms used by the writers.  The arithmetic is convertdate's; this
module adds only what the edition needs on top: partial dates and Russia's change of calendar
(31 January 1918 Julian was followed by 14 February 1918 Gregorian).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from convertdate import julian

ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# The first Gregorian day of Russia's civil calendar.
RUSSIAN_SWITCH = dt.date(1918, 2, 14)


@dataclasses.dataclass(frozen=True)
class PartialDate:
    """A date to the precision its words give: year, or year and month, or a full day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: str) -> "PartialDate":
        match = ISO.match(value.strip())
        if not match:
            raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
        year, month, day = (int(g) if g else None for g in match.groups())
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"no month {month} in {value!r}")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)


def julian_to_gregorian(value: PartialDate) -> PartialDate:
    """The Gregorian equivalent of a Julian date; a year or month stays as it is."""
    if value.day is None:
        return value
    if not julian.legal_date(value.year, value.month, value.day):
        raise ValueError(f"no such day in the Julian calendar: {value.iso()}")
    return PartialDate(*julian.to_gregorian(value.year, value.month, value.day))


def gregorian_to_julian(value: PartialDate) -> PartialDate:
    """The Julian equivalent of a Gregorian date; a year or month stays as it is."""
    if value.day is None:
        return value
    dt.date(value.year, value.month, value.day)  # raises ValueError for an impossible day
    return PartialDate(*julian.from_gregorian(value.year, value.month, value.day))


def check_gregorian(value: PartialDate) -> None:
    """Raise ValueError if a full Gregorian date does not exist."""
    if value.day is not None:
        dt.date(value.year, value.month, value.day)


def russian_style(value: PartialDate) -> str:
    """'julian' if Russia's civil calendar was Julian on this Gregorian day, else 'gregorian'."""
    if value.day is None:
        return "julian" if (value.year, value.month or 12) < (1918, 2) else "gregorian"
    return "julian" if dt.date(value.year, value.month, value.day) < RUSSIAN_SWITCH else "gregorian"


def day_month(value: PartialDate, with_year: bool = False) -> str:
    """'7 November' (and the year if asked), the form the edition adds in brackets."""
    text = f"{value.day} {MONTHS[value.month - 1]}"
    return f"{text} {value.year}" if with_year else text
