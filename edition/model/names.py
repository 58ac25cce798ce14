"""Mentions of registered persons and places: explicit markup first, then the registers' variants.

In: the `Edition` with its registers read.  Out: `Edition.mentions`, and the text trees changed in
memory only: every automatic match is wrapped in an `<rs ref="#id" type="person|place">`, so the
one TEI-to-HTML mapping renders explicit and automatic mentions alike.  Diagnostics: a form that
names several entries and has no default is ambiguous (error) unless the text marks it; an
explicit name element without @ref that matches no entry is reported as unregistered (warning).
Matching is word-bounded and case-aware: 'Koba' and 'the steel one' match as written.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from ..diagnostics import Report
from ..read.reader import UNREAD_ANY, plain_text
from ..read.tei import local, substitute, tei
from . import elements
from .elements import NAME_ELEMENTS
from .records import Edition, Entity, Mention

KINDS = {"persName": "person", "placeName": "place"}  # what each kind of name must point to


def _is_skipped(element) -> bool:
    """Where names are not looked for: what the reader does not see, dates, titles of works, pointers."""
    return not elements.links_inside(element, elements.NAMES)


class Matcher:
    """All variant forms of the persons and places, longest first."""

    def __init__(self, entities: list[Entity]):
        self.forms: dict[str, list[tuple[Entity, bool]]] = defaultdict(list)
        for entity in entities:
            for form, default in entity.variants:
                if form:
                    self.forms[form].append((entity, default))
        alternatives = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<![\w’'-])(?:{alternatives})(?![\w-])") if self.forms else None

    def resolve(self, form: str) -> Entity | None:
        """The entry a form names: the only one, or the default among several; None if ambiguous."""
        candidates = self.forms[form]
        if len(candidates) == 1:
            return candidates[0][0]
        defaults = [entity for entity, default in candidates if default]
        return defaults[0] if len(defaults) == 1 else None


def link_mentions(edition: Edition, report: Report) -> None:
    if UNREAD_ANY in edition.unread:  # a register may be what could not be read: nothing to say
        return
    entities = [e for e in edition.entities.values() if e.kind in ("person", "place")]
    matcher = Matcher(entities)
    counter = iter(range(1, 10**9))
    ambiguous_seen: set[tuple[int, str]] = set()
    for source in edition.sources:
        file = source.file
        for chapter in source.chapters:
            def explicit(element) -> None:
                ref = (element.get("ref") or "").split()
                key = ref[0].lstrip("#") if ref else ""
                entity = edition.entities.get(key)
                text = plain_text(element)
                kind = KINDS.get(local(element))
                if entity is not None and kind and entity.kind != kind:
                    report.add(file.locate(element, "ref"), "name-kind",
                               f"<{local(element)}> points to #{entity.id}, which is a {entity.kind}, not a {kind}")
                if entity is not None:
                    edition.mentions.append(Mention(f"m.{next(counter)}", entity, element, edition.block_of(element), False))
                elif source.lenient:
                    pass  # names in a file made elsewhere point to its own registers, or to none
                elif not ref and local(element) != "rs" and text not in matcher.forms:
                    report.add(file.locate(element), "name-unregistered",
                                   f"'{text}' is tagged as a name but is in no register: add it, or give @ref")
                elif not ref and text in matcher.forms:
                    report.add(file.locate(element), "name-unlinked",
                                   f"'{text}' is tagged without @ref: say which entry it names "
                                   f"({', '.join('#' + e.id for e, _ in matcher.forms[text])})")

            def mention(match, parent):
                """An rs element for a name found in the text, or None (ambiguous: reported)."""
                form = match.group(0)
                entity = matcher.resolve(form)
                if entity is None:
                    key = (id(parent), form)
                    if key not in ambiguous_seen:
                        ambiguous_seen.add(key)
                        names = ", ".join(f"#{e.id}" for e, _ in matcher.forms[form])
                        report.add(file.locate(parent), "name-ambiguous",
                                     f"'{form}' may name {names}: mark it, e.g. "
                                     f"<{'persName' if matcher.forms[form][0][0].kind == 'person' else 'placeName'} "
                                     f"ref=\"#{matcher.forms[form][0][0].id}\">{form}</…>, or make one entry's form the default")
                    return None
                rs = etree.Element(tei("rs"), {"ref": f"#{entity.id}", "type": entity.kind})
                rs.text = form
                edition.mentions.append(Mention(f"m.{next(counter)}", entity, rs, edition.block_of(parent), True))
                return rs

            def walk(element) -> None:
                if _is_skipped(element):
                    return
                if local(element) in NAME_ELEMENTS:
                    explicit(element)
                    return
                if matcher.pattern is None:  # no register forms: only the explicit names to look at
                    for child in element:
                        if isinstance(child.tag, str):
                            walk(child)
                    return
                substitute(element, matcher.pattern, lambda match: mention(match, element), walk)

            walk(chapter.element)
