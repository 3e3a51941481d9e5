"""Which files a source reads: one listing for the run and for every check made before it.

The run reads what :func:`list_source` lists; the licence policy's TDM checks
(:mod:`altedic.licence.tdm`), a contributed manifest's containment check
(:mod:`altedic.sources.manifest`), ``altedic sources validate`` and ``altedic validate`` look at
that same list. Before, the checks listed files with Python's ``glob`` and the run with Beam's
``FileSystems.match``, whose patterns differ: for Beam ``data/**.jsonl`` matches at any depth,
for Python at the top level only. A link out of a manifest's folder, or a file carrying a TDM
reservation, one folder down, was then read without having been checked.

Patterns follow Beam's ``FileSystems.match`` on every file system (local paths included): ``*``
matches within one folder, ``**`` across folders (``data/**.jsonl`` at any depth), ``?`` any one
character, ``[...]`` one of a set. A name starting with a dot (``.well-known/``, ``.git/``, ``.DS_Store``)
is left out when a wildcard matched it, as a shell's glob leaves it out, unless the pattern
writes the dot (``data/.*.jsonl``). Folders that match are left out (readers take files).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from altedic import fsutil
from altedic.errors import ConfigError

if TYPE_CHECKING:
    from altedic.sources import SourceSpec

#: The sentence that says why a contributed source may not read a file outside its folder.
CONFINED = (
    "a contributed source reads the files in its manifest's folder and below it only: move the files there "
    "(a recipe's own source can name any path)"
)


def match(pattern: str, *, file: str | None = None, key: str | None = None) -> list[str]:
    """The files that one path or glob names, sorted, as the run reads them.

    Raises ConfigError (naming ``file`` and ``key``) when the file system cannot list it (an
    unknown scheme, a bucket without credentials...). A pattern that matches nothing gives [].
    """
    try:
        # through fsutil: Beam's file systems set up with the run's options first
        results = fsutil.filesystems().match([pattern])
    except Exception as exc:  # Beam raises BeamIOError (and others per file system) here
        raise ConfigError(f"cannot list {pattern}: {exc}", file=file, key=key) from None
    found = sorted({m.path for m in results[0].metadata_list})
    # Folders match a glob too on local file systems; readers take files only.
    found = [p for p in found if not (fsutil.is_local(p) and os.path.isdir(fsutil.local_path(p)))]
    return [p for p in found if not _hidden_by_wildcard(pattern, p)]


_WILDCARDS = ("*", "?", "[")


def _hidden_by_wildcard(pattern: str, path: str) -> bool:
    """True when a wildcard of ``pattern`` matched a hidden name in ``path`` (a file or folder
    whose name starts with a dot), as a shell's glob would not: ``.well-known/tdmrep.json`` (the
    rights file next to a mirrored site), ``.git/``, ``.DS_Store``, an editor's ``.a.jsonl.swp``.
    A pattern that writes the dot itself (``data/.hidden/*.jsonl``, ``data/.*.jsonl``) takes
    them."""
    cut = min((i for i in (pattern.find(w) for w in _WILDCARDS) if i >= 0), default=-1)
    if cut < 0:
        return False  # a literal path names its file, hidden or not
    base = pattern[: pattern.rfind("/", 0, cut) + 1]
    if not path.startswith(base):
        return False
    written = [part for part in pattern[len(base) :].split("/") if part.startswith(".")]
    # a hidden name is taken where a part of the pattern that starts with a dot matches it
    # (data/*/.git/* takes .git, not a hidden folder its * matched)
    return any(
        part.startswith(".") and not any(fnmatch.fnmatchcase(part, w) for w in written)
        for part in path[len(base) :].split("/")
    )


def outside(files: list[str], folder: str) -> tuple[str, str] | None:
    """The first local file of ``files`` whose real path (links resolved) is not inside
    ``folder``, with that real path; None when every one is inside."""
    root = os.path.realpath(folder)
    for f in files:
        if not fsutil.is_local(f):
            return f, f
        real = os.path.realpath(fsutil.local_path(f))
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            return f, real
    return None


def relative(uri: str, root: str) -> str:
    """``uri`` relative to the source root (the document ids' and TDMRep rules' path)."""
    if fsutil.is_local(uri) and fsutil.is_local(root):
        return os.path.relpath(fsutil.local_path(uri), fsutil.local_path(root))
    return uri[len(root) :].lstrip("/") if uri.startswith(root) else uri


@dataclass(frozen=True)
class SourceFiles:
    """The files of one source: ``files`` sorted and unique; ``unmatched`` the patterns of
    ``spec.paths`` that matched no file."""

    files: list[str]
    unmatched: list[str]

    def require(self, spec: SourceSpec) -> list[str]:
        """``files``, or ConfigError naming the source and the first pattern that matched nothing."""
        if self.unmatched:
            raise ConfigError(
                f"source {spec.name!r}: {self.unmatched[0]!r} matches no files",
                file=spec.origin or None,
                key=f"{spec.name}.paths",
            )
        return self.files


def list_source(spec: SourceSpec) -> SourceFiles:
    """Every file ``spec`` reads (the union of its patterns' matches).

    A source confined to a folder (``spec.confine``: a contributed manifest's folder) may not
    read a file whose real path is outside it, whatever the pattern and wherever the link is:
    ConfigError naming the pattern, the file and where it leads.
    """
    files: list[str] = []
    unmatched: list[str] = []
    for pattern in spec.paths:
        found = match(pattern, file=spec.origin or None, key=f"{spec.name}.paths")
        if spec.confine is not None:
            bad = outside(found, spec.confine)
            if bad is not None:
                path, real = bad
                raise ConfigError(
                    f"source {spec.name!r}: {pattern!r} {escape_reason(path, real, spec.confine)}; {CONFINED}",
                    file=spec.origin or None,
                    key=f"{spec.name}.paths",
                )
        if not found:
            unmatched.append(pattern)
        files.extend(found)
    return SourceFiles(sorted(dict.fromkeys(files)), unmatched)


def escape_reason(path: str, real: str, folder: str) -> str:
    """How the matched ``path`` leaves ``folder`` (``real``: where it leads), for messages."""
    if not fsutil.is_local(path):
        return f"matches {path}, which is not a local file"
    local = os.path.abspath(fsutil.local_path(path))
    if not any(
        local.startswith(f.rstrip(os.sep) + os.sep) for f in (os.path.abspath(folder), os.path.realpath(folder))
    ):
        return f"matches {local}, outside the manifest's folder"
    return f"matches {os.path.relpath(local, folder)}, a link to {real}, outside the manifest's folder"


__all__ = ["CONFINED", "SourceFiles", "escape_reason", "list_source", "match", "outside", "relative"]
