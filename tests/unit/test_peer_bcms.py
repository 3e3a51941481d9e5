"""benchmarks/peer_bcms.py: MaCoCu's BCMS variant classifier beside the stage (docs/langid.md,
twenty-eighth session). The classifier itself (scikit-learn pickles, no licence) is not here: a
stand-in interpreter answers for it, so that what the script does with the answers is checked."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import benchmark_scripts
import pytest

peer = benchmark_scripts.load("peer_bcms")


def _interpreter(folder: Path, body: str) -> str:
    """An executable standing in for the classifier's Python (its arguments, ``-c`` and the
    script, are ignored)."""
    path = folder / "fake-python"
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_peer_labels_maps_the_classifier_labels_to_the_stage_codes(tmp_path: Path) -> None:
    # the stand-in records what it was sent and answers one label of each kind
    answer = json.dumps([["hr", False], ["bs", True], ["sr", False], ["me", False]])
    python = _interpreter(tmp_path, f"cat > {tmp_path}/job.json\necho '{answer}'\n")
    got = peer.peer_labels(python, tmp_path / "model", ["a", "b", "c", "d"])
    assert got == [("hr", False), ("bs", True), ("sr-Latn", False), ("cnr-Latn", False)]
    assert json.loads((tmp_path / "job.json").read_text(encoding="utf-8")) == {
        "dir": str(tmp_path / "model"),
        "texts": ["a", "b", "c", "d"],
    }


def test_peer_labels_stops_with_the_interpreters_error(tmp_path: Path) -> None:
    python = _interpreter(tmp_path, "echo 'No module named sklearn' >&2\nexit 1\n")
    with pytest.raises(SystemExit) as stop:
        peer.peer_labels(python, tmp_path, ["a"])
    assert str(stop.value) == "the classifier's interpreter failed:\nNo module named sklearn"
