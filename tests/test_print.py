"""The two PDFs for press and screen: boxes, output intent, colour, tags, links, page labels, marks."""

from __future__ import annotations

import itertools
import shutil
import struct
from pathlib import Path

import pikepdf
import pytest
from conftest import SOURCES, build, make_edition, tei_source

from edition.check import preflight
from edition.cli import main
from edition.diagnostics import Report
from edition.read import icc
from edition.read.settings import load, points

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


def assert_boxes(press_pdf, screen_pdf, width, height, bleed):
    """Press: the TrimBox is the trim size, the BleedBox the trim and the bleed, the MediaBox the
    BleedBox and a 0.25in slug (docs/architecture.md); screen: trimmed to the trim size."""
    for pdf_page in press_pdf.pages:
        trim, bleed_box, media = box(pdf_page, "/TrimBox"), box(pdf_page, "/BleedBox"), box(pdf_page, "/MediaBox")
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((width, height), abs=0.01)
        assert bleed_box == pytest.approx([trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed], abs=0.01)
        slug = 0.25 * INCH
        assert media == pytest.approx([bleed_box[0] - slug, bleed_box[1] - slug, bleed_box[2] + slug, bleed_box[3] + slug],
                                      abs=0.01)
    for pdf_page in screen_pdf.pages:
        assert box(pdf_page, "/MediaBox") == box(pdf_page, "/TrimBox") == pytest.approx([0, 0, width, height], abs=0.01)


def test_press_and_screen_pdf_boxes_are_the_editions_page_settings(press, screen):
    """The real edition's boxes on every page are those of sources/edition.yaml's `page:`."""
    page = load(SOURCES, Report()).page
    assert_boxes(press, screen, points(page.width), points(page.height), points(page.bleed))


MM = INCH / 25.4
# A page unlike the default one in every dimension (default: 6 × 9in, bleed 0.125in, margins
# 0.75in top, 0.8in bottom, 0.8in inner, 0.9in outer).
PAGE_SETTINGS = {"width": 150, "height": 220, "bleed": 5, "margin-top": 30, "margin-bottom": 40,
                 "margin-inner": 15, "margin-outer": 28}  # mm
LONG_PARAGRAPH = ("The committee met again in the evening, and the delegates from the provinces argued about "
                  "the newspaper, the money, and the men who would go abroad to speak for the party at the "
                  "congress in the spring. ") * 5


@pytest.fixture(scope="module")
def tiny_page(tmp_path_factory):
    """A tiny edition of three text pages laid out on PAGE_SETTINGS: (press PDF, screen PDF), open."""
    root = tmp_path_factory.mktemp("page")
    body = "\n".join(f'<p xml:id="A.1.{k}">{LONG_PARAGRAPH}</p>' for k in range(1, 6))
    settings = "page:\n" + "".join(f"  {key}: {value}mm\n" for key, value in PAGE_SETTINGS.items())
    make_edition(root / "e", {"A": tei_source("A", body)}, settings)
    assert build(root / "e", root / "out", "--format", "pdf") == 0
    with pikepdf.open(root / "out" / "tiny-press.pdf") as press_pdf, pikepdf.open(root / "out" / "tiny.pdf") as screen_pdf:
        yield press_pdf, screen_pdf


def test_boxes_follow_the_page_settings_of_edition_yaml(tiny_page):
    """An edition's own `page: width/height/bleed` give every page's TrimBox, BleedBox and MediaBox."""
    press_pdf, screen_pdf = tiny_page
    assert_boxes(press_pdf, screen_pdf, PAGE_SETTINGS["width"] * MM, PAGE_SETTINGS["height"] * MM,
                 PAGE_SETTINGS["bleed"] * MM)


