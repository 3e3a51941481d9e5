"""Sources: what a recipe reads, after includes, catalogues and the licence policy are resolved.

:class:`SourceSpec` is produced by :mod:`altedic.recipe` for every source of a recipe (and by the
DCAT expansion and contributed source manifests); the driver decides the licence per spec before
any document is read, and hands the allowed ones to the pipeline as :class:`SourceInfo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from altedic.readers.base import SourceInfo


@dataclass
class SourceSpec:
    """One source to read, fully resolved (paths absolute or URIs)."""

    name: str
    format: str
    paths: list[str]
    """Absolute paths, URIs or globs of the files to read."""
    root: str
    """Directory that relative document ids are computed from (stable across machines)."""
    language: str | None = None
    """Declared language (raw; normalised by the driver)."""
    licence: str | None = None
    """Licence as declared (raw: SPDX id, IRI, free text); decided by the licence policy."""
    licence_evidence: str | None = None
    publisher: str | None = None
    attribution: str | None = None
    retrieved: str | None = None
    profile: str = "default"
    options: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    tdm_reserved: bool = False
    """A machine-readable text-and-data-mining reservation applies (TDMRep, contributor's record)."""
    odrl: dict[str, Any] | None = None
    """An ODRL policy attached to the source (from a data-space connector or DCAT odrl:hasPolicy)."""
    origin: str = ""
    """Where the source was defined: ``recipe.yaml:sources[2]``, a manifest path, a catalogue."""
    confine: str | None = None
    """A folder every file of the source must really be in (links resolved): a contributed
    manifest's folder. None for a recipe's own source, which can name any path."""

    def info(self, licence_id: str | None = None, declared_lang: str | None = None) -> SourceInfo:
        """The picklable part that readers and stages need. The declared language is a code of
        altedic's system (``Malti`` -> ``mt``); a value that declares none (``mul``) is None."""
        from altedic.langid.codes import normalise_lang

        return SourceInfo(
            name=self.name,
            format=self.format,
            declared_lang=declared_lang if declared_lang is not None else normalise_lang(self.language),
            licence=licence_id if licence_id is not None else self.licence,
            licence_evidence=self.licence_evidence,
            publisher=self.publisher,
            attribution=self.attribution,
            retrieved=self.retrieved,
            profile=self.profile,
            options=dict(self.options),
            metadata=dict(self.metadata),
            paths=tuple(self.paths),
        )


__all__ = ["SourceSpec"]
