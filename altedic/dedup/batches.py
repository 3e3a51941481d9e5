"""Dedup on batches of nodes (Arrow tables): the plain logic behind :mod:`altedic.beam.dedup`.

A *node* is the small record the dedup stage works on for one document (never its text): rank
key, scope, exact key, LSH band keys (made from the MinHash signature on the worker that
computed it), the spill chunk holding the document, its output group
and size. Nodes travel in Arrow tables of a few hundred to a few thousand rows, so that a
shuffle moves a few hundred elements instead of one per document and band (the per-element cost
of a Beam runner was most of the stage's time: 1.4 million band entries per 100,000 documents).

Every function here is deterministic in its input *set*: tables are sorted by content before
any choice, so the result does not depend on how rows were batched or in which order batches
arrived.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from altedic.dedup import exact as ex
from altedic.dedup import lsh
from altedic.dedup.minhash import EMPTY

RANK, SCOPE, EXACT, BANDS, LOC, GROUP, NBYTES, WEIGHT = (
    "rank",
    "scope",
    "exact",
    "bands",
    "loc",
    "group",
    "nbytes",
    "weight",
)

#: One node per row. ``loc``/``group`` are null and ``nbytes`` 0 for a previous output's document.
NODE_SCHEMA = pa.schema(
    [
        pa.field(RANK, pa.string(), nullable=False),
        pa.field(SCOPE, pa.string(), nullable=False),
        pa.field(EXACT, pa.string()),
        pa.field(BANDS, pa.binary()),  # the band keys, little-endian uint64; null: no words or near off
        pa.field(LOC, pa.string()),
        pa.field(GROUP, pa.string()),
        pa.field(NBYTES, pa.int64(), nullable=False),
    ]
)
#: Nodes that survived exact dedup, with their weight (documents they stand for; 0 = previous).
SURVIVOR_SCHEMA = NODE_SCHEMA.append(pa.field(WEIGHT, pa.int64(), nullable=False))
BAND, KEY = "band", "key"
#: One row per (node, band): what the LSH shuffle moves.
BAND_SCHEMA = pa.schema(
    [
        pa.field(SCOPE, pa.string(), nullable=False),
        pa.field(BAND, pa.int16(), nullable=False),
        pa.field(KEY, pa.uint64(), nullable=False),
        pa.field(RANK, pa.string(), nullable=False),
    ]
)
#: What the components step and the payload fetch need of a candidate pair's end.
INFO_COLUMNS = [RANK, LOC, GROUP, NBYTES, WEIGHT]

#: A verdict: (document id, group, row bytes, reason or None, detail, duplicate_of, cluster_size).
Verdict = tuple[str, str, int, Any, Any, Any, Any]
#: What the components step needs of a node: (group or None for a previous output's document,
#: row bytes, weight).
Info = tuple[Any, int, int]
#: An exact group's representative that the keep-or-remove step removed as a near duplicate:
#: (its id, the id of the kept document it duplicates, the end of the near verdict's detail
#: after that id: "", :data:`ESTIMATE` and/or :data:`RELEASED`).
Move = tuple[str, str, str]


def nodes_table(rows: list[tuple[Any, ...]]) -> pa.Table:
    """Node tuples ``(rank, scope, exact, bands, loc, group, nbytes)`` -> a NODE_SCHEMA table."""
    cols: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in NODE_SCHEMA]
    return pa.Table.from_arrays(
        [pa.array(c, f.type) for c, f in zip(cols, NODE_SCHEMA, strict=True)], schema=NODE_SCHEMA
    )


def hex_partition(keys: Iterable[str], partitions: int) -> np.ndarray:
    """Partition of hex digests (exact keys): their first 12 hex digits modulo ``partitions``."""
    return np.fromiter((int(k[:12], 16) % partitions for k in keys), dtype=np.int64)


def rank_partition(rank: str, partitions: int) -> int:
    """Partition of a rank key: from the hex digits of its document id (uniformly spread)."""
    return id_partition(ex.id_of(rank), partitions)


def id_partition(doc_id: str, partitions: int) -> int:
    """Partition of a document id (that of its rank key, :func:`rank_partition`)."""
    try:
        return int(doc_id[:12], 16) % partitions
    except ValueError:  # an id that is not hex (a user's own ids)
        import xxhash

        return xxhash.xxh3_64_intdigest(doc_id.encode("utf-8", "surrogatepass")) % partitions


def split(table: pa.Table, parts: np.ndarray, partitions: int) -> Iterator[tuple[int, pa.Table]]:
    """``table`` cut into one sub-table per partition number in ``parts`` (empty ones omitted).

    Each sub-table is a copy (``take``), not a slice: a pickled slice would carry its parent's
    whole buffers through the shuffle.
    """
    if table.num_rows == 0:
        return
    order = np.argsort(parts, kind="stable")
    counts = np.bincount(parts, minlength=partitions)
    start = 0
    for p in range(partitions):
        n = int(counts[p])
        if n:
            yield p, table.take(pa.array(order[start : start + n]))
            start += n


def _runs(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and lengths of runs of equal rows in already sorted parallel columns."""
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for col in columns:
        change[1:] |= col[1:] != col[:-1]
    starts = np.flatnonzero(change)
    lengths = np.diff(np.append(starts, n))
    return starts, lengths


