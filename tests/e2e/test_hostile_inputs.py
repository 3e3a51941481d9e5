"""Hostile inputs, generated here (no shipped binaries): the run completes, good documents in the
same file survive where the format allows, every failure is in errors/ with file and position,
nothing from outside the input reaches any output, memory stays bounded, and the accounting holds."""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

ROOT = Path(__file__).resolve().parents[2]

GOOD = {
    "mt": "Il-Kummissjoni Ewropea ppubblikat rapport ġdid dwar il-kwalità tal-ilma tal-għawm fl-Unjoni kollha.",
    "ga": "D'fhoilsigh an Coimisiún Eorpach tuarascáil nua inniu faoi staid na Gaeilge san earnáil phoiblí.",
    "el": "Η Ευρωπαϊκή Επιτροπή παρουσίασε σήμερα νέα πρόταση για τη μείωση των εκπομπών στις μεταφορές.",
    "bg": "Европейската комисия одобри днес програма за подкрепа на малките предприятия в селските райони.",
}
SECRET = "TOP-SECRET-LOCAL-FILE-CONTENT-4242"


def _line(lang: str, i: int = 0) -> bytes:
    return (json.dumps({"text": f"{GOOD[lang]} ({i})", "lang": lang}, ensure_ascii=False) + "\n").encode("utf-8")


