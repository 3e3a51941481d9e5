"""Load and validate recipes (``pipelines/*.yaml``) before any work starts.

A recipe is validated against ``schemas/recipe.v1.json``; every problem is reported as a
:class:`~altedic.errors.ConfigError` that names the file, the key (``sources[1].format``) and
what is allowed. Relative paths resolve against the recipe file's directory, so a recipe runs
the same from any working directory.
"""

from __future__ import annotations

import copy
import json
import math
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from altedic import yamlload
from altedic.errors import ConfigError, did_you_mean
from altedic.readers import REGISTRY, option_problems
from altedic.sources import SourceSpec

RECIPE_SCHEMA = "recipe.v1"


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("altedic._schemas").joinpath(f"{RECIPE_SCHEMA}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _key_path(path: Any) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _explain(err: jsonschema.ValidationError) -> tuple[str, str]:
    """A readable message and the key path for one schema violation."""
    key = _key_path(err.absolute_path)
    if err.validator == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(allowed)) if isinstance(err.instance, dict) else []
        return f"unknown key(s) {', '.join(map(repr, extra))}; allowed keys: {', '.join(allowed)}", key
    if err.validator == "required":
        return f"{err.message}", key
    if err.validator == "enum":
        return (
            f"value {err.instance!r} is not allowed; allowed values: {', '.join(map(repr, err.validator_value))}",
            key,
        )
    if err.validator == "oneOf" and key.startswith("sources["):
        # A source entry: explain against the full source definition, which is what users mean.
        inst = err.instance
        if isinstance(inst, dict) and "include" not in inst:
            sub = jsonschema.Draft202012Validator(_schema()["$defs"]["source"])
            first = next(iter(sorted(sub.iter_errors(inst), key=lambda e: list(e.path))), None)
            if first is not None:
                msg, subkey = _explain(first)
                return msg, key + ("." + subkey if subkey != "(top level)" else "")
        return "a source must either have name, format and paths, or be {include: <manifest path>}", key
    if err.validator == "type":
        return f"value {err.instance!r} has the wrong type; expected {err.validator_value}", key
    if err.validator == "anyOf" and all("type" in s for s in err.validator_value):
        expected = " or ".join(
            f"{s['type']} of {s['items']['type']}s" if "items" in s else s["type"] for s in err.validator_value
        )
        return f"value {err.instance!r} has the wrong type; expected {expected}", key
    return err.message, key


def validate_data(data: Any, file: str) -> None:
    """Raise ConfigError for the first (most relevant) violation of the recipe schema."""
    if not isinstance(data, dict):
        raise ConfigError("a recipe must be a YAML mapping (version, name, sources, output...)", file=file)
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(
        validator.iter_errors(data), key=lambda e: (len(list(e.absolute_path)), list(map(str, e.absolute_path)))
    )
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        msg, key = _explain(best)
        raise ConfigError(msg, file=file, key=key)


@dataclass
class Recipe:
    """A validated recipe with paths resolved."""

    path: str
    """The recipe file."""
    data: dict[str, Any]
    """The recipe as written (validated)."""
    sources: list[SourceSpec]
    output: str
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    filters_dir: str | None = None

    @property
    def name(self) -> str:
        return str(self.data["name"])

    def setting(self, section: str, key: str, default: Any) -> Any:
        return self.data.get(section, {}).get(key, default)

    def resolved(self) -> dict[str, Any]:
        """The recipe as resolved (absolute paths, includes expanded): recorded in the manifest."""
        out = copy.deepcopy(self.data)
        out["sources"] = [
            {
                "name": s.name,
                "format": s.format,
                "paths": s.paths,
                "language": s.language,
                "licence": s.licence,
                "publisher": s.publisher,
                "attribution": s.attribution,
                "retrieved": s.retrieved,
                "profile": s.profile,
                "options": s.options,
                "origin": s.origin,
            }
            for s in self.sources
        ]
        out["output"] = dict(out.get("output", {}), path=self.output)
        if self.filters_dir:
            out["filters_dir"] = self.filters_dir
        model = (self.stages.get("langid") or {}).get("model")
        if model:
            out["stages"]["langid"]["model"] = model
        return out