def _codes(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Integer codes of a string column, ordered like the strings (so sorting by codes sorts by value)."""
    if len(column) == 0:
        return np.zeros(0, np.int64)
    # Dense ranks: equal strings share a code, codes follow the strings' (byte) order, nulls last.
    ranks = pc.rank(column, sort_keys="ascending", tiebreaker="dense")  # nulls: at the end by default
    return ranks.to_numpy().astype(np.int64)


_PREVIOUS_PREFIX = f"{ex.PREVIOUS_PRIORITY:0{ex.PRIORITY_WIDTH}d}"
#: The end of a verdict's detail when ``duplicate_of`` is a previous output's document.
RELEASED = " (already released)"
#: What ``similar`` answers for a pair it accepted on the signatures' estimate although the
#: recipe verifies exactly (a previous output's document whose text is not at hand), and how the
#: detail says so (docs/dedup.md).
ESTIMATED = "estimated"
ESTIMATE = ", by the signatures' estimate"


def resolve_exact(tables: Iterable[pa.Table]) -> tuple[pa.Table, list[Verdict]]:
    """Exact-duplicate groups of one partition -> (survivors with weight, rejections).

    ``tables`` hold nodes of this run and of previous outputs (``loc`` and ``group`` null, nbytes
    0). In a group of equal exact key (whatever the scope: an exact copy is a copy in any
    language label), the smallest rank key survives with the number
    of this run's members as weight; every other member of this run is rejected as
    ``dedup.exact``. A group led by a previous output's document has no survivor of this run.

    The rejections name the group's survivor as ``duplicate_of``. When near dedup is on, that
    survivor may itself be removed as a near duplicate; :func:`repoint_exact` then moves them to
    the document kept for the component (``duplicate_of`` must name a released document).
    """
    table = pa.concat_tables([t.select(NODE_SCHEMA.names) for t in tables]).combine_chunks()
    if table.num_rows == 0:
        return SURVIVOR_SCHEMA.empty_table(), []
    # Exact copies are one group whatever their scope: with scope language, the same text
    # labelled de in one source and nl in another (the language stage trusting each declaration)
    # was kept twice. A translation is never an exact copy, so the scope only matters to near
    # duplicates.
    table = table.sort_by([(EXACT, "ascending"), (RANK, "ascending")])
    starts, lengths = _runs(_codes(table[EXACT]))
    # Groups of one are most nodes: vectorised, the same rule as the loop below (a previous
    # output's lone document has no survivor; weight = 1 if the node is this run's, else 0).
    single = lengths == 1
    lone = starts[single]
    previous = pc.equal(pc.utf8_slice_codeunits(table[RANK], 0, ex.PRIORITY_WIDTH), _PREVIOUS_PREFIX)
    lone = lone[~previous.to_numpy(zero_copy_only=False)[lone]]
    weight_at = pc.is_valid(table[GROUP]).to_numpy(zero_copy_only=False)[lone].astype(np.int64)
    multi_starts, multi_lengths = starts[~single], lengths[~single]
    rows = np.repeat(multi_starts - np.cumsum(multi_lengths) + multi_lengths, multi_lengths) + np.arange(
        int(multi_lengths.sum())
    )
    sub = table.take(pa.array(rows, pa.int64()))
    ranks = sub[RANK].to_pylist()
    groups = sub[GROUP].to_pylist()
    nbytes = sub[NBYTES].to_pylist()
    keep: list[int] = []
    weights: list[int] = []
    rejected: list[Verdict] = []
    at = 0
    for s0, n in zip(multi_starts.tolist(), multi_lengths.tolist(), strict=True):
        s = at  # the group's first row in ``sub`` (``s0`` in ``table``)
        at += n
        best = ranks[s]
        members = [i for i in range(s, s + n) if groups[i] is not None]  # this run's documents
        if not ex.is_previous(best):
            keep.append(s0)
            weights.append(len(members))
        where = RELEASED if ex.is_previous(best) else ""
        detail = f"same normalised text as {ex.id_of(best)}{where}"
        for i in members:
            if i != s:
                rejected.append((ex.id_of(ranks[i]), groups[i], nbytes[i], "dedup.exact", detail, ex.id_of(best), None))
    # survivors in table order (the order of their groups), as a group-by-group loop keeps them
    at_all = np.concatenate([lone, np.array(keep, np.int64)])
    w_all = np.concatenate([weight_at, np.array(weights, np.int64)])
    order = np.argsort(at_all, kind="stable")
    survivors = table.take(pa.array(at_all[order], pa.int64())).append_column(
        WEIGHT, pa.array(w_all[order], pa.int64())
    )
    return survivors, rejected


def with_weight(table: pa.Table, weight: int) -> pa.Table:
    """Nodes as survivors of weight ``weight`` (exact dedup off; previous outputs: 0)."""
    return table.select(NODE_SCHEMA.names).append_column(WEIGHT, pa.array(np.full(table.num_rows, weight), pa.int64()))


def weighted(survivors: pa.Table) -> Iterator[tuple[str, Info]]:
    """Survivors of this run standing for more than themselves: (rank, (group, nbytes, weight))."""
    for rank, group, nbytes, weight in zip(
        survivors[RANK].to_pylist(),
        survivors[GROUP].to_pylist(),
        survivors[NBYTES].to_pylist(),
        survivors[WEIGHT].to_pylist(),
        strict=True,
    ):
        if group is not None and weight != 1:
            yield rank, (group, nbytes, weight)


def size_verdicts(survivors: pa.Table) -> Iterator[Verdict]:
    """Cluster sizes other than 1 of survivors that no near-duplicate step will revisit."""
    for rank, (group, nbytes, weight) in weighted(survivors):
        yield (ex.id_of(rank), group, nbytes, None, None, None, weight)


def band_keys_of(signatures: np.ndarray, bands: int, rows: int) -> list[bytes | None]:
    """Rows of an ``(n, num_perm)`` signature matrix -> their band keys as bytes (``bands``
    little-endian uint64), or None for the empty signature (a text without words: left to exact
    dedup)."""
    keys = lsh.band_key_matrix(signatures, bands, rows).astype("<u8")
    empty = (signatures[:, 0] == np.uint64(EMPTY)).tolist()
    return [None if e else k.tobytes() for e, k in zip(empty, keys, strict=True)]


def band_key_bytes(signatures: list[bytes | None], bands: int, rows: int) -> list[bytes | None]:
    """Stored signatures (little-endian uint64 bytes, or None) -> :func:`band_keys_of`."""
    out: list[bytes | None] = [None] * len(signatures)
    idx = [i for i, s in enumerate(signatures) if s is not None]
    if idx:
        sigs = np.stack([np.frombuffer(signatures[i], dtype="<u8") for i in idx])  # type: ignore[arg-type]
        for i, k in zip(idx, band_keys_of(sigs, bands, rows), strict=True):
            out[i] = k
    return out


def band_entries(survivors: pa.Table, bands: int, partitions: int) -> Iterator[tuple[int, pa.Table]]:
    """Survivors -> their LSH band entries (BAND_SCHEMA), cut by partition of the band key.

    Nodes without band keys (no words, or near dedup off) have no entries.
    """
    table = survivors.filter(pc.is_valid(survivors[BANDS])) if survivors[BANDS].null_count else survivors
    n = table.num_rows
    if n == 0:
        return
    raw = table[BANDS].combine_chunks()
    offsets = np.frombuffer(raw.buffers()[1], dtype=np.int32)[raw.offset : raw.offset + n + 1]
    if (np.diff(offsets) != bands * 8).any():
        raise ValueError(f"band keys must hold {bands} 8-byte values (made with other bands settings?)")
    keys = np.frombuffer(raw.buffers()[2], dtype="<u8", count=n * bands, offset=int(offsets[0])).reshape(n, bands)
    base = table.select([SCOPE, RANK]).take(pa.array(np.repeat(np.arange(n), bands)))
    entries = pa.Table.from_arrays(
        [
            base[SCOPE],
            pa.array(np.tile(np.arange(bands, dtype=np.int16), n)),
            pa.array(keys.ravel().astype(np.uint64)),
            base[RANK],
        ],
        schema=BAND_SCHEMA,
    )
    parts = (keys.ravel() % np.uint64(partitions)).astype(np.int64)
    yield from split(entries, parts, partitions)


def bucket_candidates(tables: Iterable[pa.Table], max_pairs: int, window: int) -> list[tuple[str, str]]:
    """Band entries of one partition -> candidate pairs.

    A bucket is one (scope, band, key); its members' pairs are :func:`lsh.bucket_pairs` (all
    pairs up to ``max_pairs`` members, a sorted window beyond). Pairs are ``(smaller, larger)``
    rank keys, sorted, without repeats.
    """
    table = pa.concat_tables(list(tables)).combine_chunks()
    pairs: set[tuple[str, str]] = set()
    if table.num_rows < 2:
        return []
    scope = _codes(table[SCOPE])
    band = table[BAND].to_numpy()
    key = table[KEY].to_numpy()
    order = np.lexsort((key, band, scope))
    starts, lengths = _runs(scope[order], band[order], key[order])
    multi = lengths >= 2
    if not multi.any():
        return []
    starts, lengths = starts[multi], lengths[multi]
    # The rows of buckets with several members, bucket after bucket.
    rows = np.concatenate([order[s : s + n] for s, n in zip(starts.tolist(), lengths.tolist(), strict=True)])
    ranks = table[RANK].take(pa.array(rows)).to_pylist()
    at = 0
    for n in lengths.tolist():
        members = ranks[at : at + n]
        pairs.update(lsh.bucket_pairs(members, max_pairs, window))
        at += n
    return sorted(pairs)


def info_parts(survivors: pa.Table, partitions: int) -> Iterator[tuple[int, pa.Table]]:
    """The survivors' INFO_COLUMNS, cut by partition of the rank key (to meet the pairs' ends)."""
    table = survivors.select(INFO_COLUMNS)
    parts = np.fromiter((rank_partition(r, partitions) for r in table[RANK].to_pylist()), np.int64, table.num_rows)
    yield from split(table, parts, partitions)


def end_infos(ends: set[str], tables: Iterable[pa.Table]) -> Iterator[tuple[str, tuple[Any, Any, int, int]]]:
    """The rows of ``tables`` (INFO_COLUMNS) whose rank is in ``ends``: (rank, (loc, group, nbytes, weight))."""
    if not ends:
        return
    wanted = pa.array(sorted(ends), pa.string())
    for table in tables:
        hit = table.filter(pc.is_in(table[RANK], value_set=wanted))
        yield from zip(
            hit[RANK].to_pylist(),
            zip(
                hit[LOC].to_pylist(),
                hit[GROUP].to_pylist(),
                hit[NBYTES].to_pylist(),
                hit[WEIGHT].to_pylist(),
                strict=True,
            ),
            strict=True,
        )


#: A verified near-duplicate pair (smaller rank key first), with :data:`ESTIMATED` as a third
#: item when exact verification fell back on the signatures' estimate.
Edge = tuple[str, ...]
#: What verification needs of a candidate pair's end: (rank key, partition of the pair that needs it).
Need = tuple[str, int]
#: What verification compares: (MinHash signature bytes, text or None).
Payload = tuple[bytes, Any]


def pair_parts(
    pairs: Iterable[tuple[str, str]], partitions: int
) -> tuple[dict[int, list[tuple[str, str]]], dict[int, list[Need]]]:
    """Candidate pairs -> (pairs by the partition ``q`` of their first rank key, where they are
    verified; the ends each ``q`` needs, ``(rank, q)``, by the partition of the end's own rank
    key, where its chunk is known). Both sorted, without repeats. Pairs of two previous outputs'
    documents are dropped: both are released, whatever their similarity."""
    by_q: dict[int, set[tuple[str, str]]] = {}
    needs: dict[int, set[Need]] = {}
    part: dict[str, int] = {}
    for u, v in pairs:
        if ex.is_previous(v):  # both released (u < v): kept whatever their similarity
            continue
        pu = part.get(u)
        if pu is None:
            pu = part[u] = rank_partition(u, partitions)
        pv = part.get(v)
        if pv is None:
            pv = part[v] = rank_partition(v, partitions)
        by_q.setdefault(pu, set()).add((u, v))
        needs.setdefault(pu, set()).add((u, pu))
        needs.setdefault(pv, set()).add((v, pu))
    return {q: sorted(s) for q, s in by_q.items()}, {p: sorted(s) for p, s in needs.items()}


def end_routes(
    needs: Iterable[Iterable[Need]], tables: Iterable[pa.Table]
) -> tuple[list[tuple[str, tuple[Any, Any, int, int]]], dict[Any, list[Need]]]:
    """One rank partition: the ends its pairs need + the survivors' info tables (INFO_COLUMNS)
    -> (every end's (rank, (loc, group, nbytes, weight)), once, sorted; the needs by the chunk
    that holds the end's payload, ``None`` for a previous output's document, sorted)."""
    wanted: set[Need] = set()
    for items in needs:
        wanted.update(items)
    infos: dict[str, tuple[Any, Any, int, int]] = {}
    for rank, info in end_infos({rank for rank, _ in wanted}, tables):
        infos.setdefault(rank, info)  # a document is one node; guard against a repeated table
    routes: dict[Any, list[Need]] = {}
    for rank, q in sorted(wanted):
        if rank in infos:
            routes.setdefault(infos[rank][0], []).append((rank, q))
    return sorted(infos.items()), routes


def route_payloads(
    payloads: Iterable[tuple[str, Payload]], needs: Iterable[Need]
) -> dict[int, list[tuple[str, Payload]]]:
    """Payloads read for some ends -> the lists each pair partition ``q`` needs."""
    got = dict(payloads)
    out: dict[int, list[tuple[str, Payload]]] = {}
    for rank, q in needs:
        if rank in got:
            out.setdefault(q, []).append((rank, got[rank]))
    return out


def verify_pairs(
    pair_lists: Iterable[Iterable[tuple[str, str]]],
    payload_lists: Iterable[Iterable[tuple[str, Payload]]],
    similar: Any,
) -> tuple[list[Edge], int]:
    """One pair partition: its candidate pairs and their ends' payloads -> (the pairs whose
    payloads ``similar(a, b)`` accepts, sorted, without repeats; how many were compared). A pair
    with an end that has no payload (a previous output's document stored without signature) is
    not compared. A pair ``similar`` accepts with :data:`ESTIMATED` is ``(u, v, ESTIMATED)``."""
    payload: dict[str, Payload] = {}
    for payload_items in payload_lists:
        payload.update(payload_items)
    pairs: set[tuple[str, str]] = set()
    for pair_items in pair_lists:
        pairs.update(pair_items)
    edges: list[Edge] = []
    checked = 0
    for u, v in sorted(pairs):
        pu, pv = payload.get(u), payload.get(v)
        if pu is None or pv is None:
            continue
        checked += 1
        answer = similar(pu, pv)
        if answer == ESTIMATED:
            edges.append((u, v, ESTIMATED))
        elif answer:
            edges.append((u, v))
    return edges, checked


def component_verdicts(edges: Iterable[Edge], infos: dict[str, Info], weighted: dict[str, Info]) -> Iterator[Verdict]:
    """Verified near-duplicate edges -> verdicts (:func:`component_results` without the moves)."""
    yield from component_results(edges, infos, weighted)[0]


def component_results(
    edges: Iterable[Edge], infos: dict[str, Info], weighted: dict[str, Info]
) -> tuple[list[Verdict], list[Move]]:
    """Verified near-duplicate edges -> (verdicts, moves), decided greedily in rank order
    (:func:`altedic.dedup.components.greedy_duplicates`): a document is removed only when it is a
    verified near duplicate of a document already kept (or released), and names the best-ranked
    such document; any other document is kept. In a chain A~B~C (A and C not similar) A and C are
    kept and B names A.

    ``infos``: (group, nbytes, weight) of every edge end (group None: a previous output's
    document, always kept, which gets no verdict); ``weighted``: survivors of exact dedup with a
    weight other than 1, which keep that weight as cluster size if no edge touches them. Removed
    documents are ``dedup.near`` with the kept document they duplicate as ``duplicate_of``; a
    kept document of this run gets its cluster size when not 1: its weight (itself and its exact
    copies) plus the weights of the documents removed naming it, i.e. 1 + the number of
    documents whose ``duplicate_of`` is it. A removed document that stands for exact copies
    (weight above 1) is also a *move*: its copies' ``dedup.exact`` verdicts name it and must name
    its kept document instead (:func:`repoint_exact`).
    """
    from altedic.dedup.components import greedy_duplicates

    edge_list = list(edges)
    dup_of = greedy_duplicates(((e[0], e[1]) for e in edge_list), lambda rank: infos[rank][0] is None)
    estimated = {(e[0], e[1]) for e in edge_list if len(e) > 2 and e[2] == ESTIMATED}
    touched = sorted({n for e in edge_list for n in e[:2]})
    totals: dict[str, int] = {}  # kept document -> its cluster size
    for node in touched:
        centre = dup_of.get(node, node)
        totals[centre] = totals.get(centre, 0) + infos[node][2]
    verdicts: list[Verdict] = []
    moves: list[Move] = []
    for node in touched:
        group, nbytes, weight = infos[node]
        if group is None:
            continue
        kept = dup_of.get(node)
        if kept is not None:
            how = ESTIMATE if (min(node, kept), max(node, kept)) in estimated else ""
            where = how + (RELEASED if ex.is_previous(kept) else "")
            verdicts.append(
                (
                    ex.id_of(node),
                    group,
                    nbytes,
                    "dedup.near",
                    f"near duplicate of {ex.id_of(kept)}{where}",
                    ex.id_of(kept),
                    None,
                )
            )
            if weight > 1:
                moves.append((ex.id_of(node), ex.id_of(kept), where))
        elif totals[node] != 1:
            verdicts.append((ex.id_of(node), group, nbytes, None, None, None, totals[node]))
    for node in sorted(set(weighted).difference(touched)):
        group, nbytes, weight = weighted[node]
        if group is not None and weight != 1:
            verdicts.append((ex.id_of(node), group, nbytes, None, None, None, weight))
    return verdicts, moves


def by_representative(rejected: Iterable[Verdict], partitions: int) -> Iterator[tuple[int, list[Verdict]]]:
    """``dedup.exact`` verdicts -> lists by the partition of the id they name (their group's
    survivor), where they meet that survivor's :class:`Move`, if any."""
    by_p: dict[int, list[Verdict]] = {}
    for v in rejected:
        by_p.setdefault(id_partition(v[5], partitions), []).append(v)
    yield from sorted(by_p.items())


def moves_by_partition(moves: Iterable[Move], partitions: int) -> Iterator[tuple[int, list[Move]]]:
    """Moves -> lists by the partition of the representative's id (see :func:`by_representative`)."""
    by_p: dict[int, list[Move]] = {}
    for m in moves:
        by_p.setdefault(id_partition(m[0], partitions), []).append(m)
    yield from sorted(by_p.items())


def repoint_exact(rejected: Iterable[Verdict], moves: Iterable[Move]) -> list[Verdict]:
    """``dedup.exact`` verdicts + the moved representatives -> the verdicts, those whose
    representative was removed as a near duplicate now naming the component's kept document.

    The reason stays ``dedup.exact`` (the text is an exact copy; cluster sizes and counts do not
    change) and the detail names both steps: "same normalised text as R, a near duplicate of K".
    """
    moved = {rep: (kept, where) for rep, kept, where in moves}
    out: list[Verdict] = []
    for v in rejected:
        # A verdict naming a released document is final: that document is kept by definition,
        # and a document of this run with the same id (a changed file) is another one.
        m = None if v[4].endswith(RELEASED) else moved.get(v[5])
        if m is None:
            out.append(v)
            continue
        kept, where = m
        detail = f"same normalised text as {v[5]}, a near duplicate of {kept}{where}"
        out.append((v[0], v[1], v[2], v[3], detail, kept, v[6]))
    return out
