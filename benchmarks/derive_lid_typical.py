"""Derive each language's ``langid.typical_confidence`` from the development set.

Usage: .venv/bin/python benchmarks/derive_lid_typical.py [LID_DIR] [--percentile P] [--write FILTERS_DIR]

For every language with a filters file, the fastText (lid.176) probability of its top label over
the paragraph-sized items (3-5 sentences joined, ``altedic eval lid --paragraphs``) of the EVEN
lines of ``LID_DIR`` whose top label is right; the threshold is the ``P``-th percentile (default
1: 99 % of correctly labelled paragraphs are at or above it), rounded down to two decimals.
This is FineWeb-2's idea (Penedo et al. 2025, sec. 3.2: thresholds from each language's own
confidence distribution, because a language with less training data has lower calibrated
confidences). The language stage uses it as the open-world check of docs/langid.md: a text of
at least ``open_world.min_chars`` characters whose probability is below its label's threshold
is not typical of that language (a regional language the model does not know, labelled as its
big neighbour, typically is not).

Languages with fewer than 100 correct paragraphs get no threshold (null). ``--write`` sets the
``typical_confidence:`` line of the ``langid:`` block of each ``FILTERS_DIR/<lang>.yaml`` (the
comment above it says how it was derived); without it the values are printed.
"""

from __future__ import annotations

import argparse
import math
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from altedic.filters import known_languages
from altedic.langid.evaluate import load_items
from altedic.langid.model import LidModel

MIN_ITEMS = 100


def derive(lid_dir: str, percentile: float) -> dict[str, tuple[float, int]]:
    """Language -> (threshold, number of correct paragraphs it was derived from)."""
    items = load_items(lid_dir, paragraphs=True, half="even")
    model = LidModel()
    preds = model.predict([it.text for it in items], k=1, max_chars=1000)
    probs: dict[str, list[float]] = defaultdict(list)
    for it, pred in zip(items, preds, strict=True):
        if pred and pred[0][0] == it.gold:
            probs[it.gold].append(pred[0][1])
    out: dict[str, tuple[float, int]] = {}
    for lang, ps in probs.items():
        if len(ps) >= MIN_ITEMS:
            out[lang] = (math.floor(float(np.percentile(ps, percentile)) * 100) / 100, len(ps))
    return out


_BLOCK = re.compile(r"^langid:\n((?:[ \t]+.*\n|\n)*?)(?=^\S|\Z)", re.M)
_OLD = re.compile(r"^  # typical_confidence: .*\n(?:^  #   .*\n)*^  typical_confidence: .*\n", re.M)


def write(filters_dir: Path, values: dict[str, tuple[float, int]], percentile: float) -> list[str]:
    """Set ``typical_confidence`` in the ``langid:`` block of every language file; returns the files changed."""
    changed = []
    for lang in known_languages(str(filters_dir)):
        path = filters_dir / f"{lang}.yaml"
        if not path.is_file():
            continue
        text = path.read_text("utf-8")
        m = _BLOCK.search(text)
        if m is None:
            continue
        block = _OLD.sub("", m.group(1))
        value, n = values.get(lang, (None, 0))
        if value is None:
            line = (
                "  # typical_confidence: null -- fewer than 100 correct paragraphs of this language in the\n"
                "  #   development set to derive it from (benchmarks/derive_lid_typical.py): not checked.\n"
                "  typical_confidence: null\n"
            )
        else:
            line = (
                f"  # typical_confidence: percentile {percentile:g} of fastText's probability over the {n} correctly\n"
                "  #   labelled even-line paragraphs of ../shared/data/lid (benchmarks/derive_lid_typical.py).\n"
                f"  typical_confidence: {value:.2f}\n"
            )
        body = block.rstrip("\n") + "\n" + line
        new = text[: m.start(1)] + body + ("\n" if text[m.end(1) :].strip() else "") + text[m.end(1) :].lstrip("\n")
        if new != text:
            path.write_text(new, "utf-8")
            changed.append(str(path))
    return changed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "lid"))
    ap.add_argument("--percentile", type=float, default=1.0)
    ap.add_argument("--write", type=Path, help="filters folder whose <lang>.yaml files get the values")
    args = ap.parse_args()
    values = derive(args.dir, args.percentile)
    for lang, (value, n) in sorted(values.items()):
        print(f"{lang}: {value:.2f} ({n} paragraphs)")
    if args.write:
        for path in write(args.write, values, args.percentile):
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
