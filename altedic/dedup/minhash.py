"""MinHash facade: one API over the compiled kernel and its pure-Python/numpy twin.

The compiled kernel (:mod:`altedic.dedup._minhash`, Cython) is used when it is importable;
``ALTEDIC_PURE_PYTHON=1`` forces the twin (:mod:`altedic.dedup._minhash_py`). Both give
bit-identical signatures (the twin is the specification; ``tests/unit/test_minhash_equivalence.py``
checks it). A missing compiled module is never silently slow: importing this module then emits a
:class:`RuntimeWarning` naming the fix, and :data:`IMPLEMENTATION` / :func:`describe` say which
implementation is in use, for the run manifest.

Use :class:`MinHasher` (parameters fixed once) rather than the module functions in hot loops.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from types import ModuleType

import numpy as np

from altedic.dedup import _minhash_py as _py
from altedic.dedup._minhash_py import EMPTY, MERSENNE_P, SPEC_VERSION, U64, make_params

__all__ = [
    "COMPILED_IMPORT_ERROR",
    "EMPTY",
    "IMPLEMENTATION",
    "MERSENNE_P",
    "SPEC_VERSION",
    "MinHasher",
    "describe",
    "make_params",
    "shingle_hashes",
]

_kernel: ModuleType | None = None
COMPILED_IMPORT_ERROR: str | None = None
"""Why the compiled kernel is not in use (None when it is)."""

if os.environ.get("ALTEDIC_PURE_PYTHON", "") not in ("", "0"):
    COMPILED_IMPORT_ERROR = "ALTEDIC_PURE_PYTHON is set: the pure-Python twin is forced"
else:
    try:
        from altedic.dedup import _minhash as _compiled

        if getattr(_compiled, "SPEC_VERSION", None) != SPEC_VERSION:
            raise ImportError(
                f"compiled kernel implements {getattr(_compiled, 'SPEC_VERSION', 'a placeholder')}, "
                f"expected {SPEC_VERSION} (stale build)"
            )
        _kernel = _compiled
    except ImportError as exc:
        COMPILED_IMPORT_ERROR = str(exc)
        warnings.warn(
            "altedic: the compiled MinHash kernel (altedic.dedup._minhash) is NOT available "
            f"({exc}); falling back to the pure-Python twin, about 15x slower. Rebuild it with "
            "`pip install --no-deps --no-build-isolation -e .` (needs Cython and a C compiler).",
            RuntimeWarning,
            stacklevel=2,
        )

IMPLEMENTATION: str = "compiled" if _kernel is not None else "pure"
"""``compiled`` or ``pure``: the implementation this process uses."""


def describe() -> dict[str, str]:
    """Facts for the run manifest: implementation, specification, kernel ISA, why not compiled."""
    info = {"implementation": IMPLEMENTATION, "spec": SPEC_VERSION}
    if _kernel is not None:
        info["isa"] = _kernel.isa()
    if COMPILED_IMPORT_ERROR is not None:
        info["compiled_unavailable"] = COMPILED_IMPORT_ERROR
    return info


def _as_texts(texts: Sequence[str | bytes]) -> list[str]:
    return [t.decode("utf-8", "surrogateescape") if isinstance(t, bytes) else t for t in texts]


def shingle_hashes(text: str, ngram: int, implementation: str | None = None) -> U64:
    """The 64-bit hash of every shingle of ``text`` (text order, duplicates kept)."""
    impl = implementation or IMPLEMENTATION
    if impl == "compiled":
        if _kernel is None:
            raise RuntimeError(f"compiled MinHash kernel unavailable: {COMPILED_IMPORT_ERROR}")
        return np.frombuffer(_kernel.shingle_hashes(text, ngram), dtype=np.uint64)
    return _py.shingle_hashes(text, ngram)


class MinHasher:
    """Signatures with fixed parameters: ``num_perm`` permutations from ``seed``, word ``ngram``-shingles.

    ``implementation`` is ``compiled``, ``pure`` or None (the module's choice). Signatures are
    uint64 arrays of shape ``(len(texts), num_perm)`` with values in ``[0, 2^61 - 1)``, or
    ``EMPTY`` (2^64 - 1) in every slot for a text without words.
    """

    def __init__(self, num_perm: int = 112, ngram: int = 5, seed: int = 0, implementation: str | None = None) -> None:
        if not 1 <= ngram <= 64:
            raise ValueError(f"ngram must be in [1, 64], got {ngram}")
        self.num_perm = num_perm
        self.ngram = ngram
        self.seed = seed
        self.a, self.b = make_params(num_perm, seed)
        impl = implementation or IMPLEMENTATION
        if impl not in ("compiled", "pure"):
            raise ValueError(f"implementation must be 'compiled' or 'pure', got {impl!r}")
        if impl == "compiled" and _kernel is None:
            raise RuntimeError(f"compiled MinHash kernel unavailable: {COMPILED_IMPORT_ERROR}")
        self.implementation = impl

    def signatures(self, texts: Sequence[str | bytes]) -> U64:
        """Signatures of a batch (``str``, or UTF-8 ``bytes``, decoded first)."""
        batch = _as_texts(texts)
        if self.implementation == "compiled":
            assert _kernel is not None
            out = np.empty((len(batch), self.num_perm), dtype=np.uint64)
            _kernel.signatures_into(batch, self.a, self.b, self.ngram, out)
            return out
        return _py.signatures(batch, self.a, self.b, self.ngram)

    def signature(self, text: str | bytes) -> U64:
        """Signature of one text (prefer :meth:`signatures` on batches)."""
        return self.signatures([text])[0]  # type: ignore[no-any-return]

    def min_shingle_hashes(self, texts: Sequence[str | bytes]) -> U64:
        """Smallest shingle hash per text: the "hash every shingle once" floor (benchmarks)."""
        batch = _as_texts(texts)
        if self.implementation == "compiled":
            assert _kernel is not None
            out = np.empty(len(batch), dtype=np.uint64)
            _kernel.min_shingle_hashes_into(batch, self.ngram, out)
            return out
        return _py.min_shingle_hashes(batch, self.ngram)

    def shingle_hashes(self, text: str) -> U64:
        return shingle_hashes(text, self.ngram, self.implementation)
