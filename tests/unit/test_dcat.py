"""DCAT-AP catalogues -> one SourceSpec per distribution (altedic.sources.dcat), on the fixtures in
tests/fixtures/sources/dcat (the same test catalogue in Turtle, JSON-LD and RDF/XML)."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from altedic.errors import ConfigError, InputError
from altedic.licence.policy import decide
from altedic.readers.base import ReadContext, SourceInfo
from altedic.readers.dcat import read_dcat
from altedic.sources import SourceSpec
from altedic.sources.dcat import expand_catalogue, parse_catalogue

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "dcat"
MIRROR = {
    "https://files.example.mt/news/": "mirror/mt/",
    "https://files.example.ie/ga/": "mirror/ie/",
    "https://files.example.gr/el/": "mirror/gr/",
    "https://files.example.bg/": "mirror/bg/",
    "https://files.example.cat/": "mirror/cat/",
}


def catalogue_spec(name: str, **options: Any) -> SourceSpec:
    return SourceSpec(
        name="community",
        format="dcat",
        paths=[str(FIX / name)],
        root=str(FIX),
        attribution="Community catalogue",
        retrieved="2026-11-01",
        options={"mirror": MIRROR, **options},
    )


def comparable(children: list[SourceSpec]) -> list[dict[str, Any]]:
    out = []
    for c in children:
        d = dataclasses.asdict(c)
        d["metadata"].pop("catalogue_file")
        d.pop("origin")
        out.append(d)
    return out


def test_expansion_gives_one_source_per_readable_distribution() -> None:
    children, warnings = expand_catalogue(catalogue_spec("catalogue.ttl"))
    m = str(FIX / "mirror")
    assert [(c.name, c.format, c.paths, c.root, c.language) for c in children] == [
        ("community/bg-forum/bg-jsonl", "jsonl", [f"{m}/bg/forum.jsonl"], f"{m}/bg", "bg"),
        ("community/ca-offer/ca-permitted", "csv", [f"{m}/cat/permitted.csv"], f"{m}/cat", "ca"),
        ("community/ca-offer/ca-unknown", "csv", [f"{m}/cat/unknown.csv"], f"{m}/cat", "ca"),
        ("community/el-poems/el-txt", "text", [f"{m}/gr/poems.txt"], f"{m}/gr", "el"),
        ("community/ga-debates/ga-jsonl", "jsonl", [f"{m}/ie/debates.jsonl"], f"{m}/ie", "ga"),
        ("community/mt-news/mt-news-csv", "csv", [f"{m}/mt/mt-news.csv"], f"{m}/mt", "mt"),
    ]
    assert warnings == [
        "catalogue.ttl: dataset <https://data.example.eu/ds/el-poems>: dct:description is mandatory in DCAT-AP 3.0.0 (1..n) and missing",
        "catalogue.ttl: distribution https://data.example.eu/dist/mt-news-shp of dataset https://data.example.eu/ds/mt-news: "
        f"https://files.example.mt/news/map.shp maps to {m}/mt/map.shp, which does not exist; not read",
    ]
    mt = children[-1]
    assert mt.licence == "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    assert (
        mt.licence_evidence
        == "dct:license <http://publications.europa.eu/resource/authority/licence/CC_BY_4_0> on distribution <https://data.example.eu/dist/mt-news-csv>"
    )
    assert mt.publisher == "Kunsill Nazzjonali għall-Ilsien Malti"
    assert (mt.attribution, mt.retrieved) == ("Community catalogue", "2026-11-01")
    assert mt.metadata == {
        "catalogue_file": "catalogue.ttl",
        "catalogue": "https://data.example.eu/catalogue",
        "catalogue_title": "Language catalogue",
        "dataset": "https://data.example.eu/ds/mt-news",
        "dataset_title": "Aħbarijiet bil-Malti",
        "dataset_identifier": "mt-news",
        "landing_page": "https://data.example.eu/mt-news",
        "issued": "2024-03-01",
        "distribution": "https://data.example.eu/dist/mt-news-csv",
        "distribution_title": "Aħbarijiet (CSV)",
        "format": "CSV",
        "download_url": "https://files.example.mt/news/mt-news.csv",
        "rights": "© Kunsill Nazzjonali għall-Ilsien Malti",
        "languages": "mt",
    }


def test_turtle_jsonld_and_rdfxml_give_the_same_sources() -> None:
    ttl, w1 = expand_catalogue(catalogue_spec("catalogue.ttl"))
    jsonld, w2 = expand_catalogue(catalogue_spec("catalogue.jsonld"))
    rdfxml, w3 = expand_catalogue(catalogue_spec("catalogue.rdf"))
    assert comparable(ttl) == comparable(jsonld) == comparable(rdfxml)
    assert [w.split(": ", 1)[1] for w in w1] == [w.split(": ", 1)[1] for w in w2] == [w.split(": ", 1)[1] for w in w3]


def test_licence_decisions_per_distribution() -> None:
    children, _ = expand_catalogue(catalogue_spec("catalogue.jsonld"))
    got = {
        c.name.split("/")[-1]: (decide(c, {"reference_date": "2026-06-01"}).reason, decide(c).licence_id)
        for c in children
    }
    assert got == {
        "bg-jsonl": ("licence.unknown", None),
        "ca-permitted": (None, "odrl:https://data.example.eu/policy/ca-permitted"),
        "ca-unknown": ("licence.odrl_unknown_constraint", None),
        "el-txt": ("licence.no_derivatives", "CC-BY-ND-4.0"),
        "ga-jsonl": ("licence.non_commercial", "CC-BY-NC-4.0"),
        "mt-news-csv": (None, "CC-BY-4.0"),
    }


def test_parse_checks_cardinalities_and_keys_blank_nodes_stably(tmp_path: Path) -> None:
    ttl = tmp_path / "c.ttl"
    ttl.write_text(
        """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        <https://ex.eu/c> a dcat:Catalog ; dcat:dataset <https://ex.eu/d>, <https://ex.eu/missing> .
        <https://ex.eu/d> a dcat:Dataset ; dct:title "Τίτλος"@el ; dct:publisher <https://ex.eu/a>, <https://ex.eu/b> ;
          dcat:distribution [ a dcat:Distribution ; dct:format "CSV" ; dct:license <https://ex.eu/l1>, <https://ex.eu/l2> ] .
        """,
        encoding="utf-8",
    )
    p = parse_catalogue(str(ttl))
    assert p.warnings == [
        "catalogue <https://ex.eu/c>: dataset <https://ex.eu/missing> is listed but not described in this file; skipped",
        "catalogue <https://ex.eu/c>: dct:description is mandatory in DCAT-AP 3.0.0 (1..n) and missing",
        "catalogue <https://ex.eu/c>: dct:publisher is mandatory in DCAT-AP 3.0.0 (1..n) and missing",
        "catalogue <https://ex.eu/c>: dct:title is mandatory in DCAT-AP 3.0.0 (1..n) and missing",
        "dataset <https://ex.eu/d>: dct:description is mandatory in DCAT-AP 3.0.0 (1..n) and missing",
        "dataset <https://ex.eu/d>: dct:publisher may occur at most once in DCAT-AP 3.0.0, found 2",
        f"distribution {p.datasets[0].distributions[0].key} of dataset <https://ex.eu/d>: dcat:accessURL is mandatory in DCAT-AP 3.0.0 (1..n) and missing",
        f"distribution {p.datasets[0].distributions[0].key} of dataset <https://ex.eu/d>: dct:license may occur at most once in DCAT-AP 3.0.0, found 2",
    ]
    assert [d.key for d in p.datasets] == ["d"]
    key = p.datasets[0].distributions[0].key
    assert key.startswith("dist-") and len(key) == 13
    assert parse_catalogue(str(ttl)).datasets[0].distributions[0].key == key


def test_local_licence_iri_resolved_through_exact_match(tmp_path: Path) -> None:
    ttl = tmp_path / "c.ttl"
    ttl.write_text(
        """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://ex.mt/d> a dcat:Dataset ; dct:title "t" ; dct:description "d" ; dcat:distribution <https://ex.mt/x> .
        <https://ex.mt/x> a dcat:Distribution ; dcat:downloadURL <https://dl.ex.mt/x.jsonl> ; dct:license <https://ex.mt/licenza> .
        <https://ex.mt/licenza> a dct:LicenseDocument ; skos:prefLabel "Liċenzja Ħielsa"@mt ;
          skos:exactMatch <http://publications.europa.eu/resource/authority/licence/CC0> .
        """,
        encoding="utf-8",
    )
    (tmp_path / "x.jsonl").write_text('{"text": "Bonġu"}\n', encoding="utf-8")
    s = SourceSpec(
        name="mt", format="dcat", paths=[str(ttl)], root=str(tmp_path), options={"mirror": {"https://dl.ex.mt/": "."}}
    )
    (child,), warnings = expand_catalogue(s)
    # DCAT-AP wants an accessURL even when a downloadURL is given.
    assert warnings == [
        "c.ttl: distribution <https://ex.mt/x>: dcat:accessURL is mandatory in DCAT-AP 3.0.0 (1..n) and missing"
    ]
    assert (child.format, child.paths, child.licence) == (
        "jsonl",
        [str(tmp_path / "x.jsonl")],
        "http://publications.europa.eu/resource/authority/licence/CC0",
    )
    assert (
        child.licence_evidence
        == "dct:license <https://ex.mt/licenza> skos:exactMatch <http://publications.europa.eu/resource/authority/licence/CC0> on distribution <https://ex.mt/x>"
    )
    assert decide(child).licence_id == "CC0-1.0"


def test_unmapped_url_unknown_format_and_format_override(tmp_path: Path) -> None:
    ttl = tmp_path / "c.ttl"
    ttl.write_text(
        """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        <https://ex.ie/d> a dcat:Dataset ; dct:title "t" ; dct:description "d" ; dcat:distribution <https://ex.ie/x>, <https://ex.ie/y> .
        <https://ex.ie/x> a dcat:Distribution ; dcat:accessURL <https://elsewhere.ie/x.csv> ; dct:license <https://creativecommons.org/licenses/by/4.0/> .
        <https://ex.ie/y> a dcat:Distribution ; dcat:accessURL <https://dl.ex.ie/y.xml> ; dct:format <http://publications.europa.eu/resource/authority/file-type/XML> .
        """,
        encoding="utf-8",
    )
    (tmp_path / "y.xml").write_text("<TEI/>", encoding="utf-8")
    base = {"name": "ga", "format": "dcat", "paths": [str(ttl)], "root": str(tmp_path)}
    children, warnings = expand_catalogue(SourceSpec(**base, options={"mirror": {"https://dl.ex.ie/": "."}}))  # type: ignore[arg-type]
    assert children == []
    assert warnings == [
        "c.ttl: distribution https://ex.ie/x of dataset https://ex.ie/d: https://elsewhere.ie/x.csv is not mirrored locally (add a prefix of it to options.mirror); not read",
        "c.ttl: distribution https://ex.ie/y of dataset https://ex.ie/d: no reader for format XML; skipped (map it with options.formats if a reader applies)",
    ]
    children, _ = expand_catalogue(
        SourceSpec(
            **base,
            options={
                "mirror": {"https://dl.ex.ie/": "."},
                "formats": {"XML": "jrc_acquis"},
                "reader_options": {"jrc_acquis": {"split": "document"}},
            },
        )
    )  # type: ignore[arg-type]
    assert [(c.name, c.format, c.options) for c in children] == [("ga/d/y", "jrc_acquis", {"split": "document"})]


def test_bad_options_and_non_rdf_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown option 'mirorr'; allowed: mirror, formats"):
        expand_catalogue(
            SourceSpec(
                name="x", format="dcat", paths=[str(FIX / "catalogue.ttl")], root=str(FIX), options={"mirorr": {}}
            )
        )
    with pytest.raises(ConfigError, match=r"options.formats.XML: 'xml' is not a reader"):
        expand_catalogue(
            SourceSpec(
                name="x",
                format="dcat",
                paths=[str(FIX / "catalogue.ttl")],
                root=str(FIX),
                options={"formats": {"XML": "xml"}},
            )
        )
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not <turtle", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.ttl: not valid RDF \(turtle\)"):
        parse_catalogue(str(bad))
    remote = tmp_path / "remote.jsonld"
    remote.write_text(
        '{"@context": "https://example.eu/context.jsonld", "@id": "https://ex.eu/d", "@type": "Dataset"}',
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError,
        match=r"the JSON-LD context https://example.eu/context.jsonld is remote and the pipeline never fetches",
    ):
        parse_catalogue(str(remote))


def test_slightly_broken_turtle_is_repaired_with_a_warning(tmp_path: Path) -> None:
    ttl = tmp_path / "c.ttl"
    ttl.write_text(
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dct: <http://purl.org/dc/terms/>\n\n"
        '<https://ex.bg/d> a dcat:Dataset ; dct:title "Заглавие"@bg ; dct:description "Описание"@bg ;\n',
        encoding="utf-8",
    )
    p = parse_catalogue(str(ttl))
    assert [d.title for d in p.datasets] == ["Заглавие"]
    assert p.warnings == [
        "not valid Turtle, read after a repair: added the missing '.' at the end of the @prefix line 2",
        "not valid Turtle, read after a repair: the file ends with ';': replaced it by the missing final '.'",
    ]


def test_the_dcat_reader_explains_its_misuse() -> None:
    ctx = ReadContext(source=SourceInfo(name="cat", format="dcat"), uri=str(FIX / "catalogue.ttl"), rel="catalogue.ttl")
    with pytest.raises(
        InputError, match=r"a DCAT catalogue is not read as documents: the driver expands it into its distributions"
    ):
        list(read_dcat(ctx))


GLOB_CATALOGUE = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://ex.org/dsA> a dcat:Dataset ; dct:title "A" ; dct:description "a" ;
  dct:license <http://creativecommons.org/publicdomain/zero/1.0/> ; dcat:distribution <https://ex.org/distA> .
<https://ex.org/distA> a dcat:Distribution ; dcat:downloadURL <%s> ; dcat:accessURL <https://files.ex.org/> ;
  dct:format "jsonl" .
<https://ex.org/dsB> a dcat:Dataset ; dct:title "B" ; dct:description "b" ;
  dct:license <http://creativecommons.org/licenses/by-nc/4.0/> ; dcat:distribution <https://ex.org/distB> .
<https://ex.org/distB> a dcat:Distribution ; dcat:downloadURL <https://files.ex.org/b/b.jsonl> ;
  dcat:accessURL <https://files.ex.org/> ; dct:format "jsonl" .
"""


def _dcat_recipe(tmp_path: Path, catalogue: str, mirrored: str, text: str, extra: str = "") -> Path:
    """A recipe reading ``catalogue`` (Turtle) with https://files.ex.org/ mirrored in tmp_path/mirror,
    where ``mirrored`` (a path under it) holds one JSON line of ``text``; ``extra``: more source keys."""
    local = tmp_path / "mirror" / mirrored
    local.parent.mkdir(parents=True)
    local.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    (tmp_path / "cat.ttl").write_text(catalogue, encoding="utf-8")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"version: 1\nname: t\nsources:\n  - name: cat\n    format: dcat\n    paths: cat.ttl\n{extra}"
        '    options: {mirror: {"https://files.ex.org/": mirror/}}\noutput: {path: out}\n',
        encoding="utf-8",
    )
    return recipe


