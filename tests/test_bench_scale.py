"""The bench's generated editions (bench/build_bench.py): k copies of the edition, each like the first."""

from __future__ import annotations

import importlib.util
from collections import Counter

from edition.diagnostics import Report
from edition.pipeline import Progress, check

from conftest import ROOT, SOURCES

_spec = importlib.util.spec_from_file_location("build_bench", ROOT / "bench" / "build_bench.py")
build_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_bench)


def test_a_scaled_edition_is_its_copies_each_with_the_parallels_of_the_first(tmp_path):
    """At 3x the edition checks clean, and every paragraph of a copy has the parallels of its
    original, in the same sources of its own copy: a page's notes do not grow with the scale."""
    edition = check(build_bench.scaled(SOURCES, 3, tmp_path / "3x"), Report(), Progress(quiet=True))
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
