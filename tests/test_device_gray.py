"""write/device_gray.py: the screen PDF's black as DeviceGray, read quickly from what pydyf writes."""

from __future__ import annotations

import io

import pikepdf
import pytest
import weasyprint

from edition.write import device_gray, part_job
from edition.write.output_intent import DEFAULT_PROFILE

STYLE = ("<style>@page { size: A6 }"
         f" @color-profile --output-intent {{ src: url({DEFAULT_PROFILE.as_uri()}); components: c, m, y, k; }}"
         " p { color: color(--output-intent 0 0 0 1) } .grey { color: color(--output-intent 0 0 0 0.5) }"
         " .cyan { color: color(--output-intent 0.6 0 0 0) }"
         " .ruled { border-top: 1pt solid color(--output-intent 0 0 0 1); padding-top: 2pt }</style>")
HTML = (f"<html lang='en'><head>{STYLE}</head><body>"
        + "".join(f"<p class='{kind}'>A paragraph in {kind or 'black'}, number {k}.</p>"
                  for k in range(30) for kind in ("", "grey", "cyan", "ruled")) + "</body></html>")


def press_pdf() -> bytes:
    with part_job.epoch(1700000000):
        return weasyprint.HTML(string=HTML).render().write_pdf(pdf_variant="pdf/x-4", pdf_tags=True)


def converted(data: bytes) -> list[list[tuple]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        device_gray.convert(pdf)
        return [[(tuple(str(o) for o in i.operands), str(i.operator)) for i in pikepdf.parse_content_stream(page)]
                for page in pdf.pages]


def test_the_quick_reading_converts_as_pikepdfs_parser_does(monkeypatch):
    """A PDF as WeasyPrint writes it (black, a grey, a cyan, black rules) is read line by line,
    without qpdf's parser, and converted to the same instructions as through the parser: black and
    grey as DeviceGray, the cyan kept in the press's colour space."""
    data = press_pdf()
    parsed = []
    parse = device_gray._parsed
    monkeypatch.setattr(device_gray, "_parsed", lambda holder: parsed.append(1) or parse(holder))
    quick = converted(data)
    assert not parsed  # the quick reading, for every page
    monkeypatch.setattr(device_gray, "_lines", lambda holder: None)
    assert converted(data) == quick
    operators = {op for page in quick for _, op in page}
    assert "g" in operators and "scn" in operators  # the cyan stays CMYK
    assert not {"k", "K"} & operators
    values = {operands for page in quick for operands, op in page if op == "g"}
    assert ("0",) in values and ("0.5",) in values


@pytest.mark.parametrize("content", [
    b"q\n/DeviceCMYK cs\n0 0 0 1 scn\nBT\n(a string) Tj\nET\nQ",  # a string in parentheses
    b"q\n/DeviceCMYK cs 0 0 0 1 scn\nQ",  # two operators on a line
    b"q\n0 0 0\n1 k\nQ",  # operands on the line before
    b"q\n0 0 0 1 k BT\nET\nQ",  # a watched operator inside a line
])
def test_a_stream_not_as_pydyf_writes_it_is_parsed(content):
    """Strings in parentheses, or operators not one a line with their operands: qpdf's parser,
    and the same black."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(content)
    assert device_gray._lines(page.obj) is None
    device_gray.convert(pdf)
    operators = [str(i.operator) for i in pikepdf.parse_content_stream(page)]
    assert "g" in operators and not {"k", "scn", "cs"} & set(operators)
