"""Quality signals: plain functions from a document's text to named floats.

Score first, decide later (DESIGN.md): this module only measures; :mod:`altedic.quality.rules`
compares the measures with the thresholds of ``filters/<lang>.yaml``. Every signal is written to
the shards (``Document.quality``), so a training team can re-threshold without re-running.

The signals reimplement the measures of three published heuristic filter sets, with the exact
formulas of datatrove 0.10.1 (the reference implementation the issue names), so that the same
thresholds give the same verdicts (``tests/real/test_quality_agreement.py`` measures this):

* Gopher quality and repetition rules: Rae et al. 2021, "Scaling Language Models: Methods,
  Analysis & Insights from Training Gopher", appendix A.1.1 and table A1
  (https://arxiv.org/abs/2112.11446); datatrove ``GopherQualityFilter`` / ``GopherRepetitionFilter``.
* C4 line rules: Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a Unified
  Text-to-Text Transformer", section 2.2 (https://jmlr.org/papers/v21/20-074.html);
  datatrove ``C4QualityFilter``.
* FineWeb line rules: Penedo et al. 2024, "The FineWeb Datasets" (https://arxiv.org/abs/2406.17557);
  datatrove ``FineWebQualityFilter``.

What differs from datatrove, on purpose: datatrove splits words with a spaCy (or, for Maltese,
a Stanza model that must be downloaded) tokenizer per language. Here words come from one
compiled regular expression (:func:`tokenize`), which works offline for every language,
splits punctuation off words the way spaCy's rules do for Latin, Greek and Cyrillic script, and
is 20-50x faster. Per-language behaviour (Maltese article clitics ``il-``, Romance elisions ``l'``)
is set in the filters file. Stop words are compared case-insensitively by default (datatrove
compares them case-sensitively; ``stop_words_case_sensitive: true`` restores that).
"""

from __future__ import annotations

import os
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import filterfalse
from operator import methodcaller
from types import ModuleType

from altedic.quality import _ngrams_py

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
# A match can start only where a run of '.!?' starts (the look-behind): once a run is taken whole,
# what may follow it does not depend on where in the run the match started, so a match from inside
# a run exists exactly when one from the run's start does, and ``findall`` (leftmost, resuming
# before a non-space) always tries the run's start first. Without the look-behind a run not
# followed by a space was rescanned from each of its positions: quadratic (a line of 20,000 '!'
# took 8.8 s). The possessive quantifiers only skip backtracking that cannot succeed (giving back a
# '.!?', a closer or a space leaves one where the next part needs another class). The pattern as
# first written is frozen in tests/quality_reference.py.
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’»)\]]*+\s++(?=\S)")

# Words, in the manner of spaCy's rule-based tokenizer (which datatrove uses): a whitespace-
# separated chunk loses its leading and trailing punctuation, one character per token (a run of
# dots is one token), and its core, from the first to the last word character, stays one token
# even when it holds punctuation (``2019/437``, ``EU-Ukraine``, ``PROB(A|B``). A period stays on
# the core when a lowercase letter or a digit follows (abbreviations and ordinals: ``stk. 2``,
# ``Nr. 5``, ``25. februar``) in languages whose spaCy rules list abbreviations (da, de, nb...);
# spaCy's default rules split it off.
_LOWER_CHARS = [c for c in map(chr, [*range(0x61, 0x250), *range(0x3AC, 0x3D0), *range(0x430, 0x460)]) if c.islower()]
_LOWER = "".join(map(re.escape, _LOWER_CHARS))
# the characters the abbreviation lookahead accepts after the whitespace (for :func:`tokenize`)
_ABBREV_NEXT = frozenset("0123456789").union(_LOWER_CHARS)
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
# Walloon and Scottish Gaelic write elisions with the apostrophe before a space ("l' dreût",
# "d' cwèri", "a’ bhean") or before the word ("’s e", "'l"): the apostrophe stays on the word it
# touches instead of being a token without a letter (in Walloon 10 % of the tokens were lone
# apostrophes, and good text failed min_alpha_words_ratio).
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


# The n-gram measures (top 2..4, duplicated 5..10) take most of the time in pure Python: the
# compiled kernel altedic.quality._ngrams is used when importable, ALTEDIC_PURE_PYTHON=1 forces the
# twin altedic.quality._ngrams_py (same integers; tests/unit/test_quality_equivalence.py). A
# missing kernel is loud, as for MinHash (altedic/dedup/minhash.py).
_ngram_kernel: ModuleType = _ngrams_py
NGRAMS_IMPORT_ERROR: str | None = None
"""Why the compiled n-gram kernel is not in use (None when it is)."""
if os.environ.get("ALTEDIC_PURE_PYTHON", "") not in ("", "0"):
    NGRAMS_IMPORT_ERROR = "ALTEDIC_PURE_PYTHON is set: the pure-Python twin is forced"
