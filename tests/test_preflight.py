"""The preflight on the built edition: the press PDF is fit for a printer, the screen PDF for readers."""

from __future__ import annotations

import pikepdf
import pytest
from conftest import build

from edition.check import preflight
from edition.read.settings import Page, points


def test_press_pdf_passes_the_preflight(built):
    assert preflight.check(built.press, press=True, bleed=points(Page().bleed)) == []


def test_screen_pdf_passes_the_preflight(built):
    assert preflight.check(built.pdf, press=False) == []


def test_findings_are_summarised_by_problem_with_their_pages():
    findings = [preflight.Finding("preflight-colour", page, "fill colour (rg) in DeviceRGB") for page in (1, 2, 3, 7)]
    findings.append(preflight.Finding("preflight-intent", 0, "no output intent"))
    assert preflight.summary(findings) == [("preflight-colour", "pages 1-3, 7: fill colour (rg) in DeviceRGB"),
                                           ("preflight-intent", "no output intent")]


def test_the_build_reports_each_preflight_problem_as_a_warning(tiny, tmp_path, capsys, monkeypatch):
    found = [preflight.Finding("preflight-colour", page, "fill colour (rg) in DeviceRGB") for page in (3, 4)]
    monkeypatch.setattr(preflight, "check", lambda path, press, bleed: found if press and bleed == 9 else [])
    # one job: the preflight runs in this process (in a spawned worker, it would not see the stand-in)
    assert build(tiny, tmp_path / "out", "--format", "pdf", "--jobs", "1") == 0  # a warning: the build goes on
    err = capsys.readouterr().err
    assert "tiny-press.pdf: warning: pages 3-4: fill colour (rg) in DeviceRGB [preflight-colour]" in err


def _pdf_drawing(path, content: bytes) -> None:
    """A one-page PDF drawing `content`, its resources a font and the registration colour (/All) as
    /Registration, its BleedBox a 9 pt bleed around its TrimBox and its MediaBox a slug beyond."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(300, 300))
    page.obj.MediaBox, page.obj.BleedBox, page.obj.TrimBox = [0, 0, 300, 300], [18, 18, 282, 282], [27, 27, 273, 273]
    registration = pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceGray,
                                  pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1], C1=[0], N=1)])
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type3)
    page.obj.Resources = pikepdf.Dictionary(ColorSpace=pikepdf.Dictionary(Registration=registration),
                                            Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(content)
    pdf.save(path)


@pytest.mark.parametrize("content, found", [
    (b"/Registration cs 1 scn BT /F1 9 Tf 50 50 Td (marked) Tj ET", True),
    (b"q /Registration cs 1 scn Q BT /F1 9 Tf 50 50 Td [(marked)] TJ ET", False),
    (b"BT /F1 9 Tf 50 50 Td (marked) Tj ET /Registration cs 1 scn", False),
    (b"BT /F1 9 Tf /Registration cs 1 scn 50 50 Td (a) Tj 0 g (b) Tj ET", True),
])
def test_text_in_the_registration_colour_is_found_wherever_the_fill_turns_to_it(tmp_path, content, found):
    _pdf_drawing(tmp_path / "marks.pdf", content)
    messages = {f.message for f in preflight.check(tmp_path / "marks.pdf", press=True, bleed=9) if f.page == 1}
    assert ("text in the registration colour (/All)" in messages) == found


def test_inline_images_and_marks_over_the_bleed_are_found(tmp_path):
    _pdf_drawing(tmp_path / "drawn.pdf", b"q 10 0 0 10 50 50 cm BI /W 1 /H 1 /CS /RGB /BPC 8 ID \xff\x00\x00 EI Q\n"
                                         b"/Registration CS 1 SCN 0.25 w 30 150 m 60 150 l S")
    messages = {f.message for f in preflight.check(tmp_path / "drawn.pdf", press=True, bleed=9) if f.page == 1}
    assert {"an inline image in DeviceRGB", "the registration colour (/All) over the bleed or the page"} <= messages
