# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled MinHash kernel: text -> word n-gram shingles -> 64-bit hashes -> signature, in one pass.

The specification (and the readable twin) is :mod:`altedic.dedup._minhash_py`; this module gives
bit-identical results. Design, following the profile of the twin (the time goes into shingle
hashing and the ``num_perm`` multiply-mod operations per shingle):

* The only Python-level work per document is ``str.lower()`` (CPython's full Unicode case
  mapping, the same call the twin makes). The kernel then reads the lowered string's code
  points in place (PEP 393 storage, 1, 2 or 4 bytes per code point) with the GIL released: no
  Python list of words or shingles is ever built.
* Words are hashed as they are scanned; the last ``ngram`` word hashes live in a small ring
  buffer, and each shingle hash is combined from it and immediately folded into the signature.
* A whole batch of documents is processed in one ``with nogil`` block, so a Beam worker (or
  any thread pool) can run other Python threads meanwhile.
* ``(a*x + b) mod (2^61 - 1)`` uses a 128-bit product (GCC/Clang ``unsigned __int128``) and
  two Mersenne folds.
"""

from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from cpython.bytes cimport PyBytes_FromStringAndSize


cdef extern from *:
    """
    #include <stdint.h>
    typedef unsigned __int128 altedic_u128;
    #define ALTEDIC_P 0x1FFFFFFFFFFFFFFFULL
    #define ALTEDIC_EMPTY 0xFFFFFFFFFFFFFFFFULL
    #define ALTEDIC_WORD_SEED 0xCBF29CE484222325ULL
    #define ALTEDIC_SHINGLE_SEED 0x243F6A8885A308D3ULL
    #define ALTEDIC_MULT 0x9E3779B97F4A7C15ULL
    #define ALTEDIC_FMIX1 0xFF51AFD7ED558CCDULL
    #define ALTEDIC_FMIX2 0xC4CEB9FE1A85EC53ULL

    /* The permutation loop: sig[k] = min(sig[k], (a[k]*x + b[k]) mod p) for k < n, x < p.
       Scalar version: one 128-bit product and two Mersenne folds per permutation. */
    static void altedic_fold_scalar(uint64_t x, const uint64_t *a, const uint64_t *a_hi,
                                    const uint64_t *a_lo, const uint64_t *b,
                                    Py_ssize_t n, uint64_t *sig) {
        (void)a_hi; (void)a_lo;
        for (Py_ssize_t k = 0; k < n; k++) {
            altedic_u128 prod = (altedic_u128)a[k] * x + b[k];
            uint64_t r = ((uint64_t)prod & ALTEDIC_P) + (uint64_t)(prod >> 61);
            r = (r & ALTEDIC_P) + (r >> 61);
            if (r >= ALTEDIC_P) r -= ALTEDIC_P;
            if (r < sig[k]) sig[k] = r;
        }
    }

    /* SIMD-friendly version of the same arithmetic: the 122-bit product split into 32-bit
       halves (2^64 = 8 and 2^61 = 1 mod p), every partial sum below 2^64, so the compiler
       vectorises it with 32x32->64-bit multiplies (vpmuludq). Exact, hence bit-identical to
       the scalar version. Compiled for AVX2 / AVX-512F and chosen at run time. */
    #define ALTEDIC_FOLD_SPLIT_BODY                                                       \
        const uint64_t x_hi = x >> 32, x_lo = x & 0xFFFFFFFFULL;                          \
        for (Py_ssize_t k = 0; k < n; k++) {                                              \
            uint64_t ah = a_hi[k], al = a_lo[k];                                          \
            uint64_t hh = ((uint64_t)(uint32_t)ah * (uint32_t)x_hi) << 3;                 \
            uint64_t mid = (uint64_t)(uint32_t)ah * (uint32_t)x_lo                        \
                         + (uint64_t)(uint32_t)al * (uint32_t)x_hi;                       \
            uint64_t ll = (uint64_t)(uint32_t)al * (uint32_t)x_lo;                        \
            uint64_t t = hh + (mid >> 29) + ((mid & 0x1FFFFFFFULL) << 32)                 \
                       + (ll & ALTEDIC_P) + (ll >> 61) + b[k];                            \
            uint64_t r = (t & ALTEDIC_P) + (t >> 61);                                     \
            r = r >= ALTEDIC_P ? r - ALTEDIC_P : r;                                       \
            sig[k] = r < sig[k] ? r : sig[k];                                             \
        }

    #if (defined(__x86_64__) || defined(_M_X64)) && defined(__GNUC__)
    #define ALTEDIC_HAVE_X86_CLONES 1
    __attribute__((target("avx2")))
    static void altedic_fold_avx2(uint64_t x, const uint64_t *a, const uint64_t *a_hi,
                                  const uint64_t *a_lo, const uint64_t *b,
                                  Py_ssize_t n, uint64_t *sig) {
        (void)a;
        ALTEDIC_FOLD_SPLIT_BODY
    }
    __attribute__((target("avx512f")))
    static void altedic_fold_avx512(uint64_t x, const uint64_t *a, const uint64_t *a_hi,
                                    const uint64_t *a_lo, const uint64_t *b,
                                    Py_ssize_t n, uint64_t *sig) {
        (void)a;
        ALTEDIC_FOLD_SPLIT_BODY
    }
    #else
    #define ALTEDIC_HAVE_X86_CLONES 0
    #endif

    typedef void (*altedic_fold_fn)(uint64_t, const uint64_t *, const uint64_t *,
                                    const uint64_t *, const uint64_t *, Py_ssize_t, uint64_t *);
    typedef altedic_fold_fn fold_fn;

    /* 0 = scalar, 1 = avx2, 2 = avx512f (best the CPU supports unless a lower one is asked). */
    static int altedic_best_isa(void) {
    #if ALTEDIC_HAVE_X86_CLONES
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f")) return 2;
        if (__builtin_cpu_supports("avx2")) return 1;
    #endif
        return 0;
    }

    static altedic_fold_fn altedic_fold_for(int isa) {
    #if ALTEDIC_HAVE_X86_CLONES
        if (isa == 2) return altedic_fold_avx512;
        if (isa == 1) return altedic_fold_avx2;
    #endif
        return altedic_fold_scalar;
    }
    """
    ctypedef unsigned long long altedic_u128
    # 64-bit constants as C literals (Cython would otherwise make Python ints of them).
    const uint64_t P "ALTEDIC_P"
    const uint64_t EMPTY "ALTEDIC_EMPTY"
    const uint64_t WORD_SEED "ALTEDIC_WORD_SEED"
    const uint64_t SHINGLE_SEED "ALTEDIC_SHINGLE_SEED"
    const uint64_t MULT "ALTEDIC_MULT"
    const uint64_t FMIX1 "ALTEDIC_FMIX1"
    const uint64_t FMIX2 "ALTEDIC_FMIX2"
    ctypedef void (*fold_fn)(uint64_t, const uint64_t*, const uint64_t*, const uint64_t*,
                             const uint64_t*, Py_ssize_t, uint64_t*) noexcept nogil
    int altedic_best_isa() nogil
    fold_fn altedic_fold_for(int isa) nogil


cdef extern from "Python.h":
    unsigned int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch) nogil


cdef enum:
    KERNEL_VERSION = 1
    MAX_NGRAM = 64

# Py_UNICODE_ISALNUM for the Basic Multilingual Plane as a bitmap (8 KiB), computed once at
# import from CPython's own Unicode database, so the kernel agrees with str.isalnum() (and the
# twin's regular expression) by construction. Astral code points call the function.
cdef uint8_t _ALNUM_BMP[8192]
cdef uint32_t _c
for _c in range(65536):
    if Py_UNICODE_ISALNUM(<Py_UCS4>_c):
        _ALNUM_BMP[_c >> 3] |= <uint8_t>(1 << (_c & 7))
    else:
        _ALNUM_BMP[_c >> 3] &= <uint8_t>~(1 << (_c & 7))

cdef int _BEST_ISA = altedic_best_isa()
cdef int _ISA = _BEST_ISA
cdef fold_fn _FOLD = altedic_fold_for(_ISA)
_ISA_NAMES = ("scalar", "avx2", "avx512f")

SPEC_VERSION = "minhash-v1"


def kernel_version() -> int:
    """Version of the compiled kernel's interface (bumped when the interface changes)."""
    return KERNEL_VERSION


