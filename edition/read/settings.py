"""The edition's settings: `edition.yaml` read, validated and given defaults.

In: the path of an edition directory.  Out: a `Settings` object (or diagnostics located at the
offending key of the YAML file).  Every setting is declared once, in the dataclasses below, with
its default; templates read them from there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
from pathlib import Path

import yaml

from ..diagnostics import Location, Report, display_path
from . import icc
from .tei import line_col

SETTINGS_FILE = "edition.yaml"
NO_COPYTEXT = "none"  # `copytext: none`: the source has no copy-text to prove it against
DATE_DISPLAYS = ("source-with-other", "gregorian", "source")
MODES = ("strict", "lenient")  # a source's: validated against the edition's schema, or any TEI P5 taken
TYPOGRAPHY = ("normalised", "diplomatic")  # quotes, dashes, ellipses: set as a book sets them, or as encoded
LENGTH = re.compile(r"^\d+(\.\d+)?(in|mm|cm|pt)$")
SIGLUM = re.compile(r"^[A-Z][A-Za-z0-9]{0,5}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")  # BCP 47, as far as a setting needs
FILE_KEYS = {"sources", "introduction", "registers"}  # the keys naming files whose ids pointers may name
POINTS = {"in": 72, "mm": 72 / 25.4, "cm": 72 / 2.54, "pt": 1}


@dataclasses.dataclass
class SourceEntry:
    siglum: str
    file: Path
    location: Location
    copytext: Path | None = None  # the text as received, for the fidelity check
    copytext_unsaid: bool = False  # no 'copytext' key at all (`copytext: none` says there is none)
    mode: str = "strict"  # "strict": validated against the edition's schema; "lenient": any TEI P5


@dataclasses.dataclass
class Page:
    width: str = "6in"
    height: str = "9in"
    bleed: str = "0.125in"
    margin_top: str = "0.75in"
    margin_bottom: str = "0.8in"
    margin_inner: str = "0.8in"
    margin_outer: str = "0.9in"

    @property
    def measure(self) -> float:
        """The text block's width in points: the page's less its inner and outer margins."""
        return points(self.width) - points(self.margin_inner) - points(self.margin_outer)


def points(length: str) -> float:
    """A length of edition.yaml ('0.125in', '3mm') in PDF points."""
    return float(length[:-2]) * POINTS[length[-2:]]


SERIES = ("source", "editorial", "apparatus", "parallels")
MARK_STYLES = ("numbers", "letters", "roman", "symbols")  # how the calls of a series of notes are marked
CALLED = ("source", "editorial")  # the series whose notes have calls with marks (the others are keyed to lines)
NOTE_SIZES = {"source": 8.0, "editorial": 8.0, "apparatus": 7.5, "parallels": 7.5}  # points
PRESS_VARIANTS = ("pdf/x-1a", "pdf/x-3", "pdf/x-4")


@dataclasses.dataclass
class Print:
    """The press PDF and the notes at the foot of the page."""

    press_variant: str = "pdf/x-4"
    output_profile: Path | None = None  # the printer's ICC profile (prtr, CMYK or grey); default: FOGRA39
    series: tuple[str, ...] = SERIES  # which series of notes appear, in print and EPUB; print stacks them in this order
    marks: dict[str, str] = dataclasses.field(default_factory=lambda: {"source": "numbers", "editorial": "letters"})
    run_in: tuple[str, ...] = ("apparatus", "parallels")  # print: series set as one paragraph, entry after entry
    note_sizes: dict[str, float] = dataclasses.field(default_factory=lambda: dict(NOTE_SIZES))  # print: type size of each series
    # Page make-up: what the layout report tolerates and the layout is held to (docs/diagnostics.md).
    stretch_factor: float = 2.0  # word spaces up to this multiple of the book's median
    short_page_lines: float = 2.0  # a page may end this many lines early in mid-chapter
    hyphen_ladder: int = 2  # hyphenated line ends in a row, at most
    line_numbers: int = 5  # every this many lines of a paragraph numbered in the margin (0: none)
    line_numbering: str = "paragraph"  # the line count starts again with each paragraph or each page
    hyphen_before: int = 2  # letters at least before a hyphenation (TeX's \lefthyphenmin)
    hyphen_after: int = 3  # letters at least carried over after it (TeX's \righthyphenmin)


LINE_NUMBERINGS = ("paragraph", "page")
# The numbers of `print:`, page make-up limits and line numbers (key -> field, type, smallest value).
MAKEUP_LIMITS = {"stretch-factor": ("stretch_factor", float, 1.0), "short-page-lines": ("short_page_lines", float, 0.0),
                 "line-numbers": ("line_numbers", int, 0),
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
    title_languages: dict[str, str] = dataclasses.field(default_factory=dict)  # a title as the texts give it -> its language
    incomplete: bool = False  # a file edition.yaml names (or misnames) could not be taken: its ids are unknown

    @property
    def path(self) -> Path:
        return self.root / SETTINGS_FILE


# Every key of edition.yaml, once: (key, default as written, what it sets).  Unknown keys are
# errors with the nearest known key suggested; docs/encoding.md's settings reference is made from
# this table (`python -m edition.read.settings`; a test compares the two).
KEYS = [
    ("title", "(required)", "the book's title"),
    ("subtitle", "", "the subtitle, on the title page and in the metadata"),
    ("slug", "(required)", "names the output files: `<slug>.pdf`, `<slug>-press.pdf`, `<slug>.epub`, `<slug>.html`"),
    ("editors", "[]", "the editors' names, a list"),
    ("publisher", "", "the publisher, on the title page and in the metadata"),
    ("language", "en", "the language of the editorial matter (BCP 47)"),
    ("date", "2026-01-01", "the date of the edition (YYYY-MM-DD); also the PDF's and EPUB's date"),
    ("rights", "", "the rights statement, on the copyright page and in the metadata"),
    ("sources", "(required)", "the parts of the book, in order: a list of entries with the keys below"),
    ("sources.siglum", "(required)", "the source's siglum, also its TEI root's xml:id"),
    ("sources.file", "(required)", "its TEI file"),
    ("sources.copytext", "", "the copy-text as received (UTF-8 plain text): the fidelity proof compares the reading text with it; `none` if there is none (without the key, a warning)"),
    ("sources.mode", "strict", "`strict`: the file follows this edition's schema and every check applies; `lenient`: any TEI P5 file, rendered as far as the pipeline knows its elements (docs/encoding.md, Real TEI)"),
    ("introduction", "", "the editors' introduction (TEI), printed after the list of sigla"),
    ("registers", "[]", "the registers of persons, places, events and links (TEI files), a list"),
    ("page.width", Page.width, "trim width of the printed page"),
    ("page.height", Page.height, "trim height"),
    ("page.bleed", Page.bleed, "bleed around the trim in the press PDF"),
    ("page.margin-top", Page.margin_top, "top margin"),
    ("page.margin-bottom", Page.margin_bottom, "bottom margin"),
    ("page.margin-inner", Page.margin_inner, "inner (gutter) margin"),
    ("page.margin-outer", Page.margin_outer, "outer margin"),
    ("dates.display", "source-with-other", "how dates read: " + ", ".join(DATE_DISPLAYS)),
    ("typography", "normalised", "quotation marks, dashes, ellipses: " + ", ".join(TYPOGRAPHY)),
    ("title-languages", "{}", "the language (BCP 47) of titles the texts give without one: a list of titles under each language, e.g. `ru-Latn: [Pravda]`"),
    ("print.press-variant", Print.press_variant, "the PDF/X of the press PDF: " + ", ".join(PRESS_VARIANTS)),
    ("print.output-profile", "FOGRA39", "the printer's ICC profile (class prtr, CMYK or grey)"),
    ("print.series", ", ".join(SERIES), "the series of notes printed, a list of some of these, in the order they stack at the foot of the page"),
    ("print.marks.source", "numbers", "how the calls of the source notes are marked, in print and EPUB: " + ", ".join(MARK_STYLES)
     + " (a note's own `n` is kept)"),
    ("print.marks.editorial", "letters", "how the calls of the editorial notes are marked: " + ", ".join(MARK_STYLES)),
    ("print.run-in", "apparatus, parallels", "the series set run in, entry after entry in one paragraph at the foot of the page (the others: a paragraph for each note), a list"),
    *((f"print.note-size.{name}", f"{size:g}", f"the type size of the {name} series at the foot of the page, in points")
      for name, size in NOTE_SIZES.items()),
    ("print.stretch-factor", Print.stretch_factor, "word spaces tolerated up to this multiple of the book's median"),
    ("print.short-page-lines", Print.short_page_lines, "a page may end this many lines early in mid-chapter"),
    ("print.hyphen-ladder", Print.hyphen_ladder, "hyphenated line ends in a row, at most"),
    ("print.hyphen-before", Print.hyphen_before, "letters at least before a hyphenation"),
    ("print.hyphen-after", Print.hyphen_after, "letters at least carried over after a hyphenation"),
    ("print.line-numbers", Print.line_numbers, "every this many lines of a paragraph are numbered in the outer margin (0: none)"),
    ("print.line-numbering", Print.line_numbering, "the line count starts again with each " + " or each ".join(LINE_NUMBERINGS)
     + "; the apparatus cites paragraph and line, or the line on the page"),
]


def known_keys(prefix: str = "") -> list[str]:
    """The keys allowed in the mapping at `prefix` ('' for the top level, 'page', 'sources', ...)."""
    depth = prefix.count(".") + 1 if prefix else 0
    keys = [key.split(".") for key, _, _ in KEYS if not prefix or key.startswith(prefix + ".")]
    return list(dict.fromkeys(parts[depth] for parts in keys if len(parts) > depth))


def reference() -> str:
    """The settings reference of docs/encoding.md, as a Markdown table."""
    rows = ["| key | default | what it sets |", "|---|---|---|"]
    rows += [f"| `{key}` | {f'`{default}`' if default not in ('', '[]') and not str(default).startswith('(') else default or '—'} "
             f"| {meaning} |" for key, default, meaning in KEYS]
    return "\n".join(rows)


class _MarkedLoader(yaml.SafeLoader):
    """A safe loader that remembers where each mapping key and list item stands in the file, and
    turns a value it cannot make (a time 25:00, a list as a key) into a located YAML error."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError) as exc:
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None


