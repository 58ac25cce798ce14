"""A typesetter's corrections: paragraphs set a little tighter or looser, to mend a loose line or
to fill a page that ends short, and the few other things a typesetter does for a short page.

In: the measured pages of a layout (`check.layout.measure`), the print HTML it was laid out from,
and the corrections so far.  Out: for each element that needs one, the class print_html.py gives
it (book.css): a word spacing (`SPACINGS`), a chapter opening a line higher or lower (`OPENINGS`),
a paragraph's parallels called where it begins (`CALL_FIRST`), less space around the letters of a
page (`DISPLAY_TIGHT`); and the long notes split across two pages.

WeasyPrint breaks lines one at a time, as they come, and leaves some lines loose; a page ends
short when a note must stay with its call, or what comes next is kept whole (a table row that
would leave it short breaks as it is laid out: row_breaks.py).  A typesetter mends both by
running paragraphs tight or loose.  A candidate paragraph is laid out alone in a spacing,
many in one WeasyPrint render, in copies of its ancestors (same measure, same indent): its
lines do not depend on where it falls on the page, so these trials are cached under a digest of the
paragraph and the stylesheet; and what a layout shows of a paragraph stands for its trial in the
spacing it is set in (`observe`).  A paragraph is tried only in the spacings a decision reaches: the
decisions are made again, with the trials they reached made in one batch, until they reach none
untried (`_settled`).  A paragraph with a loose line takes the first spacing that mends it
(`intrinsic`: a function of the paragraph alone).  A short page is mended from a layout of its
part (`fill`), each part on its own and page by page (`PartMending`: the part laid out again to
its next short page after each correction), and its corrections are remembered for each
part of the book (`parts.py`) whose HTML and stylesheet are exactly the same.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import json
import math
from collections import Counter
from pathlib import Path

from ..check.layout import (
    Limits,
    PageMeasure,
    line_pitch,
    measure,
    median_space,
    runt,
    short_pages,
    stretched,
)
from ..render.html import CALL_FIRST, DISPLAY_KEY, DISPLAY_TIGHT
from ..render.notes import RUN_IN
from . import html_parsing, part_job, workers

# Word spacings a typesetter may give a paragraph, in order of preference ("" is the book's own).
SPACINGS = ("", "spacing-tight-1", "spacing-track-tight-1", "spacing-loose-1", "spacing-track-loose-1",
            "spacing-tight-2", "spacing-track-tight-2", "spacing-loose-2", "spacing-track-loose-2",
            "spacing-tight-3", "spacing-loose-3", "spacing-loose-4")
LOOSER = ("spacing-loose-1", "spacing-track-loose-1", "spacing-loose-2", "spacing-track-loose-2",
          "spacing-loose-3", "spacing-loose-4")
TIGHTER = ("spacing-tight-1", "spacing-track-tight-1", "spacing-tight-2", "spacing-track-tight-2", "spacing-tight-3")
OPENINGS = ("opening-less", "opening-more", "opening-more-2")  # a chapter's title one line lower or higher
DISPLAYED = "floatingText"  # the class of the displayed blocks (letters, telegrams) whose space may shrink
MAX_PULLED = 3  # lines a short page may save to take back the next page's first note call
BLOCK_SPACE = 0.5  # the space above and below a displayed block (a letter), in lines
NOTE_AREA_LINES = 0.6  # the rule and space above the notes, in lines, when the page has no notes yet
SERIES_LINES = 0.4  # the space above a series of notes the page has none of yet, in lines (note_stack.py)
SERIES_NOTE_LINES = 0.5  # the same, in lines of the notes
SERIES_CLASSES = ("note-source", "note-editorial", "apparatus", "parallels")  # a note's series, by its class
MIN_NOTE_LINES = 2  # lines of a split note on each page, at least
ORPHANS = 2  # lines of a paragraph that never part at a page break (book.css: orphans, widows)
CANDIDATE_PAGES = 3  # a short page is mended by paragraphs ending on it or on the pages before
FLOATED = {"footnote", "parallels", "apparatus", "pn", "srcpage"}  # not part of the paragraph's lines
NOTES = FLOATED - {"pn", "srcpage"}  # floated to the foot of the page
TRIALS_PER_RENDER = 300  # trial paragraphs laid out in one document, a page each
# Tried together when the first of them is reached: the book's own spacing (a layout shows it:
# `observe`) and the one that mends most, then the next three, then the rest
CHUNKS = (SPACINGS[:2], SPACINGS[2:5], SPACINGS[5:])
SPECULATE = 1  # untried paragraphs a plan reaches for each line it lacks (twice as many after each batch of trials)
PART_SPECULATE = 4  # the same, at first, for a part's short pages: fewer batches, each waited for alone
PAGE_TRIES = 3  # corrections of one short page before it is passed over (`PartMending`)
VARIANT = "--spacing-"  # joins a paragraph's id and a spacing in the trial document
TRIAL_PAGE = "trial"  # the pages of a trial document (book.css): no running heads nor folios to make
TRIAL = ("lines", "worst word space (ems)", "hyphenated line ends in a row", "runts")  # what a trial records


@dataclasses.dataclass
class Corrections:
    """What the trials found, and the spacings given to paragraphs."""

    trials: dict[str, dict[str, list]] = dataclasses.field(default_factory=dict)  # digest -> spacing -> TRIAL (those tried)
    fills: dict[str, str] = dataclasses.field(default_factory=dict)  # paragraph id -> spacing filling a short page
    splits: dict[str, list] = dataclasses.field(default_factory=dict)  # note id -> [words kept, block id, word]
    parts: dict[str, str] = dataclasses.field(default_factory=dict)  # part id -> digest its fills were decided for
    remembered: set[str] = dataclasses.field(default_factory=set)  # parts unchanged since: their fills and splits hold
    spacing: dict[str, str] = dataclasses.field(default_factory=dict)  # paragraph id -> spacing in this layout
    digests: dict[str, str] = dataclasses.field(default_factory=dict)  # paragraph id -> digest in this layout
    as_written: dict[str, str] = dataclasses.field(default_factory=dict)  # paragraph id -> its spacing in the same HTML
    seen: dict[str, dict[str, list]] = dataclasses.field(default_factory=dict)  # digest -> spacing -> TRIAL a layout showed
    chosen: dict[str, str] = dataclasses.field(default_factory=dict)  # digest -> spacing given by `intrinsic` last
    wanted: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # paragraph id -> spacings reached untried
    reach: int = SPECULATE  # untried paragraphs a plan may reach for each line it lacks, to decide again once tried
    median: float = 0.0  # the book's median word space (ems) the stretch limit multiplies (`measure_median`)
    median_of: str = ""  # the digest of the stylesheet it was measured with
    digested: dict[bytes, str] = dataclasses.field(default_factory=dict, repr=False)  # a paragraph's markup as read, with the stylesheet (sha256) -> its digest (`_read`)

    @classmethod
    def load(cls, path: Path) -> "Corrections":
        """The cache of the last build: its trials, and its fills and splits with the parts they were
        decided for (`recall` keeps those that hold)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            trials = {d: {s: list(r) for s, r in t.items()} for d, t in data["trials"].items()
                      if set(t) <= set(SPACINGS) and all(len(r) == len(TRIAL) for r in t.values())}
            fills = {k: v for k, v in data.get("fills", {}).items() if v in SPACINGS + OPENINGS + (CALL_FIRST, DISPLAY_TIGHT)}
            splits = {k: list(v) for k, v in data.get("splits", {}).items()}
            chosen = {k: v for k, v in data.get("chosen", {}).items() if v in SPACINGS}
            median = data.get("median", [0.0, ""])
            return cls(trials, fills, splits, {str(k): str(v) for k, v in data.get("parts", {}).items()},
                       chosen=chosen, median=float(median[0]), median_of=str(median[1]))
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            return cls()

    def recall(self, parts: dict[str, str], owners: dict[str, str], draft: bool = False) -> None:
        """Remember the parts whose digest (`parts.digests`: what their layout depends on, before
        any correction) is the one their corrections were decided for: a part is laid out alone,
        so an unchanged part keeps its corrections whatever changed elsewhere, and is not mended
        again.  A changed part is mended again from its last fills, as a typesetter sets again
        only the pages a correction upsets (most of them still hold; a part mended from none laid
        out again to find them), but without its notes' splits (its notes may have changed); a
        `draft` keeps the splits too, and the digests they were decided for, so that the next
        full build mends the changed parts.  The fills kept are given."""
        self.remembered = {part for part, digest in parts.items() if self.parts.get(part) == digest}
        if not draft:
            self.splits = {k: v for k, v in self.splits.items() if owner_of(k, owners) in self.remembered}
        self.spacing.update(self.fills)

    def save(self, path: Path, parts: dict[str, str] | None = None) -> None:
        """Write the cache; `parts`: the digests of the parts the fills were decided for (None, in a
        draft: those they were decided for before)."""
        used = set(self.digests.values())  # trials of paragraphs no longer in the book are dropped
        chosen = {digest: self.spacing.get(key, "") for key, digest in self.digests.items()
                  if key not in self.fills and (digest in self.trials or self.spacing.get(key))}
        data = {"parts": dict(sorted((parts if parts is not None else self.parts).items())),
                "fills": dict(sorted(self.fills.items())), "splits": dict(sorted(self.splits.items())),
                "chosen": dict(sorted(chosen.items())), "median": [self.median, self.median_of],
                "trials": {d: t for d, t in sorted(self.trials.items()) if d in used}}
        path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")

    def measure_median(self, stylesheet: str, pages: list[PageMeasure]) -> None:
        """Take the median word space of `pages` (the book's first layout in this build: on a
        build from scratch, before any correction) as the book's, unless it was measured with
        this very `stylesheet` (its digest) already: one measure for every decision of a build,
        however the corrections move the spaces, and of the rebuilds that follow, however the
        sources change (a paragraph on the edge of the limit is not set again elsewhere in the
        book because a word changed in another)."""
        if self.median_of != stylesheet or not self.median:
            self.median, self.median_of = median_space(pages), stylesheet

    def css(self, key: str | None) -> str:
        """The class the paragraph with this id is set with ('' for the book's own spacing)."""
        return self.spacing.get(key, "") if key else ""

    def split(self, key: str | None) -> int | None:
        """How many words of the note with this id stay with its call (None: all of them)."""
        return self.splits[key][0] if key in self.splits else None

    def continued(self, key: str | None) -> list[tuple[int, str]]:
        """(word, note id) of the notes that go on before a word of the block with this id."""
        return sorted((word, note) for note, (_, block, word) in self.splits.items() if block == key)

    def tried(self, key: str, spacings) -> dict[str, list] | None:
        """The trials of the paragraph with this id, if it has been tried in every one of
        `spacings`; else None, and those it lacks are wanted (a paragraph that cannot be tried,
        not numbered, has no trials and wants none)."""
        if key not in self.digests:
            return None
        digest = self.digests[key]
        trial = self.trials.get(digest, {})
        missing = {spacing for spacing in spacings if spacing not in trial}
        shown = missing & set(self.seen.get(digest, {}))
        if shown:  # what a trial would find, a layout showed
            trial = self.trials.setdefault(digest, {})
            trial.update((spacing, self.seen[digest][spacing]) for spacing in shown)
            missing -= shown
        if missing:
            self.wanted.setdefault(key, set()).update(missing)
            return None
        return trial

    def asked(self) -> int:
        """How many trials are wanted so far."""
        return sum(map(len, self.wanted.values()))


