"""altedic.langid.codes: every spelling of a language code that reaches altedic maps to one code."""

from __future__ import annotations

import pytest

from altedic.langid.codes import (
    EU_OFFICIAL,
    LID176_LABEL_FIXES,
    all_codes,
    base_lang,
    cellar_iri,
    is_known,
    language_name,
    normalise_lang,
    script_of,
    to_iso639_3,
    with_script,
)

CELLAR = "http://publications.europa.eu/resource/authority/language/"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # ISO 639-1, any case and padding
        ("mt", "mt"),
        ("GA", "ga"),
        (" el ", "el"),
        # ISO 639-2/T and /B
        ("deu", "de"),
        ("ger", "de"),
        ("ell", "el"),
        ("gre", "el"),
        ("ces", "cs"),
        ("cze", "cs"),
        ("ron", "ro"),
        ("rum", "ro"),
        ("slk", "sk"),
        ("slo", "sk"),
        ("nld", "nl"),
        ("dut", "nl"),
        ("baq", "eu"),
        ("wel", "cy"),
        # Cellar authority codes and IRIs
        ("ENG", "en"),
        ("GLE", "ga"),
        ("MLT", "mt"),
        ("ELL", "el"),
        ("BUL", "bg"),
        ("HRV", "hr"),
        (CELLAR + "ENG", "en"),
        (CELLAR + "GLE", "ga"),
        ("https://publications.europa.eu/resource/authority/language/BUL/", "bg"),
        ("http://id.loc.gov/vocabulary/iso639-1/mt", "mt"),
        ("http://lexvo.org/id/iso639-3/gle", "ga"),
        # TMX / BCP 47 locales
        ("EN-GB", "en"),
        ("BG-01", "bg"),
        ("pt-BR", "pt"),
        ("pt_PT", "pt"),
        ("es-419", "es"),
        ("de-AT-1996", "de"),
        # odd values seen in the wild
        ("en-EN", "en"),
        ("fin", "fi"),
        ("gr", "el"),
        ("ita", "it"),
        ("el-GR", "el"),
        ("cz", "cs"),
        ("dk", "da"),
        ("iw", "he"),
        ("mo", "ro"),
        ("Maltese", "mt"),
        ("irish", "ga"),
        ("Norwegian Bokmål", "nb"),
        # fastText labels
        ("__label__mt", "mt"),
        ("__label__ga", "ga"),
        ("__label__mlt_Latn", "mt"),
        # FLORES-200 / GlotLID / OpenLID codes
        ("lvs_Latn", "lv"),
        ("ekk_Latn", "et"),
        ("zsm_Latn", "ms"),
        ("nob", "nb"),
        ("nno", "nn"),
        ("nob_Latn", "nb"),
        ("als_Latn", "sq"),
        ("bul_Cyrl", "bg"),
        ("ell_Grek", "el"),
        ("mlt_Latn", "mt"),
        ("gle_Latn", "ga"),
        ("ast_Latn", "ast"),
        ("oci_Latn", "oc"),
        ("fur_Latn", "fur"),
        ("cnr", "cnr"),
        # regional and minority languages of the EU, of its candidate countries and neighbours
        ("krl", "krl"),  # Karelian (Finland)
        ("fit", "fit"),  # Meänkieli (Sweden)
        ("sms", "sms"),  # Skolt Sami
        ("sgs", "sgs"),  # Samogitian
        ("liv", "liv"),  # Livonian
        ("gag_Latn", "gag"),  # Gagauz (Moldova)
        ("crh", "crh"),  # Crimean Tatar (Ukraine)
        ("crh-Cyrl", "crh-Cyrl"),
        ("tsd", "tsd"),  # Tsakonian
        ("rmn", "rmn"),  # Balkan Romani
        # members of ISO 639-3 macrolanguages, and eml's 2009 split
        ("src", "sc"),
        ("sro", "sc"),
        ("sdn", "sc"),
        ("srd_Latn", "sc"),
        ("aln", "sq"),
        ("rgn", "eml"),
        ("egl", "eml"),
        # Norwegian macrolanguage (a declaration says nothing of Bokmål or Nynorsk; lid.176's
        # "no" label is Bokmål: the model's label map, LID176_LABEL_FIXES) and Serbo-Croatian
        ("no", "no"),
        ("NOR", "no"),
        ("Norwegian", "no"),
        ("sh", "hbs"),
        ("hbs", "hbs"),
        ("scr", "hr"),
        ("scc", "sr"),
    ],
)
def test_normalise_lang(raw: str, expected: str) -> None:
    assert normalise_lang(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sr", "sr"),
        ("sr-Latn", "sr-Latn"),
        ("sr-latn", "sr-Latn"),
        ("SR-LATN-RS", "sr-Latn"),
        ("sr_Cyrl", "sr-Cyrl"),
        ("srp_Cyrl", "sr-Cyrl"),
        ("srp_Latn", "sr-Latn"),
        ("bos_Cyrl", "bs-Cyrl"),
        ("zho_Hant", "zh-Hant"),
        # usual script dropped for single-script languages, unusual one kept
        ("el-Grek", "el"),
        ("bg-Cyrl", "bg"),
        ("mt-Latn", "mt"),
        ("el-Latn", "el-Latn"),
    ],
)
def test_script_subtags(raw: str, expected: str) -> None:
    assert normalise_lang(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "und", "UND", "mul", "zxx", "mis", "qaa", "qtz", "xx", "abc", "__label__", "-", CELLAR]
)
def test_unknown_and_special_give_none(raw: str | None) -> None:
    assert normalise_lang(raw) is None


