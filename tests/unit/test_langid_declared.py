"""The declared-language policy of the language stage (``decide``): the label and score a
declaration gives, macrolanguages, split parts and mixed documents of a declared source."""

from __future__ import annotations

import pytest

from altedic.langid.codes import normalise_lang
from altedic.langid.stage import LanguageStage
from altedic.records import Document, doc_id

# Written for these tests
SR_LATN = "Sastanak je održan u ponedjeljak u gradu."  # short: lid.176 calls it Croatian (0.75)
HR = "Ministarstvo znanosti i obrazovanja obavještava javnost da će sve državne škole sutra ostati zatvorene zbog lošeg vremena."
HR_SURE = "Vlada je donijela odluku o porezu."  # Croatian at 0.8434: a confident mismatch for sr
EN_SHORT = "Contact us"  # English at 0.6444: not confident enough to contradict a declaration


def _doc(text: str, declared: str | None = None, n: int = 0) -> Document:
    return Document(
        id=doc_id("t", str(n), text), text=text, source="t", uri="t.txt", declared_lang=normalise_lang(declared)
    )


def _decided(stage: LanguageStage, items: list[tuple[str | None, str]]) -> list[Document]:
    out = stage.annotate([_doc(t, d, i) for i, (d, t) in enumerate(items)])
    for d in out:
        stage.decide(d)
    return out


@pytest.mark.parametrize("how", ["reject", "keep"])
def test_a_declaration_takes_the_texts_script_and_its_own_score(how: str) -> None:
    # A declared sr (or SRP) on Latin text was stored as "sr" (data/sr) beside the sr-Latn and
    # sr-Cyrl of detected Serbian, and its score was looked up under the code as declared: a
    # trusted sr-Latn took the detected Croatian's 0.7216 (lang_score fell back to it), a kept
    # mismatch 0.0 (no "sr-Latn" key among lid.176's labels), a Maltese declaration on English
    # text English's probability. Now the label has the text's script and the score is the
    # model's for the declared language itself (0.0 where the model does not rank it).
    stage = LanguageStage({"declared": {"on_mismatch": how}})
    got = _decided(
        stage,
        [("sr", SR_LATN), ("SRP", SR_LATN), ("sr-Latn", HR), ("sr", HR), ("mt", EN_SHORT), ("sr-Latn", HR_SURE)],
    )
    table = [(d.lang, d.lang_score, d.lang_flags[-1], d.reason) for d in got]
    assert table[:5] == [
        ("sr-Latn", 0.0, "declared:trusted", None),  # Serbian not among the alternatives (hr, bs, hbs)
        ("sr-Latn", 0.0, "declared:trusted", None),
        ("sr-Latn", 0.1021, "declared:trusted", None),  # lid.176's sr (either script), not hr's 0.7216
        ("sr-Latn", 0.1021, "declared:trusted", None),
        ("mt", 0.0, "declared:trusted", None),  # not English's 0.6444
    ]
    if how == "keep":
        assert table[5] == ("sr-Latn", 0.0754, "declared:mismatch", None)  # was 0.0
    else:
        assert table[5] == ("hr", 0.8434, "declared:mismatch", "langid.mismatch")


HR_LONG = (
    "Hrvatski sabor danas je izglasao novi zakon o porezu na dohodak, a ministar financija najavio je da će se "
    "porezne olakšice za obitelji s djecom povećati od sljedeće godine."
)
NN = (
    "Kunnskapsdepartementet informerer ålmenta om at alle statlege skular vil halde stengt i morgon på grunn av "
    "det dårlege vêret som rammar landet."
)
ID = "Pemerintah Indonesia hari ini mengumumkan kebijakan baru tentang pajak penghasilan bagi pekerja."


def test_a_member_of_a_declared_macrolanguage_is_agreement() -> None:
    # Croatian declared sh (Serbo-Croatian) was langid.mismatch wherever hr reached 0.8
    # ("declared hbs, detected hr (0.84)") and trusted as "hbs" below; Nynorsk declared NO became
    # Bokmål "confirmed" (no/nor were read as nb, and the group took the declaration as Bokmål
    # evidence); Indonesian declared Malay (ms, whose ISO 639-3 macrolanguage holds id) was a
    # mismatch. Now each keeps the member detected, as without a declaration, flagged
    # declared:macrolanguage.
    stage = LanguageStage({})
    items = [("sh", HR_LONG), ("hbs", HR_SURE), ("NO", NN), ("nor", NN), (None, NN), ("ms", ID), ("may", ID)]
    got = [(d.declared_lang, d.lang, d.lang_score, d.lang_flags[-1], d.reason) for d in _decided(stage, items)]
    assert got == [
        ("hbs", "hr", 0.7702, "declared:macrolanguage", None),
        ("hbs", "hr", 0.8434, "declared:macrolanguage", None),
        ("no", "nn", 0.5522, "declared:macrolanguage", None),
        ("no", "nn", 0.5522, "declared:macrolanguage", None),
        (None, "nn", 0.5522, "second_opinion", None),
        ("ms", "id", 0.8419, "declared:macrolanguage", None),
        ("ms", "id", 0.8419, "declared:macrolanguage", None),
    ]


def test_norwegian_is_the_macrolanguage_as_declared_and_bokmal_as_a_models_label() -> None:
    from altedic.langid.model import LidModel

    assert [normalise_lang(c) for c in ("no", "NOR", "Norwegian", "norsk", "nob", "nno", "nb-NO")] == [
        "no",
        "no",
        "no",
        "no",
        "nb",
        "nn",
        "nb",
    ]
    assert LidModel().code_for_label("__label__no") == "nb"  # lid.176's no is Bokmål


