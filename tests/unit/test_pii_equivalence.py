"""The fast PII detectors give exactly the matches of the first, plain implementation.

altedic/pii/detectors.py tries its patterns only at the positions that digit runs (and ``@``,
colons, VAT stretches) allow, instead of letting ``re`` try every position (see its "Candidate
scan" comment). That is only correct if the candidates are complete; these tests compare every
detector, and :func:`find_all`, with the frozen reference (tests/pii_reference.py) on text built
from PII, lookalikes, keywords, separators and odd characters (non-ASCII digits, superscripts,
dotless i), with the candidates at the very start and end of the text too.
"""

from __future__ import annotations

import functools
import random
import re
import sys

import pii_reference as ref
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altedic.pii import detectors as fast

# PII of every type in several national formats, checksums valid. The numbers of the keyword formats
# come bare (not PII on their own) and after their keyword; a few are refused by a rule on purpose
# (a Mastercard test number of two distinct digits, a national number without trunk 0 or keyword).
POSITIVES = [
    "john.borg@gov.mt", "eolas+ceist@rialtas.ie", "a@b.eu", "x!y#z@mail-1.example.com",
    "+356 2123 4567", "2123 4567", "030 12345678", "210 1234567", "02 987 6543", "0033 1 42 68 53 00",
    "01 42 68 53 00", "+353 1 234 5678", "+(356) 2123 4567", "(030) 1234567", "+30 210 1234567",
    "01 234 5678 / 01 234 5679", "2123 4567 - 7912 3456", "087 123 4567 2019", "02 987 6543 / 0888 123 456",
    "0220 - 456 48", "+356 2123 4567 / +356 7912 3456 - 2019",
    "DE89 3704 0044 0532 0130 00", "MT84MALT011000012345MTLCAST001S", "IE29 AIBK 9311 5212 3456 78",
    "GB82WEST12345698765432", "BG80BNBG96611020345678", "EE38 2200 2210 2014 5685 EUR", "AT61 1904 3002 3457 3201 BAWAG",
    "ES91 2100 0418 4502 0005 1332 BBVA", "EE382200221020145685 EUR", "LT121000011101001000 AB",
    "4539 1488 0343 6467", "5555555555554444", "378282246310005", "4539-1488-0343-6467",
    "8.8.8.8", "193.0.6.139", "2001:4860:4860::8888", "2a00:1450:4001:82b::200e",
    "RSSMRA85T10A562S", "44051401359", "12345678Z", "X1234567L", "Y-1234567-X", "1234567T", "1234567TW",
    "131052-308T", "211062-5629", "811228-9874", "19811228-9874", "710319/2745", "85.07.30-033.28",
    "7523169263", "1800101221144", "69435151530", "0101006500006", "37605030299", "33309240064",
    "111222333", "1112.22.333", "01013099997", "1 85 05 78 006 084 91", "2 55 08 2A 123 456 46", "255082A12345646",
    "86 095 742 719", "86095742719", "123456789", "710319/2745",
    "DE136695976", "ATU13585627", "NL004495445B01", "FR 40303265045", "ESX2482300W", "IE6433435F",
    "EL094259216", "MT11679112", "BG175074752",
    # formats that need their keyword just before (checksums valid)
    "ЕГН 7523169263", "PESEL 44051401359", "CNP 1800101221144", "OIB 69435151530", "EMŠO 0101006500006",
    "isikukood 37605030299", "asmens kodas 33309240064", "BSN 111222333", "BSN 111222.333", "BSN 1112.22.333",
    "ΑΜΚΑ 01013099997", "NIR 1 85 05 78 006 084 91", "NIR 185057800608491", "NIR 255082A12345646",
    "NIR 2 55 08 2A 123 456 46", "Steuer-ID 86 095 742 719", "IdNr 86095742719", "IdNr 86 095742 719",
    "NIF 123456789", "rodné číslo 7103192745", "rodné číslo 710319/2745", "rodného čísla 710319/274",
    "NIR 255082B12345673", "NIR 1850578 006 084 91", "1000016W", "131052+1003", "811228+9874", "19811228+9874",
    "Α.Μ.Κ.Α.: 01013099997", "Е.Г.Н. 7523169263", "asmens kodą 33309240064", "personas kods 161175-19997",
    "personas kods 16117519997", "personas kods: 32867300679", "161175-19997", "personas kods 40003521600",
    # internationalised e-mail: Unicode local parts and domains, decomposed marks, A-label TLD
    "josé.garcía@correos.es", "jose\u0301.garci\u0301a@correos.es", "ιωάννης@παράδειγμα.ελ", "kontakt@straße.de",
    "ġorġ@ħamrun.gov.mt", "x@y.xn--p1ai",
]  # fmt: skip
# Lookalikes (EU legal references, dates, numbers) and keywords that gate formats.
OTHERS = [
    "CELEX 32019R0437", "OJ L 123, 12.5.2019, p. 1", "2019/437", "C-311/18", "ECLI:EU:C:2020:559",
    "Article 12(3)", "point 1.2.3.4", "Art.", "Annex II", "12:30:45", "2019-02-19", "10.0.0.1", "::1",
    "fe80::1", "1.2.3.4.5", "COM(2021) 206 final", "http://data.europa.eu/eli/reg/2019/437/oj",
    "12 345 678 EUR", "2 500 000 000", "4111 1111 1111 1111", "1234 5678 9012 3456", "DE ABCDEFGH",
    "PESEL", "ЕГН", "EGN", "CNP", "OIB", "EMŠO", "isikukood", "asmens kodas", "personal code", "BSN",
    "ΑΜΚΑ", "AMKA", "NIR", "sécurité sociale", "Steuer-ID", "IdNr", "NIF", "contribuinte", "rodné číslo",
    "tel.", "Tel:", "τηλ.", "тел.", "phone", "fax", "mob", "IBAN", "USt-IdNr.", "Nr.", "n°", "σημείο",
    "@", "a@", "@b.cd", "x@@y.eu", "abc:def::", "cafe:babe::", "a:b:c:d:e:f",
    # section keywords before and after the number, list words, ordinal dots
    "pontban", "pontjában", "kohdassa", "punktis", "punktā", "punkte", "točki", "bode", "afsnit", "mhír", "és",
    "ja", "u", "până la", "4.2.1.3.", "v bodech 4.2.1.3 a",
    "παράγραφο", "του σημείου", "т.", "алинея", "paragraphe", "w punkcie", "personas kods", "asmens kodo",
    "Α.Μ.Κ.Α.", "Е.Г.Н.",
    # spaced dates and opening hours (not phone numbers)
    "08. 09. 2013", "08.00-15.00", "09.00 - 13.00", "08:00-12:00",
]  # fmt: skip
ODD = ["²", "³", "٣٤٥", "５", "ı", "ſ", "é", "Ω", "ж", "\n", "\t", "\u00a0", "“", "—", "€", "_", "\u0301", "ß"]
SEPARATORS = ["", " ", " ", ", ", ". ", "-", "/", "(", ")", ":", "+", ".", "\n", " tel. ", " PESEL: ", "@"]


