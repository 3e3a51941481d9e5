"""The fast quality signals are bit-identical to the first implementation, and so are the decisions.

altedic/quality/signals.py tokenizes per whitespace chunk with shortcuts, derives counts from C-level
passes and computes the n-gram measures in a compiled kernel (or its pure-Python twin). Each of
these rests on an argument (see the docstrings there); these tests check the result against the
frozen reference (tests/quality_reference.py) on texts built to break the arguments: every
tokenizer option combination, concatenation collisions between different token sequences
(``n.o`` / ``n . o``), Greek final sigma, fullwidth digits, ``_``, combining marks, abbreviation
periods before lowercase Cyrillic and Greek, Maltese clitics, Romance elisions, runs of newlines,
``\\r\\n``, repeated lines, paragraphs and n-grams, bullets, ellipses, lorem ipsum, braces,
citation markers, empty text, one word and a very long text. Floats are compared by ``float.hex``
(bit patterns), dicts with their key order. Both n-gram implementations are checked.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import quality_reference as ref
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altedic.filters import known_languages, load_filters
from altedic.quality import _ngrams_py, signals
from altedic.quality.rules import first_failure
from altedic.quality.stage import QualityStage, parse_section

NgramFn = Callable[[list[str], tuple[int, ...], tuple[int, ...]], tuple[list[int], list[int]]]


def _implementations() -> dict[str, NgramFn]:
    impls: dict[str, NgramFn] = {"pure": _ngrams_py.ngram_chars}
    try:
        from altedic.quality import _ngrams
    except ImportError:  # the compiled test below fails loudly instead
        return impls
    impls["compiled"] = _ngrams.ngram_chars
    return impls


IMPLS = _implementations()


def test_compiled_kernel_is_built_and_in_use() -> None:
    """A missing kernel must not go unnoticed (ALTEDIC_PURE_PYTHON=1 is the only excuse)."""
    if signals.NGRAMS_IMPORT_ERROR and "ALTEDIC_PURE_PYTHON" in signals.NGRAMS_IMPORT_ERROR:
        pytest.skip("pure-Python twin forced by ALTEDIC_PURE_PYTHON")
    assert "compiled" in IMPLS, signals.NGRAMS_IMPORT_ERROR
    assert signals.NGRAMS_IMPLEMENTATION == "compiled"


@pytest.fixture(params=sorted(IMPLS))
def impl(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Runs the test with ``signals.ngram_chars`` set to each available implementation."""
    monkeypatch.setattr(signals, "ngram_chars", IMPLS[request.param])
    yield request.param


# every combination of the tokenizer options, with and without case-sensitive stop words
OPTION_SETS = [
    dict(
        zip(("elisions", "hyphen_clitics", "split_hyphens", "abbreviation_periods", "apostrophes"), flags, strict=True)
    )
    for flags in itertools.product((False, True), repeat=5)
]
STOP = frozenset({"il-", "ta'", "tal-", "u", "agus", "an", "και", "το", "της", "и", "на", "der", "und", "le", "l'",
                  "ja", "i", "w", "the", "of", "ΚΑΙ"})  # fmt: skip


def _configs() -> list[tuple[signals.SignalConfig, ref.SignalConfig]]:
    out = []
    for i, opts in enumerate(OPTION_SETS):
        kw: dict[str, Any] = dict(
            opts,
            stop_words=STOP,
            stop_words_case_sensitive=i % 3 == 0,
            line_end_chars=(".!?;", signals.DEFAULT_LINE_END_CHARS, ".")[i % 3],
            short_line_length=(30, 0, 12)[i % 3],
        )
        out.append((signals.SignalConfig(**kw), ref.SignalConfig(**kw)))
    return out


CONFIGS = _configs()


def _fingerprint(s: dict[str, float]) -> list[tuple[str, str, str]]:
    return [(k, type(v).__name__, v.hex()) for k, v in s.items()]


def assert_same(text: str, pair: tuple[signals.SignalConfig, ref.SignalConfig]) -> None:
    new_cfg, ref_cfg = pair
    assert signals.tokenize(text, new_cfg) == ref.tokenize(text, ref_cfg)
    assert _fingerprint(signals.compute_signals(text, new_cfg)) == _fingerprint(ref.compute_signals(text, ref_cfg))