def _construct_mapping(loader, node):
    mapping, marks, key_marks = {}, {}, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain word", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        marks[key] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
        key_marks[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    marked = _Marked(mapping, marks, (node.start_mark.line + 1, node.start_mark.column + 1))
    marked.key_marks = key_marks
    return marked


def _construct_sequence(loader, node):
    items = _MarkedList(loader.construct_object(item, deep=True) for item in node.value)
    items.marks = [(item.start_mark.line + 1, item.start_mark.column + 1) for item in node.value]
    return items


class _Marked(dict):
    def __init__(self, mapping, marks, where):
        super().__init__(mapping)
        self.marks = marks  # key -> (line, column) of its value
        self.key_marks = marks  # key -> (line, column) of the key itself
        self.where = where


class _MarkedList(list):
    marks: list[tuple[int, int]]


_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load(root: Path, report: Report) -> Settings | None:
    """Read `root/edition.yaml`; report every problem.  Out: the settings, as far as they could be
    read (the sources usable despite errors elsewhere, so that their own problems are reported in
    the same run), or None when the file cannot be read at all."""
    path = root / SETTINGS_FILE
    shown = display_path(path)
    if not path.is_file():
        from . import discover  # an edition directory of TEI files alone

        found = discover.settings(root, report)
        if found is None:
            report.add(Location(shown), "settings-missing", f"no {SETTINGS_FILE} and no TEI file in {display_path(root)}")
        return found
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_MarkedLoader)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: located by its position
        before = text[:exc.position]
        line, col = before.count("\n") + 1, exc.position - before.rfind("\n")
        report.add(Location(shown, line, col), "settings-syntax",
                   f"YAML syntax: character {exc.character!r} is not allowed in a YAML file")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        report.add(Location(shown, line, col), "settings-syntax",
                   "YAML syntax: " + " ".join(str(getattr(exc, "problem", None) or exc).split()))
        return None
    except UnicodeDecodeError as exc:
        line, col = line_col(path.read_bytes(), exc.start)
        report.add(Location(shown, line, col), "settings-encoding", f"not UTF-8: byte 0x{exc.object[exc.start]:02x}")
        return None
    if not isinstance(data, _Marked):
        report.add(Location(shown, 1, 1), "settings-type", "edition.yaml must be a mapping of settings")
        return None
    return _Reading(root, shown, report).settings(data)


