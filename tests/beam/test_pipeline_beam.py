"""The Beam skin on the in-process runner: exact outputs of read, decide and write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from altedic.beam.spill import SpillWriter
from altedic.beam.transforms import FileTask, ProcessSources, WriteDocumentShards, WriteSettings
from altedic.readers.base import SourceInfo
from altedic.records import Document, doc_id
from altedic.schema import arrow_schema, kv_to_dict
from altedic.stages import StageConfig

DOCS = [
    ("mt", "Il-Kummissjoni Ewropea ppubblikat rapport ġdid dwar l-ilma."),
    ("ga", "D'fhoilsigh an Coimisiún tuarascáil nua inniu."),
    ("el", "Η Επιτροπή δημοσίευσε νέα έκθεση σήμερα."),
    (None, "Text without a declared language."),
    ("bg", "   "),
]


def _input(tmp_path: Path) -> Path:
    p = tmp_path / "in.jsonl"
    lines = [json.dumps({"text": t, **({"lang": lang} if lang else {})}, ensure_ascii=False) for lang, t in DOCS]
    p.write_text("\n".join([*lines, "{not json"]) + "\n", encoding="utf-8")
    return p


def _inputs(tmp_path: Path, n: int) -> list[Path]:
    """``n`` input files like :func:`_input`, with different texts (so different document ids)."""
    paths = []
    for k in range(n):
        p = tmp_path / f"in{k}.jsonl"
        p.write_text(_input(tmp_path).read_text(encoding="utf-8").replace("heddiet", f"h{k}"), encoding="utf-8")
        paths.append(p)
    return paths


CFG = StageConfig(
    normalise={"min_chars": 5}, langid={"method": "declared"}, quality={"enabled": False}, pii={"enabled": False}
)


def _chunk_rows(summaries: list[dict]) -> list[dict]:
    rows = []
    for summary in summaries:
        rows.extend(pq.read_table(summary["path"]).to_pylist())
    return rows


def test_read_and_decide_exact(tmp_path: Path) -> None:
    p = _input(tmp_path)
    info = SourceInfo(name="src", format="jsonl", options={"columns": {"text": "text", "lang": "lang"}})
    expected_kept = sorted(
        (doc_id("src", f"in.jsonl#line {i + 1}", t), lang) for i, (lang, t) in enumerate(DOCS) if lang and t.strip()
    )
    spill = tmp_path / "spill"
    out = tmp_path / "out"
    with BeamTestPipeline(runner=FnApiRunner()) as p_:
        res = (
            p_ | beam.Create([FileTask(0, str(p), "in.jsonl")]) | ProcessSources([info], CFG, str(spill), batch_size=2)
        )
        _ = res["chunks"] | "Summaries" >> beam.Map(lambda s: json.dumps(s)) | beam.io.WriteToText(str(out / "chunks"))
        assert_that(
            res["errors"] | "E" >> beam.Map(lambda e: (e.position, e.kind)),
            equal_to([("line 6", "json")]),
            label="errors",
        )
        assert_that(res["counts"], equal_to([(("read", "src"), 6)]), label="counts")
    summaries = [json.loads(line) for f in sorted(out.glob("chunks*")) for line in f.read_text().splitlines()]
    # Candidates and rejected documents are spilled to separate chunks, with their outcome.
    cand = _chunk_rows([s for s in summaries if s["kind"] == "cand"])
    rej = _chunk_rows([s for s in summaries if s["kind"] == "rej"])
    assert sorted((r["id"], r["lang"]) for r in cand) == expected_kept
    assert all(r["_group"] == r["lang"] for r in cand)
    assert sorted((r["position"], r["reason"]) for r in rej) == [
        ("line 4", "langid.undeclared"),
        ("line 5", "normalise.empty"),
    ]
    # Summaries count what each chunk holds, per group.
    assert sum(n for s in summaries for n, _ in s["groups"].values()) == 5


def _docs(n: int) -> list[Document]:
    out = []
    for i in range(n):
        lang = ["mt", "ga", "el"][i % 3]
        text = f"Dokument numru {i} " * (20 + i % 7)
        out.append(Document(id=doc_id("s", str(i), text), text=text, source="s", uri="u", lang=lang, lang_score=1.0))
    return out


def _write(tmp_path: Path, docs: list[Document], name: str, chunk_rows: int = 1000) -> Path:
    """Spill ``docs`` in chunks of ``chunk_rows`` (as workers do), then write the shards."""
    staging = tmp_path / name
    summaries = []
    writer = SpillWriter(str(tmp_path / f"{name}-spill"), "cand", max_rows=chunk_rows)
    for d in docs:
        writer.add(d, d.lang or "und")
        if writer.full:
            summaries.append(writer.flush())
    summaries.append(writer.flush())
    settings = WriteSettings(staging=str(staging), shard_bytes=8 * 1024, row_group_rows=50)
    with BeamTestPipeline(runner=FnApiRunner()) as p:
        _ = {
            "chunks": p | "Chunks" >> beam.Create([s for s in summaries if s]),
            "verdicts": p | "Verdicts" >> beam.Create([]),
        } | WriteDocumentShards(settings)
    return staging


def test_shards_are_deterministic_sized_and_follow_the_contract(tmp_path: Path) -> None:
    docs = _docs(90)
    a = _write(tmp_path, docs, "a")
    # Another order, spilled in other chunks (as on another runner or worker count): same bytes.
    b = _write(tmp_path, list(reversed(docs)), "b", chunk_rows=7)
    files_a = sorted(str(f.relative_to(a)) for f in a.rglob("*.parquet"))
    files_b = sorted(str(f.relative_to(b)) for f in b.rglob("*.parquet"))
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes()
    # 30 docs per language of ~(20..26)*18+512 bytes -> ceil(size/8 KiB) shards per language.
    for lang in ("mt", "ga", "el"):
        mine = [d for d in docs if d.lang == lang]
        size = sum(len(d.text.encode()) + 512 for d in mine)
        n = -(-size // (8 * 1024))
        names = [f for f in files_a if f.startswith(f"data/{lang}/")]
        assert names == [f"data/{lang}/part-{i:05d}-of-{n:05d}.parquet" for i in range(n)]
        tables = [pq.read_table(a / f) for f in names]
        assert all(t.schema.equals(arrow_schema("document.v1"), check_metadata=False) for t in tables)
        ids = [i for t in tables for i in t.column("id").to_pylist()]
        assert sorted(ids) == sorted(d.id for d in mine)
        for t in tables:
            assert t.column("id").to_pylist() == sorted(t.column("id").to_pylist())
    sidecars = sorted((a / "_shards").glob("*.json"))
    assert len(sidecars) == len(files_a)
    assert sum(json.loads(s.read_text())["rows"] for s in sidecars) == 90


def test_nested_metadata_with_different_keys_shares_one_schema(tmp_path: Path) -> None:
    docs = _docs(3)
    docs[0].metadata = {}
    docs[1].metadata = {"celex": "32024R0903"}
    docs[2].metadata = {"eli": "http://data.europa.eu/eli/reg/2024/903/oj", "speaker": "MEP"}
    for d in docs:
        d.lang = "mt"
    staging = _write(tmp_path, docs, "m")
    (f,) = list(staging.rglob("*.parquet"))
    t = pq.read_table(f)
    got = {r["id"]: kv_to_dict(r["metadata"]) for r in t.to_pylist()}
    assert got == {d.id: d.metadata for d in docs}


def test_local_processes_give_the_same_outputs_and_report_failures(tmp_path: Path) -> None:
    import pytest

    from altedic.beam.localworker import run_files
    from altedic.beam.steps import FileProcessor

    paths = _inputs(tmp_path, 3)
    info = SourceInfo(name="src", format="jsonl", options={"columns": {"text": "text", "lang": "lang"}})
    tasks = [FileTask(0, str(p), p.name) for p in paths]

    def outputs(processes: int) -> tuple[list, list]:
        fn = FileProcessor([info], CFG, str(tmp_path / f"spill{processes}"), 2)
        if processes == 1:
            fn.setup()
            fn.start_bundle()
            items = [item for t in tasks for item in fn.process_file(t)]
            items += [(None, s) for s in fn.flush()]
        else:
            items = list(run_files(fn, tasks, processes))
        rows = sorted(r["id"] for tag, v in items if tag is None for r in _chunk_rows([v]))
        other = sorted(repr(v) for tag, v in items if tag is not None)
        return rows, other

    assert outputs(1) == outputs(2)
    # A file task the worker cannot handle fails the bundle with the worker's traceback.
    fn = FileProcessor([info], CFG, str(tmp_path / "spill-bad"), 2)
    with pytest.raises(RuntimeError, match=r"(?s)local worker process failed.*IndexError"):
        list(run_files(fn, [FileTask(5, str(paths[0]), "x")], 2))


def test_spare_local_processes_are_used_kept_and_ended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from altedic.beam import localworker
    from altedic.beam.steps import FileProcessor

    p = tmp_path / "in.jsonl"
    p.write_text(_input(tmp_path).read_text(encoding="utf-8"), encoding="utf-8")
    info = SourceInfo(name="src", format="jsonl", options={"columns": {"text": "text", "lang": "lang"}})
    tasks = [FileTask(0, str(p), p.name)] * 3

    def ids(items: list) -> list[str]:
        return sorted(r["id"] for tag, v in items if tag is None for r in _chunk_rows([v]))

    spares: list[Any] = []
    fresh: list[Any] = []
    try:
        localworker.prestart(2)
        spares = list(localworker._SPARES)
        assert len(spares) == 2 and all(s.poll() is None for s in spares)
        fn = FileProcessor([info], CFG, str(tmp_path / "spill-a"), 2)
        first = list(localworker.run_files(fn, tasks, 2, warm=True))
        # the spares did the work; as each finished, a fresh spare took its place (warm)
        assert not {id(s) for s in spares} & {id(s) for s in localworker._SPARES}
        assert len(localworker._SPARES) == 2
        fresh = list(localworker._SPARES)
        spawned: list[object] = []
        real_spawn = localworker._spawn
        monkeypatch.setattr(localworker, "_spawn", lambda: spawned.append(1) or real_spawn())
        fn = FileProcessor([info], CFG, str(tmp_path / "spill-b"), 2)
        second = list(localworker.run_files(fn, tasks, 2, keep=True))
        # keep: the same processes, alive, wait for a third step; no interpreter was started
        assert {id(s) for s in localworker._SPARES} == {id(s) for s in fresh}
        assert all(s.poll() is None for s in localworker._SPARES) and spawned == []
        fn = FileProcessor([info], CFG, str(tmp_path / "spill-c"), 2)
        third = list(localworker.run_files(fn, tasks, 2))
        assert ids(first) == ids(second) == ids(third) and ids(first)  # a reused process: same outputs
        assert spawned == []
        assert localworker._SPARES == []  # used by the third step, neither kept nor replaced
    finally:
        localworker.shutdown()
    assert localworker._SPARES == [] and localworker._EXITING == []
    assert all(s.poll() is not None for s in spares + fresh)


def test_a_module_that_fails_to_preload_does_not_break_the_process() -> None:
    from altedic.beam import localworker
    from altedic.release.report import _PlotFn

    try:
        localworker.prestart(1)
        localworker.preload(["altedic_no_such_module", "altedic.release.report"])
        out = list(localworker.run_files(_PlotFn({"cluster_sizes": {"mt": {"1": 3, "2": 1}}}), ["clusters"], 1))
        assert [name for _tag, (name, _html) in out] == ["clusters"] and out[0][1][1].startswith("<img")
    finally:
        localworker.shutdown()


_NO_BEAM_CHILD = """
import pickle, sys
import altedic.beam.steps  # what a local worker process imports before its first step
from altedic.beam.steps import DATA, DocShardWriter

