"""Derive a confusable group's word-frequency table (groups.yaml ``frequencies``) from frequency lists.

Usage (once, by a maintainer; the result is committed, nothing here runs at install or run time):

    .venv/bin/python benchmarks/derive_frequencies.py hr=hr_50k.txt bs=bs_50k.txt \\
        --out altedic/langid/lexicons/hbs-opensubtitles.tsv.gz \\
        --source "hermitdave/FrequencyWords@525f9b5 content/2018/<member>/<member>_50k.txt"

The committed table comes from Hermit Dave's FrequencyWords (github.com/hermitdave/FrequencyWords,
content CC BY-SA 4.0): the 50,000 commonest words of each language's OpenSubtitles 2018
subtitles (OPUS), one ``<word> <count>`` line each, lower case. Subtitles are a genre none of
altedic's checks uses (web sentences, news, legal articles, treebank sentences), which is why they
were chosen: a gain measured with them is not a home-ground gain.

For every ``member=file`` pair the script keeps the words of that list that the resolver can
match (letters only: ``policy.Lexicon.WORD``; a word listed twice is summed) and writes one table:
a ``word`` column and one count column per member, 0 where the word is not in that member's list.
The resolver takes each member's total and its list's smallest count from the table itself
(``policy.WordFrequencies``). The output is deterministic (sorted, gzip without a time stamp),
after ``#`` lines that name the source, the licence and each input file's SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from derive_lexicon import write_lines

from altedic.langid.policy import Lexicon


def read_counts(path: Path) -> dict[str, int]:
    """``<word> <count>`` lines -> counts of the lower-cased letter-only words (summed)."""
    counts: dict[str, int] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            sys.exit(f"derive_frequencies: {path}:{n}: expected '<word> <count>', got {line!r}")
        word = parts[0].lower()
        if Lexicon.WORD.fullmatch(word):
            counts[word] = counts.get(word, 0) + int(parts[1])
    return counts


def table(lists: dict[str, dict[str, int]]) -> list[str]:
    """The header row and one row per word (sorted): word, then each member's count."""
    members = list(lists)
    words = sorted(set().union(*lists.values()))
    rows = ["\t".join(["word", *members])]
    rows += ["\t".join([w, *(str(lists[m].get(w, 0)) for m in members)]) for w in words]
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs", nargs="+", help="member=frequency_list, e.g. hr=hr_50k.txt bs=bs_50k.txt")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--source", required=True, help="where the lists come from (written into the header)")
    ap.add_argument("--licence", default="CC BY-SA 4.0 (FrequencyWords content; derived from OPUS OpenSubtitles 2018)")
    args = ap.parse_args(argv)
    pairs = [p.split("=", 1) for p in args.pairs]
    if len(pairs) < 2 or any(len(p) != 2 for p in pairs):
        sys.exit("derive_frequencies: give at least two member=file pairs")
    lists = {member: read_counts(Path(path)) for member, path in pairs}
    header = [
        "# A confusable group's word frequencies for altedic (groups.yaml `frequencies`;",
        "# policy.WordFrequencies). Derived by benchmarks/derive_frequencies.py from",
        f"# {args.source}",
        f"# Licence of this file: {args.licence}.",
        "# Each row: a word (lower case, letters only), then its count in each member's list (0: not listed).",
    ]
    for member, path in pairs:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        counts = lists[member]
        header.append(
            f"# {member}: {Path(path).name} sha256 {digest}, {len(counts)} words, {sum(counts.values())} tokens"
        )
    summary = [f"{m}: {len(lists[m])} words, {sum(lists[m].values())} tokens" for m, _ in pairs]
    return write_lines(args.out, header + table(lists), summary)


if __name__ == "__main__":
    raise SystemExit(main())
