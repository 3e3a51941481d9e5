"""Regional orthography evidence (altedic/langid/regional.yaml, policy.RegionalResolver) and its
use by the language stage: a regional text labelled with its big neighbour gets its own label
(where lid.176 knows the language) or none (flag ``regional:<code>``), official text is left alone.

Every sentence below was written for this test (none comes from an evaluation set)."""

from __future__ import annotations

from pathlib import Path

import pytest

from altedic.errors import ConfigError
from altedic.langid.policy import RegionalResolver, load_regional
from altedic.langid.stage import LanguageStage
from altedic.records import Document, doc_id

# variety -> (the neighbour whose label the model would give, a short text in the variety)
REGIONAL: dict[str, tuple[str, str]] = {
    "co": (
        "it",
        "U populu corsu hè natu liberu è ùn vole micca perde i so diritti. Ogni ghjornu a ghjente di u paese "
        "si trova nant'à a piazza di a chjesa.",
    ),
    "sc": (
        "it",
        "Sos pitzinnos de sa bidda andant a s'iscola cada die. Sa limba sarda est una de sas limbas de s'Europa.",
    ),
    "fur": (
        "it",
        "Il furlan al è une lenghe romanze. Lis fameis a fevelin furlan in cjase e ducj i fruts a cjantin "
        "lis cjançons dai vecjos.",
    ),
    "lld": (
        "it",
        "La jent dla valada rejona ladin y todësch. Al ie n bel di y i mutons va tla scola dl paesc.",
    ),
    "lij": (
        "it",
        "O mæ paise o l'é in sciâ riva do mâ. A gente a parla zeneise e a l'é ciù contenta d'estæ.",
    ),
    "vec": (
        "it",
        "El me paese el xe picoło ma bèło. I veci i ga senpre tante storie da contar e ghe xe tuti i zorni "
        "calcosa da far.",
    ),
    "wa": (
        "fr",
        "Li walon est ene lingue romane. Dji n' sai nén cwè dire, mins dji m' sint bén avou vos ôtes e dins l' veye.",
    ),
    "pcd": (
        "fr",
        "Ch'est un biau jour: ém mère est contente pis ch'kien i court dins ch'gardin. Os sommes tertous "
        "aveuc chés gins d'ichi.",
    ),
    "frp": (
        "fr",
        "Lo mondo de ceti payis prègiont arpitan avouéc lors enfants. Tota la populacion at lo drêt de parlar "
        "sa lengoua.",
    ),
    "oc": (
        "fr",
        "La lenga occitana es parlada dins lo sud de França. Los enfants l'aprenon a l'escòla e tanben amb "
        "lors parents.",
    ),
    "ast": (
        "es",
        "L'asturianu ye una llingua romance que se fala n'Asturies. Los neños deprenden la llingua na escuela "
        "y nel so pueblu.",
    ),
    "lad": (
        "es",
        "La djente de la sivdad avla ladino i kada dia se topan en la plasa. Ke bueno ke es estar djuntos!",
    ),
    "mwl": (
        "pt",
        "L mirandés ye ua lhéngua que se fala an Miranda de l Douro. Ls rapazes daprenden la lhéngua cun ls pais.",
    ),
    "an": ("es", "L'aragonés ye una luenga romanica. Ta os chicotes ye important aprender a luenga d'os lolos."),
    "rm": (
        "it",
        "Il rumantsch è ina lingua naziunala da la Svizra. Ils uffants emprendan il rumantsch en scola e "
        "discurran rumantsch a chasa.",
    ),
    "sco": (
        "en",
        "The bairns gaed tae the schuil wi their mither. Whit a braw day it wis, an aw the fowk were oot in the sun.",
    ),
    "gsw": ("de", "D'Kinder sin hit ùff'm Màrt gsi ùn hàn e Wurscht gässe. Mer hàn àlli e schöne Tàà gha."),
    "bar": (
        "de",
        "Mia san ned dahoam gwen, oba da Opa hod gsogt, dass ma boid wieda hoam kemma. Des Weda is scho "
        "schee, und de Kinda spuin im Gartn.",
    ),
    "scn": (
        "it",
        "Iddu nun havi tempu pi jiri ô mircatu, picchì sugnu stancu e a casa è luntana. Quannu veni, ni "
        "videmu nta chiazza dû paisi.",
    ),
    "nds": (
        "de",
        "Ik heff dat Book leest, un dat weer nich slecht. De Kinner sünd in'n Goorn un speelt mit den Hund.",
    ),
    "hsb": ("pl", "Kóždy čłowjek ma prawo na swobodu. Serbja su mały lud w Łužicy a rěča hornjoserbsce."),
    "rup": (
        "ro",
        "Armãnjlji suntu un popul di Balcanj shi zburãscu limba armãneascã. Tuts fumeljli easti ahoatse.",
    ),
    "se": (
        "fi",
        "Sámegiella lea okta dain giellain mat hállojuvvojit Norggas. Mánát ohppet sámegiela skuvllas ja ruovttus.",
    ),
    "fo": (
        "da",
        "Føroyingar tosa føroyskt, og tað er eitt norðurlendskt mál. Teir hava sítt egna flagg og hesin "
        "dagur er stórur.",
    ),
    "krl": (
        "fi",
        "Jogahizel ristikanzal on oigevus omah kieleh da omah kul'tuurah. Toizet rahvahat libo pienet joukot "
        "eletäh meijän rinnal.",
    ),
    "vep": (
        "et",
        "Kaik mehed om sündnuded vapčin da ühtejiččin. Miše om vepsän kel’, sen tedab kaik vepsläine rahvaz.",
    ),
    "smn": (
        "cs",
        "Anarâškielâ lii sämikielâ, mii sárnoo Anarist. Párnááh máttájeh kielâ škoovlâst já pááihist.",
    ),
    "fkv": (
        "fi",
        "Met kväänit asuthaan Ruijassa, ja kväänin kieli oon meiđän oma kieli. Nytte lapset puhuthaan sitä "
        "koulussa tahi kotona.",
    ),
    "rom": (
        "sk",
        "Amare phrala thaj phenja den duma romani čhibaha. O sastipen thaj o čačipen si baro barvalipen katar o Del.",
    ),
}

