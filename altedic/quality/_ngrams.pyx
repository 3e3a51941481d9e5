# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled n-gram kernel of the quality signals: top n-gram and duplicated n-gram character counts.

The specification (and the readable twin) is :mod:`altedic.quality._ngrams_py`; this module gives
the same integers, hence bit-identical signals (``tests/unit/test_quality_equivalence.py`` checks
both against the frozen first implementation, ``tests/quality_reference.py``). It exists because
the profile of the twin showed these two measures, one Python object per (n, position) for
n = 2..10, taking about 75 % of the quality stage's time.

Definitions (datatrove 0.10.1, ``GopherRepetitionFilter``; Rae et al. 2021, table A1):

* top n-gram: n-grams are token tuples (datatrove joins them with spaces; tokens hold no
  whitespace, so equal strings are equal tuples); the result is the length of the most frequent
  one, joined with spaces, times its count; ties go to the one seen first
  (``Counter.most_common(1)``); 0 when there is no n-gram.
* duplicated n-grams: n-grams are the concatenations of their tokens with *no* separator (so
  different token sequences with the same characters are equal); a greedy left-to-right scan adds
  the length of an n-gram already seen at a visited position and jumps ``n`` positions, else
  remembers it and moves one position (datatrove's ``find_all_duplicate``).

How: the tokens are joined once (``"".join``, one C call) and read in place (PEP 393 storage, 1,
2 or 4 bytes per code point). Each token gets a polynomial hash ``H(s) = sum((s[j]+1) * B**(len-1-j))``
mod 2**64 and ``B**len``, so the hash of a concatenation is folded from its tokens' hashes
(``H(xy) = H(x) * B**len(y) + H(y)``) in n steps, whatever the token boundaries. An open-addressing
table keyed by that hash holds the first position of each distinct n-gram; every hash match is
confirmed by comparing the characters (``memcmp``) and, for top n-grams, the token lengths, so a
hash collision can never change a result. The loops run without the GIL.
"""

from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcmp, memset
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND

SPEC_VERSION = "quality-ngrams-1"
"""The definitions above; the twin (``_ngrams_py.SPEC_VERSION``) must name the same."""

cdef uint64_t _BASE = 0x100000001B3ULL  # odd: the FNV-64 prime
cdef uint64_t _MIX = 0x9E3779B97F4A7C15ULL  # Fibonacci hashing multiplier (slot index)


cdef struct Grams:
    const char *data  # the concatenated tokens
    Py_ssize_t kind  # bytes per code unit
    Py_ssize_t *off  # off[k]: first code unit of token k; off[ntok] = total length
    uint64_t *th  # polynomial hash of token k
    uint64_t *bp  # _BASE ** len(token k)
    Py_ssize_t *pos  # table: first position of the n-gram in the slot, -1 = empty
    uint64_t *hashes  # table: hash of the n-gram in the slot
    Py_ssize_t *count  # table: occurrences (top n-grams)
    Py_ssize_t shift  # 64 - log2(table size)
    Py_ssize_t mask  # table size - 1


cdef inline uint64_t _unit(const char *data, Py_ssize_t kind, Py_ssize_t j) noexcept nogil:
    if kind == 1:
        return (<const uint8_t *> data)[j]
    if kind == 2:
        return (<const uint16_t *> data)[j]
    return (<const uint32_t *> data)[j]


cdef inline bint _same_chars(Grams *g, Py_ssize_t a, Py_ssize_t b, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t length = g.off[a + n] - g.off[a]
    if g.off[b + n] - g.off[b] != length:
        return False
    return memcmp(g.data + g.kind * g.off[a], g.data + g.kind * g.off[b], g.kind * length) == 0


cdef inline bint _same_tokens(Grams *g, Py_ssize_t a, Py_ssize_t b, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n):
        if g.off[a + k + 1] - g.off[a + k] != g.off[b + k + 1] - g.off[b + k]:
            return False
    return _same_chars(g, a, b, n)


cdef inline Py_ssize_t _find(Grams *g, uint64_t h, Py_ssize_t i, Py_ssize_t n, bint tokens) noexcept nogil:
    """Slot holding n-gram ``i`` (>= 0), or ``-1 - free slot`` where it would go."""
    cdef Py_ssize_t slot = <Py_ssize_t> ((h * _MIX) >> g.shift)
    cdef Py_ssize_t p
    while True:
        p = g.pos[slot]
        if p < 0:
            return -1 - slot
        if g.hashes[slot] == h:
            if (_same_tokens(g, p, i, n) if tokens else _same_chars(g, p, i, n)):
                return slot
        slot = (slot + 1) & g.mask


cdef Py_ssize_t _top_chars(Grams *g, Py_ssize_t ntok, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t m = ntok - n + 1, i, k, slot, best = -1, best_count = 0
    cdef uint64_t h
    if m <= 0:
        return 0
    memset(g.pos, 0xFF, (g.mask + 1) * sizeof(Py_ssize_t))
    for i in range(m):
        h = 0
        for k in range(n):
            h = h * _MIX + g.th[i + k]
        slot = _find(g, h, i, n, True)
        if slot >= 0:
            g.count[slot] += 1
        else:
            slot = -1 - slot
            g.pos[slot] = i
            g.hashes[slot] = h
            g.count[slot] = 1
    for slot in range(g.mask + 1):  # most frequent; among equals the first seen (lowest position)
        i = g.pos[slot]
        if i >= 0 and (g.count[slot] > best_count or (g.count[slot] == best_count and i < best)):
            best, best_count = i, g.count[slot]
    return (g.off[best + n] - g.off[best] + n - 1) * best_count


cdef Py_ssize_t _dup_chars(Grams *g, Py_ssize_t ntok, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t m = ntok - n + 1, i = 0, k, slot, total = 0
    cdef uint64_t h
    if m <= 0:
        return 0
    memset(g.pos, 0xFF, (g.mask + 1) * sizeof(Py_ssize_t))
    while i < m:
        h = 0
        for k in range(n):  # hash of the concatenation, whatever the token boundaries
            h = h * g.bp[i + k] + g.th[i + k]
        slot = _find(g, h, i, n, False)
        if slot >= 0:
            total += g.off[i + n] - g.off[i]
            i += n
        else:
            slot = -1 - slot
            g.pos[slot] = i
            g.hashes[slot] = h
            i += 1
    return total


def ngram_chars(list tokens, tuple top_ns, tuple dup_ns):
    """``([top n-gram chars for n in top_ns], [duplicated n-gram chars for n in dup_ns])``.

    ``tokens``: non-empty strings without whitespace (:func:`altedic.quality.signals.tokenize`);
    ``top_ns``/``dup_ns``: n >= 1. Characters are code points; see the module docstring.
    """
    cdef Py_ssize_t ntok = len(tokens), k, j, size = 1, bits = 0, n
    cdef str concat = "".join(tokens)
    cdef Grams g
    cdef uint64_t h, p
    cdef list top = [], dup = []
    for n in top_ns:
        if n < 1:
            raise ValueError(f"n-gram size must be >= 1, got {n}")
    for n in dup_ns:
        if n < 1:
            raise ValueError(f"n-gram size must be >= 1, got {n}")
    while size < 2 * ntok + 2:
        size <<= 1
        bits += 1
    g.data = <const char *> PyUnicode_DATA(concat)
    g.kind = PyUnicode_KIND(concat)
    g.shift = 64 - bits if bits else 63
    g.mask = size - 1
    g.off = <Py_ssize_t *> malloc((ntok + 1) * sizeof(Py_ssize_t))
    g.th = <uint64_t *> malloc((ntok + 1) * sizeof(uint64_t))
    g.bp = <uint64_t *> malloc((ntok + 1) * sizeof(uint64_t))
    g.pos = <Py_ssize_t *> malloc(size * sizeof(Py_ssize_t))
    g.hashes = <uint64_t *> malloc(size * sizeof(uint64_t))
    g.count = <Py_ssize_t *> malloc(size * sizeof(Py_ssize_t))
    try:
        if not (g.off and g.th and g.bp and g.pos and g.hashes and g.count):
            raise MemoryError()
        g.off[0] = 0
        for k in range(ntok):
            g.off[k + 1] = g.off[k] + len(<str> tokens[k])
        with nogil:
            for k in range(ntok):
                h = 0
                p = 1
                for j in range(g.off[k], g.off[k + 1]):
                    h = h * _BASE + _unit(g.data, g.kind, j) + 1
                    p = p * _BASE
                g.th[k] = h
                g.bp[k] = p
        for n in top_ns:
            with nogil:
                j = _top_chars(&g, ntok, n)
            top.append(j)
        for n in dup_ns:
            with nogil:
                j = _dup_chars(&g, ntok, n)
            dup.append(j)
    finally:
        free(g.off)
        free(g.th)
        free(g.bp)
        free(g.pos)
        free(g.hashes)
        free(g.count)
    return top, dup
