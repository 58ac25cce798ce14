"""Same sources, same bytes: a second build is identical to the session's build."""

import shutil

import pytest
from conftest import SOURCES, build


def test_second_build_is_byte_identical(built, tmp_path):
    """The session's build started from scratch, with a worker per core; this one from its page
    cache (as an editor's rebuild does) in one process (`--jobs 1`), and makes its typesetter's
    corrections anew: both must reach the same book, byte for byte."""
    shutil.copyfile(built.out / ".pages.json", tmp_path / ".pages.json")
    assert build(SOURCES, tmp_path, "--jobs", "1") == 0
    for name in (built.pdf.name, built.epub.name, built.html.name):
        assert (tmp_path / name).read_bytes() == (built.out / name).read_bytes(), name


def test_a_rebuild_with_the_last_builds_caches_is_byte_identical_and_lays_out_nothing(built, tmp_path):
    """An editor's rebuild of unchanged sources starts from all the caches of the last build, with
    a worker per core: it reuses its corrections (openings, rows, calls as well as spacings)
    without mending again, and every part laid out and written (none is written again)."""
    for cache in (".pages.json", ".corrections.json"):
        shutil.copyfile(built.out / cache, tmp_path / cache)
    shutil.copytree(built.out / ".parts", tmp_path / ".parts", copy_function=shutil.copy2)
    before = {path.name: path.stat().st_mtime_ns for path in (tmp_path / ".parts").iterdir()}
    assert build(SOURCES, tmp_path) == 0
    for name in (built.pdf.name, built.epub.name, built.html.name):
        assert (tmp_path / name).read_bytes() == (built.out / name).read_bytes(), name
    assert {path.name: path.stat().st_mtime_ns for path in (tmp_path / ".parts").iterdir()} == before


def test_print_html_renders_the_same_with_weasyprint_and_the_adjustments(built, tmp_path):
    """The HTML written beside the PDF is exactly what was laid out: WeasyPrint with the adjustments
    of docs/weasyprint.md (`python -m edition.write.layout_fixes`) agrees."""
    import subprocess
    import sys

    from pypdf import PdfReader

    out = tmp_path / "plain.pdf"
    subprocess.run([sys.executable, "-m", "edition.write.layout_fixes", str(built.html), str(out)], check=True,
                   capture_output=True)
    plain = [page.extract_text() for page in PdfReader(out).pages]
    assert plain == built.pages


@pytest.mark.slow  # two builds of a tiny edition, every format: 2-6 s
def test_a_build_leaves_the_environment_as_it_found_it(tiny, tmp_path, monkeypatch):
    """The edition's time is SOURCE_DATE_EPOCH only while the PDF is made: the next edition built
    in the same process (a watcher, a test session) must not get this one's date."""
    import os

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build(tiny, tmp_path / "out") == 0
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build(tiny, tmp_path / "again") == 0
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"


@pytest.mark.slow  # three builds of a tiny edition, every format: 3-9 s
def test_the_number_of_jobs_changes_no_byte(tiny, tmp_path):
    """One process, or two workers writing the press and the screen PDF at once (and sharing the
    trials and the mending of pages): the same files."""
    outputs = []
    for jobs in ("1", "2", "3"):
        assert build(tiny, tmp_path / jobs, "--jobs", jobs) == 0
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / jobs).iterdir() if p.is_file() and not p.name.startswith(".")})
    assert outputs[0] == outputs[1] == outputs[2] and len(outputs[0]) >= 4


@pytest.mark.slow  # a Dask cluster of two processes and two builds of a tiny edition: 10-20 s
def test_parts_laid_out_on_a_dask_cluster_give_the_same_bytes(tiny, tmp_path):
    """`--dask ADDRESS` sends the parts' layouts to a Dask cluster (here a LocalCluster of two
    worker processes): they run there, and the files are those of a build in one process."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert build(tiny, tmp_path / "dask", "--dask", cluster.scheduler_address) == 0
        prefix = cluster.scheduler.task_prefixes.get("run")  # part_job.run's tasks
        ran = prefix.all_durations.get("compute", 0) if prefix is not None else 0  # seconds they computed
    assert build(tiny, tmp_path / "here", "--jobs", "1") == 0
    files = [{p.name: p.read_bytes() for p in (tmp_path / out).iterdir() if p.is_file() and not p.name.startswith(".")}
             for out in ("dask", "here")]
    assert files[0] == files[1] and len(files[0]) >= 4
    assert ran > 0
