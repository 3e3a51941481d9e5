"""hbs words that several standards write (groups.yaml, twenty-second session): -irati verbs count
for every member, opći/općina, kćerka, utjecaj and tužitelj for Croatian and Bosnian, and
najviše, smisao, izuzetno, kompanija for none; with the real model and CLD2, news sentences that
the Croatian-only reading of those words got wrong. Twenty-third session: ni and the -ira,
-irala, -irali forms hbs writes alike are no Slovenian evidence, and deliti counts for Serbian and
Slovenian."""

from __future__ import annotations

import pytest

from altedic.langid.policy import GroupResolver
from altedic.langid.stage import LanguageStage

NONE = {"hr": 0, "bs": 0, "sr": 0, "cnr": 0, "sl": 0}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        # -irati verbs: all four standards (Slovenian's own list has the infinitive too)
        ("organizirati", {"hr": 1, "bs": 1, "sr": 1, "cnr": 1, "sl": 1}),
        # (Slovenian writes -iranje too: counted for it since the twenty-third session)
        ("organiziranje", {"hr": 1, "bs": 1, "sr": 1, "cnr": 1, "sl": 1}),
        ("formirao", {"hr": 1, "bs": 1, "sr": 1, "cnr": 1, "sl": 0}),
        # Croatian and Bosnian, not Serbian or Montenegrin
        ("općina", {**NONE, "hr": 1, "bs": 1}),
        ("opći", {**NONE, "hr": 1, "bs": 1}),
        ("kćerka", {**NONE, "hr": 1, "bs": 1}),
        ("utjecaja", {**NONE, "hr": 1, "bs": 1}),
        ("tužiteljstvo", {**NONE, "hr": 1, "bs": 1}),
        # words every standard writes, which ended like an -isati verb or were on the Bosnian,
        # Serbian and Montenegrin list
        ("najviše", NONE),
        ("previše", NONE),
        ("štoviše", NONE),
        ("smisao", NONE),
        ("zamisao", NONE),
        ("izuzetno", NONE),
        ("kompanija", NONE),
        # still evidence: an -isati verb for Bosnian, Serbian and Montenegrin, tijekom for Croatian
        ("definisati", {**NONE, "bs": 1, "sr": 1, "cnr": 1}),
        ("definišu", {**NONE, "bs": 1, "sr": 1, "cnr": 1}),
        ("tijekom", {**NONE, "hr": 1}),
        # ni: every standard writes it, and Slovenian (twenty-third session: it was Slovenian's)
        ("ni", NONE),
        # Slovenian's -ira, -irala, -irali, which hbs writes alike (and -ira, the genitive of -ir
        # nouns); its -iral (hbs -irao) still counts (twenty-third session)
        ("organizirala", NONE),
        ("kritizirali", NONE),
        ("varira", NONE),
        ("obzira", NONE),
        ("organiziral", {**NONE, "sl": 1}),
        # deliti, deli, delih: Serbian's and Slovenian's (twenty-third session: it was Serbian's)
        ("delih", {**NONE, "sr": 1, "sl": 1}),
        ("deliti", {**NONE, "sr": 1, "sl": 1}),
    ],
)
def test_shared_words_count_for_each_standard_that_writes_them(word: str, expected: dict[str, int]) -> None:
    assert GroupResolver().evidence("hbs", word) == expected


# News sentences of the DSL shared task's test set A (DSLCC v2.0 test-gold, CC0; labels from the
# corpus). The Bosnian ones were Croatian by the words (utjecaja; formirana, prolongiran;
# konstatirano counted for Croatian alone) against a model and CLD2 that rank Bosnian first; now
# the words tie and the country's names decide (BiH, FBiH, Bošnjaka). The Croatian ones were
# Bosnian by kompanija and izuzeti.
DSL_BOSNIAN = [
    "''Na taj način, BiH je po prvi put prepuštena sama sebi, bez direktnog i formalnog utjecaja susjeda i "
    "međunarodne zajednice na njenu političku klimu.",
    "Generalni štrajk je prolongiran nakon što je formirana interresorna grupa Vlade FBiH za rješavanje "
    "problema u oblasti tekstila, kože, obuće i gume i drugim oblastima.",
    "Prije pauze, konstatirano je da zasjedanju prisustvuju 32 delegata, od kojih 12 Bošnjaka, 11 Srba, "
    "šest Hrvata i tri delegata iz reda ostalih naroda.",
]
DSL_CROATIAN = [
    "Albanski premijer Sali Berisha sastao se u ponedjeljak (10. rujan) s predstavnicima američke "
    "kompanije za proizvodnju struje Hydro Electric Power Inc.",
    "Koristila sam njihove kreditne kartice, budući da su kao povlaštena kategorija građana SAD-a izuzeti "
    "od poreza te ne plaćaju manipulativne troškove i dostavu iz SAD-a.",
    "Do sada je u zoni izgrađen samo jedan paviljon površine 3.500 četvornih metara; to je prvi objekt "
    "kojeg će britanska kompanija pokušati iznajmiti.",
]


