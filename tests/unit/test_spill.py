"""Spill chunks: id-space sharding, sorted chunks, and range reads that skip row groups correctly."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st

from altedic.beam import spill
from altedic.records import Document, doc_id


@given(st.integers(min_value=0, max_value=spill.SPAN - 1), st.integers(min_value=1, max_value=10_000))
def test_shard_of_and_shard_range_agree(p: int, n: int) -> None:
    s = spill.shard_of(p, n)
    assert 0 <= s < n
    lo, hi = spill.shard_range(s, n)
    assert lo <= p < hi


def test_shard_ranges_tile_the_id_space() -> None:
    for n in (1, 2, 3, 7, 24, 1000):
        ranges = [spill.shard_range(s, n) for s in range(n)]
        assert ranges[0][0] == 0 and ranges[-1][1] == spill.SPAN
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))


def test_point_of_hex_and_other_ids() -> None:
    assert spill.point("00000000000f" + "a" * 20) == 15
    # Ids that are not hex digests are hashed, deterministically, into the same space.
    assert spill.point("doc-1") == spill.point("doc-1") != spill.point("doc-2")
    assert 0 <= spill.point("0x12") < spill.SPAN


def _docs(n: int) -> list[Document]:
    rng = random.Random(3)
    langs = ["mt", "ga", "el", "bg", "sr-Latn"]
    out = []
    for i in range(n):
        text = f"Test {i} " + "ħ" * rng.randint(1, 50)
        d = Document(id=doc_id("s", str(i), text), text=text, source="s", uri="u", lang=rng.choice(langs))
        d.quality = {"q": float(i)}
        d.metadata = {"k": str(i)} if i % 2 else {}
        out.append(d)
    return out


def test_chunks_are_sorted_and_range_reads_return_exactly_the_range(tmp_path: Path) -> None:
    docs = _docs(5000)
    writer = spill.SpillWriter(str(tmp_path), "cand", max_rows=1800)
    summaries = []
    for d in docs:
        writer.add(d, d.lang or "und", exact="x", sig=b"\x01\x02")
        if writer.full:
            summaries.append(writer.flush())
    summaries.append(writer.flush())
    assert [s["kind"] for s in summaries] == ["cand"] * 3
    assert sum(n for s in summaries for n, _ in s["groups"].values()) == 5000
    for s in summaries:
        t = pq.read_table(s["path"])
        keys = list(zip(t["_group"].to_pylist(), t["_point"].to_pylist(), t["id"].to_pylist(), strict=True))
        assert keys == sorted(keys)
        # Small row groups, so that shard writers can skip most of a chunk.
        assert pq.ParquetFile(s["path"]).metadata.num_row_groups >= 2
    paths = [s["path"] for s in summaries]
    for n in (1, 3, 8):
        for lang in ("mt", "sr-Latn"):
            # One shard at a time, and all of them in one run: the same pieces.
            one = [piece for shard in range(n) for piece in spill.read_shards(paths, lang, shard, shard + 1, n)]
            run = list(spill.read_shards(paths, lang, 0, n, n))
            seen = []
            for shard, got in one:
                lo, hi = spill.shard_range(shard, n)
                assert all(lo <= p < hi for p in got["_point"].to_pylist())
                seen.extend(got["id"].to_pylist())
            assert sorted(seen) == sorted(d.id for d in docs if d.lang == lang)
            ids = {s: [i for shard, t in run if shard == s for i in t["id"].to_pylist()] for s in range(n)}
            assert ids == {s: [i for shard, t in one if shard == s for i in t["id"].to_pylist()] for s in range(n)}
    # Selected ids only, and a round trip back to Documents.
    want = {docs[0].id, docs[1].id}
    got = pa.concat_tables(t for _s, t in spill.read_shards(paths, docs[0].lang or "und", 0, 1, 1, ids=want))
    assert set(got["id"].to_pylist()) == {d.id for d in docs[:2] if d.lang == docs[0].lang}
    row = got.to_pylist()[0]
    for col in (spill.GROUP, spill.POINT, spill.EXACT, spill.SIG):
        row.pop(col)
    back = spill.row_to_document(row)
    assert back == next(d for d in docs if d.id == back.id)


def test_empty_writer_writes_nothing(tmp_path: Path) -> None:
    assert spill.SpillWriter(str(tmp_path), "rej").flush() is None
    assert list(tmp_path.iterdir()) == []
    assert list(spill.read_shards([], "mt", 0, 1, 1)) == []
