"""Shared test fixtures.

Real-data tests use ``../shared/data`` next to the project (never copied into the repository)
and skip cleanly when it is absent, as it is on a user's fresh clone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of ../shared/data; skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent (real-data tests run only beside the shared folder)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def demo_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo recipe run once per test session with the CLI, into a temporary folder.

    Tests that need a real release use this instead of the repository's ``out/demo`` (which a
    fresh clone or CI does not have).
    """
    out = tmp_path_factory.mktemp("demo-release") / "out"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "altedic.cli",
            "run",
            str(ROOT / "pipelines" / "demo.yaml"),
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr
    assert "per source: read = kept + rejected + errors" in r.stdout
    return out
