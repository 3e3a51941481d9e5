"""Per-language filter settings: ``filters/<lang>.yaml`` over ``filters/default.yaml``.

Language communities tune their language by editing one readable file. Merge order for a
language code ``xx``: the packaged ``filters/default.yaml``, the recipe's ``filters_dir``
``default.yaml`` (if any), the packaged ``filters/xx.yaml``, the recipe's ``xx.yaml`` (for a
variant ``sr-Latn``: the ``sr`` files, then the ``sr-Latn`` ones): each file is deep-merged
over the ones before it (:func:`load_filters`), so a recipe's file holds only its changes.

A recipe's ``filters_dir`` is read once, where the pipeline is built, into a
:class:`FiltersSnapshot` that travels inside the pickled stage settings: Beam workers (which may
not see the driver's disk) never read the directory, and use exactly the files the driver
checked. :func:`load_filters` and :func:`known_languages` take a snapshot or a path.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from altedic import yamlload
from altedic.errors import ConfigError, did_you_mean
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
            hint = f" (it belongs under '{where}:')" if where else did_you_mean(str(key), SECTIONS)
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
                f"unknown key {key!r}{did_you_mean(str(key), LANGID_KEYS)}; allowed: {', '.join(LANGID_KEYS)}",
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
            hint = did_you_mean(stem.lower(), ["default", *known_languages()])
            raise ConfigError(
                f"{stem!r} is not a language code altedic knows{hint}: a filters file is default.yaml or "
                "<code>.yaml, with the code as altedic writes it (mt.yaml, sr-Latn.yaml)",
                file=str(p),
            )
        if p.name != f"{right}.yaml":
            raise ConfigError(f"is never read: rename it to {right}.yaml", file=str(p))


@dataclass(frozen=True)
class FiltersSnapshot:
    """The YAML files of a filters directory, read once (frozen and hashable: a cache key).

    ``files`` are ``(name without .yaml, text)`` pairs sorted by name; ``directory`` is only
    used to name the files in messages and in the ``_files`` of :func:`load_filters`.
    """

    directory: str
    files: tuple[tuple[str, str], ...]

    def text(self, name: str) -> str | None:
        """The text of ``<name>.yaml``, or None when the directory has no such file."""
        for n, text in self.files:
            if n == name:
                return text
        return None

    def label(self, name: str) -> str:
        return str(Path(self.directory) / f"{name}.yaml")

    def __repr__(self) -> str:  # the names, not every file's text
        return f"FiltersSnapshot({self.directory!r}, {[n for n, _ in self.files]})"


FiltersSource = FiltersSnapshot | str | None
"""Where a recipe's filters files come from: a snapshot, a directory path, or none (packaged only)."""


def snapshot(filters_dir: str) -> FiltersSnapshot:
    """Read every filters file of ``filters_dir`` (after :func:`check_names`) into a snapshot.

    Raises :class:`ConfigError` for a misnamed file or a file that is not UTF-8.
    """
    check_names(filters_dir)
    files = []
    for p in sorted(Path(filters_dir).glob("*.yaml")):
        if p.is_file() and not p.name.startswith("."):
            files.append((p.name[:-5], _read_text(p, str(p))))
    return FiltersSnapshot(str(filters_dir), tuple(files))


@cache
def _snapshot_of(filters_dir: str) -> FiltersSnapshot:
    return snapshot(filters_dir)


def as_snapshot(filters: FiltersSource) -> FiltersSnapshot | None:
    """``filters`` as a snapshot (a path is read once per process), or None."""
    if isinstance(filters, str):
        return _snapshot_of(filters) if filters else None
    return filters


def _read_yaml(text: str, label: str) -> dict[str, Any]:
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


def _layers(filters: FiltersSnapshot | None, name: str) -> list[tuple[str, str]]:
    """``(text, label)`` of every ``<name>.yaml`` that applies, in merge order: the packaged file,
    then the recipe's copy (which holds only the recipe's changes)."""
    found = []
    packaged = resources.files("altedic._filters").joinpath(f"{name}.yaml")
    if packaged.is_file():
        label = f"filters/{name}.yaml"
        found.append((_read_text(packaged, label), label))
    if filters is not None:
        text = filters.text(name)
        if text is not None:
            found.append((text, filters.label(name)))
    return found


