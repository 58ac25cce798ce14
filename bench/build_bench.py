"""Build speed and memory at 1x, 4x and 10x the edition, as ratios to a plain WeasyPrint pass.

The machines are shared and noisy, so seconds mean little alone: every time is divided by the
time of a plain WeasyPrint pass (`weasyprint <slug>.html out.pdf`: parse, lay out, write) over the
very print HTML the build wrote, run in the same session.  For each scale it measures, each build
in a process of its own, with its memory sampled as it runs: the peak resident set of the
largest of its processes (`peak`), and the most all of them held at once (`total`: the sum of
their proportional set sizes, the pages they share counted once):

- a cold build of every format (press PDF, screen PDF, EPUB, HTML) into an empty directory, and the
  time of each of its stages;
- the plain WeasyPrint pass over the HTML that build wrote (the baseline);
- a rebuild with nothing changed;
- a rebuild after a one-word change in one source (a word added to an editorial note of the last
  source: its copy-text is not concerned).

Scale k is a generated edition holding the edition k times, each copy of a source with fresh
sigla and ids (`T1`, `T1x2`, ... `T1x10`) and its own copies of the events and links (`scaled`), the
persons, places and introduction shared.  Usage:

    .venv/bin/python bench/build_bench.py [--scales 1,4,10] [--repeat N] [--json bench.json] [--keep DIR]

prints a table of times, ratios to the baseline and the growth from the first scale, and writes
it as JSON with `--json`.  A full run at 1, 4 and 10 took 20 minutes on two cores (5 December);
`--scales 1` about two.  A machine's speed drifts by a tenth within minutes: with `--repeat N`
the cold build and the plain pass run N times each, one after the other, and the run of the
median time of each is the one used.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scaled(sources: Path, k: int, into: Path) -> Path:
    """A copy of the edition at `sources` holding it `k` times over: each copy of a source with
    fresh sigla and ids, pointing to the other sources of its own copy, with its own copies of the
    events it tells and of the links between its paragraphs.  Each copy is then an edition like the
    first, and a page's notes stay what they are at 1x (with the events shared, a paragraph would
    cite the passage of every copy: its parallels, and the work of each page, would grow with k)."""
    shutil.copytree(sources, into)
    if k == 1:
        return into
    settings_path = into / "edition.yaml"
    settings = yaml.safe_load(settings_path.read_text(encoding="utf-8"))
    originals = list(settings["sources"])
    sigla = [entry["siglum"] for entry in originals]
    for copy in range(2, k + 1):
        for entry in originals:
            siglum = f"{entry['siglum']}x{copy}"
            text = (sources / entry["file"]).read_text(encoding="utf-8")
            file = Path(entry["file"]).with_name(f"{siglum}.xml")
            (into / file).write_text(_renamed(text, entry["siglum"], sigla, copy), encoding="utf-8")
            settings["sources"].append({**entry, "siglum": siglum, "file": str(file)})
    for register in settings.get("registers", []):
        path = into / register
        path.write_text(_registers_copied(path.read_text(encoding="utf-8"), sigla, k), encoding="utf-8")
    settings_path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return into


def _renamed(text: str, siglum: str, sigla: list[str], copy: int) -> str:
    """Copy `copy` of a source's TEI: its siglum renamed (its paragraphs' ids begin with it), every
    other id it defines given a suffix, its own pointers following; its pointers to the other
    sources' paragraphs and to the events, to those of its copy."""
    suffix = f"-x{copy}"
    calendars = set(re.findall(r'<calendar\b[^>]*xml:id="([^"]+)"', text))  # '#julian' is the edition's convention
    ids = {key for key in re.findall(r'xml:id="([^"]+)"', text)
           if key != siglum and not key.startswith(f"{siglum}.") and key not in calendars}
    for key in sorted(ids, key=len, reverse=True):
        text = re.sub(rf'(xml:id="|#){re.escape(key)}(?=["\s])', rf"\g<1>{key}{suffix}", text)
    text = re.sub(r'#(ev-[^"\s]+)', rf"#\g<1>{suffix}", text)
    text = re.sub(rf'xml:id="{re.escape(siglum)}(?=["\s.])', f'xml:id="{siglum}x{copy}', text)
    return re.sub(rf'#({"|".join(map(re.escape, sigla))})(?=["\s.])', rf"#\g<1>x{copy}", text)


