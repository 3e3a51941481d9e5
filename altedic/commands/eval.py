"""``altedic eval lid DIR``: measure language identification on a labelled folder.

Runs the whole language stage (model + policy + thresholds) on ``<lang>\\t<source>\\t<text>``
lines and prints per-language precision, recall and F1, macro-F1 over the 24 official EU
languages and over all labels, per confusable group, the top confusions and documents/s.
``--paragraphs`` joins 3-5 sentences of one language into paragraph-sized items; ``--bare``
measures the bare model (top-1 label, no policy) the same way; ``--json`` prints one JSON object;
``--open-world`` counts ``unknown`` as the right answer for gold languages the model has no label
for (a folder that mixes in languages the model does not know, benchmarks/make_openworld_udhr.py or
benchmarks/make_openworld_ud.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

from altedic import yamlload
from altedic.errors import ConfigError
from altedic.langid.codes import EU_OFFICIAL, language_name


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="evaluate a stage on labelled data (eval lid DIR)", description=__doc__)
    what = p.add_subparsers(dest="what", metavar="WHAT")
    lid = what.add_parser(
        "lid",
        help="language identification on a folder of '<lang>\\t<source>\\t<text>' files",
        description="Run the language stage on a labelled folder and print P/R/F1 per language.",
    )
    lid.add_argument("dir", help="folder of *.txt files with '<lang>\\t<source>\\t<text>' lines")
    lid.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    lid.add_argument("--paragraphs", action="store_true", help="join 3-5 sentences of one language per item")
    lid.add_argument("--bare", action="store_true", help="the bare model: top-1 label, no policy, no thresholds")
    lid.add_argument("--config", help="YAML file with a stages.langid section (or the section itself)")
    lid.add_argument("--filters-dir", help="directory overriding filters/")
    lid.add_argument("--per-lang", type=int, default=None, help="use only the first N items of each language")
    lid.add_argument("--seed", type=int, default=5, help="seed of the paragraph sizes (default 5)")
    lid.add_argument(
        "--half",
        choices=("even", "odd"),
        help="only the even or odd lines of each file (tune on one, report on the other)",
    )
    lid.add_argument(
        "--open-world",
        action="store_true",
        help="gold languages the model has no label for count as right when the stage calls them unknown",
    )
    lid.set_defaults(func=_main_lid)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _load_config(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        data = yamlload.safe_load(Path(path).read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=path) from exc
    if isinstance(data, dict) and isinstance(data.get("stages"), dict):
        data = data["stages"].get("langid") or {}
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping (a recipe or its stages.langid section)", file=path)
    return data


def _main_lid(args: argparse.Namespace) -> int:
    from altedic.langid.evaluate import group_f1, load_items, open_world_unknowable, run_bare, run_stage, score
    from altedic.langid.policy import GROUPS

    if args.per_lang is not None and args.per_lang < 1:
        # -1 dropped the last item of each language (a slice), 0 scored nothing as macro-F1 0
        raise ConfigError(f"must be 1 or more, not {args.per_lang}", key="--per-lang")
    if args.filters_dir is not None and not Path(args.filters_dir).is_dir():
        # was silently ignored: the shipped filters/ were used instead of the ones meant
        raise ConfigError(f"filters directory {args.filters_dir} does not exist", key="--filters-dir")
    config = _load_config(args.config)
    items = load_items(args.dir, paragraphs=args.paragraphs, seed=args.seed, per_lang=args.per_lang, half=args.half)
    if args.bare:
        preds, speed = run_bare(items, config.get("model"), config.get("labels"))
        system = "bare model"
    else:
        preds, speed = run_stage(items, config, args.filters_dir)
        system = "language stage"
    golds = [it.gold for it in items]
    unknowable: frozenset[str] = frozenset()
    if args.open_world:
        unknowable = open_world_unknowable(golds, config.get("model"), config.get("labels"))
    result = score(golds, preds, unknowable=unknowable)
    result["unknowable"] = sorted(unknowable)
    result["groups"] = group_f1(result, [(g.name, g.members, g.script) for g in GROUPS.values()])
    result["docs_per_s"] = speed
    result["system"] = system
    result["unit"] = "paragraphs" if args.paragraphs else "lines"
    if args.json:
        print(json.dumps(result, indent=1, sort_keys=True))
        return 0
    print(f"{system} on {args.dir}: {result['items']} {result['unit']}, {speed:,.0f} docs/s")
    print(f"{'lang':<8}{'name':<22}{'P':>7}{'R':>7}{'F1':>7}{'n':>7}")
    for lab, v in sorted(result["per_language"].items()):
        mark = "*" if lab in EU_OFFICIAL else " "
        print(
            f"{lab + mark:<8}{language_name(lab)[:21]:<22}{v['precision']:>7.3f}{v['recall']:>7.3f}{v['f1']:>7.3f}{v['support']:>7}"
        )
    print(f"macro-F1, {result['official_present']} official languages (*): {result['macro_f1_official']:.4f}")
    print(f"macro-F1, all {len(result['per_language'])} labels: {result['macro_f1_all']:.4f}")
    print(f"accuracy: {result['accuracy']:.4f}; unknown: {result['unknown']}")
    if unknowable:
        print(
            f"open world: 'unknown' counts as right for {', '.join(sorted(unknowable))} (not among the model's labels)"
        )
    print(
        "confusable groups (mean F1 of members present): "
        + ", ".join(f"{k} {v:.3f}" for k, v in result["groups"].items())
    )
    print("top confusions (gold -> predicted: count):")
    for c in result["confusions"]:
        print(f"  {c['gold']} -> {c['predicted']}: {c['count']}")
    return 0
