"""Evaluation of language identification on a labelled folder (``altedic eval lid DIR``).

A labelled folder holds ``*.txt`` files of ``<lang>\\t<source>\\t<text>`` lines (as
../shared/data/lid). :func:`load_items` reads them (optionally joined into paragraph-sized
items), :func:`run_stage` runs the whole language stage (model + policy + decide) or the bare
model, and :func:`score` computes per-language precision, recall and F1, macro-F1 over the 24
official EU languages and over all gold labels, and the top confusions.

A prediction counts as correct when its language part equals the gold label's (gold ``sr``,
prediction ``sr-Cyrl``) unless the gold label itself carries a script. A rejected document
(low confidence, unknown...) is predicted ``unknown``: it costs recall, never precision.
"""

from __future__ import annotations

import io
import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from altedic.errors import InputError
from altedic.langid.codes import EU_OFFICIAL, base_lang, with_script
from altedic.langid.model import code_of
from altedic.records import Document, doc_id

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Item:
    gold: str
    source: str
    text: str


def load_items(
    folder: str | Path, paragraphs: bool = False, seed: int = 5, per_lang: int | None = None, half: str | None = None
) -> list[Item]:
    """Read every ``*.txt`` of ``folder`` (sorted). With ``paragraphs``, consecutive lines of one
    language and one source are joined (with a space) into items of 3, 4 or 5 sentences (sizes
    drawn with ``random.Random(seed)``: deterministic). ``per_lang`` keeps the first N items of
    each language (after joining). ``half``: ``even`` or ``odd`` keeps only the lines with an
    even or odd line number (1-based) in their file, before joining: tune the policy on one half,
    report on the other (docs/langid.md). A text may hold line breaks written as the two
    characters ``\\n`` (a document of several paragraphs, as
    benchmarks/make_openworld_udhr.py writes them); ../shared/data/lid has none. A UTF-8
    byte-order mark at the start of a file is skipped. A gold label is read as the model's labels
    are (:func:`altedic.langid.model.code_of`: a code the table lacks but ISO 639-like, ``zza``,
    is kept as written, as the stage keeps GlotLID's ``zza_Latn``)."""
    if half not in (None, "even", "odd"):
        raise InputError(f"half is {half!r}; allowed: even, odd", uri=str(folder))
    parity = None if half is None else (0 if half == "even" else 1)
    root = Path(folder)
    if not root.is_dir():
        raise InputError("no such folder" if not root.exists() else "not a folder", uri=str(root))
    files = sorted(root.glob("*.txt"))
    if not files:
        raise InputError("no *.txt files (lines '<lang>\\t<source>\\t<text>') in this folder", uri=str(root))
    rng = random.Random(seed)
    items: list[Item] = []
    for f in files:
        rows: list[Item] = []
        data = f.read_bytes()
        try:
            content = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line_start = data.rfind(b"\n", 0, exc.start) + 1
            line_no = data.count(b"\n", 0, exc.start) + 1
            raise InputError(
                f"not valid UTF-8 at byte {exc.start - line_start} of the line: {exc.reason}",
                uri=str(f),
                position=f"line {line_no}",
            ) from None
        if content.startswith("\ufeff"):
            content = content[1:]  # a byte-order mark (a file saved as "UTF-8 with BOM")
        # universal newlines (\n, \r\n or \r), as a file opened in text mode reads them
        with io.StringIO(content, newline=None) as fh:
            for n, line in enumerate(fh, 1):
                line = line.rstrip("\n")
                if not line.strip() or (parity is not None and n % 2 != parity):
                    continue
                parts = line.split("\t", 2)
                if len(parts) != 3:
                    raise InputError("expected '<lang>\\t<source>\\t<text>'", uri=str(f), position=f"line {n}")
                gold = code_of(parts[0].strip())
                if gold is None:
                    raise InputError(f"unknown language label {parts[0]!r}", uri=str(f), position=f"line {n}")
                text = parts[2].strip()
                if not text:
                    raise InputError("the text is empty", uri=str(f), position=f"line {n}")
                if "\\n" in text:
                    text = text.replace("\\n", "\n")  # an escaped line break: a multi-paragraph item
                rows.append(Item(gold, parts[1], text))
        if paragraphs:
            joined: list[Item] = []
            i = 0
            while i < len(rows):
                size = rng.choice((3, 4, 5))
                group = [rows[i]]
                j = i + 1
                while (
                    j < len(rows)
                    and len(group) < size
                    and rows[j].source == rows[i].source
                    and rows[j].gold == rows[i].gold
                ):
                    group.append(rows[j])
                    j += 1
                joined.append(Item(rows[i].gold, rows[i].source, " ".join(r.text for r in group)))
                i = j
            rows = joined
        if per_lang is not None:
            rows = rows[:per_lang]
        items.extend(rows)
    return items


