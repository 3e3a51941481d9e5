"""The compiled fastText kernel gives fastText's own predictions; the evidence data loads and counts."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from altedic.errors import ConfigError
from altedic.langid.ftmodel import load_fasttext
from altedic.langid.model import LidModel, default_model_path, model_input
from altedic.langid.policy import GROUPS, Evidence, GroupResolver, load_groups

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
    assert set(GROUPS) == {
        "hbs",
        "cyrl-south",
        "cs-sk",
        "nordic",
        "gl-pt",
        "ca-es-oc",
        "lb-de",
        "nl-af",
        "mt-it",
        "ga-gd",
    }
    r = GroupResolver()
    # Croatian doublets, and an -irati verb, which all four standards write (one hit each);
    # the country's capital is a topic entry, not evidence
    assert r.evidence("hbs", "Tko je jučer organizirao sastanak u Zagrebu?") == {
        "hr": 3,
        "bs": 1,
        "sr": 1,
        "cnr": 1,
        "sl": 0,
    }
    # a pair entry ("da li"), Bosnian/Serbian/Montenegrin doublets, an -isati verb but not a
    # -pisati one
    assert r.evidence("hbs", "Da li je porodica definisala, a ne potpisala, plan?") == {
        "hr": 0,
        "bs": 3,
        "sr": 3,
        "cnr": 3,
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
    for key in ('"hr sl"', '"hr hr"', '" "'):  # a shared list names members, once each
        bad.write_text(f"groups:\n  x:\n    members: [hr, bs]\n    words: {{{key}: [a]}}\n", "utf-8")
        with pytest.raises(ConfigError, match=r"groups\.x\.words"):
            load_groups(bad)


def test_a_list_naming_several_members_counts_for_each(tmp_path: Path) -> None:
    path = tmp_path / "groups.yaml"
    path.write_text(
        "groups:\n  x:\n    members: [hr, bs, sr]\n"
        '    words: {hr: [tko], sr: ["istorij*"], "hr bs": [vrijeme, "rješenj*"]}\n',
        "utf-8",
    )
    words = load_groups(path)["x"].words
    assert words == {"hr": ("tko", "vrijeme", "rješenj*"), "sr": ("istorij*",), "bs": ("vrijeme", "rješenj*")}
    counts = Evidence(load_groups(path)["x"]).count("tko zna koje je vrijeme za rješenje?")
    assert counts == {"hr": 3, "bs": 2, "sr": 0}


def test_packaged_hbs_lists_share_the_ijekavian_block() -> None:
    # the shared lists of groups.yaml reach every member they name, and only those
    words = GROUPS["hbs"].words
    for entry in ("vrijeme", "rješenj*", "svijest*"):
        assert [m for m in GROUPS["hbs"].members if entry in words.get(m, ())] == ["hr", "bs", "cnr"]
    assert [m for m in GROUPS["hbs"].members if "evrop*" in words[m]] == ["bs", "sr", "cnr", "sl"]


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


def test_kernel_results_do_not_depend_on_the_batch_around_a_text(pair: tuple[LidModel, object]) -> None:
    # Version 6 finds a text's words 64 at a time ahead of their rows, asks the memory for the
    # next word's rows and looks new n-grams up 128 at a time: none of that may change a
    # probability. A text of 3,270 words (52 blocks of words), a word of 307 letters (eight
    # chunks of n-grams), short texts between them, against each text alone in a fresh kernel,
    # and the long ones against fastText.
    from altedic.langid._fastlid import FastLid

    _, ft = pair
    arrays = load_fasttext(default_model_path())
    long_text = " ".join(TEXTS[i % 10] for i in range(300))
    long_word = "Europska" + "komisijadanasjeobjavila" * 13  # 307 letters, ~900 n-grams
    batch = [TEXTS[0], long_text, TEXTS[1], long_word, TEXTS[2], "ab " + long_word + " cd", TEXTS[3]]
    together = FastLid(arrays).predict(batch, 5)
    alone = [FastLid(arrays).predict([t], 5)[0] for t in batch]
    assert together == alone
    for text in (long_text, long_word):
        mine = together[batch.index(text)]
        ref = ft.predict(text + "\n", 5, 0.0, "strict")  # type: ignore[attr-defined]
        assert [arrays.labels[i] for i, _ in mine] == [lab for _, lab in ref]
        for (_, p), (q, _) in zip(mine, ref, strict=True):
            assert abs(p - q) < 1e-6


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


# Written for this test: long words (ASCII and two- and three-byte UTF-8, around the 32-byte
# limit of the kernel's word cache and beyond it) compared with fastText.
LONG_WORD_TEXTS = [
    "x" * 60 + " " + "y" * 61 + " " + "z" * 62 + " " + "w" * 63 + " kratka riječ",
    "ž" * 30 + " " + "ž" * 31 + " " + "đ" * 32 + " čćžšđ",
    "€" * 20 + " " + "€" * 21 + " " + "Ħ" * 33 + " il-Kummissjoni",
    "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt und so weiter",
]


def test_kernel_long_words_equal_fasttext(pair: tuple[LidModel, object]) -> None:
    kernel, ft = pair
    arrays = load_fasttext(default_model_path())
    for text, mine in zip(LONG_WORD_TEXTS, kernel._kernel.predict(LONG_WORD_TEXTS, 10), strict=True):
        ref = ft.predict(text + "\n", 10, 0.0, "strict")  # type: ignore[attr-defined]
        assert [arrays.labels[i] for i, _ in mine] == [lab for _, lab in ref], text
        for (_, p), (q, _) in zip(mine, ref, strict=True):
            assert abs(p - q) < 1e-6, text


# -- the compiled evidence, first look and rounding against their Python twins -----------------

# Whitespace that str.split() cuts at (the compiled scan must cut at the same places), and
# punctuation around and inside chunks.
_SPACES = [" ", " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\x1c", "\u3000"]
_DECOR = ["", "", "", ",", ".", "(", ")", "«", "»", "“", "?!", "…", "'", "-", "_", "’"]


def _evidence_texts(words: list[str], seed: int, n: int = 400) -> list[str]:
    """Texts of entries of a group (and variants of them) with filler words, punctuation and
    white space of several kinds, deterministic."""
    import random

    rng = random.Random(seed)
    filler = ["a", "i", "je", "na", "the", "und", "123", "x_y", "ab-cd", "d'aquel", "—", "..", "ž", "ћ", "Ω", "😀"]
    filler += ["e\u0301", "٣٤", "x²", "Ⅻ", "ǅ", "ﬁ", "İ".lower(), "a\u200bb"]  # alphanumeric by str.isalnum or not
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 40)):
            w = rng.choice(words) if rng.random() < 0.6 else rng.choice(filler)
            r = rng.random()
            if r < 0.15 and len(w) > 2:
                w = w + rng.choice(["a", "ima", "ović", "ski", "ing"])  # a prefix entry's word
            elif r < 0.3:
                w = rng.choice(["pre", "ne", "raz", "x"]) + w  # a suffix entry's word
            parts.append(rng.choice(_DECOR) + w + rng.choice(_DECOR))
            parts.append(rng.choice(_SPACES))
        out.append("".join(parts).lower())
    return out


def _entry_words(words: Mapping[str, Sequence[str]]) -> list[str]:
    out = []
    for entries in words.values():
        for e in entries:
            w = str(e).lower().lstrip("!").strip("*")
            out.extend(w.split(" ") if " " in w else [w])
            if " " in w:
                out.append(w)  # a two-word entry as it is written (one chunk, a space inside)
    return [w for w in out if w]


def test_compiled_evidence_equals_the_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    from altedic.langid import policy
    from altedic.langid.policy import Evidence, RegionalResolver

    if policy._EVIDENCE_KERNEL is None:
        pytest.skip("compiled kernel not built")
    reg = RegionalResolver()
    cases = [*GROUPS.values(), *(reg._groups[n] for n in sorted(reg.neighbours))]
    checked = 0
    for seed, group in enumerate(cases):
        words = group.words
        texts = _evidence_texts(_entry_words(words) + list("".join(group.chars.values())), seed)
        for memo_max in (200_000, 37):  # 37: the memo is cleared every few texts, in both
            monkeypatch.setattr(policy, "_MEMO_MAX", memo_max)
            twin = Evidence(group)
            twin._compiled = None
            compiled = Evidence(group)
            compiled._compiled = policy._EVIDENCE_KERNEL(
                compiled, policy._EDGE_PUNCT, policy._TOKEN.findall, memo_max, policy._SUFFIX_MIN_STEM
            )
            for text in texts + texts[:50]:  # then again, from the memo
                assert compiled.count(text) == twin.count(text), (group.name, memo_max, text)
                assert compiled._compiled.memo_size == len(twin._seen), (group.name, memo_max, text)
                checked += 1
            for w in _entry_words(words):
                for tok in (w, w + "ima", "raz" + w, w[:2], w[1:]):
                    assert compiled._compiled.hits_of(tok) == twin._hits(tok), (group.name, tok)
    assert checked == len(cases) * 2 * 450


def test_compiled_first_look_equals_the_expression() -> None:
    import random

    from altedic.langid import policy
    from altedic.langid.policy import RegionalResolver

    reg = RegionalResolver()
    if not reg._look:
        pytest.skip("compiled kernel not built")
    rng = random.Random(3)
    opened = 0
    for n in sorted(reg.neighbours):
        any_word, words, by_second, chars, infixes = reg._first_look[n]
        pool = sorted(any_word) + [p.strip() for ps in by_second.values() for p in ps] + list(chars) + list(infixes)
        pool += ["casa", "Haus", "the", "de", "la", "el", "und", "les", "123"]
        look = reg._look[n]
        for i in range(600):
            ws = [rng.choice(pool) for _ in range(rng.randint(0, 12))]
            if rng.random() < 0.5:
                ws = [w.capitalize() if rng.random() < 0.3 else w for w in ws]
            s = "".join(rng.choice(_DECOR[:6]) + w + rng.choice(_DECOR[:6]) + rng.choice(_SPACES) for w in ws)
            if i % 7 == 0:
                s = s.encode("ascii", "ignore").decode()
            assert look.look(s) == reg.first_look_empty(n, s), (n, s)
            opened += not look.look(s)
    # both outcomes are exercised, and punctuation or a capital alone do not hide a word
    assert 0.2 * 600 * len(reg.neighbours) < opened < 0.95 * 600 * len(reg.neighbours)
    for n in sorted(reg.neighbours):
        _, words, _, chars, _ = reg._first_look[n]
        candidates = [x for x in words if x.isalpha() and x.islower() and len(x) > 2]
        if not candidates:  # its varieties list characters only (tr: Gagauz, Crimean Tatar)
            c = min(ch for ch in chars if not ch.isascii())  # ASCII text is not looked at for characters
            assert not reg._look[n].look(f"casa {c}") and not reg.first_look_empty(n, f"casa {c}"), n
            continue
        w = min(candidates)
        for s in (f"{w}", f"«{w.capitalize()}», casa", f"casa ({w}).", f"{w}…"):
            assert not reg._look[n].look(s) and not reg.first_look_empty(n, s), (n, s)
    assert policy._KERNEL is not None


def test_compiled_rounding_equals_round() -> None:
    import math
    import random
    import struct

    from altedic.langid import policy

    if policy._KERNEL is None:
        pytest.skip("compiled kernel not built")
    round4, rounded_top = policy._KERNEL.round4, policy._KERNEL.rounded_top
    rng = random.Random(11)
    values = [rng.random() for _ in range(20_000)] + [rng.uniform(-20, 20) for _ in range(5_000)]
    values += [k / 20_000 for k in range(20_001)]  # every tie of 4 decimals in 0..1 (1/32 is one)
    values += [math.nextafter(v, 2.0) for v in values[-20_001:]] + [math.nextafter(v, -2.0) for v in values[-20_001:]]
    values += [0.0, -0.0, 1.0, 16.0, -16.0, 1e300, -1e-300, 5e-5, 0.99995, math.inf, -math.inf]
    for v in values:
        assert struct.pack("d", round4(v)) == struct.pack("d", round(v, 4)), v
    assert math.isnan(round4(math.nan))
    for v in (0, 1, True, -7):  # not a float: what round gives (an int)
        assert round4(v) == round(v, 4) and type(round4(v)) is type(round(v, 4))
    ranked = [("hr", 0.123456), (None, 0.2), ("bs", 1 / 32), ("sr", 0), ("sl", math.nextafter(1 / 32, 1.0))]
    assert rounded_top(ranked, 3) == {"hr": 0.1235, "bs": 0.0312}  # a tie: to even, as round
    assert rounded_top(ranked, 10) == {"hr": 0.1235, "bs": 0.0312, "sr": 0, "sl": 0.0313}
    assert type(rounded_top(ranked, 10)["sr"]) is int
    assert rounded_top([], 3) == {}
    assert policy._round4_py(0.123456) == 0.1235
    assert policy._rounded_top_py(ranked, 3) == rounded_top(ranked, 3)
    pred = [("sr-Latn", 0.5), (None, 0.3), ("hr", 1.00001), ("-x", 0.1), ("bs", math.nan), ("sl", 0.2)]
    for members in (("hr", "bs", "sr"), ("sl",), ("",), ()):
        got, want = policy._KERNEL.probs_of(pred, members), policy._probs_of_py(pred, members)
        assert [repr(x) for x in got] == [repr(x) for x in want], members
    assert policy._KERNEL.probs_of(pred, ("hr", "sr")) == [0.5, 1.0]


def test_stage_and_evidence_pickle_with_the_compiled_parts() -> None:
    import pickle

    from altedic.langid import policy
    from altedic.langid.policy import Evidence
    from altedic.langid.stage import LanguageStage

    stage = LanguageStage({})  # a recipe's stage is built, pickled to the workers, then set up
    texts = ["Tko je jučer organizirao sastanak u Zagrebu?", "Da li je porodica definisala plan?"]
    counts = [stage.resolver.evidence("hbs", t) for t in texts]
    copy = pickle.loads(pickle.dumps(stage))
    assert [copy.resolver.evidence("hbs", t) for t in texts] == counts
    assert copy.regional is not None and stage.regional is not None
    assert copy.regional._look.keys() == stage.regional._look.keys()
    # the memo travels: the copy has seen what the original had seen
    ev = Evidence(GROUPS["hbs"])
    for t in texts:
        ev.count(t.lower())
    again = pickle.loads(pickle.dumps(ev))
    if policy._EVIDENCE_KERNEL is not None:
        assert sorted(again._compiled.seen_chunks()) == sorted(ev._compiled.seen_chunks())
        assert again._compiled.memo_size == 12  # distinct chunks of the two texts ("je" twice)
    else:
        assert again._seen == ev._seen


def test_compiled_scripts_of_one_byte_texts() -> None:
    # a text whose characters are all below U+0100 takes a short way in the compiled loop (the
    # first letter decides: they are all Latin): every such character, alone and after others
    from altedic.langid import _fastlid
    from altedic.langid.policy import dominant_script

    texts = [chr(c) for c in range(256)] + ["\xbf\xd7 1" + chr(c) for c in range(256)] + ["¡¿ 12 ½", "x" * 700]
    got = [_fastlid.SCRIPTS[i] if i >= 0 else None for i in _fastlid.dominant_scripts(texts)]
    assert got == [dominant_script(t) for t in texts]
    assert got[-2:] == [None, "Latn"]


# --- other fastText models than lid.176 (tests/fixtures/lid_models/make_models.py) -------------

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "lid_models"
TINY_MODELS = sorted(p.name for p in TINY.glob("tiny-*"))


@functools.cache
def _tiny_texts() -> list[str]:
    """Lines of the made-up languages the tiny models were trained on (the generator's own
    corpus, regenerated), plus edge cases."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_models", TINY / "make_models.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    import random

    lines = [line.split(" ", 1)[1] for line in mod.corpus(random.Random(7))[:150]]
    return [*lines, "ok", "ā ē ī ū š ž", "qu xa wy zo " * 30, "mixed ā æ č q", *TEXTS[:6]]


