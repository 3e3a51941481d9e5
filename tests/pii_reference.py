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
# items after a section number (a deliberate change of behaviour, not of the candidate scan).
# A dotted quad after a section keyword is a section number. Plural and inflected keywords and the
# headings "Table 4.1.2.3" / "Figure 4.1.2.3" count too (en, de, fr, es, it, pt, nl, el, bg, pl), and
# so does a list item after one: "paragraphs 5.2.1.3 and 5.2.1.4", "points 2.1, 2.1.1.1 or 2.1.1.2",
# "Sections 9.1.2.1 to 9.1.2.4", "σημεία 5.2.1.3 και 5.2.1.4", "точки 5.2.1.3 и 5.2.1.4" (see
# :func:`_is_section_number`). Addresses listed without a keyword ("from 8.8.8.8 and 1.1.1.1")
# are still addresses; one listed after a section number is not (a rare loss, accepted).
_SECTION_WORD = re.compile(
    r"(?:point|section|paragraph|par|art|article|annex|chapter|version|v|punkt|pkt|abschnitt|nummer|nr|"
    r"punto|apartado|paragrafo|parágrafo|alinéa|σημείο|τμήμα|παράγραφος|точка|раздел|параграф|bod|odstavec|"
    r"kohta|pont|punktas|punkts|punct|odsek|točka|paragrafu|punt|pwynt|mír|alt|no|n°|nº"
    # added later, as whole words only (``endpoints``, ``systems``, ``timetables`` are not keywords)
    r"|\b(?:points|sections|paragraphs|paras?|arts|articles|annexes|chapters|tables?|figures?|figs?|items?|"
    r"punkte|abschnitte|nummern|absatz|absätze|abs|ziffer[n]?|kapitel|anhang|tabelle[n]?|abbildung(?:en)?|abb|"
    r"paragraphes|tableaux?|chapitres?|annexes?|puntos|apartados|secci[oó]n|secciones|cuadros?|tablas?|"
    r"figuras?|cap[ií]tulos?|anexos?|punti|paragrafi|sezion[ei]|tabell[ae]|capitol[oi]|allegat[oi]|"
    r"parágrafos|pontos?|sec[çc][ãa]o|sec[çc][õo]es|quadros?|tabelas?|alinéas|punten|tabel(?:len)?|figuur|"
    r"hoofdstuk(?:ken)?|bijlagen?|σημεία|σημείων|τμήματα|παράγραφοι|παραγράφους|παραγράφων|πίνακας|πίνακα|"
    r"σχήμα|κεφάλαιο|точки|раздели|параграфи|таблица|фигура|глава|приложение|punkty|punktów|tabela|rysunek|"
    r"rozdział|ust))\.?\s*$",
    re.IGNORECASE,
)
# The end of a list item just before a number: a dotted number, then a comma, semicolon, dash or
# slash, or a word for "and", "or", "to" in those languages.
_SECTION_LIST_ITEM = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)+)\s*(?:[,;/–—-]\s*|\s(?:and|or|to|through|und|oder|bis|et|ou|à|au|y|o|a|al|"
    r"e|ed|en|tot|και|έως|ή|и|или|до|i|oraz|lub|do)\s+)$",
    re.IGNORECASE,
)


def _is_section_number(text: str, start: int, sections: set[int]) -> bool:
    """Whether the dotted quad at ``start`` is a section number: a section keyword just before it,
    or a list item just before it (``5.2.1.3 and``) that is one. ``sections`` holds the ends of
    the quads already found to be section numbers; a list is followed back at most 8 items."""
    pos = start
    for _ in range(8):
        if _SECTION_WORD.search(text, max(0, pos - 24), pos):
            return True
        item = _SECTION_LIST_ITEM.search(text, max(0, pos - 40), pos)
        if item is None:
            return False
        if item.end(1) in sections:
            return True
        pos = item.start(1)
    return False


# Phone candidates: international (+CC or 00CC), national with trunk 0, or a bare digit group.
_PHONE = re.compile(r"(?<![\w+/.,-])(?:\+|00)?\(?\d[\d ()./-]{5,20}\d(?![\w/]|[.,-]\d)")
_PHONE_KEYWORD = re.compile(
    r"(?:tel|tél|phone|telephone|telefon|telefono|teléfono|telefone|telefoon|puhelin|tlf|mob|mobile|gsm|fax|"
    r"τηλ|τηλέφωνο|κιν|тел|телефон|моб|telefonu|telefons|telefonas|telefonszám|tel\.\s*nr|numru|uimhir|ffôn)"
    r"[.:]?\s*(?:\w{0,10}[.:]?\s*)?[:.]?\s*$",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$|^\d{4}[./-]\d{1,4}$|^\d{1,2}[./-]\d{1,2}$")


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def find_emails(text: str) -> Iterator[Match]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        yield Match(m.start(), m.end(), "email")


def find_ibans(text: str) -> Iterator[Match]:
    for m in _IBAN.finditer(text):
        if std_iban.is_valid(m.group()):
            yield Match(m.start(), m.end(), "iban")


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
            if _is_section_number(text, m.start(), sections):
                sections.add(m.end())
                continue
            if _is_public_ip(m.group()):
                yield Match(m.start(), m.end(), "ip")
    if "::" in text or text.count(":") >= 5:
        for m in _IPV6.finditer(text):
            s = m.group()
            if s.count(":") >= 2 and any(c.isalnum() for c in s) and _is_public_ip(s):
                yield Match(m.start(), m.end(), "ip")


def find_phones(text: str, regions: tuple[str, ...]) -> Iterator[Match]:
    """Phone numbers valid in one of ``regions`` (national) or in any country (international)."""
    for m in _PHONE.finditer(text):
        cand = m.group()
        digits = _digits(cand)
        if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(cand) or "/" in cand:
            continue
        if cand.startswith(("+", "00")):
            try:
                num = phonenumbers.parse("+" + cand[2:] if cand.startswith("00") else cand, None)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(num):
                yield Match(m.start(), m.end(), "phone")
            continue
        keyword = _PHONE_KEYWORD.search(text, max(0, m.start() - 24), m.start()) is not None
        if not (cand.lstrip("(").startswith("0") or keyword):
            continue
        for region in regions:
            try:
                num = phonenumbers.parse(cand, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(num):
                yield Match(m.start(), m.end(), "phone")
                break


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
    _IdFormat("bg.egn", re.compile(r"\b\d{10}\b"), _kw(r"ЕГН|EGN|единен граждански номер")),
    _IdFormat("pl.pesel", re.compile(r"\b\d{11}\b"), _kw(r"PESEL")),
    _IdFormat("ro.cnp", re.compile(r"\b\d{13}\b"), _kw(r"CNP|cod numeric personal")),
    _IdFormat("hr.oib", re.compile(r"\b\d{11}\b"), _kw(r"OIB")),
    _IdFormat("si.emso", re.compile(r"\b\d{13}\b"), _kw(r"EMŠO|EMSO")),
    _IdFormat("ee.ik", re.compile(r"\b\d{11}\b"), _kw(r"isikukood|personal code")),
    _IdFormat("lt.asmens", re.compile(r"\b\d{11}\b"), _kw(r"asmens kodas|personal code")),
    _IdFormat("nl.bsn", re.compile(r"\b\d{4}\.?\d{2}\.?\d{3}\b"), _kw(r"BSN|burgerservicenummer|sofinummer")),
    _IdFormat("gr.amka", re.compile(r"\b\d{11}\b"), _kw(r"ΑΜΚΑ|AMKA")),
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
    r"ЕГН|EGN|единен граждански|PESEL|CNP|cod numeric|OIB|EMŠO|EMSO|isikukood|personal code|asmens kodas|BSN|"
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
