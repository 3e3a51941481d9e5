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
