"""build.py watch (edition/serve/): the preview served on 127.0.0.1, rebuilt at every save, the
problems of a broken save located and linked to their lines, the PDF laid out behind it, Ctrl-C."""

from __future__ import annotations

import io
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from pypdf import PdfReader

from edition.cli import main

SAVE_SHOWN = 2.5  # seconds from a save to its page being served (the editor's "within a second")


class Watcher:
    """A `build.py watch` process on a tiny edition, and what a browser would ask of it."""

    def __init__(self, edition: Path, out: Path, *options: str):
        self.edition = edition
        self.stderr = out.parent / "watch-stderr.txt"
        self.tmp = out.parent / "tmp"  # its temporary files, and its layout's
        self.tmp.mkdir(parents=True)
        with self.stderr.open("w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "build.py"), "watch", "--sources", str(edition), "--out", str(out),
                 "--port", "0", *options], stdout=subprocess.PIPE, stderr=stderr, text=True,
                env={**os.environ, "TMPDIR": str(self.tmp)})
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        line = self.process.stdout.readline() if ready else ""
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        if not found:
            self.process.kill()
            raise AssertionError(f"no address printed: {line!r} {self.stderr.read_text()}")
        self.url = found[0]
        self.stream = urllib.request.urlopen(f"{self.url}/events", timeout=60)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def page(self, path: str = "/") -> str:
        status, body = self.get(path)
        assert status == 200, path
        return body.decode()

    def state(self, until, timeout: float = 10.0) -> dict:
        """The first state the event stream sends for which `until(state)` is true."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.stream.readline().decode()
            if line.startswith("data: "):
                state = json.loads(line.removeprefix("data: "))
                if until(state):
                    return state
        raise AssertionError(f"no such state within {timeout} s")

    def save(self, name: str, text: str, before: dict) -> tuple[dict, float]:
        """Write a file of the edition; the state once the page has changed, and how long it took."""
        started = time.monotonic()
        (self.edition / name).write_text(text, encoding="utf-8")
        state = self.state(lambda s: s["page"] != before["page"] and "building" not in s["status"])
        return state, time.monotonic() - started

    def layouts(self) -> list[int]:
        """The processes of its background layouts."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self, signal_number: int = signal.SIGINT) -> int:
        self.stream.close()
        if self.process.poll() is None:
            self.process.send_signal(signal_number)
        try:
            return self.process.wait(30)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def watcher(tiny, tmp_path):
    running = []

    def start(*options: str) -> Watcher:
        running.append(Watcher(tiny, tmp_path / "out", *options))
        return running[-1]

    yield start
    for process in running:
        process.stop()


def test_the_preview_follows_every_save(watcher):
    w = watcher("--no-pdf")
    first = w.state(lambda s: s["status"] == "ok")
    assert "Second paragraph, see" in w.page()
    assert 'href="/preview.css"' in w.page() and "/preview.js" in w.page()
    source = (w.edition / "texts" / "A.xml").read_text(encoding="utf-8")

    edited, seconds = w.save("texts/A.xml", source.replace("Second paragraph", "A paragraph rewritten"), first)
    assert seconds < SAVE_SHOWN
    assert edited["status"] == "ok"
    assert "A paragraph rewritten, see" in w.page()

    broken, seconds = w.save("texts/A.xml", source.replace("Second paragraph", "An <hi>unclosed"), edited)
    assert seconds < SAVE_SHOWN
    assert re.fullmatch(r"\d+ errors?", broken["status"])
    page = w.page()
    assert "unclosed" not in page and 'class="preview-error"' in page
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "Second paragraph" in text)
    found = re.search(rf'<a href="(/source/texts/A.xml)#L{line}">[^<]*texts/A.xml:{line}:\d+</a>: error: '
                      r"[^<]*\[xml-syntax\]", page)
    assert found, page
    view = w.page(found[1])
    assert re.search(rf'id="L{line}"><a href="#L{line}">{line}</a>.*An &lt;hi&gt;unclosed', view)

    fixed, _ = w.save("texts/A.xml", source.replace("Second paragraph", "Mended"), broken)
    assert fixed["status"] == "ok"
    assert "Mended, see" in w.page() and "preview-error" not in w.page()

    settings = (w.edition / "edition.yaml").read_text(encoding="utf-8")
    wrong, _ = w.save("edition.yaml", settings.replace("slug: tiny", "slug: Tiny Edition!"), fixed)
    assert wrong["status"] == "1 error"
    assert re.search(r'<a href="/source/edition.yaml#L\d+">[^<]*edition.yaml:\d+:\d+</a>: error: .*\[settings-slug\]',
                     w.page())
    assert w.save("edition.yaml", settings, wrong)[0]["status"] == "ok"
    assert w.stop() == 0


