"""``format: dcat`` is not a per-file document reader.

A DCAT-AP catalogue describes datasets and their distributions; the driver expands it into one
source per distribution (:func:`altedic.sources.dcat.expand_catalogue`) and decides each
distribution's licence before anything is read. The name is registered in
:data:`altedic.readers.REGISTRY` only so that recipes can use it; reaching this reader means the
expansion was skipped, which is explained rather than silently reading nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from altedic.errors import InputError
from altedic.readers.base import ReadContext
from altedic.records import Document, ReadError


def read_dcat(ctx: ReadContext) -> Iterator[Document | ReadError]:
    """Always raises InputError: DCAT catalogues are expanded by the driver, never read as documents."""
    raise InputError(
        "a DCAT catalogue is not read as documents: the driver expands it into its distributions "
        "(altedic.sources.dcat.expand_catalogue) and reads each with the reader for its format; "
        f"source '{ctx.source.name}' reached the dcat reader, so the expansion step was skipped",
        uri=ctx.uri,
    )
    yield  # pragma: no cover  (makes this a generator, like every reader)
