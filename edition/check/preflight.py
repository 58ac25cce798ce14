"""Preflight: what a printer's preflight would reject in our PDFs, found before the printer does.

In: the path of a PDF, whether it is the press PDF, and the bleed edition.yaml asks for (points).
Out: `Finding`s (code, page, message; page 0 for the whole file), none for a file fit for its use.

The press PDF (PDF/X): one output intent whose profile is a printing condition (class prtr, CMYK
or GRAY, its stream's /N as in the profile's header); every colour of the pages, of the forms,
patterns, shadings and images they draw and of the resources they declare in the intent's inks
(no DeviceRGB, CalRGB or RGB profile; no CMYK under a grey intent); the vector colours (text and
rules) black or a tint of it (CMYK with K alone); the registration colour (Separation /All) only
for paths outside the BleedBox; MediaBox larger than the BleedBox on every side (the slug), the
BleedBox holding the TrimBox with the bleed of edition.yaml; no annotation on the printed area;
every font embedded; PDF/X named in the XMP, Trapped set; no transparency in PDF/X-1a or X-3.
The screen PDF: trimmed (MediaBox = TrimBox), fonts embedded, no CMYK or registration colour,
tagged and declared PDF/UA, not PDF/X.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from pathlib import Path

import pikepdf

from ..read import icc

PAINT_STROKE = {"S", "s", "B", "B*", "b", "b*"}
PAINT_FILL = {"f", "F", "f*", "B", "B*", "b", "b*"}
SHOW_TEXT = {"Tj", "TJ", "'", '"'}
POINTS = {"m", "l", "c", "v", "y"}  # path operators whose operands are points
# The operators a scan reads (pikepdf parses the others without making them objects: the text,
# most of a page's instructions, is only read on a page whose fill turns to the registration colour)
SCANNED = " ".join(sorted({"q", "Q", "cm", "w", "cs", "CS", "rg", "RG", "g", "G", "k", "K", "sc", "scn", "SC", "SCN",
                           "sh", "gs", "Do", "n", "re", "BI", "ID", "EI"} | POINTS | PAINT_STROKE | PAINT_FILL))
DEVICE = {"/DeviceGray": "gray", "/G": "gray", "/DeviceRGB": "rgb", "/RGB": "rgb", "/DeviceCMYK": "cmyk",
          "/CMYK": "cmyk", "/Pattern": "pattern"}
ICC_FAMILY = {"GRAY": "gray", "RGB": "rgb", "CMYK": "cmyk", "Lab": "lab"}
# The colour families each file may use; any other is a finding.
ALLOWED = {"CMYK": {"gray", "cmyk", "lab", "all", "spot", "pattern"},  # press, CMYK output intent
           "GRAY": {"gray", "lab", "all", "spot", "pattern"},  # press, grey output intent
           "screen": {"gray", "rgb", "lab", "spot", "pattern"}}
PDFX = "{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"
PDFUA = "{http://www.aiim.org/pdfua/ns/id/}part"
EPSILON = 0.01  # points


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    code: str
    page: int  # from 1; 0 for the whole file
    message: str


def check(path: Path, press: bool, bleed: float | None = None) -> list[Finding]:
    """Every finding in the PDF at `path`; `bleed` (points) is checked on every side of each page."""
    findings: set[Finding] = set()
    profiles: dict[tuple[int, int], str] = {}
    with pikepdf.open(path) as pdf:
        if press:
            space = _check_intent(pdf, findings)
            version = _check_pdfx(pdf, findings)
        else:
            space, version = "screen", None
            _check_pdfua(pdf, findings)
        for number, page in enumerate(pdf.pages, 1):
            _check_boxes(page, number, press, bleed, findings)
            if press:
                _check_annotations(page, number, findings)
            bleed_box = _box(page, "/BleedBox") if press else None
            _Scan(number, ALLOWED[space], bleed_box, version, findings, profiles).page(page)
    return sorted(findings)


def summary(findings: list[Finding]) -> list[tuple[str, str]]:
    """(code, message) once per problem, with the pages it is on: 'pages 5-9, 12: ...'."""
    pages = defaultdict(list)
    for finding in findings:
        pages[finding.code, finding.message].append(finding.page)
    return [(code, f"{_pages(numbers)}: {message}" if numbers != [0] else message)
            for (code, message), numbers in sorted(pages.items())]


def _pages(numbers: list[int]) -> str:
    ranges: list[list[int]] = []
    for number in sorted(numbers):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in ranges)
    return f"page{'s' if len(numbers) > 1 else ''} {text}"


def _check_intent(pdf: pikepdf.Pdf, findings: set[Finding]) -> str:
    """The output intent's profile is a printing condition; return its colour space (CMYK or GRAY)."""
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == pikepdf.Name.GTS_PDFX]
    if len(intents) != 1 or "/DestOutputProfile" not in intents[0]:
        findings.add(Finding("preflight-intent", 0, f"one PDF/X output intent with its profile needed, found {len(intents)}"))
        return "CMYK"
    stream = intents[0].DestOutputProfile
    profile = icc.read(stream.read_bytes())
    if profile is None:
        findings.add(Finding("preflight-intent", 0, "the output intent's profile is not an ICC profile"))
        return "CMYK"
    if not profile.for_print:
        findings.add(Finding("preflight-intent", 0, f"the output intent's profile ({profile.description}) is a "
                             f"{profile.device_class} profile in {profile.space}, not a printing condition "
                             f"(class prtr, CMYK or GRAY)"))
    if int(stream.get("/N", 0)) != len(profile.channels):
        findings.add(Finding("preflight-intent", 0, f"the output intent's profile stream says /N {stream.get('/N')}, "
                             f"its header {profile.space} ({len(profile.channels)} channels)"))
    if not str(intents[0].get("/OutputConditionIdentifier", "")):
        findings.add(Finding("preflight-intent", 0, "the output intent has no OutputConditionIdentifier"))
    return "GRAY" if profile.space == "GRAY" else "CMYK"


