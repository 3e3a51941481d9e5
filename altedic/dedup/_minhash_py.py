"""Pure-Python/numpy MinHash: the readable reference of the signature, bit-identical to the kernel.

This module *is* the specification of altedic's MinHash signature (version ``minhash-v1``);
``_minhash.pyx`` computes exactly the same 64-bit values in compiled code, and the test suite
(``tests/unit/test_minhash*.py``) checks both implementations against each other.

Signature of a text, step by step:

1. **Case folding**: ``text.lower()`` (Python's full Unicode lower-case mapping, so the kernel
   and the twin agree on ``İ``, ``Σ``... because both call the same method).
2. **Words**: maximal runs of code points ``c`` with ``c.isalnum()`` (Unicode letters and digits
   of any script: Latin, Greek, Cyrillic, Maltese ``ħ ġ ż``...). Everything else (spaces,
   punctuation, apostrophes, hyphens, ``_``) separates words. This is exactly the regular
   expression ``[^\\W_]+`` (CPython's ``re`` defines ``\\w`` as ``isalnum()`` or ``_``).
3. **Word hash** (64-bit): FNV-1a style over the word's code points with the golden-ratio
   multiplier, ``h = ((h ^ cp) * 0x9E3779B97F4A7C15) mod 2^64`` from ``0xCBF29CE484222325``,
   then ``fmix64(h ^ length)`` (MurmurHash3's finaliser, Appleby 2011).
4. **Shingles**: word n-grams (``ngram`` = 5 by default). A text with ``0 < m < ngram`` words
   has one shingle made of all its words; a text without words has none. Shingle hash:
   ``s = (rotl64(s, 27) ^ w) * 0x9E3779B97F4A7C15`` over the n word hashes from
   ``0x243F6A8885A308D3``, then ``fmix64(s ^ n)``.
5. **Permutations**: universal hashing modulo the Mersenne prime ``p = 2^61 - 1`` (Carter &
   Wegman 1979; Broder 1997 for MinHash): ``x = shingle mod p`` then
   ``v_k = (a_k * x + b_k) mod p`` with ``a_k`` in ``[1, p)``, ``b_k`` in ``[0, p)`` drawn from a
   SplitMix64 stream (Steele et al. 2014) seeded with the recipe's ``seed`` (:func:`make_params`).
6. **Signature**: ``sig_k = min over shingles of v_k``; every value is in ``[0, p)``. A text
   without words has the signature ``[EMPTY] * num_perm`` with ``EMPTY = 2^64 - 1``.

All arithmetic is exact (modular integers), so the compiled kernel, which uses 128-bit
products, and this module, which splits the product into 32-bit halves in numpy, give
identical bits on every platform.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

SPEC_VERSION = "minhash-v1"
MASK64 = (1 << 64) - 1
MERSENNE_P = (1 << 61) - 1
EMPTY = MASK64
"""Signature value of every slot of a text that has no words."""

WORD_SEED = 0xCBF29CE484222325
SHINGLE_SEED = 0x243F6A8885A308D3
MULT = 0x9E3779B97F4A7C15
ROT = 27
MAX_NGRAM = 64
"""Largest shingle size (the kernel keeps the last ``ngram`` word hashes in a fixed buffer)."""

_WORD_RE = re.compile(r"[^\W_]+")

U64 = npt.NDArray[np.uint64]


def fmix64(k: int) -> int:
    """MurmurHash3's 64-bit finaliser (a bijection of ``[0, 2^64)``)."""
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & MASK64
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & MASK64
    k ^= k >> 33
    return k


def _fmix64_np(k: U64) -> U64:
    k = k ^ (k >> np.uint64(33))
    k = k * np.uint64(0xFF51AFD7ED558CCD)
    k = k ^ (k >> np.uint64(33))
    k = k * np.uint64(0xC4CEB9FE1A85EC53)
    return k ^ (k >> np.uint64(33))  # type: ignore[no-any-return]


def splitmix64(state: int) -> tuple[int, int]:
    """One SplitMix64 step: returns ``(new_state, output)``, both in ``[0, 2^64)``."""
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def make_params(num_perm: int, seed: int) -> tuple[U64, U64]:
    """The ``num_perm`` permutation parameters ``(a, b)`` for ``seed`` (any int, taken mod 2^64).

    ``a_k`` is in ``[1, p)`` and ``b_k`` in ``[0, p)``; the same seed gives the same parameters
    on every machine (pure integer arithmetic).
    """
    if num_perm < 1:
        raise ValueError(f"num_perm must be >= 1, got {num_perm}")
    state = seed & MASK64
    a = np.empty(num_perm, dtype=np.uint64)
    b = np.empty(num_perm, dtype=np.uint64)
    for k in range(num_perm):
        state, r1 = splitmix64(state)
        state, r2 = splitmix64(state)
        a[k] = 1 + r1 % (MERSENNE_P - 1)
        b[k] = r2 % MERSENNE_P
    return a, b


