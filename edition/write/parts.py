"""The print HTML laid out in parts, each beginning on a recto, each by a job of its own.

In: the print HTML (print_html.py), the pages the last layout found, the settings, an executor
(workers.py) and a directory for the parts of the last build.  Out: a `Book`: its parts laid out
in order, with a blank verso wherever one would otherwise begin on a verso, each with what the
make-up needs of it (anchors, measured lines, bookmarks, warnings) and, once the book's numbers
are known, its PDF (`merge.py` puts them together).

The book's top-level sections that begin on a recto (a source's title page, a part's opening, a
chapter, an appendix; `book.css.jinja` breaks before each) cannot change how any other lays out.
Each is laid out as a document of its own (the front matter, before them, is one more) by
`part_job.run`, as `page_numbers.masked` gives it (no page number, folio or side of a margin note:
they are written into the laid-out boxes before its PDF is written), in parallel.  Each result is
kept under a digest of everything it depends on (the part's masked HTML, the assets, the program,
and for a written part the numbers and folio it prints): in memory for the build, and on disk
for the next build when its PDF is written.  A pass lays out only the parts whose HTML changed; a
rebuild after a change in one source, only that source's parts and the parts whose printed
numbers changed.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import hashlib
import math
import pickle
import re
import time
import typing
from collections import Counter
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from ..check import layout
from ..read.settings import Settings
from . import page_numbers, pagination, part_job, replace_atomically, stamp
from .print_html import ASSETS

# Classes of the body's sections that begin on a recto, each a part of its own.
RECTO_SECTIONS = {"part", "part-opening", "chapter", "appendix"}
FIRST_TEXT = {"part", "first"}  # the classes of the first source's title page: page 1
# The class of the back matter's sections, which print the text's page numbers at their own width
# (page_numbers.py): a layout made before any numbers are known leaves them out (`Parts.lay_out`)
BACK_MATTER = "appendix"
# A blank page, as WeasyPrint's :blank pages of the whole book: no running head, no folio.
BLANK = "@page :first { " + " ".join(f"@{box} {{ content: none; }}" for box in (
    "top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right")) + " }"
_ID = re.compile(r'\sid="([^"]+)"')
_PRINTS = re.compile(rf'{page_numbers.ATTRIBUTE}="([^"]*)"')
PDF_SCALE = 0.75  # PDF points per CSS pixel
RATE = 2e-5  # seconds a character of a part's HTML takes to lay out, until a layout is measured
WRITING = 0.6  # a part's writing, in its layout's seconds, until a writing is measured


@dataclasses.dataclass
class Part:
    """A piece of the print HTML that begins on a recto, as it is laid out."""

    key: str  # its first element's id ("" for a blank page)
    html: str  # its document, masked (page_numbers.masked)
    begins_text: bool  # the first source's title page: page 1
    prints: frozenset[str]  # the anchors whose pages its boxes print
    keyed: tuple[str, ...]  # the apparatus entries whose line keys it prints (page_numbers.keys)
    page_anchors: frozenset[str]  # its ids where a page may begin (the EPUB's page list)
    back: bool = False  # back matter (BACK_MATTER): laid out only once the text's page numbers are known
    ids: frozenset[str] = frozenset()  # the ids of its elements


class Piece(typing.NamedTuple):
    """A piece of the print HTML's body that begins on a recto (`split`)."""

    html: str
    begins_text: bool  # the first source's title page: page 1
    back: bool  # a section of the back matter (BACK_MATTER)


@dataclasses.dataclass
class Placed:
    """A part laid out, where it stands in the book."""

    part: Part | None  # None: a blank verso
    first: int  # its first page's index in the book
    number: int | None  # its first page's folio (None: before the text, or blank)
    laid: part_job.LaidPart
    written: tuple | None  # the folio, numbers and keys its PDF was written with; None: not written
    key: str  # its result's key in the cache


