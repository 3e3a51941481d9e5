"""One language-code system for altedic: ISO 639-1 where it exists, else ISO 639-3, plus a
script subtag where it matters (``sr-Cyrl``/``sr-Latn``).

Every code that enters altedic goes through :func:`normalise_lang`: the declared language of a
source (Formex ``LG.DOC``, TMX ``xml:lang``, Cellar expression language, DCAT
``dct:language``, a contributor's manifest) and the labels of the language-ID model. It accepts

* ISO 639-1 (``mt``), ISO 639-2/B and /T (``ger``/``deu``, ``gre``/``ell``), ISO 639-3
  (``ast``, ``cnr``), any case;
* the Publications Office's language authority (Cellar) codes and IRIs
  (``GLE``, ``http://publications.europa.eu/resource/authority/language/MLT``) and other
  IRIs that end in a code (id.loc.gov, lexvo);
* BCP 47 / TMX locales with region, numeric or variant subtags (``EN-GB``, ``pt-BR``,
  ``BG-01``, ``es-419``, ``sr-Latn-RS``), with ``-`` or ``_``;
* fastText labels (``__label__mt``, ``__label__mlt_Latn``) and FLORES-200 / GlotLID / OpenLID
  codes (``lvs_Latn``, ``ekk_Latn``, ``zsm_Latn``, ``nob``/``nno``, ``srp_Cyrl``): individual
  languages of a macrolanguage are folded into the macrolanguage's 639-1 code where the EU
  treats them as that language (Standard Latvian ``lvs`` -> ``lv``, Standard Estonian ``ekk``
  -> ``et``, Standard Malay ``zsm`` -> ``ms``);
* values seen in the wild: ``en-EN``, ``el-GR``, country codes used as language codes
  (``gr`` -> ``el``, ``cz`` -> ``cs``, ``dk`` -> ``da``, ``ua`` -> ``uk``), deprecated
  codes (``iw``, ``in``, ``ji``, ``jw``, ``mo``, ``sh``, ``scc``, ``scr``), English language
  names (``Maltese``, ``Irish``) and the languages' own names (``Malti``, ``Gaeilge``,
  ``Ελληνικά``, ``hrvatski jezik``, with or without accents: :data:`ENDONYMS`).

It returns None for empty input, for codes it does not know and for the special codes
``und``/``mul``/``zxx``/``mis``/``qaa``-``qtz`` (ISO 639-2 "undetermined", "multiple", "no
linguistic content", "uncoded", "reserved for local use"): altedic never guesses a neighbour.

Decisions that are not obvious (each one documented where the table says it):

* ``no``/``nor`` (Norwegian, the macrolanguage) stay ``no``: a source that declares Norwegian
  says nothing of Bokmål or Nynorsk (:data:`MACROLANGUAGES`). fastText's ``no`` *label* is
  Bokmål (the Norwegian Wikipedia is, and Nynorsk has its own label): that is the model's label
  mapping (:data:`LID176_LABEL_FIXES`, and CLD2's and langdetect's in the policy), not a
  declaration's. Before, ``no`` was read as ``nb`` here, for declarations too, and a Nynorsk
  text declared ``NO`` became Bokmål, "confirmed".
* ``sh`` (deprecated ISO 639-1 Serbo-Croatian) -> ``hbs`` (ISO 639-3 macrolanguage): a
  group label, used by the policy when it cannot decide between hr/bs/sr/cnr.
* ``egl``/``rgn`` (Emilian, Romagnol: ISO 639-3 codes since ``eml`` was retired in 2009) ->
  ``eml``, the one label lid.176 and Wikipedia keep for both; the members of ISO 639-3's
  Sardinian macrolanguage (``src``, ``sro``, ``sdc``, ``sdn``) -> ``sc``.
* ``als``: ISO 639-3 Tosk Albanian (-> ``sq``, as in FLORES ``als_Latn``). fastText's
  lid.176 uses ``als`` for Alemannic (the Wikipedia code); that is a model quirk and is fixed
  by the model's label mapping (:data:`LID176_LABEL_FIXES`), not here.
* Script subtags are kept for languages written in more than one script
  (:data:`MULTI_SCRIPT`), or when the script differs from the language's usual one
  (``el-Latn``, Greeklish); ``el-Grek``, ``mt-Latn`` become ``el``, ``mt``.
* Region subtags are dropped: the corpus is partitioned by language, not by locale
  (``pt-BR`` -> ``pt``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# ---------------------------------------------------------------------------------------------
# The table. One line per language: code | ISO 639-3 (/T) | ISO 639-2/B (if different) |
# usual script (ISO 15924) | English name. ``code`` is what altedic stores: the ISO 639-1 code
# where one exists, else the ISO 639-3 code. Sources: ISO 639-3 code tables (SIL, 2024),
# Library of Congress ISO 639-2 list, ISO 15924 and CLDR's likely scripts.
# Covered: the 24 EU official languages, the EU's regional and minority languages, the
# candidate countries' and neighbours' languages, every label of fastText's lid.176 model.
# ---------------------------------------------------------------------------------------------
_TABLE = """
ab|abk||Cyrl|Abkhaz
ady|ady||Cyrl|Adyghe
af|afr||Latn|Afrikaans
am|amh||Ethi|Amharic
an|arg||Latn|Aragonese
ar|ara||Arab|Arabic
as|asm||Beng|Assamese
ast|ast||Latn|Asturian
av|ava||Cyrl|Avaric
az|aze||Latn|Azerbaijani
azb|azb||Arab|South Azerbaijani
ba|bak||Cyrl|Bashkir
bar|bar||Latn|Bavarian
bcl|bcl||Latn|Central Bikol
be|bel||Cyrl|Belarusian
bg|bul||Cyrl|Bulgarian
bh|bih||Deva|Bihari
bn|ben||Beng|Bengali
bo|bod|tib|Tibt|Tibetan
bpy|bpy||Beng|Bishnupriya
br|bre||Latn|Breton
bs|bos||Latn|Bosnian
bxr|bxr||Cyrl|Russia Buriat
ca|cat||Latn|Catalan
cbk|cbk||Latn|Chavacano
ce|che||Cyrl|Chechen
ceb|ceb||Latn|Cebuano
cim|cim||Latn|Cimbrian
ckb|ckb||Arab|Central Kurdish
cnr|cnr||Latn|Montenegrin
co|cos||Latn|Corsican
crh|crh||Latn|Crimean Tatar
csb|csb||Latn|Kashubian
cs|ces|cze|Latn|Czech
cv|chv||Cyrl|Chuvash
cy|cym|wel|Latn|Welsh
da|dan||Latn|Danish
de|deu|ger|Latn|German
diq|diq||Latn|Dimli
dsb|dsb||Latn|Lower Sorbian
dty|dty||Deva|Doteli
dv|div||Thaa|Dhivehi
el|ell|gre|Grek|Greek
eml|eml||Latn|Emilian-Romagnol
en|eng||Latn|English
eo|epo||Latn|Esperanto
es|spa||Latn|Spanish
et|est||Latn|Estonian
eu|eus|baq|Latn|Basque
ext|ext||Latn|Extremaduran
fa|fas|per|Arab|Persian
fi|fin||Latn|Finnish
fit|fit||Latn|Tornedalen Finnish
fkv|fkv||Latn|Kven Finnish
fo|fao||Latn|Faroese
fr|fra|fre|Latn|French
frp|frp||Latn|Arpitan
frr|frr||Latn|Northern Frisian
fur|fur||Latn|Friulian
fy|fry||Latn|Western Frisian
ga|gle||Latn|Irish
gag|gag||Latn|Gagauz
gd|gla||Latn|Scottish Gaelic
gl|glg||Latn|Galician
gn|grn||Latn|Guarani
gom|gom||Deva|Goan Konkani
gos|gos||Latn|Gronings
gsw|gsw||Latn|Swiss German (Alemannic)
gu|guj||Gujr|Gujarati
gv|glv||Latn|Manx
hbs|hbs||Latn|Serbo-Croatian
he|heb||Hebr|Hebrew
hi|hin||Deva|Hindi
hif|hif||Latn|Fiji Hindi
hr|hrv||Latn|Croatian
hsb|hsb||Latn|Upper Sorbian
ht|hat||Latn|Haitian Creole
hu|hun||Latn|Hungarian
hy|hye|arm|Armn|Armenian
ia|ina||Latn|Interlingua
id|ind||Latn|Indonesian
ie|ile||Latn|Interlingue
ilo|ilo||Latn|Iloko
io|ido||Latn|Ido
is|isl|ice|Latn|Icelandic
it|ita||Latn|Italian
izh|izh||Latn|Ingrian
ja|jpn||Jpan|Japanese
jbo|jbo||Latn|Lojban
jut|jut||Latn|Jutish
jv|jav||Latn|Javanese
ka|kat|geo|Geor|Georgian
kbd|kbd||Cyrl|Kabardian
kk|kaz||Cyrl|Kazakh
kl|kal||Latn|Kalaallisut
km|khm||Khmr|Khmer
kn|kan||Knda|Kannada
ko|kor||Kore|Korean
krc|krc||Cyrl|Karachay-Balkar
krl|krl||Latn|Karelian
ksh|ksh||Latn|Kölsch
ku|kur||Latn|Kurdish
kv|kom||Cyrl|Komi
kw|cor||Latn|Cornish
ky|kir||Cyrl|Kyrgyz
la|lat||Latn|Latin
lad|lad||Latn|Ladino
lb|ltz||Latn|Luxembourgish
lez|lez||Cyrl|Lezghian
li|lim||Latn|Limburgish
lij|lij||Latn|Ligurian
liv|liv||Latn|Livonian
lld|lld||Latn|Ladin
lmo|lmo||Latn|Lombard
lo|lao||Laoo|Lao
lrc|lrc||Arab|Northern Luri
lt|lit||Latn|Lithuanian
ltg|ltg||Latn|Latgalian
lv|lav||Latn|Latvian
lzz|lzz||Latn|Laz
mai|mai||Deva|Maithili
mg|mlg||Latn|Malagasy
mhn|mhn||Latn|Mócheno
mhr|mhr||Cyrl|Eastern Mari
min|min||Latn|Minangkabau
mk|mkd|mac|Cyrl|Macedonian
ml|mal||Mlym|Malayalam
mn|mon||Cyrl|Mongolian
mr|mar||Deva|Marathi
mrj|mrj||Cyrl|Western Mari
ms|msa|may|Latn|Malay
mt|mlt||Latn|Maltese
mwl|mwl||Latn|Mirandese
my|mya|bur|Mymr|Burmese
myv|myv||Cyrl|Erzya
mzn|mzn||Arab|Mazanderani
nah|nah||Latn|Nahuatl
nap|nap||Latn|Neapolitan
nb|nob||Latn|Norwegian Bokmål
nds|nds||Latn|Low German
ne|nep||Deva|Nepali
new|new||Deva|Newari
nl|nld|dut|Latn|Dutch
nn|nno||Latn|Norwegian Nynorsk
no|nor||Latn|Norwegian
oc|oci||Latn|Occitan
olo|olo||Latn|Livvi
or|ori||Orya|Odia
os|oss||Cyrl|Ossetian
pa|pan||Guru|Punjabi
pam|pam||Latn|Pampanga
pcd|pcd||Latn|Picard
pfl|pfl||Latn|Palatine German
pl|pol||Latn|Polish
pms|pms||Latn|Piedmontese
pnb|pnb||Arab|Western Punjabi
ps|pus||Arab|Pashto
pt|por||Latn|Portuguese
qu|que||Latn|Quechua
rm|roh||Latn|Romansh
rmn|rmn||Latn|Balkan Romani
rmy|rmy||Latn|Vlax Romani
ro|ron|rum|Latn|Romanian
rom|rom||Latn|Romani
ru|rus||Cyrl|Russian
rue|rue||Cyrl|Rusyn
ruo|ruo||Latn|Istro Romanian
rup|rup||Latn|Aromanian
ruq|ruq||Latn|Megleno Romanian
sa|san||Deva|Sanskrit
sah|sah||Cyrl|Yakut
sc|srd||Latn|Sardinian
scn|scn||Latn|Sicilian
sco|sco||Latn|Scots
sd|snd||Arab|Sindhi
se|sme||Latn|Northern Sami
sgs|sgs||Latn|Samogitian
si|sin||Sinh|Sinhala
sjd|sjd||Cyrl|Kildin Sami
sje|sje||Latn|Pite Sami
sju|sju||Latn|Ume Sami
sk|slk|slo|Latn|Slovak
sl|slv||Latn|Slovenian
sli|sli||Latn|Lower Silesian
sma|sma||Latn|Southern Sami
smj|smj||Latn|Lule Sami
smn|smn||Latn|Inari Sami
sms|sms||Latn|Skolt Sami
so|som||Latn|Somali
sq|sqi|alb|Latn|Albanian
sr|srp||Cyrl|Serbian
stq|stq||Latn|Saterland Frisian
su|sun||Latn|Sundanese
sv|swe||Latn|Swedish
sva|sva||Geor|Svan
sw|swa||Latn|Swahili
szl|szl||Latn|Silesian
ta|tam||Taml|Tamil
te|tel||Telu|Telugu
tg|tgk||Cyrl|Tajik
th|tha||Thai|Thai
tk|tuk||Latn|Turkmen
tl|tgl||Latn|Tagalog
tr|tur||Latn|Turkish
tsd|tsd||Grek|Tsakonian
tt|tat||Cyrl|Tatar
tyv|tyv||Cyrl|Tuvinian
ug|uig||Arab|Uyghur
uk|ukr||Cyrl|Ukrainian
ur|urd||Arab|Urdu
uz|uzb||Latn|Uzbek
vec|vec||Latn|Venetian
vep|vep||Latn|Veps
vi|vie||Latn|Vietnamese
vls|vls||Latn|West Flemish
vo|vol||Latn|Volapük
vot|vot||Latn|Votic
vro|vro||Latn|Võro
wa|wln||Latn|Walloon
war|war||Latn|Waray
wuu|wuu||Hans|Wu Chinese
wym|wym||Latn|Wymysorys
xal|xal||Cyrl|Kalmyk
xmf|xmf||Geor|Mingrelian
yi|yid||Hebr|Yiddish
yo|yor||Latn|Yoruba
yue|yue||Hant|Cantonese
zea|zea||Latn|Zeelandic
zh|zho|chi|Hans|Chinese
"""

#: Aliases that are not in the table's code columns: individual languages folded into their
#: macrolanguage (ISO 639-3 macrolanguage mappings), deprecated codes (ISO 639 change notices)
#: and values seen in the wild. Value is an altedic code (from the table).
_ALIASES: dict[str, str] = {
    # ISO 639-3 individual language -> macrolanguage code used by the EU and by altedic
    "lvs": "lv",  # Standard Latvian (FLORES lvs_Latn)
    "ekk": "et",  # Standard Estonian (FLORES ekk_Latn)
    "zsm": "ms",  # Standard Malay (FLORES zsm_Latn)
    "als": "sq",  # Tosk Albanian (FLORES als_Latn); NOT lid.176's 'als' (= Alemannic), see model map
    "arb": "ar",  # Standard Arabic
    "pes": "fa",  # Iranian Persian
    "cmn": "zh",  # Mandarin
    "swh": "sw",
    "uzn": "uz",
    "azj": "az",
    "khk": "mn",
    "plt": "mg",
    "ydd": "yi",
    "npi": "ne",
    "ory": "or",
    "pbt": "ps",
    "kmr": "ku",  # Northern Kurdish (Kurmanji)
    "aln": "sq",  # Gheg Albanian (ISO 639-3 macrolanguage sq, as Tosk als)
    "src": "sc",  # Logudorese, Campidanese, Sassarese, Gallurese: the members of ISO 639-3's
    "sro": "sc",  # Sardinian macrolanguage (srd), as the UDHR and FLORES (srd_Latn) label it
    "sdc": "sc",
    "sdn": "sc",
    # Emilian and Romagnol got their own ISO 639-3 codes when eml was retired (2009); lid.176,
    # like Wikipedia (eml.wikipedia.org), keeps one label, eml, for both: folded so that a
    # declared Romagnol text is not a mismatch with the model's eml
    "egl": "eml",
    "rgn": "eml",
    # deprecated codes (ISO 639 change notices)
    "sh": "hbs",  # Serbo-Croatian, ISO 639-1 'sh' withdrawn in 2000
    "scc": "sr",  # ISO 639-2/B Serbian, withdrawn 2008
    "scr": "hr",  # ISO 639-2/B Croatian, withdrawn 2008
    "iw": "he",
    "in": "id",
    "ji": "yi",
    "jw": "jv",
    "mo": "ro",  # Moldavian, withdrawn 2008
    "mol": "ro",
    # seen in the wild: country codes used as language codes
    "gr": "el",
    "cz": "cs",
    "dk": "da",
    "ua": "uk",
    "jp": "ja",
}

#: Macrolanguages (ISO 639-3 macrolanguage mappings) -> their members among this module's codes
#: (the members folded into the macrolanguage's code, as ``lvs``/``ekk``/``zsm``, are not listed).
#: A source that declares a macrolanguage is not contradicted by text of one of its members: the
#: language stage keeps the member it detects (flag ``declared:macrolanguage``; docs/langid.md).
MACROLANGUAGES: dict[str, frozenset[str]] = {
    "hbs": frozenset({"hr", "bs", "sr", "cnr"}),  # Serbo-Croatian (also the deprecated sh)
    "no": frozenset({"nb", "nn"}),  # Norwegian
    "zh": frozenset({"yue", "wuu"}),  # Chinese (Mandarin, cmn, is folded into zh)
    "ms": frozenset({"id", "min"}),  # Malay (Standard Malay, zsm, is folded into ms)
    "lv": frozenset({"ltg"}),  # Latvian (Standard Latvian, lvs, is folded into lv)
    "et": frozenset({"vro"}),  # Estonian (Standard Estonian, ekk, is folded into et)
    "ku": frozenset({"ckb"}),  # Kurdish (Northern Kurdish, kmr, is folded into ku)
    "az": frozenset({"azb"}),  # Azerbaijani (North Azerbaijani, azj, is folded into az)
    "ne": frozenset({"dty"}),  # Nepali (npi is folded into ne)
    "rom": frozenset({"rmn", "rmy"}),  # Romani
}

#: ISO 639-2 special codes: no language can be assigned. :func:`normalise_lang` returns None.
SPECIAL_CODES = frozenset({"und", "mul", "zxx", "mis"})

#: Languages written in more than one script, where the script subtag is kept
#: (CLDR likely subtags; Serbian is written in both Cyrillic and Latin, and so on).
MULTI_SCRIPT = frozenset({"sr", "bs", "cnr", "hbs", "uz", "az", "kk", "ky", "tg", "mn", "pa", "ku", "zh", "sd", "tt"})

#: The 24 official languages of the European Union (Regulation No 1 of 1958, as amended).
EU_OFFICIAL: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip

#: Regional and minority languages of the EU that altedic ships filters for.
EU_REGIONAL: tuple[str, ...] = ("ca", "eu", "gl", "cy", "lb", "fy")

_SCRIPT_NAMES: dict[str, str] = {
    "Latn": "Latin",
    "Cyrl": "Cyrillic",
    "Grek": "Greek",
    "Arab": "Arabic",
    "Hebr": "Hebrew",
    "Armn": "Armenian",
    "Geor": "Georgian",
    "Deva": "Devanagari",
    "Hans": "Simplified",
    "Hant": "Traditional",
}


class _Lang:
    __slots__ = ("b", "code", "name", "script", "t")

    def __init__(self, code: str, t: str, b: str, script: str, name: str) -> None:
        self.code = code
        self.t = t
        self.b = b or t
        self.script = script
        self.name = name


def _build() -> tuple[dict[str, _Lang], dict[str, str]]:
    langs: dict[str, _Lang] = {}
    lookup: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        code, t, b, script, name = line.split("|")
        lang = _Lang(code, t, b, script, name)
        langs[code] = lang
        for key in (code, t, b):
            if key:
                lookup[key] = code
    for alias, target in _ALIASES.items():
        if target not in langs:  # pragma: no cover - table consistency, checked by the tests
            raise AssertionError(f"alias {alias!r} -> unknown code {target!r}")
        lookup.setdefault(alias, target)
    # An alias overrides the table only where the table's code is withdrawn (sh).
    for alias in ("sh",):
        lookup[alias] = _ALIASES[alias]
    return langs, lookup


_LANGS, _LOOKUP = _build()
_BY_NAME: dict[str, str] = {lang.name.lower(): code for code, lang in _LANGS.items()}
_BY_NAME.update({"gaelic": "gd", "irish gaelic": "ga", "moldovan": "ro", "flemish": "nl"})

#: Each language's name in that language (CLDR's display names in the language's own locale, with
#: the "<name> language" forms that portals write): a national portal's export or a community's
#: file may say ``Malti``, ``Gaeilge``, ``Ελληνικά`` or ``hrvatski jezik`` where an English one
#: says ``Maltese``; only English names were understood, and the declared language was lost.
ENDONYMS: dict[str, tuple[str, ...]] = {
    # the 24 official languages of the EU
    "bg": ("български", "български език"), "cs": ("čeština", "český jazyk"), "da": ("dansk",),
    "de": ("deutsch", "deutsche sprache"), "el": ("ελληνικά", "ελληνική γλώσσα"), "en": ("english",),
    "es": ("español", "castellano"), "et": ("eesti", "eesti keel"), "fi": ("suomi", "suomen kieli"),
    "fr": ("français", "langue française"), "ga": ("gaeilge",), "hr": ("hrvatski", "hrvatski jezik"),
    "hu": ("magyar", "magyar nyelv"), "it": ("italiano", "lingua italiana"),
    "lt": ("lietuvių", "lietuvių kalba"), "lv": ("latviešu", "latviešu valoda"), "mt": ("malti",),
    "nl": ("nederlands",), "pl": ("polski", "język polski"), "pt": ("português", "língua portuguesa"),
    "ro": ("română", "limba română"), "sk": ("slovenčina", "slovenský jazyk"),
    "sl": ("slovenščina", "slovenski jezik"), "sv": ("svenska",),
    # regional and minority languages of the EU, and its neighbours
    "ast": ("asturianu",), "br": ("brezhoneg",), "bs": ("bosanski", "bosanski jezik"), "ca": ("català",),
    "cnr": ("crnogorski", "црногорски"), "co": ("corsu",), "csb": ("kaszëbsczi",), "cy": ("cymraeg",),
    "dsb": ("dolnoserbšćina",), "eu": ("euskara",), "fo": ("føroyskt",), "fur": ("furlan",),
    "fy": ("frysk",), "gd": ("gàidhlig",), "gl": ("galego",), "gv": ("gaelg",),
    "hsb": ("hornjoserbšćina",), "is": ("íslenska",), "kw": ("kernewek",), "lb": ("lëtzebuergesch",),
    "li": ("limburgs",), "lij": ("ligure",), "lld": ("ladin",), "mk": ("македонски", "македонски јазик"),
    "nap": ("napulitano",), "nb": ("bokmål", "norsk bokmål"), "nds": ("plattdüütsch", "plattdeutsch"),
    "nn": ("nynorsk", "norsk nynorsk"), "no": ("norsk",), "oc": ("occitan",), "rm": ("rumantsch",), "sc": ("sardu",),
    "scn": ("sicilianu",), "se": ("davvisámegiella",), "sq": ("shqip", "gjuha shqipe"),
    "sr": ("српски", "српски језик", "srpski", "srpski jezik"), "szl": ("ślōnski",),
    "be": ("беларуская",), "ru": ("русский", "русский язык"), "tr": ("türkçe",),
    "uk": ("українська", "українська мова"), "vec": ("vèneto",), "wa": ("walon",),
}  # fmt: skip


def _fold(name: str) -> str:
    """``name`` without its accents (``Français`` -> ``francais``), as exports often write it."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def _add_endonyms(by_name: dict[str, str]) -> None:
    """Add each :data:`ENDONYMS` name, with and without accents, to ``by_name``; a form that is
    already another language's English name keeps that meaning."""
    for code, names in ENDONYMS.items():
        for name in names:
            for form in (name, _fold(name)):
                by_name.setdefault(form, code)


