"""Tabular inputs: JSONL, CSV and Parquet, with a column mapping from the recipe.

Options (recipe ``options:``):

* ``columns``: mapping of document fields to column names; ``text`` is required (default
  ``text``), optional ``id`` (stored as ``doc_ref``), ``lang`` (declared language per row),
  ``url``, ``date``, ``title``, ``licence`` (per-row licence, decided by the licence policy).
* ``keep_fields``: list of other columns copied into ``metadata`` (as strings); default none.
* ``encoding`` (JSONL/CSV): as for text files; default UTF-8 (BOM honoured). A name that is not a
  text encoding (``x-bogus``, ``hex``, ``base64``...) is an InputError naming the option.
* ``delimiter`` (CSV): one character, default ``,``; not a line break or the quote ``"``.
* ``max_record_mb``: a record larger than this is an error, not a memory blow-up (default 256).

A broken record (invalid JSON or encoding, ragged CSV row, missing text) is recorded as an error
with its line or row number and reading goes on with the next one. In JSON Lines, a ``\\u``
escape of half a UTF-16 surrogate pair (``"\\ud83d"`` without its ``"\\ude00"``: an emoji cut in
two) is valid JSON but not valid Unicode, and no later step (the language model, Parquet) can
encode it: such a record is an encoding error too, as with orjson and the readers built on it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from altedic.errors import InputError
from altedic.readers.base import ReadContext
from altedic.readers.text import _BOMS, encoding_option, looks_like_utf16
from altedic.records import Document, ReadError

_FIELDS = ("text", "id", "lang", "url", "date", "title", "licence")
# a lone UTF-16 surrogate, as json.loads leaves an escape of half a pair
_SURROGATE = re.compile("[\ud800-\udfff]")


def _columns(ctx: ReadContext) -> dict[str, str]:
    cols = dict(ctx.options.get("columns") or {})
    unknown = set(cols) - set(_FIELDS)
    if unknown:
        raise InputError(
            f"options.columns has unknown field(s) {sorted(unknown)}; allowed: {', '.join(_FIELDS)}", uri=ctx.uri
        )
    cols.setdefault("text", "text")
    return cols


def _str(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def _make_doc(ctx: ReadContext, row: dict[str, Any], cols: dict[str, str], position: str) -> Document | ReadError:
    text = row.get(cols["text"])
    if text is None:
        return ctx.error(f"no text: column {cols['text']!r} is missing or null", position, kind="schema")
    if not isinstance(text, str):
        return ctx.error(
            f"text column {cols['text']!r} holds a {type(text).__name__}, not a string", position, kind="schema"
        )
    fields: dict[str, Any] = {}
    if "id" in cols:
        fields["doc_ref"] = _str(row.get(cols["id"]))
    for f in ("url", "date", "title"):
        if f in cols:
            fields[f] = _str(row.get(cols[f]))
    if "lang" in cols and row.get(cols["lang"]):
        from altedic.langid.codes import normalise_lang

        fields["declared_lang"] = normalise_lang(_str(row.get(cols["lang"])))
    keep = ctx.options.get("keep_fields") or []
    if keep:
        fields["metadata"] = {k: s for k in keep if (s := _str(row.get(k))) is not None}
    doc = ctx.doc(text, position, **fields)
    if "licence" in cols:
        _apply_row_licence(ctx, doc, _str(row.get(cols["licence"])), cols["licence"])
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


def _text_lines(ctx: ReadContext) -> Iterator[tuple[int, str | None, str]]:
    """(line number, decoded line or None, error message) for each line of a text file."""
    encoding = encoding_option(ctx)
    limit = int(ctx.options.get("max_record_mb", 256)) * 2**20
    with ctx.open() as f:
        sample = f.peek(8192)[:8192] if hasattr(f, "peek") else b""
        head = sample[:4]
        for bom, enc in _BOMS:
            if head.startswith(bom):
                encoding = enc
                f.read(len(bom))
                break
        else:
            _refuse_binary(sample, encoding, ctx.uri)
        if encoding.startswith(("utf-16", "utf-32")):
            # Lines of UTF-16/32 cannot be split on b"\n"; decode as a stream (errors end the file).
            wrapper = io.TextIOWrapper(f, encoding=encoding, newline="")
            n = 0
            try:
                for n, line in enumerate(wrapper, start=1):
                    yield n, line, ""
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not valid {encoding} after line {n}: {exc.reason}", uri=ctx.uri, position=f"line {n + 1}"
                ) from None
            return
        n = 0
        while True:
            raw = f.readline(limit + 1)
            if not raw:
                break
            n += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                # Skip the rest of the oversized record without holding it in memory.
                while raw and not raw.endswith(b"\n"):
                    raw = f.readline(1 << 20)
                yield n, None, f"record larger than options.max_record_mb={limit // 2**20} MB"
                continue
            try:
                yield n, raw.decode(encoding), ""
            except UnicodeDecodeError as exc:
                yield n, None, f"not valid {encoding} at byte {exc.start} of the line: {exc.reason}"


def read_jsonl(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """One document per JSON object line; blank lines are skipped."""
    cols = _columns(ctx)
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
        m = _SURROGATE.search(value) if value else None
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


def read_csv(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """One document per CSV row after the header row; ragged rows are errors."""
    cols = _columns(ctx)
    csv.field_size_limit(int(ctx.options.get("max_record_mb", 256)) * 2**20)
    delimiter = ctx.options.get("delimiter", ",")
    problem = delimiter_problem(delimiter)
    if problem:
        raise InputError(f"options.delimiter: {problem}", uri=ctx.uri)
    encoding = encoding_option(ctx)
    data = ctx.read_bytes()
    for bom, enc in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], enc
            break
    try:
        # surrogateescape keeps undecodable bytes visible per row instead of failing the file.
        text = data.decode(encoding, errors="surrogateescape")
    except UnicodeDecodeError as exc:
        # what surrogateescape cannot keep: a byte below 0x80 in UTF-16/32 (a file cut in half)
        raise InputError(
            f"not valid {encoding} at byte {exc.start}: {exc.reason}", uri=ctx.uri, position=f"byte {exc.start}"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"cannot read the CSV header: {exc}", uri=ctx.uri, position="row 1") from None
    if cols["text"] not in header:
        raise InputError(
            f"no column {cols['text']!r} for the text; the header has {header[:20]} (set options.columns.text)",
            uri=ctx.uri,
            position="row 1",
        )
    row_no = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_no += 1
            yield ctx.error(f"malformed CSV: {exc}", f"row {row_no}", kind="csv")
            continue
        row_no += 1
        pos = f"row {row_no} (line {reader.line_num})"
        if not values:
            continue
        if len(values) != len(header):
            yield ctx.error(f"ragged row: {len(values)} fields where the header has {len(header)}", pos, kind="csv")
            continue
        if any("\udc80" <= ch <= "\udcff" for v in values for ch in v):
            yield ctx.error(f"not valid {encoding} in this row; set options.encoding", pos, kind="encoding")
            continue
        yield _make_doc(ctx, dict(zip(header, values, strict=True)), cols, pos)


def read_parquet(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """One document per row, read batch by batch (bounded memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = _columns(ctx)
    try:
        f = ctx.open()
        pf = pq.ParquetFile(f)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"not a readable Parquet file: {exc}", uri=ctx.uri) from None
    names = pf.schema_arrow.names
    wanted = [c for c in dict.fromkeys([*cols.values(), *(ctx.options.get("keep_fields") or [])]) if c in names]
    if cols["text"] not in names:
        raise InputError(
            f"wrong schema: no column {cols['text']!r} for the text; columns are {names[:20]} (set options.columns.text)",
            uri=ctx.uri,
        )
    field_type = pf.schema_arrow.field(cols["text"]).type
    # pandas categoricals and polars Categorical/Enum are dictionary-encoded text
    value_type = field_type.value_type if pa.types.is_dictionary(field_type) else field_type
    if not (
        pa.types.is_string(value_type) or pa.types.is_large_string(value_type) or pa.types.is_string_view(value_type)
    ):
        raise InputError(f"wrong schema: text column {cols['text']!r} has type {field_type}, not string", uri=ctx.uri)
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=1024, columns=wanted):
            for rec in batch.to_pylist():
                row += 1
                yield _make_doc(ctx, rec, cols, f"row {row}")
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"Parquet data is corrupt after row {row}: {exc}", uri=ctx.uri, position=f"row {row + 1}"
        ) from None
    finally:
        f.close()
