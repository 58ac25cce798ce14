"""The preview server: the edition as one HTML page in a browser, kept up to date.

In: the `State` that the watcher and the background layout update, the edition directory, and the
private directory the preview HTML and the last PDF are written to.  Out: HTTP on 127.0.0.1 only:
`/` (the edition, or the located problems of the last save, under the preview's status bar),
`/events` (Server-Sent Events: the state as JSON at every change), `/pdf` (the last PDF laid out),
`/source/PATH` (a file of the edition or a template, its lines numbered), `/assets/...` (the print
HTML's CSS and fonts) and the preview's own `/preview.css` and `/preview.js`.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import mimetypes
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from markupsafe import Markup

from ..diagnostics import Diagnostic
from ..render import templating

OWN = templating.TEMPLATES / "preview"  # the preview's stylesheet, script and page templates
KEEPALIVE = 15.0  # seconds between comments on an idle event stream: a closed tab ends its thread
HEAD = '<link rel="stylesheet" href="/preview.css">\n<script src="/preview.js" defer></script>\n'


@dataclasses.dataclass(frozen=True)
class Problem:
    """A problem as the page lists it, `path:line:col: severity: message [code]`; `href` is the
    /source view of its line when the file is one the server shows."""

    location: str
    severity: str
    message: str
    code: str = ""
    href: str | None = None

    @classmethod
    def of(cls, diagnostic: Diagnostic, files: Files) -> Problem:
        where = diagnostic.location
        return cls(str(where), diagnostic.severity, diagnostic.message, diagnostic.code,
                   files.href(where.path, where.line))

    def __str__(self) -> str:
        located = f"{self.location}: " if self.location else ""
        return f"{located}{self.severity}: {self.message}" + (f" [{self.code}]" if self.code else "")


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The state at one moment: what / shows, and how the build and the layout stand."""

    boot: str  # this server's start: an open page reloads when the server restarts
    serial: int = 0  # counts every change
    page: int = 0  # counts the changes of what / shows (the edition, the problems)
    building: bool = True
    edition: Path | None = None  # the preview HTML of the last save; None while the sources have errors
    problems: tuple[Problem, ...] = ()  # of the last save
    pdf: str = "off"  # off, waiting (for the first good save), laying out, ready, failed
    pdf_pages: int = 0
    pdf_version: int = 0  # counts the PDFs laid out; 0: none yet
    layout_problems: tuple[Problem, ...] = ()  # why the last layout failed

    @property
    def page_id(self) -> str:
        return f"{self.boot}.{self.page}"

    def outcome(self) -> str:
        """The last save's: 'building…', '3 errors', 'ok', 'ok, 2 warnings'."""
        errors = sum(p.severity == "error" for p in self.problems)
        warnings = len(self.problems) - errors
        if self.building:
            return "building…"
        if errors:
            return count(errors, "error")
        return "ok" + (f", {count(warnings, 'warning')}" if warnings else "")

    def status(self) -> str:
        """The status bar: 'ok · PDF ready: 264 pages', '3 errors · PDF: laying out…'."""
        pdf = {"off": "",
               "waiting": f"PDF of an earlier save: {count(self.pdf_pages, 'page')}" if self.pdf_version else "",
               "laying out": "PDF: laying out…",
               "ready": f"PDF ready: {count(self.pdf_pages, 'page')}",
               "failed": "PDF: the layout failed"}[self.pdf]
        return " · ".join(filter(None, (self.outcome(), pdf)))

    def as_json(self) -> str:
        return json.dumps({"page": self.page_id, "status": self.status(), "pdf": self.pdf_version})


def count(n: int, word: str) -> str:
    """'1 error', '3 errors'."""
    return f"{n} {word}{'s' if n != 1 else ''}"


