"""Inspection (checksums, samples) and mixing of a release."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import release_fixture as rf
import yaml

from altedic.errors import ConfigError, InputError, RunError
from altedic.release.inspect import load_manifest, load_stats, sample_documents, sample_rejected, verify_shards
from altedic.release.mix import copies, mix, sampling_rates
from altedic.release.summary import summary_from_release
from altedic.schema import load_contract


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("rel")
    return out, rf.build_finalised_release(out)


def _run(command: str, argv: list[str]) -> int:
    import importlib

    module = importlib.import_module(f"altedic.commands.{command}")
    parser = argparse.ArgumentParser()
    module.register(parser.add_subparsers())
    args = parser.parse_args([command, *argv])
    return int(args.func(args))


def test_inspect_overview_and_checksums_ok(
    release: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, manifest = release
    assert all(c.ok for c in verify_shards(out, manifest))
    assert _run("inspect", [str(out)]) == 0
    text = capsys.readouterr().out
    assert "checksums: 16 of 16 files OK" in text  # 11 shards, 5 release files
    assert "read 20 = kept 12 + rejected 6 + errors 2" in text
    assert any(line.split() == ["mt", "3", "188", "49", "3", "2"] for line in text.splitlines())
    assert any(line.split() == ["quality.stop_words", "2", "mt:2"] for line in text.splitlines())


def test_inspect_detects_a_corrupted_shard(
    tmp_path: Path, release: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    src, _ = release
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    manifest = load_manifest(out)
    victim = out / "data/ga/part-00000-of-00001.parquet"
    raw = bytearray(victim.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # same size, different content
    victim.write_bytes(bytes(raw))
    (out / "data/el/part-00000-of-00001.parquet").unlink()
    shutil.copy(out / "data/bg/part-00000-of-00001.parquet", out / "data/bg/part-00001-of-00001.parquet")
    bad = {(c.path, c.status) for c in verify_shards(out, manifest) if not c.ok}
    assert bad == {
        ("data/ga/part-00000-of-00001.parquet", "checksum"),
        ("data/el/part-00000-of-00001.parquet", "missing"),
        ("data/bg/part-00001-of-00001.parquet", "unlisted"),
    }
    assert _run("inspect", [str(out)]) == 1
    text = capsys.readouterr().out
    assert "checksums: 14 of 17 files OK" in text
    assert "CHECKSUM   data/ga/part-00000-of-00001.parquet" in text


def test_inspect_without_stats_and_with_a_broken_shard_still_gives_the_verdicts(
    tmp_path: Path, release: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """No stats.json (so the statistics would be rebuilt from the shards) and a shard cut in half:
    the statistics cannot be made, the checksum verdicts are still printed, exit status 1."""
    src, _ = release
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    (out / "stats.json").unlink()
    victim = out / "data/ga/part-00000-of-00001.parquet"
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    assert _run("inspect", [str(out)]) == 1
    text = capsys.readouterr().out
    assert text.startswith("no statistics: stats.json is missing and ")
    assert "cannot read shard" in text and "checksums: 14 of 16 files OK" in text  # and stats.json missing
    assert "SIZE       data/ga/part-00000-of-00001.parquet" in text


def test_sample_is_deterministic_and_seeded(
    release: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, manifest = release
    mt_ids = [d.id for d in rf.kept_documents() if d.lang == "mt"]
    expected = sorted(mt_ids, key=lambda i: hashlib.blake2b(f"0\0{i}".encode(), digest_size=8).digest())[:2]
    got = sample_documents(out, manifest, "mt", 2, seed=0)
    assert [d["id"] for d in got] == expected
    assert {d["lang"] for d in got} == {"mt"}
    # A larger n returns every Maltese document, ordered by the seed's hash (across both Maltese shards).
    for seed in (0, 5):
        order = sorted(mt_ids, key=lambda i, s=seed: hashlib.blake2b(f"{s}\0{i}".encode(), digest_size=8).digest())
        assert [d["id"] for d in sample_documents(out, manifest, "mt", 10, seed=seed)] == order
    assert len(sample_documents(out, manifest, "mt", 10)) == 3
    with pytest.raises(ConfigError, match="no shards for language 'sv'"):
        sample_documents(out, manifest, "sv", 1)
    assert _run("inspect", [str(out), "--sample", "1", "--lang", "ga"]) == 0
    assert "lang=ga" in capsys.readouterr().out


def test_rejected_shows_what_a_rule_removed(
    release: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, manifest = release
    docs = sample_rejected(out, manifest, "quality.stop_words", 5)
    assert sorted(d["text"] for d in docs) == ["aaaa bbbb cccc dddd", "xyz xyz xyz xyz xyz"]
    assert sample_rejected(out, manifest, "quality.stop_words", 5, lang="ga") == []
    assert _run("inspect", [str(out), "--rejected", "dedup.near"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("1 document(s) rejected with dedup.near:")
    assert f"(duplicate of {rf.kept_documents()[0].id})" in text


def test_rejected_header_gives_the_total_and_the_sample_size(
    release: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """The header printed the sample's size as if it were the total ("5 document(s) rejected"
    for 29): it gives the total, and how many are shown when that is fewer."""
    out, _ = release
    assert _run("inspect", [str(out), "--rejected", "quality.stop_words", "--sample", "1"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("2 document(s) rejected with quality.stop_words; showing 1:\n\n── ")
    assert text.count("── ") == 1
    assert _run("inspect", [str(out), "--rejected", "quality.stop_words", "--sample", "1", "--lang", "mt"]) == 0
    assert capsys.readouterr().out.startswith("2 document(s) rejected with quality.stop_words in mt; showing 1:\n\n")
    assert _run("inspect", [str(out), "--rejected", "quality.stop_words"]) == 0  # all shown: no "showing"
    assert capsys.readouterr().out.startswith("2 document(s) rejected with quality.stop_words:\n\n── ")


def _rows_by_lang(out: Path) -> dict[str, int]:
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    counts: dict[str, int] = {}
    for s in m["shards"]:
        counts[s["lang"]] = counts.get(s["lang"], 0) + pq.ParquetFile(out / s["path"]).metadata.num_rows
    return counts


def test_mix_with_weights_is_deterministic_and_exact(tmp_path: Path, release: tuple[Path, dict[str, Any]]) -> None:
    out, _ = release
    weights = {"mt": 2.5, "ga": 0.0, "ca": 0.5}
    m1 = mix(out, tmp_path / "a", weights=weights, seed=11, max_rows_per_shard=3)
    m2 = mix(out, tmp_path / "b", weights=weights, seed=11, max_rows_per_shard=3)
    assert [(s["path"], s["sha256"]) for s in m1["shards"]] == [(s["path"], s["sha256"]) for s in m2["shards"]]
    assert m1["release_files"] == m2["release_files"]
    kept = rf.kept_documents()
    expected = {}
    for lang in sorted({d.lang for d in kept if d.lang}):
        ids = [d.id for d in kept if d.lang == lang]
        rate = weights.get(lang, 1.0)
        expected[lang] = int(copies(ids, rate, 11).sum())
    expected = {k: v for k, v in expected.items() if v}
    assert "ga" not in expected
    assert 5 <= expected["mt"] <= 9  # 3 documents x 2 copies + Bernoulli(0.5) each
    assert _rows_by_lang(tmp_path / "a") == expected
    assert m1["stats"]["kept"] == sum(expected.values())
    assert m1["mix"]["rates"]["mt"] == 2.5 and m1["mix"]["rates"]["bg"] == 1.0
    assert all(s["rows"] <= 3 for s in m1["shards"])
    assert (tmp_path / "a" / "README.md").is_file() and (tmp_path / "a" / "_SUCCESS").is_file()
    assert all(c.ok for c in verify_shards(tmp_path / "a", load_manifest(tmp_path / "a")))
    with pytest.raises(RunError, match="not empty"):
        mix(out, tmp_path / "a", weights=weights)


def test_copies_frequency_follows_the_rate() -> None:
    ids = [f"doc-{i}" for i in range(20_000)]
    got = copies(ids, 1.25, seed=3)
    assert set(got.tolist()) == {1, 2}
    # 20,000 Bernoulli(0.25): mean 5,000, sd 61; 5 sd bounds.
    assert 4_690 <= int((got == 2).sum()) <= 5_310
    assert copies(ids[:5], 2.0, seed=3).tolist() == [2, 2, 2, 2, 2]


def test_temperature_rates(release: tuple[Path, dict[str, Any]]) -> None:
    out, _ = release
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    tokens = {lg: v["kept"]["tokens_est"] for lg, v in stats["languages"].items() if v["kept"]["documents"]}
    assert sampling_rates(stats, temperature=1.0) == pytest.approx(dict.fromkeys(tokens, 1.0))
    rates = sampling_rates(stats, temperature=3.0)
    total = sum(tokens.values())
    z = sum((n / total) ** (1 / 3) for n in tokens.values())
    for lg, n in tokens.items():
        assert rates[lg] == pytest.approx((n / total) ** (1 / 3) / z * total / n)
    # Flattening: the smallest language (eu, 13 tokens) is up-sampled, the largest (mt) down-sampled.
    assert rates["eu"] > 1 > rates["mt"]
    assert sum(rates[lg] * tokens[lg] for lg in tokens) == pytest.approx(total)
    with pytest.raises(ConfigError, match="exactly one"):
        sampling_rates(stats, weights={"mt": 1}, temperature=2.0)
    with pytest.raises(ConfigError, match=r"languages not in the release: \['sv'\]"):
        sampling_rates(stats, weights={"sv": 1.0})
    with pytest.raises(ConfigError, match="temperature must be > 0"):
        sampling_rates(stats, temperature=0.0)


def test_mix_command(tmp_path: Path, release: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = release
    wfile = tmp_path / "weights.yaml"
    wfile.write_text("seed: 4\ndefault: 0\nweights: {mt: 1, el: 1, bg: 3}\n", encoding="utf-8")
    assert _run("mix", [str(out), "--weights", str(wfile), "--out", str(tmp_path / "m")]) == 0
    assert _run("mix", [str(out), "--temperature", "2", "--out", str(tmp_path / "t")]) == 0
    text = capsys.readouterr().out
    assert "mt 3→3" in text and "bg 1→3" in text and "ga 2→0" in text
    assert _rows_by_lang(tmp_path / "m") == {"mt": 3, "el": 1, "bg": 3}
    m = load_manifest(tmp_path / "m")
    assert m["mix"]["seed"] == 4 and m["mix"]["mode"] == "weights"
    # eu-acts: 2 Maltese + 1 Greek + 1 Bulgarian x 3; community-mt: 1 Maltese.
    assert (m["sources"]["eu-acts"]["kept"], m["sources"]["community-mt"]["kept"]) == (6, 1)
    assert "regional-web" not in m["sources"]
    assert math.isclose(sum(m["mix"]["rates"].values()), 5.0)
    wfile.write_text("weights: {mt: 1}\nbogus: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown keys"):
        _run("mix", [str(out), "--weights", str(wfile), "--out", str(tmp_path / "x")])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # each of these was a ValueError, TypeError or UnicodeDecodeError traceback
        (b"weights: {mt: abc}\n", "at 'weights': the rate of 'mt' must be a number, got 'abc'"),
        (b"weights: {mt: true}\n", "at 'weights': the rate of 'mt' must be a number, got True"),
        (b"temperature: hot\n", "at 'temperature': 'temperature' must be a number, got 'hot'"),
        (b"weights: {mt: 1}\ndefault: many\n", "at 'default': 'default' must be a number, got 'many'"),
        (b"weights: {mt: 1}\nseed: 1.5\n", "at 'seed': 'seed' must be a whole number, got 1.5"),
        (b"weights: {mt: 1}\nseed: \xff\n", "not UTF-8 text (byte 23: invalid start byte)"),
    ],
    ids=["rate", "bool-rate", "temperature", "default", "seed", "not-utf8"],
)
def test_mix_weights_file_with_wrong_types_names_file_and_key(
    tmp_path: Path, release: tuple[Path, dict[str, Any]], content: bytes, message: str
) -> None:
    out, _ = release
    wfile = tmp_path / "weights.yaml"
    wfile.write_bytes(content)
    with pytest.raises(ConfigError) as err:
        _run("mix", [str(out), "--weights", str(wfile), "--out", str(tmp_path / "m")])
    assert str(err.value) == f"{wfile}: {message}"
    assert not (tmp_path / "m").exists()


def test_mix_target_tokens_must_be_positive_and_go_with_temperature(release: tuple[Path, dict[str, Any]]) -> None:
    """A negative target wrote an empty release; a target beside weights was silently ignored."""
    out, _ = release
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    for target in (-5, 0):
        with pytest.raises(ConfigError) as err:
            sampling_rates(stats, temperature=1.0, target_tokens=target)
        assert str(err.value) == f"at 'target_tokens': target_tokens must be > 0, got {target}"
    with pytest.raises(ConfigError) as err:
        sampling_rates(stats, weights={"mt": 1.0}, target_tokens=100)
    assert str(err.value) == "at 'target_tokens': target_tokens goes with temperature sampling, not with weights"


def test_inspect_misspelt_reason_and_bad_arguments_are_not_silent(
    release: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt reason printed only "0 document(s)"; --sample -1 and --lang alone showed nothing."""
    out, _ = release
    reasons = json.loads((out / "stats.json").read_text("utf-8"))["reasons"]
    assert _run("inspect", [str(out), "--rejected", "quality.stopwords"]) == 0
    assert capsys.readouterr().out == (
        "0 document(s) rejected with quality.stopwords:\n\nreasons in this release: "
        + ", ".join(f"{r} ({sum(v.values())})" for r, v in sorted(reasons.items()))
        + "\n"
    )
    assert "quality.stop_words (2)" in ", ".join(f"{r} ({sum(v.values())})" for r, v in sorted(reasons.items()))
    with pytest.raises(SystemExit):
        _run("inspect", [str(out), "--sample", "-1"])
    assert "argument --sample: must be at least 0, got -1" in capsys.readouterr().err
    with pytest.raises(ConfigError) as err:
        _run("inspect", [str(out), "--lang", "ga"])
    assert (
        str(err.value)
        == "at '--lang': --lang chooses the documents of --sample N or --rejected REASON; give one of them"
    )