def load_filters(lang: str | None, filters: FiltersSource = None) -> dict[str, Any]:
    """The merged settings for ``lang`` (default only when ``lang`` is None or has no file).

    ``filters``: the recipe's filters, as a :class:`FiltersSnapshot` or a directory path (read
    once per process). The returned dict is shared (cached): treat it as read-only. ``_files``
    lists the files used, in merge order.

    Merge order: the packaged ``default.yaml``, the recipe's ``default.yaml``, then the language's
    files: for ``sr-Latn``, ``sr.yaml`` (packaged, then the recipe's) and then ``sr-Latn.yaml``
    (packaged, then the recipe's). Each file is merged over the ones before it, so a recipe's
    file holds only its changes (a null turns a rule off). Before, a recipe's file replaced the
    packaged one: a ``default.yaml`` setting one threshold turned off every rule it did not list,
    the ``legal`` and ``parliament`` profiles and ``langid.mismatch_confidence`` included, without
    a word.
    """
    return _load_filters(lang, as_snapshot(filters))


@cache
def _load_filters(lang: str | None, filters: FiltersSnapshot | None) -> dict[str, Any]:
    if not resources.files("altedic._filters").joinpath("default.yaml").is_file():
        raise ConfigError("filters/default.yaml is missing from the installation")
    defaults = _layers(filters, "default")
    merged: dict[str, Any] = {}
    used = []
    for text, label in defaults:
        data = _read_yaml(text, label)
        check_file(data, label, "default")
        merged = deep_merge(merged, data)
        used.append(label)
    profiles = set(((merged.get("quality") or {}).get("profiles")) or {})
    default_files = list(used)
    if lang:
        # the base language's files, then the variant's (sr, then sr-Latn): each over the ones
        # before it. Before, the first name with any file was taken alone, so a packaged
        # sr-Latn.yaml hid a recipe's sr.yaml.
        names = dict.fromkeys((lang.split("-")[0], lang))
        for name in names:
            for text, label in _layers(filters, name):
                data = _read_yaml(text, label)
                check_file(data, label, name)
                _check_profiles(data, label, profiles, default_files)
                merged = deep_merge(merged, data)
                used.append(label)
    merged["_files"] = used
    return merged


def _check_profiles(data: dict[str, Any], label: str, profiles: set[str], defaults: list[str]) -> None:
    """Refuse a profile in a language's file that no ``default.yaml`` defines.

    A language tunes the profiles the defaults define; a new profile is added to a
    ``default.yaml`` (a recipe's ``filters_dir`` may have one). Before, a misspelt profile
    (``legl:``) was taken as a new profile that no source uses, and the language's legal
    documents kept the default legal thresholds without a word.
    """
    quality = data.get("quality")
    own = quality.get("profiles") if isinstance(quality, dict) else None
    if not isinstance(own, dict):
        return  # a wrong type is reported by the quality stage's checks, with its key
    for name in own:
        if name not in profiles:
            raise ConfigError(
                f"profile {name!r} is not defined in {' or '.join(defaults)}"
                f"{did_you_mean(str(name), profiles)}; defined: {', '.join(sorted(profiles))}. A new "
                "profile is added to a default.yaml (a recipe's filters_dir may have one), then tuned per language",
                file=label,
                key=f"quality.profiles.{name}",
            )


def _clear_cache() -> None:
    """Forget every file read (tests that rewrite files between calls)."""
    _load_filters.cache_clear()
    _snapshot_of.cache_clear()


load_filters.cache_clear = _clear_cache  # type: ignore[attr-defined]


def known_languages(filters: FiltersSource = None) -> list[str]:
    """Language codes that have their own filters file (packaged or the recipe's)."""
    names = {p.name[:-5] for p in resources.files("altedic._filters").iterdir() if p.name.endswith(".yaml")}
    snap = as_snapshot(filters)
    if snap is not None:
        names |= {name for name, _text in snap.files}
    names.discard("default")
    return sorted(names)
