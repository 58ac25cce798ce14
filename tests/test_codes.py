"""Every code of the diagnostics table (edition/codes.py) is reported, where the mistake is, with its severity.

CASES holds, for each code that `build.py check` or `build.py import` reports, the smallest edition
that makes the mistake an editor makes (a typo in a key, a `../` path, a wrong siglum, a misdated
Julian date, ...) and the place the report must name: the file, and the line holding a given text.
The codes of the laid-out book (layout, pdf, preflight) are provoked by WeasyPrint and PDFs made
for them here, or by tests/test_layout_report.py.  The source of edition/ uses exactly the codes of
the table, and `--strict` makes a warning an error.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, make_edition, tei_source

from edition import codes, pipeline
from edition.check import layout, preflight
from edition.cli import main
from edition.codes import CODES
from edition.diagnostics import Location, Report
from edition.write import makeup, part_job, parts

SOURCE_STAGES = ("settings", "import", "read", "check", "names")  # reported by `build.py check` and `import`
DIAGNOSTIC = re.compile(r"^(?P<path>[^\s:]+)(?::(?P<line>\d+):(?P<col>\d+))?: (?P<severity>error|warning): "
                        r"(?P<message>.*) \[(?P<code>[a-z0-9-]+)\]$", re.M)
BODY = '<p xml:id="A.1.1">The first paragraph.</p>'
ENTRY = "sources:\n  - siglum: A\n    file: texts/A.xml\n    copytext: none\n"  # as make_edition writes it


def edition(body: str = BODY, settings: str = "", replace: tuple[tuple[str, str], ...] = (),
            files: dict[str, str | bytes] | None = None, tei: str | None = None,
            encoding: str = "utf-8") -> Callable[[Path], None]:
    """A maker of a one-source edition (siglum A): `body` in its chapter (or the whole `tei`),
    `settings` added to edition.yaml before `sources:`, `replace` applied to edition.yaml's text,
    which is saved in `encoding`; `files` written as well, relative to the edition directory."""
    def make(root: Path) -> None:
        make_edition(root, {"A": tei_source("A", body) if tei is None else tei}, settings)
        path = root / "edition.yaml"
        text = path.read_text(encoding="utf-8")
        for old, new in replace:
            assert old in text, old
            text = text.replace(old, new)
        path.write_bytes(text.encode(encoding))
        for name, content in (files or {}).items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return make


def register(content: str) -> str:
    """A register file (persons, places, events) holding `content` in its standOff."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="register">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>Register</title></titleStmt>
      <publicationStmt><p>Test edition.</p></publicationStmt>
      <sourceDesc><p>Compiled by the editors.</p></sourceDesc>
    </fileDesc>
    <profileDesc><calendarDesc><calendar xml:id="julian"><p>Julian</p></calendar></calendarDesc></profileDesc>
  </teiHeader>
  <standOff>
{content}
  </standOff>
