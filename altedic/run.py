"""The driver: recipe -> planned sources -> Beam pipeline -> checked, atomic release.

Order of a run (see DESIGN.md): validate the recipe; expand catalogues and contributed manifests;
decide every source's licence (refused sources are never read); find the input files; run the
pipeline into a staging folder; check the accounting identity (per source:
``read + derived = kept + rejected + errors``); move the shards into place; write the release
documents and the manifest; write ``_SUCCESS`` last. A crash at any point leaves no ``_SUCCESS``,
so nothing half-written looks like a finished release; the next run clears the leftovers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import apache_beam as beam
from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions, SetupOptions

import altedic
from altedic import fsutil
from altedic.beam.spill import SPILL_DIR
from altedic.beam.steps import shard_format
from altedic.beam.transforms import (
    PROGRESS,
    FileTask,
    ProcessSources,
    ReadPairs,
    WriteCounts,
    WriteDocumentShards,
    WriteSettings,
    WriteShards,
)
from altedic.errors import ConfigError, RunError, did_you_mean
from altedic.readers.base import SourceInfo
from altedic.recipe import Recipe, language_problem, load_recipe
from altedic.sources import SourceSpec
from altedic.sources.files import list_source, relative
from altedic.stages import StageConfig

MANIFEST_VERSION = 1
STAGING = "_staging"
OUTPUT_PARTS = ("data", "rejected", "errors", "dedup", "parallel")


@dataclass
class Refusal:
    name: str
    origin: str
    licence: str | None
    reason: str
    detail: str


@dataclass
class Plan:
    """What the pipeline will read, decided on the driver before any document is read."""

    specs: list[SourceSpec]
    infos: list[SourceInfo]
    tasks: list[FileTask]
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _expand(recipe: Recipe) -> tuple[list[SourceSpec], list[str]]:
    specs: list[SourceSpec] = []
    warnings: list[str] = []
    for spec in recipe.sources:
        if spec.format == "dcat":
            from altedic.sources.dcat import expand_catalogue

            children, warns = expand_catalogue(spec)
            specs.extend(children)
            warnings.extend(f"{spec.name}: {w}" for w in warns)
        else:
            specs.append(spec)
    return specs, warnings


def plan_sources(recipe: Recipe) -> Plan:
    """Expand catalogues, decide licences, normalise declared languages and list the input files.

    Reads no document (only catalogues and the small rights files of the TDM checks): ``altedic
    validate`` calls it too, so that it stops on what would stop the run before any work.
    """
    from altedic.licence.policy import check_overrides, decide

    overrides = recipe.data.get("licence_policy")
    # checked here, before anything: the licence policy was checked only when the first source's
    # licence was decided, so `altedic validate` (which decided none) called a wrong key valid
    problems = check_overrides(overrides)
    if problems:
        raise ConfigError("; ".join(problems), file=recipe.path, key="licence_policy")
    specs, warnings = _expand(recipe)
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(
            f"source names must be unique after expanding catalogues and manifests: {dupes}", file=recipe.path
        )
    plan = Plan(specs=[], infos=[], tasks=[], warnings=warnings)
    for spec in specs:
        # One listing: the TDM checks look at the files that are read (a manifest's are
        # checked to stay in its folder on the way).
        listing = list_source(spec)
        decision = decide(spec, overrides, listing.files)
        if not decision.allowed:
            plan.refused.append(
                Refusal(spec.name, spec.origin, spec.licence, decision.reason or "licence.refused", decision.detail)
            )
            continue
        problem = language_problem(spec.language)
        if problem:
            # a contributed manifest's or another expansion's language (a recipe's is checked on loading)
            raise ConfigError(problem, file=spec.origin, key=f"{spec.name}.language")
        spec.licence_evidence = decision.evidence
        info = spec.info(licence_id=decision.licence_id)  # the declared language normalised there
        info.licence_policy = overrides
        index = len(plan.infos)
        plan.specs.append(spec)
        plan.infos.append(info)
        for uri in listing.require(spec):
            plan.tasks.append(FileTask(source=index, uri=uri, rel=relative(uri, spec.root)))
    return plan


def pipeline_options(workers: int, beam_args: list[str]) -> tuple[PipelineOptions, Any]:
    """Options and runner. Default: Beam's in-process FnApiRunner (no network; DirectRunner
    would first try to download a Prism binary). ``--workers N`` > 1: N local processes read,
    annotate and decide (see ProcessSources).
    Any ``--runner=...`` in ``beam_args`` is handed to Beam unchanged (Dataflow, Flink, Spark)."""
    options = PipelineOptions(beam_args)
    options.view_as(SetupOptions).save_main_session = False
    if any(a.startswith("--runner") for a in beam_args):
        return options, None
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner

    # One runner process; --workers N is spent on the heavy part (read, annotate, decide, spill)
    # by N local processes inside that step (ProcessSources), not by Beam's multi-process mode,
    # whose per-element gRPC traffic cost more CPU than the second core gave back.
    direct = options.view_as(DirectOptions)
    direct.direct_num_workers = 1
    direct.direct_running_mode = "in_memory"
    return options, FnApiRunner()


def stage_config(recipe: Recipe) -> StageConfig:
    stages = recipe.stages
    return StageConfig(
        normalise=stages.get("normalise", {}),
        langid=stages.get("langid", {}),
        quality=stages.get("quality", {}),
        pii=stages.get("pii", {}),
        filters_dir=recipe.filters_dir,
    )


def dedup_config(recipe: Recipe) -> Any:
    """The recipe's ``stages.dedup`` as a validated DedupConfig, or None when dedup is off
    (``enabled: false``). A recipe without a ``dedup`` section deduplicates with the defaults, as
    the other stages run with theirs; it turned dedup off without a word."""
    raw = dict(recipe.stages.get("dedup") or {})
    if not raw.pop("enabled", True):
        return None
    from altedic.dedup.config import DedupConfig

    return DedupConfig.from_dict(raw, file=recipe.path)


def check_source_names(recipe: Recipe, names: list[str], named: list[tuple[str, list[str]]]) -> None:
    """Refuse a stage setting that names a source the recipe does not have: ``stages.dedup.
    source_priority`` and ``stages.pii.sources`` took a misspelt name (``nationl-portal``)
    without a word, and the setting silently did nothing. ``names``: every source after
    catalogues and manifests are expanded, the ones the licence policy refused included (naming
    one is no mistake: it may be allowed another day); ``named``: (key, the validated names)."""
    known = set(names)
    for key, values in named:
        for value in values or []:
            if value not in known:
                hint = did_you_mean(str(value), sorted(known))
                shown = ", ".join(sorted(known)[:20]) + (" ..." if len(known) > 20 else "")
                raise ConfigError(
                    f"no source is named {value!r}{hint}; the sources are: {shown}", file=recipe.path, key=key
                )


def check_stages(
    recipe: Recipe, profiles: list[tuple[str, str]] | None = None, source_names: list[str] | None = None
) -> list[str]:
    """Validate every stage's settings (no model is loaded); return notes worth printing.

    Raises ConfigError for a bad key or value, naming it. ``profiles`` are (source, profile)
    pairs checked against the quality profiles the filters define. ``source_names``: every
    source of the plan, allowed or refused (:func:`plan_names`), that the stage settings may
    name; None: not checked.
    """
    from altedic.filters import known_languages
    from altedic.langid.stage import LanguageStage
    from altedic.stages import StageChain

    config = stage_config(recipe)
    model = config.langid.get("model")
    # checked here, on the driver: a missing file was found only by the workers, once the
    # pipeline ran (after a finished release in the output had lost its _SUCCESS)
    if (
        config.langid.get("method", "model") == "model"
        and isinstance(model, str)
        and model
        and not fsutil.is_file(model)
    ):
        raise ConfigError(f"model file not found: {model}", file=recipe.path, key="stages.langid.model")
    try:
        chain = StageChain(config)
    except ConfigError as exc:
        if exc.file:
            raise
        # the stages name the key (stages.pii.mode); the recipe file is where it is written
        raise ConfigError(exc.message, file=recipe.path, key=exc.key) from None
    notes: list[str] = []
    # Every filters file (the recipe's filters_dir and the packaged ones) is checked here, for
    # every language and every profile the sources use: a language's file was read only on a
    # worker, when the first document in that language arrived (a Beam traceback mid-run, one per
    # worker), or never, when the data had no document in it.
    languages: list[str | None] = [None, *known_languages(config.filters_dir)]
    if chain.quality is not None:
        quality: Any = chain.quality
        pairs = profiles if profiles is not None else [(s.name, s.profile) for s in recipe.sources]
        for name, profile in pairs:
            try:
                quality.thresholds_for(None, profile)
            except ConfigError as exc:
                raise ConfigError(f"source {name!r}: {exc}", file=recipe.path, key=f"{name}.profile") from None
        for lang in languages:
            for profile in sorted({"default", *(profile for _name, profile in pairs)}):
                quality.thresholds_for(lang, profile)
    if isinstance(chain.langid, LanguageStage):
        for lang in languages:
            chain.langid.thresholds(lang)
            if lang is not None:
                chain.langid.typical_confidence(lang)
    cfg = dedup_config(recipe)
    if source_names is not None:
        # the values as the stages validated them (a list of names, a mapping of source -> mode)
        pii_sources = list(getattr(chain.pii, "sources", None) or {})
        priority = list(cfg.source_priority) if cfg is not None else []
        check_source_names(
            recipe, source_names, [("stages.dedup.source_priority", priority), ("stages.pii.sources", pii_sources)]
        )
    if cfg is not None and cfg.quality_key is not None:
        from altedic.quality.signals import SIGNAL_NAMES

        # what a run's documents carry in doc.quality (the standalone Deduplicate transform takes
        # any key); a misspelt name (wrds) ranked every document as unscored, silently
        signals = (*SIGNAL_NAMES, "lang_score")
        if cfg.quality_key not in signals:
            raise ConfigError(
                f"{cfg.quality_key!r} is not a quality signal{did_you_mean(cfg.quality_key, signals)}; signals: {', '.join(signals)}",
                file=recipe.path,
                key="stages.dedup.quality_key",
            )
    if cfg is not None and cfg.near:
        from altedic.dedup import lsh

        notes.append(
            f"dedup: MinHash {cfg.bands} bands x {cfg.rows} rows ({cfg.num_perm} permutations, word {cfg.ngram}-grams): "
            f"implied LSH similarity threshold (1/b)^(1/r) = {lsh.implied_threshold(cfg.bands, cfg.rows):.3f}; "
            f"candidates verified ({cfg.verify}) at Jaccard >= {cfg.threshold:.2f}; scope {cfg.scope}"
        )
    return notes


def plan_names(plan: Plan) -> list[str]:
    """Every source of ``plan``, allowed or refused."""
    return [s.name for s in plan.specs] + [r.name for r in plan.refused]


def parallel_tasks(recipe: Recipe, plan: Plan) -> list[FileTask]:
    """The files read for ``output.parallel`` (tmx sources with ``options.pairs``); [] when it is
    off. ConfigError when it is on and no source gives pairs."""
    if not recipe.data["output"].get("parallel"):
        return []
    tasks = [
        t for t in plan.tasks if plan.infos[t.source].format == "tmx" and plan.infos[t.source].options.get("pairs")
    ]
    if not tasks:
        raise ConfigError(
            "output.parallel is set but no tmx source has options.pairs: true", file=recipe.path, key="output.parallel"
        )
    return tasks


def build_pipeline(
    p: beam.Pipeline, recipe: Recipe, plan: Plan, staging: str, local_processes: int = 1, in_process: bool = False
) -> list[str]:
    """Wire the stages (the graph of DESIGN.md) and return the stage notes worth printing.

    Stage settings are validated here, at construction, never on a worker. Nothing is written:
    ``staging`` is only where the transforms will write when the pipeline runs. ``in_process``:
    the pipeline will run on Beam's in-process runner (the dedup core then runs its steps in
    one process instead of through Beam's shuffles: :class:`~altedic.beam.dedup.DedupCore`).
    """
    cfg = stage_config(recipe)
    notes = check_stages(recipe, [(i.name, i.profile) for i in plan.infos], plan_names(plan))
    out = recipe.data["output"]
    compression, row_group_rows = shard_format(out)
    settings = WriteSettings(
        staging=staging,
        shard_bytes=int(float(out.get("shard_size_mb", 128)) * 2**20),
        row_group_rows=row_group_rows,
        compression=compression,
    )
    batch_size = int(recipe.setting("run", "batch_size", 256))
    spill_rows = int(recipe.setting("run", "spill_rows", 20_000))

    dedup_cfg = dedup_config(recipe)
    # Documents are read, decided and spilled on the worker that reads their file; only small
    # records (dedup nodes and verdicts, chunk summaries, counts) are shuffled. See
    # altedic/beam/spill.py and docs/performance.md.
    tasks = p | "Files" >> beam.Create(plan.tasks)
    processed = tasks | "Process" >> ProcessSources(
        plan.infos, cfg, fsutil.join(staging, SPILL_DIR), batch_size, dedup_cfg, spill_rows, local_processes
    )
    if dedup_cfg is not None:
        from altedic.beam.dedup import DedupCore

        # The stage reads previous outputs' signatures; this run's go under <staging>/dedup/.
        verdicts = processed["nodes"] | "Deduplicate" >> DedupCore(dedup_cfg, in_process=in_process)
    else:
        verdicts = p | "NoVerdicts" >> beam.Create([])
    dedup_target = fsutil.join(staging, "dedup") if dedup_cfg is not None else None
    _ = {"chunks": processed["chunks"], "verdicts": verdicts} | "WriteDocuments" >> WriteDocumentShards(
        settings, dedup_target, local_processes
    )
    _ = processed["errors"] | "WriteErrors" >> WriteShards("errors", settings)
    pair_tasks = parallel_tasks(recipe, plan)
    if pair_tasks:
        pairs = p | "PairFiles" >> beam.Create(pair_tasks) | "Pairs" >> ReadPairs(plan.infos)
        _ = pairs | "WriteParallel" >> WriteShards("parallel", settings)
    _ = processed["counts"] | "Counts" >> WriteCounts(fsutil.join(staging, "_counts.json"))
    return notes


# --------------------------------------------------------------------------------------------
# Accounting and manifest
# --------------------------------------------------------------------------------------------


def account(plan: Plan, shards: list[dict[str, Any]], counts: list[list[Any]]) -> dict[str, Any]:
    """Per-source and per-language counts from the written shards and the read counters.

    The identity checked for every source: ``read + derived == kept + rejected + errors``
    (``derived``: extra parts made by splitting mixed-language documents; 0 unless enabled).
    ``declared_mismatch``: documents whose declared language the detector contradicted that were
    relabelled or kept (``stages.langid.declared.on_mismatch``), outside the identity.
    """

    def empty() -> dict[str, Any]:
        return {"read": 0, "derived": 0, "kept": 0, "rejected": {}, "errors": 0, "declared_mismatch": 0}

    per_source: dict[str, dict[str, Any]] = {s.name: empty() for s in plan.infos}
    languages: dict[str, dict[str, Any]] = {}
    for kind_name, src, n in counts:
        per_source.setdefault(src, empty())[kind_name] += n
    for shard in shards:
        for src, outcomes in shard["counts"].items():
            s = per_source.setdefault(src, empty())
            for key, n in outcomes.items():
                lang, outcome = key.split("\t")
                if outcome == "kept":
                    s["kept"] += n
                elif outcome == "errors":
                    s["errors"] += n
                else:
                    s["rejected"][outcome] = s["rejected"].get(outcome, 0) + n
                if outcome != "errors":
                    lg = languages.setdefault(lang, {"kept": 0, "rejected": {}})
                    if outcome == "kept":
                        lg["kept"] += n
                    else:
                        lg["rejected"][outcome] = lg["rejected"].get(outcome, 0) + n
    problems = []
    for name, s in sorted(per_source.items()):
        s["rejected"] = dict(sorted(s["rejected"].items()))
        out = s["kept"] + sum(s["rejected"].values()) + s["errors"]
        s["ok"] = s["read"] + s["derived"] == out
        if not s["ok"]:
            problems.append(
                f"{name}: read {s['read']} + derived {s['derived']} != kept {s['kept']} + rejected "
                f"{sum(s['rejected'].values())} + errors {s['errors']}"
            )
    for lg in languages.values():
        lg["rejected"] = dict(sorted(lg["rejected"].items()))
    return {
        "identity": "read + derived = kept + rejected + errors",
        "ok": not problems,
        "problems": problems,
        "per_source": dict(sorted(per_source.items())),
        "languages": dict(sorted(languages.items())),
    }


def _minhash_implementation() -> dict[str, Any]:
    """Which MinHash implementation ran (compiled kernel or the pure twin) and why, for the manifest."""
    from altedic.dedup import minhash

    return dict(minhash.describe())


def _other_implementations() -> dict[str, str]:
    """Compiled kernels of the language and quality stages, or the fallbacks that ran instead.

    Both give the same results as their fallbacks (tested bit for bit); recorded so that a slow
    run is explained, never silently slow.
    """
    from altedic.quality import signals

    try:
        from altedic.langid import _fastlid  # noqa: F401

        lid = "compiled" if os.environ.get("ALTEDIC_LID_BACKEND", "") in ("", "kernel") else "fasttext-predict"
    except ImportError:
        lid = "fasttext-predict"
    return {"langid_model": lid, "quality_ngrams": str(signals.NGRAMS_IMPLEMENTATION)}


def build_manifest(
    recipe: Recipe, plan: Plan, shards: list[dict[str, Any]], accounting: dict[str, Any], run_info: dict[str, Any]
) -> dict[str, Any]:
    sources: dict[str, Any] = {}
    for spec, info in zip(plan.specs, plan.infos, strict=True):
        acc = accounting["per_source"].get(info.name, {})
        sources[info.name] = {
            "format": info.format,
            "origin": spec.origin,
            "licence": info.licence,
            "licence_evidence": spec.licence_evidence,
            "publisher": info.publisher,
            "attribution": info.attribution,
            "retrieved": info.retrieved,
            "declared_language": info.declared_lang,
            "profile": info.profile,
            "metadata": info.metadata,
            "files": sum(1 for t in plan.tasks if plan.infos[t.source].name == info.name),
            "read": acc.get("read", 0),
            "derived": acc.get("derived", 0),
            "kept": acc.get("kept", 0),
            "rejected": acc.get("rejected", {}),
            "errors": acc.get("errors", 0),
            # documents whose declared language the detector contradicted, relabelled or kept
            "declared_mismatch": acc.get("declared_mismatch", 0),
        }
    return {
        "manifest_version": MANIFEST_VERSION,
        "altedic_version": altedic.__version__,
        "name": recipe.name,
        "schemas": {
            "document": "document.v1",
            "rejected": "rejected.v1",
            "error": "error.v1",
            "parallel": "parallel.v1",
        },
        "run": run_info,
        "recipe": recipe.resolved(),
        "shards": [{k: v for k, v in s.items() if k != "counts"} for s in shards],
        "sources": sources,
        "refused_sources": [r.__dict__ for r in plan.refused],
        "warnings": plan.warnings,
        "languages": accounting["languages"],
        "accounting": {k: accounting[k] for k in ("identity", "ok", "problems", "per_source")},
        # Which MinHash code ran. Signatures are bit-identical either way; the CPU-specific
        # details (vector instruction set) live under "run", with the other machine facts.
        "implementations": {
            "minhash": {k: v for k, v in _minhash_implementation().items() if k != "isa"},
            **_other_implementations(),
        },
    }


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    out: str
    manifest: dict[str, Any]


class _Progress:
    """A one-line progress display on a terminal (in-process runner: live file/document counts)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.start = time.monotonic()

    def __enter__(self) -> _Progress:
        if self.enabled:
            self._thread.start()
        return self

    def _loop(self) -> None:
        spin = "|/-\\"
        i = 0
        while not self._stop.wait(0.25):
            i += 1
            el = time.monotonic() - self.start
            sys.stderr.write(
                f"\r{spin[i % 4]} running {el:6.1f} s  files read {PROGRESS['files']:,}  documents read {PROGRESS['read']:,}  "
            )
            sys.stderr.flush()

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._stop.set()
            self._thread.join()
            sys.stderr.write("\r" + " " * 90 + "\r")
            sys.stderr.flush()


