"""The PDFs: the press PDF and the screen PDF, from the parts of the book laid out and written.

In: the `parts.Book` (every part's PDF written), the settings.  Out: `<slug>-press.pdf` and
`<slug>.pdf`.  Timestamps come from SOURCE_DATE_EPOCH (the edition's date when the caller has not
set it), set only while WeasyPrint and fontTools work and restored after, so the same sources
give the same bytes whatever was built before in the process.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import tempfile
import uuid
from pathlib import Path

from ..read.settings import Settings
from . import device_gray, merge, parts, press, replace_atomically, workers


NICE = 10  # how much lower the PDF workers' priority is than the make-up's


def workers_for_pdfs():
    """The spawned workers `written` writes the PDFs in (`workers.isolated`: pikepdf holds every
    object of the book, and its memory stays apart from the make-up's), this module imported in
    each: opened before the make-up, they start while it writes the HTML and its workers get
    ready, at a lower priority (they wait till the end, when nothing else needs the cores), and
    are ready when the parts are."""
    return workers.isolated(__name__, nice=NICE)


@contextlib.contextmanager
def written(book: parts.Book, screen_path: Path, press_path: Path, settings: Settings,
            pool: concurrent.futures.Executor):
    """Write both PDFs from the parts' PDFs, put together once (merge.py), on `pool` (from
    `workers_for_pdfs`).  Inside, the parts are being put together while the caller goes on (with
    the EPUB); the function it is given waits for the press PDF, so that what needs it (its
    preflight) can go to `pool` while the screen PDF is being written.  Both are written on exit.

    WeasyPrint writes each part as the press needs it: the PDF/X variant of edition.yaml, tagged,
    with bleed, TrimBox and BleedBox; press.py adds the slug with the crop marks, names the output
    intent and removes the links.  The screen PDF is the same file cropped to the trim size, its
    black in DeviceGray, declared PDF/UA-1 instead of PDF/X.  Both get page labels: roman for the
    front matter, arabic from the first page of the text."""
    raw = press_path.with_name(press_path.name + ".raw")
    with tempfile.TemporaryDirectory(prefix=".parts-", dir=press_path.parent) as tmp:
        paths, pdfs = [], book.pdfs()
        for k, (data, _) in enumerate(pdfs):
            paths.append(Path(tmp, f"{k:04d}.pdf"))
            paths[-1].write_bytes(data)
        walked = [merge.holds_ids(placed.part and placed.part.html) for placed in book.placed]
        merged = pool.submit(_merged, paths, raw, book.bookmarks(), [phantoms for _, phantoms in pdfs], walked)
        derived: list[concurrent.futures.Future] = []

        def press() -> None:
            if not derived:
                merged.result()
                derived.extend(pool.submit(_derived, raw, path, book.first_text, screen, settings)
                               for path, screen in ((press_path, False), (screen_path, True)))
            derived[0].result()

        try:
            yield press
            press()
            derived[1].result()
        finally:
            concurrent.futures.wait([merged, *derived])  # none reads the parts or the raw PDF any more
            raw.unlink(missing_ok=True)


def _merged(paths: list[Path], raw: Path, bookmarks: list[tuple[list, float]], phantoms: list,
            walked: list[bool]) -> None:
    merge.merge(paths, raw, parts.outline(bookmarks), phantoms, walked)


def _derived(raw: Path, path: Path, first_text: int, screen: bool, settings: Settings) -> None:
    replace_atomically(path, lambda tmp: _derive(raw, tmp, first_text, screen, settings))


def document_id(settings: Settings, key: str = "xmpMM:DocumentID", screen: bool = False) -> str:
    """The XMP id of a PDF, derived from the edition (WeasyPrint's are random); the press PDF's
    document id identifies the print edition, the EPUB's source of pagination."""
    identity = f"critical-edition:{settings.slug}:{settings.date.isoformat()}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, identity + key + str(screen)))


def _derive(raw: Path, path: Path, first_text: int, screen: bool, settings: Settings) -> None:
    import pikepdf

    with pikepdf.open(raw) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:  # written once: 0.06 s
            # WeasyPrint gives the XMP a random document id: derive it from the edition instead.
            for key in ("xmpMM:DocumentID", "xmpMM:InstanceID"):
                if key in meta:
                    meta[key] = f"uuid:{document_id(settings, key, screen)}"
            if screen:
                for key in ("pdfxid:GTS_PDFXVersion", "pdfx:GTS_PDFXVersion", "pdfx:GTS_PDFXConformance"):
                    if key in meta:
                        del meta[key]
                meta["pdfuaid:part"] = "1"
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
            device_gray.convert(pdf)
        else:
            press.prepare(pdf, settings)
        if "/ID" in pdf.trailer:
            del pdf.trailer["/ID"]  # WeasyPrint's is not reproducible; qpdf derives one from the content
        pdf.save(path, deterministic_id=True)
