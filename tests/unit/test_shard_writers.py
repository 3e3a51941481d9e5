"""Document shard writers: a group's shards are written by a few tasks (runs of contiguous shards)
that read each chunk once, and the shards are the same bytes whichever task writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from altedic.beam import spill, steps
from altedic.beam.steps import DATA, REJECTED, DocShardWriter, WriteSettings
from altedic.records import Document, doc_id

CHUNKS, ROWS, RG = 4, 1200, 64  # 19 row groups a chunk, as 20,000 rows in 1,024-row row groups


def _spill(root: Path) -> list[dict[str, Any]]:
    """CHUNKS candidate chunks of ROWS documents each (every 50th in Irish, the rest Maltese)
    and one chunk of rejected documents."""
    summaries = []
    for c in range(CHUNKS):
        writer = spill.SpillWriter(str(root), "cand", max_rows=ROWS)
        for i in range(ROWS):
            lang = "ga" if i % 50 == 0 else "mt"
            text = f"Dokument {c}-{i} " * (3 + i % 5)
            d = Document(id=doc_id("s", f"{c}-{i}", text), text=text, source="s", uri="u", lang=lang, lang_score=1.0)
            writer.add(d, lang, exact=f"x{i}", sig=bytes([i % 256]) * 8)
        summaries.append(writer.flush())
    rej = spill.SpillWriter(str(root), "rej")
    for i in range(300):
        text = f"Rifjutat {i} " * 3
        d = Document(id=doc_id("s", f"r{i}", text), text=text, source="s", uri="u", lang="mt", lang_score=1.0)
        d.reason = "quality.short"
        rej.add(d, "")
    summaries.append(rej.flush())
    return summaries


def _verdicts(summaries: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Every 7th Maltese document a duplicate of the one before it; the others' cluster sizes."""
    ids = []
    for s in summaries:
        if s["kind"] == "cand":
            t = pq.read_table(s["path"], columns=["id", spill.GROUP]).to_pydict()
            ids += [i for i, g in zip(t["id"], t[spill.GROUP], strict=True) if g == "mt"]
    ids.sort()
    out = []
    for k, i in enumerate(ids):
        if k % 7 == 6:
            out.append((i, "mt", 600, "dedup.near", "jaccard 0.9", ids[k - 1], 2))
        elif k % 7 == 5:
            out.append((i, "mt", 600, None, None, None, 2))
    return out


def _route(kind: str, group: str, verdicts: list[tuple[Any, ...]], first: int, stop: int, n: int) -> list[Any]:
    mine = [
        v
        for v in verdicts
        if (kind == DATA or v[3] is not None) and first <= spill.shard_of(spill.point(v[0]), n) < stop
    ]
    return [mine]