def _fault_point(name: str) -> None:
    """Crash-test hook: ``ALTEDIC_FAULT_INJECT=<name>`` makes the process SIGKILL itself here.

    Used by the crash tests to stop a run at its most delicate moments (after the pipeline,
    half-way through publishing, after the manifest) with a real, uncatchable kill.
    """
    if os.environ.get("ALTEDIC_FAULT_INJECT") == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _prepare_output(out: str, overwrite: bool) -> None:
    if fsutil.exists(fsutil.join(out, "_SUCCESS")) and not overwrite:
        raise RunError(
            f"{out} already holds a finished release (_SUCCESS is there); "
            "pass --overwrite to replace it, or choose another output with --out"
        )
    if fsutil.exists(out) and fsutil.is_local(out):
        known = set(OUTPUT_PARTS) | {STAGING, "_SUCCESS", "manifest.json"}
        entries = set(os.listdir(out))
        if entries and not (entries & known):
            raise RunError(f"{out} exists and does not look like an altedic output; refusing to write into it")
    # A finished release being replaced, or leftovers of a crashed run: _SUCCESS goes first so
    # that nothing in between looks finished.
    fsutil.delete_tree(fsutil.join(out, "_SUCCESS"))
    fsutil.delete_tree(fsutil.join(out, STAGING))
    # a crashed writer's temporary files (NAME.altedic-tmp-<hex>, random names that no later run
    # overwrites and no listing shows): a published release must not carry them
    fsutil.delete_temp_leftovers(out)


