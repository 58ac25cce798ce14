"""The two PDFs for press and screen: boxes, output intent, colour, tags, links, page labels, marks."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pikepdf
import pytest
from conftest import build, make_edition, tei_source

from edition.check import preflight
from edition.cli import main
from edition.read import icc
from edition.read.settings import Page
from edition.write.press import SLUG

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
        assert bleed_box == pytest.approx([trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed])
        # the slug around the bleed, for the crop marks
        assert media == pytest.approx([bleed_box[0] - SLUG, bleed_box[1] - SLUG, bleed_box[2] + SLUG, bleed_box[3] + SLUG])


def test_press_pdf_is_pdf_x_with_an_output_intent(press):
    intents = press.Root.OutputIntents
    assert len(intents) == 1 and intents[0].S == "/GTS_PDFX" and "/DestOutputProfile" in intents[0]
    # a printing condition, not a monitor: the FOGRA39 profile shipped with the project
    intent, stream = intents[0], intents[0].DestOutputProfile
    profile = icc.read(stream.read_bytes())
    assert (profile.device_class, profile.space, int(stream.N)) == ("prtr", "CMYK", 4)
    assert str(intent.OutputConditionIdentifier) == "FOGRA39" and str(intent.RegistryName) == "http://www.color.org"
    assert "ISO 12647-2" in str(intent.OutputCondition) and str(intent.Info) == profile.description
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


def registration_strokes(page) -> list[tuple[float, float, float, float]]:
    """The lines a page strokes in the registration colour (/All), in default user space."""
    lines, stroking, point = [], False, None
    for operands, op in pikepdf.parse_content_stream(page):
        if str(op) == "CS":
            space = page.obj.Resources.ColorSpace.get(str(operands[0]))
            stroking = isinstance(space, pikepdf.Array) and space[0] == "/Separation" and space[1] == "/All"
        elif str(op) == "m":
            point = tuple(float(v) for v in operands)
        elif str(op) == "l" and stroking:
            lines.append((*point, *(float(v) for v in operands)))
        elif str(op) == "cm" and stroking:
            raise AssertionError("marks drawn under a transformation")
    return lines


def test_crop_marks_in_registration_colour_in_the_slug_only(press, screen):
    for pdf_page in press.pages:
        trim, bleed_box, media = box(pdf_page, "/TrimBox"), box(pdf_page, "/BleedBox"), box(pdf_page, "/MediaBox")
        lines = registration_strokes(pdf_page)
        assert len(lines) == 8  # two at each corner
        for x0, y0, x1, y1 in lines:
            assert x0 == x1 in (trim[0], trim[2]) or y0 == y1 in (trim[1], trim[3])  # on a trim line
            outside_bleed = (max(x0, x1) < bleed_box[0] or min(x0, x1) > bleed_box[2]
                             or max(y0, y1) < bleed_box[1] or min(y0, y1) > bleed_box[3])
            inside_media = media[0] <= min(x0, x1) and max(x0, x1) <= media[2] and media[1] <= min(y0, y1) and max(y0, y1) <= media[3]
            assert outside_bleed and inside_media
    assert all(registration_strokes(pdf_page) == [] for pdf_page in screen.pages)


def struct_kids(element):
    kids = element.get("/K", [])
    yield from (kids if isinstance(kids, pikepdf.Array) else [kids])


def test_press_pdf_has_no_links_and_its_tags_point_to_no_annotation(press):
    assert all("/Annots" not in pdf_page.obj for pdf_page in press.pages)
    todo = list(struct_kids(press.Root.StructTreeRoot))
    while todo:
        kid = todo.pop()
        if isinstance(kid, pikepdf.Dictionary):
            assert kid.get("/Type") != "/OBJR" and kid.get("/S") != "/Link"
            todo += struct_kids(kid)
    nums = press.Root.StructTreeRoot.ParentTree.Nums
    assert [int(key) for key in nums[::2]] == list(range(len(press.pages)))  # the pages' content, no annotation
    assert "/Outlines" in press.Root  # the bookmarks stay: they print nothing


def test_screen_pdf_keeps_its_links_bookmarks_and_labels(screen):
    links = [a for pdf_page in screen.pages for a in pdf_page.obj.get("/Annots", []) if a.Subtype == "/Link"]
    assert len(links) > 1000
    nums = screen.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for link in links:  # each one tagged: a structure element holds it
        assert any(kid.get("/Obj") == link for kid in struct_kids(parents[int(link.StructParent)])
                   if isinstance(kid, pikepdf.Dictionary))
    assert "/Outlines" in screen.Root and "/PageLabels" in screen.Root


def colour_operators(page) -> set[str]:
    return {str(op) for _, op in pikepdf.parse_content_stream(page, "rg RG k K g G cs CS sc scn SC SCN")}


def test_press_text_in_black_ink_screen_text_in_device_gray(built, press, screen):
    text_page = built.page_of("part-A") + 2
    press_colours = {tuple(str(v) for v in operands) + (str(op),) for operands, op
                     in pikepdf.parse_content_stream(press.pages[text_page], "cs scn")}
    assert ("/DeviceCMYK", "cs") in press_colours and ("0", "0", "0", "1", "scn") in press_colours
    assert colour_operators(screen.pages[text_page]) <= {"g", "G"}
    assert "/--output-intent" not in screen.pages[text_page].Resources.ColorSpace  # no print profile on screen


def grey_press_profile() -> bytes:
    """A minimal ICC v2 grey output profile (class prtr): a description, a white point, a gamma curve."""
    def tag(kind: bytes, body: bytes) -> bytes:
        data = kind + bytes(4) + body
        return data + bytes(-len(data) % 4)
    d50 = struct.pack(">3i", 63190, 65536, 54061)  # s15Fixed16
    tags = {b"desc": tag(b"desc", struct.pack(">I", 12) + b"Test grey\0\0" + bytes(79)),
            b"cprt": tag(b"text", b"No copyright\0"), b"wtpt": tag(b"XYZ ", d50),
            b"kTRC": tag(b"curv", struct.pack(">IH", 1, 0x01CD))}  # gamma 1.8
    offset, table, body = 128 + 4 + 12 * len(tags), b"", b""
    for signature, data in tags.items():
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack(">I4sI", size, b"none", 0x02100000) + b"prtrGRAYXYZ " + bytes(12) + b"acsp"
              + bytes(24) + struct.pack(">I", 0) + d50 + bytes(48))
    return header + struct.pack(">I", len(tags)) + table + body


def test_an_editors_grey_profile_gives_a_grey_press_pdf(tmp_path):
    root = make_edition(tmp_path / "grey", {"A": tei_source("A", '<p xml:id="A.1.1">Black text.</p>')},
                        "print:\n  output-profile: grey.icc\n")
    (root / "grey.icc").write_bytes(grey_press_profile())
    assert build(root, tmp_path / "out", "--format", "pdf") == 0
    press_pdf, screen_pdf = tmp_path / "out" / "tiny-press.pdf", tmp_path / "out" / "tiny.pdf"
    assert preflight.check(press_pdf, press=True, bleed=9) == []
    assert preflight.check(screen_pdf, press=False) == []
    with pikepdf.open(press_pdf) as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert str(intent.OutputConditionIdentifier) == "Custom" and str(intent.Info) == "Test grey"
        assert int(intent.DestOutputProfile.N) == 1
        spaces = {str(operands[0]) for page in pdf.pages for operands, _ in pikepdf.parse_content_stream(page, "cs")}
        assert spaces == {"/--output-intent"}  # black in the profile's own grey
    with pikepdf.open(screen_pdf) as pdf:
        assert set().union(*(colour_operators(page) for page in pdf.pages)) == {"g"}


@pytest.mark.parametrize("profile, found", [("srgb", "a mntr profile in RGB"), ("text", "not an ICC profile")])
def test_an_output_profile_must_be_a_printing_condition(tiny, profile, found, capsys):
    import weasyprint

    settings = tiny / "edition.yaml"
    if profile == "srgb":
        shutil.copyfile(Path(weasyprint.__file__).parent / "pdf" / "sRGB2014.icc", tiny / "printer.icc")
    else:
        (tiny / "printer.icc").write_text("not a profile")
    settings.write_text(settings.read_text() + "print:\n  output-profile: printer.icc\n")
    assert main(["check", "--sources", str(tiny), "--quiet"]) == 1
    line = len(settings.read_text().splitlines())
    err = capsys.readouterr().err
    assert f"edition.yaml:{line}:19: error: 'output-profile' must be a printer's ICC profile" in err
    assert f"printer.icc is {found} [settings-profile]" in err
