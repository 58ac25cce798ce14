"""write/pdf_writing.py: pydyf's writing made quicker while the parts are written, the bytes the same."""

from __future__ import annotations

import io
import zlib

import pikepdf
import pydyf
import weasyprint
from pikepdf import Name

from edition.write import part_job, pdf_writing
from edition.write.output_intent import DEFAULT_PROFILE

STYLE = ("<style>@page { size: A6 }"
         f" @color-profile --output-intent {{ src: url({DEFAULT_PROFILE.as_uri()}); components: c, m, y, k; }}"
         " p { color: color(--output-intent 0 0 0 1) }</style>")


def pdf_of(html: str) -> bytes:
    """The tagged PDF/X WeasyPrint writes of `html`."""
    with part_job.epoch(1700000000):
        return weasyprint.HTML(string=html).render().write_pdf(pdf_variant="pdf/x-4", pdf_tags=True)


def written(html: str) -> list[bytes]:
    """The streams of the tagged PDF/X WeasyPrint writes of `html`, as deflated (but the XMP
    metadata and the object streams, where WeasyPrint writes what differs from one writing to the
    next, its time and a random id, and the cross-reference stream, whose offsets follow the
    length of the XMP as deflated)."""
    with pikepdf.open(io.BytesIO(pdf_of(html))) as pdf:
        return [obj.read_raw_bytes() for obj in pdf.objects
                if isinstance(obj, pikepdf.Stream) and obj.get("/Type") not in (Name.Metadata, Name.ObjStm, Name.XRef)]


def test_a_large_stream_is_deflated_once_per_process_and_the_pdf_is_the_same(monkeypatch):
    """Every part embeds the output intent's ICC profile twice: it is deflated once per process
    (it took 0.85 s of every part's writing), and every stream has the bytes pydyf writes alone."""
    html = f"<html lang='en'><head>{STYLE}</head><body><p>One page.</p></body></html>"
    plain = written(html)
    monkeypatch.setattr(pdf_writing, "_kept", {})
    deflated, compress = [], zlib.compress
    monkeypatch.setattr(zlib, "compress", lambda data, level=-1: deflated.append(len(data)) or compress(data, level))
    with pdf_writing.quicker():
        once, again = written(html), written(html)
    assert once == plain and again == plain
    large = [size for size in deflated if size >= pdf_writing.LARGE]
    assert len(large) == 1, deflated  # the profile: twice in each of two PDFs, deflated once


def test_the_object_and_cross_reference_streams_are_deflated_quickly_and_every_other_stream_as_before():
    """merge.py reads every object out of a part's object stream and writes the book's object and
    cross-reference streams anew: a part's are deflated at level QUICK, not pydyf's 9; its other
    streams have the bytes pydyf writes alone, and pydyf is as it was afterwards."""
    html = f"<html lang='en'><head>{STYLE}</head><body>" + "<p>A paragraph.</p>" * 40 + "</body></html>"
    plain, adding = written(html), pydyf.PDF.add_object
    with pdf_writing.quicker():
        data, streams = pdf_of(html), written(html)
    assert streams == plain and pydyf.PDF.add_object is adding
    with pikepdf.open(io.BytesIO(data)) as pdf:
        own = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Type") in (Name.ObjStm, Name.XRef)]
        assert sorted(str(obj.Type) for obj in own) == ["/ObjStm", "/XRef"]
        for obj in own:
            assert obj.Filter == Name.FlateDecode
            assert obj.read_raw_bytes() == zlib.compress(obj.read_bytes(), pdf_writing.QUICK) != zlib.compress(obj.read_bytes(), 9)


def test_page_references_are_made_once_for_each_count_of_pages_and_are_what_pydyf_gives():
    """WeasyPrint's tagging reads `page_references` for every structure element: while a tagged
    document of 30 pages and 300 paragraphs is written, each reading gives what pydyf's own
    property gives, and the references are made once for each count of pages that is read, not
    once per reading; a page added after a reading is in the next one."""
    html = (f"<html lang='en'><head>{STYLE}</head><body>"
            + "".join(f"<p style='break-before: {'page' if k % 10 == 0 else 'auto'}'>Paragraph <a href='#p{k}'"
                      f" id='p{k}'>{k}</a>.</p>" for k in range(300)) + "</body></html>")
    document = weasyprint.HTML(string=html).render()
    pydyfs, readings = pydyf.PDF.page_references, []
    with pdf_writing.quicker():
        quicker = pydyf.PDF.page_references

        def reading(pdf):
            readings.append((quicker.fget(pdf), pydyfs.fget(pdf)))
            return readings[-1][0]

        pydyf.PDF.page_references = property(reading)  # as it was after quicker()
        with part_job.epoch(1700000000):
            document.write_pdf(pdf_variant="pdf/x-4", pdf_tags=True)
    assert pydyf.PDF.page_references is pydyfs
    assert len(document.pages) == 30 and len(readings) > 300
    assert all(ours == theirs for ours, theirs in readings)
    assert len({id(ours) for ours, _ in readings}) == len({len(theirs) for _, theirs in readings})
    pdf = pydyf.PDF()
    with pdf_writing.quicker():
        for count in range(1, 4):
            pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
            assert pdf.page_references == pydyfs.fget(pdf) and len(pdf.page_references) == count
