"""Filters files (altedic.filters): reading, merging, checking and shipping ``filters/<lang>.yaml``."""

from __future__ import annotations

from pathlib import Path

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
