"""Diagnostics as data: every problem found in the sources, with its location.

In: problems noticed by the reader, the schema and the checks.  Out: `Diagnostic` records,
collected in a `Report` and printed together as `path:line:col: severity: message [code]`.
Errors stop a build before anything is written; warnings are printed and the build goes on.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from .codes import CODES


@dataclasses.dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}" if self.line else self.path  # a whole file: no line


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    location: Location
    code: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message} [{self.code}]"


class SourceErrors(Exception):
    """Raised when a stage cannot go on; carries the report collected so far."""

    def __init__(self, report: "Report"):
        super().__init__(f"{len(report.errors)} error(s)")
        self.report = report


class Report:
    """Collects diagnostics from every stage; nothing is printed until the end.  Each code's
    severity is the table's (`codes.CODES`); a `strict` report makes every warning an error."""

    def __init__(self, strict: bool = False) -> None:
        self.items: list[Diagnostic] = []
        self.strict = strict

    def add(self, location: Location, code: str, message: str) -> None:
        severity = CODES[code].severity  # a code outside the table is a program error: KeyError
        self.items.append(Diagnostic(location, code, message, "error" if self.strict else severity))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise SourceErrors(self)

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=lambda d: (d.location, d.code, d.message))


def template_error(report: Report, exc) -> None:
    """Report a Jinja template's syntax error (jinja2.TemplateSyntaxError) at its file and line."""
    report.add(Location(display_path(exc.filename or exc.name or "templates"), exc.lineno or 0, 1 if exc.lineno else 0),
               "template-syntax", exc.message or "template syntax")


def display_path(path: Path | str) -> str:
    """A path as an editor would type it: relative to the working directory when inside it."""
    path = Path(path)
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
