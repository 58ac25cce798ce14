"""write/incremental.py: a part laid out again only where its changes reach is the same, page for
page and byte for byte, as the part laid out whole."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime
import io
import re
import threading
import time
import types

import pikepdf
import pytest
import weasyprint
from pikepdf import Name
from weasyprint.formatting_structure.boxes import MarginBox

from edition.check import layout
from edition.write import incremental, layout_fixes, parts, part_job, workers

STYLE = """<style>
@page { size: A6; margin: 14mm 11mm 16mm;
        @top-center { content: string(head); font-size: 7pt }
        @bottom-center { content: counter(page); font-size: 7pt } }
body { font-size: 9pt; line-height: 1.3; }
h2 { string-set: head content(); break-before: page; bookmark-level: 1; font-size: 11pt }
p { text-align: justify; hyphens: auto; widows: 2; orphans: 2; margin: 0; text-indent: 1em }
.fn { float: footnote; font-size: 7pt; footnote-policy: auto }
.tight { word-spacing: -0.04em }
.loose { word-spacing: 0.08em; letter-spacing: 0.01em }
</style>"""

WORDS = ("the committee resolved against every faction whose delegates demanded immediate and"
         " uncompromising revolutionary discipline while the provincial organisations hesitated").split()


def book(chapters: int = 3, paragraphs: int = 9, classes: dict[int, str] | None = None) -> str:
    """A small book of chapters, each opening a page, with justified hyphenated paragraphs and
    footnotes (some long enough to be carried over to the next page); `classes` gives paragraph
    k (counted through the book) a class."""
    classes = classes or {}
    body, k = [], 0
    for chapter in range(chapters):
        body.append(f"<h2 id='c{chapter}'>Chapter {chapter + 1}</h2>")
        for _ in range(paragraphs):
            words = " ".join(WORDS[(k * 7 + i) % len(WORDS)] for i in range(60 + 13 * (k % 5)))
            note = "" if k % 3 else (f"<span class='fn' id='n{k}'>Note {k}: "
                                     + " ".join(WORDS[(k + i) % len(WORDS)] for i in range(15 + 40 * (k % 2))) + ".</span>")
            body.append(f"<p id='p{k}' class='{classes.get(k, '')}'>{words.capitalize()}{note} {words}.</p>")
            k += 1
    return f"<html lang='en'><head><title>T</title>{STYLE}</head><body>{''.join(body)}</body></html>"


def laid(html: str, kept=None):
    warnings: list[str] = []
    with layout_fixes.applied():
        return incremental.render(html, "", None, warnings, kept)


def streams(document) -> list[bytes]:
    """The PDF's streams (but the XMP, whose id is random, and the object and cross-reference
    streams that follow its length)."""
    with part_job.epoch(1700000000):
        data = document.write_pdf(pdf_variant="pdf/x-4", pdf_tags=True)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [obj.read_raw_bytes() for obj in pdf.objects
                if isinstance(obj, pikepdf.Stream) and obj.get("/Type") not in (Name.Metadata, Name.ObjStm, Name.XRef)]


def margins(page) -> list:
    """The page's margin boxes."""
    return [box for box in page._page_box.children if isinstance(box, MarginBox)]


def outline(document) -> list:
    return [[(level, label) for level, label, _, _ in page.bookmarks] for page in document.pages]


@pytest.mark.parametrize("changed", [9, 22])
def test_a_part_laid_out_again_from_its_change_is_the_part_laid_out_whole(changed):
    """A paragraph given other spacing: the layout that keeps the pages before the change and
    makes the rest has the same pages (the kept ones the very boxes of the layout before, their
    margin boxes too), the same measured lines, outline and warnings, and writes the same PDF as
    a layout of it whole."""
    before, after = book(), book(classes={changed: "tight"})
    old, kept = laid(before)
    kept_boxes = [page._page_box for page in old.pages]
    kept_margins = [margins(page) for page in old.pages]
    whole, _ = laid(after)
    resumed, made = laid(after, kept)
    start = incremental.resumed_at(kept, made.elements)
    assert 0 < start < len(whole.pages) - 1  # pages were kept, and made again
    assert [page._page_box for page in resumed.pages[:start]] == kept_boxes[:start]
    assert [margins(page) for page in resumed.pages[:start]] == kept_margins[:start]
    assert all(set(map(id, margins(page))).isdisjoint(map(id, kept_margins[k]))
               for k, page in enumerate(resumed.pages) if k >= start)  # made again
    assert len(resumed.pages) == len(whole.pages)
    assert layout.measure(resumed, [""] * len(resumed.pages)) == layout.measure(whole, [""] * len(whole.pages))
    assert outline(resumed) == outline(whole)
    assert [page.anchors for page in resumed.pages] == [page.anchors for page in whole.pages]
    assert streams(resumed) == streams(whole)