# --- generated multilingual text -------------------------------------------------------------------

WORDS = {
    "mt": "il-Kummissjoni tal-Unjoni Ewropea għandha d-dritt li tieħu l-miżuri meħtieġa ta' din ir-Regolament "
    "fil-każ ta' ksur mill-Istati Membri u ċ-ċittadini ma' l-awtoritajiet",
    "ga": "Tá an Coimisiún Eorpach ag obair le Ballstáit an Aontais chun na rialacha a chur i bhfeidhm agus "
    "beidh éifeacht leis an Rialachán seo ó dháta a fhoilsithe in Iris Oifigiúil",
    "el": "Η Επιτροπή της Ευρωπαϊκής Ένωσης και τα κράτη μέλη ΟΔΟΣ ΣΟΦΟΣ εφαρμόζουν τον κανονισμό σύμφωνα με "
    "το άρθρο 5 παρ. 2 του Συμβουλίου; ΤΕΛΟΣ",
    "bg": "Комисията на Европейския съюз и държавите членки прилагат настоящия регламент съгласно чл. 5 ал. 2 "
    "и т.н. от деня на публикуването му в Официален вестник",
    "de": "Die Kommission der Europäischen Union und die Mitgliedstaaten wenden diese Verordnung gemäß Art. 5 "
    "Abs. 2 an z.B. EU-Ukraine Nr. 5 und 25. Februar 2019-2020",
    "fr": "La Commission de l'Union européenne et les États membres appliquent le règlement d'exécution "
    "conformément à l'article 5 aujourd'hui dell'accordo p. ex. n° 12",
    "pl": "Komisja Unii Europejskiej oraz państwa członkowskie stosują niniejsze rozporządzenie zgodnie z art. "
    "5 ust. 2 i tzw. zasadą pomocniczości w dniu 1.1.2020 r.",
    "fi": "Euroopan unionin komissio ja jäsenvaltiot soveltavat tätä asetusta 5 artiklan 2 kohdan mukaisesti "
    "EU-Ukraina-sopimuksen nojalla esim. vuonna 2019",
    "ca": "La Comissió de la Unió Europea i els Estats membres apliquen el reglament d'execució de l'acord",
    "lb": "D'Kommissioun vun der Europäescher Unioun an d'Memberstaaten uwenden dës Verordnung",
}
ODD = ["...", "…", "•", "-", "–", "#", "{", "}", "[1]", "[edit]", "[citation needed]", "(", ")", "«", "»", "„", "“",
       "n.o", "n", ".", "o", "2019/437", "C-311/18", "１", "１１", "_", "a_", "x_y", "e\u0301", "ΣΑΣ'", "ta'", "l'",
       "U.S.A.", "stk.", "2.", "a.", "!", "?", "??", "?!", ".!", "'", "’", "\"", "[", "]", "ᾼ", "İ", "ǅ", "ﬁ",
       "²", "½", "٣", "€", "§", "1.", "p.", "ex.", "il-", "-il", "--", "a-b", "1-2", "x'y", "d’"]  # fmt: skip
SEPARATORS = [" ", " ", " ", " ", "\n", "\n\n", "\n\n\n", "\r\n", "\t", "\u00a0", "  ", " \n ", "\x0c", "\u2028"]
LINE_STARTS = ["", "", "", "• ", "- ", "  - ", "* ", "1. ", "Lorem ipsum dolor sit amet, ", "{", "[2] "]
LINE_ENDS = ["", ".", ".", "!", "?", "...", "…", ";", ":", '"', "'", " [3]", ". [4]", "}", ".)", ". ", ".\t"]


def _line(rng: random.Random, words: list[str]) -> str:
    n = rng.choice([0, 1, 2, 3, 5, 8, 13, 21])
    parts = [rng.choice(words) if rng.random() > 0.15 else rng.choice(ODD) for _ in range(n)]
    body = "".join(p + rng.choice([*SEPARATORS[:4], " ", ", ", ". ", " . "]) for p in parts).strip(" ")
    return rng.choice(LINE_STARTS) + body + rng.choice(LINE_ENDS)


