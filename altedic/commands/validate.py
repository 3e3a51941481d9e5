"""``altedic validate RECIPE``: check a recipe as ``altedic run`` does before any work; no document is read.

Checked, in the run's order: the schema and the sources (formats, options, languages, included
manifests), the licence policy section, the sources' files (every path or glob must match a
file, listed as the run lists them: :mod:`altedic.sources.files`; catalogues are expanded and
every licence decided, which reads only catalogues and small rights files), then the stage
settings. The first problem is reported as the run reports it (exit status 2).
"""

from __future__ import annotations

import argparse
from typing import Any

from altedic.recipe import load_recipe


def register(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="check a recipe (schema, formats, paths) without running it",
        description=(
            "Validate RECIPE against schemas/recipe.v1.json, resolve its sources, match their paths, decide their "
            "licences and check the stage settings, as `altedic run` does before any work; no document is read. "
            "Prints what would be read."
        ),
    )
    p.add_argument("recipe", help="path of the recipe (pipelines/*.yaml)")
    p.add_argument("--files", action="store_true", help="also list the input files of every source")
    p.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    from altedic.run import check_stages, parallel_tasks, plan_names, plan_sources

    recipe = load_recipe(args.recipe)
    plan = plan_sources(recipe)
    notes = check_stages(recipe, [(i.name, i.profile) for i in plan.infos], plan_names(plan))
    parallel_tasks(recipe, plan)
    print(f"{args.recipe}: valid recipe '{recipe.name}' with {len(recipe.sources)} source(s); output {recipe.output}")
    for s in recipe.sources:
        print(f"  {s.name:<28} {s.format:<12} {s.language or '-':<6} {s.licence or '-'}")
    for note in notes:
        print(note)
    print("stage settings: valid")
    for w in plan.warnings:
        print(f"warning: {w}")
    print(f"{len(plan.tasks)} input file(s) in {len(plan.infos)} allowed source(s)")
    for r in plan.refused:
        print(f"  refused {r.name}: {r.reason} ({r.detail})")
    if args.files:
        for index, info in enumerate(plan.infos):
            uris = [t.uri for t in plan.tasks if t.source == index]
            print(f"  {info.name}: {len(uris)} file(s)")
            for uri in uris:
                print(f"    {uri}")
    return 0
