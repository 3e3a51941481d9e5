"""Dedup's per-document side, without Apache Beam: the nodes a worker makes for the documents it
spills (:class:`NodeMaker`, :func:`spill_candidates`, :func:`node_tables`) and the signature
files the shard writers leave for later runs. The Beam wiring is :mod:`altedic.beam.dedup`;
this module is what the local worker processes (:mod:`altedic.beam.localworker`) import.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from altedic import fsutil
from altedic.beam import spill
from altedic.beam.spill import doc_bytes
from altedic.dedup import batches as bt
from altedic.dedup import exact as ex
from altedic.dedup.config import DedupConfig
from altedic.dedup.minhash import MinHasher
from altedic.records import Document

SIGNATURE_FILE_PREFIX = "signatures"
#: The tag of the node tables among a decide step's outputs.
NODES = "nodes"

SIGNATURE_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("lang", pa.string()),
        pa.field("exact_key", pa.string(), nullable=False),
        pa.field("signature", pa.binary()),  # num_perm little-endian uint64 values, or null (near off)
    ]
)


def _scope(doc_lang: str | None, mode: str) -> str:
    return (doc_lang or "und") if mode == "language" else "*"


def _lang_of(doc: Document) -> str | None:
    return doc.lang or doc.declared_lang


def _group_of(doc: Document) -> str:
    return doc.lang or "und"


#: A dedup node, as the decide step makes it: (rank key, scope, exact key, LSH band keys or
#: None, spill chunk holding the document, output group (language), row bytes). Nodes leave the
#: decide step as tables of these (:data:`altedic.dedup.batches.NODE_SCHEMA`). The full
#: signature stays in the spill chunk (verification and the signature files read it there).
Node = tuple[str, str, str, Any, Any, str, int]


class NodeMaker:
    """Documents -> dedup nodes, on a worker (the MinHash kernel called once per batch)."""

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self.hasher: MinHasher | None = None

    def setup(self) -> None:
        if self.cfg.near:
            self.hasher = MinHasher(num_perm=self.cfg.num_perm, ngram=self.cfg.ngram, seed=self.cfg.seed)

    def sign(self, docs: list[Document]) -> tuple[list[bytes | None], list[bytes | None]]:
        """(signatures, band keys) of ``docs`` as bytes, from one kernel call (None: near off)."""
        if self.hasher is None:
            return [None] * len(docs), [None] * len(docs)
        sigs = np.asarray(self.hasher.signatures([d.text for d in docs]), dtype="<u8")
        return [s.tobytes() for s in sigs], bt.band_keys_of(sigs, self.cfg.bands, self.cfg.rows)

    def node(self, doc: Document, bands: bytes | None, loc: str | None, group: str, exact: str) -> Node:
        rank = ex.doc_rank_key(doc, self.cfg.source_priority, self.cfg.quality_key)
        return (rank, _scope(_lang_of(doc), self.cfg.scope), exact, bands, loc, group, doc_bytes(doc))


#: Nodes per emitted table: tables are made per file (or per bundle) up to this size, so the
#: dedup shuffles move a few large tables rather than many small ones.
NODE_TABLE_ROWS = 16_384


def spill_candidates(
    writer: spill.SpillWriter, maker: NodeMaker | None, docs: list[Document], nodes: list[Node]
) -> Iterator[Any]:
    """Spill kept-so-far documents to ``writer`` (grouped by language); with ``maker`` (dedup on),
    also their exact keys and signatures, and append their nodes to ``nodes`` (emitted as tables
    by :func:`node_tables`). Yields the summary of every chunk that fills up."""
    sigs, keys = maker.sign(docs) if maker is not None else ([None] * len(docs), [None] * len(docs))
    for doc, sig, bands in zip(docs, sigs, keys, strict=True):
        group = _group_of(doc)
        exact = ex.exact_key(doc.text) if maker is not None else None
        loc = writer.add(doc, group, exact, sig)
        if maker is not None:
            nodes.append(maker.node(doc, bands, loc, group, exact))  # type: ignore[arg-type]
        if writer.full:
            yield writer.flush()


def node_tables(nodes: list[Node], final: bool) -> Iterator[pa.Table]:
    """Tables of NODE_TABLE_ROWS nodes taken from ``nodes`` (and, when ``final``, the rest)."""
    while len(nodes) >= NODE_TABLE_ROWS or (final and nodes):
        yield bt.nodes_table(nodes[:NODE_TABLE_ROWS])
        del nodes[:NODE_TABLE_ROWS]


def write_signature_file(target: str, name: str, table: pa.Table) -> str:
    """One signature file (rows sorted by id by the caller): byte-identical whatever the runner."""
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    path = fsutil.join(target, name)
    fsutil.write_bytes(path, buf.getvalue())  # again when a bundle is retried (HDFS too)
    return path


#: The start of the ``loc`` of a previous output's document: the rest is JSON, [signature file,
#: data shard holding the same documents' texts or null] (:func:`previous_loc`).
PREVIOUS_LOC = "previous:"
_SIGNATURE_NAME = re.compile(rf"{SIGNATURE_FILE_PREFIX}-(.+)-(\d+)-of-(\d+)\.parquet")


def previous_files(prev: str) -> list[tuple[str, str | None]]:
    """The signature files of a previous output, sorted, each with the data shard that holds the
    same documents' texts (``dedup/signatures-<lang>-S-of-N.parquet`` is written next to
    ``data/<lang>/part-S-of-N.parquet``), or None when there is none: the output of
    :class:`~altedic.beam.dedup.Deduplicate`, which writes no data shards, or a release whose
    data shards were moved away. Near duplicates of those documents are verified on the
    signatures' estimate (docs/dedup.md)."""
    root = fsutil.join(prev, "dedup")
    names = sorted(
        n
        for n in fsutil.list_files(root)
        if "/" not in n and n.startswith(f"{SIGNATURE_FILE_PREFIX}-") and n.endswith(".parquet")
    )
    out: list[tuple[str, str | None]] = []
    for name in names:
        f = fsutil.join(root, name)
        m = _SIGNATURE_NAME.fullmatch(name)
        data = fsutil.join(prev, "data", m.group(1), f"part-{m.group(2)}-of-{m.group(3)}.parquet") if m else None
        out.append((f, data if data is not None and fsutil.exists(data) else None))
    return out


