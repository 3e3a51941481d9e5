"""Build a language-ID evaluation folder of technical text from Debian's translated package descriptions.

Usage: .venv/bin/python benchmarks/make_genre_ddtp.py TRANSLATIONS_DIR OUT_DIR [--per-lang N]

``TRANSLATIONS_DIR`` holds the Debian Description Translation Project's files
``Translation-<lang>.bz2`` (deb822 stanzas: ``Package``, ``Description-md5``,
``Description-<lang>``), as a Debian mirror serves them; for example::

    mkdir -p /tmp/ddtp/tr && cd /tmp/ddtp/tr
    for l in cs da de es fi fr hr hu it nl pl pt ru sk sr sv uk; do
      curl -sO http://deb.debian.org/debian/dists/bookworm/main/i18n/Translation-$l.bz2; done
    curl -sO http://deb.debian.org/debian/dists/sid/main/i18n/Translation-en.bz2

The development set (../shared/data/lid) is web sentences, parliament speeches and legal
segments; the UDHR folders (benchmarks/make_openworld_udhr.py) are one legal text. Package
descriptions are another register: short technical paragraphs full of product names, English
terms and code words, translated by volunteers. A rule that only holds on the first two shows up
here (docs/langid.md, fourteenth session). This script writes, per language, the first paragraph
of at least ``MIN_CHARS`` characters of each package's long description (indented lines, which
hold lists and code, left out), one item per distinct text (the descriptions of package families
such as gcc-12-*-base repeat word for word), split by a hash of the package name into two
halves:

* ``OUT/a/<lang>.txt`` and ``OUT/b/<lang>.txt`` (``<lang>\\t<source>\\t<text>`` lines, source
  ``ddtp:<package>``), at most ``--per-lang`` items each, in a fixed order (md5 of the package
  name): look at the errors of one half, report the other as held out.

Languages with fewer than ``MIN_ITEMS`` items in all are skipped. ``pt_BR`` and the other
regional variants (``de_DE``, ``pt_AO``, ``zh_*``) are skipped: their labels would duplicate their
language's. Nothing is downloaded by this script and nothing is copied into the repository:
build the folder in /tmp.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import re
import sys
from pathlib import Path

MIN_CHARS = 60
MIN_ITEMS = 20
_SPACES = re.compile(r"\s+")


def _key(package: str) -> str:
    return hashlib.md5(package.encode("utf-8")).hexdigest()


def first_paragraphs(text: str) -> dict[str, str]:
    """``{package: first paragraph of its translated long description with >= MIN_CHARS
    characters}`` of one Translation file's text."""
    out: dict[str, str] = {}
    for stanza in text.split("\n\n"):
        lines = stanza.split("\n")
        package = next((line[len("Package: ") :] for line in lines if line.startswith("Package: ")), None)
        start = next(
            (
                i
                for i, line in enumerate(lines)
                if line.startswith("Description-") and not line.startswith("Description-md5")
            ),
            None,
        )
        if package is None or start is None:
            continue
        paragraph: list[str] = []
        for line in [*lines[start + 1 :], " ."]:
            if line.strip() == ".":  # a paragraph break
                joined = _SPACES.sub(" ", " ".join(paragraph)).strip()
                if len(joined) >= MIN_CHARS:
                    out[package] = joined
                    break
                paragraph = []
            elif not line.startswith("  "):  # indented: a list or code, left out
                paragraph.append(line.strip())
    return out


def build(src: Path, out: Path, per_lang: int) -> dict[str, tuple[int, int]]:
    """Write ``out/a`` and ``out/b``; returns ``{lang: (items in a, items in b)}``."""
    files = sorted(src.glob("Translation-*.bz2"))
    if not files:
        raise SystemExit(f"no Translation-*.bz2 in {src}")
    counts: dict[str, tuple[int, int]] = {}
    for f in files:
        lang = f.name[len("Translation-") : -len(".bz2")]
        if "_" in lang:
            continue
        paragraphs = first_paragraphs(bz2.decompress(f.read_bytes()).decode("utf-8", "replace"))
        seen: set[str] = set()
        halves: dict[str, list[str]] = {"a": [], "b": []}
        for package in sorted(paragraphs, key=_key):
            text = paragraphs[package]
            if text in seen:
                continue
            seen.add(text)
            half = "b" if int(_key(package)[-1], 16) & 1 else "a"
            if len(halves[half]) < per_lang:
                halves[half].append(f"{lang}\tddtp:{package}\t{text}\n")
        if len(halves["a"]) + len(halves["b"]) < MIN_ITEMS:
            continue
        for half, rows in halves.items():
            (out / half).mkdir(parents=True, exist_ok=True)
            (out / half / f"{lang}.txt").write_text("".join(rows), encoding="utf-8")
        counts[lang] = (len(halves["a"]), len(halves["b"]))
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-lang", type=int, default=500)
    args = ap.parse_args()
    counts = build(args.src, args.out, args.per_lang)
    for lang, (a, b) in sorted(counts.items()):
        print(f"{lang}\t{a}\t{b}")
    print(f"{len(counts)} languages written to {args.out}/a and {args.out}/b", file=sys.stderr)


if __name__ == "__main__":
    main()
