"""YAML parsing for recipes, filters and packaged tables: PyYAML's safe loader, in its C
(libyaml) build when PyYAML has it.

The C loader builds the same Python values as the pure-Python ``yaml.safe_load`` (only plain
YAML types, no object tags) about ten times faster; the configuration files are parsed in every
worker process at start-up, so this is start-up time on the critical path of a run. Errors are
``yaml.YAMLError`` either way.

One difference from ``yaml.safe_load``, on purpose: a key written twice in one mapping is an
error (YAML 1.2 requires keys to be unique; PyYAML keeps the last value without a word, so
``min_words: 20`` followed further down by ``min_words: 500`` silently meant 500). Only the
construction of mappings (Python code in both builds) is changed: the parsing stays in C.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader (C build when available) refusing duplicate keys in a mapping."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, yaml.Node] = {}
            for key_node, _value in node.value:
                if key_node.tag == _MERGE_TAG:  # '<<: *anchor' merges; keys written after it override
                    continue
                key = self.construct_object(key_node, deep=deep)  # memoised: built once
                try:
                    seen = first.setdefault(key, key_node)
                except TypeError:  # an unhashable key: the base constructor reports it
                    continue
                if seen is not key_node:
                    mark = key_node.start_mark
                    raise yaml.constructor.ConstructorError(
                        problem=f"duplicate key {key!r} at line {mark.line + 1}, column {mark.column + 1} "
                        f"(first at line {seen.start_mark.line + 1}); a key may appear once in a mapping"
                    )
        result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return result


def safe_load(text: str) -> Any:
    """The YAML document ``text`` as plain Python values (like ``yaml.safe_load``, but a key
    repeated in a mapping raises ``yaml.YAMLError`` naming the key and its lines)."""
    return yaml.load(text, Loader=_Loader)


def dates_to_text(data: Any) -> Any:
    """``data`` with every date and time YAML built (an unquoted ``2026-01-01`` is a
    ``datetime.date``, ``2026-01-01T10:00:00`` a ``datetime``) replaced by its ISO 8601 text, in
    values and mapping keys at any depth: the schemas expect text, and JSON has no date type."""
    if isinstance(data, dict):
        return {dates_to_text(k): dates_to_text(v) for k, v in data.items()}
    if isinstance(data, list):
        return [dates_to_text(v) for v in data]
    if isinstance(data, _dt.date):  # datetime.datetime is a date too
        return data.isoformat()
    return data
