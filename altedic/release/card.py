"""``OUT/README.md``: the dataset card, with a YAML header that Hugging Face ``datasets`` reads.

The header follows the Hub's dataset-card metadata (https://huggingface.co/docs/hub/datasets-cards
and the ``configs`` section of https://huggingface.co/docs/datasets/repository_structure): one
config per language whose ``data_files`` point at ``data/<code>/*.parquet``, plus an
``all`` config (the default) over every language. ``load_dataset(OUT, "mt")`` then loads the
Maltese shards of a local release with no further arguments.

The body is generated from the manifest, ``stats.json`` and the document contract
(``schemas/document.v1.json``) only: schema with field descriptions, sources with licences and
attribution texts, processing steps with their settings and versions, the language table and
known limitations. No run timestamps appear, so the card is deterministic for a release.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from altedic.release.stats import accounting_text, language_rows
from altedic.schema import load_contract

#: SPDX ids whose lower-case form is a licence id known to the Hugging Face Hub.
_HUB_LICENCES = {
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CC-BY-3.0",
    "CC-BY-SA-3.0",
    "ODC-BY",
    "ODBL",
    "PDDL",
    "MIT",
    "APACHE-2.0",
    "CC-BY-2.0",
    "CC-BY-SA-2.0",
}

#: Hub size categories (number of examples), upper bounds exclusive.
_SIZE_CATEGORIES: list[tuple[int, str]] = [
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
    (10_000_000_000, "1B<n<10B"),
    (100_000_000_000, "10B<n<100B"),
    (1_000_000_000_000, "100B<n<1T"),
]

LIMITATIONS = [
    "Token counts are estimates (`{formula}`), not the count of any particular tokeniser.",
    "Language identification uses a compact fastText model (lid.176) that is weaker on short texts; "
    "short Maltese and Irish sentences and closely related languages (hr/bs/sr, nb/nn/da, gl/pt) are the most "
    "likely to be mislabelled or rejected. Check `lang_score` and `lang_flags` before relying on a label.",
    "Quality signals and thresholds are heuristics tuned per language by language communities (`filters/*.yaml`); "
    "they remove some good text and keep some poor text. The signals are stored in the `quality` column so that "
    "a training team can re-threshold without re-running the pipeline.",
    "Personal-data detection is pattern-based (e-mail addresses, phone numbers, IBANs and similar identifiers); "
    "names and free-text personal information are not detected.",
    "Near-duplicate removal is approximate (MinHash LSH): some near duplicates remain and a few distinct documents "
    "may be removed.",
    "Licences are taken from the recipe, source manifests or record metadata as stated in `licence_evidence`; "
    "they are not verified document by document.",
]


def hub_licence(licences: list[str]) -> str | list[str]:
    """The Hub ``license`` value: known SPDX ids lower-cased, ``other`` when any is unknown."""
    ids = sorted({lic for lic in licences if lic and lic != "none"})
    if not ids or any(i.upper() not in _HUB_LICENCES for i in ids):
        return "other"
    return ids[0].lower() if len(ids) == 1 else [i.lower() for i in ids]


def size_category(n: int) -> str:
    """The Hub size category of ``n`` examples."""
    for bound, label in _SIZE_CATEGORIES:
        if n < bound:
            return label
    return "n>1T"


#: Contract types -> Hugging Face ``datasets`` dtypes (YAML form of ``Features``).
_HF_DTYPES = {"string": "string", "float64": "float64", "int64": "int64", "bool": "bool"}


def hf_features(contract_name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The contract's fields as Hugging Face ``datasets`` features, and the columns left out.

    Returns the ``dataset_info.features`` YAML list (the YAML form of ``datasets.Features``) and
    the names of columns ``datasets`` cannot load (none for the current contracts: key/value
    collections are stored as lists of ``{key, value}`` structs, not Arrow maps, precisely
    because ``datasets`` has no map type, huggingface/datasets#5612).
    """
    features: list[dict[str, Any]] = []
    left_out: list[str] = []
    for f in load_contract(contract_name)["fields"]:
        typ: str = f["type"]
        if typ.startswith("list<struct<") and typ.endswith(">>"):
            parts = [p.split(":") for p in typ[len("list<struct<") : -2].split(",")]
            features.append({"name": f["name"], "list": [{"name": k, "dtype": _HF_DTYPES[t]} for k, t in parts]})
        elif typ.startswith("map<"):
            left_out.append(f["name"])
        elif typ.startswith("list<"):
            features.append({"name": f["name"], "list": _HF_DTYPES[typ[len("list<") : -1]]})
        else:
            features.append({"name": f["name"], "dtype": _HF_DTYPES[typ]})
    return features, left_out


