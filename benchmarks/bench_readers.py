"""Reader throughput (MB/s) on the shared EU samples, and TMX peak memory on a generated file.

Run: ``.venv/bin/python benchmarks/bench_readers.py [--tmx-mb 200] [--repeat 3]``

Prints, per reader, input MB, documents, seconds and MB/s (best of ``--repeat`` runs, input
bytes as stored on disk), then the peak resident memory of three ways to read a generated
UTF-16LE DGT-style TMX of ``--tmx-mb`` MB, each in a fresh subprocess: ``read_tmx``
(iterparse + clearing), lxml ``etree.parse`` of the whole tree (the naive peer), and a baseline
process that only imports altedic. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT.parent / "shared" / "data" / "formats"

SETS = {
    "formex": ["formex4/*.xml"],
    "eurlex_html": ["eurlex-html/*.html", "eurlex-html/proposals/*.html"],
    "akn": ["akoma-ntoso/*.xml", "akoma-ntoso/member-states/*.xml", "akn4eu/*.xml"],
    "tmx": ["tmx-dgt/*.tmx"],
    "jrc_acquis": ["jrc-acquis-tei/*.xml"],
}


def bench_readers(repeat: int) -> None:
    from altedic.readers import get_reader
    from altedic.readers.base import ReadContext, SourceInfo
    from altedic.records import Document

    print(f"{'reader':<12} {'files':>5} {'MB':>7} {'docs':>5} {'errors':>6} {'s':>7} {'MB/s':>7}")
    for fmt, globs in SETS.items():
        files = sorted(p for g in globs for p in FORMATS.glob(g))
        size = sum(p.stat().st_size for p in files) / 2**20
        reader = get_reader(fmt)
        best = float("inf")
        docs = errors = 0
        for _ in range(repeat):
            docs = errors = 0
            t0 = time.perf_counter()
            for p in files:
                src = SourceInfo(name="bench", format=fmt, options={"package": "none"} if fmt == "formex" else {})
                for item in reader(ReadContext(src, str(p), p.name)):
                    if isinstance(item, Document):
                        docs += 1
                    else:
                        errors += 1
            best = min(best, time.perf_counter() - t0)
        print(f"{fmt:<12} {len(files):>5} {size:>7.2f} {docs:>5} {errors:>6} {best:>7.3f} {size / best:>7.1f}")


def generate_tmx(path: Path, mb: int) -> int:
    """Write a UTF-16LE (BOM, CRLF) DGT-style TMX of about ``mb`` MB; returns the unit count."""
    langs = ["EN-GB", "BG", "EL", "GA", "MT", "DE", "FR", "PL"]
    texts = {
        "EN-GB": "The Commission shall adopt implementing acts laying down the procedure {n}.",
        "BG": "Комисията приема актове за изпълнение, с които се определя процедурата {n}.",
        "EL": "Η Επιτροπή εκδίδει εκτελεστικές πράξεις που καθορίζουν τη διαδικασία {n}.",
        "GA": "Glacfaidh an Coimisiún gníomhartha cur chun feidhme lena leagfar síos an nós imeachta {n}.",
        "MT": "Il-Kummissjoni għandha tadotta atti ta' implimentazzjoni li jistabbilixxu l-proċedura {n}.",
        "DE": "Die Kommission erlässt Durchführungsrechtsakte zur Festlegung des Verfahrens {n}.",
        "FR": "La Commission adopte des actes d'exécution fixant la procédure {n}.",
        "PL": "Komisja przyjmuje akty wykonawcze określające procedurę {n}.",
    }
    target = mb * 2**20
    n = 0
    with open(path, "wb") as f:
        f.write(b"\xff\xfe")
        head = '<?xml version="1.0" encoding="UTF-16LE"?>\r\n<tmx version="1.4">\r\n<header o-tmf="Euramis" srclang="EN-GB" segtype="sentence" datatype="PlainText" adminlang="EN-US" creationtool="bench" creationtoolversion="1"/>\r\n<body>\r\n'
        f.write(head.encode("utf-16-le"))
        while f.tell() < target:
            chunk = []
            for _ in range(200):
                n += 1
                doc = f"32099D{n // 500:04d}"
                tuvs = "".join(f'<tuv lang="{lg}">\r\n<seg>{texts[lg].format(n=n)}</seg>\r\n</tuv>\r\n' for lg in langs)
                chunk.append(f'<tu>\r\n<prop type="Txt::Doc. No.">{doc}</prop>\r\n{tuvs}</tu>\r\n')
            f.write("".join(chunk).encode("utf-16-le"))
        f.write("</body>\r\n</tmx>\r\n".encode("utf-16-le"))
    return n


CHILD = {
    "read_tmx": (
        "from altedic.readers.tmx import read_tmx\n"
        "from altedic.readers.base import ReadContext, SourceInfo\n"
        "import sys\n"
        "n = sum(1 for _ in read_tmx(ReadContext(SourceInfo(name='b', format='tmx'), sys.argv[1], 'b.tmx')))\n"
        "print(n)\n"
    ),
    "lxml etree.parse (whole tree)": (
        "from lxml import etree\nimport sys\n"
        "t = etree.parse(sys.argv[1], etree.XMLParser(huge_tree=True))\nprint(len(t.getroot()[1]))\n"
    ),
    "baseline (import only)": "import altedic.readers.tmx\nprint(0)\n",
}


def peak_rss_mb(code: str, arg: str) -> tuple[float, float, str]:
    """Peak RSS (MB) and wall time of ``code`` run in a fresh interpreter (``/usr/bin/time``-free)."""
    wrapper = (
        "import resource, runpy, sys, time\n"
        "t0 = time.perf_counter()\n"
        f"exec(compile({code!r}, 'child', 'exec'))\n"
        "sys.stderr.write(f'{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {time.perf_counter() - t0}\\n')\n"
    )
    proc = subprocess.run([sys.executable, "-c", wrapper, arg], capture_output=True, text=True, check=True, cwd=ROOT)
    rss_kb, secs = proc.stderr.strip().split()[-2:]
    return int(rss_kb) / 1024, float(secs), proc.stdout.strip()


def bench_tmx_memory(mb: int, keep: bool) -> None:
    tmpdir = Path(os.environ.get("TMPDIR", tempfile.gettempdir()))
    path = tmpdir / f"altedic-bench-{mb}mb.tmx"
    t0 = time.perf_counter()
    units = generate_tmx(path, mb)
    size = path.stat().st_size / 2**20
    print(f"\ngenerated {path} ({size:.0f} MB, {units} units x 8 languages) in {time.perf_counter() - t0:.0f} s")
    print(f"{'method':<32} {'peak RSS MB':>11} {'s':>7} {'MB/s':>7} {'output':>8}")
    try:
        for name, code in CHILD.items():
            rss, secs, out = peak_rss_mb(code, str(path))
            rate = size / secs if name != "baseline (import only)" else 0.0
            print(f"{name:<32} {rss:>11.0f} {secs:>7.1f} {rate:>7.1f} {out:>8}")
    finally:
        if not keep:
            path.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tmx-mb", type=int, default=200, help="size of the generated TMX (0 skips it)")
    ap.add_argument("--keep", action="store_true", help="keep the generated TMX")
    args = ap.parse_args()
    if FORMATS.is_dir():
        bench_readers(args.repeat)
    else:
        print(f"{FORMATS} is absent: reader throughput skipped")
    if args.tmx_mb:
        bench_tmx_memory(args.tmx_mb, args.keep)


if __name__ == "__main__":
    main()
