"""The public summary of training content (AI Act, Regulation (EU) 2024/1689, Art. 53(1)(d)).

``OUT/training-content-summary.json`` and ``.md`` are organised like the AI Office's
"Template for the Public Summary of Training Content for general-purpose AI models"
(European Commission, July 2025):

1. General information — 1.1 provider, 1.2 model, 1.3 modalities, training data size (by
   the template's size bands), types of content, latest date of data acquisition, languages.
2. List of data sources — 2.1 publicly available datasets (large ones, i.e. more than 3 % of
   all public datasets of the modality, listed by name and link; the others described),
   2.2 private datasets from third parties (2.2.1 licensed by rightsholders, 2.2.2 other),
   2.3 data crawled from online sources (crawlers, period, top domains: the top 10 % of
   domains by size of content), 2.4 user data, 2.5 synthetic data, 2.6 other sources.
3. Data processing aspects — 3.1 respect of reservations of rights from the text-and-data-mining
   exception (counts of refused sources and why), 3.2 removal of illegal content and measures
   on personal data (PII counts), 3.3 other information.

It is generated from ``manifest.json`` and ``stats.json`` alone (``altedic summary OUT``
regenerates it for any earlier output). What the pipeline cannot know — provider, model,
contact, per-source category and link, the text of the measures — comes from the recipe's
``release:`` section (``manifest["recipe"]["release"]``):

.. code-block:: yaml

    release:
      provider: ALT-EDIC
      contact: corpus@example.eu
      authorised_representative: null
      model: EuroLM-1            # versioned model name(s): a string or a list
      model_dependencies: []
      placed_on_market: 2027-01-15  # an unquoted YAML date is read as its ISO text
      code_of_practice_signatory: true
      tdm_measures: "..."        # replaces the default text of 3.1
      illegal_content_measures: "..."
      sources:
        regional-web:
          category: crawled
          crawler: altedic-crawl/0.1
          crawler_purpose: text for EU language models
          crawler_behaviour: honours robots.txt and TDMRep; no log-ins, paywalls or captchas
          period: 2026-09
          link: https://...
        eu-acts: {category: public, link: "https://eur-lex.europa.eu"}
        paraphrases: {category: synthetic, generating_model: EuroLM-1, description: "..."}

Categories: ``public``, ``licensed``, ``private``, ``crawled``, ``user``, ``synthetic``, ``other``.
A source without a category is ``public`` when its licence is an open licence, else ``other``:
whether the provider crawled or scraped a source is declared, never guessed (the summary's 2.3
names the sources whose documents have web addresses and no declared category). ``altedic
validate`` checks that ``release.sources`` names sources of the recipe and that crawler fields
go with ``crawled`` and ``generating_model`` with ``synthetic``.

Every figure in the summary is copied from ``stats.json`` (a test checks they are equal).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from altedic.errors import ConfigError

TEMPLATE = (
    "Template for the Public Summary of Training Content for general-purpose AI models "
    "(European Commission, AI Office, July 2025), AI Act Article 53(1)(d)"
)
#: 2: ``data_processing.illegal_content_and_personal_data.pii_mode`` and ``pii_mode_by_source``
#: replace ``pii_redaction`` (read from a manifest key no run wrote, so always null).
#: 3: ``illegal_content_and_personal_data.measures`` is split into ``illegal_content_measures``
#: (with ``illegal_content_measures_by_provider``) and ``personal_data_measures``; each dataset has
#: ``category_declared`` and ``description``, crawled ones the crawler's ``crawler_purpose``,
#: ``crawler_behaviour``, ``period`` and ``domains``, synthetic ones ``generating_model``;
#: ``crawled.undeclared_sources_with_urls``; ``other.derived``; ``model.dependencies`` is null when
#: the recipe does not give them (it was ``[]``, printed "none").
SUMMARY_VERSION = 3
CATEGORIES = ("public", "licensed", "private", "crawled", "user", "synthetic", "other")

#: The template's size bands for text (tokens).
TEXT_SIZE_BANDS: list[tuple[float, str]] = [
    (1e9, "Less than 1 billion tokens"),
    (1e13, "1 billion to 10 trillion tokens"),
    (math.inf, "More than 10 trillion tokens"),
]

#: Share of all public datasets of a modality above which a dataset is "large" and listed by name.
LARGE_DATASET_SHARE = 0.03
#: Share of crawled domains listed (top 10 % by size of content, per the template; SMEs may list 5 %).
TOP_DOMAIN_SHARE = 0.10

_OPEN_LICENCE_PREFIXES = (
    "CC-BY",
    "CC0",
    "EU-REUSE",
    "ODC",
    "PDDL",
    "ODBL",
    "PUBLIC-DOMAIN",
    "ETALAB",
    "DL-DE",
    "OGL",
    "NLOD",
    "IODL",
)

DEFAULT_TDM_MEASURES = (
    "Before any content of a source was read, its licence and rights information (recipe, source manifest, "
    "catalogue metadata, ODRL policy) was checked. Reservations of rights from text and data mining (Article 4(3) "
    "of Directive (EU) 2019/790) were honoured in the machine-readable forms altedic reads: a TDMRep `tdmrep.json` "
    "file (at the source's `.well-known/tdmrep.json`, or named by the recipe), a "
    '`<meta name="tdm-reservation" content="1">` element in the head of HTML inputs, and the `tdm_reservation` '
    "a contributor declares for its source. Sources with a reservation, or whose terms do not permit use for "
    "training, were refused and not read; they are counted below with the reason code of the refusal. Documents "
    "whose own licence does not permit it were rejected one by one (reason codes `licence.*`). altedic reads data "
    "already collected and does not crawl: how robots.txt and other opt-outs were respected during collection is "
    "described for each crawled source in 2.3."
)
#: 3.2 when the recipe describes no measure against illegal content (``release.illegal_content_measures``).
DEFAULT_ILLEGAL_CONTENT_MEASURES = (
    "altedic applied no measure aimed at illegal content (such as child sexual abuse material, terrorist content "
    "or content that infringes intellectual property) beyond its language-specific quality rules and the "
    "personal-data rules below, and the provider described no other measure (`release.illegal_content_measures` "
    "in the recipe)."
)
PERSONAL_DATA_MEASURES = (
    "Personal data was detected with pattern rules (e-mail addresses, phone numbers, IBANs and other identifiers) "
    "and handled as the PII mode below says. The counts below are the detected matches."
)


#: What each mode of the PII stage does (see :mod:`altedic.pii.stage`), for section 3.2.
PII_MODE_TEXT = {
    "redact": "each match replaced by a typed placeholder (`<EMAIL>`, `<PHONE>`, `<IBAN>`...)",
    "tag": "matches counted, the text left unchanged",
    "drop": "documents with a match rejected with reason `pii.<type>`",
    "off": "no detection",
}


def pii_modes(manifest: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The PII stage's mode and its per-source overrides, as the run applied them.

    Read from the recipe recorded in the manifest (``recipe.stages.pii``) with the stage's own
    defaults (:class:`altedic.pii.stage.PIIStage`): a recipe without a ``pii`` section or without
    ``mode`` redacts; ``enabled: false`` turns the stage off for every source.
    """
    stages = (manifest.get("recipe") or {}).get("stages") or {}
    cfg = stages.get("pii") or {}
    if not cfg.get("enabled", True):
        return "off", {}
    by_source = cfg.get("sources") or {}
    from altedic.pii.stage import DEFAULT_MODE, mode_value

    mode = str(mode_value(cfg.get("mode", DEFAULT_MODE)))
    return mode, {str(k): str(mode_value(v)) for k, v in sorted(by_source.items())}


