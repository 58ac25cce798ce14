"""Page make-up: the print HTML laid out again until what it prints from a layout holds.

In: the `Edition`, the directory for the print HTML, the output directory (for the caches of the
last build) and the build's progress.  Out: the final WeasyPrint document, WeasyPrint's warnings
(and UNSETTLED when the layout never held), and the measured lines of every page (`check.layout.measure`).

A layout decides things the HTML must print: the page numbers of the contents, parallels and
appendices; the side (recto or verso) each margin number stands on; and the typesetter's
corrections (`corrections.py`) of paragraphs with a loose line and of pages that end short.  The
numbers and sides are written into the laid-out book (`page_numbers.py`): they never call for
another layout.  As LaTeX reruns, the book is laid out again with what the last layout found
until that changes nothing but numbers and sides; a pass lays out again only the parts whose HTML
changed.  The last build's pages and corrections are cached in the output directory, so that a
rebuild of unchanged sources lays the book out once, and a change in one source mends only the
parts it changed.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..check import layout
from ..model.records import Edition
from ..render.html import SOURCE_PAGE
from . import corrections as typesetter
from . import page_numbers, pagination, parts, pdf, print_html, workers
from .print_html import contents_entries

MAX_LAYOUTS = 9
CONFIRMING = 2  # layouts kept at the end to confirm the corrections, making none
MENDING_ROUNDS = 2  # a second round mends the pages the first one's corrections upset
PAGES_CACHE = ".pages.json"  # the page of every cited anchor in the last layout
CORRECTIONS_CACHE = ".corrections.json"  # paragraphs tried in every spacing; the last build's fills
LAST_PAGE = "*last-page"  # the key of the book's last page among the anchors' pages
MEDIAN_SPACE = 0.27  # ems: the book face's median word space in justified text, before a layout tells


UNSETTLED = f"the page numbers still moved after {MAX_LAYOUTS} layout passes; the last one is used"


def lay_out(edition: Edition, html_dir: Path, out_dir: Path, progress, limits: layout.Limits = layout.Limits(),
            draft: bool = False):
    """Lay the book out until its corrections hold, with its page numbers and sides filled in (a
    `draft` only uses the corrections earlier builds found, and tries none: a quicker proof for the
    editor).

    Loose lines are mended after every layout (their spacing depends on the paragraph alone);
    short pages only from a layout that holds, part by part, and only in the parts that changed
    since the last build (the others keep its corrections)."""
    first_anchor = f"part-{edition.sources[0].siglum}"
    cited = set(edition.targets) | {m.id for m in edition.mentions} | contents_entries(edition) | {LAST_PAGE}
    pages = _read(out_dir / PAGES_CACHE)  # the last build's pages: usually right, so one layout confirms them
    corrections = None
    laid_out = parts.Parts()  # the parts laid out in this build: a pass lays out only those that changed
    mended = 0  # rounds of mending short pages, each from a layout whose page numbers hold
    for attempt in range(1, MAX_LAYOUTS + 1):
        suffix = f" (pass {attempt})" if attempt > 1 else ""
        with progress.stage(f"write print HTML{suffix}"):
            html_path = print_html.write(edition, html_dir, pages, corrections)
            if corrections is None:  # the last build's, for the parts that have not changed since
                corrections = typesetter.Corrections.load(out_dir / CORRECTIONS_CACHE)
                corrections.recall(*_parts(html_path), draft)
                typesetter.apply_known(corrections, html_path, limits, MEDIAN_SPACE)
                html_path = print_html.write(edition, html_dir, pages, corrections)
            laid_out_html = page_numbers.masked(html_path.read_text(encoding="utf-8"))
        with progress.stage(f"lay out the book (pass {attempt})"):
            document, warnings = pdf.layout(html_path, edition.settings, laid_out)
        with progress.stage(f"fill in page numbers and sides{suffix}"):
            found = pdf.anchor_pages(document, first_anchor)
            found[LAST_PAGE] = len(document.pages) - pdf.first_page_of(document, first_anchor)  # its figures: the boxes' width
            page_numbers.fill(document.pages, found)
            page_numbers.sides(document.pages)
            # The HTML with the numbers of this layout: the same but for them if this layout holds.
            html_path = print_html.write(edition, html_dir, found, corrections)
            holds = page_numbers.masked(html_path.read_text(encoding="utf-8")) == laid_out_html
        measured = layout.measure(document, pagination.page_labels(document, pdf.first_page_of(document, first_anchor)))
        cited |= {key for key in found if key.startswith(SOURCE_PAGE)}  # margin notes: their side
        changed = False
        if attempt <= MAX_LAYOUTS - CONFIRMING:  # the last layouts only confirm
            with progress.stage(f"mend loose lines{suffix}"):
                changed = typesetter.intrinsic(corrections, measured, html_path, limits, trying=not draft)
            if holds and not changed and mended < MENDING_ROUNDS and not draft:
                with progress.stage("mend short pages by part"):
                    changed = _mend_parts(edition, found, corrections, measured, laid_out, limits)
                mended += 1
        if holds and not changed:
            break
        pages = found
    else:
        warnings.append(UNSETTLED)
    found = {k: v for k, v in sorted(found.items()) if k in cited}
    (out_dir / PAGES_CACHE).write_text(json.dumps(found), encoding="utf-8")
    if draft:
        corrections.save(out_dir / CORRECTIONS_CACHE)
    else:  # what each part's corrections were decided for: its HTML before any
        corrections.save(out_dir / CORRECTIONS_CACHE, parts.digests(*print_html.render(edition, found))[0])
    return document, warnings, measured


def _mend_parts(edition: Edition, pages: dict, corrections, measured, laid_out: parts.Parts, limits) -> bool:
    """Mend the short pages of each part that has any and has changed since the last build, each
    part laid out alone (in parallel: workers.py) again and again until no correction helps; True
    if any was made."""
    todo = sorted({laid_out.part_of(page) for page, _ in layout.short_pages(measured, limits)}
                  - {k for k, key in enumerate(laid_out.ids) if key in corrections.remembered})
    shared = (edition, pages, corrections, limits, layout.line_pitch(measured))
    calls = [(laid_out.ids[k], laid_out.starts[k][1]) for k in todo]
    changed = False
    for fills, splits, trials in workers.run(_mend_part, calls, shared):
        corrections.trials.update(trials)
        changed |= bool(fills or splits)
        corrections.fills.update(fills)
        corrections.splits.update(splits)
        corrections.spacing.update(fills)
    return changed


PART_ROUNDS = 5  # layouts of a part while its short pages are being mended


def _mend_part(shared: tuple, key: str, number: int | None) -> tuple[dict, dict, dict]:
    """In a worker: lay out the part whose first element has the id `key` alone, mend its short
    pages, lay it out again, until no correction helps; the fills, splits and trials it made.  The
    HTML is written with the chapters of the part's source alone: the part is the same, and the
    time of a round does not grow with the book."""
    import tempfile

    edition, pages, corrections, limits, pitch = shared
    before = (dict(corrections.fills), dict(corrections.splits), set(corrections.trials))
    only = _source_of(edition, key)
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(PART_ROUNDS):
            html_path = print_html.write(edition, Path(tmp), pages, corrections, only)
            document = parts.lay_out_part(html_path, key, number, limits.ladder)
            measured = layout.measure(document, [str(k) for k in range(len(document.pages))])
            if not typesetter.fill(corrections, measured, html_path, limits, pitch=pitch):
                break
    fills = {k: v for k, v in corrections.fills.items() if before[0].get(k) != v}
    splits = {k: v for k, v in corrections.splits.items() if before[1].get(k) != v}
    return fills, splits, {k: v for k, v in corrections.trials.items() if k not in before[2]}


def _source_of(edition: Edition, key: str) -> str | None:
    """The siglum of the source a part of the text (its first element's id) belongs to; None for
    the front and back matter."""
    for source in edition.sources:
        if key == f"part-{source.siglum}" or any(key in (d.id, d.part and d.part.id) for d in source.chapters):
            return source.siglum
    return None


def _parts(html_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The digest of each part of the print HTML (with its stylesheet), and each id's part."""
    css = (html_path.parent / print_html.ASSETS / "book.css").read_text(encoding="utf-8")
    return parts.digests(html_path.read_text(encoding="utf-8"), css)


def _read(path: Path) -> dict[str, int] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
