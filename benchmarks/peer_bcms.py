"""Croatian, Bosnian, Serbian: the language stage beside MaCoCu's BCMS variant classifier.

Usage: .venv/bin/python benchmarks/peer_bcms.py MODEL_DIR --peer-python PY [LID_DIR]
       [--half even|odd] [--paragraphs]

MaCoCu's ``BCMS-variant-classifier`` (github.com/macocu/BCMS-variant-classifier, May 2023;
Rupnik, Kuzman and Ljubešić, VarDial 2023) tells Bosnian, Croatian, Montenegrin and Serbian
apart; MaCoCu used it to label its web corpora. It is a scikit-learn pickle pair: ``vec.pickle``
(a word ``CountVectorizer`` with a fixed vocabulary) and ``clf.pickle`` (a naive-Bayes
classifier with labels ``bs``, ``hr``, ``me``, ``sr``); Cyrillic is transliterated to Latin first
(the ``transliterate`` package), as its README does. The repository has no licence file, so the
model is not part of this project: MODEL_DIR is a copy a maintainer has.

The stage runs here; the classifier runs in another interpreter, PY, which has
``scikit-learn`` and ``transliterate`` (this project does not depend on either), for example
``python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn transliterate``. Loading a
pickle runs code from it: use a copy you trust.

The classifier replaces the stage's label where the stage says Croatian, Bosnian, Serbian in
Latin script or Montenegrin (it cannot tell any other language), in two variants: on every such
item, and only where the item holds a word of its vocabulary (without one it answers from its
priors alone). Prints, for each variant, F1 of hr, bs and sl and macro-F1 over the 24 official
languages, as ``altedic eval lid`` computes them, and how many items the classifier saw and how
many held none of its words.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from altedic.langid.evaluate import load_items, run_stage, score

HBS_LATIN = {"hr", "bs", "bs-Latn", "sr-Latn", "cnr", "cnr-Latn"}
PEER_LABELS = {"bs": "bs", "hr": "hr", "sr": "sr-Latn", "me": "cnr-Latn"}

# Run by PY: reads {"dir": ..., "texts": [...]} on stdin, writes [[label, has_no_known_word], ...].
PEER = """
import json, pickle, sys, warnings
from pathlib import Path
warnings.simplefilter("ignore")
from transliterate import translit
job = json.load(sys.stdin)
folder = Path(job["dir"])
with open(folder / "vec.pickle", "rb") as f:
    vec = pickle.load(f)
with open(folder / "clf.pickle", "rb") as f:
    clf = pickle.load(f)
texts = [translit(t, language_code="sr", reversed=True) for t in job["texts"]]
X = vec.transform(texts).toarray() if texts else None
out = [] if X is None else [[lab, bool(row.sum() == 0)] for lab, row in zip(clf.predict(X).tolist(), X)]
json.dump(out, sys.stdout)
"""


def peer_labels(python: str, model_dir: Path, texts: list[str]) -> list[tuple[str, bool]]:
    """The classifier's label for each text and whether the text held none of its words."""
    job = json.dumps({"dir": str(model_dir), "texts": texts})
    done = subprocess.run([python, "-c", PEER], input=job, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the classifier's interpreter failed:\n{done.stderr.strip()}")
    return [(PEER_LABELS[lab], empty) for lab, empty in json.loads(done.stdout)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir", type=Path, help="folder with vec.pickle and clf.pickle")
    ap.add_argument("lid_dir", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared/data/lid"))
    ap.add_argument("--peer-python", required=True, help="interpreter with scikit-learn and transliterate")
    ap.add_argument("--half", choices=("even", "odd"))
    ap.add_argument("--paragraphs", action="store_true")
    args = ap.parse_args()
    for name in ("vec.pickle", "clf.pickle"):
        if not (args.model_dir / name).is_file():
            sys.exit(f"{args.model_dir / name}: not found")

    items = load_items(args.lid_dir, paragraphs=args.paragraphs, half=args.half)
    golds = [it.gold for it in items]
    stage, _ = run_stage(items)
    asked = [i for i, p in enumerate(stage) if p in HBS_LATIN]
    answers = peer_labels(args.peer_python, args.model_dir, [items[i].text for i in asked])

    def show(name: str, preds: list[str]) -> None:
        s = score(golds, preds)
        per = s["per_language"]
        f1 = "  ".join(f"{lab} {per[lab]['f1']:.3f}" for lab in ("hr", "bs", "sl") if lab in per)
        print(f"{name:<42} {f1}  macro-F1 (24) {s['macro_f1_official']:.4f}")

    print(f"{len(items)} items; the classifier saw {len(asked)}, {sum(e for _, e in answers)} with none of its words")
    show("stage", stage)
    for variant, only_known in (
        ("stage, classifier on every hbs item", False),
        ("stage, classifier where it knows a word", True),
    ):
        preds = list(stage)
        for i, (label, empty) in zip(asked, answers, strict=True):
            if not (only_known and empty):
                preds[i] = label
        show(variant, preds)


if __name__ == "__main__":
    main()
