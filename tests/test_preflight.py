"""The preflight on the built edition: the press PDF is fit for a printer, the screen PDF for readers."""

from __future__ import annotations

from conftest import build

from edition.check import preflight
from edition.read.settings import Page, points


def test_press_pdf_passes_the_preflight(built):
    assert preflight.check(built.press, press=True, bleed=points(Page().bleed)) == []


def test_screen_pdf_passes_the_preflight(built):
    assert preflight.check(built.pdf, press=False) == []


def test_findings_are_summarised_by_problem_with_their_pages():
    findings = [preflight.Finding("preflight-colour", page, "fill colour (rg) in DeviceRGB") for page in (1, 2, 3, 7)]
    findings.append(preflight.Finding("preflight-intent", 0, "no output intent"))
    assert preflight.summary(findings) == [("preflight-colour", "pages 1-3, 7: fill colour (rg) in DeviceRGB"),
                                           ("preflight-intent", "no output intent")]


def test_the_build_reports_each_preflight_problem_as_a_warning(tiny, tmp_path, capsys, monkeypatch):
    found = [preflight.Finding("preflight-colour", page, "fill colour (rg) in DeviceRGB") for page in (3, 4)]
    monkeypatch.setattr(preflight, "check", lambda path, press, bleed: found if press and bleed == 9 else [])
    # one job: the preflight runs in this process (in a spawned worker, it would not see the stand-in)
    assert build(tiny, tmp_path / "out", "--format", "pdf", "--jobs", "1") == 0  # a warning: the build goes on
    err = capsys.readouterr().err
    assert "tiny-press.pdf: warning: pages 3-4: fill colour (rg) in DeviceRGB [preflight-colour]" in err
