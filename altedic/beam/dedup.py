"""Exact and MinHash near-duplicate removal across every source of a run, on small records.

The plain logic lives in :mod:`altedic.dedup` (keys, kernel, LSH, the greedy keep-or-remove choice); this module
only wires it. Documents never pass through the dedup shuffles: the worker that decides a
document spills it (:mod:`altedic.beam.spill`) and emits a *node* (rank key, scope, exact key,
MinHash signature, the spill chunk it lies in, its output group and size). :class:`DedupCore`
turns nodes into *verdicts*; the shard writers apply them while reading the documents back.
Nodes and band entries travel in Arrow tables (:mod:`altedic.dedup.batches`), a few hundred
per shuffle instead of one element per document and band. Flow (every arrow that changes the
key is one GroupByKey/CoGroupByKey)::

    node tables (rank key = source priority, quality, id; scope = language or global)
      exact: partition of the XXH3-128 text key -> group -> per (scope, exact key) the smallest
             rank key survives with its group's size as weight, the rest get a dedup.exact
             verdict; previous outputs' exact keys take part with top priority
      near:  14 band keys per survivor (vectorised) -> partition of the band key -> group ->
             buckets (scope, band, key) -> candidate pairs and their ends
             -> [verify: each pair belongs to the partition q of its first rank key; each
                end's chunk is looked up in the partition of its own rank key; the ends'
                signatures (and texts, for exact Jaccard) are read back from their spill
                chunks, once per chunk (a previous output's: from its signature file and the
                data shard beside it), and sent as lists to the partitions q that need them;
                there both ends meet and the pair is kept at Jaccard >= threshold]
             -> one step: greedy in rank order over the verified edges -> verdicts: a document
                with an edge to an already kept one is dedup.near (duplicate_of = the best-ranked
                such kept document), the others are kept with their cluster size; and the moves:
                exact survivors (weight > 1) that were removed
      exact verdicts + moves: partition of the id the verdict names -> the verdicts whose
             survivor was removed as a near duplicate name the kept document it duplicates
    verdicts travel as lists (one per partition or step), never one element per document
    kept documents' signatures -> OUT/dedup/signatures-*.parquet (+ params.json), written by
    the shard writers next to each data shard

On Beam's in-process runner, where all of these shuffles would stay in the one runner process,
``altedic run`` has the same steps run in that process without them
(``DedupCore(in_process=True)``, :func:`altedic.beam.dedupcore.local_verdicts`).

Memory per worker is bounded by one partition of the nodes or band entries (``partitions``, 16
by default), one spill chunk, or, in the components step, the verified edges (about one per
near duplicate), never the documents. Every choice is by rank key order, so the
result is the same whatever the input order, the runner or the number of workers.
:class:`Deduplicate` offers the same over a PCollection of Documents (it spills them itself).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.windowed_value import WindowedValue

from altedic import fsutil
from altedic.beam import dedupcore as core
from altedic.beam import spill
from altedic.beam.nodes import (
    NODES,
    SIGNATURE_FILE_PREFIX,
    SIGNATURE_SCHEMA,
    Node,
    NodeMaker,
    _lang_of,
    node_tables,
    previous_files,
    previous_tables,
    spill_candidates,
    write_signature_file,
)
from altedic.dedup import batches as bt
from altedic.dedup import exact as ex
from altedic.dedup import lsh
from altedic.dedup.batches import Verdict
from altedic.dedup.config import DedupConfig
from altedic.errors import ConfigError
from altedic.records import Document

log = logging.getLogger(__name__)

KEPT = "kept"
REJECTED = "rejected"
PARAMS_FILE = "params.json"


def dedup_dir(out_dir: str) -> str:
    """Where a run writes (and a later run reads) its signatures: ``<out_dir>/dedup``."""
    return FileSystems.join(out_dir, "dedup")


def check_previous(cfg: DedupConfig) -> None:
    """Fail before any work when a ``previous`` output has no signatures or incompatible ones."""
    want = cfg.signature_params()
    for prev in cfg.previous:
        params_path = FileSystems.join(dedup_dir(prev), PARAMS_FILE)
        if not FileSystems.exists(params_path):
            raise ConfigError(
                f"previous output {prev!r} has no {params_path} (not an altedic output, or written "
                "before dedup signatures existed)",
                key="stages.dedup.previous",
            )
        with FileSystems.open(params_path) as fh:
            got = json.loads(fh.read().decode("utf-8"))
        if cfg.near and any(got.get(k) != v for k, v in want.items()):
            raise ConfigError(
                f"previous output {prev!r} has signatures made with {got}, this recipe uses {want}: "
                "set stages.dedup ngram/bands*rows/seed to match, or set near: false",
                key="stages.dedup.previous",
            )


def in_global_window(value: Any) -> WindowedValue:
    """``value`` as an element of the global window (what ``finish_bundle`` must output), at
    its end, as Beam's own ``finish_bundle`` outputs (``BatchElements``, ``WriteImpl``).

    The timestamp does not decide whether a side input holds the element: a side input of the
    global window is read once its producer has finished (the watermark past the window's
    end), whatever the timestamps of its elements."""
    return WindowedValue(value, GlobalWindow().max_timestamp(), (GlobalWindow(),))


class _ResolveExact(beam.DoFn):  # type: ignore[misc]
    """One partition of nodes -> survivors (main, a table) and dedup.exact verdicts."""

    def __init__(self) -> None:
        self.rejected = Metrics.counter("altedic", "dedup_exact_rejected")

    def process(self, element: tuple[int, Iterable[pa.Table]]) -> Iterator[Any]:
        survivors, rejected = bt.resolve_exact(element[1])
        self.rejected.inc(len(rejected))
        if rejected:
            yield beam.pvalue.TaggedOutput(REJECTED, rejected)
        if survivors.num_rows:
            yield survivors


ENDS = "ends"


class _BucketPairs(beam.DoFn):  # type: ignore[misc]
    """One partition of band entries -> candidate pairs (main), as lists keyed by the partition
    ``q`` of their first rank key, where they are verified (a pair sharing several bands is found
    in several partitions: ``q`` makes them distinct), and the ends each ``q`` needs (tagged
    ``ends``), as lists of (rank, q) keyed by the partition of the end's own rank key, where its
    chunk is known."""

    def __init__(self, max_pairs: int, window: int, partitions: int) -> None:
        self.max_pairs = max_pairs
        self.window = window
        self.partitions = partitions
        self.candidates = Metrics.counter("altedic", "dedup_candidate_pairs")

    def process(self, element: tuple[int, Iterable[pa.Table]]) -> Iterator[Any]:
        pairs = bt.bucket_candidates(element[1], self.max_pairs, self.window)
        self.candidates.inc(len(pairs))
        by_q, needs = bt.pair_parts(pairs, self.partitions)
        for q in sorted(by_q):
            yield q, by_q[q]
        for p in sorted(needs):
            yield beam.pvalue.TaggedOutput(ENDS, (p, needs[p]))


REQUESTS = "requests"


def _end_routes(element: tuple[int, dict[str, Iterable[Any]]]) -> Iterator[Any]:
    """One rank partition: the ends its pairs need + the survivors' info tables -> the ends'
    infos as one list (main, for the keep-or-remove step), and what to read: (loc, needs) per
    spill chunk or previous output's signature file (tagged ``requests``)."""
    _, groups = element
    infos, routes = bt.end_routes(groups["ends"], groups["info"])
    if infos:
        yield infos
    for loc in sorted(r for r in routes if r is not None):
        yield beam.pvalue.TaggedOutput(REQUESTS, (loc, routes[loc]))


