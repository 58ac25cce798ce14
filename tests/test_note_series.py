"""The notes at the foot of the page, read back from the real edition's PDF: the series stacked
apart in the order of print: series (source notes, editorial notes, the apparatus, the parallels),
and every parallel keyed to a paragraph on its page."""

from __future__ import annotations

import re

from conftest import SOURCES, build, make_edition, tei_source
from lxml import etree
from test_print import text_runs

from edition.diagnostics import Report
from edition.read.settings import load, points

NOTE_SIZES = (7.5, 8)  # book.css.jinja: the apparatus and parallels; the notes
NUMBER_SIZE = 7  # a paragraph's number in the margin
TEXT_SIZE = 8.5  # the text (10.5pt), letters (9.5pt), verse, tables: this size or larger
HEAD_Y = 9 * 72 - 0.75 * 72  # the top of the text block (edition.yaml: height, margin-top): running heads above
FOOT_Y = 0.8 * 72  # its foot (margin-bottom): folios below
RAISED = 4.5  # points a call stands above its line's baseline, at most
KEY = re.compile(r"\d+\.\d+[a-z]?")  # a paragraph's key: chapter and paragraph
CLASS = "contains(concat(' ', @class, ' '), ' %s ')"  # XPath: an element of this class


def foot_lines(pdf_page, joint: str = "") -> list[str]:
    """The lines of the note area, top to bottom: the runs below the text block's last line of
    reading text, in the notes' sizes, grouped by baseline, each line's runs joined by `joint`
    and without their spaces (a PDF's runs do not say where the spaces are)."""
    runs = text_runs(pdf_page)
    bottom = min(text_lines(runs), default=float("inf"))
    lines: dict[float, list] = {}
    for x, y, size, text in runs:
        if size in NOTE_SIZES and y < bottom:
            lines.setdefault(round(y, 1), []).append((x, text))
    return [joint.join("".join(t.split()) for _, t in sorted(parts)) for _, parts in sorted(lines.items(), reverse=True)]


CALL_SIZES = (5, 7)  # a note's call, set small and raised (65%): a line may hold nothing else


def text_lines(runs) -> list[float]:
    """The baselines of the text block's lines, top to bottom (a line holding only a call, raised
    above its baseline, at the call's height)."""
    lines = {round(y, 1) for _, y, size, _ in runs if size >= TEXT_SIZE and FOOT_Y < y < HEAD_Y}
    calls = {round(y, 1) for _, y, size, _ in runs if CALL_SIZES[0] <= size < CALL_SIZES[1] and FOOT_Y < y < HEAD_Y}
    lines |= {y for y in calls if all(abs(y - line) > RAISED for line in lines)}
    return sorted(lines, reverse=True)


def series_of_notes(html_path) -> list[tuple[str, str]]:
    """(series, its first three words without spaces) of every note of the print HTML."""
    html = etree.parse(str(html_path), etree.HTMLParser())
    found = []
    for span in html.xpath(f"//span[{CLASS % 'footnote'} or {CLASS % 'apparatus'} or {CLASS % 'parallels'}]"):
        classes = span.get("class").split()
        if "continued" in classes:
            continue
        series = ("apparatus" if "apparatus" in classes else "parallels" if "parallels" in classes
                  else "editorial" if "note-editorial" in classes else "source")
        found.append((series, "".join("".join(span.itertext()).split()[:3])))
    return found