def text_runs(pdf_page) -> list[tuple[float, float, float, str]]:
    """(x, y, font size, text) of every run of text a page shows, in points of default user space."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((x, y, round(size * abs(tm[3] * cm[3]), 2), text))
    pdf_page.extract_text(visitor_text=visit)
    return runs


# book.css.jinja: the reading text's size and line height; the running heads' and folios' size.
BODY_SIZE, LINE, FURNITURE_SIZE = 10.5, 10.5 * 1.32, 9


def test_text_block_follows_the_margins_of_edition_yaml(tiny_page):
    """The reading text stands within an edition's own margins: its lines begin at the inner margin
    on a recto and at the outer one on a verso; below a running head the first line hangs from the
    top margin; no line runs into the bottom margin, and a full page's last line reaches down to it
    (within the two lines a page may end short); running heads and folios stand in the margins."""
    from pypdf import PdfReader

    _, screen_pdf = tiny_page
    top, bottom = PAGE_SETTINGS["height"] * MM - PAGE_SETTINGS["margin-top"] * MM, PAGE_SETTINGS["margin-bottom"] * MM
    inner, outer = PAGE_SETTINGS["margin-inner"] * MM, PAGE_SETTINGS["margin-outer"] * MM
    reader = PdfReader(screen_pdf.filename)
    pages = [text_runs(pdf_page) for pdf_page in reader.pages]
    sides, full = set(), 0
    for index, runs in enumerate(pages):
        body = [run for run in runs if run[2] == BODY_SIZE]
        if not body:
            continue
        recto = index % 2 == 0  # the first page (i) is a recto
        sides.add("recto" if recto else "verso")
        assert min(x for x, *_ in body) == pytest.approx(inner if recto else outer, abs=0.5), index
        lowest, highest = min(y for _, y, *_ in body), max(y for _, y, *_ in body)
        assert bottom <= lowest and highest < top, (index, "text in the margin", lowest, highest)
        furniture = [run for run in runs if run[2] == FURNITURE_SIZE]
        assert furniture and all(y > top or y < bottom for _, y, *_ in furniture), (index, furniture)  # head or folio
        if any(y > top for _, y, *_ in furniture):  # a page with a running head: the text begins at the top
            assert top - LINE < highest, (index, "the first line stands below the top margin", highest)
        if index + 1 < len(pages) and any(run[2] == BODY_SIZE for run in pages[index + 1]):  # a full page
            assert lowest < bottom + 3 * LINE, (index, "the last line stands above the bottom margin", lowest)
            full += 1
    assert sides == {"recto", "verso"} and full >= 2


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


# The crop marks as docs/architecture.md describes them: at each corner of the trim, one mark along
# each trim line, from 3pt outside the bleed to 12pt further out, 0.25pt wide.
MARK_GAP, MARK_LENGTH, MARK_WIDTH = 3, 12, 0.25
PAINTS_STROKE = {"S": True, "s": True, "B": True, "B*": True, "b": True, "b*": True,
                 "f": False, "F": False, "f*": False, "n": False}


def registration_strokes(page) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
    """The straight lines a page's content strokes in registration colour (Separation /All) at full
    tint: (one end, the other, line width) in default user space, the graphics state (q/Q, cm,
    stroking colour, width) followed as a viewer does. Paths left unpainted or only filled, and lines
    in any other colour or tint, do not count."""
    spaces = page.obj.Resources.get("/ColorSpace", {})
    state = ((1, 0, 0, 1, 0, 0), False, 1.0, 1.0)  # CTM, stroking in /All, its tint, line width
    saved, path, lines = [], [], []

    def user(ctm, x, y):
        a, b, c, d, e, f = ctm
        return (round(a * x + c * y + e, 2), round(b * x + d * y + f, 2))

    for operands, operator in pikepdf.parse_content_stream(page):
        op, values = str(operator), operands
        ctm, registration, tint, width = state
        if op == "q":
            saved.append(state)
        elif op == "Q":
            state = saved.pop()
        elif op == "cm":
            a, b, c, d, e, f = (float(v) for v in values)
            A, B, C, D, E, F = ctm
            state = ((a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                      e * A + f * C + E, e * B + f * D + F), registration, tint, width)
        elif op == "CS":
            space = spaces.get(str(values[0]))
            is_all = isinstance(space, pikepdf.Array) and space[0] == "/Separation" and space[1] == "/All"
            state = (ctm, is_all, 1.0, width)  # a separation's initial tint is 1
        elif op in ("G", "RG", "K"):
            state = (ctm, False, tint, width)
        elif op in ("SC", "SCN") and registration:
            state = (ctm, registration, float(values[0]), width)
        elif op == "w":
            state = (ctm, registration, tint, float(values[0]) * abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]) ** 0.5)
        elif op == "m":
            path.append([user(ctm, *(float(v) for v in values))])
        elif op == "l":
            path[-1].append(user(ctm, *(float(v) for v in values)))
        elif op in PAINTS_STROKE:
            if PAINTS_STROKE[op] and registration and tint == 1:
                lines += [(*sorted(segment), width) for subpath in path for segment in itertools.pairwise(subpath)]
            path = []
    return lines


def expected_marks(trim, bleed) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
    """The eight crop marks of a page with these trim and bleed boxes, as `registration_strokes` gives them."""
    marks = []
    for x, bleed_x, out_x in ((trim[0], bleed[0], -1), (trim[2], bleed[2], 1)):
        for y, bleed_y, out_y in ((trim[1], bleed[1], -1), (trim[3], bleed[3], 1)):
            near_x, far_x = bleed_x + out_x * MARK_GAP, bleed_x + out_x * (MARK_GAP + MARK_LENGTH)
            near_y, far_y = bleed_y + out_y * MARK_GAP, bleed_y + out_y * (MARK_GAP + MARK_LENGTH)
            marks.append((*sorted([(round(near_x, 2), round(y, 2)), (round(far_x, 2), round(y, 2))]), MARK_WIDTH))
            marks.append((*sorted([(round(x, 2), round(near_y, 2)), (round(x, 2), round(far_y, 2))]), MARK_WIDTH))
    return sorted(marks)


def test_crop_marks_in_registration_colour_in_the_slug_only(press, screen):
    """Every page of the press PDF strokes its crop marks in its content: at each of the four corners
    one horizontal and one vertical hairline (0.25pt) in registration colour at full tint, on the trim
    lines, from 3pt to 15pt outside the bleed, inside the media (the slug); nothing else is stroked
    in registration colour. The screen PDF has none."""
    for index, pdf_page in enumerate(press.pages):
        trim, bleed_box, media = box(pdf_page, "/TrimBox"), box(pdf_page, "/BleedBox"), box(pdf_page, "/MediaBox")
        assert sorted(registration_strokes(pdf_page)) == expected_marks(trim, bleed_box), f"page index {index}"
        for start, end, _ in expected_marks(trim, bleed_box):
            assert all(media[0] <= x <= media[2] and media[1] <= y <= media[3] for x, y in (start, end))
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
