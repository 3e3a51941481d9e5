"""Licence normalisation and the allow/deny decision (altedic.licence.policy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from altedic.errors import ConfigError
from altedic.licence.policy import (
    LicenceDecision,
    check_overrides,
    decide,
    decide_row,
    normalise_licence,
    parse_policy_data,
    policy_data,
)
from altedic.sources import SourceSpec

EU = "http://publications.europa.eu/resource/authority/licence/"

# Real-world spellings seen in portals, CKAN exports, DCAT records and EU documents.
SPELLINGS: list[tuple[str, str | None]] = [
    ("CC-BY-4.0", "CC-BY-4.0"),
    ("cc-by-4.0", "CC-BY-4.0"),
    ("CC BY 4.0", "CC-BY-4.0"),
    ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
    ("CC_BY_SA 4.0", "CC-BY-SA-4.0"),
    ("Creative Commons Attribution 4.0 International", "CC-BY-4.0"),
    ("Creative Commons Attribution–ShareAlike 4.0 International", "CC-BY-SA-4.0"),
    ("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International", "CC-BY-NC-ND-4.0"),
    ("Creative Commons Namensnennung – Nicht kommerziell 4.0 International", "CC-BY-NC-4.0"),
    ("Creative Commons Attribution – Pas d’Utilisation Commerciale 4.0 International", "CC-BY-NC-4.0"),
    ("Creative Commons Naamsvermelding–NietCommercieel–GeenAfgeleideWerken 4.0 Internationaal", "CC-BY-NC-ND-4.0"),
    ("Creative Commons Uznanie autorstwa-Na tych samych warunkach 4.0 Międzynarodowe", "CC-BY-SA-4.0"),
    ("Creative Commons Αναφορά Δημιουργού 4.0 Διεθνές", "CC-BY-4.0"),
    ("Creative Commons Признание-Некомерсиално 4.0 Международен", "CC-BY-NC-4.0"),
    ("Creative Commons Attribuzzjoni-Mhux Kummerċjali 4.0", "CC-BY-NC-4.0"),
    ("Creative Commons Sannadh-Neamhthráchtálach 4.0 Idirnáisiúnta", "CC-BY-NC-4.0"),
    ("CC BY 3.0 DE", "CC-BY-3.0-DE"),
    ("cc-by", "CC-BY"),
    ("CC0", "CC0-1.0"),
    ("CC0 1.0 Universal", "CC0-1.0"),
    (EU + "CC_BY_4_0", "CC-BY-4.0"),
    (EU + "CC_BYSA_4_0", "CC-BY-SA-4.0"),
    (EU + "CC_BYNCSA_3_0", "CC-BY-NC-SA-3.0"),
    (EU + "CC_BYND_4_0", "CC-BY-ND-4.0"),
    (EU + "CC0", "CC0-1.0"),
    (EU + "COM_REUSE", "EU-Reuse-2011-833"),
    (EU + "ODC_BL", "ODbL-1.0"),
    (EU + "EUPL_1_2", "EUPL-1.2"),
    ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
    ("https://creativecommons.org/licenses/by-nc/3.0/de/deed.fr", "CC-BY-NC-3.0-DE"),
    ("http://creativecommons.org/licenses/by-sa/4.0/legalcode", "CC-BY-SA-4.0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
    ("https://spdx.org/licenses/CC-BY-SA-4.0.html", "CC-BY-SA-4.0"),
    ("http://www.opendefinition.org/licenses/cc-by", "CC-BY"),
    ("http://reference.data.gov.uk/id/open-government-licence", "OGL-UK-3.0"),
    ("uk-ogl", "OGL-UK-3.0"),
    ("http://data.europa.eu/eli/dec/2011/833/oj", "EU-Reuse-2011-833"),
    ("Commission Decision 2011/833/EU", "EU-Reuse-2011-833"),
    ("© European Union, 2024. Reuse is authorised provided the source is acknowledged.", "EU-Reuse-2011-833"),
    ("ODbL", "ODbL-1.0"),
    ("odc-by", "ODC-By-1.0"),
    ("Open Data Commons Public Domain Dedication and License", "PDDL-1.0"),
    ("Public Domain", "public-domain"),
    ("dl-de/by-2-0", "DL-DE-BY-2.0"),
    ("Licence Ouverte / Open Licence version 2.0", "etalab-2.0"),
    ("EUPL v. 1.2", "EUPL-1.2"),
    ("All rights reserved", "LicenseRef-all-rights-reserved"),
    # Not recognised: never guessed.
    ("My own licence", None),
    ("CC BY-ND-SA 4.0", None),
    ("CC BY something 4.0", None),
    ("https://files.example.bg/our-own-terms", None),
    ("", None),
    ("   ", None),
]


@pytest.mark.parametrize(("raw", "expected"), SPELLINGS)
def test_normalise_real_world_spellings(raw: str, expected: str | None) -> None:
    assert normalise_licence(raw) == expected


def spec(licence: str | None, tmp_path: Path, **kw: object) -> SourceSpec:
    f = tmp_path / "a.txt"
    f.write_text("Il-qattus qiegħed fuq il-mejda.\n", encoding="utf-8")
    return SourceSpec(
        name="mt-src",
        format="text",
        paths=[str(f)],
        root=str(tmp_path),
        licence=licence,
        origin="recipe.yaml:sources[0]",
        **kw,
    )  # type: ignore[arg-type]


def test_allowed_licence_carries_the_normalised_id_and_evidence(tmp_path: Path) -> None:
    d = decide(spec(EU + "CC_BY_4_0", tmp_path, licence_evidence="dct:license <x>"), None)
    assert d == LicenceDecision(True, "CC-BY-4.0", None, "licence CC-BY-4.0 is on the allow list", "dct:license <x>")


def test_eu_reuse_decision_is_allowed(tmp_path: Path) -> None:
    d = decide(spec("EU-Reuse-2011-833", tmp_path))
    assert (d.allowed, d.licence_id, d.reason) == (True, "EU-Reuse-2011-833", None)
    assert d.evidence == "licence declared by source 'mt-src' (recipe.yaml:sources[0])"


@pytest.mark.parametrize(
    ("fmt", "options", "allowed"),
    [
        ("formex", {}, True),
        ("eurlex_html", {}, True),
        ("europarl", {}, True),
        ("jrc_acquis", {}, True),
        ("zip", {"member_format": "formex"}, True),
        ("tmx", {"eu": True}, True),
        ("akn", {"eu": True}, True),
        # their EU origin shows only in their content, which the policy does not read
        ("tmx", {}, False),
        ("akn", {}, False),
        ("zip", {}, False),
        ("text", {}, False),
        ("jsonl", {"eu": True}, False),
    ],
)
def test_eu_formats_without_a_licence_are_under_the_eu_reuse_policy(
    tmp_path: Path, fmt: str, options: dict[str, object], allowed: bool
) -> None:
    """docs/formats.md promised the EU default, but the policy refused every such source as
    licence.missing before a document was read, so the readers' default never applied."""
    s = spec(None, tmp_path, options=options)
    s.format = fmt
    d = decide(s)
    if allowed:
        assert d == LicenceDecision(
            True,
            "EU-Reuse-2011-833",
            None,
            "licence EU-Reuse-2011-833 (Commission Decision 2011/833/EU on the reuse of Commission documents) is on the allow list",
            f"default for EU institutional documents: Commission Decision 2011/833/EU (source 'mt-src', format {fmt})",
        )
    else:
        assert (d.allowed, d.reason) == (False, "licence.missing")
    # a licence in the recipe wins
    s.licence = "CC-BY-4.0"
    assert decide(s).licence_id == "CC-BY-4.0"