def test_samples_of_a_cut_shard_are_an_error_naming_it(tmp_path: Path, release: tuple[Path, dict[str, Any]]) -> None:
    """`altedic inspect --sample` / `--rejected` on a shard cut short was a pyarrow traceback."""
    src, _ = release
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    manifest = load_manifest(out)
    for rel in ("data/ga/part-00000-of-00001.parquet", "rejected/part-00000-of-00001.parquet"):
        victim = out / rel
        victim.write_bytes(victim.read_bytes()[:100])
    with pytest.raises(InputError) as err:
        sample_documents(out, manifest, "ga", 2)
    assert err.value.uri == str(out / "data/ga/part-00000-of-00001.parquet")
    assert err.value.message.startswith("cannot read shard: ")
    with pytest.raises(InputError) as err:
        sample_rejected(out, manifest, "quality.stop_words", 2)
    assert err.value.uri == str(out / "rejected/part-00000-of-00001.parquet")
    # the shards that are whole still give their samples
    assert [d["lang"] for d in sample_documents(out, manifest, "mt", 1)] == ["mt"]


def test_mix_refuses_a_release_whose_data_shards_do_not_match_the_manifest(
    tmp_path: Path, release: tuple[Path, dict[str, Any]]
) -> None:
    """A mixed release names its parent by the parent manifest's hash: sampling a cut or altered
    shard (a traceback, or silently different documents) would pass the damage on under a new,
    valid manifest."""
    src, _ = release
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    victim = out / "data/ga/part-00000-of-00001.parquet"
    raw = bytearray(victim.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # same size, different content
    victim.write_bytes(bytes(raw))
    with pytest.raises(RunError) as err:
        mix(out, tmp_path / "mixed", temperature=0.5)
    assert str(err.value).startswith(
        f"{out}: 1 data shard(s) do not match the manifest, so this release cannot be mixed: "
        "data/ga/part-00000-of-00001.parquet: checksum, sha256 "
    )
    assert str(err.value).endswith(f"`altedic inspect {out}` lists every check.")
    assert not (tmp_path / "mixed").exists()
    # a damaged rejected shard does not concern the mix (it samples kept documents only)
    shutil.copy(src / "data/ga/part-00000-of-00001.parquet", victim)
    rej = out / "rejected/part-00000-of-00001.parquet"
    rej.write_bytes(rej.read_bytes()[:100])
    assert mix(out, tmp_path / "mixed", temperature=0.5)["languages"]


@pytest.mark.parametrize(
    ("edit", "key", "message"),
    [
        (lambda m: m["shards"][0].pop("path"), "shards[0].path", "missing: every shard names its file"),
        (lambda m: m.__setitem__("shards", "x"), "shards", "must be a list of shards, not str"),
        (lambda m: m["shards"].__setitem__(0, "data/x.parquet"), "shards[0]", "must be a mapping"),
        (
            lambda m: m["shards"][1].__setitem__("path", "../../etc/passwd"),
            "shards[1].path",
            "leads out of the release",
        ),
        (lambda m: m["shards"][1].__setitem__("path", "/etc/passwd"), "shards[1].path", "leads out of the release"),
        (
            lambda m: m["shards"][1].__setitem__("path", "gs://b/x.parquet"),
            "shards[1].path",
            "leads out of the release",
        ),
        (lambda m: m["shards"][0].__setitem__("kind", "dedup"), "shards[0].kind", "'dedup' is not a shard kind"),
        (lambda m: m["shards"][0].__setitem__("rows", "3"), "shards[0].rows", "must be a whole number >= 0, not '3'"),
        (
            lambda m: m["shards"][0].__setitem__("bytes", True),
            "shards[0].bytes",
            "must be a whole number >= 0, not True",
        ),
        (
            lambda m: m["shards"][0].__setitem__("sha256", "abc"),
            "shards[0].sha256",
            "must be 64 lower-case hexadecimal",
        ),
        (lambda m: m["shards"][0].__setitem__("lang", 7), "shards[0].lang", "must be a language code, not int"),
        (lambda m: m.__setitem__("sources", []), "sources", "must be a mapping, not list"),
        (lambda m: m.__setitem__("release_files", []), "release_files", "must be a mapping of file names, not list"),
        (
            lambda m: m["release_files"].__setitem__("../x", {"bytes": 1}),
            "release_files.../x",
            "leads out of the release",
        ),
        (
            lambda m: m["release_files"]["stats.json"].__setitem__("sha256", "x"),
            "release_files.stats.json.sha256",
            "must be 64 lower-case hexadecimal",
        ),
        (
            lambda m: m.__setitem__("dedup_files", [{"path": "/etc/passwd", "bytes": 1}]),
            "dedup_files[0].path",
            "leads out of the release",
        ),
    ],
)
def test_a_damaged_manifest_is_a_config_error_naming_the_key(
    tmp_path: Path, release: tuple[Path, dict[str, Any]], edit: Any, key: str, message: str
) -> None:
    """inspect, mix and summary read the manifest the same way; each of these was a KeyError,
    TypeError or AttributeError traceback, and a shard path out of the release was read."""
    src, manifest = release
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    damaged = json.loads(json.dumps(manifest))
    edit(damaged)
    (out / "manifest.json").write_text(json.dumps(damaged), encoding="utf-8")
    for call in (
        lambda: load_manifest(out),
        lambda: mix(out, tmp_path / "mixed", temperature=0.5),
        lambda: summary_from_release(out),
    ):
        with pytest.raises(ConfigError) as err:
            call()
        assert (err.value.file, err.value.key) == (str(out / "manifest.json"), key)
        assert message in str(err.value)


def test_summary_reads_a_broken_stats_file_as_a_config_error(
    tmp_path: Path, release: tuple[Path, dict[str, Any]]
) -> None:
    src, _ = release
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    (out / "stats.json").write_text("[1]", encoding="utf-8")
    with pytest.raises(RunError) as err:  # checked against the manifest first
        summary_from_release(out)
    assert str(err.value).startswith(f"{out / 'stats.json'}: does not match the manifest (sha256 ")
    with pytest.raises(ConfigError) as err:  # read as it is (inspect)
        load_stats(out, load_manifest(out), verify=False)
    assert str(err.value) == f"{out / 'stats.json'}: expected a JSON object, not list"
    (out / "manifest.json").write_bytes(b"\xff\xfe{}")
    with pytest.raises(ConfigError) as err:
        summary_from_release(out)
    assert str(err.value).startswith(f"{out / 'manifest.json'}: not valid JSON: 'utf-8' codec can't decode byte 0xff")


def test_rejected_by_language_finds_documents_counted_under_their_declared_or_no_language(
    tmp_path: Path, release: tuple[Path, dict[str, Any]]
) -> None:
    """`--rejected REASON --lang xx` matched the detected language only: a Dutch document refused
    for its licence (no language detected, counted under nl) and the 'und' rejections could not
    be shown, although the per-language table counts them there."""
    import pyarrow as pa

    from altedic.records import Document
    from altedic.schema import arrow_schema, to_row

    out, manifest = release
    [undetermined] = sample_rejected(out, manifest, "langid.undetermined", 5, lang="und")
    assert (undetermined["lang"], undetermined["declared_lang"]) == (None, None)

    schema = arrow_schema("rejected.v1")
    docs = [
        Document(id="nl1", text="Het verslag.", source="s", uri="u", declared_lang="nl").reject(
            "licence.non_commercial"
        ),
        Document(id="mt1", text="Ir-rapport.", source="s", uri="u", declared_lang="mt").reject(
            "licence.non_commercial"
        ),
        Document(id="it1", text="Il rapporto.", source="s", uri="u", declared_lang="nl", lang="it").reject(
            "licence.non_commercial"
        ),
    ]
    (tmp_path / "rejected").mkdir()
    pq.write_table(
        pa.Table.from_pylist([{f.name: to_row(d.to_dict()).get(f.name) for f in schema} for d in docs], schema=schema),
        tmp_path / "rejected/part-0.parquet",
    )
    small = {"shards": [{"path": "rejected/part-0.parquet", "kind": "rejected"}]}
    assert [d["id"] for d in sample_rejected(tmp_path, small, "licence.non_commercial", 5, lang="nl")] == ["nl1"]
    assert [d["id"] for d in sample_rejected(tmp_path, small, "licence.non_commercial", 5, lang="it")] == ["it1"]


def test_an_empty_mix_says_so_in_the_card_and_to_inspect(tmp_path: Path, release: tuple[Path, dict[str, Any]]) -> None:
    """Every weight 0: no data shard. The card said "holds 0 documents ... stored as Parquet
    shards" with a load_dataset example that fails, and inspect --sample printed nothing (exit 0)."""
    src, _ = release
    out = tmp_path / "empty"
    manifest = mix(src, out, weights={}, default=0.0, seed=0)
    assert [s for s in manifest["shards"] if s["kind"] == "data"] == [] and not (out / "data").exists()
    card = (out / "README.md").read_text("utf-8")
    meta = yaml.safe_load(card.split("---\n")[1])
    assert meta["language"] == []
    assert meta["configs"] == [
        {
            "config_name": "all",
            "default": True,
            "data_files": [{"split": "train", "path": "data/*/*.parquet"}],
            "columns": [f["name"] for f in load_contract("document.v1")["fields"]],
        }
    ]
    assert [c["config_name"] for c in meta["dataset_info"]] == ["all"]
    assert card.split("---\n", 2)[2].startswith(
        "\n# fixture-mix\n\n**This release is empty**: built with altedic 0.1.0 (ALT-EDIC corpus builder), it holds "
        "no document because the mix's sampling rates gave no document a copy (see `mix.rates` in `manifest.json`). "
        'It has no data shards (`data/`), so `load_dataset("path/to/this/release")` raises `DataFilesNotFoundError`. '
        "Rejected documents, if any, are in the parent release's `rejected/` with their reason codes "
        "(`altedic inspect OUT --rejected REASON`).\n\n"
    )
    assert 'load_dataset("path/to/this/release", ' not in card
    expected = (
        "at '--sample': nothing to sample: the release is empty (no kept document, no data shard); "
        f"`altedic inspect {out}` shows what was read and rejected, `--rejected REASON` shows rejected documents"
    )
    for argv in (["--sample", "3"], ["--sample", "3", "--lang", "mt"]):
        with pytest.raises(ConfigError) as err:
            _run("inspect", [str(out), *argv])
        assert str(err.value) == expected
    assert _run("inspect", [str(out)]) == 0


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("rel/data/mt/mixed", "{dst} is inside the release {src}: the mixed release would be written among"),
        ("rel", "{dst} is inside the release {src}: the mixed release would be written among"),
        ("rel/data/../mixed", "{dst} is inside the release {src}: the mixed release would be written among"),
        ("link/mixed", "{dst} is inside the release {src}: the mixed release would be written among"),
        (".", "the release {src} is inside {dst}: the mixed release would be written around its parent"),
    ],
    ids=["in-data", "same", "dot-dot", "symlink", "around"],
)
def test_mix_refuses_an_output_inside_its_parent_or_around_it(
    tmp_path: Path, release: tuple[Path, dict[str, Any]], where: str, message: str
) -> None:
    """`altedic mix REL --out REL/data/mt/mixed` wrote a release among REL's files, after
    which `altedic inspect REL` failed on files its manifest does not list."""
    src = tmp_path / "rel"
    shutil.copytree(release[0], src)
    (tmp_path / "link").symlink_to(src / "data")
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    dst = tmp_path / where
    with pytest.raises(ConfigError) as err:
        mix(src, dst, weights={"mt": 1.0}, seed=0)
    assert str(err.value).startswith("at '--out': " + message.format(src=src, dst=dst))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before
    assert all(c.ok for c in verify_shards(src, load_manifest(src)))


