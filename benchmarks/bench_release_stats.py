"""Throughput of release statistics (PartialStats over one document shard) on synthetic rows.

Usage: .venv/bin/python benchmarks/bench_release_stats.py [ROWS]
Prints documents/s for computing the statistics of one shard written with the document.v1 schema.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from altedic.release.stats import shard_stats
from altedic.schema import arrow_schema

SENTENCES = [
    "Il-Kummissjoni Ewropea ħarġet rapport ġdid dwar l-ilma u l-ambjent fil-Mediterran.",
    "Tá an Coimisiún Eorpach ag obair ar thogra nua maidir le huisce glan.",
    "Η Ευρωπαϊκή Επιτροπή δημοσίευσε νέα έκθεση για το νερό και το περιβάλλον.",
    "Европейската комисия публикува нов доклад за водата и околната среда.",
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    schema = arrow_schema("document.v1")
    rows = [
        {
            "id": f"{i:032x}",
            "text": " ".join(SENTENCES[(i + k) % 4] for k in range(1 + i % 8)),
            "lang": ["mt", "ga", "el", "bg"][i % 4],
            "source": f"s{i % 3}",
            "uri": "u",
            "lang_score": (i % 100) / 100,
            "quality": {"stop_word_ratio": (i % 50) / 100, "words": float(i % 300)},
            "pii": {"email": 1} if i % 97 == 0 else {},
            "cluster_size": 1 + i % 3,
            "licence": "CC-BY-4.0",
            "url": f"https://site{i % 50}.eu/x",
        }
        for i in range(n)
    ]
    table = pa.Table.from_pylist([{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "part.parquet"
        pq.write_table(table, path)
        t0 = time.perf_counter()
        shard_stats(path, "data")
        dt = time.perf_counter() - t0
    mb = table.column("text").nbytes / 1e6
    print(
        f"altedic stats: {n:,} documents ({mb:.1f} MB text) in {dt:.2f} s = {n / dt:,.0f} documents/s, {mb / dt:.1f} MB/s"
    )


if __name__ == "__main__":
    main()
