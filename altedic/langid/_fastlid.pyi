"""Type stub of the compiled fastText prediction kernel (see _fastlid.pyx and ftmodel.py)."""

from altedic.langid.ftmodel import FastTextArrays

KERNEL_VERSION: int

class FastLid:
    def __init__(self, arrays: FastTextArrays) -> None: ...
    def predict(self, texts: list[str], k: int = 1, threshold: float = 0.0) -> list[list[tuple[int, float]]]: ...