</TEI>
"""


REGISTERS = "registers:\n  - registers/register.xml\n"
PERSONS_AND_PLACES = register("""
    <listPerson>
      <person xml:id="lenin"><persName type="main">Lenin, Vladimir</persName><persName type="variant">Lenin</persName></person>
    </listPerson>
    <listPlace>
      <place xml:id="moscow"><placeName type="main">Moscow</placeName><placeName type="variant">Moscow</placeName></place>
    </listPlace>""")
OCTOBER = register("""
    <listEvent>
      <event xml:id="ev-october" when="1917-11-07" when-custom="1917-10-25" datingMethod="#julian">
        <label>The October Revolution</label>
      </event>
    </listEvent>""")


def lenient(body: str, files: dict[str, str] | None = None) -> Callable[[Path], None]:
    """A one-source edition whose source is read leniently (as a file made elsewhere)."""
    return edition(body, replace=((ENTRY, ENTRY + "    mode: lenient\n"),), files=files)


def with_registers(body: str, content: str, **kwargs) -> Callable[[Path], None]:
    return edition(body, settings=REGISTERS, files={"registers/register.xml": content}, **kwargs)


def icc_header(device_class: bytes, space: bytes) -> bytes:
    """The header of an ICC profile (all `icc.read` looks at), no tags."""
    data = bytearray(132)
    data[12:16], data[16:20], data[36:40] = device_class, space, b"acsp"
    return bytes(data)


def unreadable(path: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    """The file loses its read permission; as root, which reads anyway, its reading fails as it would."""
    def prepare(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        target = root / path
        target.chmod(0)
        read_bytes = Path.read_bytes

        def refusing(self: Path) -> bytes:
            if self.resolve() == target.resolve():
                raise PermissionError(13, "Permission denied", str(self))
            return read_bytes(self)
        monkeypatch.setattr(Path, "read_bytes", refusing)
    return prepare


@dataclasses.dataclass
class Case:
    code: str
    make: Callable[[Path], None]  # writes the edition into the directory it is given
    file: str  # the file the report names, relative to the edition directory
    at: str | None  # text on the line it names (found once in the file); None: the whole file
    command: tuple[str, ...] = ("check",)  # file names relative to the working directory, where ed/ is
    prepare: Callable[[Path, pytest.MonkeyPatch], None] | None = None

    def __str__(self) -> str:
        return self.code

    def line(self, root: Path) -> int | None:
        if self.at is None:
            return None
        lines = [n for n, text in enumerate((root / self.file).read_bytes().split(b"\n"), 1) if self.at.encode() in text]
        assert len(lines) == 1, f"{self.at!r} on lines {lines} of {self.file}: make it name one line"
        return lines[0]


CASES = [
    # edition.yaml
    Case("settings-missing", edition(), "edition.yaml", None,
         prepare=lambda root, _: (root / "edition.yaml").rename(root / "edition.yml")),
    Case("settings-derived", lambda root: (root.mkdir(parents=True), (root / "letter.xml").write_text(
        tei_source("A", BODY), encoding="utf-8")), "edition.yaml", None),
    Case("settings-syntax", edition(settings="subtitle: Five Accounts: 1912–1928\n"), "edition.yaml", "subtitle:"),
    Case("settings-encoding", edition(settings="publisher: Éditions du Seuil\n", encoding="latin-1"),
         "edition.yaml", "publisher:"),
    Case("settings-type", edition(replace=(("editors: [Ed Itor]", "editors: Ed Itor"),)), "edition.yaml", "editors:"),
    Case("settings-required", edition(replace=(("title: Tiny Edition\n", ""),)), "edition.yaml", "slug: tiny"),
    Case("settings-unknown", edition(replace=(("editors:", "editor:"),)), "edition.yaml", "editor:"),
    Case("settings-slug", edition(replace=(("slug: tiny", "slug: Tiny Edition"),)), "edition.yaml", "slug:"),
    Case("settings-length", edition(settings="page:\n  width: 6 in\n"), "edition.yaml", "width:"),
    Case("settings-dates", edition(settings="dates:\n  display: julian\n"), "edition.yaml", "display:"),
    Case("settings-typography", edition(settings="typography: normalized\n"), "edition.yaml", "typography:"),
    Case("settings-sources", edition(replace=((ENTRY, "sources:\n  - texts/A.xml\n"),)), "edition.yaml", "- texts/A.xml"),
    Case("settings-siglum", edition(replace=(("siglum: A", "siglum: a"),)), "edition.yaml", "siglum: a"),
    Case("settings-print", edition(settings="print:\n  press-variant: PDF/X-4\n"), "edition.yaml", "press-variant:"),
    Case("settings-profile", edition(settings="print:\n  output-profile: profiles/sRGB.icc\n",
                                     files={"profiles/sRGB.icc": icc_header(b"mntr", b"RGB ")}),
         "edition.yaml", "output-profile:"),
    Case("source-missing", edition(replace=(("file: texts/A.xml", "file: texts/a.xml"),)), "edition.yaml", "texts/a.xml"),
    Case("path-outside", edition(replace=(("file: texts/A.xml", "file: ../drafts/A.xml"),),
                                 files={"../drafts/A.xml": tei_source("A", BODY)}),
         "edition.yaml", "../drafts/A.xml"),
    # build.py import
    Case("import-read", edition(files={"incoming/B.txt": "Chapter One\n\nThe words of Müller.\n".encode("latin-1")}),
         "incoming/B.txt", "The words of", command=("import", "ed/incoming/B.txt", "--siglum", "B")),
    Case("import-siglum", edition(files={"incoming/A2.txt": "The second account.\n"}), "edition.yaml", "siglum: A",
         command=("import", "ed/incoming/A2.txt", "--siglum", "A")),
    Case("import-exists", edition(files={"incoming/B.txt": "The second account.\n",
                                         "texts/B.xml": tei_source("B", BODY.replace("A.", "B."))}),
         "texts/B.xml", None, command=("import", "ed/incoming/B.txt", "--siglum", "B")),
    # reading the TEI
    Case("tei-read", edition(), "texts/A.xml", None, prepare=unreadable("texts/A.xml")),
    Case("tei-encoding", edition(files={"texts/A.xml": tei_source("A", '<p xml:id="A.1.1">Written by Müller.</p>')
                                        .encode("latin-1")}), "texts/A.xml", "Written by"),
    Case("xml-syntax", edition('<p xml:id="A.1.1">An <hi>unclosed tag.</p>'), "texts/A.xml", "unclosed"),
    Case("tei-root", edition(tei=tei_source("A", BODY).replace(' xmlns="http://www.tei-c.org/ns/1.0"', "")),
         "texts/A.xml", "<TEI"),
    Case("tei-schema", edition('<p xml:id="A.1.1">The <persname>Tsar</persname> abdicated.</p>'), "texts/A.xml",
         "<persname>"),
    Case("include-outside", lenient('<p>Before <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                    'href="../../drafts/more.xml"/>.</p>', {"../drafts/more.xml": "<p/>"}),
         "texts/A.xml", "../drafts/more.xml"),
    Case("include-failed", lenient('<p>Before <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                   'href="more.xml"/>.</p>'), "texts/A.xml", "more.xml"),
    Case("generic-element", lenient('<p>A <frobnicate>word</frobnicate>.</p>'), "texts/A.xml", "<frobnicate>"),
    Case("foreign-element", lenient('<p>A <m:math xmlns:m="http://www.w3.org/1998/Math/MathML">x</m:math>.</p>'),
         "texts/A.xml", "<m:math"),
    Case("graphic-unavailable", lenient('<figure><graphic url="https://example.org/map.png"/></figure>'),
         "texts/A.xml", "map.png"),
    Case("siglum-mismatch", edition(tei=tei_source("A", BODY).replace('<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="A"',
                                                                   '<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="T1"')),
         "texts/A.xml", 'xml:id="T1"'),
    Case("id-missing", edition(BODY + "\n<p>A paragraph without its id.</p>"), "texts/A.xml", "without its id"),
    Case("register-name", with_registers(BODY, register("""
    <listPerson>
      <person xml:id="trotsky"><note>People's Commissar for War.</note></person>
    </listPerson>""")), "registers/register.xml", 'xml:id="trotsky"'),
    Case("event-date", with_registers(BODY, register("""
    <listEvent>
      <event xml:id="ev-october"><label>The October Revolution</label></event>
    </listEvent>""")), "registers/register.xml", 'xml:id="ev-october"'),
    Case("date-syntax", edition('<p xml:id="A.1.1">On <date when="7.11.1917">7 November 1917</date>.</p>'),
         "texts/A.xml", "7.11.1917"),
    Case("duplicate-id", edition(BODY + '\n<p xml:id="A.1.1">The second, its id copied from the first.</p>'),
         "texts/A.xml", "its id copied"),
    Case("no-chapter", edition(tei=tei_source("A", BODY).replace('<div type="chapter" n="1" xml:id="A.1">', "")
                               .replace("</div>", "")), "texts/A.xml", "<body>"),
    Case("outside-chapter", edition(tei=tei_source("A", BODY).replace("</body>", "<p>A stray paragraph.</p></body>")),
         "texts/A.xml", "A stray paragraph"),
    Case("paragraph-empty", edition(BODY + '\n<p xml:id="A.1.2"/>'), "texts/A.xml", 'xml:id="A.1.2"'),
    Case("copytext-read", edition(replace=(("copytext: none", "copytext: copytext/A.txt"),),
                                  files={"copytext/A.txt": "The Only Chapter\n\nThe first paragraph, Müller's.\n"
                                         .encode("latin-1")}),
         "copytext/A.txt", "The first paragraph"),
    Case("copytext-none", edition(replace=(("    copytext: none\n", ""),)), "edition.yaml", "siglum: A"),
    # checks of the model
    Case("dangling-pointer", edition(BODY + '\n<p xml:id="A.1.2">See <ref target="#A.1.9">below</ref>.</p>'),
         "texts/A.xml", "#A.1.9"),
    Case("lenient-pointer", lenient('<p>See <ref target="#nowhere">below</ref>.</p>'), "texts/A.xml", "#nowhere"),
    Case("pointer-syntax", edition(BODY + '\n<p xml:id="A.1.2">See <ref target="A.1.1">above</ref>.</p>'),
         "texts/A.xml", 'target="A.1.1"'),
    Case("name-kind", with_registers('<p xml:id="A.1.1">He went to <persName ref="#moscow">Moscow</persName>.</p>',
                                     PERSONS_AND_PLACES), "texts/A.xml", 'ref="#moscow"'),
    Case("date-when", edition('<p xml:id="A.1.1">On <date>7 November 1917</date>.</p>'), "texts/A.xml", "<date>"),
    Case("date-invalid", edition('<p xml:id="A.1.1">On <date when="1917-02-30">30 February 1917</date>.</p>'),
         "texts/A.xml", "1917-02-30"),
    Case("date-julian-missing",
         edition('<p xml:id="A.1.1">On <date calendar="#julian" when="1917-11-07">25 October 1917</date>.</p>'),
         "texts/A.xml", "25 October"),
    Case("date-dating-method", edition('<p xml:id="A.1.1">On <date calendar="#julian" when="1917-11-07" '
                                       'when-custom="1917-10-25">25 October 1917</date>.</p>'), "texts/A.xml", "25 October"),
    Case("date-mismatch", edition('<p xml:id="A.1.1">On <date calendar="#julian" when="1917-11-07" when-custom="1917-10-24" '
                                  'datingMethod="#julian">24 October 1917</date>.</p>'), "texts/A.xml", "24 October"),
    Case("date-inferred", edition('<p xml:id="A.1.1">On <date when="1917-11-07">that day</date>.</p>'),
         "texts/A.xml", "that day"),
    Case("date-two-styles", edition('<p xml:id="A.1.1">On <date when="1917-11-07">25 October (7 November) 1917</date>.</p>'),
         "texts/A.xml", "25 October"),
    Case("date-words", edition('<p xml:id="A.1.1">On <date when="1917-11-08">7 November 1917</date>.</p>'),
         "texts/A.xml", "7 November"),
    Case("event-discrepancy", with_registers('<p xml:id="A.1.1" corresp="#ev-october">\nThe Bolsheviks rose on '
                                             '<date when="1917-11-08" corresp="#ev-october">8 November 1917</date>.</p>',
                                             OCTOBER), "texts/A.xml", "8 November"),
    Case("copytext-differs", edition('<p xml:id="A.1.1">The frist paragraph.</p>',
                                     replace=(("copytext: none", "copytext: copytext/A.txt"),),
                                     files={"copytext/A.txt": "The Only Chapter\n\nThe first paragraph.\n"}),
         "texts/A.xml", "frist"),
    Case("number-moved", edition(BODY + '\n<p xml:id="A.1.3">The second paragraph.</p>'), "texts/A.xml", 'xml:id="A.1.3"'),
    # names and citations
    Case("name-unregistered", edition('<p xml:id="A.1.1">Then <persName>Trotsky</persName> spoke.</p>'),
         "texts/A.xml", "Trotsky"),
    Case("name-unlinked", with_registers('<p xml:id="A.1.1">Then <persName>Lenin</persName> spoke.</p>', PERSONS_AND_PLACES),
         "texts/A.xml", "Lenin"),
    Case("name-ambiguous", with_registers(BODY + '\n<p xml:id="A.1.2">Then Ulyanov spoke.</p>', register("""
    <listPerson>
      <person xml:id="lenin"><persName type="main">Lenin, Vladimir</persName><persName type="variant">Ulyanov</persName></person>
      <person xml:id="ulyanov-alexander"><persName type="main">Ulyanov, Alexander</persName><persName type="variant">Ulyanov</persName></person>
    </listPerson>""")), "texts/A.xml", "Ulyanov spoke"),
    Case("citation-unresolved", edition('<p xml:id="A.1.1">The first paragraph.<note type="editorial">As A 1.9 '
                                        'says.</note></p>'), "texts/A.xml", "A 1.9"),
    Case("citation-spacing", edition(BODY + '\n<p xml:id="A.1.2">The second.<note type="editorial">Compare A1.1.</note></p>'),
         "texts/A.xml", "A1.1"),
]


def run(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> tuple[int, str, Path]:
    """Make the case's edition in tmp_path/ed and run its command from tmp_path; (status, stderr, ed)."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "ed"
    case.make(root)
    if case.prepare is not None:
        case.prepare(root, monkeypatch)
    capsys.readouterr()
    status = main([case.command[0], "--sources", "ed", *case.command[1:]])
    return status, capsys.readouterr().err, root


