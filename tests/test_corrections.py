"""The typesetter's corrections cache (edition/write/corrections.py): what a rebuild, a changed
source and a draft take from the last build."""

from __future__ import annotations

import json

from edition.write.corrections import SPACINGS, TRIAL, Corrections

OWNERS = {"p1": "part-A", "c1": "part-B", "n1": "part-B"}  # each id's part


def saved(tmp_path):
    trial = {spacing: [3, 0.3, 0, 0][: len(TRIAL)] for spacing in SPACINGS}
    corrections = Corrections({"d1": trial}, {"p1": "spacing-loose-1", "c1": "opening-less", "p1-display": "display-tight"},
                              {"n1": [12, "p2", 30]})
    corrections.digests = {"p1": "d1"}
    path = tmp_path / ".corrections.json"
    corrections.save(path, {"part-A": "a", "part-B": "b"})
    return path


def test_the_same_sources_take_the_last_builds_fills(tmp_path):
    loaded = Corrections.load(saved(tmp_path))
    loaded.recall({"part-A": "a", "part-B": "b"}, OWNERS)
    assert loaded.remembered == {"part-A", "part-B"}
    assert loaded.fills == {"c1": "opening-less", "p1": "spacing-loose-1", "p1-display": "display-tight"}
    assert loaded.splits == {"n1": [12, "p2", 30]}
    assert set(loaded.trials) == {"d1"}


def test_a_changed_part_loses_its_fills_and_the_others_keep_theirs(tmp_path):
    loaded = Corrections.load(saved(tmp_path))
    loaded.recall({"part-A": "a", "part-B": "changed"}, OWNERS)
    assert loaded.remembered == {"part-A"}
    assert loaded.fills == {"p1": "spacing-loose-1", "p1-display": "display-tight"} and loaded.splits == {}
    assert set(loaded.trials) == {"d1"}  # a paragraph's trials depend on the paragraph alone


def test_a_draft_uses_the_last_fills_but_leaves_them_to_be_decided_again(tmp_path):
    path = saved(tmp_path)
    loaded = Corrections.load(path)
    loaded.recall({"part-A": "changed", "part-B": "changed"}, OWNERS, draft=True)
    assert not loaded.remembered
    assert set(loaded.fills) == {"c1", "p1", "p1-display"}
    loaded.digests = {"p1": "d1"}
    loaded.save(path)
    assert json.loads(path.read_text())["parts"] == {"part-A": "a", "part-B": "b"}  # the next full build mends again
    again = Corrections.load(path)
    again.recall({"part-A": "changed", "part-B": "b"}, OWNERS)
    assert again.remembered == {"part-B"} and again.fills == {"c1": "opening-less"}


def test_no_cache_no_fills(tmp_path):
    loaded = Corrections.load(tmp_path / "missing.json")
    loaded.recall({"part-A": "a"}, OWNERS)
    assert not loaded.remembered and not loaded.fills


def test_a_rebuild_gives_unchanged_paragraphs_the_spacing_the_last_build_gave_them(tmp_path):
    """The loose-line mending chose a spacing from the book's median word space, which only a
    layout tells: a rebuild takes that choice, by the paragraph's digest, for the paragraphs that
    have not changed, even one whose trial was made before its parallels moved (no trial now)."""
    from edition.check.layout import Limits
    from edition.write.corrections import apply_known

    trial = {spacing: [3, 0.3, 0, 0] for spacing in SPACINGS}
    html = tmp_path / "book.html"
    html.write_text('<html><head></head><body><p id="p1" class="numbered">One.</p>'
                    '<p id="p2" class="numbered">Two.</p><p id="p3" class="numbered">Three.</p></body></html>')
    corrections = Corrections({}, {})
    apply_known(corrections, html, Limits())  # reads the paragraphs' digests
    d1, d2, d3 = (corrections.digests[key] for key in ("p1", "p2", "p3"))
    corrections.trials = {d1: trial}
    corrections.spacing = {"p1": "spacing-tight-1", "p2": "spacing-loose-2"}  # p2: its trial made under another digest
    path = tmp_path / ".corrections.json"
    corrections.save(path, {})
    again = Corrections.load(path)
    apply_known(again, html, Limits())
    assert again.spacing == {"p1": "spacing-tight-1", "p2": "spacing-loose-2"}
    html.write_text(html.read_text().replace("Two.", "Two, changed."))
    again = Corrections.load(path)
    apply_known(again, html, Limits())
    assert again.spacing == {"p1": "spacing-tight-1"}
