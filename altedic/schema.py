"""Load the versioned data contracts in ``schemas/*.json`` as pyarrow schemas.

Helpers :func:`kv_to_dict` and :func:`kv_columns` turn the key/value list columns back into
dicts or flat (row, key, value) arrays.

The Arrow schema is written explicitly to every shard; it is never inferred from data, so
a shard whose first document lacks an optional field has exactly the same schema as the others.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import pyarrow.compute

from altedic.errors import ConfigError

_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "float64": pa.float64(),
    "int64": pa.int64(),
    "bool": pa.bool_(),
    # Key/value collections whose keys vary between documents (metadata, quality signals, PII
    # counts, alternative languages) are lists of {key, value} structs, sorted by key. Not Arrow
    # maps: Hugging Face `datasets` cannot load map columns (huggingface/datasets#5612), and a
    # list of structs reads everywhere (pyarrow, polars, duckdb, datatrove, datasets).
    "list<struct<key:string,value:string>>": pa.list_(pa.struct([("key", pa.string()), ("value", pa.string())])),
    "list<struct<key:string,value:float64>>": pa.list_(pa.struct([("key", pa.string()), ("value", pa.float64())])),
    "list<struct<key:string,value:int64>>": pa.list_(pa.struct([("key", pa.string()), ("value", pa.int64())])),
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
            raise ConfigError(
                f"unknown type '{f['type']}' for field '{f['name']}'", file=f"schemas/{name}.json"
            ) from None
        fields.append(pa.field(f["name"], typ, nullable=f["nullable"], metadata={"description": f["description"]}))
    return pa.schema(fields, metadata={"altedic.schema": spec["name"], "altedic.schema_version": str(spec["version"])})


DOCUMENT_SCHEMA = "document.v1"
REJECTED_SCHEMA = "rejected.v1"
ERROR_SCHEMA = "error.v1"
PARALLEL_SCHEMA = "parallel.v1"


def kv_to_dict(value: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A key/value list column value (as ``to_pylist`` gives it) as a dict."""
    return {kv["key"]: kv["value"] for kv in value or []}


def kv_columns(arr: pa.Array | pa.ChunkedArray) -> tuple[Any, pa.Array, pa.Array]:
    """Flatten a key/value list column: (parent row index per entry (numpy), keys, values)."""
    import numpy as np

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if isinstance(arr, pa.MapArray):
        # Not written by altedic (its contracts store lists of structs), but readable alike.
        offsets = arr.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
        parents = np.repeat(np.arange(len(arr)), np.diff(offsets))
        start, end = int(offsets[0]), int(offsets[-1])
        return parents, arr.keys.slice(start, end - start), arr.items.slice(start, end - start)
    parents = pa.compute.list_parent_indices(arr).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pa.compute.list_flatten(arr)
    return parents, flat.field("key"), flat.field("value")


#: Document fields stored as lists of {key, value} structs.
KV_FIELDS = ("lang_alternatives", "metadata", "quality", "pii")


def to_row(record: dict[str, Any]) -> dict[str, Any]:
    """A document/rejected record (``Document.to_dict()``) as a row of the contract: the dict
    fields become key-sorted lists of ``{key, value}`` structs."""
    row = dict(record)
    for col in KV_FIELDS:
        if col in row:
            value = row[col]
            if isinstance(value, dict):
                row[col] = [{"key": k, "value": v} for k, v in sorted(value.items())]
    return row
