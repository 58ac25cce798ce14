"""The typesetter's corrections cache (edition/write/corrections.py): what a rebuild, a changed
source and a draft take from the last build."""

from __future__ import annotations

import json
import re

import pytest

from edition.write.corrections import CHUNKS, SPACINGS, TRIAL, Corrections

OWNERS = {"p1": "part-A", "c1": "part-B", "n1": "part-B"}  # each id's part


def saved(tmp_path):
    trial = {spacing: [3, 0.3, 0, 0][: len(TRIAL)] for spacing in SPACINGS}
    corrections = Corrections({"d1": trial}, {"p1": "spacing-loose-1", "c1": "opening-less", "p1-display": "display-tight"},
                              {"n1": [12, "p2", 30]})
    corrections.digests = {"p1": "d1"}
    path = tmp_path / ".corrections.json"
    corrections.save(path, {"part-A": "a", "part-B": "b"})
    return path


def test_the_same_sources_take_the_last_builds_fills(tmp_path):
    loaded = Corrections.load(saved(tmp_path))
    loaded.recall({"part-A": "a", "part-B": "b"}, OWNERS)
    assert loaded.remembered == {"part-A", "part-B"}
    assert loaded.fills == {"c1": "opening-less", "p1": "spacing-loose-1", "p1-display": "display-tight"}
    assert loaded.splits == {"n1": [12, "p2", 30]}
    assert set(loaded.trials) == {"d1"}


def test_a_changed_part_is_mended_again_from_its_fills_without_its_splits_and_the_others_keep_theirs(tmp_path):
    """A typesetter sets again only the pages a correction upsets: the changed part keeps its fills
    as a start (it is not remembered: it is mended again), but not its notes' splits."""
    loaded = Corrections.load(saved(tmp_path))
    loaded.recall({"part-A": "changed", "part-B": "b"}, OWNERS)
    assert loaded.remembered == {"part-B"}
    assert loaded.fills == {"c1": "opening-less", "p1": "spacing-loose-1", "p1-display": "display-tight"}
    assert loaded.spacing == loaded.fills
    assert loaded.splits == {"n1": [12, "p2", 30]}  # part-B's, unchanged
    loaded = Corrections.load(saved(tmp_path))
    loaded.recall({"part-A": "a", "part-B": "changed"}, OWNERS)
    assert loaded.remembered == {"part-A"} and loaded.splits == {}
    assert set(loaded.trials) == {"d1"}  # a paragraph's trials depend on the paragraph alone


def test_a_draft_uses_the_last_fills_but_leaves_them_to_be_decided_again(tmp_path):
    path = saved(tmp_path)
    loaded = Corrections.load(path)
    loaded.recall({"part-A": "changed", "part-B": "changed"}, OWNERS, draft=True)
    assert not loaded.remembered
    assert set(loaded.fills) == {"c1", "p1", "p1-display"}
    loaded.digests = {"p1": "d1"}
    loaded.save(path)
    assert json.loads(path.read_text())["parts"] == {"part-A": "a", "part-B": "b"}  # the next full build mends again
    again = Corrections.load(path)
    again.recall({"part-A": "changed", "part-B": "b"}, OWNERS)
    assert again.remembered == {"part-B"} and again.splits == {"n1": [12, "p2", 30]}


def test_no_cache_no_fills(tmp_path):
    loaded = Corrections.load(tmp_path / "missing.json")
    loaded.recall({"part-A": "a"}, OWNERS)
    assert not loaded.remembered and not loaded.fills


def test_a_rebuild_gives_unchanged_paragraphs_the_spacing_the_last_build_gave_them(tmp_path):
    """The loose-line mending chose a spacing from the book's median word space, which only a
    layout tells: a rebuild takes that choice, by the paragraph's digest, for the paragraphs that
    have not changed, even one whose trial was made before its parallels moved (no trial now)."""
    from edition.check.layout import Limits
    from edition.write.corrections import apply_known

    trial = {spacing: [3, 0.3, 0, 0] for spacing in SPACINGS}
    html = tmp_path / "book.html"
    html.write_text('<html><head></head><body><p id="p1" class="numbered">One.</p>'
                    '<p id="p2" class="numbered">Two.</p><p id="p3" class="numbered">Three.</p></body></html>')
    corrections = Corrections({}, {})
    apply_known(corrections, html, Limits())  # reads the paragraphs' digests
    d1, d2, d3 = (corrections.digests[key] for key in ("p1", "p2", "p3"))
    corrections.trials = {d1: trial}
    corrections.spacing = {"p1": "spacing-tight-1", "p2": "spacing-loose-2"}  # p2: its trial made under another digest
    path = tmp_path / ".corrections.json"
    corrections.save(path, {})
    again = Corrections.load(path)
    apply_known(again, html, Limits())
    assert again.spacing == {"p1": "spacing-tight-1", "p2": "spacing-loose-2"}
    html.write_text(html.read_text().replace("Two.", "Two, changed."))
    again = Corrections.load(path)
    apply_known(again, html, Limits())
    assert again.spacing == {"p1": "spacing-tight-1"}


