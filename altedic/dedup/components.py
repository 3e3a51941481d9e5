"""Connected components of the near-duplicate graph.

The dedup stage (:mod:`altedic.beam.dedup`) gathers the *verified* near-duplicate edges (pairs
of documents at Jaccard >= threshold, a small share of the corpus) in one step and labels each
node with the smallest node of its component by union-find. Nodes are rank keys
(:mod:`altedic.dedup.exact`), so that smallest node *is* the document to keep. The result is a
function of the edge set alone, whatever order the edges arrive in.

Earlier versions ran alternating large-star / small-star rounds (Kiveris et al., SoCC 2014) as
Beam GroupByKeys, so that no worker held more than one node's neighbours; on the local runner
those 24 shuffles cost more than the rest of the stage (docs/performance.md). The edges are few
(about one per near duplicate, ~100 bytes each), so one step holds them: 10 million near
duplicates need about 2-3 GB on the worker that runs it (datatrove's clustering stage is a single
task too).
"""

from __future__ import annotations

from collections.abc import Iterable

Edge = tuple[str, str]


def connected_components(nodes: Iterable[str], edges: Iterable[Edge]) -> dict[str, str]:
    """Node -> smallest node of its component (union-find with path halving); every node of
    ``nodes`` and of ``edges`` is in the result."""
    parent: dict[str, str] = {n: n for n in nodes}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in edges:
        ru, rv = find(u), find(v)
        if ru != rv:
            if ru < rv:
                parent[rv] = ru
            else:
                parent[ru] = rv
    return {n: find(n) for n in list(parent)}
