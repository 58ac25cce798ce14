"""Reading TEI files safely, validating them, and locating their elements.

In: a path.  Out: a `TeiFile` (the lxml tree plus a way to turn any element or attribute into a
`file:line:col` location), or diagnostics for XML syntax and schema errors.  Parsing resolves no
entities, loads no DTD and never touches the network.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

from lxml import etree

from ..diagnostics import Location, Report, display_path
from . import includes

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = {"tei": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
SCHEMA = Path(__file__).parent / "schema" / "tei-edition.rng"
# Where a file's header gives the title of its text, best first: the main title, the title of the
# item (a letter, an article), of the book; else the first title (our own files have one).
TITLE_PATHS = tuple(f"tei:fileDesc/tei:titleStmt/tei:title{test}" for test in (
    "[@type='main']", "[@level='a']", "[@level='m']", "[not(@level='s' or @level='j' or @type='sub')]", ""))


def tei(tag: str) -> str:
    """Clark notation for a TEI element name."""
    return f"{{{TEI_NS}}}{tag}"


def substitute(element: etree._Element, pattern, make, descend) -> None:
    """Replace matches of `pattern` in an element's text and its children's tails by the elements
    `make(match)` returns (None leaves the text), in document order; `descend(child)` is called
    for each child in its place.  Used to mark up names and citations in memory."""
    def split(text: str) -> list:
        pieces, last = [], 0
        for match in pattern.finditer(text):
            made = make(match)
            if made is not None:
                pieces += [text[last:match.start()], made]
                last = match.end()
        return pieces + [text[last:]]

    children = [child for child in element if isinstance(child.tag, str)]  # before inserting
    if element.text:
        pieces = split(element.text)
        element.text = pieces[0]
        for offset, (made, tail) in enumerate(zip(pieces[1::2], pieces[2::2])):
            made.tail = tail
            element.insert(offset, made)
    for child in children:
        descend(child)
        if child.tail:
            pieces = split(child.tail)
            child.tail = pieces[0]
            position = element.index(child)
            for offset, (made, tail) in enumerate(zip(pieces[1::2], pieces[2::2]), 1):
                made.tail = tail
                element.insert(position + offset, made)


def local(element: etree._Element) -> str:
    """An element's name without its namespace ('' for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, collect_ids=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


@cache
def _schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA), parser()))


class TeiFile:
    """One parsed TEI file and the text it was parsed from, for exact locations."""

    def __init__(self, path: Path, tree: etree._ElementTree, text: str):
        self.path = path
        self.shown = display_path(path)
        self.tree = tree
        self.root = tree.getroot()
        self.lines = text.splitlines()

    def locate(self, element: etree._Element, attribute: str | None = None) -> Location:
        """The line and column of an element's start tag, or of one of its attributes."""
        line = element.sourceline or 0
        if not 0 < line <= len(self.lines):
            return Location(self.shown, line, 0)
        qname = etree.QName(element)
        prefix = element.prefix
        name = f"{prefix}:{qname.localname}" if prefix else qname.localname
        # Same-named elements starting on the same line: find which occurrence this is.
        siblings = [e for e in self.root.iter(element.tag) if e.sourceline == line]
        index = siblings.index(element) if element in siblings else 0
        text = self.lines[line - 1]
        col, start = -1, 0
        for _ in range(index + 1):
            col = _find_tag(text, name, start)
            if col < 0:
                break
            start = col + 1
        if col < 0:
            return Location(self.shown, line, 1)
        if attribute:
            attr = attribute.replace(f"{{{XML_NS}}}", "xml:")
            at = text.find(f" {attr}=", col)
            if at >= 0:
                return Location(self.shown, line, at + 2)
        return Location(self.shown, line, col + 1)


def _one_line(message: str) -> str:
    """libxml2's message on one line (some carry a line break and the bytes after it)."""
    return " ".join(message.split())


