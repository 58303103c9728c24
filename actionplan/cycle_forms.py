"""Forms of the yearly cycle: the revision deadline and the next plan period. They validate
input; the services (actionplan/services/) and the models' own state changes save it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from helsefellesskap.forms import OneLineFieldsMixin

from .models import RevisionYear

#: The longest plan period the form accepts (the plans so far run four years).
MAX_PLAN_YEARS = 10


class DeadlineForm(OneLineFieldsMixin, forms.ModelForm):
    """The deadline of the open revision year."""

    class Meta:
        model = RevisionYear
        fields = ["deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "deadline": _("Editors are reminded by e-mail before this date (leave empty: none).")
        }

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        year = self.instance.year
        if deadline and not (year <= deadline.year <= year + 1):
            raise forms.ValidationError(
                _("The deadline must fall in %(year)s or the year after.") % {"year": year}
            )
        return deadline


class NextPlanForm(OneLineFieldsMixin, forms.Form):
    """The new plan's title and period; it must start after the current one."""

    title = forms.CharField(label=_("Title"), max_length=300)
    start_year = forms.IntegerField(label=_("First year of the period"))
    end_year = forms.IntegerField(label=_("Last year of the period"))

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        length = plan.end_year - plan.start_year
        initial = {
            "start_year": plan.end_year + 1,
            "end_year": plan.end_year + 1 + length,
            "title": _("Joint action plan %(start)s–%(end)s")
            % {"start": plan.end_year + 1, "end": plan.end_year + 1 + length},
        }
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start is None or end is None:
            return data
        if start <= self.plan.start_year:
            self.add_error(
                "start_year",
                _("The new plan must start after %(year)s.") % {"year": self.plan.start_year},
            )
        if end < start:
            self.add_error("end_year", _("The last year cannot come before the first."))
        elif end - start >= MAX_PLAN_YEARS:
            self.add_error(
                "end_year", _("A plan period is at most %(n)s years.") % {"n": MAX_PLAN_YEARS}
            )
        return data