@pytest.mark.parametrize("classes", [{9: "tight", 20: "loose"}, {3: "loose", 14: "tight", 22: "tight"}])
def test_pages_after_a_change_are_given_back_where_they_begin_as_they_began_before(classes):
    """Paragraphs far apart given other spacing: the pages from the first change on are made again
    until one begins where it began before, the old pages are given back from there to the next
    change, and the part is the same as laid out whole."""
    before, after = book(), book(classes=classes)
    old, kept = laid(before)
    kept_boxes = [page._page_box for page in old.pages]
    whole, _ = laid(after)
    resumed, made = laid(after, kept)
    start = incremental.resumed_at(kept, made.elements)
    given = [k for k, page in enumerate(resumed.pages) if k > start and page._page_box in kept_boxes]
    assert given and len(given) < len(resumed.pages) - start - 1  # some given back after the change, not all
    assert layout.measure(resumed, [""] * len(resumed.pages)) == layout.measure(whole, [""] * len(whole.pages))
    assert outline(resumed) == outline(whole)
    assert [page.anchors for page in resumed.pages] == [page.anchors for page in whole.pages]
    assert streams(resumed) == streams(whole)


def given_back(before: str, after: str) -> tuple[list[int], object, object]:
    """The pages after the first made again that a layout of `after` from one of `before` gives
    back, its document, and a layout of `after` whole."""
    old, kept = laid(before)
    kept_boxes = [page._page_box for page in old.pages]
    whole, _ = laid(after)
    resumed, made = laid(after, kept)
    start = incremental.resumed_at(kept, made.elements)
    assert 0 < start
    return [k for k, page in enumerate(resumed.pages) if k > start and page._page_box in kept_boxes], resumed, whole


def test_the_pages_of_the_notes_a_change_renumbers_are_made_again():
    """A note made part of its paragraph's text: the box tree is built otherwise, and the calls of
    the notes after it are numbered one less, so every page holding one of those is made again;
    pages between them are given back, and the part is the same as laid out whole."""
    before = book()
    after = before.replace("<span class='fn' id='n6'>", "<span class='' id='n6'>")
    assert after != before
    given, resumed, whole = given_back(before, after)
    renumbered = {f"n{k}" for k in range(7, 99)}
    assert given and not [k for k in given if renumbered & set(resumed.pages[k].anchors)]
    assert streams(resumed) == streams(whole)


@pytest.mark.parametrize("edit", ["moved", "split"])
def test_pages_after_a_change_to_the_boxes_of_a_paragraph_are_given_back(edit):
    """A note's call moved to the head of its paragraph (the make-up's parallels called where their
    paragraph begins), or a note split in two (its last words a new element): the box tree is built
    otherwise in that paragraph alone, and the pages after it are given back where they begin as
    they began before; the part is the same as laid out whole."""
    before = book()
    note = re.search(r"(<p id='p12' class=''>)(.*?)(<span class='fn' id='n12'>.*?</span>)", before)
    if edit == "moved":
        after = before.replace(note[0], note[1] + note[3] + note[2])
    else:
        last = note[3].rindex(" ") + 1  # the note's last word in an element of its own
        after = before.replace(note[3], f"{note[3][:last]}<span class='rest'>{note[3][last:]}</span>")
    assert after != before and (len(after) == len(before)) == (edit == "moved")
    given, resumed, whole = given_back(before, after)
    assert given and given[-1] == len(whole.pages) - 1
    assert streams(resumed) == streams(whole)


def test_words_changed_in_a_tail_are_made_again_on_the_page_they_stand_on():
    """The last word of a paragraph changed, in the tail of a note called on the page before: a
    tail's words are its parent's boxes, so the pages holding the paragraph are made again, and
    the part is the same as laid out whole."""
    before = book()
    old, _ = laid(before)
    measured = layout.measure(old, [""] * len(old.pages))
    ends = {}  # paragraph id -> the last page its lines stand on
    for page in measured:
        for line in page.lines:
            ends.update((key, page.index) for key in line.ids if re.fullmatch(r"p\d+", key))
    k = next(k for k in range(0, 27, 3) if ends[f"p{k}"] > 2 and f"n{k}" in old.pages[ends[f"p{k}"] - 1].anchors)
    paragraph = re.search(rf"<p id='p{k}'.*?</p>", before)[0]
    word = re.search(r"(\w+)\.</p>$", paragraph)[1]
    other = next(w for w in WORDS if len(w) == len(word) and w != word)
    after = before.replace(paragraph, paragraph[:-len(word + ".</p>")] + other + ".</p>")
    given, resumed, whole = given_back(before, after)
    assert ends[f"p{k}"] not in given and streams(resumed) == streams(whole)


def test_a_layout_begins_before_a_page_that_takes_anything_over_from_the_page_before(monkeypatch):
    """The page maker does not hold the notes carried over to a page, nor a run of hyphenated
    lines: a change just after a page that took a note over is laid out from a page before it, and
    gives what a layout of the whole gives."""
    from weasyprint.layout import page as pages

    reported, remake = [], pages.remake_page  # the pages a note was carried over to
    monkeypatch.setattr(pages, "remake_page", lambda index, context, *rest: (
        context.reported_footnotes and reported.append(index)) or remake(index, context, *rest))
    before = book()
    old, kept = laid(before)
    taken_over = [k for k in reported if k + 1 < len(old.pages)]
    assert taken_over and not any(kept.clean[k] for k in taken_over)
    def begun(k):  # the paragraphs that begin on page k
        return [a for a in old.pages[k].anchors if re.fullmatch(r"p\d+", a) and a not in old.pages[k - 1].anchors]

    page = next(k for k in taken_over if begun(k + 1))
    first = begun(page + 1)[0]
    after = book(classes={int(first[1:]): "loose"})
    start = incremental.resumed_at(kept, list(weasyprint.HTML(string=after).etree_element.iter()))
    assert 0 < start < page and kept.clean[start]
    resumed, _ = laid(after, kept)
    whole, _ = laid(after)
    assert streams(resumed) == streams(whole)


