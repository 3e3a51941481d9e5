"""Tabular inputs: JSONL, CSV and Parquet, with a column mapping from the recipe.

Options (recipe ``options:``):

* ``columns``: mapping of document fields to column names; ``text`` is required (default
  ``text``), optional ``id`` (stored as ``doc_ref``), ``lang`` (declared language per row; a
  value no code, English name or own name of a language matches is kept in
  ``metadata['declared_lang_unrecognised']``),
  ``url``, ``date``, ``title``, ``licence`` (per-row licence, decided by the licence policy).
* ``keep_fields``: list of other columns copied into ``metadata`` (as strings); default none.
* ``encoding`` (JSONL/CSV): as for text files; default UTF-8 (BOM honoured). A name that is not a
  text encoding (``x-bogus``, ``hex``, ``base64``...) is an InputError naming the option.
* ``delimiter`` (CSV): one character, default ``,``; not a line break or the quote ``"``.
* ``max_record_mb``: a record larger than this is an error, not a memory blow-up (default 256).
  In CSV, a field (the csv module's limit) or a physical line longer than this many MiB of
  characters.

All three formats stream: memory holds about one record (one Parquet batch), not the file.

A broken record (invalid JSON or encoding, ragged CSV row, a CSV quote left open, missing text) is recorded as an error
with its line or row number and reading goes on with the next one, in UTF-16 and UTF-32 files
too (:func:`_text_lines`). In JSON Lines, a ``\\u``
escape of half a UTF-16 surrogate pair (``"\\ud83d"`` without its ``"\\ude00"``: an emoji cut in
two) is valid JSON but not valid Unicode, and no later step (the language model, Parquet) can
encode it: such a record is an encoding error too, as with orjson and the readers built on it.

CSV is decoded as it is read (``io.TextIOWrapper``, ``newline=""`` so that line breaks inside
quoted fields stay as written). Rows, positions (``row R (line L)``, lines ending at LF, CRLF or
a lone CR) and so document ids are those of the whole-file reader it replaced. Bytes the encoding
refuses make their row an ``encoding`` error that names the byte, the column and the character
(``not valid utf-8 in this row: byte 0xe9 in column 'text' at character 3``), and the rows before
and after are kept; in UTF-16 and UTF-32 too (half a surrogate pair, a file cut in the middle of
a character), where the whole-file reader refused the file. The choice: one bad cell costs one
row, as one bad line costs one line in JSON Lines; a wrong ``options.encoding`` shows as many
such rows, each saying what to set. A file that is not text at all (binary data, UTF-16 without
a byte-order mark) is one InputError at ``byte 0``, as in JSON Lines, not an error per "row".
A compressed file cut short keeps the rows read before the cut, then ends with an InputError.

Values that are not strings (JSON Lines and Parquet; CSV cells are always strings):

* ``text`` must be text. In JSON Lines a number, boolean, list or object there is a ``schema``
  error for its line (a number is not a document, and guessing its format would be invented
  text). A Parquet text column is a string column (``string``, ``large_string``,
  ``string_view``, dictionary-encoded or not) or a variable-length binary one (``binary``,
  ``large_binary``, ``binary_view``, dictionary-encoded or not), read as UTF-8: exporters that
  write strings without Parquet's UTF8 annotation make those. Any other type (numbers,
  timestamps, lists, ``fixed_size_binary``, whose values of one width are codes or hashes, an
  all-null column) is one InputError ``wrong schema`` for the file: the type is the column's,
  so every row would be the same error.
* The other mapped fields and ``keep_fields`` become strings: bytes decoded as UTF-8 (never
  Python's ``b'...'``), numbers, booleans, dates and timestamps with ``str`` (``7``, ``1.5``,
  ``True``, ``2024-01-02 03:04:05``), lists, structs and maps as JSON with sorted keys (dates,
  decimals and bytes inside them written as above).
* Bytes that are not UTF-8, in the text or any column read (a ``binary`` column, or a Parquet
  ``string`` column whose writer did not check its bytes), make the row an error of kind
  ``encoding`` that names the column (``column 'title' holds bytes that are not UTF-8 text
  (invalid start byte at byte 3)``); the other rows are kept.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from typing import IO, Any, AnyStr

from altedic.errors import InputError
from altedic.readers.base import ReadContext, shown_mb, size_option
from altedic.readers.guard import LONE_SURROGATE
from altedic.readers.text import encoding_option, looks_like_utf16, skip_bom
from altedic.records import Document, ReadError

_FIELDS = ("text", "id", "lang", "url", "date", "title", "licence")


def columns_problem(value: object) -> str | None:
    """What is wrong with ``options.columns`` (None when nothing is): a mapping of document fields
    to column names, each a non-empty string (``{text: 5}`` looked for a column named 5 in every
    row and made each one an error)."""
    if not isinstance(value, dict):
        return f"must map document fields ({', '.join(_FIELDS)}) to column names, got {type(value).__name__}"
    unknown = set(value) - set(_FIELDS)
    if unknown:
        return f"has unknown field(s) {sorted(map(str, unknown))}; allowed: {', '.join(_FIELDS)}"
    for k, v in value.items():
        if not isinstance(v, str) or not v:
            return f"{k}: a column name is a non-empty string, got {v!r} (quote it in YAML: '{v}')"
    return None


def keep_fields_problem(value: object) -> str | None:
    """What is wrong with ``options.keep_fields`` (None when nothing is): a list of column names."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return f"must be a list of column names (non-empty strings), got {value!r}"
    return None