else:
    try:
        from altedic.quality import _ngrams as _compiled_ngrams

        if getattr(_compiled_ngrams, "SPEC_VERSION", None) != _ngrams_py.SPEC_VERSION:
            raise ImportError(
                f"compiled kernel implements {getattr(_compiled_ngrams, 'SPEC_VERSION', None)}, "
                f"expected {_ngrams_py.SPEC_VERSION} (stale build)"
            )
        _ngram_kernel = _compiled_ngrams
    except ImportError as exc:
        NGRAMS_IMPORT_ERROR = str(exc)
        warnings.warn(
            "altedic: the compiled quality n-gram kernel (altedic.quality._ngrams) is NOT available "
            f"({exc}); falling back to the pure-Python twin, about 2x slower for the quality stage. "
            "Rebuild it with `pip install --no-deps --no-build-isolation -e .` (needs Cython and a C compiler).",
            RuntimeWarning,
            stacklevel=2,
        )
ngram_chars: Callable[[list[str], tuple[int, ...], tuple[int, ...]], tuple[list[int], list[int]]]
ngram_chars = _ngram_kernel.ngram_chars
NGRAMS_IMPLEMENTATION: str = "pure" if _ngram_kernel is _ngrams_py else "compiled"
"""``compiled`` or ``pure``: the n-gram implementation this process uses (for the run manifest)."""

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

