"""XInclude for lenient sources: files inside the edition directory, and only there.

In: a parsed TEI file and the edition directory.  Out: the file's tree with each `xi:include`
replaced by what it names (a whole XML file, an element of it by `xpointer="id"`, or text with
`parse="text"`), or by its `xi:fallback` when the file is missing; diagnostics for what cannot be
included.  Nothing is fetched: a URL, an absolute path or a path leading out of the directory is
refused (`include-outside`).  lxml's own `xinclude()` is not used because it would follow any href.
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from ..diagnostics import Report
from . import tei

XI_NS = "http://www.w3.org/2001/XInclude"
INCLUDE = f"{{{XI_NS}}}include"
FALLBACK = f"{{{XI_NS}}}fallback"
MAX_DEPTH = 10  # includes within included files, at most


def expand(file: tei.TeiFile, within: Path, report: Report, depth: int = 0, seen: tuple[Path, ...] = ()) -> None:
    """Replace every xi:include of `file` (in place); `within` bounds the files it may name."""
    for include in list(file.root.iter(INCLUDE)):
        made = _included(file, include, within, report, depth, seen + (file.path.resolve(),))
        parent = include.getparent()
        if parent is None:
            continue
        if isinstance(made, str):
            _replace_by_text(include, made)
        else:
            position = parent.index(include)
            tail = include.tail
            parent.remove(include)
            for offset, element in enumerate(made):
                parent.insert(position + offset, element)
            if made:
                made[-1].tail = (made[-1].tail or "") + (tail or "")
            else:
                _append_tail(parent, position, tail)


def _included(file, include, within: Path, report: Report, depth: int, seen) -> str | list:
    href = include.get("href") or ""
    location = file.locate(include, "href")
    target = (file.path.parent / href).resolve() if href and "://" not in href else None
    base = within.resolve()
    if target is None or Path(href).is_absolute() or not (target == base or target.is_relative_to(base)):
        report.add(location, "include-outside",
                   f"xi:include href=\"{href}\" is outside the edition directory {within}: not read")
        return []
    if target in seen or depth >= MAX_DEPTH:
        report.add(location, "include-failed", f"xi:include href=\"{href}\" includes itself")
        return []
    if not target.is_file():
        fallback = include.find(FALLBACK)
        if fallback is None:
            report.add(location, "include-failed", f"xi:include href=\"{href}\": no such file")
            return []
        return [copy.deepcopy(child) for child in fallback] if len(fallback) else (fallback.text or "")
    if include.get("parse") == "text":
        try:
            return target.read_text(encoding=include.get("encoding") or "utf-8")
        except (UnicodeDecodeError, LookupError, OSError) as exc:
            report.add(location, "include-failed", f"xi:include href=\"{href}\": {exc}")
            return []
    parsed = tei.parse_file(target, report)
    if parsed is None:
        report.add(location, "include-failed", f"xi:include href=\"{href}\" is not well-formed XML (above)")
        return []
    included = tei.TeiFile(target, *parsed)
    expand(included, within, report, depth + 1, seen)
    pointer = include.get("xpointer")
    if pointer:
        key = pointer.strip()
        key = key[len("element("):-1] if key.startswith("element(") else key
        found = [e for e in included.root.iter() if isinstance(e.tag, str) and e.get(tei.XML_ID) == key]
        if not found:
            report.add(location, "include-failed", f"xi:include xpointer=\"{pointer}\": no element with that id")
            return []
        element = copy.deepcopy(found[0])
        element.tail = None
        return [element]
    return [copy.deepcopy(included.root)]


def _replace_by_text(include: etree._Element, text: str) -> None:
    parent = include.getparent()
    position = parent.index(include)
    tail = include.tail or ""
    parent.remove(include)
    _append_tail(parent, position, text + tail)


def _append_tail(parent: etree._Element, position: int, text: str | None) -> None:
    """Put text where a removed child stood: after the child before it, or as the parent's text."""
    if not text:
        return
    if position > 0:
        before = parent[position - 1]
        before.tail = (before.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
