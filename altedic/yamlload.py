"""YAML parsing for recipes, filters and packaged tables: PyYAML's safe loader, in its C
(libyaml) build when PyYAML has it.

The C loader builds the same Python values as the pure-Python ``yaml.safe_load`` (only plain
YAML types, no object tags) about ten times faster; the configuration files are parsed in every
worker process at start-up, so this is start-up time on the critical path of a run. Errors are
``yaml.YAMLError`` either way.
"""

from __future__ import annotations

from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The YAML document ``text`` as plain Python values (like ``yaml.safe_load``)."""
    return yaml.load(text, Loader=_Loader)
