"""Server-rendered SVG charts for the PDFs: plain markup, no JavaScript, no fonts fetched.

Labels are escaped; the text uses the document's CJK font through CSS.
"""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int | None  # None: no target to compare with
    expected: int | None = None  # where the straight line to the target stands now


def bar_chart(bars: list[Bar], *, title: str, width: int = 480, cap: int = 150) -> SafeString:
    """Horizontal bars of attainment (%), a line at 100 % and a tick for the expected share."""
    label_width, row, top = 150, 22, 28
    plot = width - label_width - 50
    height = top + row * len(bars) + 22

    def x(percent: float) -> float:
        return label_width + plot * min(percent, cap) / cap

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-size="12" font-weight="bold">{escape(title)}</text>',
    ]
    for i, bar in enumerate(bars):
        y = top + i * row
        label = bar.label if len(bar.label) <= 10 else bar.label[:9] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" font-size="10" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        if bar.percent is None:
            parts.append(f'<text x="{label_width + 4}" y="{y + 14}" font-size="9">—</text>')
            continue
        behind = bar.expected is not None and bar.percent < bar.expected
        colour = "#b02a37" if behind else ("#1e7b45" if bar.percent >= 100 else "#2d6cb5")
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{x(bar.percent) - label_width:.1f}" '
            f'height="13" fill="{colour}"/>'
        )
        if bar.expected is not None:
            ex = x(bar.expected)
            parts.append(
                f'<line x1="{ex:.1f}" y1="{y + 2}" x2="{ex:.1f}" y2="{y + 19}" '
                f'stroke="#333" stroke-width="1.5"/>'
            )
        parts.append(
            f'<text x="{x(bar.percent) + 4:.1f}" y="{y + 14}" font-size="9">{bar.percent}%</text>'
        )
    hundred = x(100)
    bottom = top + row * len(bars)
    parts.append(
        f'<line x1="{hundred:.1f}" y1="{top}" x2="{hundred:.1f}" y2="{bottom}" '
        f'stroke="#888" stroke-dasharray="3,2"/>'
        f'<text x="{hundred:.1f}" y="{bottom + 14}" font-size="9" text-anchor="middle">100%</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
