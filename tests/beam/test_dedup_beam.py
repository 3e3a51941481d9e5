"""Deduplicate on the in-process runner: known clusters, order/worker independence, scope, previous output."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner

from altedic.beam.dedup import Deduplicate
from altedic.errors import ConfigError
from altedic.records import Document

WORDS = {
    "mt": [
        "il",
        "kunsill",
        "tal",
        "unjoni",
        "ewropea",
        "adotta",
        "regolament",
        "dwar",
        "sigurtà",
        "prodotti",
        "konsumaturi",
        "suq",
        "intern",
        "kollha",
        "ħaġa",
        "ġdida",
        "żgħira",
        "għandu",
        "jkun",
        "qorti",
        "ġustizzja",
        "membri",
        "stati",
        "deċiżjoni",
    ],
    "ga": [
        "an",
        "chomhairle",
        "aontas",
        "eorpach",
        "rialachan",
        "maidir",
        "le",
        "sabhailteacht",
        "tairgi",
        "tomhaltoiri",
        "margadh",
        "inmheanach",
        "ballstat",
        "cinneadh",
        "cuirt",
        "bhreithiunais",
        "oifigiuil",
        "teanga",
    ],
    "el": [
        "το",
        "συμβούλιο",
        "της",
        "ευρωπαϊκής",
        "ένωσης",
        "ενέκρινε",
        "κανονισμό",
        "για",
        "την",
        "ασφάλεια",
        "των",
        "προϊόντων",
        "καταναλωτές",
        "αγορά",
        "κράτη",
        "μέλη",
        "απόφαση",
        "δικαστήριο",
    ],
    "bg": [
        "съветът",
        "на",
        "европейския",
        "съюз",
        "прие",
        "регламента",
        "относно",
        "безопасността",
        "продуктите",
        "потребителите",
        "пазар",
        "държави",
        "членки",
        "решение",
        "съд",
        "официален",
    ],
}


def text(lang: str, seed: int, n: int = 70) -> str:
    rng = random.Random(f"{lang}-{seed}")
    return " ".join(rng.choice(WORDS[lang]) for _ in range(n))


def edit(t: str, k: int) -> str:
    """Change the last ``k`` words (each edit removes at most 5 of ~66 shingles: Jaccard > 0.8 for k <= 2)."""
    w = t.split()
    return " ".join(w[: len(w) - k] + [f"tmiem{i}" for i in range(k)])


def doc(i: int, t: str, lang: str, source: str = "s1", score: float | None = None) -> Document:
    d = Document(id=f"{i:032x}", text=t, source=source, uri=f"{source}.jsonl", position=f"line {i}", lang=lang)
    if score is not None:
        d.quality["score"] = score
    return d


def corpus() -> list[Document]:
    mt, ga, el, bg = text("mt", 1), text("ga", 1), text("el", 1), text("bg", 1)
    return [
        # cluster A (mt): exact copies + near copies; source priority makes doc 3 (source s0) the keeper
        doc(1, mt, "mt"), doc(2, mt, "mt"), doc(3, edit(mt, 1), "mt", source="s0"), doc(4, edit(mt, 2), "mt"),
        # cluster B (ga): no priority difference; quality score decides (doc 12 has the higher score)
        doc(11, ga, "ga", score=0.2), doc(12, edit(ga, 1), "ga", score=0.9), doc(13, edit(ga, 2), "ga"),
        # cluster C (el): a chain of edits, smallest id kept
        doc(21, el, "el"), doc(22, edit(el, 1), "el"), doc(23, edit(el, 2), "el"),
        # singletons in every language, and one empty text
        doc(31, text("mt", 2), "mt"), doc(32, text("ga", 2), "ga"), doc(33, text("el", 2), "el"),
        doc(34, bg, "bg"), doc(35, text("bg", 3), "bg"), doc(36, "", "bg"),
    ]  # fmt: skip


CONFIG: dict[str, Any] = {"source_priority": ["s0"], "quality_key": "score", "max_rounds": 2}

EXPECTED_KEPT = {3: 4, 12: 3, 21: 3, 31: 1, 32: 1, 33: 1, 34: 1, 35: 1, 36: 1}  # id -> cluster size
EXPECTED_REJECTED = {
    1: ("dedup.near", 3),
    2: ("dedup.exact", 3),  # an exact copy of doc 1, itself a near duplicate of doc 3: names the kept doc 3
    4: ("dedup.near", 3),
    11: ("dedup.near", 12),
    13: ("dedup.near", 12),
    22: ("dedup.near", 21),
    23: ("dedup.near", 21),
}


#: name -> (documents, config) or (documents, config, in_process)
Jobs = dict[str, tuple[Any, ...]]


def run_many(jobs: Jobs, out: Path, options: PipelineOptions | None = None) -> dict[str, dict[str, Any]]:
    """Run one Deduplicate per job in a single pipeline (each with its own output directory).

    Returns, per job, {"kept": {id: cluster_size}, "rejected": {id: (reason, duplicate_of)}}
    with ids as ints.
    """
    with beam.Pipeline(runner=FnApiRunner(), options=options) as p:
        for name, (docs, config, *local) in jobs.items():
            res = (
                p
                | f"Create{name}" >> beam.Create(docs, reshuffle=False)
                | f"Dedup{name}" >> Deduplicate(config, str(out / name), in_process=bool(local and local[0]))
            )
            (
                (
                    res["kept"] | f"K{name}" >> beam.Map(lambda d: json.dumps(["kept", d.id, d.cluster_size, None])),
                    res["rejected"]
                    | f"R{name}" >> beam.Map(lambda d: json.dumps(["rejected", d.id, d.reason, d.duplicate_of])),
                )
                | f"F{name}" >> beam.Flatten()
                | f"W{name}" >> beam.io.WriteToText(str(out / name / "results" / "part"))
            )
    results: dict[str, dict[str, Any]] = {}
    for name in jobs:
        kept: dict[int, int] = {}
        rejected: dict[int, tuple[str, int]] = {}
        for f in sorted((out / name / "results").iterdir()):
            for line in f.read_text().splitlines():
                kind, i, a, b = json.loads(line)
                if kind == "kept":
                    kept[int(i, 16)] = a
                else:
                    rejected[int(i, 16)] = (a, int(b, 16))
        results[name] = {"kept": kept, "rejected": rejected}
    return results


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """One in-process pipeline with every single-run scenario (Beam start-up costs seconds)."""
    out = tmp_path_factory.mktemp("dedup")
    t = text("mt", 5)
    scope_docs = [doc(1, t, "mt"), doc(2, t, "ga"), doc(3, edit(t, 1), "ga")]  # same words, different labels
    jobs: Jobs = {
        "base": (corpus(), CONFIG),
        "reversed": (list(reversed(corpus())), CONFIG),
        "estimate_verify": (corpus(), {**CONFIG, "verify": "estimate"}),
        "lang": (scope_docs, {"max_rounds": 2}),
        "global": (scope_docs, {"scope": "global", "max_rounds": 2}),
        "chains": (chain_corpus(), {"partitions": 4}),
        "drift": (drift_corpus(), {"partitions": 4}),
    }
    # each scenario again with the dedup core's steps run in the runner process (local_verdicts),
    # and a larger corpus over several partitions, with and without exact and near dedup
    for name, (docs, config) in list(jobs.items()):
        jobs[f"{name}_local"] = (docs, config, True)
    big = big_corpus()
    for name, extra in BIG_VARIANTS.items():
        jobs[f"big_{name}"] = (big, {**CONFIG, "partitions": 5, **extra})
        jobs[f"big_{name}_local"] = (big, {**CONFIG, "partitions": 5, **extra}, True)
    return out, run_many(jobs, out)


BIG_VARIANTS: dict[str, dict[str, Any]] = {
    "exact_near": {},
    "no_verify": {"verify": "none"},
    "exact_only": {"near": False},
    "near_only": {"exact": False},
    "global": {"scope": "global"},
}


def big_corpus() -> list[Document]:
    """About 200 documents in four languages: exact copies, near copies close and far (some across
    languages: same words, another label), quality scores and two sources."""
    rng = random.Random(21)
    docs: list[Document] = []
    i = 100
    for lang in WORDS:
        for seed in range(12):
            base = text(lang, 100 + seed)
            for k in range(rng.randrange(1, 7)):
                i += 1
                # near copies up to Jaccard ~0.65 (10 words changed): LSH candidates that the
                # verification (threshold 0.8) turns down as well as ones it accepts
                t = base if k % 3 == 1 else edit(base, rng.choice([1, 2, 3, 6, 8, 10]))
                label = lang if rng.random() > 0.1 else "mt"
                score = rng.choice([None, 0.1, 0.5, 0.9])
                docs.append(doc(i, t, label, source=rng.choice(["s0", "s1"]), score=score))
    rng.shuffle(docs)
    return docs


def chain_corpus() -> list[Document]:
    """Six clusters of a text A, its exact copy and a near copy, one per order of their ids (the
    smallest id is kept): in two of them the exact copies' survivor is a near duplicate of the
    kept document."""
    docs = []
    for k, order in enumerate(itertools.permutations(("A", "A_copy", "A_near"))):
        base = text("el", 60 + k)
        texts = {"A": base, "A_copy": base, "A_near": edit(base, 1)}
        docs += [doc(200 + 10 * k + position, texts[name], "el") for position, name in enumerate(order)]
    random.Random(5).shuffle(docs)
    return docs


def drift_corpus() -> list[Document]:
    """Twelve windows of 100 random words, each shifted by 5 words (the audit's chain): each
    document is a near duplicate of the next two (Jaccard 0.90 and 0.81), not of the third
    (0.73), so the first and the last share no word pair."""
    rng = random.Random(11)

    def word() -> str:
        return "".join(rng.choice("abcdefghijklmnoprstuvz") for _ in range(rng.randint(3, 9)))

    words = [word() for _ in range(400)]
    docs = [doc(300 + k, " ".join(words[5 * k : 5 * k + 100]) + ".", "en") for k in range(12)]
    random.Random(3).shuffle(docs)
    return docs


def test_dedup_core_in_process_gives_the_beam_wiring_verdicts(
    in_process: tuple[Path, dict[str, dict[str, Any]]],
) -> None:
    """The dedup core's steps run in the runner process (``DedupCore(in_process=True)``, what
    ``altedic run`` uses on the in-process runner) decide exactly as the Beam wiring, document
    for document, in every scenario; the signatures written are the same too."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out, got = in_process
    pairs = [name for name in got if not name.endswith("_local")]
    for name in pairs:
        assert got[f"{name}_local"] == got[name], name
        a = pa.concat_tables(pq.read_table(f) for f in sorted((out / name / "dedup").glob("*.parquet"))).sort_by("id")
        b = pa.concat_tables(pq.read_table(f) for f in sorted((out / f"{name}_local" / "dedup").glob("*.parquet")))
        b = b.sort_by("id")
        assert a.equals(b), name
    big = got["big_exact_near"]
    reasons = [r for r, _ in big["rejected"].values()]
    assert reasons.count("dedup.exact") >= 10 and reasons.count("dedup.near") >= 30, reasons
    assert any(size > 2 for size in big["kept"].values())
    assert got["big_exact_only"]["rejected"] and all(
        r == "dedup.exact" for r, _ in got["big_exact_only"]["rejected"].values()
    )
    assert all(r == "dedup.near" for r, _ in got["big_near_only"]["rejected"].values())


