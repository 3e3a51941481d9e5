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
"""

from libc.math cimport exp, expf, log
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcmp, memset
from cpython.unicode cimport PyUnicode_AsUTF8AndSize

import numpy as np

KERNEL_VERSION = 1

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
    cdef int32_t[::1] pk, pv
    cdef uint32_t pmask
    # scratch
    cdef float* hidden
    cdef float* nodeval
    cdef float* outv
    cdef bytes _wb

    def __cinit__(self):
        self.hidden = NULL
        self.nodeval = NULL
        self.outv = NULL

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
        self.inp = np.ascontiguousarray(arrays.input, dtype=np.float32)
        self.out = np.ascontiguousarray(arrays.output, dtype=np.float32)
        self.nrows = self.inp.shape[0]
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
            self.pk = np.full(1, -1, dtype=np.int32)
            self.pv = np.full(1, -1, dtype=np.int32)
            self.pmask = 0
        else:
            self.pruned = len(arrays.prune)
            cap = 16
            while cap < 2 * self.pruned + 2:
                cap *= 2
            self.pmask = cap - 1
            self.pk = np.full(cap, -1, dtype=np.int32)
            self.pv = np.full(cap, -1, dtype=np.int32)
            for k, v in arrays.prune.items():
                slot = (<uint32_t>k * 2654435761u) & self.pmask
                while self.pk[slot] != -1:
                    slot = (slot + 1) & self.pmask
                self.pk[slot] = k
                self.pv[slot] = v
        self.hidden = <float*>malloc(self.dim * sizeof(float))
        self.nodeval = <float*>malloc(max(2 * self.nlabels, 1) * sizeof(float))
        self.outv = <float*>malloc(max(self.nlabels, 1) * sizeof(float))
        if self.hidden == NULL or self.nodeval == NULL or self.outv == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.hidden)
        free(self.nodeval)
        free(self.outv)

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
            k = self.pk[slot]
            if k == -1:
                return -1
            if k == id:
                return self.nwords + self.pv[slot]
            slot = (slot + 1) & self.pmask

    cdef inline void add_row(self, int row, int64_t* count) noexcept nogil:
        cdef int j
        if row < 0 or row >= self.nrows:
            return
        for j in range(self.dim):
            self.hidden[j] += self.inp[row, j]
        count[0] += 1

    cdef void add_subwords(self, const unsigned char* w, Py_ssize_t n, int64_t* count) noexcept nogil:
        # Dictionary::computeSubwords over BOW + word + EOW, without building the string:
        # position p of the virtual word is '<' at 0, w[p-1] inside, '>' at n+1.
        cdef Py_ssize_t total = n + 2, i, j, k
        cdef int nch
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
                    self.add_row(self.prune_row(<int32_t>(h % self.bucket)), count)
                nch += 1

    cdef int hidden_of(self, const unsigned char* s, Py_ssize_t n, uint64_t* hashes, Py_ssize_t hcap) noexcept nogil:
        """Dictionary::getLine + Model::computeHidden; returns the number of rows averaged."""
        cdef Py_ssize_t i = 0, start, nh = 0, a, b
        cdef int seplen = 0, wid, j
        cdef uint32_t h
        cdef int64_t count = 0
        cdef uint64_t hh
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
            wid = self.find_word(s + start, i - start, h)
            if wid >= 0:
                if self.wtype[wid] != 0:
                    continue  # a label token
                self.add_row(wid, &count)
                if self.maxn > 0 and self.bucket > 0 and wid != self.eos_id:
                    self.add_subwords(s + start, i - start, &count)
            else:
                if i - start >= 9 and memcmp(s + start, b"__label__", 9) == 0:
                    continue  # Dictionary::getType: an unknown label
                if self.maxn > 0 and self.bucket > 0:
                    self.add_subwords(s + start, i - start, &count)
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

    def predict(self, list texts, int k=1, float threshold=0.0):
        """Top-``k`` labels of each text: a list (one per text) of ``(label_index, probability)``
        pairs, best first. Empty for a text without any word (fastText returns nothing then).

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
        if k < 1:
            raise ValueError("k needs to be 1 or higher")
        thr = <float>log(threshold + 1e-5)
        if self.word_ngrams > 1:
            hcap = 1 << 16
        hashes = <uint64_t*>malloc((hcap + 1) * sizeof(uint64_t))
        if hashes == NULL:
            raise MemoryError()
        try:
            for t in range(nt):
                s = PyUnicode_AsUTF8AndSize(texts[t], &n)
                with nogil:
                    rows = self.hidden_of(<const unsigned char*>s, n, hashes, hcap)
                one = []
                if rows == 0:
                    res.append(one)
                    continue
                if self.loss == 1:
                    # HierarchicalSoftmaxLoss::dfs, breadth-first over the same tree: a node's
                    # score is the sum of std_log along its path (root = 2*osz-2, score 0).
                    for i in range(2 * osz - 1):
                        sc[i] = -1e30
                    sc[2 * osz - 2] = 0.0
                    node = 2 * osz - 2
                    while node >= osz:
                        score = sc[node]
                        if score >= thr and score > -1e29:
                            f = self.dot_out(node - osz)
                            f = <float>(1.0 / (1 + expf(-f)))
                            sc[self.left[node]] = score + <float>log(<float>(1.0 - f) + 1e-5)
                            sc[self.right[node]] = score + <float>log(f + 1e-5)
                        node -= 1
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
                    one.append((best, float(expf(sc[best]))))
                    sc[best] = -1e30
                res.append(one)
        finally:
            free(hashes)
        return res
