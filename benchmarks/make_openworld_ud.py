"""Build an open-world language-ID evaluation folder from Universal Dependencies treebanks.

Usage: .venv/bin/python benchmarks/make_openworld_ud.py UD_DIR OUT_DIR [--per-half N]

``UD_DIR`` holds one folder per treebank, named as the UD repositories are
(``UD_Upper_Sorbian-UFAL``, ``UD_Maltese-MUDT``...), each with the treebank's
``*-ud-test.conllu`` (or, without one, ``*-ud-dev.conllu``). The treebanks are on GitHub
(``github.com/UniversalDependencies/<name>``) and in the UD releases (LINDAT/CLARIAH-CZ).

The two UDHR proxies (``make_openworld_udhr.py``) are one text, in the legal register, in one
spelling per variety. The treebanks are running text of other genres (news, Wikipedia,
fiction, blogs, speech transcripts, grammar examples), written by other hands, in the
official languages and in regional and minority languages the UDHR proxies have (Upper Sorbian,
Breton, Welsh, Scottish Gaelic, Manx, Low German, Swiss German, Faroese, Northern Sami,
Ligurian, Luxembourgish, Galician, Catalan, Basque) and some they do not (Neapolitan, Sicilian,
Bavarian, Livvi and Karelian). The sentences keep the order of their documents, so an item is
consecutive sentences of one document: a real paragraph-sized stretch of text (see Halves
for the treebanks that do not keep that order).

* ``OUT/single/{tune,test}/``: items of consecutive sentences of one document, joined with
  spaces, from the first sentence whose item would reach ``--min-chars`` (300) characters; a
  document's last item under 120 characters is dropped. A ``# newpar`` marker ends an item
  when the item has reached 120 characters (a paragraph break is where a writer changed
  subject).
* ``OUT/triple/{tune,test}/``: three consecutive single items of one document, separated by a
  line break written as the two characters ``\\n`` (``load_items`` turns them back into a line
  break), as the UDHR proxies' 3-article items are.

Halves: each treebank's documents (``# newdoc``) alternate between ``tune`` and ``test`` in file
order; a treebank with fewer than 4 documents (or no markers) gives the first half of each
document's items to ``tune`` and the second half to ``test``. Some treebanks keep no document
order (the GSD ones, Irish IDT: sentences of many sources, shuffled): there an item is
sentences of one language and genre, not one stretch of text. At most ``--per-half`` (default 100) single items per treebank and
half, the first ones in file order, and as many triple items.

Labels: the treebank's language (the file name's UD code through
:func:`altedic.langid.codes.normalise_lang`; :data:`LABELS` where UD's code is not altedic's:
``no_bokmaal`` and ``no_nynorsk``, Serbian's Latin script). :data:`SKIPPED` lists treebanks
left out and why. The text is not copied into the repository: build the folder in /tmp.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from altedic.langid.codes import normalise_lang

#: Treebank folder -> altedic label, where the file name's UD code does not say it.
LABELS = {
    "UD_Norwegian-Bokmaal": "nb",
    "UD_Norwegian-Nynorsk": "nn",
    "UD_Serbian-SET": "sr-Latn",  # SETimes Serbian: Latin script
}
#: Treebanks left out of the mix, and why.
SKIPPED = {
    "UD_Occitan-CorAG": "medieval Gascon charters (13th-14th century), not the Occitan of today's text",
    "UD_Old_Occitan-CorAG": "medieval",
}
_TEXT = "# text = "
_MIN_DOCS = 4  # fewer documents than this: split within documents (halves_of)


@dataclass
class Document:
    doc_id: str
    sentences: list[tuple[str, bool]] = field(default_factory=list)  # (text, starts a paragraph)


def read_conllu(path: Path) -> list[Document]:
    """Documents of a CoNLL-U file in file order: each sentence's ``# text`` and whether a
    ``# newpar`` came before it. A file without ``# newdoc`` is one document."""
    docs: list[Document] = []
    new_par = False
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            continue
        if line.startswith("# newdoc"):
            docs.append(Document(line.partition("=")[2].strip() or f"doc{len(docs)}"))
            new_par = True
        elif line.startswith("# newpar"):
            new_par = True
        elif line.startswith(_TEXT):
            if not docs:
                docs.append(Document(path.stem))
            text = " ".join(line[len(_TEXT) :].split())
            if text:
                docs[-1].sentences.append((text, new_par))
                new_par = False
    return docs