def test_the_first_difference_is_in_document_order():
    old = weasyprint.HTML(string=book()).etree_element
    new = weasyprint.HTML(string=book(classes={4: "loose"})).etree_element
    index = incremental.first_difference(list(old.iter()), list(new.iter()))
    assert list(new.iter())[index].get("id") == "p4"
    assert incremental.first_difference(list(old.iter()), list(old.iter())) == len(list(old.iter()))


def job(html: str, write: bool = False) -> part_job.Job:
    return part_job.Job(html=html, base_url="", number=1, numbers=(), page_anchors=frozenset(), ladder=2, short=2.0,
                        variant="pdf/x-4", epoch=1700000000, write=write, name=str(hash((html, write))),
                        part="p", style="s")


def test_a_worker_lays_a_part_out_again_from_its_last_layout_unless_it_was_written(monkeypatch):
    """The layout a worker kept of a part is where its next layout begins, if numbers were not
    written into it (they are, in its boxes); the result, its pages' measures too, is what a fresh
    worker gives."""
    part_job.forget()
    monkeypatch.setattr(part_job, "_kept", {})
    begun = []
    render = incremental.render
    monkeypatch.setattr(incremental, "render", lambda *a: begun.append(a[4]) or render(*a))
    before, after = book(), book(classes={22: "tight"})
    assert part_job.run(job(before)).made == part_job.WHOLE
    resumed = part_job.run(job(after))
    assert begun[-1] is not None and resumed.made == part_job.AGAIN and resumed.seconds > 0
    assert part_job.run(job(after)).made == ""  # the very layout, kept
    part_job.run(dataclasses.replace(job(before), name="written", write=True))
    part_job.run(job(book(classes={22: "loose"})))
    assert begun[-1] is None
    part_job.forget()
    fresh = part_job.run(job(after))  # the pages given back not measured again: measured the same
    assert begun[-1] is None and fresh.measured == resumed.measured != part_job.run(job(before)).measured
    part_job.forget()
    fresh = part_job.run(job(after))
    assert resumed == fresh
    part_job.forget()