def test_every_page_stacks_its_note_series_apart_in_the_order_of_print(built):
    """Reading each page's note area top to bottom, the notes come series by series in the order
    print: series gives (source notes, editorial notes, apparatus, parallels), never back to an
    earlier series."""
    settings = load(SOURCES, Report())
    rank = {name: k for k, name in enumerate(settings.printing.series)}
    notes = series_of_notes(built.html)
    probes = {}
    for series, words in notes:
        probes.setdefault(words, set()).add(series)
    probes = {words: found.pop() for words, found in probes.items() if len(found) == 1 and len(words) > 6}
    pages_checked = placed = 0
    for index, pdf_page in enumerate(built.reader.pages):
        lines = foot_lines(pdf_page)
        if not lines:
            continue
        text = "".join(lines)
        starts = [(line_index, rank[series]) for words, series in probes.items()
                  for line_index in [_line_of(lines, text, words)] if line_index is not None]
        if not starts:
            continue
        pages_checked += 1
        placed += len(starts)
        ranks = [r for _, r in sorted(starts)]
        assert ranks == sorted(ranks), (built.labels[index], lines)
    print(f"series order: {pages_checked} pages, {placed} notes checked")  # pytest -s shows the counts
    assert pages_checked > 120 and placed > 400, (pages_checked, placed)


def _line_of(lines: list[str], text: str, words: str) -> int | None:
    """The index of the line where `words` begin in the joined `text` of `lines`, if once."""
    at = text.find(words)
    if at < 0 or text.find(words, at + 1) >= 0:
        return None
    count = 0
    for k, line in enumerate(lines):
        count += len(line)
        if at < count:
            return k
    return None


def test_every_parallel_is_keyed_to_a_paragraph_on_its_page(built):
    """Each entry of the parallels ('40.27.3 cf. K 2.21, p. 184; …', or a run of paragraphs with
    the same parallels, '40.21.1–40.26 cf. …') names a paragraph that stands on its page: its number
    is in the page's margin, or the page goes on with it from the page before; and a line of it
    (where it first tells the event), counted as the margin counts: the first if the paragraph
    itself names the event, else the line where the words that name it begin."""
    settings = load(SOURCES, Report())
    width, outer = points(settings.page.width), points(settings.page.margin_outer)
    lines = paragraph_lines(built)
    begins = mentions()
    last_number = None
    checked = inside = 0
    for index, pdf_page in enumerate(built.reader.pages):
        runs = text_runs(pdf_page)
        numbers = [(y, text.strip()) for x, y, size, text in runs
                   if size == NUMBER_SIZE and KEY.fullmatch(text.strip()) and (x < outer or x > width - outer)]
        body = text_lines(runs)
        here = {number for _, number in numbers}
        if last_number and body and not any(abs(y - body[0]) < 0.5 for y, _ in numbers):
            here.add(last_number)  # the page goes on with the paragraph the page before ended in
        if numbers:
            last_number = min(numbers)[1]  # the lowest on the page
        text = " ".join(foot_lines(pdf_page, joint=" "))  # a key is a run of its own (bold)
        for key, line, last in re.findall(rf"(?:^|\s)({KEY.pattern})\.(\d+)(?:–({KEY.pattern}))?\s*cf\.", text):
            assert key in here, (built.labels[index], key, sorted(here))
            assert 0 < int(line) <= len(lines.get(key, [])), (built.labels[index], key, line)
            if len(begins.get(key, [])) == 1:  # a paragraph number of one source only
                words = begins[key][0]
                assert (int(line) == 1) if not words else words in lines[key][int(line) - 1][2], (
                    built.labels[index], key, line, words, lines[key][int(line) - 1][2])
                inside += bool(words)
            assert not last or last in lines and KEY_ORDER(key) < KEY_ORDER(last), (built.labels[index], key, last)
            checked += 1
    entries = etree.parse(str(built.html), etree.HTMLParser()).xpath(f"//span[{CLASS % 'parallels'}]")
    print(f"parallels: {checked} of {len(entries)} entries checked, {inside} keyed to a line inside the paragraph")
    assert checked >= 0.97 * len(entries) > 200, (checked, len(entries))


def mentions() -> dict[str, list[str]]:
    """A paragraph's number -> for each paragraph of that number with parallels, the first letters
    of the words where it first tells one of their events ('' where the paragraph itself does)."""
    from edition.pipeline import Progress, check

    edition = check(SOURCES, Report(), Progress(quiet=True))
    found: dict[str, list[str]] = {}
    for block, parallels in edition.parallels.items():
        at = {parallel.at for parallel in parallels}
        first = next(element for element in block.element.iter() if element in at)
        found.setdefault(block.number, []).append(
            "" if first is block.element else "".join("".join(first.itertext()).split())[:4])
    return found


