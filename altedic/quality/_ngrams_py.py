"""Pure-Python twin of the compiled n-gram kernel (:mod:`altedic.quality._ngrams`).

The readable specification of the two repetition measures that dominate the quality stage's time
(datatrove 0.10.1 ``GopherRepetitionFilter``; Rae et al. 2021, "Scaling Language Models", table
A1, https://arxiv.org/abs/2112.11446):

* top n-gram characters: the most frequent word n-gram (joined with spaces) times its count; ties
  go to the n-gram seen first (``Counter.most_common(1)``); 0 when there is no n-gram;
* duplicated n-gram characters: n-grams keyed by the *concatenation* of their tokens (datatrove's
  ``find_all_duplicate`` uses ``"".join(words[i:i+n])``: different token sequences with the same
  characters are the same n-gram); a greedy scan adds the length of an n-gram seen at a visited
  position and jumps past it.

Both implementations give the same integers; ``tests/unit/test_quality_equivalence.py`` checks
them against the frozen first implementation (tests/quality_reference.py) and each other. The
twin is itself fast-ish (C-level ``map``/``Counter`` passes, candidate filtering), so that a
missing compiled module costs about 2x, not 5x.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from itertools import accumulate, compress, repeat
from operator import add, itemgetter, mul, ne, sub

SPEC_VERSION = "quality-ngrams-1"
"""Names the definitions above; the compiled kernel must name the same."""

# n-grams whose concatenations start with the same _HEAD characters are the only ones that can be
# equal (when longer than that); measured on the ../shared/data/quality documents, 16 leaves the
# fewest candidate positions (16 % of all; 8: 30 %, 32: 40 %)
_HEAD = 16


def ngram_chars(tokens: list[str], top_ns: tuple[int, ...], dup_ns: tuple[int, ...]) -> tuple[list[int], list[int]]:
    """``([top n-gram chars for n in top_ns], [duplicated n-gram chars for n in dup_ns])``.

    ``tokens``: non-empty strings without whitespace (:func:`altedic.quality.signals.tokenize`);
    every n >= 1. Characters are code points.
    """
    for n in (*top_ns, *dup_ns):
        if n < 1:
            raise ValueError(f"n-gram size must be >= 1, got {n}")
    offsets = list(accumulate(map(len, tokens), initial=0))
    first_position: dict[str, int] = {}
    ids = list(map(first_position.setdefault, tokens, range(len(tokens))))  # first position of each token
    top = [_top_ngram_chars(ids, offsets, n) for n in top_ns]
    return top, _dup_ngram_chars_all("".join(tokens), offsets, dup_ns)


def _top_ngram_chars(ids: list[int], offsets: list[int], n: int) -> int:
    """Characters covered by the most frequent word n-gram (n-gram joined by spaces x count); 0 if none.

    ``ids[i]`` is the first position of token ``i``'s string, so ``ids`` numbers the distinct
    tokens below ``len(ids)``, and ``sum(ids[i + k] * len(ids) ** (n-1-k))`` numbers the distinct
    n-grams: tokens hold no whitespace, so space-joined n-grams are equal exactly when their token
    tuples are, and counting these integers counts the n-grams, in the same first-seen order.
    Only the winner's length is computed (from ``offsets``, the cumulative token lengths).
    """
    count_tokens = len(ids)
    if count_tokens < n:
        return 0
    keys = ids
    for k in range(1, n):
        keys = list(map(add, map(mul, keys[:-1], repeat(count_tokens)), ids[k:]))
    key, count = max(Counter(keys).items(), key=itemgetter(1))
    i = keys.index(key)
    return (offsets[i + n] - offsets[i] + n - 1) * count


def _dup_ngram_chars_all(concat: str, offsets: list[int], dup_ns: tuple[int, ...]) -> list[int]:
    """:func:`_dup_ngram_chars` for every n of ``dup_ns``, from the tokens' concatenation.

    ``offsets[i]`` is where token ``i`` starts in ``concat`` (cumulative lengths, last = len).
    n-gram ``(i, n)`` is ``concat[offsets[i]:offsets[i + n]]``. Two equal n-grams, if at least
    ``_HEAD`` characters long, start with the same ``_HEAD`` characters of ``concat``; if shorter,
    the n-grams of the smallest size there are shorter too. So only positions whose ``_HEAD``
    characters occur at another token start, or whose smallest n-gram is shorter than ``_HEAD``,
    can hold a repeated n-gram (``candidates``), and n-grams are built only there.
    """
    if not dup_ns:
        return []
    count_tokens = len(offsets) - 1
    lo = min(dup_ns)
    m_lo = count_tokens - lo + 1
    if m_lo <= 0:
        return [0] * len(dup_ns)
    starts = offsets[:m_lo]
    heads = [concat[o : o + _HEAD] for o in starts]
    seen = Counter(heads)
    shared: Iterable[int] = ()
    if len(seen) < m_lo:
        shared = compress(range(m_lo), map((1).__lt__, map(seen.__getitem__, heads)))
    short = compress(range(m_lo), map(_HEAD.__gt__, map(sub, offsets[lo:], starts)))
    candidates = sorted({*shared, *short})
    out: list[int] = []
    for n in dup_ns:
        m = count_tokens - n + 1
        if m <= 0 or not candidates:
            out.append(0)
            continue
        positions = candidates[: bisect_left(candidates, m)]
        grams = [concat[offsets[i] : offsets[i + n]] for i in positions]
        out.append(_dup_ngram_chars(positions, grams, n))
    return out


def _dup_ngram_chars(positions: list[int], grams: list[str], n: int) -> int:
    """Characters in word n-grams that repeat an earlier n-gram, without counting overlaps twice.

    ``grams[k]`` is the concatenation of tokens ``positions[k] .. +n-1``; ``positions`` is
    ascending and holds every occurrence of every n-gram that occurs twice (the others occur once,
    are never a duplicate and need not be listed).

    datatrove's greedy scan (visit ``i``; if ``gram(i)`` was seen at a visited position, add its
    length and jump to ``i + n``, else remember it and go to ``i + 1``) is replayed exactly, but
    only at the positions whose n-gram occurred before: a first occurrence is never a duplicate,
    and it is "seen" exactly when the scan did not jump over it.
    """
    first = dict(zip(reversed(grams), reversed(positions), strict=True))  # n-gram -> its first position
    if len(first) == len(grams):  # no n-gram occurs twice (the common case for n >= 5)
        return 0
    repeats = compress(zip(positions, grams, strict=True), map(ne, map(first.__getitem__, grams), positions))
    total = 0
    resume = 0  # the next position the scan visits
    jumped: set[int] = set()  # positions the scan jumped over
    seen_again: set[str] = set()  # n-grams remembered at a repeat position
    for i, gram in repeats:
        if i < resume:
            continue
        if gram in seen_again or first[gram] not in jumped:
            total += len(gram)
            jumped.update(range(i + 1, i + n))
            resume = i + n
        else:  # its earlier occurrences were all jumped over: this one is remembered
            seen_again.add(gram)
            resume = i + 1
    return total
