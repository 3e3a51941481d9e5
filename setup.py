"""Build hook: the compiled MinHash kernel, and filters/ + schemas/ shipped inside the package.

All other metadata lives in pyproject.toml. ``filters/`` and ``schemas/`` stay at the top of
the repository (language communities edit them there) and are mapped into the wheel as the
data packages ``altedic._filters`` and ``altedic._schemas``, so ``pip install altedic`` works
outside the repository.
"""

from Cython.Build import cythonize
from setuptools import Extension, find_packages, setup

extensions = [
    Extension(
        "altedic.dedup._minhash",
        ["altedic/dedup/_minhash.pyx"],
        extra_compile_args=["-O3"],
    ),
    Extension(  # fastText prediction kernel of the language stage (altedic/langid/model.py)
        "altedic.langid._fastlid",
        ["altedic/langid/_fastlid.pyx"],
        extra_compile_args=["-O3"],
    ),
    Extension(  # n-gram kernel of the quality signals (altedic/quality/signals.py)
        "altedic.quality._ngrams",
        ["altedic/quality/_ngrams.pyx"],
        extra_compile_args=["-O3"],
    ),
]

setup(
    packages=[*find_packages(include=["altedic", "altedic.*"]), "altedic._filters", "altedic._schemas"],
    package_dir={"altedic._filters": "filters", "altedic._schemas": "schemas"},
    ext_modules=cythonize(
        extensions, language_level=3, compiler_directives={"boundscheck": False, "wraparound": False}
    ),
)
