"""What the legal-text readers (Formex, EUR-Lex HTML, Akoma Ntoso) share.

* :class:`LegalText`: an act as an ordered list of :class:`Part` (title, preamble, one part per
  article, final part, annexes...), each a list of lines, plus the footnotes moved out of the
  body. The document text is :meth:`LegalText.render`: lines joined by ``\\n``, parts by a blank
  line. Tests and the Formex-vs-HTML agreement check compare :meth:`LegalText.articles`.
* :class:`LineBuilder`: turns a stream of inline text and block breaks into lines, keeping a
  paragraph number (``1.``, ``(a)``, ``—``) on the same line as the text it numbers.
* :func:`eu_provenance`: the EU reuse-policy defaults (Commission Decision 2011/833/EU) unless
  the recipe's source says otherwise.
* :func:`sibling_bytes`: read a file named by a package manifest next to the current input
  (plain directory or the same zip archive), refusing path tricks.
"""

from __future__ import annotations

import fnmatch
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from altedic.errors import ConfigError, InputError
from altedic.readers.archive import MEMBER_ERRORS, max_ratio_option, member_refusal
from altedic.readers.base import ReadContext, _open_uri, open_decompressed, size_option
from altedic.readers.xmlsafe import collapse_ws

#: Licence id of the EU reuse policy (Commission Decision 2011/833/EU of 12 December 2011 on
#: the reuse of Commission documents; the Publications Office applies it to EUR-Lex/Cellar).
EU_LICENCE = "EU-Reuse-2011-833"
EU_LICENCE_EVIDENCE = "default for EU institutional documents: Commission Decision 2011/833/EU"


def eu_attribution(retrieved: str | None) -> str:
    """The acknowledgement the EU reuse policy asks for: ``© European Union, 1998-<year>``.

    The end year is the year the data was retrieved (from the recipe), so that two runs give
    the same text whatever the day; without a retrieval date it is ``© European Union``.
    """
    year = (retrieved or "")[:4]
    return f"© European Union, 1998-{year}" if year.isdigit() else "© European Union"


def eu_provenance(ctx: ReadContext, publisher: str) -> dict[str, Any]:
    """Licence/attribution/publisher fields for ``ctx.doc``: the recipe wins, else the EU defaults."""
    src = ctx.source
    return {
        "licence": src.licence or EU_LICENCE,
        "licence_evidence": src.licence_evidence or ("recipe" if src.licence else EU_LICENCE_EVIDENCE),
        "attribution": src.attribution or eu_attribution(src.retrieved),
        "publisher": src.publisher or publisher,
    }


@dataclass
class Part:
    """One structural part of an act. ``kind``: title, preamble, heading, article, final, annex,
    conclusions, body, other. ``label``: ``Article 3``, ``ANNEX II``... when the part has one."""

    kind: str
    lines: list[str] = field(default_factory=list)
    label: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class LegalText:
    """An act as parts and footnotes (see module docstring)."""

    parts: list[Part] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str | None = None

    def add(self, kind: str, lines: list[str], label: str | None = None) -> None:
        if lines:
            self.parts.append(Part(kind, lines, label))

    def articles(self) -> list[Part]:
        return [p for p in self.parts if p.kind == "article"]

    def render(self) -> str:
        return "\n\n".join(p.text for p in self.parts if p.lines)

    def notes_metadata(self, mode: str) -> dict[str, str]:
        """Footnotes for ``Document.metadata`` (``notes: metadata``) or nothing (``notes: drop``)."""
        if mode == "drop" or not self.notes:
            return {}
        return {"notes": "\n".join(self.notes), "notes_count": str(len(self.notes))}


#: A line that is only a paragraph/list number or a list bullet: kept with the next line.
NUMBER_ONLY = re.compile(r"^(\(?[0-9]{1,4}[^\W\d_]?[.)]?|\(?[^\W\d_]{1,2}\)|\(?[ivxlcIVXLC]{1,6}\)|[—–•\-])$")


