"""PII detectors: find personal data in text, with validation that keeps false positives low.

Each detector is a cheap compiled regular expression that proposes candidates, followed by a real
validator (a checksum, a phone-number library, an address parser). A candidate that fails its
validator is left alone. Institutional text is full of digit runs that look like personal data
(CELEX numbers ``32019R0437``, OJ references ``OJ L 123, 12.5.2019, p. 1``, article numbers
``Article 12(3)``, dates, ELIs, case numbers ``C-311/18``); the rules below never redact them:

* e-mail: RFC 5322 "dot-atom" local part and a domain with a TLD of 2-24 letters, internationalised
  (RFC 6531, IDNA RFC 5890): Unicode letters, digits and combining marks in the local part and the
  domain labels (``josé.garcía@correos.es``, ``info@münchen.de``, ``ιωάννης@παράδειγμα.ελ``), a
  Unicode or A-label TLD (``.бг``, ``.xn--90ae``). No TLD, no match (``user@localhost``, ``a@b``).
* phone: ``phonenumbers`` (Google's libphonenumber) ``is_valid_number`` for the regions of the
  document's language. International numbers (``+``/``00``) are tried directly; national numbers
  must start with a trunk ``0`` (most EU countries; Lithuania's ``8`` written apart, ``8 612 34567``,
  for the Lithuanian plan) or follow a phone keyword (``tel.``, ``τηλ.``,
  ``тел.``, ``phone``...; a keyword starts a word: not the ``tel`` of ``Tellimus``; a bare word
  for "number", ``numru``, ``uimhir``, is none) for countries without a trunk prefix (MT, DK, GR,
  ES, PT, LU, CY...).
  A candidate that is no number is split where " / " or " - " joins numbers
  (``Tel: 2123 4567 / 7912 3456``), and a year after a number is left out (``087 123 4567 2019``).
  Dates (``12.05.2019``, spaced ``08. 09. 2013``), opening hours (``08.00-15.00``) and digit
  groups joined by an unspaced ``/`` (``2019/437``) are never phone numbers.
* IBAN: ISO 13616 shape, cut to the country's registry length where the next word ran on
  ("EE38 2200 2210 2014 5685 EUR"), then ``stdnum.iban`` (mod-97 checksum and per-country length).
* payment card: 13-19 digits in 4-digit groups or one run, a known issuer prefix (ISO/IEC 7812
  IIN ranges of Visa, Mastercard, American Express, Discover, Maestro, JCB, Diners) and the Luhn
  checksum (``stdnum.luhn``).
* IP: IPv4/IPv6 parsed by :mod:`ipaddress`, only globally routable addresses (private, loopback,
  documentation and reserved ranges are not personal data). A dotted quad inside a longer dotted
  number, after a section keyword of one of the 24 EU languages (``point 1.2.3.4``, ``points``,
  ``Table``, ``u točki``, ``punktā``), before one where the language puts it after the number
  (Hungarian, Finnish, Latvian, Lithuanian: ``a 4.2.1.3. pontban``) or in a list with such a
  section number (``paragraphs 5.2.1.3 and 5.2.1.4``, ``a 4.2.1.3. és 4.2.1.4. pontban``) is a
  section number, not an address.
* national_id: identity numbers of EU member states with a checksum in ``python-stdnum``. Formats
  that a random number matches by chance (plain digit runs) need a keyword nearby (``PESEL``,
  ``ЕГН``/``Е.Г.Н.``, ``CNP``, ``BSN``, ``ΑΜΚΑ``/``Α.Μ.Κ.Α.``, ``asmens kodą``, ``personas kods``...); distinctive formats (Italian codice fiscale, Spanish
  DNI/NIE, Irish PPS, Finnish HETU, Danish/Swedish/Czech/Slovak numbers with their separator)
  are accepted on the checksum alone.
* tax_id: EU VAT numbers with their country prefix (``DE123456789``), ``stdnum.eu.vat`` checksum.

Speed: one scan of the text for digit runs, then anchored pattern tries only where a run allows
(see "Candidate scan" below), with exactly the matches of a full scan by every pattern.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from importlib import import_module
from itertools import accumulate
from typing import Any

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn, numdb
from stdnum.eu import vat as std_vat

PII_TYPES: tuple[str, ...] = ("email", "iban", "card", "tax_id", "national_id", "ip", "phone")
"""Every type, in priority order: where matches overlap, the earlier type wins."""

PLACEHOLDERS: dict[str, str] = {t: f"<{t.upper()}>" for t in PII_TYPES}

# Document language -> the regions whose numbering plans a national phone number may follow.
LANG_REGIONS: dict[str, tuple[str, ...]] = {
    "bg": ("BG",), "cs": ("CZ",), "da": ("DK",), "de": ("DE", "AT", "LU", "BE"), "el": ("GR", "CY"),
    "en": ("IE", "MT", "GB"), "es": ("ES",), "et": ("EE",), "fi": ("FI",), "fr": ("FR", "BE", "LU"),
    "ga": ("IE",), "hr": ("HR",), "hu": ("HU",), "it": ("IT",), "lt": ("LT",), "lv": ("LV",),
    "mt": ("MT",), "nl": ("NL", "BE"), "pl": ("PL",), "pt": ("PT",), "ro": ("RO",), "sk": ("SK",),
    "sl": ("SI",), "sv": ("SE", "FI"), "ca": ("ES", "AD"), "eu": ("ES",), "gl": ("ES",),
    "cy": ("GB",), "lb": ("LU",), "fy": ("NL",),
}  # fmt: skip

# Regional and minority languages (the language stage's labels: lid.176's and regional.yaml's)
# and non-EU neighbours -> the regions where they are written. Without this a Sardinian,
# Breton or Asturian document got no national phone detection at all (only +/00 numbers),
# where the same number in Italian, French or Spanish text was found (twenty-sixth session).
OTHER_LANG_REGIONS: dict[str, tuple[str, ...]] = {
    "an": ("ES",), "ast": ("ES",), "bar": ("DE", "AT"), "br": ("FR",), "co": ("FR",), "csb": ("PL",),
    "dsb": ("DE",), "eml": ("IT", "SM"), "fkv": ("NO",), "fo": ("FO",), "frp": ("FR", "IT", "CH"),
    "frr": ("DE",), "fur": ("IT",), "gd": ("GB",), "gsw": ("CH", "FR", "DE"), "gv": ("IM",),
    "hsb": ("DE",), "kw": ("GB",), "li": ("NL", "BE"), "lij": ("IT",), "lld": ("IT",),
    "lmo": ("IT", "CH"), "mwl": ("PT",), "nap": ("IT",), "nds": ("DE", "NL"), "oc": ("FR", "ES", "IT"),
    "pcd": ("FR", "BE"), "pms": ("IT",), "rm": ("CH",), "sc": ("IT",), "scn": ("IT",), "sco": ("GB",),
    "se": ("NO", "SE", "FI"), "smn": ("FI",), "szl": ("PL",), "vec": ("IT",), "vls": ("BE",), "wa": ("BE",),
    "bs": ("BA",), "sr": ("RS", "BA", "ME"), "cnr": ("ME",), "mk": ("MK",), "sq": ("AL",),
    "nb": ("NO",), "nn": ("NO",), "no": ("NO",), "is": ("IS",), "tr": ("TR", "CY"), "uk": ("UA",),
}  # fmt: skip


def regions_for(lang: str | None, declared: str | None = None) -> tuple[str, ...]:
    """Regions whose national phone numbers a document in ``lang`` may hold.

    The language's own regions (official languages first, then the others); for a language
    without any (Latin, Esperanto...), those of the language the source declares.
    """
    for code in (lang, declared):
        base = (code or "").split("-")[0]
        regions = LANG_REGIONS.get(base) or OTHER_LANG_REGIONS.get(base)
        if regions:
            return regions
    return ()


@dataclass(frozen=True, slots=True)
class Match:
    """One validated match: ``text[start:end]`` is PII of ``type``."""

    start: int
    end: int
    type: str


def _combining_marks() -> frozenset[str]:
    """Every combining mark (Unicode general category M: Mn, Mc, Me) of this Python's Unicode
    database (Unicode 14.0 in Python 3.11: 2,408 characters).

    Only planes 0, 1 and 14 hold marks; scanning those takes ~20 ms at import, all 17 planes
    ~140 ms. tests/unit/test_pii_equivalence.py checks the set against every code point.
    """
    return frozenset(
        chr(c)
        for plane in (0, 1, 14)
        for c in range(plane << 16, (plane + 1) << 16)
        if unicodedata.category(chr(c))[0] == "M"
    )


def _class_ranges(chars: frozenset[str]) -> str:
    """``chars`` as the inside of a regex character class: escaped ranges of consecutive code points."""
    out: list[str] = []
    codes = sorted(map(ord, chars))
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        out.append(re.escape(chr(codes[i])) + ("-" + re.escape(chr(codes[j])) if j > i else ""))
        i = j + 1
    return "".join(out)


_MARKS = _combining_marks()
_M = _class_ranges(_MARKS)
# Internationalised e-mail (EAI, RFC 6531; IDN domains, RFC 5890-5892): the local part is RFC 5322's
# dot-atom whose atoms may also hold Unicode letters, digits (``\w``: ``str.isalnum()``) and combining
# marks (NFD text: "jose\u0301"); a domain label starts with a letter or digit (``[^\W_]``; IDNA
# forbids a leading mark), may hold hyphens and marks and ends with a letter, digit or mark; the TLD
# is 2-24 letters and marks (``.de``, ``.ελ``, ``.бг``; ``[^\W\d_]`` also admits the few numeric
# non-digits such as ``²``) or an A-label (``xn--p1ai``). RFC 6531 would allow any non-ASCII
# character in a local part; only letters, digits and marks are taken, so punctuation around an
# address (« », ’, “ ”) stays outside. On ASCII text, the pattern is the ASCII one it replaces
# (plus the A-label TLD).
#
# Written for speed: about 1 µs a match, where the same rule written plainly (tests/pii_reference.py)
# took 3 µs and the ASCII pattern 0.4 µs. The 299 ranges of marks, in a class with ``\w``, would be
# tried one by one on every character that fails the class; alone, behind a one-range guard (no
# mark is below U+0300), they cost one comparison. The local part's atoms are possessive (an atom
# is followed by a dot or the ``@``, never by its own characters: giving some back never helps). A
# label is a letter or digit and up to 62 more characters, the last not a hyphen: the plain form's
# "first, up to 61, then a letter, digit or mark".
_EMAIL_MARK = rf"(?![\x00-\u02ff])[{_M}]"
_EMAIL_ATOM = rf"(?:[\w!#$%&'*+/=?^`{{|}}~\-]++|{_EMAIL_MARK})++"
_EMAIL = re.compile(
    rf"(?<![\w.+\-])(?<!{_EMAIL_MARK}){_EMAIL_ATOM}(?:\.{_EMAIL_ATOM})*"
    rf"@(?:[^\W_](?:[^\W_]|-|{_EMAIL_MARK}){{0,62}}+(?<!-)\.)+"
    rf"(?:[^\W\d_](?:[^\W\d_]|{_EMAIL_MARK}){{1,23}}|[Xx][Nn]--[A-Za-z0-9-]{{0,58}}[A-Za-z0-9])"
    rf"(?![\w\-])(?!{_EMAIL_MARK})"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"(?<![\d.,/-])(?:\d{4}[ -]){3}\d{1,7}(?![\d.,/-]\d)|(?<![\d.,/-])\d{13,19}(?![\d.,/-]\d)")
# Visa 4; Mastercard 51-55, 2221-2720; Amex 34, 37; Discover 6011, 644-649, 65; Maestro 50, 56-58,
# 6304, 67; JCB 3528-3589; Diners 300-305, 36, 38-39 (ISO/IEC 7812 issuer identification numbers).
_CARD_IIN = re.compile(
    r"4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|6011|64[4-9]|65|5[06-8]|6304|67|35(?:2[89]|[3-8]\d)|30[0-5]|3[689]"
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
# A dotted quad after a section keyword is a section number. Plural and inflected keywords and the
# headings "Table 4.1.2.3" / "Figure 4.1.2.3" count too, and so does a list item after one:
# "paragraphs 5.2.1.3 and 5.2.1.4", "points 2.1, 2.1.1.1 or 2.1.1.2", "Sections 9.1.2.1 to 9.1.2.4",
# "σημεία 5.2.1.3 και 5.2.1.4", "точки 5.2.1.3 и 5.2.1.4", "u točkama 4.2.1.3. i 4.2.1.4." (see
# :func:`_is_section_number`). Hungarian, Finnish, Latvian and Lithuanian put the keyword after the
# number ("a 4.2.1.3. és 4.2.1.4. pontban", "4.2.1.3 kohdassa", "4.2.1.3. punktā", "4.2.1.3 punkte"):
# a keyword just after the quad, or after the list it starts, counts too. Addresses listed without a
# keyword ("from 8.8.8.8 and 1.1.1.1") are still addresses; one listed after a section number is not
# (a rare loss, accepted).
#
# The keywords of all 24 EU languages: point, section, paragraph, chapter, annex, table, figure, with
# the inflected forms that EU legal texts use before a number (case endings, Hungarian possessives,
# Irish initial mutations: "mhír", "bpointe", "gcaibidil"). Those added since the first list are
# whole words only (``endpoints``, ``systems``, ``timetables``, ``skyrimas`` are not keywords), and a
# form that is also a common word before an address is left out (Estonian "lisa", annex and "add";
# Finnish "lukuun", of chapter and "lukuun ottamatta", except).
_HU_BACK = "ban|ból|ra|hoz|nak"  # Hungarian case endings (inessive, elative, sublative, allative,
_HU_FRONT = "ben|ből|re|hez|nek"  # dative), by vowel harmony
_SECTION_WORDS_AFTER = (
    # hu: (al)pont point, (al)szakasz section, bekezdés paragraph, fejezet chapter, melléklet annex,
    # táblázat table, ábra figure; bare, plural, possessive (pontja "its point") and plural possessive
    rf"(?:al)?pont(?:ok(?:{_HU_BACK}|at)?|ot|{_HU_BACK}|ja|já(?:{_HU_BACK}|t)|jai(?:{_HU_BACK}|t)?)?|"
    rf"(?:al)?szakasz(?:ok(?:{_HU_BACK}|at)?|t|{_HU_BACK}|a|á(?:{_HU_BACK}|t)|ai(?:{_HU_BACK}|t)?)?|"
    rf"táblázat(?:ok(?:{_HU_BACK}|at)?|ot|{_HU_BACK}|a|á(?:{_HU_BACK}|t)|ai(?:{_HU_BACK}|t)?)?|"
    rf"(?:bekezdés|fejezet|melléklet)(?:ek(?:{_HU_FRONT}|et)?|{_HU_FRONT}|e|é(?:{_HU_FRONT}|t)|ei(?:{_HU_FRONT}|t)?)?|"
    r"bekezdést|(?:fejezet|melléklet)et|"  # accusative
    rf"ábr(?:a|á(?:n|{_HU_BACK}|t|k(?:on|{_HU_BACK}|at)?|ja|ján))|"
)
_SECTION_WORDS_BOTH = (
    # fi: (ala)kohta point, (ala)jakso section, luku chapter, liite annex, taulukko table, kuva figure,
    # momentti paragraph
    r"(?:ala)?koh(?:ta(?:a|an|na)?|da(?:n|ssa|sta|lla|lta|lle|ksi|t)|tien|tia|dissa|dista|tiin|dille|dilla)|"
    r"(?:ala)?jakso(?:n|a|ssa|sta|on|lla|t|jen|ja|issa|ista|ihin)?|"
    r"lu(?:ku|vun|kua|vussa|vusta|vut|kujen|vuissa|vuista)|"
    r"liit(?:e|teen|että|teessä|teestä|teeseen|teet|teiden|teitä|teissä|teistä|teisiin)|"
    r"tauluk(?:ko|on|koa|ossa|osta|koon|ot|oiden|oita|oissa|oista|oihin)|"
    r"kuv(?:a|an|aa|assa|asta|aan|at|ien|ia|issa|ista|iin)|moment(?:ti|in|tia|issa|ista|tiin|it)|"
    # lt: (pa)punktis/punktas point, (po)skirsnis section, skyrius chapter, priedas annex, lentelė table,
    # paveikslas (pav.) figure, dalis paragraph
    r"punkt(?:as|o|ui|ą|u|e|ai|ų|ams|us|ais|uose)|papunk(?:tis|čio|čiui|tį|čiu|tyje|čiai|čių|čiams|čius|čiais|čiuose)|"
    r"(?:po)?skirsn(?:is|io|iui|į|iu|yje|iai|ių|iams|ius|iais|iuose)|skyri(?:us|aus|ui|ų|umi|uje|ai|ams|ais|uose)|"
    r"pried(?:as|o|ui|ą|u|e|ai|ų|ams|us|ais|uose)|lentel(?:ė|ės|ei|ę|e|ėje|ių|ėms|es|ėmis|ėse)|"
    r"paveiksl(?:as|o|ui|ą|u|e|ai|ų|ams|us|ais|uose)|pav|dal(?:is|ies|iai|į|imi|yje|ys|ių|ims|imis|yse)|"
    # lv: (apakš)punkts point, (apakš)iedaļa / sadaļa section, nodaļa chapter, daļa paragraph,
    # pielikums annex, tabula table, attēls figure
    r"(?:apakš)?punkt(?:s|a|am|u|ā|i|iem|us|os)|(?:apakš)?(?:ie|sa|no)?daļ(?:a|as|ai|u|ā|ām|ās)|"
    r"pielikum(?:s|a|am|u|ā|i|iem|us|os)|tabul(?:a|as|ai|u|ā|ām|ās)|attēl(?:s|a|am|u|ā|i|iem|us|os)"
)
_SECTION_WORDS_BEFORE = (
    # et: (ala)punkt point, jagu / (all)jaotis section, peatükk chapter, lõige paragraph, tabel table,
    # joonis figure
    r"(?:ala)?punkt(?:i(?:s|st|le|l|lt|ga|ni|d|de(?:s|st|le|l|ga)?)?|e)|ja(?:gu|os|ost|kku|od|gude|gudes)|"
    r"(?:all)?jaotis(?:e|es|est|ele|t|ed|te|tes)?|peatü(?:kk|ki|kis|kist|kki|kile|kid|kide|kides)|"
    r"lõi(?:ge|ke|kes|kest|get|kele|ked|gete|getes)|tabel(?:i|is|ist|isse|ile|id|ite|ites)|"
    r"joonis(?:e|el|elt|ele|t|ed|te|tel)?|"
    # cs, sk: (pod)bod point, (pod)oddíl / oddiel section, odstavec / odsek paragraph, kapitola chapter,
    # příloha / príloha annex, tabulka / tabuľka table, obrázek / obrázok (obr.) figure, část / časť part
    r"(?:pod)?bod(?:u|ě|e|em|om|y|ů|ov|ům|ech|och)?|(?:pod)?oddíl(?:u|e|em|y|ů|ům|ech)?|"
    r"(?:pod)?oddiel(?:u|e|om|y|ov|och)?|(?:pod)?odstav(?:ec|ce|ci|cem|ců|cům|cích)|"
    r"odsek(?:a|u|om|y|i|ov|och|ih)?|kapitol(?:a|y|e|u|ou|ám|ách|ami)?|příloh(?:a|y|u|ou|ám|ách)?|příloze|"
    r"príloh(?:a|y|e|u|ou|ám|ách)?|tabul(?:ka|ky|ce|ku|kou|ek|kám|kách)|tabu(?:ľka|ľky|ľke|ľku|ľkou|liek|ľkách)|"
    r"obráz(?:ek|ku|kem|ky|ků|cích|ok|ka|kom|kov|koch)|obr|část(?:i|í|em|ech)?|čas(?:ť|ti|tí|ťou|tiach)|"
    # sl, hr: (pod)točka point, (pod)oddelek / odjeljak section, odstavek / stavak paragraph,
    # poglavje / poglavlje chapter, priloga / prilog annex, preglednica / tablica table, slika figure
    r"(?:pod)?toč(?:k(?:a|e|i|o|u|om|ama|ah|ami)?|aka)|(?:pod)?oddel(?:ek|ka|ku|kom|ki|kov|kih|koma)|"
    r"(?:pod)?odjel(?:jak|jka|jku|jkom|jci|jaka|jcima)|odstav(?:ek|ka|ku|kom|ki|kov|kih)|"
    r"stav(?:ak|ka|ku|kom|ci|aka|cima)|poglav(?:je|ja|ju|jem|ij|jih)|poglavl(?:je|ja|ju|jem|jima)|"
    r"prilo(?:g|ga|ge|gi|go|gu|gom|gah|gama|zi|zima)|preglednic(?:a|e|i|o|ah)|tablic(?:a|e|i|u|om|ama)|"
    r"slik(?:a|e|i|o|u|om|ah|ama)|slici|tabel(?:e|i|o)|"
    # ro: (sub)punct (pct.) point, (sub)secțiune section, alineat (alin.) / paragraf paragraph, capitol
    # chapter, anexă annex, tabel table, figură figure (ș, ț with comma or, in older texts, cedilla)
    r"(?:sub)?punct(?:ul|ului|ele|elor|e)|pct|(?:sub)?sec[țţ]iun(?:e|ea|ii|i|ile|ilor)|"
    r"aline(?:at|atul|atului|ate|atele|atelor)|alin|paragraf(?:ul|ului|e|ele|elor)?|capitol(?:ul|ului|e|ele|elor)?|"
    r"anex(?:a|ă|ei|e|ele|elor)|tabel(?:ul|ului|ele|elor)|figur(?:a|ă|ii|i|ile|ilor)|"
    # da, sv: punkt point, (under)afsnit / avsnitt section, stycke paragraph, kapitel chapter,
    # bilag / bilaga annex, tabel / tabell table, figur figure
    r"punkt(?:et|er|erne|en|erna)|(?:under)?afsnit(?:tet|tene)?|(?:under)?avsnitt(?:et|en)?|stycke(?:t|na)?|"
    r"kapit(?:el|let|ler|lerne|len)|bilag(?:et|ene|a|an|or|orna)?|tabel(?:len|ler|lerne)|tabell(?:en|er|erna)?|"
    r"figur(?:en|er|erne|erna)?|"
    # ga: mír / fomhír paragraph, pointe point, roinn section, alt article, caibidil chapter,
    # iarscríbhinn annex, tábla table, fíor figure; lenited (mhír) and eclipsed (bpointe) forms
    r"(?:fo)?mh?ír(?:e|eanna)?|(?:p|ph|bp)oint(?:e|í)|roinn(?:e)?|ranna|h?ailt|(?:c|ch|gc)aibid(?:il|le|lí)|"
    r"h?iarscríbhinn(?:e|í)?|(?:t|th|dt)ábla(?:í)?|(?:f|fh|bhf)íor(?:acha)?|"
    # mt: punt point, sezzjoni / taqsima section, paragrafu paragraph, kapitolu chapter, anness annex,
    # tabella table, figura figure
    r"punti|(?:sub)?sezzjoni(?:jiet)?|(?:sub)?taqsim(?:a|iet)|(?:sub)?paragraf(?:u|i)|kapitol(?:u|i)|"
    r"anness(?:i)?|tabelli|figuri"
)
# The first keywords match the end of any word (compounds: "subsection", "Unterabschnitt"); short
# ones are whole words (_SECTION_WORDS_WHOLE): "dev", "apart", "interno", "Dupont" ended with them.
_SECTION_WORDS_FIRST = (
    r"point|section|paragraph|article|annex|chapter|version|punkt|abschnitt|nummer|"
    r"punto|apartado|paragrafo|parágrafo|alinéa|σημείο|τμήμα|παράγραφος|точка|раздел|параграф|odstavec|"
    r"kohta|punktas|punkts|punct|odsek|točka|paragrafu|pwynt|mír|n°|nº"
)
_SECTION_WORDS_WHOLE = (
    r"par|art|v|pkt|nr|bod|pont|punt|alt|no|"  # short ones: whole words (dev, apart, interno, Dupont end so)
    r"points|sections|paragraphs|paras?|arts|articles|annexes|chapters|tables?|figures?|figs?|items?|"
    r"punkte|abschnitte|nummern|absatz|absätze|abs|ziffer[n]?|kapitel|anhang|tabelle[n]?|abbildung(?:en)?|abb|"
    r"paragraphes|tableaux?|chapitres?|annexes?|puntos|apartados|secci[oó]n|secciones|cuadros?|tablas?|"
    r"figuras?|cap[ií]tulos?|anexos?|punti|paragrafi|sezion[ei]|tabell[ae]|capitol[oi]|allegat[oi]|"
    r"parágrafos|pontos?|sec[çc][ãa]o|sec[çc][õo]es|quadros?|tabelas?|alinéas|punten|tabel(?:len)?|figuur|"
    r"hoofdstuk(?:ken)?|bijlagen?|σημεία|σημείων|τμήματα|παράγραφοι|παραγράφους|παραγράφων|πίνακας|πίνακα|"
    r"σχήμα|κεφάλαιο|точки|раздели|параграфи|таблица|фигура|глава|приложение|punkty|punktów|tabela|rysunek|"
    r"rozdział|ust|"
    # the inflected forms of the other languages before a number (genitive, accusative, locative,
    # definite forms): el, bg, fr, es, pt, it, nl, de, pl, en
    r"παράγραφο|παραγράφου|υποπαράγραφο|υποπαραγράφου|σημείου|τμήματος|τμημάτων|ενότητα|ενότητας|ενότητες|"
    r"ενοτήτων|παράρτημα|παραρτήματος|παραρτήματα|παραρτημάτων|κεφαλαίου|κεφάλαια|κεφαλαίων|άρθρο|άρθρου|"
    r"άρθρα|άρθρων|πίνακες|πινάκων|σχήματος|εδάφιο|εδαφίου|"
    r"т|ал|алинея|алинеи|алинеята|чл|член|члена|членове|раздела|разделът|приложения|приложението|глави|"
    r"главата|точката|таблици|таблицата|фигури|параграфа|"
    r"paragraphe|párrafos?|epígrafes?|artículos?|alíneas?|artigos?|articol[oi]|paragraaf|paragrafen|"
    r"afdelingen|afdeling|onderdelen|onderdeel|artikelen|artikel|abschnitts|absatzes|kapitels|anhangs|anhanges|"
    r"punktes|punkcie|punktach|punktami|punktom|ustęp|ustępu|ustępie|sekcja|sekcji|rozdziału|rozdziale|"
    r"załącznik|załącznika|załączniku|tabeli|rysunku|clauses?|" + _SECTION_WORDS_BOTH + "|" + _SECTION_WORDS_BEFORE
)
# A keyword just before the quad, then an optional dot and spaces (searched in the 24 characters
# before it). The reference form; :func:`_section_word_before` gives its answer faster.
_SECTION_WORD = re.compile(
    r"(?:" + _SECTION_WORDS_FIRST + r"|\b(?:" + _SECTION_WORDS_WHOLE + r"))\.?\s*$", re.IGNORECASE
)
_SECTION_WORD_FIRST = re.compile(r"(?:" + _SECTION_WORDS_FIRST + r")\.?\s*$", re.IGNORECASE)
_SECTION_WORD_WHOLE = re.compile(r"(?:" + _SECTION_WORDS_WHOLE + r")", re.IGNORECASE)


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"  # ``\w`` of a str pattern


def _section_word_before(text: str, pos: int) -> bool:
    """``_SECTION_WORD.search(text, max(0, pos - 24), pos) is not None``, about 3x faster (measured
    20 µs per search with the keywords of 24 languages, which lists of quads repeat up to 8 times).

    Where a keyword can end is fixed by the text: before the spaces and the optional dot just
    before ``pos``. Every keyword ends with a letter or ``°``; else there is none. A whole-word
    keyword then spans the whole run of ``\\w`` ending there, which must start inside the window
    (``\\b`` sees the character before the window): one anchored fullmatch instead of a search
    that tries every alternative at each of 24 positions. The first keywords, which may end any
    word, are still searched. (``\\s`` is ``str.isspace()``; tests/unit/test_pii_equivalence.py
    checks both against the reference's search.)
    """
    lo = max(0, pos - 24)
    end = pos
    while end > lo and text[end - 1].isspace():
        end -= 1
    if end > lo and text[end - 1] == ".":
        end -= 1
    if end == lo or not (text[end - 1].isalpha() or text[end - 1] == "°"):
        return False
    start = end - 1
    while start > lo and _is_word_char(text[start - 1]):
        start -= 1
    if not (start == lo and start > 0 and _is_word_char(text[start - 1])) and _SECTION_WORD_WHOLE.fullmatch(
        text, start, end
    ):
        return True
    return _SECTION_WORD_FIRST.search(text, lo, pos) is not None


# A keyword just after the quad (hu, fi, lt, lv), after an ordinal dot and a few spaces.
_SECTION_WORD_AFTER = re.compile(
    r"\.?\s{1,4}(?:" + _SECTION_WORDS_AFTER + _SECTION_WORDS_BOTH + r")(?!\w)", re.IGNORECASE
)
# The words for "and", "or", "to" between the items of a list of section numbers.
_SECTION_LIST_WORDS = (
    r"and|or|to|through|und|oder|bis|et|ou|à|au|y|o|a|al|e|ed|en|tot|και|έως|ή|и|или|до|i|oraz|lub|do|"
    # hu, fi, et, lt, lv, ro, cs, sk, sl, hr, da, sv, ga, mt
    r"és|vagy|illetve|valamint|ja|tai|sekä|või|kuni|ir|arba|bei|iki|un|vai|līdz|[șş]i|sau|până\s+la|la|"
    r"nebo|či|až|alebo|aj|in|ali|ili|te|og|eller|til|och|till|agus|nó|go(?:\s+dtí)?|u|jew|sa"
)
# The end of a list item just before a number: a dotted number (with the ordinal dot of hu, lv, hr,
# sl, cs, sk, et, da: "4.2.1.3."), then a comma, semicolon, dash or slash, or a list word.
_SECTION_LIST_ITEM = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)+)\.?\s*(?:[,;/–—-]\s*|\s(?:" + _SECTION_LIST_WORDS + r")\s+)$", re.IGNORECASE
)
# The next list item just after a number: the same separators, then a dotted number (bounded: a
# longer one is cut, and the list then ends there).
_SECTION_LIST_ITEM_AFTER = re.compile(
    r"\.?\s{0,4}(?:[,;/–—-]\s{0,4}|\s(?:" + _SECTION_LIST_WORDS + r")\s{1,4})\d{1,9}(?:\.\d{1,9}){1,8}", re.IGNORECASE
)


def _is_section_number(text: str, start: int, end: int, sections: set[int]) -> bool:
    """Whether the dotted quad ``text[start:end]`` is a section number: a section keyword just
    before it, or a list item just before it (``5.2.1.3 and``) that is one; or a keyword of the
    languages that write it after the number just after the quad (``4.2.1.3. pontban``) or after
    the list the quad starts (``4.2.1.3. és 4.2.1.4. pontban``). ``sections`` holds the ends of the
    quads already found to be section numbers; a list is followed at most 8 items back, and 8
    forward. Each step looks at a bounded stretch of text (24 or 40 characters back, a few spaces
    and one word or dotted number forward), so the cost per quad is bounded."""
    pos = start
    for _ in range(8):
        if _section_word_before(text, pos):
            return True
        item = _SECTION_LIST_ITEM.search(text, max(0, pos - 40), pos)
        if item is None:
            break
        if item.end(1) in sections:
            return True
        pos = item.start(1)
    pos = end
    for _ in range(8):
        if _SECTION_WORD_AFTER.match(text, pos):
            return True
        item = _SECTION_LIST_ITEM_AFTER.match(text, pos)
        if item is None:
            return False
        pos = item.end()
    return False


# Phone candidates: international (+CC or 00CC), national with trunk 0, or a bare digit group. A
# candidate may hold two or three numbers joined by " / " or " - " ("Tel./Fax: 01 234 5678 / 01 234
# 5679"); it is checked whole first ("0220 - 456 48" is one Swedish number), then number by number
# (:func:`find_phones`). Up to 42 characters, so that two numbers fit (with 22, the second was cut
# and both were lost).
_PHONE = re.compile(r"(?<![\w+/.,-])(?:\+|00)?\(?\d[\d ()./-]{5,40}\d(?![\w/]|[.,-]\d)")
_PHONE_JOIN = re.compile(r" +[/-] +")
# Between two numbers of one list ("Tel: 2123 4567 – 7912 3456", "tel. 01 234 5678, 087 123 4567"):
# a number right after a phone number and one of these separators has the first one's keyword.
_PHONE_LIST_GAP = re.compile(r" *[–—,;/] *")
# A year after a complete number ("Tel. 087 123 4567 2019"): the number without it is tried.
_PHONE_YEAR = re.compile(r"(?<=\d) +(?:19|20)\d\d$")
# A phone keyword just before a national number without trunk 0 starts a word, so that "Tellimus"
# (et, order), "κινδύνου" (el, of danger) or "Hotel" are none. Abbreviations and short words are
# whole words; the stems may take any ending or compound ("telefonu", "Telefonnummer", "telèfon",
# "puhelimella", "τηλεφώνου", "телефакс", "faxnummer"), and "mobil" may come before one
# ("Mobiltelefon"). Then an optional word ("Tel. nr.", "tel/fax:", "telefonní číslo:"). A word for
# "number" alone (mt "numru", ga "uimhir") is no keyword: "Il-każ numru 21234567" is a case number.
# Latvian "tālr." / "tālrunis" / "pa tālruni", Maltese "Mowbajl", Finnish "puh.", Spanish "tfno." and
# "móvil", Italian "cellulare", Polish "komórka" too: Latvia, Malta, Finland's mobiles, Spain and
# Poland have no trunk 0. The word after the keyword may have up to 15 letters (Greek "Τηλέφωνο
# επικοινωνίας:"), and the keyword may start up to 32 characters before the number.
_PHONE_WORDS = r"tel|tél|gsm|τηλ|κιν|тел|моб|ffôn|puh|tfn|tfno"
_PHONE_STEMS = (
    r"(?:mobil)?(?:tel[eéè]f[oòó]n|t[eé]l[eé]phon|phone|telefoon|telf|telnr|telem[óo]vel|tlf|fax|puheli|"
    r"τηλ[εέ]φ[ωώ]ν|τηλεομοιοτυπ|κινητ|телеф|мобил)|mob(?:il|iel|iil|itel)?|tālr|mowbajl|m[óo]vil|cellular|"
    r"komórk"
)
_PHONE_KEYWORD = re.compile(
    r"(?<!\w)(?:(?:" + _PHONE_WORDS + r")(?!\w)|(?:" + _PHONE_STEMS + r")\w*)"
    r"[.:]?[\s/-]*(?:[^\W\d_]{1,15}[.:]?\s*)?[:.]?\s*$",
    re.IGNORECASE,
)
_LT_TRUNK = re.compile(r"\(?8[ (-]")
# Dates are not phone numbers: "12.05.2019", "2019-05", "12/05", and the spaced dates of Slovenian,
# German, Finnish, Bulgarian, Croatian, Czech, Slovak, Hungarian text ("08. 09. 2013"). Nor are
# opening hours "08.00-15.00", "09.00 - 13.00" (HH:MM ranges never make a candidate: ":" is not
# in it). A spaced date or a time range starting with 0 passed as a national number with trunk 0
# (Slovenia's 080 9 2013, Italy's 09001300).
_DATE_LIKE = re.compile(
    r"^\d{1,4}(?:[./-]|\. )\d{1,2}(?:[./-]|\. )\d{1,4}$|^\d{4}[./-]\d{1,4}$|^\d{1,2}[./-]\d{1,2}$"
    r"|^\d{1,2}[.:]\d{2} ?[-–] ?\d{1,2}[.:]\d{2}$"
)


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


# --- Candidate scan -----------------------------------------------------------------------------
# Speed (issue 6: at least 5,000 documents/s/core). CPython's ``re`` searches fast only when a
# pattern starts with a literal or a character set: it then skips to the positions that can start
# a match. A pattern that starts with a lookbehind or ``\b`` (all the patterns above) instead runs
# the full matcher at every position of the text: measured 40-190 µs per pattern on a 1 KB text
# (the first implementation ran eleven such scans plus a case-insensitive keyword scan of the
# whole text: 0.75-1.4 ms per document). So the text is scanned ONCE for its digit runs (``\d+``,
# a character-set prefix), and each digit-bearing pattern is tried anchored, ``rx.match(text,
# pos)``, only at the positions the runs allow: a run start, or a fixed offset before it for a
# letter or ``+(`` prefix (IBAN, codice fiscale, NIE, phone), and only when the run's length and
# the character after it fit the format. E-mail addresses are looked for around each ``@``, IPv6
# addresses around close pairs of colons, VAT numbers in the stretches of [A-Z0-9 +.] around
# digit runs.
#
# Exactness: ``rx.match(text, pos)`` sees the text before ``pos`` (lookbehind and ``\b`` work as
# in a full scan: Python ``re`` docs, Pattern.search), and :func:`_scan` walks the candidates the
# way ``finditer`` walks every position (the next try at or after the previous match's end, a
# match consumed even when its validator refuses it). As long as the candidates include every
# position where the pattern can match, the matches are exactly those of ``rx.finditer(text)``;
# each ``_*_starts`` helper says why its candidates are complete. tests/unit/test_pii_equivalence.py
# and tests/real/test_pii_real.py compare every detector with the first implementation
# (tests/pii_reference.py) on generated and real text.

_DIGIT_RUN = re.compile(r"\d+")
_ASCII_DIGITS = "0123456789"

Runs = list[tuple[int, int]]
"""Maximal runs of ``\\d`` characters as (start, end) offsets, in text order."""


def digit_runs(text: str) -> Runs:
    """Every maximal run of decimal digits (``\\d``, Unicode Nd) in ``text``, in order.

    (Measured: ``[0-9]+`` on the UTF-8 bytes is no faster on non-ASCII text.)
    """
    return [m.span() for m in _DIGIT_RUN.finditer(text)]


def _scan(rx: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """The matches of ``rx.finditer(text)``, trying ``rx`` only at ``starts``.

    ``starts`` must be ascending and contain every position where ``rx`` can match; ``rx`` must
    not match the empty string. Like ``finditer``, the next try is at or after the last match end.
    """
    end = 0
    for p in starts:
        if p >= end:
            m = rx.match(text, p)
            if m is not None:
                end = m.end()
                yield m


# the ASCII characters of _EMAIL's local part (dot-atom) and the dot
_EMAIL_LOCAL_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-.")


def _email_local_char(c: str) -> bool:
    r"""Whether ``c`` is a character of _EMAIL's local part or a dot: ASCII atext, ``.``, or a
    Unicode letter or digit (``str.isalnum()``: ``\w`` is that and ``_``) or a combining mark."""
    return c in _EMAIL_LOCAL_ASCII or c.isalnum() or c in _MARKS


def _email_may_follow(c: str) -> bool:
    r"""Whether _EMAIL's lookbehind (``\w``, ``.``, ``+``, ``-`` or a combining mark) lets a match
    start after ``c`` (``\w``: ``str.isalnum()`` or ``_``)."""
    return not (c.isalnum() or c in "_.+-" or c in _MARKS)


def _email_start(text: str, first: int, at: int) -> int:
    """The only position in ``[first, at)`` where :data:`_EMAIL` can match through the ``@`` at
    ``at``, or -1; ``text[first:at]`` holds local-part characters and dots only.

    A match through that ``@`` starts at a position ``p`` where (a) ``text[p]`` is not a dot, (b)
    ``text[p:at]`` is a dot-atom (no ``..``, no dot just before the ``@``: the local part must end
    at the ``@``) and (c) the lookbehind lets it start after ``text[p - 1]``. The rest of the
    match, the domain, does not depend on ``p``: if the first such ``p`` fails, every later one
    fails too. So one anchored try per ``@`` gives the full scan's match, where searching the whole
    run (until November 2026) tried every position of it: quadratic on a long run of ``!``, ``=``
    or ``#`` before an ``@`` (20,000 of them: 5.3 s, 40,000: 21 s; now milliseconds).
    """
    if text[at - 1] == ".":
        return -1
    dots = text.rfind("..", first, at)
    for p in range(first if dots < 0 else dots + 2, at):
        if text[p] != "." and (p == 0 or _email_may_follow(text[p - 1])):
            return p
    return -1


def find_emails(text: str) -> Iterator[Match]:
    """E-mail addresses; the pattern runs only around each ``@``.

    A match holds exactly one ``@`` (neither the local part nor the domain may contain one) and its
    local part is inside the run of local-part characters just before that ``@``: for each ``@``,
    the one position of that run where a match can start (:func:`_email_start`) is tried,
    anchored. ``@`` by ``@``, this gives the full scan's matches in linear time.
    """
    at = text.find("@")
    end = 0
    while at >= 0:
        lo = at
        while lo > 0 and _email_local_char(text[lo - 1]):
            lo -= 1
        if max(lo, end) < at:
            start = _email_start(text, max(lo, end), at)
            m = _EMAIL.match(text, start) if start >= 0 else None
            if m is not None:
                end = m.end()
                yield Match(m.start(), m.end(), "email")
        at = text.find("@", at + 1)


def _iban_starts(runs: Runs) -> Iterator[int]:
    # ``\b[A-Z]{2}\d{2}``: the two digits after two letters start a digit run of length >= 2.
    for s, e in runs:
        if s >= 2 and e - s >= 2:
            yield s - 2


@cache
def _iban_length(country: str) -> int:
    """The IBAN length of ``country`` in the ISO 13616 registry (python-stdnum's copy of SWIFT's
    IBAN registry: 4 characters, then the BBAN, ``"2!n14!n"`` for Estonia: 20), 0 if unknown."""
    bban = numdb.get("iban").info(country)[0][1].get("bban", "")
    return 4 + sum(int(n) for n in re.findall(r"\d+", bban)) if bban else 0


def _iban_cut(cand: str) -> str:
    """``cand`` cut to its country's IBAN length where it ran on into the next word.

    The pattern takes up to 8 groups of 1-4 characters, so after an IBAN whose length is a
    multiple of 4 (Estonia, Lithuania, Austria: 20; Spain: 24) it also took the next short word:
    "EE38 2200 2210 2014 5685 EUR", "ES91 2100 0418 4502 0005 1332 BBVA"; the candidate failed its
    checksum and was consumed, so the IBAN was kept. The cut is made only where a space follows
    (a word glued to the number is not cut off). A candidate no longer than its country's length
    is returned as it is.
    """
    n = _iban_length(cand[:2])
    seen = 0
    for i, c in enumerate(cand):
        if c != " ":
            seen += 1
            if seen == n:
                return cand[: i + 1] if cand[i + 1 : i + 2] in ("", " ") else cand
    return cand


def find_ibans(text: str, runs: Runs | None = None) -> Iterator[Match]:
    for m in _scan(_IBAN, text, _iban_starts(digit_runs(text) if runs is None else runs)):
        cand = _iban_cut(m.group())
        if std_iban.is_valid(cand):
            yield Match(m.start(), m.start() + len(cand), "iban")


def _card_starts(text: str, runs: Runs) -> Iterator[int]:
    # Both branches start at a digit not preceded by a digit (a run start). ``(?:\d{4}[ -]){3}``
    # needs a run of exactly 4 followed by a space or hyphen; ``\d{13,19}`` needs a run of 13+
    # (a run of 20 still matches its first 19 digits: the lookahead only refuses 2 more digits).
    for s, e in runs:
        if (e - s == 4 and text[e : e + 1] in (" ", "-")) or e - s >= 13:
            yield s


def find_cards(text: str, runs: Runs | None = None) -> Iterator[Match]:
    for m in _scan(_CARD, text, _card_starts(text, digit_runs(text) if runs is None else runs)):
        d = _digits(m.group())
        if 13 <= len(d) <= 19 and _CARD_IIN.match(d) and len(set(d)) > 2 and luhn.is_valid(d):
            yield Match(m.start(), m.end(), "card")


def _is_public_ip(s: str) -> bool:
    try:
        ip = ipaddress.ip_address(s)
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast


def _ipv4_starts(text: str, runs: Runs) -> Iterator[int]:
    # ``(?<![\w.])\d{1,3}\.``: a run start (the lookbehind refuses a digit before), a run of at
    # most 3 digits, then a dot.
    for s, e in runs:
        if e - s <= 3 and text[e : e + 1] == ".":
            yield s


def _ipv6_starts(text: str) -> list[int]:
    # ``(?:[0-9A-Fa-f]{0,4}:){2,7}``: a match starts at most 4 characters before its first colon,
    # and that colon has a second one at most 5 characters after it.
    starts: set[int] = set()
    c = text.find(":")
    while c >= 0:
        nxt = text.find(":", c + 1)
        if nxt < 0:
            break
        if nxt - c <= 5:
            starts.update(range(max(0, c - 4), c + 1))
        c = nxt
    return sorted(starts)


def find_ips(text: str, runs: Runs | None = None) -> Iterator[Match]:
    if "." in text:
        sections: set[int] = set()
        for m in _scan(_IPV4, text, _ipv4_starts(text, digit_runs(text) if runs is None else runs)):
            if _is_section_number(text, m.start(), m.end(), sections):
                sections.add(m.end())
                continue
            if _is_public_ip(m.group()):
                yield Match(m.start(), m.end(), "ip")
    if "::" in text or text.count(":") >= 5:
        for m in _scan(_IPV6, text, _ipv6_starts(text)):
            s = m.group()
            if s.count(":") >= 2 and any(c.isalnum() for c in s) and _is_public_ip(s):
                yield Match(m.start(), m.end(), "ip")


def _phone_starts(text: str, runs: Runs) -> Iterator[int]:
    # ``(?<![\w+/.,-])(?:\+|00)?\(?\d``: the first digit (or the ``00``) is a run start, since the
    # lookbehind, ``+`` and ``(`` are not digits; a match may begin 1 (``+`` or ``(``) or 2 (``+(``)
    # characters earlier.
    for s, _ in runs:
        if s >= 2 and text[s - 2] == "+" and text[s - 1] == "(":
            yield s - 2
        if s >= 1 and text[s - 1] in "+(":
            yield s - 1
        yield s


def _always() -> bool:
    return True


def _phone_keyword_before(text: str, pos: int) -> bool:
    """Whether a phone keyword ends just before ``pos`` (starting at most 32 characters back)."""
    return _PHONE_KEYWORD.search(text, max(0, pos - 32), pos) is not None


def _phone_valid(part: str, regions: tuple[str, ...], keyword: Callable[[], bool]) -> bool:
    """Whether ``part`` is a valid international number, or a national one of ``regions`` with a
    trunk prefix or after a phone ``keyword`` (called last: it is the slower test)."""
    if not 7 <= len(_digits(part)) <= 15 or _DATE_LIKE.match(part) or "/" in part:
        return False
    if part.startswith(("+", "00")):
        try:
            num = phonenumbers.parse("+" + part[2:] if part.startswith("00") else part, None)
        except phonenumbers.NumberParseException:
            return False
        return bool(phonenumbers.is_valid_number(num))
    # In Lithuania, the trunk 8 written apart ("8 612 34567", "(8 5) 212 3456") is a trunk prefix
    # too, for the Lithuanian plan only.
    if part.lstrip("(").startswith("0") or keyword():
        plans = regions
    elif "LT" in regions and _LT_TRUNK.match(part):
        plans = ("LT",)
    else:
        return False
    for region in plans:
        try:
            num = phonenumbers.parse(part, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return True
    return False


def _phone_length(part: str, regions: tuple[str, ...], keyword: Callable[[], bool]) -> int:
    """The length of the phone number ``part`` is, or starts with before a year; 0 if none."""
    if _phone_valid(part, regions, keyword):
        return len(part)
    year = _PHONE_YEAR.search(part)
    if year is not None and _phone_valid(part[: year.start()], regions, keyword):
        return year.start()
    return 0


def find_phones(text: str, regions: tuple[str, ...], runs: Runs | None = None) -> Iterator[Match]:
    """Phone numbers valid in one of ``regions`` (national) or in any country (international).

    A candidate is checked whole; if it is no number and holds numbers joined by " / " or " - ",
    each of them is checked, with the keyword before the candidate ("Tel: 2123 4567 / 7912 3456").
    A candidate right after a phone number and a list separator (en or em dash, comma, semicolon,
    slash: :data:`_PHONE_LIST_GAP`) is a phone where a keyword would make it one: "Tel: 2123 4567
    – 7912 3456" lost its second (Maltese) number, which has no trunk prefix to show it.
    """
    last_end = -1
    for m in _scan(_PHONE, text, _phone_starts(text, digit_runs(text) if runs is None else runs)):
        cand = m.group()
        if last_end >= 0 and _PHONE_LIST_GAP.fullmatch(text, last_end, m.start()):
            keyword: Callable[[], bool] = _always
        else:
            keyword = cache(partial(_phone_keyword_before, text, m.start()))
        n = _phone_length(cand, regions, keyword)
        if n:
            last_end = m.start() + n
            yield Match(m.start(), last_end, "phone")
            continue
        if _PHONE_JOIN.search(cand) is None:
            continue
        pos = 0
        for sep in (*_PHONE_JOIN.finditer(cand), None):
            end = len(cand) if sep is None else sep.start()
            n = _phone_length(cand[pos:end], regions, keyword)
            if n:
                last_end = m.start() + pos + n
                yield Match(m.start() + pos, last_end, "phone")
            if sep is not None:
                pos = sep.end()


@dataclass(frozen=True, slots=True)
class _IdFormat:
    module: str
    pattern: re.Pattern[str]
    keyword: re.Pattern[str] | None
    """When set, a match needs this keyword within 40 characters before it."""
    starts: tuple[tuple[int, int, str], ...]
    """Where a match can start, for the candidate scan: (length of the match's first digit run,
    start offset from that run (negative: letters before it), characters that can follow the run
    ("" = any)). Derived by hand from ``pattern``; tests/unit/test_pii_equivalence.py checks them."""
    first_digit: str = ""
    """When set, the first digit of a match is one of these characters."""


def _kw(words: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + words + r")\W{0,6}(?:\w+\W{1,3}){0,3}$", re.IGNORECASE)


def _at(
    lengths: tuple[int, ...], follow: str = "", offsets: tuple[int, ...] = (0,)
) -> tuple[tuple[int, int, str], ...]:
    return tuple((n, o, follow) for n in lengths for o in offsets)


_DNI_LETTER = "-ABCDEFGHJKLMNPQRSTVWXYZ"  # -?[A-HJ-NP-TV-Z]

# Identity numbers of EU member states with a python-stdnum checksum validator. Keywords are also
# written with dots (Greek "Α.Μ.Κ.Α.", Bulgarian "Е.Г.Н.") and inflected (Lithuanian "asmens kodą",
# "asmens kodo"). The Latvian personal code (personas kods, "161175-19997"; since 2017 "32..."), is
# validated by stdnum.lv.pvn, which also accepts the codes of legal entities (first digit 4-9): those
# are not personal data, and the pattern leaves them out. The start rules
# follow from each pattern: e.g. ``\b\d{6}/?\d{3,4}\b`` starts with a run of 6 digits followed by
# "/", or a run of 9 or 10; ``\b[XYZ]-?\d{7}-?[A-HJ-NP-TV-Z]`` starts 1 or 2 characters before a run
# of exactly 7 followed by "-" or the letter; the groups of ``fr.nir`` (1|2|2|2 or "2A"/"2B"|3|3|2,
# optional spaces) make a first run of 1, 3, 5, 7, 10 or 13 digits before a space, 6 before the
# A/B, or all 15.
_ID_FORMATS: tuple[_IdFormat, ...] = (
    _IdFormat("it.codicefiscale", re.compile(r"\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b"), None, _at((2,), "ABCDEHLMPRST", (-6,))),
    _IdFormat("es.dni", re.compile(r"\b\d{8}-?[A-HJ-NP-TV-Z]\b"), None, _at((8,), _DNI_LETTER)),
    _IdFormat("es.nie", re.compile(r"\b[XYZ]-?\d{7}-?[A-HJ-NP-TV-Z]\b"), None, _at((7,), _DNI_LETTER, (-2, -1))),
    _IdFormat("ie.pps", re.compile(r"\b\d{7}[A-W][ABWTXZ]?\b"), None, _at((7,), "ABCDEFGHIJKLMNOPQRSTUVW")),
    _IdFormat("fi.hetu", re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b"), None, _at((6,), "-+ABCDEFUVWXY")),
    _IdFormat("dk.cpr", re.compile(r"\b\d{6}-\d{4}\b"), None, _at((6,), "-")),
    _IdFormat("se.personnummer", re.compile(r"\b(?:\d{2})?\d{6}[-+]\d{4}\b"), None, _at((6, 8), "-+")),
    _IdFormat("cz.rc", re.compile(r"\b\d{6}/\d{3,4}\b"), None, _at((6,), "/")),
    _IdFormat("be.nn", re.compile(r"\b\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}\b"), None, _at((2,), ".")),
    _IdFormat("bg.egn", re.compile(r"\b\d{10}\b"), _kw(r"ЕГН|Е\.Г\.Н|EGN|единен граждански номер"), _at((10,))),
    _IdFormat("pl.pesel", re.compile(r"\b\d{11}\b"), _kw(r"PESEL"), _at((11,))),
    _IdFormat("ro.cnp", re.compile(r"\b\d{13}\b"), _kw(r"CNP|cod numeric personal"), _at((13,))),
    _IdFormat("hr.oib", re.compile(r"\b\d{11}\b"), _kw(r"OIB"), _at((11,))),
    _IdFormat("si.emso", re.compile(r"\b\d{13}\b"), _kw(r"EMŠO|EMSO"), _at((13,))),
    _IdFormat("ee.ik", re.compile(r"\b\d{11}\b"), _kw(r"isikukood|personal code"), _at((11,))),
    _IdFormat("lt.asmens", re.compile(r"\b\d{11}\b"), _kw(r"asmens kod(?:as|o|ą|u|ui|e)|personal code"), _at((11,))),
    _IdFormat("nl.bsn", re.compile(r"\b\d{4}\.?\d{2}\.?\d{3}\b"), _kw(r"BSN|burgerservicenummer|sofinummer"), _at((4, 6), ".") + _at((9,))),
    _IdFormat("gr.amka", re.compile(r"\b\d{11}\b"), _kw(r"ΑΜΚΑ|Α\.Μ\.Κ\.Α|AMKA"), _at((11,))),
    _IdFormat("fr.nir", re.compile(r"\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b"), _kw(r"NIR|sécurité sociale|numéro de sécu"), _at((1, 3, 5, 7, 10, 13), " ") + _at((6,), "AB") + _at((15,)), "12"),
    _IdFormat("de.idnr", re.compile(r"\b\d{2} ?\d{3} ?\d{3} ?\d{3}\b"), _kw(r"Steuer-?ID|Steueridentifikationsnummer|IdNr"), _at((2, 5, 8), " ") + _at((11,))),
    _IdFormat("pt.nif", re.compile(r"\b\d{9}\b"), _kw(r"NIF|contribuinte"), _at((9,))),
    _IdFormat("sk.rc", re.compile(r"\b\d{6}/?\d{3,4}\b"), _kw(r"rodné číslo|rodného čísla"), _at((6,), "/") + _at((9, 10))),
    _IdFormat("lv.pvn", re.compile(r"\b[0-3]\d{5}-?\d{5}\b"), _kw(r"personas kod(?:s|a|am|u|ā)|personal code"), _at((6,), "-") + _at((11,)), "0123"),
)  # fmt: skip
_VAT_PREFIXES = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI"
# First written \b(?:AT|...) ?[0-9A-Z][0-9A-Z +.]{6,14}[0-9A-Z]\b; the same pattern, written to
# start with a character set (two capitals, then the lookbehind checks that they are a country
# prefix at a word start), so that `re` skips straight to capital letters.
_VAT = re.compile(r"[A-Z]{2}(?<=\b(?:" + _VAT_PREFIXES + r")) ?[0-9A-Z][0-9A-Z +.]{6,14}[0-9A-Z]\b")


@dataclass(frozen=True, slots=True)
class _Compiled:
    fmt: _IdFormat
    is_valid: Callable[[str], bool]


_ID_VALIDATORS: tuple[_Compiled, ...] = tuple(
    _Compiled(f, import_module(f"stdnum.{f.module}").is_valid) for f in _ID_FORMATS
)


_FREE = tuple(c for c in _ID_VALIDATORS if c.fmt.keyword is None)
_FREE_EXACT = tuple((re.compile(c.fmt.pattern.pattern.replace(r"\b", "")), c.is_valid) for c in _FREE)


@dataclass(frozen=True, slots=True)
class _IdGroup:
    """One pattern tried at the candidate positions, and the formats that validate its matches."""

    pattern: re.Pattern[str]
    free: bool
    """The distinctive formats (one combined pattern; no keyword needed)."""
    validators: tuple[_Compiled, ...]
    first_digit: str


def _build_id_groups() -> tuple[tuple[_IdGroup, ...], dict[int, tuple[tuple[int, int, str], ...]]]:
    # The distinctive formats share one alternation (a match is then validated against every
    # format it fits: a Danish CPR and a Finnish HETU share a shape). The keyword formats are
    # grouped by pattern (five countries use \b\d{11}\b): its matches are found once, then each
    # format checks its keyword and checksum. Returns the groups and, per digit-run length, the
    # (group, offset, following characters) start rules: most runs (years, article numbers,
    # amounts) fit none.
    free_pattern = re.compile("|".join(f"(?:{c.fmt.pattern.pattern})" for c in _FREE))
    groups: list[_IdGroup] = [_IdGroup(free_pattern, True, _FREE, "")]
    rules: list[tuple[int, int, int, str]] = [(n, 0, o, f) for c in _FREE for n, o, f in c.fmt.starts]
    by_pattern: dict[str, list[_Compiled]] = {}
    for c in _ID_VALIDATORS:
        if c.fmt.keyword is not None:
            by_pattern.setdefault(c.fmt.pattern.pattern, []).append(c)
    for cs in by_pattern.values():
        f = cs[0].fmt
        groups.append(_IdGroup(f.pattern, False, tuple(cs), f.first_digit))
        rules += [(n, len(groups) - 1, o, follow) for n, o, follow in f.starts]
    by_len: dict[int, list[tuple[int, int, str]]] = {}
    for n, gi, o, follow in sorted(set(rules)):
        by_len.setdefault(n, []).append((gi, o, follow))
    return tuple(groups), {n: tuple(r) for n, r in by_len.items()}


_ID_GROUPS, _ID_BY_RUN_LEN = _build_id_groups()


def _national_id_candidates(text: str, runs: Runs) -> list[tuple[_IdGroup, list[int]]]:
    """Per pattern group, the ascending positions where it can match (from the digit runs)."""
    cands: dict[int, set[int]] = {}
    for s, e in runs:
        rules = _ID_BY_RUN_LEN.get(e - s)
        if rules is None:
            continue
        after = text[e : e + 1]
        for gi, o, follow in rules:
            if follow and (not after or after not in follow):
                continue
            group = _ID_GROUPS[gi]
            if (group.first_digit and text[s] not in group.first_digit) or s + o < 0:
                continue
            cands.setdefault(gi, set()).add(s + o)
    return [(_ID_GROUPS[gi], sorted(ps)) for gi, ps in sorted(cands.items())]


def find_national_ids(text: str, runs: Runs | None = None) -> Iterator[Match]:
    for group, starts in _national_id_candidates(text, digit_runs(text) if runs is None else runs):
        for m in _scan(group.pattern, text, starts):
            cand = m.group()
            if group.free:
                # every distinctive format whose pattern fits the candidate exactly is validated
                if any(rx.fullmatch(cand) and ok(cand) for rx, ok in _FREE_EXACT):
                    yield Match(m.start(), m.end(), "national_id")
                continue
            window = max(0, m.start() - 40)
            for c in group.validators:
                assert c.fmt.keyword is not None  # keyword groups hold keyword formats only
                if c.fmt.keyword.search(text, window, m.start()) and c.is_valid(cand):
                    yield Match(m.start(), m.end(), "national_id")


_VAT_STRETCH = re.compile(r"[A-Z0-9 +.]*")


def _vat_stretches(text: str, runs: Runs) -> Iterator[tuple[int, int]]:
    # A VAT match is made of [A-Z0-9 +.] characters only, so it lies inside one maximal stretch
    # of them, and the matches in one stretch do not depend on the others. Only a match with an
    # ASCII digit is kept, so only stretches around the ASCII digits of the digit runs are
    # scanned (most are a year or a number between words: too short for a match). The left end
    # is found by matching the reversed text.
    n = len(text)
    rev = ""
    end = -1
    all_ascii = text.isascii()
    for s, e in runs:
        if s < end:
            continue  # inside the previous stretch
        if all_ascii or text[s:e].isascii():
            starts: tuple[int, ...] | list[int] = (s,)
        else:  # a run of \d may mix ASCII and other digits: each ASCII part has its own stretch
            starts = [i for i in range(s, e) if text[i] in _ASCII_DIGITS]
        for p in starts:
            if p < end:
                continue
            if not rev:
                rev = text[::-1]
            m = _VAT_STRETCH.match(rev, n - p)
            start = p if m is None else p - (m.end() - (n - p))
            m = _VAT_STRETCH.match(text, p)
            end = p if m is None else m.end()
            if end - start >= 10:  # the shortest match: 2 letters, 8 characters
                yield start, end


def find_tax_ids(text: str, runs: Runs | None = None) -> Iterator[Match]:
    for a, b in _vat_stretches(text, digit_runs(text) if runs is None else runs):
        # endpos one past the stretch: the final \b must see the real next character
        for m in _VAT.finditer(text, a, min(len(text), b + 1)):
            s = m.group().rstrip(" .")
            if any(c.isdigit() for c in s[2:]) and std_vat.is_valid(s):
                yield Match(m.start(), m.start() + len(s), "tax_id")


def find_all(text: str, types: tuple[str, ...] = PII_TYPES, regions: tuple[str, ...] = ()) -> list[Match]:
    """Validated, non-overlapping matches of ``types`` in ``text``, sorted by position.

    Where matches overlap, the type earlier in :data:`PII_TYPES` wins (an IBAN is not also a
    phone number), then the longer match. ``regions`` are ISO 3166 codes for national phone
    numbers (see :data:`LANG_REGIONS`).

    Cost: a text without ``@`` and digits costs a few ``in`` tests; otherwise one scan for digit
    runs, then anchored pattern tries at the few positions the runs allow (see "Candidate scan"
    above), and the validators (checksums, libphonenumber) on what the patterns match. Every
    type but e-mail (and a digit-free IPv6 address, looked for only where the text has some
    digit) needs a digit. The matches are exactly those of the first implementation, which ran
    every pattern over the whole text (tests/pii_reference.py).
    """
    has_at = "@" in text
    if not has_at and text.isascii() and not any(d in text for d in _ASCII_DIGITS):
        return []  # the common case for short prose lines
    runs = digit_runs(text)
    if not has_at and not runs and not (("::" in text or text.count(":") >= 5) and any(c.isdigit() for c in text)):
        # Only a digit-free IPv6 address could be left; the reference looked for it when the text
        # had a str.isdigit() character (wider than \d: superscripts), so this does too.
        return []
    taken: list[Match] = []
    for t in PII_TYPES:
        if t not in types:
            continue
        found = list(_FINDERS[t](text, runs, regions, has_at))
        if not found:
            continue
        found.sort(key=_by_start_longest)
        # A match is taken when it overlaps no match taken before it (earlier types, then earlier
        # matches of this type): no ``o`` with ``o.start < m.end and o.end > m.start``. Among the
        # taken matches sorted by start, those starting before ``m.end`` are a prefix, found by
        # bisection, and one of them reaches past ``m.start`` exactly when the largest end in that
        # prefix does. This type's own matches are taken in start order, so they keep their own
        # sorted starts and running largest end. Comparing each match with every taken one (as
        # first written) was quadratic: 40,000 e-mail addresses took 69 s.
        before = sorted(taken, key=_by_start)
        starts = [o.start for o in before]
        reach = list(accumulate((o.end for o in before), max))
        own_starts: list[int] = []
        own_reach: list[int] = []
        for m in found:
            i = bisect_left(starts, m.end)
            if i and reach[i - 1] > m.start:
                continue
            i = bisect_left(own_starts, m.end)
            if i and own_reach[i - 1] > m.start:
                continue
            taken.append(m)
            own_starts.append(m.start)
            own_reach.append(max(own_reach[-1], m.end) if own_reach else m.end)
    taken.sort(key=_by_start)
    return taken


def _by_start_longest(m: Match) -> tuple[int, int]:
    return (m.start, m.start - m.end)


def _by_start(m: Match) -> int:
    return m.start


_Finder = Callable[[str, Runs, tuple[str, ...], bool], Iterator[Match]]
_FINDERS: dict[str, _Finder] = {
    "email": lambda text, runs, regions, has_at: find_emails(text) if has_at else iter(()),
    "iban": lambda text, runs, regions, has_at: find_ibans(text, runs),
    "card": lambda text, runs, regions, has_at: find_cards(text, runs),
    "national_id": lambda text, runs, regions, has_at: find_national_ids(text, runs),
    "tax_id": lambda text, runs, regions, has_at: find_tax_ids(text, runs),
    "phone": lambda text, runs, regions, has_at: find_phones(text, regions, runs),
    "ip": lambda text, runs, regions, has_at: find_ips(text, runs),
}


def redact(text: str, matches: list[Match], placeholders: dict[str, str] | None = None) -> str:
    """``text`` with each match replaced by its type's placeholder (``<EMAIL>``...)."""
    ph = placeholders or PLACEHOLDERS
    out: list[str] = []
    pos = 0
    for m in matches:
        out.append(text[pos : m.start])
        out.append(ph[m.type])
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def describe() -> dict[str, Any]:
    """Which validators are in use (for the release documents)."""
    return {
        "phonenumbers": phonenumbers.__version__,
        "national_id_formats": [f.module for f in _ID_FORMATS],
        "tax_id": "stdnum.eu.vat",
    }
