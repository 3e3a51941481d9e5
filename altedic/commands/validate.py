"""``altedic validate RECIPE``: check a recipe against its schema; no work is done."""

from __future__ import annotations

import argparse
from typing import Any

from altedic.recipe import load_recipe


def register(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="check a recipe (schema, formats, paths) without running it",
        description="Validate RECIPE against schemas/recipe.v1.json and resolve its sources. Prints what would be read.",
    )
    p.add_argument("recipe", help="path of the recipe (pipelines/*.yaml)")
    p.add_argument(
        "--files", action="store_true", help="also list the input files and decide licences (no document is read)"
    )
    p.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    recipe = load_recipe(args.recipe)
    print(f"{args.recipe}: valid recipe '{recipe.name}' with {len(recipe.sources)} source(s); output {recipe.output}")
    for s in recipe.sources:
        print(f"  {s.name:<28} {s.format:<12} {s.language or '-':<6} {s.licence or '-'}")
    from altedic.run import check_stages

    for note in check_stages(recipe):
        print(note)
    print("stage settings: valid")
    if args.files:
        from altedic.run import plan_sources

        plan = plan_sources(recipe)
        print(f"{len(plan.tasks)} input file(s) in {len(plan.infos)} allowed source(s)")
        for r in plan.refused:
            print(f"  refused {r.name}: {r.reason} ({r.detail})")
    return 0