SHARE_SIGNALS: frozenset[str] = frozenset(
    {
        "alpha_words_ratio",  # tokens with a letter / tokens
        "bullet_lines_ratio",  # lines / lines (a line starts with one bullet at most)
        "ellipsis_lines_ratio",  # lines / lines
        "dup_para_frac",  # paragraphs / paragraphs
        "dup_para_char_frac",  # characters of repeated paragraphs / characters
        "dup_line_frac",
        "dup_line_char_frac",
        *(f"dup_{n}_gram_char_frac" for n in DUP_NGRAMS),  # the greedy scan never counts a character twice
        "line_punct_ratio",  # non-blank lines / non-blank lines
        "short_line_ratio",
        "char_dup_ratio",  # characters of repeated lines / characters outside line breaks
        "lang_score",  # a probability (added by the stage)
    }
)
"""Signals that are shares, always in 0..1, so their thresholds must be too. Not shares:
``hash_ratio`` and ``ellipsis_ratio`` ('#' or '...' per token: ``a#b#c`` is one token with two),
``newline_ratio`` (line breaks per token) and ``top_N_gram_char_frac`` (the most frequent
n-gram's characters times its count: overlapping occurrences count each character up to N
times, ``aa aa aa aa`` gives 1.36 for N = 2)."""


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
    """Keep an apostrophe on the word it touches before a space or before the word (Walloon
    ``l' dreût``, Scottish Gaelic ``a’ bhean``, ``’s``)."""
    _stop_lower: frozenset[str] = field(init=False, repr=False, compare=False)
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _plain: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _line_ends_with: Callable[[str], bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # NFC as the normalise stage makes the text (its default form): a stop word typed in
        # decomposed form (e + U+0301) never matched the composed é of the text
        norm = frozenset(unicodedata.normalize("NFC", w).replace("’", "'") for w in self.stop_words)
        if not self.stop_words_case_sensitive:
            norm = frozenset(w.lower() for w in norm)
        object.__setattr__(self, "_stop_lower", norm)
        pattern = word_pattern(
            self.elisions, self.hyphen_clitics, self.split_hyphens, self.abbreviation_periods, self.apostrophes
        )
        object.__setattr__(self, "_pattern", pattern)
        # the same pattern without the abbreviation alternative, for the chunks it cannot match in
        plain = word_pattern(self.elisions, self.hyphen_clitics, self.split_hyphens, False, self.apostrophes)
        object.__setattr__(self, "_plain", plain)
        object.__setattr__(self, "_line_ends_with", methodcaller("endswith", tuple(self.line_end_chars)))


def tokenize(text: str, cfg: SignalConfig | None = None) -> list[str]:
    """Split ``text`` into word and punctuation tokens (see the comments above). Never empty strings.

    Gives exactly ``word_pattern(...).findall(text)`` (the tokenizer's definition; the frozen
    reference tests/quality_reference.py and tests/unit/test_quality_equivalence.py check it), but
    runs the regular expression only on the few whitespace-separated chunks that need it:

    * no token holds whitespace and only two lookaheads look past a chunk (the abbreviation
      period's ``(?=\\s+[0-9a-z...])`` and the clitic apostrophe's ``(?=\\s|$)``), so the tokens of
      the text are the tokens of its ``str.split()`` chunks in order (``str.split`` and ``\\s``
      use the same Unicode whitespace, ``Py_UNICODE_ISSPACE``); a chunk ending in ``.`` is
      matched with a space and the next chunk's first character after it, to give the
      abbreviation lookahead what it sees in the text;
    * ``\\w`` is ``str.isalnum()`` or ``_`` (Python ``re`` docs), so an ``isalnum()`` chunk is one
      token under every alternative of the pattern (87 % of the chunks of EU text);
    * an ``isalnum()`` word followed by one non-word character is two tokens, except a period
      that the abbreviation rule keeps (next chunk starts with a digit or a lowercase letter of
      the pattern's class) and an apostrophe after at most three letters that the clitic rule
      keeps (``ta'``), or after any word where ``apostrophes`` is on (``l'``); 10 % of the chunks.

    The abbreviation alternative runs only on a chunk where it can match: ending in a word
    character and ``.``, before a chunk starting with a digit or a lowercase letter of its class.
    Elsewhere its lookahead fails at every position and the pattern without it gives the same
    tokens (a leftmost-first alternation is unchanged by dropping an alternative that never
    matches). This keeps the time linear: from every word start the alternative's ``\\S*?``
    scans to the end of the chunk before it fails, and with ``split_hyphens`` a token ends at
    every ``-letter``, so a long chunk such as ``a-a-a-...`` or a base64url blob (JWT, data URI)
    took time quadratic in its length (fr, bg, sl: 295 s for 200,000 characters). Where it can
    match, it matches at the first word start it is tried at (all between that start and the
    final word character is non-space), so the chunk costs one scan.
    """
    c = cfg or _DEFAULT_CFG
    findall = c._pattern.findall
    findall_plain = c._plain.findall
    abbrev = c.abbreviation_periods
    clitics = c.hyphen_clitics
    apostrophes = c.apostrophes
    chunks = text.split()
    last = len(chunks) - 1
    out: list[str] = []
    append = out.append
    for i, chunk in enumerate(chunks):
        if chunk.isalnum():
            append(chunk)
            continue
        head = chunk[:-1]
        if head.isalnum():
            tail = chunk[-1]
            if tail == ".":
                if abbrev and i < last and chunks[i + 1][0] in _ABBREV_NEXT:
                    append(chunk)
                else:
                    append(head)
                    append(tail)
                continue
            if tail == "'" or tail == "’":
                if (clitics and len(head) <= 3) or apostrophes:
                    append(chunk)
                else:
                    append(head)
                    append(tail)
                continue
            if tail != "_":  # '_' is a word character: the chunk is then one token (regex below)
                append(head)
                append(tail)
                continue
        if (
            abbrev
            and i < last
            and chunk[-1] == "."
            and len(chunk) > 1
            and (chunk[-2].isalnum() or chunk[-2] == "_")  # \w before the period
            and chunks[i + 1][0] in _ABBREV_NEXT
        ):
            # the space and the next chunk's first character are exactly one extra token
            out += findall(chunk + " " + chunks[i + 1][0])[:-1]
        else:
            out += findall_plain(chunk)
    return out


_DEFAULT_CFG = SignalConfig()


def _duplicates(items: list[str]) -> tuple[int, int]:
    """(number of items seen before, their total characters): Gopher's duplicate line/paragraph measure.

    datatrove's ``find_duplicates`` scans with a ``seen`` set; every occurrence of an item after
    its first is a duplicate, so the counts are totals minus the totals over the distinct items.
    """
    distinct = set(items)
    return len(items) - len(distinct), sum(map(len, items)) - sum(map(len, distinct))


def _c4_line_stats(lines: list[str]) -> tuple[int, int, int]:
    """(sentences, lorem-ipsum lines, curly-bracket lines) over the lines C4 keeps.

    ``lines`` is ``text.splitlines()``. C4 keeps a line when, stripped, it ends in terminal
    punctuation but not in "...", and has at least 3 whitespace-separated words (citation markers
    like ``[12]`` removed first). The lorem ipsum and curly bracket rules look only at such lines
    (as datatrove and the TFDS c4_utils do). Sentence ends are counted in one regex pass over the
    kept lines joined by NUL: a kept line ends in a non-space character, so no match of
    :data:`_SENTENCE_END` (which must end in whitespace before a non-space) can reach a NUL, and
    each line gives the matches it gives alone.
    """
    kept: list[str] = []
    for raw in lines:
        line = raw.strip()
        if "[" in line:
            if len(line.split()) < 3:
                continue
            line = _C4_CITATION.sub("", line)
        elif not line.endswith(_C4_END) or len(line.split()) < 3:
            continue
        if not line.endswith(_C4_END) or line.endswith("..."):
            continue
        kept.append(line)
    if not kept:
        return 0, 0, 0
    joined = "\0".join(kept)
    sentences = len(kept) + len(_SENTENCE_END.findall(joined))
    # lower() differs between a line and the joined text only by the final-sigma rule, which the
    # NUL (neither cased nor case-ignorable) stops: the joined test is exact as a pre-check
    lorem = sum("lorem ipsum" in ln.lower() for ln in kept) if "lorem ipsum" in joined.lower() else 0
    curly = sum("{" in ln for ln in kept) if "{" in joined else 0
    return sentences, lorem, curly


def _split_paragraphs(stripped: str) -> list[str]:
    """``re.split(r"\n{2,}", stripped)`` for a ``str.strip()``-ed text, with ``str`` methods (3-10x faster).

    The regex splits on maximal runs of two or more newlines, so its parts are never empty (the
    text starts and ends with a non-space) and never start or end with a newline. ``split("\n\n")``
    cuts each run into pairs: a run of 2k newlines leaves k-1 empty parts, a run of 2k+1 a newline
    at the start of the next part; removing those gives the regex's parts.
    """
    if "\n\n" not in stripped:
        return [stripped]
    return [p for p in (q.lstrip("\n") for q in stripped.split("\n\n")) if p]


def _split_lines(parts: list[str]) -> list[str]:
    """``re.split(r"\n+", text)`` from ``parts = text.split("\n")`` (never empty).

    The regex's parts are the non-empty parts, plus an empty first part when the text starts with a
    newline (or is empty) and an empty last part when it ends with one.
    """
    out = list(filter(None, parts))
    if not parts[0]:
        out.insert(0, "")
    if len(parts) > 1 and not parts[-1]:
        out.append("")
    return out


def compute_signals(text: str, cfg: SignalConfig) -> dict[str, float]:
    """All the signals of :data:`SIGNAL_NAMES` for ``text``, in that order; ``stop_words`` only
    when ``cfg`` has a stop-word list (a language without one has no such signal).

    Ranges: counts (``chars``, ``tokens``, ``words``, ``stop_words``, ``c4_sentences``,
    ``lorem_ipsum``, ``curly_bracket``) are >= 0; ``mean_word_length`` is in characters;
    the signals of :data:`SHARE_SIGNALS` are in 0..1; ``hash_ratio``, ``ellipsis_ratio`` and
    ``newline_ratio`` (per token) and ``top_N_gram_char_frac`` (overlapping occurrences) may
    exceed 1. Ratios over an empty set are 0.0.
    Word-based measures use :func:`tokenize`; ``tokens`` counts all tokens including
    punctuation, ``words`` those with at least one non-punctuation character.

    Every value is bit-identical to the first implementation's (tests/quality_reference.py): each
    ratio is the same quotient of the same two integers. The text is tokenized once and split into
    lines once; the integers come from C-level passes (``map``, ``str.count``, ``set``,
    ``Counter``) instead of a Python loop per token, line or n-gram.
    """
    n_chars = len(text)
    tokens = tokenize(text, cfg)
    n_tokens = len(tokens)
    # an isalnum() token is punctuation-only only if made of '１' (the one alphanumeric character
    # of PUNCTUATION_SET, a fullwidth digit)
    other = list(filterfalse(str.isalnum, tokens))
    other_symbols = list(filter(PUNCTUATION_SET.issuperset, other))
    symbols = other_symbols
    if "１" in text:
        symbols = list(filter(PUNCTUATION_SET.issuperset, tokens))
    n_words = n_tokens - len(symbols)
    s: dict[str, float] = {"chars": float(n_chars), "tokens": float(n_tokens), "words": float(n_words)}

    # Gopher quality (Rae et al. 2021, A.1.1)
    s["mean_word_length"] = ((sum(map(len, tokens)) - sum(map(len, symbols))) / n_words) if n_words else 0.0
    if n_tokens:
        # tokens holding a letter ([^\W\d_]: a word character that is no decimal digit and no '_').
        # \w is isalnum() or '_' (Python re docs), so an isalnum() token holds one exactly when it is
        # not all decimal digits; no punctuation-only token holds one (PUNCTUATION_SET has no
        # letter); the others (``2019/437``, ``n.o``, ``€``) are searched.
        alpha = n_tokens - len(other) - sum(map(str.isdecimal, tokens))  # isdecimal() implies isalnum()
        if len(other) > len(other_symbols):
            alpha += sum(1 for _ in filter(_ALPHA.search, filterfalse(PUNCTUATION_SET.issuperset, other)))
        s["alpha_words_ratio"] = alpha / n_tokens
        if cfg._stop_lower:
            spaced = " ".join(tokens)
            # replace()/lower() per token == on the space-joined tokens: both act per character
            # except lower()'s final-sigma rule, whose context a space (neither cased nor
            # case-ignorable, Unicode 3.13 D135-D136) ends exactly like a token boundary
            spaced = spaced.replace("’", "'")
            vocab = set((spaced if cfg.stop_words_case_sensitive else spaced.lower()).split(" "))
            s["stop_words"] = float(len(cfg._stop_lower & vocab))
        # Without a list there is no stop_words signal (absent, so min_stop_words is skipped, as
        # filters/default.yaml says): it was 0.0, and every document of a language without a
        # filters file (Breton, Occitan, Sami, Norwegian...) was rejected as quality.stop_words.
        s["hash_ratio"] = text.count("#") / n_tokens
        s["ellipsis_ratio"] = (text.count("...") + text.count("…")) / n_tokens
    else:
        s["alpha_words_ratio"] = 0.0
        if cfg._stop_lower:
            s["stop_words"] = 0.0
        s["hash_ratio"] = s["ellipsis_ratio"] = 0.0
    lines = text.splitlines()
    n_lines = len(lines)
    parts = text.split("\n")
    if n_lines:
        # a splitlines() line holds no "\n": "\n" + "\n".join(lines) has one "\n" before each line
        # start and the lines joined + "\n" one after each line end
        starts = "\n" + "\n".join(map(str.lstrip, lines))
        s["bullet_lines_ratio"] = (starts.count("\n•") + starts.count("\n-")) / n_lines
        ends = "\n".join(map(str.rstrip, lines)) + "\n"
        s["ellipsis_lines_ratio"] = (ends.count("...\n") + ends.count("…\n")) / n_lines
    else:
        s["bullet_lines_ratio"] = s["ellipsis_lines_ratio"] = 0.0

    # Gopher repetition (Rae et al. 2021, table A1); fractions of characters are over len(text)
    if n_chars:
        paras = _split_paragraphs(text.strip())
        dup, dup_chars = _duplicates(paras)
        s["dup_para_frac"] = dup / len(paras)
        s["dup_para_char_frac"] = dup_chars / n_chars
        rlines = _split_lines(parts)
        dup, dup_chars = _duplicates(rlines)
        s["dup_line_frac"] = dup / len(rlines)
        s["dup_line_char_frac"] = dup_chars / n_chars
        top_chars, dup_ngram_chars = ngram_chars(tokens, TOP_NGRAMS, DUP_NGRAMS)
        for n, chars in zip(TOP_NGRAMS, top_chars, strict=True):
            s[f"top_{n}_gram_char_frac"] = chars / n_chars
        for n, chars in zip(DUP_NGRAMS, dup_ngram_chars, strict=True):
            s[f"dup_{n}_gram_char_frac"] = chars / n_chars
    else:
        for k in ("dup_para_frac", "dup_para_char_frac", "dup_line_frac", "dup_line_char_frac"):
            s[k] = 0.0
        for n in TOP_NGRAMS:
            s[f"top_{n}_gram_char_frac"] = 0.0
        for n in DUP_NGRAMS:
            s[f"dup_{n}_gram_char_frac"] = 0.0

    # C4 (Raffel et al. 2020, 2.2)
    sentences, lorem, curly = _c4_line_stats(lines)
    s["c4_sentences"] = float(sentences)
    s["lorem_ipsum"] = float(lorem)
    s["curly_bracket"] = float(curly)

    # FineWeb (Penedo et al. 2024): over non-blank lines split on "\n"
    flines = list(filter(str.strip, parts))
    if flines:
        nf = len(flines)
        s["line_punct_ratio"] = sum(map(cfg._line_ends_with, flines)) / nf
        s["short_line_ratio"] = sum(map(cfg.short_line_length.__ge__, map(len, flines))) / nf
        body = n_chars - text.count("\n")
        s["char_dup_ratio"] = _duplicates(flines)[1] / body if body else 0.0
    else:
        s["line_punct_ratio"] = s["short_line_ratio"] = s["char_dup_ratio"] = 0.0
    s["newline_ratio"] = text.count("\n") / n_tokens if n_tokens else 0.0
    return s