# The neighbours themselves, everyday sentences: never a regional call.
OFFICIAL: dict[str, str] = {
    "it": "Ogni giorno la gente del paese si trova in piazza davanti alla chiesa e parla del tempo e del lavoro.",
    "fr": "Chaque été, les villages organisent des fêtes avec de la musique, et les enfants jouent dans les rues.",
    "es": "Los niños aprenden la lengua en la escuela y en casa, y cada verano el pueblo celebra sus fiestas.",
    "pt": "As crianças aprendem a língua na escola e em casa, e todos os verões a aldeia celebra as suas festas.",
    "ca": "Els nens aprenen la llengua a l'escola i a casa, i cada estiu el poble celebra la seva festa major.",
    "de": "Die Kinder lernen die Sprache in der Schule und zu Hause, und jeden Sommer feiert das Dorf ein Fest.",
    "nl": "De kinderen leren de taal op school en thuis, en elke zomer viert het dorp een groot feest.",
    "en": "The children learn the language at school and at home, and every summer the village holds a fair.",
    "ro": "Copiii învață limba la școală și acasă, iar în fiecare vară satul organizează o sărbătoare.",
    "pl": "Dzieci uczą się języka w szkole i w domu, a każdego lata wieś urządza wielkie święto.",
    "fi": "Lapset oppivat kieltä koulussa ja kotona, ja joka kesä kylä järjestää suuren juhlan torilla.",
    "et": "Lapsed õpivad keelt koolis ja kodus ning igal suvel korraldab küla oma platsil suure peo.",
    "sk": "Deti sa učia jazyk v škole aj doma a každé leto dedina organizuje veľkú slávnosť na námestí.",
    "sl": "Otroci se jezika učijo v šoli in doma, vsako poletje pa vas pripravi veliko praznovanje.",
    "hu": "A gyerekek az iskolában és otthon tanulják a nyelvet, és a falu minden nyáron nagy ünnepet tart.",
    "hr": "Djeca uče jezik u školi i kod kuće, a selo svake godine priređuje veliku proslavu na trgu.",
}


@pytest.fixture(scope="module")
def resolver() -> RegionalResolver:
    return RegionalResolver()


@pytest.fixture(scope="module")
def stage() -> LanguageStage:
    s = LanguageStage({})
    s.setup()
    return s


class _FixedAnswer:
    """The real model for everything but ``predict``, which gives the same ranking for every text
    (to test what the policy does with a label the real model gives only to other text)."""

    def __init__(self, model: object, ranking: list[tuple[str, float]]) -> None:
        self._model = model
        self._ranking = ranking

    def __getattr__(self, name: str) -> object:
        return getattr(self._model, name)

    def predict(self, texts: list[str], k: int = 5, max_chars: int = 0) -> list[list[tuple[str, float]]]:
        return [list(self._ranking) for _ in texts]


def _stage_whose_model_says(ranking: list[tuple[str, float]]) -> LanguageStage:
    stage = LanguageStage({})
    stage.setup()
    stage.model = _FixedAnswer(stage.model, ranking)  # type: ignore[assignment]
    return stage


@pytest.mark.parametrize("variety", sorted(REGIONAL))
def test_each_variety_is_named_by_its_spelling(resolver: RegionalResolver, variety: str) -> None:
    neighbour, text = REGIONAL[variety]
    call = resolver.check(neighbour, text)
    assert call is not None
    assert call.variety == variety, call
    assert call.hits[variety] >= call.needed


# Occitan outside the classical Languedocien spelling, written for the test: Mistralian
# Provençal, Gascon (Aranese articles eth/deth, shens), Limousin (quò, daus, lous)
OCCITAN_SPELLINGS = [
    "Tóuti li gènt de Prouvènço parlon aquesto lengo coume si paire: noun es uno lengo morto, aquéu parla viéu.",
    "Eth pòble d'Aran parla aranés shens dificultat e es fièr deth sòn patrimòni.",
    "Quò es la lenga daus pastres e lous vielhs de Lemosin la parlan enquera.",
    # nineteenth session: cado, dre, pèr, sara and the feminine -ouno against French
    "Cado persouno a dre à la vido e cadun sara libre pèr parla sa lengo.",
]


@pytest.mark.parametrize("text", OCCITAN_SPELLINGS)
def test_occitan_in_other_spellings_is_named(resolver: RegionalResolver, text: str) -> None:
    call = resolver.check("fr", text)
    assert call is not None and call.variety == "oc", call


def test_francoprovencal_o_grave_is_not_occitan_evidence_alone(resolver: RegionalResolver) -> None:
    """Valdôtain and Savoyard spellings of Francoprovençal write ò, as Occitan does: against
    French it counts for both, so that a Francoprovençal text is no longer Occitan by its ò alone
    (the stage calls a tie unknown, which is right for a language lid.176 cannot name), while an
    Occitan text still leads by its words."""
    frp = "Nyon pou éhè arèhò ni tsacha dè son paï: tòtè lè parsenè on lò pouvèr dè sè défindrè dèvan la konstituchon."
    call = resolver.check("fr", frp)
    assert call is not None and call.variety is None and set(call.tied) == {"frp", "oc"}, call
    oc = "Cada persona a drech a la vida: pòt parlar sa lenga e aquò es tanben un drech de l'òme."
    call = resolver.check("fr", oc)
    assert call is not None and call.variety == "oc" and (call.hits["oc"], call.hits["frp"]) == (8, 4), call


def test_french_with_the_name_sara_is_not_occitan(resolver: RegionalResolver) -> None:
    # Mistralian sara (sera) is also a first name: one hit, under the three a variety needs
    call = resolver.check("fr", "Sara est partie pour Lyon avec son frère, qui a le droit de voter.")
    assert call is not None and call.variety is None and call.hits["oc"] == 1, call


@pytest.mark.parametrize("lang", sorted(OFFICIAL))
def test_official_sentences_are_not_regional(resolver: RegionalResolver, stage: LanguageStage, lang: str) -> None:
    call = resolver.check(lang, OFFICIAL[lang])
    assert call is not None and call.variety is None and call.tied == ()
    got = stage.identify([OFFICIAL[lang]])[0]
    assert got["lang"] == lang
    assert not any(f.startswith("regional:") for f in got["flags"])


SARDINIAN = (
    "Sa limba sarda est sa limba de sa Sardigna. Sos pitzinnos de sa bidda l'imparant in domo e in s'iscola, e "
    "cada annu sas biddas faghent sas festas cun sos cantos e sos ballos de sa traditzione."
)
LADINO = (
    "La djente de la sivdad avla ladino i kada dia se topan en la plasa del merkado. Ke bueno ke es estar "
    "djuntos kon la famiya i los amigos!"
)


