"""The inline SVG chart: one bar per row, stacked per series, values at the bar ends, labels escaped (a label is
text, never markup), and a legend that wraps instead of running off the picture."""
from __future__ import annotations

import lxml.etree as etree

from perspektive.statistics.charts import WIDTH, bar_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_values_and_escaped_labels():
    svg = etree.fromstring(str(bar_svg("Länder <b>", ["<script>x</script>", "Syrien"], [("Personen", [6, 3])])))
    assert svg.get("aria-label") == "Länder <b>"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["<script>x</script>", "6", "Syrien", "3"]
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]
    assert not list(svg.iter("script")) and not list(svg.iter(f"{SVG}script"))


def test_a_long_legend_wraps_inside_the_picture():
    names = ["erteilt", "abgelehnt", "zurückgenommen", "anders beendet", "offen"]
    svg = etree.fromstring(str(bar_svg("Ergebnisse", ["§ 25b AufenthG"], [(n, [1]) for n in names])))
    legend = [t for t in svg.iter(f"{SVG}text") if t.text in names]
    assert [t.text for t in legend] == names
    assert all(float(t.get("x")) + 7 * len(t.text) <= WIDTH for t in legend)
    assert len({t.get("y") for t in legend}) >= 2
    assert int(svg.get("height")) > max(float(t.get("y")) for t in legend)