def _release_section(manifest: dict[str, Any]) -> dict[str, Any]:
    rel = (manifest.get("recipe") or {}).get("release") or {}
    if not isinstance(rel, dict):
        raise ConfigError("the recipe's 'release' section must be a mapping", key="release")
    return rel


def source_category(name: str, source: dict[str, Any], release: dict[str, Any]) -> str:
    """The template category of a source: the recipe's ``release.sources.<name>.category``, else
    ``public`` for an open licence and ``other`` otherwise. Whether a source was crawled or
    scraped by the provider (2.3) is not something the pipeline can tell from a file (a web
    archive downloaded from a third party is a public dataset): it is declared, never guessed."""
    declared = ((release.get("sources") or {}).get(name) or {}).get("category")
    if declared is not None:
        if declared not in CATEGORIES:
            raise ConfigError(
                f"unknown category '{declared}' (allowed: {', '.join(CATEGORIES)})",
                key=f"release.sources.{name}.category",
            )
        return str(declared)
    lic = str(source.get("licence") or "").upper()
    if lic.startswith(_OPEN_LICENCE_PREFIXES):
        return "public"
    return "other"


def size_band(tokens: int) -> str:
    """The template's size band for ``tokens`` text tokens."""
    for bound, label in TEXT_SIZE_BANDS:
        if tokens < bound:
            return label
    return TEXT_SIZE_BANDS[-1][1]  # pragma: no cover - inf bound