_add_endonyms(_BY_NAME)

_SPLIT = re.compile(r"[-_]")
_SCRIPT_RE = re.compile(r"^[A-Za-z]{4}$")
_IRI_TAIL = re.compile(r"[/#]([^/#]+)/?$")

#: lid.176 labels that are not ISO 639 codes of what the model was trained on (Wikipedia
#: language-edition codes): label -> altedic code. See https://fasttext.cc/docs/en/language-identification.html
LID176_LABEL_FIXES: dict[str, str] = {
    "als": "gsw",  # als.wikipedia.org is Alemannic, not Tosk Albanian
    "no": "nb",
    "sh": "hbs",
}


def _code_parts(code: str | None) -> tuple[str, list[str]] | None:
    """A language value as :func:`normalise_lang` reads it: the code itself (stripped, without a
    fastText ``__label__`` prefix, the last segment of an IRI) and its subtags (split on ``-`` and
    ``_``); None when nothing is left."""
    if code is None:
        return None
    s = code.strip()
    if not s:
        return None
    if s.startswith("__label__"):
        s = s[len("__label__") :]
    if "/" in s or "#" in s:  # an IRI: Cellar authority, id.loc.gov, lexvo...
        m = _IRI_TAIL.search(s)
        if not m:
            return None
        s = m.group(1)
    parts = [p for p in _SPLIT.split(s) if p]
    return (s, parts) if parts else None


