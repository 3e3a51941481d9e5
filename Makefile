# altedic — the two commands a newcomer needs are `make demo` and `make test`.
# Everything is installed into .venv by these targets; nothing is downloaded at run time.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
DEVSTAMP = $(VENV)/.installed-dev

.PHONY: demo test test-pure lint format bench bench-dedup bench-dedup-1m bench-readers bench-langid bench-quality clean install dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel

# The package with its compiled MinHash kernel (built by pip through setup.py / Cython).
$(STAMP): $(BIN)/python pyproject.toml setup.py altedic/dedup/_minhash.pyx altedic/langid/_fastlid.pyx altedic/quality/_ngrams.pyx
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEVSTAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(STAMP)
dev: $(DEVSTAMP)

## make demo: run the main pipeline on the sample data shipped in pipelines/demo/ -> out/demo/
demo: $(STAMP)
	$(BIN)/altedic run pipelines/demo.yaml --overwrite

## make test: the whole test suite (compiled MinHash kernel; `make test-pure` runs it on the pure-Python twin)
test: $(DEVSTAMP)
	$(BIN)/python -m pytest -q

test-pure: $(DEVSTAMP)
	ALTEDIC_PURE_PYTHON=1 $(BIN)/python -m pytest -q tests/unit/test_quality_equivalence.py tests/unit/test_quality.py tests/unit/test_minhash.py tests/unit/test_minhash_equivalence.py tests/unit/test_dedup_logic.py tests/beam/test_dedup_beam.py tests/real/test_neardup_real.py

lint: $(DEVSTAMP)
	$(BIN)/ruff check altedic tests benchmarks
	$(BIN)/ruff format --check altedic tests benchmarks
	$(BIN)/mypy

format: $(DEVSTAMP)
	$(BIN)/ruff format altedic tests benchmarks
	$(BIN)/ruff check --fix altedic tests benchmarks

# Benchmarks print figures side by side with the peers; they are not tests.
bench: $(DEVSTAMP)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/bench_pipeline.py

bench-dedup: $(DEVSTAMP)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/bench_dedup.py
	$(BIN)/python benchmarks/bench_dedup_quality.py
	$(BIN)/python benchmarks/bench_dedup_stage.py --sizes 10000,100000

bench-dedup-1m: $(DEVSTAMP)
	$(BIN)/python benchmarks/bench_dedup_stage.py --sizes 10000,100000,1000000

bench-readers: $(DEVSTAMP)
	$(BIN)/python benchmarks/bench_readers.py

bench-langid: $(DEVSTAMP)
	$(BIN)/python benchmarks/bench_langid.py

bench-quality: $(DEVSTAMP)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/bench_quality.py

clean:
	rm -rf out build *.egg-info altedic/dedup/_minhash.c altedic/langid/_fastlid.c altedic/quality/_ngrams.c altedic/dedup/*.so altedic/langid/*.so altedic/quality/*.so .pytest_cache .mypy_cache .ruff_cache