def KEY_ORDER(key: str) -> tuple[int, ...]:
    return tuple(int("".join(c for c in part if c.isdigit())) for part in key.split("."))


def paragraph_lines(built) -> dict[str, list[tuple[int, float, str]]]:
    """The lines of every numbered paragraph, read from the PDF as a reader counts them: from the
    line its number stands beside to the next number or heading, over the page break: key
    ('40.27') -> [(page index, baseline, text without spaces, without the margins' numbers)]."""
    settings = load(SOURCES, Report())
    width = points(settings.page.width)
    margin = min(points(settings.page.margin_inner), points(settings.page.margin_outer))  # margin numbers stand beyond
    lines: dict[str, list] = {}
    current = None
    for index, pdf_page in enumerate(built.reader.pages):
        runs = text_runs(pdf_page)
        numbers = {round(y, 1): text.strip() for x, y, size, text in runs
                   if size == NUMBER_SIZE and KEY.fullmatch(text.strip())}
        for baseline in text_lines(runs):
            texts = [(x, text) for x, y, size, text in runs if round(y, 1) == baseline and size >= CALL_SIZES[0]
                     and not (size == NUMBER_SIZE and not margin <= x < width - margin)]  # not a margin's number
            if any(size > 11 for x, y, size, _ in runs if round(y, 1) == baseline):
                current = None  # a heading ends the paragraph
                continue
            words = "".join(t for _, t in texts)
            if set(words.split()) <= {"*", "***"} or (words.upper() == words and sum(c.isalpha() for c in words) > 5):
                current = None  # a section break, or a section's heading in small capitals: no paragraph's line
                continue
            number = next((n for y, n in numbers.items() if abs(y - baseline) < 0.5), None)
            if number is not None:
                current = number
            if current is not None:
                lines.setdefault(current, []).append((index, baseline, "".join("".join(t.split()) for _, t in sorted(texts))))
    return lines