def isa() -> str:
    """Instruction set of the permutation loop in use: ``scalar``, ``avx2`` or ``avx512f``."""
    return _ISA_NAMES[_ISA]


def set_isa(str name) -> str:
    """Use the permutation loop for ``name`` (``scalar``/``avx2``/``avx512f``/``best``); returns the one set.

    For tests and benchmarks: every variant computes the same exact arithmetic. Raises
    ValueError for an unknown name or one the CPU does not support.
    """
    global _ISA, _FOLD
    cdef int want
    if name == "best":
        want = _BEST_ISA
    elif name in _ISA_NAMES:
        want = _ISA_NAMES.index(name)
    else:
        raise ValueError(f"unknown ISA {name!r}; one of {_ISA_NAMES + ('best',)}")
    if want > _BEST_ISA:
        raise ValueError(f"this CPU does not support {name}; best is {_ISA_NAMES[_BEST_ISA]}")
    _ISA = want
    _FOLD = altedic_fold_for(want)
    return _ISA_NAMES[_ISA]


cdef inline uint64_t fmix64(uint64_t k) noexcept nogil:
    k ^= k >> 33
    k *= FMIX1
    k ^= k >> 33
    k *= FMIX2
    k ^= k >> 33
    return k


cdef inline bint is_alnum(Py_UCS4 c) noexcept nogil:
    cdef uint32_t u = <uint32_t>c
    if u < 65536:
        return (_ALNUM_BMP[u >> 3] >> (u & 7)) & 1
    return Py_UNICODE_ISALNUM(c)