def _document(rng: random.Random, lang: str) -> str:
    words = WORDS[lang].split()
    lines: list[str] = []
    for _ in range(rng.choice([1, 2, 4, 8, 16])):
        r = rng.random()
        if lines and r < 0.15:
            lines.append(rng.choice(lines))  # repeated line
        elif len(lines) > 2 and r < 0.25:
            lines.extend(lines[-2:])  # repeated paragraph-ish block
        elif r < 0.32:
            seq = [rng.choice(words) for _ in range(rng.randint(5, 12))]
            lines.append(" ".join(seq * rng.randint(2, 4)))  # repeated n-grams
        else:
            lines.append(_line(rng, words))
    return "".join(line + rng.choice(SEPARATORS) for line in lines)


def _generated(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    langs = sorted(WORDS)
    return [(langs[i % len(langs)], _document(rng, langs[i % len(langs)])) for i in range(count)]


GENERATED = _generated(320, 20260601)


def test_generated_texts_cover_the_hazards() -> None:
    """The seeded corpus really holds what the equivalence below relies on being tested."""
    joined = "\n".join(t for _, t in GENERATED)
    for needle in ("n.o", "\n\n\n", "\r\n", "• ", "...", "…", "Lorem ipsum", "{", "[1]", "１", "_", "e\u0301",
                   "ΟΔΟΣ", "ta'", "l'", "il-", "\u00a0", "#", "' "):  # fmt: skip
        assert needle in joined, needle
    dup5 = sum(ref.compute_signals(t, CONFIGS[0][1])["dup_5_gram_char_frac"] > 0 for _, t in GENERATED)
    assert dup5 >= 60  # plenty of documents with repeated 5-grams


@pytest.mark.parametrize("chunk", range(8))
def test_generated_multilingual_texts_give_identical_signals(impl: str, chunk: int) -> None:
    for i, (_lang, text) in enumerate(GENERATED[chunk::8]):
        assert_same(text, CONFIGS[(i + chunk) % len(CONFIGS)])


EDGE_TEXTS = [
    "", " ", "\n", "\n\n", "\n\n\n", " \n \n ", "word", "ΟΔΟΣ", "l'", "ta'", "il-", "_", "１", "...", "…", "#", "a.",
    "stk. 2", "Art. 5", "чл. 5", "παρ. 2", "n.o n . o n. o", "a b c d e a b c d e", "ab c d e f a bc d e f",
    "x.\ny", "a\n\nb\n\n\nc\n\n\n\nd", "\n\na\n\n", "a\r\n\r\nb", "Lorem ipsum dolor sit amet, consectetur adipiscing.",
    "{ a b c }.", "[1] A b c.", "A b c. [1]", "One two three.\n\nOne two three.\n\nOne two three.",
    "• a\n• b\n- c\n  - d\n...\n…", "ΣΑΣ ΟΔΟΣ. ΣΟΦΟΣ'Α", "İstanbul İ", "e\u0301 e\u0301.",
]  # fmt: skip


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_edge_texts_give_identical_signals(impl: str, text: str) -> None:
    for pair in CONFIGS:
        assert_same(text, pair)


def test_very_long_repetitive_text(impl: str) -> None:
    rng = random.Random(7)
    words = (WORDS["mt"] + " " + WORDS["el"]).split()
    block = " ".join(rng.choice(words) for _ in range(400))
    text = "\n".join([block, *(_line(rng, words) for _ in range(300)), block, block[:999]] * 3)
    assert len(text) > 30_000
    for pair in (CONFIGS[0], CONFIGS[-1]):
        assert_same(text, pair)


# --- linear time on long chunks and long punctuation runs --------------------------------------------
# Two patterns used to take time quadratic in the length of one whitespace-free chunk or one run of
# '.!?' (signals.tokenize and signals._SENTENCE_END say why). These inputs took minutes before the
# fix; they assert the exact result, not a time. The random comparisons below check the faster
# forms against their definitions (the frozen reference) where the hazards are dense.

FR_LIKE = signals.SignalConfig(elisions=True, abbreviation_periods=True)  # fr; bg and sl differ only by elisions


def test_long_hyphenated_chunk_with_abbreviation_periods() -> None:
    """200,000 characters of ``a-`` (fr, bg, sl settings: 295 s before): every hyphen splits."""
    text = "a-" * 100_000
    assert signals.tokenize(text, FR_LIKE) == ["a", "-"] * 100_000
    assert signals.compute_signals(text, FR_LIKE)["tokens"] == 200_000
    # before a lowercase word the abbreviation period keeps the whole chunk as one token, as its
    # definition says (the regex's ``\S*?`` spans the hyphens); after a hyphen it cannot
    assert signals.tokenize(text + "a. x", FR_LIKE) == [text + "a.", "x"]
    assert signals.tokenize(text + "-. x", FR_LIKE) == ["a", "-"] * 100_000 + ["-", ".", "x"]
    assert signals.tokenize("l'" + text + "a. 5", FR_LIKE) == ["l'", text + "a.", "5"]


def test_long_run_of_sentence_punctuation() -> None:
    """A C4-kept line with a run of 200,000 '!' not followed by a space (every language; minutes before)."""
    text = "Wow this is great" + "!" * 200_000 + "x. " + "Yes! " * 1000 + "end."
    # the line itself, then "x. " and the 1000 "Yes! "
    assert signals.compute_signals(text, signals.SignalConfig())["c4_sentences"] == 1002
    dots = "a b c " + "." * 200_000 + "x. y?! z"
    assert signals._SENTENCE_END.findall(dots) == [". ", "?! "]


# adversarial alphabets: hyphens between letters, periods before lowercase and uppercase words,
# runs of '.!?' with and without closers and spaces, apostrophes, '_', digits, '@', non-ASCII letters
HAZARD_ALPHABETS = ["a-", "a-. b", "ab-. \n", "a.!?\"' ", ".!? x", "!?.\"'”’»)] \n", "a-b.c !?'\"", "aA-.1@ _'’",
                    "aé-лσ. 1\n", "l'a-.  \t", "a-_.", "..!!?? \"»)]x", "il-ta' .x", "a-!.\u00a0\u2028X"]  # fmt: skip


def _hazard_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        alphabet = rng.choice(HAZARD_ALPHABETS)
        out.append("".join(rng.choice(alphabet) for _ in range(rng.choice([1, 5, 20, 80, 300]))))
    return out


def test_tokenize_is_its_definition_on_hazard_texts() -> None:
    """tokenize (abbreviation alternative only where it can match) equals ``word_pattern(...).findall``."""
    both = [pair for pair in CONFIGS if pair[0].split_hyphens and pair[0].abbreviation_periods]
    assert len(both) == 8
    for i, text in enumerate(_hazard_texts(400, 20260602)):
        # each of the 32 option sets in turn, and each time one with both options the fault needed
        for new_cfg, ref_cfg in (CONFIGS[i % len(CONFIGS)], both[i % len(both)]):
            assert signals.tokenize(text, new_cfg) == ref.tokenize(text, ref_cfg), (text, new_cfg)


def test_sentence_end_is_its_definition_on_hazard_texts() -> None:
    """The look-behind, possessive ``_SENTENCE_END`` finds the matches of the pattern as first written."""
    for text in _hazard_texts(400, 20260603):
        for t in (text, "Wow this is " + text + " x."):
            new = [(m.start(), m.end()) for m in signals._SENTENCE_END.finditer(t)]
            assert new == [(m.start(), m.end()) for m in ref._SENTENCE_END.finditer(t)], t


# --- hypothesis --------------------------------------------------------------------------------------

SNIPPETS = sorted({*" ".join(WORDS.values()).split(), *ODD, *SEPARATORS, "ΟΔΟΣ", "ab", "a", "b", "ba"})
snippet_texts = st.lists(st.sampled_from(SNIPPETS), max_size=80).map("".join)
char_texts = st.text(alphabet=st.sampled_from(sorted({c for s in SNIPPETS for c in s} | set("\n\r\t "))), max_size=200)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(snippet_texts, char_texts), which=st.integers(0, len(CONFIGS) - 1))
def test_hypothesis_texts_give_identical_signals(impl: str, text: str, which: int) -> None:
    assert_same(text, CONFIGS[which])


