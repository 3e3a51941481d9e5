"""ODRL policies and TDMRep rules (altedic.licence.odrl, altedic.licence.tdm)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from altedic.errors import ConfigError
from altedic.licence.odrl import evaluate
from altedic.licence.policy import decide
from altedic.licence.tdm import TdmRule, html_reservation, match_rule, parse_tdmrep_json
from altedic.sources import SourceSpec

DAY = date(2026, 6, 1)


def offer(*, permission: Any = None, prohibition: Any = None, **extra: Any) -> dict[str, Any]:
    p: dict[str, Any] = {
        "@context": "http://www.w3.org/ns/odrl.jsonld",
        "@type": "Offer",
        "uid": "https://connector.example.ie/policy/7",
    }
    if permission is not None:
        p["permission"] = permission
    if prohibition is not None:
        p["prohibition"] = prohibition
    p.update(extra)
    return p


def test_known_permitted_use_passes() -> None:
    r = evaluate(
        offer(
            permission=[
                {
                    "action": "use",
                    "constraint": [
                        {"leftOperand": "purpose", "operator": "isAnyOf", "rightOperand": ["research", "ai-training"]}
                    ],
                    "duty": [{"action": "attribute"}],
                }
            ]
        ),
        DAY,
    )
    assert (r.allowed, r.reason, r.detail) == (
        True,
        None,
        "ODRL policy https://connector.example.ie/policy/7 permits 'use when purpose isAnyOf research, ai-training'",
    )


def test_prefixed_and_full_iri_forms_are_the_same() -> None:
    r = evaluate(
        {"odrl:uid": "p1", "odrl:permission": {"odrl:action": {"@id": "http://www.w3.org/ns/odrl/2/reproduce"}}},
        DAY,
    )
    assert (r.allowed, r.detail) == (True, "ODRL policy p1 permits 'reproduce'")


def test_unknown_constraint_is_refused_naming_it() -> None:
    r = evaluate(
        offer(
            permission=[
                {
                    "action": "use",
                    "constraint": [{"leftOperand": "cx-policy:Membership", "operator": "eq", "rightOperand": "active"}],
                }
            ]
        ),
        DAY,
    )
    assert (r.allowed, r.reason) == (False, "licence.odrl_unknown_constraint")
    assert (
        r.detail
        == "ODRL constraint 'cx-policy:Membership eq active' is not understood (left operand 'cx-policy:Membership'; understood: purpose, dateTime, spatial)"
    )


def test_prohibition_of_mining_is_refused() -> None:
    r = evaluate(offer(permission=[{"action": "use"}], prohibition=[{"action": "tdm:mine"}]), DAY)
    assert (r.allowed, r.reason, r.detail) == (
        False,
        "licence.odrl_prohibited",
        "ODRL policy https://connector.example.ie/policy/7 prohibits 'tdm:mine'",
    )


def test_prohibition_of_commercial_use_is_non_commercial() -> None:
    r = evaluate(offer(permission=[{"action": "use"}], prohibition=[{"action": "commercialize"}]), DAY)
    assert (r.reason, r.detail) == (
        "licence.non_commercial",
        "ODRL policy https://connector.example.ie/policy/7 prohibits 'commercialize' (non-commercial use only)",
    )


def test_harmless_prohibition_is_ignored_and_unknown_one_refused() -> None:
    assert evaluate(offer(permission=[{"action": "use"}], prohibition=[{"action": "print"}]), DAY).allowed is True
    r = evaluate(offer(permission=[{"action": "use"}], prohibition=[{"action": "ex:teleport"}]), DAY)
    assert (r.reason, r.detail) == (
        "licence.odrl_unknown_constraint",
        "ODRL policy https://connector.example.ie/policy/7 prohibits 'ex:teleport', an action the pipeline does not understand",
    )


def test_purpose_outside_corpus_building_is_not_permitted() -> None:
    r = evaluate(
        offer(
            permission=[
                {
                    "action": "use",
                    "constraint": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "marketing"}],
                }
            ]
        ),
        DAY,
    )
    assert (r.allowed, r.reason) == (False, "licence.odrl_prohibited")
    assert (
        r.detail
        == "ODRL policy https://connector.example.ie/policy/7 permits nothing that covers building a training corpus (permissions: 'use when purpose eq marketing')"
    )


def test_expired_permission_and_spatial_constraint() -> None:
    expired = offer(
        permission=[
            {
                "action": "use",
                "constraint": [
                    {
                        "leftOperand": "dateTime",
                        "operator": "lt",
                        "rightOperand": {"@value": "2025-12-31", "@type": "xsd:date"},
                    }
                ],
            }
        ]
    )
    assert evaluate(expired, DAY).allowed is False
    assert evaluate(expired, date(2025, 1, 1)).allowed is True
    eu_only = offer(
        permission=[
            {
                "action": "use",
                "constraint": [
                    {
                        "leftOperand": "spatial",
                        "operator": "eq",
                        "rightOperand": {"@id": "http://publications.europa.eu/resource/authority/country/MLT"},
                    }
                ],
            }
        ]
    )
    assert evaluate(eu_only, DAY).allowed is True
    us_only = offer(
        permission=[
            {"action": "use", "constraint": [{"leftOperand": "spatial", "operator": "eq", "rightOperand": "US"}]}
        ]
    )
    assert evaluate(us_only, DAY).allowed is False


def test_unfulfillable_duty_and_unknown_profile_are_refused() -> None:
    r = evaluate(offer(permission=[{"action": "use", "duty": [{"action": "compensate"}]}]), DAY)
    assert (r.reason, r.detail) == (
        "licence.odrl_unknown_constraint",
        "ODRL duty 'compensate' (permission 'use') cannot be fulfilled by the pipeline (it fulfils: attribute, inform)",
    )
    r = evaluate(offer(permission=[{"action": "use"}], profile="https://example.org/odrl-profile"), DAY)
    assert (r.reason, r.detail) == (
        "licence.odrl_unknown_constraint",
        "ODRL profile 'https://example.org/odrl-profile' is not understood",
    )


def test_logical_or_constraint() -> None:
    p = offer(
        permission=[
            {
                "action": "use",
                "constraint": [
                    {
                        "or": [
                            {"leftOperand": "purpose", "operator": "eq", "rightOperand": "marketing"},
                            {"leftOperand": "purpose", "operator": "eq", "rightOperand": "tdm"},
                        ]
                    }
                ],
            }
        ]
    )
    assert evaluate(p, DAY).allowed is True


def test_decide_combines_odrl_and_licence(tmp_path: Path) -> None:
    base = {"name": "ga-connector", "format": "jsonl", "paths": [], "root": str(tmp_path)}
    ok = offer(permission=[{"action": "use"}])
    d = decide(SourceSpec(**base, odrl=ok), {"reference_date": "2026-06-01"})  # type: ignore[arg-type]
    assert (d.allowed, d.licence_id) == (True, "odrl:https://connector.example.ie/policy/7")
    d = decide(SourceSpec(**base, odrl=ok, licence="CC-BY-4.0"))  # type: ignore[arg-type]
    assert (d.allowed, d.licence_id) == (True, "CC-BY-4.0")
    d = decide(SourceSpec(**base, odrl=offer(prohibition=[{"action": "use"}]), licence="CC0"))  # type: ignore[arg-type]
    assert (d.allowed, d.reason, d.licence_id) == (False, "licence.odrl_prohibited", "CC0-1.0")


# --- TDMRep --------------------------------------------------------------------------------


def test_tdmrep_rules_longest_location_wins() -> None:
    rules = parse_tdmrep_json(
        b'[{"location": "/", "tdm-reservation": 1}, {"location": "/open/*", "tdm-reservation": 0},'
        b' {"location": "/open/secret.html$", "tdm-reservation": 1, "tdm-policy": "https://ex.bg/p"}]',
        "tdmrep.json",
    )
    assert rules[2] == TdmRule("/open/secret.html$", True, "https://ex.bg/p")
    assert match_rule(rules, "/texts/a.txt") == rules[0]
    assert match_rule(rules, "/open/a.txt") == rules[1]
    assert match_rule(rules, "open/secret.html") == rules[2]
    assert match_rule(rules, "/open/secret.html.bak") == rules[1]
    assert match_rule([TdmRule("/x/", True, None)], "/y") is None


def test_tdmrep_malformed_file_stops_before_work() -> None:
    with pytest.raises(ConfigError, match=r"tdmrep.json: at '\[0\]': 'tdm-reservation' must be 0 or 1, not 'yes'"):
        parse_tdmrep_json(b'[{"location": "/", "tdm-reservation": "yes"}]', "tdmrep.json")
    with pytest.raises(ConfigError, match="must be a JSON array of rules"):
        parse_tdmrep_json(b'{"location": "/"}', "tdmrep.json")


def test_html_meta_reservation() -> None:
    assert html_reservation(b'<head><META NAME="tdm-reservation" CONTENT="1"></head>') == (True, None)
    assert html_reservation(
        b"<head><meta name=tdm-reservation content=0><meta name='tdm-policy' content='https://x/p'></head>"
    ) == (False, "https://x/p")
    assert html_reservation(b'<head><meta name="description" content="1"></head>') == (False, None)


def _tdm_site(tmp_path: Path) -> Path:
    """``site/`` with a TDMRep file reserving ``/priv/*``, a free ``a.jsonl`` and a reserved
    ``priv/b.jsonl``; ``html/`` with a free ``ok.html`` and ``sub/r.html`` carrying the meta."""
    site = tmp_path / "site"
    (site / ".well-known").mkdir(parents=True)
    (site / "priv").mkdir()
    (site / ".well-known" / "tdmrep.json").write_text(
        '[{"location": "/priv/*", "tdm-reservation": 1}, {"location": "/*", "tdm-reservation": 0}]', encoding="utf-8"
    )
    (site / "a.jsonl").write_text('{"id": "a", "text": "Free text."}\n', encoding="utf-8")
    (site / "priv" / "b.jsonl").write_text('{"id": "b", "text": "Reserved text."}\n', encoding="utf-8")
    html = tmp_path / "html"
    (html / "sub").mkdir(parents=True)
    (html / "ok.html").write_text("<html><head><title>ok</title></head><body><p>Free.</p></body></html>")
    (html / "sub" / "r.html").write_text(
        '<html><head><meta name="tdm-reservation" content="1"></head><body><p>Reserved.</p></body></html>'
    )
    return tmp_path


@pytest.mark.parametrize("glob", ["site/**.jsonl", "site/**/*.jsonl", "site/**"])
def test_tdmrep_applies_to_the_files_a_double_star_reads(tmp_path: Path, glob: str) -> None:
    """`site/**.jsonl` reads priv/b.jsonl (Beam's `**` crosses folders) but the TDM check listed
    the files with Python's glob, for which it matched a.jsonl only: the reservation of
    /priv/* was not seen and b.jsonl's documents were kept."""
    from altedic.recipe import load_recipe
    from altedic.run import Refusal, plan_sources

    _tdm_site(tmp_path)
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"version: 1\nname: tdm\nsources: [{{name: site, format: jsonl, paths: '{glob}', licence: CC-BY-4.0}}]\n"
        "output: {path: out}\n",
        encoding="utf-8",
    )
    plan = plan_sources(load_recipe(recipe))
    assert (plan.tasks, plan.infos) == ([], [])
    # as the run reads them: `**/*` wants a folder between (not a.jsonl); `**` alone no longer takes
    # the rights file .well-known/tdmrep.json as a document (a wildcard leaves hidden names out)
    files = {"site/**.jsonl": 2, "site/**/*.jsonl": 1, "site/**": 2}[glob]
    assert plan.refused == [
        Refusal(
            "site",
            f"{recipe}:sources[0]",
            "CC-BY-4.0",
            "licence.tdm_reserved",
            f"tdm-reservation 1 applies to 1 of {files} files (first: priv/b.jsonl, rule location '/priv/*')",
        )
    ]


def test_html_meta_reservation_in_a_file_a_double_star_reads(tmp_path: Path) -> None:
    """`html/**.html` reads html/sub/r.html, whose <meta name="tdm-reservation" content="1"> the
    check never opened (Python's glob matched ok.html only): its documents were read."""
    _tdm_site(tmp_path)
    spec = SourceSpec(
        name="html", format="eurlex_html", paths=[str(tmp_path / "html" / "**.html")], root=str(tmp_path / "html")
    )
    spec.licence = "CC-BY-4.0"
    d = decide(spec)
    assert (d.allowed, d.reason, d.detail, d.evidence) == (
        False,
        "licence.tdm_reserved",
        "HTML meta tdm-reservation=1 in sub/r.html",
        f'<meta name="tdm-reservation"> in {tmp_path / "html" / "sub" / "r.html"}',
    )
    # a glob that reads only the free page is allowed
    spec.paths = [str(tmp_path / "html" / "*.html")]
    assert decide(spec).allowed
