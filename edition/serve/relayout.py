"""The PDF laid out again in the background after each good save.

In: the edition directory, the editor's output directory (the preview's layouts go to its
`preview/`), the preview's `State`, and a directory for the layouts' temporary files.  Out: a
draft PDF (`build.py build --draft --format pdf`, a process in a session of its own), copied to
the file /pdf serves once it is finished; its page count, or the problems that stopped it, in
the `State`.  A newer save cancels the layout under way: its whole process group is stopped,
and the directory of temporary files it was given (its TMPDIR: WeasyPrint's fonts, the make-up's
scratch HTML) removed, even when it had to be killed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pikepdf

from ..diagnostics import display_path
from ..pipeline import Progress
from ..write import makeup, replace_atomically
from .preview import Files, Problem, State

BUILD = Path(__file__).resolve().parents[2] / "build.py"
OUT = "preview"  # in the output directory: the preview's layouts, apart from the editor's builds
GRACE = 2.0  # seconds a cancelled layout has to remove its temporary files before it is killed
NICENESS = 10  # the layout yields the processor to the preview's rebuilds
# A problem as build.py prints it: path:line:col: severity: message [code] (line and column optional).
PRINTED = re.compile(r"^(?P<location>\S.*?(?::\d+){0,2}): (?P<severity>error|warning): (?P<message>.*?)"
                     r"(?: \[(?P<code>[a-z0-9-]+)\])?$")


class Relayout:
    """One layout at a time: `start` cancels the one under way and begins another."""

    def __init__(self, root: Path, out: Path, state: State, files: Files, pdf: Path, progress: Progress,
                 scratch: Path):
        self.root, self.out_dir, self.state, self.files, self.pdf = root, out / OUT, state, files, pdf
        self.progress, self.scratch = progress, scratch
        self.process: subprocess.Popen | None = None
        self.tmp: Path | None = None  # the temporary files' directory of the layout under way
        self.started = 0.0
        self.lock = threading.Lock()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name in (makeup.PAGES_CACHE, makeup.CORRECTIONS_CACHE):  # the first layout starts from the
            if (out / name).is_file() and not (self.out_dir / name).exists():  # editor's last build
                shutil.copyfile(out / name, self.out_dir / name)

    def start(self, slug: str) -> None:
        self.cancel()
        command = [sys.executable, str(BUILD), "build", "--draft", "--format", "pdf", "--quiet",
                   "--sources", str(self.root), "--out", str(self.out_dir)]
        tmp = Path(tempfile.mkdtemp(prefix="layout-", dir=self.scratch))
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True,
                                   env={**os.environ, "TMPDIR": str(tmp)})
        with contextlib.suppress(ProcessLookupError):  # it stopped at once: _finish says why
            os.setpriority(os.PRIO_PROCESS, process.pid, NICENESS)
        with self.lock:
            self.process, self.tmp, self.started = process, tmp, time.perf_counter()
        self.state.update(show=bool(self.state.now.layout_problems), pdf="laying out", layout_problems=())
        threading.Thread(target=self._finish, args=(process, tmp, self.out_dir / f"{slug}.pdf"), daemon=True).start()

    def cancel(self, wait: bool = False) -> None:
        """Stop the layout under way, if any, in the background (`wait`: before returning)."""
        with self.lock:
            (process, tmp), self.process, self.tmp = (self.process, self.tmp), None, None
        if process is not None and wait:
            _stop(process, tmp)
        elif process is not None:
            threading.Thread(target=_stop, args=(process, tmp), daemon=True).start()

    def _finish(self, process: subprocess.Popen, tmp: Path, pdf: Path) -> None:
        """Wait for a layout; unless it was cancelled, publish its PDF or its problems."""
        _, printed = process.communicate()
        shutil.rmtree(tmp, ignore_errors=True)
        with self.lock:
            if process is not self.process:
                return
            self.process = None
        seconds = time.perf_counter() - self.started
        try:
            if process.returncode == 0:
                replace_atomically(self.pdf, lambda tmp: shutil.copyfile(pdf, tmp))
                with pikepdf.open(self.pdf) as document:
                    pages = len(document.pages)
                self.state.update(pdf="ready", pdf_pages=pages, pdf_version=self.state.now.pdf_version + 1)
                self.progress.note(f"PDF ready: {pages} pages, {display_path(pdf)} ({seconds:.0f} s)")
                return
            problems = self._problems(printed)
        except (OSError, pikepdf.PdfError) as exc:
            problems = [Problem(display_path(pdf), "error", str(exc))]
        self.state.update(show=True, pdf="failed", layout_problems=tuple(problems))
        print(f"  PDF: the layout failed ({seconds:.0f} s)", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)

    def _problems(self, printed: str) -> list[Problem]:
        """The errors a failed layout printed, each linked to its source; its last words when it
        printed none (a crash)."""
        found = []
        for line in printed.splitlines():
            match = PRINTED.match(line)
            if match and match["severity"] == "error":
                location = match["location"]
                path, _, line_col = location.partition(":")
                line_number = int(line_col.split(":")[0]) if line_col else 0
                found.append(Problem(location, "error", match["message"], match["code"] or "",
                                     self.files.href(path, line_number)))
        last = printed.strip().splitlines()[-1:] or ["it stopped without a word"]
        return found or [Problem("", "error", last[0])]


def _stop(process: subprocess.Popen, tmp: Path) -> None:
    """Interrupt a layout's process group (it removes its temporary files); kill it if it has not
    stopped after GRACE seconds; then remove what it left in `tmp`."""
    if process.poll() is None:  # else finished: its group may be another's by now
        try:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(GRACE)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:  # it had finished
            pass
    shutil.rmtree(tmp, ignore_errors=True)
