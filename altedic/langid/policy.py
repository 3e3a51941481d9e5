"""Language policy: second opinion, confusable groups, evidence from script, characters and words.

The bare fastText model is weak exactly where Europe needs it (short Maltese and Irish text,
Croatian/Bosnian/Serbian, Czech/Slovak, Danish/Norwegian...). This module holds the plain,
testable rules that turn a model's top-k into a decision:

1. **Second opinion** (:class:`Cld2Opinion`): where fastText is unsure (top probability below
   ``second_opinion_below``) or its top label is in a confusable group, CLD2 (Google's Compact
   Language Detector 2, via the ``pycld2`` wheel; a naive-Bayes model over quadgrams with its own
   training data, so its errors are largely independent of fastText's) is consulted and its
   percentages are added to fastText's probabilities with weight ``second_opinion_weight``.
2. **Confusable groups** (:data:`GROUPS`): when the best label is a member of a group, evidence
   decides between members, in this order: the script (Serbian Cyrillic is Serbian; Latin text
   with ć/đ is not Slovenian), distinctive characters and words written down by linguists
   (sources cited per group), the source's declared language, the second opinion. When nothing
   decides, the group's decision is explicit: keep the top label and flag
   ``confusable:<group>`` (``on_undecided: keep``) or use the group label (``group``), never a
   silent coin toss.

Everything here is pure Python over strings; :mod:`altedic.langid.stage` applies it in batches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from altedic.errors import ConfigError
from altedic.langid.codes import base_lang, normalise_lang

# ---------------------------------------------------------------------------------------------
# Script evidence
# ---------------------------------------------------------------------------------------------
_SCRIPT_CLASSES: dict[str, re.Pattern[str]] = {
    "Latn": re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]"),
    "Cyrl": re.compile(r"[\u0400-\u052F]"),
    "Grek": re.compile(r"[\u0370-\u03FF\u1F00-\u1FFF]"),
    "Arab": re.compile(r"[\u0600-\u06FF\u0750-\u077F]"),
    "Hebr": re.compile(r"[\u0590-\u05FF]"),
    "Armn": re.compile(r"[\u0530-\u058F]"),
    "Geor": re.compile(r"[\u10A0-\u10FF]"),
}


def dominant_script(text: str, sample: int = 600) -> str | None:
    """ISO 15924 code of the script of most letters in the first ``sample`` characters
    (Latn, Cyrl, Grek, Arab, Hebr, Armn, Geor), or None when none of them has a letter."""
    s = text[:sample]
    best, best_n = None, 0
    for script, rx in _SCRIPT_CLASSES.items():
        n = len(rx.findall(s))
        if n > best_n:
            best, best_n = script, n
    return best


# ---------------------------------------------------------------------------------------------
# Confusable groups
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A set of languages a model confuses, with the evidence that separates them.

    ``words``: member -> distinctive words (lower case, matched as whole words; a trailing ``*``
    matches any ending). ``chars``: member -> characters that member uses and the others do not.
    ``script``: the script the group applies to (None: any); a text in another script is
    resolved in another group (Serbian Cyrillic in ``cyrl``, Serbian Latin in ``hbs``).
    ``label``: the group label used by ``on_undecided: group`` (None: keep the top label).
    """

    name: str
    members: tuple[str, ...]
    words: Mapping[str, Sequence[str]] = field(default_factory=dict)
    needs_evidence: frozenset[str] = frozenset()
    """Members the first model may only pick with at least one hit of their own evidence
    (Latin-script Serbian is ekavian: without an ekavian or Serbian word, the text is taken as
    the next member by the model's ranking)."""
    chars: Mapping[str, str] = field(default_factory=dict)
    script: str | None = None
    label: str | None = None
    source: str = ""
    trust_second: bool = True
    """False where the second opinion is measured to be wrong more often than right inside the
    group (CLD2 on hr/bs/sr): members are then ranked by the first model alone."""

    def compiled(self) -> dict[str, re.Pattern[str]]:
        out: dict[str, re.Pattern[str]] = {}
        for member in self.members:
            alts: list[str] = []
            for w in self.words.get(member, ()):
                if w.startswith("re:"):
                    alts.append(w[3:])  # a raw pattern (word endings such as Croatian -irati)
                elif w.endswith("*"):
                    alts.append(re.escape(w[:-1]) + r"\w*")
                else:
                    alts.append(re.escape(w))
            parts = []
            if alts:
                parts.append(r"(?<!\w)(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")(?!\w)")
            if self.chars.get(member):
                parts.append("[" + re.escape(self.chars[member]) + "]")
            if parts:
                out[member] = re.compile("|".join(parts))
        return out


