from __future__ import annotations

from altedic.readers.base import ReadContext, SourceInfo
from altedic.records import Document, doc_id


def test_doc_id_is_stable_and_hex() -> None:
    a = doc_id("src", "a.jsonl#line 1", "Il-Kummissjoni Ewropea")
    assert a == doc_id("src", "a.jsonl#line 1", "Il-Kummissjoni Ewropea")
    assert len(a) == 32 and int(a, 16) >= 0


def test_doc_id_depends_on_every_part() -> None:
    base = doc_id("src", "a#1", "Η Επιτροπή")
    assert (
        len(
            {
                base,
                doc_id("src2", "a#1", "Η Επιτροπή"),
                doc_id("src", "a#2", "Η Επιτροπή"),
                doc_id("src", "a#1", "Η Επιτροπή."),
            }
        )
        == 4
    )
    # Field boundaries matter: moving a character from one part to the next changes the id.
    assert doc_id("ab", "c", "x") != doc_id("a", "bc", "x")


def test_context_fills_provenance_and_overrides() -> None:
    info = SourceInfo(
        name="dgt",
        format="tmx",
        declared_lang="ga",
        licence="EU-Reuse-2011-833",
        publisher="European Commission",
        attribution="© European Union",
        profile="legal",
        metadata={"dataset": "DGT-TM 2019"},
    )
    ctx = ReadContext(source=info, uri="/data/x.tmx", rel="x.tmx")
    d = ctx.doc("Airteagal 1", position="doc 32019D0391", doc_ref="32019D0391", metadata={"celex": "32019D0391"})
    assert d.id == doc_id("dgt", "x.tmx#doc 32019D0391", "Airteagal 1")
    assert (d.source, d.uri, d.format, d.declared_lang, d.licence, d.profile) == (
        "dgt",
        "/data/x.tmx",
        "tmx",
        "ga",
        "EU-Reuse-2011-833",
        "legal",
    )
    assert d.metadata == {"dataset": "DGT-TM 2019", "celex": "32019D0391"}
    # The source's metadata dict is not shared with (or changed by) documents.
    assert info.metadata == {"dataset": "DGT-TM 2019"}
    e = ctx.error("broken unit", "tu 3", kind="xml")
    assert (e.source, e.uri, e.position, e.kind) == ("dgt", "/data/x.tmx", "tu 3", "xml")


def test_first_rejection_wins_and_round_trip() -> None:
    d = Document(id="x", text="t", source="s", uri="u")
    d.reject("quality.stop_words", "0 < 2").reject("dedup.near", duplicate_of="y")
    assert (d.reason, d.reason_detail, d.duplicate_of, d.rejected) == ("quality.stop_words", "0 < 2", None, True)
    assert Document.from_dict(d.to_dict()) == d


def test_to_dict_equals_asdict_and_copies_collections() -> None:
    from dataclasses import asdict

    d = Document(
        id="x",
        text="Αθήνα",
        source="s",
        uri="u",
        quality={"words": 1.0},
        metadata={"celex": "32024R0903"},
        lang_flags=["mixed"],
    )
    got = d.to_dict()
    assert got == asdict(d)
    got["quality"]["words"] = 9.0
    got["lang_flags"].append("x")
    assert d.quality == {"words": 1.0} and d.lang_flags == ["mixed"]
