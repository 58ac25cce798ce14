"""The book face, brought in by the project's own dependencies, never the machine's fonts.

In: nothing.  Out: the font files to copy beside an output, with the names the CSS uses.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg

FAMILY = "EB Garamond"


def book_fonts() -> dict[str, Path]:
    """{file name used in the CSS: installed font file} for the upright and italic faces."""
    return {
        "EBGaramond.ttf": fontpkg.path(FAMILY, 400, "normal"),
        "EBGaramond-Italic.ttf": fontpkg.path(FAMILY, 400, "italic"),
    }