def _resolve(base: Path, p: str) -> str:
    if "://" in p or os.path.isabs(p):
        return p
    return str((base / p).resolve())


def _glob_root(pattern: str) -> str:
    """The longest directory prefix of a glob without wildcards: the root for relative ids."""
    parts = pattern.split("/")
    fixed: list[str] = []
    for part in parts[:-1]:
        if any(c in part for c in "*?["):
            break
        fixed.append(part)
    return "/".join(fixed) or "/"


def language_problem(language: Any) -> str | None:
    """What is wrong with a source's ``language`` (None when it is fine). A code, locale or name
    the code table reads is fine, and so is a value that declares no language (``mul`` for a
    source in several languages, ``und``, ``zxx``): the source is then undeclared. Anything else
    was accepted by ``altedic validate`` and stopped ``altedic run`` at planning."""
    from altedic.langid.codes import unrecognised_declaration

    if language is None:
        return None
    text = str(language)
    if unrecognised_declaration(text) is None:  # read, or declaring no language
        return None
    return (
        f"unknown language code {text!r}: give an ISO 639 code (mt, ga, el), a locale (pt-BR) or the "
        "language's name (Maltese, Malti); leave it out, or write mul, for a source in several languages"
    )


def _source_from_entry(entry: dict[str, Any], base: Path, origin: str) -> SourceSpec:
    paths = entry["paths"] if isinstance(entry["paths"], list) else [entry["paths"]]
    resolved = [_resolve(base, p) for p in paths]
    return SourceSpec(
        name=entry["name"],
        format=entry["format"],
        paths=resolved,
        root=_glob_root(resolved[0]),
        language=entry.get("language"),
        licence=entry.get("licence"),
        licence_evidence="recipe" if entry.get("licence") else None,
        publisher=entry.get("publisher"),
        attribution=entry.get("attribution"),
        retrieved=str(entry["retrieved"]) if entry.get("retrieved") is not None else None,
        profile=entry.get("profile", "default"),
        options=dict(entry.get("options", {})),
        metadata={str(k): str(v) for k, v in entry.get("metadata", {}).items()},
        tdm_reserved=bool(entry.get("tdm_reserved", False)),
        odrl=entry.get("odrl"),
        origin=origin,
    )


def _refuse_non_json(value: Any, key: str, label: str) -> None:
    """Refuse what the manifest (JSON) cannot record, once dates are text: the run writes the
    recipe into ``manifest.json`` and the release documents at its very end, so a value the
    schema did not look at (a ``!!set``, a mapping key YAML read as a number or a boolean: an
    unquoted ``no`` or ``1``) passed ``altedic validate`` and broke the run after all its work.
    YAML's ``.nan`` passes every range check of the schema (each comparison with NaN is false)
    and then broke the run (``shard_size_mb: .nan``) or turned a rule off without a word."""
    where = key or None
    if isinstance(value, float) and math.isnan(value):
        raise ConfigError("NaN is not a value a recipe can hold", file=label, key=where)
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ConfigError(
                    f"the key {k!r} is not text (YAML reads unquoted numbers, yes/no and on/off as numbers and "
                    "booleans): quote it",
                    file=label,
                    key=where,
                )
            _refuse_non_json(v, f"{key}.{k}" if key else k, label)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _refuse_non_json(v, f"{key}[{i}]", label)
    elif value is not None and not isinstance(value, (str, int, float)):  # bool is an int
        raise ConfigError(
            f"a {type(value).__name__} is not a value a recipe can hold (text, number, boolean, null, list or mapping)",
            file=label,
            key=where,
        )