def _check_pdfx(pdf: pikepdf.Pdf, findings: set[Finding]) -> int:
    """PDF/X named in the XMP, Trapped and Title set, not encrypted; return the PDF/X version."""
    declared = str(pdf.open_metadata().get(PDFX, ""))
    match = re.match(r"PDF/X-(\d)", declared)
    if not match:
        findings.add(Finding("preflight-identification", 0, "no PDF/X version (GTS_PDFXVersion) in the XMP metadata"))
    if pdf.docinfo.get("/Trapped") not in (pikepdf.Name("/True"), pikepdf.Name("/False")):
        findings.add(Finding("preflight-identification", 0, "Trapped is not set to True or False"))
    if not str(pdf.docinfo.get("/Title", "")):
        findings.add(Finding("preflight-identification", 0, "no Title"))
    if pdf.is_encrypted:
        findings.add(Finding("preflight-identification", 0, "encrypted"))
    return int(match.group(1)) if match else 4


def _check_pdfua(pdf: pikepdf.Pdf, findings: set[Finding]) -> None:
    meta = pdf.open_metadata()
    problems = [("not declared PDF/UA (pdfuaid:part)", PDFUA not in meta),
                ("declared PDF/X", PDFX in meta or "/OutputIntents" in pdf.Root),
                ("not tagged", "/StructTreeRoot" not in pdf.Root or not pdf.Root.get("/MarkInfo", {}).get("/Marked")),
                ("no document language", not str(pdf.Root.get("/Lang", ""))),
                ("viewers do not show the title", not pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"))]
    findings.update(Finding("preflight-identification", 0, message) for message, wrong in problems if wrong)


def _box(page: pikepdf.Page, name: str) -> list[float] | None:
    box = page.obj.get(name)
    if box is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in box)
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def _contains(outer: list[float], inner: list[float], margin: float = 0) -> bool:
    return (outer[0] <= inner[0] - margin + EPSILON and outer[1] <= inner[1] - margin + EPSILON
            and outer[2] >= inner[2] + margin - EPSILON and outer[3] >= inner[3] + margin - EPSILON)


def _check_boxes(page: pikepdf.Page, number: int, press: bool, bleed: float | None, findings: set[Finding]) -> None:
    media, bleed_box, trim = _box(page, "/MediaBox"), _box(page, "/BleedBox"), _box(page, "/TrimBox")
    problems = []
    if trim is None:
        problems.append("no TrimBox")
    elif not press:
        problems.append("" if media == trim else "not trimmed: the MediaBox is not the TrimBox")
    elif bleed_box is None:
        problems.append("no BleedBox")
    else:
        problems.append("" if _contains(media, bleed_box, 1) else "no slug: the MediaBox must exceed the BleedBox on every side")
        problems.append("" if _contains(bleed_box, trim) else "the BleedBox does not hold the TrimBox")
        sides = [trim[0] - bleed_box[0], trim[1] - bleed_box[1], bleed_box[2] - trim[2], bleed_box[3] - trim[3]]
        if bleed is not None and any(abs(side - bleed) > EPSILON for side in sides):
            problems.append(f"bleed {' '.join(f'{s:g}' for s in sides)}pt, edition.yaml asks for {bleed:g}pt")
    findings.update(Finding("preflight-boxes", number, problem) for problem in problems if problem)


def _check_annotations(page: pikepdf.Page, number: int, findings: set[Finding]) -> None:
    printed = _box(page, "/BleedBox") or _box(page, "/MediaBox")
    kinds = set()
    for annotation in page.obj.get("/Annots", []):
        x0, y0, x1, y1 = (float(v) for v in annotation.get("/Rect", [0, 0, 0, 0]))
        if _overlaps([min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)], printed):
            kinds.add(str(annotation.get("/Subtype", "/Annot"))[1:])
    findings.update(Finding("preflight-annotation", number, f"{kind} annotations on the printed area") for kind in kinds)