def build_summary(manifest: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    """The summary as a JSON-serialisable dict (deterministic for a release)."""
    rel = _release_section(manifest)
    rel_sources = rel.get("sources") or {}
    kept = stats["totals"]["kept"]
    total_tokens = kept["tokens_est"]

    # -- 1. general information -----------------------------------------------------------
    languages = [
        {
            "code": lg,
            "documents": v["kept"]["documents"],
            "tokens_est": v["kept"]["tokens_est"],
            "share_of_tokens": round(v["kept"]["tokens_est"] / total_tokens, 4) if total_tokens else 0.0,
        }
        for lg, v in stats["languages"].items()
        if v["kept"]["documents"] > 0
    ]
    retrieved = [
        d
        for d in [
            stats["dates"]["retrieved"]["max"],
            *(s.get("retrieved") for s in manifest.get("sources", {}).values()),
        ]
        if d
    ]
    models = rel.get("model")
    general = {
        "provider": {
            "name": rel.get("provider"),
            "contact": rel.get("contact"),
            "authorised_representative": rel.get("authorised_representative"),
        },
        "model": {
            # None (not provided) when the recipe does not name the model.
            "names": None if models is None else (models if isinstance(models, list) else [models]),
            # None (not provided) when the recipe does not say; [] when it says there are none.
            "dependencies": rel.get("model_dependencies"),
            "placed_on_market": rel.get("placed_on_market"),
        },
        "modalities": {
            "text": {
                "used": kept["documents"] > 0,
                "size_band": size_band(total_tokens),
                "documents": kept["documents"],
                "characters": kept["characters"],
                "tokens_est": total_tokens,
                "token_estimator": stats["token_estimator"]["formula"],
                "types_of_content": rel.get("types_of_content", ["non-fiction text"]),
            },
            "image": {"used": False},
            "audio": {"used": False},
            "video": {"used": False},
            "other": {"used": False},
        },
        "latest_acquisition_date": str(max(str(d) for d in retrieved)) if retrieved else None,
        "languages": languages,
    }

    # -- 2. list of data sources ------------------------------------------------------------
    by_cat: dict[str, list[dict[str, Any]]] = {c: [] for c in CATEGORIES}
    # Hosts of the documents' URLs per source (stats.json's domains; "none" = no URL).
    hosts: dict[str, set[str]] = {}
    for host, d in stats["domains"].items():
        if host != "none":
            for src in d.get("sources", {}):
                hosts.setdefault(src, set()).add(host)
    for name, s in sorted(manifest.get("sources", {}).items()):
        st = stats["sources"].get(name, {"kept": {"documents": 0, "tokens_est": 0}})
        extra = rel_sources.get(name) or {}
        category = source_category(name, s, rel)
        entry = {
            "name": name,
            "category_declared": "category" in extra,
            "link": extra.get("link") or (s.get("metadata") or {}).get("landing_page"),
            "description": extra.get("description"),
            "publisher": s.get("publisher"),
            "licence": s.get("licence"),
            "attribution": s.get("attribution"),
            # Languages with kept documents, from the shards (the manifest's source
            # entries do not list them).
            "languages": list(st.get("languages", [])),
            "retrieved": s.get("retrieved"),
            "documents": st["kept"]["documents"],
            "tokens_est": st["kept"]["tokens_est"],
        }
        if category == "crawled":
            entry |= {k: extra.get(k) for k in ("crawler", "crawler_purpose", "crawler_behaviour", "period")}
            entry["domains"] = len(hosts.get(name, ()))
        if category == "synthetic":
            entry["generating_model"] = extra.get("generating_model")
        by_cat[category].append(entry)

    public_tokens = sum(s["tokens_est"] for s in by_cat["public"])
    large = [
        dict(s, share_of_public=round(s["tokens_est"] / public_tokens, 4))
        for s in by_cat["public"]
        if public_tokens and s["tokens_est"] / public_tokens > LARGE_DATASET_SHARE
    ]
    others = [s for s in by_cat["public"] if s["name"] not in {x["name"] for x in large}]

    crawled_names = {s["name"] for s in by_cat["crawled"]}
    crawled_domains: list[tuple[str, int, int]] = []
    for host, d in stats["domains"].items():
        if host == "none":
            continue
        toks = sum(v["tokens_est"] for src, v in d.get("sources", {}).items() if src in crawled_names)
        docs = sum(v["documents"] for src, v in d.get("sources", {}).items() if src in crawled_names)
        if docs:
            crawled_domains.append((host, docs, toks))
    crawled_domains.sort(key=lambda x: (-x[2], x[0]))
    n_top = math.ceil(len(crawled_domains) * TOP_DOMAIN_SHARE) if crawled_domains else 0
    periods = sorted({str(s["period"]) for s in by_cat["crawled"] if s.get("period")})
    sources_section = {
        "public_datasets": {
            "used": bool(by_cat["public"]),
            "large_datasets": large,
            "other_datasets": {
                "count": len(others),
                "tokens_est": sum(s["tokens_est"] for s in others),
                "names": [s["name"] for s in others],
            },
        },
        "private_datasets": {
            "licensed_by_rightsholders": {"used": bool(by_cat["licensed"]), "datasets": by_cat["licensed"]},
            "other_third_parties": {"used": bool(by_cat["private"]), "datasets": by_cat["private"]},
        },
        "crawled": {
            "used": bool(by_cat["crawled"]),
            "crawlers": sorted({s["crawler"] for s in by_cat["crawled"] if s.get("crawler")}),
            "collection_period": periods,
            "sources": by_cat["crawled"],
            "domains_total": len(crawled_domains),
            "top_domains": [{"domain": h, "documents": d, "tokens_est": t} for h, d, t in crawled_domains[:n_top]],
            "top_domains_rule": f"top {int(TOP_DOMAIN_SHARE * 100)} % of domains by estimated tokens (at least one)",
            # Sources whose documents have web addresses but whose category the recipe does not
            # declare: filed by their licence, they may have been crawled (see 2.3).
            "undeclared_sources_with_urls": [
                {"name": d["name"], "category": cat, "domains": len(hosts[d["name"]])}
                for cat, entries in by_cat.items()
                for d in entries
                if not d["category_declared"] and hosts.get(d["name"])
            ],
        },
        "user_data": {"used": bool(by_cat["user"]), "datasets": by_cat["user"]},
        "synthetic_data": {"used": bool(by_cat["synthetic"]), "datasets": by_cat["synthetic"]},
        "other": {"used": bool(by_cat["other"]), "datasets": by_cat["other"]},
    }

    # -- 3. data processing -----------------------------------------------------------------
    # A mix did no processing: section 3 gives that of the release that read the documents
    # (recorded by altedic mix), not the mix's own statistics (kept rows only, nothing rejected).
    mix = manifest.get("mix") or {}
    processed = mix.get("processing") or {}
    reasons = processed.get("reasons", stats["reasons"])
    totals = processed.get("totals", stats["totals"])
    refused = manifest.get("refused_sources", [])
    refused_by_reason: dict[str, int] = {}
    for r in refused:
        refused_by_reason[str(r.get("reason"))] = refused_by_reason.get(str(r.get("reason")), 0) + 1
    rights_rejections = {
        r: sum(by.values()) for r, by in reasons.items() if r.startswith(("licence.", "tdm.", "rights."))
    }
    pii_mode, pii_mode_by_source = pii_modes(manifest)
    pii = processed.get("pii", stats["pii"])
    pii_rejections = {r: sum(by.values()) for r, by in reasons.items() if r.startswith("pii.")}
    processing = {
        # The release whose processing this section describes: this one, or a mix's parent.
        "processing_of": processed.get("release", manifest.get("name")),
        # a mix made before altedic mix recorded its parent's processing: the figures are its own
        "mix_without_processing": (mix.get("parent") or {}).get("name") if mix and not processed else None,
        "tdm_reservations": {
            "code_of_practice_signatory": rel.get("code_of_practice_signatory"),
            "measures": rel.get("tdm_measures", DEFAULT_TDM_MEASURES),
            "refused_sources": {
                "count": len(refused),
                "by_reason": dict(sorted(refused_by_reason.items())),
                "sources": [{k: r.get(k) for k in ("name", "origin", "licence", "reason", "detail")} for r in refused],
            },
            "rejected_documents_by_reason": dict(sorted(rights_rejections.items())),
        },
        "illegal_content_and_personal_data": {
            "illegal_content_measures": rel.get("illegal_content_measures", DEFAULT_ILLEGAL_CONTENT_MEASURES),
            "illegal_content_measures_by_provider": "illegal_content_measures" in rel,
            "personal_data_measures": PERSONAL_DATA_MEASURES,
            "pii_mode": pii_mode,
            "pii_mode_by_source": pii_mode_by_source,
            "pii_matches_in_kept_documents": dict(pii["matches"].get("kept", {})),
            "pii_matches_in_rejected_documents": dict(pii["matches"].get("rejected", {})),
            "kept_documents_with_pii": sum(pii["documents_with_pii"].get("kept", {}).values()),
            "rejected_documents_by_reason": dict(sorted(pii_rejections.items())),
        },
        "other": {
            "read": totals["read"],
            # the extra parts of documents the language stage split (read + derived = kept + rejected + errors)
            "derived": totals.get("derived", 0),
            "kept": totals["kept"]["documents"],
            "rejected": totals["rejected"]["documents"],
            "errors": totals["errors"],
            "rejected_by_reason": {r: sum(by.values()) for r, by in reasons.items()},
            **({"mix": _mix_facts(mix, kept["documents"])} if mix else {}),
        },
    }
    return {
        "template": TEMPLATE,
        "summary_version": SUMMARY_VERSION,
        "release": manifest.get("name"),
        "altedic_version": manifest.get("altedic_version"),
        "general_information": general,
        "data_sources": sources_section,
        "data_processing": processing,
    }


def _mix_facts(mix: dict[str, Any], rows: int) -> dict[str, Any]:
    """What section 3.3 says of a mixed release: its parent, how it was sampled, that ids repeat."""
    docs = mix.get("documents") or {}
    return {
        "parent": (mix.get("parent") or {}).get("name"),
        "parent_manifest_sha256": (mix.get("parent") or {}).get("manifest_sha256"),
        "mode": mix.get("mode"),
        "seed": mix.get("seed"),
        "weights": mix.get("weights"),
        "default": mix.get("default"),
        "temperature": mix.get("temperature"),
        "target_tokens": mix.get("target_tokens"),
        "rates": mix.get("rates", {}),
        "rows": rows,
        "distinct_documents": sum(d["distinct"] for d in docs.values())
        if all("distinct" in d for d in docs.values())
        else None,
    }


def _v(x: Any) -> str:
    if x is None:
        return "not provided"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, list):
        return ", ".join(str(i) for i in x) if x else "none"
    return str(x).replace("|", "\\|")


