"""``altedic summary OUT``: (re)generate the AI Act training-content summary of a release.

Reads ``OUT/manifest.json`` and ``OUT/stats.json`` (computed from the shards when absent) and
writes ``OUT/training-content-summary.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import sys

from altedic.release.summary import summary_from_release


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add the ``summary`` subcommand; the parser's ``func(args) -> int`` runs it."""
    p = subparsers.add_parser(
        "summary",
        help="write the AI Act public summary of training content for a release",
        description="Regenerate OUT/training-content-summary.{json,md} (AI Office template, AI Act Art. 53(1)(d)) "
        "from the release's manifest and statistics.",
    )
    p.add_argument(
        "out", help="output directory of a run (holds manifest.json): a local folder or a URI (gs://, s3://...)"
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    j, m = summary_from_release(args.out)
    sys.stdout.write(f"wrote {j}\nwrote {m}\n")
    return 0
