"""The dedup stage's verdicts in a release (``altedic.run.run``): chained near duplicates."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from altedic.dedup.lsh import exact_jaccard
from altedic.dedup.minhash import shingle_hashes
from altedic.run import run

RECIPE = """version: 1
name: dedup
sources:
  - {{name: s, format: jsonl, paths: {inp}, licence: CC-BY-4.0, publisher: P, attribution: P, retrieved: "2026-11-01",
     options: {{columns: {{text: text, id: id, lang: lang}}}}}}
stages:
  langid: {{method: declared}}
  quality: {{enabled: false}}
  pii: {{enabled: false}}
  dedup: {dedup}
output:
  path: out
"""


def _windows(seed: int, step: int, count: int, first: int = 0) -> list[dict[str, str]]:
    """The audit's generator: windows of 100 random words, each ``step`` words after the last."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice("abcdefghijklmnoprstuvz") for _ in range(rng.randint(3, 9)))

    words = [word() for _ in range(400)]
    return [
        {"id": f"chain-{k:02d}", "lang": "en", "text": " ".join(words[step * k : step * k + 100]) + "."}
        for k in range(first, first + count)
    ]


def _release(tmp: Path, name: str, docs: list[dict[str, str]], dedup: str = "{}") -> Path:
    inp = tmp / f"{name}.jsonl"
    inp.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    recipe = tmp / f"{name}.yaml"
    # the path as written in the recipe (relative to it) is part of the documents' ids: the
    # same ids, and so the same rank order, in every temporary folder
    recipe.write_text(RECIPE.format(inp=inp.name, dedup=dedup), encoding="utf-8")
    out = tmp / name
    run(str(recipe), out=str(out))
    return out


def _rows(out: Path, kind: str) -> list[dict[str, Any]]:
    return [r for f in sorted((out / kind).rglob("*.parquet")) for r in pq.read_table(f).to_pylist()]


def _outcome(out: Path) -> tuple[dict[str, int], dict[str, tuple[str, str, str]]]:
    """({kept position: cluster size}, {rejected position: (reason, duplicate_of's position,
    detail with ids as positions)}), positions as the reader gives them ("line 3")."""
    kept, rejected = _rows(out, "data"), _rows(out, "rejected")
    pos = {r["id"]: r["position"] for r in kept + rejected}

    def named(detail: str) -> str:
        for i, p in pos.items():
            detail = detail.replace(i, p)
        return detail

    return (
        {r["position"]: r["cluster_size"] for r in kept},
        {r["position"]: (r["reason"], pos[r["duplicate_of"]], named(r["reason_detail"])) for r in rejected},
    )


def test_chained_near_duplicates_name_a_document_they_duplicate(tmp_path: Path) -> None:
    """The audit's chain (30 windows of 100 words shifted by 5: each at Jaccard 0.90 and 0.81
    with the next two, 0.73 with the third). Before: 1 kept, 29 removed as near duplicates of the
    best-ranked window, most of them at Jaccard 0.09-0.73, more than half of the 245 words in no
    kept document. Now a window is removed only in the name of a kept window it duplicates."""
    docs = _windows(11, 5, 30)
    out = _release(tmp_path, "chain", docs)
    kept, rejected = _outcome(out)
    assert kept == {
        "line 1": 1, "line 4": 5, "line 8": 4, "line 11": 3,
        "line 15": 2, "line 18": 5, "line 23": 5, "line 28": 5,
    }  # fmt: skip
    names = {
        "line 4": [2, 3, 5, 6], "line 8": [7, 9, 10], "line 11": [12, 13], "line 15": [14],
        "line 18": [16, 17, 19, 20], "line 23": [21, 22, 24, 25], "line 28": [26, 27, 29, 30],
    }  # fmt: skip
    assert rejected == {f"line {n}": ("dedup.near", k, f"near duplicate of {k}") for k, ns in names.items() for n in ns}
    text = {f"line {k + 1}": d["text"] for k, d in enumerate(docs)}
    for p, (_, k, _) in rejected.items():
        assert exact_jaccard(shingle_hashes(text[p], 5), shingle_hashes(text[k], 5)) >= 0.8
    kept_words = {w for p in kept for w in text[p].rstrip(".").split()}
    every_word = {w for t in text.values() for w in t.rstrip(".").split()}
    assert (len(every_word), len(every_word - kept_words)) == (245, 10)