def _tbl(headers: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["None.", ""]
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
        *("| " + " | ".join(_v(c) for c in r) + " |" for r in rows),
        "",
    ]


def _pii_text(section: dict[str, Any]) -> str:
    """``redact (each match replaced ...)``, then the sources handled otherwise, if any."""
    mode = section["pii_mode"]
    text = f"{mode} ({PII_MODE_TEXT.get(mode, 'unknown mode')})"
    overrides = section["pii_mode_by_source"]
    if overrides:
        text += "; per source: " + ", ".join(f"{name}: {m}" for name, m in overrides.items())
    return text


def render_summary_md(summary: dict[str, Any]) -> str:
    """The summary as Markdown, section numbers as in the template."""
    g, s, p = summary["general_information"], summary["data_sources"], summary["data_processing"]
    text = g["modalities"]["text"]
    out = [
        f"# Public summary of training content — {summary['release']}",
        "",
        f"Organised like the {summary['template']}. Generated by altedic {summary['altedic_version']} from the release's "
        "manifest and statistics.",
        "",
        "## 1. General information",
        "",
        "### 1.1 Provider identification",
        "",
        f"- Provider: {_v(g['provider']['name'])}",
        f"- Contact: {_v(g['provider']['contact'])}",
        f"- Authorised representative: {_v(g['provider']['authorised_representative'])}",
        "",
        "### 1.2 Model identification",
        "",
        f"- Versioned model name(s): {_v(g['model']['names'])}",
        f"- Model dependencies: {_v(g['model']['dependencies'])}",
        f"- Date of placement on the Union market: {_v(g['model']['placed_on_market'])}",
        "",
        "### 1.3 Modalities, overall training data size and other characteristics",
        "",
        *_tbl(
            ["modality", "used", "size band", "documents", "estimated tokens"],
            [
                ["text", text["used"], text["size_band"], text["documents"], text["tokens_est"]],
                *([m, False, "", "", ""] for m in ("image", "audio", "video", "other")),
            ],
        ),
        f"- Types of content (text): {_v(text['types_of_content'])}",
        f"- Token estimate: {text['token_estimator']}",
        f"- Latest date of data acquisition: {_v(g['latest_acquisition_date'])}",
        "",
        "Languages:",
        "",
        *_tbl(
            ["language", "documents", "estimated tokens", "share of tokens"],
            [[lg["code"], lg["documents"], lg["tokens_est"], f"{lg['share_of_tokens']:.2%}"] for lg in g["languages"]],
        ),
        "## 2. List of data sources",
        "",
        "### 2.1 Publicly available datasets",
        "",
        f"Used: {_v(s['public_datasets']['used'])}. Large datasets (more than {LARGE_DATASET_SHARE:.0%} of all public datasets):",
        "",
        *_tbl(
            ["name", "link", "publisher", "licence", "languages", "estimated tokens"],
            [
                [d["name"], d["link"], d["publisher"], d["licence"], d["languages"], d["tokens_est"]]
                for d in s["public_datasets"]["large_datasets"]
            ],
        ),
        f"Other public datasets: {s['public_datasets']['other_datasets']['count']} "
        f"({_v(s['public_datasets']['other_datasets']['names'])}), "
        f"{s['public_datasets']['other_datasets']['tokens_est']:,} estimated tokens.",
        "",
        "### 2.2 Private non-publicly available datasets obtained from third parties",
        "",
        "#### 2.2.1 Datasets commercially licensed by rightsholders or their representatives",
        "",
        *_tbl(
            ["name", "publisher", "licence", "estimated tokens"],
            [
                [d["name"], d["publisher"], d["licence"], d["tokens_est"]]
                for d in s["private_datasets"]["licensed_by_rightsholders"]["datasets"]
            ],
        ),
        "#### 2.2.2 Private datasets obtained from other third parties",
        "",
        *_tbl(
            ["name", "publisher", "licence", "estimated tokens"],
            [
                [d["name"], d["publisher"], d["licence"], d["tokens_est"]]
                for d in s["private_datasets"]["other_third_parties"]["datasets"]
            ],
        ),
        "### 2.3 Data crawled and scraped from online sources",
        "",
        *_crawled_md(s["crawled"]),
        "### 2.4 User data",
        "",
        f"Used: {_v(s['user_data']['used'])}.",
        "",
        *_datasets_md(s["user_data"], ["name", "description", "publisher", "licence", "estimated tokens"]),
        "### 2.5 Synthetic data",
        "",
        f"Used: {_v(s['synthetic_data']['used'])}.",
        "",
        *_datasets_md(s["synthetic_data"], ["name", "generating model", "description", "licence", "estimated tokens"]),
        "### 2.6 Other sources of data",
        "",
        f"Used: {_v(s['other']['used'])}.",
        "",
        *_datasets_md(s["other"], ["name", "description", "publisher", "licence", "estimated tokens"]),
        "## 3. Data processing aspects",
        "",
        *(
            [
                f"This release is a mix (see 3.3): the figures of this section are those of the processing of the "
                f"release `{p['processing_of']}`, whose kept documents it samples.",
                "",
            ]
            if "mix" in p["other"] and not p.get("mix_without_processing")
            else [
                "This release is a mix (see 3.3) made by an earlier altedic, which did not record the processing "
                f"of its parent `{p['mix_without_processing']}`: the figures of this section are the mix's own "
                "(its documents; mixing rejects none). The parent's summary gives its processing.",
                "",
            ]
            if "mix" in p["other"]
            else []
        ),
        "### 3.1 Respect of reservation of rights from the text and data mining exception or limitation",
        "",
        f"Signatory of the General-Purpose AI Code of Practice: {_v(p['tdm_reservations']['code_of_practice_signatory'])}.",
        "",
        p["tdm_reservations"]["measures"],
        "",
        f"Refused sources: {p['tdm_reservations']['refused_sources']['count']}.",
        "",
        *(
            [
                *_tbl(
                    ["reason", "sources"],
                    [[r, n] for r, n in p["tdm_reservations"]["refused_sources"]["by_reason"].items()],
                ),
                *_tbl(
                    ["source", "origin", "licence", "reason", "detail"],
                    [
                        [r["name"], r["origin"], r["licence"], r["reason"], r["detail"]]
                        for r in p["tdm_reservations"]["refused_sources"]["sources"]
                    ],
                ),
            ]
            if p["tdm_reservations"]["refused_sources"]["count"]
            else []
        ),
        "Documents rejected for their own licence or a reservation of rights: "
        f"{sum(p['tdm_reservations']['rejected_documents_by_reason'].values()):,}.",
        "",
        *(
            _tbl(
                ["reason", "documents"],
                [[f"`{r}`", n] for r, n in p["tdm_reservations"]["rejected_documents_by_reason"].items()],
            )
            if p["tdm_reservations"]["rejected_documents_by_reason"]
            else []
        ),
        "### 3.2 Removal of illegal content; personal data",
        "",
        p["illegal_content_and_personal_data"]["illegal_content_measures"],
        "",
        p["illegal_content_and_personal_data"]["personal_data_measures"],
        "",
        f"- PII mode: {_pii_text(p['illegal_content_and_personal_data'])}",
        f"- Kept documents with detected personal data: {p['illegal_content_and_personal_data']['kept_documents_with_pii']:,}",
        "",
        *_tbl(
            ["type", "matches in kept documents", "matches in rejected documents"],
            [
                [
                    t,
                    p["illegal_content_and_personal_data"]["pii_matches_in_kept_documents"].get(t, 0),
                    p["illegal_content_and_personal_data"]["pii_matches_in_rejected_documents"].get(t, 0),
                ]
                for t in sorted(
                    set(p["illegal_content_and_personal_data"]["pii_matches_in_kept_documents"])
                    | set(p["illegal_content_and_personal_data"]["pii_matches_in_rejected_documents"])
                )
            ],
        ),
        "### 3.3 Other information",
        "",
        f"Read {p['other']['read']:,} items{_parts(p['other'].get('derived', 0))}: kept {p['other']['kept']:,}, "
        f"rejected {p['other']['rejected']:,}, unreadable {p['other']['errors']:,}.",
        "",
        *_tbl(["reason", "documents"], [[f"`{r}`", n] for r, n in p["other"]["rejected_by_reason"].items()]),
        *(_mix_md(p["other"]["mix"]) if "mix" in p["other"] else []),
    ]
    return "\n".join(out).rstrip() + "\n"


