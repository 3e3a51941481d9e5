"""Look at a release from the terminal: overview, checksum verification, samples.

The release may be a local folder or a URI (``gs://``, ``s3://``...: Beam's file systems, as
for ``altedic run --out``), so a release written by a Dataflow job is inspected where it lies.

* :func:`verify_shards` checks every shard listed in the manifest: present, same size, same
  SHA-256, readable Parquet with the listed row count; the release documents (``release_files``:
  ``stats.json``, ``README.md``...) and the dedup signature files (``dedup_files``): present,
  same size, same SHA-256; and reports Parquet files under ``data/``, ``rejected/``, ``errors/``
  or ``parallel/``, and any file under ``dedup/``, that the manifest does not list.
* :func:`overview` renders the per-language table, totals, rejection reasons and errors.
* :func:`sample_documents` and :func:`sample_rejected` pick documents deterministically for a
  seed (the ``n`` smallest BLAKE2b hashes of ``seed`` + id), so two people looking at
  ``--sample 5 --lang mt --seed 0`` see the same five documents, whatever the sharding.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from altedic import fsutil
from altedic.errors import ConfigError, InputError, RunError
from altedic.records import UNDETERMINED_LANG
from altedic.release.finalise import sha256_file
from altedic.release.stats import (
    accounting_text,
    check_accounting,
    open_parquet,
    read_parquet_table,
    release_stats,
)


@dataclass(frozen=True, slots=True)
class ShardCheck:
    """Result of checking one listed file (a shard, a release document, a dedup signature file) or
    an unlisted one. ``status``: ok, missing, size, checksum, rows, unreadable, unlisted."""

    path: str
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _read_json(path: str) -> Any:
    return _parse_json(fsutil.read_bytes(path), path)


def _parse_json(raw: bytes, path: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid JSON: {exc}", file=path) from None


def load_manifest(out_dir: str | Path) -> dict[str, Any]:
    """Read ``OUT/manifest.json``; a missing or broken manifest is a :class:`ConfigError`."""
    path = fsutil.join(str(out_dir), "manifest.json")
    if not fsutil.exists(path):
        raise ConfigError("no manifest.json: is this an altedic output directory?", file=path)
    data = _read_json(path)
    if not isinstance(data, dict) or "shards" not in data:
        raise ConfigError("not an altedic manifest (no 'shards' list)", file=str(path))
    problem = manifest_problem(data)
    if problem is not None:
        key, message = problem
        raise ConfigError(message, file=str(path), key=key)
    return data


#: The kinds of shard a release lists (``parallel``: aligned segment pairs of translation memories).
SHARD_KINDS = ("data", "rejected", "errors", "parallel")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def manifest_problem(manifest: dict[str, Any]) -> tuple[str, str] | None:
    """The first thing wrong with the parts of a manifest that inspect, mix and summary rely on,
    as (key, message), or None. A hand-edited or damaged manifest was a KeyError or TypeError
    traceback; a shard path leading out of the release (absolute, ``..``) would have been read,
    hashed and sampled as if it were a shard of it."""
    shards = manifest.get("shards")
    if not isinstance(shards, list):
        return "shards", f"must be a list of shards, not {type(shards).__name__}"
    for i, shard in enumerate(shards):
        key = f"shards[{i}]"
        if not isinstance(shard, dict):
            return key, f"must be a mapping (path, kind, ...), not {type(shard).__name__}"
        problem = _file_entry_problem(shard.get("path"), shard)
        if problem is not None and problem[0] == "path":
            return f"{key}.path", problem[1]
        kind = shard.get("kind")
        if kind not in SHARD_KINDS:
            return f"{key}.kind", f"{kind!r} is not a shard kind (allowed: {', '.join(SHARD_KINDS)})"
        if shard.get("lang") is not None and not isinstance(shard["lang"], str):
            return f"{key}.lang", f"must be a language code, not {type(shard['lang']).__name__}"
        if problem is not None:
            return f"{key}.{problem[0]}", problem[1]
    release_files = manifest.get("release_files", {})
    if not isinstance(release_files, dict):
        return "release_files", f"must be a mapping of file names, not {type(release_files).__name__}"
    dedup_files = manifest.get("dedup_files", [])
    if not isinstance(dedup_files, list):
        return "dedup_files", f"must be a list of files, not {type(dedup_files).__name__}"
    # A release document is named by its key, a dedup file by its "path".
    listed = [(f"release_files.{name}", name, entry, "") for name, entry in release_files.items()]
    listed += [
        (f"dedup_files[{i}]", f.get("path") if isinstance(f, dict) else None, f, ".path")
        for i, f in enumerate(dedup_files)
    ]
    for key, rel, entry, path_key in listed:
        if not isinstance(entry, dict):
            return key, f"must be a mapping (sha256, bytes), not {type(entry).__name__}"
        problem = _file_entry_problem(rel, entry)
        if problem is not None:
            field, message = problem
            return key + (path_key if field == "path" else f".{field}"), message
    for section in ("sources", "languages", "schemas"):
        if section in manifest and not isinstance(manifest[section], dict):
            return section, f"must be a mapping, not {type(manifest[section]).__name__}"
    return None


def _file_entry_problem(rel: Any, entry: dict[str, Any]) -> tuple[str, str] | None:
    """What is wrong with a listed file's ``path`` (relative, inside the release), ``rows``,
    ``bytes`` and ``sha256``, as (field, message), or None."""
    if not isinstance(rel, str) or not rel.strip():
        return "path", "missing: every shard names its file, relative to the release"
    parts = rel.replace("\\", "/").split("/")
    if rel.startswith(("/", "\\")) or ".." in parts or (parts[0].endswith(":") and len(parts[0]) > 1):
        return "path", f"{rel!r} leads out of the release (a shard path is relative, without '..')"
    for field in ("rows", "bytes"):
        value = entry.get(field)
        if field in entry and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            return field, f"must be a whole number >= 0, not {value!r}"
    if "sha256" in entry and not (isinstance(entry["sha256"], str) and _SHA256.fullmatch(entry["sha256"])):
        return "sha256", "must be 64 lower-case hexadecimal digits"
    return None


#: What a release's ``stats.json`` is checked against before summary and mix rely on it.
STATS_FILE = "stats.json"


def stats_file_problem(data: bytes, manifest: dict[str, Any]) -> str | None:
    """Why ``stats.json`` (its bytes) does not match the manifest's ``release_files`` entry, or None
    when it does. A release whose manifest does not list it has nothing to vouch for it: None, and
    :func:`load_stats` computes the statistics from the shards instead."""
    entry = (manifest.get("release_files") or {}).get(STATS_FILE) or {}
    if "sha256" not in entry:
        return None
    digest = hashlib.sha256(data).hexdigest()
    if digest == entry["sha256"]:
        return None
    return f"does not match the manifest (sha256 {digest[:16]}…, manifest says {entry['sha256'][:16]}…)"


def load_stats(out_dir: str | Path, manifest: dict[str, Any], verify: bool = True) -> dict[str, Any]:
    """``OUT/stats.json`` if present, else statistics computed from the shards.

    ``verify`` (summary, mix): ``stats.json`` is used only when the manifest lists it
    (``release_files``) and its SHA-256 matches, a RunError naming it when it does not match (an
    edited file published its figures in the summary and set mix's rates); statistics computed
    from the shards must agree with the manifest's accounting."""
    path = fsutil.join(str(out_dir), STATS_FILE)
    listed = STATS_FILE in (manifest.get("release_files") or {})
    if fsutil.exists(path) and (listed or not verify):
        raw = fsutil.read_bytes(path)
        problem = stats_file_problem(raw, manifest) if verify else None
        if problem is not None:
            raise RunError(
                f"{path}: {problem}: it was changed after the release was written, so its figures cannot be "
                "trusted; restore it, or delete it and the statistics are computed from the shards"
            )
        data = _parse_json(raw, path)
        if not isinstance(data, dict):
            raise ConfigError(f"expected a JSON object, not {type(data).__name__}", file=path)
        return data
    stats = release_stats(out_dir, manifest)
    if verify:
        problems = check_accounting(stats, manifest)
        if problems:
            raise RunError(f"{out_dir}: the shards do not add up to the manifest's accounting: " + "; ".join(problems))
    return stats


def verify_shards(
    out_dir: str | Path, manifest: dict[str, Any], kinds: tuple[str, ...] | None = None
) -> list[ShardCheck]:
    """Check every listed shard against the manifest (size, SHA-256, row count), then the release
    documents (``release_files``) and dedup signature files (``dedup_files``: size, SHA-256), and
    find unlisted shards and dedup files; with ``kinds`` (``("data",)``), only the shards of those
    kinds and their folders."""
    root = str(out_dir)
    checks: list[ShardCheck] = []
    listed = set()
    for shard in manifest.get("shards", []):
        if kinds is not None and shard.get("kind") not in kinds:
            continue
        rel = shard["path"]
        listed.add(rel)
        path = fsutil.join(root, rel)
        problem = _file_check(root, rel, shard)
        if problem is not None:
            checks.append(problem)
            continue
        try:
            with open_parquet(path) as pf:
                rows = pf.metadata.num_rows
        except InputError as exc:
            checks.append(ShardCheck(rel, "unreadable", exc.message))
            continue
        if "rows" in shard and rows != shard["rows"]:
            checks.append(ShardCheck(rel, "rows", f"{rows} rows, manifest says {shard['rows']}"))
            continue
        checks.append(ShardCheck(rel, "ok"))
    dedup_listed = {f["path"] for f in manifest.get("dedup_files", [])}
    if kinds is None:
        others = sorted((manifest.get("release_files") or {}).items())
        others += [(f["path"], f) for f in manifest.get("dedup_files", [])]
        for rel, entry in others:
            checks.append(_file_check(root, rel, entry) or ShardCheck(rel, "ok"))
    for sub in SHARD_KINDS:
        if kinds is not None and sub not in kinds:
            continue
        for name in fsutil.list_files(fsutil.join(root, sub)):
            rel = f"{sub}/{Path(name).as_posix()}"
            if rel.endswith(".parquet") and rel not in listed:
                checks.append(ShardCheck(rel, "unlisted", "Parquet file not listed in the manifest"))
    if kinds is None:
        # Every file of dedup/ is listed (signatures and params.json), Parquet or not.
        for name in fsutil.list_files(fsutil.join(root, "dedup")):
            rel = f"dedup/{Path(name).as_posix()}"
            if rel not in dedup_listed:
                checks.append(ShardCheck(rel, "unlisted", "file not listed in the manifest"))
    return checks


def _file_check(root: str, rel: str, entry: dict[str, Any]) -> ShardCheck | None:
    """The verdict on a listed file that is missing or whose size or SHA-256 differs from the
    manifest's ``entry``; None when it matches."""
    path = fsutil.join(root, rel)
    try:
        size = fsutil.size(path)
    except FileNotFoundError:
        return ShardCheck(rel, "missing", "file not found")
    if "bytes" in entry and size != entry["bytes"]:
        return ShardCheck(rel, "size", f"{size} bytes, manifest says {entry['bytes']}")
    digest = sha256_file(path)
    if "sha256" in entry and digest != entry["sha256"]:
        return ShardCheck(rel, "checksum", f"sha256 {digest[:16]}…, manifest says {entry['sha256'][:16]}…")
    return None


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[f"{c:,}" if isinstance(c, int) else ("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True)))
    ]
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        )
    return "\n".join(lines)


def overview(stats: dict[str, Any], manifest: dict[str, Any], checks: list[ShardCheck] | None = None) -> str:
    """The release at a glance (plain text, fixed-width tables)."""
    t = stats["totals"]
    shards_per_lang: dict[str, int] = {}
    for s in manifest.get("shards", []):
        if s.get("kind") == "data":
            shards_per_lang[str(s.get("lang"))] = shards_per_lang.get(str(s.get("lang")), 0) + 1
    out = [
        f"release {manifest.get('name', '?')} (altedic {manifest.get('altedic_version', '?')})",
        "",
        _table(
            ["lang", "kept", "characters", "tokens~", "rejected", "shards"],
            [
                [
                    lg,
                    v["kept"]["documents"],
                    v["kept"]["characters"],
                    v["kept"]["tokens_est"],
                    v["rejected_total"]["documents"],
                    shards_per_lang.get(lg, 0),
                ]
                for lg, v in stats["languages"].items()
            ]
            + [
                [
                    "TOTAL",
                    t["kept"]["documents"],
                    t["kept"]["characters"],
                    t["kept"]["tokens_est"],
                    t["rejected"]["documents"],
                    sum(shards_per_lang.values()),
                ]
            ],
        ),
        "",
        accounting_text(t) + f"   (tokens~ = {stats['token_estimator']['formula']})",
    ]
    if stats["reasons"]:
        out += [
            "",
            "rejection reasons:",
            _table(
                ["reason", "documents", "by language"],
                [
                    [r, sum(by.values()), " ".join(f"{lg}:{n}" for lg, n in by.items())]
                    for r, by in stats["reasons"].items()
                ],
            ),
        ]
    errs = [
        [s, v["errors_total"], " ".join(f"{k}:{n}" for k, n in v["errors"].items())]
        for s, v in stats["sources"].items()
        if v.get("errors_total")
    ]
    if errs:
        out += ["", "unreadable inputs:", _table(["source", "errors", "by kind"], errs)]
    if checks is not None:
        out += ["", checks_text(checks)]
    return "\n".join(out) + "\n"


def checks_text(checks: list[ShardCheck]) -> str:
    """The checksum verdicts: how many shards are OK, then one line per problem."""
    lines = [f"checksums: {sum(c.ok for c in checks)} of {len(checks)} files OK"]
    lines += [f"  {c.status.upper():10s} {c.path}: {c.detail}" for c in checks if not c.ok]
    return "\n".join(lines)


def _sample_key(seed: int, doc_id: str) -> bytes:
    return hashlib.blake2b(f"{seed}\0{doc_id}".encode(), digest_size=8).digest()


def _sample(paths: list[str], n: int, seed: int, where: pc.Expression | None) -> list[dict[str, Any]]:
    if n <= 0 or not paths:
        return []
    keyed: list[tuple[bytes, int, str]] = []
    for i, path in enumerate(paths):
        table = read_parquet_table(
            path, columns=["id", *(["reason", "lang", "declared_lang"] if where is not None else [])]
        )
        if where is not None:
            table = table.filter(where)
        keyed.extend((_sample_key(seed, doc_id), i, doc_id) for doc_id in table.column("id").to_pylist())
    chosen = sorted(keyed)[:n]
    picked: list[dict[str, Any]] = []
    for _key, i, doc_id in chosen:
        table = read_parquet_table(paths[i], filters=[("id", "=", doc_id)])
        picked.append(table.slice(0, 1).to_pylist()[0])
    return picked


def sample_documents(
    out_dir: str | Path, manifest: dict[str, Any], lang: str | None, n: int, seed: int = 0
) -> list[dict[str, Any]]:
    """``n`` kept documents (of ``lang``, or of every language), chosen deterministically for ``seed``.

    A ConfigError when there is nothing to sample: a release without any data shard (every
    document rejected, or a mix that gave none a copy) or a ``lang`` without one.
    """
    root = str(out_dir)
    langs = sorted({str(s.get("lang")) for s in manifest["shards"] if s.get("kind") == "data"})
    if not langs:
        raise ConfigError(
            "nothing to sample: the release is empty (no kept document, no data shard); "
            f"`altedic inspect {root}` shows what was read and rejected, `--rejected REASON` shows rejected documents",
            key="--sample",
        )
    paths = [
        fsutil.join(root, s["path"])
        for s in manifest["shards"]
        if s.get("kind") == "data" and (lang is None or s.get("lang") == lang)
    ]
    if lang is not None and not paths:
        raise ConfigError(f"no shards for language '{lang}' (languages: {', '.join(langs)})", key="--lang")
    return _sample(paths, n, seed, None)


def sample_rejected(
    out_dir: str | Path, manifest: dict[str, Any], reason: str, n: int, lang: str | None = None, seed: int = 0
) -> list[dict[str, Any]]:
    """``n`` documents rejected with ``reason`` (optionally of ``lang``), chosen deterministically."""
    return _sample(_rejected_paths(out_dir, manifest), n, seed, _rejected_filter(reason, lang))


def _rejected_paths(out_dir: str | Path, manifest: dict[str, Any]) -> list[str]:
    return [fsutil.join(str(out_dir), s["path"]) for s in manifest["shards"] if s.get("kind") == "rejected"]


def _rejected_filter(reason: str, lang: str | None) -> pc.Expression:
    where = pc.field("reason") == reason
    if lang is not None:
        # the language it is counted under (altedic.records.counted_lang): detected, else declared
        counted = pc.coalesce(pc.field("lang"), pc.field("declared_lang"), pc.scalar(UNDETERMINED_LANG))
        where = where & (counted == lang)
    return where


def count_rejected(out_dir: str | Path, manifest: dict[str, Any], reason: str, lang: str | None = None) -> int:
    """How many documents were rejected with ``reason`` (optionally of ``lang``): the total that
    :func:`sample_rejected` samples from."""
    where = _rejected_filter(reason, lang)
    columns = ["reason", "lang", "declared_lang"]
    return sum(
        read_parquet_table(p, columns=columns).filter(where).num_rows for p in _rejected_paths(out_dir, manifest)
    )


def format_document(doc: dict[str, Any], width: int = 100, max_chars: int = 600) -> str:
    """A document for the terminal: header lines, then the text wrapped to ``width`` (truncated)."""
    text = doc.get("text") or ""
    shown = text if len(text) <= max_chars else text[:max_chars] + f" … [{len(text) - max_chars:,} more characters]"
    score = doc.get("lang_score")
    head = [
        f"── {doc.get('id')}  lang={doc.get('lang')}"
        + (f" ({score:.2f})" if isinstance(score, float) else "")
        + f"  source={doc.get('source')}",
        f"   {doc.get('uri')} {doc.get('position') or ''}".rstrip(),
    ]
    if doc.get("reason"):
        head.append(
            f"   rejected: {doc['reason']}"
            + (f" — {doc['reason_detail']}" if doc.get("reason_detail") else "")
            + (f" (duplicate of {doc['duplicate_of']})" if doc.get("duplicate_of") else "")
        )
    quality = doc.get("quality")
    if quality:
        items = quality.items() if isinstance(quality, dict) else [(kv["key"], kv["value"]) for kv in quality]
        head.append("   quality: " + ", ".join(f"{k}={v:.3g}" for k, v in items))
    body = "\n".join(
        textwrap.fill(p, width=width, initial_indent="   ", subsequent_indent="   ")
        for p in shown.split("\n")
        if p.strip()
    )
    return "\n".join([*head, body]) + "\n"
