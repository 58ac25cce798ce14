"""Page numbers cannot move the layout (edition/write/page_numbers.py): every number the book prints
sits in a box of fixed width, and the numbers are written into the laid-out boxes afterwards."""

from __future__ import annotations

import dataclasses
import io
import re

import pypdf
import pytest
import weasyprint
from conftest import SOURCES

from edition.render.backmatter import ranges
from edition.write import layout_fixes, page_numbers, parts

NUMBER = re.compile(r'(<span class="pg" data-page-of="[^"]*"[^>]*>)[^<]*(</span>)')


def test_page_ranges_run_consecutive_pages_and_name_an_anchor_on_each_end():
    assert ranges({"a": 14, "b": 12, "c": 13, "d": 87, "e": 12}) == [("b", "a"), ("d", None)]
    assert ranges({"x": 5}) == [("x", None)]
    assert ranges({}) == []


def test_masked_html_leaves_out_the_numbers_and_the_first_page():
    one = '<style>@page :first { counter-reset: page 7; }</style><p>p.&#160;<span class="pg" data-page-of="a">7</span></p>'
    two = '<style>@page :first { counter-reset: page 121; }</style><p>p.&#160;<span class="pg" data-page-of="a">121</span></p>'
    other = two.replace('"a"', '"b"')
    assert page_numbers.masked(one) == page_numbers.masked(two) != page_numbers.masked(other)
    recto, verso = ('<p><span class="pn recto"><span>7.1</span></span>Text</p>',
                    '<p><span class="pn verso"><span>7.1</span></span>Text</p>')
    assert page_numbers.masked(recto) == page_numbers.masked(verso)


def test_printed_numbers_and_labels():
    pages = {"half-title": -9, "sigla": -3, "x": 12}
    assert page_numbers.printed("x", pages) == "12"
    assert page_numbers.printed("sigla", pages, label=True) == "vii"
    assert page_numbers.printed("missing", pages) == page_numbers.PLACEHOLDER
    assert page_numbers.digits(pages) == 2 and page_numbers.digits(None) == 3


def breaks(html: str, html_path) -> list[list[tuple[float, str]]]:
    """Every page's lines: where each stands and its words, figures left out."""
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    with layout_fixes.applied():
        document = weasyprint.HTML(string=html, base_url=str(html_path)).render()
    found = []
    for page in document.pages:
        lines = []
        for box in page._page_box.descendants():
            if isinstance(box, LineBox):
                text = "".join(t.text for t in box.descendants() if isinstance(t, TextBox))
                lines.append((round(box.position_y, 3), re.sub(r"[0-9]", "", text)))
        found.append(lines)
    return found


@pytest.mark.slow
def test_no_page_number_moves_a_line_or_a_page_break(built):
    """The issue's proof: every part that prints page numbers laid out with all of them 1, then
    999; every page breaks its lines at the same words, at the same heights."""
    head, bodies = parts.split(built.html)
    checked = 0
    for body, *_ in bodies:
        if 'class="pg"' not in body:
            continue
        source = parts.document(head, body, 1)
        small, large = (NUMBER.sub(rf"\g<1>{n}\g<2>", source) for n in ("1", "999"))
        assert small != large
        assert breaks(small, built.html) == breaks(large, built.html)
        checked += 1
    assert checked >= 5  # the contents and the chapters whose paragraphs have parallels


@pytest.mark.slow
def test_printed_page_numbers_are_the_pages_of_their_anchors(built):
    """The numbers written into the laid-out boxes are those of the final layout: every parallel's
    'p. N' names the page its paragraph's number stands on."""
    pages = built.pages
    labels = built.labels
    checked = 0
    for text in pages:
        for siglum, paragraph, page in re.findall(r"([A-Z]\w*) (\d+\.\d+), p\.\s?(\d+)", text):
            target = labels.index(page)
            assert re.search(rf"\b{paragraph}\b", pages[target]), (siglum, paragraph, page)
            checked += 1
    assert checked > 100


