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
    # a web archive may be a third party's public dataset: crawled is declared, never guessed from the format
    assert source_category("w", {"format": "warc", "licence": "CC-BY-4.0"}, rel) == "public"
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


def _summary_md(manifest: dict[str, Any], stats: dict[str, Any]) -> str:
    from altedic.release.summary import render_summary_md

    return render_summary_md(build_summary(manifest, stats))


def _section(md: str, start: str, end: str) -> str:
    return md.split(start + "\n\n")[1].split("\n\n" + end)[0]


TDM_TEXT = (
    "Before any content of a source was read, its licence and rights information (recipe, source manifest, catalogue "
    "metadata, ODRL policy) was checked. Reservations of rights from text and data mining (Article 4(3) of Directive "
    "(EU) 2019/790) were honoured in the machine-readable forms altedic reads: a TDMRep `tdmrep.json` file (at the "
    'source\'s `.well-known/tdmrep.json`, or named by the recipe), a `<meta name="tdm-reservation" content="1">` '
    "element in the head of HTML inputs, and the `tdm_reservation` a contributor declares for its source. Sources "
    "with a reservation, or whose terms do not permit use for training, were refused and not read; they are counted "
    "below with the reason code of the refusal. Documents whose own licence does not permit it were rejected one by "
    "one (reason codes `licence.*`). altedic reads data already collected and does not crawl: how robots.txt and "
    "other opt-outs were respected during collection is described for each crawled source in 2.3."
)


def test_summary_sections_follow_the_template_without_a_declared_category(
    release: tuple[Path, dict[str, Any]],
) -> None:
    """What the recipe does not say is "not provided", never "none"; a source whose documents have
    web addresses is not silently a public dataset; 3.1 names the opt-out protocols honoured and
    lists the documents rejected for their licence; 3.2 says plainly that no measure against
    illegal content was applied; 3.3 counts split parts. Before: "Model dependencies: none", 2.3
    "Used: no" (the crawled default could never apply: no reader has a web-archive format), 3.1's
    licence.* rejections in the JSON only and "None." twice without refused sources, 3.2 silent on
    illegal content, and "Read 20 items: kept 33, rejected 7" for 13 split parts."""
    out, manifest = release
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    manifest = json.loads(json.dumps(manifest))
    manifest["recipe"]["release"] = {"provider": "ALT-EDIC"}
    manifest["refused_sources"] = []
    stats["reasons"]["licence.non_commercial"] = {"nl": 1}
    stats["totals"]["derived"] = 13
    md = _summary_md(manifest, stats)
    assert _section(md, "### 1.2 Model identification", "### 1.3") == (
        "- Versioned model name(s): not provided\n"
        "- Model dependencies: not provided\n"
        "- Date of placement on the Union market: not provided"
    )
    assert _section(md, "### 2.3 Data crawled and scraped from online sources", "### 2.4") == (
        "Used: no.\n\n"
        "Sources whose documents have web addresses but whose category is not declared (listed by their licence "
        "under 2.1 or 2.6): regional-web (4 domains). If the provider, or someone on its behalf, crawled or scraped "
        "them, they belong here: the recipe declares it with `release.sources.<name>.category: crawled` and the "
        "crawler's `crawler`, `crawler_purpose`, `crawler_behaviour` and `period`."
    )
    assert _section(
        md, "### 3.1 Respect of reservation of rights from the text and data mining exception or limitation", "### 3.2"
    ) == (
        "Signatory of the General-Purpose AI Code of Practice: not provided.\n\n"
        f"{TDM_TEXT}\n\n"
        "Refused sources: 0.\n\n"
        "Documents rejected for their own licence or a reservation of rights: 1.\n\n"
        "| reason | documents |\n|---|---|\n| `licence.non_commercial` | 1 |"
    )
    assert _section(md, "### 3.2 Removal of illegal content; personal data", "- PII mode:") == (
        "altedic applied no measure aimed at illegal content (such as child sexual abuse material, terrorist content "
        "or content that infringes intellectual property) beyond its language-specific quality rules and the "
        "personal-data rules below, and the provider described no other measure "
        "(`release.illegal_content_measures` in the recipe).\n\n"
        "Personal data was detected with pattern rules (e-mail addresses, phone numbers, IBANs and other "
        "identifiers) and handled as the PII mode below says. The counts below are the detected matches."
    )
    assert "Read 20 items + 13 split parts: kept 12, rejected 6, unreadable 2." in md.splitlines()
    summary = build_summary(manifest, stats)
    assert summary["general_information"]["model"] == {"names": None, "dependencies": None, "placed_on_market": None}
    web = summary["data_sources"]["public_datasets"]["large_datasets"][-1]
    assert (web["name"], web["category_declared"]) == ("regional-web", False)
    assert summary["data_sources"]["crawled"]["undeclared_sources_with_urls"] == [
        {"name": "regional-web", "category": "public", "domains": 4}
    ]


