"""A confusable group's lexicon (groups.yaml ``lexicon``, policy.Lexicon): Croatian and Bosnian
words of Tesseract's web word lists, consulted where the written-down evidence leaves hr/bs open."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import benchmark_scripts
import pytest

from altedic.errors import ConfigError
from altedic.langid.policy import GROUPS, GroupResolver, Lexicon, LexiconSpec, load_groups
from altedic.langid.stage import LanguageStage

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "altedic" / "langid" / "lexicons" / "hbs-tesseract.tsv.gz"

# Written for the tests, with no entry of groups.yaml's hbs lists: akšam, amidža and merhaba are
# Bosnian (Turkish loans of Bosnian usage) and only Tesseract's Bosnian list has them;
# umirovljenici, zdravije and promidžba only its Croatian list.
BOSNIAN = "Amidža nam je nakon akšama svima rekao merhaba i otišao kući."
CROATIAN = "Umirovljenici traže zdravije namirnice, a promidžba im nudi skuplje proizvode."


@pytest.fixture(scope="module")
def stage() -> LanguageStage:
    s = LanguageStage({})
    s.setup()
    return s


@pytest.mark.parametrize(("text", "expected"), [(BOSNIAN, "bs"), (CROATIAN, "hr")])
def test_hbs_lexicon_decides_what_the_lists_leave_open(text: str, expected: str) -> None:
    """No hbs entry in the text: before the lexicon, the second opinion (or the model) decided;
    now the lexicon's lead does, whichever member the model and CLD2 ranked first."""
    resolver = GroupResolver()
    assert set(resolver.evidence("hbs", text).values()) == {0}
    other = "hr" if expected == "bs" else "bs"
    for ranked, second in (([(other, 0.6), (expected, 0.3)], other), ([(expected, 0.6), (other, 0.3)], None)):
        res = resolver.resolve("hbs", text, ranked, second=second)
        assert (res.lang, res.decided_by, res.flags) == (expected, "lexicon", []), (ranked, res)


def test_hbs_lexicon_in_the_stage(stage: LanguageStage) -> None:
    """The whole stage with the real model: fastText and CLD2 say Croatian for the Bosnian
    sentence (hr 0.70 before the lexicon), the lexicon makes it Bosnian."""
    got = stage.identify([BOSNIAN, CROATIAN])
    assert [(r["lang"], r["decided_by"]) for r in got] == [("bs-Latn", "lexicon"), ("hr", "lexicon")], got
    assert not any(f.startswith("confusable:") for r in got for f in r["flags"]), got


def test_hbs_lexicon_comes_after_evidence_and_declaration() -> None:
    resolver = GroupResolver()
    # komšija (bs sr cnr) narrows the choice to Bosnian; the lexicon's Croatian words do not
    # bring Croatian back
    text = CROATIAN[:-1] + ", kaže komšija."
    # (CLD2's hr is not among the tied members: the subtitle word frequencies, which lean
    # Bosnian, take the tied member)
    for ranked, second, how, flags in (
        ([("hr", 0.6), ("bs", 0.3)], "hr", "frequencies", []),
        ([("bs", 0.6), ("hr", 0.3)], "bs", "frequencies", []),
    ):
        res = resolver.resolve("hbs", text, ranked, second=second)
        assert (res.lang, res.decided_by, res.flags) == ("bs", how, flags), (ranked, res)
    # the declared language decides before the lexicon
    res = resolver.resolve("hbs", CROATIAN, [("hr", 0.6), ("bs", 0.3)], declared="bs")
    assert (res.lang, res.decided_by) == ("bs", "declared")
    # written-down evidence decides before the lexicon
    res = resolver.resolve("hbs", "Ovo je Sveučilište u Zagrebu. " + BOSNIAN, [("bs", 0.6), ("hr", 0.3)])
    assert (res.lang, res.decided_by) == ("hr", "evidence"), res
    # a pick outside the lexicon's members (Slovenian) is not touched
    slovenian = "Upokojenci iščejo bolj zdravo hrano, oglasi pa jim ponujajo dražje izdelke."
    res = resolver.resolve("hbs", slovenian, [("sl", 0.8), ("hr", 0.1)], second="sl")
    assert (res.lang, res.decided_by, res.flags) == ("sl", "second_opinion", []), res


def _spec(tmp_path: Path, lines: list[str], margin: float = 2.5) -> LexiconSpec:
    f = tmp_path / "lex.tsv.gz"
    f.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    return LexiconSpec(location=f, margin=margin, label=str(f))