def _distinct_pairs(element: tuple[int, Iterable[list[Any]]]) -> Iterator[list[bt.Edge]]:
    """One pair partition's lists -> its distinct pairs as one list (no verification)."""
    pairs = core.distinct_pairs(element[1])
    if pairs:
        yield pairs


class _FetchPayload(beam.DoFn):  # type: ignore[misc]
    """(loc, lists of (rank, q)) -> (q, [(rank, (signature, text or None))]): the payloads of
    the ends held in that spill chunk (or previous output's signature file and data shard), read
    once, routed to the pair partitions that need them."""

    def __init__(self, with_text: bool) -> None:
        self.with_text = with_text

    def process(self, element: tuple[str, Iterable[list[bt.Need]]]) -> Iterator[tuple[int, list[Any]]]:
        yield from core.fetch_payloads(element[0], element[1], self.with_text)


class _Verify(beam.DoFn):  # type: ignore[misc]
    """One pair partition: its candidate pairs and both ends' payloads -> the verified edges, as
    one list (pairs similar enough)."""

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self.checked = Metrics.counter("altedic", "dedup_pairs_verified")
        self.kept = Metrics.counter("altedic", "dedup_pairs_similar")

    def similar(self, pa_: bt.Payload, pb: bt.Payload) -> bool | str:
        return core.similar(self.cfg, pa_, pb)

    def process(self, element: tuple[int, dict[str, Iterable[Any]]]) -> Iterator[list[bt.Edge]]:
        _, groups = element
        edges, checked = bt.verify_pairs(groups["pairs"], groups["payload"], self.similar)
        self.checked.inc(checked)
        self.kept.inc(len(edges))
        if edges:
            yield edges


