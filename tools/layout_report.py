"""The layout report of any print HTML: lay it out, measure it, count what check/layout.py finds.

For comparing builds, an older one's included (its `build/<slug>.html` and `build/assets/`):

    .venv/bin/python tools/layout_report.py build/stalins-rise.html           # as the build lays it out
    .venv/bin/python tools/layout_report.py OLD/stalins-rise.html --plain     # plain WeasyPrint

prints the one-line summary, then with `--list` every finding (page and message; the build's own
`--layout-report` also locates them in the TEI).  The limits are the defaults of edition.yaml's
`print:` (docs/diagnostics.md).  Pages are numbered as printed: arabic from the first source's
title page (the first `section.part`), roman before it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lxml import html as lxml_html  # noqa: E402

from edition.check import layout  # noqa: E402
from edition.write import layout_fixes, pagination  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("html", type=Path)
    parser.add_argument("--plain", action="store_true", help="WeasyPrint without the project's adjustments")
    parser.add_argument("--list", action="store_true", help="every finding, not only the counts")
    args = parser.parse_args(argv)

    import weasyprint

    first = next((e.get("id") for e in lxml_html.parse(str(args.html)).getroot().iter("section")
                  if "part" in (e.get("class") or "").split() and e.get("id")), "")
    limits = layout.Limits()
    with contextlib.nullcontext() if args.plain else layout_fixes.applied(limits.ladder):
        document = weasyprint.HTML(filename=str(args.html)).render()
    first_text = next((i for i, page in enumerate(document.pages) if first in page.anchors), 0)
    pages = layout.measure(document, pagination.page_labels(len(document.pages), first_text))
    findings = layout.check(pages, limits)
    print(f"{len(document.pages)} pages; " + layout.summary([finding.code for finding in findings]))
    if args.list:
        for finding in findings:
            print(f"{finding.message} [{finding.code}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
