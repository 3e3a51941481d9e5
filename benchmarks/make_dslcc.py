"""Build language-ID evaluation folders from the DSL Corpus Collection v2.0 gold sets.

Usage: .venv/bin/python benchmarks/make_dslcc.py DSL_TASK OUT_DIR

``DSL_TASK`` is a checkout of ``github.com/Simdiva/DSL-Task`` (the DSL shared task 2015, CC0):
its ``data/DSLCC-v2.0/gold/`` holds two labelled test sets of 1,000 news sentences per
language or variety, drawn from different documents:

* ``test-gold.txt``: Test Set A;
* ``test-ne-gold.txt``: Test Set B with its named entities (``test-none-gold.txt`` is the same
  sentences with the names blinded, which no real document has, so it is not used).

The collection was built to separate close languages: Bosnian, Croatian and Serbian (Serbian in
Latin script), Czech and Slovak, Bulgarian and Macedonian, and national varieties of Spanish,
Portuguese and Malay/Indonesian. It is news, written by other hands than the development set's
web and Wikipedia sentences, so it measures the hbs, cs-sk and bg/mk decisions out of genre. The
shared task's own systems were trained on 18,000 sentences per variety of the same news sources
(``DSL2015-results.md``: 93-95 % accuracy over the 13 varieties), a ceiling that a general
detector is not expected to reach.

Output: ``OUT/a/`` and ``OUT/b/``, one ``<label>.txt`` per label with lines
``<label>\\tdslcc-<set>\\t<text>`` (the ``altedic eval lid`` format). Labels are altedic's:
``cz`` is ``cs``, Serbian is ``sr-Latn``, ``my`` (Malay) is ``ms``, and the national varieties
of Spanish and Portuguese are ``es`` and ``pt``. The ``xx`` sentences (other languages, no
gold label) are left out. The text is not copied into the repository: build the folder in /tmp.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from altedic.langid.codes import normalise_lang

#: DSLCC label -> altedic label, where normalise_lang would not give it.
LABELS = {"cz": "cs", "sr": "sr-Latn", "my": "ms", "es-AR": "es", "es-ES": "es", "pt-BR": "pt", "pt-PT": "pt"}
#: DSLCC labels left out: no language to score against.
SKIPPED = {"xx"}
#: set name -> gold file under data/DSLCC-v2.0/gold/
SETS = {"a": "test-gold.txt", "b": "test-ne-gold.txt"}


def label_of(dsl_label: str) -> str:
    """altedic's label for a DSLCC label (ValueError for one it cannot map)."""
    label = LABELS.get(dsl_label) or normalise_lang(dsl_label)
    if label is None:
        raise ValueError(f"no altedic label for DSLCC label {dsl_label!r}")
    return label


def convert(gold: Path, set_name: str) -> dict[str, list[str]]:
    """label -> evaluation lines of one gold file, in file order."""
    out: dict[str, list[str]] = {}
    with gold.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            text, sep, dsl_label = line.rpartition("\t")
            if not sep:
                raise ValueError(f"{gold}:{n}: expected '<sentence>\\t<label>'")
            if dsl_label in SKIPPED:
                continue
            text = " ".join(text.replace("\\n", " ").split())
            if not text:
                continue
            label = label_of(dsl_label)
            out.setdefault(label, []).append(f"{label}\tdslcc-{set_name}\t{text}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dsl_task", type=Path, help="checkout of github.com/Simdiva/DSL-Task")
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    gold_dir = args.dsl_task / "data" / "DSLCC-v2.0" / "gold"
    for set_name, name in SETS.items():
        gold = gold_dir / name
        if not gold.is_file():
            print(f"missing {gold}", file=sys.stderr)
            return 2
        folder = args.out / set_name
        folder.mkdir(parents=True, exist_ok=True)
        lines = convert(gold, set_name)
        for label, rows in sorted(lines.items()):
            (folder / f"{label}.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
        counts = ", ".join(f"{label} {len(rows)}" for label, rows in sorted(lines.items()))
        print(f"{folder}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
