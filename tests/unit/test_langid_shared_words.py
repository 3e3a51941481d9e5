"""Words two or more members of a confusable group write alike count for each of them, not for
one (groups.yaml, twenty-third session): Slovenian's month names, sistem, vrednost and the
-irati forms it shares with the hbs standards; Czech už; Catalan dins, ser, va, van; German mir
and zu; the Irish and Scottish Gaelic agus, i, iad, seo, sin, an, na, le, nach. Each case was a
word listed for one member that a development-set sentence of another member wrote."""

from __future__ import annotations

import pytest

from altedic.langid.policy import GroupResolver

HBS = dict.fromkeys(("hr", "bs", "sr", "cnr", "sl"), 0)


@pytest.mark.parametrize(
    ("group", "word", "expected"),
    [
        # Slovenian writes these as Bosnian, Serbian and Montenegrin do (not Croatian: listopad)
        ("hbs", "oktobra", {**HBS, "bs": 1, "sr": 1, "cnr": 1, "sl": 1}),
        ("hbs", "decembra", {**HBS, "bs": 1, "sr": 1, "cnr": 1, "sl": 1}),
        ("hbs", "sistema", {**HBS, "bs": 1, "sr": 1, "cnr": 1, "sl": 1}),
        ("hbs", "ekosistemov", {**HBS, "bs": 1, "sr": 1, "cnr": 1, "sl": 1}),
        # ... and vrednost as Serbian does
        ("hbs", "vrednosti", {**HBS, "sr": 1, "sl": 1}),
        # -irati forms all five write alike; the hbs participle -irao is not Slovenian's
        ("hbs", "organiziram", {"hr": 1, "bs": 1, "sr": 1, "cnr": 1, "sl": 1}),
        ("hbs", "organiziranje", {"hr": 1, "bs": 1, "sr": 1, "cnr": 1, "sl": 1}),
        ("hbs", "organizirao", {"hr": 1, "bs": 1, "sr": 1, "cnr": 1, "sl": 0}),
        # už: Czech and Slovak; Slovak's own words still count
        ("cs-sk", "už", {"cs": 0, "sk": 0}),
        ("cs-sk", "tiež", {"cs": 0, "sk": 1}),
        # Catalan dins (with Occitan), ser, va, van (with Spanish)
        ("ca-es-oc", "dins", {"ca": 1, "es": 0, "oc": 1}),
        ("ca-es-oc", "ser", {"ca": 1, "es": 1, "oc": 0}),
        ("ca-es-oc", "van", {"ca": 1, "es": 1, "oc": 0}),
        ("ca-es-oc", "aquò", {"ca": 0, "es": 0, "oc": 1}),
        # German mir, zu are no Luxembourgish evidence; vun still is
        ("lb-de", "zu", {"lb": 0, "de": 0}),
        ("lb-de", "mir", {"lb": 0, "de": 0}),
        ("lb-de", "vun", {"lb": 1, "de": 0}),
        # Irish and Scottish Gaelic alike; each one's own words still count
        ("ga-gd", "agus", {"ga": 1, "gd": 1}),
        ("ga-gd", "iad", {"ga": 1, "gd": 1}),
        ("ga-gd", "na", {"ga": 1, "gd": 1}),
        ("ga-gd", "níl", {"ga": 2, "gd": 0}),  # the word and its í
        ("ga-gd", "chan", {"ga": 0, "gd": 1}),
    ],
)
def test_a_word_several_members_write_counts_for_each(group: str, word: str, expected: dict[str, int]) -> None:
    assert GroupResolver().evidence(group, word) == expected


def test_irish_sentence_with_shared_words_has_no_scottish_gaelic_lead() -> None:
    # written for the test: agus, i, seo, sin and an are Irish too; níl and tá are Irish only
    text = "Níl aon duine sa teach seo agus tá an oíche fuar i mBaile Átha Cliath, sin é."
    ev = GroupResolver().evidence("ga-gd", text)
    # Scottish Gaelic: the five words both write and nothing else; Irish: those, its words and
    # its acute accents
    # (Irish: níl, tá, agus, i, seo, sin, an, and the acute accents of níl, tá, oíche, Átha, é)
    assert ev == {"ga": 12, "gd": 5}, ev
