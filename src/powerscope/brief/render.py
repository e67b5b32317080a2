"""Render a :class:`~powerscope.brief.sections.Brief` as one self-contained HTML file.

The page is rendered by jinja2 (autoescaped) from ``templates/brief.html.j2`` with the style
sheet ``templates/brief.css`` inlined. Charts are plotly figures: the first embeds plotly.js
inline, the others reuse it, so the file opens offline and loads nothing from the network.
Every figure carries a marker like ``[3]`` linking to its entry in the sources section.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from html import escape as html_escape
from importlib import resources
from numbers import Integral, Real
from pathlib import Path
from typing import Any

from powerscope.brief.sections import Brief, Chart
from powerscope.brief.sections.reproduce import commands, described_data
from powerscope.files import write_atomic

#: Chart size in CSS pixels: fits the text width of an A4 page with 15 mm margins.
CHART_WIDTH = 680
CHART_HEIGHT = 320
COLOURS = ("#1f4e79", "#c0504d", "#4f9a5b", "#8064a2", "#f39c12")


def _templates() -> Path:
    return Path(str(resources.files("powerscope.brief").joinpath("templates")))


def chart_html(chart: Chart, *, include_plotlyjs: bool) -> str:
    """A chart as an HTML fragment (a div and the script that draws it with plotly.js).

    The figure is written as plotly.js's own JSON (traces, a layout with plotly's
    ``plotly_white`` template, a config), the markup ``plotly.io.to_html`` writes, without
    building and validating a ``plotly.graph_objects.Figure`` (a third of a brief's rendering
    time). ``include_plotlyjs`` puts plotly.js (the basic bundle) before it.
    """
    traces: list[dict[str, Any]] = []
    for i, (name, values) in enumerate(chart.series.items()):
        colour = COLOURS[i % len(COLOURS)]
        trace: dict[str, Any] = {"x": _plain(chart.x), "y": _plain(values), "name": name}
        if chart.kind == "bar":
            trace.update(type="bar", marker={"color": colour})
        else:
            trace.update(
                type="scatter",
                mode="lines+markers",
                line={"color": colour, "width": 2},
                marker={"size": 4},
                connectgaps=False,
            )
        traces.append(trace)
    layout = {
        "template": _template(),
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "margin": {"l": 60, "r": 20, "t": 20, "b": 50},
        "barmode": "group",
        "font": {"family": "Helvetica, Arial, sans-serif", "size": 12},
        "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "showlegend": len(chart.series) > 1,
        "xaxis": {"title": {"text": chart.x_label}},
        "yaxis": {"title": {"text": chart.y_label}, "rangemode": "tozero"},
    }
    config = {"displaylogo": False, "responsive": False, "staticPlot": False}
    div = json.dumps(chart.id)
    script = (
        f"if (document.getElementById({div})) {{ Plotly.newPlot({div}, {_json(traces)}, "
        f"{_json(layout)}, {_json(config)}) }};"
    )
    return (
        (_plotly_script() if include_plotlyjs else "")
        + f'<div style="height:{CHART_HEIGHT}px; width:{CHART_WIDTH}px;">'
        + f'<div id="{html_escape(chart.id)}" class="plotly-graph-div" '
        + 'style="height:100%; width:100%;"></div>'
        + f'<script type="text/javascript">{script}</script></div>'
    )


def _plain(values: Sequence[Any]) -> list[Any]:
    """Values as JSON can hold them: numbers as Python's, NaN and infinities as null."""
    out: list[Any] = []
    for v in values:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            out.append(v)
        elif isinstance(v, Integral):
            out.append(int(v))
        elif isinstance(v, Real):
            f = float(v)
            out.append(f if math.isfinite(f) else None)
        else:
            out.append(str(v))
    return out


def _json(value: Any) -> str:
    """JSON for a script element: no ``</`` can close it early."""
    return json.dumps(value, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")


@lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """plotly's ``plotly_white`` template as plotly.js reads it (from the plotly package)."""
    text = resources.files("plotly").joinpath("package_data/templates/plotly_white.json")
    template: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return template


def fmt_cell(value: Any, spec: str | None = None) -> str:
    """A table cell as text: ``spec`` (a format like ``{:.1f}``) for numbers, an en dash if missing."""
    if value is None or (isinstance(value, float) and value != value):
        return "\u2013"
    if spec and isinstance(value, int | float):
        return spec.format(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def marker_runs(numbers: Sequence[int]) -> list[list[int]]:
    """Group sorted source numbers into runs of consecutive numbers: ``[1, 2, 3, 5]`` gives
    ``[[1, 2, 3], [5]]`` (a run of three or more is shown as ``[1]-[3]``)."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def render_html(brief: Brief) -> str:
    """The brief as a complete HTML document (a string)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_templates())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = fmt_cell
    charts: dict[str, str] = {}
    first = True
    for section in brief.sections:
        for chart in section.all_charts():
            # plotly.js once, before the first chart: the partial bundle of the dashboard
            # (scatter and bar, the only traces a brief draws; 1.2 MB instead of 4.8 MB)
            charts[chart.id] = chart_html(chart, include_plotlyjs=first)
            first = False
    numbers = {entry.id: entry.number for entry in brief.sources}

    def markers(ids: Sequence[str]) -> list[list[int]]:
        return marker_runs(sorted({numbers[i] for i in ids}))

    css = (_templates() / "brief.css").read_text(encoding="utf-8")
    template = env.get_template("brief.html.j2")
    return template.render(
        brief=brief,
        css=css,
        charts={k: _markup(v) for k, v in charts.items()},
        markers=markers,
        reproduce=commands(brief),
        data=described_data(brief),
    )


#: the partial plotly.js bundle the dashboard serves (vendored by ``make web-assets``)
PLOTLY_BUNDLE = (
    Path(__file__).resolve().parents[1] / "web" / "static" / "vendor" / "plotly-basic.min.js"
)


def _plotly_script() -> str:
    """plotly.js (basic bundle) as an inline script (the bundle holds no ``</script``, which
    would end the element early: tests/brief/test_render.py checks it)."""
    code = PLOTLY_BUNDLE.read_text(encoding="utf-8")
    return f'<script type="text/javascript">{code}</script>\n'


def _markup(html: str) -> Any:
    from markupsafe import Markup

    return Markup(html)  # plotly's own output: a div and a script with JSON data


def write_html(brief: Brief, path: Path) -> int:
    """Render the brief and write it to ``path`` atomically; returns the size in bytes."""
    return write_atomic(path, render_html(brief))
