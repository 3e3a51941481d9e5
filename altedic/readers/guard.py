"""What the read step checks on every reader's output, whatever the format.

Two faults no single reader can rule out for every input, each found by feeding readers hostile
files (twenty-sixth session):

* **A lone surrogate** (U+D800-U+DFFF on its own, half of a UTF-16 pair) in any string of a
  document. Python holds it, but it is not Unicode text: UTF-8, Arrow and Beam's coders refuse
  it, so one such document stopped the whole run where it was first encoded. It gets in through
  escapes that name a code point (a JSON or Turtle ``\\ud83d``, a Formex quotation-mark code),
  through codecs such as UTF-7, and through file names that are not UTF-8 (Python reads their
  bytes as surrogates). :func:`lone_surrogate_field` finds it; :func:`surrogate_error` turns the
  document into an ``encoding`` error that names the field, so the document is counted and the
  run goes on.
* **An exception a reader did not foresee** (a codec that is not a text codec, a nesting that
  exhausts the recursion limit, a compression method zlib does not know...). It used to stop
  the run: :func:`reader_failure` makes it one ``reader-fault`` error of that file, with the
  position reached, and logs the traceback. Readers still raise
  :class:`~altedic.errors.InputError` for the failures they know; ``reader-fault`` in a run's
  errors is a fault of altedic to report, not of the input alone.

Error records themselves must be writable too: :func:`clean_error` replaces lone surrogates in
their strings (a message quoting the bad text, a file name) by U+FFFD.
"""

from __future__ import annotations

import logging
import operator
import re

from altedic.errors import InputError
from altedic.records import Document, ReadError

log = logging.getLogger(__name__)

#: a lone surrogate: the one pattern the readers look for it with
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

#: Document fields holding one string (or None), checked besides ``text`` and ``metadata``.
_STRING_FIELDS = (
    "id",
    "source",
    "uri",
    "position",
    "format",
    "doc_ref",
    "title",
    "url",
    "date",
    "retrieved",
    "publisher",
    "licence",
    "licence_evidence",
    "attribution",
    "profile",
    "declared_lang",
)

_get_strings = operator.attrgetter(*_STRING_FIELDS)


def has_lone_surrogate(s: str) -> bool:
    """Whether ``s`` holds a lone surrogate.

    UTF-8 encoding is the test: about ten times as fast as a regex scan (3-6 us against 37 us on
    5,000 characters, measured), and free for ASCII text.
    """
    if s.isascii():
        return False
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def lone_surrogate_field(doc: Document) -> str | None:
    """Name of the first field of ``doc`` holding a lone surrogate (``metadata['k']``), or None.

    ``text`` is checked on its own; the short fields are joined and checked once, and only when
    that finds one is the field looked for.
    """
    if has_lone_surrogate(doc.text):
        return "text"
    short = [v for v in _get_strings(doc) if isinstance(v, str) and not v.isascii()]
    for k, v in doc.metadata.items():
        if not k.isascii():
            short.append(k)
        if isinstance(v, str) and not v.isascii():
            short.append(v)
    if not short or not has_lone_surrogate("\0".join(short)):
        return None
    for name in _STRING_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, str) and LONE_SURROGATE.search(value):
            return name
    for k, v in doc.metadata.items():
        if LONE_SURROGATE.search(k) or (isinstance(v, str) and LONE_SURROGATE.search(v)):
            return f"metadata[{replace_surrogates(k)!r}]"
    return None  # pragma: no cover -- the joined search found one, so a field holds it


def replace_surrogates(s: str) -> str:
    """``s`` with every lone surrogate replaced by U+FFFD."""
    return LONE_SURROGATE.sub("\ufffd", s)


def surrogate_error(doc: Document, field: str) -> ReadError:
    """The ``encoding`` error that replaces a document with a lone surrogate in ``field``."""
    value = doc.text if field == "text" else None
    if value is None and not field.startswith("metadata["):
        value = getattr(doc, field)
    where = ""
    if isinstance(value, str):
        m = LONE_SURROGATE.search(value)
        if m is not None:
            where = f" (U+{ord(m.group()):04X} at character {m.start()})"
    return clean_error(
        ReadError(
            source=doc.source,
            uri=doc.uri,
            position=doc.position,
            message=(
                f"{field} holds a lone surrogate{where}: half of a UTF-16 pair, which is not Unicode "
                "text (an escape such as \\ud83d, a cut emoji, or bytes that are not UTF-8); "
                "the document is not kept"
            ),
            kind="encoding",
        )
    )


def clean_error(err: ReadError) -> ReadError:
    """``err`` with lone surrogates in its strings replaced by U+FFFD (so that it can be written)."""
    if LONE_SURROGATE.search("\0".join((err.source, err.uri, err.position, err.message, err.kind))):
        return ReadError(
            source=replace_surrogates(err.source),
            uri=replace_surrogates(err.uri),
            position=replace_surrogates(err.position),
            message=replace_surrogates(err.message),
            kind=replace_surrogates(err.kind),
        )
    return err


def reader_failure(exc: Exception, source: str, fmt: str, uri: str, items: int) -> ReadError:
    """The error record of a file whose reader raised ``exc`` after yielding ``items`` items.

    An :class:`InputError` is the reader's own verdict (kind ``input``, its position). Anything
    else is unforeseen (kind ``reader-fault``): its traceback goes to the log, and the record
    says how far the reader got.
    """
    if isinstance(exc, InputError):
        return clean_error(
            ReadError(source=source, uri=exc.uri or uri, position=exc.position, message=exc.message, kind="input")
        )
    log.warning("the %s reader failed on %s after %d items", fmt, replace_surrogates(uri), items, exc_info=exc)
    name = type(exc).__qualname__
    if type(exc).__module__ != "builtins":
        name = f"{type(exc).__module__}.{name}"  # zlib.error, not error
    detail = replace_surrogates(str(exc))
    if len(detail) > 300:
        detail = detail[:300] + "..."
    return clean_error(
        ReadError(
            source=source,
            uri=uri,
            position=f"after item {items}" if items else "file",
            message=(
                f"the {fmt} reader failed unexpectedly ({name}: {detail}); the rest of "
                "the file is not read. This is a fault of altedic on an input it did not foresee: "
                "please report it with the file"
            ),
            kind="reader-fault",
        )
    )


__all__ = [
    "LONE_SURROGATE",
    "clean_error",
    "has_lone_surrogate",
    "lone_surrogate_field",
    "reader_failure",
    "replace_surrogates",
    "surrogate_error",
]