def test_mix_output_beside_its_parent_is_fine_and_nesting_is_decided_per_path_part(
    tmp_path: Path, release: tuple[Path, dict[str, Any]]
) -> None:
    from altedic.release.mix import _within

    src, _ = release
    # A sibling whose name starts with the parent's name is not inside it.
    beside = src.parent / (src.name + "-mixed")
    assert mix(src, beside, weights={"mt": 1.0}, default=0.0, seed=0)["mix"]["documents"]["mt"] == {
        "in": 3,
        "out": 3,
        "distinct": 3,
    }
    assert [
        _within(p, f)
        for p, f in [
            ("gs://b/rel/data/x", "gs://b/rel"),
            ("gs://b/rel/", "gs://b/rel"),
            ("gs://b/rel-mixed", "gs://b/rel"),
            ("gs://b/rel", "gs://b/rel/data"),
            ("/b/rel/x", "gs://b/rel"),
            ("file:///b/rel/x", "/b/rel"),
        ]
    ] == [True, True, False, False, False, True]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_dedup_files(out: Path) -> dict[str, Any]:
    """The release with a dedup/ folder listed in the manifest as `altedic run` lists it."""
    manifest = load_manifest(out)
    (out / "dedup").mkdir()
    (out / "dedup/params.json").write_text('{"bands": 14}\n', encoding="utf-8")
    manifest["dedup_files"] = [
        {"path": "dedup/params.json", "bytes": 14, "sha256": _sha(out / "dedup/params.json")},
    ]
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def test_inspect_checks_the_release_files_and_dedup_files_and_finds_unlisted_ones(
    tmp_path: Path, release: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the data, rejected, errors and parallel shards were checked: an appended README.md, an
    edited stats.json, a changed signature file and files added under parallel/ or dedup/ were
    "11 of 11 shards OK", exit 0."""
    src, _ = release
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    manifest = _with_dedup_files(out)
    assert _run("inspect", [str(out)]) == 0
    assert "checksums: 17 of 17 files OK" in capsys.readouterr().out  # 11 shards, 5 release files, 1 dedup file
    readme = out / "README.md"
    size = readme.stat().st_size
    with readme.open("a", encoding="utf-8") as f:
        f.write("tampered\n")
    stats_path = out / "stats.json"
    stats = json.loads(stats_path.read_text("utf-8"))
    stats["totals"]["kept"]["tokens_est"] = 10**9
    stats_text = json.dumps(stats, ensure_ascii=False, indent=1) + "\n"
    stats_path.write_text(stats_text, encoding="utf-8")
    (out / "dedup/params.json").write_text('{"bands": 15}\n', encoding="utf-8")
    (out / "parallel").mkdir()
    shutil.copy(out / "data/el/part-00000-of-00001.parquet", out / "parallel/part-00009-of-00010.parquet")
    (out / "dedup/signatures-mt-00000-of-00001.parquet").write_bytes(b"PAR1")
    assert _run("inspect", [str(out)]) == 1
    text = capsys.readouterr().out
    listed = manifest["release_files"]
    assert text.split("\n\n")[-1] == (
        "checksums: 14 of 19 files OK\n"
        f"  SIZE       README.md: {size + 9} bytes, manifest says {size}\n"
        f"  SIZE       stats.json: {len(stats_text.encode())} bytes, manifest says {listed['stats.json']['bytes']}\n"
        f"  CHECKSUM   dedup/params.json: sha256 {_sha(out / 'dedup/params.json')[:16]}…, manifest says "
        f"{manifest['dedup_files'][0]['sha256'][:16]}…\n"
        "  UNLISTED   parallel/part-00009-of-00010.parquet: Parquet file not listed in the manifest\n"
        "  UNLISTED   dedup/signatures-mt-00000-of-00001.parquet: file not listed in the manifest\n"
    )
    # the overview's figures are the shards', not the edited stats.json's
    assert "stats.json does not match the manifest: the figures below are computed from the shards" in text
    assert "tokens~ = " in text and f"{10**9:,}" not in text


def test_summary_and_mix_refuse_a_stats_file_that_does_not_match_the_manifest(
    tmp_path: Path, release: tuple[Path, dict[str, Any]]
) -> None:
    """summary published "1 billion to 10 trillion tokens" from an edited stats.json and mix took
    its temperature rates from it."""
    src, manifest = release
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    stats_path = out / "stats.json"
    stats = json.loads(stats_path.read_text("utf-8"))
    stats["languages"]["mt"]["kept"]["tokens_est"] = 10**9
    stats["totals"]["kept"]["tokens_est"] = 10**9
    stats_path.write_text(json.dumps(stats), encoding="utf-8")
    expected = (
        f"{stats_path}: does not match the manifest (sha256 {_sha(stats_path)[:16]}…, manifest says "
        f"{manifest['release_files']['stats.json']['sha256'][:16]}…): it was changed after the release was written, "
        "so its figures cannot be trusted; restore it, or delete it and the statistics are computed from the shards"
    )
    before = (out / "training-content-summary.md").read_bytes()
    for call in (lambda: summary_from_release(out), lambda: mix(out, tmp_path / "mixed", temperature=3)):
        with pytest.raises(RunError) as err:
            call()
        assert str(err.value) == expected
    assert (out / "training-content-summary.md").read_bytes() == before
    assert not (tmp_path / "mixed").exists()
    # without it, the statistics come from the shards (which mix checks first)
    stats_path.unlink()
    summary_from_release(out)
    assert (out / "training-content-summary.md").read_bytes() == before
    assert (
        mix(out, tmp_path / "mixed", temperature=3)["mix"]["rates"]
        == mix(src, tmp_path / "mixed2", temperature=3)["mix"]["rates"]
    )


def test_a_regenerated_summary_is_recorded_in_the_manifest(
    tmp_path: Path, release: tuple[Path, dict[str, Any]]
) -> None:
    """`altedic summary` rewrites the summary files after the manifest was written: when the text
    changes (a release written by an earlier altedic), the manifest's release_files follow, so the
    release still passes `altedic inspect`."""
    src, _ = release
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    manifest = load_manifest(out)
    old = out / "training-content-summary.md"
    new_text = old.read_bytes()
    old.write_bytes(b"# an earlier altedic's summary\n")
    manifest["release_files"]["training-content-summary.md"] = {"sha256": _sha(old), "bytes": old.stat().st_size}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    assert [c.path for c in verify_shards(out, manifest) if not c.ok] == []
    summary_from_release(out)
    assert old.read_bytes() == new_text
    after = load_manifest(out)
    assert after["release_files"]["training-content-summary.md"] == {"sha256": _sha(old), "bytes": len(new_text)}
    assert {k: v for k, v in after.items() if k != "release_files"} == {
        k: v for k, v in manifest.items() if k != "release_files"
    }
    assert [c.path for c in verify_shards(out, after) if not c.ok] == []


def test_a_mix_card_and_summary_say_it_is_a_mix_and_give_the_parents_processing(
    tmp_path: Path, release: tuple[Path, dict[str, Any]]
) -> None:
    """The card of a mix never said it was one (parent, rates, repeated ids), claimed "Every removed
    document is kept in rejected/" (a mix has none) and "Accounting: read 20 = kept 20 + rejected 0";
    the summary's section 3 gave the mix's own statistics ("Read 20 items: kept 20, rejected 0", no
    PII, no licence rejections) instead of the processing of what the team trains on."""
    src, _ = release
    out = tmp_path / "mixed"
    manifest = mix(src, out, weights={"mt": 3, "ga": 2.5}, seed=0)
    sha = _sha(src / "manifest.json")
    assert manifest["mix"]["documents"]["ga"] == {"in": 2, "out": 4, "distinct": 2}
    assert manifest["mix"]["processing"] == {
        "release": "fixture",
        "totals": {"read": 20, "derived": 0, "kept": {"documents": 12}, "rejected": {"documents": 6}, "errors": 2},
        "reasons": json.loads((src / "stats.json").read_text("utf-8"))["reasons"],
        "pii": json.loads((src / "stats.json").read_text("utf-8"))["pii"],
    }
    card = (out / "README.md").read_text("utf-8")
    section = card.split("## Mix\n\n")[1].split("\n\n## Languages")[0]
    assert section == (
        f"This release is a mix of the release `fixture` (its `manifest.json` has SHA-256 `{sha}`): its kept "
        "documents sampled per language with weights (ga: 2.5, mt: 3; other languages 1.0), seed 0. A language's "
        "rate is the expected number of copies of each of its documents (`floor(rate)` copies, plus one more with "
        "probability `frac(rate)`). The 20 rows are copies of 12 distinct documents: a copy keeps its document's "
        "`id`, so ids repeat; deduplicate by `id` to get the documents once. Documents the parent rejected and "
        "inputs it could not read are not part of a mix: they are in the parent release's `rejected/` and "
        "`errors/`.\n\n"
        "| language | rate | parent documents | rows | distinct documents |\n"
        "|---|---|---|---|---|\n"
        "| bg | 1 | 1 | 1 | 1 |\n| ca | 1 | 2 | 2 | 2 |\n| el | 1 | 1 | 1 | 1 |\n| eu | 1 | 1 | 1 | 1 |\n"
        "| fy | 1 | 1 | 1 | 1 |\n| ga | 2.5 | 2 | 4 | 2 |\n| lb | 1 | 1 | 1 | 1 |\n| mt | 3 | 3 | 9 | 3 |"
    )
    assert "Every removed document is kept in `rejected/`" not in card
    assert (
        "deduplicate (exact, then near duplicates) → write language-partitioned shards. The documents were "
        "processed in the release `fixture`, which this mix samples (see Mix): its removed documents are in its "
        "`rejected/` with a stable reason code and its unreadable inputs in its `errors/`; a mix has neither.\n"
    ) in card
    assert card.split("### Removed documents (by the release `fixture`)\n\n")[1].split("\n\n## Limitations")[0] == (
        "| reason | documents | per language |\n|---|---|---|\n"
        "| `dedup.exact` | 1 | ga: 1 |\n| `dedup.near` | 1 | mt: 1 |\n| `langid.undetermined` | 1 | und: 1 |\n"
        "| `quality.stop_words` | 2 | mt: 2 |\n| `quality.too_short` | 1 | ca: 1 |\n\n"
        "Accounting of `fixture`: read 20 = kept 12 + rejected 6 + errors 2. This mix: 20 rows sampled from its "
        "kept documents."
    )
    md = (out / "training-content-summary.md").read_text("utf-8")
    assert md.split("## 3. Data processing aspects\n\n")[1].split("\n\n")[0] == (
        "This release is a mix (see 3.3): the figures of this section are those of the processing of the release "
        "`fixture`, whose kept documents it samples."
    )
    lines = md.splitlines()
    assert "- Kept documents with detected personal data: 2" in lines
    assert "| email | 1 | 0 |" in lines and "| phone | 1 | 0 |" in lines
    assert "Read 20 items: kept 12, rejected 6, unreadable 2." in lines
    assert md.split("Read 20 items: kept 12, rejected 6, unreadable 2.\n\n")[1].split("\n\n", 1)[1] == (
        f"Mix: this release samples the kept documents of the release `fixture` (manifest SHA-256 `{sha}`) with "
        "weights ga: 2.5, mt: 3 (other languages 1.0), seed 0. Its 20 rows are copies of 12 distinct documents "
        "(a document repeated keeps its id).\n\n"
        "| language | rate |\n|---|---|\n| bg | 1 |\n| ca | 1 |\n| el | 1 |\n| eu | 1 |\n| fy | 1 |\n| ga | 2.5 |\n"
        "| lb | 1 |\n| mt | 3 |\n"
    )
    summary = json.loads((out / "training-content-summary.json").read_text("utf-8"))
    processing = summary["data_processing"]
    assert processing["processing_of"] == "fixture"
    assert processing["tdm_reservations"]["rejected_documents_by_reason"] == {}
    assert processing["illegal_content_and_personal_data"]["pii_matches_in_kept_documents"] == {"email": 1, "phone": 1}
    assert processing["other"]["mix"]["rows"] == 20 and processing["other"]["mix"]["distinct_documents"] == 12
    # a mix of the mix keeps the record of the release that did the processing
    again = mix(out, tmp_path / "again", temperature=2.0, seed=1)
    assert again["mix"]["processing"] == manifest["mix"]["processing"]
    assert "Accounting of `fixture`: read 20 = kept 12" in (tmp_path / "again/README.md").read_text("utf-8")


def test_the_summary_of_a_mix_without_its_parents_processing_says_the_figures_are_its_own(
    tmp_path: Path, release: tuple[Path, dict[str, Any]]
) -> None:
    """A mix made by an earlier altedic has no ``mix.processing``: section 3 said its figures were
    the processing of the release named like the mix itself, and then gave the mix's own."""
    from altedic.release.summary import build_summary, render_summary_md

    src, _ = release
    out = tmp_path / "mixed"
    manifest = mix(src, out, weights={"mt": 3}, seed=0)
    del manifest["mix"]["processing"]
    stats = json.loads((out / "stats.json").read_text("utf-8"))
    summary = build_summary(manifest, stats)
    assert summary["data_processing"]["mix_without_processing"] == "fixture"
    md = render_summary_md(summary)
    assert md.split("## 3. Data processing aspects\n\n")[1].split("\n\n")[0] == (
        "This release is a mix (see 3.3) made by an earlier altedic, which did not record the processing of its "
        "parent `fixture`: the figures of this section are the mix's own (its documents; mixing rejects none). "
        "The parent's summary gives its processing."
    )


def _layout(path: Path) -> tuple[set[str], list[int]]:
    meta = pq.ParquetFile(path).metadata
    groups = [meta.row_group(i) for i in range(meta.num_row_groups)]
    codecs = {g.column(c).compression for g in groups for c in range(g.num_columns)}
    return codecs, [g.num_rows for g in groups]


def test_mixed_shards_are_written_like_the_runs_shards(tmp_path: Path, release: tuple[Path, dict[str, Any]]) -> None:
    """Mixed shards were Snappy (pyarrow's default) with one row group per parent shard: the
    compression and row-group size of the parent's recipe (output.compression, output.row_group_rows,
    as `altedic run` writes its shards) did not apply."""
    src, _ = release
    mix(src, tmp_path / "m1", weights={"mt": 3}, default=0.0, seed=0)
    # mt: 2 + 1 documents in two parent shards, 3 copies each
    assert _layout(tmp_path / "m1/data/mt/part-00000-of-00001.parquet") == ({"ZSTD"}, [9])
    out = tmp_path / "copy"
    shutil.copytree(src, out)
    manifest = load_manifest(out)
    manifest["recipe"]["output"] = {"path": "out", "compression": "gzip", "row_group_rows": 4}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    mix(out, tmp_path / "m2", weights={"mt": 3}, default=0.0, seed=0, max_rows_per_shard=6)
    assert _layout(tmp_path / "m2/data/mt/part-00000-of-00002.parquet") == ({"GZIP"}, [4, 2])
    assert _layout(tmp_path / "m2/data/mt/part-00001-of-00002.parquet") == ({"GZIP"}, [3])
