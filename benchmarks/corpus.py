"""Deterministic multilingual JSONL corpus for the end-to-end benchmark (``make bench``).

Documents are 1-2 KB (UTF-8 bytes) of real sentences in the 24 official EU languages, joined
with a seeded RNG, so the same ``(size, seed)`` always gives byte-identical files. Planted on
purpose, in fixed shares of the documents:

* ``exact`` (~5%): a byte-identical copy of a recent document (another id);
* ``near`` (~5%): a copy of a recent document with 2 words replaced (estimated 5-gram Jaccard
  about 0.9, above the 0.8 threshold both tools use);
* ``lowq`` (~5%): boilerplate: a navigation menu, one line repeated, or a cookie/legal banner;
* ``pii`` (~2%): an ordinary document with an e-mail address and a phone number inserted.

Every record is ``{"id", "text", "planted"}`` (``planted`` is the label above or ``""``) so a
benchmark can check what each tool removed. Duplicates copy one of the last 2,000 documents, so
generation streams (constant memory at 1M documents); documents go to the files round-robin, so a
duplicate and its original are usually in different files, as they would be in a crawl.

Text source: ``../shared/data/lid/<lang>.txt`` (``<lang>\\t<source>\\t<text>`` per line) next to
the project. When that folder is absent the generator falls back to the demo texts in
``pipelines/demo/`` split into sentences and shuffled, fewer languages, and says so. Nothing of
the shared data is copied into the repository: the corpus goes to a work directory.

Usage: ``python benchmarks/corpus.py --size 10000 [--workdir /tmp/altedic-bench] [--seed 7]``
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_LID = ROOT.parent / "shared" / "data" / "lid"
DEMO = ROOT / "pipelines" / "demo"

#: The 24 official EU languages (ISO 639-1).
EU24: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip

GENERATOR_VERSION = 1  # bump when the output of a given (size, seed) changes
SHARE_EXACT = 0.05
SHARE_NEAR = 0.05
SHARE_LOWQ = 0.05
SHARE_PII = 0.02
RECENT = 2000  # duplicates copy one of the last RECENT documents
MIN_BYTES, MAX_BYTES = 1024, 2048


@dataclass
class CorpusInfo:
    """What was generated (written next to the files as ``corpus.json``)."""

    size: int
    seed: int
    files: list[str]
    bytes: int
    text_source: str
    languages: list[str]
    planted: dict[str, int]
    version: int = GENERATOR_VERSION


def _split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?;:])\s+", text)
    return [p.strip() for p in parts if len(p.strip()) >= 20]


def load_sentences() -> tuple[dict[str, list[str]], str]:
    """Sentences per language and a description of where they came from.

    Shared data: every text of the 24 languages, duplicates removed, order kept (deterministic).
    Fallback: the demo texts (JSONL, CSV, legal text files) split into sentences.
    """
    if SHARED_LID.is_dir():
        out: dict[str, list[str]] = {}
        for lang in EU24:
            path = SHARED_LID / f"{lang}.txt"
            if not path.is_file():
                continue
            seen: dict[str, None] = {}
            for line in path.read_text("utf-8").splitlines():
                parts = line.split("\t", 2)
                if len(parts) == 3 and len(parts[2].strip()) >= 20:
                    seen.setdefault(parts[2].strip(), None)
            if seen:
                out[lang] = list(seen)
        return out, f"{SHARED_LID} (labelled sentences, {len(out)} languages)"
    found: dict[str, dict[str, None]] = {}
    for line in (DEMO / "web-news.jsonl").read_text("utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue  # the demo plants a truncated line on purpose
        if isinstance(rec, dict) and rec.get("lang") in EU24 and isinstance(rec.get("text"), str):
            for s in _split_sentences(rec["text"]):
                found.setdefault(rec["lang"], {}).setdefault(s, None)
    with open(DEMO / "portal-export.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lang = (row.get("language") or "").strip()
            if lang in EU24 and row.get("body"):
                for s in _split_sentences(row["body"]):
                    found.setdefault(lang, {}).setdefault(s, None)
    for path in sorted((DEMO / "legal").glob("*.txt")):
        lang = path.stem.rsplit("-", 1)[-1]
        if lang in EU24:
            for s in _split_sentences(path.read_text("utf-8")):
                found.setdefault(lang, {}).setdefault(s, None)
    return (
        {k: list(v) for k, v in sorted(found.items())},
        f"FALLBACK: {DEMO} demo texts ({len(found)} languages; ../shared/data/lid absent)",
    )


_MENU = ("Home", "News", "About", "Contact", "Login", "Search", "Sitemap", "FAQ", "Privacy", "Cookies", "Shop", "Help")
_BANNER = (
    "This website uses cookies to improve your experience. Accept all | Reject all | Settings",
    "Copyright 2026. All rights reserved. Terms of use | Privacy policy | Cookie policy",
    "Subscribe to our newsletter | Follow us | Share | Print | Back to top",
)


class _Generator:
    def __init__(self, sentences: dict[str, list[str]], seed: int) -> None:
        self.sentences = sentences
        self.langs = sorted(sentences)
        self.rng = random.Random(seed)
        self.recent: deque[str] = deque(maxlen=RECENT)

    def _ordinary(self, lang: str) -> str:
        rng, pool = self.rng, self.sentences[lang]
        target = rng.randint(MIN_BYTES + 64, MAX_BYTES - 128)
        paras: list[str] = []
        size = 0
        while size < target:
            para = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 4)))
            b = len(para.encode("utf-8")) + 1
            if size >= MIN_BYTES and size + b > MAX_BYTES:
                break
            paras.append(para)
            size += b
        text = "\n".join(paras)
        # A very long sentence can overshoot: cut at a word boundary under MAX_BYTES.
        while len(text.encode("utf-8")) > MAX_BYTES:
            text = text[: text.rfind(" ", 0, len(text) - 1)]
        return text

    def _lowq(self, lang: str) -> str:
        rng = self.rng
        kind = rng.randrange(3)
        if kind == 0:  # navigation menu lines
            lines = [" | ".join(rng.sample(_MENU, rng.randint(4, 8))) for _ in range(rng.randint(25, 40))]
        elif kind == 1:  # one sentence repeated
            line = rng.choice(self.sentences[lang])
            lines = [line] * max(8, MIN_BYTES // (len(line.encode("utf-8")) + 1) + 1)
        else:  # banners and a few real sentences
            lines = [rng.choice(_BANNER) for _ in range(rng.randint(8, 14))]
            lines += [rng.choice(self.sentences[lang]) for _ in range(2)]
            rng.shuffle(lines)
        text = "\n".join(lines)
        while len(text.encode("utf-8")) > MAX_BYTES:
            text = text[: text.rfind("\n")]
        return text

    def _near(self, text: str) -> str:
        words = text.split(" ")
        for _ in range(2):
            i = self.rng.randrange(len(words))
            words[i] = self.rng.choice(("alpha", "omega", "delta", "sigma", "kappa")) + str(self.rng.randrange(100))
        return " ".join(words)

    def _pii(self, text: str, n: int) -> str:
        lines = text.split("\n")
        contact = f"Kontakt / contact: info.{n}@example-{n % 97}.eu, +356 2122 {n % 10000:04d}"
        lines.insert(self.rng.randrange(len(lines) + 1), contact)
        return "\n".join(lines)

    def documents(self, size: int) -> Iterator[tuple[str, str]]:
        """Yield ``(text, planted)`` for ``size`` documents."""
        rng = self.rng
        for n in range(size):
            lang = self.langs[rng.randrange(len(self.langs))]
            r = rng.random()
            planted = ""
            if r < SHARE_EXACT and self.recent:
                text, planted = self.recent[rng.randrange(len(self.recent))], "exact"
            elif r < SHARE_EXACT + SHARE_NEAR and self.recent:
                text, planted = self._near(self.recent[rng.randrange(len(self.recent))]), "near"
            elif r < SHARE_EXACT + SHARE_NEAR + SHARE_LOWQ:
                text, planted = self._lowq(lang), "lowq"
            elif r < SHARE_EXACT + SHARE_NEAR + SHARE_LOWQ + SHARE_PII:
                text, planted = self._pii(self._ordinary(lang), n), "pii"
                self.recent.append(text)
            else:
                text = self._ordinary(lang)
                self.recent.append(text)
            yield text, planted


def docs_per_file(size: int) -> int:
    """At most 10,000 documents per file and at least 8 files, so 2 workers always have work
    to share at file granularity (both tools split work by file)."""
    return max(1, min(10_000, -(-size // 8)))


def generate(size: int, workdir: Path, seed: int = 7, force: bool = False) -> tuple[Path, CorpusInfo]:
    """Write ``workdir/corpus-<size>-s<seed>/part-NNNNN.jsonl`` and ``corpus.json``; reuse them
    when ``corpus.json`` says they were made by the same generator version."""
    folder = workdir / f"corpus-{size}-s{seed}"
    meta = folder / "corpus.json"
    if meta.is_file() and not force:
        info = CorpusInfo(**json.loads(meta.read_text("utf-8")))
        if info.version == GENERATOR_VERSION and all((folder / f).is_file() for f in info.files):
            return folder, info
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.jsonl"):
        old.unlink()
    sentences, described = load_sentences()
    nfiles = -(-size // docs_per_file(size))
    names = [f"part-{i:05d}.jsonl" for i in range(nfiles)]
    handles = [open(folder / name, "w", encoding="utf-8") for name in names]  # noqa: SIM115 (closed below)
    planted: dict[str, int] = {"exact": 0, "near": 0, "lowq": 0, "pii": 0, "": 0}
    total = 0
    try:
        for n, (text, kind) in enumerate(_Generator(sentences, seed).documents(size)):
            line = json.dumps({"id": f"d{n:08d}", "text": text, "planted": kind}, ensure_ascii=False) + "\n"
            handles[n % nfiles].write(line)
            planted[kind] += 1
            total += len(line.encode("utf-8"))
    finally:
        for h in handles:
            h.close()
    planted["ordinary"] = planted.pop("")
    info = CorpusInfo(size, seed, names, total, described, sorted(sentences), planted)
    meta.write_text(json.dumps(asdict(info), indent=1) + "\n", "utf-8")
    return folder, info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=10_000, help="documents (default 10000)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/altedic-bench"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--force", action="store_true", help="regenerate even when a corpus is there")
    args = ap.parse_args()
    folder, info = generate(args.size, args.workdir, args.seed, args.force)
    print(f"{folder}: {info.size:,} documents, {info.bytes / 1e6:.1f} MB in {len(info.files)} files")
    print(f"text source: {info.text_source}")
    print(f"planted: {info.planted}")
    if info.text_source.startswith("FALLBACK"):
        print("note: fallback texts are few; duplicates between ordinary documents are more likely", file=sys.stderr)


if __name__ == "__main__":
    main()
