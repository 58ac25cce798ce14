"""The parts of docs/ that are made from the code, so that they cannot drift from it.

In: the tables of the code (the diagnostic codes, the settings, the elements' traits).  Out: with `--write`, the docs
rewritten between their `<!-- generated: NAME -->` and `<!-- end: NAME -->` markers; without,
the names of the sections that differ (exit 1 if any).  tests/test_docs_generated.py runs the
same comparison.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edition import codes  # noqa: E402
from edition.model.elements import TRAITS  # noqa: E402
from edition.read import settings  # noqa: E402
from edition.render.html import HANDLERS  # noqa: E402


def elements() -> str:
    """The table of every element the pipeline knows (model/elements.py): its kind, whether its
    words are the reading text, and how it shows (by a handler, or generically by its trait)."""
    rows = ["| element | kind | reading text | shown |", "|---|---|---|---|"]
    for name in sorted(TRAITS, key=str.lower):
        found = TRAITS[name]
        css = found.css_for(name)
        if found.kind == "ignored" and name not in HANDLERS:
            shown = "not shown"
        elif name in HANDLERS:
            shown = "by its own rule (`render/handlers.py`)"
        elif found.kind in ("structure", "header"):
            shown = "read, not shown as such"
        else:
            shown = f"generically, as `<{found.html}" + (f' class="{css}"' if css else "") + ">`"
        reading = "the editors'" if found.editorial else "yes" if found.reading else "no"
        rows.append(f"| `{name}` | {found.kind}{', numbered' if found.numbered else ''} | {reading} | {shown} |")
    return "\n".join(rows)


SECTIONS = {  # name -> (file, how it is made)
    "codes": ("docs/diagnostics.md", codes.markdown),
    "settings": ("docs/encoding.md", settings.reference),
    "elements": ("docs/encoding.md", elements),
}


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- generated: {name} [^>]*-->\n)(.*?)(<!-- end: {name} -->)", re.S)


def current(name: str) -> str | None:
    """The text between a section's markers as the docs have it (None: no markers)."""
    file, _ = SECTIONS[name]
    match = _pattern(name).search((ROOT / file).read_text(encoding="utf-8"))
    return match.group(2) if match else None


def made(name: str) -> str:
    """The text the code makes for a section."""
    return SECTIONS[name][1]().rstrip("\n") + "\n"


def write(name: str) -> None:
    file, _ = SECTIONS[name]
    path = ROOT / file
    text = path.read_text(encoding="utf-8")
    path.write_text(_pattern(name).sub(lambda m: m.group(1) + made(name) + m.group(3), text), encoding="utf-8")


if __name__ == "__main__":
    stale = [name for name in SECTIONS if current(name) != made(name)]
    if "--write" in sys.argv:
        for name in stale:
            write(name)
        print("rewrote: " + (", ".join(stale) or "nothing"))
    else:
        print("stale: " + ", ".join(stale) if stale else "docs up to date")
        sys.exit(1 if stale else 0)