def test_tiny_models_cover_every_kind() -> None:
    kinds = {
        (a.loss, a.word_ngrams > 1, a.maxn > 0, a.prune is not None) for a in map(load_fasttext, TINY.glob("tiny-*"))
    }
    assert {k[0] for k in kinds} == {"softmax", "hs", "ns", "ova"}
    assert any(k[1] for k in kinds) and any(not k[2] for k in kinds) and any(k[3] for k in kinds)


@pytest.mark.parametrize("name", TINY_MODELS)
def test_kernel_equals_fasttext_on_other_models(name: str) -> None:
    """Every loss (softmax, ova, ns, hs), word n-grams of 2 and 3 (fastText sign-extends the
    32-bit word hashes), 1-letter n-grams, no subwords, quantised and pruned: the kernel gives
    fastText's probability for every label. Ties (equal probabilities: ns and ova read a
    512-step sigmoid table, softmax can underflow to 0) may come in another order."""
    fasttext = pytest.importorskip("fasttext")
    path = str(TINY / name)
    arrays = load_fasttext(path)
    kernel = LidModel(path, backend="kernel")
    kernel.load()
    n = len(arrays.labels)
    assert n == 6
    ft = fasttext.load_model(path).f
    texts = _tiny_texts()
    mine = kernel._kernel.predict(texts, n)
    for text, got in zip(texts, mine, strict=True):
        ref = {lab: p for p, lab in ft.predict(text.replace("\u2028", " ") + "\n", n, 0.0, "strict")}  # type: ignore[attr-defined]
        ours = {arrays.labels[i]: p for i, p in got}
        assert ours.keys() == ref.keys(), text
        for lab, p in ours.items():
            assert abs(p - ref[lab]) < 1e-6, (name, text, lab)
        assert [p for _, p in got] == sorted((p for _, p in got), reverse=True)


