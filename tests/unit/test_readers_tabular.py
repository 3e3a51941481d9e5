"""JSONL, CSV, Parquet and text readers: mapping, compression by content, broken records."""

from __future__ import annotations

import bz2
import datetime
import decimal
import gzip
import json
import lzma
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from altedic.errors import InputError
from altedic.readers import get_reader
from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import Document, ReadError

MT = "Il-Kummissjoni Ewropea ppubblikat rapport dwar l-ilma tal-għawm."
GA = "D'fhoilsigh an Coimisiún tuarascáil faoin nGaeilge."
EL = "Η Επιτροπή δημοσίευσε έκθεση για την ποιότητα του νερού."
BG = "Комисията публикува доклад за качеството на водата."


def _read(path: Path, fmt: str, **options: object) -> list[Document | ReadError]:
    info = SourceInfo(name="s", format=fmt, licence="CC-BY-4.0", options=dict(options))
    return list(get_reader(fmt)(ReadContext(source=info, uri=str(path), rel=path.name)))


def _jsonl(rows: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


ROWS = [
    {"id": "a", "lang": "mlt", "body": MT, "url": "https://e.eu/a", "topic": "water"},
    {"id": "b", "lang": "GA", "body": GA, "url": "https://e.eu/b", "topic": 7},
]


def test_jsonl_mapping_and_provenance(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_bytes(_jsonl(ROWS))
    out = _read(p, "jsonl", columns={"text": "body", "id": "id", "lang": "lang", "url": "url"}, keep_fields=["topic"])
    assert [type(o) for o in out] == [Document, Document]
    a, b = out
    assert isinstance(a, Document) and isinstance(b, Document)
    assert (a.text, a.doc_ref, a.declared_lang, a.url, a.position, a.licence) == (
        MT,
        "a",
        "mt",
        "https://e.eu/a",
        "line 1",
        "CC-BY-4.0",
    )
    assert (b.declared_lang, b.metadata) == ("ga", {"topic": "7"})


@pytest.mark.parametrize(
    "compress",
    [gzip.compress, bz2.compress, lzma.compress, lambda b: zstandard.ZstdCompressor().compress(b)],
    ids=["gzip", "bz2", "xz", "zstd"],
)
def test_compression_detected_by_content_not_name(tmp_path: Path, compress: object) -> None:
    p = tmp_path / "plain-name.jsonl"  # no compression suffix on purpose
    p.write_bytes(compress(_jsonl([{"text": EL}, {"text": BG}])))  # type: ignore[operator]
    out = _read(p, "jsonl")
    assert [o.text for o in out if isinstance(o, Document)] == [EL, BG]


def test_truncated_gzip_keeps_what_was_read_and_raises_with_position(tmp_path: Path) -> None:
    p = tmp_path / "t.jsonl.gz"
    data = gzip.compress(_jsonl([{"text": f"{MT} {i}"} for i in range(2000)]))
    p.write_bytes(data[: len(data) // 2])
    got: list[Document | ReadError] = []
    with pytest.raises(InputError) as exc:
        for item in get_reader("jsonl")(ReadContext(SourceInfo(name="s", format="jsonl"), str(p), "t")):
            got.append(item)
    assert "corrupt or truncated" in exc.value.message
    assert 0 < len(got) < 2000 and all(isinstance(g, Document) for g in got)


def test_broken_lines_are_errors_with_line_numbers_and_neighbours_survive(tmp_path: Path) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_bytes(
        _jsonl([{"text": MT}])
        + b'{"text": "unterminated\n'
        + b'{"text": "bad \xff byte"}\n'
        + b"[1, 2]\n"
        + b"\n"
        + b'{"other": 1}\n'
        + b'{"text": 5}\n'
        + _jsonl([{"text": GA}])
    )
    out = _read(p, "jsonl")
    docs = [o.text for o in out if isinstance(o, Document)]
    errors = [(o.position, o.kind) for o in out if isinstance(o, ReadError)]
    assert docs == [MT, GA]
    assert errors == [
        ("line 2", "json"),
        ("line 3", "encoding"),
        ("line 4", "json"),
        ("line 6", "schema"),
        ("line 7", "schema"),
    ]


def test_jsonl_lone_surrogate_is_an_encoding_error(tmp_path: Path) -> None:
    # "\\ud83d" without its "\\ude00" (an emoji cut in two) is valid JSON, not valid Unicode:
    # no later step can encode it (the language model, Parquet), so the record is an error
    # with its line; a whole pair (line 2) and an escaped backslash before "u" (line 4) are fine
    lines = [
        '{"text": "Dobar dan \\ud83d svima."}',
        '{"text": "Dobar dan \\ud83d\\ude00 svima."}',
        '{"text": "Dobar dan.", "title": "Naslov \\udc00"}',
        '{"text": "C:\\\\users je mapa."}',
        '{"text": "Laku noc.", "topic": "x\\ud800"}',
    ]
    p = tmp_path / "s.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _read(p, "jsonl", columns={"text": "text", "title": "title"}, keep_fields=["topic"])
    errors = [(o.position, o.kind, o.message) for o in out if isinstance(o, ReadError)]
    assert errors == [
        (
            "line 1",
            "encoding",
            "not valid Unicode: a lone surrogate (\\ud83d, half of a UTF-16 pair) in the text field at character 10",
        ),
        (
            "line 3",
            "encoding",
            "not valid Unicode: a lone surrogate (\\udc00, half of a UTF-16 pair) in the title field at character 7",
        ),
        (
            "line 5",
            "encoding",
            "not valid Unicode: a lone surrogate (\\ud800, half of a UTF-16 pair) in the metadata 'topic' field at character 1",
        ),
    ]
    assert [o.text for o in out if isinstance(o, Document)] == ["Dobar dan \U0001f600 svima.", "C:\\users je mapa."]


def test_jsonl_integer_too_long_for_python_is_an_error_for_its_line(tmp_path: Path) -> None:
    # json.loads raised ValueError (not JSONDecodeError) for an integer of more than 4300 digits
    p = tmp_path / "big.jsonl"
    p.write_bytes(_jsonl([{"text": MT}]) + b'{"text": "big", "n": ' + b"7" * 5000 + b"}\n" + _jsonl([{"text": GA}]))
    out = _read(p, "jsonl")
    assert [(type(o).__name__, o.position) for o in out] == [
        ("Document", "line 1"),
        ("ReadError", "line 2"),
        ("Document", "line 3"),
    ]
    err = out[1]
    assert isinstance(err, ReadError)
    assert (err.kind, err.message) == (
        "json",
        "cannot read this JSON: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits",
    )
    assert [o.text for o in out if isinstance(o, Document)] == [MT, GA]


def test_jsonl_utf16_with_bom(tmp_path: Path) -> None:
    p = tmp_path / "u16.jsonl"
    p.write_bytes(_jsonl([{"text": EL}]).decode("utf-8").encode("utf-16"))
    assert [o.text for o in _read(p, "jsonl") if isinstance(o, Document)] == [EL]


def test_csv_ragged_row_and_per_row_language(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text(f'identifier,language,body\nr1,mt,"{MT}"\nr2,bg\nr3,bul,"{BG}"\n', encoding="utf-8")
    out = _read(p, "csv", columns={"text": "body", "id": "identifier", "lang": "language"})
    assert [(o.doc_ref, o.declared_lang) for o in out if isinstance(o, Document)] == [("r1", "mt"), ("r3", "bg")]
    errs = [o for o in out if isinstance(o, ReadError)]
    assert len(errs) == 1 and errs[0].position.startswith("row 3") and "ragged" in errs[0].message


def test_csv_without_text_column_names_the_header(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no column 'text'.*\['a', 'b'\]"):
        _read(p, "csv")


def test_csv_header_naming_a_used_column_twice_is_refused(tmp_path: Path) -> None:
    """The last of two 'text' columns was taken silently (here the Irish one would be lost)."""
    p = tmp_path / "x.csv"
    p.write_text("id,text,lang,text\nr1,Tá an Coimisiún sásta.,ga,Il-Kummissjoni hija sodisfatta.\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        _read(p, "csv", columns={"text": "text", "id": "id", "lang": "lang"})
    assert (exc.value.position, exc.value.message) == (
        "row 1",
        "the header is ambiguous: column 'text' is named 2 times (columns 2 and 4); rename all but one",
    )
    # a kept field named twice too; a column nobody reads may repeat
    p.write_text("text,note,note,x,x\nTá an Coimisiún sásta.,a,b,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"column 'note' is named 2 times \(columns 2 and 3\)"):
        _read(p, "csv", keep_fields=["note"])
    (d,) = _read(p, "csv")
    assert isinstance(d, Document) and d.text == "Tá an Coimisiún sásta."


def test_jsonl_object_writing_a_used_key_twice_is_an_error_for_its_line(tmp_path: Path) -> None:
    """json.loads keeps the last of two "text" keys: the Irish text was lost without a word."""
    p = tmp_path / "x.jsonl"
    p.write_text(
        json.dumps({"id": "a"})[:-1]
        + ', "text": "Tá an Coimisiún sásta.", "text": "Il-Kummissjoni hija sodisfatta."}\n'
        + json.dumps({"text": "Tá an Coimisiún sásta.", "meta": {"text": "nested", "n": 1}}, ensure_ascii=False)
        + "\n"
        + '{"text": "Il-Kummissjoni hija sodisfatta.", "x": 1, "x": 2}\n',
        encoding="utf-8",
    )
    out = _read(p, "jsonl")
    assert [(type(o).__name__, o.position, getattr(o, "message", None) or o.text) for o in out] == [
        ("ReadError", "line 1", "key 'text' is written more than once in this object; keep one"),
        ("Document", "line 2", "Tá an Coimisiún sásta."),  # the same name inside a nested object is fine
        ("Document", "line 3", "Il-Kummissjoni hija sodisfatta."),  # a key the reader does not take may repeat
    ]
    assert out[0].kind == "json"


def test_parquet_schema_naming_the_text_column_twice_is_a_wrong_schema(tmp_path: Path) -> None:
    """pyarrow allows two fields of one name; the reader failed with a KeyError (a reader-fault)."""
    p = tmp_path / "x.parquet"
    pq.write_table(pa.table([pa.array([MT]), pa.array([GA]), pa.array([GA])], names=["text", "text", "text"]), p)
    with pytest.raises(InputError) as exc:
        _read(p, "parquet")
    assert exc.value.message == (
        "wrong schema: column 'text' is named 3 times (columns 1, 2 and 3); rename all but one"
    )


def test_parquet_mapping_and_wrong_schema(tmp_path: Path) -> None:
    good = tmp_path / "g.parquet"
    pq.write_table(pa.table({"content": [MT, None, GA], "uid": ["1", "2", "3"]}), good)
    out = _read(good, "parquet", columns={"text": "content", "id": "uid"})
    assert [(type(o).__name__, o.position) for o in out] == [
        ("Document", "row 1"),
        ("ReadError", "row 2"),
        ("Document", "row 3"),
    ]
    bad = tmp_path / "b.parquet"
    pq.write_table(pa.table({"content": [1, 2]}), bad)
    with pytest.raises(InputError, match="wrong schema"):
        _read(bad, "parquet", columns={"text": "content"})
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"\x00\x01 not parquet at all")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        _read(junk, "parquet")


def test_parquet_text_as_dictionary_large_string_or_string_view(tmp_path: Path) -> None:
    # pandas categoricals and polars Categorical/Enum columns are dictionary-encoded; polars and
    # newer Arrow writers use large_string and string_view: all text (refused until the 26th session)
    texts = [MT, GA, MT, EL, BG]
    columns = {
        "dictionary": pa.array(texts).dictionary_encode(),
        "large_string": pa.array(texts, type=pa.large_string()),
        "string_view": pa.array(texts, type=pa.string_view()),
    }
    for name, array in columns.items():
        p = tmp_path / f"{name}.parquet"
        pq.write_table(pa.table({"text": array}), p)
        assert pq.ParquetFile(p).schema_arrow.field("text").type == array.type, name  # as written
        out = _read(p, "parquet")
        assert [(type(o).__name__, o.text, o.position) for o in out] == [  # type: ignore[union-attr]
            ("Document", t, f"row {i}") for i, t in enumerate(texts, 1)
        ], name
    ints = tmp_path / "int_dictionary.parquet"  # numbers stay refused, dictionary-encoded or not
    pq.write_table(pa.table({"text": pa.array([1, 2, 1]).dictionary_encode()}), ints)
    with pytest.raises(InputError, match="wrong schema: text column 'text' has type int64, not string"):
        _read(ints, "parquet")


def test_text_units_and_encodings(tmp_path: Path) -> None:
    p = tmp_path / "t.txt"
    p.write_text(f"{MT}\n{GA}\n\n\n{EL}\n", encoding="utf-8")
    assert [o.position for o in _read(p, "text", unit="paragraph")] == ["line 1", "line 5"]
    assert [o.position for o in _read(p, "text", unit="line")] == ["line 1", "line 2", "line 5"]
    assert [o.position for o in _read(p, "text")] == ["file"]
    cp = tmp_path / "cp.txt"
    cp.write_bytes("Ħ is not in cp1252 but é is".replace("Ħ", "H").encode("cp1252"))
    assert _read(cp, "text", encoding="cp1252")[0].text == "H is not in cp1252 but é is"  # type: ignore[union-attr]
    nobom = tmp_path / "u16.txt"
    nobom.write_bytes(EL.encode("utf-16-le"))
    with pytest.raises(InputError, match="UTF-16 without a byte-order mark"):
        _read(nobom, "text")
    assert _read(nobom, "text", encoding="utf-16-le")[0].text == EL  # type: ignore[union-attr]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert _read(empty, "text") == []


def test_per_row_licences_go_through_the_policy(tmp_path: Path) -> None:
    p = tmp_path / "mixed.csv"
    p.write_text(
        f'text,lic\n"{MT}",CC BY 4.0\n"{GA}",\n"{EL}",CC-BY-NC-4.0\n"{BG}",Some Custom Terms\n', encoding="utf-8"
    )
    out = _read(p, "csv", columns={"licence": "lic"})
    got = [(o.licence, o.licence_evidence, o.reason) for o in out if isinstance(o, Document)]
    assert got[0] == ("CC-BY-4.0", "row column 'lic'", None)
    assert got[1] == ("CC-BY-4.0", None, None)  # blank cell: the source's licence stands
    assert got[2][1:] == ("row column 'lic'", "licence.non_commercial")
    assert got[3][1:] == ("row column 'lic'", "licence.unknown")


def test_utf16_without_bom_is_recognised_and_utf8_is_not_mistaken_for_it() -> None:
    from altedic.readers.text import looks_like_utf16

    doc = json.dumps({"text": EL + " " + BG + " " + MT}, ensure_ascii=False)
    assert looks_like_utf16(doc.encode("utf-16-le")) == "utf-16-le"
    assert looks_like_utf16(doc.encode("utf-16-be")) == "utf-16-be"
    assert looks_like_utf16(doc.encode("utf-8")) is None
    assert looks_like_utf16((BG * 5).encode("utf-8") + b"\x00") is None
    assert looks_like_utf16(bytes((i * 7919 + 13) % 256 for i in range(4096))) is None


def test_binary_junk_is_one_error_not_one_per_line(tmp_path: Path) -> None:
    p = tmp_path / "junk.jsonl"
    p.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(20000)))
    with pytest.raises(InputError, match="binary data") as exc:
        _read(p, "jsonl")
    assert exc.value.position == "byte 0"
    nobom = tmp_path / "u16.jsonl"
    nobom.write_bytes(_jsonl([{"text": EL}]).decode("utf-8").encode("utf-16-le"))
    with pytest.raises(InputError, match=r"set options\.encoding: utf-16-le"):
        _read(nobom, "jsonl")
    assert [o.text for o in _read(nobom, "jsonl", encoding="utf-16-le") if isinstance(o, Document)] == [EL]


SUGGEST = "; use a text encoding such as utf-8, utf-16-le, cp1252 or iso-8859-2"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "text"])
@pytest.mark.parametrize(
    ("encoding", "what"),
    [
        ("x-bogus", "is not an encoding Python knows"),
        *(
            (name, "is not a text encoding (a transform, or a codec no file is written in)")
            for name in ("hex", "base64", "zlib", "rot13", "undefined", "idna", "unicode_escape")
        ),
    ],
)
def test_encoding_option_that_is_no_text_encoding_is_one_clear_error(
    tmp_path: Path, fmt: str, encoding: str, what: str
) -> None:
    # JSONL crashed (LookupError per line, or a UnicodeError/TypeError), text crashed on 'undefined'
    p = tmp_path / "in.txt"
    p.write_bytes(b'text\n"{}"\n')
    with pytest.raises(InputError) as err:
        _read(p, fmt, encoding=encoding)
    assert (err.value.uri, err.value.position) == (str(p), "")
    assert err.value.message == f"options.encoding: {encoding!r} {what}{SUGGEST}"


def test_encoding_option_other_spellings_and_utf32(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_bytes(_jsonl([{"text": EL}, {"text": MT}]).decode().encode("utf-16-le"))
    # 'UTF-16LE' is utf-16-le: read as a stream of UTF-16, not split on b"\n"
    assert [d.text for d in _read(p, "jsonl", encoding="UTF-16LE") if isinstance(d, Document)] == [EL, MT]
    p.write_bytes(_jsonl([{"text": EL}, {"text": MT}]).decode().encode("utf-32-le"))
    out = _read(p, "jsonl", encoding="UTF_32LE")
    assert [(type(d).__name__, d.position, getattr(d, "text", None)) for d in out] == [
        ("Document", "line 1", EL),
        ("Document", "line 2", MT),
    ]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_jsonl_wide_encoding_bad_unit_costs_only_its_line(tmp_path: Path, encoding: str) -> None:
    """A code unit the UTF-16/32 codec refuses used to end the file with an InputError, losing
    every line after it; now only its line is an error."""
    wide = 4 if encoding.startswith("utf-32") else 2
    lines = [json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in (EL, "Ħ", MT)]
    good = [line.encode(encoding) for line in lines]
    # a lone high surrogate (UTF-16) or a code point above U+10FFFF (UTF-32) before the "Ħ"
    bad_unit = {"utf-16-le": b"\x00\xd8", "utf-16-be": b"\xd8\x00", "utf-32-le": b"\x00\x00\x11\x00"}[encoding]
    at = len('{"text": "') * wide
    bom = "\ufeff".encode(encoding)
    p = tmp_path / "a.jsonl"
    p.write_bytes(bom + good[0] + good[1][:at] + bad_unit + good[1][at:] + good[2])
    out = _read(p, "jsonl")
    shown = [(type(d).__name__, d.position, getattr(d, "text", None) or getattr(d, "message", None)) for d in out]
    byte = bad_unit[0]
    assert shown == [
        ("Document", "line 1", EL),
        ("ReadError", "line 2", f"not valid {encoding} at character 10 of the line (byte 0x{byte:02x})"),
        ("Document", "line 3", MT),
    ]


def test_jsonl_wide_encoding_record_over_the_limit_is_skipped(tmp_path: Path) -> None:
    big = json.dumps({"text": "Ġ" * (2**20 + 10)}, ensure_ascii=False)
    lines = [json.dumps({"text": EL}, ensure_ascii=False), big, json.dumps({"text": MT}, ensure_ascii=False)]
    p = tmp_path / "a.jsonl"
    p.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-16-le"))
    out = _read(p, "jsonl", max_record_mb=1)
    shown = [(type(d).__name__, d.position, getattr(d, "text", None) or getattr(d, "message", None)) for d in out]
    assert shown == [
        ("Document", "line 1", EL),
        ("ReadError", "line 2", "record larger than options.max_record_mb=1 MB"),
        ("Document", "line 3", MT),
    ]


def test_a_fractional_max_record_mb_is_a_size_not_zero(tmp_path: Path) -> None:
    """int(0.5) was 0: every record of the file was 'larger than options.max_record_mb=0 MB'."""
    big = json.dumps({"text": "Ġ" * 300_000}, ensure_ascii=False)  # 600 KB of UTF-8
    p = tmp_path / "a.jsonl"
    p.write_text(
        "\n".join([json.dumps({"text": EL}, ensure_ascii=False), big, json.dumps({"text": MT})]) + "\n", "utf-8"
    )
    out = _read(p, "jsonl", max_record_mb=0.5)
    shown = [(type(d).__name__, d.position, getattr(d, "text", None) or getattr(d, "message", None)) for d in out]
    assert shown == [
        ("Document", "line 1", EL),
        ("ReadError", "line 2", "record larger than options.max_record_mb=0.5 MB"),
        ("Document", "line 3", MT),
    ]
    q = tmp_path / "a.csv"
    q.write_text(f"text\n{EL}\n", "utf-8")
    assert [d.text for d in _read(q, "csv", max_record_mb=0.5)] == [EL]  # the header was "too long"


@pytest.mark.parametrize("delimiter", [";;", "", "\n", '"', 1, None])
def test_csv_delimiter_that_is_not_one_character_is_one_clear_error(tmp_path: Path, delimiter: object) -> None:
    # ';;' was a TypeError from the csv module
    p = tmp_path / "a.csv"
    p.write_text("text;id\nx;1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        _read(p, "csv", delimiter=delimiter)
    assert err.value.message == (
        f"options.delimiter: {delimiter!r} is not a CSV delimiter; give one character "
        "(not a line break or '\"'), such as ',', ';' or a tab"
    )
    assert [(d.text, d.doc_ref) for d in _read(p, "csv", delimiter=";", columns={"id": "id"})] == [("x", "1")]  # type: ignore[union-attr]


def _summary(out: list[Document | ReadError]) -> list[tuple[object, ...]]:
    return [
        ("doc", o.position, o.text, o.title, o.declared_lang, o.metadata)
        if isinstance(o, Document)
        else ("err", o.position, o.kind, o.message)
        for o in out
    ]


@pytest.mark.parametrize(
    "binary",
    [pa.binary(), pa.large_binary(), pa.binary_view(), "dictionary"],
    ids=["binary", "large_binary", "binary_view", "dictionary"],
)
def test_parquet_binary_columns_are_utf8_text_or_an_encoding_error_naming_the_column(
    tmp_path: Path, binary: object
) -> None:
    # some exporters write strings as Parquet binary without the UTF8 annotation: the title was
    # written as b'...' (Python's repr) and a binary text column refused the whole file
    def col(values: list[bytes | None]) -> pa.Array:
        if binary == "dictionary":
            return pa.array(values, pa.binary()).dictionary_encode()
        return pa.array(values, binary)

    p = tmp_path / "b.parquet"
    table = pa.table(
        {
            "text": col([MT.encode(), GA.encode(), b"bad \xff", EL.encode(), BG.encode()]),
            "title": col(["Titlu ħ".encode(), None, b"ok", "Τίτλος".encode(), b"T\xc3"]),
            "lang": col([b"mlt", b"ga", b"", b"ell", b"bg"]),
            "code": pa.array([b"m1", b"g1", b"x1", b"e\x80", b"b1"], pa.binary(2)),
        }
    )
    pq.write_table(table, p)
    assert pq.ParquetFile(p).schema_arrow.field("text").type == table.schema.field("text").type  # as written
    out = _read(p, "parquet", columns={"title": "title", "lang": "lang"}, keep_fields=["code"])
    assert _summary(out) == [
        ("doc", "row 1", MT, "Titlu ħ", "mt", {"code": "m1"}),
        ("doc", "row 2", GA, None, "ga", {"code": "g1"}),
        (
            "err",
            "row 3",
            "encoding",
            "column 'text' holds bytes that are not UTF-8 text (invalid start byte at byte 4)",
        ),
        (
            "err",
            "row 4",
            "encoding",
            "column 'code' holds bytes that are not UTF-8 text (invalid start byte at byte 1)",
        ),
        (
            "err",
            "row 5",
            "encoding",
            "column 'title' holds bytes that are not UTF-8 text (unexpected end of data at byte 1)",
        ),
    ]


def test_csv_quote_left_open_is_an_error_not_merged_rows(tmp_path: Path) -> None:
    """The lenient csv module took the lines after an unclosed quote into its field up to the next
    stray quote, or to the end of the file: two records became one document and no error. Those
    lines are now one csv error; records before and after are kept, and quoted fields over
    several lines or with doubled quotes are read as before."""
    p = tmp_path / "q.csv"
    p.write_text(
        "id,text\n"
        f'1,"{MT}\nsecond line, ""quoted"""\n'  # a legitimate field over two lines
        f'2,"{GA}\n'  # never closed: the next line's quote comes after it
        f'3,"{EL}"\n'
        f"4,{BG}\n"
        f'5,"{MT} open to the end\n'
        f"6,{GA}\n",
        encoding="utf-8",
    )
    out = _read(p, "csv", columns={"text": "text", "id": "id"})
    assert [
        (o.position, o.doc_ref, o.text) if isinstance(o, Document) else (o.position, o.kind, o.message) for o in out
    ] == [
        ("row 2 (line 3)", "1", f'{MT}\nsecond line, "quoted"'),
        (
            "row 3 (line 5)",
            "csv",
            "malformed CSV in lines 4-5: ',' expected after '\"' (a quoted field not closed, or text after its "
            'closing quote; a quote inside a quoted field is written twice: ""); skipped',
        ),
        ("row 4 (line 6)", "4", BG),
        (
            "row 5 (line 8)",
            "csv",
            "malformed CSV in lines 7-8: unexpected end of data (a quoted field not closed, or text after its "
            'closing quote; a quote inside a quoted field is written twice: ""); skipped',
        ),
    ]


def test_parquet_value_python_cannot_hold_is_an_error_for_its_row(tmp_path: Path) -> None:
    """Dates, timestamps and durations out of Python's range, and a time zone the database does
    not know, are valid Parquet; Arrow's conversion raised for the whole batch and the file was
    one reader-fault. Each is now a schema error for its row, naming the column."""
    p = tmp_path / "d.parquet"
    pq.write_table(
        pa.table(
            {
                "text": [MT, GA, EL, BG, MT + " 2"],
                "date": pa.array([19000, 2**31 - 1, 19001, 19002, None], pa.date32()),
                "seen": pa.array([0, 0, 2**62, 0, 0], pa.timestamp("us")),
                "took": pa.array([60, 60, 60, 2**62, 60], pa.duration("s")),
                "zoned": pa.array([None, None, None, None, 0], pa.timestamp("s", tz="Mars/Olympus")),
            }
        ),
        p,
    )
    out = _read(p, "parquet", columns={"date": "date"}, keep_fields=["seen", "took", "zoned"])
    assert _summary(out) == [
        ("doc", "row 1", MT, None, None, {"seen": "1970-01-01 00:00:00", "took": "0:01:00"}),
        (
            "err",
            "row 2",
            "schema",
            "column 'date' holds a date32[day] value that cannot be read: out of the range of Python's dates "
            "and times (days=2147483647; must have magnitude <= 999999999)",
        ),
        (
            "err",
            "row 3",
            "schema",
            "column 'seen' holds a timestamp[us] value that cannot be read: out of the range of Python's dates "
            "and times (date value out of range)",
        ),
        (
            "err",
            "row 4",
            "schema",
            "column 'took' holds a duration[s] value that cannot be read: out of the range of Python's dates "
            "and times (Python int too large to convert to C int)",
        ),
        (
            "err",
            "row 5",
            "schema",
            "column 'zoned' holds a timestamp[ms, tz=Mars/Olympus] value that cannot be read: "
            "unknown time zone 'Mars/Olympus'",
        ),
    ]
    assert [d.date for d in out if isinstance(d, Document)] == ["2022-01-08"]


def test_parquet_fixed_size_binary_text_column_is_a_wrong_schema(tmp_path: Path) -> None:
    # bytes of one width are codes, hashes or UUIDs, not text (variable-length binary is read)
    p = tmp_path / "f.parquet"
    pq.write_table(pa.table({"text": pa.array([b"abcd"], pa.binary(4))}), p)
    with pytest.raises(InputError) as err:
        _read(p, "parquet")
    assert err.value.message == (
        "wrong schema: text column 'text' has type fixed_size_binary[4], not string (or binary holding UTF-8)"
    )


def test_parquet_string_column_holding_invalid_utf8_is_an_error_for_its_row(tmp_path: Path) -> None:
    # Parquet writers need not check that a string column holds UTF-8, nor Arrow on reading:
    # to_pylist raised UnicodeDecodeError and the file stopped (a reader-fault) at its first batch
    def unchecked(values: list[bytes]) -> pa.Array:
        offsets = [0]
        for v in values:
            offsets.append(offsets[-1] + len(v))
        return pa.Array.from_buffers(
            pa.string(),
            len(values),
            [None, pa.py_buffer(pa.array(offsets, pa.int32()).buffers()[1]), pa.py_buffer(b"".join(values))],
        )

    p = tmp_path / "s.parquet"
    texts = [MT.encode(), b"caf\xe9", GA.encode()]
    urls = [b"https://e.eu/1", b"https://e.eu/2", b"https://e.eu/\xff"]
    pq.write_table(pa.table({"text": unchecked(texts), "url": unchecked(urls)}), p)
    out = _read(p, "parquet", columns={"url": "url"})
    assert [(type(o).__name__, o.position) for o in out] == [
        ("Document", "row 1"),
        ("ReadError", "row 2"),
        ("ReadError", "row 3"),
    ]
    assert (out[0].text, out[0].url) == (MT, "https://e.eu/1")  # type: ignore[union-attr]
    assert [(o.kind, o.message) for o in out[1:]] == [  # type: ignore[union-attr]
        ("encoding", "column 'text' holds bytes that are not UTF-8 text (unexpected end of data at byte 3)"),
        ("encoding", "column 'url' holds bytes that are not UTF-8 text (invalid start byte at byte 13)"),
    ]


def test_parquet_metadata_of_other_types_is_stringified_and_nested_values_are_json(tmp_path: Path) -> None:
    # a list of dates, or a struct holding bytes, stopped the file (TypeError from json.dumps)
    p = tmp_path / "m.parquet"
    pq.write_table(
        pa.table(
            {
                "text": [MT, GA],
                "n": [7, None],
                "score": [1.5, 2.0],
                "flag": [True, False],
                "when": pa.array([datetime.datetime(2024, 1, 2, 3, 4, 5), None], pa.timestamp("us")),
                "day": [datetime.date(2024, 1, 2), datetime.date(1999, 12, 31)],
                "amount": pa.array([decimal.Decimal("1.50"), decimal.Decimal("-2.00")]),
                "days": pa.array([[datetime.date(2024, 1, 2)], []], pa.list_(pa.date32())),
                "tags": [["x", "ħ"], None],
                "blob": pa.array(
                    [{"b": b"v\xc3\xa9", "a": 1}, {"b": b"\xff", "a": 2}],
                    pa.struct([("b", pa.binary()), ("a", pa.int64())]),
                ),
            }
        ),
        p,
    )
    keep = ["n", "score", "flag", "when", "day", "amount", "days", "tags", "blob"]
    out = _read(p, "parquet", columns={"date": "day"}, keep_fields=keep)
    first = out[0]
    assert isinstance(first, Document)
    assert (first.date, first.metadata) == (
        "2024-01-02",
        {
            "n": "7",
            "score": "1.5",
            "flag": "True",
            "when": "2024-01-02 03:04:05",
            "day": "2024-01-02",
            "amount": "1.50",
            "days": '["2024-01-02"]',
            "tags": '["x", "ħ"]',
            "blob": '{"a": 1, "b": "vé"}',
        },
    )
    assert _summary(out[1:]) == [
        (
            "err",
            "row 2",
            "encoding",
            "column 'blob' holds bytes that are not UTF-8 text in a nested value (invalid start byte at byte 0)",
        )
    ]


_UTF32_CASES = {
    "text": ("a.txt", "Is-sessjoni titkompla.\n\nIl-Kunsill ltaqa'.\n", {"unit": "paragraph"}),
    "jsonl": ("a.jsonl", '{"text": "Tá an seisiún atosaithe."}\n{"text": "Άρθρο 1"}\n', {}),
    "csv": ("a.csv", 'text,id\n"Член 1",x\nGrüße,y\n', {}),
    "europarl": ("mt/ep-00-01-18.txt", "<CHAPTER ID=1>\nTkomplija\nIs-sessjoni titkompla.\n", {}),
}


@pytest.mark.parametrize("fmt", sorted(_UTF32_CASES))
@pytest.mark.parametrize("bom", ["le", "be"])
def test_utf32_with_byte_order_mark(tmp_path: Path, fmt: str, bom: str) -> None:
    """UTF-32's little-endian mark begins with UTF-16's: the file was read as UTF-16 (a NUL after
    every character: errors or "no column 'text'"), and a big-endian one as UTF-8."""
    name, text, options = _UTF32_CASES[fmt]
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(("\ufeff" + text).encode("utf-32-le" if bom == "le" else "utf-32-be"))
    src = SourceInfo(name="t", format=fmt, options=dict(options))
    out = list(get_reader(fmt)(ReadContext(src, str(p), name)))
    assert all(isinstance(d, Document) for d in out), out
    expected = {
        "text": ["Is-sessjoni titkompla.", "Il-Kunsill ltaqa'."],
        "jsonl": ["Tá an seisiún atosaithe.", "Άρθρο 1"],
        "csv": ["Член 1", "Grüße"],
        "europarl": ["Tkomplija\nIs-sessjoni titkompla."],
    }[fmt]
    assert [d.text for d in out if isinstance(d, Document)] == expected


def test_parquet_file_is_closed_after_a_schema_error(tmp_path: Path) -> None:
    """A wrong schema raised before the reading loop's ``finally``: the file stayed open."""
    p = tmp_path / "a.parquet"
    pq.write_table(pa.table({"body": ["Il-Kunsill ltaqa'."]}), p)
    ctx = ReadContext(SourceInfo(name="t", format="parquet"), str(p), "a.parquet")
    opened = []
    real_open = ctx.open

    def spy() -> object:
        f = real_open()
        opened.append(f)
        return f

    ctx.open = spy  # type: ignore[method-assign]
    with pytest.raises(InputError) as err:
        list(get_reader("parquet")(ctx))
    assert err.value.message.startswith("wrong schema: no column 'text' for the text")
    assert [f.closed for f in opened] == [True]


def test_declared_language_the_code_table_does_not_read_is_kept_in_metadata(tmp_path: Path) -> None:
    """An unreadable value in the language column was dropped without a trace: the document then
    looked undeclared, and no mismatch between the source and the detector could be seen."""
    p = tmp_path / "a.jsonl"
    rows = [
        ("Malti", "mt", None),
        ("xx-bogus", None, "xx-bogus"),
        (5, None, "5"),
        ("und", None, None),
        ("", None, None),
    ]
    p.write_text("".join(json.dumps({"text": "Il-Kunsill ltaqa' llum.", "lang": raw}) + "\n" for raw, _, _ in rows))
    docs = _read(p, "jsonl", columns={"text": "text", "lang": "lang"})
    assert [
        (d.declared_lang, d.metadata.get("declared_lang_unrecognised")) for d in docs if isinstance(d, Document)
    ] == [(code, kept) for _, code, kept in rows]