def test_stage_gives_known_varieties_their_label_and_unknown_ones_none(stage: LanguageStage) -> None:
    known = ["ast", "mwl", "an", "wa", "vec", "gsw", "hsb"]  # lid.176 knows them
    unknown = ["fur", "lld", "pcd", "frp", "rup", "se"]  # lid.176 does not
    texts = [REGIONAL[v][1] for v in known + unknown] + [LADINO]
    got = dict(zip([*known, *unknown, "lad"], stage.identify(texts), strict=True))
    for v in known:
        assert got[v]["lang"] == v, (v, got[v])
        assert f"regional:{v}" in got[v]["flags"] and got[v]["decided_by"] == "regional"
    for v in [*unknown, "lad"]:  # unknown, flagged with the variety, never the neighbour
        assert got[v]["lang"] is None, (v, got[v])
        assert f"regional:{v}" in got[v]["flags"] and got[v]["decided_by"] == "regional"


# Corsican written close to Italian: fastText says Italian at 0.98 (issue 5's example)
CORSICAN = [
    "A lingua corsa hè parlata in Corsica è in Sardegna. I zitelli a amparanu à a scola è in casa, è ogni estate "
    "i paesi facenu e feste cù a musica è i canti tradiziunali.",
    "Tutti l'omi nascenu liberi è pari in dignità è in diritti. Sò dotati di raghjone è di cuscenza è devenu "
    "agisce l'uni versu l'altri cun un spiritu di fratellanza.",
]


def test_corsican_that_fasttext_calls_italian_gets_its_own_label(stage: LanguageStage) -> None:
    for pred in stage.model.predict(CORSICAN, k=1):
        assert pred[0][0] == "it" and 0.97 < pred[0][1] < stage.config["regional"]["check_below"]
    got = stage.identify(CORSICAN)
    assert [g["lang"] for g in got] == ["co", "co"]
    assert all("regional:co" in g["flags"] and g["decided_by"] == "regional" for g in got)


def test_finnic_sami_and_romani_text_is_not_its_neighbour(stage: LanguageStage) -> None:
    # fastText says Finnish, Estonian, Slovenian, Czech (the eleventh session's extra UDHR proxy:
    # Karelian and Veps articles were Finnish and Estonian, Romani ones Slovak and Slovenian,
    # Inari Sami ones Portuguese and Czech)
    expected = {
        "krl": ("fi", None),
        "vep": ("et", "vep"),
        "rom": ("sl", None),
        "smn": ("cs", None),
        "fkv": ("fi", None),
    }
    for variety, (model_says, label) in expected.items():
        text = REGIONAL[variety][1]
        assert stage.model.predict([text], k=1)[0][0][0] == model_says
        got = stage.identify([text])[0]
        assert got["lang"] == label and f"regional:{variety}" in got["flags"], got
        assert got["decided_by"] == "regional"


# Eighteenth session, written for the test: White Sea Karelian in its Finnish-based spelling
# (ta, š for Finnish s, the passive in -tah/-täh) and Livvi (da, -ttih), which fastText calls
# Finnish; Finnish about the Czech Republic and Chechnya, whose š is in loans
WHITE_SEA_KARELIAN = (
    "Kanšallisen kulttuurin keškukšešša pietäh konsertti, ta festivalih kučutah laulu- ta tanššijoukkoja Karjalašša."
)
LIVVI = "Enzimäine pruazniekku pietäh kezäl, gostii vastattih kyläs da lapset pajatettih vahnoi pajoloi."
FINNISH_LOANS = "Tšekin hallitus ja Tšetšenian edustajat keskustelivat Tšekin ja Suomen kaupasta Prahassa."


def test_karelian_passive_and_s_as_sh_are_not_finnish(stage: LanguageStage, resolver: RegionalResolver) -> None:
    for text in (WHITE_SEA_KARELIAN, LIVVI):
        assert stage.model.predict([text], k=1)[0][0][0] == "fi"
        got = stage.identify([text])[0]
        assert got["lang"] is None and "regional:krl" in got["flags"], got
    call = resolver.check("fi", FINNISH_LOANS)
    assert call is not None and call.hits["krl"] == 0, call
    assert stage.identify([FINNISH_LOANS])[0]["lang"] == "fi"


def test_bavarian_in_austrian_spelling(resolver: RegionalResolver) -> None:
    """Zehetner's Austrian and Upper Palatinate forms (waun, duat, owa, koana, olle, gonz, vüü),
    which German does not write; a German sentence with da, des, a and nix is not Bavarian."""
    call = resolver.check(
        "de", "Waun's regnt, bleib ma duat, owa koana woaß wia laung. Olle san gonz nass, so vüü Wossa."
    )
    assert call is not None and call.variety == "bar" and call.hits["bar"] == 8, call
    german = resolver.check("de", "Da kam er, und des Kindes wegen hat er nix gesagt, a. M. liegt am Main.")
    assert german is not None and german.variety is None and german.hits["bar"] == 0, german


def test_bavarian_reduced_endings_and_the_article_de(resolver: RegionalResolver) -> None:
    """Merkle's syllabic -n after f, ch, sch, p and -m after b, p (lafn, mochn, zwischn, hobm,
    Suppm), where German writes -fen, -chen, -schen, -ben, -pen; the article de counts for Bavarian
    as for Low German against German, so that it does not tip a Bavarian text to Low German."""
    text = "De Leit hobm zwischn de Heisa a Suppm gmocht, und de Kinda mochn nix ois lafn und spuin."
    call = resolver.check("de", text)
    # hobm zwischn mochn ois lafn (5) + de x3 (bar and nds); not Suppm (a suffix entry needs
    # three letters before it, and words of five letters or fewer are not looked at for suffixes)
    assert call is not None and call.variety == "bar" and call.hits["bar"] == 8 and call.hits["nds"] == 3, call
    german = resolver.check(
        "de", "Die Leute haben zwischen den Häusern eine Suppe gekocht, und die Kinder machen nichts als laufen."
    )
    assert german is not None and german.hits["bar"] == 0 and german.variety is None, german


