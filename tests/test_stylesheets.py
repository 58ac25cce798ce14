"""write/stylesheets.py: a document's stylesheets parsed once per process, the layouts and PDFs the
same as WeasyPrint's own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import weasyprint
from weasyprint import css

from edition.write import html_parsing, part_job, stylesheets

PROFILE = Path(stylesheets.__file__).parent / "profiles" / "fogra39.icc"
STYLE = """@color-profile --press { src: url(press.icc); components: c, m, y, k; }
@page { size: 300px 200px; margin: 20px }
p { font-size: 12px; color: device-cmyk(0 0 0 1) }"""
HTML = "<html><head><link rel='stylesheet' href='book.css'><style>.a { color: red }</style></head>" \
       "<body><p class='a'>One</p><p>Two words</p></body></html>"


def rendered(folder: Path, html: str = HTML):
    with stylesheets.parsed_once():
        return html_parsing.parsed(html, str(folder / "book.html")).render(font_config=part_job.fonts())


def profiles(pdf: bytes) -> list[bytes]:
    import io

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [obj.read_bytes() for obj in document.objects
                if isinstance(obj, pikepdf.Stream) and obj.get("/N") == 4]


def test_a_documents_stylesheets_are_parsed_once_and_laid_out_and_written_as_weasyprint_does(tmp_path, monkeypatch):
    """The second document with the same stylesheets takes them parsed; a change in one (the file
    a link names, a style element) has them parsed again.  Each layout is WeasyPrint's own, and
    each PDF written in the same process embeds the colour profile as WeasyPrint reads it from
    its file (LittleCMS writes a profile whose description was read otherwise)."""
    shutil.copy(PROFILE, tmp_path / "press.icc")
    (tmp_path / "book.css").write_text(STYLE, encoding="utf-8")
    monkeypatch.setattr(stylesheets, "_kept", {})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the PDFs' dates: else two writings a second apart differ
    parsed = []
    find = css.find_stylesheets
    monkeypatch.setattr(css, "find_stylesheets", lambda *args: parsed.append(1) or find(*args))

    first, second = rendered(tmp_path), rendered(tmp_path)
    assert len(parsed) == 1
    plain = weasyprint.HTML(string=HTML, base_url=str(tmp_path / "book.html")).render(font_config=part_job.fonts())
    assert len(parsed) == 2  # WeasyPrint's own, outside
    written = [document.write_pdf() for document in (first, second, plain)]
    assert profiles(written[0]) == profiles(written[1]) == profiles(written[2]) and len(profiles(written[2])) == 1
    assert written[0] == written[1]

    (tmp_path / "book.css").write_text(STYLE + "\np { font-size: 14px }", encoding="utf-8")
    larger = rendered(tmp_path)
    rendered(tmp_path, HTML.replace("color: red", "color: blue"))
    assert len(parsed) == 4
    assert _heights(larger) != _heights(first)


def _heights(document) -> list[float]:
    from weasyprint.formatting_structure import boxes

    return [box.height for box in document.pages[0]._page_box.descendants() if isinstance(box, boxes.LineBox)]
