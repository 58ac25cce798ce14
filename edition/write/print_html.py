"""The print HTML: the whole book as one HTML file plus its assets, as WeasyPrint lays it out.

In: the `Edition`.  Out: `<slug>.html`, `assets/book.css` and `assets/fonts/` in the output
directory.  The file renders the same with plain `weasyprint <slug>.html out.pdf`.
Footnotes stay at their calls (CSS floats them to the foot of the page); links are '#id', and
the page numbers they print are written into boxes of fixed width after the layout
(page_numbers.py).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup

from ..model.records import Division, Edition, Source
from ..render import backmatter, fonts, templating
from ..render.apparatus import LINE_KEYS
from ..render.html import CALL_FIRST, Options, Renderer
from ..render.notes import Footnotes
from ..render.running_heads import running_head
from ..render.typography import Typography
from . import images, line_numbers, output_intent, page_numbers, replace_atomically
from .corrections import Corrections

ASSETS = "assets"
CONCORDANCE_EVENT = 28  # the concordance's event column, in % of the measure (book.css)
CONCORDANCE_ACCOUNT = 44.0  # points an account's column needs, gutter included: its widest reference ('pp. 123–124')
OUTPUT_PROFILE = "output-intent.icc"
_NONE = Corrections()  # what no corrections answer: the same HTML as corrections that make none


@dataclasses.dataclass
class Chapter:
    id: str
    title: str
    html: Markup
    opening: Markup | None  # the head and epigraph of the part this chapter opens
    part: Division | None  # that part, for the contents
    sections: list[tuple[str, str]]  # (id, title) of the sections, for the contents


@dataclasses.dataclass
class Part:
    source: Source
    id: str
    front: Markup | None
    chapters: list[Chapter]
    bibl: Markup  # the print source, for the part title
    sigla: Markup  # the print source and the copy-text, for the sigla
    title: Markup  # the source's title: a book's in italics, a chapter's in quotation marks

    @property
    def head(self) -> str:
        """The running head of the part's versos."""
        return source_head(self.source)


def parts(edition: Edition, renderer: Renderer, kept: "Kept", only: str | None = None) -> list[Part]:
    """Every source as a part, its chapters rendered (`only` those of the source with this siglum);
    each piece taken from `kept` if what it was rendered from is the same."""
    result = []
    for source in edition.sources:
        chapters = [kept.piece(("chapter", division.id), lambda division=division: _chapter(edition, renderer, source, division))
                    for division in (source.chapters if only in (None, source.siglum) else ())]
        result.append(Part(source, f"part-{source.siglum}", chapters=chapters,
                           **kept.piece(("part", source.siglum), lambda source=source: _part_fields(renderer, source))))
    return result


def _chapter(edition: Edition, renderer: Renderer, source: Source, division: Division) -> Chapter:
    section = renderer.division(division)
    corrected = renderer.options.spacing(division.id) if renderer.options.spacing else ""
    section.set("class", " ".join(filter(None, (section.get("class"), "chapter", corrected))))
    head = running_head(division.short_title or division.title, edition.settings.page)
    section.set("data-running-head", head)
    section.set("data-source-head", source_head(source))  # the versos' head, laid out apart
    opening = renderer.part_opening(division)
    return Chapter(division.id, division.title, templating.fragment(section),
                   templating.fragment(opening) if opening is not None else None,
                   division.part if opening is not None else None, [(item.id, item.title) for item in division.sections])


def _part_fields(renderer: Renderer, source: Source) -> dict:
    front = renderer.contents(source.front) if source.front is not None else None
    return dict(front=templating.fragment(front) if front is not None else None,
                bibl=templating.fragment(renderer.source_description(source, with_copytext=False)),
                sigla=templating.fragment(renderer.source_description(source, with_copytext=True)),
                title=templating.fragment(renderer.source_title(source)))


def _introduction(renderer: Renderer, edition: Edition):
    found = renderer.front_matter(edition.introduction)
    return (found[0], templating.fragment(found[1])) if found else None


