"""The print HTML: the whole book as one HTML file plus its assets, as WeasyPrint lays it out.

In: the `Edition`.  Out: `<slug>.html`, `assets/book.css` and `assets/fonts/` in the output
directory.  The file renders the same with plain `weasyprint <slug>.html out.pdf`.
Footnotes stay at their calls (CSS floats them to the foot of the page); links are '#id' and the
CSS turns them into page numbers with target-counter().
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

from markupsafe import Markup

from ..model.records import Division, Edition, Source
from ..render import backmatter, fonts, templating
from ..render.html import Options, Renderer
from ..render.notes import Footnotes
from ..render.running_heads import running_head
from . import images, line_numbers, output_intent, page_numbers, replace_atomically

ASSETS = "assets"
OUTPUT_PROFILE = "output-intent.icc"


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


def parts(edition: Edition, renderer: Renderer, only: str | None = None) -> list[Part]:
    """Every source as a part, its chapters rendered (`only` those of the source with this siglum)."""
    result = []
    for source in edition.sources:
        chapters = []
        for division in source.chapters if only in (None, source.siglum) else ():
            section = renderer.division(division)
            corrected = renderer.options.spacing(division.id) if renderer.options.spacing else ""
            section.set("class", " ".join(filter(None, (section.get("class"), "chapter", corrected))))
            head = running_head(division.short_title or division.title, edition.settings.page)
            section.set("data-running-head", head)
            section.set("data-source-head", source_head(source))  # the versos' head, laid out apart
            opening = renderer.part_opening(division)
            chapters.append(Chapter(division.id, division.title, templating.fragment(section),
                                    templating.fragment(opening) if opening is not None else None,
                                    division.part if opening is not None else None, [(item.id, item.title) for item in division.sections]))
        front = renderer.contents(source.front) if source.front is not None else None
        result.append(Part(source, f"part-{source.siglum}",
                           templating.fragment(front) if front is not None else None, chapters,
                           templating.fragment(renderer.source_description(source, with_copytext=False)),
                           templating.fragment(renderer.source_description(source, with_copytext=True)),
                           templating.fragment(renderer.source_title(source))))
    return result


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


def source_head(source: Source) -> str:
    """The running head of a source's versos: 'T1 · Leon Trotsky'."""
    return f"{source.siglum} · {source.name}"


def contents_entries(edition: Edition) -> set[str]:
    """The ids whose pages the contents print (besides chapters and sections, which are targets)."""
    back = {"chronology", "concordance", "index-persons", "index-places"}
    return {"half-title", "sigla", "introduction", *back} | {f"part-{s.siglum}" for s in edition.sources}


def page_sides(pages: dict[str, int] | None):
    """id -> 'recto' (odd pages, roman or arabic) or 'verso' from the previous layout; verso in
    the first.  Margin numbers go to the outer margin of the side they land on."""
    def side(key: str) -> str:
        return "recto" if pages and key in pages and pages[key] % 2 else "verso"
    return side


def render(edition: Edition, pages: dict[str, int] | None = None, corrections=None,
           only: str | None = None) -> tuple[str, str]:
    """The print HTML and its stylesheet, as `write` writes them; `only`: a siglum, the chapters of
    that source alone, without introduction or back matter (a quicker HTML for laying out one of
    its parts alone)."""
    settings = edition.settings

    def page(key: str) -> str:  # the back matter's: set at their width (see page_numbers.py)
        return page_numbers.printed(key, pages)

    pictures = images.names(edition)
    renderer = Renderer(edition, Options(href=lambda key: f"#{key}",
                                         page=lambda parent, key: page_numbers.element(parent, key, pages),
                                         image=lambda graphic: f"{ASSETS}/{pictures[graphic]}" if graphic in pictures else None,
                                         addresses=True,
                                         side=page_sides(pages), date_display=settings.date_display,
                                         series=settings.printing.series,
                                         line=lambda key: line_numbers.lines(pages, key),
                                         line_by_page=settings.printing.line_numbering == line_numbers.PAGE,
                                         spacing=corrections.css if corrections else None),
                        Footnotes(split=corrections.split if corrections else None,
                                  continued=corrections.continued if corrections else None,
                                  run_in=settings.printing.run_in))
    # `only` a source: its parts alone are wanted, so neither the back matter nor the introduction
    # (which grow with the book, and would make each round of mending a part grow with it)
    back = backmatter.appendices(edition, pages or {}) if only is None else backmatter.none(edition)
    book = templating.render("print/book.html.jinja", settings=settings, parts=parts(edition, renderer, only),
                             css=f"{ASSETS}/book.css", back=back, page=page,
                             page_label=lambda key: page_numbers.markup(key, pages, label=True),
                             same_page=lambda a, b: page_numbers.printed(a, pages) == page_numbers.printed(b, pages),
                             digits=page_numbers.digits(pages),
                             corrected=corrections.css if corrections else (lambda key: ""),
                             introduction=_introduction(renderer, edition) if only is None else None,
                             build_id=build_id(edition))
    css = templating.render("print/book.css.jinja", settings=settings, page=settings.page,
                            profile=output_intent.profile(settings))
    return book, css


def write(edition: Edition, out_dir: Path, pages: dict[str, int] | None = None, corrections=None,
          only: str | None = None) -> Path:
    """Write the print HTML and its assets; return the HTML's path.

    `pages` (anchor id -> page) comes from a first layout and fills the indices' page numbers;
    `corrections` (write/corrections.py) gives the spacing of paragraphs set tight or loose; `only`
    as `render` takes it."""
    return _save(edition, out_dir, *render(edition, pages, corrections, only))


class Printer:
    """The print HTML of one edition written again and again, as layouts find its page numbers and
    the typesetter its corrections: the HTML of the same numbers and corrections (the spacings and
    splits they give, all `render` reads of them) is rendered once, the last RENDERS kept."""

    RENDERS = 8

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.rendered: dict[str, tuple[str, str]] = {}  # inputs' digest -> (HTML, stylesheet), least lately used first

    def render(self, pages: dict[str, int] | None = None, corrections=None, only: str | None = None) -> tuple[str, str]:
        """`render`'s HTML and stylesheet for the edition."""
        given = (corrections.spacing, corrections.splits) if corrections else None
        key = hashlib.sha256(json.dumps([pages, given, only], sort_keys=True).encode()).hexdigest()
        found = self.rendered.pop(key, None) or render(self.edition, pages, corrections, only)
        self.rendered[key] = found
        while len(self.rendered) > self.RENDERS:
            del self.rendered[next(iter(self.rendered))]
        return found

    def write(self, out_dir: Path, pages: dict[str, int] | None = None, corrections=None,
              only: str | None = None) -> Path:
        """`write` for the edition."""
        return _save(self.edition, out_dir, *self.render(pages, corrections, only))


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
