"""The steps of the dedup core (:class:`altedic.beam.dedup.DedupCore`) as plain functions, and
:func:`local_verdicts`, which runs them all in one process.

No Apache Beam here. :class:`~altedic.beam.dedup.DedupCore` wires these steps with one shuffle
per change of key, so that a distributed runner spreads the partitions over its workers. On the
in-process runner every shuffle stays in the one runner process anyway, and Beam's own work per
stage (encoding the lists and tables between stages, one bundle per stage and key) cost about
as much as the steps themselves: 14 stages after the read step, on one core while the other
waits. :func:`local_verdicts` groups by the same keys in dictionaries and calls the same
functions in the same order per key, so the verdicts are the same set (tested against the Beam
wiring); ``altedic run`` uses it on the in-process runner (see ``DedupCore(in_process=...)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from altedic.beam import spill
from altedic.beam.nodes import parse_previous_loc
from altedic.dedup import batches as bt
from altedic.dedup import exact as ex
from altedic.dedup import lsh
from altedic.dedup.batches import Verdict
from altedic.dedup.config import DedupConfig
from altedic.dedup.minhash import shingle_hashes


def exact_parts(table: pa.Table, partitions: int) -> Iterator[tuple[int, pa.Table]]:
    """Nodes -> tables by partition of their exact key (where equal texts meet)."""
    return bt.split(table, bt.hex_partition(table[bt.EXACT].to_pylist(), partitions), partitions)


def fetch_payloads(loc: str, lists: Iterable[list[bt.Need]], with_text: bool) -> list[tuple[int, list[Any]]]:
    """One spill chunk, or one signature file of a previous output, and the ends needed from it
    -> per pair partition ``q``, the payloads (signature, and text when ``with_text``) of those
    ends: the chunk is read once. A previous output's texts are read from the data shard its
    signature file was written next to, only the row groups holding the ends (text None when
    there is no such shard: :func:`similar` then estimates)."""
    needs = sorted({n for items in lists for n in items})
    by_id = {ex.id_of(r): r for r, _ in needs}
    previous = parse_previous_loc(loc)
    if previous is None:
        table = spill.read_ids(loc, set(by_id), [spill.SIG] + (["text"] if with_text else []))
        ids = table["id"].to_pylist()
        sigs = table[spill.SIG].to_pylist()
        texts = table["text"].to_pylist() if with_text else [None] * len(ids)
    else:
        sig_file, data_shard = previous
        table = spill.read_ids(sig_file, set(by_id), ["signature"]).sort_by("id")
        ids = table["id"].to_pylist()
        sigs = table["signature"].to_pylist()
        text_of: dict[str, Any] = {}
        if with_text and data_shard is not None and ids:
            shard = spill.read_ids(data_shard, set(ids), ["text"])
            text_of = dict(zip(shard["id"].to_pylist(), shard["text"].to_pylist(), strict=True))
        texts = [text_of.get(i) for i in ids]
    payloads = ((by_id[i], (sig, text)) for i, sig, text in zip(ids, sigs, texts, strict=True) if sig is not None)
    routed = bt.route_payloads(payloads, needs)
    return sorted(routed.items())


def similar(cfg: DedupConfig, pa_: bt.Payload, pb: bt.Payload) -> bool | str:
    """Is a candidate pair a near duplicate: exact Jaccard of the shingle sets when the recipe
    verifies exactly (both texts are at hand: this run's from its spill chunks, a previous
    output's from its data shards), else the signatures' estimate. A pair accepted on the
    estimate although the recipe verifies exactly (a previous output without data shards) is
    :data:`bt.ESTIMATED`, so that its verdict says so."""
    exact = cfg.verify == "exact"
    if exact and pa_[1] is not None and pb[1] is not None:
        sim = lsh.exact_jaccard(shingle_hashes(pa_[1], cfg.ngram), shingle_hashes(pb[1], cfg.ngram))
        return bool(sim >= cfg.threshold)
    sim = lsh.estimated_jaccard(np.frombuffer(pa_[0], dtype="<u8"), np.frombuffer(pb[0], dtype="<u8"))
    if sim < cfg.threshold:
        return False
    return bt.ESTIMATED if exact else True


def components(items: Iterable[tuple[str, list[Any]]]) -> tuple[list[Verdict], list[bt.Move]]:
    """Every verified edge list (``e``), the pairs' ends' infos (``n``) and the weighted
    survivors (``w``) -> (near verdicts and cluster sizes, the exact representatives removed as
    near duplicates) (:func:`bt.component_results`)."""
    edges: list[bt.Edge] = []
    infos: dict[str, bt.Info] = {}
    weighted: dict[str, bt.Info] = {}
    for kind, values in items:
        if kind == "e":
            edges.extend(values)
        elif kind == "n":
            for rank, (_loc, group, nbytes, weight) in values:
                infos[rank] = (group, nbytes, weight)
        else:
            weighted.update(values)
    return bt.component_results(edges, infos, weighted)


def distinct_pairs(lists: Iterable[Iterable[tuple[str, str]]]) -> list[bt.Edge]:
    """One pair partition's lists of candidate pairs -> its distinct pairs, sorted (the edges
    when the recipe verifies nothing)."""
    seen: set[bt.Edge] = set()
    for items in lists:
        seen.update(items)
    return sorted(seen)


#: The counters :func:`local_verdicts` returns (Beam counters ``dedup_<name>``, as the Beam wiring's).
COUNTERS = ("exact_rejected", "candidate_pairs", "pairs_verified", "pairs_similar", "near_rejected")


def local_verdicts(tables: Iterable[pa.Table], cfg: DedupConfig) -> tuple[list[list[Verdict]], dict[str, int]]:
    """All node tables of a run -> (the verdict lists, the counters), in this process.

    The same steps as :class:`~altedic.beam.dedup.DedupCore` (its module docstring has the
    flow), each key's step fed what the shuffle would have given it. Not for runs with
    ``previous`` outputs (their signatures are read by Beam): the caller keeps the Beam wiring
    for those.
    """
    if cfg.previous:
        raise ValueError("local_verdicts does not read previous outputs; use DedupCore's Beam wiring")
    parts_n = cfg.partitions
    verdicts: list[list[Verdict]] = []
    counts = dict.fromkeys(COUNTERS, 0)
    nodes = [t.select(bt.NODE_SCHEMA.names) for t in tables if t.num_rows]
    if not nodes:
        return verdicts, counts
    # one table, cut once per key (a cut per table and partition cost more than the cutting)
    table = pa.concat_tables(nodes)
    del nodes

    # dedup.exact verdicts wait for the components step when near dedup is on: it may remove
    # their representative, and they must then name the kept document it duplicates instead
    exact_rejected: list[list[Verdict]] = []
    if cfg.exact:
        kept_parts: list[pa.Table] = []
        for _p, part in exact_parts(table, parts_n):  # one partition per key: nothing to group
            kept, rejected = bt.resolve_exact([part])
            counts["exact_rejected"] += len(rejected)
            if rejected:
                exact_rejected.append(rejected)
            if kept.num_rows:
                kept_parts.append(kept)
        survivors = pa.concat_tables(kept_parts) if kept_parts else bt.SURVIVOR_SCHEMA.empty_table()
    else:
        survivors = bt.with_weight(table, 1)
    del table

    if not cfg.near:
        verdicts.extend(exact_rejected)
        items = list(bt.size_verdicts(survivors))
        if items:
            verdicts.append(items)
        return verdicts, counts

    # LSH buckets -> candidate pairs, by the partition q where they are verified, and the ends
    # each rank partition must look up
    pair_lists: dict[int, list[list[tuple[str, str]]]] = {}
    end_lists: dict[int, list[list[bt.Need]]] = {}
    for _p, entries in bt.band_entries(survivors, cfg.bands, parts_n):
        pairs = bt.bucket_candidates([entries], cfg.max_bucket_pairs, cfg.bucket_window)
        counts["candidate_pairs"] += len(pairs)
        by_q, needs = bt.pair_parts(pairs, parts_n)
        for q in sorted(by_q):
            pair_lists.setdefault(q, []).append(by_q[q])
        for r in sorted(needs):
            end_lists.setdefault(r, []).append(needs[r])

    # the ends' infos (for the components) and which spill chunk holds each end's payload
    infos_by_part = {p: [part] for p, part in bt.info_parts(survivors, parts_n)}
    end_infos: list[list[Any]] = []
    requests: dict[str, list[list[bt.Need]]] = {}
    for p in sorted(end_lists):
        infos, routes = bt.end_routes(end_lists[p], infos_by_part.get(p, []))
        if infos:
            end_infos.append(infos)
        for loc in sorted(r for r in routes if r is not None):
            requests.setdefault(loc, []).append(routes[loc])
    del infos_by_part

    edge_lists: list[list[bt.Edge]] = []
    if cfg.verify == "none":
        edge_lists = [distinct_pairs(pair_lists[q]) for q in sorted(pair_lists)]
    else:
        payloads: dict[int, list[list[Any]]] = {}
        for loc in sorted(requests):
            for q, items in fetch_payloads(loc, requests[loc], cfg.verify == "exact"):
                payloads.setdefault(q, []).append(items)
        for q in sorted(pair_lists):
            edges, checked = bt.verify_pairs(pair_lists[q], payloads.get(q, []), lambda a, b: similar(cfg, a, b))
            counts["pairs_verified"] += checked
            counts["pairs_similar"] += len(edges)
            if edges:
                edge_lists.append(edges)

    tagged: list[tuple[str, list[Any]]] = [("e", e) for e in edge_lists]
    tagged += [("n", n) for n in end_infos] + [("w", list(bt.weighted(survivors)))]
    near, moves = components(tagged)
    counts["near_rejected"] = sum(1 for v in near if v[3] is not None)
    # (the Beam wiring joins them by partition of the representative's id; here all at once)
    verdicts.extend(bt.repoint_exact(rejected, moves) for rejected in exact_rejected)
    if near:
        verdicts.append(near)
    return verdicts, counts


__all__ = ["COUNTERS", "components", "distinct_pairs", "exact_parts", "fetch_payloads", "local_verdicts", "similar"]