def build_id(edition: Edition) -> str:
    """A short fingerprint of every source file, printed on the imprint page."""
    digest = hashlib.sha256()
    files = ([edition.settings.path] if edition.settings.path.is_file() else []) + [s.file.path for s in edition.sources] + [r.path for r in edition.registers]
    if edition.introduction is not None:
        files.append(edition.introduction.path)
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def concordance_tables(settings, accounts: int) -> list[range]:
    """The accounts (their places among the sources) of each table of the concordance: as many
    as fit the measure beside the event column, the tables as even as they can be (twelve
    accounts that fit five at a time: three tables of four), in order."""
    if not accounts:
        return []
    fit = max(1, int(settings.page.measure * (1 - CONCORDANCE_EVENT / 100) // CONCORDANCE_ACCOUNT))
    each = math.ceil(accounts / math.ceil(accounts / fit))
    return [range(k, min(k + each, accounts)) for k in range(0, accounts, each)]


def source_head(source: Source) -> str:
    """The running head of a source's versos: 'T1 · Leon Trotsky'."""
    return f"{source.siglum} · {source.name}"


def contents_entries(edition: Edition) -> set[str]:
    """The ids whose pages the contents print (besides chapters and sections, which are targets):
    the front and back matter's, the sources' and the parts of a source that group its chapters."""
    back = {"chronology", "concordance", "index-persons", "index-places"}
    return ({"half-title", "sigla", "introduction", *back} | {f"part-{s.siglum}" for s in edition.sources}
            | {division.part.id for s in edition.sources for division in s.chapters if division.part is not None})


def page_sides(pages: dict[str, int] | None):
    """id -> 'recto' (odd pages, roman or arabic) or 'verso' from the previous layout; verso in
    the first.  Margin numbers go to the outer margin of the side they land on."""
    def side(key: str) -> str:
        return "recto" if pages and key in pages and pages[key] % 2 else "verso"
    return side


def render(edition: Edition, pages: dict[str, int] | None = None, corrections=None,
           only: str | None = None, kept: "Kept | None" = None) -> tuple[str, str]:
    """The print HTML and its stylesheet, as `write` writes them; `only`: a siglum, the chapters of
    that source alone, without introduction or back matter (a quicker HTML for laying out one of
    its parts alone); `kept`: the pieces rendered before (`Kept`)."""
    settings = edition.settings
    kept = kept or Kept(edition)
    kept.answering(pages, corrections)

    def page(key: str) -> str:  # the back matter's: set at their width (see page_numbers.py)
        return page_numbers.printed(key, pages)

    pictures = images.names(edition)
    renderer = Renderer(edition, Options(href=lambda key: f"#{key}",
                                         page=kept.page_box,
                                         image=lambda graphic: f"{ASSETS}/{pictures[graphic]}" if graphic in pictures else None,
                                         addresses=True,
                                         side=kept.marker("side"), date_display=settings.date_display,
                                         series=settings.printing.series,
                                         line=kept.line_key,
                                         line_by_page=settings.printing.line_numbering == line_numbers.PAGE,
                                         spacing=kept.marker("spacing"),
                                         call_first=lambda key: kept.ask("spacing", key) == CALL_FIRST),
                        Footnotes(split=kept.asker("split"), continued=kept.asker("continued"),
                                  run_in=settings.printing.run_in))
    renderer.typography = kept.typography
    # `only` a source: its parts alone are wanted, so neither the back matter nor the introduction
    # (which grow with the book, and would make each round of mending a part grow with it)
    back = backmatter.appendices(edition, pages or {}) if only is None else backmatter.none(edition)
    book = templating.render("print/book.html.jinja", settings=settings, parts=parts(edition, renderer, kept, only),
                             css=f"{ASSETS}/book.css", back=back, page=page,
                             page_label=lambda key: page_numbers.markup(key, pages, label=True),
                             same_page=lambda a, b: page_numbers.printed(a, pages) == page_numbers.printed(b, pages),
                             digits=page_numbers.digits(pages),
                             introduction=_introduction(renderer, edition) if only is None else None,
                             concordance_tables=concordance_tables(settings, len(back["sigla"])),
                             build_id=build_id(edition))
    return book, stylesheet(settings)


def stylesheet(settings) -> str:
    """The print stylesheet (`assets/book.css`) for the edition's settings."""
    return templating.render("print/book.css.jinja", settings=settings, page=settings.page,
                             profile=output_intent.profile(settings), concordance_event=CONCORDANCE_EVENT)


def write(edition: Edition, out_dir: Path, pages: dict[str, int] | None = None, corrections=None,
          only: str | None = None) -> Path:
    """Write the print HTML and its assets; return the HTML's path.

    `pages` (anchor id -> page) comes from a first layout and fills the indices' page numbers;
    `corrections` (write/corrections.py) gives the spacing of paragraphs set tight or loose; `only`
    as `render` takes it."""
    return _save(edition, out_dir, *render(edition, pages, corrections, only))


# An answer a kept piece holds a mark for (`Kept.marked`): the space before it, the answer's
# name and its key
_MARK = re.compile("( ?)\ufdd0([^\ufdd2]*)\ufdd2([^\ufdd1]*)\ufdd1")
_APART = "\ufdd3"  # between the arguments of a line key's mark


class Kept:
    """The pieces of the print HTML (a source's chapters, the rest of its part) rendered for one
    edition, each with every answer it took from a layout's pages and the corrections (whether a
    paragraph's parallels are called first, its notes' splits): a piece is rendered again only
    when one of those answers differs.  What it only prints as text is not an answer it is
    rendered with: the spacing of its paragraphs and chapters (a class each), its page numbers,
    the sides of its margin notes and its line keys (a class and a text, from its lemmas' lines)
    are each held by a mark, and put in wherever the piece is taken.  A cold 4x build rendered its
    chapters 292 times when a correction of a paragraph's spacing rendered its chapter again (its
    renders half the make-up's own work), 189 times with the spacings marked, 89 with all the
    marks (17 at 1x, 43 before).  A piece holding a split note, or the rest of one, is not kept
    (the rest of a note split in one piece may go on in another).  Its Typography (a function of
    the sources) is shared by all its renderings."""

    def __init__(self, edition: Edition) -> None:
        self.typography = Typography(edition.settings)
        self.pieces: dict[tuple, tuple[list, object]] = {}  # key -> (its answers, the piece with its marks)
        self.filled: dict[tuple, tuple] = {}  # key -> (the piece, the marks it holds, their answers, the piece with them)
        self.answers: dict[str, Callable] = {}  # the answers of the rendering under way
        self.noted: list | None = None  # the answers the piece being rendered took

    def answering(self, pages: dict[str, int] | None, corrections) -> None:
        """Answer from these pages and corrections from now on."""
        def lines(key: str):
            return line_numbers.lines(pages, key)

        self.answers = {"page": lambda key: page_numbers.printed(key, pages), "side": page_sides(pages),
                        "spacing": corrections.css if corrections else _NONE.css,
                        "split": corrections.split if corrections else _NONE.split,
                        "continued": corrections.continued if corrections else _NONE.continued}
        self.answers |= {f"line-{name}": lambda args, key=key: key(lines, *args.split(_APART))
                         for name, key in LINE_KEYS.items()}

    def ask(self, name: str, key: str):
        """The answer of `name` for `key`, noted for the piece being rendered."""
        answer = self.answers[name](key)
        if self.noted is not None:
            self.noted.append((name, key, answer))
        return answer

    def asker(self, name: str) -> Callable:
        return functools.partial(self.ask, name)

    def marked(self, name: str, key: str) -> str:
        """The answer of `name` for `key` (a text: a spacing's class, a page number, a margin
        note's side, a line key's class or text); in a piece being rendered, a mark that holds its
        place (`piece` puts the answer in)."""
        if self.noted is None:
            return self.ask(name, key)
        return f"\ufdd0{name}\ufdd2{key}\ufdd1"

    def marker(self, name: str) -> Callable:
        return functools.partial(self.marked, name)

    def line_key(self, name: str, args: tuple[str, ...]) -> str:
        """A line key's text (`apparatus.LINE_KEYS`), or its mark."""
        return self.marked(f"line-{name}", _APART.join(args))

    def _filled(self, key: tuple[str, str], piece):
        """The piece with the answer of each mark it holds put in (and the space before the mark
        dropped with a mark whose answer is empty: a paragraph in no spacing of its own), as
        rendering it with the answers gives it; put in again only when one of them changed."""
        held = self.filled.get(key)
        if held is None or held[0] is not piece:
            fields = (piece.html, piece.opening) if isinstance(piece, Chapter) else piece.values()
            held = (piece, tuple((name, mark) for html in fields if html for _, name, mark in _MARK.findall(html)),
                    None, None)
        answers = tuple(self.answers[name](mark) for name, mark in held[1])
        if held[2] != answers:
            def put(html):
                if html is None or "\ufdd0" not in html:
                    return html
                return Markup(_MARK.sub(lambda mark: f"{mark[1]}{found}" if (found := self.answers[mark[2]](mark[3]))
                                        else "", html))

            filled = (dataclasses.replace(piece, html=put(piece.html), opening=put(piece.opening))
                      if isinstance(piece, Chapter) else {name: put(value) for name, value in piece.items()})
            held = self.filled[key] = (piece, held[1], answers, filled)
        return held[3]

    def page_box(self, parent, key: str):
        """The box of the page of `key`, appended to the lxml element `parent` (page_numbers.element)."""
        box = page_numbers.element(parent, key, None)
        box.text = self.marked("page", key)
        return box

    def piece(self, key: tuple[str, str], render: Callable):
        """The piece `key`, rendered by `render()` unless it was with the same answers."""
        held = self.pieces.get(key)
        if held is not None and all(self.answers[name](asked) == answer for name, asked, answer in held[0]):
            return self._filled(key, held[1])
        self.noted = []
        try:
            piece = render()
        finally:
            noted, self.noted = self.noted, None
        if not any(name in ("split", "continued") and answer for name, _, answer in noted):
            self.pieces[key] = (noted, piece)
        return self._filled(key, piece)


class Printer:
    """The print HTML of one edition written again and again, as layouts find its page numbers and
    the typesetter its corrections: the HTML of the same numbers and corrections (the spacings and
    splits they give, all `render` reads of them) is rendered once, the last RENDERS kept, and its
    pieces rendered again only where what they print changed (`Kept`)."""

    RENDERS = 8
    FROZEN = 4  # the pages kept as frozensets (`_frozen`), each with a copy

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.kept = Kept(edition)
        self.rendered: dict[tuple, tuple[str, str]] = {}  # `_inputs` -> (HTML, stylesheet), least lately used first
        self.frozen: dict[int, tuple[dict, dict, frozenset]] = {}  # id -> pages, as they were, as a frozenset

    def render(self, pages: dict[str, int] | None = None, corrections=None, only: str | None = None) -> tuple[str, str]:
        """`render`'s HTML and stylesheet for the edition."""
        key = _inputs(self._frozen(pages), corrections, only)
        found = self.rendered.pop(key, None) or render(self.edition, pages, corrections, only, self.kept)
        self.rendered[key] = found
        while len(self.rendered) > self.RENDERS:
            del self.rendered[next(iter(self.rendered))]
        return found

    def write(self, out_dir: Path, pages: dict[str, int] | None = None, corrections=None,
              only: str | None = None) -> Path:
        """`write` for the edition."""
        return _save(self.edition, out_dir, *self.render(pages, corrections, only))

    def _frozen(self, pages: dict[str, int] | None) -> frozenset | None:
        """The items of `pages` as a frozenset, made once for each dict while it holds the same
        (the make-up renders from the same pages again and again: profiled in the mending of a
        cold 4x build, making the frozenset anew took 2.3 s of its 164 renders)."""
        if pages is None:
            return None
        held = self.frozen.get(id(pages))
        if held is None or held[0] is not pages or held[1] != pages:
            held = self.frozen[id(pages)] = (pages, dict(pages), frozenset(pages.items()))
            while len(self.frozen) > self.FROZEN:
                del self.frozen[next(iter(self.frozen))]
        return held[2]


def _inputs(pages: frozenset | None, corrections, only: str | None) -> tuple:
    """What `render` renders from (the pages as `Printer._frozen` gives them), as a key equal for
    equal inputs: built in a few milliseconds for the tens of thousands of pages of a large book,
    where encoding them (as JSON, to be hashed) took a hundred."""
    given = (frozenset(corrections.spacing.items()),
             frozenset((note, tuple(split)) for note, split in corrections.splits.items())) if corrections else None
    return pages, given, only


def _save(edition: Edition, out_dir: Path, book: str, css: str) -> Path:
    """Write the print HTML, its stylesheet and assets; return the HTML's path."""
    settings = edition.settings
    assets = out_dir / ASSETS
    (assets / "fonts").mkdir(parents=True, exist_ok=True)
    for name, path in [*fonts.book_fonts().items(), (OUTPUT_PROFILE, output_intent.profile_path(settings))]:
        target = assets / "fonts" / name if name != OUTPUT_PROFILE else assets / name
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)
    for name, (path, _) in images.files(edition).items():
        (assets / name).parent.mkdir(exist_ok=True)
        shutil.copyfile(path, assets / name)
    replace_atomically(assets / "book.css", lambda tmp: tmp.write_text(css, encoding="utf-8"))
    html_path = out_dir / f"{settings.slug}.html"
    replace_atomically(html_path, lambda tmp: tmp.write_text(book, encoding="utf-8"))
    return html_path
