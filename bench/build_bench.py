"""Speed and memory of a build, as ratios against a baseline measured in the same process.

The machines are shared and noisy, so absolute seconds mean little: every figure is divided by
the time of a fixed baseline (WeasyPrint laying out a small fixed document, run before and after
the build, best of three) measured in this same process.  Usage:

    .venv/bin/python bench/build_bench.py [--sources sources] [--out /tmp/bench-build]

prints each stage's time as a multiple of the baseline; the time of a rebuild with nothing
changed, and of a rebuild after one editorial note of one source changed (full, and --draft),
each as a multiple of the baseline and as a share of the cold build; and the peak memory (max
RSS) of the process in MiB and as a multiple of the RSS after the baseline.  The build runs on
a copy of the sources.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edition import pipeline  # noqa: E402
from edition.diagnostics import Report  # noqa: E402

BASELINE_HTML = "<html><body>" + "".join(
    f"<h2>Section {k}</h2>" + "<p>" + "The quick brown fox jumps over the lazy dog. " * 40 + "</p>" for k in range(40)
) + "</body></html>"


def baseline() -> float:
    import weasyprint

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        weasyprint.HTML(string=BASELINE_HTML).render()
        best = min(best, time.perf_counter() - start)
    return best


def timed(sources: Path, out: Path, draft: bool = False) -> float:
    """Seconds of a build of `sources` into `out`."""
    start = time.perf_counter()
    pipeline.build(sources, out, ["pdf", "epub", "html"], Report(), pipeline.Progress(quiet=True), draft=draft)
    return time.perf_counter() - start


def edit_one_source(sources: Path) -> str:
    """An editor's everyday change: a word added to the first editorial note of the last source
    (its copy-text is not concerned); returns the source's file name."""
    path = sorted((sources / "texts").glob("*.xml"))[-1]
    text = path.read_text(encoding="utf-8")
    at = text.index('<note type="editorial"')
    at = text.index(">", at) + 1
    path.write_text(text[:at] + "Revised: " + text[at:], encoding="utf-8")
    return path.name


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=Path("sources"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-build-"))
    sources = Path(tempfile.mkdtemp(prefix="bench-sources-")) / "sources"  # a copy: one source gets edited
    shutil.copytree(args.sources, sources)
    before = baseline()
    rss_base = rss_mib()
    progress = pipeline.Progress(quiet=True)
    start = time.perf_counter()
    pipeline.build(sources, out, ["pdf", "epub", "html"], Report(), progress)
    total = time.perf_counter() - start
    no_op = timed(sources, out)  # the same build again: nothing changed, nothing to write
    edited = edit_one_source(sources)
    one_source_draft = timed(sources, out, draft=True)
    one_source = timed(sources, out)
    after = baseline()
    unit = (before + after) / 2
    print(f"baseline (fixed WeasyPrint layout, best of 3): {unit:.3f} s (before {before:.3f}, after {after:.3f})")
    for stage, seconds in progress.times.items():
        print(f"  {stage:<36} {seconds / unit:8.1f} x baseline")
    print(f"  {'whole build':<36} {total / unit:8.1f} x baseline")
    print(f"  {'rebuild, nothing changed':<36} {no_op / unit:8.1f} x baseline = {no_op / total:.1%} of the build")
    print(f"  {'rebuild, one note of ' + edited + ' changed':<36} {one_source / unit:8.1f} x baseline = "
          f"{one_source / total:.1%} of the build")
    print(f"  {'  the same, --draft':<36} {one_source_draft / unit:8.1f} x baseline = "
          f"{one_source_draft / total:.1%} of the build")
    print(f"peak memory: {rss_mib():.0f} MiB = {rss_mib() / rss_base:.2f} x the process after the baseline")
    if args.out is None:
        shutil.rmtree(out)
    shutil.rmtree(sources.parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
