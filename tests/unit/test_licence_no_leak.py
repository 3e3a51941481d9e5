"""Refused sources never reach any shard: a whole run over a catalogue and a contributed manifest.

This is the one test of this area that runs the pipeline (Beam's in-process runner, the
declared-language stage so that no model is loaded): the guarantee is end to end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from altedic.run import run

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "sources"

REFUSED_TEXTS = {
    "Dúirt an tAire",  # ga, CC BY-NC (catalogue) and CC BY-NC-SA (manifest)
    "Σαν βγεις στον πηγαιμό",  # el, CC BY-ND
    "Здравейте, някой знае",  # bg, unknown licence
    "El consell comarcal",  # ca, ODRL constraint not understood
    "l-għalliema se jingħataw taħriġ",  # mt, only in the NC manifest's file
    "filwaqt li t-traffiku",  # mt, only in the NC manifest's file
    "ma jridx li dan jintuża",  # mt, the TDM-reserved source
}
KEPT_TEXTS = {"Il-gvern qal li", "La biblioteca municipal"}


def test_no_text_of_a_refused_source_reaches_any_shard(tmp_path: Path) -> None:
    reserved = tmp_path / "reserved"
    reserved.mkdir()
    (reserved / "mt.txt").write_text(
        "Il-Kunsill Nazzjonali għall-Ilsien Malti ma jridx li dan jintuża.\n", encoding="utf-8"
    )
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        json.dumps(
            {
                "version": 1,
                "name": "licence-no-leak",
                "sources": [
                    {
                        "name": "catalogue",
                        "format": "dcat",
                        "paths": [str(FIX / "dcat" / "catalogue.ttl")],
                        "attribution": "test",
                        "retrieved": "2026-11-01",
                        "options": {
                            "mirror": {
                                "https://files.example.mt/news/": "mirror/mt/",
                                "https://files.example.ie/ga/": "mirror/ie/",
                                "https://files.example.gr/el/": "mirror/gr/",
                                "https://files.example.bg/": "mirror/bg/",
                                "https://files.example.cat/": "mirror/cat/",
                            }
                        },
                    },
                    {"include": str(FIX / "manifests" / "non-commercial.yaml")},
                    {
                        "name": "reserved",
                        "format": "text",
                        "paths": [str(reserved / "*.txt")],
                        "licence": "CC0-1.0",
                        "options": {"tdm_reservation": True},
                    },
                ],
                "stages": {"langid": {"method": "declared"}, "quality": {"enabled": False}, "pii": {"enabled": False}},
                "output": {"path": str(tmp_path / "out")},
            }
        ),
        encoding="utf-8",
    )
    result = run(str(recipe))
    m = result.manifest
    refused = {r["name"]: r["reason"] for r in m["refused_sources"]}
    assert refused == {
        "catalogue/bg-forum/bg-jsonl": "licence.unknown",
        "catalogue/ca-offer/ca-unknown": "licence.odrl_unknown_constraint",
        "catalogue/el-poems/el-txt": "licence.no_derivatives",
        "catalogue/ga-debates/ga-jsonl": "licence.non_commercial",
        "ga-nc": "licence.non_commercial",
        "reserved": "licence.tdm_reserved",
    }
    texts: list[str] = []
    sources: set[str] = set()
    for shard in sorted((tmp_path / "out").rglob("*.parquet")):
        table = pq.read_table(shard)
        for row in table.to_pylist():
            texts.append(json.dumps(row, ensure_ascii=False, default=bytes.hex))  # dedup signatures: bytes
            if "source" in row:
                sources.add(row["source"])
    blob = "\n".join(texts)
    assert [t for t in sorted(REFUSED_TEXTS) if t in blob] == []
    assert [t for t in sorted(KEPT_TEXTS) if t not in blob] == []
    assert sources == {"catalogue/mt-news/mt-news-csv", "catalogue/ca-offer/ca-permitted"}