def owner_of(key: str, owners: dict[str, str]) -> str | None:
    """The part of a correction's key: an element's id, or one with a suffix ('T2.8.98-display')."""
    while key and key not in owners:
        key = key.rpartition("-")[0]
    return owners.get(key)


def intrinsic(corrections: Corrections, pages: list[PageMeasure], html_path: Path, limits: Limits,
              trying: bool = True) -> bool:
    """Give each paragraph with a stretched line, a hyphen ladder or a runt the first spacing that
    mends it (or the one that comes nearest), trying it in the spacings that choice reaches unless
    told not to (then only those tried already are given one); True if a paragraph's spacing changed."""
    median = corrections.median or median_space(pages)
    faulty = {line.ids[0] for page in pages for line in page.lines
              if line.area == "main" and line.ids and stretched(line, median, limits)}
    faulty |= {key for key, run in _hyphen_runs(pages).items() if run > limits.ladder}
    for page in pages:
        main = [line for line in page.lines if line.area == "main" and not line.out_of_flow and line.ids]
        faulty |= {line.ids[0] for previous, line in zip(main, main[1:]) if runt(line, previous, limits)}
    tree = _read(html_path, corrections, limits)
    observe(corrections, pages, limits)
    keys = sorted(key for key, digest in corrections.digests.items()
                  if (key in faulty or digest in corrections.trials) and key not in corrections.fills)

    def decide() -> bool:
        changed = False
        for key in keys:
            best = _best(corrections, key, median, limits)
            if best is not None:
                changed |= _give(corrections, key, best)
        return changed

    if not trying:  # those tried in every spacing the choice reaches
        corrections.wanted = {}
        return decide()
    return _settled(corrections, [tree], html_path, limits, decide)