work, tasks, settings = pickle.load(open(sys.argv[1], "rb"))
work.setup()
work.start_bundle()
outputs = [item for task in tasks for item in work.process_file(task)]
chunks = [v for tag, v in outputs if tag is None] + work.flush()
groups = sorted({g for c in chunks if c["kind"] == "cand" for g in c["groups"]})
writer = DocShardWriter(settings, settings.staging + "/dedup", chunks)
writer.setup()
written = [v for g in groups for _tag, v in writer.process_file(((DATA, g, 0, 1, 1), []))]
print(sum(v["rows"] for v in written), len(groups))
print(sorted(m for m in sys.modules if m == "apache_beam" or m.startswith("apache_beam.")))
"""


def test_local_worker_steps_run_without_importing_beam(tmp_path: Path) -> None:
    """The read step and the shard writers, with the demo recipe's whole stage chain (fastText,
    quality, PII) and dedup, run in a fresh interpreter as a local worker process runs them:
    Apache Beam is never imported there (its import costs each process about a second)."""
    import pickle
    import subprocess
    import sys

    from altedic.beam.steps import FileProcessor
    from altedic.recipe import load_recipe
    from altedic.run import dedup_config, plan_sources, stage_config

    recipe = load_recipe(str(Path(__file__).parents[2] / "pipelines" / "demo.yaml"))
    plan = plan_sources(recipe)
    work = FileProcessor(plan.infos, stage_config(recipe), str(tmp_path / "spill"), 64, dedup_config(recipe))
    assert work.dedup is not None and work.config.langid.get("enabled", True)
    settings = WriteSettings(staging=str(tmp_path / "staging"), shard_bytes=1 << 30)
    blob = tmp_path / "work.pickle"
    blob.write_bytes(pickle.dumps((work, plan.tasks, settings)))
    script = tmp_path / "child.py"
    script.write_text(_NO_BEAM_CHILD, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), str(blob)], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr
    rows_line, modules_line = proc.stdout.strip().splitlines()[-2:]
    rows, groups = map(int, rows_line.split())
    assert rows > 10 and groups >= 5  # the demo's documents were really read, decided and written
    assert modules_line == "[]"
    assert list((tmp_path / "staging" / "data").glob("*/part-00000-of-00001.parquet"))
    assert list((tmp_path / "staging" / "dedup").glob("signatures-*.parquet"))


@pytest.mark.parametrize("processes", [1, 2])
def test_read_step_metrics_with_and_without_local_processes(tmp_path: Path, processes: int) -> None:
    """The read step's Beam counters count documents read, input errors and rejections, also
    when local worker processes did the work (their per-file figures come back as outputs)."""
    from apache_beam.metrics.metric import MetricsFilter

    paths = _inputs(tmp_path, 2)
    info = SourceInfo(name="src", format="jsonl", options={"columns": {"text": "text", "lang": "lang"}})
    pipeline = beam.Pipeline(runner=FnApiRunner())
    _ = (
        pipeline
        | beam.Create([FileTask(0, str(p), p.name) for p in paths])
        | ProcessSources([info], CFG, str(tmp_path / "spill"), batch_size=2, local_processes=processes)
    )
    from altedic.beam import localworker

    try:
        result = pipeline.run()
        result.wait_until_finish()
    finally:
        localworker.shutdown()  # the spares the read step started (warm) for a next step
    got = {
        r.key.metric.name: r.committed
        for r in result.metrics().query(MetricsFilter().with_namespace("altedic"))["counters"]
    }
    # Per file: 5 documents read (one broken JSON line is an input error), 2 rejected.
    assert got == {"documents_read": 10, "input_errors": 2, "documents_rejected": 4}
