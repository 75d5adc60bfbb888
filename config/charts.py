"""Bar charts drawn on the server as inline SVG: no script, no third party.

Shared by trainings' evaluation results and measures' trend charts (moved here from
``trainings/evaluations/results.py`` so that apps in the same layer can both use it without
importing each other). Every chart has a ``<title>`` and a ``<desc>`` and sits beside a table
of the same figures; a value of ``None`` draws no bar, so a hidden figure is never drawn.
"""

from django.utils.html import format_html, format_html_join

CHART_WIDTH, CHART_HEIGHT = 480, 250
LEFT, BOTTOM, TOP = 44, 44, 12
SERIES_CLASSES = ("chart-bar-a", "chart-bar-b")


def bar_chart(
    title: str,
    description: str,
    labels: list[str],
    series: list[tuple[str, list]],
    maximum=None,
    *,
    css_class: str = "bar-chart",
):
    """Grouped bars as inline SVG. ``series`` is [(name, values)], a value None when hidden (no bar drawn).

    Labels are short codes (Q1, 2026-03, a score), never typed text; all text is escaped anyway.
    """
    values = [v for _, vs in series for v in vs if v is not None]
    top = maximum or max([*values, 1])
    plot_w, plot_h = CHART_WIDTH - LEFT - 8, CHART_HEIGHT - BOTTOM - TOP
    group_w = plot_w / max(len(labels), 1)
    bar_w = min(40, group_w * 0.8 / max(len(series), 1))
    parts = []
    for tick in (0, 0.5, 1):
        y = TOP + plot_h * (1 - tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-grid"/><text x="{}" y="{}" '
                'class="chart-axis" text-anchor="end">{}</text>',
                LEFT,
                round(y, 1),
                CHART_WIDTH - 8,
                round(y, 1),
                LEFT - 4,
                round(y + 4, 1),
                f"{top * tick:g}",
            )
        )
    for g, label in enumerate(labels):
        x0 = LEFT + g * group_w + (group_w - bar_w * len(series)) / 2
        for s, (_, vs) in enumerate(series):
            value = vs[g]
            if value is None:
                continue
            h = plot_h * value / top if top else 0
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{}</title></rect>',
                    round(x0 + s * bar_w, 1),
                    round(TOP + plot_h - h, 1),
                    round(bar_w - 2, 1),
                    round(h, 1),
                    SERIES_CLASSES[s % 2],
                    f"{label}, {series[s][0]}: {value}",
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-axis" text-anchor="middle">{}</text>',
                round(LEFT + g * group_w + group_w / 2, 1),
                CHART_HEIGHT - BOTTOM + 16,
                label,
            )
        )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="14" height="14" class="{}"/>'
        '<text x="{}" y="{}" class="chart-axis">{}</text>',
        (
            (
                LEFT + i * 180,
                CHART_HEIGHT - 16,
                SERIES_CLASSES[i % 2],
                LEFT + i * 180 + 18,
                CHART_HEIGHT - 4,
                name,
            )
            for i, (name, _) in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}{}</svg>',
        css_class,
        CHART_WIDTH,
        CHART_HEIGHT,
        _slug(title),
        _slug(title),
        _slug(title),
        title,
        _slug(title),
        description,
        format_html_join("", "{}", ((p,) for p in parts)),
        legend,
    )


def _slug(text: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in text.lower())[:40]
