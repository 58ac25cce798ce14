"""Fuzzing `build.py check` (issue 14): real sources, mutated, are either accepted or reported as
located errors (`path:line:col: severity: message [code]`, in a file of the edition, at one of its
lines); checking never raises and never hangs (a check is stopped after HANG seconds).

Every example starts from a slice of the real edition (`seed`): A whole with its copy-text, K's
first section without one, the four registers and the introduction, pointers out of the slice cut.
The mutations: TEI elements dropped, duplicated, moved, renamed or given other text; attributes
dropped or copied; dates, ids and pointers corrupted; files cut short, given stray or non-UTF-8
bytes, a doubled attribute; edition.yaml's keys dropped, renamed, added or given odd values, odd
YAML lines inserted.  The quick run tries 60 derandomized examples per test;
`FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py` tries that many random ones and shrinks a failure.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import functools
import io
import os
import re
import signal
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import SOURCES, tei_source
from hypothesis import HealthCheck, Phase, assume, given, note, settings
from hypothesis import strategies as st
from lxml import etree

from edition.cli import main
from edition.codes import CODES
from edition.read.reader import POINTER_ATTRIBUTES
from edition.read.tei import TEI_NS, XML_ID, schema_names

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))
# The quick run reports a failing example as found (its edits are noted); FUZZ_EXAMPLES runs shrink it.
FUZZ = settings(max_examples=EXAMPLES or 60, derandomize=not EXAMPLES, database=None,
                phases=list(Phase) if EXAMPLES else [Phase.explicit, Phase.generate],
                deadline=dt.timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])
HANG = 20  # seconds: a check still running after this is stopped as hung

DIAGNOSTIC = re.compile(r"^(?P<path>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: (?P<severity>error|warning): "
                        r"(?P<message>.*) \[(?P<code>[a-z0-9-]+)\]$")
SUMMARY = re.compile(r"^\d+ errors?(, \d+ warnings?)?(; nothing was written)?\.$")
WHOLE_FILE = {"settings-missing", "tei-read"}  # the codes that may name a whole file, no line

TEXTS = ("texts/A.xml", "texts/K.xml")
REGISTERS = tuple(f"registers/{path.name}" for path in sorted((SOURCES / "registers").glob("*.xml")))
XML_FILES = (*TEXTS, *REGISTERS, "introduction.xml")
DATE_ATTRIBUTES = ("when", "when-custom", "from", "to", "from-custom", "to-custom", "notBefore", "notAfter")
ID_ATTRIBUTES = (XML_ID, "n", *POINTER_ATTRIBUTES)


@dataclasses.dataclass(frozen=True)
class Seed:
    """The slice of the real edition: its files as bytes, its TEI files parsed."""

    files: dict[str, bytes]
    trees: dict[str, etree._ElementTree]
    ids: tuple[str, ...]  # every xml:id of the slice


def _remove(element: etree._Element, keep_text: bool = False) -> None:
    """Take an element out of its parent, keeping its tail (and its text, if asked)."""
    parent, previous = element.getparent(), element.getprevious()
    text = ("".join(element.itertext()) if keep_text else "") + (element.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(element)


@functools.cache
def seed() -> Seed:
    """A whole with its copy-text, K's first section, the registers and the introduction; the
    pointers to what the slice leaves out cut, as the edition would have them without it."""
    trees = {path: etree.parse(str(SOURCES / path)) for path in XML_FILES}
    chapter = trees["texts/K.xml"].find(f".//{{{TEI_NS}}}body/{{{TEI_NS}}}div")
    for section in chapter.findall(f"{{{TEI_NS}}}div")[1:]:
        chapter.remove(section)
    ids = {e.get(XML_ID) for tree in trees.values() for e in tree.iter() if isinstance(e.tag, str) and e.get(XML_ID)}
    for tree in trees.values():  # pointers to what the slice left out: kept only where they resolve
        for element in list(tree.iter()):
            for attribute in POINTER_ATTRIBUTES:
                tokens = (element.get(attribute) or "").split()
                kept = [t for t in tokens if not t.startswith("#") or t[1:] in ids]
                if kept == tokens:
                    continue
                if element.tag == f"{{{TEI_NS}}}link" and len(kept) < 2:
                    _remove(element)
                elif attribute == "target" and element.tag in (f"{{{TEI_NS}}}ref", f"{{{TEI_NS}}}ptr"):
                    _remove(element, keep_text=True)
                elif kept:
                    element.set(attribute, " ".join(kept))
                else:
                    del element.attrib[attribute]
    files = {path: etree.tostring(tree, xml_declaration=True, encoding="UTF-8") for path, tree in trees.items()}
    files["copytext/A.txt"] = (SOURCES / "copytext/A.txt").read_bytes()
    entries = ("sources:\n  - siglum: A\n    file: texts/A.xml\n    copytext: copytext/A.txt\n"
               "  - siglum: K\n    file: texts/K.xml\n")
    settings_text = re.sub(r"^sources:\n(?:  .*\n)+", entries, (SOURCES / "edition.yaml").read_text(encoding="utf-8"),
                           flags=re.MULTILINE)
    files["edition.yaml"] = settings_text.encode("utf-8")
    return Seed(files, trees, tuple(sorted(ids)))


class Hang(Exception):
    """The check ran longer than HANG seconds."""


@contextlib.contextmanager
def time_limit(seconds: float):
    def stop(signum, frame):
        raise Hang(f"the check was still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1)  # again every second: a finalizer may swallow one
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check(files: dict[str, bytes]) -> tuple[int, str]:
    """Write an edition and run `build.py check --quiet` on it: the exit code and stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "edition"
        for path, data in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), time_limit(HANG):
            code = main(["check", "--sources", str(root), "--quiet"])
        assert_located(code, err.getvalue(), root, files)
    return code, err.getvalue()


