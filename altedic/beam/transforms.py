"""The thin Beam skin: DoFns and composite PTransforms that wire the plain-Python stages.

Every routing decision increments a ``Metrics.counter`` (namespace ``altedic``); the numbers
that the accounting check relies on are *also* computed as data (counted PCollections written
next to the shards), because metrics may count retried bundles twice on some runners.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from altedic.beam.dedup import NODES, Node, NodeMaker, in_global_window, node_tables, spill_candidates
from altedic.beam.spill import EXACT, SIG, SpillWriter, point, read_range, shard_of, shard_range
from altedic.errors import InputError
from altedic.readers import get_reader
from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import Document, ReadError
from altedic.schema import DOCUMENT_SCHEMA, ERROR_SCHEMA, PARALLEL_SCHEMA, REJECTED_SCHEMA, arrow_schema
from altedic.stages import StageChain, StageConfig

ERRORS_TAG = "errors"
COUNTS_TAG = "counts"
NODES_TAG = NODES


@dataclass(frozen=True)
class FileTask:
    """One input file of one source: the element that the read step fans out."""

    source: int
    """Index into the list of SourceInfo handed to :class:`ReadFiles`."""
    uri: str
    rel: str


# Process-local progress for the in-process runner's progress display (not used for accounting).
PROGRESS: dict[str, int] = {"files": 0, "read": 0}


class _ProcessFilesFn(beam.DoFn):  # type: ignore[misc]
    """File -> documents read, annotated and decided in batches, then spilled (never shuffled).

    Main output: summaries of the spill chunks written (see :mod:`altedic.beam.spill`). Tagged
    outputs: ``errors`` (unreadable parts), ``counts`` (read and derived per source) and, when
    dedup is on, ``nodes`` (the small per-document records the dedup stage works on). The stage
    chain (model, patterns) and the MinHash kernel are set up once per worker.
    """

    def __init__(
        self,
        sources: list[SourceInfo],
        config: StageConfig,
        spill_root: str,
        batch_size: int,
        dedup: Any = None,
        spill_rows: int = 20_000,
        spill_bytes: int = 48 << 20,
        local_processes: int = 1,
    ) -> None:
        self.local_processes = local_processes
        self.pending: list[FileTask] = []
        self.sources = sources
        self.config = config
        self.spill_root = spill_root
        self.batch_size = batch_size
        self.dedup = dedup
        self.spill_rows = spill_rows
        self.spill_bytes = spill_bytes
        self.chain: StageChain | None = None
        self.maker: Any = None
        self.cand: SpillWriter | None = None
        self.rej: SpillWriter | None = None
        self.read_counter = Metrics.counter("altedic", "documents_read")
        self.error_counter = Metrics.counter("altedic", "input_errors")
        self.rejected_counter = Metrics.counter("altedic", "documents_rejected")

    def setup(self) -> None:
        if self.local_processes > 1:
            return  # the work happens in the local processes, each sets itself up
        self.chain = StageChain(self.config)
        self.chain.setup()
        if self.dedup is not None:
            self.maker = NodeMaker(self.dedup)
            self.maker.setup()

    def start_bundle(self) -> None:
        self.pending = []
        self.nodes: list[Node] = []
        self.cand = SpillWriter(self.spill_root, "cand", self.spill_rows, self.spill_bytes)
        self.rej = SpillWriter(self.spill_root, "rej", self.spill_rows, self.spill_bytes)

    def process(self, task: FileTask) -> Iterator[Any]:
        if self.local_processes > 1:
            self.pending.append(task)  # processed by the local processes in finish_bundle
            return
        yield from self.process_file(task)

    def process_file(self, task: FileTask) -> Iterator[Any]:
        info = self.sources[task.source]
        ctx = ReadContext(source=info, uri=task.uri, rel=task.rel)
        reader = get_reader(info.format)
        n = 0
        batch: list[Document] = []
        try:
            for item in reader(ctx):
                n += 1
                if isinstance(item, ReadError):
                    self.error_counter.inc()
                    yield beam.pvalue.TaggedOutput(ERRORS_TAG, item)
                else:
                    self.read_counter.inc()
                    batch.append(item)
                    if len(batch) >= self.batch_size:
                        yield from self._decide(batch)
                        batch = []
        except InputError as exc:
            # The rest of the file is unreadable: one error record for it, with the position.
            n += 1
            self.error_counter.inc()
            yield beam.pvalue.TaggedOutput(
                ERRORS_TAG,
                ReadError(
                    source=info.name,
                    uri=exc.uri or task.uri,
                    position=exc.position,
                    message=exc.message,
                    kind="input",
                ),
            )
        if batch:
            yield from self._decide(batch)
        for table in node_tables(self.nodes, final=True):  # one or a few node tables per file
            yield beam.pvalue.TaggedOutput(NODES_TAG, table)
        PROGRESS["files"] += 1
        PROGRESS["read"] += n
        yield beam.pvalue.TaggedOutput(COUNTS_TAG, (("read", info.name), n))

    def _decide(self, batch: list[Document]) -> Iterator[Any]:
        assert self.chain is not None and self.cand is not None and self.rej is not None
        # Per-document results do not depend on how documents are batched (tested), so the
        # batch boundaries (file ends, batch size) never change an output.
        out = self.chain.process_batch(batch)
        if len(out) != len(batch):
            # Split mixed-language documents: the extra parts are counted per source.
            extra: dict[str, int] = {}
            for d in out:
                extra[d.source] = extra.get(d.source, 0) + 1
            for d in batch:
                extra[d.source] = extra.get(d.source, 0) - 1
            for src, k in sorted(extra.items()):
                if k:
                    yield beam.pvalue.TaggedOutput(COUNTS_TAG, (("derived", src), k))
        kept = []
        for d in out:
            if d.rejected:
                self.rejected_counter.inc()
                self.rej.add(d, "")
                if self.rej.full:
                    yield self.rej.flush()
            else:
                kept.append(d)
        yield from spill_candidates(self.cand, self.maker, kept, self.nodes)
        for table in node_tables(self.nodes, final=False):
            yield beam.pvalue.TaggedOutput(NODES_TAG, table)

    def finish_bundle(self) -> Iterator[Any]:
        if self.local_processes > 1:
            from altedic.beam.localworker import run_files

            single = copy.copy(self)  # what each local process runs: the same step, in-process
            single.local_processes = 1
            single.pending = []
            # warm: the shard writers follow; their processes start as these finish.
            for tag, value in run_files(single, self.pending, self.local_processes, warm=True):
                if tag == COUNTS_TAG and value[0][0] == "read":  # one per file, with its count
                    PROGRESS["files"] += 1
                    PROGRESS["read"] += value[1]
                wv = in_global_window(value)
                yield wv if tag is None else beam.pvalue.TaggedOutput(tag, wv)
            return
        for summary in self.flush():
            yield in_global_window(summary)

    def flush(self) -> list[dict[str, Any]]:
        out = []
        for writer in (self.cand, self.rej):
            summary = writer.flush() if writer is not None else None
            if summary is not None:
                out.append(summary)
        return out


class ProcessSources(beam.PTransform):  # type: ignore[misc]
    """FileTasks -> {"chunks", "errors", "counts", "nodes"}: read, normalise, language, quality,
    PII, decide, spill. One file is one unit of work (spread over the workers by the Create's
    reshuffle); documents stay on the worker that read them until the shard writers read them
    back from the spill chunks."""

    def __init__(
        self,
        sources: list[SourceInfo],
        config: StageConfig,
        spill_root: str,
        batch_size: int = 256,
        dedup: Any = None,
        spill_rows: int = 20_000,
        local_processes: int = 1,
    ) -> None:
        super().__init__()
        self.fn = _ProcessFilesFn(
            sources, config, spill_root, batch_size, dedup, spill_rows, local_processes=local_processes
        )

    def expand(self, tasks: Any) -> dict[str, Any]:
        out = tasks | "ProcessFiles" >> beam.ParDo(self.fn).with_outputs(
            ERRORS_TAG, COUNTS_TAG, NODES_TAG, main="chunks"
        )
        return {"chunks": out.chunks, "errors": out[ERRORS_TAG], "counts": out[COUNTS_TAG], "nodes": out[NODES_TAG]}


# --------------------------------------------------------------------------------------------
# Writing shards
# --------------------------------------------------------------------------------------------


def _row(d: Any, kind: str) -> dict[str, Any]:
    if kind == "parallel":
        return d  # type: ignore[no-any-return]
    return d.to_dict()  # type: ignore[no-any-return]


_SCHEMAS = {"data": DOCUMENT_SCHEMA, "rejected": REJECTED_SCHEMA, "errors": ERROR_SCHEMA, "parallel": PARALLEL_SCHEMA}


def _sort_key(kind: str, item: Any) -> tuple[str, ...]:
    if kind == "parallel":
        return (item["source"], item["uri"], item["doc_ref"] or "", item["position"], item["lang1"], item["lang2"])
    return (item.source, item.uri, item.position, item.message)


@dataclass(frozen=True)
class WriteSettings:
    staging: str
    """Directory (or URI) the shards are written to before the driver moves them into place."""
    shard_bytes: int
    row_group_rows: int = 10000
    compression: str = "zstd"


def shard_path(kind: str, lang: str | None, shard: int, n: int) -> str:
    """Relative path of a shard: ``data/lang=mt/part-00000-of-00002.parquet``."""
    name = f"part-{shard:05d}-of-{n:05d}.parquet"
    if kind == "data":
        return f"data/lang={lang}/{name}"
    return f"{kind}/{name}"


def _table_counts(table: pa.Table, kind: str) -> dict[str, dict[str, int]]:
    """{source: {"lang\\toutcome": n}} of a shard's rows, for the accounting check."""
    counts: dict[str, dict[str, int]] = {}
    if kind == "parallel":
        return counts
    sources = table.column("source").to_pylist()
    if kind == "errors":
        keys = ["\terrors"] * len(sources)
    else:
        langs = table.column("lang").to_pylist()
        outcomes = ["kept"] * len(sources) if kind == "data" else table.column("reason").to_pylist()
        keys = [f"{lang or 'und'}\t{o}" for lang, o in zip(langs, outcomes, strict=True)]
    for src, key in zip(sources, keys, strict=True):
        c = counts.setdefault(src, {})
        c[key] = c.get(key, 0) + 1
    return counts


