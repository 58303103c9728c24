"""The header row and the page links of the portal's tables (templates/includes/table.html).

Written in Python rather than as template loops: django-tables2's per-column tags
(querystring_replace, attribute rendering) cost the plan table about as much as its 50 rows'
worth of links (issue 9). The HTML is the same as the template's was, link for link.
"""

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django_tables2.templatetags.django_tables2 import table_page_range

register = template.Library()


def _link(request, key, value, *, without=None) -> str:
    """What {% querystring_replace key=value without ... %} gives: this page's query with one
    key set (and one left out)."""
    params = dict(request.GET)
    params[key] = value
    params.pop(without, None)
    return escape("?" + urlencode(params, doseq=True))


@register.simple_tag(takes_context=True)
def table_head(context, table):
    """One <th scope="col"> per column: aria-sort on the sorted one, a sort link on those
    that sort. A sort link starts again from the first page: page 3 of another order is
    another set of rows."""
    request = context["request"]
    field = table.prefixed_order_by_field
    cells = []
    for column in table.columns:
        descending = column.is_ordered and column.order_by_alias.is_descending
        sort = ""
        if column.is_ordered:
            sort = ' aria-sort="descending"' if descending else ' aria-sort="ascending"'
        content = format_html("{}", column.header)
        if column.orderable:
            indicator = ("▼" if descending else "▲") if column.is_ordered else "↕"
            content = format_html(
                '<a class="sort-link" href="{}">{}<span class="sort-indicator" '
                'aria-hidden="true">{}</span></a>',
                mark_safe(  # noqa: S308 - escaped by _link
                    _link(
                        request,
                        field,
                        column.order_by_alias.next,
                        without=table.prefixed_page_field,
                    )
                ),
                content,
                indicator,
            )
        cells.append(
            format_html(
                '<th scope="col" {}{}>{}</th>',
                column.attrs["th"].as_html(),
                mark_safe(sort),  # noqa: S308 - one of two fixed strings
                content,
            )
        )
    return mark_safe("".join(cells))  # noqa: S308 - each cell built by format_html


@register.simple_tag(takes_context=True)
def table_page_links(context, table):
    """The <li> items of the pagination: previous, the pages (the current one marked), next."""
    request, page, field = context["request"], table.page, table.prefixed_page_field
    items = []
    if page.has_previous():
        items.append(
            format_html(
                '<li><a rel="prev" href="{}">{}</a></li>',
                mark_safe(_link(request, field, page.previous_page_number())),  # noqa: S308
                gettext("Previous page"),
            )
        )
    label = gettext("Page")
    for number in table_page_range(page, table.paginator):
        if number == "...":
            items.append(mark_safe('<li><span aria-hidden="true">…</span></li>'))
            continue
        current = ' aria-current="page"' if number == page.number else ""
        items.append(
            format_html(
                '<li><a{} href="{}"><span class="visually-hidden">{} </span>{}</a></li>',
                mark_safe(current),  # noqa: S308 - a fixed string
                mark_safe(_link(request, field, number)),  # noqa: S308 - escaped by _link
                label,
                number,
            )
        )
    if page.has_next():
        items.append(
            format_html(
                '<li><a rel="next" href="{}">{}</a></li>',
                mark_safe(_link(request, field, page.next_page_number())),  # noqa: S308
                gettext("Next page"),
            )
        )
    return format_html_join("\n", "{}", ((item,) for item in items))
