"""Contributed source manifests (altedic.sources.manifest) and ``altedic sources validate``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from altedic.commands import sources as sources_cmd
from altedic.errors import ConfigError
from altedic.sources.manifest import load_manifest, read_manifest_file, validate_manifest

MAN = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "manifests"


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="altedic")
    sources_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["sources", "validate", *argv])
    return int(args.func(args))


def test_good_manifest_becomes_a_source_spec() -> None:
    spec = load_manifest(str(MAN / "good.yaml"))
    assert (spec.name, spec.format, spec.paths, spec.root) == (
        "mt-ga-community",
        "jsonl",
        [str(MAN / "data" / "*.jsonl")],
        str(MAN),
    )
    assert (spec.language, spec.licence, spec.licence_evidence) == (
        None,
        "Creative Commons Attribution 4.0 International",
        "source manifest good.yaml field 'licence'",
    )
    assert (spec.publisher, spec.attribution, spec.retrieved, spec.profile) == (
        "Għaqda tal-Malti",
        "© Għaqda tal-Malti, CC BY 4.0",
        "2026-10-01",
        "web",
    )
    assert spec.options == {"columns": {"text": "text", "id": "id", "lang": "lang"}}
    assert spec.metadata == {
        "manifest": str(MAN / "good.yaml"),
        "contact": "Marija Borg <marija@example.mt> (Għaqda tal-Malti)",
        "rights_holder": "Għaqda tal-Malti",
        "personal_data": "none",
        "languages": "mt,ga",
        "description": "Short news paragraphs in Maltese and Irish written by volunteers.",
    }
    assert spec.tdm_reserved is False and spec.odrl is None


def test_broken_manifest_lists_every_problem_with_its_fix() -> None:
    problems = validate_manifest(read_manifest_file(str(MAN / "broken.yaml")), str(MAN))
    assert problems == [
        "licence: required field is missing; give the licence as an SPDX id (`CC-BY-4.0`), a licence IRI, or its full name",
        "licnese: unknown field; did you mean 'licence'?",
        "attribution: '' is not valid (minLength); give the attribution text, e.g. `© Kunsill Nazzjonali għall-Ilsien Malti, CC BY 4.0`",
        "contact: 'not-an-email' is not valid (oneOf); give an e-mail address (`contact: someone@example.org`) or `contact: {name: ..., email: ...}`",
        "languages[1]: 'english' is not valid (pattern); list ISO 639-1 codes (ISO 639-3 where no 639-1 exists), quoted if YAML could read them as booleans: `languages: [mt, ga, \"no\"]`",
        "manifest_version: 1 was expected; write `manifest_version: 1`",
        "name: 'Bulgarian Forum!' is not valid (pattern); use 2-64 lower-case letters, digits, '.', '_' or '-', e.g. `name: mt-community-news`",
        "personal_data: 'maybe' is not valid (oneOf); write `personal_data: false` (or true, none, pseudonymised, contains)",
        "format: unknown reader 'jsonlines'; did you mean 'jsonl'?",
        f"location: 'missing/*.jsonl' matches no file (looked in {MAN}); check the path, relative to the manifest",
    ]
    with pytest.raises(
        ConfigError, match=r"broken.yaml: 10 problems in the source manifest:\n  - licence: required field is missing"
    ):
        load_manifest(str(MAN / "broken.yaml"))


def test_yaml_pitfalls_and_urls(tmp_path: Path) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(
        "manifest_version: 1\nname: nb-texts\ncontact: a@b.no\nlanguages: [no]\nformat: text\nlocation: https://example.no/a.txt\n"
        "licence: NLOD 2.0\nrights_holder: X\nattribution: X\npersonal_data: false\ntdm_reservation: true\n",
        encoding="utf-8",
    )
    assert validate_manifest(read_manifest_file(str(m)), str(tmp_path)) == [
        'languages[0]: YAML read an unquoted code as False; quote it (`"no"`)',
        "location: 'https://example.no/a.txt' is a URL; the pipeline reads local files only: download it and give the local path",
    ]
    assert validate_manifest(["not", "a", "mapping"]) == [
        "(top level): a manifest must be a mapping of fields (name, contact, languages, format, location, licence, ...)"
    ]
    with pytest.raises(ConfigError, match="not valid YAML/JSON"):
        (tmp_path / "bad.yaml").write_text("name: [unclosed", encoding="utf-8")
        read_manifest_file(str(tmp_path / "bad.yaml"))


def test_json_manifest_with_tdm_reservation_is_refused(tmp_path: Path) -> None:
    (tmp_path / "el.txt").write_text("Καλημέρα σας, αυτό είναι ένα κείμενο.\n", encoding="utf-8")
    m = tmp_path / "m.json"
    m.write_text(
        '{"manifest_version": 1, "name": "el-texts", "contact": "a@b.gr", "languages": ["el"], "format": "text", "location": "el.txt",'
        ' "licence": "CC0-1.0", "rights_holder": "X", "attribution": "X", "personal_data": "pseudonymised", "tdm_reservation": true}',
        encoding="utf-8",
    )
    spec = load_manifest(str(m))
    assert (spec.language, spec.tdm_reserved, spec.paths, spec.metadata["personal_data"]) == (
        "el",
        True,
        [str(tmp_path / "el.txt")],
        "pseudonymised",
    )
    assert run_cli(str(m), "--no-stages") == 1


def test_cli_on_good_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(MAN / "good.yaml"), "--no-stages") == 0
    out = capsys.readouterr().out
    data = os.path.join(str(MAN), "data", "mt-ga.jsonl")
    assert out.splitlines() == [
        f"{MAN / 'good.yaml'}: valid source manifest 'mt-ga-community'",
        "  format jsonl; languages mt,ga; personal data: none",
        "  licence: CC-BY-4.0 ALLOWED (licence CC-BY-4.0 is on the allow list; evidence: source manifest good.yaml field 'licence')",
        "  sample: 3 document(s) from 1 file(s); 1 unreadable part(s)",
        f"    unreadable: {data} line 4: no text: column 'text' is missing or null",
        "  languages, declared (--no-stages): mt 2, ga 1",
        "  would be kept: 3 of 3",
        "  rejected by reason: none",
    ]


def test_cli_detects_languages_with_the_language_stage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(MAN / "good.yaml"), "--sample", "3") == 0
    out = capsys.readouterr().out
    assert "  languages, detected by the language stage (default settings): mt 2, ga 1" in out.splitlines()


def test_cli_on_refused_and_broken_manifests(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(str(MAN / "non-commercial.yaml"), "--no-stages") == 1
    out = capsys.readouterr().out.splitlines()
    assert out[2] == (
        "  licence: REFUSED licence.non_commercial: licence CC-BY-NC-SA-4.0 forbids commercial use; non-commercial licences are "
        "refused by default (evidence: source manifest non-commercial.yaml field 'licence')"
    )
    assert out[-1] == "  would be kept: 0 of 3 (the licence policy refuses the source: licence.non_commercial)"
    assert run_cli(str(MAN / "broken.yaml")) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{MAN / 'broken.yaml'}: INVALID source manifest (10 problems)"
    assert out[1:3] == [
        "  - licence: required field is missing; give the licence as an SPDX id (`CC-BY-4.0`), a licence IRI, or its full name",
        "  - licnese: unknown field; did you mean 'licence'?",
    ]


def test_location_outside_the_manifest_folder_is_refused(tmp_path: Path) -> None:
    """A contributed manifest named /etc/passwd, ../../ or a link out of its folder, was called
    valid, and the run read those files into the corpus as the contributor's documents."""
    folder = tmp_path / "community"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "mt.txt").write_text("Il-Kunsill Lokali ltaqa' llum.\n", encoding="utf-8")
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.txt").write_text("not for the corpus\n", encoding="utf-8")
    (folder / "data" / "link").symlink_to(secret, target_is_directory=True)
    head = (
        "manifest_version: 1\nname: mt-texts\ncontact: a@b.mt\nlanguages: [mt]\nformat: text\n"
        "licence: CC-BY-4.0\nrights_holder: X\nattribution: X\npersonal_data: false\nlocation: "
    )
    why = "a contributed source reads the files in its manifest's folder and below it only: move the files there (a recipe's own source can name any path)"
    for location, problem in [
        (str(secret / "key.txt"), "is an absolute path"),
        ("../secret/*.txt", "leads out of the manifest's folder (..)"),
        (
            "data/link/*.txt",
            f"matches data/link/key.txt, a link to {secret.resolve() / 'key.txt'}, outside the manifest's folder",
        ),
    ]:
        m = folder / "m.yaml"
        m.write_text(head + f"'{location}'\n", encoding="utf-8")
        assert validate_manifest(read_manifest_file(str(m)), str(folder)) == [
            f"location: '{location}' {problem}; {why}"
        ]
        with pytest.raises(ConfigError):
            load_manifest(str(m))
    # inside the folder, by any spelling, is fine
    m.write_text(head + "./data/../data/*.txt\n", encoding="utf-8")
    assert load_manifest(str(m)).paths == [str(folder / "data" / "*.txt")]


