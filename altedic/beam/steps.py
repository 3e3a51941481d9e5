"""The read step's and the document shard writers' work as plain objects, without Apache Beam.

:class:`FileProcessor` (one input file -> documents read, annotated, decided and spilled) and
:class:`DocShardWriter` (a run of data or rejected shards, read back from the spill chunks) produce
``(tag, value)`` pairs, tag None being the main output. The DoFns of
:mod:`altedic.beam.transforms` wrap them (tags become Beam's tagged outputs, the ``metrics``
pairs Beam counters), and the local worker processes of :mod:`altedic.beam.localworker` run
them as they are: such an interpreter never imports Apache Beam (1.0-1.3 CPU-seconds each,
measured) as long as the files it touches are local (:mod:`altedic.fsutil`). Nothing here may
import ``apache_beam`` at module level (tested).
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from altedic import fsutil
from altedic.beam.nodes import (
    NODES,
    SIGNATURE_FILE_PREFIX,
    SIGNATURE_SCHEMA,
    Node,
    NodeMaker,
    node_tables,
    spill_candidates,
    write_signature_file,
)
from altedic.beam.spill import EXACT, SIG, SpillWriter, point, read_shards, shard_of
from altedic.readers import get_reader
from altedic.readers.base import ReadContext, SourceInfo
from altedic.readers.guard import clean_error, lone_surrogate_field, reader_failure, surrogate_error
from altedic.records import Document, ReadError, counted_lang
from altedic.schema import DOCUMENT_SCHEMA, ERROR_SCHEMA, PARALLEL_SCHEMA, REJECTED_SCHEMA, arrow_schema
from altedic.stages import StageChain, StageConfig

ERRORS_TAG = "errors"
COUNTS_TAG = "counts"
NODES_TAG = NODES
#: Per-file counter increments ({counter name: n}); the DoFn turns them into Beam metrics.
METRICS_TAG = "metrics"

Output = tuple[str | None, Any]


@dataclass(frozen=True)
class FileTask:
    """One input file of one source: the element that the read step fans out."""

    source: int
    """Index into the list of SourceInfo handed to :class:`FileProcessor`."""
    uri: str
    rel: str


class FileProcessor:
    """File -> documents read, annotated and decided in batches, then spilled (never shuffled).

    Outputs of :meth:`process_file`: the summaries of the spill chunks that filled up (main),
    ``errors`` (unreadable parts), ``counts`` (read and derived per source), ``nodes`` (when
    dedup is on: the small per-document records the dedup stage works on, as tables) and one
    ``metrics`` pair per file. :meth:`flush` writes the chunks still open and returns their
    summaries. The stage chain (model, patterns) and the MinHash kernel are set up once
    (:meth:`setup`), spill writers once per bundle (:meth:`start_bundle`).
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
    ) -> None:
        self.sources = sources
        self.config = config
        self.spill_root = spill_root
        self.batch_size = batch_size
        self.dedup = dedup
        self.spill_rows = spill_rows
        self.spill_bytes = spill_bytes
        self.chain: StageChain | None = None
        self.maker: NodeMaker | None = None
        self.cand: SpillWriter | None = None
        self.rej: SpillWriter | None = None
        self.nodes: list[Node] = []
        self._rejected = 0

    def setup(self) -> None:
        self.chain = StageChain(self.config)
        self.chain.setup()
        if self.dedup is not None:
            self.maker = NodeMaker(self.dedup)
            self.maker.setup()

    def start_bundle(self) -> None:
        self.nodes = []
        self.cand = SpillWriter(self.spill_root, "cand", self.spill_rows, self.spill_bytes)
        self.rej = SpillWriter(self.spill_root, "rej", self.spill_rows, self.spill_bytes)

    def process_file(self, task: FileTask) -> Iterator[Output]:
        info = self.sources[task.source]
        ctx = ReadContext(source=info, uri=task.uri, rel=task.rel)
        reader = get_reader(info.format)
        n = errors = 0
        self._rejected = 0
        batch: list[Document] = []
        items = (item for item in reader(ctx))  # the reader's own set-up runs inside next() too
        while True:
            # Only the reader is guarded here: an exception of the stages (below) is a fault of
            # altedic and stops the run, while one of the reader is a fault of this file.
            try:
                item = next(items)
            except StopIteration:
                break
            except Exception as exc:  # an InputError, or a reader-fault (altedic.readers.guard)
                # The rest of the file is unreadable: one error record for it, with the position.
                n += 1
                errors += 1
                yield ERRORS_TAG, reader_failure(exc, info.name, info.format, task.uri, n - 1)
                break
            n += 1
            if isinstance(item, Document):
                where = lone_surrogate_field(item)
                if where is not None:
                    item = surrogate_error(item, where)
            if isinstance(item, ReadError):
                errors += 1
                yield ERRORS_TAG, clean_error(item)
            else:
                batch.append(item)
                if len(batch) >= self.batch_size:
                    yield from self._decide(batch)
                    batch = []
        if batch:
            yield from self._decide(batch)
        for table in node_tables(self.nodes, final=True):  # one or a few node tables per file
            yield NODES_TAG, table
        yield COUNTS_TAG, (("read", info.name), n)
        yield METRICS_TAG, {"documents_read": n - errors, "input_errors": errors, "documents_rejected": self._rejected}

    def _decide(self, batch: list[Document]) -> Iterator[Output]:
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
                    yield COUNTS_TAG, (("derived", src), k)
        kept = []
        mismatch: dict[str, int] = {}
        for d in out:
            if d.reason != "langid.mismatch" and "declared:mismatch" in d.lang_flags:
                # a declared language the detector contradicted, relabelled or kept: counted per
                # source (a mislabelled source shows), wherever the document ends
                mismatch[d.source] = mismatch.get(d.source, 0) + 1
            if d.rejected:
                self._rejected += 1
                self.rej.add(d, "")
                if self.rej.full:
                    yield None, self.rej.flush()
            else:
                kept.append(d)
        for src, k in sorted(mismatch.items()):
            yield COUNTS_TAG, (("declared_mismatch", src), k)
        for summary in spill_candidates(self.cand, self.maker, kept, self.nodes):
            yield None, summary
        for table in node_tables(self.nodes, final=False):
            yield NODES_TAG, table

    def flush(self) -> list[dict[str, Any]]:
        out = []
        for writer in (self.cand, self.rej):
            summary = writer.flush() if writer is not None else None
            if summary is not None:
                out.append(summary)
        return out


