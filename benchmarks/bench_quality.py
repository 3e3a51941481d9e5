"""Benchmark: documents/second/core for quality scoring and PII on 1-2 KB documents.

Documents: the shared reference documents (../shared/data/quality/reference_docs.jsonl, 23 EU
languages + English) cut at line boundaries into 1-2 KB pieces. Printed side by side:

* altedic QualityStage (annotate + decide, the language's filters file, profile web)
* datatrove 0.10.1 GopherQuality + GopherRepetition + C4Quality + FineWebQuality with their
  defaults and the document's language (spaCy blank tokenizers), when installed
  (``pip install -e .[bench]`` plus ``pip install spacy regex``)
* altedic PIIStage (redact, all types)

Single process, one core; wall-clock time of the loop only (setup excluded). Not a test.
Usage: ``.venv/bin/python benchmarks/bench_quality.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from altedic.pii import PIIStage
from altedic.quality import QualityStage
from altedic.records import Document

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "quality" / "reference_docs.jsonl"


def load_docs() -> list[tuple[str, str]]:
    if not SHARED.is_file():
        sys.exit(f"needs {SHARED} (the shared reference documents)")
    out: list[tuple[str, str]] = []
    for line in SHARED.read_text("utf-8").splitlines():
        rec = json.loads(line)
        if rec["lang"] == "mt":
            continue  # datatrove cannot tokenize Maltese offline; keep the set identical for both
        buf: list[str] = []
        size = 0
        for ln in rec["text"].splitlines():
            buf.append(ln)
            size += len(ln.encode("utf-8")) + 1
            if size >= 1024:
                out.append((rec["lang"], "\n".join(buf)))
                buf, size = [], 0
        if size >= 512:
            out.append((rec["lang"], "\n".join(buf)))
    return [(lang, t) for lang, t in out if 1024 <= len(t.encode("utf-8")) <= 2048 or len(t) >= 512]


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>10,.0f} docs/s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    docs = load_docs()
    n = len(docs) * args.repeat
    mean_bytes = sum(len(t.encode("utf-8")) for _, t in docs) / len(docs)
    print(f"{len(docs)} documents x {args.repeat} repeats, mean {mean_bytes:.0f} bytes, {len({lg for lg, _ in docs})} languages")

    q = QualityStage({})
    q.setup()
    for lang, t in docs:  # warm the per-language settings
        q.annotate(Document(id="w", text=t, source="b", uri="b", lang=lang, profile="web"))
    t0 = time.perf_counter()
    kept = 0
    for _ in range(args.repeat):
        for lang, t in docs:
            d = Document(id="x", text=t, source="b", uri="b", lang=lang, profile="web")
            q.annotate(d)
            q.decide(d)
            kept += d.reason is None
    tq = time.perf_counter() - t0
    print(f"altedic quality (all signals + decide)     {rate(n, tq)}   kept {kept // args.repeat}/{len(docs)}")

    try:
        from datatrove.data import Document as DTDoc
        from datatrove.pipeline.filters import (
            C4QualityFilter,
            FineWebQualityFilter,
            GopherQualityFilter,
            GopherRepetitionFilter,
        )
    except ImportError as exc:
        print(f"datatrove filters                          (not installed: {exc}; pip install -e .[bench])")
    else:
        filters: dict[str, list[object]] = {}
        for lang, _ in docs:
            if lang not in filters:
                filters[lang] = [
                    GopherQualityFilter(language=lang),
                    GopherRepetitionFilter(language=lang),
                    C4QualityFilter(language=lang),
                    FineWebQualityFilter(language=lang),
                ]
        for lang, t in docs[:50]:  # warm spaCy tokenizers
            for f in filters[lang]:
                f.filter(DTDoc(text=t, id="w"))  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            for i, (lang, t) in enumerate(docs):
                # all four filters run on every document (no short-circuit), like altedic's signals;
                # a fresh text per call defeats datatrove's 5-entry lru_cache on tokenization
                text = t + " " * (i % 2)
                for f in filters[lang]:
                    f.filter(DTDoc(text=text, id="x"))  # type: ignore[attr-defined]
        td = time.perf_counter() - t0
        print(f"datatrove Gopher Q+R, C4, FineWeb filters  {rate(n, td)}   (altedic is {td / tq:.1f}x faster)")

    p = PIIStage({"mode": "redact"})
    p.setup()
    found = 0
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for lang, t in docs:
            d = Document(id="x", text=t, source="b", uri="b", lang=lang)
            p.process(d)
            found += sum(d.pii.values())
    tp = time.perf_counter() - t0
    print(f"altedic PII (all 7 types, redact)          {rate(n, tp)}   matches {found // args.repeat}")


if __name__ == "__main__":
    main()
