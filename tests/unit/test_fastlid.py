"""The compiled fastText kernel gives fastText's own predictions; the evidence data loads and counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from altedic.errors import ConfigError
from altedic.langid.ftmodel import load_fasttext
from altedic.langid.model import LidModel, default_model_path, model_input
from altedic.langid.policy import GROUPS, GroupResolver, load_groups

# Written for this test: short and long, several scripts, punctuation, digits, hyphens, no words.
TEXTS = [
    "Il-Kummissjoni Ewropea llum ippubblikat rapport ġdid dwar l-istat tal-ambjent.",
    "Tá an aimsir go hálainn inniu agus níl aon duine ag obair sa pháirc.",
    "Η Ευρωπαϊκή Επιτροπή δημοσίευσε σήμερα νέα έκθεση για το περιβάλλον.",
    "Европейската комисия публикува днес нов доклад за околната среда.",
    "Ovo je Sveučilište u Zagrebu, a tisuću studenata svaki tjedan dolazi u knjižnicu.",
    "Ech weess net, ob hien haut kënnt, mee mir waarden op hien.",
    "Aquest any els nens també van anar a la platja amb els seus pares (2024-11-01).",
    "Non sei se a xente quere ir á praia cando chove.",
    "Eg veit ikkje kva ho meiner, men det er berre noko ho seier.",
    "Y Comisiwn Ewropeaidd",
    "ok",
    "12345 67890 !!! ---",
    "Emoji 😀 and a tab\there, e\u0301 combining, a line\u2028separator",
    " ".join(["Europska komisija danas je objavila novo izvješće o stanju okoliša."] * 30),
]


@pytest.fixture(scope="module")
def pair() -> tuple[LidModel, object]:
    fasttext = pytest.importorskip("fasttext")
    kernel = LidModel(backend="kernel")
    kernel.load()
    assert kernel.backend_used == "kernel"
    return kernel, fasttext.load_model(default_model_path()).f


def test_kernel_equals_fasttext(pair: tuple[LidModel, object]) -> None:
    kernel, ft = pair
    arrays = load_fasttext(default_model_path())
    assert (arrays.dim, arrays.minn, arrays.maxn, arrays.loss, len(arrays.labels)) == (16, 2, 4, "hs", 176)
    raw = kernel._kernel.predict(TEXTS, 5)  # (label index, probability), best first
    for text, mine in zip(TEXTS, raw, strict=True):
        line = text.replace("\u2028", " ").replace("\n", " ") + "\n"
        ref = ft.predict(line, 5, 0.0, "strict")  # type: ignore[attr-defined]
        assert [arrays.labels[i] for i, _ in mine] == [lab for _, lab in ref], text
        for (_, p), (q, _) in zip(mine, ref, strict=True):
            assert abs(p - q) < 1e-6, text


def test_both_backends_give_the_same_codes() -> None:
    kernel = LidModel(backend="kernel")
    library = LidModel(backend="fasttext")
    a = kernel.predict(TEXTS, k=3, max_chars=200)
    b = library.predict(TEXTS, k=3, max_chars=200)
    assert library.backend_used == "fasttext" and kernel.backend_used == "kernel"
    assert [[c for c, _ in p] for p in a] == [[c for c, _ in p] for p in b]
    assert [p[0][0] for p in a[1:5]] == ["ga", "el", "bg", "hr"]
    with pytest.raises(ConfigError, match="allowed: auto, kernel, fasttext"):
        LidModel(backend="gpu")


def test_model_input_samples_three_windows() -> None:
    short = "Il-Kummissjoni Ewropea"
    assert model_input(short, 100) == short
    assert model_input(short, None) == short
    words = " ".join(f"w{i:03d}" for i in range(200))  # 999 characters
    got = model_input(words, 90)
    parts = got.split(" ")
    assert parts[:6] == ["w000", "w001", "w002", "w003", "w004", "w005"]
    assert parts[-1] == "w199"
    assert "w100" in parts or "w099" in parts
    assert len(got) <= 92 and all(len(p) == 4 for p in parts)


def test_groups_file_loads_and_evidence_counts() -> None:
    assert set(GROUPS) == {"hbs", "cyrl-south", "cs-sk", "nordic", "gl-pt", "ca-es-oc", "lb-de", "mt-it", "ga-gd"}
    r = GroupResolver()
    # Croatian doublets, ijekavian, -irati
    assert r.evidence("hbs", "Tko je jučer organizirao sastanak u Zagrebu?") == {
        "hr": 3,
        "bs": 0,
        "sr": 0,
        "cnr": 0,
        "sl": 0,
    }
    # a pair entry ("da li"), Bosnian/Serbian doublets, an -isati verb but not a -pisati one
    assert r.evidence("hbs", "Da li je porodica definisala, a ne potpisala, plan?") == {
        "hr": 0,
        "bs": 3,
        "sr": 3,
        "cnr": 0,
        "sl": 0,
    }
    # ekavian: Serbian only (deca, posle) and Serbian + Slovenian (vreme)
    assert r.evidence("hbs", "Deca su posle dugo vreme.") == {"hr": 0, "bs": 0, "sr": 3, "cnr": 0, "sl": 1}
    # Slovenian function words; Montenegrin letters counted in upper case too
    assert r.evidence("hbs", "V Ljubljani je tudi danes lepo in toplo.")["sl"] == 5
    assert r.evidence("hbs", "ŚUTRA")["cnr"] == 2
    # Cyrillic alphabets
    ev = r.evidence("cyrl-south", "Ово је ћерка.")
    assert ev["sr"] > ev["mk"] and ev["bg"] == 0
    assert r.evidence("mt-it", "Il-Gvern ħabbar")["mt"] == 2  # il-* and ħ


def test_groups_file_errors_name_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "groups.yaml"
    bad.write_text("groups:\n  x:\n    members: [hr]\n", "utf-8")
    with pytest.raises(ConfigError, match=r"groups\.x"):
        load_groups(bad)
    bad.write_text("groups:\n  x:\n    members: [hr, bs]\n    words: {sl: [in]}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"groups\.x\.words"):
        load_groups(bad)
    bad.write_text("groups:\n  x:\n    members: [hr, bs]\n    trust_model_above: 2\n", "utf-8")
    with pytest.raises(ConfigError, match="trust_model_above"):
        load_groups(bad)


def test_word_cache_and_names_do_not_change_results() -> None:
    from altedic.langid._fastlid import FastLid

    arrays = load_fasttext(default_model_path())
    fresh = FastLid(arrays).predict(TEXTS, 5)
    used = FastLid(arrays)
    used.predict([t.upper() for t in TEXTS] + [" ".join(TEXTS)], 3)  # other words, other state
    assert used.predict(TEXTS, 5) == fresh
    assert used.predict(TEXTS, 5) == fresh  # every word of TEXTS now cached
    named = used.predict(TEXTS, 5, 0.0, arrays.labels)
    assert named == [[(arrays.labels[i], p) for i, p in one] for one in fresh]
    with pytest.raises(ValueError, match="names has 2 entries"):
        used.predict(TEXTS, 1, 0.0, ["a", "b"])


SCRIPT_TEXTS = [
    "",
    "12345 !!! ---",
    "plain ascii",
    "Ελληνικά και English",  # 8 Greek letters, 7 Latin
    "abc абв",  # a tie: the first script in the table (Latin) wins
    "Српски текст на ћирилици, latinica",
    "עברית",
    "العربية",
    "Հայերեն",
    "ქართული",
    "×÷ ÀÿĀſƀɏ ḀỿἀῼЀԯͰϿ",  # range boundaries (× and ÷ fall in Latin's U+00C0-024F range)
    "x" * 10 + "ж" * 700,  # only the first 600 characters count
    "ж" * 590 + "x" * 700,
]


def test_compiled_scripts_equal_the_regexes() -> None:
    from altedic.langid import _fastlid
    from altedic.langid.policy import _SCRIPT_CLASSES, dominant_script, dominant_scripts

    assert tuple(_fastlid.SCRIPTS) == tuple(_SCRIPT_CLASSES)
    expected = [dominant_script(t) for t in SCRIPT_TEXTS]
    assert expected == [
        None,
        None,
        "Latn",
        "Grek",
        "Latn",
        "Cyrl",
        "Hebr",
        "Arab",
        "Armn",
        "Geor",
        "Latn",
        "Cyrl",
        "Cyrl",
    ]
    got = [_fastlid.SCRIPTS[i] if i >= 0 else None for i in _fastlid.dominant_scripts(SCRIPT_TEXTS)]
    assert got == expected
    assert dominant_scripts(SCRIPT_TEXTS) == expected
    assert [dominant_script(t, 5) for t in SCRIPT_TEXTS[-2:]] == ["Latn", "Cyrl"]
    assert _fastlid.dominant_scripts(SCRIPT_TEXTS[-2:], 5) == [0, 1]