@dataclasses.dataclass
class Book:
    """The book laid out: its parts in order, each laid out alone."""

    placed: list[Placed]
    first_text: int  # the index of page 1 (the first source's title page)
    warnings: list[str]
    median: float = 0.0  # the book's median word space, in ems, as the make-up measured it (0: not measured)
    blank: tuple | None = None  # the blank verso's (job, layout, key), placed before a part that would begin on a verso
    left_out: tuple[str, ...] = ()  # the keys of the back matter's parts, not laid out yet (`Parts.lay_out`)

    @property
    def pages(self) -> int:
        return sum(len(p.laid.heights) for p in self.placed)

    @property
    def parts(self) -> list[Placed]:
        return [p for p in self.placed if p.part is not None]

    @property
    def ids(self) -> list[str]:
        """Each part's key (its first element's id)."""
        return [p.part.key for p in self.parts]

    def part_of(self, page: int) -> int:
        """The index (among `parts`) of the part the page belongs to."""
        return max(k for k, placed in enumerate(self.parts) if placed.first <= page)

    def anchor_pages(self) -> dict[str, int]:
        """Anchor id -> printed page number (arabic from page 1; the front matter's are 0 or less)."""
        found: dict[str, int] = {}
        for placed in self.placed:
            for index, anchors in enumerate(placed.laid.anchors, placed.first):
                for anchor in anchors:
                    found.setdefault(anchor, index - self.first_text + 1)
        return found

    def first_page_of(self, anchor: str) -> int:
        return next((placed.first + k for placed in self.placed for k, anchors in enumerate(placed.laid.anchors)
                     if anchor in anchors), 0)

    def measured(self) -> list[layout.PageMeasure]:
        """Every page's measure, indexed and labelled in the book (the parts' own are left as they are)."""
        labels = pagination.page_labels(self.pages, self.first_text)
        pages = []
        for placed in self.placed:
            for page in placed.laid.measured:
                index = placed.first + page.index
                lines = {id(line): _on_page(line, index) for line in page.lines}
                pages.append(dataclasses.replace(
                    page, index=index, label=labels[index], lines=list(lines.values()),
                    note_lines={note: [lines[id(line)] for line in rows] for note, rows in page.note_lines.items()}))
        return pages

    def page_starts(self) -> dict[int, tuple[str, int]]:
        """Page index -> where its text begins (pagination.page_starts, over the book)."""
        return {placed.first + k: start for placed in self.placed for k, start in placed.laid.starts.items()}

    def bookmarks(self) -> list[tuple[list, float]]:
        """Each page's bookmarks and height, in order: what `outline` makes the bookmark tree of."""
        return [page for placed in self.placed for page in zip(placed.laid.bookmarks, placed.laid.heights)]

    def relaid(self, entries: dict[str, tuple]) -> "Book":
        """The book with the parts `entries` names (key -> (job, layout, its key): a part laid out
        alone since) in their new layouts, placed again (a blank verso before any part that would
        begin on a verso); what they were written with is forgotten."""
        parts = [placed.part for placed in self.parts]
        done = [entries.get(placed.part.key) or (None, placed.laid, placed.key) for placed in self.parts]
        return _place(parts, done, self.blank, self.median, self.left_out)

    def pdfs(self) -> list[tuple[bytes, frozenset[str]]]:
        """Every part's PDF and the stand-in anchors in it, in order (`Parts.written` makes them)."""
        return [(placed.laid.pdf, placed.laid.phantoms) for placed in self.placed]


