"""Load the versioned data contracts in ``schemas/*.json`` as pyarrow schemas.

The Arrow schema is written explicitly to every shard; it is never inferred from data, so
a shard whose first document lacks an optional field has exactly the same schema as the others.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa

from altedic.errors import ConfigError

_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "float64": pa.float64(),
    "int64": pa.int64(),
    "bool": pa.bool_(),
    "map<string,string>": pa.map_(pa.string(), pa.string()),
    "map<string,float64>": pa.map_(pa.string(), pa.float64()),
    "map<string,int64>": pa.map_(pa.string(), pa.int64()),
    "list<string>": pa.list_(pa.string()),
}


@cache
def load_contract(name: str) -> dict[str, Any]:
    """Return the JSON contract ``schemas/<name>.json`` (e.g. ``document.v1``), ``extends`` resolved."""
    try:
        text = resources.files("altedic._schemas").joinpath(f"{name}.json").read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no schema named '{name}' in schemas/") from None
    spec: dict[str, Any] = json.loads(text)
    if "extends" in spec:
        base = load_contract(spec["extends"])
        overrides = spec.get("override_nullable", {})
        base_fields = [dict(f, nullable=overrides.get(f["name"], f["nullable"])) for f in base["fields"]]
        spec = dict(spec, fields=base_fields + spec["fields"])
    return spec


@cache
def arrow_schema(name: str) -> pa.Schema:
    """The pyarrow schema of contract ``name`` with the contract name and version in its metadata."""
    spec = load_contract(name)
    fields = []
    for f in spec["fields"]:
        try:
            typ = _TYPES[f["type"]]
        except KeyError:
            raise ConfigError(f"unknown type '{f['type']}' for field '{f['name']}'", file=f"schemas/{name}.json") from None
        fields.append(pa.field(f["name"], typ, nullable=f["nullable"], metadata={"description": f["description"]}))
    return pa.schema(fields, metadata={"altedic.schema": spec["name"], "altedic.schema_version": str(spec["version"])})


DOCUMENT_SCHEMA = "document.v1"
REJECTED_SCHEMA = "rejected.v1"
ERROR_SCHEMA = "error.v1"
PARALLEL_SCHEMA = "parallel.v1"
