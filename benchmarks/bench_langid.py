"""Throughput of the language stage vs the bare lid.176 model (both backends) and CLD2, side by side.

Usage: .venv/bin/python benchmarks/bench_langid.py [LID_DIR] [--n N] [--repeat R] [--rounds K]

Items are paragraph-sized (3-5 sentences of ../shared/data/lid joined; the even lines). Speeds are
documents per CPU-second of this process (``time.process_time``: one core), so that other
people's jobs on a shared machine disturb them less than wall-clock time would; the load average
is printed before and after, and the ratio stage / bare kernel because it is the figure that load
disturbs least.

Two columns. **first pass**: each system starts from empty caches (its own compiled kernel with
an empty word cache, empty evidence memos), warms up on the odd lines, then runs once over the
measured items, text it has not seen: the steady state of a long run over new documents (issue
5's figure: docs/langid.md, Speed). **best of R**: the best of that pass and R-1 repeats over the
same items (the kernel's word cache and the evidence memos then hold every word), the figure
earlier versions reported. Both include building the Document records (a reader's work, ~5-9 %
of the stage's time).

``--rounds K`` (K > 1) then measures the stage's first pass K more times, each from empty caches
with its own warm-up, and prints every round with the median, the lowest and the highest: on a
shared 2-core machine one pass swings by +-20 %, so a single figure says little about a target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from altedic.langid import model as lid_model
from altedic.langid import policy
from altedic.langid.evaluate import Item, load_items
from altedic.langid.model import LidModel, model_input
from altedic.langid.policy import Cld2Opinion
from altedic.langid.stage import LanguageStage
from altedic.records import Document, doc_id


def _fresh_caches() -> None:
    """Forget the process-wide caches (the loaded kernel with its word cache, the evidence
    memos), so that the next system measured starts cold as a new worker would."""
    lid_model._CACHE.clear()
    policy._EVIDENCE.clear()


def _measure(fn: Callable[[], object], n: int, repeat: int) -> tuple[float, float]:
    """(docs per CPU-second of the first run, of the best of ``repeat`` runs)."""
    speeds = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        dt = time.process_time() - t
        speeds.append(n / dt if dt > 0 else 0.0)
    return speeds[0], max(speeds)


def _stage_fn(items: list[Item], stage: LanguageStage) -> Callable[[], None]:
    def run() -> None:
        docs = [
            Document(id=doc_id("b", str(i), it.text), text=it.text, source="b", uri="b") for i, it in enumerate(items)
        ]
        for start in range(0, len(docs), 512):
            for d in stage.annotate(docs[start : start + 512]):
                stage.decide(d)

    return run


def _cold_stage(config: dict[str, object], items: list[Item], warm: list[Item]) -> LanguageStage:
    """A stage as a new worker has it: a new kernel (empty word cache) and empty evidence memos,
    its filters files read, then warmed up on ``warm`` (other text than ``items``)."""
    _fresh_caches()
    stage = LanguageStage(config)
    stage.setup()
    for lang in {it.gold for it in items}:
        stage.thresholds(lang)  # the filters files are read once per worker, not per document
    _stage_fn(warm, stage)()
    return stage


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "lid"))
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=1, help="first passes of the stage to summarise (median)")
    args = ap.parse_args()
    items = load_items(args.dir, paragraphs=True, half="even")[: args.n]
    warm = load_items(args.dir, paragraphs=True, half="odd")[: args.n]
    n = len(items)
    texts = [it.text for it in items]
    warm_texts = [it.text for it in warm]
    chars = sum(len(t) for t in texts) / n
    print(f"{n} paragraph-sized items, mean {chars:.0f} characters; docs per CPU-second; {_load()}")
    rows: list[tuple[str, tuple[float, float]]] = []
    library = LidModel(backend="fasttext")
    rows.append(
        ("bare lid.176, fastText-predict library", _measure(lambda: library.predict(texts, k=1), n, args.repeat))
    )
    _fresh_caches()
    kernel = LidModel(backend="kernel")
    kernel.predict(warm_texts, k=1)  # warm-up on other text
    rows.append(("bare lid.176, altedic kernel", _measure(lambda: kernel.predict(texts, k=1), n, args.repeat)))
    for cap in (300, 150):
        capped = [model_input(t, cap) for t in texts]

        def capped_run(c: list[str] = capped) -> object:
            return library.predict(c, k=1)

        rows.append((f"bare lid.176, library, input <= {cap} chars", _measure(capped_run, n, args.repeat)))
    cld = Cld2Opinion()
    rows.append(("CLD2 alone (pycld2)", _measure(lambda: [cld.opinion(t) for t in texts], n, args.repeat)))
    for name, config in (
        ("language stage (model + CLD2 + policy)", {}),
        ("language stage, no second opinion", {"second_opinion": "none"}),
    ):
        stage = _cold_stage(config, items, warm)
        rows.append((name, _measure(_stage_fn(items, stage), n, args.repeat)))
    print(f"{'system':<48}{'first pass':>12}{f'best of {args.repeat}':>12}")
    for name, (first, best) in rows:
        print(f"{name:<48}{first:>12,.0f}{best:>12,.0f}")
    if args.rounds > 1:
        firsts = []
        for _ in range(args.rounds):
            stage = _cold_stage({}, items, warm)
            firsts.append(_measure(_stage_fn(items, stage), n, 1)[0])
        ordered = sorted(firsts)
        print(
            f"language stage (model + CLD2 + policy), first pass, {args.rounds} rounds: "
            + " ".join(f"{x:,.0f}" for x in firsts)
            + f"; median {statistics.median(firsts):,.0f}, lowest {ordered[0]:,.0f}, highest {ordered[-1]:,.0f}; {_load()}"
        )
    stage_first, stage_best = rows[-2][1]
    kernel_first, kernel_best = rows[1][1]
    print(
        f"stage / bare kernel: {stage_first / kernel_first:.2f} (first pass), {stage_best / kernel_best:.2f} (best);"
        f" kernel / library: {kernel_best / rows[0][1][1]:.2f}; {_load()}"
    )


if __name__ == "__main__":
    main()