def _registers_copied(text: str, sigla: list[str], k: int) -> str:
    """A register with `k` copies of its events (ids with the copy's suffix) and of its links (ends
    in the copy's sources); persons and places are shared."""
    for list_tag, pattern, repl in (
            ("listEvent", r'xml:id="(ev-[^"]+)"', r'xml:id="\g<1>-x{copy}"'),
            ("linkGrp", rf'#({"|".join(map(re.escape, sigla))})(?=["\s.])', r"#\g<1>x{copy}")):
        for found in re.finditer(rf"(<{list_tag}\b[^>]*>)(.*?)(</{list_tag}>)", text, re.S):
            body = found[2].rstrip()
            copies = "".join(re.sub(pattern, repl.format(copy=copy), body) for copy in range(2, k + 1))
            text = text.replace(found[0], found[1] + body + copies + found[2][len(body):] + found[3], 1)
    return text


def edit_one_source(sources: Path) -> str:
    """An editor's everyday change: one word added to the first editorial note of the last source;
    returns the file's name."""
    settings = yaml.safe_load((sources / "edition.yaml").read_text(encoding="utf-8"))
    path = sources / settings["sources"][-1]["file"]
    text = path.read_text(encoding="utf-8")
    at = text.index(">", text.index('<note type="editorial"')) + 1
    path.write_text(text[:at] + "Revised: " + text[at:], encoding="utf-8")
    return path.name


def measured(command: list[str], timings: Path | None = None) -> dict:
    """Run a command; its wall time, peak memory (MiB: `peak_mib`, the largest of its processes'
    own; `total_mib`, the most all its processes held at once) and, for a build, the seconds of
    each stage."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = _Sampler(process.pid)
    sampler.start()
    _, status, _ = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors}")
    result = {"seconds": round(seconds, 2), "peak_mib": round(sampler.largest / 1024),
              "total_mib": round(sampler.total / 1024)}
    if timings is not None:
        result["stages"] = json.loads(timings.read_text(encoding="utf-8"))
    return result


class _Sampler(threading.Thread):
    """The memory of a process and of all its descendants (Linux's /proc): `largest`, the highest
    peak resident set of any one of them (KiB, its VmHWM, read every SAMPLE seconds: `ru_maxrss`
    would count the peak of the process a worker was spawned from as the worker's, as Linux
    keeps it across exec); `total`, the highest sum of their proportional set sizes (the pages
    they share counted once: what the machine gave them all at once), read every PSS_SAMPLE
    seconds."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.largest, self.total = pid, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        every = max(round(PSS_SAMPLE / SAMPLE), 1)
        for count in itertools.count():  # the proportional sizes read at the first sample, then every `every`
            if self.stop.wait(SAMPLE):
                return
            total = 0
            for pid in _tree(self.pid):
                resident, held = _memory(pid, count % every == 0)
                self.largest = max(self.largest, resident)
                total += held
            self.total = max(self.total, total)


SAMPLE = 0.2  # seconds between two readings of the peak resident sets (/proc/PID/status: a tenth of a ms)
# seconds between two readings of the proportional set sizes: /proc/PID/smaps_rollup walks the
# process's page tables, 6 to 7 ms of CPU for a worker of the 4x edition (500 MiB).  Read every
# 0.2 s, the sampler took 11.5 s of CPU during a cold 4x build, which took 106.5 and 107.1 s; read
# every second, 2.8 s, and the build took 100.1 and 101.8 s (runs taken in turn, 6 December)
PSS_SAMPLE = 1.0


def _tree(pid: int) -> list[int]:
    """The process and its descendants, as /proc lists them now."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo += [int(child) for child in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            continue
    return found


def _memory(pid: int, proportional: bool) -> tuple[int, int]:
    """A process's peak resident set and, if `proportional`, its proportional set size now (KiB;
    else 0); 0 once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text() if proportional else ""
    except OSError:
        return 0, 0
    resident = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    held = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return resident, held