def test_swiss_german_nume_chunnt_and_doubled_umlauts(resolver: RegionalResolver) -> None:
    """Baur's forms (nume, chunnt, chli, hani, öppis, esch) and the doubled umlauts of long vowels
    (Ziischtig, Hüüser) are Alemannic against German; German's ii (Papst Johannes II.,
    variieren, Assoziierung) is not counted."""
    text = "Er chunnt nume am Ziischtig, hani ghört, und bringt öppis chli für d Hüüser, wo esch."
    call = resolver.check("de", text)
    # chunnt, nume, hani, öppis, chli, Hüüser (üü), esch: 7 (Ziischtig's ii is not an entry)
    assert call is not None and call.variety == "gsw" and call.hits["gsw"] == 7 and call.hits["bar"] == 0, call
    german = resolver.check(
        "de", "Papst Johannes Paul II. sprach über das Assoziierungsabkommen; die Preise variieren."
    )
    assert german is not None and german.hits["gsw"] == 0, german


def test_low_german_in_new_saxon_spelling_against_dutch(resolver: RegionalResolver) -> None:
    """New Saxon hee, dee, keyn, eyns, up, hev (Hahn 2004) count against Dutch (hij, die, geen,
    eens, op, heb); a Dutch sentence with an English loan (start-up) is not Low German."""
    text = "Hee sea, dat dee kearl keynen tyd hadde, un wy hev eyns up den åvend wachtet."
    call = resolver.check("nl", text)
    # hee, dee, keynen, un, hev, eyns, up, å: 8
    assert call is not None and call.variety == "nds" and call.hits["nds"] == 8, call
    dutch = resolver.check("nl", "Hij zei dat de start-up geen tijd had en dat wij eens op de avond wachtten.")
    # "start-up" is one chunk that is no entry: the first look does not open the count
    assert dutch is not None and dutch.variety is None and dutch.hits["nds"] == 0, dutch


def test_romagnol_against_italian(resolver: RegionalResolver) -> None:
    """Romagnol -zioun, m'la, èsa, dirét, persouna (Masotti 1999) against Italian; not dla and
    tla, which Ladin writes too (written for the test)."""
    text = "Ogni persouna la à dirét m'la protezioun dla lègia e la putrà èsa sicura in ca sua."
    call = resolver.check("it", text)
    # persouna, dirét, m'la, protezioun, putrà, èsa: 6
    assert call is not None and call.variety == "eml" and call.hits["eml"] == 6, call
    italian = resolver.check("it", "Ogni persona ha diritto alla protezione della legge e potrà essere sicura.")
    assert italian is not None and italian.hits["eml"] == 0, italian
    ladin = resolver.check("it", "La jent dla valada rejona ladin y i mutons va tla scola dl paesc.")
    assert ladin is not None and ladin.hits["eml"] == 0, ladin


def test_manx_that_the_model_calls_cornish_is_manx(resolver: RegionalResolver) -> None:
    """lid.176 calls some Manx Cornish at a low probability (then rejected as unknown); Manx's
    ta, cha, ayns, shoh, echey, ooilley name it against Cornish (Kneen 1931); a Cornish sentence
    (yn, y, ny, an, ha: words both write, or Cornish only) is not Manx."""
    manx = "Ta'n dooinney shen ayns y thie echey nish, agh cha nel eh mie dy liooar dy gholl magh."
    call = resolver.check("kw", manx)
    # dooinney, shen, ayns, echey, agh, cha, mie, dy twice: 9 (ta'n is not the entry ta)
    assert call is not None and call.variety == "gv" and call.hits["gv"] == 9, call
    cornish = resolver.check("kw", "Yma an den y'n chi ha ny wra ev mos yn-mes, rag ev yw klav.")
    assert cornish is not None and cornish.variety is None and cornish.hits["gv"] == 0, cornish
    stage = _stage_whose_model_says([("kw", 0.3), ("gv", 0.1), ("cy", 0.05)])
    got = stage.identify([manx])[0]
    assert (got["lang"], got["decided_by"]) == ("gv", "regional") and "regional:gv" in got["flags"], got


def test_upper_sorbian_against_czech(resolver: RegionalResolver) -> None:
    """Against Czech, whose alphabet has ě, č, š, ž, ř and ó, Upper Sorbian is told by what Czech
    does not write (Faska 1981): wj/wš, wot, wo, kiž, hdźe, što, bě, -ow and -nje, and dź, ń; a
    Czech sentence with Polish and German names (Gdańsk, Wagner, Kowalczyk) is not Sorbian."""
    text = "Wjele ludźi, kiž bě wot města daloko, njewě, hdźe su Serbja wo swojim wobydlenje rěčeli."
    call = resolver.check("cs", text)
    # wjele, ludźi (ź), kiž, bě, wot, hdźe (and its ź), wo, wobydlenje (-nje), su
    assert call is not None and call.variety == "hsb" and call.hits["hsb"] == 10, call
    czech = resolver.check(
        "cs", "V Gdańsku hrál orchestr Wagnera a Kowalczyk o tom napsal, že to byl nejlepší koncert roku."
    )
    assert czech is not None and czech.variety is None and czech.hits["hsb"] == 1, czech  # ń alone


def test_sicilian_and_corsican_share_u_but_not_their_own_words(resolver: RegionalResolver) -> None:
    """Both write the article u and the ending -u where Italian writes il/lo and -o: those count
    against Italian for both, so that Sicilian (nun, pi, nta, dû) and Corsican (hè, ùn, chj, à)
    words decide."""
    sicilian = resolver.check("it", REGIONAL["scn"][1])
    corsican = resolver.check("it", REGIONAL["co"][1])
    assert sicilian is not None and corsican is not None
    assert sicilian.variety == "scn" and corsican.variety == "co", (sicilian, corsican)
    # the shared -u words count for both
    shared = resolver.check("it", "Tuttu u tempu u mircatu.")
    assert shared is not None and shared.hits["co"] == shared.hits["scn"] == 3 and shared.tied == ("co", "scn"), shared


def test_veps_case_endings_count(resolver: RegionalResolver) -> None:
    """Forms of the Veps case table (nadospäi, nadolpäi, nadoiš, nadoikš: elative, ablative,
    inessive and translative plural of nado), which Estonian and Finnish do not write, joined by
    da (and; a whole word, which opens the count: endings alone do not)."""
    call = resolver.check("et", "Nadospäi da nadolpäi, nadoiš da nadoikš.")
    assert call is not None and call.variety == "vep" and call.hits["vep"] == 6, call
    # Estonian hanke (procurement) and seadme (device) end like the comitative and prolative: not counted
    call = resolver.check("et", "Da riigihanke da seadme da hanke.")
    assert call is not None and call.hits["vep"] == 3, call


