"""The build: read -> model -> check -> write, with each stage timed.

In: an edition directory, an output directory and the formats wanted.  Out: the output files, or
`SourceErrors` before anything is written.  The command line (cli.py) only parses arguments and
calls `check` or `build`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .check import layout
from .check import sources as checks
from .check.locate import Locator
from .diagnostics import Location, Report, display_path
from .model import citations, events, names
from .model.records import Edition
from .read.reader import read_edition
from .read.settings import points
from .write import FORMATS, epub, makeup, pagination, pdf, print_html, replace_atomically, stamp, workers


class Progress:
    """Prints each stage and its time on stderr, unless quiet."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.times: dict[str, float] = {}  # stage -> seconds, summed over the times it ran

    @contextlib.contextmanager
    def stage(self, name: str):
        if not self.quiet:
            print(f"  {name:<32}", end="", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            if not self.quiet:
                print("failed", file=sys.stderr)
            raise
        elapsed = time.perf_counter() - start
        self.times[name] = self.times.get(name, 0.0) + elapsed
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


LAYOUT_REPORT = ".layout.json"  # in the output directory: the page make-up findings of the last build


def build(root: Path, out_dir: Path, formats: list[str], report: Report, progress: Progress,
          draft: bool = False, jobs: int | None = None, dask: str | None = None) -> list[Path]:
    """Check, then write each requested format; return the files written (a `draft` makes none of
    the typesetter's corrections that earlier builds did not find: quicker, see makeup.lay_out).

    Every output is made in a staging directory inside `out_dir` and moved into place only when
    the whole build has succeeded (with `--strict`, without a warning): a failed build leaves the
    last good outputs as they were.  At most `jobs` processes work at once (None: one per core);
    the parts' layouts go to the Dask scheduler at `dask`, if given; the outputs do not depend on
    either."""
    with workers.limited(jobs), workers.on_dask(dask):
        return _build(root, out_dir, formats, report, progress, draft)


def _build(root: Path, out_dir: Path, formats: list[str], report: Report, progress: Progress,
           draft: bool) -> list[Path]:
    edition = check(root, report, progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = [f for f in FORMATS if f in formats]
    slug, checked = edition.settings.slug, len(report.items)
    with progress.stage("compare with the last build"):
        digest = stamp.inputs(root, edition.settings, out_dir)
        reported = stamp.up_to_date(out_dir, digest, slug, wanted, draft)
    if reported is not None:  # nothing changed: the outputs stand, their warnings are reported again
        report.items += reported
        progress.note("up to date: nothing changed since the last build")
        return []
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=out_dir) as staging:
        made = _write(edition, Path(staging), out_dir, wanted, report, progress, draft)
        report.raise_if_errors()  # only --strict makes a warning of the outputs an error
        written = [_move(path, out_dir) for path in made]
    stamp.write(out_dir, digest, slug, wanted, draft, report.items[checked:])
    return written


def _write(edition: Edition, staging: Path, out_dir: Path, wanted: list[str], report: Report,
           progress: Progress, draft: bool) -> list[Path]:
    """Lay the book out and write every wanted format into `staging`; return the outputs (the
    print HTML's assets with it).  The make-up's caches and findings go to `out_dir`."""
    with contextlib.ExitStack() as started:  # the PDF workers started now are ready when the parts are
        pool = started.enter_context(pdf.workers_for_pdfs()) if "pdf" in wanted else None
        settings = edition.settings
        limits = layout.Limits.of(settings.printing)
        with makeup.workers_for_layouts():  # and let go of, with all they keep, once the book is laid out
            book, measured = makeup.lay_out(edition, staging, out_dir, progress, limits, draft)
        html = staging / f"{settings.slug}.html"
        for message in book.warnings:
            report.add(Location(display_path(out_dir / html.name)),
                       "layout-unsettled" if message == makeup.UNSETTLED else "weasyprint-warning", message)
        made = [html, staging / print_html.ASSETS] if "html" in wanted else []
        with progress.stage("check the page make-up"):
            found = layout.run(measured, Locator(edition), report, limits, book.median)
            replace_atomically(out_dir / LAYOUT_REPORT, lambda tmp: tmp.write_text(
                json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8"))
        with contextlib.ExitStack() as writing:  # the PDFs are written while the rest goes on
            if "pdf" in wanted:
                screen, press = staging / f"{settings.slug}.pdf", staging / f"{settings.slug}-press.pdf"
                with progress.stage("hand the parts to the PDF workers"):
                    press_written = writing.enter_context(pdf.written(book, screen, press, settings, pool))
                made += [screen, press]
            if "epub" in wanted:
                page_list = pagination.page_list(book.page_starts(), book.pages, book.first_text)
                with progress.stage("write the EPUB"):  # while the parts are put together
                    made.append(epub.write(edition, staging, page_list))
            if "pdf" in wanted:
                with progress.stage("write the press and screen PDFs"):
                    press_written()
                with progress.stage("preflight the press PDF"):
                    from .check import preflight  # imported here: `build.py check` never pays for pikepdf

                    findings = pool.submit(preflight.check, press, True, points(settings.page.bleed)).result()
                for code, message in preflight.summary(findings):
                    report.add(Location(display_path(out_dir / press.name)), code, message)
                with progress.stage("finish the screen PDF"):
                    writing.close()
        return made


def _move(path: Path, out_dir: Path) -> Path:
    """Move a staged output (a file, or the assets directory) into `out_dir`; return its new path."""
    target = out_dir / path.name
    if path.is_dir():
        old = Path(tempfile.mkdtemp(prefix=f".{path.name}-old-", dir=out_dir))
        if target.exists():
            os.replace(target, old / path.name)
        os.replace(path, target)
        shutil.rmtree(old)
    else:
        os.chmod(path, 0o644)
        os.replace(path, target)
    return target
