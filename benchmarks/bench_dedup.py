"""MinHash signature speed: altedic (compiled, pure) vs datasketch, rensa, datatrove; plus the floor.

Same work for everyone, on one core: 1-2 KB real multilingual documents (sentences of
../shared/data/lid), word 5-gram shingles of the lower-cased text, 112 permutations, from text
to signature (shingling included). Peers get the same words (altedic's tokeniser, in Python:
``re.findall(r"[^\\W_]+", text.lower())``) joined into 5-gram strings; datatrove's signature step
uses its own shingling (``get_shingles``: its text simplification and word tokenizer).
Floors: the cost of hashing every shingle once (compiled: the kernel without its
permutations; Python: shingle strings + XXH3-64 each).

The whole stage's growth from 10k to 1M documents: ``benchmarks/bench_dedup_stage.py``.

Usage: python benchmarks/bench_dedup.py [--docs 20000] [--peer-docs 4000]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import xxhash

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import documents

from altedic.dedup import minhash
from altedic.dedup.minhash import MinHasher

WORD = re.compile(r"[^\W_]+")
NPERM, NGRAM = 112, 5


def shingles(text: str) -> list[str]:
    w = WORD.findall(text.lower())
    if len(w) < NGRAM:
        return [" ".join(w)] if w else []
    return [" ".join(w[i : i + NGRAM]) for i in range(len(w) - NGRAM + 1)]


def timeit(fn: Callable[[list[str]], object], texts: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - t0)
    return best


def peers() -> dict[str, Callable[[list[str]], object]]:
    out: dict[str, Callable[[list[str]], object]] = {}
    try:
        import rensa

        def rensa_fn(texts: list[str]) -> object:
            res = []
            for t in texts:
                m = rensa.RMinHash(num_perm=NPERM, seed=0)
                m.update(shingles(t))
                res.append(m.digest())
            return res

        out["rensa (RMinHash)"] = rensa_fn
    except ImportError:
        print("rensa not installed: pip install rensa")
    try:
        from datasketch import MinHash

        proto = MinHash(num_perm=NPERM, seed=0)

        def datasketch_fn(texts: list[str]) -> object:
            res = []
            for t in texts:
                m = MinHash(num_perm=NPERM, seed=0, permutations=proto.permutations, scheme=proto.scheme)
                m.update_batch([s.encode("utf-8") for s in shingles(t)])
                res.append(m.hashvalues)
            return res

        out["datasketch"] = datasketch_fn
    except ImportError:
        print("datasketch not installed: pip install datasketch")
    try:
        from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
        from datatrove.utils.hashing import HashConfig

        step = MinhashDedupSignature(
            output_folder=tempfile.mkdtemp(),
            config=MinhashConfig(
                num_buckets=14, hashes_per_bucket=8, n_grams=NGRAM, hash_config=HashConfig(hash_fc="sha1", precision=64)
            ),
            # xxhash would be its faster choice, but datatrove 0.10.1 passes str to xxhash, which
            # xxhash>=4 refuses (datatrove[processing] pins xxhash<4); so its sha1 hash here.
        )

        def datatrove_fn(texts: list[str]) -> object:
            res = []
            for t in texts:
                sh = step.get_shingles(t)
                if sh.size:
                    res.append(step.get_signature(sh))
            return res

        datatrove_fn(["warm up the tokenizer with a few words of text here"])
        out["datatrove signature step"] = datatrove_fn
    except ImportError:
        print("datatrove not installed: pip install datatrove")
    return out


def python_floor(texts: list[str]) -> object:
    return [min((xxhash.xxh3_64_intdigest(s.encode("utf-8")) for s in shingles(t)), default=0) for t in texts]


def bench_signatures(n_docs: int, n_peer: int) -> None:
    docs = [t for _, t in documents(n_docs, seed=1)]
    mb = sum(len(t.encode("utf-8")) for t in docs) / 1e6
    print(f"corpus: {len(docs)} documents, {mb:.1f} MB UTF-8, mean {1e6 * mb / len(docs):.0f} bytes; "
          f"{NPERM} permutations, word {NGRAM}-grams; one core; best of 3")  # fmt: skip
    rows: list[tuple[str, float, float]] = []

    def record(name: str, fn: Callable[[list[str]], object], texts: list[str], repeat: int = 3) -> None:
        dt = timeit(fn, texts, repeat)
        size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        rows.append((name, len(texts) / dt, size / dt))
        print(f"  {name:<40} {len(texts) / dt:>10.0f} docs/s {size / dt:>8.2f} MB/s  ({len(texts)} docs)", flush=True)

    if minhash.IMPLEMENTATION == "compiled":
        from altedic.dedup import _minhash as kernel

        compiled = MinHasher(NPERM, NGRAM, 0, "compiled")
        for isa in ("avx512f", "avx2", "scalar"):
            try:
                kernel.set_isa(isa)
            except ValueError:
                continue
            record(f"altedic compiled ({isa})", compiled.signatures, docs)
        kernel.set_isa("best")
        record("floor: compiled, every shingle hashed once", compiled.min_shingle_hashes, docs)
    else:
        print("  altedic compiled: NOT AVAILABLE (" + str(minhash.COMPILED_IMPORT_ERROR) + ")")
    sub = docs[:n_peer]
    record("altedic pure (numpy twin)", MinHasher(NPERM, NGRAM, 0, "pure").signatures, sub, 1)
    record("floor: Python shingles + XXH3-64 each", python_floor, sub, 1)
    for name, fn in peers().items():
        record(name, fn, sub, 1)
    best = max(rows, key=lambda r: r[1] if r[0].startswith("altedic compiled") else 0)
    peer_best = max((r for r in rows if not r[0].startswith(("altedic", "floor"))), key=lambda r: r[1], default=None)
    floor = next((r for r in rows if r[0].startswith("floor: compiled")), None)
    if peer_best and best[0].startswith("altedic compiled"):
        print(f"compiled / fastest peer ({peer_best[0]}): {best[1] / peer_best[1]:.1f}x")
    if floor and best[0].startswith("altedic compiled"):
        print(f"compiled cost / compiled floor cost: {floor[1] / best[1]:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--peer-docs", type=int, default=4000, help="documents for the slower (Python-level) contenders")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    bench_signatures(args.docs, args.peer_docs)


if __name__ == "__main__":
    main()
