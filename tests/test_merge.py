"""write/merge.py: parts laid out and written by WeasyPrint one by one, put together as one PDF."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
import types
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from hypothesis import given, settings
from hypothesis import strategies as st
from pikepdf import Array, Dictionary, Name

from edition.write import parts
from edition.write.merge import holds_ids, merge
from edition.write.output_intent import DEFAULT_PROFILE

STYLE = ("<style>@page { size: A6; @top-center { content: 'Running head' } } .closed { bookmark-state: closed }"
         f" @color-profile --output-intent {{ src: url({DEFAULT_PROFILE.as_uri()}); components: c, m, y, k; }}"
         " p { color: color(--output-intent 0 0 0 1) }</style>")
SOURCE = ('<h1 id="{k}-top"{closed}>{title}</h1>'
          "<table><tr><th>Siglum</th><th>Folio</th></tr><tr><td>{siglum}</td><td>{folio}</td></tr></table>"
          '<p>{first} <a href="#{first_link}">link</a></p>'
          '<h2 id="{k}-second" style="break-before: page">{second}</h2>'
          '<p id="{k}-target">{third} <a href="#{third_link}">link</a></p>')
PARTS = [  # front matter, a blank page, two sources (the same shapes: their tables' ids are the same)
    ('<h1 id="toc">Front matter</h1><p>alpha <a href="#p3-target">to the third</a>'
     ' <a href="#p2-second">to the second</a> <a href="#toc">to the top</a></p>'),
    "<style>@page { @top-center { content: none } }</style><div></div>",
    SOURCE.format(k="p2", closed="", title="Source one", siglum="A", folio="1r", first="bravo",
                  first_link="toc", second="Second page", third="charlie", third_link="p3-target"),
    SOURCE.format(k="p3", closed=' class="closed"', title="Source two", siglum="B", folio="2v",
                  first="delta", first_link="p2-second", second="Notes", third="echo", third_link="p3-top")
    + '<p id="p2-top">foxtrot, a second anchor of the name: the first one is the one</p>',
]
ANCHOR_TEXT = {"toc": "Front matter", "p2-top": "Source one", "p2-second": "Second page",
               "p2-target": "charlie", "p3-top": "Source two", "p3-second": "Notes", "p3-target": "echo"}


@dataclasses.dataclass
class Part:
    path: Path
    phantoms: set[str]
    bookmarks: list


def write_part(html: str, path: Path, **options) -> Part:
    """A part as the workers write it: laid out alone, a phantom anchor on its first page for
    every link to an anchor it lacks (so WeasyPrint keeps the link), written tagged (PDF/X-4
    unless `options` say otherwise) with SOURCE_DATE_EPOCH=0."""
    document = weasyprint.HTML(string=f'<html lang="en"><head>{STYLE}</head><body>{html}</body></html>',
                               base_url=str(path.parent)).render()
    anchors = {name for page in document.pages for name in page.anchors}
    targets = {link[1] for page in document.pages for link in page.links if link[0] == "internal"}
    phantoms = targets - anchors
    for name in sorted(phantoms):
        document.pages[0].anchors[name] = (0, 0, 0, 0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "0")
        document.write_pdf(str(path), **(options or {"pdf_variant": "pdf/x-4"}), pdf_tags=True)
    return Part(path, phantoms, document.make_bookmark_tree(scale=0.75, transform_pages=True))


def book_outline(parts: list[Part], sizes: list[int]) -> list:
    """The parts' bookmarks as the book's (each part begins with an h1: the trees follow on)."""
    def shifted(bookmarks, start):
        return [(title, (page + start, x, y), shifted(children, start), state)
                for title, (page, x, y), children, state in bookmarks]
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    return [bookmark for part, start in zip(parts, starts) for bookmark in shifted(part.bookmarks, start)]


def page_texts(path: Path) -> list[str]:
    """pdftotext's text of every page, its white space single spaces."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


@dataclasses.dataclass
class Book:
    parts: list[Part]
    outline: list
    path: Path  # the parts merged


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Book:
    folder = tmp_path_factory.mktemp("merge")
    parts = [write_part(html, folder / f"part{k}.pdf") for k, html in enumerate(PARTS)]
    sizes = [len(pikepdf.open(part.path).pages) for part in parts]
    assert sizes == [1, 1, 2, 2]
    made = Book(parts, book_outline(parts, sizes), folder / "book.pdf")
    merge([part.path for part in parts], made.path, made.outline, [part.phantoms for part in parts])
    return made


