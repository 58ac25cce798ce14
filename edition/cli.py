"""The command line: parse arguments, call the pipeline, turn the outcome into an exit code.

Exit codes: 0 success, 1 errors in the sources (all listed as `path:line:col: message`), 2 usage
errors (argparse).  No traceback reaches the editor for bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import jinja2

from . import codes, pipeline
from .check import layout
from .diagnostics import Report, SourceErrors, display_path, template_error
from .model import events, stats
from .read import importer
from .read.settings import SIGLUM
from .write import FORMATS

LAYOUT = set(codes.of_stage("layout"))  # counted on one line unless --layout-report
COMMANDS = ("build", "check", "dates", "import", "stats", "codes", "watch")

DESCRIPTION = """\
Build a critical edition from TEI sources: a print PDF (through WeasyPrint), an EPUB 3,
and the print HTML the PDF is laid out from.

commands:
  build    (the default) check the sources, then write every format into the output directory
  check    read and check the sources without rendering; list every problem at once
  dates    the dates of the shared events as each account gives them, side by side
  import   start the TEI encoding of a new source from a plain-text copy-text
  stats    print a table of counts per source (words, paragraphs, notes, dates, ...)
  watch    a live preview in the browser, rebuilt at every save, the PDF laid out behind it
  codes    list every diagnostic code: its severity, what it means, what to do

