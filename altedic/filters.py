"""Per-language filter settings: ``filters/<lang>.yaml`` over ``filters/default.yaml``.

Language communities tune their language by editing one readable file. Lookup order for a
language code ``xx`` (``sr-Latn`` tries ``sr-Latn`` then ``sr``): the recipe's ``filters_dir``
(if any), then the packaged ``filters/``. The language file is deep-merged over the default.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from altedic import yamlload
from altedic.errors import ConfigError


def _read_text(path: Path | Any, label: str) -> str:
    """The file's text; :class:`ConfigError` naming it when it is not UTF-8 (a raw
    UnicodeDecodeError named neither the file nor the line)."""
    raw: bytes = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (line {line}): {exc}; save the file as UTF-8", file=label) from None


def _read_yaml(path: Path | Any, label: str) -> dict[str, Any]:
    text = _read_text(path, label)
    try:
        data = yamlload.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", file=label) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("a filters file must be a mapping of sections (langid, quality...)", file=label)
    return data


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``over`` merged in: mappings merge recursively, anything else replaces.

    A key of ``over`` with nothing under it (YAML null) where ``base`` has a mapping merges
    nothing: a section whose lines are all commented out (``thresholds:``, ``legal:``,
    ``quality:``, ``langid:``) keeps the defaults under it instead of wiping them out (every rule
    of the language off, the legal profile become the web thresholds). A null that replaces a
    scalar keeps its meaning (a threshold set to null turns its rule off).
    """
    out = copy.deepcopy(base)
    for k, v in over.items():
        if v is None and isinstance(out.get(k), dict):
            continue
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _candidates(filters_dir: str | None, name: str) -> list[tuple[Any, str]]:
    found: list[tuple[Any, str]] = []
    if filters_dir:
        p = Path(filters_dir) / f"{name}.yaml"
        if p.is_file():
            found.append((p, str(p)))
    packaged = resources.files("altedic._filters").joinpath(f"{name}.yaml")
    if packaged.is_file():
        found.append((packaged, f"filters/{name}.yaml"))
    return found


@cache
def load_filters(lang: str | None, filters_dir: str | None = None) -> dict[str, Any]:
    """The merged settings for ``lang`` (default only when ``lang`` is None or has no file).

    The returned dict is shared (cached): treat it as read-only. ``_files`` lists the files used.
    """
    default = _candidates(filters_dir, "default")
    if not default:
        raise ConfigError("filters/default.yaml is missing from the installation")
    path, label = default[0]
    merged = _read_yaml(path, label)
    used = [label]
    if lang:
        for name in (lang, lang.split("-")[0]):
            cands = _candidates(filters_dir, name)
            if cands:
                path, label = cands[0]
                merged = deep_merge(merged, _read_yaml(path, label))
                used.append(label)
                break
    merged["_files"] = used
    return merged


def known_languages(filters_dir: str | None = None) -> list[str]:
    """Language codes that have their own filters file."""
    names = {p.name[:-5] for p in resources.files("altedic._filters").iterdir() if p.name.endswith(".yaml")}
    if filters_dir and Path(filters_dir).is_dir():
        names |= {p.stem for p in Path(filters_dir).glob("*.yaml")}
    names.discard("default")
    return sorted(names)
