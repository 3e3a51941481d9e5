"""The labels and scores the language stage gives: another model's script-qualified labels,
text without letters or with web addresses only, script variants of a language (sr-Latn) in
thresholds and in the wanted languages."""

from __future__ import annotations

import random
from pathlib import Path

from altedic.langid.stage import LanguageStage
from altedic.records import Document, doc_id

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "lid_models"


def _doc(text: str, declared: str | None = None, n: int = 0) -> Document:
    return Document(id=doc_id("t", str(n), text), text=text, source="t", uri="t.txt", declared_lang=declared)


def test_group_evidence_that_agrees_with_a_script_qualified_label_keeps_the_models_score() -> None:
    # A model whose labels carry a script (FLORES-style bos_Latn -> bs-Latn, as GlotLID's and
    # OpenLID's do): the hbs group's words (historija, sedmica, kahva, lahko: Bosnian) agree with
    # the model's top label. The score stays the model's probability of Bosnian, as it does for
    # lid.176's bare labels; it was the group's combined score (bs-Latn + hr, 0.8425), because
    # the resolver's "bs" was compared with the label "bs-Latn" and taken for another member.
    rng = random.Random(7)
    letters, ends = ["č", "ć", "ž", "h", "a", "e", "i", "o", "u", "j", "n", "s"], ["ah", "eh", "la", "ko"]
    vocab = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 6))) + rng.choice(ends) for _ in range(100)]
    text = " ".join(rng.choice(vocab) for _ in range(25)) + " historija sedmica kahva lahko"
    stage = LanguageStage({"model": str(TINY / "tiny-softmax.bin"), "second_opinion": "none"})
    assert stage.model.predict([text], k=2)[0][0][0] == "bs-Latn"
    r = stage.identify([text])[0]
    assert (r["lang"], r["score"], r["decided_by"]) == ("bs-Latn", 0.7131, "evidence")
    d = stage.annotate([_doc(text, "bs")])[0]
    stage.decide(d)
    assert (d.lang, d.lang_score, d.lang_flags, d.reason) == ("bs-Latn", 0.7131, ["declared:confirmed"], None)
