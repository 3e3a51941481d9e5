"""The one record that flows through every stage, and the record of an unreadable input.

A :class:`Document` is created by a reader (with provenance), annotated by the language,
quality, PII and dedup stages, and finally either written to ``OUT/data/<code>/`` or,
when a stage sets :attr:`Document.reason`, to ``OUT/rejected/``.

Ids are stable: :func:`doc_id` hashes the source name, the document's place inside the source
(path relative to the source root plus position inside the file) and the text. The same input
gives the same id on every run, machine, runner and worker count.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any


def doc_id(source: str, ref: str, text: str) -> str:
    """Stable 32-hex-character id of a document.

    ``source`` is the recipe's source name, ``ref`` the document's place inside that source
    (relative path, archive member, position), ``text`` the text as read (before normalisation,
    so that a change in the normaliser does not change ids). BLAKE2b-128 over the three fields
    separated by NUL bytes.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(source.encode("utf-8"))
    h.update(b"\0")
    h.update(ref.encode("utf-8"))
    h.update(b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@dataclass(slots=True)
class Document:
    """One document. Field meanings are the contract of ``schemas/document.v1.json``."""

    id: str
    text: str
    source: str
    """Name of the source in the recipe."""
    uri: str
    """File the document came from (``archive.zip!member.xml`` for archive members)."""
    position: str = ""
    """Where inside ``uri``: ``line 12``, ``row 3``, ``tu 17``, ``doc 32019D0391``, ``chapter 4``..."""
    format: str = ""
    """Name of the reader that produced it (``jsonl``, ``formex``...)."""
    doc_ref: str | None = None
    """Original document reference: CELEX number, ELI, OJ reference or the source's own id."""
    title: str | None = None
    url: str | None = None
    date: str | None = None
    """Date of the document itself (ISO 8601), when known."""
    retrieved: str | None = None
    """Date the data was obtained (ISO 8601), from the recipe or the source manifest."""
    publisher: str | None = None
    licence: str | None = None
    """Normalised licence id (SPDX id where one exists, e.g. ``CC-BY-4.0``, ``EU-Reuse-2011-833``)."""
    licence_evidence: str | None = None
    """Where the licence decision came from (``recipe``, ``dcat:license <iri>``, ``row column 'licence'``...)."""
    attribution: str | None = None
    profile: str = "default"
    """Quality profile chosen by the recipe for the source (``legal``, ``web``, ``parliament``...)."""
    declared_lang: str | None = None
    """Language the source declares (normalised code), or None."""
    lang: str | None = None
    """Language decided by the language stage (normalised code: ISO 639-1, else 639-3, +script)."""
    lang_score: float | None = None
    """Confidence of the language decision, 0..1."""
    lang_share: float | None = None
    """Share of the text (by characters, 0..1) in ``lang`` at paragraph level."""
    lang_alternatives: dict[str, float] = field(default_factory=dict)
    """Top-k alternative labels with their scores."""
    lang_flags: list[str] = field(default_factory=list)
    """Flags set by the language policy (``mixed``, ``confusable:hr/bs/sr``...)."""
    metadata: dict[str, str] = field(default_factory=dict)
    """Free-form provenance (EuroVoc codes, ELI, speaker, dataset title...). Values are strings."""
    quality: dict[str, float] = field(default_factory=dict)
    """Quality signals (score first, decide later): name -> value."""
    pii: dict[str, int] = field(default_factory=dict)
    """PII matches per type (``email``, ``phone``, ``iban``...) found (and redacted, if so configured)."""
    cluster_size: int | None = None
    """Size of the dedup cluster this (kept) document represents (1 = unique)."""
    reason: str | None = None
    """Set when a stage rejects the document: a stable ``stage.rule`` code."""
    reason_detail: str | None = None
    """Human-readable detail of the rejection (value vs threshold...)."""
    duplicate_of: str | None = None
    """For ``dedup.*`` rejections: the id of the kept document this one duplicates."""

    def reject(self, reason: str, detail: str | None = None, duplicate_of: str | None = None) -> Document:
        """Mark the document as rejected (first rejection wins) and return it."""
        if self.reason is None:
            self.reason = reason
            self.reason_detail = detail
            self.duplicate_of = duplicate_of
        return self

    @property
    def rejected(self) -> bool:
        return self.reason is not None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict; the dict and list fields are copies (not shared with the record).

        Hand-written rather than ``dataclasses.asdict``, whose recursive deep copy was a visible
        cost when writing shards (profile in docs/performance.md).
        """
        out = {name: getattr(self, name) for name in _DOC_FIELDS}
        for name in ("lang_alternatives", "metadata", "quality", "pii"):
            out[name] = dict(out[name])
        out["lang_flags"] = list(out["lang_flags"])
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


_DOC_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Document))


@dataclass(slots=True)
class ReadError:
    """An input (file, member, record) that could not be read. Goes to ``OUT/errors/``."""

    source: str
    uri: str
    position: str
    message: str
    """A message a person understands: what is wrong and, where possible, what to do."""
    kind: str = "input"
    """Short class of the error (``encoding``, ``xml``, ``archive``, ``schema``, ``io``...)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: The language a document with no detected and no declared language is counted under.
UNDETERMINED_LANG = "und"


def counted_lang(lang: str | None, declared: str | None) -> str:
    """The language a document is counted under in the statistics and the manifest's accounting:
    its detected language; for a document rejected without one (a licence refusal before the
    language stage, a text the stage could not name), the language its source declares, so that
    a language community sees what was removed from its language; else ``und``. The shard's
    ``lang`` column itself stays empty for such a document: it was not detected."""
    return lang or declared or UNDETERMINED_LANG