def _mutate(rng: random.Random, s: str) -> str:
    """``s`` with one digit or letter changed (usually breaks the checksum), or cut."""
    i = rng.randrange(len(s))
    c = s[i]
    if c.isdigit():
        return s[:i] + str(rng.randrange(10)) + s[i + 1 :]
    if c.isupper():
        return s[:i] + chr(rng.randrange(65, 91)) + s[i + 1 :]
    return s[: rng.randrange(1, len(s) + 1)]


def _token(rng: random.Random) -> str:
    k = rng.random()
    if k < 0.25:
        return rng.choice(POSITIVES)
    if k < 0.35:
        return _mutate(rng, rng.choice(POSITIVES))
    if k < 0.55:
        return rng.choice(OTHERS)
    if k < 0.7:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 20)))
    if k < 0.78:
        return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(1, 8)))
    if k < 0.86:
        return rng.choice(ODD)
    if k < 0.93:
        return "".join(rng.choice("0123456789abcdefABCDEF:") for _ in range(rng.randint(2, 14)))
    return rng.choice(
        ["il-", "an", "και", "на", "der", "Regolament", "uimhir", "numru", "Ċempel", "Tellimus ", "κινδύνου ",
         "Hotel ", "telefonu: ", "Mobiltelefon ", "tel/fax: ", "τηλεφώνου ", "tālr. ", "pa tālruni ", "Mowbajl: ",
         "Τηλέφωνο επικοινωνίας: ", "8 612 34567", "(8 5) 212 3456", "8-612-34567"]
    )  # fmt: skip


def make_text(rng: random.Random, max_tokens: int = 12) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, max_tokens)):
        parts.append(_token(rng))
        parts.append(rng.choice(SEPARATORS))
    if rng.random() < 0.5:
        parts.pop()  # end on a token: a candidate at the very end of the text
    return "".join(parts)


