"""``Deduplicate``: exact and MinHash near-duplicate removal across every source of a run.

The plain logic lives in :mod:`altedic.dedup` (keys, kernel, LSH, component rounds); this module
only wires it. Flow (every arrow that changes the key is one GroupByKey/CoGroupByKey)::

    docs -> rank key (source priority, quality, id) and scope (language or global)
      exact: (scope, XXH3-128 of text) -> group -> keep the smallest rank key, reject the rest
             (dedup.exact); previous outputs' exact keys take part with top priority
      near:  batches -> MinHash kernel -> 14 band keys per doc -> group by (scope, band key)
             -> candidate pairs -> [verify: join both ends' signatures, keep Jaccard >= threshold]
             -> large-star/small-star rounds -> star labels -> component totals (cluster size)
             -> join back to documents: centre kept (cluster_size), leaves rejected (dedup.near)
      kept docs' signatures -> OUT/dedup/signatures-00000-of-00001.parquet (+ params.json)

Memory per worker is bounded by one exact-duplicate group, one LSH bucket or one node's
neighbour set, never the corpus. Every choice is by rank key order, so the result is the same
whatever the input order, the runner or the number of workers.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
import numpy as np
import pyarrow as pa
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

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


class _ResolveExact(beam.DoFn):  # type: ignore[misc]
    """One exact-duplicate group -> the smallest rank key survives, the others are rejected."""

    def __init__(self) -> None:
        self.rejected = Metrics.counter("altedic", "dedup_exact_rejected")

    def process(self, element: tuple[Any, Iterable[tuple[str, Document | None]]]) -> Iterator[Any]:
        _, members = element
        best: str | None = None
        count = 0
        for rank, doc in members:  # first pass: representative and size (no list of documents)
            if best is None or rank < best:
                best = rank
            if doc is not None:
                count += 1
        assert best is not None
        for rank, doc in members:
            if doc is None:
                continue
            if rank == best:
                yield (rank, doc, count)
            else:
                self.rejected.inc()
                where = " (already released)" if ex.is_previous(best) else ""
                yield beam.pvalue.TaggedOutput(
                    REJECTED,
                    copy.copy(doc).reject(
                        "dedup.exact", f"same normalised text as {ex.id_of(best)}{where}", ex.id_of(best)
                    ),
                )


class _Signatures(beam.DoFn):  # type: ignore[misc]
    """Batches of (rank, doc, weight) -> (rank, scope, signature bytes, doc, weight) with the kernel."""

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self.hasher: MinHasher | None = None

    def setup(self) -> None:
        self.hasher = MinHasher(num_perm=self.cfg.num_perm, ngram=self.cfg.ngram, seed=self.cfg.seed)

    def process(self, batch: list[tuple[str, Document, int]]) -> Iterator[tuple[str, str, bytes, Document, int]]:
        assert self.hasher is not None
        sigs = self.hasher.signatures([doc.text for _, doc, _ in batch])
        for (rank, doc, weight), sig in zip(batch, sigs, strict=True):
            yield rank, _scope(_lang_of(doc), self.cfg.scope), sig.astype("<u8").tobytes(), doc, weight


def _band_entries(node: tuple[str, str, bytes], bands: int, rows: int) -> Iterator[tuple[bytes, str]]:
    rank, scope, sig = node
    for key in lsh.band_keys(np.frombuffer(sig, dtype="<u8"), bands, rows):
        yield scope.encode("utf-8") + b"\0" + key, rank


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
    """Join back to documents: centres kept with their cluster size, leaves rejected as dedup.near."""

    def __init__(self) -> None:
        self.rejected = Metrics.counter("altedic", "dedup_near_rejected")
        self.kept = Metrics.counter("altedic", "dedup_kept")

    def process(self, element: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Any]:
        _, groups = element
        # No "doc" entry: a previous output's document, not part of this run's output.
        for sig, doc, weight in groups["doc"]:
            labels = list(groups["label"])
            totals = list(groups["total"])
            centre = labels[0] if labels else None
            if centre is not None:
                self.rejected.inc()
                where = " (already released)" if ex.is_previous(centre) else ""
                detail = f"near duplicate of {ex.id_of(centre)}{where}"
                yield beam.pvalue.TaggedOutput(REJECTED, copy.copy(doc).reject("dedup.near", detail, ex.id_of(centre)))
            else:
                self.kept.inc()
                yield _set_size(doc, totals[0] if totals else weight, sig)


def _signature_row(item: tuple[Document, bytes | None], scope_mode: str) -> dict[str, Any]:
    doc, sig = item
    return {"id": doc.id, "lang": _lang_of(doc), "exact_key": ex.exact_key(doc.text), "signature": sig}


def _previous_rows(prev: str) -> beam.PTransform:
    pattern = FileSystems.join(dedup_dir(prev), f"{SIGNATURE_FILE_PREFIX}-*.parquet")
    return beam.io.ReadFromParquet(pattern)


#: Signature rows per file (about 1 KB each with 112 permutations).
SIGNATURE_ROWS_PER_FILE = 100_000


def _signature_shard(doc_id: str, count: int) -> tuple[int, int]:
    """(shard, number of shards) of a signature row: by id hash, so the files do not depend on
    the order rows arrive in (runner, worker count)."""
    n = max(1, -(-count // SIGNATURE_ROWS_PER_FILE))
    return int(doc_id[:12], 16) % n, n


class _WriteSignatureShard(beam.DoFn):  # type: ignore[misc]
    """One signature file, rows sorted by id: byte-identical whatever the runner."""

    def __init__(self, target: str) -> None:
        self.target = target

    def process(self, element: tuple[tuple[int, int], Iterable[dict[str, Any]]]) -> Iterator[str]:
        import io

        import pyarrow.parquet as pq

        (shard, n), rows = element
        table = pa.Table.from_pylist(sorted(rows, key=lambda r: r["id"]), schema=SIGNATURE_SCHEMA)
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="zstd")
        path = FileSystems.join(self.target, f"{SIGNATURE_FILE_PREFIX}-{shard:05d}-of-{n:05d}.parquet")
        with FileSystems.create(path) as fh:
            fh.write(buf.getvalue())
        yield path


class _WriteParams(beam.DoFn):  # type: ignore[misc]
    def __init__(self, path: str, params: dict[str, Any]) -> None:
        self.path = path
        self.params = params

    def process(self, _: Any) -> Iterator[str]:
        with FileSystems.create(self.path) as fh:
            fh.write(json.dumps(self.params, sort_keys=True, indent=1).encode("utf-8"))
        yield self.path


class Deduplicate(beam.PTransform):  # type: ignore[misc]
    """Exact + near-duplicate removal; see the module docstring.

    ``config`` is the recipe's ``stages.dedup`` (validated here: ConfigError before any work),
    ``out_dir`` the run's (staging) output directory: signatures of the kept documents go to
    ``<out_dir>/dedup/``. :meth:`expand` returns ``{"kept": ..., "rejected": ...}``: kept
    documents with ``cluster_size`` (documents they stand for, exact and near, themselves
    included), rejected ones with reason ``dedup.exact``/``dedup.near`` and ``duplicate_of``.
    """

    def __init__(self, config: dict[str, Any], out_dir: str) -> None:
        super().__init__()
        self.cfg = DedupConfig.from_dict(config)
        self.out_dir = out_dir
        check_previous(self.cfg)
        if self.cfg.near:
            log.info(
                "dedup: MinHash %d bands x %d rows (%d permutations, word %d-grams): implied LSH "
                "threshold (1/b)^(1/r) = %.3f; verification %s at Jaccard %.2f; scope %s",
                self.cfg.bands, self.cfg.rows, self.cfg.num_perm, self.cfg.ngram,
                lsh.implied_threshold(self.cfg.bands, self.cfg.rows), self.cfg.verify,
                self.cfg.threshold, self.cfg.scope,
            )  # fmt: skip

    def expand(self, docs: beam.PCollection) -> dict[str, beam.PCollection]:
        cfg = self.cfg
        pipeline = docs.pipeline
        priority, qkey, scope_mode = cfg.source_priority, cfg.quality_key, cfg.scope

        ranked = docs | "RankKey" >> beam.Map(lambda d: (ex.doc_rank_key(d, priority, qkey), d))

        previous = [pipeline | f"ReadPrevious{i}" >> _previous_rows(prev) for i, prev in enumerate(cfg.previous)]
        prev_rows = (previous | "FlattenPrevious" >> beam.Flatten()) if previous else None

        rejected_parts: list[beam.PCollection] = []

        # ---- exact -------------------------------------------------------------------------
        if cfg.exact:
            cur = ranked | "ExactKey" >> beam.Map(
                lambda kd: ((_scope(_lang_of(kd[1]), scope_mode), ex.exact_key(kd[1].text)), (kd[0], kd[1]))
            )
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
            rejected_parts.append(resolved[REJECTED])
        else:
            survivors = ranked | "Weight1" >> beam.Map(lambda kd: (kd[0], kd[1], 1))

        # ---- near --------------------------------------------------------------------------
        if not cfg.near:
            kept_with_sig = survivors | "KeepAll" >> beam.Map(lambda t: _set_size(t[1], t[2], None))
        else:
            signed = (
                survivors
                | "Batch" >> beam.BatchElements(min_batch_size=min(64, cfg.batch_size), max_batch_size=cfg.batch_size)
                | "MinHash" >> beam.ParDo(_Signatures(cfg))
            )
            nodes = signed | "Nodes" >> beam.Map(lambda s: (s[0], s[1], s[2]))
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
                all_nodes = (nodes, prev_nodes) | "FlattenNodes" >> beam.Flatten()
            else:
                all_nodes = nodes

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
                with_text = cfg.verify == "exact"
                current_payload = signed | "CurPayload" >> beam.Map(
                    lambda s: (s[0], (s[2], s[3].text if with_text else None))
                )
                payload = current_payload
                if prev_rows is not None:
                    payload = (
                        current_payload,
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
            weights = signed | "Weights" >> beam.Map(lambda s: (s[0], s[4]))
            totals = (
                {"weight": weights, "label": leaf_labels}
                | "JoinWeights" >> beam.CoGroupByKey()
                | "Membership" >> beam.FlatMap(_membership)
                | "GroupComponents" >> beam.GroupByKey()
                | "Totals" >> beam.FlatMap(_totals)
            )
            doc_side = signed | "DocSide" >> beam.Map(lambda s: (s[0], (s[2], s[3], s[4])))
            decided = (
                {"doc": doc_side, "label": leaf_labels, "total": totals}
                | "JoinDecide" >> beam.CoGroupByKey()
                | "Decide" >> beam.ParDo(_Decide()).with_outputs(REJECTED, main=KEPT)
            )
            kept_with_sig = decided[KEPT]
            rejected_parts.append(decided[REJECTED])

        kept = kept_with_sig | "KeptDocs" >> beam.Map(lambda t: t[0])

        # ---- OUT/dedup/: what this run releases, for later runs' `previous` --------------------
        target = dedup_dir(self.out_dir)
        rows = kept_with_sig | "SignatureRows" >> beam.Map(_signature_row, scope_mode)
        count = rows | "CountSignatures" >> beam.combiners.Count.Globally()
        (
            rows
            | "SignatureShard"
            >> beam.Map(lambda r, n: (_signature_shard(r["id"], n), r), n=beam.pvalue.AsSingleton(count))
            | "GroupSignatureShard" >> beam.GroupByKey()
            | "WriteSignatures" >> beam.ParDo(_WriteSignatureShard(target))
        )
        # A run that keeps nothing still writes one (empty) signature file for later runs to read.
        (
            pipeline
            | "EmptySeed" >> beam.Create([None])
            | "IfNoSignatures"
            >> beam.FlatMap(lambda _, c: [((0, 1), [])] if c == 0 else [], c=beam.pvalue.AsSingleton(count))
            | "WriteEmptySignatures" >> beam.ParDo(_WriteSignatureShard(target))
        )
        (
            pipeline
            | "ParamsSeed" >> beam.Create([None])
            | "WriteParams" >> beam.ParDo(_WriteParams(FileSystems.join(target, PARAMS_FILE), cfg.signature_params()))
        )

        if rejected_parts:
            rejected = rejected_parts | "FlattenRejected" >> beam.Flatten()
        else:
            rejected = pipeline | "NoRejected" >> beam.Create([])
        return {KEPT: kept, REJECTED: rejected}


def _set_size(doc: Document, size: int, sig: bytes | None) -> tuple[Document, bytes | None]:
    doc = copy.copy(doc)  # never mutate a pipeline element in place (Beam's immutability rule)
    doc.cluster_size = size
    return doc, sig


__all__ = ["KEPT", "REJECTED", "SIGNATURE_SCHEMA", "Deduplicate", "dedup_dir"]
