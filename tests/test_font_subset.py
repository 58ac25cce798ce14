"""write/font_subset.py: the fonts WeasyPrint embeds subset by HarfBuzz, each glyph kept at its id."""

from __future__ import annotations

import io
import logging

import pikepdf
import pypdf
import weasyprint
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

from edition.render.fonts import book_fonts
from edition.write import font_subset

FACES = "".join(f"@font-face {{ font-family: Book; src: url({path.as_uri()}); font-style: {style} }}"
                for (name, path), style in zip(book_fonts().items(), ("normal", "italic")))
TEXT = ["The first office of the General Secretary", "Сталин был избран генеральным секретарём",
        "a fine affair, 1922–1928", "Semibold sigla, 1917"]
HTML = (f"<html lang='en'><head><style>@page {{ size: A6 }} body {{ font-family: Book }} {FACES}</style></head>"
        f"<body><p>{TEXT[0]}</p><p lang='ru'>{TEXT[1]}</p><p><i>{TEXT[2]}</i></p>"
        f"<p><b style='font-weight: 600'>{TEXT[3]}</b></p></body></html>")


def written(caplog) -> bytes:
    with caplog.at_level(logging.WARNING, logger="weasyprint"), font_subset.harfbuzz():
        return weasyprint.HTML(string=HTML).render().write_pdf(pdf_variant="pdf/x-4", pdf_tags=True)


def embedded(data: bytes) -> list[tuple[str, TTFont, set[int]]]:
    """Each embedded face: its name, the face, and the glyph ids the PDF gives widths for (drawn)."""
    faces = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                cid = font.DescendantFonts[0]
                drawn, widths, k = set(), list(cid.W), 0
                while k < len(widths):
                    if isinstance(widths[k + 1], pikepdf.Array):
                        drawn |= set(range(int(widths[k]), int(widths[k]) + len(widths[k + 1])))
                        k += 2
                    else:
                        drawn |= set(range(int(widths[k]), int(widths[k + 1]) + 1))
                        k += 3
                file = cid.FontDescriptor.FontFile2.read_bytes()
                faces.append((str(font.BaseFont), TTFont(io.BytesIO(file)), drawn))
    return faces


def outline(face: TTFont, gid: int):
    glyphs = face.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)  # components by their outlines: the names differ
    glyphs[face.getGlyphOrder()[gid]].draw(pen)
    return pen.value


def components(face: TTFont, gids: set[int]) -> set[int]:
    """The ids of the glyphs those of `gids` are made of (a composite's parts), however deep."""
    order, glyf, found = face.getGlyphOrder(), face["glyf"], set()
    todo = [order[gid] for gid in gids]
    while todo:
        for name in glyf[todo.pop()].getComponentNames(glyf):
            if face.getGlyphID(name) not in found:
                found.add(face.getGlyphID(name))
                todo.append(name)
    return found


def instance(path, weight: int) -> TTFont:
    """The book's variable face pinned at `weight` by fontTools' instancer, as WeasyPrint's own
    `Font.clean` pins it, saved (its points rounded) and read back."""
    from fontTools.varLib.instancer import instantiateVariableFont

    saved = io.BytesIO()
    instantiateVariableFont(TTFont(path), {"wght": weight}, static=True).save(saved)
    return TTFont(io.BytesIO(saved.getvalue()))


def test_every_glyph_drawn_is_the_books_own_at_its_id_and_the_rest_is_cut(caplog):
    """Each embedded face holds every glyph the PDF draws, at its id in the book's face and with its
    outline (the semibold's as fontTools' instancer pins the variable face at its weight), and
    little else: no layout tables, no variations, no other glyph but their parts, a fraction of
    the face's bytes; the text reads back; WeasyPrint warns of nothing (not of fontTools)."""
    data = written(caplog)
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    faces = embedded(data)
    upright, italic = book_fonts().values()
    assert sorted(name.split("+")[1] for name, _, _ in faces) == ["Book,", "Book,-Italic", "Book,-Semi-Bold"]
    for name, face, drawn in faces:
        path = italic if "Italic" in name else upright
        full = instance(path, 600) if "Semi-Bold" in name else TTFont(path)
        assert len(drawn) > 10
        for gid in drawn:
            assert outline(face, gid) == outline(full, gid), (name, gid)
        kept = {gid for gid in range(face["maxp"].numGlyphs) if outline(face, gid)}
        assert kept <= drawn | components(face, drawn)
        assert not {"GSUB", "GPOS", "fvar", "gvar"} & set(face.keys())
        assert len(face.reader.file.getvalue()) < path.stat().st_size / 10
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert all(line in text for line in TEXT), text


def test_weasyprints_own_subsetting_is_back_afterwards():
    from weasyprint.pdf.fonts import Font

    before = Font.subset
    with font_subset.harfbuzz():
        assert Font.subset is font_subset.subset
    assert Font.subset is before