def spans(matches: object) -> list[tuple[int, int, str]]:
    return sorted((m.start, m.end, m.type) for m in matches)  # type: ignore[attr-defined]


REGIONS = [
    (),
    ("MT",),
    ("DE", "AT", "LU", "BE"),
    ("GR", "CY"),
    ("BG",),
    ("FR", "BE", "LU"),
    ("IE",),
    ("PL",),
    ("LT",),
    ("LV",),
]


def check_same(text: str, regions: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Assert every detector and find_all agree with the reference on ``text``; return the matches."""
    assert fast.digit_runs(text) == [m.span() for m in re.finditer(r"\d+", text)], text
    assert spans(fast.find_emails(text)) == spans(ref.find_emails(text)), text
    assert spans(fast.find_ibans(text)) == spans(ref.find_ibans(text)), text
    assert spans(fast.find_cards(text)) == spans(ref.find_cards(text)), text
    assert spans(fast.find_ips(text)) == spans(ref.find_ips(text)), text
    assert spans(fast.find_phones(text, regions)) == spans(ref.find_phones(text, regions)), text
    assert spans(fast.find_national_ids(text)) == spans(ref.find_national_ids(text)), text
    assert spans(fast.find_tax_ids(text)) == spans(ref.find_tax_ids(text)), text
    got = spans(fast.find_all(text, regions=regions))
    assert got == spans(ref.find_all(text, regions=regions)), text
    for types in (("phone",), ("national_id", "tax_id"), ("card", "ip")):
        assert spans(fast.find_all(text, types, regions)) == spans(ref.find_all(text, types, regions)), text
    return got


def test_generated_texts_match_reference() -> None:
    rng = random.Random(20261122)
    found: dict[str, int] = {}
    for i in range(1500):
        text = make_text(rng)
        for _, _, t in check_same(text, REGIONS[i % len(REGIONS)]):
            found[t] = found.get(t, 0) + 1
    # the corpus is not vacuous: every type is found, many times
    assert set(found) == set(fast.PII_TYPES)
    assert min(found.values()) >= 20, found


@pytest.mark.parametrize("pii", POSITIVES)
def test_each_positive_at_start_middle_end(pii: str) -> None:
    for text in (pii, pii + " tal-applikant.", "Ικανό: " + pii, "x " + pii + " y", pii + "\n" + pii):
        for regions in REGIONS:
            check_same(text, regions)


def test_many_digit_runs() -> None:
    """A statistical table: hundreds of digit runs, every run a candidate for several formats."""
    rng = random.Random(7)
    rows = [" ".join(str(rng.randrange(10 ** rng.randint(1, 13))) for _ in range(12)) for _ in range(60)]
    text = "Таблица 3 / Πίνακας 3\n" + "\n".join(rows) + "\nPESEL 44051401359"
    assert len(fast.digit_runs(text)) == 2 + 60 * 12 + 1
    got = check_same(text, ("PL",))
    assert (text.index("44051401359"), len(text), "national_id") in got


def test_no_digits_no_at() -> None:
    for text in ("Il-Kummissjoni Ewropea", "Ní mór an t-ábhar é seo ¹", "cafe:babe::dead:beef:f00d ²", ""):
        check_same(text, ("IE",))
    assert fast.find_all("Il-Kummissjoni Ewropea tal-Unjoni") == []
    assert fast.digit_runs("Ευρωπαϊκή Επιτροπή") == []
    # a superscript is str.isdigit() but not \d: the reference then still looks for IPv6
    assert spans(fast.find_all("cafe:babe::dead:beef:f00d ²")) == spans(ref.find_all("cafe:babe::dead:beef:f00d ²"))


def _resolve_by_definition(found: dict[str, list[fast.Match]], types: tuple[str, ...]) -> list[fast.Match]:
    """find_all's overlap resolution as first written: each match compared with every one taken."""
    taken: list[fast.Match] = []
    for t in fast.PII_TYPES:
        if t not in types:
            continue
        for m in sorted(found[t], key=lambda m: (m.start, m.start - m.end)):
            if all(m.end <= o.start or m.start >= o.end for o in taken):
                taken.append(m)
    taken.sort(key=lambda m: m.start)
    return taken


def test_overlap_resolution_is_its_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    """find_all's bisection over the taken matches takes exactly the matches (and order) of the
    all-pairs comparison, on 300 seeded random sets of candidates: dense, nested, duplicated,
    touching and empty spans of every type, unsorted as a finder may yield them."""
    rng = random.Random(20260604)
    lengths = [0, 1, 2, 3, 5, 8, 13, 40]
    checked = rejected = 0
    for _ in range(300):
        n = rng.choice([8, 30, 200])
        found = {
            t: [fast.Match(a, a + rng.choice(lengths), t) for a in (rng.randrange(n) for _ in range(rng.randint(0, n)))]
            for t in fast.PII_TYPES
        }
        finders = {t: (lambda ms: lambda text, runs, regions, has_at: iter(ms))(found[t]) for t in fast.PII_TYPES}
        monkeypatch.setattr(fast, "_FINDERS", finders)
        types = fast.PII_TYPES if rng.random() < 0.7 else tuple(t for t in fast.PII_TYPES if rng.random() < 0.5)
        want = _resolve_by_definition(found, types)
        assert fast.find_all("1@", types) == want
        checked += 1
        rejected += sum(len(found[t]) for t in types) - len(want)
    assert checked == 300 and rejected > 10_000  # overlaps are the common case here


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(POSITIVES + OTHERS + ODD + SEPARATORS + list("0123456789AXZ.-/ ")), max_size=20))
def test_hypothesis_concatenations(parts: list[str]) -> None:
    text = "".join(parts)
    check_same(text, ("MT",))
    check_same(text, ("DE", "AT", "LU", "BE"))


