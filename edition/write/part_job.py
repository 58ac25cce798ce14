"""One part of the book laid out, in whatever process runs it: what the make-up needs of it, and its PDF.

In: a `Job`: the part's HTML as `page_numbers.masked` gives it, where its assets are, its first
page's folio, the page numbers its boxes print and the apparatus's line keys, the ids a page may begin at (the EPUB's page
list), and whether to write its PDF.  Out: a `LaidPart`: each page's anchors, bookmarks and
height, its measured lines (`check.layout.measure`), where each page's text begins, WeasyPrint's
warnings; and, when asked, its PDF, tagged, with the numbers, folios and margin sides written into
the laid-out boxes (`page_numbers`), and the names it links to in other parts.

Both are plain data, so a job runs in any process (a forked worker, a Dask worker on another
machine) and its result can be kept on disk (`parts.Parts`).  A process keeps the parts it laid
out last (up to KEEP_PAGES pages): a job of the same layout with other numbers only writes them
in, and a job of the same part with other HTML (its corrections changed) lays it out again only
where the changes reach (`incremental.py`), unless numbers were written into the kept layout's
boxes.  A layout is millions of objects: a job runs with the collector off and all its process
held before set aside (`gc.freeze`), and is set aside with it after (the collector's passes took
a quarter of a worker's time when they looked at all, and 18 s of a worker's 200 in a cold build
while they ran during the layouts).  A kept layout let go (or the pages of it a layout again did
not take over) is freed at once, its cycles broken (`cycles.py`), so a job leaves no layout in
cycles, and no pass looks for what it left (one after each, over the layout it made, found nothing
in a cold 1x build, nor at 4x but in the passes over all, and took 0.43 s and 4.4 s); the collector
looks at everything again once LET_GO_PAGES pages of kept layouts have been let go, for the few
cycles left (a document's URL fetcher: urllib's opener and its handlers point at each other).

WeasyPrint drops a link whose anchor is not in the document: a name this part links to in another
one is given a stand-in anchor on its first page, which `merge.py` replaces with the real one.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import datetime as dt
import gc
import logging
import os
import time

from ..check import layout
from . import (cycles, font_subset, incremental, layout_fixes, line_numbers, page_numbers, pagination, pdf_writing,
               shared_styles, stylesheets)

_fonts = None  # this process's FontConfiguration: the book face is loaded and shaped once per process
_fonts_pid = None  # the process that made it: a forked one makes its own (they would share its font files)
# Pages of laid-out parts a process keeps, to write them with other numbers and lay them out again
# where a change reaches: all a worker lays out of the 4x bench edition (1,008 pages).  Keeping
# 600, a cold 4x build took 118.4 s and a worker peaked at 783 MiB (VmHWM); keeping 300, 123.9 s
# and 603 MiB.
KEEP_PAGES = 600
_kept: dict[str, "_Kept"] = {}  # a layout's name -> the layout, least lately used first
LET_GO_PAGES = 1000  # pages of kept layouts let go before the collector looks at all the process holds
_let_go = 0  # pages of kept layouts let go since it last did
WHOLE, AGAIN = "whole", "again"  # how a job laid its part out (`LaidPart.made`)
PARTIAL = "~partial"  # the name of a kept layout ended early: its job's name and this


@dataclasses.dataclass(frozen=True)
class Job:
    html: str  # the part's document, masked
    base_url: str  # where its assets are (the print HTML's path)
    number: int | None  # its first page's folio; None: the front matter, counting from 1 on its own
    numbers: tuple[tuple[str, int], ...]  # the page of each anchor its boxes print (sorted)
    page_anchors: frozenset[str]  # the ids where a page may begin (pagination.anchors)
    ladder: int  # hyphenated line ends in a row, at most (layout_fixes)
    short: float  # lines a page may end early before a table row breaks (row_breaks)
    variant: str  # the PDF/X variant WeasyPrint writes
    epoch: int  # SOURCE_DATE_EPOCH for the PDF's dates
    write: bool  # write its PDF (else only lay it out)
    line_every: int = 0  # every this many lines of a paragraph numbered in the margin (line_numbers.py)
    line_restart: str = line_numbers.PARAGRAPH  # the count starts again with each paragraph or page
    keys: tuple[tuple[str, str], ...] = ()  # the line key of each apparatus entry it prints (page_numbers.keys)
    name: str = ""  # its layout's digest: a process that kept this layout does not lay it out again
    part: str = ""  # the part's key (its first element's id): a new layout of it supersedes the one kept
    style: str = ""  # the digest of all its layout depends on but its HTML: a kept layout of the part
    # with the same is laid out again only where its changes reach (incremental.py)
    # (floor, limits, pitch): a layout ended at the page after the first one from the page `floor` on
    # that ends short (`layout.short_pages`), for its mending; else laid out to its end
    stop: tuple | None = None


@dataclasses.dataclass
class LaidPart:
    anchors: list[list[str]]  # each page's anchor ids, in WeasyPrint's order
    bookmarks: list[list[tuple]]  # each page's (level, label, (x, y), state), as WeasyPrint has them
    heights: list[float]  # each page's height (CSS px)
    measured: list[layout.PageMeasure]  # indices and labels from 0 within the part
    # page index -> where its text begins (pagination.page_starts): the EPUB's page list, which only
    # a written part's give (the book's are all written); else empty
    starts: dict[int, tuple[str, int]]
    warnings: list[str]
    pdf: bytes | None = None  # written: its PDF
    phantoms: frozenset[str] = frozenset()  # names it links to in other parts (stand-in anchors)
    # How long the job took, and how it laid the part out (WHOLE: from its first page; AGAIN: from a
    # kept layout of the part; "": it kept the very layout): parts.py plans the next jobs by them
    seconds: float = dataclasses.field(default=0.0, compare=False)
    made: str = dataclasses.field(default="", compare=False)
    given: int = dataclasses.field(default=0, compare=False)  # AGAIN: the pages the kept layout gave back
    complete: bool = True  # False: a `Job.stop` ended it early (its pages are the part's first)


def run(job: Job) -> LaidPart:
    """Lay the part out, or take its layout if this process kept it (and write it, if asked)."""
    import weasyprint

    font_config = fonts()
    began, how = time.perf_counter(), ""
    with laying_out(job.ladder, job.short, collect=False), _warnings() as warnings:
        kept = _kept.pop(job.name, None)
        if kept is None:
            earlier = _earlier(job)
            measures = dict(earlier.measures) if earlier is not None else {}
            document, made = incremental.render(job.html, job.base_url, font_config, warnings,
                                                earlier and earlier.made, _stop(job, measures))
            measures = {id(page): measures[id(page)] for page, *_ in made.bare if id(page) in measures}
            if earlier is not None:  # its pages not taken over freed at once
                cycles.broken(earlier.made.bare, made.bare)
            kept, how = _Kept(document, list(warnings), job.part, job.style, made, measures,
                              profiles=stylesheets.profile_sources(document.color_profiles)), AGAIN if earlier else WHOLE
        document = kept.document
        pages = document.pages
        if job.write:
            kept.written, kept.measures = True, {}
            if job.number is not None:
                page_numbers.folios(pages, job.number)
            page_numbers.fill(pages, dict(job.numbers))
            page_numbers.fill_keys(pages, dict(job.keys))
            line_numbers.number(pages, job.line_every, job.line_restart)
            page_numbers.sides(pages)
        laid = LaidPart(
            anchors=[list(page.anchors) for page in pages],
            bookmarks=[list(page.bookmarks) for page in pages],
            heights=[page.height for page in pages],
            measured=layout.counted([_measured(kept.measures, page._page_box, k) for k, page in enumerate(pages)]),
            starts=pagination.page_starts(document, job.page_anchors) if job.write else {},
            warnings=kept.warnings, complete=kept.made.complete)
        if job.write:
            laid.phantoms = _stand_ins(pages)
            document.fonts = {}  # WeasyPrint's fonts of a last writing hold the glyphs it drew, in its order
            document.color_profiles = stylesheets.profiles_again(kept.profiles)  # and its profiles, what it read
            with epoch(job.epoch), pdf_writing.quicker(), font_subset.harfbuzz():
                laid.pdf = document.write_pdf(pdf_variant=job.variant, pdf_tags=True)
            for name in laid.phantoms:
                del pages[0].anchors[name]
        _keep(kept_as(job, laid), kept)
    laid.seconds, laid.made, laid.given = time.perf_counter() - began, how, kept.made.given if how else 0
    return laid


def _stop(job: Job, measures: dict):
    """For a job with `stop`, the `stop` of incremental.render: true at a page made after a short
    one from the floor on (as `layout.short_pages` finds them, a page and the next measured, into
    `measures`)."""
    if job.stop is None:
        return None
    floor, limits, pitch = job.stop

    def stop(index: int, page_boxes: list) -> bool:
        if index <= floor:
            return False
        pair = [dataclasses.replace(_measured(measures, page_boxes[k], k), index=k - index + 1)
                for k in (index - 1, index)]
        return bool(layout.short_pages(pair, limits, pitch))
    return stop


def _measured(measures: dict, page_box, index: int) -> layout.PageMeasure:
    """The page's measure (`layout.measure_page`), taken once: `measures` holds those taken, by
    their page box (a page a layout gives back is the kept layout's box, laid out as it was).
    Their lines' `word_index` is left to `layout.counted`."""
    held = measures.get(id(page_box))
    if held is None or held[0] is not page_box or held[1].index != index:
        held = measures[id(page_box)] = (page_box, layout.measure_page(page_box, index, ""))
    return held[1]


def kept_as(job: Job, laid: LaidPart) -> str:
    """The name a process keeps the job's layout by: a layout ended early is not the job's whole
    layout, and is kept only for a layout of its part again (`_earlier`)."""
    return job.name if laid.complete else f"{job.name}{PARTIAL}"


def fonts():
    """This process's WeasyPrint FontConfiguration, made once: the book's faces are loaded once per
    process.  A forked process makes its own (they would share its font files), and lets go of
    the layouts the process it was forked from kept."""
    from weasyprint.text.fonts import FontConfiguration

    global _fonts, _fonts_pid
    if _fonts is not None and _fonts_pid != os.getpid():
        _fonts._folder = None  # their files stay for the parent (WeasyPrint removes its folder when let go)
        _fonts = None
        forget()
    if _fonts is None:
        _fonts, _fonts_pid = FontConfiguration(), os.getpid()
        atexit.register(_forget_fonts)  # while WeasyPrint's libraries are still there to free it
    return _fonts


def warm() -> None:
    """In a worker, before its first job: WeasyPrint imported, the fonts configured."""
    import weasyprint  # noqa: F401

    fonts()


@contextlib.contextmanager
def keeping():
    """The layouts this process makes inside kept (one job: the parts are laid out here), and let
    go of on the way out, whatever happened inside."""
    try:
        yield
    finally:
        forget()


def forget() -> None:
    """Let go of the layouts this process kept, and of all it set aside."""
    global _let_go
    _kept.clear()
    gc.unfreeze()
    _let_go = 0


@dataclasses.dataclass
class _Kept:
    document: object  # WeasyPrint's
    warnings: list[str]  # WeasyPrint's warnings while it was laid out
    part: str  # Job.part
    style: str  # Job.style
    made: incremental.Layout  # how it was made, for a layout of the part again
    measures: dict  # its pages' measures as taken (`_measured`), for its pages a layout gives back
    written: bool = False  # numbers, folios and sides written into its boxes: no layout begins from it
    profiles: dict = dataclasses.field(default_factory=dict)  # its colour profiles as read (`stylesheets.profile_sources`)


def _earlier(job: Job) -> _Kept | None:
    """A kept layout of the job's part with the same style, let go of (its pages become the new
    layout's); None if there is none, or if numbers were written into it (then freed)."""
    name = next((name for name, kept in _kept.items() if job.part and (kept.part, kept.style) == (job.part, job.style)),
                None)
    if name is None:
        return None
    kept = _let_go_of(name)
    if kept.written:
        _freed(kept)
        return None
    return kept


def _keep(name: str, kept: _Kept) -> None:
    """Keep the layout by `name` for another job of the same part (its numbers written again),
    instead of any other layout of the part (a part laid out anew, its corrections changed, is not
    laid out as before again); the least lately used let go beyond KEEP_PAGES."""
    for other_name in [other_name for other_name, other in _kept.items() if kept.part and other.part == kept.part]:
        _freed(_let_go_of(other_name))
    _kept[name] = kept
    while len(_kept) > 1 and sum(len(other.document.pages) for other in _kept.values()) > KEEP_PAGES:
        _freed(_let_go_of(next(iter(_kept))))


def _freed(kept: _Kept) -> None:
    """A kept layout let go for good: freed at once, its cycles broken."""
    cycles.broken(kept.made.bare)


def _let_go_of(name: str) -> _Kept:
    global _let_go
    kept = _kept.pop(name)
    _let_go += len(kept.document.pages)
    return kept


@contextlib.contextmanager
def laying_out(ladder: int, short: float, collect: bool = True):
    """What a worker lays a document out in (a part, trial paragraphs): the collector set aside
    (`set_aside`, with `collect`), the make-up's adjustments (`layout_fixes.applied`, with the limit of hyphenated
    lines in a row and of lines a page may end early), the stylesheets parsed once and the computed
    styles shared (shared_styles.py)."""
    with set_aside(collect), layout_fixes.applied(ladder, short), stylesheets.parsed_once(), shared_styles.applied():
        yield


@contextlib.contextmanager
def set_aside(collect: bool = True):
    """What runs inside (a job, a trial of paragraphs) with the collector off, and all the process
    held before set aside (`gc.freeze`: a forked worker's, all it has of its parent's, and the
    layouts it keeps); after it, if `collect`, what it left in reference cycles freed in one pass
    over its own objects (and, once LET_GO_PAGES pages of kept layouts have been let go, over all),
    and all the process holds set aside again.  The collector's passes during a job only found
    what it left in cycles again and again."""
    global _let_go
    gc.freeze()
    try:
        with cycles.collector_off():
            yield
    finally:
        if _let_go >= LET_GO_PAGES:
            gc.unfreeze()
            _let_go, collect = 0, True
        if collect:
            gc.collect()
        gc.freeze()


def _forget_fonts() -> None:
    global _fonts
    _fonts = None


def source_date_epoch(settings) -> int:
    """SOURCE_DATE_EPOCH if set, else noon UTC on the edition's date: the PDF's dates."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    moment = dt.datetime.combine(settings.date, dt.time(12), tzinfo=dt.timezone.utc)
    return int(moment.timestamp())


def _stand_ins(pages) -> frozenset[str]:
    """Give the first page an anchor for every name the part links to and does not hold; their names."""
    held = {name for page in pages for name in page.anchors}
    wanted = {target for page in pages for kind, target, _, _ in page.links if kind == "internal"}
    missing = frozenset(wanted - held)
    for name in sorted(missing):
        pages[0].anchors[name] = (0, 0, 0, 0)
    return missing


class epoch:
    """SOURCE_DATE_EPOCH set for what runs inside (WeasyPrint and fontTools read it), as it was after."""

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def __enter__(self) -> None:
        self.before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(self.epoch)

    def __exit__(self, *exc) -> None:
        if self.before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = self.before


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class _warnings:
    """WeasyPrint's warnings while a part is laid out."""

    def __enter__(self) -> list[str]:
        self.handler = _Collect()
        logging.getLogger("weasyprint").addHandler(self.handler)
        return self.handler.messages

    def __exit__(self, *exc) -> None:
        logging.getLogger("weasyprint").removeHandler(self.handler)
