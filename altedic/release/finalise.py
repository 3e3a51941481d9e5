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
from pathlib import Path
from typing import Any

from altedic.errors import RunError
from altedic.release.card import write_card
from altedic.release.report import write_report
from altedic.release.stats import check_accounting, release_stats, write_stats
from altedic.release.summary import write_summary

#: The files :func:`finalise` writes, relative to the output directory.
RELEASE_FILES = (
    "stats.json",
    "report.html",
    "README.md",
    "training-content-summary.json",
    "training-content-summary.md",
)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


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
    root = Path(out_dir)
    if stats is None:
        stats = release_stats(root, manifest)
    problems = check_accounting(stats, manifest)
    if problems:
        raise RunError("the shards do not add up to the manifest's accounting:\n  " + "\n  ".join(problems))
    write_stats(root, stats)
    write_report(root, stats, manifest, processes)
    write_card(root, stats, manifest)
    write_summary(root, manifest, stats)
    files = {
        name: {"sha256": sha256_file(root / name), "bytes": (root / name).stat().st_size} for name in RELEASE_FILES
    }
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
