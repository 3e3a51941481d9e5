"""The benchmark's time budget for datatrove (benchmarks/bench_pipeline.py --datatrove-budget):
a command still running at the budget is killed with every process of its tree, and a stopped
datatrove run is reported by how far its first stage got."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from types import ModuleType

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))  # bench_pipeline imports its sibling corpus.py
    try:
        import bench_pipeline
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return bench_pipeline


def test_budget_kills_the_whole_tree(bench: ModuleType, tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    t0 = time.perf_counter()
    with pytest.raises(bench.Stopped) as stop:
        bench.measure([sys.executable, "-c", script], tmp_path / "log.txt", budget=2.0)
    assert 2.0 <= stop.value.wall < 30 and time.perf_counter() - t0 < 40
    assert stop.value.peak_mb > 0
    child = int(pidfile.read_text())
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE


def test_a_command_within_its_budget_is_measured(bench: ModuleType, tmp_path: Path) -> None:
    wall, cpu, peak, out = bench.measure([sys.executable, "-c", "print('done')"], tmp_path / "log.txt", budget=60)
    assert out.strip() == "done" and wall < 60 and peak > 0 and cpu >= 0


def test_progress_of_a_stopped_datatrove_run(bench: ModuleType, tmp_path: Path) -> None:
    stage = tmp_path / "logs" / "1-filter-signatures"
    (stage / "completions").mkdir(parents=True)
    (stage / "stats").mkdir()
    started = time.time() - 100
    for rank, (docs, after) in enumerate([(10_000, 40.0), (9_000, 75.0)]):
        marker = stage / "completions" / f"{rank:05d}"
        marker.write_text("")
        os.utime(marker, (started + after, started + after))
        stats = [{"name": "reader", "stats": {"documents": {"total": docs}}}, {"name": "minhash", "stats": {}}]
        (stage / "stats" / f"{rank:05d}.json").write_text(json.dumps(stats))
    got = bench.datatrove_progress(tmp_path, started)
    assert got == {"stage1_tasks_done": 2, "stage1_docs_done": 19_000, "stage1_done_at_s": [40.0, 75.0]}
    m = bench.Measure(
        "datatrove", 1000, 2, 120.0, 230.0, 500.0, 1.0, 0.5, None, {"stopped": True, "stage1_tasks": 8, **got}
    )
    assert "STOPPED at the budget: first stage (of 4) 2 of 8 tasks, 19,000 documents" in bench.row(m)