def _columns(ctx: ReadContext) -> dict[str, str]:
    cols = ctx.options.get("columns") or {}
    problem = columns_problem(cols)
    if problem:
        raise InputError(f"options.columns {problem}", uri=ctx.uri)
    keep = ctx.options.get("keep_fields")
    if keep is not None and (problem := keep_fields_problem(keep)):
        raise InputError(f"options.keep_fields {problem}", uri=ctx.uri)
    cols = dict(cols)
    cols.setdefault("text", "text")
    return cols


class _Undecodable:
    """A Parquet string value whose bytes are not UTF-8 (Arrow does not check them on reading)."""

    __slots__ = ("error",)

    def __init__(self, error: UnicodeDecodeError) -> None:
        self.error = error


class _Unconvertible:
    """A Parquet value Python cannot hold: a date, timestamp or duration outside ``datetime``'s
    range (years 1-9999, ``timedelta`` up to 999999999 days), or a timestamp in a time zone the
    time-zone database does not know. Arrow raises on converting it, for the whole batch."""

    __slots__ = ("error", "type")

    def __init__(self, error: Exception, arrow_type: Any) -> None:
        self.error = error
        self.type = str(arrow_type)

    def reason(self) -> str:
        if isinstance(self.error, KeyError):  # pytz's UnknownTimeZoneError, zoneinfo's ZoneInfoNotFoundError
            return f"unknown time zone {self.error.args[0] if self.error.args else ''!r}"
        return f"out of the range of Python's dates and times ({self.error or type(self.error).__name__})"


#: What Arrow's conversion of one value to Python raises beyond UnicodeDecodeError: OverflowError
#: and ValueError for dates out of range, KeyError for an unknown time zone.
_CONVERSION_ERRORS = (OverflowError, ValueError, KeyError)


class _BadCell(Exception):
    """A cell that cannot be a document string: bytes that are not UTF-8 (kind ``encoding``) or a
    value Python cannot hold (kind ``schema``); ``message`` says where."""

    def __init__(self, column: str, error: UnicodeDecodeError | _Unconvertible, nested: bool = False) -> None:
        where = " in a nested value" if nested else ""
        if isinstance(error, _Unconvertible):
            self.kind = "schema"
            super().__init__(f"column {column!r} holds a {error.type} value that cannot be read: {error.reason()}")
        else:
            self.kind = "encoding"
            super().__init__(
                f"column {column!r} holds bytes that are not UTF-8 text{where} ({error.reason} at byte {error.start})"
            )
        self.message = str(self)