def test_pages_in_order(book):
    expected = [text for part in book.parts for text in page_texts(part.path)]
    assert page_texts(book.path) == expected
    assert "alpha" in expected[0] and expected[1] == "" and "echo" in expected[5]


def destinations(pdf: pikepdf.Pdf) -> dict[str, int]:
    """Named destination -> page index, from a flat sorted /Names/Dests (as WeasyPrint writes it)."""
    flat = pdf.Root.Names.Dests.Names
    names = [str(name) for name in flat[::2]]
    assert names == sorted(names) and len(set(names)) == len(names)
    pages = {page.objgen: k for k, page in enumerate(pdf.pages)}
    return {name: pages[destination[0].objgen] for name, destination in zip(names, flat[1::2])}


def test_links_reach_their_anchors(book):
    """Every named destination is on the page of its anchor's text (the first part's where two
    parts have the name; never a phantom's first page), and every link names one."""
    texts = page_texts(book.path)
    pdf = pikepdf.open(book.path)
    found = destinations(pdf)
    assert set(found) == set(ANCHOR_TEXT)
    for name, page in found.items():
        assert [page] == [k for k, text in enumerate(texts) if ANCHOR_TEXT[name] in text], name
    links = [str(annotation.Dest) for page in pdf.pages
             for annotation in page.get(Name.Annots, Array()) if Name.Dest in annotation]
    assert len(links) == sum(len(page.get(Name.Annots, ())) for part in book.parts
                             for page in pikepdf.open(part.path).pages) > 7  # a link across lines has two
    assert set(links) <= set(found) and "p3-target" in links  # a phantom in the first part


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """The structure elements, in reading order (checking each kid's /P)."""
    found = []

    def walk(element):
        found.append(element)
        for kid in element.K.as_list() if isinstance(element.K, Array) else [element.K]:
            if isinstance(kid, Dictionary) and Name.S in kid:
                assert kid.P.objgen == element.objgen
                walk(kid)

    walk(pdf.Root.StructTreeRoot.K[0])
    return found


def top_level(path: Path) -> list[tuple[str, int]]:
    """(tag, page index) of the kids of a PDF's /Document."""
    pdf = pikepdf.open(path)
    pages = {page.objgen: k for k, page in enumerate(pdf.pages)}
    return [(str(kid.S), pages[kid.Pg.objgen]) for kid in pdf.Root.StructTreeRoot.K[0].K]


