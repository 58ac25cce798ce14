"""The screen PDF's black: the press's ink colours become DeviceGray.

In: the open PDF WeasyPrint wrote, its text and rules in K-only DeviceCMYK (or in the grey of a
grey output profile).  Out: the same pages, those colours set as DeviceGray (gray = 1 - k), so that
a colour-managed viewer shows black as black rather than press black converted to a brownish grey.
Any other colour stays as it is.  The output profile, no longer used by any content, is dropped from
the resources.
"""

from __future__ import annotations

import pikepdf

FILL, STROKE = 0, 1
SET_SPACE = {"cs": FILL, "CS": STROKE}
SET_COLOUR = {"sc": FILL, "scn": FILL, "SC": STROKE, "SCN": STROKE}
SET_DEVICE = {"k": FILL, "K": STROKE, "g": FILL, "G": STROKE, "rg": FILL, "RG": STROKE}  # space and colour
GRAY = ("g", "G")
CS = ("cs", "CS")
WATCHED = {*SET_SPACE, *SET_COLOUR, *SET_DEVICE, "q", "Q", "Do"}  # any other operator is copied as it is


def convert(pdf: pikepdf.Pdf) -> None:
    used: set[str] = set()
    done: set[tuple[int, int]] = set()
    for page in pdf.pages:
        _convert(pdf, page.obj, page.obj.Resources, used, done)
    for page in pdf.pages:
        spaces = page.obj.Resources.get("/ColorSpace", {})
        for name in [name for name, space in spaces.items() if name not in used and _icc_channels(space)]:
            del spaces[name]


def _convert(pdf: pikepdf.Pdf, holder: pikepdf.Object, resources: pikepdf.Object,
             used: set[str], done: set[tuple[int, int]]) -> None:
    """Rewrite the content of a page or form, and of the forms it draws, once each."""
    if holder.objgen in done:
        return
    done.add(holder.objgen)
    spaces = resources.get("/ColorSpace", {})
    kinds = {"/DeviceCMYK": 4}  # colour space -> its channels when convertible (4: CMYK, 1: grey)
    current = [None, None]  # the convertible space in force for fill and stroke, and how it was set
    stack = []
    out: list = []
    for instruction in pikepdf.parse_content_stream(holder):
        op = str(instruction.operator)
        if op not in WATCHED:
            out.append(instruction)
            continue
        operands = list(instruction.operands)
        if op in SET_SPACE:
            name = str(operands[0])
            channels = kinds.setdefault(name, _icc_channels(spaces.get(name)))
            if channels:
                current[SET_SPACE[op]] = (channels, instruction)
                instruction = pikepdf.ContentStreamInstruction([0], pikepdf.Operator(GRAY[SET_SPACE[op]]))
            else:
                current[SET_SPACE[op]] = None
                used.add(name)
        elif op in SET_COLOUR and current[SET_COLOUR[op]]:
            channels, set_space = current[SET_COLOUR[op]]
            gray = _gray(operands) if channels == 4 else operands[0]
            if gray is None:  # not K alone: keep the press's colour
                out.append(set_space)
                used.add(str(set_space.operands[0]))
                current[SET_COLOUR[op]] = None
            else:
                operator = pikepdf.Operator(GRAY[SET_COLOUR[op]])
                if out and out[-1].operator == operator:  # the black that stood in for the colour space
                    out.pop()
                instruction = pikepdf.ContentStreamInstruction([gray], operator)
        elif op in SET_DEVICE:
            current[SET_DEVICE[op]] = None
            if op in ("k", "K") and _gray(operands) is not None:  # K alone: DeviceGray, until a colour needs CMYK
                set_space = pikepdf.ContentStreamInstruction([pikepdf.Name.DeviceCMYK], pikepdf.Operator(CS[SET_DEVICE[op]]))
                current[SET_DEVICE[op]] = (4, set_space)
                instruction = pikepdf.ContentStreamInstruction([_gray(operands)], pikepdf.Operator(GRAY[SET_DEVICE[op]]))
        elif op == "q":
            stack.append(list(current))
        elif op == "Q" and stack:
            current = stack.pop()
        elif op == "Do":
            form = resources.get("/XObject", {}).get(str(operands[0]))
            if form is not None and form.get("/Subtype") == pikepdf.Name.Form:
                _convert(pdf, form, form.get("/Resources", resources), used, done)
        out.append(instruction)
    content = pikepdf.unparse_content_stream(out)
    if isinstance(holder, pikepdf.Stream):
        holder.write(content)
    else:
        holder.Contents = pdf.make_stream(content)


def _gray(cmyk: list) -> object | None:
    """1 - k for a K-only CMYK colour, else None."""
    return 1 - cmyk[3] if len(cmyk) == 4 and not any(cmyk[:3]) else None


def _icc_channels(space: pikepdf.Object | None) -> int:
    """The channels of an ICC-based colour space (1 grey, 4 CMYK); 0 for anything else."""
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == pikepdf.Name.ICCBased:
        channels = int(space[1].get("/N", 0))
        return channels if channels in (1, 4) else 0
    return 0
