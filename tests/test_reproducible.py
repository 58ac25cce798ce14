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


@pytest.mark.slow  # a Dask cluster of two processes and three builds of a tiny edition: 15-30 s
def test_parts_laid_out_on_a_dask_cluster_give_the_same_bytes(tiny, tmp_path):
    """`--dask ADDRESS` sends the parts' layouts to a Dask cluster (here a LocalCluster of two
    worker processes): they run there, and the files are those of a build in one process; a
    second build on the same cluster, whose workers kept the first's layouts and write them
    again, gives them too."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        for out in ("dask", "dask-again"):
            assert build(tiny, tmp_path / out, "--dask", cluster.scheduler_address) == 0
        prefix = cluster.scheduler.task_prefixes.get("run")  # part_job.run's tasks
        ran = prefix.all_durations.get("compute", 0) if prefix is not None else 0  # seconds they computed
    assert build(tiny, tmp_path / "here", "--jobs", "1") == 0
    files = [{p.name: p.read_bytes() for p in (tmp_path / out).iterdir() if p.is_file() and not p.name.startswith(".")}
             for out in ("dask", "dask-again", "here")]
    assert files[0] == files[1] == files[2] and len(files[0]) >= 4
    assert ran > 0


def test_a_kept_layout_written_again_gives_the_same_pdf(tmp_path):
    """A worker keeps a part's layout after writing it, and writes it again when the part is
    wanted with other numbers, or in the next build on a Dask worker.  WeasyPrint reads the output
    intent's description as it writes a PDF, and LittleCMS then writes the profile otherwise (92
    bytes more, and the merged book held two): each writing takes the profiles fresh from their
    files, so it writes the profile the first wrote."""
    import io
    import shutil

    import pikepdf

    from edition.write import output_intent, page_numbers, part_job, parts

    def profiles(pdf: bytes) -> list[bytes]:
        with pikepdf.open(io.BytesIO(pdf)) as opened:
            return [o.read_bytes() for o in opened.objects if isinstance(o, pikepdf.Stream) and o.stream_dict.get("/N") == 4]

    shutil.copyfile(output_intent.DEFAULT_PROFILE, tmp_path / "output-intent.icc")
    head = ("<html lang='en'><head><style>@page { size: A6 } @color-profile --output-intent { src: url(output-intent.icc);"
            " components: c, m, y, k; } p { color: color(--output-intent 0 0 0 0.6) }</style></head>")
    job = part_job.Job(page_numbers.masked(parts.document(head, "<p id='p'>Grey words.</p>", 1)), str(tmp_path / "book.html"),
                       1, (), frozenset(), 3, 2.0, "pdf/x-4", 0, True, name="part", part="A")
    with part_job.keeping():
        first = part_job.run(job)
        again = part_job.run(job)
        assert again.made == ""  # the kept layout, written again
    assert len(profiles(first.pdf)) == 1 and profiles(again.pdf) == profiles(first.pdf)