def _json_default(v: Any) -> Any:
    """JSON for what Parquet nests in lists and structs: bytes as UTF-8 text, the rest as ``str``.

    Dates, times, timestamps, decimals and durations (``str`` gives ``2024-01-02``, ``1.50``),
    as they are written when not nested. Raises UnicodeDecodeError for bytes that are not UTF-8.
    """
    if isinstance(v, bytes):
        return v.decode("utf-8")
    return str(v)


def _cell(v: Any, column: str) -> str | None:
    """A cell as a document string (None for a null).

    Strings as they are; bytes (a Parquet ``binary`` column) decoded as UTF-8, never their
    Python repr ``b'...'``; lists and objects (JSON, Parquet lists, structs, maps) as JSON with
    sorted keys; numbers, booleans, dates and timestamps with ``str`` (``7``, ``1.5``, ``True``,
    ``2024-01-02 03:04:05``). Raises :class:`_BadCell` for bytes that are not UTF-8.
    """
    if v is None or isinstance(v, str):
        return v
    try:
        if isinstance(v, bytes):
            return v.decode("utf-8")
        if isinstance(v, _Undecodable):
            raise v.error
        if isinstance(v, _Unconvertible):
            raise _BadCell(column, v)
        if isinstance(v, (dict, list)):
            try:
                return json.dumps(v, ensure_ascii=False, sort_keys=True, default=_json_default)
            except UnicodeDecodeError as exc:
                raise _BadCell(column, exc, nested=True) from None
    except UnicodeDecodeError as exc:
        raise _BadCell(column, exc) from None
    return str(v)


def _make_doc(ctx: ReadContext, row: dict[str, Any], cols: dict[str, str], position: str) -> Document | ReadError:
    text = row.get(cols["text"])
    if text is None:
        return ctx.error(f"no text: column {cols['text']!r} is missing or null", position, kind="schema")
    fields: dict[str, Any] = {}
    try:
        if isinstance(text, (bytes, _Undecodable, _Unconvertible)):
            text = _cell(text, cols["text"])
        if not isinstance(text, str):
            return ctx.error(
                f"text column {cols['text']!r} holds a {type(text).__name__}, not a string", position, kind="schema"
            )
        if "id" in cols:
            fields["doc_ref"] = _cell(row.get(cols["id"]), cols["id"])
        for f in ("url", "date", "title"):
            if f in cols:
                fields[f] = _cell(row.get(cols[f]), cols[f])
        unrecognised = None
        if "lang" in cols and row.get(cols["lang"]):
            from altedic.langid.codes import normalise_lang, unrecognised_declaration

            raw = _cell(row.get(cols["lang"]), cols["lang"])
            fields["declared_lang"] = normalise_lang(raw)
            unrecognised = unrecognised_declaration(raw)
        keep = ctx.options.get("keep_fields") or []
        if keep:
            fields["metadata"] = {k: s for k in keep if (s := _cell(row.get(k), k)) is not None}
        if unrecognised:
            fields.setdefault("metadata", {})["declared_lang_unrecognised"] = unrecognised
        licence = _cell(row.get(cols["licence"]), cols["licence"]) if "licence" in cols else None
    except _BadCell as bad:
        return ctx.error(bad.message, position, kind=bad.kind)
    doc = ctx.doc(text, position, **fields)
    if "licence" in cols:
        _apply_row_licence(ctx, doc, licence, cols["licence"])
    return doc


