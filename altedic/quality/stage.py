"""The quality stage: annotate every document with signals, then decide with per-language thresholds.

Plain Python, no Beam (the Beam skin calls :meth:`QualityStage.setup` once per worker, then
:meth:`~QualityStage.annotate` and :meth:`~QualityStage.decide` per document).

Settings come from the ``quality:`` block of ``filters/<lang>.yaml`` deep-merged over
``filters/default.yaml`` (:func:`altedic.filters.load_filters`); every key is documented in
``filters/default.yaml``. Thresholds for a document are, lowest priority first:
``quality.thresholds`` of the merged file, then ``quality.profiles.<doc.profile>`` of the merged
file, then the recipe's ``stages.quality.overrides``.

Recipe section ``stages.quality`` (all optional):

``enabled`` (bool, default true)
    false: neither annotate nor decide.
``annotate_only`` (bool, default false)
    compute and store the signals, reject nothing.
``disable`` (list of rule names, e.g. ``[few_sentences, line_punct]``)
    rules never applied (see :data:`altedic.quality.rules.RULES`).
``overrides`` (mapping threshold key -> number or null)
    applied over every language and profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from altedic.errors import ConfigError
from altedic.filters import FiltersSource, load_filters
from altedic.quality.rules import RULES, RULES_BY_NAME, Rule, check_thresholds, first_failure
from altedic.quality.signals import DEFAULT_LINE_END_CHARS, SignalConfig, compute_signals
from altedic.records import Document

_STAGE_KEYS = frozenset({"enabled", "annotate_only", "disable", "overrides"})
SECTION_KEYS: frozenset[str] = frozenset(
    {
        "stop_words",
        "stop_words_case_sensitive",
        "tokenizer",
        "line_end_chars",
        "short_line_length",
        "thresholds",
        "profiles",
    }
)
_TOKENIZER_KEYS = frozenset({"elisions", "hyphen_clitics", "split_hyphens", "abbreviation_periods", "apostrophes"})
DEFAULT_PROFILE = "default"


@dataclass(frozen=True, slots=True)
class LanguageSettings:
    """The parsed ``quality:`` block of one language (merged over the default)."""

    signal_config: SignalConfig
    thresholds: dict[str, Any]
    profiles: dict[str, dict[str, Any]]
    files: tuple[str, ...]


def parse_section(
    section: dict[str, Any], where: str
) -> tuple[SignalConfig, dict[str, Any], dict[str, dict[str, Any]]]:
    """Validate a merged ``quality:`` block; return its signal config, thresholds and profiles.

    Raises :class:`ConfigError` naming the files and the key for anything unknown or mistyped.
    """
    if not isinstance(section, dict):
        raise ConfigError("'quality' must be a mapping", file=where)
    unknown = set(section) - SECTION_KEYS
    if unknown:
        raise ConfigError(f"unknown key(s) {sorted(unknown)} in 'quality'; allowed: {sorted(SECTION_KEYS)}", file=where)
    stop = section.get("stop_words") or []
    if not isinstance(stop, list) or not all(isinstance(w, str) and w for w in stop):
        raise ConfigError("must be a list of non-empty strings", file=where, key="quality.stop_words")
    tok = section.get("tokenizer") or {}
    if not isinstance(tok, dict) or set(tok) - _TOKENIZER_KEYS or not all(isinstance(v, bool) for v in tok.values()):
        raise ConfigError(
            f"must map {sorted(_TOKENIZER_KEYS)} to true/false, got {tok!r}", file=where, key="quality.tokenizer"
        )
    line_end = section.get("line_end_chars", DEFAULT_LINE_END_CHARS)
    if not isinstance(line_end, str) or not line_end:
        raise ConfigError("must be a non-empty string of characters", file=where, key="quality.line_end_chars")
    short_len = section.get("short_line_length", 30)
    if isinstance(short_len, bool) or not isinstance(short_len, int) or short_len < 0:
        raise ConfigError("must be a non-negative integer", file=where, key="quality.short_line_length")
    case = section.get("stop_words_case_sensitive", False)
    if not isinstance(case, bool):
        raise ConfigError("must be true or false", file=where, key="quality.stop_words_case_sensitive")
    thresholds = section.get("thresholds") or {}
    if not isinstance(thresholds, dict):
        raise ConfigError("must be a mapping", file=where, key="quality.thresholds")
    check_thresholds(thresholds, where, "quality.thresholds.")
    profiles = section.get("profiles") or {}
    if not isinstance(profiles, dict):
        raise ConfigError("must be a mapping of profile name -> thresholds", file=where, key="quality.profiles")
    for name, over in profiles.items():
        if over is None:
            profiles[name] = over = {}
        if not isinstance(over, dict):
            raise ConfigError("must be a mapping of thresholds", file=where, key=f"quality.profiles.{name}")
        check_thresholds(over, where, f"quality.profiles.{name}.")
    cfg = SignalConfig(
        stop_words=frozenset(stop),
        stop_words_case_sensitive=case,
        line_end_chars=line_end,
        short_line_length=short_len,
        **tok,
    )
    return cfg, dict(thresholds), {k: dict(v) for k, v in profiles.items()}


class QualityStage:
    """Annotate (signals into ``doc.quality``) and decide (``doc.reject('quality.<rule>', ...)``)."""

    def __init__(self, config: dict[str, Any], filters_dir: FiltersSource = None) -> None:
        """Validate the recipe's ``stages.quality`` section; :class:`ConfigError` on bad keys/values."""
        config = dict(config or {})
        unknown = set(config) - _STAGE_KEYS
        if unknown:
            raise ConfigError(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_STAGE_KEYS)}", key="stages.quality")
        self.enabled = config.get("enabled", True)
        self.annotate_only = config.get("annotate_only", False)
        for k in ("enabled", "annotate_only"):
            if not isinstance(config.get(k, True), bool):
                raise ConfigError("must be true or false", key=f"stages.quality.{k}")
        disable = config.get("disable") or []
        if not isinstance(disable, list) or any(d not in RULES_BY_NAME for d in disable):
            raise ConfigError(
                f"must be a list of rule names from {sorted(RULES_BY_NAME)}, got {disable!r}",
                key="stages.quality.disable",
            )
        self.overrides: dict[str, Any] = dict(config.get("overrides") or {})
        if not isinstance(config.get("overrides") or {}, dict):
            raise ConfigError("must be a mapping of threshold -> number", key="stages.quality.overrides")
        check_thresholds(self.overrides, None, "stages.quality.overrides.")
        self.rules: tuple[Rule, ...] = tuple(r for r in RULES if r.name not in set(disable))
        self.filters_dir = filters_dir
        self._langs: dict[str | None, LanguageSettings] = {}
        self._thresholds: dict[tuple[str | None, str], tuple[dict[str, Any], str]] = {}

    def setup(self) -> None:
        """Load and validate the default settings once per worker (languages load on first use).

        Raises :class:`ConfigError` when ``filters/default.yaml`` is missing or invalid.
        """
        self._settings(None)

    def _settings(self, lang: str | None) -> LanguageSettings:
        found = self._langs.get(lang)
        if found is None:
            merged = load_filters(lang, self.filters_dir)
            files = tuple(merged.get("_files", ()))
            cfg, thresholds, profiles = parse_section(merged.get("quality") or {}, ", ".join(files))
            found = LanguageSettings(cfg, thresholds, profiles, files)
            self._langs[lang] = found
        return found

    def thresholds_for(self, lang: str | None, profile: str) -> tuple[dict[str, Any], str]:
        """Effective thresholds for (language, profile) and a label of where they came from.

        Raises :class:`ConfigError` for a profile that no filters file defines.
        """
        key = (lang, profile)
        got = self._thresholds.get(key)
        if got is None:
            st = self._settings(lang)
            if profile != DEFAULT_PROFILE and profile not in st.profiles:
                raise ConfigError(
                    f"unknown quality profile {profile!r}; defined: {sorted({DEFAULT_PROFILE, *st.profiles})}",
                    file=", ".join(st.files),
                    key="quality.profiles",
                )
            merged = {**st.thresholds, **st.profiles.get(profile, {}), **self.overrides}
            label = f"profile {profile}; {', '.join(st.files)}" + ("; recipe overrides" if self.overrides else "")
            got = (merged, label)
            self._thresholds[key] = got
        return got

    def annotate(self, doc: Document) -> None:
        """Fill ``doc.quality`` with every signal of :data:`~altedic.quality.signals.SIGNAL_NAMES`.

        Uses ``doc.lang`` for the language settings (default settings when None) and copies
        ``doc.lang_score`` as the ``lang_score`` signal when the language stage set it.
        """
        if not self.enabled:
            return
        st = self._settings(doc.lang)
        doc.quality.update(compute_signals(doc.text, st.signal_config))
        if doc.lang_score is not None:
            doc.quality["lang_score"] = float(doc.lang_score)

    def decide(self, doc: Document) -> None:
        """Reject ``doc`` with ``quality.<rule>`` when a signal fails its (lang, profile) threshold.

        Annotates first when the signals are missing. Leaves already rejected documents alone.
        """
        if not self.enabled or self.annotate_only or doc.rejected:
            return
        if "words" not in doc.quality:
            self.annotate(doc)
        thresholds, label = self.thresholds_for(doc.lang, doc.profile or DEFAULT_PROFILE)
        failed = first_failure(doc.quality, thresholds, self.rules)
        if failed is not None:
            rule, detail = failed
            doc.reject(rule.reason, f"{detail} ({label})")