_SHARD_NAME = re.compile(r"^(?P<head>.*?)(?P<shard>\d{5})-of-(?P<n>\d{5})\.parquet$")


def _compact_shard_names(staging: str, shards: list[dict[str, Any]]) -> None:
    """Number the shards of each group 0..K-1 of K, K the files the group has (in staging, before
    publishing; ``shards``' paths are updated, and so are the dedup signature files that mirror
    the data shards: ``dedup/signatures-<lang>-SSSSS-of-NNNNN.parquet``).

    A shard is a range of the id space planned from the group's size, and a range that holds no
    document is not written: ``data/bg`` held ``part-00002-of-00009`` and ``part-00008-of-00009``
    only, so a check by the file count (``-of-N``, as in FineWeb's layout) called the release
    incomplete. The order of the files, and so of the rows, is unchanged; only names change.
    """
    from altedic.beam.nodes import SIGNATURE_FILE_PREFIX

    groups: dict[str, list[tuple[int, int, dict[str, Any]]]] = {}
    for s in shards:
        m = _SHARD_NAME.match(s["path"])
        if m is None:
            continue
        groups.setdefault(m["head"], []).append((int(m["shard"]), int(m["n"]), s))
    for head, members in sorted(groups.items()):
        members.sort(key=lambda t: t[0])
        k = len(members)
        for i, (shard, n, s) in enumerate(members):
            new = f"{head}{i:05d}-of-{k:05d}.parquet"
            if new == s["path"]:
                continue
            fsutil.move(fsutil.join(staging, s["path"]), fsutil.join(staging, new))
            s["path"] = new
            if s["kind"] == "data" and s.get("lang") is not None:
                sig = fsutil.join(
                    staging, "dedup", f"{SIGNATURE_FILE_PREFIX}-{s['lang']}-{shard:05d}-of-{n:05d}.parquet"
                )
                if fsutil.exists(sig):
                    fsutil.move(
                        sig,
                        fsutil.join(
                            staging, "dedup", f"{SIGNATURE_FILE_PREFIX}-{s['lang']}-{i:05d}-of-{k:05d}.parquet"
                        ),
                    )
    shards.sort(key=lambda s: s["path"])