def test_news_sentences_evidence() -> None:
    r = GroupResolver()
    assert [r.evidence("hbs", t) for t in DSL_BOSNIAN] == [
        {**NONE, "hr": 1, "bs": 1},
        {"hr": 2, "bs": 2, "sr": 1, "cnr": 2, "sl": 1},
        {"hr": 2, "bs": 2, "sr": 1, "cnr": 2, "sl": 1},
    ]
    assert [r.evidence("hbs", t) for t in DSL_CROATIAN] == [{**NONE, "hr": 2, "bs": 1, "cnr": 1}, NONE, NONE]


def test_news_sentences_in_the_stage() -> None:
    stage = LanguageStage({})
    stage.setup()
    got = stage.identify([*DSL_BOSNIAN, *DSL_CROATIAN])
    assert [(r["lang"], r["decided_by"]) for r in got] == [
        ("bs-Latn", "topic"),
        ("bs-Latn", "topic"),
        ("bs-Latn", "topic"),
        ("hr", "evidence"),
        ("hr", "second_opinion"),
        ("hr", "second_opinion"),
    ], got
    # the model and CLD2 together rank Bosnian first for all but the last two
    assert [next(iter(r["alternatives"])) for r in got] == ["bs", "bs", "bs", "bs", "hr", "hr"], got


# Sentences of the same set A with ni ("pa ni nove godine", "ni po godinama ... ni po radnoj
# snazi", "ni po koju cenu") and no other word of the lists: until the twenty-third session ni
# counted for Slovenian alone and they were Slovenian.
DSL_NI = [
    "Autor ove kolumne nema običaj slavljenja bilo čega, pa ni nove godine, ali do njega ipak dopiru glasovi "
    "da se u Zagrebu slavilo fantastično.",
    "Ovu rečenicu u hrvatskim kompanijama nerijetko izgovaraju ljudi čiji se sugovornici iznenade jer im "
    "njihovo umirovljenje ni po godinama života ni po radnoj snazi ne bi palo na um.",
    "Prema njegovim rečima, to je učinjeno tokom proboja ka Tuzli u julu 1995. godine, zato što su postojali "
    "spiskovi onih koji ni po koju cenu ne smeju živi da se dokopaju slobode.",
]


def test_ni_is_no_slovenian_evidence() -> None:
    r = GroupResolver()
    assert [r.evidence("hbs", t) for t in DSL_NI] == [NONE, NONE, {"hr": 0, "bs": 1, "sr": 3, "cnr": 1, "sl": 2}]
    stage = LanguageStage({})
    stage.setup()
    got = stage.identify(DSL_NI)
    assert [(x["lang"], x["decided_by"]) for x in got] == [("hr", "topic"), ("hr", "topic"), ("sr-Latn", "evidence")]


# Sentences of set A with a -ira, -irala or -irali verb (transformira, angažirala, blokirala) as
# their only Slovenian word: until the twenty-third session they were Slovenian.
DSL_IRA = [
    "On je još od sedamdesetih bio na čelu umjerenog reformističkog desnog krila partije, te je davno počeo "
    "zagovarati da se partija transformira prema socijaldemokraciji.",
    "MSI je dobio 5,4 posto glasova, što je bio stanoviti napredak, Fini je izabran u parlament, a dobro je "
    "prošla i Alessandra Mussolini, unuka fašističkog diktatora, koja se jako angažirala u stranci.",
    "Posle incidenta policija je blokirala oblast, koja se nalazi u živom administrativnom centru "
    "prestonice, dok su agenti odreda za eksplozivne naprave pretraživali telo.",
]


def test_ira_forms_hbs_writes_are_no_slovenian_evidence() -> None:
    r = GroupResolver()
    assert [r.evidence("hbs", t)["sl"] for t in DSL_IRA] == [0, 0, 1]  # telo: "sr sl"
    stage = LanguageStage({})
    stage.setup()
    got = [x["lang"] for x in stage.identify(DSL_IRA)]
    assert got == ["hr", "hr", "sr-Latn"], got
