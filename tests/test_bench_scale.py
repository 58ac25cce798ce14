"""The bench's generated editions (bench/build_bench.py): k copies of the edition, each like the first."""

from __future__ import annotations

import importlib.util
from collections import Counter

import io
import json
import sys

import pypdf
import pytest
import weasyprint
from lxml import html as lxml_html

from edition.diagnostics import Report
from edition.pipeline import Progress, check
from edition.write import parts, print_html

from conftest import ROOT, SOURCES
from test_backmatter import assert_columns_apart, text_lines

_spec = importlib.util.spec_from_file_location("build_bench", ROOT / "bench" / "build_bench.py")
build_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_bench)


@pytest.fixture(scope="module")
def tripled(tmp_path_factory):
    """The edition at 3x, checked."""
    return check(build_bench.scaled(SOURCES, 3, tmp_path_factory.mktemp("scaled") / "3x"), Report(), Progress(quiet=True))


def test_a_scaled_edition_is_its_copies_each_with_the_parallels_of_the_first(tripled):
    """At 3x the edition checks clean, and every paragraph of a copy has the parallels of its
    original, in the same sources of its own copy: a page's notes do not grow with the scale."""
    edition = tripled
    original = check(SOURCES, Report(), Progress(quiet=True))
    assert len(edition.sources) == 3 * len(original.sources)
    assert len(edition.tellings) == 3 * len(original.tellings)

    def cited(found, by_source: dict[str, str]) -> Counter:
        """(paragraph, the paragraphs its parallels cite) for the paragraphs of the sources of
        `by_source` (siglum -> the original's), named as in the original."""
        cited = Counter()
        for block, parallels in found.parallels.items():
            if parallels and block.chapter.source.siglum in by_source:
                assert all(p.target.block.chapter.source.siglum in by_source for p in parallels)
                cited[(_original(block.id, by_source), tuple(_original(p.target.id, by_source) for p in parallels))] += 1
        return cited

    expected = cited(original, {s.siglum: s.siglum for s in original.sources})
    assert len(expected) > 100
    for copy in ("", "x2", "x3"):
        found = cited(edition, {s.siglum + copy: s.siglum for s in original.sources})
        missing, extra = sorted(expected - found), sorted(found - expected)
        assert not missing and not extra, (copy, len(missing), len(extra), missing[:2], extra[:2])


def _original(key: str, by_source: dict[str, str]) -> str:
    """A copy's paragraph id ('Tx2.7.6') as in the original ('T1.7.6')."""
    siglum, _, rest = key.partition(".")
    return f"{by_source[siglum]}.{rest}"


def test_a_concordance_of_more_accounts_than_the_measure_holds_is_set_in_tables_that_fit(tripled, tmp_path):
    """At 3x the concordance's fifteen accounts are three tables of five, each with a row for
    every event, in order, under ids of their own; laid out, every table's columns stand apart
    within the text block."""
    edition = tripled
    path = print_html.write(edition, tmp_path / "out")
    root = lxml_html.parse(str(path)).getroot()
    tables = root.xpath("//table[@class='concordance']")
    sigla = [s.siglum for s in edition.sources]
    heads = [[th.text_content() for th in table.xpath("thead/tr/th")][1:] for table in tables]
    assert heads == [sigla[0:5], sigla[5:10], sigla[10:15]]
    events = [[row.xpath("string(td[1]/span[@class='event'])") for row in table.xpath("tbody/tr")] for table in tables]
    assert len(events[0]) > 20 and events[1] == events[0] and events[2] == events[0]
    ids = root.xpath("//table[@class='concordance']/tbody/tr/@id")
    assert len(set(ids)) == len(ids) == 3 * len(events[0])
    head, _ = parts.split(path)
    section = lxml_html.tostring(root.get_element_by_id("concordance"), encoding="unicode")
    pdf = weasyprint.HTML(string=parts.document(head, section, None), base_url=str(path)).write_pdf()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    for index in range(len(reader.pages)):
        assert_columns_apart(text_lines(reader, index), edition.settings, str(index))