def write_shard_table(
    settings: WriteSettings, kind: str, lang: str | None, shard: int, n: int, table: pa.Table
) -> dict[str, Any]:
    """One shard (rows already in their final order) -> Parquet in staging, its JSON sidecar
    (path, rows, bytes, sha256, counts) and its statistics partial. Returns the sidecar."""
    buf = io.BytesIO()
    compression = None if settings.compression == "none" else settings.compression
    pq.write_table(table, buf, compression=compression, row_group_size=settings.row_group_rows)
    data = buf.getvalue()
    rel = shard_path(kind, lang, shard, n)
    with FileSystems.create(FileSystems.join(settings.staging, rel)) as f:
        f.write(data)
    info = {
        "path": rel,
        "kind": kind,
        "lang": lang,
        "rows": table.num_rows,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "counts": _table_counts(table, kind),
    }
    sidecar = FileSystems.join(settings.staging, "_shards", rel.replace("/", "__") + ".json")
    with FileSystems.create(sidecar) as f:
        f.write(json.dumps(info, sort_keys=True).encode("utf-8"))
    if kind != "parallel":
        # Release statistics are computed here, on the worker, from the table in memory: one
        # associative partial per shard, merged by the driver (altedic.release.stats).
        from altedic.release.stats import PartialStats

        part = PartialStats()
        if kind == "errors":
            part.add_errors(table)
        else:
            part.add_documents(table, kept=kind == "data")
        stats_path = FileSystems.join(settings.staging, "_stats", rel.replace("/", "__") + ".json")
        with FileSystems.create(stats_path) as f:
            f.write(json.dumps(part.to_state(), sort_keys=True).encode("utf-8"))
    return info


