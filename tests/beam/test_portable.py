"""The pipeline survives its portable form: proto bytes -> rebuilt in another process -> run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from altedic.recipe import load_recipe
from altedic.run import build_pipeline, plan_sources

ROOT = Path(__file__).resolve().parents[2]

RUN_FROM_PROTO = textwrap.dedent(
    """
    import sys
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.pipeline import Pipeline
    from apache_beam.portability.api import beam_runner_api_pb2
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner

    proto = beam_runner_api_pb2.Pipeline()
    proto.ParseFromString(open(sys.argv[1], "rb").read())
    p = Pipeline.from_runner_api(proto, FnApiRunner(), PipelineOptions([]))
    p.run().wait_until_finish()
    """
)


def test_demo_pipeline_runs_from_its_serialised_proto_in_another_process(tmp_path: Path) -> None:
    recipe = load_recipe(ROOT / "pipelines" / "demo.yaml")
    plan = plan_sources(recipe)
    staging = tmp_path / "staging"
    p = beam.Pipeline(options=PipelineOptions([]))
    build_pipeline(p, recipe, plan, str(staging))
    blob = p.to_runner_api().SerializeToString()
    shutil.rmtree(p.local_tempdir, ignore_errors=True)  # Beam removes it only after p.run()
    (tmp_path / "pipeline.pb").write_bytes(blob)
    (tmp_path / "run.py").write_text(RUN_FROM_PROTO, encoding="utf-8")
    r = subprocess.run(
        [sys.executable, str(tmp_path / "run.py"), str(tmp_path / "pipeline.pb")],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the repository: the worker must import only installed code
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    shards = sorted(str(f.relative_to(staging)) for f in staging.rglob("*.parquet"))
    assert any(s.startswith("data/mt/") for s in shards)
    assert "errors/part-00000-of-00001.parquet" in shards
    assert (staging / "_counts.json").is_file()
