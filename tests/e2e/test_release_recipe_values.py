"""Values of the recipe's ``release:`` section that ``altedic validate`` accepts reach the release
documents: a run with them finishes (``_SUCCESS``) and the summary prints them.

Until the thirty-first session an unquoted date there (``placed_on_market: 2027-01-15``, exactly
as summary.py's docstring example writes it) passed ``altedic validate`` and stopped ``altedic run``
at its very end with ``TypeError: Object of type date is not JSON serializable``, leaving the
staging folder and no ``_SUCCESS``: only ``sources[].retrieved`` was converted to text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MT = (
    "Il-Kunsill Lokali ta' Birkirkara ħabbar illum pjan ġdid biex jitjiebu t-toroq u l-bankini fiż-żona ċentrali "
    "tal-belt. Is-sindku qal li x-xogħlijiet se jibdew fix-xahar tas-sajf u li r-residenti se jkunu infurmati kull "
    "ġimgħa dwar il-progress tal-proġett. Il-fondi ġejjin minn programm Ewropew għall-iżvilupp reġjonali."
)

RECIPE = """version: 1
name: dates-test
sources:
  - name: regional-web
    format: jsonl
    paths: in.jsonl
    licence: CC-BY-4.0
    retrieved: 2026-10-01
    options:
      columns: {text: text, id: id, lang: lang, url: url}
stages:
  quality: {enabled: false}
output:
  path: out
release:
  provider: ALT-EDIC
  model: EuroLM-1
  placed_on_market: 2027-01-15
  sources:
    regional-web: {category: crawled, crawler: altedic-crawl/0.1, period: 2026-09-01}
"""


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "altedic.cli", *args], capture_output=True, text=True, timeout=600)


def test_unquoted_dates_in_the_release_section_validate_run_and_reach_the_summary(tmp_path: Path) -> None:
    row = {"id": "a", "lang": "mt", "text": MT, "url": "https://news.example.eu/a"}
    (tmp_path / "in.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    v = _cli("validate", str(tmp_path / "recipe.yaml"))
    assert v.returncode == 0, v.stderr[-2000:]
    r = _cli("run", str(tmp_path / "recipe.yaml"), "--quiet")
    assert r.returncode == 0, r.stderr[-2000:]
    out = tmp_path / "out"
    assert (out / "_SUCCESS").exists() and not (out / "_staging").exists()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["recipe"]["release"]["placed_on_market"] == "2027-01-15"
    summary = json.loads((out / "training-content-summary.json").read_text("utf-8"))
    assert summary["general_information"]["model"]["placed_on_market"] == "2027-01-15"
    assert summary["data_sources"]["crawled"]["collection_period"] == ["2026-09-01"]
    md = (out / "training-content-summary.md").read_text("utf-8").splitlines()
    assert "- Date of placement on the Union market: 2027-01-15" in md