MOVES = "moves"


class _Components(beam.DoFn):  # type: ignore[misc]
    """All verified edges, their ends and the weighted survivors (lists) -> near verdicts and
    sizes (main), and the exact representatives removed as near duplicates (tagged ``moves``),
    as lists keyed by the partition of the representative's id, to meet their copies' verdicts."""

    def __init__(self, partitions: int) -> None:
        self.partitions = partitions
        self.rejected = Metrics.counter("altedic", "dedup_near_rejected")

    def process(self, element: tuple[int, Iterable[tuple[str, list[Any]]]]) -> Iterator[Any]:
        verdicts, moves = core.components(element[1])
        self.rejected.inc(sum(1 for v in verdicts if v[3] is not None))
        if verdicts:
            yield verdicts
        for p, items in bt.moves_by_partition(moves, self.partitions):
            yield beam.pvalue.TaggedOutput(MOVES, (p, items))


def _repoint(element: tuple[int, dict[str, Iterable[Any]]]) -> Iterator[list[Verdict]]:
    """One representative partition: dedup.exact verdicts + the moves -> the verdicts, naming
    the kept document (:func:`bt.repoint_exact`), as one list."""
    _, groups = element
    moves = [m for items in groups[MOVES] for m in items]
    verdicts = bt.repoint_exact((v for items in groups[REJECTED] for v in items), moves)
    if verdicts:
        yield verdicts


class _LocalDedup(beam.DoFn):  # type: ignore[misc]
    """Every node table of the run (one list) -> the verdict lists, in this process
    (:func:`altedic.beam.dedupcore.local_verdicts`), with the same counters as the Beam wiring."""

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self.counters = {name: Metrics.counter("altedic", f"dedup_{name}") for name in core.COUNTERS}

    def process(self, tables: list[pa.Table]) -> Iterator[list[Verdict]]:
        verdicts, counts = core.local_verdicts(tables, self.cfg)
        for name, n in counts.items():
            self.counters[name].inc(n)
        yield from verdicts


def _size_list(survivors: pa.Table) -> Iterator[list[Verdict]]:
    items = list(bt.size_verdicts(survivors))
    if items:
        yield items


def _weighted_list(survivors: pa.Table) -> Iterator[list[tuple[str, bt.Info]]]:
    items = list(bt.weighted(survivors))
    if items:
        yield items


def _tagged(values: Any, kind: str) -> tuple[int, tuple[str, Any]]:
    return 0, (kind, values)


