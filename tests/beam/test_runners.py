"""The same recipe on other Beam runners than the in-process one: byte-identical shards.

``altedic run`` without ``--runner`` uses Beam's in-process FnApiRunner (and the dedup core's
in-process steps); with ``--runner=BundleBasedDirectRunner`` every step goes through that
runner's own bundles, side inputs and shuffles, the dedup core through its full Beam wiring.
Both must write the same shards, byte for byte, and the same accounting (README: the same
recipe gives identical shards on any runner and any worker count).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from altedic.beam.steps import DocShardWriter, WriteSettings
from altedic.run import run

SENTENCES = {
    "mt": "il-kummissjoni ewropea ppubblikat rapport ġdid dwar il-kwalità tal-ilma fil-bajjiet u x-xmajjar",
    "ga": "d'fhoilsigh an coimisiún tuarascáil nua inniu faoi cháilíocht an uisce sna cuanta agus sna haibhneacha",
    "el": "η επιτροπή δημοσίευσε σήμερα νέα έκθεση για την ποιότητα του νερού στους κόλπους και στα ποτάμια",
}


def _text(lang: str, k: int, n: int = 60) -> str:
    """A paragraph of ``n`` words of ``lang``, different for every ``k`` (so no two are near duplicates)."""
    words = SENTENCES[lang].split()
    tags = hashlib.blake2b(f"{lang}{k}".encode(), digest_size=n).digest()
    return " ".join(f"{words[(i + k) % len(words)]}{tags[i] % 50}" for i in range(n)) + "."


def _line(**row: Any) -> str:
    return json.dumps(row, ensure_ascii=False) + "\n"


def _recipe(tmp_path: Path) -> Path:
    """Two sources, three files: documents in three languages (several shards each), an exact
    and a near duplicate, a too-short document and an unreadable line."""
    src = tmp_path / "in"
    src.mkdir()
    a1 = [_line(id=f"a{k}", lang=lang, text=_text(lang, k)) for k, lang in enumerate(["mt", "ga", "el"] * 4)]
    a1.append(_line(id="short", lang="mt", text="Qasir."))
    a1.append("{not json\n")
    (src / "a1.jsonl").write_text("".join(a1), encoding="utf-8")
    # an exact copy of a0 and a near copy of a1 (one word of 60 changed), in another file
    near = _text("ga", 1).replace(_text("ga", 1).split()[-1], "deireadh.")
    a2 = [_line(id="copy", lang="mt", text=_text("mt", 0)), _line(id="near", lang="ga", text=near)]
    a2 += [_line(id=f"b{k}", lang="el", text=_text("el", 100 + k)) for k in range(3)]
    (src / "a2.jsonl").write_text("".join(a2), encoding="utf-8")
    (src / "c.jsonl").write_text(
        "".join(_line(id=f"c{k}", lang=lang, text=_text(lang, 200 + k)) for k, lang in enumerate(["mt", "ga"] * 3)),
        encoding="utf-8",
    )
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        f"""version: 1
name: runners-test
sources:
  - name: news
    format: jsonl
    paths: {src}/a*.jsonl
    licence: CC-BY-4.0
    options:
      columns: {{text: text, id: id, lang: lang}}
  - name: other
    format: jsonl
    paths: {src}/c.jsonl
    licence: CC-BY-4.0
    options:
      columns: {{text: text, id: id, lang: lang}}
stages:
  normalise: {{min_chars: 20}}
  langid: {{method: declared}}
  quality: {{enabled: false}}
  pii: {{mode: redact}}
  dedup: {{}}
output:
  path: {tmp_path}/out
  shard_size_mb: 0.002
