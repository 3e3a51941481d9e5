"""Exact duplicates and the deterministic ranking of documents inside a duplicate group.

The exact key is XXH3-128 (Collet, xxHash specification) of the document's text as the pipeline
normalised it (UTF-8), so two documents are exact duplicates when their normalised texts are
equal byte for byte (a 128-bit collision is not a practical concern at corpus sizes).

The *rank key* orders documents for the choice of the one to keep in every duplicate group
(exact group or near-duplicate component): the smallest rank key is kept. It is a string so that
it can be a Beam key, compared cheaply and ordered the same way on every worker:

``PPPPPP`` source priority (6 digits: 0 for a document already released by a previous output,
1 + the index in ``source_priority``, or 1 + len(source_priority) for unlisted sources), then
``QQQQQQQQQQQQQQQQ`` the quality score inverted (16 hex digits; higher score sorts first; a
missing score sorts after every present one), then the document id (smallest wins).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence

import xxhash

from altedic.records import Document

PRIORITY_WIDTH = 6
QUALITY_WIDTH = 16
PREFIX_WIDTH = PRIORITY_WIDTH + QUALITY_WIDTH
PREVIOUS_PRIORITY = 0
_MISSING_QUALITY = "f" * QUALITY_WIDTH


def exact_key(text: str) -> str:
    """32-hex-character XXH3-128 digest of ``text`` (UTF-8, lone surrogates kept)."""
    return xxhash.xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass"))


def _quality_hex(score: float | None) -> str:
    """16 hex digits that sort ascending as ``score`` descends; missing/NaN sorts last."""
    if score is None or math.isnan(score):
        return _MISSING_QUALITY
    # IEEE 754 order trick: flip the sign bit of positives, all bits of negatives -> unsigned order
    # equals float order; then invert so that higher scores come first.
    (bits,) = struct.unpack(">Q", struct.pack(">d", float(score)))
    ordered = bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | (1 << 63)
    inverted = 0xFFFFFFFFFFFFFFFF - ordered
    return f"{min(inverted, 0xFFFFFFFFFFFFFFFE):016x}"  # keep "fff..." for missing scores


def priority_of(source: str, source_priority: Sequence[str]) -> int:
    """1 + index of ``source`` in ``source_priority``, or 1 + its length when not listed."""
    try:
        return 1 + list(source_priority).index(source)
    except ValueError:
        return 1 + len(source_priority)


def rank_key(doc_id: str, priority: int, score: float | None) -> str:
    """Rank key of a document (smaller = preferred representative); see the module docstring."""
    return f"{priority:0{PRIORITY_WIDTH}d}{_quality_hex(score)}{doc_id}"


def doc_rank_key(doc: Document, source_priority: Sequence[str], quality_key: str | None) -> str:
    """Rank key of a document of this run."""
    score = doc.quality.get(quality_key) if quality_key else None
    return rank_key(doc.id, priority_of(doc.source, source_priority), score)


def id_of(key: str) -> str:
    """The document id inside a rank key."""
    return key[PREFIX_WIDTH:]


def is_previous(key: str) -> bool:
    """True when the rank key belongs to a document of a previous output (already released)."""
    return int(key[:PRIORITY_WIDTH]) == PREVIOUS_PRIORITY