def test_colloquial_finnish_is_not_kven(stage: LanguageStage) -> None:
    """Colloquial Finnish writes oon (I am) too, and official Finnish abbreviates kyseinen as ko.:
    one Kven-looking word is not Kven."""
    texts = [
        "Mä oon kotona koko päivän, ja illalla mennään saunaan ja sitten syömään.",
        "Alueelle on rakennettu liittymä ko. tieltä, ja tontit myydään ensi vuonna.",
    ]
    for got in stage.identify(texts):
        assert got["lang"] == "fi" and not any(f.startswith("regional:") for f in got["flags"]), got


def test_regional_document_is_rejected_as_unknown_not_its_neighbour(stage: LanguageStage) -> None:
    text = "\n".join([REGIONAL["fur"][1], REGIONAL["fur"][1].replace("furlan", "lenghe"), REGIONAL["fur"][1]])
    doc = stage.annotate([Document(id=doc_id("t", "1", text), text=text, source="t", uri="t.txt")])[0]
    stage.decide(doc)
    assert doc.rejected and doc.reason == "langid.unknown"
    assert "regional:fur" in doc.lang_flags
    # the detail said "no language could be identified" although the spelling named Friulian
    assert doc.reason_detail == (
        "the spelling names Friulian (fur), a language the model has no label for; declare the source's "
        "language to keep such documents under it"
    )


def test_unknown_details_say_what_named_the_text() -> None:
    from altedic.langid.stage import _unknown_detail

    assert _unknown_detail(["regional:frp+fur"]) == (
        "the spelling names Arpitan (frp) or Friulian (fur), languages the model has no label for; "
        "declare the source's language to keep such documents under it"
    )
    assert _unknown_detail(["atypical:it"]).startswith(
        "the model's probability of Italian (it) is below what is typical of it (langid.typical_confidence)"
    )
    assert _unknown_detail([]) == "no language could be identified"


def test_capitalised_or_punctuated_words_open_the_count(stage: LanguageStage) -> None:
    # the only whole-word entries of this Ladino sentence are its capitalised first word and a
    # capitalised word with a comma: the first look used to miss both and leave it Spanish
    text = "Kada djente tiene derecho a ser protejada. Dinguno, ni el rey, la puede atakar."
    got = stage.identify([text])[0]
    assert got["lang"] is None and "regional:lad" in got["flags"], got
    assert got["alternatives"] and next(iter(got["alternatives"])) == "es"  # what fastText said


def test_a_text_in_capitals_is_checked_as_the_model_reads_it(stage: LanguageStage) -> None:
    # written for the test: a Friulian heading in capitals was Italian (the first look matches
    # entries in lower case or capitalised), while the same text in ordinary case is Friulian
    text = "La int dal paîs e à dit che la lenghe furlane e à di jessi insegnade in dutis lis scuelis de regjon."
    got, upper = stage.identify([text, text.upper()])
    assert got["lang"] is None and "regional:fur" in got["flags"], got
    assert upper["lang"] is None and "regional:fur" in upper["flags"], upper


def test_a_label_from_the_second_opinion_alone_is_checked_in_the_families_fasttext_ranked(
    stage: LanguageStage,
) -> None:
    """CLD2 calls this Sardinian sentence (written for the test) Czech, 99 %, and fastText ranks
    Romanian, Catalan, Spanish, Italian: Czech came from the second opinion alone, and the cs-sk
    group then made it Slovak. The Sardinian spelling is now looked for in the families of the
    languages fastText ranked (Spanish, Italian) and names it."""
    text = "Sa limba sarda est una richesa pro totu sa comunidade e depet èssere imparada in totu sas iscolas."
    ranked = [c for c, _ in stage.model.predict([text], k=5)[0]]
    assert "cs" not in ranked and "sk" not in ranked and "sc" not in ranked, ranked
    got = stage.identify([text])[0]
    assert (got["lang"], got["decided_by"]) == ("sc", "regional") and "regional:sc" in got["flags"], got
    # official labels that only the second opinion names, with no regional words, keep them
    # (Maltese sentences written for the test that fastText ranks Hungarian or English)
    for maltese in ("Ma nafx fejn hu.", "Xi ħin hu issa?"):
        ranked = [c for c, _ in stage.model.predict([maltese], k=5)[0]]
        assert "mt" not in ranked, ranked
        assert stage.identify([maltese])[0]["lang"] == "mt"


def test_scots_gar_thole_hauden(resolver: RegionalResolver) -> None:
    # written for the test: its only Scots words are gart, thole and hauden (Robinson 1985)
    call = resolver.check("en", "They were gart thole the cauld an hauden ahint the yett for hours.")
    assert call is not None and call.variety == "sco" and call.hits == {"sco": 3}, call
    call = resolver.check("en", "The workers were held behind the gate and had to endure the cold for hours.")
    assert call is not None and call.variety is None and call.hits == {"sco": 0}, call


def test_a_variety_label_is_checked_in_the_family_the_model_saw(resolver: RegionalResolver) -> None:
    # the model itself said the variety: its first neighbour, as before
    assert resolver.family("co", 0.4, ["co", "fr", "it"], 0.9) == "it"
    assert resolver.family("oc", 0.4, ["oc", "es"], 0.9) == "fr"
    # a confusable group relabelled the model's es (or ca, with it next) as oc: that neighbour
    assert resolver.family("oc", 0.4, ["es", "oc"], 0.9) == "es"
    assert resolver.family("oc", 0.4, ["ca", "it", "eu"], 0.9) == "it"
    assert resolver.family("oc", 0.4, ["ca", "eu"], 0.9) == "fr"
    assert resolver.family("es", 0.4, ["oc"], 0.9) == "es"  # a neighbour is its own family
    # an unsure Manx label (its only neighbour, Cornish, is no official language) that the model
    # did not see next to Cornish: the families of the alternatives (CLD2 calls Skolt Sami Manx;
    # Estonian is a neighbour of the Finnic and Sami varieties); with Cornish ranked, Cornish's
    assert resolver.family("gv", 0.5, ["gv", "et", "fi"], 0.6) == "et"
    assert resolver.family("gv", 0.5, ["gv", "en", "kw"], 0.6) == "kw"
    assert resolver.family("gv", 0.7, ["gv", "et"], 0.6) == "kw"  # sure enough: its own family
    assert resolver.family("co", 0.4, ["co", "et"], 0.9) == "it"  # Corsican's neighbours are official


