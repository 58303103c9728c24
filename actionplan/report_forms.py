"""Forms of the annual report pages. They validate input; the services
(actionplan/services/) save it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import limit_committee_choice
from .models import Committee, Plan


class ReportRequestForm(forms.Form):
    """Ask for the annual report: a plan, a revision year, and the whole plan or one committee."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.all(), empty_label=None)
    year = forms.TypedChoiceField(label=_("Revision year"), coerce=int, choices=())
    committee = forms.ModelChoiceField(
        label=_("Scope"),
        queryset=Committee.objects.all(),
        required=False,
        empty_label=_("Whole plan"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = list(Plan.objects.all())
        years = sorted({year for plan in plans for year in plan.years}, reverse=True)
        self.fields["year"].choices = [(year, year) for year in years]
        current = Plan.objects.current()
        if current is not None:
            self.fields["plan"].initial = current.pk
            self.fields["year"].initial = current.default_year()
        # Editors ask only for their own committees' reports.
        limit_committee_choice(self.fields["committee"], user)

    def clean(self):
        data = super().clean()
        plan, year = data.get("plan"), data.get("year")
        if plan and year and year not in plan.years:
            self.add_error("year", plan.year_error())
        return data
