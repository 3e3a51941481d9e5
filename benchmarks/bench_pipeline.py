"""``make bench``: altedic end to end against datatrove, side by side, and altedic's scaling.

For each size (``--sizes``, default 10,000 and 100,000 documents):

1. generate the deterministic corpus (:mod:`corpus`: 1-2 KB documents in 24 EU languages with
   planted exact/near duplicates, boilerplate and PII) under ``--workdir``;
2. run ``altedic run`` on it (JSONL reader, normalise, language ID with lid.176 (no declared
   language), quality, PII redaction, exact + near dedup, Parquet shards) with ``--workers N``
   and with 1 worker;
3. run the equivalent datatrove pipeline (:mod:`datatrove_pipeline`) with its
   LocalPipelineExecutor and N workers on the same files.

Each run is a subprocess. Measured: wall-clock seconds (start to exit), CPU seconds of the whole
process tree (user + sys; see :func:`measure`), documents/s and input MB/s
(wall clock), and peak memory = the highest sum of RSS over the process and all its descendants,
sampled with psutil every 0.2 s (an upper bound: pages shared between forked workers are counted
once per process). The machine's load average is printed with every run, because on a shared
machine wall-clock figures move with the load; CPU seconds move much less.

Not a test: nothing is asserted but the runs' success. Results are also written as JSON to
``WORKDIR/results-<date>.json``.

Usage: ``python benchmarks/bench_pipeline.py [--sizes 10000,100000] [--workers 2] [--skip-datatrove]
[--repeat 3]`` (``--repeat``: more 1-worker / N-worker pairs, alternating, for the scaling ratio)
(``--sizes 1000000`` for the 1M run: about 1.6 GB of input, hours on 2 cores).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # benchmarks/ is not a package: imported from sys.path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

RECIPE = """\
# Written by benchmarks/bench_pipeline.py for the generated corpus; not a shipped recipe.
version: 1
name: bench-{size}
sources:
  - name: bench
    format: jsonl
    paths: ["{folder}/*.jsonl"]
    licence: CC-BY-4.0
    publisher: altedic benchmark
    attribution: "altedic benchmark corpus (sentences from ../shared/data/lid)"
    retrieved: "2026-11-01"
    profile: web
    options:
      columns: {{text: text, id: id}}
stages:
  langid: {{method: model}}
  quality: {{}}
  pii: {{mode: redact}}
  dedup: {{exact: true, near: true, ngram: 5, bands: 14, rows: 8}}
