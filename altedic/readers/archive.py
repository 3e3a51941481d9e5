"""Zip archives (Cellar delivers Formex packages as ``.zip``): read member by member, never
extracted to disk.

Guards (zip bombs and path tricks; cf. the ``zipfile`` documentation's "Decompression
pitfalls" and CWE-22):

* a file that does not start with a zip header (data in front of the archive: a tar of zips,
  a self-extracting program) is refused (InputError at ``byte 0``): ``zipfile`` would read only
  the last zip in it;
* more members than ``max_members`` (default 10000) or a total declared uncompressed size above
  ``max_total_mb`` (default 4096) refuses the whole archive (InputError) before any member is
  read;
* a member whose compression ratio (uncompressed / compressed) exceeds ``max_ratio`` (default
  200) is not read (ReadError ``archive``); Python's ``zipfile`` never returns more bytes than a
  member's declared size, so the declared sizes bound what is read;
* a member with an absolute path, a drive letter, a backslash path or a ``..`` component is not
  read (ReadError ``archive``); nothing is ever written to disk anyway;
* encrypted members are reported, not read; archives nested deeper than ``max_depth`` (2) are
  reported;
* a member compressed with a method Python cannot decompress (Deflate64, PPMd...) is reported,
  not read, and a member whose data is damaged (bad deflate stream, CRC) is reported with what
  was read of it before: the other members are read either way.

Each member goes to the reader named by the option ``member_format`` (a format name, or
``auto``, the default), else to the reader chosen by *content sniffing* (:func:`sniff_format`).
Members that are not text (images, PDFs) and Cellar notices (read as enrichment by the content
readers) are skipped silently with a count in no document, as are directories. A member whose
format cannot be told gives a ReadError naming the option to set. ``member_glob`` (fnmatch
pattern) restricts the members read.
"""

from __future__ import annotations

import codecs
import fnmatch
import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import IO

from altedic.errors import ConfigError, InputError
from altedic.readers.base import ReadContext, count_option, shown_mb, size_option
from altedic.readers.guard import reader_failure
from altedic.records import Document, ReadError