def test_lexicon_weights_hits_by_list_size_and_needs_the_margin(tmp_path: Path) -> None:
    """hr lists 4 words, bs 1: a Bosnian hit weighs 4 Croatian ones."""
    spec = _spec(tmp_path, ["# a comment", "hr\taa", "hr\tbb", "hr\tcc", "hr\tdd", "bs\tee"])
    lex = Lexicon(spec, ("hr", "bs", "sr"))
    assert lex.weight == {"hr": 1.0, "bs": 4.0}
    assert lex.scores("Aa bb, EE! ff") == {"hr": 2.0, "bs": 4.0}
    assert lex.decide("aa bb ee", {"hr", "bs"}) is None  # 4 - 2 < 2.5
    assert lex.decide("ee", {"hr", "bs"}) == "bs"
    assert lex.decide("aa bb cc", {"hr", "bs"}) == "hr"
    assert lex.decide("aa bb", {"hr", "bs"}) is None  # 2 < 2.5
    assert lex.decide("ee", {"hr"}) is None  # the leader is not among the allowed members
    assert lex.decide("zz", {"hr", "bs"}) is None
    # plain (not gzipped) files are read as well
    plain = tmp_path / "lex.tsv"
    plain.write_text("hr\taa\nbs\tee\n", encoding="utf-8")
    assert Lexicon(LexiconSpec(plain, 1.0, str(plain)), ("hr", "bs")).decide("aa", {"hr"}) == "hr"


def test_lexicon_file_errors_name_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line 2: expected") as err:
        Lexicon(_spec(tmp_path, ["hr\taa", "hr aa"]), ("hr", "bs"))
    assert "lex.tsv.gz" in str(err.value)
    with pytest.raises(ConfigError, match="line 1"):
        Lexicon(_spec(tmp_path, ["sr\taa", "bs\tbb"]), ("hr", "bs"))  # not a member
    with pytest.raises(ConfigError, match="line 3: 'aa' is listed for hr already"):
        Lexicon(_spec(tmp_path, ["hr\taa", "bs\tbb", "bs\taa"]), ("hr", "bs"))
    with pytest.raises(ConfigError, match="at least two members"):
        Lexicon(_spec(tmp_path, ["hr\taa"]), ("hr", "bs"))
    broken = tmp_path / "broken.tsv.gz"
    broken.write_bytes(gzip.compress(b"hr\taa\n")[:12])
    with pytest.raises(ConfigError, match="cannot read the lexicon"):
        Lexicon(LexiconSpec(broken, 1.0, str(broken)), ("hr", "bs"))


def test_groups_yaml_lexicon_key_is_checked(tmp_path: Path) -> None:
    (tmp_path / "lex.tsv").write_text("hr\taa\nbs\tbb\n", encoding="utf-8")
    f = tmp_path / "groups.yaml"
    head = "groups:\n  x:\n    members: [hr, bs]\n    lexicon:\n"
    for body, message, key in [
        ("      file: missing.tsv\n", "not found", "groups.x.lexicon.file"),
        ("      file: lex.tsv\n      margin: 0\n", "allowed: a number above 0", "groups.x.lexicon.margin"),
        ("      file: lex.tsv\n      weight: 2\n", "must be a mapping", "groups.x.lexicon"),
        ("      margin: 2\n", "must be a mapping", "groups.x.lexicon"),
    ]:
        f.write_text(head + body, encoding="utf-8")
        with pytest.raises(ConfigError, match=message) as err:
            load_groups(f)
        assert key in str(err.value) and str(f) in str(err.value)
    f.write_text(head + "      file: lex.tsv\n      margin: 1.5\n", encoding="utf-8")
    spec = load_groups(f)["x"].lexicon
    assert spec is not None and spec.margin == 1.5 and Path(spec.location) == tmp_path / "lex.tsv"


def test_packaged_lexicon_names_its_source_and_licence() -> None:
    spec = GROUPS["hbs"].lexicon
    assert spec is not None and spec.label == "altedic/langid/lexicons/hbs-tesseract.tsv.gz"
    text = gzip.decompress(spec.location.read_bytes()).decode("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Apache License 2.0" in line for line in header) and any("tessdata_fast" in line for line in header)
    counts = {m: sum(1 for line in text.splitlines() if line.startswith(m + "\t")) for m in ("hr", "bs")}
    for m, n in counts.items():  # the header's counts are the file's
        assert any(line.startswith(f"# {m}: ") and line.endswith(f", {n} only here") for line in header), (m, n)
    lex = Lexicon(spec, GROUPS["hbs"].members)
    assert lex.members == {"hr", "bs"} and lex.weight["hr"] == 1.0 and lex.weight["bs"] == counts["hr"] / counts["bs"]


_TESSDATA = benchmark_scripts.load("derive_lexicon").find_tessdata()


@pytest.mark.skipif(
    shutil.which("dawg2wordlist") is None
    or _TESSDATA is None
    or not all((_TESSDATA / f"{c}.traineddata").is_file() for c in ("hrv", "bos")),
    reason="tesseract-ocr, tesseract-ocr-hrv and tesseract-ocr-bos are not installed (a maintainer's check)",
)
def test_packaged_lexicon_is_what_the_script_derives(tmp_path: Path) -> None:
    """benchmarks/derive_lexicon.py, run on Debian's Tesseract models, writes the packaged file
    byte for byte (skipped where those models are not installed)."""
    out = tmp_path / "hbs.tsv.gz"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "derive_lexicon.py"), "hr=hrv", "bs=bos", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == PACKAGED.read_bytes()
