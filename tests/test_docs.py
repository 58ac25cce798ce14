"""Docs that cannot drift: docs/encoding.md's element reference names exactly the elements the
schema accepts and the renderer maps; every table of the docs renders as one."""

from __future__ import annotations

import re

from conftest import ROOT

from edition.read.tei import schema_names
from edition.model.elements import TRAITS


def documented_elements() -> list[str]:
    """The names in the first column of docs/encoding.md's element reference, in order."""
    text = (ROOT / "docs" / "encoding.md").read_text(encoding="utf-8")
    section = text.split("\n## Element reference\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`([A-Za-z]+)`", row.split("|")[1])]


def test_the_element_reference_lists_every_element_once():
    documented = documented_elements()
    missing = sorted(schema_names() - set(documented))
    extra = sorted(set(documented) - schema_names() - set(TRAITS))
    assert not missing and not extra, f"docs/encoding.md's element reference: missing {missing}, not in the code {extra}"
    assert len(documented) == len(set(documented)), "an element is listed twice"


def test_every_table_of_the_docs_holds_together():
    """A table row after a blank line is no table row: it renders as a paragraph of pipes."""
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        lines = path.read_text(encoding="utf-8").splitlines()
        for k, line in enumerate(lines):
            if line.startswith("|") and not (k and lines[k - 1].startswith("|")):
                following = lines[k + 1] if k + 1 < len(lines) else ""
                assert re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", following), f"{path.name}:{k + 1}: a row outside its table"
        rows = [line for line in lines if line.startswith("|")]
        assert all(line.rstrip().endswith("|") for line in rows), path.name
