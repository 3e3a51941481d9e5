"""Benchmark: documents/second/core for quality scoring and PII on 1-2 KB documents.

Documents: the shared reference documents (../shared/data/quality/reference_docs.jsonl, 23 EU
languages + English) cut at line boundaries into 1-2 KB pieces. Printed side by side:

* altedic QualityStage (annotate + decide, the language's filters file, profile web)
* datatrove 0.10.1 GopherQuality + GopherRepetition + C4Quality + FineWebQuality with their
  defaults and the document's language (spaCy blank tokenizers), when installed
  (``pip install -e .[bench]`` plus ``pip install spacy regex``)
* altedic PIIStage (redact, all types) on the same documents (they hold no personal data), then on
  a copy where 1 document in 4 gets a line with an e-mail address, a national phone number of the
  language's country (libphonenumber's example number) and an IBAN; next to it the first
  implementation (tests/pii_reference.py, when run from a checkout) and datatrove's PIIFormatter
  (e-mail and IPv4 only: compared with altedic restricted to the same two types).

Single process, one core; wall-clock time of the loop only (setup excluded). Not a test.
Usage: ``.venv/bin/python benchmarks/bench_quality.py [--repeat N] [--only quality|pii]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from altedic.pii import PIIStage
from altedic.quality import QualityStage
from altedic.records import Document

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "quality" / "reference_docs.jsonl"


def load_docs() -> list[tuple[str, str]]:
    if not SHARED.is_file():
        sys.exit(f"needs {SHARED} (the shared reference documents)")
    out: list[tuple[str, str]] = []
    for line in SHARED.read_text("utf-8").splitlines():
        rec = json.loads(line)
        if rec["lang"] == "mt":
            continue  # datatrove cannot tokenize Maltese offline; keep the set identical for both
        buf: list[str] = []
        size = 0
        for ln in rec["text"].splitlines():
            buf.append(ln)
            size += len(ln.encode("utf-8")) + 1
            if size >= 1024:
                out.append((rec["lang"], "\n".join(buf)))
                buf, size = [], 0
        if size >= 512:
            out.append((rec["lang"], "\n".join(buf)))
    return [(lang, t) for lang, t in out if 1024 <= len(t.encode("utf-8")) <= 2048 or len(t) >= 512]


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>10,.0f} docs/s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=["quality", "pii"], help="run one half only")
    ap.add_argument("--profile", action="store_true", help="cProfile the PII stage (top functions by own time)")
    ap.add_argument("--profile-quality", action="store_true", help="quality: CPU time per step, then cProfile")
    args = ap.parse_args()
    docs = load_docs()
    mean_bytes = sum(len(t.encode("utf-8")) for _, t in docs) / len(docs)
    print(
        f"{len(docs)} documents x {args.repeat} repeats, mean {mean_bytes:.0f} bytes, {len({lg for lg, _ in docs})} languages"
    )
    if args.only != "pii":
        bench_quality(docs, args.repeat)
    if args.only != "quality":
        bench_pii(docs, args.repeat)
    if args.profile:
        profile_pii(docs, args.repeat)
    if args.profile_quality:
        profile_quality(docs, args.repeat)


def bench_quality(docs: list[tuple[str, str]], repeat: int) -> None:
    n = len(docs) * repeat
    q = QualityStage({})
    q.setup()
    for lang, t in docs:  # warm the per-language settings
        q.annotate(Document(id="w", text=t, source="b", uri="b", lang=lang, profile="web"))
    t0 = time.perf_counter()
    kept = 0
    for _ in range(repeat):
        for lang, t in docs:
            d = Document(id="x", text=t, source="b", uri="b", lang=lang, profile="web")
            q.annotate(d)
            q.decide(d)
            kept += d.reason is None
    tq = time.perf_counter() - t0
    print(f"altedic quality (all signals + decide)     {rate(n, tq)}   kept {kept // repeat}/{len(docs)}")
    compare_quality_implementations(docs, repeat, q)

    try:
        from datatrove.data import Document as DTDoc
        from datatrove.pipeline.filters import (
            C4QualityFilter,
            FineWebQualityFilter,
            GopherQualityFilter,
            GopherRepetitionFilter,
        )
    except ImportError as exc:
        print(f"datatrove filters                          (not installed: {exc}; pip install -e .[bench])")
    else:
        filters: dict[str, list[object]] = {}
        for lang, _ in docs:
            if lang not in filters:
                filters[lang] = [
                    GopherQualityFilter(language=lang),
                    GopherRepetitionFilter(language=lang),
                    C4QualityFilter(language=lang),
                    FineWebQualityFilter(language=lang),
                ]
        for lang, t in docs[:50]:  # warm spaCy tokenizers
            for f in filters[lang]:
                f.filter(DTDoc(text=t, id="w"))  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        for _ in range(repeat):
            for i, (lang, t) in enumerate(docs):
                # all four filters run on every document (no short-circuit), like altedic's signals;
                # a fresh text per call defeats datatrove's 5-entry lru_cache on tokenization
                text = t + " " * (i % 2)
                for f in filters[lang]:
                    f.filter(DTDoc(text=text, id="x"))  # type: ignore[attr-defined]
        td = time.perf_counter() - t0
        print(f"datatrove Gopher Q+R, C4, FineWeb filters  {rate(n, td)}   (altedic is {td / tq:.1f}x faster)")


def compare_quality_implementations(docs: list[tuple[str, str]], repeat: int, q: QualityStage) -> None:
    """annotate+decide, wall and CPU: the stage as installed, with the n-gram twin forced, and the
    first implementation (tests/quality_reference.py, when run from a checkout) with the same
    thresholds. All three give bit-identical signals (tests/unit/test_quality_equivalence.py)."""
    from altedic.quality import _ngrams_py, signals
    from altedic.quality.rules import first_failure

    n = len(docs) * repeat
    print(f"{'quality, annotate + decide':43s}{'wall clock':>20s} {'CPU time':>19s}")

    def run_stage() -> _Clock:
        with _Clock() as clock:
            for _ in range(repeat):
                for lang, t in docs:
                    d = Document(id="x", text=t, source="b", uri="b", lang=lang, profile="web")
                    q.annotate(d)
                    q.decide(d)
        return clock

    print(f"  altedic, n-grams {signals.NGRAMS_IMPLEMENTATION:9s}                {run_stage().rates(n)}")
    installed = signals.ngram_chars
    signals.ngram_chars = _ngrams_py.ngram_chars
    try:
        print(f"  altedic, n-grams pure (twin forced)      {run_stage().rates(n)}")
    finally:
        signals.ngram_chars = installed
    tests_dir = Path(__file__).resolve().parent.parent / "tests"
    if (tests_dir / "quality_reference.py").is_file():
        sys.path.insert(0, str(tests_dir))
        import quality_reference as ref

        cfgs = {}
        for lang, _ in docs:
            c = q._settings(lang).signal_config
            fields = [k for k in ref.SignalConfig.__dataclass_fields__ if not k.startswith("_")]
            cfgs[lang] = ref.SignalConfig(**{k: getattr(c, k) for k in fields})
        with _Clock() as clock:
            for _ in range(repeat):
                for lang, t in docs:
                    first_failure(ref.compute_signals(t, cfgs[lang]), q.thresholds_for(lang, "web")[0], q.rules)
        print(f"  first implementation (tests/quality_reference.py) {clock.rates(n)}")


def profile_quality(docs: list[tuple[str, str]], repeat: int) -> None:
    """CPU µs per document for each step of the quality signals (best of 5), then a cProfile of
    annotate+decide (it adds a cost per Python call, and does not see inside the compiled kernel)."""
    import cProfile
    import pstats

    from altedic.quality import _ngrams_py, signals

    q = QualityStage({})
    q.setup()
    cfgs = [q._settings(lang).signal_config for lang, _ in docs]
    texts = [t for _, t in docs]
    tokens = [signals.tokenize(t, c) for t, c in zip(texts, cfgs, strict=True)]
    steps: dict[str, Callable[[int], object]] = {
        "tokenize": lambda i: signals.tokenize(texts[i], cfgs[i]),
        f"n-grams ({signals.NGRAMS_IMPLEMENTATION})": lambda i: signals.ngram_chars(
            tokens[i], signals.TOP_NGRAMS, signals.DUP_NGRAMS
        ),
        "n-grams (pure twin)": lambda i: _ngrams_py.ngram_chars(tokens[i], signals.TOP_NGRAMS, signals.DUP_NGRAMS),
        "C4 line stats": lambda i: signals._c4_line_stats(texts[i].splitlines()),
        "compute_signals (all)": lambda i: signals.compute_signals(texts[i], cfgs[i]),
        "annotate + decide (stage)": lambda i: _annotate_decide(q, docs[i]),
    }
    print("\n--- quality: CPU µs per document by step (best of 5)")
    for name, step in steps.items():
        best = float("inf")
        for _ in range(5):
            t0 = time.process_time()
            for i in range(len(texts)):
                step(i)
            best = min(best, time.process_time() - t0)
        print(f"{name:42s} {best / len(texts) * 1e6:7.1f}")
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        for doc in docs:
            _annotate_decide(q, doc)
    prof.disable()
    print(f"\n--- cProfile, quality stage, {len(docs) * repeat} documents")
    pstats.Stats(prof).sort_stats("tottime").print_stats(12)


def _annotate_decide(q: QualityStage, doc: tuple[str, str]) -> None:
    d = Document(id="x", text=doc[1], source="b", uri="b", lang=doc[0], profile="web")
    q.annotate(d)
    q.decide(d)


def with_pii(docs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``docs`` with a contact line (e-mail, national phone number, IBAN) in every 4th document."""
    import phonenumbers

    from altedic.pii.detectors import LANG_REGIONS

    ibans = ["DE89 3704 0044 0532 0130 00", "MT84MALT011000012345MTLCAST001S", "IE29 AIBK 9311 5212 3456 78",
             "BG80BNBG96611020345678", "GB82WEST12345698765432"]  # fmt: skip
    out = []
    for i, (lang, t) in enumerate(docs):
        if i % 4 == 0:
            region = LANG_REGIONS.get(lang, ("IE",))[0]
            example = phonenumbers.example_number(region)
            assert example is not None, region
            phone = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            lines = t.split("\n")
            mid = len(lines) // 2
            line = f"Contact: info.{lang}@example.eu, tel. {phone}, IBAN {ibans[i % len(ibans)]}."
            t = "\n".join([*lines[:mid], line, *lines[mid:]])
        out.append((lang, t))
    return out


