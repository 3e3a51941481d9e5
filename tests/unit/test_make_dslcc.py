"""benchmarks/make_dslcc.py: the DSL Corpus Collection's gold sets as `altedic eval lid` folders."""

from __future__ import annotations

from pathlib import Path

import benchmark_scripts
import pytest

from altedic.langid.evaluate import load_items

make = benchmark_scripts.load("make_dslcc")

# lines in the gold files' format (sentence TAB label), written for the test
GOLD_A = (
    "Vlada je u sredu usvojila predlog zakona.\tsr\n"
    "Vlada je u srijedu usvojila prijedlog zakona.\thr\n"
    "Вчера правителството прие законопроекта.\tbg\n"
    "Ministerstvo včera schválilo návrh.\tcz\n"
    "O governo aprovou ontem o projeto.\tpt-BR\n"
    "O Governo aprovou ontem o projecto.\tpt-PT\n"
    "Правительство вчера одобрило законопроект.\txx\n"
    "Kerajaan meluluskan rang undang-undang itu semalam.\tmy\n"
)


def _checkout(tmp_path: Path) -> Path:
    gold = tmp_path / "DSL-Task" / "data" / "DSLCC-v2.0" / "gold"
    gold.mkdir(parents=True)
    (gold / "test-gold.txt").write_text(GOLD_A, encoding="utf-8")
    (gold / "test-ne-gold.txt").write_text(GOLD_A.replace("sredu", "petak"), encoding="utf-8")
    return tmp_path / "DSL-Task"


def test_labels_are_altedics() -> None:
    assert [make.label_of(x) for x in ("sr", "cz", "my", "es-AR", "pt-PT", "bs", "hr", "mk", "sk", "id")] == [
        "sr-Latn", "cs", "ms", "es", "pt", "bs", "hr", "mk", "sk", "id",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="no altedic label"):
        make.label_of("qq")


def test_builds_two_folders_that_eval_reads(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert make.main([str(_checkout(tmp_path)), str(out)]) == 0
    for set_name in ("a", "b"):
        names = sorted(p.name for p in (out / set_name).glob("*.txt"))
        assert names == ["bg.txt", "cs.txt", "hr.txt", "ms.txt", "pt.txt", "sr-Latn.txt"]  # no xx
        items = load_items(out / set_name)
        assert [(it.gold, it.source) for it in items] == [
            ("bg", f"dslcc-{set_name}"), ("cs", f"dslcc-{set_name}"), ("hr", f"dslcc-{set_name}"),
            ("ms", f"dslcc-{set_name}"), ("pt", f"dslcc-{set_name}"), ("pt", f"dslcc-{set_name}"),
            ("sr-Latn", f"dslcc-{set_name}"),
        ]  # fmt: skip
    assert (out / "a" / "sr-Latn.txt").read_text(encoding="utf-8") == (
        "sr-Latn\tdslcc-a\tVlada je u sredu usvojila predlog zakona.\n"
    )
    assert "petak" in (out / "b" / "sr-Latn.txt").read_text(encoding="utf-8")


def test_missing_gold_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert make.main([str(tmp_path), str(tmp_path / "out")]) == 2
    assert "test-gold.txt" in capsys.readouterr().err


def test_line_without_label_is_an_error(tmp_path: Path) -> None:
    gold = tmp_path / "g.txt"
    gold.write_text("no tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g\.txt:1: expected"):
        make.convert(gold, "a")
