"""The parts of docs/ that are made from the code, so that they cannot drift from it.

In: the tables of the code (the diagnostic codes, the settings).  Out: with `--write`, the docs
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
from edition.read import settings  # noqa: E402

SECTIONS = {  # name -> (file, how it is made)
    "codes": ("docs/diagnostics.md", codes.markdown),
    "settings": ("docs/encoding.md", settings.reference),
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
