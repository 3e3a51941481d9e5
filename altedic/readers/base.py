"""What every reader gets: a :class:`ReadContext` (where, which source, how to open) and helpers.

A reader is a plain generator ``read(ctx) -> Iterator[Document | ReadError]``. It knows
nothing of Beam. It yields one :class:`~altedic.records.Document` per document (built with
:meth:`ReadContext.doc`, which fills the id and the source's provenance) and one
:class:`~altedic.records.ReadError` (built with :meth:`ReadContext.error`) per part it could not
read, then goes on with the next part where the format allows. If the whole file is unreadable
it may raise :class:`~altedic.errors.InputError`; the pipeline records it with the file name.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import IO, Any

from altedic.errors import ConfigError, InputError
from altedic.readers.guard import replace_surrogates
from altedic.records import Document, ReadError, doc_id

# Magic numbers of the compressions detected by content (never by file name alone).
_MAGIC: list[tuple[bytes, str]] = [
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
]

#: Largest decompressed size accepted from one compressed stream (bytes). Guards against
#: decompression bombs; a recipe can raise it per source with ``options.max_decompressed_mb``.
DEFAULT_MAX_DECOMPRESSED = 4 * 1024**3


#: Reader options that are sizes in MB (a positive number; fractions allowed: 0.5 is 512 KiB)
SIZE_OPTIONS: dict[str, int] = {
    "max_record_mb": 256,
    "max_decompressed_mb": DEFAULT_MAX_DECOMPRESSED // 2**20,
    "max_total_mb": 4096,
}
#: Reader options that are counts (a positive integer)
COUNT_OPTIONS: dict[str, int] = {"max_members": 10000, "max_ratio": 200, "max_depth": 2}


def size_problem(value: object) -> str | None:
    """What is wrong with ``value`` as a size in MB, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or value == float("inf"):
        return f"must be a positive number of MB (0.5 is 512 KiB), not {value!r}"
    return None


def count_problem(value: object) -> str | None:
    """What is wrong with ``value`` as a count, or None."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return f"must be a positive integer, not {value!r}"
    return None


def size_option(ctx: ReadContext, key: str) -> int:
    """The source's ``options.<key>`` (a size in MB, :data:`SIZE_OPTIONS`) in bytes.

    ConfigError naming the option for a value that is not a positive number; before, ``int()``
    truncated ``0.5`` to 0 and every record of the file was "larger than max_record_mb=0 MB".
    """
    value = ctx.options.get(key, SIZE_OPTIONS[key])
    problem = size_problem(value)
    if problem:
        raise ConfigError(problem, key=f"sources[{ctx.source.name}].options.{key}")
    return max(1, int(value * 2**20))


def count_option(ctx: ReadContext, key: str) -> int:
    """The source's ``options.<key>`` (a count, :data:`COUNT_OPTIONS`)."""
    value = ctx.options.get(key, COUNT_OPTIONS[key])
    problem = count_problem(value)
    if problem:
        raise ConfigError(problem, key=f"sources[{ctx.source.name}].options.{key}")
    return int(value)  # type: ignore[arg-type]


def shown_mb(limit: int) -> str:
    """A byte limit in MB as a recipe writes it (256, 0.5)."""
    return f"{limit / 2**20:g}"


