"""Exact and MinHash near-duplicate removal across every source of a run, on small records.

The plain logic lives in :mod:`altedic.dedup` (keys, kernel, LSH, component rounds); this module
only wires it. Documents never pass through the dedup shuffles: the worker that decides a
document spills it (:mod:`altedic.beam.spill`) and emits a *node* (rank key, scope, exact key,
MinHash signature, the spill chunk it lies in, its output group and size). :class:`DedupCore`
turns nodes into *verdicts*; the shard writers apply them while reading the documents back.
Flow (every arrow that changes the key is one GroupByKey/CoGroupByKey)::

    nodes (rank key = source priority, quality, id; scope = language or global)
      exact: (scope, XXH3-128 of text) -> group -> keep the smallest rank key, the rest get a
             dedup.exact verdict; previous outputs' exact keys take part with top priority
      near:  14 band keys per survivor -> group by (scope, band key) -> candidate pairs
             -> [verify: the candidates' signatures (and texts, for exact Jaccard) read back
                from their spill chunks, joined to both ends, kept at Jaccard >= threshold]
             -> large-star/small-star rounds -> star labels -> component totals (cluster size)
             -> verdicts: leaves dedup.near (duplicate_of = centre), centres their cluster size
    kept documents' signatures -> OUT/dedup/signatures-*.parquet (+ params.json), written by
    the shard writers next to each data shard

Memory per worker is bounded by one exact-duplicate group, one LSH bucket, one node's
neighbour set or one spill chunk, never the corpus. Every choice is by rank key order, so the
result is the same whatever the input order, the runner or the number of workers.
:class:`Deduplicate` offers the same over a PCollection of Documents (it spills them itself).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
import numpy as np
import pyarrow as pa
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.windowed_value import WindowedValue

from altedic.beam import spill
from altedic.beam.spill import doc_bytes
from altedic.dedup import exact as ex
from altedic.dedup import lsh
from altedic.dedup.components import NotConverged, large_star, small_star, small_star_direct, star_label, undirected
from altedic.dedup.config import DedupConfig
from altedic.dedup.minhash import MinHasher, shingle_hashes
from altedic.errors import ConfigError, RunError
from altedic.records import Document

log = logging.getLogger(__name__)

KEPT = "kept"
REJECTED = "rejected"
SIGNATURE_FILE_PREFIX = "signatures"
PARAMS_FILE = "params.json"

SIGNATURE_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("lang", pa.string()),
        pa.field("exact_key", pa.string(), nullable=False),
        pa.field("signature", pa.binary()),  # num_perm little-endian uint64 values, or null (near off)
    ]
)


def _scope(doc_lang: str | None, mode: str) -> str:
    return (doc_lang or "und") if mode == "language" else "*"


def _lang_of(doc: Document) -> str | None:
    return doc.lang or doc.declared_lang


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


#: A dedup node: (rank key, scope, exact key, signature bytes or None, spill chunk holding the
#: document (None for a previous output's document), output group (language), row bytes).
Node = tuple[str, str, str, Any, Any, str, int]
#: A verdict: (document id, group, row bytes, reason or None, detail, duplicate_of, cluster_size).
#: Rejections carry a reason; kept documents standing for more than themselves a cluster size.
Verdict = tuple[str, str, int, Any, Any, Any, Any]


class NodeMaker:
    """Documents -> dedup nodes, on a worker (the MinHash kernel called once per batch)."""

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self.hasher: MinHasher | None = None

    def setup(self) -> None:
        if self.cfg.near:
            self.hasher = MinHasher(num_perm=self.cfg.num_perm, ngram=self.cfg.ngram, seed=self.cfg.seed)

    def signatures(self, docs: list[Document]) -> list[bytes | None]:
        if self.hasher is None:
            return [None] * len(docs)
        sigs = self.hasher.signatures([d.text for d in docs])
        return [s.astype("<u8").tobytes() for s in sigs]

    def node(self, doc: Document, sig: bytes | None, loc: str | None, group: str, exact: str) -> Node:
        rank = ex.doc_rank_key(doc, self.cfg.source_priority, self.cfg.quality_key)
        return (rank, _scope(_lang_of(doc), self.cfg.scope), exact, sig, loc, group, doc_bytes(doc))


def spill_candidates(writer: spill.SpillWriter, maker: NodeMaker | None, docs: list[Document]) -> Iterator[Any]:
    """Spill kept-so-far documents to ``writer`` (grouped by language); with ``maker`` (dedup on),
    also their exact keys and signatures, and yield their nodes (tagged ``nodes``). Yields the
    summary of every chunk that fills up (main output)."""
    sigs = maker.signatures(docs) if maker is not None else [None] * len(docs)
    for doc, sig in zip(docs, sigs, strict=True):
        group = _group_of(doc)
        exact = ex.exact_key(doc.text) if maker is not None else None
        loc = writer.add(doc, group, exact, sig)
        if maker is not None:
            yield beam.pvalue.TaggedOutput(NODES, maker.node(doc, sig, loc, group, exact))  # type: ignore[arg-type]
        if writer.full:
            yield writer.flush()


def in_global_window(value: Any) -> WindowedValue:
    """``value`` as an element of the global window (what ``finish_bundle`` must output)."""
    return WindowedValue(value, GlobalWindow().max_timestamp(), (GlobalWindow(),))


def _reject(node: Node, reason: str, detail: str, duplicate_of: str) -> Verdict:
    return (ex.id_of(node[0]), node[5], node[6], reason, detail, duplicate_of, None)


class _ResolveExact(beam.DoFn):  # type: ignore[misc]
    """One exact-duplicate group -> the smallest rank key survives, the others are rejected."""

    def __init__(self) -> None:
        self.rejected = Metrics.counter("altedic", "dedup_exact_rejected")

    def process(self, element: tuple[Any, Iterable[tuple[str, Node | None]]]) -> Iterator[Any]:
        _, members = element
        best: str | None = None
        count = 0
        for rank, node in members:  # first pass: representative and size (no list kept)
            if best is None or rank < best:
                best = rank
            if node is not None:
                count += 1
        assert best is not None
        for rank, node in members:
            if node is None:
                continue
            if rank == best:
                yield (node, count)
            else:
                self.rejected.inc()
                where = " (already released)" if ex.is_previous(best) else ""
                yield beam.pvalue.TaggedOutput(
                    REJECTED,
                    _reject(node, "dedup.exact", f"same normalised text as {ex.id_of(best)}{where}", ex.id_of(best)),
                )


def _band_entries(node: tuple[str, str, bytes], bands: int, rows: int) -> Iterator[tuple[bytes, str]]:
    rank, scope, sig = node
    for key in lsh.band_keys(np.frombuffer(sig, dtype="<u8"), bands, rows):
        yield scope.encode("utf-8") + b"\0" + key, rank


def _requests(element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, str]]:
    """(rank, {want, loc}) -> (chunk, rank) for the candidates of this run (previous ones have no text)."""
    rank, groups = element
    if any(True for _ in groups["want"]):
        for loc in groups["loc"]:
            if loc is not None:
                yield loc, rank


class _FetchPayload(beam.DoFn):  # type: ignore[misc]
    """(chunk, ranks) -> (rank, (signature, text or None)) read from the spill chunk."""

    def __init__(self, with_text: bool) -> None:
        self.with_text = with_text

    def process(self, element: tuple[str, Iterable[str]]) -> Iterator[tuple[str, tuple[bytes, str | None]]]:
        loc, ranks = element
        by_id = {ex.id_of(r): r for r in ranks}
        table = spill.read_ids(loc, set(by_id), [spill.SIG] + (["text"] if self.with_text else []))
        ids = table["id"].to_pylist()
        sigs = table[spill.SIG].to_pylist()
        texts = table["text"].to_pylist() if self.with_text else [None] * len(ids)
        for i, sig, text in zip(ids, sigs, texts, strict=True):
            yield by_id[i], (sig, text)


class _Verify(beam.DoFn):  # type: ignore[misc]
    """Second half of the pair join: both ends' payloads -> keep the edge when similar enough."""

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self.checked = Metrics.counter("altedic", "dedup_pairs_verified")
        self.kept = Metrics.counter("altedic", "dedup_pairs_similar")

    def similarity(self, pa_: tuple[bytes, str | None], pb: tuple[bytes, str | None]) -> float:
        if self.cfg.verify == "exact" and pa_[1] is not None and pb[1] is not None:
            return lsh.exact_jaccard(shingle_hashes(pa_[1], self.cfg.ngram), shingle_hashes(pb[1], self.cfg.ngram))
        return lsh.estimated_jaccard(np.frombuffer(pa_[0], dtype="<u8"), np.frombuffer(pb[0], dtype="<u8"))

    def process(self, element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, str]]:
        v, groups = element
        for pv in groups["payload"]:  # exactly one payload per node
            for u, pu in groups["half"]:
                self.checked.inc()
                if self.similarity(pu, pv) >= self.cfg.threshold:
                    self.kept.inc()
                    yield u, v


