"""A recipe that splits mixed-language documents (``stages.langid.paragraphs.on_mixed: split``)
runs to a finished release: its accounting counts the extra parts as ``derived`` in the run, in
``stats.json`` and in the manifest's check, and ``inspect`` and the dataset card say so. Until the
twenty-ninth session every run that split a document failed at the end ("manifest read = 3,
shards have 5"): the statistics counted the parts as read documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds

MT = (
    "Il-Kunsill Lokali ta' Birkirkara ħabbar illum pjan ġdid biex jitjiebu t-toroq u l-bankini fiż-żona ċentrali "
    "tal-belt. Is-sindku qal li x-xogħlijiet se jibdew fix-xahar tas-sajf u li r-residenti se jkunu infurmati kull "
    "ġimgħa dwar il-progress tal-proġett. Il-fondi ġejjin minn programm Ewropew għall-iżvilupp reġjonali."
)
MT_EN = (
    "The local council of Birkirkara announced today a new plan to improve the roads and pavements in the central "
    "area of the town. The mayor said that the works would start in the summer months and that residents would be "
    "informed every week about the progress of the project, which is funded by a European regional programme."
)
GA = (
    "D'fhógair an chomhairle contae inniu go n-osclófar leabharlann nua i lár an bhaile an bhliain seo chugainn. "
    "Beidh seomra staidéir, rannóg do pháistí agus bailiúchán mór leabhar Gaeilge san fhoirgneamh nua. Dúirt an "
    "leabharlannaí go bhfuil súil aici go dtiocfaidh daoine óga isteach gach tráthnóna tar éis na scoile."
)
GA_EN = (
    "The county council announced today that a new library will open in the town centre next year. The new "
    "building will have a study room, a section for children and a large collection of books in Irish. The "
    "librarian said she hopes that young people will come in every evening after school to read and study together."
)
EL = (
    "Η Ευρωπαϊκή Επιτροπή παρουσίασε σήμερα νέα πρόταση για τη μείωση των εκπομπών στις μεταφορές. Η πρόταση "
    "προβλέπει αυστηρότερα όρια για τα νέα οχήματα και χρηματοδότηση για τις δημόσιες συγκοινωνίες στις πόλεις."
)

RECIPE = """version: 1
name: split-test
sources:
  - name: s1
    format: jsonl
    paths: in.jsonl
    licence: CC-BY-4.0
    options:
      columns: {text: text, id: id, lang: lang}
stages:
  langid: {paragraphs: {on_mixed: split}}
  quality: {enabled: false}
output:
  path: out
"""


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "altedic.cli", *args], capture_output=True, text=True, timeout=600)


def test_a_run_that_splits_documents_finishes_and_counts_the_parts(tmp_path: Path) -> None:
    rows = [("mt-en", "mt", f"{MT}\n\n{MT_EN}"), ("ga-en", "ga", f"{GA}\n\n{GA_EN}"), ("el1", "el", EL)]
    (tmp_path / "in.jsonl").write_text(
        "".join(json.dumps({"id": i, "lang": lg, "text": t}, ensure_ascii=False) + "\n" for i, lg, t in rows),
        encoding="utf-8",
    )
    (tmp_path / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    r = _cli("run", str(tmp_path / "recipe.yaml"))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "s1                                   3 (+2 split parts) =       5 +      0 +    0" in r.stdout
    out = tmp_path / "out"
    kept = ds.dataset(out / "data", partitioning="hive").to_table(columns=["lang", "doc_ref", "text"]).to_pylist()
    assert sorted((k["doc_ref"], k["lang"], k["text"]) for k in kept) == [
        ("el1", "el", EL),
        ("ga-en", "en", GA_EN),
        ("ga-en", "ga", GA),
        ("mt-en", "en", MT_EN),
        ("mt-en", "mt", MT),
    ]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["accounting"]["per_source"]["s1"] == {
        "read": 3,
        "derived": 2,
        "kept": 5,
        "rejected": {},
        "errors": 0,
        "declared_mismatch": 0,
        "ok": True,
    }
    assert (manifest["accounting"]["ok"], manifest["accounting"]["problems"]) == (True, [])
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    assert (stats["totals"]["read"], stats["totals"]["derived"]) == (3, 2)
    assert (stats["sources"]["s1"]["read"], stats["sources"]["s1"]["derived"]) == (3, 2)
    assert "Accounting: read 3 + 2 split parts = kept 5 + rejected 0 + errors 0." in (out / "README.md").read_text(
        "utf-8"
    )
    # the AI Act summary counts the parts as the card and inspect do ("Read 3 items: kept 5" before)
    assert (
        "Read 3 items + 2 split parts: kept 5, rejected 0, unreadable 0."
        in (out / "training-content-summary.md").read_text("utf-8").splitlines()
    )
    r = _cli("inspect", str(out))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "read 3 + 2 split parts = kept 5 + rejected 0 + errors 0" in r.stdout
    assert "checksums: 14 of 14 files OK" in r.stdout  # data: el, en, ga, mt; 5 release files; dedup: 5
