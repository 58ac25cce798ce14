"""The PDF: WeasyPrint lays out the print HTML written by print_html.

In: the path of the print HTML (assets beside it).  Out: `<slug>.pdf`.  WeasyPrint's own warnings
are returned so that the command line can show them.  Timestamps come from SOURCE_DATE_EPOCH (set
from the edition's date when the caller has not set it), so the same sources give the same bytes.
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


def write(html_path: Path, pdf_path: Path, settings: Settings) -> list[str]:
    """Render html_path to pdf_path; return WeasyPrint's warnings."""
    import weasyprint  # imported here: `build.py check` never pays for it

    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(settings))  # fontTools reads it
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        document = weasyprint.HTML(filename=str(html_path))
        replace_atomically(pdf_path, lambda tmp: document.write_pdf(str(tmp)))
    finally:
        logger.removeHandler(collect)
    return collect.messages
