"""The stage's parts switched off one by one (``groups.check``, benchmarks/ablate_langid.py).

Every sentence below was written for this test (none comes from an evaluation set)."""

from __future__ import annotations

from pathlib import Path

import benchmark_scripts
import pytest

from altedic.errors import ConfigError
from altedic.langid.stage import LanguageStage

# Montenegrin, which lid.176 cannot name (it calls this Croatian); the hbs group names it by the
# forms only Montenegrin writes (nijesu, đe, đeca, sjutra)
MONTENEGRIN = "Sjutra ćemo vidjeti đe su đeca, jer nijesu došla kući poslije škole."
CORSICAN = (
    "U populu corsu hè natu liberu è ùn vole micca perde i so diritti. Ogni ghjornu a ghjente di u paese "
    "si trova nant'à a piazza di a chjesa."
)


def test_groups_check_false_leaves_the_models_label() -> None:
    on = LanguageStage({})
    off = LanguageStage({"groups": {"check": False}})
    got_on, got_off = on.identify([MONTENEGRIN])[0], off.identify([MONTENEGRIN])[0]
    assert got_on["lang"] == "cnr-Latn" and got_on["decided_by"] == "evidence", got_on
    assert got_off["lang"] == "hr" and got_off["decided_by"] == "model", got_off
    assert not any(f.startswith("confusable:") for f in got_off["flags"]), got_off


def test_groups_check_must_be_a_boolean() -> None:
    with pytest.raises(ConfigError) as e:
        LanguageStage({"groups": {"check": "no"}})
    assert e.value.key == "stages.langid.groups.check"


def test_ablation_rows_switch_the_parts_on_one_by_one(tmp_path: Path) -> None:
    mod = benchmark_scripts.load("ablate_langid")
    folder = tmp_path / "ow"
    folder.mkdir()
    lines = [
        f"co\tt\t{CORSICAN}",
        "it\tt\tLa commissione ha approvato ieri la proposta di regolamento sulla protezione dei dati personali.",
        f"cnr-Latn\tt\t{MONTENEGRIN}",
    ]
    (folder / "x.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = mod.measure(None, [f"tiny={folder}"])
    assert list(result) == [row for row, _ in mod.ROWS]
    all_f1 = {row: per["tiny"]["all"] for row, per in result.items()}
    # lid.176 names Corsican (co) but calls this text Italian: only the regional check names it
    assert all_f1["bare model"] < all_f1["+ regional orthography"] == all_f1["+ open-world check"] == 1.0
    # the Montenegrin sentence is right from the confusable groups on, not before
    assert all_f1["+ second opinion"] < all_f1["+ confusable groups"]
    assert all(0.0 <= v <= 1.0 for v in all_f1.values())
    with pytest.raises(SystemExit):
        mod.measure(None, ["no-equals-sign"])