def assert_located(code: int, err: str, root: Path, files: dict[str, bytes]) -> None:
    """Exit 0 or 1; every line a diagnostic of the table, in a file of the edition, at a line of
    it unless the whole file is meant; errors exactly when the exit code is 1."""
    assert code in (0, 1), err
    errors = 0
    for line in err.rstrip("\n").split("\n") if err else ():  # an editor's lines: \x85 or \u2028 split none
        if code == 1 and SUMMARY.match(line):
            continue
        found = DIAGNOSTIC.match(line)
        assert found, f"not a located diagnostic: {line!r}\n{err}"
        assert found["code"] in CODES and found["severity"] == CODES[found["code"]].severity, f"{line}\n{err}"
        path = Path(os.path.abspath(found["path"]))
        assert path.is_relative_to(root), f"not a file of the edition: {line}\n{err}"
        relative = path.relative_to(root).as_posix()
        assert relative in files, f"not a file of the edition: {line}\n{err}"
        if found["code"] not in WHOLE_FILE:
            lines = files[relative].count(b"\n") + 1
            assert found["line"] and 1 <= int(found["line"]) <= lines, f"no line of {relative}: {line}\n{err}"
        errors += found["severity"] == "error"
    assert (code == 1) == (errors > 0), err


# Values for the mutations.

def _xml_char(c: str) -> bool:
    return c in "\t\n\r" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" or c >= "\U00010000"


XML_TEXT = st.text(st.characters(exclude_categories=["Cs"]).filter(_xml_char), max_size=16)
DATES = st.one_of(
    XML_TEXT,
    st.dates(dt.date(1870, 1, 1), dt.date(1960, 12, 31)).map(dt.date.isoformat),  # real days, not the words'
    st.dates(dt.date(1870, 1, 1), dt.date(1960, 12, 31)).map(lambda day: day.isoformat()[:7]),
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13), st.integers(0, 40)),
    st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 99)),
    st.sampled_from(["1917-02-30", "1917-02-29", "1900-02-29", "1918-02-05", "1918-02-14", "1582-10-10",
                     "0000-01-01", "9999-12-31", "0001-01-01", "1917-13", "1917-00", "17", "1917-10-25T12:00",
                     "25.10.1917", "1917/10/25", "1917-1-5", " 1917 ", "", "-1917", "+1917", "19171025",
                     "1917-10-25/1917-11-07", "\u0661\u0669\u0661\u0667", "\uff11\uff19\uff11\uff17-\uff11\uff10"]),
    st.from_regex(r"\A-?\d{1,5}(-\d{1,3}){0,3}\Z"),
)


