"""Shared MinHash suite, run against both implementations (compiled kernel and pure twin)."""

from __future__ import annotations

import numpy as np
import pytest

from altedic.dedup import _minhash_py as ref
from altedic.dedup import minhash
from altedic.dedup.minhash import EMPTY, MERSENNE_P, MinHasher

IMPLS = [
    "pure",
    pytest.param(
        "compiled",
        marks=pytest.mark.skipif(
            minhash.IMPLEMENTATION != "compiled",
            reason="compiled kernel not in use (ALTEDIC_PURE_PYTHON or missing build)",
        ),
    ),
]

MT = "Il-Kunsill tal-Unjoni Ewropea adotta r-regolament dwar is-sigurtà tal-prodotti għall-konsumaturi"
GA = "Ghlac an Chomhairle an rialachan maidir le sabhailteacht tairgi do thomhaltoiri na hEorpa inniu"
EL = "Το Συμβούλιο της Ευρωπαϊκής Ένωσης ενέκρινε τον κανονισμό για την ασφάλεια των προϊόντων"
BG = "Съветът на Европейския съюз прие регламента относно безопасността на продуктите днес"


@pytest.fixture(params=IMPLS)
def impl(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_words_follow_isalnum_across_scripts() -> None:
    assert ref.words("L-Unjoni, żgħira; ĦAĠAR_x d'Irlande 2024!") == [
        "l",
        "unjoni",
        "żgħira",
        "ħaġar",
        "x",
        "d",
        "irlande",
        "2024",
    ]
    assert ref.words("ΣΑΣ Σοφία — «Ελλάδα»") == ["σας", "σοφία", "ελλάδα"]


def test_shingle_counts(impl: str) -> None:
    assert len(minhash.shingle_hashes("", 5, impl)) == 0
    assert len(minhash.shingle_hashes(" ,;— ", 5, impl)) == 0
    assert len(minhash.shingle_hashes("one", 5, impl)) == 1
    assert len(minhash.shingle_hashes("a b c d", 5, impl)) == 1
    assert len(minhash.shingle_hashes("a b c d e", 5, impl)) == 1
    assert len(minhash.shingle_hashes(BG, 5, impl)) == 11 - 5 + 1
    assert len(minhash.shingle_hashes(BG, 1, impl)) == 11


def test_case_and_punctuation_do_not_matter(impl: str) -> None:
    h = MinHasher(num_perm=16, ngram=3, seed=1, implementation=impl)
    sigs = h.signatures([EL, EL.upper(), "  " + EL.replace(" ", " ,  ") + "!!", EL + " τέλος"])
    assert (sigs[0] == sigs[1]).all()
    assert (sigs[0] == sigs[2]).all()
    assert not (sigs[0] == sigs[3]).all()


def test_empty_text_signature_and_value_range(impl: str) -> None:
    h = MinHasher(num_perm=112, ngram=5, seed=0, implementation=impl)
    sigs = h.signatures(["", MT, GA, EL, BG, "ħ"])
    assert sigs.shape == (6, 112)
    assert sigs.dtype == np.uint64
    assert (sigs[0] == np.uint64(EMPTY)).all()
    assert (sigs[1:] < np.uint64(MERSENNE_P)).all()


def test_bytes_input_is_decoded_as_utf8(impl: str) -> None:
    h = MinHasher(num_perm=8, ngram=2, seed=3, implementation=impl)
    assert (h.signatures([MT.encode("utf-8")]) == h.signatures([MT])).all()


def test_signature_matches_python_integer_definition(impl: str) -> None:
    """sig_k = min over shingles of (a_k * (s mod p) + b_k) mod p, with Python's exact integers."""
    h = MinHasher(num_perm=20, ngram=4, seed=99, implementation=impl)
    shingles = [int(s) % MERSENNE_P for s in ref.shingle_hashes(GA, 4)]
    expected = [min((int(a) * s + int(b)) % MERSENNE_P for s in shingles) for a, b in zip(h.a, h.b, strict=True)]
    assert h.signature(GA).tolist() == expected


def test_estimated_similarity_tracks_jaccard(impl: str) -> None:
    words = [f"w{i}" for i in range(400)]
    a = " ".join(words)
    b = " ".join(words[:360] + [f"x{i}" for i in range(40)])  # shingle Jaccard 356/444 = 0.80
    h = MinHasher(num_perm=112, ngram=5, seed=7, implementation=impl)
    sa, sb = h.signatures([a, b])
    est = float((sa == sb).mean())
    assert 0.65 <= est <= 0.95  # 112 permutations: standard error 0.038 around 0.80


def test_params_are_deterministic_and_in_range() -> None:
    a1, b1 = minhash.make_params(112, 42)
    a2, b2 = minhash.make_params(112, 42)
    a3, _ = minhash.make_params(112, 43)
    assert (a1 == a2).all() and (b1 == b2).all()
    assert not (a1 == a3).all()
    assert int(a1.min()) >= 1 and int(a1.max()) < MERSENNE_P and int(b1.max()) < MERSENNE_P


def test_golden_values_never_change(impl: str) -> None:
    """Signatures are stored in OUT/dedup/ and compared by later runs: minhash-v1 is frozen.

    These values were computed once with minhash-v1; a change here needs a new SPEC_VERSION.
    """
    a, b = minhash.make_params(3, 42)
    assert a.tolist() == [2150242486686805664, 527597730035375959, 701532786141963251]
    assert b.tolist() == [643983082913198340, 1737512041830867862, 2180923070380825356]
    h = MinHasher(num_perm=4, ngram=5, seed=0, implementation=impl)
    assert h.signature(MT).tolist() == [269879196579413154, 497483680906135409, 225909300368418445, 100873260095156843]


def test_bad_ngram_is_refused(impl: str) -> None:
    with pytest.raises(ValueError, match="ngram"):
        MinHasher(ngram=0, implementation=impl)
    with pytest.raises(ValueError, match="ngram"):
        minhash.shingle_hashes("a b", 65, impl)


def test_facade_reports_its_choice() -> None:
    info = minhash.describe()
    assert info["implementation"] == minhash.IMPLEMENTATION
    assert info["spec"] == "minhash-v1"
    assert (minhash.COMPILED_IMPORT_ERROR is None) == (minhash.IMPLEMENTATION == "compiled")