def test_ladino_that_the_group_relabels_occitan_is_still_ladino(stage: LanguageStage) -> None:
    # fastText says Spanish; Ladino's -sion words are Occitan evidence in the ca-es-oc group, which
    # relabels it oc; the regional check then looks among Spanish's varieties (not French's, oc's
    # first neighbour, where Ladino is not) and names Ladino
    text = "Kada persona tiene derecho a la edukasion i a la proteksion de su kaza, ke es una kestion de djustisia."
    assert stage.model.predict([text], k=1)[0][0][0] == "es"
    assert stage.resolver.resolve("ca-es-oc", text, [("es", 0.64)]).lang == "oc"
    got = stage.identify([text])[0]
    assert got["lang"] is None and "regional:lad" in got["flags"] and got["decided_by"] == "regional", got


def test_bavarian_that_the_group_relabels_luxembourgish_is_bavarian(stage: LanguageStage) -> None:
    # fastText says German (0.78); net (twice) is Luxembourgish evidence in lb-de, which picks lb
    # (it did since the nineteenth session with net, mir, zu; mir and zu, which German writes,
    # are no Luxembourgish evidence since the twenty-third); a member a group picks against the
    # model is looked at as the model saw it (fastText's own lb probability is small), so
    # German's varieties are checked, and Bavarian out-counts the Luxembourgish words that
    # picked lb
    text = (
        "Mir san im Summa auf an Bauernhof gfahrn und ham do vui Viecher gseng. Des war net so wia ma gmoant "
        "ham, owa schlecht wars a net, und de Kinda woitn olle Dog wieda hi."
    )
    assert stage.model.predict([text], k=1)[0][0][0] == "de"
    picked = stage.resolver.resolve("lb-de", text, [("de", 0.85), ("lb", 0.01)])
    assert (picked.lang, picked.evidence) == ("lb", {"lb": 2, "de": 0}), picked
    got = stage.identify([text])[0]
    assert (got["lang"], got["decided_by"]) == ("bar", "regional") and "regional:bar" in got["flags"], got
    # the score is the family's the model saw (German and Bavarian), not lb's and Bavarian's
    assert got["score"] > 0.8, got
    # Luxembourgish that fastText names stays Luxembourgish (its dat, vun, op are Low German words too)
    lux = (
        "Mir sinn am Summer op de Bauerenhaff gefuer an hunn do vill Déieren gesinn. Dat war net esou wéi mir "
        "gemengt hunn, mee et war awer schéin, an d'Kanner wollten all Dag nees dohin."
    )
    assert stage.identify([lux])[0]["lang"] == "lb"


def test_a_variety_must_out_count_the_words_that_picked_the_member() -> None:
    """The regional call on a member a group picked against the model stands only where the
    variety's hits lead the picked member's by the margin: written for the test, a Luxembourgish
    text whose dat, vun, wat, op, de are Low German entries too; the resolver is asked directly
    for both counts, then the stage with fastText's answer replaced by German."""
    text = (
        "Dat ass net wat mir wollten: d'Leit vun der Gemeng sinn op de Maart gaangen, an dat ass net gutt "
        "fir d'Geschäfter vun der Stad, wat och de Buergermeeschter gesot huet."
    )
    stage = LanguageStage({})
    stage.setup()
    picked = stage.resolver.resolve("lb-de", text, [("de", 0.7), ("lb", 0.2)])
    assert picked.lang == "lb", picked
    assert stage.regional is not None
    call = stage.regional.check("de", text)
    assert call is not None and call.variety == "nds", call  # the Low German words alone name it
    assert call.hits["nds"] - picked.evidence["lb"] < stage.regional.settings.margin, (call, picked)

    got = _stage_whose_model_says([("de", 0.7), ("lb", 0.2), ("nds", 0.05)]).identify([text])[0]
    assert got["lang"] == "lb" and not any(f.startswith("regional:") for f in got["flags"]), got


# a Ladino document whose paragraphs each hold two of its words, one too few to name it alone
LADINO_PARAGRAPHS = [
    "Kada primavera en el mes de mayo la komunidad organiza una fiesta en la plasa, kon musika para todos los vizinos "
    "del barrio y sus amigos.",
    "Los ijos de las famiyas djudias van a la eskola serka del puerto, i ayi estudian la istoria de "
    "sus padres y de sus abuelos, la lingua y las kantikas.",
    "Dinguno en la sivdad olvida los tiempos pasados, kuando los vapores traiyan mersansias de todo el mundo al "
    "puerto y los vizinos salian a verlos.",
]
SPANISH_PARAGRAPHS = [
    "Cada año la comunidad organiza una gran fiesta en la plaza, con música y comida para todos los vecinos del "
    "barrio, grandes y pequeños, ricos y pobres.",
    "Los hijos de las familias van a la escuela que se encuentra cerca del puerto, y allí estudian la historia de "
    "sus padres y de sus abuelos, la lengua y las canciones.",
    "Nadie en la ciudad olvida los tiempos pasados, cuando los barcos traían mercancías de todo el mundo al "
    "puerto y los vecinos salían a verlos.",
]


def test_ladino_y_for_ll_ny_for_n_and_sovre_porke(resolver: RegionalResolver) -> None:
    """Aki Yerushalayim spellings (Varol 2008) of Spanish words: eya/eyos (ella/ellos), sovre
    (sobre), porke (porque), ande (donde), and ny for ñ, counted in Spanish-labelled text only
    (Catalan writes ny too). Sentences written for the test."""
    call = resolver.check("es", "Eyos no saven porke el anyo pasado no vinieron.")
    assert call is not None and call.variety == "lad" and call.hits["lad"] == 3, call
    call = resolver.check("es", "Ellos no saben porque el año pasado no vinieron a la inyección.")
    assert call is not None and call.variety is None and call.hits["lad"] == 1, call  # inyección
    call = resolver.check("ca", "Ells no saben per què l'any passat no van venir a Catalunya.")
    assert call is not None and call.variety is None and call.hits["lad"] == 0, call


def _annotated(stage: LanguageStage, paragraphs: list[str]) -> Document:
    text = "\n".join(paragraphs)
    assert len(text) >= stage.config["paragraphs"]["min_doc_chars"]  # labelled paragraph by paragraph
    doc = stage.annotate([Document(id=doc_id("t", text[:9], text), text=text, source="t", uri="t.txt")])[0]
    stage.decide(doc)
    return doc


