# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""fastText prediction without per-n-gram allocations (compiled kernel of altedic.langid).

Re-implements, for prediction only, fastText 0.9.x (src/dictionary.cc ``getLine``, ``readWord``,
``addSubwords``, ``computeSubwords``, ``pushHash``, ``addWordNgrams``; src/model.cc
``computeHidden``; src/loss.cc ``HierarchicalSoftmaxLoss::dfs``, ``SoftmaxLoss::computeOutput``,
``BinaryLogisticLoss::computeOutput`` with ``Loss::sigmoid``'s table, ``Loss::findKBest``) over
the arrays of :mod:`altedic.langid.ftmodel`, in the same float32 arithmetic and the same order,
so that the probabilities equal those of ``fasttext-predict`` (tests/unit/test_fastlid.py checks
it on real text with lid.176 and on tiny models of every loss and n-gram setting).

One deliberate difference, documented in :func:`predict`: the line separators fastText would
reject or keep inside words (``\\n``, U+0085, U+2028, U+2029) are word separators here, as
:func:`altedic.langid.model.clean_for_model` made them before.

Where the time goes (paragraphs of ~500 characters, ~2,000 n-gram rows each): reading the rows
of the 3.2 MB input matrix and the n-gram -> row index. Hence: the index keeps each (bucket,
row) pair in one cache line, and a bit per bucket says whether the index has it at all (~80 %
of a new word's n-grams it has not: one bit in 250 kB instead of a probe; version 4);
``h % bucket`` is Lemire's multiply-shift remainder (exact for 32-bit values); the tree of the
hierarchical softmax is searched as fastText searches it (depth first, skipping subtrees below
the k-th best leaf found) instead of scoring all 175 nodes; and
a word cache: a word (of at most 32 UTF-8 bytes) maps to the list of its input rows (its own row,
then its n-gram rows after the prune index), so a word seen before costs one look-up instead of
~25 hashes and index probes. The cache holds rows, not sums: the rows are still added one by one
in fastText's order, so the arithmetic (and every probability) is the same whether a word was in
the cache or not, and a result never depends on what was predicted before (32,768 slots, direct
mapped, 4 MB of rows; emptied when full).

Version 6: the memory is asked for what is read next before it is needed (``__builtin_prefetch``
hints, which change no result): a text's words are found and hashed 64 at a time ahead of their
rows, each word's cache slot asked for as it is found; while a word's rows are added, the rows of the next word, if the cache
holds it; and a new word's n-grams are looked up in steps (all their bits, then the index slots
of those whose bit is set, then their rows), so that the waits of one n-gram overlap those of
the others instead of following them. Every probability is bit for bit as before. The kernel
alone, first pass over the benchmark's 8,000 paragraphs, alternated with version 5: 1.14 times as
fast in one process (median of 12 pairs), 1.21 in separate processes (8 pairs); the machine's
swings are as large (docs/langid.md, Twenty-fourth session).

:func:`dominant_scripts` (the script of most letters of a text) lives here too: the regex count
of :func:`altedic.langid.policy.dominant_script`, its readable twin, costs 50-80 us on a Greek or
Cyrillic paragraph, this loop ~1 us. So do the policy's other hot loops, each the compiled
double of a Python twin in :mod:`altedic.langid.policy` with the same results (tested there and
in tests/unit/test_fastlid.py; ``ALTEDIC_PURE_PYTHON=1`` runs the twins): :class:`EvidenceIndex`
(the evidence count of a confusable group or regional neighbour), :class:`FirstLook` (the first
look of the regional check), :func:`round4` / :func:`rounded_top` (``round(x, 4)``) and
:func:`probs_of`. Profile first (docs/langid.md, Speed): they are here because the first pass
over new documents spent its time there.

Not thread-safe: a :class:`FastLid` has one scratch buffer, so ``predict`` keeps the GIL (one
call at a time per process; the language stage runs one instance per worker).
"""

from libc.math cimport exp, expf, log
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcmp, memcpy, memset
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    PyUnicode_AsUTF8AndSize,
    PyUnicode_Contains,
    PyUnicode_Count,
    Py_UNICODE_ISSPACE,
    PyUnicode_1BYTE_KIND,
    PyUnicode_2BYTE_KIND,
    PyUnicode_4BYTE_KIND,
    PyUnicode_FromKindAndData,
    PyUnicode_DATA,
    PyUnicode_KIND,
    PyUnicode_READ,
)
from libc.stdint cimport INT64_MAX

import numpy as np

KERNEL_VERSION = 6

cdef extern from *:
    """
    static inline int altedic_is_sep(const unsigned char* s, Py_ssize_t i, Py_ssize_t n, int* len) {
        unsigned char c = s[i];
        if (c == ' ' || c == '\\n' || c == '\\r' || c == '\\t' || c == '\\v' || c == '\\f' || c == 0) { *len = 1; return 1; }
        if (c == 0xC2 && i + 1 < n && s[i + 1] == 0x85) { *len = 2; return 1; }
        if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) { *len = 3; return 1; }
        *len = 0;
        return 0;
    }
    """
    int altedic_is_sep(const unsigned char* s, Py_ssize_t i, Py_ssize_t n, int* len) nogil

cdef extern from *:
    """
    /* Lemire, Kaser, Kurz, "Faster remainder by direct computation" (2019): a % d for 32-bit a
       with M = 2^64 / d + 1, exact for every 32-bit a and d. */
    static inline uint32_t altedic_fastmod(uint32_t a, uint64_t M, uint32_t d) {
        uint64_t low = M * a;
        return (uint32_t)(((__uint128_t)low * d) >> 64);
    }
    """
    uint32_t altedic_fastmod(uint32_t a, uint64_t M, uint32_t d) nogil

cdef extern from *:
    """
    /* one input row added to the hidden vector, element by element as fastText does (dim 16 is
       lid.176's: a fixed trip count the compiler vectorises) */
    static inline void altedic_add16(float* __restrict h, const float* __restrict r) {
        for (int j = 0; j < 16; j++) h[j] += r[j];
    }
    """
    void altedic_add16(float* h, const float* r) nogil

cdef extern from *:
    """
    #define altedic_prefetch(p) __builtin_prefetch((const void*)(p), 0, 3)
    """
    void altedic_prefetch(const void* p) nogil


DEF WC_KEY = 32  # words of at most this many UTF-8 bytes are cached
DEF WC_SLOTS = 1 << 15  # cache slots (direct mapped)
DEF WC_ARENA = 1 << 20  # row indices the cache holds in all; emptied when full
DEF NG_CHUNK = 128  # n-grams of a word looked up together (subwords)
DEF TOK_BLOCK = 64  # words of a text found (and their cache slots asked for) ahead of their rows
DEF SIGMOID_TABLE_SIZE = 512  # fastText src/loss.cc
DEF MAX_SIGMOID = 8

cdef struct WEntry:
    uint32_t hash  # fnv of the word
    int32_t len  # bytes of the word; 0: empty slot
    int32_t off  # its rows: wc_rows[off:off + nrows]
    int32_t nrows
    unsigned char key[WC_KEY]


cdef inline uint32_t fnv(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    # Dictionary::hash: FNV-1a over the bytes, each byte sign-extended (int8_t) first.
    cdef uint32_t h = 2166136261u
    cdef Py_ssize_t i
    for i in range(n):
        h = h ^ <uint32_t>(<int8_t>s[i])
        h = h * 16777619u
    return h


cdef class FastLid:
    """A loaded fastText supervised model: ``predict(texts, k)`` in batches."""

    cdef int dim, minn, maxn, word_ngrams, loss, nwords, nlabels, nrows
    cdef uint32_t bucket
    cdef uint64_t bucket_m
    cdef const float* inp_p
    cdef int eos_id
    cdef float[:, ::1] inp
    cdef float[:, ::1] out
    cdef int32_t[::1] left, right
    # vocabulary: open addressing over fnv hashes, word bytes concatenated
    cdef int32_t[::1] vt_idx
    cdef uint32_t[::1] vt_hash
    cdef uint32_t vmask
    cdef const unsigned char[::1] wbytes
    cdef int64_t[::1] woff
    cdef int8_t[::1] wtype
    # prune index: bucket -> row offset (open addressing); pruned < 0 means "no prune index"
    cdef int pruned
    cdef int32_t[::1] pkv
    cdef uint32_t pmask
    # one bit per bucket, set where the prune index has the bucket: most n-grams it has not
    # (~80 % of a new word's n-gram look-ups), and those end at the bit, in 250 kB, instead of
    # probing the 1 MB index
    cdef uint64_t* pbits
    cdef uint32_t pbits_n  # buckets covered by pbits (ids at or above it go to the index)
    # scratch
    cdef float* hidden
    cdef float* nodeval
    cdef float* outv
    cdef bytes _wb
    # word cache: word -> its input rows (the word's own row, then its n-gram rows)
    cdef WEntry* wc
    cdef int32_t* wc_rows
    cdef int32_t wc_used
    cdef int32_t* scratch
    # Loss::t_sigmoid_ (fastText src/loss.cc): the table BinaryLogisticLoss (ns, ova) reads
    cdef float sig_table[SIGMOID_TABLE_SIZE + 1]

    def __cinit__(self):
        self.hidden = NULL
        self.nodeval = NULL
        self.outv = NULL
        self.wc = NULL
        self.wc_rows = NULL
        self.scratch = NULL
        self.pbits = NULL
        self.pbits_n = 0

    def __init__(self, arrays):
        cdef Py_ssize_t i, size
        cdef float x
        cdef int64_t kb
        cdef uint32_t h, slot
        self.dim = arrays.dim
        self.minn = arrays.minn
        self.maxn = arrays.maxn
        self.word_ngrams = arrays.word_ngrams
        self.loss = {"hs": 1, "ns": 2, "softmax": 3, "ova": 4}[arrays.loss]
        for i in range(SIGMOID_TABLE_SIZE + 1):
            # real x = real(i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE - MAX_SIGMOID;
            # t_sigmoid_.push_back(1.0 / (1.0 + std::exp(-x)))  (std::exp of a float: expf)
            x = <float>(i * 2 * MAX_SIGMOID) / <float>SIGMOID_TABLE_SIZE - <float>MAX_SIGMOID
            self.sig_table[i] = <float>(1.0 / (1.0 + <double>expf(-x)))
        self.nwords = arrays.nwords
        self.nlabels = len(arrays.labels)
        self.bucket = arrays.bucket
        self.bucket_m = (0xFFFFFFFFFFFFFFFF // self.bucket + 1) & 0xFFFFFFFFFFFFFFFF if self.bucket else 0
        self.inp = np.ascontiguousarray(arrays.input, dtype=np.float32)
        self.out = np.ascontiguousarray(arrays.output, dtype=np.float32)
        self.nrows = self.inp.shape[0]
        self.inp_p = &self.inp[0, 0]
        self.left = np.ascontiguousarray(arrays.left, dtype=np.int32)
        self.right = np.ascontiguousarray(arrays.right, dtype=np.int32)
        words = arrays.words
        size = len(words)
        self._wb = b"".join(words)
        self.wbytes = self._wb
        offs = np.zeros(size + 1, dtype=np.int64)
        offs[1:] = np.cumsum([len(w) for w in words])
        self.woff = offs
        self.wtype = np.ascontiguousarray(arrays.word_type, dtype=np.int8)
        cap = 16
        while cap < 2 * size + 2:
            cap *= 2
        self.vmask = cap - 1
        self.vt_idx = np.full(cap, -1, dtype=np.int32)
        self.vt_hash = np.zeros(cap, dtype=np.uint32)
        self.eos_id = -1
        for i in range(size):
            w = words[i]
            h = fnv(<const unsigned char*>(<bytes>w), len(w))
            slot = h & self.vmask
            while self.vt_idx[slot] != -1:
                slot = (slot + 1) & self.vmask
            self.vt_idx[slot] = i
            self.vt_hash[slot] = h
            if w == b"</s>":
                self.eos_id = i
        if arrays.prune is None:
            self.pruned = -1
            self.pkv = np.full(2, -1, dtype=np.int32)
            self.pmask = 0
        else:
            self.pruned = len(arrays.prune)
            cap = 16
            while cap < 2 * self.pruned + 2:
                cap *= 2
            self.pmask = cap - 1
            # (bucket, input row) pairs side by side: one cache line per look-up
            self.pkv = np.full(2 * cap, -1, dtype=np.int32)
            for k, v in arrays.prune.items():
                slot = (<uint32_t>k * 2654435761u) & self.pmask
                while self.pkv[2 * slot] != -1:
                    slot = (slot + 1) & self.pmask
                self.pkv[2 * slot] = k
                self.pkv[2 * slot + 1] = self.nwords + v
            if self.bucket > 0:
                self.pbits_n = self.bucket
                self.pbits = <uint64_t*>calloc((self.pbits_n + 63) // 64, sizeof(uint64_t))
                if self.pbits == NULL:
                    raise MemoryError()
                for k in arrays.prune:
                    kb = k
                    if 0 <= kb < self.pbits_n:
                        self.pbits[kb >> 6] |= (<uint64_t>1) << (kb & 63)
        self.hidden = <float*>malloc(self.dim * sizeof(float))
        self.nodeval = <float*>malloc(max(2 * self.nlabels, 1) * sizeof(float))
        self.outv = <float*>malloc(max(self.nlabels, 1) * sizeof(float))
        self.wc = <WEntry*>calloc(WC_SLOTS, sizeof(WEntry))
        self.wc_rows = <int32_t*>malloc(WC_ARENA * sizeof(int32_t))
        self.wc_used = 0
        self.scratch = <int32_t*>malloc(((WC_KEY + 2) * (self.maxn + 1) + 2) * sizeof(int32_t))
        if self.hidden == NULL or self.nodeval == NULL or self.outv == NULL or self.wc == NULL or self.wc_rows == NULL or self.scratch == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.hidden)
        free(self.nodeval)
        free(self.outv)
        free(self.wc)
        free(self.wc_rows)
        free(self.scratch)
        free(self.pbits)

    cdef inline int find_word(self, const unsigned char* s, Py_ssize_t n, uint32_t h) noexcept nogil:
        cdef uint32_t slot = h & self.vmask
        cdef int32_t idx
        cdef int64_t a, b
        while True:
            idx = self.vt_idx[slot]
            if idx == -1:
                return -1
            if self.vt_hash[slot] == h:
                a = self.woff[idx]
                b = self.woff[idx + 1]
                if b - a == n and memcmp(&self.wbytes[a], s, n) == 0:
                    return idx
            slot = (slot + 1) & self.vmask

    cdef inline int prune_row(self, int32_t id) noexcept nogil:
        # Dictionary::pushHash: -1 = dropped (pruned away), else the input row
        cdef uint32_t slot
        cdef int32_t k
        if self.pruned == 0 or id < 0:
            return -1
        if self.pruned < 0:
            return self.nwords + id
        if <uint32_t>id < self.pbits_n and not ((self.pbits[<uint32_t>id >> 6] >> (<uint32_t>id & 63)) & 1):
            return -1  # not in the index (the bit answers what the probe below would)
        slot = (<uint32_t>id * 2654435761u) & self.pmask
        while True:
            k = self.pkv[2 * slot]
            if k == -1:
                return -1
            if k == id:
                return self.pkv[2 * slot + 1]
            slot = (slot + 1) & self.pmask

    cdef inline void add_row(self, int row, int64_t* count) noexcept nogil:
        cdef int j
        cdef const float* r
        cdef float* hid = self.hidden
        if row < 0 or row >= self.nrows:
            return
        r = self.inp_p + <Py_ssize_t>row * self.dim
        if self.dim == 16:
            altedic_add16(hid, r)
        else:
            for j in range(self.dim):
                hid[j] += r[j]
        count[0] += 1

    cdef Py_ssize_t subwords(self, const unsigned char* w, Py_ssize_t n, int64_t* count, int32_t* rows, Py_ssize_t nr) noexcept nogil:
        # Dictionary::computeSubwords over BOW + word + EOW, without building the string:
        # position p of the virtual word is '<' at 0, w[p-1] inside, '>' at n+1. With rows NULL
        # each row is added (add_row); otherwise the valid rows (those add_row would add) are
        # written to rows[nr:] for the word cache. Returns the new nr.
        cdef Py_ssize_t total = n + 2, i, j, k
        cdef int nch, m = 0
        cdef int32_t id
        cdef uint32_t h
        cdef unsigned char c
        cdef int32_t ids[NG_CHUNK]
        for i in range(total):
            c = 60 if i == 0 else (62 if i == total - 1 else w[i - 1])
            if (c & 0xC0) == 0x80:
                continue
            h = 2166136261u
            j = i
            nch = 1
            while j < total and nch <= self.maxn:
                # append one character (its continuation bytes too)
                c = 60 if j == 0 else (62 if j == total - 1 else w[j - 1])
                h = (h ^ <uint32_t>(<int8_t>c)) * 16777619u
                j += 1
                while j < total:
                    c = 60 if j == 0 else (62 if j == total - 1 else w[j - 1])
                    if (c & 0xC0) != 0x80:
                        break
                    h = (h ^ <uint32_t>(<int8_t>c)) * 16777619u
                    j += 1
                if nch >= self.minn and not (nch == 1 and (i == 0 or j == total)):
                    id = <int32_t>altedic_fastmod(h, self.bucket_m, self.bucket)
                    ids[m] = id
                    m += 1
                    if self.pbits != NULL:
                        altedic_prefetch(&self.pbits[<uint32_t>id >> 6])
                    if m == NG_CHUNK:
                        nr = self.ngram_rows(ids, m, count, rows, nr)
                        m = 0
                nch += 1
        if m > 0:
            nr = self.ngram_rows(ids, m, count, rows, nr)
        return nr

    cdef Py_ssize_t ngram_rows(self, int32_t* ids, int m, int64_t* count, int32_t* rows, Py_ssize_t nr) noexcept nogil:
        # The rows of the n-gram buckets ids[0:m], in that order, added (rows NULL) or written to
        # rows[nr:]. In steps over all of them: the bits (subwords asked the memory for them),
        # then the index slots of those whose bit is set, then the rows, each step asking the
        # memory for what the next one reads, so that the waits overlap instead of following one
        # another. The same rows in the same order as one prune_row + add_row per n-gram.
        cdef int q, kept = 0, got = 0, row
        cdef uint32_t id
        cdef const float* r
        cdef int32_t found[NG_CHUNK]
        if self.pruned > 0 and self.pbits != NULL:
            for q in range(m):
                id = <uint32_t>ids[q]
                if id >= self.pbits_n or (self.pbits[id >> 6] >> (id & 63)) & 1:
                    ids[kept] = ids[q]
                    kept += 1
                    altedic_prefetch(&self.pkv[2 * ((id * 2654435761u) & self.pmask)])
            m = kept
        for q in range(m):
            row = self.prune_row(ids[q])
            if 0 <= row < self.nrows:
                found[got] = row
                got += 1
                r = self.inp_p + <Py_ssize_t>row * self.dim
                altedic_prefetch(r)
                altedic_prefetch(r + self.dim - 1)
        if rows == NULL:
            for q in range(got):
                self.add_row(found[q], count)
            return nr
        memcpy(&rows[nr], found, got * sizeof(int32_t))
        return nr + got

    cdef int hidden_of(self, const unsigned char* s, Py_ssize_t n, uint64_t* hashes, Py_ssize_t hcap) noexcept nogil:
        """Dictionary::getLine + Model::computeHidden; returns the number of rows averaged."""
        cdef Py_ssize_t i = 0, start, nh = 0, a, b
        cdef int seplen = 0, wid, j
        cdef uint32_t h
        cdef int64_t count = 0
        cdef uint64_t hh
        cdef WEntry* e
        cdef Py_ssize_t nr
        cdef const int32_t* rr
        cdef Py_ssize_t nw, tw, pos
        cdef uint32_t hn
        cdef WEntry* en
        cdef bint cacheable, more
        cdef Py_ssize_t tok[2 * TOK_BLOCK]  # (start, length) of each word of the block
        cdef uint32_t tokh[TOK_BLOCK]  # and its hash
        memset(self.hidden, 0, self.dim * sizeof(float))
        # The words are read in blocks of TOK_BLOCK: first found and hashed, each one's cache slot
        # asked for as it is found (a slot is a random place in 1.5 MB: waiting for it was the
        # kernel's largest cost); then, while a word's rows are added, the rows of the next word
        # are asked for if the cache holds it. Prefetches are hints: what is added, and in which
        # order, is unchanged.
        cacheable = self.maxn > 0 and self.bucket > 0
        pos = 0
        more = True
        while more:
            nw = 0
            while nw < TOK_BLOCK:
                # skip separators
                while pos < n and altedic_is_sep(s, pos, n, &seplen):
                    pos += seplen
                if pos >= n:
                    more = False
                    break
                start = pos
                while pos < n and not altedic_is_sep(s, pos, n, &seplen):
                    pos += 1
                h = fnv(s + start, pos - start)
                tok[2 * nw] = start
                tok[2 * nw + 1] = pos - start
                tokh[nw] = h
                nw += 1
                if cacheable and pos - start <= WC_KEY:
                    altedic_prefetch(&self.wc[(h ^ (h >> 15)) & (WC_SLOTS - 1)])
            for tw in range(nw):
                start = tok[2 * tw]
                i = start + tok[2 * tw + 1]
                h = tokh[tw]
                if tw + 1 < nw and cacheable and tok[2 * tw + 3] <= WC_KEY:
                    # the next word's rows, if the cache holds it (a wrong guess costs a prefetch)
                    hn = tokh[tw + 1]
                    en = &self.wc[(hn ^ (hn >> 15)) & (WC_SLOTS - 1)]
                    if en.len == tok[2 * tw + 3] and en.hash == hn:
                        rr = &self.wc_rows[en.off]
                        for j in range(en.nrows):
                            altedic_prefetch(self.inp_p + <Py_ssize_t>rr[j] * self.dim)
                if i - start <= WC_KEY and self.maxn > 0 and self.bucket > 0:
                    # the word cache (see the module docstring): the rows the branch below would
                    # add, in the same order
                    e = &self.wc[(h ^ (h >> 15)) & (WC_SLOTS - 1)]
                    if not (e.len == i - start and e.hash == h and memcmp(e.key, s + start, i - start) == 0):
                        wid = self.find_word(s + start, i - start, h)
                        if wid >= 0 and self.wtype[wid] != 0:
                            continue  # a label token
                        if wid < 0 and i - start >= 9 and memcmp(s + start, b"__label__", 9) == 0:
                            continue  # an unknown label
                        nr = 0
                        if wid >= 0:
                            self.scratch[0] = wid
                            nr = 1
                        if wid != self.eos_id or wid < 0:
                            nr = self.subwords(s + start, i - start, NULL, self.scratch, nr)
                        if self.wc_used + nr > WC_ARENA:
                            memset(self.wc, 0, WC_SLOTS * sizeof(WEntry))
                            self.wc_used = 0
                        memcpy(&self.wc_rows[self.wc_used], self.scratch, nr * sizeof(int32_t))
                        e.hash = h
                        e.len = <int32_t>(i - start)
                        e.off = self.wc_used
                        e.nrows = <int32_t>nr
                        memcpy(e.key, s + start, i - start)
                        self.wc_used += <int32_t>nr
                    rr = &self.wc_rows[e.off]
                    for j in range(e.nrows):
                        self.add_row(rr[j], &count)
                    if nh < hcap:
                        hashes[nh] = <uint64_t><int64_t><int32_t>h
                        nh += 1
                    continue
                wid = self.find_word(s + start, i - start, h)
                if wid >= 0:
                    if self.wtype[wid] != 0:
                        continue  # a label token
                    self.add_row(wid, &count)
                    if self.maxn > 0 and self.bucket > 0 and wid != self.eos_id:
                        self.subwords(s + start, i - start, &count, NULL, 0)
                else:
                    if i - start >= 9 and memcmp(s + start, b"__label__", 9) == 0:
                        continue  # Dictionary::getType: an unknown label
                    if self.maxn > 0 and self.bucket > 0:
                        self.subwords(s + start, i - start, &count, NULL, 0)
                if nh < hcap:
                    hashes[nh] = <uint64_t><int64_t><int32_t>h
                    nh += 1
        # the end of the line: fastText reads the final '\n' as the EOS token
        if self.eos_id >= 0:
            self.add_row(self.eos_id, &count)
            if nh < hcap:
                hashes[nh] = <uint64_t><int64_t><int32_t>fnv(<const unsigned char*>"</s>", 4)
                nh += 1
        if self.word_ngrams > 1 and self.bucket > 0:
            # Dictionary::addWordNgrams. Its hashes are a std::vector<int32_t>: each 32-bit word
            # hash is sign-extended when it enters the uint64_t arithmetic (stored so above)
            for a in range(nh):
                hh = hashes[a]
                b = a + 1
                while b < nh and b < a + self.word_ngrams:
                    hh = hh * 116049371u + hashes[b]
                    self.add_row(self.prune_row(<int32_t>(hh % self.bucket)), &count)
                    b += 1
        if count > 0:
            for j in range(self.dim):
                self.hidden[j] *= <float>(1.0 / count)
        return <int>count

    cdef float dot_out(self, int row) noexcept nogil:
        cdef float d = 0.0
        cdef int j
        for j in range(self.dim):
            d += self.out[row, j] * self.hidden[j]
        return d

    cdef void hs_dfs(self, int k, float thr, int node, float score, float* sc, int* heap, int* kept) noexcept nogil:
        # HierarchicalSoftmaxLoss::dfs (fastText src/loss.cc), depth first, left child first: a
        # subtree is skipped when its score is below the threshold or, once k leaves are kept,
        # below the worst kept leaf's. heap[0..kept) holds the kept leaves (their scores in sc).
        cdef int i, w = 0
        cdef float f
        if score < thr:
            return
        if kept[0] == k:
            w = 0
            for i in range(1, k):
                if sc[heap[i]] < sc[heap[w]] or (sc[heap[i]] == sc[heap[w]] and heap[i] > heap[w]):
                    w = i
            if score < sc[heap[w]]:
                return
        if node < self.nlabels:
            if kept[0] < k:
                heap[kept[0]] = node
                kept[0] += 1
                sc[node] = score
            elif score > sc[heap[w]] or node < heap[w]:
                # the worst kept leaf gives way (ties: the higher label index)
                sc[heap[w]] = -1e30
                heap[w] = node
                sc[node] = score
            return
        f = self.dot_out(node - self.nlabels)
        f = <float>(1.0 / (1 + expf(-f)))
        self.hs_dfs(k, thr, self.left[node], score + <float>log(<float>(1.0 - f) + 1e-5), sc, heap, kept)
        self.hs_dfs(k, thr, self.right[node], score + <float>log(f + 1e-5), sc, heap, kept)

    def predict(self, list texts, int k=1, float threshold=0.0, list names=None):
        """Top-``k`` labels of each text: a list (one per text) of ``(label_index, probability)``
        pairs, best first. Empty for a text without any word (fastText returns nothing then).
        ``names`` (one object per label, e.g. the caller's language codes): ``(names[label_index],
        probability)`` pairs instead, without a second pass in Python.

        Words are split on ASCII white space and NUL as in fastText's ``readWord``, and also on
        ``\\n``, U+0085, U+2028 and U+2029 (fastText rejects ``\\n``; the others it would keep
        inside a word); each text ends with fastText's end-of-line token ``</s>``.
        """
        cdef Py_ssize_t n, t, nt = len(texts)
        cdef const char* s
        cdef int rows, i, node, osz = self.nlabels, kk, best
        cdef float f, score, thr
        cdef list res = []
        cdef list one
        cdef uint64_t* hashes
        cdef Py_ssize_t hcap = 0
        cdef float* sc = self.nodeval
        cdef float z
        cdef float mx
        cdef int kept
        cdef int* heap
        if k < 1:
            raise ValueError("k needs to be 1 or higher")
        if names is not None and len(names) != osz:
            raise ValueError(f"names has {len(names)} entries, the model {osz} labels")
        thr = <float>log(threshold + 1e-5)
        if self.word_ngrams > 1:
            hcap = 1 << 16
        hashes = <uint64_t*>malloc((hcap + 1) * sizeof(uint64_t))
        heap = <int*>malloc((k + 1) * sizeof(int))
        if hashes == NULL or heap == NULL:
            free(hashes)
            free(heap)
            raise MemoryError()
        try:
            for t in range(nt):
                s = PyUnicode_AsUTF8AndSize(texts[t], &n)
                rows = self.hidden_of(<const unsigned char*>s, n, hashes, hcap)
                one = []
                if rows == 0:
                    res.append(one)
                    continue
                if self.loss == 1:
                    # HierarchicalSoftmaxLoss::dfs: a leaf's score is the sum of std_log along
                    # its path (root = 2*osz-2, score 0); sc[leaf] is set for the kept leaves.
                    for i in range(osz):
                        sc[i] = -1e30
                    kept = 0
                    self.hs_dfs(k, thr, 2 * osz - 2, 0.0, sc, heap, &kept)
                else:
                    for i in range(osz):
                        self.outv[i] = self.dot_out(i)
                    if self.loss == 3:
                        # SoftmaxLoss::computeOutput
                        mx = self.outv[0]
                        for i in range(osz):
                            if self.outv[i] > mx:
                                mx = self.outv[i]
                        z = 0.0  # a float in fastText (real z)
                        for i in range(osz):
                            self.outv[i] = expf(self.outv[i] - mx)
                            z = <float>(z + self.outv[i])
                        for i in range(osz):
                            self.outv[i] = <float>(self.outv[i] / z)
                    else:
                        # BinaryLogisticLoss::computeOutput (ns, ova): Loss::sigmoid per label, a
                        # look-up in the 512-step table (not the exact sigmoid)
                        for i in range(osz):
                            f = self.outv[i]
                            if f < -MAX_SIGMOID:
                                self.outv[i] = 0.0
                            elif f > MAX_SIGMOID:
                                self.outv[i] = 1.0
                            else:
                                self.outv[i] = self.sig_table[<int64_t>((f + MAX_SIGMOID) * SIGMOID_TABLE_SIZE / MAX_SIGMOID / 2)]
                    for i in range(osz):
                        if self.outv[i] < threshold:
                            sc[i] = -1e30
                        else:
                            sc[i] = <float>log(self.outv[i] + 1e-5)
                # the k best leaves (labels 0..osz-1), best first; ties: lower index first
                for kk in range(k):
                    best = -1
                    for i in range(osz):
                        if sc[i] >= thr and sc[i] > -1e29 and (best < 0 or sc[i] > sc[best]):
                            best = i
                    if best < 0:
                        break
                    one.append((best if names is None else names[best], float(expf(sc[best]))))
                    sc[best] = -1e30
                res.append(one)
        finally:
            free(hashes)
            free(heap)
        return res


#: The scripts :func:`dominant_scripts` tells apart, in the order of
#: ``altedic.langid.policy._SCRIPT_CLASSES`` (ties go to the first).
SCRIPTS = ("Latn", "Cyrl", "Grek", "Arab", "Hebr", "Armn", "Geor")


cdef inline int script_of(Py_UCS4 c) noexcept nogil:
    # the character classes of altedic.langid.policy._SCRIPT_CLASSES, range by range
    if c < 0x80:
        return 0 if (0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A) else -1
    if 0xC0 <= c <= 0x24F or 0x1E00 <= c <= 0x1EFF:
        return 0
    if 0x400 <= c <= 0x52F:
        return 1
    if 0x370 <= c <= 0x3FF or 0x1F00 <= c <= 0x1FFF:
        return 2
    if 0x600 <= c <= 0x6FF or 0x750 <= c <= 0x77F:
        return 3
    if 0x590 <= c <= 0x5FF:
        return 4
    if 0x530 <= c <= 0x58F:
        return 5
    if 0x10A0 <= c <= 0x10FF:
        return 6
    return -1


def dominant_scripts(list texts, Py_ssize_t sample=600):
    """For each text, the index in :data:`SCRIPTS` of the script of most letters among its first
    ``sample`` characters (ties: the first in :data:`SCRIPTS`), or -1 when it has none of them;
    the result of ``altedic.langid.policy.dominant_script`` (tests/unit/test_fastlid.py)."""
    cdef Py_ssize_t t, i, n
    cdef int counts[7]
    cdef int sc, best, best_n, kind
    cdef void* data
    cdef str text
    cdef list out = []
    for t in range(len(texts)):
        text = texts[t]
        n = min(len(text), sample)
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(text)
        if kind == PyUnicode_1BYTE_KIND:
            # every letter below U+0100 that script_of knows is Latin: the first one decides
            best = -1
            for i in range(n):
                if script_of((<const uint8_t*>data)[i]) == 0:
                    best = 0
                    break
            out.append(best)
            continue
        memset(counts, 0, sizeof(counts))
        for i in range(n):
            sc = script_of(PyUnicode_READ(kind, data, i))
            if sc >= 0:
                counts[sc] += 1
        best = -1
        best_n = 0
        for sc in range(7):
            if counts[sc] > best_n:
                best = sc
                best_n = counts[sc]
        out.append(best)
    return out


# ---------------------------------------------------------------------------------------------
# Evidence counting (the hot loops of altedic.langid.policy.Evidence, its readable twin)
# ---------------------------------------------------------------------------------------------

DEF EV_MAX_MEMBERS = 64  # members of a group (bits of a hit mask)
DEF EV_MAX_EDGE = 64  # punctuation characters stripped around a chunk

DEF EV_ENDS = 1  # memo flag: the chunk can take part in a two-word entry (its words: ends_list)
DEF EV_WORDLESS = 2  # memo flag: the chunk has no word

ctypedef fused ucs_t:
    uint8_t
    uint16_t
    uint32_t

# Py_UNICODE_ISSPACE of the ASCII characters (CPython's _Py_ascii_whitespace): 9-13, 28-32
cdef bint _ascii_space[128]
for _c in range(128):
    _ascii_space[_c] = chr(_c).isspace()


cdef struct EvRec:
    # one memoised chunk: its code points (keys[key_off:key_off + key_len]), its hits (member
    # indices, hits[hit_off:hit_off + hit_len]), flags, and for EV_ENDS its words (ends_list[aux])
    uint64_t hash
    uint32_t key_off
    uint32_t key_len
    uint32_t hit_off
    uint32_t aux
    uint32_t hit_len
    uint8_t flags


cdef struct ChunkSpan:
    # one chunk of the text being counted
    Py_ssize_t start
    Py_ssize_t end
    uint64_t hash
    int64_t rec  # its record, -1: new
    int64_t first  # position of its first occurrence among the new chunks (-1: seen before)


cdef inline uint64_t _cp_hash(uint64_t h, Py_UCS4 c) noexcept nogil:
    # FNV-1a over code points (the chunk tables here compare the code points on a match)
    return (h ^ <uint64_t>c) * 1099511628211ULL


DEF FNV64 = 14695981039346656037ULL


cdef class _CPSet:
    """A set of strings looked up by code points (a slice of a text, with its FNV hash from
    :func:`_cp_hash`), without making a string: the keys of a dict or set of the Evidence."""

    cdef list keys
    cdef int32_t* slot_key  # -1: empty
    cdef uint64_t* slot_hash
    cdef uint64_t mask

    def __cinit__(self):
        self.slot_key = NULL
        self.slot_hash = NULL

    def __init__(self, keys):
        cdef Py_ssize_t i, j, cap = 16
        cdef uint64_t h, slot
        cdef str w
        self.keys = sorted(set(keys))
        while cap < 4 * len(self.keys):
            cap *= 2
        self.mask = cap - 1
        self.slot_key = <int32_t*>malloc(cap * sizeof(int32_t))
        self.slot_hash = <uint64_t*>malloc(cap * sizeof(uint64_t))
        if self.slot_key == NULL or self.slot_hash == NULL:
            raise MemoryError()
        for i in range(cap):
            self.slot_key[i] = -1
        for i in range(len(self.keys)):
            w = self.keys[i]
            h = FNV64
            for j in range(len(w)):
                h = _cp_hash(h, w[j])
            slot = h & self.mask
            while self.slot_key[slot] != -1:
                slot = (slot + 1) & self.mask
            self.slot_key[slot] = <int32_t>i
            self.slot_hash[slot] = h

    def __dealloc__(self):
        free(self.slot_key)
        free(self.slot_hash)

    cdef bint has(self, const ucs_t* d, Py_ssize_t start, Py_ssize_t end, uint64_t h):
        return self.find(d, start, end, h) >= 0

    cdef int32_t find(self, const ucs_t* d, Py_ssize_t start, Py_ssize_t end, uint64_t h):
        # the index in ``keys`` of the key equal to d[start:end] (its hash h), -1 if none
        cdef uint64_t slot = h & self.mask
        cdef int32_t idx
        cdef str w
        cdef Py_ssize_t j, n = end - start
        while True:
            idx = self.slot_key[slot]
            if idx == -1:
                return -1
            if self.slot_hash[slot] == h:
                w = <str>self.keys[idx]
                if len(w) == n:
                    for j in range(n):
                        if w[j] != d[start + j]:
                            break
                    else:
                        return idx
            slot = (slot + 1) & self.mask


cdef class EvidenceIndex:
    """:meth:`altedic.langid.policy.Evidence.count`, compiled; the Python methods
    ``count``, ``_learn``, ``_analyse`` and ``_hits`` are its readable twin and give the same
    counts (tests/unit/test_fastlid.py compares them, memo clearing included).

    The same rules over the Evidence's own tables (``exact``, ``prefix``, ``suffix``...: shared,
    not copied). The text is split where ``str.split()`` splits it (``Py_UNICODE_ISSPACE``),
    without making a string of each chunk: a chunk is looked up by a hash of its code points in
    a C table of the chunks seen before (compared code point by code point on a match), which
    holds what the twin's five memos hold: the chunk's hits (member indices), whether it can
    take part in a two-word entry (EV_ENDS; its first and last word) and whether it has no word
    (EV_WORDLESS). Only a chunk not seen before becomes a string, to be analysed as the twin
    analyses it (strip, ``isalnum``, the word's hits memoised as a bit mask, ``_TOKEN``). The
    memo is cleared (with the word memo) when it would exceed ``memo_max`` chunks, exactly when
    the twin clears its memos (the twin counts the chunks it has seen, which are the entries
    here): a text's chunks seen before such a clearing count nothing in that text, in both. The
    garbage collector never traverses the table (C memory), unlike the twin's sets and dicts.

    What is saved, over new documents: the interpreter's work per chunk not seen before (~2-3 us
    in Python: strip, look-ups, the prefix, suffix and infix tests of a new word), and per chunk
    a string, its hash and a dict look-up. A word's hits are a bit mask (member indices < 64),
    listed ascending, which is what the twin's ``_hits`` returns (each member once, sorted).

    Like the twin, meant for one call at a time (the stage is one instance per worker); the
    scratch of a call is its own, so a second thread that slips in (where an allocation lets the
    garbage collector run Python code) can make counts inconsistent, as with the twin, but never
    reads or writes outside the tables."""

    cdef dict exact, prefix, suffix, excluded, word_memo
    cdef set pairs_first, pairs_second
    cdef list short_prefix, short_suffix, infix
    cdef tuple members, char_items
    cdef Py_ssize_t nmembers, min_prefix, memo_max, suffix_min_stem
    cdef object token_findall
    cdef Py_UCS4 edge[EV_MAX_EDGE]
    cdef int nedge
    cdef str edge_str
    # the chunk table
    cdef EvRec* recs
    cdef Py_ssize_t nrec, cap_rec
    cdef uint64_t* slots  # 0: empty, else (record index + 1) << 32 | the hash's high 32 bits
    cdef uint64_t smask
    cdef uint32_t* keys
    cdef Py_ssize_t nkeys, cap_keys
    cdef uint8_t* hits
    cdef Py_ssize_t nhits, cap_hits
    cdef list ends_list
    # the tables a new chunk is first looked at with, by code points (see plain)
    cdef _CPSet exact_keys, prefix_keys, suffix_keys, pair_words
    cdef bint plain_possible

    def __cinit__(self):
        self.recs = NULL
        self.slots = NULL
        self.keys = NULL
        self.hits = NULL

    def __init__(self, ev, str edge, token_findall, Py_ssize_t memo_max, Py_ssize_t suffix_min_stem):
        cdef Py_ssize_t i
        self.members = tuple(ev.members)
        self.nmembers = len(self.members)
        if self.nmembers > EV_MAX_MEMBERS:
            raise ValueError(f"a group of {self.nmembers} members (at most {EV_MAX_MEMBERS} here)")
        if len(edge) > EV_MAX_EDGE:
            raise ValueError("too many edge punctuation characters")
        self.exact = ev.exact
        self.prefix = ev.prefix
        self.suffix = ev.suffix
        self.excluded = ev.excluded
        self.short_prefix = ev.short_prefix
        self.short_suffix = ev.short_suffix
        self.infix = ev.infix
        self.min_prefix = ev.min_prefix
        self.pairs_first = ev.pairs_first
        self.pairs_second = ev.pairs_second
        self.char_items = ev.char_items
        self.word_memo = {}
        self.memo_max = memo_max
        self.suffix_min_stem = suffix_min_stem
        self.token_findall = token_findall
        self.edge_str = edge
        self.nedge = len(edge)
        for i in range(self.nedge):
            self.edge[i] = edge[i]
        self.ends_list = []
        self.exact_keys = _CPSet(self.exact)
        self.prefix_keys = _CPSet(self.prefix)
        self.suffix_keys = _CPSet(self.suffix)
        self.pair_words = _CPSet(self.pairs_first | self.pairs_second)
        self.plain_possible = not (self.short_prefix or self.short_suffix or self.infix)
        self.cap_rec = 1024
        self.recs = <EvRec*>malloc(self.cap_rec * sizeof(EvRec))
        self.smask = 4096 - 1
        self.slots = <uint64_t*>calloc(self.smask + 1, sizeof(uint64_t))
        self.cap_keys = 8192
        self.keys = <uint32_t*>malloc(self.cap_keys * sizeof(uint32_t))
        self.cap_hits = 1024
        self.hits = <uint8_t*>malloc(self.cap_hits)
        if self.recs == NULL or self.slots == NULL or self.keys == NULL or self.hits == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.recs)
        free(self.slots)
        free(self.keys)
        free(self.hits)

    @property
    def memo_size(self):
        """Chunks memoised (the twin's ``len(_seen)``)."""
        return self.nrec

    def seen_chunks(self):
        """The chunks memoised, in the order they were learnt (to carry the memo over a pickle:
        ``count`` of each, in a new index, learns them again)."""
        cdef Py_ssize_t i
        return [
            PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, &self.keys[self.recs[i].key_off], self.recs[i].key_len)
            for i in range(self.nrec)
        ]

    cdef inline bint is_edge(self, Py_UCS4 c) noexcept:
        cdef int i
        for i in range(self.nedge):
            if self.edge[i] == c:
                return True
        return False

    cdef str strip(self, str chunk):
        # chunk.strip(edge); most chunks have no punctuation around them: no call, no copy
        cdef Py_ssize_t n = len(chunk)
        if n == 0 or (not self.is_edge(chunk[0]) and not self.is_edge(chunk[n - 1])):
            return chunk
        return chunk.strip(self.edge_str)

    cdef uint64_t mask_of(self, str tok) except? 0xFFFFFFFFFFFFFFFF:
        """Evidence._hits as a bit mask of member indices."""
        cdef uint64_t mask = 0
        cdef Py_ssize_t n = len(tok), mi
        cdef object ex, cands, excl
        cdef tuple pair
        cdef str x
        ex = self.exact.get(tok)
        if ex is not None:
            for m in <list>ex:
                mask |= (<uint64_t>1) << <int>m
        if n >= self.min_prefix:
            cands = self.prefix.get(tok[:3])
            if cands is not None:
                for pair in <list>cands:
                    mi = pair[1]
                    if not (mask >> mi) & 1 and tok.startswith(<str>pair[0]):
                        mask |= (<uint64_t>1) << mi
        if n > self.suffix_min_stem + 2:
            # the suffixes keyed by the word's last three letters, then the short ones
            for cands in (self.suffix.get(tok[n - 3:]), self.short_suffix):
                if cands is None:
                    continue
                for pair in <list>cands:
                    mi = pair[1]
                    x = <str>pair[0]
                    if not (mask >> mi) & 1 and n >= len(x) + self.suffix_min_stem and tok.endswith(x):
                        excl = self.excluded.get(mi)
                        if excl is None or not tok.endswith(excl):
                            mask |= (<uint64_t>1) << mi
        for pair in self.short_prefix:
            mi = pair[1]
            x = <str>pair[0]
            if not (mask >> mi) & 1 and tok.startswith(x) and n > len(x):
                mask |= (<uint64_t>1) << mi
        for pair in self.infix:
            mi = pair[1]
            if not (mask >> mi) & 1 and (<str>pair[0]) in tok:
                mask |= (<uint64_t>1) << mi
        return mask

    def hits_of(self, str tok):
        """Evidence._hits: the members whose entries match the word ``tok``, ascending."""
        cdef uint64_t mask = self.mask_of(tok)
        return tuple(i for i in range(self.nmembers) if (mask >> i) & 1)

    cdef uint64_t word_mask(self, str w) except? 0xFFFFFFFFFFFFFFFF:
        cdef object got = self.word_memo.get(w)
        cdef uint64_t mask
        if got is None:
            mask = self.mask_of(w)
            self.word_memo[w] = mask
            return mask
        return <uint64_t>got

    cdef tuple learn(self, str chunk):
        """Evidence._learn and _analyse for one chunk not seen before: (entry, ends), entry
        b"" (words, no hits, no part in a two-word entry: most chunks) or a flag byte and the
        member index of each hit, ends the (first, last) words of an EV_ENDS chunk (else None)."""
        cdef str core = self.strip(chunk)
        cdef list words
        cdef list out
        cdef object ex
        cdef str first, last
        cdef Py_ssize_t i, n = len(core)
        cdef uint64_t mask
        cdef bint alnum = n > 0
        cdef int flags = 0
        cdef object ends = None
        for i in range(n):
            if not Py_UNICODE_ISALNUM(core[i]):  # str.isalnum()
                alnum = False
                break
        if alnum:
            mask = self.word_mask(core)
            if core in self.pairs_first or core in self.pairs_second:
                ends = (core, core)
                flags = EV_ENDS
            elif mask == 0:
                return (b"", None)
            out = [flags]
            for i in range(self.nmembers):
                if (mask >> i) & 1:
                    out.append(i)
            return (bytes(out), ends)
        words = self.token_findall(chunk)
        if not words:
            return (bytes([EV_WORDLESS]), None)
        out = [0]
        for w in words:
            mask = self.word_mask(w)
            if mask:
                for i in range(self.nmembers):
                    if (mask >> i) & 1:
                        out.append(i)
        if len(words) > 1 and self.pairs_first:
            for i in range(len(words) - 1):
                if words[i] in self.pairs_first:
                    ex = self.exact.get(words[i] + " " + words[i + 1])
                    if ex is not None:
                        out.extend(ex)
        first = words[0]
        last = words[len(words) - 1]
        if last in self.pairs_first or first in self.pairs_second:
            ends = (first, last)
            out[0] = EV_ENDS
        elif len(out) == 1:
            return (b"", None)
        return (bytes(out), ends)

    # -- the chunk table --------------------------------------------------------------------
    cdef void clear(self) noexcept:
        self.nrec = 0
        self.nkeys = 0
        self.nhits = 0
        memset(self.slots, 0, (self.smask + 1) * sizeof(uint64_t))

    cdef int64_t find(self, const ucs_t* d, Py_ssize_t start, Py_ssize_t end, uint64_t h) noexcept:
        # the record of the chunk d[start:end] with hash h, or -1
        cdef uint64_t slot = h & self.smask, v
        cdef uint32_t tag = <uint32_t>(h >> 32)
        cdef EvRec* r
        cdef const uint32_t* k
        cdef Py_ssize_t j, n = end - start
        while True:
            v = self.slots[slot]
            if v == 0:
                return -1
            if <uint32_t>v == tag:
                r = &self.recs[(v >> 32) - 1]
                if r.hash == h and r.key_len == n:
                    k = &self.keys[r.key_off]
                    for j in range(n):
                        if k[j] != d[start + j]:
                            break
                    else:
                        return <int64_t>(v >> 32) - 1
            slot = (slot + 1) & self.smask

    cdef void place(self, int64_t idx, uint64_t h) noexcept:
        cdef uint64_t slot = h & self.smask
        while self.slots[slot] != 0:
            slot = (slot + 1) & self.smask
        self.slots[slot] = ((<uint64_t>(idx + 1)) << 32) | (h >> 32)

    cdef int64_t insert(self, const ucs_t* d, Py_ssize_t start, Py_ssize_t end, uint64_t h, bytes entry, object ends) except -1:
        cdef Py_ssize_t n = end - start, j, m = len(entry)
        cdef EvRec* r
        cdef const unsigned char* e = <const unsigned char*>entry
        cdef void* p
        cdef uint64_t cap
        if self.nrec == self.cap_rec:
            p = realloc(self.recs, 2 * self.cap_rec * sizeof(EvRec))
            if p == NULL:
                raise MemoryError()
            self.recs = <EvRec*>p
            self.cap_rec *= 2
        if self.nkeys + n > self.cap_keys:
            while self.nkeys + n > self.cap_keys:
                self.cap_keys *= 2
            p = realloc(self.keys, self.cap_keys * sizeof(uint32_t))
            if p == NULL:
                raise MemoryError()
            self.keys = <uint32_t*>p
        if self.nhits + m > self.cap_hits:
            while self.nhits + m > self.cap_hits:
                self.cap_hits *= 2
            p = realloc(self.hits, self.cap_hits)
            if p == NULL:
                raise MemoryError()
            self.hits = <uint8_t*>p
        if <uint64_t>(2 * (self.nrec + 1)) > self.smask + 1:
            # grow the slots to twice as many, the records stay where they are
            cap = 2 * (self.smask + 1)
            p = calloc(cap, sizeof(uint64_t))
            if p == NULL:
                raise MemoryError()
            free(self.slots)
            self.slots = <uint64_t*>p
            self.smask = cap - 1
            for j in range(self.nrec):
                self.place(j, self.recs[j].hash)
        r = &self.recs[self.nrec]
        r.hash = h
        r.key_off = <uint32_t>self.nkeys
        r.key_len = <uint32_t>n
        for j in range(n):
            self.keys[self.nkeys + j] = d[start + j]
        self.nkeys += n
        r.flags = e[0] if m > 0 else 0
        r.hit_off = <uint32_t>self.nhits
        r.hit_len = <uint32_t>(m - 1 if m > 0 else 0)
        for j in range(1, m):
            self.hits[self.nhits + j - 1] = e[j]
        if m > 1:
            self.nhits += m - 1
        r.aux = 0
        if r.flags & EV_ENDS:
            r.aux = <uint32_t>len(self.ends_list)
            self.ends_list.append(ends)
        self.place(self.nrec, h)
        self.nrec += 1
        return self.nrec - 1

    cdef bint plain(self, const ucs_t* d, Py_ssize_t start, Py_ssize_t end, uint64_t h):
        """Whether the chunk d[start:end] (hash h) is, for sure, what :meth:`learn` would call
        plain (b"": one word, no hits, no part in a two-word entry), from its code points: no
        punctuation around it to strip, all of it alphanumeric (``str.isalnum``), not a word of
        a two-word entry, not an exact entry, and neither its first three letters a prefix key
        nor its last three a suffix key (the look-ups :meth:`mask_of` makes first; with short
        prefixes, short suffixes or infixes in the group, never sure). False: ask learn."""
        cdef Py_ssize_t j, n = end - start
        cdef uint64_t h3
        if not self.plain_possible or n == 0:
            return False
        if self.is_edge(d[start]) or self.is_edge(d[end - 1]):
            return False
        for j in range(start, end):
            if not Py_UNICODE_ISALNUM(d[j]):
                return False
        if self.pair_words.has(d, start, end, h) or self.exact_keys.has(d, start, end, h):
            return False
        if n >= self.min_prefix:
            h3 = _cp_hash(_cp_hash(_cp_hash(FNV64, d[start]), d[start + 1]), d[start + 2])
            if self.prefix_keys.has(d, start, start + 3, h3):
                return False
        if n > self.suffix_min_stem + 2:
            h3 = _cp_hash(_cp_hash(_cp_hash(FNV64, d[end - 3]), d[end - 2]), d[end - 1])
            if self.suffix_keys.has(d, end - 3, end, h3):
                return False
        return True

    def count(self, str lowered):
        """Evidence.count: hits per member in ``lowered`` (a dict member -> count)."""
        cdef int kind = PyUnicode_KIND(lowered)
        cdef const void* data = PyUnicode_DATA(lowered)
        cdef Py_ssize_t counts[EV_MAX_MEMBERS]
        cdef Py_ssize_t n
        memset(counts, 0, sizeof(counts))
        if kind == PyUnicode_1BYTE_KIND:
            self.count_chunks(lowered, <const uint8_t*>data, counts)
        elif kind == PyUnicode_2BYTE_KIND:
            self.count_chunks(lowered, <const uint16_t*>data, counts)
        else:
            self.count_chunks(lowered, <const uint32_t*>data, counts)
        for item in self.char_items:
            n = PyUnicode_Count(lowered, (<tuple>item)[0], 0, INT64_MAX)
            if n:
                for mi in <tuple>((<tuple>item)[1]):
                    counts[<Py_ssize_t>mi] += n
        return {self.members[i]: counts[i] for i in range(self.nmembers)}

    cdef int count_chunks(self, str lowered, const ucs_t* d, Py_ssize_t* counts) except -1:
        # the chunks' spans, hashes, records (-1: new) and first occurrences, in memory of this
        # call's own (a second thread in the same index between two of its allocations, where
        # the garbage collector may run Python code, must not see them change)
        cdef Py_ssize_t n = len(lowered)
        cdef Py_ssize_t cap = n // 2 + 1  # chunks are separated: at most this many
        cdef ChunkSpan* c = <ChunkSpan*>malloc(cap * sizeof(ChunkSpan))
        if c == NULL:
            raise MemoryError()
        try:
            self.count_spans(lowered, d, counts, c)
        finally:
            free(c)
        return 0

    cdef int count_spans(self, str lowered, const ucs_t* d, Py_ssize_t* counts, ChunkSpan* c) except -1:
        cdef Py_ssize_t n = len(lowered), i, j, k, nch = 0, npend = 0, start = 0, length
        cdef Py_UCS4 ch
        cdef uint64_t h = 0
        cdef bint in_chunk = False, cleared = False
        cdef bint walk = len(self.pairs_first) > 0
        cdef EvRec* r
        cdef str chunk, prev, first
        cdef tuple ends, learnt
        cdef bytes entry
        # 1. the chunks (where str.split() cuts), each looked up once: rec = its record or -1
        for i in range(n + 1):
            if i < n:
                ch = d[i]
                if not ((ch < 128 and _ascii_space[ch]) or (ch >= 128 and Py_UNICODE_ISSPACE(ch))):
                    if not in_chunk:
                        in_chunk = True
                        start = i
                        h = FNV64
                    h = _cp_hash(h, ch)
                    continue
            if not in_chunk:
                continue
            in_chunk = False
            c[nch].start = start
            c[nch].end = i
            c[nch].hash = h
            c[nch].rec = self.find(d, start, i, h)
            nch += 1
        # 2. the chunks not seen before (the twin's set of new chunks): first = the position of
        # the chunk's first occurrence in the text (-1: a chunk seen before)
        for i in range(nch):
            c[i].first = -1
            if c[i].rec != -1:
                continue
            c[i].first = i
            length = c[i].end - c[i].start
            for j in range(i):
                if c[j].first == j and c[j].hash == c[i].hash and c[j].end - c[j].start == length:
                    for k in range(length):
                        if d[c[j].start + k] != d[c[i].start + k]:
                            break
                    else:
                        c[i].first = j
                        break
            if c[i].first == i:
                npend += 1
        if npend:
            if self.nrec + npend > self.memo_max:
                self.clear()
                self.ends_list = []
                self.word_memo.clear()
                cleared = True
            for i in range(nch):
                j = c[i].first
                if j == i:
                    if self.plain(d, c[i].start, c[i].end, c[i].hash):
                        entry, ends = b"", None  # most new chunks: no string made
                    else:  # learn it (as a string, as the twin does)
                        chunk = lowered[c[i].start:c[i].end]
                        learnt = self.learn(chunk)
                        entry, ends = learnt
                    c[i].rec = self.insert(d, c[i].start, c[i].end, c[i].hash, entry, ends)
                elif j >= 0:
                    c[i].rec = c[j].rec
        # 3. the hits, and the walk over the chunks for two-word entries that span two chunks
        prev = ""
        for i in range(nch):
            if cleared and c[i].first == -1:
                # seen before the memo was cleared in this very text: the twin has forgotten it
                # and does not analyse it again (it is not new to it), so it counts nothing
                prev = ""
                continue
            r = &self.recs[c[i].rec]
            if r.flags == 0 and r.hit_len == 0:  # words, no hits, no part in a two-word entry
                prev = ""
                continue
            for j in range(r.hit_len):
                k = self.hits[r.hit_off + j]
                if k < self.nmembers:  # always (a member index); a bound for the C array
                    counts[k] += 1
            if walk:
                if not (r.flags & EV_ENDS):
                    if not (r.flags & EV_WORDLESS):
                        prev = ""
                    continue
                ends = <tuple>self.ends_list[r.aux]
                first = ends[0]
                if prev:
                    for mi in self.exact.get(prev + " " + first, ()):
                        counts[<Py_ssize_t>mi] += 1
                prev = ends[1]
                if prev not in self.pairs_first:
                    prev = ""
        return 0