def _declares_none(head: str) -> bool:
    """``und``, ``mul``, ``zxx``, ``mis`` or a private-use code ``qaa``-``qtz`` (lower case)."""
    return head in SPECIAL_CODES or (len(head) == 3 and "qaa" <= head <= "qtz")


@lru_cache(maxsize=4096)
def normalise_lang(code: str | None) -> str | None:
    """Normalise any language code or label to altedic's code system (see the module docstring).

    Returns ``xx`` (ISO 639-1), ``xxx`` (ISO 639-3, when no 639-1 code exists), optionally with a
    script subtag (``sr-Latn``), or None for empty, unknown or special (``und``, ``mul``...)
    input. Pure, cached, and safe to call on every record.
    """
    found = _code_parts(code)
    if found is None:
        return None
    s, parts = found
    head = parts[0].lower()
    if _declares_none(head):
        return None
    base = _LOOKUP.get(head)
    if base is None:
        # an English language name ("Maltese", "Serbo-Croatian"), as some manifests carry
        return _BY_NAME.get(" ".join(s.lower().split())) if len(s) > 3 else None
    script: str | None = None
    for p in parts[1:]:
        if _SCRIPT_RE.match(p):
            script = p[0].upper() + p[1:].lower()
            break
    if script is None:
        return base
    if base in MULTI_SCRIPT or script != _LANGS[base].script:
        return f"{base}-{script}"
    return base


