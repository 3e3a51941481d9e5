"""Per-language filter settings: ``filters/<lang>.yaml`` over ``filters/default.yaml``.

Language communities tune their language by editing one readable file. Lookup order for a
language code ``xx`` (``sr-Latn`` tries ``sr-Latn`` then ``sr``): the recipe's ``filters_dir``
(if any), then the packaged ``filters/``. The language file is deep-merged over the default.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from altedic import yamlload
from altedic.errors import ConfigError
from altedic.langid.codes import normalise_lang


def _read_text(path: Path | Any, label: str) -> str:
    """The file's text; :class:`ConfigError` naming it when it is not UTF-8 (a raw
    UnicodeDecodeError named neither the file nor the line)."""
    raw: bytes = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (line {line}): {exc}; save the file as UTF-8", file=label) from None


SECTIONS: tuple[str, ...] = ("language", "name", "langid", "quality")
"""The top-level keys of a filters file (filters/default.yaml documents each)."""
LANGID_KEYS: tuple[str, ...] = ("min_confidence", "mismatch_confidence", "typical_confidence")
"""The keys of a filters file's ``langid:`` block (read by :mod:`altedic.langid.stage`)."""
_YAML_SUFFIXES = (".yaml", ".yml")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_file(data: dict[str, Any], label: str, name: str) -> None:
    """Check one file's top-level sections, its ``langid:`` keys and its ``language:`` value.

    ``name`` is the file's name without ``.yaml`` (``default`` or a language code). The
    ``quality:`` block is checked merged, by :func:`altedic.quality.stage.parse_section`. A
    misspelt section (``qualty:``) or key (``min_confidance``) was ignored without a word: the
    defaults applied and the file looked fine.
    """
    from altedic.quality.stage import SECTION_KEYS as quality_keys

    for key in data:
        if key not in SECTIONS:
            where = "quality" if key in quality_keys else "langid" if key in LANGID_KEYS else None
            hint = f" (it belongs under '{where}:')" if where else _did_you_mean(str(key), SECTIONS)
            raise ConfigError(f"unknown section {key!r}{hint}; allowed: {', '.join(SECTIONS)}", file=label)
    language = data.get("language")
    if "language" in data and language != name:
        raise ConfigError(f"is {language!r}, but the file is {name}.yaml: write {name}", file=label, key="language")
    if "name" in data and not isinstance(data["name"], str):
        raise ConfigError(f"must be a text (the language's name), got {data['name']!r}", file=label, key="name")
    langid = data.get("langid")
    if langid is not None and not isinstance(langid, dict):
        raise ConfigError(f"must be a mapping of {', '.join(LANGID_KEYS)}", file=label, key="langid")
    for key in langid or {}:
        if key not in LANGID_KEYS:
            raise ConfigError(
                f"unknown key {key!r}{_did_you_mean(str(key), LANGID_KEYS)}; allowed: {', '.join(LANGID_KEYS)}",
                file=label,
                key=f"langid.{key}",
            )


def check_names(filters_dir: str) -> None:
    """Refuse a YAML file in ``filters_dir`` that no lookup would ever read.

    A language's file is read as ``<code>.yaml``, ``<code>`` as :func:`normalise_lang` writes it
    (``mt``, ``sr-Latn``); ``mt.yml``, ``MT.yaml``, ``mlt.yaml`` or ``xx.yaml`` were ignored
    without a word. Files that are not YAML (``README``, ``__init__.py``) and hidden files are
    left alone.
    """
    for p in sorted(Path(filters_dir).iterdir()):
        suffix = p.suffix.lower()
        if p.name.startswith(".") or suffix not in _YAML_SUFFIXES or not p.is_file():
            continue
        stem = p.name[: -len(p.suffix)]
        right = "default" if stem.lower() == "default" else normalise_lang(stem)
        if right is None:
            hint = _did_you_mean(stem.lower(), ["default", *known_languages()])
            raise ConfigError(
                f"{stem!r} is not a language code altedic knows{hint}: a filters file is default.yaml or "
                "<code>.yaml, with the code as altedic writes it (mt.yaml, sr-Latn.yaml)",
                file=str(p),
            )
        if p.name != f"{right}.yaml":
            raise ConfigError(f"is never read: rename it to {right}.yaml", file=str(p))


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
    if filters_dir:
        check_names(filters_dir)
    default = _candidates(filters_dir, "default")
    if not default:
        raise ConfigError("filters/default.yaml is missing from the installation")
    path, label = default[0]
    merged = _read_yaml(path, label)
    check_file(merged, label, "default")
    used = [label]
    if lang:
        for name in (lang, lang.split("-")[0]):
            cands = _candidates(filters_dir, name)
            if cands:
                path, label = cands[0]
                data = _read_yaml(path, label)
                check_file(data, label, name)
                merged = deep_merge(merged, data)
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
