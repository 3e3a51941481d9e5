"""Mix a release into a new one with per-language sampling rates.

Two ways to set the rate of each language (expected number of copies of each document):

* ``weights``: explicit rates, e.g. ``{mt: 3.0, ga: 3.0, el: 1.0, bg: 0.5}``; a language not
  listed gets ``default`` (1.0 unless the weights file says otherwise; 0 drops it).
* ``temperature`` T (> 0): target shares ``p_l ∝ (n_l / N) ** (1 / T)`` over the estimated
  tokens ``n_l`` of each language (T = 1 keeps the natural mix, larger T flattens it towards
  uniform), as in XLM-R / mT5 sampling (Conneau et al. 2020, §3.1; Xue et al. 2021, §2.2).
  The rate is ``p_l * target / n_l`` where ``target`` is ``target_tokens`` (> 0; with
  temperature only: weights are rates already) or, by default, the release's total estimated
  tokens.

A value of the wrong type in the weights file (a rate written ``abc``, a seed of ``1.5``) is a
ConfigError naming the file and the key.

Each document is kept ``floor(r)`` times plus once more with probability ``frac(r)``, decided
by ``BLAKE2b(seed, id)``: the choice depends on the seed and the document only, not on the
order, the sharding or the machine, so the mix is deterministic for a seed. Repeated copies
keep their id (they are the same document). The new release has its own manifest (with a
``mix`` section naming the parent release, its manifest's SHA-256, the seed, the rates, the
documents in and out per language, and ``processing``: the parent's accounting, rejections by
reason and PII matches, which the card and the summary give as the parent's), statistics,
report, card and summary.

Weights file (YAML)::

    seed: 17              # optional, overridden by --seed
    default: 1.0          # rate of languages not listed
    weights: {mt: 3, ga: 3, bg: 0.5}
    # or: temperature: 3.0
    #     target_tokens: 1000000000
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from altedic import fsutil, yamlload
from altedic.beam.steps import parquet_compression, shard_format
from altedic.errors import ConfigError, RunError
from altedic.release.finalise import finalise, manifest_bytes, sha256_file
from altedic.release.inspect import load_manifest, load_stats, verify_shards
from altedic.release.stats import read_parquet_table
from altedic.schema import arrow_schema

#: Largest number of rows written to one shard of the mixed release.
DEFAULT_MAX_ROWS_PER_SHARD = 100_000


def load_weights_file(path: str | Path) -> dict[str, Any]:
    """Read and check a weights file (see the module docstring); returns the mapping."""
    p = Path(path)
    try:
        data = yamlload.safe_load(p.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError("weights file not found", file=str(p)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start}: {exc.reason})", file=str(p)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", file=str(p)) from None
    if not isinstance(data, dict):
        raise ConfigError("a weights file is a mapping with 'weights' or 'temperature'", file=str(p))
    unknown = set(data) - {"weights", "temperature", "default", "seed", "target_tokens"}
    if unknown:
        raise ConfigError(
            f"unknown keys {sorted(unknown)} (allowed: weights, temperature, default, seed, target_tokens)", file=str(p)
        )
    # Types are checked here, where the file can be named (a rate written "abc" was a ValueError
    # traceback); the ranges are checked where the values are used (sampling_rates).
    weights = data.get("weights")
    if weights is not None:
        if not isinstance(weights, dict):
            raise ConfigError("'weights' must map language codes to rates", file=str(p), key="weights")
        for lg, rate in weights.items():
            if not _is_number(rate):
                raise ConfigError(f"the rate of {lg!r} must be a number, got {rate!r}", file=str(p), key="weights")
    for key in ("temperature", "default"):
        if key in data and not _is_number(data[key]):
            raise ConfigError(f"{key!r} must be a number, got {data[key]!r}", file=str(p), key=key)
    for key in ("seed", "target_tokens"):
        if key in data and (isinstance(data[key], bool) or not isinstance(data[key], int)):
            raise ConfigError(f"{key!r} must be a whole number, got {data[key]!r}", file=str(p), key=key)
    return data


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def sampling_rates(
    stats: dict[str, Any],
    weights: dict[str, float] | None = None,
    temperature: float | None = None,
    default: float = 1.0,
    target_tokens: int | None = None,
) -> dict[str, float]:
    """Rate (expected copies per document, >= 0) of every language with kept documents."""
    if (weights is None) == (temperature is None):
        raise ConfigError("give exactly one of 'weights' and 'temperature'")
    if target_tokens is not None:
        if weights is not None:
            # weights are rates per document: a target size would be silently ignored
            raise ConfigError("target_tokens goes with temperature sampling, not with weights", key="target_tokens")
        if not target_tokens > 0:
            raise ConfigError(f"target_tokens must be > 0, got {target_tokens}", key="target_tokens")
    tokens = {lg: v["kept"]["tokens_est"] for lg, v in stats["languages"].items() if v["kept"]["documents"] > 0}
    if weights is not None:
        if not isinstance(weights, dict):
            raise ConfigError("'weights' must map language codes to rates", key="weights")
        unknown = sorted(set(weights) - set(tokens))
        if unknown:
            raise ConfigError(f"languages not in the release: {unknown} (release has {sorted(tokens)})", key="weights")
        rates = {lg: float(weights.get(lg, default)) for lg in tokens}
        bad = {lg: r for lg, r in rates.items() if not (r >= 0 and math.isfinite(r))}
        if bad:
            raise ConfigError(f"rates must be finite and >= 0, got {bad}", key="weights")
        return rates
    assert temperature is not None
    if not (temperature > 0 and math.isfinite(temperature)):
        raise ConfigError(f"temperature must be > 0, got {temperature}", key="temperature")
    total = sum(tokens.values())
    if total == 0:
        return dict.fromkeys(tokens, 0.0)
    target = total if target_tokens is None else int(target_tokens)
    powered = {lg: (n / total) ** (1.0 / temperature) for lg, n in tokens.items() if n > 0}
    z = sum(powered.values())
    return {lg: (powered[lg] / z * target / tokens[lg]) if tokens[lg] > 0 else 0.0 for lg in tokens}


def copies(ids: list[str], rate: float, seed: int) -> np.ndarray:
    """Number of copies of each document for ``rate``: floor(rate) + Bernoulli(frac(rate)) by hash."""
    whole = math.floor(rate)
    frac = rate - whole
    if frac == 0:
        return np.full(len(ids), whole, dtype=np.int64)
    u = np.array(
        [int.from_bytes(hashlib.blake2b(f"{seed}\0{i}".encode(), digest_size=8).digest(), "big") for i in ids],
        dtype=np.uint64,
    )
    # u / 2**64 < frac  <=>  u < frac * 2**64 (compared in float64; the rounding is below 1e-16).
    extra = (u.astype(np.float64) / 2.0**64) < frac
    return whole + extra.astype(np.int64)


def mix(
    out_dir: str | Path,
    dest: str | Path,
    *,
    weights: dict[str, float] | None = None,
    temperature: float | None = None,
    default: float = 1.0,
    target_tokens: int | None = None,
    seed: int = 0,
    max_rows_per_shard: int = DEFAULT_MAX_ROWS_PER_SHARD,
) -> dict[str, Any]:
    """Write the mixed release to ``dest`` (must not exist or be empty) and return its manifest."""
    src = str(out_dir)
    dst = str(dest)
    # A mix written inside its parent lands among the parent's files (which the parent's manifest
    # does not list, so `altedic inspect` of the parent fails); a parent inside the output would
    # be read while the mix is written around it.
    if _within(dst, src):
        raise ConfigError(
            f"{dst} is inside the release {src}: the mixed release would be written among the parent's files; "
            "choose an output outside it",
            key="--out",
        )
    if _within(src, dst):
        raise ConfigError(
            f"the release {src} is inside {dst}: the mixed release would be written around its parent; "
            "choose an output that does not contain it",
            key="--out",
        )
    if fsutil.list_files(dst):
        raise RunError(f"{dst}: output directory exists and is not empty")
    if max_rows_per_shard < 1:
        raise ConfigError("max_rows_per_shard must be >= 1")
    parent = load_manifest(src)
    # The new manifest names this release as its parent: sampling shards that no longer match
    # their checksums would pass damaged or altered data on under a fresh, valid manifest.
    bad = [c for c in verify_shards(src, parent, kinds=("data",)) if not c.ok]
    if bad:
        listed = "; ".join(f"{c.path}: {c.status}, {c.detail}" for c in bad[:5])
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        raise RunError(
            f"{src}: {len(bad)} data shard(s) do not match the manifest, so this release cannot be mixed: "
            f"{listed}{more}. `altedic inspect {src}` lists every check."
        )
    stats = load_stats(src, parent)
    rates = sampling_rates(stats, weights, temperature, default, target_tokens)
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    schema = arrow_schema(str(parent.get("schemas", {}).get("document", "document.v1")))
    # The parent's shard format (compression, row-group size), as `altedic run` wrote its shards.
    compression, row_group_rows = shard_format((parent.get("recipe") or {}).get("output") or {})
    data_shards: dict[str, list[str]] = {}
    for s in parent["shards"]:
        if s.get("kind") == "data":
            data_shards.setdefault(str(s["lang"]), []).append(s["path"])

    # Pass 1: how many rows each language gets (ids only), to name shards part-i-of-n, and how
    # many distinct documents they are copies of.
    out_rows: dict[str, int] = {}
    in_rows: dict[str, int] = {}
    distinct: dict[str, int] = {}
    for lang, paths in sorted(data_shards.items()):
        rate = rates.get(lang, 0.0)
        n_in = n_out = n_distinct = 0
        for rel in sorted(paths):
            ids = read_parquet_table(fsutil.join(src, rel), columns=["id"]).column("id").to_pylist()
            reps = copies(ids, rate, seed)
            n_in += len(ids)
            n_out += int(reps.sum())
            n_distinct += int((reps > 0).sum())
        in_rows[lang], out_rows[lang], distinct[lang] = n_in, n_out, n_distinct

    # Pass 2: write.
    fsutil.makedirs(dst)
    shards: list[dict[str, Any]] = []
    per_source: dict[str, int] = {}
    for lang, paths in sorted(data_shards.items()):
        total = out_rows[lang]
        if total == 0:
            continue
        n_parts = math.ceil(total / max_rows_per_shard)
        part, written = 0, 0
        writer: _ShardWriter | None = None

        def close(w: _ShardWriter | None, rows: int, lang: str = lang) -> None:
            if w is not None:
                w.close()
                path = fsutil.join(dst, w.rel)
                shards.append(
                    {
                        "path": w.rel,
                        "kind": "data",
                        "lang": lang,
                        "rows": rows,
                        "bytes": fsutil.size(path),
                        "sha256": sha256_file(path),
                    }
                )

        for rel in sorted(paths):
            table = read_parquet_table(fsutil.join(src, rel), schema=schema)
            reps = copies(table.column("id").to_pylist(), rates.get(lang, 0.0), seed)
            idx = np.repeat(np.arange(table.num_rows), reps)
            chunk = table.take(pa.array(idx, pa.int64()))
            for s_name in chunk.column("source").to_pylist():
                per_source[s_name] = per_source.get(s_name, 0) + 1
            offset = 0
            while offset < chunk.num_rows:
                if writer is None:
                    writer = _ShardWriter(
                        dst,
                        f"data/{lang}/part-{part:05d}-of-{n_parts:05d}.parquet",
                        schema,
                        compression,
                        row_group_rows,
                    )
                take = min(max_rows_per_shard - written, chunk.num_rows - offset)
                writer.write(chunk.slice(offset, take))
                offset += take
                written += take
                if written == max_rows_per_shard:
                    close(writer, written)
                    writer, written, part = None, 0, part + 1
        close(writer, written)

    sources = {
        # (the parent's counts of what was read and removed are not the mix's)
        name: {k: v for k, v in s.items() if k not in ("read", "rejected", "errors", "kept", "declared_mismatch")}
        | {"kept": per_source.get(name, 0)}
        for name, s in parent.get("sources", {}).items()
        if per_source.get(name, 0) > 0
    }
    manifest: dict[str, Any] = {
        "manifest_version": parent.get("manifest_version", 1),
        "altedic_version": parent.get("altedic_version"),
        "name": f"{parent.get('name', 'release')}-mix",
        "schemas": parent.get("schemas", {}),
        "run": {"started": started, "finished": None, "runner": "altedic mix", "workers": 1},
        # The parent's recipe, with its stage settings (recipe.stages), which the card and summary show.
        "recipe": parent.get("recipe", {}),
        "mix": {
            "parent": {
                "name": parent.get("name"),
                "path": src,
                "manifest_sha256": sha256_file(fsutil.join(src, "manifest.json")),
            },
            "seed": seed,
            "mode": "weights" if weights is not None else "temperature",
            "weights": weights,
            "default": default if weights is not None else None,
            "temperature": temperature,
            "target_tokens": target_tokens,
            "rates": {lg: round(r, 9) for lg, r in sorted(rates.items())},
            # in: the parent's kept documents; out: rows written; distinct: documents with a copy.
            "documents": {
                lg: {"in": in_rows[lg], "out": out_rows[lg], "distinct": distinct[lg]} for lg in sorted(in_rows)
            },
            "processing": parent_processing(parent, stats),
        },
        "shards": shards,
        "sources": dict(sorted(sources.items())),
        "refused_sources": parent.get("refused_sources", []),
        "languages": {lg: {"kept": n, "rejected": {}} for lg, n in sorted(out_rows.items()) if n > 0},
        "accounting": {"ok": True, "identity": "mixed release: kept = sum of sampled copies per language"},
        "implementations": parent.get("implementations", {}),
    }
    manifest.update(finalise(str(dst), manifest))
    manifest["run"]["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    fsutil.write_bytes(fsutil.join(dst, "manifest.json"), manifest_bytes(manifest))
    fsutil.write_bytes(fsutil.join(dst, "_SUCCESS"), b"")
    return manifest


def parent_processing(parent: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    """How the documents a mix samples were processed, for its card and summary: the accounting
    (read, split parts, kept, rejected, unreadable), the rejections by reason and language and
    the PII matches of the release that read them. A mix has no rejected/ or errors/ of its own
    and its statistics count only the sampled rows; a mix of a mix passes on its parent's record,
    so the figures stay those of the release that did the processing (named in ``release``)."""
    inherited = (parent.get("mix") or {}).get("processing")
    if inherited:
        return dict(inherited)
    t = stats["totals"]
    return {
        "release": parent.get("name"),
        "totals": {
            "read": t["read"],
            "derived": t.get("derived", 0),
            "kept": {"documents": t["kept"]["documents"]},
            "rejected": {"documents": t["rejected"]["documents"]},
            "errors": t["errors"],
        },
        "reasons": stats["reasons"],
        "pii": stats["pii"],
    }


def _within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or under it: local paths once resolved (symbolic links,
    ``..``, ``file://``), URIs by their text up to a ``/``; a local path is never under a URI."""
    if fsutil.is_local(path) != fsutil.is_local(folder):
        return False
    if fsutil.is_local(path):
        p, f = (os.path.realpath(fsutil.local_path(x)) for x in (path, folder))
        return os.path.commonpath([p, f]) == f
    p, f = path.rstrip("/"), folder.rstrip("/")
    return p == f or p.startswith(f + "/")


