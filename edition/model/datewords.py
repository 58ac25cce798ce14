"""What the words of a date say: 'November 7th', 'the first (the 14th) of November', 'March 12/25'.

In: the reading text of a `date` element.  Out: `Reading`s, the day, month and year the words
give, one per style when the words give both ('April 4 [17], 1917' gives April 4 and April 17,
both 1917).  Words that name no day, month or year ('the next day') give no reading.
The checks compare the readings with the encoded `@when` and `@when-custom`.
"""

from __future__ import annotations

import dataclasses
import re

MONTHS = {name: k for k, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), 1) for name in names}

UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
         "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
         "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
         "nineteenth": 19, "twentieth": 20, "thirtieth": 30}
TENS = {"twenty": 20, "thirty": 30}
NOT_A_DAY = r"(?!\s+(?:week|weeks|half|days|fortnight|decade|quarter|time)\b)"  # "the first week of October"
ORDINAL_WORD = re.compile(r"\b(?:(twenty|thirty)[-\s]?)?(" + "|".join(UNITS) + r")\b" + NOT_A_DAY, re.I)
DAY_NUMBER = re.compile(r"(?<![\d/])(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:percent|per cent))", re.I)
YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
SHORT_YEAR = re.compile(r"^\s*(\d{2})\s*$")
CARDINALS = {w: k for k, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
CARDINAL_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                 "eighty": 80, "ninety": 90}
YEAR_WORDS = re.compile(r"\b(eighteen|nineteen)[-\s]+(?:hundred[-\s]+(?:and[-\s]+)?)?"
                        r"(?:(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s]+(\w+))?|(\w+))\b", re.I)
MONTH = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?", re.I)
SECONDARY = re.compile(r"\[\s*([^\]]*)\]|\(([^)]*)\)|/\s*(\d{1,2})\b")


@dataclasses.dataclass(frozen=True)
class Reading:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    def __bool__(self) -> bool:
        return any((self.year, self.month, self.day))


def _year_in_words(text: str) -> int | None:
    """'Nineteen-seventeen', 'nineteen hundred and five' -> 1917, 1905."""
    match = YEAR_WORDS.search(text)
    if not match:
        return None
    century = 1800 if match.group(1).lower() == "eighteen" else 1900
    tens, unit, alone = (g.lower() if g else None for g in match.groups()[1:])
    if tens:
        return century + CARDINAL_TENS[tens] + CARDINALS.get(unit or "zero", 0)
    return century + CARDINALS[alone] if alone in CARDINALS else None


def _parts(text: str) -> Reading:
    month = MONTH.search(text)
    year = YEAR.search(text)
    if not year and _year_in_words(text):
        return Reading(_year_in_words(text), MONTHS[month.group(1).lower()] if month else None, None)
    day = None
    ordinal = ORDINAL_WORD.search(text)
    if ordinal:
        day = TENS.get((ordinal.group(1) or "").lower(), 0) + UNITS[ordinal.group(2).lower()]
    else:
        without_years = YEAR.sub(" ", text)
        number = DAY_NUMBER.search(without_years)
        if number and 1 <= int(number.group(1)) <= 31:
            day = int(number.group(1))
    return Reading(int(year.group(1)) if year else None, MONTHS[month.group(1).lower()] if month else None, day)


def readings(text: str) -> list[Reading]:
    """The dates the words give: one, or two when they give both styles; none for 'the next day'."""
    text = " ".join(text.split())
    short = SHORT_YEAR.match(text)
    if short:  # the second year of a range such as "1912-13"
        return [Reading(year=1900 + int(short.group(1)))]
    second = SECONDARY.search(text)
    if not second:
        first = _parts(text)
        return [first] if first else []
    inner = next(g for g in second.groups() if g is not None)
    outside = text[:second.start()] + " " + text[second.end():]
    first = _parts(outside)
    other = _parts(inner)
    if not other.day and not other.month:  # "(Apr.)" or an aside without a date: one reading
        return [first] if first else []
    other = Reading(other.year or first.year, other.month or first.month, other.day)
    return [r for r in (first, other) if r]
