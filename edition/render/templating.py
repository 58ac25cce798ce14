"""Jinja environment and the serialisation of rendered fragments.

In: template names and plain data prepared by a writer.  Out: text.  Templates live in the
repository's `templates/` folder; they hold presentation only (no TEI logic).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from lxml import etree
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "xhtml", "xml", "opf", "jinja"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context) -> str:
    return environment().get_template(name).render(**context)


def fragment(element: etree._Element, xhtml: bool = False) -> Markup:
    """An element rendered by render/html.py as markup for a template (HTML or XHTML syntax)."""
    method = "xml" if xhtml else "html"
    return Markup(etree.tostring(element, method=method, encoding="unicode", with_tail=False))
