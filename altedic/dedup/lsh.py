"""Locality-sensitive hashing on MinHash signatures: band keys, candidate pairs, verification.

With ``b`` bands of ``r`` rows, two documents of Jaccard similarity ``s`` share at least one band
with probability ``1 - (1 - s^r)^b`` (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*,
ch. 3.4); the S-curve's steepest point, the *implied threshold*, is about ``(1/b)^(1/r)``.
The defaults (14 bands x 8 rows = 112 permutations) give 0.719, below the 0.8 verification
threshold on purpose: LSH finds candidates generously, verification removes false positives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from altedic.dedup.minhash import EMPTY, U64


def implied_threshold(bands: int, rows: int) -> float:
    """Similarity at the steepest point of the LSH S-curve, ``(1/bands)^(1/rows)``."""
    return float((1.0 / bands) ** (1.0 / rows))


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that a pair of Jaccard ``similarity`` shares at least one band."""
    return float(1.0 - (1.0 - similarity**rows) ** bands)


def band_keys(signature: U64, bands: int, rows: int) -> list[bytes]:
    """One key per band: band index (2 bytes) + the band's key of :func:`band_key_matrix` (8 bytes).

    A signature of a text without words (all ``EMPTY``) has no band keys: such texts are left to
    exact deduplication and never bucketed together.
    """
    if len(signature) < bands * rows:
        raise ValueError(f"signature has {len(signature)} values, {bands}x{rows} bands need {bands * rows}")
    if int(signature[0]) == EMPTY:
        return []
    keys = band_key_matrix(np.asarray(signature, dtype=np.uint64)[None, :], bands, rows)[0]
    return [band.to_bytes(2, "big") + int(k).to_bytes(8, "big") for band, k in enumerate(keys.tolist())]


_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)


def band_key_matrix(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Band keys of many signatures at once: an ``(n, bands)`` uint64 array.

    Each key mixes the band's ``rows`` values (multiply-xorshift, as in SplitMix64): two
    signatures get the same key for a band when their values in that band are equal, and
    different keys otherwise except with probability ~2^-64 (such a false candidate is then
    dropped by verification). The band index is not mixed in: buckets are keyed by
    (scope, band, key). Used by the dedup stage; :func:`band_keys` is the one-signature form.
    """
    sigs = np.ascontiguousarray(signatures, dtype=np.uint64)
    if sigs.ndim != 2 or sigs.shape[1] < bands * rows:
        raise ValueError(f"signatures must be an (n, >= {bands * rows}) array")
    out = np.empty((sigs.shape[0], bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for b in range(bands):
            h = np.full(sigs.shape[0], np.uint64(rows), dtype=np.uint64)
            for r in range(rows):
                h = (h ^ sigs[:, b * rows + r]) * _MIX
                h ^= h >> np.uint64(31)
            h *= _MIX2
            h ^= h >> np.uint64(29)
            out[:, b] = h
    return out


def bucket_pairs(members: Iterable[str], max_all_pairs: int, window: int) -> Iterator[tuple[str, str]]:
    """Candidate pairs ``(small, large)`` of one LSH bucket, in a deterministic order.

    Up to ``max_all_pairs`` members: every pair. Larger buckets (typically boilerplate shared by
    very many documents) would be quadratic, so each member is paired with the ``window`` members
    that follow it in sorted order (and the first member with every member, so the bucket stays
    connected without verification). Members are rank keys; duplicates are ignored.
    """
    keys = sorted(set(members))
    n = len(keys)
    if n < 2:
        return
    if n <= max_all_pairs:
        for i in range(n):
            for j in range(i + 1, n):
                yield keys[i], keys[j]
        return
    for j in range(1, n):
        yield keys[0], keys[j]
    for i in range(1, n):
        for j in range(i + 1, min(n, i + 1 + window)):
            yield keys[i], keys[j]


def estimated_jaccard(sig_a: U64, sig_b: U64) -> float:
    """Fraction of equal signature values: an unbiased estimate of the Jaccard similarity."""
    if len(sig_a) != len(sig_b) or len(sig_a) == 0:
        raise ValueError("signatures must have the same, non-zero length")
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)


def exact_jaccard(shingles_a: U64, shingles_b: U64) -> float:
    """Jaccard similarity of two shingle-hash sets (duplicates ignored); 1.0 when both are empty."""
    a = np.unique(shingles_a)
    b = np.unique(shingles_b)
    if len(a) == 0 and len(b) == 0:
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def lsh_pairs(signatures: Sequence[U64], keys: Sequence[str], bands: int, rows: int) -> set[tuple[str, str]]:
    """All LSH candidate pairs of a small in-memory collection (tests and benchmarks; no caps)."""
    buckets: dict[bytes, list[str]] = {}
    for sig, key in zip(signatures, keys, strict=True):
        for bk in band_keys(sig, bands, rows):
            buckets.setdefault(bk, []).append(key)
    pairs: set[tuple[str, str]] = set()
    for members in buckets.values():
        pairs.update(bucket_pairs(members, max_all_pairs=1 << 30, window=0))
    return pairs