def test_stage_runs_on_another_model_with_its_labels() -> None:
    """A recipe's own model (FLORES-style labels, 6 of them, one mapped to no language): the
    stage labels with that model's languages and never assumes lid.176's."""
    from altedic.langid.stage import LanguageStage

    path = str(TINY / "tiny-softmax.bin")
    stage = LanguageStage({"model": path, "labels": {"xyz_Latn": None}, "second_opinion": "none"})
    stage.setup()
    assert stage.model.languages() == frozenset({"lv", "et", "hr", "bs", "nb"})
    texts = _tiny_texts()[:40]
    raw = LidModel(path, {"xyz_Latn": None}).predict(texts, k=1)
    res = stage.identify(texts)
    # each text gets the model's top language (None where that label maps to no language),
    # with the model's probability: no lid.176 label, threshold or group rule gets in the way
    # of these sure predictions
    got = [(r["lang"] and r["lang"].split("-")[0], r["score"]) for r in res]
    assert got == [(top[0][0] and top[0][0].split("-")[0], round(top[0][1], 4)) for top in raw]
    assert {lang for lang, _ in got} == {None, "lv", "et", "hr", "bs", "nb"}


def _mapped(mapping: Mapping[str, str | None]) -> list[str | None]:
    """The codes the tiny softmax model's six labels map to under ``mapping``."""
    m = LidModel(str(TINY / "tiny-softmax.bin"), mapping)
    m.load()
    return [m.code_for_label(lab) for lab in m.labels()]


