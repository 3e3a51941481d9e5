"""``altedic validate``: what stops ``altedic run`` before any work stops ``validate`` too, with
the same message; ``--files`` lists what would be read. The CLI runs in this process."""

from __future__ import annotations

from pathlib import Path

import pytest

from altedic.cli import main

CATALOGUE = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://ex.org/dsA> a dcat:Dataset ; dct:title "A" ; dct:description "a" ;
  dct:license <http://creativecommons.org/publicdomain/zero/1.0/> ;
  dcat:distribution <https://ex.org/distA>, <https://ex.org/distB> .
<https://ex.org/distA> a dcat:Distribution ; dcat:downloadURL <https://files.ex.org/a.jsonl> ; dct:format "jsonl" .
<https://ex.org/distB> a dcat:Distribution ; dcat:downloadURL <https://elsewhere.ex.org/b.jsonl> ; dct:format "jsonl" .
"""


def _recipe(tmp_path: Path, sources: str, extra: str = "") -> Path:
    """A recipe in tmp_path over ``data/news/{a,b}.jsonl`` and ``data/legal/mt.txt``."""
    (tmp_path / "data" / "news").mkdir(parents=True, exist_ok=True)
    (tmp_path / "data" / "legal").mkdir(exist_ok=True)
    for name in ("a", "b"):
        (tmp_path / "data" / "news" / f"{name}.jsonl").write_text(f'{{"id": "{name}", "text": "Text {name}."}}\n')
    (tmp_path / "data" / "legal" / "mt.txt").write_text("Il-Kunsill Lokali ltaqa' llum.\n")
    r = tmp_path / "r.yaml"
    r.write_text(
        f"version: 1\nname: t\nsources:\n{sources}stages: {{langid: {{method: declared}}}}\noutput: {{path: out}}\n"
        + extra,
        encoding="utf-8",
    )
    return r


NEWS = "  - {name: news, format: jsonl, paths: 'data/news/*.jsonl', licence: CC-BY-4.0}\n"
LEGAL = "  - {name: legal, format: text, paths: 'LEGAL', licence: CC-BY-4.0}\n"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_a_glob_that_matches_nothing_stops_validate_as_it_stops_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`validate` printed "valid" (exit 0) for a path matching no file; `run` then stopped."""
    r = _recipe(tmp_path, NEWS + LEGAL.replace("LEGAL", "data/nothere/*.txt"))
    message = (
        f"altedic: error: {r}:sources[1]: at 'legal.paths': source 'legal': "
        f"'{tmp_path}/data/nothere/*.txt' matches no files"
    )
    assert _cli(capsys, "validate", str(r)) == (2, [], [message])
    assert _cli(capsys, "validate", str(r), "--files") == (2, [], [message])
    code, _out, err = _cli(capsys, "run", str(r), "--quiet", "--out", str(tmp_path / "out"))
    assert (code, err[-1:]) == (2, [message])
    assert not (tmp_path / "out").exists()


def test_the_licence_policy_section_is_checked_by_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`allow_noncommercial: true` (for allow_non_commercial) was valid for `validate` and stopped `run`."""
    r = _recipe(tmp_path, NEWS, "licence_policy: {allow_noncommercial: true}\n")
    message = (
        f"altedic: error: {r}: at 'licence_policy': unknown key 'allow_noncommercial'; allowed keys: allow, deny, "
        "allow_non_commercial, allow_no_derivatives, reference_date, purposes"
    )
    assert _cli(capsys, "validate", str(r)) == (2, [], [message])
    code, _out, err = _cli(capsys, "run", str(r), "--quiet", "--out", str(tmp_path / "out"))
    assert (code, err[-1:]) == (2, [message])
    r = _recipe(tmp_path, NEWS, "licence_policy: {allow_non_commercial: true}\n")
    assert _cli(capsys, "validate", str(r))[0] == 0


def test_validate_files_lists_every_source_s_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--files` promised the input files and printed a count. `**` matches at any depth, as in the run."""
    r = _recipe(
        tmp_path,
        NEWS.replace("data/news/*.jsonl", "data/**.jsonl")
        + LEGAL.replace("LEGAL", "data/legal/*.txt")
        + "  - {name: nc, format: text, paths: 'data/legal/*.txt', licence: CC-BY-NC-4.0}\n",
    )
    head = [
        f"{r}: valid recipe 't' with 3 source(s); output {tmp_path / 'out'}",
        "  news                         jsonl        -      CC-BY-4.0",
        "  legal                        text         -      CC-BY-4.0",
        "  nc                           text         -      CC-BY-NC-4.0",
        "dedup: MinHash 14 bands x 8 rows (112 permutations, word 5-grams): implied LSH similarity threshold "
        "(1/b)^(1/r) = 0.719; candidates verified (exact) at Jaccard >= 0.80; scope language",
        "stage settings: valid",
        "3 input file(s) in 2 allowed source(s)",
        "  refused nc: licence.non_commercial (licence CC-BY-NC-4.0 forbids commercial use; non-commercial "
        "licences are refused by default)",
    ]
    assert _cli(capsys, "validate", str(r)) == (0, head, [])
    assert _cli(capsys, "validate", str(r), "--files") == (
        0,
        [
            *head,
            "  news: 2 file(s)",
            f"    {tmp_path}/data/news/a.jsonl",
            f"    {tmp_path}/data/news/b.jsonl",
            "  legal: 1 file(s)",
            f"    {tmp_path}/data/legal/mt.txt",
        ],
        [],
    )


def test_validate_shows_the_catalogue_warnings_of_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A DCAT catalogue's warnings (a URL not mirrored) were printed by `run` only."""
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "a.jsonl").write_text('{"text": "Free text."}\n')
    (tmp_path / "cat.ttl").write_text(CATALOGUE, encoding="utf-8")
    r = _recipe(
        tmp_path,
        "  - {name: cat, format: dcat, paths: cat.ttl, options: {mirror: {'https://files.ex.org/': mirror/}}}\n",
    )
    code, out, err = _cli(capsys, "validate", str(r), "--files")
    assert (code, err) == (0, [])
    assert out[-4:] == [
        "warning: cat: cat.ttl: distribution https://ex.org/distB of dataset https://ex.org/dsA: "
        "https://elsewhere.ex.org/b.jsonl is not mirrored locally (add a prefix of it to options.mirror); not read",
        "1 input file(s) in 1 allowed source(s)",
        "  cat/dsA/distA: 1 file(s)",
        f"    {tmp_path}/mirror/a.jsonl",
    ]


def test_output_parallel_without_pairs_stops_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Checked by `run` when the pipeline was built, after `validate` had said valid."""
    r = _recipe(tmp_path, NEWS)
    r.write_text(r.read_text(encoding="utf-8").replace("output: {path: out}", "output: {path: out, parallel: true}"))
    assert _cli(capsys, "validate", str(r)) == (
        2,
        [],
        [
            f"altedic: error: {r}: at 'output.parallel': output.parallel is set but no tmx source has options.pairs: true"
        ],
    )