# --------------------------------------------------------------------------------------------
# Writing shards
# --------------------------------------------------------------------------------------------

DATA = "data"
REJECTED = "rejected"
SCHEMAS = {"data": DOCUMENT_SCHEMA, "rejected": REJECTED_SCHEMA, "errors": ERROR_SCHEMA, "parallel": PARALLEL_SCHEMA}


#: The recipe's ``output.row_group_rows`` and ``output.compression`` when it does not give them.
DEFAULT_ROW_GROUP_ROWS = 10000
DEFAULT_COMPRESSION = "zstd"


def shard_format(output: dict[str, Any]) -> tuple[str, int]:
    """``(compression, row_group_rows)`` of a release's shards from the recipe's ``output`` section,
    with their defaults: ``altedic run`` writes its shards with them and ``altedic mix`` writes
    the mixed shards with its parent's."""
    return (
        str(output.get("compression", DEFAULT_COMPRESSION)),
        int(output.get("row_group_rows", DEFAULT_ROW_GROUP_ROWS)),
    )


def parquet_compression(compression: str) -> str | None:
    """pyarrow's ``compression`` for the recipe's ``output.compression`` (``none``: uncompressed)."""
    return None if compression == "none" else compression


@dataclass(frozen=True)
class WriteSettings:
    staging: str
    """Directory (or URI) the shards are written to before the driver moves them into place."""
    shard_bytes: int
    row_group_rows: int = DEFAULT_ROW_GROUP_ROWS
    compression: str = DEFAULT_COMPRESSION


def shard_path(kind: str, lang: str | None, shard: int, n: int) -> str:
    """Relative path of a shard: ``data/mt/part-00000-of-00002.parquet``."""
    name = f"part-{shard:05d}-of-{n:05d}.parquet"
    if kind == "data":
        return f"data/{lang}/{name}"
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
        names = set(table.column_names)
        declared = table.column("declared_lang").to_pylist() if "declared_lang" in names else [None] * len(langs)
        outcomes = ["kept"] * len(sources) if kind == "data" else table.column("reason").to_pylist()
        keys = [f"{counted_lang(lg, d)}\t{o}" for lg, d, o in zip(langs, declared, outcomes, strict=True)]
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
    pq.write_table(
        table, buf, compression=parquet_compression(settings.compression), row_group_size=settings.row_group_rows
    )
    data = buf.getvalue()
    rel = shard_path(kind, lang, shard, n)
    fsutil.write_bytes(fsutil.join(settings.staging, rel), data)  # again when a bundle is retried (HDFS too)
    info = {
        "path": rel,
        "kind": kind,
        "lang": lang,
        "rows": table.num_rows,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "counts": _table_counts(table, kind),
    }
    sidecar = fsutil.join(settings.staging, "_shards", rel.replace("/", "__") + ".json")
    fsutil.write_bytes(sidecar, json.dumps(info, sort_keys=True).encode("utf-8"))
    if kind != "parallel":
        # Release statistics are computed here, on the worker, from the table in memory: one
        # associative partial per shard, merged by the driver (altedic.release.stats).
        from altedic.release.stats import PartialStats

        part = PartialStats()
        if kind == "errors":
            part.add_errors(table)
        else:
            part.add_documents(table, kept=kind == "data")
        stats_path = fsutil.join(settings.staging, "_stats", rel.replace("/", "__") + ".json")
        fsutil.write_bytes(stats_path, json.dumps(part.to_state(), sort_keys=True).encode("utf-8"))
    return info


