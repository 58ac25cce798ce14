"""Speed and memory of a build, as ratios against a baseline measured in the same process.

The machines are shared and noisy, so absolute seconds mean little: every figure is divided by
the time of a fixed baseline (WeasyPrint laying out a small fixed document, run before and after
the build, best of three) measured in this same process.  Usage:

    .venv/bin/python bench/build_bench.py [--sources sources] [--out /tmp/bench-build]

prints each stage's time as a multiple of the baseline, the time of a rebuild with nothing
changed (as a multiple of the baseline and as a share of the build), and the peak memory (max
RSS) of the process in MiB and as a multiple of the RSS after the baseline.
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


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=Path("sources"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-build-"))
    before = baseline()
    rss_base = rss_mib()
    progress = pipeline.Progress(quiet=True)
    start = time.perf_counter()
    pipeline.build(args.sources, out, ["pdf", "epub", "html"], Report(), progress)
    total = time.perf_counter() - start
    start = time.perf_counter()  # the same build again: nothing changed, nothing to write
    pipeline.build(args.sources, out, ["pdf", "epub", "html"], Report(), pipeline.Progress(quiet=True))
    no_op = time.perf_counter() - start
    after = baseline()
    unit = (before + after) / 2
    print(f"baseline (fixed WeasyPrint layout, best of 3): {unit:.3f} s (before {before:.3f}, after {after:.3f})")
    for stage, seconds in progress.times.items():
        print(f"  {stage:<36} {seconds / unit:8.1f} x baseline")
    print(f"  {'whole build':<36} {total / unit:8.1f} x baseline")
    print(f"  {'rebuild, nothing changed':<36} {no_op / unit:8.1f} x baseline = {no_op / total:.1%} of the build")
    print(f"peak memory: {rss_mib():.0f} MiB = {rss_mib() / rss_base:.2f} x the process after the baseline")
    if args.out is None:
        shutil.rmtree(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
