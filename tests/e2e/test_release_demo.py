"""The release documents of a real run (the demo recipe): what the dataset card and the AI Act
summary say is read from where ``altedic run`` writes it, not from where a test fixture put it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import release_fixture as rf

#: The demo recipe's ``stages`` section (pipelines/demo.yaml) as the card shows it.
DEMO_STAGES = {
    "dedup": {},
    "langid": {},
    "normalise": {"fix_mojibake": True, "min_chars": 20, "unicode_form": "NFC"},
    "pii": {"mode": "redact"},
    "quality": {},
}
#: Languages with kept documents per source in the demo release.
DEMO_SOURCE_LANGUAGES = {
    "eu-legal-texts": ["bg", "ga", "mt"],
    "national-portal": ["fi", "fr", "pt", "sl"],
    "web-news": ["bg", "ca", "de", "el", "et", "eu", "ga", "hr", "mt", "pl"],
}


def _stages_block(card: str) -> dict[str, Any]:
    text = card.split("Settings and versions of the stages (from the manifest):\n\n```json\n")[1].split("\n```")[0]
    block: dict[str, Any] = json.loads(text)
    return block


def _source_rows(card: str) -> list[str]:
    return card.split("## Sources\n\n")[1].split("\n\n")[0].splitlines()[2:]


def test_card_shows_the_recipes_stages_and_each_sources_languages(demo_release: Path) -> None:
    card = (demo_release / "README.md").read_text("utf-8")
    assert _stages_block(card)["stages"] == DEMO_STAGES
    assert _source_rows(card) == [
        "| eu-legal-texts | text | EU-Reuse-2011-833 | recipe | Publications Office of the European Union "
        "| bg, ga, mt | 3 | 2026-11-01 |",
        "| national-portal | csv | CC-BY-4.0 | recipe | Example National Open Data Portal "
        "| fi, fr, pt, sl | 4 | 2026-10-15 |",
        "| web-news | jsonl | CC-BY-4.0 | recipe | Example European News Network "
        "| bg, ca, de, el, et, eu, ga, hr, mt, pl | 15 | 2026-11-01 |",
    ]


def test_summary_gives_the_pii_mode_and_each_sources_languages(demo_release: Path) -> None:
    summary = json.loads((demo_release / "training-content-summary.json").read_text("utf-8"))
    pii = summary["data_processing"]["illegal_content_and_personal_data"]
    assert (pii["pii_mode"], pii["pii_mode_by_source"]) == ("redact", {})
    md = (demo_release / "training-content-summary.md").read_text("utf-8")
    assert "- PII mode: redact (each match replaced by a typed placeholder (`<EMAIL>`, `<PHONE>`, `<IBAN>`...))\n" in md
    listed = [
        *summary["data_sources"]["public_datasets"]["large_datasets"],
        *summary["data_sources"]["crawled"]["sources"],
        *summary["data_sources"]["other"]["datasets"],
    ]
    assert {d["name"]: d["languages"] for d in listed} == DEMO_SOURCE_LANGUAGES


def test_summary_of_the_demo_names_its_web_source_and_its_licence_rejections(demo_release: Path) -> None:
    """web-news has URLs (news.example.eu...) and no declared category: 2.3 said "Used: no" and
    nothing else while the source sat among the public datasets; the document the portal's
    per-row licence refused (licence.non_commercial) was missing from 3.1's Markdown."""
    md = (demo_release / "training-content-summary.md").read_text("utf-8")
    crawled = md.split("### 2.3 Data crawled and scraped from online sources\n\n")[1].split("\n\n### 2.4")[0]
    assert crawled.startswith(
        "Used: no.\n\nSources whose documents have web addresses but whose category is not declared (listed by "
        "their licence under 2.1 or 2.6): web-news ("
    )
    tdm = md.split("### 3.1 ")[1].split("### 3.2")[0]
    assert "Documents rejected for their own licence or a reservation of rights: 1.\n\n" in tdm
    assert "| `licence.non_commercial` | 1 |" in tdm
    assert "None." not in tdm


def test_a_mix_of_the_demo_carries_the_stages_and_its_own_languages(demo_release: Path, tmp_path: Path) -> None:
    from altedic.release.mix import mix

    # Only Maltese and Irish: the sources' languages are the mixed release's, not the parent's.
    mix(demo_release, tmp_path / "mixed", weights={"mt": 1.0, "ga": 2.0}, default=0.0, seed=0)
    card = (tmp_path / "mixed" / "README.md").read_text("utf-8")
    assert _stages_block(card)["stages"] == DEMO_STAGES
    assert [row.split(" | ")[5] for row in _source_rows(card)] == ["ga, mt", "ga, mt"]
    summary = json.loads((tmp_path / "mixed" / "training-content-summary.json").read_text("utf-8"))
    assert summary["data_processing"]["illegal_content_and_personal_data"]["pii_mode"] == "redact"


