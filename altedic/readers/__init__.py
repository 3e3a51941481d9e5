"""Readers: one module per format, each a plain generator ``read(ctx) -> Iterator[Document | ReadError]``.

Formats are registered here by name (the ``format:`` key of a recipe source) as
``module:function`` strings so that importing the package stays cheap and a worker only
imports the readers it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

from altedic.errors import ConfigError
from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import Document, ReadError

Reader = Callable[[ReadContext], Iterator[Document | ReadError]]

#: format name -> "module:function". The recipe schema's ``format`` enum is checked against this.
REGISTRY: dict[str, str] = {
    "jsonl": "altedic.readers.tabular:read_jsonl",
    "csv": "altedic.readers.tabular:read_csv",
    "parquet": "altedic.readers.tabular:read_parquet",
    "text": "altedic.readers.text:read_text",
    "formex": "altedic.readers.formex:read_formex",
    "eurlex_html": "altedic.readers.eurlex_html:read_eurlex_html",
    "akn": "altedic.readers.akn:read_akn",
    "tmx": "altedic.readers.tmx:read_tmx",
    "europarl": "altedic.readers.europarl:read_europarl",
    "jrc_acquis": "altedic.readers.jrc_acquis:read_jrc_acquis",
    "zip": "altedic.readers.archive:read_zip",
    "dcat": "altedic.readers.dcat:read_dcat",
}


def get_reader(fmt: str) -> Reader:
    """Return the reader function registered for ``fmt``; a ConfigError names the known formats."""
    try:
        target = REGISTRY[fmt]
    except KeyError:
        raise ConfigError(f"unknown format '{fmt}'; known formats: {', '.join(sorted(REGISTRY))}") from None
    module_name, func = target.split(":")
    module = importlib.import_module(module_name)
    reader: Reader = getattr(module, func)
    return reader


def option_problems(options: dict[str, Any]) -> list[tuple[str, str]]:
    """(option, message) for each reader option that is wrong whatever the file: checked when a
    recipe is loaded, so that the run stops before any work instead of failing every file.

    ``encoding`` (text, JSONL, CSV) must be a text encoding, ``delimiter`` (CSV) one character,
    ``columns`` and ``keep_fields`` (JSONL, CSV, Parquet) column names, sizes in MB
    (``max_record_mb``, ``max_decompressed_mb``, ``max_total_mb``) positive numbers, counts
    (``max_members``, ``max_ratio``, ``max_depth``) positive integers; the readers check the same
    (with the same messages) for options that come another way (a DCAT catalogue's
    ``reader_options``).
    """
    from altedic.readers.base import COUNT_OPTIONS, SIZE_OPTIONS, count_problem, size_problem
    from altedic.readers.tabular import columns_problem, delimiter_problem, keep_fields_problem
    from altedic.readers.text import encoding_problem

    problems = []
    checks = (
        ("encoding", encoding_problem),
        ("delimiter", delimiter_problem),
        ("columns", columns_problem),
        ("keep_fields", keep_fields_problem),
    )
    for key, check in checks:
        if key in options and (problem := check(options[key])):
            problems.append((key, problem))
    for key in sorted(set(options) & set(SIZE_OPTIONS)):
        if problem := size_problem(options[key]):
            problems.append((key, problem))
    for key in sorted(set(options) & set(COUNT_OPTIONS)):
        if problem := count_problem(options[key]):
            problems.append((key, problem))
    return problems


__all__ = ["REGISTRY", "ReadContext", "Reader", "SourceInfo", "get_reader", "option_problems"]