def _first_half(element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, tuple[str, Any]]]:
    u, groups = element
    for payload in groups["payload"]:  # exactly one payload per node
        for v in groups["pairs"]:
            yield v, (u, payload)


def _label(element: tuple[str, Iterable[str]]) -> tuple[str, str | None]:
    node, neighbours = element
    try:
        return star_label(node, neighbours)
    except NotConverged as exc:
        raise RunError(f"near-duplicate components did not converge: {exc}; raise stages.dedup.max_rounds") from exc


def _membership(element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, tuple[str, int]]]:
    """Per node: ("self", weight) to itself, ("leaf", weight) to its centre; checks convergence."""
    node, groups = element
    weights = list(groups["weight"])
    labels = list(groups["label"])
    weight = weights[0] if weights else 0  # a previous output's document weighs 0 in this run
    centre = labels[0] if labels else None
    if centre is None:
        yield node, ("self", weight)
    else:
        yield node, ("has_centre", 0)
        yield centre, ("leaf", weight)


def _totals(element: tuple[str, Iterable[tuple[str, int]]]) -> Iterator[tuple[str, int]]:
    node, items = element
    total = 0
    leaves = 0
    has_centre = False
    for kind, w in items:
        if kind == "has_centre":
            has_centre = True
        else:
            total += w
            leaves += kind == "leaf"
    if has_centre and leaves:
        raise RunError(f"near-duplicate components did not converge at {node}; raise stages.dedup.max_rounds")
    if not has_centre:
        yield node, total


