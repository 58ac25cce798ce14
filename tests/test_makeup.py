"""write/makeup.py: what the make-up asks of the layouts, with the layouts stood in for."""

from __future__ import annotations

import gc
import re
import types
import weakref

import pytest

from edition.write import makeup, part_job
from edition.write.line_numbers import LEMMA, LEMMA_FROM


def test_a_part_s_lemma_lines_replace_those_it_held_and_no_other():
    pages = {"p1": 3, f"{LEMMA}a": 5, f"{LEMMA_FROM}a": 4, f"{LEMMA}b": 9, f"{LEMMA_FROM}b": 8, f"{LEMMA}c": 2}
    found = makeup._with_lines(pages, {f"{LEMMA}a": 6, f"{LEMMA}b": 9, f"{LEMMA_FROM}b": 7})
    assert found == {"p1": 3, f"{LEMMA}a": 6, f"{LEMMA}b": 9, f"{LEMMA_FROM}b": 7, f"{LEMMA}c": 2}


def test_the_parts_the_loose_lines_respaced_are_those_holding_a_paragraph_whose_spacing_changed():
    """The parts the mending lays out again first, as the loose lines' corrections changed them:
    those holding a paragraph (or a display, `T2.8-display`) whose spacing differs, the book's own
    spacing ("") the same as none; not the parts whose spacings are as they were."""
    def placed(key, ids):
        part = makeup.parts.Part(key, "", False, frozenset(), (), frozenset(), ids=frozenset(ids))
        return makeup.parts.Placed(part, 0, None, None, None, key)

    book = makeup.parts.Book([placed("part-K", ["part-K", "K.1"]), placed("part-T2", ["part-T2", "T2.8"]),
                              placed("M.38", ["M.38", "M.38.1"])], 0, [])
    before = {"K.1": "spacing-tight-1", "M.38.1": "spacing-loose-1", "T2.8-display": ""}
    assert makeup._respaced(book, before, dict(before)) == set()
    assert makeup._respaced(book, before, before | {"K.1": ""}) == {"part-K"}
    assert makeup._respaced(book, before, before | {"T2.8-display": "display-tight", "gone": "x"}) == {"part-T2"}
    assert makeup._respaced(book, before, {"K.1": "spacing-tight-1", "M.38.1": "spacing-loose-1"}) == set()


def test_the_make_up_runs_with_the_collector_off_and_frees_what_it_left_in_cycles_after(monkeypatch, tmp_path):
    """The make-up's process holds the book's measured lines, renders and results: its layouts
    run with the collector off (as a worker's jobs do), which is on again after, whatever
    happened inside, and what the make-up left in reference cycles is freed then."""
    class Cycle:
        pass

    seen = []

    def executors():
        seen.append(gc.isenabled())
        cycle = Cycle()
        cycle.itself = cycle
        seen.append(weakref.ref(cycle))
        del cycle
        raise KeyboardInterrupt  # the editor stopped the build

    monkeypatch.setattr(makeup.workers, "executors", executors)
    monkeypatch.setattr(makeup, "contents_entries", lambda edition: set())
    monkeypatch.setattr(makeup.print_html, "Printer", lambda edition: None)
    edition = types.SimpleNamespace(targets={}, mentions=[], blocks={})
    assert gc.isenabled()
    with pytest.raises(KeyboardInterrupt):
        makeup.lay_out(edition, tmp_path, tmp_path, None)
    assert seen[0] is False and gc.isenabled()
    assert seen[1]() is None  # the cycle freed on the way out


class _Mending:
    """corrections.PartMending, mended in one layout."""

    def __init__(self, *_) -> None:
        self.pages, self.html_path = [], None

    def written(self, html_path):
        self.html_path = html_path

    def stop(self):
        return ("floor",)

    def laid_out(self, pages, complete=True):
        self.pages = pages

    def decide(self):
        return False


class _Layouts:
    """parts.Parts for the mending: each part laid out at once, its pages the layout's number."""

    def __init__(self) -> None:
        self.sent, self.waiting = [], []

    def alone(self, ticket, priority, html_path, key, stop=None):
        self.sent.append((html_path.read_text(encoding="utf-8"), stop))
        laid = part_job.LaidPart([], [], [], [len(self.sent)], {}, [])
        self.waiting.append((ticket, (None, laid, key)))

    def dispatch(self):
        pass

    def done(self, wait=True):
        found, self.waiting = self.waiting, []
        return found


