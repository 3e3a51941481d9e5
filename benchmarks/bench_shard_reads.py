"""What the document shard writers read back from the spill chunks, as a language's shard count grows.

One language spilled to ``--chunks`` chunks of ``--rows`` documents each (as ``--chunks`` workers
of the read step would spill it; ~``--text-chars`` characters of text each; ``--languages K``:
K languages in turn in every chunk, as from multilingual input files), then all its data shards
written, for 8, 80 and 800 shards (``--shards``), by the writer tasks the pipeline would
plan (:func:`altedic.beam.spill.writer_tasks`; one task per shard before that existed). Counted
through the chunk reader (``altedic.beam.spill._open``): chunk opens and rows decoded (rows of
the row groups read, before filtering), and the re-read factor = rows decoded / rows written.
Also the wall and CPU time (all threads) of writing the shards, after an untimed first write (on a shared machine:
noisy).

Not a test: nothing is asserted. Runs on the code it imports, so the same script measures an
older checkout (``/path/to/old/.venv/bin/python benchmarks/bench_shard_reads.py``).

Usage: ``python benchmarks/bench_shard_reads.py [--chunks 4] [--rows 20000] [--shards 8,80,800]``
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from altedic.beam import spill
from altedic.beam.steps import DATA, DocShardWriter, WriteSettings
from altedic.records import Document, doc_id

WORDS = ["il-kelma", "tal-lingwa", "maltija", "hija", "sabiħa", "u", "twila", "ħafna", "fil-ktieb", "li", "qrajt"]


class _Counting:
    """A ParquetFile that counts the rows of the row groups it decodes."""

    def __init__(self, pf: pq.ParquetFile, counts: dict[str, int]) -> None:
        self._pf = pf
        self._counts = counts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pf, name)

    def read_row_group(self, i: int, *args: Any, **kwargs: Any) -> Any:
        table = self._pf.read_row_group(i, *args, **kwargs)
        self._counts["rows"] += table.num_rows
        return table

    def read_row_groups(self, groups: Any, *args: Any, **kwargs: Any) -> Any:
        table = self._pf.read_row_groups(groups, *args, **kwargs)
        self._counts["rows"] += table.num_rows
        return table


def spill_corpus(root: Path, chunks: int, rows: int, text_chars: int, languages: int) -> list[dict[str, Any]]:
    """``chunks`` chunks of ``rows`` documents each, in turn of ``languages`` languages (the
    first is "mt")."""
    rng = random.Random(5)
    langs = ["mt"] + [f"l{k:02d}" for k in range(1, languages)]
    words = max(1, text_chars // 9)
    summaries = []
    for c in range(chunks):
        writer = spill.SpillWriter(str(root), "cand", max_rows=rows, max_bytes=1 << 40)
        for i in range(rows):
            text = " ".join(rng.choices(WORDS, k=words))
            lang = langs[i % languages]
            writer.add(
                Document(id=doc_id("bench", f"{c}-{i}", text), text=text, source="bench", uri="u", lang=lang), lang
            )
        summaries.append(writer.flush())
    return summaries


def tasks_for(n: int, rows: int, chunks: int) -> list[tuple[tuple[Any, ...], list[Any]]]:
    """The writer tasks of the n data shards of "mt" (``rows`` rows in ``chunks`` chunks)."""
    if not hasattr(spill, "writer_tasks"):  # before writer tasks: one task per shard
        return [((DATA, "mt", s, n), []) for s in range(n)]
    count = spill.writer_tasks(n, rows, chunks)
    return [((DATA, "mt", *spill.task_shards(t, n, count), n), []) for t in range(count)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chunks", type=int, default=4)
    ap.add_argument("--rows", type=int, default=20_000, help="documents per chunk")
    ap.add_argument("--text-chars", type=int, default=300)
    ap.add_argument("--shards", default="8,80,800")
    ap.add_argument(
        "--languages", type=int, default=1, help="languages mixed in every chunk (the shards of the first are written)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="altedic-shard-reads-") as tmp:
        root = Path(tmp)
        summaries = spill_corpus(root / "spill", args.chunks, args.rows, args.text_chars, args.languages)
        total = sum(s["groups"]["mt"][0] for s in summaries)
        nbytes = sum(s["groups"]["mt"][1] for s in summaries)
        counts = {"opens": 0, "rows": 0}
        plain_open = spill._open

        def counting_open(path: str) -> Any:
            counts["opens"] += 1
            return _Counting(plain_open(path), counts)

        spill._open = counting_open  # type: ignore[assignment]
        mix = "one language" if args.languages == 1 else f"{args.languages} languages, the shards of one written"
        print(
            f"{args.chunks} chunks x {args.rows:,} rows of {mix} ({total:,} rows, {nbytes / 2**20:.1f} MB), "
            f"spill row groups of {spill.ROW_GROUP_ROWS:,} rows"
        )
        # Untimed first write (imports, Arrow's first kernels: the first task of 8 shards), so
        # that the first row is not slower.
        warm = DocShardWriter(WriteSettings(staging=str(root / "warm"), shard_bytes=nbytes), None, summaries)
        list(warm.write(tasks_for(8, total, args.chunks)[0]))
        print(
            f"{'shards':>7} {'tasks':>6} {'chunk opens':>12} {'rows decoded':>13} {'re-read':>8} {'wall s':>7} {'CPU s':>6}"
        )
        for n in [int(x) for x in args.shards.split(",")]:
            settings = WriteSettings(staging=str(root / f"out-{n}"), shard_bytes=-(-nbytes // n))
            writer = DocShardWriter(settings, None, summaries)
            tasks = tasks_for(n, total, args.chunks)
            counts["opens"] = counts["rows"] = 0
            t0, c0 = time.perf_counter(), time.process_time()
            written = sum(info["rows"] for task in tasks for info in writer.write(task))
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            assert written == total, (written, total)
            print(
                f"{n:>7,} {len(tasks):>6,} {counts['opens']:>12,} {counts['rows']:>13,} "
                f"{counts['rows'] / total:>7.2f}x {wall:>7.1f} {cpu:>6.1f}"
            )
        print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
