"""Forms for organisers. They validate input; the services (meetings/services.py) save it."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from actionplan.forms import limit_committee_choice
from actionplan.models import Committee, Measure, Person
from actionplan.rights import committees_edited_by, limit_to_edited_committees
from helsefellesskap.forms import OneLineFieldsMixin

from .models import (
    ActionPoint,
    AgendaItem,
    Attachment,
    Meeting,
    MeetingSeries,
    SeriesException,
    Weekday,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OrganiserFormMixin:
    """Limits the committee choice to the committees the user organises meetings for.

    The secretariat may leave the committee empty (county-wide meetings and the like); a
    committee's editor must choose one of their committees, which is what makes the meeting
    theirs to edit afterwards.
    """

    def limit_committees(self, user):
        limit_committee_choice(self.fields["committee"], user)


class MeetingSeriesForm(OneLineFieldsMixin, OrganiserFormMixin, forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MeetingSeries
        fields = [
            "name",
            "forum",
            "committee",
            "participants",
            "leader",
            "led_by",
            "place",
            "video_link",
            "description",
            "frequency",
            "weekdays",
            "week_of_month",
            "start_time",
            "end_time",
            "valid_from",
            "valid_until",
            "schedule_confirmed",
        ]
        widgets = {
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "participants": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_committees(user)


class SeriesExceptionForm(OneLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = SeriesException
        fields = ["original_date", "cancelled", "new_start", "new_end", "note"]
        widgets = {
            "original_date": DateInput(),
            "new_start": DateTimeInput(),
            "new_end": DateTimeInput(),
        }

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.series = series

    def clean_original_date(self):
        # The series is not a form field, so the unique constraint is not checked for us.
        day = self.cleaned_data["original_date"]
        taken = self.instance.series.exceptions.filter(original_date=day)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This date has already been changed."))
        return day


class MeetingForm(OneLineFieldsMixin, OrganiserFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "title",
            "series",
            "committee",
            "date",
            "start_time",
            "end_time",
            "date_note",
            "place",
            "video_link",
            "purpose",
            "minutes",
            "is_public",
        ]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_committees(user)
        series = self.fields["series"]
        series.queryset = limit_to_edited_committees(
            MeetingSeries.objects.select_related("committee"), user
        )


class AgendaItemForm(OneLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "order",
            "title",
            "presenter_text",
            "presenter",
            "description",
            "question",
            "answers",
            "summary",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "question": forms.Textarea(attrs={"rows": 2}),
            "answers": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }


def agenda_formset_class(extra: int = 1):
    """The agenda as a formset; `extra` blank forms (more when a draft agenda pre-fills them)."""
    return inlineformset_factory(
        Meeting, AgendaItem, form=AgendaItemForm, extra=extra, can_delete=True
    )


AgendaItemFormSet = agenda_formset_class()


class DraftAgendaForm(forms.Form):
    """Choose the committee whose open items pre-fill a new meeting's agenda."""

    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees_edited_by(user)


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.goal.committee.short_name}: {obj.text[:90]}"


class ActionPointForm(OneLineFieldsMixin, forms.ModelForm):
    measure = MeasureChoiceField(
        label=_("Plan measure"),
        queryset=Measure.objects.none(),
        required=False,
    )

    class Meta:
        model = ActionPoint
        fields = [
            "topic",
            "text",
            "contact_person",
            "responsible_organisation",
            "due_date",
            "status",
            "follow_up",
            "measure",
            "committee",
        ]
        widgets = {
            "due_date": DateInput(),
            "text": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        measures = Measure.objects.active().select_related("goal__committee").in_plan_order()
        # An editor points action points only at the committees they edit, and at those
        # committees' measures: the page of another committee is not theirs to write on.
        self.fields["measure"].queryset = limit_to_edited_committees(
            measures, user, "goal__committee"
        )
        self.fields["committee"].queryset = limit_to_edited_committees(
            self.fields["committee"].queryset, user, "pk"
        )
        self.fields["contact_person"].queryset = Person.objects.order_by("name")


class AttachmentForm(OneLineFieldsMixin, forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["title", "file"]
