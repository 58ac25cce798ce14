"""Nothing global: an edition built after another in the same process (a watcher, a test session)
is byte for byte the edition built alone in a fresh process, and reports the same problems."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build, make_edition, tei_source

from edition.cli import main

# Both editions have a source A (texts/A.xml) of their own: a cache keyed by siglum or path leaks.
ALPHA = """
    <p xml:id="A.1.1">Alpha opens on <date calendar="#julian" when="1917-11-07" when-custom="1917-10-25" datingMethod="#julian">25 October 1917</date>, in "Petrograd"...<note type="source" n="1">Alpha's own note.</note></p>
    <p xml:id="A.1.2">Alpha goes on -- <choice><sic>teh</sic><corr resp="#julian">the</corr></choice> end, see <ref target="#A.1.1">above</ref>.</p>
"""
ALPHA_COPY = 'The Only Chapter\n\nAlpha opens on 25 October 1917, in "Petrograd"...[1]\n\nAlpha goes on -- teh end, see above.\n\n[1] Alpha\'s own note.\n'
BETA = """
    <p xml:id="A.1.1">Beta begins later, on <date when="1924-01-21">21 January 1924</date>, with a "quotation" -- and more.<note type="editorial" resp="#julian">A note of Beta's editors.</note></p>
    <p xml:id="A.1.2">Beta's second paragraph.</p>
"""
BETA_COPY = 'Beta\'s Chapter\n\nBeta begins later, on 21 January 1924, with a "quotation" -- and more.\n\nBeta\'s second paragraph.\n'
GAMMA = """
    <p xml:id="C.1.1">A second source of the Beta edition, dated <date calendar="#julian" when="1917-03-12" when-custom="1917-02-27" datingMethod="#julian">27 February 1917</date>.</p>
"""
GAMMA_COPY = "The Only Chapter\n\nA second source of the Beta edition, dated 27 February 1917.\n"
EDITIONS = {  # slug -> ({siglum: (TEI, copy-text)}, replacements in edition.yaml, more settings)
    "alpha": ({"A": (tei_source("A", ALPHA, title="The Alpha Account", author="Alma Alpha"), ALPHA_COPY)},
              {"title: Tiny Edition": "title: The Alpha Edition", "date: 2026-01-02": "date: 2024-05-06"}, ""),
    "beta": ({"A": (tei_source("A", BETA, title="The Beta Account", author="Bert Beta", chapter="Beta's Chapter"), BETA_COPY),
              "C": (tei_source("C", GAMMA, title="The Gamma Account", author="Cora Gamma"), GAMMA_COPY)},
             {"title: Tiny Edition": "title: The Beta Edition", "date: 2026-01-02": "date: 2025-09-10"},
             "page:\n  width: 5.5in\n  height: 8.5in\ndates:\n  display: gregorian\ntypography: diplomatic\n"),
}
OUTPUTS = ("{}.pdf", "{}-press.pdf", "{}.epub", "{}.html")


def edition(root: Path, slug: str) -> Path:
    sources, replaced, extra = EDITIONS[slug]
    path = make_edition(root / slug, {siglum: tei for siglum, (tei, _) in sources.items()}, extra)
    (path / "copytext").mkdir()
    settings = path / "edition.yaml"
    text = settings.read_text().replace("slug: tiny", f"slug: {slug}")
    for siglum, (_, copytext) in sources.items():  # the copy-text proof runs too
        (path / "copytext" / f"{siglum}.txt").write_text(copytext, encoding="utf-8")
        text = text.replace(f"texts/{siglum}.xml\n    copytext: none", f"texts/{siglum}.xml\n    copytext: copytext/{siglum}.txt")
    for old, new in replaced.items():
        text = text.replace(old, new)
    settings.write_text(text)
    return path


def outputs(out: Path, slug: str) -> dict[str, bytes]:
    return {name.format(slug): (out / name.format(slug)).read_bytes() for name in OUTPUTS}


def problems(err: str) -> list[str]:
    """The diagnostics printed (without the summary's timing)."""
    return [line for line in err.splitlines() if line.endswith("]")]


@pytest.mark.slow
def test_an_edition_built_after_another_is_the_edition_built_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # paths in diagnostics are shown from here, as in the fresh processes
    roots = {slug: edition(tmp_path, slug) for slug in EDITIONS}
    alone = {slug: tmp_path / f"alone-{slug}" for slug in EDITIONS}
    runs = [subprocess.Popen([sys.executable, "build.py", "--sources", str(roots[slug]), "--out", str(alone[slug]),
                              "--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True) for slug in EDITIONS]
    changed = edition(tmp_path / "changed", "alpha")  # alpha with a word of its copy-text changed: an error
    copytext = changed / "copytext" / "A.txt"
    copytext.write_text(copytext.read_text().replace("Alpha goes on", "Alpha went on"))
    checked = subprocess.run([sys.executable, "build.py", "check", "--sources", str(changed), "--quiet"], cwd=ROOT,
                             capture_output=True, text=True)
    assert checked.returncode == 1 and "[copytext-differs]" in checked.stderr
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
    capsys.readouterr()
    assert main(["check", "--sources", str(changed), "--quiet"]) == 1
    assert problems(capsys.readouterr().err) == problems(checked.stderr), "checked after alpha and beta"
