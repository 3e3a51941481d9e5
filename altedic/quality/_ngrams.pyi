"""Type stub of the compiled n-gram kernel (see _ngrams.pyx and the reference twin _ngrams_py.py)."""

SPEC_VERSION: str

def ngram_chars(tokens: list[str], top_ns: tuple[int, ...], dup_ns: tuple[int, ...]) -> tuple[list[int], list[int]]: ...
