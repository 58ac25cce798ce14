"""`build.py watch`: watch the sources, rebuild the preview at every save, lay the PDF out behind it.

In: the edition directory, the output directory, a port, whether to lay out the PDF.  Out: the
preview served on 127.0.0.1 (preview.py) until Ctrl-C, its HTML in a private temporary directory
(checked and rendered, not laid out: under a second for the real edition); the PDF laid out again
in `<out>/preview/` after each good save (relayout.py); a line on stderr per save.  Exit status 0,
or 1 when it cannot start (no such directory, the port taken).
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

import jinja2
import watchfiles

from .. import pipeline
from ..diagnostics import Report, SourceErrors, display_path, template_error
from ..render import templating
from ..write import makeup, print_html
from . import preview, relayout
from .preview import Problem

PDF = "preview.pdf"  # in the private directory: the last PDF laid out, as /pdf serves it
STOP = (signal.SIGINT, signal.SIGTERM)


def run(root: Path, out: Path, port: int, pdf: bool = True, quiet: bool = False, strict: bool = False) -> int:
    """Serve the preview and rebuild it at every change until Ctrl-C; the exit status (`quiet`:
    the terminal shows the address and the problems only; `strict`: warnings count as errors)."""
    if not root.is_dir():
        print(f"{display_path(root)}: error: no such directory (give the edition's with --sources DIR)",
              file=sys.stderr)
        return 1
    handlers = {number: signal.getsignal(number) for number in STOP}
    for number in STOP:  # `kill` stops it as Ctrl-C does, and Ctrl-C even when started with it ignored (`cmd &`)
        signal.signal(number, _interrupt)
    try:
        with contextlib.ExitStack() as stack:
            private = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="edition-preview-")))
            state, files, progress = preview.State(pdf), preview.Files(root), pipeline.Progress(quiet)
            try:
                server = preview.Server(port, state, files, private, private / PDF)
            except OSError as exc:
                print(f"127.0.0.1:{port}: error: {exc.strerror} (give another --port; 0 takes any free one)",
                      file=sys.stderr)
                return 1
            stack.callback(server.server_close)
            try:  # after the server: a taken port leaves no <out>/preview/ behind
                layout = relayout.Relayout(root, out, state, files, private / PDF, progress, private) if pdf else None
            except OSError as exc:
                print(f"{display_path(exc.filename or out)}: error: {exc.strerror}", file=sys.stderr)
                return 1
            threading.Thread(target=server.serve_forever, daemon=True).start()
            stack.callback(server.shutdown)
            stack.callback(state.close)
            if layout:
                stack.callback(layout.cancel, wait=True)
            for number in STOP:  # the first to run: a second Ctrl-C does not interrupt the cleaning up
                stack.callback(signal.signal, number, signal.SIG_IGN)
            print(f"Preview of {display_path(root)}: http://127.0.0.1:{server.server_port}/  (Ctrl-C stops)",
                  flush=True)
            _watch(root, out, private, state, files, layout, progress, strict)
    except KeyboardInterrupt:
        pass
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return 0


def _interrupt(signum: int, frame) -> None:
    raise KeyboardInterrupt


def _watch(root: Path, out: Path, html_dir: Path, state: preview.State, files: preview.Files,
           layout: relayout.Relayout | None, progress: pipeline.Progress, strict: bool) -> None:
    """Build once, then again after every change of the edition directory or the templates (the
    output directory left out, should it lie inside)."""
    default, outputs = watchfiles.DefaultFilter(), out.resolve()

    def wanted(change: watchfiles.Change, path: str) -> bool:
        return default(change, path) and not Path(path).is_relative_to(outputs)

    _rebuild(root, out, html_dir, state, files, layout, progress, strict, "first build")
    for changes in watchfiles.watch(root, templating.TEMPLATES, watch_filter=wanted):
        paths = {path for _, path in changes}
        shown = {path for path in paths if Path(path).exists()} or paths  # not the editor's temporary files
        saved = ", ".join(sorted(map(display_path, shown)))
        _rebuild(root, out, html_dir, state, files, layout, progress, strict, saved)


def _rebuild(root: Path, out: Path, html_dir: Path, state: preview.State, files: preview.Files,
             layout: relayout.Relayout | None, progress: pipeline.Progress, strict: bool, why: str) -> None:
    """Check the sources and write the preview HTML; show the edition or the problems; after a good
    save, lay the PDF out again."""
    started = time.perf_counter()
    state.update(building=True)
    if layout:
        layout.cancel()
    report, path, failures = Report(strict), None, []
    try:
        edition = pipeline.check(root, report, pipeline.Progress(quiet=True))
        path = print_html.write(edition, html_dir, _pages(out))
    except SourceErrors:
        pass
    except OSError as exc:
        failures.append(Problem(display_path(exc.filename or root), "error", exc.strerror or str(exc)))
    except jinja2.TemplateSyntaxError as exc:
        template_error(report, exc)
    except Exception as exc:  # noqa: BLE001 - a program error: the watcher goes on, the terminal shows where
        traceback.print_exc()
        failures.append(Problem("", "error", f"the preview failed: {type(exc).__name__}: {exc} "
                                             "(a program error: report it)"))
    problems = [Problem.of(d, files) for d in report.sorted()] + failures
    pdf = state.now.pdf if path or not layout else "waiting"
    state.update(show=True, building=False, edition=path, problems=tuple(problems), layout_problems=(), pdf=pdf)
    progress.note(f"{why}: {state.now.outcome()} ({time.perf_counter() - started:.1f} s)")
    for problem in problems:
        if problem.severity == "error":
            print(f"  {problem}", file=sys.stderr)
    if path and layout:
        layout.start(edition.settings.slug)


def _pages(out: Path) -> dict[str, int] | None:
    """The page of every cited id in the last layout (the preview's, else the editor's last build),
    for the indices' page numbers; None before any."""
    for path in (out / relayout.OUT / makeup.PAGES_CACHE, out / makeup.PAGES_CACHE):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none yet, or a layout writing it
            continue
    return None
