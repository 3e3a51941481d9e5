"""The batch (Arrow table) dedup logic: same decisions as the per-document reference, whatever the batching."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pyarrow as pa

from altedic.dedup import batches as bt
from altedic.dedup import exact as ex
from altedic.dedup import lsh
from altedic.dedup.minhash import MinHasher


def _rank(i: int, priority: int = 1) -> str:
    return ex.rank_key(f"{i:032x}", priority, None)


def _nodes(rows: list[tuple[int, str, str, int]]) -> pa.Table:
    """(doc number, scope, text key, priority) -> a node table (priority 0 = previous output)."""
    return bt.nodes_table(
        [
            (
                _rank(i, p),
                scope,
                key,
                None,
                None if p == 0 else "chunk",
                None if p == 0 else scope,
                0 if p == 0 else 100 + i,
            )
            for i, scope, key, p in rows
        ]
    )


def _hex(s: str) -> str:
    return ex.exact_key(s)


def test_resolve_exact_keeps_smallest_rank_per_key_whatever_the_scope_and_the_batching() -> None:
    """An exact copy is a copy whatever its scope: the same text labelled mt and ga was kept
    twice with scope language (the scope matters to near duplicates only)."""
    rows = [(i, "mt" if i % 3 else "ga", _hex(str(i % 5)), 1) for i in range(40)]
    rows.append((99, "mt", _hex("1"), 0))  # a previous output's document with text "1" in mt
    rng = random.Random(3)
    results = []
    for _ in range(3):
        rng.shuffle(rows)
        cut = rng.randrange(1, len(rows))
        survivors, rejected = bt.resolve_exact([_nodes(rows[:cut]), _nodes(rows[cut:])])
        results.append((survivors.sort_by("rank").to_pylist(), sorted(rejected)))
    assert results[0] == results[1] == results[2]
    survivors = results[0][0]
    rejected = results[0][1]
    by_key: dict[str, list[int]] = {}
    for i, _scope, key, p in rows:
        by_key.setdefault(key, []).append(i if p else -1)
    expected_survivors = {min(m) for m in by_key.values() if min(m) >= 0}
    assert {int(ex.id_of(s["rank"]), 16) for s in survivors} == expected_survivors
    for s in survivors:  # weight = this run's members of its group
        i = int(ex.id_of(s["rank"]), 16)
        group = next(m for m in by_key.values() if i in m)
        assert s["weight"] == len([x for x in group if x >= 0])
    # every member of this run other than the survivor is rejected, naming the survivor
    assert len(rejected) == len(rows) - 1 - len(expected_survivors)
    prev_group = by_key[_hex("1")]
    for v in rejected:
        i = int(v[0], 16)
        if i in prev_group:
            assert v[5] == f"{99:032x}" and v[4].endswith("(already released)")
        assert v[3] == "dedup.exact" and v[6] is None


def test_resolve_exact_groups_of_one_and_previous_documents() -> None:
    """Groups of one (most nodes; decided without a Python step each) follow the same rule as the
    others: a lone document of this run survives with weight 1, a lone previous output's document
    has no survivor and no verdict; survivors come in (key, rank) order, a group being one exact
    key whatever the scopes. Checked against a per-group reference on random node sets of mixed
    group sizes."""
    rng = random.Random(11)
    for trial in range(200):
        rows = []
        for i in range(rng.randrange(0, 50)):
            rows.append(
                (i, rng.choice(["mt", "ga", "el"]), _hex(str(rng.randrange(0, 40))), rng.choice([0, 1, 1, 1, 2]))
            )
        cut = rng.randrange(0, len(rows) + 1)
        survivors, rejected = bt.resolve_exact([_nodes(rows[:cut]), _nodes(rows[cut:])])
        groups: dict[str, list[tuple[str, int, int, str]]] = {}
        for i, scope, key, p in rows:
            groups.setdefault(key, []).append((_rank(i, p), i, p, scope))
        want_survivors, want_rejected = [], []
        for key, members in sorted(groups.items()):
            members.sort()
            best, _, best_p, best_scope = members[0]
            ours = [m for m in members if m[2] != 0]
            if best_p != 0:
                want_survivors.append((best_scope, key, best, len(ours)))
            want_rejected += sorted(f"{i:032x}" for r, i, p, _s in ours if r != best)
        got = [(r["scope"], r["exact"], r["rank"], r["weight"]) for r in survivors.to_pylist()]
        assert got == want_survivors, trial
        assert sorted(v[0] for v in rejected) == sorted(want_rejected), trial


def test_band_entries_and_buckets_find_the_reference_lsh_pairs() -> None:
    hasher = MinHasher(num_perm=112, ngram=2, seed=1)
    rng = random.Random(5)
    words = [f"w{k}" for k in range(60)]
    texts = []
    for i in range(60):
        if i % 4 == 1:  # near copy of the previous text
            t = texts[-1].split()
            t[rng.randrange(len(t))] = "changed"
            texts.append(" ".join(t))
        else:
            texts.append(" ".join(rng.choice(words) for _ in range(30)))
    sigs = hasher.signatures(texts)
    ranks = [_rank(i) for i in range(len(texts))]
    keys = bt.band_key_bytes([s.astype("<u8").tobytes() for s in sigs], 14, 8)
    table = bt.with_weight(
        bt.nodes_table([(r, "el", _hex(t), k, "c", "el", 10) for r, t, k in zip(ranks, texts, keys, strict=True)]),
        1,
    )
    expected = lsh.lsh_pairs(sigs, ranks, 14, 8)
    assert expected  # the near copies collide
    for partitions in (1, 7):
        by_part: dict[int, list[pa.Table]] = {}
        for half in (table.slice(0, 25), table.slice(25)):
            for p, t in bt.band_entries(half, 14, partitions):
                assert 0 <= p < partitions
                by_part.setdefault(p, []).append(t)
        got: set[tuple[str, str]] = set()
        for tables in by_part.values():
            got.update(bt.bucket_candidates(tables, 1 << 30, 0))
        assert got == expected
        ends = {r for pair in got for r in pair}
        # the ends' infos, met by rank partition
        infos = {}
        for q, part in bt.info_parts(table, partitions):
            wanted = {r for r in ends if bt.rank_partition(r, partitions) == q}
            infos.update(dict(bt.end_infos(wanted, [part])))
        assert set(infos) == ends and all(v == ("c", "el", 10, 1) for v in infos.values())


def test_band_key_bytes_none_for_missing_or_empty_signatures() -> None:
    sig = np.arange(112, dtype="<u8")
    empty = np.full(112, np.uint64(2**64 - 1), dtype="<u8")
    got = bt.band_key_bytes([sig.tobytes(), None, empty.tobytes()], 14, 8)
    assert got[1] is None and got[2] is None
    assert got[0] == lsh.band_key_matrix(sig[None, :], 14, 8)[0].astype("<u8").tobytes()


def test_band_key_matrix_matches_the_one_signature_form_and_skips_empty() -> None:
    sigs = np.random.default_rng(1).integers(0, 2**61, size=(5, 112), dtype=np.uint64)
    mat = lsh.band_key_matrix(sigs, 14, 8)
    for row, keys in zip(sigs, mat, strict=True):
        assert lsh.band_keys(row, 14, 8) == [
            b.to_bytes(2, "big") + int(k).to_bytes(8, "big") for b, k in enumerate(keys)
        ]
    same = sigs.copy()
    same[1, 8:16] = same[0, 8:16]  # band 1 equal between rows 0 and 1
    m2 = lsh.band_key_matrix(same, 14, 8)
    assert m2[0, 1] == m2[1, 1] and m2[0, 0] != m2[1, 0]


def test_component_verdicts_remove_only_duplicates_of_a_kept_document_and_sizes_add_weights() -> None:
    """c~b~a is a chain (c and a not similar): a is kept, b names a, c is kept (it named a, a
    document it does not duplicate, and its text was lost). Sizes: weight + the weights of the
    documents naming it."""
    a, b, c, d, e = (_rank(i) for i in range(5))
    prev = _rank(9, priority=0)
    edges = [(c, b), (b, a), (e, prev)]
    infos = {a: ("mt", 10, 2), b: ("mt", 11, 1), c: ("mt", 12, 3), e: ("ga", 14, 1), prev: (None, 0, 0)}
    weighted = {a: ("mt", 10, 2), c: ("mt", 12, 3), d: ("mt", 13, 4)}
    verdicts = sorted(bt.component_verdicts(edges, infos, weighted))
    idn = ex.id_of
    assert verdicts == [
        (idn(a), "mt", 10, None, None, None, 3),  # 2 + 1 (b)
        (idn(b), "mt", 11, "dedup.near", f"near duplicate of {idn(a)}", idn(a), None),
        (idn(c), "mt", 12, None, None, None, 3),  # kept: its own weight
        (idn(d), "mt", 13, None, None, None, 4),  # in no edge: its own weight
        (idn(e), "ga", 14, "dedup.near", f"near duplicate of {idn(prev)} (already released)", idn(prev), None),
    ]


def test_component_results_chain_of_shifted_windows() -> None:
    """The audit's chain: 30 windows of 100 words shifted by 5, each similar to the next two
    (Jaccard 0.90 and 0.81) only. Every document named the first before (25 of 29 at Jaccard
    0.09-0.73); now every third is kept and the two after it name it."""
    r = [_rank(k) for k in range(30)]
    edges = [(r[k], r[k + s]) for k in range(30) for s in (1, 2) if k + s < 30]
    infos = {x: ("en", 100, 1) for x in r}
    verdicts, moves = bt.component_results(edges, infos, {})
    idn = ex.id_of
    expected = []
    for k in range(30):
        if k % 3 == 0:
            expected.append((idn(r[k]), "en", 100, None, None, None, min(3, 30 - k)))
        else:
            kept = idn(r[k - k % 3])
            expected.append((idn(r[k]), "en", 100, "dedup.near", f"near duplicate of {kept}", kept, None))
    assert verdicts == expected
    assert moves == []


def test_split_copies_rows_into_their_partitions() -> None:
    t = pa.table({"x": list(range(10))})
    parts = np.array([3, 1, 3, 0, 1, 3, 0, 0, 1, 3])
    got = dict(bt.split(t, parts, 5))
    assert sorted(got) == [0, 1, 3]
    assert got[3]["x"].to_pylist() == [0, 2, 5, 9] and got[0]["x"].to_pylist() == [3, 6, 7]
    assert got[1].num_rows == 3


def test_pair_routing_brings_both_payloads_to_the_pair_partition_whatever_the_batching() -> None:
    """pairs -> (pairs by q, needs by p) -> end routes per chunk -> payloads per q -> verify:
    every pair meets both ends' payloads exactly once, and the verified edges are those a direct
    comparison finds, for any number of partitions and any cut of the candidate lists."""
    rng = random.Random(11)
    n = 60
    ranks = [_rank(rng.getrandbits(120), 0 if i % 13 == 0 else 1) for i in range(n)]  # some previous
    chunk_of = {r: (None if ex.is_previous(r) else f"chunk-{i % 4}") for i, r in enumerate(ranks)}
    value = {r: rng.randrange(5) for r in ranks}
    payload = {r: (value[r].to_bytes(8, "little"), None) for r in ranks}
    stored = {r for r in ranks if not (ex.is_previous(r) and value[r] == 4)}  # previous without signature
    pairs = sorted({tuple(sorted(rng.sample(ranks, 2))) for _ in range(150)})

    def similar(a: bt.Payload, b: bt.Payload) -> bool:
        return a[0] == b[0]

    # pairs of two previous outputs' documents are not compared: both are released anyway
    compared = [(u, v) for u, v in pairs if not (ex.is_previous(u) and ex.is_previous(v))]
    assert len(compared) < len(pairs)
    expected_checked = [(u, v) for u, v in compared if u in stored and v in stored]
    expected = [(u, v) for u, v in expected_checked if value[u] == value[v]]
    assert expected and len(expected) < len(expected_checked)
    info_table = bt.with_weight(
        bt.nodes_table([(r, "mt", None, None, chunk_of[r], None if ex.is_previous(r) else "mt", 7) for r in ranks]), 1
    )
    for partitions in (1, 3, 16):
        cut = rng.randrange(1, len(pairs))
        by_q: dict[int, list[list[tuple[str, str]]]] = {}
        needs: dict[int, list[list[bt.Need]]] = {}
        for part in (pairs[:cut], pairs[cut:] + pairs[: cut // 2]):  # a pair found in two band partitions
            got_q, got_needs = bt.pair_parts(part, partitions)
            for q, items in got_q.items():
                assert all(bt.rank_partition(u, partitions) == q for u, _ in items)
                by_q.setdefault(q, []).append(items)
            for p, items in got_needs.items():
                assert all(bt.rank_partition(r, partitions) == p for r, _ in items)
                needs.setdefault(p, []).append(items)
        infos_by_p = dict(bt.info_parts(info_table, partitions))
        payload_by_q: dict[int, list[list[tuple[str, bt.Payload]]]] = {}
        all_infos = []
        for p, lists in needs.items():
            infos, routes = bt.end_routes(lists, [infos_by_p[p]])
            all_infos += infos
            for loc, wanted in routes.items():
                assert all(chunk_of[r] == loc for r, _ in wanted)
                have = [(r, payload[r]) for r, _ in wanted if r in stored]  # what the chunk/previous holds
                for q, items in bt.route_payloads(have, wanted).items():
                    payload_by_q.setdefault(q, []).append(items)
        ends = {r for pair in compared for r in pair}
        assert sorted(r for r, _ in all_infos) == sorted(ends)
        edges: list[tuple[str, str]] = []
        checked = 0
        for q, lists in by_q.items():
            e, c = bt.verify_pairs(lists, payload_by_q.get(q, []), similar)
            edges += e
            checked += c
        assert sorted(edges) == expected
        assert checked == len(expected_checked)


# Three documents: A, A with double spaces (the same text once normalised: an exact copy) and A
# without full stops (the same words: a near duplicate). Which one is kept depends on the ids,
# here given by the input order (as a reader's position-based ids are).
_CHAIN_TEXT = (
    "The Commission shall adopt implementing acts laying down the detailed rules for the application "
    "of this Regulation. Member States shall ensure that the competent authorities have the necessary "
    "powers to carry out their tasks under this Regulation. "
) * 3
#: name -> (text as normalised, i.e. what the exact key and the signature are made of)
_CHAIN = {"A": _CHAIN_TEXT, "A_spaces": _CHAIN_TEXT, "A_nopunct": _CHAIN_TEXT.replace(".", "")}
#: input order -> {name: (reason, duplicate_of)} (the kept document: (None, None))
_CHAIN_EXPECTED = {
    ("A", "A_spaces", "A_nopunct"): {
        "A": (None, None),
        "A_spaces": ("dedup.exact", "A"),
        "A_nopunct": ("dedup.near", "A"),
    },
    ("A", "A_nopunct", "A_spaces"): {
        "A": (None, None),
        "A_nopunct": ("dedup.near", "A"),
        "A_spaces": ("dedup.exact", "A"),
    },
    ("A_spaces", "A", "A_nopunct"): {
        "A_spaces": (None, None),
        "A": ("dedup.exact", "A_spaces"),
        "A_nopunct": ("dedup.near", "A_spaces"),
    },
    ("A_spaces", "A_nopunct", "A"): {
        "A_spaces": (None, None),
        "A_nopunct": ("dedup.near", "A_spaces"),
        "A": ("dedup.exact", "A_spaces"),
    },
    # the exact group's survivor (A, then A_spaces) is itself a near duplicate of A_nopunct: its
    # copy names A_nopunct, the document kept (it named the removed survivor before)
    ("A_nopunct", "A", "A_spaces"): {
        "A_nopunct": (None, None),
        "A": ("dedup.near", "A_nopunct"),
        "A_spaces": ("dedup.exact", "A_nopunct"),
    },
    ("A_nopunct", "A_spaces", "A"): {
        "A_nopunct": (None, None),
        "A_spaces": ("dedup.near", "A_nopunct"),
        "A": ("dedup.exact", "A_nopunct"),
    },
}


def test_exact_copies_of_a_near_duplicate_name_the_kept_document_in_every_order() -> None:
    """``duplicate_of`` of every rejection is the document kept for its cluster, in all 6 input
    orders, whatever the partitions and the cut of the node tables: the dedup.exact verdicts of a
    group whose survivor is removed as a near duplicate are moved to the component's centre
    (``local_verdicts``: resolve_exact -> LSH -> component_results -> repoint_exact)."""
    from altedic.beam.dedupcore import local_verdicts
    from altedic.dedup.config import DedupConfig

    hasher = MinHasher()
    assert sorted(_CHAIN_EXPECTED) == sorted(itertools.permutations(_CHAIN))
    for order, expected in _CHAIN_EXPECTED.items():
        ids = {name: f"{k:032x}" for k, name in enumerate(order)}  # input position -> id
        name_of = {i: name for name, i in ids.items()}
        texts = [_CHAIN[name] for name in order]
        bands = bt.band_keys_of(hasher.signatures(texts), 14, 8)
        rows = [
            (ex.rank_key(ids[name], 1, None), "en", _hex(t), b, "chunk", "en", 100 + k)
            for k, (name, t, b) in enumerate(zip(order, texts, bands, strict=True))
        ]
        for partitions, cut in ((1, 1), (16, 2), (3, 0)):
            cfg = DedupConfig.from_dict({"verify": "none", "partitions": partitions})  # no spill chunks to read
            lists, counts = local_verdicts([bt.nodes_table(rows[:cut]), bt.nodes_table(rows[cut:])], cfg)
            verdicts = {v[0]: v for vs in lists for v in vs}
            assert sum(len(vs) for vs in lists) == len(verdicts)  # one verdict per document
            got = {name_of[i]: (v[3], name_of.get(v[5])) for i, v in verdicts.items()}
            kept = order[0]
            assert got == expected, (order, partitions)
            assert verdicts[ids[kept]][6] == 3  # the cluster size counts the exact copy and the near one
            assert counts["exact_rejected"] == 1 and counts["near_rejected"] == 1
            exact = next(v for v in verdicts.values() if v[3] == "dedup.exact")
            survivor = min(ids["A"], ids["A_spaces"])
            if survivor == ids[kept]:
                assert exact[4] == f"same normalised text as {ids[kept]}"
            else:  # the detail says through which document it is a duplicate of the kept one
                assert exact[4] == f"same normalised text as {survivor}, a near duplicate of {ids[kept]}"


def test_component_results_moves_and_repoint_exact() -> None:
    """A near leaf standing for exact copies (weight > 1) is a move; repoint_exact moves its
    copies' verdicts to the centre (released or not), leaves the others, and leaves a verdict
    naming a released document even when a document of this run with that id was moved."""
    a, b, c, e = (_rank(i) for i in (1, 2, 3, 5))
    prev = _rank(9, priority=0)
    edges = [(a, b), (a, c), (prev, e)]
    infos = {a: ("mt", 10, 1), b: ("mt", 11, 3), c: ("mt", 12, 1), e: ("ga", 14, 2), prev: (None, 0, 0)}
    weighted = {b: ("mt", 11, 3), e: ("ga", 14, 2)}
    verdicts, moves = bt.component_results(edges, infos, weighted)
    assert verdicts == list(bt.component_verdicts(edges, infos, weighted))
    idn = ex.id_of
    assert moves == [(idn(b), idn(a), ""), (idn(e), idn(prev), " (already released)")]
    assert {v[0]: v[6] for v in verdicts if v[3] is None} == {idn(a): 5}  # 1 + 3 + 1
    x = f"{20:032x}"
    rejected = [
        (f"{21:032x}", "mt", 5, "dedup.exact", f"same normalised text as {idn(b)}", idn(b), None),
        (f"{22:032x}", "ga", 6, "dedup.exact", f"same normalised text as {idn(e)}", idn(e), None),
        (f"{23:032x}", "mt", 7, "dedup.exact", f"same normalised text as {x}", x, None),
        # a released document whose id a document of this run also has (a changed file)
        (f"{24:032x}", "mt", 8, "dedup.exact", f"same normalised text as {idn(b)} (already released)", idn(b), None),
    ]
    got = bt.repoint_exact(rejected, moves)
    assert got[0] == (
        f"{21:032x}", "mt", 5, "dedup.exact", f"same normalised text as {idn(b)}, a near duplicate of {idn(a)}", idn(a), None
    )  # fmt: skip
    assert got[1][4:6] == (
        f"same normalised text as {idn(e)}, a near duplicate of {idn(prev)} (already released)",
        idn(prev),
    )
    assert got[2:] == rejected[2:]
    # the Beam wiring's join: verdicts and moves meet in the partition of the representative's id
    for partitions in (1, 4, 16):
        moved = dict(bt.moves_by_partition(moves, partitions))
        joined = [
            v for p, vs in bt.by_representative(rejected, partitions) for v in bt.repoint_exact(vs, moved.get(p, []))
        ]
        assert sorted(joined) == sorted(got)


def test_exact_verification_estimates_only_without_a_text_and_the_verdict_says_so() -> None:
    """verify: exact compares texts; a released document's text not at hand (no data shard) is
    judged on the estimate, marked ESTIMATED, and its verdicts (and its exact copies') say so."""
    from altedic.beam.dedupcore import similar
    from altedic.dedup.config import DedupConfig

    words = [f"w{i}" for i in range(120)]
    t1, t2 = " ".join(words[:100]), " ".join(words[10:110])  # exact Jaccard 0.811
    s1, s2 = (s.tobytes() for s in MinHasher().signatures([t1, t2]))
    exact, estimate = DedupConfig.from_dict({}), DedupConfig.from_dict({"verify": "estimate"})
    assert similar(exact, (s1, t1), (s2, t2)) is True
    assert similar(exact, (s1, t1), (s1, None)) == bt.ESTIMATED  # the same signature: estimate 1.0
    assert similar(estimate, (s1, t1), (s1, None)) is True
    a, b = _rank(1), _rank(2)
    prev = _rank(0, priority=0)
    edges, checked = bt.verify_pairs(
        [[(prev, a), (a, b)]],
        [[(prev, (s1, None)), (a, (s1, t1)), (b, (s2, t2))]],
        lambda x, y: similar(exact, x, y),
    )
    assert (edges, checked) == ([(prev, a, bt.ESTIMATED), (a, b)], 2)
    infos = {prev: (None, 0, 0), a: ("en", 10, 2), b: ("en", 11, 1)}
    verdicts, moves = bt.component_results(edges, infos, {a: ("en", 10, 2)})
    idn = ex.id_of
    where = ", by the signatures' estimate (already released)"
    # b is kept (a, its only similar document, is removed), with cluster size 1: no verdict
    assert verdicts == [(idn(a), "en", 10, "dedup.near", f"near duplicate of {idn(prev)}{where}", idn(prev), None)]
    assert moves == [(idn(a), idn(prev), where)]
    copy = (f"{7:032x}", "en", 10, "dedup.exact", f"same normalised text as {idn(a)}", idn(a), None)
    assert bt.repoint_exact([copy], moves)[0][4:6] == (
        f"same normalised text as {idn(a)}, a near duplicate of {idn(prev)}{where}",
        idn(prev),
    )