def items_of(doc: Document, min_chars: int = 300, min_last: int = 120) -> list[str]:
    """Consecutive sentences of ``doc`` joined into paragraph-sized items (see the module
    docstring)."""
    items: list[str] = []
    cur: list[str] = []
    size = 0
    for text, starts_par in doc.sentences:
        if starts_par and cur and size >= min_last:
            items.append(" ".join(cur))
            cur, size = [], 0
        cur.append(text)
        size += len(text) + 1
        if size >= min_chars:
            items.append(" ".join(cur))
            cur, size = [], 0
    if cur and size >= min_last:
        items.append(" ".join(cur))
    return items


def treebank_file(folder: Path) -> Path | None:
    for pattern in ("*-ud-test.conllu", "*-ud-dev.conllu"):
        found = sorted(p for p in folder.glob(pattern) if p.stat().st_size > 0)
        if found:
            return found[0]
    return None


def label_of(folder: Path, conllu: Path) -> str | None:
    if folder.name in LABELS:
        return LABELS[folder.name]
    return normalise_lang(conllu.name.split("_", 1)[0])


def halves_of(docs: list[Document], min_chars: int) -> dict[str, list[list[str]]]:
    """The documents' items, per half (a list of item lists, one per document)."""
    per_doc = [items_of(d, min_chars) for d in docs]
    per_doc = [items for items in per_doc if items]
    if len(per_doc) < _MIN_DOCS:
        # few documents (or none marked): each one's first half of items to tune, the rest to test
        return {
            "tune": [items[: len(items) // 2] for items in per_doc],
            "test": [items[len(items) // 2 :] for items in per_doc],
        }
    return {"tune": per_doc[0::2], "test": per_doc[1::2]}


def write_folder(ud_dir: Path, out: Path, per_half: int = 100, min_chars: int = 300) -> dict[str, int]:
    """Write the four folders under ``out``; returns items written per folder."""
    counts: dict[str, int] = {}
    for kind in ("single", "triple"):
        for half in ("tune", "test"):
            (out / kind / half).mkdir(parents=True, exist_ok=True)
    for folder in sorted(p for p in ud_dir.iterdir() if p.is_dir()):
        if folder.name in SKIPPED:
            print(f"skipped {folder.name}: {SKIPPED[folder.name]}", file=sys.stderr)
            continue
        conllu = treebank_file(folder)
        if conllu is None:
            print(f"skipped {folder.name}: no *-ud-test.conllu or *-ud-dev.conllu", file=sys.stderr)
            continue
        code = label_of(folder, conllu)
        if code is None:
            print(f"skipped {folder.name}: {conllu.name} has no code altedic knows", file=sys.stderr)
            continue
        source = f"ud:{folder.name.removeprefix('UD_')}"
        for half, docs in halves_of(read_conllu(conllu), min_chars).items():
            single: list[str] = []
            triple: list[str] = []
            for items in docs:
                room = per_half - len(single)
                if room <= 0:
                    break
                single.extend(items[:room])
                triple.extend("\\n".join(items[i : i + 3]) for i in range(len(items) - 2))
            triple = triple[:per_half]
            for kind, texts in (("single", single), ("triple", triple)):
                lines = "".join(f"{code}\t{source}\t{t}\n" for t in texts)
                (out / kind / half / f"{folder.name}.txt").write_text(lines, "utf-8")
                key = f"{kind}/{half}"
                counts[key] = counts.get(key, 0) + len(texts)
    return counts


def fingerprint(out: Path) -> str:
    """A digest of the folder's files (names and bytes), to say which build a figure is from."""
    h = hashlib.blake2b(digest_size=8)
    for p in sorted(out.rglob("*.txt")):
        h.update(str(p.relative_to(out)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ud_dir", type=Path, help="folder of treebank folders (UD_<Language>-<NAME>/)")
    ap.add_argument("out", type=Path, help="output folder (in /tmp: the treebanks' text stays out of the repository)")
    ap.add_argument("--per-half", type=int, default=100, help="single items per treebank and half (default 100)")
    ap.add_argument("--min-chars", type=int, default=300, help="characters an item reaches (default 300)")
    args = ap.parse_args()
    if not args.ud_dir.is_dir():
        sys.exit(f"{args.ud_dir} is not a folder of treebank folders")
    counts = write_folder(args.ud_dir, args.out, args.per_half, args.min_chars)
    for key, n in sorted(counts.items()):
        print(f"{args.out / key}: {n} items")
    print(f"fingerprint {fingerprint(args.out)}")


if __name__ == "__main__":
    main()