def cand_paths(chunks: list[dict[str, Any]], group: str) -> list[str]:
    """The candidate chunks that hold documents of ``group``."""
    return sorted(c["path"] for c in chunks if c["kind"] == "cand" and group in c["groups"])


#: A document writer task: (kind, group, first, stop, n), the shards [first, stop) of the group's
#: n, and the lists of dedup verdicts routed to them.
ShardTask = tuple[tuple[str, str, int, int, int], Any]


#: What a writer task holds in memory before it moves the rows read to a local file: the shard
#: size, and at least this (small shards are not worth a round trip through the disk).
PARTS_MEMORY_FLOOR = 64 << 20


class _ShardParts:
    """The rows of a writer task's shards as read (pieces, by shard, in the order they came):
    held in memory up to ``budget`` bytes (Arrow's count), then moved to one local temporary
    file (Arrow IPC stream segments) and read back shard by shard. So a task that writes many
    shards holds about one shard's rows (or :data:`PARTS_MEMORY_FLOOR`), whatever its size;
    ``budget`` None: memory only."""

    def __init__(self, budget: int | None) -> None:
        self.budget = budget
        self.memory: dict[int, list[pa.Table]] = {}
        self.held = 0
        self.moved: dict[int, list[tuple[int, int]]] = {}
        self.file: IO[bytes] | None = None

    def add(self, shard: int, piece: pa.Table) -> None:
        self.memory.setdefault(shard, []).append(piece)
        self.held += piece.nbytes
        if self.budget is not None and self.held > self.budget:
            self._move()

    def _move(self) -> None:
        if self.file is None:
            # Open across calls; closed by close() (the writer's finally), deleted on closing.
            self.file = tempfile.TemporaryFile(prefix="altedic-shards-")  # noqa: SIM115
        self.file.seek(0, io.SEEK_END)
        options = pa.ipc.IpcWriteOptions(compression="lz4")
        for shard, pieces in self.memory.items():
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, pieces[0].schema, options=options) as out:
                out.write_table(pa.concat_tables(pieces).combine_chunks())
            data = sink.getvalue()
            self.moved.setdefault(shard, []).append((self.file.tell(), data.size))
            self.file.write(data)
        self.memory = {}
        self.held = 0

    def take(self, shard: int) -> list[pa.Table]:
        """The pieces of ``shard``, in the order they were added (the moved ones came first)."""
        pieces = []
        for offset, size in self.moved.pop(shard, []):
            assert self.file is not None
            self.file.seek(offset)
            pieces.append(pa.ipc.open_stream(self.file.read(size)).read_all())
        return pieces + self.memory.pop(shard, [])

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


