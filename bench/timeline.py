"""Where a build's time goes: every job of the make-up on a timeline, with the build's stages.

A build's stages (`build.py --timings`) say how long each pass took; this says what ran in it.
It runs `build.py build` in this process with every part job (part_job.run: a part laid out,
written, or both) and every batch of trial paragraphs (corrections.py) recorded by the worker
that ran it: when it began and ended, and for a part how it was laid out (whole, again from the
layout the worker kept, or not at all: only written), its pages, and how many of them the kept
layout gave back.  Usage:

    .venv/bin/python bench/timeline.py [--sources DIR] [--out DIR] [--json FILE] [--jobs N]

prints the timeline (seconds from the first job), then the pages laid out and given back, the
workers' seconds by kind of job, and the stages; `--json` writes it all.  The output directory
(default: a new temporary one, so the build is cold) keeps the outputs and caches.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_log: Path | None = None  # the file the workers append their records to (set before they fork)
_run = _trial_lines = None  # what the records wrap (module-level: the workers find them by name)


def _record(**fields) -> None:
    with _log.open("a", encoding="utf-8") as file:
        file.write(json.dumps({"pid": os.getpid(), **fields}) + "\n")


def _part_job(job):
    began = time.time()
    laid = _run(job)
    _record(kind="part", part=job.part or "(blank)", write=job.write, made=laid.made or "kept",
            pages=len(laid.heights), given=laid.given, began=began, ended=time.time())
    return laid


def _trials(shared, source):
    began = time.time()
    found = _trial_lines(shared, source)
    _record(kind="trials", trials=len(found), began=began, ended=time.time())
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=ROOT / "sources")
    parser.add_argument("--out", type=Path, help="the output directory (default: a new temporary one)")
    parser.add_argument("--json", type=Path, help="write the timeline, totals and stages here")
    parser.add_argument("--jobs", type=int, help="the build's --jobs")
    args = parser.parse_args(argv)

    global _log, _run, _trial_lines
    from edition import cli
    from edition.write import corrections, part_job

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "out"
        _log, timings = Path(tmp) / "jobs.jsonl", Path(tmp) / "timings.json"
        _run, _trial_lines = part_job.run, corrections._trial_lines
        part_job.run, corrections._trial_lines = _part_job, _trials  # before the workers fork: they run these
        command = ["build", "--sources", str(args.sources), "--out", str(out), "--timings", str(timings), "--quiet"]
        try:
            status = cli.main(command + (["--jobs", str(args.jobs)] if args.jobs else []))
        finally:
            part_job.run, corrections._trial_lines = _run, _trial_lines
        if status:
            return status
        lines = _log.read_text(encoding="utf-8").splitlines() if _log.exists() else []  # none: nothing laid out
        records = [json.loads(line) for line in lines]
        stages = json.loads(timings.read_text(encoding="utf-8"))
    start = min((r["began"] for r in records), default=0.0)
    print("  began  ended  worker  job")
    for r in sorted(records, key=lambda r: r["began"]):
        if r["kind"] == "part":
            what = (f"{r['part']:<16} {'write' if r['write'] else 'lay out':<7} {r['made']:<5} {r['pages']:3} pages"
                    + (f", {r['given']} given back" if r["given"] else ""))
        else:
            what = f"{r['trials']} trial paragraphs"
        print(f"{r['began'] - start:7.1f}{r['ended'] - start:7.1f}  {r['pid']:6}  {what}")
    parts = [r for r in records if r["kind"] == "part"]
    laid = sum(r["pages"] - r["given"] for r in parts if r["made"] != "kept")
    given = sum(r["given"] for r in parts)
    seconds = Counter()
    for r in records:
        kind = "trials" if r["kind"] == "trials" else f"{r['made']}{' + write' if r['write'] else ''}"
        seconds[kind] += r["ended"] - r["began"]
    totals = {"pages laid out": laid, "pages given back": given,
              "trial paragraphs": sum(r["trials"] for r in records if r["kind"] == "trials"),
              "workers' seconds": {kind: round(value, 1) for kind, value in seconds.most_common()}}
    print(f"\npages laid out {laid}, given back by kept layouts {given}; "
          f"trial paragraphs {totals['trial paragraphs']}")
    print("workers' seconds: " + ", ".join(f"{kind} {value}" for kind, value in totals["workers' seconds"].items()))
    print("\nstages (seconds):")
    for name, value in stages.items():
        print(f"  {name:<40} {value:7.2f}")
    if args.json:
        args.json.write_text(json.dumps({"jobs": records, "totals": totals, "stages": stages}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