def test_other_scripts_digits() -> None:
    """Digits of other scripts are \\d (and str.isdigit()): the detectors see them as the reference does."""
    texts = [
        "ab12 ζ34δ 5", "٣٤5 x", "x\udcff9 ☃ 77", "", "12", "é1é22é333", "Ｎｏ．１２３ 45", "१२३ and 456",
        "𝟏𝟐3 €4", "“2019” — 5 %", "ЕГН 7523169263", "\ufeff12\u00a034",
    ]  # fmt: skip
    for text in texts:
        for regions in REGIONS:
            check_same(text, regions)


# The pieces that matter to where an e-mail match starts and ends (detectors._email_start): dots
# and double dots, the symbols after which a match may start (``!``, ``=``, ``#``), those after which
# it may not (``+``, ``-``, ``_``, letters, digits), several ``@``, domains with and without a TLD.
EMAIL_PIECES = [
    "a", "b", "Z", "1", ".", "..", "@", "!", "#", "=", "+", "-", "_", " ", "x.eu", "a@b.cd", "b.c.de",
    "@@", "-x.eu", "x-.eu", "loc@host",
    # non-ASCII: letters, digits of other scripts, combining marks (a leading one too), numerics that
    # are \w but not \d, Unicode TLDs and A-labels, characters that are none of these
    "é", "ß", "ł", "ελ", "бг", "\u0301", "e\u0301", "٣", "²", "ü.de", "x.xn--p1ai", "xn--", "’", "\u200d", "«",
    # labels of 63 and 64 characters (63 is the longest), a mark of plane 1 (musical symbol)
    "y" * 62 + "ä.eu", "z" * 64 + ".eu", "\U0001d167",
]  # fmt: skip


def test_email_one_try_per_at_matches_full_scan() -> None:
    """find_emails tries the pattern once per ``@``, at the one position its run allows: on 30,000
    seeded random strings of the pieces above, exactly the matches of the reference's full scan."""
    rng = random.Random(20261203)
    found = 0
    for _ in range(30_000):
        text = "".join(rng.choice(EMAIL_PIECES) for _ in range(rng.randint(1, 14)))
        got = spans(fast.find_emails(text))
        assert got == spans(ref.find_emails(text)), text
        found += len(got)
    assert found > 5_000  # not vacuous


@pytest.mark.parametrize("run", ["!", "=#", "!a", "a.!", "!..", "é!", "+!"])
def test_email_long_runs_before_at(run: str) -> None:
    """Long runs of local-part characters before an ``@`` (the case that made the windowed search
    quadratic), with and without a valid domain after it: the reference's matches."""
    for tail in ("@x", "@x.eu", "@x.eu.", "@.eu"):
        text = run * 700 + tail
        assert spans(fast.find_emails(text)) == spans(ref.find_emails(text)), (run, tail)


# every code point, once (lone surrogates included: a str may hold them)
ALL_CHARS = "".join(map(chr, range(sys.maxunicode + 1)))


