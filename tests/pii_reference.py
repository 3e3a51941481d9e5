"""Frozen reference: the PII detectors as first written (commit 8d80bcb), before the speed rewrite.

altedic/pii/detectors.py must give exactly the same matches as this module on every text; the
differential tests in tests/unit/test_pii_equivalence.py and tests/real/test_pii_real.py check it.
Do not edit (except to follow a deliberate, documented change of behaviour in the detectors).
"""

from __future__ import annotations

import ipaddress
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn
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


@dataclass(frozen=True, slots=True)
class Match:
    """One validated match: ``text[start:end]`` is PII of ``type``."""

    start: int
    end: int
    type: str


# Followed from altedic/pii/detectors.py: internationalised e-mail (RFC 6531, IDNA). The local part's
# atoms, the domain labels and the TLD also take Unicode letters and digits (``\w``, ``[^\W_]``,
# ``[^\W\d_]``) and combining marks (every character of general category M); the TLD may be an A-label.
_MARKS = "".join(chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)).startswith("M"))
_ATEXT = r"\w!#$%&'*+/=?^`{|}~\-" + _MARKS  # marks are no regex syntax: written as they are
_EMAIL = re.compile(
    r"(?<![\w.+\-" + _MARKS + r"])[" + _ATEXT + r"]+(?:\.[" + _ATEXT + r"]+)*"
    r"@(?:[^\W_](?:(?:[^\W_]|[\-" + _MARKS + r"]){0,61}(?:[^\W_]|[" + _MARKS + r"]))?\.)+"
    r"(?:[^\W\d_](?:[^\W\d_]|[" + _MARKS + r"]){1,23}|[Xx][Nn]--[A-Za-z0-9-]{0,58}[A-Za-z0-9])"
    r"(?![\w\-" + _MARKS + r"])"
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
# Followed from altedic/pii/detectors.py: section keywords widened (plurals, headings) and list
# items after a section number; then the keywords of the other EU languages, keywords after the
# number (hu, fi, lt, lv) and the ordinal dot in list items (deliberate changes of behaviour, not
# of the candidate scan).
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
_SECTION_WORD = re.compile(
    r"(?:point|section|paragraph|article|annex|chapter|version|punkt|abschnitt|nummer|"
    r"punto|apartado|paragrafo|parágrafo|alinéa|σημείο|τμήμα|παράγραφος|точка|раздел|параграф|odstavec|"
    r"kohta|punktas|punkts|punct|odsek|točka|paragrafu|pwynt|mír|n°|nº"
    # added later, as whole words only (``endpoints``, ``systems``, ``timetables`` are not keywords)
    # (par, art, v, pkt, nr, bod, pont, punt, alt, no moved here in the 27th session: as ends of any
    # word, "dev", "apart", "interno", "Dupont" made the address after them a section number)
    r"|\b(?:par|art|v|pkt|nr|bod|pont|punt|alt|no|"
    r"points|sections|paragraphs|paras?|arts|articles|annexes|chapters|tables?|figures?|figs?|items?|"
    r"punkte|abschnitte|nummern|absatz|absätze|abs|ziffer[n]?|kapitel|anhang|tabelle[n]?|abbildung(?:en)?|abb|"
    r"paragraphes|tableaux?|chapitres?|annexes?|puntos|apartados|secci[oó]n|secciones|cuadros?|tablas?|"
    r"figuras?|cap[ií]tulos?|anexos?|punti|paragrafi|sezion[ei]|tabell[ae]|capitol[oi]|allegat[oi]|"
    r"parágrafos|pontos?|sec[çc][ãa]o|sec[çc][õo]es|quadros?|tabelas?|alinéas|punten|tabel(?:len)?|figuur|"
    r"hoofdstuk(?:ken)?|bijlagen?|σημεία|σημείων|τμήματα|παράγραφοι|παραγράφους|παραγράφων|πίνακας|πίνακα|"
    r"σχήμα|κεφάλαιο|точки|раздели|параграфи|таблица|фигура|глава|приложение|punkty|punktów|tabela|rysunek|"
    r"rozdział|ust|"
    # followed from altedic/pii/detectors.py: inflected forms of el, bg, fr, es, pt, it, nl, de, pl, en
    r"παράγραφο|παραγράφου|υποπαράγραφο|υποπαραγράφου|σημείου|τμήματος|τμημάτων|ενότητα|ενότητας|ενότητες|"
    r"ενοτήτων|παράρτημα|παραρτήματος|παραρτήματα|παραρτημάτων|κεφαλαίου|κεφάλαια|κεφαλαίων|άρθρο|άρθρου|"
    r"άρθρα|άρθρων|πίνακες|πινάκων|σχήματος|εδάφιο|εδαφίου|"
    r"т|ал|алинея|алинеи|алинеята|чл|член|члена|членове|раздела|разделът|приложения|приложението|глави|"
    r"главата|точката|таблици|таблицата|фигури|параграфа|"
    r"paragraphe|párrafo|párrafos|epígrafe|epígrafes|artículo|artículos|alínea|alíneas|artigo|artigos|articolo|"
    r"articoli|paragraaf|paragrafen|afdeling|afdelingen|onderdeel|onderdelen|artikel|artikelen|abschnitts|"
    r"absatzes|kapitels|anhangs|anhanges|punktes|punkcie|punktach|punktami|punktom|ustęp|ustępu|ustępie|"
    r"sekcja|sekcji|rozdziału|rozdziale|załącznik|załącznika|załączniku|tabeli|rysunku|clause|clauses|"
    + _SECTION_WORDS_BOTH
    + "|"
    + _SECTION_WORDS_BEFORE
    + r"))\.?\s*$",
    re.IGNORECASE,
)
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
        if _SECTION_WORD.search(text, max(0, pos - 24), pos):
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


# Phone candidates: international (+CC or 00CC), national with trunk 0, or a bare digit group.
# Followed from altedic/pii/detectors.py: candidates of up to 42 characters, checked whole, then
# (if no number) without a year at their end, then number by number where " / " or " - " joins them.
_PHONE = re.compile(r"(?<![\w+/.,-])(?:\+|00)?\(?\d[\d ()./-]{5,40}\d(?![\w/]|[.,-]\d)")
# Followed from altedic/pii/detectors.py: keywords are whole words (short ones) or stems with any
# ending (long ones); "numru" and "uimhir" (number) are no keywords.
_PHONE_KEYWORD = re.compile(
    r"\b(?:tel|tél|gsm|τηλ|κιν|тел|моб|ffôn|puh|tfn|tfno)\b[.:]?[\s/-]*(?:[^\W\d_]{1,15}[.:]?\s*)?[:.]?\s*$"
    r"|\b(?:mob|mobil|mobiel|mobiil|mobitel|(?:mobil)?(?:telefon|telefòn|telefón|teléfon|teléfòn|teléfón|telèfon|"
    r"telèfòn|telèfón|telefoon|telephon|teléphon|télephon|téléphon|phone|telf|telnr|telemóvel|telemovel|tlf|fax|puheli|τηλεφων|τηλέφων|τηλεφών|"
    r"τηλέφών|τηλεομοιοτυπ|κινητ|телеф|мобил)|tālr|mowbajl|móvil|movil|cellular|komórk)\w*"
    r"[.:]?[\s/-]*(?:[^\W\d_]{1,15}[.:]?\s*)?[:.]?\s*$",
    re.IGNORECASE,
)
# Followed from altedic/pii/detectors.py: spaced dates ("08. 09. 2013") and opening hours
# ("08.00-15.00") are date-like too.
_DATE_LIKE = re.compile(
    r"^\d{1,4}(?:[./-]|\. )\d{1,2}(?:[./-]|\. )\d{1,4}$|^\d{4}[./-]\d{1,4}$|^\d{1,2}[./-]\d{1,2}$"
    r"|^\d{1,2}[.:]\d{2} ?[-–] ?\d{1,2}[.:]\d{2}$"
)


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def find_emails(text: str) -> Iterator[Match]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        yield Match(m.start(), m.end(), "email")


# Followed from altedic/pii/detectors.py (a deliberate change of behaviour): a candidate longer than
# its country's IBAN length is cut to it where a space follows ("EE38 2200 2210 2014 5685 EUR"). The
# lengths are read here from python-stdnum's registry file directly.
def _registry_lengths() -> dict[str, int]:
    lengths = {}
    for line in (Path(std_iban.__file__).parent / "iban.dat").read_text("utf-8").splitlines():
        m = re.match(r'([A-Z]{2}) .*bban="([^"]+)"', line)
        if m:
            lengths[m.group(1)] = 4 + sum(map(int, re.findall(r"[0-9]+", m.group(2))))
    return lengths


_IBAN_LENGTHS = _registry_lengths()


def find_ibans(text: str) -> Iterator[Match]:
    for m in _IBAN.finditer(text):
        cand = m.group()
        n = _IBAN_LENGTHS.get(cand[:2], 0)
        if len(cand.replace(" ", "")) > n > 0:
            head = re.match(r"(?: *[^ ]){" + str(n) + "}", cand)
            assert head is not None
            if cand[head.end() : head.end() + 1] == " ":
                cand = head.group()
        if std_iban.is_valid(cand):
            yield Match(m.start(), m.start() + len(cand), "iban")


def find_cards(text: str) -> Iterator[Match]:
    for m in _CARD.finditer(text):
        d = _digits(m.group())
        if 13 <= len(d) <= 19 and _CARD_IIN.match(d) and len(set(d)) > 2 and luhn.is_valid(d):
            yield Match(m.start(), m.end(), "card")


def _is_public_ip(s: str) -> bool:
    try:
        ip = ipaddress.ip_address(s)
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast


def find_ips(text: str) -> Iterator[Match]:
    if "." in text:
        sections: set[int] = set()
        for m in _IPV4.finditer(text):
            if _is_section_number(text, m.start(), m.end(), sections):
                sections.add(m.end())
                continue
            if _is_public_ip(m.group()):
                yield Match(m.start(), m.end(), "ip")
    if "::" in text or text.count(":") >= 5:
        for m in _IPV6.finditer(text):
            s = m.group()
            if s.count(":") >= 2 and any(c.isalnum() for c in s) and _is_public_ip(s):
                yield Match(m.start(), m.end(), "ip")


def _is_phone(cand: str, keyword: bool, regions: tuple[str, ...]) -> bool:
    digits = _digits(cand)
    if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(cand) or "/" in cand:
        return False
    if cand.startswith(("+", "00")):
        try:
            num = phonenumbers.parse("+" + cand[2:] if cand.startswith("00") else cand, None)
        except phonenumbers.NumberParseException:
            return False
        return phonenumbers.is_valid_number(num)
    trunk = cand.lstrip("(").startswith("0")
    # followed from altedic/pii/detectors.py: Lithuania's trunk 8, written apart, for LT only
    lithuanian = re.match(r"\(?8[ (-]", cand) is not None
    if not (trunk or keyword or lithuanian):
        return False
    for region in regions:
        if not (trunk or keyword) and region != "LT":
            continue
        try:
            num = phonenumbers.parse(cand, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return True
    return False


def _phone_or_year_cut(cand: str, keyword: bool, regions: tuple[str, ...]) -> str | None:
    if _is_phone(cand, keyword, regions):
        return cand
    m = re.match(r"(.*\d) +(?:19|20)\d\d$", cand)
    if m and _is_phone(m.group(1), keyword, regions):
        return m.group(1)
    return None


def find_phones(text: str, regions: tuple[str, ...]) -> Iterator[Match]:
    """Phone numbers valid in one of ``regions`` (national) or in any country (international)."""
    previous: Match | None = None  # the last phone found
    for m in _PHONE.finditer(text):
        cand = m.group()
        keyword = _PHONE_KEYWORD.search(text, max(0, m.start() - 32), m.start()) is not None
        # followed from altedic/pii/detectors.py: right after a phone and a list separator (en or
        # em dash, comma, semicolon, slash, with spaces around), the keyword carries over
        gap = text[previous.end : m.start()] if previous is not None else None
        if gap is not None and re.fullmatch(r" *[–—,;/] *", gap):
            keyword = True
        whole = _phone_or_year_cut(cand, keyword, regions)
        if whole is not None:
            previous = Match(m.start(), m.start() + len(whole), "phone")
            yield previous
            continue
        offset = m.start()
        for piece in re.split(r"( +[/-] +)", cand):
            if not re.fullmatch(r" +[/-] +", piece):
                number = _phone_or_year_cut(piece, keyword, regions)
                if number is not None:
                    previous = Match(offset, offset + len(number), "phone")
                    yield previous
            offset += len(piece)


@dataclass(frozen=True, slots=True)
class _IdFormat:
    module: str
    pattern: re.Pattern[str]
    keyword: re.Pattern[str] | None
    """When set, a match needs this keyword within 40 characters before it."""


def _kw(words: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + words + r")\W{0,6}(?:\w+\W{1,3}){0,3}$", re.IGNORECASE)


# Identity numbers of EU member states with a python-stdnum checksum validator.
_ID_FORMATS: tuple[_IdFormat, ...] = (
    _IdFormat("it.codicefiscale", re.compile(r"\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b"), None),
    _IdFormat("es.dni", re.compile(r"\b\d{8}-?[A-HJ-NP-TV-Z]\b"), None),
    _IdFormat("es.nie", re.compile(r"\b[XYZ]-?\d{7}-?[A-HJ-NP-TV-Z]\b"), None),
    _IdFormat("ie.pps", re.compile(r"\b\d{7}[A-W][ABWTXZ]?\b"), None),
    _IdFormat("fi.hetu", re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b"), None),
    _IdFormat("dk.cpr", re.compile(r"\b\d{6}-\d{4}\b"), None),
    _IdFormat("se.personnummer", re.compile(r"\b(?:\d{2})?\d{6}[-+]\d{4}\b"), None),
    _IdFormat("cz.rc", re.compile(r"\b\d{6}/\d{3,4}\b"), None),
    _IdFormat("be.nn", re.compile(r"\b\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}\b"), None),
    _IdFormat("bg.egn", re.compile(r"\b\d{10}\b"), _kw(r"ЕГН|Е\.Г\.Н|EGN|единен граждански номер")),
    _IdFormat("pl.pesel", re.compile(r"\b\d{11}\b"), _kw(r"PESEL")),
    _IdFormat("ro.cnp", re.compile(r"\b\d{13}\b"), _kw(r"CNP|cod numeric personal")),
    _IdFormat("hr.oib", re.compile(r"\b\d{11}\b"), _kw(r"OIB")),
    _IdFormat("si.emso", re.compile(r"\b\d{13}\b"), _kw(r"EMŠO|EMSO")),
    _IdFormat("ee.ik", re.compile(r"\b\d{11}\b"), _kw(r"isikukood|personal code")),
    _IdFormat("lt.asmens", re.compile(r"\b\d{11}\b"), _kw(r"asmens kod(?:as|o|ą|u|ui|e)|personal code")),
    _IdFormat("nl.bsn", re.compile(r"\b\d{4}\.?\d{2}\.?\d{3}\b"), _kw(r"BSN|burgerservicenummer|sofinummer")),
    _IdFormat("gr.amka", re.compile(r"\b\d{11}\b"), _kw(r"ΑΜΚΑ|Α\.Μ\.Κ\.Α|AMKA")),
    _IdFormat(
        "fr.nir",
        re.compile(r"\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b"),
        _kw(r"NIR|sécurité sociale|numéro de sécu"),
    ),
    _IdFormat(
        "de.idnr", re.compile(r"\b\d{2} ?\d{3} ?\d{3} ?\d{3}\b"), _kw(r"Steuer-?ID|Steueridentifikationsnummer|IdNr")
    ),
    _IdFormat("pt.nif", re.compile(r"\b\d{9}\b"), _kw(r"NIF|contribuinte")),
    _IdFormat("sk.rc", re.compile(r"\b\d{6}/?\d{3,4}\b"), _kw(r"rodné číslo|rodného čísla")),
    # followed from altedic/pii/detectors.py: dotted and inflected keywords; the Latvian personal code
    _IdFormat("lv.pvn", re.compile(r"\b[0-3]\d{5}-?\d{5}\b"), _kw(r"personas kod(?:s|a|am|u|ā)|personal code")),
)
_VAT = re.compile(
    r"\b(?:AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI) ?[0-9A-Z][0-9A-Z +.]{6,14}[0-9A-Z]\b"
)


@dataclass(frozen=True, slots=True)
class _Compiled:
    fmt: _IdFormat
    is_valid: Callable[[str], bool]


_ID_VALIDATORS: tuple[_Compiled, ...] = tuple(
    _Compiled(f, import_module(f"stdnum.{f.module}").is_valid) for f in _ID_FORMATS
)


_FREE = tuple(c for c in _ID_VALIDATORS if c.fmt.keyword is None)
_GATED = tuple(c for c in _ID_VALIDATORS if c.fmt.keyword is not None)
# One scan for the distinctive formats (a regex scan of a 1.5 KB text costs about as much as the
# rest of the work; see benchmarks/bench_quality.py), then every format whose pattern matches the
# candidate exactly is validated (a Danish CPR and a Finnish HETU share a shape).
_FREE_ANY = re.compile("|".join(f"(?:{c.fmt.pattern.pattern})" for c in _FREE))
_FREE_EXACT = tuple((re.compile(c.fmt.pattern.pattern.replace(r"\b", "")), c.is_valid) for c in _FREE)
# Formats that need a keyword: one scan for any keyword; the formats run only when one occurs.
_ANY_KEYWORD = re.compile(
    r"ЕГН|Е\.Г\.Н|EGN|единен граждански|PESEL|CNP|cod numeric|OIB|EMŠO|EMSO|isikukood|personal code|asmens kod|"
    r"personas kod|Α\.Μ\.Κ\.Α|BSN|"
    r"burgerservicenummer|sofinummer|ΑΜΚΑ|AMKA|NIR|sécurité sociale|numéro de sécu|Steuer-?ID|"
    r"Steueridentifikationsnummer|IdNr|NIF|contribuinte|rodné číslo|rodného čísla",
    re.IGNORECASE,
)


def find_national_ids(text: str) -> Iterator[Match]:
    for m in _FREE_ANY.finditer(text):
        cand = m.group()
        if any(rx.fullmatch(cand) and ok(cand) for rx, ok in _FREE_EXACT):
            yield Match(m.start(), m.end(), "national_id")
    if not _ANY_KEYWORD.search(text):
        return
    for c in _GATED:
        for m in c.fmt.pattern.finditer(text):
            if c.fmt.keyword is not None and not c.fmt.keyword.search(text, max(0, m.start() - 40), m.start()):
                continue
            if c.is_valid(m.group()):
                yield Match(m.start(), m.end(), "national_id")


def find_tax_ids(text: str) -> Iterator[Match]:
    for m in _VAT.finditer(text):
        s = m.group().rstrip(" .")
        if any(c.isdigit() for c in s[2:]) and std_vat.is_valid(s):
            yield Match(m.start(), m.start() + len(s), "tax_id")


def find_all(text: str, types: tuple[str, ...] = PII_TYPES, regions: tuple[str, ...] = ()) -> list[Match]:
    """Validated, non-overlapping matches of ``types`` in ``text``, sorted by position.

    Where matches overlap, the type earlier in :data:`PII_TYPES` wins (an IBAN is not also a
    phone number), then the longer match. ``regions`` are ISO 3166 codes for national phone
    numbers (see :data:`LANG_REGIONS`).
    """
    if not any(c.isdigit() for c in text) and "@" not in text:
        return []  # every type but e-mail needs digits: the common case for short prose lines
    finders: dict[str, Callable[[], Iterator[Match]]] = {
        "email": lambda: find_emails(text),
        "iban": lambda: find_ibans(text),
        "card": lambda: find_cards(text),
        "national_id": lambda: find_national_ids(text),
        "tax_id": lambda: find_tax_ids(text),
        "phone": lambda: find_phones(text, regions),
        "ip": lambda: find_ips(text),
    }
    taken: list[Match] = []
    for t in PII_TYPES:
        if t not in types:
            continue
        for m in sorted(finders[t](), key=lambda x: (x.start, -(x.end - x.start))):
            if all(m.end <= o.start or m.start >= o.end for o in taken):
                taken.append(m)
    taken.sort(key=lambda x: x.start)
    return taken


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
