"""Plain-text files: one document per file, per paragraph (blank-line separated) or per line.

Options (recipe ``options:``):

* ``unit``: ``file`` (default), ``paragraph`` or ``line``.
* ``encoding``: ``utf-8`` (default; a UTF-8, UTF-16 or UTF-32 byte-order mark is honoured) or any text
  encoding Python knows (``cp1252``, ``utf-16-le``...; see :func:`text_encoding`). Encodings are
  never guessed silently: a file that is not valid in the declared encoding is an error that
  says where and what to set.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import IO

from altedic.errors import InputError
from altedic.readers.base import ReadContext
from altedic.records import Document, ReadError

# UTF-32's marks first: the little-endian one starts with UTF-16's (FF FE 00 00 vs FF FE), and a
# UTF-32 file read as UTF-16 was a NUL after every character.
_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def bom_of(data: bytes) -> tuple[str, int] | None:
    """The encoding and length of the byte-order mark ``data`` starts with, else None."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def skip_bom(f: IO[bytes]) -> str | None:
    """Read past the byte-order mark ``f`` starts with and return its encoding; None (nothing read)
    when there is none. ``f`` must be able to peek (every :meth:`ReadContext.open` stream can)."""
    found = bom_of(f.peek(4)[:4] if hasattr(f, "peek") else b"")
    if found is None:
        return None
    f.read(found[1])
    return found[0]


#: Codecs that Python counts as text encodings but that no file is written in: ``undefined``
#: refuses every byte, ``idna`` and ``punycode`` encode domain names, ``unicode_escape`` and
#: ``raw_unicode_escape`` turn backslash escapes into characters.
_NOT_FILE_ENCODINGS = frozenset({"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape"})
_ENCODING_EXAMPLES = "utf-8, utf-16-le, cp1252 or iso-8859-2"


def text_encoding(name: object) -> str | None:
    """Python's name of the text encoding ``name`` (``UTF-16LE`` -> ``utf-16-le``), else None.

    None for a name Python does not know and for a codec that is not the encoding of a text
    file: a bytes-to-bytes or str-to-str transform (``hex``, ``base64``, ``zlib``, ``rot13``...;
    ``bytes.decode`` refuses them with a LookupError, a codec's own decoder returns bytes) or
    one of :data:`_NOT_FILE_ENCODINGS`. The text, JSONL and CSV readers (``options.encoding``)
    and the TMX recovery (the XML declaration) check names here, so that a wrong name is a
    clear error, never a crash.
    """
    if not isinstance(name, str) or not name:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not info._is_text_encoding or info.name in _NOT_FILE_ENCODINGS:
        return None
    return info.name


def encoding_problem(name: object) -> str | None:
    """What is wrong with ``name`` as an encoding (a message that quotes it), or None if it is one.

    Shared by the readers (an InputError naming ``options.encoding``) and the recipe loader (a
    ConfigError naming the source's key before any work starts).
    """
    if text_encoding(name) is not None:
        return None
    try:
        known = isinstance(name, str) and bool(name) and bool(codecs.lookup(name))
    except LookupError:
        known = False
    what = (
        "is not a text encoding (a transform, or a codec no file is written in)"
        if known
        else "is not an encoding Python knows"
    )
    return f"{name!r} {what}; use a text encoding such as {_ENCODING_EXAMPLES}"


def encoding_option(ctx: ReadContext, default: str = "utf-8") -> str:
    """The source's ``options.encoding`` (or ``default``) as Python's codec name.

    Raises InputError naming the option when it is not a text encoding (see :func:`text_encoding`).
    """
    raw = ctx.options.get("encoding", default)
    encoding = text_encoding(raw)
    if encoding is None:
        raise InputError(f"options.encoding: {encoding_problem(raw)}", uri=ctx.uri)
    return encoding


def looks_like_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when a BOM-less sample looks like UTF-16 text, else None.

    UTF-16 text has NUL high bytes wherever it holds ASCII (spaces, digits, punctuation, markup),
    all on one side of each byte pair; UTF-8 text has no NUL at all, and binary junk has NULs on
    both sides. The sample must also decode as that variant to mostly printable characters.
    """
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    for enc, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high < 0.05 * pairs or low > 0.1 * high:
            continue
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
        if printable / len(text) > 0.95:
            return enc
    return None


def decode_bytes(data: bytes, uri: str, encoding: str = "utf-8") -> str:
    """Decode ``data``; a BOM wins over ``encoding``; InputError with the byte offset on failure."""
    found = bom_of(data)
    if found is not None:
        encoding, size = found
        data = data[size:]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        guess = looks_like_utf16(data)
        hint = f" (UTF-16 without a byte-order mark? set options.encoding: {guess})" if guess else ""
        raise InputError(
            f"not valid {encoding} at byte {exc.start}: {exc.reason}{hint}; set options.encoding if the file uses another encoding",
            uri=uri,
            position=f"byte {exc.start}",
        ) from None
    except LookupError:
        raise InputError(f"options.encoding: {encoding_problem(encoding)}", uri=uri) from None
    if "\x00" in text:
        pos = text.index("\x00")
        raise InputError(
            f"contains NUL characters (binary data or UTF-16 read as {encoding}?) at character {pos}",
            uri=uri,
            position=f"char {pos}",
        )
    return text


def read_text(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """Yield the documents of one text file according to ``options.unit``."""
    unit = ctx.options.get("unit", "file")
    if unit not in ("file", "paragraph", "line"):
        raise InputError(f"options.unit must be file, paragraph or line, not {unit!r}", uri=ctx.uri)
    encoding = encoding_option(ctx)
    text = decode_bytes(ctx.read_bytes(), ctx.uri, encoding)
    if unit == "file":
        if text.strip():
            yield ctx.doc(text, position="file")
        return
    if unit == "line":
        for i, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield ctx.doc(line, position=f"line {i}")
        return
    # paragraph: blocks separated by one or more blank lines; position is the first line.
    block: list[str] = []
    start = 0
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                start = i
            block.append(line)
        elif block:
            yield ctx.doc("\n".join(block), position=f"line {start}")
            block = []
    if block:
        yield ctx.doc("\n".join(block), position=f"line {start}")
