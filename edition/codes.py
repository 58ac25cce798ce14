"""The closed table of diagnostic codes: every problem the build can report, once.

In: nothing.  Out: `CODES`, code -> `Code` (severity, one-line meaning, a hint for the editor),
grouped by the stage that reports it.  `Report.add` takes its severity from here and refuses a
code that is not in the table; `build.py codes` prints it and `docs/diagnostics.md` is generated
from it (`python -m edition.codes --markdown`; a test compares the two).
"""

from __future__ import annotations

import dataclasses
import sys


@dataclasses.dataclass(frozen=True)
class Code:
    name: str
    severity: str  # "error": nothing is written; "warning": printed, the build goes on
    stage: str  # who reports it: settings, import, read, check, names, layout, pdf, preflight
    meaning: str
    hint: str


_TABLE = [
    # edition.yaml
    ("settings-missing", "error", "settings", "the edition directory has no edition.yaml",
     "run build.py from the directory holding sources/, or give --sources DIR"),
    ("settings-syntax", "error", "settings", "edition.yaml is not valid YAML",
     "look at the indentation and the colons on the line shown and the one before"),
    ("settings-encoding", "error", "settings", "edition.yaml is not UTF-8",
     "save the file as UTF-8 in your editor"),
    ("settings-type", "error", "settings", "a setting has the wrong kind of value (text, list, mapping, date)",
     "compare with the settings reference in docs/encoding.md"),
    ("settings-required", "error", "settings", "a required setting (title, slug) is missing or empty",
     "add the key to edition.yaml"),
    ("settings-unknown", "error", "settings", "a key that no setting has (a typo is the usual cause)",
     "use the key suggested, or remove the line; docs/encoding.md lists every setting"),
    ("settings-slug", "error", "settings", "the slug, which names the output files, has characters other than a-z, 0-9 and -",
     "write it in lower case with hyphens, e.g. stalins-rise"),
    ("settings-length", "error", "settings", "a page length is not a number with a unit",
     "write lengths such as 6in, 152mm, 15.2cm or 432pt"),
    ("settings-dates", "error", "settings", "'dates: display:' is not one of the date displays",
     "choose source-with-other, gregorian or source"),
    ("settings-typography", "error", "settings", "'typography' is not normalised or diplomatic",
     "choose normalised (quotes and dashes set as a book sets them) or diplomatic (as encoded)"),
    ("settings-sources", "error", "settings", "'sources' is not a list of entries with a siglum and a file",
     "give each source '- siglum: X' and 'file: texts/X.xml'"),
    ("settings-siglum", "error", "settings", "a siglum is malformed or used twice",
     "a siglum is a capital letter and up to five letters or digits, unique in the edition"),
    ("settings-print", "error", "settings", "a 'print:' setting is out of range or not one of its choices",
     "see the print settings in docs/encoding.md"),
    ("settings-profile", "error", "settings", "'print: output-profile' is not a printer's ICC profile (class prtr) in CMYK or grey",
     "ask the printer for the profile of their press, or remove the key for FOGRA39"),
    ("source-missing", "error", "settings", "a file named in edition.yaml does not exist",
     "check the path; it is relative to the edition directory"),
    ("settings-derived", "warning", "settings", "no edition.yaml: the settings were taken from the TEI files' headers (lenient mode)",
     "write an edition.yaml to choose the title, the page and the sources (docs/encoding.md, Real TEI)"),
    ("path-outside", "error", "settings", "a path leaves the edition directory (through .. , an absolute path or a symbolic link)",
     "keep every file of the edition inside its directory; the file was not opened"),
    # build.py import
    ("import-read", "error", "import", "the plain text to import cannot be read as UTF-8",
     "save it as UTF-8 plain text"),
    ("import-siglum", "error", "import", "the siglum is already in edition.yaml",
     "choose another siglum, or give --force to replace that source"),
    ("import-exists", "error", "import", "the TEI file to write exists already",
     "give --force to replace it"),
    # reading the TEI
    ("tei-read", "error", "read", "a file cannot be read (permissions, a directory, ...)",
     "check that the file exists and is readable"),
    ("tei-encoding", "error", "read", "a file is not UTF-8",
     "save it as UTF-8; the place shown is the first byte that is not"),
    ("xml-syntax", "error", "read", "a file is not well-formed XML",
     "look for an unclosed or mistyped tag, or a bare & or <, at the place shown"),
    ("tei-root", "error", "read", "a file's root element is not a TEI element",
     "a source starts <TEI xmlns=\"http://www.tei-c.org/ns/1.0\">"),
    ("tei-schema", "error", "read", "the encoding does not follow the edition's schema",
     "docs/encoding.md lists the elements and attributes each place allows"),
    ("include-outside", "error", "read", "an xi:include names a URL or a file outside the edition directory",
     "copy the file into the edition directory and include it from there; nothing is fetched"),
    ("include-failed", "error", "read", "an xi:include cannot be made: no such file (and no fallback), not XML, or a loop",
     "correct @href or @xpointer, or give xi:fallback"),
    ("generic-element", "warning", "read", "a lenient source uses an element the pipeline knows nothing of: its content is shown as text",
     "encode it otherwise, or add it to the table of elements (edition/model/elements.py)"),
    ("foreign-element", "warning", "read", "a lenient source holds an element of another namespace: its content is shown as text",
     "nothing to do if its text belongs to the reading text; otherwise move it to the header"),
    ("graphic-unavailable", "warning", "read", "a graphic names an image that is not a file of the edition directory (a URL is never fetched)",
     "copy the image (JPEG, PNG, GIF or SVG) into the edition directory and point @url to it; until then its description is printed"),
    ("lenient-pointer", "warning", "check", "a pointer of a lenient source names an id that does not exist: it is printed as text",
     "correct the id, or ignore this if the file points into another project's files"),
    ("siglum-mismatch", "error", "read", "a source's xml:id is not its siglum in edition.yaml",
     "make <TEI xml:id> and the siglum the same"),
    ("id-missing", "error", "read", "a chapter, paragraph or register entry has no xml:id",
     "give it one following the scheme SIGLUM.CHAPTER.PARAGRAPH"),
    ("register-name", "error", "read", "a register entry has no name",
     "add persName, placeName or desc to the entry"),
    ("event-date", "error", "read", "an event of the register has no date",
     "give the event's date @when or @from"),
    ("date-syntax", "error", "read", "a date attribute is not an ISO date",
     "write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("duplicate-id", "error", "read", "an xml:id is used twice in the edition",
     "ids are unique across every file of the edition"),
    ("no-chapter", "error", "read", "a body holds no chapter",
     "put the text in at least one <div type=\"chapter\">"),
    ("outside-chapter", "error", "read", "text in a body outside any chapter, which no output would print",
     "move it into a <div type=\"chapter\"> (or its <head>)"),
    ("copytext-read", "error", "read", "a copy-text cannot be read as UTF-8",
     "save the copy-text as UTF-8 plain text"),
    ("copytext-none", "warning", "read", "a source has no copy-text: its fidelity proof is off",
     "add 'copytext: copytext/X.txt' to the source in edition.yaml"),
    # checks of the model
    ("dangling-pointer", "error", "check", "a pointer (@target, @ref, @corresp) names an id that does not exist",
     "correct the id, or add the entry to the registers"),
    ("pointer-syntax", "error", "check", "a pointer is not of the form #id",
     "write @target=\"#T1.2.3\""),
    ("name-kind", "error", "check", "a name points to the wrong kind of register entry (a persName to a place)",
     "point persName to a person, placeName to a place"),
    ("date-when", "error", "check", "a <date> has no @when",
     "give the Gregorian date in @when"),
    ("date-invalid", "error", "check", "a date does not exist in its calendar",
     "correct the day or month"),
    ("date-julian-missing", "error", "check", "a date before 14 February 1918 in Russia lacks its Julian form",
     "add when-custom with the Old Style date and datingMethod=\"#julian\""),
    ("date-dating-method", "error", "check", "@when-custom without datingMethod=\"#julian\"",
     "add datingMethod=\"#julian\""),
    ("date-mismatch", "error", "check", "the Julian and Gregorian forms of a date are not the same day",
     "the Julian date is 13 days behind in 1900-1918 (12 before 1900)"),
    ("date-inferred", "error", "check", "the text's date and its encoding disagree on the calendar",
     "set @calendar to the calendar the text's own words use"),
    ("date-two-styles", "error", "check", "a date's text gives both styles but the encoding one",
     "give both @when and @when-custom"),
    ("date-words", "error", "check", "the date's words name another day than its encoding",
     "correct @when or the text"),
    ("event-discrepancy", "error", "check", "an account dates a shared event otherwise than the register, unexplained",
     "correct the date or explain the difference in an editorial note"),
    ("copytext-differs", "error", "check", "the reading text differs from the copy-text",
     "restore the copy-text's words, or record the change as an emendation (choice/sic/corr)"),
    ("paragraph-empty", "error", "check", "a paragraph has no text: the book would print a bare number",
     "remove the empty <p/> (its id too) or give it its text"),
    ("number-moved", "error", "check", "a paragraph number does not follow its id",
     "the paragraph numbers come from the ids: renumber them in order"),
    ("name-unregistered", "warning", "names", "a name in the text has no register entry",
     "add @ref to a register entry; a name deliberately left out of the registers is an <rs type=\"person\"> without @ref"),
    ("name-unlinked", "warning", "names", "a register name appears in the text without its markup",
     "wrap it in persName or placeName with @ref"),
    ("name-ambiguous", "error", "names", "one name matches two register entries",
     "give the name @ref to choose"),
    ("citation-unresolved", "warning", "names", "a written citation (\"T1 7.67\") cites no paragraph",
     "correct the siglum or the paragraph number"),
    ("citation-spacing", "warning", "names", "a citation without the space after its siglum (\"M42.7\") is not linked",
     "write \"M 42.7\""),
    # rendering
    ("template-syntax", "error", "render", "a template of templates/ is not valid Jinja",
     "look at the tag on the line shown: an unclosed {% ... %} or {{ ... }} is the usual cause"),
    # the laid-out book
    ("layout-short-line", "warning", "layout", "a line inside a justified paragraph ends short although the paragraph goes on",
     "usually nothing: the corrections tried every spacing; a long unbreakable word is the usual cause"),
    ("layout-stretched-line", "warning", "layout", "a justified line whose word spaces exceed print: stretch-factor times the book's median (default 2)",
     "usually nothing: the corrections tried every spacing; an unbreakable word or a run of names is the cause"),
    ("layout-overfull-line", "warning", "layout", "a line that runs more than half a point into the margin",
     "a long unbreakable word or URL: allow a break in it"),
    ("layout-short-page", "warning", "layout", "a page that ends more than print: short-page-lines lines early (default 2) although its chapter goes on (not when the next page begins with a table row that cannot break in the room left)",
     "usually nothing: the corrections tried; a note or paragraph division elsewhere changes the lines"),
    ("layout-note-away", "warning", "layout", "a note (source or editorial note, apparatus entry, parallels) printed on another page than its call",
     "should not happen: report it"),
    ("layout-hyphen-ladder", "warning", "layout", "more than print: hyphen-ladder hyphenated line ends in a row (default 2)",
     "raise print: hyphen-ladder, or rephrase nothing: the corrections try tighter and looser settings"),
    ("layout-short-fragment", "warning", "layout", "a hyphenation leaving fewer than print: hyphen-before letters before or print: hyphen-after after the break",
     "raise the limits in print:, or mark the word unbreakable"),
    ("layout-name-break", "warning", "layout", "a proper name (linked to the registers) hyphenated across lines",
     "should not happen: names are set unbroken; report it"),
    ("layout-leaf-turn", "warning", "layout", "a word hyphenated at the foot of a recto, finished over the leaf",
     "usually accepted by typesetters when rare"),
    ("layout-stranded-heading", "warning", "layout", "a heading, opener, dateline or label at the foot of a page, its text on the next",
     "should not happen: headings keep with their text; report it"),
    ("layout-stranded-signature", "warning", "layout", "a closing, signature or trailer at the top of a page, its text on the one before",
     "should not happen: report it"),
    ("layout-runt", "warning", "layout", "the last line of a paragraph holds one word of four letters or fewer",
     "the corrections could not avoid it within the limits; rewording is not ours to do: accept it"),
    ("layout-unsettled", "warning", "pdf", "the page numbers still moved after the last layout pass; the last one is used",
     "build again: the next build starts from these page numbers"),
    ("weasyprint-warning", "warning", "pdf", "WeasyPrint, the layout engine, warned about the print HTML or its CSS",
     "a template or stylesheet change is the usual cause; see docs/weasyprint.md"),
    # the PDFs as a printer's preflight sees them
    ("preflight-intent", "warning", "preflight", "the press PDF's output intent (the printing condition) is missing or wrong",
     "check print: output-profile"),
    ("preflight-identification", "warning", "preflight", "the PDF does not identify itself as PDF/X (press) or PDF/UA (screen)",
     "a program error: report it"),
    ("preflight-boxes", "warning", "preflight", "the page boxes (trim, bleed, media) do not nest as a printer needs",
     "check page: bleed"),
    ("preflight-annotation", "warning", "preflight", "links or other annotations over the printed area of the press PDF",
     "a program error: report it"),
    ("preflight-colour", "warning", "preflight", "colour other than the press's black (K), or RGB in the press PDF",
     "a stylesheet colour: use black"),
    ("preflight-font", "warning", "preflight", "a font is not embedded",
     "a program error: report it"),
    ("preflight-transparency", "warning", "preflight", "transparency in a PDF/X that allows none",
     "use print: press-variant: pdf/x-4, or remove the transparent element"),
    ("preflight-marks", "warning", "preflight", "crop marks or the registration colour where they do not belong",
     "a program error: report it"),
]

CODES: dict[str, Code] = {row[0]: Code(*row) for row in _TABLE}
STAGES = ("settings", "import", "read", "check", "names", "render", "layout", "pdf", "preflight")


def of_stage(stage: str) -> list[str]:
    """The codes a stage reports, in the table's order."""
    return [name for name, code in CODES.items() if code.stage == stage]


def table() -> str:
    """The table as `build.py codes` prints it."""
    width = max(map(len, CODES))
    return "\n".join(f"{c.name:<{width}}  {c.severity:<7}  {c.meaning}\n{'':<{width}}  {'':<7}  hint: {c.hint}"
                     for c in CODES.values())


def markdown() -> str:
    """The reference section of docs/diagnostics.md, one table per stage."""
    out = []
    for stage in STAGES:
        out += [f"### {stage}", "", "| code | severity | meaning | hint |", "|---|---|---|---|"]
        out += [f"| `{c.name}` | {c.severity} | {_cell(c.meaning)} | {_cell(c.hint)} |"
                for c in CODES.values() if c.stage == stage]
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    print(markdown() if "--markdown" in sys.argv else table())