def _overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def _transform(m: list[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _concat(m: list[float], ctm: list[float]) -> list[float]:
    """m x ctm, as the `cm` operator sets it."""
    a, b, c, d, e, f = m
    return [a * ctm[0] + b * ctm[2], a * ctm[1] + b * ctm[3], c * ctm[0] + d * ctm[2], c * ctm[1] + d * ctm[3],
            e * ctm[0] + f * ctm[2] + ctm[4], e * ctm[1] + f * ctm[3] + ctm[5]]


class _Scan:
    """Walks the content of one page and what it draws: colours, images, fonts, transparency, marks."""

    def __init__(self, number: int, allowed: set[str], bleed_box: list[float] | None, version: int | None,
                 findings: set[Finding], profiles: dict):
        self.number, self.allowed, self.bleed_box, self.version = number, allowed, bleed_box, version
        self.findings = findings
        self.profiles = profiles  # ICC stream -> its colour space, read once per file
        self.seen: set[tuple[int, int]] = set()  # resources and forms already checked on this page

    def add(self, code: str, message: str) -> None:
        self.findings.add(Finding(code, self.number, message))

    def page(self, page: pikepdf.Page) -> None:
        group = page.obj.get("/Group")
        if group is not None:
            self.group(group, page.obj.Resources)
        self.content(page.obj, page.obj.Resources, [1, 0, 0, 1, 0, 0])

    def family(self, space, resources, depth: int = 0) -> tuple[str, str]:
        """(family, label) of a colour space: gray, rgb, cmyk, lab, all, spot, pattern or unknown."""
        if isinstance(space, pikepdf.Name) and str(space) in DEVICE:
            return DEVICE[str(space)], str(space)[1:]
        if isinstance(space, pikepdf.Name):
            named = resources.get("/ColorSpace", {}).get(str(space))
            return self.family(named, resources, depth + 1) if named is not None and depth < 4 else ("unknown", str(space))
        if not isinstance(space, pikepdf.Array) or len(space) == 0 or depth > 4:
            return "unknown", str(space)
        kind = str(space[0])
        if kind == "/ICCBased":
            if space[1].objgen not in self.profiles:
                profile = icc.read(space[1].read_bytes())
                channels = {1: "GRAY", 3: "RGB", 4: "CMYK"}.get(int(space[1].get("/N", 0)), "")
                self.profiles[space[1].objgen] = profile.space if profile else channels
            name = self.profiles[space[1].objgen]
            return ICC_FAMILY.get(name, "unknown"), f"an ICC profile in {name}"
        if kind in ("/CalRGB", "/CalGray", "/Lab"):
            return {"/CalRGB": "rgb", "/CalGray": "gray", "/Lab": "lab"}[kind], kind[1:]
        if kind in ("/Indexed", "/Pattern") and len(space) > 1:
            return ("pattern", "Pattern") if kind == "/Pattern" else self.family(space[1], resources, depth + 1)
        if kind == "/Separation" and space[1] == pikepdf.Name.All:
            return "all", "the registration colour (/All)"
        if kind in ("/Separation", "/DeviceN"):
            alternate, label = self.family(space[2], resources, depth + 1)
            return ("rgb", f"a spot colour with alternate {label}") if alternate == "rgb" else ("spot", kind[1:])
        return "unknown", kind[1:]

    def allow(self, family: tuple[str, str], what: str) -> None:
        if family[0] not in self.allowed:
            self.add("preflight-colour", f"{what} in {family[1]}")

    def resources(self, resources) -> None:
        """Colour spaces declared, fonts embedded: once per resource dictionary."""
        if resources.objgen in self.seen and resources.objgen != (0, 0):
            return
        self.seen.add(resources.objgen)
        for name, space in resources.get("/ColorSpace", {}).items():
            self.allow(self.family(space, resources), f"colour space {name} declared")
        for font in resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            if font.get("/Subtype") != pikepdf.Name.Type3 and not (
                    descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))):
                self.add("preflight-font", f"font {str(font.get('/BaseFont', '?'))[1:]} not embedded")

    def group(self, group, resources) -> None:
        if group.get("/S") == pikepdf.Name.Transparency:
            self.transparency("a transparency group")
            if "/CS" in group:
                self.allow(self.family(group.CS, resources), "a transparency group's blending space")

    def transparency(self, what: str) -> None:
        if self.version is not None and self.version < 4:
            self.add("preflight-transparency", f"{what}: PDF/X-{self.version} allows no transparency")

    def content(self, holder, resources, ctm: list[float], text: bool = False) -> None:
        """Scan a content stream (a page's, a form's, a pattern's) drawn with the matrix `ctm`; its
        text too if `text`, else only if its fill turns to the registration colour (scanned again)."""
        self.resources(resources)
        fill, stroke = ("gray", "DeviceGray"), ("gray", "DeviceGray")
        stack, subpaths, line_width = [], [], 1.0
        registered = False  # the fill was the registration colour: text shown then is a finding
        for instruction in pikepdf.parse_content_stream(holder, "" if text else SCANNED):
            op = str(instruction.operator)
            if op in SHOW_TEXT:
                if fill[0] == "all":
                    self.add("preflight-marks", "text in the registration colour (/All)")
                continue
            if op == "INLINE IMAGE":
                image = instruction.iimage.obj
                if not image.get("/ImageMask"):
                    self.allow(self.family(image.get("/ColorSpace"), resources), "an inline image")
                continue
            operands = list(instruction.operands)
            if op == "q":
                stack.append((fill, stroke, ctm, line_width))
            elif op == "Q" and stack:
                fill, stroke, ctm, line_width = stack.pop()
            elif op == "cm":
                ctm = _concat([float(v) for v in operands], ctm)
            elif op == "w":
                line_width = float(operands[0])
            elif op in ("cs", "CS"):
                family = self.family(operands[0], resources)
                self.allow(family, f"{'stroke' if op == 'CS' else 'fill'} colour")
                fill, stroke = (family, stroke) if op == "cs" else (fill, family)
                registered |= fill[0] == "all"
            elif op in ("rg", "RG", "g", "G", "k", "K"):
                family = {"rg": ("rgb", "DeviceRGB"), "g": ("gray", "DeviceGray"), "k": ("cmyk", "DeviceCMYK")}[op.lower()]
                self.allow(family, f"{'stroke' if op.isupper() else 'fill'} colour ({op})")
                fill, stroke = (family, stroke) if op.islower() else (fill, family)
                self.tint(family, operands)
            elif op in ("sc", "scn", "SC", "SCN"):
                family = fill if op.islower() else stroke
                if family[0] == "pattern" and operands and isinstance(operands[-1], pikepdf.Name):
                    self.pattern(resources.get("/Pattern", {}).get(str(operands[-1])), resources)
                else:
                    self.tint(family, operands)
            elif op == "sh":
                shading = resources.get("/Shading", {}).get(str(operands[0]))
                if shading is not None:
                    self.allow(self.family(shading.get("/ColorSpace"), resources), "a shading")
            elif op == "gs":
                self.ext_g_state(resources.get("/ExtGState", {}).get(str(operands[0])), resources, ctm)
            elif op == "Do":
                self.x_object(resources.get("/XObject", {}).get(str(operands[0])), resources, ctm)
            elif op in ("m", "re"):
                subpaths.append([])
            if op in POINTS and operands and subpaths:
                numbers = [float(v) for v in operands]
                subpaths[-1] += [_transform(ctm, x, y) for x, y in zip(numbers[::2], numbers[1::2])]
            elif op == "re":
                x, y, w, h = (float(v) for v in operands)
                subpaths[-1] += [_transform(ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
            elif op in PAINT_STROKE | PAINT_FILL or op == "n":
                if (op in PAINT_STROKE and stroke[0] == "all") or (op in PAINT_FILL and fill[0] == "all"):
                    self.registration(subpaths, line_width * max(abs(v) for v in ctm[:4]))
                subpaths = []
        if registered and not text:
            self.content(holder, resources, ctm, text=True)

    def tint(self, family: tuple[str, str], values: list) -> None:
        """Text and rules in CMYK are black or a tint of it: K alone."""
        if family[0] == "cmyk" and len(values) == 4 and any(float(v) for v in values[:3]):
            self.add("preflight-colour", f"CMYK colour not K alone ({' '.join(f'{float(v):g}' for v in values)}) "
                                         f"in {family[1]}")

    def registration(self, subpaths: list, width: float) -> None:
        """Registration colour prints on every plate: only in the slug, never over the bleed."""
        if self.bleed_box is None:
            self.add("preflight-marks", "the registration colour (/All) outside a press PDF")
            return
        for points in filter(None, subpaths):
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            reach = [min(xs) - width / 2, min(ys) - width / 2, max(xs) + width / 2, max(ys) + width / 2]
            if _overlaps(reach, self.bleed_box):
                self.add("preflight-marks", "the registration colour (/All) over the bleed or the page")

    def pattern(self, pattern, resources) -> None:
        if pattern is None or pattern.objgen in self.seen:
            return
        self.seen.add(pattern.objgen)
        if pattern.get("/PatternType") == 2:
            self.allow(self.family(pattern.Shading.get("/ColorSpace"), resources), "a shading pattern")
        else:
            self.content(pattern, pattern.get("/Resources", resources), [1, 0, 0, 1, 0, 0])

    def ext_g_state(self, state, resources, ctm: list[float]) -> None:
        if state is None:
            return
        mask = state.get("/SMask", pikepdf.Name("/None"))
        if mask != pikepdf.Name("/None"):
            self.transparency("a soft mask")
            if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
                self.x_object(mask.G, resources, ctm)
        if float(state.get("/ca", 1)) < 1 or float(state.get("/CA", 1)) < 1:
            self.transparency("an opacity below 1")
        if state.get("/BM", pikepdf.Name.Normal) not in (pikepdf.Name.Normal, pikepdf.Name.Compatible):
            self.transparency(f"the blend mode {state.BM}")

    def x_object(self, x_object, resources, ctm: list[float]) -> None:
        if x_object is None:
            return
        if x_object.get("/Subtype") == pikepdf.Name.Image:
            if not x_object.get("/ImageMask"):
                self.allow(self.family(x_object.get("/ColorSpace"), resources), "an image")
                if "/SMask" in x_object:
                    self.transparency("an image with a soft mask")
        elif x_object.get("/Subtype") == pikepdf.Name.Form and x_object.objgen not in self.seen:
            self.seen.add(x_object.objgen)
            form_resources = x_object.get("/Resources", resources)
            if "/Group" in x_object:
                self.group(x_object.Group, form_resources)
            matrix = [float(v) for v in x_object.get("/Matrix", [1, 0, 0, 1, 0, 0])]
            self.content(x_object, form_resources, _concat(matrix, ctm))


def main(argv: list[str] | None = None) -> int:
    """`python -m edition.check.preflight FILE.pdf [--screen] [--bleed PT]`: the findings, once per
    problem with its pages, and their number; exit status 1 if there are any."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m edition.check.preflight", description=main.__doc__)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--screen", action="store_true", help="check it as the screen PDF, not the press PDF")
    parser.add_argument("--bleed", type=float, help="the bleed every page must have, in points")
    args = parser.parse_args(argv)
    findings = check(args.pdf, not args.screen, args.bleed)
    for code, message in summary(findings):
        print(f"{args.pdf}: {message} [{code}]")
    print(f"{args.pdf}: {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
