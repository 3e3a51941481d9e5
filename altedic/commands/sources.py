"""``altedic sources validate FILE``: check a contributed source manifest and show what would happen.

Validates the manifest against ``schemas/source-manifest.v1.json`` (every problem names the
field and the fix), resolves the licence through the policy, reads a sample with the source's
reader, runs the language / quality / PII stages on it with default settings (or only the
declared language when those stages are unavailable) and prints: documents found, detected
languages, how many would be kept and why the others would not.

Exit status: 0 valid and allowed; 1 valid but refused by the licence policy (nothing of it would
be read into a corpus); 2 invalid manifest or unreadable file.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from typing import Any

from altedic.errors import ConfigError, InputError
from altedic.records import Document, ReadError
from altedic.sources import SourceSpec

DEFAULT_SAMPLE = 200


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sources",
        help="work with contributed source manifests (validate)",
        description="Tools for contributed sources. `altedic sources validate FILE` checks a source manifest.",
    )
    ssub = p.add_subparsers(dest="sources_command", metavar="SUBCOMMAND")
    v = ssub.add_parser(
        "validate",
        help="validate a source manifest, decide its licence and read a sample",
        description=(
            "Check FILE (YAML or JSON) against schemas/source-manifest.v1.json, resolve its licence through the "
            "licence policy, read a sample with its reader and print what would happen."
        ),
    )
    v.add_argument("file", help="the source manifest (YAML or JSON)")
    v.add_argument(
        "--sample", type=int, default=DEFAULT_SAMPLE, help=f"documents to read (default {DEFAULT_SAMPLE}; 0 = none)"
    )
    v.add_argument("--no-stages", action="store_true", help="do not run the language/quality/PII stages on the sample")
    v.set_defaults(func=_validate)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _read_sample(
    spec: SourceSpec, licence_id: str | None, limit: int, files: list[str]
) -> tuple[list[Document], list[ReadError], int]:
    """Up to ``limit`` documents of ``spec`` from ``files`` (its listing, sorted), the read errors,
    and the file count."""
    from altedic.readers import get_reader
    from altedic.readers.base import ReadContext
    from altedic.sources.files import relative

    reader = get_reader(spec.format)
    info = spec.info(licence_id=licence_id)
    docs: list[Document] = []
    errors: list[ReadError] = []
    for path in files:
        if len(docs) >= limit:
            break
        ctx = ReadContext(source=info, uri=path, rel=relative(path, spec.root))
        try:
            for item in reader(ctx):
                if isinstance(item, ReadError):
                    errors.append(item)
                else:
                    docs.append(item)
                    if len(docs) >= limit:
                        break
        except InputError as exc:
            errors.append(ReadError(source=spec.name, uri=path, position=exc.position, message=exc.message))
    return docs, errors, len(files)


def _run_stages(docs: list[Document]) -> tuple[list[Document], str]:
    """Run the stage chain with default settings; returns the processed docs and how languages were found."""
    try:
        from altedic.stages import StageChain, StageConfig

        chain = StageChain(StageConfig(normalise={}, langid={}, quality={}, pii={}))
        chain.setup()
    except ImportError as exc:
        for d in docs:
            d.lang = d.declared_lang
        return docs, f"declared (the language stage is not available: {exc})"
    return chain.process_batch(docs), "detected by the language stage (default settings)"


def _print_counts(title: str, counts: Counter[str]) -> None:
    shown = ", ".join(f"{k} {n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    print(f"  {title}: {shown or 'none'}")


def _validate(args: argparse.Namespace) -> int:
    from altedic.licence.policy import decide
    from altedic.sources.files import list_source
    from altedic.sources.manifest import manifest_to_spec, read_manifest_file, validate_manifest

    path = args.file
    data = read_manifest_file(path)
    problems = validate_manifest(data, os.path.dirname(os.path.abspath(path)))
    if problems:
        print(f"{path}: INVALID source manifest ({len(problems)} problem{'s' if len(problems) > 1 else ''})")
        for p in problems:
            print(f"  - {p}")
        return 2
    spec = manifest_to_spec(data, path)
    print(f"{path}: valid source manifest '{spec.name}'")
    print(
        f"  format {spec.format}; languages {spec.metadata.get('languages')}; personal data: {spec.metadata.get('personal_data')}"
    )

    specs = [spec]
    if spec.format == "dcat":
        from altedic.sources.dcat import expand_catalogue

        specs, warnings = expand_catalogue(spec)
        print(f"  catalogue: {len(specs)} readable distribution(s), {len(warnings)} warning(s)")
        for w in warnings:
            print(f"    warning: {w}")

    any_allowed = False
    remaining = max(0, args.sample)
    for s in specs:
        prefix = f"  [{s.name}] " if len(specs) > 1 or s is not spec else "  "
        try:
            # the files a run would read (altedic.sources.files): checked, decided and sampled
            files = list_source(s).files
        except ConfigError as exc:
            print(f"{prefix}cannot list the files: {exc}")
            return 2
        decision = decide(s, files=files)
        if decision.allowed:
            any_allowed = True
            print(f"{prefix}licence: {decision.licence_id} ALLOWED ({decision.detail}; evidence: {decision.evidence})")
        else:
            print(f"{prefix}licence: REFUSED {decision.reason}: {decision.detail} (evidence: {decision.evidence})")
        if remaining <= 0:
            continue
        try:
            docs, errors, nfiles = _read_sample(s, decision.licence_id, remaining, files)
        except ConfigError as exc:
            print(f"{prefix}cannot read a sample: {exc}")
            return 2
        remaining -= len(docs)
        print(f"{prefix}sample: {len(docs)} document(s) from {nfiles} file(s); {len(errors)} unreadable part(s)")
        for e in errors[:5]:
            print(f"    unreadable: {e.uri} {e.position}: {e.message}")
        if not docs:
            continue
        if args.no_stages:
            for d in docs:
                d.lang = d.declared_lang
            processed, how = docs, "declared (--no-stages)"
        else:
            processed, how = _run_stages(docs)
        langs = Counter(d.lang or "unknown" for d in processed)
        _print_counts(f"languages, {how}", langs)
        if not decision.allowed:
            print(f"  would be kept: 0 of {len(processed)} (the licence policy refuses the source: {decision.reason})")
            continue
        kept = [d for d in processed if not d.rejected]
        print(f"  would be kept: {len(kept)} of {len(processed)}")
        _print_counts("rejected by reason", Counter(d.reason or "" for d in processed if d.rejected))
    return 0 if any_allowed else 1


__all__ = ["register"]