class Parts:
    """The parts of the book laid out, each by a job of its own (part_job.py) on the executor
    (workers.py: forked workers, or Dask's), each result kept in memory for the build and, when its
    PDF is written, on disk (`cache_dir`) for the next one, by a digest of all it depends on."""

    def __init__(self, settings: Settings, page_anchors, cache_dir: Path | None, executors: list) -> None:
        self.settings = settings
        self.epoch = part_job.source_date_epoch(settings)
        self.page_anchors = page_anchors  # ids of an output -> those where a page may begin
        self.cache_dir = cache_dir
        self.executors = executors  # a part goes back to the one that laid it out (part_job.KEEP_PAGES)
        self.home: dict[str, int] = {}  # a part's key -> the executor that last laid it out
        self.held: list[dict[str, tuple[str, int]]] = [{} for _ in executors]  # what each keeps (`_held`)
        self.last: dict[str, tuple[part_job.Job, part_job.LaidPart]] = {}  # a part's key -> its last job, laid out
        self.shares: dict[int, tuple[part_job.Job, float]] = {}  # id -> a job waiting, `_remaining` of its part's last
        self.memory: dict[str, part_job.LaidPart] = {}
        self.used: set[str] = set()  # the keys of the last book's parts
        self.program = stamp.program()
        self.whole: dict[str, tuple[float, int]] = {}  # a part's key -> (seconds, size) of its last whole layout
        self.writing: dict[str, float] = {}  # a part's key -> the seconds of its last writing alone
        self.queued: list[tuple] = []  # the work `alone` and `call` were asked, not sent yet (`_queue`)
        self.flight: dict = {}  # the futures of the work sent -> (executor, order, ticket, (job, key) of a part)
        self.ends = [0.0] * len(executors)  # when each executor's part layout sent last should end (monotonic)
        self.finished: list[tuple] = []  # (ticket, result) done, not given yet
        self.asked = 0  # how much work `_queue` was given: the order of the same priority's

    def lay_out(self, html_path: Path, pages: dict[str, int] | None, write: bool,
                numbers: typing.Callable[[Book], dict[str, int]] | None = None) -> Book:
        """The book laid out part by part.  A part laid out before in this build is not laid out
        again; with `write`, every part is written too, with the numbers `pages` (the pages found
        by the last layout or build) gives it, if they tell them all (a part laid out before, only
        written in, if its worker keeps it).  Without `pages` (no layout has told any number yet),
        the back matter is left out (`Book.left_out`): its HTML then prints none of the text's
        numbers, its indices none of their references, and it comes last, so that the text's
        numbers do not depend on it: the next pass, with the numbers, lays it out.  A part whose
        numbers `pages` does not tell (the back matter, in that pass: its folios; the contents,
        which print the pages of parts `pages` does not place) is written in the pass too, with
        those `numbers` gives of the book as placed once it is laid out, and so is a part written
        with other numbers than those, while the rest is being written (`_early`)."""
        head, bodies = split(html_path)
        parts, assets = self._parts(head, bodies), _assets(html_path.parent)
        left_out = tuple(part.key for part in parts if part.back and pages is None)
        # The ids of the parts `pages` does not place (the back matter, after a cold build's first
        # pass): a part that prints the page of one of them waits for `_early` (the contents)
        unplaced = frozenset().union(*(part.ids for part in parts if part.key not in (pages or {})))
        parts = [part for part in parts if part.key not in left_out]
        texts = page_numbers.keys(html_path.read_text(encoding="utf-8"))
        jobs, before_text = [], True
        for part in parts:
            before_text &= not part.begins_text
            number = None if before_text else 1 if part.begins_text else (pages or {}).get(part.key)
            known = write and pages is not None and (before_text or number is not None)
            known = known and (numbers is None or not part.prints & unplaced)
            jobs.append(self._job(part, html_path, number, _numbers(part, pages) if known else None,
                                  _keys(part, texts), assets))
        jobs.append(self._job(self._blank(head), html_path, None, (), (), assets))
        keys = [self._key(job, assets) for job in jobs]
        early = None
        if write and numbers is not None:
            early = functools.partial(self._early, parts, html_path, texts, assets, numbers, left_out)
        done = self._run(jobs, keys, reuse=not write, early=early)
        self.memory = {_layout_key(entry[2]): entry for entry in done}  # a build goes forward: its last parts
        return _place(parts, done, done[-1], left_out=left_out)  # the blank verso: the last job

    def _early(self, parts: list[Part], html_path: Path, texts: dict[str, str], assets: str, numbers,
               left_out: tuple[str, ...], jobs: list[part_job.Job], keys: list[str],
               entries: list[tuple | None]) -> dict[int, tuple[part_job.Job, str]]:
        """The jobs (and keys) that write the parts of the pass's `jobs` again with the numbers
        `numbers` gives of the book as `entries` (each job's (job, layout, key), None where not
        done yet: its layout of this build stands for it) place it, by the parts' places: those
        not written, and those written with other numbers; none if a part's layout is not known."""
        laid = [entry or self.memory.get(_layout_key(key)) for entry, key in zip(entries, keys)]
        if any(entry is None for entry in laid):
            return {}
        book = _place(parts, laid[:-1], laid[-1], left_out=left_out)  # the blank verso: the last job
        found = numbers(book)
        placed = {p.part.key: p for p in book.parts}
        again = {}
        for k, (part, job) in enumerate(zip(parts, jobs)):
            number = placed[part.key].number if job.number is not None or not job.write else None
            printed = (number, _numbers(part, found), _keys(part, texts))
            if not job.write or (job.number, job.numbers, job.keys) != printed:
                writing = self._job(part, html_path, *printed, assets)
                again[k] = (writing, self._key(writing, assets))
        return again

    def alone(self, ticket, priority: float, html_path: Path, key: str, stop: tuple | None = None) -> None:
        """Lay out the part named (its first element's id) of the print HTML at `html_path`, not
        written, unless a layout of it was made before in this build: `done` gives its entry (its
        job, its layout, its key) with `ticket`.  The layout is kept for the next layout of the
        book, and in the worker that made it, which only writes it in when its PDF is wanted.  With
        `stop` (`part_job.Job.stop`), the layout may end early, at a short page: one not
        `complete` is kept only in the worker, for the part's next layout."""
        head, bodies = split(html_path)
        assets = _assets(html_path.parent)
        body = next(piece for piece in bodies if (first := _ID.search(piece.html)) and first[1] == key)
        job = self._job(self._parts(head, [body])[0], html_path, None, None, (), assets)
        job = dataclasses.replace(job, stop=stop)
        key = self._key(job, assets)
        if (entry := self._found(job, key, reuse=True)) is not None:
            self.finished.append((ticket, entry))
        else:
            self._queue(priority, ticket, (job, key), part_job.run, job)

    def call(self, ticket, priority: float, function, *args) -> None:
        """Run `function(*args)` (of no part) on an executor: `done` gives its result with `ticket`."""
        self._queue(priority, ticket, None, function, *args)

    def done(self, wait: bool = True) -> list[tuple]:
        """(ticket, result) of some of what `alone` and `call` were asked, as soon as they are done
        (none once all are given; not `wait`: those done by now, maybe none).  A worker that is idle
        is given work when this is called (`dispatch`): what the results given last called for is
        queued by then (a part's trials after its layout are sent before another part's layout
        waiting)."""
        self.dispatch()
        if not self.finished and self.flight:
            finished, _ = concurrent.futures.wait(self.flight, timeout=None if wait else 0,
                                                  return_when=concurrent.futures.FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: self.flight[f][1]):
                home, _, ticket, of = self.flight.pop(future)
                result = future.result()
                if of is not None:  # a part's layout
                    result = self._finished(*of, result, home)
                    if result[1].complete:
                        self.memory[_layout_key(of[1])] = result
                self.finished.append((ticket, result))
        found, self.finished = self.finished, []
        return found

    def _queue(self, priority: float, ticket, of: tuple | None, function, *args) -> None:
        self.asked += 1
        self.queued.append((-priority, self.asked, ticket, of, function, args))

    def dispatch(self) -> None:
        """Send the queued work, the highest priority first, to the executors with nothing to do
        (any number to one that is not a local worker): a part's layout as `_home` places it, the
        seconds left of each busy executor's last part layout counted, and held back while the
        executor it goes to is busy.  A layout `_home` sends away from the executor that holds its
        part waits while an idle one has other work: its own work (or no worker's) comes first,
        whatever the priorities.  A part laid out on another worker is laid out whole there, and
        the layout its first worker keeps is of no more use: moved whenever that ended sooner while
        the pages were mended, 32 parts were laid out whole again in a cold 4x build (17.3 s of the
        workers' 190), 10 (2.5 s) once they waited so."""
        room = 1 if len(self.executors) > 1 else math.inf
        now = time.monotonic()
        for moving in (False, True):
            for item in sorted(self.queued):
                _, order, ticket, of, function, args = item
                busy = Counter(home for home, *_ in self.flight.values())
                # A busy executor's seconds left, never none (its layout may run past its estimate)
                load = [max(self.ends[home] - now, 1e-3) if busy[home] >= room else 0.0
                        for home in range(len(self.executors))]
                home = self._home(of[0], load) if of is not None else min(range(len(load)), key=load.__getitem__)
                holder = self._holder(of[0]) if of is not None else None
                if busy[home] < room and (moving or holder in (None, home)):
                    self.queued.remove(item)
                    self.ends[home] = now + load[home]
                    self.flight[self.executors[home].submit(function, *args)] = (home, order, ticket, of)

    def written(self, book: Book, found: dict[str, int], html_path: Path) -> Book:
        """The book with every part's PDF written with the numbers `found` gives (its layout's), and
        the line keys `html_path` (written with them) prints."""
        placed, assets = list(book.placed), _assets(html_path.parent)
        texts = page_numbers.keys(html_path.read_text(encoding="utf-8"))
        todo = [(k, self._job(p.part, html_path, p.number, _numbers(p.part, found), _keys(p.part, texts), assets))
                for k, p in enumerate(placed)
                if p.part is not None and p.written != (p.number, _numbers(p.part, found), _keys(p.part, texts))]
        keys = [self._key(job, assets) for _, job in todo]
        for (k, _), (job, laid, key) in zip(todo, self._run([job for _, job in todo], keys)):
            placed[k] = dataclasses.replace(placed[k], laid=laid, written=(job.number, job.numbers, job.keys), key=key)
        self.used = {p.key for p in placed}
        held = {anchor for p in placed for anchors in p.laid.anchors for anchor in anchors}
        missing = sorted({name for p in placed for name in p.laid.phantoms} - held)  # as WeasyPrint reports them
        return dataclasses.replace(book, placed=placed, warnings=book.warnings + [
            f"No anchor #{name} for internal URI reference" for name in missing])

    def prune(self) -> None:
        """Forget every part on disk that the last book does not hold."""
        if self.cache_dir is None or not self.cache_dir.is_dir():
            return
        for path in self.cache_dir.iterdir():
            if path.stem not in self.used:
                path.unlink()

    def _parts(self, head: str, bodies) -> list[Part]:
        parts = []
        for body, begins_text, back in bodies:
            ids = _ID.findall(body)
            parts.append(Part(next(iter(ids), ""), page_numbers.masked(document(head, body, None)), begins_text,
                              frozenset(_PRINTS.findall(body)), tuple(sorted(page_numbers.keys(body))),
                              frozenset(self.page_anchors(set(ids))), back, frozenset(ids)))
        return parts

    def _blank(self, head: str) -> Part:
        return Part("", document(head, f"<style>{BLANK}</style><div></div>", None), False, frozenset(), (), frozenset())

    def _job(self, part: Part, html_path: Path, number: int | None, numbers: tuple | None, keys: tuple,
             assets: str) -> part_job.Job:
        """The job of laying out `part`; writing it too, with its line `keys`, if its `numbers` are known."""
        printing = self.settings.printing
        job = part_job.Job(part.html, str(html_path), number if numbers is not None else None, numbers or (),
                           part.page_anchors, printing.hyphen_ladder, printing.short_page_lines,
                           printing.press_variant,
                           self.epoch, numbers is not None, printing.line_numbers, printing.line_numbering,
                           keys if numbers is not None else ())
        style = hashlib.sha256(f"{self.program}\0{assets}\0{job.ladder}\0{job.short}".encode()).hexdigest()[:32]
        return dataclasses.replace(job, name=_layout_key(self._key(job, assets)), part=part.key, style=style)

    def _key(self, job: part_job.Job, assets: str) -> str:
        """The digest of all a job's result depends on: its layout's (a prefix), then its numbers'."""
        fields = dataclasses.replace(job, base_url="", page_anchors=tuple(sorted(job.page_anchors)),
                                     number=None, numbers=(), keys=(), write=False, name="", part="", style="",
                                     stop=None)
        layout_digest = hashlib.sha256(f"{self.program}\0{assets}\0{fields!r}".encode()).hexdigest()[:32]
        numbers = f"{job.number}\0{job.numbers!r}\0{job.keys!r}" if job.write else "-"
        return f"{layout_digest}-{hashlib.sha256(numbers.encode()).hexdigest()[:16]}"

    def _run(self, jobs: list[part_job.Job], keys: list[str], reuse: bool = False, early=None) -> list[tuple]:
        """For each job and its key (`_key`), (the job whose result stands for it, that result,
        its key): kept from an earlier job of the same key (in this build, or on disk from the
        last); with `reuse`, from one laid out the same in this build, if written with other
        numbers; or else run, sent as the executors come free (`dispatch`), the layouts a worker
        keeps first (written, they stay kept), then the longest first.  With `early`, once every
        job that only lays out is done: `early` of the jobs, their keys and the entries done by
        then (None for the others) gives jobs (and keys) to run as well, by the places of those
        they stand for."""
        jobs, keys, count = list(jobs), list(keys), len(jobs)
        done = {k: entry for k, (job, key) in enumerate(zip(jobs, keys))
                if (entry := self._found(job, key, reuse)) is not None}
        longest = sum(self._estimate(job)[0] for job in jobs)  # a kept layout's priority: above all others'
        ahead = self._ahead([job for k, job in enumerate(jobs) if k not in done])
        for k in range(len(jobs)):
            if k not in done:
                kept = self._keeper(jobs[k].name) is not None
                rank = 2 if jobs[k].name in ahead else kept
                self._queue(self._estimate(jobs[k])[0] + longest * rank, ("run", k), (jobs[k], keys[k]),
                            part_job.run, jobs[k])
        laying = {k for k, job in enumerate(jobs) if not job.write}
        early = early if laying else None
        instead: dict[int, int] = {}  # a job's place -> that of the job that stands for it
        while True:
            if early is not None and laying <= done.keys():
                for k, (job, key) in early(jobs[:count], keys[:count], [done.get(k) for k in range(count)]).items():
                    instead[k] = len(jobs)
                    jobs.append(job)
                    keys.append(key)
                    self._queue(self._estimate(job)[0], ("run", instead[k]), (job, key), part_job.run, job)
                early = None
            if len(done) == len(jobs):
                break
            done.update((k, entry) for (_, k), entry in self.done())
        return [done[instead.get(k, k)] for k in range(count)]

    def _ahead(self, jobs: list[part_job.Job]) -> set[str]:
        """The names of the jobs to send before all others in a pass that writes: those that only
        lay their part out (the back matter, in the pass after a cold build's mending: its folios
        wait for its layouts, and its writing for its folios), if every part's layout then fits in
        what the workers keep (part_job.KEEP_PAGES each), so that none lets go of a layout waiting
        to be written; its pages counted at the rate of those laid out."""
        laying = [job for job in jobs if not job.write]
        if not laying or len(laying) == len(jobs) or not self.last:
            return set()
        known = [(len(job.html), len(laid.heights)) for job, laid in self.last.values()]
        rate = sum(pages for _, pages in known) / max(sum(size for size, _ in known), 1)
        pages = sum(pages for _, pages in known) + rate * sum(len(job.html) for job in laying
                                                              if job.part not in self.last)
        return {job.name for job in laying} if pages <= part_job.KEEP_PAGES * len(self.executors) else set()

    def _found(self, job: part_job.Job, key: str, reuse: bool) -> tuple | None:
        """The entry of a job kept from an earlier one of the same key (in this build, or on disk
        from the last); with `reuse`, from one laid out the same in this build, if written with
        other numbers; else None."""
        held = self.memory.get(_layout_key(key))
        if held is not None and (held[2] == key or reuse):
            return held
        laid = self._recall(key)
        return (job, laid, key) if laid is not None else None

    def _finished(self, job: part_job.Job, key: str, laid: part_job.LaidPart, home: int) -> tuple:
        """The entry of a job run on the executor `home`, what it keeps noted."""
        self._keep(key, laid)
        self.last[job.part] = (job, laid)
        self.shares.clear()
        if job.part:
            self.home[job.part] = home
        self._held(home, job, laid)
        self._timed(job, laid)
        return job, laid, key

    def _keeper(self, name: str) -> int | None:
        """The executor that keeps the layout of this name, if one does."""
        return next((home for home, held in enumerate(self.held) if name in held), None)

    def _held(self, home: int, job: part_job.Job, laid: part_job.LaidPart) -> None:
        """Note what the executor keeps once it has run the job, as part_job keeps it: the job's
        layout, last used, instead of any other of its part; the least lately used let go beyond
        KEEP_PAGES pages."""
        held, kept = self.held[home], part_job.kept_as(job, laid)
        for name in [name for name, (part, _) in held.items() if name == kept or (job.part and part == job.part)]:
            del held[name]
        held[kept] = (job.part, len(laid.heights))
        while len(held) > 1 and sum(pages for _, pages in held.values()) > part_job.KEEP_PAGES:
            del held[next(iter(held))]

    def _holder(self, job: part_job.Job) -> int | None:
        """The executor that keeps the job's layout, else the one that laid its part out last if it
        still keeps a layout of it (one that let it go lays it out whole, as any other would)."""
        held = self._keeper(job.name)
        if held is None and self._keeps(self.home.get(job.part), job.part):
            held = self.home[job.part]
        return held

    def _keeps(self, home: int | None, part: str) -> bool:
        """The executor `home` keeps a layout of the part, as `_held` notes what each keeps."""
        return home is not None and any(kept == part for kept, _ in self.held[home].values())

    def _home(self, job: part_job.Job, load: list[float]) -> int:
        """The executor for a job, its `load` (the seconds of the jobs sent to each) counted: the
        one that keeps the same layout (it only writes the numbers in); else the one that laid the
        part out last and still keeps that layout, which lays it out again from the first page the
        change reaches (incremental.py; the share of the pages after it, as the last layout placed
        them), if the jobs then end sooner than on the least busy; else the least busy."""
        laying, writing = self._estimate(job)
        writing *= job.write
        least = min(range(len(load)), key=load.__getitem__)
        held, cost = self._keeper(job.name), writing
        if held is None and self._keeps(self.home.get(job.part), job.part):
            held, cost = self.home[job.part], laying * self._remaining(job) + writing
        if held is None or max(load[held] + cost, load[least]) > max(load[least] + laying + writing, load[held]):
            held, cost = least, laying + writing
        load[held] += cost
        return held

    def _remaining(self, job: part_job.Job) -> float:
        """`_remaining` of the job after its part's last layout, found once while that is the last
        (`dispatch` places every job waiting each time it is called)."""
        held = self.shares.get(id(job))
        if held is None or held[0] is not job:
            held = self.shares[id(job)] = (job, _remaining(*self.last[job.part], job))
        return held[1]

    def _estimate(self, job: part_job.Job) -> tuple[float, float]:
        """The seconds a whole layout of the job's part takes, and its writing: as measured in this
        build, else in proportion to its HTML at the rate the parts measured took (writing: at the
        rate of their writings to their layouts)."""
        measured = self.whole.values()
        rate = sum(seconds for seconds, _ in measured) / sum(size for _, size in measured) if measured else RATE
        laying = self.whole[job.part][0] if job.part in self.whole else rate * len(job.html)
        both = [key for key in self.writing if key in self.whole]
        ratio = sum(map(self.writing.get, both)) / sum(self.whole[key][0] for key in both) if both else WRITING
        return laying, self.writing.get(job.part, laying * ratio)

    def _timed(self, job: part_job.Job, laid: part_job.LaidPart) -> None:
        """Note how long the job's part took to lay out whole, or to write alone."""
        if laid.made == part_job.WHOLE and not job.write and laid.complete:
            self.whole[job.part] = (laid.seconds, len(job.html))
        elif not laid.made and job.write:
            self.writing[job.part] = laid.seconds

    def _recall(self, key: str) -> part_job.LaidPart | None:
        path = self.cache_dir / f"{key}.pickle" if self.cache_dir else None
        if path is None or not path.is_file():
            return None
        try:
            return pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None

    def _keep(self, key: str, laid: part_job.LaidPart) -> None:
        if self.cache_dir is not None and laid.pdf is not None:
            replace_atomically(self.cache_dir / f"{key}.pickle", lambda tmp: tmp.write_bytes(pickle.dumps(laid)))