def test_a_paragraph_read_again_as_it_was_is_not_digested_again(tmp_path, monkeypatch):
    """The make-up reads its print HTML at every layout of a part: a numbered paragraph whose
    markup and stylesheet are what they were is given the digest it had without computing it
    again; one changed, or the same under another stylesheet, is digested afresh.  The digests
    are those a reading with nothing remembered gives."""
    from edition.check.layout import Limits
    from edition.write import corrections as module

    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "book.css").write_text("p { margin: 0 }")
    html = tmp_path / "book.html"
    html.write_text('<html><head><link rel="stylesheet" href="assets/book.css"></head><body>'
                    '<p id="p1" class="numbered">One.</p><p id="p2" class="numbered spacing-loose-1">Two.</p>'
                    '<p id="p3">Not numbered.</p></body></html>')
    real, digested = module._digest, []
    monkeypatch.setattr(module, "_digest", lambda element, fed: digested.append(element.get("id")) or real(element, fed))

    def read(corrections):
        module._read(html, corrections, Limits())
        return corrections.digests

    kept = Corrections()
    first = read(kept)
    assert digested == ["p1", "p2"] and kept.as_written == {"p1": "", "p2": "spacing-loose-1"}
    digested.clear()
    assert read(kept) == first and digested == []
    html.write_text(html.read_text().replace("Two.", "Two, changed."))
    changed = read(kept)
    assert digested == ["p2"] and changed["p1"] == first["p1"] and changed["p2"] != first["p2"]
    assert changed == read(Corrections())
    (assets / "book.css").write_text("p { margin: 1pt }")
    digested.clear()
    restyled = read(kept)
    assert digested == ["p1", "p2"] and restyled == read(Corrections()) and restyled["p1"] != first["p1"]


def lazily(table: dict[str, dict[str, list]], decide, monkeypatch) -> tuple:
    """What `decide(corrections)` gives with every trial made beforehand, and with the trials made
    as the decisions reach them (corrections._settled), with how many paragraph layouts those took."""
    from edition.check.layout import Limits
    from edition.write import corrections as module

    full = Corrections({key: dict(trial) for key, trial in table.items()})
    full.digests = {key: key for key in table}
    expected = decide(full)
    assert not full.wanted
    made = []

    def fake_try(corrections, trees, html_path, limits):
        for key, spacings in corrections.wanted.items():
            for spacing in spacings:
                corrections.trials.setdefault(key, {})[spacing] = table[key][spacing]
                made.append((key, spacing))

    monkeypatch.setattr(module, "_try", fake_try)
    lazy = Corrections()
    lazy.digests = {key: key for key in table}
    assert module._settled(lazy, [], None, Limits(), lambda: decide(lazy)) == expected
    assert len(made) == len(set(made))  # nothing tried twice
    return expected, len(made)


def trial(lines: dict[str, int], stretched: tuple[str, ...] = ()) -> dict[str, list]:
    """A paragraph's trials: its lines in each spacing (else 10), a word space of 0.6 em where
    `stretched`, else 0.25."""
    return {s: [lines.get(s, 10), 0.6 if s in stretched else 0.25, 0, 0] for s in SPACINGS}


def test_a_loose_paragraph_is_tried_only_as_far_as_its_first_good_spacing(monkeypatch):
    """The spacing `intrinsic` gives is the first good one in SPACINGS' order (else the least
    bad); tried lazily, it is the same, and the later spacings are not tried."""
    from edition.check.layout import Limits
    from edition.write.corrections import _best

    table = {"first": trial({}, stretched=("",)),  # the second spacing mends it
             "late": trial({}, stretched=SPACINGS[:7]),  # the eighth
             "never": trial({}, stretched=SPACINGS)}  # none: the least bad of all

    def decide(corrections):
        return {key: _best(corrections, key, 0.25, Limits()) for key in sorted(table)}

    chosen, made = lazily(table, decide, monkeypatch)
    assert chosen == {"first": SPACINGS[1], "late": SPACINGS[7], "never": ""}
    assert made == len(CHUNKS[0]) + 12 + 12 < 3 * len(SPACINGS)  # the first chunk, then all its spacings twice


