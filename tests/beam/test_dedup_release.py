"""The dedup stage's verdicts in a release (``altedic.run.run``): chained near duplicates, and a
second run against a first release (``stages.dedup.previous``) deciding as one run would."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from altedic.dedup.lsh import estimated_jaccard, exact_jaccard
from altedic.dedup.minhash import MinHasher, shingle_hashes
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


def test_a_run_against_a_release_verifies_on_the_released_text(tmp_path: Path) -> None:
    """The audit's pair: two windows of 100 words shifted by 10, exact Jaccard 0.811, estimated
    from the signatures below 0.8. One run removes line 1 as a near duplicate of line 2. The same
    documents again against that release: line 2 is an exact copy of the released line 2, and
    line 1 must be removed again, as a near duplicate of the released document. Before, the
    released document's payload was its signature alone, the pair was judged on the estimate
    and line 1 was published a second time."""
    docs = _windows(5, 10, 2, first=9)
    a, b = (shingle_hashes(d["text"], 5) for d in docs)
    sig = MinHasher().signatures([d["text"] for d in docs])
    assert round(float(exact_jaccard(a, b)), 3) == 0.811 and estimated_jaccard(sig[0], sig[1]) < 0.8
    first = _release(tmp_path, "first", docs)
    assert _outcome(first) == ({"line 2": 2}, {"line 1": ("dedup.near", "line 2", "near duplicate of line 2")})
    released = _rows(first, "data")[0]["id"]
    second = _release(tmp_path, "second", docs, dedup=f"{{previous: ['{first}']}}")
    assert _rows(second, "data") == []
    got = {r["position"]: (r["reason"], r["duplicate_of"], r["reason_detail"]) for r in _rows(second, "rejected")}
    assert got == {
        "line 1": ("dedup.near", released, f"near duplicate of {released} (already released)"),
        "line 2": ("dedup.exact", released, f"same normalised text as {released} (already released)"),
    }


def test_without_the_released_texts_the_estimate_decides_and_says_so(tmp_path: Path) -> None:
    """A previous output whose data shards are not at hand (moved away, or written by the
    Deduplicate transform, which writes none): its documents' texts cannot be read, the pair is
    judged on the signatures' estimate and the verdict says so (docs/dedup.md). Windows shifted
    by 2 words: exact Jaccard 0.96, estimated above 0.8."""
    docs = _windows(5, 2, 2)
    first = _release(tmp_path, "first", docs[:1])
    released = _rows(first, "data")[0]["id"]
    bare = tmp_path / "signatures-only"
    shutil.copytree(first / "dedup", bare / "dedup")
    second = _release(tmp_path, "second", docs, dedup=f"{{previous: ['{bare}']}}")
    assert _rows(second, "data") == []
    got = {r["position"]: (r["reason"], r["duplicate_of"], r["reason_detail"]) for r in _rows(second, "rejected")}
    assert got == {
        "line 1": ("dedup.exact", released, f"same normalised text as {released} (already released)"),
        "line 2": (
            "dedup.near",
            released,
            f"near duplicate of {released}, by the signatures' estimate (already released)",
        ),
    }
    # with the data shards at hand the same pair is verified exactly, and the detail is the usual one
    third = _release(tmp_path, "third", docs, dedup=f"{{previous: ['{first}']}}")
    got = {r["position"]: r["reason_detail"] for r in _rows(third, "rejected")}
    assert got["line 2"] == f"near duplicate of {released} (already released)"


@pytest.mark.slow  # two worker processes
def test_a_run_against_a_release_is_the_same_with_two_workers(tmp_path: Path) -> None:
    docs = _windows(5, 10, 2, first=9)
    first = _release(tmp_path, "first", docs)
    dedup = f"{{previous: ['{first}']}}"
    outs = []
    for workers in (1, 2):
        inp = tmp_path / "again.jsonl"
        inp.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        recipe = tmp_path / "again.yaml"
        recipe.write_text(RECIPE.format(inp=inp.name, dedup=dedup), encoding="utf-8")
        out = tmp_path / f"again{workers}"
        run(str(recipe), out=str(out), workers=workers)
        outs.append(out)
    one, two = ((o / "rejected" / "part-00000-of-00001.parquet").read_bytes() for o in outs)
    assert one == two
