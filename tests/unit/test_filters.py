"""Filters files (altedic.filters): reading, merging, checking and shipping ``filters/<lang>.yaml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from altedic.errors import ConfigError
from altedic.filters import load_filters


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    load_filters.cache_clear()  # files of a tmp_path may be rewritten between tests


def test_a_file_that_is_not_utf8_is_a_config_error_naming_it(tmp_path: Path) -> None:
    # Latin-1 'ħ' is byte 0xb1, not UTF-8: a raw UnicodeDecodeError traceback named no file
    (tmp_path / "mt.yaml").write_bytes(b"language: mt\nquality:\n  thresholds:\n    min_words: 20 # g\xb1al\n")
    with pytest.raises(ConfigError) as err:
        load_filters("mt", str(tmp_path))
    assert str(err.value) == (
        f"{tmp_path / 'mt.yaml'}: not UTF-8 text (line 4): 'utf-8' codec can't decode byte 0xb1 in position 57: "
        "invalid start byte; save the file as UTF-8"
    )


def _quality(filters_dir: Path) -> Any:
    from altedic.quality.stage import QualityStage

    return QualityStage({}, filters_dir=str(filters_dir))


def test_an_empty_thresholds_section_keeps_the_default_thresholds(tmp_path: Path) -> None:
    # every line under thresholds: commented out; before, the null replaced the whole mapping and
    # every rule of the language was off
    (tmp_path / "mt.yaml").write_text("language: mt\nquality:\n  thresholds:\n    # min_words: 20\n", "utf-8")
    stage = _quality(tmp_path)
    web, label = stage.thresholds_for("mt", "web")
    from altedic.quality.stage import QualityStage

    assert web == QualityStage({}).thresholds_for("mt", "web")[0]  # the packaged default and mt.yaml
    assert (web["min_words"], web["max_dup_line_frac"], web["min_alpha_words_ratio"]) == (50, 0.395, 0.823)
    assert label == f"profile web; filters/default.yaml, filters/mt.yaml, {tmp_path / 'mt.yaml'}"


def test_an_empty_profile_keeps_the_default_profile(tmp_path: Path) -> None:
    # before: the empty legal: profile became {} and legal documents got the web thresholds
    (tmp_path / "mt.yaml").write_text("language: mt\nquality:\n  profiles:\n    legal:\n", "utf-8")
    legal, _ = _quality(tmp_path).thresholds_for("mt", "legal")
    assert (legal["min_words"], legal["max_dup_line_frac"], legal["min_line_punct_ratio"]) == (20, 0.5, None)


def test_an_empty_quality_section_keeps_the_default_quality_settings(tmp_path: Path) -> None:
    # before: "unknown quality profile 'web'; defined: ['default']"
    (tmp_path / "mt.yaml").write_text("language: mt\nquality:\n", "utf-8")
    stage = _quality(tmp_path)
    from altedic.quality.stage import QualityStage

    assert stage.thresholds_for("mt", "web")[0] == QualityStage({}).thresholds_for("mt", "web")[0]
    assert stage.thresholds_for("mt", "legal")[0]["min_words"] == 20


def test_a_null_threshold_still_turns_its_rule_off(tmp_path: Path) -> None:
    (tmp_path / "mt.yaml").write_text("quality:\n  thresholds:\n    min_words: null\n", "utf-8")
    web, _ = _quality(tmp_path).thresholds_for("mt", "web")
    assert (web["min_words"], web["max_words"]) == (None, 100000)


def test_an_empty_langid_section_keeps_the_default_confidences(tmp_path: Path) -> None:
    from altedic.langid.stage import LanguageStage

    (tmp_path / "mt.yaml").write_text("language: mt\nlangid:\n", "utf-8")
    stage = LanguageStage({}, filters_dir=str(tmp_path))
    # before: 0.5, a fallback written in the code, not default.yaml's 0.4
    assert stage.thresholds("mt") == {"min_confidence": 0.4, "mismatch_confidence": 0.8}


def test_a_custom_default_without_langid_takes_the_packaged_defaults(tmp_path: Path) -> None:
    from altedic.langid.stage import LanguageStage

    (tmp_path / "default.yaml").write_text("language: default\nlangid:\n  mismatch_confidence: 0.9\n", "utf-8")
    stage = LanguageStage({}, filters_dir=str(tmp_path))
    assert stage.thresholds(None) == {"min_confidence": 0.4, "mismatch_confidence": 0.9}
    assert load_filters(None)["langid"]["min_confidence"] == 0.4  # the packaged default.yaml's value


@pytest.mark.parametrize(
    ("content", "overrides", "message"),
    [
        (
            "quality:\n  thresholds:\n    min_words: -5\n",
            {},
            "{files}: at 'quality.thresholds.min_words': must be >= 0 (no signal is negative), got -5",
        ),
        (
            "quality:\n  profiles:\n    legal:\n      max_words: ten\n",
            {},
            "{files}: at 'quality.profiles.legal.max_words': must be a number or null, got 'ten'",
        ),
        (
            "quality:\n  profiles:\n    legal:\n      min_wrods: 5\n",
            {},
            "{files}: at 'quality.profiles.legal.min_wrods': unknown threshold 'min_wrods' (did you mean 'min_words'?); "
            "allowed: ",
        ),
        (
            "language: mt\n",
            {"min_words": "20"},
            "at 'stages.quality.overrides.min_words': must be a number or null, got '20'",
        ),
    ],
    ids=["thresholds", "profile", "profile-typo", "overrides"],
)
def test_threshold_errors_name_the_key_where_it_is_written(
    tmp_path: Path, content: str, overrides: dict[str, Any], message: str
) -> None:
    from altedic.quality.rules import THRESHOLD_KEYS
    from altedic.quality.stage import QualityStage

    # before: "at 'min_words'" whether the key was in thresholds, a profile or the recipe
    (tmp_path / "mt.yaml").write_text(content, "utf-8")
    with pytest.raises(ConfigError) as err:
        QualityStage({"overrides": overrides}, filters_dir=str(tmp_path)).thresholds_for("mt", "legal")
    expected = message.format(files=f"filters/default.yaml, filters/mt.yaml, {tmp_path / 'mt.yaml'}")
    if expected.endswith("allowed: "):
        expected += ", ".join(sorted(THRESHOLD_KEYS))
    assert str(err.value) == expected


def test_langid_errors_name_the_files_that_were_merged(tmp_path: Path) -> None:
    from altedic.langid.stage import LanguageStage

    # before: always "filters/<lang>.yaml", and "filters/None.yaml" for a custom default.yaml
    (tmp_path / "mt.yaml").write_text("language: mt\nlangid:\n  min_confidence: 40\n  typical_confidence: 2\n", "utf-8")
    stage = LanguageStage({}, filters_dir=str(tmp_path))
    files = f"filters/default.yaml, filters/mt.yaml, {tmp_path / 'mt.yaml'}"
    with pytest.raises(ConfigError) as err:
        stage.thresholds("mt")
    assert str(err.value) == f"{files}: at 'langid.min_confidence': is 40; allowed: a number 0..1"
    with pytest.raises(ConfigError) as err:
        stage.typical_confidence("mt")
    assert str(err.value) == f"{files}: at 'langid.typical_confidence': is 2; allowed: a number 0..1 or null"
    load_filters.cache_clear()
    (tmp_path / "mt.yaml").unlink()
    (tmp_path / "default.yaml").write_text("language: default\nlangid:\n  mismatch_confidence: yes\n", "utf-8")
    with pytest.raises(ConfigError) as err:
        LanguageStage({}, filters_dir=str(tmp_path)).thresholds(None)
    # yes is a YAML boolean (True == 1 passed the range check before)
    assert (
        str(err.value)
        == f"filters/default.yaml, {tmp_path / 'default.yaml'}: at 'langid.mismatch_confidence': is True; "
        "allowed: a number 0..1"
    )


def test_low_confidence_detail_shows_the_digits_that_tell_score_and_limit_apart() -> None:
    from altedic.langid.stage import LanguageStage
    from altedic.records import Document

    stage = LanguageStage({})
    doc = Document(id="x", text="t", source="s", uri="u", lang="mt", lang_score=0.398)
    stage.decide(doc)
    # before: "mt 0.40 < 0.40"
    assert (doc.reason, doc.reason_detail) == ("langid.low_confidence", "mt 0.398 < 0.400")
    doc = Document(id="y", text="t", source="s", uri="u", lang="mt", lang_score=0.25)
    stage.decide(doc)
    assert (doc.reason, doc.reason_detail) == ("langid.low_confidence", "mt 0.25 < 0.40")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "language: mt\nqualty:\n  thresholds:\n    min_words: 20\n",
            "{file}: unknown section 'qualty' (did you mean 'quality'?); allowed: language, name, langid, quality",
        ),
        (
            "language: mt\nthresholds:\n  min_words: 20\n",
            "{file}: unknown section 'thresholds' (it belongs under 'quality:'); "
            "allowed: language, name, langid, quality",
        ),
        (
            "language: mt\nmin_confidence: 0.3\n",
            "{file}: unknown section 'min_confidence' (it belongs under 'langid:'); "
            "allowed: language, name, langid, quality",
        ),
        (
            "language: mt\nlangid:\n  min_confidance: 0.9\n",
            "{file}: at 'langid.min_confidance': unknown key 'min_confidance' (did you mean 'min_confidence'?); "
            "allowed: min_confidence, mismatch_confidence, typical_confidence",
        ),
        ("language: ga\n", "{file}: at 'language': is 'ga', but the file is mt.yaml: write mt"),
        ("language: mt\nname: [Maltese]\n", "{file}: at 'name': must be a text (the language's name), got ['Maltese']"),
    ],
    ids=["section-typo", "thresholds-at-top", "langid-key-at-top", "langid-key-typo", "language-value", "name"],
)
def test_misspelt_sections_and_keys_are_config_errors(tmp_path: Path, content: str, message: str) -> None:
    # before: all ignored without a word (the defaults applied, the file looked fine)
    (tmp_path / "mt.yaml").write_text(content, "utf-8")
    with pytest.raises(ConfigError) as err:
        load_filters("mt", str(tmp_path))
    assert str(err.value) == message.format(file=tmp_path / "mt.yaml")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("mt.yml", "is never read: rename it to mt.yaml"),
        ("MT.yaml", "is never read: rename it to mt.yaml"),
        ("mlt.yaml", "is never read: rename it to mt.yaml"),
        ("sr-latn.yaml", "is never read: rename it to sr-Latn.yaml"),
        (
            "xx.yaml",
            "'xx' is not a language code altedic knows: a filters file is default.yaml or <code>.yaml, "
            "with the code as altedic writes it (mt.yaml, sr-Latn.yaml)",
        ),
        (
            "defualt.yaml",
            "'defualt' is not a language code altedic knows (did you mean 'default'?): a filters file is "
            "default.yaml or <code>.yaml, with the code as altedic writes it (mt.yaml, sr-Latn.yaml)",
        ),
    ],
)
def test_a_file_whose_name_is_never_read_is_a_config_error(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "mt.yaml").write_text("language: mt\n", "utf-8")
    (tmp_path / "README.md").write_text("Our Maltese settings.\n", "utf-8")  # not YAML: left alone
    (tmp_path / "__init__.py").write_text("", "utf-8")
    (tmp_path / name).write_text("quality:\n  thresholds:\n    min_words: 20\n", "utf-8")
    with pytest.raises(ConfigError) as err:
        load_filters("mt", str(tmp_path))
    assert str(err.value) == f"{tmp_path / name}: {message}"


def test_the_packaged_files_pass_the_checks() -> None:
    from altedic.filters import SECTIONS, check_file, check_names, known_languages

    packaged = Path(__file__).resolve().parents[2] / "filters"
    check_names(str(packaged))
    for lang in [None, *known_languages()]:
        merged = load_filters(lang)
        assert set(merged) == {*SECTIONS, "_files"}, lang
        check_file({k: v for k, v in merged.items() if k != "_files"}, "merged", lang or "default")


def test_a_recipes_filters_travel_with_the_stage_config(tmp_path: Path) -> None:
    import pickle
    import shutil

    from altedic.stages import StageChain, StageConfig

    d = tmp_path / "filters"
    d.mkdir()
    content = "language: mt\nlangid:\n  min_confidence: 0.33\nquality:\n  thresholds:\n    min_words: 7\n"
    (d / "mt.yaml").write_text(content, "utf-8")
    # made where the pipeline is built; pickled as Beam ships a DoFn's settings
    blob = pickle.dumps(StageConfig(normalise={}, langid={}, quality={}, pii={}, filters_dir=str(d)))
    shutil.rmtree(d)  # a worker that cannot see the driver's directory
    load_filters.cache_clear()
    config = pickle.loads(blob)
    chain = StageChain(config)
    thresholds, label = chain.quality.thresholds_for("mt", "web")  # type: ignore[union-attr]
    # before: only the path travelled, and the worker used the packaged filters (min_words 50)
    assert (thresholds["min_words"], label) == (
        7,
        f"profile web; filters/default.yaml, filters/mt.yaml, {d / 'mt.yaml'}",
    )
    assert chain.langid.thresholds("mt") == {"min_confidence": 0.33, "mismatch_confidence": 0.8}  # type: ignore[union-attr]
    assert config.filters_dir.files == (("mt", content),)  # the contents, read once on the driver


RECIPE = """\
version: 1
name: t
filters_dir: filters
sources:
  - name: news
    format: jsonl
    paths: data/*.jsonl
    language: de
    licence: CC-BY-4.0
    profile: legal
    options: {columns: {text: body}}
stages:
  langid: {}
  quality: {}
output: {path: out}
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "language: mt\nquality:\n  profiles:\n    legal:\n      max_dup_line_frac: 39.5\n",
            "{files}: at 'quality.profiles.legal.max_dup_line_frac': must be a share between 0 and 1 "
            "(dup_line_frac is one), got 39.5 (a percentage? 39.5% is 0.395)",
        ),
        (
            "language: mt\nquality:\n  stop_words: [u, 5]\n",
            "{files}: at 'quality.stop_words': must be a list of non-empty strings",
        ),
        (
            "language: mt\nlangid:\n  min_confidence: high\n",
            "{files}: at 'langid.min_confidence': is 'high'; allowed: a number 0..1",
        ),
        (
            "language: mt\nlangid:\n  typical_confidence: 1.5\n",
            "{files}: at 'langid.typical_confidence': is 1.5; allowed: a number 0..1 or null",
        ),
    ],
    ids=["profile-threshold", "stop-words", "min-confidence", "typical-confidence"],
)
def test_validate_checks_every_language_file_before_any_work(tmp_path: Path, content: str, message: str) -> None:
    from altedic.recipe import load_recipe
    from altedic.run import check_stages

    # the sources are German: before, mt.yaml was read only on a worker when a Maltese document
    # arrived (a Beam traceback mid-run), here never; `altedic validate` checked default.yaml only
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.jsonl").write_text('{"body": "x"}\n', "utf-8")
    (tmp_path / "filters").mkdir()
    (tmp_path / "filters" / "mt.yaml").write_text(content, "utf-8")
    (tmp_path / "r.yaml").write_text(RECIPE, "utf-8")
    recipe = load_recipe(tmp_path / "r.yaml")
    with pytest.raises(ConfigError) as err:
        check_stages(recipe)
    files = f"filters/default.yaml, filters/mt.yaml, {tmp_path / 'filters' / 'mt.yaml'}"
    assert str(err.value) == message.format(files=files)


def test_validate_passes_on_the_packaged_filters(tmp_path: Path) -> None:
    from altedic.recipe import load_recipe
    from altedic.run import check_stages

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.jsonl").write_text('{"body": "x"}\n', "utf-8")
    (tmp_path / "filters").mkdir()
    (tmp_path / "r.yaml").write_text(RECIPE, "utf-8")
    # no error; the one note is the dedup stage's (it runs with its defaults)
    assert [n.split(":")[0] for n in check_stages(load_recipe(tmp_path / "r.yaml"))] == ["dedup"]


def test_a_recipes_default_yaml_holds_only_its_changes(tmp_path: Path) -> None:
    """A recipe's default.yaml replaced the packaged one: setting one threshold turned off every
    rule it did not list (max_words, the duplicate-line rules...), the legal and parliament
    profiles and langid.mismatch_confidence, without a word."""
    from altedic.langid.stage import LanguageStage
    from altedic.quality.stage import QualityStage

    (tmp_path / "default.yaml").write_text("quality:\n  thresholds:\n    min_words: 5\n", "utf-8")
    stage = QualityStage({}, filters_dir=str(tmp_path))
    packaged = QualityStage({})
    for lang, profile in (("mt", "web"), ("ga", "legal"), ("el", "parliament"), ("xx", "web")):
        mine, label = stage.thresholds_for(lang, profile)
        theirs, _ = packaged.thresholds_for(lang, profile)
        changed = {k: (theirs[k], v) for k, v in mine.items() if theirs[k] != v}
        # the web min_words the recipe set; the profiles set their own
        assert changed == ({"min_words": (50, 5)} if profile == "web" else {}), (lang, profile)
    assert label == f"profile web; filters/default.yaml, {tmp_path / 'default.yaml'}"
    assert stage.thresholds_for("mt", "web")[1] == (
        f"profile web; filters/default.yaml, {tmp_path / 'default.yaml'}, filters/mt.yaml"
    )
    assert LanguageStage({}, filters_dir=str(tmp_path)).thresholds("mt") == LanguageStage({}).thresholds("mt")


def test_a_recipes_language_file_is_merged_over_the_packaged_one(tmp_path: Path) -> None:
    """A recipe's mt.yaml changing one threshold kept the rest of the packaged mt.yaml's
    calibration only if it copied the whole file; now it holds its change alone."""
    from altedic.quality.stage import QualityStage

    (tmp_path / "mt.yaml").write_text("quality:\n  thresholds:\n    max_mean_word_length: 14\n", "utf-8")
    mine, label = QualityStage({}, filters_dir=str(tmp_path)).thresholds_for("mt", "web")
    theirs, _ = QualityStage({}).thresholds_for("mt", "web")
    assert {k: (theirs[k], v) for k, v in mine.items() if theirs[k] != v} == {"max_mean_word_length": (13, 14)}
    assert label == f"profile web; filters/default.yaml, filters/mt.yaml, {tmp_path / 'mt.yaml'}"


@pytest.mark.parametrize(
    ("where", "text", "hint"),
    [
        ("mt.yaml", "quality:\n  profiles:\n    legl:\n      min_words: 10\n", " (did you mean 'legal'?)"),
        ("ga.yaml", "quality:\n  profiles:\n    forum:\n      min_words: 10\n", ""),
    ],
    ids=["misspelt", "new-in-a-language-file"],
)
def test_a_profile_no_default_defines_is_refused(tmp_path: Path, where: str, text: str, hint: str) -> None:
    """Before, 'legl:' was a new profile no source used, and Maltese legal text kept the default
    legal thresholds without a word."""
    from altedic.quality.stage import QualityStage

    (tmp_path / where).write_text(text, "utf-8")
    lang = where[:2]
    name = text.split("\n")[2].strip(" :")
    with pytest.raises(ConfigError) as err:
        QualityStage({}, filters_dir=str(tmp_path)).thresholds_for(lang, "web")
    assert str(err.value) == (
        f"{tmp_path / where}: at 'quality.profiles.{name}': profile {name!r} is not defined in "
        f"filters/default.yaml{hint}; defined: legal, parliament, web. A new profile is added to a default.yaml "
        "(a recipe's filters_dir may have one), then tuned per language"
    )
    # defined in the recipe's default.yaml, a language may tune it
    (tmp_path / "default.yaml").write_text(f"quality:\n  profiles:\n    {name}:\n      min_words: 30\n", "utf-8")
    load_filters.cache_clear()
    assert QualityStage({}, filters_dir=str(tmp_path)).thresholds_for(lang, name)[0]["min_words"] == 10


def test_a_variants_files_merge_over_its_base_languages(tmp_path: Path) -> None:
    """The first name with any file was taken alone: the packaged sr-Latn.yaml hid a recipe's
    sr.yaml."""
    (tmp_path / "sr.yaml").write_text("quality:\n  thresholds:\n    min_words: 30\n", "utf-8")
    sr = load_filters("sr-Latn", str(tmp_path))
    assert sr["_files"] == [
        "filters/default.yaml",
        "filters/sr.yaml",
        str(tmp_path / "sr.yaml"),
        "filters/sr-Latn.yaml",
    ]
    # the recipe's change, and the Latin file's own values over the Cyrillic one's
    assert sr["quality"]["thresholds"]["min_words"] == 30
    assert sr["quality"]["thresholds"]["min_alpha_words_ratio"] == 0.788  # sr-Latn.yaml (sr.yaml: 0.8)
    assert sr["quality"]["stop_words"] == load_filters("sr-Latn")["quality"]["stop_words"]  # the Latin list