def test_a_detected_macrolanguage_holds_the_declared_member() -> None:
    # The other way round: the model's own sh label (or a group label, groups.on_undecided:
    # group) confident of Serbo-Croatian does not contradict a declared hr; the declaration
    # names the member. (A document as the annotation leaves it: the model gives sh to few texts.)
    stage = LanguageStage({})
    d = _doc("Grad leži na obali rijeke, a ima oko 5.000 stanovnika prema popisu iz 1991. godine.", "hr")
    d.lang, d.lang_score, d.lang_alternatives, d.lang_flags = "hbs-Latn", 0.9, {"hbs": 0.9, "hr": 0.08}, []
    stage.decide(d)
    assert (d.lang, d.lang_score, d.lang_flags, d.reason) == ("hr", 0.08, ["declared:trusted"], None)


# Written for these tests: English paragraphs, then Friulian ones (a variety lid.176 has no label for)
EN_PARAS = [
    "The Ministry for Education informs the public that all State schools will remain closed tomorrow because of "
    "the bad weather affecting the islands, and that further information about the reopening will follow.",
    "Parents are asked to keep their children at home and to follow the official announcements on the Ministry's "
    "website for more information about the reopening of schools and about the arrangements for examinations.",
    "The regional government has published a new report on the state of the language in schools, in the media and "
    "in public administration across the whole region.",
]
FUR_PARAS = [
    "La lenghe furlane e je une lenghe romanze che si fevele in Friûl. I furlans a son cirche sîscentmil e a vivin "
    "te provincie di Udin, di Pordenon e di Gurize.",
    "La lenghe e je stade ricognossude de leç dal stât e de regjon, e vuê si le insegne in tantis scuelis dal Friûl "
    "cun libris e programs gnûfs.",
]
FUR_DETAIL = (
    "the spelling names Friulian (fur), a language the model has no label for; declare the source's language "
    "to keep such documents under it"
)


@pytest.mark.parametrize(
    ("declared", "fur_part"),
    [
        # the parent's English is not the Friulian part's language: unknown, as without a declaration
        ("en", (None, 0.0, ["split", "regional:fur"], "langid.unknown", FUR_DETAIL)),
        (None, (None, 0.0, ["split", "regional:fur"], "langid.unknown", FUR_DETAIL)),
        # a declaration that names the variety the spelling names stands for that part
        ("fur", ("fur", 0.0, ["split", "regional:fur", "declared:trusted"], None, None)),
    ],
)
def test_a_split_part_in_a_regional_language_does_not_take_the_parents_declaration(
    declared: str | None, fur_part: tuple[object, ...]
) -> None:
    # The Friulian part of a document declared English landed in data/en (lang en, lang_score
    # 0.0, flags split, regional:fur, declared:trusted): the part had no language, and decide
    # trusted the parent's declaration for it.
    stage = LanguageStage({"paragraphs": {"on_mixed": "split"}})
    text = "\n".join(EN_PARAS + FUR_PARAS)
    parts = _decided(stage, [(declared, text)])
    assert [p.text for p in parts] == ["\n".join(EN_PARAS), "\n".join(FUR_PARAS)]
    en_flags = ["split", "declared:confirmed"] if declared == "en" else ["split"]
    got = [(p.lang, p.lang_score, p.lang_flags, p.reason, p.reason_detail) for p in parts]
    assert got == [("en", 0.9668, en_flags, None, None), fur_part]


# Written for this test: one Maltese paragraph, two English ones (English three quarters of the text)
MT_PARA = (
    "Il-Ministeru għall-Edukazzjoni qed jinforma lill-pubbliku li l-iskejjel kollha tal-Istat se jibqgħu magħluqa "
    "għada minħabba t-temp ħażin."
)


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        # the declared language is confidently present: no mismatch; the document keeps its main
        # language, flagged declared:present (it was langid.mismatch, "declared mt, detected en")
        ("MLT", ("en", 0.9704, 0.754, ["mixed", "declared:present"], None, None)),
        ("en", ("en", 0.9704, 0.754, ["mixed", "declared:confirmed"], None, None)),
        # a language found in no paragraph is still a mismatch
        (
            "de",
            ("en", 0.9704, 0.754, ["mixed", "declared:mismatch"], "langid.mismatch", "declared de, detected en (0.97)"),
        ),
    ],
)
def test_a_mixed_document_holding_the_declared_language_is_no_mismatch(
    declared: str, expected: tuple[object, ...]
) -> None:
    stage = LanguageStage({})  # paragraphs.on_mixed: flag
    (d,) = _decided(stage, [(declared, "\n".join([MT_PARA, *EN_PARAS[:2]]))])
    assert d.metadata["lang_mix"] == "en:0.754,mt:0.246"
    assert (d.lang, d.lang_score, d.lang_share, d.lang_flags, d.reason, d.reason_detail) == expected


def test_a_mixed_document_holding_the_declared_regional_variety_is_no_mismatch() -> None:
    stage = LanguageStage({})
    (d,) = _decided(stage, [("fur", "\n".join(EN_PARAS + FUR_PARAS))])
    assert d.metadata["lang_mix"] == "en:0.662,regional:fur:0.338"
    assert (d.lang, d.lang_flags, d.reason) == ("en", ["mixed", "declared:present"], None)
