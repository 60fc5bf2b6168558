"""SVG bar charts drawn at build time (no JavaScript, no external library, CSP-safe).

Why hand-written SVG: the charts must work without scripts, inline under ``style-src 'self'``
(so only presentation attributes, no style attributes), and stay readable on a phone. Every
text node is XML-escaped here, and each chart carries a <title>/<desc> for screen readers;
the page also prints the same numbers as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

PALETTE = ("#1f5fa8", "#c8553d", "#2a9d6f", "#8a5fb0", "#d69a00", "#4a4a4a", "#0d8a9e", "#b03a78")
SERIES = {"on_time": "#2a7d3f", "late": "#b3261e", "unknown": "#5f5f5f", "none": "#7a5c00",
          "q1": "#1f5fa8", "q2": "#2a9d6f", "q3": "#d69a00", "q4": "#8a5fb0"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _w(label: str) -> float:
    """Rough text width in px at 13px: CJK glyphs are about twice as wide as Latin ones."""
    return sum(13 if ord(ch) > 0x2E80 else 7.2 for ch in label)


def hbar(chart_id: str, title: str, rows: Sequence[tuple[str, float]], *, unit: str = "",
         percent: bool = False, color: str | None = None) -> Markup:
    """Horizontal bars, one per (label, value); values are absolute or percentages (0–100)."""
    if not rows:
        return Markup("")
    label_w = min(220, max(_w(label) for label, _ in rows) + 12)
    width, bar_h, gap, top = 640, 22, 10, 8
    plot = width - label_w - 70
    vmax = 100.0 if percent else max((v for _, v in rows), default=0) or 1
    height = top + len(rows) * (bar_h + gap)
    parts = [f'<svg class="chart" id="{_e(chart_id)}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{_e(chart_id)}-t" preserveAspectRatio="xMinYMin meet" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="{_e(chart_id)}-t">{_e(title)}</title>']
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = 0 if vmax == 0 else plot * float(value) / vmax
        fill = color or PALETTE[i % len(PALETTE)]
        shown = f"{value:.1f}%" if percent else f"{value:g}{unit}"
        parts.append(f'<text x="{label_w - 8:.0f}" y="{y + bar_h * 0.72:.1f}" text-anchor="end" '
                     f'font-size="13" fill="#1a1a1a">{_e(label)}</text>')
        parts.append(f'<rect x="{label_w:.0f}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" fill="{fill}"/>')
        parts.append(f'<text x="{label_w + max(w, 1) + 6:.1f}" y="{y + bar_h * 0.72:.1f}" font-size="13" '
                     f'fill="#1a1a1a">{_e(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked(chart_id: str, title: str, rows: Sequence[tuple[str, Sequence[tuple[str, str, float]]]],
            legend: Sequence[tuple[str, str]], absolute: bool = False, unit: str = "") -> Markup:
    """Stacked horizontal bars: rows of (label, [(series key, series label, value)]); each row
    fills the width (shares), or with ``absolute`` the longest row does and the total is
    printed after each bar with ``unit``."""
    if not rows:
        return Markup("")
    label_w = min(220, max(_w(label) for label, _ in rows) + 12)
    width, bar_h, gap, top = 640, 22, 10, 34
    plot = width - label_w - (80 if absolute else 20)
    height = top + len(rows) * (bar_h + gap)
    vmax = max((sum(v for _, _, v in segs) for _, segs in rows), default=0) or 1
    parts = [f'<svg class="chart" id="{_e(chart_id)}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{_e(chart_id)}-t" preserveAspectRatio="xMinYMin meet" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="{_e(chart_id)}-t">{_e(title)}</title>']
    x = label_w
    for key, name in legend:
        parts.append(f'<rect x="{x:.0f}" y="6" width="14" height="14" fill="{SERIES.get(key, "#777")}"/>')
        parts.append(f'<text x="{x + 18:.0f}" y="18" font-size="13" fill="#1a1a1a">{_e(name)}</text>')
        x += 18 + _w(name) + 18
    for i, (label, segs) in enumerate(rows):
        y = top + i * (bar_h + gap)
        total = (vmax if absolute else sum(v for _, _, v in segs)) or 1
        parts.append(f'<text x="{label_w - 8:.0f}" y="{y + bar_h * 0.72:.1f}" text-anchor="end" '
                     f'font-size="13" fill="#1a1a1a">{_e(label)}</text>')
        x = float(label_w)
        for key, name, v in segs:
            w = plot * v / total
            if w <= 0:
                continue
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                         f'fill="{SERIES.get(key, "#777")}"><title>{_e(name)}: {v:g}</title></rect>')
            if w > 28:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + bar_h * 0.72:.1f}" text-anchor="middle" '
                             f'font-size="12" fill="#ffffff">{v:g}</text>')
            x += w
        if absolute:
            parts.append(f'<text x="{x + 6:.1f}" y="{y + bar_h * 0.72:.1f}" font-size="13" fill="#1a1a1a">'
                         f'{_e(f"{sum(v for _, _, v in segs):g}{unit}")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
