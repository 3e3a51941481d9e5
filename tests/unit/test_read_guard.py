"""The read step's guard (altedic.readers.guard): whatever a reader yields or raises, the run goes
on, every item is counted once, and every record it writes is valid Unicode."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from altedic.beam import steps
from altedic.beam.steps import COUNTS_TAG, ERRORS_TAG, FileProcessor, FileTask
from altedic.errors import InputError
from altedic.readers.base import ReadContext, SourceInfo
from altedic.readers.guard import (
    clean_error,
    lone_surrogate_field,
    reader_failure,
    replace_surrogates,
    surrogate_error,
)
from altedic.records import Document, ReadError, doc_id
from altedic.stages import StageConfig

CFG = StageConfig(
    normalise={"min_chars": 5}, langid={"method": "declared"}, quality={"enabled": False}, pii={"enabled": False}
)
MT = "Il-Kummissjoni Ewropea ppubblikat rapport ġdid dwar il-kwalità tal-ilma tal-għawm."
GA = "D'fhoilsigh an Coimisiún Eorpach tuarascáil nua inniu faoi staid na Gaeilge."


def _doc(**fields: Any) -> Document:
    base: dict[str, Any] = {"id": "x", "text": MT, "source": "s", "uri": "in.jsonl", "position": "line 1"}
    base.update(fields)
    return Document(**base)


def test_lone_surrogate_field_names_the_field() -> None:
    assert lone_surrogate_field(_doc()) is None
    assert lone_surrogate_field(_doc(text="Il-\ud83d test")) == "text"
    assert lone_surrogate_field(_doc(title="Titolu \udfff")) == "title"
    assert lone_surrogate_field(_doc(publisher="\ud800")) == "publisher"
    assert lone_surrogate_field(_doc(metadata={"dataset": "ok", "title": "cut \ud83d"})) == "metadata['title']"
    assert lone_surrogate_field(_doc(metadata={"k\udce9": "v"})) == "metadata['k\ufffd']"
    # a whole pair is Unicode text, not a lone surrogate; U+FFFD is a character like others
    assert lone_surrogate_field(_doc(text="emoji \U0001f600 \ufffd", title="\U0001f600")) is None


def test_surrogate_error_and_clean_error() -> None:
    err = surrogate_error(_doc(text="Il-\ud83d test", position="line 7"), "text")
    assert (err.source, err.uri, err.position, err.kind) == ("s", "in.jsonl", "line 7", "encoding")
    assert err.message.startswith("text holds a lone surrogate (U+D83D at character 3): half of a UTF-16 pair")
    err = surrogate_error(_doc(uri="caf\udce9.xml", title="x\udc80"), "title")
    assert err.uri == "caf\ufffd.xml" and "(U+DC80 at character 1)" in err.message
    err = surrogate_error(_doc(metadata={"t": "\ud83d"}), "metadata['t']")
    assert err.message.startswith("metadata['t'] holds a lone surrogate: half")
    bad = ReadError(source="s", uri="a\ud800", position="line \udc80", message="quoted \ud83d", kind="json")
    assert clean_error(bad) == ReadError(
        source="s", uri="a\ufffd", position="line \ufffd", message="quoted \ufffd", kind="json"
    )
    ok = ReadError(source="s", uri="a", position="line 1", message="m")
    assert clean_error(ok) is ok
    # two surrogates side by side in a str are two lone ones (a pair is one code point, U+1F600)
    assert replace_surrogates("a\ud83d\ude00b") == "a\ufffd\ufffdb"
    assert replace_surrogates("a\U0001f600b") == "a\U0001f600b"


def test_reader_failure_kinds() -> None:
    err = reader_failure(InputError("truncated", uri="f.xml", position="line 3, column 1"), "s", "akn", "g.xml", 2)
    assert err == ReadError(source="s", uri="f.xml", position="line 3, column 1", message="truncated", kind="input")
    err = reader_failure(ValueError("bad \ud83d value"), "s", "formex", "f.xml", 0)
    assert (err.uri, err.position, err.kind) == ("f.xml", "file", "reader-fault")
    assert err.message.startswith("the formex reader failed unexpectedly (ValueError: bad \ufffd value); the rest")
    import zlib

    err = reader_failure(zlib.error("Error -3"), "s", "zip", "a.zip", 4)
    assert err.position == "after item 4" and "(zlib.error: Error -3)" in err.message
    err = reader_failure(RuntimeError("x" * 1000), "s", "zip", "a.zip", 1)
    assert "x" * 300 + "...)" in err.message and "x" * 301 not in err.message


def _faulty(ctx: ReadContext) -> Iterator[Document | ReadError]:
    yield ctx.doc(MT, position="line 1")
    yield ctx.doc(GA, position="line 2", title="Teideal \ud83d")  # a lone surrogate: an error
    yield ctx.error("bad line with \udce9 quoted", position="line 3", kind="json")
    yield ctx.doc(GA, position="line 4")
    raise ValueError("a fault the reader did not foresee")


def _run(fn: FileProcessor, task: FileTask) -> list[tuple[Any, Any]]:
    fn.setup()
    fn.start_bundle()
    out = list(fn.process_file(task))
    return out + [(None, s) for s in fn.flush()]


def test_process_file_counts_guards_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(steps, "get_reader", lambda fmt: _faulty)
    info = SourceInfo(name="s", format="jsonl", declared_lang="mt")
    fn = FileProcessor([info], CFG, str(tmp_path / "spill"), 2)
    out = _run(fn, FileTask(0, str(tmp_path / "in.jsonl"), "in.jsonl"))
    errors = [v for tag, v in out if tag == ERRORS_TAG]
    assert [(e.position, e.kind) for e in errors] == [
        ("line 2", "encoding"),
        ("line 3", "json"),
        ("after item 4", "reader-fault"),
    ]
    assert errors[0].message.startswith("title holds a lone surrogate (U+D83D at character 8)")
    assert errors[1].message == "bad line with \ufffd quoted"
    assert "(ValueError: a fault the reader did not foresee)" in errors[2].message
    assert [v for tag, v in out if tag == COUNTS_TAG] == [(("read", "s"), 5)]  # 4 items + the fault
    kept = sorted(r["position"] for tag, v in out if tag is None for r in pq.read_table(v["path"]).to_pylist())
    assert kept == ["line 1", "line 4"]  # 5 = 2 kept + 3 errors


def test_a_fault_of_the_stages_still_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"text": MT}) + "\n", encoding="utf-8")
    info = SourceInfo(name="s", format="jsonl", declared_lang="mt")
    fn = FileProcessor([info], CFG, str(tmp_path / "spill"), 2)
    fn.setup()
    fn.start_bundle()
    assert fn.chain is not None

    def broken(batch: list[Document]) -> list[Document]:
        raise RuntimeError("stage fault")

    monkeypatch.setattr(fn.chain, "process_batch", broken)
    with pytest.raises(RuntimeError, match="stage fault"):
        list(fn.process_file(FileTask(0, str(p), "in.jsonl")))


def test_a_file_name_that_is_not_utf8_is_read(tmp_path: Path) -> None:
    (tmp_path / "ok.jsonl").write_text(json.dumps({"text": MT}) + "\n", encoding="utf-8")
    latin1 = tmp_path / "caf\udce9.jsonl"  # Python's name for the bytes b"caf\xe9.jsonl" (Latin-1)
    latin1.write_text(json.dumps({"text": GA}) + "\n", encoding="utf-8")
    info = SourceInfo(name="s", format="jsonl", declared_lang="ga")
    fn = FileProcessor([info], CFG, str(tmp_path / "spill"), 2)
    fn.setup()
    fn.start_bundle()
    out = [
        item
        for name in ("ok.jsonl", "caf\udce9.jsonl")
        for item in fn.process_file(FileTask(0, str(tmp_path / name), name))
    ]
    out += [(None, s) for s in fn.flush()]
    assert [v for tag, v in out if tag == ERRORS_TAG] == []
    rows = sorted(
        (r["uri"].rsplit("/", 1)[1], r["id"])
        for tag, v in out
        if tag is None
        for r in pq.read_table(v["path"]).to_pylist()
    )
    # the name as records hold it: the byte that is not UTF-8 written \xe9; an UTF-8 name's id is
    # the one it always had
    assert rows == sorted(
        [
            ("caf\\xe9.jsonl", doc_id("s", "caf\\xe9.jsonl#line 1", GA)),
            ("ok.jsonl", doc_id("s", "ok.jsonl#line 1", MT)),
        ]
    )
