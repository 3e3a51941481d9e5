"""Crashes and re-runs: a SIGKILLed run leaves nothing that looks finished; a re-run gives the same bytes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "pipelines" / "demo.yaml"


def _run(out: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # the child's temporary folder beside its output: a killed run cannot remove its own
    # (Beam's beam-pipeline-temp*), and it must not pile up in the machine's /tmp
    temp = out.parent / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "altedic.cli", "run", str(DEMO), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "TMPDIR": str(temp), **(env or {})},
    )


def _release(out: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    manifest = json.loads(files.pop("manifest.json"))
    manifest.pop("run")
    manifest["recipe"]["output"].pop("path")
    files["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return files


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean") / "out"
    assert _run(out).returncode == 0
    return _release(out)


@pytest.mark.parametrize("point", ["pipeline", "publish", "manifest"])
def test_sigkill_then_rerun_gives_the_uninterrupted_release(
    tmp_path: Path, clean: dict[str, bytes], point: str
) -> None:
    out = tmp_path / "out"
    crashed = _run(out, {"ALTEDIC_FAULT_INJECT": point})
    assert crashed.returncode == -signal.SIGKILL
    assert not (out / "_SUCCESS").exists()  # nothing looks like a finished release
    again = _run(out)  # no --overwrite needed: the crashed output is not finished
    assert again.returncode == 0, again.stderr
    assert _release(out) == clean


def test_external_sigkill_mid_pipeline_then_rerun(tmp_path: Path, clean: dict[str, bytes]) -> None:
    out = tmp_path / "out"
    (tmp_path / "temp").mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "altedic.cli", "run", str(DEMO), "--out", str(out), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(tmp_path / "temp")},  # as _run: not the machine's /tmp
    )
    staging = out / "_staging"
    try:
        # Wait (bounded) until the run has started writing, then kill it from outside.
        for _ in range(6000):
            if staging.exists() or proc.poll() is not None:
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert not (out / "_SUCCESS").exists() or proc.returncode == 0
    again = _run(out, None) if not (out / "_SUCCESS").exists() else None
    if again is not None:
        assert again.returncode == 0, again.stderr
    assert _release(out) == clean
