"""benchmarks/make_genre_ddtp.py: the technical-text evaluation folder built from Debian's
translated package descriptions (docs/langid.md, fourteenth session). Stanzas written for this
test in the Translation file format."""

from __future__ import annotations

import bz2
from pathlib import Path

import benchmark_scripts

from altedic.langid.evaluate import load_items

ddtp = benchmark_scripts.load("make_genre_ddtp")

FIRST = "Dette bibliotek tilbyder funktioner til at læse og"
SECOND = "skrive filer i formatet, som mange programmer bruger."
LONG = FIRST + " " + SECOND


def _stanza(package: str, body: str, lang: str = "da") -> str:
    return f"Package: {package}\nDescription-md5: 0123\nDescription-{lang}: kort beskrivelse\n{body}\n"


def test_first_paragraph_skips_short_ones_and_indented_lists() -> None:
    body = "\n".join(
        [
            " Kort.",  # too short: the next paragraph is taken
            " .",
            " " + FIRST,
            "   - en liste, der ikke tæller med",
            " " + SECOND,
            " .",
            " Et andet afsnit, der ikke tages med, fordi det første lange allerede er fundet her.",
        ]
    )
    text = _stanza("libfoo", body) + "\n" + _stanza("bar", " Kort igen.")
    assert ddtp.first_paragraphs(text) == {"libfoo": LONG}


def test_build_dedupes_splits_in_halves_and_skips_variants(tmp_path: Path) -> None:
    src, out = tmp_path / "tr", tmp_path / "out"
    src.mkdir()
    stanzas = [_stanza(f"pkg{i}", f" {LONG} Nummer {i}.") for i in range(30)]
    stanzas += [_stanza(f"gcc-{i}-base", " " + LONG) for i in range(5)]  # one text, five packages
    (src / "Translation-da.bz2").write_bytes(bz2.compress("\n".join(stanzas).encode("utf-8")))
    (src / "Translation-pt_BR.bz2").write_bytes(bz2.compress("\n".join(stanzas).encode("utf-8")))
    few = [_stanza(f"p{i}", f" {LONG} {i}", "sv") for i in range(5)]
    (src / "Translation-sv.bz2").write_bytes(bz2.compress("\n".join(few).encode("utf-8")))
    counts = ddtp.build(src, out, per_lang=500)
    assert list(counts) == ["da"]  # pt_BR is a variant, sv has fewer than MIN_ITEMS items
    a, b = counts["da"]
    assert a + b == 31 and a > 0 and b > 0  # 30 texts and the repeated one once
    items = load_items(out / "a") + load_items(out / "b")
    assert len({it.text for it in items}) == 31
    assert {it.gold for it in items} == {"da"} and all(it.source.startswith("ddtp:") for it in items)
    # the split is by package name: building again gives the same halves
    again = ddtp.build(src, tmp_path / "again", per_lang=500)
    assert again == counts
    assert (out / "a" / "da.txt").read_text() == (tmp_path / "again" / "a" / "da.txt").read_text()
    assert counts["da"] == (16, 15)  # the md5 of the names decides: fixed, not random
    assert ddtp.build(src, tmp_path / "capped", per_lang=12)["da"] == (12, 12)
    assert ddtp.build(src, tmp_path / "too-few", per_lang=9) == {}  # 18 items < MIN_ITEMS