def test_summary_renders_each_declared_category_with_the_fields_the_template_asks(
    release: tuple[Path, dict[str, Any]],
) -> None:
    """2.3 gave only "Crawlers: x. Collection period: y" (no purpose, no behaviour towards
    robots.txt); 2.4, 2.5 and 2.6 printed "Used: yes." without the datasets the JSON lists, and
    synthetic data had no generating model."""
    out, manifest = release
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    manifest = json.loads(json.dumps(manifest))
    manifest["recipe"]["release"] = {
        "model": "EuroLM-test-1",
        "model_dependencies": [],
        "illegal_content_measures": "Documents from domains on the provider's blocklist were removed before the run.",
        "sources": {
            "regional-web": {
                "category": "crawled",
                "crawler": "altedic-crawl/0.1",
                "crawler_purpose": "text for EU language models",
                "crawler_behaviour": "honours robots.txt and TDMRep; no log-ins, paywalls or captchas",
                "period": "2026-09",
            },
            "community-mt": {
                "category": "synthetic",
                "generating_model": "EuroLM-0.9",
                "description": "paraphrases of contributed texts",
            },
            "eu-acts": {"category": "other", "description": "acts sent by the Publications Office on request"},
        },
    }
    md = _summary_md(manifest, stats)
    assert "- Model dependencies: none" in md.splitlines()
    tokens = {n: stats["sources"][n]["kept"]["tokens_est"] for n in stats["sources"]}
    assert _section(md, "### 2.3 Data crawled and scraped from online sources", "### 2.4") == (
        "Used: yes.\n\n"
        "| source | crawler | purpose | behaviour (robots.txt, paywalls...) | collection period | domains | "
        "estimated tokens |\n|---|---|---|---|---|---|---|\n"
        "| regional-web | altedic-crawl/0.1 | text for EU language models | honours robots.txt and TDMRep; no "
        f"log-ins, paywalls or captchas | 2026-09 | 4 | {tokens['regional-web']} |\n\n"
        "Domains crawled: 4. Top domains, the top 10 % of domains by estimated tokens (at least one):\n\n"
        f"| domain | documents | estimated tokens |\n|---|---|---|\n| vilaweb.cat | 2 | "
        f"{stats['domains']['vilaweb.cat']['tokens_est']} |"
    )
    assert _section(md, "### 2.4 User data", "### 2.5") == "Used: no."
    assert _section(md, "### 2.5 Synthetic data", "### 2.6") == (
        "Used: yes.\n\n| name | generating model | description | licence | estimated tokens |\n"
        f"|---|---|---|---|---|\n| community-mt | EuroLM-0.9 | paraphrases of contributed texts | CC-BY-4.0 | "
        f"{tokens['community-mt']} |"
    )
    assert _section(md, "### 2.6 Other sources of data", "## 3.") == (
        "Used: yes.\n\n| name | description | publisher | licence | estimated tokens |\n|---|---|---|---|---|\n"
        "| eu-acts | acts sent by the Publications Office on request | Publications Office of the EU | "
        f"EU-Reuse-2011-833 | {tokens['eu-acts']} |"
    )
    assert _section(md, "### 3.2 Removal of illegal content; personal data", "Personal data was detected") == (
        "Documents from domains on the provider's blocklist were removed before the run."
    )
    illegal = build_summary(manifest, stats)["data_processing"]["illegal_content_and_personal_data"]
    assert illegal["illegal_content_measures_by_provider"] is True
    # the user-data table: a description of the services the data came from
    manifest["recipe"]["release"]["sources"]["eu-acts"] = {"category": "user", "description": "demonstrator prompts"}
    assert _section(_summary_md(manifest, stats), "### 2.4 User data", "### 2.5") == (
        "Used: yes.\n\n| name | description | publisher | licence | estimated tokens |\n|---|---|---|---|---|\n"
        f"| eu-acts | demonstrator prompts | Publications Office of the EU | EU-Reuse-2011-833 | {tokens['eu-acts']} |"
    )


