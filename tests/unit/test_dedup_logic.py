"""Plain-Python dedup pieces: rank keys, LSH helpers, the greedy choice of kept documents, configuration."""

from __future__ import annotations

import random

import numpy as np
import pytest

from altedic.dedup import exact as ex
from altedic.dedup import lsh
from altedic.dedup.components import greedy_duplicates
from altedic.dedup.config import DedupConfig
from altedic.errors import ConfigError
from altedic.records import Document


def test_rank_key_orders_priority_then_quality_then_id() -> None:
    keys = [
        ex.rank_key("b" * 32, 2, 0.9),
        ex.rank_key("a" * 32, 2, 0.5),
        ex.rank_key("c" * 32, 1, None),
        ex.rank_key("0" * 32, 2, None),
        ex.rank_key("1" * 32, 2, -3.0),
        ex.rank_key("f" * 32, ex.PREVIOUS_PRIORITY, None),
        ex.rank_key("d" * 32, 2, 0.9),
    ]
    ordered = [ex.id_of(k)[0] for k in sorted(keys)]
    assert ordered == ["f", "c", "b", "d", "a", "1", "0"]
    assert ex.is_previous(keys[5]) and not ex.is_previous(keys[0])


def test_doc_rank_key_uses_source_priority_and_quality_key() -> None:
    d = Document(id="9" * 32, text="x", source="eurlex", uri="u", quality={"score": 0.7})
    assert ex.doc_rank_key(d, ["cellar", "eurlex"], "score") == ex.rank_key("9" * 32, 2, 0.7)
    assert ex.doc_rank_key(d, [], None) == ex.rank_key("9" * 32, 1, None)


def test_exact_key_is_xxh3_128_of_utf8() -> None:
    assert ex.exact_key("Ħ") == ex.exact_key("Ħ")
    assert ex.exact_key("Ħ") != ex.exact_key("ħ")
    assert len(ex.exact_key("")) == 32


def test_implied_threshold_of_defaults() -> None:
    assert round(lsh.implied_threshold(14, 8), 3) == 0.719
    assert round(lsh.candidate_probability(0.8, 14, 8), 3) == 0.924


def test_band_keys_empty_signature_has_none() -> None:
    sig = np.full(112, np.uint64(2**64 - 1), dtype=np.uint64)
    assert lsh.band_keys(sig, 14, 8) == []
    sig2 = np.arange(112, dtype=np.uint64)
    keys = lsh.band_keys(sig2, 14, 8)
    assert len(keys) == 14 and len(set(keys)) == 14
    with pytest.raises(ValueError):
        lsh.band_keys(sig2, 15, 8)


def test_bucket_pairs_all_and_windowed() -> None:
    assert list(lsh.bucket_pairs(["c", "a", "b", "a"], 10, 1)) == [("a", "b"), ("a", "c"), ("b", "c")]
    big = [f"{i:02d}" for i in range(6)]
    assert list(lsh.bucket_pairs(big, 3, 1)) == [
        ("00", "01"), ("00", "02"), ("00", "03"), ("00", "04"), ("00", "05"),
        ("01", "02"), ("02", "03"), ("03", "04"), ("04", "05"),
    ]  # fmt: skip


def test_jaccard_helpers() -> None:
    a = np.array([1, 2, 3, 4], dtype=np.uint64)
    b = np.array([3, 4, 5, 5], dtype=np.uint64)
    assert lsh.exact_jaccard(a, b) == 2 / 5
    assert lsh.estimated_jaccard(a, np.array([1, 2, 0, 0], dtype=np.uint64)) == 0.5


def test_greedy_duplicates_keep_what_no_kept_document_covers_whatever_the_edge_order() -> None:
    """Decided in ascending order: removed only with an edge to a kept node, naming the smallest
    such node. A chain (each node similar to the next only) keeps every other node; before, the
    whole component named its smallest node (n000 for n120, 120 edges away)."""
    rng = random.Random(1)
    nodes = [f"n{i:03d}" for i in range(300)]
    edges = [(f"n{i:03d}", f"n{i + 1:03d}") for i in range(0, 120)]  # a long chain (diameter 120)
    edges += [(rng.choice(nodes[150:]), rng.choice(nodes[150:])) for _ in range(200)]
    edges = [(u, v) for u, v in edges if u != v]
    removed = greedy_duplicates(edges)
    assert {f"n{i:03d}": removed.get(f"n{i:03d}") for i in range(121)} == {
        f"n{i:03d}": None if i % 2 == 0 else f"n{i - 1:03d}" for i in range(121)
    }
    adjacent = {frozenset(e) for e in edges}
    touched = {n for e in edges for n in e}
    kept = touched - set(removed)
    # every removed node names a kept neighbour, the smallest one; no two kept nodes are adjacent
    for node, k in removed.items():
        assert k in kept and frozenset((node, k)) in adjacent
        assert k == min(m for m in kept if frozenset((node, m)) in adjacent)
    assert not any(frozenset((a, b)) in adjacent for a in kept for b in kept if a < b)
    for _ in range(3):
        rng.shuffle(edges)
        flipped = [(v, u) if rng.random() < 0.5 else (u, v) for u, v in edges]
        assert greedy_duplicates(flipped) == removed
    # an always-kept node (a released document) is kept even next to a smaller kept one
    assert greedy_duplicates([("a", "b"), ("b", "c")], lambda n: n == "b") == {"c": "b"}
    assert greedy_duplicates([("a", "b"), ("b", "c")]) == {"b": "a"}


def test_config_defaults_and_errors() -> None:
    cfg = DedupConfig.from_dict({})
    assert (cfg.ngram, cfg.bands, cfg.rows, cfg.num_perm, cfg.scope, cfg.verify, cfg.threshold) == (
        5, 14, 8, 112, "language", "exact", 0.8,
    )  # fmt: skip
    for bad, key in [
        ({"bands": 0}, "stages.dedup.bands"),
        ({"scope": "country"}, "stages.dedup.scope"),
        ({"verify": "maybe"}, "stages.dedup.verify"),
        ({"threshold": 1.5}, "stages.dedup.threshold"),
        ({"source_priority": "eurlex"}, "stages.dedup.source_priority"),
        ({"exact": "yes"}, "stages.dedup.exact"),
        ({"bandz": 3}, "stages.dedup"),
    ]:
        with pytest.raises(ConfigError) as info:
            DedupConfig.from_dict(bad)
        assert info.value.key == key
