"""The command line's contract: exit codes, located messages, no traceback, no lost outputs."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT, build, make_edition, tei_source

from edition.cli import main

LOCATED = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): error: .*\[(?P<code>[a-z-]+)\]$", re.M)


def errors_of(capsys) -> list[re.Match]:
    return list(LOCATED.finditer(capsys.readouterr().err))


def test_help_explains_commands_and_options(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for word in ("check", "--format", "--sources", "--out", "path:line:col"):
        assert word in text


def test_usage_error_exits_2(capsys, tiny):
    with pytest.raises(SystemExit) as exit_:
        main(["--sources", str(tiny), "--format", "docx"])
    assert exit_.value.code == 2


def test_check_passes_on_tiny_edition(tiny, capsys):
    assert main(["check", "--sources", str(tiny), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_malformed_xml_is_located(tiny, tmp_path, capsys):
    path = tiny / "texts" / "A.xml"
    path.write_text(path.read_text().replace("<p xml:id=\"A.1.2\">", "<p xml:id=\"A.1.2\"><hi>"))
    assert build(tiny, tmp_path / "out") == 1
    found = errors_of(capsys)
    assert found and found[0]["path"].endswith("texts/A.xml")
    assert int(found[0]["line"]) > 1 and int(found[0]["col"]) > 0
    assert not (tmp_path / "out" / "tiny.pdf").exists()


def test_schema_error_is_located(tiny, capsys):
    path = tiny / "texts" / "A.xml"
    lines = path.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if 'xml:id="A.1.2"' in line)
    lines[number - 1] = lines[number - 1].replace("Second paragraph", "Second <unknownElement/> paragraph")
    path.write_text("\n".join(lines))
    assert main(["check", "--sources", str(tiny), "--quiet"]) == 1
    found = errors_of(capsys)
    assert [(int(m["line"])) for m in found] == [number]


def test_every_problem_is_reported_at_once(tmp_path, capsys):
    body = """
        <p xml:id="B.1.1">See <ref target="#nowhere">there</ref> and <ptr target="#missing"/>.</p>
        <p xml:id="B.1.1">A duplicate id, and <date calendar="#julian" when="1917-11-08" when-custom="1917-10-25" datingMethod="#julian">25 October 1917</date>.</p>
    """
    root = make_edition(tmp_path / "bad", {"B": tei_source("B", body)})
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    codes = re.findall(r"\[([a-z-]+)\]$", err, re.M)
    assert sorted(codes) == ["dangling-pointer", "dangling-pointer", "date-mismatch", "duplicate-id", "number-moved"]
    text = (root / "texts" / "B.xml").read_text().splitlines()
    for match in LOCATED.finditer(err):
        line, col = int(match["line"]), int(match["col"])
        assert text[line - 1][col - 1] == "<" or text[line - 1][col - 2] == " "  # at a tag or an attribute
    dangling = re.search(r":(\d+):(\d+): error: @target=\"#nowhere\"", err)
    line, col = int(dangling[1]), int(dangling[2])
    assert text[line - 1][col - 1:].startswith('target="#nowhere"')


def test_bad_settings_are_located(tiny, capsys):
    settings = tiny / "edition.yaml"
    settings.write_text(settings.read_text().replace("slug: tiny", "slug: Not A Slug") + "page:\n  width: wide\n")
    assert main(["check", "--sources", str(tiny), "--quiet"]) == 1
    found = errors_of(capsys)
    assert {m["path"].split("/")[-1] for m in found} == {"edition.yaml"}
    assert len(found) == 2


def test_missing_edition_directory(tmp_path, capsys):
    assert main(["check", "--sources", str(tmp_path / "nowhere"), "--quiet"]) == 1
    assert "edition.yaml" in capsys.readouterr().err


def test_failed_build_keeps_last_good_output(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(tiny, out, "--format", "epub") == 0
    before = (out / "tiny.epub").read_bytes()
    path = tiny / "texts" / "A.xml"
    path.write_text(path.read_text().replace("</TEI>", ""))
    assert build(tiny, out, "--format", "epub") == 1
    assert (out / "tiny.epub").read_bytes() == before


def test_no_traceback_for_bad_input_in_a_real_process(tmp_path):
    root = make_edition(tmp_path / "e", {"C": "<TEI><unclosed></TEI>"})
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--sources", str(root)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"texts/C\.xml:1:\d+: error: ", result.stderr)


def test_wrong_root_id_is_reported(tmp_path, capsys):
    root = make_edition(tmp_path / "e", {"D": tei_source("E", "<p>Text.</p>")})
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    assert "[siglum-mismatch]" in capsys.readouterr().err


def test_paragraphs_without_ids_or_with_moved_numbers(tmp_path, capsys):
    body = """
        <p>No id.</p>
        <p xml:id="F.1.7">Numbered 1.2, id says 1.7.</p>
        <p n="1.2a" xml:id="F.1.2a">An inserted paragraph keeps the numbers after it.</p>
        <p xml:id="F.1.3">Third.</p>
    """
    root = make_edition(tmp_path / "e", {"F": tei_source("F", body)})
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert re.findall(r"\[([a-z-]+)\]$", err, re.M) == ["id-missing", "number-moved"]
    assert 'xml:id="F.1.1"' in err


def test_a_malformed_file_after_an_invalid_one_gets_only_its_own_errors(tmp_path, capsys):
    """lxml keeps the schema's messages about an earlier file in its log: a syntax error must not
    repeat them (they once came out as xml-syntax errors at column 0 of the wrong file)."""
    invalid = make_edition(tmp_path / "invalid", {"A": tei_source("A", '<p xml:id="A.1.1"><unknownThing/>x</p>')})
    assert main(["check", "--sources", str(invalid), "--quiet"]) == 1
    capsys.readouterr()
    broken = make_edition(tmp_path / "broken", {"A": tei_source("A", '<p xml:id="A.1.1"><hi>x</p>')})
    assert main(["check", "--sources", str(broken), "--quiet"]) == 1
    found = errors_of(capsys)
    assert found and all(m["code"] == "xml-syntax" and int(m["col"]) > 0 for m in found)
    assert not any("Expecting element" in m.group(0) for m in found)


def test_every_problem_in_every_file_at_once(tmp_path, capsys):
    """An XML error in one file and a typo in edition.yaml hide neither a date error nor a broken
    link in another file; pointers into the unreadable file are not blamed."""
    broken = tei_source("A", '<p xml:id="A.1.1"><hi>never closed</p>')
    other = tei_source("B", '<p xml:id="B.1.1">See <ref target="#B.1.9">there</ref> and <ref target="#A.1.1">A</ref>, '
                            'on <date when="1917-02-30">30 February 1917</date>.</p>')
    root = make_edition(tmp_path / "e", {"A": broken, "B": other}, extra_yaml="subtitel: Two Accounts\n")
    assert main(["check", "--sources", str(root)]) == 1
    err = capsys.readouterr().err
    codes = {(m["path"].rsplit("/", 1)[-1], m["code"]) for m in LOCATED.finditer(err)}
    assert {("A.xml", "xml-syntax"), ("B.xml", "dangling-pointer"), ("B.xml", "date-invalid"),
            ("edition.yaml", "settings-unknown")} <= codes
    assert "did you mean 'subtitle'?" in err
    assert "#A.1.1" not in err  # A could not be read: its ids are unknown, not missing
    assert err.rstrip().endswith("errors, 0 warnings.")


@pytest.mark.parametrize("path", ["../outside.xml", "/etc/passwd", "link/outside.xml"])
def test_paths_stay_inside_the_edition_directory(tmp_path, capsys, path):
    """A path in edition.yaml that leaves the edition directory (.., absolute, a symbolic link)
    is an error at its key, and the file outside is never read."""
    root = make_edition(tmp_path / "e", {"A": tei_source("A", '<p xml:id="A.1.1">Text.</p>')})
    (tmp_path / "outside.xml").write_text("<not-tei/>", encoding="utf-8")
    (root / "link").symlink_to(tmp_path)
    settings = root / "edition.yaml"
    settings.write_text(settings.read_text().replace("file: texts/A.xml", f"file: {path}"), encoding="utf-8")
    line = next(n for n, text in enumerate(settings.read_text().splitlines(), 1) if f"file: {path}" in text)
    assert main(["check", "--sources", str(root)]) == 1
    found = errors_of(capsys)
    assert [(m["code"], int(m["line"])) for m in found] == [("path-outside", line)]


@pytest.mark.parametrize("line, message", [("date: 2026-01-01 25:00:00", "hour must be in 0..23"),
                                           ("? [a, b]\n: x", "a key must be a plain word")])
def test_yaml_that_parses_but_makes_no_value_is_located(tmp_path, capsys, line, message):
    """Found by fuzzing: a time that does not exist, a list as a key (tracebacks once)."""
    root = make_edition(tmp_path / "e", {"A": tei_source("A", '<p xml:id="A.1.1">Text.</p>')}, extra_yaml=line + "\n")
    assert main(["check", "--sources", str(root)]) == 1
    found = errors_of(capsys)
    assert [m["code"] for m in found] == ["settings-syntax"] and int(found[0]["line"]) == 5
    assert message in found[0].group(0)


def test_a_second_check_in_the_same_process_reports_the_same_difference(tmp_path, capsys):
    """The proof of fidelity is remembered by digest in a long-lived process (the watcher): a
    second check says exactly what the first said, and a corrected source is proven again."""
    root = make_edition(tmp_path / "e", {"A": tei_source("A", '<p xml:id="A.1.1">The frist paragraph.</p>')})
    (root / "copytext").mkdir()
    (root / "copytext" / "A.txt").write_text("The Only Chapter\n\nThe first paragraph.\n", encoding="utf-8")
    settings = root / "edition.yaml"
    settings.write_text(settings.read_text().replace("copytext: none", "copytext: copytext/A.txt"), encoding="utf-8")
    outcomes = []
    for _ in range(2):
        outcomes.append((main(["check", "--sources", str(root), "-q"]), capsys.readouterr().err))
    assert outcomes[0] == outcomes[1] and outcomes[0][0] == 1 and "[copytext-differs]" in outcomes[0][1]
    source = root / "texts" / "A.xml"
    source.write_text(source.read_text().replace("frist", "first"), encoding="utf-8")
    assert main(["check", "--sources", str(root), "-q"]) == 0


def test_an_element_without_a_handler_in_the_header_builds(tmp_path):
    """The schema allows <idno> in the print source's bibl, where no handler was written: it is
    printed as text (it was a KeyError traceback)."""
    text = tei_source("A", '<p xml:id="A.1.1">Text.</p>').replace(
        "(1950).</bibl>", "(1950), <idno type=\"ISBN\">0-000-00000-0</idno>.</bibl>")
    root = make_edition(tmp_path / "e", {"A": text})
    assert main(["check", "--sources", str(root), "-q"]) == 0
    assert build(root, tmp_path / "out", "--format", "html") == 0
    assert "0-000-00000-0" in (tmp_path / "out" / "tiny.html").read_text(encoding="utf-8")