def _same(gold: str, pred: str, unknowable: frozenset[str] = frozenset()) -> bool:
    if pred == UNKNOWN:
        return base_lang(gold) in unknowable
    return pred == gold if "-" in gold else base_lang(pred) == gold


def _in_script_of(gold: str, pred: str, labels: frozenset[str]) -> str:
    """A prediction that names no script (the bare model's ``sr``), scored against a gold label
    with one (``sr-Latn``), read as written in the gold text's script where that makes a label of
    the set (``sr`` -> ``sr-Latn``; ``sr`` for ``bs-Cyrl`` text -> ``sr-Cyrl``, a false positive
    of Serbian Cyrillic), so that it is right by its language and wrong against the same labels
    as a prediction with the script. Until the nineteenth session it was always wrong, which
    lowered the bare model's figures over all labels."""
    if pred == UNKNOWN or "-" in pred or "-" not in gold:
        return pred
    scripted = f"{pred}-{gold.split('-', 1)[1]}"
    return scripted if scripted in labels or pred == base_lang(gold) else pred


def _label_of(pred: str, labels: frozenset[str]) -> str:
    """The label of the gold set that a wrong prediction is a false positive of: the prediction
    itself where it is one, else its language where that is one (``bs-Latn`` for a set labelled
    ``bs``), else the prediction as written (a language outside the set). Until the twenty-third
    session a prediction with a script (``bs-Latn``, ``sr-Latn``) was charged as written whenever
    the gold label had a script, and by its language without a script otherwise: Serbian Latin
    news called ``bs-Latn`` was charged to no label of a set labelled ``bs``, Croatian called
    ``sr-Latn`` to none of a set labelled ``sr-Latn``, which overstated the precision of
    Bosnian and Serbian Latin (the DSL and Universal Dependencies checks, docs/langid.md)."""
    if pred == UNKNOWN or pred in labels:
        return pred
    base = base_lang(pred)
    return base if base in labels else pred


def run_stage(
    items: Sequence[Item], config: dict[str, Any] | None = None, filters_dir: str | None = None, batch: int = 512
) -> tuple[list[str], float]:
    """Predictions of the whole language stage (annotate + decide) and its speed (items/s)."""
    from altedic.langid.stage import LanguageStage

    stage = LanguageStage(config or {}, filters_dir)
    stage.setup()
    docs = [
        Document(id=doc_id("eval", str(i), it.text), text=it.text, source="eval", uri="eval")
        for i, it in enumerate(items)
    ]
    preds: list[str] = []
    t0 = time.perf_counter()
    for start in range(0, len(docs), batch):
        out = stage.annotate(docs[start : start + batch])
        for d in out:
            stage.decide(d)
            preds.append(UNKNOWN if d.rejected or d.lang is None else d.lang)
    dt = time.perf_counter() - t0
    return preds, len(docs) / dt if dt > 0 else 0.0


def run_bare(
    items: Sequence[Item], model: str | None = None, labels: dict[str, Any] | None = None
) -> tuple[list[str], float]:
    """Predictions of the bare model (top-1 label through the label mapping ``labels``, as the
    stage reads it; no policy, no threshold) and items/s.

    A language written in several scripts (``sr``, ``bs``...) is written with the script of the
    text, as the stage writes it (:func:`~altedic.langid.codes.with_script`: ``sr`` for Latin
    text is ``sr-Latn``), so that the two are scored against the same labels (and a Macedonian
    text the model calls ``sr`` is no false positive of Serbian Latin). Items/s: the model's
    predictions only."""
    from altedic.langid.model import LidModel
    from altedic.langid.policy import dominant_scripts

    m = LidModel(model, labels)
    m.load()
    texts = [it.text for it in items]
    t0 = time.perf_counter()
    found = [(p[0][0] or UNKNOWN) if p else UNKNOWN for p in m.predict(texts, k=1)]
    dt = time.perf_counter() - t0
    preds = [with_script(p, script) for p, script in zip(found, dominant_scripts(texts), strict=True)]
    return preds, len(items) / dt if dt > 0 else 0.0


