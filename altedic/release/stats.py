"""Release statistics: per language x source x outcome counts and distributions.

Statistics are computed per shard as a :class:`PartialStats` and merged. A partial holds only
integer sums (counts, characters, micro-units of quality values...) and minima/maxima, so
:meth:`PartialStats.merge` is associative and commutative *exactly* (no floating-point
summation): any merge order and any sharding of the same rows give the same ``stats.json``.
That is what lets the statistics scale with the run (one partial per shard or per bundle,
combined by a tree of merges, e.g. a Beam ``CombineFn``).

Outcome is ``kept`` for documents in ``OUT/data`` and the stable reason code
(``quality.stop_words``, ``dedup.near``...) for documents in ``OUT/rejected``. Unreadable
inputs (``OUT/errors``) are counted per source and error kind.

The keys of ``stats.json`` are documented in ``docs/release.md``; :data:`STATS_VERSION` changes
when their meaning changes.

Estimated tokens
----------------
``tokens_est = ceil(utf8_bytes / 4)`` per document, summed. Four bytes per token is the usual
rule of thumb for byte-level BPE tokenisers on English prose (about four characters per
token); counting *bytes* rather than characters makes Greek or Bulgarian text (two UTF-8 bytes
per letter) count about twice as many tokens per character, which is how byte-level BPE
vocabularies trained mostly on Latin-script text behave. It is an estimate for sizing and
mixing, not a tokeniser's count; the estimator's name is written into ``stats.json``.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from altedic import fsutil
from altedic.errors import InputError
from altedic.records import counted_lang
from altedic.schema import kv_columns, kv_to_dict

STATS_VERSION = 1

#: The token estimator, written to ``stats.json`` so that a reader knows what ``tokens_est`` means.
TOKEN_ESTIMATOR: dict[str, str] = {
    "name": "utf8_bytes_div_4",
    "formula": "sum over documents of ceil(utf8_bytes / 4)",
    "note": "Rule-of-thumb estimate for byte-level BPE tokenisers (about 4 bytes of English per token); "
    "not a tokeniser count. Two-byte scripts (Greek, Cyrillic) count about twice as many tokens per character.",
}

#: Per-document counters kept for every (language, source, outcome) cell.
COUNTERS: tuple[str, ...] = ("documents", "characters", "words", "bytes", "tokens_est")

#: A missing value (no licence, no publisher, no score...).
NONE_LABEL = "none"

#: Regular expression (RE2) of a word: a maximal run of characters that are neither ASCII
#: whitespace nor Unicode separators (general categories Zs, Zl, Zp, e.g. NO-BREAK SPACE).
WORD_PATTERN = r"[^\s\p{Z}]+"

#: Quality values are stored as integer micro-units so that sums merge exactly.
MICRO = 1_000_000

# Host of an absolute URL (RFC 3986 scheme "://" [userinfo "@"] host); "www." is stripped later.
_HOST_PATTERN = r"^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?(?P<host>[^/:?#]+)"

BINS_DOC: dict[str, str] = {
    "length_chars": "log2 bins of document length in characters; key = lower edge: '0' (empty), '1', '2' "
    "([2,4)), '4' ([4,8)), ...",
    "lang_score": "20 equal bins of language-ID confidence on [0,1]; key = lower edge '0.00'..'0.95' "
    "(1.0 falls in '0.95'); 'none' = no score",
    "quality": "values in [0,1]: 20 equal bins keyed by lower edge '0.00'..'0.95'; values above 1: half-octave "
    "bins keyed by lower edge 2^(k/2) ('1', '1.414', '2', ...); '<0' negative, 'nan', 'inf'",
    "cluster_sizes": "exact dedup cluster size of kept documents -> number of kept documents",
}

Key = tuple[str, ...]


def _unit_bins(values: np.ndarray) -> list[str]:
    """Labels of 20 equal bins on [0, 1] (lower edge with two decimals)."""
    idx = np.clip(np.floor(values * 20.0), 0, 19).astype(np.int64)
    return [f"{i / 20:.2f}" for i in idx.tolist()]


_UNIT_LABELS = np.array([f"{i / 20:.2f}" for i in range(20)], dtype=object)


def quality_bin_labels(values: np.ndarray) -> list[str]:
    """Bin label of each quality value (see :data:`BINS_DOC`)."""
    v = np.asarray(values, dtype=np.float64)
    out = np.empty(len(v), dtype=object)
    out[np.isnan(v)] = "nan"
    out[np.isposinf(v)] = "inf"
    out[v < 0] = "<0"  # -inf included
    unit = (v >= 0) & (v <= 1.0)
    out[unit] = _UNIT_LABELS[np.minimum(np.floor(v[unit] * 20.0), 19).astype(np.int64)]
    big = (v > 1.0) & np.isfinite(v)
    if big.any():
        # math.log2, as before (numpy's may differ in the last bit at a bin edge)
        ks = [math.floor(2.0 * math.log2(x)) for x in v[big].tolist()]
        labels = {k: f"{2.0 ** (k / 2.0):.4g}" for k in set(ks)}
        out[big] = [labels[k] for k in ks]
    return out.tolist()  # type: ignore[no-any-return]


def length_bin_labels(chars: np.ndarray) -> list[str]:
    """log2 length bins: '0' for empty text, else the power of two at or below the length."""
    out: list[str] = []
    for n in chars.tolist():
        out.append("0" if n <= 0 else str(1 << (int(n).bit_length() - 1)))
    return out


def _label_sort_key(label: str) -> tuple[int, float, str]:
    try:
        return (1, float(label), label)
    except ValueError:
        order = {"<0": 0, NONE_LABEL: 2, "nan": 3}
        return (order.get(label, 4) if label != "<0" else 0, 0.0, label)


class PartialStats:
    """Mergeable statistics of some rows of a release.

    ``sums`` maps a key tuple to an integer; ``mins``/``maxs`` map a key tuple to a comparable
    value (ISO date strings or floats). :meth:`merge` adds sums and takes min/max, which is
    associative and commutative; :meth:`to_dict` renders the documented ``stats.json`` shape.
    """

    __slots__ = ("maxs", "mins", "sums")

    def __init__(self) -> None:
        self.sums: dict[Key, int] = {}
        self.mins: dict[Key, Any] = {}
        self.maxs: dict[Key, Any] = {}

    # -- merging -------------------------------------------------------------------------
    def merge(self, other: PartialStats) -> PartialStats:
        """Return a new partial holding both (neither input is modified)."""
        out = PartialStats()
        out.sums = dict(self.sums)
        for k, v in other.sums.items():
            out.sums[k] = out.sums.get(k, 0) + v
        out.mins = dict(self.mins)
        for k, v in other.mins.items():
            out.mins[k] = v if k not in out.mins else min(out.mins[k], v)
        out.maxs = dict(self.maxs)
        for k, v in other.maxs.items():
            out.maxs[k] = v if k not in out.maxs else max(out.maxs[k], v)
        return out

    @staticmethod
    def merge_all(parts: Iterable[PartialStats]) -> PartialStats:
        """Merge any number of partials (an empty iterable gives empty statistics)."""
        return functools.reduce(PartialStats.merge, parts, PartialStats())

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PartialStats)
            and self.sums == other.sums
            and self.mins == other.mins
            and self.maxs == other.maxs
        )

    __hash__ = None  # type: ignore[assignment]

    # -- state (for storing partials, e.g. per shard) --------------------------------------
    def to_state(self) -> dict[str, list[list[Any]]]:
        """A JSON-serialisable, sorted representation; :meth:`from_state` inverts it."""
        return {
            "sums": [[*k, v] for k, v in sorted(self.sums.items())],
            "mins": [[*k, v] for k, v in sorted(self.mins.items())],
            "maxs": [[*k, v] for k, v in sorted(self.maxs.items())],
        }

    @classmethod
    def from_state(cls, state: dict[str, list[list[Any]]]) -> PartialStats:
        out = cls()
        out.sums = {tuple(r[:-1]): int(r[-1]) for r in state.get("sums", [])}
        out.mins = {tuple(r[:-1]): r[-1] for r in state.get("mins", [])}
        out.maxs = {tuple(r[:-1]): r[-1] for r in state.get("maxs", [])}
        return out

    # -- accumulation ----------------------------------------------------------------------
    def _add_grouped(
        self, prefix: Key, keys: list[Any], values: dict[str, np.ndarray], append_name: bool = True
    ) -> None:
        """Add ``values`` summed per distinct key tuple, under ``prefix + key + (value name,)``.

        With ``append_name=False`` (one value only) the key is ``prefix + key``.
        """
        if not keys or len(keys[0]) == 0:
            return
        cols: dict[str, Any] = {
            f"k{i}": k if isinstance(k, pa.Array | pa.ChunkedArray) else pa.array(k, pa.string())
            for i, k in enumerate(keys)
        }
        for name, arr in values.items():
            cols[f"v_{name}"] = pa.array(arr, pa.int64())
        table = pa.table(cols)
        key_names = [f"k{i}" for i in range(len(keys))]
        grouped = table.group_by(key_names).aggregate([(f"v_{n}", "sum") for n in values])
        for row in grouped.to_pylist():
            base = prefix + tuple(row[k] for k in key_names)
            for name in values:
                k = (*base, name) if append_name else base
                self.sums[k] = self.sums.get(k, 0) + int(row[f"v_{name}_sum"])

    def _count(self, prefix: Key, keys: list[Any]) -> None:
        """Count rows per distinct key tuple under ``prefix + key``."""
        if not keys or len(keys[0]) == 0:
            return
        self._add_grouped(prefix, keys, {"n": np.ones(len(keys[0]), dtype=np.int64)}, append_name=False)

    def _min_max(self, key: Key, values: list[Any]) -> None:
        vals = [v for v in values if v is not None and v == v]
        if not vals:
            return
        lo, hi = min(vals), max(vals)
        self.mins[key] = lo if key not in self.mins else min(self.mins[key], lo)
        self.maxs[key] = hi if key not in self.maxs else max(self.maxs[key], hi)

    def add_documents(self, table: pa.Table, kept: bool) -> None:
        """Add document rows (document.v1 for ``kept``, rejected.v1 otherwise).

        Only the columns present are used; ``text`` and ``source`` are required.
        """
        n = table.num_rows
        if n == 0:
            return
        names = set(table.column_names)
        for required in ("text", "source"):
            if required not in names:
                raise InputError(f"a document table has no '{required}' column")

        def strings(col: str, default: str) -> list[str]:
            if col not in names:
                return [default] * n
            return [default if v is None or v == "" else str(v) for v in table.column(col).to_pylist()]

        text = table.column("text")
        chars = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        nbytes = pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        words = pc.fill_null(pc.count_substring_regex(text, WORD_PATTERN), 0).to_numpy(zero_copy_only=False)
        words = words.astype(np.int64)
        tokens = (nbytes + 3) // 4  # ceil(bytes / 4), see TOKEN_ESTIMATOR
        detected = strings("lang", "")
        declared = strings("declared_lang", "")
        lang = [counted_lang(d, s) for d, s in zip(detected, declared, strict=True)]
        source = strings("source", NONE_LABEL)
        outcome = ["kept"] * n if kept else strings("reason", "unknown")

        self._add_grouped(
            ("cell",),
            [lang, source, outcome],
            {
                "documents": np.ones(n, dtype=np.int64),
                "characters": chars,
                "words": words,
                "bytes": nbytes,
                "tokens_est": tokens,
            },
        )
        self._count(("hist", "length_chars"), [lang, outcome, length_bin_labels(chars)])

        if "lang_score" in names:
            score = table.column("lang_score").to_numpy(zero_copy_only=False).astype(np.float64)
            labels = _unit_bins(np.nan_to_num(score, nan=0.0))
            labels = [NONE_LABEL if math.isnan(s) else lab for s, lab in zip(score.tolist(), labels, strict=True)]
            self._count(("hist", "lang_score"), [lang, outcome, labels])

        if "lang_flags" in names and "metadata" in names:
            # the extra parts of a document the language stage split (part 1, 2... of one input)
            flags = table.column("lang_flags")
            split = pc.list_parent_indices(flags).filter(pc.equal(pc.list_flatten(flags), "split"))
            if len(split):
                rows = pc.unique(split)
                metas = table.column("metadata").take(rows).to_pylist()
                derived = [
                    source[i]
                    for i, meta in zip(rows.to_pylist(), metas, strict=True)
                    if kv_to_dict(meta).get("part", "0") != "0"
                ]
                self._count(("derived",), [derived])

        if "lang_flags" in names:
            # documents whose declared language the detector contradicted and that were relabelled
            # or kept (declared.on_mismatch: relabel | keep; those rejected langid.mismatch are
            # counted as that reason), wherever they ended
            flags = table.column("lang_flags")
            hit = pc.list_parent_indices(flags).filter(pc.equal(pc.list_flatten(flags), "declared:mismatch"))
            if len(hit):
                rows = [i for i in pc.unique(hit).to_pylist() if outcome[i] != "langid.mismatch"]
                self._count(("mismatch",), [[source[i] for i in rows], [lang[i] for i in rows]])

        if "quality" in names:
            self._add_quality(table.column("quality"), lang, outcome)
        if "pii" in names:
            self._add_pii(table.column("pii"), lang, outcome)

        if kept:
            if "cluster_size" in names:
                sizes = [str(v) for v in table.column("cluster_size").to_pylist() if v is not None]
                langs_c = [
                    lg for lg, v in zip(lang, table.column("cluster_size").to_pylist(), strict=True) if v is not None
                ]
                self._count(("cluster",), [langs_c, sizes])
            ones = np.ones(n, dtype=np.int64)
            self._add_grouped(
                ("licence",), [strings("licence", NONE_LABEL), lang], {"documents": ones, "tokens_est": tokens}
            )
            self._add_grouped(
                ("publisher",), [strings("publisher", NONE_LABEL)], {"documents": ones, "tokens_est": tokens}
            )
            if "url" in names:
                hosts = pc.extract_regex(pc.fill_null(table.column("url"), ""), _HOST_PATTERN)
                host_list = [
                    NONE_LABEL if h is None or not h["host"] else h["host"].lower().removeprefix("www.")
                    for h in hosts.to_pylist()
                ]
            else:
                host_list = [NONE_LABEL] * n
            self._add_grouped(("domain",), [host_list, source], {"documents": ones, "tokens_est": tokens})
            for col, key in (("retrieved", "retrieved"), ("date", "date")):
                if col in names:
                    self._min_max(("dates", key), [v for v in table.column(col).to_pylist() if v])

    def _add_quality(self, column: pa.ChunkedArray, lang: list[str], outcome: list[str]) -> None:
        parents, key_arr, val_arr = kv_columns(column)
        if not len(parents):
            return
        vals = val_arr.to_numpy(zero_copy_only=False).astype(np.float64)
        at = pa.array(parents)
        q_lang = pa.array(lang, pa.string()).take(at)
        q_out = pa.array(outcome, pa.string()).take(at)
        q_keys = key_arr.cast(pa.string())
        labels = pa.array(quality_bin_labels(vals), pa.string())
        self._count(("quality", "hist"), [q_keys, q_lang, q_out, labels])
        finite = np.isfinite(vals)
        micro = np.where(finite, np.round(np.where(finite, vals, 0.0) * MICRO), 0).astype(np.int64)
        self._add_grouped(
            ("quality", "agg"), [q_keys, q_lang, q_out], {"count": finite.astype(np.int64), "sum_micro": micro}
        )
        table = pa.table({"k": q_keys, "l": q_lang, "o": q_out, "v": pa.array(np.where(finite, vals, np.nan))})
        table = table.filter(pc.is_finite(table.column("v")))
        if table.num_rows:
            agg = table.group_by(["k", "l", "o"]).aggregate([("v", "min"), ("v", "max")])
            for row in agg.to_pylist():
                key = ("quality", row["k"], row["l"], row["o"])
                self._min_max(key, [row["v_min"], row["v_max"]])

    def _add_pii(self, column: pa.ChunkedArray, lang: list[str], outcome: list[str]) -> None:
        parents, key_arr, val_arr = kv_columns(column)
        if not len(parents):
            return
        keys = [str(k) for k in key_arr.to_pylist()]
        vals = val_arr.to_numpy(zero_copy_only=False).astype(np.int64)
        p_lang = [lang[i] for i in parents.tolist()]
        p_out = [outcome[i] for i in parents.tolist()]
        self._add_grouped(("pii",), [p_lang, p_out, keys], {"matches": vals})
        # Documents with at least one match: one row per (document) with a positive total.
        per_doc = np.zeros(len(column), dtype=np.int64)
        np.add.at(per_doc, parents, vals)
        hit = np.nonzero(per_doc > 0)[0].tolist()
        if hit:
            self._count(("pii_docs",), [[lang[i] for i in hit], [outcome[i] for i in hit]])

    def add_errors(self, table: pa.Table) -> None:
        """Add error.v1 rows (counted per source and error kind)."""
        if table.num_rows == 0:
            return
        src = [v or NONE_LABEL for v in table.column("source").to_pylist()]
        kind = (
            [v or "input" for v in table.column("kind").to_pylist()]
            if "kind" in table.column_names
            else ["input"] * len(src)
        )
        self._count(("error",), [src, kind])

    # -- rendering -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The ``stats.json`` document (keys documented in ``docs/release.md``), deterministic."""

        def zero() -> dict[str, int]:
            return dict.fromkeys(COUNTERS, 0)

        def add(into: dict[str, int], metric: str, v: int) -> None:
            into[metric] = into.get(metric, 0) + v

        cells: dict[tuple[str, str, str], dict[str, int]] = {}
        hists: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
        q_hist: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
        q_agg: dict[tuple[str, str, str], dict[str, int]] = {}
        clusters: dict[str, dict[str, int]] = {}
        licences: dict[str, dict[str, Any]] = {}
        publishers: dict[str, dict[str, int]] = {}
        domains: dict[str, dict[str, Any]] = {}
        pii: dict[str, dict[str, dict[str, int]]] = {}
        pii_docs: dict[str, dict[str, int]] = {}
        errors: dict[str, dict[str, int]] = {}
        derived: dict[str, int] = {}
        mismatch_src: dict[str, int] = {}
        mismatch_lang: dict[str, int] = {}

        for key, v in self.sums.items():
            family = key[0]
            if family == "cell":
                _, lg, src, out, metric = key
                add(cells.setdefault((lg, src, out), zero()), metric, v)
            elif family == "hist":
                _, name, lg, out, label = key
                hists.setdefault(name, {}).setdefault(lg, {}).setdefault(out, {})[label] = v
            elif family == "quality" and key[1] == "hist":
                _, _, sig, lg, out, label = key
                q_hist.setdefault(sig, {}).setdefault(lg, {}).setdefault(out, {})[label] = v
            elif family == "quality" and key[1] == "agg":
                _, _, sig, lg, out, metric = key
                q_agg.setdefault((sig, lg, out), {})[metric] = v
            elif family == "cluster":
                _, lg, size = key
                clusters.setdefault(lg, {})[size] = v
            elif family == "licence":
                _, lic, lg, metric = key
                entry = licences.setdefault(lic, {"documents": 0, "tokens_est": 0, "languages": {}})
                entry[metric] += v
                if metric == "documents":
                    entry["languages"][lg] = entry["languages"].get(lg, 0) + v
            elif family == "publisher":
                _, pub, metric = key
                add(publishers.setdefault(pub, {"documents": 0, "tokens_est": 0}), metric, v)
            elif family == "domain":
                _, host, src, metric = key
                dom = domains.setdefault(host, {"documents": 0, "tokens_est": 0, "sources": {}})
                dom[metric] += v
                add(dom["sources"].setdefault(src, {"documents": 0, "tokens_est": 0}), metric, v)
            elif family == "pii":
                _, lg, out, typ, _metric = key
                pii.setdefault(out, {}).setdefault(lg, {})[typ] = v
            elif family == "pii_docs":
                _, lg, out = key
                pii_docs.setdefault(out, {})[lg] = v
            elif family == "error":
                _, src, kind = key
                errors.setdefault(src, {})[kind] = v
            elif family == "derived":
                derived[key[1]] = v
            elif family == "mismatch":
                _, src, lg = key
                mismatch_src[src] = mismatch_src.get(src, 0) + v
                mismatch_lang[lg] = mismatch_lang.get(lg, 0) + v

        totals: dict[str, Any] = {"kept": zero(), "rejected": zero()}
        languages: dict[str, dict[str, Any]] = {}
        sources: dict[str, dict[str, Any]] = {}
        reasons: dict[str, dict[str, int]] = {}
        for (lg, src, out), c in cells.items():
            side = "kept" if out == "kept" else "rejected"
            for m in COUNTERS:
                totals[side][m] += c[m]
            for table, name in ((languages, lg), (sources, src)):
                entry = table.setdefault(name, {"kept": zero(), "rejected": {}, "rejected_total": zero()})
                if side == "kept":
                    for m in COUNTERS:
                        entry["kept"][m] += c[m]
                else:
                    r = entry["rejected"].setdefault(out, zero())
                    for m in COUNTERS:
                        r[m] += c[m]
                        entry["rejected_total"][m] += c[m]
            if side == "rejected":
                reasons.setdefault(out, {})[lg] = reasons.get(out, {}).get(lg, 0) + c["documents"]
        for src in errors:
            sources.setdefault(src, {"kept": zero(), "rejected": {}, "rejected_total": zero()})
        for src, entry in sources.items():
            entry["errors"] = dict(sorted(errors.get(src, {}).items()))
            entry["errors_total"] = sum(entry["errors"].values())
            # read: the inputs; derived: the extra parts of split documents (rows = read + derived)
            entry["derived"] = derived.get(src, 0)
            entry["read"] = (
                entry["kept"]["documents"]
                + entry["rejected_total"]["documents"]
                + entry["errors_total"]
                - entry["derived"]
            )
            entry["languages"] = sorted({lg for (lg, s, o) in cells if s == src and o == "kept"})
            # documents whose declared language the detector contradicted, relabelled or kept
            entry["declared_mismatch"] = mismatch_src.get(src, 0)
        for lg, entry in languages.items():
            entry["declared_mismatch"] = mismatch_lang.get(lg, 0)
        totals["errors"] = sum(sum(k.values()) for k in errors.values())
        totals["derived"] = sum(derived.values())
        totals["declared_mismatch"] = sum(mismatch_src.values())
        totals["read"] = (
            totals["kept"]["documents"] + totals["rejected"]["documents"] + totals["errors"] - totals["derived"]
        )

        quality: dict[str, Any] = {}
        for (sig, lg, out), agg in q_agg.items():
            count = agg.get("count", 0)
            entry = {
                "count": count,
                "mean": round(agg.get("sum_micro", 0) / count / MICRO, 6) if count else None,
                "min": self.mins.get(("quality", sig, lg, out)),
                "max": self.maxs.get(("quality", sig, lg, out)),
                "hist": _sorted_labels(q_hist.get(sig, {}).get(lg, {}).get(out, {})),
            }
            quality.setdefault(sig, {}).setdefault(lg, {})[out] = entry

        def sort_nested(d: dict[str, Any], depth: int) -> dict[str, Any]:
            if depth == 0:
                return _sorted_labels(d)
            return {k: sort_nested(v, depth - 1) for k, v in sorted(d.items())}

        pii_types: dict[str, dict[str, int]] = {}
        for out, by_lang in pii.items():
            side = "kept" if out == "kept" else "rejected"
            for types in by_lang.values():
                for t, v in types.items():
                    pii_types.setdefault(side, {})[t] = pii_types.setdefault(side, {}).get(t, 0) + v

        return {
            "stats_version": STATS_VERSION,
            "token_estimator": dict(TOKEN_ESTIMATOR),
            "bins": dict(BINS_DOC),
            "totals": totals,
            "languages": {k: _finish_entry(v) for k, v in sorted(languages.items())},
            "sources": {k: _finish_entry(v) for k, v in sorted(sources.items())},
            "cells": [{"lang": lg, "source": src, "outcome": out, **c} for (lg, src, out), c in sorted(cells.items())],
            "reasons": {r: dict(sorted(v.items())) for r, v in sorted(reasons.items())},
            "distributions": {name: sort_nested(h, 2) for name, h in sorted(hists.items())},
            "quality": {
                s: {lg: dict(sorted(o.items())) for lg, o in sorted(v.items())} for s, v in sorted(quality.items())
            },
            "cluster_sizes": {
                lg: dict(sorted(v.items(), key=lambda kv: int(kv[0]))) for lg, v in sorted(clusters.items())
            },
            "licences": {
                k: dict(v, languages=dict(sorted(v["languages"].items()))) for k, v in sorted(licences.items())
            },
            "publishers": dict(sorted(publishers.items(), key=lambda kv: (-kv[1]["documents"], kv[0]))),
            "domains": {
                k: dict(v, sources=dict(sorted(v["sources"].items())))
                for k, v in sorted(domains.items(), key=lambda kv: (-kv[1]["documents"], kv[0]))
            },
            "pii": {
                "matches": {side: dict(sorted(t.items())) for side, t in sorted(pii_types.items())},
                "matches_by_language": sort_nested(pii, 2),
                "documents_with_pii": sort_nested(pii_docs, 1),
            },
            "dates": {
                name: {"min": self.mins.get(("dates", name)), "max": self.maxs.get(("dates", name))}
                for name in ("retrieved", "date")
            },
        }