def _on_page(line: layout.Line, index: int) -> layout.Line:
    """A copy of the line (a plain dataclass) on the page `index`: 0.4 µs, where
    `dataclasses.replace` took 2.6 (the make-up copies every line of the book after each pass)."""
    moved = object.__new__(layout.Line)
    moved.__dict__.update(line.__dict__, page=index)
    return moved


def _place(parts: list[Part], done: list[tuple], blank: tuple, median: float = 0.0,
           left_out: tuple[str, ...] = ()) -> Book:
    """The parts in order, each with its (job, layout, key) (job None: not written), the blank
    verso's before any that would begin on a verso; `left_out`: the parts not laid out yet."""
    placed, page, first_text, warnings = [], 0, None, []
    for part, (job, laid, key) in zip(parts, done):
        if page % 2:  # a part begins on a recto
            placed.append(Placed(None, page, None, blank[1], (None, ()), blank[2]))
            page += 1
        if part.begins_text:
            first_text = page
        number = page - first_text + 1 if first_text is not None else None
        written = (job.number, job.numbers, job.keys) if job is not None and job.write else None
        placed.append(Placed(part, page, number, laid, written, key))
        page += len(laid.heights)
        warnings += laid.warnings
    return Book(placed, first_text or 0, warnings, median, blank, left_out)