def test_label_mapping_keys_with_or_without_prefix_and_targets_as_the_automatic_mapping() -> None:
    """stages.langid.labels: a key is a label of the model, with or without fastText's
    ``__label__``; a target is read as the model's own labels are (a code the table lacks but
    ISO 639-like is kept: zza, fil), null or a code of no language (und, zxx) is no language.
    Before, a key written with ``__label__`` or naming no label was ignored without a word, and
    zza or fil were refused although the automatic mapping keeps xyz_Latn as xyz."""
    assert _mapped({}) == ["bs-Latn", "xyz", "nb", "et", "hr", "lv"]
    assert _mapped({"__label__xyz_Latn": None}) == ["bs-Latn", None, "nb", "et", "hr", "lv"]
    assert _mapped({"xyz_Latn": None, "__label__hrv_Latn": "mt"}) == ["bs-Latn", None, "nb", "et", "mt", "lv"]
    assert _mapped({"xyz_Latn": "zza", "nob_Latn": "fil"}) == ["bs-Latn", "zza", "fil", "et", "hr", "lv"]
    assert _mapped({"xyz_Latn": "zza_Latn", "ekk_Latn": "sr-Cyrl"}) == ["bs-Latn", "zza", "nb", "sr-Cyrl", "hr", "lv"]
    assert _mapped({"xyz_Latn": "und", "lvs_Latn": "zxx", "bos_Latn": ""}) == [None, None, "nb", "et", "hr", None]
    with pytest.raises(ConfigError) as err:
        _mapped({"nonexistent_label": "mt"})
    assert err.value.key == "stages.langid.labels"
    assert err.value.message == (
        "label mapping: 'nonexistent_label' is not a label of the model "
        f"{TINY / 'tiny-softmax.bin'} (its labels: bos_Latn, ekk_Latn, hrv_Latn, lvs_Latn, nob_Latn, xyz_Latn)"
    )
    with pytest.raises(
        ConfigError, match=r"'__label__hrv_Latm' is not a label of the model .*\(did you mean 'hrv_Latn'\?\)"
    ):
        _mapped({"__label__hrv_Latm": "hr"})
    with pytest.raises(ConfigError, match=r"'xyz_Latn' is written twice \(with and without __label__\)"):
        LidModel(str(TINY / "tiny-softmax.bin"), {"xyz_Latn": "mt", "__label__xyz_Latn": None})
    with pytest.raises(ConfigError) as err:
        LidModel(str(TINY / "tiny-softmax.bin"), {"xyz_Latn": "not a code"})
    assert err.value.message == "label mapping 'xyz_Latn' -> 'not a code': 'not a code' is not a language code"
    # what the stage and the model's languages see
    from altedic.langid.stage import LanguageStage

    stage = LanguageStage({"model": str(TINY / "tiny-softmax.bin"), "labels": {"__label__xyz_Latn": "zza"}})
    stage.setup()
    assert stage.model.languages() == frozenset({"bs", "zza", "nb", "et", "hr", "lv"})
    assert stage.identify(["qu xa wy zo " * 30])[0]["lang"] == "zza"