def _hyphen_runs(pages: list[PageMeasure]) -> dict[str, int]:
    """Paragraph id -> its longest run of lines ending with a hyphen, page breaks aside."""
    runs: dict[str, int] = {}
    for page in pages:
        run, previous = 0, None
        for line in page.lines:
            if line.area != "main" or line.out_of_flow or not line.ids:
                continue
            run = run + 1 if line.hyphen and line.ids[0] == previous else (1 if line.hyphen else 0)
            previous = line.ids[0]
            runs[previous] = max(runs.get(previous, 0), run)
    return runs


def short_pages_to_mend(pages: list[PageMeasure], limits: Limits, pitch: float) -> list[tuple[int, float, list[str]]]:
    """Each short page (lines lacking counted in `pitch`): its index, the lines it lacks, and the
    paragraphs that may mend it: a paragraph gains or loses its lines at its end, so those that
    end on it come first, then those that end on the pages before (each line gained or lost there
    moves a line onto or off the page)."""
    return [(page, gap, [key for back in range(CANDIDATE_PAGES) for key in _ending_on(pages, page - back)])
            for page, gap in short_pages(pages, limits, pitch)]


class PartMending:
    """The short pages of one part mended page by page, as TeX makes up a page and then the next,
    apart from the other parts' (their corrections touch none of its paragraphs): the first short
    page from `floor` on is mended (`fill`, as `_settled` decides, but the trials its plan reaches
    are asked for, `decide`, and given, `tried`, while the other parts are laid out or tried, not
    in a batch for the whole book), and the part laid out again from where the correction reaches
    to the next short page (`stop`: a layout ends there), until a layout reaches the part's end.
    A page no correction helps, or tried PAGE_TRIES times, is passed over.  Mended all at once
    from a layout of the whole part, each page's corrections upset the pages after it, which the
    next layout of the part found short again (part T2 of the edition was laid out five times)."""

    def __init__(self, corrections: Corrections, limits: Limits, pitch: float) -> None:
        self.corrections, self.limits, self.pitch = corrections, limits, pitch
        self.tree = self.html_path = None
        self.digests: dict[str, str] = {}
        self.as_written: dict[str, str] = {}
        self.pages: list[PageMeasure] = []
        self.complete = True  # the layout `pages` reached the part's end
        self.floor = 0  # the first page not passed over
        self.tries: Counter[int] = Counter()  # how many times each page was corrected
        self.reach = PART_SPECULATE
        self.asked: list[tuple[str, str]] = []

    def written(self, html_path: Path) -> None:
        """The print HTML the part's next layout is made from: its paragraphs (and their digests)
        are those its trials are made of."""
        self.tree = _read(html_path, self.corrections, self.limits)
        self.html_path, self.digests, self.as_written = html_path, self.corrections.digests, self.corrections.as_written

    def stop(self) -> tuple:
        """`part_job.Job.stop` for the part's next layout: it ends at the next short page to mend."""
        return self.floor, self.limits, self.pitch

    def laid_out(self, pages: list[PageMeasure], complete: bool = True) -> None:
        """The measured pages of the part's layout from the HTML last `written` (not `complete`:
        its first pages, ended after a short page)."""
        self.pages, self.complete = pages, complete
        self.reach = PART_SPECULATE
        self.corrections.digests, self.corrections.as_written = self.digests, self.as_written
        observe(self.corrections, pages, self.limits, complete)

    def decide(self) -> bool | list[tuple]:
        """Mend the first short page from the floor on: whether to lay the part out again (a
        correction was made, or the layout ended early and goes on past the pages passed over);
        or, if its plan reaches paragraphs not tried in the spacings it needs, the corrections
        left as they were and the trials to make, each a function and its arguments, whose
        results, in order, `tried` takes."""
        corrections = self.corrections
        for short in short_pages_to_mend(self.pages, self.limits, self.pitch):
            page = short[0]
            if page < self.floor:
                continue
            if self.tries[page] >= PAGE_TRIES:
                self.floor = page + 1
                continue
            before = (dict(corrections.fills), dict(corrections.splits), dict(corrections.spacing))
            corrections.digests, corrections.reach, corrections.wanted = self.digests, self.reach, {}
            changed = fill(corrections, self.pages, [short], self.limits, self.pitch)
            if corrections.wanted:
                corrections.fills, corrections.splits, corrections.spacing = before
                self.reach *= 2
                self.asked, documents = _trial_documents(corrections, [self.tree])
                return [(_trial_lines, (str(self.html_path), self.limits), *document) for document in documents]
            self.tries[page] += 1
            self.reach = PART_SPECULATE
            if changed:
                return True
            self.floor = page + 1
        return not self.complete

    def tried(self, found: list[dict[str, list]]) -> None:
        """The results of the trial documents `decide` asked for."""
        self.corrections.digests = self.digests
        _record(self.corrections, self.asked, found)