def unrecognised_declaration(raw: str | None) -> str | None:
    """A declared-language value that :func:`normalise_lang` cannot read, as written (stripped, at
    most 64 characters), for a reader to keep in ``metadata['declared_lang_unrecognised']``: the
    detector then decides alone, and a source whose declarations the code table does not read
    would otherwise look undeclared. None for a value it reads, an empty one, or one that
    declares no language (``und``, ``mul``, ``zxx``, ``mis``, the private-use ``qaa``-``qtz``),
    also as an IRI (``.../language/MUL``)."""
    if raw is None or not raw.strip() or normalise_lang(raw) is not None:
        return None
    found = _code_parts(raw)
    if found is not None and _declares_none(found[1][0].lower()):
        return None
    return raw.strip()[:64]


def read_declaration(*declared: str | None, hint: str | None = None) -> tuple[str | None, str | None]:
    """A reader's declared language from the values a file declares it with, in order of trust
    (Formex ``LG.DOC``, an ``xml:lang``...), and a weaker ``hint`` tried last (a language read
    from the file's name or an identifier's suffix). Returns the code (or None) and, when no
    value gives one, the first declared value that is not understood
    (:func:`unrecognised_declaration`), for ``metadata['declared_lang_unrecognised']``."""
    for raw in (*declared, hint):
        code = normalise_lang(raw)
        if code is not None:
            return code, None
    return None, next((u for raw in declared if (u := unrecognised_declaration(raw)) is not None), None)


