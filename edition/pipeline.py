"""The build: read -> model -> check -> write, with each stage timed.

In: an edition directory, an output directory and the formats wanted.  Out: the output files, or
`SourceErrors` before anything is written.  The command line (cli.py) only parses arguments and
calls `check` or `build`.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

from .check import sources as checks
from .diagnostics import Report
from .model import citations, events, names
from .model.records import Edition
from .read.reader import read_edition
from .write import FORMATS, epub, pagination, pdf, print_html


class Progress:
    """Prints each stage and its time on stderr, unless quiet."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.times: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str):
        if not self.quiet:
            print(f"  {name:<28}", end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            if not self.quiet:
                print("failed", file=sys.stderr)
            raise
        elapsed = time.perf_counter() - start
        self.times[name] = elapsed
        if not self.quiet:
            print(f"{elapsed:6.2f} s", file=sys.stderr)

    def note(self, message: str) -> None:
        if not self.quiet:
            print(f"  {message}", file=sys.stderr)


def check(root: Path, report: Report, progress: Progress) -> Edition:
    """Read and check the edition; raise SourceErrors if anything is wrong."""
    with progress.stage("read and validate sources"):
        edition = read_edition(root, report)
    with progress.stage("link names and events"):
        names.link_mentions(edition, report)
        citations.link_citations(edition, report)
        events.collect(edition)
    with progress.stage("check the model"):
        checks.run_all(edition, report)
    report.raise_if_errors()
    return edition


MAX_LAYOUTS = 4
PAGES_CACHE = ".pages.json"  # in the output directory: the page of every cited anchor in the last layout


def _lay_out(edition: Edition, html_dir: Path, cache: Path, progress: Progress):
    """Write the print HTML and lay it out until the page numbers it prints are those it lands on.

    The indices, parallels and appendices print page numbers taken from the previous layout, as
    LaTeX reruns for its references; the book is stable once a layout confirms them (usually the
    second).  Returns the final WeasyPrint document and its warnings."""
    first_anchor = f"part-{edition.sources[0].siglum}"
    cited = set(edition.targets) | {m.id for m in edition.mentions}
    pages = _read_cache(cache)  # the last build's pages: usually right, so one layout confirms them
    for attempt in range(1, MAX_LAYOUTS + 1):
        with progress.stage(f"write print HTML{' (pass %d)' % attempt if attempt > 1 else ''}"):
            html_path = print_html.write(edition, html_dir, pages)
        with progress.stage(f"lay out the book (pass {attempt})"):
            document, warnings = pdf.layout(html_path, edition.settings)
        found = pdf.anchor_pages(document, first_anchor)
        if not (edition.mentions or edition.parallels):
            break  # nothing prints a page number that a layout must confirm
        if pages is not None and all(found.get(key) == pages.get(key) for key in cited):
            break
        pages = found
    else:
        progress.note(f"page numbers still moving after {MAX_LAYOUTS} layouts; the last one is used")
    cache.write_text(json.dumps({k: v for k, v in sorted(found.items()) if k in cited}), encoding="utf-8")
    return document, warnings


def _read_cache(path: Path) -> dict[str, int] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def build(root: Path, out_dir: Path, formats: list[str], report: Report, progress: Progress) -> list[Path]:
    """Check, then write each requested format; return the files written."""
    edition = check(root, report, progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    wanted = [f for f in FORMATS if f in formats]
    with contextlib.ExitStack() as stack:  # every output needs the layout: the EPUB's page list is the print's
        html_dir = out_dir if "html" in wanted else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        document, warnings = _lay_out(edition, html_dir, out_dir / PAGES_CACHE, progress)
        for message in warnings:
            progress.note(f"weasyprint: {message}")
        if "html" in wanted:
            written.append(html_dir / f"{edition.settings.slug}.html")
        first_text = pdf.first_page_of(document, f"part-{edition.sources[0].siglum}")  # page 1: arabic from here
        if "pdf" in wanted:
            screen = out_dir / f"{edition.settings.slug}.pdf"
            press = out_dir / f"{edition.settings.slug}-press.pdf"
            with progress.stage("write the press and screen PDFs"):
                pdf.save(document, screen, press, edition.settings, first_text)
            written += [screen, press]
        page_list = pagination.page_list(document, edition, first_text) if "epub" in wanted else []
    if "epub" in wanted:
        with progress.stage("write the EPUB"):
            written.append(epub.write(edition, out_dir, page_list))
    return written