def test_eu_official_languages_round_trip_through_cellar() -> None:
    assert len(EU_OFFICIAL) == 24
    for code in EU_OFFICIAL:
        iri = cellar_iri(code)
        assert iri is not None and iri.startswith(CELLAR)
        assert normalise_lang(iri) == code
        assert normalise_lang(iri.rsplit("/", 1)[1]) == code


def test_names_and_helpers() -> None:
    assert language_name("mt") == "Maltese"
    assert language_name("ga") == "Irish"
    assert language_name("sr-Latn") == "Serbian (Latin)"
    assert language_name("sr-Cyrl") == "Serbian (Cyrillic)"
    assert language_name("qqq") == "qqq"
    assert language_name(None) == "unknown"
    assert base_lang("sr-Latn") == "sr"
    assert script_of("sr-Latn") == "Latn"
    assert script_of("el") == "Grek"
    assert script_of("bg") == "Cyrl"
    assert script_of("zzz") is None
    assert to_iso639_3("ga") == "gle"
    assert to_iso639_3("ast") == "ast"
    assert is_known("lb") and is_known("sr-Latn") and not is_known("zzz")


def test_every_table_code_is_a_fixed_point() -> None:
    codes = all_codes()
    assert len(codes) == len(set(codes))
    for code in codes:
        assert normalise_lang(code) == code, code
        assert normalise_lang(to_iso639_3(code)) == code, code


def test_lid176_label_fixes_point_to_known_codes() -> None:
    assert LID176_LABEL_FIXES == {"als": "gsw", "no": "nb", "sh": "hbs"}
    assert all(is_known(v) for v in LID176_LABEL_FIXES.values())


def test_with_script_writes_the_script_of_multi_script_languages_only() -> None:
    assert with_script("sr", "Latn") == "sr-Latn"
    assert with_script("bs", "Cyrl") == "bs-Cyrl"
    assert with_script("sr-Cyrl", "Latn") == "sr-Cyrl"  # a script already named stays
    assert with_script("hr", "Latn") == "hr"  # one script: no subtag
    assert with_script("sr", None) == "sr"
    assert with_script("unknown", "Latn") == "unknown"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a language's own name, as a national portal's export writes it: None before
        ("Malti", "mt"),
        ("Gaeilge", "ga"),
        ("Ελληνικά", "el"),
        ("ΕΛΛΗΝΙΚΑ", "el"),  # capitals drop the accent
        ("български език", "bg"),
        ("hrvatski jezik", "hr"),
        ("Français", "fr"),
        ("francais", "fr"),  # accents stripped by an export
        ("Română", "ro"),
        ("romana", "ro"),
        ("Čeština", "cs"),
        ("Lietuvių kalba", "lt"),
        ("latviešu valoda", "lv"),
        ("Slovenščina", "sl"),
        ("Lëtzebuergesch", "lb"),
        ("Euskara", "eu"),
        ("Srpski", "sr"),
        ("Српски", "sr"),
        ("  Suomen   kieli ", "fi"),
    ],
)
def test_endonyms(raw: str, expected: str) -> None:
    assert normalise_lang(raw) == expected


def test_every_official_language_has_its_own_name() -> None:
    from altedic.langid.codes import ENDONYMS

    assert set(EU_OFFICIAL) <= set(ENDONYMS)
    for code, names in ENDONYMS.items():
        for name in names:
            assert normalise_lang(name) == code, name
    assert normalise_lang("Latin") == "la" and normalise_lang("Ladin") == "lld"  # English names unchanged