def outline(pages: list[tuple[list, float]]) -> list:
    """The bookmark tree of the pages (`Book.bookmarks`: each page's bookmarks and height), in the
    form of WeasyPrint's `make_bookmark_tree(0.75, transform_pages=True)`: each bookmark (label,
    (page, x, y) in PDF points from the page's foot, children, state) a child of the last one
    before it of a lower level (tests/test_merge.py compares the two)."""
    root: list = []
    open_: list[tuple[int, list]] = []  # the bookmarks that may take children: (level, children)
    for number, (bookmarks, height) in enumerate(pages):
        for level, label, (x, y), state in bookmarks:
            while open_ and open_[-1][0] >= level:
                open_.pop()
            children: list = []
            (open_[-1][1] if open_ else root).append(
                (label, (number, x * PDF_SCALE, y * -PDF_SCALE + height * PDF_SCALE), children, state))
            open_.append((level, children))
    return root


def _remaining(before: part_job.Job, laid: part_job.LaidPart, after: part_job.Job) -> float:
    """The share of a part's pages a worker lays out again for `after`, holding the layout of
    `before` (`laid`): those from the page before the one holding the last id ahead of the first
    difference between their HTML (all of them if it wrote numbers into that layout)."""
    if before.write or before.style != after.style:
        return 1.0
    common = _common_prefix(before.html, after.html)
    last = None
    for last in _ID.finditer(after.html, 0, common):
        pass
    if last is None or not laid.anchors:
        return 1.0
    page = next((k for k, anchors in enumerate(laid.anchors) if last[1] in anchors), 0)
    return 1 - max(page - 1, 0) / len(laid.anchors)


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of `a` and `b`."""
    low, high = 0, min(len(a), len(b))
    while low < high:  # a[:low] == b[:low]
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _layout_key(key: str) -> str:
    return key.partition("-")[0]


def _numbers(part: Part, pages: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """The numbers the part's boxes print, as `pages` gives them (the half-title's page with them:
    the front matter's labels count from it)."""
    keys = part.prints | {"half-title"} if part.prints else frozenset()
    return tuple(sorted((key, pages[key]) for key in keys if key in pages))


