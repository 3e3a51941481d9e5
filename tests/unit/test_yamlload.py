"""altedic.yamlload: the C safe loader gives the same values as PyYAML's pure-Python one."""

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
    if getattr(yaml, "__with_libyaml__", False):
        assert yamlload._Loader is yaml.CSafeLoader
    else:
        assert yamlload._Loader is yaml.SafeLoader


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