def pointers(ids: tuple[str, ...]) -> st.SearchStrategy[str]:
    known = st.sampled_from(ids)
    return st.one_of(
        XML_TEXT,
        st.sampled_from(["#missing", "", "#", " ", "# #", "#A.1.1 #nowhere", "http://example.org/x", "#julian",
                         "#ev-", "#.", "A.1.1", "#A.1", "#A.1.99", "#K.2.1.1"]),
        known.map("#{}".format),
        known,  # without '#'
        st.lists(known.map("#{}".format), min_size=2, max_size=3).map(" ".join),
    )


SETTING_WORDS = st.sampled_from([
    *XML_FILES, "copytext/A.txt", "edition.yaml", "texts", ".", "", "none", "missing.xml", "../edition/texts/A.xml",
    "/etc/hostname", "texts/../../x", "A", "K", "a", "T9", "TOOLONG1", "stalins-rise", "Stalin's Rise", "6in", "12mm",
    "-1in", "0pt", "pdf/x-3", "pdf/x-5", "diplomatic", "gregorian", "source", "apparatus", "prtr"])
YAML_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=16), st.dates(),
                         st.datetimes(), SETTING_WORDS)
YAML_VALUES = st.recursive(YAML_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.none()), inner,
                                             max_size=3), max_leaves=6)
YAML_LINES = st.sampled_from([
    "? [a, b]\n: c", "[1, 2]: x", "{a: 1}: b", "x: &a [1]", "y: *a", "z: *nowhere", "<<: {title: T}",
    "t: !!python/object/apply:os.system ['true']", "\tslug: tab", "title: a: b", "- item", "'open",
    "%YAML 1.1", "---", "...", "b: !!binary zzz", "s: !!set {a, b}", "o: !!omap [a: 1]",
    "date: 2026-02-30", "date: 2026-13-01", "date: 2026-01-01 25:00:00", "when: 1917-02-29",
    "page: {width: 0in}", "print: {hyphen-ladder: .inf}", "print: {stretch-factor: .nan}", "dates: [display]",
    "sources: {siglum: A}", "sources:\n  - siglum: A\n    file: texts/A.xml", "registers: registers",
    "introduction: [introduction.xml]", "slug: Stalin's Rise", "title:", "title: ''", "1: one", "null: x",
    "true: yes", "~: ~",
])


# The mutations: each changes the edition in place and returns what it did.

def nodes(tree: etree._ElementTree) -> list:
    """Every element, comment and processing instruction below the root."""
    return some([node for node in tree.iter() if node is not tree.getroot()])


def elements_with(tree: etree._ElementTree, attributes) -> list[tuple[etree._Element, str]]:
    return [(e, a) for e in tree.iter() if isinstance(e.tag, str) for a in attributes if e.get(a) is not None]


def some(items: list) -> list:
    """The items to draw from; an example with none is rejected."""
    assume(items)
    return items


def describe(node) -> str:
    name = etree.QName(node).localname if isinstance(node.tag, str) else type(node).__name__
    return f"<{name}> line {node.sourceline}"


def drop_element(data, tree) -> str:
    node = data.draw(st.sampled_from(nodes(tree)))
    node.getparent().remove(node)
    return f"dropped {describe(node)}"


def duplicate_element(data, tree) -> str:
    node = data.draw(st.sampled_from(nodes(tree)))
    node.addnext(copy.deepcopy(node))
    return f"duplicated {describe(node)}"


def swap_siblings(data, tree) -> str:
    node = data.draw(st.sampled_from(nodes(tree)))
    siblings = list(node.getparent())
    other = data.draw(st.sampled_from(siblings))
    index = siblings.index(other)
    node.getparent().insert(index, node)  # moves it
    return f"moved {describe(node)} to sibling position {index}"


