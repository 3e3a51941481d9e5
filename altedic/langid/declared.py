"""The simplest language stage: trust the declared language.

Used when a recipe sets ``stages.langid.method: declared`` (for sources whose language is known
and verified elsewhere) and in tests that must not load a model. A document without a declared
language is rejected as ``langid.undeclared``: it is never given a guessed label.
"""

from __future__ import annotations

from typing import Any

from altedic.errors import ConfigError
from altedic.filters import FiltersSource
from altedic.records import Document


class DeclaredLanguageStage:
    """Copies ``declared_lang`` into ``lang`` with confidence 1.0."""

    def __init__(self, config: dict[str, Any], filters_dir: FiltersSource = None) -> None:
        unknown = set(config) - {"method"}
        if unknown:
            raise ConfigError(
                f"unknown key(s) {sorted(unknown)} for method 'declared'; allowed: method", key="stages.langid"
            )

    def setup(self) -> None:
        return None

    def annotate(self, docs: list[Document]) -> list[Document]:
        for d in docs:
            if d.declared_lang:
                d.lang = d.declared_lang
                d.lang_score = 1.0
                d.lang_share = 1.0
        return docs

    def decide(self, doc: Document) -> None:
        if not doc.lang:
            doc.reject("langid.undeclared", "method 'declared' needs a declared language and the source declares none")
