"""Which documents of the near-duplicate graph to keep, and which kept document each removed
one duplicates.

The dedup stage (:mod:`altedic.beam.dedup`) gathers the *verified* near-duplicate edges (pairs
of documents at Jaccard >= threshold, a small share of the corpus) in one step and decides
greedily in rank order: nodes are rank keys (:mod:`altedic.dedup.exact`), so the smallest one is
the most preferred document. A node is removed only when it has an edge to a document already
kept, and it names the best-ranked such document; otherwise it is kept. Every removed document
thus names a document it was verified similar to, and one that stays in the release.

Until the thirtieth session every member of a connected component named the component's
smallest node: in a chain A~B~C~... (each a near duplicate of the next, A and the far end at
Jaccard 0.1) everything but A was removed "as a near duplicate of A", and the words of the far
end were lost without a duplicate that holds them. Earlier versions also found the components in
alternating large-star / small-star rounds (Kiveris et al., SoCC 2014) as Beam GroupByKeys; on the
local runner those 24 shuffles cost more than the rest of the stage (docs/performance.md). The
edges are few (about one per near duplicate, ~100 bytes each), so one step holds them: 10
million near duplicates need about 2-3 GB on the worker that runs it (datatrove's clustering
stage is a single task too).

The result is a function of the edge set alone, whatever order the edges arrive in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Edge = tuple[str, str]


def greedy_duplicates(edges: Iterable[Edge], always_kept: Callable[[str], bool] = lambda _: False) -> dict[str, str]:
    """Removed node -> the kept node it duplicates; a node of ``edges`` not in the result is kept.

    Nodes are decided in ascending order: a node with an edge to an already kept node is removed
    and names the smallest such node; any other node is kept. ``always_kept`` nodes (documents
    already released) are kept whatever their edges, and come first in the order (their rank
    keys are the smallest).
    """
    neighbours: dict[str, list[str]] = {}
    for u, v in edges:
        if u != v:
            neighbours.setdefault(u, []).append(v)
            neighbours.setdefault(v, []).append(u)
    kept: set[str] = set()
    removed: dict[str, str] = {}
    for node in sorted(neighbours):
        best = None if always_kept(node) else min((m for m in neighbours[node] if m in kept), default=None)
        if best is None:
            kept.add(node)
        else:
            removed[node] = best
    return removed