def test_eval_lid_bare_uses_the_label_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``altedic eval lid --bare`` measured the model without the recipe's label mapping: the
    tiny model's xyz_Latn mapped to mt scored Maltese 1.0 through the stage and 0.0 bare."""
    import json

    from altedic.cli import main

    (tmp_path / "mt.txt").write_text(
        "mt\ts\tqu xa wy zo qekozo xzqzyozo kixa\nmt\ts\tzoqu wyxa kizo qexa yowy\nlv\ts\tā ē ī ū as is\n",
        encoding="utf-8",
    )
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(
        json.dumps({"model": str(TINY / "tiny-softmax.bin"), "labels": {"xyz_Latn": "mt"}, "second_opinion": "none"}),
        encoding="utf-8",
    )
    for bare in ([], ["--bare"]):
        assert main(["eval", "lid", str(tmp_path), "--config", str(cfg), "--json", *bare]) == 0
        result = json.loads(capsys.readouterr().out)
        assert {lab: v["f1"] for lab, v in result["per_language"].items()} == {"lv": 1.0, "mt": 1.0}, bare
        assert result["confusions"] == []


def test_a_literal_end_of_line_word_does_not_cut_the_text() -> None:
    """fastText stops reading a line at a word "</s>" (its end-of-line token), so the rest of
    the text would not count; the model input turns such a word into a space for both backends,
    which then agree with each other."""
    texts = [
        "Dies ist ein deutscher Satz </s> and this is a much longer English text that follows it here today",
        "hello </s>",
        "</s>",
        "tag</s>inside stays a word",
    ]
    kernel = LidModel(backend="kernel").predict(texts, k=3)
    library = LidModel(backend="fasttext").predict(texts, k=3)
    for a, b in zip(kernel, library, strict=True):
        assert [c for c, _ in a] == [c for c, _ in b]
        assert all(abs(p - q) < 1e-6 for (_, p), (_, q) in zip(a, b, strict=True))
    spaced = LidModel(backend="kernel").predict([texts[0].replace("</s>", " ")], k=3)[0]
    assert kernel[0] == spaced and kernel[0][1][0] == "en"  # the English after it counts


