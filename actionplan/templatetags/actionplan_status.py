"""{% status_badge %}, {% status_cell %}, {% status_cells %}: the status badge partial, rendered
once per status, year and language.

The plan table and committee pages draw hundreds of badges; rendering the partial for each
would cost most of the page (issue 9). The badge depends only on its status, year and the
active language, so each variant is rendered from includes/_status_badge.html once and reused
(actionplan/status_html.py).
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..status_html import _rendered, badge, cell, year_cell_class

register = template.Library()

__all__ = ["_rendered", "register", "status_badge", "status_cell", "status_cells"]


@register.simple_tag
def status_badge(status, year=None):
    """The badge for a Status code ("" or None: not reported), naming `year` if given."""
    return badge(get_language(), status, year)


@register.simple_tag
def status_cell(measure_status):
    """A year cell: the badge of a MeasureStatus (None: not reported) and its note."""
    return cell(get_language(), measure_status)


@register.simple_tag
def status_cells(year_cells, current_year=None):
    """A <td class="status-cell"> for each (year, MeasureStatus or None) of a row: one tag
    per row instead of a loop of tags, which cost a plan-table page 200 cells (issue 9).
    Each names its year (data-label) for the card layout on a phone."""
    language = get_language()
    # Joined as text: each cell is safe already (our badge; the note escaped by cell()).
    return mark_safe(  # noqa: S308
        "".join(
            f'<td class="{year_cell_class(year, current_year)}" data-label="{int(year)}">'
            f"{cell(language, measure_status)}</td>"
            for year, measure_status in year_cells
        )
    )