@pytest.mark.slow
def test_a_parallels_page_number_follows_its_p_with_no_gap(built):
    """In the parallels ('T1 7.6, p. 63'), the page number stands right after 'p.' and its space,
    whatever its figures, as in a line set with the number in it (no box's room left before it)."""
    from test_backmatter import text_lines

    gaps = []
    for index in range(len(built.reader.pages)):
        for runs in text_lines(built.reader, index).values():
            gaps += [(built.labels[index], right[2], right[0] - left[1]) for left, right in zip(runs, runs[1:])
                     if left[2].endswith(("p.\u00a0", "p. ")) and right[2][:1].isdigit()]
    assert len(gaps) > 100 and any(len(text) == 1 for _, text, _ in gaps)
    assert [gap for gap in gaps if abs(gap[2]) > 0.3] == []


@pytest.mark.slow
def test_the_contents_page_numbers_end_at_the_text_blocks_edge(built):
    """The contents' page numbers, each set to the right of its box, end where the text block
    does: a column flush right, none in the margin."""
    from test_backmatter import text_lines

    from edition.diagnostics import Report
    from edition.read.settings import load

    settings = load(SOURCES, Report())
    measure = settings.page.measure
    ends = [(built.labels[index], runs[-1][2], runs[-1][1])
            for index in range(built.page_of("contents"), built.page_of("sigla"))
            for runs in text_lines(built.reader, index).values()
            if any(run[2] == ". " for run in runs)]  # an entry's line: its leader, then its page
    assert len(ends) > 20 and all(re.fullmatch(r"[0-9]+|[ivxlc]+", text) for _, text, _ in ends)
    assert [end for end in ends if abs(end[2] - measure) > 0.5] == []


def text_boxes(document) -> list[tuple[int, float, float, float, str]]:
    """Every text box: its page, where it stands, its width and its text."""
    from weasyprint.formatting_structure.boxes import TextBox

    return [(index, round(box.position_x, 3), round(box.position_y, 3), round(box.width, 3), box.text)
            for index, page in enumerate(document.pages) for box in page._page_box.descendants()
            if isinstance(box, TextBox)]


@pytest.mark.slow
def test_line_keys_laid_out_with_figures_0_and_written_in_stand_as_the_keys_laid_out(built):
    """The apparatus's line keys ('7.62.3') are laid out with every figure 0, and their figures
    written in afterwards: a chapter so made has every text box (lines, notes, keys) where the same
    chapter laid out with its keys has it, at the same width, with the same text."""
    head, bodies = parts.split(built.html)
    body = min((b for b, *_ in bodies if len(re.findall(r'class="app-number"[^>]*>[0-9.\u2013]*[1-9]', b)) >= 5), key=len)
    laid_out = page_numbers.masked(parts.document(head, body, 1))
    texts = page_numbers.keys(body)
    keyed = page_numbers._KEY.sub(lambda m: m[1] + texts[m[2]] + m[4], laid_out)
    assert keyed != laid_out
    with layout_fixes.applied():
        expected = weasyprint.HTML(string=keyed, base_url=str(built.html)).render()
        filled = weasyprint.HTML(string=laid_out, base_url=str(built.html)).render()
    assert page_numbers.fill_keys(filled.pages, texts) >= 5
    assert text_boxes(filled) == text_boxes(expected)
    assert page_numbers.fill_keys(filled.pages, texts) == 0  # once written in, they stay


def test_masked_html_takes_a_line_keys_figures_as_0():
    one = '<span class="app-number" data-key-of="a">7.62.3</span> Dyemyan]'
    two = '<span class="app-number" data-key-of="a">7.62.8</span> Dyemyan]'
    longer = '<span class="app-number" data-key-of="a">7.62.13</span> Dyemyan]'
    assert page_numbers.masked(one) == page_numbers.masked(two) != page_numbers.masked(longer)
    assert page_numbers.keys(longer) == {"a": "7.62.13"}


def margin_notes(document) -> list[tuple[int, str, float]]:
    """Every margin note: its page, its text, where it stands across the page."""
    from weasyprint.formatting_structure.boxes import TextBox

    found = []
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants(placeholders=True):
            classes = ((box.element.get("class") if box.element is not None else None) or "").split()
            if classes[:1] in (["pn"], ["srcpage"]) and box.style["position"] == "absolute":
                texts = [t for t in box.descendants(placeholders=True) if isinstance(t, TextBox)]
                found.append((index, "".join(t.text for t in texts), round(min(t.position_x for t in texts), 2)))
    return found