class DedupCore(beam.PTransform):  # type: ignore[misc]
    """Tables of dedup nodes -> verdicts (see the module docstring); documents never pass through here.

    ``config`` is the recipe's ``stages.dedup`` (validated here: ConfigError before any work).
    Only rejections and cluster sizes other than 1 become verdicts: a document of this run
    without a verdict is kept and stands for itself alone.

    ``in_process``: the pipeline runs on Beam's in-process runner, where every shuffle stays in
    the one runner process: the nodes are then gathered into one element and the steps run by
    :func:`altedic.beam.dedupcore.local_verdicts` (same functions, same verdicts, without
    Beam's per-stage encoding and bundles). Runs with ``previous`` outputs keep the wiring below.
    """

    def __init__(self, config: dict[str, Any] | DedupConfig, in_process: bool = False) -> None:
        super().__init__()
        self.cfg = config if isinstance(config, DedupConfig) else DedupConfig.from_dict(config)
        self.in_process = in_process
        check_previous(self.cfg)
        if self.cfg.near:
            log.info(
                "dedup: MinHash %d bands x %d rows (%d permutations, word %d-grams): implied LSH "
                "threshold (1/b)^(1/r) = %.3f; verification %s at Jaccard %.2f; scope %s",
                self.cfg.bands, self.cfg.rows, self.cfg.num_perm, self.cfg.ngram,
                lsh.implied_threshold(self.cfg.bands, self.cfg.rows), self.cfg.verify,
                self.cfg.threshold, self.cfg.scope,
            )  # fmt: skip

    def expand(self, nodes: beam.PCollection) -> beam.PCollection:
        cfg = self.cfg
        if self.in_process and not cfg.previous:
            return nodes | "GatherNodes" >> beam.combiners.ToList() | "LocalDedup" >> beam.ParDo(_LocalDedup(cfg))
        pipeline = nodes.pipeline
        scope_mode = cfg.scope
        parts_n = cfg.partitions
        prev_tables = None
        if cfg.previous:
            # each signature file with the data shard holding its documents' texts (for exact
            # verification): the nodes' loc says where to read them back
            files = [f for prev in cfg.previous for f in previous_files(prev)]
            prev_tables = (
                pipeline
                | "PreviousFiles" >> beam.Create(files, reshuffle=False)
                | "SpreadPrevious" >> beam.Reshuffle()
                | "PreviousNodes" >> beam.FlatMap(previous_tables, scope_mode, cfg.bands, cfg.rows)
            )
        verdict_parts: list[beam.PCollection] = []

        # ---- exact -------------------------------------------------------------------------
        if cfg.exact:
            parts = [nodes] if prev_tables is None else [nodes, prev_tables]
            resolved = (
                (parts | "FlattenExact" >> beam.Flatten() if len(parts) > 1 else nodes)
                | "ExactPartition" >> beam.FlatMap(core.exact_parts, parts_n)
                | "GroupExact" >> beam.GroupByKey()
                | "ResolveExact" >> beam.ParDo(_ResolveExact()).with_outputs(REJECTED, main="survivors")
            )
            survivors = resolved.survivors
        else:
            survivors = nodes | "Weight1" >> beam.Map(bt.with_weight, 1)

        # ---- near --------------------------------------------------------------------------
        if not cfg.near:
            if cfg.exact:
                verdict_parts.append(resolved[REJECTED])
            verdict_parts.append(survivors | "Sizes" >> beam.FlatMap(_size_list))
            return verdict_parts | "AllVerdicts" >> beam.Flatten()

        band_input = survivors
        if prev_tables is not None:
            band_input = (
                survivors,
                prev_tables | "PreviousWeight0" >> beam.Map(bt.with_weight, 0),
            ) | "FlattenNodes" >> beam.Flatten()
        candidates = (
            band_input
            | "BandEntries" >> beam.FlatMap(bt.band_entries, cfg.bands, parts_n)
            | "GroupBands" >> beam.GroupByKey()
            | "BucketPairs"
            >> beam.ParDo(_BucketPairs(cfg.max_bucket_pairs, cfg.bucket_window, parts_n)).with_outputs(
                ENDS, main="pairs"
            )
        )
        infos = band_input | "InfoParts" >> beam.FlatMap(bt.info_parts, parts_n)
        ends = (
            {"ends": candidates[ENDS], "info": infos}
            | "JoinEnds" >> beam.CoGroupByKey()
            | "EndRoutes" >> beam.FlatMap(_end_routes).with_outputs(REQUESTS, main="infos")
        )

        if cfg.verify == "none":
            edges = (
                candidates.pairs | "GroupPairs" >> beam.GroupByKey() | "DistinctPairs" >> beam.FlatMap(_distinct_pairs)
            )
        else:
            # Only the candidates' payloads (signature, and text for exact verification) are
            # read back from the spill chunks (each chunk once) and, for previous outputs'
            # documents, from their signature files and data shards (the row groups holding
            # them), and sent to the pair partitions that need them: a small share of the
            # corpus, in lists (one per chunk and partition).
            payload = (
                ends[REQUESTS]
                | "GroupRequests" >> beam.GroupByKey()
                | "FetchPayload" >> beam.ParDo(_FetchPayload(cfg.verify == "exact"))
            )
            edges = (
                {"pairs": candidates.pairs, "payload": payload}
                | "JoinPairs" >> beam.CoGroupByKey()
                | "Verify" >> beam.ParDo(_Verify(cfg))
            )

        # ---- keep or remove: one step over the verified edges ------------------------------------
        weighted = survivors | "Weighted" >> beam.FlatMap(_weighted_list)
        near = (
            (
                edges | "EdgeItems" >> beam.Map(_tagged, "e"),
                ends.infos | "EndItems" >> beam.Map(_tagged, "n"),
                weighted | "WeightItems" >> beam.Map(_tagged, "w"),
            )
            | "FlattenComponents" >> beam.Flatten()
            | "GroupComponents" >> beam.GroupByKey()
            | "Components" >> beam.ParDo(_Components(parts_n)).with_outputs(MOVES, main="verdicts")
        )
        verdict_parts.append(near.verdicts)
        if cfg.exact:
            # An exact group's survivor may have been removed as a near duplicate: its copies'
            # verdicts meet the moves by partition of the id they name, to name the kept document.
            verdict_parts.append(
                {
                    REJECTED: resolved[REJECTED]
                    | "ExactByRepresentative" >> beam.FlatMap(bt.by_representative, parts_n),
                    MOVES: near[MOVES],
                }
                | "JoinMoves" >> beam.CoGroupByKey()
                | "RepointExact" >> beam.FlatMap(_repoint)
            )
        return verdict_parts | "AllVerdicts" >> beam.Flatten()


