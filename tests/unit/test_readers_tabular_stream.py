"""CSV read as a stream: bounded memory, the same rows, positions and ids, broken bytes per row.

Up to commit fef50de ``read_csv`` decoded the whole file into one string (several times the
file's size in memory); it now decodes as it reads. The ids below were written by the
whole-file reader (commit fef50de), so a change of rows, positions or texts shows here.
"""

from __future__ import annotations

import gzip
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from altedic.errors import InputError
from altedic.readers import get_reader
from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import Document, ReadError

MT = "Il-Kummissjoni Ewropea ppubblikat rapport dwar l-ilma tal-għawm."
GA = "D'fhoilsigh an Coimisiún tuarascáil faoin nGaeilge."
EL = "Η Επιτροπή δημοσίευσε έκθεση για την ποιότητα του νερού."
BG = "Комисията публикува доклад за качеството на водата."


def _ctx(path: Path, opener: Any = None, **options: object) -> ReadContext:
    info = SourceInfo(name="s", format="csv", licence="CC-BY-4.0", options=dict(options))
    return ReadContext(source=info, uri=str(path), rel=path.name, opener=opener)


def _read(path: Path, **options: object) -> list[Document | ReadError]:
    return list(get_reader("csv")(_ctx(path, **options)))


def _summary(out: list[Document | ReadError]) -> list[tuple[str, ...]]:
    return [
        ("doc", o.position, o.text, o.doc_ref or "")
        if isinstance(o, Document)
        else ("err", o.position, o.kind, o.message)
        for o in out
    ]


class _Endless(io.RawIOBase):
    """``head`` then numbered filler rows without end; reading past ``cap`` bytes fails the test."""

    def __init__(self, head: bytes, cap: int) -> None:
        self._chunks: Iterator[bytes] = itertools.chain(
            [head], (f'f{i},"filler {i}\r\n{GA}"\r\n'.encode() for i in itertools.count())
        )
        self._pending = b""
        self._cap = cap
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while len(self._pending) < len(b):
            self._pending += next(self._chunks)
        n = len(b)
        b[:n], self._pending = self._pending[:n], self._pending[n:]
        self.consumed += n
        if self.consumed > self._cap:
            raise AssertionError(f"the reader read {self.consumed} bytes: it does not stream")
        return n


# A UTF-8 BOM, CRLF, LF and lone-CR line ends, line breaks inside quoted fields, a blank line,
# a ragged row and quotes: the rows, positions and ids must be those of the whole-file reader.
HEAD = (
    b"\xef\xbb\xbfid,text\r\n"
    + f'a,"{MT}"\r\n'.encode()
    + f'b,"{GA}\nline two\r\nline three"\n'.encode()
    + f"c,{EL}\r".encode()
    + b"\r\n"
    + b"d,only,three\n"
    + f'e,"{BG} ""quoted"""\r\n'.encode()
)
IDS = [  # of the documents above and the first three fillers, from the whole-file reader (fef50de)
    "82bee832fca48b5d3329018151dfe1b7",
    "72288a7725cbf85efe7819127b363fed",
    "d4a66b073165897d60d8575f58a36d59",
    "b4d90c9ebc6876c5952644161fcaad14",
    "afb77ac1dc6d422bd2279cddf37bc223",
    "d8c8db9be2997a6eeaa5d601870cb915",
    "93ce284ad771e745000d4ebafdb17589",
]