output: {{path: {out}, shard_size_mb: 128}}
release: {{}}
"""


@dataclass
class Measure:
    """One run of one tool."""

    tool: str
    size: int
    workers: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    input_mb: float
    load_before: float
    kept: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def docs_per_s(self) -> float:
        return self.size / self.wall_s

    @property
    def mb_per_s(self) -> float:
        return self.input_mb / self.wall_s


class _TreeSampler:
    """Samples a process tree every ``interval`` seconds in a thread: the peak of the summed RSS,
    and the last seen CPU time (user + sys) of every process in it.

    The CPU total is a lower bound (up to ``interval`` of each process's last moments is missed);
    it is needed because datatrove's workers are children of a forkserver that nobody waits for,
    so ``getrusage(RUSAGE_CHILDREN)`` does not see them."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        import psutil

        self._psutil = psutil
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.cpu: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> int:
        ps = self._psutil
        try:
            root = ps.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except ps.NoSuchProcess:
            return 0
        total = 0
        for p in procs:
            try:
                with p.oneshot():
                    total += p.memory_info().rss
                    t = p.cpu_times()
                    self.cpu[(p.pid, p.create_time())] = t.user + t.system
            except (ps.NoSuchProcess, ps.AccessDenied):
                continue  # a worker that just exited has no memory left to count
        return total

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> _TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Stopped(Exception):
    """The command ran out of its time budget and was killed (with every process of its tree)."""

    def __init__(self, wall: float, cpu: float, peak_mb: float, started: float) -> None:
        super().__init__(f"stopped after {wall:.0f} s")
        self.wall, self.cpu, self.peak_mb, self.started = wall, cpu, peak_mb, started


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    psutil.wait_procs(procs, timeout=30)


def measure(cmd: list[str], log: Path, budget: float | None = None) -> tuple[float, float, float, str]:
    """Run ``cmd``; return (wall s, CPU s of the tree, peak RSS MB, stdout). Fails loudly.

    CPU s: the larger of getrusage(RUSAGE_CHILDREN) (exact for waited descendants) and the
    sampled per-process total (sees forkserver workers). With ``budget`` (seconds), a command
    still running then is killed, its whole process tree with it, and :class:`Stopped` raised
    with what was measured until then."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT)
        with _TreeSampler(proc.pid) as peak:
            try:
                out, _ = proc.communicate(timeout=budget)
            except subprocess.TimeoutExpired:
                peak._sample()  # the CPU of the tree up to this moment
                cpu_seen = sum(peak.cpu.values())
                _kill_tree(proc.pid)
                proc.communicate()
                raise Stopped(time.perf_counter() - start, cpu_seen, peak.peak / 2**20, started) from None
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(cpu, sum(peak.cpu.values()))
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\nsee {log}")
    return wall, cpu, peak.peak / 2**20, out


def run_altedic(size: int, folder: Path, input_mb: float, workdir: Path, workers: int) -> Measure:
    out = workdir / f"out-altedic-{size}-w{workers}"
    recipe = workdir / f"recipe-{size}.yaml"
    recipe.write_text(RECIPE.format(size=size, folder=folder, out=out), "utf-8")
    load = os.getloadavg()[0]
    cmd = [
        str(BIN / "altedic"),
        "run",
        str(recipe),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--overwrite",
        "--quiet",
    ]
    wall, cpu, peak, _ = measure(cmd, workdir / f"altedic-{size}-w{workers}.log")
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    kept = sum(lg["kept"] for lg in manifest["languages"].values())
    rejected: dict[str, int] = {}
    for lg in manifest["languages"].values():
        for reason, n in lg["rejected"].items():
            stage = reason.split(".")[0]
            rejected[stage] = rejected.get(stage, 0) + n
    return Measure("altedic", size, workers, wall, cpu, peak, input_mb, load, kept, {"removed_by_stage": rejected})


def datatrove_progress(out: Path, started: float) -> dict[str, Any]:
    """How far a stopped datatrove run got: its first stage's tasks (one per input file), the
    ones completed, the documents they read, and when each completed (seconds after the start,
    from the completion markers' times)."""
    stage = out / "logs" / "1-filter-signatures"
    done = sorted(stage.glob("completions/*"))
    docs = 0
    for f in sorted(stage.glob("stats/*.json")):
        docs += int(json.loads(f.read_text("utf-8"))[0]["stats"]["documents"]["total"])
    return {
        "stage1_tasks_done": len(done),
        "stage1_docs_done": docs,
        "stage1_done_at_s": sorted(round(f.stat().st_mtime - started, 1) for f in done),
    }


def run_datatrove(
    size: int, folder: Path, input_mb: float, workdir: Path, workers: int, budget: float | None = None
) -> Measure:
    """datatrove on the corpus; with ``budget`` (seconds) a run still going then is stopped and
    the Measure says how far it got (``detail['stopped']``; its wall and CPU are the budget's)."""
    out = workdir / f"out-datatrove-{size}-w{workers}"
    load = os.getloadavg()[0]
    cmd = [
        sys.executable,
        str(ROOT / "benchmarks" / "datatrove_pipeline.py"),
        "--input",
        str(folder),
        "--out",
        str(out),
        "--workers",
        str(workers),
    ]
    try:
        wall, cpu, peak, stdout = measure(cmd, workdir / f"datatrove-{size}-w{workers}.log", budget)
    except Stopped as stop:
        files = len(list(folder.glob("*.jsonl")))
        detail = {"stopped": True, "stage1_tasks": files, **datatrove_progress(out, stop.started)}
        return Measure("datatrove", size, workers, stop.wall, stop.cpu, stop.peak_mb, input_mb, load, None, detail)
    counts = json.loads(stdout.strip().splitlines()[-1])
    detail = {
        "removed_by_stage": {
            "filters": size - counts["after_filters"],
            "dedup": counts["after_filters"] - counts["kept"],
        }
    }
    return Measure("datatrove", size, workers, wall, cpu, peak, input_mb, load, counts["kept"], detail)


def row(m: Measure) -> str:
    if m.detail.get("stopped"):
        d = m.detail
        return (
            f"  {m.tool:<10} {m.workers:>2}  {m.wall_s:>8.1f}  {m.cpu_s:>8.1f}  {'-':>8}  {'-':>6}"
            f"  {m.peak_rss_mb:>8.0f}  {m.load_before:>5.1f}  {'-':>7}  STOPPED at the budget: first stage (of 4)"
            f" {d['stage1_tasks_done']} of {d['stage1_tasks']} tasks, {d['stage1_docs_done']:,} documents"
        )
    removed = ", ".join(f"{k} {v}" for k, v in sorted(m.detail.get("removed_by_stage", {}).items()))
    return (
        f"  {m.tool:<10} {m.workers:>2}  {m.wall_s:>8.1f}  {m.cpu_s:>8.1f}  {m.docs_per_s:>8.1f}  {m.mb_per_s:>6.3f}"
        f"  {m.peak_rss_mb:>8.0f}  {m.load_before:>5.1f}  {m.kept if m.kept is not None else '-':>7}  {removed}"
    )


HEADER = (
    f"  {'tool':<10} {'w':>2}  {'wall s':>8}  {'CPU s':>8}  {'docs/s':>8}  {'MB/s':>6}  {'peak MB':>8}  {'load':>5}"
    f"  {'kept':>7}  removed"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes (documents)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes for both tools (default 2)")
    ap.add_argument("--skip-datatrove", action="store_true", help="altedic only")
    ap.add_argument("--skip-scaling", action="store_true", help="no extra 1-worker altedic run")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="scaling pairs: after the first, run N-1 more (1 worker, then N workers, alternately, so that a drift"
        " of the machine's speed hits both sides) and print every pair's ratio and their median",
    )
    ap.add_argument(
        "--datatrove-budget",
        type=float,
        metavar="SECONDS",
        help="stop datatrove after this long and report how far it got (its 1M run takes hours here)",
    )
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/altedic-bench"))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)

    print(
        f"machine: {platform.node()} {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"
    )
    print(f"date: {datetime.now(UTC).isoformat(timespec='seconds')}; load average at start {os.getloadavg()[0]:.1f}")
    results: list[Measure] = []
    for size in sizes:
        folder, info = corpus.generate(size, args.workdir, args.seed)
        input_mb = info.bytes / 1e6
        print(f"\n== {size:,} documents, {input_mb:.1f} MB in {len(info.files)} files ({info.text_source})")
        print(f"   planted: {info.planted}")
        print(HEADER, flush=True)
        runs: list[Measure] = []
        m = run_altedic(size, folder, input_mb, args.workdir, args.workers)
        print(row(m), flush=True)
        runs.append(m)
        if not args.skip_datatrove:
            d = run_datatrove(size, folder, input_mb, args.workdir, args.workers, args.datatrove_budget)
            print(row(d), flush=True)
            runs.append(d)
            if d.detail.get("stopped"):
                at = d.detail["stage1_done_at_s"]
                by = sum(1 for t in at if t <= m.wall_s)
                print(
                    f"  datatrove stopped after {d.wall_s:.0f} s; in altedic's {m.wall_s:.0f} s it completed {by} of its"
                    f" {d.detail['stage1_tasks']} first-stage tasks (completions at: "
                    f"{', '.join(f'{t:.0f} s' for t in at) or 'none'})"
                )
            else:
                print(
                    f"  altedic/datatrove: speed x{d.wall_s / m.wall_s:.2f} (wall), x{d.cpu_s / m.cpu_s:.2f} (CPU),"
                    f" peak memory x{m.peak_rss_mb / d.peak_rss_mb:.2f}"
                )
        if not args.skip_scaling and args.workers != 1:
            one = run_altedic(size, folder, input_mb, args.workdir, 1)
            print(row(one), flush=True)
            runs.append(one)
            print(f"  altedic scaling 1 -> {args.workers} workers: x{one.wall_s / m.wall_s:.2f} (wall clock)")
            pairs = [(one, m)]
            for _ in range(args.repeat - 1):
                # Alternate the order (1 then N) so that a slow or fast spell of the machine is not
                # always charged to the same side of the ratio.
                one = run_altedic(size, folder, input_mb, args.workdir, 1)
                print(row(one), flush=True)
                many = run_altedic(size, folder, input_mb, args.workdir, args.workers)
                print(row(many), flush=True)
                runs += [one, many]
                pairs.append((one, many))
                print(
                    f"  altedic scaling 1 -> {args.workers} workers: x{one.wall_s / many.wall_s:.2f} (wall clock, this pair)"
                )
            if len(pairs) > 1:
                ratios = [a.wall_s / b.wall_s for a, b in pairs]
                extra = [b.cpu_s - a.cpu_s for a, b in pairs]
                busy = [b.cpu_s / b.wall_s for _a, b in pairs]
                print(
                    f"  scaling over {len(ratios)} pairs: "
                    + ", ".join(f"x{r:.2f}" for r in ratios)
                    + f"; median x{statistics.median(ratios):.2f}, lowest x{min(ratios):.2f}"
                )
                # Less sensitive to the machine's drift than the ratio of two wall clocks: the CPU
                # the N-worker run spends beyond the 1-worker run's, and how many cores it keeps busy.
                print(
                    f"  {args.workers}-worker run's extra CPU per pair: "
                    + ", ".join(f"{e:+.1f} s" for e in extra)
                    + f" (median {statistics.median(extra):+.1f} s); cores busy: "
                    + ", ".join(f"{c:.2f}" for c in busy)
                    + f" (median {statistics.median(busy):.2f})"
                )
        results.extend(runs)
    out = args.workdir / f"results-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(
        json.dumps([{**asdict(r), "docs_per_s": r.docs_per_s, "mb_per_s": r.mb_per_s} for r in results], indent=1)
        + "\n",
        "utf-8",
    )
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
