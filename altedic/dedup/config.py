"""The recipe's ``stages.dedup`` section, validated before any work starts."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from altedic.errors import ConfigError

_KEY = "stages.dedup"


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Settings of exact and near deduplication (defaults in brackets).

    * ``exact`` [true]: drop exact duplicates of the normalised text (XXH3-128).
    * ``near`` [true]: drop near duplicates with MinHash LSH.
    * ``ngram`` [5]: words per shingle (1..64).
    * ``bands`` [14], ``rows`` [8]: LSH bands x rows = number of permutations (112).
    * ``seed`` [0]: seed of the permutation parameters. Signatures are comparable across runs
      (``previous``) only with the same ``ngram``, ``bands * rows`` and ``seed``.
    * ``scope`` [language]: ``language`` (a translation is not a duplicate; documents are
      compared within the same ``lang``) or ``global``.
    * ``verify`` [exact]: ``none`` (every LSH candidate pair is a duplicate), ``estimate``
      (estimated Jaccard from the full signatures >= ``threshold``) or ``exact`` (exact Jaccard of
      the shingle sets >= ``threshold``; a previous output's documents are compared on the texts
      of its data shards, and on the estimate, said in the verdict, when it has none). Exact is the default because the estimate's
      noise at 112 permutations (standard error ~0.04 at 0.8) cost P/R ~0.91/0.93 in
      benchmarks/bench_dedup_quality.py, against 1.00/0.99 for exact; it shuffles texts
      instead of signatures in the verification join.
    * ``threshold`` [0.8]: Jaccard similarity for verification, in (0, 1].
    * ``source_priority`` [[]]: source names, most preferred first, for the choice of the kept
      document; then ``quality_key`` [none]: name of a ``doc.quality`` signal, higher kept first;
      then the smallest id.
    * ``previous`` [[]]: earlier output directories (each with ``dedup/``) never to re-release.
    * ``partitions`` [16]: key partitions of the exact and LSH shuffles (each a table of
      nodes or band entries); more partitions spread the work over more workers of a
      distributed runner, each holding a smaller share.
    * ``max_rounds``: accepted and ignored (recipes written for versions that found the
      components in large-star/small-star rounds; they are now found in one step).
    * ``batch_size`` [512]: documents per call of the MinHash kernel.
    * ``max_bucket_pairs`` [64]: LSH buckets up to this size yield all pairs; larger ones a
      sorted window of ``bucket_window`` [16] neighbours per member.
    """

    exact: bool = True
    near: bool = True
    ngram: int = 5
    bands: int = 14
    rows: int = 8
    seed: int = 0
    scope: str = "language"
    verify: str = "exact"
    threshold: float = 0.8
    source_priority: tuple[str, ...] = ()
    quality_key: str | None = None
    previous: tuple[str, ...] = ()
    partitions: int = 16
    max_rounds: int = 12
    max_bucket_pairs: int = 64
    bucket_window: int = 16
    batch_size: int = 512

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    @classmethod
    def from_dict(cls, config: dict[str, Any] | None, file: str | None = None) -> DedupConfig:
        """Validate a ``stages.dedup`` mapping; raises ConfigError naming the key and what is allowed."""
        cfg = dict(config or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(cfg) - known)
        if unknown:
            raise ConfigError(f"unknown key(s) {unknown}; allowed: {sorted(known)}", file=file, key=_KEY)

        def get_bool(name: str, default: bool) -> bool:
            v = cfg.get(name, default)
            if not isinstance(v, bool):
                raise ConfigError(f"must be true or false, got {v!r}", file=file, key=f"{_KEY}.{name}")
            return v

        def get_int(name: str, default: int, lo: int, hi: int) -> int:
            v = cfg.get(name, default)
            if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
                raise ConfigError(f"must be an integer in [{lo}, {hi}], got {v!r}", file=file, key=f"{_KEY}.{name}")
            return v

        def get_choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
            v = cfg.get(name, default)
            if v not in allowed:
                raise ConfigError(f"must be one of {list(allowed)}, got {v!r}", file=file, key=f"{_KEY}.{name}")
            return str(v)

        def get_strs(name: str) -> tuple[str, ...]:
            v = cfg.get(name, [])
            if v is None:
                return ()
            if not isinstance(v, list | tuple) or not all(isinstance(x, str) and x for x in v):
                raise ConfigError(f"must be a list of non-empty strings, got {v!r}", file=file, key=f"{_KEY}.{name}")
            return tuple(v)

        threshold = cfg.get("threshold", 0.8)
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold <= 1:
            raise ConfigError(f"must be a number in (0, 1], got {threshold!r}", file=file, key=f"{_KEY}.threshold")
        quality_key = cfg.get("quality_key")
        if quality_key is not None and (not isinstance(quality_key, str) or not quality_key):
            raise ConfigError(
                f"must be a signal name or null, got {quality_key!r}", file=file, key=f"{_KEY}.quality_key"
            )
        seed = cfg.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**64:
            raise ConfigError(f"must be an integer in [0, 2^64), got {seed!r}", file=file, key=f"{_KEY}.seed")
        return cls(
            exact=get_bool("exact", True),
            near=get_bool("near", True),
            ngram=get_int("ngram", 5, 1, 64),
            bands=get_int("bands", 14, 1, 1024),
            rows=get_int("rows", 8, 1, 1024),
            seed=seed,
            scope=get_choice("scope", "language", ("language", "global")),
            verify=get_choice("verify", "exact", ("none", "estimate", "exact")),
            threshold=float(threshold),
            source_priority=get_strs("source_priority"),
            quality_key=quality_key,
            previous=get_strs("previous"),
            partitions=get_int("partitions", 16, 1, 65_536),
            max_rounds=get_int("max_rounds", 12, 1, 64),
            max_bucket_pairs=get_int("max_bucket_pairs", 64, 2, 100_000),
            bucket_window=get_int("bucket_window", 16, 1, 100_000),
            batch_size=get_int("batch_size", 512, 1, 1_000_000),
        )

    def signature_params(self) -> dict[str, Any]:
        """What must match between runs for signatures to be comparable (written to OUT/dedup/)."""
        from altedic.dedup.minhash import SPEC_VERSION

        return {"spec": SPEC_VERSION, "ngram": self.ngram, "num_perm": self.num_perm, "seed": self.seed}