#: The Hub's ``license_name`` (an id, like ``my-license-1.0``) when ``license`` is ``other``: every
#: document has its own licence; ``license_link`` points at the card's Licences section.
LICENCE_NAME = "multiple-per-document"
LICENCE_LINK = "README.md"


def card_metadata(stats: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    """The YAML header as a dict (only languages with kept documents get a config).

    ``language`` holds what the Hub takes there, ISO 639 codes, each once (``sr`` for ``sr-Cyrl``
    and ``sr-Latn``); the full tags, which name the configs, are in ``language_details`` (the
    Hub's field for BCP 47 tags)."""
    from altedic.langid.codes import base_lang

    langs = [lg for lg, v in stats["languages"].items() if v["kept"]["documents"] > 0]
    licence = hub_licence(list(stats["licences"]))
    meta: dict[str, Any] = {
        "pretty_name": str(manifest.get("name", "altedic release")),
        "language": list(dict.fromkeys(base_lang(lg) for lg in langs)),
        "language_details": langs,
        "license": licence,
    }
    if licence == "other":
        meta["license_name"] = LICENCE_NAME
        meta["license_link"] = LICENCE_LINK
    features, _maps = hf_features(str(manifest.get("schemas", {}).get("document", "document.v1")))
    columns = [f["name"] for f in features]
    meta.update(
        {
            "task_categories": ["text-generation"],
            "size_categories": [size_category(stats["totals"]["kept"]["documents"])],
            "tags": ["altedic", "multilingual"],
            # An empty release (no kept document) keeps the "all" config: without configs,
            # `datasets` guesses the data files and loads whatever it finds (the summary JSON
            # as a one-row dataset, rejected/ shards as data). With it, load_dataset raises
            # DataFilesNotFoundError, and the card's text says why.
            "configs": [
                {
                    "config_name": "all",
                    "default": True,
                    "data_files": [{"split": "train", "path": "data/*/*.parquet"}],
                    "columns": columns,
                }
            ]
            + [
                {
                    "config_name": lg,
                    "data_files": [{"split": "train", "path": f"data/{lg}/*.parquet"}],
                    "columns": columns,
                }
                for lg in langs
            ],
            # Same features for every config (one schema for every shard).
            "dataset_info": [{"config_name": c, "features": features} for c in ["all", *langs]],
        }
    )
    return meta


def _cell(v: Any) -> str:
    """A Markdown table cell: pipes escaped, newlines flattened."""
    if v is None:
        return ""
    s = f"{v:,}" if isinstance(v, int) else str(v)
    return s.replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def empty_release_text(stats: dict[str, Any], manifest: dict[str, Any]) -> str:
    """The card's opening for a release without any kept document (so without ``data/``)."""
    t = stats["totals"]
    if "mix" in manifest:
        why = "the mix's sampling rates gave no document a copy (see `mix.rates` in `manifest.json`)"
    elif t["read"] == 0:
        why = "no document was read"
    else:
        why = f"every document read was rejected or unreadable ({accounting_text(t)}; see Removed documents)"
    where = "the parent release's `rejected/`" if "mix" in manifest else "`rejected/`"
    return (
        f"**This release is empty**: built with altedic {manifest.get('altedic_version', '?')} (ALT-EDIC corpus "
        f"builder), it holds no document because {why}. It has no data shards (`data/`), so "
        '`load_dataset("path/to/this/release")` raises `DataFilesNotFoundError`. Rejected documents, if any, are '
        f"in {where} with their reason codes (`altedic inspect OUT --rejected REASON`)."
    )


def mix_text(manifest: dict[str, Any]) -> list[str]:
    """The card's "Mix" section: what a mixed release was sampled from and how (``manifest["mix"]``)."""
    m = manifest["mix"]
    parent = m.get("parent") or {}
    sha = parent.get("manifest_sha256")
    if m.get("mode") == "temperature":
        how = f"temperature sampling, T = {m.get('temperature')}"
        if m.get("target_tokens") is not None:
            how += f", target {m['target_tokens']:,} estimated tokens"
    else:
        weights = ", ".join(f"{lg}: {w}" for lg, w in sorted((m.get("weights") or {}).items())) or "none"
        how = f"weights ({weights}; other languages {m.get('default')})"
    docs = m.get("documents") or {}
    rows = sum(d.get("out", 0) for d in docs.values())
    known = all("distinct" in d for d in docs.values())
    distinct = sum(d.get("distinct", 0) for d in docs.values())
    repeat = (
        f"The {rows:,} rows are copies of {distinct:,} distinct documents"
        if known
        else f"The {rows:,} rows may hold several copies of a document"
    )
    return [
        "## Mix",
        "",
        f"This release is a mix of the release `{parent.get('name')}`"
        + (f" (its `manifest.json` has SHA-256 `{sha}`)" if sha else "")
        + f": its kept documents sampled per language with {how}, seed {m.get('seed')}. A language's rate is "
        "the expected number of copies of each of its documents (`floor(rate)` copies, plus one more with "
        f"probability `frac(rate)`). {repeat}: a copy keeps its document's `id`, so ids repeat; deduplicate "
        "by `id` to get the documents once. Documents the parent rejected and inputs it could not read are not "
        "part of a mix: they are in the parent release's `rejected/` and `errors/`.",
        "",
        _md_table(
            ["language", "rate", "parent documents", "rows", "distinct documents"],
            [
                [lg, f"{m.get('rates', {}).get(lg, 0):g}", d.get("in"), d.get("out"), d.get("distinct")]
                for lg, d in sorted(docs.items())
            ],
        ),
        "",
    ]


def render_card(stats: dict[str, Any], manifest: dict[str, Any]) -> str:
    """The dataset card (Markdown with a YAML front matter)."""
    meta = card_metadata(stats, manifest)
    name = meta["pretty_name"]
    t = stats["totals"]
    out: list[str] = ["---", yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).rstrip(), "---", ""]
    out += [f"# {name}", ""]
    if t["kept"]["documents"] == 0:
        out += [empty_release_text(stats, manifest), ""]
    else:
        out += [
            f"A multilingual text corpus built with altedic {manifest.get('altedic_version', '?')} (ALT-EDIC corpus builder). "
            f"It holds {t['kept']['documents']:,} documents ({t['kept']['characters']:,} characters, about "
            f"{t['kept']['tokens_est']:,} tokens) in {len(meta['language_details'])} languages, stored as Parquet shards "
            "partitioned by language (`data/<code>/part-*.parquet`).",
            "",
            "```python",
            "from datasets import load_dataset",
            f'ds = load_dataset("path/to/this/release", "{meta["language_details"][0]}")  # one config per language, or "all"',
            "```",
            "",
        ]
    out += [
        "Every column loads with `datasets`, pyarrow, polars, duckdb and datatrove. Per-document collections "
        "(`metadata`, `quality`, `pii`, `lang_alternatives`) are lists of `{key, value}` pairs, e.g. "
        '`{q["key"]: q["value"] for q in row["quality"]}`; in duckdb, `map_from_entries(quality)`.',
        "",
        "Companion files: `manifest.json` (shards with SHA-256 checksums, sources, accounting), `stats.json` "
        "(statistics), `report.html` (plots), `training-content-summary.md` (AI Act Art. 53(1)(d) public summary).",
        "",
        *(mix_text(manifest) if "mix" in manifest else []),
        "## Languages",
        "",
        _md_table(
            ["language", "documents", "characters", "words", "estimated tokens", "rejected"],
            [row for row in language_rows(stats) if row[1] > 0 or row[5] > 0],
        ),
        "",
        "`und`: rejected before a language could be decided.",
        "",
        "## Schema",
        "",
    ]
    contract = load_contract(str(manifest.get("schemas", {}).get("document", "document.v1")))
    out.append(f"Contract `{contract['name']}.v{contract['version']}`: {contract['description']}")
    out.append("")
    out.append(
        _md_table(
            ["field", "type", "nullable", "description"],
            [
                [f"`{f['name']}`", f["type"], "yes" if f["nullable"] else "no", f["description"]]
                for f in contract["fields"]
            ],
        )
    )
    out += ["", "## Sources", ""]
    src_rows = []
    for sname, s in sorted(manifest.get("sources", {}).items()):
        st = stats["sources"].get(sname, {})
        src_rows.append(
            [
                sname,
                s.get("format"),
                s.get("licence"),
                s.get("licence_evidence"),
                s.get("publisher"),
                # Languages with kept documents, from the shards (stats.json): the manifest's
                # source entries do not list languages.
                ", ".join(st.get("languages", [])),
                st.get("kept", {}).get("documents", 0),
                s.get("retrieved"),
            ]
        )
    out.append(
        _md_table(
            [
                "source",
                "format",
                "licence",
                "licence evidence",
                "publisher",
                "languages",
                "kept documents",
                "retrieved",
            ],
            src_rows,
        )
    )
    out += ["", "### Attribution", ""]
    attributions = [
        (n, s.get("attribution")) for n, s in sorted(manifest.get("sources", {}).items()) if s.get("attribution")
    ]
    out += [f"- **{n}**: {a}" for n, a in attributions] or ["- No source requires an attribution text."]
    refused = manifest.get("refused_sources", [])
    if refused:
        out += ["", "### Sources not used", ""]
        out.append(
            _md_table(
                ["source", "origin", "licence", "reason", "detail"],
                [[r.get("name"), r.get("origin"), r.get("licence"), r.get("reason"), r.get("detail")] for r in refused],
            )
        )
    out += ["", "## Licences", ""]
    out += [
        "Every document carries its licence in the `licence` column (and where it was found in `licence_evidence`); "
        "the release as a whole is under the licences below, each for its own documents"
        + (f" (the Hub's `license_name: {LICENCE_NAME}`)." if meta["license"] == "other" else "."),
        "",
        _md_table(
            ["licence", "documents", "estimated tokens", "languages"],
            [
                [lic, v["documents"], v["tokens_est"], ", ".join(v.get("languages", {}))]
                for lic, v in stats["licences"].items()
            ],
        ),
    ]
    # A mix did no processing of its own: what it says about removed documents is its parent's.
    processing = (manifest.get("mix") or {}).get("processing")
    if "mix" in manifest:
        parent = f"`{(processing or {}).get('release') or (manifest['mix'].get('parent') or {}).get('name')}`"
        kept_where = (
            f"The documents were processed in the release {parent}, which this mix samples (see Mix): its removed "
            "documents are in its `rejected/` with a stable reason code and its unreadable inputs in its `errors/`; "
            "a mix has neither."
        )
    else:
        kept_where = (
            "Every removed document is kept in `rejected/` with a stable reason code; unreadable inputs are listed "
            "in `errors/`."
        )
    reasons = processing["reasons"] if processing else stats["reasons"]
    if processing:
        accounting = (
            f"Accounting of {parent}: {accounting_text(processing['totals'])}. This mix: "
            f"{t['kept']['documents']:,} rows sampled from its kept documents."
        )
    else:
        accounting = f"Accounting: {accounting_text(t)}."
    out += [
        "",
        "## Processing",
        "",
        "Read → normalise (Unicode NFC, whitespace, mojibake repair) → identify language → score quality → detect "
        "(and, if configured, redact) personal data → decide (thresholds from `filters/<lang>.yaml` and the recipe) → "
        "deduplicate (exact, then near duplicates) → write language-partitioned shards. " + kept_where,
        "",
        "Settings and versions of the stages (from the manifest):",
        "",
        "```json",
        json.dumps(
            {
                # The stage settings as the recipe gave them (recorded with the resolved recipe).
                "stages": (manifest.get("recipe") or {}).get("stages") or {},
                "implementations": manifest.get("implementations", {}),
                "altedic_version": manifest.get("altedic_version"),
            },
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        ),
        "```",
        "",
        "### Removed documents" + (f" (by the release {parent})" if processing else ""),
        "",
        _md_table(
            ["reason", "documents", "per language"],
            [
                [f"`{r}`", sum(by.values()), ", ".join(f"{lg}: {n}" for lg, n in by.items())]
                for r, by in reasons.items()
            ],
        ),
        "",
        accounting,
        "",
        "## Limitations",
        "",
    ]
    out += ["- " + lim.format(formula=stats["token_estimator"]["formula"]) for lim in LIMITATIONS]
    out.append("")
    return "\n".join(out)