class DocShardWriter:
    """(kind, group, first, stop, n) + verdicts -> data or rejected shards [first, stop) of n,
    read from the chunks.

    A group's shards are written by a few tasks, each a run of contiguous shards
    (:func:`altedic.beam.spill.writer_tasks`): a task opens each chunk that holds its group
    once, decodes each row group that overlaps its range of the id space once
    (:func:`altedic.beam.spill.read_shards`; row-group statistics skip the rest), then writes
    its shards one after the other, holding about one shard (:class:`_ShardParts`). Data
    shards: the candidates minus those dedup rejected, with their cluster sizes; rejected
    shards: the stage rejections plus the dedup rejections (read from the candidate chunks, only
    the row groups that may hold them). With dedup on, the kept documents' signatures are
    written next to each data shard (``dedup/signatures-<lang>-SSSSS-of-NNNNN.parquet``). Main
    output of :meth:`process_file`: the shards' sidecars (none for a shard left empty). A shard
    is the same whichever task writes it: its rows are those of its range, sorted by id.
    """

    def __init__(
        self, settings: WriteSettings, dedup_target: str | None, chunks: list[dict[str, Any]] | None = None
    ) -> None:
        self.settings = settings
        self.dedup_target = dedup_target
        self.chunks = chunks or []

    def setup(self) -> None:
        pass

    def start_bundle(self) -> None:
        pass

    def process_file(self, task: ShardTask) -> Iterator[Output]:
        for sidecar in self.write(task):
            yield None, sidecar

    def flush(self) -> list[Any]:
        return []

    def write(self, element: ShardTask) -> Iterator[dict[str, Any]]:
        """The shards of ``element``: their sidecars (none for a shard left empty)."""
        chunks = self.chunks
        (kind, group, first, stop, n), values = element
        verdicts = {v[0]: v for vs in values if vs is not None for v in vs}
        parts = _ShardParts(max(self.settings.shard_bytes, PARTS_MEMORY_FLOOR) if stop - first > 1 else None)
        try:
            if kind == DATA:
                paths = cand_paths(chunks, group)
                if not paths:
                    # A data shard task exists only for a group some chunk summary holds (its
                    # size is summed from them), so the chunk list this writer was given is
                    # incomplete: fail rather than leave the shards out (a runner that
                    # mishandles side inputs).
                    raise RuntimeError(
                        f"data shards {first + 1}-{stop} of {n} of {group!r}: none of the {len(chunks)} spill chunk "
                        "summaries given to the shard writer holds this group (incomplete side input)"
                    )
                for shard, piece in read_shards(paths, group, first, stop, n):
                    parts.add(shard, piece)
                gone: dict[int, list[str]] = {}
                for i, v in verdicts.items():
                    if v[3] is not None:
                        gone.setdefault(shard_of(point(i), n), []).append(i)
            else:
                paths = sorted(c["path"] for c in chunks if c["kind"] == "rej")
                for shard, piece in read_shards(paths, "", first, stop, n):
                    parts.add(shard, piece)
                by_group: dict[str, set[str]] = {}
                for i, v in verdicts.items():
                    by_group.setdefault(v[1], set()).add(i)
                for g, ids in sorted(by_group.items()):
                    for shard, piece in read_shards(cand_paths(chunks, g), g, first, stop, n, ids=ids):
                        order = piece["id"].to_pylist()
                        for col, idx in (("reason", 3), ("reason_detail", 4), ("duplicate_of", 5)):
                            piece = piece.set_column(
                                piece.schema.get_field_index(col),
                                col,
                                pa.array([verdicts[i][idx] for i in order], pa.string()),
                            )
                        parts.add(shard, piece)
            for shard in range(first, stop):
                pieces = parts.take(shard)
                if not pieces:
                    continue
                table = pa.concat_tables(pieces)
                if kind == DATA:
                    if shard in gone:
                        out = pc.invert(pc.is_in(table["id"], value_set=pa.array(gone[shard], pa.string())))
                        table = table.filter(out)
                    if table.num_rows:
                        yield self._write_data(group, shard, n, table.sort_by("id"), verdicts)
                else:
                    yield self._write(REJECTED, None, shard, n, table.sort_by("id"))
        finally:
            parts.close()

    def _write_data(
        self, group: str, shard: int, n: int, table: pa.Table, verdicts: dict[str, tuple[Any, ...]]
    ) -> dict[str, Any]:
        if self.dedup_target is not None:
            sizes = [verdicts[i][6] if i in verdicts else 1 for i in table["id"].to_pylist()]
            table = table.set_column(
                table.schema.get_field_index("cluster_size"), "cluster_size", pa.array(sizes, pa.int64())
            )
            sig_lang = pc.coalesce(table["lang"], table["declared_lang"])
            sigs = pa.Table.from_arrays([table["id"], sig_lang, table[EXACT], table[SIG]], schema=SIGNATURE_SCHEMA)
            write_signature_file(
                self.dedup_target, f"{SIGNATURE_FILE_PREFIX}-{group}-{shard:05d}-of-{n:05d}.parquet", sigs
            )
        return self._write(DATA, group, shard, n, table)

    def _write(self, kind: str, lang: str | None, shard: int, n: int, table: pa.Table) -> dict[str, Any]:
        schema = arrow_schema(SCHEMAS[kind])
        out = pa.Table.from_arrays([table[f.name] for f in schema], schema=schema)
        return write_shard_table(self.settings, kind, lang, shard, n, out)
