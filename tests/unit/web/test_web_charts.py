"""The server-drawn charts: valid SVG with a title, figures placed where they belong, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kraftsamla_web.domain.charts import Series, _ticks, bar_chart, line_chart, spider_chart

pytestmark = pytest.mark.unit
SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    return root


def test_line_chart_places_higher_values_higher_and_draws_references() -> None:
    root = parsed(
        line_chart(
            "Sysselsatta <FoU>",
            ["2021", "2022", "2023"],
            [Series("Utfall", [10, None, 30])],
            references=[("Mål", 40.0), ("Utgångsläge", 5.0)],
        )
    )
    assert root.find(f"{SVG}title").text == "Sysselsatta <FoU>"  # type: ignore[union-attr]
    dots = root.findall(f"{SVG}circle")
    assert len(dots) == 2  # the year without a figure has no dot
    assert float(dots[1].get("cy", 0)) < float(dots[0].get("cy", 0))  # 30 is drawn above 10
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"2021", "2022", "2023", "Mål", "Utgångsläge", "Utfall"} <= set(texts)


def test_bar_chart_scales_to_the_largest_bar() -> None:
    root = parsed(bar_chart("Helix", [("Näringsliv", 12), ("Akademi", 3), ("Civilsamhälle", 0)]))
    widths = [float(r.get("width", 0)) for r in root.findall(f"{SVG}rect")]
    assert widths[0] == max(widths) and widths[1] == pytest.approx(widths[0] / 4) and widths[2] == 0


def test_spider_chart_has_a_spoke_per_axis_and_a_polygon_per_series() -> None:
    axes = ["Analys", "Styrning", "Vision", "Prioriteringar", "Policymix", "Uppföljning"]
    root = parsed(
        spider_chart("Hjulet", axes, [Series("2026", [5, 4, 3, 2, 1, 0]), Series("2025", [1] * 6)], maximum=5)
    )
    assert len(root.findall(f"{SVG}line")) >= len(axes)
    polygons = root.findall(f"{SVG}polygon")
    assert len(polygons) == 5 + 2  # five rings, two series
    current = polygons[-1].get("points", "").split()
    centre = 420 / 2
    # A score of 0 sits at the centre; a score of 5 at the full radius.
    assert [float(v) for v in current[5].split(",")] == pytest.approx([centre, centre])
    assert float(current[0].split(",")[1]) == pytest.approx(70)


def test_ticks_are_round_and_cover_the_range() -> None:
    ticks = _ticks(0, 37)
    assert ticks[0] <= 0 and ticks[-1] >= 37
    assert all(t == int(t) for t in ticks)