def test_a_short_pages_plan_tries_only_the_paragraphs_it_reaches(monkeypatch):
    """Lines pulled back onto a short page by setting paragraphs tighter, in order: decided
    lazily, the plan is the one all trials give, and the paragraphs after those it needed are not
    tried at all."""
    from edition.check.layout import Limits
    from edition.write.corrections import SPACINGS as ALL, TIGHTER, _plan

    table = {"a": trial({}), "b": trial({"spacing-tight-1": 9}), "c": trial({"spacing-track-tight-1": 9}),
             "d": trial({"spacing-tight-1": 9}), "e": trial({"spacing-tight-1": 9}), "f": trial({"spacing-tight-1": 9})}

    def decide(corrections):
        return _plan(corrections, list(table), 2, TIGHTER, 0.25, Limits())

    plan, made = lazily(table, decide, monkeypatch)
    assert plan == {"b": "spacing-tight-1", "c": "spacing-track-tight-1"}
    assert made < len(table) * len(ALL)
    assert made <= 4 * (1 + len(TIGHTER))  # a, b, c and at most one more, in the book's and the tighter spacings


def test_what_a_layout_shows_of_a_paragraph_is_not_tried_again():
    """A layout shows each numbered paragraph's lines in the spacing it is set in: `observe` notes
    them as its trial in that spacing, which a plan then takes instead of wanting it (not those of
    a paragraph holding a block with an id of its own, whose lines a trial counts as its)."""
    from edition.check.layout import Limits
    from edition.write.corrections import TIGHTER, observe

    pages = spaced(0.3, 0.3, 0.6, 0.6)  # p0, p1, p2, then a line of a block with an id in p2
    lines = pages[0].lines
    lines[1].ids, lines[3].ids = ["p1", "p1", "s1"], ["inner", "p2", "s1"]
    corrections = Corrections()
    corrections.digests = {"p0": "d0", "p1": "d1", "p2": "d2"}
    corrections.as_written = {"p1": "spacing-loose-1"}
    observe(corrections, pages, Limits())
    assert corrections.seen == {"d0": {"": [1, 0.3, 0, 0]}, "d1": {"spacing-loose-1": [1, 0.3, 0, 0]}}
    assert corrections.tried("p0", ("",)) == {"": [1, 0.3, 0, 0]} and not corrections.wanted
    assert corrections.tried("p0", ("",) + TIGHTER) is None
    assert corrections.wanted == {"p0": set(TIGHTER)}
    assert corrections.tried("p2", ("",)) is None and corrections.wanted["p2"] == {""}


def test_a_layout_ended_early_shows_no_paragraph_on_its_last_page():
    """In a layout ended early (the mending's), a paragraph on its last page may go on beyond it:
    `observe` leaves it out, and notes the others."""
    import dataclasses

    from edition.check.layout import Limits
    from edition.write.corrections import observe

    first, last = spaced(0.3, 0.3)[0], spaced(0.3)[0]
    last = dataclasses.replace(last, index=1, lines=[dataclasses.replace(line, page=1, ids=["p1"]) for line in last.lines])
    corrections = Corrections()
    corrections.digests = {"p0": "d0", "p1": "d1"}
    observe(corrections, [first, last], Limits(), complete=False)
    assert corrections.seen == {"d0": {"": [1, 0.3, 0, 0]}}
    observe(corrections, [first, last], Limits())
    assert corrections.seen["d1"] == {"": [2, 0.3, 0, 0]}