class _Decide(beam.DoFn):  # type: ignore[misc]
    """Per node: centre kept with its cluster size, leaves rejected as dedup.near (verdicts only)."""

    def __init__(self) -> None:
        self.rejected = Metrics.counter("altedic", "dedup_near_rejected")
        self.kept = Metrics.counter("altedic", "dedup_kept")

    def process(self, element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Verdict]:
        rank, groups = element
        # No "node" entry: a previous output's document, not part of this run's output.
        for group, nbytes, weight in groups["node"]:
            labels = list(groups["label"])
            totals = list(groups["total"])
            centre = labels[0] if labels else None
            if centre is not None:
                self.rejected.inc()
                where = " (already released)" if ex.is_previous(centre) else ""
                detail = f"near duplicate of {ex.id_of(centre)}{where}"
                yield (ex.id_of(rank), group, nbytes, "dedup.near", detail, ex.id_of(centre), None)
            else:
                self.kept.inc()
                size = totals[0] if totals else weight
                if size != 1:
                    yield (ex.id_of(rank), group, nbytes, None, None, None, size)


def _size_verdict(survivor: tuple[Node, int]) -> Iterator[Verdict]:
    node, weight = survivor
    if weight != 1:
        yield (ex.id_of(node[0]), node[5], node[6], None, None, None, weight)


