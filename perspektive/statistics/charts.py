"""Charts of a figure's table: inline SVG for the page (drawn here, no script, so the content security policy
stays as it is) and PNG for the .docx report (matplotlib's Agg backend, imported only when a report is made).

The SVG uses presentation attributes only (``fill``, ``font-size``): the policy allows no inline ``style``."""
from __future__ import annotations

import io

from markupsafe import Markup, escape

COLOURS = ("#1f5f8b", "#d98c1f", "#5b8c3a", "#a33c3c", "#7a5c99", "#4d4d4d")
WIDTH, LABEL, ROW, TOP = 420, 150, 22, 8


def bar_svg(title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> Markup:
    """Horizontal bars, stacked when there are several series, with the value at the end of each bar and a legend
    for several series. ``title`` becomes the accessible name; the table beside the chart holds the numbers."""
    totals = [sum(values[i] for _name, values in series) for i in range(len(labels))]
    most = max(totals, default=0) or 1
    span = WIDTH - LABEL - 40
    entries, x, line = [], 10, 0
    for name, _values in series if len(series) > 1 else ():
        width = 20 + 7 * len(name)
        if x + width > WIDTH and x > 10:
            x, line = 10, line + 1
        entries.append((x, line, name))
        x += width
    legend = 18 * (line + 1) if entries else 0
    height = TOP + ROW * len(labels) + legend + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, label in enumerate(labels):
        y = TOP + i * ROW
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(f'<text x="{LABEL - 6}" y="{y + 14}" text-anchor="end" font-size="12" fill="#222">'
                     f'{escape(short)}</text>')
        x = LABEL
        for k, (_name, values) in enumerate(series):
            width = values[i] / most * span
            if width:
                parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" '
                             f'fill="{COLOURS[k % len(COLOURS)]}"/>')
            x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}" font-size="12" fill="#222">{totals[i]}</text>')
    for k, (x, line, name) in enumerate(entries):
        y = TOP + ROW * len(labels) + 4 + 18 * line
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{COLOURS[k % len(COLOURS)]}"/>'
                     f'<text x="{x + 13}" y="{y + 9}" font-size="11" fill="#222">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_png(title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> bytes:
    """The same chart as a PNG (150 dpi) for the .docx report."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.0, 0.45 * max(len(labels), 1) + (1.4 if len(series) > 1 else 1.0)), dpi=150)
    axes = figure.subplots()
    positions = list(range(len(labels)))[::-1]
    left = [0] * len(labels)
    for k, (name, values) in enumerate(series):
        axes.barh(positions, values, left=left, color=COLOURS[k % len(COLOURS)], label=name)
        left = [a + b for a, b in zip(left, values)]
    axes.set_yticks(positions, labels=labels, fontsize=8)
    axes.set_title(title, fontsize=10)
    axes.tick_params(axis="x", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(series), 5),
                    frameon=False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