def test_csv_is_read_as_a_stream_with_the_rows_positions_and_ids_of_the_whole_file_reader() -> None:
    stream = _Endless(HEAD, cap=1 << 20)
    ctx = _ctx(Path("endless.csv"), opener=lambda: stream, columns={"id": "id"})
    out = list(itertools.islice(get_reader("csv")(ctx), 8))
    assert _summary(out) == [
        ("doc", "row 2 (line 2)", MT, "a"),
        ("doc", "row 3 (line 5)", f"{GA}\nline two\r\nline three", "b"),
        ("doc", "row 4 (line 6)", EL, "c"),
        ("err", "row 6 (line 8)", "csv", "ragged row: 3 fields where the header has 2"),
        ("doc", "row 7 (line 9)", f'{BG} "quoted"', "e"),
        ("doc", "row 8 (line 11)", f"filler 0\r\n{GA}", "f0"),
        ("doc", "row 9 (line 13)", f"filler 1\r\n{GA}", "f1"),
        ("doc", "row 10 (line 15)", f"filler 2\r\n{GA}", "f2"),
    ]
    assert [o.id for o in out if isinstance(o, Document)] == IDS
    assert 0 < stream.consumed <= 1 << 16  # one buffer read, not the (endless) file


def test_csv_invalid_utf8_in_row_5000_is_an_error_for_that_row_and_reading_goes_on(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    rows = b"".join(b"r%d,Dokument %d\n" % (i, i) for i in range(2, 5000))
    p.write_bytes(b"id,text\n" + rows + b"r5000,Caf\xe9 au lait\nr5001,\xc4\xa6aw\n")
    out = _read(p, columns={"id": "id"})
    assert len(out) == 5000
    assert _summary(out[:1]) == [("doc", "row 2 (line 2)", "Dokument 2", "r2")]
    assert _summary(out[-3:]) == [
        ("doc", "row 4999 (line 4999)", "Dokument 4999", "r4999"),
        (
            "err",
            "row 5000 (line 5000)",
            "encoding",
            "not valid utf-8 in this row: byte 0xe9 in column 'text' at character 3; set options.encoding",
        ),
        ("doc", "row 5001 (line 5001)", "Ħaw", "r5001"),
    ]


def test_csv_utf16_half_surrogate_or_cut_character_is_an_error_for_its_row(tmp_path: Path) -> None:
    # the whole-file decode failed on both (one InputError, no row kept)
    def u16(s: str) -> bytes:
        return s.encode("utf-16-le")

    p = tmp_path / "u16.csv"
    p.write_bytes(b"\xff\xfe" + u16(f"id,text\na,{EL}\nb,x") + b"\x3d\xd8" + u16(f"y\nc,{BG}\nd,z") + b"\xe9")
    assert _summary(_read(p, columns={"id": "id"})) == [
        ("doc", "row 2 (line 2)", EL, "a"),
        (
            "err",
            "row 3 (line 3)",
            "encoding",
            "not valid utf-16-le in this row: byte 0x3d in column 'text' at character 1; set options.encoding",
        ),
        ("doc", "row 4 (line 4)", BG, "c"),
        # the cut last character: its row is also short of a field, and the bytes are why
        (
            "err",
            "row 5 (line 5)",
            "encoding",
            "not valid utf-16-le in this row: byte 0xe9 in column 'text' at character 1; set options.encoding",
        ),
    ]


def test_csv_binary_junk_or_utf16_without_bom_is_one_clear_error(tmp_path: Path) -> None:
    # both were "no column 'text'" with a header of junk
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(3000)))  # all of it in the sample
    with pytest.raises(InputError) as err:
        _read(junk)
    assert (err.value.message, err.value.position) == (
        "binary data or not utf-8: 1148 undecodable bytes in the first 3000 bytes",
        "byte 0",
    )
    nobom = tmp_path / "u16.csv"
    nobom.write_bytes(f"id,text\na,{EL}\n".encode("utf-16-le"))
    with pytest.raises(InputError) as err:
        _read(nobom)
    assert (err.value.message, err.value.position) == (
        "UTF-16 text without a byte-order mark; set options.encoding: utf-16-le",
        "byte 0",
    )
    assert _summary(_read(nobom, encoding="utf-16-le")) == [("doc", "row 2 (line 2)", EL, "")]