""",
        encoding="utf-8",
    )
    return recipe


def _digests(out: Path, manifest: dict[str, Any]) -> dict[str, str]:
    shards = {s["path"]: s["sha256"] for s in manifest["shards"]}
    for path, digest in shards.items():  # the manifest tells the truth about the files
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest, path
    return shards


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """The recipe run on the default (in-process) runner: (recipe, output, manifest)."""
    tmp = tmp_path_factory.mktemp("runners")
    recipe = _recipe(tmp)
    out = tmp / "default"
    return recipe, out, run(str(recipe), out=str(out)).manifest


def test_default_runner_run_is_what_the_test_expects(default_run: tuple[Path, Path, dict[str, Any]]) -> None:
    _recipe, _out, m = default_run
    assert m["run"]["runner"] == "FnApiRunner"
    assert m["accounting"]["ok"]
    assert m["accounting"]["per_source"] == {
        "news": {
            "read": 19,
            "derived": 0,
            "kept": 15,
            "rejected": {"dedup.exact": 1, "dedup.near": 1, "normalise.empty": 1},
            "errors": 1,
            "declared_mismatch": 0,
            "ok": True,
        },
        "other": {"read": 6, "derived": 0, "kept": 6, "rejected": {}, "errors": 0, "declared_mismatch": 0, "ok": True},
    }
    # several shards per group (shard_size_mb 0.002), so the shard planning is compared too. The
    # planned id ranges were el 1, 2, 4 of 5, ga 0, 1, 3 of 4, mt 0, 1, 3, 4 of 5 (a range with no
    # document is not written); the names were those, with gaps, so `-of-N` did not count files.
    assert sorted((s["path"], s["rows"]) for s in m["shards"]) == [
        ("data/el/part-00000-of-00003.parquet", 4),
        ("data/el/part-00001-of-00003.parquet", 2),
        ("data/el/part-00002-of-00003.parquet", 1),
        ("data/ga/part-00000-of-00003.parquet", 4),
        ("data/ga/part-00001-of-00003.parquet", 2),
        ("data/ga/part-00002-of-00003.parquet", 1),
        ("data/mt/part-00000-of-00004.parquet", 2),
        ("data/mt/part-00001-of-00004.parquet", 1),
        ("data/mt/part-00002-of-00004.parquet", 3),
        ("data/mt/part-00003-of-00004.parquet", 1),
        ("errors/part-00000-of-00001.parquet", 1),
        ("rejected/part-00000-of-00002.parquet", 1),
        ("rejected/part-00001-of-00002.parquet", 2),
    ]
    # the dedup signatures mirror the data shards, name for name and row for row
    import pyarrow.parquet as pq

    sigs = sorted(p.name for p in (_out / "dedup").glob("signatures-*.parquet"))
    assert sigs == [
        s["path"].replace("data/", "signatures-").replace("/part-", "-").split("/")[-1]
        for s in sorted(m["shards"], key=lambda s: s["path"])
        if s["kind"] == "data"
    ]
    for s in m["shards"]:
        if s["kind"] == "data":
            sig = _out / "dedup" / s["path"].replace("data/", "signatures-").replace("/part-", "-")
            assert (
                pq.read_table(sig).column("id").to_pylist() == pq.read_table(_out / s["path"]).column("id").to_pylist()
            )


def test_bundle_based_direct_runner_gives_the_default_runners_shards(
    default_run: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    """Beam's BundleBasedDirectRunner filled the shard writers' side input (the spill chunks,
    one output of the multi-output read step) with nothing, or with the step's other outputs:
    no data or rejected shard was written and the accounting check failed."""
    recipe, expected_out, expected = default_run
    out = tmp_path / "bb"
    m = run(str(recipe), out=str(out), beam_args=["--runner=BundleBasedDirectRunner"]).manifest
    assert m["run"]["runner"] == "BundleBasedDirectRunner"
    assert m["accounting"] == expected["accounting"]
    assert _digests(out, m) == _digests(expected_out, expected)
    assert m["dedup_files"] == expected["dedup_files"]
    assert m["stats"] == expected["stats"]


def test_a_shard_writer_without_the_chunks_of_its_group_fails(tmp_path: Path) -> None:
    """A data shard task exists only for a group some chunk holds: a writer given no such chunk
    (an incomplete side input) fails instead of leaving the shard out."""
    writer = DocShardWriter(WriteSettings(staging=str(tmp_path), shard_bytes=1 << 20), None, [])
    with pytest.raises(RuntimeError, match=r"data shards 1-2 of 2 of 'mt': none of the 0 spill chunk summaries"):
        list(writer.write((("data", "mt", 0, 2, 2), [])))
    assert list(tmp_path.iterdir()) == []
