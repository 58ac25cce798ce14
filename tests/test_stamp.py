"""No-op rebuilds (edition/write/stamp.py): nothing changed, nothing written; any change of an
input, a missing or altered output, or a full build after a draft builds again."""

from __future__ import annotations

import pytest
from conftest import build

from edition.cli import main

OUTPUTS = ("tiny.pdf", "tiny-press.pdf", "tiny.epub", "tiny.html")


def snapshot(out) -> dict[str, tuple[int, bytes]]:
    return {name: ((out / name).stat().st_mtime_ns, (out / name).read_bytes()) for name in OUTPUTS}


def test_a_rebuild_with_nothing_changed_writes_nothing(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(tiny, out) == 0
    before = snapshot(out)
    capsys.readouterr()
    assert main(["--sources", str(tiny), "--out", str(out)]) == 0
    assert snapshot(out) == before  # not even rewritten with the same bytes
    assert "up to date" in capsys.readouterr().err
    (tiny / ".A.xml.swp").write_text("an editor's swap file")  # hidden files are not inputs
    assert build(tiny, out) == 0 and snapshot(out) == before


@pytest.mark.slow  # three builds of a tiny edition, every format: 3-7 s
def test_a_changed_input_or_output_builds_again(tiny, tmp_path):
    out = tmp_path / "out"
    assert build(tiny, out) == 0
    before = snapshot(out)
    source = tiny / "texts" / "A.xml"
    source.write_text(source.read_text().replace("Second paragraph", "The second paragraph"))
    assert build(tiny, out) == 0
    assert snapshot(out)["tiny.epub"][1] != before["tiny.epub"][1]
    changed = snapshot(out)
    (out / "tiny.epub").write_bytes(b"damaged")
    assert build(tiny, out) == 0
    assert (out / "tiny.epub").read_bytes() == changed["tiny.epub"][1]  # rebuilt, the same bytes as before


@pytest.mark.slow  # three builds of a tiny edition: 2-5 s
def test_a_draft_stands_for_no_full_build(tiny, tmp_path):
    out = tmp_path / "out"
    assert build(tiny, out, "--draft") == 0
    drafted = snapshot(out)
    assert build(tiny, out) == 0
    assert snapshot(out)["tiny.pdf"][0] != drafted["tiny.pdf"][0]  # the full build ran
    full = snapshot(out)
    assert build(tiny, out, "--draft") == 0
    assert snapshot(out) == full  # the full build's outputs serve a draft


def test_the_program_digest_counts_each_library_once(tmp_path, monkeypatch):
    """A library found again on another path entry (the checkout's own egg-info, on sys.path as
    often as tests and scripts put it there) is the same program: the caches keyed by the digest
    still hold."""
    import importlib.metadata

    from edition.write import stamp

    before = stamp.program()
    found = importlib.metadata.distribution("weasyprint")
    again = tmp_path / f"weasyprint-{found.version}.dist-info"
    again.mkdir()
    (again / "METADATA").write_text(found.read_text("METADATA"), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert any(d._path == again for d in importlib.metadata.distributions() if hasattr(d, "_path"))
    stamp._libraries.cache_clear()  # found again (a process reads them once)
    assert stamp.program() == before
