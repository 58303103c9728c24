"""The styleguide: every building block of the look on one page, for the secretariat and the
browser tests. It lives with the plan because its samples are the plan's statuses."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ..models import Status
from ..rights import can_see_styleguide, require


class _SampleForm(forms.Form):
    """A form with every kind of field the portal uses, to show fields and errors."""

    title = forms.CharField(label=_("Measure"), help_text=_("As it stands in the plan."))
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=forms.RadioSelect)
    year = forms.ChoiceField(label=_("Year"), choices=[(y, y) for y in (2024, 2025, 2026)])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)
    priority = forms.BooleanField(label=_("Aimed at a priority patient group"), required=False)


@login_required
def styleguide(request):
    """Every building block of the look on one page, for the secretariat and the browser tests."""
    require(can_see_styleguide(request.user))
    form = _SampleForm(request.GET if "title" in request.GET else None)
    if form.is_bound:
        form.is_valid()
    context = {
        "form": form,
        "statuses": Status,
        "breadcrumbs": [(_("Building blocks of the look"), None)],
    }
    return render(request, "design/styleguide.html", context)