class DedupCore(beam.PTransform):  # type: ignore[misc]
    """Dedup nodes -> verdicts (see the module docstring); documents never pass through here.

    ``config`` is the recipe's ``stages.dedup`` (validated here: ConfigError before any work).
    Only rejections and cluster sizes other than 1 become verdicts: a document of this run
    without a verdict is kept and stands for itself alone.
    """

    def __init__(self, config: dict[str, Any] | DedupConfig) -> None:
        super().__init__()
        self.cfg = config if isinstance(config, DedupConfig) else DedupConfig.from_dict(config)
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
        pipeline = nodes.pipeline
        scope_mode = cfg.scope
        previous = [pipeline | f"ReadPrevious{i}" >> _previous_rows(prev) for i, prev in enumerate(cfg.previous)]
        prev_rows = (previous | "FlattenPrevious" >> beam.Flatten()) if previous else None
        verdict_parts: list[beam.PCollection] = []

        # ---- exact -------------------------------------------------------------------------
        if cfg.exact:
            cur = nodes | "ExactKey" >> beam.Map(lambda n: ((n[1], n[2]), (n[0], n)))
            parts = [cur]
            if prev_rows is not None:
                parts.append(
                    prev_rows
                    | "PrevExactKey"
                    >> beam.Map(
                        lambda r: (
                            (_scope(r["lang"], scope_mode), r["exact_key"]),
                            (ex.rank_key(r["id"], ex.PREVIOUS_PRIORITY, None), None),
                        )
                    )
                )
            resolved = (
                (parts | "FlattenExact" >> beam.Flatten() if len(parts) > 1 else cur)
                | "GroupExact" >> beam.GroupByKey()
                | "ResolveExact" >> beam.ParDo(_ResolveExact()).with_outputs(REJECTED, main="survivors")
            )
            survivors = resolved.survivors
            verdict_parts.append(resolved[REJECTED])
        else:
            survivors = nodes | "Weight1" >> beam.Map(lambda n: (n, 1))

        # ---- near --------------------------------------------------------------------------
        if not cfg.near:
            verdict_parts.append(survivors | "Sizes" >> beam.FlatMap(_size_verdict))
        else:
            near_nodes = survivors | "NearNodes" >> beam.Map(lambda s: (s[0][0], s[0][1], s[0][3]))
            if prev_rows is not None:
                prev_nodes = (
                    prev_rows
                    | "PrevWithSig" >> beam.Filter(lambda r: r["signature"] is not None)
                    | "PrevNodes"
                    >> beam.Map(
                        lambda r: (
                            ex.rank_key(r["id"], ex.PREVIOUS_PRIORITY, None),
                            _scope(r["lang"], scope_mode),
                            r["signature"],
                        )
                    )
                )
                all_nodes = (near_nodes, prev_nodes) | "FlattenNodes" >> beam.Flatten()
            else:
                all_nodes = near_nodes

            bands, rows = cfg.bands, cfg.rows
            max_pairs, window = cfg.max_bucket_pairs, cfg.bucket_window
            pairs = (
                all_nodes
                | "BandKeys" >> beam.FlatMap(_band_entries, bands, rows)
                | "GroupBands" >> beam.GroupByKey()
                | "BucketPairs" >> beam.FlatMap(lambda kv: lsh.bucket_pairs(kv[1], max_pairs, window))
                | "DistinctPairs" >> beam.Distinct()
            )

            if cfg.verify == "none":
                edges = pairs
            else:
                # Only the candidates' payloads (signature, and text for exact verification) are
                # read back from the spill chunks: a small share of the corpus.
                wanted = (
                    pairs
                    | "Ends" >> beam.FlatMap(lambda p: p)
                    | "DistinctEnds" >> beam.Distinct()
                    | "Want" >> beam.Map(lambda r: (r, None))
                )
                locs = survivors | "Locs" >> beam.Map(lambda s: (s[0][0], s[0][4]))
                payload = (
                    {"want": wanted, "loc": locs}
                    | "JoinLocs" >> beam.CoGroupByKey()
                    | "Requests" >> beam.FlatMap(_requests)
                    | "GroupRequests" >> beam.GroupByKey()
                    | "FetchPayload" >> beam.ParDo(_FetchPayload(cfg.verify == "exact"))
                )
                if prev_rows is not None:
                    payload = (
                        payload,
                        prev_nodes | "PrevPayload" >> beam.Map(lambda n: (n[0], (n[2], None))),
                    ) | "FlattenPayload" >> beam.Flatten()
                halves = (
                    {"pairs": pairs, "payload": payload}
                    | "JoinFirst" >> beam.CoGroupByKey()
                    | "FirstHalf" >> beam.FlatMap(_first_half)
                )
                edges = (
                    {"half": halves, "payload": payload}
                    | "JoinSecond" >> beam.CoGroupByKey()
                    | "Verify" >> beam.ParDo(_Verify(cfg))
                )

            # Connected components: alternating large-star / small-star rounds (Kiveris et al. 2014).
            for r in range(cfg.max_rounds):
                edges = (
                    edges
                    | f"LargeStarMap{r}" >> beam.FlatMap(undirected)
                    | f"LargeStarGroup{r}" >> beam.GroupByKey()
                    | f"LargeStar{r}" >> beam.FlatMapTuple(large_star)
                    | f"SmallStarMap{r}" >> beam.Map(small_star_direct)
                    | f"SmallStarGroup{r}" >> beam.GroupByKey()
                    | f"SmallStar{r}" >> beam.FlatMapTuple(small_star)
                )
            labels = (
                edges
                | "LabelMap" >> beam.FlatMap(undirected)
                | "LabelGroup" >> beam.GroupByKey()
                | "Label" >> beam.Map(_label)
            )
            leaf_labels = labels | "Leaves" >> beam.Filter(lambda nl: nl[1] is not None)
            weights = survivors | "Weights" >> beam.Map(lambda s: (s[0][0], s[1]))
            totals = (
                {"weight": weights, "label": leaf_labels}
                | "JoinWeights" >> beam.CoGroupByKey()
                | "Membership" >> beam.FlatMap(_membership)
                | "GroupComponents" >> beam.GroupByKey()
                | "Totals" >> beam.FlatMap(_totals)
            )
            node_side = survivors | "NodeSide" >> beam.Map(lambda s: (s[0][0], (s[0][5], s[0][6], s[1])))
            verdict_parts.append(
                {"node": node_side, "label": leaf_labels, "total": totals}
                | "JoinDecide" >> beam.CoGroupByKey()
                | "Decide" >> beam.ParDo(_Decide())
            )
        return verdict_parts | "AllVerdicts" >> beam.Flatten()


