"""Release documents: dataset card, AI Act summary, report, finalise."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import release_fixture as rf
import yaml

from altedic.errors import ConfigError, RunError
from altedic.release.card import hub_licence, size_category
from altedic.release.finalise import RELEASE_FILES, finalise, sha256_file
from altedic.release.summary import build_summary, pii_modes, size_band, source_category, summary_from_release
from altedic.schema import load_contract


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("rel")
    return out, rf.build_finalised_release(out)


def _front_matter(text: str) -> dict[str, Any]:
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    assert m is not None
    data: dict[str, Any] = yaml.safe_load(m.group(1))
    return data


def test_finalise_writes_the_files_and_returns_their_checksums(release: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = release
    assert set(manifest["release_files"]) == set(RELEASE_FILES)
    for name, info in manifest["release_files"].items():
        assert sha256_file(out / name) == info["sha256"]
        assert (out / name).stat().st_size == info["bytes"]
    assert manifest["stats"] == {
        "kept": 12,
        "rejected": 6,
        "errors": 2,
        "tokens_est": 199,
        "token_estimator": "utf8_bytes_div_4",
    }


def test_finalise_is_deterministic(tmp_path: Path, release: tuple[Path, dict[str, Any]]) -> None:
    _, manifest = release
    again = rf.build_finalised_release(tmp_path / "again")
    assert again["release_files"] == manifest["release_files"]


def test_finalise_fails_when_shards_do_not_add_up(tmp_path: Path) -> None:
    manifest = rf.build_release(tmp_path)
    manifest["sources"]["community-mt"]["errors"] = 0
    with pytest.raises(RunError, match=r"source 'community-mt': manifest errors = 0, shards have 1"):
        finalise(str(tmp_path), manifest)
    assert not (tmp_path / "stats.json").exists()


def test_card_yaml_parses_and_configs_point_at_existing_files(release: tuple[Path, dict[str, Any]]) -> None:
    out, _ = release
    text = (out / "README.md").read_text("utf-8")
    meta = _front_matter(text)
    assert meta["language"] == ["bg", "ca", "el", "eu", "fy", "ga", "lb", "mt"]
    assert meta["license"] == "other"
    assert meta["size_categories"] == ["n<1K"]
    names = [c["config_name"] for c in meta["configs"]]
    assert names == ["all", "bg", "ca", "el", "eu", "fy", "ga", "lb", "mt"]
    assert meta["configs"][0]["default"] is True
    for cfg in meta["configs"]:
        (files,) = cfg["data_files"]
        assert files["split"] == "train"
        matched = sorted(p.relative_to(out).as_posix() for p in out.glob(files["path"]))
        expected = 12 if cfg["config_name"] == "all" else {"mt": 3, "ga": 2, "ca": 2}.get(cfg["config_name"], 1)
        assert matched
        assert sum(pq.ParquetFile(out / m).metadata.num_rows for m in matched) == expected
    # Every field of the contract is described; attribution texts and refused sources are listed.
    for f in load_contract("document.v1")["fields"]:
        assert f"| `{f['name']}` | {f['type']} |" in text
    assert "- **eu-acts**: © European Union, https://eur-lex.europa.eu" in text
    assert "| forum-nd | recipe | CC-BY-NC-ND-4.0 | licence.non_commercial | NC licences are excluded |" in text
    assert "| mt | 3 | 188 | 21 | 49 | 3 |" in text
    assert "## Limitations" in text


def test_hub_licence_and_size_category() -> None:
    assert hub_licence(["CC-BY-4.0"]) == "cc-by-4.0"
    assert hub_licence(["CC-BY-4.0", "CC0-1.0"]) == ["cc-by-4.0", "cc0-1.0"]
    assert hub_licence(["CC-BY-4.0", "EU-Reuse-2011-833"]) == "other"
    assert hub_licence([]) == "other"
    assert [size_category(n) for n in (0, 999, 1000, 10**6, 2 * 10**12)] == [
        "n<1K",
        "n<1K",
        "1K<n<10K",
        "1M<n<10M",
        "n>1T",
    ]


def test_summary_figures_equal_the_stats(release: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = release
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    summary = json.loads((out / "training-content-summary.json").read_text("utf-8"))
    assert summary == build_summary(manifest, stats)
    g = summary["general_information"]
    text = g["modalities"]["text"]
    assert (text["documents"], text["characters"], text["tokens_est"]) == (
        stats["totals"]["kept"]["documents"],
        stats["totals"]["kept"]["characters"],
        stats["totals"]["kept"]["tokens_est"],
    )
    assert text["size_band"] == "Less than 1 billion tokens"
    assert {lg["code"]: (lg["documents"], lg["tokens_est"]) for lg in g["languages"]} == {
        lg: (v["kept"]["documents"], v["kept"]["tokens_est"])
        for lg, v in stats["languages"].items()
        if v["kept"]["documents"]
    }
    assert g["latest_acquisition_date"] == "2026-11-01"
    assert g["provider"] == {
        "name": "ALT-EDIC",
        "contact": "corpus@alt-edic.example",
        "authorised_representative": None,
    }
    assert g["model"]["names"] == ["EuroLM-test-1"]
    s = summary["data_sources"]
    assert [d["name"] for d in s["public_datasets"]["large_datasets"]] == ["community-mt", "eu-acts"]
    assert [(d["name"], d["tokens_est"]) for d in s["public_datasets"]["large_datasets"]] == [
        (n, stats["sources"][n]["kept"]["tokens_est"]) for n in ("community-mt", "eu-acts")
    ]
    assert s["crawled"]["crawlers"] == ["altedic-crawl/0.1"]
    assert s["crawled"]["domains_total"] == 4
    # Top 10 % of 4 domains, rounded up: one domain, the largest by estimated tokens.
    assert s["crawled"]["top_domains"] == [
        {"domain": "vilaweb.cat", "documents": 2, "tokens_est": stats["domains"]["vilaweb.cat"]["tokens_est"]}
    ]
    p = summary["data_processing"]
    assert p["tdm_reservations"]["refused_sources"]["count"] == 3
    assert p["tdm_reservations"]["refused_sources"]["by_reason"] == {"licence.non_commercial": 2, "tdm.reserved": 1}
    pii = p["illegal_content_and_personal_data"]
    assert pii["pii_matches_in_kept_documents"] == stats["pii"]["matches"]["kept"] == {"email": 1, "phone": 1}
    assert pii["kept_documents_with_pii"] == 2
    assert (pii["pii_mode"], pii["pii_mode_by_source"]) == ("redact", {"regional-web": "tag"})
    assert p["other"]["rejected_by_reason"] == {r: sum(v.values()) for r, v in stats["reasons"].items()}
    md = (out / "training-content-summary.md").read_text("utf-8")
    for heading in (
        "## 1. General information",
        "### 1.3 Modalities",
        "## 2. List of data sources",
        "### 2.3 Data crawled",
        "## 3. Data processing aspects",
        "### 3.1 Respect of reservation of rights",
        "### 3.2 Removal of illegal content",
    ):
        assert heading in md
    assert "| licence.non_commercial | 2 |" in md
    assert "| email | 1 | 0 |" in md
    assert (
        "- PII mode: redact (each match replaced by a typed placeholder (`<EMAIL>`, `<PHONE>`, `<IBAN>`...)); "
        "per source: regional-web: tag\n" in md
    )


def test_card_and_summary_read_stages_and_languages_where_the_manifest_has_them(
    release: tuple[Path, dict[str, Any]],
) -> None:
    """Stage settings are at recipe.stages and per-source languages in stats.json (the
    manifest has neither a top-level 'stages' nor per-source 'languages')."""
    out, manifest = release
    assert "stages" not in manifest and all("languages" not in s for s in manifest["sources"].values())
    card = (out / "README.md").read_text("utf-8")
    block = card.split("Settings and versions of the stages (from the manifest):\n\n```json\n")[1].split("\n```")[0]
    assert json.loads(block) == {
        "altedic_version": "0.1.0",
        "implementations": {
            "langid_model": "compiled",
            "minhash": {"implementation": "compiled", "spec": "minhash-v1"},
            "quality_ngrams": "compiled",
        },
        "stages": rf.STAGES,
    }
    rows = card.split("## Sources\n\n")[1].split("\n\n")[0].splitlines()[2:]
    assert rows == [
        "| community-mt | jsonl | CC-BY-4.0 | recipe | Għaqda tal-Malti | mt | 1 | 2026-11-01 |",
        "| eu-acts | formex | EU-Reuse-2011-833 | recipe | Publications Office of the EU | bg, el, ga, mt | 6 | 2026-10-01 |",
        "| regional-web | warc | CC0-1.0 | recipe |  | ca, eu, fy, lb | 5 | 2026-09-15 |",
    ]
    summary = json.loads((out / "training-content-summary.json").read_text("utf-8"))
    s = summary["data_sources"]
    by_name = {
        d["name"]: d["languages"]
        for d in [*s["public_datasets"]["large_datasets"], *s["crawled"]["sources"], *s["other"]["datasets"]]
    }
    assert by_name == {
        "community-mt": ["mt"],
        "eu-acts": ["bg", "el", "ga", "mt"],
        "regional-web": ["ca", "eu", "fy", "lb"],
    }


@pytest.mark.parametrize(
    ("pii", "expected"),
    [
        (None, ("redact", {})),
        ({}, ("redact", {})),
        ({"mode": "tag"}, ("tag", {})),
        ({"mode": "drop", "sources": {"b": "off", "a": "redact"}}, ("drop", {"a": "redact", "b": "off"})),
        ({"enabled": False, "mode": "redact"}, ("off", {})),
        # an unquoted `off` in YAML is false: the summary said "False"
        ({"mode": False, "sources": {"b": False}}, ("off", {"b": "off"})),
    ],
)
def test_pii_mode_is_the_recipes_with_the_stages_defaults(
    pii: dict[str, Any] | None, expected: tuple[str, dict[str, str]]
) -> None:
    stages: dict[str, Any] = {"langid": {}} if pii is None else {"langid": {}, "pii": pii}
    assert pii_modes({"recipe": {"stages": stages}}) == expected


def test_summary_command_regenerates_identical_files(tmp_path: Path) -> None:
    out = tmp_path / "r"
    rf.build_finalised_release(out)
    before = {n: (out / n).read_bytes() for n in ("training-content-summary.json", "training-content-summary.md")}
    for n in before:
        (out / n).unlink()
    from altedic.commands import summary as cmd

    parser = argparse.ArgumentParser()
    cmd.register(parser.add_subparsers())
    args = parser.parse_args(["summary", str(out)])
    assert args.func(args) == 0
    assert {n: (out / n).read_bytes() for n in before} == before
    # Without stats.json (an output from before statistics existed) it is computed from the shards.
    (out / "stats.json").unlink()
    summary_from_release(out)
    assert (out / "training-content-summary.json").read_bytes() == before["training-content-summary.json"]


def test_summary_bad_release_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"manifest\.json"):
        summary_from_release(tmp_path)


def test_source_categories_and_bands() -> None:
    rel = {"sources": {"a": {"category": "licensed"}, "bad": {"category": "scraped"}}}
    assert source_category("a", {"licence": "CC-BY-4.0"}, rel) == "licensed"
    assert source_category("w", {"format": "warc", "licence": "CC-BY-4.0"}, rel) == "crawled"
    assert source_category("e", {"format": "formex", "licence": "EU-Reuse-2011-833"}, rel) == "public"
    assert source_category("p", {"format": "csv", "licence": "proprietary"}, rel) == "other"
    with pytest.raises(ConfigError, match="unknown category 'scraped'"):
        source_category("bad", {}, rel)
    assert [size_band(n) for n in (0, 10**9 - 1, 10**9, 10**13)] == [
        "Less than 1 billion tokens",
        "Less than 1 billion tokens",
        "1 billion to 10 trillion tokens",
        "More than 10 trillion tokens",
    ]


def test_report_is_self_contained(release: tuple[Path, dict[str, Any]]) -> None:
    out, _ = release
    page = (out / "report.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    # Only data: URIs are loaded; links in text (attribution) are fine, but no src/href to the network.
    assert re.findall(r'(?:src|href)="(?!data:)[^"]*"', page) == []
    assert (
        len(re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', page)) == 7
    )  # languages, removed, length, confidence, quality, clusters, licences
    assert "Content-Security-Policy" in page
    for needle in (
        "vilaweb.cat",
        "Publications Office of the EU",
        "quality.stop_words",
        "EU-Reuse-2011-833",
        '<td class="l">mt</td>',
    ):
        assert needle in page


def test_report_plots_drawn_in_waiting_local_processes_are_the_same(release: tuple[Path, dict[str, Any]]) -> None:
    from altedic.beam import localworker
    from altedic.release.report import render_plots

    out, _ = release
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    here = render_plots(stats, 1)
    assert len(here) == 7 and all(v.startswith("<img") or "note" in v for v in here.values())
    try:
        # No process waiting: drawn here (starting interpreters would cost more than it saves).
        assert localworker.spares() == 0
        assert render_plots(stats, 2) == here and localworker.spares() == 0
        localworker.prestart(2)
        localworker.preload(["altedic.release.report"])
        assert localworker.spares() == 2
        there = render_plots(stats, 2)
        assert localworker.spares() == 0  # the two waiting processes drew them (and were ended)
        assert there == here
    finally:
        localworker.shutdown()
