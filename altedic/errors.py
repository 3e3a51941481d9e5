"""The project's error hierarchy, named by policy (see docs and DESIGN.md).

* :class:`ConfigError` -- a bad recipe, filters file or option: stops the run before any work.
  The message names the file, the key and what is allowed.
* :class:`InputError` -- a bad input file or record: recorded in ``OUT/errors/`` with file and
  position, the run goes on (bounded by ``--max-error-rate``).
* :class:`RunError` -- the run finished but its results cannot be trusted (accounting identity
  broken, too many errors, output already exists): the run fails with a readable message.

Anything else that escapes is a bug and fails the run with a traceback; except from a reader,
where it ends that file only, as one error of kind ``reader-fault`` (:mod:`altedic.readers.guard`),
so that one input nobody foresaw cannot stop a run.
"""

from __future__ import annotations

from collections.abc import Iterable


class AltedicError(Exception):
    """Base class of every error altedic raises on purpose."""


class ConfigError(AltedicError):
    """A recipe, filters file, manifest or option is wrong. Raised before any work starts."""

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None) -> None:
        self.file = file
        self.key = key
        self.message = message
        where = ""
        if file:
            where = f"{file}: "
        if key:
            where += f"at '{key}': "
        super().__init__(where + message)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` with the closest of ``choices`` to a mistyped ``word``, or ""."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class InputError(AltedicError):
    """One input (a file, an archive member, a record) cannot be read.

    ``position`` says where in ``uri``: ``line 12``, ``byte 4096``, ``member a/b.xml``,
    ``tu 17``, ``row 3``... Readers raise it (or yield :class:`altedic.records.ReadError`)
    and the pipeline records it in ``OUT/errors/`` and goes on.
    """

    def __init__(self, message: str, *, uri: str = "", position: str = "") -> None:
        self.uri = uri
        self.position = position
        self.message = message
        super().__init__(f"{uri}{' @ ' + position if position else ''}: {message}" if uri else message)


class RunError(AltedicError):
    """A run cannot be completed or its output cannot be trusted."""