#: Ijekavian reflexes of jat (Croatian, Bosnian, Montenegrin; Serbian in Serbia is ekavian):
#: evidence against Serbian, for hr and bs alike.
_IJEKAVIAN = ("vrijeme", "mlijeko", "rijeka", "rijeke", "djeca", "djece", "lijepo", "pjesm*", "mjesto", "mjesta",
              "vijek*", "dvije", "riječ*", "svijet*", "tijelo", "dio", "djel*", "poslije", "prije", "uopće")

#: The confusable groups of issue 5. Evidence lists are short on purpose: each item is a
#: textbook difference, not a word picked from the evaluation data.
GROUPS: dict[str, Group] = {
    g.name: g
    for g in (
        Group(
            name="hbs",
            members=("hr", "bs", "sr", "cnr", "sl"),
            # Croatian vs Bosnian vs Serbian vs Montenegrin: Kordić, "Jezik i nacionalizam"
            # (2010) and the standard lexical doublets (tisuća/hiljada, tjedan/sedmica/nedelja,
            # kruh/hljeb/hleb, Europa/Evropa, povijest/historija/istorija, tko/ko, što/šta);
            # Croatian month names; ekavian reflex of jat in Serbian (mleko, vreme, reka);
            # Montenegrin ś and ź (Pravopis crnogorskoga jezika, 2009). Slovenian is in the group
            # because fastText confuses it with the others: it has no ć or đ (Slovenian
            # alphabet, 25 letters) and its own function words (in, ki, tudi, lahko).
            words={
                "hr": ["tko", "tisuć*", "tjed*", "kruh*", "europ*", "sveučiliš*", "povijes*", "glazb*",
                       "kazališ*", "obitelj*", "znanost*", "znanstven*", "kemij*", "nogomet*", "vlak*", "zrakoplov*",
                       "siječ*", "veljač*", "ožuj*", "travnj*", "travanj", "svib*", "lipanj*", "lipnj*", "srpanj*",
                       "srpnj*", "kolovoz*", "rujan*", "rujn*", "listopad*", "studen*", "prosin*", "točno", "opći*",
                       "općeni*", "izvješć*", "gospodarst*", "gospodarsk*", "ravnatelj*", "poduzeć*", "trokut*",
                       "uvjet*", "tijekom", "primjerice", "također", *_IJEKAVIAN,
                       r"re:\w{3,}ira(?:ti|m|š|mo|te|ju|o|la|li|lo|no|na|ni|nje|nja|nju)?"],
                "bs": ["historij*", "hiljad*", "sedmic*", "šta", "ko", "hljeb*", "kafa", "kafe", "evrop*",
                       "januar*", "februar*", "mart", "marta", "augusta", "august", "septemb*", "oktob*",
                       "novemb*", "decemb*", "univerzit*", "nauk*", "naučn*", "porodic*", "hemij*", "fudbal*",
                       "trougl*", "trougao", "takođe", "tačno", "tokom", "uslov*", "preduzeć*", "također", *_IJEKAVIAN,
                       r"re:\w{3,}(?<!p)isa(?:ti|o|la|li|no|na|ni|nje)"],
                "sr": ["hiljad*", "nedelj*", "hleb*", "evrop*", "istorij*", "opštin*", "opšt*", "takođe",
                       "uopšte", "ko", "šta", "mleko", "vreme", "reka", "reke", "deca", "dece", "lepo",
                       "pesm*", "avgust*", "univerzit*", "nauk*", "naučn*", "fudbal*", "hemij*", "tačno",
                       "tokom", "uslov*", "vek", "veka", "mesto", "mesta", "pre", "posle", "deo", "dve", "reč*",
                       "svet", "sveta", "bezbednost*", "vaspitanj*", "primer*", "preduzeć*",
                       r"re:\w{3,}(?<!p)isa(?:ti|o|la|li|no|na|ni|nje)"],
                "cnr": ["śutra", "śekira", "đevojk*"],
                "sl": ["in", "ki", "tudi", "lahko", "zelo", "kot", "ter", "bo", "bodo", "smo", "ste",
                       "vendar", "kjer", "čeprav", "sem", "njegov*", "leta", "še", "več", "zdaj"],
            },
            chars={"cnr": "śź", "hr": "", "bs": "", "sr": ""},
            script="Latn",
            label="hbs",
            trust_second=False,
            needs_evidence=frozenset({"sr", "cnr", "hbs"}),
            source="Kordić 2010; Croatian/Serbian/Bosnian standard doublets; Slovenian alphabet",
        ),
        Group(
            name="cs-sk",
            members=("cs", "sk"),
            # Czech has ř, ě, ů; Slovak has ä, ĺ, ľ, ŕ, ô (the two alphabets; Short, "Czech"
            # and "Slovak" in The Slavonic Languages, 1993). Plus the commonest function words.
            words={
                "cs": ["se", "který", "která", "které", "jsou", "jako", "nebo", "také", "být",
                       "jsem", "této", "již", "podle", "mezi"],
                "sk": ["sa", "ktorý", "ktorá", "ktoré", "sú", "ako", "alebo", "tiež", "byť", "som",
                       "tejto", "už", "podľa", "medzi", "nie"],
            },
            chars={"cs": "řěů", "sk": "äĺľŕô"},
            source="Czech and Slovak alphabets; function words",
        ),
        Group(
            name="nordic",
            members=("da", "nb", "nn", "sv"),
            # Swedish writes ä/ö where Danish and Norwegian write æ/ø (the alphabets). Danish vs
            # Bokmål vs Nynorsk: the standard lexical and spelling differences (Norwegian
            # kj/gj/hj spellings, Danish soft d/g/b, Nynorsk ikkje/eg/ein/frå/kva; Språkrådet).
            words={
                "da": ["hvad", "noget", "meget", "af", "nu", "efter", "blev", "blive", "gøre", "hjælp*", "sprog",
                       "købe", "bog", "ligesom", "vores", "uden", "nogle", "nogen", "sådan", "måske", "mig", "dig",
                       "sig"],
                "nb": ["hva", "noe", "mye", "av", "nå", "etter", "ble", "bli", "gjøre", "hjelp*", "språk", "kjøpe",
                       "bok", "uten", "noen", "slik", "kanskje", "fikk", "mer", "meg", "deg", "seg"],
                "nn": ["ikkje", "eg", "ein", "eit", "dei", "frå", "kva", "korleis", "berre", "noko", "mykje",
                       "vere", "meir", "heile", "fleire", "desse", "òg", "ho", "hjå", "medan", "kvar", "nokre",
                       "vart", "vore", "gjere", "seier", "sjølv", "meg", "deg", "seg", "av", "etter"],
                "sv": ["och", "inte", "jag", "är", "för", "att", "till", "ett", "hon", "vad", "mycket", "också",
                       "honom", "därför", "eftersom", "där", "här", "när", "kunde", "vara", "sedan", "eller"],
            },
            chars={"sv": "äö", "da": "", "nb": "", "nn": ""},  # æ/ø are shared by da/nb/nn
            source="Scandinavian alphabets; Språkrådet (Bokmål/Nynorsk); Danish orthography",
        ),
        Group(
            name="gl-pt",
            members=("gl", "pt"),
            # Portuguese ã/õ/ç, -ção, nh/lh; Galician ñ, -ción, x for /ʃ/, non/unha/polo
            # (Real Academia Galega, Normas ortográficas 2003).
            words={
                "gl": ["non", "unha", "unhas", "polo", "pola", "polos", "xa", "xente", "cando", "máis",
                       "tamén", "aínda", "despois", "moi", "isto", "iso", "sobre", "ao", "coa", "co"],
                "pt": ["não", "uma", "umas", "pelo", "pela", "já", "gente", "quando", "mais", "também",
                       "ainda", "depois", "muito", "isto", "isso", "em", "com", "no", "na"],
            },
            chars={"pt": "ãõç", "gl": "ñ"},
            source="Galician orthographic norms (RAG 2003); Portuguese orthography",
        ),
        Group(
            name="ca-es-oc",
            members=("ca", "es", "oc"),
            # Catalan l·l, ç, à/è/ò, -ny-; Spanish ñ, ¿, ¡; Occitan (Alibert norm) lh/nh, ò/è,
            # its own function words (dins, aquò, amb, mai, pas, èra).
            words={
                "ca": ["amb", "els", "dels", "però", "també", "aquest", "aquesta", "perquè", "als", "molt",
                       "és", "són", "seva", "seu", "fins", "any", "anys", "hi", "va", "van", "més", "quan", "i"],
                "es": ["los", "las", "con", "pero", "también", "este", "esta", "porque", "muy", "hasta", "año",
                       "años", "hay", "y", "fue", "sus", "como", "más", "cuando", "donde", "ser"],
                "oc": ["dins", "aquò", "èra", "foguèt", "fòrça", "tanben", "aquel", "aquela", "pòt", "èsser",
                       "d'aquel", "jos", "qu'es", "fins", "amb"],
            },
            chars={"ca": "·ç", "es": "ñ¿¡", "oc": ""},
            source="Catalan, Spanish and Occitan orthographies",
        ),
        Group(
            name="lb-de",
            members=("lb", "de"),
            # Luxembourgish orthography (2019): ë, and the commonest words (an, ass, net, dat, mir).
            words={
                "lb": ["ass", "net", "dat", "mir", "mat", "sinn", "gëtt", "vun", "ech", "hien", "hatt",
                       "awer", "och", "ginn", "eng", "engem", "zu", "iwwer", "géint", "dës", "déi"],
                "de": ["ist", "nicht", "das", "wir", "mit", "sind", "gibt", "von", "ich", "er", "sie",
                       "aber", "auch", "werden", "eine", "einem", "über", "gegen", "diese", "die"],
            },
            chars={"lb": "ë", "de": "ßü"},
            source="Luxembourgish orthography (2019 reform)",
        ),
        Group(
            name="mt-it",
            members=("mt", "it"),
            # Maltese alphabet: ċ, ġ, ħ, ż, and the digraphs għ, ie (Aquilina, Maltese Grammar).
            words={
                "mt": ["il-*", "tal-*", "ta'", "li", "u", "huwa", "hija", "għal", "minn", "dan", "din",
                       "dawn", "kien", "kienet", "jew", "biex", "fuq", "bħala", "ukoll", "tiegħu", "tagħha"],
                "it": ["il", "della", "di", "che", "è", "per", "non", "una", "sono", "questo", "questa",
                       "anche", "come", "dei", "delle", "nel", "nella", "con", "alla"],
            },
            chars={"mt": "ċġħżĊĠĦŻ", "it": ""},
            source="Maltese alphabet (Aquilina 1959)",
        ),
        Group(
            name="ga-gd",
            members=("ga", "gd"),
            # Irish writes acute accents (á é í ó ú), Scottish Gaelic grave ones (à è ì ò ù)
            # since the 1981 Gaelic Orthographic Conventions; function words differ (agus/is
            # both; Irish 'ag', 'níl', 'sé'; Gaelic 'aig', 'chan eil', 'e').
            words={
                "ga": ["níl", "sé", "sí", "siad", "ag", "leis", "don", "chun", "freisin", "nach", "bhí",
                       "beidh", "tá", "an", "na", "ar", "le", "go", "ó"],
                "gd": ["chan", "eil", "aig", "bho", "tha", "bha", "e", "i", "iad", "cuideachd", "gun",
                       "nach", "airson", "agus", "anns", "seo", "sin"],
            },
            chars={"ga": "áéíóú", "gd": "àèìòù"},
            source="Gaelic Orthographic Conventions 1981; Irish standard (An Caighdeán Oifigiúil)",
        ),
    )
}