def detect_compression(head: bytes) -> str | None:
    """Return ``gzip``, ``bz2``, ``xz``, ``zstd`` or None from the first bytes of a stream."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def _open_uri(uri: str) -> IO[bytes]:
    if "://" in uri:
        # Remote and non-local file systems go through Beam's FileSystems (gs://, s3://...).
        from altedic import fsutil

        return fsutil.open_read(uri)
    return open(uri, "rb")


def _zstd_error() -> type[Exception]:
    import zstandard

    return zstandard.ZstdError  # type: ignore[no-any-return]


class _BoundedReader(io.RawIOBase):
    """Wraps a decompressing stream and fails once more than ``limit`` bytes come out."""

    def __init__(self, inner: IO[bytes], limit: int, uri: str) -> None:
        self._inner = inner
        self._limit = limit
        self._count = 0
        self._uri = uri

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:
            data = self._inner.read(len(b))
        except (OSError, EOFError, lzma.LZMAError, ValueError, _zstd_error()) as exc:
            raise InputError(
                f"compressed stream is corrupt or truncated after {self._count} bytes: {exc}",
                uri=self._uri,
                position=f"byte {self._count} (decompressed)",
            ) from exc
        n = len(data)
        self._count += n
        if self._count > self._limit:
            raise InputError(
                f"decompressed size exceeds the limit of {self._limit} bytes (decompression bomb?)",
                uri=self._uri,
                position=f"byte {self._limit} (decompressed)",
            )
        b[:n] = data
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


class _ZstdReader(io.RawIOBase):
    """Streaming zstd decompression that notices a truncated last frame.

    ``zstandard``'s stream reader ends quietly when the input stops mid-frame; a truncated
    download must be an error, so frames are decoded with a decompressobj and the end of the
    input is checked against the end of the frame. Concatenated frames are read in turn.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self._zstd = zstandard
        self._raw = raw
        self._dobj = zstandard.ZstdDecompressor().decompressobj()
        self._pending = b""
        self._pos = 0
        self._in_frame = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while self._pos >= len(self._pending):
            self._pending, self._pos = b"", 0
            chunk = self._raw.read(1 << 16)
            if not chunk:
                if self._in_frame:
                    raise EOFError("zstd stream ended in the middle of a frame")
                return 0
            while chunk:
                self._in_frame = True
                self._pending += self._dobj.decompress(chunk)
                if self._dobj.eof:
                    chunk = self._dobj.unused_data
                    self._dobj = self._zstd.ZstdDecompressor().decompressobj()
                    self._in_frame = False
                else:
                    chunk = b""
        n = min(len(b), len(self._pending) - self._pos)
        b[:n] = memoryview(self._pending)[self._pos : self._pos + n]
        self._pos += n
        return n


def open_decompressed(raw: IO[bytes], uri: str, limit: int = DEFAULT_MAX_DECOMPRESSED) -> IO[bytes]:
    """Return a buffered binary stream of ``raw`` decompressed according to its magic bytes."""
    buffered: io.BufferedReader = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type,type-var]
    head = buffered.peek(8)[:8]
    kind = detect_compression(head)
    if kind is None:
        return buffered
    # The decompressor is closed by the returned reader (not a context manager here).
    inner: Any
    if kind == "gzip":
        inner = gzip.GzipFile(fileobj=buffered, mode="rb")
    elif kind == "bz2":
        inner = bz2.BZ2File(buffered, mode="rb")
    elif kind == "xz":
        inner = lzma.LZMAFile(buffered, mode="rb")  # noqa: SIM115
    else:
        inner = io.BufferedReader(_ZstdReader(buffered))
    return io.BufferedReader(_BoundedReader(inner, limit, uri), buffer_size=1 << 16)


@dataclass
class SourceInfo:
    """The parts of a recipe source that readers and later stages need (picklable, no Beam)."""

    name: str
    format: str
    declared_lang: str | None = None
    licence: str | None = None
    licence_evidence: str | None = None
    publisher: str | None = None
    attribution: str | None = None
    retrieved: str | None = None
    profile: str = "default"
    options: dict[str, Any] = field(default_factory=dict)
    """Reader options from the recipe (``columns``, ``split``, ``notes``...)."""
    metadata: dict[str, str] = field(default_factory=dict)
    """Provenance stamped on every document of the source (dataset title, contributor...)."""
    licence_policy: dict[str, Any] | None = None
    """The recipe's licence-policy overrides, for per-row licences decided while reading."""
    paths: tuple[str, ...] | None = None
    """The source's paths as planned (absolute paths, URIs or globs), or None when not known (a
    reader called on its own). Tells a reader whether a file next to the one it reads is part of
    the source too (:func:`altedic.readers.legal.sibling_in_source`)."""