# Tiny token alphabets make n-gram repeats and concatenation collisions between different token
# sequences (["ab", "a"] vs ["a", "ba"]) frequent; 1-, 2- and 4-byte code points exercise the
# kernel's character comparison in every PEP 393 storage width.
TOKENS = ["a", "b", "ab", "ba", "aab", ".", "..", "ε", "εα", "αε", "中", "中文", "😀", "😀a"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(st.sampled_from(TOKENS), max_size=60))
def test_ngram_kernel_matches_reference_definitions(impl: str, tokens: list[str]) -> None:
    top, dup = IMPLS[impl](tokens, signals.TOP_NGRAMS, signals.DUP_NGRAMS)
    assert top == [max(ref._top_ngram_chars(tokens, n), 0) for n in signals.TOP_NGRAMS]
    assert dup == [ref._dup_ngram_chars(tokens, n) for n in signals.DUP_NGRAMS]
    # every n from 1 to 12, both measures
    ns = tuple(range(1, 13))
    top, dup = IMPLS[impl](tokens, ns, ns)
    assert top == [max(ref._top_ngram_chars(tokens, n), 0) for n in ns]
    assert dup == [ref._dup_ngram_chars(tokens, n) for n in ns]


def test_ngram_kernel_known_values(impl: str) -> None:
    """Hand-checked: the concatenation rule makes ab|c|d|e|f and a|bc|d|e|f the same 5-gram."""
    fn = IMPLS[impl]
    assert fn(["ab", "c", "d", "e", "f", "a", "bc", "d", "e", "f"], (2,), (5,)) == (
        [6],
        [6],
    )  # top 2-gram "d e" x2 -> 3*2; dup "abcdef"
    assert fn(["x", "y"] * 3, (2, 3, 4), (2,)) == ([9, 10, 14], [4])  # "x y" x3; "x y x" x2; "x y x y" x2
    assert fn([], (2,), (5,)) == ([0], [0])
    assert fn(["ε"], (2,), (1,)) == ([0], [0])
    with pytest.raises(ValueError, match="n-gram size"):
        fn(["a"], (0,), ())