class _ShardWriter:
    """A Parquet shard being written under ``dst`` (a local folder or a URI) at ``rel``, with the
    compression and row groups of a run's shard (:func:`altedic.beam.steps.write_shard_table`):
    rows are buffered into groups of ``row_group_rows``, not one group per write."""

    def __init__(self, dst: str, rel: str, schema: pa.Schema, compression: str, row_group_rows: int) -> None:
        self.rel = rel
        self._rows = row_group_rows
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        # fsutil.create makes the parent folders of a local path and opens a URI through Beam
        self._handle = fsutil.create(fsutil.join(dst, rel))
        self._writer = pq.ParquetWriter(self._handle, schema, compression=parquet_compression(compression))

    def write(self, table: pa.Table) -> None:
        self._pending.append(table)
        self._pending_rows += table.num_rows
        if self._pending_rows >= self._rows:
            self._flush(whole_groups_only=True)

    def _flush(self, whole_groups_only: bool) -> None:
        table = pa.concat_tables(self._pending)
        keep = table.num_rows % self._rows if whole_groups_only else 0
        if table.num_rows - keep:
            self._writer.write_table(table.slice(0, table.num_rows - keep), row_group_size=self._rows)
        self._pending = [table.slice(table.num_rows - keep)] if keep else []
        self._pending_rows = keep

    def close(self) -> None:
        if self._pending_rows:
            self._flush(whole_groups_only=False)
        self._writer.close()
        self._handle.close()
