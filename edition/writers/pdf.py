"""The PDF: WeasyPrint lays out the print HTML written by print_html.

In: the path of the print HTML (assets beside it).  Out: a laid-out document, the printed page
number of every anchor in it (for the indices and the EPUB's page list), and `<slug>.pdf`.
Timestamps come from SOURCE_DATE_EPOCH (set from the edition's date when the caller has not set
it), so the same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from ..settings import Settings
from . import replace_atomically

# WeasyPrint's notice that it subsets fonts with fontTools (Debian's libharfbuzz-subset is optional).
HARMLESS = ("Using fontTools instead of HarfBuzz-Subset",)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith(HARMLESS):
            self.messages.append(message)


def source_date_epoch(settings: Settings) -> int:
    """SOURCE_DATE_EPOCH if set, else noon UTC on the edition's date."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    moment = dt.datetime.combine(settings.date, dt.time(12), tzinfo=dt.timezone.utc)
    return int(moment.timestamp())


def layout(html_path: Path, settings: Settings):
    """Lay out the print HTML; return WeasyPrint's document and its warnings."""
    import weasyprint  # imported here: `build.py check` never pays for it

    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(settings))  # fontTools reads it
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        document = weasyprint.HTML(filename=str(html_path)).render()
    finally:
        logger.removeHandler(collect)
    return document, collect.messages


def anchor_pages(document, first_text_anchor: str) -> dict[str, int]:
    """Anchor id -> printed page number (arabic from the page holding `first_text_anchor`)."""
    first = next((i for i, page in enumerate(document.pages) if first_text_anchor in page.anchors), 0)
    pages = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, index - first + 1)
    return pages


def save(document, pdf_path: Path) -> None:
    replace_atomically(pdf_path, lambda tmp: document.write_pdf(str(tmp)))