def test_one_structure_tree(book):
    """One /Document holding the parts' elements in order, on the book's pages; the parent tree
    renumbered with the pages and annotations; the table headers' ids unique."""
    pdf = pikepdf.open(book.path)
    root = pdf.Root.StructTreeRoot
    kinds = [(str(o.get(Name.Type)), str(o.get(Name.S))) for o in pdf.objects if isinstance(o, Dictionary)]
    assert kinds.count(("/StructTreeRoot", "None")) == 1 and kinds.count(("/StructElem", "/Document")) == 1
    assert len(root.K) == 1 and root.K[0].S == Name.Document and root.K[0].P.objgen == root.objgen

    # The parts' top-level elements, in order, on their pages in the book.
    starts = [0, 1, 2, 4]
    expected = [(tag, page + start) for part, start in zip(book.parts, starts) for tag, page in top_level(part.path)]
    assert top_level(book.path) == expected
    assert [tag for tag, _ in expected].count("/H1") == 3

    # Every element on a page of the book; every annotation it holds on that page.
    pages = {page.objgen: k for k, page in enumerate(pdf.pages)}
    annotations = {a.objgen: k for k, page in enumerate(pdf.pages) for a in page.get(Name.Annots, Array())}
    elements = structure(pdf)
    marked: dict[tuple[int, int], tuple[int, int]] = {}  # (page, MCID) -> element
    held: dict[tuple[int, int], tuple[int, int]] = {}  # annotation -> element
    document = root.K[0].objgen
    tree = root.ParentTree.Nums
    margins = [e for value in tree[1::2] for e in (value if isinstance(value, Array) else [value])]
    for element in elements + margins:
        up = element  # margin content is in the parent tree only: its parent is the book's /Document
        while up.objgen != document:
            up = up.P
        page = pages[element.Pg.objgen] if Name.Pg in element else None
        for kid in element.K.as_list() if isinstance(element.K, Array) else [element.K]:
            if isinstance(kid, int):
                marked[page, kid] = element.objgen
            elif isinstance(kid, Dictionary) and kid.get(Name.Type) == Name.OBJR:
                assert annotations[kid.Obj.objgen] == pages[kid.Pg.objgen] == page
                held[kid.Obj.objgen] = element.objgen

    # The parent tree: unique keys, each page's entry its marked elements by MCID, each link's its element.
    keys = [int(key) for key in tree[::2]]
    assert keys == sorted(set(keys)) and int(root.ParentTreeNextKey) > max(keys)
    entries = dict(zip(keys, tree[1::2]))
    used = []
    for k, page in enumerate(pdf.pages):
        used.append(int(page.StructParents))
        entry = [element.objgen for element in entries[int(page.StructParents)]]
        assert entry == [marked[k, mcid] for mcid in range(len(entry))]
        assert len(entry) == len([key for key in marked if key[0] == k])
        for annotation in page.get(Name.Annots, Array()):
            used.append(int(annotation.StructParent))
            assert entries[int(annotation.StructParent)].objgen == held[annotation.objgen]
    assert sorted(used) == keys and len(held) == len(annotations)

    # Table header ids: both sources' were the same; in the book they are unique and the cells name theirs.
    part_pdfs = [pikepdf.open(part.path) for part in book.parts]
    part_ids = [sorted(str(e.ID) for e in structure(part_pdf) if Name.ID in e) for part_pdf in part_pdfs]
    assert part_ids[2] and part_ids[2] == part_ids[3]
    ids = [str(e.ID) for e in elements if Name.ID in e]
    assert len(ids) == len(set(ids)) == 4
    headers = {str(e.ID): e for e in elements if Name.ID in e}

    def table(element):
        while element.S != Name.Table:
            element = element.P
        return element.objgen

    cells = [e for e in elements if e.S == Name.TD]
    assert len(cells) == 4
    for cell in cells:
        for header in cell.A.Headers:
            assert headers[str(header)].S == Name.TH and table(headers[str(header)]) == table(cell)


def test_outline(book):
    """The book's bookmarks: titles, nesting, pages, WeasyPrint's counts (a closed item's negative)."""
    pdf = pikepdf.open(book.path)
    pages = {page.objgen: k for k, page in enumerate(pdf.pages)}

    def items(parent):
        found, item = [], parent.get(Name.First)
        while item is not None:
            assert item.Parent.objgen == parent.objgen
            found.append((str(item.Title), pages[item.Dest[0].objgen], items(item), int(item.Count)))
            item = item.get(Name.Next)
        return found

    assert items(pdf.Root.Outlines) == [
        ("Front matter", 0, [], 0),
        ("Source one", 2, [("Second page", 3, [], 0)], 1),
        ("Source two", 4, [("Notes", 5, [], 0)], -1),
    ]
    assert int(pdf.Root.Outlines.Count) == 4  # three items and the open one's child
    x, y = book.outline[1][1][1:]
    assert [float(v) for v in pdf.Root.Outlines.First.Next.Dest[2:4]] == pytest.approx([x, y], abs=1e-3)


def test_one_profile(book):
    """Every part embeds the output intent's profile: the book, once."""
    pdf = pikepdf.open(book.path)
    profiles = [o.objgen for o in pdf.objects if isinstance(o, pikepdf.Stream) and Name.N in o and Name.Type not in o]
    assert profiles == [pdf.Root.OutputIntents[0].DestOutputProfile.objgen]
    assert {page.Resources.ColorSpace["/--output-intent"][1].objgen for page in pdf.pages} == set(profiles)


