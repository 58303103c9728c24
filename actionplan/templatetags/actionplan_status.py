"""{% status_badge %}: the status badge partial, rendered once per status, year and language.

The plan table and committee pages draw hundreds of badges; rendering the partial for each
would cost most of the page (issue 9). The badge depends only on its status, year and the
active language, so each variant is rendered from includes/_status_badge.html once and reused.
"""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple, str] = {}


@register.simple_tag
def status_badge(status, year=None):
    """The badge for a Status code ("" or None: not reported), naming `year` if given."""
    key = (get_language(), status or "", year)
    html = _rendered.get(key)
    if html is None or settings.DEBUG:
        html = render_to_string(
            "includes/_status_badge.html", {"status": status or "", "year": year}
        ).strip()
        _rendered[key] = html
    return mark_safe(html)  # noqa: S308 -- rendered from our own template, autoescaped there


@register.simple_tag
def status_cell(measure_status):
    """A year cell: the badge of a MeasureStatus (None: not reported) and its note."""
    badge = status_badge(getattr(measure_status, "status", ""))
    note = getattr(measure_status, "note", "")
    if not note:
        return badge
    return format_html('{}<span class="status-note">{}</span>', badge, note)
