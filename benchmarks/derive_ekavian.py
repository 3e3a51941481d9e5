"""Derive the ekavian word list of the hbs group (groups.yaml ``word_files``) from Tesseract's word lists.

Usage (as root on Debian, once, by a maintainer; the result is committed, nothing here runs at
install or run time):

    apt-get install tesseract-ocr tesseract-ocr-hrv tesseract-ocr-bos tesseract-ocr-srp-latn tesseract-ocr-slv
    .venv/bin/python benchmarks/derive_ekavian.py --out altedic/langid/lexicons/hbs-ekavian.tsv.gz

Serbian is written with the ekavian reflex of the old vowel jat (*vreme*, *mleko*, *umetnost*,
*veruje*), Croatian, Bosnian and Montenegrin with the ijekavian one (*vrijeme*, *mlijeko*,
*umjetnost*, *vjeruje*): short jat is *je*, long jat *ije*, where Serbian writes *e* (Pravopis
srpskoga jezika, Matica srpska 2010; Hrvatski pravopis, IHJJ 2013). The group's hand-written
lists hold a few hundred such forms; this script finds them in bulk, with a dictionary check on
both sides. A word is listed when:

* it is in the word list of Tesseract's Serbian Latin model (``srp_latn``: web text);
* it is in neither the Croatian (``hrv``), the Bosnian (``bos``) nor the Slovenian (``slv``)
  list: Slovenian writes many ekavian-looking words alike (*mesto*, *leto*), and the resolver
  must not count them for Serbian;
* replacing one *e* that follows a consonant by *je* or *ije* (or a final *-eo* by *-io*: the
  participles *video*/*vidio*, *preživeo*/*preživio*) gives a word of the Croatian or Bosnian list: its
  ijekavian twin. Not a word's last letter (case endings: *analoge* and *analogije*,
  *postojane* and *postojanje* are forms of other words), nor an e
  after a *d* that is ASCII for *đ* (*andela* for *anđela*, not *andjela*);
* it has at least 5 letters (the short forms, *deca*, *pre*, *gde*, are written down by hand in
  groups.yaml; short words of a web list are more often noise).

Each output line is ``<word>\\t<twin>[,<twin>...]``, so that a reader sees why a word is there;
the resolver reads the first column (``policy.load_groups``). The output is deterministic (sorted,
gzip without a time stamp), after ``#`` lines that name the source and the licence
(tessdata_fast, Apache-2.0).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from derive_lexicon import output_args, tessdata_of, tesseract_words, write_gzip

VOWELS = frozenset("aeiou")
MIN_LETTERS = 5


def twins(word: str, known: Collection[str] = ()) -> set[str]:
    """The ijekavian spellings ``word`` would have if one of its e's were jat. Not the last
    letter (*analoge* and *analogije* are case forms of two words; the adverbs with a final jat,
    *posle*, *ovde*, are in groups.yaml), and not an e after a d that stands for đ in a word
    of ``known`` (*andela*, ASCII for *anđela*, is no *andjela*)."""
    out: set[str] = set()
    for i, ch in enumerate(word[:-1]):
        if ch == "e" and i > 0 and word[i - 1] not in VOWELS:
            if word[i - 1] == "d" and word[: i - 1] + "đ" + word[i:] in known:
                continue
            out.add(word[:i] + "je" + word[i + 1 :])
            out.add(word[:i] + "ije" + word[i + 1 :])
    if word.endswith("eo") and len(word) > 3:
        out.add(word[:-2] + "io")
    return out


def ekavian(serbian: Collection[str], ijekavian: set[str], excluded: set[str]) -> dict[str, list[str]]:
    """word -> its ijekavian twins, for the words of ``serbian`` that meet the rules above."""
    known = set(serbian) | ijekavian
    out: dict[str, list[str]] = {}
    for w in serbian:
        if len(w) < MIN_LETTERS or w in ijekavian or w in excluded:
            continue
        found = sorted(t for t in twins(w, known) if t in ijekavian)
        if found:
            out[w] = found
    return out


def render(table: dict[str, list[str]], sizes: dict[str, int]) -> bytes:
    header = [
        "# The hbs group's ekavian words for altedic (groups.yaml `word_files`; policy.load_groups).",
        "# Derived by benchmarks/derive_ekavian.py from the word lists (lstm-word-dawg) of",
        "# Tesseract's tessdata_fast models, as Debian packages them (tesseract-ocr-<code>);",
        "# Copyright 2006-2022 Google Inc., Apache License 2.0. Lists: "
        + ", ".join(f"{code} {n} words" for code, n in sizes.items())
        + ".",
        "# Each line: a word of the Serbian Latin list in none of the others, TAB its ijekavian",
        f"# twin(s) in the Croatian or Bosnian list. {len(table)} words.",
    ]
    body = [f"{w}\t{','.join(t)}" for w, t in sorted(table.items())]
    return ("\n".join(header + body) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    output_args(ap)
    args = ap.parse_args(argv)
    tessdata = tessdata_of(args, "derive_ekavian")
    lists = {code: tesseract_words(code, tessdata) for code in ("srp_latn", "hrv", "bos", "slv")}
    table = ekavian(lists["srp_latn"], lists["hrv"] | lists["bos"], lists["slv"])
    write_gzip(args.out, render(table, {code: len(ws) for code, ws in lists.items()}))
    print(f"{len(table)} ekavian words; wrote {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
