"""The book's PDF put together from the PDFs of its parts, as WeasyPrint writes one document.

In: the parts' PDFs in book order (each laid out and written alone by WeasyPrint in a worker:
PDF/X, tagged), the book's bookmark tree (WeasyPrint's `make_bookmark_tree` of the whole book)
and, for each part, the names of its phantom anchors.  Out: one PDF of all their pages, written to
`target`.

A part written alone knows nothing of the others, so what WeasyPrint writes across one document is
rebuilt here.  The catalog (metadata, output intent, language, viewer preferences) and the info
are the first part's.  The structure trees become one: each part's top-level elements under the
first part's /Document, the parent trees' keys renumbered part after part (the pages'
/StructParents and the annotations' /StructParent with them).  The named destinations are the
union of the parts' real ones (a phantom only kept a link to another part alive, and points at
the part's first page), so every link's /Dest reaches its anchor.  The outline is written from the
book's bookmark tree as WeasyPrint's `add_outlines` writes it.  What every part has of its own
and one document has once is made one: the ICC profiles, the table headers' ids (WeasyPrint makes
them of its object numbers, so two parts can give the same).

qpdf copies a foreign object once per source PDF: the pages are copied first, so the later copy of
the part's structure tree points (/Pg, /Obj) at the copied pages and annotations.  Nothing is
left pointing at a part's own structure tree, which qpdf would then write too.  A part is open
only while it is copied: pikepdf has qpdf copy a foreign stream's data at once (immediate copy),
so the book needs nothing of a closed part, and beside the book's objects qpdf holds those of one
part (it parses the whole object stream of a WeasyPrint PDF at once), not of all of them.  The
output is deterministic: objects numbered in qpdf's traversal order, the file id derived from the
content.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Collection
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

Bookmark = tuple[str, tuple[int, float, float], list, str]  # WeasyPrint's: title, (page, x, y), children, state


def merge(parts: list[Path], target: Path, outline: list[Bookmark], phantoms: list[Collection[str]],
          walked: list[bool] | None = None) -> None:
    """Write into `target` one PDF of the parts' pages in order, with one structure tree, the
    parts' real named destinations and the book's outline.  `walked` says of each part whether its
    structure elements are to be looked through for ids and namespaces (default: all; `holds_ids`):
    the walk took 0.33 s of the 1x book's merge of 1.26 s, and two of its twenty parts have ids."""
    walked = walked or [True] * len(parts)
    with pikepdf.open(parts[0]) as book:
        root = book.Root.StructTreeRoot
        ids = _Ids(root, walked[0])
        destinations: dict[str, Array] = {}
        pages = list(book.pages)
        _collect_destinations(book, pages, phantoms[0], destinations)
        profiles = _Profiles()
        profiles.share(pages)
        offset = _next_key(root)
        for path, phantom, walk in zip(parts[1:], phantoms[1:], walked[1:]):
            with pikepdf.open(path) as part:
                pages = _append_pages(book, part)
                _collect_destinations(part, pages, phantom, destinations)
                profiles.share(pages)
                part_root = book.copy_foreign(part.Root.StructTreeRoot)
            _renumber(pages, offset)
            _adopt(root, part_root, offset, ids, walk)
            offset += _next_key(part_root)
        root.ParentTreeNextKey = _number_as_one(book, root)
        ids.write(root)
        _write_destinations(book, destinations)
        _write_outline(book, outline)
        if Name.ID in book.trailer:
            del book.trailer.ID  # the first part's: qpdf derives the book's from its content
        book.save(target, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def holds_ids(html: str | None) -> bool:
    """Whether WeasyPrint's PDF of a part's `html` (None: a blank page) may hold structure
    elements `merge` must look through (its `walked`): it gives an id to a table's header cells
    alone, and a namespace (PDF 2.0) to the /Document alone, which is not walked."""
    return html is not None and "<th" in html


def _append_pages(book: pikepdf.Pdf, part: pikepdf.Pdf) -> list[pikepdf.Page]:
    """Copy the part's pages to the end of the book; return the copies."""
    start = len(book.pages)
    for page in part.pages:
        book.pages.append(page)
    return book.pages[start:]


class _Profiles:
    """The ICC profiles of the pages' colour spaces, one of each: every part embeds the profiles of
    the book's @color-profile rules (the output intent's among them), which one document would
    embed once."""

    def __init__(self) -> None:
        self.first: dict[bytes, pikepdf.Stream] = {}  # digest of a profile -> its first stream
        self.digests: dict[tuple[int, int], bytes] = {}  # a stream -> its digest

    def share(self, pages: list[pikepdf.Page]) -> None:
        """Point the pages' /ICCBased colour spaces at the first stream of the same profile."""
        for page in pages:
            spaces = page.obj.get(Name.Resources, Dictionary()).get(Name.ColorSpace, Dictionary())
            for name, space in spaces.items():
                if isinstance(space, Array) and len(space) == 2 and space[0] == Name.ICCBased:
                    first = self.first.setdefault(self._digest(space[1]), space[1])
                    if first.objgen != space[1].objgen:
                        spaces[name] = Array([Name.ICCBased, first])

    def _digest(self, stream: pikepdf.Stream) -> bytes:
        if stream.objgen not in self.digests:
            data = stream.stream_dict.unparse(resolved=True) + stream.read_raw_bytes()
            self.digests[stream.objgen] = hashlib.sha256(data).digest()
        return self.digests[stream.objgen]


def _collect_destinations(part: pikepdf.Pdf, pages: list[pikepdf.Page], phantom: Collection[str],
                          destinations: dict[str, Array]) -> None:
    """Add the part's real named destinations not already found, pointed at the book's `pages`
    (the part's pages, in the book)."""
    names = part.Root.get(Name.Names, Dictionary()).get(Name.Dests)
    if names is None:
        return
    index = {page.obj.objgen: k for k, page in enumerate(part.pages)}
    flat = names.Names
    for k in range(0, len(flat), 2):
        name, destination = str(flat[k]), flat[k + 1]
        if name not in phantom and name not in destinations:
            destinations[name] = Array([pages[index[destination[0].objgen]].obj, *destination[1:]])


def _write_destinations(book: pikepdf.Pdf, destinations: dict[str, Array]) -> None:
    """/Names/Dests as WeasyPrint writes it: one flat array, sorted by name."""
    names = book.Root.get(Name.Names, Dictionary())
    if destinations:
        flat = [item for name in sorted(destinations) for item in (pikepdf.String(name), destinations[name])]
        names.Dests = Dictionary(Names=Array(flat))
    elif Name.Dests in names:
        del names.Dests
    if len(names):
        book.Root.Names = names
    elif Name.Names in book.Root:
        del book.Root.Names


def _write_outline(book: pikepdf.Pdf, outline: list[Bookmark]) -> None:
    """/Outlines from the book's bookmark tree, as WeasyPrint's `add_outlines` writes it (the
    parts' own outlines dropped)."""
    if Name.Outlines in book.Root:
        del book.Root.Outlines
    if outline:
        top = book.make_indirect(Dictionary())
        items, count = _outline_items(book, outline, top)
        top.Count, top.First, top.Last = count, items[0], items[-1]
        book.Root.Outlines = top


def _outline_items(book: pikepdf.Pdf, bookmarks: list[Bookmark], parent: pikepdf.Dictionary
                   ) -> tuple[list[pikepdf.Dictionary], int]:
    """The outline items of `bookmarks` under `parent`, and how many are visible (WeasyPrint's
    count: the items and the visible items below the open ones)."""
    count, items = len(bookmarks), []
    for title, (page, x, y), children, state in bookmarks:
        item = book.make_indirect(Dictionary(
            Title=pikepdf.String(title), Parent=parent,
            Dest=Array([book.pages[page].obj, Name.XYZ, x, y, 0])))
        kids, kids_count = _outline_items(book, children, item)
        item.Count = -kids_count if state == "closed" else kids_count
        if state != "closed":
            count += kids_count
        if kids:
            item.First, item.Last = kids[0], kids[-1]
        if items:
            item.Prev, items[-1].Next = items[-1], item
        items.append(item)
    return items, count


def _next_key(root: pikepdf.Dictionary) -> int:
    """The first key after a structure tree root's parent tree keys."""
    if Name.ParentTreeNextKey in root:
        return int(root.ParentTreeNextKey)
    keys = root.ParentTree.Nums[::2]
    return max(int(key) for key in keys) + 1 if keys else 0


def _renumber(pages: list[pikepdf.Page], offset: int) -> None:
    """Shift the pages' /StructParents and their annotations' /StructParent by `offset`."""
    for page in pages:
        if Name.StructParents in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get(Name.Annots, Array()):
            if Name.StructParent in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset


def _number_as_one(book: pikepdf.Pdf, root: pikepdf.Dictionary) -> int:
    """Number the parent tree as WeasyPrint numbers one document's: the pages' keys 0, 1, ... in
    order, then the annotations', page after page; the next key."""
    entries = {int(key): value for key, value in zip(root.ParentTree.Nums[::2], root.ParentTree.Nums[1::2])}
    pages = [page.obj for page in book.pages]
    owners = [page for page in pages if Name.StructParents in page]
    owners += [annotation for page in pages for annotation in page.get(Name.Annots, Array())
               if Name.StructParent in annotation]
    nums = []
    for key, owner in enumerate(owners):
        name = Name.StructParents if Name.StructParents in owner and owner.get(Name.Type) == Name.Page else Name.StructParent
        nums += [key, entries[int(owner[name])]]
        owner[name] = key
    root.ParentTree.Nums = Array(nums)  # made at once: pikepdf's Array.extend copies the array
    return len(owners)


def _adopt(root: pikepdf.Dictionary, part_root: pikepdf.Dictionary, offset: int, ids: _Ids, walk: bool) -> None:
    """Move a (copied) part's structure tree into the book's: its /Document's kids under the
    book's /Document, its parent tree's entries at keys shifted by `offset`, its namespaces and ids
    (if `walk`), role and class maps into the book's."""
    document, part_document = root.K[0], part_root.K[0]
    walked = _Walk(part_document if walk else None)
    _adopt_namespaces(root, walked.spaced)
    ids.adopt(part_root, walked)
    nums, part_nums = root.ParentTree.Nums, part_root.ParentTree.Nums
    _reparent(part_nums, part_document, document)
    for kid in part_document.K:
        kid.P = document
        document.K.append(kid)
    for k in range(0, len(part_nums), 2):
        nums.append(int(part_nums[k]) + offset)
        nums.append(part_nums[k + 1])
    for key in (Name.RoleMap, Name.ClassMap):
        if key in part_root:
            mapping = root.get(key)
            if mapping is None:
                mapping = root[key] = Dictionary()
            for name, value in part_root[key].items():
                if name not in mapping:
                    mapping[name] = value


def _reparent(nums: Array, part_document: pikepdf.Dictionary, document: pikepdf.Dictionary) -> None:
    """Parent to the book's /Document the elements of the parent tree (`nums`) and their
    ancestors whose parent is the part's: WeasyPrint parents the content of the page margins to
    /Document without listing it among its kids, and a /P left to the part's would keep the
    part's whole structure tree in the book."""
    seen: set[tuple[int, int]] = set()
    for value in nums[1::2]:
        for element in value.as_list() if isinstance(value, Array) else [value]:
            while element.objgen not in seen:
                seen.add(element.objgen)
                if element.P.objgen == part_document.objgen:
                    element.P = document
                    break
                element = element.P


def _adopt_namespaces(root: pikepdf.Dictionary, elements: list[pikepdf.Dictionary]) -> None:
    """Point the elements' /NS (the elements that have one) at the book's namespace of the same
    name (PDF 2.0), listing in the book's /Namespaces any it lacks."""
    namespaces = root.get(Name.Namespaces)
    for element in elements:
        if namespaces is None:
            namespaces = root.Namespaces = Array()
        same = next((ns for ns in namespaces if ns.NS == element.NS.NS), None)
        if same is None:
            namespaces.append(element.NS)
        else:
            element.NS = same


class _Ids:
    """The structure elements' ids (/ID) in the book.  WeasyPrint makes table headers' ids of its
    object numbers, so two parts can give the same: a later part's is renamed, and the cells'
    /Headers that name it.  An /IDTree, if a part has one, is written for the whole book."""

    def __init__(self, root: pikepdf.Dictionary, walk: bool) -> None:
        self.elements: dict[bytes, pikepdf.Dictionary] = {}
        self.tree = Name.IDTree in root
        self.elements.update((key, element) for element, key in _Walk(root.K[0] if walk else None).ids)

    def adopt(self, part_root: pikepdf.Dictionary, walked: "_Walk") -> None:
        """Take a part's ids (its elements `walked`), renaming those already taken."""
        self.tree = self.tree or Name.IDTree in part_root
        taken = set(self.elements) | {key for _, key in walked.ids}
        renamed: dict[bytes, pikepdf.String] = {}
        adopted = []
        for element, key in walked.ids:
            if key in self.elements:
                new = next(name for n in itertools.count(1) if (name := b"%s.%d" % (key, n)) not in taken)
                taken.add(new)
                renamed[key] = element.ID = pikepdf.String(new)
                key = new
            adopted.append((key, element))
        if renamed:
            for element in walked.elements:
                for attributes in _attributes(element):
                    if Name.Headers in attributes:
                        attributes.Headers = Array([renamed.get(bytes(h), h) for h in attributes.Headers])
        self.elements.update(adopted)

    def write(self, root: pikepdf.Dictionary) -> None:
        """The book's /IDTree (one flat name tree, sorted), if a part had one."""
        if self.tree:
            flat = [item for key in sorted(self.elements) for item in (pikepdf.String(key), self.elements[key])]
            root.IDTree = Dictionary(Names=Array(flat))


def _attributes(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """An element's attribute dictionaries (/A: one, or an array of them and revision numbers)."""
    attributes = element.get(Name.A)
    if attributes is None:
        return []
    return [a for a in attributes if isinstance(a, Dictionary)] if isinstance(attributes, Array) else [attributes]


class _Walk:
    """The structure elements below an element (None: none), depth first (`elements`), read once:
    those with an /ID, each with it (`ids`), and those with an /NS (`spaced`).  The 1x book has
    49,952, each looked up in pikepdf: at 4x, a walk and three passes over them took 1.7 s of the
    merge's 5.05 (cProfile)."""

    def __init__(self, element: pikepdf.Dictionary | None) -> None:
        self.elements: list[pikepdf.Dictionary] = []
        self.ids: list[tuple[pikepdf.Dictionary, bytes]] = []
        self.spaced: list[pikepdf.Dictionary] = []
        stack = [element] if element is not None else []
        while stack:
            kids = stack.pop().get(Name.K)
            if kids is None:
                continue
            for kid in kids.as_list() if isinstance(kids, Array) else [kids]:
                if isinstance(kid, Dictionary) and Name.S in kid:
                    self.elements.append(kid)
                    stack.append(kid)
                    if Name.ID in kid:
                        self.ids.append((kid, bytes(kid.ID)))
                    if Name.NS in kid:
                        self.spaced.append(kid)