def _sorted_labels(d: dict[str, Any]) -> dict[str, Any]:
    return dict(sorted(d.items(), key=lambda kv: _label_sort_key(kv[0])))


def _finish_entry(entry: dict[str, Any]) -> dict[str, Any]:
    entry["rejected"] = dict(sorted(entry["rejected"].items()))
    return entry


# -- reading a release ---------------------------------------------------------------------

#: Columns read from shards for statistics (the text is needed for lengths; nothing else large).
_DOC_COLUMNS = (
    "text",
    "lang",
    "lang_flags",
    "metadata",
    "declared_lang",
    "source",
    "reason",
    "lang_score",
    "quality",
    "pii",
    "cluster_size",
    "licence",
    "publisher",
    "url",
    "retrieved",
    "date",
)


def shard_stats(path: str | Path, kind: str, batch_rows: int = 65_536) -> PartialStats:
    """Statistics of one shard (``kind`` = ``data``, ``rejected`` or ``errors``), read in batches.

    Memory is bounded by ``batch_rows`` rows (default 65,536) at a time.
    """
    part = PartialStats()
    if kind not in ("data", "rejected", "errors"):
        raise InputError(f"unknown shard kind '{kind}' (allowed: data, rejected, errors)", uri=str(path))
    with open_parquet(str(path)) as pf:
        present = set(pf.schema_arrow.names)
        if kind == "errors":
            for batch in pf.iter_batches(batch_size=batch_rows):
                part.add_errors(pa.Table.from_batches([batch]))
            return part
        cols = [c for c in _DOC_COLUMNS if c in present]
        for batch in pf.iter_batches(batch_size=batch_rows, columns=cols):
            part.add_documents(pa.Table.from_batches([batch]), kept=(kind == "data"))
    return part