def test_regional_evidence_is_counted_over_the_whole_document(stage: LanguageStage) -> None:
    for par in LADINO_PARAGRAPHS:  # alone, each paragraph stays Spanish
        assert stage.identify([par])[0]["lang"] == "es"
        call = stage.regional.check("es", par)
        assert call is not None and 0 < call.hits["lad"] < call.needed
    doc = _annotated(stage, LADINO_PARAGRAPHS)
    assert doc.lang is None and "regional:lad" in doc.lang_flags
    assert doc.rejected and doc.reason == "langid.unknown"


def test_spanish_document_with_one_ladino_sentence_stays_spanish(stage: LanguageStage) -> None:
    doc = _annotated(stage, SPANISH_PARAGRAPHS)
    assert doc.lang == "es" and doc.lang_share == 1.0 and not doc.rejected
    # one Ladino sentence (named alone) among Spanish paragraphs: too few hits per word of the
    # whole document to make it Ladino; the document stays Spanish, the sentence is not counted in
    ladino = "Kada djente tiene derecho a ser protejada. Dinguno, ni el rey, la puede atakar."
    doc = _annotated(stage, [*SPANISH_PARAGRAPHS, ladino])
    assert doc.lang == "es" and not doc.rejected
    assert 0.75 < doc.lang_share < 0.9


ITALIAN = (
    "La lingua italiana è parlata in Italia, in Svizzera e a San Marino. Ogni anno migliaia di studenti "
    "stranieri vengono a studiarla nelle università del paese."
)
ENGLISH = (
    "The city council met on Tuesday to discuss the new budget for schools, roads and public libraries across "
    "the whole region."
)


def _parts(paragraphs: list[str]) -> list[Document]:
    split = LanguageStage({"paragraphs": {"on_mixed": "split"}})
    text = "\n".join(paragraphs)
    parts = split.annotate([Document(id=doc_id("t", text[:9], text), text=text, source="t", uri="t.txt")])
    for part in parts:
        split.decide(part)
    return parts


def test_split_keeps_regional_paragraphs_out_of_the_neighbours_part() -> None:
    # Friulian paragraphs after an Italian one used to join the Italian part (unsure, no label)
    fur = REGIONAL["fur"][1]
    parts = _parts([ITALIAN, fur, fur.replace("furlan", "lenghe")])
    assert [(p.lang, p.lang_flags) for p in parts] == [("it", ["split"]), (None, ["split", "regional:fur"])]
    assert parts[0].text == ITALIAN and not parts[0].rejected
    assert parts[1].rejected and parts[1].reason == "langid.unknown"
    # a variety the model can name keeps its flag in its part (not held to the model's probability)
    co = REGIONAL["co"][1]
    parts = _parts([ITALIAN, co, co])
    assert [(p.lang, p.lang_flags) for p in parts] == [("it", ["split"]), ("co", ["split", "regional:co"])]
    assert not parts[1].rejected


def test_split_gives_the_documents_variety_the_paragraphs_it_took() -> None:
    # the Ladino paragraphs are Spanish one by one and Ladino together; the English one is not
    parts = _parts([*LADINO_PARAGRAPHS, ENGLISH])
    assert [(p.lang, p.lang_flags) for p in parts] == [(None, ["split", "regional:lad"]), ("en", ["split"])]
    assert parts[0].rejected and parts[0].reason == "langid.unknown" and parts[1].text == ENGLISH


# Italian paragraphs next to Friulian ones in one document (written for the test): alone, the
# Italian ones are Italian at 0.98-1.00 with no Friulian word; the first Friulian one is Italian
# too (0.64, two Friulian words: too few to name it alone), the second is named Friulian alone
IT_FUR_DOCUMENT = [
    "Il consiglio comunale si è riunito ieri sera per discutere il nuovo piano dei trasporti pubblici della "
    "città e delle frazioni vicine.",
    "Il sindaco ha spiegato che gli autobus passeranno più spesso nelle ore di punta e che le fermate saranno "
    "rese accessibili a tutti.",
    "La citât e à un plan pai trasports publics: il sindic al à dite che la linie e passarà par il centri e "
    "par la stazion.",
    "Une gnove linie e larà fin tal ospedâl, cun une fermade denant de scuele e une altre dongje il marcjât, "
    "e ducj a son contents.",
]


def test_the_documents_variety_leaves_confident_neighbour_paragraphs_without_its_words(
    stage: LanguageStage,
) -> None:
    # the whole-document check names Friulian; it took every Italian-labelled paragraph with it, so
    # that the document was unknown (undeclared) or Italian at share 1.0 (declared), never mixed
    got = stage.identify(IT_FUR_DOCUMENT)
    assert [(g["lang"], g["score"]) for g in got] == [("it", 0.9845), ("it", 0.996), ("it", 0.6418), (None, 0.0)]
    assert [stage.regional.check("it", p).hits["fur"] for p in IT_FUR_DOCUMENT] == [0, 0, 2, 6]
    for declared in (None, "it"):
        text = "\n".join(IT_FUR_DOCUMENT)
        doc = Document(id=doc_id("t", "itfur", text), text=text, source="t", uri="t.txt", declared_lang=declared)
        doc = stage.annotate([doc])[0]
        assert (doc.lang, doc.lang_score, doc.lang_share) == ("it", 0.9902, 0.5187)
        assert doc.lang_flags == ["regional:fur", "mixed"]
        assert doc.metadata["lang_mix"] == "it:0.519,regional:fur:0.481"
        stage.decide(doc)
        assert not doc.rejected and doc.lang == "it"
    parts = _parts(IT_FUR_DOCUMENT)
    assert [(p.lang, p.lang_flags, p.text) for p in parts] == [
        ("it", ["split"], "\n".join(IT_FUR_DOCUMENT[:2])),
        (None, ["split", "regional:fur"], "\n".join(IT_FUR_DOCUMENT[2:])),
    ]
    assert [p.rejected and p.reason for p in parts] == [False, "langid.unknown"]


# Portuguese paragraphs and a Czech one (written for the test): the Czech words with č, š, ž are
# Inari Sami evidence against Portuguese (regional.yaml, smn: words_against pt)
PT_CS_DOCUMENT = [
    "O governo apresentou ontem um novo plano para melhorar o transporte público nas grandes cidades do "
    "país, com mais autocarros e comboios.",
    "Segundo o ministro, as obras devem começar no próximo ano e terminar antes do fim da década, se o "
    "orçamento for aprovado pelo parlamento.",
    "Os autarcas receberam a notícia com satisfação, mas lembraram que muitas promessas anteriores nunca "
    "foram cumpridas.",
    "Příslušné úřady musí zajistit, že žádosti občanů budou vyřízeny bez zbytečného odkladu a že žadatelé "
    "obdrží písemné rozhodnutí.",
]


