"""Bit-identical signatures: compiled kernel vs pure-Python twin, on random multilingual text."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altedic.dedup import minhash
from altedic.dedup.minhash import MinHasher

pytestmark = pytest.mark.skipif(minhash.IMPLEMENTATION != "compiled", reason="compiled kernel not in use")

# Letters of Maltese, Irish, Greek, Bulgarian, Catalan, Basque, Welsh, Luxembourgish..., digits,
# punctuation, combining marks, CJK, emoji and astral letters (U+1D400 math bold A), NBSP, ZWJ.
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz ĊċĠġĦħŻżàèìòù áéíóú ÁÉÍÓÚ αβγδεζηθικλμνξοπρσςτυφχψω ΆΈΉΊΌΎΏ ΣΑΣ "
    "абвгдежзийклмнопрстуфхцчшщъьюя ЁЙЪ ŀl ç ñ ŵŷ ëäöü ß İı ǅ ﬁ 0123456789 ٣ ¾ ² "
    ".,;:!?'’\"«»„“-–—_()[]/\\\t\n\r\u00a0\u200d\u0301\u0308 中文字 😀 𝐀𝐁 𐐀"
)

texts = st.text(alphabet=ALPHABET, min_size=0, max_size=400)


def _both(docs: list[str], ngram: int, num_perm: int = 32, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    c = MinHasher(num_perm=num_perm, ngram=ngram, seed=seed, implementation="compiled")
    p = MinHasher(num_perm=num_perm, ngram=ngram, seed=seed, implementation="pure")
    return c.signatures(docs), p.signatures(docs)


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6), st.integers(min_value=1, max_value=7))
def test_random_multilingual_batches_are_bit_identical(docs: list[str], ngram: int) -> None:
    c, p = _both(docs, ngram)
    assert c.tobytes() == p.tobytes()
    for d in docs:
        assert (
            minhash.shingle_hashes(d, ngram, "compiled").tolist() == minhash.shingle_hashes(d, ngram, "pure").tolist()
        )


@pytest.mark.parametrize("ngram", [1, 2, 5, 13])
def test_edge_cases_are_bit_identical(ngram: int) -> None:
    rng = random.Random(20260501)
    words = ["Ħal", "Għarb", "Éire", "Ελλάδα", "България", "Catalunya", "Euskadi", "Cymru", "Lëtzebuerg", "x"]
    very_long = " ".join(rng.choice(words) for _ in range(60_000))  # ~400k characters
    docs = ["", " ", "one", "ΕΝΑ", "два", "a b", "ﬁ İstanbul ß", "𝐀𝐁𝐂 𐐀𐐁", "😀 😀", "_", "a_b", very_long]
    c, p = _both(docs, ngram, num_perm=112, seed=0)
    assert c.tobytes() == p.tobytes()


def test_every_permutation_loop_variant_agrees() -> None:
    from altedic.dedup import _minhash as kernel

    rng = random.Random(3)
    docs = [
        " ".join(rng.choice(["Ħ", "ġdid", "αβ", "жи", "eu", "ga"]) for _ in range(rng.randint(0, 300)))
        for _ in range(40)
    ]
    expected = MinHasher(num_perm=112, ngram=5, seed=11, implementation="pure").signatures(docs)
    best = kernel.isa()
    try:
        for name in ("scalar", "avx2", "avx512f"):
            try:
                kernel.set_isa(name)
            except ValueError:
                continue  # this CPU lacks the instruction set
            got = MinHasher(num_perm=112, ngram=5, seed=11, implementation="compiled").signatures(docs)
            assert got.tobytes() == expected.tobytes(), name
    finally:
        kernel.set_isa(best)
