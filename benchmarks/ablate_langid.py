"""What each part of the language stage contributes: the same evaluation with the parts switched
on one after the other (issue 5: "say in docs/langid.md what each contributes").

Usage: .venv/bin/python benchmarks/ablate_langid.py [LID_DIR] [--proxy NAME=DIR ...] [--json]

Rows, each adding one part to the row above it:

1. **bare model**: lid.176's top label, no threshold (``altedic eval lid --bare``);
2. **+ thresholds**: the stage with only fastText: the per-language ``min_confidence`` of
   ``filters/<lang>.yaml`` (a text below it is rejected, counted as an error), no second opinion,
   no groups, no regional or open-world check;
3. **+ second opinion**: CLD2 where fastText is below ``second_opinion_below``;
4. **+ confusable groups**: ``altedic/langid/groups.yaml``;
5. **+ regional orthography**: ``altedic/langid/regional.yaml``;
6. **+ open-world check** (the stage as shipped).

Columns: macro-F1 over the official languages present and over all labels, per data set: the
development set's sentences and paragraphs (all lines), and each ``--proxy`` folder (open-world:
a language lid.176 cannot name is right when it comes out unknown, as with
``altedic eval lid --open-world``). For the development set, also the mean F1 of each confusable
group's members present. Items are scored in the order the folder gives them; nothing is tuned
here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from altedic.langid.evaluate import group_f1, load_items, open_world_unknowable, run_bare, run_stage, score
from altedic.langid.policy import GROUPS

ROWS: list[tuple[str, dict[str, Any] | None]] = [
    ("bare model", None),
    (
        "+ thresholds",
        {
            "second_opinion": "none",
            "groups": {"check": False},
            "regional": {"check": False},
            "open_world": {"check": False},
        },
    ),
    ("+ second opinion", {"groups": {"check": False}, "regional": {"check": False}, "open_world": {"check": False}}),
    ("+ confusable groups", {"regional": {"check": False}, "open_world": {"check": False}}),
    ("+ regional orthography", {"open_world": {"check": False}}),
    ("+ open-world check", {}),
]


def _datasets(lid_dir: Path | None, proxies: list[str]) -> list[tuple[str, list[Any], bool]]:
    sets: list[tuple[str, list[Any], bool]] = []
    if lid_dir is not None:
        sets.append(("dev sentences", load_items(lid_dir), False))
        sets.append(("dev paragraphs", load_items(lid_dir, paragraphs=True), False))
    for spec in proxies:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise SystemExit(f"--proxy {spec!r}: expected NAME=DIR")
        sets.append((name, load_items(path), True))
    return sets


def measure(lid_dir: Path | None, proxies: list[str]) -> dict[str, Any]:
    """{row: {dataset: {"official", "all", "groups"}}} for every row of ROWS."""
    groups = [(g.name, g.members, g.script) for g in GROUPS.values()]
    out: dict[str, Any] = {}
    for name, items, open_world in _datasets(lid_dir, proxies):
        golds = [it.gold for it in items]
        unknowable = open_world_unknowable(golds) if open_world else frozenset()
        for row, config in ROWS:
            preds = run_bare(items)[0] if config is None else run_stage(items, config)[0]
            r = score(golds, preds, unknowable=unknowable)
            out.setdefault(row, {})[name] = {
                "official": round(r["macro_f1_official"], 4),
                "all": round(r["macro_f1_all"], 4),
                "groups": {k: round(v, 4) for k, v in group_f1(r, groups).items()} if not open_world else {},
            }
    return out


def _print(result: dict[str, Any]) -> None:
    first = next(iter(result.values()))  # every row has the same data sets and groups
    datasets = list(first)
    print("| part | " + " | ".join(f"{d}: 24 / all" for d in datasets) + " |")
    print("|---" * (len(datasets) + 1) + "|")
    for row, per in result.items():
        cells = [f"{per[d]['official']:.4f} / {per[d]['all']:.4f}" for d in datasets]
        print(f"| {row} | " + " | ".join(cells) + " |")
    for d in datasets:
        names = list(first[d]["groups"])  # empty for the open-world folders
        if not names:
            continue
        print(f"\nconfusable groups, {d} (mean F1 of the members present)")
        print("| part | " + " | ".join(names) + " |")
        print("|---" * (len(names) + 1) + "|")
        for row, per in result.items():
            print(f"| {row} | " + " | ".join(f"{per[d]['groups'][n]:.3f}" for n in names) + " |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("lid_dir", nargs="?", default=None, help="labelled folder (default ../shared/data/lid)")
    ap.add_argument("--proxy", action="append", default=[], help="NAME=DIR, an open-world folder (repeatable)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    lid = args.lid_dir or os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "lid")
    lid_dir = Path(lid) if Path(lid).is_dir() else None
    if lid_dir is None and not args.proxy:
        print(f"no labelled folder at {lid} and no --proxy: nothing to measure", file=sys.stderr)
        return 2
    result = measure(lid_dir, args.proxy)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        _print(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
