"""The server-drawn bar chart: well-formed SVG a screen reader can name
(title and summary), one mark per data point with heights proportional to
the values, every label escaped, and a chart that says so when there is no
data."""

import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from reports.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def rects(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}rect"))


def shown(element: ET.Element) -> str:
    """A <text>'s words as drawn: a <title> inside it is a tooltip."""
    title = element.find(f"{SVG}title")
    return (element.text or "") + ("" if title is None else title.tail or "")


def texts(root: ET.Element, css_class: str) -> list[str]:
    return [
        shown(element)
        for element in root.iter(f"{SVG}text")
        if css_class in element.get("class", "").split()
    ]


def height(rect: ET.Element) -> float:
    return float(rect.get("height"))


MONTHS = [("January", 40), ("February", 120), ("March", 60)]


def test_a_picture_named_by_its_title_and_summary():
    """role="img", aria-labelledby naming the <title> then the <desc>; the
    title and summary are the ones given; a viewBox so it scales."""
    svg = bar_chart(
        title="Registrations per month",
        summary="Most registrations: February, 120",
        points=MONTHS,
    )
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Registrations per month"
    assert desc.text == "Most registrations: February, 120"
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert root.get("viewBox").split()[:2] == ["0", "0"]
    assert isinstance(svg, SafeString)


def test_one_bar_per_point_heights_proportional():
    """Three points, three rects, in order, 40 : 120 : 60."""
    root = parse(bar_chart(title="t", summary="s", points=MONTHS))
    bars = rects(root)
    assert len(bars) == 3
    tallest = height(bars[1])
    assert tallest > 0
    assert height(bars[0]) == pytest.approx(tallest / 3, abs=0.02)
    assert height(bars[2]) == pytest.approx(tallest / 2, abs=0.02)
    assert texts(root, "chart-label") == ["January", "February", "March"]
    assert texts(root, "chart-value") == ["40", "120", "60"]


def test_bars_stand_on_the_zero_line():
    """Each bar ends at the same line, the one the value axis marks 0."""
    root = parse(bar_chart(title="t", summary="s", points=MONTHS))
    bottoms = {float(r.get("y")) + height(r) for r in rects(root)}
    assert len({round(b, 1) for b in bottoms}) == 1


def test_a_zero_still_gets_its_mark():
    """A month with no registrations: its own rect (flat) and a visible mark
    on the zero line, and its value and label written."""
    points = [("January", 10), ("February", 0), ("March", 5)]
    root = parse(bar_chart(title="t", summary="s", points=points))
    bars = rects(root)
    assert len(bars) == 3
    assert height(bars[1]) == 0
    marks = [
        line
        for line in root.iter(f"{SVG}line")
        if "chart-zero-mark" in line.get("class", "")
    ]
    assert len(marks) == 1
    assert float(marks[0].get("x1")) == float(bars[1].get("x"))
    assert texts(root, "chart-value") == ["10", "0", "5"]


def test_all_zeros_draw_flat_bars_not_an_error():
    """When every value is 0 the chart is still drawn, a flat bar for each
    point."""
    root = parse(bar_chart(title="t", summary="s", points=[("A", 0), ("B", 0)]))
    assert [height(r) for r in rects(root)] == [0, 0]


def test_a_negative_value_hangs_below_the_zero_line():
    """+30 and -10: the negative bar starts at the zero line and goes down,
    a third as long; the value axis is marked down to -10."""
    root = parse(bar_chart(title="t", summary="s", points=[("Up", 30), ("Down", -10)]))
    up, down = rects(root)
    zero = float(up.get("y")) + height(up)
    assert float(down.get("y")) == pytest.approx(zero, abs=0.01)
    assert height(down) == pytest.approx(height(up) / 3, abs=0.02)
    assert "chart-bar-negative" in down.get("class")
    assert "-10" in texts(root, "chart-tick")


def test_labels_and_title_are_text_never_markup():
    """A library named with markup in it stays words: no <script> element,
    the ampersand and angle brackets read back as typed."""
    svg = bar_chart(
        title="Tom & Jerry's <b>report</b>",
        summary="Top: <script>alert(1)</script>",
        points=[("<script>x()</script>", 3), ("Smith & Jones", 4)],
    )
    assert "<script" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Tom & Jerry's <b>report</b>"
    assert root.find(f"{SVG}desc").text == "Top: <script>alert(1)</script>"
    labels = texts(root, "chart-label")
    assert labels == ["<script>x()</script>", "Smith & Jones"]
    assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))


def test_long_labels_are_cut_and_kept_whole_in_their_title():
    """A label too long for the chart is shortened and ends in an ellipsis; the
    full name is kept in its tooltip."""
    name = "Springfield Township Public Library, Main Branch"
    root = parse(bar_chart(title="t", summary="s", points=[(name, 1)]))
    (label,) = [
        t for t in root.iter(f"{SVG}text") if "chart-label" in t.get("class", "")
    ]
    assert label.find(f"{SVG}title").text == name
    words = shown(label)
    assert words.endswith("\N{HORIZONTAL ELLIPSIS}") and len(words) < len(name)


def test_values_are_written_as_people_read_them():
    """The unit after each value; no needless decimals; thousands grouped."""
    points = [("A", 12.5), ("B", 1200.0), ("C", 0.756)]
    root = parse(bar_chart(title="t", summary="s", points=points, unit="%"))
    assert texts(root, "chart-value") == ["12.5%", "1,200%", "0.76%"]


def test_no_points_says_no_data():
    """Empty input: still a named picture, no bars, the words "No data"."""
    root = parse(bar_chart(title="Fill rate", summary="No events.", points=[]))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Fill rate"
    assert rects(root) == []
    assert texts(root, "chart-empty") == ["No data"]


def test_many_points_widen_the_chart_and_slant_the_labels():
    """Thirty points: thirty bars, a chart wider than 480, every label turned
    at an angle."""
    points = [(f"Event {n}", n) for n in range(30)]
    root = parse(bar_chart(title="t", summary="s", points=points))
    assert len(rects(root)) == 30
    width = float(root.get("viewBox").split()[2])
    assert width > 480
    labels = [t for t in root.iter(f"{SVG}text") if "chart-label" in t.get("class")]
    assert all(label.get("transform", "").startswith("rotate(") for label in labels)


def test_nothing_is_styled_inline_or_loaded_from_elsewhere():
    """The CSP allows no style attributes or elements; colours are classes."""
    svg = bar_chart(title="t", summary="s", points=MONTHS)
    root = parse(svg)
    for element in root.iter():
        assert "style" not in element.attrib
        assert "fill" not in element.attrib
        assert element.tag not in {f"{SVG}style", f"{SVG}image", f"{SVG}use"}
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_a_value_that_is_no_number_is_refused():
    """A value that is not a number (NaN) is refused with a ValueError."""
    with pytest.raises(ValueError):
        bar_chart(title="t", summary="s", points=[("A", float("nan"))])


def test_the_signature_is_keyword_only():
    """The reports pages call it by keyword: title, summary, points, unit."""
    with pytest.raises(TypeError):
        bar_chart("t", "s", MONTHS)  # type: ignore[misc]
