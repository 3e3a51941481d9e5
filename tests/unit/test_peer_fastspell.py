"""benchmarks/peer_fastspell.py: FastSpell's spell-check refinement, measured beside the stage
(docs/langid.md, seventeenth session). The dictionaries here are written for the test: a few
words each, in Hunspell's format, so that the decision can be followed by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import benchmark_scripts
import pytest

from altedic.langid.evaluate import Item

peer = benchmark_scripts.load("peer_fastspell")


def test_words_drop_edge_punctuation_names_and_numbers() -> None:
    text = "Vlada je, prema Reutersu, odobrila 3 prijedloga „brzo”."
    # "Reutersu" is capitalised after the first word: a name, not checked; "3" has no letter
    assert peer.words(text) == ["vlada", "je", "prema", "odobrila", "prijedloga", "brzo"]


def _dictionaries(folder: Path) -> Path:
    vocab = {
        "hr_HR": ["tko", "je", "tisuća", "dobio", "kruh"],
        "bs_BA": ["ko", "je", "hiljada", "dobio", "hljeb"],
        "sr_RS_lat": ["ko", "je", "hiljada", "dobio", "hleb"],
        "sl_SI": ["kdo", "je", "tisoč", "dobil", "kruh"],
    }
    for name, words in vocab.items():
        (folder / f"{name}.aff").write_text("SET UTF-8\n", encoding="utf-8")
        (folder / f"{name}.dic").write_text(f"{len(words)}\n" + "\n".join(words) + "\n", encoding="utf-8")
    return folder


@pytest.mark.skipif(shutil.which("hunspell") is None, reason="the hunspell program is not installed")
def test_refine_takes_the_language_whose_dictionary_knows_most_words(tmp_path: Path) -> None:
    items = [
        Item("hr", "t", "Tko je dobio kruh"),  # hr knows 4 of 4, sl 2 (je, kruh), bs 2
        Item("bs", "t", "Ko je dobio hljeb"),  # bs 4 of 4; sr 3: bs wins outright
        Item("sr", "t", "Ko je dobio hleb"),  # sr 4 of 4
        Item("bs", "t", "Ko je dobio"),  # bs and sr tie at 0 unknown: the model's label among them
        Item("hr", "t", "Xyz qwv je"),  # 2 of 3 unknown everywhere (> 0.5): the model's label stays
        Item("en", "t", "Who got the bread"),  # not labelled in the group: not checked
    ]
    bare = ["bs", "hr", "hbs", "sr", "sl", "en"]
    got = peer.refine(items, bare, _dictionaries(tmp_path))
    assert got == ["hr", "bs", "sr", "sr", "sl", "en"]


def test_missing_dictionary_is_a_clear_error(tmp_path: Path) -> None:
    if shutil.which("hunspell") is None:
        pytest.skip("the hunspell program is not installed")
    with pytest.raises(SystemExit, match="hr_HR"):
        peer.unknown_words(tmp_path, ["je"])
