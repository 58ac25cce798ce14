"""An edition directory of TEI files and no edition.yaml: settings taken from the files' headers.

In: the edition directory.  Out: `Settings` with one lenient source per TEI file (`*.xml` in the
directory, in name order), the title, author, editors, publisher, date and language from the
first file's header, and the defaults for everything else (page, fonts); a `settings-derived`
warning says so.  None when the directory holds no TEI file.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from pathlib import Path

from lxml import etree

from ..diagnostics import Location, Report, display_path
from .settings import SETTINGS_FILE, SIGLUM, Settings, SourceEntry
from .tei import NS, TEI_NS, TITLE_PATHS, XML_ID, XML_LANG, parser

LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def settings(root: Path, report: Report) -> Settings | None:
    headers = [(path, header) for path in sorted(root.glob("*.xml")) if (header := _header(path)) is not None]
    if not headers:
        return None
    first = headers[0][1]
    title = _text(first, *TITLE_PATHS) or root.resolve().name
    found = Settings(root=root, title=title if len(headers) == 1 else root.resolve().name.replace("_", " ").title(),
                     slug=_slug(title if len(headers) == 1 else root.resolve().name))
    found.editors = [name for e in first.xpath("tei:fileDesc/tei:titleStmt/tei:editor", namespaces=NS)
                     if (name := _plain(e.find(f"{{{TEI_NS}}}persName") if e.find(f"{{{TEI_NS}}}persName") is not None
                                        else e))]
    found.publisher = _text(first, "tei:fileDesc/tei:publicationStmt/tei:publisher")
    found.language = _language(headers[0][0], first)
    found.date = _date(first) or found.date
    used: set[str] = set()
    for path, header in headers:
        siglum = _siglum(header.getparent().get(XML_ID) or "", used)
        used.add(siglum)
        found.sources.append(SourceEntry(siglum, path, Location(display_path(path)), None, False, "lenient"))
    names = ", ".join(path.name for path, _ in headers)
    report.add(Location(display_path(root / SETTINGS_FILE)), "settings-derived",
               f"no {SETTINGS_FILE}: building {names} in lenient mode, with the title, author and language of "
               f"their headers and the default page")
    return found


def _header(path: Path) -> etree._Element | None:
    """The teiHeader of a TEI file, or None if it is not one (its problems are reported when it is read)."""
    try:
        root = etree.parse(str(path), parser()).getroot()
    except (etree.XMLSyntaxError, OSError):
        root = None
    if root is None or root.tag != f"{{{TEI_NS}}}TEI":
        return None
    header = root.find(f"{{{TEI_NS}}}teiHeader")
    return header if header is not None else etree.SubElement(root, f"{{{TEI_NS}}}teiHeader")


def _plain(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _text(header: etree._Element, *paths: str) -> str:
    for path in paths:
        for element in header.xpath(path, namespaces=NS):
            if text := _plain(element):
                return text
    return ""


def _language(path: Path, header: etree._Element) -> str:
    """The text's language: xml:lang of text or TEI, else the first of langUsage."""
    root = header.getparent()
    text = root.find(f"{{{TEI_NS}}}text")
    for value in ((text.get(XML_LANG) if text is not None else None), root.get(XML_LANG),
                  *header.xpath("tei:profileDesc/tei:langUsage/tei:language/@ident", namespaces=NS)):
        if value and LANGUAGE.match(value):
            return value
    return "en"


def _date(header: etree._Element) -> dt.date | None:
    """The publication date of the file, where it gives a full or partial ISO date."""
    for value in header.xpath("tei:fileDesc/tei:publicationStmt/tei:date/@when", namespaces=NS):
        match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", value)
        if match:
            year, month, day = (int(g) if g else 1 for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())[:6]
    return "-".join(words) or "edition"


def _siglum(root_id: str, used: set[str]) -> str:
    """The root's xml:id where it is a siglum, else the first free capital letter."""
    if SIGLUM.match(root_id) and root_id not in used:
        return root_id
    return next(letter for letter in (*string.ascii_uppercase, *(a + b for a in string.ascii_uppercase
                                                               for b in string.ascii_uppercase)) if letter not in used)
