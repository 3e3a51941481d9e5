"""Reader of fastText model files (``.bin``/``.ftz``) into flat arrays for the compiled kernel.

Why: fastText's own ``predict`` spends most of its time per out-of-vocabulary word (a
``std::string`` per character n-gram and two ``unordered_map`` look-ups per n-gram in the pruned
``.ftz`` models; measured ~3 us per word on this machine, against ~0.15 us for an in-vocabulary
word). :mod:`altedic.langid._fastlid` re-implements fastText's *prediction* (not training) over the
arrays this module builds, without allocations per n-gram; the results are those of fastText
(checked by ``tests/unit/test_fastlid.py`` against ``fasttext-predict`` on real text with
lid.176, and on tiny models of every loss, word n-gram and quantisation setting in
``tests/fixtures/lid_models``).

The file layout follows fastText's ``FastText::loadModel`` (src/fasttext.cc, file format version
12, magic 793712314): ``Args::load``, ``Dictionary::load`` (entries, then the ``pruneidx`` pairs of
quantised models), the input matrix (``DenseMatrix`` or ``QuantMatrix`` with a
``ProductQuantizer`` of 256 centroids per sub-quantiser, optionally a quantised norm), the
``qout`` flag and the output matrix. A quantised matrix is decoded here once into a dense
float32 matrix whose row ``i`` is ``norm_i * centroids(codes_i)``, the exact per-element product
``QuantMatrix::addRowToVector`` adds (``ProductQuantizer::addcode``), so adding a decoded row is
bit-identical to fastText's.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from altedic.errors import ConfigError

MAGIC = 793712314
MAX_VERSION = 12
LOSS_NAMES = {1: "hs", 2: "ns", 3: "softmax", 4: "ova"}
EOS = b"</s>"
BOW = b"<"
EOW = b">"
LABEL_PREFIX = b"__label__"
KSUB = 256  # centroids per sub-quantiser (fastText's ProductQuantizer, nbits = 8)


@dataclass
class FastTextArrays:
    """A fastText supervised model as flat arrays (see the module docstring).

    ``words``: the dictionary entries (words then labels, as in the file); ``word_type`` 0 = word,
    1 = label; ``prune``: n-gram bucket -> input row offset (minus ``nwords``) for pruned models,
    None when every bucket has its row (``pruneidx_size`` < 0); ``input``: (rows, dim) float32;
    ``output``: (labels or tree nodes, dim) float32; ``left``/``right``: children of the Huffman
    tree of hierarchical-softmax models (``hs``), indexed by node id, -1 for a leaf.
    """

    dim: int
    minn: int
    maxn: int
    bucket: int
    word_ngrams: int
    loss: str
    nwords: int
    words: list[bytes]
    word_type: npt.NDArray[np.int8]
    prune: dict[int, int] | None
    input: npt.NDArray[np.float32]
    output: npt.NDArray[np.float32]
    labels: list[str]
    left: npt.NDArray[np.int32]
    right: npt.NDArray[np.int32]


class _Reader:
    def __init__(self, data: bytes, path: str) -> None:
        self.b = data
        self.o = 0
        self.path = path

    def take(self, fmt: str) -> tuple[int | float | bool, ...]:
        size = struct.calcsize("<" + fmt)
        if self.o + size > len(self.b):
            raise ConfigError(f"truncated fastText model file: {self.path}", key="stages.langid.model")
        v = struct.unpack_from("<" + fmt, self.b, self.o)
        self.o += size
        return v

    def array(self, dtype: type, count: int) -> npt.NDArray[Any]:
        size = np.dtype(dtype).itemsize * count
        if count < 0 or self.o + size > len(self.b):
            raise ConfigError(f"truncated fastText model file: {self.path}", key="stages.langid.model")
        a: npt.NDArray[Any] = np.frombuffer(self.b, dtype=dtype, count=count, offset=self.o)
        self.o += size
        return a


def _centroid_rows(r: _Reader) -> tuple[int, int, int, int, npt.NDArray[np.float32]]:
    """ProductQuantizer::load: dim, nsubq, dsub, lastdsub and the centroid table."""
    dim, nsubq, dsub, lastdsub = (int(x) for x in r.take("iiii"))
    centroids = r.array(np.float32, dim * KSUB).astype(np.float32)
    return dim, nsubq, dsub, lastdsub, centroids


def _decode(
    codes: npt.NDArray[np.uint8], m: int, pq: tuple[int, int, int, int, npt.NDArray[np.float32]]
) -> npt.NDArray[np.float32]:
    """Rows of a product-quantised matrix (ProductQuantizer::get_centroids layout)."""
    dim, nsubq, dsub, lastdsub, centroids = pq
    codes = codes.reshape(m, nsubq)
    out = np.empty((m, dim), dtype=np.float32)
    for q in range(nsubq):
        d = lastdsub if q == nsubq - 1 else dsub
        start = q * KSUB * dsub
        table = centroids[start : start + KSUB * d].reshape(KSUB, d)
        out[:, q * dsub : q * dsub + d] = table[codes[:, q]]
    return out


def _matrix(r: _Reader, quantised: bool) -> npt.NDArray[np.float32]:
    if not quantised:
        m, n = (int(x) for x in r.take("qq"))
        return r.array(np.float32, m * n).reshape(m, n).astype(np.float32)
    qnorm, m_, _n, codesize = r.take("?qqi")
    m = int(m_)
    codes = r.array(np.uint8, int(codesize))
    pq = _centroid_rows(r)
    rows = _decode(codes, m, pq)
    if qnorm:
        norm_codes = r.array(np.uint8, m)
        npq = _centroid_rows(r)
        norms = npq[4][:KSUB][norm_codes.astype(np.intp)]  # one centroid per code (dim 1)
        # QuantMatrix::addRowToVector: x[j] += norm * c[j] (a float32 product, as here)
        rows = (rows * norms[:, None].astype(np.float32)).astype(np.float32)
    return rows


def _huffman(counts: list[int]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """HierarchicalSoftmaxLoss::buildTree (src/loss.cc): children of each node (-1 = leaf)."""
    osz = len(counts)
    n = 2 * osz - 1
    count = [int(c) for c in counts] + [10**15] * (osz - 1)
    left = np.full(max(n, 1), -1, dtype=np.int32)
    right = np.full(max(n, 1), -1, dtype=np.int32)
    leaf, node = osz - 1, osz
    for i in range(osz, n):
        mini = [0, 0]
        for j in range(2):
            if leaf >= 0 and count[leaf] < count[node]:
                mini[j] = leaf
                leaf -= 1
            else:
                mini[j] = node
                node += 1
        left[i], right[i] = mini
        count[i] = count[mini[0]] + count[mini[1]]
    return left, right


def load_fasttext(path: str | Path) -> FastTextArrays:
    """Read a supervised fastText model file (ConfigError when it is not one)."""
    p = str(path)
    try:
        data = Path(p).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read model file {p}: {exc}", key="stages.langid.model") from exc
    r = _Reader(data, p)
    magic, version = r.take("ii")
    if magic != MAGIC or not 0 < int(version) <= MAX_VERSION:
        raise ConfigError(f"not a fastText model file (magic/version): {p}", key="stages.langid.model")
    a = [int(x) for x in r.take("iiiiiiiiiiiid")[:12]]
    dim, _ws, _epoch, _mincount, _neg, word_ngrams, loss, model, bucket, minn, maxn, _lr = a
    if model != 3:
        raise ConfigError(f"not a supervised (classification) fastText model: {p}", key="stages.langid.model")
    if loss not in LOSS_NAMES:
        raise ConfigError(f"unknown fastText loss {loss} in {p}", key="stages.langid.model")
    if int(version) == 11:
        maxn = 0  # FastText::loadModel: old supervised models have no character n-grams
    size, nwords, nlabels, _ntokens, pruneidx_size = (int(x) for x in r.take("iiiqq"))
    words: list[bytes] = []
    types = np.empty(size, dtype=np.int8)
    counts: list[int] = []
    b = r.b
    for i in range(size):
        end = b.index(b"\0", r.o)
        words.append(b[r.o : end])
        r.o = end + 1
        count, typ = r.take("qb")
        types[i] = int(typ)
        if typ == 1:
            counts.append(int(count))
    prune: dict[int, int] | None = None
    if pruneidx_size >= 0:
        pairs = r.array(np.int32, 2 * pruneidx_size).reshape(-1, 2)
        prune = {int(k): int(v) for k, v in pairs}
    (quant_input,) = r.take("?")
    inp = _matrix(r, bool(quant_input))
    (qout,) = r.take("?")
    out = _matrix(r, bool(quant_input) and bool(qout))
    if inp.shape[1] != dim or out.shape[1] != dim:
        raise ConfigError(f"inconsistent matrix sizes in fastText model {p}", key="stages.langid.model")
    labels = [w.decode("utf-8", "replace") for w, t in zip(words, types, strict=True) if t == 1]
    if len(labels) != nlabels:
        raise ConfigError(f"inconsistent label count in fastText model {p}", key="stages.langid.model")
    loss_name = LOSS_NAMES[loss]
    if loss_name == "hs":
        left, right = _huffman(counts)
    else:
        left = right = np.full(1, -1, dtype=np.int32)
    return FastTextArrays(
        dim=dim,
        minn=minn,
        maxn=maxn,
        bucket=bucket,
        word_ngrams=word_ngrams,
        loss=loss_name,
        nwords=nwords,
        words=words,
        word_type=types,
        prune=prune,
        input=np.ascontiguousarray(inp),
        output=np.ascontiguousarray(out),
        labels=labels,
        left=left,
        right=right,
    )