#: Member -> the groups it belongs to (a language may be in more than one group: sr).
GROUP_OF: dict[str, tuple[str, ...]] = {}
for _g in GROUPS.values():
    for _m in _g.members:
        GROUP_OF[_m] = (*GROUP_OF.get(_m, ()), _g.name)


def group_for(lang: str, script: str | None) -> str | None:
    """The confusable group that decides for a text labelled ``lang`` written in ``script``
    (a group label such as ``hbs`` is resolved in its own group)."""
    base = base_lang(lang)
    if base in GROUPS and GROUPS[base].label == base:
        return base if GROUPS[base].script in (None, script) else None
    for name in GROUP_OF.get(base, ()):
        g = GROUPS[name]
        if g.script is None or g.script == script:
            return name
    return None


@dataclass
class Resolution:
    """Outcome of resolving a confusable group for one text."""

    lang: str
    flags: list[str]
    evidence: dict[str, int]
    decided_by: str
    """``script``, ``evidence``, ``declared``, ``second_opinion``, ``model`` (undecided)."""


class GroupResolver:
    """Decides between the members of a confusable group (see the module docstring).

    ``margin``: minimum lead (in evidence hits) of the best member over the runner-up for the
    evidence to decide; ``on_undecided``: ``keep`` (top label + ``confusable:<group>`` flag) or
    ``group`` (the group's label where it has one, e.g. ``hbs``).
    """

    def __init__(self, margin: int = 1, on_undecided: str = "keep", sample_chars: int = 2000) -> None:
        if on_undecided not in ("keep", "group"):
            raise ConfigError(f"on_undecided is {on_undecided!r}; allowed: keep, group", key="stages.langid.groups")
        self.margin = margin
        self.on_undecided = on_undecided
        self.sample_chars = sample_chars
        self._patterns = {name: g.compiled() for name, g in GROUPS.items()}

    def evidence(self, group: str, text: str) -> dict[str, int]:
        """Number of distinctive words and characters of each member found in ``text``."""
        s = text[: self.sample_chars].lower()
        return {m: len(rx.findall(s)) for m, rx in self._patterns[group].items()}

    def resolve(
        self,
        group: str,
        text: str,
        ranked: Sequence[tuple[str, float]],
        declared: str | None = None,
        second: str | None = None,
    ) -> Resolution:
        """Pick a member of ``group`` for ``text``.

        ``ranked``: combined (model + second opinion) scores, best first; ``declared``: the
        source's declared language; ``second``: the second opinion's top label.
        """
        g = GROUPS[group]
        members = set(g.members)
        top = next((lang for lang, _ in ranked if base_lang(lang) in members), ranked[0][0])
        ev = self.evidence(group, text)
        if g.name == "hbs" and ("ć" in text or "đ" in text or "Ć" in text or "Đ" in text):
            ev["sl"] = 0  # Slovenian has no ć/đ
        if ev:
            order = sorted(ev.items(), key=lambda kv: -kv[1])
            best, n_best = order[0]
            n_second = order[1][1] if len(order) > 1 else 0
            # overriding a model that is sure of its member takes one more hit of evidence
            top_p = next((p for lang, p in ranked if lang == top), 0.0)
            needed = self.margin + (1 if top_p >= 0.7 and best != base_lang(top) else 0)
            if n_best > 0 and n_best - n_second >= needed:
                return Resolution(best, [], ev, "evidence")
            tied = {m for m, n in ev.items() if n == n_best and n_best > 0}
        else:
            tied = set()
        if declared and base_lang(declared) in members and (not tied or base_lang(declared) in tied):
            return Resolution(base_lang(declared), [], ev, "declared")
        if base_lang(top) in g.needs_evidence and not ev.get(base_lang(top)):
            # the model's pick has no evidence of its own: take the best-ranked member that
            # needs none (hr for hbs), as the module docstring explains
            for lang, _ in ranked:
                if base_lang(lang) in members and base_lang(lang) not in g.needs_evidence:
                    top = lang
                    break
        if g.trust_second and second and second in members and (not tied or second in tied):
            return Resolution(second, [], ev, "second_opinion")
        flag = f"confusable:{g.name}"
        if self.on_undecided == "group" and g.label:
            return Resolution(g.label, [flag], ev, "model")
        return Resolution(top, [flag], ev, "model")


