"""Same sources, same bytes: a second build is identical to the session's build."""

from conftest import SOURCES, build


def test_second_build_is_byte_identical(built, tmp_path):
    assert build(SOURCES, tmp_path) == 0
    for name in (built.pdf.name, built.epub.name, built.html.name):
        assert (tmp_path / name).read_bytes() == (built.out / name).read_bytes(), name