def fill(corrections: Corrections, pages: list[PageMeasure], wanted: list[tuple[int, float, list[str]]],
         limits: Limits, pitch: float) -> bool:
    """Mend each short page of `wanted` (`short_pages_to_mend`); True if anything changed.  A page
    whose plan reaches paragraphs not tried in the spacings it needs is left, and they are wanted
    (`Corrections.tried`).

    A page ends short when the next line, with the note it calls, does not fit (a table row that
    does not breaks as it is laid out: row_breaks.py).  A paragraph's parallels, called at its
    end, take its last lines with them: they are called where it begins instead.  If setting the
    paragraphs before it tighter saves the few lines that line and its note need, they are pulled
    back onto the page; else, if the note is long, it is split: it begins on the page, with its
    call, and goes on at the foot of the next; else paragraphs are set looser, each gaining a
    line, until the page is full."""
    median = corrections.median or median_space(pages)
    changed = False
    for page, gap, keys in wanted:
        float_ = _float_at_end(pages, page)
        if float_ is not None and float_ not in corrections.fills:
            corrections.fills[float_] = CALL_FIRST  # its note goes to the page where the paragraph begins
            changed |= _give(corrections, float_, CALL_FIRST)
            continue
        pull = _lines_to_pull(pages, page, gap, pitch)
        displays = _displays(pages, page, corrections) if pull or _kept_block(pages, page) else []
        if displays:  # less space around the letters on the page: the first thing a typesetter takes
            for key in displays:
                corrections.fills[key] = DISPLAY_TIGHT
                changed |= _give(corrections, key, DISPLAY_TIGHT)
            continue
        opening = _opening(pages, page, corrections)
        asked = corrections.asked()
        plan = _plan(corrections, keys, pull - bool(opening), TIGHTER, median, limits) if pull else None
        if corrections.asked() > asked:
            continue  # decided once the paragraphs it reached are tried
        if plan is not None and opening:
            plan[opening] = "opening-less"  # the chapter's title a line higher: a line more below it
        if plan is None:
            split = _split(pages, page)
            if split is not None and split[0] not in corrections.splits:
                corrections.splits[split[0]] = list(split[1:])
                changed = True
                continue
            lacking = math.floor(gap)
            plan = {opening: OPENINGS[min(lacking, 2)]} if opening and lacking else {}
            plan |= _plan(corrections, keys, lacking - min(lacking, 2) * bool(opening), LOOSER, median, limits) or {}
        for key, spacing in plan.items():
            corrections.fills[key] = spacing
            changed |= _give(corrections, key, spacing)
    return changed


