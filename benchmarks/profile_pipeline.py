"""Profile one altedic run in-process (cProfile, 1 worker) and say where the time goes, by stage.

Runs :func:`altedic.run.run` on the benchmark corpus (:mod:`corpus`, default 10,000 documents)
with the same recipe as ``bench_pipeline.py``, under cProfile. With 1 worker Beam's FnApiRunner
executes every DoFn in this process, so the profile sees the whole pipeline.

Stage attribution: each stage is a group of functions (by file and name, below); its time is the
inclusive time of the group's entry points, i.e. the calls into the group from outside it (so
nested calls inside a group are not counted twice). The remainder is Beam itself (coders,
bundle handling, shuffles) and the driver. cProfile adds overhead to every Python call, so the
shares are more reliable than the absolute seconds, and code with many small calls looks a little
more expensive than it is.

Usage: ``python benchmarks/profile_pipeline.py [--size 10000] [--top 25] [--save FILE.pstats]``
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_pipeline  # benchmarks/ is not a package: imported from sys.path
import corpus

PKG = str(Path(__file__).resolve().parent.parent / "altedic") + os.sep

FuncKey = tuple[str, int, str]


def _line(fn: Callable[..., object]) -> int:
    return fn.__code__.co_firstlineno


def _groups() -> dict[str, Callable[[str, int, str], bool]]:
    """Stage -> predicate on (file relative to altedic/, first line, function name)."""
    from altedic.beam import transforms as t

    write_fns = {
        _line(t._WriteShardFn.process),
        _line(t._WriteDocShardFn.process),
        _line(t._WriteJsonFn.process),
    }
    return {
        # (Not the file DoFn itself: it calls every stage, its inclusive time is the whole run.)
        "read (readers, JSON parse, Document)": lambda f, ln, n: f.startswith("readers/"),
        "normalise": lambda f, ln, n: f == "normalise.py" or (f == "stages.py" and n == "normalise_doc"),
        "language ID": lambda f, ln, n: f.startswith("langid/"),
        "quality": lambda f, ln, n: f.startswith("quality/") or f == "filters.py",
        "PII": lambda f, ln, n: f.startswith("pii/"),
        "dedup (exact + near)": lambda f, ln, n: f.startswith("dedup/") or f in ("beam/dedup.py", "beam/nodes.py"),
        "write (spill chunks, Parquet shards, counts)": lambda f, ln, n: (
            f in ("schema.py", "beam/spill.py")
            or (f == "beam/transforms.py" and (ln in write_fns or n in {"_row", "_shard_key"}))
            or (f == "beam/steps.py" and n in {"write_shard_table", "_table_counts", "write"})
        ),
        "release documents (report PNGs, card, stats)": lambda f, ln, n: f.startswith("release/"),
        "pipeline construction (driver)": lambda f, ln, n: f == "run.py" and n in {"build_pipeline", "plan_sources"},
    }


GROUPS: dict[str, Callable[[str, int, str], bool]] = {}


def group_of(key: FuncKey) -> str | None:
    path, line, name = key
    if not path.startswith(PKG):
        return None
    rel = path[len(PKG) :]
    for group, pred in GROUPS.items():
        if pred(rel, line, name):
            return group
    return None


def by_stage(stats: pstats.Stats) -> dict[str, float]:
    """Inclusive seconds per group: cumulative time of calls entering the group from outside."""
    raw = stats.stats  # type: ignore[attr-defined]
    out: dict[str, float] = dict.fromkeys(GROUPS, 0.0)
    for key, (_cc, _nc, _tt, _ct, callers) in raw.items():
        g = group_of(key)
        if g is None:
            continue
        for caller, (_ccc, _cnc, _ctt, cct) in callers.items():
            if group_of(caller) != g:
                out[g] += cct  # time of `key` when called from this outside caller
    return out


def time_stages(recipe_path: Path) -> list[tuple[str, float, int]]:
    """CPU seconds of each plain-Python stage called directly, without Beam and without a profiler
    (cProfile inflates code with many small calls): (stage, seconds, documents)."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    from altedic.dedup.exact import exact_key
    from altedic.dedup.minhash import MinHasher
    from altedic.readers import get_reader
    from altedic.readers.base import ReadContext
    from altedic.recipe import load_recipe
    from altedic.records import Document
    from altedic.run import plan_sources
    from altedic.schema import DOCUMENT_SCHEMA, arrow_schema, to_row
    from altedic.stages import StageChain, StageConfig

    recipe = load_recipe(str(recipe_path))
    plan = plan_sources(recipe)
    st = recipe.stages
    chain = StageChain(StageConfig(st.get("normalise", {}), st["langid"], st["quality"], st["pii"], recipe.filters_dir))
    t0 = time.process_time()
    chain.setup()
    out = [("setup (models, filters)", time.process_time() - t0, 0)]
    clock = time.process_time
    t0 = clock()
    docs: list[Document] = []
    for task in plan.tasks:
        info = plan.infos[task.source]
        docs.extend(
            d
            for d in get_reader(info.format)(ReadContext(source=info, uri=task.uri, rel=task.rel))
            if isinstance(d, Document)
        )
    out.append(("read (JSONL -> Document)", clock() - t0, len(docs)))
    t0 = clock()
    docs = [chain.normalise_doc(d) for d in docs]
    out.append(("normalise", clock() - t0, len(docs)))
    active = [d for d in docs if not d.rejected]
    assert chain.langid is not None and chain.quality is not None and chain.pii is not None
    t0 = clock()
    annotated: list[Document] = []
    for i in range(0, len(active), 256):
        annotated.extend(chain.langid.annotate(active[i : i + 256]))
    out.append(("language ID (annotate, batches of 256)", clock() - t0, len(active)))
    active = [d for d in annotated if not d.rejected]
    t0 = clock()
    for d in active:
        chain.quality.annotate(d)
    out.append(("quality (annotate: signals)", clock() - t0, len(active)))
    t0 = clock()
    for d in active:
        chain.pii.process(d)
    out.append(("PII (detect + redact)", clock() - t0, len(active)))
    t0 = clock()
    for d in active:
        if not d.rejected:
            chain.langid.decide(d)
        if not d.rejected:
            chain.quality.decide(d)
    out.append(("decide (language + quality thresholds)", clock() - t0, len(active)))
    kept = [d for d in active if not d.rejected]
    t0 = clock()
    for d in kept:
        exact_key(d.text)
    out.append(("dedup: exact keys (XXH3-128)", clock() - t0, len(kept)))
    hasher = MinHasher(num_perm=112, ngram=5, seed=0)
    t0 = clock()
    for i in range(0, len(kept), 512):
        hasher.signatures([d.text for d in kept[i : i + 512]])
    out.append(("dedup: MinHash signatures (kernel)", clock() - t0, len(kept)))
    t0 = clock()
    table = pa.Table.from_pylist([to_row(d.to_dict()) for d in kept], schema=arrow_schema(DOCUMENT_SCHEMA))
    pq.write_table(table, io.BytesIO(), compression="zstd", row_group_size=10000)
    out.append(("write (rows -> Parquet, zstd, in memory)", clock() - t0, len(kept)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/altedic-bench"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--no-cprofile", action="store_true", help="only the direct per-stage timing")
    ap.add_argument("--save", type=Path, default=None, help="also write the raw pstats file here")
    args = ap.parse_args()
    GROUPS.update(_groups())
    folder, info = corpus.generate(args.size, args.workdir, args.seed)
    out = args.workdir / f"out-profile-{args.size}"
    recipe = args.workdir / f"recipe-profile-{args.size}.yaml"
    recipe.write_text(bench_pipeline.RECIPE.format(size=args.size, folder=folder, out=out), "utf-8")

    print("plain-Python stages called directly (CPU seconds, no profiler, no Beam):")
    print(f"{'stage':<42} {'CPU s':>7} {'docs':>7} {'ms/doc':>7}")
    timed = time_stages(recipe)
    for name, sec, n in timed:
        per = f"{1000 * sec / n:>7.3f}" if n else f"{'':>7}"
        print(f"{name:<42} {sec:>7.2f} {n:>7} {per}")
    print(f"{'sum (without setup)':<42} {sum(t for _, t, n in timed if n):>7.2f}")
    if args.no_cprofile:
        return

    from altedic.run import run

    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    run(str(recipe), out=str(out), workers=1, overwrite=True)
    prof.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(prof)
    if args.save:
        stats.dump_stats(str(args.save))
    total = stats.total_tt  # type: ignore[attr-defined]
    print(
        f"{args.size:,} documents, {info.bytes / 1e6:.1f} MB; wall {wall:.1f} s under cProfile; profiled {total:.1f} s"
    )
    print(f"\n{'stage':<40} {'seconds':>8} {'share':>6}")
    stages = by_stage(stats)
    for g, s in stages.items():
        print(f"{g:<40} {s:>8.1f} {100 * s / total:>5.1f}%")
    rest = total - sum(stages.values())
    print(f"{'Beam, coders, driver (the rest)':<40} {rest:>8.1f} {100 * rest / total:>5.1f}%")

    print(f"\ntop {args.top} functions by own time (tottime):")
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[: args.top]  # type: ignore[attr-defined]
    print(f"{'own s':>7} {'incl s':>7} {'calls':>9}  function")
    for (path, line, name), (_cc, nc, tt, ct, _callers) in rows:
        short = path[len(PKG) - len("altedic/") :] if path.startswith(PKG) else _short(path)
        print(f"{tt:>7.2f} {ct:>7.2f} {nc:>9}  {short}:{line}({name})")

    print(f"\ntop {args.top} altedic functions by inclusive time (cumtime):")
    mine = [kv for kv in stats.stats.items() if kv[0][0].startswith(PKG)]  # type: ignore[attr-defined]
    mine.sort(key=lambda kv: -kv[1][3])
    for (path, line, name), (_cc, nc, tt, ct, _callers) in mine[: args.top]:
        print(f"{tt:>7.2f} {ct:>7.2f} {nc:>9}  altedic/{path[len(PKG) :]}:{line}({name})")


def _short(path: str) -> str:
    for marker in ("site-packages" + os.sep, "lib" + os.sep + "python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


if __name__ == "__main__":
    main()