def move_element(data, tree) -> str:
    node = data.draw(st.sampled_from(nodes(tree)))
    places = [e for e in tree.iter() if isinstance(e.tag, str) and e is not node and node not in e.iterancestors()]
    place = data.draw(st.sampled_from(places))
    index = data.draw(st.integers(0, len(place)))
    place.insert(index, node)
    return f"moved {describe(node)} into {describe(place)} at {index}"


def drop_attribute(data, tree) -> str:
    element, attribute = data.draw(st.sampled_from(some([(e, a) for e in tree.iter() if isinstance(e.tag, str)
                                                         for a in e.attrib])))
    del element.attrib[attribute]
    return f"dropped @{attribute} of {describe(element)}"


def copy_attribute(data, tree) -> str:
    element, attribute = data.draw(st.sampled_from(some(elements_with(tree, ID_ATTRIBUTES + DATE_ATTRIBUTES))))
    other = data.draw(st.sampled_from([e for e in tree.iter() if isinstance(e.tag, str)]))
    other.set(attribute, element.get(attribute))
    return f"copied @{attribute}={element.get(attribute)!r} of {describe(element)} to {describe(other)}"


def corrupt_date(data, tree) -> str:
    dated = elements_with(tree, DATE_ATTRIBUTES)
    if dated and data.draw(st.integers(0, 4)):
        element, attribute = data.draw(st.sampled_from(dated))
    else:
        element = data.draw(st.sampled_from([e for e in tree.iter() if isinstance(e.tag, str)]))
        attribute = data.draw(st.sampled_from(DATE_ATTRIBUTES))
    value = data.draw(DATES)
    element.set(attribute, value)
    return f"set @{attribute}={value!r} on {describe(element)}"


def corrupt_pointer(data, tree) -> str:
    element, attribute = data.draw(st.sampled_from(some(elements_with(tree, ID_ATTRIBUTES))))
    value = data.draw(pointers(seed().ids))
    element.set(attribute, value)
    return f"set @{attribute}={value!r} on {describe(element)}"


def retag(data, tree) -> str:
    element = data.draw(st.sampled_from(some([e for e in nodes(tree) if isinstance(e.tag, str)])))
    name = data.draw(st.sampled_from(sorted(schema_names())) | st.from_regex(r"\A[a-zA-Z_][a-zA-Z0-9_.-]{0,8}\Z"))
    before = describe(element)
    element.tag = f"{{{TEI_NS}}}{name}"
    return f"renamed {before} to <{name}>"


def set_text(data, tree) -> str:
    element = data.draw(st.sampled_from([e for e in tree.iter() if isinstance(e.tag, str)]))
    text = data.draw(XML_TEXT | st.sampled_from(["31 February 1917", "October 25th [November 7th]", "the 1st (14th)",
                                                 "Koba", "Stalin", "A 1.3", "K 2.99", "A 1.1", "  ", "12/25 March"]))
    element.text = text
    return f"set the text of {describe(element)} to {text!r}"


TREE_EDITS = (drop_element, duplicate_element, swap_siblings, move_element, drop_attribute, copy_attribute,
              corrupt_date, corrupt_date, corrupt_pointer, corrupt_pointer, retag, set_text)


def truncate(data, text: bytes) -> tuple[bytes, str]:
    at = data.draw(st.integers(0, len(text)))
    return text[:at], f"truncated at byte {at}"


def insert_bytes(data, text: bytes) -> tuple[bytes, str]:
    at = data.draw(st.integers(0, len(text)))
    inserted = data.draw(st.binary(min_size=1, max_size=8) | st.sampled_from([
        b"\xff", b"\xc3", b"\xe2\x80", b"\x00", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"<", b"&", b"]]>",
        b"<!DOCTYPE x [<!ENTITY e 'x'>]>", b"&e;", b"&#0;", b"&#x110000;", b"<?pi?>", b"<!--"]))
    return text[:at] + inserted + text[at:], f"inserted {inserted!r} at byte {at}"


def delete_bytes(data, text: bytes) -> tuple[bytes, str]:
    at = data.draw(st.integers(0, len(text)))
    length = data.draw(st.integers(1, 64))
    return text[:at] + text[at + length:], f"deleted bytes {at}-{at + length}"