# --- real documents and decisions -----------------------------------------------------------------


def _language_pairs() -> dict[str | None, tuple[signals.SignalConfig, ref.SignalConfig]]:
    out: dict[str | None, tuple[signals.SignalConfig, ref.SignalConfig]] = {}
    for lang in [None, *sorted(known_languages())]:
        cfg, _t, _p = parse_section(load_filters(lang).get("quality") or {}, str(lang))
        kw = {k: getattr(cfg, k) for k in ref.SignalConfig.__dataclass_fields__ if not k.startswith("_")}
        out[lang] = (cfg, ref.SignalConfig(**kw))
    return out


def test_every_filters_file_gives_identical_signals_and_decisions(impl: str) -> None:
    """The shipped per-language settings, on generated text of every language, and the decisions."""
    stage = QualityStage({})
    pairs = _language_pairs()
    for i, (lang, (new_cfg, ref_cfg)) in enumerate(pairs.items()):
        for _, text in GENERATED[i * 5 : i * 5 + 5]:
            new = signals.compute_signals(text, new_cfg)
            old = ref.compute_signals(text, ref_cfg)
            assert _fingerprint(new) == _fingerprint(old)
            for profile in ("default", "legal", "web"):
                thresholds, _ = stage.thresholds_for(lang, profile)
                assert first_failure(new, thresholds) == first_failure(old, thresholds)


@pytest.mark.real
def test_shared_real_documents_give_identical_signals(impl: str, shared_data: Path) -> None:
    """../shared/data/quality: 150 real EU documents (whole and cut into lines) and datatrove's test inputs."""
    pairs = _language_pairs()
    quality = shared_data / "quality"
    docs = [json.loads(line) for line in (quality / "reference_docs.jsonl").read_text("utf-8").splitlines()]
    cases = [json.loads(line) for line in (quality / "datatrove_test_cases.jsonl").read_text("utf-8").splitlines()]
    assert len(docs) == 150
    checked = 0
    for d in docs:
        pair = pairs.get(d["lang"], pairs[None])
        assert_same(d["text"], pair)
        for piece in d["text"].split("\n\n")[:3]:
            assert_same(piece, pair)
        checked += 1
    for c in cases:
        assert_same(c["text"], pairs[None])
        assert_same(c["text"], pairs["en"])
    assert checked == 150