class _WriteShardFn(beam.DoFn):  # type: ignore[misc]
    """(kind, None, shard, n), items -> one Parquet file of errors or aligned pairs."""

    def __init__(self, settings: WriteSettings) -> None:
        self.settings = settings
        self.shards_counter = Metrics.counter("altedic", "shards_written")

    def process(self, element: tuple[tuple[str, str | None, int, int], Iterable[Any]]) -> Iterator[dict[str, Any]]:
        (kind, lang, shard, n), items = element
        rows = sorted(items, key=lambda it: _sort_key(kind, it))
        table = pa.Table.from_pylist([_row(r, kind) for r in rows], schema=arrow_schema(_SCHEMAS[kind]))
        self.shards_counter.inc()
        yield write_shard_table(self.settings, kind, lang, shard, n, table)


def shard_count(nbytes: int, shard_bytes: int) -> int:
    """Shards of a group: ``ceil(bytes / shard size)``, at least one."""
    return max(1, math.ceil(nbytes / shard_bytes))


def _shard_key(item: Any, kind: str, sizes: dict[Any, int], shard_bytes: int) -> tuple[tuple[str, None, int, int], Any]:
    n = shard_count(sizes.get(kind, 0), shard_bytes)
    if kind == "errors":
        ident = hashlib.blake2b(f"{item.uri}\0{item.position}".encode(), digest_size=8).hexdigest()
    else:
        ident = hashlib.blake2b("\0".join(_sort_key(kind, item)).encode(), digest_size=8).hexdigest()
    return (kind, None, int(ident[:12], 16) % n, n), item