def test_the_source_view_shows_only_the_edition_and_the_templates(watcher, tmp_path):
    w = watcher("--no-pdf")
    (tmp_path / "secret.txt").write_text("outside the edition")
    os.symlink(tmp_path / "secret.txt", w.edition / "texts" / "link.txt")
    assert "slug: tiny" in w.page("/source/edition.yaml")
    assert "&lt;body&gt;" in w.page("/source/templates/print/book.html.jinja")
    for path in ("/source/../secret.txt", "/source/%2e%2e/secret.txt", "/source/texts/..%2f..%2fsecret.txt",
                 f"/source/{tmp_path}/secret.txt", "/source//etc/passwd", "/source/texts/link.txt",
                 "/source/texts", "/source/templates/../pyproject.toml", "/assets/../../secret.txt",
                 "/assets/../tiny.html", "/pdf", "/nothing"):
        status, body = w.get(path)
        assert status == 404 and b"outside" not in body, path


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_stops_the_watcher_and_its_layout(watcher, signal_number):
    w = watcher()
    w.state(lambda s: "laying out" in s["status"])
    layouts = w.layouts()
    assert layouts  # the background layout is running
    assert w.stop(signal_number) == 0
    assert "Traceback" not in w.stderr.read_text()
    assert not list(w.tmp.iterdir())  # the preview's files removed, the layout's too
    assert not any(map(alive, layouts))


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"  # a zombie has stopped
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_the_pdf_follows_the_saves(watcher):
    w = watcher()
    ready = w.state(lambda s: "PDF ready" in s["status"], timeout=120)
    status, pdf = w.get("/pdf")
    assert status == 200 and pdf.startswith(b"%PDF")
    assert f"PDF ready: {len(PdfReader(io.BytesIO(pdf)).pages)} pages" in ready["status"]
    source = (w.edition / "texts" / "A.xml").read_text(encoding="utf-8")
    saved, _ = w.save("texts/A.xml", source.replace("Second paragraph", "Paragraph laid out anew"), ready)
    if "laying out" not in saved["status"]:
        w.state(lambda s: "laying out" in s["status"])
    first = w.layouts()
    assert first
    w.save("texts/A.xml", source.replace("Second paragraph", "Paragraph laid out again"), saved)
    deadline = time.monotonic() + 3  # interrupted at once, killed after 2 s at the latest
    while any(map(alive, first)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(alive, first))  # the newer save cancelled the older layout
    again = w.state(lambda s: s["pdf"] > ready["pdf"], timeout=120)
    assert again["pdf"] == ready["pdf"] + 1
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(w.get("/pdf")[1])).pages)
    assert "laid out again" in text and "anew" not in text


@pytest.mark.slow
def test_a_failed_layout_is_shown_as_a_broken_save_is(watcher, tmp_path):
    blocked = tmp_path / "out" / "preview" / "tiny.pdf"
    blocked.mkdir(parents=True)  # where the PDF goes: the layout cannot write it
    w = watcher()
    laying_out = w.state(lambda s: "laying out" in s["status"])
    failed = w.state(lambda s: "PDF: the layout failed" in s["status"], timeout=120)
    assert failed["status"].startswith("ok") and failed["page"] != laying_out["page"]  # open pages reload
    page = w.page()
    assert "The PDF layout failed" in page and "tiny.pdf: error: Is a directory" in page
    assert "Second paragraph, see" in page  # the edition stays
    blocked.rmdir()
    source = (w.edition / "texts" / "A.xml").read_text(encoding="utf-8")
    w.save("texts/A.xml", source.replace("Second paragraph", "Laid out at last"), failed)
    assert "The PDF layout failed" not in w.page()
    w.state(lambda s: "PDF ready" in s["status"], timeout=120)
    assert w.get("/pdf")[1].startswith(b"%PDF")


def test_watch_refuses_a_missing_directory_or_a_taken_port(tmp_path, capsys):
    assert main(["watch", "--sources", str(tmp_path / "none")]) == 1
    assert "no such directory" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["watch", "--sources", str(tmp_path), "--out", str(tmp_path / "out"),
                     "--port", str(taken.getsockname()[1])]) == 1
    assert "another --port" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing made when the watcher cannot start


def test_a_layout_killed_leaves_no_temporary_files(tmp_path, monkeypatch):
    """A layout that does not stop when interrupted is killed after GRACE seconds, and the
    directory of temporary files it was given is removed all the same."""
    from edition import pipeline
    from edition.serve import preview, relayout

    stubborn = tmp_path / "stubborn.py"  # stands for build.py: writes a temporary file, ignores Ctrl-C
    stubborn.write_text("import os, signal, tempfile, time\n"
                        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                        "tempfile.NamedTemporaryFile(delete=False).close()\n"
                        "open(os.path.join(os.environ['TMPDIR'], 'started'), 'w').close()\n"
                        "time.sleep(60)\n", encoding="utf-8")
    monkeypatch.setattr(relayout, "BUILD", stubborn)
    monkeypatch.setattr(relayout, "GRACE", 0.3)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    layout = relayout.Relayout(tmp_path, tmp_path / "out", preview.State(True), preview.Files(tmp_path),
                               tmp_path / "book.pdf", pipeline.Progress(quiet=True), scratch)
    layout.start("book")
    process = layout.process
    deadline = time.monotonic() + 10
    while not any(scratch.glob("*/started")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len([*scratch.glob("*/*")]) == 2  # its temporary file, in a directory of its own
    layout.cancel(wait=True)
    assert process.poll() == -signal.SIGKILL
    assert not list(scratch.iterdir())
