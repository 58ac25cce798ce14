"""The command line: parse arguments, call the pipeline, turn the outcome into an exit code.

Exit codes: 0 success, 1 errors in the sources (all listed as `path:line:col: message`), 2 usage
errors (argparse).  No traceback reaches the editor for bad input.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import pipeline
from .diagnostics import Report, SourceErrors, display_path
from .writers import FORMATS

COMMANDS = ("build", "check")

DESCRIPTION = """\
Build a critical edition from TEI sources: a print PDF (through WeasyPrint), an EPUB 3,
and the print HTML the PDF is laid out from.

commands:
  build    (the default) check the sources, then write every format into the output directory
  check    read and check the sources without rendering; list every problem at once

Problems are reported as path:line:col: severity: message [code].
Exit status: 0 success, 1 errors in the sources, 2 wrong usage."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", metavar="DIR", type=Path, default=Path("sources"),
                        help="the edition directory holding edition.yaml (default: sources/)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but problems")


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
    check = commands.add_parser("check", help="check the sources without rendering",
                                description="Read and check the sources; list every problem.")
    _common(check)
    # Options given without a command belong to `build`; show them in the main help too.
    main.epilog = "build options (python build.py build --help): --sources DIR, --out DIR, --format pdf|epub|html, --quiet"
    return main


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    args = parser().parse_args(argv)
    report = Report()
    progress = pipeline.Progress(quiet=args.quiet)
    started = time.perf_counter()
    try:
        if args.command == "check":
            pipeline.check(args.sources, report, progress)
            written = []
        else:
            written = pipeline.build(args.sources, args.out, args.formats or list(FORMATS), report, progress)
    except SourceErrors:
        _print(report)
        errors = len(report.errors)
        print(f"{errors} error{'s' if errors != 1 else ''}; nothing was written.", file=sys.stderr)
        return 1
    except OSError as exc:
        _print(report)
        print(f"{display_path(exc.filename or '')}: error: {exc.strerror}", file=sys.stderr)
        return 1
    _print(report)
    if not args.quiet:
        for path in written:
            print(f"  wrote {display_path(path)}", file=sys.stderr)
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _print(report: Report) -> None:
    for diagnostic in report.sorted():
        print(diagnostic, file=sys.stderr)