def _apply_row_licence(ctx: ReadContext, doc: Document, raw: str | None, column: str) -> None:
    """A non-blank per-row licence overrides the source's and goes through the licence policy.

    A blank cell keeps the source's licence and its evidence (the row says nothing).
    """
    if raw is None or not raw.strip():
        return
    from altedic.licence.policy import decide_row

    decision = decide_row(raw, ctx.source.licence_policy)
    doc.licence_evidence = f"row column '{column}'"
    if decision.allowed:
        doc.licence = decision.licence_id
    else:
        doc.licence = decision.licence_id or raw
        doc.reject(decision.reason or "licence.refused", decision.detail)


def _refuse_binary(sample: bytes, encoding: str, uri: str) -> None:
    """One clear error for a file that is not text at all, instead of an error per "line" of junk.

    Judged on the first 8 KiB: UTF-16 without a byte-order mark, more than 1% NUL bytes, or more
    than 10% of the sample not decodable in the declared encoding. A text file with a few bad
    lines is read line by line (each bad line an error, its neighbours kept).
    """
    if not sample or encoding.startswith(("utf-16", "utf-32")):
        return
    guess = looks_like_utf16(sample) if b"\0" in sample else None
    if guess:
        raise InputError(
            f"UTF-16 text without a byte-order mark; set options.encoding: {guess}", uri=uri, position="byte 0"
        )
    if sample.count(b"\0") > max(16, len(sample) // 100):
        raise InputError("binary data (NUL bytes in the first 8 KiB), not a text file", uri=uri, position="byte 0")
    bad = (
        sample.decode(encoding, errors="replace").count("\ufffd")
        if encoding.replace("_", "-").lower() in ("utf-8", "utf8")
        else 0
    )
    if bad > len(sample) // 10:
        raise InputError(
            f"binary data or not {encoding}: {bad} undecodable bytes in the first {len(sample)} bytes",
            uri=uri,
            position="byte 0",
        )


def _start_text(f: IO[bytes], encoding: str, uri: str) -> str:
    """The encoding to decode ``f`` in, after skipping its byte-order mark; refuses a binary file.

    A UTF-8, UTF-16 or UTF-32 byte-order mark beats ``encoding`` (``options.encoding``); without
    one, the first 8 KiB are judged by :func:`_refuse_binary` (InputError for binary data or
    BOM-less UTF-16).
    """
    marked = skip_bom(f)
    if marked is not None:
        return marked
    _refuse_binary(f.peek(8192)[:8192] if hasattr(f, "peek") else b"", encoding, uri)
    return encoding


def _text_lines(ctx: ReadContext) -> Iterator[tuple[int, str | None, str]]:
    """(line number, decoded line or None, error message) for each line of a text file.

    UTF-16 and UTF-32 lines cannot be split on ``b"\\n"``: those files are decoded as a stream,
    where a byte the codec refuses is marked by the error handler of the CSV reader
    (:func:`_escape_undecodable`), so that it costs only its own line, as in UTF-8.
    """
    encoding = encoding_option(ctx)
    limit = size_option(ctx, "max_record_mb")
    too_long = f"record larger than options.max_record_mb={shown_mb(limit)} MB"
    with ctx.open() as f:
        encoding = _start_text(f, encoding, ctx.uri)
        if encoding.startswith(("utf-16", "utf-32")):
            text = io.TextIOWrapper(f, encoding=encoding, errors=_ESCAPE, newline="")
            for n, line in _bounded_lines(text.readline, limit, ("\r", "\n")):
                bad = None if line is None or line.isascii() else _ESCAPED.search(line)
                if line is None:
                    yield n, None, too_long
                elif bad is not None:
                    byte = ord(bad.group()) - 0xDC00
                    yield n, None, f"not valid {encoding} at character {bad.start()} of the line (byte 0x{byte:02x})"
                else:
                    yield n, line, ""
            return
        for n, raw in _bounded_lines(f.readline, limit, (b"\n",)):
            if raw is None:
                yield n, None, too_long
                continue
            try:
                yield n, raw.decode(encoding), ""
            except UnicodeDecodeError as exc:
                yield n, None, f"not valid {encoding} at byte {exc.start} of the line: {exc.reason}"


def _bounded_lines(
    readline: Callable[[int], AnyStr], limit: int, ends: tuple[AnyStr, ...]
) -> Iterator[tuple[int, AnyStr | None]]:
    """The lines ``readline`` gives (bytes or characters), numbered from 1; None for a line of
    more than ``limit`` units, which is skipped in 1 MiB pieces without being held whole."""
    n = 0
    while True:
        line = readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith(ends):
            while line and not line.endswith(ends):
                line = readline(1 << 20)
            yield n, None
            continue
        yield n, line


class _Pairs(dict):  # type: ignore[type-arg]
    """A JSON object that remembers the keys written more than once in it."""

    twice: tuple[str, ...] = ()


def _pairs_hook(pairs: list[tuple[str, Any]]) -> _Pairs:
    obj = _Pairs(pairs)
    if len(obj) != len(pairs):
        keys = [k for k, _ in pairs]
        obj.twice = tuple(sorted({k for k in keys if keys.count(k) > 1}))
    return obj


def read_jsonl(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """One document per JSON object line; blank lines are skipped.

    A key the reader takes (the text, a mapped column, a ``keep_fields`` entry) written twice in
    one object is an error for that line, as a column named twice is for CSV and Parquet:
    Python's ``json`` kept the last one silently. Only a line where such a key's quoted name
    occurs twice is parsed with the check (a pairs hook), so other lines cost nothing more.
    """
    cols = _columns(ctx)
    used = _used_columns(ctx, cols)
    quoted = tuple(json.dumps(k, ensure_ascii=False) for k in used)
    for n, line, err in _text_lines(ctx):
        pos = f"line {n}"
        if line is None:
            yield ctx.error(err, pos, kind="encoding")
            continue
        if not line.strip():
            continue
        if "\x00" in line:
            yield ctx.error("contains NUL bytes: binary data, not JSON Lines", pos, kind="encoding")
            continue
        try:
            if any(line.count(q) > 1 for q in quoted):
                obj = json.loads(line, object_pairs_hook=_pairs_hook)
                twice = [k for k in getattr(obj, "twice", ()) if k in used]
                if twice:
                    yield ctx.error(
                        f"key {twice[0]!r} is written more than once in this object; keep one", pos, kind="json"
                    )
                    continue
            else:
                obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ctx.error(f"not valid JSON: {exc.msg} at column {exc.colno}", pos, kind="json")
            continue
        except RecursionError:
            yield ctx.error("JSON nested too deeply", pos, kind="json")
            continue
        except ValueError as exc:
            # An integer of more than sys.get_int_max_str_digits() digits (4300): valid JSON that
            # Python refuses to convert (a guard against quadratic-time conversion). The hint to
            # raise that limit is for programmers, not for whoever fixes the data.
            reason = str(exc).split("; use sys.set_int_max_str_digits()")[0]
            yield ctx.error(f"cannot read this JSON: {reason}", pos, kind="json")
            continue
        if not isinstance(obj, dict):
            yield ctx.error(f"expected a JSON object per line, got {type(obj).__name__}", pos, kind="json")
            continue
        made = _make_doc(ctx, obj, cols, pos)
        if "\\u" in line and isinstance(made, Document):
            # only a \u escape can put a surrogate in a string (a raw one is not valid UTF-8)
            lone = _lone_surrogate(made)
            if lone is not None:
                yield ctx.error(lone, pos, kind="encoding")
                continue
        yield made


def _lone_surrogate(doc: Document) -> str | None:
    """Where ``doc`` holds a lone surrogate (its field and character), or None."""
    fields: list[tuple[str, str | None]] = [
        ("text", doc.text),
        ("id", doc.doc_ref),
        ("url", doc.url),
        ("date", doc.date),
        ("title", doc.title),
        ("lang", doc.declared_lang),
        *((f"metadata {k!r}", v) for k, v in doc.metadata.items() if isinstance(v, str)),
    ]
    for name, value in fields:
        m = LONE_SURROGATE.search(value) if value else None
        if m is not None:
            return (
                f"not valid Unicode: a lone surrogate (\\u{ord(m.group()):04x}, half of a UTF-16 pair) in "
                f"the {name} field at character {m.start()}"
            )
    return None


def delimiter_problem(value: object) -> str | None:
    """What is wrong with ``value`` as ``options.delimiter`` of a CSV source (a message), or None.

    The csv module wants exactly one character (``;;`` is a TypeError there); a line break or
    the quote character would split rows or fields in the wrong places without an error.
    """
    if isinstance(value, str) and len(value) == 1 and value not in '\r\n"':
        return None
    return f"{value!r} is not a CSV delimiter; give one character (not a line break or '\"'), such as ',', ';' or a tab"


#: Name of the decoding error handler of the CSV reader (see :func:`_escape_undecodable`).
_ESCAPE = "altedic.escape-undecodable"
#: What that handler puts in the text: U+DC00 + the byte's value (U+DC80-U+DCFF: as surrogateescape).
_ESCAPED = re.compile("[\udc00-\udcff]")


def _escape_undecodable(exc: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: each byte the codec refuses becomes the character U+DC00 + byte.

    As ``surrogateescape`` for bytes 0x80-0xFF; unlike it, also for bytes below 0x80, which a
    UTF-16 or UTF-32 decoder can refuse (half a surrogate pair, a file cut in the middle of a
    character) and ``surrogateescape`` then raises on. Decoding never fails, so the row holding
    the bad bytes can be an error of its own and its neighbours kept.
    """
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error(_ESCAPE, _escape_undecodable)


class _LineTooLong(Exception):
    """A physical line of a CSV file is longer than options.max_record_mb (it has been skipped)."""


class _CsvLines:
    """The physical lines of a decoded CSV stream, as :func:`csv.reader` takes them, counted.

    Lines end at LF, CRLF or a lone CR, as ``io.StringIO(text, newline="")`` split them before
    streaming, so that rows and line numbers are the same. A line of more than ``limit``
    characters (line break not counted) is never held whole: it is skipped in 1 MiB pieces and
    :class:`_LineTooLong` is raised once; ``csv.reader`` drops the record it was building and
    starts afresh with the next line when called again. ``n`` counts every line, skipped or not:
    ``reader.line_num`` does not count a skipped one.
    """

    def __init__(self, text: IO[str], limit: int) -> None:
        self._text = text
        self._limit = limit
        self._after_cut_cr = False
        self.n = 0

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        # limit + 3: a line of ``limit`` characters and a CRLF is never cut in two
        line = self._text.readline(self._limit + 3)
        if self._after_cut_cr:
            self._after_cut_cr = False
            if line == "\n":  # the LF of a CRLF whose CR ended a skipped piece: same line
                line = self._text.readline(self._limit + 3)
        if not line:
            raise StopIteration
        self.n += 1
        if len(line) - (2 if line.endswith("\r\n") else 1 if line[-1] in "\r\n" else 0) <= self._limit:
            return line
        piece, size = line, self._limit + 3
        while piece and piece[-1] not in "\r\n":
            piece, size = self._text.readline(1 << 20), 1 << 20
        # readline(size) may stop between the CR and the LF of a CRLF (the next line is then "\n")
        self._after_cut_cr = piece.endswith("\r") and len(piece) == size
        raise _LineTooLong


def _used_columns(ctx: ReadContext, cols: dict[str, str]) -> list[str]:
    """The columns (JSON keys) the reader takes: the mapped ones (text, id, lang...), then
    ``keep_fields``, each once."""
    return list(dict.fromkeys([*cols.values(), *(ctx.options.get("keep_fields") or [])]))


def _named_twice(names: list[str], used: list[str]) -> str | None:
    """What is wrong when a column the reader takes (``used``: :func:`_used_columns`) is named
    more than once in a CSV header or a Parquet schema, else None. Which of the two holds the
    text cannot be known: before, CSV silently took the last and Parquet failed with a KeyError
    (a reader-fault)."""
    for name in used:
        at = [i + 1 for i, n in enumerate(names) if n == name]
        if len(at) > 1:
            where = ", ".join(map(str, at[:-1])) + f" and {at[-1]}"
            return f"column {name!r} is named {len(at)} times (columns {where}); rename all but one"
    return None


def read_csv(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """One document per CSV row after the header row; ragged rows are errors.

    Streams: the file is decoded as it is read (memory: about one record, not the file).
    """
    cols = _columns(ctx)
    limit = size_option(ctx, "max_record_mb")
    csv.field_size_limit(limit)
    delimiter = ctx.options.get("delimiter", ",")
    problem = delimiter_problem(delimiter)
    if problem:
        raise InputError(f"options.delimiter: {problem}", uri=ctx.uri)
    encoding = encoding_option(ctx)
    too_long = f"record larger than options.max_record_mb={shown_mb(limit)} MB"
    with ctx.open() as f:
        encoding = _start_text(f, encoding, ctx.uri)
        # newline="": line breaks inside quoted fields stay as written (the csv module's rule)
        text = io.TextIOWrapper(f, encoding=encoding, errors=_ESCAPE, newline="")
        lines = _CsvLines(text, limit)
        # strict: a quoted field must end with a quote followed by the delimiter or the line's
        # end, and must end before the file does. Lenient, a quote left open took the following
        # lines into its field until the next stray quote (or the end of the file): records were
        # merged into one silently. Strict, that is a csv.Error, one error record for the lines
        # read (below), and reading goes on with the next line.
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"cannot read the CSV header: {exc}", uri=ctx.uri, position="row 1") from None
        except _LineTooLong:
            raise InputError(f"cannot read the CSV header: {too_long}", uri=ctx.uri, position="row 1") from None
        if cols["text"] not in header:
            raise InputError(
                f"no column {cols['text']!r} for the text; the header has {header[:20]} (set options.columns.text)",
                uri=ctx.uri,
                position="row 1",
            )
        twice = _named_twice(header, _used_columns(ctx, cols))
        if twice:
            raise InputError(f"the header is ambiguous: {twice}", uri=ctx.uri, position="row 1")
        row_no = 1
        while True:
            first = lines.n + 1  # the record's first physical line
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                row_no += 1
                where = f"line {first}" if lines.n <= first else f"lines {first}-{lines.n}"
                yield ctx.error(
                    f"malformed CSV in {where}: {exc} (a quoted field not closed, or text after its closing "
                    'quote; a quote inside a quoted field is written twice: ""); skipped',
                    f"row {row_no} (line {lines.n})",
                    kind="csv",
                )
                continue
            except _LineTooLong:
                row_no += 1
                yield ctx.error(too_long, f"row {row_no} (line {lines.n})", kind="csv")
                continue
            row_no += 1
            pos = f"row {row_no} (line {lines.n})"
            if not values:
                continue
            # bytes the decoder refused first: they can also be why a row looks ragged
            bad = _undecodable(header, values)
            if bad:
                yield ctx.error(f"not valid {encoding} in this row: {bad}; set options.encoding", pos, kind="encoding")
                continue
            if len(values) != len(header):
                yield ctx.error(f"ragged row: {len(values)} fields where the header has {len(header)}", pos, kind="csv")
                continue
            yield _make_doc(ctx, dict(zip(header, values, strict=True)), cols, pos)


def _undecodable(header: list[str], values: list[str]) -> str | None:
    """Where the first byte the decoder refused is in a row (its column and character), or None."""
    for i, value in enumerate(values):
        m = None if value.isascii() else _ESCAPED.search(value)
        if m is not None:
            column = f"column {header[i]!r}" if i < len(header) else f"field {i + 1}"
            return f"byte 0x{ord(m.group()) - 0xDC00:02x} in {column} at character {m.start()}"
    return None


def read_parquet(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """One document per row, read batch by batch (bounded memory)."""

    cols = _columns(ctx)
    f = ctx.open()
    try:  # the file is closed however reading ends (a schema error too)
        yield from _parquet_rows(ctx, f, cols)
    finally:
        f.close()


def _parquet_rows(ctx: ReadContext, f: IO[bytes], cols: dict[str, str]) -> Iterator[Document | ReadError]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(f)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"not a readable Parquet file: {exc}", uri=ctx.uri) from None
    names = pf.schema_arrow.names
    used = _used_columns(ctx, cols)
    wanted = [c for c in used if c in names]
    if cols["text"] not in names:
        raise InputError(
            f"wrong schema: no column {cols['text']!r} for the text; columns are {names[:20]} (set options.columns.text)",
            uri=ctx.uri,
        )
    twice = _named_twice(names, used)
    if twice:
        raise InputError(f"wrong schema: {twice}", uri=ctx.uri)
    field_type = pf.schema_arrow.field(cols["text"]).type
    # pandas categoricals and polars Categorical/Enum are dictionary-encoded text
    value_type = field_type.value_type if pa.types.is_dictionary(field_type) else field_type
    if not any(is_type(value_type) for is_type in _TEXT_TYPES):
        raise InputError(
            f"wrong schema: text column {cols['text']!r} has type {field_type}, not string (or binary holding UTF-8)",
            uri=ctx.uri,
        )
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=1024, columns=wanted):
            for rec in _batch_rows(batch):
                row += 1
                yield _make_doc(ctx, rec, cols, f"row {row}")
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"Parquet data is corrupt after row {row}: {exc}", uri=ctx.uri, position=f"row {row + 1}"
        ) from None


def _is_text_type(t: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def _is_binary_type(t: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t))


#: Arrow types a Parquet text column may have (also dictionary-encoded): strings, and bytes of
#: variable length read as UTF-8 (some exporters write strings without Parquet's UTF8
#: annotation; Spark's ``binaryAsString`` exists for them). Not ``fixed_size_binary``: bytes of
#: one width are codes, hashes or UUIDs, not text.
_TEXT_TYPES = (_is_text_type, _is_binary_type)


def _batch_rows(batch: Any) -> list[dict[str, Any]]:
    """The rows of a record batch as dicts; a string that is not UTF-8 becomes an :class:`_Undecodable`,
    a value Python cannot hold (a date out of range, an unknown time zone) an :class:`_Unconvertible`.

    Parquet does not make its writers check that a string column holds UTF-8, and Arrow does not
    check it on reading: ``to_pylist`` then raises for the whole batch, as it does for a date of
    the year 20000 (valid in Parquet, not in Python). Only then is the batch converted column by
    column, and value by value in a column that fails, so that the one bad value is an error for
    its row and the other 1023 rows are kept.
    """
    try:
        return batch.to_pylist()  # type: ignore[no-any-return]
    except (UnicodeDecodeError, *_CONVERSION_ERRORS):
        pass
    columns: list[list[Any]] = []
    for column in batch.columns:
        try:
            columns.append(column.to_pylist())
        except (UnicodeDecodeError, *_CONVERSION_ERRORS):
            columns.append([_value(column, i) for i in range(len(column))])
    names = batch.schema.names
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _value(column: Any, i: int) -> Any:
    try:
        return column[i].as_py()
    except UnicodeDecodeError as exc:
        return _Undecodable(exc)
    except _CONVERSION_ERRORS as exc:
        return _Unconvertible(exc, column.type)
