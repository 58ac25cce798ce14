"""Page make-up: the print HTML laid out again until what it prints from a layout holds.

In: the `Edition`, the directory for the print HTML, the output directory (for the caches of the
last build) and the build's progress.  Out: the `parts.Book`, every part laid out and its PDF
written with the book's page numbers (WeasyPrint's warnings with it, and UNSETTLED when the layout
never held), and the measured lines of every page (`check.layout.measure`).

A layout decides things the HTML must print: the page numbers of the contents, parallels and
appendices; the line each apparatus entry's lemma stands on; the side (recto or verso) each
margin number stands on; and the typesetter's
corrections (`corrections.py`) of paragraphs with a loose line and of pages that end short.  The
numbers and sides are written into the laid-out parts (`page_numbers.py`): they never call for
another layout.  As LaTeX reruns, the book is laid out again with what the last layout found
until that changes nothing but numbers and sides; a pass lays out again only the parts whose HTML
changed (parts.py).  The last build's pages, corrections and parts are cached in the output
directory, so that a rebuild of unchanged sources lays nothing out, and a change in one source
lays out and mends only the parts it changed.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import json
import tempfile
from collections import Counter
from pathlib import Path

from ..check import layout
from ..model.records import Edition
from ..render.html import SOURCE_PAGE
from . import corrections as typesetter
from . import cycles, line_numbers, page_numbers, pagination, part_job, parts, print_html, workers
from .print_html import contents_entries

MAX_LAYOUTS = 9
CONFIRMING = 2  # layouts kept at the end to confirm the corrections, making none
MENDING_ROUNDS = 2  # a second round mends the pages the first one's corrections upset
PAGES_CACHE = ".pages.json"  # the page of every cited anchor (and part) in the last layout
PARTS_CACHE = ".parts"  # the parts of the last build, laid out and written (parts.py)
CORRECTIONS_CACHE = ".corrections.json"  # paragraphs tried in every spacing; the last build's fills
LAST_PAGE = "*last-page"  # the key of the book's last page among the anchors' pages


UNSETTLED = f"the page numbers still moved after {MAX_LAYOUTS} layout passes; the last one is used"


def workers_for_layouts():
    """The make-up's workers (`workers.executors`), started now and made ready (`part_job.warm`)
    while `lay_out`, inside, writes the HTML: it lays the parts out on them."""
    return workers.executors(warm=part_job.warm)


def lay_out(edition: Edition, html_dir: Path, out_dir: Path, progress, limits: layout.Limits = layout.Limits(),
            draft: bool = False):
    """Lay the book out until its corrections hold, with its page numbers and sides filled in (a
    `draft` only uses the corrections earlier builds found, and tries none: a quicker proof for the
    editor).

    Loose lines are mended after every layout (their spacing depends on the paragraph alone);
    short pages right after, part by part, and only in the parts that changed since the last
    build (the others keep its corrections): a part the loose lines' corrections changed is laid
    out again as the first step of its mending.  The numbers the layout found need not hold yet
    (an apparatus key that gained a figure, a reference that became a range): each part being
    mended is laid out with them before its short pages are measured, and the next pass is
    written with those of its last layout.  A first layout with no numbers to print (no earlier
    build's) leaves the back matter out (`parts.Parts.lay_out`): the pass after the mending lays
    it out with the numbers of the mended text, and the second round of mending mends it (laid out
    before, with every number a placeholder and its indices empty, it was laid out and mended for
    nothing)."""
    cited = set(edition.targets) | {m.id for m in edition.mentions} | contents_entries(edition) | {LAST_PAGE}
    numbered = {block.id for block in edition.blocks.values() if block.id}  # whose lines the apparatus cites
    pages = _read(out_dir / PAGES_CACHE)  # the last build's pages: usually right, so one layout confirms them
    printer = print_html.Printer(edition)
    corrections = None
    mended = 0  # rounds of mending short pages, each from a layout whose page numbers hold
    holds = settled = False
    with _collector_off(), workers.executors() as executors, part_job.keeping():  # what this process kept let go after
        laid_out = parts.Parts(edition.settings, pagination.page_anchors(edition), out_dir / PARTS_CACHE,
                               executors)
        for attempt in range(1, MAX_LAYOUTS + 1):
            suffix = f" (pass {attempt})" if attempt > 1 else ""
            with progress.stage(f"write print HTML{suffix}"):
                html_path = printer.write(html_dir, pages, corrections)
                if corrections is None:  # the last build's, for the parts that have not changed since
                    stylesheet = _stylesheet(html_path)
                    corrections = typesetter.Corrections.load(out_dir / CORRECTIONS_CACHE)
                    corrections.recall(*_parts(html_path), draft)
                    html_path = printer.write(html_dir, pages, corrections)  # its fills and splits
                    typesetter.apply_known(corrections, html_path, limits)
                    html_path = printer.write(html_dir, pages, corrections)
                laid_out_html = page_numbers.masked(html_path.read_text(encoding="utf-8"))
            with progress.stage(f"lay out the book (pass {attempt})"):
                # The parts written too when `pages` are likely to be the book's: the last build's,
                # those of a layout that held, or those of the mended parts' last layouts (the pass
                # after the mending lays out again only the back matter, as a rule, which comes last).
                book = laid_out.lay_out(html_path, pages, write=pages is not None and (attempt == 1 or holds or settled),
                                        numbers=lambda placed: _numbers(placed, placed.measured(), numbered, edition))
                settled = False
            measured = book.measured()
            if attempt == 1:
                corrections.measure_median(stylesheet, measured)
            with progress.stage(f"find the page numbers{suffix}"):
                found = _numbers(book, measured, numbered, edition)
                # The HTML with the numbers of this layout: the same but for them if this layout holds.
                html_path = printer.write(html_dir, found, corrections)
                holds = not book.left_out and page_numbers.masked(html_path.read_text(encoding="utf-8")) == laid_out_html
            cited |= {key for key in found if key.startswith((SOURCE_PAGE, line_numbers.LEMMA, line_numbers.LEMMA_FROM))} | set(book.ids)  # margin notes' sides; parts' folios
            changed = False
            if attempt <= MAX_LAYOUTS - CONFIRMING:  # the last layouts only confirm
                with progress.stage(f"mend loose lines{suffix}"):
                    spaced = dict(corrections.spacing)  # as `html_path` sets its paragraphs
                    changed = typesetter.intrinsic(corrections, measured, html_path, limits, trying=not draft)
                if mended < MENDING_ROUNDS and not draft:
                    with progress.stage("mend short pages by part"):
                        # The parts the loose lines' corrections changed are laid out again as their
                        # short pages are mended, none waiting for the others' layouts.
                        respaced = _respaced(book, spaced, corrections.spacing)
                        mending, latest = _mend_parts(edition, printer, found, corrections, measured, book,
                                                      laid_out, limits, respaced)
                        changed |= mending
                        if latest:  # the next pass written with the numbers the parts' last layouts give
                            mended_book = book.relaid(latest)
                            found = _numbers(mended_book, mended_book.measured(), numbered, edition)
                            settled = True
                    mended += 1
            if holds and not changed:
                break
            pages = found
        else:
            book.warnings.append(UNSETTLED)
        with progress.stage("write the parts' PDFs"):
            book = laid_out.written(book, found, html_path)  # numbers, folios and sides written in
        laid_out.prune()
    book = dataclasses.replace(book, median=corrections.median)
    found = {k: v for k, v in sorted(found.items()) if k in cited}
    (out_dir / PAGES_CACHE).write_text(json.dumps(found), encoding="utf-8")
    if draft:
        corrections.save(out_dir / CORRECTIONS_CACHE)
    else:  # what each part's corrections were decided for: its HTML before any
        corrections.save(out_dir / CORRECTIONS_CACHE, parts.digests(*printer.render(found))[0])
    parts.forget()
    return book, book.measured()


@contextlib.contextmanager
def _collector_off():
    """The make-up's own process inside with the collector off, and what it left in reference
    cycles freed in one pass after.  It holds the book's measured lines, renders and results,
    hundreds of thousands of objects, and each of the collector's full passes looked at them all
    again: in a cold 4x build, 25 passes took 7.7 s of its 8.6 s in the collector (1.0 s once
    off, the pass after 0.3 s), for 7 MiB more at its peak (789 MiB); at 1x, 1.1 s (0.2 s)."""
    try:
        with cycles.collector_off():
            yield
    finally:
        gc.collect()


PART_LAYOUTS = 2  # layouts of a part while its short pages are mended, at most, for each of its pages
KEY_LAYOUTS = 2  # layouts of a part after its mending, for the keys of its last one, at most


def _mend_parts(edition: Edition, printer: print_html.Printer, pages: dict, corrections, measured,
                book: parts.Book, laid_out: parts.Parts, limits, respaced: set[str]) -> tuple[bool, dict[str, tuple]]:
    """Mend the short pages of each part that has any (in its layout in `book`, or in its layout
    again if it is one of `respaced`, whose HTML changed since) and has changed since the last
    build, each part laid out alone again after each correction, page by page, until none helps;
    whether any was made, and each part's last layout (its entry: job, layout, key).

    Each part is mended on its own (`corrections.PartMending`), as soon as its last layout or
    trials are done, while the others are laid out or tried on the executors: laid out (its first
    layout is the one the book was just made of, unless the numbers it found changed the part),
    its first short page mended, the paragraphs its plan reaches tried, and laid out again from
    where the correction reaches to the next short page (the layout ends there), from HTML
    written with the chapters of its source alone (the part is the same, and its layout's time
    does not grow with the book).  No part waits for another, and none's corrections depend on
    another's, nor on the order they are done in.  A part laid out PART_LAYOUTS times its pages is
    laid out to its end once more, with no more corrections.  Each part's last layout, which
    reaches its end, is kept, in the worker that made it, for the next pass and its PDF.

    A part's apparatus keys are written with the lines of its lemmas in the layout before the
    mending, and the mending moves them: once a part is mended, the keys of its last layout are
    written in, and if a key changed its shape (a line range became one line, a figure was gained)
    the part is laid out again at once (at most KEY_LAYOUTS times), from the layout its worker
    keeps, rather than in the next pass, when the worker may have let it go."""
    short = Counter(book.ids[book.part_of(page)] for page, _ in layout.short_pages(measured, limits))
    todo = [key for key in book.ids if (key in short or key in respaced) and key not in corrections.remembered]
    pitch = layout.line_pitch(measured)
    before = (dict(corrections.fills), dict(corrections.splits))
    digests = corrections.digests  # the book's paragraphs: a part's layouts read its source's alone
    mending = {key: typesetter.PartMending(corrections, limits, pitch) for key in todo}
    layouts = dict.fromkeys(todo, 0)
    numbered = {block.id for block in edition.blocks.values() if block.id}
    keyed: dict[str, dict] = {}  # a part's pages with the lemma lines of its mended layout
    laid_as: dict[str, str] = {}  # the digest of the HTML of a part's last layout (parts.digests)
    rekeyed = Counter()  # a part's layouts for its keys, after its mending
    shares: dict[str, list] = {}  # a part's trials' results, as they come
    latest: dict[str, tuple] = {}  # a part's last layout
    # The longest chains first (a part's layouts, each as long as its pages, as many as it has short
    # pages to mend, about), their trials (which the next layout waits for) before any layout
    pages_of = Counter(book.ids[book.part_of(page)] for page in range(book.pages))
    chain = {key: pages_of[key] * (1 + short[key]) for key in todo}
    most = {key: PART_LAYOUTS * pages_of[key] for key in todo}  # layouts while its short pages are mended
    trials = 1 + max(chain.values(), default=0)

    with tempfile.TemporaryDirectory() as tmp:
        def lay_out(key: str, last: bool = False) -> None:
            source = _source_of(edition, key)
            mending[key].written(printer.write(Path(tmp) / (source or "book"), keyed.get(key, pages), corrections,
                                               source))
            laid_as[key] = _parts(mending[key].html_path)[0][key]
            layouts[key] += 1
            last = last or layouts[key] > most[key]  # to its end, its corrections as they are
            laid_out.alone((key, None), chain[key], mending[key].html_path, key, None if last else mending[key].stop())

        def mended(key: str, measured: list) -> None:
            """The part's mending is done with the layout `measured` (its pages): laid out again if
            its keys change it."""
            if rekeyed[key] >= KEY_LAYOUTS:
                return
            source = _source_of(edition, key)
            keyed[key] = _with_lines(keyed.get(key, pages), line_numbers.lemma_lines(
                measured, numbered, edition.settings.printing.line_numbering))
            if parts.digests(*printer.render(keyed[key], corrections, source))[0][key] != laid_as[key]:
                rekeyed[key] += 1
                lay_out(key, last=True)

        def decide(key: str) -> None:
            decided = mending[key].decide()
            if isinstance(decided, list):  # the trials it reached, then it decides again
                shares[key] = [None] * len(decided)
                for share, call in enumerate(decided):
                    laid_out.call((key, share), trials + chain[key], *call)
            elif decided:
                lay_out(key)
            else:
                mended(key, mending[key].pages)

        def take(found: list[tuple]) -> None:
            for (key, share), result in found:
                if share is None:
                    if result[1].complete:
                        latest[key] = result
                    if layouts[key] <= most[key] and not rekeyed[key]:
                        mending[key].laid_out(result[1].measured, result[1].complete)
                        decide(key)
                    else:
                        mended(key, result[1].measured)
                    continue
                shares[key][share] = result
                if all(value is not None for value in shares[key]):
                    mending[key].tried(shares.pop(key))
                    decide(key)

        # Each part sent as soon as its HTML is written, and the results in by then taken (a part
        # the last pass laid out as it is now needs no layout: its result is in at once)
        for key in sorted(todo, key=lambda key: -chain[key]):
            lay_out(key)
            take(laid_out.done(wait=False))
        while found := laid_out.done():
            take(found)
    corrections.digests = digests
    return (corrections.fills, corrections.splits) != before, latest


def _with_lines(pages: dict, lines: dict[str, int]) -> dict:
    """`pages` with the lemma lines of a part's layout (`line_numbers.lemma_lines`) in place of
    those of its notes it held."""
    kept = dict(pages)
    for key in lines:
        if key.startswith(line_numbers.LEMMA):
            note = key.removeprefix(line_numbers.LEMMA)
            kept.pop(line_numbers.LEMMA + note, None)
            kept.pop(line_numbers.LEMMA_FROM + note, None)
    return kept | lines


def _numbers(book: parts.Book, measured, numbered: set[str], edition: Edition) -> dict[str, int]:
    """What the HTML prints from a layout of the book: each anchor's page, the book's last page
    (its figures: the width of the numbers' boxes), and the line of each apparatus lemma."""
    found = book.anchor_pages()
    found[LAST_PAGE] = book.pages - book.first_text
    found.update(line_numbers.lemma_lines(measured, numbered, edition.settings.printing.line_numbering))
    return found


def _respaced(book: parts.Book, before: dict[str, str], after: dict[str, str]) -> set[str]:
    """The parts (their keys) of `book` holding a paragraph whose spacing (`Corrections.spacing`)
    is not the same in `after` as in `before`: those whose HTML the loose lines' corrections
    changed.  (Found by rendering the book again and comparing its parts' digests, they kept both
    workers idle 1.07 s of a cold 4x build, 0.23 s at 1x.)"""
    owners = {key: placed.part.key for placed in book.parts for key in placed.part.ids}
    return {owner for key in before.keys() | after.keys() if before.get(key, "") != after.get(key, "")
            if (owner := typesetter.owner_of(key, owners)) is not None}


def _source_of(edition: Edition, key: str) -> str | None:
    """The siglum of the source a part of the text (its first element's id) belongs to; None for
    the front and back matter."""
    for source in edition.sources:
        if key == f"part-{source.siglum}" or any(key in (d.id, d.part and d.part.id) for d in source.chapters):
            return source.siglum
    return None


def _stylesheet(html_path: Path) -> str:
    """The digest of the print HTML's stylesheet: the book's median word space is measured again
    when it changes."""
    css = (html_path.parent / print_html.ASSETS / "book.css").read_text(encoding="utf-8")
    return hashlib.sha256(css.encode()).hexdigest()[:20]


def _parts(html_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The digest of each part of the print HTML (with its stylesheet), and each id's part."""
    css = (html_path.parent / print_html.ASSETS / "book.css").read_text(encoding="utf-8")
    return parts.digests(html_path.read_text(encoding="utf-8"), css)


def _read(path: Path) -> dict[str, int] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