# ---------------------------------------------------------------------------------------------
# round(x, 4) of the stage's scores, without the decimal string
# ---------------------------------------------------------------------------------------------

cdef extern from "<math.h>" nogil:
    double nearbyint(double x)


cdef object _round4(object x):
    cdef double y, r, d
    if type(x) is float:
        y = (<double>x) * 10000.0
        if -160000.0 < y < 160000.0:
            r = nearbyint(y)
            d = y - r
            if -0.4999999 < d < 0.4999999:
                return r / 10000.0
    return round(x, 4)


def round4(x):
    """``round(x, 4)``: the same value of the same type, ~8x faster for the stage's scores.

    Python's ``round(x, 4)`` of a float writes x correctly rounded to 4 decimals as a string
    (``_Py_dg_dtoa``) and reads it back (``_Py_dg_strtod``): the double nearest to ``r / 10**4``,
    where r is the integer nearest to the exact product ``x * 10**4``. For |x| < 16,
    ``y = x * 10000.0`` is within 2**-35 of that product; when y is not within 1e-7 of a
    half-integer, r is ``nearbyint(y)``, and ``r / 10000.0`` (two exact doubles, one correctly
    rounded division) is that nearest double. Ties and near-ties, other magnitudes, infinities,
    NaN and anything that is not a float go to Python's ``round``."""
    return _round4(x)