@pytest.mark.slow
def test_margin_notes_laid_out_on_the_wrong_side_are_mirrored_to_the_right_one(built):
    """A chapter laid out with every margin note on the versos' side, its notes then put on the side
    of their page, stands as the same chapter laid out with each note on its side."""
    head, bodies = parts.split(built.html)
    body = min((b for b, *_ in bodies if 'class="pn recto"' in b and 'class="pn verso"' in b), key=len)
    right = parts.document(head, body, 1)
    wrong = re.sub(r'class="(pn|srcpage) (recto|verso)"', r'class="\1 verso"', right)
    assert wrong != right
    with layout_fixes.applied():
        expected = weasyprint.HTML(string=right, base_url=str(built.html)).render()
        moved = weasyprint.HTML(string=wrong, base_url=str(built.html)).render()
    assert page_numbers.sides(moved.pages) > 0
    assert margin_notes(moved) == margin_notes(expected) and len(margin_notes(expected)) >= 5
    assert page_numbers.sides(moved.pages) == 0  # once on their side, they stay


def test_a_sources_parts_are_the_same_in_the_book_and_in_the_html_of_that_source_alone(tmp_path):
    """Mending lays a part out from HTML holding its source alone (print_html.render(only=...)):
    its layout is kept for the book only if the part is the very same there, the last one too
    (nothing follows it in that HTML)."""
    from edition import pipeline
    from edition.diagnostics import Report
    from edition.write import print_html

    edition = pipeline.check(SOURCES, Report(), pipeline.Progress(quiet=True))
    pages = {key: 7 for key in edition.targets}
    _, book = parts.split(print_html.write(edition, tmp_path / "book", pages))
    compared = 0
    for source in edition.sources:
        _, alone = parts.split(print_html.write(edition, tmp_path / source.siglum, pages, only=source.siglum))
        own = [page_numbers.masked(body) for body, *_ in alone
               if re.search(rf'id="(part-{source.siglum}|{source.siglum}\.[^"]*)"', body[:2000])]
        assert own and all(piece in {page_numbers.masked(body) for body, *_ in book} for piece in own)
        compared += len(own)
    assert compared >= len(edition.sources)


def test_a_part_written_again_with_other_numbers_is_byte_identical_to_one_written_once():
    """A worker keeps a part it laid out and writes it again when the book's numbers change
    (part_job.py): the PDF must not remember the first writing (WeasyPrint keeps the fonts of
    a document's last writing, with the glyphs drawn then, and their order)."""
    from edition.write import part_job

    head = ("<html lang='en'><head><style>@page { size: A6 } body { font-family: serif }"
            " .pg { display: inline-block; width: 3em; text-align: right } .page .pg { text-align: left }</style></head>")
    body = ('<p id="a">See p. <span class="pg" data-page-of="b">000</span>.</p>'
            '<p style="text-align: justify">A line set full, with a page in it: <span class="page">p.&#160;<span class="pg"'
            ' data-page-of="b">000</span></span>, closed up to its number, and words enough to go on to a second'
            ' line, and a third, and a fourth, so that its first lines are justified.</p>'
            '<p id="b" style="break-before: page">The second page.</p>')
    job = part_job.Job(page_numbers.masked(parts.document(head, body, 1)), "", 1, (("b", 987),), frozenset(),
                       3, 2.0, None, 0, True, name="numbers")
    part_job.run(job)
    again = part_job.run(dataclasses.replace(job, numbers=(("b", 2),))).pdf
    longer = part_job.run(job).pdf  # a number that gained figures: the box's room taken back
    part_job.forget()
    once = part_job.run(dataclasses.replace(job, numbers=(("b", 2),))).pdf
    part_job.forget()
    once_longer = part_job.run(job).pdf
    part_job.forget()
    assert "See p. 2." in " ".join(pypdf.PdfReader(io.BytesIO(once)).pages[0].extract_text().split())
    assert again == once and longer == once_longer