# ---------------------------------------------------------------------------------------------
# Second opinion: CLD2
# ---------------------------------------------------------------------------------------------

_CLD2_FIXES = {"sr-ME": "cnr", "un": None, "xxx": None}


class Cld2Opinion:
    """CLD2 (``pycld2``) as a second opinion: ``opinion(text) -> [(code, share 0..1), ...]``.

    CLD2 reports up to three languages with the percentage of the text's bytes in each; we
    return them as shares. Unknown/unreliable parts (``un``) are dropped. Text that pycld2
    cannot encode (lone surrogates) gives no opinion.
    """

    def __init__(self) -> None:
        try:
            import pycld2
        except ImportError as exc:
            raise ConfigError(
                "the second opinion 'cld2' needs pycld2: pip install pycld2", key="stages.langid.second_opinion"
            ) from exc
        self._cld2 = pycld2
        self._codes: dict[str, str | None] = {}

    def _code(self, raw: str) -> str | None:
        if raw not in self._codes:
            self._codes[raw] = _CLD2_FIXES[raw] if raw in _CLD2_FIXES else normalise_lang(raw)
        return self._codes[raw]

    def opinion(self, text: str) -> list[tuple[str, float]]:
        try:
            _reliable, _nbytes, details = self._cld2.detect(text, isPlainText=True, bestEffort=True)
        except self._cld2.error:
            return []
        out: list[tuple[str, float]] = []
        for _name, raw, percent, _score in details:
            code = self._code(raw)
            if code and percent > 0:
                out.append((code, percent / 100.0))
        return out


def make_second_opinion(name: str | None) -> Any:
    """Build the configured second opinion (``cld2`` or None)."""
    if name in (None, "none"):
        return None
    if name == "cld2":
        return Cld2Opinion()
    raise ConfigError(f"second_opinion is {name!r}; allowed: cld2, none", key="stages.langid.second_opinion")