@pytest.mark.slow
def test_a_part_of_the_real_book_laid_out_again_is_the_part_laid_out_whole(built):
    """Part K of the real edition (its notes, apparatus, margin numbers and running heads), a
    paragraph a quarter in and one two thirds in tightened: the same PDF as laid out whole, the
    pages before the first change kept, and pages between and after the changes given back."""
    html_path = built.html
    head, bodies = parts.split(html_path)
    from edition.write import page_numbers

    body = next(body for body, *_ in bodies if "id=\"part-K\"" in body or "id='part-K'" in body)
    before = page_numbers.masked(parts.document(head, body, None))
    ids = re.findall(r'<p id="(K\.[0-9.]+)"', before)
    after = before
    for target in (ids[len(ids) // 4], ids[len(ids) * 2 // 3]):
        after = after.replace(f'<p id="{target}"', f'<p id="{target}" style="word-spacing: -0.03em"', 1)
    assert after.count("word-spacing: -0.03em") == 2
    fonts = part_job.fonts()
    with layout_fixes.applied():
        old, kept = incremental.render(before, str(html_path), fonts, [])
        kept_boxes = [page._page_box for page in old.pages]
        whole, _ = incremental.render(after, str(html_path), fonts, [])
        resumed, made = incremental.render(after, str(html_path), fonts, [], kept)
    start = incremental.resumed_at(kept, made.elements)
    given = [k for k, page in enumerate(resumed.pages) if k > start and page._page_box in kept_boxes]
    assert start > len(whole.pages) // 5
    assert len(given) > len(whole.pages) // 2 and given[-1] == len(whole.pages) - 1
    assert streams(resumed) == streams(whole)


def test_each_section_that_begins_on_a_recto_is_a_part_of_its_own_but_after_a_title_page():
    """An editor's change to a chapter lays out that chapter alone: every section that begins on a
    recto begins a part, but the one after a source's title page (another source's title page, as
    in the HTML of one source alone, begins its own)."""
    sections = [("half-title", "h"), ("title-page", "t"), ("part first", "part-A"), ("chapter", "A.1"),
                ("chapter", "A.2"), ("part", "part-B"), ("part", "part-C"), ("part-opening", "C.p"),
                ("chapter", "C.1"), ("appendix", "chronology"), ("appendix index", "index-persons")]
    body = "".join(f'<section class="{classes}" id="{key}"><p>{key}</p></section>' for classes, key in sections)
    _, bodies = parts.split(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert [re.findall(r'<section[^>]* id="([^"]+)"', piece) for piece, *_ in bodies] == [
        ["h", "t"], ["part-A", "A.1"], ["A.2"], ["part-B"], ["part-C", "C.p"], ["C.1"], ["chronology"],
        ["index-persons"]]
    assert [piece.begins_text for piece in bodies] == [False, True] + [False] * 6
    assert [piece.back for piece in bodies] == [False] * 6 + [True, True]


def _parts_of_sections(monkeypatch, tmp_path, sections: list[tuple[str, str]], body=lambda body: body):
    """A book of `sections` (class, id), each a paragraph of its id (`body` may change the body),
    and the make-up's `Parts` laying it out in this process, each part one page; returns them
    and the list of the jobs run."""
    html = "".join(f'<section class="{classes}" id="{key}"><p>{key}</p></section>' for classes, key in sections)
    html_path = tmp_path / "book.html"
    html_path.write_text(f"<html><head><title>t</title></head><body>{body(html)}</body></html>", encoding="utf-8")
    sent = []

    def run(job):
        sent.append(job)
        return part_job.LaidPart([[job.part]], [[]], [800.0], [layout.PageMeasure(0, "", [], [], 700.0)], {}, [])

    monkeypatch.setattr(parts.part_job, "run", run)
    printing = types.SimpleNamespace(hyphen_ladder=2, short_page_lines=2.0, press_variant="pdf/x-4", line_numbers=0,
                                     line_numbering="paragraph")
    settings = types.SimpleNamespace(printing=printing, date=datetime.date(2026, 1, 2))
    return html_path, parts.Parts(settings, lambda ids: set(), None, [workers._Here()]), sent


BACK = [("half-title", "h"), ("part first", "part-A"), ("chapter", "A.2"), ("appendix", "chronology"),
        ("appendix index", "index-persons")]


def test_a_layout_made_before_any_page_number_is_known_leaves_the_back_matter_out(monkeypatch, tmp_path):
    """The back matter prints the text's page numbers at their own width, and its indices no
    reference at all before a layout tells them: a first layout with no numbers (a cold build)
    does not lay it out, for nothing (at 4x, its concordance was laid out and mended so, 26 s of
    a worker's time), and says so (`Book.left_out`: the make-up's pass does not hold then); a
    layout with numbers lays it out."""
    html_path, laying, jobs = _parts_of_sections(monkeypatch, tmp_path, [*BACK[:2], ("chapter", "A.1"), *BACK[2:]])
    cold = laying.lay_out(html_path, None, write=False)
    sent = [job.part for job in jobs]
    assert cold.ids == ["h", "part-A", "A.2"] and cold.left_out == ("chronology", "index-persons")
    assert sorted(sent) == ["", "A.2", "h", "part-A"]  # and the blank verso
    numbered = laying.lay_out(html_path, cold.anchor_pages(), write=False)
    sent = [job.part for job in jobs]
    assert numbered.ids == ["h", "part-A", "A.2", "chronology", "index-persons"] and numbered.left_out == ()
    assert sorted(sent[4:]) == ["chronology", "index-persons"]  # the others laid out before, as they are


@pytest.mark.parametrize("keep, ahead", [(300, True), (3, False)])
def test_a_pass_that_writes_lays_the_back_matter_out_first_if_no_worker_lets_a_layout_go(monkeypatch, tmp_path,
                                                                                          keep, ahead):
    """The pass after a cold build's mending writes the text's parts, and lays out the back matter,
    whose folios wait for its layouts and its writing for its folios: its layouts go first
    (`Parts._ahead`: at 1x its writing waited for all the text's), unless the workers would then
    let go of layouts waiting to be written (part_job.KEEP_PAGES each)."""
    html_path, laying, jobs = _parts_of_sections(monkeypatch, tmp_path, BACK)
    monkeypatch.setattr(parts.part_job, "KEEP_PAGES", keep)
    cold = laying.lay_out(html_path, None, write=False)
    del jobs[:]
    laying.lay_out(html_path, cold.anchor_pages(), write=True)
    sent = [(job.part, job.write) for job in jobs]
    back = [("chronology", False), ("index-persons", False)]
    assert sorted(sent[:2] if ahead else sent[-2:]) == back
    assert {part for part, write in sent if write} == {"h", "part-A"}  # the text (A.2 goes with its part's title)


@pytest.mark.parametrize("told", [True, False])
def test_a_pass_that_writes_writes_the_back_matter_once_it_is_laid_out_with_the_numbers_it_is_placed_at(
        monkeypatch, tmp_path, told):
    """The back matter's folios wait for its layouts: a pass that writes and is told how to find
    the book's numbers (`numbers`) writes it in the pass, as soon as every part is laid out, with
    its folio and the numbers of the book as then placed, and so a part that prints a page its
    numbers do not tell (the contents, which print the back matter's pages), once; not told, it
    leaves them to the writing after the pass (`Parts.written`)."""
    html_path, laying, jobs = _parts_of_sections(monkeypatch, tmp_path, BACK, lambda body: body.replace(
        "<p>h</p>", '<p>h <span class="pg" data-page-of="index-persons">000</span></p>'))
    cold = laying.lay_out(html_path, None, write=False)
    book = laying.lay_out(html_path, cold.anchor_pages(), write=True,
                          numbers=(lambda placed: placed.anchor_pages()) if told else None)
    sent = [(job.part, job.write, job.number, job.numbers) for job in jobs]
    written = {placed.part.key: placed.written for placed in book.parts}
    if not told:
        assert written["chronology"] is None and written["index-persons"] is None
        return
    assert written["chronology"] == (3, (), ()) and written["index-persons"] == (5, (), ())  # blank versos between
    assert written["h"] == (None, (("index-persons", 5),), ())
    assert [entry for entry in sent if entry[:2] == ("h", True)] == [("h", True, None, (("index-persons", 5),))]


def test_a_part_goes_back_to_its_worker_when_what_it_lays_out_again_there_ends_sooner():
    """The make-up sends a part to the worker that laid it out last when the pages it must lay
    out again there (from the page before the first id ahead of the change) keep both workers
    busy less long; else to the least busy."""
    html = "<body>" + "".join(f'<p id="p{k}">Words of paragraph {k}.</p>' for k in range(40)) + "</body>"
    before = job(html)
    laid = part_job.LaidPart(anchors=[[f"p{k}" for k in range(4 * page, 4 * page + 4)] for page in range(10)],
                             bookmarks=[], heights=[], measured=[], starts={}, warnings=[])
    late = job(html.replace('id="p33">Words', 'id="p33" class="tight">Words'))
    early = job(html.replace('id="p1">Words', 'id="p1" class="tight">Words'))
    assert parts._remaining(before, laid, late) == pytest.approx(1 - 7 / 10)  # p33 on page 8: from page 7
    assert parts._remaining(before, laid, early) == 1.0
    assert parts._remaining(dataclasses.replace(before, write=True), laid, late) == 1.0  # numbers written in
    laying = parts.Parts.__new__(parts.Parts)
    laying.whole, laying.writing = {"p": (4.0, len(html))}, {}  # a whole layout of the part took 4 s
    for changed, worker in ((late, 0), (early, 1)):
        laying.home, laying.last, laying.held = {"p": 0}, {"p": (before, laid)}, [{before.name: ("p", 10)}, {}]
        laying.shares = {}
        load = [2.0, 0.0]  # the part's worker is busier
        assert laying._home(dataclasses.replace(changed, name="new"), load) == worker


def test_a_jobs_share_laid_out_again_is_found_anew_once_its_part_is_laid_out_again():
    """`Parts._remaining` keeps a waiting job's share (`dispatch` places it again and again) only
    while its part's last layout is the same: a new one (`_finished`) is measured from."""
    html = "<body>" + "".join(f'<p id="p{k}">Words of paragraph {k}.</p>' for k in range(40)) + "</body>"
    laid = part_job.LaidPart(anchors=[[f"p{k}" for k in range(4 * page, 4 * page + 4)] for page in range(10)],
                             bookmarks=[], heights=[], measured=[], starts={}, warnings=[])
    before, late = job(html), job(html.replace('id="p33">Words', 'id="p33" class="tight">Words'))
    laying = parts.Parts.__new__(parts.Parts)
    laying.cache_dir, laying.home, laying.held, laying.whole, laying.writing = None, {}, [{}], {}, {}
    laying.last, laying.shares = {before.part: (before, laid)}, {}
    assert laying._remaining(late) == pytest.approx(1 - 7 / 10)  # p33 on page 8: from page 7
    laying._finished(dataclasses.replace(before, html=late.html.replace("paragraph 38", "paragraph")), "key", laid, 0)
    assert laying._remaining(late) == pytest.approx(1 - 8 / 10)  # it differs from the new one from p38 on, on page 10


def test_the_make_up_plans_jobs_by_the_seconds_the_parts_took():
    """A part is planned at the seconds its last whole layout took (and its last writing alone),
    a part not laid out yet in proportion to its HTML at the rate of those measured."""
    laying = parts.Parts.__new__(parts.Parts)
    laying.whole, laying.writing = {}, {}
    small, large = job("<p>x</p>" * 100), job("<p>x</p>" * 400)
    assert laying._estimate(large)[0] == pytest.approx(4 * laying._estimate(small)[0])  # by size, untimed
    laid = part_job.LaidPart([], [], [], [], {}, [], seconds=3.0, made=part_job.WHOLE)
    laying._timed(dataclasses.replace(small, part="small"), laid)
    laying._timed(dataclasses.replace(small, part="small", write=True), dataclasses.replace(laid, seconds=1.5, made=""))
    assert laying._estimate(dataclasses.replace(small, part="small")) == (3.0, 1.5)
    assert laying._estimate(dataclasses.replace(large, part="large")) == pytest.approx((12.0, 6.0))  # 4x its HTML
    laying._timed(dataclasses.replace(large, part="large"), dataclasses.replace(laid, seconds=1.0))
    assert laying._estimate(dataclasses.replace(large, part="large"))[0] == 1.0  # quicker than its size says
    other = dataclasses.replace(large, part="other")
    laying._timed(other, dataclasses.replace(laid, seconds=2.0))
    laying._timed(dataclasses.replace(other, write=True), dataclasses.replace(laid, seconds=2.0, made=""))
    assert laying._estimate(dataclasses.replace(small, part="small")) == (3.0, 1.5)  # its own writing, not the rate's
    assert laying._estimate(dataclasses.replace(large, part="large"))[1] == pytest.approx(1.0 * 3.5 / 5.0)
    laying.home, laying.last, laying.held = {}, {}, [{}, {}]
    load = [0.0, 0.0]
    assert [laying._home(dataclasses.replace(j, part=p), load) for j, p in ((small, "small"), (large, "large"))] == [0, 1]
    assert load == [3.0, 1.0]


class HeldExecutor:
    """An executor that runs nothing: it keeps what it is sent, each with a future to settle by hand."""

    def __init__(self) -> None:
        self.sent: list[tuple] = []

    def submit(self, function, *args):
        future = concurrent.futures.Future()
        self.sent.append((args, future))
        return future


def test_the_mending_sends_work_to_idle_workers_most_urgent_first_and_a_part_to_the_worker_that_laid_it_out(monkeypatch):
    """While parts are mended each on its own (makeup._mend_parts), a local worker is sent one job
    at a time, the most urgent waiting first, as soon as it is idle and the work its last result
    calls for is queued; a part's layout waits for the worker that laid the part out last (it
    lays it out again only where the change reaches), unless laying it out whole on an idle one
    ends sooner than that worker's layout and the part's after it, and the idle one has no other
    work: work no worker holds goes first, whatever its priority."""
    monkeypatch.setattr(parts, "_remaining", lambda before, laid, after: 0.2)  # a fifth of its pages again
    laying = parts.Parts.__new__(parts.Parts)
    workers = [HeldExecutor(), HeldExecutor()]
    t2 = dataclasses.replace(job("<p>x</p>"), part="T2")
    laying.executors, laying.home, laying.last, laying.ends = workers, {"T2": 1}, {"T2": (t2, None)}, [0.0, 0.0]
    laying.whole, laying.writing = {"T2": (10.0, 1)}, {}  # its whole layout: 10 s
    laying.held = [{}, {"T2's last": ("T2", 10)}]  # its worker keeps its last layout
    laying.queued, laying.flight, laying.finished, laying.asked, laying.shares = [], {}, [], 0, {}
    laying._queue(5, "T2 again", (t2, "key"), str, "T2 again")
    laying.call("small", 1, str, "small")
    laying.call("urgent", 9, str, "urgent")
    laying.dispatch()
    assert [args for args, _ in workers[0].sent] == [("urgent",)]
    assert [args for args, _ in workers[1].sent] == [("T2 again",)]  # its worker; "small" waits
    laying._queue(20, "T2 once more", (t2, "key"), str, "T2 once more")
    workers[0].sent[0][1].set_result("done")
    assert laying.done() == [("urgent", "done")]
    assert [args for args, _ in workers[0].sent] == [("urgent",)]  # idle until what the result calls for is queued
    laying.call("called for", 2, str, "called for")
    laying.dispatch()  # as the next `done` does first
    # Not T2's: its worker ends its layout (2 s) and T2's again (2 s) before a whole one (10 s) would
    assert [args for args, _ in workers[0].sent] == [("urgent",), ("called for",)]
    assert [args for args, _ in workers[1].sent] == [("T2 again",)]
    workers[0].sent[1][1].set_result("done")
    assert laying.done() == [("called for", "done")]
    laying.ends[1] = time.monotonic() + 20  # T2's worker is making a layout that ends in 20 s
    laying.dispatch()
    assert [args for args, _ in workers[0].sent] == [("urgent",), ("called for",), ("small",)]  # no worker's first
    workers[0].sent[2][1].set_result("done")
    assert laying.done() == [("small", "done")]
    laying.dispatch()
    assert [args for args, _ in workers[0].sent][3:] == [("T2 once more",)]  # then T2, whole, sooner than waiting


def _pass_with_t2_held_by_a_busy_worker(monkeypatch, held: dict) -> tuple[parts.Parts, list[HeldExecutor]]:
    """A pass on two workers, worker 1 busy for 20 s more, the one that laid part T2
    out last and keeps the layouts `held`: T2 again (priority 20) and a small call (1) queued, and
    dispatched.  Returns the make-up's `Parts` and the two workers."""
    monkeypatch.setattr(parts, "_remaining", lambda before, laid, after: 0.2)
    laying = parts.Parts.__new__(parts.Parts)
    workers = [HeldExecutor(), HeldExecutor()]
    t2 = dataclasses.replace(job("<p>x</p>"), part="T2")
    laying.executors, laying.home, laying.last, laying.ends = workers, {"T2": 1}, {"T2": (t2, None)}, [0.0, 0.0]
    laying.whole, laying.writing, laying.held = {"T2": (10.0, 1)}, {}, [{}, held]
    laying.queued, laying.flight, laying.finished, laying.asked, laying.shares = [], {}, [], 0, {}
    laying.flight = {concurrent.futures.Future(): (1, 0, "busy", None)}  # worker 1 is busy for 20 s more
    laying.ends[1] = time.monotonic() + 20
    laying._queue(20, "T2 again", (t2, "key"), str, "T2 again")
    laying.call("small", 1, str, "small")
    laying.dispatch()
    return laying, workers


def test_a_pass_sends_an_idle_worker_its_own_parts_before_one_another_worker_laid_out(monkeypatch):
    """An idle worker is sent the work it holds or no worker holds before a part whose layout
    another (busy) worker holds; that part goes to it only once nothing else is left, when laying
    it out whole there ends sooner."""
    laying, workers = _pass_with_t2_held_by_a_busy_worker(monkeypatch, {"T2's last": ("T2", 10)})
    assert [args for args, _ in workers[0].sent] == [("small",)]  # its own work first
    workers[0].sent[0][1].set_result("done")
    assert laying.done() == [("small", "done")]
    laying.dispatch()  # as the next `done` does first
    assert [args for args, _ in workers[0].sent] == [("small",), ("T2 again",)]  # then T2, whole
    assert workers[1].sent == []


def test_a_part_whose_worker_let_its_layout_go_goes_to_an_idle_worker(monkeypatch):
    """A worker keeps KEEP_PAGES pages of layouts: a part whose layout the worker that laid it out
    last let go (as `Parts.held` notes what each keeps) is laid out whole wherever it goes, so it
    goes to an idle worker at once, the most urgent first, rather than wait for that busy one (in
    the writing of the 4x bench edition, a worker stood idle 19 s so)."""
    _, workers = _pass_with_t2_held_by_a_busy_worker(monkeypatch, {"other": ("K", 300)})
    assert [args for args, _ in workers[0].sent] == [("T2 again",)]
    assert workers[1].sent == []


def test_done_without_waiting_gives_what_is_done_by_now(monkeypatch):
    """`Parts.done(wait=False)` sends what is queued and gives the results in by now, none if none
    is, without waiting for the work in flight."""
    laying = parts.Parts.__new__(parts.Parts)
    workers = [HeldExecutor()]
    laying.executors, laying.home, laying.last, laying.ends = workers, {}, {}, [0.0]
    laying.whole, laying.writing, laying.held = {}, {}, [{}]
    laying.queued, laying.flight, laying.finished, laying.asked, laying.shares = [], {}, [], 0, {}
    laying.call("first", 1, str, "first")
    settles = threading.Timer(2, lambda: workers[0].sent[0][1].set_result("done"))  # its result in 2 s
    settles.start()
    began = time.monotonic()
    assert laying.done(wait=False) == [] and time.monotonic() - began < 1
    assert [args for args, _ in workers[0].sent] == [("first",)]
    settles.join()
    assert laying.done(wait=False) == [("first", "done")]


def test_the_make_up_knows_which_layouts_each_worker_keeps(monkeypatch):
    """The make-up sends a job of a layout a worker keeps to that worker, and those jobs first
    (written, they stay kept; a layout made first could let them go): its picture of what a
    worker keeps is what the worker keeps, job after job."""
    part_job.forget()
    monkeypatch.setattr(part_job, "_kept", {})
    one = len(part_job.run(dataclasses.replace(job(book(chapters=1)), part="x")).heights)
    monkeypatch.setattr(part_job, "KEEP_PAGES", 3 * one)  # three parts at most
    part_job.forget()
    laying = parts.Parts.__new__(parts.Parts)
    laying.held = [{}]
    a, b, c = (dataclasses.replace(job(book(chapters=1, paragraphs=9 + k)), part=part) for k, part in enumerate("abc"))
    mended = dataclasses.replace(job(book(chapters=1, classes={3: "tight"})), part="a")
    sectioned = book(chapters=1, classes={4: "tight"}).replace("<body>", "<body><section class='chapter' id='s'>")
    ended = dataclasses.replace(job(sectioned), part="a", stop=(0, layout.Limits(short_page_lines=0.0), 14.0))
    for step in (a, b, dataclasses.replace(a, write=True), mended, c, ended, dataclasses.replace(b, write=True), a, c):
        laid = part_job.run(step)
        laying._held(0, step, laid)
        assert list(laying.held[0]) == list(part_job._kept)
        assert laying._keeper(step.name) == (0 if step is not ended else None)  # ended early: kept apart
        assert laid.complete == (step is not ended)
    assert laying._keeper(mended.name) is None  # a layout of its part laid out since took its place
    part_job.forget()


def sibling_conditions(rules) -> list[str]:
    """The classes and attribute selectors that the elements before a `+` or `~` combinator must
    have, in the selectors of `rules` (tinycss2's; @media and the like searched)."""
    import tinycss2

    found = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors, current = [], []
            for token in rule.prelude:
                if token.type == "literal" and token.value == ",":
                    selectors.append(current)
                    current = []
                else:
                    current.append(token)
            for tokens in selectors + [current]:
                last = max((k for k, t in enumerate(tokens) if t.type == "literal" and t.value in "+~"), default=-1)
                for k, token in enumerate(tokens[:max(last, 0)]):
                    if token.type == "[] block":
                        found.append(tinycss2.serialize([token]))
                    elif token.type == "literal" and token.value == "." and k + 1 < len(tokens):
                        found.append("." + tokens[k + 1].value)
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword != "page":
            found += sibling_conditions(tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True))
    return found


def test_no_class_the_make_up_gives_decides_the_style_of_a_later_sibling():
    """incremental.py gives a page back after a change when its box tree and elements are the same:
    a selector such as `.spacing-tight-1 + p` would restyle an unchanged paragraph after one the
    corrections changed.  The book's sibling selectors depend on tags and on classes the
    corrections never give or take (`.label + .dateline`)."""
    from pathlib import Path

    import tinycss2

    from edition.diagnostics import Report
    from edition.read.settings import load
    from edition.write import corrections, print_html

    given = {*corrections.SPACINGS, *corrections.OPENINGS, corrections.CALL_FIRST,
             corrections.DISPLAY_TIGHT} - {""}
    settings = load(Path(__file__).parents[1] / "sources", Report())
    css = print_html.stylesheet(settings)
    example = "h2 + p, .a.spacing-tight-1 ~ p > b, [x] + q { margin: 0 } @media print { .b + .c { x: y } }"
    assert sibling_conditions(tinycss2.parse_stylesheet(example, skip_whitespace=True)) == [
        ".a", ".spacing-tight-1", "[x]", ".b"]
    conditions = sibling_conditions(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True))
    assert ".label" in conditions  # the book's own: a heading's dateline runs on after its label
    assert not [c for c in conditions if c.startswith("[") or c[1:] in given]


def test_a_layout_is_begun_again_from_a_kept_one_only_under_the_same_limits():
    """A kept layout of a part is laid out again from only under the same adjustments: the limit
    of hyphenated lines and the lines a page may end early before a table row breaks
    (`Job.style`); else the part is laid out whole."""
    import dataclasses
    from pathlib import Path

    from edition.diagnostics import Report
    from edition.read.settings import load
    from edition.write import parts

    settings = load(Path(__file__).parents[1] / "sources", Report())
    part = parts.Part("p", "<p>x</p>", False, frozenset(), (), frozenset())

    def style(**printing) -> str:
        changed = dataclasses.replace(settings, printing=dataclasses.replace(settings.printing, **printing))
        return parts.Parts(changed, lambda ids: set(), None, [])._job(part, Path("book.html"), None, None, (), "a").style

    assert style() == style()
    assert style(short_page_lines=settings.printing.short_page_lines + 1) != style()
    assert style(hyphen_ladder=settings.printing.hyphen_ladder + 1) != style()


@pytest.mark.parametrize("changed", [None, 2])
def test_a_layout_ended_early_goes_on_from_where_it_ended_as_the_part_laid_out_whole(changed):
    """A layout ended at a page (`stop`, as the mending ends one at a short page) has the whole
    layout's first pages; laid out again from it, unchanged or with a paragraph before its end set
    otherwise, the part is the same, page for page and byte for byte, as laid out whole."""
    before = book()
    after = book(classes={changed: "tight"}) if changed is not None else before
    with layout_fixes.applied():
        early, kept = incremental.render(before, "", None, [], None, stop=lambda index, boxes: index == 5)
    full, _ = laid(before)
    assert not kept.complete and len(early.pages) == 6 < len(full.pages)
    assert not any(isinstance(box, MarginBox) for page in early.pages for box in page._page_box.children)  # measured only
    assert all(any(isinstance(box, MarginBox) for box in page._page_box.children) for page in full.pages)
    assert layout.measure(early, [""] * 6) == layout.measure(full, [""] * len(full.pages))[:6]
    if changed is not None:
        assert any(f"p{changed}" in page.anchors for page in early.pages[:5])
    whole, _ = laid(after)
    resumed, made = laid(after, kept)
    assert made.complete and made.given > 0
    assert len(resumed.pages) == len(whole.pages)
    assert layout.measure(resumed, [""] * len(resumed.pages)) == layout.measure(whole, [""] * len(whole.pages))
    assert outline(resumed) == outline(whole)
    assert [page.anchors for page in resumed.pages] == [page.anchors for page in whole.pages]
    assert streams(resumed) == streams(whole)


def test_a_mending_layout_ends_at_the_page_after_the_first_short_one_from_its_floor_on(monkeypatch):
    """A job with `stop` (floor, limits, pitch) ends once the page after the first short page from
    the floor on is made (short as `layout.short_pages` finds it in the whole layout); the worker
    keeps it apart from the job's whole layout, and a job with a floor past the last short page
    lays the part out to its end."""
    part_job.forget()
    monkeypatch.setattr(part_job, "_kept", {})
    html = book(chapters=2, paragraphs=14).replace("<body>", "<body><section class='chapter' id='s'>")  # measured as one
    whole = part_job.run(job(html))
    limits = layout.Limits(short_page_lines=0.0)  # any page ending early in mid-chapter
    pitch = layout.line_pitch(whole.measured)
    short = [page for page, _ in layout.short_pages(whole.measured, limits, pitch)]
    assert len(short) >= 2
    part_job.forget()
    early = part_job.run(dataclasses.replace(job(html), stop=(short[1], limits, pitch)))
    assert not early.complete and len(early.heights) == short[1] + 2
    assert [page.lines for page in early.measured] == [page.lines for page in whole.measured[:short[1] + 2]]
    assert list(part_job._kept) == [part_job.kept_as(job(html), early)] != [job(html).name]
    on = part_job.run(dataclasses.replace(job(html), stop=(short[-1] + 1, limits, pitch)))
    assert on.complete and on.given > 0 and on.measured == whole.measured
    assert list(part_job._kept) == [job(html).name]
    part_job.forget()