class _Clock:
    """Wall-clock and CPU time of a block: on a shared machine the CPU time (this process only)
    is the better measure of documents/s per core; both are printed."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def rates(self, n: int) -> str:
        return f"{n / self.wall:>8,.0f} docs/s wall {n / self.cpu:>8,.0f} docs/s CPU"


def bench_pii(docs: list[tuple[str, str]], repeat: int) -> None:
    n = len(docs) * repeat
    print(f"{'':43s}{'wall clock':>20s} {'CPU time':>19s}")

    def run_stage(stage: PIIStage, corpus: list[tuple[str, str]]) -> tuple[_Clock, dict[str, int]]:
        for lang, t in corpus[:50]:  # warm phonenumbers' lazily loaded region metadata
            stage.process(Document(id="w", text=t, source="b", uri="b", lang=lang))
        found: dict[str, int] = {}
        with _Clock() as clock:
            for _ in range(repeat):
                for lang, t in corpus:
                    d = Document(id="x", text=t, source="b", uri="b", lang=lang)
                    stage.process(d)
                    for k, v in d.pii.items():
                        found[k] = found.get(k, 0) + v
        return clock, {k: v // repeat for k, v in sorted(found.items())}

    seeded = with_pii(docs)
    p = PIIStage({"mode": "redact"})
    p.setup()
    clock, found = run_stage(p, docs)
    print(f"altedic PII (all 7 types, redact)          {clock.rates(n)}   matches {found}")
    clock, found = run_stage(p, seeded)
    print(f"  same, 1 doc in 4 with e-mail+phone+IBAN  {clock.rates(n)}   matches {found}")

    tests_dir = Path(__file__).resolve().parent.parent / "tests"
    if (tests_dir / "pii_reference.py").is_file():
        sys.path.insert(0, str(tests_dir))
        import pii_reference as ref

        from altedic.pii.detectors import LANG_REGIONS

        for label, corpus in (("no PII", docs), ("1 in 4 with PII", seeded)):
            with _Clock() as clock:
                for _ in range(repeat):
                    for lang, t in corpus:
                        ref.find_all(t, regions=LANG_REGIONS.get(lang, ()))
            print(f"  first implementation, {label:16s}   {clock.rates(n)}   (find_all only)")

    pe = PIIStage({"mode": "redact", "types": ["email", "ip"]})
    clock, found = run_stage(pe, seeded)
    print(f"altedic PII e-mail+IP only, 1 in 4 w/ PII  {clock.rates(n)}   matches {found}")
    try:
        from datatrove.pipeline.formatters import PIIFormatter
    except ImportError as exc:
        print(f"datatrove PIIFormatter (e-mail, IPv4)      (not installed: {exc}; pip install -e .[bench])")
    else:
        fmt = PIIFormatter()
        changed = 0
        with _Clock() as clock:
            for _ in range(repeat):
                for _lang, t in seeded:
                    changed += fmt.format(t) != t
        print(f"datatrove PIIFormatter (e-mail, IPv4)      {clock.rates(n)}   docs changed {changed // repeat}")


def step_table(label: str, corpus: list[tuple[str, str]]) -> None:
    """Per detection step, CPU µs per document (best of 5 passes; no profiler overhead)."""
    from altedic.pii import detectors as det

    runs = [det.digit_runs(t) for _, t in corpus]
    regions = [det.LANG_REGIONS.get(lang, ()) for lang, _ in corpus]
    texts = [t for _, t in corpus]
    steps: dict[str, Callable[[int], object]] = {
        "digit_runs (the one full scan)": lambda i: det.digit_runs(texts[i]),
        "email": lambda i: list(det.find_emails(texts[i])) if "@" in texts[i] else None,
        "iban": lambda i: list(det.find_ibans(texts[i], runs[i])),
        "card": lambda i: list(det.find_cards(texts[i], runs[i])),
        "tax_id (VAT)": lambda i: list(det.find_tax_ids(texts[i], runs[i])),
        "national_id": lambda i: list(det.find_national_ids(texts[i], runs[i])),
        "ip": lambda i: list(det.find_ips(texts[i], runs[i])),
        "phone": lambda i: list(det.find_phones(texts[i], regions[i], runs[i])),
        "find_all (all of the above + overlaps)": lambda i: det.find_all(texts[i], regions=regions[i]),
    }
    print(f"\n--- CPU µs per document by step, {label}")
    for name, step in steps.items():
        best = float("inf")
        for _ in range(5):
            t0 = time.process_time()
            for i in range(len(texts)):
                step(i)
            best = min(best, time.process_time() - t0)
        print(f"{name:42s} {best / len(texts) * 1e6:7.1f}")


def profile_pii(docs: list[tuple[str, str]], repeat: int) -> None:
    """Where the PII stage's time goes, on the plain documents then the PII-seeded ones (cProfile
    adds a cost per Python call, so small helpers look heavier than they are)."""
    import cProfile
    import pstats

    for label, corpus in (("reference documents", docs), ("1 doc in 4 with PII", with_pii(docs))):
        step_table(label, corpus)

    p = PIIStage({"mode": "redact"})
    p.setup()
    for label, corpus in (("reference documents", docs), ("1 doc in 4 with PII", with_pii(docs))):
        for lang, t in corpus:
            p.process(Document(id="w", text=t, source="b", uri="b", lang=lang))
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(repeat):
            for lang, t in corpus:
                p.process(Document(id="x", text=t, source="b", uri="b", lang=lang))
        prof.disable()
        print(f"\n--- cProfile, PII stage, {label}, {len(corpus) * repeat} documents")
        pstats.Stats(prof).sort_stats("tottime").print_stats(14)


if __name__ == "__main__":
    main()
