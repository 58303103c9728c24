"""Forms for editing the plan. They validate input; the services (actionplan/services/) save it."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helsefellesskap.forms import OneLineFieldsMixin

from .models import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Goal,
    Measure,
    PriorityGroup,
    Status,
    SubGoal,
)
from .rights import edits_every_committee, limit_to_edited_committees

#: Longest text of a goal, sub-goal or measure field (the longest in the real plan is ~600).
TEXT_MAX_LENGTH = 3000


class VersionField(forms.IntegerField):
    """The version the editor's page showed; the save is refused if it is no longer current."""

    widget = forms.HiddenInput

    default_error_messages = {
        "invalid": _("The page sent a damaged version number; reload the page and try again."),
        "required": _("The page sent no version number; reload the page and try again."),
    }

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=2**31 - 1, **kwargs)
        # One clear message for any number a real page never sends.
        self.error_messages["min_value"] = self.error_messages["invalid"]
        self.error_messages["max_value"] = self.error_messages["invalid"]


class ReasonField(forms.CharField):
    """Why the secretariat corrects a locked year or restores a version (goes into history)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason for the correction"))
        kwargs.setdefault("required", False)
        super().__init__(max_length=REASON_MAX_LENGTH, **kwargs)


def _status_choices(blank_label=None):
    choices = list(Status.choices)
    if blank_label:
        choices.insert(0, ("", blank_label))
    return choices


class StatusForm(OneLineFieldsMixin, forms.Form):
    """A measure's status for one year, with a short comment (and, for a locked year, the
    secretariat's one-line reason, kept in the history)."""

    # A blank first choice, so a first status is a deliberate choice, not the list's top item.
    status = forms.ChoiceField(label=_("Status"), choices=_status_choices(_("– choose a status –")))
    note = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional, at most %(max)s characters.") % {"max": NOTE_MAX_LENGTH},
    )
    version = VersionField()
    reason = ReasonField()


class StatusRowForm(forms.Form):
    """One row of the "report the year" page: a measure's status and comment."""

    measure = forms.IntegerField(widget=forms.HiddenInput)
    version = VersionField()
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_status_choices(_("– no status –"))
    )
    note = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StatusRowFormSet(forms.BaseFormSet):
    """All of a committee's measures for one year; rows must be exactly the given measures."""

    def __init__(self, *args, measures, **kwargs):
        self.measures = {m.pk: m for m in measures}
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            pk = form.cleaned_data.get("measure")
            if pk not in self.measures or pk in seen:
                raise forms.ValidationError(
                    _("The form does not match the committee's measures; reload the page.")
                )
            seen.add(pk)


def limit_committee_choice(field, user, *, keep_empty_choice=False) -> None:
    """Offer in a committee field only the committees this user edits, and make choosing one
    required unless their right covers what no committee owns (rights.edits_every_committee):
    the one statement of that rule for every form that offers committees (reports, meetings,
    series, guidelines). A required field opens on the first committee unless
    `keep_empty_choice`."""
    field.queryset = limit_to_edited_committees(field.queryset, user, "pk")
    if not edits_every_committee(user):
        field.required = True
        if not keep_empty_choice:
            field.empty_label = None


def add_model_errors(form, error) -> None:
    """Show a model's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def status_row_formset(*, measures, year, data=None):
    """The report formset for these measures (statuses prefetched) in a year."""
    formset_class = forms.formset_factory(
        StatusRowForm,
        formset=StatusRowFormSet,
        extra=0,
        max_num=len(measures),
        validate_max=True,
        absolute_max=max(len(measures), 1),
    )
    initial = []
    for measure in measures:
        current = measure.status_for(year)
        initial.append(
            {
                "measure": measure.pk,
                "version": current.version if current else 0,
                "status": current.status if current else "",
                "note": current.note if current else "",
            }
        )
    return formset_class(data, initial=initial, measures=measures, prefix="rows")


class ReportReasonForm(OneLineFieldsMixin, forms.Form):
    """The secretariat's reason when the reported year is locked."""

    reason = ReasonField()


class UnlockYearForm(OneLineFieldsMixin, forms.Form):
    """Why a locked revision year is opened again (required; kept in the year's history)."""

    reason = ReasonField(label=_("Why is the year unlocked?"), required=True)


class RetireForm(OneLineFieldsMixin, forms.Form):
    """Retiring or restoring a plan item: the reason is optional and goes into its history."""

    reason = ReasonField(label=_("Reason (optional)"))


class _PlanItemForm(OneLineFieldsMixin, forms.ModelForm):
    """Shared by goal, sub-goal and measure forms: the version the page showed."""

    version = VersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and name != "version":
                field.max_length = TEXT_MAX_LENGTH
                field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
                field.widget.attrs["maxlength"] = TEXT_MAX_LENGTH


class GoalForm(_PlanItemForm):
    class Meta:
        model = Goal
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class SubGoalForm(_PlanItemForm):
    class Meta:
        model = SubGoal
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class MeasureForm(_PlanItemForm):
    class Meta:
        model = Measure
        fields = ["text", "subgoal", "responsible", "measurement", "priority_groups", "notes"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "responsible": forms.Textarea(attrs={"rows": 2}),
            "measurement": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "priority_groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, goal, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the sub-goals of this measure's own main goal; a forged id is "not a valid choice".
        self.fields["subgoal"].queryset = goal.subgoals.filter(retired=False)
        self.fields["subgoal"].empty_label = _("– directly under the main goal –")
        self.fields["priority_groups"].queryset = PriorityGroup.objects.all()


class AppointEditorForm(forms.Form):
    """Appoint a user as editor of a committee."""

    user = forms.ModelChoiceField(label=_("User"), queryset=get_user_model().objects.none())

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(pk__in=committee.editors.values("pk"))
            .order_by("first_name", "last_name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.get_username()} ({u.get_username()})"
        )


class LinkPersonForm(forms.Form):
    """Link a committee's leader or deputy (a Person) to a user account, or unlink them."""

    user = forms.ModelChoiceField(
        label=_("User account"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("– no user account –"),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        # Users not yet linked to anyone else (a user is one person).
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(person__isnull=True) | Q(person=person))
            .order_by("first_name", "last_name", "username")
        )
        self.fields["user"].initial = person.user_id
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.get_username()} ({u.get_username()})"
        )


class OpenRevisionForm(forms.Form):
    """Open the annual revision for a year of the plan."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    deadline = forms.DateField(
        label=_("Deadline for committees"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, plan, revisions=None, **kwargs):
        """`revisions`: the plan's revision years, when the view has read them already."""
        super().__init__(*args, **kwargs)
        if revisions is None:
            revisions = list(plan.revision_years.all())
        taken = {r.year for r in revisions}
        self.fields["year"].choices = [(y, y) for y in plan.years if y not in taken]
        self.fields["year"].initial = plan.default_year(revisions=revisions)


class RestoreVersionForm(forms.Form):
    """Restore an earlier version of a measure."""

    history_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    version = VersionField()


class PlanDocxUploadForm(forms.Form):
    """The plan document to import; its size is checked before it is read."""

    document = forms.FileField(
        label=_("The plan document (.docx)"),
        help_text=_("Word document in the plan's layout: one table with the year columns."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )

    def clean_document(self):
        from .docx_read import max_upload_bytes

        document = self.cleaned_data["document"]
        if document.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB.") % {"max": max_upload_bytes() // 2**20}
            )
        return document
