"""pydyf's PDF writing made quicker, the book's bytes the same, while WeasyPrint writes its parts.

In: nothing (a context manager around `Document.write_pdf`).  Out: the same objects, sooner, every
stream of them the same bytes but the two that merge.py writes anew (3.).  Two of pydyf's costs
grow with what every part repeats or with the part's size, not with what it writes, and one is
spent on bytes the book never holds:

1. Deflating: pydyf deflates every stream at level 9 as it writes it; each part of the book embeds
   the output intent's ICC profile twice (the output intent, and the colour space of its inks),
   half a megabyte that took 0.85 s of every part's writing, which no part's content changes.  A
   stream of `LARGE` bytes or more is deflated once per process and its deflated bytes kept (zlib
   gives the same bytes for the same data and level); smaller ones are deflated as before.
2. Page references: `PDF.page_references` is a property that makes the list of every page's
   reference anew each time it is read, and WeasyPrint's tagging reads it for every structure
   element (its /Pg): writing part K (44 pages) read it 9,034 times, 0.95 s of 5.1 s, and the
   cost grows with the square of a part's pages.  The list is made once for each count of pages.
   docs/weasyprint.md gives the reproduction.
3. The object stream and the cross-reference stream: pydyf deflates them at level 9 too, and
   merge.py (qpdf) reads every object out of them and writes both anew, so no byte of them reaches
   the book.  Deflated at level 1 (`QUICK`) they took 0.02 s of the 1x edition's writing instead
   of 0.57 s, for 0.2 MB more in its parts' cache (measured on the 17 parts of a cold build).
"""

from __future__ import annotations

import contextlib
import hashlib
import types
import zlib

QUICK = 1  # the deflate level of the streams no byte of which reaches the book (3. above)
LARGE = 64 * 1024  # bytes: the streams worth keeping deflated (the ICC profile; not the pages, fonts)
KEPT = 8  # deflated streams kept, at most (the last ones)
_kept: dict[tuple[int, str], bytes] = {}  # (level, digest of the data) -> the data deflated


@contextlib.contextmanager
def quicker():
    """pydyf's streams deflated as they are, a large one deflated once in this process, its page
    references made once per count of pages, and its object and cross-reference streams deflated
    quickly; pydyf as it was afterwards."""
    import pydyf

    deflating, references, adding = pydyf.zlib, pydyf.PDF.page_references, pydyf.PDF.add_object
    pydyf.zlib = types.SimpleNamespace(compress=zlib.compress, compressobj=_Once)
    pydyf.PDF.page_references = property(_page_references)

    def add_object(pdf, object_) -> None:
        adding(pdf, _deflated_quickly(object_) if isinstance(object_, pydyf.Stream) else object_)

    pydyf.PDF.add_object = add_object
    try:
        yield
    finally:
        pydyf.zlib, pydyf.PDF.page_references, pydyf.PDF.add_object = deflating, references, adding


def _deflated_quickly(stream):
    """The stream, if it is one of those pydyf's `PDF.write` makes and adds (the object stream, the
    cross-reference stream) and is to be deflated, deflated now at level QUICK, with the filter
    pydyf would name (in the same place among its keys), and not deflated again."""
    import pydyf

    if not stream.compress or stream.extra.get("Type") not in ("/ObjStm", "/XRef"):
        return stream
    data = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    stream.stream, stream.compress = [zlib.compress(data, QUICK)], False
    stream.extra["Filter"] = "/FlateDecode"
    return stream


def _page_references(pdf) -> tuple[bytes, ...]:
    """What pydyf's `PDF.page_references` gives: each page's reference, in order (its pages'
    /Kids are only ever added to, three items a page)."""
    kids = pdf.pages["Kids"]
    made = pdf.__dict__.get("_quicker_page_references")
    if made is None or made[0] is not kids or len(made[1]) * 3 != len(kids):
        made = (kids, tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_quicker_page_references"] = made
    return made[1]


class _Once:
    """A stand-in for `zlib.compressobj(level)` as pydyf uses it (one `compress`, one `flush`)."""

    def __init__(self, level: int = -1) -> None:
        self.level = level
        self.data: list[bytes] = []

    def compress(self, data: bytes) -> bytes:
        self.data.append(data)
        return b""

    def flush(self) -> bytes:
        data = b"".join(self.data)
        if len(data) < LARGE:
            return zlib.compress(data, self.level)
        key = (self.level, hashlib.sha256(data).hexdigest())
        if key not in _kept:
            _kept[key] = zlib.compress(data, self.level)
            while len(_kept) > KEPT:
                del _kept[next(iter(_kept))]
        return _kept[key]
