"""{% status_badge %}: the status badge partial, rendered once per status, year and language.

The plan table and committee pages draw hundreds of badges; rendering the partial for each
would cost most of the page (issue 9). The badge depends only on its status, year and the
active language, so each variant is rendered from includes/_status_badge.html once and reused.
"""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple, SafeString] = {}


def _badge(language: str, status, year=None) -> SafeString:
    key = (language, status or "", year)
    html = _rendered.get(key)
    if html is None or settings.DEBUG:
        html = render_to_string(
            "includes/_status_badge.html", {"status": status or "", "year": year}
        ).strip()
        # Rendered from our own template, autoescaped there.
        html = _rendered[key] = mark_safe(html)  # noqa: S308
    return html


def _cell(language: str, measure_status) -> str:
    badge = _badge(language, getattr(measure_status, "status", ""))
    note = getattr(measure_status, "note", "")
    if not note:
        return badge
    return format_html('{}<span class="status-note">{}</span>', badge, note)


@register.simple_tag
def status_badge(status, year=None):
    """The badge for a Status code ("" or None: not reported), naming `year` if given."""
    return _badge(get_language(), status, year)


@register.simple_tag
def status_cell(measure_status):
    """A year cell: the badge of a MeasureStatus (None: not reported) and its note."""
    return _cell(get_language(), measure_status)


def year_cell_class(year, current_year) -> str:
    """The class of a year's cell: years other than `current_year` fold away on the page
    until "Show all years" (static/css/actionplan.css); None: no year folds."""
    if current_year is None or year == current_year:
        return "status-cell"
    return "status-cell year-other"


@register.simple_tag
def status_cells(year_cells, current_year=None):
    """A <td class="status-cell"> for each (year, MeasureStatus or None) of a row: one tag
    per row instead of a loop of tags, which cost a plan-table page 200 cells (issue 9).
    Each names its year (data-label) for the card layout on a phone."""
    language = get_language()
    # Joined as text: each cell is safe already (our badge; the note escaped by _cell).
    return mark_safe(  # noqa: S308
        "".join(
            f'<td class="{year_cell_class(year, current_year)}" data-label="{int(year)}">'
            f"{_cell(language, measure_status)}</td>"
            for year, measure_status in year_cells
        )
    )