def test_a_part_is_mended_page_by_page_and_a_page_no_correction_helps_is_passed_over(monkeypatch):
    """A part's mending corrects its first short page from its floor on, one page at a time, each
    correction followed by a layout of the part again; a page corrected PAGE_TRIES times, or that no
    correction helps, is passed over, and a layout ended early then goes on past it."""
    from edition.check.layout import Limits
    from edition.write import corrections as typesetter

    short = {0: [(2, 3.0, []), (5, 3.0, [])], 1: [(2, 3.0, []), (5, 3.0, []), (7, 3.0, [])]}
    monkeypatch.setattr(typesetter, "short_pages_to_mend", lambda pages, limits, pitch: short[len(pages)])
    monkeypatch.setattr(typesetter, "observe", lambda *args: None)
    given = []
    monkeypatch.setattr(typesetter, "fill", lambda c, pages, wanted, limits, pitch: given.append(wanted) or wanted[0][0] == 2)
    mending = typesetter.PartMending(Corrections(), Limits(), 12.0)
    mending.laid_out([], complete=False)  # a layout ended after page 5: pages 2 and 5 short
    decisions = [mending.decide() for _ in range(typesetter.PAGE_TRIES)]
    assert decisions == [True] * typesetter.PAGE_TRIES and given == [[(2, 3.0, [])]] * typesetter.PAGE_TRIES
    assert mending.stop()[0] == 0
    assert mending.decide() is True  # 2 passed over, 5 not helped: the layout goes on past them
    assert given[typesetter.PAGE_TRIES:] == [[(5, 3.0, [])]] and mending.stop()[0] == 6
    mending.laid_out([None], complete=True)  # to the end, 7 short too, not helped
    assert mending.decide() is False and given[-1] == [(7, 3.0, [])]


def spaced(*spaces: float) -> list:
    """A page of full justified lines, one paragraph each, with these word spaces (ems)."""
    from edition.check.layout import Line, PageMeasure

    lines = [Line(0, "main", 12 * k, 12 * k + 10, 0, 300, 0, 300, "one two three", [f"p{k}"], "p", {"numbered"},
                  frozenset({"numbered"}), "s1", True, False, False, space, set(), "one", "three", "", False, [], [])
             for k, space in enumerate(spaces)]
    return [PageMeasure(0, "1", lines, [], 1000.0, 12.0 * len(spaces))]


def test_the_median_word_space_of_a_builds_first_layout_holds_while_the_stylesheet_is_the_same(tmp_path):
    """The stretch limit multiplies the median word space of the build's first layout: the
    corrections, which move the spaces, do not move it (a moving median called for another
    layout of the book), nor do the rebuilds that follow (a word changed in one source would set
    paragraphs on the edge of the limit again all over the book); another stylesheet is measured anew."""
    corrections = Corrections()
    corrections.measure_median("stylesheet-1", spaced(0.2, 0.3, 0.4))
    corrections.measure_median("stylesheet-1", spaced(0.5, 0.5, 0.5))  # a later layout, corrected
    assert corrections.median == 0.3
    path = tmp_path / ".corrections.json"
    corrections.save(path, {})
    again = Corrections.load(path)
    again.measure_median("stylesheet-1", spaced(0.5))  # a rebuild, its sources changed
    assert again.median == 0.3
    again.measure_median("stylesheet-2", spaced(0.5))
    assert again.median == 0.5


def test_the_layout_check_measures_stretched_lines_against_the_median_it_is_given():
    from edition.check.layout import check

    pages = spaced(0.3, 0.3, 0.3, 0.5)  # 0.5: within twice its pages' median, beyond twice 0.2
    assert not [f for f in check(pages) if f.code == "layout-stretched-line"]
    assert [f.ids for f in check(pages, median=0.2) if f.code == "layout-stretched-line"] == [["p3"]]