def _float_at_end(pages: list[PageMeasure], index: int) -> str | None:
    """The id of the parallels of a paragraph begun before the next page, if it is their call, at
    the paragraph's end, that took the paragraph's last lines over to it."""
    following = [line for line in pages[index + 1].lines if line.area == "main" and not line.out_of_flow]
    for line in following[:MAX_PULLED]:
        ends = [e.id for e in line.calls if e.id.endswith("-parallels")]
        if ends:
            begun = any(row.ids[:1] == line.ids[:1] for row in pages[index].lines if row.area == "main" and row.ids)
            return ends[-1] if begun else None
        if line.calls:
            return None
    return None


def _displays(pages: list[PageMeasure], index: int, corrections: Corrections) -> list[str]:
    """The keys of the displayed blocks on the page `index` and at the next page's top whose
    space above and below is still the book's."""
    def main(page: PageMeasure) -> list:
        return [line for line in page.lines if line.area == "main" and not line.out_of_flow and line.ids]

    following = main(pages[index + 1])[:1] if index + 1 < len(pages) else []
    lines = [line for line in main(pages[index]) + following if DISPLAYED in line.context]
    keys = dict.fromkeys(line.ids[0] + DISPLAY_KEY for line in lines)
    return [key for key in keys if key not in corrections.fills]


def _opening(pages: list[PageMeasure], index: int, corrections: Corrections) -> str | None:
    """The id of the chapter whose title stands on the page, if its space is still the book's."""
    for line in pages[index].lines:
        if (line.area == "main" and line.block_tag == "h2" and "head" in line.block_classes and line.section
                and line.section not in corrections.fills):
            return line.section
    return None


def _split(pages: list[PageMeasure], index: int) -> tuple[str, int, str, int] | None:
    """A note to split, as a typesetter splits a long note: (its id, the words that stay on the
    short page `index` with the call, the block and word before which the rest goes on) when the
    next page begins with the note's call and the note, too long for the page, could leave two
    lines or more on each page; None otherwise."""
    if index + 1 >= len(pages):
        return None
    page, following = pages[index], pages[index + 1]
    main = [line for line in following.lines if line.area == "main" and not line.out_of_flow]
    for k, line in enumerate(main[:MAX_PULLED]):
        if not line.calls:
            continue
        moved = _moving_together(main, k)
        if moved >= len(main) or not main[moved].ids:
            return None
        called = [element for row in main[:moved] for element in row.calls]
        # the longest of the notes called there first (notes stack by series: any may be the long one)
        for note in sorted((n for n in line.calls if n.id and RUN_IN not in n.classes), key=lambda n: -len(following.note_lines.get(n, []))):
            found = _split_note(page, following, main, moved, called, note)
            if found is not None:
                return found
        return None
    return None


def _split_note(page: PageMeasure, following: PageMeasure, main: list, moved: int, called: list, note):
    """(note id, words kept, block, word) if `note` can leave two lines or more on each page."""
    lines = following.note_lines.get(note, [])
    if len(lines) < 2 * MIN_NOTE_LINES:
        return None
    others = sum(following.note_heights.get(element, 0.0) for element in called if element != note)
    first_note = min((row.top for rows in following.note_lines.values() for row in rows), default=following.flow_limit)
    rule = 0.0 if page.notes else first_note - following.flow_limit
    new_series = {_series(e) for e in called} - {_series(e) for e in page.notes}
    parting = SERIES_NOTE_LINES * (lines[0].bottom - lines[0].top) * max(0, len(new_series) - (0 if page.notes else 1))
    room = page.flow_limit - page.flow_bottom - (main[moved - 1].bottom - main[0].top) - others - rule - parting
    fit = math.floor(room / (lines[0].bottom - lines[0].top) + 0.02)
    if fit < MIN_NOTE_LINES or len(lines) - fit < MIN_NOTE_LINES:
        return None
    kept = sum(len(row.text.split()) for row in lines[:fit]) - (1 if lines[fit - 1].hyphen else 0)
    after = main[moved]
    return note.id, kept, after.ids[0], after.word_index


def _lines_to_pull(pages: list[PageMeasure], index: int, gap: float, pitch: float) -> int:
    """How many lines (of the book's `pitch`) the page `index`, `gap` lines short, must save so that
    what the next page begins with fits: its first note call, with its line, the lines that must go
    with it and its notes; or else a short block (a letter, a telegram) begun and ended there, kept
    whole.  0 if that is not the trouble or needs too many."""
    if index + 1 >= len(pages):
        return 0
    following = pages[index + 1]
    main = [line for line in following.lines if line.area == "main" and not line.out_of_flow]
    if not main or not pitch:
        return 0
    for k, line in enumerate(main[:MAX_PULLED]):
        if line.calls:
            moved = _moving_together(main, k)
            called = [element for row in main[:moved] for element in row.calls]
            notes = sum(following.note_heights.get(element, 0.0) for element in called)
            new_series = {_series(e) for e in called} - {_series(e) for e in pages[index].notes}
            need = ((main[moved - 1].bottom - main[0].top + notes) / pitch + (0 if pages[index].notes else NOTE_AREA_LINES)
                    + SERIES_LINES * max(0, len(new_series) - (0 if pages[index].notes else 1)))
            lines = math.ceil(need - gap)
            return lines if 0 < lines <= MAX_PULLED else 0
    block = _kept_block(pages, index)
    if block:
        lines = math.ceil((block[-1].bottom - block[0].top) / pitch + BLOCK_SPACE - gap)
        return lines if 0 < lines <= MAX_PULLED else 0
    return 0


