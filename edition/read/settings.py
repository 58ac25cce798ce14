"""The edition's settings: `edition.yaml` read, validated and given defaults.

In: the path of an edition directory.  Out: a `Settings` object (or diagnostics located at the
offending key of the YAML file).  Every setting is declared once, in the dataclasses below, with
its default; templates read them from there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import yaml

from ..diagnostics import Location, Report, display_path
from . import icc

SETTINGS_FILE = "edition.yaml"
DATE_DISPLAYS = ("source-with-other", "gregorian", "source")
TYPOGRAPHY = ("normalised", "diplomatic")  # quotes, dashes, ellipses: set as a book sets them, or as encoded
LENGTH = re.compile(r"^\d+(\.\d+)?(in|mm|cm|pt)$")
SIGLUM = re.compile(r"^[A-Z][A-Za-z0-9]{0,5}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
POINTS = {"in": 72, "mm": 72 / 25.4, "cm": 72 / 2.54, "pt": 1}


@dataclasses.dataclass
class SourceEntry:
    siglum: str
    file: Path
    location: Location
    copytext: Path | None = None  # the text as received, for the fidelity check


@dataclasses.dataclass
class Page:
    width: str = "6in"
    height: str = "9in"
    bleed: str = "0.125in"
    margin_top: str = "0.75in"
    margin_bottom: str = "0.8in"
    margin_inner: str = "0.8in"
    margin_outer: str = "0.9in"


def points(length: str) -> float:
    """A length of edition.yaml ('0.125in', '3mm') in PDF points."""
    return float(length[:-2]) * POINTS[length[-2:]]


SERIES = ("source", "editorial", "apparatus", "parallels")
PRESS_VARIANTS = ("pdf/x-1a", "pdf/x-3", "pdf/x-4")


@dataclasses.dataclass
class Print:
    """The press PDF and the notes at the foot of the page."""

    press_variant: str = "pdf/x-4"
    output_profile: Path | None = None  # the printer's ICC profile (prtr, CMYK or grey); default: FOGRA39
    series: tuple[str, ...] = SERIES  # which series of notes appear, in print and EPUB
    # Page make-up: what the layout report tolerates and the layout is held to (docs/diagnostics.md).
    stretch_factor: float = 2.0  # word spaces up to this multiple of the book's median
    short_page_lines: float = 2.0  # a page may end this many lines early in mid-chapter
    hyphen_ladder: int = 2  # hyphenated line ends in a row, at most
    hyphen_before: int = 2  # letters at least before a hyphenation (TeX's \lefthyphenmin)
    hyphen_after: int = 3  # letters at least carried over after it (TeX's \righthyphenmin)


# The page make-up limits of `print:` (key -> field, type, smallest value).
MAKEUP_LIMITS = {"stretch-factor": ("stretch_factor", float, 1.0), "short-page-lines": ("short_page_lines", float, 0.0),
                 "hyphen-ladder": ("hyphen_ladder", int, 1), "hyphen-before": ("hyphen_before", int, 1),
                 "hyphen-after": ("hyphen_after", int, 1)}


@dataclasses.dataclass
class Settings:
    root: Path
    title: str
    slug: str
    subtitle: str = ""
    editors: list[str] = dataclasses.field(default_factory=list)
    publisher: str = ""
    language: str = "en"
    date: dt.date = dt.date(2026, 1, 1)
    rights: str = ""
    sources: list[SourceEntry] = dataclasses.field(default_factory=list)
    registers: list[Path] = dataclasses.field(default_factory=list)  # persons, places, events (TEI)
    introduction: Path | None = None  # the editors' introduction (TEI), printed before the texts
    page: Page = dataclasses.field(default_factory=Page)
    printing: Print = dataclasses.field(default_factory=Print)
    date_display: str = "source-with-other"
    typography: str = "normalised"  # render/typography.py

    @property
    def path(self) -> Path:
        return self.root / SETTINGS_FILE


class _MarkedLoader(yaml.SafeLoader):
    """A safe loader that remembers where each mapping key stands in the file."""


def _construct_mapping(loader, node):
    mapping = {}
    marks = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        marks[key] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
    return _Marked(mapping, marks, (node.start_mark.line + 1, node.start_mark.column + 1))


class _Marked(dict):
    def __init__(self, mapping, marks, where):
        super().__init__(mapping)
        self.marks = marks
        self.where = where


_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(root: Path, report: Report) -> Settings | None:
    """Read `root/edition.yaml`; on any problem, report it and return None."""
    path = root / SETTINGS_FILE
    shown = display_path(path)
    if not path.is_file():
        report.add(Location(shown), "settings-missing", f"no {SETTINGS_FILE} in {display_path(root)}")
        return None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_MarkedLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        report.add(Location(shown, line, col), "settings-syntax", f"YAML syntax: {getattr(exc, 'problem', exc)}")
        return None
    except UnicodeDecodeError as exc:
        report.add(Location(shown), "settings-encoding", f"not UTF-8: {exc}")
        return None
    if not isinstance(data, _Marked):
        report.add(Location(shown, 1, 1), "settings-type", "edition.yaml must be a mapping of settings")
        return None
    return _validate(root, shown, data, report)


def _validate(root: Path, shown: str, data: _Marked, report: Report) -> Settings | None:
    errors_before = len(report.errors)

    def at(mapping: _Marked, key: str | None = None) -> Location:
        line, col = mapping.marks.get(key, mapping.where) if key else mapping.where
        return Location(shown, line, col)

    def text(mapping: _Marked, key: str, required: bool = False, default: str = "") -> str:
        value = mapping.get(key, default)
        if value in (None, "") and required:
            report.add(at(mapping), "settings-required", f"'{key}' is required")
            return default
        if not isinstance(value, str):
            report.add(at(mapping, key), "settings-type", f"'{key}' must be text")
            return default
        return value.strip()

    known = {"title", "subtitle", "slug", "editors", "publisher", "language", "date", "rights",
             "sources", "registers", "introduction", "page", "dates", "print", "typography"}
    for key in data:
        if key not in known:
            report.add(at(data, key), "settings-unknown", f"unknown setting '{key}' (ignored)")

    settings = Settings(root=root, title=text(data, "title", required=True),
                        slug=text(data, "slug", required=True))
    if settings.slug and not SLUG.match(settings.slug):
        report.add(at(data, "slug"), "settings-slug", "'slug' must be lower-case letters, digits and hyphens")
    settings.subtitle = text(data, "subtitle")
    settings.publisher = text(data, "publisher")
    settings.rights = text(data, "rights")
    settings.language = text(data, "language", default="en")

    editors = data.get("editors", [])
    if not isinstance(editors, list) or not all(isinstance(e, str) for e in editors):
        report.add(at(data, "editors"), "settings-type", "'editors' must be a list of names")
    else:
        settings.editors = editors

    date = data.get("date", settings.date)
    if not isinstance(date, dt.date):
        report.add(at(data, "date"), "settings-type", "'date' must be a date such as 2026-11-24")
    else:
        settings.date = date

    page = data.get("page") or _Marked({}, {}, data.where)
    if not isinstance(page, _Marked):
        report.add(at(data, "page"), "settings-type", "'page' must be a mapping")
    else:
        for key, value in page.items():
            field = key.replace("-", "_")
            if not hasattr(settings.page, field):
                report.add(at(page, key), "settings-unknown", f"unknown page setting '{key}'")
            elif not isinstance(value, str) or not LENGTH.match(value):
                report.add(at(page, key), "settings-length", f"'{key}' must be a length such as 6in or 12mm")
            else:
                setattr(settings.page, field, value)

    dates = data.get("dates") or _Marked({}, {}, data.where)
    if isinstance(dates, _Marked) and "display" in dates:
        if dates["display"] not in DATE_DISPLAYS:
            report.add(at(dates, "display"), "settings-dates",
                         f"'dates.display' must be one of {', '.join(DATE_DISPLAYS)}")
        else:
            settings.date_display = dates["display"]
    elif not isinstance(dates, dict):
        report.add(at(data, "dates"), "settings-type", "'dates' must be a mapping")

    typography = data.get("typography", settings.typography)
    if typography not in TYPOGRAPHY:
        report.add(at(data, "typography"), "settings-typography",
                     f"'typography' must be one of {', '.join(TYPOGRAPHY)}")
    else:
        settings.typography = typography

    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        report.add(at(data, "sources" if "sources" in data else None), "settings-sources",
                     "'sources' must list at least one source (siglum and file)")
        sources = []
    seen: set[str] = set()
    for entry in sources:
        if not isinstance(entry, _Marked):
            report.add(at(data, "sources"), "settings-sources", "each source needs 'siglum' and 'file'")
            continue
        siglum, file = entry.get("siglum"), entry.get("file")
        if not isinstance(siglum, str) or not SIGLUM.match(siglum):
            report.add(at(entry, "siglum" if "siglum" in entry else None), "settings-siglum",
                         "a siglum is a capital letter followed by up to five letters or digits")
            continue
        if siglum in seen:
            report.add(at(entry, "siglum"), "settings-siglum", f"siglum {siglum} is used twice")
        seen.add(siglum)
        if not isinstance(file, str):
            report.add(at(entry), "settings-sources", f"source {siglum} needs a 'file'")
            continue
        if not (root / file).is_file():
            report.add(at(entry, "file"), "source-missing", f"source file not found: {file}")
            continue
        copytext = entry.get("copytext")
        if copytext is not None and not (isinstance(copytext, str) and (root / copytext).is_file()):
            report.add(at(entry, "copytext"), "source-missing", f"copy-text not found: {copytext}")
            continue
        settings.sources.append(SourceEntry(siglum, root / file, at(entry), root / copytext if copytext else None))

    printing = data.get("print") or _Marked({}, {}, data.where)
    if not isinstance(printing, _Marked):
        report.add(at(data, "print"), "settings-type", "'print' must be a mapping")
    else:
        for key in printing:
            if key not in ("press-variant", "output-profile", "series", *MAKEUP_LIMITS):
                report.add(at(printing, key), "settings-unknown", f"unknown print setting '{key}'")
        for key, (field, kind, least) in MAKEUP_LIMITS.items():
            value = printing.get(key, getattr(settings.printing, field))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < least or (
                    kind is int and value != int(value)):
                report.add(at(printing, key), "settings-print",
                             f"'{key}' must be {'a whole number' if kind is int else 'a number'} of at least {least:g}")
            else:
                setattr(settings.printing, field, kind(value))
        variant = printing.get("press-variant", settings.printing.press_variant)
        if variant not in PRESS_VARIANTS:
            report.add(at(printing, "press-variant"), "settings-print",
                         f"'press-variant' must be one of {', '.join(PRESS_VARIANTS)}")
        else:
            settings.printing.press_variant = variant
        profile = printing.get("output-profile")
        if profile is not None:
            if not isinstance(profile, str) or not (root / profile).is_file():
                report.add(at(printing, "output-profile"), "source-missing", f"ICC profile not found: {profile}")
            elif not (found := icc.read((root / profile).read_bytes())) or not found.for_print:
                what = f"a {found.device_class} profile in {found.space}" if found else "not an ICC profile"
                report.add(at(printing, "output-profile"), "settings-profile",
                             f"'output-profile' must be a printer's ICC profile (class prtr) in CMYK or GRAY; "
                             f"{profile} is {what}")
            else:
                settings.printing.output_profile = root / profile
        series = printing.get("series", list(SERIES))
        if not isinstance(series, list) or any(s not in SERIES for s in series):
            report.add(at(printing, "series"), "settings-print", f"'series' lists some of: {', '.join(SERIES)}")
        else:
            settings.printing.series = tuple(series)

    introduction = data.get("introduction")
    if introduction is not None:
        if not isinstance(introduction, str) or not (root / introduction).is_file():
            report.add(at(data, "introduction"), "source-missing", f"introduction not found: {introduction}")
        else:
            settings.introduction = root / introduction

    registers = data.get("registers") or []
    if not isinstance(registers, list) or not all(isinstance(r, str) for r in registers):
        report.add(at(data, "registers"), "settings-type", "'registers' must be a list of TEI files")
        registers = []
    for register in registers:
        if not (root / register).is_file():
            report.add(at(data, "registers"), "source-missing", f"register file not found: {register}")
        else:
            settings.registers.append(root / register)

    return settings if len(report.errors) == errors_before else None
