"""Throughput of the language stage vs the bare lid.176 model (both backends) and CLD2, side by side.

Usage: .venv/bin/python benchmarks/bench_langid.py [LID_DIR] [--n N] [--repeat R]

Items are paragraph-sized (3-5 sentences of ../shared/data/lid joined; the even lines; a
warm-up runs on the odd lines so that the measured items are unseen). Speeds are documents per
CPU-second of this process (``time.process_time``: one core), best of ``--repeat`` runs, so
that other people's jobs on a shared machine disturb them less than wall-clock time would; the
ratio stage / bare kernel is printed because it is the figure that load disturbs least.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from altedic.langid.evaluate import Item, load_items
from altedic.langid.model import LidModel, model_input
from altedic.langid.policy import Cld2Opinion
from altedic.langid.stage import LanguageStage
from altedic.records import Document, doc_id


def _best(fn: Callable[[], object], n: int, repeat: int) -> float:
    best = 0.0
    for _ in range(repeat):
        t = time.process_time()
        fn()
        dt = time.process_time() - t
        best = max(best, n / dt if dt > 0 else 0.0)
    return best


def _stage_fn(items: list[Item], config: dict[str, Any]) -> Callable[[], None]:
    stage = LanguageStage(config)
    stage.setup()
    for lang in {it.gold for it in items}:
        stage.thresholds(lang)  # the filters files are read once per worker, not per document

    def run() -> None:
        docs = [
            Document(id=doc_id("b", str(i), it.text), text=it.text, source="b", uri="b") for i, it in enumerate(items)
        ]
        for start in range(0, len(docs), 512):
            for d in stage.annotate(docs[start : start + 512]):
                stage.decide(d)

    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "lid"))
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    items = load_items(args.dir, paragraphs=True, half="even")[: args.n]
    warm = load_items(args.dir, paragraphs=True, half="odd")[: args.n]
    n = len(items)
    texts = [it.text for it in items]
    chars = sum(len(t) for t in texts) / n
    print(f"{n} paragraph-sized items, mean {chars:.0f} characters; docs per CPU-second, best of {args.repeat}")
    kernel = LidModel(backend="kernel")
    library = LidModel(backend="fasttext")
    rows: list[tuple[str, float]] = []
    rows.append(("bare lid.176, fastText-predict library", _best(lambda: library.predict(texts, k=1), n, args.repeat)))
    rows.append(("bare lid.176, altedic kernel", _best(lambda: kernel.predict(texts, k=1), n, args.repeat)))
    for cap in (300, 150):
        capped = [model_input(t, cap) for t in texts]

        def capped_run(c: list[str] = capped) -> object:
            return library.predict(c, k=1)

        rows.append((f"bare lid.176, library, input <= {cap} chars", _best(capped_run, n, args.repeat)))
    cld = Cld2Opinion()
    rows.append(("CLD2 alone (pycld2)", _best(lambda: [cld.opinion(t) for t in texts], n, args.repeat)))
    for name, config in (
        ("language stage (model + CLD2 + policy)", {}),
        ("language stage, no second opinion", {"second_opinion": "none"}),
    ):
        _stage_fn(warm, config)()  # warm-up on other text
        rows.append((name, _best(_stage_fn(items, config), n, args.repeat)))
    print(f"{'system':<48}{'docs/s':>10}")
    for name, v in rows:
        print(f"{name:<48}{v:>10,.0f}")
    bare = rows[1][1]
    print(f"stage / bare kernel: {rows[-2][1] / bare:.2f}; kernel / library: {bare / rows[0][1]:.2f}")


if __name__ == "__main__":
    main()
