"""Contributed source manifests: a small YAML/JSON file with which a language community offers a source.

The format is the JSON Schema ``schemas/source-manifest.v1.json`` (docs/sources.md explains
each field). :func:`validate_manifest` returns readable problems, each naming the field and the
fix; :func:`load_manifest` turns a valid manifest into a :class:`SourceSpec` (raising
ConfigError with every problem otherwise). Relative locations resolve against the manifest's
directory, which is also the source root (so document ids do not depend on where the
repository is checked out).
"""

from __future__ import annotations

import difflib
import json
import os
from functools import cache
from importlib import resources
from typing import Any

import yaml

from altedic import yamlload
from altedic.errors import ConfigError
from altedic.sources import SourceSpec

SCHEMA_NAME = "source-manifest.v1.json"

#: How to fix each field, appended to the schema's complaint.
FIXES: dict[str, str] = {
    "manifest_version": "write `manifest_version: 1`",
    "name": "use 2-64 lower-case letters, digits, '.', '_' or '-', e.g. `name: mt-community-news`",
    "contact": "give an e-mail address (`contact: someone@example.org`) or `contact: {name: ..., email: ...}`",
    "languages": 'list ISO 639-1 codes (ISO 639-3 where no 639-1 exists), quoted if YAML could read them as booleans: `languages: [mt, ga, "no"]`',
    "format": "name one of the readers (see `altedic sources validate --help` or docs/formats.md)",
    "location": "give a path or glob relative to the manifest, e.g. `location: data/*.jsonl`",
    "licence": "give the licence as an SPDX id (`CC-BY-4.0`), a licence IRI, or its full name",
    "rights_holder": "name who holds the rights on the texts",
    "attribution": "give the attribution text, e.g. `© Kunsill Nazzjonali għall-Ilsien Malti, CC BY 4.0`",
    "personal_data": "write `personal_data: false` (or true, none, pseudonymised, contains)",
    "tdm_reservation": "write true or false",
    "retrieved": "write the date as YYYY-MM-DD",
    "profile": "use a quality profile name such as default, web, legal, parliament",
    "options": "give a mapping of reader options",
    "odrl": "give the ODRL policy as a JSON-LD object",
    "url": "give the home page as a string",
    "description": "give a sentence or two as a string",
}


