"""The edition's images (a lenient source's local graphics), named once for both writers.

In: the `Edition` (its `images`: graphic element -> file of the edition directory).  Out: for
each graphic, the path its image has inside an output ('images/3f2a….png', the same name for the
same bytes), and each image's bytes and media type, which the print HTML copies beside itself and
the EPUB packs and declares.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import etree

from ..model.records import Edition

MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
               ".svg": "image/svg+xml"}


def names(edition: Edition) -> dict[etree._Element, str]:
    """graphic -> 'images/<digest><suffix>'."""
    return {graphic: f"images/{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}{path.suffix.lower()}"
            for graphic, path in edition.images.items()}


def files(edition: Edition) -> dict[str, tuple[Path, str]]:
    """'images/…' -> (the image's file, its media type), each image once, in name order."""
    found = {name: (edition.images[graphic], MEDIA_TYPES[edition.images[graphic].suffix.lower()])
             for graphic, name in names(edition).items()}
    return dict(sorted(found.items()))
