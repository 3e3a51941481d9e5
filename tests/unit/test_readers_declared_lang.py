"""A declared language the code table cannot read is kept, not dropped, in every reader that reads
one from the file (Formex, EUR-Lex HTML, JRC-Acquis, Akoma Ntoso, a Cellar notice), as the tabular
readers already did: ``metadata['declared_lang_unrecognised']``. Before, such a value vanished
without a trace and the document looked undeclared. Values that declare no language (``und``,
``mul``, ``zxx``, ``mis``, ``qaa``-``qtz``) are not kept; a weaker hint (the Formex file name,
the JRC-Acquis identifier's suffix) is used when the declared value cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from altedic.langid.codes import read_declaration, unrecognised_declaration
from altedic.readers import get_reader
from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import Document, ReadError

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "readers"
KEY = "declared_lang_unrecognised"


def _doc(fmt: str, path: Path) -> Document:
    out: list[Document | ReadError] = list(
        get_reader(fmt)(ReadContext(SourceInfo(name="t", format=fmt), str(path), path.name))
    )
    assert len(out) == 1 and isinstance(out[0], Document), out
    return out[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("xx-bogus", "xx-bogus"),
        ("  Klingon ", "Klingon"),
        ("5", "5"),
        ("q" * 80, "q" * 64),
        ("MT", None),
        ("Malti", None),
        ("http://publications.europa.eu/resource/authority/language/GLE", None),
        ("und", None),
        ("MUL", None),
        ("zxx", None),
        ("qaa", None),
        ("qtz-Latn", None),
        ("http://publications.europa.eu/resource/authority/language/MUL", None),
        (
            "http://publications.europa.eu/resource/authority/language/XYZ",
            "http://publications.europa.eu/resource/authority/language/XYZ",
        ),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_unrecognised_declaration(raw: str | None, expected: str | None) -> None:
    assert unrecognised_declaration(raw) == expected


def test_read_declaration_order_and_hint() -> None:
    assert read_declaration("XX", "ga", hint="MT") == ("ga", None)  # first value read wins
    assert read_declaration("XX", None, hint="MT") == ("mt", None)  # the hint when none is read
    assert read_declaration("XX", "YY", hint="QQ") == (None, "XX")  # the first not understood
    assert read_declaration("und", "YY") == (None, "YY")  # und declares nothing: not kept
    assert read_declaration(None, hint="XX") == (None, None)  # a hint is no declaration


def _formex(tmp_path: Path, name: str, lg_doc: str) -> Path:
    data = (
        (FIX / "formex" / "mt_act.xml")
        .read_text(encoding="utf-8")
        .replace("<LG.DOC>MT</LG.DOC>", f"<LG.DOC>{lg_doc}</LG.DOC>")
    )
    p = tmp_path / name
    p.write_text(data, encoding="utf-8")
    return p


def test_formex_unreadable_lg_doc_is_kept(tmp_path: Path) -> None:
    d = _doc("formex", _formex(tmp_path, "act.xml", "XQ"))
    assert d.declared_lang is None
    assert d.metadata[KEY] == "XQ"


def test_formex_unreadable_lg_doc_falls_back_to_the_file_name(tmp_path: Path) -> None:
    """Before, an unreadable LG.DOC hid the language of the OJ file name."""
    d = _formex(tmp_path, "L_209900001MT.000101.fmx.xml", "XQ")
    (tmp_path / "L_209900001MT.doc.fmx.xml").unlink(missing_ok=True)
    doc = _doc("formex", d)
    assert doc.declared_lang == "mt"
    assert KEY not in doc.metadata


def test_formex_mul_declares_nothing(tmp_path: Path) -> None:
    d = _doc("formex", _formex(tmp_path, "act.xml", "MUL"))
    assert d.declared_lang is None
    assert KEY not in d.metadata


def test_formex_package_unreadable_lg_doc_is_kept_on_every_part(tmp_path: Path) -> None:
    for f in (FIX / "formex" / "pkg").iterdir():
        (tmp_path / f.name.replace("GA", "")).write_text(
            f.read_text(encoding="utf-8").replace(">GA<", ">XQ<").replace("GA.", "."), encoding="utf-8"
        )
    src = SourceInfo(name="t", format="formex", options={"package": "per_annex"})
    man = tmp_path / "L_209900002.doc.fmx.xml"
    out = list(get_reader("formex")(ReadContext(src, str(man), man.name)))
    assert [
        (type(d).__name__, getattr(d, "declared_lang", None), d.metadata.get(KEY))
        for d in out
        if isinstance(d, Document)
    ] == [
        ("Document", None, "XQ"),
        ("Document", None, "XQ"),
    ]


def test_eurlex_html_unreadable_lang_is_kept(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    p.write_text(
        '<html lang="xq-QQ"><body><p class="oj-normal">Member States shall report.</p></body></html>', encoding="utf-8"
    )
    d = _doc("eurlex_html", p)
    assert (d.declared_lang, d.metadata[KEY]) == (None, "xq-QQ")
    # the old header's language cell first, then the page's lang: the first one read wins
    p.write_text(
        '<html lang="ga"><body><p class="hd-lg">XQ</p><p class="oj-normal">Tuairisc.</p></body></html>',
        encoding="utf-8",
    )
    d = _doc("eurlex_html", p)
    assert (d.declared_lang, KEY in d.metadata) == ("ga", False)


def test_jrc_acquis_unreadable_lang_is_kept_or_read_from_the_identifier(tmp_path: Path) -> None:
    data = (FIX / "jrc" / "jrc32099R0001-ga.xml").read_text(encoding="utf-8")
    p = tmp_path / "a.xml"
    p.write_text(data.replace('lang="ga"', 'lang="xq"', 1), encoding="utf-8")
    d = _doc("jrc_acquis", p)
    assert (d.declared_lang, KEY in d.metadata) == ("ga", False)  # the identifier's -ga
    p.write_text(
        data.replace('lang="ga"', 'lang="xq"', 1).replace("jrc32099R0001-ga", "jrc32099R0001-zz"), encoding="utf-8"
    )
    d = _doc("jrc_acquis", p)
    assert (d.declared_lang, d.metadata[KEY]) == (None, "xq")


def test_akn_unreadable_frbr_language_is_kept(tmp_path: Path) -> None:
    p = tmp_path / "a.xml"
    p.write_text(
        '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act><meta><identification>'
        '<FRBRExpression><FRBRthis value="/akn/xx/act/1/x@/!main"/><FRBRlanguage language="grk-old"/></FRBRExpression>'
        "</identification></meta><body><article><num>Άρθρο 1</num><p>Κείμενο.</p></article></body></act></akomaNtoso>",
        encoding="utf-8",
    )
    d = _doc("akn", p)
    assert (d.declared_lang, d.metadata["frbr_language"], d.metadata[KEY]) == (None, "grk-old", "grk-old")


NOTICE = (
    '<NOTICE type="object"><WORK><WORK_DATE_DOCUMENT><VALUE>2099-01-14</VALUE></WORK_DATE_DOCUMENT></WORK>'
    "<EXPRESSION><EXPRESSION_USES_LANGUAGE><URI><IDENTIFIER>{code}</IDENTIFIER></URI></EXPRESSION_USES_LANGUAGE>"
    "</EXPRESSION></NOTICE>"
)


def test_cellar_notice_language_replaces_or_keeps_the_unreadable_declaration(tmp_path: Path) -> None:
    act = _formex(tmp_path, "act.xml", "XQ")
    (tmp_path / "notice.xml").write_text(NOTICE.format(code="MLT"), encoding="utf-8")
    d = _doc("formex", act)
    assert (d.declared_lang, KEY in d.metadata) == ("mt", False)  # read from the notice instead
    (tmp_path / "notice.xml").write_text(NOTICE.format(code="XQX"), encoding="utf-8")
    d = _doc("formex", act)
    assert (d.declared_lang, d.metadata[KEY]) == (None, "XQ")  # the file's own value first
    _formex(tmp_path, "act.xml", "MUL")
    d = _doc("formex", act)
    assert (d.declared_lang, d.metadata[KEY]) == (None, "XQX")  # the notice's