def test_the_release_fixture_has_the_manifest_keys_a_run_writes(demo_release: Path, tmp_path: Path) -> None:
    """tests/release_fixture.py stands in for a run in the unit tests: it must not invent keys
    (a top-level ``stages``, per-source ``languages``) that made readers of them pass there."""
    real = json.loads((demo_release / "manifest.json").read_text("utf-8"))
    fixture = rf.build_finalised_release(tmp_path / "fixture")
    # dedup_files: the dedup signature files, which the synthetic release does not write.
    assert set(fixture) == set(real) - {"dedup_files"}
    (source_keys,) = {frozenset(s) for s in real["sources"].values()}
    assert {frozenset(s) for s in fixture["sources"].values()} == {source_keys}
    assert set(fixture["accounting"]) == set(real["accounting"])
    (acc_keys,) = {frozenset(s) for s in real["accounting"]["per_source"].values()}
    assert {frozenset(s) for s in fixture["accounting"]["per_source"].values()} == {acc_keys}
    assert set(fixture["implementations"]) == set(real["implementations"])
    assert set(fixture["recipe"]["stages"]) == set(real["recipe"]["stages"])


def test_a_run_that_keeps_nothing_is_an_empty_release_that_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every document rejected: no data/ folder. load_dataset raises DataFilesNotFoundError (the
    card keeps its "all" config, so `datasets` does not guess and load the summary JSON as data),
    the card says why the release is empty, and inspect --sample says there is nothing to sample
    (it printed nothing and exited 0)."""
    (tmp_path / "in.jsonl").write_text(
        '{"id": "fr-1", "lang": "fr", "text": "Bonjour tout le monde, voici un texte court."}\n'
        '{"id": "fr-2", "lang": "fr", "text": "La Commission a publié un rapport aujourd\'hui."}\n',
        encoding="utf-8",
    )
    (tmp_path / "recipe.yaml").write_text(
        "version: 1\nname: all-rejected\nsources:\n  - name: s1\n    format: jsonl\n    paths: in.jsonl\n"
        "    licence: CC-BY-4.0\n    profile: web\n    options: {columns: {text: text, id: id, lang: lang}}\n"
        "stages: {normalise: {}, langid: {}, quality: {}, pii: {mode: redact}, dedup: {}}\noutput: {path: out}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = _cli("run", str(tmp_path / "recipe.yaml"), "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    assert not (out / "data").exists()
    card = (out / "README.md").read_text("utf-8")
    assert (
        "\n# all-rejected\n\n**This release is empty**: built with altedic 0.1.0 (ALT-EDIC corpus builder), it holds "
        "no document because every document read was rejected or unreadable (read 2 = kept 0 + rejected 2 + "
        "errors 0; see Removed documents). It has no data shards (`data/`), so "
        '`load_dataset("path/to/this/release")` raises `DataFilesNotFoundError`.'
    ) in card
    r = _cli("inspect", str(out), "--sample", "3")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (
        "altedic: error: at '--sample': nothing to sample: the release is empty (no kept document, no data shard); "
        f"`altedic inspect {out}` shows what was read and rejected, `--rejected REASON` shows rejected documents\n"
    )
    r = _cli("inspect", str(out), "--rejected", "quality.too_few_words")
    assert r.returncode == 0 and r.stdout.startswith("2 document(s) rejected with quality.too_few_words:\n")

    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    from datasets.exceptions import DataFilesNotFoundError

    with pytest.raises(DataFilesNotFoundError):
        datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "altedic.cli", *args], capture_output=True, text=True, timeout=600, check=False
    )


def test_uri_holds_what_the_contract_says(demo_release: Path, repo_root: Path) -> None:
    """The contract said "as given in the recipe" (``demo/web-news.jsonl``); a run records the
    absolute path it read, and the contract, hence the card's schema table, now says so."""
    import pyarrow.parquet as pq

    from altedic.schema import load_contract

    description = {f["name"]: f["description"] for f in load_contract("document.v1")["fields"]}["uri"]
    assert description == (
        "File (or archive!member) the document came from, as the run read it: a local path made absolute "
        "(resolved against the recipe's folder), a remote URI (gs://, s3://...) as matched. It names a place on "
        "the machine that built the release; the id does not depend on it (it uses the path relative to the "
        "source's root)."
    )
    assert f"| `uri` | string | no | {description} |" in (demo_release / "README.md").read_text("utf-8")
    demo = (repo_root / "pipelines" / "demo").resolve()
    uris = {
        u
        for f in sorted(demo_release.glob("*/**/*.parquet"))
        if f.parts[len(demo_release.parts)] != "dedup"
        for u in pq.read_table(f, columns=["uri"]).column("uri").to_pylist()
    }
    assert uris == {
        str(demo / "web-news.jsonl"),
        str(demo / "portal-export.csv"),
        *(str(demo / "legal" / f"regulation-{lg}.txt") for lg in ("bg", "ga", "mt")),
    }