_BASE_OF: dict[str, str] = {}  # memo of base_lang (the language stage asks ~10 times per text)


def base_lang(code: str) -> str:
    """The language part of an altedic code: ``sr-Latn`` -> ``sr``; ``mt`` -> ``mt``."""
    got = _BASE_OF.get(code)
    if got is None:
        got = code.split("-", 1)[0]
        if len(_BASE_OF) < 10_000:  # the codes of a model and a corpus: a few hundred
            _BASE_OF[code] = got
    return got


def with_script(code: str, script: str | None) -> str:
    """``code`` written with ``script`` where its language is written in several scripts
    (:data:`MULTI_SCRIPT`) and ``code`` names none yet (``sr`` for Latin text: ``sr-Latn``); else
    ``code`` as it is. The language stage writes its labels so, and the evaluation writes the
    bare model's the same way (altedic.langid.evaluate.run_bare)."""
    if script and "-" not in code and base_lang(code) in MULTI_SCRIPT:
        return f"{code}-{script}"
    return code


def script_of(code: str) -> str | None:
    """The script subtag of an altedic code if it has one, else the language's usual script
    (ISO 15924), else None for a code this module does not know."""
    if "-" in code:
        return code.split("-", 1)[1]
    lang = _LANGS.get(code)
    return lang.script if lang else None


