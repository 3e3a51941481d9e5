"""Finalise a release: statistics, report, dataset card and training-content summary.

Called by the pipeline after the shards and the manifest's shard list are written, and before
``_SUCCESS``. :func:`finalise` computes ``stats.json`` from the shards (one mergeable partial
per shard), checks it against the manifest's per-source and per-language accounting, writes
``report.html``, ``README.md`` and ``training-content-summary.{json,md}`` and returns the
manifest entries to add: the SHA-256 and size of every file it wrote. None of these files
contains a run timestamp, so two runs of the same recipe give byte-identical release files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from altedic import fsutil
from altedic.errors import RunError
from altedic.release.card import render_card
from altedic.release.report import render_report
from altedic.release.stats import check_accounting, release_stats, stats_json
from altedic.release.summary import build_summary, render_summary_md, summary_json

#: The files :func:`finalise` writes, relative to the output directory.
RELEASE_FILES = (
    "stats.json",
    "report.html",
    "README.md",
    "training-content-summary.json",
    "training-content-summary.md",
)


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file (a local path or a URI), read in 1 MiB chunks."""
    h = hashlib.sha256()
    with fsutil.open_read(str(path)) as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The text of ``manifest.json`` as ``altedic run``, ``altedic mix`` and ``altedic summary``
    write it (keys sorted, 2-space indent, UTF-8)."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")


def finalise(
    out_dir: str, manifest: dict[str, Any], stats: dict[str, Any] | None = None, processes: int = 1
) -> dict[str, Any]:
    """Write the release documents of ``out_dir`` and return extra manifest entries.

    ``manifest`` must already list the shards (``manifest["shards"]``). ``stats`` is the merged
    statistics when the pipeline computed per-shard partials on its workers (``altedic run``
    does); without it they are computed here from the shards. ``processes`` > 1: the report's
    plots may be drawn in that many waiting local worker processes (same files). Raises
    :class:`~altedic.errors.RunError` when the statistics computed from the shards disagree with
    the manifest's accounting (a shard lost or duplicated rows). Returns
    ``{"release_files": {name: {"sha256": hex, "bytes": n}}, "stats": {"kept": n, "rejected": n,
    "errors": n, "tokens_est": n, "token_estimator": name}}``.
    """
    if stats is None:
        stats = release_stats(out_dir, manifest)
    problems = check_accounting(stats, manifest)
    if problems:
        raise RunError("the shards do not add up to the manifest's accounting:\n  " + "\n  ".join(problems))
    summary = build_summary(manifest, stats)
    documents = {
        "stats.json": stats_json(stats),
        "report.html": render_report(stats, manifest, processes),
        "README.md": render_card(stats, manifest),
        "training-content-summary.json": summary_json(summary),
        "training-content-summary.md": render_summary_md(summary),
    }
    files = {}
    for name in RELEASE_FILES:
        # Through fsutil: a local folder or a bucket (gs://, s3://...) alike.
        data = documents[name].encode("utf-8")
        fsutil.write_bytes(fsutil.join(out_dir, name), data)
        files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    return {
        "release_files": files,
        "stats": {
            "kept": stats["totals"]["kept"]["documents"],
            "rejected": stats["totals"]["rejected"]["documents"],
            "errors": stats["totals"]["errors"],
            "tokens_est": stats["totals"]["kept"]["tokens_est"],
            "token_estimator": stats["token_estimator"]["name"],
        },
    }