def _in_line_numbers(document) -> list[tuple]:
    """(line, number box, its text box, the box after it in the line or None) for every page-number
    box in a line of text (not the contents')."""
    from weasyprint.formatting_structure.boxes import InlineBlockBox, LineBox, TextBox

    found = []
    for page in document.pages:
        for line in page._page_box.descendants():
            if not isinstance(line, LineBox):
                continue
            flow = [box for box in line.descendants() if isinstance(box, (TextBox, InlineBlockBox))]
            for k, box in enumerate(flow):
                if isinstance(box, InlineBlockBox) and box.element.get("data-page-of") and box.style["text_align_all"] == "left":
                    number = next(t for t in box.descendants() if isinstance(t, TextBox))
                    after = next((b for b in flow[k + 1:] if number is not b and b not in box.descendants()), None)
                    found.append((line, box, number, after))
    return found


def test_a_page_number_in_a_line_is_closed_up_and_its_line_stays_full():
    """A page number in a line of text ('p. 5') is set at the start of its box, which is closed up
    to it, the room it leaves spread over the line's word spaces: no gap before or after it, the
    justified line as full as it was, its links where their words are; written again with other
    numbers, the same as written once.  The contents' numbers stay to the right of their box."""
    style = ("@page { size: 110mm 160mm; margin: 10mm } body { font-family: serif; font-size: 10pt }"
             " p { text-align: justify; hyphens: none } .pg { display: inline-block; width: 3ch; text-align: right }"
             " .page .pg { text-align: left } .toc .pg { width: 4ch }")
    items = "; ".join(f'<a id="item-{k}" href="#{key}">T1 7.{k}<span class="page">, p.&#160;<span class="pg" data-page-of="{key}">000</span></span></a>'
                      for k, key in enumerate("bcbcbbccbcbc"))
    html = (f"<html><head><style>{style}</style></head><body><p>cf. {items}.</p>"
            '<p class="toc">Contents <span class="pg" data-page-of="b">000</span></p>'
            '<p id="b" style="break-before: page">B</p><p id="c">C</p></body></html>')

    def ends(document) -> dict:
        """Each line's right end, by the line."""
        from weasyprint.formatting_structure.boxes import TextBox

        return {id(line): max(b.position_x + b.width for b in line.descendants() if isinstance(b, TextBox))
                for line, *_ in _in_line_numbers(document)}

    document = weasyprint.HTML(string=html).render()
    before = ends(document)
    justified = {id(line) for line, *_ in _in_line_numbers(document) if line.resume_at is not None}
    page_numbers.fill(document.pages, {"b": 2, "c": 14})
    found = _in_line_numbers(document)
    assert len(found) == 12 and len(justified) >= 2 and len(before) > len(justified)
    for line, box, number, after in found:
        assert abs(number.position_x - box.position_x) < 1e-6 and abs(box.width - number.width) < 1e-6
        if after is not None:
            assert abs(after.position_x - (box.position_x + box.width)) < 1e-6
    after_fill = ends(document)
    assert all(abs(after_fill[key] - before[key]) < 1e-6 for key in justified)
    assert any(after_fill[key] < before[key] - 1 for key in before if key not in justified)  # the last line ends sooner
    named = {}
    for *_, box in document.pages[0].links:
        named.setdefault(box.style["anchor"], box)
    for _, _, rectangle, box in document.pages[0].links:
        x, y, width, height = box.hit_area()
        assert rectangle == (x, y, x + width, y + height)
    for k in range(12):  # the named destinations too (each item's first box: its anchor)
        x, y, width, height = named[f"item-{k}"].hit_area()
        assert document.pages[0].anchors[f"item-{k}"] == (x, y, x + width, y + height)
    from weasyprint.formatting_structure.boxes import InlineBlockBox

    toc = [box for box in document.pages[0]._page_box.descendants()
           if isinstance(box, InlineBlockBox) and box.style["text_align_all"] == "right"]
    number = toc[0].children[0].children[0]
    assert len(toc) == 1 and number.text == "2" and abs(number.position_x + number.width - toc[0].position_x - toc[0].width) < 1e-6
    once = text_boxes(document)
    page_numbers.fill(document.pages, {"b": 123, "c": 7})
    page_numbers.fill(document.pages, {"b": 2, "c": 14})
    assert text_boxes(document) == once


