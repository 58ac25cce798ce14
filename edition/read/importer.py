"""Start the encoding of a new source from a plain-text copy-text.

In: a UTF-8 text file, a siglum, optional title and author.  Out: a TEI file that validates,
builds at once and keeps every word of the copy-text (the fidelity check passes), with a header to
fill in; the copy-text kept beside the sources; the source added to edition.yaml.  The guesses it
makes (headings, note calls, running heads, web debris) are marked with comments for the editor.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from ..diagnostics import Location, Report, display_path
from . import settings as settings_mod
from .settings import SETTINGS_FILE
from .tei import line_col

DEBRIS = re.compile(
    r"^(Загрузка\.*|Popular pages:.*|Last updated on.*|No comments:?.*|Posted by .*|(return\s*)+|"
    r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \w+ \d{1,2}, \d{4})$")
RUNNING_HEAD = re.compile(r"^([A-Z][A-Z0-9 ,.'’:;-]{2,}?)\s+(\d{1,4})$")
CHAPTER = re.compile(r"^(chapter|part|book)\b[\s\w.:–-]*$|^[IVXLC]+\.?\s+\S.*$|^\d{1,3}\s+[A-Z][A-Z’' ,-]+$", re.I)
SECTION = re.compile(r"^[A-Z][A-Z0-9’'(),.:;\- ]{3,80}$")
NOTE_TEXT = re.compile(r"^\[(\d{1,3})\]\s+(.+)$", re.S)
CALL = re.compile(r"\[(\d{1,3})\]|\{(\d{1,3})\}")


@dataclasses.dataclass
class Block:
    kind: str  # "chapter", "section", "p", "pb", "debris"
    text: str
    extra: str = ""


def classify(paragraphs: list[str]) -> list[Block]:
    """Guess what each paragraph of the copy-text is."""
    blocks = []
    for text in paragraphs:
        line = " ".join(text.split())
        if DEBRIS.match(line):
            blocks.append(Block("debris", text))
        elif RUNNING_HEAD.match(line) and len(line) < 60:
            blocks.append(Block("pb", text, RUNNING_HEAD.match(line).group(2)))
        elif CHAPTER.match(line) and len(line) < 80:
            blocks.append(Block("chapter", text))
        elif SECTION.match(line) and len(line.split()) <= 10 and not line.endswith("."):
            blocks.append(Block("section", text))
        else:
            blocks.append(Block("p", text))
    return blocks


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; a text without blank lines has one per line."""
    text = text.replace("\r\n", "\n").strip("\n")
    if re.search(r"\n\s*\n", text):
        return [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [line for line in text.split("\n") if line.strip()]


def _inline(text: str, notes: dict[str, str]) -> str:
    """Escape text; turn note calls into notes (when their text is known) or noteCall pointers."""
    out, last = [], 0
    for match in CALL.finditer(text):
        out.append(escape(text[last:match.start()]))
        number = match.group(1) or match.group(2)
        rend = "[]" if match.group(1) else "{}"
        if match.group(1) and number in notes:
            out.append(f'<note type="source" n="{number}" place="foot">{escape(notes.pop(number))}</note>')
        else:
            out.append(f'<ptr type="noteCall" n="{number}" rend="{rend}"/>')
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def to_tei(copytext: str, siglum: str, title: str, author: str, source_name: str) -> str:
    paragraphs = split_paragraphs(copytext)
    # Note texts ("[1] ...") that follow a call are moved to their call.
    notes: dict[str, str] = {}
    calls_seen: set[str] = set()
    kept: list[str] = []
    for paragraph in paragraphs:
        match = NOTE_TEXT.match(paragraph)
        if match and match.group(1) in calls_seen:
            notes[match.group(1)] = match.group(2)
            continue
        calls_seen.update(m.group(1) for m in CALL.finditer(paragraph) if m.group(1))
        kept.append(paragraph)

    blocks = classify(kept)
    front: list[str] = []
    body: list[str] = []
    chapter = 0
    k = 0
    section = 0
    open_divs = 0

    def close(levels: int) -> None:
        nonlocal open_divs
        for _ in range(levels):
            body.append("  " * (2 + open_divs) + "</div>")
            open_divs -= 1

    def open_chapter(head: str | None) -> None:
        nonlocal chapter, k, section, open_divs
        close(open_divs)
        chapter += 1
        k = section = 0
        body.append(f'      <div type="chapter" n="{chapter}" xml:id="{siglum}.{chapter}">')
        open_divs = 1
        if head is not None:
            body.append("        <!-- importer: heading guessed; check it -->")
            body.append(f"        <head>{_inline(head, notes)}</head>")

    # Short lines before the first chapter heading or paragraph are the text's title lines.
    while blocks and blocks[0].kind in ("p", "section") and len(blocks[0].text) < 80 \
            and not blocks[0].text.rstrip().endswith((".", "?", "!")) and len(blocks) > 1:
        front.append(f"      <docTitle><titlePart>{_inline(blocks.pop(0).text, notes)}</titlePart></docTitle>")

    for block in blocks:
        indent = "  " * (3 + open_divs)
        if block.kind == "debris":
            target = front if chapter == 0 else body
            pad = "      " if chapter == 0 else indent
            target.append(f"{pad}<!-- importer: flagged as web debris; check it -->")
            target.append(f"{pad}<gap reason=\"debris\"><desc>{escape(block.text)}</desc></gap>")
            continue
        if block.kind == "chapter":
            open_chapter(block.text)
            continue
        if chapter == 0:
            open_chapter(None)
        indent = "  " * (3 + open_divs)
        if block.kind == "section":
            if open_divs == 2:
                close(1)
            section += 1
            body.append(f'{"  " * 4}<div type="section" xml:id="{siglum}.{chapter}.s{section}">')
            open_divs = 2
            body.append(f"{'  ' * 5}<!-- importer: section heading guessed; check it -->")
            body.append(f"{'  ' * 5}<head>{_inline(block.text, notes)}</head>")
            continue
        elif block.kind == "pb":
            body.append(f"{indent}<!-- importer: leaked running head of the print source; check it -->")
            body.append(f'{indent}<pb n="{block.extra}"/><fw type="header">{escape(block.text)}</fw>')
        else:
            k += 1
            body.append(f'{indent}<p xml:id="{siglum}.{chapter}.{k}">{_inline(block.text, notes)}</p>')
    if chapter == 0:
        open_chapter(None)
    close(open_divs)

    for number, text in notes.items():  # note texts whose call was not found: keep them as text
        body.insert(-1, f'        <p xml:id="{siglum}.{chapter}.{k + 1}">[{number}] {escape(text)}</p>')
        k += 1

    front_xml = ("    <front>\n" + "\n".join(front) + "\n    </front>\n") if front else ""
    return TEMPLATE.format(siglum=siglum, title=escape(title), author=escape(author),
                           source_name=escape(source_name), front=front_xml, body="\n".join(body))


TEMPLATE = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- Started by `build.py import` from {source_name}. Fill in the header (FILL IN), check every
     "importer:" comment, then encode notes, emendations and dates as docs/encoding.md says. -->
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{siglum}" xml:lang="en">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title>{title}</title>
        <author xml:id="author">{author}</author>
        <respStmt>
          <resp>TEI encoding</resp>
          <name xml:id="ed">The editors of this edition</name>
        </respStmt>
      </titleStmt>
      <publicationStmt>
        <p>Part of this edition.</p>
      </publicationStmt>
      <sourceDesc>
        <!-- FILL IN: author, title, translator (editor role="translator"), pubPlace, publisher, date, biblScope. -->
        <bibl type="print">{author}, <title level="m">{title}</title>.</bibl>
        <!-- FILL IN: what the copy-text was taken from, and when. -->
        <bibl type="transcription">Plain-text copy-text {source_name}.</bibl>
      </sourceDesc>
    </fileDesc>
    <encodingDesc>
      <editorialDecl>
        <p>Started with the importer of the edition's pipeline: paragraphs as in the copy-text; headings, note calls, leaked running heads and web debris guessed by the importer and checked by the editors.</p>
      </editorialDecl>
    </encodingDesc>
    <profileDesc>
      <langUsage><language ident="en">English</language></langUsage>
      <calendarDesc>
        <calendar xml:id="julian"><p>Julian calendar (Old Style), used in Russia until 31 January 1918.</p></calendar>
        <calendar xml:id="gregorian"><p>Gregorian calendar (New Style).</p></calendar>
      </calendarDesc>
    </profileDesc>
  </teiHeader>
  <text>
{front}    <body>
{body}
    </body>
  </text>
</TEI>
"""


def run(text_file: Path, siglum: str, title: str | None, author: str | None, root: Path,
        force: bool, report: Report) -> Path | None:
    """Write the TEI file and the copy-text into the edition and list the source in edition.yaml."""
    settings_path = root / SETTINGS_FILE
    target = root / "texts" / f"{siglum}.xml"
    copy = root / "copytext" / f"{siglum}.txt"
    try:
        data = text_file.read_bytes()
        copytext = data.decode("utf-8")
    except OSError as exc:
        report.add(Location(display_path(text_file)), "import-read", f"cannot read: {exc.strerror}")
        return None
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        report.add(Location(display_path(text_file), line, col), "import-read",
                   f"not UTF-8: byte 0x{data[exc.start]:02x} (save the file as UTF-8)")
        return None
    found = Report()  # edition.yaml must read; its other problems are the build's to report
    if settings_mod.load(root, found) is None:
        report.items += found.items
        return None
    sources = yaml.safe_load(settings_path.read_text(encoding="utf-8")).get("sources")
    listed = any(isinstance(entry, dict) and entry.get("siglum") == siglum for entry in
                 (sources if isinstance(sources, list) else []))
    if listed and not force:
        report.add(Location(display_path(settings_path), *_siglum_at(settings_path, siglum)), "import-siglum",
                   f"siglum {siglum} is already in edition.yaml")
        return None
    if target.exists() and not force:
        report.add(Location(display_path(target)), "import-exists", "already exists (use --force to replace it)")
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    copy.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(to_tei(copytext, siglum, title or text_file.stem, author or "Unknown author",
                             text_file.name), encoding="utf-8")
    if text_file.resolve() != copy.resolve():
        shutil.copyfile(text_file, copy)
    files = {"file": f"texts/{siglum}.xml", "copytext": f"copytext/{siglum}.txt"}
    if listed:
        _replace_source(settings_path, siglum, files)
    else:
        _append_source(settings_path, f"  - siglum: {siglum}\n" + "".join(f"    {k}: {v}\n" for k, v in files.items()))
    return target


def _siglum_at(settings_path: Path, siglum: str) -> tuple[int, int]:
    """The line and column of `siglum: SIGLUM` in edition.yaml's sources ((0, 0) if not found)."""
    entry = _source_entry(yaml.compose(settings_path.read_text(encoding="utf-8")), siglum)
    if entry is None:
        return 0, 0
    value = next(value for key, value in entry.value if key.value == "siglum")
    return value.start_mark.line + 1, value.start_mark.column + 1


def _source_entry(node: yaml.Node, siglum: str) -> yaml.MappingNode | None:
    """The entry of `sources:` (a node of edition.yaml) whose siglum is `siglum`."""
    sources = next((value for key, value in node.value if key.value == "sources"), None)
    for item in sources.value if isinstance(sources, yaml.SequenceNode) else ():
        if isinstance(item, yaml.MappingNode) and any(key.value == "siglum" and value.value == siglum
                                                      for key, value in item.value):
            return item
    return None


def _replace_source(settings_path: Path, siglum: str, values: dict[str, str]) -> None:
    """Give the entry of `siglum` these values, in place: its other keys, its place in the list and
    the file's comments and layout kept."""
    text = settings_path.read_text(encoding="utf-8")
    entry = _source_entry(yaml.compose(text), siglum)
    present = {key.value: value for key, value in entry.value}
    edits = [(present[key].start_mark.index, present[key].end_mark.index, value)
             for key, value in values.items() if key in present]
    added = [f"{key}: {value}" for key, value in values.items() if key not in present]
    if added and entry.flow_style:  # `- {siglum: B, file: texts/B.xml}`: before its closing brace
        edits.append((entry.end_mark.index - 1, entry.end_mark.index - 1, "".join(", " + a for a in added)))
    elif added:  # on lines of their own after the entry's last, as indented as its first key
        end, indent = entry.value[-1][1].end_mark.index, " " * entry.value[0][0].start_mark.column
        edits.append((end, end, "".join("\n" + indent + a for a in added)))
    for start, end, value in sorted(edits, reverse=True):
        text = text[:start] + value + text[end:]
    settings_path.write_text(text, encoding="utf-8")


def _append_source(settings_path: Path, entry: str) -> None:
    """Add an entry at the end of the `sources:` list, keeping the file's comments and layout."""
    text = settings_path.read_text(encoding="utf-8")
    node = yaml.compose(text)
    sources = next((value for key, value in node.value if key.value == "sources"), None)
    if not isinstance(sources, yaml.SequenceNode) or sources.flow_style:
        text = text.rstrip("\n") + "\nsources:\n" + entry
    else:
        end = len(text[:sources.end_mark.index].rstrip())  # after the last item, before what follows
        text = text[:end] + "\n" + entry.rstrip("\n") + (text[end:] or "\n")
    settings_path.write_text(text, encoding="utf-8")
