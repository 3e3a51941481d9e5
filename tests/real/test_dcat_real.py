"""DCAT-AP on the real SEMIC examples and piveau test records in ../shared/data/formats/dcat-ap."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from altedic.licence.policy import decide
from altedic.sources import SourceSpec
from altedic.sources.dcat import ParsedCatalogue, expand_catalogue, parse_catalogue

pytestmark = pytest.mark.real

CONTEXT_URL = "https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.0/html/examples/context.jsonld"


@pytest.fixture(scope="module")
def dcat_dir(shared_data: Path) -> Path:
    d = shared_data / "formats" / "dcat-ap"
    if not d.is_dir():
        pytest.skip("formats/dcat-ap is absent")
    return d


def view(p: ParsedCatalogue) -> list[dict[str, Any]]:
    return [dataclasses.asdict(d) for d in p.datasets]


def test_hvd_catalogue_jsonld_and_turtle_are_the_same(dcat_dir: Path) -> None:
    semic = dcat_dir / "semic-examples"
    ttl = parse_catalogue(str(semic / "3.0.0-hvd_example-ms_catalogue.ttl"))
    jsonld = parse_catalogue(str(semic / "3.0.0-hvd_example-ms_catalogue.jsonld"))
    assert view(ttl) == view(jsonld)
    assert (
        ttl.warnings
        == jsonld.warnings
        == [
            "catalogue <https://data.exampleMS.gov/id/dataset/HVD-reporting-2023>: dct:publisher is mandatory in DCAT-AP 3.0.0 (1..n) and missing",
            "catalogue <https://data.exampleMS.gov/id/dataset/HVD-reporting-2023>: typed dcat:Catalogue, which is not a DCAT class (dcat:Catalog); read as a catalogue",
            "distribution <https://data.exampleMS.gov/id/dataset/1T2p3o4B-dist-RDF>: listed by dataset <https://data.exampleMS.gov/id/dataset/1T2p3o4B> but not described in this file (no dcat:accessURL)",
        ]
    )
    (ds,) = ttl.datasets
    assert (ds.title, ds.publisher, ds.identifier, ds.catalogue_title) == (
        "The population of bees",
        "MS Environmental Agency",
        "https://data.exampleMS.gov/id/dataset/1T2p3o4B",
        "MS HVD Reporting 2023",
    )
    shp = ds.distributions[1]
    assert (shp.key, shp.formats, shp.access_urls) == (
        "1T2p3o4B-dist-SHP",
        ["SHP"],
        ["https://orgea.exampleMS.gov/files/1T2p3o4B.shp"],
    )
    # The local licence IRI is resolved through its skos:exactMatch to the EU authority's CC0.
    assert shp.licence == "http://publications.europa.eu/resource/authority/licence/CC0"


def test_hvd_catalogue_expands_to_the_same_sources(dcat_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "1T2p3o4B.shp").write_text("Bees counted per region.\n", encoding="utf-8")
    semic = dcat_dir / "semic-examples"
    results = []
    for name in ("3.0.0-hvd_example-ms_catalogue.ttl", "3.0.0-hvd_example-ms_catalogue.jsonld"):
        spec = SourceSpec(
            name="hvd",
            format="dcat",
            paths=[str(semic / name)],
            root=str(semic),
            # No reader reads shapefiles: map SHP to the text reader so that the expansion is visible.
            options={"mirror": {"https://orgea.exampleMS.gov/files/": str(tmp_path)}, "formats": {"SHP": "text"}},
        )
        children, _ = expand_catalogue(spec)
        rows = []
        for c in children:
            d = dataclasses.asdict(c)
            d["metadata"].pop("catalogue_file")
            d.pop("origin")
            rows.append(d)
        results.append(rows)
        assert [(c.name, c.format, c.paths, decide(c).licence_id) for c in children] == [
            ("hvd/1T2p3o4B/1T2p3o4B-dist-SHP", "text", [str(tmp_path / "1T2p3o4B.shp")], "CC0-1.0")
        ]
    assert results[0] == results[1]


def test_bee_population_jsonld_with_local_context_equals_turtle(dcat_dir: Path) -> None:
    semic = dcat_dir / "semic-examples"
    ttl = parse_catalogue(str(semic / "3.0.0_example-bee-population-2022-2023.ttl"))
    jsonld = parse_catalogue(
        str(semic / "3.0.0_example-bee-population-2022-2023.jsonld"),
        {"jsonld_contexts": {CONTEXT_URL: str(semic / "3.0.0_context.jsonld")}},
    )
    assert view(ttl) == view(jsonld)
    assert [(d.key, d.title, d.publisher) for d in ttl.datasets] == [
        ("BeePopulation2022", "Bee population 2022", "https://agencies.gov.gr/id/GreekEnvironmentAgency"),
        ("BeePopulation2023", "Bee population 2023", "https://agencies.gov.gr/id/GreekEnvironmentAgency"),
    ]


def test_dcat_ap_2_ntriples_examples(dcat_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "csv").write_text("text\nVisitors to the swimming pool: 120.\n", encoding="utf-8")
    for name in ("2.1.1_example1.nt", "2.1.1_example2.nt"):
        path = dcat_dir / "semic-examples" / name
        p = parse_catalogue(str(path))
        assert p.warnings == []
        (ds,) = p.datasets
        assert (ds.title, ds.publisher, ds.catalogue_publisher) == (
            "visitors to the Open Swimming Pool",
            "Publisher",
            "myOrg",
        )
        spec = SourceSpec(
            name="pool",
            format="dcat",
            paths=[str(path)],
            root=str(path.parent),
            options={
                "mirror": {"https://myorg.eu/opendata/datasets/1/distributions/": str(tmp_path)},
                "default_format": "csv",
            },
        )
        (child,), warnings = expand_catalogue(spec)
        assert warnings == []
        assert (child.name, child.format, child.licence, decide(child).licence_id) == (
            "pool/1/csv",
            "csv",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "CC0-1.0",
        )


def test_piveau_records_read_with_warnings_not_crashes(dcat_dir: Path) -> None:
    piveau = dcat_dir / "piveau-hub-tests"
    cat = parse_catalogue(str(piveau / "example_catalog.ttl"))
    assert cat.datasets == []
    assert cat.warnings == [
        "catalogue <https://piveau.io/id/catalogue/test-catalog>: dataset <https://piveau.io/set/data/test-dataset> is listed but not described in this file; skipped",
        "not valid Turtle, read after a repair: the file ends with ';': replaced it by the missing final '.'",
    ]
    ds_file = parse_catalogue(str(piveau / "example_dataset.ttl"))
    assert ds_file.warnings == [
        "not valid Turtle, read after a repair: added the missing '.' at the end of the @prefix line 15"
    ]
    (ds,) = ds_file.datasets
    assert (ds.title, ds.publisher, ds.languages, ds.issued, ds.landing_page, ds.access_rights) == (
        "Example Dataset 2",
        "Fraunhofer FOKUS",
        ["en"],
        "2015-08-28T00:00:00",
        "http://landingpage.de",
        ":public",
    )
    assert [(d.key, d.formats, d.licence) for d in ds.distributions] == [
        ("1", ["PDF", "text/plain"], "CC BY-SA 4.0"),
        ("2", ["CSV", "text/csv"], "This is a Open Test Licence"),
        ("3", ["XLS"], "http://www.opendefinition.org/licenses/cc-by"),
    ]
    ckan = parse_catalogue(str(piveau / "example_consus_ckan.ttl"))
    assert ckan.warnings == []
    (ds,) = ckan.datasets
    assert (ds.title, ds.publisher, len(ds.distributions)) == ("Contracts Register", "Mole Valley District Council", 9)
    assert sorted({tuple(d.formats) for d in ds.distributions}) == [("HTML",), ("XLS",)]
    assert {d.licence for d in ds.distributions} == {"http://reference.data.gov.uk/id/open-government-licence"}
    # Blank-node distributions get stable keys, the same on every parse.
    assert [d.key for d in ds.distributions] == [
        d.key for d in parse_catalogue(str(piveau / "example_consus_ckan.ttl")).datasets[0].distributions
    ]
    # Nothing is mirrored: every distribution is reported, none read.
    children, warnings = expand_catalogue(
        SourceSpec(name="mv", format="dcat", paths=[str(piveau / "example_consus_ckan.ttl")], root=str(piveau))
    )
    assert children == []
    assert len(warnings) == 9
    assert all("is not mirrored locally" in w for w in warnings)
