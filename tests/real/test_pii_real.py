"""The fast PII detectors agree exactly with the first implementation on real EU text.

Real text from ../shared/data: the 150 quality reference documents (DGT-TM in 23 languages,
JRC-Acquis, plagiarism-corpus answers), every 10th labelled sentence of the language-ID set
(40 languages) and the raw markup of the real EU documents in formats/ (Formex, EUR-Lex HTML,
Akoma Ntoso, Cellar notices, DCAT-AP, TMX...: CELEX numbers, ELIs, dates, URIs, e-mail addresses
and telephone numbers of contact points), cut into 2,000-character pieces. Both implementations
must return the same matches (position, end, type) for every piece; the counts are printed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pii_reference as ref
import pytest

from altedic.pii import detectors as fast

pytestmark = pytest.mark.real

MARKUP_SUFFIXES = {".xml", ".html", ".xhtml", ".txt", ".tab", ".tmx", ".ttl", ".jsonld", ".json", ".nt", ".rdf"}


def pieces(text: str, size: int = 2000) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def corpus(shared: Path) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in (shared / "quality" / "reference_docs.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        out += [(rec["lang"], p) for p in pieces(rec["text"])]
    for f in sorted((shared / "lid").glob("*.txt")):
        for i, line in enumerate(f.read_text("utf-8").splitlines()):
            if i % 10 == 0:
                lang, _, text = line.split("\t", 2)
                out.append((lang, text))
    budget = 3_000_000  # characters of markup in all: keeps the reference's run to seconds
    for f in sorted((shared / "formats").rglob("*")):
        if f.is_file() and f.suffix.lower() in MARKUP_SUFFIXES and budget > 0:
            raw = f.read_bytes()
            enc = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
            text = raw.decode(enc, errors="replace")[:200_000]
            budget -= len(text)
            out += [("en", p) for p in pieces(text)]
    return out


def test_same_matches_as_reference_on_real_text(shared_data: Path) -> None:
    items = corpus(shared_data)
    assert len(items) > 5000
    counts: Counter[str] = Counter()
    for lang, text in items:
        regions = fast.LANG_REGIONS.get(lang, ())
        got = [(m.start, m.end, m.type) for m in fast.find_all(text, regions=regions)]
        want = [(m.start, m.end, m.type) for m in ref.find_all(text, regions=regions)]
        assert got == want, (lang, text)
        counts.update(t for _, _, t in got)
    print(f"\n{len(items)} real pieces; identical matches; found {dict(sorted(counts.items()))}")
    # the real markup holds contact points: the comparison covers actual matches, not only misses
    assert counts["email"] > 0
