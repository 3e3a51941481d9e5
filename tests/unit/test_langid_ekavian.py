"""The hbs group's derived ekavian words (groups.yaml ``word_files``; benchmarks/derive_ekavian.py):
Serbian words of Tesseract's Serbian Latin list whose ijekavian twin is in its Croatian or
Bosnian list, counted as Serbian evidence."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from pathlib import Path

import benchmark_scripts
import pytest

from altedic.errors import ConfigError
from altedic.langid import policy
from altedic.langid.policy import GROUPS, Evidence, load_groups
from altedic.langid.stage import LanguageStage

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "altedic" / "langid" / "lexicons" / "hbs-ekavian.tsv.gz"
derive = benchmark_scripts.load("derive_ekavian")

# Written for the tests: Serbian Latin news sentences whose only ekavian words are derived ones
# (podsetila/podsjetila, prosečan/prosječan, sredu/srijedu, železničkoj/željezničkoj); the
# hand-written lists of groups.yaml find no ekavian word in them.
SERBIAN = [
    "Kompanija je podsetila investitore da je prosečan prihod porastao u odnosu na prošlu godinu.",
    "Sud je odbacio žalbu, a advokat je najavio da će se obratiti ustavnom sudu u sredu.",
    "Na železničkoj stanici su putnici čekali satima jer je voz kasnio zbog kvara.",
]
# the hand-written lists decide this one already (gde, deca)
ALREADY = "Porodica je prodala kuću i preselila se u Novi Sad, gde su deca krenula u školu."


def _listed() -> list[tuple[str, list[str]]]:
    text = gzip.decompress(PACKAGED.read_bytes()).decode("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    return [(w, t.split(",")) for w, t in rows]


def test_twins_are_the_ijekavian_spellings_of_one_e() -> None:
    assert derive.twins("vreme") == {"vrjeme", "vrijeme"}  # the last e is no jat: no vremje
    assert derive.twins("sredu") == {"srjedu", "srijedu"}
    assert "vidio" in derive.twins("video") and "preživio" in derive.twins("preživeo")
    assert derive.twins("analoge") == set()  # analogije is another word's case form
    assert derive.twins("postojane") == set()  # its only e is the last letter: no postojanje
    assert derive.twins("aeroport") == set()  # an e after a vowel
    # d standing for đ in ASCII text is no jat: andela is anđela, not andjela
    assert "andjela" in derive.twins("andela") and "andjela" not in derive.twins("andela", {"anđela"})


def test_ekavian_keeps_serbian_words_with_an_ijekavian_twin_and_no_other_list() -> None:
    serbian = {"umetnost", "posetio", "mesto", "deca", "kuća", "veruje"}
    ijekavian = {"umjetnost", "posjetio", "mjesto", "djeca", "kuća", "vjeruje"}
    slovenian = {"mesto", "veruje"}
    got = derive.ekavian(serbian, ijekavian, slovenian)
    # mesto and veruje are Slovenian words too, deca is under 5 letters, kuća has no twin
    assert got == {"umetnost": ["umjetnost"], "posetio": ["posjetio"]}


def test_packaged_list_names_its_source_and_every_word_has_a_twin() -> None:
    text = gzip.decompress(PACKAGED.read_bytes()).decode("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Apache License 2.0" in line for line in header) and any("tessdata_fast" in line for line in header)
    rows = _listed()
    assert any(line.endswith(f" {len(rows)} words.") for line in header)
    assert len(rows) == 2113
    for word, twins in rows:
        assert len(word) >= derive.MIN_LETTERS and set(twins) <= derive.twins(word), word
    words = {w for w, _ in rows}
    assert {"podsetila", "prosečan", "sredu", "železničkoj"} <= words
    assert not words & {"mesto", "leto", "analoge", "andela"}


def test_packaged_words_count_for_serbian() -> None:
    hbs = GROUPS["hbs"]
    sr = set(hbs.words["sr"])
    assert {w for w, _ in _listed()} <= sr
    # and for no other member
    for m in ("hr", "bs", "cnr", "sl"):
        assert "podsetila" not in hbs.words.get(m, ())


def _hand_only(tmp_path: Path) -> policy.Group:
    """The hbs group as groups.yaml writes it by hand: without its word_files."""
    shutil.copytree(ROOT / "altedic" / "langid" / "lexicons", tmp_path / "lexicons")
    yml = (ROOT / "altedic" / "langid" / "groups.yaml").read_text(encoding="utf-8")
    stripped = re.sub(r"    word_files:\n      sr: [^\n]+\n", "", yml)
    assert stripped != yml
    (tmp_path / "groups.yaml").write_text(stripped, encoding="utf-8")
    return load_groups(tmp_path / "groups.yaml")["hbs"]


def test_derived_words_are_the_only_serbian_evidence_of_the_examples(tmp_path: Path) -> None:
    hand = Evidence(_hand_only(tmp_path))
    full = Evidence(GROUPS["hbs"])
    listed = {w for w, _ in _listed()}
    expected = [["podsetila", "prosečan"], ["sredu"], ["železničkoj"]]
    for text, words in zip(SERBIAN, expected, strict=True):
        before = hand.count(text.lower())
        after = full.count(text.lower())
        assert [w for w in re.findall(r"\w+", text.lower()) if w in listed] == words
        assert after["sr"] == before["sr"] + len(words), (text, before, after)
        assert {m: n for m, n in after.items() if m != "sr"} == {m: n for m, n in before.items() if m != "sr"}


def test_stage_calls_the_examples_serbian_only_with_the_derived_words(tmp_path: Path) -> None:
    """The real model and CLD2: without the derived words the three sentences are Bosnian (the
    model's Serbian needs ekavian evidence), with them Serbian; the fourth is Serbian either way."""
    texts = [*SERBIAN, ALREADY]
    stage = LanguageStage({})
    stage.setup()
    got = [(r["lang"], r["decided_by"]) for r in stage.identify(texts)]
    assert got == [("sr-Latn", "evidence")] * 4, got
    saved = dict(GROUPS)
    hand = _hand_only(tmp_path)
    try:
        policy._EVIDENCE.clear()
        GROUPS["hbs"] = hand
        before = LanguageStage({})
        before.setup()
        got = [(r["lang"], r["decided_by"]) for r in before.identify(texts)]
    finally:
        GROUPS.clear()
        GROUPS.update(saved)
        policy._EVIDENCE.clear()
        policy._TABLES.pop(id(hand), None)  # keyed by the group object's id
    # (Bosnian by the subtitle word frequencies, the step after the lexicon)
    assert got == [
        ("bs-Latn", "frequencies"),
        ("bs-Latn", "frequencies"),
        ("bs-Latn", "frequencies"),
        ("sr-Latn", "evidence"),
    ], got


def _groups_file(tmp_path: Path, word_files: str) -> Path:
    f = tmp_path / "groups.yaml"
    f.write_text(
        "groups:\n  x:\n    members: [aa, bb]\n    words:\n      aa: [one]\n" + word_files,
        encoding="utf-8",
    )
    return f


def test_word_files_add_words_to_members(tmp_path: Path) -> None:
    (tmp_path / "more.txt").write_text("# why\ntwo\tbecause\nthree\n\n", encoding="utf-8")
    with gzip.open(tmp_path / "both.gz", "wt", encoding="utf-8") as gz:
        gz.write("four\n")
    g = load_groups(_groups_file(tmp_path, "    word_files:\n      aa: more.txt\n      aa bb: both.gz\n"))["x"]
    assert g.words == {"aa": ("one", "two", "three", "four"), "bb": ("four",)}


@pytest.mark.parametrize(
    ("word_files", "content", "message", "key"),
    [
        ("    word_files:\n      cc: more.txt\n", "two\n", "cc", "groups.x.word_files"),
        ("    word_files:\n      aa: missing.txt\n", "two\n", "cannot read 'missing.txt'", "groups.x.word_files.aa"),
        ("    word_files:\n      aa: more.txt\n", "two words\n", "line 1: 'two words' is not a lower-case word", None),
        ("    word_files:\n      aa: more.txt\n", "Two\n", "is not a lower-case word", None),
        ("    word_files: more.txt\n", "two\n", "must map members", "groups.x.word_files"),
    ],
)
def test_word_files_errors_name_the_file(
    tmp_path: Path, word_files: str, content: str, message: str, key: str | None
) -> None:
    (tmp_path / "more.txt").write_text(content, encoding="utf-8")
    f = _groups_file(tmp_path, word_files)
    with pytest.raises(ConfigError, match=message) as err:
        load_groups(f)
    if key is not None:
        assert key in str(err.value)
    assert str(tmp_path) in str(err.value)


_TESSDATA = benchmark_scripts.load("derive_lexicon").find_tessdata()


@pytest.mark.skipif(
    shutil.which("dawg2wordlist") is None
    or _TESSDATA is None
    or not all((_TESSDATA / f"{c}.traineddata").is_file() for c in ("hrv", "bos", "srp_latn", "slv")),
    reason="tesseract-ocr and its hrv, bos, srp-latn and slv models are not installed (a maintainer's check)",
)
def test_packaged_list_is_what_the_script_derives(tmp_path: Path) -> None:
    out = tmp_path / "ek.tsv.gz"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "derive_ekavian.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == PACKAGED.read_bytes()
