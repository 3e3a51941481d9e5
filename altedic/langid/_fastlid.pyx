# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""fastText prediction without per-n-gram allocations (compiled kernel of altedic.langid).

Re-implements, for prediction only, fastText 0.9.x (src/dictionary.cc ``getLine``, ``readWord``,
``addSubwords``, ``computeSubwords``, ``pushHash``, ``addWordNgrams``; src/model.cc
``computeHidden``; src/loss.cc ``HierarchicalSoftmaxLoss::dfs``, ``SoftmaxLoss::computeOutput``,
``Loss::findKBest``) over the arrays of :mod:`altedic.langid.ftmodel`, in the same float32
arithmetic and the same order, so that the probabilities equal those of ``fasttext-predict``
(tests/unit/test_fastlid.py checks it on real text).

One deliberate difference, documented in :func:`predict`: the line separators fastText would
reject or keep inside words (``\\n``, U+0085, U+2028, U+2029) are word separators here, as
:func:`altedic.langid.model.clean_for_model` made them before.

Where the time goes (paragraphs of ~500 characters, ~2,000 n-gram rows each): reading the rows
of the 3.2 MB input matrix and the n-gram -> row index. Hence: the index keeps each (bucket,
row) pair in one cache line; ``h % bucket`` is Lemire's multiply-shift remainder (exact for
32-bit values); the tree of the hierarchical softmax is searched as fastText searches it (depth
first, skipping subtrees below the k-th best leaf found) instead of scoring all 175 nodes; and
a word cache: a word (of at most 32 UTF-8 bytes) maps to the list of its input rows (its own row,
then its n-gram rows after the prune index), so a word seen before costs one look-up instead of
~25 hashes and index probes. The cache holds rows, not sums: the rows are still added one by one
in fastText's order, so the arithmetic (and every probability) is the same whether a word was in
the cache or not, and a result never depends on what was predicted before (32,768 slots, direct
mapped, 4 MB of rows; emptied when full).

:func:`dominant_scripts` (the script of most letters of a text) lives here too: the regex count
of :func:`altedic.langid.policy.dominant_script`, its readable twin, costs 50-80 us on a Greek or
Cyrillic paragraph, this loop ~1 us.

Not thread-safe: a :class:`FastLid` has one scratch buffer, so ``predict`` keeps the GIL (one
call at a time per process; the language stage runs one instance per worker).
"""

from libc.math cimport exp, expf, log
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcmp, memcpy, memset
from cpython.unicode cimport PyUnicode_AsUTF8AndSize, PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ

import numpy as np

KERNEL_VERSION = 3

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


DEF WC_KEY = 32  # words of at most this many UTF-8 bytes are cached
DEF WC_SLOTS = 1 << 15  # cache slots (direct mapped)
DEF WC_ARENA = 1 << 20  # row indices the cache holds in all; emptied when full

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

    def __cinit__(self):
        self.hidden = NULL
        self.nodeval = NULL
        self.outv = NULL
        self.wc = NULL
        self.wc_rows = NULL
        self.scratch = NULL

    def __init__(self, arrays):
        cdef Py_ssize_t i, size
        cdef uint32_t h, slot
        self.dim = arrays.dim
        self.minn = arrays.minn
        self.maxn = arrays.maxn
        self.word_ngrams = arrays.word_ngrams
        self.loss = {"hs": 1, "ns": 2, "softmax": 3, "ova": 4}[arrays.loss]
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
        cdef int nch, row
        cdef uint32_t h
        cdef unsigned char c
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
                    row = self.prune_row(<int32_t>altedic_fastmod(h, self.bucket_m, self.bucket))
                    if rows == NULL:
                        self.add_row(row, count)
                    elif 0 <= row < self.nrows:
                        rows[nr] = row
                        nr += 1
                nch += 1
        return nr

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
        memset(self.hidden, 0, self.dim * sizeof(float))
        while i <= n:
            # skip separators
            while i < n and altedic_is_sep(s, i, n, &seplen):
                i += seplen
            if i >= n:
                break
            start = i
            while i < n and not altedic_is_sep(s, i, n, &seplen):
                i += 1
            h = fnv(s + start, i - start)
            if i - start <= WC_KEY and self.maxn > 0 and self.bucket > 0:
                # the word cache (see the module docstring): the rows the branch below would add,
                # in the same order
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
                    hashes[nh] = h
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
                hashes[nh] = h
                nh += 1
        # the end of the line: fastText reads the final '\n' as the EOS token
        if self.eos_id >= 0:
            self.add_row(self.eos_id, &count)
            if nh < hcap:
                hashes[nh] = fnv(<const unsigned char*>"</s>", 4)
                nh += 1
        if self.word_ngrams > 1 and self.bucket > 0:
            # Dictionary::addWordNgrams
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
        cdef double z
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
                        z = 0.0
                        for i in range(osz):
                            self.outv[i] = expf(self.outv[i] - mx)
                            z += self.outv[i]
                        for i in range(osz):
                            self.outv[i] = <float>(self.outv[i] / <float>z)
                    else:
                        # BinaryLogisticLoss::computeOutput (ns, ova): a sigmoid per label
                        for i in range(osz):
                            self.outv[i] = <float>(1.0 / (1.0 + expf(-self.outv[i])))
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