def test_a_page_that_begins_with_a_section_break_begins_with_the_text_after_it():
    """The asterisks of a section break are generated (CSS ::before): the page begins where its
    first words of text do, not with the section that holds the break."""
    import weasyprint

    from edition.write import pagination

    html = ("<style>hr::before { content: '* * *'; display: block } hr { break-before: page }</style>"
            "<section id='s'><p id='a'>one two</p><hr><p id='b'>three four</p></section>")
    document = weasyprint.HTML(string=html).render()
    assert pagination.page_starts(document, {"s", "a", "b"}) == {0: ("a", 0), 1: ("b", 0)}


def test_a_worker_keeps_the_last_layout_of_each_part_and_lets_the_least_lately_used_go(monkeypatch):
    """A part laid out anew (its corrections changed) supersedes the layout kept of it: the pages a
    worker keeps, to write the parts with the book's numbers, are the parts' last layouts."""
    import types

    from edition.write import part_job

    monkeypatch.setattr(part_job, "_kept", {})
    monkeypatch.setattr(part_job, "KEEP_PAGES", 12)

    def keep(part: str, name: str, pages: int) -> None:
        part_job._kept.pop(name, None)  # as `run` takes a kept layout, and keeps it again
        part_job._keep(name, part_job._Kept(types.SimpleNamespace(pages=[None] * pages), [], part, "",
                                           types.SimpleNamespace(bare=[]), {}))

    keep("T1", "T1-first", 4)
    keep("K", "K-first", 4)
    keep("T1", "T1-mended", 4)  # T1's first layout goes, though all three would fit
    assert list(part_job._kept) == ["K-first", "T1-mended"]
    keep("M", "M-first", 4)
    keep("K", "K-first", 4)  # used again: the last to go
    keep("A", "A-first", 4)  # beyond 12 pages: the least lately used goes
    assert list(part_job._kept) == ["M-first", "K-first", "A-first"]


def test_a_worker_sets_aside_what_it_holds_between_jobs_and_frees_the_layouts_it_let_go_at_once(monkeypatch):
    """Between jobs a worker sets aside (gc.freeze) all it holds, so that the collector's passes
    during a layout look at that layout's objects only; a kept layout let go, or the pages of it a
    layout again does not take over, or one numbers were written into (which no layout begins
    from), is freed at once (cycles.py), with no pass over all the worker holds (LET_GO_PAGES);
    and nothing stays set aside after the build (`keeping`)."""
    import gc
    import weakref

    from edition.write import part_job

    monkeypatch.setattr(part_job, "_kept", {})
    monkeypatch.setattr(part_job, "LET_GO_PAGES", 10**6)
    head = "<html lang='en'><head><style>@page { size: A6 } p { float: none }</style></head>"
    words = "in words enough to fill a line or two, with a note<span style='float: footnote'>A note.</span> called"
    body = "".join(f"<p id='p{k}'>Paragraph {k} of the part, {words}.</p>" for k in range(40))
    job = part_job.Job(page_numbers.masked(parts.document(head, body, 1)), "", 1, (), frozenset(), 3, 2.0, None, 0,
                       False, part="T1")
    with part_job.keeping():
        part_job.run(dataclasses.replace(job, name="first"))
        first = weakref.ref(part_job._kept["first"].document.pages[-1]._page_box)
        part_job.run(dataclasses.replace(job, name="mended", style="other"))  # supersedes the first layout, not laid out from it
        assert list(part_job._kept) == ["mended"] and first() is None and gc.get_freeze_count() > 0
        mended = part_job._kept["mended"].document.pages
        changed = next(k for k, page in enumerate(mended) if "p30" in page.anchors)
        kept, changed = weakref.ref(mended[0]._page_box), weakref.ref(mended[changed]._page_box)
        del mended
        again = job.html.replace("Paragraph 30 ", "Paragraph thirty ")
        laid = part_job.run(dataclasses.replace(job, html=again, name="again", style="other"))
        assert laid.made == part_job.AGAIN and laid.given > 0
        assert kept() is part_job._kept["again"].document.pages[0]._page_box and changed() is None
        part_job.run(dataclasses.replace(job, html=again, name="again", style="other", write=True))
        written = weakref.ref(part_job._kept["again"].document.pages[0]._page_box)
        laid = part_job.run(dataclasses.replace(job, name="after", style="other"))  # not from a written layout
        assert laid.made == part_job.WHOLE and written() is None
    assert gc.get_freeze_count() == 0