def test_every_code_of_the_sources_has_its_case():
    assert sorted(case.code for case in CASES) == sorted(c for c, code in CODES.items() if code.stage in SOURCE_STAGES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_code_is_reported_at_the_mistake(case, tmp_path, monkeypatch, capsys):
    status, err, root = run(case, tmp_path, monkeypatch, capsys)
    severity = CODES[case.code].severity
    found = [m for m in DIAGNOSTIC.finditer(err) if m["code"] == case.code]
    assert found, f"no [{case.code}] in:\n{err}"
    assert status == (1 if severity == "error" else 0), err
    assert {m["severity"] for m in found} == {severity}, err
    line = case.line(root)
    places = [(m["path"], int(m["line"]) if m["line"] else None) for m in found]
    assert (f"ed/{case.file}", line) in places, f"expected ed/{case.file}:{line}, got {places}:\n{err}"
    assert all(int(m["col"]) >= 1 for m in found if m["line"]), err


def test_a_warning_fails_only_a_strict_check_and_a_strict_build_writes_nothing(tmp_path, monkeypatch, capsys):
    case = next(c for c in CASES if c.code == "name-unregistered")
    status, err, _ = run(case, tmp_path, monkeypatch, capsys)
    assert status == 0 and "warning: " in err and "[name-unregistered]" in err
    assert "error" not in err.replace("0 errors", "")
    assert main(["check", "--strict", "--sources", "ed"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"^ed/texts/A\.xml:\d+:\d+: error: .* \[name-unregistered\]$", err, re.M), err
    assert "warning: " not in err
    out = tmp_path / "out"
    out.mkdir()
    assert main(["build", "--strict", "--quiet", "--sources", "ed", "--out", "out", "--format", "html"]) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_codes_lists_every_code_with_its_severity(capsys):
    assert main(["codes"]) == 0
    listed = capsys.readouterr().out
    for name, code in CODES.items():
        assert re.search(rf"^{re.escape(name)} +{code.severity} +{re.escape(code.meaning)}$", listed, re.M), name
        assert f"hint: {code.hint}" in listed


# The source: every code used is in the table, every code in the table is used.

CODE_LIKE = re.compile(r"^[a-z]+(?:-[a-z0-9]+)+$")
# The reporting calls -> which of their positional arguments may hold the code:
# report.add(location, code, ...), Finding(code, ...), add(code, ...) of the checks,
# Reader.one_of(mapping, key, allowed, code, current) of the settings.
REPORTING = {"add": slice(0, 2), "Finding": slice(0, 2), "one_of": slice(3, 4)}


def _strings(node: ast.AST) -> list[str]:
    """The string constants an argument may evaluate to (through `a if c else b` and `a or b`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [s for value in node.values for s in _strings(value)]
    return []


@functools.cache
def codes_used() -> dict[str, list[str]]:
    """Code -> the places (file:line) in edition/ that report it: string arguments of the reporting
    calls that are spelt as codes (lower-case words joined by hyphens)."""
    used: dict[str, list[str]] = {}
    for path in sorted((ROOT / "edition").rglob("*.py")):
        if path.name == "codes.py" and path.parent.name == "edition":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in REPORTING:
                continue
            for argument in node.args[REPORTING[name]]:
                for value in _strings(argument):
                    if CODE_LIKE.match(value):
                        used.setdefault(value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return used


def test_every_code_used_is_in_the_table():
    unknown = {code: places for code, places in codes_used().items() if code not in CODES}
    assert not unknown


def test_every_code_in_the_table_is_used():
    assert not [code for code in CODES if code not in codes_used()]


# The laid-out book: WeasyPrint's warnings, the page numbers, the preflight, the layout report.

BAD_CSS = "<style>p { colour: red }</style>"  # a misspelt property: WeasyPrint ignores it, and warns


def test_weasyprint_warnings_and_unsettled_pages_become_diagnostics(tiny, tmp_path, monkeypatch):
    """What WeasyPrint warns while the book is laid out is a `weasyprint-warning`, and the page
    numbers that never held a `layout-unsettled`, both located at the print HTML (makeup.lay_out
    stands in for the layout, which the slow test below does for real)."""
    import weasyprint

    with part_job._warnings() as warned:
        document = weasyprint.HTML(string=f"<html>{BAD_CSS}<body><p id='p'>A line.</p></body></html>").render()
    assert warned and any("colour" in message for message in warned)
    measured = layout.measure(document, ["1"])
    monkeypatch.setattr(makeup, "lay_out", lambda *args: (parts.Book([], 0, [*warned, makeup.UNSETTLED]), measured))
    report = Report()
    edition = pipeline.check(tiny, report, pipeline.Progress(quiet=True))
    (tmp_path / "staging").mkdir()
    pipeline._write(edition, tmp_path / "staging", tmp_path / "out", [], report, pipeline.Progress(quiet=True), False)
    found = {d.code: d for d in report.items}
    assert found["weasyprint-warning"].severity == CODES["weasyprint-warning"].severity == "warning"
    assert found["layout-unsettled"].severity == CODES["layout-unsettled"].severity == "warning"
    assert str(found["weasyprint-warning"].location).endswith("out/tiny.html")
    assert "colour" in found["weasyprint-warning"].message


@pytest.mark.slow
def test_a_real_layout_reports_weasyprint_warnings_and_unsettled_pages(tiny, tmp_path, monkeypatch, capsys):
    """A tiny book laid out for real with a misspelt CSS property in its stylesheet and one layout
    pass allowed (a first build cannot confirm its page numbers in one): both are warnings; with
    --strict, errors and nothing written."""
    document = parts.document
    monkeypatch.setattr(parts, "document", lambda head, body, number: document(
        head.replace("</head>", f"{BAD_CSS}</head>"), body, number))
    monkeypatch.setattr(makeup, "MAX_LAYOUTS", 1)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert main(["build", "--quiet", "--sources", str(tiny), "--out", "out", "--format", "html"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"^out/tiny\.html: warning: .*colour.* \[weasyprint-warning\]$", err, re.M), err
    assert re.search(r"^out/tiny\.html: warning: .* \[layout-unsettled\]$", err, re.M), err
    assert (out / "tiny.html").exists()
    strict = tmp_path / "strict"
    strict.mkdir()
    assert main(["build", "--quiet", "--strict", "--sources", str(tiny), "--out", "strict", "--format", "html"]) == 1
    err = capsys.readouterr().err
    assert "error: " in err and "[weasyprint-warning]" in err and "[layout-unsettled]" in err
    assert not (strict / "tiny.html").exists()


XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
       b'xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"><pdfxid:GTS_PDFXVersion>PDF/X-3:2002</pdfxid:GTS_PDFXVersion>'
       b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def unfit_press_pdf(path: Path) -> None:
    """A one-page 'PDF/X-3' with every fault a printer's preflight rejects: no output intent, no
    Trapped or Title, the boxes the same (no slug), a link over the page, an RGB fill, a font not
    embedded, an opacity, and a rectangle in the registration colour on the page."""
    with pikepdf.new() as pdf:
        pdf.Root.Metadata = pdf.make_stream(XMP, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        page = pdf.add_blank_page(page_size=(200, 200))
        page.obj.TrimBox = page.obj.BleedBox = pikepdf.Array([0, 0, 200, 200])
        tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)
        page.obj.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                          BaseFont=pikepdf.Name.Helvetica)),
            ColorSpace=pikepdf.Dictionary(All=pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All,
                                                             pikepdf.Name.DeviceCMYK, tint])),
            ExtGState=pikepdf.Dictionary(Half=pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=0.5)))
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[10, 10, 60, 30])]))
        page.obj.Contents = pdf.make_stream(b"1 0 0 rg 10 10 20 20 re f /Half gs BT /F1 12 Tf 40 40 Td (Text) Tj ET "
                                            b"/All cs 1 scn 100 100 20 20 re f")
        pdf.save(path)


def test_each_preflight_code_is_found_in_an_unfit_press_pdf(tmp_path):
    unfit_press_pdf(tmp_path / "press.pdf")
    findings = preflight.check(tmp_path / "press.pdf", press=True, bleed=9)
    found = {f.code for f in findings}
    assert found == {"preflight-intent", "preflight-identification", "preflight-boxes", "preflight-annotation",
                     "preflight-colour", "preflight-font", "preflight-transparency", "preflight-marks"}, findings
    assert found == set(codes.of_stage("preflight"))
    report = Report()
    for code, message in preflight.summary(findings):
        report.add(Location("out/tiny-press.pdf"), code, message)
    assert {d.severity for d in report.items} == {"warning"}


def test_each_code_of_the_laid_out_book_is_asserted_by_a_test():
    """The codes of the layout, pdf and preflight stages need a layout or a PDF: each is named in
    a test that asserts (the layout report's in tests/test_layout_report.py, which makes a small
    page show each; the others in the tests above)."""
    asserted: dict[str, set[str]] = {}  # code -> the test files with a test that names it and asserts
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for test in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(test, ast.FunctionDef) and test.name.startswith("test_")
                    and any(isinstance(node, ast.Assert) for node in ast.walk(test))):
                continue
            for constant in ast.walk(test):
                if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                    for code in re.findall(r"(?<![\w-])[a-z]+(?:-[a-z]+)+(?![\w-])", constant.value):
                        asserted.setdefault(code, set()).add(path.name)
    laid_out = [c for c, code in CODES.items() if code.stage not in SOURCE_STAGES]
    assert not [code for code in laid_out if code not in asserted]
    assert not [code for code in layout.CODES if "test_layout_report.py" not in asserted[code]]


def test_a_template_syntax_error_is_located_and_writes_nothing(tiny, tmp_path, monkeypatch, capsys):
    """A broken Jinja tag in a template is a template-syntax error at its file and line, not a
    traceback; nothing is written."""
    from edition.render import templating

    templates = tmp_path / "templates"
    shutil.copytree(templating.TEMPLATES, templates)
    page = next(p for p in sorted(templates.rglob("*.jinja")) if "print" in p.parts)
    lines = page.read_text(encoding="utf-8").splitlines()
    page.write_text("\n".join(lines[:1] + ["{% if %}"] + lines[1:]) + "\n", encoding="utf-8")
    monkeypatch.setattr(templating, "TEMPLATES", templates)
    templating.environment.cache_clear()
    try:
        assert main(["build", "--sources", str(tiny), "--out", str(tmp_path / "out"), "--format", "html", "-q"]) == 1
    finally:
        templating.environment.cache_clear()
    err = capsys.readouterr().err
    assert f"{page.name}:2:1: error: " in err and "[template-syntax]" in err and "Traceback" not in err
    assert not list((tmp_path / "out").glob("tiny.*"))