def test_csv_line_longer_than_max_record_mb_is_skipped_without_holding_it(tmp_path: Path) -> None:
    limit = 2**20
    p = tmp_path / "long.csv"
    p.write_bytes(
        b"id,text,note\r\n"
        + f"a,{MT},x\r\n".encode()
        # many small fields: the csv module's field limit never sees this line
        + b"b,long,"
        + b"y," * (limit // 2)
        + b"z\r\n"
        + f"c,{GA},x\r\n".encode()
        # limit + 2 characters then CRLF: the skipping stops between the CR and the LF
        + b"d,long,"
        + b"w" * (limit - 5)
        + b"\r\n"
        + f"e,{EL},x\r\n".encode()
        + b"f,short,"
        + b"v" * (limit - 8)  # exactly the limit: kept
        + b"\r\n"
    )
    out = _read(p, columns={"id": "id"}, max_record_mb=1)
    too_long = "record larger than options.max_record_mb=1 MB"
    assert _summary(out) == [
        ("doc", "row 2 (line 2)", MT, "a"),
        ("err", "row 3 (line 3)", "csv", too_long),
        ("doc", "row 4 (line 4)", GA, "c"),
        ("err", "row 5 (line 5)", "csv", too_long),
        ("doc", "row 6 (line 6)", EL, "e"),
        ("doc", "row 7 (line 7)", "short", "f"),
    ]
    header = tmp_path / "header.csv"
    header.write_bytes(b"text," + b"h" * limit + b"\nx,y\n")
    with pytest.raises(InputError) as err:
        _read(header, max_record_mb=1)
    assert (err.value.message, err.value.position) == (f"cannot read the CSV header: {too_long}", "row 1")


def test_csv_truncated_gzip_keeps_the_rows_before_the_cut(tmp_path: Path) -> None:
    # the whole-file reader raised before yielding any row
    p = tmp_path / "cut.csv.gz"
    rows = [f"r{i},{MT} {i}\n" for i in range(2, 3002)]
    data = gzip.compress(("id,text\n" + "".join(rows)).encode())
    p.write_bytes(data[: len(data) // 2])
    got: list[Document | ReadError] = []
    with pytest.raises(InputError) as err:
        for item in get_reader("csv")(_ctx(p, columns={"id": "id"})):
            got.append(item)
    assert err.value.message.startswith("compressed stream is corrupt or truncated after ")
    assert 0 < len(got) < 3000
    assert _summary(got) == [("doc", f"row {i} (line {i})", f"{MT} {i}", f"r{i}") for i in range(2, len(got) + 2)]


@pytest.mark.real
def test_csv_of_real_windows_1252_answers_read_as_utf8(shared_data: Path, tmp_path: Path) -> None:
    # Clough & Stevenson's answers pasted byte for byte into a UTF-8 CSV: each of the 17 that are
    # Windows-1252 and not valid UTF-8 is an error that says which byte and where; the others are kept
    folder = shared_data / "neardup" / "clough-stevenson-short-answers"
    files = sorted(folder.glob("*.txt"))
    p = tmp_path / "answers.csv"
    p.write_bytes(
        b"id,text\n" + b"".join(f.stem.encode() + b',"' + f.read_bytes().replace(b'"', b'""') + b'"\n' for f in files)
    )
    expected: dict[str, tuple[str, ...]] = {}
    for f in files:
        raw = f.read_bytes()
        try:
            expected[f.stem] = ("doc", raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            char = len(raw[: exc.start].decode("utf-8"))
            expected[f.stem] = (
                "err",
                f"not valid utf-8 in this row: byte 0x{raw[exc.start]:02x} in column 'text' at character {char}; "
                "set options.encoding",
            )
    out = _read(p, columns={"id": "id"})
    got: dict[str, tuple[str, ...]] = {}
    for f, o in zip(files, out, strict=True):
        got[f.stem] = ("doc", o.text) if isinstance(o, Document) else ("err", o.message)
    assert got == expected
    assert sum(1 for v in expected.values() if v[0] == "err") == 17
