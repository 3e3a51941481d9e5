"""Language policy: second opinion, confusable groups, evidence from script, characters and words.

The bare fastText model is weak exactly where Europe needs it (short Maltese and Irish text,
Croatian/Bosnian/Serbian, Czech/Slovak, Danish/Norwegian...). This module holds the plain,
testable rules that turn a model's top-k into a decision:

1. **Second opinion** (:class:`Cld2Opinion`): where fastText is unsure (top probability below
   ``second_opinion_below``), CLD2 (Google's Compact Language Detector 2, via the ``pycld2``
   wheel; a naive-Bayes model over quadgrams with its own training data, so its errors are
   largely independent of fastText's) is consulted; the stage takes the weighted mean of its
   shares and fastText's probabilities (weight ``second_opinion_weight``). CLD2's fallback
   language (English, for Latin text it knows little about) counts only where fastText agrees.
2. **Confusable groups** (:data:`GROUPS`): when the best label is a member of a group, evidence
   decides between members, in this order: the script (Serbian Cyrillic is Serbian; Latin text
   with ć/đ is not Slovenian), distinctive characters and words written down by linguists
   (sources cited per group), the source's declared language, word tables derived from other
   text (a lexicon, word frequencies: hr/bs), the second opinion. Before all
   these, a group's ``outsiders`` (a neighbour outside it, such as Spanish for gl-pt, with words
   no member writes) take the text where their words lead every member's by more than the
   margin (a declared member is then checked against it as any label is). When nothing
   decides, the group's decision is explicit: keep the top label and flag
   ``confusable:<group>`` (``on_undecided: keep``) or use the group label (``group``), never a
   silent coin toss.

Everything here is pure Python over strings (:func:`dominant_scripts` uses the compiled twin of
:func:`dominant_script` in ``altedic.langid._fastlid`` when it is built); :mod:`altedic.langid.stage`
applies it in batches.
"""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import math
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from altedic import yamlload
from altedic.errors import ConfigError
from altedic.langid.codes import EU_OFFICIAL, base_lang, normalise_lang
from altedic.langid.model import utf8_safe

# ---------------------------------------------------------------------------------------------
# Script evidence
# ---------------------------------------------------------------------------------------------
_SCRIPT_CLASSES: dict[str, re.Pattern[str]] = {
    "Latn": re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]"),
    "Cyrl": re.compile(r"[\u0400-\u052F]"),
    "Grek": re.compile(r"[\u0370-\u03FF\u1F00-\u1FFF]"),
    "Arab": re.compile(r"[\u0600-\u06FF\u0750-\u077F]"),
    "Hebr": re.compile(r"[\u0590-\u05FF]"),
    "Armn": re.compile(r"[\u0530-\u058F]"),
    "Geor": re.compile(r"[\u10A0-\u10FF]"),
}
# Any letter of a script other than Latin (the union of the non-Latin classes above): most
# European text has none, and then one scan decides (see dominant_script).
_NON_LATIN = re.compile(
    r"[\u0370-\u03FF\u1F00-\u1FFF\u0400-\u052F\u0530-\u058F\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\u10A0-\u10FF]"
)


#: the first characters of a text whose letters are counted by script
SCRIPT_SAMPLE = 600


def dominant_script(text: str, sample: int = SCRIPT_SAMPLE) -> str | None:
    """ISO 15924 code of the script of most letters in the first ``sample`` characters
    (Latn, Cyrl, Grek, Arab, Hebr, Armn, Geor), or None when none of them has a letter.

    Fast path (same result): a sample without any non-Latin letter is Latn when it has a Latin
    letter, else None; only a sample with non-Latin letters is counted class by class."""
    s = text[:sample]
    if not s:
        return None
    if s.isascii() or _NON_LATIN.search(s) is None:
        return "Latn" if _SCRIPT_CLASSES["Latn"].search(s) is not None else None
    best, best_n = None, 0
    for script, rx in _SCRIPT_CLASSES.items():
        n = len(rx.findall(s))
        if n > best_n:
            best, best_n = script, n
    return best