def previous_loc(signature_file: str, data_shard: str | None) -> str:
    """The ``loc`` of a previous output's documents: where their signatures and texts are."""
    return PREVIOUS_LOC + json.dumps([signature_file, data_shard])


def parse_previous_loc(loc: str) -> tuple[str, str | None] | None:
    """(signature file, data shard or None) of a :func:`previous_loc`; None for a spill chunk."""
    if not loc.startswith(PREVIOUS_LOC):
        return None
    sig, data = json.loads(loc[len(PREVIOUS_LOC) :])
    return str(sig), None if data is None else str(data)


def previous_tables(files: tuple[str, str | None], scope_mode: str, bands: int, rows: int) -> Iterator[pa.Table]:
    """One signature file of a previous output (and its data shard) -> node tables: no group,
    no bytes, weight 0 later; ``loc`` says where their signatures and texts are read back for
    verification (:func:`previous_loc`)."""
    sig_file, data_shard = files
    loc = previous_loc(sig_file, data_shard)
    table = pq.read_table(fsutil.open_read(sig_file), columns=["id", "lang", "exact_key", "signature"])
    for start in range(0, table.num_rows, NODE_TABLE_ROWS):
        part = table.slice(start, NODE_TABLE_ROWS)
        ids, langs, exacts = (part[c].to_pylist() for c in ("id", "lang", "exact_key"))
        keys = bt.band_key_bytes(part["signature"].to_pylist(), bands, rows)
        yield bt.nodes_table(
            [
                (ex.rank_key(i, ex.PREVIOUS_PRIORITY, None), _scope(lang, scope_mode), e, k, loc, None, 0)
                for i, lang, e, k in zip(ids, langs, exacts, keys, strict=True)
            ]
        )
