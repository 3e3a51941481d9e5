"""Quality decisions: thresholds from ``filters/<lang>.yaml`` applied to the signals.

Each :class:`Rule` compares one signal with one threshold key. A threshold set to ``null`` in a
filters file (or missing everywhere) disables its rule. A document is rejected by the first rule
it fails, in the order of :data:`RULES` (Gopher quality, Gopher repetition, C4, FineWeb, language
score: the order in which datatrove pipelines usually run them), with the stable reason code
``quality.<rule name>`` and a detail naming the value, the threshold and the files it came from.

Comparison semantics follow datatrove 0.10.1 exactly: a ``min_*`` rule rejects when
``value < threshold``, a ``max_*`` rule when ``value > threshold`` (so a value equal to the
threshold passes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from altedic.errors import ConfigError, did_you_mean
from altedic.quality.signals import DUP_NGRAMS, SHARE_SIGNALS, TOP_NGRAMS


@dataclass(frozen=True, slots=True)
class Rule:
    """``quality.<name>``: reject when ``signals[signal]`` is below ``key`` (min) or above it (max)."""

    name: str
    signal: str
    key: str

    @property
    def is_min(self) -> bool:
        return self.key.startswith("min_")

    @property
    def reason(self) -> str:
        return f"quality.{self.name}"


RULES: tuple[Rule, ...] = (
    # Gopher quality (Rae et al. 2021, appendix A.1.1)
    Rule("too_few_words", "words", "min_words"),
    Rule("too_many_words", "words", "max_words"),
    Rule("short_words", "mean_word_length", "min_mean_word_length"),
    Rule("long_words", "mean_word_length", "max_mean_word_length"),
    Rule("hashes", "hash_ratio", "max_hash_ratio"),
    Rule("ellipsis", "ellipsis_ratio", "max_ellipsis_ratio"),
    Rule("bullet_lines", "bullet_lines_ratio", "max_bullet_lines_ratio"),
    Rule("ellipsis_lines", "ellipsis_lines_ratio", "max_ellipsis_lines_ratio"),
    Rule("alpha_words", "alpha_words_ratio", "min_alpha_words_ratio"),
    Rule("stop_words", "stop_words", "min_stop_words"),
    # Gopher repetition (Rae et al. 2021, table A1)
    Rule("dup_paragraphs", "dup_para_frac", "max_dup_para_frac"),
    Rule("dup_paragraph_chars", "dup_para_char_frac", "max_dup_para_char_frac"),
    Rule("dup_lines", "dup_line_frac", "max_dup_line_frac"),
    Rule("dup_line_chars", "dup_line_char_frac", "max_dup_line_char_frac"),
    *(Rule(f"top_{n}_gram", f"top_{n}_gram_char_frac", f"max_top_{n}_gram_char_frac") for n in TOP_NGRAMS),
    *(Rule(f"dup_{n}_gram", f"dup_{n}_gram_char_frac", f"max_dup_{n}_gram_char_frac") for n in DUP_NGRAMS),
    # C4 (Raffel et al. 2020, section 2.2): whole-document rules only; C4's line removal is not
    # done (altedic keeps the text as read and only decides)
    Rule("lorem_ipsum", "lorem_ipsum", "max_lorem_ipsum_lines"),
    Rule("curly_bracket", "curly_bracket", "max_curly_bracket_lines"),
    Rule("few_sentences", "c4_sentences", "min_c4_sentences"),
    # FineWeb (Penedo et al. 2024)
    Rule("line_punct", "line_punct_ratio", "min_line_punct_ratio"),
    Rule("short_lines", "short_line_ratio", "max_short_line_ratio"),
    Rule("char_dup", "char_dup_ratio", "max_char_dup_ratio"),
    Rule("newlines", "newline_ratio", "max_newline_ratio"),
    # language-ID confidence from the language stage
    Rule("lang_score", "lang_score", "min_lang_score"),
)
RULES_BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}
THRESHOLD_KEYS: frozenset[str] = frozenset(r.key for r in RULES) | {"line_punct_exclude_zero"}
"""Keys allowed in ``quality.thresholds`` and ``quality.profiles.<p>`` of a filters file."""
SHARE_KEYS: frozenset[str] = frozenset(r.key for r in RULES if r.signal in SHARE_SIGNALS)
"""Threshold keys whose signal is a share (0..1): a value above 1 is refused."""
_SIGNAL_OF: dict[str, str] = {r.key: r.signal for r in RULES}


def check_thresholds(thresholds: dict[str, Any], where: str | None, prefix: str) -> None:
    """Raise :class:`ConfigError` for an unknown key or a value that is not a number >= 0 or null
    (0..1 for the keys of :data:`SHARE_KEYS`).

    ``where`` names the files (None: the recipe's stage settings); ``prefix`` is the path of the
    mapping (``quality.thresholds.``, ``quality.profiles.legal.``, ``stages.quality.overrides.``),
    so that the message names the key where it is written.
    """
    for name, v in thresholds.items():
        k = str(name)
        key = prefix + k
        if k not in THRESHOLD_KEYS:
            raise ConfigError(
                f"unknown threshold {k!r}{did_you_mean(k, THRESHOLD_KEYS)}; allowed: {', '.join(sorted(THRESHOLD_KEYS))}",
                file=where,
                key=key,
            )
        if k == "line_punct_exclude_zero":
            if not isinstance(v, bool):
                raise ConfigError("must be true or false", file=where, key=key)
        elif v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise ConfigError(f"must be a number or null, got {v!r}", file=where, key=key)
        elif v is not None and math.isnan(v):
            # every comparison with NaN is false: the rule would be off without saying so
            raise ConfigError("must be a number or null, got NaN (null turns a rule off)", file=where, key=key)
        elif v is not None and v < 0:
            # no signal is negative: a min below 0 never fires, a max below 0 rejects everything
            raise ConfigError(f"must be >= 0 (no signal is negative), got {v!r}", file=where, key=key)
        elif v is not None and v > 1 and k in SHARE_KEYS:
            # a max above 1 never fires, a min above 1 rejects every document
            hint = f" (a percentage? {v:g}% is {v / 100:g})" if v <= 100 else ""
            raise ConfigError(
                f"must be a share between 0 and 1 ({_SIGNAL_OF[k]} is one), got {v!r}{hint}", file=where, key=key
            )


def figures_apart(value: float, limit: float, spec: str = "g", digits: range = range(4, 18)) -> tuple[str, str]:
    """``value`` and ``limit`` formatted with the first of ``digits`` (``spec``: ``g`` significant
    digits, ``f`` decimals), or as many more as it takes for them to read differently when they
    differ (0.80899 < min 0.809, not 0.809 < min 0.809). Used for every rejection detail that
    compares a value with its threshold (quality rules, the language stage's confidence)."""
    for n in digits:
        a, b = f"{value:.{n}{spec}}", f"{limit:.{n}{spec}}"
        if a != b or value == limit:
            return a, b
    return repr(value), repr(limit)


def first_failure(
    signals: dict[str, float],
    thresholds: dict[str, Any],
    rules: tuple[Rule, ...] = RULES,
) -> tuple[Rule, str] | None:
    """The first rule of ``rules`` that ``signals`` fail under ``thresholds``, with a detail text.

    Rules whose threshold is missing or ``None``, or whose signal is absent (``lang_score`` of a
    document the language stage did not score), are skipped. ``line_punct_exclude_zero: true``
    lets a document with no punctuated line at all pass ``line_punct`` (as FineWeb's option).
    """
    for rule in rules:
        thr = thresholds.get(rule.key)
        if thr is None:
            continue
        value = signals.get(rule.signal)
        if value is None:
            continue
        if rule.is_min:
            if value < thr:
                if rule.name == "line_punct" and value == 0 and thresholds.get("line_punct_exclude_zero"):
                    continue
                shown, limit = figures_apart(value, thr)
                return rule, f"{rule.signal} {shown} < min {limit}"
        elif value > thr:
            shown, limit = figures_apart(value, thr)
            return rule, f"{rule.signal} {shown} > max {limit}"
    return None