def _glob_recipe(tmp_path: Path, url: str) -> Path:
    return _dcat_recipe(tmp_path, GLOB_CATALOGUE % url, "b/b.jsonl", "not commercial")


def test_a_download_url_with_wildcards_reads_no_other_datasets_files(tmp_path: Path) -> None:
    """A URL names one file: dataset A's https://files.ex.org/*/*.jsonl used to be globbed and read
    dataset B's file (refused on its own as CC-BY-NC) under A's CC0."""
    from altedic.recipe import load_recipe
    from altedic.run import plan_sources

    plan = plan_sources(load_recipe(_glob_recipe(tmp_path, "https://files.ex.org/*/*.jsonl")))
    assert plan.tasks == []
    assert [(r.name, r.reason) for r in plan.refused] == [("cat/dsB/distB", "licence.non_commercial")]
    assert plan.warnings == [
        f"cat: cat.ttl: distribution https://ex.org/distA of dataset https://ex.org/dsA: https://files.ex.org/*/*.jsonl "
        f"maps to {tmp_path}/mirror/*/*.jsonl, which does not exist; not read"
    ]


# Beam compiles the escape "[[]" into the regex "[[]", which Python flags as a possible nested set.
@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
def test_wildcard_characters_in_a_url_name_exactly_that_file(tmp_path: Path) -> None:
    """A mirrored file really called "*" / "[1]?.jsonl" is read, and only that file (the child's
    paths are escaped patterns, matched by Beam in the driver)."""
    from altedic.recipe import load_recipe
    from altedic.run import plan_sources

    recipe = _glob_recipe(tmp_path, "https://files.ex.org/*/%5B1%5D%3F.jsonl")
    (tmp_path / "mirror" / "*").mkdir()
    for name in ("[1]?.jsonl", "1x.jsonl", "[1]x.jsonl"):
        (tmp_path / "mirror" / "*" / name).write_text('{"text": "public domain"}\n', encoding="utf-8")
    plan = plan_sources(load_recipe(recipe))
    assert [(plan.infos[t.source].name, t.uri, t.rel) for t in plan.tasks] == [
        ("cat/dsA/distA", f"{tmp_path}/mirror/*/[1]?.jsonl", "[1]?.jsonl")
    ]
    (child,) = plan.specs
    assert child.paths == [f"{tmp_path}/mirror/[*]/[[]1][?].jsonl"]
    assert child.root == f"{tmp_path}/mirror/*"


