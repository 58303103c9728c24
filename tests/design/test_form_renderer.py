"""Every form looks and reports its errors one way: `{{ form }}` is the error summary followed
by each field with its label, help text and error tied to the widget."""

import pytest
from django import forms
from django.template import Context, Template

from actionplan.forms import GoalForm
from guidelines.forms import AttachmentForm as GuidelineAttachmentForm
from meetings.forms import AttachmentForm as MeetingAttachmentForm


def _rendered(form) -> str:
    return Template("{{ form }}").render(Context({"form": form}))


@pytest.mark.parametrize("form_class", [GoalForm, GuidelineAttachmentForm, MeetingAttachmentForm])
def test_a_form_with_errors_opens_with_the_summary_linking_each_field(form_class, db):
    form = form_class(data={})
    assert not form.is_valid()
    form.add_error(None, "Something about the whole form")
    html = _rendered(form)

    summary = html[html.index("<ds-error-summary") : html.index("</ds-error-summary>")]
    assert "Something about the whole form" in summary
    for name, errors in form.errors.items():
        if name != "__all__":
            field = form[name]
            assert f'href="#{field.id_for_label or field.auto_id}' in summary or field.use_fieldset
            assert str(errors[0]) in summary
    assert html.index("</ds-error-summary>") < html.index("<label")


def test_each_field_carries_its_error_next_to_it_and_is_described_by_it():
    class Form(forms.Form):
        title = forms.CharField(label="Title", help_text="A short name.")

    html = _rendered(Form(data={}))
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_title_helptext id_title_error"' in html
    assert 'id="id_title_error"' in html
    assert "field__required" in html


def test_a_form_without_errors_has_no_summary():
    class Form(forms.Form):
        title = forms.CharField()

    assert "ds-error-summary" not in _rendered(Form())