@contextmanager
def _parquet_source(path: str) -> Iterator[Any]:
    """What pyarrow reads ``path`` from: a local path itself (Arrow's own file reader), a URI
    as a file opened through Beam's file systems (closed on leaving)."""
    if fsutil.is_local(path):
        yield fsutil.local_path(path)
        return
    with fsutil.open_read(path) as f:
        yield f


def read_parquet_table(path: str, **kwargs: Any) -> pa.Table:
    """``pyarrow.parquet.read_table`` of a local path or a URI (keyword arguments passed on);
    InputError naming the shard when it is missing or cannot be read (a truncated or corrupted
    shard was a pyarrow traceback in ``altedic inspect --sample`` and ``altedic mix``)."""
    try:
        with _parquet_source(path) as source:
            return pq.read_table(source, **kwargs)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(f"cannot read shard: {exc}", uri=path) from exc


@contextmanager
def open_parquet(path: str) -> Iterator[pq.ParquetFile]:
    """A Parquet file for reading, local path or URI (a remote file stays open while in use);
    InputError when it cannot be read."""
    with _parquet_source(path) as source:
        try:
            pf = pq.ParquetFile(source)
        except (OSError, pa.ArrowInvalid) as exc:
            raise InputError(f"cannot read shard: {exc}", uri=path) from exc
        yield pf