SURROGATE_TTL = r"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://ex.org/ds1> a dcat:Dataset ; dct:title "Title \uD83D cut" ; dct:description "Smile \uD83D\uDE00" ;
  dct:publisher [ foaf:name "Pub \uDE00" ] ; dcat:distribution <https://ex.org/dist1> .
<https://ex.org/dist1> a dcat:Distribution ; dcat:downloadURL <https://files.ex.org/news.jsonl> ;
  dcat:accessURL <https://files.ex.org/> ; dct:license <http://creativecommons.org/publicdomain/zero/1.0/> .
"""

SURROGATE_JSONLD = r"""{"@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
  "foaf": "http://xmlns.com/foaf/0.1/"},
 "@graph": [{"@id": "https://ex.org/ds1", "@type": "dcat:Dataset", "dct:title": "Title \ud83d cut",
   "dct:description": "Smile \ud83d\ude00", "dct:publisher": {"foaf:name": "Pub \ude00"},
   "dcat:distribution": {"@id": "https://ex.org/dist1", "@type": "dcat:Distribution",
     "dcat:downloadURL": {"@id": "https://files.ex.org/news.jsonl"}, "dcat:accessURL": {"@id": "https://files.ex.org/"},
     "dct:license": {"@id": "http://creativecommons.org/publicdomain/zero/1.0/"}}}]}"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("c.ttl", SURROGATE_TTL),
        ("c.jsonld", SURROGATE_JSONLD),
        # N-Triples: the Turtle catalogue's statements, one a line
        (
            "c.nt",
            r"""<https://ex.org/ds1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Dataset> .
<https://ex.org/ds1> <http://purl.org/dc/terms/title> "Title \uD83D cut" .
<https://ex.org/ds1> <http://purl.org/dc/terms/description> "Smile \uD83D\uDE00" .
<https://ex.org/ds1> <http://purl.org/dc/terms/publisher> _:p .
_:p <http://xmlns.com/foaf/0.1/name> "Pub \uDE00" .
<https://ex.org/ds1> <http://www.w3.org/ns/dcat#distribution> <https://ex.org/dist1> .
<https://ex.org/dist1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Distribution> .
<https://ex.org/dist1> <http://www.w3.org/ns/dcat#downloadURL> <https://files.ex.org/news.jsonl> .
<https://ex.org/dist1> <http://www.w3.org/ns/dcat#accessURL> <https://files.ex.org/> .
<https://ex.org/dist1> <http://purl.org/dc/terms/license> <http://creativecommons.org/publicdomain/zero/1.0/> .
""",
        ),
    ],
)
def test_a_lone_surrogate_in_a_catalogue_literal_is_read_as_u_fffd(tmp_path: Path, name: str, text: str) -> None:
    """Half a UTF-16 pair in a title went into every document's metadata and stopped the run at
    the Parquet writer; it is now U+FFFD with a warning (a whole pair is joined, silently)."""
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "news.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    # a catalogue file name that is not UTF-8 (decoded with surrogate escapes) is metadata too
    path = tmp_path / (name[:1] + os.fsdecode(b"\xff") + name[1:])
    path.write_text(text, encoding="utf-8")
    (child,) = expand_catalogue(
        SourceSpec(
            name="s",
            format="dcat",
            paths=[str(path)],
            root=str(tmp_path),
            options={"mirror": {"https://files.ex.org/": "mirror/"}, "default_format": "jsonl"},
        )
    )[0]
    assert child.metadata["dataset_title"] == "Title \ufffd cut"
    assert child.metadata["catalogue_file"] == f"c\ufffd{name[1:]}"
    assert child.publisher == "Pub \ufffd"
    assert child.licence == "http://creativecommons.org/publicdomain/zero/1.0/"
    p = parse_catalogue(str(path))
    assert p.datasets[0].description == "Smile \U0001f600"
    assert [w for w in p.warnings if "surrogate" in w] == [
        "<https://ex.org/ds1> dct:title: a lone UTF-16 surrogate (half of a pair, not valid Unicode) read as U+FFFD: "
        "'Title \ufffd cut'",
        "[blank node] http://xmlns.com/foaf/0.1/name: a lone UTF-16 surrogate (half of a pair, not valid Unicode) "
        "read as U+FFFD: 'Pub \ufffd'",
    ]


