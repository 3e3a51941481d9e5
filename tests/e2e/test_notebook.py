"""notebooks/explore_release.ipynb runs top to bottom on a release (nbclient, local kernel)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import release_fixture as rf

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def _execute(repo_root: Path, release: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("ALTEDIC_RELEASE", str(release))
    nb = nbformat.read(repo_root / "notebooks" / "explore_release.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(repo_root / "notebooks")}}
    )
    client.execute()
    outputs = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", out
            outputs.append(out.get("text", "") or str(out.get("data", {}).get("text/plain", "")))
    return outputs


def test_notebook_runs_on_a_release(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "rel"
    rf.build_finalised_release(out)
    text = "\n".join(_execute(repo_root, out, monkeypatch))
    assert "fixture - 11 shards" in text
    assert "quality.stop_words" in text
    assert os.environ["ALTEDIC_RELEASE"] == str(out)


def test_notebook_runs_on_the_demo_output(repo_root: Path, demo_release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demo = demo_release
    text = "\n".join(_execute(repo_root, demo, monkeypatch))
    assert "altedic-demo" in text