def test_a_formex_source_without_a_licence_is_read_with_the_eu_default(tmp_path: Path) -> None:
    from altedic.readers import get_reader
    from altedic.readers.base import ReadContext
    from altedic.recipe import load_recipe
    from altedic.run import plan_sources

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "readers" / "formex" / "mt_act.xml"
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"version: 1\nname: t\nsources:\n  - name: acts\n    format: formex\n    paths: ['{fixture}']\n    retrieved: 2026-11-01\n"
        "output: {path: out}\n",
        "utf-8",
    )
    plan = plan_sources(load_recipe(recipe))
    assert plan.refused == []
    (info,) = plan.infos
    (d,) = get_reader("formex")(ReadContext(info, str(fixture), fixture.name))
    assert (d.licence, d.licence_evidence, d.attribution) == (
        "EU-Reuse-2011-833",
        "default for EU institutional documents: Commission Decision 2011/833/EU (source 'acts', format formex)",
        "© European Union, 1998-2026",
    )


@pytest.mark.parametrize(
    ("raw", "reason", "lid", "detail"),
    [
        (
            "CC BY-NC 4.0",
            "licence.non_commercial",
            "CC-BY-NC-4.0",
            "licence CC-BY-NC-4.0 forbids commercial use; non-commercial licences are refused by default",
        ),
        (
            "CC-BY-NC-ND-4.0",
            "licence.non_commercial",
            "CC-BY-NC-ND-4.0",
            "licence CC-BY-NC-ND-4.0 forbids commercial use; non-commercial licences are refused by default",
        ),
        (
            EU + "CC_BYND_4_0",
            "licence.no_derivatives",
            "CC-BY-ND-4.0",
            "licence CC-BY-ND-4.0 forbids derivative works; no-derivatives licences are refused by default",
        ),
        (
            "Licenza tal-komunità",
            "licence.unknown",
            None,
            "licence 'Licenza tal-komunità' is not recognised; it must be on the allow list (altedic/licence/licences.yaml) or be added to it after legal review",
        ),
        (
            "All rights reserved",
            "licence.unknown",
            "LicenseRef-all-rights-reserved",
            "licence LicenseRef-all-rights-reserved (All rights reserved (no licence granted)) grants no reuse right",
        ),
        (
            None,
            "licence.missing",
            None,
            "no licence is declared; add the licence (an SPDX id such as CC-BY-4.0, an IRI, or its name)",
        ),
        (
            "  ",
            "licence.missing",
            None,
            "no licence is declared; add the licence (an SPDX id such as CC-BY-4.0, an IRI, or its name)",
        ),
    ],
)
def test_refusals_have_the_right_reason(
    tmp_path: Path, raw: str | None, reason: str, lid: str | None, detail: str
) -> None:
    d = decide(spec(raw, tmp_path))
    assert (d.allowed, d.reason, d.licence_id, d.detail) == (False, reason, lid, detail)