def _jsonld_dataset(extra: str) -> str:
    return (
        '{"@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"}, '
        f'"@id": "https://ex.org/ds1", "@type": "dcat:Dataset", "dct:title": "T", {extra}}}'
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '"dct:description": {"@value": "d", "@language": "en_US"}',
            "not valid JSON-LD: the @language 'en_us' of the value 'd' is not a language tag (BCP 47: 'en', 'en-US'; not 'en_US')",
        ),
        (
            '"dct:description": {"@value": "Deskrizzjoni", "@language": "123"}',
            "not valid JSON-LD: the @language '123' of the value 'Deskrizzjoni' is not a language tag",
        ),
        (
            '"dct:description": {"@value": "d", "@language": "en us"}',
            "not valid JSON-LD: the @language 'en us' of the value 'd' is not a language tag",
        ),
        ('"dct:relation": ' + "[" * 100_000 + "]" * 100_000, "not valid JSON-LD: arrays or objects nested too deeply"),
        (
            '"dct:relation": ' + '{"dct:relation": ' * 900 + '{"@id": "https://ex.org/y"}' + "}" * 900,
            "JSON-LD cannot be processed: objects nested too deeply",
        ),
        ('"dct:extent": ' + "9" * 5000, "not valid JSON-LD: Exceeds the limit (4300 digits) for integer string"),
    ],
    ids=["en_US", "123", "en us", "deep-arrays", "deep-objects", "huge-integer"],
)
def test_jsonld_that_rdflib_or_python_cannot_take_is_a_config_error(tmp_path: Path, extra: str, message: str) -> None:
    """A language tag rdflib refuses (ValueError), deep nesting (RecursionError in json.loads or in
    pyld) and a huge integer (ValueError) crashed the run; they are catalogue errors, like a
    Turtle file that is not valid RDF."""
    path = tmp_path / "c.jsonld"
    path.write_text(_jsonld_dataset(extra), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        parse_catalogue(str(path))
    assert exc.value.file == str(path)
    assert str(exc.value).startswith(f"{path}: {message}")


LANG_CATALOGUE = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://ex.org/dsA> a dcat:Dataset ; dct:title "A" ; dct:description "a" ; %s
  dct:license <http://creativecommons.org/publicdomain/zero/1.0/> ; dcat:distribution <https://ex.org/distA> .
<https://ex.org/distA> a dcat:Distribution ; dcat:downloadURL <https://files.ex.org/a/a.jsonl> ;
  dcat:accessURL <https://files.ex.org/> ; dct:format "jsonl" .
"""
EU_LANG = "http://publications.europa.eu/resource/authority/language/"


@pytest.mark.parametrize(
    ("languages", "declared", "warned"),
    [
        (["MLT"], "mt", None),
        (["MUL"], None, None),  # multilingual: declares no one language
        (["OP_DATPRO"], None, None),  # the EU authority's "provisional data"
        (["ZXX"], None, None),
        (["XQX"], None, "'xqx'"),
        (["MLT", "XQX"], None, "'xqx'"),
        (["MLT", "ENG"], None, None),  # two languages: none declared, as before
        ([], "ga", None),  # no dct:language: the catalogue source's own language
    ],
)
def test_a_dataset_language_altedic_does_not_know_is_a_warning_not_the_end_of_the_run(
    tmp_path: Path, languages: list[str], declared: str | None, warned: str | None
) -> None:
    """One dataset declaring MUL, OP_DATPRO or a code altedic does not know stopped the whole run
    with "unknown language code" (a ConfigError for a value the publisher wrote, not the recipe)."""
    from altedic.recipe import load_recipe
    from altedic.run import plan_sources

    lang = "dct:language " + ", ".join(f"<{EU_LANG}{c}>" for c in languages) + " ;" if languages else ""
    recipe = _dcat_recipe(tmp_path, LANG_CATALOGUE % lang, "a/a.jsonl", "Rapport dwar l-ilma.", "    language: ga\n")
    plan = plan_sources(load_recipe(recipe))
    assert [(i.name, i.declared_lang) for i in plan.infos] == [("cat/dsA/distA", declared)]
    language_warnings = [w for w in plan.warnings if "dct:language" in w]
    if warned is None:
        assert language_warnings == []
    else:
        assert language_warnings == [
            "cat: cat.ttl: distribution https://ex.org/distA of dataset https://ex.org/dsA: dct:language "
            f"{warned} is not a language code altedic knows; its documents are read as undeclared "
            "(the detector decides alone)"
        ]


def test_a_contributed_catalogue_reads_no_mirror_outside_its_folder(tmp_path: Path) -> None:
    """A contributed manifest's catalogue whose options.mirror maps a URL to a folder outside the
    manifest's folder: the children carry the manifest's folder, and the run's listing refuses
    the mirrored file (it was read: only the manifest's location was checked)."""
    from altedic.recipe import load_recipe
    from altedic.run import plan_sources

    community = tmp_path / "community"
    community.mkdir()
    outside = tmp_path / "mirror" / "a" / "a.jsonl"
    outside.parent.mkdir(parents=True)
    outside.write_text('{"text": "not the contributor\'s"}\n', encoding="utf-8")
    (community / "cat.ttl").write_text(GLOB_CATALOGUE % "https://files.ex.org/a/a.jsonl", encoding="utf-8")
    m = community / "m.yaml"
    m.write_text(
        "manifest_version: 1\nname: cat\ncontact: a@b.mt\nlanguages: [mt]\nformat: dcat\nlocation: cat.ttl\n"
        "licence: CC0-1.0\nrights_holder: X\nattribution: X\npersonal_data: false\n"
        'options: {mirror: {"https://files.ex.org/": ../mirror/}}\n',
        encoding="utf-8",
    )
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"version: 1\nname: t\nsources: [{{include: {m}}}]\noutput: {{path: out}}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        plan_sources(load_recipe(recipe))
    assert exc.value.key == "cat/dsA/distA.paths"
    assert str(exc.value).endswith(
        f"source 'cat/dsA/distA': '{outside}' matches {outside}, outside the manifest's folder; a contributed source reads the files in its manifest's folder and below it only: "
        "move the files there (a recipe's own source can name any path)"
    )


def test_a_mirrored_folder_is_read_whole_but_not_its_hidden_files(tmp_path: Path) -> None:
    """A download URL naming a folder was read as <folder>/**/*, which in Beam's patterns needs a
    subfolder: the folder's own files were not read, while .well-known/tdmrep.json (a rights
    file) and .git/ contents were read as documents."""
    from altedic.recipe import load_recipe
    from altedic.run import plan_sources

    recipe = _glob_recipe(tmp_path, "https://files.ex.org/a/")
    folder = tmp_path / "mirror" / "a"
    (folder / "sub").mkdir(parents=True)
    for rel in ("top.jsonl", "sub/deep.jsonl", ".well-known/tdmrep.json", ".git/HEAD", ".top.jsonl.swp"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text('{"text": "Il-qattus qiegħed fuq il-mejda."}\n', encoding="utf-8")
    plan = plan_sources(load_recipe(recipe))
    assert [(plan.infos[t.source].name, t.rel) for t in plan.tasks] == [
        ("cat/dsA/distA", "a/sub/deep.jsonl"),
        ("cat/dsA/distA", "a/top.jsonl"),
    ]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("d/*", ["a.jsonl"]),
        ("d/**", ["a.jsonl", "sub/b.jsonl"]),
        ("d/**.jsonl", ["a.jsonl", "sub/b.jsonl"]),
        ("d/.*", [".hidden"]),  # a pattern that writes the dot takes hidden names
        ("d/.well-known/*", [".well-known/tdmrep.json"]),
        ("d/.hidden", [".hidden"]),  # a literal path names its file
    ],
)
def test_wildcards_leave_hidden_names_out(tmp_path: Path, pattern: str, expected: list[str]) -> None:
    from altedic.sources.files import match

    for rel in ("a.jsonl", "sub/b.jsonl", ".hidden", ".well-known/tdmrep.json", ".git/HEAD", "sub/.b.swp"):
        (tmp_path / "d" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "d" / rel).write_text("x", encoding="utf-8")
    assert [p[len(str(tmp_path / "d")) + 1 :] for p in match(str(tmp_path / pattern))] == expected


def test_a_written_hidden_name_takes_only_the_names_it_matches(tmp_path: Path) -> None:
    """A dot written anywhere in the pattern let every hidden name through: data/*/.git/* took
    data/.mirror/.git/config, a hidden folder its * had matched."""
    from altedic.sources.files import match

    for rel in ("a/.git/config", ".mirror/.git/config", "a/.git/.lock"):
        (tmp_path / "d" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "d" / rel).write_text("x", encoding="utf-8")
    assert [p[len(str(tmp_path / "d")) + 1 :] for p in match(str(tmp_path / "d/*/.git/*"))] == ["a/.git/config"]
    assert [p[len(str(tmp_path / "d")) + 1 :] for p in match(str(tmp_path / "d/*/.git/.*"))] == ["a/.git/.lock"]