def _write(
    tmp: Path, name: str, summaries: list[dict[str, Any]], verdicts: list[Any], tasks: dict[str, int], n: int
) -> dict[str, bytes]:
    """Write the n data shards of "mt" and the n rejected shards with ``tasks[kind]`` writer
    tasks each; return every file written (shards and signature files) by relative path."""
    staging = tmp / name
    writer = DocShardWriter(WriteSettings(staging=str(staging), shard_bytes=1), str(staging / "dedup"), summaries)
    for kind, group in ((DATA, "mt"), (REJECTED, "")):
        count = tasks[kind]
        for t in range(count):
            first, stop = spill.task_shards(t, n, count)
            for _info in writer.write(((kind, group, first, stop, n), _route(kind, group, verdicts, first, stop, n))):
                pass
    return {
        str(f.relative_to(staging)): f.read_bytes()
        for f in sorted(staging.rglob("*"))
        if f.is_file() and f.suffix == ".parquet"
    }


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Chunk opens and rows decoded (rows of the row groups read, before filtering)."""
    counts = {"opens": 0, "rows": 0}
    plain = spill._open

    class Counting:
        def __init__(self, pf: Any) -> None:
            self.pf = pf

        def __getattr__(self, name: str) -> Any:
            return getattr(self.pf, name)

        def read_row_group(self, i: int, **kwargs: Any) -> Any:
            table = self.pf.read_row_group(i, **kwargs)
            counts["rows"] += table.num_rows
            return table

        def read_row_groups(self, groups: Any, **kwargs: Any) -> Any:
            table = self.pf.read_row_groups(groups, **kwargs)
            counts["rows"] += table.num_rows
            return table

    def counting_open(path: str) -> Any:
        counts["opens"] += 1
        return Counting(plain(path))

    monkeypatch.setattr(spill, "_open", counting_open)
    monkeypatch.setattr(spill, "ROW_GROUP_ROWS", RG)
    return counts


def test_writer_tasks_read_each_chunk_once_and_row_groups_about_once(tmp_path: Path, counted: dict[str, int]) -> None:
    """100 data shards of a language spilled to 4 chunks of 1,200 rows (row groups of 64 rows):
    one task per shard opened every chunk once per shard (400 opens) and decoded a row group or
    two per chunk per shard (a re-read factor of ~7); the planned 5 tasks open each chunk once
    per task and decode each row group once, and twice the one that straddles a boundary
    between two tasks."""
    summaries = _spill(tmp_path / "spill")
    mt = sum(s["groups"]["mt"][0] for s in summaries if s["kind"] == "cand")
    assert mt == 4704
    n = 100
    tasks = spill.writer_tasks(n, mt, CHUNKS)
    assert tasks == 1 + mt // (4 * CHUNKS * RG) == 5
    staging = tmp_path / "out"
    writer = DocShardWriter(WriteSettings(staging=str(staging), shard_bytes=1), None, summaries)
    written = 0
    for t in range(tasks):
        first, stop = spill.task_shards(t, n, tasks)
        written += sum(info["rows"] for info in writer.write(((DATA, "mt", first, stop, n), [])))
    assert written == mt
    assert counted["opens"] == tasks * CHUNKS == 20
    # The Maltese row groups (19 a chunk, Irish rows are in row groups of their own) once, plus
    # the 4 x 4 (64 rows each) that straddle the 4 boundaries between tasks, twice.
    assert counted["rows"] == 4_704 + 16 * 64
    assert counted["rows"] <= CHUNKS * ROWS + (tasks - 1) * CHUNKS * RG
    assert counted["rows"] / mt < 1.25
    # One task per shard (what every shard writer did before): the same shards, read ~7 times over.
    counted["opens"] = counted["rows"] = 0
    single = DocShardWriter(WriteSettings(staging=str(tmp_path / "single"), shard_bytes=1), None, summaries)
    for s in range(n):
        list(single.write(((DATA, "mt", s, s + 1, n), [])))
    assert counted["opens"] == n * CHUNKS == 400
    assert counted["rows"] > 6 * mt
    for f in sorted((staging / "data").rglob("*.parquet")):
        assert f.read_bytes() == (tmp_path / "single" / f.relative_to(staging)).read_bytes()


def test_shards_are_the_same_bytes_whatever_the_tasks_and_through_the_disk(
    tmp_path: Path, counted: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data shards (duplicates dropped, cluster sizes, signature files) and rejected shards (stage
    rejections plus the duplicates read back from the candidate chunks): one task per shard, a
    few tasks, one task, and one task whose rows go through the local file after every piece."""
    summaries = _spill(tmp_path / "spill")
    verdicts = _verdicts(summaries)
    n = 12
    per_shard = _write(tmp_path, "per-shard", summaries, verdicts, {DATA: n, REJECTED: n}, n)
    assert len([p for p in per_shard if p.startswith("data/mt/")]) == n
    assert len([p for p in per_shard if p.startswith("rejected/")]) == n
    assert len([p for p in per_shard if p.startswith("dedup/")]) == n
    assert _write(tmp_path, "few", summaries, verdicts, {DATA: 5, REJECTED: 3}, n) == per_shard
    assert _write(tmp_path, "one", summaries, verdicts, {DATA: 1, REJECTED: 1}, n) == per_shard
    monkeypatch.setattr(steps, "PARTS_MEMORY_FLOOR", 0)
    assert _write(tmp_path, "disk", summaries, verdicts, {DATA: 1, REJECTED: 1}, n) == per_shard
    # The duplicates are in the rejected shards, with their verdict, and not in the data shards.
    gone = {v[0] for v in verdicts if v[3] is not None}
    rejected = [pq.read_table(tmp_path / "disk" / p) for p in per_shard if p.startswith("rejected/")]
    dups = [r for t in rejected for r in t.to_pylist() if r["id"] in gone]
    assert len(dups) == len(gone) and all(r["reason"] == "dedup.near" for r in dups)
    kept = [
        i for p in per_shard if p.startswith("data/") for i in pq.read_table(tmp_path / "disk" / p)["id"].to_pylist()
    ]
    assert not gone & set(kept)


def test_task_shards_and_task_of_agree() -> None:
    for n in range(1, 40):
        for tasks in range(1, n + 1):
            runs = [spill.task_shards(t, n, tasks) for t in range(tasks)]
            assert runs[0][0] == 0 and runs[-1][1] == n
            assert all(a < b for a, b in runs) and all(runs[t][1] == runs[t + 1][0] for t in range(tasks - 1))
            assert [spill.task_of(s, n, tasks) for s in range(n)] == [
                t for t, (a, b) in enumerate(runs) for _ in range(a, b)
            ]


def test_writer_tasks_bound_the_re_read() -> None:
    # 4 chunks of 20,000 rows of one language (the default row groups of 1,024 rows): 5 tasks
    # whatever the shard count; a language spread thin over many chunks: one task.
    assert [spill.writer_tasks(n, 80_000, 4) for n in (1, 3, 8, 80, 800)] == [1, 3, 5, 5, 5]
    assert spill.writer_tasks(800, 3_000 * 800, 3_000) == 1
    assert spill.writer_tasks(5, 10, 0) == 1
