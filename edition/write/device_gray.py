"""The screen PDF's black: the press's ink colours become DeviceGray.

In: the open PDF WeasyPrint wrote, its text and rules in K-only DeviceCMYK (or in the grey of a
grey output profile).  Out: the same pages, those colours set as DeviceGray (gray = 1 - k), so that
a colour-managed viewer shows black as black rather than press black converted to a brownish grey.
Any other colour stays as it is.  The output profile, no longer used by any content, is dropped from
the resources.
"""

from __future__ import annotations

import decimal
import re

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
    out: list = []  # (operator, instruction): as read, or (operands, operator) made here
    lines = _lines(holder)
    for op, operands, instruction in (lines if lines is not None else _parsed(holder)):
        if op not in WATCHED:
            out.append((op, instruction))
            continue
        if op in SET_SPACE:
            name = str(operands[0])
            channels = kinds.setdefault(name, _icc_channels(spaces.get(name)))
            if channels:
                current[SET_SPACE[op]] = (channels, instruction)
                instruction = ([0], GRAY[SET_SPACE[op]])
            else:
                current[SET_SPACE[op]] = None
                used.add(name)
        elif op in SET_COLOUR and current[SET_COLOUR[op]]:
            channels, set_space = current[SET_COLOUR[op]]
            gray = _gray(operands) if channels == 4 else operands[0]
            if gray is None:  # not K alone: keep the press's colour
                out.append((CS[SET_COLOUR[op]], set_space))
                used.add(_space_name(set_space))
                current[SET_COLOUR[op]] = None
            else:
                operator = GRAY[SET_COLOUR[op]]
                if out and out[-1][0] == operator:  # the black that stood in for the colour space
                    out.pop()
                instruction = ([gray], operator)
        elif op in SET_DEVICE:
            current[SET_DEVICE[op]] = None
            if op in ("k", "K") and _gray(operands) is not None:  # K alone: DeviceGray, until a colour needs CMYK
                current[SET_DEVICE[op]] = (4, ([pikepdf.Name.DeviceCMYK], CS[SET_DEVICE[op]]))
                instruction = ([_gray(operands)], GRAY[SET_DEVICE[op]])
        elif op == "q":
            stack.append(list(current))
        elif op == "Q" and stack:
            current = stack.pop()
        elif op == "Do":
            form = resources.get("/XObject", {}).get(str(operands[0]))
            if form is not None and form.get("/Subtype") == pikepdf.Name.Form:
                _convert(pdf, form, form.get("/Resources", resources), used, done)
        if isinstance(instruction, tuple):
            op = instruction[1]
        out.append((op, instruction))
    if lines is not None:
        content = b"\n".join(_written(instruction) for _, instruction in out)
    else:
        content = pikepdf.unparse_content_stream([_instruction(instruction) for _, instruction in out])
    if isinstance(holder, pikepdf.Stream):
        holder.write(content)
    elif isinstance(holder.Contents, pikepdf.Stream):  # written in place: a new stream took 0.23 s of the 1x book's 0.6
        holder.Contents.write(content)
    else:
        holder.Contents = pdf.make_stream(content)


# The quick way through a content stream as pydyf writes it: one instruction a line, no strings in
# parentheses, no comments, no inline images.  Any other stream is parsed by pikepdf (qpdf).
_OPERATOR = re.compile(rb"(?<![^\s\]>)])(?:" + b"|".join(re.escape(op.encode()) for op in sorted(WATCHED, key=len, reverse=True))
                       + rb")(?![^\s\[<(/%])")
_OPERAND = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)|/[^\s/\[\]<>(){}%]*")


def _lines(holder: pikepdf.Object) -> list[tuple[str, list | None, bytes]] | None:
    """The content read quickly, if each watched operator ends a line of its own operands alone
    (numbers and names) after a line that ends with an operator (else None): (operator, operands,
    the line) for each watched instruction, and each run of lines between them as it is (operator
    "", no operands).  A page of the 1x book has some 1,600 lines, a tenth of them watched."""
    contents = holder if isinstance(holder, pikepdf.Stream) else holder.get("/Contents")
    if contents is None:
        return None
    data = (b"\n".join(part.read_bytes() for part in contents) if isinstance(contents, pikepdf.Array)
            else contents.read_bytes())
    if any(mark in data for mark in (b"(", b"%", b"BI")):
        return None
    read: list[tuple[str, list | None, bytes]] = []
    end = -1  # where the last watched line ended (before the first: the line before the content)
    for match in _OPERATOR.finditer(data):
        start = data.rfind(b"\n", 0, match.start()) + 1
        stop = data.find(b"\n", match.end())
        stop = len(data) if stop < 0 else stop
        if data[match.end():stop].strip() or start <= end:  # not the last of its line
            return None
        line = data[start:stop]
        tokens = line.split()
        if not all(_OPERAND.fullmatch(token) for token in tokens[:-1]):
            return None
        if start:
            before = data[data.rfind(b"\n", 0, start - 1) + 1:start - 1].split()
            if before and (_OPERAND.fullmatch(before[-1]) or before[-1].endswith((b"]", b">"))):
                return None
        if start > end + 1:  # the lines between, as they are
            read.append(("", None, data[end + 1:start - 1]))
        read.append((match[0].decode("latin-1"), [_value(token) for token in tokens[:-1]], line))
        end = stop
    if end < len(data):
        read.append(("", None, data[end + 1:]))
    return read


def _parsed(holder: pikepdf.Object):
    for instruction in pikepdf.parse_content_stream(holder):
        yield str(instruction.operator), list(instruction.operands), instruction


def _value(token: bytes):
    return pikepdf.Name(token.decode("latin-1")) if token.startswith(b"/") else decimal.Decimal(token.decode())


def _space_name(set_space) -> str:
    """The colour space an instruction that sets one names."""
    if isinstance(set_space, tuple):
        return str(set_space[0][0])
    if isinstance(set_space, bytes):
        return set_space.split()[0].decode("latin-1")
    return str(set_space.operands[0])


def _written(instruction) -> bytes:
    if isinstance(instruction, bytes):
        return instruction
    operands, operator = instruction
    return b" ".join([*(_token(value) for value in operands), operator.encode()])


def _token(value) -> bytes:
    if isinstance(value, decimal.Decimal):
        text = format(value.normalize(), "f")
        return (text if text not in ("-0", "") else "0").encode()
    return str(value).encode()


def _instruction(instruction):
    if isinstance(instruction, tuple):
        operands, operator = instruction
        return pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(operator))
    return instruction


def _gray(cmyk: list) -> object | None:
    """1 - k for a K-only CMYK colour, else None."""
    return 1 - cmyk[3] if len(cmyk) == 4 and not any(cmyk[:3]) else None


def _icc_channels(space: pikepdf.Object | None) -> int:
    """The channels of an ICC-based colour space (1 grey, 4 CMYK); 0 for anything else."""
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == pikepdf.Name.ICCBased:
        channels = int(space[1].get("/N", 0))
        return channels if channels in (1, 4) else 0
    return 0