def score(
    golds: Sequence[str], preds: Sequence[str], top: int = 15, unknowable: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Per-language P/R/F1 (0..1), macro-F1 over EU_OFFICIAL and over all gold labels, top confusions.

    ``unknowable``: languages the system cannot name (see :func:`open_world_unknowable`); for a
    gold label of one of them, ``unknown`` (a rejection) is the right answer and counts as
    correct, so that their F1 measures "not taken for a neighbour"."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    conf: Counter[tuple[str, str]] = Counter()
    gold_labels = frozenset(golds)
    for g, p in zip(golds, preds, strict=True):
        p = _in_script_of(g, p, gold_labels)
        if _same(g, p, unknowable):
            tp[g] += 1
            continue
        fn[g] += 1
        shown = _label_of(p, gold_labels)
        fp[shown] += 1
        conf[(g, shown)] += 1
    labels = sorted(set(golds))
    per: dict[str, dict[str, float]] = {}
    for lab in labels:
        p_ = tp[lab] / (tp[lab] + fp[lab]) if tp[lab] + fp[lab] else 0.0
        r_ = tp[lab] / (tp[lab] + fn[lab]) if tp[lab] + fn[lab] else 0.0
        f_ = 2 * p_ * r_ / (p_ + r_) if p_ + r_ else 0.0
        per[lab] = {"precision": p_, "recall": r_, "f1": f_, "support": tp[lab] + fn[lab]}
    official = [lab for lab in EU_OFFICIAL if lab in per]
    return {
        "items": len(golds),
        "accuracy": sum(tp.values()) / len(golds) if golds else 0.0,
        "macro_f1_official": sum(per[lab]["f1"] for lab in official) / len(official) if official else 0.0,
        "official_present": len(official),
        "macro_f1_all": sum(v["f1"] for v in per.values()) / len(per) if per else 0.0,
        "per_language": per,
        "false_positives_outside_gold": {k: v for k, v in fp.items() if k not in per},
        "unknown": sum(1 for p in preds if p == UNKNOWN),
        "confusions": [{"gold": g, "predicted": p, "count": n} for (g, p), n in conf.most_common(top)],
    }


def open_world_unknowable(
    golds: Iterable[str], model: str | None = None, labels: dict[str, Any] | None = None
) -> frozenset[str]:
    """The gold languages (no script) that the model cannot output (their names are not among
    its labels): in an open-world evaluation the stage should call them unknown."""
    from altedic.langid.model import LidModel

    m = LidModel(model, labels)
    known = m.languages()
    return frozenset(b for b in (base_lang(g) for g in golds) if b not in known)


def group_f1(
    result: dict[str, Any], groups: Iterable[tuple[str, Sequence[str]] | tuple[str, Sequence[str], str | None]]
) -> dict[str, float]:
    """Mean F1 of the members of each group present in the gold labels: ``(name, members)`` or
    ``(name, members, script)``. A label with a script counts for its language (``sr-Latn`` for
    ``sr``) where the group has no script or the same one (``sr-Cyrl`` is no member of the
    Latin hbs group). Until the twenty-third session only labels equal to a member counted, so
    that a set labelled ``sr-Latn`` had hbs without Serbian."""
    out: dict[str, float] = {}
    for name, members, *rest in groups:
        script = rest[0] if rest else None
        present = [
            lab
            for lab in result["per_language"]
            if base_lang(lab) in members and ("-" not in lab or script in (None, lab.split("-", 1)[1]))
        ]
        if present:
            out[name] = sum(result["per_language"][lab]["f1"] for lab in present) / len(present)
    return out