def _series(note) -> str | None:
    """The series a note measured on a page belongs to."""
    return next((name for name in SERIES_CLASSES if name in note.classes), None)


def _kept_block(pages: list[PageMeasure], index: int) -> list:
    """The lines of the block the page after `index` begins with, if it begins and ends there and
    is more than a paragraph's first lines (a letter, a telegram, kept whole); else []."""
    if index + 1 >= len(pages):
        return []
    main = [line for line in pages[index + 1].lines if line.area == "main" and not line.out_of_flow]
    if not main or not main[0].ids or main[0].word_index:
        return []
    block = [line for line in main if line.ids[:1] == main[0].ids[:1]]
    ends_here = len(block) < len(main)  # another block follows it on the page
    return block if ends_here and len(block) > ORPHANS + 1 else []


def _moving_together(main: list, k: int) -> int:
    """How many of the page's first lines must go back with line `k` (orphans and widows of two):
    the first two lines of a paragraph, and the last two, never part."""
    moved = k + 1
    if main[0].word_index == 0:
        moved = max(moved, ORPHANS)
    block = main[moved - 1].ids[:1]
    rest = 0
    while moved + rest < len(main) and main[moved + rest].ids[:1] == block and not main[moved + rest - 1].last:
        rest += 1
    if 0 < rest < ORPHANS and main[moved + rest - 1].last:
        moved += rest
    return moved


def _plan(corrections: Corrections, keys: list[str], lines: int, spacings: tuple[str, ...], median: float,
          limits: Limits) -> dict[str, str] | None:
    """Spacings for some of `keys` that change their line counts by `lines` in all (fewer with
    TIGHTER, more with LOOSER), none stretched beyond the limit, none with a new ladder or runt;
    None if they cannot."""
    plan: dict[str, str] = {}
    untried = 0
    for key in keys:
        if lines <= 0 or untried >= corrections.reach * lines:
            break
        if key in corrections.fills and not (spacings is TIGHTER and corrections.fills[key] in LOOSER):
            continue  # a paragraph set looser to fill a page may be set tighter to pull lines back
        trial = corrections.tried(key, (corrections.spacing.get(key, ""),) + spacings)
        if trial is None:
            untried += key in corrections.wanted  # decided again once it is tried
            continue
        now, _, _, runts = trial[corrections.spacing.get(key, "")]
        changes = [(abs(trial[s][0] - now), s) for s in spacings
                   if 0 < abs(trial[s][0] - now) <= lines and (trial[s][0] > now) == (spacings is LOOSER)
                   and trial[s][1] <= limits.stretch_factor * median and trial[s][2] <= limits.ladder
                   and trial[s][3] <= runts]  # no new runt
        if changes:
            change, spacing = max(changes, key=lambda c: (c[0], -spacings.index(c[1])))
            plan[key] = spacing
            lines -= change
    return plan if not untried and (lines <= 0 or spacings is LOOSER) else None


def _best(corrections: Corrections, key: str, median: float, limits: Limits) -> str | None:
    """The first spacing of the paragraph with no line stretched beyond the limit, no hyphen
    ladder and no runt, else the one whose faults are least (a runt is the least of them); None
    if it must be tried further first (the rest of the `CHUNKS` the first untried spacing is in
    are wanted)."""
    trial = corrections.trials.get(corrections.digests[key], {})

    def faults(spacing: str) -> tuple[bool, bool]:
        _, worst, run, _ = trial[spacing]
        return worst > limits.stretch_factor * median, run > limits.ladder

    for spacing in SPACINGS:
        if spacing not in trial:
            corrections.tried(key, next(chunk for chunk in CHUNKS if spacing in chunk))
            return None
        if not any(faults(spacing)) and not trial[spacing][3]:
            return spacing
    return min(SPACINGS, key=lambda s: (sum(faults(s)), trial[s][3], trial[s][1], trial[s][2], SPACINGS.index(s)))


def _give(corrections: Corrections, key: str, spacing: str) -> bool:
    if corrections.spacing.get(key, "") == spacing:
        return False
    corrections.spacing[key] = spacing
    return True


def _ending_on(pages: list[PageMeasure], index: int) -> list[str]:
    """The numbered paragraphs that end on the page `index`, in order: a line one of them gains
    (at its end, where a looser spacing adds it) stands on that page."""
    last: dict[str, int] = {}
    for page in pages:
        for line in page.lines:
            if line.area == "main" and not line.out_of_flow and line.ids:
                last[line.ids[0]] = page.index
    return [key for key, on in last.items() if on == index]


def apply_known(corrections: Corrections, html_path: Path, limits: Limits) -> None:
    """Before the first layout, the HTML written with the fills and splits `recall` kept: the
    paragraphs unchanged since the last build take the spacing `intrinsic` gave them then (it
    chose it for the lines a layout found stretched, which only a layout tells)."""
    _read(html_path, corrections, limits)
    for key, digest in corrections.digests.items():
        if key not in corrections.fills and digest in corrections.chosen:
            corrections.spacing[key] = corrections.chosen[digest]


