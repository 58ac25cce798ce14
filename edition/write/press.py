"""The press PDF, made from WeasyPrint's PDF/X output: what the printer needs, nothing it must not print.

In: the open PDF WeasyPrint wrote (PDF/X, tagged, the bleed painted around the trim) and the settings.
Out: the same document with its output intent naming the printing condition (output_intent.py);
every page's MediaBox widened by a slug around the BleedBox, holding crop marks in registration
colour (Separation /All), drawn outside the bleed; and no link annotations, which would lie on the
printed area (the tags stay: a link's structure element keeps its text, as a Span).
"""

from __future__ import annotations

import pikepdf

from ..read.settings import Settings
from . import output_intent

SLUG = 18  # points (0.25in) of media around the bleed, for the marks
MARK_GAP = 3  # the crop marks start this far outside the bleed,
MARK_LENGTH = 12  # run this far out (ending within the slug),
MARK_WIDTH = 0.25  # and are hairlines
REGISTRATION = "/Registration"  # the resource name of the /All separation


def prepare(pdf: pikepdf.Pdf, settings: Settings) -> None:
    """Name the output intent, add the slug and its marks to every page, remove the links."""
    intent = pdf.Root.OutputIntents[0]
    for key, value in output_intent.condition(settings).items():
        intent[pikepdf.Name("/" + key)] = pikepdf.String(value)
    registration = _registration(pdf, output_intent.profile(settings).space)
    for page in pdf.pages:
        _add_slug_and_marks(page, registration)
    _remove_links(pdf)


def _registration(pdf: pikepdf.Pdf, space: str) -> pikepdf.Object:
    """The /All separation: full tint is every ink of the press (or full grey), for marks on every plate."""
    white, black = ([0, 0, 0, 0], [1, 1, 1, 1]) if space == "CMYK" else ([1], [0])
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=white, C1=black, N=1)
    alternate = pikepdf.Name.DeviceCMYK if space == "CMYK" else pikepdf.Name.DeviceGray
    return pdf.make_indirect(pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, alternate, tint]))


def _add_slug_and_marks(page: pikepdf.Page, registration: pikepdf.Object) -> None:
    """WeasyPrint's MediaBox is the painted bleed: it becomes the BleedBox, the media grows by the slug."""
    bleed = [float(v) for v in page.obj.MediaBox]
    trim = [float(v) for v in page.obj.TrimBox]
    page.obj.BleedBox = pikepdf.Array(bleed)
    page.obj.MediaBox = pikepdf.Array([bleed[0] - SLUG, bleed[1] - SLUG, bleed[2] + SLUG, bleed[3] + SLUG])
    resources = page.obj.Resources
    if "/ColorSpace" not in resources:
        resources.ColorSpace = pikepdf.Dictionary()
    resources.ColorSpace[pikepdf.Name(REGISTRATION)] = registration
    lines = []
    for x, edge_x, out_x in ((trim[0], bleed[0], -1), (trim[2], bleed[2], 1)):
        for y, edge_y, out_y in ((trim[1], bleed[1], -1), (trim[3], bleed[3], 1)):
            start_x, end_x = edge_x + out_x * MARK_GAP, edge_x + out_x * (MARK_GAP + MARK_LENGTH)
            start_y, end_y = edge_y + out_y * MARK_GAP, edge_y + out_y * (MARK_GAP + MARK_LENGTH)
            lines.append(f"{start_x:g} {y:g} m {end_x:g} {y:g} l S")  # along the trim's horizontal edge
            lines.append(f"{x:g} {start_y:g} m {x:g} {end_y:g} l S")  # along its vertical edge
    marks = "\n".join(["Q", "/Artifact BMC q", f"{REGISTRATION} CS 1 SCN {MARK_WIDTH:g} w 0 J [] 0 d",
                       *lines, "Q EMC", ""])
    page.contents_add(b"q\n", prepend=True)  # WeasyPrint's content leaves its y-flip in the CTM
    page.contents_add(marks.encode("ascii"))


def _remove_links(pdf: pikepdf.Pdf) -> None:
    """Drop every link annotation, its OBJR in the structure tree and its ParentTree entry."""
    tree = pdf.Root.get("/StructTreeRoot")
    nums = tree.ParentTree.Nums if tree is not None else pikepdf.Array()
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    dropped = set()
    for page in pdf.pages:
        annotations = list(page.obj.get("/Annots", []))
        for link in (a for a in annotations if a.get("/Subtype") == pikepdf.Name.Link):
            element = parents.get(int(link.get("/StructParent", -1)))
            if element is not None:
                element.K = pikepdf.Array([kid for kid in element.K if not _refers_to(kid, link)])
                element.S = pikepdf.Name.Span
                dropped.add(int(link.StructParent))
        kept = [a for a in annotations if a.get("/Subtype") != pikepdf.Name.Link]
        if kept:
            page.obj.Annots = pikepdf.Array(kept)
        elif "/Annots" in page.obj:
            del page.obj["/Annots"]
    if dropped:
        tree.ParentTree.Nums = pikepdf.Array([item for key in sorted(parents) if key not in dropped
                                              for item in (key, parents[key])])


def _refers_to(kid: pikepdf.Object, annotation: pikepdf.Object) -> bool:
    return (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR
            and kid.Obj.objgen == annotation.objgen)