def test_the_printer_renders_each_html_once_and_each_piece_again_only_where_what_it_prints_changed(monkeypatch):
    """makeup.py writes the print HTML again and again.  `Printer` renders the HTML of the same
    numbers and corrections once, and a chapter again only when a split or the place of its
    parallels' call changed, not when a page, a side, a lemma's line or a paragraph's or the
    chapter's spacing did (what it prints is put in by its mark): every HTML it gives is the one
    `render` gives from scratch."""
    from conftest import SOURCES

    from edition import pipeline
    from edition.diagnostics import Report
    from edition.write import line_numbers, print_html

    edition = pipeline.check(SOURCES, Report(), pipeline.Progress(quiet=True))
    real, rendered = print_html._chapter, []
    monkeypatch.setattr(print_html, "_chapter", lambda *args: rendered.append(real(*args)) or rendered[-1])
    printer = print_html.Printer(edition)
    pages = {key: 7 for key in edition.targets}
    printer.render(pages, Corrections())
    printing = sorted(c.id for c in rendered if 'data-page-of="T1.7.125"' in c.html)  # a passage the parallels cite
    assert printing
    apparatus = list(edition.apparatus.values())  # two entries of a paragraph on the same line, one over two
    first, second = next((a, b) for a, b in zip(apparatus, apparatus[1:]) if (a.chapter.id, a.mark) == (b.chapter.id, b.mark))
    ranged = next(entry for entry in apparatus if entry not in (first, second))
    lines = {line_numbers.LEMMA + first.id: 4, line_numbers.LEMMA + second.id: 4,
             line_numbers.LEMMA_FROM + ranged.id: 5, line_numbers.LEMMA + ranged.id: 6}
    steps = [  # (pages, spacings, splits, only), and the chapters whose HTML it changes
        (pages | {"T1.7.125": 9}, {}, {}, None, []),
        (pages | lines, {}, {}, None, []),
        (pages, {"K.2.148": "spacing-track-loose-1"}, {}, None, []),  # K.2's spacing put in
        (pages, {"M.38": "opening-less"}, {}, None, []),
        (pages, {"T1.7.125-parallels": "call-first"}, {}, None, ["T1.7"]),  # where the parallels are called
        (pages, {}, {"T2.8.s1": [33, "T2.8.70", 0]}, None, ["T1.7", "T2.8"]),
        (pages, {}, {}, "T2", []),  # a chapter with a split is not kept: T2.8's first rendering holds again
        (pages, {}, {}, None, [])]
    for given, spacing, splits, only, changed in steps:
        corrections = Corrections(spacing=spacing, splits=splits)
        rendered.clear()
        html = printer.render(given, corrections, only)
        assert sorted(c.id for c in rendered) == changed
        assert html == print_html.render(edition, given, corrections, only)
    assert printer.render(pages, Corrections()) is printer.render(pages, Corrections())
    assert printer.render(pages, None) == print_html.render(edition, pages, None)
    # What the marks put in: the HTML rendered with each answer asked at once
    corrections = Corrections(spacing={"K.2.148": "spacing-track-loose-1", "M.38": "opening-less",
                                       "K.2.149": "", "T1.7.125-parallels": "call-first"})
    marked = print_html.render(edition, pages | lines, corrections)[0]
    monkeypatch.setattr(print_html.Kept, "marked", lambda kept, name, key: kept.ask(name, key))
    assert marked == print_html.render(edition, pages | lines, corrections)[0]
    assert "\ufdd0" not in marked and "chapter opening-less" in marked
    assert '>7</span>' in marked and 'class="app-same-line"' in marked and '.5\u20136</span>' in marked
    assert re.search(r'class="[^"]*numbered spacing-track-loose-1"[^>]*id="K.2.148"|id="K.2.148"[^>]*class="[^"]*numbered spacing-track-loose-1"', marked)


def test_the_printer_renders_again_from_pages_changed_in_place():
    """The printer keys its renders by the pages' items, made once per dict (`Printer._frozen`):
    a dict changed since is keyed anew, and its HTML is the one `render` gives from scratch."""
    from conftest import SOURCES

    from edition import pipeline
    from edition.diagnostics import Report
    from edition.write import print_html

    edition = pipeline.check(SOURCES, Report(), pipeline.Progress(quiet=True))
    printer = print_html.Printer(edition)
    pages = {key: 7 for key in edition.targets}
    before = printer.render(pages, Corrections())
    pages["T1.7.125"] = 9  # a passage the parallels cite
    after = printer.render(pages, Corrections())
    assert after != before and after == print_html.render(edition, pages, Corrections())