def is_known(code: str) -> bool:
    """True when ``code`` is an altedic code of a language in this module's table."""
    return base_lang(code) in _LANGS


def language_name(code: str | None) -> str:
    """English name for reports: ``mt`` -> ``Maltese``, ``sr-Latn`` -> ``Serbian (Latin)``.

    Unknown codes come back unchanged (a report must still show them); None -> ``unknown``.
    """
    if code is None:
        return "unknown"
    lang = _LANGS.get(base_lang(code))
    if lang is None:
        return code
    if "-" in code:
        script = code.split("-", 1)[1]
        return f"{lang.name} ({_SCRIPT_NAMES.get(script, script)})"
    return lang.name


def to_iso639_3(code: str) -> str | None:
    """ISO 639-3 (= 639-2/T) code of an altedic code (script dropped): ``ga`` -> ``gle``."""
    lang = _LANGS.get(base_lang(code))
    return lang.t if lang else None


def cellar_iri(code: str) -> str | None:
    """The Publications Office language-authority IRI of an altedic code, or None.

    The authority's identifiers are upper-case ISO 639-3 (= 639-2/T) codes, e.g.
    ``http://publications.europa.eu/resource/authority/language/GLE`` for Irish.
    """
    t = to_iso639_3(code)
    return f"http://publications.europa.eu/resource/authority/language/{t.upper()}" if t else None


def all_codes() -> list[str]:
    """Every altedic language code this module knows (sorted)."""
    return sorted(_LANGS)