def test_overrides_allow_nc_for_a_research_build_and_deny_an_allowed_one(tmp_path: Path) -> None:
    d = decide(spec("CC-BY-NC-4.0", tmp_path), {"allow_non_commercial": True})
    assert (d.allowed, d.licence_id) == (True, "CC-BY-NC-4.0")
    d = decide(spec("CC-BY-ND-4.0", tmp_path), {"allow": ["CC BY-ND 4.0"]})
    assert (d.allowed, d.licence_id) == (True, "CC-BY-ND-4.0")
    d = decide(spec("ODbL", tmp_path), {"deny": ["ODbL-1.0"]})
    assert (d.allowed, d.reason, d.detail) == (
        False,
        "licence.unknown",
        "licence ODbL-1.0 is refused by the recipe's licence policy (deny)",
    )


def test_bad_overrides_stop_before_work(tmp_path: Path) -> None:
    assert check_overrides({"alow": [], "allow_non_commercial": "yes", "reference_date": "01/02/2026"}) == [
        "unknown key 'alow'; allowed keys: allow, deny, allow_non_commercial, allow_no_derivatives, reference_date, purposes",
        "'allow_non_commercial' must be true or false",
        "'reference_date' must be an ISO date YYYY-MM-DD, not '01/02/2026'",
    ]
    with pytest.raises(ConfigError, match="unknown key 'alow'"):
        decide(spec("CC0", tmp_path), {"alow": []})


