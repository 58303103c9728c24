"""The status badge and a year's status cell as HTML, each variant rendered once per status,
year and language (issue 9): the plan table and committee pages draw hundreds of them. Used by
the template tags (templatetags/actionplan_status.py) and the editable cells (partials.py).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_rendered: dict[tuple, SafeString] = {}


def badge(language: str, status, year=None) -> SafeString:
    """includes/_status_badge.html for a Status code ("" or None: not reported)."""
    key = (language, status or "", year)
    html = _rendered.get(key)
    if html is None or settings.DEBUG:
        html = render_to_string(
            "includes/_status_badge.html", {"status": status or "", "year": year}
        ).strip()
        # Rendered from our own template, autoescaped there.
        html = _rendered[key] = mark_safe(html)  # noqa: S308
    return html


def cell(language: str, measure_status) -> str:
    """A year's cell: the badge of a MeasureStatus (None: not reported) and its note."""
    html = badge(language, getattr(measure_status, "status", ""))
    note = getattr(measure_status, "note", "")
    if not note:
        return html
    return format_html('{}<span class="status-note">{}</span>', html, note)


def year_cell_class(year, current_year) -> str:
    """The class of a year's cell: years other than `current_year` fold away on the page
    until "Show all years" (static/css/actionplan.css); None: no year folds."""
    if current_year is None or year == current_year:
        return "status-cell"
    return "status-cell year-other"