def test_card_metadata_is_what_the_hub_accepts(release: tuple[Path, dict[str, Any]]) -> None:
    """The Hub's `language` takes ISO 639 codes (huggingface_hub.DatasetCardData; `datasets` ships
    the list it knows): the card put `sr-Cyrl` and `bs-Latn` there. With `license: other`, the
    Hub wants `license_name` as an id (`my-license-1.0`) and `license_link`; the card gave a
    sentence and no link."""
    import importlib.resources

    from huggingface_hub import DatasetCard

    from altedic.release.card import card_metadata

    out, manifest = release
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    for tag in ("bs-Latn", "sr-Cyrl", "sr-Latn"):
        stats["languages"][tag] = json.loads(json.dumps(stats["languages"]["mt"]))
    stats["languages"] = dict(sorted(stats["languages"].items()))
    meta = card_metadata(stats, manifest)
    assert meta["language"] == ["bg", "bs", "ca", "el", "eu", "fy", "ga", "lb", "mt", "sr"]
    assert meta["language_details"] == ["bg", "bs-Latn", "ca", "el", "eu", "fy", "ga", "lb", "mt", "sr-Cyrl", "sr-Latn"]
    known = json.loads(importlib.resources.files("datasets.utils.resources").joinpath("languages.json").read_text())
    assert [lg for lg in meta["language"] if lg not in known] == []
    assert [c["config_name"] for c in meta["configs"]][1:] == meta["language_details"]
    assert (meta["license"], meta["license_name"], meta["license_link"]) == (
        "other",
        "multiple-per-document",
        "README.md",
    )
    card = (out / "README.md").read_text("utf-8")
    data = DatasetCard(card).data
    assert (data.license, data.license_name, data.license_link) == ("other", "multiple-per-document", "README.md")
    assert data.language == ["bg", "ca", "el", "eu", "fy", "ga", "lb", "mt"]
    assert card.split("## Licences\n\n")[1].split("\n\n## ")[0] == (
        "Every document carries its licence in the `licence` column (and where it was found in `licence_evidence`); "
        "the release as a whole is under the licences below, each for its own documents (the Hub's "
        "`license_name: multiple-per-document`).\n\n"
        "| licence | documents | estimated tokens | languages |\n|---|---|---|---|\n"
        f"| CC-BY-4.0 | 1 | {stats['licences']['CC-BY-4.0']['tokens_est']} | mt |\n"
        f"| CC0-1.0 | 5 | {stats['licences']['CC0-1.0']['tokens_est']} | ca, eu, fy, lb |\n"
        f"| EU-Reuse-2011-833 | 6 | {stats['licences']['EU-Reuse-2011-833']['tokens_est']} | bg, el, ga, mt |"
    )