def test_the_timeline_records_every_job_of_a_build(tiny, tmp_path, capsys, monkeypatch):
    """bench/timeline.py: a cold build of a tiny edition, every part job on the timeline (each
    part laid out, then written), its pages counted, and the build's stages."""
    spec = importlib.util.spec_from_file_location("timeline", ROOT / "bench" / "timeline.py")
    timeline = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "timeline", timeline)  # its workers find its functions by name
    spec.loader.exec_module(timeline)
    report = tmp_path / "timeline.json"
    assert timeline.main(["--sources", str(tiny), "--out", str(tmp_path / "out"), "--json", str(report)]) == 0
    found = json.loads(report.read_text(encoding="utf-8"))
    jobs = [job for job in found["jobs"] if job["kind"] == "part"]
    assert {job["part"] for job in jobs if job["write"]} >= {job["part"] for job in jobs} and len(jobs) >= 3
    assert all(job["began"] <= job["ended"] and job["pages"] > 0 for job in jobs)
    assert found["totals"]["pages laid out"] >= sum(job["pages"] for job in jobs if not job["write"])
    assert "lay out the book (pass 1)" in found["stages"] and (tmp_path / "out" / "tiny.pdf").is_file()
    assert "pages laid out" in capsys.readouterr().out
    from edition.write import corrections, part_job

    assert part_job.run.__module__ == "edition.write.part_job" and corrections._trial_lines.__module__ == corrections.__name__


def test_repeated_runs_give_the_median_and_the_rebuilds_follow_the_last_cold_build(tmp_path, monkeypatch):
    """--repeat 3: three cold builds and plain passes, one after the other, each into a directory
    of its own; the runs of the median times are the ones the table uses, all of them listed; the
    no-op and one-word rebuilds are made in the last cold build's directory."""
    times = {"cold": iter([30.0, 20.0, 25.0]), "plain": iter([28.0, 29.0, 27.0])}
    built = []

    def build(sources, out):
        built.append(out)
        seconds = next(times["cold"]) if len(built) <= 3 else 1.0
        return {"seconds": seconds, "peak_mib": int(seconds), "total_mib": 1, "stages": {"a stage": seconds / 2}}

    monkeypatch.setattr(build_bench, "scaled", lambda sources, k, into: tmp_path)
    monkeypatch.setattr(build_bench, "build", build)
    monkeypatch.setattr(build_bench, "measured", lambda command: {"seconds": next(times["plain"]), "peak_mib": 5})
    monkeypatch.setattr(build_bench, "edit_one_source", lambda sources: "")
    monkeypatch.setattr(build_bench, "pages", lambda pdf: 12)
    (tmp_path / "edition.yaml").write_text("slug: tiny\n", encoding="utf-8")
    result = build_bench.bench(tmp_path, 1, tmp_path / "work", repeat=3)
    assert result["cold"]["seconds"] == 25.0 and result["cold"]["peak_mib"] == 25 and result["plain"]["seconds"] == 28.0
    assert result["runs"] == {"cold": [30.0, 20.0, 25.0], "plain": [28.0, 29.0, 27.0]}
    assert len(set(built[:3])) == 3 and built[3:] == [built[2], built[2]]
    printed = build_bench.table([result])
    assert printed.splitlines()[1].split()[:5] == ["1x", "12", "28.0", "25.0", "0.89"]
    assert "1x runs, in order: cold 30.0, 20.0, 25.0 s; plain 28.0, 29.0, 27.0 s" in printed


def test_the_memory_of_a_command_is_sampled_its_proportional_sizes_less_often(monkeypatch):
    """A command's peak resident set and the most its processes held at once are read while it
    runs (a child holding 100 MiB: both at least that), the peaks every SAMPLE seconds and the
    proportional sizes (smaps_rollup, which walks a process's page tables) at the first sample,
    then only every PSS_SAMPLE."""
    monkeypatch.setattr(build_bench, "SAMPLE", 0.05)
    monkeypatch.setattr(build_bench, "PSS_SAMPLE", 0.25)
    read, memory = [], build_bench._memory
    monkeypatch.setattr(build_bench, "_memory", lambda pid, proportional: read.append(proportional) or memory(pid, proportional))
    held = "import time; b = bytearray(100 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(1.5)"
    result = build_bench.measured([sys.executable, "-c", held])
    assert result["peak_mib"] >= 100 and result["total_mib"] >= 100
    assert read[0] and 0 < read.count(True) <= len(read) / 4
