"""Connected components of the near-duplicate graph, in rounds that any Beam runner can run.

Algorithm: alternating *large-star* and *small-star* rounds (Kiveris, Lattanzi, Mirrokni,
Rastogi & Vassilvitskii, "Connected Components in MapReduce and Beyond", SoCC 2014). Each round
is one group-by-node: a worker holds the neighbour set of one node at a time, never the corpus.
The graph converges to one star per component whose centre is the component's smallest node;
nodes are rank keys (:mod:`altedic.dedup.exact`), so the centre *is* the document to keep.
Convergence takes O(log n) rounds in practice (O(log^2 n) proven); the pipeline unrolls a fixed
number of rounds and :func:`star_label` detects a graph that has not converged yet, which fails
the run (``RunError``) with the setting to raise, never a silently wrong cluster.

The functions here are plain Python over one node's neighbours; :mod:`altedic.beam.dedup` wires
them into GroupByKey rounds. :func:`connected_components` is the in-memory reference (union-find)
used by tests and benchmarks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

Edge = tuple[str, str]


def undirected(edge: Edge) -> Iterator[Edge]:
    """Both directions of an edge, for grouping by either end."""
    u, v = edge
    yield u, v
    yield v, u


def large_star(node: str, neighbours: Iterable[str]) -> Iterator[Edge]:
    """Large-star on one node: link every *larger* neighbour to the smallest of node + neighbours.

    Input: all neighbours of ``node``. Output edges ``(v, m)`` for every neighbour ``v > node``,
    with ``m = min(neighbours + node)``. Memory: the neighbour set of this node.
    """
    nbrs = set(neighbours)
    nbrs.discard(node)
    if not nbrs:
        return
    m = min(min(nbrs), node)
    for v in sorted(nbrs):
        if v > node:
            yield v, m


def small_star_direct(edge: Edge) -> Edge:
    """Small-star map step: direct every edge from its larger to its smaller end."""
    u, v = edge
    return (u, v) if v < u else (v, u)


def small_star(node: str, smaller: Iterable[str]) -> Iterator[Edge]:
    """Small-star on one node: link the node and its not-larger neighbours to their minimum.

    Input: the neighbours ``v <= node`` (from :func:`small_star_direct`). Output edges ``(v, m)``
    for every ``v`` in neighbours + node other than ``m = min(neighbours + node)``.
    """
    nbrs = set(smaller)
    nbrs.discard(node)
    if not nbrs:
        return
    m = min(nbrs)
    yield node, m
    for v in sorted(nbrs):
        if v != m:
            yield v, m


def star_label(node: str, neighbours: Iterable[str]) -> tuple[str, str | None]:
    """After convergence, ``(node, centre)`` for a leaf, ``(node, None)`` for a centre.

    Raises :class:`NotConverged` when the node has more than one smaller neighbour (the graph is
    not yet a union of stars).
    """
    smaller = {v for v in neighbours if v < node}
    if len(smaller) > 1:
        raise NotConverged(f"node {node} still has {len(smaller)} smaller neighbours")
    return node, (next(iter(smaller)) if smaller else None)


class NotConverged(Exception):
    """The unrolled star rounds were not enough for this graph (raise ``max_rounds``)."""


def connected_components(nodes: Iterable[str], edges: Iterable[Edge]) -> dict[str, str]:
    """Reference: node -> smallest node of its component (union-find with path halving)."""
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


def star_rounds_local(edges: Iterable[Edge], rounds: int) -> set[Edge]:
    """Run ``rounds`` large-star + small-star rounds in memory (tests of the round functions)."""
    current = set(edges)
    for _ in range(rounds):
        by_node: dict[str, set[str]] = {}
        for e in current:
            for u, v in undirected(e):
                by_node.setdefault(u, set()).add(v)
        current = {e for u, nb in by_node.items() for e in large_star(u, nb)}
        smaller: dict[str, set[str]] = {}
        for e in current:
            u, v = small_star_direct(e)
            smaller.setdefault(u, set()).add(v)
        current = {e for u, nb in smaller.items() for e in small_star(u, nb)}
    return current
