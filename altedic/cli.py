"""The ``altedic`` command line: run | validate | inspect | summary | sources | eval | mix.

User mistakes (missing file, bad recipe, finished output in the way) print a readable message
and exit with status 2; ``--debug`` shows the traceback. Anything else is a bug and shows one.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from collections.abc import Sequence

import altedic
from altedic.errors import AltedicError

#: Subcommand modules; each exposes ``register(subparsers)`` and sets ``func`` on its parser.
COMMANDS = ("run", "validate", "inspect", "summary", "sources", "eval", "mix")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="altedic",
        description="altedic: build training corpora for European language models from EU and data-space sources.",
    )
    parser.add_argument("--version", action="version", version=f"altedic {altedic.__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"altedic.commands.{name}")
        module.register(sub)
    return parser


class _QuietBeamImports(logging.Filter):
    """Drop Beam's import-time notice about optional GCP client libraries we do not use."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "apitools not found" not in record.getMessage()


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_QuietBeamImports())
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Everything after a bare "--" is handed to Beam unchanged (altedic run R -- --runner=...).
    beam_args: list[str] = []
    if "--" in args_list:
        i = args_list.index("--")
        args_list, beam_args = args_list[:i], args_list[i + 1 :]
    parser = build_parser()
    args = parser.parse_args(args_list)
    args.beam_args = beam_args
    from altedic import fsutil

    # every command that opens a URI (run, validate, inspect, mix, summary) with these options
    fsutil.configure(beam_args)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except AltedicError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"altedic: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("altedic: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
