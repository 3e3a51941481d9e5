"""The thin Beam skin: DoFns and composite PTransforms that wire the plain-Python stages.

Every routing decision increments a ``Metrics.counter`` (namespace ``altedic``); the numbers
that the accounting check relies on are *also* computed as data (counted PCollections written
next to the shards), because metrics may count retried bundles twice on some runners.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics import Metrics

from altedic import fsutil
from altedic.beam.dedup import in_global_window
from altedic.beam.spill import point, shard_of, task_of, task_shards, writer_tasks
from altedic.beam.steps import (
    COUNTS_TAG,
    DATA,
    ERRORS_TAG,
    METRICS_TAG,
    NODES_TAG,
    REJECTED,
    SCHEMAS,
    DocShardWriter,
    FileProcessor,
    FileTask,
    ShardTask,
    WriteSettings,
    write_shard_table,
)
from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import ReadError
from altedic.schema import arrow_schema
from altedic.stages import StageConfig

# Process-local progress for the in-process runner's progress display (not used for accounting).
PROGRESS: dict[str, int] = {"files": 0, "read": 0}


class _ProcessFilesFn(beam.DoFn):  # type: ignore[misc]
    """The read step's DoFn: :class:`altedic.beam.steps.FileProcessor` in Beam's clothes.

    Main output: summaries of the spill chunks written (see :mod:`altedic.beam.spill`). Tagged
    outputs: ``errors``, ``counts`` and, when dedup is on, ``nodes``. With ``local_processes``
    > 1 (the in-process runner's ``--workers``), a bundle's files are handed to that many local
    worker processes (:mod:`altedic.beam.localworker`), which run the plain FileProcessor.
    """

    def __init__(self, work: FileProcessor, local_processes: int = 1) -> None:
        self.work = work
        self.local_processes = local_processes
        self.pending: list[FileTask] = []
        self.counters = {
            name: Metrics.counter("altedic", name) for name in ("documents_read", "input_errors", "documents_rejected")
        }

    def setup(self) -> None:
        if self.local_processes <= 1:  # otherwise each local process sets up its own copy
            self.work.setup()

    def start_bundle(self) -> None:
        self.pending = []
        if self.local_processes <= 1:
            self.work.start_bundle()

    def _emit(self, tag: str | None, value: Any, windowed: bool) -> Iterator[Any]:
        if tag == METRICS_TAG:
            for name, n in value.items():
                if n:
                    self.counters[name].inc(n)
            return
        if tag == COUNTS_TAG and value[0][0] == "read":  # one per file, with its count
            PROGRESS["files"] += 1
            PROGRESS["read"] += value[1]
        out = in_global_window(value) if windowed else value
        yield out if tag is None else beam.pvalue.TaggedOutput(tag, out)

    def process(self, task: FileTask) -> Iterator[Any]:
        if self.local_processes > 1:
            self.pending.append(task)  # processed by the local processes in finish_bundle
            return
        for tag, value in self.work.process_file(task):
            yield from self._emit(tag, value, windowed=False)

    def finish_bundle(self) -> Iterator[Any]:
        if self.local_processes > 1:
            from altedic.beam.localworker import run_files

            # warm: the shard writers follow; their processes start as these finish.
            for tag, value in run_files(self.work, self.pending, self.local_processes, warm=True):
                yield from self._emit(tag, value, windowed=True)
            self.pending = []
            return
        for summary in self.work.flush():
            yield in_global_window(summary)


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
        work = FileProcessor(sources, config, spill_root, batch_size, dedup, spill_rows)
        self.fn = _ProcessFilesFn(work, local_processes=local_processes)

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


def _sort_key(kind: str, item: Any) -> tuple[str, ...]:
    if kind == "parallel":
        return (item["source"], item["uri"], item["doc_ref"] or "", item["position"], item["lang1"], item["lang2"])
    return (item.source, item.uri, item.position, item.message)


class _WriteShardFn(beam.DoFn):  # type: ignore[misc]
    """(kind, None, shard, n), items -> one Parquet file of errors or aligned pairs."""

    def __init__(self, settings: WriteSettings) -> None:
        self.settings = settings
        self.shards_counter = Metrics.counter("altedic", "shards_written")

    def process(self, element: tuple[tuple[str, str | None, int, int], Iterable[Any]]) -> Iterator[dict[str, Any]]:
        (kind, lang, shard, n), items = element
        rows = sorted(items, key=lambda it: _sort_key(kind, it))
        table = pa.Table.from_pylist([_row(r, kind) for r in rows], schema=arrow_schema(SCHEMAS[kind]))
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


def _chunk_sizes(summary: dict[str, Any]) -> Iterator[tuple[tuple[str, str], int]]:
    for group, (_rows, nbytes) in summary["groups"].items():
        yield ((DATA, group) if summary["kind"] == "cand" else (REJECTED, "")), nbytes


#: What the writers of a group are planned from: (bytes, rows, chunks holding the group).
Plan = tuple[int, int, int]


def _chunk_plans(summary: dict[str, Any]) -> Iterator[tuple[tuple[str, str], Plan]]:
    for group, (rows, nbytes) in summary["groups"].items():
        yield ((DATA, group) if summary["kind"] == "cand" else (REJECTED, "")), (nbytes, rows, 1)


def _verdict_plans(vs: list[tuple[Any, ...]]) -> Iterator[tuple[tuple[str, str], Plan]]:
    moved = [v[2] for v in vs if v[3] is not None]  # rejected by dedup: bytes move from data to rejected
    if moved:
        yield (REJECTED, ""), (sum(moved), len(moved), 0)


def _sum_plans(plans: Iterable[Plan]) -> Plan:
    nbytes = rows = chunks = 0
    for b, r, c in plans:
        nbytes, rows, chunks = nbytes + b, rows + r, chunks + c
    return nbytes, rows, chunks


def _layout(plan: Plan, shard_bytes: int) -> tuple[int, int]:
    """(shards, writer tasks) of a group: ``ceil(bytes / shard size)`` shards (the id ranges),
    written by :func:`altedic.beam.spill.writer_tasks` tasks (runs of contiguous shards)."""
    nbytes, rows, chunks = plan
    n = shard_count(nbytes, shard_bytes)
    return n, writer_tasks(n, rows, chunks)


def _tasks(kv: tuple[tuple[str, str], Plan], shard_bytes: int) -> Iterator[tuple[tuple[str, str, int, int, int], Any]]:
    (kind, group), plan = kv
    n, tasks = _layout(plan, shard_bytes)
    for t in range(tasks):
        yield (kind, group, *task_shards(t, n, tasks), n), None


def _route_verdicts(
    vs: list[tuple[Any, ...]], plans: dict[tuple[str, str], Plan], shard_bytes: int
) -> Iterator[tuple[tuple[str, str, int, int, int], list[Any]]]:
    """A list of verdicts -> (writer task, the list's verdicts for its shards) per task concerned."""
    by_task: dict[tuple[str, str, int, int, int], list[Any]] = {}
    layouts = {}

    def key(kind: str, group: str, p: int) -> tuple[str, str, int, int, int]:
        if (kind, group) not in layouts:
            layouts[(kind, group)] = _layout(plans[(kind, group)], shard_bytes)
        n, tasks = layouts[(kind, group)]
        return (kind, group, *task_shards(task_of(shard_of(p, n), n, tasks), n, tasks), n)

    for v in vs:
        p = point(v[0])
        by_task.setdefault(key(DATA, v[1], p), []).append(v)  # drops rejected ids / sets sizes
        if v[3] is not None:
            by_task.setdefault(key(REJECTED, "", p), []).append(v)
    yield from by_task.items()


def _shard_cost(task: tuple[tuple[str, str, int, int, int], list[Any]], spilled: dict[tuple[str, str], int]) -> float:
    """Bytes a writer task will write (estimate for ordering): its group's spilled bytes
    (:func:`_chunk_sizes` summed) over its shard count, times its shards, plus for rejected
    shards the bytes dedup moves there."""
    (kind, group, first, stop, n), values = task
    moved = 0
    if kind != DATA:
        moved = sum(v[2] for vs in values if vs is not None for v in vs if v[3] is not None)
    return spilled.get((kind, group), 0) * (stop - first) / n + moved


class _WriteDocShardFn(beam.DoFn):  # type: ignore[misc]
    """The document shard writers' DoFn: :class:`altedic.beam.steps.DocShardWriter` in Beam's
    clothes; an element is a writer task (a run of a group's shards). With ``local_processes``
    > 1, a bundle's tasks are run by that many local worker processes (tasks are independent),
    biggest first."""

    def __init__(self, settings: WriteSettings, dedup_target: str | None, local_processes: int = 1) -> None:
        self.settings = settings
        self.dedup_target = dedup_target
        self.local_processes = local_processes
        self.pending: list[ShardTask] = []
        self.chunks: list[dict[str, Any]] = []
        self.shards_counter = Metrics.counter("altedic", "shards_written")

    def start_bundle(self) -> None:
        self.pending = []

    def process(
        self, element: tuple[tuple[str, str, int, int, int], Iterable[Any]], chunks: list[dict[str, Any]]
    ) -> Iterator[dict[str, Any]]:
        if self.local_processes > 1:
            # Written by the local processes in finish_bundle.
            self.pending.append((element[0], list(element[1])))
            self.chunks = chunks
            return
        for sidecar in DocShardWriter(self.settings, self.dedup_target, chunks).write(element):
            self.shards_counter.inc()
            yield sidecar

    def finish_bundle(self) -> Iterator[Any]:
        if self.local_processes <= 1 or not self.pending:
            return
        from altedic.beam.localworker import run_files

        work = DocShardWriter(self.settings, self.dedup_target, self.chunks)
        # Biggest tasks first (longest processing time first: no big task left for the end,
        # when the other processes would wait for it).
        spilled: dict[tuple[str, str], int] = {}
        for chunk in self.chunks:
            for key, nbytes in _chunk_sizes(chunk):
                spilled[key] = spilled.get(key, 0) + nbytes
        tasks = sorted(self.pending, key=lambda t: (-_shard_cost(t, spilled), t[0]))
        # keep: the processes stay for the release report's plots (see altedic.run, which ends them).
        for _tag, value in run_files(work, tasks, self.local_processes, keep=True):
            self.shards_counter.inc()
            yield in_global_window(value)
        self.pending = []


class WriteDocumentShards(beam.PTransform):  # type: ignore[misc]
    """{"chunks": spill chunk summaries, "verdicts": dedup verdicts} -> data and rejected shards.

    The number of shards of a group (a language for data, one group for rejected) is
    ``ceil(group bytes / shard size)``; a document goes to the shard whose range of the id space
    holds it (:func:`altedic.beam.spill.shard_of`) and rows are sorted by id inside a shard. So
    the same inputs give the same shards on any runner and worker count, whatever chunks the
    documents were spilled to. A group's shards are written by a few tasks, runs of contiguous
    shards (:func:`altedic.beam.spill.writer_tasks`), each reading its chunks once; no worker
    holds more than about one shard.
    """

    def __init__(self, settings: WriteSettings, dedup_target: str | None = None, local_processes: int = 1) -> None:
        super().__init__()
        self.settings = settings
        self.dedup_target = dedup_target
        self.local_processes = local_processes

    def expand(self, inputs: dict[str, Any]) -> Any:
        chunks, verdicts = inputs["chunks"], inputs["verdicts"]
        sb = self.settings.shard_bytes
        plans = (
            (
                chunks | "ChunkSizes" >> beam.FlatMap(_chunk_plans),
                verdicts | "VerdictSizes" >> beam.FlatMap(_verdict_plans),
            )
            | "AllSizes" >> beam.Flatten()
            | "SumSizes" >> beam.CombinePerKey(_sum_plans)
        )
        tasks = plans | "Tasks" >> beam.FlatMap(_tasks, sb)
        # The shard writers' side input is the list of every chunk summary as one element, made
        # by a single-output step: not ``AsList(chunks)``. ``chunks`` is one output of the
        # multi-output read step, and Beam's BundleBasedDirectRunner (Beam 2.77,
        # runners/direct/evaluation_context.py, ``_update_side_inputs_container``) fills a view
        # only when it is on the *first* output bundle of the producing step, in an order that
        # depends on the process's string hashing, and then adds the elements of *every*
        # output: the writers saw no chunk (no data or rejected shard written, the accounting
        # check failed) or saw the errors, counts and dedup nodes as chunks.
        chunk_list = chunks | "ChunkList" >> beam.combiners.ToList()
        routed = verdicts | "RouteVerdicts" >> beam.FlatMap(
            _route_verdicts, plans=beam.pvalue.AsDict(plans), shard_bytes=sb
        )
        return (
            (tasks, routed)
            | "TasksAndVerdicts" >> beam.Flatten()
            | "GroupShard" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(
                _WriteDocShardFn(self.settings, self.dedup_target, self.local_processes),
                chunks=beam.pvalue.AsSingleton(chunk_list),
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
            except Exception:  # InputError, or a reader-fault (altedic.readers.guard)
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
        fsutil.write_bytes(self.path, json.dumps(payload).encode("utf-8"))  # again when retried (HDFS too)
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
