"""Nothing global: an edition built after another in the same process (a watcher, a test session)
is byte for byte the edition built alone in a fresh process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build, make_edition, tei_source

ALPHA = """
    <p xml:id="A.1.1">Alpha opens on <date calendar="#julian" when="1917-11-07" when-custom="1917-10-25" datingMethod="#julian">25 October 1917</date>, in "Petrograd"...<note type="source" n="1">Alpha's own note.</note></p>
    <p xml:id="A.1.2">Alpha goes on -- <choice><sic>teh</sic><corr resp="#julian">the</corr></choice> end, see <ref target="#A.1.1">above</ref>.</p>
"""
BETA = """
    <p xml:id="B.1.1">Beta begins later, on <date when="1924-01-21">21 January 1924</date>, with a "quotation" -- and more.<note type="editorial" resp="#julian">A note of Beta's editors.</note></p>
    <p xml:id="B.1.2">Beta's second paragraph.</p>
"""
GAMMA = """
    <p xml:id="C.1.1">A second source of the Beta edition, dated <date calendar="#julian" when="1917-03-12" when-custom="1917-02-27" datingMethod="#julian">27 February 1917</date>.</p>
"""
EDITIONS = {
    "alpha": ({"A": tei_source("A", ALPHA, title="The Alpha Account", author="Alma Alpha")},
              {"title: Tiny Edition": "title: The Alpha Edition", "date: 2026-01-02": "date: 2024-05-06"}, ""),
    "beta": ({"B": tei_source("B", BETA, title="The Beta Account", author="Bert Beta", chapter="Beta's Chapter"),
              "C": tei_source("C", GAMMA, title="The Gamma Account", author="Cora Gamma")},
             {"title: Tiny Edition": "title: The Beta Edition", "date: 2026-01-02": "date: 2025-09-10"},
             "page:\n  width: 5.5in\n  height: 8.5in\ndates:\n  display: gregorian\ntypography: diplomatic\n"),
}
OUTPUTS = ("{}.pdf", "{}-press.pdf", "{}.epub", "{}.html")


def edition(root: Path, slug: str) -> Path:
    sources, replaced, extra = EDITIONS[slug]
    path = make_edition(root / slug, sources, extra)
    settings = path / "edition.yaml"
    text = settings.read_text().replace("slug: tiny", f"slug: {slug}")
    for old, new in replaced.items():
        text = text.replace(old, new)
    settings.write_text(text)
    return path


def outputs(out: Path, slug: str) -> dict[str, bytes]:
    return {name.format(slug): (out / name.format(slug)).read_bytes() for name in OUTPUTS}


@pytest.mark.slow
def test_an_edition_built_after_another_is_the_edition_built_alone(tmp_path):
    roots = {slug: edition(tmp_path, slug) for slug in EDITIONS}
    alone = {slug: tmp_path / f"alone-{slug}" for slug in EDITIONS}
    runs = [subprocess.Popen([sys.executable, "build.py", "--sources", str(roots[slug]), "--out", str(alone[slug]),
                              "--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True) for slug in EDITIONS]
    for run in runs:
        assert run.wait() == 0, run.stderr.read()
    expected = {slug: outputs(alone[slug], slug) for slug in EDITIONS}
    assert expected["alpha"]["alpha.pdf"] != expected["beta"]["beta.pdf"]
    for order in (("alpha", "beta"), ("beta", "alpha")):
        for slug in order:
            out = tmp_path / f"{'-'.join(order)}-{slug}"
            assert build(roots[slug], out) == 0
            for name, data in outputs(out, slug).items():
                assert data == expected[slug][name], f"{name}, built after {' and '.join(order)}"