_word_cache: dict[str, int] = {}


def word_hash(word: str) -> int:
    """64-bit hash of one (already lower-cased) word, over its code points."""
    h = _word_cache.get(word)
    if h is None:
        h = WORD_SEED
        for ch in word:
            h = ((h ^ ord(ch)) * MULT) & MASK64
        h = fmix64(h ^ len(word))
        if len(_word_cache) < 1_000_000:  # bounded memo: words repeat a lot (Zipf)
            _word_cache[word] = h
    return h


def words(text: str) -> list[str]:
    """The words of ``text`` after case folding (steps 1-2 of the specification)."""
    return _WORD_RE.findall(text.lower())


def shingle_hashes(text: str, ngram: int) -> U64:
    """64-bit hashes of every shingle of ``text`` in text order (duplicates kept); empty if no words."""
    if not 1 <= ngram <= MAX_NGRAM:
        raise ValueError(f"ngram must be in [1, {MAX_NGRAM}], got {ngram}")
    w = np.fromiter((word_hash(x) for x in words(text)), dtype=np.uint64)
    m = len(w)
    if m == 0:
        return np.empty(0, dtype=np.uint64)
    n = min(ngram, m)
    count = m - n + 1
    s = np.full(count, SHINGLE_SEED, dtype=np.uint64)
    rot, rrot, mult = np.uint64(ROT), np.uint64(64 - ROT), np.uint64(MULT)
    for j in range(n):
        s = ((s << rot) | (s >> rrot)) ^ w[j : j + count]
        s = s * mult
    return _fmix64_np(s ^ np.uint64(n))


_P = np.uint64(MERSENNE_P)
_S61 = np.uint64(61)
_S32 = np.uint64(32)
_S29 = np.uint64(29)
_LO32 = np.uint64(0xFFFFFFFF)
_LO29 = np.uint64((1 << 29) - 1)


def _mod_p(x: U64) -> U64:
    """``x mod p`` for any uint64 ``x`` (one Mersenne fold then one conditional subtraction)."""
    r = (x & _P) + (x >> _S61)
    return np.where(r >= _P, r - _P, r)  # type: ignore[no-any-return]


def permute(x: U64, a: U64, b: U64) -> U64:
    """``(a_k * x_i + b_k) mod p`` for every shingle ``i`` and permutation ``k``: shape (len(x), len(a)).

    ``x``, ``a``, ``b`` must be in ``[0, p)``. The 122-bit product is split into 32-bit halves so
    that every partial sum fits in uint64 (``2^64 ≡ 8`` and ``2^61 ≡ 1`` modulo ``p``).
    """
    xc = x[:, None]
    x_hi, x_lo = xc >> _S32, xc & _LO32
    a_hi, a_lo = a >> _S32, a & _LO32
    hh = (a_hi * x_hi) << np.uint64(3)  # a_hi*x_hi*2^64 ≡ 8*a_hi*x_hi; < 2^61
    mid = a_hi * x_lo + a_lo * x_hi  # < 2^62; mid*2^32 = (mid>>29)*2^61 + (mid&(2^29-1))*2^32
    ll = a_lo * x_lo  # < 2^64
    total = hh + (mid >> _S29) + ((mid & _LO29) << _S32) + (ll & _P) + (ll >> _S61) + b
    return _mod_p(total)


def signature(text: str, a: U64, b: U64, ngram: int) -> U64:
    """The MinHash signature of one text: ``len(a)`` uint64 values (see the module docstring)."""
    sh = shingle_hashes(text, ngram)
    if len(sh) == 0:
        return np.full(len(a), EMPTY, dtype=np.uint64)
    return permute(_mod_p(sh), a, b).min(axis=0)  # type: ignore[no-any-return]


def signatures(texts: Sequence[str], a: U64, b: U64, ngram: int) -> U64:
    """Signatures of a batch of texts: array of shape ``(len(texts), len(a))``, dtype uint64."""
    out = np.empty((len(texts), len(a)), dtype=np.uint64)
    for i, t in enumerate(texts):
        out[i] = signature(t, a, b, ngram)
    return out


def min_shingle_hashes(texts: Sequence[str], ngram: int) -> U64:
    """Smallest raw shingle hash of each text (EMPTY when it has no words).

    The "hash every shingle once" floor of the benchmark: all the work of a signature except the
    permutations.
    """
    out = np.empty(len(texts), dtype=np.uint64)
    for i, t in enumerate(texts):
        sh = shingle_hashes(t, ngram)
        out[i] = sh.min() if len(sh) else np.uint64(EMPTY)
    return out
