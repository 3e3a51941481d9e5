"""Documents whose declared language the detector contradicted, relabelled or kept
(``stages.langid.declared.on_mismatch: relabel | keep``), are counted per source in the manifest,
per source and language in ``stats.json``, and shown by ``altedic run``: a mislabelled source is
visible. Until then only a per-document ``declared:mismatch`` flag said so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from altedic.release.stats import PartialStats

# Written for this test
EN = [
    "The Ministry for Education informs the public that all State schools will remain closed tomorrow because of "
    "the bad weather.",
    "Parents are asked to keep their children at home and to follow the official announcements on the website.",
]
MT = "Il-Kummissjoni Ewropea llum ippubblikat rapport ġdid dwar l-istat tal-ambjent fl-Istati Membri."
GA = "D'fhoilsigh an Coimisiún Eorpach tuarascáil nua inniu ar staid an chomhshaoil sna Ballstáit."

RECIPE = """version: 1
name: mismatch-test
sources:
  - name: mislabelled
    format: jsonl
    paths: a.jsonl
    licence: CC-BY-4.0
    options:
      columns: {{text: text, id: id, lang: lang}}
  - name: right
    format: jsonl
    paths: b.jsonl
    licence: CC-BY-4.0
    options:
      columns: {{text: text, id: id, lang: lang}}
stages:
  langid: {{declared: {{on_mismatch: {how}}}}}
  quality: {{enabled: false}}
  dedup: {{enabled: false}}
output:
  path: out
"""


def _write(path: Path, rows: list[tuple[str, str, str]]) -> None:
    path.write_text(
        "".join(json.dumps({"id": i, "lang": lg, "text": t}, ensure_ascii=False) + "\n" for i, lg, t in rows),
        encoding="utf-8",
    )


@pytest.mark.parametrize(("how", "lang"), [("relabel", "en"), ("keep", "mt")])
def test_relabelled_and_kept_mismatches_are_counted(tmp_path: Path, how: str, lang: str) -> None:
    _write(tmp_path / "a.jsonl", [("a1", "MLT", EN[0]), ("a2", "mt", EN[1]), ("a3", "mt", MT)])
    _write(tmp_path / "b.jsonl", [("b1", "ga", GA)])
    (tmp_path / "recipe.yaml").write_text(RECIPE.format(how=how), encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "altedic.cli", "run", str(tmp_path / "recipe.yaml")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    lines = [line.strip() for line in r.stdout.splitlines()]
    assert (
        "mislabelled                          3 =       3 +      0 +    0   (declared language contradicted: 2)"
        in lines
    )
    assert "right                                1 =       1 +      0 +    0" in lines
    out = tmp_path / "out"
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert [manifest["sources"][s]["declared_mismatch"] for s in ("mislabelled", "right")] == [2, 0]
    assert manifest["accounting"]["per_source"]["mislabelled"]["declared_mismatch"] == 2
    assert manifest["accounting"]["ok"] is True
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    assert stats["totals"]["declared_mismatch"] == 2
    assert {s: v["declared_mismatch"] for s, v in stats["sources"].items()} == {"mislabelled": 2, "right": 0}
    by_lang = {lg: v["declared_mismatch"] for lg, v in stats["languages"].items()}
    assert by_lang == ({"en": 2, "mt": 0, "ga": 0} if how == "relabel" else {"mt": 2, "ga": 0})
    assert lang in by_lang


def test_mismatches_rejected_as_such_are_counted_as_a_reason_only() -> None:
    # a row rejected langid.mismatch is in rejected[langid.mismatch]; one rejected later (by the
    # quality stage) after being relabelled is a contradicted declaration as well
    flags = pa.array([["declared:mismatch"], ["declared:mismatch"], ["declared:confirmed"]], pa.list_(pa.string()))
    table = pa.table(
        {
            "text": ["a", "b", "c"],
            "source": ["s", "s", "s"],
            "lang": ["en", "en", "mt"],
            "declared_lang": ["mt", "mt", "mt"],
            "reason": ["langid.mismatch", "quality.min_words", "quality.min_words"],
            "lang_flags": flags,
        }
    )
    part = PartialStats()
    part.add_documents(table, kept=False)
    stats = part.to_dict()
    assert (stats["totals"]["declared_mismatch"], stats["sources"]["s"]["declared_mismatch"]) == (1, 1)
    assert {lg: v["declared_mismatch"] for lg, v in stats["languages"].items()} == {"en": 1, "mt": 0}