def build(sources: Path, out: Path) -> dict:
    timings = out.parent / f"{out.name}-stages.json"
    python = sys.executable
    return measured([python, "build.py", "--sources", str(sources), "--out", str(out), "--quiet",
                     "--timings", str(timings)], timings)


def pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


def bench(sources: Path, k: int, work: Path, repeat: int = 1) -> dict:
    """The measures at scale `k`: the cold build and the plain pass `repeat` times each, one after
    the other (a cold build into a new directory each time), each the run of the median time (the
    lower of the two middle ones), all their times under "runs"; then the rebuilds, into the last
    cold build's directory."""
    edition = scaled(sources, k, work / f"sources-{k}x")
    slug = yaml.safe_load((edition / "edition.yaml").read_text(encoding="utf-8"))["slug"]
    colds, plains = [], []
    for run in range(repeat):
        out = work / f"out-{k}x-{run}"
        colds.append(build(edition, out))
        plains.append(measured([sys.executable, "-m", "weasyprint", str(out / f"{slug}.html"),
                                str(work / f"plain-{k}x.pdf")]))
    no_op = build(edition, out)
    edit_one_source(edition)
    one_source = build(edition, out)
    return {"scale": k, "pages": pages(out / f"{slug}.pdf"), "plain": _median(plains), "cold": _median(colds),
            "no_op": no_op, "one_source": one_source,
            "runs": {"cold": [r["seconds"] for r in colds], "plain": [r["seconds"] for r in plains]}}


def _median(runs: list[dict]) -> dict:
    """The run of the median time (of an even number, the lower of the two middle ones)."""
    return sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]


def table(results: list[dict]) -> str:
    first = results[0]
    rows = [("scale", "pages", "plain s", "cold s", "cold x", "no-op x", "one-source x", "peak MiB",
             "total MiB", "plain MiB", f"time growth from {first['scale']}x", "memory growth")]
    for r in results:
        base = r["plain"]["seconds"]
        rows.append((f"{r['scale']}x", str(r["pages"]), f"{base:.1f}", f"{r['cold']['seconds']:.1f}",
                     f"{r['cold']['seconds'] / base:.2f}", f"{r['no_op']['seconds'] / base:.2f}",
                     f"{r['one_source']['seconds'] / base:.2f}", str(r["cold"]["peak_mib"]),
                     str(r["cold"]["total_mib"]), str(r["plain"]["peak_mib"]),
                     f"{r['cold']['seconds'] / first['cold']['seconds']:.2f}",
                     f"{r['cold']['peak_mib'] / first['cold']['peak_mib']:.2f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    for r in results:
        if len(r.get("runs", {}).get("cold", ())) > 1:
            lines.append(f"{r['scale']}x runs, in order: cold " + ", ".join(f"{s:.1f}" for s in r["runs"]["cold"])
                         + " s; plain " + ", ".join(f"{s:.1f}" for s in r["runs"]["plain"]) + " s")
    for r in results:
        lines.append(f"\n{r['scale']}x cold build, by stage (seconds, x plain pass):")
        for stage, seconds in r["cold"]["stages"].items():
            lines.append(f"  {stage:<40} {seconds:7.2f}  {seconds / r['plain']['seconds']:5.2f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=ROOT / "sources")
    parser.add_argument("--scales", default="1,4,10", help="comma-separated multiples of the edition (default 1,4,10)")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--keep", type=Path, help="build here and keep the editions and outputs")
    parser.add_argument("--repeat", type=int, default=1,
                        help="cold builds and plain passes at each scale, one after the other: the medians are used")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat: at least 1")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for k in (int(s) for s in args.scales.split(",")):
            results.append(bench(args.sources.resolve(), k, work, args.repeat))
            print(f"{k}x done", file=sys.stderr, flush=True)
            if args.json:  # after each scale: a long run cut short keeps what it measured
                args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(work)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
