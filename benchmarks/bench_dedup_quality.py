"""LSH pair precision and recall against exact ground truth (Jaccard >= 0.8 over the same shingles).

Corpus: ``--docs`` real multilingual documents (sentences of ../shared/data/lid, 1-2 KB), of which
a share get 1-3 near copies with random word edits (substitutions, deletions, insertions at a
rate drawn in [0, 0.12]), so that true similarities spread around the 0.8 threshold. Ground
truth: every pair sharing at least one shingle (inverted index) gets its exact Jaccard over
altedic's shingle hashes; pairs >= 0.8 are true. Scored: altedic LSH (default 14 bands x 8 rows)
without verification, with estimate verification and with exact verification (default); and,
when installed, datasketch's MinHashLSH (14x8) and rensa's RMinHashLSH (14 bands) on the same
shingles.

Then the stage's *decisions* (``altedic.dedup.batches.component_results`` over the exactly
verified LSH pairs, ranked by position, as the stage ranks documents of one source without
quality scores): the documents removed; their precision (share whose ``duplicate_of`` is at exact
Jaccard >= 0.8 with them, the project's standard: every duplicate names the document it
duplicates); the recall over the true pairs (share with at least one end removed, i.e. not both
left in the release); the shingles found only in removed documents (text lost). ``--chain`` makes
each near copy an edit of the previous copy (revisions drifting away from the original), where
near duplicates chain; by default each copy is an edit of its original.

Usage: python benchmarks/bench_dedup_quality.py [--docs 20000] [--dup-share 0.08] [--chain]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import documents

from altedic.dedup.lsh import estimated_jaccard, exact_jaccard, implied_threshold, lsh_pairs
from altedic.dedup.minhash import MinHasher, shingle_hashes

BANDS, ROWS, THRESHOLD = 14, 8, 0.8


def mutate(text: str, rate: float, rng: random.Random, vocab: list[str]) -> str:
    out: list[str] = []
    for w in text.split():
        r = rng.random()
        if r < rate / 3:
            continue  # deletion
        if r < 2 * rate / 3:
            out.append(rng.choice(vocab))  # substitution
            continue
        out.append(w)
        if r < rate:
            out.append(rng.choice(vocab))  # insertion
    return " ".join(out)


def score(name: str, found: set[tuple[int, int]], truth: set[tuple[int, int]], dt: float) -> None:
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    print(f"  {name:<44} P {p:.3f}  R {r:.3f}  (found {len(found)}, true {len(truth)}, {dt:.1f} s)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--dup-share", type=float, default=0.08)
    ap.add_argument("--chain", action="store_true", help="each near copy edits the previous copy")
    args = ap.parse_args()
    rng = random.Random(42)
    base = documents(args.docs, seed=3)
    n_src = int(args.docs * args.dup_share / 2)
    texts = [t for _, t in base[: args.docs - 2 * n_src]]
    vocab = [w for t in texts[:500] for w in t.split()]
    for _, t in base[args.docs - 2 * n_src : args.docs - n_src]:
        texts.append(t)
        for _ in range(rng.randint(1, 3)):
            copy = mutate(t, rng.uniform(0.0, 0.12), rng, vocab)
            texts.append(copy)
            if args.chain:
                t = copy
    texts = texts[: args.docs]
    n = len(texts)
    print(f"corpus: {n} documents; LSH {BANDS}x{ROWS} (implied threshold {implied_threshold(BANDS, ROWS):.3f}); "
          f"truth: exact Jaccard >= {THRESHOLD} over word 5-gram shingles")  # fmt: skip

    sh = [np.unique(shingle_hashes(t, 5)) for t in texts]
    index: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sh):
        for h in s.tolist():
            index[h].append(i)
    cand: set[tuple[int, int]] = set()
    for ids in index.values():
        if 1 < len(ids) < 200:
            cand.update((ids[a], ids[b]) for a in range(len(ids)) for b in range(a + 1, len(ids)))
    truth = {(i, j) for i, j in cand if exact_jaccard(sh[i], sh[j]) >= THRESHOLD}
    print(f"  ground truth: {len(truth)} pairs >= {THRESHOLD} among {len(cand)} pairs sharing a shingle")

    t0 = time.perf_counter()
    sigs = MinHasher(num_perm=BANDS * ROWS, ngram=5, seed=0).signatures(texts)
    keys = [f"{i:08d}" for i in range(n)]
    pairs = {(int(a), int(b)) for a, b in lsh_pairs(list(sigs), keys, BANDS, ROWS)}
    t_lsh = time.perf_counter() - t0
    score("altedic LSH, no verification", pairs, truth, t_lsh)
    t0 = time.perf_counter()
    est = {(i, j) for i, j in pairs if estimated_jaccard(sigs[i], sigs[j]) >= THRESHOLD}
    score("altedic LSH + estimate verification", est, truth, t_lsh + time.perf_counter() - t0)
    t0 = time.perf_counter()
    exa = {(i, j) for i, j in pairs if exact_jaccard(sh[i], sh[j]) >= THRESHOLD}
    score("altedic LSH + exact verification (default)", exa, truth, t_lsh + time.perf_counter() - t0)
    decisions(exa, truth, sh)

    words = [[" ".join(w) for w in _grams(t)] for t in texts]
    try:
        from datasketch import MinHash, MinHashLSH

        t0 = time.perf_counter()
        lsh = MinHashLSH(num_perm=BANDS * ROWS, params=(BANDS, ROWS))
        mhs = []
        for i, g in enumerate(words):
            m = MinHash(num_perm=BANDS * ROWS, seed=0)
            m.update_batch([s.encode("utf-8") for s in g])
            mhs.append(m)
            lsh.insert(i, m)
        found = {tuple(sorted((i, j))) for i, m in enumerate(mhs) for j in lsh.query(m) if j != i}
        score(
            "datasketch MinHashLSH 14x8, no verification", {(a, b) for a, b in found}, truth, time.perf_counter() - t0
        )
    except ImportError:
        print("  datasketch not installed")
    try:
        from rensa import RMinHash, RMinHashLSH

        t0 = time.perf_counter()
        rl = RMinHashLSH(threshold=THRESHOLD, num_perm=BANDS * ROWS, num_bands=BANDS)
        rms = []
        for i, g in enumerate(words):
            m = RMinHash(num_perm=BANDS * ROWS, seed=0)
            m.update(g)
            rms.append(m)
            rl.insert(i, m)
        found = {tuple(sorted((i, j))) for i, m in enumerate(rms) for j in rl.query(m) if j != i}
        score(
            "rensa RMinHashLSH 14 bands, no verification", {(a, b) for a, b in found}, truth, time.perf_counter() - t0
        )
    except ImportError:
        print("  rensa not installed")


def decisions(edges: set[tuple[int, int]], truth: set[tuple[int, int]], sh: list[np.ndarray]) -> None:
    """The stage's verdicts over the verified pairs (documents ranked by position), scored."""
    from altedic.dedup import batches as bt
    from altedic.dedup import exact as ex

    rank = [ex.rank_key(f"{i:032x}", 1, None) for i in range(len(sh))]
    infos: dict[str, bt.Info] = {rank[i]: ("xx", 0, 1) for e in edges for i in e}
    verdicts, _ = bt.component_results([(rank[a], rank[b]) for a, b in sorted(edges)], infos, {})
    dup_of = {int(v[0], 16): int(v[5], 16) for v in verdicts if v[3] is not None}
    good = sum(1 for d, k in dup_of.items() if exact_jaccard(sh[d], sh[k]) >= THRESHOLD)
    both_kept = sum(1 for a, b in truth if a not in dup_of and b not in dup_of)
    every = set(np.concatenate(sh).tolist()) if sh else set()
    kept = set(np.concatenate([s for i, s in enumerate(sh) if i not in dup_of]).tolist())
    p = good / len(dup_of) if dup_of else 1.0
    r = 1 - both_kept / len(truth) if truth else 1.0
    print(
        f"  stage decisions: removed {len(dup_of)}, duplicate_of at J >= {THRESHOLD}: P {p:.3f}; "
        f"true pairs not both kept: R {r:.3f} ({both_kept} both kept); "
        f"shingles only in removed documents: {len(every - kept)} of {len(every)}",
        flush=True,
    )


def _grams(text: str) -> list[tuple[str, ...]]:
    from altedic.dedup._minhash_py import words

    w = words(text)
    if len(w) < 5:
        return [tuple(w)] if w else []
    return [tuple(w[i : i + 5]) for i in range(len(w) - 4)]


if __name__ == "__main__":
    main()