def _size_of(item: Any, kind: str) -> tuple[str, int]:
    if kind == "parallel":
        return kind, len(item["text1"]) + len(item["text2"]) + 128
    return kind, len(item.message) + len(item.uri) + 64


class WriteShards(beam.PTransform):  # type: ignore[misc]
    """Write small items (``errors`` records, ``parallel`` pairs) as deterministic, size-bounded
    shards: ``ceil(bytes / shard size)`` shards, an item's shard from a hash of its identity,
    rows sorted inside a shard. (Documents go through :class:`WriteDocumentShards`.)"""

    def __init__(self, kind: str, settings: WriteSettings) -> None:
        super().__init__()
        if kind not in ("errors", "parallel"):
            raise ValueError(f"WriteShards writes errors or parallel items, not {kind!r}")
        self.kind = kind
        self.settings = settings

    def expand(self, items: Any) -> Any:
        kind = self.kind
        sizes = items | "Size" >> beam.Map(_size_of, kind) | "SumSizes" >> beam.CombinePerKey(sum)
        return (
            items
            | "AssignShard"
            >> beam.Map(
                lambda it, sz, k=kind, sb=self.settings.shard_bytes: _shard_key(it, k, sz, sb),
                sz=beam.pvalue.AsDict(sizes),
            )
            | "GroupShard" >> beam.GroupByKey()
            | "WriteShard" >> beam.ParDo(_WriteShardFn(self.settings))
        )


# --------------------------------------------------------------------------------------------
# Writing documents: from the spill chunks, with the dedup verdicts
# --------------------------------------------------------------------------------------------

DATA = "data"
REJECTED = "rejected"


def _chunk_sizes(summary: dict[str, Any]) -> Iterator[tuple[tuple[str, str], int]]:
    for group, (_rows, nbytes) in summary["groups"].items():
        yield ((DATA, group) if summary["kind"] == "cand" else (REJECTED, "")), nbytes