def release_partials(out_dir: str | Path, manifest: dict[str, Any]) -> list[PartialStats]:
    """One :class:`PartialStats` per shard listed in the manifest, in manifest order."""
    root = str(out_dir)
    # Parallel (aligned segment pair) shards are a side dataset, not documents of the corpus.
    return [
        shard_stats(fsutil.join(root, s["path"]), s["kind"])
        for s in manifest.get("shards", [])
        if s["kind"] != "parallel"
    ]


def release_stats(out_dir: str | Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The ``stats.json`` document of a release: per-shard partials merged."""
    return PartialStats.merge_all(release_partials(out_dir, manifest)).to_dict()


def check_accounting(stats: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    """Differences between the statistics and the manifest's per-source and per-language counts.

    Returns an empty list when they agree. For every source in the manifest with a ``read``
    count: read, derived (the extra parts of split documents), the documents whose declared
    language was contradicted and kept (where the manifest counts them), kept, errors and each
    rejection reason must equal the statistics; for every
    language in the manifest: kept and each rejection reason. Mixed releases (no ``read``) check
    only ``kept``.
    """
    problems: list[str] = []
    s_sources = stats.get("sources", {})
    for name, m in sorted(manifest.get("sources", {}).items()):
        s = s_sources.get(name, {"kept": {"documents": 0}, "rejected": {}, "errors_total": 0, "read": 0})
        pairs: list[tuple[str, Any, Any]] = []
        if "kept" in m:
            pairs.append(("kept", m["kept"], s["kept"]["documents"]))
        if "read" in m:
            pairs.append(("read", m["read"], s["read"]))
            pairs.append(("derived", m.get("derived", 0), s.get("derived", 0)))
            if "declared_mismatch" in m:  # (manifests written before it was counted have none)
                pairs.append(("declared_mismatch", m["declared_mismatch"], s.get("declared_mismatch", 0)))
            pairs.append(("errors", m.get("errors", 0), s["errors_total"]))
            m_rej = m.get("rejected", {})
            for reason in sorted(set(m_rej) | set(s["rejected"])):
                pairs.append(
                    (f"rejected[{reason}]", m_rej.get(reason, 0), s["rejected"].get(reason, {}).get("documents", 0))
                )
        for what, expected, got in pairs:
            if expected != got:
                problems.append(f"source '{name}': manifest {what} = {expected}, shards have {got}")
    s_langs = stats.get("languages", {})
    for lang, m in sorted(manifest.get("languages", {}).items()):
        s = s_langs.get(lang, {"kept": {"documents": 0}, "rejected": {}})
        if m.get("kept", 0) != s["kept"]["documents"]:
            problems.append(
                f"language '{lang}': manifest kept = {m.get('kept', 0)}, shards have {s['kept']['documents']}"
            )
        m_rej = m.get("rejected", {})
        for reason in sorted(set(m_rej) | set(s["rejected"])):
            got = s["rejected"].get(reason, {}).get("documents", 0)
            if m_rej.get(reason, 0) != got:
                problems.append(
                    f"language '{lang}': manifest rejected[{reason}] = {m_rej.get(reason, 0)}, shards have {got}"
                )
    return problems


def accounting_text(totals: dict[str, Any]) -> str:
    """``read R [+ D split parts] = kept K + rejected J + errors E`` from the ``totals`` of stats."""
    derived = totals.get("derived", 0)
    parts = f" + {derived:,} split part{'s' if derived != 1 else ''}" if derived else ""
    return (
        f"read {totals['read']:,}{parts} = kept {totals['kept']['documents']:,} + rejected "
        f"{totals['rejected']['documents']:,} + errors {totals['errors']:,}"
    )


def stats_json(stats: dict[str, Any]) -> str:
    """The text of ``stats.json`` (sorted lists, 1-space indent, trailing newline)."""
    return json.dumps(stats, ensure_ascii=False, indent=1) + "\n"


def language_rows(stats: dict[str, Any]) -> list[list[Any]]:
    """Per language: code, kept documents, characters, words, estimated tokens, rejected documents.

    The one table the report and the dataset card both show (each with its own headers).
    """
    return [
        [
            lg,
            v["kept"]["documents"],
            v["kept"]["characters"],
            v["kept"]["words"],
            v["kept"]["tokens_est"],
            v["rejected_total"]["documents"],
        ]
        for lg, v in stats["languages"].items()
    ]