#: Root element (local name) -> format, for XML members.
_XML_ROOTS = {
    "akomaNtoso": "akn",
    "tmx": "tmx",
    "TEI.2": "jrc_acquis",
    "TEI": "jrc_acquis",
    "html": "eurlex_html",
    "ACT": "formex",
    "ANNEX": "formex",
    "DOC": "formex",
    "CONS.ACT": "formex",
    "CONS.ANNEX": "formex",
    "GENERAL": "formex",
    "PUBLICATION": "formex",
    "COMPETITION.INIT": "formex",
    "NOTICE": "notice",
}
#: Compression methods Python's zipfile decompresses; any other (Deflate64 = 9, which Windows
#: Explorer writes for large files, PPMd, Zstandard...) raised NotImplementedError on open.
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
#: What reading a damaged member raises: a bad CRC or header (BadZipFile), a cut stream
#: (EOFError), bad deflate/bzip2/lzma data (zlib.error, OSError, lzma.LZMAError). Each becomes
#: an error record for that member; the other members are still read.
MEMBER_ERRORS = (zipfile.BadZipFile, EOFError, OSError, zlib.error, lzma.LZMAError, NotImplementedError)
_SKIP_EXT = (".pdf", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".css", ".js", ".docx", ".doc")
_ROOT = re.compile(r"<(?![?!])(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def sniff_format(name: str, head: bytes) -> str | None:
    """Format of a member from its first bytes (and, for plain text, its name); None if unknown.

    Returns a REGISTRY format name, ``notice`` (a Cellar notice), ``skip`` (binary or a
    stylesheet) or None.
    """
    low = name.lower()
    if low.endswith(_SKIP_EXT):
        return "skip"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(b"<\x00"):
        text = head.decode("utf-16-le", "ignore")
    elif head.startswith(codecs.BOM_UTF16_BE) or head.startswith(b"\x00<"):
        text = head.decode("utf-16-be", "ignore")
    else:
        text = head.decode("utf-8", "ignore")
    text = text.lstrip("\ufeff \t\r\n")
    if re.search(r"^<CHAPTER\b|^<SPEAKER\b", text, re.M):
        return "europarl"
    if not text.startswith("<"):
        return None
    # Skip the prolog (declaration, comments, doctype) to the first element.
    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", "", text, flags=re.S)
    m = _ROOT.search(body)
    if not m:
        return None
    root = m.group(1)
    if root.lower() == "html":
        return "eurlex_html"
    return _XML_ROOTS.get(root)


def _unsafe(name: str) -> str | None:
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if "\\" in name:
        return "backslash in path"
    if any(part == ".." for part in name.split("/")):
        return "'..' in path"
    return None


def member_refusal(info: zipfile.ZipInfo, max_ratio: int) -> str | None:
    """Why the member ``info`` must not be opened (encrypted, a compression method zipfile
    lacks, a compression ratio above ``max_ratio``), or None. Every reader that opens a member
    asks this first: the archive reader, and :func:`altedic.readers.legal.sibling_bytes` for the
    parts a package manifest names (it read a zip-bomb member the archive reader had refused)."""
    if info.flag_bits & 0x1:
        return "member is encrypted: not read"
    if info.compress_type not in _METHODS:
        method = getattr(zipfile, "compressor_names", {}).get(info.compress_type, "unknown")  # undocumented table
        return (
            f"member is compressed with {method} (method {info.compress_type}), which cannot be decompressed "
            "here (stored, deflate, bzip2 and lzma can): not read"
        )
    if info.file_size > max(info.compress_size, 1) * max_ratio:
        return (
            f"member compression ratio {info.file_size // max(info.compress_size, 1)}:1 exceeds "
            f"max_ratio={max_ratio} (zip bomb?)"
        )
    return None


def max_ratio_option(ctx: ReadContext) -> int:
    """The source's ``max_ratio`` option (default 200; ConfigError if not a positive integer)."""
    return count_option(ctx, "max_ratio")


def read_zip(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """Read every member of a zip archive with its own reader (see module docstring)."""
    from altedic.readers import REGISTRY, get_reader

    max_members = count_option(ctx, "max_members")
    max_total = size_option(ctx, "max_total_mb")
    max_ratio = max_ratio_option(ctx)
    max_depth = count_option(ctx, "max_depth")
    member_format = str(ctx.options.get("member_format", "auto"))
    if member_format != "auto" and member_format not in REGISTRY:
        raise ConfigError(
            f"'{member_format}' is not a format (known: auto, {', '.join(sorted(REGISTRY))})",
            key=f"sources[{ctx.source.name}].options.member_format",
        )
    pattern = ctx.options.get("member_glob")
    depth, outer = 0, ctx.archive  # archives this one is inside ('!' may also be part of a name)
    while outer is not None:
        depth, outer = depth + 1, outer.archive
    if depth >= max_depth:
        yield ctx.error(f"archive nested deeper than {max_depth} levels: not read", "", "archive")
        return

    raw: IO[bytes] = ctx.open()
    try:
        if not raw.seekable():
            data = raw.read(max_total + 1)
            raw.close()
            raw = io.BytesIO(data)
        # zipfile finds the central directory from the end and accepts any data in front of the
        # archive: a tar.gz holding zips was read as its last zip, the others ignored without a
        # word. A zip starts with a member's local header (or, empty, the end record).
        magic = raw.read(4)
        raw.seek(0)
        if magic not in (b"PK\x03\x04", b"PK\x05\x06"):
            raise InputError(
                f"not a readable zip archive: it does not start with a zip header (bytes {magic!r}); "
                "data in front of a zip (a tar archive of zips, a self-extracting program) is not read",
                uri=ctx.uri,
                position="byte 0",
            )
        try:
            zf = zipfile.ZipFile(raw)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(f"not a readable zip archive: {exc}", uri=ctx.uri, position="central directory") from exc
        with zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > max_members:
                raise InputError(
                    f"archive has {len(infos)} members, more than max_members={max_members} (zip bomb?)",
                    uri=ctx.uri,
                    position="central directory",
                )
            total = sum(i.file_size for i in infos)
            if total > max_total:
                raise InputError(
                    f"archive declares {total} uncompressed bytes, more than max_total_mb={shown_mb(max_total)} (zip bomb?)",
                    uri=ctx.uri,
                    position="central directory",
                )
            seen: dict[str, int] = {}
            for info in infos:
                # Members of the same name are all read (zipfile lists each), the 2nd as 'run 2'.
                seen[info.filename] = run = seen.get(info.filename, 0) + 1
                yield from _member(ctx, zf, info, member_format, pattern, max_ratio, get_reader, run)
    finally:
        raw.close()


def _member(
    ctx: ReadContext,
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    member_format: str,
    pattern: object,
    max_ratio: int,
    get_reader: object,
    run: int = 1,
) -> Iterator[Document | ReadError]:
    name = info.filename
    pos = f"member {name}" + (f" run {run}" if run > 1 else "")
    if isinstance(pattern, str) and not fnmatch.fnmatch(name, pattern):
        return
    why = _unsafe(name)
    if why:
        yield ctx.error(f"member name refused ({why}): {name!r}", pos, "archive")
        return
    refused = member_refusal(info, max_ratio)
    if refused:
        yield ctx.error(refused, pos, "archive")
        return

    def opener() -> IO[bytes]:
        return zf.open(info)

    fmt = member_format
    if fmt == "auto":
        try:
            with zf.open(info) as f:
                head = f.read(4096)
        except MEMBER_ERRORS as exc:
            yield ctx.error(f"member cannot be decompressed: {exc}", pos, "archive")
            return
        sniffed = sniff_format(name, head)
        if sniffed in ("skip", "notice"):
            return
        if sniffed is None:
            yield ctx.error(
                "cannot tell the format of this member from its content; set options.member_format", pos, "archive"
            )
            return
        fmt = sniffed
    child = ctx.child(name, opener, run)
    child = replace(child, source=replace(ctx.source, format=fmt))
    reader = get_reader(fmt)  # type: ignore[operator]
    items = 0
    try:
        for item in reader(child):
            items += 1
            yield item
    except InputError as exc:
        yield child.error(exc.message, exc.position or f"member {name}", "input")
    except MEMBER_ERRORS as exc:
        yield child.error(f"member cannot be decompressed: {exc}", f"member {name}", "archive")
    except Exception as exc:  # unforeseen (a reader-fault): ends this member only, as the read step ends a file
        # Left to the read step, it ended the whole archive: the members after this one were lost.
        err = reader_failure(exc, ctx.source.name, fmt, child.shown[0], items)
        yield replace(err, position=child.placed(err.position))
