"""Readers on the real EU documents in ../shared/data/formats (skipped when absent)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from altedic.readers import eurlex_html, formex, get_reader
from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import Document, ReadError

REG_2024_903 = "formex4/L_202400903EN.000101.fmx.xml"
REG_HTML = "eurlex-html/c008bcb6-e7ec-11ee-9ea8-01aa75ed71a1.0006.03_DOC_1.html"
EU_23 = {
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
}


@pytest.fixture(scope="module")
def formats(shared_data: Path) -> Path:
    return shared_data / "formats"


def read(fmt: str, path: Path, **options: object) -> list[Document | ReadError]:
    src = SourceInfo(name="real", format=fmt, retrieved="2026-11-01", options=dict(options))
    return list(get_reader(fmt)(ReadContext(src, str(path), path.name)))


def ws(text: str) -> str:
    return " ".join(text.split())


def test_regulation_2024_903_formex(formats: Path) -> None:
    act = formex.extract_file((formats / REG_2024_903).read_bytes())
    arts = act.articles()
    assert len(arts) == 23
    assert arts[0].label == "Article\u00a01"
    assert ws(arts[0].text) == ws(
        "Article 1 Subject matter and scope 1. This Regulation lays down measures that promote the cross-border "
        "interoperability of trans-European digital public services, thus contributing to the interoperability of the "
        "underlying network and information systems by establishing common rules and a governance framework. 2. This "
        "Regulation applies to Union entities and public sector bodies that regulate, provide, manage or implement "
        "trans-European digital public services. 3. This Regulation applies without prejudice to the competence of Member "
        "States to define what constitutes public services or to their ability to establish procedural rules for or to "
        "provide, manage or implement those services. 4. This Regulation is without prejudice to the competence of Member "
        "States with regard to their activities concerning public security, defence and national security. 5. This "
        "Regulation does not entail the supply of information the disclosure of which would be contrary to the essential "
        "interests of Member States’ public security, defence or national security."
    )
    assert ws(arts[-1].text) == ws(
        "Article 23 Entry into force 1. This Regulation shall enter into force on the twentieth day following that of its "
        "publication in the Official Journal of the European Union. 2. It shall apply from 12 July 2024. However, "
        "Article 3(1) to (4) and Article 17 shall apply from 12 January 2025."
    )
    body = "\n".join(a.text for a in arts)
    # Every QUOT.START/QUOT.END of the enacting terms (codes 2018/2019) became a quotation mark;
    # the source has no literal ‘, so the count must match exactly (apostrophes are literal ’).
    raw = (formats / REG_2024_903).read_text(encoding="utf-8")
    terms = raw[raw.index("<ENACTING.TERMS") : raw.index("</ENACTING.TERMS>")]
    assert body.count("‘") == terms.count('<QUOT.START CODE="2018"') == 21
    assert body.count("’") == terms.count('<QUOT.END CODE="2019"') + terms.count("’") == 25
    assert "‘cross-border interoperability’ means" in body
    # No footnote text inside articles: the 20 NOTEs went to notes, none of their text is in the body.
    assert len(act.notes) == 20
    assert ws(act.notes[3]) == (
        "(4) Decision (EU) 2022/2481 of the European Parliament and of the Council of 14 December 2022 establishing "
        "the Digital Decade Policy Programme 2030 (OJ L 323, 19.12.2022, p. 4)."
    )
    assert "Digital Decade Policy Programme 2030 (OJ" not in ws(act.render())
    assert "OJ C 184" not in ws(act.render())


def test_regulation_2024_903_package(formats: Path) -> None:
    docs = read("formex", formats / "formex4/L_202400903EN.doc.fmx.xml")
    assert len(docs) == 1 and isinstance(docs[0], Document)
    d = docs[0]
    assert (d.doc_ref, d.declared_lang, d.date, d.url) == (
        "32024R0903",
        "en",
        "2024-03-13",
        "http://data.europa.eu/eli/reg/2024/903/oj",
    )
    assert d.metadata["articles"] == "23" and d.metadata["notes_count"] == "20"
    assert d.metadata["oj_ref"] == "OJ L, 2024/903, 22.3.2024"
    assert d.text.endswith(
        "Other relevant interoperability solutions, where applicable, including machine-to-machine interfaces\n— Remaining barriers to cross-border interoperability"
    )
    assert (d.licence, d.attribution) == ("EU-Reuse-2011-833", "© European Union, 1998-2026")
    # The content files of the package yield nothing on their own (no duplicates).
    assert read("formex", formats / REG_2024_903) == []
    assert read("formex", formats / "formex4/L_202400903EN.toc.fmx.xml") == []


def test_formex_table_note_of_annex_i_to_regulation_1319_2011(formats: Path) -> None:
    (d,) = read("formex", formats / "formex4/5cca93ee-e193-46bf-8416-c2f57cbc34c9.0004.05_DOC_4.xml", package="none")
    assert isinstance(d, Document)
    # TBL/GR.NOTES/NOTE was in neither the text nor the notes
    assert (d.metadata["notes_count"], d.metadata["notes"]) == (
        "1",
        "(1) Nomenclature of countries laid down by Commission Regulation (EC) No 1833/2006 (OJ L 354, 14.12.2006, "
        "p. 19). The code “ZZ” represents “other origins”.’",
    )
    assert "Nomenclature" not in d.text and d.text.startswith("‘ANNEX I\n\nCN code Description of goods")


def test_formex_and_html_agree_on_every_article(formats: Path) -> None:
    fx = formex.extract_file((formats / REG_2024_903).read_bytes())
    ht = eurlex_html.extract_file((formats / REG_HTML).read_bytes())
    assert [ws(a.text) for a in ht.articles()] == [ws(a.text) for a in fx.articles()]
    assert [ws(n) for n in ht.notes] == [ws(n) for n in fx.notes]


def test_eurlex_html_2024_903(formats: Path) -> None:
    (d,) = read("eurlex_html", formats / REG_HTML)
    assert isinstance(d, Document)
    assert (d.declared_lang, d.doc_ref, d.metadata["articles"]) == ("en", "OJ L, 2024/903, 22.3.2024", "23")
    assert (
        "(1)" not in d.text.split("Having regard to the opinion of the European Economic and Social Committee")[1][:3]
    )
    assert "Having regard to the opinion of the European Economic and Social Committee,\n" in d.text
    # The act's date as the Formex package gives it ("of 13 March 2024"); the header's is the OJ's.
    assert (d.date, d.metadata["oj_date"]) == ("2024-03-13", "2024-03-22")
    # The OJ colophon after the last ELI container is not appended to the annex; its ELI is kept.
    assert d.metadata["eli"] == "http://data.europa.eu/eli/reg/2024/903/oj"
    assert d.text.endswith("— Remaining barriers to cross-border interoperability")
    (fx,) = read("formex", formats / "formex4/L_202400903EN.doc.fmx.xml")
    assert isinstance(fx, Document)
    assert ws(d.text) == ws(fx.text)
    assert (d.date, d.metadata["eli"]) == (fx.date, fx.metadata["eli"])


@pytest.mark.parametrize(
    ("name", "articles"),
    [
        ("COM(2025)1.html", None),
        ("COM(2025)6.html", 3),
        ("COM(2025)11.html", None),
        ("COM(2025)18.html", None),
        ("COM(2025)43.html", None),
    ],
)
def test_eurlex_html_proposals_have_no_footnote_markers(formats: Path, name: str, articles: int | None) -> None:
    (d,) = read("eurlex_html", formats / "eurlex-html/proposals" / name)
    assert isinstance(d, Document) and len(d.text) > 1000
    if articles is not None:
        assert d.metadata["articles"] == str(articles)
    assert int(d.metadata.get("notes_count", "0")) > 0
    assert not re.search(r"\w\s?\d{1,2}\s*$", d.text.split("\n")[0])


@pytest.mark.parametrize(
    "name", ["COM(2025)1.html", "COM(2025)6.html", "COM(2025)11.html", "COM(2025)18.html", "COM(2025)43.html"]
)
def test_eurlex_html_proposals_numbers_are_not_glued_to_their_text(formats: Path, name: str) -> None:
    (d,) = read("eurlex_html", formats / "eurlex-html/proposals" / name)
    assert isinstance(d, Document)
    lines = d.text.split("\n")
    # 150 lines of the five proposals read "1.1.The ..." or "(1)The ..." before.
    assert [line for line in lines if re.match(r"(\(\d+\)|\d+(\.\d+)*\.|\([a-z]\))[^\s\d.)]", line)] == []
    if name == "COM(2025)6.html":
        assert "1.1.1. Principles" in lines
        assert (
            "1.1. The UN Single Convention on Narcotic Drugs of 1961, as amended by the 1972 Protocol, and the UN "
            "Convention on Psychotropic Substances of 1971"
        ) in lines
        assert any(line.startswith("(1) The United Nations (UN) Single Convention") for line in lines)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("COM(2025)1.html", "DECISION OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL on the mobilisation"),
        ("COM(2025)6.html", "COUNCIL DECISION on the position to be taken on behalf of the European Union in the"),
        ("COM(2025)11.html", "COUNCIL DECISION on the position to be taken on behalf of the European Union at the"),
        ("COM(2025)18.html", "COUNCIL DECISION on the position to be taken on behalf of the European Union at the"),
        ("COM(2025)43.html", "COUNCIL DECISION on the position to be taken on behalf of the European Union at the"),
    ],
)
def test_eurlex_html_proposals_title_from_the_cover_page(formats: Path, name: str, kind: str) -> None:
    (d,) = read("eurlex_html", formats / "eurlex-html/proposals" / name)
    assert isinstance(d, Document) and d.title is not None
    assert d.title.startswith(f"Proposal for a {kind}")
    parts = eurlex_html.extract_file((formats / "eurlex-html/proposals" / name).read_bytes()).parts
    assert (parts[0].kind, parts[0].lines[0], parts[0].lines[-3]) == ("title", "EUROPEAN COMMISSION", "Proposal for a")
    assert " ".join(parts[0].lines[-3:]) == d.title
    assert parts[1].kind == "preamble" and parts[1].lines[0] == "EXPLANATORY MEMORANDUM"
    # the date of the cover ("Brussels, 13.1.2025"), as the file's docVars say it (LW_EMISSION_ISODATE)
    raw = (formats / "eurlex-html/proposals" / name).read_text(encoding="utf-8")
    assert d.date == re.search(r"LW_EMISSION_ISODATE;value=\"([\d-]+)\"", raw).group(1)  # type: ignore[union-attr]
    if name == "COM(2025)6.html":  # tulit's own reading of the same file
        ref = json.loads((formats / "tulit-parser-outputs/COM(2025)6.json").read_text(encoding="utf-8"))
        assert d.title == ref["preface"]


def test_akn_directive_2014_92(formats: Path) -> None:
    (d,) = read("akn", formats / "akoma-ntoso/32014L0092.akn.xml")
    assert isinstance(d, Document)
    assert (d.declared_lang, d.doc_ref, d.date, d.metadata["articles"], d.metadata["notes_count"]) == (
        "en",
        "/akn/eu/act/directive/ep/2014/92/EN@/!main",
        "2014-07-23",
        "31",
        "19",
    )
    assert "OJ C 51, 22.2.2014" not in d.text and "OJ C 51, 22.2.2014" in d.metadata["notes"]
    assert "Having regard to the opinion of the European Central Bank,\n" in d.text


def test_akn4eu_leos_placeholders(formats: Path) -> None:
    (d,) = read("akn", formats / "akn4eu/DIR-cmcxketrh00ca8x00qxqd29bn-en.xml")
    assert isinstance(d, Document)
    assert "[...]" not in d.text and "OJ C [...]" not in d.metadata.get("notes", "")
    assert (d.declared_lang, d.doc_ref, d.metadata["articles"], d.licence) == (
        "en",
        "COM(2025) 162",
        "20",
        "EU-Reuse-2011-833",
    )


def test_akn4eu_empty_references_without_brackets(formats: Path) -> None:
    # Its two notes are "OJ L , , p. ." and "OJ L": LEOS references left to fill in.
    (d,) = read("akn", formats / "akn4eu/akn4eu.xml")
    assert isinstance(d, Document)
    assert "notes" not in d.metadata and "notes_count" not in d.metadata
    assert "Russian armed forces into the area,\n" in d.text


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("finland_finlex_2024_123.xml", "fi"),
        ("france_tas24-021.akn.xml", "fr"),
        ("germany_bgbl-1_2025_145_legaldocml.xml", "de"),
        ("greece_law_4330_2015.xml", "el"),
        ("italy_normattiva_20240527_24G00083.xml", "it"),
        ("luxembourg_eli-etat-leg-loi-2024-05-22-a199-jo-fr-xml.xml", None),
    ],
)
def test_akn_member_states_languages(formats: Path, name: str, lang: str | None) -> None:
    docs = read("akn", formats / "akoma-ntoso/member-states" / name)
    # Luxembourg: the law and its four attached documents (test below); the others: one document
    assert len(docs) == (5 if name.startswith("luxembourg") else 1)
    assert all(isinstance(d, Document) and d.licence is None for d in docs)
    d = docs[0]
    assert isinstance(d, Document) and d.declared_lang == lang and sum(len(d.text) for d in docs) > 5000


def test_akn_legifrance_title_in_the_preamble(formats: Path) -> None:
    (d,) = read("akn", formats / "akoma-ntoso/member-states/france_tas24-021.akn.xml")
    assert isinstance(d, Document)
    assert d.title == (
        "Proposition de loi tendant à renforcer les moyens de surveillance des individus condamnés pour des "
        "infractions sexuelles, violentes ou terroristes"
    )


def test_akn_luxembourg_law_and_its_attached_conventions(formats: Path) -> None:
    docs = read("akn", formats / "akoma-ntoso/member-states/luxembourg_eli-etat-leg-loi-2024-05-22-a199-jo-fr-xml.xml")
    assert all(isinstance(d, Document) for d in docs)
    got = [
        (d.position, d.declared_lang, d.date, len(d.text.split()), d.text.split("\n")[:2])
        for d in docs
        if isinstance(d, Document)
    ]
    # Merged, the French law, the French convention and protocol and the English ones were one
    # document (9,200 French + 8,600 English words) labelled with one language.
    assert got == [
        (
            "doc act",
            None,
            None,
            236,
            [
                "Loi du 22 mai 2024 portant approbation de la Convention entre le Grand-Duché de "
                "Luxembourg et la République de Cabo Verde pour l’élimination de la double imposition en matière d’impôts sur le "
                "revenu et sur la fortune et pour la prévention de l’évasion et de la fraude fiscales, et du Protocole y "
                "relatif, faits à Luxembourg, le 13 janvier 2022.",
                "",
            ],
        ),
        (
            "doc act attachment 1",
            None,
            "2024-05-15",
            8346,
            [
                "CONVENTION",
                "entre le Grand-Duché de Luxembourg et la "
                "République de Cabo Verde pour l’élimination de la double imposition en matière d’impôts sur le revenu et sur "
                "la fortune et pour la prévention de l’évasion et de la fraude fiscales.",
            ],
        ),
        ("doc act attachment 2", None, "2024-05-15", 236, ["PROTOCOLE", ""]),
        ("doc act attachment 3", None, "2024-05-15", 8513, ["CONVENTION", ""]),
        ("doc act attachment 4", None, "2024-05-16", 236, ["PROTOCOL", ""]),
    ]
    assert (
        docs[3].text.split("\n")[2].startswith("between the Grand Duchy of Luxembourg and the Republic of Cabo Verde")
    )
    assert docs[0].metadata["attachments"] == "4"


def _independent_counts(path: Path) -> tuple[int, Counter[str]]:
    """Units and per-language non-empty segments counted with a plain regex (not the reader)."""
    text = path.read_bytes().decode("utf-16")
    units = re.findall(r"<tu>.*?</tu>", text, re.S)
    counts: Counter[str] = Counter()
    for unit in units:
        for lang, seg in re.findall(r'<tuv lang="([A-Z]{2})[^"]*">\s*<seg>(.*?)</seg>', unit, re.S):
            if seg.strip():
                counts[lang.lower()] += 1
    return len(units), counts


@pytest.mark.parametrize("name", ["22019A0315(01)", "22019D0391", "22019D0437", "22019D0710", "22019D1359"])
def test_dgt_tmx_23_languages_and_segment_counts(formats: Path, name: str) -> None:
    path = formats / "tmx-dgt" / f"{name}.tmx"
    assert path.read_bytes()[:2] == b"\xff\xfe"  # UTF-16LE with BOM
    out = read("tmx", path)
    docs = [d for d in out if isinstance(d, Document)]
    assert [e for e in out if isinstance(e, ReadError)] == []
    assert {d.declared_lang for d in docs} == EU_23 and len(docs) == 23
    assert {d.doc_ref for d in docs} == {name}
    _units, expected = _independent_counts(path)
    assert {d.declared_lang: len(d.text.split("\n")) for d in docs} == dict(expected)
    assert {d.declared_lang: int(d.metadata["segments"]) for d in docs} == dict(expected)


def test_dgt_tmx_exact_counts_22019d0391(formats: Path) -> None:
    docs = [d for d in read("tmx", formats / "tmx-dgt/22019D0391.tmx") if isinstance(d, Document)]
    segs = {d.declared_lang: int(d.metadata["segments"]) for d in docs}
    assert (segs["en"], segs["et"], segs["mt"], segs["el"], segs["bg"]) == (25, 18, 19, 19, 19)


def test_europarl_extract_tmx_utf8(formats: Path) -> None:
    docs = [d for d in read("tmx", formats / "europarl-extract-samples/parallel_en-de.tmx") if isinstance(d, Document)]
    assert [(d.declared_lang, d.metadata["segments"]) for d in docs] == [("de", "3"), ("en", "3")]
    assert docs[1].text.split("\n")[2] == "We were diverted to Basel-Mulhouse Airport."


def test_europarl_extract_parallel_tab_is_one_error(formats: Path) -> None:
    samples = formats / "europarl-extract-samples"
    (e,) = read("europarl", samples / "parallel_en-de.tab")
    assert isinstance(e, ReadError) and (e.position, e.kind) == ("line 2", "schema")
    assert e.message.startswith("parallel EuroParlExtract file (source<TAB>target on each line)")
    # the monolingual samples are read as before
    for name in ("parallel_de_tl.txt", "parallel_en_sl.txt", "comparable_translated_bg-en.txt"):
        (d,) = read("europarl", samples / name)
        assert isinstance(d, Document) and "\t" not in d.text


def test_jrc_acquis(formats: Path) -> None:
    (d,) = read("jrc_acquis", formats / "jrc-acquis-tei/jrc31958R0001-en.xml")
    assert isinstance(d, Document)
    assert (d.doc_ref, d.declared_lang, d.metadata["paragraphs"]) == ("31958R0001", "en", "27")
    assert (
        d.title
        == "EEC Council: Regulation No 1 determining the languages to be used by the European Economic Community"
    )
    assert d.text.split("\n")[-1] == "V. LAROCK"


def test_cellar_notice_parsed(formats: Path) -> None:
    from altedic.readers.cellar import parse_notice

    n = parse_notice((formats / "cellar-notice/celex_32018R0196_object_work.xml").read_bytes(), "w.xml")
    assert n.celex == "32018R0196"
    assert n.date == "2018-05-01" or n.date is not None
    assert n.eurovoc[0] == "5498"
