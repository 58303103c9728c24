"""The widgets drawn in Python give the same HTML as Django's widget templates."""

import pytest
from django import forms
from django.test.html import parse_html

from helsefellesskap import widgets

CHOICES = [("", "All"), ("a", "A & B"), ("Group <1>", [("b", "B"), ("c", 'C "quoted"')])]


def _same_html(ours: str, django: str) -> bool:
    # Parsed, so attribute order and whitespace between elements do not count.
    return parse_html(ours) == parse_html(django)


@pytest.mark.parametrize("value", [None, "", "a", "c"])
def test_select_matches_djangos_template(value):
    attrs = {"id": "id_s", "aria-describedby": "id_s_helptext", "aria-invalid": "true"}
    ours = widgets.Select(choices=CHOICES).render("s", value, attrs)
    django = forms.Select(choices=CHOICES).render("s", value, attrs)
    assert _same_html(ours, django), (ours, django)


def test_select_marks_the_chosen_option_and_escapes_labels():
    html = widgets.Select(choices=CHOICES).render("s", "c", {"id": "id_s"})
    assert '<option value="c" selected>C &quot;quoted&quot;</option>' in html
    assert '<optgroup label="Group &lt;1&gt;">' in html
    assert "A &amp; B" in html


@pytest.mark.parametrize("value", [None, "", 'a "b" <c>'])
def test_text_input_matches_djangos_template(value):
    attrs = {"id": "id_q", "aria-describedby": "id_q_helptext", "required": True}
    ours = widgets.TextInput(attrs={"autocomplete": "off"}).render("q", value, attrs)
    django = forms.TextInput(attrs={"autocomplete": "off"}).render("q", value, attrs)
    assert _same_html(ours, django), (ours, django)


def test_bound_field_adds_its_help_text_and_error_attributes():
    class Form(forms.Form):
        s = forms.ChoiceField(choices=CHOICES, help_text="Pick one", widget=widgets.Select)

    form = Form({"s": "nonsense"})
    html = str(form["s"])
    assert 'aria-describedby="id_s_helptext id_s_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<select name="s"' in html