def test_email_character_tests_are_the_pattern_classes() -> None:
    """find_emails walks back over the local part with a per-character test and _email_start checks
    the lookbehind with another; the one try per ``@`` is exact only if both are exactly the
    pattern's character classes. For every code point, they agree with the reference's classes; the
    combining marks, collected from three planes, are those of all seventeen."""
    assert set(ref._MARKS) == fast._MARKS and len(ref._MARKS) > 2000
    assert min(map(ord, fast._MARKS)) >= 0x300  # the guard before the pattern's class of marks
    local = set(re.findall("[" + ref._ATEXT + ".]", ALL_CHARS))
    assert {c for c in ALL_CHARS if fast._email_local_char(c)} == local
    lookbehind = set(re.findall(r"[\w.+\-" + ref._MARKS + "]", ALL_CHARS))
    assert {c for c in ALL_CHARS if not fast._email_may_follow(c)} == lookbehind


def _strings(pattern: str) -> set[str]:
    """Every string a finite pattern matches (literals, classes, alternation, groups, ``?``): the
    keyword lists are written as such patterns. Uses the standard library's regex parser."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    def seq(items: list[tuple[object, object]]) -> set[str]:
        out = {""}
        for op, av in items:
            out = {a + b for a in out for b in one(op, av)}
        return out

    def one(op: object, av: object) -> set[str]:
        if op is c.AT:  # \\b
            return {""}
        if op is c.LITERAL:
            return {chr(av)}  # type: ignore[arg-type]
        if op is c.IN:
            chars: set[str] = set()
            for o, a in av:  # type: ignore[attr-defined]
                assert o in (c.LITERAL, c.RANGE), o
                chars.update([chr(a)] if o is c.LITERAL else map(chr, range(a[0], a[1] + 1)))
            return chars
        if op is c.BRANCH:
            return set().union(*(seq(b) for b in av[1]))  # type: ignore[index]
        if op is c.SUBPATTERN:
            return seq(av[-1])  # type: ignore[index]
        assert op is c.MAX_REPEAT, op
        lo, hi, sub = av  # type: ignore[misc]
        body, out, cur = seq(sub), set(), {""}
        for k in range(hi + 1):
            out |= cur if k >= lo else set()
            cur = {a + b for a in cur for b in body}
        return out

    return seq(list(_parser.parse(pattern)))


@functools.cache
def section_words() -> tuple[list[str], list[str]]:
    """Every keyword form of the reference: before a quad, and after one."""
    before = ref._SECTION_WORD.pattern.removesuffix(r"\.?\s*$")
    after = ref._SECTION_WORD_AFTER.pattern.removeprefix(r"\.?\s{1,4}").removesuffix(r"(?!\w)")
    return sorted(_strings(before)), sorted(_strings(after))


def test_section_keywords_match_reference() -> None:
    """Every section keyword form (about 1,200), before and after quads, in lists, capitalised, glued
    to other letters, with dots and odd spaces: find_ips and the keyword test before a quad
    (detectors._section_word_before, a faster form of the reference's search) agree with the
    reference; and each form, right before a quad or right after one, makes it a section number."""
    words_before, words_after = section_words()
    assert len(words_before) > 900 and len(words_after) > 500
    for w in words_before + words_after:
        before = (f"{w} 4.2.1.3 and 8.8.8.8", f"x{w}. 8.8.8.8", f"(ab_{w}\u00a0\u00a08.8.8.8,{w.upper()} 1.1.1.1")
        after = (f"8.8.8.8 {w}", f"8.8.8.8. és 1.1.1.1. {w.capitalize()}", f"8.8.8.8 {w}x", f"{w[:-1]} 8.8.8.8 {w[1:]}")
        for text in before + after:
            assert spans(fast.find_ips(text)) == spans(ref.find_ips(text)), text
        for text in before:  # every window: the keyword cut at its start, spaces and dots at its end
            for pos in range(len(text) + 1):
                want = ref._SECTION_WORD.search(text, max(0, pos - 24), pos) is not None
                assert fast._section_word_before(text, pos) == want, (text, pos)
    for w in words_before:
        assert list(fast.find_ips(f"{w} 8.8.8.8")) == [], w
    for w in words_after:
        assert list(fast.find_ips(f"8.8.8.8. {w}")) == [], w


def test_section_word_before_characters() -> None:
    """_section_word_before reads ``\\s`` as str.isspace() and ``\\w`` as str.isalnum() or ``_``, and
    knows that every keyword ends with a letter or ``°``: for every code point, as the patterns do."""
    assert {c for c in ALL_CHARS if c.isspace()} == set(re.findall(r"\s", ALL_CHARS))
    assert {c for c in ALL_CHARS if fast._is_word_char(c)} == set(re.findall(r"\w", ALL_CHARS))
    assert {w[-1] for w in section_words()[0] if not w[-1].isalpha()} == {"°"}