def _parts(derived: int) -> str:
    """`` + 20 split parts``: the extra parts of split documents, as the card and inspect count them."""
    return f" + {derived:,} split part{'s' if derived != 1 else ''}" if derived else ""


_NAMES_OF_COLUMNS = {
    "name": "name",
    "description": "description",
    "publisher": "publisher",
    "licence": "licence",
    "estimated tokens": "tokens_est",
    "generating model": "generating_model",
}


def _datasets_md(section: dict[str, Any], headers: list[str]) -> list[str]:
    """The datasets of a category as a table, nothing when the category is not used."""
    if not section["datasets"]:
        return []
    return _tbl(headers, [[d.get(_NAMES_OF_COLUMNS[h]) for h in headers] for d in section["datasets"]])


def _crawled_md(c: dict[str, Any]) -> list[str]:
    """Section 2.3: each crawled source with its crawler's name, purpose, behaviour and collection
    period ("not provided" where the recipe does not say), the domains, and the sources with web
    addresses whose category the recipe does not declare."""
    out = [f"Used: {_v(c['used'])}.", ""]
    if c["used"]:
        out += _tbl(
            [
                "source",
                "crawler",
                "purpose",
                "behaviour (robots.txt, paywalls...)",
                "collection period",
                "domains",
                "estimated tokens",
            ],
            [
                [
                    d["name"],
                    d["crawler"],
                    d["crawler_purpose"],
                    d["crawler_behaviour"],
                    d["period"],
                    d["domains"],
                    d["tokens_est"],
                ]
                for d in c["sources"]
            ],
        )
        out += [f"Domains crawled: {c['domains_total']:,}. Top domains, the {c['top_domains_rule']}:", ""]
        out += _tbl(
            ["domain", "documents", "estimated tokens"],
            [[d["domain"], d["documents"], d["tokens_est"]] for d in c["top_domains"]],
        )
    undeclared = c.get("undeclared_sources_with_urls") or []
    if undeclared:
        out += [
            "Sources whose documents have web addresses but whose category is not declared (listed by their "
            "licence under 2.1 or 2.6): "
            + ", ".join(f"{u['name']} ({u['domains']:,} domain{'s' if u['domains'] != 1 else ''})" for u in undeclared)
            + ". If the provider, or someone on its behalf, crawled or scraped them, they belong here: the recipe "
            "declares it with `release.sources.<name>.category: crawled` and the crawler's `crawler`, "
            "`crawler_purpose`, `crawler_behaviour` and `period`.",
            "",
        ]
    return out