Problems are reported as path:line:col: severity: message [code] (build.py codes lists
the codes).  --strict makes every warning an error.
Exit status: 0 success, 1 errors in the sources, 2 wrong usage."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", metavar="DIR", type=Path, default=Path("sources"),
                        help="the edition directory holding edition.yaml, or only TEI files made elsewhere, "
                             "which then build in lenient mode with settings from their headers (default: sources/)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but problems")
    parser.add_argument("--strict", action="store_true",
                        help="treat every warning as an error (a build then writes nothing if any is found)")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser("build", help="check and write the outputs (default)",
                                description="Check the sources, then write the outputs.")
    _common(build)
    build.add_argument("--out", metavar="DIR", type=Path, default=Path("build"),
                       help="where to write the outputs (default: build/)")
    build.add_argument("--format", dest="formats", action="append", choices=FORMATS,
                       help="write only this format; repeat for several (default: all)")
    build.add_argument("--draft", action="store_true",
                       help="a quicker proof: lay the book out with the page make-up corrections earlier builds "
                            "found, and try no new ones (the layout report may list more)")
    build.add_argument("--layout-report", action="store_true",
                       help="list every page make-up problem of the printed book (short and stretched lines, "
                            "short pages, notes away from their calls, ...); without it the build prints "
                            "their count on one line")
    build.add_argument("--jobs", "-j", metavar="N", type=_jobs, default=None,
                       help="lay out and write in at most N processes at once (default: one per core); the "
                            "outputs are the same whatever N")
    build.add_argument("--dask", metavar="ADDRESS",
                       help="lay the book's parts out on the Dask cluster whose scheduler is at ADDRESS "
                            "(tcp://host:8786; needs the `dask` extra, and the edition's files at the same "
                            "path on every worker); the outputs are the same")
    build.add_argument("--timings", metavar="FILE", type=Path,
                       help="write the seconds each stage took to FILE, as JSON (bench/build_bench.py reads it)")
    check = commands.add_parser("check", help="check the sources without rendering",
                                description="Read and check the sources; list every problem.")
    _common(check)
    importer = commands.add_parser("import", help="start a new source from a plain-text file",
                                   description="Write texts/SIGLUM.xml (a TEI skeleton that validates and "
                                               "builds), keep the copy-text in copytext/, and add the source "
                                               "to edition.yaml.")
    _common(importer)
    importer.add_argument("file", metavar="FILE.txt", type=Path, help="the copy-text, UTF-8 plain text")
    importer.add_argument("--siglum", required=True, help="the new source's siglum, e.g. B")
    importer.add_argument("--title", help="the title of the text (default: the file's name)")
    importer.add_argument("--author", help="the author (default: 'Unknown author')")
    importer.add_argument("--force", action="store_true", help="replace an existing TEI file and copy-text, and the source's entry in edition.yaml")
    stats = commands.add_parser("stats", help="counts per source", description="Print counts per source.")
    _common(stats)
    watch = commands.add_parser("watch", help="a live preview in the browser, rebuilt at every save",
                                description="Serve the edition at http://127.0.0.1:PORT/ and rebuild it whenever a "
                                            "source, edition.yaml or a template is saved: the page reloads, keeps its "
                                            "place, and lists the problems of a broken save with links to their "
                                            "lines; a draft PDF is laid out again in the background (into "
                                            "OUT/preview/) and shown beside the text.  Ctrl-C stops.")
    _common(watch)
    watch.add_argument("--out", metavar="DIR", type=Path, default=Path("build"),
                       help="the background PDF goes to DIR/preview/ (default: build/)")
    watch.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (default: 8000; 0: any free one)")
    watch.add_argument("--no-pdf", action="store_true", help="no background layout of the PDF")
    dates = commands.add_parser("dates", help="the shared events' dates in each account",
                                description="Check the sources, then print how each account dates the events "
                                            "that several accounts tell, in both calendars.")
    _common(dates)
    commands.add_parser("codes", help="list the diagnostic codes",
                        description="List every code a problem can be reported with: severity, meaning, hint.")
    # Options given without a command belong to `build`; show them in the main help too.
    main.epilog = ("build options (python build.py build --help): --sources DIR, --out DIR, "
                   "--format pdf|epub|html, --draft, --layout-report, --strict, --quiet")
    return main


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("a number of processes, 1 or more")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    args = parser().parse_args(argv)
    if args.command == "watch":
        from .serve import (
            watch,  # imported here: the other commands never pay for the server
        )
        return watch.run(args.sources, args.out, args.port, pdf=not args.no_pdf, quiet=args.quiet, strict=args.strict)
    if args.command == "codes":
        print(codes.table())
        return 0
    report = Report(strict=args.strict)
    progress = pipeline.Progress(quiet=args.quiet or args.command != "build")  # the others print results only
    started = time.perf_counter()
    try:
        if args.command == "check":
            edition = pipeline.check(args.sources, report, progress)
            written = []
        elif args.command == "dates":
            edition = pipeline.check(args.sources, report, progress)
            print(events.reconciliation(edition) if edition.tellings else "No event is told by two accounts.")
            written = []
        elif args.command == "stats":
            edition = pipeline.check(args.sources, report, progress)
            print(stats.table(edition))
            written = []
        elif args.command == "import":
            if not SIGLUM.match(args.siglum):
                parser().error("--siglum: a capital letter followed by up to five letters or digits")
            path = importer.run(args.file, args.siglum, args.title, args.author, args.sources, args.force, report)
            report.raise_if_errors()
            written = [path]
        else:
            written = pipeline.build(args.sources, args.out, args.formats or list(FORMATS), report, progress,
                                     draft=args.draft, jobs=args.jobs, dask=args.dask)
            if args.timings:
                args.timings.write_text(json.dumps({k: round(v, 3) for k, v in progress.times.items()}, indent=1),
                                        encoding="utf-8")
    except SourceErrors:
        _print(report, layout_report=True)
        print(f"{_count(report)}{'; nothing was written' if args.command in ('build', 'import') else ''}.",
              file=sys.stderr)
        return 1
    except jinja2.TemplateSyntaxError as exc:
        template_error(report, exc)
        _print(report, layout_report=True)
        print(f"{_count(report)}; nothing was written.", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the output piped into `head` or a pager that stopped reading
        sys.stdout = open(os.devnull, "w")
        return 0
    except OSError as exc:
        _print(report, layout_report=True)
        print(f"{display_path(exc.filename or '')}: error: {exc.strerror}", file=sys.stderr)
        return 1
    _print(report, layout_report=getattr(args, "layout_report", False))
    if args.command == "check" and not args.quiet:
        print(f"{_count(report)} in {display_path(args.sources)} ({time.perf_counter() - started:.1f} s).",
              file=sys.stderr)
    if not args.quiet and args.command in ("build", "import"):
        for path in written:
            print(f"  wrote {display_path(path)}", file=sys.stderr)
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _count(report: Report) -> str:
    """'2 errors, 1 warning' or 'no problems'."""
    errors = len(report.errors)
    warnings = len(set(report.items)) - len(set(report.errors))
    if not errors and not warnings:
        return "no problems"
    return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"


def _print(report: Report, layout_report: bool) -> None:
    """Every diagnostic; the page make-up findings only with --layout-report, else their count."""
    found = report.sorted()
    layout_codes = [d.code for d in found if d.code in LAYOUT]
    for diagnostic in found:
        if layout_report or diagnostic.code not in LAYOUT:
            print(diagnostic, file=sys.stderr)
    if layout_codes and not layout_report:
        print(f"{layout.summary(layout_codes)} (build.py --layout-report lists them)", file=sys.stderr)