class LineBuilder:
    """Accumulates inline text; :meth:`brk` ends a line (block boundary).

    A line that is only a number or a bullet (``1.``, ``(a)``, ``—``) is held and joined to
    the next line with a space, so ``<NO.PARAG>1.</NO.PARAG><ALINEA>Text`` and the HTML
    ``<td>1.</td><td>Text</td>`` both give ``1. Text``.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buf: list[str] = []
        self._held: str | None = None

    def text(self, s: str | None) -> None:
        if s:
            self._buf.append(s)

    def brk(self) -> None:
        if not self._buf:
            return
        line = collapse_ws("".join(self._buf))
        self._buf = []
        if not line:
            return
        if self._held is not None:
            line = f"{self._held} {line}"
            self._held = None
        if NUMBER_ONLY.match(line):
            self._held = line
            return
        self.lines.append(line)

    def take(self) -> list[str]:
        """Finish and return the lines built so far (the builder is reset)."""
        self.brk()
        if self._held is not None:
            self.lines.append(self._held)
            self._held = None
        out, self.lines = self.lines, []
        return out


def iso_date(value: str | None) -> str | None:
    """``20240313`` or ``2024-03-13`` -> ``2024-03-13``; anything else -> None."""
    if not value:
        return None
    v = value.strip()
    m = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", v[:10] if "-" in v else v[:8])
    if not m:
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"


def plain_name(name: str) -> bool:
    """True when ``name`` is a plain file name: one path component that cannot leave its folder.

    Refused: empty, ``.``, ``..``, any ``/`` or ``\\``, control characters (NUL included), more
    than 255 bytes (no file system holds it). Anything else is a name like any other
    (``règlement_2024.html``, ``CELEX+32024R0903.html``, ``doc[1].html``, ``.hidden.html``,
    ``doc!1.html``): joined to a folder it names a file in that folder and nothing else.
    """
    return (
        name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
        and not any(c < " " or c == "\x7f" for c in name)
        and len(name.encode("utf-8", "surrogatepass")) <= 255
    )


def _open_archive(archive: ReadContext, limit: int) -> IO[bytes]:
    """The archive ``archive`` as a seekable stream (zipfile needs to seek)."""
    raw = archive.open()
    if raw.seekable():
        return raw
    with raw:
        return io.BytesIO(raw.read(limit + 1))


def sibling_bytes(ctx: ReadContext, name: str) -> bytes | None:
    """Bytes of the file ``name`` next to ``ctx.uri`` (same directory or same zip folder).

    Returns None when it does not exist. ``name`` must be a :func:`plain_name` (InputError
    otherwise): a manifest cannot make a reader open anything outside its own package. The
    input is an archive member only when :attr:`ReadContext.archive` says so; a ``!`` in a
    plain file's path is part of its name.
    """
    if not plain_name(name):
        raise InputError(f"package manifest names an unsafe file '{name}' (path tricks refused)", uri=ctx.uri)
    limit = size_option(ctx, "max_decompressed_mb")
    member = ctx.member
    if ctx.archive is not None and member is not None:
        folder = member.rsplit("/", 1)[0] + "/" if "/" in member else ""
        target = folder + name
        try:
            with _open_archive(ctx.archive, limit) as raw, zipfile.ZipFile(raw) as zf:
                try:
                    info = zf.getinfo(target)
                except KeyError:
                    return None
                if info.file_size > limit:
                    raise InputError(f"package part '{name}' is larger than the limit", uri=ctx.uri)
                # the archive reader's own limits: a part it refuses to read is not read here either
                refused = member_refusal(info, max_ratio_option(ctx))
                if refused:
                    raise InputError(f"package part '{name}' not read: {refused}", uri=ctx.uri)
                with zf.open(info) as f:
                    return f.read(limit + 1)
        except MEMBER_ERRORS as exc:  # a damaged member, or a method zipfile lacks (Deflate64)
            raise InputError(f"cannot open package part '{name}': {exc}", uri=ctx.uri) from exc
    if "://" in ctx.uri:
        path = ctx.uri.rsplit("/", 1)[0] + "/" + name
    else:
        path = os.path.join(os.path.dirname(ctx.uri), name)
        if not os.path.isfile(path):
            return None
    try:
        with open_decompressed(_open_uri(path), path, limit) as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot open package part '{name}': {exc}", uri=ctx.uri) from exc


def sibling_in_source(ctx: ReadContext, name: str) -> bool:
    """Whether the file ``name`` next to ``ctx``'s file (a plain name, see :func:`sibling_bytes`)
    is read by the same source too.

    In an archive: when the source's ``member_glob`` (if any) takes it, as the archive reader
    reads every member it takes. A file: when it matches one of the source's paths (as a glob;
    ``*`` may match a ``/`` here, which only matters for names in other folders, and the sibling
    is in the folder of a file the same paths matched). True when the paths are not known (a
    reader called on its own, outside a run).
    """
    member = ctx.member
    if ctx.archive is not None and member is not None:
        folder = member.rsplit("/", 1)[0] + "/" if "/" in member else ""
        pattern = ctx.options.get("member_glob")
        return not isinstance(pattern, str) or fnmatch.fnmatch(folder + name, pattern)
    if ctx.source.paths is None:
        return True
    remote = "://" in ctx.uri
    path = ctx.uri.rsplit("/", 1)[0] + "/" + name if remote else os.path.join(os.path.dirname(ctx.uri), name)
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in ctx.source.paths)


def option(ctx: ReadContext, key: str, allowed: tuple[str, ...]) -> str:
    """A string reader option restricted to ``allowed`` (first = default).

    A wrong value is a configuration error (ConfigError names the source and the key): a typo
    must never silently fall back to the default.
    """
    value = ctx.options.get(key, allowed[0])
    if value not in allowed:
        raise ConfigError(
            f"'{value}' is not one of {', '.join(allowed)}",
            key=f"sources[{ctx.source.name}].options.{key}",
        )
    return str(value)
