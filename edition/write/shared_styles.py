"""Computed styles shared by every document a process lays out, not computed again for each.

In: nothing (a context manager around `HTML.render()`).  Out: the same layout, sooner.
WeasyPrint's cascade gives two elements of a document the same computed style when they have
the same parent style, the same style attributes and the same matching rules, and computes a
style's properties once, when a layout first asks for them.  But its cache lives as long as the
document, and it computes the style of every pseudo-element anew (its user agent stylesheet
gives every element a `::marker`, a `::footnote-call` and a `::footnote-marker`); and the build
lays out the same part many times (its corrections, then its numbers), and trial paragraphs, in
the same stylesheets, so each layout computed again what the last one had.

`applied` keeps the cache for all the documents of a process, under their base URL and font
configuration: an element whose parent's style, own declarations and matched rules (from the
same stylesheets, parsed once per process: stylesheets.py) are those of an element of an
earlier document is given that element's style, its properties computed already; and each of
its pseudo-elements the style that pseudo-element had there.  A pseudo-element's style depends
on its element's style and on the rules matched for it, which the element's key holds (each
with the pseudo-element it is for).  The rules are the same objects, so the key holds the
stylesheets (and through them their declarations) alive, and a style's id stays its own.  An
element's own declarations (its `style`, its `lang`, an `<a name>`'s anchor) are parsed anew for
each document, so they are compared by their text, all of them: WeasyPrint's key holds the last
alone, an object of its own; compared by text, that would give two paragraphs of the same
language, one red and one blue, the same style.

A computed style holds no element nor document: its parent's and the root's styles, its
cascaded values, the base URL and the font configuration, and the page sizes of the document it
was made for (for lengths in viewport units, which the print stylesheets do not use: the book's
documents share their page sizes).  What a layout sets on a style (its anonymous boxes' style)
is the same for every document; cycles.py spares the shared styles when it frees a layout.
A style made for another document is given the anchor it declares (an `<a name>`'s) in this
one's targets, as WeasyPrint gives one it makes.
"""

from __future__ import annotations

import contextlib

LIMIT = 200_000  # styles shared, at most: the cache starts again beyond

_shared: dict[tuple, dict] = {}  # (base URL, id of the font configuration) -> {key: style}
_fonts: list = []  # the font configuration of the styles shared (held, so that its id stays its own)

# WeasyPrint's cache of a document's element styles, an element's own declarations (all of them:
# WeasyPrint keeps the last attribute's), the cache's key, each rule matched in it, and the styles
# of the pseudo-elements
CACHE = ("computed_cache = {}", "computed_cache = _shared_cache(html.base_url, font_config, target_collector)")
OWN = ("elements_declarations[element] = tuple(declarations)",
       "elements_declarations[element] = elements_declarations.get(element, ()) + tuple(declarations)")
KEY = ("key = (parent_id, element_declarations, tuple(selectors_keys))",
       "key = (parent_id, _declared(element_declarations), tuple(selectors_keys))")
RULE = ("(sheet, specificity, id(declarations), layer_order))",
        "(sheet, specificity, id(declarations), layer_order, pseudo_type))")
PSEUDO = ("self.set_computed_styles(\n                    element, pseudo_type=pseudo_type,",
          "computed_cache.pseudo(self,\n                    element, pseudo_type=pseudo_type,")


@contextlib.contextmanager
def applied():
    """While inside, documents share computed styles (with those of the documents laid out
    inside before)."""
    from weasyprint import css

    from .layout_fixes import rewritten

    init = css.StyleFor.__init__
    shared = rewritten(css, init, CACHE, OWN, KEY, RULE, PSEUDO)
    shared.__globals__.update(_shared_cache=_cache, _declared=_declared)
    css.StyleFor.__init__ = shared
    try:
        yield
    finally:
        css.StyleFor.__init__ = init


def spared() -> set[int]:
    """The ids of the styles shared, and of the anonymous styles they made: not to be unlinked
    when a layout is freed (cycles.broken)."""
    found = set()
    for styles in _shared.values():
        for style in styles.values():
            while style is not None and id(style) not in found:
                found.add(id(style))
                style = style.__dict__.get("anonymous_style")
    return found


def _cache(base_url: str | None, font_config, target_collector) -> "_Shared":
    """The styles shared by the documents of `base_url` laid out with `font_config`, as the
    cascade of a document with `target_collector` uses them."""
    if not _fonts or _fonts[0] is not font_config or sum(map(len, _shared.values())) > LIMIT:
        _shared.clear()
        _fonts[:] = [font_config]
    return _Shared(_shared.setdefault((base_url, id(font_config)), {}), target_collector)


class _Shared:
    """A document's cache of element styles (`key in`, `[key]`, `[key] =`), kept in `styles`,
    and the maker of its pseudo-elements' styles (`pseudo`)."""

    def __init__(self, styles: dict, target_collector) -> None:
        self.styles, self.target_collector, self.made = styles, target_collector, set()

    def __contains__(self, key) -> bool:
        return key in self.styles

    def __getitem__(self, key):
        style = self.styles[key]
        if key not in self.made:  # made for another document
            self.made.add(key)
            if self.target_collector and style["anchor"]:
                self.target_collector.collect_anchor(style["anchor"])
        return style

    def __setitem__(self, key, style) -> None:
        self.styles[key] = style
        self.made.add(key)

    def pseudo(self, style_for, element, pseudo_type: str, **kwargs) -> None:
        """`style_for.set_computed_styles` of the pseudo-element, or the style it had before."""
        computed = style_for.get_computed_styles()
        key = (id(computed[element, None]), pseudo_type)
        if key in self:
            computed[element, pseudo_type] = self[key]
        else:
            style_for.set_computed_styles(element, pseudo_type=pseudo_type, **kwargs)
            self[key] = computed[element, pseudo_type]


def _declared(declarations) -> str | None:
    """An element's own declarations (WeasyPrint's, parsed) as a key: their text."""
    import tinycss2

    return None if declarations is None else tinycss2.serialize(declarations)