def _compiled_kernel() -> Any:
    """The module ``altedic.langid._fastlid`` for :func:`dominant_scripts` and
    :class:`Evidence` (None: not built, a stale build, or ``ALTEDIC_PURE_PYTHON`` set; the model
    loader warns about a missing kernel)."""
    if os.environ.get("ALTEDIC_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from altedic.langid import _fastlid
    except ImportError:
        return None
    from altedic.langid.model import KERNEL_VERSION

    if getattr(_fastlid, "KERNEL_VERSION", None) != KERNEL_VERSION or tuple(_fastlid.SCRIPTS) != tuple(_SCRIPT_CLASSES):
        return None
    return _fastlid


_KERNEL = _compiled_kernel()
_SCRIPTS_KERNEL = _KERNEL.dominant_scripts if _KERNEL is not None else None
_EVIDENCE_KERNEL = _KERNEL.EvidenceIndex if _KERNEL is not None else None


def _round4_py(x: float) -> float:
    return round(x, 4)


def _rounded_top_py(ranked: Sequence[tuple[str | None, float]], k: int) -> dict[str, float]:
    return {c: round(v, 4) for c, v in ranked[:k] if c is not None}


#: ``round(x, 4)`` (the stage's scores), and ``{code: round(p, 4)}`` of the first ``k`` pairs of
#: a ranking with a code (its alternatives): compiled when the kernel is built (the same values,
#: without Python's decimal-string round trip; tests/unit/test_fastlid.py), else these twins.
#: Likewise the probabilities the open-world check sums.
def _probs_of_py(pred: Sequence[tuple[str | None, float]], members: Sequence[str]) -> list[float]:
    return [min(p, 1.0) for c, p in pred if c is not None and base_lang(c) in members]


round4: Callable[[float], float] = _KERNEL.round4 if _KERNEL is not None else _round4_py
rounded_top: Callable[[list[tuple[str | None, float]], int], dict[str, float]] = (
    _KERNEL.rounded_top if _KERNEL is not None else _rounded_top_py
)
#: ``[min(p, 1.0) for code, p in pred if code is not None and base_lang(code) in members]``
probs_of: Callable[[list[tuple[str | None, float]], Sequence[str]], list[float]] = (
    _KERNEL.probs_of if _KERNEL is not None else _probs_of_py
)
_SCRIPT_NAMES: tuple[str | None, ...] = (*_SCRIPT_CLASSES, None)  # index -1 = no letters


def dominant_scripts(texts: Sequence[str], sample: int = SCRIPT_SAMPLE) -> list[str | None]:
    """:func:`dominant_script` of each text; the compiled loop when built (same results,
    tests/unit/test_fastlid.py), this module's regexes otherwise."""
    if _SCRIPTS_KERNEL is None:
        return [dominant_script(t, sample) for t in texts]
    names = _SCRIPT_NAMES
    return [names[i] for i in _SCRIPTS_KERNEL(texts if isinstance(texts, list) else list(texts), sample)]


# ---------------------------------------------------------------------------------------------
# Confusable groups (data: altedic/langid/groups.yaml)
# ---------------------------------------------------------------------------------------------

#: Words as the evidence matcher sees them: letters/digits with inner apostrophes and hyphens
#: (Maltese ``il-kummissjoni``, ``ta'``; Occitan ``d'aquel``).
_TOKEN = re.compile(r"\w+(?:['’-]\w*)*")
_SUFFIX_MIN_STEM = 3  # letters a word needs before a ``*suffix`` entry
# punctuation that is never part of a _TOKEN word (not \w, not an apostrophe or a hyphen)
_EDGE_PUNCT = '.,;:!?()[]{}"«»„“”‘‚…/*'
_MEMO_MAX = 200_000  # memoised chunks per group (about 30 MB at most); cleared when full


@dataclass(frozen=True)
class Group:
    """A set of languages a model confuses, with the evidence that separates them (the entry
    syntax is documented at the top of groups.yaml).

    ``script``: the script the group applies to (None: any); ``label``: the group label used by
    ``on_undecided: group`` (None: keep the top label); ``needs_evidence``: members the model may
    only pick with at least one hit of their own evidence (Latin-script Serbian is ekavian:
    without an ekavian or Serbian word, the text is taken as the next member by the model's
    ranking; tied on evidence with a member that needs none, such a member loses); ``trust_second``: False where the second opinion is measured to be wrong more
    often than right inside the group (CLD2 on hr/bs/sr).
    """

    name: str
    members: tuple[str, ...]
    words: Mapping[str, Sequence[str]] = field(default_factory=dict)
    needs_evidence: frozenset[str] = frozenset()
    chars: Mapping[str, str] = field(default_factory=dict)
    script: str | None = None
    label: str | None = None
    source: str = ""
    trust_second: bool = True
    trust_model_above: float | None = None
    """fastText probability of its top label at or above which the member it names is taken
    without looking for evidence (None: always look)."""
    ties_by_count: tuple[str, ...] = ()
    """Members between which a tie the margin leaves open goes to the one with more hits: after
    the declared language, before the second opinion and the model's ranking (hr and bs: see
    groups.yaml)."""
    outsiders: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Languages outside the group that the model and the second opinion rank as a member, with
    words no member writes (Spanish, ranked Galician or Portuguese): where an outsider's words
    lead every member's by more than the margin, the text is the outsider's. It is not decided
    further in the outsider's own group: the stage looks for the member's regional varieties
    first (Mirandese writes Spanish la, al), then for the outsider's."""
    patterns: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(regular expression, members) pairs: usage that is not a single word (Bosnian and Serbian
    "sa" before a word Croatian writes "s" before); each match in the lower-cased text counts one
    hit for each of the members, added to the words' and characters' hits."""
    topic: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Member -> entries that name the member's country (its towns, regions, institutions,
    currency; same syntax as ``words``). Not evidence of the language: the other members' standards
    write these names alike, and their text about that country holds them too. Counted only where
    the words, characters and patterns leave members tied (or find nothing), after the declared
    language and ``ties_by_count``: among the members still open, a lead of the resolver's
    margin decides (``decided_by`` "topic")."""
    unopposed: Mapping[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    """Member -> (min_chars, opposed_by): a member of ``needs_evidence`` that the model ranks
    first among the members keeps the model's pick without evidence of its own in a text of at
    least ``min_chars`` characters that holds at least one of its words (shared ones count) and
    no word of the ``opposed_by`` members (Serbian Latin news in which no word is ekavian, but
    none is ijekavian or Croatian either: groups.yaml). After the declared language, before the
    tie rules."""
    lexicon: LexiconSpec | None = None
    """Word lists derived from other text (Tesseract's per-language web word lists for hr/bs):
    where neither the evidence nor the declaration decided and the pick would be one of the
    lexicon's members, a clear lexicon lead picks among them (see :class:`Lexicon`)."""
    frequencies: LexiconSpec | None = None
    """Word frequencies of the members in a corpus of another genre (OpenSubtitles for hr/bs):
    where the lexicon did not decide either, a clear lead in log-likelihood picks among the
    table's members (see :class:`WordFrequencies`)."""


@dataclass(frozen=True)
class LexiconSpec:
    """Where a group's lexicon file is and the lead (in weighted hits) it needs to decide."""

    location: Any  # a Path, or the packaged file (importlib.resources Traversable)
    margin: float
    label: str  # the file as named in messages


def _read_list(location: Any, what: str, file: str, key: str | None = None) -> str:
    """The text of a word-list file (a Path or a packaged Traversable), gzip or plain UTF-8;
    ConfigError "cannot read <what>" naming ``file`` (and ``key``) when it cannot be read."""
    try:
        raw = location.read_bytes()
        return gzip.decompress(raw).decode("utf-8") if raw[:2] == b"\x1f\x8b" else raw.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {what}: {exc}", file=file, key=key) from exc


class Lexicon:
    """A confusable group's lexicon: for each member, words found in its reference word list and
    in no other member's (``<member>\\t<word>`` lines, written by benchmarks/derive_lexicon.py).

    Such a word is weak evidence: the larger a member's list, the more of any text's rarer words
    it holds, whatever the text's language. Each member's hits are therefore weighted by the size
    of the largest member list over the size of its own (hr 106,683 and bs 26,990 words: a
    Bosnian hit weighs 3.95 Croatian ones), and the best member decides only when it leads the
    runner-up by ``margin`` weighted hits.
    """

    #: a word as the lexicon counts it (letters only); benchmarks/derive_lexicon.py keeps the
    #: words of the reference lists that are such words
    WORD = re.compile(r"[^\W\d_]+")

    def __init__(self, spec: LexiconSpec, members: Sequence[str]) -> None:
        self.margin = spec.margin
        words: dict[str, str] = {}
        sizes: dict[str, int] = {}
        text = _read_list(spec.location, "the lexicon", spec.label)
        for n, line in enumerate(text.splitlines(), 1):
            if not line or line.startswith("#"):
                continue
            member, sep, word = line.partition("\t")
            if not sep or member not in members or not word:
                raise ConfigError(
                    f"line {n}: expected '<member>\\t<word>' with a member of {', '.join(members)}",
                    file=spec.label,
                )
            if words.setdefault(word, member) != member:
                raise ConfigError(f"line {n}: {word!r} is listed for {words[word]} already", file=spec.label)
            sizes[member] = sizes.get(member, 0) + 1
        if len(sizes) < 2:
            raise ConfigError("must list words for at least two members", file=spec.label)
        largest = max(sizes.values())
        self.members = frozenset(sizes)
        self.weight = {m: largest / n for m, n in sizes.items()}
        self.words = words

    def scores(self, text: str) -> dict[str, float]:
        """Weighted hits of each member in ``text``."""
        hits: dict[str, int] = {}
        get = self.words.get
        for w in self.WORD.findall(text.lower()):
            m = get(w)
            if m is not None:
                hits[m] = hits.get(m, 0) + 1
        return {m: n * self.weight[m] for m, n in hits.items()}

    def decide(self, text: str, allowed: Collection[str]) -> str | None:
        """The member of ``allowed`` that leads every other lexicon member by ``margin``, or None."""
        sc = self.scores(text)
        if not sc:
            return None
        order = sorted(sc.items(), key=lambda kv: (-kv[1], kv[0]))
        best, s_best = order[0]
        s_second = order[1][1] if len(order) > 1 else 0.0
        if best in allowed and s_best - s_second >= self.margin:
            return best
        return None


class WordFrequencies:
    """A confusable group's word frequencies: how often each member's corpus uses each word
    (a ``word`` column, then one count column per member; 0: not in that member's list; written
    by benchmarks/derive_frequencies.py).

    A naive-Bayes unigram score: a member's log-likelihood of a text is the sum, over the text's
    words that any member's list holds, of log(count / total) in that member's corpus. A word
    missing from a member's list (the lists are cut at their N commonest words) is counted as
    often as that list's rarest word: it occurs at most that often there, and additive smoothing
    would instead make every word missing from the smaller list a strong vote against it. The best
    member decides when it leads every other member by ``margin`` (in nats).
    """

    def __init__(self, spec: LexiconSpec, members: Sequence[str]) -> None:
        self.margin = spec.margin
        text = _read_list(spec.location, "the word frequencies", spec.label)
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line and not line.startswith("#")]
        if not lines:
            raise ConfigError("has no header row ('word', then members)", file=spec.label)
        n0, head = lines[0]
        names = head.split("\t")
        if (
            names[0] != "word"
            or len(names) < 3
            or len(set(names[1:])) != len(names) - 1
            or set(names[1:]) - set(members)
        ):
            raise ConfigError(
                f"line {n0}: the header must be 'word' and at least two of {', '.join(members)}, tab-separated",
                file=spec.label,
            )
        self.members = tuple(names[1:])
        counts: dict[str, tuple[int, ...]] = {}
        for n, line in lines[1:]:
            cells = line.split("\t")
            if (
                len(cells) != len(names)
                or not all(c.isdigit() for c in cells[1:])
                or not Lexicon.WORD.fullmatch(cells[0])
            ):
                raise ConfigError(
                    f"line {n}: expected a word and {len(self.members)} counts, tab-separated", file=spec.label
                )
            if cells[0] in counts:
                raise ConfigError(f"line {n}: {cells[0]!r} is listed twice", file=spec.label)
            counts[cells[0]] = tuple(int(c) for c in cells[1:])
        k = len(self.members)
        totals = [sum(c[i] for c in counts.values()) for i in range(k)]
        rarest = [min((c[i] for c in counts.values() if c[i]), default=0) for i in range(k)]
        if not all(totals):
            raise ConfigError("every member needs at least one counted word", file=spec.label)
        log_total = [math.log(t) for t in totals]
        self.log_p: dict[str, tuple[float, ...]] = {
            w: tuple(math.log(c[i] or rarest[i]) - log_total[i] for i in range(k)) for w, c in counts.items()
        }

    def scores(self, text: str) -> dict[str, float]:
        """Each member's log-likelihood of the words of ``text`` that the table holds (0.0 each
        when it holds none)."""
        sums = [0.0] * len(self.members)
        get = self.log_p.get
        for w in Lexicon.WORD.findall(text.lower()):
            lp = get(w)
            if lp is not None:
                for i, v in enumerate(lp):
                    sums[i] += v
        return dict(zip(self.members, sums, strict=True))

    def decide(self, text: str, allowed: Collection[str]) -> str | None:
        """The member of ``allowed`` whose log-likelihood leads every other member's by ``margin``,
        or None."""
        order = sorted(self.scores(text).items(), key=lambda kv: (-kv[1], kv[0]))
        best, s_best = order[0]
        if best in allowed and s_best - order[1][1] >= self.margin:
            return best
        return None


class Evidence:
    """Counts, for one group, the distinctive words and characters of each member in a text.

    One tokenisation (a single regex scan) per text, then dictionary look-ups: exact words and
    two-word entries in one dict, prefixes keyed by their first three letters, suffixes by their
    last three, so that a word costs about three look-ups whatever the size of the lists.
    """

    def __init__(self, group: Group) -> None:
        # the group's outsiders are counted like members, after them (see Group.outsiders)
        self.members = (*group.members, *group.outsiders)
        index = {m: i for i, m in enumerate(self.members)}
        self.exact: dict[str, list[int]] = {}
        self.pairs_first: set[str] = set()
        self.prefix: dict[str, list[tuple[str, int]]] = {}
        self.suffix: dict[str, list[tuple[str, int]]] = {}
        self.short_prefix: list[tuple[str, int]] = []  # prefixes of fewer than 3 letters
        self.short_suffix: list[tuple[str, int]] = []  # suffixes of fewer than 3 letters
        self.infix: list[tuple[str, int]] = []
        self.excluded: dict[int, tuple[str, ...]] = {}
        self.min_prefix = 99
        for member, entries in (*group.words.items(), *group.outsiders.items()):
            mi = index[member]
            excl: list[str] = []
            for raw in entries:
                w = str(raw).lower()
                if w.startswith("!*"):
                    excl.append(w[2:])
                elif w.startswith("*") and w.endswith("*") and len(w) > 2:
                    self.infix.append((w[1:-1], mi))
                elif w.startswith("*") and len(w) > 1:
                    if len(w) < 4:  # suffixes of fewer than 3 letters
                        self.short_suffix.append((w[1:], mi))
                        continue
                    self.suffix.setdefault(w[1:][-3:], []).append((w[1:], mi))
                elif w.endswith("*") and len(w) > 1:
                    p = w[:-1]
                    if len(p) < 3:
                        self.short_prefix.append((p, mi))
                        continue
                    self.min_prefix = min(self.min_prefix, len(p))
                    self.prefix.setdefault(p[:3], []).append((p, mi))
                else:
                    if " " in w:
                        self.pairs_first.add(w.split(" ", 1)[0])
                    lst = self.exact.setdefault(w, [])
                    if mi not in lst:
                        lst.append(mi)
            if excl:
                self.excluded[mi] = tuple(excl)
        # second words of the two-word entries
        self.pairs_second = {w.split(" ", 1)[1] for w in self.exact if " " in w}
        # per process, per white-space-delimited chunk (see count): every chunk analysed so far,
        # the hits of those that have any, the first and last word of those that can take part
        # in a two-word entry, and those without any word
        self._seen: set[str] = set()
        self._memo: dict[str, tuple[int, ...]] = {}
        self._hitful: set[str] = set()
        self._ends: dict[str, tuple[str, str]] = {}
        self._wordless: set[str] = set()
        self._word_memo: dict[str, tuple[int, ...]] = {}
        self.chars: dict[str, list[int]] = {}
        for member, chars in group.chars.items():
            for ch in chars:
                self.chars.setdefault(ch, []).append(index[member])
        self.char_items = tuple((ch, tuple(mis)) for ch, mis in self.chars.items())
        # the compiled count over these same tables (None: not built, or forced off)
        self._compiled: Any = None
        self._compile()

    def _compile(self) -> None:
        if _EVIDENCE_KERNEL is not None and len(self.members) <= 64:
            self._compiled = _EVIDENCE_KERNEL(self, _EDGE_PUNCT, _TOKEN.findall, _MEMO_MAX, _SUFFIX_MIN_STEM)

    def __getstate__(self) -> dict[str, Any]:
        # the compiled index does not pickle: its memo travels as the chunks it has seen
        state = self.__dict__.copy()
        compiled = state.pop("_compiled", None)
        state["_compiled_seen"] = compiled.seen_chunks() if compiled is not None else None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        seen = state.pop("_compiled_seen", None)
        self.__dict__.update(state)
        self._compiled = None
        self._compile()
        if seen is None:
            seen = list(self._seen)  # pickled without the kernel: the twin's memo
            if self._compiled is None:
                return
        if self._compiled is not None:
            for chunk in seen:
                self._compiled.count(chunk)  # learns the chunk, as when it was first seen
        elif seen:
            self._learn(set(seen))

    def _hits(self, tok: str) -> tuple[int, ...]:
        """Members whose entries match the word ``tok`` (each member at most once, ascending)."""
        ex = self.exact.get(tok)
        hits: list[int] = list(ex) if ex else []
        n = len(tok)
        if n >= self.min_prefix:
            for p, mi in self.prefix.get(tok[:3], ()):
                if mi not in hits and tok.startswith(p):
                    hits.append(mi)
        if n > _SUFFIX_MIN_STEM + 2:
            cands = self.suffix.get(tok[-3:], ())
            if self.short_suffix:
                cands = [*cands, *self.short_suffix]
            for sfx, mi in cands:
                if mi not in hits and n >= len(sfx) + _SUFFIX_MIN_STEM and tok.endswith(sfx):
                    excl = self.excluded.get(mi)
                    if excl is None or not tok.endswith(excl):
                        hits.append(mi)
        for p, mi in self.short_prefix:
            if mi not in hits and tok.startswith(p) and n > len(p):
                hits.append(mi)
        for inf, mi in self.infix:
            if mi not in hits and inf in tok:
                hits.append(mi)
        if len(hits) > 1:
            hits.sort()
        return tuple(hits)

    def _analyse(self, chunk: str) -> tuple[tuple[int, ...], str, str]:
        """A white-space-delimited chunk: the hits of its words, its first and last word (the
        hits of each word memoised too: a word recurs in chunks with other punctuation)."""
        core = chunk.strip(_EDGE_PUNCT)
        # a chunk that is one word once the punctuation around it is gone (most are): that word
        # is what _TOKEN finds in it (\w is str.isalnum() or "_"), without running the regex
        words = [core] if core.isalnum() else _TOKEN.findall(chunk)
        if not words:
            return (), "", ""
        hits: list[int] = []
        word_memo = self._word_memo
        for w in words:
            got = word_memo.get(w)
            if got is None:
                got = word_memo[w] = self._hits(w)
            if got:
                hits.extend(got)
        if len(words) > 1 and self.pairs_first:
            for a, b in itertools.pairwise(words):
                if a in self.pairs_first:
                    hits.extend(self.exact.get(a + " " + b, ()))
        return tuple(hits), words[0], words[-1]

    def _learn(self, chunks: set[str]) -> None:
        """Analyse chunks not seen before (the memo is cleared when it holds _MEMO_MAX chunks).
        A chunk that is one word with punctuation around it (most) takes the short way: the
        word's memoised hits, as :meth:`_analyse` would find them."""
        if len(self._seen) + len(chunks) > _MEMO_MAX:
            for memo in (self._seen, self._memo, self._hitful, self._ends, self._wordless, self._word_memo):
                memo.clear()
        self._seen.update(chunks)
        memo, hitful, ends, wordless = self._memo, self._hitful, self._ends, self._wordless
        word_memo, hits_of, analyse = self._word_memo, self._hits, self._analyse
        pairs_first, pairs_second = self.pairs_first, self.pairs_second
        for chunk in chunks:
            core = chunk.strip(_EDGE_PUNCT)
            if core.isalnum():
                got = word_memo.get(core)
                if got is None:
                    got = word_memo[core] = hits_of(core)
                if got:
                    memo[chunk] = got
                    hitful.add(chunk)
                if core in pairs_first or core in pairs_second:
                    ends[chunk] = (core, core)
                continue
            hits, first, last = analyse(chunk)
            if hits:
                memo[chunk] = hits
                hitful.add(chunk)
            if not first:
                wordless.add(chunk)
            elif last in pairs_first or first in pairs_second:
                ends[chunk] = (first, last)

    def count(self, lowered: str) -> dict[str, int]:
        """Hits per member in ``lowered`` (a lower-cased text: an upper-case letter of a
        ``chars`` list counts as its lower-case form).

        Each white-space-delimited chunk is analysed once per process and memoised (words
        repeat across documents, Zipf's law); a text then costs a few set operations in C (its
        chunks against the memo) and one step per chunk that has hits, not a Python step per
        word. Two-word entries that span two chunks need the order of the chunks: that walk is
        made only when the text has a chunk ending in a first word of such an entry.

        With the compiled kernel built, :class:`altedic.langid._fastlid.EvidenceIndex` runs these
        same rules (this method and :meth:`_learn`, :meth:`_analyse`, :meth:`_hits` are its
        readable twin: equal counts, memo clearing included, tests/unit/test_fastlid.py)."""
        if self._compiled is not None:
            compiled: dict[str, int] = self._compiled.count(lowered)
            return compiled
        counts = [0] * len(self.members)
        chunks = lowered.split()
        uniq = set(chunks)
        new = uniq.difference(self._seen)
        if new:
            self._learn(new)
        memo = self._memo
        for chunk in uniq.intersection(self._hitful):
            n = chunks.count(chunk)
            for mi in memo[chunk]:
                counts[mi] += n
        if self.pairs_first and not self._ends.keys().isdisjoint(uniq):
            ends, wordless, exact = self._ends, self._wordless, self.exact
            prev = ""  # last word of the previous chunk that has words, if it starts an entry
            for chunk in chunks:
                got = ends.get(chunk)
                if got is None:
                    if chunk not in wordless:
                        prev = ""
                    continue
                first, last = got
                if prev:
                    for mi in exact.get(prev + " " + first, ()):
                        counts[mi] += 1
                prev = last if last in self.pairs_first else ""
        for ch, mis in self.char_items:
            n = lowered.count(ch)
            if n:
                for mi in mis:
                    counts[mi] += n
        return dict(zip(self.members, counts, strict=True))


_EVIDENCE: dict[tuple[int, bool], Evidence] = {}


def _evidence_for(group: Group, topic: bool = False) -> Evidence:
    """One :class:`Evidence` (and so one memo) per group object and process: over its words,
    characters and outsiders, or (``topic``) over its ``topic`` entries as if they were its
    words."""
    got = _EVIDENCE.get((id(group), topic))
    if got is None:
        counted = (
            dataclasses.replace(group, words=group.topic, outsiders={}, chars={}, patterns=(), topic={})
            if topic
            else group
        )
        got = _EVIDENCE[(id(group), topic)] = Evidence(counted)
    return got


_TABLES: dict[int, tuple[tuple[str, Lexicon | WordFrequencies], ...]] = {}


def _word_tables(group: Group) -> tuple[tuple[str, Lexicon | WordFrequencies], ...]:
    """The group's word tables in the order they decide, each with the ``decided_by`` it gives:
    its :class:`Lexicon`, then its :class:`WordFrequencies` (those it has). Read once per group
    object and process, on first use (about 0.2 s and 20 MB for hbs), and shared by every
    resolver of the process."""
    got = _TABLES.get(id(group))
    if got is None:
        tables: list[tuple[str, Lexicon | WordFrequencies]] = []
        if group.lexicon is not None:
            tables.append(("lexicon", Lexicon(group.lexicon, group.members)))
        if group.frequencies is not None:
            tables.append(("frequencies", WordFrequencies(group.frequencies, group.members)))
        got = _TABLES[id(group)] = tuple(tables)
    return got


def _probability(value: Any, label: str, key: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"is {value!r}; allowed: a number 0..1 or null", file=label, key=key)
    return float(value)


def _read_yaml(path: str | Path | None, packaged: str, what: str) -> tuple[str, Any]:
    """(label for messages, parsed YAML) of ``path``, or of the packaged file ``packaged`` of
    altedic/langid/; ConfigError naming the file when it cannot be read or parsed."""
    label = str(path) if path else f"altedic/langid/{packaged}"
    try:
        text = (
            Path(path).read_text("utf-8")
            if path
            else resources.files("altedic.langid").joinpath(packaged).read_text("utf-8")
        )
        return label, yamlload.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {what}: {exc}", file=label) from exc


def _named_members(names: Any, members: tuple[str, ...], label: str, key: str) -> list[str]:
    """The members a key of ``words`` or ``patterns`` names (``"hr bs cnr"``), each once."""
    named = str(names).split()
    if not named or set(named) - set(members) or len(set(named)) != len(named):
        raise ConfigError(
            f"{names!r} must name members ({', '.join(members)}), once each, separated by spaces",
            file=label,
            key=key,
        )
    return named


def _member_words(
    words: Any, members: tuple[str, ...], label: str, key: str, name: str = "words"
) -> dict[str, tuple[str, ...]]:
    """Each member's entries from a group's ``words``: its own list, then every list whose key
    names it among several members (``"hr bs cnr"``: words those standards write alike).
    ``name``: the key being read (``words``, or ``outsiders`` with the outsiders as members)."""
    if not isinstance(words, dict):
        raise ConfigError(f"must map members ({', '.join(members)}) to entries", file=label, key=f"{key}.{name}")
    out: dict[str, list[str]] = {}
    for names, entries in words.items():
        named = _named_members(names, members, label, f"{key}.{name}")
        if not isinstance(entries, list):
            raise ConfigError("must be a list of words", file=label, key=f"{key}.{name}.{names}")
        for m in named:
            out.setdefault(m, []).extend(str(w) for w in entries)
    return {m: tuple(ws) for m, ws in out.items()}


def load_groups(path: str | Path | None = None) -> dict[str, Group]:
    """The confusable groups of ``groups.yaml`` (the packaged one by default); ConfigError with
    the file and key for anything malformed."""
    label, data = _read_yaml(path, "groups.yaml", "the confusable groups")
    if not isinstance(data, dict) or not isinstance(data.get("groups"), dict):
        raise ConfigError("must be a mapping with a 'groups' mapping", file=label)
    out: dict[str, Group] = {}
    for name, g in data["groups"].items():
        key = f"groups.{name}"
        if not isinstance(g, dict) or not isinstance(g.get("members"), list) or len(g["members"]) < 2:
            raise ConfigError("needs 'members': a list of at least two language codes", file=label, key=key)
        members = tuple(str(m) for m in g["members"])
        unknown = set(g) - {
            "members",
            "script",
            "label",
            "trust_second",
            "trust_model_above",
            "needs_evidence",
            "ties_by_count",
            "lexicon",
            "frequencies",
            "outsiders",
            "source",
            "words",
            "topic",
            "chars",
            "patterns",
            "unopposed",
            "word_files",
        }
        if unknown:
            raise ConfigError(f"unknown key(s) {sorted(unknown)}", file=label, key=key)
        words = g.get("words") or {}
        chars = g.get("chars") or {}
        if not isinstance(chars, dict) or set(chars) - set(members):
            raise ConfigError(f"must map members ({', '.join(members)}) to characters", file=label, key=f"{key}.chars")
        outsiders = g.get("outsiders") or {}
        if not isinstance(outsiders, dict) or set(map(str, outsiders)) & set(members):
            raise ConfigError(
                f"must map languages that are not members ({', '.join(members)}) to entries",
                file=label,
                key=f"{key}.outsiders",
            )
        by_count = tuple(str(m) for m in g.get("ties_by_count") or ())
        if set(by_count) - set(members):
            raise ConfigError(f"must list members ({', '.join(members)})", file=label, key=f"{key}.ties_by_count")
        out[str(name)] = Group(
            name=str(name),
            members=members,
            words=_with_word_files(
                _member_words(words, members, label, key),
                g.get("word_files"),
                path,
                members,
                label,
                f"{key}.word_files",
            ),
            needs_evidence=frozenset(str(m) for m in g.get("needs_evidence") or ()),
            chars={m: str(c) for m, c in chars.items()},
            script=g.get("script"),
            label=g.get("label"),
            source=str(g.get("source", "")),
            trust_second=bool(g.get("trust_second", True)),
            trust_model_above=_probability(g.get("trust_model_above"), label, f"{key}.trust_model_above"),
            ties_by_count=by_count,
            outsiders=_member_words(outsiders, tuple(map(str, outsiders)), label, key, "outsiders"),
            lexicon=_lexicon_spec(g.get("lexicon"), path, members, label, f"{key}.lexicon"),
            frequencies=_lexicon_spec(g.get("frequencies"), path, members, label, f"{key}.frequencies"),
            patterns=_member_patterns(g.get("patterns") or {}, members, label, f"{key}.patterns"),
            topic=_member_words(g.get("topic") or {}, members, label, key, "topic"),
            unopposed=_unopposed(g.get("unopposed"), members, label, f"{key}.unopposed"),
        )
    return out


def _with_word_files(
    words: dict[str, tuple[str, ...]],
    value: Any,
    path: str | Path | None,
    members: tuple[str, ...],
    label: str,
    key: str,
) -> dict[str, tuple[str, ...]]:
    """``words`` with the words of a group's ``word_files`` added: member (or several, separated
    by spaces) -> a file relative to the groups file (the packaged one: altedic/langid/), gzip or
    plain text, one word per line in its first tab-separated column (the rest says why it is
    there), ``#`` lines are comments. Exact words only (lower case letters): derived lists too long
    to write into groups.yaml by hand (benchmarks/derive_ekavian.py)."""
    if value is None:
        return words
    if not isinstance(value, dict):
        raise ConfigError(f"must map members ({', '.join(members)}) to a file", file=label, key=key)
    out = {m: list(ws) for m, ws in words.items()}
    for names, name in value.items():
        named = _named_members(names, members, label, key)
        k = f"{key}.{names}"
        if not isinstance(name, str):
            raise ConfigError("must be a file name", file=label, key=k)
        location, shown = _data_file(name, path)
        text = _read_list(location, repr(name), label, k)
        listed: list[str] = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            word = line.split("\t", 1)[0].strip()
            if not Lexicon.WORD.fullmatch(word) or word != word.lower():
                raise ConfigError(f"line {n}: {word!r} is not a lower-case word", file=shown)
            listed.append(word)
        for m in named:
            out.setdefault(m, []).extend(listed)
    return {m: tuple(ws) for m, ws in out.items()}


def _unopposed(value: Any, members: tuple[str, ...], label: str, key: str) -> dict[str, tuple[int, tuple[str, ...]]]:
    """groups.yaml ``unopposed``: {member: {min_chars: N, opposed_by: [members]}}."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError("must map members to {min_chars, opposed_by}", file=label, key=key)
    out: dict[str, tuple[int, tuple[str, ...]]] = {}
    for member, spec in value.items():
        k = f"{key}.{member}"
        if str(member) not in members:
            raise ConfigError(f"must name members ({', '.join(members)})", file=label, key=k)
        if not isinstance(spec, dict) or set(spec) != {"min_chars", "opposed_by"}:
            raise ConfigError("must be {min_chars: N, opposed_by: [members]}", file=label, key=k)
        n, against = spec["min_chars"], spec["opposed_by"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ConfigError(f"min_chars is {n!r}; allowed: an integer >= 0", file=label, key=k)
        if not isinstance(against, list) or not against or set(map(str, against)) - set(members):
            raise ConfigError(f"opposed_by must list members ({', '.join(members)})", file=label, key=k)
        out[str(member)] = (n, tuple(map(str, against)))
    return out


def _member_patterns(
    value: Any, members: tuple[str, ...], label: str, key: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A group's ``patterns``: member (or several, separated by spaces) -> regular expressions,
    each checked here so that a bad one is a ConfigError naming its key, not a failure in a run."""
    if not isinstance(value, dict):
        raise ConfigError(f"must map members ({', '.join(members)}) to regular expressions", file=label, key=key)
    out: list[tuple[str, tuple[str, ...]]] = []
    for names, entries in value.items():
        named = _named_members(names, members, label, key)
        if not isinstance(entries, list):
            raise ConfigError("must be a list of regular expressions", file=label, key=f"{key}.{names}")
        for e in entries:
            try:
                re.compile(str(e))
            except re.error as exc:
                raise ConfigError(
                    f"{e!r} is not a regular expression: {exc}", file=label, key=f"{key}.{names}"
                ) from exc
            out.append((str(e), tuple(named)))
    return tuple(out)


def _data_file(name: str, path: str | Path | None) -> tuple[Any, str]:
    """(location, name for messages) of a data file named in a groups file: relative to that
    file, or, for the packaged groups.yaml, the packaged file under altedic/langid/."""
    if path:
        location = Path(path).parent / name
        return location, str(location)
    return resources.files("altedic.langid").joinpath(*name.split("/")), f"altedic/langid/{name}"


def _lexicon_spec(
    value: Any, path: str | Path | None, members: tuple[str, ...], label: str, key: str
) -> LexiconSpec | None:
    """A group's ``lexicon: {file, margin}`` or ``frequencies: {file, margin}``: ``file`` relative
    to the groups file (the packaged one: altedic/langid/); the file itself is read on first use
    (:class:`Lexicon`, :class:`WordFrequencies`)."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"file", "margin"} or not isinstance(value.get("file"), str):
        raise ConfigError("must be a mapping with 'file' (and 'margin')", file=label, key=key)
    margin = value.get("margin", 1)
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or margin <= 0:
        raise ConfigError(f"margin is {margin!r}; allowed: a number above 0", file=label, key=f"{key}.margin")
    name = value["file"]
    location, shown = _data_file(name, path)
    if not location.is_file():
        raise ConfigError(f"file {name!r} not found", file=label, key=f"{key}.file")
    return LexiconSpec(location=location, margin=float(margin), label=shown)


#: The confusable groups of issue 5 (from groups.yaml).
GROUPS: dict[str, Group] = load_groups()

#: Member -> the groups it belongs to (a language may be in more than one group: sr).
GROUP_OF: dict[str, tuple[str, ...]] = {}
for _g in GROUPS.values():
    for _m in _g.members:
        GROUP_OF[_m] = (*GROUP_OF.get(_m, ()), _g.name)


def group_for(lang: str, script: str | None) -> str | None:
    """The confusable group that decides for a text labelled ``lang`` written in ``script``
    (a group label such as ``hbs`` is resolved in its own group)."""
    base = base_lang(lang)
    if base in GROUPS and GROUPS[base].label == base:
        return base if GROUPS[base].script in (None, script) else None
    for name in GROUP_OF.get(base, ()):
        g = GROUPS[name]
        if g.script is None or g.script == script:
            return name
    return None


# a word (a run of letters) with ć or đ. The look-behind lets a match start only where a run
# starts: without it the engine tried every letter of a run as a start, each time to the run's
# end, and a long run without ć or đ (a DNA sequence, "hahaha...") took quadratic time (16,000
# letters: 3.9 s; twenty-fifth session). The same matches, in linear time.
_CD_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]*[ćđĆĐ][^\W\d_]*")
_SURNAME = re.compile(r"[A-ZČŠŽĆĐ][^\W\d_]*i[ćĆ](?:a|u|em|om|i|ima|eva|ev|evo|evi|evu|evom|eve)?")


def _cd_word(text: str) -> bool:
    """Whether ``text`` writes ć or đ in a word that is not a surname (a capitalised word in
    -ić: Mirović, Đorđevića): Slovenian has neither letter, but Slovenian text names people from
    its neighbours, and one surname must not rule Slovenian out."""
    return any(_SURNAME.fullmatch(m.group()) is None for m in _CD_WORD.finditer(text))


def _minus_count(kv: tuple[str, int]) -> int:
    return -kv[1]


@dataclass
class Resolution:
    """Outcome of resolving a confusable group for one text."""

    lang: str
    flags: list[str]
    evidence: dict[str, int]
    decided_by: str
    """``script``, ``evidence``, ``declared``, ``topic``, ``lexicon``, ``frequencies``, ``second_opinion``,
    ``model`` (undecided: flagged;
    where the evidence narrowed the choice to a few members, the model's best-ranked of them)."""


class GroupResolver:
    """Decides between the members of a confusable group (see the module docstring).

    ``margin``: minimum lead (in evidence hits) of the best member over the runner-up for the
    evidence to decide; ``on_undecided``: ``keep`` (top label + ``confusable:<group>`` flag) or
    ``group`` (the group's label where it has one, e.g. ``hbs``).
    """

    def __init__(self, margin: int = 1, on_undecided: str = "keep", sample_chars: int = 2000) -> None:
        if on_undecided not in ("keep", "group"):
            raise ConfigError(f"on_undecided is {on_undecided!r}; allowed: keep, group", key="stages.langid.groups")
        self.margin = margin
        self.on_undecided = on_undecided
        self.sample_chars = sample_chars
        self._evidence = {name: _evidence_for(g) for name, g in GROUPS.items()}
        self._members = {name: frozenset(g.members) for name, g in GROUPS.items()}
        self._patterns = {name: [(re.compile(rx), ms) for rx, ms in g.patterns] for name, g in GROUPS.items()}
        self._topic = {name: _evidence_for(g, topic=True) for name, g in GROUPS.items() if g.topic}

    def load_lexicons(self) -> None:
        """Read every group's lexicon and word frequencies now (LanguageStage.setup: once per
        worker)."""
        for g in GROUPS.values():
            _word_tables(g)

    def evidence(self, group: str, text: str) -> dict[str, int]:
        """Number of distinctive words, characters and pattern matches of each member (then of
        each outsider) found in ``text`` (its first ``sample_chars`` characters)."""
        return self._counts(group, text[: self.sample_chars].lower())

    def _counts(self, group: str, lowered: str) -> dict[str, int]:
        """:meth:`evidence` of the lower-cased sample ``lowered``."""
        counts = self._evidence[group].count(lowered)
        for rx, named in self._patterns[group]:
            n = len(rx.findall(lowered))
            if n:
                for m in named:
                    counts[m] += n
        return counts

    def _needed(self, best: str, top: str, top_p: float) -> int:
        """The lead (in hits) ``best`` needs to decide: the margin, and one more where it would
        override a model that is sure (0.7 or more) of its member ``top``."""
        return self.margin + (1 if top_p >= 0.7 and best != base_lang(top) else 0)

    def resolve(
        self,
        group: str,
        text: str,
        ranked: Sequence[tuple[str, float]],
        declared: str | None = None,
        second: str | None = None,
    ) -> Resolution:
        """Pick a member of ``group`` for ``text``.

        ``ranked``: combined (model + second opinion) scores, best first; ``declared``: the
        source's declared language; ``second``: the second opinion's top label.
        """
        g = GROUPS[group]
        members = self._members[group]
        top = next((lang for lang, _ in ranked if base_lang(lang) in members), ranked[0][0])
        lowered = text[: self.sample_chars].lower()
        ev = self._counts(group, lowered)
        if g.outsiders:
            # a language outside the group whose words (none of which a member writes) lead
            # every member's by more than the margin: the text is not the group's (Group.outsiders)
            outside = {o: ev.pop(o) for o in g.outsiders}
            o_best, n_out = min(outside.items(), key=_minus_count)  # the first with the most words
            if n_out - max(ev.values(), default=0) > self.margin and any(
                base_lang(lang) == o_best for lang, _ in ranked
            ):
                return Resolution(o_best, [], {**ev, **outside}, "evidence")
        if g.name == "hbs" and ("ć" in text or "đ" in text or "Ć" in text or "Đ" in text) and _cd_word(text):
            ev["sl"] = 0  # Slovenian has no ć/đ
        tied: set[str] = set()
        top_p = next((p for lang, p in ranked if lang == top), 0.0)
        if ev:
            order = sorted(ev.items(), key=_minus_count)
            best, n_best = order[0]
            n_second = order[1][1] if len(order) > 1 else 0
            needed = self._needed(best, top, top_p)
            if n_best > 0 and n_best - n_second >= needed:
                return Resolution(best, [], ev, "evidence")
            if n_best > 0:
                # the members within the margin of the best: the evidence has narrowed the
                # choice to them, the declaration or the model's ranking picks among them
                tied = {m for m, n in ev.items() if n_best - n < needed}
        if declared and base_lang(declared) in members and (not tied or base_lang(declared) in tied):
            return Resolution(base_lang(declared), [], ev, "declared")
        top_base = base_lang(top)
        if top_base in g.unopposed and (not tied or top_base in tied) and ev.get(top_base):
            # the model's pick of a member that needs evidence, in a long text with words it
            # shares and none of the members that would contradict it (Group.unopposed)
            min_chars, opposed_by = g.unopposed[top_base]
            if len(text) >= min_chars and not any(ev.get(m) for m in opposed_by):
                return Resolution(top_base, [], ev, "model")
        # a member that needs evidence of its own loses a tie to one that does not: the tie
        # means its hits are words the other shares (Serbian Latin is ekavian, a word Bosnian
        # and Serbian share is no evidence of ekavian text)
        plain = {m for m in tied if m not in g.needs_evidence}
        if plain:
            tied = plain
        counted = [m for m in g.ties_by_count if m in tied]
        if len(counted) > 1:
            # among these members the count decides what the margin left open (groups.yaml)
            most = max(ev.get(m, 0) for m in counted)
            tied = {m for m in tied if m not in counted or ev.get(m, 0) == most}
        topic = self._topic.get(group)
        if topic is not None and len(tied) != 1:
            # names of a member's country decide only among the members the evidence left open
            # (Group.topic): a Croatian text about Sarajevo is Croatian by its words. Overriding a
            # model that is sure of its member takes one more name, as with the words.
            got = topic.count(lowered)
            open_ = [m for m in g.members if (m in tied if tied else m not in g.needs_evidence)]
            order = sorted(((m, got.get(m, 0)) for m in open_), key=_minus_count)
            if order and order[0][1] > 0:
                lead = order[0][1] - (order[1][1] if len(order) > 1 else 0)
                if lead >= self._needed(order[0][0], top, top_p):
                    return Resolution(order[0][0], [], ev, "topic")
        if tied and len(tied) < len(members):
            # undecided between the tied members only: the model's best-ranked one of them, or
            # (none of them ranked) the first of them in the group's order
            pick = [b for b in (base_lang(lang) for lang, _ in ranked) if b in tied and (b in plain or ev.get(b))]
            top = pick[0] if pick else next(m for m in g.members if m in tied)
        if base_lang(top) in g.needs_evidence and not ev.get(base_lang(top)):
            # the model's pick has no evidence of its own: take the best-ranked member that
            # needs none (hr for hbs), as the module docstring explains
            for lang, _ in ranked:
                if base_lang(lang) in members and base_lang(lang) not in g.needs_evidence:
                    top = lang
                    break
        by_second = bool(
            g.trust_second
            and second
            and second in members
            and (not tied or second in tied)
            and (second not in g.needs_evidence or ev.get(second))
        )
        # between the members of the group's word tables, a clear lead decides before the second
        # opinion and the model: first the lexicon's words (in one member's reference list and
        # not the other's), then the members' word frequencies (groups.yaml lexicon,
        # frequencies; docs/langid.md, thirteenth and twenty-first sessions)
        picked = base_lang(second if by_second and second else top)
        for method, table in _word_tables(g):
            if picked in table.members:
                allowed = {m for m in (tied or table.members) if m not in g.needs_evidence or ev.get(m)}
                by_table = table.decide(text[: self.sample_chars], allowed)
                if by_table is not None:
                    return Resolution(by_table, [], ev, method)
        if by_second and second:
            return Resolution(second, [], ev, "second_opinion")
        flag = f"confusable:{g.name}"
        if self.on_undecided == "group" and g.label:
            return Resolution(g.label, [flag], ev, "model")
        return Resolution(top, [flag], ev, "model")


# ---------------------------------------------------------------------------------------------
# Second opinion: CLD2
# ---------------------------------------------------------------------------------------------

# (CLD2's "no" is Bokmål, as lid.176's: a model's label, not a declaration of the macrolanguage)
_CLD2_FIXES = {"sr-ME": "cnr", "no": "nb", "un": None, "xxx": None}


class Cld2Opinion:
    """CLD2 (``pycld2``) as a second opinion: ``opinion(text) -> [(code, share 0..1), ...]``.

    CLD2 reports up to three languages with the percentage of the text's bytes in each; we
    return them as shares. Unknown/unreliable parts (``un``) are dropped; a lone surrogate
    (which has no UTF-8 form) is read as U+FFFD.

    ``fallback``: with ``bestEffort`` (needed for an opinion on short text), CLD2 gives every
    chunk a small score for the *default language of its script* (``DefaultLangProb`` in
    cld2/internal/scoreonescriptspan.cc; ``DefaultLanguage(ULScript)``, "most common language in
    each script", is English for Latin), so Latin-script text it has little evidence about comes
    back as English, often "reliable" at 95-99 %. Measured on the even lines of
    ../shared/data/lid where fastText (top probability < 0.9) and CLD2 disagree: CLD2's English
    was right 3 times in 276, fastText 154 times. The stage therefore counts CLD2's share of
    ``fallback`` only where fastText's top label is that language too.
    """

    fallback = "en"

    def __init__(self) -> None:
        try:
            import pycld2
        except ImportError as exc:
            raise ConfigError(
                "the second opinion 'cld2' needs pycld2: pip install pycld2", key="stages.langid.second_opinion"
            ) from exc
        self._cld2 = pycld2
        self._codes: dict[str, str | None] = {}
        #: the languages CLD2 can name (altedic codes, no script)
        self.languages: frozenset[str] = frozenset(
            base_lang(c) for c in (self._code(raw) for _name, raw in pycld2.LANGUAGES) if c is not None
        )

    def _code(self, raw: str) -> str | None:
        if raw not in self._codes:
            self._codes[raw] = _CLD2_FIXES[raw] if raw in _CLD2_FIXES else normalise_lang(raw)
        return self._codes[raw]

    def opinion(self, text: str) -> list[tuple[str, float]]:
        try:
            try:
                _reliable, _nbytes, details = self._cld2.detect(text, isPlainText=True, bestEffort=True)
            except UnicodeEncodeError:
                # a lone surrogate has no UTF-8 form: read as U+FFFD, as the model reads it
                _reliable, _nbytes, details = self._cld2.detect(utf8_safe(text), isPlainText=True, bestEffort=True)
        except self._cld2.error:
            return []
        out: list[tuple[str, float]] = []
        for _name, raw, percent, _score in details:
            code = self._code(raw)
            if code and percent > 0:
                out.append((code, percent / 100.0))
        return out


class LangdetectOpinion:
    """langdetect (the project card's detector: Shuyo's language-detection, 55 language profiles)
    as a second opinion: its probabilities as shares. Deterministic: each text gets a detector
    seeded alike (langdetect samples n-grams at random). Measured against CLD2 in
    docs/langid.md ("What each part contributes"): not the default."""

    fallback = None

    def __init__(self) -> None:
        try:
            from langdetect import detector_factory
            from langdetect.lang_detect_exception import LangDetectException
        except ImportError as exc:
            raise ConfigError(
                "the second opinion 'langdetect' needs langdetect: pip install langdetect",
                key="stages.langid.second_opinion",
            ) from exc
        factory = detector_factory.DetectorFactory()
        factory.load_profile(detector_factory.PROFILES_DIRECTORY)
        factory.seed = 0
        self._factory = factory
        self._error = LangDetectException
        # (langdetect's "no" is Bokmål: a model's label, not the macrolanguage a source declares)
        self._codes = {raw: "nb" if raw == "no" else normalise_lang(raw) for raw in factory.get_lang_list()}
        #: the languages langdetect can name (altedic codes, no script)
        self.languages: frozenset[str] = frozenset(base_lang(c) for c in self._codes.values() if c is not None)

    def opinion(self, text: str) -> list[tuple[str, float]]:
        detector = self._factory.create()
        detector.append(text)
        try:
            found = detector.get_probabilities()
        except self._error:
            return []  # no letters it knows
        out: list[tuple[str, float]] = []
        for lang in found:
            code = self._codes.get(lang.lang)
            if code and lang.prob > 0:
                out.append((code, float(lang.prob)))
        return out


def make_second_opinion(name: str | None) -> Any:
    """Build the configured second opinion (``cld2``, ``langdetect`` or None)."""
    if name in (None, "none"):
        return None
    if name == "cld2":
        return Cld2Opinion()
    if name == "langdetect":
        return LangdetectOpinion()
    raise ConfigError(
        f"second_opinion is {name!r}; allowed: cld2, langdetect, none", key="stages.langid.second_opinion"
    )


# ---------------------------------------------------------------------------------------------
# Regional orthography (data: altedic/langid/regional.yaml)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variety:
    """A regional language next to one or more big ones (entry syntax: top of regional.yaml)."""

    code: str
    name: str
    neighbours: tuple[str, ...]
    words: tuple[str, ...] = ()
    words_against: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    chars: str = ""
    source: str = ""


@dataclass(frozen=True)
class RegionalSettings:
    """How strong the evidence must be: ``min_hits`` at least, and ``min_share`` hits per word;
    ``margin``: the lead over the next variety needed to name one."""

    min_hits: int = 3
    min_share: float = 0.08
    margin: int = 2


def load_regional(
    path: str | Path | None = None,
) -> tuple[RegionalSettings, dict[str, str], dict[str, Variety]]:
    """Settings, neighbour alphabets and varieties of ``regional.yaml`` (the packaged one by
    default); ConfigError with the file and key for anything malformed."""
    label, data = _read_yaml(path, "regional.yaml", "the regional varieties")
    if not isinstance(data, dict) or not isinstance(data.get("varieties"), dict):
        raise ConfigError("must be a mapping with a 'varieties' mapping", file=label)
    raw_settings = data.get("settings") or {}
    if not isinstance(raw_settings, dict) or set(raw_settings) - {"min_hits", "min_share", "margin"}:
        raise ConfigError("allowed keys: min_hits, min_share, margin", file=label, key="settings")
    settings = RegionalSettings(**raw_settings)
    if (
        not isinstance(settings.min_hits, int)
        or settings.min_hits < 1
        or not isinstance(settings.margin, int)
        or settings.margin < 1
        or isinstance(settings.min_share, bool)
        or not isinstance(settings.min_share, (int, float))
        or not 0 <= settings.min_share <= 1
    ):
        raise ConfigError("min_hits and margin: integers >= 1; min_share: a number 0..1", file=label, key="settings")
    alphabets = data.get("alphabets") or {}
    if not isinstance(alphabets, dict):
        raise ConfigError("must map a language to the letters its standard writes", file=label, key="alphabets")
    out: dict[str, Variety] = {}
    for code, v in data["varieties"].items():
        key = f"varieties.{code}"
        if not isinstance(v, dict) or not isinstance(v.get("neighbours"), list) or not v["neighbours"]:
            raise ConfigError("needs 'neighbours': a list of language codes", file=label, key=key)
        unknown = set(v) - {"name", "neighbours", "source", "words", "words_against", "chars"}
        if unknown:
            raise ConfigError(f"unknown key(s) {sorted(unknown)}", file=label, key=key)
        neighbours = tuple(str(n) for n in v["neighbours"])
        words = v.get("words") or []
        against = v.get("words_against") or {}
        if not isinstance(words, list):
            raise ConfigError("must be a list of entries", file=label, key=f"{key}.words")
        if not isinstance(against, dict) or set(against) - set(neighbours):
            raise ConfigError(
                f"must map neighbours ({', '.join(neighbours)}) to entries", file=label, key=f"{key}.words_against"
            )
        for n, entries in against.items():
            if not isinstance(entries, list):
                raise ConfigError("must be a list of entries", file=label, key=f"{key}.words_against.{n}")
        out[str(code)] = Variety(
            code=str(code),
            name=str(v.get("name", code)),
            neighbours=neighbours,
            words=tuple(str(w) for w in words),
            words_against={str(n): tuple(str(w) for w in ws) for n, ws in against.items()},
            chars=str(v.get("chars") or ""),
            source=str(v.get("source", "")),
        )
    return settings, {str(k): str(a) for k, a in alphabets.items()}, out


@dataclass
class RegionalCall:
    """The regional evidence for one text: the variety it names (None: none strong enough),
    whether the evidence is tied between varieties (then ``tied`` lists them), and the hits
    (read-only: the call without any evidence is one object per neighbour)."""

    variety: str | None
    tied: tuple[str, ...]
    hits: dict[str, int]
    needed: int

    @property
    def names(self) -> bool:
        """True when the evidence names a variety, or ties between several."""
        return self.variety is not None or bool(self.tied)


def as_model_reads(text: str) -> str:
    """``text`` as the language stage gives it to fastText: a text without lower-case letters
    (a heading or enacting formula in capitals) in lower case, any other text as it is. lid.176
    learnt from text in ordinary case and is lost on capitals (docs/langid.md, fifteenth session)."""
    return text.lower() if text.isupper() else text


def _capital(w: str) -> str:
    """``w`` with its first letter upper case (the rest as written)."""
    return w[:1].upper() + w[1:]


class RegionalResolver:
    """Counts, in a text labelled with a big language, the evidence of the regional varieties
    next to it (regional.yaml) and names the variety when its evidence is strong enough: at
    least ``min_hits`` hits and ``min_share`` hits per word, ``margin`` more than any other."""

    def __init__(self, path: str | Path | None = None, sample_chars: int = 2000) -> None:
        self.settings, self.alphabets, self.varieties = load_regional(path)
        self.sample_chars = sample_chars
        by_neighbour: dict[str, list[Variety]] = {}
        for v in self.varieties.values():
            for n in v.neighbours:
                by_neighbour.setdefault(n, []).append(v)
        self._evidence: dict[str, Evidence] = {}
        self._groups: dict[str, Group] = {}  # per neighbour, its varieties' entries as a group
        # per neighbour, a cheap first look (C-level set and substring tests): the one-word entries
        # of the varieties, their two-word entries (as substrings) and their characters; a text
        # with none of them is not counted word by word (measured: docs/langid.md)
        self._first_look: dict[
            str, tuple[frozenset[str], frozenset[str], dict[str, tuple[str, ...]], str, tuple[str, ...]]
        ] = {}
        self._nothing: dict[str, RegionalCall] = {}  # per neighbour, the call without evidence (shared)
        self._look: dict[str, Any] = {}  # per neighbour, the compiled first look (when built)
        self._neighbours = frozenset(by_neighbour)
        for n, vs in by_neighbour.items():
            alphabet = set(self.alphabets.get(n, ""))
            group = Group(
                name=f"regional:{n}",
                members=(n, *(v.code for v in vs)),  # the neighbour itself: a member without entries
                words={v.code: (*v.words, *v.words_against.get(n, ())) for v in vs},
                chars={v.code: "".join(c for c in v.chars.lower() if c not in alphabet) for v in vs},
            )
            self._groups[n] = group
            self._evidence[n] = Evidence(group)
            entries = {w for e in group.words.values() for w in (x.lower() for x in e)}
            plain = {w for w in entries if not w.startswith(("*", "!"))}
            pairs = sorted(w for w in plain if " " in w)
            chars = "".join(sorted(set("".join(group.chars.values()))))
            infixes = sorted({w[1:-1] for w in entries if len(w) > 2 and w[0] == w[-1] == "*"})
            # a word is also found capitalised (the first word of a sentence: Ladino "Kada persona")
            lower = {w for w in plain if " " not in w and not w.endswith("*")}
            single = frozenset(lower | {_capital(w) for w in lower})
            by_second: dict[str, tuple[str, ...]] = {}  # a pair needs its second word
            for p in pairs:
                second = p.split(" ", 1)[1]
                # between spaces: whole words; the first word also capitalised
                found = sorted({f" {p} ", f" {_capital(p)} "})
                by_second[second] = (*by_second.get(second, ()), *found)
            self._first_look[n] = (single | frozenset(by_second), single, by_second, chars, tuple(infixes))
            if _KERNEL is not None:
                # the same first look in one pass over the text, without its chunks (_fastlid)
                self._look[n] = _KERNEL.FirstLook(single, by_second, chars, infixes, _EDGE_PUNCT)
            self._nothing[n] = RegionalCall(None, (), dict.fromkeys(group.members[1:], 0), self.settings.min_hits)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_look"] = {}  # compiled (does not pickle): made again from _first_look
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if _KERNEL is not None:
            self._look = {
                n: _KERNEL.FirstLook(w, b, c, i, _EDGE_PUNCT) for n, (_, w, b, c, i) in self._first_look.items()
            }

    @property
    def neighbours(self) -> frozenset[str]:
        """The languages whose texts are checked."""
        return self._neighbours

    def family(self, label: str, score: float, alternatives: Sequence[str], unsure_below: float) -> str | None:
        """The neighbour whose varieties are looked for in a text labelled ``label``.

        * A neighbour: the label itself.
        * A variety: its first neighbour where the model's top alternative is the variety itself;
          else the first of its neighbours among the ``alternatives``, the neighbour the model
          saw (a text fastText called es, or ca with it next, that a confusable group relabelled
          oc is checked for the varieties of Spanish, Ladino among them, or of Italian); else its
          first neighbour, except for an unsure label (below ``unsure_below``) of a variety whose
          neighbours are no official languages and none of them among the alternatives: then the
          family of the alternatives, as below (CLD2 calls Skolt Sami Manx, whose neighbour is
          Cornish).
        * Any other label with a ``score`` below ``unsure_below``: the first neighbour (or
          variety's neighbour) among the model's ``alternatives`` (best first), unless the label
          is an official EU language (measured: Irish and Slovenian sentences with Spanish or
          Polish alternatives were called regional).

        None: not checked."""
        if label in self._evidence:
            return label
        v = self.varieties.get(label)
        if v is not None:
            if alternatives and alternatives[0] != label:
                return next((c for c in alternatives if c in v.neighbours), v.neighbours[0])
            if (
                score < unsure_below
                and alternatives
                and not any(c in v.neighbours for c in alternatives)
                and not any(n in EU_OFFICIAL for n in v.neighbours)
            ):
                # an unsure label of a variety whose neighbours are themselves small languages
                # that the model did not rank (CLD2's Manx for Skolt Sami; Manx's neighbour is
                # Cornish): looked at in the family of the alternatives, as any unsure label
                return next((n for n in map(self.neighbour_of, alternatives[1:]) if n is not None), v.neighbours[0])
            return v.neighbours[0]
        if score >= unsure_below or label in EU_OFFICIAL:
            return None
        return next((n for n in map(self.neighbour_of, alternatives) if n is not None), None)

    def neighbour_of(self, code: str) -> str | None:
        """The neighbour whose varieties a text labelled ``code`` may be: ``code`` itself where
        it is a neighbour, its first neighbour where it is a variety, else None."""
        if code in self._evidence:
            return code
        v = self.varieties.get(code)
        return v.neighbours[0] if v is not None else None

    def first_look_empty(self, lang: str, s: str) -> bool:
        """The first look, in Python (the compiled one must equal it): True where ``s`` holds
        nothing of the varieties next to ``lang`` that could open the count: no white-space
        chunk, stripped of the punctuation around it, that is a one-word entry (lower case or
        capitalised) or the second word of a two-word entry found between spaces, no character
        of a variety (unless ``s`` is ASCII), no infix."""
        any_word, words, by_second, chars, infixes = self._first_look[lang]
        # the evidence matcher's punctuation ("Kada," "(ùn" "dinguno."), not the apostrophe (d'o)
        chunks = [c.strip(_EDGE_PUNCT) for c in s.split()]
        return (
            (any_word.isdisjoint(chunks) or (words.isdisjoint(chunks) and not self._pair_in(s, chunks, by_second)))
            and (s.isascii() or not any(c in s for c in chars))
            and not any(i in s for i in infixes)
        )

    @staticmethod
    def _pair_in(s: str, chunks: list[str], by_second: dict[str, tuple[str, ...]]) -> bool:
        """Whether a two-word entry whose second word is among ``chunks`` occurs in ``s``."""
        padded = f" {s} "
        return any(p in padded for w in by_second.keys() & set(chunks) for p in by_second[w])

    def check(self, lang: str, text: str) -> RegionalCall | None:
        """The regional call for ``text`` labelled ``lang`` (None: ``lang`` has no varieties)."""
        ev = self._evidence.get(lang)
        if ev is None:
            return None
        s = text[: self.sample_chars]
        if "’" in s:
            s = s.replace("’", "'")
        s = as_model_reads(s)  # a text in capitals (a heading) is looked at as the model reads it
        # the first look runs on the text as written (entries lower case or capitalised; a
        # variety's words are rarely all capitals), the count on the lower-cased text
        look = self._look.get(lang)
        if look is not None:
            # compiled: first_look_empty in one pass (altedic.langid._fastlid.FirstLook)
            if look.look(s):
                return self._nothing[lang]
        elif self.first_look_empty(lang, s):
            return self._nothing[lang]
        s = s.lower()
        counts = ev.count(s)
        counts.pop(lang, None)
        st = self.settings
        n_words = len(s.split())
        needed = max(st.min_hits, int(st.min_share * n_words + 0.999))
        order = sorted(counts.items(), key=lambda kv: -kv[1])
        best, n_best = order[0]
        if n_best < needed:
            return RegionalCall(None, (), counts, needed)
        tied = tuple(sorted(c for c, n in counts.items() if n_best - n < st.margin))
        if len(tied) > 1:
            return RegionalCall(None, tied, counts, needed)
        return RegionalCall(best, (), counts, needed)
