"""The language stage's result for a document does not depend on its batch (determinism across
worker counts: Beam batches differ between runs, runners and workers)."""

from __future__ import annotations

import copy
import random

from altedic.langid.stage import LanguageStage
from altedic.records import Document, doc_id

TEXTS = [
    ("hr", "Sveučilište je u kolovozu otvorilo novi studij, a općina je osigurala stipendije za studente."),
    ("bs", "Univerzitet je u augustu otvorio novi studij, a općina je obezbijedila stipendije za studente."),
    ("sr", "Univerzitet je u avgustu otvorio nove studije, a opština je obezbedila stipendije za studente."),
    ("mt", "Il-Kunsill lokali ħabbar proġett ġdid għat-tisbiħ tal-pjazza ewlenija tar-raħal."),
    ("ga", "D'fhógair an chomhairle contae scéim nua chun tithe a dheisiú sna ceantair thuaithe."),
    ("el", "Το δημοτικό συμβούλιο ανακοίνωσε νέο πρόγραμμα ανακαίνισης της κεντρικής πλατείας."),
    ("bg", "Общинският съвет обяви нова програма за обновяване на централния площад."),
    ("cs", "Městská rada oznámila nový program obnovy hlavního náměstí a okolních ulic."),
    ("sk", "Mestská rada oznámila nový program obnovy hlavného námestia a okolitých ulíc."),
    ("da", "Byrådet har annonceret et nyt program for renovering af det centrale torv."),
    ("nb", "Bystyret har kunngjort et nytt program for oppussing av det sentrale torget."),
    ("gl", "O concello anunciou un novo programa para renovar a praza central da vila."),
    ("pt", "A câmara municipal anunciou um novo programa para renovar a praça central."),
    ("lb", "De Gemengerot huet en neie Programm fir d'Renovatioun vun der Haaptplaz ugekënnegt."),
    ("de", "Der Gemeinderat hat ein neues Programm zur Renovierung des Hauptplatzes angekündigt."),
]


def _docs() -> list[Document]:
    out = []
    for i, (lang, text) in enumerate(TEXTS):
        body = "\n\n".join([text] * (1 + i % 3))
        out.append(
            Document(
                id=doc_id("t", str(i), body), text=body, source="t", uri="u", declared_lang=lang if i % 2 else None
            )
        )
    return out


def _result(d: Document) -> tuple[object, ...]:
    return (d.id, d.lang, d.lang_score, d.lang_share, sorted(d.lang_alternatives.items()), list(d.lang_flags), d.reason)


def test_result_of_a_document_does_not_depend_on_its_batch() -> None:
    stage = LanguageStage({})
    stage.setup()
    alone = []
    for d in _docs():
        (got,) = [x for x in stage.annotate([copy.deepcopy(d)])]
        stage.decide(got)
        alone.append(_result(got))
    for seed in range(3):
        docs = _docs()
        random.Random(seed).shuffle(docs)
        batch = stage.annotate(docs)
        for d in batch:
            stage.decide(d)
        assert sorted(_result(d) for d in batch) == sorted(alone)
    # A fresh stage (another worker) gives the same results too.
    other = LanguageStage({})
    other.setup()
    again = other.annotate(_docs())
    for d in again:
        other.decide(d)
    assert sorted(_result(d) for d in again) == sorted(alone)
