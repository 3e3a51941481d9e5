"""The thin Beam skin: DoFns and composite PTransforms that wire the plain-Python stages.

Every routing decision increments a ``Metrics.counter`` (namespace ``altedic``); the numbers
that the accounting check relies on are *also* computed as data (counted PCollections written
next to the shards), because metrics may count retried bundles twice on some runners.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from altedic.errors import InputError
from altedic.readers import get_reader
from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import Document, ReadError
from altedic.schema import DOCUMENT_SCHEMA, ERROR_SCHEMA, PARALLEL_SCHEMA, REJECTED_SCHEMA, arrow_schema, to_row
from altedic.stages import StageChain, StageConfig

ERRORS_TAG = "errors"
COUNTS_TAG = "counts"


@dataclass(frozen=True)
class FileTask:
    """One input file of one source: the element that the read step fans out."""

    source: int
    """Index into the list of SourceInfo handed to :class:`ReadFiles`."""
    uri: str
    rel: str


# Process-local progress for the in-process runner's progress display (not used for accounting).
PROGRESS: dict[str, int] = {"files": 0, "read": 0}


class _ReadFileFn(beam.DoFn):  # type: ignore[misc]
    """File -> documents (main output) and unreadable parts (``errors`` output)."""

    def __init__(self, sources: list[SourceInfo]) -> None:
        self.sources = sources
        self.read_counter = Metrics.counter("altedic", "documents_read")
        self.error_counter = Metrics.counter("altedic", "input_errors")

    def process(self, task: FileTask) -> Iterator[Any]:
        info = self.sources[task.source]
        ctx = ReadContext(source=info, uri=task.uri, rel=task.rel)
        reader = get_reader(info.format)
        n = 0
        try:
            for item in reader(ctx):
                n += 1
                if isinstance(item, ReadError):
                    self.error_counter.inc()
                    yield beam.pvalue.TaggedOutput(ERRORS_TAG, item)
                else:
                    self.read_counter.inc()
                    yield item
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
        PROGRESS["files"] += 1
        PROGRESS["read"] += n
        yield beam.pvalue.TaggedOutput(COUNTS_TAG, (("read", info.name), n))


class ReadSources(beam.PTransform):  # type: ignore[misc]
    """FileTasks -> {"docs", "errors", "counts"}; fusion broken after the fan-out."""

    def __init__(self, sources: list[SourceInfo]) -> None:
        super().__init__()
        self.sources = sources

    def expand(self, tasks: Any) -> dict[str, Any]:
        out = tasks | "ReadFiles" >> beam.ParDo(_ReadFileFn(self.sources)).with_outputs(
            ERRORS_TAG, COUNTS_TAG, main="docs"
        )
        # One file fans out into many documents; without a fusion break every later (and much
        # heavier) stage would run in the bundle of its file, on one worker per file.
        docs = out.docs | "Redistribute" >> beam.Reshuffle()
        return {"docs": docs, "errors": out[ERRORS_TAG], "counts": out[COUNTS_TAG]}


class _ProcessBatchFn(beam.DoFn):  # type: ignore[misc]
    """Runs the stage chain over a batch; the model and patterns are loaded once per worker."""

    def __init__(self, config: StageConfig) -> None:
        self.config = config
        self.chain: StageChain | None = None
        self.rejected_counter = Metrics.counter("altedic", "documents_rejected")

    def setup(self) -> None:
        self.chain = StageChain(self.config)
        self.chain.setup()

    def process(self, batch: list[Document]) -> Iterator[Any]:
        assert self.chain is not None
        out = self.chain.process_batch(batch)
        if len(out) != len(batch):
            # Split mixed-language documents: the extra parts are counted per source.
            extra: dict[str, int] = {}
            for d in out:
                extra[d.source] = extra.get(d.source, 0) + 1
            for d in batch:
                extra[d.source] = extra.get(d.source, 0) - 1
            for src, n in sorted(extra.items()):
                if n:
                    yield beam.pvalue.TaggedOutput(COUNTS_TAG, (("derived", src), n))
        for d in out:
            if d.rejected:
                self.rejected_counter.inc()
            yield d


def _route(doc: Document, _n: int) -> int:
    """Partition function: 0 = kept so far, 1 = rejected by a stage."""
    return 1 if doc.rejected else 0


class AnnotateAndDecide(beam.PTransform):  # type: ignore[misc]
    """Documents -> {"kept", "rejected", "counts"} after normalise, language, quality, PII, decide."""

    def __init__(self, config: StageConfig, batch_size: int = 256) -> None:
        super().__init__()
        self.config = config
        self.batch_size = batch_size

    def expand(self, docs: Any) -> dict[str, Any]:
        # Batches feed the language model's batch API; per-document results do not depend on
        # how documents are batched, so adaptive batch sizes keep outputs deterministic.
        out = (
            docs
            | "Batch" >> beam.BatchElements(min_batch_size=min(16, self.batch_size), max_batch_size=self.batch_size)
            | "Stages" >> beam.ParDo(_ProcessBatchFn(self.config)).with_outputs(COUNTS_TAG, main="docs")
        )
        parts = out.docs | "Route" >> beam.Partition(_route, 2)  # type: ignore[arg-type]
        return {"kept": parts[0], "rejected": parts[1], "counts": out[COUNTS_TAG]}


# --------------------------------------------------------------------------------------------
# Writing shards
# --------------------------------------------------------------------------------------------


def doc_bytes(doc: Document) -> int:
    """Approximate uncompressed size of a document row (text plus a fixed allowance for fields)."""
    return len(doc.text.encode("utf-8")) + 512


def _row(d: Any, kind: str) -> dict[str, Any]:
    if kind == "parallel":
        return d  # type: ignore[no-any-return]
    if kind == "errors":
        return d.to_dict()  # type: ignore[no-any-return]
    return to_row(d.to_dict())


_SCHEMAS = {"data": DOCUMENT_SCHEMA, "rejected": REJECTED_SCHEMA, "errors": ERROR_SCHEMA, "parallel": PARALLEL_SCHEMA}


def _sort_key(kind: str, item: Any) -> tuple[str, ...]:
    if kind == "parallel":
        return (item["source"], item["uri"], item["doc_ref"] or "", item["position"], item["lang1"], item["lang2"])
    if kind == "errors":
        return (item.source, item.uri, item.position, item.message)
    return (item.id,)


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


class _WriteShardFn(beam.DoFn):  # type: ignore[misc]
    """(kind, lang, shard, n), items -> one Parquet file in staging + a small JSON sidecar."""

    def __init__(self, settings: WriteSettings) -> None:
        self.settings = settings
        self.shards_counter = Metrics.counter("altedic", "shards_written")

    def process(self, element: tuple[tuple[str, str | None, int, int], Iterable[Any]]) -> Iterator[dict[str, Any]]:
        (kind, lang, shard, n), items = element
        rows = sorted(items, key=lambda it: _sort_key(kind, it))
        table = pa.Table.from_pylist([_row(r, kind) for r in rows], schema=arrow_schema(_SCHEMAS[kind]))
        buf = io.BytesIO()
        compression = None if self.settings.compression == "none" else self.settings.compression
        pq.write_table(table, buf, compression=compression, row_group_size=self.settings.row_group_rows)
        data = buf.getvalue()
        rel = shard_path(kind, lang, shard, n)
        path = FileSystems.join(self.settings.staging, rel)
        with FileSystems.create(path) as f:
            f.write(data)
        counts: dict[str, dict[str, int]] = {}
        for r in rows if kind != "parallel" else []:
            outcome = "errors" if kind == "errors" else ("kept" if kind == "data" else r.reason)
            lang_key = "" if kind == "errors" else (r.lang or "und")
            c = counts.setdefault(r.source, {})
            key = f"{lang_key}\t{outcome}"
            c[key] = c.get(key, 0) + 1
        info = {
            "path": rel,
            "kind": kind,
            "lang": lang,
            "rows": len(rows),
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "counts": counts,
        }
        sidecar = FileSystems.join(self.settings.staging, "_shards", rel.replace("/", "__") + ".json")
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
            stats_path = FileSystems.join(self.settings.staging, "_stats", rel.replace("/", "__") + ".json")
            with FileSystems.create(stats_path) as f:
                f.write(json.dumps(part.to_state(), sort_keys=True).encode("utf-8"))
        self.shards_counter.inc()
        yield info


def _shard_key(
    item: Any, kind: str, sizes: dict[Any, int], shard_bytes: int
) -> tuple[tuple[str, str | None, int, int], Any]:
    group = item.lang if kind == "data" else kind
    n = max(1, math.ceil(sizes.get(group, 0) / shard_bytes))
    if kind == "errors":
        ident = hashlib.blake2b(f"{item.uri}\0{item.position}".encode(), digest_size=8).hexdigest()
    elif kind == "parallel":
        ident = hashlib.blake2b("\0".join(_sort_key(kind, item)).encode(), digest_size=8).hexdigest()
    else:
        ident = item.id
    shard = int(ident[:12], 16) % n
    return (kind, item.lang if kind == "data" else None, shard, n), item


def _size_of(item: Any, kind: str) -> tuple[Any, int]:
    if kind == "parallel":
        return kind, len(item["text1"]) + len(item["text2"]) + 128
    if kind == "errors":
        return kind, len(item.message) + len(item.uri) + 64
    return (item.lang if kind == "data" else kind), doc_bytes(item)


class WriteShards(beam.PTransform):  # type: ignore[misc]
    """Write items of one kind (data, rejected, errors) as deterministic, size-bounded shards.

    The number of shards of a group (a language for data) is ``ceil(group bytes / shard size)``,
    computed from the data; a document goes to shard ``hash(id) mod n`` and rows are sorted by id
    inside a shard. So the same inputs give the same shards on any runner and worker count, and
    no worker ever holds more than about one shard's worth of rows.
    """

    def __init__(self, kind: str, settings: WriteSettings) -> None:
        super().__init__()
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
