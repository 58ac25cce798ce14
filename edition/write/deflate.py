"""The same large stream deflated once per process, while WeasyPrint writes PDFs.

In: nothing (a context manager around `Document.write_pdf`).  Out: the same bytes, sooner.
pydyf deflates every stream at level 9 as it writes it; each part of the book embeds the output
intent's ICC profile twice (the output intent, and the colour space of its inks), half a
megabyte that took 0.85 s of every part's writing, which no part's content changes.  A stream of
`LARGE` bytes or more is deflated once per process and its deflated bytes kept (zlib gives the
same bytes for the same data and level); smaller ones are deflated as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import types
import zlib

LARGE = 64 * 1024  # bytes: the streams worth keeping deflated (the ICC profile; not the pages, fonts)
KEPT = 8  # deflated streams kept, at most (the last ones)
_kept: dict[tuple[int, str], bytes] = {}  # (level, digest of the data) -> the data deflated


@contextlib.contextmanager
def once():
    """pydyf's streams deflated as they are, a large one deflated once in this process; pydyf as
    it was afterwards."""
    import pydyf

    before = pydyf.zlib
    pydyf.zlib = types.SimpleNamespace(compress=zlib.compress, compressobj=_Once)
    try:
        yield
    finally:
        pydyf.zlib = before


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