def _read(html_path: Path, corrections: Corrections, limits: Limits):
    """The print HTML parsed; every numbered paragraph's digest noted (with the stylesheet and the
    limit of hyphenated lines in a row, which decide its lines too), and the spacing it is set in.
    A paragraph read before as it is now (its markup and the stylesheet the same) is not digested
    again (`Corrections.digested`)."""
    from lxml import etree

    tree = etree.parse(str(html_path), etree.HTMLParser())
    stylesheet = f"ladder={limits.ladder};runt={limits.runt};".encode() + b"".join((html_path.parent / link.get("href")).read_bytes()
                          for link in tree.getroot().iter("link") if link.get("rel") == "stylesheet")
    fed = hashlib.sha256(stylesheet)
    corrections.digests, corrections.as_written = {}, {}
    for element in tree.xpath(_NUMBERED):
        read = fed.copy()
        read.update(etree.tostring(element))
        read = read.digest()
        if read not in corrections.digested:
            corrections.digested[read] = _digest(element, fed)
        key = element.get("id")
        corrections.digests[key] = corrections.digested[read]
        corrections.as_written[key] = next((c for c in element.get("class").split() if c in SPACINGS), "")
    return tree


_NUMBERED = "//*[@id != '' and contains(concat(' ', normalize-space(@class), ' '), ' numbered ')]"


def _digest(element, stylesheet) -> str:
    """The paragraph's words and markup with the stylesheet (a sha256 fed it): what decides its
    lines.  Notes that float away keep only what makes their call; margin numbers, ids and
    spacings are left out."""
    from lxml import etree

    clone = copy.deepcopy(element)
    for node in list(clone.iter()):
        classes = set((node.get("class") or "").split())
        if node is not clone and classes & FLOATED:
            kept = {k: node.get(k) for k in ("class", "data-mark") if node.get(k) and not classes & {"pn", "srcpage"}}
            node.clear(keep_tail=True)
            node.attrib.update(kept)
        for attribute in ("id", "title"):
            node.attrib.pop(attribute, None)
    clone.set("class", " ".join(c for c in sorted(clone.get("class", "").split())
                                if not c.startswith("spacing-") and c != DISPLAY_TIGHT))  # margins: no change of lines
    digest = stylesheet.copy()
    digest.update(etree.tostring(clone, encoding="utf-8"))
    return digest.hexdigest()[:20]


def _settled(corrections: Corrections, trees: list, html_path: Path, limits: Limits, decide):
    """What `decide()` returns once it reaches no untried trial: until then, the corrections are
    put back as they were, the trials it wanted are made, all in one batch, and it decides again,
    its plans reaching twice as far."""
    before = (dict(corrections.fills), dict(corrections.splits), dict(corrections.spacing))
    corrections.reach = SPECULATE
    while True:
        corrections.wanted = {}
        decided = decide()
        if not corrections.wanted:
            return decided
        corrections.fills, corrections.splits, corrections.spacing = (dict(d) for d in before)
        _try(corrections, trees, html_path, limits)
        corrections.reach *= 2


def _try(corrections: Corrections, trees: list, html_path: Path, limits: Limits) -> None:
    """Lay out each paragraph `corrections.wanted` (found in one of the print HTML `trees`) alone,
    in each spacing wanted, shared among the workers; record each one's `TRIAL`."""
    todo, documents = _trial_documents(corrections, trees)
    _record(corrections, todo, workers.run(_trial_lines, documents, (str(html_path), limits)))


def _trial_documents(corrections: Corrections, trees: list) -> tuple[list[tuple[str, str]], list[tuple[str]]]:
    """The (paragraph id, spacing) of each trial `corrections.wanted`, and the documents that lay
    them out (each paragraph found in one of the print HTML `trees`), as many as the workers or a
    multiple of them (each as long as the others: with five documents, one worker laid out its
    third while the other waited), in renders of `TRIALS_PER_RENDER` at most (WeasyPrint's time
    grows faster than a document's pages): each the argument of a call of `_trial_lines`."""
    from lxml import etree

    todo = [(key, spacing) for key in sorted(corrections.wanted) for spacing in SPACINGS
            if spacing in corrections.wanted[key]]
    count = workers.jobs() * max(math.ceil(len(todo) / (TRIALS_PER_RENDER * workers.jobs())), 1)
    shares = [todo[k::count] for k in range(min(count, len(todo)))]
    wanted = set(corrections.wanted)  # found in one walk: lxml's get_element_by_id walks the whole tree each time
    elements = {element.get("id"): element for tree in trees for element in tree.xpath("//*[@id]")
                if element.get("id") in wanted}
    root = trees[0].getroot()
    documents = []
    for share in shares:
        document = etree.Element("html", root.attrib)
        document.append(copy.deepcopy(root.find("head")))
        body = etree.SubElement(document, "body")
        for key, spacing in share:
            body.append(_alone(elements[key], f"{key}{VARIANT}{spacing or 'none'}", spacing))
        documents.append((etree.tostring(document, method="html", encoding="unicode"),))
    return todo, documents


def _record(corrections: Corrections, todo: list[tuple[str, str]], found: list[dict[str, list]]) -> None:
    """Note the trials of `todo` as the trial documents' results (`_trial_lines`) found them."""
    results = {key: value for share in found for key, value in share.items()}
    for key, spacing in todo:
        corrections.trials.setdefault(corrections.digests[key], {})[spacing] = results.get(
            f"{key}{VARIANT}{spacing or 'none'}", [0, math.inf, 0, 0])


