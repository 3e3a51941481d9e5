"""Benchmark corpora built from ../shared/data/lid (real sentences, 40 languages); never copied."""

from __future__ import annotations

import random
from pathlib import Path

LID = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lid"


def sentences() -> dict[str, list[str]]:
    """Sentences per language from ../shared/data/lid/<lang>.txt (``lang<TAB>source<TAB>text``)."""
    if not LID.is_dir():
        raise SystemExit(f"{LID} is absent: the dedup benchmarks need ../shared/data/lid")
    out: dict[str, list[str]] = {}
    for f in sorted(LID.glob("*.txt")):
        rows = [line.split("\t", 2) for line in f.read_text(encoding="utf-8").splitlines()]
        texts = [r[2] for r in rows if len(r) == 3 and r[2].strip()]
        if len(texts) >= 50:
            out[f.stem] = texts
    return out


def documents(n: int, seed: int = 0, lo: int = 1000, hi: int = 2000) -> list[tuple[str, str]]:
    """``n`` (lang, text) documents of ``lo``..``hi`` characters: random sentences of one language."""
    rng = random.Random(seed)
    sents = sentences()
    langs = sorted(sents)
    return [(langs[i % len(langs)], document(rng, sents[langs[i % len(langs)]], lo, hi)) for i in range(n)]


def document(rng: random.Random, sents: list[str], lo: int = 1000, hi: int = 2000) -> str:
    """One text of ``lo``..``hi`` characters: random sentences drawn from ``sents``."""
    target = rng.randint(lo, hi)
    parts: list[str] = []
    size = 0
    while size < target:
        s = rng.choice(sents)
        parts.append(s)
        size += len(s) + 1
    return " ".join(parts)[:hi]