def _verdict_sizes(vs: list[tuple[Any, ...]]) -> Iterator[tuple[tuple[str, str], int]]:
    moved = sum(v[2] for v in vs if v[3] is not None)  # rejected by dedup: bytes move from data to rejected
    if moved:
        yield (REJECTED, ""), moved


def _tasks(kv: tuple[tuple[str, str], int], shard_bytes: int) -> Iterator[tuple[tuple[str, str, int, int], Any]]:
    (kind, group), nbytes = kv
    n = shard_count(nbytes, shard_bytes)
    for s in range(n):
        yield (kind, group, s, n), None


def _route_verdicts(
    vs: list[tuple[Any, ...]], sizes: dict[tuple[str, str], int], shard_bytes: int
) -> Iterator[tuple[tuple[str, str, int, int], list[Any]]]:
    """A list of verdicts -> (shard, the list's verdicts for that shard) per shard concerned."""
    by_shard: dict[tuple[str, str, int, int], list[Any]] = {}
    n_rej = shard_count(sizes.get((REJECTED, ""), 0), shard_bytes)
    for v in vs:
        p = point(v[0])
        n = shard_count(sizes[(DATA, v[1])], shard_bytes)
        by_shard.setdefault((DATA, v[1], shard_of(p, n), n), []).append(v)  # drops rejected ids / sets sizes
        if v[3] is not None:
            by_shard.setdefault((REJECTED, "", shard_of(p, n_rej), n_rej), []).append(v)
    yield from by_shard.items()


def _shard_cost(task: tuple[tuple[str, str, int, int], list[Any]], spilled: dict[tuple[str, str], int]) -> float:
    """Bytes a shard task will write (estimate for ordering): its group's spilled bytes
    (:func:`_chunk_sizes` summed) over its shard count, plus for a rejected shard the bytes dedup
    moves there."""
    (kind, group, _shard, n), values = task
    moved = 0
    if kind != DATA:
        moved = sum(v[2] for vs in values if vs is not None for v in vs if v[3] is not None)
    return spilled.get((kind, group), 0) / n + moved


def _cand_paths(chunks: list[dict[str, Any]], group: str) -> list[str]:
    """The candidate chunks that hold documents of ``group``."""
    return sorted(c["path"] for c in chunks if c["kind"] == "cand" and group in c["groups"])


