"""Server-rendered SVG charts of status counts, for the web pages and the PDF report alike.

Pure functions of StatusCounts: no database, no request, so the annual report can render
them in a worker and the pages can cache them. Every chart carries a <title> and a <desc>
that say in words what it shows, writes the numbers on the bars, and marks each status with
a pattern as well as a colour, so colour is never the only cue.
"""

import hashlib
from collections.abc import Mapping

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import StatusCounts

# Fill colour, pattern line colour; the numbers sit on a white label so their contrast does
# not depend on the fill.
_STYLE = {
    "done": ("#2e7d32", None),
    "in_progress": ("#f2c94c", "#8a6d00"),
    "not_done": ("#c62828", "#ffffff"),
    "not_reported": ("#d5dbe1", "#5b6670"),
}
_LABEL_TEXT = "#1e2b3c"


def _chart_id(*parts) -> str:
    """A stable id prefix, so two charts on a page differ and one chart always renders alike."""
    return "c" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:10]


def _patterns(cid: str) -> str:
    """One pattern per status: solid, diagonal stripes, cross-hatch, dots."""
    return (
        f'<pattern id="{cid}-in_progress" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" '
        f'stroke="{_STYLE["in_progress"][1]}" stroke-width="2"/></pattern>'
        f'<pattern id="{cid}-not_done" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<path d="M0 0L6 6M6 0L0 6" stroke="{_STYLE["not_done"][1]}" stroke-width="1"/>'
        f"</pattern>"
        f'<pattern id="{cid}-not_reported" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<circle cx="2.5" cy="2.5" r="0.9" fill="{_STYLE["not_reported"][1]}"/></pattern>'
    )


def _segment(cid: str, code: str, x: float, y: float, w: float, h: float) -> str:
    fill, pattern = _STYLE[code]
    rect = f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" fill="{fill}"/>'
    if pattern:
        rect += (
            f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" '
            f'fill="url(#{cid}-{code})"/>'
        )
    return rect


def _number(value: int, cx: float, cy: float) -> str:
    """A count on a white label, centred on (cx, cy)."""
    text = str(value)
    w = 7 * len(text) + 6
    return (
        f'<rect x="{cx - w / 2:.2f}" y="{cy - 8:.2f}" width="{w}" height="16" rx="3" '
        f'fill="#ffffff" fill-opacity="0.92"/>'
        f'<text x="{cx:.2f}" y="{cy + 4:.2f}" text-anchor="middle" font-size="12" '
        f'font-weight="700" fill="{_LABEL_TEXT}">{text}</text>'
    )


_LEGEND_LINE = 17


def _legend(cid: str, y: float) -> str:
    """Swatch and label for each status, one per line below the chart (labels can be long)."""
    parts = []
    for i, (code, label, _count) in enumerate(StatusCounts().items()):
        top = y + i * _LEGEND_LINE
        parts.append(_segment(cid, code, 0, top, 12, 12))
        parts.append(
            f'<rect x="0" y="{top:.2f}" width="12" height="12" fill="none" stroke="#5b6670"/>'
        )
        parts.append(
            f'<text x="18" y="{top + 10:.2f}" font-size="11" fill="{_LABEL_TEXT}">'
            f"{escape(label)}</text>"
        )
    return "".join(parts)


def _legend_height() -> int:
    return 8 + _LEGEND_LINE * len(StatusCounts.ORDER)


def describe_counts(counts: StatusCounts) -> str:
    """The counts in words, e.g. "Carried out: 3, Being planned / in progress: 1, …"."""
    return ", ".join(f"{label}: {count}" for _code, label, count in counts.items())


def _svg(cid: str, width: float, height: float, title: str, desc: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 -- every text part is escaped above, numbers are ints
        f'<svg xmlns="http://www.w3.org/2000/svg" class="status-chart" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="sans-serif">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>'
        f"<defs>{_patterns(cid)}</defs>{body}</svg>"
    )


def status_bar_svg(
    counts: StatusCounts,
    *,
    title: str,
    width: int = 320,
    height: int = 24,
    legend: bool = False,
    chart_id: str | None = None,
) -> SafeString:
    """One horizontal bar split by status, with the count written on every segment.

    `title` names what is counted (e.g. "Rehabilitering, 2025"); the <desc> lists every
    status with its count. With `legend=True` a key is drawn below the bar (for the PDF,
    where the HTML legend is not beside it).
    """
    cid = chart_id or _chart_id("bar", title, counts, width, height, legend)
    total = counts.total
    body, x = [], 0.0
    if total == 0:
        # Outside the f-string: makemessages cannot see a call inside one.
        empty = escape(_("No measures"))
        body.append(
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff" '
            f'stroke="#5b6670" stroke-dasharray="4 3"/>'
            f'<text x="{width / 2:.2f}" y="{height / 2 + 4:.2f}" text-anchor="middle" '
            f'font-size="12" fill="{_LABEL_TEXT}">{empty}</text>'
        )
    for code, _label, count in counts.items() if total else ():
        if not count:
            continue
        w = width * count / total
        body.append(_segment(cid, code, x, 0, w, height))
        # A count gets a label when it fits; the <desc> and the page's text carry all of them.
        if w >= 7 * len(str(count)) + 6:
            body.append(_number(count, x + w / 2, height / 2))
        x += w
    full_height = height
    if legend:
        body.append(_legend(cid, height + 8))
        full_height = height + _legend_height()
    desc = _("%(total)s measures. %(counts)s.") % {
        "total": total,
        "counts": describe_counts(counts),
    }
    return _svg(cid, width, full_height, title, desc, "".join(body))


def status_years_svg(
    counts_by_year: Mapping[int, StatusCounts],
    *,
    title: str,
    column_width: int = 56,
    height: int = 200,
    legend: bool = True,
    chart_id: str | None = None,
) -> SafeString:
    """A column per year, each stacked by status with its counts, the year written below.

    All columns share one scale (the largest year's total) so years compare at a glance.
    """
    years = list(counts_by_year)
    cid = chart_id or _chart_id("years", title, sorted(counts_by_year.items()), height, legend)
    gap, axis = 24, 20
    width = max(len(years) * (column_width + gap) + gap, 220 if legend else 0)
    top = 4
    plot_h = height - axis - top
    largest = max((c.total for c in counts_by_year.values()), default=0) or 1
    body, descs = [], []
    for i, year in enumerate(years):
        counts = counts_by_year[year]
        x = gap + i * (column_width + gap)
        y = top + plot_h
        for code, _label, count in counts.items():
            if not count:
                continue
            h = plot_h * count / largest
            y -= h
            body.append(_segment(cid, code, x, y, column_width, h))
            if h >= 16:
                body.append(_number(count, x + column_width / 2, y + h / 2))
        body.append(
            f'<text x="{x + column_width / 2:.2f}" y="{top + plot_h + 15:.2f}" '
            f'text-anchor="middle" font-size="12" fill="{_LABEL_TEXT}">{year}</text>'
        )
        descs.append(f"{year}: {describe_counts(counts)}")
    body.append(
        f'<line x1="{gap / 2:.2f}" y1="{top + plot_h:.2f}" x2="{width - gap / 2:.2f}" '
        f'y2="{top + plot_h:.2f}" stroke="#5b6670"/>'
    )
    full_height = height
    if legend:
        body.append(_legend(cid, height + 8))
        full_height = height + _legend_height()
    return _svg(cid, width, full_height, title, ". ".join(descs) + ".", "".join(body))