def test_qpdf_check(book):
    result = subprocess.run(["qpdf", "--check", str(book.path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_deterministic(book, tmp_path):
    """The same parts give the same bytes, in another process too (another hash seed: no order of
    a set comes through)."""
    again = tmp_path / "again.pdf"
    arguments = ([part.path for part in book.parts], again, book.outline, [part.phantoms for part in book.parts])
    script = "import pickle, sys; from edition.write.merge import merge; merge(*pickle.load(sys.stdin.buffer))"
    subprocess.run([sys.executable, "-c", script], input=pickle.dumps(arguments), check=True,
                   cwd=Path(__file__).parents[1], env={**os.environ, "PYTHONHASHSEED": "1"})
    assert again.read_bytes() == book.path.read_bytes()


def test_only_the_parts_with_table_headers_are_walked_for_ids_and_the_book_is_the_same(book, tmp_path):
    """WeasyPrint gives an id to a table's header cells alone: the parts whose HTML has none are
    not looked through (`holds_ids`), and the book is the same bytes as with every part walked,
    the ids the two sources' tables share made unique all the same."""
    walked = [holds_ids(html) for html in PARTS]
    assert walked == [False, False, True, True]
    merge([part.path for part in book.parts], tmp_path / "walked.pdf", book.outline,
          [part.phantoms for part in book.parts], walked)
    assert (tmp_path / "walked.pdf").read_bytes() == book.path.read_bytes()


def test_what_other_writers_add(tmp_path):
    """PDF 2.0 namespaces on elements, role and class maps, an id tree (WeasyPrint writes none of
    them, other writers do): merged, the elements naming the book's namespace, a taken id renamed."""
    parts = [write_part(html, tmp_path / f"part{k}.pdf", pdf_version="2.0")
             for k, html in enumerate(("<h1>One</h1>", "<h1>Two</h1>"))]
    for k, part in enumerate(parts):
        with pikepdf.open(part.path, allow_overwriting_input=True) as pdf:
            root = pdf.Root.StructTreeRoot
            heading = root.K[0].K[0]
            heading.NS, heading.ID = root.Namespaces[0], pikepdf.String("x")
            root.IDTree = Dictionary(Names=Array([pikepdf.String("x"), heading]))
            root.RoleMap = Dictionary({"/Chapter": [Name.Sect, Name.Div][k], f"/Role{k}": Name.P})
            root.ClassMap = Dictionary({f"/Class{k}": Dictionary(O=Name.Layout)})
            pdf.save()
    merge([part.path for part in parts], tmp_path / "book.pdf", [], [set(), set()])
    pdf = pikepdf.open(tmp_path / "book.pdf")
    assert Name.Outlines not in pdf.Root  # the book's outline (none here), not the parts'
    root = pdf.Root.StructTreeRoot
    headings = list(root.K[0].K)
    assert [str(ns.NS) for ns in root.Namespaces] == ["http://iso.org/pdf2/ssn"]
    assert [heading.NS.objgen for heading in headings] == [root.Namespaces[0].objgen] * 2
    assert sum(1 for o in pdf.objects if isinstance(o, Dictionary) and o.get(Name.Type) == Name.Namespace) == 1
    assert dict(root.RoleMap.items()) == {"/Chapter": Name.Sect, "/Role0": Name.P, "/Role1": Name.P}
    assert sorted(root.ClassMap.keys()) == ["/Class0", "/Class1"]
    assert [str(heading.ID) for heading in headings] == ["x", "x.1"]
    assert [str(name) for name in root.IDTree.Names[::2]] == ["x", "x.1"]
    assert [element.objgen for element in root.IDTree.Names[1::2]] == [heading.objgen for heading in headings]


def test_the_pdf_steps_run_in_fresh_processes_that_hold_none_of_the_make_ups_memory(monkeypatch):
    """pikepdf holds every object of the book's PDF while it is put together, derived and
    preflighted: those steps run in spawned processes (`workers.isolated`), so that their memory
    is not added to the make-up's (a forked process counts all the pages it shares with it)."""
    from edition.write import workers

    monkeypatch.setattr(workers, "_jobs", 2)
    ballast = bytearray(os.urandom(1024)) * (200 * 1024)  # 200 MiB of this process's memory, resident
    with workers.isolated() as pool:
        pid = pool.submit(os.getpid).result()
        status = pool.submit(Path("/proc/self/status").read_text).result()  # the worker's own
    resident = int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) * 1024
    assert pid != os.getpid()
    assert resident < len(ballast) / 2


def test_the_pdf_workers_are_all_started_before_the_first_call(monkeypatch):
    """A spawned pool starts a worker only when a call finds none idle: the screen PDF, asked
    for while the press PDF is being derived, waited 0.45 s for its worker to start.  All start
    when the pool is made, and import the module they will run."""
    import multiprocessing

    from edition.write import workers

    monkeypatch.setattr(workers, "_jobs", 2)
    with workers.isolated("edition.write.merge") as pool:
        started = len(multiprocessing.active_children())
        imported = pool.submit(eval, "'edition.write.merge' in __import__('sys').modules").result()
    assert started == 2
    assert imported


def test_a_part_is_open_only_while_it_is_copied(tmp_path):
    """qpdf parses a WeasyPrint PDF's whole object stream at once: merging holds the book's objects
    and one part's, not every part's beside them.  The growth of a fresh process's peak memory
    while it merges twelve copies of a part is less than 1.7 times its growth while it reads every
    object of the merged PDF (here 1.4; with every part open until the book is saved, 2.2)."""
    links = [" ".join(f'<a href="#p{(k + j) % 60}">link {j}</a>' for j in range(10)) for k in range(60)]
    html = "".join(f'<p id="p{k}">{line}</p>' for k, line in enumerate(links))
    part = write_part(html, tmp_path / "part.pdf")
    book = tmp_path / "book.pdf"
    peak = ('def peak(): return int(next(line.split()[1] for line in open("/proc/self/status")'
            ' if line.startswith("VmHWM:")))\n')
    merging = peak + ("import pickle, sys; from edition.write.merge import merge\n"
                      "arguments = pickle.load(sys.stdin.buffer)\n"
                      "start = peak(); merge(*arguments); print(peak() - start)")
    reading = peak + ("import sys, pikepdf; start = peak(); pdf = pikepdf.open(sys.argv[1])\n"
                      "all(True for _ in pdf.objects); print(peak() - start)")
    arguments = ([part.path] * 12, book, [], [part.phantoms] * 12)
    merged = subprocess.run([sys.executable, "-c", merging], input=pickle.dumps(arguments), capture_output=True,
                            check=True, cwd=Path(__file__).parents[1]).stdout
    read = subprocess.run([sys.executable, "-c", reading, str(book)], capture_output=True, check=True).stdout
    assert int(merged) < 1.7 * int(read), (int(merged), int(read))


HEADINGS = """<style>@page { size: 200px 150px } h1, h2, h3, h4 { font-size: 10px; margin: 0 0 60px }</style>
<h1>One</h1><h3>One, three</h3><h2>One, two</h2><h4>Four</h4><h2>Two again</h2><h1>Second</h1><h4>Deep</h4>
<h2>Up</h2><h1 style="bookmark-state: closed">Closed</h1>"""


def test_the_outline_is_weasyprint_s_bookmark_tree():
    """parts.outline makes, from each page's bookmarks and height, the tree WeasyPrint's
    `make_bookmark_tree(0.75, transform_pages=True)` makes (levels skipped, pages, points, states)."""
    document = weasyprint.HTML(string=HEADINGS).render()
    assert len(document.pages) > 3
    expected = document.make_bookmark_tree(scale=0.75, transform_pages=True)
    assert parts.outline([(page.bookmarks, page.height) for page in document.pages]) == expected
    assert [label for label, *_ in expected] == ["One", "Second", "Closed"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(1, 6), max_size=4), max_size=8))
def test_the_outline_nests_any_levels_as_weasyprint_does(levels):
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    pages = [([(level, f"{k}.{j}", (float(j), 10.0 * j), "open") for j, level in enumerate(page)], 100.0 + k)
             for k, page in enumerate(levels)]
    root: list = []
    skipped, last_by_depth, previous = [], [root], 0
    for number, (bookmarks, height) in enumerate(pages):
        page = types.SimpleNamespace(bookmarks=bookmarks)
        matrix = Matrix(a=0.75, d=-0.75, f=height * 0.75)
        previous = make_page_bookmark_tree(page, skipped, last_by_depth, previous, number, matrix)
    assert parts.outline(pages) == root
