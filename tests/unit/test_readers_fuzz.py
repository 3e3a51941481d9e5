"""Property-based tests: random bytes and random JSON/XML structures fed to every reader.

No reader may hang or raise anything but the project's own error types: a reader yields
documents and ReadErrors, or raises InputError for a file it cannot read at all.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altedic.errors import AltedicError
from altedic.readers import REGISTRY, get_reader
from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import Document, ReadError

# dcat sources are expanded by the driver, not read per file (its reader only explains that).
FORMATS = sorted(f for f in REGISTRY if f != "dcat")
FUZZ = settings(max_examples=40, deadline=10_000, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


def _feed(fmt: str, data: bytes) -> list[Document | ReadError]:
    ctx = ReadContext(
        source=SourceInfo(name="fuzz", format=fmt), uri=f"fuzz.{fmt}", rel="fuzz", opener=lambda: io.BytesIO(data)
    )
    out: list[Document | ReadError] = []
    try:
        for item in get_reader(fmt)(ctx):
            assert isinstance(item, (Document, ReadError)), type(item)
            out.append(item)
    except AltedicError:
        pass
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes(fmt: str, data: bytes) -> None:
    _feed(fmt, data)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["text", "id", "lang", "x"]), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(rows=st.lists(json_values, max_size=8))
def test_random_json_structures(rows: list[Any]) -> None:
    data = "\n".join(json.dumps(r) for r in rows).encode("utf-8")
    docs = [d for d in _feed("jsonl", data) if isinstance(d, Document)]
    assert len(docs) == sum(1 for r in rows if isinstance(r, dict) and isinstance(r.get("text"), str))


TAGS = [
    "tmx",
    "header",
    "body",
    "tu",
    "tuv",
    "seg",
    "prop",
    "bpt",
    "ept",
    "ph",
    "ACT",
    "TITLE",
    "P",
    "ARTICLE",
    "TI.ART",
    "PARAG",
    "NOTE",
    "QUOT.START",
    "QUOT.END",
    "QUOT.S",
    "LG.DOC",
    "akomaNtoso",
    "act",
    "preface",
    "preamble",
    "article",
    "num",
    "heading",
    "content",
    "p",
    "authorialNote",
    "FRBRlanguage",
    "TEI.2",
    "teiHeader",
    "text",
    "div",
    "CHAPTER",
    "SPEAKER",
    "html",
    "div",
    "span",
]


def _xml(node: Any) -> str:
    if isinstance(node, str):
        return node.replace("&", "&amp;").replace("<", "&lt;")
    tag, attrs, children = node
    a = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<{tag}{a}>" + "".join(_xml(c) for c in children) + f"</{tag}>"


xml_nodes = st.recursive(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    lambda children: st.tuples(
        st.sampled_from(TAGS),
        st.dictionaries(
            st.sampled_from(["lang", "xml:lang", "class", "type", "name", "id"]),
            st.sampled_from(["en", "mt", "ga", "EN-GB", "Txt::Doc. No.", "x"]),
            max_size=2,
        ),
        st.lists(children, max_size=4),
    ),
    max_leaves=25,
)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f not in ("jsonl", "csv", "parquet", "text", "zip")])
@FUZZ
@given(root=xml_nodes, cut=st.integers(min_value=0, max_value=400))
def test_random_xml_structures_whole_and_cut(fmt: str, root: Any, cut: int) -> None:
    doc = '<?xml version="1.0" encoding="UTF-8"?>' + _xml(root if not isinstance(root, str) else ("root", {}, [root]))
    data = doc.encode("utf-8")
    _feed(fmt, data)
    _feed(fmt, data[:cut])  # XML that ends mid-element


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(["a.jsonl", "b.txt", "../evil.jsonl", "/abs.jsonl", "d/e.xml"]),
        st.binary(max_size=300),
        max_size=4,
    )
)
def test_random_zip_archives(members: dict[str, bytes]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    for item in _feed("zip", buf.getvalue()):
        # Nothing from a member with a path trick may come out as a document.
        if isinstance(item, Document):
            assert "evil" not in item.uri and "/abs" not in item.uri
