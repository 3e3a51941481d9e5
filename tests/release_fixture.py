"""A small synthetic release (the shape the pipeline writes) for the release tests.

The manifest has the keys ``altedic run`` writes (``altedic.run.build_manifest``) and no others:
stage settings only under ``recipe.stages``, no per-source ``languages`` (a test compares the
key sets with the demo release's).

``build_release(out)`` writes ``OUT/data/<code>/part-*.parquet`` (document.v1),
``OUT/rejected/part-00000-of-00001.parquet`` (rejected.v1), ``OUT/errors/part-00000-of-00001.parquet``
(error.v1), ``OUT/manifest.json`` and ``OUT/_SUCCESS``, and returns the manifest. The texts are
short sentences written for these tests in Maltese, Irish, Greek, Bulgarian, Luxembourgish,
Catalan, Basque and West Frisian. Every figure in the manifest is computed from the rows below,
so the accounting identity (read = kept + rejected + errors) holds per source.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from altedic.records import Document, counted_lang, doc_id
from altedic.schema import arrow_schema, to_row

EU = {
    "source": "eu-acts",
    "format": "formex",
    "licence": "EU-Reuse-2011-833",
    "licence_evidence": "recipe",
    "publisher": "Publications Office of the EU",
    "attribution": "© European Union, https://eur-lex.europa.eu",
    "retrieved": "2026-10-01",
    "profile": "legal",
}
COMMUNITY = {
    "source": "community-mt",
    "format": "jsonl",
    "licence": "CC-BY-4.0",
    "licence_evidence": "recipe",
    "publisher": "Għaqda tal-Malti",
    "attribution": "CC BY 4.0, Għaqda tal-Malti",
    "retrieved": "2026-11-01",
    "profile": "default",
}
WEB = {
    "source": "regional-web",
    "format": "warc",
    "licence": "CC0-1.0",
    "licence_evidence": "recipe",
    "publisher": None,
    "attribution": None,
    "retrieved": "2026-09-15",
    "profile": "web",
}
SOURCES = {"eu-acts": EU, "community-mt": COMMUNITY, "regional-web": WEB}

#: The recipe's ``stages`` section, recorded in the manifest at ``recipe.stages`` (the only place
#: a run records the stage settings).
STAGES: dict[str, Any] = {
    "normalise": {"unicode_form": "NFC", "min_chars": 10},
    "langid": {},
    "quality": {},
    "pii": {"mode": "redact", "sources": {"regional-web": "tag"}},
    "dedup": {"threshold": 0.8},
}

# (provenance, lang, text, extra fields)
KEPT: list[tuple[dict[str, Any], str, str, dict[str, Any]]] = [
    (
        EU,
        "mt",
        "Il-Kummissjoni Ewropea ħarġet rapport ġdid dwar l-ilma.",
        {"cluster_size": 2, "quality": {"stop_word_ratio": 0.3, "mean_word_length": 5.2}},
    ),
    (
        EU,
        "mt",
        "Ir-Regolament japplika għall-Istati Membri kollha.",
        {"cluster_size": 1, "quality": {"stop_word_ratio": 0.25, "mean_word_length": 6.5}},
    ),
    (
        COMMUNITY,
        "mt",
        "Il-qorti ddeċidiet li l-appell huwa inammissibbli. Ikkuntattja lil info@example.mt.",
        {"cluster_size": 1, "pii": {"email": 1}, "quality": {"stop_word_ratio": 0.4}},
    ),
    (
        EU,
        "ga",
        "Tá an Coimisiún Eorpach ag obair ar an togra.",
        {"cluster_size": 1, "quality": {"stop_word_ratio": 0.5}},
    ),
    (
        EU,
        "ga",
        "Is é an Rialachán seo atá i bhfeidhm ó inniu.",
        {"cluster_size": 3, "quality": {"stop_word_ratio": 0.45}},
    ),
    (
        EU,
        "el",
        "Η Ευρωπαϊκή Επιτροπή δημοσίευσε νέα έκθεση για το νερό.",
        {"cluster_size": 1, "quality": {"stop_word_ratio": 0.2}},
    ),
    (
        EU,
        "bg",
        "Европейската комисия публикува нов доклад. Телефон: +359 2 123 4567.",
        {"cluster_size": 1, "pii": {"phone": 1}},
    ),
    (
        WEB,
        "lb",
        "D'Europäesch Kommissioun huet e neie Bericht publizéiert.",
        {"cluster_size": 1, "url": "https://www.rtl.lu/news/1"},
    ),
    (
        WEB,
        "ca",
        "La Comissió Europea ha publicat un nou informe sobre l'aigua.",
        {"cluster_size": 1, "url": "https://www.vilaweb.cat/a/2"},
    ),
    (
        WEB,
        "eu",
        "Europako Batzordeak txosten berri bat argitaratu du.",
        {"cluster_size": 1, "url": "https://www.berria.eus/x"},
    ),
    (
        WEB,
        "fy",
        "De Europeeske Kommisje hat in nij rapport publisearre.",
        {"cluster_size": 1, "url": "https://www.omropfryslan.nl/n"},
    ),
    (
        WEB,
        "ca",
        "Barcelona acull la reunió dels ministres europeus.",
        {"cluster_size": 1, "url": "https://vilaweb.cat/b"},
    ),
]

# (provenance, lang or None, text, reason, extra)
REJECTED: list[tuple[dict[str, Any], str | None, str, str, dict[str, Any]]] = [
    (
        EU,
        "mt",
        "Il-Kummissjoni Ewropea ħarġet rapport ġdid dwar l-ilma!",
        "dedup.near",
        {"quality": {"stop_word_ratio": 0.3}},
    ),
    (
        COMMUNITY,
        "mt",
        "aaaa bbbb cccc dddd",
        "quality.stop_words",
        {"quality": {"stop_word_ratio": 0.0}, "reason_detail": "0.00 < 0.06"},
    ),
    (
        COMMUNITY,
        "mt",
        "xyz xyz xyz xyz xyz",
        "quality.stop_words",
        {"quality": {"stop_word_ratio": 0.0}, "reason_detail": "0.00 < 0.06"},
    ),
    (EU, "ga", "Tá an Coimisiún Eorpach ag obair ar an togra.", "dedup.exact", {}),
    (WEB, None, "12345 67890", "langid.undetermined", {"url": "https://www.rtl.lu/news/2"}),
    (WEB, "ca", "Hola", "quality.too_short", {"quality": {"words": 1.0}, "url": "https://vilaweb.cat/c"}),
]

ERRORS: list[dict[str, Any]] = [
    {
        "source": "community-mt",
        "uri": "contrib/mt.jsonl",
        "position": "line 7",
        "kind": "schema",
        "message": "field 'text' is missing",
    },
    {
        "source": "regional-web",
        "uri": "crawl/a.warc.gz",
        "position": "byte 4096",
        "kind": "archive",
        "message": "truncated gzip member",
    },
]


def _doc(prov: dict[str, Any], lang: str | None, text: str, i: int, extra: dict[str, Any]) -> Document:
    fields = {k: v for k, v in prov.items() if k not in ("source",)}
    uri = {"eu-acts": "eu/acts.xml", "community-mt": "contrib/mt.jsonl", "regional-web": "crawl/a.warc.gz"}[
        prov["source"]
    ]
    d = Document(
        id=doc_id(prov["source"], f"{uri}#{i}", text),
        text=text,
        source=prov["source"],
        uri=uri,
        position=f"doc {i}",
        declared_lang=lang if prov["source"] != "regional-web" else None,
        lang=lang,
        lang_score=None if lang is None else round(0.5 + (i % 5) / 10, 2),
        lang_share=None if lang is None else 1.0,
        **fields,
    )
    for k, v in extra.items():
        setattr(d, k, v)
    return d


def kept_documents() -> list[Document]:
    return [_doc(p, lg, t, i, e) for i, (p, lg, t, e) in enumerate(KEPT)]


def rejected_documents() -> list[Document]:
    out = []
    kept = kept_documents()
    for j, (p, lg, t, reason, e) in enumerate(REJECTED):
        d = _doc(p, lg, t, 100 + j, {k: v for k, v in e.items() if k != "reason_detail"})
        dup = kept[0].id if reason == "dedup.near" else (kept[3].id if reason == "dedup.exact" else None)
        d.reject(reason, e.get("reason_detail"), dup)
        out.append(d)
    return out


def _write(path: Path, rows: list[dict[str, Any]], schema_name: str) -> dict[str, Any]:
    schema = arrow_schema(schema_name)
    table = pa.Table.from_pylist([{f.name: to_row(r).get(f.name) for f in schema} for r in rows], schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return {
        "rows": table.num_rows,
        "bytes": path.stat().st_size,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def build_release(out: Path, name: str = "fixture", release_section: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the synthetic release under ``out`` and return its manifest (also written)."""
    out.mkdir(parents=True, exist_ok=True)
    shards: list[dict[str, Any]] = []
    kept = kept_documents()
    by_lang: dict[str, list[Document]] = {}
    for d in kept:
        assert d.lang is not None
        by_lang.setdefault(d.lang, []).append(d)
    for lang, docs in sorted(by_lang.items()):
        # Maltese gets two shards so that multi-shard languages are covered.
        parts = [docs[:2], docs[2:]] if lang == "mt" else [docs]
        for i, part in enumerate(parts):
            rel = f"data/{lang}/part-{i:05d}-of-{len(parts):05d}.parquet"
            info = _write(out / rel, [d.to_dict() for d in part], "document.v1")
            shards.append({"path": rel, "kind": "data", "lang": lang, **info})
    rejected = rejected_documents()
    rel = "rejected/part-00000-of-00001.parquet"
    shards.append(
        {
            "path": rel,
            "kind": "rejected",
            "lang": None,
            **_write(out / rel, [d.to_dict() for d in rejected], "rejected.v1"),
        }
    )
    rel = "errors/part-00000-of-00001.parquet"
    shards.append({"path": rel, "kind": "errors", "lang": None, **_write(out / rel, ERRORS, "error.v1")})

    sources: dict[str, Any] = {}
    for sname, prov in SOURCES.items():
        k = [d for d in kept if d.source == sname]
        r = [d for d in rejected if d.source == sname]
        e = [x for x in ERRORS if x["source"] == sname]
        rej: dict[str, int] = {}
        for d in r:
            assert d.reason is not None
            rej[d.reason] = rej.get(d.reason, 0) + 1
        # The keys altedic.run.build_manifest writes (no per-source languages: those come
        # from the shards, stats.json's sources[name].languages).
        sources[sname] = {
            "format": prov["format"],
            "origin": f"recipe.yaml:sources[{list(SOURCES).index(sname)}]",
            "licence": prov["licence"],
            "licence_evidence": prov["licence_evidence"],
            "publisher": prov["publisher"],
            "attribution": prov["attribution"],
            "retrieved": prov["retrieved"],
            "declared_language": None,
            "profile": prov["profile"],
            "metadata": {},
            "files": 1,
            "read": len(k) + len(r) + len(e),
            "derived": 0,
            "kept": len(k),
            "rejected": dict(sorted(rej.items())),
            "errors": len(e),
            "declared_mismatch": 0,
        }
    languages: dict[str, Any] = {}
    for d in kept:
        assert d.lang is not None
        languages.setdefault(d.lang, {"kept": 0, "rejected": {}})["kept"] += 1
    for d in rejected:
        assert d.reason is not None
        entry = languages.setdefault(counted_lang(d.lang, d.declared_lang), {"kept": 0, "rejected": {}})
        entry["rejected"][d.reason] = entry["rejected"].get(d.reason, 0) + 1
    manifest: dict[str, Any] = {
        "manifest_version": 1,
        "altedic_version": "0.1.0",
        "name": name,
        "schemas": {"document": "document.v1", "rejected": "rejected.v1", "error": "error.v1"},
        "run": {
            "started": "2026-11-02T10:00:00Z",
            "finished": "2026-11-02T10:01:00Z",
            "runner": "FnApiRunner",
            "workers": 1,
        },
        "recipe": {
            "version": 1,
            "name": name,
            "sources": [{"name": n, "format": p["format"], "licence": p["licence"]} for n, p in SOURCES.items()],
            # As a recipe gives them (the manifest has no other record of the stage settings).
            "stages": STAGES,
            "release": release_section
            if release_section is not None
            else {
                "provider": "ALT-EDIC",
                "contact": "corpus@alt-edic.example",
                "model": "EuroLM-test-1",
                "sources": {
                    "regional-web": {"category": "crawled", "crawler": "altedic-crawl/0.1", "period": "2026-09"}
                },
            },
        },
        "shards": shards,
        "sources": sources,
        "refused_sources": [
            {
                "name": "news-nc",
                "origin": "recipe",
                "licence": "CC-BY-NC-4.0",
                "reason": "licence.non_commercial",
                "detail": "NC licences are excluded",
            },
            {
                "name": "blog-optout",
                "origin": "contrib/blog.yaml",
                "licence": "unknown",
                "reason": "tdm.reserved",
                "detail": "robots.txt/TDMRep opt-out",
            },
            {
                "name": "forum-nd",
                "origin": "recipe",
                "licence": "CC-BY-NC-ND-4.0",
                "reason": "licence.non_commercial",
                "detail": "NC licences are excluded",
            },
        ],
        "warnings": [],
        "languages": dict(sorted(languages.items())),
        "accounting": {
            "identity": "read + derived = kept + rejected + errors",
            "ok": True,
            "problems": [],
            "per_source": {
                n: {
                    "read": s["read"],
                    "derived": 0,
                    "kept": s["kept"],
                    "rejected": s["rejected"],
                    "errors": s["errors"],
                    "declared_mismatch": 0,
                    "ok": True,
                }
                for n, s in sources.items()
            },
        },
        "implementations": {
            "minhash": {"implementation": "compiled", "spec": "minhash-v1"},
            "langid_model": "compiled",
            "quality_ngrams": "compiled",
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "_SUCCESS").write_text("", encoding="utf-8")
    return manifest


def build_finalised_release(out: Path, **kwargs: Any) -> dict[str, Any]:
    """:func:`build_release` followed by :func:`altedic.release.finalise.finalise`, manifest rewritten."""
    from altedic.release.finalise import finalise

    manifest = build_release(out, **kwargs)
    manifest.update(finalise(str(out), manifest))
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest
