"""An output on a non-local file system (a bucket): every write and read of the run goes through
Beam's FileSystems, and the release is the same as on a local disk.

The "bucket" is a test file system registered with Beam under the scheme ``altedictest://``,
backed by a temporary folder, with an object store's semantics (tests/fakefs.py: only files
exist, a folder is a prefix, deleting one needs a trailing ``/``); altedic sees only the URI
(``fsutil.is_local`` is false), so the code paths are those of ``gs://`` or ``s3://`` without a
network.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakefs import HdfsLikeFileSystem, ObjectStoreFileSystem, OptionsFileSystem

from altedic import fsutil
from altedic.errors import ConfigError, RunError

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "pipelines" / "demo.yaml"
SCHEME = "altedictest"


@pytest.fixture
def bucket(tmp_path: Path) -> Iterator[Path]:
    backing = tmp_path / "bucket"
    backing.mkdir()
    ObjectStoreFileSystem.BACKING = str(backing)
    ObjectStoreFileSystem.touched = []
    ObjectStoreFileSystem.opened = []
    yield backing
    ObjectStoreFileSystem.BACKING = ""


def test_fsutil_on_a_remote_uri(bucket: Path) -> None:
    base = f"{SCHEME}://rel"
    assert not fsutil.is_local(base)
    path = fsutil.join(base, "a", "b.json")
    assert path == f"{SCHEME}://rel/a/b.json"
    with fsutil.create(path) as f:
        f.write(b"one")
    assert fsutil.exists(path) and (bucket / "rel" / "a" / "b.json").read_bytes() == b"one"
    fsutil.write_bytes(path, b"two")  # atomic replace through a temporary name
    assert fsutil.read_bytes(path) == b"two"
    with fsutil.open_read(path) as f:
        assert f.read() == b"two"
    fsutil.move(path, fsutil.join(base, "c.json"))
    assert fsutil.list_files(base) == ["c.json"]
    fsutil.delete_tree(fsutil.join(base, "c.json"))
    assert fsutil.list_files(base) == [] and not fsutil.exists(fsutil.join(base, "c.json"))
    assert ObjectStoreFileSystem.touched  # the calls went through Beam's FileSystems


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_folders_in_a_bucket_exist_by_their_files_and_are_deleted_with_them(bucket: Path) -> None:
    """An object store has no folders: a "folder" exists when a file lies under its prefix, and
    deleting it deletes every file under ``prefix/`` (not the neighbour whose name merely starts
    the same). ``exists`` called every folder missing and ``delete_tree`` left them in place."""
    base = f"{SCHEME}://tree"
    for rel in ("a/x.json", "a/b/y.json", "ab.json", "c/z.json"):
        fsutil.write_bytes(fsutil.join(base, rel), b"{}")
    assert [fsutil.exists(fsutil.join(base, p)) for p in ("a", "a/b", "a/b/y.json", "ab.json", "b", "a/x")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert fsutil.exists(base)
    fsutil.delete_tree(fsutil.join(base, "a"))
    assert fsutil.list_files(base) == ["ab.json", "c/z.json"] and not fsutil.exists(fsutil.join(base, "a"))
    fsutil.delete_tree(fsutil.join(base, "ab.json"))
    fsutil.delete_tree(fsutil.join(base, "nothing"))  # nothing to delete: no error
    assert fsutil.list_files(base) == ["c/z.json"]
    fsutil.delete_tree(base)
    assert fsutil.list_files(base) == [] and not fsutil.exists(base) and _files(bucket) == []


def test_a_release_written_to_a_bucket_equals_the_local_one(bucket: Path, demo_release: Path) -> None:
    from altedic.run import run

    result = run(str(DEMO), out=f"{SCHEME}://releases/demo", workers=1)
    out = bucket / "releases" / "demo"
    assert (out / "_SUCCESS").exists() and not (out / "_staging").exists()
    local = json.loads((demo_release / "manifest.json").read_text(encoding="utf-8"))
    remote = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert remote["shards"] == local["shards"] and remote["accounting"] == local["accounting"]
    assert remote["dedup_files"] == local["dedup_files"] and remote["accounting"]["ok"]
    for shard in local["shards"]:
        assert (out / shard["path"]).read_bytes() == (demo_release / shard["path"]).read_bytes()
    assert sorted(p.name for p in (out / "dedup").iterdir()) == sorted(
        p.name for p in (demo_release / "dedup").iterdir()
    )
    assert result.manifest["shards"] == remote["shards"]
    # Spill chunks, shards and the manifest all went through the bucket's file system.
    touched = ObjectStoreFileSystem.touched
    assert any("/_spill/" in u for u in touched) and any(u.endswith("manifest.json") for u in touched)


def test_overwrite_in_a_bucket_leaves_no_stale_file(bucket: Path, demo_release: Path) -> None:
    """``--overwrite`` of a release in a bucket: the old release's data, rejected and dedup
    files are removed before the new ones are moved in (a stale shard of a language the new
    release does not have stayed, and so did the old staging folder)."""
    from altedic.run import run

    uri = f"{SCHEME}://releases/demo"
    run(str(DEMO), out=uri, workers=1)
    out = bucket / "releases" / "demo"
    stale = ["data/xx/part-00000-of-00001.parquet", "rejected/xx/part-00000-of-00001.parquet"]
    stale += ["dedup/signatures-xx-00000-of-00001.parquet", "_staging/data/xx/part-00000-of-00001.parquet"]
    # a writer killed between writing and renaming leaves NAME.altedic-tmp-<hex> (random names that
    # no run overwrote and no listing showed: those at the top stayed in the published release)
    stale += ["manifest.json.altedic-tmp-deadbeef", "README.md.altedic-tmp-00ff"]
    for rel in stale:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"stale")
    with pytest.raises(RunError, match="finished release"):
        run(str(DEMO), out=uri, workers=1)
    result = run(str(DEMO), out=uri, workers=1, overwrite=True)
    assert _files(out) == _files(demo_release)
    assert result.manifest["shards"] == json.loads((demo_release / "manifest.json").read_bytes())["shards"]


def test_a_crashed_writers_temporary_files_are_deleted_by_the_next_run_on_local_disk(
    tmp_path: Path, demo_release: Path
) -> None:
    """The same on local disk: ``--overwrite`` deletes the ``.altedic-tmp-`` files a killed writer
    left at the top of the output (those under data/ went with the folder already)."""
    import shutil

    from altedic.run import run

    out = tmp_path / "demo"
    shutil.copytree(demo_release, out)
    for rel in ("manifest.json.altedic-tmp-deadbeef", "_SUCCESS.altedic-tmp-01", "data/ga/x.parquet.altedic-tmp-02"):
        (out / rel).write_bytes(b"partial")
    run(str(DEMO), out=str(out), workers=1, overwrite=True)
    assert _files(out) == _files(demo_release)


def test_leftovers_of_a_crashed_run_in_a_bucket_do_not_feed_the_next_run(bucket: Path, demo_release: Path) -> None:
    """A crashed run's staging folder in a bucket (a shard, its sidecar and statistics, a spill
    chunk, no ``_SUCCESS``) is cleared by the next run: none of it is counted or published."""
    from altedic.run import run

    out = bucket / "releases" / "demo"
    leftovers = {
        "_staging/data/xx/part-00000-of-00001.parquet": b"old",
        "_staging/_shards/data__xx__part-00000-of-00001.parquet.json": json.dumps(
            {"path": "data/xx/part-00000-of-00001.parquet", "kind": "data", "lang": "xx", "rows": 1, "bytes": 3}
        ).encode(),
        "_staging/_stats/data__xx__part-00000-of-00001.parquet.json": b"{}",
        "_staging/_spill/cand-0123.parquet": b"old",
        "_staging/_counts.json": b"[]",
    }
    for rel, data in leftovers.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    result = run(str(DEMO), out=f"{SCHEME}://releases/demo", workers=1)
    local = json.loads((demo_release / "manifest.json").read_bytes())
    assert result.manifest["shards"] == local["shards"] and result.manifest["accounting"] == local["accounting"]
    assert _files(out) == _files(demo_release)


def test_inputs_read_from_a_bucket(bucket: Path, demo_release: Path, tmp_path: Path) -> None:
    """The demo's input files in the bucket, the recipe naming them by URI: the same documents
    are kept (same ids: relative ids come from the part of the URI after its fixed prefix) and
    rejected, for the same reasons; only the stored ``uri`` differs."""
    import shutil

    import pyarrow.parquet as pq

    from altedic.run import run

    shutil.copytree(ROOT / "pipelines" / "demo", bucket / "in")
    text = DEMO.read_text(encoding="utf-8")
    for rel in ("demo/web-news.jsonl", "demo/portal-export.csv", "demo/legal/*.txt"):
        assert f"paths: {rel}" in text
        text = text.replace(f"paths: {rel}", f"paths: {SCHEME}://in/{rel[len('demo/') :]}")
    recipe = tmp_path / "bucket.yaml"
    recipe.write_text(text, encoding="utf-8")
    ObjectStoreFileSystem.touched = []
    run(str(recipe), out=f"{SCHEME}://releases/from-bucket", workers=1)
    out = bucket / "releases" / "from-bucket"
    assert any(u.startswith(f"{SCHEME}://in/legal/") for u in ObjectStoreFileSystem.touched)

    def rows(root: Path, kind: str, cols: tuple[str, ...] = ("id", "source", "lang")) -> list[tuple[str, ...]]:
        cols += ("reason",) if kind == "rejected" else ()
        return sorted(
            tuple(str(r[c]) for c in cols)
            for f in sorted((root / kind).rglob("*.parquet"))
            for r in pq.read_table(f, columns=list(cols)).to_pylist()
        )

    for kind in ("data", "rejected"):
        assert rows(out, kind) == rows(demo_release, kind) and rows(out, kind)
    uris = {u for (u,) in rows(out, "data", ("uri",))}
    assert uris and all(u.startswith(f"{SCHEME}://in/") for u in uris)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["accounting"]["ok"]


def test_local_processes_get_the_runs_beam_arguments() -> None:
    """With ``--workers N`` on the in-process runner, the local worker processes set Beam's file
    systems up with the run's Beam arguments (a bucket's region or credentials given after
    ``--``) when they first open a URI, as the runner process does through its pipeline."""
    import subprocess
    import sys

    from altedic.beam import localworker
    from altedic.fsutil import BEAM_ARGS_ENV

    args = ["--s3_region_name=eu-west-1"]
    localworker.configure(args)
    try:
        env = localworker._child_env()
    finally:
        localworker.configure([])
    assert json.loads(env[BEAM_ARGS_ENV]) == args
    assert BEAM_ARGS_ENV not in localworker._child_env()
    code = (
        "from altedic import fsutil\n"
        "from apache_beam.options.pipeline_options import S3Options\n"
        "options = fsutil.filesystems()._pipeline_options\n"
        "print('none' if options is None else options.view_as(S3Options).s3_region_name)\n"
    )
    # With them, the first file-system use sets them up; without them, Beam's default options
    # (set all the same: S3's file system cannot be built without options)
    for environment, expected in ((env, "eu-west-1"), (localworker._child_env(), "None")):
        proc = subprocess.run(
            [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=120, check=False
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip().splitlines()[-1] == expected


def test_inspect_a_release_in_a_bucket(bucket: Path, demo_release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``altedic inspect`` on a release that lies in a bucket (as a Dataflow job leaves it): the
    same overview, checksum verdicts and samples as on the local copy, and tampering is found."""
    import argparse
    import shutil

    from altedic.commands import inspect as inspect_cmd
    from altedic.release import inspect as ri

    shutil.copytree(demo_release, bucket / "rel")
    uri = f"{SCHEME}://rel"
    local = ri.load_manifest(demo_release)
    ObjectStoreFileSystem.touched = []
    manifest = ri.load_manifest(uri)
    assert manifest == local and ObjectStoreFileSystem.touched
    checks = ri.verify_shards(uri, manifest)
    assert checks == ri.verify_shards(demo_release, local) and checks and all(c.ok for c in checks)
    assert ri.load_stats(uri, manifest) == ri.load_stats(demo_release, local)
    (bucket / "rel" / "stats.json").unlink()  # then the statistics are computed from the shards
    assert ri.load_stats(uri, manifest) == ri.load_stats(demo_release, local)
    shutil.copy(demo_release / "stats.json", bucket / "rel" / "stats.json")
    assert ri.sample_documents(uri, manifest, None, 3, seed=1) == ri.sample_documents(demo_release, local, None, 3, 1)
    reason = next(r for lg in manifest["languages"].values() for r in lg["rejected"])
    got = ri.sample_rejected(uri, manifest, reason, 2)
    assert got and got == ri.sample_rejected(demo_release, local, reason, 2)

    args = argparse.Namespace(out=uri, sample=0, lang=None, rejected=None, seed=0, no_verify=False, width=100)
    assert inspect_cmd.run(args) == 0
    assert "checksums: " in capsys.readouterr().out

    data = [s["path"] for s in manifest["shards"] if s["kind"] == "data"]
    with open(bucket / "rel" / data[0], "ab") as f:
        f.write(b"x")
    (bucket / "rel" / data[1]).unlink()
    shutil.copy(demo_release / data[1], bucket / "rel" / "data" / "stray.parquet")
    status = {c.path: c.status for c in ri.verify_shards(uri, manifest) if not c.ok}
    assert status == {data[0]: "size", data[1]: "missing", "data/stray.parquet": "unlisted"}
    assert inspect_cmd.run(args) == 1
    with pytest.raises(ConfigError, match=r"no manifest\.json"):
        ri.load_manifest(f"{SCHEME}://nothing-here")


def test_mix_from_and_to_a_bucket(bucket: Path, demo_release: Path, tmp_path: Path) -> None:
    """``altedic mix`` reads a release in a bucket and writes the mixed one to a bucket: the
    same shards, byte for byte, as the local mix of the local copy, and a release ``inspect``
    verifies."""
    import shutil

    from altedic.release import inspect as ri
    from altedic.release.mix import mix

    shutil.copytree(demo_release, bucket / "rel")
    weights = {"mt": 3.0, "ga": 2.0}
    local = mix(demo_release, tmp_path / "mixed", weights=weights, seed=3, max_rows_per_shard=2)
    ObjectStoreFileSystem.touched = []
    remote = mix(f"{SCHEME}://rel", f"{SCHEME}://mixed", weights=weights, seed=3, max_rows_per_shard=2)
    assert any(u.startswith(f"{SCHEME}://mixed/data/") for u in ObjectStoreFileSystem.touched)
    assert remote["shards"] == local["shards"] and len(remote["shards"]) > 2
    for shard in local["shards"]:
        assert (bucket / "mixed" / shard["path"]).read_bytes() == (tmp_path / "mixed" / shard["path"]).read_bytes()
    assert (bucket / "mixed" / "_SUCCESS").exists() and (bucket / "mixed" / "stats.json").exists()
    assert all(c.ok for c in ri.verify_shards(f"{SCHEME}://mixed", ri.load_manifest(f"{SCHEME}://mixed")))
    with pytest.raises(RunError, match="not empty"):
        mix(f"{SCHEME}://rel", f"{SCHEME}://mixed", weights=weights)


def test_tdm_reservations_of_inputs_in_a_bucket(bucket: Path, tmp_path: Path) -> None:
    """A TDMRep file and an HTML meta reservation in a bucket are read through Beam's file
    systems, on the files the run lists: the check skipped every URI before, and both sources
    were read."""
    from altedic.recipe import load_recipe
    from altedic.run import plan_sources

    site = bucket / "in" / "site"
    (site / ".well-known").mkdir(parents=True)
    (site / "priv").mkdir()
    (site / ".well-known" / "tdmrep.json").write_text('[{"location": "/priv/*", "tdm-reservation": 1}]')
    (site / "a.jsonl").write_text('{"id": "a", "text": "Free text."}\n')
    (site / "priv" / "b.jsonl").write_text('{"id": "b", "text": "Reserved text."}\n')
    (bucket / "in" / "html" / "sub").mkdir(parents=True)
    (bucket / "in" / "html" / "ok.html").write_text("<html><body><p>Free.</p></body></html>")
    (bucket / "in" / "html" / "sub" / "r.html").write_text(
        '<html><head><meta name="tdm-reservation" content="1"></head><body><p>Reserved.</p></body></html>'
    )
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "version: 1\nname: remote-tdm\nsources:\n"
        f"  - {{name: site, format: jsonl, paths: '{SCHEME}://in/site/**.jsonl', licence: CC-BY-4.0}}\n"
        f"  - {{name: html, format: eurlex_html, paths: '{SCHEME}://in/html/**.html', licence: CC-BY-4.0}}\n"
        f"  - {{name: free, format: eurlex_html, paths: '{SCHEME}://in/html/*.html', licence: CC-BY-4.0}}\n"
        "output: {path: out}\n",
        encoding="utf-8",
    )
    plan = plan_sources(load_recipe(recipe))
    assert [(r.name, r.reason, r.detail) for r in plan.refused] == [
        (
            "site",
            "licence.tdm_reserved",
            "tdm-reservation 1 applies to 1 of 2 files (first: priv/b.jsonl, rule location '/priv/*')",
        ),
        ("html", "licence.tdm_reserved", "HTML meta tdm-reservation=1 in sub/r.html"),
    ]
    assert [(plan.infos[t.source].name, t.uri, t.rel) for t in plan.tasks] == [
        ("free", f"{SCHEME}://in/html/ok.html", "ok.html")
    ]


@pytest.fixture
def fresh_beam(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beam's file systems as in a new process: no pipeline options yet (a Pipeline object sets
    them; S3FileSystem, as tests/fakefs.py's ``altedicopts://``, cannot work without them)."""
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.options.value_provider import RuntimeValueProvider

    monkeypatch.setattr(FileSystems, "_pipeline_options", None)
    monkeypatch.setattr(RuntimeValueProvider, "runtime_options", None)
    monkeypatch.setattr(fsutil, "_configured", False)
    monkeypatch.setattr(fsutil, "_beam_args", None)
    OptionsFileSystem.regions = []


def _demo_recipe_reading(scheme: str, bucket: Path, tmp_path: Path) -> Path:
    """The demo recipe with its input files in the bucket, named by ``scheme://in/...``."""
    import shutil

    shutil.copytree(ROOT / "pipelines" / "demo", bucket / "in")
    text = DEMO.read_text(encoding="utf-8")
    for rel in ("demo/web-news.jsonl", "demo/portal-export.csv", "demo/legal/*.txt"):
        text = text.replace(f"paths: {rel}", f"paths: {scheme}://in/{rel[len('demo/') :]}")
    recipe = tmp_path / f"{scheme}.yaml"
    recipe.write_text(text, encoding="utf-8")
    return recipe


def test_inputs_on_a_store_that_needs_options_are_listed_with_the_runs_options(
    bucket: Path, demo_release: Path, tmp_path: Path, fresh_beam: None
) -> None:
    """The input files are listed on the driver before the pipeline exists: Beam's file systems
    had no options then, and S3's cannot be built without (``ValueError: Must provide one of
    client or options``, reported as "cannot list"). The run's Beam arguments are set up first."""
    from altedic.run import run

    recipe = _demo_recipe_reading("altedicopts", bucket, tmp_path)
    result = run(str(recipe), out=str(tmp_path / "out"), workers=1, beam_args=["--s3_region_name=eu-west-1"])
    local = json.loads((demo_release / "manifest.json").read_bytes())
    assert result.manifest["accounting"]["per_source"] == local["accounting"]["per_source"]
    assert OptionsFileSystem.regions and set(OptionsFileSystem.regions) == {"eu-west-1"}


@pytest.mark.parametrize("beam_args", [["--s3_region_name=eu-west-1"], []])
def test_commands_open_a_store_that_needs_options(
    bucket: Path, demo_release: Path, tmp_path: Path, fresh_beam: None, beam_args: list[str]
) -> None:
    """``validate``, ``inspect`` and ``mix`` on ``s3://``-like paths, with the file systems' options
    after ``--`` (or Beam's defaults without any): they failed with the ValueError above."""
    import shutil

    from altedic.cli import main

    shutil.copytree(demo_release, bucket / "rel")
    recipe = _demo_recipe_reading("altedicopts", bucket, tmp_path)
    weights = tmp_path / "weights.yaml"
    weights.write_text("weights: {mt: 3, ga: 2}\n", encoding="utf-8")
    extra = ["--", *beam_args] if beam_args else []
    assert main(["validate", str(recipe), *extra]) == 0
    assert main(["inspect", "altedicopts://rel", *extra]) == 0
    assert main(["mix", "altedicopts://rel", "--out", "altedicopts://mixed", "--weights", str(weights), *extra]) == 0
    assert (bucket / "mixed" / "_SUCCESS").exists()
    assert OptionsFileSystem.regions and set(OptionsFileSystem.regions) == {
        beam_args[0].split("=")[1] if beam_args else None
    }


TINY_MODEL = ROOT / "tests" / "fixtures" / "lid_models" / "tiny-softmax.ftz"


def _model_recipe(folder: Path, model: str) -> Path:
    """A recipe in ``folder`` reading the demo's news with the language model ``model``."""
    folder.mkdir(parents=True, exist_ok=True)
    recipe = folder / "model.yaml"
    recipe.write_text(
        "version: 1\nname: model-path\nsources:\n"
        f"  - {{name: news, format: jsonl, paths: '{ROOT}/pipelines/demo/web-news.jsonl', licence: CC-BY-4.0,"
        " options: {columns: {text: text, id: id, lang: lang}}}\n"
        f"stages:\n  langid: {{model: '{model}'}}\n  dedup: {{enabled: false}}\noutput: {{path: out}}\n",
        encoding="utf-8",
    )
    return recipe


def test_a_model_on_a_uri_is_copied_once_per_process(
    bucket: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``stages.langid.model`` as a URI (docs: "a gs:// URI, copied to local disk once per
    worker"): the model is copied once per process, whatever the number of stage instances, and
    predicts as the local file does. It was opened as a local path (``model file not found``)."""
    import shutil

    from altedic.langid import model as model_module
    from altedic.langid.model import LidModel

    monkeypatch.setattr(fsutil, "_copies", {}, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))  # where the copies go
    (tmp_path / "temp").mkdir()
    monkeypatch.setattr(model_module, "_CACHE", {})  # models loaded by earlier tests (by URI too)
    (bucket / "models").mkdir()
    shutil.copy(TINY_MODEL, bucket / "models" / "tiny.ftz")
    uri = f"{SCHEME}://models/tiny.ftz"
    texts = ["qu xa wy zo qu xa", "hello world"]
    local = LidModel(str(TINY_MODEL))
    local.load()
    for backend in ("kernel", "fasttext"):
        model = LidModel(uri, backend=backend)
        model.load()
        assert model.predict(texts, k=2) == local.predict(texts, k=2)
        assert model.languages() == local.languages() == {"bs", "et", "hr", "lv", "nb", "xyz"}
    assert ObjectStoreFileSystem.opened == [uri]
    copy = fsutil._copies[uri]
    assert Path(copy).read_bytes() == TINY_MODEL.read_bytes() and copy.startswith(str(tmp_path / "temp"))


def test_a_model_path_relative_to_the_recipe_or_a_uri_gives_the_same_release(
    bucket: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative ``stages.langid.model`` is resolved against the recipe's folder (as its
    sources are), not the directory the run starts in; a URI is read on the workers. The two
    runs write the same shards."""
    import shutil

    from altedic.langid import model as model_module
    from altedic.recipe import load_recipe
    from altedic.run import run

    monkeypatch.setattr(fsutil, "_copies", {}, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))  # where the copies go
    (tmp_path / "temp").mkdir()
    monkeypatch.setattr(model_module, "_CACHE", {})  # models loaded by earlier tests (by URI too)
    monkeypatch.chdir(tmp_path)  # not the recipe's folder
    (tmp_path / "r" / "models").mkdir(parents=True)
    shutil.copy(TINY_MODEL, tmp_path / "r" / "models" / "tiny.ftz")
    recipe = _model_recipe(tmp_path / "r", "models/tiny.ftz")
    loaded = load_recipe(recipe)
    assert loaded.stages["langid"]["model"] == str(tmp_path / "r" / "models" / "tiny.ftz")
    assert loaded.resolved()["stages"]["langid"]["model"] == str(tmp_path / "r" / "models" / "tiny.ftz")
    by_path = run(str(recipe), out=str(tmp_path / "by-path"), workers=1).manifest
    (bucket / "models").mkdir()
    shutil.copy(TINY_MODEL, bucket / "models" / "tiny.ftz")
    uri = f"{SCHEME}://models/tiny.ftz"
    by_uri = run(str(_model_recipe(tmp_path / "u", uri)), out=str(tmp_path / "by-uri"), workers=1).manifest
    assert ObjectStoreFileSystem.opened == [uri]
    assert by_uri["shards"] == by_path["shards"] and by_uri["accounting"] == by_path["accounting"]
    # the tiny model decided (lid.176 rejects the demo's mislabelled record as langid.mismatch)
    assert by_path["accounting"]["per_source"]["news"] == {
        "read": 21,
        "derived": 0,
        "kept": 18,
        "rejected": {"quality.alpha_words": 1, "quality.too_few_words": 1},
        "errors": 1,
        "declared_mismatch": 0,
        "ok": True,
    }


@pytest.mark.parametrize("model", ["models/none.ftz", f"{SCHEME}://models/none.ftz"])
def test_a_missing_model_is_refused_on_the_driver_before_the_output_is_touched(
    bucket: Path, tmp_path: Path, model: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model file that does not exist is a ConfigError naming the key, from ``validate`` and
    from ``run`` before the output is touched (a finished release there keeps its
    ``_SUCCESS``). It was found missing only on the workers, once the pipeline ran."""
    from altedic.cli import main
    from altedic.run import run

    recipe = _model_recipe(tmp_path / "r", model)
    out = tmp_path / "out"
    out.mkdir()
    (out / "_SUCCESS").write_bytes(b"")
    (out / "manifest.json").write_bytes(b"{}")
    shown = model if "://" in model else str(tmp_path / "r" / model)
    with pytest.raises(ConfigError) as caught:
        run(str(recipe), out=str(out), workers=1, overwrite=True)
    assert caught.value.key == "stages.langid.model" and caught.value.file == str(recipe)
    assert f"model file not found: {shown}" in str(caught.value)
    assert sorted(p.name for p in out.iterdir()) == ["_SUCCESS", "manifest.json"]
    assert main(["validate", str(recipe)]) == 2
    assert f"model file not found: {shown}" in capsys.readouterr().err


def test_writes_retried_on_a_file_system_that_refuses_to_overwrite(bucket: Path, demo_release: Path) -> None:
    """On HDFS (Beam's ``HdfsUploader``: "Path already exists") a file is never created over an
    existing one. The shards, their records and statistics, the signature files and the counts
    have fixed names, so a retried bundle failed for ever; they are now written under a
    temporary name and renamed into place, replacing the file of a previous attempt."""
    import hashlib
    import io

    import pyarrow.parquet as pq
    from apache_beam.io.filesystem import BeamIOError

    from altedic.beam.nodes import write_signature_file
    from altedic.beam.steps import WriteSettings, write_shard_table
    from altedic.beam.transforms import _WriteJsonFn

    assert HdfsLikeFileSystem.scheme() == "altedichdfs"
    staging = "altedichdfs://out/_staging"
    with fsutil.create(fsutil.join(staging, "taken")) as f:
        f.write(b"x")
    with pytest.raises(BeamIOError, match="already exists"):  # the file system is as strict as HDFS
        fsutil.create(fsutil.join(staging, "taken"))
    shard = next(s for s in json.loads((demo_release / "manifest.json").read_bytes())["shards"] if s["kind"] == "data")
    table = pq.read_table(demo_release / shard["path"])
    settings = WriteSettings(staging=staging, shard_bytes=2**20)
    first = write_shard_table(settings, "data", "mt", 0, 1, table)
    again = write_shard_table(settings, "data", "mt", 0, 1, table)  # the bundle retried
    assert again == first
    sig = write_signature_file(fsutil.join(staging, "dedup"), "signatures-mt-00000-of-00001.parquet", table)
    assert write_signature_file(fsutil.join(staging, "dedup"), "signatures-mt-00000-of-00001.parquet", table) == sig
    counts = fsutil.join(staging, "_counts.json")
    items = [(("read", "news"), 3)]
    assert list(_WriteJsonFn(counts).process(items)) == list(_WriteJsonFn(counts).process(items)) == [counts]
    fsutil.write_bytes(fsutil.join(staging, "manifest.json"), b"{}")
    fsutil.write_bytes(fsutil.join(staging, "manifest.json"), b"{ }")
    assert fsutil.list_files(staging) == [
        "_counts.json",
        "_shards/data__mt__part-00000-of-00001.parquet.json",
        "_stats/data__mt__part-00000-of-00001.parquet.json",
        "data/mt/part-00000-of-00001.parquet",
        "dedup/signatures-mt-00000-of-00001.parquet",
        "manifest.json",
        "taken",
    ]
    assert _files(bucket / "out" / "_staging") == fsutil.list_files(staging)  # no temporary file left
    written = fsutil.read_bytes(fsutil.join(staging, "data/mt/part-00000-of-00001.parquet"))
    assert hashlib.sha256(written).hexdigest() == first["sha256"] and len(written) == first["bytes"]
    assert pq.read_table(io.BytesIO(written)).equals(table)
    assert json.loads(fsutil.read_bytes(counts)) == [["read", "news", 3]]
    assert fsutil.read_bytes(fsutil.join(staging, "manifest.json")) == b"{ }"


def test_summary_of_a_release_in_a_bucket(
    bucket: Path, demo_release: Path, capsys: pytest.CaptureFixture[str], fresh_beam: None
) -> None:
    """``altedic summary`` on a URI writes the same summary as on the local copy, next to the
    manifest in the bucket (``Path`` made ``altedictest://rel`` into ``altedictest:/rel``)."""
    import shutil

    from altedic.cli import main

    shutil.copytree(demo_release, bucket / "rel")
    names = ("training-content-summary.json", "training-content-summary.md")
    for name in names:
        (bucket / "rel" / name).unlink()
    assert main(["summary", f"{SCHEME}://rel", "--", "--s3_region_name=eu-west-1"]) == 0
    assert capsys.readouterr().out == "".join(f"wrote {SCHEME}://rel/{name}\n" for name in names)
    for name in names:
        assert (bucket / "rel" / name).read_bytes() == (demo_release / name).read_bytes()
    assert _files(bucket / "rel") == _files(demo_release)