def double_attribute(data, text: bytes) -> tuple[bytes, str]:
    match = data.draw(st.sampled_from(some(list(re.finditer(rb' [\w:-]+="[^"]*"', text)))))
    return text[:match.end()] + match.group(0) + text[match.end():], f"doubled {match.group(0)!r}"


BYTE_EDITS = (truncate, insert_bytes, delete_bytes, double_attribute)


def yaml_places(value, path=()) -> list[tuple]:
    """The path of every key and list item of the settings."""
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found.append((*path, key))
        found += yaml_places(item, (*path, key))
    return found


def edit_yaml(data, text: bytes) -> tuple[bytes, str]:
    """A key dropped, renamed or given another value; a key added; or a line of odd YAML inserted."""
    try:
        settings_ = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):  # an earlier edit broke it: lines can still be added
        settings_ = None
    places = yaml_places(settings_)
    kind = data.draw(st.sampled_from(["drop", "rename", "value", "add", "line"])) if places else "line"
    if kind == "line":
        lines = text.split(b"\n")
        at = data.draw(st.integers(0, len(lines)))
        line = data.draw(YAML_LINES)
        return b"\n".join(lines[:at] + [line.encode("utf-8")] + lines[at:]), f"inserted {line!r} at line {at + 1}"
    path = data.draw(st.sampled_from(places))
    container = functools.reduce(lambda value, key: value[key], path[:-1], settings_)
    key = path[-1]
    if kind == "drop":
        del container[key]
    elif kind == "rename" and isinstance(container, dict):
        container[data.draw(YAML_SCALARS.filter(lambda k: not isinstance(k, (list, dict))))] = container.pop(key)
    elif kind == "add" and isinstance(container, dict):
        container[data.draw(st.text(max_size=12))] = data.draw(YAML_VALUES)
    else:
        container[key] = data.draw(SETTING_WORDS | YAML_VALUES)
    return yaml.safe_dump(settings_, allow_unicode=True, sort_keys=False).encode("utf-8"), f"{kind} at {path}"


@pytest.fixture(scope="module")
def clean() -> None:
    """The slice, checked once as it is: it passes, so what the mutations break is theirs."""
    code, err = check(seed().files)
    assert code == 0, err


def test_slice_of_the_real_edition_passes(clean):
    assert set(seed().files) == {*XML_FILES, "copytext/A.txt", "edition.yaml"}


@FUZZ
@given(st.data())
def test_mutated_markup_is_reported_located(clean, data):
    files = dict(seed().files)
    trees: dict[str, etree._ElementTree] = {}
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        path = data.draw(st.sampled_from(XML_FILES), label="file")
        tree = trees.setdefault(path, copy.deepcopy(seed().trees[path]))
        edit = data.draw(st.sampled_from(TREE_EDITS), label="edit")
        note(f"{path}: {edit(data, tree)}")
        files[path] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    check(files)


@FUZZ
@given(st.data())
def test_damaged_files_are_reported_located(clean, data):
    files = dict(seed().files)
    for _ in range(data.draw(st.integers(1, 2), label="edits")):
        path = data.draw(st.sampled_from(sorted(files)), label="file")
        edit = data.draw(st.sampled_from(BYTE_EDITS), label="edit")
        files[path], what = edit(data, files[path])
        note(f"{path}: {what}")
    check(files)


@FUZZ
@given(st.data())
def test_mutated_settings_are_reported_located(clean, data):
    files = dict(seed().files)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        edit = data.draw(st.sampled_from([edit_yaml] * 5 + [truncate]), label="edit")
        files["edition.yaml"], what = edit(data, files["edition.yaml"])
        note(f"edition.yaml: {what}")
    check(files)


# Regressions: what the fuzzing found, as tiny editions.

PERSONS = """\
<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="register-persons">
  <teiHeader><fileDesc><titleStmt><title>Persons</title></titleStmt>
    <publicationStmt><p>Test.</p></publicationStmt><sourceDesc><p>Test.</p></sourceDesc></fileDesc></teiHeader>
  <standOff><listPerson>
    <person xml:id="stalin">
      <persName type="main">Stalin, Joseph</persName><persName type="variant">Koba</persName>
    </person>
  </listPerson></standOff>
</TEI>
"""


