"""TMX reader: encodings, language attributes, inline codes, grouping, pairs, recovery per TU."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from altedic.errors import InputError
from altedic.readers.base import ReadContext, SourceInfo
from altedic.readers.tmx import iter_tmx_pairs, read_tmx
from altedic.records import Document, ReadError

HEAD = '<?xml version="1.0" encoding="{enc}"?>\n<tmx version="1.4"><header o-tmf="Euramis" srclang="EN-GB" segtype="sentence" datatype="PlainText" adminlang="EN-US" creationtool="t" creationtoolversion="1"/>\n<body>\n'
TAIL = "</body>\n</tmx>\n"


def tu(doc: str, **segs: str) -> str:
    tuvs = "".join(f'<tuv lang="{lang.replace("_", "-")}"><seg>{text}</seg></tuv>\n' for lang, text in segs.items())
    return f'<tu>\n<prop type="Txt::Doc. No.">{doc}</prop>\n{tuvs}</tu>\n'


def ctx_for(path: Path, **options: object) -> ReadContext:
    return ReadContext(
        SourceInfo(name="t", format="tmx", retrieved="2026-11-01", options=dict(options)), str(path), path.name
    )


def write(tmp_path: Path, body: str, enc: str = "UTF-16LE", bom: bool = True) -> Path:
    text = HEAD.format(enc=enc) + body + TAIL
    codec = {"UTF-16LE": "utf-16-le", "UTF-8": "utf-8", "UTF-16BE": "utf-16-be"}[enc]
    data = text.replace("\n", "\r\n").encode(codec)
    if bom:
        data = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8": b"\xef\xbb\xbf"}[codec] + data
    p = tmp_path / "t.tmx"
    p.write_bytes(data)
    return p


BODY = (
    tu(
        "32099D0001",
        EN_GB="The <bpt i='1'>&lt;b&gt;</bpt>cheese<ept i='1'>&lt;/b&gt;</ept> is good.",
        EL_GR="Το τυρί είναι καλό.",
        BG_01="Сиренето е добро.",
    )
    + tu(
        "32099D0001",
        EN_GB="Second<ph x='1'>{PH}</ph> line<it pos='begin'>&lt;i&gt;</it>.",
        EL_GR="Δεύτερη <hi>γραμμή</hi>.",
    )
    + tu("32099D0002", EN_GB="Other document.", MT="Dokument ieħor.")
)


def docs_of(items: list[Document | ReadError]) -> list[tuple[str | None, str | None, str]]:
    return [(d.doc_ref, d.declared_lang, d.text) for d in items if isinstance(d, Document)]


EXPECTED = [
    ("32099D0001", "bg", "Сиренето е добро."),
    ("32099D0001", "el", "Το τυρί είναι καλό.\nΔεύτερη γραμμή."),
    ("32099D0001", "en", "The cheese is good.\nSecond line."),
    ("32099D0002", "en", "Other document."),
    ("32099D0002", "mt", "Dokument ieħor."),
]


def test_utf16le_with_bom_and_inline_codes(tmp_path: Path) -> None:
    out = list(read_tmx(ctx_for(write(tmp_path, BODY))))
    assert docs_of(out) == EXPECTED
    d = out[0]
    assert isinstance(d, Document)
    assert d.metadata == {"segments": "1", "first_tu": "1", "tmx_srclang": "EN-GB", "tmx_tool": "t"}
    assert d.licence == "EU-Reuse-2011-833"
    assert d.publisher == "European Commission, Directorate-General for Translation"


def test_utf16_without_bom_and_utf8_xml_lang(tmp_path: Path) -> None:
    assert docs_of(list(read_tmx(ctx_for(write(tmp_path, BODY, bom=False))))) == EXPECTED
    body = BODY.replace('<tuv lang="', '<tuv xml:lang="')
    assert docs_of(list(read_tmx(ctx_for(write(tmp_path, body, enc="UTF-8", bom=False))))) == EXPECTED


def test_one_broken_tu_among_good_ones_is_one_error(tmp_path: Path) -> None:
    broken = (
        '<tu>\n<prop type="Txt::Doc. No.">32099D0001</prop>\n<tuv lang="EN-GB"><seg>Broken <b>tag</seg></tuv>\n</tu>\n'
    )
    body = tu("32099D0001", EN_GB="One.", GA_IE="A haon.") + broken + tu("32099D0001", EN_GB="Three.", GA_IE="A trí.")
    out = list(read_tmx(ctx_for(write(tmp_path, body))))
    errors = [e for e in out if isinstance(e, ReadError)]
    assert len(errors) == 1 and errors[0].position == "tu 2, line 11, column 43" and errors[0].kind == "xml"
    assert docs_of(out) == [("32099D0001", "en", "One.\nThree."), ("32099D0001", "ga", "A haon.\nA trí.")]


def test_truncated_file_keeps_complete_units(tmp_path: Path) -> None:
    p = write(tmp_path, BODY, enc="UTF-8", bom=False)
    data = p.read_bytes()
    p.write_bytes(data[: data.index(b"Other document")])
    out = list(read_tmx(ctx_for(p)))
    assert [(e.position, e.message) for e in out if isinstance(e, ReadError)] == [
        ("tu 3, line 15", "translation unit 3 is cut off: the file ends inside it (truncated file)")
    ]
    assert docs_of(out) == EXPECTED[:3]


EXPECTED_WITHOUT_TU1 = [
    ("32099D0001", "el", "Δεύτερη γραμμή."),
    ("32099D0001", "en", "Second line."),
    ("32099D0002", "en", "Other document."),
    ("32099D0002", "mt", "Dokument ieħor."),
]


def test_invalid_bytes_in_one_unit(tmp_path: Path) -> None:
    p = write(tmp_path, BODY, enc="UTF-8", bom=False)
    p.write_bytes(p.read_bytes().replace("Сиренето".encode(), b"\xff\xfe\xfd"))
    out = list(read_tmx(ctx_for(p)))
    assert [(e.position, e.kind) for e in out if isinstance(e, ReadError)] == [("tu 1, line 4", "encoding")]
    assert docs_of(out) == EXPECTED_WITHOUT_TU1


def test_pairs_pivot_and_all(tmp_path: Path) -> None:
    ctx = ctx_for(write(tmp_path, BODY))
    pairs = list(iter_tmx_pairs(ctx))
    assert [(p["position"], p["lang1"], p["lang2"], p["text2"]) for p in pairs if isinstance(p, dict)] == [
        ("tu 1", "en", "bg", "Сиренето е добро."),
        ("tu 1", "en", "el", "Το τυρί είναι καλό."),
        ("tu 2", "en", "el", "Δεύτερη γραμμή."),
        ("tu 3", "en", "mt", "Dokument ieħor."),
    ]
    assert all(isinstance(p, dict) and p["doc_ref"].startswith("32099D000") for p in pairs)
    every = list(iter_tmx_pairs(ctx_for(write(tmp_path, BODY), pairs_mode="all")))
    assert [(p["lang1"], p["lang2"]) for p in every if isinstance(p, dict)] == [
        ("bg", "el"),
        ("bg", "en"),
        ("el", "en"),
        ("el", "en"),
        ("en", "mt"),
    ]


def test_unknown_language_code_reported_once(tmp_path: Path) -> None:
    body = tu("d", EN_GB="One.", XX_YY="?") + tu("d", EN_GB="Two.", XX_YY="?")
    out = list(read_tmx(ctx_for(write(tmp_path, body))))
    assert [(e.position, e.kind) for e in out if isinstance(e, ReadError)] == [("tu 1", "language")]
    assert docs_of(out) == [("d", "en", "One.\nTwo.")]


DECL_UTF8 = "; the file was read as UTF-8 (fix the declaration if that is wrong)"
SUGGEST = "; use a text encoding such as utf-8, utf-16-le, cp1252 or iso-8859-2"


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        *(
            (
                name,
                f"the XML declaration names encoding {name!r}, but it is itself written in an "
                "ASCII-compatible encoding (such as UTF-8), which that encoding is not",
            )
            for name in ("UTF-16", "UTF-32", "utf-16-le", "cp037")
        ),
        *(
            (
                name,
                f"the XML declaration's encoding {name!r} is not a text encoding (a transform, or a codec no file "
                f"is written in){SUGGEST}",
            )
            for name in ("hex", "base64", "zlib", "uu", "rot13", "undefined", "idna")
        ),
        ("x-bogus", f"the XML declaration's encoding 'x-bogus' is not an encoding Python knows{SUGGEST}"),
    ],
)
def test_declared_encoding_that_cannot_be_the_files(tmp_path: Path, declared: str, message: str) -> None:
    # UTF-8 bytes whose declaration names another encoding: libxml2 refuses the file, and the
    # recovery crashed (UnicodeError: UTF-16 stream does not start with BOM; bytes from hex...)
    p = tmp_path / "t.tmx"
    p.write_bytes((HEAD.format(enc=declared) + BODY + TAIL).encode("utf-8"))
    out = list(read_tmx(ctx_for(p)))
    assert [(e.position, e.kind, e.message) for e in out if isinstance(e, ReadError)] == [
        ("line 1 (XML declaration)", "encoding", message + DECL_UTF8)
    ]
    assert docs_of(out) == EXPECTED
    # a unit whose bytes are not UTF-8 is still an error of its own, the others are kept
    p.write_bytes(p.read_bytes().replace("Сиренето".encode(), b"\xff\xfe\xfd"))
    out = list(read_tmx(ctx_for(p)))
    assert [(e.position, e.kind) for e in out if isinstance(e, ReadError)] == [
        ("line 1 (XML declaration)", "encoding"),
        ("tu 1, line 4", "encoding"),
    ]
    assert docs_of(out) == EXPECTED_WITHOUT_TU1


@pytest.mark.parametrize("encoding", ["UTF-8", "ISO-8859-1"])
def test_non_ascii_byte_in_the_xml_declaration_keeps_every_unit(tmp_path: Path, encoding: str) -> None:
    """A no-break space between the declaration's attributes (XML allows only spaces, tabs and
    line ends there): libxml2 refuses the file, and the recovery crashed on decoding the
    declaration as ASCII (a reader-fault: every unit lost). The units are read one by one."""
    p = tmp_path / "t.tmx"
    head = HEAD.replace('version="1.0" ', 'version="1.0"\u00a0').format(enc=encoding)
    p.write_bytes((head + BODY + TAIL).encode("utf-8" if encoding == "UTF-8" else "latin-1", "xmlcharrefreplace"))
    out = list(read_tmx(ctx_for(p)))
    assert [(e.position, e.kind, e.message) for e in out if isinstance(e, ReadError)] == [
        (
            "line 1, column 20",
            "xml",
            "TMX file is not well-formed: Blank needed here (3 translation units were read one by one and kept)",
        )
    ]
    assert docs_of(out) == EXPECTED


def _codec_that_fails(name: str) -> codecs.CodecInfo | None:
    """A text codec whose incremental decoder raises on the word 'Other' (no such codec ships)."""
    if name != "x_altedic_fails":
        return None

    class Decoder(codecs.IncrementalDecoder):
        def decode(self, data: bytes, final: bool = False) -> str:
            if b"Other" in data:
                raise UnicodeError("cannot decode 'Other'")
            return data.decode("utf-8", "replace")

    utf8 = codecs.lookup("utf-8")
    return codecs.CodecInfo(utf8.encode, utf8.decode, incrementaldecoder=Decoder, name="x-altedic-fails")


def test_decoder_failure_in_recovery_is_an_error_with_position(tmp_path: Path) -> None:
    p = tmp_path / "t.tmx"
    p.write_bytes((HEAD.format(enc="x-altedic-fails") + BODY + TAIL).encode("utf-8"))
    codecs.register(_codec_that_fails)
    try:
        out: list[object] = []
        with pytest.raises(InputError) as err:
            out.extend(read_tmx(ctx_for(p)))
    finally:
        codecs.unregister(_codec_that_fails)
    assert out == []
    assert (err.value.position, err.value.message) == (
        "line 1",
        "the rest of the file cannot be decoded as x-altedic-fails: cannot decode 'Other'",
    )


BROKEN = '<tu>\n<prop type="Txt::Doc. No.">d</prop>\n<tuv lang="EN-GB"><seg>Broken <b>tag</seg></tuv>\n</tu>\n'


@pytest.mark.parametrize(
    "noise",
    [
        ("<!-- <tu> 17 removed by QA -->\n", ""),
        ("", "<![CDATA[see the <tu> element]]>"),
        ("<?qa <tu> ?>\n", "<!-- </tu> -->"),
    ],
)
def test_recovery_skips_tu_tags_in_comments_cdata_and_pis(tmp_path: Path, noise: tuple[str, str]) -> None:
    # The recovery counted every "<tu" of the text: one in a comment or CDATA section before the
    # first broken unit made it emit unit 2 a second time and shifted later error positions.
    between, inside = noise
    body = (
        tu("d", EN_GB="One.")
        + between
        + tu("d", EN_GB=f"Two.{inside}")
        + BROKEN
        + tu("d", EN_GB="Four.")
        + BROKEN
        + tu("d", EN_GB="Six.")
    )
    out = list(read_tmx(ctx_for(write(tmp_path, body, enc="UTF-8", bom=False))))
    shift = between.count("\n")
    assert [(e.position, e.kind) for e in out if isinstance(e, ReadError)] == [
        (f"tu 3, line {14 + shift}, column 43", "xml"),
        (f"tu 5, line {22 + shift}, column 43", "xml"),
    ]
    two = "Two.see the <tu> element" if "CDATA" in inside else "Two."
    assert docs_of(out) == [("d", "en", f"One.\n{two}\nFour.\nSix.")]


def test_recovery_of_a_file_that_ends_inside_a_comment(tmp_path: Path) -> None:
    p = write(tmp_path, tu("d", EN_GB="One.") + BROKEN + "<!-- " + tu("d", EN_GB="Three."), enc="UTF-8", bom=False)
    p.write_bytes(p.read_bytes()[: p.read_bytes().index(b"</body>")])
    out = list(read_tmx(ctx_for(p)))
    assert [(e.position, e.message) for e in out if isinstance(e, ReadError)] == [
        (
            "tu 2, line 10, column 43",
            "TMX translation unit is not well-formed: Opening and ending tag mismatch: b line 3 and seg",
        ),
        ("line 12", "the file ends inside the <!-- opened here (truncated file?): nothing after it was read"),
    ]
    assert docs_of(out) == [("d", "en", "One.")]
