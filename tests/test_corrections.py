"""The typesetter's corrections cache (edition/write/corrections.py): what a rebuild, a changed
source and a draft take from the last build."""

from __future__ import annotations

import json

from edition.write.corrections import SPACINGS, TRIAL, Corrections


def saved(tmp_path, fingerprint: str):
    trial = {spacing: [3, 0.3, 0, 0][: len(TRIAL)] for spacing in SPACINGS}
    corrections = Corrections({"d1": trial}, {"p1": "spacing-loose-1", "c1": "opening-less"},
                              {"n1": [12, "p2", 30]}, fingerprint)
    corrections.digests = {"p1": "d1"}
    path = tmp_path / ".corrections.json"
    corrections.save(path)
    return path


def test_the_same_sources_take_the_last_builds_fills(tmp_path):
    loaded = Corrections.load(saved(tmp_path, "A"), "A")
    assert loaded.remembered
    assert loaded.fills == {"c1": "opening-less", "p1": "spacing-loose-1"} and loaded.splits == {"n1": [12, "p2", 30]}
    assert set(loaded.trials) == {"d1"}


def test_changed_sources_keep_only_the_trials(tmp_path):
    loaded = Corrections.load(saved(tmp_path, "A"), "B")
    assert not loaded.remembered and loaded.fills == {} and loaded.splits == {}
    assert set(loaded.trials) == {"d1"}  # a paragraph's trials depend on the paragraph alone


def test_a_draft_uses_the_last_fills_but_leaves_them_to_be_decided_again(tmp_path):
    path = saved(tmp_path, "A")
    loaded = Corrections.load(path, "B", draft=True)
    assert not loaded.remembered
    assert loaded.fills == {"c1": "opening-less", "p1": "spacing-loose-1"}
    loaded.digests = {"p1": "d1"}
    loaded.save(path)
    assert json.loads(path.read_text())["fingerprint"] == "A"  # the next full build mends again
    assert not Corrections.load(path, "B").remembered
