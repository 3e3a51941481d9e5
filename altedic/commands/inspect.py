"""``altedic inspect OUT``: the release at a glance, checksum verification, samples.

Exit status: 0 when every shard matches the manifest, 1 when one is missing, changed or
unlisted (``--no-verify`` skips the check, e.g. for a quick look at a large release).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from altedic.errors import ConfigError, InputError, RunError
from altedic.release.inspect import (
    STATS_FILE,
    checks_text,
    count_rejected,
    format_document,
    load_manifest,
    load_stats,
    overview,
    sample_documents,
    sample_rejected,
    verify_shards,
)
from altedic.release.stats import release_stats


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add the ``inspect`` subcommand; the parser's ``func(args) -> int`` runs it."""
    p = subparsers.add_parser(
        "inspect",
        help="show a release: per-language table, rejections, checksums, sample documents",
        description="Print a release at a glance and verify every shard's SHA-256 against the manifest. "
        "With --sample N show N documents (of --lang); with --rejected REASON show documents a rule removed.",
    )
    p.add_argument(
        "out", help="output directory of a run (holds manifest.json): a local folder or a URI (gs://, s3://...)"
    )
    p.add_argument("--sample", type=_count(0), metavar="N", default=0, help="show N kept documents")
    p.add_argument("--lang", metavar="CODE", help="language of the documents to show")
    p.add_argument(
        "--rejected", metavar="REASON", help="show documents rejected with this reason code (e.g. quality.stop_words)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the deterministic sample (default 0)")
    p.add_argument("--no-verify", action="store_true", help="skip checksum verification")
    p.add_argument("--width", type=_count(20), default=100, help="text width for documents (default 100, at least 20)")
    p.set_defaults(func=run)
    return p


def _count(least: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``least`` (a negative --sample showed nothing, silently)."""

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if n < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {n}")
        return n

    return parse


def run(args: argparse.Namespace) -> int:
    manifest = load_manifest(args.out)
    out = sys.stdout
    if args.lang and not (args.sample or args.rejected):
        raise ConfigError(
            "--lang chooses the documents of --sample N or --rejected REASON; give one of them", key="--lang"
        )
    if args.rejected:
        docs = sample_rejected(args.out, manifest, args.rejected, args.sample or 5, lang=args.lang, seed=args.seed)
        # the total, not the sample's size (29 rejections printed as "5 document(s)")
        total = count_rejected(args.out, manifest, args.rejected, lang=args.lang) if docs else 0
        out.write(
            f"{total} document(s) rejected with {args.rejected}"
            + (f" in {args.lang}" if args.lang else "")
            + (f"; showing {len(docs)}" if len(docs) < total else "")
            + ":\n\n"
        )
        if not docs:
            # a misspelt reason looks like a rule that removed nothing: name the ones there are
            try:
                reasons = load_stats(args.out, manifest).get("reasons", {})
            except (InputError, RunError):
                reasons = {}
            if reasons:
                out.write(
                    "reasons in this release: "
                    + ", ".join(f"{r} ({sum(by_lang.values())})" for r, by_lang in sorted(reasons.items()))
                    + "\n"
                )
        for d in docs:
            out.write(format_document(d, width=args.width) + "\n")
        return 0
    if args.sample:
        docs = sample_documents(args.out, manifest, args.lang, args.sample, seed=args.seed)
        for d in docs:
            out.write(format_document(d, width=args.width) + "\n")
        return 0
    checks = None if args.no_verify else verify_shards(args.out, manifest)
    # An edited stats.json is not shown as the release's figures: they are computed from the shards.
    stats_changed = checks is not None and any(
        c.path == STATS_FILE and c.status not in ("ok", "missing") for c in checks
    )
    try:
        stats = release_stats(args.out, manifest) if stats_changed else load_stats(args.out, manifest, verify=False)
    except InputError as exc:
        if checks is None or all(c.ok for c in checks):
            raise
        # no stats.json, and the statistics cannot be rebuilt from shards that fail their check:
        # the verdicts are still the answer a person needs
        why = "does not match the manifest" if stats_changed else "is missing"
        out.write(f"no statistics: stats.json {why} and {exc}\n\n{checks_text(checks)}\n")
        return 1
    if stats_changed:
        out.write("stats.json does not match the manifest: the figures below are computed from the shards\n\n")
    out.write(overview(stats, manifest, checks))
    return 0 if checks is None or all(c.ok for c in checks) else 1
