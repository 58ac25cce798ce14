"""What a build was made from and what it wrote: a rebuild with nothing changed writes nothing.

In: the edition directory and its settings, the output directory, the formats asked for.  Out: a
digest of every input (the edition directory's files and any file its settings name outside it,
the templates, the program, the versions of the installed libraries, fonts included) and, in the
output directory, `STAMP`: that digest, the digest of every file the build wrote, whether it was
a draft, and the diagnostics the layout and the preflight reported, to report them again.

A build whose inputs have the stamp's digest, whose outputs are all there as written, and which
asks for no more than the last build gave (a draft takes a full build's outputs, not the
reverse), is up to date.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import os
from pathlib import Path

from ..diagnostics import Diagnostic, Location
from ..read.settings import Settings
from ..render.templating import TEMPLATES

STAMP = ".build.json"
PROGRAM = Path(__file__).resolve().parents[1]  # the edition package: its code, schema and profiles
OUTPUTS = {"pdf": ("{slug}.pdf", "{slug}-press.pdf"), "epub": ("{slug}.epub",), "html": ("{slug}.html",)}


def inputs(root: Path, settings: Settings, out_dir: Path) -> str:
    """The digest of everything a build reads (hidden files, such as editors' swap files, and the
    output directory, if it is inside the edition directory, left out)."""
    digest = hashlib.sha256()
    root, out_dir = root.resolve(), out_dir.resolve()
    files = [(f"edition/{path.relative_to(root).as_posix()}", path) for path in _files(root, out_dir)]
    files += [(f"named/{path.resolve()}", path) for path in _named(settings) if not path.resolve().is_relative_to(root)]
    for name, path in sorted(files):
        digest.update(name.encode() + b"\0" + _file_digest(path).encode() + b"\0")
    digest.update(program(out_dir).encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    return digest.hexdigest()


def program(out_dir: Path | None = None) -> str:
    """The digest of what turns sources into outputs: the templates, the program, the versions of
    the installed libraries (fonts included)."""
    digest = hashlib.sha256()
    files = [(f"templates/{path.relative_to(TEMPLATES).as_posix()}", path) for path in _files(TEMPLATES, out_dir)]
    files += [(f"program/{path.relative_to(PROGRAM).as_posix()}", path) for path in _files(PROGRAM, out_dir)
              if "__pycache__" not in path.parts]
    for name, path in sorted(files):
        digest.update(name.encode() + b"\0" + _file_digest(path).encode() + b"\0")
    digest.update("\n".join(_libraries()).encode())
    return digest.hexdigest()


@functools.cache  # the libraries this process runs: those it found installed first (it reads them once)
def _libraries() -> list[str]:
    """Each installed distribution and its version, once: a distribution is found again on every
    path entry that holds it (the checkout's own egg-info, once per time the checkout is on sys.path)."""
    return sorted({f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()})


def up_to_date(out_dir: Path, digest: str, slug: str, formats: list[str], draft: bool) -> list[Diagnostic] | None:
    """The diagnostics the last build reported while rendering, if its outputs can stand for this
    build's; None if the build must run."""
    try:
        stamp = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
        if stamp["inputs"] != digest or (stamp["draft"] and not draft):
            return None
        for name in _names(slug, formats):
            if stamp["outputs"].get(name) != _file_digest(out_dir / name):
                return None
        return [Diagnostic(Location(*d["location"]), d["code"], d["message"], d["severity"])
                for d in stamp["diagnostics"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(out_dir: Path, digest: str, slug: str, formats: list[str], draft: bool,
          diagnostics: list[Diagnostic]) -> None:
    """Record the build just made (its outputs as they are now in `out_dir`)."""
    from . import replace_atomically

    outputs = {name: _file_digest(out_dir / name) for name in _names(slug, formats)}
    stamp = {"inputs": digest, "draft": draft, "outputs": outputs,
             "diagnostics": [{**dataclasses.asdict(d), "location": dataclasses.astuple(d.location)} for d in diagnostics]}
    replace_atomically(out_dir / STAMP, lambda tmp: tmp.write_text(json.dumps(stamp, indent=1, ensure_ascii=False),
                                                                     encoding="utf-8"))


def _names(slug: str, formats: list[str]) -> list[str]:
    return [name.format(slug=slug) for fmt in formats for name in OUTPUTS[fmt]]


def _files(folder: Path, out_dir: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for directory, subdirectories, names in os.walk(folder):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".")
                                   and Path(directory, d).resolve() != out_dir)
        found += [Path(directory, name) for name in sorted(names) if not name.startswith(".")]
    return found


def _named(settings: Settings) -> list[Path]:
    """Every path the settings hold, at any depth."""
    found: list[Path] = []

    def walk(value) -> None:
        if isinstance(value, Path):
            found.append(value)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(settings)
    return [path for path in found if path.is_file()]


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
