"""The book's fonts subset by HarfBuzz while WeasyPrint writes a part's PDF, on every machine.

In: nothing (a context manager around `Document.write_pdf`).  Out: each embedded font cut down
to the glyphs the part draws, as WeasyPrint's own HarfBuzz subsetting cuts it.

WeasyPrint subsets with the system's libharfbuzz-subset when it finds one (not a Python package,
and not on a fresh Debian machine), else with fontTools, which it warns it will drop.  fontTools
parses the face's layout tables (GPOS, GSUB: 64,000 value records for EB Garamond) in Python to
drop them: 0.3 s a face on its own, 1-2 s in a worker holding the layouts it keeps, three faces a
part, a third of writing a part's PDF.  uharfbuzz (pinned, HarfBuzz built in) does the same in a
few milliseconds, with the same steps and flags as WeasyPrint's HarfBuzz path, so that every
machine embeds the same bytes.  A variable face (the book's: EB Garamond's weights) is pinned by
HarfBuzz too, in the same cut, where WeasyPrint's `Font.clean` pins it with fontTools' instancer
afterwards (in Python, 0.05-0.13 s a face, three faces a part): its variations, its weight, size
and style, the other axes at their defaults.  docs/weasyprint.md §13 gives the measures.
"""

from __future__ import annotations

import contextlib

# Tables WeasyPrint drops from an embedded face (its HarfBuzz path): PDF text needs none of them.
DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


@contextlib.contextmanager
def harfbuzz():
    """WeasyPrint's fonts subset by `subset` inside; as it was afterwards."""
    from weasyprint.pdf.fonts import Font

    before = Font.subset
    Font.subset = subset
    try:
        yield
    finally:
        Font.subset = before


def subset(font, to_unicode: dict, hinting: bool) -> None:
    """Cut WeasyPrint's `font` (its `file_content`) down to the glyph ids `to_unicode` holds: the
    glyphs kept at their ids, the tables of DROPPED dropped, then the unused ids after the last
    glyph kept dropped, and the hinting unless `hinting`.  A face HarfBuzz cannot subset is
    embedded whole, with WeasyPrint's warning."""
    import uharfbuzz as hb
    from weasyprint.logger import LOGGER

    if not to_unicode:
        return
    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    if font.missing:  # characters the face lacks: its .notdef is drawn
        flags |= hb.SubsetFlags.NOTDEF_OUTLINE
    wanted = hb.SubsetInput()
    wanted.glyph_set.update(sorted(to_unicode))
    wanted.drop_table_tag_set.update(int.from_bytes(tag, "big") for tag in DROPPED)
    wanted.flags = flags | hb.SubsetFlags.RETAIN_GIDS
    try:
        face = hb.Face(hb.Blob(font.file_content), font.index)
        for tag, value in _location(font, face.axis_infos).items():
            wanted.pin_axis_location(face, tag, value)
        if face.axis_infos:  # as fontTools marks a static face's glyphs: their contours may overlap
            wanted.flags |= hb.SubsetFlags.SET_OVERLAPS_FLAG
        face = hb.subset(face, wanted)
        wanted = hb.SubsetInput()  # the second cut: the face is static
        wanted.drop_table_tag_set.update(int.from_bytes(tag, "big") for tag in DROPPED)
        wanted.glyph_set.update(range(max(to_unicode) + 1))  # the ids up to the last kept: the same ids
        wanted.flags = flags if hinting else flags | hb.SubsetFlags.NO_HINTING
        font.file_content = hb.subset(face, wanted).blob.data
        font.tables = [table for table in font.tables if table != "fvar"]  # pinned: Font.clean leaves it
    except RuntimeError:
        LOGGER.warning('Unable to subset "%s" with HarfBuzz', font.family)


def _location(font, axes) -> dict[str, float]:
    """Where WeasyPrint's `Font.clean` pins each axis of a variable face: at the font's variations,
    else its weight, size and style, else the axis's default."""
    style = {"wght": font.weight, "opsz": font.font_size, "ital": int(font.style == 2)}
    location = {}
    for axis in axes:
        if axis.tag in font.variations:
            location[axis.tag] = font.variations[axis.tag]
        elif axis.tag == "slnt":  # oblique or italic: the axis's end away from upright
            upright = axis.max_value == 0
            location[axis.tag] = 0 if font.style != 1 else axis.min_value if upright else axis.max_value
        else:
            location[axis.tag] = style.get(axis.tag, axis.default_value)
    return location
