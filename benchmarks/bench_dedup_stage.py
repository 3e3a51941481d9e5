"""How the whole dedup stage's time and peak memory grow with the corpus (issue 7): 10k -> 100k -> 1M.

For each size, one child process (measured from outside: wall clock, CPU seconds of the process
tree, peak RSS sampled every 0.2 s, as in ``bench_pipeline.py``) does what ``altedic run`` does
for dedup, in two timed parts:

1. **prepare** (the dedup work of the decide step, on a worker): documents of 1-2 KB made of
   real sentences (../shared/data/lid, 24+ languages) with 10% planted near copies (one word
   changed) and 5% exact copies, streamed in batches of 512 through the MinHash kernel and the
   exact key, spilled to sorted chunks (:mod:`altedic.beam.spill`), their dedup nodes written to
   Parquet;
2. **dedup** (Beam FnApiRunner, in process): the nodes read back -> :class:`DedupCore` with the
   default settings (exact, 14 x 8 LSH, exact-Jaccard verification reading the candidates' texts
   back from the chunks, connected components) -> verdicts counted by reason.

Not a test: it prints figures. Usage:
``python benchmarks/bench_dedup_stage.py [--sizes 10000,100000,1000000] [--workdir /tmp/altedic-dedup-stage]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _docs(n: int, seed: int = 2) -> Iterator[tuple[str, str]]:
    """(lang, text) streamed: 85% fresh, 10% near copies (one word changed), 5% exact copies."""
    from _corpus import document, sentences

    rng = random.Random(seed)
    sents = sentences()
    langs = sorted(sents)
    prev: tuple[str, str] | None = None
    for i in range(n):
        r = rng.random()
        if prev is not None and r < 0.10:
            words = prev[1].split()
            j = rng.randrange(len(words))
            yield prev[0], " ".join([*words[:j], f"altedic{i}", *words[j + 1 :]])
            continue
        if prev is not None and r < 0.15:
            yield prev
            continue
        lang = langs[i % len(langs)]
        prev = (lang, document(rng, sents[lang]))
        yield prev


def child(n: int, workdir: Path) -> None:
    import apache_beam as beam
    import pyarrow as pa
    import pyarrow.parquet as pq
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner

    from altedic.beam.dedup import DedupCore, NodeMaker
    from altedic.beam.spill import SpillWriter
    from altedic.dedup.batches import NODE_SCHEMA
    from altedic.dedup.config import DedupConfig
    from altedic.dedup.exact import exact_key
    from altedic.records import Document, doc_id

    cfg = DedupConfig.from_dict({})
    maker = NodeMaker(cfg)
    maker.setup()
    spill_root = workdir / "spill"
    nodes_dir = workdir / "nodes"
    nodes_dir.mkdir(parents=True)
    writer = SpillWriter(str(spill_root), "cand")
    schema = NODE_SCHEMA
    t0 = time.perf_counter()
    c0 = time.process_time()
    rows: list[tuple[object, ...]] = []
    files = 0

    def write_nodes() -> None:
        nonlocal rows, files
        if rows:
            cols = list(zip(*rows, strict=True))
            pq.write_table(
                pa.Table.from_arrays([pa.array(c, f.type) for c, f in zip(cols, schema, strict=True)], schema=schema),
                nodes_dir / f"nodes-{files:05d}.parquet",
            )
            files += 1
            rows = []

    batch: list[Document] = []

    def flush_batch() -> None:
        sigs, keys = maker.sign(batch)
        for d, sig, bands in zip(batch, sigs, keys, strict=True):
            exact = exact_key(d.text)
            loc = writer.add(d, d.lang or "und", exact, sig)
            rows.append(maker.node(d, bands, loc, d.lang or "und", exact))
            if writer.full:
                writer.flush()
        batch.clear()
        if len(rows) >= 100_000:
            write_nodes()

    for i, (lang, text) in enumerate(_docs(n)):
        batch.append(Document(id=doc_id("bench", str(i), text), text=text, source="bench", uri="bench", lang=lang))
        if len(batch) == 512:
            flush_batch()
    flush_batch()
    writer.flush()
    write_nodes()
    prep_wall, prep_cpu = time.perf_counter() - t0, time.process_time() - c0

    counts: dict[str, int] = {}
    out = workdir / "verdicts"
    t0 = time.perf_counter()
    c0 = time.process_time()
    with beam.Pipeline(runner=FnApiRunner()) as p:
        _ = (
            p
            | beam.io.ReadFromParquetBatched(str(nodes_dir / "nodes-*.parquet"))
            | DedupCore(cfg)
            | beam.FlatMap(lambda vs: [(v[3] or "cluster_size>1", 1) for v in vs])
            | beam.CombinePerKey(sum)
            | beam.Map(json.dumps)
            | beam.io.WriteToText(str(out / "counts"))
        )
    for f in sorted(out.glob("counts*")):
        for line in f.read_text().splitlines():
            k, v = json.loads(line)
            counts[k] = v
    dedup_wall, dedup_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        json.dumps(
            {
                "prepare_wall": prep_wall,
                "prepare_cpu": prep_cpu,
                "dedup_wall": dedup_wall,
                "dedup_cpu": dedup_cpu,
                "verdicts": counts,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/altedic-dedup-stage"))
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.workdir)
        return
    from bench_pipeline import measure

    print(f"load average at start {os.getloadavg()[0]:.1f}; machine: {os.cpu_count()} cores")
    print(
        f"{'docs':>9} {'prep s':>8} {'dedup s':>8} {'total s':>8} {'CPU s':>8} {'docs/s':>8} {'peak MB':>8}  verdicts"
    )
    for n in [int(x) for x in args.sizes.split(",")]:
        wd = args.workdir / f"n{n}"
        shutil.rmtree(wd, ignore_errors=True)
        wd.mkdir(parents=True)
        cmd = [sys.executable, __file__, "--child", str(n), "--workdir", str(wd)]
        wall, cpu, peak, out = measure(cmd, wd / "child.log")
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{n:>9,} {r['prepare_wall']:8.1f} {r['dedup_wall']:8.1f} {wall:8.1f} {cpu:8.1f} {n / wall:8.0f} "
            f"{peak:8,.0f}  {r['verdicts']}",
            flush=True,
        )
        shutil.rmtree(wd / "spill", ignore_errors=True)


if __name__ == "__main__":
    main()
