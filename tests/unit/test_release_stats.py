"""Release statistics: exact figures on the synthetic release, associative merging, accounting."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
import release_fixture as rf

from altedic.release.stats import (
    PartialStats,
    check_accounting,
    length_bin_labels,
    quality_bin_labels,
    release_partials,
    release_stats,
)
from altedic.schema import arrow_schema, to_row


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("rel")
    return out, rf.build_release(out)


def _expected(docs: list[Any]) -> dict[str, int]:
    """Counters computed independently of the implementation (Python str methods)."""
    return {
        "documents": len(docs),
        "characters": sum(len(d.text) for d in docs),
        "words": sum(len(d.text.split()) for d in docs),
        "bytes": sum(len(d.text.encode("utf-8")) for d in docs),
        "tokens_est": sum(math.ceil(len(d.text.encode("utf-8")) / 4) for d in docs),
    }


def test_totals_and_languages_match_independent_counts(release: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = release
    stats = release_stats(out, manifest)
    kept, rejected = rf.kept_documents(), rf.rejected_documents()
    assert stats["totals"]["kept"] == _expected(kept)
    assert stats["totals"]["rejected"] == _expected(rejected)
    assert stats["totals"]["errors"] == 2
    assert stats["totals"]["read"] == 20
    assert set(stats["languages"]) == {"bg", "ca", "el", "eu", "fy", "ga", "lb", "mt", "und"}
    assert stats["languages"]["mt"]["kept"] == _expected([d for d in kept if d.lang == "mt"])
    # Greek and Bulgarian are two UTF-8 bytes per letter: more estimated tokens per character.
    el = stats["languages"]["el"]["kept"]
    assert el["bytes"] > el["characters"]
    assert stats["languages"]["mt"]["rejected"]["quality.stop_words"]["documents"] == 2
    assert stats["languages"]["und"]["rejected"] == {"langid.undetermined": _expected([rejected[4]])}
    assert stats["reasons"] == {
        "dedup.exact": {"ga": 1},
        "dedup.near": {"mt": 1},
        "langid.undetermined": {"und": 1},
        "quality.stop_words": {"mt": 2},
        "quality.too_short": {"ca": 1},
    }
    assert stats["token_estimator"]["name"] == "utf8_bytes_div_4"


def test_sources_errors_and_provenance(release: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = release
    stats = release_stats(out, manifest)
    s = stats["sources"]
    assert {
        k: (v["read"], v["kept"]["documents"], v["rejected_total"]["documents"], v["errors_total"])
        for k, v in s.items()
    } == {
        "community-mt": (4, 1, 2, 1),
        "eu-acts": (8, 6, 2, 0),
        "regional-web": (8, 5, 2, 1),
    }
    assert s["community-mt"]["errors"] == {"schema": 1}
    assert s["regional-web"]["errors"] == {"archive": 1}
    assert s["eu-acts"]["languages"] == ["bg", "el", "ga", "mt"]
    assert {k: v["documents"] for k, v in stats["licences"].items()} == {
        "CC-BY-4.0": 1,
        "CC0-1.0": 5,
        "EU-Reuse-2011-833": 6,
    }
    assert stats["licences"]["CC0-1.0"]["languages"] == {"ca": 2, "eu": 1, "fy": 1, "lb": 1}
    assert list(stats["domains"])[:2] == ["none", "vilaweb.cat"]
    assert stats["domains"]["vilaweb.cat"]["documents"] == 2
    assert set(stats["domains"]) == {"none", "vilaweb.cat", "rtl.lu", "berria.eus", "omropfryslan.nl"}
    assert stats["publishers"]["Publications Office of the EU"]["documents"] == 6
    assert stats["dates"] == {
        "retrieved": {"min": "2026-09-15", "max": "2026-11-01"},
        "date": {"min": None, "max": None},
    }


def test_distributions_cluster_sizes_quality_and_pii(release: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = release
    stats = release_stats(out, manifest)
    assert stats["cluster_sizes"]["mt"] == {"1": 2, "2": 1}
    assert stats["cluster_sizes"]["ga"] == {"1": 1, "3": 1}
    # Length bins: every kept Irish text has 45..46 characters -> bin "32" ([32, 64)).
    assert stats["distributions"]["length_chars"]["ga"]["kept"] == {"32": 2}
    assert stats["distributions"]["length_chars"]["ca"]["quality.too_short"] == {"4": 1}
    # lang_score = 0.5 + (i % 5) / 10 for fixture document i; Maltese kept i = 0, 1, 2.
    assert stats["distributions"]["lang_score"]["mt"]["kept"] == {"0.50": 1, "0.60": 1, "0.70": 1}
    assert stats["distributions"]["lang_score"]["und"]["langid.undetermined"] == {"none": 1}
    q = stats["quality"]["stop_word_ratio"]["mt"]
    assert q["kept"] == {
        "count": 3,
        "mean": round((0.3 + 0.25 + 0.4) / 3, 6),
        "min": 0.25,
        "max": 0.4,
        "hist": {"0.25": 1, "0.30": 1, "0.40": 1},
    }
    assert q["quality.stop_words"]["hist"] == {"0.00": 2}
    assert stats["quality"]["mean_word_length"]["mt"]["kept"]["hist"] == {"4": 1, "5.657": 1}
    assert stats["pii"]["matches"] == {"kept": {"email": 1, "phone": 1}}
    assert stats["pii"]["documents_with_pii"] == {"kept": {"bg": 1, "mt": 1}}


def test_merge_in_any_order_gives_the_same_result(release: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = release
    parts = release_partials(out, manifest)
    assert len(parts) == 11
    reference = json.dumps(PartialStats.merge_all(parts).to_dict(), sort_keys=True)
    rng = random.Random(8)
    for _ in range(25):
        order = parts[:]
        rng.shuffle(order)
        # A random binary tree of merges over a random order.
        while len(order) > 1:
            i = rng.randrange(len(order) - 1)
            order[i : i + 2] = [order[i].merge(order[i + 1])]
        assert json.dumps(order[0].to_dict(), sort_keys=True) == reference
    # Merging with empty statistics is the identity; state round-trips through JSON.
    merged = PartialStats.merge_all(parts)
    assert merged.merge(PartialStats()) == merged
    assert PartialStats.from_state(json.loads(json.dumps(merged.to_state()))) == merged


def test_row_level_partials_equal_whole_table() -> None:
    docs = rf.kept_documents()
    schema = arrow_schema("document.v1")
    table = pa.Table.from_pylist(
        [{f.name: to_row(d.to_dict()).get(f.name) for f in schema} for d in docs], schema=schema
    )
    whole = PartialStats()
    whole.add_documents(table, kept=True)
    pieces = []
    for i in range(table.num_rows):
        p = PartialStats()
        p.add_documents(table.slice(i, 1), kept=True)
        pieces.append(p)
    rng = random.Random(3)
    rng.shuffle(pieces)
    assert PartialStats.merge_all(pieces) == whole


def test_stats_add_up_to_the_manifest_accounting(release: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = release
    stats = release_stats(out, manifest)
    assert check_accounting(stats, manifest) == []
    for name, src in manifest["sources"].items():
        s = stats["sources"][name]
        assert src["read"] == s["kept"]["documents"] + s["rejected_total"]["documents"] + s["errors_total"] == s["read"]
    bad = json.loads(json.dumps(manifest))
    bad["sources"]["eu-acts"]["kept"] = 7
    bad["languages"]["mt"]["rejected"]["quality.stop_words"] = 1
    assert check_accounting(stats, bad) == [
        "source 'eu-acts': manifest kept = 7, shards have 6",
        "language 'mt': manifest rejected[quality.stop_words] = 1, shards have 2",
    ]


def test_bins_and_words() -> None:
    assert quality_bin_labels(np.array([0.0, 0.049, 0.05, 1.0, 1.5, 2.0, -0.1, float("nan"), float("inf")])) == [
        "0.00",
        "0.00",
        "0.05",
        "0.95",
        "1.414",
        "2",
        "<0",
        "nan",
        "inf",
    ]
    assert length_bin_labels(np.array([0, 1, 3, 4, 1000])) == ["0", "1", "2", "4", "512"]
    schema = arrow_schema("document.v1")
    rows = [{"id": "a", "text": "Ħal\u00a0Qormi  u\tĦaż-Żebbuġ", "lang": "mt", "source": "s", "uri": "u"}]
    p = PartialStats()
    p.add_documents(
        pa.Table.from_pylist([{f.name: to_row(r).get(f.name) for f in schema} for r in rows], schema=schema), kept=True
    )
    # NO-BREAK SPACE separates words (Unicode category Zs).
    assert p.to_dict()["totals"]["kept"]["words"] == 4


def _rejected_table(rows: list[tuple[str | None, str | None, str]]) -> pa.Table:
    """Rejected rows (detected lang, declared lang, reason) of the rejected.v1 contract."""
    from altedic.records import Document

    schema = arrow_schema("rejected.v1")
    docs = []
    for i, (lang, declared, reason) in enumerate(rows):
        d = Document(id=f"d{i}", text="Tekst fuq l-ilma.", source="s", uri="u", declared_lang=declared, lang=lang)
        docs.append(d.reject(reason))
    return pa.Table.from_pylist(
        [{f.name: to_row(d.to_dict()).get(f.name) for f in schema} for d in docs], schema=schema
    )


def test_a_rejection_without_a_detected_language_counts_under_the_declared_one() -> None:
    """A licence refusal (before the language stage) of a Dutch document was counted under 'und',
    so the Dutch figures did not show it; the statistics and the manifest's accounting
    (altedic.beam.steps._table_counts) now count it under 'nl', by the same rule."""
    from altedic.beam.steps import _table_counts

    table = _rejected_table(
        [
            (None, "nl", "licence.non_commercial"),
            (None, None, "langid.undetermined"),
            ("it", "mt", "langid.mismatch"),  # detected wins: the mismatch is counted under it
            (None, "mt", "langid.low_confidence"),
        ]
    )
    part = PartialStats()
    part.add_documents(table, kept=False)
    stats = part.to_dict()
    assert {lg: sorted(v["rejected"]) for lg, v in stats["languages"].items()} == {
        "it": ["langid.mismatch"],
        "mt": ["langid.low_confidence"],
        "nl": ["licence.non_commercial"],
        "und": ["langid.undetermined"],
    }
    assert _table_counts(table, "rejected") == {
        "s": {
            "nl\tlicence.non_commercial": 1,
            "und\tlangid.undetermined": 1,
            "it\tlangid.mismatch": 1,
            "mt\tlangid.low_confidence": 1,
        }
    }
    # the shard itself keeps the language as detected: none
    assert table.column("lang").to_pylist() == [None, None, "it", None]