def test_line_numbers_in_the_margin_count_the_lines_of_each_paragraph(built):
    """Every fifth line of a paragraph has its number in the outer margin, level with it and in
    line with the paragraphs' numbers: the numbers a reader sees count the lines from the
    paragraph's number."""
    settings = load(SOURCES, Report())
    width, outer = points(settings.page.width), points(settings.page.margin_outer)
    lines = paragraph_lines(built)
    where = {(page, round(y, 1)): (key, k + 1) for key, rows in lines.items() for k, (page, y, _) in enumerate(rows)}
    checked = 0
    for index, pdf_page in enumerate(built.reader.pages):
        if index % 2 == 0:  # a recto: the margin's figures begin where the paragraphs' numbers begin
            starts = {round(x, 1) for x, y, size, text in text_runs(pdf_page) if size == NUMBER_SIZE and x > width - outer}
            assert len(starts) <= 1, (built.labels[index], starts)
        for x, y, size, text in text_runs(pdf_page):
            in_outer_margin = x > width - outer if index % 2 == 0 else x < outer  # not a source's page (inner)
            if size == NUMBER_SIZE and text.strip().isdigit() and in_outer_margin:
                found = next((v for (page, baseline), v in where.items() if page == index and -0.5 < baseline - y < RAISED), None)
                assert found is not None and found[1] == int(text), (built.labels[index], text, found)
                checked += 1
    expected = sum(len(rows) // 5 for rows in lines.values())
    print(f"line numbers: {checked} checked, of {sum(len(rows) for rows in lines.values())} lines in {len(lines)} paragraphs")
    assert checked == expected > 1000, (checked, expected)


def test_every_apparatus_entry_cites_the_line_its_lemma_stands_on(built):
    """'40.27.3 precursor] …': the lemma ends on line 3 of paragraph 40.27, counted as the margin
    counts; '40.27.3–4 of dark] …': it begins on line 3 and ends on line 4; an entry after '|'
    stands on the lines of the entry before it."""
    lines = paragraph_lines(built)
    checked = ranges = 0
    for index, pdf_page in enumerate(built.reader.pages):
        text = " ".join(foot_lines(pdf_page, joint=" "))
        previous = None
        for key, first, last, bar, lemma in re.findall(rf"(?:^|\s)(?:({KEY.pattern})\.(\d+)(?:–(\d+))?|(\|)) (.+?)\]", text):
            if bar and previous is None:
                continue  # the entry before it is on the page before
            key, first, last = previous if bar else (key, int(first), int(last or first))
            previous = key, first, last
            rows = lines.get(key, [])
            assert 0 < first <= last <= len(rows), (built.labels[index], key, first, last)
            letters = "".join(lemma.split())
            head, tail = letters[:3], letters[-3:]
            here = rows[last - 1][2]
            before = rows[last - 2][2].rstrip("‐-") if last > 1 else ""
            assert tail in here or tail in before + here, (built.labels[index], key, last, lemma, here)
            if last > first:  # the lemma begins on its first line and goes on to the next
                assert rows[first - 1][2].rstrip("‐-").endswith(tuple(letters[:k] for k in range(1, len(letters)))), (
                    built.labels[index], key, first, lemma, rows[first - 1][2])
                ranges += 1
            else:  # the whole lemma on one line
                assert letters in here, (built.labels[index], key, first, lemma, here)
            assert rows[last - 1][0] == index, (built.labels[index], key, last)  # on its call's page
            checked += 1
    entries = etree.parse(str(built.html), etree.HTMLParser()).xpath(f"//span[{CLASS % 'apparatus'}]")
    print(f"apparatus: {checked} of {len(entries)} entries checked, {ranges} over two lines or more")
    assert checked >= 0.97 * len(entries) > 100 and ranges, (checked, len(entries), ranges)


def test_series_marks_sizes_and_run_in_are_settings(tmp_path):
    """print: marks, note-size and run-in, read back from a small edition's PDF: by default each
    source note is a paragraph of its own at 8 pt, numbered; set run in at 9 pt with symbols, the
    three notes share one line of the foot, marked *, † and ‡."""
    from pypdf import PdfReader

    notes = "".join(f'{word}<note type="source">Note {word}.</note> ' for word in ("alpha", "beta", "gamma"))
    body = f'<p xml:id="A.1.1">The words {notes}end the paragraph.</p>'
    feet = {}
    for name, settings in (("plain", ""), ("set", "print:\n  marks:\n    source: symbols\n  run-in: [source]\n"
                                                  "  note-size:\n    source: 9\n")):
        make_edition(tmp_path / name, {"A": tei_source("A", body)}, settings)
        assert build(tmp_path / name, tmp_path / f"{name}-out", "--format", "pdf") == 0
        reader = PdfReader(tmp_path / f"{name}-out" / "tiny.pdf")
        page = next(p for p in reader.pages if "Note alpha" in p.extract_text())
        lines: dict = {}
        for x, y, size, text in text_runs(page):
            if size in (8, 9) and y > FOOT_Y:  # not the folio
                lines.setdefault((round(y, 1), size), []).append((x, text.strip()))
        feet[name] = {key: "".join(t for _, t in sorted(parts)) for key, parts in lines.items()}
    plain = [text for (y, size), text in sorted(feet["plain"].items(), reverse=True) if size == 8]
    assert [text.replace(" ", "") for text in plain] == ["1Notealpha.", "2Notebeta.", "3Notegamma."], feet["plain"]
    run_in = [text for (y, size), text in feet["set"].items() if size == 9]
    assert len(run_in) == 1 and run_in[0].replace(" ", "") == "*Notealpha.\u2020Notebeta.\u2021Notegamma.", feet["set"]
