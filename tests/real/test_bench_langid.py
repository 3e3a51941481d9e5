"""benchmarks/bench_langid.py runs end to end (real model, CLD2, the stage) on a small folder and
prints its table and, with --rounds, each round's first pass with the median. Figures are not
checked: speed belongs to the benchmark, not to tests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from altedic.langid.evaluate import load_items

ROOT = Path(__file__).resolve().parents[2]

# Written for this test: eight short sentences per language, enough for paragraph items.
LINES = {
    "en": [
        "The committee met on Tuesday to discuss the budget.",
        "Members asked for more time to read the report.",
        "The chair said the vote would take place next week.",
        "Several amendments were tabled by the smaller groups.",
        "The secretariat will publish the minutes on Friday.",
        "A public consultation is open until the end of the month.",
        "Citizens may send their comments by post or by email.",
        "The final text is expected before the summer break.",
    ],
    "mt": [
        "Il-kumitat iltaqa' nhar it-Tlieta biex jiddiskuti l-baġit.",
        "Il-membri talbu aktar żmien biex jaqraw ir-rapport.",
        "Il-president qal li l-vot se jsir il-ġimgħa d-dieħla.",
        "Il-gruppi ż-żgħar ippreżentaw diversi emendi.",
        "Is-segretarjat se jippubblika l-minuti nhar il-Ġimgħa.",
        "Il-konsultazzjoni pubblika hija miftuħa sal-aħħar tax-xahar.",
        "Iċ-ċittadini jistgħu jibagħtu l-kummenti tagħhom bil-posta.",
        "It-test finali huwa mistenni qabel il-btajjel tas-sajf.",
    ],
    "ga": [
        "Tháinig an coiste le chéile Dé Máirt chun an buiséad a phlé.",
        "D'iarr na comhaltaí tuilleadh ama chun an tuarascáil a léamh.",
        "Dúirt an cathaoirleach go mbeadh an vóta ann an tseachtain seo chugainn.",
        "Chuir na grúpaí beaga roinnt leasuithe síos.",
        "Foilseoidh an rúnaíocht na miontuairiscí Dé hAoine.",
        "Tá comhairliúchán poiblí ar oscailt go deireadh na míosa.",
        "Is féidir le saoránaigh a dtuairimí a sheoladh sa phost.",
        "Táthar ag súil leis an téacs deiridh roimh shaoire an tsamhraidh.",
    ],
}


def test_bench_langid_runs_and_summarises_rounds(tmp_path: Path) -> None:
    folder = tmp_path / "lid"
    folder.mkdir()
    for lang, lines in LINES.items():
        (folder / f"{lang}.txt").write_text("".join(f"{lang}\ttest\t{s}\n" for s in lines), encoding="utf-8")
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_langid.py"), str(folder), "--repeat", "1", "--rounds", "3"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    out = r.stdout
    # the script's items: the even lines, joined into paragraph items as load_items joins them
    n = int(re.match(r"(\d+) paragraph-sized items", out).group(1))  # type: ignore[union-attr]
    assert n == len(load_items(folder, paragraphs=True, half="even")) and n >= len(LINES)
    assert re.search(r"^language stage \(model \+ CLD2 \+ policy\)\s+[\d,]+\s+[\d,]+$", out, re.M)
    rounds = re.search(
        r"first pass, 3 rounds: ([\d,]+) ([\d,]+) ([\d,]+); median ([\d,]+), lowest ([\d,]+), highest ([\d,]+)", out
    )
    assert rounds is not None, out
    each = sorted(int(x.replace(",", "")) for x in rounds.groups()[:3])
    median, lowest, highest = (int(x.replace(",", "")) for x in rounds.groups()[3:])
    assert (lowest, median, highest) == (each[0], each[1], each[2]) and lowest > 0