class _WriteDocShardFn(beam.DoFn):  # type: ignore[misc]
    """(kind, group, shard, n) + verdicts -> one data or rejected shard, read from the chunks.

    Only the rows of this shard's (group, id range) are read (row-group statistics), so a
    worker holds one shard. Data shards: the candidates minus those dedup rejected, with their
    cluster sizes; rejected shards: the stage rejections plus the dedup rejections (read from
    the candidate chunks). With dedup on, the kept documents' signatures are written next to
    each data shard (``dedup/signatures-<lang>-SSSSS-of-NNNNN.parquet``).
    """

    def __init__(self, settings: WriteSettings, dedup_target: str | None, local_processes: int = 1) -> None:
        self.settings = settings
        self.dedup_target = dedup_target
        self.local_processes = local_processes
        self.pending: list[Any] = []
        self.chunks: list[dict[str, Any]] = []
        self.shards_counter = Metrics.counter("altedic", "shards_written")

    def start_bundle(self) -> None:
        self.pending = []

    def process(
        self, element: tuple[tuple[str, str, int, int], Iterable[Any]], chunks: list[dict[str, Any]]
    ) -> Iterator[dict[str, Any]]:
        if self.local_processes > 1:
            # Written by the local processes in finish_bundle (shards are independent).
            self.pending.append((element[0], list(element[1])))
            self.chunks = chunks
            return
        yield from self.write(element, chunks)

    def finish_bundle(self) -> Iterator[Any]:
        if self.local_processes <= 1 or not self.pending:
            return
        from altedic.beam.localworker import run_files

        single = copy.copy(self)  # what each local process runs: this step, in-process
        single.local_processes = 1
        single.pending = []
        # Biggest shards first (longest processing time first: no big shard left for the end,
        # when the other processes would wait for it).
        spilled: dict[tuple[str, str], int] = {}
        for chunk in self.chunks:
            for key, nbytes in _chunk_sizes(chunk):
                spilled[key] = spilled.get(key, 0) + nbytes
        tasks = sorted(self.pending, key=lambda t: (-_shard_cost(t, spilled), t[0]))
        # keep: the processes stay for the release report's plots (see altedic.run, which ends them).
        for _tag, value in run_files(single, tasks, self.local_processes, keep=True):
            self.shards_counter.inc()
            yield in_global_window(value)
        self.pending = []

    def process_file(self, task: tuple[tuple[str, str, int, int], list[Any]]) -> Iterator[dict[str, Any]]:
        """One shard, in a local process (the chunk list came with the pickled step)."""
        return self.write(task, self.chunks)

    def flush(self) -> list[Any]:
        return []

    def write(
        self, element: tuple[tuple[str, str, int, int], Iterable[Any]], chunks: list[dict[str, Any]]
    ) -> Iterator[dict[str, Any]]:
        (kind, group, shard, n), values = element
        verdicts = {v[0]: v for vs in values if vs is not None for v in vs}
        lo, hi = shard_range(shard, n)
        if kind == DATA:
            paths = _cand_paths(chunks, group)
            table = read_range(paths, group, lo, hi)
            gone = [i for i, v in verdicts.items() if v[3] is not None]
            if gone:
                table = table.filter(pc.invert(pc.is_in(table["id"], value_set=pa.array(gone, pa.string()))))
            table = table.sort_by("id")
            if self.dedup_target is not None:
                sizes = [verdicts[i][6] if i in verdicts else 1 for i in table["id"].to_pylist()]
                table = table.set_column(
                    table.schema.get_field_index("cluster_size"), "cluster_size", pa.array(sizes, pa.int64())
                )
            lang: str | None = group
        else:
            paths = sorted(c["path"] for c in chunks if c["kind"] == "rej")
            parts = [read_range(paths, "", lo, hi)]
            by_group: dict[str, set[str]] = {}
            for i, v in verdicts.items():
                by_group.setdefault(v[1], set()).add(i)
            for g, ids in sorted(by_group.items()):
                cand = _cand_paths(chunks, g)
                t = read_range(cand, g, lo, hi, ids=ids)
                order = t["id"].to_pylist()
                for col, idx in (("reason", 3), ("reason_detail", 4), ("duplicate_of", 5)):
                    t = t.set_column(
                        t.schema.get_field_index(col), col, pa.array([verdicts[i][idx] for i in order], pa.string())
                    )
                parts.append(t)
            table = pa.concat_tables(parts).sort_by("id")
            lang = None
        if table.num_rows == 0:
            return
        schema = arrow_schema(_SCHEMAS[kind])
        out = pa.Table.from_arrays([table[f.name] for f in schema], schema=schema)
        if kind == DATA and self.dedup_target is not None:
            from altedic.beam.dedup import SIGNATURE_FILE_PREFIX, SIGNATURE_SCHEMA, write_signature_file

            sig_lang = pc.coalesce(table["lang"], table["declared_lang"])
            sigs = pa.Table.from_arrays([table["id"], sig_lang, table[EXACT], table[SIG]], schema=SIGNATURE_SCHEMA)
            write_signature_file(
                self.dedup_target, f"{SIGNATURE_FILE_PREFIX}-{group}-{shard:05d}-of-{n:05d}.parquet", sigs
            )
        self.shards_counter.inc()
        yield write_shard_table(self.settings, kind, lang, shard, n, out)