def inside(root: Path, relative: str) -> Path | None:
    """`root/relative` if it stays inside the edition directory once resolved (symbolic links
    followed), else None."""
    if Path(relative).is_absolute():
        return None
    base = root.resolve()
    target = (root / relative).resolve()
    return root / relative if target == base or target.is_relative_to(base) else None


class _Reading:
    """One pass over edition.yaml's data, reporting at the offending key."""

    def __init__(self, root: Path, shown: str, report: Report):
        self.root, self.shown, self.report = root, shown, report
        self.incomplete = False

    def at(self, container, key=None) -> Location:
        if isinstance(container, _MarkedList):
            line, col = container.marks[key] if key is not None else (0, 0)
        else:
            line, col = container.marks.get(key, container.where) if key is not None else container.where
        return Location(self.shown, line, col)

    def unknown(self, mapping: _Marked, prefix: str) -> int:
        """Report each key of `mapping` that no setting has, with the nearest known one; return
        how many."""
        known = known_keys(prefix)
        unknown = [key for key in mapping if key not in known]
        for key in unknown:
            near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            if prefix == "sources" or (not prefix and set(near) & FILE_KEYS):
                self.incomplete = True
            where = f"{prefix}: " if prefix else ""
            hint = f"; did you mean '{near[0]}'?" if near else f" (known: {', '.join(known)})"
            line, col = mapping.key_marks[key]
            shown = str(key) if str(key).isprintable() else repr(key)[1:-1]  # one line, whatever the key holds
            self.report.add(Location(self.shown, line, col), "settings-unknown", f"unknown setting '{where}{shown}'{hint}")
        return len(unknown)

    def text(self, mapping: _Marked, key: str, required: bool = False, default: str = "") -> str:
        value = mapping.get(key, default)
        if value in (None, "") and required:
            self.report.add(self.at(mapping), "settings-required", f"'{key}' is required")
            return default
        if not isinstance(value, str):
            self.report.add(self.at(mapping, key), "settings-type", f"'{key}' must be text")
            return default
        return value.strip()

    def mapping(self, data: _Marked, key: str, prefix: str = "") -> _Marked | None:
        """The mapping at `key` (empty if absent; None, reported, if not a mapping), its unknown
        keys reported; `prefix`: the keys above `data` ('print' for 'print: marks:')."""
        value = data.get(key)
        if value is None:
            return _Marked({}, {}, data.where)
        if not isinstance(value, _Marked):
            self.report.add(self.at(data, key), "settings-type", f"'{key}' must be a mapping")
            return None
        self.unknown(value, f"{prefix}.{key}" if prefix else key)
        return value

    def file(self, container, key, value, what: str) -> Path | None:
        """A file of the edition named at `container[key]`: inside the edition directory and present."""
        if not isinstance(value, str) or not value:
            self.report.add(self.at(container, key), "settings-type", f"{what} must be a file name")
            self.incomplete = True
            return None
        path = inside(self.root, value)
        if path is None:
            self.report.add(self.at(container, key), "path-outside",
                            f"{what} {value} is outside the edition directory {display_path(self.root)}")
            self.incomplete = True
            return None
        if not path.is_file():
            self.report.add(self.at(container, key), "source-missing", f"{what} not found: {value}")
            self.incomplete = True
            return None
        return path

    def settings(self, data: _Marked) -> Settings:
        self.unknown(data, "")
        settings = Settings(root=self.root, title=self.text(data, "title", required=True),
                            slug=self.text(data, "slug", required=True))
        if settings.slug and not SLUG.match(settings.slug):
            self.report.add(self.at(data, "slug"), "settings-slug", "'slug' must be lower-case letters, digits and hyphens")
        settings.subtitle = self.text(data, "subtitle")
        settings.publisher = self.text(data, "publisher")
        settings.rights = self.text(data, "rights")
        settings.language = self.text(data, "language", default="en")
        editors = data.get("editors", [])
        if not isinstance(editors, list) or not all(isinstance(e, str) for e in editors):
            self.report.add(self.at(data, "editors"), "settings-type", "'editors' must be a list of names")
        else:
            settings.editors = list(editors)
        date = data.get("date", settings.date)
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            self.report.add(self.at(data, "date"), "settings-type", "'date' must be a date such as 2026-11-24")
        else:
            settings.date = date
        self.page(data, settings.page)
        dates = self.mapping(data, "dates")
        if dates is not None and "display" in dates:
            if dates["display"] not in DATE_DISPLAYS:
                self.report.add(self.at(dates, "display"), "settings-dates",
                                f"'dates: display' must be one of {', '.join(DATE_DISPLAYS)}")
            else:
                settings.date_display = dates["display"]
        settings.typography = self.one_of(data, "typography", TYPOGRAPHY, "settings-typography", settings.typography)
        settings.title_languages = self.title_languages(data)
        settings.sources = self.sources(data)
        self.printing(data, settings.printing)
        if data.get("introduction") is not None:
            settings.introduction = self.file(data, "introduction", data["introduction"], "introduction")
        registers = data.get("registers") or []
        if not isinstance(registers, list):
            self.report.add(self.at(data, "registers"), "settings-type", "'registers' must be a list of TEI files")
            registers = []
        for index, register in enumerate(registers):
            path = self.file(registers, index, register, "register file")
            if path:
                settings.registers.append(path)
        settings.incomplete = self.incomplete
        return settings

    def title_languages(self, data: _Marked) -> dict[str, str]:
        """title-languages: each language's list of titles, as title -> language."""
        value = data.get("title-languages")
        if value is None:
            return {}
        if not isinstance(value, _Marked):
            self.report.add(self.at(data, "title-languages"), "settings-type", "'title-languages' must be a mapping")
            return {}
        found = {}
        for language, titles in value.items():
            if not isinstance(language, str) or not LANGUAGE_TAG.match(language):
                self.report.add(self.at(value, language), "settings-type",
                                f"'title-languages: {language}' must be a language tag such as ru-Latn")
            elif not isinstance(titles, list) or not all(isinstance(t, str) and t.strip() for t in titles):
                self.report.add(self.at(value, language), "settings-type",
                                f"'title-languages: {language}' must be a list of titles")
            else:
                found.update((" ".join(title.split()), language) for title in titles)
        return found

    def page(self, data: _Marked, page: Page) -> None:
        mapping = self.mapping(data, "page")
        for key, value in (mapping or {}).items():
            if key not in known_keys("page"):
                continue
            if not isinstance(value, str) or not LENGTH.match(value):
                self.report.add(self.at(mapping, key), "settings-length", f"'{key}' must be a length such as 6in or 12mm")
            else:
                setattr(page, key.replace("-", "_"), value)

    def sources(self, data: _Marked) -> list[SourceEntry]:
        sources = data.get("sources")
        if not isinstance(sources, list) or not sources:
            self.report.add(self.at(data, "sources" if "sources" in data else None), "settings-sources",
                            "'sources' must list at least one source (siglum and file)")
            return []
        entries: list[SourceEntry] = []
        seen: set[str] = set()
        for index, entry in enumerate(sources):
            if not isinstance(entry, _Marked):
                self.report.add(self.at(sources, index), "settings-sources", "each source needs 'siglum' and 'file'")
                self.incomplete = True
                continue
            misspelt = self.unknown(entry, "sources")
            siglum = entry.get("siglum")
            if siglum is None:
                if not misspelt:
                    self.report.add(self.at(entry), "settings-sources", "this source needs a 'siglum'")
                self.incomplete = True
                continue
            if not isinstance(siglum, str) or not SIGLUM.match(siglum):
                self.report.add(self.at(entry, "siglum"), "settings-siglum",
                                "a siglum is a capital letter followed by up to five letters or digits")
                self.incomplete = True
                continue
            if siglum in seen:
                self.report.add(self.at(entry, "siglum"), "settings-siglum", f"siglum {siglum} is used twice")
            seen.add(siglum)
            if "file" not in entry:
                if not misspelt:
                    self.report.add(self.at(entry), "settings-sources", f"source {siglum} needs a 'file'")
                self.incomplete = True
                continue
            file = self.file(entry, "file", entry["file"], "source file")
            copytext = entry.get("copytext", False)
            if copytext not in (False, NO_COPYTEXT):
                copytext = self.file(entry, "copytext", copytext, "copy-text")
            mode = entry.get("mode", "strict")
            if mode not in MODES:
                self.report.add(self.at(entry, "mode"), "settings-sources", f"'mode' must be one of {', '.join(MODES)}")
                mode = "strict"
            if file and copytext is not None:
                entries.append(SourceEntry(siglum, file, self.at(entry), copytext if isinstance(copytext, Path) else None,
                                           copytext is False, mode))
        return entries

    def one_of(self, mapping, key: str, allowed: tuple[str, ...], code: str, current: str) -> str:
        """The value of `key` if it is one of `allowed` (else reported, located): `current` if absent or wrong."""
        value = mapping.get(key, current)
        if value in allowed:
            return value
        self.report.add(self.at(mapping, key), code, f"'{key}' must be one of {', '.join(allowed)}")
        return current

    def printing(self, data: _Marked, printing: Print) -> None:
        mapping = self.mapping(data, "print")
        if mapping is None:
            return
        for key, (field, kind, least) in MAKEUP_LIMITS.items():
            value = mapping.get(key, getattr(printing, field))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or (
                    value < least or (kind is int and value != int(value))):
                self.report.add(self.at(mapping, key), "settings-print",
                                f"'{key}' must be {'a whole number' if kind is int else 'a number'} of at least {least:g}")
            else:
                setattr(printing, field, kind(value))
        printing.press_variant = self.one_of(mapping, "press-variant", PRESS_VARIANTS, "settings-print",
                                             printing.press_variant)
        printing.line_numbering = self.one_of(mapping, "line-numbering", LINE_NUMBERINGS, "settings-print",
                                              printing.line_numbering)
        if mapping.get("output-profile") is not None:
            name = mapping["output-profile"]
            profile = self.file(mapping, "output-profile", name, "ICC profile")
            if profile and (not (found := icc.read(profile.read_bytes())) or not found.for_print):
                what = f"a {found.device_class} profile in {found.space}" if found else "not an ICC profile"
                self.report.add(self.at(mapping, "output-profile"), "settings-profile",
                                f"'output-profile' must be a printer's ICC profile (class prtr) in CMYK or GRAY; "
                                f"{name} is {what}")
            elif profile:
                printing.output_profile = profile
        printing.series = self.series(mapping, "series", printing.series)
        printing.run_in = self.series(mapping, "run-in", printing.run_in)
        marks = self.mapping(mapping, "marks", "print")
        for name in CALLED if marks is not None else ():
            printing.marks[name] = self.one_of(marks, name, MARK_STYLES, "settings-print", printing.marks[name])
        sizes = self.mapping(mapping, "note-size", "print")
        for name, value in (sizes or {}).items():
            if name not in SERIES:
                continue  # reported as unknown
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 4 <= value <= 14:
                self.report.add(self.at(sizes, name), "settings-print", f"'note-size: {name}' must be a number of points from 4 to 14")
            else:
                printing.note_sizes[name] = float(value)

    def series(self, mapping, key: str, current: tuple[str, ...]) -> tuple[str, ...]:
        """A list of series of notes at `key` (`current` if absent or wrong, reported, located)."""
        value = mapping.get(key, list(current))
        if not isinstance(value, list) or any(s not in SERIES for s in value) or len(set(value)) < len(value):
            self.report.add(self.at(mapping, key), "settings-print", f"'{key}' lists some of: {', '.join(SERIES)}, each once")
            return current
        return tuple(value)


if __name__ == "__main__":
    print(reference())