def build_corpus(d: Path) -> dict[str, int]:
    """Write the hostile files; return the number of good documents each must still yield."""
    j = d / "jsonl"
    j.mkdir(parents=True)
    expect: dict[str, int] = {}
    (j / "invalid_utf8.jsonl").write_bytes(
        _line("mt", 1) + b'{"text": "bad \xc3\x28 byte", "lang": "mt"}\n' + _line("ga", 2)
    )
    expect["invalid_utf8.jsonl"] = 2
    (j / "utf16_nobom.jsonl").write_bytes((_line("el", 1) + _line("bg", 2)).decode("utf-8").encode("utf-16-le"))
    expect["utf16_nobom.jsonl"] = 0
    (j / "mixed_encodings.jsonl").write_bytes(
        _line("ga", 1) + '{"text": "Café crème à Paris", "lang": "fr"}\n'.encode("latin-1") + _line("mt", 3)
    )
    expect["mixed_encodings.jsonl"] = 2
    (j / "nul_bytes.jsonl").write_bytes(
        _line("bg", 1) + b'{"text": "a\x00b", "lang": "bg"}\n\x00\x00\x00\n' + _line("el", 2)
    )
    expect["nul_bytes.jsonl"] = 2
    # valid JSON, not valid Unicode: half of a UTF-16 pair (an emoji cut in two); it stopped
    # the whole run in the language model until the twenty-fifth session
    (j / "lone_surrogate.jsonl").write_bytes(
        _line("mt", 1) + b'{"text": "Il-Kummissjoni \\ud83d ippubblikat rapport.", "lang": "mt"}\n' + _line("ga", 2)
    )
    expect["lone_surrogate.jsonl"] = 2
    # a file name that is not UTF-8 (Latin-1 "café"): Python names it with a surrogate escape,
    # which no record can hold; it stopped the run until the twenty-sixth session
    (j / "caf\udce9.jsonl").write_bytes(_line("el", 1) + _line("bg", 2))
    expect["caf\\xe9.jsonl"] = 2  # records write the byte as \xe9
    many = b"".join(_line("mt", i) for i in range(3000))
    gz = gzip.compress(many)
    (j / "truncated.jsonl.gz").write_bytes(gz[: len(gz) // 2])
    zs = zstandard.ZstdCompressor().compress(many)
    (j / "truncated.jsonl.zst").write_bytes(zs[: len(zs) // 2])
    (j / "empty.jsonl").write_bytes(b"")
    expect["empty.jsonl"] = 0
    (j / "junk.jsonl").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(20000)))
    expect["junk.jsonl"] = 0
    big = "Il-Parlament Ewropew approva r-regoli l-ġodda. " * (50 * 2**20 // 48)
    (j / "big.jsonl").write_bytes(json.dumps({"text": big, "lang": "mt"}).encode() + b"\n" + _line("ga", 9))
    expect["big.jsonl"] = 1  # the 50 MB record is rejected as too long, its neighbour kept
    c = d / "csv"
    c.mkdir()
    (c / "ragged.csv").write_text(
        f'text,lang\n"{GOOD["el"]}",el\nonly-one-field\n"{GOOD["bg"]}",bg,extra\n"{GOOD["mt"]}",mt\n', encoding="utf-8"
    )
    expect["ragged.csv"] = 2
    p = d / "parquet"
    p.mkdir()
    pq.write_table(pa.table({"body": [1, 2, 3]}), p / "wrong_schema.parquet")
    pq.write_table(pa.table({"text": [GOOD["ga"], GOOD["mt"]], "lang": ["ga", "mt"]}), p / "good.parquet")
    expect["good.parquet"] = 2
    (p / "not_parquet.parquet").write_bytes(b"PAR1" + os.urandom(64))
    (d / "secret.txt").write_text(SECRET, encoding="utf-8")  # must never appear in any output
    x = d / "xml"
    x.mkdir()
    akn = (
        '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act><meta><identification '
        'source="#x"><FRBRExpression><FRBRlanguage language="mlt"/></FRBRExpression></identification></meta>'
        "<body><article><num>Artikolu 1</num><content><p>{body}</p></content></article></body></act></akomaNtoso>"
    )
    (x / "good.akn.xml").write_text(akn.format(body=GOOD["mt"]), encoding="utf-8")
    expect["good.akn.xml"] = 1
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    (x / "billion_laughs.akn.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE akomaNtoso [<!ENTITY l0 "lol">{laughs}]>' + akn.format(body="&l9;"),
        encoding="utf-8",
    )
    (x / "xxe.akn.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE akomaNtoso [<!ENTITY xxe SYSTEM "file://{d / "secret.txt"}">]>'
        + akn.format(body="&xxe;"),
        encoding="utf-8",
    )
    (x / "truncated.akn.xml").write_text(akn.format(body=GOOD["ga"])[:-60], encoding="utf-8")
    t = d / "tmx"
    t.mkdir()
    tu = '<tu><tuv xml:lang="MT"><seg>{mt}</seg></tuv><tuv xml:lang="GA"><seg>{ga}</seg></tuv></tu>'
    good_tus = [tu.format(mt=f"{GOOD['mt']} {i}", ga=f"{GOOD['ga']} {i}") for i in range(3)]
    broken = '<tu><tuv xml:lang="MT"><seg>Broken <bpt i="1">unit</seg></tuv></tu>'
    (t / "one_broken_tu.tmx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="MT" datatype="plaintext"/><body>'
        + good_tus[0]
        + broken
        + good_tus[1]
        + good_tus[2]
        + "</body></tmx>",
        encoding="utf-8",
    )
    expect["one_broken_tu.tmx"] = 2  # one document per language (mt, ga) with the 3 good units
    z = d / "zip"
    z.mkdir()
    with zipfile.ZipFile(z / "traversal.zip", "w") as zf:
        zf.writestr("../evil.jsonl", _line("mt", 66))
        zf.writestr("good/ok.jsonl", _line("ga", 67))
    with zipfile.ZipFile(z / "bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.jsonl", b" " * (64 * 2**20))
    (z / "corrupt.zip").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    # two members of one name and content: one document id twice failed the run's accounting
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        with zipfile.ZipFile(z / "dup_member.zip", "w") as zf:
            zf.writestr("same.jsonl", _line("bg", 68))
            zf.writestr("same.jsonl", _line("bg", 68))
    return expect


RECIPE = """\
version: 1
name: hostile
sources:
  - {name: j, format: jsonl, paths: "jsonl/*", licence: CC0-1.0, options: {columns: {text: text, lang: lang}}}
  - {name: c, format: csv, paths: "csv/*.csv", licence: CC0-1.0, options: {columns: {text: text, lang: lang}}}
  - {name: p, format: parquet, paths: "parquet/*.parquet", licence: CC0-1.0, options: {columns: {text: text, lang: lang}}}
  - {name: x, format: akn, paths: "xml/*.xml", licence: CC0-1.0, profile: legal}
  - {name: t, format: tmx, paths: "tmx/*.tmx", licence: CC0-1.0, profile: legal}
  - {name: z, format: zip, paths: "zip/*.zip", licence: CC0-1.0, options: {member_format: jsonl, columns: {text: text, lang: lang}}}
stages:
  langid: {method: declared}
  quality: {enabled: false}
  pii: {enabled: false}
  dedup: {enabled: false}  # the files repeat texts: each file's kept count is what is checked
output: {path: out}
run: {max_error_rate: 0.9}
"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], int]:
    d = tmp_path_factory.mktemp("hostile")
    expect = build_corpus(d)
    (d / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r = subprocess.run(
        [sys.executable, "-m", "altedic.cli", "run", str(d / "recipe.yaml"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return d / "out", expect, max(peak_kib, before)


def _rows(out: Path, kind: str) -> list[dict]:  # type: ignore[type-arg]
    files = sorted((out / kind).rglob("*.parquet"))
    return [r for f in files for r in pq.read_table(f).to_pylist()]


def test_every_hostile_file_is_accounted_for(hostile_run: tuple[Path, dict[str, int], int]) -> None:
    out, expect, _ = hostile_run
    m = json.loads((out / "manifest.json").read_text())
    assert m["accounting"]["ok"] is True
    kept = _rows(out, "data")
    by_file: dict[str, int] = {}
    for r in kept:
        name = Path(r["uri"]).name
        by_file[name] = by_file.get(name, 0) + 1
    for name, n in expect.items():
        assert by_file.get(name, 0) == n, name
    errors = {(Path(e["uri"]).name, e["position"]) for e in _rows(out, "errors")}
    assert ("invalid_utf8.jsonl", "line 2") in errors
    assert ("mixed_encodings.jsonl", "line 2") in errors
    assert ("nul_bytes.jsonl", "line 2") in errors
    assert ("lone_surrogate.jsonl", "line 2") in errors
    assert ("ragged.csv", "row 3 (line 3)") in errors and ("ragged.csv", "row 4 (line 4)") in errors
    names = {n for n, _ in errors}
    for bad in (
        "utf16_nobom.jsonl",
        "truncated.jsonl.gz",
        "truncated.jsonl.zst",
        "junk.jsonl",
        "wrong_schema.parquet",
        "not_parquet.parquet",
    ):
        assert bad in names, bad
    msgs = {Path(e["uri"]).name: e["message"] for e in _rows(out, "errors")}
    # A file that is not text at all is one error, not one per "line" of junk.
    assert [p for n, p in errors if n == "junk.jsonl"] == ["byte 0"]
    assert "binary data" in msgs["junk.jsonl"]
    assert [p for n, p in errors if n == "utf16_nobom.jsonl"] == ["byte 0"]
    assert "set options.encoding: utf-16-le" in msgs["utf16_nobom.jsonl"]
    assert (
        "corrupt or truncated" in msgs["truncated.jsonl.gz"] and "corrupt or truncated" in msgs["truncated.jsonl.zst"]
    )
    assert "wrong schema" in msgs["wrong_schema.parquet"]
    # The truncated streams keep the documents before the damage.
    assert 0 < by_file.get("truncated.jsonl.gz", 0) < 3000 and 0 < by_file.get("truncated.jsonl.zst", 0) < 3000
    rejected = {(Path(r["uri"]).name, r["reason"]) for r in _rows(out, "rejected")}
    assert ("big.jsonl", "normalise.too_long") in rejected
    # Hostile XML and archives: one error each, with a message that says what happened.
    for bad in ("billion_laughs.akn.xml", "xxe.akn.xml", "truncated.akn.xml", "bomb.zip", "corrupt.zip"):
        assert bad in names, bad
    assert any(n == "one_broken_tu.tmx" and p.startswith("tu 2") for n, p in errors), errors
    assert ("traversal.zip", "member ../evil.jsonl") in errors
    # the same member twice: read twice, the second as 'member ... run 2' (no dedup stage here)
    dup = sorted((r["uri"].split("!")[1], r["position"]) for r in kept if "dup_member.zip" in r["uri"])
    assert dup == [("same.jsonl", "line 1"), ("same.jsonl", "member same.jsonl run 2, line 1")]
    zipped = [r for r in kept if "traversal.zip" in r["uri"]]
    assert [Path(r["uri"].split("!")[1]).name for r in zipped] == ["ok.jsonl"]


def test_nothing_from_outside_the_input_and_memory_bounded(hostile_run: tuple[Path, dict[str, int], int]) -> None:
    out, _, peak_kib = hostile_run
    for f in out.rglob("*"):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes(), f
    # A 50 MB record passes through; the whole run must stay far below the machine's memory.
    assert peak_kib < 3 * 1024 * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"


def test_max_error_rate_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "jsonl").mkdir()
    (tmp_path / "jsonl" / "bad.jsonl").write_bytes(b"{nope\n{nope\n" + _line("mt"))
    only_jsonl = "\n".join(
        line for line in RECIPE.splitlines() if not line.startswith("  - {name:") or "name: j," in line
    )
    (tmp_path / "r.yaml").write_text(
        only_jsonl.replace("max_error_rate: 0.9", "max_error_rate: 0.5") + "\n", encoding="utf-8"
    )
    r = subprocess.run(
        [sys.executable, "-m", "altedic.cli", "run", str(tmp_path / "r.yaml")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 2
    assert "2 of 3 inputs (66.7%) could not be read" in r.stderr and "--max-error-rate 50.0%" in r.stderr
    assert not (tmp_path / "out" / "_SUCCESS").exists()
    r = subprocess.run(
        [sys.executable, "-m", "altedic.cli", "run", str(tmp_path / "r.yaml"), "--max-error-rate", "0.7"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