def tiny_files(body: str, copytext: str | None = None, registers: dict[str, str] | None = None) -> dict[str, bytes]:
    """A one-source edition as `check` takes it: A with `body`, its copy-text and registers if given."""
    settings_text = "title: Tiny\nslug: tiny\nsources:\n  - siglum: A\n    file: texts/A.xml\n"
    files = {"texts/A.xml": tei_source("A", body), **(registers or {})}
    if copytext is not None:
        settings_text += "    copytext: copytext/A.txt\n"
        files["copytext/A.txt"] = copytext
    if registers:
        settings_text += "registers:\n" + "".join(f"  - {path}\n" for path in registers)
    files["edition.yaml"] = settings_text
    return {path: text.encode("utf-8") for path, text in files.items()}


def test_copytext_difference_in_a_linked_name_is_located():
    """The word that differs is in a name linked in memory (names.py's rs, no line of its own)."""
    files = tiny_files('<p xml:id="A.1.1">Then Koba went home.</p>', "The Only Chapter\n\nThen Soso went home.",
                       {"registers/persons.xml": PERSONS})
    code, err = check(files)
    line = files["texts/A.xml"].decode().split("\n").index('        <p xml:id="A.1.1">Then Koba went home.</p>') + 1
    assert code == 1 and re.search(rf"texts/A.xml:{line}:9: error: .*\[copytext-differs\]", err), err


def test_date_syntax_shows_a_value_with_a_line_break_on_one_line():
    code, err = check(tiny_files('<p xml:id="A.1.1">In <date when="1917&#10;-">1917</date>.</p>'))
    assert code == 1 and "@when: not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): '1917\\n-' [date-syntax]" in err


def test_a_source_without_text_is_reported():
    """A valid TEI file with no <text>, a register named as a source, has no chapter to read."""
    files = tiny_files('<p xml:id="A.1.1">Text.</p>')
    files["texts/A.xml"] = PERSONS.replace('xml:id="register-persons"', 'xml:id="A"').encode("utf-8")
    code, err = check(files)
    assert code == 1 and re.search(r"texts/A.xml:2:1: error: a source needs <text>.*\[no-chapter\]", err), err


def test_syntax_errors_of_one_file_are_not_reported_again_for_the_next():
    """lxml's global error log still holds the errors of the files parsed before (read/tei.py)."""
    files = tiny_files('<p xml:id="A.1.1">Text <hi>.</p>')
    files["texts/B.xml"] = tei_source("B", '<p xml:id="B.1.1">Text.</p>').replace("<body>", "<body><!--").encode()
    files["edition.yaml"] += b"  - siglum: B\n    file: texts/B.xml\n"
    _, err = check(files)
    assert not re.search(r"B\.xml:.*tag mismatch: hi", err), err


def test_a_syntax_error_is_one_line():
    """libxml2's message for a NUL has a line break (read/tei.py)."""
    code, err = check(tiny_files('<p xml:id="A.1.1">Te\x00xt.</p>'))
    assert code == 1 and "A.xml:15:29: error: Invalid character: Char 0x0 out of allowed range [xml-syntax]" in err


@pytest.mark.parametrize("added, expected", [
    (b"print: {hyphen-ladder: .inf}\n", "edition.yaml:6:24: error: 'hyphen-ladder' must be a whole number"),
    (b'"a\\nb": 1\n', "edition.yaml:6:1: error: unknown setting 'a\\nb'"),
    (b"rights: a\x00b\n", "edition.yaml:6:10: error: YAML syntax: "),
], ids=["an infinite print limit (int(.inf) raised OverflowError)", "an unknown key with a line break, on one line",
        "a control character, located (ReaderError has a position, no mark)"])
def test_settings_found_by_fuzzing_are_located(added, expected):
    """edition.yaml's mistakes the fuzzing found (read/settings.py): reported at their place, on one line."""
    files = tiny_files('<p xml:id="A.1.1">Text.</p>')
    files["edition.yaml"] += added
    code, err = check(files)
    assert code == 1 and expected in err