cdef inline Py_UCS4 read_cp(const void* data, unsigned int kind, Py_ssize_t i) noexcept nogil:
    if kind == 1:
        return (<const uint8_t*>data)[i]
    elif kind == 2:
        return (<const uint16_t*>data)[i]
    return (<const uint32_t*>data)[i]


cdef inline uint64_t combine(const uint64_t* words, int n) noexcept nogil:
    """Shingle hash of the ``n`` consecutive word hashes ``words[0:n]``."""
    cdef uint64_t s = SHINGLE_SEED
    cdef int j
    for j in range(n):
        s = ((s << 27) | (s >> 37)) ^ words[j]
        s *= MULT
    return fmix64(s ^ <uint64_t>n)


cdef inline uint64_t mod_p(uint64_t x) noexcept nogil:
    cdef uint64_t r = (x & P) + (x >> 61)
    if r >= P:
        r -= P
    return r


cdef struct Perms:
    const uint64_t* a
    const uint64_t* a_hi
    const uint64_t* a_lo
    const uint64_t* b
    Py_ssize_t n


# What to do with each shingle hash: fold it into a signature, keep it, or track the minimum.
cdef enum Mode:
    MODE_SIGNATURE = 0
    MODE_COLLECT = 1
    MODE_MIN = 2


cdef inline void emit(uint64_t s, Mode mode, const Perms* perms, uint64_t* out, Py_ssize_t idx,
                      fold_fn fold) noexcept nogil:
    if mode == MODE_SIGNATURE:
        fold(mod_p(s), perms.a, perms.a_hi, perms.a_lo, perms.b, perms.n, out)
    elif mode == MODE_COLLECT:
        out[idx] = s
    elif s < out[0]:
        out[0] = s


cdef Py_ssize_t scan(const void* data, unsigned int kind, Py_ssize_t length, int ngram, Mode mode,
                     const Perms* perms, uint64_t* out, fold_fn fold) noexcept nogil:
    """Walk one lowered text; returns the number of shingles.

    MODE_SIGNATURE folds every shingle into ``out[0:perms.n]`` (pre-filled with EMPTY);
    MODE_COLLECT writes shingle hashes to ``out`` (room for ``length // 2 + 1`` values is enough:
    words are separated, so a text of L code points has at most ceil(L/2) words);
    MODE_MIN keeps the minimum in ``out[0]`` (pre-filled with EMPTY).

    The last ``ngram`` word hashes live in a doubled ring (each hash stored at ``pos`` and
    ``pos + ngram``), so the current window is always the contiguous ``ring[pos+1:pos+1+ngram]``
    and no modulo is needed per shingle.
    """
    cdef uint64_t ring[2 * MAX_NGRAM]
    cdef Py_ssize_t i = 0, nwords = 0, nshingles = 0, wlen
    cdef int pos = ngram - 1
    cdef Py_UCS4 c
    cdef uint64_t h
    while i < length:
        c = read_cp(data, kind, i)
        if not is_alnum(c):
            i += 1
            continue
        h = WORD_SEED
        wlen = 0
        while True:
            h = (h ^ <uint64_t>c) * MULT
            wlen += 1
            i += 1
            if i >= length:
                break
            c = read_cp(data, kind, i)
            if not is_alnum(c):
                break
        h = fmix64(h ^ <uint64_t>wlen)
        pos += 1
        if pos == ngram:
            pos = 0
        ring[pos] = h
        ring[pos + ngram] = h
        nwords += 1
        if nwords >= ngram:
            emit(combine(&ring[pos + 1], ngram), mode, perms, out, nshingles, fold)
            nshingles += 1
    if 0 < nwords < ngram:
        # Fewer words than the shingle size: one shingle of all of them (slots 0..nwords-1).
        emit(combine(&ring[0], <int>nwords), mode, perms, out, nshingles, fold)
        nshingles += 1
    return nshingles