@pytest.mark.parametrize("lines, laid_out", [
    # the lemma lines of each layout (by its number): the key's shape as the HTML prints it changes
    ([None, {f"{LEMMA}n": 7, f"{LEMMA_FROM}n": 6}, {f"{LEMMA}n": 8}, {f"{LEMMA}n": 8, f"{LEMMA_FROM}n": 7}],
     ["5", "6-7", "8"]),  # laid out again for its keys KEY_LAYOUTS times, no more
    ([None, {f"{LEMMA}n": 12}], ["5"]),  # another figure, the same shape: not laid out again
    ([None, {f"{LEMMA}n": 9, f"{LEMMA_FROM}n": 8}, {f"{LEMMA}n": 9, f"{LEMMA_FROM}n": 8}], ["5", "8-9"]),
])
def test_a_mended_part_is_laid_out_again_at_once_when_its_last_layout_changes_its_keys(monkeypatch, lines, laid_out):
    """Once a part's mending ends, its keys are written with the lines of its last layout; if that
    changes the part's HTML (masked: the shape of a key, not its figures), the part is laid out
    again to its end, from the worker's kept layout, at once, not in the next pass."""
    layouts = _Layouts()
    _, latest = makeup._mend_parts(*_mending(monkeypatch, lines, ["a"]), layouts, None, set())
    assert [re.sub("key ", "", html) for html, _ in layouts.sent] == laid_out
    assert [stop for _, stop in layouts.sent] == [("floor",)] + [None] * (len(laid_out) - 1)  # to its end
    assert latest["a"][1].measured == [len(laid_out)]


def test_the_mending_takes_the_results_in_while_it_sends_the_parts_out(monkeypatch):
    """The parts' first layouts are sent one by one as their HTML is written, and what the
    results in by then call for is sent before the next part's (a part the last pass laid out as
    it is now is in at once): part a's layout for its keys goes before part b's first."""
    layouts = _Layouts()
    lines = [None, {f"{LEMMA}n": 7, f"{LEMMA_FROM}n": 6}, {f"{LEMMA}n": 7, f"{LEMMA_FROM}n": 6}, {}, {}]
    makeup._mend_parts(*_mending(monkeypatch, lines, ["a", "b"]), layouts, None, set())
    assert [stop for _, stop in layouts.sent] == [("floor",), None, ("floor",)]


def _mending(monkeypatch, lines: list, keys: list[str]) -> tuple:
    """The arguments of `makeup._mend_parts` up to its layouts, for parts `keys` of a page each,
    each short, whose HTML is the key of a note 'n' (from the lemma lines `lines` of each layout,
    by its number): the edition, the printer, the pages, the corrections, the measures, the book."""
    def render(pages, corrections=None, only=None):
        line, first = pages.get(f"{LEMMA}n"), pages.get(f"{LEMMA_FROM}n")
        return f"key {first}-{line}" if first else f"key {line}", "css"

    def write(directory, pages, corrections=None, only=None):
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "book.html").write_text(render(pages)[0], encoding="utf-8")
        return directory / "book.html"

    shape = lambda html: dict.fromkeys(keys, re.sub("[0-9]+", "0", html))
    monkeypatch.setattr(makeup.typesetter, "PartMending", _Mending)
    monkeypatch.setattr(makeup.line_numbers, "lemma_lines", lambda measured, numbered, restart: lines[measured[0]])
    monkeypatch.setattr(makeup.layout, "short_pages", lambda measured, limits: [(k, 1.0) for k in range(len(keys))])
    monkeypatch.setattr(makeup.layout, "line_pitch", lambda measured: 14.0)
    monkeypatch.setattr(makeup, "_parts", lambda path: (shape(path.read_text(encoding="utf-8")), {}))
    monkeypatch.setattr(makeup.parts, "digests", lambda html, css: (shape(html), {}))
    settings = types.SimpleNamespace(printing=types.SimpleNamespace(line_numbering="paragraph"))
    edition = types.SimpleNamespace(blocks={}, sources=[], settings=settings)
    printer = types.SimpleNamespace(write=write, render=render)
    corrections = types.SimpleNamespace(remembered=set(), fills={}, splits={}, digests={})
    book = types.SimpleNamespace(ids=keys, part_of=lambda page: page, pages=len(keys), left_out=())
    return edition, printer, {f"{LEMMA}n": 5}, corrections, [], book


@pytest.mark.slow
def test_the_last_builds_pages_hold_every_page_the_contents_print(built):
    """A rebuild writes the contents in its first pass from the last build's pages
    (`makeup.PAGES_CACHE`): they hold the page of every entry the contents print (a source's
    parts that group its chapters with the rest), so that the contents are not written again
    once the pass has found the one it lacked."""
    import json

    html = built.html.read_text(encoding="utf-8")
    contents = html[html.index('<nav class="contents"'):html.index("</nav>")]
    printed = set(re.findall(r'data-page-of="([^"]+)"', contents))
    assert any(".part" in key for key in printed)  # M's parts
    assert printed <= set(json.loads((built.out / makeup.PAGES_CACHE).read_text(encoding="utf-8")))