def _publish(out: str, staging: str) -> None:
    """Move the staged outputs into place (old outputs of a replaced release removed first)."""
    for part in OUTPUT_PARTS:
        fsutil.delete_tree(fsutil.join(out, part))
    files = [
        r for r in fsutil.list_files(staging) if r.split(os.sep if fsutil.is_local(staging) else "/")[0] in OUTPUT_PARTS
    ]
    for i, rel in enumerate(files):
        if i == len(files) // 2:
            _fault_point("publish")
        fsutil.move(fsutil.join(staging, rel), fsutil.join(out, rel))


def run(
    recipe_path: str,
    out: str | None = None,
    workers: int = 1,
    beam_args: list[str] | None = None,
    overwrite: bool = False,
    max_error_rate: float | None = None,
    progress: bool = False,
    log: Callable[[str], None] = lambda _m: None,
) -> RunResult:
    """Run a recipe end to end and return the manifest. Raises ConfigError/RunError for user-facing problems."""
    beam_args = list(beam_args or [])
    # checked before anything is read: a --workers of -2 ran as one worker and was recorded as
    # -2 in the manifest; a rate of 5 or NaN made the error-rate check pass whatever happened
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"must be a whole number >= 1, got {workers!r}", key="--workers")
    if max_error_rate is not None and not 0 <= max_error_rate <= 1:
        raise ConfigError(f"must be a share between 0 and 1, got {max_error_rate!r}", key="--max-error-rate")
    if out is not None and not out.strip():
        raise ConfigError("is empty: give an output directory or URI, or leave --out out", key="--out")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    # Beam's file systems get the options now: the input files are listed before the pipeline
    # (which would hand them its options) exists
    fsutil.configure(beam_args)
    recipe = load_recipe(recipe_path, output_override=os.path.abspath(out) if out and fsutil.is_local(out) else out)
    out_dir = recipe.output
    plan = plan_sources(recipe)
    for w in plan.warnings:
        log(f"warning: {w}")
    for r in plan.refused:
        log(f"refused source {r.name}: {r.reason} ({r.detail})")
    log(f"{len(plan.infos)} source(s), {len(plan.tasks)} file(s); output {out_dir}")
    staging = fsutil.join(out_dir, STAGING)
    options, runner = pipeline_options(workers, beam_args)
    PROGRESS.update(files=0, read=0)
    pipeline = beam.Pipeline(runner=runner, options=options) if runner is not None else beam.Pipeline(options=options)
    # Built (and its stage settings validated) before the output is touched: a bad setting
    # never costs an existing release its _SUCCESS.
    local = workers if runner is not None else 1  # distributed runners bring their own workers
    if local > 1:
        from altedic.beam import localworker

        localworker.configure(beam_args)  # file-system options (a bucket's credentials) for them too
        localworker.prestart(local)  # their start-up overlaps with building the pipeline
    try:
        for note in build_pipeline(pipeline, recipe, plan, staging, local, in_process=runner is not None):
            log(note)
        _prepare_output(out_dir, overwrite)
        try:
            fsutil.makedirs(staging)
        except OSError as exc:
            raise ConfigError(
                f"cannot create the output directory {out_dir}: {exc.strerror or exc}", key="output.path"
            ) from exc
        with _Progress(progress and runner is not None):
            result = pipeline.run()
            result.wait_until_finish()
        if local > 1:
            # The shard writers' processes stay and draw the report's plots (finalise): their
            # matplotlib import overlaps with the accounting and publishing below.
            localworker.preload(["altedic.release.report"])
        runner_name = (
            "FnApiRunner"
            if runner is not None
            else next(a for a in beam_args if a.startswith("--runner")).split("=")[-1]
        )
        run_info = {"started": started, "runner": runner_name, "workers": workers}
        return _finish(recipe, plan, staging, out_dir, run_info, max_error_rate, local)
    finally:
        if local > 1:
            localworker.shutdown()
        # Beam makes this directory when the pipeline object is built and removes it only at the
        # end of pipeline.run(): a run refused before that (a bad stage setting, a finished
        # release without --overwrite) would leave it in the temporary folder
        shutil.rmtree(pipeline.local_tempdir, ignore_errors=True)


