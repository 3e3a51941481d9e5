"""The PII stage: find personal data, count it per type, and redact, tag or drop per source.

Recipe section ``stages.pii`` (all optional)::

    pii:
      mode: redact            # redact | tag | drop   (default redact)
      types: [email, phone]   # subset of altedic.pii.detectors.PII_TYPES (default: all)
      sources: {eu-acts: tag} # per-source mode overriding `mode`
      placeholders: {email: "<EMAIL>"}  # optional, per type

* ``redact``: each match is replaced by its typed placeholder (``<EMAIL>``, ``<PHONE>``, ``<IBAN>``,
  ``<CARD>``, ``<IP>``, ``<NATIONAL_ID>``, ``<TAX_ID>``) and counted in ``doc.pii``.
* ``tag``: matches are counted in ``doc.pii``; the text is unchanged.
* ``drop``: a document with any match is rejected with ``pii.<type>`` (the first match's type)
  and counted.
* ``off``: nothing is done (useful per source).

Text written to ``rejected/`` is part of the release too. A document rejected before this stage
(a licence refusal, ``normalise.*``) is scrubbed by :meth:`PIIStage.scrub`: in ``redact`` and
``drop`` mode its matches are counted and replaced by their placeholders, so that no mode that
removes personal data from the kept text leaves it in the rejected text; a document ``drop``
rejects is kept in ``rejected/`` redacted in the same way. ``tag`` and ``off`` leave the text as
it is, as they do for kept documents.

The document's ``title`` (when set: a JSONL ``title`` field, an HTML ``<title>``, a Formex title...)
ships with the release as well, so it is scanned, counted, redacted and tagged in the same way as
the text; in ``drop`` mode a match in the title alone drops the document. (Only the text was
scanned before: "Teagmháil: seán.ó.briain@gaillimh.ie 087 123 4567" as a title was kept as read.)

``doc.pii`` holds only the types found (``{"email": 2}``), title and text together; an empty dict
means none found.
Phone numbers are validated for the regions of ``doc.lang`` (for a language without any, of
``doc.declared_lang``): see :func:`altedic.pii.detectors.regions_for`, :data:`LANG_REGIONS`
(official languages) and :data:`OTHER_LANG_REGIONS` (regional languages and neighbours).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from altedic.errors import ConfigError
from altedic.pii.detectors import PII_TYPES, PLACEHOLDERS, Match, find_all, redact, regions_for
from altedic.records import Document

MODES: tuple[str, ...] = ("redact", "tag", "drop", "off")
DEFAULT_MODE = "redact"
"""The mode of a recipe whose ``stages.pii`` has no ``mode`` (also read by the AI Act summary)."""
_KEYS = frozenset({"mode", "types", "sources", "placeholders"})


def mode_value(value: Any) -> Any:
    """A mode as written in a recipe: YAML 1.1 reads an unquoted ``off`` (and ``no``) as false,
    so ``mode: off``, as docs/quality.md writes it, was refused ("got False"); false is ``off``."""
    return "off" if value is False else value


class PIIStage:
    """Detect PII in ``doc.title`` and ``doc.text``; count, redact, tag or drop according to the recipe."""

    def __init__(self, config: dict[str, Any]) -> None:
        """Validate ``stages.pii``; :class:`ConfigError` naming the key for anything wrong."""
        config = dict(config or {})
        unknown = set(config) - _KEYS
        if unknown:
            raise ConfigError(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}", key="stages.pii")
        self.mode: str = mode_value(config.get("mode", DEFAULT_MODE))
        if self.mode not in MODES:
            raise ConfigError(f"must be one of {list(MODES)}, got {self.mode!r}", key="stages.pii.mode")
        types = config.get("types", list(PII_TYPES))
        if not isinstance(types, list) or any(t not in PII_TYPES for t in types):
            raise ConfigError(f"must be a list of types from {list(PII_TYPES)}, got {types!r}", key="stages.pii.types")
        self.types: tuple[str, ...] = tuple(t for t in PII_TYPES if t in types)
        sources = config.get("sources") or {}
        if isinstance(sources, dict):
            sources = {k: mode_value(v) for k, v in sources.items()}
        if not isinstance(sources, dict) or any(m not in MODES for m in sources.values()):
            raise ConfigError(
                f"must map source names to one of {list(MODES)}, got {sources!r}", key="stages.pii.sources"
            )
        self.sources: dict[str, str] = dict(sources)
        ph = config.get("placeholders") or {}
        if not isinstance(ph, dict) or any(k not in PII_TYPES or not isinstance(v, str) for k, v in ph.items()):
            raise ConfigError("must map PII types to strings", key="stages.pii.placeholders")
        self.placeholders: dict[str, str] = {**PLACEHOLDERS, **ph}

    def setup(self) -> None:
        """Nothing to load beyond module import (regexes compile at import, phonenumbers loads
        region metadata lazily on first use); kept for the Beam DoFn contract."""

    def mode_for(self, source: str) -> str:
        return self.sources.get(source, self.mode)

    def process(self, doc: Document) -> None:
        """Count matches per type (title and text) into ``doc.pii``; redact them or reject per the mode.

        Already rejected documents are left alone. Counts are exact match counts after
        overlap resolution (each character belongs to at most one match).
        """
        if doc.rejected:
            return
        mode = self.mode_for(doc.source)
        if mode == "off" or not self.types:
            return
        matches, counts = self._count_and_redact(doc, mode)
        if matches and mode == "drop":
            summary = ", ".join(f"{t}={n}" for t, n in sorted(counts.items()))
            doc.reject(f"pii.{matches[0].type}", f"personal data found ({summary}); source mode drop")

    def scrub(self, doc: Document) -> None:
        """Count and redact the matches of a document rejected before this stage, in ``redact``
        and ``drop`` mode (its text goes to ``rejected/``); other documents are left alone."""
        mode = self.mode_for(doc.source)
        if not doc.rejected or doc.pii or mode not in ("redact", "drop") or not self.types:
            return
        self._count_and_redact(doc, mode)

    def _count_and_redact(self, doc: Document, mode: str) -> tuple[list[Match], Counter[str]]:
        """Find the matches in ``doc.title`` (when set) and ``doc.text``, add their counts to
        ``doc.pii``, and in ``redact`` and ``drop`` mode replace them by their placeholders.
        Returns the matches, the title's first (their offsets are in their own string)."""
        regions = regions_for(doc.lang, doc.declared_lang)
        title_matches = find_all(doc.title, self.types, regions) if doc.title else []
        matches = find_all(doc.text, self.types, regions)
        counts = Counter(m.type for m in title_matches + matches)
        for t, n in counts.items():
            doc.pii[t] = doc.pii.get(t, 0) + n
        if mode in ("redact", "drop"):
            if title_matches:
                assert doc.title is not None  # title_matches are only found in a title
                doc.title = redact(doc.title, title_matches, self.placeholders)
            if matches:
                doc.text = redact(doc.text, matches, self.placeholders)
        return title_matches + matches, counts