def test_reader_options_are_checked_in_a_manifest(tmp_path: Path) -> None:
    """``columns: {text: 5}`` was a valid manifest whose every record was unreadable."""
    m = tmp_path / "m.yaml"
    m.write_text(
        (MAN / "good.yaml")
        .read_text(encoding="utf-8")
        .replace("columns: {text: text, id: id, lang: lang}", "columns: {text: 5}\n  encoding: x-bogus"),
        encoding="utf-8",
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.jsonl").write_text('{"text": "Il-Kunsill ltaqa."}\n', encoding="utf-8")
    assert validate_manifest(read_manifest_file(str(m)), str(tmp_path)) == [
        "options.encoding: 'x-bogus' is not an encoding Python knows; use a text encoding such as utf-8, utf-16-le, cp1252 or iso-8859-2",
        "options.columns: text: a column name is a non-empty string, got 5 (quote it in YAML: '5')",
    ]


def test_unknown_language_code_is_a_problem_of_the_manifest(tmp_path: Path) -> None:
    # `xx` fits the field's pattern but names no language: `sources validate` called it valid and
    # `altedic run` then stopped at planning with "unknown language code 'xx'"
    (tmp_path / "mt.txt").write_text("Il-Kunsill approva r-regolament.\n", encoding="utf-8")
    m = tmp_path / "m.yaml"
    m.write_text(
        "manifest_version: 1\nname: mt-texts\ncontact: a@b.mt\nlanguages: [mt, xx, mul]\nformat: text\n"
        "location: mt.txt\nlicence: CC0-1.0\nrights_holder: X\nattribution: X\npersonal_data: false\n",
        encoding="utf-8",
    )
    assert validate_manifest(read_manifest_file(str(m)), str(tmp_path)) == [
        "languages[1]: unknown language code 'xx': give an ISO 639 code (mt, ga, el), a locale (pt-BR) or the "
        "language's name (Maltese, Malti); leave it out, or write mul, for a source in several languages"
    ]
    with pytest.raises(ConfigError, match=r"m.yaml: 1 problem in the source manifest:\n  - languages\[1\]: unknown"):
        load_manifest(str(m))


MANIFEST = """manifest_version: 1
name: mt-community-news
contact: {name: Marija Borg, email: marija@example.mt}
languages: [mt]
format: jsonl
location: "LOCATION"
licence: CC-BY-4.0
rights_holder: Għaqda tal-Malti
attribution: "© Għaqda tal-Malti, CC BY 4.0"
personal_data: false
options: {columns: {text: text, id: id}}
"""


def _community(tmp_path: Path, location: str) -> tuple[Path, Path]:
    """A manifest in ``community/`` with ``data/news.jsonl`` (2 documents) and, outside the
    folder, ``elsewhere/web.jsonl`` (3 documents). Returns (manifest, the outside file)."""
    folder = tmp_path / "community"
    (folder / "data" / "sub").mkdir(parents=True)
    (folder / "data" / "news.jsonl").write_text(
        '{"id": "n1", "text": "Il-Kunsill Lokali ltaqa\' llum."}\n{"id": "n2", "text": "Ix-xita waslet kmieni."}\n',
        encoding="utf-8",
    )
    (tmp_path / "elsewhere").mkdir()
    secret = tmp_path / "elsewhere" / "web.jsonl"
    secret.write_text("".join(f'{{"id": "s{i}", "text": "not the contributor\'s {i}"}}\n' for i in range(3)))
    m = folder / "m.yaml"
    m.write_text(MANIFEST.replace("LOCATION", location), encoding="utf-8")
    return m, secret


def test_a_double_star_location_cannot_read_a_link_out_of_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`data/**.jsonl` matches at any depth for Beam (the run) but only at the top level for
    Python's glob (the check): a link one folder down, to a file outside the manifest's folder,
    was called valid ("sample: 2 document(s) from 1 file(s)") and its documents were read."""
    from altedic.recipe import load_recipe

    m, secret = _community(tmp_path, "data/**.jsonl")
    folder = m.parent
    (folder / "data" / "sub" / "secret.jsonl").symlink_to(secret)
    problem = (
        f"location: 'data/**.jsonl' matches data/sub/secret.jsonl, a link to {secret}, outside the manifest's "
        "folder; a contributed source reads the files in its manifest's folder and below it only: move the files "
        "there (a recipe's own source can name any path)"
    )
    assert validate_manifest(read_manifest_file(str(m)), str(folder)) == [problem]
    assert run_cli(str(m), "--no-stages") == 2
    assert capsys.readouterr().out.splitlines() == [f"{m}: INVALID source manifest (1 problem)", f"  - {problem}"]
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"version: 1\nname: inc\nsources: [{{include: {m}}}]\nstages: {{langid: {{method: declared}}}}\n"
        "output: {path: out}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as exc:
        load_recipe(recipe)
    assert str(exc.value) == f"{m}: 1 problem in the source manifest:\n  - {problem}"


def test_what_a_manifest_check_lists_is_what_the_run_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same listing for the check, the sample and the run: a `**` location reads the file
    one folder down (the sample counted 1 file of 2), and a link out of the folder that appears
    after the manifest was checked is refused when the run lists the files, whatever the glob."""
    from altedic.recipe import load_recipe
    from altedic.run import plan_sources

    m, secret = _community(tmp_path, "data/**.jsonl")
    folder = m.parent
    (folder / "data" / "sub" / "more.jsonl").write_text('{"id": "m1", "text": "Għada se tkun sħuna."}\n')
    assert validate_manifest(read_manifest_file(str(m)), str(folder)) == []
    assert run_cli(str(m), "--no-stages") == 0
    out = capsys.readouterr().out.splitlines()
    assert "  sample: 3 document(s) from 2 file(s); 0 unreadable part(s)" in out
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"version: 1\nname: inc\nsources: [{{include: {m}}}]\nstages: {{langid: {{method: declared}}}}\n"
        "output: {path: out}\n",
        encoding="utf-8",
    )
    loaded = load_recipe(recipe)
    assert loaded.sources[0].confine == str(folder)
    assert [(t.uri, t.rel) for t in plan_sources(loaded).tasks] == [
        (str(folder / "data" / "news.jsonl"), "data/news.jsonl"),
        (str(folder / "data" / "sub" / "more.jsonl"), "data/sub/more.jsonl"),
    ]
    (folder / "data" / "sub" / "more.jsonl").unlink()
    (folder / "data" / "sub" / "more.jsonl").symlink_to(secret)
    with pytest.raises(ConfigError) as exc:
        plan_sources(loaded)
    assert str(exc.value) == (
        f"{m}: at 'mt-community-news.paths': source 'mt-community-news': '{folder}/data/**.jsonl' matches "
        f"data/sub/more.jsonl, a link to {secret}, outside the manifest's folder; a contributed source reads the "
        "files in its manifest's folder and below it only: move the files there (a recipe's own source can name "
        "any path)"
    )
    # a recipe's own source names any path: the same link is read
    own = tmp_path / "own.yaml"
    own.write_text(
        f"version: 1\nname: own\nsources: [{{name: n, format: jsonl, paths: '{folder}/data/**.jsonl', "
        "licence: CC-BY-4.0, options: {columns: {text: text, id: id}}}]\noutput: {path: out}\n",
        encoding="utf-8",
    )
    assert [t.rel for t in plan_sources(load_recipe(own)).tasks] == ["news.jsonl", "sub/more.jsonl"]


def test_a_location_naming_a_folder_matches_no_file(tmp_path: Path) -> None:
    """`location: data` passed the check (the folder exists) and the run then stopped with
    "matches no files": readers take files, and the check now lists as the run does."""
    m, _secret = _community(tmp_path, "data")
    assert validate_manifest(read_manifest_file(str(m)), str(m.parent)) == [
        f"location: 'data' matches no file (looked in {m.parent}); check the path, relative to the manifest"
    ]
