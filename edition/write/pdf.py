"""The PDF: WeasyPrint lays out the print HTML written by print_html.

In: the path of the print HTML (assets beside it).  Out: a laid-out document, the printed page
number of every anchor in it (for the indices and the EPUB's page list), and `<slug>.pdf`.
Timestamps come from SOURCE_DATE_EPOCH (the edition's date when the caller has not set it), set
only while WeasyPrint and fontTools work and restored after, so the same sources give the same
bytes whatever was built before in the process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from pathlib import Path

from ..read.settings import Settings
from . import device_gray, parts, press, replace_atomically, workers


def source_date_epoch(settings: Settings) -> int:
    """SOURCE_DATE_EPOCH if set, else noon UTC on the edition's date."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    moment = dt.datetime.combine(settings.date, dt.time(12), tzinfo=dt.timezone.utc)
    return int(moment.timestamp())


@contextlib.contextmanager
def source_date(settings: Settings):
    """SOURCE_DATE_EPOCH set to the edition's time for what runs inside (fontTools reads it), and
    as it was before afterwards."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(settings))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def layout(html_path: Path, settings: Settings, laid_out: parts.Parts | None = None):
    """Lay out the print HTML, part by part (reusing the parts of `laid_out` that have not
    changed); return WeasyPrint's document and its warnings."""
    with source_date(settings):
        return (laid_out or parts.Parts()).lay_out(html_path, settings)


def anchor_pages(document, first_text_anchor: str) -> dict[str, int]:
    """Anchor id -> printed page number (arabic from the page holding `first_text_anchor`)."""
    first = next((i for i, page in enumerate(document.pages) if first_text_anchor in page.anchors), 0)
    pages = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, index - first + 1)
    return pages


def first_page_of(document, anchor: str) -> int:
    return next((i for i, page in enumerate(document.pages) if anchor in page.anchors), 0)


def save(document, screen_path: Path, press_path: Path, settings: Settings, first_text: int) -> None:
    """Write both PDFs from one layout, written once.

    WeasyPrint writes the press PDF: the PDF/X variant of edition.yaml, tagged, with bleed, TrimBox
    and BleedBox; press.py adds the slug with the crop marks, names the output intent and removes
    the links.  The screen PDF is the same file cropped to the trim size, its black in DeviceGray,
    declared PDF/UA-1 instead of PDF/X.  Both get page labels: roman for the front matter, arabic
    from the first page of the text."""
    raw = press_path.with_name(press_path.name + ".raw")
    with source_date(settings):
        document.write_pdf(str(raw), pdf_variant=settings.printing.press_variant, pdf_tags=True)
    try:  # the two at once, in workers
        workers.run(_derived, [(press_path, False), (screen_path, True)], (raw, first_text, settings))
    finally:
        raw.unlink()


def _derived(shared: tuple, path: Path, screen: bool) -> None:
    raw, first_text, settings = shared
    replace_atomically(path, lambda tmp: _derive(raw, tmp, first_text, screen, settings))


def document_id(settings: Settings, key: str = "xmpMM:DocumentID", screen: bool = False) -> str:
    """The XMP id of a PDF, derived from the edition (WeasyPrint's are random); the press PDF's
    document id identifies the print edition, the EPUB's source of pagination."""
    identity = f"critical-edition:{settings.slug}:{settings.date.isoformat()}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, identity + key + str(screen)))


def _derive(raw: Path, path: Path, first_text: int, screen: bool, settings: Settings) -> None:
    import pikepdf

    with pikepdf.open(raw) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            # WeasyPrint gives the XMP a random document id: derive it from the edition instead.
            for key in ("xmpMM:DocumentID", "xmpMM:InstanceID"):
                if key in meta:
                    meta[key] = f"uuid:{document_id(settings, key, screen)}"
        labels = [0, pikepdf.Dictionary(S=pikepdf.Name.r)] if first_text else []
        labels += [first_text, pikepdf.Dictionary(S=pikepdf.Name.D)]
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(labels))
        if screen:
            for page in pdf.pages:
                trim = page.obj.get("/TrimBox")
                if trim is not None:
                    page.obj.MediaBox = trim
                    page.obj.BleedBox = trim
            if "/OutputIntents" in pdf.Root:
                del pdf.Root["/OutputIntents"]
            for key in ("/GTS_PDFXVersion", "/GTS_PDFXConformance", "/Trapped"):
                if key in pdf.docinfo:
                    del pdf.docinfo[key]
            pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
            pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                for key in ("pdfxid:GTS_PDFXVersion", "pdfx:GTS_PDFXVersion", "pdfx:GTS_PDFXConformance"):
                    if key in meta:
                        del meta[key]
                meta["pdfuaid:part"] = "1"
            device_gray.convert(pdf)
        else:
            press.prepare(pdf, settings)
        if "/ID" in pdf.trailer:
            del pdf.trailer["/ID"]  # WeasyPrint's is not reproducible; qpdf derives one from the content
        pdf.save(path, deterministic_id=True)
