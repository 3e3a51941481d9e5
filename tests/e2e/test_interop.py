"""The shards load with the tools training teams use, with the same row counts.

pyarrow, polars, duckdb, datatrove's ParquetReader and Hugging Face ``datasets`` (both with
explicit ``data_files`` and through the dataset card's per-language configs). Each library is
skipped when absent. Runs on the synthetic release and on the demo recipe's release.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
import release_fixture as rf

from altedic.release.card import hf_features
from altedic.schema import load_contract


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("rel")
    return out, rf.build_finalised_release(out)


def _expected(manifest: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in manifest["shards"]:
        if s["kind"] == "data":
            counts[s["lang"]] = counts.get(s["lang"], 0) + s["rows"]
    return counts


def _releases(release: tuple[Path, dict[str, Any]], demo: Path) -> list[tuple[Path, dict[str, Any]]]:
    return [release, (demo, json.loads((demo / "manifest.json").read_text("utf-8")))]


def test_pyarrow(release: tuple[Path, dict[str, Any]], demo_release: Path) -> None:
    for out, manifest in _releases(release, demo_release):
        # the plain calls, with their defaults: under data/lang=<code>/ (until the twenty-ninth
        # session) pyarrow inferred a dictionary-typed hive column 'lang' from the folder names
        # that clashed with the string column 'lang' of every shard ("Unable to merge: Field lang
        # has incompatible types"), in pq.read_table and pandas.read_parquet alike
        table = pq.read_table(out / "data", columns=["id", "lang"])
        assert table.schema.field("lang").type == pa.string()
        counts_plain: dict[str, int] = {}
        for lg in table.column("lang").to_pylist():
            counts_plain[lg] = counts_plain.get(lg, 0) + 1
        assert counts_plain == _expected(manifest)
        pd = pytest.importorskip("pandas")
        frame = pd.read_parquet(out / "data", columns=["lang"])
        assert frame["lang"].value_counts().to_dict() == _expected(manifest)
        dataset = ds.dataset(out / "data", format="parquet", partitioning="hive")
        table = dataset.to_table(columns=["id", "lang"])
        counts: dict[str, int] = {}
        for lg in table.column("lang").to_pylist():
            counts[lg] = counts.get(lg, 0) + 1
        assert counts == _expected(manifest)
        assert pq.read_schema(next((out / "data").rglob("*.parquet"))).metadata[b"altedic.schema"] == b"document"


def test_polars(release: tuple[Path, dict[str, Any]], demo_release: Path) -> None:
    pl = pytest.importorskip("polars")
    for out, manifest in _releases(release, demo_release):
        df = pl.scan_parquet(str(out / "data" / "*" / "*.parquet")).select("lang").collect()
        got = dict(df.group_by("lang").len().iter_rows())
        assert got == _expected(manifest)


def test_duckdb(release: tuple[Path, dict[str, Any]], demo_release: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    for out, manifest in _releases(release, demo_release):
        con = duckdb.connect()
        glob = str(out / "data" / "*" / "*.parquet")
        rows = con.execute(f"SELECT lang, count(*) FROM read_parquet('{glob}') GROUP BY lang").fetchall()
        assert dict(rows) == _expected(manifest)
        con.close()


def test_datatrove_parquet_reader(release: tuple[Path, dict[str, Any]], demo_release: Path) -> None:
    pytest.importorskip("datatrove")
    from datatrove.pipeline.readers import ParquetReader

    for out, manifest in _releases(release, demo_release):
        for lang, n in _expected(manifest).items():
            reader = ParquetReader(str(out / "data" / lang), glob_pattern="*.parquet", text_key="text", id_key="id")
            docs = list(reader.run())
            assert len(docs) == n
            assert {d.metadata["lang"] for d in docs} == {lang}
            assert all(d.text for d in docs)


def test_hf_datasets_data_files_and_card_configs(
    release: tuple[Path, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf" / "datasets"))
    import datasets

    out, manifest = release
    expected = _expected(manifest)
    files = sorted(str(p) for p in (out / "data").rglob("*.parquet"))
    # datasets has no map dtype (huggingface/datasets#5612): key/value collections are lists of
    # {key, value} structs, so every column loads, with the card's features and without them.
    features, left_out = hf_features("document.v1")
    assert left_out == []
    assert [f["name"] for f in features] == [f["name"] for f in load_contract("document.v1")["fields"]]
    for kwargs in ({}, {"features": datasets.Features._from_yaml_list(features)}):
        d = datasets.load_dataset(
            "parquet", data_files=files, split="train", cache_dir=str(tmp_path / "cache"), **kwargs
        )
        assert d.num_rows == sum(expected.values())
        assert set(d["id"]) == {x.id for x in rf.kept_documents()}
        by_id = {r["id"]: r for r in d}
        for doc in rf.kept_documents():
            assert {kv["key"]: kv["value"] for kv in by_id[doc.id]["quality"]} == doc.quality
            assert {kv["key"]: kv["value"] for kv in by_id[doc.id]["pii"]} == doc.pii
    # Through the dataset card (README.md YAML configs): one config per language.
    for lang in ("mt", "ga", "el", "bg", "fy"):
        d = datasets.load_dataset(str(out), lang, split="train", cache_dir=str(tmp_path / "cache"))
        assert d.num_rows == expected[lang]
        assert set(d["lang"]) == {lang}
    d = datasets.load_dataset(str(out), split="train", cache_dir=str(tmp_path / "cache"))  # default config "all"
    assert d.num_rows == sum(expected.values())
    assert os.environ["HF_DATASETS_OFFLINE"] == "1"
