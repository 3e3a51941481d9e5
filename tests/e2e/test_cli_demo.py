"""End to end: the CLI on the demo recipe, read back with pyarrow, checked against the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from altedic.schema import arrow_schema

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "pipelines" / "demo.yaml"


def altedic(*args: str, tmpdir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process; ``tmpdir``: its temporary folder (TMPDIR)."""
    env = {**os.environ, "TMPDIR": str(tmpdir)} if tmpdir is not None else None
    return subprocess.run(
        [sys.executable, "-m", "altedic.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=600, env=env
    )


@pytest.fixture(scope="module")
def demo_out(demo_release: Path) -> Path:
    return demo_release


def _manifest(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_layout_schema_checksums_and_counts(demo_out: Path) -> None:
    m = _manifest(demo_out)
    assert (demo_out / "_SUCCESS").is_file()
    assert not (demo_out / "_staging").exists()
    on_disk = sorted(
        str(p.relative_to(demo_out))
        for p in demo_out.rglob("*.parquet")
        if p.parts[len(demo_out.parts)] in ("data", "rejected", "errors")
    )
    assert on_disk == sorted(s["path"] for s in m["shards"])
    contract = {"data": "document.v1", "rejected": "rejected.v1", "errors": "error.v1"}
    for s in m["shards"]:
        f = demo_out / s["path"]
        data = f.read_bytes()
        assert hashlib.sha256(data).hexdigest() == s["sha256"] and len(data) == s["bytes"]
        t = pq.read_table(f)
        assert t.num_rows == s["rows"]
        assert t.schema.equals(arrow_schema(contract[s["kind"]]), check_metadata=False)
        if s["kind"] == "data":
            assert s["path"].startswith(f"data/{s['lang']}/")
            assert set(t.column("lang").to_pylist()) == {s["lang"]}


def test_accounting_identity_recomputed_from_the_shards(demo_out: Path) -> None:
    m = _manifest(demo_out)
    kept: Counter[str] = Counter()
    rejected: Counter[tuple[str, str]] = Counter()
    errors: Counter[str] = Counter()
    for s in m["shards"]:
        t = pq.read_table(demo_out / s["path"]).to_pylist()
        for r in t:
            if s["kind"] == "data":
                kept[r["source"]] += 1
            elif s["kind"] == "rejected":
                rejected[(r["source"], r["reason"])] += 1
            else:
                errors[r["source"]] += 1
    assert m["accounting"]["ok"] is True and m["accounting"]["problems"] == []
    for name, src in m["sources"].items():
        assert src["kept"] == kept[name]
        assert src["errors"] == errors[name]
        assert src["rejected"] == {reason: n for (s, reason), n in rejected.items() if s == name}
        assert src["read"] + src["derived"] == src["kept"] + sum(src["rejected"].values()) + src["errors"]
    # The demo plants exactly these unreadable records and this refused row licence.
    err_rows = sorted(
        (r["source"], r["position"])
        for s in m["shards"]
        if s["kind"] == "errors"
        for r in pq.read_table(demo_out / s["path"]).to_pylist()
    )
    assert err_rows == [("national-portal", "row 7 (line 7)"), ("web-news", "line 21")]
    assert rejected[("national-portal", "licence.non_commercial")] == 1
    assert m["sources"]["web-news"]["read"] == 21 and m["sources"]["national-portal"]["read"] == 6


def test_refuses_to_overwrite_a_finished_release(demo_out: Path, tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    r = altedic("run", str(DEMO), "--out", str(demo_out), "--quiet", tmpdir=temp)
    assert r.returncode == 2
    assert "already holds a finished release" in r.stderr and "--overwrite" in r.stderr
    assert "Traceback" not in r.stderr
    # the refused run leaves nothing in the temporary folder (Beam's beam-pipeline-temp* was
    # left behind before: it is made with the pipeline object and removed only after a run)
    assert list(temp.iterdir()) == []


def test_readable_errors_for_user_mistakes(tmp_path: Path) -> None:
    r = altedic("run", str(tmp_path / "missing.yaml"))
    assert r.returncode == 2 and "recipe file not found" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: x\nsources: []\noutput: {path: o}\n", encoding="utf-8")
    r = altedic("validate", str(bad))
    assert r.returncode == 2 and "sources" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # ran with one worker and wrote "workers": -2 into the manifest
        (["--workers", "-2"], "altedic: error: at '--workers': must be a whole number >= 1, got -2"),
        (["--workers", "0"], "altedic: error: at '--workers': must be a whole number >= 1, got 0"),
        # a rate above 1 or NaN made the error-rate check pass whatever the run met
        (["--max-error-rate", "5"], "altedic: error: at '--max-error-rate': must be a share between 0 and 1, got 5.0"),
        (
            ["--max-error-rate", "nan"],
            "altedic: error: at '--max-error-rate': must be a share between 0 and 1, got nan",
        ),
        # an empty --out fell back to the recipe's output without a word
        (["--out", ""], "altedic: error: at '--out': is empty: give an output directory or URI, or leave --out out"),
    ],
)
def test_run_options_out_of_range_stop_before_any_work(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "o"
    argv = ["run", str(DEMO), "--quiet", *args] + ([] if "--out" in args else ["--out", str(out)])
    r = altedic(*argv)
    assert (r.returncode, r.stderr.strip().splitlines()[-1]) == (2, message)
    assert not out.exists()


def test_output_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    """A FileNotFoundError traceback before."""
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "file" / "out"
    r = altedic("run", str(DEMO), "--quiet", "--out", str(out))
    assert (r.returncode, r.stderr.strip().splitlines()[-1]) == (
        2,
        f"altedic: error: at 'output.path': cannot create the output directory {out}: Not a directory",
    )


def _comparable(m: dict) -> dict:  # type: ignore[type-arg]
    m = json.loads(json.dumps(m))
    m.pop("run")
    m["recipe"]["output"].pop("path")
    return m


def test_same_recipe_twice_and_on_two_workers_gives_identical_shards(demo_out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    r = altedic("run", str(DEMO), "--out", str(again), "--quiet", "--workers", "2")
    assert r.returncode == 0, r.stderr
    a, b = _manifest(demo_out), _manifest(again)
    assert b["run"]["workers"] == 2
    assert _comparable(a) == _comparable(b)
    for s in a["shards"]:
        assert (demo_out / s["path"]).read_bytes() == (again / s["path"]).read_bytes()


@pytest.mark.parametrize(
    ("stages", "needle"),
    [
        ("{dedup: {bands: many}}", "bands"),
        ("{dedup: {colour: red}}", "colour"),
        ("{quality: {colour: red}}", "colour"),
        ("{pii: {mode: shred}}", "shred"),
        ("{langid: {method: guess}}", "guess"),
    ],
)
def test_validate_checks_stage_settings_before_any_work(tmp_path: Path, stages: str, needle: str) -> None:
    text = (
        DEMO.read_text(encoding="utf-8").split("\nstages:")[0].replace("paths: demo/", f"paths: {ROOT}/pipelines/demo/")
    )
    bad = tmp_path / "r.yaml"
    bad.write_text(text + f"\nstages: {stages}\noutput: {{path: out}}\n", encoding="utf-8")
    r = altedic("validate", str(bad))
    assert r.returncode == 2, r.stdout
    assert needle in r.stderr and "Traceback" not in r.stderr
    ok = tmp_path / "ok.yaml"
    ok.write_text(text + "\nstages: {dedup: {}}\noutput: {path: out}\n", encoding="utf-8")
    r = altedic("validate", str(ok))
    assert r.returncode == 0 and "implied LSH similarity threshold (1/b)^(1/r) = 0.719" in r.stdout


def test_worker_side_statistics_equal_statistics_recomputed_from_the_shards(demo_out: Path) -> None:
    from altedic.release.stats import check_accounting, release_stats

    m = _manifest(demo_out)
    written = json.loads((demo_out / "stats.json").read_text(encoding="utf-8"))
    recomputed = json.loads(json.dumps(release_stats(demo_out, m)))
    assert written == recomputed
    assert check_accounting(written, m) == []
    assert written["totals"]["kept"]["documents"] == sum(s["kept"] for s in m["sources"].values())


def test_bad_stage_setting_with_overwrite_leaves_the_finished_release_intact(demo_out: Path, tmp_path: Path) -> None:
    text = (
        DEMO.read_text(encoding="utf-8").split("\nstages:")[0].replace("paths: demo/", f"paths: {ROOT}/pipelines/demo/")
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text + "\nstages: {dedup: {bands: many}}\noutput: {path: out}\n", encoding="utf-8")
    before = (demo_out / "manifest.json").read_bytes()
    temp = tmp_path / "temp"
    temp.mkdir()
    r = altedic("run", str(bad), "--out", str(demo_out), "--overwrite", "--quiet", tmpdir=temp)
    assert r.returncode == 2 and "bands" in r.stderr
    assert list(temp.iterdir()) == []
    assert (demo_out / "_SUCCESS").is_file()
    assert (demo_out / "manifest.json").read_bytes() == before


def test_a_second_run_against_the_first_release_re_releases_nothing(demo_out: Path, tmp_path: Path) -> None:
    """``stages.dedup.previous`` naming a finished release (its per-shard signature files):
    the same inputs again are all duplicates of released documents, and say which ones."""
    text = DEMO.read_text(encoding="utf-8").replace("paths: demo/", f"paths: {ROOT}/pipelines/demo/")
    assert "  dedup: {}\n" in text
    recipe = tmp_path / "again.yaml"
    recipe.write_text(text.replace("  dedup: {}\n", f"  dedup: {{previous: ['{demo_out}']}}\n"), encoding="utf-8")
    out = tmp_path / "again"
    r = altedic("run", str(recipe), "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    released = {i for f in (demo_out / "data").rglob("*.parquet") for i in pq.read_table(f).column("id").to_pylist()}
    assert sorted(p.name for p in (demo_out / "dedup").glob("signatures-*.parquet"))  # what was read
    first_rej = [r for f in (demo_out / "rejected").glob("*.parquet") for r in pq.read_table(f).to_pylist()]
    assert not list((out / "data").rglob("*.parquet"))  # nothing new
    again = [r for f in (out / "rejected").glob("*.parquet") for r in pq.read_table(f).to_pylist()]
    dups = [r for r in again if r["reason"].startswith("dedup.")]
    assert len(dups) == len(released) + sum(1 for r in first_rej if r["reason"].startswith("dedup."))
    assert {r["duplicate_of"] for r in dups} <= released
    assert all("already released" in r["reason_detail"] for r in dups)
    # Stage rejections are the same as in the first run.
    assert Counter(r["reason"] for r in again if not r["reason"].startswith("dedup.")) == Counter(
        r["reason"] for r in first_rej if not r["reason"].startswith("dedup.")
    )
