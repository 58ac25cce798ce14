"""Writers: one module per output, each with a single entry function from the model to files.

WRITERS maps a format name (as given to `--format`) to its entry function; the command line takes
its choices from this table.  Every writer writes to a temporary name and renames at the end, so a
failed build never destroys the last good output.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

FORMATS = ("pdf", "epub", "html")


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call write(tmp) on a temporary file beside `path`, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