def test_backends_agree_on_random_text() -> None:
    """2,000 seeded random texts over several scripts, every separator fastText and the kernel
    know (tab, CR, VT, FF, NUL, NEL, LS, PS), spaces they do not split on (NBSP, ideographic),
    combining marks, emoji, long words and label-like or end-of-line words: the kernel and the
    fastText library give the same probabilities (and codes, except between tied labels)."""
    import random

    rng = random.Random(3)
    alphabet = [*"abcdefghijklmnopqrstuvwxyzäöüßéèàçñłęąšžčćđ ΑΒΓαβγδεжзийкл-'.,<>/_😀\u0301"]
    alphabet += [" ", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x00", "\x85", "\u2028", "\u2029", "\xa0", "\u3000"]
    words = ["</s>", "__label__en", "__label__", "<s>", "</s>x", "a" * 40, "ü" * 20]
    texts = []
    for _ in range(2000):
        n = rng.randint(0, 120)
        parts: list[str] = []
        while len(parts) < n:
            parts.append(f" {rng.choice(words)} " if rng.random() < 0.05 else rng.choice(alphabet))
        texts.append("".join(parts))
    kernel, library = LidModel(backend="kernel"), LidModel(backend="fasttext")
    for max_chars in (None, 60):
        for a, b in zip(kernel.predict(texts, 3, max_chars), library.predict(texts, 3, max_chars), strict=True):
            assert len(a) == len(b)
            for (c1, p1), (c2, p2) in zip(a, b, strict=True):
                assert abs(p1 - p2) < 1e-5
                assert c1 == c2 or any(c == c1 and abs(q - p1) < 1e-6 for c, q in b)
