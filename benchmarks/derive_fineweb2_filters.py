"""Write filters/<code>.yaml for languages without one, from FineWeb-2's per-language configs.

FineWeb-2 (github.com/huggingface/fineweb-2, Apache-2.0) publishes, per language, the thresholds
its datatrove pipeline applies: ``configs/<iso639-3>_<Script>.yml``. altedic's language files
for the official languages were written from them; a language without a file fell back to
filters/default.yaml, whose thresholds are Gopher's English ones (``min_alpha_words_ratio:
0.8`` rejected 17-19 of 40 good Belarusian, Ukrainian and Serbian web paragraphs, against 2-5 for
English, French and German: the thirtieth session's fairness audit). This script writes the
file FineWeb-2 gives for each code asked for, in the layout of the existing files, and refuses
to overwrite a file that exists (a community's file is theirs).

    .venv/bin/python benchmarks/derive_fineweb2_filters.py --fineweb2 PATH/TO/fineweb-2 be uk ru ...

The mapping of FineWeb-2's keys (datatrove's names) to altedic's is the one the existing files
use: ``max_non_alpha_words_ratio`` -> ``min_alpha_words_ratio``, ``dup_line_frac`` ->
``max_dup_line_frac``, ``top_n_grams`` -> ``max_top_N_gram_char_frac``, ``dup_n_grams`` ->
``max_dup_N_gram_char_frac``, ``line_punct_thr`` -> ``min_line_punct_ratio``,
``new_line_ratio`` -> ``max_newline_ratio``, ``min/max_avg_word_length`` ->
``min/max_mean_word_length``, ``stopwords`` -> ``stop_words``. ``language_score`` is reported in
a comment only (the language stage has its own thresholds).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from altedic.langid.codes import language_name, normalise_lang, to_iso639_3

#: default.yaml's min_alpha_words_ratio. A FineWeb-2 value above it is not taken: on UDHR articles
#: (the same content in every language; the thirtieth session's fairness audit), Ligurian's 0.86
#: rejected 4 of 9 good documents, Ladin's 0.886, Venetian's 0.876 and Occitan's 0.833 one each,
#: Nynorsk's 0.815 two more of 40 web paragraphs, where 0.8 rejected none of them. The lower
#: values are taken (Ukrainian 0.694: 17 of 40 web paragraphs rejected at 0.8, 2 at 0.694).
DEFAULT_ALPHA = 0.8

#: altedic code -> FineWeb-2 config name where the ISO 639-3 code and the usual script do not
#: give it: Albanian is Tosk (als) in FineWeb-2; Serbian's own code is Cyrillic, sr-Latn Latin.
SPECIAL = {"sq": "als_Latn", "sr": "srp_Cyrl", "sr-Latn": "srp_Latn"}
CYRILLIC = {"be", "bg", "mk", "ru", "sr", "uk"}


def fineweb2_name(code: str) -> str:
    if code in SPECIAL:
        return SPECIAL[code]
    iso3 = to_iso639_3(code)
    if iso3 is None:
        raise SystemExit(f"{code}: no ISO 639-3 code")
    return f"{iso3}_{'Cyrl' if code in CYRILLIC else 'Latn'}"


def render(code: str, config: dict, source: str) -> str:
    name = language_name(code)
    th: list[tuple[str, object, str]] = []

    def add(key: str, value: object, note: str = "") -> None:
        if isinstance(value, (int, float)) and value < 0:
            # FineWeb-2 writes -1 for a filter it does not apply to the language: the rule off
            th.append((key, "null", f"FineWeb-2 {value}: not applied"))
        elif value is not None:
            th.append((key, value, note))

    add("min_mean_word_length", config.get("min_avg_word_length"))
    add("max_mean_word_length", config.get("max_avg_word_length"))
    alpha = config.get("max_non_alpha_words_ratio")
    if isinstance(alpha, (int, float)) and alpha > DEFAULT_ALPHA:
        add(
            "min_alpha_words_ratio",
            DEFAULT_ALPHA,
            f"default.yaml's; FineWeb-2's max_non_alpha_words_ratio {alpha} is stricter (see the script)",
        )
    else:
        add("min_alpha_words_ratio", alpha, "FineWeb-2 max_non_alpha_words_ratio (datatrove's name)")
    add("max_dup_line_frac", config.get("dup_line_frac"))
    for n, v in config.get("top_n_grams") or []:
        add(f"max_top_{n}_gram_char_frac", v)
    for n, v in config.get("dup_n_grams") or []:
        add(f"max_dup_{n}_gram_char_frac", v)
    add("min_line_punct_ratio", config.get("line_punct_thr"))
    add("max_newline_ratio", config.get("new_line_ratio"))
    stop = [str(w) for w in config.get("stopwords") or []]
    lines = [
        f"# Filter settings for {name} ({code}).",
        f"# Owned by the {name} language community: edit the values below to tune what altedic keeps.",
        "# Keys not set here fall back to filters/default.yaml (where every key is documented).",
        f"language: {code}",
        f"name: {name}",
        "",
        "quality:",
        f"  # Sources: FineWeb-2 configs/{source}.yml (Apache-2.0) for the stop words it lists and for every",
        "  # threshold below (benchmarks/derive_fineweb2_filters.py wrote this file; before it, the",
        "  # language had none and got default.yaml's English thresholds).",
        f"  # FineWeb-2 language_score for {source}: {config.get('language_score')} (not applied here).",
    ]
    if stop:
        # JSON strings are YAML flow scalars: quotes and backslashes escaped, any letter as it is
        lines.append("  stop_words: [" + ", ".join(json.dumps(w, ensure_ascii=False) for w in stop) + "]")
    lines.append("  thresholds:")
    for key, value, note in th:
        lines.append(f"    {key}: {value}" + (f"   # {note}" if note else ""))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fineweb2", required=True, help="a checkout of github.com/huggingface/fineweb-2")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "filters"))
    ap.add_argument("codes", nargs="+", help="altedic language codes (be, uk, sr-Latn...)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    for raw in args.codes:
        code = normalise_lang(raw)
        if code is None:
            raise SystemExit(f"{raw}: not a language code altedic knows")
        target = out / f"{code}.yaml"
        if target.exists():
            print(f"{target}: exists, left as it is", file=sys.stderr)
            continue
        source = fineweb2_name(code)
        path = Path(args.fineweb2) / "configs" / f"{source}.yml"
        if not path.is_file():
            print(f"{code}: FineWeb-2 has no configs/{source}.yml; no file written", file=sys.stderr)
            continue
        config = yaml.safe_load(path.read_text("utf-8"))
        target.write_text(render(code, config, source), "utf-8")
        print(f"{target}: from configs/{source}.yml (min_alpha_words_ratio {config.get('max_non_alpha_words_ratio')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
