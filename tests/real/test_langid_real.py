"""Regression test of the language stage on a fixed sample of ../shared/data/lid (skipped when absent).

The sample is the first 60 lines of each of the 40 languages (2,400 items). Measured when this
test was written: stage macro-F1 0.9606 over the 24 official languages (0.9398 over all labels),
bare lid.176 0.9087 on the same sample; after the CLD2 fallback fix, the Serbian Cyrillic words
and the tie rule of needs_evidence (2026-11-22, docs/langid.md): stage 0.9655 (0.9538 over all
labels; English 0.938, bare 0.800). The test fails if the stage drops below 0.96 (0.95 over all
labels) or loses its lead over the bare model. The second test holds the whole development set
to floors just under today's figures and every confusable group above the bare model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from altedic.langid.codes import EU_OFFICIAL
from altedic.langid.evaluate import group_f1, load_items, run_bare, run_stage, score
from altedic.langid.policy import GROUPS

pytestmark = pytest.mark.real


def test_lid_macro_f1_does_not_drop(shared_data: Path) -> None:
    items = load_items(shared_data / "lid", per_lang=60)
    assert len(items) == 2400
    golds = [it.gold for it in items]
    stage, _ = run_stage(items)
    bare, _ = run_bare(items)
    s, b = score(golds, stage), score(golds, bare)
    assert s["official_present"] == 24
    assert s["macro_f1_official"] >= 0.96, s["macro_f1_official"]
    assert s["macro_f1_all"] >= 0.95, s["macro_f1_all"]
    assert s["macro_f1_official"] >= b["macro_f1_official"] + 0.05
    for lang in ("mt", "ga", "sk", "cs", "en"):
        assert s["per_language"][lang]["f1"] >= b["per_language"][lang]["f1"], lang


# Floors for the whole development set (all 40 languages, every line), just under what the stage
# measured on 2026-11-24, twenty-second session (docs/langid.md, "Where it stands"): sentences
# 0.9779 over the 24 official languages (0.9659 over all labels), paragraphs 0.9950 (0.9901).
# Issue 5's own floor per language: every official language >= 0.93 on sentences, Croatian apart
# (0.794 measured, 0.902 on paragraphs, below its 0.85 target on sentences: its floor only guards
# against a fall). The twenty-first session's subtitle word frequencies had lowered the whole
# set's Croatian paragraphs from 0.893 to 0.884 and its paragraph floors with them; the
# twenty-second session's shared words (groups.yaml "hr bs", "hr bs sr cnr") raised them to 0.902
# and the floors back up.
_FLOORS = {False: (0.975, 0.962), True: (0.994, 0.989)}
_CROATIAN_FLOOR = {False: 0.79, True: 0.895}


@pytest.mark.parametrize("paragraphs", [False, True], ids=["sentences", "paragraphs"])
def test_lid_whole_dev_set_floors_and_every_group_above_bare(shared_data: Path, paragraphs: bool) -> None:
    items = load_items(shared_data / "lid", paragraphs=paragraphs)
    golds = [it.gold for it in items]
    s = score(golds, run_stage(items)[0])
    b = score(golds, run_bare(items)[0])
    official, every = _FLOORS[paragraphs]
    assert s["official_present"] == 24
    assert s["macro_f1_official"] >= official, s["macro_f1_official"]
    assert s["macro_f1_all"] >= every, s["macro_f1_all"]
    per = s["per_language"]
    low = {lang: round(per[lang]["f1"], 3) for lang in EU_OFFICIAL if lang != "hr" and per[lang]["f1"] < 0.93}
    assert not low, low
    assert per["hr"]["f1"] >= _CROATIAN_FLOOR[paragraphs], per["hr"]["f1"]
    # the groups of issue 5 and cyrl-south; nl-af (fifteenth session) is not one of them and the
    # set has no Afrikaans, so it is Dutch alone: above the bare model on sentences (0.993 vs
    # 0.985), one names-only paragraph under Dutch's min_confidence on paragraphs (0.999 vs 1.000,
    # so before the group too); docs/langid.md checks its Afrikaans side on the UDHR
    groups = [(g.name, g.members, g.script) for g in GROUPS.values() if g.name != "nl-af"]
    ours, bare = group_f1(s, groups), group_f1(b, groups)
    assert set(ours) == set(bare) == set(GROUPS) - {"nl-af"}
    if not paragraphs:
        assert per["nl"]["f1"] > b["per_language"]["nl"]["f1"]
    behind = {name: (round(ours[name], 4), round(bare[name], 4)) for name in ours if ours[name] <= bare[name]}
    assert not behind, behind  # (stage, bare) of every group that is not above the bare model
