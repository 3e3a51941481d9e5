"""The plain-Python stage chain between reading and dedup: normalise, language, quality, PII, decide.

Score first, decide later: the language, quality and PII stages annotate every document; the
decisions (thresholds from ``filters/`` and the recipe) are applied in one step at the end, so
each rejected document carries the reason of the first rule that removed it, in a fixed order
(normalise, PII drop, language, quality). The Beam layer (:mod:`altedic.beam`) only calls
:meth:`StageChain.process_batch`; tests call it directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from altedic.errors import ConfigError
from altedic.filters import FiltersSource, snapshot
from altedic.normalise import NormaliseSettings, normalise_text
from altedic.records import Document


class BatchLanguageStage(Protocol):
    def setup(self) -> None: ...
    def annotate(self, docs: list[Document]) -> list[Document]: ...
    def decide(self, doc: Document) -> None: ...


class DocStage(Protocol):
    def setup(self) -> None: ...
    def annotate(self, doc: Document) -> None: ...
    def decide(self, doc: Document) -> None: ...


class PIIProcessor(Protocol):
    def setup(self) -> None: ...
    def process(self, doc: Document) -> None: ...
    def scrub(self, doc: Document) -> None: ...


def _enabled(cfg: dict[str, Any]) -> bool:
    return bool(cfg.get("enabled", True))


def _without_enabled(cfg: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cfg.items() if k != "enabled"}


@dataclass
class StageConfig:
    """Picklable settings of the chain (what a Beam worker needs to rebuild it)."""

    normalise: dict[str, Any]
    langid: dict[str, Any]
    quality: dict[str, Any]
    pii: dict[str, Any]
    filters_dir: FiltersSource = None
    """The recipe's filters. A directory path is read when the config is made (where the
    pipeline is built) and replaced by its :class:`~altedic.filters.FiltersSnapshot`: the files'
    contents are pickled with the config, so a worker that cannot see the directory still uses
    them (before, only the path travelled, and such a worker used the packaged filters without a
    word)."""

    def __post_init__(self) -> None:
        if isinstance(self.filters_dir, str):
            self.filters_dir = snapshot(self.filters_dir)


class StageChain:
    """Builds the stages from their recipe sections and runs them over batches of documents."""

    def __init__(self, config: StageConfig) -> None:
        self.config = config
        norm = dict(config.normalise)
        try:
            self.normalise = NormaliseSettings(**norm)
        except TypeError as exc:
            raise ConfigError(f"bad normalise settings: {exc}", key="stages.normalise") from None
        self.langid: BatchLanguageStage | None = None
        self.quality: DocStage | None = None
        self.pii: PIIProcessor | None = None
        lcfg = dict(config.langid)
        if _enabled(lcfg):
            method = lcfg.get("method", "model")
            if method == "declared":
                from altedic.langid.declared import DeclaredLanguageStage

                self.langid = DeclaredLanguageStage(_without_enabled(lcfg), config.filters_dir)
            elif method == "model":
                from altedic.langid.stage import LanguageStage

                self.langid = LanguageStage(_without_enabled(lcfg), config.filters_dir)
            else:
                raise ConfigError(f"unknown method {method!r}; allowed: model, declared", key="stages.langid.method")
        else:
            raise ConfigError(
                "the language stage cannot be disabled: shards are partitioned by language; "
                "use method: declared to trust the sources' declared languages",
                key="stages.langid.enabled",
            )
        qcfg = dict(config.quality)
        if _enabled(qcfg):
            from altedic.quality.stage import QualityStage

            self.quality = QualityStage(_without_enabled(qcfg), config.filters_dir)
        pcfg = dict(config.pii)
        if _enabled(pcfg):
            from altedic.pii.stage import PIIStage

            self.pii = PIIStage(_without_enabled(pcfg))

    def setup(self) -> None:
        """Load models, compile patterns: once per worker."""
        for stage in (self.langid, self.quality, self.pii):
            if stage is not None:
                stage.setup()

    def normalise_doc(self, doc: Document) -> Document:
        if doc.rejected:
            return doc
        if len(doc.text) > self.normalise.max_chars:
            doc.reject("normalise.too_long", f"{len(doc.text)} characters > max_chars {self.normalise.max_chars}")
            return doc
        doc.text = normalise_text(doc.text, self.normalise)
        if len(doc.text) < self.normalise.min_chars:
            doc.reject(
                "normalise.empty",
                f"{len(doc.text)} characters after normalisation < min_chars {self.normalise.min_chars}",
            )
        return doc

    def process_batch(self, docs: Sequence[Document]) -> list[Document]:
        """Normalise, annotate and decide a batch. Returns every document (rejected ones marked).

        May return more documents than given when the language stage splits mixed-language
        documents into parts.
        """
        docs = [self.normalise_doc(d) for d in docs]
        done = [d for d in docs if d.rejected]
        active = [d for d in docs if not d.rejected]
        assert self.langid is not None
        active = self.langid.annotate(active)
        if self.quality is not None:
            for d in active:
                if not d.rejected:
                    self.quality.annotate(d)
        if self.pii is not None:
            for d in (*done, *active):
                if d.rejected:  # before the stage (reading, normalise, language annotation): to rejected/
                    self.pii.scrub(d)
                else:
                    self.pii.process(d)
        for d in active:
            if not d.rejected:
                self.langid.decide(d)
            if not d.rejected and self.quality is not None:
                self.quality.decide(d)
        return done + active