def _trial_lines(shared: tuple[str, Limits], source: str) -> dict[str, list]:
    """Lay out a trial document: for each trial paragraph, its `TRIAL`."""
    base_url, limits = shared
    # The trial let go of inside: collected
    with part_job.laying_out(limits.ladder, limits.short_page_lines), _undrawn():
        laid = html_parsing.parsed(source, base_url).render(font_config=part_job.fonts())
        pages = measure(laid, [""] * len(laid.pages))
        del laid
    return _records(pages, lambda line: next((i for i in line.ids if VARIANT in i), None), limits)


@contextlib.contextmanager
def _undrawn():
    """While inside, WeasyPrint makes pages without their margin boxes and backgrounds, which a
    trial's pages, measured and never drawn, do not need (a page's margin boxes are made once its
    area is laid out, and change nothing in it): a seventh of a trial's time."""
    from weasyprint import layout

    made, painted = layout.make_margin_boxes, layout.layout_backgrounds
    layout.make_margin_boxes, layout.layout_backgrounds = lambda context, page, state: [], lambda page, fetch: None
    try:
        yield
    finally:
        layout.make_margin_boxes, layout.layout_backgrounds = made, painted


def observe(corrections: Corrections, pages: list[PageMeasure], limits: Limits, complete: bool = True) -> None:
    """Note what the layout `pages` of the HTML read last shows of each numbered paragraph: its
    `TRIAL` in the spacing it is set in, which a trial of it finds the same (its lines do not
    depend on where it falls), so that it is not tried in that spacing (`Corrections.tried`).  A
    paragraph holding a block with an id of its own is left out: a trial counts that block's lines
    as the paragraph's; and, in a layout not `complete` (ended early), one on its last page, whose
    lines may go on beyond it."""
    digests = corrections.digests
    main = [line for page in pages for line in page.lines if line.area == "main" and not line.out_of_flow]
    holding = {key for line in main for key in line.ids[1:] if key in digests and key != line.ids[0]}
    if not complete and pages:
        holding |= {line.ids[0] for line in pages[-1].lines if line.ids}
    shown = _records(pages, lambda line: line.ids[0] if line.ids and line.ids[0] in digests
                     and line.ids[0] not in holding else None, limits)
    for key, record in shown.items():
        corrections.seen.setdefault(digests[key], {})[corrections.as_written.get(key, "")] = record


def _records(pages: list[PageMeasure], key_of, limits: Limits) -> dict[str, list]:
    """The `TRIAL` of each paragraph of `pages`, its lines those of the main flow `key_of` gives
    its key (None: none's)."""
    results: dict[str, list] = {}
    runs: dict[str, int] = {}
    previous = None
    for page in pages:
        for line in page.lines:
            key = key_of(line)
            if key is None or line.area != "main" or line.out_of_flow:
                continue
            result = results.setdefault(key, [0, 0.0, 0, 0])  # TRIAL
            result[3] += runt(line, previous, limits)
            previous = line
            result[0] += 1
            if line.justified and not line.last and not line.forced:
                result[1] = max(result[1], round(line.word_space, 4))
            runs[key] = runs.get(key, 0) + 1 if line.hyphen else 0
            result[2] = max(result[2], runs[key])
    return results


def _alone(element, key: str, spacing: str):
    """The paragraph in copies of its ancestors (and after an empty copy of its previous sibling,
    for selectors such as `h2 + p`), on a page of its own (a `TRIAL_PAGE`), with the spacing to
    try, its notes emptied."""
    from lxml import etree

    outer = inner = None
    for ancestor in reversed([a for a in element.iterancestors() if a.tag not in ("html", "body")]):
        shell = etree.Element(ancestor.tag, {k: v for k, v in ancestor.attrib.items() if k != "id"})
        if outer is None:
            outer = shell
        else:
            inner.append(shell)
        inner = shell
    if outer is None:
        outer = inner = etree.Element("div")
    outer.set("style", f"break-before: page; page: {TRIAL_PAGE}")
    previous = element.getprevious()
    if previous is not None:  # for the selectors: its tag and classes, not its words
        shell = etree.Element(previous.tag, {k: v for k, v in previous.attrib.items() if k != "id"})
        shell.set("style", "; ".join(filter(None, (shell.get("style"), f"page: {TRIAL_PAGE}"))))  # not an opening page
        inner.append(shell)
    paragraph = copy.deepcopy(element)
    paragraph.tail = None
    _drop_ids(paragraph)
    _hollow_notes(paragraph)
    paragraph.set("id", key)
    classes = [c for c in (element.get("class") or "").split() if not c.startswith("spacing-")]
    paragraph.set("class", " ".join(classes + ([spacing] if spacing else [])))
    inner.append(paragraph)
    return outer


def _hollow_notes(element) -> None:
    """Empty the notes floated out of a paragraph: their calls stay, their words (which do not
    decide the paragraph's lines, nor its digest) are not laid out."""
    for node in list(element.iter()):
        if node is not element and set((node.get("class") or "").split()) & NOTES:
            kept = {k: node.get(k) for k in ("class", "data-mark") if node.get(k)}
            node.clear(keep_tail=True)
            node.attrib.update(kept)


def _drop_ids(element) -> None:
    for node in element.iter():
        node.attrib.pop("id", None)