#: Keys of ``release.sources.<name>`` that describe one category only (summary sections 2.3, 2.5).
_CATEGORY_KEYS = {
    "crawler": "crawled",
    "crawler_purpose": "crawled",
    "crawler_behaviour": "crawled",
    "period": "crawled",
    "generating_model": "synthetic",
}


def _check_release_sources(release: dict[str, Any], names: list[str], label: str) -> None:
    """``release.sources`` names sources of the recipe, and a key that describes one category (a
    crawler, a generating model) comes with that category: the summary files a source by its
    category, so either mistake left what the recipe says out of it without a word."""
    for name, entry in (release.get("sources") or {}).items():
        key = f"release.sources.{name}"
        if name not in names:
            raise ConfigError(
                f"no source is named {name!r}{did_you_mean(name, names)}; the recipe's sources: {', '.join(names)}",
                file=label,
                key=key,
            )
        for described, category in _CATEGORY_KEYS.items():
            if (entry or {}).get(described) is not None and (entry or {}).get("category") != category:
                raise ConfigError(
                    f"{described!r} describes a source of category {category!r}: give 'category: {category}' "
                    f"(the summary lists a source under its category, so this would not appear)",
                    file=label,
                    key=f"{key}.{described}",
                )


def load_recipe(path: str | os.PathLike[str], output_override: str | None = None) -> Recipe:
    """Read, validate and resolve a recipe; raise ConfigError naming file and key on any problem."""
    p = Path(path)
    label = str(path)
    if not p.is_file():
        raise ConfigError("recipe file not found", file=label)
    try:
        data = yamlload.safe_load(p.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", file=label) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text: {exc}", file=label) from exc
    # YAML turns unquoted dates into date objects, wherever they are (sources[].retrieved,
    # release.placed_on_market...); the schema expects text and the manifest is JSON.
    data = yamlload.dates_to_text(data)
    _refuse_non_json(data, "", label)
    validate_data(data, label)
    base = p.resolve().parent
    sources: list[SourceSpec] = []
    for i, entry in enumerate(data["sources"]):
        origin = f"{label}:sources[{i}]"
        if "include" in entry:
            from altedic.sources.manifest import load_manifest

            sources.append(load_manifest(_resolve(base, entry["include"])))
            continue
        if entry["format"] not in REGISTRY:
            raise ConfigError(
                f"unknown format {entry['format']!r}; known formats: {', '.join(sorted(REGISTRY))}",
                file=label,
                key=f"sources[{i}].format",
            )
        problems = option_problems(entry.get("options") or {})
        if problems:
            key, problem = problems[0]
            raise ConfigError(problem, file=label, key=f"sources[{i}].options.{key}")
        bad_language = language_problem(entry.get("language"))
        if bad_language:
            raise ConfigError(bad_language, file=label, key=f"sources[{i}].language")
        sources.append(_source_from_entry(entry, base, origin))
    _check_release_sources(data.get("release") or {}, [s.name for s in sources], label)
    seen: dict[str, int] = {}
    for i, s in enumerate(sources):
        if s.name in seen:
            raise ConfigError(
                f"source name {s.name!r} is used twice (sources[{seen[s.name]}] and sources[{i}]); names must be unique",
                file=label,
                key=f"sources[{i}].name",
            )
        seen[s.name] = i
    out = output_override or _resolve(base, data["output"]["path"])
    filters_dir = _resolve(base, data["filters_dir"]) if data.get("filters_dir") else None
    if filters_dir and not Path(filters_dir).is_dir():
        raise ConfigError(f"filters directory {filters_dir} does not exist", file=label, key="filters_dir")
    stages = {k: dict(v) for k, v in (data.get("stages") or {}).items()}
    model = (stages.get("langid") or {}).get("model")
    if isinstance(model, str) and model:
        # a language model file, like every other path of a recipe, relative to its folder
        stages["langid"]["model"] = _resolve(base, model)
    return Recipe(path=str(p.resolve()), data=data, sources=sources, output=out, stages=stages, filters_dir=filters_dir)