@dataclass
class ReadContext:
    """One input to read: the file (or archive member), its source, and how to open it."""

    source: SourceInfo
    uri: str
    """The file's URI (``path/to/file.zip!member.xml`` for archive members)."""
    rel: str
    """Path relative to the source root: the stable part of document ids."""
    opener: Callable[[], IO[bytes]] | None = None
    """How to open the raw bytes; None means open ``uri`` from the file system."""
    archive: ReadContext | None = field(default=None, repr=False, compare=False)
    """The archive this input is a member of (set by :meth:`child`), None for a plain file.

    Only this says where an archive's URI ends and the member's name begins: a ``!`` in a
    directory or file name (``bang!dir/doc.html``) is a character of the name, not a separator.
    """
    run: int = 1
    """Which member of its archive of the same name this input is (set by :meth:`child`): a zip
    can hold two members named alike (``zipfile`` appends rather than replaces). From 2 on, every
    position of the member's records starts with ``member NAME run N``, so that its documents do
    not share ids with the first one's (see :meth:`placed`)."""

    @property
    def member(self) -> str | None:
        """The member's name inside :attr:`archive` (``DOC_1/act.xml``), None for a plain file."""
        return self.uri[len(self.archive.uri) + 1 :] if self.archive is not None else None

    @property
    def file_name(self) -> str:
        """The input's own file name: the last part of the member's name, or of the file's path."""
        return (self.member if self.member is not None else self.uri).rsplit("/", 1)[-1]

    @property
    def options(self) -> dict[str, Any]:
        return self.source.options

    def open(self) -> IO[bytes]:
        """Open the input as a binary stream, decompressed by content (gzip/bz2/xz/zstd)."""
        try:
            raw = self.opener() if self.opener is not None else _open_uri(self.uri)
        except FileNotFoundError as exc:
            raise InputError("file not found", uri=self.uri) from exc
        except OSError as exc:
            raise InputError(f"cannot open: {exc.strerror or exc}", uri=self.uri) from exc
        limit = size_option(self, "max_decompressed_mb")
        return open_decompressed(raw, self.uri, limit)

    def read_bytes(self) -> bytes:
        """Read the whole (decompressed) input. For formats that need the whole file (XML trees)."""
        with self.open() as f:
            return f.read()

    def child(self, member: str, opener: Callable[[], IO[bytes]], run: int = 1) -> ReadContext:
        """Context for a member of an archive (``uri!member``); ``run``: see :attr:`run`."""
        return replace(
            self, uri=f"{self.uri}!{member}", rel=f"{self.rel}!{member}", opener=opener, archive=self, run=run
        )

    def placed(self, position: str) -> str:
        """``position`` inside this input, prefixed with ``member NAME run N, `` for each archive
        member on the way that is the Nth (N > 1) of its name in its archive, outermost first (the
        name tells the levels of nested archives apart). Unchanged for every other input, so the
        ids of documents from members of distinct names do not change."""
        runs = []
        ctx: ReadContext | None = self
        while ctx is not None:
            if ctx.run > 1 and ctx.member is not None:
                runs.append(f"member {_shown_name(ctx.member)} run {ctx.run}")
            ctx = ctx.archive
        if not runs:
            return position
        return ", ".join([*reversed(runs), position] if position else reversed(runs))

    @cached_property
    def shown(self) -> tuple[str, str]:
        """``(uri, rel)`` as records hold them: a file name that is not UTF-8 written with ``\\xNN``.

        Python reads such a name's bytes as lone surrogates (``caf\\udce9.txt`` for Latin-1
        ``café.txt``), which no record can hold (altedic.readers.guard); the file itself is opened
        by its real name. Names that are UTF-8, i.e. all others, are returned as they are, so
        their document ids do not change.
        """
        return _shown_name(self.uri), _shown_name(self.rel)

    def doc(self, text: str, position: str = "", **fields: Any) -> Document:
        """Build a document with a stable id and the source's provenance.

        Keyword arguments set any :class:`Document` field and override the source's defaults
        (``declared_lang`` from the file itself beats the recipe's, for example).
        """
        src = self.source
        uri, rel = self.shown
        position = self.placed(position)
        d = Document(
            id=doc_id(src.name, f"{rel}#{position}", text),
            text=text,
            source=src.name,
            uri=uri,
            position=position,
            format=src.format,
            declared_lang=src.declared_lang,
            licence=src.licence,
            licence_evidence=src.licence_evidence,
            publisher=src.publisher,
            attribution=src.attribution,
            retrieved=src.retrieved,
            profile=src.profile,
            metadata=dict(src.metadata),
        )
        for k, v in fields.items():
            if k == "metadata" and v:
                d.metadata.update(v)
                continue
            if v is not None:
                setattr(d, k, v)
        return d

    def error(self, message: str, position: str = "", kind: str = "input") -> ReadError:
        """Build the record of a part that could not be read."""
        return ReadError(
            source=self.source.name, uri=self.shown[0], position=self.placed(position), message=message, kind=kind
        )


def _shown_name(name: str) -> str:
    """``name`` with the bytes that were not UTF-8 (surrogate escapes) written as ``\\xNN``."""
    if name.isascii():
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte: U+FFFD, as elsewhere
        return replace_surrogates(name)