def _mix_md(mix: dict[str, Any]) -> list[str]:
    """3.3's paragraph on a mixed release."""
    how = (
        f"temperature {mix['temperature']}"
        + (f", target {mix['target_tokens']:,} estimated tokens" if mix.get("target_tokens") is not None else "")
        if mix["mode"] == "temperature"
        else "weights "
        + (", ".join(f"{lg}: {w}" for lg, w in sorted((mix.get("weights") or {}).items())) or "none")
        + f" (other languages {mix.get('default')})"
    )
    distinct = mix.get("distinct_documents")
    copies = f"copies of {distinct:,} distinct documents" if distinct is not None else "copies of its documents"
    return [
        f"Mix: this release samples the kept documents of the release `{mix['parent']}`"
        + (f" (manifest SHA-256 `{mix['parent_manifest_sha256']}`)" if mix.get("parent_manifest_sha256") else "")
        + f" with {how}, seed {mix['seed']}. Its {mix['rows']:,} rows are {copies} (a document repeated keeps its id).",
        "",
        *_tbl(["language", "rate"], [[lg, f"{r:g}"] for lg, r in mix["rates"].items()]),
    ]


def summary_json(summary: dict[str, Any]) -> str:
    """The text of ``training-content-summary.json``."""
    return json.dumps(summary, ensure_ascii=False, indent=1) + "\n"


