"""Derive a confusable group's word lexicon from Tesseract's word lists (groups.yaml ``lexicon``).

Usage (as root on Debian, once, by a maintainer; the result is committed, nothing here runs at
install or run time):

    apt-get install tesseract-ocr tesseract-ocr-hrv tesseract-ocr-bos
    .venv/bin/python benchmarks/derive_lexicon.py hr=hrv bs=bos \\
        --out altedic/langid/lexicons/hbs-tesseract.tsv.gz

Each Tesseract language model (``<code>.traineddata``, Debian's packages ship the
``tessdata_fast`` models, Apache-2.0) holds a word list (``lstm-word-dawg``) that Google built
from web text of that language. ``combine_tessdata -u`` unpacks a model, ``dawg2wordlist``
writes its list out. For every ``member=code`` pair the script keeps the words (letters only,
lower-cased) of that member's list that are in none of the other members' lists: a word written
by one standard's web and not the other's is weak evidence of that standard. The lists differ in
size (the larger a list, the more of a text's rarer words it holds whatever the text's language),
which the resolver evens out by weighting each member's hits by the ratio of the list sizes
(policy.Lexicon). The output is deterministic (sorted, gzip without a time stamp):
``<member>\\t<word>`` lines after ``#`` lines that name the source and the licence.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from altedic.langid.policy import Lexicon

#: where Debian installs the models (Tesseract 5, then 4)
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")


def find_tessdata() -> Path | None:
    """The first of :data:`TESSDATA_DIRS` that exists, or None."""
    return next((Path(d) for d in TESSDATA_DIRS if Path(d).is_dir()), None)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        sys.exit(f"derive_lexicon: {name} not found (apt-get install tesseract-ocr)")
    return path


def tesseract_words(code: str, tessdata: Path) -> set[str]:
    """The lower-cased words of Tesseract's ``code`` word list that the lexicon can match
    (letters only: :attr:`Lexicon.WORD`)."""
    model = tessdata / f"{code}.traineddata"
    if not model.is_file():
        sys.exit(f"derive_lexicon: {model} not found (apt-get install tesseract-ocr-{code.replace('_', '-')})")
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / f"{code}."
        subprocess.run([_tool("combine_tessdata"), "-u", str(model), str(prefix)], check=True, capture_output=True)
        out = Path(tmp) / "words.txt"
        subprocess.run(
            [
                _tool("dawg2wordlist"),
                f"{prefix}lstm-unicharset",
                f"{prefix}lstm-word-dawg",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        words = out.read_text(encoding="utf-8").split()
    return {w.lower() for w in words if Lexicon.WORD.fullmatch(w)}


def output_args(ap: argparse.ArgumentParser) -> None:
    """The ``--out`` and ``--tessdata`` options the derive_* scripts share."""
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--tessdata", type=Path, default=None, help="folder of the .traineddata files")


def tessdata_of(args: argparse.Namespace, prog: str) -> Path:
    """``--tessdata``, or the folder Debian installs the models in; exits when there is none."""
    tessdata: Path | None = args.tessdata or find_tessdata()
    if tessdata is None:
        sys.exit(f"{prog}: no tessdata folder found; pass --tessdata")
    return tessdata


def write_gzip(out: Path, data: bytes) -> None:
    """``data`` gzipped to ``out`` without a time stamp (the same bytes on every run)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(data)


def write_lines(out: Path, lines: list[str], summary: list[str]) -> int:
    """``lines`` gzipped to ``out`` (:func:`write_gzip`, one per line); then ``summary`` and the
    size written on stdout. Returns 0, the scripts' exit status."""
    write_gzip(out, ("\n".join(lines) + "\n").encode("utf-8"))
    for line in summary:
        print(line)
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs", nargs="+", help="member=tesseract_code, e.g. hr=hrv bs=bos")
    output_args(ap)
    args = ap.parse_args(argv)
    tessdata = tessdata_of(args, "derive_lexicon")
    pairs = [p.split("=", 1) for p in args.pairs]
    if len(pairs) < 2 or any(len(p) != 2 for p in pairs):
        sys.exit("derive_lexicon: give at least two member=code pairs")
    lists = {member: tesseract_words(code, tessdata) for member, code in pairs}
    only = {m: ws - set().union(*(o for n, o in lists.items() if n != m)) for m, ws in lists.items()}
    header = [
        "# A confusable group's lexicon for altedic (groups.yaml `lexicon`; policy.Lexicon).",
        "# Derived by benchmarks/derive_lexicon.py " + " ".join(args.pairs) + " from the word lists",
        "# (lstm-word-dawg) of Tesseract's tessdata_fast models, as Debian packages them",
        "# (tesseract-ocr-<code>); Copyright 2006-2022 Google Inc., Apache License 2.0.",
        "# Each line: member TAB a word (lower case) in that member's list and in no other's here.",
    ]
    header += [f"# {m}: {len(lists[m])} words listed, {len(only[m])} only here" for m, _ in pairs]
    body = [f"{m}\t{w}" for m, _ in pairs for w in sorted(only[m])]
    return write_lines(
        args.out, header + body, [f"{m}: {len(lists[m])} words, {len(only[m])} only in its list" for m, _ in pairs]
    )


if __name__ == "__main__":
    raise SystemExit(main())