@cache
def manifest_schema() -> dict[str, Any]:
    """The JSON Schema of contributed source manifests (``schemas/source-manifest.v1.json``)."""
    text = resources.files("altedic._schemas").joinpath(SCHEMA_NAME).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def read_manifest_file(path: str) -> Any:
    """Parse a manifest file (YAML, of which JSON is a subset). Raises ConfigError naming the file."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        raise ConfigError(f"cannot read the manifest: {exc.strerror or exc}", file=path) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"the manifest is not UTF-8 text: {exc}", file=path) from exc
    try:
        return yamlload.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML/JSON: {exc}", file=path) from exc


def _field(path: list[Any]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def validate_manifest(data: Any, base_dir: str | None = None) -> list[str]:
    """Every problem of a parsed manifest, as sentences naming the field and the fix (empty = valid).

    With ``base_dir`` (the manifest's directory) it also checks that the location matches files.
    """
    import jsonschema

    from altedic.readers import REGISTRY

    if not isinstance(data, dict):
        return [
            "(top level): a manifest must be a mapping of fields (name, contact, languages, format, location, licence, ...)"
        ]
    data = yamlload.dates_to_text(data)
    schema = manifest_schema()
    problems: list[str] = []
    validator = jsonschema.Draft202012Validator(schema)
    known = list(schema["properties"])
    for err in sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        path = list(err.absolute_path)
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else "?"
            problems.append(f"{missing}: required field is missing; {FIXES.get(missing, 'add it')}")
            continue
        if err.validator == "additionalProperties" and not path:
            extra = sorted(set(err.instance) - set(known))
            for k in extra:
                close = difflib.get_close_matches(str(k), known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"allowed fields: {', '.join(known)}"
                problems.append(f"{k}: unknown field; {hint}")
            continue
        top = str(path[0]) if path else ""
        value = err.instance
        if top == "languages" and isinstance(value, bool):
            problems.append(f'{_field(path)}: YAML read an unquoted code as {value!r}; quote it (`"no"`)')
            continue
        shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
        what = (
            err.message
            if err.validator in ("const", "enum", "minItems", "uniqueItems")
            else f"{shown} is not valid ({err.validator})"
        )
        problems.append(f"{_field(path)}: {what}; {FIXES.get(top, 'see schemas/source-manifest.v1.json')}")
    langs = data.get("languages")
    if isinstance(langs, list):
        from altedic.recipe import language_problem

        for i, code in enumerate(langs):
            problem = language_problem(code) if isinstance(code, str) else None
            if problem:
                problems.append(f"languages[{i}]: {problem}")
    fmt = data.get("format")
    if isinstance(fmt, str) and fmt not in REGISTRY:
        close = difflib.get_close_matches(fmt, list(REGISTRY), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known formats: {', '.join(sorted(REGISTRY))}"
        problems.append(f"format: unknown reader '{fmt}'; {hint}")
    if isinstance(data.get("options"), dict):
        from altedic.readers import option_problems

        problems.extend(f"options.{key}: {message}" for key, message in option_problems(data["options"]))
    if base_dir is not None and isinstance(data.get("location"), str | list):
        from altedic.sources import files

        for loc in _locations(data):
            if "://" in loc:
                problems.append(
                    f"location: '{loc}' is a URL; the pipeline reads local files only: download it and give the local path"
                )
                continue
            # checked before listing: `/**` or `../../**` would walk the whole machine
            escape = _leaves_folder(base_dir, loc)
            matched: list[str] = []
            if escape is None:
                # the files the run will read: the same pattern (location_path) through the same
                # listing (files.match), so that a `**` or a link cannot bring in a file unchecked
                try:
                    matched = files.match(location_path(base_dir, loc))
                except ConfigError as exc:
                    problems.append(f"location: '{loc}' cannot be listed: {exc}")
                    continue
                bad = files.outside(matched, base_dir)
                escape = None if bad is None else files.escape_reason(bad[0], bad[1], base_dir)
            if escape is not None:
                problems.append(f"location: '{loc}' {escape}; {files.CONFINED}")
            elif not matched:
                problems.append(
                    f"location: '{loc}' matches no file (looked in {base_dir}); check the path, relative to the manifest"
                )
    return problems


def location_path(base_dir: str, loc: str) -> str:
    """The path or glob that the run lists for the manifest location ``loc``."""
    return loc if os.path.isabs(loc) else os.path.normpath(os.path.join(base_dir, loc))


def _leaves_folder(base_dir: str, loc: str) -> str | None:
    """Why ``loc``, as written, reaches outside ``base_dir`` (None when it does not).

    A manifest comes from outside the project: with an absolute path, a ``..`` or a symbolic link
    its location could name any file the build machine can read (``/etc``, a key in the home
    folder), whose text would then be read into the corpus as the contributor's documents. Links
    are checked on the files the location matches (:func:`altedic.sources.files.outside`), here
    and again when the run lists them (``SourceSpec.confine``).
    """
    if os.path.isabs(loc) or os.path.splitdrive(loc)[0]:
        return "is an absolute path"
    root = os.path.realpath(base_dir)
    lexical = os.path.normpath(os.path.join(root, loc))
    if lexical != root and not lexical.startswith(root + os.sep):
        return "leads out of the manifest's folder (..)"
    return None


def _locations(data: dict[str, Any]) -> list[str]:
    loc = data.get("location")
    return [loc] if isinstance(loc, str) else [x for x in (loc or []) if isinstance(x, str)]


def manifest_to_spec(data: dict[str, Any], path: str) -> SourceSpec:
    """A :class:`SourceSpec` from a validated manifest read from ``path``."""
    data = yamlload.dates_to_text(data)
    base = os.path.dirname(os.path.abspath(path))
    langs: list[str] = list(data["languages"])
    contact = data["contact"]
    contact_text = (
        contact
        if isinstance(contact, str)
        else " ".join(
            x
            for x in (
                contact.get("name"),
                f"<{contact['email']}>",
                f"({contact['organisation']})" if contact.get("organisation") else None,
            )
            if x
        )
    )
    pd = data["personal_data"]
    personal = {True: "contains", False: "none"}.get(pd, pd) if isinstance(pd, bool) else str(pd)
    metadata = {
        "manifest": os.path.abspath(path),
        "contact": contact_text,
        "rights_holder": data["rights_holder"],
        "personal_data": personal,
        "languages": ",".join(langs),
    }
    for k in ("description", "url"):
        if data.get(k):
            metadata[k] = str(data[k])
    return SourceSpec(
        name=data["name"],
        format=data["format"],
        paths=[location_path(base, loc) for loc in _locations(data)],
        root=base,
        language=langs[0] if len(langs) == 1 else None,
        licence=data["licence"],
        licence_evidence=f"source manifest {os.path.basename(path)} field 'licence'",
        publisher=data["rights_holder"],
        attribution=data["attribution"],
        retrieved=data.get("retrieved"),
        profile=data.get("profile", "default"),
        options=dict(data.get("options") or {}),
        metadata=metadata,
        tdm_reserved=bool(data.get("tdm_reservation", False)),
        odrl=data.get("odrl"),
        origin=path,
        confine=base,
    )


def load_manifest(path: str) -> SourceSpec:
    """Load and validate a contributed source manifest; ConfigError lists every problem with its fix."""
    data = read_manifest_file(path)
    problems = validate_manifest(data, os.path.dirname(os.path.abspath(path)))
    if problems:
        raise ConfigError(
            f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the source manifest:\n  - "
            + "\n  - ".join(problems),
            file=path,
        )
    return manifest_to_spec(data, path)


__all__ = ["FIXES", "load_manifest", "manifest_schema", "manifest_to_spec", "read_manifest_file", "validate_manifest"]
