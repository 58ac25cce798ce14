"""A book the size of the Deutsches Textarchiv's, built leniently: time and memory, as ratios.

DTA books are about 1 MB of TEI and 30,000 elements: every printed line closed by an `lb`, a `pb`
with its forme work (`fw`) every page, highlighting, footnotes, corrections.  This script makes
such a file from a real one (tests/tei-samples/, Alice's text repeated with fresh chapters) with
DTA's markup, puts it alone in a directory, and measures in child processes `build.py check` and
a cold `build.py build` (PDF and EPUB), also as `--draft`: seconds, peak memory (the largest
max RSS of the build's processes), and the times as multiples of a plain WeasyPrint pass over the print HTML the build wrote (the same session, the
same machine).  Usage:

    .venv/bin/python bench/large_tei.py [--size-mb 1.0] [--out /tmp/bench-large]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "tei-samples" / "eltec_eng_carroll_alice_1865.xml"
TEI_NS = "http://www.tei-c.org/ns/1.0"
WORDS_PER_LINE, LINES_PER_PAGE = 9, 32


def paragraphs() -> list[str]:
    tree = etree.parse(str(SAMPLE))
    found = tree.getroot().findall(f".//{{{TEI_NS}}}body//{{{TEI_NS}}}p")
    return [" ".join("".join(p.itertext()).split()) for p in found if "".join(p.itertext()).strip()]


def dta_paragraph(text: str, state: dict, k: int) -> str:
    """One paragraph with DTA's markup: an lb every line, a pb with its fw every page, a word in
    italics now and then, a footnote and a correction in some."""
    words = [w.replace("&", "&amp;").replace("<", "&lt;") for w in text.split()]
    out = []
    for n, word in enumerate(words):
        if n % 12 == 7:
            word = f'<hi rendition="#i">{word}</hi>'
        if n % 97 == 40:
            word = f'<choice><sic>{word[::-1]}</sic><corr>{word}</corr></choice>'
        out.append(word)
        if n % WORDS_PER_LINE == WORDS_PER_LINE - 1:
            state["lines"] += 1
            out.append("<lb/>")
            if state["lines"] % LINES_PER_PAGE == 0:
                state["page"] += 1
                page = state["page"]
                out.append(f'<fw type="catch" place="bottom">{word}</fw><pb facs="#f{page:04d}" n="{page}"/>'
                           f'<fw type="header" place="top">{page}</fw>')
    note = f'<note place="foot" n="*">A note to paragraph {k}, as DTA\'s editors give them.</note>' if k % 9 == 0 else ""
    return f"<p>{' '.join(out)}{note}</p>"


def make(size: int, path: Path) -> tuple[int, int]:
    """Write the file; return its size in bytes and its number of elements."""
    texts = paragraphs()
    state, chapters, k = {"lines": 0, "page": 0}, [], 0
    body_size = 0
    while body_size < size:
        chapter = [f'<head>Capitel {len(chapters) + 1}.</head>']
        for text in texts[:60]:
            k += 1
            chapter.append(dta_paragraph(text, state, k))
        texts = texts[60:] + texts[:60]
        chapters.append('<div n="1" type="chapter">' + "\n".join(chapter) + "</div>")
        body_size += sum(len(c.encode()) for c in chapter)
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-model href="http://www.deutschestextarchiv.de/basisformat.rng"?>\n'
           f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title type="main">A Large Book</title>'
           f'<author><persName>Carroll, Lewis</persName></author></titleStmt><publicationStmt><p>Generated.</p>'
           f'</publicationStmt><sourceDesc><p>Made by bench/large_tei.py.</p></sourceDesc></fileDesc>'
           f'<encodingDesc><tagsDecl><rendition xml:id="i" scheme="css">font-style: italic</rendition></tagsDecl>'
           f'</encodingDesc></teiHeader><text xml:lang="en"><body>\n' + "\n".join(chapters) + "\n</body></text></TEI>\n")
    path.write_text(xml, encoding="utf-8")
    return len(xml.encode()), len(etree.parse(str(path)).getroot().xpath("//*"))


def run(command: list[str]) -> tuple[float, float]:
    """Seconds and peak memory (MiB, this child's own max RSS) of a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode})")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-large"))
    args = parser.parse_args()
    source = args.out / "in"
    source.mkdir(parents=True, exist_ok=True)
    for old in source.glob("*.xml"):
        old.unlink()
    size, count = make(int(args.size_mb * 1_000_000), source / "large.xml")
    python = sys.executable
    check = run([python, "build.py", "check", "--sources", str(source), "--quiet"])
    draft = run([python, "build.py", "build", "--draft", "--sources", str(source), "--out", str(args.out / "draft"),
                 "--quiet"])
    built = run([python, "build.py", "build", "--sources", str(source), "--out", str(args.out / "out"), "--quiet"])
    html = next((args.out / "out").glob("*.html"))
    plain = run([python, "-m", "weasyprint", str(html), str(args.out / "plain.pdf")])
    pages = len(PdfReader(args.out / "out" / f"{html.stem}.pdf").pages)
    print(f"file: {size / 1e6:.2f} MB, {count} elements; the book: {pages} pages")
    print(f"{'':34}{'seconds':>9}{'x plain':>9}{'peak MiB':>10}")
    for name, (seconds, mib) in [("build.py check", check), ("build.py build --draft (cold)", draft),
                                 ("build.py build (cold)", built), ("plain WeasyPrint pass", plain)]:
        print(f"{name:34}{seconds:9.1f}{seconds / plain[0]:9.2f}{mib:10.0f}")


if __name__ == "__main__":
    main()