def _finish(
    recipe: Recipe,
    plan: Plan,
    staging: str,
    out_dir: str,
    run_info: dict[str, Any],
    max_error_rate: float | None,
    local: int,
) -> RunResult:
    """After the pipeline: accounting check, publish, manifest, release documents, ``_SUCCESS``.

    ``run_info``: the manifest's ``run`` facts known before this point (``started``,
    ``runner``, ``workers``); ``finished`` and ``minhash`` are added here."""
    _fault_point("pipeline")
    dedup_cfg = dedup_config(recipe)
    if dedup_cfg is not None:
        from altedic.beam.dedup import ensure_signatures, write_params

        target = fsutil.join(staging, "dedup")
        fsutil.makedirs(target)
        write_params(target, dedup_cfg)
        ensure_signatures(target)
    shard_dir = fsutil.join(staging, "_shards")
    shards = []
    if fsutil.exists(shard_dir):
        for rel in fsutil.list_files(shard_dir):
            shards.append(json.loads(fsutil.read_bytes(fsutil.join(shard_dir, rel))))
    shards.sort(key=lambda s: s["path"])
    counts_path = fsutil.join(staging, "_counts.json")
    counts = json.loads(fsutil.read_bytes(counts_path)) if fsutil.exists(counts_path) else []
    accounting = account(plan, shards, counts)
    if not accounting["ok"]:
        raise RunError("accounting identity broken, the output cannot be trusted: " + "; ".join(accounting["problems"]))
    total_read = sum(s["read"] for s in accounting["per_source"].values())
    total_errors = sum(s["errors"] for s in accounting["per_source"].values())
    rate = max_error_rate if max_error_rate is not None else float(recipe.setting("run", "max_error_rate", 0.1))
    if total_read and total_errors / total_read > rate:
        raise RunError(
            f"{total_errors} of {total_read} inputs ({total_errors / total_read:.1%}) could not be read, more than "
            f"--max-error-rate {rate:.1%}; see {fsutil.join(staging, 'errors')} (the release was not published)"
        )
    _compact_shard_names(staging, shards)
    _publish(out_dir, staging)
    run_info = {
        **run_info,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "minhash": _minhash_implementation(),
    }
    manifest = build_manifest(recipe, plan, shards, accounting, run_info)
    # Dedup signatures (for deduplicating later runs against this release): checksummed too.
    dedup_root = fsutil.join(out_dir, "dedup")
    if fsutil.exists(dedup_root):
        import hashlib

        side = []
        for rel in fsutil.list_files(dedup_root):
            data = fsutil.read_bytes(fsutil.join(dedup_root, rel))
            side.append({"path": f"dedup/{rel}", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        manifest["dedup_files"] = side
    from altedic.release.finalise import finalise, manifest_bytes
    from altedic.release.stats import PartialStats

    stats_dir = fsutil.join(staging, "_stats")
    partials = [
        PartialStats.from_state(json.loads(fsutil.read_bytes(fsutil.join(stats_dir, rel))))
        for rel in (fsutil.list_files(stats_dir) if fsutil.exists(stats_dir) else [])
    ]
    manifest.update(finalise(out_dir, manifest, PartialStats.merge_all(partials).to_dict(), processes=local))
    fsutil.write_bytes(fsutil.join(out_dir, "manifest.json"), manifest_bytes(manifest))
    fsutil.delete_tree(staging)
    _fault_point("manifest")
    fsutil.write_bytes(fsutil.join(out_dir, "_SUCCESS"), b"")
    return RunResult(out=out_dir, manifest=manifest)