def test_tdm_reservation_refuses_even_an_open_licence(tmp_path: Path) -> None:
    d = decide(spec("CC0-1.0", tmp_path, tdm_reserved=True))
    assert (d.allowed, d.reason, d.licence_id) == (False, "licence.tdm_reserved", "CC0-1.0")
    d = decide(spec("CC0-1.0", tmp_path, options={"tdm_reservation": True}))
    assert (d.reason, d.detail) == (
        "licence.tdm_reserved",
        "the contributor recorded a text-and-data-mining opt-out for source 'mt-src'",
    )


def test_tdmrep_sidecar_in_well_known_refuses_matching_files(tmp_path: Path) -> None:
    s = spec("CC-BY-4.0", tmp_path)
    (tmp_path / ".well-known").mkdir()
    (tmp_path / ".well-known" / "tdmrep.json").write_text(
        json.dumps(
            [
                {"location": "/", "tdm-reservation": 0},
                {"location": "/a.txt", "tdm-reservation": 1, "tdm-policy": "https://example.mt/policy.json"},
            ]
        )
    )
    d = decide(s)
    assert (d.allowed, d.reason) == (False, "licence.tdm_reserved")
    assert (
        d.detail
        == "tdm-reservation 1 applies to 1 of 1 files (first: a.txt, rule location '/a.txt'); a licence may be offered under https://example.mt/policy.json"
    )
    assert d.evidence == f"TDMRep {tmp_path / '.well-known' / 'tdmrep.json'}"
    # A sidecar that reserves only other paths leaves the source allowed.
    (tmp_path / ".well-known" / "tdmrep.json").write_text(
        json.dumps([{"location": "/private/*", "tdm-reservation": 1}])
    )
    assert decide(s).allowed is True


def test_html_meta_reservation_refuses_an_html_source(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        '<html><head><meta charset="utf-8"><meta content="1" name="tdm-reservation">'
        '<meta name="tdm-policy" content="https://example.gr/tdm.json"></head><body><p>Καλημέρα</p></body></html>',
        encoding="utf-8",
    )
    s = SourceSpec(
        name="el-web", format="eurlex_html", paths=[str(tmp_path / "*.html")], root=str(tmp_path), licence="CC-BY-4.0"
    )
    d = decide(s)
    assert (d.allowed, d.reason, d.detail) == (
        False,
        "licence.tdm_reserved",
        "HTML meta tdm-reservation=1 in p.html; tdm-policy https://example.gr/tdm.json",
    )


def test_decide_row(tmp_path: Path) -> None:
    assert decide_row("CC BY 4.0") == LicenceDecision(
        True, "CC-BY-4.0", None, "licence CC-BY-4.0 is on the allow list", "row licence value"
    )
    assert decide_row("cc-by-nc-sa-4.0").reason == "licence.non_commercial"
    assert decide_row("").reason == "licence.missing"
    assert decide_row(None).reason == "licence.missing"
    assert decide_row("proprietary").reason == "licence.unknown"
    assert decide_row("CC-BY-NC-4.0", {"allow_non_commercial": True}).allowed is True


def test_data_file_is_valid_and_problems_name_the_key() -> None:
    data = policy_data()
    assert data.entries["EU-Reuse-2011-833"].status == "allow"
    assert data.by_eu_code["COM_REUSE"] == "EU-Reuse-2011-833"
    with pytest.raises(
        ConfigError,
        match=r"at 'licences.X': status must be one of allow, non_commercial, no_derivatives, deny, not 'maybe'",
    ):
        parse_policy_data({"licences": {"X": {"status": "maybe"}}})
    with pytest.raises(ConfigError, match=r"at 'patterns\[0\].id': id 'Y' is not a licence of this file"):
        parse_policy_data({"licences": {"X": {"status": "allow"}}, "patterns": [{"regex": "x", "id": "Y"}]})