def _keys(part: Part, texts: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The line keys the part prints, as `texts` (page_numbers.keys of the book) gives them."""
    return tuple((key, texts[key]) for key in part.keyed if key in texts)


def _assets(directory: Path) -> str:
    """The digest of the print HTML's assets (stylesheet, fonts, images)."""
    digest = hashlib.sha256()
    for path in sorted((directory / ASSETS).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def split(html_path: Path | str) -> tuple[str, tuple[Piece, ...]]:
    """The print HTML's head, and its body cut before every section that begins on a recto, each
    piece with whether it begins the text (the first source's title page, page 1) and whether it
    is back matter; the HTML is given by its path, or as a string.  Each such section begins a
    piece of its own, but for the one after a source's title page, which goes with it (a title
    page is not laid out alone); the pieces of a source are the same whatever comes before it."""
    return _split(html_path.read_text(encoding="utf-8") if isinstance(html_path, Path) else html_path)


def forget() -> None:
    """Let go of the print HTML `split` keeps (the last two): a make-up that ends calls it."""
    _split.cache_clear()


@functools.lru_cache(maxsize=2)  # the make-up digests a part's HTML, then lays the part out from it
def _split(html: str) -> tuple[str, tuple[Piece, ...]]:
    root = lxml_html.fromstring(html)
    head = etree.tostring(root.find("head"), method="html", encoding="unicode")
    body = root.find("body")
    pieces: list[tuple[list[str], bool, bool]] = [([body.text or ""], False, False)]
    held = None  # what the last piece holds: nothing yet, a source's "title" page alone, or "more"
    for child in body:
        classes = set((child.get("class") or "").split())
        if child.tag == "section" and classes & RECTO_SECTIONS and ("part" in classes or held == "more"):
            pieces.append(([], classes >= FIRST_TEXT, BACK_MATTER in classes))
            held = None
        held = "title" if held is None and "part" in classes else "more"
        pieces[-1][0].append(etree.tostring(child, method="html", encoding="unicode"))
    # Each piece without the white space after it, which depends on what follows it in the book
    return f'<html lang="{root.get("lang", "")}">{head}', tuple(Piece("".join(html).rstrip(), first, back)
                                                                for html, first, back in pieces)


def digests(html: str, css: str) -> tuple[dict[str, str], dict[str, str]]:
    """The parts of a print HTML: each part's id (its first element's) -> a digest of what its
    layout depends on (its HTML but for page numbers and sides, the head, the stylesheet); and each
    id in the book -> the id of its part."""
    head, bodies = split(html)
    found, owners = {}, {}
    for body, *_ in bodies:
        ids = _ID.findall(body)
        if not ids:
            continue
        found[ids[0]] = hashlib.sha256((css + head + page_numbers.masked(body)).encode()).hexdigest()[:20]
        owners.update((key, ids[0]) for key in ids)
    return found, owners


def document(head: str, body: str, number: int | None) -> str:
    """A part's HTML: the book's head, its counter set to its first page's number (arabic from the
    first text page; the front matter counts from 1 on its own)."""
    counter = f"<style>@page :first {{ counter-reset: page {number}; }}</style>" if number is not None else ""
    return f"<!DOCTYPE html>{head.replace('</head>', counter + '</head>')}<body>{body}</body></html>"


