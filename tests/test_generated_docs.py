"""The parts of docs/ made from the code (the codes, the settings) are as the code makes them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "generated_docs.py"
spec = importlib.util.spec_from_file_location("generated_docs", TOOL)
generated_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generated_docs)


@pytest.mark.parametrize("name", sorted(generated_docs.SECTIONS))
def test_the_docs_say_what_the_code_says(name):
    """Each generated section is present and current (`python tools/generated_docs.py --write`)."""
    assert generated_docs.current(name) is not None, f"no markers for '{name}' in {generated_docs.SECTIONS[name][0]}"
    assert generated_docs.current(name) == generated_docs.made(name), \
        f"{generated_docs.SECTIONS[name][0]} is stale: run python tools/generated_docs.py --write"


def test_every_setting_and_code_is_in_the_docs():
    """A key of edition.yaml or a code missing from the generated text is noticed by name."""
    from edition import codes
    from edition.read.settings import KEYS

    assert all(f"`{name}`" in generated_docs.made("codes") for name in codes.CODES)
    assert all(f"`{key}`" in generated_docs.made("settings") for key, _, _ in KEYS)
