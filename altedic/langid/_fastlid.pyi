"""Type stub of the compiled fastText prediction kernel (see _fastlid.pyx and ftmodel.py)."""

from typing import Any

from altedic.langid.ftmodel import FastTextArrays

KERNEL_VERSION: int
SCRIPTS: tuple[str, ...]

def dominant_scripts(texts: list[str], sample: int = 600) -> list[int]: ...

class FastLid:
    def __init__(self, arrays: FastTextArrays) -> None: ...
    def predict(
        self, texts: list[str], k: int = 1, threshold: float = 0.0, names: list[Any] | None = None
    ) -> list[list[tuple[Any, float]]]: ...