class WriteDocumentShards(beam.PTransform):  # type: ignore[misc]
    """{"chunks": spill chunk summaries, "verdicts": dedup verdicts} -> data and rejected shards.

    The number of shards of a group (a language for data, one group for rejected) is
    ``ceil(group bytes / shard size)``; a document goes to the shard whose range of the id space
    holds it (:func:`altedic.beam.spill.shard_of`) and rows are sorted by id inside a shard. So
    the same inputs give the same shards on any runner and worker count, whatever chunks the
    documents were spilled to, and no worker holds more than about one shard.
    """

    def __init__(self, settings: WriteSettings, dedup_target: str | None = None, local_processes: int = 1) -> None:
        super().__init__()
        self.settings = settings
        self.dedup_target = dedup_target
        self.local_processes = local_processes

    def expand(self, inputs: dict[str, Any]) -> Any:
        chunks, verdicts = inputs["chunks"], inputs["verdicts"]
        sb = self.settings.shard_bytes
        sizes = (
            (
                chunks | "ChunkSizes" >> beam.FlatMap(_chunk_sizes),
                verdicts | "VerdictSizes" >> beam.FlatMap(_verdict_sizes),
            )
            | "AllSizes" >> beam.Flatten()
            | "SumSizes" >> beam.CombinePerKey(sum)
        )
        tasks = sizes | "Tasks" >> beam.FlatMap(_tasks, sb)
        routed = verdicts | "RouteVerdicts" >> beam.FlatMap(
            _route_verdicts, sizes=beam.pvalue.AsDict(sizes), shard_bytes=sb
        )
        return (
            (tasks, routed)
            | "TasksAndVerdicts" >> beam.Flatten()
            | "GroupShard" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(
                _WriteDocShardFn(self.settings, self.dedup_target, self.local_processes),
                chunks=beam.pvalue.AsList(chunks),
            )
        )


class _ReadPairsFn(beam.DoFn):  # type: ignore[misc]
    """TMX file -> aligned segment pairs (broken units are already reported by the document read)."""

    def __init__(self, sources: list[SourceInfo]) -> None:
        self.sources = sources

    def process(self, task: FileTask) -> Iterator[dict[str, Any]]:
        from altedic.readers.tmx import iter_tmx_pairs

        info = self.sources[task.source]
        ctx = ReadContext(source=info, uri=task.uri, rel=task.rel)
        pairs = iter_tmx_pairs(ctx)
        while True:
            try:
                item = next(pairs)
            except StopIteration:
                break
            except InputError:
                break  # the same failure is recorded once, in errors/, by the document read
            if not isinstance(item, ReadError):
                yield {
                    **item,
                    "source": info.name,
                    "uri": task.uri,
                    "licence": info.licence,
                    "attribution": info.attribution,
                }


class ReadPairs(beam.PTransform):  # type: ignore[misc]
    """FileTasks of parallel sources -> aligned segment pairs for ``OUT/parallel/``."""

    def __init__(self, sources: list[SourceInfo]) -> None:
        super().__init__()
        self.sources = sources

    def expand(self, tasks: Any) -> Any:
        return tasks | "ReadPairs" >> beam.ParDo(_ReadPairsFn(self.sources)) | "RedistributePairs" >> beam.Reshuffle()


class _WriteJsonFn(beam.DoFn):  # type: ignore[misc]
    def __init__(self, path: str) -> None:
        self.path = path

    def process(self, items: list[tuple[tuple[str, str], int]]) -> Iterator[str]:
        payload = sorted([[k[0], k[1], v] for k, v in items])
        with FileSystems.create(self.path) as f:
            f.write(json.dumps(payload).encode("utf-8"))
        yield self.path


class WriteCounts(beam.PTransform):  # type: ignore[misc]
    """((counter, source), n) pairs -> one JSON file of summed counts, for the accounting check."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def expand(self, counts: Any) -> Any:
        return (
            counts
            | "SumCounts" >> beam.CombinePerKey(sum)
            | "AllCounts" >> beam.combiners.ToList()
            | "WriteCounts" >> beam.ParDo(_WriteJsonFn(self.path))
        )
