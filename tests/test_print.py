"""The two PDFs for press and screen: boxes, output intent, tags, page labels, marks, validity."""

from __future__ import annotations

import pikepdf
import pytest

from edition.read.settings import Page

INCH = 72


@pytest.fixture(scope="module")
def press(built):
    with pikepdf.open(built.press) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def screen(built):
    with pikepdf.open(built.pdf) as pdf:
        yield pdf


def box(page, name):
    return [float(v) for v in page.obj[name]]


def test_press_pdf_has_trim_and_bleed_on_every_page(press):
    page = Page()
    width, height = float(page.width[:-2]) * INCH, float(page.height[:-2]) * INCH
    bleed = float(page.bleed[:-2]) * INCH
    for pdf_page in press.pages:
        trim = box(pdf_page, "/TrimBox")
        media = box(pdf_page, "/MediaBox")
        bleed_box = box(pdf_page, "/BleedBox")
        assert trim[2] - trim[0] == pytest.approx(width) and trim[3] - trim[1] == pytest.approx(height)
        assert media[0] <= bleed_box[0] <= trim[0] - bleed + 0.01 and media[2] >= bleed_box[2] >= trim[2] + bleed - 0.01


def test_press_pdf_is_pdf_x_with_an_output_intent(press):
    intents = press.Root.OutputIntents
    assert len(intents) == 1 and intents[0].S == "/GTS_PDFX" and "/DestOutputProfile" in intents[0]
    meta = press.open_metadata()
    assert meta.get("{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion") == "PDF/X-4"
    assert press.docinfo.Trapped == "/False"


def test_screen_pdf_is_trimmed_tagged_and_declares_its_language(screen):
    for pdf_page in screen.pages:
        assert box(pdf_page, "/MediaBox") == box(pdf_page, "/TrimBox")
    assert "/StructTreeRoot" in screen.Root and screen.Root.MarkInfo.Marked
    assert str(screen.Root.Lang) == "en"
    assert screen.open_metadata().get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
    assert screen.Root.ViewerPreferences.DisplayDocTitle


@pytest.mark.parametrize("which", ["press", "screen"])
def test_metadata_and_structure_are_sound(which, press, screen):
    pdf = press if which == "press" else screen
    assert pdf.check_pdf_syntax() == []  # qpdf's own checks (qpdf --check), through pikepdf
    info = pdf.docinfo
    assert str(info.Title) == "Stalin’s Rise" and str(info.Author) == "The Editors"
    for pdf_page in pdf.pages:  # every font is embedded
        for font in pdf_page.obj.Resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            assert any(k in descendant.FontDescriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_page_labels_roman_front_matter_then_arabic(built):
    labels = built.labels
    first_text = built.page_of("part-A")
    assert labels[:5] == ["i", "ii", "iii", "iv", "v"]
    assert labels[first_text] == "1" and labels[first_text + 10] == "11"


def test_crop_marks_only_in_the_press_pdf(built, press, screen):
    # The marks are drawn outside the trim box: visible in the press PDF, cropped away on screen.
    press_page = press.pages[built.page_of("part-A") + 1]
    assert box(press_page, "/MediaBox")[0] < 0
    assert box(screen.pages[built.page_of("part-A") + 1], "/MediaBox")[0] == 0
