"""``altedic run RECIPE [-- BEAM OPTIONS]``: run a recipe and print the summary table."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="run a recipe: read, identify language, filter, deduplicate, write shards",
        description=(
            "Run RECIPE with Beam. By default it runs in-process (FnApiRunner), with no network access. "
            "Options after a bare '--' go to Beam unchanged, e.g. "
            "'altedic run R.yaml -- --runner=DataflowRunner --project=P --region=R --temp_location=gs://B/tmp'."
        ),
    )
    p.add_argument("recipe", help="path of the recipe (pipelines/*.yaml)")
    p.add_argument("--out", help="output directory or URI (default: the recipe's output.path)")
    p.add_argument("--workers", type=int, default=1, help="worker processes for the local runner (default 1)")
    p.add_argument("--overwrite", action="store_true", help="replace a finished output at the same place")
    p.add_argument(
        "--max-error-rate",
        type=float,
        default=None,
        help="fail when more than this share (0..1) of inputs could not be read (default: recipe run.max_error_rate, else 0.1)",
    )
    p.add_argument("--quiet", action="store_true", help="print only the final summary")
    p.set_defaults(func=_main)


def print_summary(manifest: dict[str, Any], out: Any = sys.stdout) -> None:
    """Documents in / kept / removed by reason, per language, then per source."""
    langs = manifest["languages"]
    reasons = sorted({r for lg in langs.values() for r in lg["rejected"]})
    head = ["lang", "in", "kept", *reasons]
    rows = []
    for code, lg in sorted(langs.items()):
        removed = [lg["rejected"].get(r, 0) for r in reasons]
        rows.append([code, lg["kept"] + sum(removed), lg["kept"], *removed])
    tot = ["total", *[sum(r[i] for r in rows) for i in range(1, len(head))]]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, tot, strict=True)]

    def line(cells: list[Any]) -> str:
        return "  ".join(
            str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(head), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for r in rows:
        print(line(r), file=out)
    print(line(tot), file=out)
    print(file=out)
    print("per source: read = kept + rejected + errors", file=out)
    for name, s in sorted(manifest["sources"].items()):
        rej = sum(s["rejected"].values())
        derived = f" (+{s['derived']} split parts)" if s.get("derived") else ""
        # documents whose declared language the detector contradicted, relabelled or kept
        mismatch = (
            f"   (declared language contradicted: {s['declared_mismatch']})" if s.get("declared_mismatch") else ""
        )
        print(
            f"  {name:<30} {s['read']:>7}{derived} = {s['kept']:>7} + {rej:>6} + {s['errors']:>4}{mismatch}", file=out
        )
    for r in manifest.get("refused_sources", []):
        print(f"  refused {r['name']}: {r['reason']} ({r['detail']})", file=out)


def _main(args: argparse.Namespace) -> int:
    from altedic.run import run

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr)

    result = run(
        args.recipe,
        out=args.out,
        workers=args.workers,
        beam_args=args.beam_args,
        overwrite=args.overwrite,
        max_error_rate=args.max_error_rate,
        progress=sys.stderr.isatty() and not args.quiet,
        log=log,
    )
    print_summary(result.manifest)
    print(f"\noutput: {result.out}")
    return 0