@pytest.mark.slow
def test_a_trial_page_makes_no_margin_boxes_and_its_paragraphs_lines_are_those_of_a_book_page(built, tmp_path,
                                                                                              monkeypatch):
    """Trial documents of real paragraphs: their pages hold no running heads nor folios to make
    (a tenth of a trial's time), nor margin boxes at all (`_undrawn`: measured, never drawn), and
    each paragraph's lines are found the same as on a page of the book's own (the trial page's
    rule taken out of the stylesheet, the margin boxes made)."""
    import contextlib
    import shutil

    from weasyprint import layout as weasyprint_layout

    import lxml.html

    from edition.check.layout import Limits
    from edition.write import corrections, html_parsing, part_job

    book = lxml.html.parse(str(built.html))
    keys = [p.get("id") for p in book.getroot().iter("p") if "numbered" in (p.get("class") or "").split()]
    wanted = {key: {"", "spacing-loose-1"} for key in keys[::40]}
    assert len(wanted) >= 10
    _, documents = corrections._trial_documents(corrections.Corrections(wanted=wanted), [book])
    (source,) = documents[0]
    trials = source.count(corrections.VARIANT)
    assert trials >= len(wanted)
    with part_job.keeping():
        laid = html_parsing.parsed(source, str(built.html)).render(font_config=part_job.fonts())
        assert len(laid.pages) >= trials  # a page each
        assert not [box for page in laid.pages for box in page._page_box.children if type(box).__name__ == "MarginBox"]
        made = weasyprint_layout.make_margin_boxes
        found = corrections._trial_lines((str(built.html), Limits()), source)
        assert weasyprint_layout.make_margin_boxes is made  # as it was after the trial
        monkeypatch.setattr(corrections, "_undrawn", contextlib.nullcontext)  # the book's pages: drawn
        plain = tmp_path / "plain"
        shutil.copytree(built.html.parent / "assets", plain / "assets")
        css = plain / "assets" / "book.css"
        css.write_text(re.sub(r"@page trial \{.*\n", "", css.read_text(encoding="utf-8")), encoding="utf-8")
        assert "@page trial" not in css.read_text(encoding="utf-8")
        as_before = corrections._trial_lines((str(plain / built.html.name), Limits()), source)
    assert len(found) == trials and found == as_before


@pytest.mark.slow
def test_a_paragraphs_lines_in_a_layout_of_its_part_are_those_of_its_trial(built):
    """What `observe` notes of a layout of a real part (a chapter, its paragraphs in the spacings
    the build gave them) is what a trial of each paragraph in that spacing finds."""
    import lxml.html

    from edition.check.layout import Limits, measure
    from edition.write import corrections, html_parsing, layout_fixes, page_numbers, part_job, parts

    head, bodies = parts.split(built.html)
    body = next(body for body, *_ in bodies if 'id="K.2"' in body)
    limits = Limits()
    noted = Corrections()
    with part_job.keeping():
        with layout_fixes.applied(limits.ladder, limits.short_page_lines):  # as part_job lays out
            laid = html_parsing.parsed(page_numbers.masked(parts.document(head, body, None)), str(built.html)).render(
                font_config=part_job.fonts())
            pages = measure(laid, [""] * len(laid.pages))
            del laid
        corrections._read(built.html, noted, limits)
        corrections.observe(noted, pages, limits)
        shown = {key: (noted.as_written[key], noted.seen[digest][noted.as_written[key]])
                 for key, digest in noted.digests.items() if digest in noted.seen}
        spaced = sorted(key for key, (spacing, _) in shown.items() if spacing)
        assert len(shown) > 100 and spaced  # the chapter's paragraphs, some of them set tight or loose
        sample = sorted(set(spaced[:10]) | set(sorted(shown)[::10]))
        wanted = {key: {shown[key][0]} for key in sample}
        _, documents = corrections._trial_documents(Corrections(wanted=wanted), [lxml.html.parse(str(built.html))])
        found = {}
        for document in documents:
            found |= corrections._trial_lines((str(built.html), limits), *document)
    assert {f"{key}{corrections.VARIANT}{shown[key][0] or 'none'}": shown[key][1] for key in sample} == found


@pytest.mark.parametrize("trials, documents", [(5, [3, 2]), (700, [175] * 4), (1300, [217, 217, 217, 217, 216, 216])])
def test_trials_are_shared_in_documents_of_a_like_length_as_many_as_the_workers_or_a_multiple(monkeypatch, trials,
                                                                                              documents):
    """The workers lay out a batch of trials at once, and the batch ends with its longest
    document: the trials go into as many documents as there are workers, or twice as many, and
    so on, none of more than TRIALS_PER_RENDER (with three documents for two workers, one worker
    laid out the third alone, 5 s in the 4x bench edition's loose lines)."""
    import lxml.html

    from edition.write import corrections, workers

    monkeypatch.setattr(workers, "_jobs", 2)
    body = "".join(f'<p id="p{k}" class="numbered">Words {k}.</p>' for k in range(trials))
    tree = lxml.html.document_fromstring(f"<html><head></head><body>{body}</body></html>").getroottree()
    wanted = {f"p{k}": {"spacing-loose-1"} for k in range(trials)}
    _, made = corrections._trial_documents(Corrections(wanted=wanted), [tree])
    assert [source.count(corrections.VARIANT) for (source,) in made] == documents