def line_col(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column (1-based, in characters) of a byte offset of UTF-8 data."""
    before = data[:offset]
    start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[start:].decode("utf-8", errors="replace")) + 1


def _find_tag(text: str, name: str, start: int) -> int:
    pos = text.find(f"<{name}", start)
    while pos >= 0:
        after = text[pos + len(name) + 1: pos + len(name) + 2]
        if after in ("", " ", ">", "/", "\t"):
            return pos
        pos = text.find(f"<{name}", pos + 1)
    return -1


def read(path: Path, report: Report, lenient: bool = False, within: Path | None = None) -> TeiFile | None:
    """Parse one TEI file and validate it against the edition's schema; report every problem and
    return None if it is unusable.  A `lenient` file is not validated (any TEI P5 is taken) and
    its xi:includes of files inside the directory `within` are expanded."""
    parsed = parse_file(path, report)
    if parsed is None:
        return None
    file = TeiFile(path, *parsed)
    if file.root.tag != tei("TEI"):
        report.add(file.locate(file.root), "tei-root",
                     f"the root element must be TEI in the namespace {TEI_NS}, not {file.root.tag}")
        return None
    if lenient:
        includes.expand(file, within or path.parent, report)
        return file
    schema = _schema()
    if not schema.validate(file.tree):
        for element, message in _innermost_errors(schema, file.root):
            report.add(file.locate(element), "tei-schema", message)
        return None
    return file


def parse_file(path: Path, report: Report) -> tuple[etree._ElementTree, str] | None:
    """The tree of a well-formed UTF-8 XML file and its text; None (reported) otherwise."""
    shown = display_path(path)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except OSError as exc:
        report.add(Location(shown), "tei-read", f"cannot read: {exc.strerror}")
        return None
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        report.add(Location(shown, line, col), "tei-encoding",
                   f"not UTF-8: byte 0x{data[exc.start]:02x} (save the file as UTF-8)")
        return None
    safe = parser()
    try:
        tree = etree.ElementTree(etree.fromstring(data, safe, base_url=str(path)))
    except etree.XMLSyntaxError as exc:
        # this parser's log: lxml's global one still holds the messages about earlier files
        entries = [entry for entry in safe.error_log if entry.domain == etree.ErrorDomains.PARSER]
        for entry in entries:
            report.add(Location(shown, entry.line, entry.column), "xml-syntax", _one_line(entry.message))
        if not entries:
            line, col = exc.position
            report.add(Location(shown, line, col), "xml-syntax", _one_line(exc.msg))
        return None
    return tree, text


def _explain(name: str, messages: list[str]) -> str:
    """The most telling of libxml2's messages for an element that fails on its own."""
    for message in messages:
        if "has extra content: " in message:
            return f"<{name}> cannot contain <{message.rsplit(': ', 1)[1]}> here"
    for message in messages:
        if "attribute" in message.lower():
            return message
    useful = [m for m in messages if not m.startswith(("Expecting element TEI", "Expecting element head"))]
    return f"<{name}> does not fit the schema: {(useful or messages or ['invalid'])[0]}"


@cache
def schema_names() -> frozenset[str]:
    """The element names the schema knows."""
    grammar = etree.parse(str(SCHEMA), parser())
    return frozenset(grammar.xpath("//rng:element/@name", namespaces={"rng": "http://relaxng.org/ns/structure/1.0"}))


def _innermost_errors(schema: etree.RelaxNG, element: etree._Element) -> list[tuple[etree._Element, str]]:
    """The innermost elements that fail the schema on their own, with libxml2's first message.

    libxml2 reports a cascade of errors up the ancestors of one bad element; validating each
    element alone (the schema accepts fragments) finds the element to blame and every such one.
    """
    found = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        clone = copy.deepcopy(child)
        clone.tail = None
        if schema.validate(etree.ElementTree(clone)):
            continue
        messages = [e.message.replace(f"{{{TEI_NS}}}", "") for e in schema.error_log]
        if local(child) not in schema_names():  # blamed itself, not what it holds
            found.append((child, f"<{local(child)}> is not in the TEI subset this edition reads (docs/encoding.md)"))
        elif inner := _innermost_errors(schema, child):
            found.extend(inner)
        else:
            found.append((child, _explain(local(child), messages)))
    if not found and element.getparent() is None:
        schema.validate(etree.ElementTree(element))
        found.append((element, schema.error_log[-1].message.replace(f"{{{TEI_NS}}}", "")))
    return found
