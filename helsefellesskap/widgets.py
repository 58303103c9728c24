"""Form widgets that write their HTML in Python instead of through Django's widget templates.

Django draws a <select> with one template include per <option> (and one more for each
option's attributes); on the plan table's filter form that cost more than its 50 rows
(issue 9). These give the same elements and attributes, so labels, help texts'
aria-describedby and errors' aria-invalid (added by BoundField) are unchanged.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class Select(forms.Select):
    """A <select>, options and optgroups as Django's select.html draws them."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((opt["value"], flatatt(opt["attrs"]), opt["label"]) for opt in options),
            )
            if group_name:
                html = format_html('<optgroup label="{}">{}</optgroup>', group_name, html)
            groups.append(html)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(widget["attrs"]),
            mark_safe("".join(groups)),  # noqa: S308 -- each part escaped by format_html
        )


class TextInput(forms.TextInput):
    """An <input>, as Django's input.html draws it."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = {} if widget["value"] is None else {"value": widget["value"]}
        return format_html(
            '<input type="{}" name="{}"{}>', widget["type"], name, flatatt(shown | widget["attrs"])
        )
