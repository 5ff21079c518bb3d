"""Bar charts drawn on the server as inline SVG (PRODUCT.md §12).

Python works out the geometry (numbers only); the markup is in
``templates/reports/_bar_chart.html``, so every label a member of staff
typed reaches the page escaped. Colours and fonts come from classes styled
in ``static/css/charts.css``; nothing is loaded from another host, and a
page without that stylesheet still shows black bars.

A chart is a picture (``role="img"``) named by its ``<title>`` and
``<desc>``: the sentence a screen reader says. The figures themselves are
in the data table each page shows beside the chart.
"""

import hashlib
import math
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString

TEMPLATE = "reports/_bar_chart.html"

# viewBox units; the SVG scales to its container, so these set proportions.
HEIGHT = 300
MIN_WIDTH = 480
SLOT = 40  # the room each bar gets at least, so value labels don't collide
LEFT = 64  # the value axis' labels
RIGHT = 16
TOP = 24  # value labels above the tallest bar
BOTTOM = 40
BOTTOM_SLANTED = 96  # labels written at a slant need more room below
BAR_SHARE = 0.7  # of its slot; the rest is the gap between bars
# Beyond this many bars, or a label this long, labels are written at a
# slant so neighbours don't overwrite each other.
UPRIGHT_BARS = 6
UPRIGHT_LABEL = 10
# Longer labels are cut (the full label stays in the data table and in the
# label's own <title>, shown on hover).
LONGEST_LABEL = 24


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: float
    figure: str
    x: str
    y: str
    width: str
    right: str
    height: str
    centre: str
    value_y: str
    label_y: str
    is_zero: bool


def _n(number: float) -> str:
    """A coordinate as the SVG says it: never localised ("12,5" is no
    number to a browser), at most two decimals."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _figure(number: float) -> str:
    """A value as people read it: in the page's language, grouped, at most
    two decimals and none when they are zeros ("1,200", "12.5", "0.75")."""
    rounded = round(number, 2)
    if rounded.is_integer():
        rounded = int(rounded)
    return number_format(rounded, force_grouping=True)


def _short(label: str) -> str:
    if len(label) <= LONGEST_LABEL:
        return label
    return label[: LONGEST_LABEL - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def _chart_id(title: str, points: list[tuple[str, float]]) -> str:
    # From the content, so a page draws the same ids every time (a cached
    # page stays right); two identical charts on one page are the only clash.
    digest = hashlib.blake2s(repr((title, points)).encode(), digest_size=5).hexdigest()
    return f"chart-{digest}"


def bar_chart(
    *, title: str, summary: str, points: list[tuple[str, float]], unit: str = ""
) -> SafeString:
    """An inline ``<svg>`` bar chart: one bar per ``(label, value)`` in
    ``points``, in order, heights proportional to the values (negative ones
    hang below the zero line; a zero is a flat mark on it). ``summary`` is
    the sentence a screen reader says ("Most registrations: March, 120");
    ``unit`` follows each value as written ("%", " h"). No points draws a
    chart that says "No data"."""
    points = [(str(label), float(value)) for label, value in points]
    for label, value in points:
        if not math.isfinite(value):
            raise ValueError(f"bar_chart: {label!r} has no finite value ({value}).")
    chart_id = _chart_id(title, points)
    context = {
        "title": title,
        "summary": summary,
        "unit": unit,
        "title_id": f"{chart_id}-title",
        "desc_id": f"{chart_id}-desc",
    }
    if not points:
        context.update(width=MIN_WIDTH, height=HEIGHT // 2, empty=True)
        context.update(centre_x=_n(MIN_WIDTH / 2), centre_y=_n(HEIGHT / 4))
        return render_to_string(TEMPLATE, context)
    context.update(_layout(points))
    return render_to_string(TEMPLATE, context)


def _layout(points: list[tuple[str, float]]) -> dict:
    count = len(points)
    slanted = count > UPRIGHT_BARS or any(
        len(label) > UPRIGHT_LABEL for label, _value in points
    )
    bottom = BOTTOM_SLANTED if slanted else BOTTOM
    width = max(MIN_WIDTH, LEFT + RIGHT + count * SLOT)
    plot_width = width - LEFT - RIGHT
    plot_height = HEIGHT - TOP - bottom
    values = [value for _label, value in points]
    high, low = max(0.0, *values), min(0.0, *values)
    # All zeros: any scale will do, the bars are all flat.
    span = (high - low) or 1.0
    zero_y = TOP + plot_height * high / span
    slot = plot_width / count
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = plot_height * abs(value) / span
        top = zero_y - bar_height if value > 0 else zero_y
        centre = LEFT + slot * (index + 0.5)
        bars.append(
            Bar(
                label=label,
                short_label=_short(label),
                value=value,
                figure=_figure(value),
                x=_n(centre - slot * BAR_SHARE / 2),
                y=_n(top),
                width=_n(slot * BAR_SHARE),
                right=_n(centre + slot * BAR_SHARE / 2),
                height=_n(bar_height),
                centre=_n(centre),
                # Above the bar, or above the zero line for one that hangs
                # (below it the value would run into the labels).
                value_y=_n(top - 6),
                label_y=_n(TOP + plot_height + 18),
                is_zero=value == 0,
            )
        )
    return {
        "empty": False,
        "width": width,
        "height": HEIGHT,
        "bars": bars,
        "slanted": slanted,
        "high": _figure(high) if high else "",
        "low": _figure(low) if low else "",
        "zero": _figure(0),
        "axis_x": _n(LEFT),
        "axis_label_x": _n(LEFT - 8),
        "plot_right": _n(width - RIGHT),
        "plot_top": _n(TOP),
        "plot_bottom": _n(TOP + plot_height),
        "zero_y": _n(zero_y),
        "high_y": _n(TOP + 4),
        "low_y": _n(TOP + plot_height + 4),
        "zero_label_y": _n(zero_y + 4),
    }