def test_the_whole_document_check_reads_no_evidence_in_paragraphs_of_another_language(
    stage: LanguageStage,
) -> None:
    # the whole-document check on a Portuguese document counted the Czech paragraph's č, š, ž as
    # Inari Sami, named it, and took the Czech paragraph (cs is one of Inari Sami's neighbours):
    # the Czech part was rejected as langid.unknown (regional:smn), the document flagged so
    got = stage.identify(PT_CS_DOCUMENT)
    assert [(g["lang"], g["flags"]) for g in got] == [("pt", []), ("pt", []), ("pt", []), ("cs", [])]
    assert stage.regional.check("pt", PT_CS_DOCUMENT[3]).hits["smn"] == 8
    text = "\n".join(PT_CS_DOCUMENT)
    doc = Document(id=doc_id("t", "ptcs", text), text=text, source="t", uri="t.txt", declared_lang="pt")
    doc = stage.annotate([doc])[0]
    assert (doc.lang, doc.lang_flags, doc.lang_share) == ("pt", ["mixed"], 0.7539)
    assert doc.metadata["lang_mix"] == "cs:0.246,pt:0.754"
    parts = _parts(PT_CS_DOCUMENT)
    assert [(p.lang, p.lang_flags, p.rejected) for p in parts] == [("pt", ["split"], False), ("cs", ["split"], False)]
    assert parts[1].text == PT_CS_DOCUMENT[3]


def test_regional_label_is_not_held_to_the_model_probability(stage: LanguageStage) -> None:
    # lid.176 gives this Sardinian paragraph sc at ~0.11, below min_confidence; the spelling agrees
    doc = stage.annotate([Document(id=doc_id("t", "2", SARDINIAN), text=SARDINIAN, source="t", uri="t.txt")])[0]
    assert doc.lang == "sc" and (doc.lang_score or 0.0) < stage.thresholds("sc")["min_confidence"]
    assert "regional:sc" in doc.lang_flags
    stage.decide(doc)
    assert not doc.rejected and doc.lang == "sc"
    # the same score without the regional flag is rejected as before
    bare = Document(id="x", text=SARDINIAN, source="t", uri="t.txt", lang="sc", lang_score=doc.lang_score)
    stage.decide(bare)
    assert bare.rejected and bare.reason == "langid.low_confidence"


def test_check_off_gives_the_neighbour_back() -> None:
    off = LanguageStage({"regional": {"check": False}})
    got = off.identify([REGIONAL["fur"][1], REGIONAL["ast"][1], LADINO])
    assert [g["lang"] for g in got] == ["it", "es", "es"]
    assert not any(f.startswith("regional:") for g in got for f in g["flags"])


def test_tied_varieties_give_unknown_with_both_flags(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "settings: {min_hits: 2, min_share: 0.0, margin: 1}\n"
        "varieties:\n"
        "  aa: {neighbours: [it], words: [xa, xb]}\n"
        "  bb: {neighbours: [it], words: [xa, xb]}\n",
        "utf-8",
    )
    r = RegionalResolver(tmp_path / "r.yaml")
    call = r.check("it", "xa xb e poi altro")
    assert call is not None and call.variety is None and call.tied == ("aa", "bb")
    assert r.check("fr", "xa xb") is None  # not a neighbour of any variety


def test_entry_syntax_infix_short_prefix_and_alphabets(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "settings: {min_hits: 1, min_share: 0.0, margin: 1}\n"
        "alphabets: {fr: 'ç'}\n"
        "varieties:\n"
        "  aa: {neighbours: [it, fr], words: ['*chj*', \"d'*\", zz], chars: 'ç'}\n",
        "utf-8",
    )
    r = RegionalResolver(tmp_path / "r.yaml")
    assert r.check("it", "una vechja casa").hits["aa"] == 1  # infix
    assert r.check("it", "zz d’estate").hits["aa"] == 2  # two-letter prefix, typographic apostrophe
    # prefixes and suffixes alone do not pass the first look (a whole word, two-word entry,
    # infix or character of a variety is needed before the text is counted word by word)
    assert r.check("it", "d’estate").hits["aa"] == 0
    assert r.check("it", "ça").hits["aa"] == 1
    assert r.check("fr", "ça va").variety is None  # French writes ç itself


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("varieties: []\n", None),
        ("settings: {min_hits: 0}\nvarieties: {aa: {neighbours: [it]}}\n", "settings"),
        ("settings: {typo: 1}\nvarieties: {aa: {neighbours: [it]}}\n", "settings"),
        ("varieties: {aa: {words: [x]}}\n", "varieties.aa"),
        ("varieties: {aa: {neighbours: [it], typo: 1}}\n", "varieties.aa"),
        ("varieties: {aa: {neighbours: [it], words_against: {fr: [x]}}}\n", "varieties.aa.words_against"),
    ],
)
def test_bad_regional_file_is_refused(tmp_path: Path, text: str, key: str | None) -> None:
    (tmp_path / "r.yaml").write_text(text, "utf-8")
    with pytest.raises(ConfigError) as err:
        load_regional(tmp_path / "r.yaml")
    assert err.value.key == key


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"regional": {"check": "yes"}}, "stages.langid.regional.check"),
        ({"regional": {"min_chars": -1}}, "stages.langid.regional.min_chars"),
        ({"regional": {"check_below": 2}}, "stages.langid.regional.check_below"),
        ({"regional": {"unsure_below": None}}, "stages.langid.regional.unsure_below"),
        ({"regional": {"typo": 1}}, "stages.langid.regional.typo"),
    ],
)
def test_bad_regional_config_is_refused(config: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as err:
        LanguageStage(config)
    assert err.value.key == key


def test_packaged_file_loads_and_names_languages_the_model_knows(stage: LanguageStage) -> None:
    settings, alphabets, varieties = load_regional()
    assert settings.min_hits >= 2 and 0 < settings.min_share < 1
    assert {"co", "sc", "fur", "wa", "ast", "lad", "mwl"} <= set(varieties)
    known = stage.model.languages()
    assert {"co", "sc", "wa", "ast", "mwl", "oc", "vec"} <= known
    assert not {"fur", "lij", "lld", "frp", "pcd", "lad", "rup"} & known
    for v in varieties.values():
        assert v.source and v.neighbours, v.code
        assert all(n in alphabets for n in v.neighbours), v.code
