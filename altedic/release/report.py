"""``OUT/report.html``: a self-contained statistics report with tables and matplotlib plots.

Self-contained means: one file, no JavaScript, no web fonts, no network. Plots are rendered
with matplotlib (object-oriented API on an Agg canvas, no pyplot global state) to PNG and
embedded as ``data:`` URIs; a Content-Security-Policy meta tag forbids any other load, so a
viewer that opens the page offline sees exactly what the producer saw.

The page is generated from ``stats.json`` and the manifest only, and contains no run
timestamps, so the same release always gives byte-identical HTML (PNG files are written
without the ``Software`` metadata chunk; matplotlib's Agg output is otherwise deterministic).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from altedic.release.stats import language_rows

#: Most items shown in "top" tables and plots (publishers, domains, quality signals).
TOP_N = 15

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:72rem;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}img{max-width:100%;height:auto}
.note{color:#555;font-size:.9rem}
"""


def _png(fig: Figure) -> str:
    """The figure as an ``<img>`` with a base64 PNG data URI."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt = html.escape(str(fig.get_label() or "plot"))
    return f'<img alt="{alt}" src="data:image/png;base64,{data}">'


def _fig(label: str, width: float = 9.0, height: float = 3.6) -> Figure:
    fig = Figure(figsize=(width, height))
    fig.set_label(label)
    return fig


def _fmt(n: Any) -> str:
    if isinstance(n, float):
        return f"{n:,.3f}"
    if isinstance(n, int):
        return f"{n:,}"
    return html.escape("" if n is None else str(n))


def _table(headers: list[str], rows: list[list[Any]], left: int = 1) -> str:
    """An HTML table; the first ``left`` columns are left-aligned text, the rest numbers."""
    head = "".join(f'<th class="{"l" if i < left else ""}">{html.escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td class="{"l" if i < left else ""}">{_fmt(c)}</td>' for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _languages_plot(stats: dict[str, Any]) -> str:
    langs = [lg for lg, v in stats["languages"].items() if v["kept"]["documents"] > 0]
    if not langs:
        return '<p class="note">No kept documents.</p>'
    docs = [stats["languages"][lg]["kept"]["documents"] for lg in langs]
    toks = [stats["languages"][lg]["kept"]["tokens_est"] for lg in langs]
    fig = _fig("documents and estimated tokens per language")
    ax = fig.add_subplot()
    xs = list(range(len(langs)))
    ax.bar([x - 0.2 for x in xs], docs, width=0.4, label="documents")
    ax.bar([x + 0.2 for x in xs], toks, width=0.4, label="estimated tokens")
    ax.set_xticks(xs, langs)
    ax.set_yscale("log")
    ax.set_ylabel("count (log scale)")
    ax.legend()
    return _png(fig)


def _removed_plot(stats: dict[str, Any]) -> str:
    reasons = list(stats["reasons"])
    langs = sorted({lg for r in reasons for lg in stats["reasons"][r]})
    if not reasons:
        return '<p class="note">Nothing was rejected.</p>'
    fig = _fig("rejected documents per language and reason", height=max(2.5, 0.35 * len(langs) + 1.5))
    ax = fig.add_subplot()
    left = [0] * len(langs)
    for reason in reasons:
        vals = [stats["reasons"][reason].get(lg, 0) for lg in langs]
        ax.barh(langs, vals, left=left, label=reason)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_xlabel("rejected documents")
    ax.invert_yaxis()
    ax.legend(fontsize="small", loc="lower right")
    return _png(fig)


def _hist_plot(stats: dict[str, Any], name: str, label: str, xlabel: str) -> str:
    """Kept vs rejected histogram of distribution ``name``, all languages together."""
    dist = stats["distributions"].get(name, {})
    kept: dict[str, int] = {}
    rejected: dict[str, int] = {}
    for by_out in dist.values():
        for out, bins in by_out.items():
            target = kept if out == "kept" else rejected
            for b, n in bins.items():
                target[b] = target.get(b, 0) + n
    labels = [b for b in _ordered(set(kept) | set(rejected))]
    if not labels:
        return '<p class="note">No data.</p>'
    fig = _fig(label)
    ax = fig.add_subplot()
    xs = list(range(len(labels)))
    ax.bar([x - 0.2 for x in xs], [kept.get(b, 0) for b in labels], width=0.4, label="kept")
    ax.bar([x + 0.2 for x in xs], [rejected.get(b, 0) for b in labels], width=0.4, label="rejected")
    ax.set_xticks(xs, labels, rotation=60, fontsize="small")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("documents")
    ax.legend()
    return _png(fig)


def _ordered(labels: set[str]) -> list[str]:
    def key(s: str) -> tuple[int, float]:
        try:
            return (1, float(s))
        except ValueError:
            return (0 if s == "<0" else 2, 0.0)

    return sorted(labels, key=key)


def _licence_plot(stats: dict[str, Any]) -> str:
    lic = stats["licences"]
    if not lic:
        return '<p class="note">No kept documents.</p>'
    names = list(lic)
    fig = _fig("estimated tokens per licence", height=max(2.0, 0.4 * len(names) + 1.2))
    ax = fig.add_subplot()
    ax.barh(names, [lic[n]["tokens_est"] for n in names])
    ax.set_xlabel("estimated tokens (kept)")
    ax.invert_yaxis()
    return _png(fig)


def _cluster_plot(stats: dict[str, Any]) -> str:
    sizes: dict[int, int] = {}
    for by_size in stats["cluster_sizes"].values():
        for s, n in by_size.items():
            sizes[int(s)] = sizes.get(int(s), 0) + n
    if not sizes:
        return '<p class="note">No cluster sizes recorded.</p>'
    xs = sorted(sizes)
    fig = _fig("dedup cluster sizes of kept documents", height=3.0)
    ax = fig.add_subplot()
    ax.bar([str(x) for x in xs], [sizes[x] for x in xs])
    ax.set_yscale("log")
    ax.set_xlabel("cluster size (documents represented)")
    ax.set_ylabel("kept documents (log)")
    return _png(fig)


class _PlotFn:
    """What a local worker process runs (see :mod:`altedic.beam.localworker`): plot names ->
    (name, HTML ``<img>``)."""

    def __init__(self, stats: dict[str, Any]) -> None:
        self.stats = stats

    def setup(self) -> None:
        pass

    def start_bundle(self) -> None:
        pass

    def process_file(self, name: str) -> list[tuple[None, tuple[str, str]]]:
        return [(None, (name, PLOTS[name](self.stats)))]

    def flush(self) -> list[Any]:
        return []


def render_plots(stats: dict[str, Any], processes: int = 1) -> dict[str, str]:
    """Every plot of the page, by name, as HTML. With ``processes`` > 1 and that many local
    worker processes already waiting (kept by the pipeline's last step), the plots are drawn
    there in parallel (matplotlib's text layout makes each take a few tenths of a second);
    otherwise, and for a fresh process's start-up would cost more than it saves, here. The HTML
    is the same either way (Agg's output does not depend on the process)."""
    if processes > 1:
        from altedic.beam import localworker

        usable = min(processes, localworker.spares())
        if usable > 1:
            out = dict(value for _tag, value in localworker.run_files(_PlotFn(stats), list(PLOTS), usable))
            return {name: out[name] for name in PLOTS}
    return {name: fn(stats) for name, fn in PLOTS.items()}


def render_report(stats: dict[str, Any], manifest: dict[str, Any], processes: int = 1) -> str:
    """The report page as a string (UTF-8 HTML5, self-contained); ``processes``: see
    :func:`render_plots`."""
    plots = render_plots(stats, processes)
    name = str(manifest.get("name", "release"))
    t = stats["totals"]
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # No network, no scripts: only inline styles and data: images may load.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(name)} — altedic release report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(name)} — release report</h1>",
        f'<p class="note">altedic {html.escape(str(manifest.get("altedic_version", "?")))}; '
        f"estimated tokens = {html.escape(stats['token_estimator']['formula'])} "
        f"({html.escape(stats['token_estimator']['name'])}).</p>",
        "<h2>Totals</h2>",
        _table(
            ["outcome", "documents", "characters", "words", "bytes", "estimated tokens"],
            [
                [side, *(t[side][m] for m in ("documents", "characters", "words", "bytes", "tokens_est"))]
                for side in ("kept", "rejected")
            ],
        ),
        f"<p>Read: {_fmt(t['read'])} items; unreadable inputs (errors): {_fmt(t['errors'])}.</p>",
        "<h2>Languages</h2>",
        plots["languages"],
        _table(
            ["language", "kept documents", "kept characters", "kept words", "estimated tokens", "rejected documents"],
            language_rows(stats),
        ),
        "<h2>What each filter removed</h2>",
        plots["removed"],
        _table(
            ["reason", "language", "documents"],
            [[r, lg, n] for r, by in stats["reasons"].items() for lg, n in by.items()],
            left=2,
        ),
        "<h2>Sources</h2>",
        _table(
            ["source", "licence", "read", "kept", "rejected", "errors", "estimated tokens (kept)"],
            [
                [
                    s,
                    (manifest.get("sources", {}).get(s, {}) or {}).get("licence"),
                    v["read"],
                    v["kept"]["documents"],
                    v["rejected_total"]["documents"],
                    v["errors_total"],
                    v["kept"]["tokens_est"],
                ]
                for s, v in stats["sources"].items()
            ],
            left=2,
        ),
        "<h2>Document length</h2>",
        plots["length"],
        "<h2>Language-ID confidence</h2>",
        plots["lang_score"],
        "<h2>Quality signals</h2>",
        plots["quality"],
        _quality_table(stats),
        "<h2>Duplicates</h2>",
        plots["clusters"],
        "<h2>Licences</h2>",
        plots["licences"],
        _table(
            ["licence", "documents", "estimated tokens", "languages"],
            [[k, v["documents"], v["tokens_est"], ", ".join(v["languages"])] for k, v in stats["licences"].items()],
        ),
        "<h2>Top publishers</h2>",
        _table(
            ["publisher", "documents", "estimated tokens"],
            [[k, v["documents"], v["tokens_est"]] for k, v in list(stats["publishers"].items())[:TOP_N]],
        ),
        "<h2>Top domains</h2>",
        _table(
            ["domain", "documents", "estimated tokens"],
            [[k, v["documents"], v["tokens_est"]] for k, v in list(stats["domains"].items())[:TOP_N]],
        ),
        "<h2>Personal data</h2>",
        _table(
            ["type", "matches in kept documents", "matches in rejected documents"],
            [
                [
                    typ,
                    stats["pii"]["matches"].get("kept", {}).get(typ, 0),
                    stats["pii"]["matches"].get("rejected", {}).get(typ, 0),
                ]
                for typ in sorted(
                    set(stats["pii"]["matches"].get("kept", {})) | set(stats["pii"]["matches"].get("rejected", {}))
                )
            ],
        ),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


#: Quality signals plotted (the most frequent ones; the table lists all, up to TOP_N).
PLOTTED_SIGNALS = 4


def _quality_plot(stats: dict[str, Any]) -> str:
    """Kept vs rejected histograms of the most frequent quality signals, all languages together."""
    counts = {
        sig: sum(e["count"] for by_out in by_lang.values() for e in by_out.values())
        for sig, by_lang in stats["quality"].items()
    }
    signals = sorted(counts, key=lambda s: (-counts[s], s))[:PLOTTED_SIGNALS]
    if not signals:
        return ""
    fig = _fig("quality signal histograms", height=2.8 * len(signals))
    for i, sig in enumerate(signals):
        kept: dict[str, int] = {}
        rejected: dict[str, int] = {}
        for by_out in stats["quality"][sig].values():
            for out, e in by_out.items():
                target = kept if out == "kept" else rejected
                for b, n in e["hist"].items():
                    target[b] = target.get(b, 0) + n
        labels = _ordered(set(kept) | set(rejected))
        ax = fig.add_subplot(len(signals), 1, i + 1)
        xs = list(range(len(labels)))
        ax.bar([x - 0.2 for x in xs], [kept.get(b, 0) for b in labels], width=0.4, label="kept")
        ax.bar([x + 0.2 for x in xs], [rejected.get(b, 0) for b in labels], width=0.4, label="rejected")
        ax.set_xticks(xs, labels, rotation=60, fontsize="small")
        ax.set_title(sig, fontsize="medium")
        ax.set_ylabel("documents")
        ax.legend(fontsize="small")
    fig.tight_layout()
    return _png(fig)


def _quality_table(stats: dict[str, Any]) -> str:
    rows: list[list[Any]] = []
    for sig, by_lang in list(stats["quality"].items())[:TOP_N]:
        for lg, by_out in by_lang.items():
            for out, e in by_out.items():
                rows.append([sig, lg, out, e["count"], e["mean"], e["min"], e["max"]])
    if not rows:
        return '<p class="note">No quality signals recorded.</p>'
    return _table(["signal", "language", "outcome", "documents", "mean", "min", "max"], rows, left=3)


#: The plots of the page, by name, in the order of their expected cost (the biggest first, for
#: :func:`render_plots`' load balance across processes).
PLOTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "quality": _quality_plot,
    "removed": _removed_plot,
    "languages": _languages_plot,
    "length": lambda st: _hist_plot(
        st, "length_chars", "document length histogram", "characters (log2 bin, lower edge)"
    ),
    "lang_score": lambda st: _hist_plot(
        st, "lang_score", "language-ID confidence histogram", "confidence (bin lower edge)"
    ),
    "licences": _licence_plot,
    "clusters": _cluster_plot,
}