class State:
    """What the preview shows, shared by the watcher, the background layout and the server's
    threads; every change wakes the event streams."""

    def __init__(self, pdf: bool):
        self.now = Snapshot(f"{time.time_ns():x}", pdf="waiting" if pdf else "off")
        self.closed = False
        self._changed = threading.Condition()

    def update(self, show: bool = False, **fields) -> None:
        """Change the fields named; `show`: what / shows changed, the open pages reload."""
        with self._changed:
            now = self.now
            self.now = dataclasses.replace(now, serial=now.serial + 1, page=now.page + show, **fields)
            self._changed.notify_all()

    def next(self, seen: int, timeout: float) -> Snapshot | None:
        """The state once its serial is not `seen` (or as it is after `timeout`); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.now.serial != seen, timeout)
            return None if self.closed else self.now

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def inside(base: Path, relative: str) -> Path | None:
    """The file `relative` names under `base`, or None if it is none or lies outside (.., an
    absolute path, a symbolic link leading out)."""
    try:
        base = base.resolve()
        file = (base / relative).resolve()
    except (OSError, ValueError):  # a loop of links, a NUL byte
        return None
    return file if file.is_relative_to(base) and file.is_file() else None


class Files:
    """The files /source shows: those of the edition directory, and the templates."""

    def __init__(self, root: Path):
        self.roots = ((root, ""), (templating.TEMPLATES, "templates/"))

    def href(self, path: str, line: int = 0) -> str | None:
        """The /source link of a path as the build prints it (relative to the working directory)."""
        file = Path(path).resolve()
        for base, prefix in self.roots:
            if file.is_relative_to(base.resolve()) and file.is_file():
                relative = file.relative_to(base.resolve()).as_posix()
                return f"/source/{prefix}{quote(relative)}" + (f"#L{line}" if line else "")
        return None

    def find(self, relative: str) -> Path | None:
        for base, prefix in self.roots:
            if relative.startswith(prefix) and (file := inside(base, relative.removeprefix(prefix))):
                return file
        return None


class Server(http.server.ThreadingHTTPServer):
    """The preview's HTTP server on 127.0.0.1; one thread per request, an event stream per open page."""

    daemon_threads = True

    def __init__(self, port: int, state: State, files: Files, html_dir: Path, pdf: Path):
        super().__init__(("127.0.0.1", port), Handler)
        self.state, self.files, self.html_dir, self.pdf = state, files, html_dir, pdf

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a tab closed while it loaded: nothing to say
            super().handle_error(request, client_address)

    def page(self, lines: list[str] | None = None, title: str = "") -> str:
        """`/` (the edition, or the problems alone while the sources have errors), or the source
        view of a file's `lines`; the preview's status bar and problems on top of either."""
        now = self.state.now
        panel = templating.render("preview/panel.html.jinja", now=now, edition=now.edition is not None
                                  and lines is None)
        if lines is not None or now.edition is None:
            return templating.render("preview/page.html.jinja", panel=Markup(panel), lines=lines,
                                     title=title or "Preview: the sources have errors")
        text = now.edition.read_text(encoding="utf-8").replace("</head>", HEAD + "</head>", 1)
        return re.sub(r"<body\b[^>]*>", lambda m: f"{m.group(0)}\n{panel}", text, count=1)


class Handler(http.server.BaseHTTPRequestHandler):
    server: Server

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == "/":
            self._send(self.server.page().encode(), "text/html; charset=utf-8")
        elif path == "/events":
            self._events()
        elif path == "/pdf":
            self._file(self.server.pdf if self.server.state.now.pdf_version else None)
        elif path.startswith("/source/"):
            relative = path.removeprefix("/source/")
            file = self.server.files.find(relative)
            if file is None:
                self._file(None)
            else:
                lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
                self._send(self.server.page(lines, relative).encode(), "text/html; charset=utf-8")
        elif path in ("/preview.css", "/preview.js"):
            self._file(OWN / path[1:])
        elif path.startswith("/assets/"):
            self._file(inside(self.server.html_dir / "assets", path.removeprefix("/assets/")))
        else:
            self._file(None)

    def _file(self, file: Path | None) -> None:
        try:
            data = file.read_bytes() if file else None
        except OSError:
            data = None
        if data is None:
            self._send(b"Not found\n", "text/plain; charset=utf-8", 404)
        else:
            self._send(data, mimetypes.guess_type(file.name)[0] or "application/octet-stream")

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """The state as JSON at once and at every change, until the server closes or the page does."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        seen = -1
        while (now := self.server.state.next(seen, KEEPALIVE)) is not None:
            self.wfile.write(b": waiting\n\n" if now.serial == seen else f"data: {now.as_json()}\n\n".encode())
            self.wfile.flush()
            seen = now.serial

    def log_message(self, format: str, *args) -> None:
        """Quiet: the terminal shows the saves and the builds, not the requests."""