cdef int _check_ngram(int ngram) except -1:
    if ngram < 1 or ngram > MAX_NGRAM:
        raise ValueError(f"ngram must be in [1, {MAX_NGRAM}], got {ngram}")
    return 0


def signatures_into(list texts, const uint64_t[::1] a, const uint64_t[::1] b, int ngram,
                    uint64_t[:, ::1] out) -> None:
    """Write the signature of ``texts[i]`` to ``out[i, :]`` (shape ``(len(texts), len(a))``).

    ``a`` and ``b`` come from :func:`altedic.dedup._minhash_py.make_params` (values in
    ``[0, 2^61 - 1)``). ``texts`` must be ``str``. The GIL is released for the whole batch after
    lower-casing.
    """
    _check_ngram(ngram)
    cdef Py_ssize_t n = len(texts), nperm = a.shape[0], i, k
    if b.shape[0] != nperm:
        raise ValueError("a and b must have the same length")
    if out.shape[0] != n or out.shape[1] != nperm:
        raise ValueError(f"out must have shape ({n}, {nperm})")
    if n == 0 or nperm == 0:
        return
    for i in range(n):
        if type(texts[i]) is not str:
            raise TypeError(f"texts[{i}] is {type(texts[i]).__name__}, not str")
    lowered = [t.lower() for t in texts]  # keeps the lowered strings alive during the nogil block
    cdef const void** datas = <const void**>malloc(n * sizeof(void*))
    cdef unsigned int* kinds = <unsigned int*>malloc(n * sizeof(unsigned int))
    cdef Py_ssize_t* lengths = <Py_ssize_t*>malloc(n * sizeof(Py_ssize_t))
    cdef uint64_t* halves = <uint64_t*>malloc(2 * nperm * sizeof(uint64_t))
    cdef Perms perms
    cdef fold_fn fold = _FOLD
    if datas == NULL or kinds == NULL or lengths == NULL or halves == NULL:
        free(datas); free(kinds); free(lengths); free(halves)
        raise MemoryError()
    try:
        for k in range(nperm):
            halves[k] = a[k] >> 32
            halves[nperm + k] = a[k] & 0xFFFFFFFF
        perms.a = &a[0]
        perms.a_hi = halves
        perms.a_lo = halves + nperm
        perms.b = &b[0]
        perms.n = nperm
        for i in range(n):
            s = lowered[i]
            datas[i] = PyUnicode_DATA(s)
            kinds[i] = PyUnicode_KIND(s)
            lengths[i] = PyUnicode_GET_LENGTH(s)
        with nogil:
            for i in range(n):
                for k in range(nperm):
                    out[i, k] = EMPTY
                scan(datas[i], kinds[i], lengths[i], ngram, MODE_SIGNATURE, &perms, &out[i, 0], fold)
    finally:
        free(datas); free(kinds); free(lengths); free(halves)


def shingle_hashes(str text, int ngram) -> bytes:
    """The 64-bit hashes of every shingle of ``text`` in text order, as native uint64 bytes."""
    _check_ngram(ngram)
    lowered = text.lower()
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(lowered), count
    cdef const void* data = PyUnicode_DATA(lowered)
    cdef unsigned int kind = PyUnicode_KIND(lowered)
    cdef uint64_t* buf = <uint64_t*>malloc((length // 2 + 2) * sizeof(uint64_t))
    if buf == NULL:
        raise MemoryError()
    try:
        with nogil:
            count = scan(data, kind, length, ngram, MODE_COLLECT, NULL, buf, _FOLD)
        return PyBytes_FromStringAndSize(<char*>buf, count * sizeof(uint64_t))
    finally:
        free(buf)


def min_shingle_hashes_into(list texts, int ngram, uint64_t[::1] out) -> None:
    """``out[i]`` = smallest shingle hash of ``texts[i]`` (EMPTY if none): the benchmark's floor.

    Same lower-casing, scanning, word hashing and shingle hashing as :func:`signatures_into`,
    without the permutations: the cost of hashing every shingle once.
    """
    _check_ngram(ngram)
    cdef Py_ssize_t n = len(texts), i
    if out.shape[0] != n:
        raise ValueError(f"out must have length {n}")
    lowered = [t.lower() for t in texts]
    cdef const void* data
    cdef unsigned int kind
    cdef Py_ssize_t length
    for i in range(n):
        s = lowered[i]
        data = PyUnicode_DATA(s)
        kind = PyUnicode_KIND(s)
        length = PyUnicode_GET_LENGTH(s)
        with nogil:
            out[i] = EMPTY
            scan(data, kind, length, ngram, MODE_MIN, NULL, &out[i], _FOLD)
