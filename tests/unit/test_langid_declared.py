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
