"""Throughput of the language stage vs the bare lid.176 model (and CLD2 alone), side by side.

Usage: .venv/bin/python benchmarks/bench_langid.py [LID_DIR] [--n N]
Items are paragraph-sized (3-5 sentences of ../shared/data/lid joined). Prints docs/s on one
core (this process); figures depend on the machine's load: run on an idle machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from altedic.langid.evaluate import load_items, run_bare, run_stage
from altedic.langid.policy import Cld2Opinion


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "lid"))
    ap.add_argument("--n", type=int, default=5000)
    args = ap.parse_args()
    items = load_items(args.dir, paragraphs=True)[: args.n]
    chars = sum(len(it.text) for it in items) / len(items)
    print(f"{len(items)} paragraph-sized items, mean {chars:.0f} characters")
    _, bare = run_bare(items)
    _, stage = run_stage(items)
    _, stage_nocld = run_stage(items, {"second_opinion": "none"})
    cld = Cld2Opinion()
    t = time.perf_counter()
    for it in items:
        cld.opinion(it.text)
    cld_speed = len(items) / (time.perf_counter() - t)
    print(f"{'system':<40}{'docs/s':>10}")
    for name, v in (("bare lid.176 (fastText-predict)", bare), ("CLD2 alone (pycld2)", cld_speed),
                    ("language stage (model + CLD2 + policy)", stage), ("language stage, no second opinion", stage_nocld)):
        print(f"{name:<40}{v:>10,.0f}")


if __name__ == "__main__":
    main()