def rounded_top(list ranked, Py_ssize_t k):
    """``{code: round(p, 4) for code, p in ranked[:k] if code is not None}`` (the stage's
    ``alternatives``), rounded as :func:`round4`."""
    cdef dict out = {}
    cdef Py_ssize_t i, n = min(len(ranked), k)
    cdef tuple pair
    for i in range(n):
        pair = <tuple>ranked[i]
        if pair[0] is not None:
            out[pair[0]] = _round4(pair[1])
    return out


# ---------------------------------------------------------------------------------------------
# The first look of the regional orthography check (altedic.langid.policy.RegionalResolver)
# ---------------------------------------------------------------------------------------------



cdef class FirstLook:
    """The first look of :meth:`altedic.langid.policy.RegionalResolver.check` for one neighbour,
    in one pass over the text without building its chunks: whether a white-space-delimited
    chunk (``str.split()``'s: ``Py_UNICODE_ISSPACE``), with the characters of ``edge``
    stripped from both its ends (``str.strip(edge)``), is one of ``words`` or one of
    ``seconds`` (second words of two-word entries), whether a character of ``chars`` occurs
    (never for ASCII text), whether one of ``infixes`` does (``in``). The chunks are matched
    against a small open-addressing table of the entries by a hash of their code points, then
    compared code point by code point; where a second word is a chunk, whether its two-word
    entry occurs between spaces (``RegionalResolver._pair_in``). ``look`` is what the Python
    expression is (True: no evidence to count; tests/unit/test_fastlid.py compares them)."""

    cdef _CPSet table  # the entries (words and second words)
    cdef uint8_t* entry_kind  # per entry of table.keys: 1: a word, 2: a second word, 3: both
    cdef Py_UCS4* chars
    cdef Py_ssize_t nchars
    cdef Py_UCS4 min_char
    cdef tuple infixes
    cdef dict by_second
    cdef bint edge_ascii[128]  # the ASCII characters of edge
    cdef Py_UCS4* edge_other  # the others
    cdef Py_ssize_t nedge_other

    def __cinit__(self):
        self.entry_kind = NULL
        self.chars = NULL
        self.edge_other = NULL

    def __init__(self, words, dict by_second, str chars, infixes, str edge=""):
        cdef Py_ssize_t i, size
        cdef str w
        cdef Py_UCS4 c
        for i in range(128):
            self.edge_ascii[i] = False
        others = [c for c in edge if ord(c) >= 128]
        for c in edge:
            if ord(c) < 128:
                self.edge_ascii[ord(c)] = True
        self.nedge_other = len(others)
        self.edge_other = <Py_UCS4*>malloc((self.nedge_other + 1) * sizeof(Py_UCS4))
        if self.edge_other == NULL:
            raise MemoryError()
        for i in range(self.nedge_other):
            self.edge_other[i] = others[i]
        kinds = {}
        for w in words:
            kinds[w] = kinds.get(w, 0) | 1
        for w in by_second:
            kinds[w] = kinds.get(w, 0) | 2
        self.by_second = by_second
        self.table = _CPSet(kinds)
        size = len(self.table.keys)
        self.entry_kind = <uint8_t*>malloc((size + 1) * sizeof(uint8_t))
        self.nchars = len(chars)
        self.chars = <Py_UCS4*>malloc((self.nchars + 1) * sizeof(Py_UCS4))
        if self.entry_kind == NULL or self.chars == NULL:
            raise MemoryError()
        for i in range(size):
            self.entry_kind[i] = kinds[self.table.keys[i]]
        self.min_char = 0x10FFFF
        for i in range(self.nchars):
            self.chars[i] = chars[i]
            self.min_char = min(self.min_char, self.chars[i])
        self.infixes = tuple(infixes)

    def __dealloc__(self):
        free(self.entry_kind)
        free(self.chars)
        free(self.edge_other)

    cdef inline bint is_edge(self, Py_UCS4 c) noexcept:
        cdef Py_ssize_t k
        if c < 128:
            return self.edge_ascii[c]
        for k in range(self.nedge_other):
            if self.edge_other[k] == c:
                return True
        return False

    cdef int kind_of(self, const ucs_t* d, Py_ssize_t start, Py_ssize_t end, list seconds):
        # the kind of the entry equal to d[start:end] with the edge characters stripped from both
        # ends (0: none); a second word is noted in seconds
        cdef Py_ssize_t j
        cdef uint64_t h = FNV64
        cdef int32_t idx
        while start < end and self.is_edge(d[start]):
            start += 1
        while end > start and self.is_edge(d[end - 1]):
            end -= 1
        if start == end:
            return 0
        for j in range(start, end):
            h = _cp_hash(h, d[j])
        idx = self.table.find(d, start, end, h)
        if idx < 0:
            return 0
        if self.entry_kind[idx] & 2:
            seconds.append(self.table.keys[idx])
        return self.entry_kind[idx]

    def look(self, str s):
        """True where the Python expression is true: nothing to count in ``s`` (see the class)."""
        cdef int kind = PyUnicode_KIND(s)
        cdef const void* data = PyUnicode_DATA(s)
        cdef Py_ssize_t n = len(s)
        cdef int found
        cdef str padded
        # ASCII text: the characters never count (the Python expression tests s.isascii() first)
        cdef bint check_chars = self.nchars > 0 and not s.isascii()
        cdef list seconds = []  # the second words found (this call's own)
        if kind == PyUnicode_1BYTE_KIND:
            found = self.scan(<const uint8_t*>data, n, check_chars, seconds)
        elif kind == PyUnicode_2BYTE_KIND:
            found = self.scan(<const uint16_t*>data, n, check_chars, seconds)
        else:
            found = self.scan(<const uint32_t*>data, n, check_chars, seconds)
        if found & 5:
            return False  # a word of a variety, or one of its characters
        for x in self.infixes:
            if PyUnicode_Contains(s, x):
                return False
        if found & 2:
            # a two-word entry's second word is a chunk: is the whole entry there (RegionalResolver._pair_in)
            padded = " " + s + " "
            for w in seconds:
                for p in self.by_second[w]:
                    if PyUnicode_Contains(padded, p):
                        return False
        return True

    cdef int scan(self, const ucs_t* d, Py_ssize_t n, bint check_chars, list seconds):
        # bit 1: a chunk is a word, 2: a chunk is a second word, 4: a character of chars occurs
        cdef Py_ssize_t i, start = 0, k
        cdef Py_UCS4 c
        cdef int found = 0
        cdef bint in_chunk = False
        cdef Py_UCS4 min_char = self.min_char
        for i in range(n):
            c = d[i]
            if check_chars and c >= min_char:
                for k in range(self.nchars):
                    if self.chars[k] == c:
                        found |= 4
                        check_chars = False
                        break
            if (c < 128 and _ascii_space[c]) or (c >= 128 and Py_UNICODE_ISSPACE(c)):
                if in_chunk:
                    found |= self.kind_of(d, start, i, seconds)
                    if found & 1:
                        return found
                    in_chunk = False
                continue
            if not in_chunk:
                in_chunk = True
                start = i
        if in_chunk:
            found |= self.kind_of(d, start, n, seconds)
        return found


def probs_of(list pred, members):
    """``[min(p, 1.0) for c, p in pred if c is not None and base_lang(c) in members]`` (the
    stage's fastText probability of a label and its group mates, summed by the caller with
    ``sum``), ``base_lang(c)`` being ``c.split("-", 1)[0]``."""
    cdef list out = []
    cdef tuple pair
    cdef str c
    cdef Py_ssize_t i
    for item in pred:
        pair = <tuple>item
        if pair[0] is None:
            continue
        c = <str>pair[0]
        i = c.find("-")
        if (c if i < 0 else c[:i]) in members:
            p = pair[1]
            out.append(1.0 if 1.0 < p else p)
    return out
