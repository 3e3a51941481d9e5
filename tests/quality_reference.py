"""Frozen reference: the quality signals as first written (altedic/quality/signals.py at commit
a6bd321), before the speed rewrite.

altedic/quality/signals.py must give exactly the same signal values (bit-identical floats) as this
module on every text and every :class:`SignalConfig`; tests/unit/test_quality_equivalence.py checks
it on generated multilingual texts and on the shared real documents. The formulas follow datatrove
0.10.1 (see the docstring of altedic/quality/signals.py for the sources of each rule).
Do not edit (except to follow a deliberate, documented change of behaviour in the signals).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

# datatrove.utils.text.PUNCTUATION (0.10.1), plus ASCII control characters: a token made only of
# these characters is a "symbol" and not a word in the Gopher rules.
_PUNCTUATION = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»" + "".join(
    chr(x) for a, b in ((0, 9), (11, 13), (13, 32), (127, 160)) for x in range(a, b)
)
# Sentence-final punctuation of the scripts of EU languages (subset of datatrove's
# TERMINAL_PUNCTUATION, which covers all of Unicode: the other scripts do not occur here).
# The Greek question mark U+037E is canonically equivalent to ';' and becomes ';' under NFC, so
# filters/el.yaml adds ';' to ``line_end_chars``.
DEFAULT_LINE_END_CHARS = ".!?．。？！‼⁇⁈⁉‽"
PUNCTUATION_SET = frozenset(_PUNCTUATION) | frozenset(DEFAULT_LINE_END_CHARS)

# C4 (datatrove C4QualityFilter): a line is kept when it ends in one of these and not in "...".
_C4_END = (".", "?", "!", '"', "'")
_C4_CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
# Sentence ends inside a C4-kept line: a run of '.', '!' or '?' (optionally closed by quotes or
# brackets) followed by a space. datatrove counts sentences with spaCy's rule-based sentencizer,
# which splits after every such punctuation token; abbreviations that spaCy keeps as one token
# ("e.g.") are the difference, rare in practice.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’»)\]]*\s+(?=\S)")

# Words, in the manner of spaCy's rule-based tokenizer (which datatrove uses): a whitespace-
# separated chunk loses its leading and trailing punctuation, one character per token (a run of
# dots is one token), and its core, from the first to the last word character, stays one token
# even when it holds punctuation (``2019/437``, ``EU-Ukraine``, ``PROB(A|B``). A period stays on
# the core when a lowercase letter or a digit follows (abbreviations and ordinals: ``stk. 2``,
# ``Nr. 5``, ``25. februar``) in languages whose spaCy rules list abbreviations (da, de, nb...);
# spaCy's default rules split it off.
_LOWER = "".join(
    re.escape(c) for c in map(chr, [*range(0x61, 0x250), *range(0x3AC, 0x3D0), *range(0x430, 0x460)]) if c.islower()
)
_ABBREV = r"\w(?:\S*?\w)?\.(?=\s+[0-9" + _LOWER + r"])|"
_CORE = r"\w(?:\S*\w)?|\.\.+|[^\w\s]"
# spaCy's default infix rule splits a hyphen between letters (``UE-Ukraine`` -> UE - Ukraine)
# but not between digits (``2019-2020``); the Danish and Swedish rules keep such words whole.
_CORE_SPLIT_HYPHEN = r"\w(?:(?:[^\s-]|-(?![^\W\d_]))*\w)?|\.\.+|[^\w\s]"
# Romance elisions (fr, it, ca...: l'Union -> l' Union, dell'Unione -> dell' Unione): up to four
# letters and an apostrophe before a letter are a token of their own, as in spaCy's fr/it/ca rules
# and FineWeb-2's stop-word lists ("l'", "d'").
_ELISION = r"\w{1,4}['’](?=\w)|"
# Maltese: the article and the fused prepositions end in a hyphen that binds them to the next
# word (il-, l-, tal-, fil-, mill-, għall-, iċ-, ix-...); FineWeb-2's Maltese stop words are these
# clitic forms, so the tokenizer keeps the hyphen on the clitic (and the apostrophe on ta', ma').
_CLITIC = r"\w{1,5}-(?=\w)|\w{1,3}['’](?=\s|$)|"
# Walloon, Scottish Gaelic: an apostrophe before a space or before a word stays on that word
_APOSTROPHE = r"\w+['’](?=\s|$)|(?<![\w'’])['’]\w+|"


@cache
def word_pattern(
    elisions: bool, hyphen_clitics: bool, split_hyphens: bool, abbreviation_periods: bool, apostrophes: bool = False
) -> re.Pattern[str]:
    """The compiled token pattern for one combination of the per-language tokenizer options."""
    return re.compile(
        (_ELISION if elisions else "")
        + (_CLITIC if hyphen_clitics else "")
        + (_APOSTROPHE if apostrophes else "")
        + (_ABBREV if abbreviation_periods else "")
        + (_CORE_SPLIT_HYPHEN if split_hyphens else _CORE)
    )


_PARAGRAPH_SPLIT = re.compile(r"\n{2,}")
_LINE_SPLIT = re.compile(r"\n+")
_ALPHA = re.compile(r"[^\W\d_]")

TOP_NGRAMS: tuple[int, ...] = (2, 3, 4)
DUP_NGRAMS: tuple[int, ...] = (5, 6, 7, 8, 9, 10)

SIGNAL_NAMES: tuple[str, ...] = (
    "chars",
    "tokens",
    "words",
    "mean_word_length",
    "alpha_words_ratio",
    "stop_words",
    "hash_ratio",
    "ellipsis_ratio",
    "bullet_lines_ratio",
    "ellipsis_lines_ratio",
    "dup_para_frac",
    "dup_para_char_frac",
    "dup_line_frac",
    "dup_line_char_frac",
    *(f"top_{n}_gram_char_frac" for n in TOP_NGRAMS),
    *(f"dup_{n}_gram_char_frac" for n in DUP_NGRAMS),
    "c4_sentences",
    "lorem_ipsum",
    "curly_bracket",
    "line_punct_ratio",
    "short_line_ratio",
    "char_dup_ratio",
    "newline_ratio",
)
"""Every signal :func:`compute_signals` returns (``lang_score`` is added by the stage)."""


@dataclass(frozen=True, slots=True)
class SignalConfig:
    """Per-language settings the measures need (from the ``quality:`` block of a filters file)."""

    stop_words: frozenset[str] = frozenset()
    """Function words; ``stop_words`` counts how many *distinct* ones occur (Gopher rule)."""
    stop_words_case_sensitive: bool = False
    line_end_chars: str = DEFAULT_LINE_END_CHARS
    """Characters that end a line "with punctuation" (FineWeb ``line_punct_ratio``)."""
    short_line_length: int = 30
    """A line of at most this many characters is short (FineWeb ``short_line_ratio``)."""
    hyphen_clitics: bool = False
    """Keep ``xx-`` clitics as one token (Maltese ``il-``, ``tal-``...)."""
    elisions: bool = False
    """Split elided articles and prepositions off the next word (``l'``, ``dell'``, ``d'``)."""
    split_hyphens: bool = True
    """Split a hyphen between letters (``UE-Ukraine`` -> 3 tokens), as spaCy's default rules."""
    abbreviation_periods: bool = False
    """Keep a period on a word followed by a lowercase word or a digit (``stk. 2``)."""
    apostrophes: bool = False
    """Keep an apostrophe on the word it touches (Walloon ``l' dreût``, Gaelic ``’s``)."""
    _stop_lower: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        norm = frozenset(w.replace("’", "'") for w in self.stop_words)
        if not self.stop_words_case_sensitive:
            norm = frozenset(w.lower() for w in norm)
        object.__setattr__(self, "_stop_lower", norm)


def tokenize(text: str, cfg: SignalConfig | None = None) -> list[str]:
    """Split ``text`` into word and punctuation tokens (see the comments above). Never empty strings."""
    c = cfg or _DEFAULT_CFG
    return word_pattern(c.elisions, c.hyphen_clitics, c.split_hyphens, c.abbreviation_periods, c.apostrophes).findall(
        text
    )


_DEFAULT_CFG = SignalConfig()


def _find_duplicates(items: list[str]) -> tuple[int, int]:
    """(number of items seen before, their total characters): Gopher's duplicate line/paragraph measure."""
    seen: set[str] = set()
    dup = dup_chars = 0
    for x in items:
        if x in seen:
            dup += 1
            dup_chars += len(x)
        else:
            seen.add(x)
    return dup, dup_chars


def _top_ngram_chars(words: list[str], n: int) -> int:
    """Characters covered by the most frequent word n-gram (n-gram joined by spaces x count).

    Ties are broken like ``Counter.most_common(1)`` (first seen), as datatrove does.
    """
    grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return -1
    gram, count = Counter(grams).most_common(1)[0]
    return len(gram) * count


def _dup_ngram_chars(words: list[str], n: int) -> int:
    """Characters in word n-grams that repeat an earlier n-gram, without counting overlaps twice.

    Greedy left-to-right scan as in datatrove's ``find_all_duplicate``: after a duplicate n-gram
    the scan jumps past it. N-grams are keyed by the concatenation of their words.
    """
    seen: set[str] = set()
    total = 0
    i = 0
    last = len(words) - n + 1
    while i < last:
        gram = "".join(words[i : i + n])
        if gram in seen:
            total += len(gram)
            i += n
        else:
            seen.add(gram)
            i += 1
    return total


def _c4_line_stats(text: str) -> tuple[int, int, int]:
    """(sentences, lorem-ipsum lines, curly-bracket lines) over the lines C4 keeps.

    C4 keeps a line when, stripped, it ends in terminal punctuation but not in "...", and has at
    least 3 whitespace-separated words (citation markers like ``[12]`` removed first). The lorem
    ipsum and curly bracket rules look only at such lines (as datatrove and the TFDS c4_utils do).
    """
    sentences = lorem = curly = 0
    for raw in text.splitlines():
        line = raw.strip()
        if len(line.split()) < 3:
            continue
        if "[" in line:
            line = _C4_CITATION.sub("", line)
        if not line.endswith(_C4_END) or line.endswith("..."):
            continue
        if "lorem ipsum" in line.lower():
            lorem += 1
        if "{" in line:
            curly += 1
        sentences += 1 + len(_SENTENCE_END.findall(line))
    return sentences, lorem, curly


def compute_signals(text: str, cfg: SignalConfig) -> dict[str, float]:
    """All the signals of :data:`SIGNAL_NAMES` for ``text``.

    Ranges: counts (``chars``, ``tokens``, ``words``, ``stop_words``, ``c4_sentences``,
    ``lorem_ipsum``, ``curly_bracket``) are >= 0; ``mean_word_length`` is in characters;
    ``*_ratio``/``*_frac`` values are in 0..1 except ``hash_ratio``, ``ellipsis_ratio`` and
    ``newline_ratio`` (per token, may exceed 1). Ratios over an empty set are 0.0.
    Word-based measures use :func:`tokenize`; ``tokens`` counts all tokens including
    punctuation, ``words`` those with at least one non-punctuation character.
    """
    n_chars = len(text)
    tokens = tokenize(text, cfg)
    n_tokens = len(tokens)
    words = [t for t in tokens if not PUNCTUATION_SET.issuperset(t)]
    n_words = len(words)
    s: dict[str, float] = {"chars": float(n_chars), "tokens": float(n_tokens), "words": float(n_words)}

    # Gopher quality (Rae et al. 2021, A.1.1)
    s["mean_word_length"] = (sum(map(len, words)) / n_words) if n_words else 0.0
    alpha = sum(1 for t in tokens if _ALPHA.search(t))
    s["alpha_words_ratio"] = alpha / n_tokens if n_tokens else 0.0
    if cfg.stop_words_case_sensitive:
        vocab = {t.replace("’", "'") for t in tokens}
    else:
        vocab = {t.replace("’", "'").lower() for t in tokens}
    if cfg._stop_lower:  # no list, no signal
        s["stop_words"] = float(len(cfg._stop_lower & vocab))
    s["hash_ratio"] = text.count("#") / n_tokens if n_tokens else 0.0
    s["ellipsis_ratio"] = (text.count("...") + text.count("…")) / n_tokens if n_tokens else 0.0
    lines = text.splitlines()
    n_lines = len(lines)
    if n_lines:
        s["bullet_lines_ratio"] = sum(1 for ln in lines if ln.lstrip().startswith(("•", "-"))) / n_lines
        s["ellipsis_lines_ratio"] = sum(1 for ln in lines if ln.rstrip().endswith(("...", "…"))) / n_lines
    else:
        s["bullet_lines_ratio"] = s["ellipsis_lines_ratio"] = 0.0

    # Gopher repetition (Rae et al. 2021, table A1); fractions of characters are over len(text)
    if n_chars:
        paras = _PARAGRAPH_SPLIT.split(text.strip())
        dup, dup_chars = _find_duplicates(paras)
        s["dup_para_frac"] = dup / len(paras)
        s["dup_para_char_frac"] = dup_chars / n_chars
        rlines = _LINE_SPLIT.split(text)
        dup, dup_chars = _find_duplicates(rlines)
        s["dup_line_frac"] = dup / len(rlines)
        s["dup_line_char_frac"] = dup_chars / n_chars
        for n in TOP_NGRAMS:
            top = _top_ngram_chars(tokens, n)
            s[f"top_{n}_gram_char_frac"] = max(top, 0) / n_chars
        for n in DUP_NGRAMS:
            s[f"dup_{n}_gram_char_frac"] = _dup_ngram_chars(tokens, n) / n_chars
    else:
        for k in ("dup_para_frac", "dup_para_char_frac", "dup_line_frac", "dup_line_char_frac"):
            s[k] = 0.0
        for n in TOP_NGRAMS:
            s[f"top_{n}_gram_char_frac"] = 0.0
        for n in DUP_NGRAMS:
            s[f"dup_{n}_gram_char_frac"] = 0.0

    # C4 (Raffel et al. 2020, 2.2)
    sentences, lorem, curly = _c4_line_stats(text)
    s["c4_sentences"] = float(sentences)
    s["lorem_ipsum"] = float(lorem)
    s["curly_bracket"] = float(curly)

    # FineWeb (Penedo et al. 2024): over non-blank lines split on "\n"
    flines = [ln for ln in text.split("\n") if ln.strip()]
    if flines:
        nf = len(flines)
        end = tuple(cfg.line_end_chars)
        s["line_punct_ratio"] = sum(1 for ln in flines if ln.endswith(end)) / nf
        s["short_line_ratio"] = sum(1 for ln in flines if len(ln) <= cfg.short_line_length) / nf
        body = n_chars - text.count("\n")
        s["char_dup_ratio"] = _find_duplicates(flines)[1] / body if body else 0.0
    else:
        s["line_punct_ratio"] = s["short_line_ratio"] = s["char_dup_ratio"] = 0.0
    s["newline_ratio"] = text.count("\n") / n_tokens if n_tokens else 0.0
    return s
