"""altedic.yamlload: the C safe loader gives the same values as PyYAML's pure-Python one, and
refuses a key written twice in a mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from altedic import yamlload

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [*ROOT.glob("filters/*.yaml"), *ROOT.glob("altedic/**/*.yaml"), *ROOT.glob("pipelines/**/*.yaml")],
    key=str,
)


def test_uses_libyaml_when_pyyaml_has_it() -> None:
    # the duplicate-key check only changes how mappings are built: the parser stays libyaml's
    if getattr(yaml, "__with_libyaml__", False):
        assert yamlload._Loader.__mro__[1] is yaml.CSafeLoader
        assert issubclass(yamlload._Loader, yaml._yaml.CParser)
    else:
        assert yamlload._Loader.__mro__[1] is yaml.SafeLoader


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_values_as_pure_python_loader(path: Path) -> None:
    text = path.read_text("utf-8")
    assert yamlload.safe_load(text) == yaml.safe_load(text)


def test_tricky_scalars_and_unicode() -> None:
    text = "a: 1e3\nb: 0o17\nc: yes\nd: ~\ne: '2026-11-22'\nf: 2026-11-22\ng: Għawdex\nh: [1, {x: .5}]\n"
    assert yamlload.safe_load(text) == yaml.safe_load(text)


def test_no_object_tags_and_errors_are_yaml_errors() -> None:
    with pytest.raises(yaml.YAMLError):
        yamlload.safe_load("!!python/object/apply:os.system ['true']")
    with pytest.raises(yaml.YAMLError):
        yamlload.safe_load("a: [1, 2\nb: 3")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "quality:\n  thresholds:\n    min_words: 20\n    max_words: 900\n    min_words: 500\n",
            "duplicate key 'min_words' at line 5, column 5 (first at line 3); a key may appear once in a mapping",
        ),
        (
            "name: a\nsources: []\nname: b\n",
            "duplicate key 'name' at line 3, column 1 (first at line 1); a key may appear once in a mapping",
        ),
        (
            "x: {a: 1, b: 2, a: 3}\n",
            "duplicate key 'a' at line 1, column 17 (first at line 1); a key may appear once in a mapping",
        ),
        # YAML 1.1 booleans: two spellings of one key
        (
            "yes: 1\ntrue: 2\n",
            "duplicate key True at line 2, column 1 (first at line 1); a key may appear once in a mapping",
        ),
    ],
    ids=["nested", "top-level", "flow", "bool-spellings"],
)
def test_duplicate_key_is_refused_naming_key_and_lines(text: str, message: str) -> None:
    # PyYAML keeps the last value without a word: min_words silently became 500
    assert yaml.safe_load(text) is not None
    with pytest.raises(yaml.YAMLError) as err:
        yamlload.safe_load(text)
    assert str(err.value) == message


def test_equal_looking_keys_of_different_types_and_merge_overrides_are_kept() -> None:
    assert yamlload.safe_load('1: a\n"1": b\n') == {1: "a", "1": "b"}
    text = "base: &b {p: 1, q: 2}\nover:\n  <<: *b\n  p: 5\n"
    assert yamlload.safe_load(text) == yaml.safe_load(text) == {"base": {"p": 1, "q": 2}, "over": {"p": 5, "q": 2}}


def test_a_filters_file_with_a_duplicate_key_is_a_config_error(tmp_path: Path) -> None:
    from altedic.errors import ConfigError
    from altedic.filters import load_filters

    (tmp_path / "mt.yaml").write_text("quality:\n  thresholds:\n    min_words: 20\n    min_words: 500\n", "utf-8")
    load_filters.cache_clear()
    with pytest.raises(ConfigError) as err:
        load_filters("mt", str(tmp_path))
    load_filters.cache_clear()
    assert str(err.value) == (
        f"{tmp_path / 'mt.yaml'}: not valid YAML: duplicate key 'min_words' at line 4, column 5 (first at line 3); "
        "a key may appear once in a mapping"
    )
