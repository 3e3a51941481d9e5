"""Spill chunks: every decided document is written once, to Parquet, and never shuffled.

A run's documents are large (kilobytes of text each) and the decisions that follow the
annotate-and-decide step (dedup, shard assignment) need only a few small fields per document.
So the worker that decides a document writes it straight away into a *spill chunk* (a Parquet
file under ``<staging>/_spill/``) and only small records travel through Beam's shuffles: the
dedup nodes (rank key, exact key, signature, where the document lies) and the dedup verdicts.
The shard writers then read the documents of one output shard back from the chunks.

Why: on Beam's in-process runner every shuffled PCollection is held in memory, so shuffling
documents made peak memory grow with the corpus (3.5 GB at 100k documents, docs/performance.md);
on distributed runners every shuffle of documents is network and disk traffic. With spill
chunks a worker holds at most one chunk (bounded by ``max_rows``/``max_bytes``) while deciding
and one output shard while writing.

Layout of a chunk: the ``rejected.v1`` columns (a superset of ``document.v1``) plus
``_group`` (the output group: language of a candidate, "" for a rejected document), ``_point``
(the document's position in the 48-bit id space, which decides its shard), ``_exact`` (exact
dedup key) and ``_sig`` (MinHash signature bytes, or null). Rows are sorted by
(``_group``, ``_point``, ``id``) and written in small row groups (each group's rows in row groups
of their own), so that a shard writer reads, from every chunk, only the row groups whose
statistics overlap its (group, point range). The writers of a group are a few tasks, each a run
of contiguous shards that reads each chunk once (:func:`writer_tasks`, :func:`read_shards`).

Chunk names are random (uuid): a chunk is used only when the bundle that wrote it committed,
because readers are told the chunk paths by the committed output (the chunk summaries), never by
listing the directory. A retried bundle's orphan chunk is never read and goes with the staging
folder.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from altedic import fsutil
from altedic.records import Document
from altedic.schema import KV_FIELDS, REJECTED_SCHEMA, arrow_schema, to_row

SPILL_DIR = "_spill"
GROUP, POINT, EXACT, SIG = "_group", "_point", "_exact", "_sig"
POINT_BITS = 48
SPAN = 1 << POINT_BITS
#: Rows per Parquet row group inside a chunk: the granularity at which shard writers skip data.
ROW_GROUP_ROWS = 1024
_HEX12 = re.compile(r"[0-9a-f]{12}")


def point(doc_id: str) -> int:
    """Position of a document in the id space [0, 2^48): the first 12 hex digits of its id.

    altedic ids are BLAKE2b hex digests, uniformly spread; any other id is hashed first.
    """
    head = doc_id[:12]
    if _HEX12.fullmatch(head):
        return int(head, 16)
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=6).digest(), "big")


def shard_of(p: int, n: int) -> int:
    """Shard of point ``p`` among ``n`` equal, contiguous ranges of the id space."""
    return (p * n) >> POINT_BITS


def shard_range(shard: int, n: int) -> tuple[int, int]:
    """[lo, hi) of the points that :func:`shard_of` puts in ``shard`` of ``n``."""
    return -(-shard * SPAN // n), -(-(shard + 1) * SPAN // n)


def spill_schema() -> pa.Schema:
    base = arrow_schema(REJECTED_SCHEMA)
    extra = [
        pa.field(GROUP, pa.string(), nullable=False),
        pa.field(POINT, pa.uint64(), nullable=False),
        pa.field(EXACT, pa.string()),
        pa.field(SIG, pa.binary()),
    ]
    # Every contract field nullable here: a chunk holds candidates and rejected documents alike.
    return pa.schema([f.with_nullable(True) for f in base] + extra)


def doc_bytes(doc: Document) -> int:
    """Approximate uncompressed size of a document row (text plus a fixed allowance for fields)."""
    return len(doc.text.encode("utf-8")) + 512


class SpillWriter:
    """Buffers documents of one kind (``cand`` or ``rej``) and writes them as sorted chunks.

    :meth:`add` returns the path of the chunk the document will be in (known before it is
    written, so that dedup nodes can say where their text lies) and a summary dict when adding
    it filled the chunk (the chunk is then written); :meth:`flush` writes what is left.
    """

    def __init__(self, root: str, kind: str, max_rows: int = 20_000, max_bytes: int = 48 << 20) -> None:
        self.root = root
        self.kind = kind
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self._rows: list[dict[str, Any]] = []
        self._bytes = 0
        self._groups: dict[str, list[int]] = {}
        self.path: str | None = None

    def add(self, doc: Document, group: str, exact: str | None = None, sig: bytes | None = None) -> str:
        if self.path is None:
            self.path = fsutil.join(self.root, f"{self.kind}-{uuid.uuid4().hex}.parquet")
        row = to_row(doc.to_dict())
        row[GROUP] = group
        row[POINT] = point(doc.id)
        row[EXACT] = exact
        row[SIG] = sig
        self._rows.append(row)
        size = doc_bytes(doc)
        self._bytes += size
        g = self._groups.setdefault(group, [0, 0])
        g[0] += 1
        g[1] += size
        return self.path

    @property
    def full(self) -> bool:
        return len(self._rows) >= self.max_rows or self._bytes >= self.max_bytes

    def flush(self) -> dict[str, Any] | None:
        """Write the buffered rows (if any) as one chunk; return its summary."""
        if not self._rows:
            return None
        assert self.path is not None
        rows = sorted(self._rows, key=lambda r: (r[GROUP], r[POINT], r["id"]))
        table = pa.Table.from_pylist(rows, schema=spill_schema())
        # zstd level 1: chunks are read back once or twice, write speed matters more.
        with (
            fsutil.create(self.path) as fh,
            pq.ParquetWriter(fh, table.schema, compression="zstd", compression_level=1) as out,
        ):
            # Each group in row groups of its own: their point statistics are then the group's,
            # and a writer of another group never decodes them.
            start = 0
            for _group, (count, _nbytes) in sorted(self._groups.items()):
                out.write_table(table.slice(start, count), row_group_size=ROW_GROUP_ROWS)
                start += count
        summary = {
            "path": self.path,
            "kind": self.kind,
            "groups": {g: list(v) for g, v in sorted(self._groups.items())},
        }
        self._rows = []
        self._bytes = 0
        self._groups = {}
        self.path = None
        return summary


def _open(path: str) -> pq.ParquetFile:
    return pq.ParquetFile(fsutil.open_read(path))


def _overlaps(stats: Any, lo: Any, hi_inclusive: Any) -> bool:
    if stats is None or not stats.has_min_max:
        return True
    return bool(stats.min <= hi_inclusive and stats.max >= lo)


def _holds_one(stats: Any, points: list[int]) -> bool:
    """Whether the [min, max] of a row group's ``_point`` statistics holds one of ``points`` (sorted)."""
    if stats is None or not stats.has_min_max:
        return True
    k = bisect.bisect_left(points, stats.min)
    return k < len(points) and points[k] <= stats.max


