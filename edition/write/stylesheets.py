"""The stylesheets of a document WeasyPrint lays out, parsed once per process, not for every layout.

In: nothing (a context manager around `HTML.render()`).  Out: the same layout, sooner.  WeasyPrint
finds and parses a document's stylesheets (its `<style>` elements and the files its `<link>`s
name) anew for every document it renders; the build renders the same stylesheets in every
layout of a part and every document of trial paragraphs (book.css: 20 kB, about 0.1 s each).
WeasyPrint keeps its own user agent stylesheets parsed for all the documents of a process in the
same way: a parsed stylesheet is read, never changed, by the cascade.

The stylesheets found are kept under the text of every `<style>` and `<link>` element of the
document (attributes and text), the bytes of the files they name, the document's base URL and
media type and the font configuration (parsing one registers its `@font-face` fonts in it).  What
parsing them adds to the document's counter styles is added again when they are taken from the
cache, and its colour profiles read again from their files: LittleCMS writes a profile whose
description was read (the PDF's output intent is named by it) otherwise, so one object written
in two PDFs would give two profiles.  A document linking a stylesheet that is not a local file is
parsed as WeasyPrint parses it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import urllib.parse
import urllib.request
import weakref
from pathlib import Path

KEPT = 8  # sets of stylesheets kept, at most (the last ones)
# key -> (the font configuration, weakly: WeasyPrint frees its fonts when it goes; the stylesheets;
# the counter styles and colour profiles they add)
_kept: dict[tuple, tuple] = {}


@contextlib.contextmanager
def parsed_once():
    """WeasyPrint's `find_stylesheets` kept for a document whose stylesheets it found before."""
    from weasyprint import css

    find_stylesheets = css.find_stylesheets

    def found(wrapper_element, device_media_type, url_fetcher, base_url, font_config, counter_style,
              color_profiles, page_rules, layers):
        sources = _sources(wrapper_element.etree_element, base_url)
        if sources is None:
            return find_stylesheets(wrapper_element, device_media_type, url_fetcher, base_url, font_config,
                                    counter_style, color_profiles, page_rules, layers)
        key = (device_media_type, base_url, id(font_config), sources)
        held = _kept.get(key)
        if held is None or held[0]() is not font_config:
            counters, profiles = dict(counter_style), dict(color_profiles)
            sheets = list(find_stylesheets(wrapper_element, device_media_type, url_fetcher, base_url, font_config,
                                           counter_style, color_profiles, page_rules, layers))
            _kept[key] = (weakref.ref(font_config), sheets, _added(counters, counter_style),
                          _added(profiles, color_profiles))
            while len(_kept) > KEPT:
                del _kept[next(iter(_kept))]
            return iter(sheets)
        _, sheets, counters, profiles = held
        counter_style.update(counters)
        color_profiles.update({name: _fresh(profile, url_fetcher) for name, profile in profiles.items()})
        return iter(sheets)

    css.find_stylesheets = found
    try:
        yield
    finally:
        css.find_stylesheets = find_stylesheets


def _sources(root, base_url: str | None) -> tuple | None:
    """Every `<style>` and `<link>` element of the tree (tag, attributes, text), with the digest
    of the local file a link names; None if one names a file that is not local."""
    from weasyprint.html import parse_url

    found = []
    for element in root.iter():
        if element.tag not in ("style", "link"):
            continue
        digest = ""
        if element.tag == "link" and element.get("href"):
            url = parse_url(element.get("href"), base_url)
            parsed = urllib.parse.urlsplit(url or "")
            if parsed.scheme != "file":
                return None
            try:
                digest = hashlib.sha256(Path(urllib.request.url2pathname(parsed.path)).read_bytes()).hexdigest()
            except OSError:
                return None
        found.append((element.tag, tuple(element.attrib.items()), element.text, digest))
    return tuple(found)


def _fresh(profile, url_fetcher):
    """A colour profile read again from its file, as WeasyPrint reads it: each document writes its
    own (LittleCMS writes a profile it has read a tag of otherwise, and WeasyPrint reads the output
    intent's description as it writes a PDF)."""
    from weasyprint.css import ColorProfile
    from weasyprint.urls import fetch

    with fetch(url_fetcher, profile.src) as response:
        return ColorProfile(response, profile.src, profile.rendering_intent, profile.components)


def profile_sources(profiles: dict) -> dict[str, tuple]:
    """What makes a document's colour profiles again (`profiles_again`), taken before it is
    written: each one's bytes as read, URL, rendering intent and components.  A kept layout is
    written again with profiles made from them, not from their files, which a build that kept it
    on a Dask worker may have deleted since."""
    return {name: (profile.content, profile.src, profile.rendering_intent, profile.components)
            for name, profile in profiles.items()}


def profiles_again(sources: dict[str, tuple]) -> dict:
    """Colour profiles made anew from `profile_sources`, none of their tags read yet."""
    from weasyprint.css import ColorProfile

    return {name: ColorProfile(io.BytesIO(data), src, intent, components)
            for name, (data, src, intent, components) in sources.items()}


def _added(before: dict, after: dict) -> dict:
    """What `after` holds that `before` did not, or holds otherwise."""
    return {key: value for key, value in after.items() if key not in before or before[key] is not value}