def test_a_part_job_leaves_no_layout_in_cycles_so_none_is_looked_for_after_it(monkeypatch):
    """A part job is set aside with all its process holds, and the collector does not look for
    what it left in cycles (a pass over the layout it made took 4.4 s of a cold 4x build's
    workers): a layout whole, then again from it (the pages it did not take over freed by
    cycles.py), then written, leave no box, no style, only the few dozen objects of a document's
    URL fetcher (urllib's opener and its handlers point at each other)."""
    import gc

    from weasyprint.formatting_structure.boxes import Box

    from edition.write import part_job

    monkeypatch.setattr(part_job, "_kept", {})
    monkeypatch.setattr(part_job, "LET_GO_PAGES", 10**6)
    collected, collect = [], part_job.gc.collect
    monkeypatch.setattr(part_job.gc, "collect", lambda *args: collected.append(args) or collect(*args))
    head = "<html lang='en'><head><style>@page { size: A6 } p { float: none }</style></head>"
    words = "in words enough to fill a line or two, with a note<span style='float: footnote'>A note.</span> called"
    body = "".join(f"<p id='p{k}'>Paragraph {k} of the part, {words}.</p>" for k in range(40))
    job = part_job.Job(page_numbers.masked(parts.document(head, body, 1)), "", 1, (), frozenset(), 3, 2.0, None, 0,
                       False, part="T1")
    again = job.html.replace("Paragraph 30 ", "Paragraph thirty ")
    left, made = [], []
    with part_job.keeping():
        part_job.run(dataclasses.replace(job, name="warm", part="warm"))  # the process's fonts and stylesheets
        for name, html, write in (("whole", job.html, False), ("again", again, False), ("again", again, True)):
            gc.unfreeze()
            collect()
            gc.freeze()
            collected.clear()
            made.append(part_job.run(dataclasses.replace(job, name=name, html=html, write=write)).made)
            assert collected == []
            gc.unfreeze()
            gc.set_debug(gc.DEBUG_SAVEALL)
            collect()
            gc.set_debug(0)
            left.append((len(gc.garbage), sum(isinstance(o, Box) or type(o).__name__.endswith("Style") for o in gc.garbage)))
            gc.garbage.clear()
            gc.freeze()
    assert made == [part_job.WHOLE, part_job.AGAIN, ""]
    assert all(objects < 100 and not boxes_or_styles for objects, boxes_or_styles in left), left


def test_a_trial_of_paragraphs_runs_with_what_its_worker_holds_set_aside(monkeypatch):
    """The trials of paragraphs run in the workers that keep layouts: like a job, a trial runs
    with the collector off and all the worker held set aside, and leaves it set aside, its own
    layout freed, not set aside with it."""
    import gc

    from edition.check.layout import Limits
    from edition.write import corrections, part_job

    during, real = [], corrections.measure

    def measure(*args):
        during.append((gc.get_freeze_count(), gc.isenabled()))
        return real(*args)

    monkeypatch.setattr(corrections, "measure", measure)
    source = ("<html lang='en'><head><style>@page { size: A6 }</style></head><body>"
              f"<p id='p{corrections.VARIANT}none'>A paragraph tried alone, in words enough for a line or two.</p></body></html>")
    with part_job.keeping():
        corrections._trial_lines(("", Limits()), source)  # the process's fonts, set aside with the rest
        before = gc.get_freeze_count()
        found = corrections._trial_lines(("", Limits()), source)
        after, collecting = gc.get_freeze_count(), gc.isenabled()
    assert found[f"p{corrections.VARIANT}none"][0] >= 1
    held, off = during[-1]
    assert held > 0 and not off and collecting and after > 0 and gc.get_freeze_count() == 0
    assert after == before  # what the trial left in cycles (a few dozen objects here) freed, not set aside