SUMMARY_FILES = ("training-content-summary.json", "training-content-summary.md")


def write_summary(out_dir: str | Path, manifest: dict[str, Any], stats: dict[str, Any]) -> tuple[str, str]:
    """Write ``training-content-summary.json`` and ``.md`` (a local folder or a URI); return both paths.

    When the manifest lists them (``release_files``) and their text changed (a release written
    by an earlier altedic), their new SHA-256 and size are recorded there and ``manifest.json``
    is rewritten, so the release still passes ``altedic inspect``; an unchanged summary leaves
    the manifest as it is."""
    import hashlib

    from altedic import fsutil
    from altedic.release.finalise import manifest_bytes

    summary = build_summary(manifest, stats)
    root = str(out_dir)  # not Path: Path("gs://b/x") is gs:/b/x
    texts = dict(zip(SUMMARY_FILES, (summary_json(summary), render_summary_md(summary)), strict=True))
    listed = manifest.get("release_files") or {}
    changed = False
    for name, text in texts.items():
        data = text.encode("utf-8")
        fsutil.write_bytes(fsutil.join(root, name), data)
        entry = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        if name in listed and listed[name] != entry:
            listed[name] = entry
            changed = True
    if changed:
        fsutil.write_bytes(fsutil.join(root, "manifest.json"), manifest_bytes(manifest))
    return fsutil.join(root, SUMMARY_FILES[0]), fsutil.join(root, SUMMARY_FILES[1])


def summary_from_release(out_dir: str | Path) -> tuple[str, str]:
    """Regenerate the summary of an existing release from its ``manifest.json`` and ``stats.json``
    (computed from the shards when absent, as in an output written before stats.json existed).
    The manifest is read and checked as ``altedic inspect`` reads it: a broken or hand-edited
    one is a ConfigError naming the file and key (a traceback or an undecodable file before);
    a ``stats.json`` that does not match the manifest's SHA-256 is a RunError naming it."""
    from altedic.release.inspect import load_manifest, load_stats

    root = str(out_dir)
    manifest = load_manifest(root)
    return write_summary(root, manifest, load_stats(root, manifest))