def _row_groups(pf: pq.ParquetFile, group: str, lo: int, hi: int, points: list[int] | None) -> list[int]:
    """Row groups of a chunk whose statistics may hold rows of ``group`` with a point in [lo, hi)
    (and, given ``points``, one of those points)."""
    # Statistics are per leaf column (nested columns have several): find ours by path.
    leaves = [pf.metadata.schema.column(j).path for j in range(pf.metadata.num_columns)]
    gi, pi = leaves.index(GROUP), leaves.index(POINT)
    selected = []
    for i in range(pf.metadata.num_row_groups):
        rg = pf.metadata.row_group(i)
        stats = rg.column(pi).statistics
        if (
            _overlaps(rg.column(gi).statistics, group, group)
            and _overlaps(stats, lo, hi - 1)
            and (points is None or _holds_one(stats, points))
        ):
            selected.append(i)
    return selected


#: A group's shard writers are split into tasks (runs of contiguous shards) so that the rows
#: they decode stay within 1 + 1/REREAD_SHARE of the group's own rows: see :func:`writer_tasks`.
REREAD_SHARE = 4


def writer_tasks(n: int, rows: int, chunks: int) -> int:
    """How many writer tasks write the ``n`` shards of a group of ``rows`` rows spilled to
    ``chunks`` chunks: ``1 + rows // (4 * chunks * ROW_GROUP_ROWS)``, at most ``n``.

    A task reads each of its chunks once and decodes each row group that overlaps its range once
    (:func:`read_shards`); the row group of a chunk that straddles the boundary between two tasks
    is decoded by both, so every extra task costs about one row group per chunk. This count keeps
    that below a quarter of the group's rows (4 chunks of 20,000 rows: 5 tasks). A group spread
    thin over many chunks (fewer rows per chunk than a row group) gets one task, which reads each
    row group holding it once; one task per shard would decode all of them once per shard.
    """
    if n <= 1 or chunks <= 0:
        return 1
    return min(n, 1 + rows // (REREAD_SHARE * chunks * ROW_GROUP_ROWS))


def task_shards(task: int, n: int, tasks: int) -> tuple[int, int]:
    """[first, stop) of the shards that writer task ``task`` of ``tasks`` writes (of ``n``)."""
    return task * n // tasks, (task + 1) * n // tasks


def task_of(shard: int, n: int, tasks: int) -> int:
    """The writer task (of ``tasks``) whose :func:`task_shards` hold ``shard`` (of ``n``)."""
    return -(-(shard + 1) * tasks // n) - 1


def read_shards(
    paths: Iterable[str], group: str, first: int, stop: int, n: int, ids: set[str] | None = None
) -> Iterator[tuple[int, pa.Table]]:
    """The rows of ``group`` in shards [first, stop) of ``n`` (and whose id is in ``ids``, if
    given), as (shard, rows) pieces, from the chunks ``paths``: each chunk is opened once and each
    of its row groups that overlaps the shards' range (and, given ``ids``, may hold one of them)
    is decoded once. Pieces come chunk by chunk in the order of ``paths``, in each chunk in its
    row order, so a shard's pieces put together hold its rows in the order that reading the
    chunks one after the other gives."""
    lo, hi = shard_range(first, n)[0], shard_range(stop - 1, n)[1]
    bounds = np.array([shard_range(s, n)[0] for s in range(first + 1, stop)], dtype=np.uint64)
    points = None if ids is None else sorted({point(i) for i in ids})
    wanted = None if ids is None else pa.array(sorted(ids), pa.string())
    for path in paths:
        pf = _open(path)
        for i in _row_groups(pf, group, lo, hi, points):
            table = pf.read_row_group(i)
            mask = pc.and_(
                pc.equal(table[GROUP], group),
                pc.and_(
                    pc.greater_equal(table[POINT], pa.scalar(lo, pa.uint64())),
                    pc.less(table[POINT], pa.scalar(hi, pa.uint64())),
                ),
            )
            if wanted is not None:
                mask = pc.and_(mask, pc.is_in(table["id"], value_set=wanted))
            table = table.filter(mask)
            if not table.num_rows:
                continue
            # A chunk is sorted by (group, point, id): the rows of each shard are contiguous.
            cuts = [0, *np.searchsorted(table[POINT].to_numpy(), bounds).tolist(), table.num_rows]
            for k in range(stop - first):
                if cuts[k + 1] > cuts[k]:
                    yield first + k, table.slice(cuts[k], cuts[k + 1] - cuts[k])


def read_ids(path: str, ids: set[str], columns: list[str]) -> pa.Table:
    """Rows of a Parquet file (a spill chunk, a previous output's signature file or data shard)
    whose id is in ``ids``, columns ``columns`` plus ``id``: only the row groups whose id
    statistics can hold one of them are read."""
    want = sorted(ids)
    pf = _open(path)
    leaves = [pf.metadata.schema.column(j).path for j in range(pf.metadata.num_columns)]
    at = leaves.index("id")
    selected = []
    for i in range(pf.metadata.num_row_groups):
        stats = pf.metadata.row_group(i).column(at).statistics
        k = bisect.bisect_left(want, stats.min) if stats is not None and stats.has_min_max else 0
        if stats is None or not stats.has_min_max or (k < len(want) and want[k] <= stats.max):
            selected.append(i)
    cols = sorted(set(columns) | {"id"})
    if not selected:
        return pf.schema_arrow.empty_table().select(cols)
    table = pf.read_row_groups(selected, columns=cols)
    return table.filter(pc.is_in(table["id"], value_set=pa.array(want, pa.string())))


def row_to_document(row: dict[str, Any]) -> Document:
    """A chunk (or shard) row back as a Document (key/value lists back to dicts)."""
    d = dict(row)
    for col in KV_FIELDS:
        if col in d:
            d[col] = {kv["key"]: kv["value"] for kv in d[col] or []}
    if d.get("lang_flags") is None:
        d["lang_flags"] = []
    return Document.from_dict(d)


__all__ = [
    "EXACT",
    "GROUP",
    "POINT",
    "SIG",
    "SPILL_DIR",
    "SpillWriter",
    "doc_bytes",
    "point",
    "read_ids",
    "read_shards",
    "row_to_document",
    "shard_of",
    "shard_range",
    "spill_schema",
    "task_of",
    "task_shards",
    "writer_tasks",
]