def test_known_clusters_resolve_to_expected_keeper(in_process: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    out, got = in_process
    for name in ("base", "estimate_verify"):
        assert got[name]["kept"] == EXPECTED_KEPT, name
        assert got[name]["rejected"] == EXPECTED_REJECTED, name
    assert sorted(p.name for p in (out / "base" / "dedup").iterdir()) == [
        "params.json",
        "signatures-00000-of-00001.parquet",
    ]


def test_every_duplicate_of_is_a_kept_document(in_process: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    """In every scenario, on both wirings, a rejection's ``duplicate_of`` is a document of the
    release (the kept document of its cluster), also when the survivor of its exact group was
    itself removed as a near duplicate (``chains``: each cluster's smallest id is kept)."""
    _, got = in_process
    for name, res in got.items():
        assert {dup for _, dup in res["rejected"].values()} <= set(res["kept"]), name
    for name in ("chains", "chains_local"):
        chains = got[name]
        assert chains["kept"] == {200 + 10 * k: 3 for k in range(6)}
        expected: dict[int, tuple[str, int]] = {}
        for k, order in enumerate(itertools.permutations(("A", "A_copy", "A_near"))):
            for position, doc_name in enumerate(order[1:], 1):
                # dedup.exact when the other exact copy comes first (the exact group's survivor);
                # else dedup.near (A_near, or that survivor when A_near comes first)
                other = {"A": "A_copy", "A_copy": "A"}.get(doc_name)
                exact = other in order[:position]
                expected[200 + 10 * k + position] = ("dedup.exact" if exact else "dedup.near", 200 + 10 * k)
        assert chains["rejected"] == expected, name


def test_a_chain_of_near_duplicates_keeps_what_no_kept_document_covers(
    in_process: tuple[Path, dict[str, dict[str, Any]]],
) -> None:
    """Near duplicates that chain (300~301~302~..., 300 and 303 not similar): every removed
    document names a kept document it duplicates. Before, all eleven named 300, the component's
    best-ranked document, most of them at Jaccard 0.1-0.7, and the words of the later windows were
    in no kept document."""
    _, got = in_process
    for name in ("drift", "drift_local"):
        assert got[name]["kept"] == {300: 3, 303: 3, 306: 3, 309: 3}, name
        assert got[name]["rejected"] == {k: ("dedup.near", k - k % 3) for k in range(300, 312) if k % 3}, name


def test_determinism_two_runs_any_input_order(in_process: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    _, got = in_process
    assert got["reversed"] == got["base"]
    out = in_process[0]
    a = (out / "base" / "dedup" / "signatures-00000-of-00001.parquet").read_bytes()
    b = (out / "reversed" / "dedup" / "signatures-00000-of-00001.parquet").read_bytes()
    import pyarrow.parquet as pq

    ta = pq.read_table(out / "base" / "dedup" / "signatures-00000-of-00001.parquet").sort_by("id")
    tb = pq.read_table(out / "reversed" / "dedup" / "signatures-00000-of-00001.parquet").sort_by("id")
    assert ta.equals(tb) and len(a) > 0 and len(b) > 0
    assert ta.num_rows == len(EXPECTED_KEPT)


@pytest.mark.slow  # two worker processes start in about 10 s
def test_worker_count_does_not_matter(tmp_path: Path) -> None:
    docs = corpus()
    random.Random(7).shuffle(docs)
    options = PipelineOptions(direct_num_workers=2, direct_running_mode="multi_processing")
    got = run_many({"multi": (docs, CONFIG)}, tmp_path, options)["multi"]
    assert got["kept"] == EXPECTED_KEPT
    assert got["rejected"] == EXPECTED_REJECTED


def test_scope_language_vs_global(in_process: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    _, got = in_process
    # scope language: 2 is the same text as 1 under another label, an exact copy in any scope
    # (both were kept); 3, a near copy labelled ga, is compared with ga documents only, and the
    # one it resembles (2) is gone as an exact copy, so 3 is kept
    assert got["lang"]["kept"] == {1: 2, 3: 1}
    assert got["lang"]["rejected"] == {2: ("dedup.exact", 1)}
    assert got["global"]["kept"] == {1: 3}
    assert got["global"]["rejected"] == {2: ("dedup.exact", 1), 3: ("dedup.near", 1)}


def test_against_previous_output(tmp_path: Path) -> None:
    first = [doc(1, text("el", 9), "el"), doc(2, text("bg", 9), "bg")]
    run_many({"release1": (first, {"max_rounds": 2})}, tmp_path)
    second = [
        doc(50, text("el", 9), "el"),  # exact copy of released doc 1
        doc(51, edit(text("bg", 9), 1), "bg"),  # near copy of released doc 2
        doc(52, text("bg", 10), "bg"),  # new
        doc(53, edit(text("bg", 10), 1), "bg"),  # near copy of a new doc
    ]
    cfg = {"previous": [str(tmp_path / "release1")], "max_rounds": 2}
    got = run_many({"release2": (second, cfg)}, tmp_path)["release2"]
    assert got["kept"] == {52: 2}
    assert got["rejected"] == {50: ("dedup.exact", 1), 51: ("dedup.near", 2), 53: ("dedup.near", 52)}
    # Incompatible or missing previous signatures stop the run before any work.
    with pytest.raises(ConfigError, match="signatures made with"):
        Deduplicate({"previous": [str(tmp_path / "release1")], "seed": 1}, str(tmp_path / "out"))
    with pytest.raises(ConfigError, match=r"no .*params\.json"):
        Deduplicate({"previous": [str(tmp_path / "nope")]}, str(tmp_path / "out"))
