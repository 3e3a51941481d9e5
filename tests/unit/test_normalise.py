from __future__ import annotations

import unicodedata

from altedic.normalise import NormaliseSettings, fix_mojibake, normalise_text


def test_nfc_and_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "Għawdex — ċittadini, żgħażagħ")
    assert normalise_text(decomposed) == "Għawdex — ċittadini, żgħażagħ"
    assert normalise_text("a\u00a0\u00a0b\t\tc \u202f d") == "a b c d"


def test_lines_kept_blank_runs_collapsed_and_invisible_removed() -> None:
    text = "  Artikolu 1 \r\nSuġġett\r\n\r\n\r\n\r\nTest\u00ado\u200b ok\x07\n"
    assert normalise_text(text) == "Artikolu 1\nSuġġett\n\nTesto ok"


def test_mojibake_fixed_only_when_damaged() -> None:
    damaged = "Das ist groÃŸartig fÃ¼r die BÃ¼rger"
    assert fix_mojibake(damaged) == "Das ist großartig für die Bürger"
    # Legitimate text containing the hint characters is left alone.
    for good in ("Ñandú en España", "Ísland og Þingvellir", "À bientôt, Ärzte und Ärztinnen"):
        assert fix_mojibake(good) == good


def test_settings_switch_steps_off() -> None:
    s = NormaliseSettings(unicode_form="none", fix_mojibake=False)
    nfd = unicodedata.normalize("NFD", "é")
    assert normalise_text(nfd, s) == nfd
    assert normalise_text("fÃ¼r", s) == "fÃ¼r"


def test_unicode_line_and_paragraph_separators() -> None:
    assert (
        normalise_text("Artikolu 1\u2028Suġġett\u2029Test\u3000 u\u2009aktar") == "Artikolu 1\nSuġġett\n\nTest u aktar"
    )


def test_controls_that_separate_lines_or_fields_are_not_deleted() -> None:
    # VT (Word's manual line break), FF (a page break), FS/GS/RS: a line break; US: a space.
    # Deleting them glued the words on either side ("Article 1Scope") until the 26th session.
    assert normalise_text("Artikolu 1\x0bKamp ta' applikazzjoni") == "Artikolu 1\nKamp ta' applikazzjoni"
    assert normalise_text("lch. 3\x0cAirteagal 4") == "lch. 3\nAirteagal 4"
    assert normalise_text("α\x1cβ\x1dγ\x1eδ\x1fε") == "α\nβ\nγ\nδ ε"
    # other controls and NEL (more often cp1252's "…" read as Latin-1 than a line end) are deleted
    s = NormaliseSettings(fix_mojibake=False)
    assert normalise_text("Член\x071\x85 2\x9f", s) == "Член1 2"


def test_output_is_nfc_after_invisible_characters_are_deleted() -> None:
    # a soft hyphen (or zero-width space) between a letter and its combining mark kept them apart
    for mark in ("\u00ad", "\u200b", "\x07", "\ufeff"):
        out = normalise_text("caf" + "e" + mark + "\u0301 Ħ" + mark + "\u0307")
        assert out == "café Ħ\u0307" and unicodedata.is_normalized("NFC", out)
    assert normalise_text("Ἀθῆναι " + unicodedata.normalize("NFD", "Ελλάδα") + "\u00ad") == "Ἀθῆναι Ελλάδα"