def write_params(target: str, cfg: DedupConfig) -> None:
    """``<target>/params.json``: the signature parameters a later run must match."""
    data = json.dumps(cfg.signature_params(), sort_keys=True, indent=1).encode("utf-8")
    fsutil.write_bytes(fsutil.join(target, PARAMS_FILE), data)


def ensure_signatures(target: str) -> None:
    """A run that keeps nothing still leaves one (empty) signature file for later runs to read."""
    if not FileSystems.match([FileSystems.join(target, f"{SIGNATURE_FILE_PREFIX}-*.parquet")])[0].metadata_list:
        write_signature_file(target, f"{SIGNATURE_FILE_PREFIX}-00000-of-00001.parquet", SIGNATURE_SCHEMA.empty_table())


#: Signature rows per file in the document-level transform (about 1 KB each with 112 permutations).
SIGNATURE_ROWS_PER_FILE = 100_000


def _signature_shard(doc_id: str, count: int) -> tuple[int, int]:
    """(shard, number of shards) of a signature row: by id position, so the files do not depend
    on the order rows arrive in (runner, worker count)."""
    n = max(1, -(-count // SIGNATURE_ROWS_PER_FILE))
    return spill.shard_of(spill.point(doc_id), n), n


class _WriteSignatureShard(beam.DoFn):  # type: ignore[misc]
    def __init__(self, target: str) -> None:
        self.target = target

    def process(self, element: tuple[tuple[int, int], Iterable[dict[str, Any]]]) -> Iterator[str]:
        (shard, n), rows = element
        table = pa.Table.from_pylist(sorted(rows, key=lambda r: r["id"]), schema=SIGNATURE_SCHEMA)
        yield write_signature_file(self.target, f"{SIGNATURE_FILE_PREFIX}-{shard:05d}-of-{n:05d}.parquet", table)


class _FinishDir(beam.DoFn):  # type: ignore[misc]
    def __init__(self, target: str, cfg: DedupConfig) -> None:
        self.target = target
        self.cfg = cfg

    def process(self, _: Any, written: list[str]) -> Iterator[str]:
        write_params(self.target, self.cfg)
        if not written:
            ensure_signatures(self.target)
        yield self.target


class _SpillDocsFn(beam.DoFn):  # type: ignore[misc]
    """Batches of documents -> spill chunks (main output: their summaries) and dedup nodes."""

    def __init__(self, cfg: DedupConfig, root: str) -> None:
        self.cfg = cfg
        self.root = root
        self.maker = NodeMaker(cfg)
        self.writer: spill.SpillWriter | None = None

    def setup(self) -> None:
        self.maker.setup()

    def start_bundle(self) -> None:
        self.writer = spill.SpillWriter(self.root, "cand")
        self.nodes: list[Node] = []

    def process(self, batch: list[Document]) -> Iterator[Any]:
        assert self.writer is not None
        yield from spill_candidates(self.writer, self.maker, batch, self.nodes)
        for table in node_tables(self.nodes, final=False):
            yield beam.pvalue.TaggedOutput(NODES, table)

    def finish_bundle(self) -> Iterator[Any]:
        assert self.writer is not None
        summary = self.writer.flush()
        if summary is not None:
            yield in_global_window(summary)
        for table in node_tables(self.nodes, final=True):
            yield beam.pvalue.TaggedOutput(NODES, in_global_window(table))


class _ApplyVerdicts(beam.DoFn):  # type: ignore[misc]
    """One spill chunk + all verdicts -> kept documents (with cluster size) and rejected ones."""

    def process(self, summary: dict[str, Any], verdicts: dict[str, Verdict]) -> Iterator[Any]:
        import pyarrow.parquet as pq
        from apache_beam.io.filesystem import CompressionTypes

        with FileSystems.open(summary["path"], compression_type=CompressionTypes.UNCOMPRESSED) as fh:
            table = pq.read_table(fh)
        for row in table.to_pylist():
            sig = row.pop(spill.SIG)
            for col in (spill.GROUP, spill.POINT, spill.EXACT):
                row.pop(col)
            doc = spill.row_to_document(row)
            v = verdicts.get(doc.id)
            if v is not None and v[3] is not None:
                yield beam.pvalue.TaggedOutput(REJECTED, doc.reject(v[3], v[4], v[5]))
            else:
                doc.cluster_size = v[6] if v is not None else 1
                yield doc, sig


class Deduplicate(beam.PTransform):  # type: ignore[misc]
    """Documents -> {"kept", "rejected"}: exact + near-duplicate removal for a PCollection of
    Documents (a library entry point; ``altedic run`` wires :class:`DedupCore` itself, with the
    documents spilled by the decide step).

    The documents are spilled to ``<out_dir>/_spill/`` (only small nodes are shuffled), the
    verdicts applied when reading them back. Kept documents get ``cluster_size`` (documents they
    stand for, exact and near, themselves included), rejected ones reason ``dedup.exact`` /
    ``dedup.near`` and ``duplicate_of``. Signatures of the kept documents go to
    ``<out_dir>/dedup/`` for later runs' ``previous``. ``in_process``: as for :class:`DedupCore`.
    """

    def __init__(self, config: dict[str, Any], out_dir: str, in_process: bool = False) -> None:
        super().__init__()
        self.core = DedupCore(config, in_process=in_process)
        self.cfg = self.core.cfg
        self.out_dir = out_dir

    def expand(self, docs: beam.PCollection) -> dict[str, beam.PCollection]:
        cfg = self.cfg
        pipeline = docs.pipeline
        spilled = (
            docs
            | "Batch" >> beam.BatchElements(min_batch_size=min(64, cfg.batch_size), max_batch_size=cfg.batch_size)
            | "Spill"
            >> beam.ParDo(_SpillDocsFn(cfg, FileSystems.join(self.out_dir, spill.SPILL_DIR))).with_outputs(
                NODES, main="chunks"
            )
        )
        verdicts = spilled[NODES] | "Core" >> self.core
        applied = spilled.chunks | "Apply" >> beam.ParDo(
            _ApplyVerdicts(),
            verdicts=beam.pvalue.AsDict(verdicts | "ById" >> beam.FlatMap(lambda vs: [(v[0], v) for v in vs])),
        ).with_outputs(REJECTED, main=KEPT)
        kept_with_sig = applied[KEPT]

        target = dedup_dir(self.out_dir)
        rows = kept_with_sig | "SignatureRows" >> beam.Map(
            lambda t: {"id": t[0].id, "lang": _lang_of(t[0]), "exact_key": ex.exact_key(t[0].text), "signature": t[1]}
        )
        count = rows | "CountSignatures" >> beam.combiners.Count.Globally()
        written = (
            rows
            | "SignatureShard"
            >> beam.Map(lambda r, n: (_signature_shard(r["id"], n), r), n=beam.pvalue.AsSingleton(count))
            | "GroupSignatureShard" >> beam.GroupByKey()
            | "WriteSignatures" >> beam.ParDo(_WriteSignatureShard(target))
        )
        (
            pipeline
            | "FinishSeed" >> beam.Create([None])
            | "FinishDedupDir" >> beam.ParDo(_FinishDir(target, cfg), written=beam.pvalue.AsList(written))
        )
        return {KEPT: kept_with_sig | "KeptDocs" >> beam.Map(lambda t: t[0]), REJECTED: applied[REJECTED]}


__all__ = [
    "KEPT",
    "NODES",
    "REJECTED",
    "SIGNATURE_SCHEMA",
    "DedupCore",
    "Deduplicate",
    "NodeMaker",
    "dedup_dir",
    "ensure_signatures",
    "write_params",
    "write_signature_file",
]
