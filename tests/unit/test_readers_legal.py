"""Formex, EUR-Lex HTML, AKN, Europarl and JRC-Acquis readers on own fixtures (one per trap)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from altedic.errors import ConfigError, InputError
from altedic.readers import get_reader
from altedic.readers.base import ReadContext, SourceInfo
from altedic.readers.eurlex_html import extract_file
from altedic.readers.jrc_acquis import decode_pseudo_entities
from altedic.records import Document, ReadError

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "readers"


def read(fmt: str, rel: str, **options: object) -> list[Document | ReadError]:
    src = SourceInfo(name="t", format=fmt, retrieved="2026-11-01", options=dict(options))
    return list(get_reader(fmt)(ReadContext(src, str(FIX / rel), rel)))


def only_doc(items: list[Document | ReadError]) -> Document:
    assert len(items) == 1, items
    assert isinstance(items[0], Document)
    return items[0]


# ---- Formex ---------------------------------------------------------------------------------


def test_formex_maltese_act_traps() -> None:
    d = only_doc(read("formex", "formex/mt_act.xml"))
    assert d.declared_lang == "mt"
    assert d.doc_ref == "OJ L 12, 2099, p. 3"
    assert d.date == "2099-01-15"
    assert d.title == "REGOLAMENT (UE) 2099/1 dwar il-ġobon tal-ħaġar"
    assert d.metadata["articles"] == "2"  # the quoted Article 9 inside QUOT.S is not counted
    lines = d.text.split("\n")
    # QUOT.START/QUOT.END become the marks of their CODE (201C/201D and 2018/2019).
    assert "(1) Il-“ġbejna” hija tradizzjonali." in lines
    # NOTE cut out mid-sentence, the no-break space of "100 %" kept.
    assert "1. Dan ir-Regolament japplika għal 100\u00a0% tal-‘ġobon’ prodott f'Għawdex." in lines
    # A processing instruction inside a sentence: the text after it is kept.
    assert "2. It-test jissokta wara l-paġna." in lines
    # The quoted amendment stays inside Article 2; DASH lists get the OJ's em dash.
    assert lines[lines.index("Artikolu 2") :][:7] == [
        "Artikolu 2",
        "Emenda",
        "L-Artikolu 9 huwa sostitwit b'dan li ġej:",
        "‘Artikolu 9",
        "Test ġdid.’",
        "— l-ewwel punt",
        "— it-tieni punt",
    ]
    assert "Nota tal-qiegħ" not in d.text and "ĠU C 1" not in d.text
    assert d.metadata["notes"] == "(1) ĠU C 1, 1.1.2099, p. 1.\n(2) Nota tal-qiegħ li m'għandhiex tidher."
    assert d.licence == "EU-Reuse-2011-833"
    assert d.attribution == "© European Union, 1998-2026"
    assert d.publisher == "Publications Office of the European Union"


def test_formex_notes_drop() -> None:
    d = only_doc(read("formex", "formex/mt_act.xml", notes="drop"))
    assert "notes" not in d.metadata and "Nota tal-qiegħ" not in d.text


def test_formex_table_notes_are_notes() -> None:
    # A NOTE in a table's GR.NOTES was in neither the text nor the notes (GR.NOTES was skipped as
    # a whole). It is numbered in document order like every other NOTE; the empty NOTE.REF
    # marker in the cell gives nothing.
    d = only_doc(read("formex", "formex/et_annex_table_notes.xml"))
    assert d.text == "„I LISA\n\nJuustu tabel:\nKaup Päritolu\nJuust ZZ\nTabeli järel."
    assert d.metadata["notes"].split("\n") == [
        "(1) ELT L 1, 1.1.2099, lk 1.",
        "(2) Kood „ZZ“ tähistab muid päritolusid.“",
        "(3) Kolmas märkus.",
    ]
    assert d.metadata["notes_count"] == "3"
    # The closing mark of the quoted annex is inside the note in the file: the title keeps only
    # the opening one, as the file has it.
    assert d.title == "„I LISA"
    dropped = only_doc(read("formex", "formex/et_annex_table_notes.xml", notes="drop"))
    assert dropped.text == d.text and "notes" not in dropped.metadata and "notes_count" not in dropped.metadata


def test_formex_table_notes_group_gives_its_notes_only(tmp_path: Path) -> None:
    # a heading of the table's notes (GR.NOTES/TITLE) is not text of the act: walking GR.NOTES
    # whole put it between the table's caption and its rows
    src = (FIX / "formex" / "et_annex_table_notes.xml").read_text("utf-8")
    titled = src.replace("<GR.NOTES>", "<GR.NOTES><TITLE><TI><P>Märkused</P></TI></TITLE>", 1)
    assert titled != src
    (tmp_path / "titled.xml").write_text(titled, "utf-8")
    d = only_doc(read("formex", str(tmp_path / "titled.xml")))
    assert d.text == "„I LISA\n\nJuustu tabel:\nKaup Päritolu\nJuust ZZ\nTabeli järel."
    assert d.metadata["notes_count"] == "3"


def test_formex_bad_option_is_config_error() -> None:
    with pytest.raises(ConfigError, match=r"options\.notes"):
        read("formex", "formex/mt_act.xml", notes="keep")


def test_formex_package_one_document() -> None:
    d = only_doc(read("formex", "formex/pkg/L_209900002GA.doc.fmx.xml"))
    assert d.declared_lang == "ga"
    assert d.doc_ref == "32099R0002"
    assert d.url == "http://data.europa.eu/eli/reg/2099/2/oj"
    assert d.metadata["oj_ref"] == "OJ L, 2099/2, 1.2.2099"
    assert d.title == "Rialachán (AE) 2099/2 maidir le teangacha"
    assert d.text == (
        "Rialachán (AE) 2099/2\n\nAirteagal 1\nIs teanga oifigiúil í an Ghaeilge.\n\nIARSCRÍBHINN\n\nLiosta na dteangacha."
    )


def test_formex_package_per_annex_and_parts_not_duplicated() -> None:
    docs = read("formex", "formex/pkg/L_209900002GA.doc.fmx.xml", package="per_annex")
    assert [(d.metadata["part"], d.text) for d in docs if isinstance(d, Document)] == [
        ("main", "Rialachán (AE) 2099/2\n\nAirteagal 1\nIs teanga oifigiúil í an Ghaeilge."),
        ("annex", "IARSCRÍBHINN\n\nLiosta na dteangacha."),
    ]
    # The parts themselves yield nothing while their manifest is next to them...
    assert read("formex", "formex/pkg/L_209900002GA.000101.fmx.xml") == []
    # ...and are read on their own with package: none (manifests are then ignored).
    assert read("formex", "formex/pkg/L_209900002GA.doc.fmx.xml", package="none") == []
    alone = only_doc(read("formex", "formex/pkg/L_209900002GA.000201.fmx.xml", package="none"))
    assert alone.text == "IARSCRÍBHINN\n\nLiosta na dteangacha."


def test_formex_package_missing_part_is_error(tmp_path: Path) -> None:
    (tmp_path / "x.doc.fmx.xml").write_bytes((FIX / "formex/pkg/L_209900002GA.doc.fmx.xml").read_bytes())
    src = SourceInfo(name="t", format="formex")
    out = list(get_reader("formex")(ReadContext(src, str(tmp_path / "x.doc.fmx.xml"), "x.doc.fmx.xml")))
    assert [(e.position, e.kind) for e in out if isinstance(e, ReadError)] == [
        ("REF.PHYS 1", "formex-package"),
        ("REF.PHYS 2", "formex-package"),
    ]


# ---- EUR-Lex HTML ---------------------------------------------------------------------------


def test_eurlex_html_old_classes_bulgarian() -> None:
    d = only_doc(read("eurlex_html", "html/bg_old_style.html"))
    assert d.declared_lang == "bg"
    assert d.metadata["articles"] == "2"
    assert d.title == "РЕГЛАМЕНТ (ЕС) № 1/2099 НА СЪВЕТА относно сиренето"
    lines = d.text.split("\n")
    # Footnote markers removed with the space before them.
    assert "като взе предвид становището на Комитета," in lines
    assert "1. Настоящият регламент се прилага за „сиренето“." in lines
    assert "а) първа точка;" in lines  # a Cyrillic list letter in its own cell joins its text
    assert "Бележка" not in d.text
    assert d.metadata["notes"].split("\n") == [
        "(1) ОВ C 1, 1.1.2099 г., стр. 1.",
        "(2) Бележка под линия, която не бива да е в член.",
    ]


def test_eurlex_html_convex_number_span_is_followed_by_a_space() -> None:
    # CONVEX writes a paragraph number as <span class="num"><span>1.1.</span></span><span>O ...
    # with no whitespace (the gap is CSS): joined as it stood, "1.1.O Acordo". Spans that split
    # a word ("10</span><span>.º") stay joined, and a number already followed by a space gets
    # no second one.
    lines = only_doc(read("eurlex_html", "html/pt_convex_proposal.html")).text.split("\n")
    assert [line for line in lines if re.match(r"\(\d+\)|\d+(\.\d+)*\.|–", line)] == [
        "1. Objeto da proposta",
        "1.1. O Acordo sobre o queijo",
        "2. Um número já seguido de um espaço.",
        "– um travessão;",
        "(1) O Acordo foi celebrado pela União.",
    ]
    assert "O Acordo visa o queijo do 10.º tipo." in lines


def test_eurlex_html_convex_cover_page_is_the_title() -> None:
    # The cover lines (Logo, Emission, Rfrenceinstitutionnelle, Statut...) before the title
    # classes (Typedudocument_cp, Titreobjet_cp) ended the title part: the title was None and
    # the title block became an 'annex' part labelled 'DECISÃO DO CONSELHO'.
    d = only_doc(read("eurlex_html", "html/pt_convex_proposal.html"))
    assert d.title == "Proposta de DECISÃO DO CONSELHO relativa à posição a tomar em nome da União sobre o queijo"
    assert d.text.split("\n\n")[:3] == [
        "COMISSÃO EUROPEIA\nBruxelas, 22.1.2099\nCOM(2099) 7 final\n2099/0005(NLE)\nProposta de\n"
        "DECISÃO DO CONSELHO\nrelativa à posição a tomar em nome da União sobre o queijo",
        "EXPOSIÇÃO DE MOTIVOS",
        "1. Objeto da proposta\n1.1. O Acordo sobre o queijo",
    ]
    parts = extract_file((FIX / "html/pt_convex_proposal.html").read_bytes()).parts
    assert [(p.kind, p.label) for p in parts[:3]] == [("title", None), ("preamble", None), ("heading", None)]


def test_eurlex_html_oj_colophon_is_not_text_and_the_act_date_is_read() -> None:
    # The OJ colophon after the last ELI container (ELI and ISSN lines) was appended to the annex,
    # and the date was never set (the header's 22.3.2099 is the OJ's date: oj_date).
    d = only_doc(read("eurlex_html", "html/en_oj_colophon.html"))
    assert d.text.endswith("ANNEX\nThe last line of the annex.")
    # the same ISSN line inside the act is text
    assert "cut out of an article:\nISSN 1977-0677 (electronic edition)\n\nDone at" in d.text
    assert d.metadata["eli"] == "http://data.europa.eu/eli/reg/2099/9/oj"
    assert (d.date, d.metadata["oj_date"]) == ("2099-03-13", "2099-03-22")
    assert d.title == "REGULATION (EU) 2099/9 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL of 13 March 2099 on cheese"


def test_eurlex_html_convex_proposal_date_from_the_cover() -> None:
    d = only_doc(read("eurlex_html", "html/pt_convex_proposal.html"))
    assert d.date == "2099-01-22"  # Emission: "Bruxelas, 22.1.2099"
    assert "eli" not in d.metadata


def test_eurlex_html_undeclared_latin1_is_not_garbled(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    p.write_bytes(
        '<html><body><p class="oj-ti-art">Artikel 1</p><p class="oj-normal">Grüße</p></body></html>'.encode("cp1252")
    )
    src = SourceInfo(name="t", format="eurlex_html")
    d = only_doc(list(get_reader("eurlex_html")(ReadContext(src, str(p), "a.html"))))
    assert d.text == "Artikel 1\nGrüße"


@pytest.mark.parametrize(
    ("head", "body", "text"),
    [
        # Word's "Web Page (Unicode)" output is UTF-8; a <meta> declaring UTF-16 means UTF-8 (HTML)
        ('<meta http-equiv="Content-Type" content="text/html; charset=unicode">', "Għażla".encode(), "Għażla"),
        ('<meta charset="utf-16">', "Għażla".encode(), "Għażla"),
        ('<meta charset="utf8mb4">', "Għażla".encode(), "Għażla"),
        ('<meta charset="x-user-defined">', "Grüße".encode("cp1252"), "Grüße"),
        ('<meta charset="x-mac-roman">', "Grüße".encode("mac_roman"), "Grüße"),
        # labels nobody knows are ignored, as browsers ignore them: the undeclared default
        ('<meta charset="x-bogus-42">', "Għażla".encode(), "Għażla"),
        ('<meta charset="hex">', "Grüße".encode("cp1252"), "Grüße"),
    ],
    ids=["unicode", "utf-16", "utf8mb4", "x-user-defined", "x-mac-roman", "unknown-utf8", "unknown-cp1252"],
)
def test_eurlex_html_charset_libxml2_does_not_know(tmp_path: Path, head: str, body: bytes, text: str) -> None:
    """Building the parser with such a charset raised LookupError outside any handler."""
    p = tmp_path / "a.html"
    p.write_bytes(f'<html><head>{head}</head><body><p class="oj-normal">'.encode() + body + b"</p></body></html>")
    assert only_doc(read_path("eurlex_html", p)).text == text


def _page(head: str, body: bytes) -> bytes:
    return f'<html><head>{head}</head><body><p class="oj-normal">'.encode() + body + b"</p></body></html>"


def test_eurlex_html_declared_utf8_but_legacy_is_an_encoding_error(tmp_path: Path) -> None:
    """A Latin-1 page declaring UTF-8 was kept with U+FFFD for every accented letter, unflagged."""
    p = tmp_path / "a.html"
    p.write_bytes(_page('<meta charset="utf-8">', "Décision du Conseil relative à la pêche".encode("latin-1")))
    (err,) = read_path("eurlex_html", p)
    assert isinstance(err, ReadError)
    assert (err.kind, err.position) == ("encoding", "byte 69")
    assert err.message == (
        "not UTF-8, though it declares charset=utf-8: byte 0xe9 at byte 69, and none of its non-ASCII bytes "
        "form UTF-8 (3 invalid sequences): the page is in a legacy encoding; set options.encoding to it "
        "(windows-1252, iso-8859-2...)"
    )
    src = SourceInfo(name="t", format="eurlex_html", options={"encoding": "latin-1"})
    (d,) = get_reader("eurlex_html")(ReadContext(src, str(p), p.name))
    assert d.text == "Décision du Conseil relative à la pêche"
    assert "encoding_note" not in d.metadata


def test_eurlex_html_options_encoding_beats_the_declaration(tmp_path: Path) -> None:
    """Central European Latin-2 under a wrong Windows-1252 declaration; Python's codec names
    (latin2, utf-16-le) work although libxml2 does not know them."""
    p = tmp_path / "a.html"
    p.write_bytes(_page('<meta charset="windows-1252">', "Předpis Rady o rybolovu".encode("iso-8859-2")))
    src = SourceInfo(name="t", format="eurlex_html", options={"encoding": "latin2"})
    assert only_doc(list(get_reader("eurlex_html")(ReadContext(src, str(p), p.name)))).text == (
        "Předpis Rady o rybolovu"
    )
    assert only_doc(read_path("eurlex_html", p)).text == "Předpis Rady o rybolovu".encode("iso-8859-2").decode("cp1252")
    q = tmp_path / "b.html"
    q.write_bytes(_page("", "Éire agus Għażla".encode()).decode().encode("utf-16-le"))
    (err,) = read_path("eurlex_html", q)
    assert isinstance(err, ReadError)
    assert (err.kind, err.position, err.message) == (
        "encoding",
        "byte 0",
        "UTF-16 text without a byte-order mark; set options.encoding: utf-16-le",
    )
    src = SourceInfo(name="t", format="eurlex_html", options={"encoding": "utf-16-le"})
    assert only_doc(list(get_reader("eurlex_html")(ReadContext(src, str(q), q.name)))).text == "Éire agus Għażla"


def test_eurlex_html_utf8_with_stray_bytes_is_read_and_flagged(tmp_path: Path) -> None:
    """A UTF-8 page with one bad byte: read as browsers read it, the damage counted in the
    metadata. Undeclared, one stray byte made the whole page Windows-1252 (Ä§ for ħ)."""
    body = "Il-Ministru għall-Ġustizzja ".encode() + b"\xff" + " u l-Kummerċ".encode()
    for head in ('<meta charset="utf-8">', ""):
        p = tmp_path / "a.html"
        p.write_bytes(_page(head, body))
        d = only_doc(read_path("eurlex_html", p))
        assert d.text == "Il-Ministru għall-Ġustizzja \ufffd u l-Kummerċ"
        first = len(_page(head, b"")) - len("</p></body></html>") + body.index(b"\xff")
        assert d.metadata["encoding_note"] == f"1 invalid UTF-8 sequence read as U+FFFD (first at byte {first})"


def test_eurlex_html_utf8_under_a_stale_legacy_declaration_is_read_as_utf8(tmp_path: Path) -> None:
    """charset=iso-8859-1 over UTF-8 bytes gave mojibake (Ä§ for ħ, Îµ for ε) with no flag."""
    p = tmp_path / "a.html"
    p.write_bytes(_page('<meta charset="iso-8859-1">', "Ħal Qormi, Ελλάδα".encode()))
    d = only_doc(read_path("eurlex_html", p))
    assert d.text == "Ħal Qormi, Ελλάδα"
    assert d.metadata["encoding_note"] == (
        "read as UTF-8: it declares charset=iso-8859-1, but its 7 non-ASCII characters are valid UTF-8"
    )
    # a genuine Latin-1 page under that declaration is read as declared, with no note
    p.write_bytes(_page('<meta charset="iso-8859-1">', "Grüße aus Köln".encode("latin-1")))
    d = only_doc(read_path("eurlex_html", p))
    assert (d.text, "encoding_note" in d.metadata) == ("Grüße aus Köln", False)


@pytest.mark.parametrize(
    "body",
    [
        "".join(f"<div><p>Paragraph {i}.</p>" for i in range(300)) + "<p>Last.</p>",
        "<div>" * 300 + "</div>" * 300 + "<p>Last.</p>",
    ],
    ids=["unclosed", "closed"],
)
def test_eurlex_html_deeper_than_the_parser_limit_is_refused_not_cut(tmp_path: Path, body: str) -> None:
    """libxml2 stops at depth 256 and returned what it had (253 of 301 paragraphs, or none of the
    text after the deep part) with no error."""
    p = tmp_path / "a.html"
    p.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_path("eurlex_html", p)
    assert exc.value.message == (
        "EUR-Lex HTML file is nested deeper than libxml2's limit of 256 elements (Excessive depth in document: "
        "256, use XML_PARSE_HUGE option); refused rather than cut off where the limit was hit"
    )
    assert exc.value.position.startswith("line 1, column ")  # where libxml2 stopped
    # 250 levels are read whole
    p.write_text("<html><body>" + "<div>" * 250 + "<p>Deep.</p>" + "</div>" * 250 + "<p>Last.</p></body></html>")
    assert only_doc(read_path("eurlex_html", p)).text == "Deep.\nLast."


def test_eurlex_html_scripts_and_styles_are_not_text(tmp_path: Path) -> None:
    """libxml2 keeps the content of <script>, <style>, <noscript> and <template> as text nodes: a
    script inside a paragraph was read as part of the Maltese sentence."""
    p = tmp_path / "a.html"
    p.write_text(
        '<html lang="mt"><head><style>p{color:red}</style><script>var a=1;</script></head><body>'
        '<p class="oj-doc-ti">REGOLAMENT (UE) 2099/1</p>'
        '<p class="oj-normal">Il-Kummissjoni <script type="text/javascript">document.write("x");</script>'
        "adottat dan ir-Regolament.<style>.x{}</style></p>"
        "<noscript><p>Jekk jogħġbok ippermetti JavaScript.</p></noscript>"
        '<p class="oj-normal">Dan ir-Regolament <template><b>mudell</b></template>għandu jidħol fis-seħħ.</p>'
        "</body></html>",
        encoding="utf-8",
    )
    d = only_doc(read_path("eurlex_html", p))
    assert d.title == "REGOLAMENT (UE) 2099/1"
    assert d.text == (
        "REGOLAMENT (UE) 2099/1\n\nIl-Kummissjoni adottat dan ir-Regolament.\nDan ir-Regolament għandu jidħol fis-seħħ."
    )


def test_eurlex_html_control_characters_around_a_footnote_marker(tmp_path: Path) -> None:
    """The text joined around a removed marker was written back into the tree: a form feed (a
    page break from a word processor) or another control character there made lxml raise
    ValueError and the file was one reader-fault. The form feed is whitespace before the marker
    (removed with it); other control characters that lxml refuses are dropped there, the
    separators among them turned into a space."""
    p = tmp_path / "a.html"
    p.write_bytes(
        b'<html lang="ga"><body><p class="oj-normal">An Coiste\x0c<a href="#ntr1-L_2024">'
        b'(<span class="oj-note-tag">1</span>)</a>, ag f\xc3\xa1il\x01 tuairim\x1fan Choiste.</p>'
        b'<p class="oj-normal"><span class="oj-note-tag">2</span>\x0bT\xc3\xa1 s\xc3\xa9 seo i bhfeidhm.</p>'
        b'<p class="oj-note">(1) IO C 184, 25.5.2023, lch. 28.</p></body></html>'
    )
    d = only_doc(read_path("eurlex_html", p))
    assert d.text == "An Coiste, ag fáil tuairim an Choiste.\nTá sé seo i bhfeidhm."
    assert d.metadata["notes"] == "(1) IO C 184, 25.5.2023, lch. 28."


# ---- Akoma Ntoso ----------------------------------------------------------------------------


def test_akn_leos_irish() -> None:
    d = only_doc(read("akn", "akn/ga_leos.xml"))
    assert d.declared_lang == "ga"  # FRBRlanguage "gle"
    assert d.doc_ref == "COM(2099) 1"
    assert d.date is None  # 2999-01-01 is AKN's "unknown"
    assert d.metadata["articles"] == "2"  # the quotedStructure article is not counted
    assert d.licence == "EU-Reuse-2011-833"  # a LEOS (EU) document
    assert "[...]" not in d.text
    assert "Fonóta" not in d.text
    assert d.metadata["notes"] == "3 Fonóta nár cheart a bheith san airteagal."  # placeholders dropped
    assert d.text.split("\n\n")[3] == (
        "Airteagal 1\nÁbhar\n1. Baineann an Rialachán seo le cáis Éireannach.\n"
        "2. Leasaítear Airteagal 5 mar seo a leanas:\nAirteagal 5\nTéacs nua."
    )
    assert d.text.endswith("Arna dhéanamh sa Bhruiséil,\nThar ceann na Comhairle An tUachtarán")


def test_akn_leos_empty_references_without_brackets_are_dropped() -> None:
    # LEOS also leaves a reference to fill in without "[...]": "OJ L , , p. ." or just "OJ L" (and
    # "ABl. L , , S. .", "IO C , , lch. ."). A note that is only that disappears, as a "[...]"
    # placeholder note does; a real reference, or a sentence naming the OJ, stays.
    d = only_doc(read("akn", "akn/de_leos_empty_references.xml"))
    assert d.metadata["notes"] == "4 ABl. L 1 vom 1.1.2099, S. 1.\n5 Siehe ABl. C."
    assert d.metadata["notes_count"] == "2"
    assert d.text.split("\n\n")[1:] == [
        "gestützt auf die Stellungnahme des Ausschusses,",
        "Artikel 1\nDiese Verordnung gilt für Käse.",
    ]


@pytest.mark.parametrize(
    ("note", "dropped"),
    [
        ("OJ L , , p. .", True),
        ("ABl. L , , S. .", True),
        ("IO C , , lch. .", True),
        ("(ΕΕ L , , σ. .)", True),
        ("See OJ", False),
        ("Cf. EU", False),
        ("Vgl. EG.", False),
        ("Id. AB", False),
    ],
)
def test_akn_only_a_journal_abbreviation_makes_an_empty_reference(note: str, dropped: bool) -> None:
    # the empty-reference pattern alone took any short word and capitals: a footnote "See OJ"
    # or "Cf. EU" was dropped as a LEOS placeholder
    from altedic.readers.akn import _empty_reference

    assert _empty_reference(note) is dropped


def test_akn_doc_title_in_the_preamble() -> None:
    # Légifrance puts <docTitle> in <preamble> (no <preface>): the title was None.
    d = only_doc(read("akn", "akn/fr_title_in_preamble.xml"))
    assert d.title == "Proposition de loi tendant à protéger le fromage"
    assert d.text == "Proposition de loi tendant à protéger le fromage\n\nArticle 1er\nLe fromage est protégé."
    assert (d.declared_lang, d.date) == ("fr", "2099-01-01")


@pytest.mark.parametrize(("raw", "expected"), [("en-EN", "en"), ("fin", "fi"), ("gr", "el"), ("ita", "it"), ("", None)])
def test_akn_frbr_language_in_the_wild(tmp_path: Path, raw: str, expected: str | None) -> None:
    p = tmp_path / "a.xml"
    p.write_text(
        '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act><meta><identification>'
        f'<FRBRExpression><FRBRthis value="/akn/xx/act/1/x@/!main"/><FRBRlanguage language="{raw}"/></FRBRExpression>'
        "</identification></meta><body><article><num>Άρθρο 1</num><p>Κείμενο.</p></article></body></act></akomaNtoso>",
        encoding="utf-8",
    )
    d = only_doc(list(get_reader("akn")(ReadContext(SourceInfo(name="t", format="akn"), str(p), "a.xml"))))
    assert d.declared_lang == expected
    assert d.text == "Άρθρο 1\nΚείμενο."
    assert d.licence is None  # national legislation: no EU licence claimed


def test_akn_attached_documents_are_documents_of_their_own() -> None:
    # A law and the conventions it approves, attached as <doc>s with their own <meta>, French and
    # English: merged, they were one document of two languages. Each attached document is now one
    # document, with its own date, language (never the law's), notes and position.
    main, fr, en = read("akn", "akn/fr_law_with_attachments.xml")
    assert isinstance(main, Document) and isinstance(fr, Document) and isinstance(en, Document)
    assert (main.position, main.declared_lang, main.date, main.doc_ref) == (
        "doc act",
        None,
        "2099-05-22",
        "/akn/lu/act/loi/2099-05-22/199/!main",
    )
    assert main.title == "Loi du 22 mai 2099 portant approbation de la Convention sur le fromage"
    assert main.text == (
        "Loi du 22 mai 2099 portant approbation de la Convention sur le fromage\n\nArt. unique.\n"
        "Est approuvée la Convention sur le fromage.\n\nLuxembourg, le 22 mai 2099.\n\n"
        "Doc. parl. 1 ; sess. ord. 2098-2099."  # a component that holds no document stays in the law
    )
    assert main.metadata == {
        "frbr_work": "/akn/lu/act/loi/2099-05-22/199/!main",
        "articles": "1",
        "akn_type": "act",
        "notes": "1 Doc. parl. 1.",
        "notes_count": "1",
        "attachments": "2",
    }
    assert (fr.position, fr.declared_lang, fr.date, fr.doc_ref, fr.title) == (
        "doc act attachment 1",
        None,
        "2099-05-15",
        "/akn/lu/act/loi/2099-05-22/199/!main",  # it has none of its own: the law's
        None,
    )
    assert fr.text == "CONVENTION sur le fromage\n\nArticle 1\nLe fromage est protégé."
    assert fr.metadata == {
        "articles": "1",
        "akn_type": "doc:Convention",
        "notes": "1 Note de la convention.",
        "notes_count": "1",
        "attachment": "1",
    }
    assert (en.position, en.declared_lang, en.date, en.doc_ref) == (
        "doc act attachment 2",
        "en",  # from its own FRBRthis (.../eng@/...)
        "2099-05-16",
        "/akn/lu/doc/2099-05-16/convention/eng@/!main",
    )
    assert en.text == "CONVENTION on cheese\n\nArticle 1\nCheese is protected."
    assert (en.licence, en.publisher) == (main.licence, main.publisher)
    assert len({main.id, fr.id, en.id}) == 3


def test_akn_attached_document_in_the_documents_own_language_stays_an_annex(tmp_path: Path) -> None:
    # The law declares French and so does the French convention: it stays in the law (in
    # document order, as a Formex package keeps its annexes); the English one is apart.
    raw = (FIX / "akn/fr_law_with_attachments.xml").read_text(encoding="utf-8")
    raw = raw.replace('<FRBRlanguage language=""/>', '<FRBRlanguage language="fra"/>', 2)
    p = tmp_path / "loi.xml"
    p.write_text(raw, encoding="utf-8")
    main, en = read_path("akn", p)
    assert isinstance(main, Document) and isinstance(en, Document)
    assert (main.declared_lang, en.declared_lang, en.position) == ("fr", "en", "doc act attachment 1")
    assert main.text.split("\n\n")[3:] == [
        "CONVENTION sur le fromage",
        "Article 1\nLe fromage est protégé.",
        "Doc. parl. 1 ; sess. ord. 2098-2099.",
    ]
    assert (main.metadata["articles"], main.metadata["notes"], main.metadata["attachments"]) == (
        "2",
        "1 Doc. parl. 1.\n1 Note de la convention.",
        "1",
    )
    assert en.text == "CONVENTION on cheese\n\nArticle 1\nCheese is protected."


def test_akn_long_run_of_spaces_is_read_in_linear_time(tmp_path: Path) -> None:
    # 200,000 no-break spaces not followed by a placeholder: the old end-of-line placeholder
    # pattern rescanned the run from each of its positions (minutes; 43 s at 100,000).
    run = "\u00a0" * 200_000
    p = tmp_path / "a.xml"
    p.write_text(
        '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act><body><article>'
        f"<num>Artikolu 1</num><content><p>Il-test{run}x</p><p>Il-President{run}[...]</p></content>"
        "</article></body></act></akomaNtoso>",
        encoding="utf-8",
    )
    d = only_doc(list(get_reader("akn")(ReadContext(SourceInfo(name="t", format="akn"), str(p), "a.xml"))))
    # the run is text (kept), the placeholder after the second run is still dropped with it
    assert d.text == f"Artikolu 1\nIl-test{run}x\nIl-President"


# ---- Europarl -------------------------------------------------------------------------------


def test_europarl_chapters_maltese() -> None:
    docs = read("europarl", "europarl/mt/ep-09-05-04.txt")
    assert [(d.position, d.title, d.text, d.declared_lang, d.date) for d in docs if isinstance(d, Document)] == [
        (
            "chapter 1",
            "Bidu mill-ġdid tas-sessjoni",
            "Bidu mill-ġdid tas-sessjoni\nNiddikjara li s-sessjoni hija miftuħa mill-ġdid.\nIt-tieni paragrafu.\nGrazzi, Sur President.",
            "mt",
            "2009-05-04",
        ),
        (
            "chapter 2",
            "Approvazzjoni tal-minuti",
            "Approvazzjoni tal-minuti\nIl-minuti huma approvati.",
            "mt",
            "2009-05-04",
        ),
    ]


def test_europarl_speakers_quoted_and_unquoted_attributes() -> None:
    docs = [d for d in read("europarl", "europarl/mt/ep-09-05-04.txt", unit="speaker") if isinstance(d, Document)]
    assert [(d.metadata.get("speaker"), d.metadata.get("original_lang"), d.text) for d in docs] == [
        ("President", None, "Niddikjara li s-sessjoni hija miftuħa mill-ġdid.\nIt-tieni paragrafu."),
        ("Mrs Lynne", "en", "Grazzi, Sur President."),
        ("Ó Neachtain", "ga", "Il-minuti huma approvati."),
    ]


def test_europarl_invalid_utf8_line(tmp_path: Path) -> None:
    p = tmp_path / "el" / "ep-00-01-17.txt"
    p.parent.mkdir()
    p.write_bytes("<CHAPTER ID=1>\nΤίτλος\n".encode() + b"\xff\xfe bad\n" + "Κείμενο.\n".encode())
    out = list(
        get_reader("europarl")(ReadContext(SourceInfo(name="t", format="europarl"), str(p), "el/ep-00-01-17.txt"))
    )
    assert [(type(x).__name__, x.position) for x in out] == [("ReadError", "line 3"), ("Document", "chapter 1")]
    doc = out[1]
    assert isinstance(doc, Document)
    assert (doc.text, doc.declared_lang, doc.date) == ("Τίτλος\nΚείμενο.", "el", "2000-01-17")


EP_SITTING = (
    '<CHAPTER ID="1">\nResumption of the session\n<SPEAKER ID=2 LANGUAGE="EN" NAME="President">\n<P>\n'
    'I declare resumed the session.\n<SPEAKER ID=3 NAME="Mr X">\nThank you.\n'
)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("lf", EP_SITTING.encode()),
        # old Mac line ends: split on \n only this was one line, and the file was lost per speaker
        ("cr", EP_SITTING.replace("\n", "\r").encode()),
        ("mixed", EP_SITTING.replace("\n", "\r\n", 2).replace("<P>\n", "<P>\r").encode()),
        # a UTF-8 byte-order mark made the first <CHAPTER> line the chapter's title text
        ("bom", b"\xef\xbb\xbf" + EP_SITTING.encode()),
        ("utf16", EP_SITTING.encode("utf-16")),
    ],
)
def test_europarl_line_ends_and_byte_order_marks(tmp_path: Path, name: str, data: bytes) -> None:
    p = tmp_path / "en" / "ep-00-01-18.txt"
    p.parent.mkdir()
    p.write_bytes(data)
    for unit, expected in [
        (
            "speaker",
            [
                ("chapter 1 speaker 2 line 5", "Resumption of the session", "I declare resumed the session."),
                ("chapter 1 speaker 3 line 7", "Resumption of the session", "Thank you."),
            ],
        ),
        (
            "chapter",
            [
                (
                    "chapter 1",
                    "Resumption of the session",
                    "Resumption of the session\nI declare resumed the session.\nThank you.",
                )
            ],
        ),
    ]:
        src = SourceInfo(name="t", format="europarl", options={"unit": unit})
        out = list(get_reader("europarl")(ReadContext(src, str(p), "en/ep-00-01-18.txt")))
        assert all(isinstance(d, Document) for d in out), out
        assert [(d.position, d.title, d.text) for d in out if isinstance(d, Document)] == expected


def test_europarl_invalid_utf16_line_and_cut_file(tmp_path: Path) -> None:
    p = tmp_path / "en" / "ep-00-01-18.txt"
    p.parent.mkdir()
    # half a surrogate pair in line 7, then the file cut in the middle of a character
    bad = EP_SITTING.encode("utf-16").replace("Thank".encode("utf-16-le"), b"\x00\xdcT\x00")
    p.write_bytes(bad + "Cut".encode("utf-16-le") + b"o")
    src = SourceInfo(name="t", format="europarl", options={"unit": "speaker"})
    out: list[object] = []
    with pytest.raises(InputError) as err:
        out.extend(get_reader("europarl")(ReadContext(src, str(p), "en/ep-00-01-18.txt")))
    assert (err.value.position, err.value.message) == ("line 8", "not valid utf-16-le after line 7: truncated data")
    assert [(type(x).__name__, x.position) for x in out] == [
        ("Document", "chapter 1 speaker 2 line 5"),
        ("ReadError", "line 7"),
    ]
    assert isinstance(out[1], ReadError)
    assert out[1].message == "line is not valid UTF-16 (half a surrogate pair at character 0): skipped"


def test_europarl_nul_line_and_utf16_without_bom(tmp_path: Path) -> None:
    """A line holding NUL was kept as text; UTF-16 without a byte-order mark was read as UTF-8 into
    documents with a NUL beside every letter."""
    p = tmp_path / "ga" / "ep-00-01-18.txt"
    p.parent.mkdir()
    p.write_bytes(
        "<CHAPTER ID=1>\nAtosú an tseisiúin\nTá an\x00 seisiún\x00 atosaithe.\nGo raibh maith agat.\n".encode()
    )
    src = SourceInfo(name="t", format="europarl", options={"unit": "chapter"})
    out = list(get_reader("europarl")(ReadContext(src, str(p), "ga/ep-00-01-18.txt")))
    assert [(type(x).__name__, x.position) for x in out] == [("ReadError", "line 3"), ("Document", "chapter 1")]
    assert isinstance(out[0], ReadError) and isinstance(out[1], Document)
    assert (out[0].kind, out[0].message) == (
        "encoding",
        "line holds a NUL character at character 6 (binary data?): skipped",
    )
    assert (out[1].text, out[1].declared_lang) == ("Atosú an tseisiúin\nGo raibh maith agat.", "ga")

    for enc in ("utf-16-le", "utf-16-be"):
        p.write_bytes(EP_SITTING.encode(enc))
        with pytest.raises(InputError) as err:
            list(get_reader("europarl")(ReadContext(src, str(p), "ga/ep-00-01-18.txt")))
        assert (err.value.position, err.value.message) == (
            "byte 0",
            f"looks like {enc.upper()} without a byte-order mark (NUL bytes beside every ASCII character); "
            "Europarl files are UTF-8, or UTF-16 with a byte-order mark",
        )


def test_europarl_language_from_the_folder_inside_a_zip(tmp_path: Path) -> None:
    """The folder was read from the joined name ``sittings.zip!bg/ep-...``: ``sittings.zip!bg`` is no
    language, so a zipped Europarl release lost its languages."""
    import zipfile

    sitting = "<CHAPTER ID=1>\nВъзобновяване на сесията\nОбявявам сесията за възобновена.\n"
    (tmp_path / "mt").mkdir()
    with zipfile.ZipFile(tmp_path / "sittings.zip", "w") as z:
        z.writestr("bg/ep-00-01-18.txt", sitting)
        z.writestr("txt/ga/ep-00-01-18.txt", "<CHAPTER ID=1>\nAtosú\nTá an seisiún atosaithe.\n")
    with zipfile.ZipFile(tmp_path / "mt" / "flat.zip", "w") as z:
        z.writestr("ep-00-01-18.txt", "<CHAPTER ID=1>\nTkomplija\nIs-sessjoni titkompla.\n")
    src = SourceInfo(name="t", format="zip", options={"member_format": "europarl"})
    got = []
    for rel in ("sittings.zip", "mt/flat.zip"):
        for d in get_reader("zip")(ReadContext(src, str(tmp_path / rel), rel)):
            assert isinstance(d, Document), d
            got.append((d.uri.rsplit("!", 1)[1], d.declared_lang, d.title))
    assert got == [
        ("bg/ep-00-01-18.txt", "bg", "Възобновяване на сесията"),
        ("txt/ga/ep-00-01-18.txt", "ga", "Atosú"),
        ("ep-00-01-18.txt", "mt", "Tkomplija"),  # a member without a folder: the archive's folder
    ]


def test_europarl_parallel_tab_file_is_an_error_not_a_document(tmp_path: Path) -> None:
    """A EuroParlExtract parallel file (``<SPEAKER ...>`` then ``source<TAB>target`` lines) was one
    document of both languages, kept as one of them. Its first text line holds a TAB: the file is
    one error naming the line and what to read instead, also as a zip member (sniffed as
    Europarl from its ``<SPEAKER`` line)."""
    import zipfile

    message = (
        "parallel EuroParlExtract file (source<TAB>target on each line): the europarl reader reads "
        "monolingual Europarl files and would mix both languages in one document; not read. Read "
        "EuroParlExtract's TMX output of the same texts with format tmx"
    )
    items = read("europarl", "europarl/parallel_sl-hr.tab")
    assert [(type(e).__name__, e.position, e.kind, e.message) for e in items if isinstance(e, ReadError)] == [
        ("ReadError", "line 2", "schema", message)
    ]
    assert len(items) == 1
    with zipfile.ZipFile(tmp_path / "epx.zip", "w") as z:
        z.writestr("parallel_sl-hr.tab", (FIX / "europarl/parallel_sl-hr.tab").read_bytes())
        z.writestr("parallel_hr.txt", '<SPEAKER ID=2 LANGUAGE="SL" NAME="Novak">\nPreusmjereni smo na zračnu luku.\n')
    src = SourceInfo(name="t", format="zip", options={})
    got = list(get_reader("zip")(ReadContext(src, str(tmp_path / "epx.zip"), "epx.zip")))
    assert [(e.uri.rsplit("/", 1)[1], e.position, e.message) for e in got if isinstance(e, ReadError)] == [
        ("epx.zip!parallel_sl-hr.tab", "line 2", message)
    ]
    assert [d.text for d in got if isinstance(d, Document)] == ["Preusmjereni smo na zračnu luku."]
    # A TAB further down a monolingual sitting is whitespace in a text line, as before.
    p = tmp_path / "ep-00-01-18.txt"
    p.write_text("<CHAPTER ID=1>\nNaslov\nPrvi stavek.\tDrugi del.\n", encoding="utf-8")
    src = SourceInfo(name="t", format="europarl", options={})
    (d,) = get_reader("europarl")(ReadContext(src, str(p), p.name))
    assert isinstance(d, Document) and d.text == "Naslov\nPrvi stavek.\tDrugi del."


def test_europarl_language_from_the_folder_the_glob_starts_in(tmp_path: Path) -> None:
    """paths: europarl/mt/*.txt makes rel 'ep-00-01-18.txt': the folder's language was lost (the
    documents were rejected as langid.undeclared with the declared method). Only an official EU
    code counts there: a folder 'eu' of EU texts is not Basque, 'new' is not Newari."""
    sitting = "<CHAPTER ID=1>\nTkomplija\nIs-sessjoni titkompla.\n"
    got = []
    for folder in ("mt", "ga", "eu", "new", "europarl"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "ep-00-01-18.txt").write_text(sitting, "utf-8")
        src = SourceInfo(name="t", format="europarl", declared_lang="de")
        (d,) = get_reader("europarl")(ReadContext(src, str(tmp_path / folder / "ep-00-01-18.txt"), "ep-00-01-18.txt"))
        assert isinstance(d, Document)
        got.append((folder, d.declared_lang))
    assert got == [("mt", "mt"), ("ga", "ga"), ("eu", "de"), ("new", "de"), ("europarl", "de")]


def test_europarl_chapter_id_that_comes_back_is_a_new_run(tmp_path: Path) -> None:
    """The same ``<CHAPTER ID=1>`` twice with the same text gave two documents with one id
    (position 'chapter 1' twice) and the run failed its accounting; the second is 'run 2', as a
    TMX document number that comes back. Speaker turns were already told apart by their line."""
    p = tmp_path / "ga" / "ep-00-01-17.txt"
    p.parent.mkdir()
    chapter = '<CHAPTER ID=1>\nAtosú an tseisiúin\n<SPEAKER ID=1 NAME="Uachtarán">\nTá an seisiún atosaithe.\n'
    p.write_text(chapter + "<CHAPTER ID=2>\nMiontuairiscí\nFaomhadh.\n" + chapter + chapter, encoding="utf-8")
    src = SourceInfo(name="t", format="europarl")
    out = list(get_reader("europarl")(ReadContext(src, str(p), "ga/ep-00-01-17.txt")))
    assert [(d.position, d.doc_ref, d.text) for d in out if isinstance(d, Document)] == [
        ("chapter 1", "ep-00-01-17 chapter 1", "Atosú an tseisiúin\nTá an seisiún atosaithe."),
        ("chapter 2", "ep-00-01-17 chapter 2", "Miontuairiscí\nFaomhadh."),
        ("chapter 1 run 2", "ep-00-01-17 chapter 1", "Atosú an tseisiúin\nTá an seisiún atosaithe."),
        ("chapter 1 run 3", "ep-00-01-17 chapter 1", "Atosú an tseisiúin\nTá an seisiún atosaithe."),
    ]
    assert len({d.id for d in out}) == 4
    src = SourceInfo(name="t", format="europarl", options={"unit": "speaker"})
    out = list(get_reader("europarl")(ReadContext(src, str(p), "ga/ep-00-01-17.txt")))
    assert [d.position for d in out] == [
        "chapter 1 speaker 1 line 4",
        "chapter 2 speaker - line 7",
        "chapter 1 speaker 1 line 11",
        "chapter 1 speaker 1 line 15",
    ]


def test_europarl_long_word_in_a_tag_is_read_in_linear_time(tmp_path: Path) -> None:
    # A tag with a 200,000-letter word and no "=": the old attribute pattern rescanned the word
    # from each of its letters (minutes; 110 s at 100,000). The tag is a speaker without attributes.
    p = tmp_path / "mt" / "ep-00-01-01.txt"
    p.parent.mkdir()
    p.write_text(
        "<CHAPTER ID=1>\nTitle\n<SPEAKER "
        + "a" * 200_000
        + '>\nHello.\n<SPEAKER ID=3 NAME="Mr X" LANGUAGE=EN>\nThanks.\n',
        encoding="utf-8",
    )
    src = SourceInfo(name="t", format="europarl", options={"unit": "speaker"})
    out = list(get_reader("europarl")(ReadContext(src, str(p), "mt/ep-00-01-01.txt")))
    assert [(d.position, d.text, d.metadata) for d in out if isinstance(d, Document)] == [
        ("chapter 1 speaker - line 4", "Hello.", {"sitting": "ep-00-01-01", "chapter": "1"}),
        (
            "chapter 1 speaker 3 line 6",
            "Thanks.",
            {"sitting": "ep-00-01-01", "chapter": "1", "speaker": "Mr X", "speaker_id": "3", "original_lang": "en"},
        ),
    ]
    assert len(out) == 2


# ---- JRC-Acquis -----------------------------------------------------------------------------


def test_jrc_acquis_irish_pseudo_entities() -> None:
    d = only_doc(read("jrc_acquis", "jrc/jrc32099R0001-ga.xml"))
    assert d.doc_ref == "32099R0001"
    assert d.declared_lang == "ga"
    assert d.title == "Rialachán (CE) Uimh. 1/2099 maidir le cáis"
    assert d.metadata["eurovoc"] == "1234 5678"
    assert d.text == "Rialachán (CE) Uimh. 1/2099\nTá an réim seo 15 % níos fearr agus 20 %.\n%notanentity% fanann sé."
    # the EUR-Lex page of the file's own language (it was always the English one)
    assert d.url == "https://eur-lex.europa.eu/legal-content/GA/TXT/?uri=CELEX:32099R0001"


def test_jrc_acquis_tei_p5_namespace_maltese(tmp_path: Path) -> None:
    """A TEI P5 file (every element in the TEI namespace, xml:id and xml:lang) was accepted by its
    root name and then refused as having no <body>."""
    p = tmp_path / "jrc32099L0002-mt.xml"
    p.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="jrc32099L0002-mt" xml:lang="mt"><teiHeader><fileDesc>'
        "<titleStmt><title>JRC-ACQUIS 32099L0002 Maltese</title><title>Direttiva 2099/2/KE dwar il-ġobon</title>"
        "</titleStmt><publicationStmt><p>Ippubblikat.</p></publicationStmt><sourceDesc><bibl>Downloaded on "
        "<date>2006-02-22</date></bibl></sourceDesc></fileDesc><profileDesc><textClass>"
        '<classCode scheme="eurovoc">1234</classCode></textClass></profileDesc></teiHeader>'
        "<text><body><div><head>Direttiva 2099/2/KE</head><p>Il-ġobon Għawdxi huwa %agrave% la mod.</p>"
        "<p>Din id-Direttiva tidħol fis-seħħ.</p></div></body></text></TEI>",
        encoding="utf-8",
    )
    d = only_doc(read_path("jrc_acquis", p))
    assert d.doc_ref == "32099L0002"  # from xml:id
    assert d.declared_lang == "mt"  # xml:lang
    assert d.title == "Direttiva 2099/2/KE dwar il-ġobon"
    assert d.text == "Direttiva 2099/2/KE\nIl-ġobon Għawdxi huwa à la mod.\nDin id-Direttiva tidħol fis-seħħ."
    assert d.metadata == {"paragraphs": "3", "celex": "32099L0002", "eurovoc": "1234", "downloaded": "2006-02-22"}
    assert d.url == "https://eur-lex.europa.eu/legal-content/MT/TXT/?uri=CELEX:32099L0002"
    # a language EUR-Lex does not publish in (or none declared): the English page, as before
    p.write_text(p.read_text(encoding="utf-8").replace('-mt" xml:lang="mt"', '" xml:lang="und"'), encoding="utf-8")
    assert (
        only_doc(read_path("jrc_acquis", p)).url
        == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32099L0002"
    )


def test_pseudo_entities() -> None:
    assert decode_pseudo_entities("%Ccedil%a %eacute%t%eacute% 5 % %euro%") == "Ça été 5 % €"


# ---- Cellar notice enrichment ---------------------------------------------------------------


def test_cellar_notice_next_to_content_enriches(tmp_path: Path) -> None:
    (tmp_path / "act.xml").write_bytes((FIX / "formex/mt_act.xml").read_bytes())
    (tmp_path / "notice.xml").write_text(
        '<NOTICE type="object"><WORK><URI><VALUE>http://publications.europa.eu/resource/cellar/x</VALUE>'
        "<IDENTIFIER>x</IDENTIFIER><TYPE>cellar</TYPE></URI><SAMEAS><URI><VALUE>http://publications.europa.eu/resource/celex/32099R0001</VALUE>"
        "<IDENTIFIER>32099R0001</IDENTIFIER><TYPE>celex</TYPE></URI></SAMEAS>"
        '<WORK_IS_ABOUT_CONCEPT_EUROVOC type="concept"><IDENTIFIER>2771</IDENTIFIER></WORK_IS_ABOUT_CONCEPT_EUROVOC>'
        "<WORK_DATE_DOCUMENT><VALUE>2099-01-14</VALUE></WORK_DATE_DOCUMENT></WORK>"
        "<EXPRESSION><EXPRESSION_TITLE><VALUE>Regolament tan-notifika</VALUE></EXPRESSION_TITLE>"
        "<EXPRESSION_USES_LANGUAGE><URI><IDENTIFIER>MLT</IDENTIFIER></URI></EXPRESSION_USES_LANGUAGE></EXPRESSION></NOTICE>",
        encoding="utf-8",
    )
    src = SourceInfo(name="t", format="formex")
    d = only_doc(list(get_reader("formex")(ReadContext(src, str(tmp_path / "act.xml"), "act.xml"))))
    assert (d.doc_ref, d.metadata["celex"], d.metadata["eurovoc"], d.metadata["notice"]) == (
        "32099R0001",
        "32099R0001",
        "2771",
        "cellar",
    )
    # The content's own title and date win over the notice's.
    assert (d.title, d.date, d.declared_lang) == ("REGOLAMENT (UE) 2099/1 dwar il-ġobon tal-ħaġar", "2099-01-15", "mt")


# ---- A Formex content file is skipped only when its manifest takes it ----------------------

PKG = FIX / "formex" / "pkg"
MAIN, ANNEX, MANIFEST = "L_209900002GA.000101.fmx.xml", "L_209900002GA.000201.fmx.xml", "L_209900002GA.doc.fmx.xml"
ANNEX_TEXT = "IARSCRÍBHINN\n\nLiosta na dteangacha."


def _formex_files(tmp_path: Path, manifest: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Read every file of a package in ``tmp_path`` (``manifest`` replaces the manifest's text);
    per file: (name, [(kind, text or message)])."""
    for name in (MAIN, ANNEX):
        (tmp_path / name).write_bytes((PKG / name).read_bytes())
    if manifest is not None:
        (tmp_path / MANIFEST).write_text(manifest, encoding="utf-8")
    src = SourceInfo(name="t", format="formex")
    out = []
    for p in sorted(tmp_path.iterdir()):
        try:
            items = [
                ("doc", i.text) if isinstance(i, Document) else ("error", i.message)
                for i in get_reader("formex")(ReadContext(src, str(p), p.name))
            ]
        except InputError as exc:
            items = [("InputError", exc.message.split(":")[0])]
        out.append((p.name, items))
    return out


def test_formex_annex_not_listed_by_its_manifest_is_read_on_its_own(tmp_path: Path) -> None:
    """The annex names the manifest in DOCUMENT.REF but the manifest's REF.PHYS leaves it out:
    3 files in gave 1 document out and no error (the annex was lost)."""
    manifest = (PKG / MANIFEST).read_text(encoding="utf-8")
    without_annex = manifest.replace(f'<REF.PHYS FILE="{ANNEX}" TYPE="DOC.XML"/>', "")
    assert without_annex != manifest
    assert _formex_files(tmp_path, without_annex) == [
        (MAIN, []),  # listed: the manifest assembles it
        (ANNEX, [("doc", ANNEX_TEXT)]),
        (MANIFEST, [("doc", "Rialachán (AE) 2099/2\n\nAirteagal 1\nIs teanga oifigiúil í an Ghaeilge.")]),
    ]


def _planned_read(tmp_path: Path, paths: str, options: str = "{}") -> list[tuple[str, str, str]]:
    """Plan a recipe whose one Formex source reads ``paths`` (under ``tmp_path``) and read its files
    as a run does: per item (file name, position, first line of the text or the error message)."""
    from altedic.recipe import load_recipe
    from altedic.run import plan_sources

    (tmp_path / "r.yaml").write_text(
        "version: 1\nname: t\nsources:\n"
        f'  - {{name: f, format: {"zip" if "zip" in paths else "formex"}, paths: "{paths}", '
        f"licence: EU-Reuse-2011-833, options: {options}}}\noutput: {{path: out}}\n",
        encoding="utf-8",
    )
    plan = plan_sources(load_recipe(tmp_path / "r.yaml"))
    out = []
    for task in plan.tasks:
        for i in get_reader(plan.infos[task.source].format)(ReadContext(plan.infos[task.source], task.uri, task.rel)):
            what = i.text.split("\n")[0] if isinstance(i, Document) else i.message
            out.append((i.uri.removeprefix(f"{tmp_path}/"), i.position, what))
    return out


def test_formex_act_whose_manifest_the_source_does_not_read_is_read_on_its_own(tmp_path: Path) -> None:
    """A content file yields nothing when its manifest assembles it; but when the source's paths
    name the act alone, nothing read the manifest, and the act was lost without a trace (read 0,
    no error). A reader called alone still leaves it to the manifest (the paths are not known)."""
    import zipfile

    pkg = tmp_path / "pkg"
    pkg.mkdir()
    for name in (MAIN, ANNEX, MANIFEST):
        (pkg / name).write_bytes((PKG / name).read_bytes())
    title = "Rialachán (AE) 2099/2"
    assert _planned_read(tmp_path, f"pkg/{MAIN}") == [(f"pkg/{MAIN}", "doc ACT", title)]
    assert _planned_read(tmp_path, "pkg/*.000?01.fmx.xml") == [
        (f"pkg/{MAIN}", "doc ACT", title),
        (f"pkg/{ANNEX}", "doc ANNEX", "IARSCRÍBHINN"),
    ]
    # the manifest among the paths: it assembles the act and the annex, which yield nothing
    assert _planned_read(tmp_path, "pkg/*.xml") == [(f"pkg/{MANIFEST}", "package", title)]
    assert _planned_read(tmp_path, "pkg/**") == [(f"pkg/{MANIFEST}", "package", title)]
    # in a zip: the member_glob says which members the source reads
    with zipfile.ZipFile(tmp_path / "pkg.zip", "w") as zf:
        for name in (MAIN, ANNEX, MANIFEST):
            zf.writestr(f"DOC_1/{name}", (PKG / name).read_bytes())
    assert _planned_read(tmp_path, "pkg.zip", "{member_glob: '*.000101.fmx.xml'}") == [
        (f"pkg.zip!DOC_1/{MAIN}", "doc ACT", title)
    ]
    assert _planned_read(tmp_path, "pkg.zip") == [(f"pkg.zip!DOC_1/{MANIFEST}", "package", title)]
    assert read_path("formex", pkg / MAIN) == []


def test_formex_parts_of_a_malformed_or_missing_manifest_are_read_on_their_own(tmp_path: Path) -> None:
    main_text = "Rialachán (AE) 2099/2\n\nAirteagal 1\nIs teanga oifigiúil í an Ghaeilge."
    assert _formex_files(tmp_path, "<DOC><FMX>") == [
        (MAIN, [("doc", main_text)]),
        (ANNEX, [("doc", ANNEX_TEXT)]),
        (MANIFEST, [("InputError", "Formex file is truncated or not well-formed (the file ends inside an element)")]),
    ]
    (tmp_path / MANIFEST).unlink()
    assert _formex_files(tmp_path, None) == [(MAIN, [("doc", main_text)]), (ANNEX, [("doc", ANNEX_TEXT)])]


def test_formex_content_files_pointing_at_each_other_are_both_read(tmp_path: Path) -> None:
    a = '<ACT><BIB.INSTANCE><DOCUMENT.REF FILE="b.xml"/></BIB.INSTANCE><TITLE><TI><P>Act A</P></TI></TITLE></ACT>'
    b = '<ANNEX><BIB.INSTANCE><DOCUMENT.REF FILE="a.xml"/></BIB.INSTANCE><TITLE><TI><P>Annex B</P></TI></TITLE></ANNEX>'
    (tmp_path / "a.xml").write_text(a, encoding="utf-8")
    (tmp_path / "b.xml").write_text(b, encoding="utf-8")
    src = SourceInfo(name="t", format="formex")
    texts = [
        [d.text for d in get_reader("formex")(ReadContext(src, str(tmp_path / n), n)) if isinstance(d, Document)]
        for n in ("a.xml", "b.xml")
    ]
    assert texts == [["Act A"], ["Annex B"]]


# ---- File names: a good document never becomes an error because of its name ------------------

HTML_P = '<html><body><p class="oj-normal">Member States shall report every month.</p></body></html>'
NOTICE_CELEX = (
    '<NOTICE type="object"><WORK><SAMEAS><URI><IDENTIFIER>32024R0903</IDENTIFIER><TYPE>celex</TYPE></URI>'
    "</SAMEAS></WORK></NOTICE>"
)


def read_path(fmt: str, path: Path) -> list[Document | ReadError]:
    return list(get_reader(fmt)(ReadContext(SourceInfo(name="t", format=fmt), str(path), path.name)))


@pytest.mark.parametrize(
    "name",
    [
        "règlement_2024.html",
        "_draft.html",
        "CELEX+32024R0903.html",
        "doc[1].html",
        "a&b.html",
        "-1.html",
        ".hidden.html",
        "x" * 230 + ".html",
        "x" * 250 + ".html",  # <stem>.notice.xml would be longer than any file name: no notice
        "doc!1.html",
        "bang!dir/doc.html",
    ],
)
def test_a_file_name_never_turns_a_good_document_into_an_error(tmp_path: Path, name: str) -> None:
    """The Cellar-notice lookup refused such names as 'unsafe' (a check meant for names read from
    a manifest) and took any '!' for an archive separator ('cannot open package part')."""
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(HTML_P, encoding="utf-8")
    d = only_doc(read_path("eurlex_html", path))
    assert (d.text, d.doc_ref, "notice" in d.metadata) == ("Member States shall report every month.", None, False)
    notice = path.parent / (path.name.split(".", 1)[0] + ".notice.xml")
    if len(notice.name.encode()) <= 255:
        notice.write_text(NOTICE_CELEX, encoding="utf-8")
        d = only_doc(read_path("eurlex_html", path))
        assert (d.doc_ref, d.metadata["notice"]) == ("32024R0903", "cellar")


def test_akn_file_name_with_a_non_ascii_letter(tmp_path: Path) -> None:
    path = tmp_path / "Überblick.akn.xml"
    path.write_text(
        '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act><body><article><num>Artikolu 1</num>'
        "<content><p>Il-Kummissjoni Ewropea ppubblikat rapport.</p></content></article></body></act></akomaNtoso>",
        encoding="utf-8",
    )
    assert only_doc(read_path("akn", path)).text == "Artikolu 1\nIl-Kummissjoni Ewropea ppubblikat rapport."


def test_formex_manifest_may_name_any_plain_file(tmp_path: Path) -> None:
    """A REF.PHYS name is checked to be one plain file name (no '/', '..', control character),
    not matched against a list of 'safe' ASCII characters."""
    annex = "IARSCRÍBHINN [1]+Ü!.fmx.xml"
    (tmp_path / MAIN).write_bytes((PKG / MAIN).read_bytes())
    (tmp_path / annex).write_bytes((PKG / ANNEX).read_bytes())
    (tmp_path / MANIFEST).write_text((PKG / MANIFEST).read_text(encoding="utf-8").replace(ANNEX, annex), "utf-8")
    d = only_doc(read_path("formex", tmp_path / MANIFEST))
    assert (d.metadata["files"], d.text.endswith(ANNEX_TEXT)) == (f"{MAIN} {annex}", True)
    assert read_path("formex", tmp_path / annex) == []  # assembled by the manifest


# ---- Formex: values that are not what they claim ----------------------------------------------


@pytest.mark.parametrize(
    ("code", "marks"),
    [
        ("201C", "“ġbejna“"),
        ("D83D", "‘ġbejna’"),  # a lone surrogate (stopped the run at the Parquet writer)
        ("0", "‘ġbejna’"),  # NUL
        ("1B", "‘ġbejna’"),  # ESC
        ("200B", "‘ġbejna’"),  # a format character (zero width space)
        ("110000", "‘ġbejna’"),  # beyond Unicode
        ("F" * 24, "‘ġbejna’"),  # beyond a C long (OverflowError)
        ("quote", "‘ġbejna’"),
    ],
)
def test_formex_quot_code_that_is_no_printable_character_gives_the_default_mark(
    tmp_path: Path, code: str, marks: str
) -> None:
    path = tmp_path / "act.xml"
    path.write_text(
        f'<ACT><TITLE><TI><P>Il-<QUOT.START CODE="{code}"/>ġbejna<QUOT.END CODE="{code}"/> hija tajba.</P></TI></TITLE></ACT>',
        encoding="utf-8",
    )
    assert only_doc(read_path("formex", path)).text == f"Il-{marks} hija tajba."


def test_formex_manifest_number_with_a_non_ascii_digit(tmp_path: Path) -> None:
    """'9²' passes str.isdigit() and int('9²') raised ValueError: the package was lost."""
    for name in (MAIN, ANNEX):
        (tmp_path / name).write_bytes((PKG / name).read_bytes())
    manifest = (PKG / MANIFEST).read_text(encoding="utf-8")
    for number, celex, doc_ref in (
        ("9", "32099R0009", "32099R0009"),
        ("9²", None, "http://data.europa.eu/eli/reg/2099/2/oj"),
        ("٩", None, "http://data.europa.eu/eli/reg/2099/2/oj"),  # an Arabic-Indic nine: int() takes it, CELEX does not
    ):
        (tmp_path / MANIFEST).write_text(
            manifest.replace("<NO.CURRENT>2</NO.CURRENT>", f"<NO.CURRENT>{number}</NO.CURRENT>"), encoding="utf-8"
        )
        d = only_doc(read_path("formex", tmp_path / MANIFEST))
        assert (d.metadata["number"], d.metadata.get("celex"), d.doc_ref) == (f"(AE) 2099/{number}", celex, doc_ref)
