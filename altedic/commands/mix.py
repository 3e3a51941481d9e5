"""``altedic mix OUT --weights weights.yaml --out MIXED``: a new release with per-language sampling."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from altedic.errors import ConfigError
from altedic.release.mix import DEFAULT_MAX_ROWS_PER_SHARD, load_weights_file, mix


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add the ``mix`` subcommand; the parser's ``func(args) -> int`` runs it."""
    p = subparsers.add_parser(
        "mix",
        help="write a new release sampling languages by weight or temperature",
        description="Sample the kept documents of a release into a new release, per-language rates from a weights "
        "file (weights: {mt: 3, bg: 0.5}) or temperature sampling (--temperature T). Deterministic for a seed.",
    )
    p.add_argument("src", metavar="OUT", help="release to sample from (a local folder or a URI: gs://, s3://...)")
    p.add_argument(
        "--out", required=True, metavar="MIXED", help="new output directory or URI (must not exist or be empty)"
    )
    p.add_argument(
        "--weights", metavar="FILE", help="YAML file: weights / temperature / default / seed / target_tokens"
    )
    p.add_argument("--temperature", type=float, help="temperature sampling over estimated tokens (instead of weights)")
    p.add_argument(
        "--target-tokens",
        type=int,
        help="with --temperature: size of the mix in estimated tokens (default: same as OUT)",
    )
    p.add_argument("--seed", type=int, help="seed (default: the weights file's, else 0)")
    p.add_argument("--max-rows-per-shard", type=int, default=DEFAULT_MAX_ROWS_PER_SHARD)
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    spec: dict[str, Any] = load_weights_file(args.weights) if args.weights else {}
    if args.temperature is not None:
        if "weights" in spec:
            raise ConfigError(
                "give either --temperature or a weights file with 'weights', not both", key="--temperature"
            )
        spec["temperature"] = args.temperature
    if args.target_tokens is not None:
        spec["target_tokens"] = args.target_tokens
    if "weights" not in spec and "temperature" not in spec:
        raise ConfigError("give --weights FILE (with 'weights' or 'temperature') or --temperature T", key="mix")
    manifest = mix(
        args.src,
        args.out,
        weights=spec.get("weights"),
        temperature=spec.get("temperature"),
        default=float(spec.get("default", 1.0)),
        target_tokens=spec.get("target_tokens"),
        seed=args.seed if args.seed is not None else int(spec.get("seed", 0)),
        max_rows_per_shard=args.max_rows_per_shard,
    )
    docs = manifest["mix"]["documents"]
    sys.stdout.write(f"wrote {args.out}: " + ", ".join(f"{lg} {d['in']}→{d['out']}" for lg, d in docs.items()) + "\n")
    return 0