def write_params(target: str, cfg: DedupConfig) -> None:
    """``<target>/params.json``: the signature parameters a later run must match."""
    with FileSystems.create(FileSystems.join(target, PARAMS_FILE)) as fh:
        fh.write(json.dumps(cfg.signature_params(), sort_keys=True, indent=1).encode("utf-8"))


def write_signature_file(target: str, name: str, table: pa.Table) -> str:
    """One signature file (rows sorted by id by the caller): byte-identical whatever the runner."""
    import io

    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    path = FileSystems.join(target, name)
    with FileSystems.create(path) as fh:
        fh.write(buf.getvalue())
    return path


def ensure_signatures(target: str) -> None:
    """A run that keeps nothing still leaves one (empty) signature file for later runs to read."""
    if not FileSystems.match([FileSystems.join(target, f"{SIGNATURE_FILE_PREFIX}-*.parquet")])[0].metadata_list:
        write_signature_file(target, f"{SIGNATURE_FILE_PREFIX}-00000-of-00001.parquet", SIGNATURE_SCHEMA.empty_table())


def _previous_rows(prev: str) -> beam.PTransform:
    pattern = FileSystems.join(dedup_dir(prev), f"{SIGNATURE_FILE_PREFIX}-*.parquet")
    return beam.io.ReadFromParquet(pattern)


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


def _group_of(doc: Document) -> str:
    return doc.lang or "und"


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

    def process(self, batch: list[Document]) -> Iterator[Any]:
        assert self.writer is not None
        yield from spill_candidates(self.writer, self.maker, batch)

    def finish_bundle(self) -> Iterator[Any]:
        assert self.writer is not None
        summary = self.writer.flush()
        if summary is not None:
            yield in_global_window(summary)


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


NODES = "nodes"


class Deduplicate(beam.PTransform):  # type: ignore[misc]
    """Documents -> {"kept", "rejected"}: exact + near-duplicate removal for a PCollection of
    Documents (a library entry point; ``altedic run`` wires :class:`DedupCore` itself, with the
    documents spilled by the decide step).

    The documents are spilled to ``<out_dir>/_spill/`` (only small nodes are shuffled), the
    verdicts applied when reading them back. Kept documents get ``cluster_size`` (documents they
    stand for, exact and near, themselves included), rejected ones reason ``dedup.exact`` /
    ``dedup.near`` and ``duplicate_of``. Signatures of the kept documents go to
    ``<out_dir>/dedup/`` for later runs' ``previous``.
    """

    def __init__(self, config: dict[str, Any], out_dir: str) -> None:
        super().__init__()
        self.core = DedupCore(config)
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
            _ApplyVerdicts(), verdicts=beam.pvalue.AsDict(verdicts | "ById" >> beam.Map(lambda v: (v[0], v)))
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
