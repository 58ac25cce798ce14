"""Page make-up: the print HTML laid out again until what it prints from a layout holds.

In: the `Edition`, the directory for the print HTML, the output directory (for the caches of the
last build) and the build's progress.  Out: the final WeasyPrint document, WeasyPrint's warnings
and the measured lines of every page (`check.layout.measure`).

A layout decides things the HTML must print: the page numbers of the indices, parallels and
appendices; the side (recto or verso) each margin number stands on; and the typesetter's
corrections (`corrections.py`) of paragraphs with a loose line.  As LaTeX reruns, the book is laid
out again with what the last layout found, until a layout confirms it (usually the second).  The
last build's pages and corrections are cached in the output directory, so a rebuild usually needs
one layout.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..check import layout
from ..model.records import Edition
from ..render.html import SOURCE_PAGE
from . import corrections as typesetter
from . import pagination, pdf, print_html

MAX_LAYOUTS = 7
CONFIRMING = 2  # layouts kept at the end for the page numbers alone
PAGES_CACHE = ".pages.json"  # the page of every cited anchor in the last layout
CORRECTIONS_CACHE = ".corrections.json"  # paragraphs tried in every spacing; the last build's fills
MEDIAN_SPACE = 0.27  # ems: the book face's median word space in justified text, before a layout tells


def lay_out(edition: Edition, html_dir: Path, out_dir: Path, progress, limits: layout.Limits = layout.Limits()):
    """Lay the book out until its page numbers, sides and corrections hold.

    Loose lines are mended after every layout (their spacing depends on the paragraph alone);
    short pages only once a layout has confirmed the page numbers, so that what is done does not
    depend on the last build's pages."""
    first_anchor = f"part-{edition.sources[0].siglum}"
    cited = set(edition.targets) | {m.id for m in edition.mentions}
    pages = _read(out_dir / PAGES_CACHE)  # the last build's pages: usually right, so one layout confirms them
    corrections = None
    for attempt in range(1, MAX_LAYOUTS + 1):
        suffix = f" (pass {attempt})" if attempt > 1 else ""
        with progress.stage(f"write print HTML{suffix}"):
            html_path = print_html.write(edition, html_dir, pages, corrections)
            if corrections is None:
                corrections = typesetter.Corrections.load(out_dir / CORRECTIONS_CACHE, _fingerprint(edition, html_path))
                typesetter.apply_known(corrections, html_path, limits, MEDIAN_SPACE)
                html_path = print_html.write(edition, html_dir, pages, corrections)
        with progress.stage(f"lay out the book (pass {attempt})"):
            document, warnings = pdf.layout(html_path, edition.settings)
        found = pdf.anchor_pages(document, first_anchor)
        measured = layout.measure(document, pagination.page_labels(document, pdf.first_page_of(document, first_anchor)))
        cited |= {key for key in found if key.startswith(SOURCE_PAGE)}  # margin notes: their side
        confirmed = pages is not None and all(found.get(key) == pages.get(key) for key in cited)
        changed = False
        if attempt <= MAX_LAYOUTS - CONFIRMING:  # the last layouts only confirm the page numbers
            with progress.stage(f"mend loose lines and short pages{suffix}"):
                changed = typesetter.intrinsic(corrections, measured, html_path, limits)
                if confirmed and not changed:
                    changed = typesetter.fill(corrections, measured, html_path, limits)
        if confirmed and not changed:
            break
        pages = found
    else:
        progress.note(f"the layout still moves after {MAX_LAYOUTS} passes; the last one is used")
    (out_dir / PAGES_CACHE).write_text(json.dumps({k: v for k, v in sorted(found.items()) if k in cited}),
                                       encoding="utf-8")
    corrections.save(out_dir / CORRECTIONS_CACHE)
    return document, warnings, measured


def _fingerprint(edition: Edition, html_path: Path) -> str:
    """The sources and the stylesheet: what short pages' corrections are decided for."""
    css = (html_path.parent / print_html.ASSETS / "book.css").read_bytes()
    return hashlib.sha256(print_html.build_id(edition).encode() + css).hexdigest()[:20]


def _read(path: Path) -> dict[str, int] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
