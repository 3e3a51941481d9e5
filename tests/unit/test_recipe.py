"""Recipe validation: every kind of bad recipe stops before any work with file, key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from altedic.errors import ConfigError
from altedic.recipe import load_recipe

GOOD = """\
version: 1
name: t
sources:
  - name: news
    format: jsonl
    paths: data/*.jsonl
    language: mlt
    licence: CC-BY-4.0
    retrieved: 2026-11-01
    options: {columns: {text: body}}
output: {path: out}
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "a.jsonl").write_text('{"body": "x"}\n', encoding="utf-8")
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_recipe_resolves_paths_against_the_recipe(tmp_path: Path) -> None:
    r = load_recipe(_write(tmp_path, GOOD))
    assert r.name == "t"
    assert r.output == str(tmp_path / "out")
    (s,) = r.sources
    assert (s.name, s.format, s.paths, s.root, s.language, s.licence, s.retrieved, s.licence_evidence) == (
        "news",
        "jsonl",
        [str(tmp_path / "data" / "*.jsonl")],
        str(tmp_path / "data"),
        "mlt",
        "CC-BY-4.0",
        "2026-11-01",
        "recipe",
    )
    assert s.options == {"columns": {"text": "body"}}
    assert r.resolved()["output"]["path"] == str(tmp_path / "out")


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (("version: 1\n", "version: 2\n"), "version", "1 was expected"),
        (("name: t\n", ""), "(top level)", "'name' is a required property"),
        (
            ("output: {path: out}\n", "output: {path: out}\nextra: 1\n"),
            "(top level)",
            "unknown key(s) 'extra'; allowed keys:",
        ),
        (("    format: jsonl\n", "    format: jsonl\n    colour: red\n"), "sources[0]", "unknown key(s) 'colour'"),
        (("    paths: data/*.jsonl\n", ""), "sources[0]", "'paths' is a required property"),
        (
            ("output: {path: out}\n", "output: {path: out, compression: lz4}\n"),
            "output.compression",
            "allowed values: 'zstd'",
        ),
        (("output: {path: out}\n", "output: {path: out, shard_size_mb: -3}\n"), "output.shard_size_mb", "-3"),
        (("name: t\n", "name: 'bad name!'\n"), "name", "does not match"),
        (("    format: jsonl\n", "    format: [jsonl]\n"), "sources[0].format", "wrong type"),
        # passed validation, then OverflowError / ValueError tracebacks at the run's start
        (
            ("output: {path: out}\n", "output: {path: out, shard_size_mb: .inf}\n"),
            "output.shard_size_mb",
            "inf is greater than the maximum of 1048576",
        ),
        (
            ("output: {path: out}\n", "output: {path: out, shard_size_mb: .nan}\n"),
            "output.shard_size_mb",
            "NaN is not a value a recipe can hold",
        ),
        (
            ("output: {path: out}\n", "output: {path: out}\nstages: {normalise: {min_chars: .nan}}\n"),
            "stages.normalise.min_chars",
            "NaN is not a value",
        ),
        # free text where the statistics and the AI Act summary take a date's range
        (("retrieved: 2026-11-01\n", "retrieved: yesterday\n"), "sources[0].retrieved", "'yesterday' does not match"),
    ],
)
def test_bad_recipes_name_file_key_and_allowed(tmp_path: Path, change: tuple[str, str], key: str, message: str) -> None:
    p = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as exc:
        load_recipe(p)
    assert exc.value.file == str(p)
    assert exc.value.key == key
    assert message in str(exc.value)


def test_unknown_format_lists_known_ones(tmp_path: Path) -> None:
    p = _write(tmp_path, GOOD.replace("format: jsonl", "format: docx"))
    with pytest.raises(ConfigError, match=r"unknown format 'docx'; known formats: .*formex.*jsonl") as exc:
        load_recipe(p)
    assert exc.value.key == "sources[0].format"


def test_duplicate_source_names(tmp_path: Path) -> None:
    src = GOOD.split("sources:\n")[1].split("output:")[0]
    p = _write(tmp_path, GOOD.replace("output:", src + "output:", 1))
    with pytest.raises(ConfigError, match="used twice") as exc:
        load_recipe(p)
    assert exc.value.key == "sources[1].name"


def test_not_yaml_not_mapping_missing_file_and_filters_dir(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_recipe(_write(tmp_path, "version: [1\n"))
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_recipe(_write(tmp_path, "- 1\n- 2\n"))
    with pytest.raises(ConfigError, match="recipe file not found"):
        load_recipe(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="does not exist") as exc:
        load_recipe(_write(tmp_path, GOOD + "filters_dir: nowhere\n"))
    assert exc.value.key == "filters_dir"


def test_paths_matching_nothing_fail_before_any_work(tmp_path: Path) -> None:
    from altedic.run import plan_sources

    r = load_recipe(_write(tmp_path, GOOD.replace("data/*.jsonl", "data/*.csv")))
    with pytest.raises(ConfigError, match=r"matches no files"):
        plan_sources(r)


def test_shipped_recipes_are_valid(repo_root: Path) -> None:
    recipes = sorted((repo_root / "pipelines").glob("*.yaml"))
    assert "demo.yaml" in [p.name for p in recipes]
    for p in recipes:
        assert load_recipe(p).sources


@pytest.mark.parametrize(
    ("options", "key", "message"),
    [
        (
            "{encoding: x-bogus}",
            "sources[0].options.encoding",
            "'x-bogus' is not an encoding Python knows; use a text encoding such as utf-8, utf-16-le, cp1252 or iso-8859-2",
        ),
        (
            "{encoding: hex}",
            "sources[0].options.encoding",
            "'hex' is not a text encoding (a transform, or a codec no file is written in); "
            "use a text encoding such as utf-8, utf-16-le, cp1252 or iso-8859-2",
        ),
        (
            "{delimiter: ';;'}",
            "sources[0].options.delimiter",
            "';;' is not a CSV delimiter; give one character (not a line break or '\"'), such as ',', ';' or a tab",
        ),
        # a column named 5 was looked for in every row: each row an error, the run "fine"
        (
            "{columns: {text: 5}}",
            "sources[0].options.columns",
            "text: a column name is a non-empty string, got 5 (quote it in YAML: '5')",
        ),
        (
            "{columns: {text: body, author: writer}}",
            "sources[0].options.columns",
            "has unknown field(s) ['author']; allowed: text, id, lang, url, date, title, licence",
        ),
        (
            "{columns: {text: body}, keep_fields: body}",
            "sources[0].options.keep_fields",
            "must be a list of column names (non-empty strings), got 'body'",
        ),
        # int() made 0.5 zero: every record "larger than options.max_record_mb=0 MB", validate "valid"
        (
            "{columns: {text: body}, max_record_mb: 0}",
            "sources[0].options.max_record_mb",
            "must be a positive number of MB (0.5 is 512 KiB), not 0",
        ),
        (
            "{columns: {text: body}, max_decompressed_mb: big}",
            "sources[0].options.max_decompressed_mb",
            "must be a positive number of MB (0.5 is 512 KiB), not 'big'",
        ),
        (
            "{columns: {text: body}, max_members: 2.5}",
            "sources[0].options.max_members",
            "must be a positive integer, not 2.5",
        ),
    ],
)
def test_bad_encoding_or_delimiter_stops_before_any_work(tmp_path: Path, options: str, key: str, message: str) -> None:
    p = _write(tmp_path, GOOD.replace("options: {columns: {text: body}}", f"options: {options}"))
    with pytest.raises(ConfigError) as exc:
        load_recipe(p)
    assert (exc.value.file, exc.value.key) == (str(p), key)
    assert str(exc.value) == f"{p}: at '{key}': {message}"
    # a text encoding under another spelling and a one-character delimiter are fine
    good = GOOD.replace("options: {columns: {text: body}}", "options: {encoding: UTF-16LE, delimiter: ';'}")
    assert load_recipe(_write(tmp_path, good)).sources[0].options == {"encoding": "UTF-16LE", "delimiter": ";"}


@pytest.mark.parametrize("retrieved", ["2026-11-01", "'2026-11-01'", "2026-11-01T10:00:00Z", "2026-11-01 10:00:00"])
def test_retrieved_date_with_or_without_time(tmp_path: Path, retrieved: str) -> None:
    (s,) = load_recipe(_write(tmp_path, GOOD.replace("retrieved: 2026-11-01\n", f"retrieved: {retrieved}\n"))).sources
    assert s.retrieved is not None and s.retrieved.startswith("2026-11-01")


def test_quality_threshold_nan_or_negative_is_refused(tmp_path: Path) -> None:
    """NaN turned a rule off without a word (every comparison with it is false); a negative max
    rejected everything."""
    from altedic.quality.rules import check_thresholds

    for value, message in [
        (float("nan"), "at 'quality.thresholds.min_words': must be a number or null, got NaN (null turns a rule off)"),
        (-0.5, "at 'quality.thresholds.max_dup_line_frac': must be >= 0 (no signal is negative), got -0.5"),
    ]:
        key = "min_words" if value != value else "max_dup_line_frac"
        with pytest.raises(ConfigError) as exc:
            check_thresholds({key: value}, "filters/mt.yaml", "quality.thresholds.")
        assert str(exc.value) == f"filters/mt.yaml: {message}"
    check_thresholds(
        {"min_words": 0, "max_words": float("inf"), "min_lang_score": None}, "filters/mt.yaml", "quality.thresholds."
    )


@pytest.mark.parametrize("language", ["xq", "Klingonese", "5"])
def test_unknown_source_language_stops_at_loading(tmp_path: Path, language: str) -> None:
    """`altedic validate` said such a recipe was valid; `altedic run` then stopped at planning."""
    with pytest.raises(ConfigError) as err:
        load_recipe(_write(tmp_path, GOOD.replace("language: mlt", f"language: '{language}'")))
    assert (err.value.key, str(err.value).split(": at 'sources[0].language': ")[1]) == (
        "sources[0].language",
        f"unknown language code {language!r}: give an ISO 639 code (mt, ga, el), a locale (pt-BR) or the "
        "language's name (Maltese, Malti); leave it out, or write mul, for a source in several languages",
    )


@pytest.mark.parametrize(("language", "declared"), [("mul", None), ("und", None), ("Malti", "mt"), ("pt-BR", "pt")])
def test_a_source_in_several_languages_may_say_mul(tmp_path: Path, language: str, declared: str | None) -> None:
    """`language: mul` stopped the run with "unknown language code 'mul'"; it now plans the source
    as undeclared, and names of languages are read as before."""
    from altedic.run import plan_sources

    recipe = load_recipe(_write(tmp_path, GOOD.replace("language: mlt", f"language: {language}")))
    assert [i.declared_lang for i in plan_sources(recipe).infos] == [declared]


@pytest.mark.parametrize(
    ("stages", "key", "message"),
    [
        # accepted without a word before: the setting silently did nothing
        (
            "{dedup: {source_priority: [nws]}}",
            "stages.dedup.source_priority",
            "no source is named 'nws' (did you mean 'news'?); the sources are: news",
        ),
        (
            "{pii: {sources: {portal: drop}}}",
            "stages.pii.sources",
            "no source is named 'portal'; the sources are: news",
        ),
        (
            "{dedup: {quality_key: wrds}}",
            "stages.dedup.quality_key",
            "'wrds' is not a quality signal (did you mean 'words'?); signals: chars, tokens, words, "
            "mean_word_length, alpha_words_ratio, stop_words, hash_ratio, ellipsis_ratio, bullet_lines_ratio, "
            "ellipsis_lines_ratio, dup_para_frac, dup_para_char_frac, dup_line_frac, dup_line_char_frac, "
            "top_2_gram_char_frac, top_3_gram_char_frac, top_4_gram_char_frac, dup_5_gram_char_frac, "
            "dup_6_gram_char_frac, dup_7_gram_char_frac, dup_8_gram_char_frac, dup_9_gram_char_frac, "
            "dup_10_gram_char_frac, c4_sentences, lorem_ipsum, curly_bracket, line_punct_ratio, short_line_ratio, "
            "char_dup_ratio, newline_ratio, lang_score",
        ),
        # the stages named the key but not the recipe file
        (
            "{pii: {mode: redakt}}",
            "stages.pii.mode",
            "must be one of ['redact', 'tag', 'drop', 'off'], got 'redakt'",
        ),
    ],
)
def test_stage_settings_that_name_nothing_are_refused_with_the_file(
    tmp_path: Path, stages: str, key: str, message: str
) -> None:
    from altedic.run import check_stages

    p = _write(tmp_path, GOOD.replace("output: {path: out}\n", f"stages: {stages}\noutput: {{path: out}}\n"))
    with pytest.raises(ConfigError) as exc:
        check_stages(load_recipe(p), [("news", "default")], ["news"])
    assert str(exc.value) == f"{p}: at '{key}': {message}"
    # the right names pass
    good = GOOD.replace(
        "output: {path: out}\n",
        "stages: {dedup: {source_priority: [news], quality_key: words}, pii: {sources: {news: tag}}}\n"
        "output: {path: out}\n",
    )
    check_stages(load_recipe(_write(tmp_path, good)), [("news", "default")], ["news"])


def test_a_refused_source_may_be_named_and_wrong_values_are_config_errors(tmp_path: Path) -> None:
    """The check took only the allowed sources: naming a source the licence policy refuses (it
    may be allowed another day) stopped validate and run with "no source is named 'nc'". A
    source_priority that is no list of names gave a TypeError traceback (5, [[news]]) or was
    read letter by letter ('news')."""
    from altedic.run import check_stages, plan_names, plan_sources

    nc = GOOD.replace(
        "output: {path: out}\n",
        "  - {name: nc, format: jsonl, paths: data/*.jsonl, licence: CC-BY-NC-4.0, options: {columns: {text: body}}}\n"
        "stages: {dedup: {source_priority: [nc, news]}, pii: {sources: {nc: 'off'}}}\noutput: {path: out}\n",
    )
    recipe = load_recipe(_write(tmp_path, nc))
    plan = plan_sources(recipe)
    assert ([i.name for i in plan.infos], [r.name for r in plan.refused]) == (["news"], ["nc"])
    assert check_stages(recipe, [(i.name, i.profile) for i in plan.infos], plan_names(plan))
    for value, message in (
        ("5", "must be a list of non-empty strings, got 5"),
        ("[[news]]", "must be a list of non-empty strings, got [['news']]"),
        ("news", "must be a list of non-empty strings, got 'news'"),
    ):
        p = _write(
            tmp_path,
            GOOD.replace(
                "output: {path: out}\n", f"stages: {{dedup: {{source_priority: {value}}}}}\noutput: {{path: out}}\n"
            ),
        )
        with pytest.raises(ConfigError) as exc:
            check_stages(load_recipe(p), [("news", "default")], ["news"])
        assert str(exc.value) == f"{p}: at 'stages.dedup.source_priority': {message}"
    # with dedup off its settings name nothing that is used
    off = GOOD.replace(
        "output: {path: out}\n", "stages: {dedup: {enabled: false, source_priority: [nws]}}\noutput: {path: out}\n"
    )
    check_stages(load_recipe(_write(tmp_path, off)), [("news", "default")], ["news"])


def test_a_recipe_without_a_dedup_section_deduplicates_with_the_defaults(tmp_path: Path) -> None:
    """Leaving stages.dedup out turned deduplication off without a word; the other stages run
    with their defaults when their section is left out."""
    from altedic.dedup.config import DedupConfig
    from altedic.run import check_stages, dedup_config

    recipe = load_recipe(_write(tmp_path, GOOD))
    assert "dedup" not in recipe.stages
    assert dedup_config(recipe) == DedupConfig.from_dict({})
    assert check_stages(recipe)[-1].startswith("dedup: MinHash 14 bands x 8 rows")
    off = GOOD.replace("output: {path: out}\n", "stages: {dedup: {enabled: false}}\noutput: {path: out}\n")
    assert dedup_config(load_recipe(_write(tmp_path, off))) is None


RELEASE_DATES = (
    GOOD
    + """\
release:
  provider: ALT-EDIC
  model: EuroLM-1
  placed_on_market: 2027-01-15
  sources:
    news: {category: crawled, crawler: altedic-crawl/0.1, period: 2026-09-01}
stages:
  normalise: {min_chars: 1}
"""
)


def test_yaml_dates_anywhere_in_the_recipe_are_iso_text(tmp_path: Path) -> None:
    """Only sources[].retrieved was converted: an unquoted date in `release:` (as summary.py's own
    example writes placed_on_market) passed validate and broke the run at its very end, when the
    summary and the manifest were written as JSON."""
    import json

    r = load_recipe(_write(tmp_path, RELEASE_DATES.replace("retrieved: 2026-11-01", "retrieved: 2026-11-01T10:00:00")))
    assert r.data["release"]["placed_on_market"] == "2027-01-15"
    assert r.data["release"]["sources"]["news"]["period"] == "2026-09-01"
    assert r.sources[0].retrieved == "2026-11-01T10:00:00"
    recorded = json.loads(json.dumps(r.resolved(), sort_keys=True))
    assert recorded["release"]["placed_on_market"] == "2027-01-15"


@pytest.mark.parametrize(
    ("release", "key", "message"),
    [
        ("  tdm_measures: 5\n", "release.tdm_measures", "value 5 has the wrong type; expected string"),
        ("  sources: {news: open}\n", "release.sources.news", "value 'open' has the wrong type; expected object"),
        ("  sources: [news]\n", "release.sources", "value ['news'] has the wrong type; expected object"),
        (
            "  sources: {news: {category: bogus}}\n",
            "release.sources.news.category",
            "value 'bogus' is not allowed; allowed values: 'public', 'licensed', 'private', 'crawled', 'user', "
            "'synthetic', 'other'",
        ),
        (
            "  placed_on_market: soon\n",
            "release.placed_on_market",
            "'soon' does not match '^\\\\d{4}-\\\\d{2}-\\\\d{2}([T ].*)?$'",
        ),
        (
            "  model: {name: x}\n",
            "release.model",
            "value {'name': 'x'} has the wrong type; expected string or array of strings or null",
        ),
        (
            "  providr: x\n",
            "release",
            "unknown key(s) 'providr'; allowed keys: authorised_representative, "
            "code_of_practice_signatory, contact, illegal_content_measures, model, model_dependencies, placed_on_market, "
            "provider, sources, tdm_measures, types_of_content",
        ),
        (
            "  sources: {1: {category: public}, news: {category: public}}\n",
            "release.sources",
            "the key 1 is not text (YAML reads unquoted numbers, yes/no and on/off as numbers and booleans): quote it",
        ),
        (
            "  types_of_content: !!set {a, b}\n",
            "release.types_of_content",
            "a set is not a value a recipe can hold (text, number, boolean, null, list or mapping)",
        ),
    ],
)
def test_release_values_the_summary_cannot_print_stop_at_validation(
    tmp_path: Path, release: str, key: str, message: str
) -> None:
    """Each of these passed `altedic validate` and then broke `altedic run` after all its work
    (a TypeError or AttributeError in the summary or when the manifest was written, or a
    ConfigError for the category), leaving the staging folder and no _SUCCESS."""
    p = _write(tmp_path, GOOD + "release:\n" + release)
    with pytest.raises(ConfigError) as exc:
        load_recipe(p)
    assert str(exc.value) == f"{p}: at '{key}': {message}"


@pytest.mark.parametrize(
    ("release", "key", "message"),
    [
        (
            "  sources: {nwes: {category: crawled}}\n",
            "release.sources.nwes",
            "no source is named 'nwes' (did you mean 'news'?); the recipe's sources: news",
        ),
        (
            "  sources: {news: {crawler: bot/1}}\n",
            "release.sources.news.crawler",
            "'crawler' describes a source of category 'crawled': give 'category: crawled' (the summary lists a "
            "source under its category, so this would not appear)",
        ),
        (
            "  sources: {news: {category: public, generating_model: m}}\n",
            "release.sources.news.generating_model",
            "'generating_model' describes a source of category 'synthetic': give 'category: synthetic' (the summary "
            "lists a source under its category, so this would not appear)",
        ),
        (
            "  sources: {news: {category: crawled, crawler_behavior: x}}\n",
            "release.sources.news",
            "unknown key(s) 'crawler_behavior'; allowed keys: category, crawler, crawler_behaviour, crawler_purpose, "
            "description, generating_model, link, period",
        ),
    ],
)
def test_release_sources_name_the_recipes_sources_with_fields_of_their_category(
    tmp_path: Path, release: str, key: str, message: str
) -> None:
    """A misspelt source name or a crawler given without `category: crawled` was accepted and left
    out of the summary without a word."""
    p = _write(tmp_path, GOOD + "release:\n" + release)
    with pytest.raises(ConfigError) as exc:
        load_recipe(p)
    assert str(exc.value) == f"{p}: at '{key}': {message}"
    ok = "  sources: {news: {category: crawled, crawler: bot/1, crawler_purpose: p, crawler_behaviour: b}}\n"
    assert load_recipe(_write(tmp_path, GOOD + "release:\n" + ok)).data["release"]["sources"]["news"]["crawler"]
